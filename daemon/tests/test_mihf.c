// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the MIH function (mihf/mihf.c): several mihf instances in
 * one process, each with its own transport on 127.0.0.1 (ephemeral ports),
 * an SQLite IS database in a temporary file for the IS role.
 * Capability discovery, registration (and re-registration), event
 * subscription with indications delivered exactly once (also when the
 * first transmission is lost), subscriptions ending with the registration
 * (DeRegister, expiry, dropped) and when the MMT's serving PoS changes, an
 * address change of a link that is up as Link_Up with the IP renewal flag,
 * MIH_Get_Information, malformed and unserved requests answered with a
 * failure status, status JSON.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#include "tests/fakectrl.h"

#include "lib/mih.h"
#include "lib/mihmsgdef.h"
#include "lib/mihtype.h"
#include "mihf/isdb.h"
#include "mihf/mihf.h"
#include "mihf/peers.h"
#include "mihf/transport.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

static const uint8_t mac_mmt[6] = { 2, 0, 0, 0, 0xaa, 1 };
static const uint8_t mac_ap1[6] = { 2, 0, 0, 0, 1, 0 };
static const uint8_t mac_ap2[6] = { 2, 0, 0, 0, 2, 0 };

struct node {
	struct mihf *m;
	struct mihf_peers *peers;
	uint16_t port;
	const char *id;
	/* received link events */
	struct linkev_event ev[16];
	int nev;
	char ev_from[16][32];
	/* drop hook: drop the first N outgoing PDUs of this MID */
	uint16_t drop_mid;
	int drop_n;
	int dropped;
};

static bool drop_hook(void *arg, bool out, const uint8_t *pdu, size_t len)
{
	struct node *n = arg;
	struct mih_hdr h;

	if (!out || !n->drop_n || mih_hdr_decode(pdu, len, &h) < 0)
		return false;
	if (mih_hdr_mid(&h) != n->drop_mid || h.ack_rsp)
		return false;
	n->drop_n--;
	n->dropped++;
	return true;
}

static void ev_cb(void *arg, const uint8_t *from, size_t from_len,
		  const struct linkev_event *ev)
{
	struct node *n = arg;

	if (!from)		/* local events: not counted here */
		return;
	if (n->nev < 16) {
		n->ev[n->nev] = *ev;
		snprintf(n->ev_from[n->nev], sizeof(n->ev_from[0]), "%.*s",
			 (int)from_len, (const char *)from);
	}
	n->nev++;
}

static int node_open(struct md_loop *loop, struct node *n, const char *id,
		     unsigned int roles, const uint8_t *mac, uint8_t lt,
		     struct isdb *db, struct mihf_cfg *extra)
{
	struct mihf_cfg cfg;
	struct mihx_cfg x;
	struct linkev_link l;
	int err, k;

	memset(&cfg, 0, sizeof(cfg));
	if (extra)
		cfg = *extra;
	mihf_id_set(&cfg.id, id);
	cfg.roles = roles;
	memset(&l, 0, sizeof(l));
	if (mac) {
		snprintf(l.ifname, sizeof(l.ifname), "if-%s", id);
		l.link_type = lt;
		memcpy(l.mac, mac, 6);
		l.has_mac = true;
		l.up = true;
		cfg.links = &l;
		cfg.nlinks = 1;
	}
	mihx_cfg_defaults(&x);
	x.port = 0;
	snprintf(x.bind_addr, sizeof(x.bind_addr), "127.0.0.1");
	for (k = 1; k <= 4; k++)
		x.rtx_ms[k] = 50;
	x.keepalive_ms = 0;
	x.test_drop = drop_hook;
	x.test_drop_arg = n;
	n->id = id;
	n->peers = mihf_peers_new(0);
	if (!n->peers)
		return -ENOMEM;
	err = mihf_open(loop, &cfg, &x, n->peers, db, &n->m);
	if (err)
		return err;
	n->port = mihx_port(mihf_transport(n->m));
	mihf_set_event_cb(n->m, ev_cb, n);
	return 0;
}

static void node_close(struct node *n)
{
	mihf_free(n->m);
	mihf_peers_free(n->peers);
	n->m = NULL;
}

/* @a knows @b statically */
static int know(struct node *a, struct node *b, enum mihf_peer_kind kind)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(b->port) };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return mihf_peers_add(a->peers, b->id, strlen(b->id), kind,
			      (struct sockaddr *)&sin, sizeof(sin),
			      MIHF_TRANSPORT_UDP, MIHF_PEER_SRC_STATIC, 0, 0,
			      md_now_ns(), NULL);
}

static struct mihf_id mkid(const char *s)
{
	struct mihf_id id;

	mihf_id_set(&id, s);
	return id;
}

/* ---- running the loop ---- */

struct waiter {
	struct md_loop *loop;
	int *flag;
	int want;
};

static void tick(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct waiter *w = arg;

	if (w->flag && *w->flag >= w->want)
		md_loop_stop(loop, 0);
}

static void expire(struct md_loop *loop, struct md_timer *t, void *arg)
{
	md_loop_stop(loop, -ETIMEDOUT);
}

/* run until *flag >= want or @ms passed (flag NULL: just run @ms) */
static int run_until(struct md_loop *loop, int *flag, int want, unsigned ms)
{
	struct waiter w = { loop, flag, want };
	struct md_timer *t1, *t2;
	int ret;

	if (flag && *flag >= want)
		return 0;
	t1 = md_timer_add(loop, 2 * MD_NSEC_PER_MSEC, 2 * MD_NSEC_PER_MSEC,
			  tick, &w);
	t2 = md_timer_add(loop, ms * MD_NSEC_PER_MSEC, 0, expire, &w);
	ret = md_loop_run(loop);
	md_timer_cancel(loop, t1);
	if (ret != -ETIMEDOUT)
		md_timer_cancel(loop, t2);
	return flag ? ret : 0;
}

struct done {
	int n;
	int status;
	int mih_status;
	uint8_t rsp[2048];
	size_t len;
};

static void done_cb(void *arg, int status, int mih_status, const uint8_t *rsp,
		    size_t len)
{
	struct done *d = arg;

	d->n++;
	d->status = status;
	d->mih_status = mih_status;
	d->len = 0;
	if (rsp && len <= sizeof(d->rsp)) {
		memcpy(d->rsp, rsp, len);
		d->len = len;
	}
}

FIXTURE(three) {
	struct md_loop *loop;
	struct node mmt, pos, is;
	struct isdb *db;
	char dbpath[64];
};

static int fill_db(struct isdb *db)
{
	struct isdb_network net;
	struct isdb_poa poa;
	int err;

	memset(&net, 0, sizeof(net));
	snprintf(net.name, sizeof(net.name), "corp");
	net.link_type = 19;
	snprintf(net.network_id, sizeof(net.network_id), "corp-wifi");
	snprintf(net.operator_name, sizeof(net.operator_name), "Example Op");
	net.has = ISDB_NET_OPERATOR | ISDB_NET_DATA_RATE;
	net.data_rate = 54000;
	err = isdb_add_network(db, &net);
	if (err)
		return err;
	memset(&poa, 0, sizeof(poa));
	poa.network = net.id;
	snprintf(poa.name, sizeof(poa.name), "ap1");
	memcpy(poa.mac, mac_ap1, 6);
	snprintf(poa.pos_mihf_id, sizeof(poa.pos_mihf_id), "pos1");
	poa.pos_port = 4551;
	err = isdb_add_poa(db, &poa);
	if (err)
		return err;
	memset(&poa, 0, sizeof(poa));
	poa.network = net.id;
	snprintf(poa.name, sizeof(poa.name), "ap2");
	memcpy(poa.mac, mac_ap2, 6);
	snprintf(poa.pos_mihf_id, sizeof(poa.pos_mihf_id), "pos2");
	poa.pos_port = 4551;
	return isdb_add_poa(db, &poa);
}

FIXTURE_SETUP(three)
{
	char err[256];

	md_log_set_level(MD_LOG_ERR);
	memset(&self->mmt, 0, sizeof(self->mmt));
	memset(&self->pos, 0, sizeof(self->pos));
	memset(&self->is, 0, sizeof(self->is));
	self->loop = md_loop_new();
	ASSERT_NE(NULL, self->loop);
	snprintf(self->dbpath, sizeof(self->dbpath), "/tmp/mihsec-mihf-%d.db",
		 (int)getpid());
	unlink(self->dbpath);
	ASSERT_EQ(0, isdb_open(&self->db, ISDB_BACKEND_SQLITE, self->dbpath,
			       err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, fill_db(self->db)) TH_LOG("%s", isdb_errmsg(self->db));
	ASSERT_EQ(0, node_open(self->loop, &self->mmt, "mmt1", MIHF_ROLE_MMT,
			       mac_mmt, 19, NULL, NULL));
	ASSERT_EQ(0, node_open(self->loop, &self->pos, "pos1", MIHF_ROLE_POS,
			       mac_ap1, 19, NULL, NULL));
	ASSERT_EQ(0, node_open(self->loop, &self->is, "is1", MIHF_ROLE_IS,
			       NULL, 0, self->db, NULL));
	ASSERT_EQ(0, know(&self->mmt, &self->pos, MIHF_PEER_POA));
	ASSERT_EQ(0, know(&self->mmt, &self->is, MIHF_PEER_IS));
	ASSERT_EQ(0, know(&self->pos, &self->mmt, MIHF_PEER_MMT));
}

FIXTURE_TEARDOWN(three)
{
	node_close(&self->mmt);
	node_close(&self->pos);
	node_close(&self->is);
	isdb_close(self->db);
	unlink(self->dbpath);
	md_loop_free(self->loop);
}

TEST_F(three, capability_discover_records_peer)
{
	struct mihf_id pos = mkid("pos1"), is = mkid("is1");
	struct mihf_peer *p;
	struct done d = { 0 }, d2 = { 0 };
	struct mih_rd r;
	struct mih_net_type_addr a;

	ASSERT_EQ(0, mihf_discover(self->mmt.m, &pos, done_cb, &d));
	ASSERT_EQ(0, mihf_discover(self->mmt.m, &is, done_cb, &d2));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	ASSERT_EQ(0, run_until(self->loop, &d2.n, 1, 3000));
	EXPECT_EQ(0, d.status);
	EXPECT_EQ(0, d.mih_status);
	p = mihf_peers_find_id(self->mmt.peers, "pos1", 4);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(p->caps.has_evt);
	EXPECT_EQ(MIHF_EVT_SUPPORTED, p->caps.evt_list);
	EXPECT_TRUE(p->caps.has_cmd);
	EXPECT_NE(0, (int)((p->caps.cmd_list >> MIH_CMD_NET_HO) & 1));
	EXPECT_FALSE(p->caps.has_iq);
	ASSERT_TRUE(p->caps.has_link_addrs);
	/* the PoS's link: 802.11, its AP's MAC */
	mih_rd_init(&r, p->caps.link_addrs, p->caps.link_addrs_len);
	ASSERT_EQ(1u, mih_get_list_count(&r, 1));
	ASSERT_EQ(0, mih_get_net_type_addr(&r, &a));
	EXPECT_EQ(19, a.nt.link_type);
	EXPECT_EQ(0, memcmp(a.addr.u.mac, mac_ap1, 6));
	/* the IS server announces its query types */
	p = mihf_peers_find_id(self->mmt.peers, "is1", 3);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(p->caps.has_iq);
	EXPECT_NE(0, (int)((p->caps.iq_type_list >> MIH_IQ_BINARY_DATA) & 1));
	/* the request carried ours: the PoS learned the MMT's links */
	p = mihf_peers_find_id(self->pos.peers, "mmt1", 4);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(p->caps.has_link_addrs);
	/* unknown peer: no address */
	pos = mkid("nobody");
	EXPECT_EQ(-EHOSTUNREACH, mihf_discover(self->mmt.m, &pos, done_cb,
					       &d));
}

static int count_json(json_object *o, const char *key)
{
	json_object *a;

	if (!json_object_object_get_ex(o, key, &a))
		return -1;
	return (int)json_object_array_length(a);
}

TEST_F(three, register_reregister_deregister)
{
	struct mihf_cfg c;
	struct done d = { 0 };
	json_object *st, *reg, *e, *v;
	struct mihf_id pos = mkid("pos1");
	uint32_t life;
	struct mih_msg msg;

	ASSERT_EQ(0, mihf_register(self->mmt.m, &pos, done_cb, &d));
	EXPECT_EQ(-EBUSY, mihf_register(self->mmt.m, &pos, NULL, NULL));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	EXPECT_EQ(0, d.status);
	ASSERT_EQ(0, mih_msg_parse(d.rsp, d.len, &msg, NULL));
	ASSERT_EQ(1, mih_msg_get_u32(&msg, MIH_TLV_VALID_TIME_INTERVAL,
				     &life));
	EXPECT_EQ((uint32_t)MIHF_REG_LIFETIME_S, life);
	st = mihf_status_json(self->pos.m);
	ASSERT_EQ(1, count_json(st, "registrations"));
	json_object_object_get_ex(st, "registrations", &reg);
	e = json_object_array_get_idx(reg, 0);
	ASSERT_TRUE(json_object_object_get_ex(e, "mmt", &v));
	EXPECT_STREQ("mmt1", json_object_get_string(v));
	/* the PoS holds resources for the attached MMT */
	EXPECT_EQ(1, count_json(st, "resources"));
	json_object_put(st);
	st = mihf_status_json(self->mmt.m);
	ASSERT_TRUE(json_object_object_get_ex(st, "registered_with", &e));
	ASSERT_TRUE(json_object_object_get_ex(e, "registered", &v));
	EXPECT_TRUE(json_object_get_boolean(v));
	json_object_put(st);

	/* a PoS that is not a PoS refuses */
	pos = mkid("is1");
	d.n = 0;
	ASSERT_EQ(0, mihf_register(self->mmt.m, &pos, done_cb, &d));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	EXPECT_EQ(-ECONNREFUSED, d.status);
	EXPECT_EQ(MIH_STATUS_REJECTED, d.mih_status);

	/* deregistration */
	pos = mkid("pos1");
	d.n = 0;
	ASSERT_EQ(0, mihf_deregister(self->mmt.m, &pos, done_cb, &d));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	EXPECT_EQ(0, d.status);
	st = mihf_status_json(self->pos.m);
	EXPECT_EQ(0, count_json(st, "registrations"));
	EXPECT_EQ(0, count_json(st, "resources"));
	json_object_put(st);
	(void)c;
}

static struct linkev_event up_event(const uint8_t *mac, const uint8_t *poa)
{
	struct linkev_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = LINKEV_UP;
	snprintf(ev.ifname, sizeof(ev.ifname), "wlan0");
	ev.link_type = 19;
	memcpy(ev.mac, mac, 6);
	ev.has_mac = true;
	memcpy(ev.poa, poa, 6);
	ev.has_poa = true;
	ev.reason = -1;
	return ev;
}

/* ---- subscriptions end with the registration ---- */

static const uint8_t mac_mmt2[6] = { 2, 0, 0, 0, 0xaa, 2 };

/* the subscriptions @n holds for @peer */
static int subs_of(struct node *n, const char *peer)
{
	json_object *st = mihf_status_json(n->m), *a, *e, *v;
	int k, cnt = 0;

	if (!json_object_object_get_ex(st, "subscriptions", &a)) {
		json_object_put(st);
		return -1;
	}
	for (k = 0; k < (int)json_object_array_length(a); k++) {
		e = json_object_array_get_idx(a, k);
		if (json_object_object_get_ex(e, "peer", &v) &&
		    !strcmp(json_object_get_string(v), peer))
			cnt++;
	}
	json_object_put(st);
	return cnt;
}

static int json_count(struct node *n, const char *key)
{
	json_object *st = mihf_status_json(n->m), *a;
	int k = -1;

	if (json_object_object_get_ex(st, key, &a))
		k = (int)json_object_array_length(a);
	json_object_put(st);
	return k;
}

/* @n registers with pos1 and subscribes to its link events there */
static int reg_and_sub(struct md_loop *loop, struct node *n)
{
	struct mihf_id pos = mkid("pos1");
	struct done d = { 0 };
	int err;

	err = mihf_register(n->m, &pos, done_cb, &d);
	if (!err)
		err = run_until(loop, &d.n, 1, 3000);
	if (!err)
		err = d.status;
	if (!err)
		err = mihf_subscribe(n->m, &pos, 19, NULL, MIHF_EVT_UP |
				     MIHF_EVT_DOWN, done_cb, &d);
	if (!err)
		err = run_until(loop, &d.n, 2, 3000);
	return err ? err : d.status;
}

enum drop_how { BY_DEREGISTER, BY_EXPIRY, BY_DROP };

/*
 * A PoS that drops an MMT's registration (DeRegister, expiry, handover
 * elsewhere: mihf_drop_registration) drops its event subscriptions too;
 * the other MMT's stay.
 */
static void subs_follow_registration(struct __test_metadata *_metadata,
				     enum drop_how how)
{
	struct md_loop *loop = md_loop_new();
	struct node m1 = { 0 }, m2 = { 0 }, pos = { 0 };
	struct mihf_cfg pc = { .reg_lifetime_s = how == BY_EXPIRY ? 1 : 0 };
	struct mihf_id pid = mkid("pos1");
	struct linkev_event ev = up_event(mac_ap1, mac_mmt);
	struct done d = { 0 };
	int k;

	md_log_set_level(MD_LOG_ERR);
	ASSERT_NE(NULL, loop);
	ASSERT_EQ(0, node_open(loop, &pos, "pos1", MIHF_ROLE_POS, mac_ap1, 19,
			       NULL, &pc));
	ASSERT_EQ(0, node_open(loop, &m1, "mmt1", MIHF_ROLE_MMT, mac_mmt, 19,
			       NULL, NULL));
	ASSERT_EQ(0, node_open(loop, &m2, "mmt2", MIHF_ROLE_MMT, mac_mmt2, 19,
			       NULL, NULL));
	ASSERT_EQ(0, know(&m1, &pos, MIHF_PEER_POA));
	ASSERT_EQ(0, know(&m2, &pos, MIHF_PEER_POA));
	ASSERT_EQ(0, reg_and_sub(loop, &m1));
	ASSERT_EQ(0, reg_and_sub(loop, &m2));
	ASSERT_EQ(2, json_count(&pos, "registrations"));
	ASSERT_EQ(1, subs_of(&pos, "mmt1"));
	ASSERT_EQ(1, subs_of(&pos, "mmt2"));

	switch (how) {
	case BY_DEREGISTER:
		ASSERT_EQ(0, mihf_deregister(m1.m, &pid, done_cb, &d));
		ASSERT_EQ(0, run_until(loop, &d.n, 1, 3000));
		ASSERT_EQ(0, d.status);
		break;
	case BY_DROP:
		mihf_drop_registration(pos.m, "mmt1", 4);
		break;
	case BY_EXPIRY:
		/* mmt1's re-registrations are lost; mmt2 re-registers
		 * every 200 ms, well within its 1 s */
		m1.drop_mid = MIH_MID(MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
				      MIH_AID_REGISTER);
		m1.drop_n = 1000;
		for (k = 0; k < 25 && json_count(&pos, "registrations") > 1;
		     k++) {
			mihf_register(m2.m, &pid, NULL, NULL);
			run_until(loop, NULL, 0, 200);
		}
		EXPECT_GT(m1.dropped, 0);
		break;
	}
	EXPECT_EQ(1, json_count(&pos, "registrations"));
	EXPECT_EQ(0, subs_of(&pos, "mmt1"));
	EXPECT_EQ(1, subs_of(&pos, "mmt2"));
	EXPECT_EQ(1, json_count(&pos, "subscriptions"));
	/* an event reaches mmt2 only */
	mihf_link_event(pos.m, &ev);
	ASSERT_EQ(0, run_until(loop, &m2.nev, 1, 3000));
	run_until(loop, NULL, 0, 300);
	EXPECT_EQ(0, m1.nev);
	EXPECT_EQ(1, m2.nev);
	node_close(&m1);
	node_close(&m2);
	node_close(&pos);
	md_loop_free(loop);
}

TEST(subs_dropped_on_deregister)
{
	subs_follow_registration(_metadata, BY_DEREGISTER);
}

TEST(subs_dropped_on_expiry)
{
	subs_follow_registration(_metadata, BY_EXPIRY);
}

TEST(subs_dropped_on_drop_registration)
{
	subs_follow_registration(_metadata, BY_DROP);
}

struct rxnames {
	int n;
	char names[16][48];
};

static void rx_trace(void *arg, const struct mihf_trace *t)
{
	struct rxnames *r = arg;

	if (t->dir != MIHF_RX || ((t->mid >> 10) & 3) != MIH_OP_REQUEST)
		return;
	if (r->n < 16)
		snprintf(r->names[r->n], sizeof(r->names[0]), "%s", t->name);
	r->n++;
}

static bool registered_with(struct node *n, const char *pos)
{
	json_object *st = mihf_status_json(n->m), *e, *v;
	bool ok = false;

	if (json_object_object_get_ex(st, "registered_with", &e) && e &&
	    json_object_object_get_ex(e, "pos", &v) &&
	    !strcmp(json_object_get_string(v), pos) &&
	    json_object_object_get_ex(e, "registered", &v))
		ok = json_object_get_boolean(v);
	json_object_put(st);
	return ok;
}

/*
 * MMT: a new serving PoS (as after a handover): the old one gets an
 * Event_Unsubscribe for the subscription held there (the sweep's, with
 * subscribe_serving) and a DeRegister, both served; the sweep subscribes
 * at the new PoS; the MMT holds one subscription, at the new PoS.
 */
TEST(serving_change_leaves_old_pos)
{
	struct md_loop *loop = md_loop_new();
	struct node mmt = { 0 }, p1 = { 0 }, p2 = { 0 };
	struct mihf_cfg mc = { .subscribe_serving = true, .discover = true };
	struct mihf_id pid2 = mkid("pos2");
	struct mihf_counters c;
	struct rxnames rx = { 0 };
	json_object *st, *a, *e, *v;
	int k, n0;

	md_log_set_level(MD_LOG_ERR);
	ASSERT_NE(NULL, loop);
	mihf_id_set(&mc.serving_pos, "pos1");
	ASSERT_EQ(0, node_open(loop, &p1, "pos1", MIHF_ROLE_POS, mac_ap1, 19,
			       NULL, NULL));
	ASSERT_EQ(0, node_open(loop, &p2, "pos2", MIHF_ROLE_POS, mac_ap2, 19,
			       NULL, NULL));
	ASSERT_EQ(0, node_open(loop, &mmt, "mmt1", MIHF_ROLE_MMT, mac_mmt, 19,
			       NULL, &mc));
	ASSERT_EQ(0, know(&mmt, &p1, MIHF_PEER_POA));
	ASSERT_EQ(0, know(&mmt, &p2, MIHF_PEER_POA));
	mihf_set_trace(p1.m, rx_trace, &rx);
	ASSERT_EQ(0, mihf_start(mmt.m));	/* registers, subscribes */
	for (k = 0; k < 40 && subs_of(&p1, "mmt1") < 1; k++)
		run_until(loop, NULL, 0, 100);
	ASSERT_EQ(1, subs_of(&p1, "mmt1"));
	ASSERT_TRUE(registered_with(&mmt, "pos1"));
	ASSERT_EQ(1, json_count(&mmt, "subscribed"));
	n0 = rx.n;

	/* what handover.c does when a handover completed */
	mihf_set_serving(mmt.m, &pid2);
	/* the old subscription is forgotten at once */
	EXPECT_EQ(0, json_count(&mmt, "subscribed"));
	EXPECT_EQ(0, mihf_register(mmt.m, &pid2, NULL, NULL));
	for (k = 0; k < 30 && (json_count(&p1, "registrations") ||
			       subs_of(&p1, "mmt1")); k++)
		run_until(loop, NULL, 0, 100);
	EXPECT_EQ(0, json_count(&p1, "registrations"));
	EXPECT_EQ(0, subs_of(&p1, "mmt1"));
	ASSERT_EQ(n0 + 2, rx.n);
	EXPECT_STREQ("MIH_Event_Unsubscribe.request", rx.names[n0]);
	EXPECT_STREQ("MIH_DeRegister.request", rx.names[n0 + 1]);
	/* both served (the unsubscribe removed it, not the deregister) */
	mihf_counters(p1.m, &c);
	EXPECT_EQ(0u, c.rsp_failure);

	/* the sweep subscribes at the new PoS (discovering it first) */
	for (k = 0; k < 80 && subs_of(&p2, "mmt1") < 1; k++)
		run_until(loop, NULL, 0, 100);
	EXPECT_EQ(1, subs_of(&p2, "mmt1"));
	EXPECT_TRUE(registered_with(&mmt, "pos2"));
	EXPECT_EQ(1, json_count(&p2, "registrations"));
	st = mihf_status_json(mmt.m);
	ASSERT_TRUE(json_object_object_get_ex(st, "subscribed", &a));
	ASSERT_EQ(1, (int)json_object_array_length(a));
	e = json_object_array_get_idx(a, 0);
	ASSERT_TRUE(json_object_object_get_ex(e, "peer", &v));
	EXPECT_STREQ("pos2", json_object_get_string(v));
	json_object_put(st);

	/* the same PoS again: nothing more to leave */
	n0 = rx.n;
	mihf_set_serving(mmt.m, &pid2);
	run_until(loop, NULL, 0, 300);
	EXPECT_EQ(n0, rx.n);
	EXPECT_EQ(1, subs_of(&p2, "mmt1"));
	EXPECT_TRUE(registered_with(&mmt, "pos2"));
	node_close(&mmt);
	node_close(&p1);
	node_close(&p2);
	md_loop_free(loop);
}

/* a short lifetime: the MMT re-registers by itself before expiry */
TEST(reregistration_before_expiry)
{
	struct md_loop *loop = md_loop_new();
	struct node mmt = { 0 }, pos = { 0 };
	struct mihf_cfg pc = { .reg_lifetime_s = 3 };
	json_object *st, *reg, *e, *v;
	int never = 0;

	md_log_set_level(MD_LOG_ERR);
	ASSERT_NE(NULL, loop);
	ASSERT_EQ(0, node_open(loop, &pos, "pos1", MIHF_ROLE_POS, mac_ap1, 19,
			       NULL, &pc));
	{
		struct mihf_cfg mc = { 0 };

		mihf_id_set(&mc.serving_pos, "pos1");
		ASSERT_EQ(0, node_open(loop, &mmt, "mmt1", MIHF_ROLE_MMT,
				       mac_mmt, 19, NULL, &mc));
	}
	ASSERT_EQ(0, know(&mmt, &pos, MIHF_PEER_POA));
	ASSERT_EQ(0, mihf_start(mmt.m));	/* registers */
	run_until(loop, &never, 1, 4500);	/* past the first 3 s */
	st = mihf_status_json(pos.m);
	ASSERT_EQ(1, count_json(st, "registrations"));
	json_object_object_get_ex(st, "registrations", &reg);
	e = json_object_array_get_idx(reg, 0);
	ASSERT_TRUE(json_object_object_get_ex(e, "count", &v));
	EXPECT_GE(json_object_get_int(v), 2);
	json_object_put(st);
	node_close(&mmt);
	node_close(&pos);
	md_loop_free(loop);
}

TEST_F(three, subscribe_indication_exactly_once)
{
	struct mihf_id pos = mkid("pos1");
	struct done d = { 0 };
	struct linkev_event ev = up_event(mac_ap1, mac_mmt);
	struct mih_msg msg;
	uint64_t acc = 0;
	struct mihf_counters c;

	ASSERT_EQ(0, mihf_subscribe(self->mmt.m, &pos, 19, NULL,
				    MIHF_EVT_UP | MIHF_EVT_DOWN |
				    MIHF_EVT_GOING_DOWN | MIHF_EVT_DETECTED |
				    (1u << 3), done_cb, &d));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	EXPECT_EQ(0, d.status);
	ASSERT_EQ(0, mih_msg_parse(d.rsp, d.len, &msg, NULL));
	ASSERT_EQ(1, mih_msg_get_bitmap(&msg, MIH_TLV_EVT_LIST, &acc));
	/* Parameters_Report (bit 3) is not supported: not accepted */
	EXPECT_EQ((uint64_t)MIHF_EVT_SUPPORTED, acc);

	/* the first transmission of the indication is lost */
	self->pos.drop_mid = MIH_MID(MIH_SID_EVENT, MIH_OP_INDICATION,
				     MIH_AID_LINK_UP);
	self->pos.drop_n = 1;
	mihf_link_event(self->pos.m, &ev);
	ASSERT_EQ(0, run_until(self->loop, &self->mmt.nev, 1, 3000));
	run_until(self->loop, NULL, 0, 400);	/* nothing more comes */
	EXPECT_EQ(1, self->pos.dropped);
	ASSERT_EQ(1, self->mmt.nev);
	EXPECT_EQ((int)LINKEV_UP, (int)self->mmt.ev[0].type);
	EXPECT_STREQ("pos1", self->mmt.ev_from[0]);
	EXPECT_EQ(19, self->mmt.ev[0].link_type);
	EXPECT_EQ(0, memcmp(self->mmt.ev[0].mac, mac_ap1, 6));
	EXPECT_TRUE(self->mmt.ev[0].has_poa);
	EXPECT_EQ(0, memcmp(self->mmt.ev[0].poa, mac_mmt, 6));

	/* Going_Down with its interval and reason, Down with its reason */
	ev.type = LINKEV_GOING_DOWN;
	ev.reason = LINKEV_GD_DEGRADING;
	ev.time_ms = 1500;
	mihf_link_event(self->pos.m, &ev);
	ev.type = LINKEV_DOWN;
	ev.reason = LINKEV_DN_PACKET_TIMEOUT;
	mihf_link_event(self->pos.m, &ev);
	ev.type = LINKEV_DETECTED;
	ev.ndet = 2;
	memcpy(ev.det[0].bssid, mac_ap2, 6);
	memcpy(ev.det[0].ssid, "corp", 4);
	ev.det[0].ssid_len = 4;
	ev.det[0].signal_dbm = -40;
	ev.det[0].secured = true;
	memcpy(ev.det[1].bssid, mac_ap1, 6);
	ev.det[1].signal_dbm = -70;
	mihf_link_event(self->pos.m, &ev);
	/* an address added to a link that is down (after the Down above):
	 * local only (address_change_link_up_renewal: on a link that is up) */
	ev.type = LINKEV_ADDR_ADD;
	mihf_link_event(self->pos.m, &ev);
	ASSERT_EQ(0, run_until(self->loop, &self->mmt.nev, 4, 3000));
	run_until(self->loop, NULL, 0, 300);
	ASSERT_EQ(4, self->mmt.nev);
	EXPECT_EQ((int)LINKEV_GOING_DOWN, (int)self->mmt.ev[1].type);
	EXPECT_EQ(1500, self->mmt.ev[1].time_ms);
	EXPECT_EQ(LINKEV_GD_DEGRADING, self->mmt.ev[1].reason);
	EXPECT_EQ((int)LINKEV_DOWN, (int)self->mmt.ev[2].type);
	EXPECT_EQ(LINKEV_DN_PACKET_TIMEOUT, self->mmt.ev[2].reason);
	EXPECT_EQ((int)LINKEV_DETECTED, (int)self->mmt.ev[3].type);
	ASSERT_EQ(2u, self->mmt.ev[3].ndet);
	EXPECT_EQ(0, memcmp(self->mmt.ev[3].det[0].bssid, mac_ap2, 6));
	EXPECT_EQ(4u, self->mmt.ev[3].det[0].ssid_len);
	EXPECT_EQ(-40, self->mmt.ev[3].det[0].signal_dbm);
	EXPECT_TRUE(self->mmt.ev[3].det[0].secured);
	mihf_counters(self->pos.m, &c);
	EXPECT_EQ(4u, c.ind_tx);

	/* an event of another link type: not subscribed */
	ev = up_event(mac_ap1, mac_mmt);
	ev.link_type = 15;
	mihf_link_event(self->pos.m, &ev);
	/* unsubscribe Up: Down still comes, Up does not */
	d.n = 0;
	ASSERT_EQ(0, mihf_unsubscribe(self->mmt.m, &pos, 19, NULL,
				      MIHF_EVT_UP, done_cb, &d));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	EXPECT_EQ(0, d.status);
	ev.link_type = 19;
	mihf_link_event(self->pos.m, &ev);
	ev.type = LINKEV_DOWN;
	ev.reason = 0;
	mihf_link_event(self->pos.m, &ev);
	ASSERT_EQ(0, run_until(self->loop, &self->mmt.nev, 5, 3000));
	run_until(self->loop, NULL, 0, 300);
	EXPECT_EQ(5, self->mmt.nev);
	EXPECT_EQ((int)LINKEV_DOWN, (int)self->mmt.ev[4].type);
}

/* ---- address changes: Link_Up with the IP renewal flag ---- */

struct ups {
	int n;			/* Link_Up indications sent */
	int renewal;		/* ... with TLV 17 true */
	int other;		/* ... any other TLV 17 */
};

static void ups_trace(void *arg, const struct mihf_trace *t)
{
	struct ups *u = arg;
	struct mih_msg msg;
	bool v = false;
	int r;

	if (t->dir != MIHF_TX || t->mid != MIH_MID(MIH_SID_EVENT,
						   MIH_OP_INDICATION,
						   MIH_AID_LINK_UP) ||
	    t->ack_rsp || mih_msg_parse(t->pdu, t->size, &msg, NULL))
		return;
	u->n++;
	r = mih_msg_get_bool(&msg, MIH_TLV_IP_RENEWAL, &v);
	if (r == 1 && v)
		u->renewal++;
	else if (r)
		u->other++;
}

static struct linkev_event addr_event(enum linkev_type type, const char *ifn,
				      const uint8_t *mac, uint8_t last)
{
	struct linkev_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	snprintf(ev.ifname, sizeof(ev.ifname), "%s", ifn);
	ev.link_type = 19;
	memcpy(ev.mac, mac, 6);
	ev.has_mac = true;
	ev.reason = -1;
	ev.family = AF_INET;
	memcpy(ev.addr, (const uint8_t []){ 10, 0, 0, last }, 4);
	ev.prefixlen = 24;
	return ev;
}

/*
 * An address added to a link that is up (after the bring-up settled) is a
 * Link_Up indication with IP_RENEWAL_FLAG true: once per change, not for
 * the addresses of the bring-up, at most one a second per link (a change
 * within the second follows when it is over), not on a link that is down.
 */
TEST(address_change_link_up_renewal)
{
	struct md_loop *loop = md_loop_new();
	struct node mmt = { 0 }, pos = { 0 };
	struct mihf_cfg pc = { .addr_settle_ms = 600 };
	struct mihf_id pid = mkid("pos1");
	struct linkev_event ev = up_event(mac_ap1, mac_mmt);
	struct mihf_counters c;
	struct done d = { 0 };
	struct ups u = { 0 };
	int k;

	md_log_set_level(MD_LOG_ERR);
	ASSERT_NE(NULL, loop);
	ASSERT_EQ(0, node_open(loop, &pos, "pos1", MIHF_ROLE_POS, mac_ap1, 19,
			       NULL, &pc));
	ASSERT_EQ(0, node_open(loop, &mmt, "mmt1", MIHF_ROLE_MMT, mac_mmt, 19,
			       NULL, NULL));
	ASSERT_EQ(0, know(&mmt, &pos, MIHF_PEER_POA));
	mihf_set_trace(pos.m, ups_trace, &u);
	ASSERT_EQ(0, mihf_subscribe(mmt.m, &pid, 19, NULL,
				    MIHF_EVT_UP | MIHF_EVT_DOWN, done_cb, &d));
	ASSERT_EQ(0, run_until(loop, &d.n, 1, 3000));
	ASSERT_EQ(0, d.status);

	/* the link comes up: a plain Link_Up */
	mihf_link_event(pos.m, &ev);
	ASSERT_EQ(0, run_until(loop, &mmt.nev, 1, 3000));
	EXPECT_EQ((int)LINKEV_UP, (int)mmt.ev[0].type);
	EXPECT_FALSE(mmt.ev[0].ip_renewal);
	/* its first addresses: the bring-up, not reported */
	ev = addr_event(LINKEV_ADDR_ADD, "wlan0", mac_ap1, 2);
	mihf_link_event(pos.m, &ev);
	run_until(loop, NULL, 0, 150);
	ev = addr_event(LINKEV_ADDR_ADD, "wlan0", mac_ap1, 3);
	mihf_link_event(pos.m, &ev);	/* 150 ms later: still bring-up */
	run_until(loop, NULL, 0, 200);
	EXPECT_EQ(1, mmt.nev);

	/* settled (600 ms without a change): a new address is a renewal */
	run_until(loop, NULL, 0, 700);
	ev = addr_event(LINKEV_ADDR_ADD, "wlan0", mac_ap1, 4);
	mihf_link_event(pos.m, &ev);
	ASSERT_EQ(0, run_until(loop, &mmt.nev, 2, 3000));
	EXPECT_EQ((int)LINKEV_UP, (int)mmt.ev[1].type);
	EXPECT_TRUE(mmt.ev[1].ip_renewal);
	EXPECT_EQ(19, mmt.ev[1].link_type);
	EXPECT_EQ(0, memcmp(mmt.ev[1].mac, mac_ap1, 6));
	EXPECT_TRUE(mmt.ev[1].has_poa);		/* the link's PoA */
	EXPECT_EQ(0, memcmp(mmt.ev[1].poa, mac_mmt, 6));
	EXPECT_STREQ("pos1", mmt.ev_from[1]);
	EXPECT_EQ(1, u.renewal);

	/* a flap: removed, added three times within the second: nothing
	 * now, one renewal when the second is over, then nothing */
	ev = addr_event(LINKEV_ADDR_DEL, "wlan0", mac_ap1, 4);
	mihf_link_event(pos.m, &ev);
	for (k = 5; k < 8; k++) {
		ev = addr_event(LINKEV_ADDR_ADD, "wlan0", mac_ap1, (uint8_t)k);
		mihf_link_event(pos.m, &ev);
	}
	run_until(loop, NULL, 0, 300);
	EXPECT_EQ(2, mmt.nev);
	ASSERT_EQ(0, run_until(loop, &mmt.nev, 3, 3000));
	EXPECT_TRUE(mmt.ev[2].ip_renewal);
	run_until(loop, NULL, 0, 1300);
	EXPECT_EQ(3, mmt.nev);
	/* a removal alone is no renewal */
	ev = addr_event(LINKEV_ADDR_DEL, "wlan0", mac_ap1, 7);
	mihf_link_event(pos.m, &ev);
	run_until(loop, NULL, 0, 1300);
	EXPECT_EQ(3, mmt.nev);

	/* down: its address changes are local only */
	ev = up_event(mac_ap1, mac_mmt);
	ev.type = LINKEV_DOWN;
	ev.reason = 0;
	mihf_link_event(pos.m, &ev);
	ASSERT_EQ(0, run_until(loop, &mmt.nev, 4, 3000));
	EXPECT_EQ((int)LINKEV_DOWN, (int)mmt.ev[3].type);
	ev = addr_event(LINKEV_ADDR_ADD, "wlan0", mac_ap1, 8);
	mihf_link_event(pos.m, &ev);
	run_until(loop, NULL, 0, 400);
	EXPECT_EQ(4, mmt.nev);
	/* up again: a plain Link_Up; its addresses a new bring-up */
	ev = up_event(mac_ap1, mac_mmt);
	mihf_link_event(pos.m, &ev);
	ASSERT_EQ(0, run_until(loop, &mmt.nev, 5, 3000));
	EXPECT_FALSE(mmt.ev[4].ip_renewal);
	ev = addr_event(LINKEV_ADDR_ADD, "wlan0", mac_ap1, 9);
	mihf_link_event(pos.m, &ev);
	run_until(loop, NULL, 0, 200);
	EXPECT_EQ(5, mmt.nev);

	/* a link up since before the first event (the configured one,
	 * linkev reports no Link_Up for a link it finds up): renewal */
	ev = addr_event(LINKEV_ADDR_ADD, "if-pos1", mac_ap1, 10);
	mihf_link_event(pos.m, &ev);
	ASSERT_EQ(0, run_until(loop, &mmt.nev, 6, 3000));
	EXPECT_EQ((int)LINKEV_UP, (int)mmt.ev[5].type);
	EXPECT_TRUE(mmt.ev[5].ip_renewal);
	run_until(loop, NULL, 0, 200);
	EXPECT_EQ(6, mmt.nev);

	EXPECT_EQ(5, u.n);		/* Link_Up indications sent */
	EXPECT_EQ(3, u.renewal);
	EXPECT_EQ(0, u.other);		/* a plain one carries no TLV 17 */
	mihf_counters(pos.m, &c);
	EXPECT_EQ(6u, c.ind_tx);
	node_close(&mmt);
	node_close(&pos);
	md_loop_free(loop);
}

TEST_F(three, subscribe_refusals)
{
	struct mihf_id pos = mkid("pos1");
	struct done d = { 0 };
	struct mih_msg msg;
	json_object *st;

	/* a link the PoS does not have */
	ASSERT_EQ(0, mihf_subscribe(self->mmt.m, &pos, 19, mac_ap2,
				    MIHF_EVT_UP, done_cb, &d));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	EXPECT_EQ(-ECONNREFUSED, d.status);
	EXPECT_EQ(MIH_STATUS_REJECTED, d.mih_status);
	/* the failure response still parses: Status + link id, no list */
	ASSERT_EQ(0, mih_msg_parse(d.rsp, d.len, &msg, NULL));
	EXPECT_EQ(NULL, mih_msg_tlv(&msg, MIH_TLV_EVT_LIST));
	/* only unsupported events */
	d.n = 0;
	ASSERT_EQ(0, mihf_subscribe(self->mmt.m, &pos, 19, mac_ap1,
				    1u << 3, done_cb, &d));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	EXPECT_EQ(-ECONNREFUSED, d.status);
	/* unsubscribing what was never subscribed */
	d.n = 0;
	ASSERT_EQ(0, mihf_unsubscribe(self->mmt.m, &pos, 19, mac_ap1,
				      MIHF_EVT_UP, done_cb, &d));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	EXPECT_EQ(-ECONNREFUSED, d.status);
	st = mihf_status_json(self->pos.m);
	EXPECT_EQ(0, count_json(st, "subscriptions"));
	json_object_put(st);
	EXPECT_EQ(-EINVAL, mihf_subscribe(self->mmt.m, &pos, 19, NULL, 0,
					  NULL, NULL));
}

struct isres {
	int n;
	int status;
	int mih_status;
	char json[8192];
};

static void is_cb(void *arg, int status, int mih_status, json_object *res,
		  const uint8_t *ir, size_t len)
{
	struct isres *r = arg;

	r->n++;
	r->status = status;
	r->mih_status = mih_status;
	snprintf(r->json, sizeof(r->json), "%s",
		 res ? json_object_to_json_string(res) : "");
}

TEST_F(three, get_information)
{
	struct mihf_id is = mkid("is1"), pos = mkid("pos1");
	struct mihf_is_query q = { .is = &is };
	struct isres r = { 0 };
	struct mihf_counters c;

	ASSERT_EQ(0, mihf_is_query(self->mmt.m, &q, is_cb, &r));
	ASSERT_EQ(0, run_until(self->loop, &r.n, 1, 3000));
	ASSERT_EQ(0, r.status);
	EXPECT_EQ(0, r.mih_status);
	EXPECT_NE(NULL, strstr(r.json, "corp-wifi")) TH_LOG("%s", r.json);
	EXPECT_NE(NULL, strstr(r.json, "IE_POA_LINK_ADDR")) TH_LOG("%s",
								  r.json);
	EXPECT_NE(NULL, strstr(r.json, "IE_CONTAINER_NETWORK"));
	mihf_counters(self->is.m, &c);
	EXPECT_EQ(1u, c.is_queries);

	/* a network that does not exist: success, nothing reported */
	q.network_id = "nope";
	r.n = 0;
	ASSERT_EQ(0, mihf_is_query(self->mmt.m, &q, is_cb, &r));
	ASSERT_EQ(0, run_until(self->loop, &r.n, 1, 3000));
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(NULL, strstr(r.json, "corp-wifi"));

	/* a max response size too small for anything: refused, no crash */
	q.network_id = NULL;
	q.max_rsp = 20;
	r.n = 0;
	ASSERT_EQ(0, mihf_is_query(self->mmt.m, &q, is_cb, &r));
	ASSERT_EQ(0, run_until(self->loop, &r.n, 1, 3000));
	EXPECT_EQ(-ECONNREFUSED, r.status);
	/* a small one: fewer entries, still a valid response */
	q.max_rsp = 120;
	r.n = 0;
	ASSERT_EQ(0, mihf_is_query(self->mmt.m, &q, is_cb, &r));
	ASSERT_EQ(0, run_until(self->loop, &r.n, 1, 3000));
	EXPECT_EQ(0, r.status);

	/* an unauthenticated (UIR) query is served, the answer says so */
	q.max_rsp = 0;
	q.uir = true;
	r.n = 0;
	ASSERT_EQ(0, mihf_is_query(self->mmt.m, &q, is_cb, &r));
	ASSERT_EQ(0, run_until(self->loop, &r.n, 1, 3000));
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.json, "\"uir\": true")) TH_LOG("%s",
								r.json);
	q.uir = false;

	/* not an IS server */
	q.max_rsp = 0;
	q.is = &pos;
	r.n = 0;
	ASSERT_EQ(0, mihf_is_query(self->mmt.m, &q, is_cb, &r));
	ASSERT_EQ(0, run_until(self->loop, &r.n, 1, 3000));
	EXPECT_EQ(-ECONNREFUSED, r.status);
	EXPECT_EQ(MIH_STATUS_REJECTED, r.mih_status);
}

TEST(uir_refused_when_configured)
{
	struct md_loop *loop = md_loop_new();
	struct node mmt = { 0 }, is = { 0 };
	struct mihf_cfg ic = { .refuse_uir = true };
	struct mihf_id isid = mkid("is1");
	struct mihf_is_query q = { .is = &isid, .uir = true };
	struct isres r = { 0 };
	char path[64], err[256];
	struct isdb *db;

	md_log_set_level(MD_LOG_ERR);
	snprintf(path, sizeof(path), "/tmp/mihsec-mihf-uir-%d.db",
		 (int)getpid());
	unlink(path);
	ASSERT_EQ(0, isdb_open(&db, ISDB_BACKEND_SQLITE, path, err,
			       sizeof(err)));
	ASSERT_EQ(0, node_open(loop, &is, "is1", MIHF_ROLE_IS, NULL, 0, db,
			       &ic));
	ASSERT_EQ(0, node_open(loop, &mmt, "mmt1", MIHF_ROLE_MMT, mac_mmt, 19,
			       NULL, NULL));
	ASSERT_EQ(0, know(&mmt, &is, MIHF_PEER_IS));
	ASSERT_EQ(0, mihf_is_query(mmt.m, &q, is_cb, &r));
	ASSERT_EQ(0, run_until(loop, &r.n, 1, 3000));
	EXPECT_EQ(-ECONNREFUSED, r.status);
	EXPECT_EQ(MIH_STATUS_AUTHORIZATION_FAILURE, r.mih_status);
	/* without UIR the same query is served */
	q.uir = false;
	r.n = 0;
	ASSERT_EQ(0, mihf_is_query(mmt.m, &q, is_cb, &r));
	ASSERT_EQ(0, run_until(loop, &r.n, 1, 3000));
	EXPECT_EQ(0, r.status);
	node_close(&mmt);
	node_close(&is);
	isdb_close(db);
	unlink(path);
	md_loop_free(loop);
}

/* hand-made PDUs through mihf_send_raw (IDs and TID are rewritten) */
static size_t craft(uint8_t *buf, size_t size, uint16_t mid,
		    const uint8_t *body, size_t blen)
{
	struct mih_builder b;
	size_t len = 0;

	mih_builder_init(&b, buf, size);
	mih_msg_begin(&b, mid, 1, 0, "x", 1, "y", 1);
	mih_build_bytes(&b, body, blen);
	if (mih_msg_finish(&b, &len))
		return 0;
	return len;
}

TEST_F(three, malformed_and_unserved_requests)
{
	struct mihf_id pos = mkid("pos1");
	/* Register.request with the LINK_ID list but no request code */
	static const uint8_t reg_body[] = { 25, 1, 0 };
	/* a Link_Actions.request: valid, but not served */
	static const uint8_t act_body[] = { 38, 1, 0 };
	/* Event_Subscribe.request with a bad LINK_TUPLE_ID selector */
	static const uint8_t sub_body[] = { 13, 12, 19, 9, 0, 6, 6, 2, 0, 0,
					    0, 1, 0, 0, 5, 4, 0, 0, 0, 2 };
	uint8_t buf[256];
	struct done d = { 0 };
	struct mihf_counters c;
	struct mih_msg msg;
	size_t len;

	len = craft(buf, sizeof(buf), MIH_MID(MIH_SID_SERVICE_MGMT,
					      MIH_OP_REQUEST, MIH_AID_REGISTER),
		    reg_body, sizeof(reg_body));
	ASSERT_NE(0u, len);
	ASSERT_EQ(0, mihf_send_raw(self->mmt.m, &pos, buf, len, done_cb, &d));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	EXPECT_EQ(0, d.status);
	EXPECT_EQ(MIH_STATUS_UNSPECIFIED_FAILURE, d.mih_status);
	ASSERT_EQ(0, mih_msg_parse(d.rsp, d.len, &msg, NULL));
	EXPECT_EQ(MIH_MID(MIH_SID_SERVICE_MGMT, MIH_OP_RESPONSE,
			  MIH_AID_REGISTER), mih_msg_mid(&msg));

	d.n = 0;
	len = craft(buf, sizeof(buf), MIH_MID(MIH_SID_SERVICE_MGMT,
					      MIH_OP_REQUEST,
					      MIH_AID_EVENT_SUBSCRIBE),
		    sub_body, sizeof(sub_body));
	ASSERT_EQ(0, mihf_send_raw(self->mmt.m, &pos, buf, len, done_cb, &d));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	EXPECT_EQ(0, d.status);
	EXPECT_EQ(MIH_STATUS_UNSPECIFIED_FAILURE, d.mih_status);

	d.n = 0;
	len = craft(buf, sizeof(buf), MIH_MID(MIH_SID_COMMAND, MIH_OP_REQUEST,
					      MIH_AID_LINK_ACTIONS),
		    act_body, sizeof(act_body));
	ASSERT_EQ(0, mihf_send_raw(self->mmt.m, &pos, buf, len, done_cb, &d));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	EXPECT_EQ(0, d.status);
	EXPECT_EQ(MIH_STATUS_REJECTED, d.mih_status);

	mihf_counters(self->pos.m, &c);
	EXPECT_EQ(2u, c.rx_malformed);
	EXPECT_EQ(1u, c.rx_unexpected);
	EXPECT_EQ(3u, c.rsp_failure);

	/* a malformed indication is dropped and counted, never answered */
	d.n = 0;
	len = craft(buf, sizeof(buf), MIH_MID(MIH_SID_EVENT,
					      MIH_OP_INDICATION,
					      MIH_AID_LINK_UP),
		    act_body, sizeof(act_body));
	ASSERT_EQ(0, mihf_send_raw(self->mmt.m, &pos, buf, len, done_cb, &d));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	EXPECT_EQ(0, d.status);		/* the transport's ACK */
	mihf_counters(self->pos.m, &c);
	EXPECT_EQ(3u, c.rx_malformed);
	EXPECT_EQ(3u, c.rsp_failure);
	/* a response cannot be sent raw */
	len = craft(buf, sizeof(buf), MIH_MID(MIH_SID_SERVICE_MGMT,
					      MIH_OP_RESPONSE,
					      MIH_AID_DEREGISTER),
		    (const uint8_t []){ 3, 1, 0 }, 3);
	EXPECT_EQ(-EINVAL, mihf_send_raw(self->mmt.m, &pos, buf, len, done_cb,
					 &d));
}

struct tr {
	int n;
	int rx_rsp_with_latency;
	char names[32][48];
};

static void trace_cb(void *arg, const struct mihf_trace *t)
{
	struct tr *r = arg;

	if (r->n < 32)
		snprintf(r->names[r->n], sizeof(r->names[0]), "%c %s",
			 t->dir == MIHF_TX ? '>' : '<', t->name);
	r->n++;
	if (t->dir == MIHF_RX && t->latency_ns > 0)
		r->rx_rsp_with_latency++;
}

/*
 * Hostile input: every request and indication of the schema table with
 * random TLV bodies (a fixed seed), to a PoS and to an IS server.  Every
 * request gets an answer, every indication its ACK; nothing crashes.
 */
TEST_F(three, random_bodies_answered_never_crash)
{
	struct mihf_id ids[2] = { mkid("pos1"), mkid("is1") };
	const struct mih_msgdef *defs;
	unsigned int seed = 4551, sent = 0, answered = 0;
	uint8_t body[160], buf[256];
	struct mihf_counters c;
	size_t ndefs, k, len;
	int t, round;

	defs = mih_msgdef_table(&ndefs);
	ASSERT_GT(ndefs, 20u);
	for (t = 0; t < 2; t++) {
		for (k = 0; k < ndefs; k++) {
			uint16_t mid = defs[k].mid;
			unsigned int op = (mid >> 10) & 3;

			if (op != MIH_OP_REQUEST && op != MIH_OP_INDICATION)
				continue;
			for (round = 0; round < 4; round++) {
				struct done d = { 0 };
				size_t bl = 0;
				int err;

				/* a few TLVs of known types, random values */
				while (bl < sizeof(body) - 24) {
					uint8_t l = (uint8_t)(rand_r(&seed) % 20);
					size_t i;

					if (rand_r(&seed) % 4 == 0)
						break;
					body[bl++] = (uint8_t)(3 + rand_r(&seed) %
							       61);
					body[bl++] = l;
					for (i = 0; i < l; i++)
						body[bl++] = (uint8_t)rand_r(&seed);
				}
				len = craft(buf, sizeof(buf), mid, body, bl);
				ASSERT_NE(0u, len);
				err = mihf_send_raw(self->mmt.m, &ids[t], buf,
						    len, done_cb, &d);
				ASSERT_EQ(0, err);
				sent++;
				ASSERT_EQ(0, run_until(self->loop, &d.n, 1,
						       3000))
					TH_LOG("mid 0x%04x", mid);
				EXPECT_EQ(0, d.status) TH_LOG("mid 0x%04x", mid);
				answered += !d.status;
			}
		}
	}
	EXPECT_EQ(sent, answered);
	mihf_counters(self->pos.m, &c);
	EXPECT_GT(c.rx_malformed, 0u);
	mihf_counters(self->is.m, &c);
	EXPECT_GT(c.rx_malformed, 0u);
}

TEST_F(three, transcript_and_status)
{
	struct mihf_id pos = mkid("pos1");
	struct tr tr = { 0 };
	struct done d = { 0 };
	json_object *st, *v;

	mihf_set_trace(self->mmt.m, trace_cb, &tr);
	ASSERT_EQ(0, mihf_register(self->mmt.m, &pos, done_cb, &d));
	ASSERT_EQ(0, run_until(self->loop, &d.n, 1, 3000));
	ASSERT_EQ(2, tr.n);
	EXPECT_STREQ("> MIH_Register.request", tr.names[0]);
	EXPECT_STREQ("< MIH_Register.response", tr.names[1]);
	EXPECT_EQ(1, tr.rx_rsp_with_latency);
	st = mihf_status_json(self->mmt.m);
	ASSERT_TRUE(json_object_object_get_ex(st, "counters", &v));
	ASSERT_TRUE(json_object_object_get_ex(st, "transport", &v));
	ASSERT_TRUE(json_object_object_get_ex(st, "links", &v));
	EXPECT_EQ(1, (int)json_object_array_length(v));
	ASSERT_TRUE(json_object_object_get_ex(st, "roles", &v));
	EXPECT_STREQ("mmt", json_object_get_string(v));
	json_object_put(st);
}

/* ---- link events from wpa_supplicant (a fake control socket) ---- */

struct local {
	int n;
	enum linkev_type last;
};

static void local_ev(void *arg, const uint8_t *from, size_t len,
		     const struct linkev_event *ev)
{
	struct local *l = arg;

	if (from)
		return;
	l->n++;
	l->last = ev->type;
}

/*
 * The MMT's Wi-Fi link through linkev (wpa_supplicant events) feeds the
 * MIH function: the PoS subscribed to the MMT's link receives
 * Link_Going_Down, Link_Down and Link_Up indications.
 */
TEST(wifi_link_events_to_subscriber)
{
	struct md_loop *loop = md_loop_new();
	struct node mmt = { 0 }, pos = { 0 };
	struct linkev_if_cfg ifc = { .ifname = "wlfake0" };
	struct linkev_cfg lc = { .ifs = &ifc, .nifs = 1, .no_rtnl = true };
	struct mihf_id mid = mkid("mmt1");
	struct linkev *le = NULL;
	struct local loc = { 0 };
	struct done d = { 0 };
	struct mihf_peer *p;
	struct fake f;
	char path[108];
	int i;

	md_log_set_level(MD_LOG_ERR);
	ASSERT_NE(NULL, loop);
	snprintf(path, sizeof(path), "/tmp/mihsec-mihf-wpa-%d",
		 (int)getpid());
	ASSERT_EQ(0, fake_start(&f, path));
	fake_rule(&f, "STATUS",
		  "bssid=02:00:00:00:01:00\nwpa_state=COMPLETED\n"
		  "address=02:00:00:00:aa:01\n", 0);
	fake_rule(&f, "SIGNAL_MONITOR *", "OK\n", 0);
	ifc.wpa_ctrl = path;
	ASSERT_EQ(0, node_open(loop, &mmt, "mmt1", MIHF_ROLE_MMT, NULL, 0,
			       NULL, NULL));
	ASSERT_EQ(0, node_open(loop, &pos, "pos1", MIHF_ROLE_POS, mac_ap1,
			       19, NULL, NULL));
	ASSERT_EQ(0, know(&pos, &mmt, MIHF_PEER_MMT));
	mihf_set_event_cb(mmt.m, local_ev, &loc);
	ASSERT_EQ(0, linkev_start(loop, &lc, mihf_link_event, mmt.m, &le));
	mihf_set_linkev(mmt.m, le);
	/* connected at start: a local Link_Up */
	ASSERT_EQ(0, run_until(loop, &loc.n, 1, 3000));
	EXPECT_EQ((int)LINKEV_UP, (int)loc.last);
	for (i = 0; i < 100 && !fake_attaches(&f); i++)
		run_until(loop, NULL, 0, 10);

	/* the MMT's Capability_Discover response lists its Wi-Fi link */
	ASSERT_EQ(0, mihf_discover(pos.m, &mid, done_cb, &d));
	ASSERT_EQ(0, run_until(loop, &d.n, 1, 3000));
	p = mihf_peers_find_id(pos.peers, "mmt1", 4);
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(p->caps.has_link_addrs);
	EXPECT_NE(NULL, memmem(p->caps.link_addrs, p->caps.link_addrs_len,
			       mac_mmt, 6));

	/* the PoS subscribes to the MMT's link */
	d.n = 0;
	ASSERT_EQ(0, mihf_subscribe(pos.m, &mid, 19, mac_mmt,
				    MIHF_EVT_UP | MIHF_EVT_DOWN |
				    MIHF_EVT_GOING_DOWN, done_cb, &d));
	ASSERT_EQ(0, run_until(loop, &d.n, 1, 3000));
	ASSERT_EQ(0, d.status);

	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-SIGNAL-CHANGE above=0 "
				"signal=-80 noise=-95 txrate=6000"));
	ASSERT_EQ(0, run_until(loop, &pos.nev, 1, 3000));
	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-DISCONNECTED "
				"bssid=02:00:00:00:01:00 reason=3 "
				"locally_generated=1"));
	ASSERT_EQ(0, run_until(loop, &pos.nev, 2, 3000));
	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-CONNECTED - Connection to "
				"02:00:00:00:02:00 completed [id=0 id_str=]"));
	ASSERT_EQ(0, run_until(loop, &pos.nev, 3, 3000));
	run_until(loop, NULL, 0, 300);
	ASSERT_EQ(3, pos.nev);
	EXPECT_STREQ("mmt1", pos.ev_from[0]);
	EXPECT_EQ((int)LINKEV_GOING_DOWN, (int)pos.ev[0].type);
	EXPECT_EQ(LINKEV_GD_DEGRADING, pos.ev[0].reason);
	EXPECT_EQ(LINKEV_GOING_DOWN_MS, pos.ev[0].time_ms);
	EXPECT_EQ(0, memcmp(pos.ev[0].poa, mac_ap1, 6));
	EXPECT_EQ((int)LINKEV_DOWN, (int)pos.ev[1].type);
	EXPECT_EQ(LINKEV_DN_EXPLICIT, pos.ev[1].reason);
	EXPECT_EQ((int)LINKEV_UP, (int)pos.ev[2].type);
	EXPECT_EQ(0, memcmp(pos.ev[2].poa, mac_ap2, 6));
	EXPECT_EQ(0, memcmp(pos.ev[2].mac, mac_mmt, 6));
	/* and locally, every one of them too */
	EXPECT_EQ(4, loc.n);

	linkev_stop(le);
	node_close(&mmt);
	node_close(&pos);
	fake_stop(&f);
	md_loop_free(loop);
}

TEST(new_arguments)
{
	struct md_loop *loop = md_loop_new();
	struct mihf_cfg c = { 0 };

	ASSERT_NE(NULL, loop);
	errno = 0;
	EXPECT_EQ(NULL, mihf_new(loop, &c, NULL, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	mihf_id_set(&c.id, "a");
	EXPECT_EQ(NULL, mihf_new(loop, &c, NULL, NULL, NULL));
	c.roles = 0x10;
	EXPECT_EQ(NULL, mihf_new(loop, &c, NULL, NULL, NULL));
	EXPECT_EQ(-ENAMETOOLONG, mihf_id_set(&c.id,
		"0123456789012345678901234567890123456789012345678901234567890"
		"1234567890123456789012345678901234567890123456789012345678901"
		"2345678901234567890123456789012345678901234567890123456789012"
		"34567890123456789012345678901234567890123456789012345678901234"
		"0123456789"));
	md_loop_free(loop);
}

TEST_HARNESS_MAIN

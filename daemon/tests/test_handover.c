// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the handover call flow (mihf/handover.c): an MMT, its
 * serving PoS, a target PoS and an IS server (SQLite database in a
 * temporary file), each a mihf with its own transport on 127.0.0.1.
 * The whole flow succeeds (resources reserved at the target, released at
 * the old serving PoS, the switch hook runs between commit and complete,
 * per-step latencies reported, the MMT registers with its new PoS); the
 * target PoS found through peer capabilities or the IS database; failures
 * end at the right step with a clear reason: resources refused at the
 * query or at the commit, target unreachable at the query or at the
 * completion, nothing in the IS database.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"

#include "lib/mih.h"
#include "lib/mihtype.h"
#include "mihf/handover.h"
#include "mihf/isdb.h"
#include "mihf/mihf.h"
#include "mihf/peers.h"
#include "mihf/transport.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

static const uint8_t mac_mmt[6] = { 2, 0, 0, 0, 0xaa, 1 };
static const uint8_t mac_ap1[6] = { 2, 0, 0, 0, 1, 0 };
static const uint8_t mac_ap2[6] = { 2, 0, 0, 0, 2, 0 };
static const uint8_t mac_ap3[6] = { 2, 0, 0, 0, 3, 0 };

struct node {
	struct mihf *m;
	struct mihf_peers *peers;
	uint16_t port;
	const char *id;
	uint8_t host;		/* bound to 127.0.0.host */
};

/* pos2 alone on 127.0.0.2: a PoS address (IE_PoS_IP_ADDR) names it */
static uint8_t node_host(const char *id)
{
	return strcmp(id, "pos2") ? 1 : 2;
}

static int node_open(struct md_loop *loop, struct node *n, const char *id,
		     unsigned int roles, const uint8_t *mac,
		     const uint8_t *poa, struct isdb *db,
		     const struct mihf_cfg *extra)
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
		snprintf(l.ifname, sizeof(l.ifname), "wl-%s", id);
		l.link_type = 19;
		memcpy(l.mac, mac, 6);
		l.has_mac = true;
		l.up = true;
		if (poa) {
			memcpy(l.poa, poa, 6);
			l.has_poa = true;
		}
		cfg.links = &l;
		cfg.nlinks = 1;
	}
	mihx_cfg_defaults(&x);
	x.port = 0;
	n->host = node_host(id);
	snprintf(x.bind_addr, sizeof(x.bind_addr), "127.0.0.%u", n->host);
	for (k = 1; k <= 4; k++)
		x.rtx_ms[k] = 50;
	x.keepalive_ms = 0;
	n->id = id;
	n->peers = mihf_peers_new(0);
	if (!n->peers)
		return -ENOMEM;
	err = mihf_open(loop, &cfg, &x, n->peers, db, &n->m);
	if (err)
		return err;
	n->port = mihx_port(mihf_transport(n->m));
	return 0;
}

static void node_close(struct node *n)
{
	if (!n->m)
		return;
	mihf_free(n->m);
	mihf_peers_free(n->peers);
	n->m = NULL;
}

static int know(struct node *a, struct node *b, enum mihf_peer_kind kind)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(b->port) };

	sin.sin_addr.s_addr = htonl(0x7f000000u | b->host);
	return mihf_peers_add(a->peers, b->id, strlen(b->id), kind,
			      (struct sockaddr *)&sin, sizeof(sin),
			      MIHF_TRANSPORT_UDP, MIHF_PEER_SRC_STATIC, 0, 0,
			      md_now_ns(), NULL);
}

/* ---- running the loop ---- */

struct waiter {
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

static int run_until(struct md_loop *loop, int *flag, int want, unsigned ms)
{
	struct waiter w = { flag, want };
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

/* ---- the four nodes ---- */

struct world;

struct hook {
	struct world *w;
	int calls;
	bool async;		/* answer from a timer */
	int status;		/* what the switch reports */
	bool reserved_at_target;	/* seen when the hook ran */
	int completes_sent;	/* MN_HO_Complete requests sent by then */
	int net_commit_rsps;	/* Net_HO_Commit responses sent by then */
	bool close_target;	/* the target goes away during the switch */
	struct mihf_ho *ho;
	struct mihf_ho_target t;
};

struct world {
	struct md_loop *loop;
	struct node mmt, pos1, pos2, is;
	struct isdb *db;
	char dbpath[64];
	struct hook hook;
	int completes_sent;	/* MMT: MN_HO_Complete.request sent */
	int net_commit_rsps;	/* MMT: Net_HO_Commit.response sent */
	int done;
	struct mihf_ho_result res;
	int refuse;		/* pos2 admission: 1 always, 2 at commit */
	int admit_calls;
};

/* requests sent during a run, for replaying them mutated */
#define CAP_MAX	32
struct cap {
	struct node *from;
	char peer[16];
	uint8_t pdu[512];
	size_t len;
};
static struct cap caps[CAP_MAX];
static int ncaps;

static void capture(struct node *from, const struct mihf_trace *t)
{
	struct cap *c;

	if (t->dir != MIHF_TX || ncaps >= CAP_MAX || t->size > 512 ||
	    ((t->mid >> 10) & 3) != MIH_OP_REQUEST || !t->peer_id_len ||
	    t->peer_id_len >= sizeof(caps[0].peer))
		return;
	c = &caps[ncaps++];
	c->from = from;
	memcpy(c->peer, t->peer_id, t->peer_id_len);
	c->peer[t->peer_id_len] = '\0';
	memcpy(c->pdu, t->pdu, t->size);
	c->len = t->size;
}

static void node_trace(void *arg, const struct mihf_trace *t)
{
	capture(arg, t);
}

static void mmt_trace(void *arg, const struct mihf_trace *t)
{
	struct world *w = arg;

	capture(&w->mmt, t);

	if (t->dir == MIHF_TX &&
	    t->mid == MIH_MID(MIH_SID_COMMAND, MIH_OP_REQUEST,
			      MIH_AID_MN_HO_COMPLETE))
		w->completes_sent++;
	if (t->dir == MIHF_TX &&
	    t->mid == MIH_MID(MIH_SID_COMMAND, MIH_OP_RESPONSE,
			      MIH_AID_NET_HO_COMMIT))
		w->net_commit_rsps++;
}

/* the resource entry of @mmt at @n: "serving", "reserved" or "none" */
static const char *res_state(struct node *n, const char *mmt)
{
	static char out[16];
	json_object *st = mihf_status_json(n->m), *a, *e, *v;
	size_t k;

	out[0] = '\0';
	if (json_object_object_get_ex(st, "resources", &a)) {
		for (k = 0; k < json_object_array_length(a); k++) {
			e = json_object_array_get_idx(a, k);
			if (json_object_object_get_ex(e, "mmt", &v) &&
			    !strcmp(json_object_get_string(v), mmt) &&
			    json_object_object_get_ex(e, "state", &v))
				snprintf(out, sizeof(out), "%s",
					 json_object_get_string(v));
		}
	}
	json_object_put(st);
	return out[0] ? out : "none";
}

static void switch_later(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct hook *h = arg;

	mihf_ho_switch_done(h->ho, h->status);
}

static void switch_hook(void *arg, struct mihf_ho *ho,
			const struct mihf_ho_target *t)
{
	struct hook *h = arg;
	const char *s = res_state(&h->w->pos2, "mmt1");

	h->calls++;
	h->ho = ho;
	h->t = *t;
	h->reserved_at_target = !strcmp(s, "reserved");
	h->completes_sent = h->w->completes_sent;
	h->net_commit_rsps = h->w->net_commit_rsps;
	if (h->close_target)
		node_close(&h->w->pos2);
	if (h->async)
		md_timer_add(h->w->loop, 20 * MD_NSEC_PER_MSEC, 0,
			     switch_later, h);
	else
		mihf_ho_switch_done(ho, h->status);
}

static bool admission(void *arg, const uint8_t *mmt, size_t len,
		      const uint8_t *poa)
{
	struct world *w = arg;

	w->admit_calls++;
	if (w->refuse == 1)
		return false;
	if (w->refuse == 2 && poa)
		return false;
	return true;
}

static void ho_done(void *arg, const struct mihf_ho_result *r)
{
	struct world *w = arg;

	w->res = *r;
	w->done++;
}

static int add_poa(struct isdb *db, int64_t net, const char *name,
		   const uint8_t *mac, const char *pos, uint16_t port)
{
	struct isdb_poa poa;

	memset(&poa, 0, sizeof(poa));
	poa.network = net;
	snprintf(poa.name, sizeof(poa.name), "%s", name);
	memcpy(poa.mac, mac, 6);
	if (pos) {
		snprintf(poa.pos_mihf_id, sizeof(poa.pos_mihf_id), "%s", pos);
		poa.pos_addr.family = AF_INET;
		poa.pos_addr.addr[0] = 127;
		poa.pos_addr.addr[3] = node_host(pos);
		poa.pos_port = port;
	}
	return isdb_add_poa(db, &poa);
}

static int fill_db(struct world *w, bool with_ap2)
{
	struct isdb_network net;
	int err;

	memset(&net, 0, sizeof(net));
	snprintf(net.name, sizeof(net.name), "corp");
	net.link_type = 19;
	snprintf(net.network_id, sizeof(net.network_id), "corp-wifi");
	err = isdb_add_network(w->db, &net);
	if (!err)
		err = add_poa(w->db, net.id, "ap1", mac_ap1, "pos1",
			      w->pos1.port);
	if (!err && with_ap2)
		err = add_poa(w->db, net.id, "ap2", mac_ap2, "pos2",
			      w->pos2.port);
	return err;
}

static bool mmt_refuse_net;	/* the next world's MMT refuses net HOs */

/*
 * Open the four nodes.  @pos1_db: the serving PoS reads the IS database
 * (and does not discover its neighbour); else it learns the target PoS's
 * PoAs from Capability_Discover.
 */
static int world_open(struct world *w, bool pos1_db, bool with_ap2)
{
	struct mihf_cfg mc = { .discover = true, .subscribe_serving = true };
	struct mihf_cfg pc = { .discover = true, .ho_resource_s = 2 };
	char err[256];
	int e;

	memset(w, 0, sizeof(*w));
	md_log_set_level(MD_LOG_ERR);
	w->loop = md_loop_new();
	if (!w->loop)
		return -ENOMEM;
	snprintf(w->dbpath, sizeof(w->dbpath), "/tmp/mihsec-ho-%d.db",
		 (int)getpid());
	unlink(w->dbpath);
	e = isdb_open(&w->db, ISDB_BACKEND_SQLITE, w->dbpath, err,
		      sizeof(err));
	if (e)
		return e;
	pc.discover = !pos1_db;
	e = node_open(w->loop, &w->pos1, "pos1", MIHF_ROLE_POS, mac_ap1, NULL,
		      pos1_db ? w->db : NULL, &pc);
	if (!e) {
		struct mihf_cfg c2 = { .ho_resource_s = 1 };

		e = node_open(w->loop, &w->pos2, "pos2", MIHF_ROLE_POS, mac_ap2,
			      NULL, NULL, &c2);
	}
	if (!e)
		e = node_open(w->loop, &w->is, "is1", MIHF_ROLE_IS, NULL, NULL,
			      w->db, NULL);
	mc.refuse_net_ho = mmt_refuse_net;
	mihf_id_set(&mc.serving_pos, "pos1");
	mihf_id_set(&mc.is_server, "is1");
	if (!e)
		e = node_open(w->loop, &w->mmt, "mmt1", MIHF_ROLE_MMT, mac_mmt,
			      mac_ap1, NULL, &mc);
	if (!e)
		e = fill_db(w, with_ap2);
	if (e)
		return e;
	know(&w->mmt, &w->pos1, MIHF_PEER_POA);
	know(&w->mmt, &w->pos2, MIHF_PEER_POA);
	know(&w->mmt, &w->is, MIHF_PEER_IS);
	if (!pos1_db)
		know(&w->pos1, &w->pos2, MIHF_PEER_POA);
	know(&w->pos2, &w->pos1, MIHF_PEER_POA);
	w->hook.w = w;
	mihf_set_switch_hook(w->mmt.m, switch_hook, &w->hook);
	mihf_set_trace(w->mmt.m, mmt_trace, w);
	mihf_set_trace(w->pos1.m, node_trace, &w->pos1);
	mihf_set_trace(w->pos2.m, node_trace, &w->pos2);
	ncaps = 0;
	mihf_set_admission(w->pos2.m, admission, w);
	e = mihf_start(w->pos1.m);
	if (!e)
		e = mihf_start(w->mmt.m);	/* discovers, registers */
	/* let discovery and registration finish */
	run_until(w->loop, NULL, 0, 300);
	return e;
}

static void world_close(struct world *w)
{
	node_close(&w->mmt);
	node_close(&w->pos1);
	node_close(&w->pos2);
	node_close(&w->is);
	isdb_close(w->db);
	unlink(w->dbpath);
	md_loop_free(w->loop);
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

static int nregs(struct node *n)
{
	json_object *st = mihf_status_json(n->m), *a;
	int k = -1;

	if (json_object_object_get_ex(st, "registrations", &a))
		k = (int)json_object_array_length(a);
	json_object_put(st);
	return k;
}

static int nsubs(struct node *n)
{
	json_object *st = mihf_status_json(n->m), *a;
	int k = -1;

	if (json_object_object_get_ex(st, "subscriptions", &a))
		k = (int)json_object_array_length(a);
	json_object_put(st);
	return k;
}

FIXTURE(ho) {
	struct world w;
};

FIXTURE_SETUP(ho)
{
	ASSERT_EQ(0, world_open(&self->w, false, true));
	ASSERT_TRUE(registered_with(&self->w.mmt, "pos1"));
	ASSERT_STREQ("serving", res_state(&self->w.pos1, "mmt1"));
}

FIXTURE_TEARDOWN(ho)
{
	world_close(&self->w);
}

static void expect_success(struct __test_metadata *_metadata,
			   struct world *w)
{
	int k;

	ASSERT_EQ(1, w->done);
	ASSERT_EQ(0, w->res.status) TH_LOG("%s at %s", w->res.reason,
					   mihf_ho_step_name(w->res.step));
	EXPECT_EQ((int)MIHF_HO_NSTEPS, (int)w->res.step);
	for (k = 0; k <= MIHF_HO_COMPLETE; k++)
		EXPECT_GT(w->res.step_ns[k], 0u) TH_LOG("step %s",
						       mihf_ho_step_name(k));
	EXPECT_EQ(0u, w->res.step_ns[MIHF_HO_QUERY_RESOURCES]);
	EXPECT_FALSE(w->res.network);
	EXPECT_GE(w->res.total_ns, w->res.step_ns[MIHF_HO_COMPLETE]);
	EXPECT_TRUE(mihf_id_eq(&w->res.target.pos, "pos2", 4));
	EXPECT_EQ(0, memcmp(w->res.target.poa, mac_ap2, 6));
	EXPECT_STREQ("corp-wifi", w->res.target.network_id);
	EXPECT_EQ(19, w->res.target.link_type);
	/* the switch ran once, between commit and complete */
	EXPECT_EQ(1, w->hook.calls);
	EXPECT_TRUE(w->hook.reserved_at_target);
	EXPECT_EQ(0, w->hook.completes_sent);
	EXPECT_EQ(1, w->completes_sent);
	EXPECT_EQ(0, memcmp(w->hook.t.poa, mac_ap2, 6));
	EXPECT_EQ(AF_INET, w->hook.t.family);
	/* released at the old PoS, in use at the new one */
	EXPECT_STREQ("none", res_state(&w->pos1, "mmt1"));
	EXPECT_STREQ("serving", res_state(&w->pos2, "mmt1"));
}

TEST_F(ho, whole_call_flow)
{
	struct world *w = &self->w;
	json_object *j, *v;

	w->hook.async = true;
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, NULL, ho_done, w));
	EXPECT_EQ(-EBUSY, mihf_handover_start(w->mmt.m, NULL, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	expect_success(_metadata, w);
	EXPECT_EQ(2, w->admit_calls);	/* query, commit */
	EXPECT_EQ(2u, w->res.ncandidates);	/* ap1 (current) and ap2 */
	/* the MMT registers with its new PoS */
	run_until(w->loop, NULL, 0, 300);
	EXPECT_TRUE(registered_with(&w->mmt, "pos2"));
	EXPECT_EQ(0, nregs(&w->pos1));
	EXPECT_EQ(1, nregs(&w->pos2));
	/* and keeps a subscription to its serving PoS's link events */
	run_until(w->loop, NULL, 0, 1200);
	EXPECT_EQ(1, nsubs(&w->pos2));
	j = mihf_ho_result_json(&w->res);
	ASSERT_TRUE(json_object_object_get_ex(j, "steps_ms", &v));
	EXPECT_EQ(5, json_object_object_length(v));
	ASSERT_TRUE(json_object_object_get_ex(j, "target", &v));
	ASSERT_TRUE(json_object_object_get_ex(v, "pos", &v));
	EXPECT_STREQ("pos2", json_object_get_string(v));
	json_object_put(j);
	/* a second handover: no candidate left but the one we are on */
	w->done = 0;
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, NULL, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	EXPECT_EQ((int)MIHF_HO_CANDIDATE_QUERY, (int)w->res.step) TH_LOG("%s",
							  w->res.reason);
}

TEST_F(ho, refused_at_query)
{
	struct world *w = &self->w;

	w->refuse = 1;
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, NULL, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	EXPECT_EQ(-ECONNREFUSED, w->res.status);
	EXPECT_EQ((int)MIHF_HO_CANDIDATE_QUERY, (int)w->res.step);
	EXPECT_NE(NULL, strstr(w->res.reason, "no target with resources"))
		TH_LOG("%s", w->res.reason);
	EXPECT_GT(w->res.step_ns[MIHF_HO_IS_QUERY], 0u);
	EXPECT_GT(w->res.step_ns[MIHF_HO_CANDIDATE_QUERY], 0u);
	EXPECT_EQ(0u, w->res.step_ns[MIHF_HO_COMMIT]);
	EXPECT_EQ(0, w->hook.calls);
	EXPECT_STREQ("none", res_state(&w->pos2, "mmt1"));
	EXPECT_STREQ("serving", res_state(&w->pos1, "mmt1"));
}

TEST_F(ho, refused_at_commit)
{
	struct world *w = &self->w;

	w->refuse = 2;
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, NULL, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	EXPECT_EQ(-ECONNREFUSED, w->res.status);
	EXPECT_EQ((int)MIHF_HO_COMMIT, (int)w->res.step);
	EXPECT_NE(NULL, strstr(w->res.reason, "refused the commit"))
		TH_LOG("%s", w->res.reason);
	EXPECT_EQ(0, w->hook.calls);
	EXPECT_STREQ("none", res_state(&w->pos2, "mmt1"));
	EXPECT_STREQ("serving", res_state(&w->pos1, "mmt1"));
}

TEST_F(ho, target_unreachable_at_query)
{
	struct world *w = &self->w;

	node_close(&w->pos2);
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, NULL, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	EXPECT_EQ((int)MIHF_HO_CANDIDATE_QUERY, (int)w->res.step);
	EXPECT_EQ(-ECONNREFUSED, w->res.status) TH_LOG("%s", w->res.reason);
	EXPECT_STREQ("serving", res_state(&w->pos1, "mmt1"));
}

TEST_F(ho, target_unreachable_at_complete)
{
	struct world *w = &self->w;

	w->hook.close_target = true;
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, NULL, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	EXPECT_EQ(1, w->hook.calls);
	EXPECT_EQ(-ETIMEDOUT, w->res.status) TH_LOG("%s", w->res.reason);
	EXPECT_EQ((int)MIHF_HO_COMPLETE, (int)w->res.step);
	EXPECT_NE(NULL, strstr(w->res.reason, "pos2"));
	EXPECT_NE(NULL, strstr(w->res.reason, "timed out"));
	/* nobody told the old PoS: it still holds the MMT */
	EXPECT_STREQ("serving", res_state(&w->pos1, "mmt1"));
}

TEST_F(ho, switch_fails)
{
	struct world *w = &self->w;

	w->hook.status = -ENETUNREACH;
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, NULL, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	EXPECT_EQ(-ENETUNREACH, w->res.status);
	EXPECT_EQ((int)MIHF_HO_SWITCH, (int)w->res.step);
	EXPECT_EQ(0, w->completes_sent);
	/* the reservation at the target stays until it expires (1 s) */
	EXPECT_STREQ("reserved", res_state(&w->pos2, "mmt1"));
	run_until(w->loop, NULL, 0, 2200);
	EXPECT_STREQ("none", res_state(&w->pos2, "mmt1"));
	EXPECT_STREQ("serving", res_state(&w->pos1, "mmt1"));
}

TEST_F(ho, cancel_and_arguments)
{
	struct world *w = &self->w;
	struct mihf_ho_req req = { .skip_is_query = true };

	EXPECT_EQ(-ENOENT, mihf_handover_cancel(w->mmt.m));
	EXPECT_EQ(-EINVAL, mihf_handover_start(w->pos1.m, NULL, ho_done, w));
	/* skipping the IS query needs the PoA and link type */
	EXPECT_EQ(-EINVAL, mihf_handover_start(w->mmt.m, &req, ho_done, w));
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, NULL, ho_done, w));
	ASSERT_EQ(0, mihf_handover_cancel(w->mmt.m));
	EXPECT_EQ(1, w->done);
	EXPECT_EQ(-ECANCELED, w->res.status);
	/* the cancelled run's answers arrive and are ignored */
	run_until(w->loop, NULL, 0, 300);
	EXPECT_EQ(1, w->done);
	/* with the target given, no IS query */
	memcpy(req.target_poa, mac_ap2, 6);
	req.has_target_poa = true;
	req.link_type = 19;
	w->done = 0;
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, &req, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	EXPECT_EQ(0, w->res.status) TH_LOG("%s", w->res.reason);
	EXPECT_EQ(0u, w->res.step_ns[MIHF_HO_IS_QUERY]);
	EXPECT_STREQ("serving", res_state(&w->pos2, "mmt1"));
}

struct rawdone {
	int n;
	int status;
};

static void raw_cb(void *arg, int status, int mih_status, const uint8_t *rsp,
		   size_t len)
{
	struct rawdone *d = arg;

	d->n++;
	d->status = status;
}

/*
 * @rounds copies of the captured request @c (parsed: @p) sent again from
 * its sender, each with one random octet of its body changed; those that
 * no longer frame as a PDU are left out (the transport drops them).
 */
static void replay_mutated(struct __test_metadata *_metadata,
			   struct world *w, const struct cap *c,
			   const struct mih_pdu *p, int rounds,
			   unsigned int *seed, unsigned int *sent,
			   unsigned int *answered)
{
	struct mihf_id peer;
	int round;

	mihf_id_set(&peer, c->peer);
	for (round = 0; round < rounds && p->body_len && c->from->m; round++) {
		uint8_t m[512];
		struct mih_pdu q;
		struct rawdone d = { 0 };
		size_t off;

		memcpy(m, c->pdu, c->len);
		off = p->ids_len + rand_r(seed) % p->body_len;
		m[off] ^= (uint8_t)(1 + rand_r(seed) % 255);
		if (mih_pdu_parse(m, c->len, &q))
			continue;
		ASSERT_EQ(0, mihf_send_raw(c->from->m, &peer, m, c->len,
					   raw_cb, &d));
		(*sent)++;
		ASSERT_EQ(0, run_until(w->loop, &d.n, 1, 4000));
		*answered += !d.status;
	}
}

/*
 * Hostile input: every request of a whole call flow (MMT, serving PoS,
 * target PoS) replayed with one random octet of its body changed (fixed
 * seed): every one that still frames as a PDU is answered; no crash.
 */
TEST_F(ho, mutated_call_flow_messages)
{
	struct world *w = &self->w;
	unsigned int seed = 802, sent = 0, answered = 0;
	int k, kinds = 0;
	uint16_t seen[CAP_MAX];

	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, NULL, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	ASSERT_EQ(0, w->res.status);
	ASSERT_GE(ncaps, 7);	/* IS, candidate, 2 N2N, commit, complete */
	for (k = 0; k < ncaps; k++) {
		struct cap *c = &caps[k];
		struct mih_pdu p;
		int j;

		ASSERT_EQ(0, mih_pdu_parse(c->pdu, c->len, &p));
		for (j = 0; j < kinds; j++)
			if (seen[j] == mih_hdr_mid(&p.hdr))
				break;
		if (j == kinds)
			seen[kinds++] = mih_hdr_mid(&p.hdr);
		replay_mutated(_metadata, w, c, &p, 12, &seed, &sent,
			       &answered);
	}
	EXPECT_GE(kinds, 7);
	EXPECT_GT(sent, 20u);
	EXPECT_EQ(sent, answered);
}

TEST_F(ho, request_filters)
{
	struct world *w = &self->w;
	struct mihf_ho_req req = { 0 };

	/* no such network */
	snprintf(req.network_id, sizeof(req.network_id), "elsewhere");
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, &req, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	EXPECT_EQ(-ENOENT, w->res.status);
	EXPECT_EQ((int)MIHF_HO_IS_QUERY, (int)w->res.step);
	/* no Ethernet network */
	memset(&req, 0, sizeof(req));
	req.link_type = 15;
	w->done = 0;
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, &req, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	EXPECT_EQ(-ENOENT, w->res.status);
	/* a PoA the IS server does not know */
	memset(&req, 0, sizeof(req));
	memcpy(req.target_poa, mac_ap3, 6);
	req.has_target_poa = true;
	w->done = 0;
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, &req, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	EXPECT_EQ(-ENOENT, w->res.status);
	/* the right network, by name: succeeds */
	memset(&req, 0, sizeof(req));
	snprintf(req.network_id, sizeof(req.network_id), "corp-wifi");
	req.link_type = 19;
	w->done = 0;
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, &req, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	EXPECT_EQ(0, w->res.status) TH_LOG("%s", w->res.reason);
	EXPECT_EQ(0, memcmp(w->res.target.poa, mac_ap2, 6));
}

/* ---- network-initiated: the serving PoS's run ---- */

static struct mihf_net_ho_req net_req(const uint8_t *poa)
{
	struct mihf_net_ho_req r = { 0 };

	mihf_id_set(&r.mmt, "mmt1");
	if (poa) {
		memcpy(r.target_poa, poa, 6);
		r.has_target_poa = true;
	}
	return r;
}

TEST_F(ho, net_whole_call_flow)
{
	struct world *w = &self->w;
	struct mihf_net_ho_req r = net_req(NULL);
	json_object *j, *v;
	int k;

	w->hook.async = true;
	ASSERT_EQ(0, mihf_net_handover_start(w->pos1.m, &r, ho_done, w));
	EXPECT_EQ(-EBUSY, mihf_net_handover_start(w->pos1.m, &r, ho_done, w));
	EXPECT_EQ(0, w->done);		/* never from inside the call */
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	ASSERT_EQ(0, w->res.status) TH_LOG("%s at %s", w->res.reason,
					   mihf_ho_step_name(w->res.step));
	EXPECT_TRUE(w->res.network);
	EXPECT_TRUE(mihf_id_eq(&w->res.mmt, "mmt1", 4));
	for (k = MIHF_HO_CANDIDATE_QUERY; k < MIHF_HO_NSTEPS; k++)
		if (k != MIHF_HO_SWITCH)
			EXPECT_GT(w->res.step_ns[k], 0u) TH_LOG("step %s",
							mihf_ho_step_name(k));
	EXPECT_EQ(0u, w->res.step_ns[MIHF_HO_IS_QUERY]);
	EXPECT_TRUE(mihf_id_eq(&w->res.target.pos, "pos2", 4));
	EXPECT_EQ(0, memcmp(w->res.target.poa, mac_ap2, 6));
	EXPECT_EQ(19, w->res.target.link_type);
	EXPECT_EQ(1u, w->res.ncandidates);	/* ap2, announced by pos2 */
	EXPECT_EQ(2, w->admit_calls);	/* query, commit */
	/* the MMT answered the commit, then switched, then completed */
	EXPECT_EQ(1, w->hook.calls);
	EXPECT_EQ(1, w->hook.net_commit_rsps);
	EXPECT_TRUE(w->hook.reserved_at_target);
	EXPECT_EQ(0, w->hook.completes_sent);
	EXPECT_EQ(1, w->completes_sent);
	EXPECT_EQ(0, memcmp(w->hook.t.poa, mac_ap2, 6));
	EXPECT_TRUE(mihf_id_eq(&w->hook.t.pos, "pos2", 4));
	EXPECT_STREQ("none", res_state(&w->pos1, "mmt1"));
	EXPECT_STREQ("serving", res_state(&w->pos2, "mmt1"));
	run_until(w->loop, NULL, 0, 300);
	EXPECT_TRUE(registered_with(&w->mmt, "pos2"));
	j = mihf_ho_result_json(&w->res);
	ASSERT_TRUE(json_object_object_get_ex(j, "initiated", &v));
	EXPECT_STREQ("network", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(j, "mmt", &v));
	EXPECT_STREQ("mmt1", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(j, "steps_ms", &v));
	EXPECT_TRUE(json_object_object_get_ex(v, "query-resources", NULL));
	json_object_put(j);
	/* pos1 serves it no more: a second run there is refused */
	EXPECT_EQ(-ESRCH, mihf_net_handover_start(w->pos1.m, &r, ho_done, w));
}

TEST_F(ho, net_arguments)
{
	struct world *w = &self->w;
	struct mihf_net_ho_req r = net_req(NULL);

	EXPECT_EQ(-EINVAL, mihf_net_handover_start(w->mmt.m, &r, ho_done, w));
	EXPECT_EQ(-EINVAL, mihf_net_handover_start(w->pos1.m, NULL, ho_done,
						   w));
	mihf_id_set(&r.mmt, "nobody");
	EXPECT_EQ(-ESRCH, mihf_net_handover_start(w->pos1.m, &r, ho_done, w));
	/* pos2 serves nobody */
	r = net_req(NULL);
	EXPECT_EQ(-ESRCH, mihf_net_handover_start(w->pos2.m, &r, ho_done, w));
	/* a PoA nobody announced, link type not given: unknown */
	r = net_req(mac_ap3);
	EXPECT_EQ(-ENOENT, mihf_net_handover_start(w->pos1.m, &r, ho_done, w));
	/* only Ethernet wanted: nobody announced one */
	r = net_req(NULL);
	r.link_type = 15;
	EXPECT_EQ(-ENOENT, mihf_net_handover_start(w->pos1.m, &r, ho_done, w));
	EXPECT_EQ(0, w->done);
}

/* a network-initiated run that fails at @step, @why in its reason; the
 * MMT stays with pos1 */
static void expect_net_failure(struct __test_metadata *_metadata,
			       struct world *w, const struct mihf_net_ho_req *r,
			       int status, enum mihf_ho_step step,
			       const char *why)
{
	ASSERT_EQ(0, mihf_net_handover_start(w->pos1.m, r, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	EXPECT_EQ(status, w->res.status) TH_LOG("%s", w->res.reason);
	EXPECT_EQ((int)step, (int)w->res.step);
	EXPECT_NE(NULL, strstr(w->res.reason, why)) TH_LOG("%s", w->res.reason);
	EXPECT_STREQ("serving", res_state(&w->pos1, "mmt1"));
}

/* the MMT has no link of the suggested type: it declines */
TEST_F(ho, net_declined_no_link)
{
	struct world *w = &self->w;
	struct mihf_net_ho_req r = net_req(mac_ap3);

	r.link_type = 15;
	expect_net_failure(_metadata, w, &r, -ECONNREFUSED,
			   MIHF_HO_CANDIDATE_QUERY, "declined");
	EXPECT_EQ(0, w->admit_calls);
	EXPECT_EQ(0, w->hook.calls);
}

/* the MMT is running its own handover: it declines */
TEST_F(ho, net_declined_busy)
{
	struct world *w = &self->w;
	struct mihf_net_ho_req r = net_req(NULL);
	struct world w2 = { 0 };

	w->hook.async = true;
	ASSERT_EQ(0, mihf_handover_start(w->mmt.m, NULL, ho_done, &w2));
	expect_net_failure(_metadata, w, &r, -ECONNREFUSED,
			   MIHF_HO_CANDIDATE_QUERY, "declined");
	/* its own run goes on to the end */
	ASSERT_EQ(0, run_until(w->loop, &w2.done, 1, 5000));
	EXPECT_EQ(0, w2.res.status) TH_LOG("%s", w2.res.reason);
}

TEST_F(ho, net_no_resources)
{
	struct world *w = &self->w;
	struct mihf_net_ho_req r = net_req(NULL);

	w->refuse = 1;
	expect_net_failure(_metadata, w, &r, -ECONNREFUSED,
			   MIHF_HO_QUERY_RESOURCES,
			   "no target PoS has resources");
	EXPECT_EQ(0, w->hook.calls);
	EXPECT_STREQ("none", res_state(&w->pos2, "mmt1"));
}

TEST_F(ho, net_refused_at_reservation)
{
	struct world *w = &self->w;
	struct mihf_net_ho_req r = net_req(mac_ap2);

	w->refuse = 2;
	expect_net_failure(_metadata, w, &r, -ECONNREFUSED, MIHF_HO_COMMIT,
			   "refused the reservation");
	EXPECT_EQ(0, w->hook.calls);
	EXPECT_EQ(0, w->net_commit_rsps);
}

/* the MMT accepts the commit, its switch fails: the target never reports
 * the completion, the PoS's run ends at its deadline (pos1: 2 s) */
TEST_F(ho, net_switch_fails)
{
	struct world *w = &self->w;
	struct mihf_net_ho_req r = net_req(NULL);

	w->hook.status = -ENETUNREACH;
	expect_net_failure(_metadata, w, &r, -ETIMEDOUT, MIHF_HO_COMPLETE,
			   "pos2 did not report");
	EXPECT_EQ(1, w->hook.calls);
	EXPECT_EQ(1, w->net_commit_rsps);
	EXPECT_EQ(0, w->completes_sent);
	EXPECT_GE(w->res.step_ns[MIHF_HO_COMPLETE], 1500u * 1000 * 1000);
}

/* hostile Net_HO_* requests at the MMT: each mutated and replayed */
TEST_F(ho, net_mutated_messages)
{
	struct world *w = &self->w;
	struct mihf_net_ho_req r = net_req(NULL);
	unsigned int seed = 2108, sent = 0, answered = 0;
	int k, n0, nnet = 0;

	ASSERT_EQ(0, mihf_net_handover_start(w->pos1.m, &r, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	ASSERT_EQ(0, w->res.status) TH_LOG("%s", w->res.reason);
	n0 = ncaps;		/* the replays are captured too */
	for (k = 0; k < n0; k++) {
		struct cap *c = &caps[k];
		struct mih_pdu p;
		uint16_t aid;

		ASSERT_EQ(0, mih_pdu_parse(c->pdu, c->len, &p));
		aid = p.hdr.aid;
		if (p.hdr.sid != MIH_SID_COMMAND ||
		    (aid != MIH_AID_NET_HO_CANDIDATE_QUERY &&
		     aid != MIH_AID_NET_HO_COMMIT))
			continue;
		nnet++;
		replay_mutated(_metadata, w, c, &p, 40, &seed, &sent,
			       &answered);
	}
	EXPECT_EQ(2, nnet);
	EXPECT_GT(sent, 20u);
	EXPECT_EQ(sent, answered);
}

/* the MMT knows no PoS for the committed PoA (pos2 never announced its
 * links to it): it asks its IS server, finds the PoS by the PoS address,
 * and completes there */
TEST_F(ho, net_target_via_is_server)
{
	struct world *w = &self->w;
	struct mihf_net_ho_req r = net_req(mac_ap2);
	struct mihf_peer *p = mihf_peers_find_id(w->mmt.peers, "pos2", 4);
	int before = ncaps, k, is_queries = 0;

	ASSERT_NE(NULL, p);
	p->caps.has_link_addrs = false;
	ASSERT_EQ(0, mihf_net_handover_start(w->pos1.m, &r, ho_done, w));
	ASSERT_EQ(0, run_until(w->loop, &w->done, 1, 5000));
	ASSERT_EQ(0, w->res.status) TH_LOG("%s at %s", w->res.reason,
					   mihf_ho_step_name(w->res.step));
	EXPECT_EQ(1, w->hook.calls);
	EXPECT_TRUE(mihf_id_eq(&w->hook.t.pos, "pos2", 4));
	for (k = before; k < ncaps; k++)
		is_queries += caps[k].from == &w->mmt &&
			      !strcmp(caps[k].peer, "is1");
	EXPECT_EQ(1, is_queries);
	EXPECT_STREQ("serving", res_state(&w->pos2, "mmt1"));
}

/* an MMT configured to refuse network-initiated handovers */
TEST(net_refused_by_config)
{
	struct mihf_net_ho_req r = net_req(NULL);
	struct world w;

	mmt_refuse_net = true;
	ASSERT_EQ(0, world_open(&w, false, true));
	mmt_refuse_net = false;
	expect_net_failure(_metadata, &w, &r, -ECONNREFUSED,
			   MIHF_HO_CANDIDATE_QUERY, "declined");
	EXPECT_EQ(0, w.hook.calls);
	world_close(&w);
}

/* the serving PoS finds the target's PoS in the IS database */
TEST(target_from_isdb)
{
	struct world w;

	ASSERT_EQ(0, world_open(&w, true, true));
	ASSERT_TRUE(registered_with(&w.mmt, "pos1"));
	ASSERT_EQ(0, mihf_handover_start(w.mmt.m, NULL, ho_done, &w));
	ASSERT_EQ(0, run_until(w.loop, &w.done, 1, 5000));
	expect_success(_metadata, &w);
	world_close(&w);
}

/* the IS database knows no other PoA */
TEST(no_candidate_in_isdb)
{
	struct world w;

	ASSERT_EQ(0, world_open(&w, false, false));
	ASSERT_EQ(0, mihf_handover_start(w.mmt.m, NULL, ho_done, &w));
	ASSERT_EQ(0, run_until(w.loop, &w.done, 1, 5000));
	EXPECT_EQ(-ENOENT, w.res.status);
	EXPECT_EQ((int)MIHF_HO_IS_QUERY, (int)w.res.step);
	EXPECT_NE(NULL, strstr(w.res.reason, "no candidate"));
	world_close(&w);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The MIH function: service dispatch (mihf.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include "lib/mih.h"
#include "lib/mihie.h"
#include "lib/mihmsg.h"
#include "lib/mihmsgdef.h"
#include "lib/mihtype.h"
#include "mihf/handover.h"
#include "mihf/isdb.h"
#include "mihf/mihf.h"
#include "mihf/peers.h"
#include "mihf/transport.h"
#include "mihsecd/log.h"

#define SMALL_PDU	2048
#define ADDR_CACHE	64
#define IQ_MAX		8		/* IQ_BIN_DATA elements served */
#define SWEEP_NS	(1 * MD_NSEC_PER_SEC)
#define MDISC_RETRIES	5	/* IPv6 discovery sends retried, 1 s apart */
#define LEARN_TTL_NS	(600 * MD_NSEC_PER_SEC)
#define LINKS_MAX	(LINKEV_IF_MAX * 2)

struct addr_ent {
	struct mihf_id id;
	struct sockaddr_storage sa;
	socklen_t len;
	uint64_t used_ns;
};

/* PoS: an MMT registered with us */
struct reg {
	struct mihf_id mmt;
	uint64_t expires_ns;
	uint64_t since_ns;
	unsigned int count;		/* registrations + re-registrations */
};

/* A subscription held for a peer (we send it indications) */
struct sub {
	struct mihf_id peer;
	uint8_t link_type;
	uint8_t mac[6];
	bool any_mac;
	uint32_t events;
	uint64_t sent;
};

/* A subscription we hold at a peer */
struct sub_out {
	struct mihf_id peer;
	uint8_t link_type;
	uint8_t mac[6];
	bool any_mac;
	uint32_t events;
};

/*
 * A link as its events told us: an address change of a link that is up and
 * settled becomes a Link_Up indication with the IP renewal flag
 * (link_state())
 */
struct link_st {
	bool used;
	char ifname[IF_NAMESIZE];
	uint8_t link_type;
	uint8_t mac[6];
	bool has_mac;
	uint8_t poa[6];
	bool has_poa;
	bool up;
	bool settled;		/* up, addresses unchanged for the settle time */
	bool pending;		/* a change not reported yet (rate limit) */
	uint64_t quiet_ns;	/* !settled: last change (or the Link_Up) */
	uint64_t renew_ns;	/* the last renewal indication, 0 none */
	uint64_t used_ns;
};

struct mihf {
	struct md_loop *loop;
	uint64_t created_ns;
	struct link_st lst[LINKS_MAX];
	struct mihf_cfg cfg;
	struct linkev_link links[LINKS_MAX];	/* cfg's, copied */
	size_t nlinks;
	struct mihx *x;
	bool own_x;
	struct mihf_peers *peers;
	struct isdb *isdb;
	struct linkev *le;
	struct md_timer *sweep;
	mihf_trace_fn trace;
	void *trace_arg;
	mihf_event_fn evcb;
	void *ev_arg;
	struct mihf_counters cnt;
	struct addr_ent addrs[ADDR_CACHE];
	struct reg *regs;
	size_t nregs;
	struct sub *subs;
	size_t nsubs;
	struct sub_out *subs_out;
	size_t nsubs_out;
	/* MMT: our registration */
	struct {
		struct mihf_id pos;
		bool active;		/* keep re-registering */
		bool registered;
		bool in_flight;
		uint32_t lifetime_s;
		uint64_t expires_ns;
		uint64_t renew_ns;	/* re-register at */
		unsigned int failures;
	} reg_out;
	bool autosub_in_flight;
	uint64_t autosub_next_ns;	/* after a refusal: not before */
	unsigned int mdisc_retries;	/* IPv6 multicast discovery sends
					 * that failed (address tentative)
					 * are retried from the sweep */
	uint64_t mdisc_next_ns;		/* 0: none due */
	unsigned int autosub_probes;	/* Capability_Discover first */
	struct mihf_ho_ctx *ho;
	bool freeing;
};

/* ---- small helpers ---------------------------------------------------- */

int mihf_id_set(struct mihf_id *id, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > MIH_MIHF_ID_MAX)
		return -ENAMETOOLONG;
	memcpy(id->v, s, n);
	id->len = n;
	return 0;
}

bool mihf_id_eq(const struct mihf_id *a, const void *v, size_t len)
{
	return a->len == len && (!len || !memcmp(a->v, v, len));
}

static void id_from(struct mihf_id *id, const void *v, size_t len)
{
	if (len > MIH_MIHF_ID_MAX)
		len = MIH_MIHF_ID_MAX;
	memcpy(id->v, v, len);
	id->len = len;
}

/* printable form of an ID for logs */
static const char *id_str(const void *v, size_t len, char *buf, size_t size)
{
	const uint8_t *p = v;
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < size; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			buf[o++] = (char)p[i];
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x",
					      p[i]);
	}
	buf[o] = '\0';
	return buf;
}

#define ID_STR_LEN	(4 * MIH_MIHF_ID_MAX + 1)

static bool is_zero_mac(const uint8_t *mac)
{
	static const uint8_t z[6];

	return !memcmp(mac, z, 6);
}

const struct mihf_id *mihf_self(const struct mihf *m)
{
	return &m->cfg.id;
}

unsigned int mihf_roles(const struct mihf *m)
{
	return m->cfg.roles;
}

struct md_loop *mihf_loop(const struct mihf *m)
{
	return m->loop;
}

const struct mihf_cfg *mihf_get_cfg(const struct mihf *m)
{
	return &m->cfg;
}

struct isdb *mihf_isdb(const struct mihf *m)
{
	return m->isdb;
}

struct mihf_peers *mihf_peer_table(const struct mihf *m)
{
	return m->peers;
}

struct mihf_ho_ctx **mihf_ho_slot(struct mihf *m)
{
	return &m->ho;
}

struct mihx *mihf_transport(const struct mihf *m)
{
	return m->x;
}

void mihf_set_trace(struct mihf *m, mihf_trace_fn fn, void *arg)
{
	m->trace = fn;
	m->trace_arg = arg;
}

void mihf_set_event_cb(struct mihf *m, mihf_event_fn fn, void *arg)
{
	m->evcb = fn;
	m->ev_arg = arg;
}

void mihf_set_linkev(struct mihf *m, struct linkev *le)
{
	m->le = le;
}

void mihf_counters(const struct mihf *m, struct mihf_counters *c)
{
	*c = m->cnt;
}

size_t mihf_our_links(const struct mihf *m, struct linkev_link *out,
		      size_t max)
{
	struct linkev_link le_links[LINKEV_IF_MAX];
	size_t n = 0, k, j, nle;

	for (k = 0; k < m->nlinks && n < max; k++)
		out[n++] = m->links[k];
	nle = linkev_links(m->le, le_links, LINKEV_IF_MAX);
	if (nle > LINKEV_IF_MAX)
		nle = LINKEV_IF_MAX;
	for (k = 0; k < nle && n < max; k++) {
		for (j = 0; j < n; j++)
			if (!strcmp(out[j].ifname, le_links[k].ifname))
				break;
		if (j < n)
			out[j] = le_links[k];	/* linkev knows better */
		else
			out[n++] = le_links[k];
	}
	return n;
}

/* ---- transcript -------------------------------------------------------- */

static void trace_pdu(struct mihf *m, enum mihf_dir dir, const void *peer,
		      size_t peer_len, const uint8_t *pdu, size_t len,
		      int64_t latency_ns)
{
	struct mih_hdr h;
	struct mihf_trace t;
	char name[MIHMSG_NAME_LEN];

	if (mih_hdr_decode(pdu, len, &h) < 0)
		return;
	if (dir == MIHF_TX)
		m->cnt.tx++;
	else
		m->cnt.rx++;
	mihmsg_name(mih_hdr_mid(&h), name, sizeof(name));
	if (md_log_get_level() >= MD_LOG_DEBUG) {
		struct mih_msg msg;
		char *buf = malloc(4096);

		if (buf && !mih_msg_parse(pdu, len, &msg, NULL) &&
		    mih_msg_fmt(&msg, buf, 4096) >= 0)
			md_debug("mihf %s %s (%zu octets):\n%s",
				 dir == MIHF_TX ? "sent" : "received", name,
				 len, buf);
		else
			md_debug("mihf %s %s tid %u (%zu octets)",
				 dir == MIHF_TX ? "sent" : "received", name,
				 h.tid, len);
		free(buf);
	}
	if (!m->trace)
		return;
	memset(&t, 0, sizeof(t));
	t.dir = dir;
	t.peer_id = peer;
	t.peer_id_len = peer_len;
	t.mid = mih_hdr_mid(&h);
	t.name = name;
	t.tid = h.tid;
	t.size = len;
	t.ack_req = h.ack_req;
	t.ack_rsp = h.ack_rsp;
	t.uir = h.uir;
	t.latency_ns = latency_ns;
	t.pdu = pdu;
	m->trace(m->trace_arg, &t);
}

/* ---- peer addresses ---------------------------------------------------- */

void mihf_learn_addr(struct mihf *m, const void *id, size_t id_len,
		     const struct sockaddr *sa, socklen_t sa_len)
{
	struct addr_ent *e = NULL, *old = &m->addrs[0];
	uint64_t now = md_now_ns();
	size_t k;

	if (!id_len || id_len > MIH_MIHF_ID_MAX || !sa ||
	    sa_len > sizeof(struct sockaddr_storage))
		return;
	for (k = 0; k < ADDR_CACHE; k++) {
		struct addr_ent *a = &m->addrs[k];

		if (mihf_id_eq(&a->id, id, id_len)) {
			e = a;
			break;
		}
		if (a->used_ns < old->used_ns)
			old = a;
	}
	if (!e)
		e = old;
	id_from(&e->id, id, id_len);
	memset(&e->sa, 0, sizeof(e->sa));
	memcpy(&e->sa, sa, sa_len);
	e->len = sa_len;
	e->used_ns = now;
	if (m->peers)
		mihf_peers_seen(m->peers, id, id_len, sa, sa_len, true,
				LEARN_TTL_NS, now);
}

int mihf_peer_addr(struct mihf *m, const struct mihf_id *peer,
		   struct sockaddr_storage *ss, socklen_t *len)
{
	const struct mihf_peer_addr *pa;
	struct mihf_peer *p;
	size_t k;

	if (!peer || !peer->len)
		return -EHOSTUNREACH;
	if (m->peers) {
		p = mihf_peers_find_id(m->peers, peer->v, peer->len);
		pa = p ? mihf_peer_pick_addr(p, 0, MIHF_TRANSPORT_ANY,
					     AF_UNSPEC) : NULL;
		if (pa) {
			memcpy(ss, &pa->sa, sizeof(*ss));
			*len = pa->sa_len;
			return 0;
		}
	}
	for (k = 0; k < ADDR_CACHE; k++) {
		if (m->addrs[k].len && mihf_id_eq(peer, m->addrs[k].id.v,
						  m->addrs[k].id.len)) {
			memcpy(ss, &m->addrs[k].sa, sizeof(*ss));
			*len = m->addrs[k].len;
			return 0;
		}
	}
	return -EHOSTUNREACH;
}

/* ---- requests ---------------------------------------------------------- */

struct mreq {
	struct mihf *m;
	struct mihf_id peer;
	uint16_t mid;
	uint64_t t0;
	mihf_msg_fn done;
	void *arg;
};

static void req_done(void *arg, int status, const struct mihx_rsp *rsp)
{
	struct mreq *r = arg;
	struct mihf *m = r->m;
	struct mih_msg msg;
	struct mih_msg_err e;
	char name[MIHMSG_NAME_LEN], who[ID_STR_LEN];
	int err;

	if (!rsp) {
		if (status && status != -ECANCELED && !m->freeing)
			md_info("mihf: %s to %s: %s",
				mihmsg_name(r->mid, name, sizeof(name)),
				id_str(r->peer.v, r->peer.len, who,
				       sizeof(who)),
				status == -ETIMEDOUT ? "timed out" :
						       strerror(-status));
		r->done(r->arg, status ? status : -ETIMEDOUT, NULL, 0);
		free(r);
		return;
	}
	trace_pdu(m, MIHF_RX, rsp->pdu.src_id, rsp->pdu.src_id_len, rsp->raw,
		  rsp->len, (int64_t)rsp->rtt_ns);
	mihf_learn_addr(m, rsp->pdu.src_id, rsp->pdu.src_id_len,
			(const struct sockaddr *)&rsp->peer, rsp->peer_len);
	err = mih_msg_parse(rsp->raw, rsp->len, &msg, &e);
	if (err) {
		m->cnt.rx_malformed++;
		md_warn("mihf: malformed response from %s: %s",
			id_str(rsp->pdu.src_id, rsp->pdu.src_id_len, who,
			       sizeof(who)), e.text);
		r->done(r->arg, -EPROTO, NULL, rsp->rtt_ns);
	} else {
		r->done(r->arg, 0, &msg, rsp->rtt_ns);
	}
	free(r);
}

static int send_req_t(struct mihf *m, const struct mihf_id *peer,
		      const struct sockaddr *to, socklen_t to_len,
		      const uint8_t *pdu, size_t len, unsigned int flags,
		      unsigned int timeout_ms, mihf_msg_fn done, void *arg)
{
	struct sockaddr_storage ss;
	struct mih_hdr h;
	struct mreq *r;
	socklen_t sl;
	int err;

	if (!m->x)
		return -ENOTCONN;
	if (mih_hdr_decode(pdu, len, &h) < 0)
		return -EINVAL;
	if (!to) {
		err = mihf_peer_addr(m, peer, &ss, &sl);
		if (err)
			return err;
		to = (const struct sockaddr *)&ss;
		to_len = sl;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->m = m;
	if (peer)
		r->peer = *peer;
	r->mid = mih_hdr_mid(&h);
	r->t0 = md_now_ns();
	r->done = done;
	r->arg = arg;
	trace_pdu(m, MIHF_TX, peer ? peer->v : NULL, peer ? peer->len : 0,
		  pdu, len, -1);
	err = mihx_request(m->x, to, to_len, pdu, len, flags,
			   timeout_ms, req_done, r, NULL);
	if (err) {
		free(r);
		return err;
	}
	return 0;
}

static int send_req(struct mihf *m, const struct mihf_id *peer,
		    const struct sockaddr *to, socklen_t to_len,
		    const uint8_t *pdu, size_t len, unsigned int flags,
		    mihf_msg_fn done, void *arg)
{
	return send_req_t(m, peer, to, to_len, pdu, len, flags,
			  m->cfg.txn_timeout_ms, done, arg);
}

int mihf_req_pdu(struct mihf *m, const struct mihf_id *peer,
		 const struct sockaddr *to, socklen_t to_len,
		 const uint8_t *pdu, size_t len, unsigned int flags,
		 unsigned int timeout_ms, mihf_msg_fn done, void *arg)
{
	return send_req_t(m, peer, to, to_len, pdu, len, flags,
			  timeout_ms ? timeout_ms : m->cfg.txn_timeout_ms,
			  done, arg);
}

bool mihf_freeing(const struct mihf *m)
{
	return m->freeing;
}

/* start building a message to @peer */
static void begin(struct mihf *m, struct mih_builder *b, uint8_t *buf,
		  size_t size, uint16_t mid, unsigned int flags,
		  const void *dst, size_t dst_len)
{
	mih_builder_init(b, buf, size);
	mih_msg_begin(b, mid, 0, flags, m->cfg.id.v, m->cfg.id.len, dst,
		      dst_len);
}

int mihf_respond_pdu(struct mihf *m, struct mihx_in *in, const uint8_t *pdu,
		     size_t len)
{
	int err;

	trace_pdu(m, MIHF_TX, in->pdu.src_id, in->pdu.src_id_len, pdu, len,
		  -1);
	err = mihx_respond(in, pdu, len);
	if (err)
		md_warn("mihf: cannot send a response: %s", strerror(-err));
	return err;
}

/* a response to @in: same SID/AID, opcode Response, TID (the transport's) */
static void begin_rsp(struct mihf *m, struct mih_builder *b, uint8_t *buf,
		      size_t size, const struct mihx_in *in,
		      unsigned int flags)
{
	const struct mih_hdr *h = &in->pdu.hdr;

	mih_builder_init(b, buf, size);
	mih_msg_begin(b, MIH_MID(h->sid, MIH_OP_RESPONSE, h->aid), h->tid,
		      flags, m->cfg.id.v, m->cfg.id.len, in->pdu.src_id,
		      in->pdu.src_id_len);
}

int mihf_respond_status(struct mihf *m, struct mihx_in *in, uint8_t status)
{
	uint8_t buf[SMALL_PDU];
	struct mih_builder b;
	size_t len;
	int err;

	begin_rsp(m, &b, buf, sizeof(buf), in, 0);
	mih_build_status(&b, status);
	err = mih_msg_finish(&b, &len);
	if (err) {
		mihx_in_release(in);
		return -EINVAL;
	}
	if (status != MIH_STATUS_SUCCESS)
		m->cnt.rsp_failure++;
	return mihf_respond_pdu(m, in, buf, len);
}

/* public completion wrapper: status + MIH status + raw response */
struct pub {
	struct mihf *m;
	mihf_rsp_fn done;
	void *arg;
	int kind;
	struct mihf_id peer;
	uint8_t link_type;
	uint8_t mac[6];
	bool any_mac;
	uint32_t events;
	bool autosub;		/* the sweep's subscription to the PoS */
	bool leaving;		/* best effort towards a PoS we left:
				 * failures are only logged */
};

enum { PUB_PLAIN, PUB_DISCOVER, PUB_REGISTER, PUB_DEREGISTER, PUB_SUB,
       PUB_UNSUB };

static void pub_call(struct pub *p, int status, int mih_status,
		     const struct mih_msg *rsp)
{
	if (p->done)
		p->done(p->arg, status, mih_status,
			rsp ? rsp->pdu.body - rsp->pdu.ids_len : NULL,
			rsp ? rsp->pdu.ids_len + rsp->pdu.body_len : 0);
}

/* the Status TLV of a response, or -1 */
static int rsp_status(const struct mih_msg *rsp)
{
	uint8_t st;

	if (mih_msg_get_u8(rsp, MIH_TLV_STATUS, &st) == 1)
		return st;
	return -1;
}

/* ---- link tuple helpers ------------------------------------------------ */

static void tuple_set(struct mih_link_tuple_id *t, uint8_t lt,
		      const uint8_t *mac, const uint8_t *poa)
{
	memset(t, 0, sizeof(*t));
	t->link.type = lt;
	t->link.addr.kind = MIH_LA_MAC;
	if (mac)
		memcpy(t->link.addr.u.mac, mac, 6);
	if (poa) {
		t->has_poa = true;
		t->poa.kind = MIH_LA_MAC;
		memcpy(t->poa.u.mac, poa, 6);
	}
}

/* ---- capability discovery ---------------------------------------------- */

static uint32_t our_cmds(const struct mihf *m)
{
	uint32_t c = 0;

	if (m->cfg.roles & MIHF_ROLE_POS)
		c |= MIH_BIT(MIH_CMD_NET_HO) | MIH_BIT(MIH_CMD_MN_HO);
	if (m->cfg.roles & MIHF_ROLE_MMT)
		c |= MIH_BIT(MIH_CMD_MN_HO);
	return c;
}

static uint64_t our_iq(const struct mihf *m)
{
	uint64_t q = 0;
	unsigned int k;

	if (!(m->cfg.roles & MIHF_ROLE_IS) || !m->isdb)
		return 0;
	q = MIH_BIT(MIH_IQ_BINARY_DATA);
	for (k = MIH_IQ_IE_NETWORK_TYPE; k <= MIH_IQ_IE_POA_IP_ADDR; k++)
		q |= MIH_BIT(k);
	return q;
}

/* the capability TLVs (9, 5, 6, 7, 8) */
static void build_caps(struct mihf *m, struct mih_builder *b)
{
	struct linkev_link links[LINKS_MAX];
	struct mih_net_type_addr nta[LINKS_MAX];
	size_t n, k, j = 0;
	uint64_t iq = our_iq(m);

	n = mihf_our_links(m, links, LINKS_MAX);
	for (k = 0; k < n; k++) {
		if (!links[k].has_mac)
			continue;
		memset(&nta[j], 0, sizeof(nta[j]));
		nta[j].nt.has_link_type = true;
		nta[j].nt.link_type = links[k].link_type;
		nta[j].addr.kind = MIH_LA_MAC;
		memcpy(nta[j].addr.u.mac, links[k].mac, 6);
		j++;
	}
	if (j)
		mih_build_link_addr_list(b, nta, j);
	mih_build_evt_list(b, MIHF_EVT_SUPPORTED);
	mih_build_bitmap(b, MIH_TLV_CMD_LIST, our_cmds(m));
	if (iq)
		mih_build_bitmap(b, MIH_TLV_IQ_TYPE_LIST, iq);
	mih_build_bitmap(b, MIH_TLV_TRANS_LIST, MIH_BIT(MIH_TRANS_UDP));
}

static void learn_caps(struct mihf *m, const struct mih_msg *msg,
		       const struct sockaddr *sa, socklen_t sa_len)
{
	struct mihf_peer_caps caps;
	char who[ID_STR_LEN];
	int err;

	if (!m->peers || !msg->pdu.src_id_len)
		return;
	memset(&caps, 0, sizeof(caps));
	err = mihf_peer_caps_from_tlvs(msg->pdu.body, msg->pdu.body_len,
				       &caps);
	if (!err)
		err = mihf_peers_learn_caps(m->peers, msg->pdu.src_id,
					    msg->pdu.src_id_len, sa, sa_len,
					    &caps, md_now_ns(), NULL);
	if (err)
		md_info("mihf: capabilities of %s not recorded: %s",
			id_str(msg->pdu.src_id, msg->pdu.src_id_len, who,
			       sizeof(who)), strerror(-err));
}

static void serve_cap_discover(struct mihf *m, struct mihx_in *in,
			       const struct mih_msg *msg)
{
	uint8_t buf[SMALL_PDU];
	struct mih_builder b;
	size_t len;

	/* a request carrying capabilities tells us the sender's */
	if (msg->n_tlvs)
		learn_caps(m, msg, (const struct sockaddr *)&in->peer,
			   in->peer_len);
	begin_rsp(m, &b, buf, sizeof(buf), in, 0);
	mih_build_status(&b, MIH_STATUS_SUCCESS);
	build_caps(m, &b);
	if (mih_msg_finish(&b, &len)) {
		mihf_respond_status(m, in, MIH_STATUS_UNSPECIFIED_FAILURE);
		return;
	}
	mihf_respond_pdu(m, in, buf, len);
}

struct disc {
	struct mihf *m;
	mihf_rsp_fn done;
	void *arg;
	bool multi;
};

static void discover_done(void *arg, int status, const struct mihx_rsp *rsp)
{
	struct disc *d = arg;
	struct mihf *m = d->m;
	struct mih_msg msg;
	struct mih_msg_err e;
	int st = -1;

	if (status == -ECANCELED) {
		free(d);
		return;
	}
	if (rsp) {
		trace_pdu(m, MIHF_RX, rsp->pdu.src_id, rsp->pdu.src_id_len,
			  rsp->raw, rsp->len, (int64_t)rsp->rtt_ns);
		mihf_learn_addr(m, rsp->pdu.src_id, rsp->pdu.src_id_len,
				(const struct sockaddr *)&rsp->peer,
				rsp->peer_len);
		if (mih_msg_parse(rsp->raw, rsp->len, &msg, &e)) {
			m->cnt.rx_malformed++;
			md_warn("mihf: malformed Capability_Discover response:"
				" %s", e.text);
			if (!d->multi) {
				if (d->done)
					d->done(d->arg, -EPROTO, -1, NULL, 0);
				free(d);
			}
			return;
		}
		st = rsp_status(&msg);
		if (st == MIH_STATUS_SUCCESS)
			learn_caps(m, &msg, (const struct sockaddr *)&rsp->peer,
				   rsp->peer_len);
		if (d->done)
			d->done(d->arg, st == MIH_STATUS_SUCCESS ? 0 :
					-ECONNREFUSED, st, rsp->raw, rsp->len);
		if (d->multi)
			return;		/* more may come; a final NULL call */
		free(d);
		return;
	}
	if (d->done && (!d->multi || status))
		d->done(d->arg, status ? status : -ETIMEDOUT, -1, NULL, 0);
	else if (d->done)
		d->done(d->arg, 0, -1, NULL, 0);	/* multi: the end */
	free(d);
}

/*
 * One Capability_Discover to @a: to @peer, or (NULL) a multicast or
 * broadcast one (any number of answers).  0 or -errno.
 */
static int discover_to(struct mihf *m, const struct mihf_id *peer,
		       const struct sockaddr *a, socklen_t alen,
		       mihf_rsp_fn done, void *arg)
{
	uint8_t buf[SMALL_PDU];
	struct mih_builder b;
	struct disc *d;
	size_t len;
	int err;

	begin(m, &b, buf, sizeof(buf),
	      MIH_MID(MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
		      MIH_AID_CAPABILITY_DISCOVER), 0, peer ? peer->v : NULL,
	      peer ? peer->len : 0);
	build_caps(m, &b);
	if (mih_msg_finish(&b, &len))
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->m = m;
	d->done = done;
	d->arg = arg;
	d->multi = !peer;
	trace_pdu(m, MIHF_TX, peer ? peer->v : NULL, peer ? peer->len : 0,
		  buf, len, -1);
	err = mihx_request(m->x, a, alen, buf, len, peer ? 0 : MIHX_F_MULTI,
			   m->cfg.txn_timeout_ms, discover_done, d, NULL);
	if (err)
		free(d);
	return err;
}

/*
 * On-link IPv6 multicast discovery: ff02::1 on each link we know.  The
 * number of links where it could not be sent (e.g. the link-local
 * address is still tentative just after the link came up).
 */
static size_t discover_v6(struct mihf *m, mihf_rsp_fn done, void *arg)
{
	struct linkev_link links[LINKS_MAX];
	size_t n, k, failed = 0;

	n = mihf_our_links(m, links, LINKS_MAX);
	for (k = 0; k < n; k++) {
		struct sockaddr_in6 a = {
			.sin6_family = AF_INET6,
			.sin6_port = htons(m->cfg.discover_port ?
					   m->cfg.discover_port : MIH_PORT),
		};
		int err;

		if (links[k].ifindex <= 0)
			continue;
		inet_pton(AF_INET6, "ff02::1", &a.sin6_addr);
		a.sin6_scope_id = (uint32_t)links[k].ifindex;
		err = discover_to(m, NULL, (struct sockaddr *)&a, sizeof(a),
				  done, arg);
		if (err) {
			md_debug("mihf: no IPv6 discovery on %s yet: %s",
				 links[k].ifname, strerror(-err));
			failed++;
		}
	}
	return failed;
}

/* is @ifname one of the @n @links we watch (any, if we watch none)? */
static bool link_watched(const struct linkev_link *links, size_t n,
			 const char *ifname)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (!strcmp(links[k].ifname, ifname))
			return true;
	return n == 0;
}

/*
 * IPv4 broadcast discovery: the directed broadcast address of each
 * watched link's subnet (it leaves by the connected route, no default
 * route needed).  How many were sent.
 */
static size_t discover_v4(struct mihf *m, mihf_rsp_fn done, void *arg)
{
	struct linkev_link links[LINKS_MAX];
	size_t n = mihf_our_links(m, links, LINKS_MAX), sent = 0;
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa))
		return 0;
	for (i = ifa; i; i = i->ifa_next) {
		struct sockaddr_in a;
		uint32_t mask;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    !i->ifa_netmask || !(i->ifa_flags & IFF_UP) ||
		    !(i->ifa_flags & IFF_BROADCAST) ||
		    (i->ifa_flags & IFF_LOOPBACK) ||
		    !link_watched(links, n, i->ifa_name))
			continue;
		/* from address and mask: `ip addr add` sets no broadcast
		 * address unless told to */
		mask = ((const struct sockaddr_in *)i->ifa_netmask)->
			sin_addr.s_addr;
		if (ntohl(mask) >= 0xfffffffeu)
			continue;	/* /31, /32: no broadcast */
		memcpy(&a, i->ifa_addr, sizeof(a));
		a.sin_addr.s_addr |= ~mask;
		a.sin_port = htons(m->cfg.discover_port ?
				   m->cfg.discover_port : MIH_PORT);
		if (discover_to(m, NULL, (struct sockaddr *)&a, sizeof(a),
				done, arg))
			md_debug("mihf: no IPv4 broadcast discovery on %s",
				 i->ifa_name);
		else
			sent++;
	}
	freeifaddrs(ifa);
	return sent;
}

int mihf_discover(struct mihf *m, const struct mihf_id *peer,
		  mihf_rsp_fn done, void *arg)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int err;

	if (!m->x)
		return -ENOTCONN;
	if (!peer) {
		struct sockaddr_in sin = { .sin_family = AF_INET };

		if (discover_v6(m, done, arg)) {
			m->mdisc_retries = MDISC_RETRIES;
			m->mdisc_next_ns = md_now_ns() + MD_NSEC_PER_SEC;
		}
		if (discover_v4(m, done, arg))
			return 0;
		/* no broadcast-capable IPv4 link: the limited broadcast
		 * (leaves by the default route, if any) */
		sin.sin_port = htons(m->cfg.discover_port ?
				     m->cfg.discover_port : MIH_PORT);
		sin.sin_addr.s_addr = htonl(INADDR_BROADCAST);
		return discover_to(m, NULL, (struct sockaddr *)&sin,
				   sizeof(sin), done, arg);
	}
	memset(&ss, 0, sizeof(ss));
	err = mihf_peer_addr(m, peer, &ss, &sl);
	if (err)
		return err;
	return discover_to(m, peer, (struct sockaddr *)&ss, sl, done, arg);
}

/* ---- registration ------------------------------------------------------ */

static struct reg *reg_find(struct mihf *m, const void *id, size_t len)
{
	size_t k;

	for (k = 0; k < m->nregs; k++)
		if (mihf_id_eq(&m->regs[k].mmt, id, len))
			return &m->regs[k];
	return NULL;
}

/*
 * PoS: @mmt's registration ended (DeRegister, expiry, it moved to another
 * PoS): the subscriptions it holds here go with it, else indications would
 * keep going to a terminal that has left and the table would fill.
 */
static void drop_subs_of(struct mihf *m, const void *mmt, size_t len,
			 const char *why)
{
	char who[ID_STR_LEN];
	size_t k, n = 0;

	for (k = 0; k < m->nsubs;) {
		if (mihf_id_eq(&m->subs[k].peer, mmt, len)) {
			m->subs[k] = m->subs[--m->nsubs];
			n++;
			continue;
		}
		k++;
	}
	if (n)
		md_info("mihf: %zu event subscription%s of %s dropped (%s)", n,
			n == 1 ? "" : "s", id_str(mmt, len, who, sizeof(who)),
			why);
}

static void serve_register(struct mihf *m, struct mihx_in *in,
			   const struct mih_msg *msg)
{
	const struct mih_pdu *p = &msg->pdu;
	uint32_t lifetime = m->cfg.reg_lifetime_s ? m->cfg.reg_lifetime_s :
						     MIHF_REG_LIFETIME_S;
	uint8_t buf[SMALL_PDU], code = 0;
	struct mih_builder b;
	char who[ID_STR_LEN];
	struct reg *r, *v;
	size_t len;

	if (!(m->cfg.roles & MIHF_ROLE_POS) || !p->src_id_len) {
		mihf_respond_status(m, in, MIH_STATUS_REJECTED);
		return;
	}
	mih_msg_get_u8(msg, MIH_TLV_REG_REQUEST_CODE, &code);
	r = reg_find(m, p->src_id, p->src_id_len);
	if (!r) {
		if (m->nregs >= MIHF_TABLE_MAX) {
			md_warn("mihf: registration table full, refusing %s",
				id_str(p->src_id, p->src_id_len, who,
				       sizeof(who)));
			mihf_respond_status(m, in, MIH_STATUS_REJECTED);
			return;
		}
		v = realloc(m->regs, (m->nregs + 1) * sizeof(*v));
		if (!v) {
			mihf_respond_status(m, in,
					    MIH_STATUS_UNSPECIFIED_FAILURE);
			return;
		}
		m->regs = v;
		r = &m->regs[m->nregs++];
		memset(r, 0, sizeof(*r));
		id_from(&r->mmt, p->src_id, p->src_id_len);
		r->since_ns = md_now_ns();
		md_info("mihf: %s registered (%s)",
			id_str(p->src_id, p->src_id_len, who, sizeof(who)),
			code ? "re-registration of an unknown MMT" :
			       "registration");
		mihf_ho_registered(m, p->src_id, p->src_id_len, true);
	}
	r->count++;
	r->expires_ns = md_now_ns() + lifetime * MD_NSEC_PER_SEC;
	begin_rsp(m, &b, buf, sizeof(buf), in, 0);
	mih_build_status(&b, MIH_STATUS_SUCCESS);
	mih_build_u32(&b, MIH_TLV_VALID_TIME_INTERVAL, lifetime);
	if (mih_msg_finish(&b, &len)) {
		mihf_respond_status(m, in, MIH_STATUS_UNSPECIFIED_FAILURE);
		return;
	}
	mihf_respond_pdu(m, in, buf, len);
}

/* registration @r ends (@why); @ho: handover.c's entry for it goes too */
static void reg_end(struct mihf *m, struct reg *r, bool ho, const char *why)
{
	struct mihf_id id = r->mmt;

	if (ho)
		mihf_ho_registered(m, id.v, id.len, false);
	*r = m->regs[--m->nregs];
	drop_subs_of(m, id.v, id.len, why);
}

void mihf_drop_registration(struct mihf *m, const void *mmt, size_t len)
{
	struct reg *r = reg_find(m, mmt, len);

	if (r)
		reg_end(m, r, false, "registration dropped");
	else
		drop_subs_of(m, mmt, len, "registration dropped");
}

static void serve_deregister(struct mihf *m, struct mihx_in *in,
			     const struct mih_msg *msg)
{
	const struct mih_pdu *p = &msg->pdu;
	struct reg *r;

	if (!(m->cfg.roles & MIHF_ROLE_POS)) {
		mihf_respond_status(m, in, MIH_STATUS_REJECTED);
		return;
	}
	r = reg_find(m, p->src_id, p->src_id_len);
	if (!r) {
		mihf_respond_status(m, in, MIH_STATUS_REJECTED);
		return;
	}
	reg_end(m, r, true, "deregistered");
	mihf_respond_status(m, in, MIH_STATUS_SUCCESS);
}

static int send_register(struct mihf *m, struct pub *p, bool re);
static int send_deregister(struct mihf *m, const struct mihf_id *pos,
			   mihf_rsp_fn done, void *arg, bool leaving);

static void register_done(void *arg, int status, const struct mih_msg *rsp,
			  uint64_t rtt)
{
	struct pub *p = arg;
	struct mihf *m = p->m;
	uint32_t life = 0;
	int st = rsp ? rsp_status(rsp) : -1;

	(void)rtt;
	if (status == -ECANCELED) {
		free(p);
		return;
	}
	m->reg_out.in_flight = false;
	if (!status && st != MIH_STATUS_SUCCESS)
		status = -ECONNREFUSED;
	if (!mihf_id_eq(&m->reg_out.pos, p->peer.v, p->peer.len)) {
		/* sent before our serving PoS changed: not our state; if it
		 * registered us there, leave again */
		if (!status)
			send_deregister(m, &p->peer, NULL, NULL, true);
		m->reg_out.renew_ns = md_now_ns();
		pub_call(p, status, st, rsp);
		free(p);
		return;
	}
	if (!status && mih_msg_get_u32(rsp, MIH_TLV_VALID_TIME_INTERVAL,
				       &life) != 1)
		life = MIHF_REG_LIFETIME_S;
	if (!status) {
		if (!life)
			life = 1;
		m->reg_out.registered = true;
		m->reg_out.failures = 0;
		m->reg_out.lifetime_s = life;
		m->reg_out.expires_ns = md_now_ns() +
					life * MD_NSEC_PER_SEC;
		/* re-register at two thirds of the interval */
		m->reg_out.renew_ns = md_now_ns() +
				      life * MD_NSEC_PER_SEC * 2 / 3;
	} else {
		m->reg_out.failures++;
		/* retry in a few seconds while active */
		m->reg_out.renew_ns = md_now_ns() +
			(m->reg_out.failures < 5 ? 2 : 30) * MD_NSEC_PER_SEC;
		if (m->reg_out.registered &&
		    md_now_ns() >= m->reg_out.expires_ns)
			m->reg_out.registered = false;
	}
	pub_call(p, status, st, rsp);
	free(p);
}

static int send_register(struct mihf *m, struct pub *p, bool re)
{
	uint8_t buf[SMALL_PDU];
	struct linkev_link links[LINKS_MAX];
	struct mih_link_id ids[LINKS_MAX];
	struct mih_builder b;
	size_t n, k, j = 0, len;
	int err;

	n = mihf_our_links(m, links, LINKS_MAX);
	for (k = 0; k < n; k++) {
		if (!links[k].has_mac)
			continue;
		memset(&ids[j], 0, sizeof(ids[j]));
		ids[j].type = links[k].link_type;
		ids[j].addr.kind = MIH_LA_MAC;
		memcpy(ids[j].addr.u.mac, links[k].mac, 6);
		j++;
	}
	begin(m, &b, buf, sizeof(buf),
	      MIH_MID(MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
		      MIH_AID_REGISTER), 0,
	      m->reg_out.pos.v, m->reg_out.pos.len);
	mih_build_link_id_list(&b, ids, j);
	mih_build_u8(&b, MIH_TLV_REG_REQUEST_CODE,
		     re ? MIH_REG_RE_REGISTRATION : MIH_REG_REGISTRATION);
	if (mih_msg_finish(&b, &len))
		return -EINVAL;
	p->peer = m->reg_out.pos;
	err = send_req(m, &m->reg_out.pos, NULL, 0, buf, len, 0,
		       register_done, p);
	if (!err)
		m->reg_out.in_flight = true;
	return err;
}

int mihf_register(struct mihf *m, const struct mihf_id *pos,
		  mihf_rsp_fn done, void *arg)
{
	struct pub *p;
	bool re;
	int err;

	if (!pos)
		pos = &m->cfg.serving_pos;
	if (!pos->len)
		return -EINVAL;
	if (m->reg_out.in_flight)
		return -EBUSY;
	re = m->reg_out.registered &&
	     mihf_id_eq(&m->reg_out.pos, pos->v, pos->len);
	if (!re)
		m->reg_out.registered = false;
	m->reg_out.pos = *pos;
	m->reg_out.active = true;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->m = m;
	p->done = done;
	p->arg = arg;
	err = send_register(m, p, re);
	if (err) {
		free(p);
		/* kept active: the sweep tries again (an address may come
		 * from discovery later) */
		m->reg_out.renew_ns = md_now_ns() + 2 * MD_NSEC_PER_SEC;
	}
	return err;
}

/* a best-effort request to a PoS we left failed: say so, nothing more */
static void log_leaving(struct pub *p, const char *what, int status, int st)
{
	char who[ID_STR_LEN];

	if (!p->leaving || !status || p->m->freeing)
		return;
	id_str(p->peer.v, p->peer.len, who, sizeof(who));
	if (status == -ECONNREFUSED)
		md_info("mihf: leaving %s: %s refused (%s): gone there "
			"already", who, what, st < 0 ? "no status" :
			mih_status_name((uint8_t)st));
	else
		md_info("mihf: leaving %s: %s: %s", who, what,
			status == -ETIMEDOUT ? "timed out" : strerror(-status));
}

static void deregister_done(void *arg, int status, const struct mih_msg *rsp,
			    uint64_t rtt)
{
	struct pub *p = arg;
	int st = rsp ? rsp_status(rsp) : -1;

	(void)rtt;
	if (status == -ECANCELED) {
		free(p);
		return;
	}
	if (!status && st != MIH_STATUS_SUCCESS)
		status = -ECONNREFUSED;
	log_leaving(p, "DeRegister", status, st);
	pub_call(p, status, st, rsp);
	free(p);
}

static int send_deregister(struct mihf *m, const struct mihf_id *pos,
			   mihf_rsp_fn done, void *arg, bool leaving)
{
	uint8_t buf[SMALL_PDU];
	struct mih_builder b;
	struct pub *p;
	size_t len;
	int err;

	begin(m, &b, buf, sizeof(buf),
	      MIH_MID(MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
		      MIH_AID_DEREGISTER), 0, pos->v, pos->len);
	if (mih_msg_finish(&b, &len))
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->m = m;
	p->done = done;
	p->arg = arg;
	p->kind = PUB_DEREGISTER;
	p->peer = *pos;
	p->leaving = leaving;
	err = send_req(m, pos, NULL, 0, buf, len, 0, deregister_done, p);
	if (err)
		free(p);
	return err;
}

int mihf_deregister(struct mihf *m, const struct mihf_id *pos,
		    mihf_rsp_fn done, void *arg)
{
	if (!pos)
		pos = &m->reg_out.pos;
	if (!pos->len)
		return -EINVAL;
	if (mihf_id_eq(&m->reg_out.pos, pos->v, pos->len)) {
		m->reg_out.active = false;
		m->reg_out.registered = false;
	}
	return send_deregister(m, pos, done, arg, false);
}

/* ---- event subscription ------------------------------------------------ */

/* does the link tuple name one of our links?  fills link_type/mac/any */
static bool tuple_ours(struct mihf *m, const struct mih_link_tuple_id *t,
		       uint8_t *mac, bool *any)
{
	struct linkev_link links[LINKS_MAX];
	size_t n, k;

	if (t->link.addr.kind != MIH_LA_MAC)
		return false;
	memcpy(mac, t->link.addr.u.mac, 6);
	*any = is_zero_mac(mac);
	n = mihf_our_links(m, links, LINKS_MAX);
	for (k = 0; k < n; k++) {
		if (links[k].link_type != t->link.type)
			continue;
		if (*any || (links[k].has_mac &&
			     !memcmp(links[k].mac, mac, 6)))
			return true;
	}
	return false;
}

static struct sub *sub_find(struct mihf *m, const void *id, size_t len,
			    uint8_t lt, const uint8_t *mac, bool any)
{
	size_t k;

	for (k = 0; k < m->nsubs; k++) {
		struct sub *s = &m->subs[k];

		if (mihf_id_eq(&s->peer, id, len) && s->link_type == lt &&
		    s->any_mac == any && (any || !memcmp(s->mac, mac, 6)))
			return s;
	}
	return NULL;
}

static void serve_subscribe(struct mihf *m, struct mihx_in *in,
			    const struct mih_msg *msg, bool unsub)
{
	const struct mih_pdu *p = &msg->pdu;
	struct mih_link_tuple_id t;
	uint8_t buf[SMALL_PDU], mac[6];
	struct mih_builder b;
	uint64_t req = 0;
	uint32_t acc = 0;
	struct sub *s;
	bool any = false, ok;
	uint8_t st = MIH_STATUS_SUCCESS;
	size_t len;

	if (mih_msg_get_value(msg, MIH_TLV_LINK_ID,
			      (mih_get_fn)mih_get_link_tuple_id, &t) != 1 ||
	    mih_msg_get_bitmap(msg, MIH_TLV_EVT_LIST, &req) != 1 ||
	    !p->src_id_len) {
		mihf_respond_status(m, in, MIH_STATUS_UNSPECIFIED_FAILURE);
		return;
	}
	ok = tuple_ours(m, &t, mac, &any);
	s = ok ? sub_find(m, p->src_id, p->src_id_len, t.link.type, mac, any)
	       : NULL;
	if (!ok) {
		st = MIH_STATUS_REJECTED;	/* not one of our links */
	} else if (!unsub) {
		acc = (uint32_t)req & MIHF_EVT_SUPPORTED;
		if (!acc) {
			st = MIH_STATUS_REJECTED;
		} else if (!s) {
			struct sub *v;

			if (m->nsubs >= MIHF_TABLE_MAX) {
				st = MIH_STATUS_REJECTED;
			} else if (!(v = realloc(m->subs, (m->nsubs + 1) *
							  sizeof(*v)))) {
				st = MIH_STATUS_UNSPECIFIED_FAILURE;
			} else {
				m->subs = v;
				s = &m->subs[m->nsubs++];
				memset(s, 0, sizeof(*s));
				id_from(&s->peer, p->src_id, p->src_id_len);
				s->link_type = t.link.type;
				memcpy(s->mac, mac, 6);
				s->any_mac = any;
			}
		}
		if (st == MIH_STATUS_SUCCESS)
			s->events |= acc;
	} else {
		if (!s || !(s->events & req)) {
			st = MIH_STATUS_REJECTED;
		} else {
			acc = s->events & (uint32_t)req;
			s->events &= ~(uint32_t)req;
			if (!s->events)
				*s = m->subs[--m->nsubs];
		}
	}
	begin_rsp(m, &b, buf, sizeof(buf), in, 0);
	mih_build_status(&b, st);
	mih_build_link_tuple_id(&b, MIH_TLV_LINK_ID, &t);
	if (st == MIH_STATUS_SUCCESS)
		mih_build_evt_list(&b, acc);
	else
		m->cnt.rsp_failure++;
	if (mih_msg_finish(&b, &len)) {
		mihf_respond_status(m, in, MIH_STATUS_UNSPECIFIED_FAILURE);
		return;
	}
	mihf_respond_pdu(m, in, buf, len);
}

static int send_subscribe(struct mihf *m, const struct mihf_id *peer,
			  uint8_t link_type, const uint8_t *mac,
			  uint32_t events, bool unsub, mihf_rsp_fn done,
			  void *arg, bool autosub, bool leaving);

static void subscribe_done(void *arg, int status, const struct mih_msg *rsp,
			   uint64_t rtt)
{
	struct pub *p = arg;
	struct mihf *m = p->m;
	int st = rsp ? rsp_status(rsp) : -1;
	uint64_t acc = 0;
	size_t k;

	(void)rtt;
	if (p->autosub)
		m->autosub_in_flight = false;
	if (status == -ECANCELED) {
		free(p);
		return;
	}
	if (!status && st != MIH_STATUS_SUCCESS)
		status = -ECONNREFUSED;
	if (status && p->autosub &&
	    mihf_id_eq(&m->reg_out.pos, p->peer.v, p->peer.len))
		m->autosub_next_ns = md_now_ns() + 30 * MD_NSEC_PER_SEC;
	log_leaving(p, "Event_Unsubscribe", status, st);
	if (!status)
		mih_msg_get_bitmap(rsp, MIH_TLV_EVT_LIST, &acc);
	if (!status && p->autosub && p->kind == PUB_SUB &&
	    !mihf_id_eq(&m->reg_out.pos, p->peer.v, p->peer.len)) {
		/* granted by a PoS we left meanwhile: not kept, undone */
		send_subscribe(m, &p->peer, p->link_type,
			       p->any_mac ? NULL : p->mac, (uint32_t)acc, true,
			       NULL, NULL, false, true);
		status = -ESTALE;
	}
	if (!status) {
		struct sub_out *s = NULL, *v;

		for (k = 0; k < m->nsubs_out; k++) {
			struct sub_out *o = &m->subs_out[k];

			if (mihf_id_eq(&o->peer, p->peer.v, p->peer.len) &&
			    o->link_type == p->link_type &&
			    o->any_mac == p->any_mac &&
			    !memcmp(o->mac, p->mac, 6))
				s = o;
		}
		if (p->kind == PUB_SUB && !s &&
		    m->nsubs_out < MIHF_TABLE_MAX &&
		    (v = realloc(m->subs_out, (m->nsubs_out + 1) *
						sizeof(*v)))) {
			m->subs_out = v;
			s = &m->subs_out[m->nsubs_out++];
			memset(s, 0, sizeof(*s));
			s->peer = p->peer;
			s->link_type = p->link_type;
			memcpy(s->mac, p->mac, 6);
			s->any_mac = p->any_mac;
		}
		if (s && p->kind == PUB_SUB)
			s->events |= (uint32_t)acc;
		if (s && p->kind == PUB_UNSUB) {
			s->events &= ~(uint32_t)acc;
			if (!s->events)
				*s = m->subs_out[--m->nsubs_out];
		}
	}
	pub_call(p, status, st, rsp);
	free(p);
}

static int send_subscribe(struct mihf *m, const struct mihf_id *peer,
			  uint8_t link_type, const uint8_t *mac,
			  uint32_t events, bool unsub, mihf_rsp_fn done,
			  void *arg, bool autosub, bool leaving)
{
	static const uint8_t zero[6];
	struct mih_link_tuple_id t;
	uint8_t buf[SMALL_PDU];
	struct mih_builder b;
	struct pub *p;
	size_t len;
	int err;

	if (!peer || !peer->len || !events || !mih_link_type_valid(link_type))
		return -EINVAL;
	tuple_set(&t, link_type, mac ? mac : zero, NULL);
	begin(m, &b, buf, sizeof(buf),
	      MIH_MID(MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
		      unsub ? MIH_AID_EVENT_UNSUBSCRIBE :
			      MIH_AID_EVENT_SUBSCRIBE), 0, peer->v, peer->len);
	mih_build_link_tuple_id(&b, MIH_TLV_LINK_ID, &t);
	mih_build_evt_list(&b, events);
	if (mih_msg_finish(&b, &len))
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->m = m;
	p->done = done;
	p->arg = arg;
	p->kind = unsub ? PUB_UNSUB : PUB_SUB;
	p->peer = *peer;
	p->link_type = link_type;
	memcpy(p->mac, mac ? mac : zero, 6);
	p->any_mac = !mac || is_zero_mac(mac);
	p->autosub = autosub;
	p->leaving = leaving;
	err = send_req(m, peer, NULL, 0, buf, len, 0, subscribe_done, p);
	if (err)
		free(p);
	else if (autosub)
		m->autosub_in_flight = true;
	return err;
}

int mihf_subscribe(struct mihf *m, const struct mihf_id *peer,
		   uint8_t link_type, const uint8_t *mac, uint32_t events,
		   mihf_rsp_fn done, void *arg)
{
	return send_subscribe(m, peer, link_type, mac, events, false, done,
			      arg, false, false);
}

int mihf_unsubscribe(struct mihf *m, const struct mihf_id *peer,
		     uint8_t link_type, const uint8_t *mac, uint32_t events,
		     mihf_rsp_fn done, void *arg)
{
	return send_subscribe(m, peer, link_type, mac, events, true, done,
			      arg, false, false);
}

/*
 * MMT: the serving PoS is @pos now (handover.c, after a handover).  The old
 * one is left: our subscriptions there are forgotten here and unsubscribed
 * there, and we deregister, best effort (one request each, the transport's
 * retransmissions, failures logged): the old PoS drops both by itself when
 * the new PoS's N2N_HO_Complete reaches it, usually before these do.  The
 * registration now goes to @pos (the caller registers; if it cannot yet,
 * the sweep does), so does the sweep's subscription (subscribe_serving).
 */
void mihf_set_serving(struct mihf *m, const struct mihf_id *pos)
{
	struct mihf_id old = m->reg_out.pos.len ? m->reg_out.pos :
						   m->cfg.serving_pos;
	char a[ID_STR_LEN], b[ID_STR_LEN];
	size_t k, n = 0;
	bool reg = false;
	int err;

	m->cfg.serving_pos = *pos;
	if (!old.len || mihf_id_eq(&old, pos->v, pos->len))
		return;
	if (mihf_id_eq(&m->reg_out.pos, old.v, old.len)) {
		reg = m->reg_out.registered || m->reg_out.active ||
		      m->reg_out.in_flight;
		m->reg_out.pos = *pos;
		m->reg_out.registered = false;
		m->reg_out.failures = 0;
		if (m->reg_out.active)
			m->reg_out.renew_ns = md_now_ns();
	}
	m->autosub_next_ns = 0;
	m->autosub_probes = 0;
	for (k = 0; k < m->nsubs_out;) {
		struct sub_out s = m->subs_out[k];

		if (!mihf_id_eq(&s.peer, old.v, old.len)) {
			k++;
			continue;
		}
		m->subs_out[k] = m->subs_out[--m->nsubs_out];
		n++;
		err = send_subscribe(m, &old, s.link_type,
				     s.any_mac ? NULL : s.mac, s.events, true,
				     NULL, NULL, false, true);
		if (err)
			md_info("mihf: leaving %s: no Event_Unsubscribe: %s",
				id_str(old.v, old.len, a, sizeof(a)),
				strerror(-err));
	}
	md_info("mihf: serving PoS %s -> %s: %zu subscription%s there "
		"dropped%s", id_str(old.v, old.len, a, sizeof(a)),
		id_str(pos->v, pos->len, b, sizeof(b)), n, n == 1 ? "" : "s",
		reg ? ", deregistering" : "");
	if (reg) {
		err = send_deregister(m, &old, NULL, NULL, true);
		if (err)
			md_info("mihf: leaving %s: no DeRegister: %s",
				id_str(old.v, old.len, a, sizeof(a)),
				strerror(-err));
	}
}

/* ---- link events -> indications ---------------------------------------- */

/*
 * linkev event -> the MIH event (MIH_EVT_LIST bit) its indication serves:
 *   LINKEV_DETECTED    Link_Detected
 *   LINKEV_UP          Link_Up
 *   LINKEV_DOWN        Link_Down
 *   LINKEV_GOING_DOWN  Link_Going_Down
 *   LINKEV_ADDR_ADD    0 here: link_state() decides.  An address added to
 *                      a link that is up, once its addresses have settled
 *                      after the bring-up (cfg addr_settle_ms without a
 *                      change since its Link_Up), is sent as a Link_Up
 *                      indication with IP_RENEWAL_FLAG (TLV 17, allowed by
 *                      Link_Up.indication's definition) true, at most one
 *                      per MIHF_RENEWAL_MIN_MS per link (a change inside
 *                      that interval is sent when it ends, by the sweep).
 *                      The addresses of the bring-up itself are not sent.
 *   LINKEV_ADDR_DEL    local only (a removal alone is no new address); it
 *                      counts as a change for the settling
 */
static uint32_t evt_bit(enum linkev_type t)
{
	switch (t) {
	case LINKEV_DETECTED:	return MIHF_EVT_DETECTED;
	case LINKEV_UP:		return MIHF_EVT_UP;
	case LINKEV_DOWN:	return MIHF_EVT_DOWN;
	case LINKEV_GOING_DOWN:	return MIHF_EVT_GOING_DOWN;
	default:		return 0;
	}
}

static uint16_t evt_aid(enum linkev_type t)
{
	switch (t) {
	case LINKEV_DETECTED:	return MIH_AID_LINK_DETECTED;
	case LINKEV_UP:		return MIH_AID_LINK_UP;
	case LINKEV_DOWN:	return MIH_AID_LINK_DOWN;
	case LINKEV_GOING_DOWN:	return MIH_AID_LINK_GOING_DOWN;
	default:		return 0;
	}
}

/* the indication body for @ev */
static void build_event(struct mih_builder *b, const struct linkev_event *ev)
{
	struct mih_link_tuple_id t;
	struct mih_link_det_info det[LINKEV_DET_MAX];
	size_t k;

	switch (ev->type) {
	case LINKEV_DETECTED:
		for (k = 0; k < ev->ndet && k < LINKEV_DET_MAX; k++) {
			const struct linkev_det *d = &ev->det[k];
			int dbm = d->signal_dbm;

			memset(&det[k], 0, sizeof(det[k]));
			tuple_set(&det[k].tuple, ev->link_type, ev->mac,
				  d->bssid);
			det[k].network_id.p = d->ssid;
			det[k].network_id.len = (uint32_t)d->ssid_len;
			if (dbm < -128)
				dbm = -128;
			if (dbm > 127)
				dbm = 127;
			det[k].sig.dbm = (int8_t)dbm;
			det[k].mihcap = 0;
			det[k].net_caps = d->secured ?
				(uint32_t)MIH_BIT(MIH_NETCAP_SECURITY) : 0;
		}
		mih_build_link_det_info_list(b, det, k);
		break;
	case LINKEV_UP:
		tuple_set(&t, ev->link_type, ev->mac,
			  ev->has_poa ? ev->poa : NULL);
		mih_build_link_tuple_id(b, MIH_TLV_LINK_ID, &t);
		if (ev->ip_renewal)
			mih_build_bool(b, MIH_TLV_IP_RENEWAL, true);
		break;
	case LINKEV_DOWN:
		tuple_set(&t, ev->link_type, ev->mac,
			  ev->has_poa ? ev->poa : NULL);
		mih_build_link_tuple_id(b, MIH_TLV_LINK_ID, &t);
		mih_build_u8(b, MIH_TLV_LINK_DN_REASON,
			     ev->reason >= 0 && ev->reason <= MIH_LDR_MAX ?
			     (uint8_t)ev->reason : MIH_LDR_EXPLICIT_DISCONNECT);
		break;
	case LINKEV_GOING_DOWN:
		tuple_set(&t, ev->link_type, ev->mac,
			  ev->has_poa ? ev->poa : NULL);
		mih_build_link_tuple_id(b, MIH_TLV_LINK_ID, &t);
		mih_build_u16(b, MIH_TLV_TIME_INTERVAL, ev->time_ms);
		mih_build_u8(b, MIH_TLV_LINK_GD_REASON,
			     ev->reason >= 0 && ev->reason <= MIH_LGR_MAX ?
			     (uint8_t)ev->reason :
			     MIH_LGR_LINK_PARAM_DEGRADING);
		break;
	default:
		break;
	}
}

struct ind {
	struct mihf *m;
	struct mihf_id peer;
};

static void ind_done(void *arg, int status, const struct mihx_rsp *rsp)
{
	struct ind *i = arg;
	char who[ID_STR_LEN];

	(void)rsp;
	if (status && status != -ECANCELED)
		md_info("mihf: indication to %s not acknowledged: %s",
			id_str(i->peer.v, i->peer.len, who, sizeof(who)),
			strerror(-status));
	free(i);
}

/* @ev to the subscribers of @bit on its link; returns how many */
static size_t indicate(struct mihf *m, const struct linkev_event *ev,
		       uint32_t bit)
{
	uint8_t *buf;
	size_t k, n = 0;

	if (!bit || !m->x || !m->nsubs)
		return 0;
	buf = malloc(SMALL_PDU * 2);
	if (!buf)
		return 0;
	for (k = 0; k < m->nsubs; k++) {
		struct sub *s = &m->subs[k];
		struct sockaddr_storage ss;
		struct mih_builder b;
		struct ind *i;
		socklen_t sl;
		size_t len;
		int err;

		if (!(s->events & bit) || s->link_type != ev->link_type ||
		    (!s->any_mac && (!ev->has_mac ||
				     memcmp(s->mac, ev->mac, 6))))
			continue;
		if (mihf_peer_addr(m, &s->peer, &ss, &sl))
			continue;
		begin(m, &b, buf, SMALL_PDU * 2,
		      MIH_MID(MIH_SID_EVENT, MIH_OP_INDICATION,
			      evt_aid(ev->type)), 0, s->peer.v, s->peer.len);
		build_event(&b, ev);
		if (mih_msg_finish(&b, &len))
			continue;
		i = calloc(1, sizeof(*i));
		if (!i)
			continue;
		i->m = m;
		i->peer = s->peer;
		trace_pdu(m, MIHF_TX, s->peer.v, s->peer.len, buf, len, -1);
		err = mihx_indicate(m->x, (struct sockaddr *)&ss, sl, buf, len,
				    MIHX_F_ACKREQ, ind_done, i, NULL);
		if (err) {
			free(i);
			continue;
		}
		s->sent++;
		m->cnt.ind_tx++;
		n++;
	}
	free(buf);
	return n;
}

/* the state of @ev's link (by name, else by MAC); NULL: not tracked */
static struct link_st *link_st_get(struct mihf *m,
				   const struct linkev_event *ev)
{
	struct linkev_link links[LINKS_MAX];
	struct link_st *l = NULL, *old = &m->lst[0];
	size_t k, n;

	if (!ev->ifname[0] && !ev->has_mac)
		return NULL;
	for (k = 0; k < LINKS_MAX; k++) {
		struct link_st *x = &m->lst[k];

		if (x->used && (ev->ifname[0] ?
				!strcmp(x->ifname, ev->ifname) :
				(!x->ifname[0] && x->has_mac &&
				 !memcmp(x->mac, ev->mac, 6)))) {
			x->used_ns = md_now_ns();
			return x;
		}
		if (!x->used || (old->used && x->used_ns < old->used_ns))
			old = x;
	}
	l = old;
	memset(l, 0, sizeof(*l));
	l->used = true;
	l->used_ns = md_now_ns();
	memcpy(l->ifname, ev->ifname, sizeof(l->ifname));
	l->ifname[sizeof(l->ifname) - 1] = '\0';
	/* first heard of: a link up before we started (linkev does not
	 * report the state it finds at start) is up since then */
	n = ev->ifname[0] ? mihf_our_links(m, links, LINKS_MAX) : 0;
	for (k = 0; k < n; k++) {
		if (strcmp(links[k].ifname, ev->ifname))
			continue;
		l->up = links[k].up;
		l->quiet_ns = m->created_ns;
		if (links[k].has_poa) {
			memcpy(l->poa, links[k].poa, 6);
			l->has_poa = true;
		}
		break;
	}
	return l;
}

/* a Link_Up with the IP renewal flag for @l's address change */
static void renewal_send(struct mihf *m, struct link_st *l, uint64_t now)
{
	struct linkev_event ev;
	size_t n;

	memset(&ev, 0, sizeof(ev));
	ev.type = LINKEV_UP;
	memcpy(ev.ifname, l->ifname, sizeof(ev.ifname));
	ev.link_type = l->link_type;
	memcpy(ev.mac, l->mac, 6);
	ev.has_mac = l->has_mac;
	memcpy(ev.poa, l->poa, 6);
	ev.has_poa = l->has_poa;
	ev.reason = -1;
	ev.ieee_reason = -1;
	ev.ip_renewal = true;
	ev.t_ns = now;
	l->renew_ns = now;
	l->pending = false;
	n = indicate(m, &ev, MIHF_EVT_UP);
	md_info("mihf: link %s: address changed: Link_Up (IP renewal) to %zu "
		"subscriber%s", l->ifname[0] ? l->ifname : "?", n,
		n == 1 ? "" : "s");
}

/* the link state from @ev; an address change may become a renewal */
static void link_state(struct mihf *m, const struct linkev_event *ev)
{
	uint64_t settle = (m->cfg.addr_settle_ms ? m->cfg.addr_settle_ms :
			   MIHF_ADDR_SETTLE_MS) * MD_NSEC_PER_MSEC;
	uint64_t now = md_now_ns();
	struct link_st *l;

	if (ev->type == LINKEV_DETECTED || ev->type == LINKEV_GOING_DOWN)
		return;
	l = link_st_get(m, ev);
	if (!l)
		return;
	l->link_type = ev->link_type;
	if (ev->has_mac) {
		memcpy(l->mac, ev->mac, 6);
		l->has_mac = true;
	}
	switch (ev->type) {
	case LINKEV_UP:
		/* also a new PoA while up: a new bring-up */
		l->up = true;
		l->settled = false;
		l->pending = false;
		l->quiet_ns = now;
		l->has_poa = ev->has_poa;
		if (ev->has_poa)
			memcpy(l->poa, ev->poa, 6);
		return;
	case LINKEV_DOWN:
		l->up = false;
		l->settled = false;
		l->pending = false;
		l->has_poa = false;
		return;
	case LINKEV_ADDR_ADD:
	case LINKEV_ADDR_DEL:
		break;
	default:
		return;
	}
	if (!l->up)
		return;
	if (!l->settled && now - l->quiet_ns >= settle)
		l->settled = true;
	if (!l->settled) {
		l->quiet_ns = now;	/* still being brought up */
		return;
	}
	if (ev->type != LINKEV_ADDR_ADD)
		return;
	if (l->renew_ns &&
	    now - l->renew_ns < MIHF_RENEWAL_MIN_MS * MD_NSEC_PER_MSEC) {
		l->pending = true;	/* the sweep sends it */
		return;
	}
	renewal_send(m, l, now);
}

/* sweep: renewals held back by the rate limit */
static void renewal_sweep(struct mihf *m, uint64_t now)
{
	size_t k;

	for (k = 0; k < LINKS_MAX; k++) {
		struct link_st *l = &m->lst[k];

		if (l->used && l->pending && l->up && l->settled &&
		    now - l->renew_ns >= MIHF_RENEWAL_MIN_MS *
					 MD_NSEC_PER_MSEC)
			renewal_send(m, l, now);
	}
}

void mihf_link_event(void *arg, const struct linkev_event *ev)
{
	struct mihf *m = arg;

	if (m->evcb)
		m->evcb(m->ev_arg, NULL, 0, ev);
	link_state(m, ev);
	indicate(m, ev, evt_bit(ev->type));
}

/* a received indication -> linkev_event for the local listener */
static void serve_indication(struct mihf *m, const struct mih_msg *msg)
{
	struct linkev_event ev;
	struct mih_link_tuple_id t;
	uint8_t u8;
	uint16_t u16;

	memset(&ev, 0, sizeof(ev));
	ev.reason = -1;
	ev.ieee_reason = -1;
	ev.t_ns = md_now_ns();
	switch (msg->pdu.hdr.aid) {
	case MIH_AID_LINK_UP: {
		bool renew = false;

		ev.type = LINKEV_UP;
		if (mih_msg_get_bool(msg, MIH_TLV_IP_RENEWAL, &renew) == 1)
			ev.ip_renewal = renew;
		break;
	}
	case MIH_AID_LINK_DOWN:
		ev.type = LINKEV_DOWN;
		if (mih_msg_get_u8(msg, MIH_TLV_LINK_DN_REASON, &u8) == 1)
			ev.reason = u8;
		break;
	case MIH_AID_LINK_GOING_DOWN:
		ev.type = LINKEV_GOING_DOWN;
		if (mih_msg_get_u8(msg, MIH_TLV_LINK_GD_REASON, &u8) == 1)
			ev.reason = u8;
		if (mih_msg_get_u16(msg, MIH_TLV_TIME_INTERVAL, &u16) == 1)
			ev.time_ms = u16;
		break;
	case MIH_AID_LINK_DETECTED: {
		struct mih_rd r;
		uint32_t n = 0, k;

		ev.type = LINKEV_DETECTED;
		if (mih_msg_get_list(msg, MIH_TLV_LINK_DET_INFO_LIST, &r,
				     &n) != 1)
			break;
		for (k = 0; k < n && r.err == 0; k++) {
			struct mih_link_det_info d;

			if (mih_get_link_det_info(&r, &d))
				break;
			if (ev.ndet >= LINKEV_DET_MAX)
				continue;
			if (!k) {
				ev.link_type = d.tuple.link.type;
				if (d.tuple.link.addr.kind == MIH_LA_MAC) {
					memcpy(ev.mac, d.tuple.link.addr.u.mac,
					       6);
					ev.has_mac = true;
				}
			}
			if (d.tuple.has_poa && d.tuple.poa.kind == MIH_LA_MAC)
				memcpy(ev.det[ev.ndet].bssid,
				       d.tuple.poa.u.mac, 6);
			if (d.network_id.len <= LINKEV_SSID_MAX) {
				memcpy(ev.det[ev.ndet].ssid, d.network_id.p,
				       d.network_id.len);
				ev.det[ev.ndet].ssid_len = d.network_id.len;
			}
			ev.det[ev.ndet].signal_dbm = d.sig.is_percent ? 0 :
						     d.sig.dbm;
			ev.det[ev.ndet].secured = d.net_caps &
				MIH_BIT(MIH_NETCAP_SECURITY);
			ev.ndet++;
		}
		break;
	}
	default:
		m->cnt.rx_unexpected++;
		return;
	}
	if (ev.type != LINKEV_DETECTED &&
	    mih_msg_get_value(msg, MIH_TLV_LINK_ID,
			      (mih_get_fn)mih_get_link_tuple_id, &t) == 1) {
		ev.link_type = t.link.type;
		if (t.link.addr.kind == MIH_LA_MAC) {
			memcpy(ev.mac, t.link.addr.u.mac, 6);
			ev.has_mac = true;
		}
		if (t.has_poa && t.poa.kind == MIH_LA_MAC) {
			memcpy(ev.poa, t.poa.u.mac, 6);
			ev.has_poa = true;
		}
	}
	m->cnt.ind_rx++;
	if (m->evcb)
		m->evcb(m->ev_arg, msg->pdu.src_id, msg->pdu.src_id_len, &ev);
}

/* ---- information service ----------------------------------------------- */

static void serve_get_information(struct mihf *m, struct mihx_in *in,
				  const struct mih_msg *msg)
{
	struct mih_iq_bin_data *q = NULL;
	struct isdb_query_result res;
	struct mih_builder b;
	struct mih_rd r;
	uint32_t n = 0, k;
	uint16_t max47 = 0;
	size_t limit, used, len, hdr, cap;
	uint8_t *buf = NULL, *ir = NULL;
	size_t irlen = 0;
	uint32_t nir = 0;
	uint8_t st = MIH_STATUS_UNSPECIFIED_FAILURE;
	bool uir = msg->pdu.hdr.uir;
	int err;

	if (!(m->cfg.roles & MIHF_ROLE_IS) || !m->isdb) {
		mihf_respond_status(m, in, MIH_STATUS_REJECTED);
		return;
	}
	if (uir && m->cfg.refuse_uir) {
		mihf_respond_status(m, in, MIH_STATUS_AUTHORIZATION_FAILURE);
		return;
	}
	if (mih_msg_get_list(msg, MIH_TLV_IQ_BIN_DATA_LIST, &r, &n) != 1) {
		/* RDF queries are not served */
		mihf_respond_status(m, in, MIH_STATUS_REJECTED);
		return;
	}
	if (n > IQ_MAX || !n) {
		mihf_respond_status(m, in, MIH_STATUS_REJECTED);
		return;
	}
	mih_msg_get_u16(msg, MIH_TLV_MAX_RSP_SIZE, &max47);
	limit = m->cfg.max_rsp ? m->cfg.max_rsp : MIHX_DGRAM_DEFAULT;
	if (max47 && max47 < limit)
		limit = max47;
	/* header, IDs, Status, TLV 48 header (<= 6) and count (<= 5) */
	hdr = msg->pdu.ids_len + 3 + MIH_TLV_HDR_MAX + MIH_LEN_SIZE_MAX;
	if (limit <= hdr + 2) {
		st = MIH_STATUS_REJECTED;
		goto fail;
	}
	cap = limit - hdr;
	q = calloc(1, sizeof(*q));
	ir = malloc(cap);
	buf = malloc(limit + 16);
	if (!q || !ir || !buf)
		goto fail;
	used = 0;
	for (k = 0; k < n; k++) {
		if (mih_get_iq_bin_data(&r, q))
			goto fail;	/* validated by the parser already */
		memset(&res, 0, sizeof(res));
		err = isdb_query(m->isdb, q, cap - used, ir + used,
				 cap - used, &res);
		if (err == -ENOSPC)
			break;		/* the rest does not fit */
		if (err) {
			md_warn("mihf: IS query failed: %s (%s)",
				strerror(-err), isdb_errmsg(m->isdb));
			goto fail;
		}
		used += res.len;
		nir++;
	}
	irlen = used;
	m->cnt.is_queries++;
	begin_rsp(m, &b, buf, limit + 16, in, uir ? MIH_MSGF_UIR : 0);
	mih_build_status(&b, MIH_STATUS_SUCCESS);
	{
		struct mih_wr w;
		uint8_t cnt[MIH_LEN_SIZE_MAX];
		size_t cl;
		uint8_t *v;

		mih_wr_init(&w, cnt, sizeof(cnt));
		mih_put_len(&w, nir);
		cl = w.pos;
		v = mih_build_tlv_reserve(&b, MIH_TLV_IR_BIN_DATA_LIST,
					  (uint32_t)(cl + irlen));
		if (v) {
			memcpy(v, cnt, cl);
			memcpy(v + cl, ir, irlen);
		}
	}
	if (mih_msg_finish(&b, &len) || len > limit)
		goto fail;
	mihf_respond_pdu(m, in, buf, len);
	free(q);
	free(ir);
	free(buf);
	return;
fail:
	free(q);
	free(ir);
	free(buf);
	mihf_respond_status(m, in, st);
}

/* build a Get_Information request for @q into @buf */
static int build_is_query(struct mihf *m, const struct mihf_is_query *q,
			  const struct mihf_id *is, uint8_t *buf, size_t size,
			  size_t *len)
{
	struct mih_iq_bin_data *iq = calloc(1, sizeof(*iq));
	struct mih_builder b;
	size_t k;
	int err;

	if (!iq)
		return -ENOMEM;
	if (q->net_types) {
		iq->has_net_type_inc = true;
		iq->net_type_inc = q->net_types;
	}
	if (q->network_id && *q->network_id) {
		iq->has_netwk_inc = true;
		iq->n_netwk = 1;
		iq->netwk[0].p = (const uint8_t *)q->network_id;
		iq->netwk[0].len = (uint32_t)strlen(q->network_id);
	}
	if (q->n_ie_types) {
		if (q->n_ie_types > MIH_IQ_TEMPL_MAX) {
			free(iq);
			return -E2BIG;
		}
		iq->has_rpt_templ = true;
		iq->n_templ = (uint32_t)q->n_ie_types;
		for (k = 0; k < q->n_ie_types; k++)
			iq->templ[k] = q->ie_types[k];
	}
	if (q->max_ies) {
		iq->has_rpt_limit = true;
		iq->max_ies = q->max_ies;
	}
	mih_builder_init(&b, buf, size);
	mih_msg_begin(&b, MIH_MID(MIH_SID_INFO, MIH_OP_REQUEST,
				  MIH_AID_GET_INFORMATION), 0,
		      q->uir ? MIH_MSGF_UIR : 0, m->cfg.id.v, m->cfg.id.len,
		      is->v, is->len);
	mih_build_list(&b, MIH_TLV_IQ_BIN_DATA_LIST,
		       (mih_put_fn)mih_put_iq_bin_data, iq, sizeof(*iq), 1);
	mih_build_u16(&b, MIH_TLV_MAX_RSP_SIZE,
		      q->max_rsp ? q->max_rsp :
		      m->cfg.is_max_rsp ? m->cfg.is_max_rsp : MIHF_IS_MAX_RSP);
	err = mih_msg_finish(&b, len);
	free(iq);
	return err ? -EINVAL : 0;
}

int mihf_is_query_msg(struct mihf *m, const struct mihf_is_query *q,
		      mihf_msg_fn done, void *arg)
{
	const struct mihf_id *is = q->is ? q->is : &m->cfg.is_server;
	uint8_t buf[SMALL_PDU];
	size_t len;
	int err;

	if (!is->len)
		return -EINVAL;
	err = build_is_query(m, q, is, buf, sizeof(buf), &len);
	if (err)
		return err;
	return send_req(m, is, NULL, 0, buf, len, 0, done, arg);
}

/* IEs -> JSON (containers nest) */
static json_object *ies_json(struct mih_ie_iter *it, unsigned int depth)
{
	json_object *arr = json_object_new_array();
	struct mih_ie ie;
	char hex[16], val[512];

	while (arr && mih_ie_next_raw(it, &ie) == 1) {
		json_object *o = json_object_new_object();
		const char *name = mih_ie_name(ie.type);

		if (!o)
			break;
		snprintf(hex, sizeof(hex), "0x%08x", ie.type);
		json_object_object_add(o, "type",
				       json_object_new_string(name ? name :
							      hex));
		if (mih_ie_is_container(ie.type) && depth < MIH_IE_DEPTH_MAX) {
			struct mih_ie_iter sub;
			struct mih_rd r2 = *it->r;

			if (!mih_ie_iter_container(&sub, &r2, &ie))
				json_object_object_add(o, "ies",
						       ies_json(&sub,
								depth + 1));
		} else {
			mih_ie_fmt(&ie, val, sizeof(val));
			json_object_object_add(o, "value",
					       json_object_new_string(val));
		}
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *mihf_ir_json(const uint8_t *v, size_t len)
{
	json_object *arr = json_object_new_array();
	struct mih_rd r;
	uint32_t n, k;

	if (!arr)
		return NULL;
	mih_rd_init(&r, v, len);
	n = mih_get_len(&r);
	for (k = 0; k < n && !r.err; k++) {
		struct mih_ie_iter it;

		if (mih_ie_iter_list(&it, &r))
			break;
		json_object_array_add(arr, ies_json(&it, 0));
	}
	return arr;
}

struct isq {
	struct mihf *m;
	mihf_is_fn done;
	void *arg;
};

static void is_done(void *arg, int status, const struct mih_msg *rsp,
		    uint64_t rtt)
{
	struct isq *q = arg;
	const struct mih_tlv *t = NULL;
	json_object *res = NULL;
	int st = rsp ? rsp_status(rsp) : -1;

	if (status == -ECANCELED) {
		free(q);
		return;
	}
	if (!status && st != MIH_STATUS_SUCCESS)
		status = -ECONNREFUSED;
	if (!status) {
		t = mih_msg_tlv(rsp, MIH_TLV_IR_BIN_DATA_LIST);
		res = json_object_new_object();
		if (res) {
			json_object_object_add(res, "status",
					       json_object_new_int(st));
			json_object_object_add(res, "rtt_ms",
				json_object_new_double((double)rtt / 1e6));
			json_object_object_add(res, "uir",
				json_object_new_boolean(rsp->pdu.hdr.uir));
			json_object_object_add(res, "results",
				t ? mihf_ir_json(t->value, t->len) :
				    json_object_new_array());
		}
	}
	q->done(q->arg, status, st, res, t ? t->value : NULL, t ? t->len : 0);
	json_object_put(res);
	free(q);
}

int mihf_is_query(struct mihf *m, const struct mihf_is_query *q,
		  mihf_is_fn done, void *arg)
{
	struct isq *c;
	int err;

	if (!q || !done)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->m = m;
	c->done = done;
	c->arg = arg;
	err = mihf_is_query_msg(m, q, is_done, c);
	if (err)
		free(c);
	return err;
}

/* ---- raw messages ------------------------------------------------------ */

struct raw {
	struct mihf *m;
	struct mihf_id peer;
	mihf_rsp_fn done;
	void *arg;
};

static void raw_done(void *arg, int status, const struct mihx_rsp *rsp)
{
	struct raw *w = arg;
	struct mih_tlv t;
	int st = -1;

	if (status == -ECANCELED) {
		free(w);
		return;
	}
	if (rsp) {
		trace_pdu(w->m, MIHF_RX, rsp->pdu.src_id, rsp->pdu.src_id_len,
			  rsp->raw, rsp->len, (int64_t)rsp->rtt_ns);
		if (mih_tlv_find(rsp->pdu.body, rsp->pdu.body_len,
				 MIH_TLV_STATUS, &t) == 1 && t.len == 1)
			st = t.value[0];
	}
	if (w->done)
		w->done(w->arg, rsp ? 0 : status, st, rsp ? rsp->raw : NULL,
			rsp ? rsp->len : 0);
	free(w);
}

int mihf_send_raw(struct mihf *m, const struct mihf_id *peer,
		  const uint8_t *pdu, size_t len, mihf_rsp_fn done, void *arg)
{
	struct sockaddr_storage ss;
	struct mih_builder b;
	struct mih_pdu p;
	struct mih_hdr h;
	struct raw *w;
	socklen_t sl;
	uint8_t *buf;
	size_t out;
	int err;

	if (!m->x)
		return -ENOTCONN;
	if (!peer || mih_pdu_parse(pdu, len, &p) < 0)
		return -EINVAL;
	if (p.hdr.opcode != MIH_OP_REQUEST &&
	    p.hdr.opcode != MIH_OP_INDICATION)
		return -EINVAL;
	err = mihf_peer_addr(m, peer, &ss, &sl);
	if (err)
		return err;
	buf = malloc(MIH_PDU_MAX);
	if (!buf)
		return -ENOMEM;
	h = p.hdr;
	h.ack_req = h.ack_rsp = false;
	mih_builder_init(&b, buf, MIH_PDU_MAX);
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, m->cfg.id.v, m->cfg.id.len, peer->v, peer->len);
	mih_build_bytes(&b, p.body, p.body_len);
	if (mih_build_finish(&b, &out)) {
		free(buf);
		return -EINVAL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		free(buf);
		return -ENOMEM;
	}
	w->m = m;
	w->peer = *peer;
	w->done = done;
	w->arg = arg;
	trace_pdu(m, MIHF_TX, peer->v, peer->len, buf, out, -1);
	if (p.hdr.opcode == MIH_OP_REQUEST)
		err = mihx_request(m->x, (struct sockaddr *)&ss, sl, buf, out,
				   0, m->cfg.txn_timeout_ms, raw_done, w,
				   NULL);
	else
		err = mihx_indicate(m->x, (struct sockaddr *)&ss, sl, buf, out,
				    MIHX_F_ACKREQ, raw_done, w, NULL);
	free(buf);
	if (err)
		free(w);
	return err;
}

/* ---- receive dispatch -------------------------------------------------- */

static void mihf_rx(void *arg, struct mihx_in *in)
{
	struct mihf *m = arg;
	const struct mih_hdr *h = &in->pdu.hdr;
	char who[ID_STR_LEN], name[MIHMSG_NAME_LEN];
	struct mih_msg msg;
	struct mih_msg_err e;
	uint16_t mid = mih_hdr_mid(h);

	trace_pdu(m, MIHF_RX, in->pdu.src_id, in->pdu.src_id_len, in->raw,
		  in->len, -1);
	mihf_learn_addr(m, in->pdu.src_id, in->pdu.src_id_len,
			(const struct sockaddr *)&in->peer, in->peer_len);
	if (mih_msg_parse(in->raw, in->len, &msg, &e)) {
		m->cnt.rx_malformed++;
		md_warn("mihf: malformed %s from %s: %s",
			mihmsg_name(mid, name, sizeof(name)),
			id_str(in->pdu.src_id, in->pdu.src_id_len, who,
			       sizeof(who)), e.text);
		if (h->opcode == MIH_OP_REQUEST && mihmsg_lookup(h->sid,
								 h->aid))
			mihf_respond_status(m, in,
					    MIH_STATUS_UNSPECIFIED_FAILURE);
		return;
	}
	if (msg.pure_ack)
		return;
	if (h->opcode == MIH_OP_INDICATION) {
		if (h->sid == MIH_SID_EVENT) {
			serve_indication(m, &msg);
			return;
		}
		if (h->sid == MIH_SID_COMMAND && mihf_ho_rx(m, in, &msg))
			return;
		m->cnt.rx_unexpected++;
		md_info("mihf: unexpected %s from %s dropped", msg.def->name,
			id_str(in->pdu.src_id, in->pdu.src_id_len, who,
			       sizeof(who)));
		return;
	}
	if (h->opcode != MIH_OP_REQUEST) {
		m->cnt.rx_unexpected++;
		return;
	}
	switch (mid) {
	case MIH_MID(MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
		     MIH_AID_CAPABILITY_DISCOVER):
		serve_cap_discover(m, in, &msg);
		return;
	case MIH_MID(MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST, MIH_AID_REGISTER):
		serve_register(m, in, &msg);
		return;
	case MIH_MID(MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
		     MIH_AID_DEREGISTER):
		serve_deregister(m, in, &msg);
		return;
	case MIH_MID(MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
		     MIH_AID_EVENT_SUBSCRIBE):
		serve_subscribe(m, in, &msg, false);
		return;
	case MIH_MID(MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
		     MIH_AID_EVENT_UNSUBSCRIBE):
		serve_subscribe(m, in, &msg, true);
		return;
	case MIH_MID(MIH_SID_INFO, MIH_OP_REQUEST, MIH_AID_GET_INFORMATION):
		serve_get_information(m, in, &msg);
		return;
	default:
		break;
	}
	if (h->sid == MIH_SID_COMMAND && mihf_ho_rx(m, in, &msg))
		return;
	/* a request we do not serve: a failure answer is due */
	m->cnt.rx_unexpected++;
	md_info("mihf: %s from %s not served", msg.def->name,
		id_str(in->pdu.src_id, in->pdu.src_id_len, who, sizeof(who)));
	mihf_respond_status(m, in, MIH_STATUS_REJECTED);
}

const struct mihx_ops mihf_mihx_ops = {
	.rx = mihf_rx,
};

/* ---- housekeeping ------------------------------------------------------ */

/* the link type of a peer's first announced link (TLV 9), else 802.11 */
static bool peer_caps_known(struct mihf *m, const struct mihf_id *id)
{
	struct mihf_peer *p = m->peers ? mihf_peers_find_id(m->peers, id->v,
							    id->len) : NULL;

	return p && p->caps.has_link_addrs;
}

static uint8_t peer_link_type(struct mihf *m, const struct mihf_id *id)
{
	struct mihf_peer *p = m->peers ? mihf_peers_find_id(m->peers, id->v,
							    id->len) : NULL;
	struct mih_net_type_addr a;
	struct mih_rd r;

	if (!p || !p->caps.has_link_addrs)
		return MIH_LT_802_11;
	mih_rd_init(&r, p->caps.link_addrs, p->caps.link_addrs_len);
	if (mih_get_list_count(&r, 1) < 1 || mih_get_net_type_addr(&r, &a) ||
	    !a.nt.has_link_type)
		return MIH_LT_802_11;
	return a.nt.link_type;
}

static void sweep_cb(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct mihf *m = arg;
	uint64_t now = md_now_ns();
	char who[ID_STR_LEN];
	size_t k;

	(void)loop;
	(void)t;
	if (m->mdisc_next_ns && m->mdisc_next_ns <= now) {
		/* IPv6 multicast discovery once the link-local addresses
		 * are usable */
		m->mdisc_next_ns = 0;
		if (discover_v6(m, NULL, NULL) && --m->mdisc_retries)
			m->mdisc_next_ns = now + MD_NSEC_PER_SEC;
	}
	for (k = 0; k < m->nregs;) {
		if (m->regs[k].expires_ns <= now) {
			md_info("mihf: registration of %s expired",
				id_str(m->regs[k].mmt.v, m->regs[k].mmt.len,
				       who, sizeof(who)));
			reg_end(m, &m->regs[k], true, "registration expired");
			continue;
		}
		k++;
	}
	if (m->reg_out.active && !m->reg_out.in_flight &&
	    m->reg_out.renew_ns && now >= m->reg_out.renew_ns) {
		struct pub *p = calloc(1, sizeof(*p));

		if (p) {
			p->m = m;
			m->reg_out.renew_ns = now + 2 * MD_NSEC_PER_SEC;
			if (send_register(m, p, m->reg_out.registered))
				free(p);
		}
	}
	if (m->reg_out.registered && now >= m->reg_out.expires_ns)
		m->reg_out.registered = false;
	/* MMT: keep a subscription to the serving PoS's link events */
	if (m->cfg.subscribe_serving && m->reg_out.registered &&
	    !m->autosub_in_flight && m->x && now >= m->autosub_next_ns) {
		bool have = false;

		for (k = 0; k < m->nsubs_out; k++)
			if (mihf_id_eq(&m->subs_out[k].peer, m->reg_out.pos.v,
				       m->reg_out.pos.len))
				have = true;
		if (have) {
			m->autosub_probes = 0;
		} else if (!peer_caps_known(m, &m->reg_out.pos) &&
			   m->autosub_probes < 3) {
			/* its link types come with its capabilities (e.g. a
			 * new PoS after a handover, not discovered yet): ask
			 * first, subscribe on a later sweep */
			m->autosub_probes++;
			m->autosub_next_ns = now + 2 * MD_NSEC_PER_SEC;
			mihf_discover(m, &m->reg_out.pos, NULL, NULL);
		} else {
			send_subscribe(m, &m->reg_out.pos,
				       peer_link_type(m, &m->reg_out.pos),
				       NULL, MIHF_EVT_SUPPORTED, false, NULL,
				       NULL, true, false);
		}
	}
	renewal_sweep(m, now);
	mihf_ho_tick(m, now);
}

/* ---- life cycle ------------------------------------------------------- */

struct mihf *mihf_new(struct md_loop *loop, const struct mihf_cfg *cfg,
		      struct mihx *x, struct mihf_peers *peers,
		      struct isdb *isdb)
{
	struct mihf *m;

	if (!loop || !cfg || !cfg->id.len || cfg->id.len > MIH_MIHF_ID_MAX ||
	    cfg->nlinks > LINKS_MAX || (cfg->nlinks && !cfg->links) ||
	    !cfg->roles || (cfg->roles & ~(MIHF_ROLE_MMT | MIHF_ROLE_POS |
					   MIHF_ROLE_IS))) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->loop = loop;
	m->created_ns = md_now_ns();
	m->cfg = *cfg;
	if (cfg->nlinks)
		memcpy(m->links, cfg->links,
		       cfg->nlinks * sizeof(*m->links));
	m->nlinks = cfg->nlinks;
	m->cfg.links = NULL;
	m->cfg.nlinks = 0;
	m->x = x;
	m->peers = peers;
	m->isdb = isdb;
	m->sweep = md_timer_add(loop, SWEEP_NS, SWEEP_NS, sweep_cb, m);
	if (!m->sweep) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

void mihf_set_transport(struct mihf *m, struct mihx *x)
{
	m->x = x;
}

int mihf_open(struct md_loop *loop, const struct mihf_cfg *cfg,
	      const struct mihx_cfg *xcfg, struct mihf_peers *peers,
	      struct isdb *isdb, struct mihf **out)
{
	struct mihx_cfg c;
	struct mihf *m;
	struct mihx *x;
	int err;

	*out = NULL;
	if (!xcfg)
		return -EINVAL;
	m = mihf_new(loop, cfg, NULL, peers, isdb);
	if (!m)
		return -errno;
	c = *xcfg;
	memcpy(c.id, cfg->id.v, cfg->id.len);
	c.id_len = cfg->id.len;
	err = mihx_new(loop, &c, &mihf_mihx_ops, m, &x);
	if (err) {
		mihf_free(m);
		return err;
	}
	m->x = x;
	m->own_x = true;
	*out = m;
	return 0;
}

struct dwalk {
	struct mihf_id *ids;
	size_t n, max;
};

static int dwalk_cb(struct mihf_peer *p, void *arg)
{
	struct dwalk *w = arg;

	if (p->id_len && (p->sources & MIHF_PEER_SRC_STATIC) && w->n < w->max)
		id_from(&w->ids[w->n++], p->id, p->id_len);
	return 0;
}

int mihf_start(struct mihf *m)
{
	const struct mihf_cfg *c = &m->cfg;
	int err = 0;

	if (!m->x)
		return -ENOTCONN;
	if (c->discover) {
		struct mihf_id ids[16];
		size_t n = 0, k;

		if (m->peers) {
			struct dwalk w = { .ids = ids, .max = 16 };

			mihf_peers_foreach(m->peers, dwalk_cb, &w);
			n = w.n;
		}
		if (c->serving_pos.len && n < 16)
			ids[n++] = c->serving_pos;
		if (c->is_server.len && n < 16)
			ids[n++] = c->is_server;
		for (k = 0; k < n; k++) {
			size_t j;

			for (j = 0; j < k; j++)
				if (mihf_id_eq(&ids[j], ids[k].v, ids[k].len))
					break;
			if (j == k)
				mihf_discover(m, &ids[k], NULL, NULL);
		}
		if (c->discover_multicast)
			mihf_discover(m, NULL, NULL, NULL);
	}
	if ((c->roles & MIHF_ROLE_MMT) && c->serving_pos.len) {
		err = mihf_register(m, &c->serving_pos, NULL, NULL);
		if (err)
			md_warn("mihf: cannot register with the serving PoS: "
				"%s", strerror(-err));
	}
	return 0;
}

void mihf_free(struct mihf *m)
{
	if (!m)
		return;
	m->freeing = true;
	/* the transport's cancellations reach us while we are whole */
	if (m->own_x)
		mihx_free(m->x);
	m->x = NULL;
	mihf_ho_free(m);
	if (m->sweep)
		md_timer_cancel(m->loop, m->sweep);
	free(m->regs);
	free(m->subs);
	free(m->subs_out);
	free(m);
}

/* ---- status ------------------------------------------------------------- */

static json_object *jid(const void *v, size_t len)
{
	char buf[ID_STR_LEN];

	return json_object_new_string(id_str(v, len, buf, sizeof(buf)));
}

static json_object *jmac(const uint8_t *mac)
{
	char buf[18];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	return json_object_new_string(buf);
}

json_object *mihf_status_json(struct mihf *m)
{
	json_object *o = json_object_new_object(), *a, *e, *c;
	struct linkev_link links[LINKS_MAX];
	uint64_t now = md_now_ns();
	char roles[32] = "";
	size_t k, n;

	if (!o)
		return NULL;
	json_object_object_add(o, "id", jid(m->cfg.id.v, m->cfg.id.len));
	snprintf(roles, sizeof(roles), "%s%s%s",
		 m->cfg.roles & MIHF_ROLE_MMT ? "mmt," : "",
		 m->cfg.roles & MIHF_ROLE_POS ? "pos," : "",
		 m->cfg.roles & MIHF_ROLE_IS ? "is," : "");
	if (*roles)
		roles[strlen(roles) - 1] = '\0';
	json_object_object_add(o, "roles", json_object_new_string(roles));
	a = json_object_new_array();
	for (k = 0; a && k < m->nregs; k++) {
		e = json_object_new_object();
		json_object_object_add(e, "mmt", jid(m->regs[k].mmt.v,
						     m->regs[k].mmt.len));
		json_object_object_add(e, "expires_in_s", json_object_new_int64(
			((int64_t)m->regs[k].expires_ns - (int64_t)now) /
			(int64_t)MD_NSEC_PER_SEC));
		json_object_object_add(e, "count",
				       json_object_new_int(
					       (int)m->regs[k].count));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "registrations", a);
	if (m->reg_out.pos.len) {
		e = json_object_new_object();
		json_object_object_add(e, "pos", jid(m->reg_out.pos.v,
						     m->reg_out.pos.len));
		json_object_object_add(e, "registered",
			json_object_new_boolean(m->reg_out.registered));
		json_object_object_add(e, "lifetime_s",
			json_object_new_int((int)m->reg_out.lifetime_s));
		json_object_object_add(o, "registered_with", e);
	} else {
		json_object_object_add(o, "registered_with", NULL);
	}
	a = json_object_new_array();
	for (k = 0; a && k < m->nsubs; k++) {
		struct sub *s = &m->subs[k];

		e = json_object_new_object();
		json_object_object_add(e, "peer", jid(s->peer.v, s->peer.len));
		json_object_object_add(e, "link_type",
				       json_object_new_int(s->link_type));
		json_object_object_add(e, "mac", s->any_mac ? NULL :
							      jmac(s->mac));
		json_object_object_add(e, "events",
				       json_object_new_int64(s->events));
		json_object_object_add(e, "sent",
				       json_object_new_int64((int64_t)s->sent));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "subscriptions", a);
	a = json_object_new_array();
	for (k = 0; a && k < m->nsubs_out; k++) {
		struct sub_out *s = &m->subs_out[k];

		e = json_object_new_object();
		json_object_object_add(e, "peer", jid(s->peer.v, s->peer.len));
		json_object_object_add(e, "link_type",
				       json_object_new_int(s->link_type));
		json_object_object_add(e, "events",
				       json_object_new_int64(s->events));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "subscribed", a);
	json_object_object_add(o, "resources", mihf_ho_status_json(m));
	a = json_object_new_array();
	n = mihf_our_links(m, links, LINKS_MAX);
	for (k = 0; a && k < n; k++) {
		e = json_object_new_object();
		json_object_object_add(e, "ifname",
				       json_object_new_string(links[k].ifname));
		json_object_object_add(e, "link_type",
				       json_object_new_int(links[k].link_type));
		json_object_object_add(e, "mac", links[k].has_mac ?
					jmac(links[k].mac) : NULL);
		json_object_object_add(e, "up",
				       json_object_new_boolean(links[k].up));
		json_object_object_add(e, "poa", links[k].has_poa ?
					jmac(links[k].poa) : NULL);
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "links", a);
	c = json_object_new_object();
#define CNT(f) json_object_object_add(c, #f, \
				      json_object_new_int64((int64_t)m->cnt.f))
	CNT(rx); CNT(tx); CNT(rx_malformed); CNT(rx_unexpected);
	CNT(rsp_failure); CNT(ind_tx); CNT(ind_rx); CNT(is_queries);
#undef CNT
	json_object_object_add(o, "counters", c);
	if (m->x) {
		struct mihx_stats st;

		mihx_get_stats(m->x, &st);
		c = json_object_new_object();
#define XS(f) json_object_object_add(c, #f, json_object_new_int64((int64_t)st.f))
		XS(tx); XS(rx); XS(rtx); XS(acks_tx); XS(acks_rx);
		XS(dup_cached); XS(dup_dropped); XS(timeouts); XS(malformed);
		XS(unmatched); XS(not_for_us); XS(send_errors);
		XS(tcp_tx); XS(tcp_rx); XS(tcp_conns);
		XS(txn_active);
#undef XS
		json_object_object_add(o, "transport", c);
	}
	return o;
}

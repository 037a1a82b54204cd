// SPDX-License-Identifier: GPL-2.0
/*
 * The handover call flows (handover.h).  Mobile-initiated: the MMT's run
 * and the PoS side (candidate query, commit, complete; resource table).
 * Network-initiated: the serving PoS's run (net_run) and the MMT side
 * (it answers the candidate query and switches on the commit).
 *
 * Message contents follow lib/mihmsgdef.c's (assumed, WIRE.md 9) schemas:
 *   Net_HO_Candidate_Query  req 31 [33]           rsp 3 34 [32]
 *   Net_HO_Commit           req 59 56             rsp 3 [40]
 *   MN_HO_Candidate_Query   req 31 [33]           rsp 3 32 [13]
 *   N2N_HO_Query_Resources  req 52 59 33 [63]     rsp 3 52 41 [57]
 *   MN_HO_Commit            req 59 55             rsp 3 [40]
 *   N2N_HO_Commit           req 52 59 55 [63]     rsp 3 52 [57]
 *   MN_HO_Complete          req 59 40             rsp 3 42
 *   N2N_HO_Complete         req 52 59 40          rsp 3 42
 * A PoA's PoS (MIHF ID and address) is found in the IS database the mihf
 * was given (PoA rows carry it), else in the peer table: the link address
 * lists (TLV 9) that PoSes announced in Capability_Discover responses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "lib/mih.h"
#include "lib/mihie.h"
#include "lib/mihmsgdef.h"
#include "lib/mihtype.h"
#include "mihf/handover.h"
#include "mihf/isdb.h"
#include "mihf/mihf.h"
#include "mihf/peers.h"
#include "mihf/transport.h"
#include "mihsecd/log.h"

#define PDU_SIZE	2048
#define CAND_MAX	32
#define TGT_MAX		8
#define N2N_TIMEOUT_MS	1000	/* N2N requests, unless cfg sets one */

enum res_state {
	RES_SERVING = 1,	/* the MMT is attached through us */
	RES_RESERVED,		/* reserved for an MMT coming to us */
};

struct res {
	struct mihf_id mmt;
	int state;
	uint8_t poa[6];
	bool has_poa;
	struct mihf_id peer;	/* RESERVED: the PoS that committed */
	uint64_t since_ns;
	uint64_t expires_ns;	/* 0: none */
};

struct cand {
	uint8_t link_type;
	uint8_t poa[6];
	char netid[64];
	bool preferred;
	bool in_poa;		/* being read from a PoA container */
	bool has_poa;		/* ... and its link address was in it */
	uint16_t pos_family;	/* IE_PoS_IP_ADDR (MIH_AF_*), 0: none */
	uint8_t pos_addr[16];
};

struct ho_run {
	struct mihf *m;
	struct mihf_ho_req req;
	mihf_ho_done_fn done;
	void *arg;
	enum mihf_ho_step step;
	uint64_t t_start, t_step;
	struct mihf_ho_result res;
	struct cand cand[CAND_MAX];
	size_t ncand;
	struct mihf_id serving;
	uint8_t cur_lt;
	uint8_t cur_mac[6];
	bool has_cur_poa;
	uint8_t cur_poa[6];
	int pending;		/* requests in flight */
	bool switching;		/* the hook has not answered */
	bool finished;		/* done was called */
	bool net;		/* network-initiated: the PoS committed us */
};

struct net_run;

struct mihf_ho_ctx {
	struct res *res;
	size_t nres;
	struct ho_run *run;
	struct net_run *net;	/* PoS: network-initiated runs */
	mihf_ho_switch_fn sw;
	void *sw_arg;
	mihf_ho_admit_fn admit;
	void *admit_arg;
	uint64_t released;	/* counters for the status */
	uint64_t reserved;
	uint64_t refused;
};

static const char *const step_names[] = {
	[MIHF_HO_IS_QUERY] = "is-query",
	[MIHF_HO_CANDIDATE_QUERY] = "candidate-query",
	[MIHF_HO_COMMIT] = "commit",
	[MIHF_HO_SWITCH] = "switch",
	[MIHF_HO_COMPLETE] = "complete",
	[MIHF_HO_QUERY_RESOURCES] = "query-resources",
};

const char *mihf_ho_step_name(enum mihf_ho_step s)
{
	return s < MIHF_HO_NSTEPS ? step_names[s] : "done";
}

static struct mihf_ho_ctx *ctx(struct mihf *m, bool create)
{
	struct mihf_ho_ctx **slot = mihf_ho_slot(m);

	if (!*slot && create)
		*slot = calloc(1, sizeof(**slot));
	return *slot;
}

static void id_from(struct mihf_id *id, const void *v, size_t len)
{
	if (len > MIH_MIHF_ID_MAX)
		len = MIH_MIHF_ID_MAX;
	memcpy(id->v, v, len);
	id->len = len;
}

static const char *id_txt(const struct mihf_id *id, char *buf, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < id->len && o + 5 < size; i++) {
		uint8_t c = id->v[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

#define ID_TXT	(4 * MIH_MIHF_ID_MAX + 1)

static void mac_txt(const uint8_t *mac, char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

void mihf_set_switch_hook(struct mihf *m, mihf_ho_switch_fn fn, void *arg)
{
	struct mihf_ho_ctx *c = ctx(m, true);

	if (c) {
		c->sw = fn;
		c->sw_arg = arg;
	}
}

void mihf_set_admission(struct mihf *m, mihf_ho_admit_fn fn, void *arg)
{
	struct mihf_ho_ctx *c = ctx(m, true);

	if (c) {
		c->admit = fn;
		c->admit_arg = arg;
	}
}

/* ---- the resource table (PoS) ----------------------------------------- */

static struct res *res_find(struct mihf_ho_ctx *c, const void *mmt,
			    size_t len, int state)
{
	size_t k;

	for (k = 0; c && k < c->nres; k++)
		if (mihf_id_eq(&c->res[k].mmt, mmt, len) &&
		    (!state || c->res[k].state == state))
			return &c->res[k];
	return NULL;
}

static struct res *res_add(struct mihf *m, struct mihf_ho_ctx *c,
			   const void *mmt, size_t len, int state)
{
	const struct mihf_cfg *cfg = mihf_get_cfg(m);
	size_t cap = cfg->ho_capacity ? cfg->ho_capacity : MIHF_HO_CAPACITY;
	struct res *r = res_find(c, mmt, len, state), *v;

	if (r)
		return r;
	/* the table is bounded: room for every admitted MMT and as many
	 * attached ones */
	if (c->nres >= 2 * cap + MIHF_TABLE_MAX)
		return NULL;
	v = realloc(c->res, (c->nres + 1) * sizeof(*v));
	if (!v)
		return NULL;
	c->res = v;
	r = &c->res[c->nres++];
	memset(r, 0, sizeof(*r));
	id_from(&r->mmt, mmt, len);
	r->state = state;
	r->since_ns = md_now_ns();
	return r;
}

static void res_del(struct mihf_ho_ctx *c, struct res *r)
{
	*r = c->res[--c->nres];
}

void mihf_ho_registered(struct mihf *m, const void *mmt, size_t len, bool up)
{
	struct mihf_ho_ctx *c = ctx(m, up);
	struct res *r;

	if (!c || !(mihf_roles(m) & MIHF_ROLE_POS))
		return;
	if (up) {
		r = res_add(m, c, mmt, len, RES_SERVING);
		if (r)
			r->expires_ns = 0;
	} else {
		r = res_find(c, mmt, len, RES_SERVING);
		if (r)
			res_del(c, r);
	}
}

static size_t res_held(struct mihf_ho_ctx *c)
{
	size_t k, n = 0;

	for (k = 0; k < c->nres; k++)
		n += c->res[k].state == RES_RESERVED;
	return n;
}

static bool admit(struct mihf *m, struct mihf_ho_ctx *c, const void *mmt,
		  size_t len, const uint8_t *poa)
{
	const struct mihf_cfg *cfg = mihf_get_cfg(m);
	size_t cap = cfg->ho_capacity ? cfg->ho_capacity : MIHF_HO_CAPACITY;

	if (c->admit)
		return c->admit(c->admit_arg, mmt, len, poa);
	/* an MMT we already hold resources for is admitted again */
	if (res_find(c, mmt, len, RES_RESERVED))
		return true;
	return res_held(c) < cap;
}

static void net_tick(struct mihf *m, uint64_t now);

void mihf_ho_tick(struct mihf *m, uint64_t now)
{
	struct mihf_ho_ctx *c = ctx(m, false);
	char who[ID_TXT];
	size_t k;

	for (k = 0; c && k < c->nres;) {
		struct res *r = &c->res[k];

		if (r->expires_ns && r->expires_ns <= now) {
			md_info("mihf: resources reserved for %s expired",
				id_txt(&r->mmt, who, sizeof(who)));
			res_del(c, r);
			continue;
		}
		k++;
	}
	net_tick(m, now);
}

/* ---- finding a PoA's PoS ----------------------------------------------- */

struct pos_walk {
	const uint8_t *mac;
	struct mihf_id id;
	uint8_t link_type;	/* as announced, 0 if not */
	bool found;
};

static int pos_walk_cb(struct mihf_peer *p, void *arg)
{
	struct pos_walk *w = arg;
	struct mih_rd r;
	uint32_t n, k;

	if (!p->id_len || !p->caps.has_link_addrs)
		return 0;
	mih_rd_init(&r, p->caps.link_addrs, p->caps.link_addrs_len);
	n = mih_get_list_count(&r, 1);
	for (k = 0; k < n && !r.err; k++) {
		struct mih_net_type_addr a;

		if (mih_get_net_type_addr(&r, &a))
			break;
		if (a.addr.kind == MIH_LA_MAC && !memcmp(a.addr.u.mac, w->mac, 6)) {
			id_from(&w->id, p->id, p->id_len);
			w->link_type = a.nt.has_link_type ? a.nt.link_type : 0;
			w->found = true;
			return 1;
		}
	}
	return 0;
}

/* is @mac one of our own links? */
static bool mac_ours(struct mihf *m, const uint8_t *mac)
{
	struct linkev_link l[2 * LINKEV_IF_MAX];
	size_t n = mihf_our_links(m, l, 2 * LINKEV_IF_MAX), k;

	for (k = 0; k < n; k++)
		if (l[k].has_mac && !memcmp(l[k].mac, mac, 6))
			return true;
	return false;
}

/* 0 and the PoS of PoA @mac (its address learned), or -ENOENT */
static int resolve_pos(struct mihf *m, const uint8_t *mac, struct mihf_id *id)
{
	struct isdb *db = mihf_isdb(m);
	struct mihf_peers *peers = mihf_peer_table(m);

	if (db) {
		struct isdb_poa poa;

		if (!isdb_find_poa_by_link_addr(db, mac, &poa, NULL) &&
		    poa.pos_mihf_id[0]) {
			if (mihf_id_set(id, poa.pos_mihf_id))
				return -ENOENT;
			if (poa.pos_addr.family == AF_INET) {
				struct sockaddr_in a = {
					.sin_family = AF_INET,
					.sin_port = htons(poa.pos_port ?
							  poa.pos_port :
							  MIH_PORT),
				};

				memcpy(&a.sin_addr, poa.pos_addr.addr, 4);
				mihf_learn_addr(m, id->v, id->len,
						(struct sockaddr *)&a,
						sizeof(a));
			} else if (poa.pos_addr.family == AF_INET6) {
				struct sockaddr_in6 a = {
					.sin6_family = AF_INET6,
					.sin6_port = htons(poa.pos_port ?
							   poa.pos_port :
							   MIH_PORT),
				};

				memcpy(&a.sin6_addr, poa.pos_addr.addr, 16);
				mihf_learn_addr(m, id->v, id->len,
						(struct sockaddr *)&a,
						sizeof(a));
			}
			return 0;
		}
	}
	if (peers) {
		struct pos_walk w = { .mac = mac };

		mihf_peers_foreach(peers, pos_walk_cb, &w);
		if (w.found) {
			*id = w.id;
			return 0;
		}
	}
	return -ENOENT;
}

static unsigned int n2n_timeout(struct mihf *m)
{
	const struct mihf_cfg *c = mihf_get_cfg(m);

	return c->txn_timeout_ms ? (c->txn_timeout_ms + 1) / 2 :
				   N2N_TIMEOUT_MS;
}

static void begin(struct mihf *m, struct mih_builder *b, uint8_t *buf,
		  size_t size, uint16_t aid, const struct mihf_id *dst)
{
	const struct mihf_id *self = mihf_self(m);

	mih_builder_init(b, buf, size);
	mih_msg_begin(b, MIH_MID(MIH_SID_COMMAND, MIH_OP_REQUEST, aid), 0, 0,
		      self->v, self->len, dst->v, dst->len);
}

static void begin_rsp(struct mihf *m, struct mih_builder *b, uint8_t *buf,
		      size_t size, const struct mihx_in *in)
{
	const struct mihf_id *self = mihf_self(m);

	mih_builder_init(b, buf, size);
	mih_msg_begin(b, MIH_MID(MIH_SID_COMMAND, MIH_OP_RESPONSE,
				 in->pdu.hdr.aid), in->pdu.hdr.tid, 0,
		      self->v, self->len, in->pdu.src_id, in->pdu.src_id_len);
}

static int finish_send_rsp(struct mihf *m, struct mihx_in *in,
			   struct mih_builder *b)
{
	size_t len;

	if (mih_msg_finish(b, &len)) {
		mihx_in_release(in);
		return -EINVAL;
	}
	return mihf_respond_pdu(m, in, b->buf, len);
}

/* TGT_NET_INFO is a CHOICE: here always the target PoA (not a network) */
static void tni_poa(struct mih_tgt_net_info *t, const uint8_t *mac)
{
	memset(t, 0, sizeof(*t));
	t->has_poa = true;
	t->poa.kind = MIH_LA_MAC;
	memcpy(t->poa.u.mac, mac, 6);
}

static void mac_link_id(struct mih_link_id *l, uint8_t lt, const uint8_t *mac)
{
	memset(l, 0, sizeof(*l));
	l->type = lt;
	l->addr.kind = MIH_LA_MAC;
	if (mac)
		memcpy(l->addr.u.mac, mac, 6);
}

/* ---- PoS: MN_HO_Candidate_Query -> N2N_HO_Query_Resources ------------- */

struct cq_tgt {
	struct mihf_id pos;
	uint8_t link_type;
	struct mih_link_id link;	/* the MMT's link of that type */
	uint8_t poa[MIH_POA_LIST_MAX][6];
	uint32_t npoa;
	int state;			/* 0 pending, 1 yes, 2 no, 3 error */
};

/* one round of N2N_HO_Query_Resources, for an MMT's candidate query (in)
 * or for a network-initiated run (net) */
struct cq {
	struct mihf *m;
	struct mihx_in *in;
	struct net_run *net;
	struct mihf_id mmt;
	struct mihf_id force_pos;	/* len 0: each PoA's own PoS */
	struct cq_tgt tgt[TGT_MAX];
	size_t ntgt;
	int pending;
	bool cancelled;
};

static void net_resources_done(struct net_run *n, struct cq *q);

struct cq_req {
	struct cq *q;
	size_t idx;
};

static void cq_answer(struct cq *q)
{
	struct mihf *m = q->m;
	struct mih_rq_result *rr;
	uint8_t buf[PDU_SIZE];
	struct mih_builder b;
	size_t k, n = 0;

	rr = calloc(TGT_MAX, sizeof(*rr));
	if (!rr) {
		mihx_in_release(q->in);
		return;
	}
	for (k = 0; k < q->ntgt; k++) {
		struct cq_tgt *t = &q->tgt[k];
		uint32_t j;

		if (t->state != 1)
			continue;
		rr[n].pref.link = t->link;
		rr[n].pref.n_poa = t->npoa;
		for (j = 0; j < t->npoa; j++) {
			rr[n].pref.poa[j].kind = MIH_LA_MAC;
			memcpy(rr[n].pref.poa[j].u.mac, t->poa[j], 6);
		}
		n++;
	}
	begin_rsp(m, &b, buf, sizeof(buf), q->in);
	mih_build_status(&b, n ? MIH_STATUS_SUCCESS : MIH_STATUS_REJECTED);
	mih_build_pref_link_list(&b, rr, n);
	finish_send_rsp(m, q->in, &b);
	free(rr);
}

static void cq_rsp(void *arg, int status, const struct mih_msg *rsp,
		   uint64_t rtt)
{
	struct cq_req *r = arg;
	struct cq *q = r->q;
	struct cq_tgt *t = &q->tgt[r->idx];
	char who[ID_TXT], mmt[ID_TXT];
	uint8_t st;
	bool ok = false;

	(void)rtt;
	free(r);
	q->pending--;
	if (status == -ECANCELED) {
		q->cancelled = true;
		if (!q->pending) {
			if (q->net)
				net_resources_done(q->net, q);
			free(q);
		}
		return;
	}
	if (!status && mih_msg_get_u8(rsp, MIH_TLV_STATUS, &st) == 1 &&
	    st == MIH_STATUS_SUCCESS &&
	    mih_msg_get_bool(rsp, MIH_TLV_RESOURCE_STATUS, &ok) == 1 && ok)
		t->state = 1;
	else
		t->state = status ? 3 : 2;
	md_info("mihf: target %s for %s: %s", id_txt(&t->pos, who, sizeof(who)),
		id_txt(&q->mmt, mmt, sizeof(mmt)),
		t->state == 1 ? "resources available" :
		t->state == 2 ? "no resources" :
		status == -ETIMEDOUT ? "timed out" : strerror(-status));
	if (q->pending)
		return;
	if (q->net)
		net_resources_done(q->net, q);
	else if (!q->cancelled)
		cq_answer(q);
	free(q);
}

/* group the PoAs of @lp by their PoS into q->tgt (ours and PoAs of no
 * known PoS are left out) */
static void cq_add(struct cq *q, const struct mih_link_poa_list *lp)
{
	const struct mihf_id *self = mihf_self(q->m);
	uint32_t j;

	for (j = 0; j < lp->n_poa; j++) {
		struct mihf_id pos;
		size_t t;

		if (lp->poa[j].kind != MIH_LA_MAC ||
		    mac_ours(q->m, lp->poa[j].u.mac))
			continue;
		if (q->force_pos.len)
			pos = q->force_pos;
		else if (resolve_pos(q->m, lp->poa[j].u.mac, &pos))
			continue;
		if (mihf_id_eq(&pos, self->v, self->len))
			continue;
		for (t = 0; t < q->ntgt; t++)
			if (mihf_id_eq(&q->tgt[t].pos, pos.v, pos.len) &&
			    q->tgt[t].link_type == lp->link.type)
				break;
		if (t == q->ntgt) {
			if (q->ntgt == TGT_MAX)
				continue;
			q->ntgt++;
			q->tgt[t].pos = pos;
			q->tgt[t].link_type = lp->link.type;
			q->tgt[t].link = lp->link;
		}
		if (q->tgt[t].npoa < MIH_POA_LIST_MAX)
			memcpy(q->tgt[t].poa[q->tgt[t].npoa++],
			       lp->poa[j].u.mac, 6);
	}
}

/* N2N_HO_Query_Resources to every target of @q: how many went out (no
 * callback comes for the others, marked state 3) */
static int cq_send(struct cq *q, const struct mih_qos_list *qos)
{
	struct mihf *m = q->m;
	int sent = 0;
	size_t k;

	for (k = 0; k < q->ntgt; k++) {
		struct cq_tgt *t = &q->tgt[k];
		uint8_t buf[PDU_SIZE];
		struct mih_builder b;
		struct cq_req *cr;
		size_t len;

		begin(m, &b, buf, sizeof(buf), MIH_AID_N2N_HO_QUERY_RESOURCES,
		      &t->pos);
		mih_build_mihf_id(&b, MIH_TLV_MN_MIHF_ID, q->mmt.v, q->mmt.len);
		mih_build_link_id(&b, MIH_TLV_MN_LINK_ID, &t->link);
		mih_build_qos_list(&b, qos);
		cr = calloc(1, sizeof(*cr));
		if (!cr || mih_msg_finish(&b, &len)) {
			free(cr);
			t->state = 3;
			continue;
		}
		cr->q = q;
		cr->idx = k;
		q->pending++;
		if (mihf_req_pdu(m, &t->pos, NULL, 0, buf, len, 0,
				 n2n_timeout(m), cq_rsp, cr)) {
			q->pending--;
			free(cr);
			t->state = 3;
			continue;
		}
		sent++;
	}
	return sent;
}

static void serve_candidate_query(struct mihf *m, struct mihx_in *in,
				  const struct mih_msg *msg)
{
	struct mih_qos_list *qos;
	struct mih_rd r;
	uint32_t n = 0, k;
	struct cq *q;

	if (!(mihf_roles(m) & MIHF_ROLE_POS) ||
	    mih_msg_get_list(msg, MIH_TLV_LINK_POA_LIST_LIST, &r, &n) != 1) {
		struct mih_builder b;
		uint8_t buf[PDU_SIZE];

		begin_rsp(m, &b, buf, sizeof(buf), in);
		mih_build_status(&b, MIH_STATUS_REJECTED);
		mih_build_pref_link_list(&b, NULL, 0);
		finish_send_rsp(m, in, &b);
		return;
	}
	q = calloc(1, sizeof(*q));
	qos = calloc(1, sizeof(*qos));
	if (!q || !qos) {
		free(q);
		free(qos);
		mihf_respond_status(m, in, MIH_STATUS_UNSPECIFIED_FAILURE);
		return;
	}
	q->m = m;
	q->in = in;
	id_from(&q->mmt, msg->pdu.src_id, msg->pdu.src_id_len);
	mih_msg_get_value(msg, MIH_TLV_HO_RESOURCE_QUERY_LIST,
			  (mih_get_fn)mih_get_qos_list, qos);
	/* group the candidate PoAs by their PoS */
	for (k = 0; k < n && !r.err; k++) {
		struct mih_link_poa_list lp;

		if (mih_get_link_poa_list(&r, &lp))
			break;
		cq_add(q, &lp);
	}
	mihx_in_hold(in);
	k = (uint32_t)cq_send(q, qos);
	free(qos);
	if (!k) {
		md_info("mihf: candidate query: no reachable target PoS");
		cq_answer(q);
		free(q);
	}
}

/* target: N2N_HO_Query_Resources */
static void serve_query_resources(struct mihf *m, struct mihx_in *in,
				  const struct mih_msg *msg)
{
	struct mihf_ho_ctx *c = ctx(m, true);
	struct mih_ostr mmt = { 0 };
	uint8_t buf[PDU_SIZE];
	struct mih_builder b;
	bool ok;

	mih_msg_get_mihf_id(msg, MIH_TLV_MN_MIHF_ID, &mmt);
	ok = c && (mihf_roles(m) & MIHF_ROLE_POS) && mmt.len &&
	     admit(m, c, mmt.p, mmt.len, NULL);
	if (c && !ok)
		c->refused++;
	begin_rsp(m, &b, buf, sizeof(buf), in);
	mih_build_status(&b, (mihf_roles(m) & MIHF_ROLE_POS) ?
			 MIH_STATUS_SUCCESS : MIH_STATUS_REJECTED);
	mih_build_mihf_id(&b, MIH_TLV_MN_MIHF_ID, mmt.p, mmt.len);
	mih_build_bool(&b, MIH_TLV_RESOURCE_STATUS, ok);
	finish_send_rsp(m, in, &b);
}

/* ---- PoS: MN_HO_Commit -> N2N_HO_Commit -------------------------------- */

struct cm {
	struct mihf *m;
	struct mihx_in *in;
	struct mihf_id mmt;
	struct mihf_id target;
};

static void cm_answer(struct cm *q, uint8_t st, uint8_t result)
{
	uint8_t buf[PDU_SIZE];
	struct mih_builder b;

	begin_rsp(q->m, &b, buf, sizeof(buf), q->in);
	mih_build_status(&b, st);
	mih_build_u8(&b, MIH_TLV_HO_RESULT, result);
	finish_send_rsp(q->m, q->in, &b);
}

static void cm_rsp(void *arg, int status, const struct mih_msg *rsp,
		   uint64_t rtt)
{
	struct cm *q = arg;
	struct mihf_ho_ctx *c = ctx(q->m, false);
	char who[ID_TXT], tgt[ID_TXT];
	uint8_t st = 0xff;
	struct res *r;

	(void)rtt;
	if (status == -ECANCELED) {
		free(q);
		return;
	}
	if (!status)
		mih_msg_get_u8(rsp, MIH_TLV_STATUS, &st);
	if (!status && st == MIH_STATUS_SUCCESS) {
		r = res_find(c, q->mmt.v, q->mmt.len, RES_SERVING);
		if (r)
			r->peer = q->target;	/* where it is going */
		md_info("mihf: %s committed to %s", id_txt(&q->mmt, who,
							    sizeof(who)),
			id_txt(&q->target, tgt, sizeof(tgt)));
		cm_answer(q, MIH_STATUS_SUCCESS, MIH_HO_RESULT_SUCCESS);
	} else if (status) {
		cm_answer(q, MIH_STATUS_NETWORK_ERROR, MIH_HO_RESULT_FAILURE);
	} else {
		cm_answer(q, MIH_STATUS_REJECTED, MIH_HO_RESULT_REJECTED);
	}
	free(q);
}

static void serve_mn_commit(struct mihf *m, struct mihx_in *in,
			    const struct mih_msg *msg)
{
	struct mih_tgt_net_info tni;
	struct mih_link_id mn_link;
	uint8_t buf[PDU_SIZE];
	struct mih_builder b;
	struct cm *q;
	size_t len;

	q = calloc(1, sizeof(*q));
	if (!q) {
		mihf_respond_status(m, in, MIH_STATUS_UNSPECIFIED_FAILURE);
		return;
	}
	q->m = m;
	q->in = in;
	id_from(&q->mmt, msg->pdu.src_id, msg->pdu.src_id_len);
	if (!(mihf_roles(m) & MIHF_ROLE_POS) ||
	    mih_msg_get_value(msg, MIH_TLV_TGT_NET_INFO,
			      (mih_get_fn)mih_get_tgt_net_info, &tni) != 1 ||
	    mih_msg_get_value(msg, MIH_TLV_MN_LINK_ID,
			      (mih_get_fn)mih_get_link_id, &mn_link) != 1 ||
	    !tni.has_poa || tni.poa.kind != MIH_LA_MAC ||
	    resolve_pos(m, tni.poa.u.mac, &q->target)) {
		cm_answer(q, MIH_STATUS_REJECTED, MIH_HO_RESULT_REJECTED);
		free(q);
		return;
	}
	begin(m, &b, buf, sizeof(buf), MIH_AID_N2N_HO_COMMIT, &q->target);
	mih_build_mihf_id(&b, MIH_TLV_MN_MIHF_ID, q->mmt.v, q->mmt.len);
	mih_build_link_id(&b, MIH_TLV_MN_LINK_ID, &mn_link);
	mih_build_tgt_net_info(&b, &tni);
	mihx_in_hold(in);
	if (mih_msg_finish(&b, &len) ||
	    mihf_req_pdu(m, &q->target, NULL, 0, buf, len, 0, n2n_timeout(m),
			 cm_rsp, q)) {
		cm_answer(q, MIH_STATUS_NETWORK_ERROR, MIH_HO_RESULT_FAILURE);
		free(q);
	}
}

/* target: N2N_HO_Commit: reserve */
static void serve_n2n_commit(struct mihf *m, struct mihx_in *in,
			     const struct mih_msg *msg)
{
	struct mihf_ho_ctx *c = ctx(m, true);
	const struct mihf_cfg *cfg = mihf_get_cfg(m);
	struct mih_ostr mmt = { 0 };
	struct mih_tgt_net_info tni;
	uint8_t buf[PDU_SIZE];
	struct mih_builder b;
	const uint8_t *poa = NULL;
	struct res *r = NULL;
	char who[ID_TXT];
	struct mihf_id id;

	memset(&tni, 0, sizeof(tni));
	mih_msg_get_mihf_id(msg, MIH_TLV_MN_MIHF_ID, &mmt);
	mih_msg_get_value(msg, MIH_TLV_TGT_NET_INFO,
			  (mih_get_fn)mih_get_tgt_net_info, &tni);
	if (tni.has_poa && tni.poa.kind == MIH_LA_MAC)
		poa = tni.poa.u.mac;
	if (c && (mihf_roles(m) & MIHF_ROLE_POS) && mmt.len &&
	    admit(m, c, mmt.p, mmt.len, poa))
		r = res_add(m, c, mmt.p, mmt.len, RES_RESERVED);
	if (r) {
		id_from(&r->peer, msg->pdu.src_id, msg->pdu.src_id_len);
		if (poa) {
			memcpy(r->poa, poa, 6);
			r->has_poa = true;
		}
		r->expires_ns = md_now_ns() +
			(cfg->ho_resource_s ? cfg->ho_resource_s :
					      MIHF_HO_RESOURCE_S) *
			MD_NSEC_PER_SEC;
		c->reserved++;
		id_from(&id, mmt.p, mmt.len);
		md_info("mihf: resources reserved for %s",
			id_txt(&id, who, sizeof(who)));
	} else if (c) {
		c->refused++;
	}
	begin_rsp(m, &b, buf, sizeof(buf), in);
	mih_build_status(&b, r ? MIH_STATUS_SUCCESS : MIH_STATUS_REJECTED);
	mih_build_mihf_id(&b, MIH_TLV_MN_MIHF_ID, mmt.p, mmt.len);
	finish_send_rsp(m, in, &b);
}

/* ---- target: MN_HO_Complete -> N2N_HO_Complete to the old PoS ---------- */

struct cpl {
	struct mihf *m;
	struct mihx_in *in;
	struct mihf_id mmt;
};

static void cpl_answer(struct cpl *q, uint8_t st, bool retained)
{
	uint8_t buf[PDU_SIZE];
	struct mih_builder b;

	begin_rsp(q->m, &b, buf, sizeof(buf), q->in);
	mih_build_status(&b, st);
	mih_build_bool(&b, MIH_TLV_RESOURCE_RETENTION, retained);
	finish_send_rsp(q->m, q->in, &b);
}

static void cpl_rsp(void *arg, int status, const struct mih_msg *rsp,
		    uint64_t rtt)
{
	struct cpl *q = arg;
	uint8_t st = 0xff;
	bool retained = true;

	(void)rtt;
	if (status == -ECANCELED) {
		free(q);
		return;
	}
	if (!status) {
		mih_msg_get_u8(rsp, MIH_TLV_STATUS, &st);
		mih_msg_get_bool(rsp, MIH_TLV_RESOURCE_RETENTION, &retained);
	}
	if (status || st != MIH_STATUS_SUCCESS)
		md_warn("mihf: the previous PoS did not confirm the release "
			"(%s)", status ? strerror(-status) : "refused");
	/* the MMT is with us either way; what the old PoS still holds
	 * expires there */
	cpl_answer(q, MIH_STATUS_SUCCESS, status ? true : retained);
	free(q);
}

static void serve_mn_complete(struct mihf *m, struct mihx_in *in,
			      const struct mih_msg *msg)
{
	struct mihf_ho_ctx *c = ctx(m, false);
	struct mih_link_id mn_link;
	uint8_t buf[PDU_SIZE], result = 0xff;
	struct mih_builder b;
	struct res *r;
	struct cpl *q;
	size_t len;

	q = calloc(1, sizeof(*q));
	if (!q) {
		mihf_respond_status(m, in, MIH_STATUS_UNSPECIFIED_FAILURE);
		return;
	}
	q->m = m;
	q->in = in;
	id_from(&q->mmt, msg->pdu.src_id, msg->pdu.src_id_len);
	mih_msg_get_u8(msg, MIH_TLV_HO_RESULT, &result);
	r = res_find(c, q->mmt.v, q->mmt.len, RES_RESERVED);
	if (!(mihf_roles(m) & MIHF_ROLE_POS) || !r ||
	    mih_msg_get_value(msg, MIH_TLV_MN_LINK_ID,
			      (mih_get_fn)mih_get_link_id, &mn_link) != 1) {
		cpl_answer(q, MIH_STATUS_REJECTED, false);
		free(q);
		return;
	}
	if (mih_ho_result_norm(result) != MIH_HO_RESULT_SUCCESS) {
		/* the MMT did not come: release the reservation */
		res_del(c, r);
		cpl_answer(q, MIH_STATUS_SUCCESS, false);
		free(q);
		return;
	}
	/* the reservation is in use now; the MMT is attached through us */
	{
		struct mihf_id old = r->peer;
		struct res *s;

		res_del(c, r);
		s = res_add(m, c, q->mmt.v, q->mmt.len, RES_SERVING);
		if (s)
			s->expires_ns = 0;
		begin(m, &b, buf, sizeof(buf), MIH_AID_N2N_HO_COMPLETE, &old);
		mih_build_mihf_id(&b, MIH_TLV_MN_MIHF_ID, q->mmt.v, q->mmt.len);
		mih_build_link_id(&b, MIH_TLV_MN_LINK_ID, &mn_link);
		mih_build_u8(&b, MIH_TLV_HO_RESULT, MIH_HO_RESULT_SUCCESS);
		mihx_in_hold(in);
		if (!old.len || mih_msg_finish(&b, &len) ||
		    mihf_req_pdu(m, &old, NULL, 0, buf, len, 0,
				 n2n_timeout(m), cpl_rsp, q)) {
			cpl_answer(q, MIH_STATUS_SUCCESS, true);
			free(q);
		}
	}
}

static void net_completed(struct mihf *m, const struct mihf_id *mmt,
			  const struct mihf_id *from);

/* old serving PoS: N2N_HO_Complete: release */
static void serve_n2n_complete(struct mihf *m, struct mihx_in *in,
			       const struct mih_msg *msg)
{
	struct mihf_ho_ctx *c = ctx(m, false);
	struct mih_ostr mmt = { 0 };
	uint8_t buf[PDU_SIZE];
	struct mih_builder b;
	char who[ID_TXT];
	struct mihf_id id, from;
	struct res *r;
	bool released = false;

	mih_msg_get_mihf_id(msg, MIH_TLV_MN_MIHF_ID, &mmt);
	id_from(&id, mmt.p, mmt.len);
	r = mmt.len ? res_find(c, mmt.p, mmt.len, RES_SERVING) : NULL;
	if (r && (mihf_roles(m) & MIHF_ROLE_POS)) {
		res_del(c, r);
		c->released++;
		released = true;
		/* it registers with its new PoS */
		mihf_drop_registration(m, mmt.p, mmt.len);
		md_info("mihf: %s completed its handover elsewhere: "
			"resources released", id_txt(&id, who, sizeof(who)));
		id_from(&from, msg->pdu.src_id, msg->pdu.src_id_len);
		net_completed(m, &id, &from);
	}
	begin_rsp(m, &b, buf, sizeof(buf), in);
	mih_build_status(&b, released ? MIH_STATUS_SUCCESS :
					MIH_STATUS_REJECTED);
	mih_build_bool(&b, MIH_TLV_RESOURCE_RETENTION, false);
	finish_send_rsp(m, in, &b);
}

static void serve_net_candidate_query(struct mihf *m, struct mihx_in *in,
				      const struct mih_msg *msg);
static void serve_net_commit(struct mihf *m, struct mihx_in *in,
			     const struct mih_msg *msg);

bool mihf_ho_rx(struct mihf *m, struct mihx_in *in, const struct mih_msg *msg)
{
	if (msg->pdu.hdr.opcode != MIH_OP_REQUEST)
		return false;
	switch (msg->pdu.hdr.aid) {
	case MIH_AID_NET_HO_CANDIDATE_QUERY:
		serve_net_candidate_query(m, in, msg);
		return true;
	case MIH_AID_NET_HO_COMMIT:
		serve_net_commit(m, in, msg);
		return true;
	case MIH_AID_MN_HO_CANDIDATE_QUERY:
		serve_candidate_query(m, in, msg);
		return true;
	case MIH_AID_N2N_HO_QUERY_RESOURCES:
		serve_query_resources(m, in, msg);
		return true;
	case MIH_AID_MN_HO_COMMIT:
		serve_mn_commit(m, in, msg);
		return true;
	case MIH_AID_N2N_HO_COMMIT:
		serve_n2n_commit(m, in, msg);
		return true;
	case MIH_AID_MN_HO_COMPLETE:
		serve_mn_complete(m, in, msg);
		return true;
	case MIH_AID_N2N_HO_COMPLETE:
		serve_n2n_complete(m, in, msg);
		return true;
	default:
		return false;
	}
}

/* ---- the MMT's run ------------------------------------------------------ */

static void run_free_maybe(struct ho_run *h)
{
	struct mihf_ho_ctx *c;

	if (!h->finished || h->pending || h->switching)
		return;
	c = ctx(h->m, false);
	if (c && c->run == h)
		c->run = NULL;
	free(h);
}

static void run_end(struct ho_run *h, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* the result of a run (either kind) that ends now at @step */
static void result_end(struct mihf_ho_result *res, enum mihf_ho_step step,
		       uint64_t t_start, uint64_t t_step, int status,
		       const char *fmt, va_list ap)
{
	uint64_t now = md_now_ns();
	char who[ID_TXT];

	if (step < MIHF_HO_NSTEPS && !res->step_ns[step])
		res->step_ns[step] = now - t_step;
	res->total_ns = now - t_start;
	res->status = status;
	res->step = status ? step : MIHF_HO_NSTEPS;
	if (fmt)
		vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	if (res->network)
		id_txt(&res->mmt, who, sizeof(who));
	if (status)
		md_warn("mihf: %s%shandover failed at %s: %s",
			res->network ? who : "", res->network ?
			"'s network-initiated " : "",
			mihf_ho_step_name(step), res->reason);
	else
		md_notice("mihf: %s%shandover complete in %.1f ms",
			  res->network ? who : "", res->network ?
			  "'s network-initiated " : "",
			  (double)res->total_ns / 1e6);
}

/* the step a run (either kind) is at ends: its latency; @s starts */
static void step_to(struct mihf_ho_result *res, enum mihf_ho_step *step,
		    uint64_t *t_step, enum mihf_ho_step s)
{
	uint64_t now = md_now_ns();

	res->step_ns[*step] = now - *t_step;
	if (!res->step_ns[*step])
		res->step_ns[*step] = 1;
	*step = s;
	*t_step = now;
}

static void run_end(struct ho_run *h, int status, const char *fmt, ...)
{
	struct mihf_ho_ctx *c = ctx(h->m, false);
	va_list ap;

	if (h->finished)
		return;
	h->finished = true;
	if (c && c->run == h)
		c->run = NULL;		/* a new handover may start now */
	va_start(ap, fmt);
	result_end(&h->res, h->step, h->t_start, h->t_step, status, fmt, ap);
	va_end(ap);
	/* no callbacks into the user while the mihf is being freed */
	if (h->done && !mihf_freeing(h->m))
		h->done(h->arg, &h->res);
	run_free_maybe(h);
}

static void next_step(struct ho_run *h, enum mihf_ho_step s)
{
	step_to(&h->res, &h->step, &h->t_step, s);
}

static const char *err_txt(int status)
{
	return status == -ETIMEDOUT ? "no answer (timed out)" :
	       status == -EPROTO ? "malformed response" :
	       status == -EHOSTUNREACH ? "no address known" : strerror(-status);
}

static void do_candidate_query(struct ho_run *h);
static int set_target(struct ho_run *h, const struct cand *c);
static void do_commit(struct ho_run *h);
static void do_switch(struct ho_run *h);
static void do_complete(struct ho_run *h);

static uint32_t nti_bit(uint8_t lt)
{
	int b = isdb_net_type_bit(lt);

	return b < 0 ? 0 : 1u << b;
}

/* IS response -> candidate PoAs */
static void walk_ies(struct ho_run *h, struct mih_ie_iter *it,
		     struct cand *net, unsigned int depth)
{
	struct mih_ie ie;

	while (mih_ie_next_raw(it, &ie) == 1) {
		struct mih_ie_val v;
		struct mih_rd vr;

		if (ie.type == MIH_IE_CONTAINER_NETWORK &&
		    depth < MIH_IE_DEPTH_MAX) {
			struct mih_ie_iter sub;
			struct mih_rd r2 = *it->r;
			struct cand n = { 0 };

			if (!mih_ie_iter_container(&sub, &r2, &ie))
				walk_ies(h, &sub, &n, depth + 1);
			continue;
		}
		if (ie.type == MIH_IE_CONTAINER_POA && net && !net->in_poa &&
		    depth < MIH_IE_DEPTH_MAX) {
			/* one candidate per PoA container: its link address
			 * and the address of its PoS, in any order */
			struct mih_ie_iter sub;
			struct mih_rd r2 = *it->r;
			struct cand poa = *net;

			poa.in_poa = true;
			poa.has_poa = false;
			poa.pos_family = 0;
			if (!mih_ie_iter_container(&sub, &r2, &ie))
				walk_ies(h, &sub, &poa, depth + 1);
			if (poa.has_poa && h->ncand < CAND_MAX) {
				poa.in_poa = false;
				h->cand[h->ncand++] = poa;
			}
			continue;
		}
		if (mih_ie_is_container(ie.type) && depth < MIH_IE_DEPTH_MAX) {
			struct mih_ie_iter sub;
			struct mih_rd r2 = *it->r;

			if (!mih_ie_iter_container(&sub, &r2, &ie))
				walk_ies(h, &sub, net, depth + 1);
			continue;
		}
		mih_rd_init(&vr, ie.value, ie.len);
		if (!net || mih_ie_value_decode(ie.type, ie.value, ie.len, &v,
						&vr))
			continue;
		switch (ie.type) {
		case MIH_IE_NETWORK_TYPE:
			if (v.u.network_type.has_link_type)
				net->link_type = v.u.network_type.link_type;
			break;
		case MIH_IE_NETWORK_ID: {
			size_t n = v.u.str.len < sizeof(net->netid) - 1 ?
				   v.u.str.len : sizeof(net->netid) - 1;

			memcpy(net->netid, v.u.str.p, n);
			net->netid[n] = '\0';
			break;
		}
		case MIH_IE_POA_LINK_ADDR:
			if (v.u.link_addr.kind != MIH_LA_MAC)
				break;
			if (net->in_poa) {
				memcpy(net->poa, v.u.link_addr.u.mac, 6);
				net->has_poa = true;
				break;
			}
			if (h->ncand >= CAND_MAX)
				break;
			h->cand[h->ncand] = *net;
			memcpy(h->cand[h->ncand].poa, v.u.link_addr.u.mac, 6);
			h->ncand++;
			break;
		case MIH_IE_POS_IP_ADDR:
			if (!net->in_poa ||
			    (v.u.ip_addr.family != MIH_AF_IPV4 &&
			     v.u.ip_addr.family != MIH_AF_IPV6))
				break;
			net->pos_family = v.u.ip_addr.family;
			memcpy(net->pos_addr, v.u.ip_addr.a, 16);
			break;
		default:
			break;
		}
	}
}

static bool cand_wanted(struct ho_run *h, const struct cand *c)
{
	if (h->has_cur_poa && !memcmp(c->poa, h->cur_poa, 6))
		return false;
	if (h->req.link_type && c->link_type != h->req.link_type)
		return false;
	if (h->req.network_id[0] && strcmp(c->netid, h->req.network_id))
		return false;
	if (h->req.has_target_poa && memcmp(c->poa, h->req.target_poa, 6))
		return false;
	return true;
}

static void is_rsp(void *arg, int status, const struct mih_msg *rsp,
		   uint64_t rtt)
{
	struct ho_run *h = arg;
	const struct mih_tlv *t;
	struct mih_rd r;
	uint32_t n, k;
	size_t i, j;
	uint8_t st = 0xff;

	(void)rtt;
	h->pending--;
	if (h->finished) {
		run_free_maybe(h);
		return;
	}
	if (status) {
		run_end(h, status, "IS server: %s", err_txt(status));
		return;
	}
	mih_msg_get_u8(rsp, MIH_TLV_STATUS, &st);
	if (st != MIH_STATUS_SUCCESS) {
		h->res.mih_status = st;
		run_end(h, -ECONNREFUSED, "IS server refused the query "
			"(status %s)", mih_status_name(st));
		return;
	}
	t = mih_msg_tlv(rsp, MIH_TLV_IR_BIN_DATA_LIST);
	if (t) {
		mih_rd_init(&r, t->value, t->len);
		n = mih_get_len(&r);
		for (k = 0; k < n && !r.err; k++) {
			struct mih_ie_iter it;

			if (mih_ie_iter_list(&it, &r))
				break;
			walk_ies(h, &it, NULL, 0);
		}
	}
	h->res.ncandidates = h->ncand;
	/* keep the wanted ones */
	for (i = j = 0; i < h->ncand; i++)
		if (cand_wanted(h, &h->cand[i]))
			h->cand[j++] = h->cand[i];
	h->ncand = j;
	if (!h->ncand) {
		run_end(h, -ENOENT, "the IS server reported no candidate PoA "
			"(%zu PoAs, none wanted)", h->res.ncandidates);
		return;
	}
	if (h->net) {
		/* the PoS committed us to this PoA: we only needed its PoS */
		next_step(h, MIHF_HO_SWITCH);
		if (!set_target(h, &h->cand[0]))
			do_switch(h);
		return;
	}
	next_step(h, MIHF_HO_CANDIDATE_QUERY);
	do_candidate_query(h);
}

static int start_is_query(struct ho_run *h)
{
	struct mihf_is_query q = { 0 };
	static const uint32_t ies[] = {
		MIH_IE_NETWORK_TYPE, MIH_IE_NETWORK_ID, MIH_IE_POA_LINK_ADDR,
		MIH_IE_POA_IP_ADDR, MIH_IE_POS_IP_ADDR,
	};
	int err;

	q.is = &h->req.is_server;
	q.net_types = h->req.link_type ? nti_bit(h->req.link_type) : 0;
	q.network_id = h->req.network_id[0] ? h->req.network_id : NULL;
	q.ie_types = ies;
	q.n_ie_types = sizeof(ies) / sizeof(ies[0]);
	h->pending++;
	err = mihf_is_query_msg(h->m, &q, is_rsp, h);
	if (err)
		h->pending--;
	return err;
}

/* the MMT's link of type @lt with its MAC: true; else (no such link) the
 * type with a zero address */
static bool our_link(struct mihf *m, uint8_t lt, struct mih_link_id *l)
{
	struct linkev_link ls[2 * LINKEV_IF_MAX];
	size_t n = mihf_our_links(m, ls, 2 * LINKEV_IF_MAX), k;

	for (k = 0; k < n; k++) {
		if (ls[k].link_type == lt && ls[k].has_mac) {
			mac_link_id(l, lt, ls[k].mac);
			return true;
		}
	}
	mac_link_id(l, lt, NULL);
	return false;
}

static void cq_done(void *arg, int status, const struct mih_msg *rsp,
		    uint64_t rtt)
{
	struct ho_run *h = arg;
	struct mih_rd r;
	uint32_t n = 0, k, j;
	size_t i;
	uint8_t st = 0xff;
	char who[ID_TXT];
	bool chosen = false;

	(void)rtt;
	h->pending--;
	if (h->finished) {
		run_free_maybe(h);
		return;
	}
	if (status) {
		run_end(h, status, "serving PoS %s: %s",
			id_txt(&h->serving, who, sizeof(who)),
			err_txt(status));
		return;
	}
	mih_msg_get_u8(rsp, MIH_TLV_STATUS, &st);
	if (st != MIH_STATUS_SUCCESS) {
		h->res.mih_status = st;
		run_end(h, -ECONNREFUSED, "serving PoS %s found no target with "
			"resources for %zu candidate PoA(s) (status %s)",
			id_txt(&h->serving, who, sizeof(who)), h->ncand,
			mih_status_name(st));
		return;
	}
	/* the first preferred PoA that is one of our candidates */
	if (mih_msg_get_list(rsp, MIH_TLV_PREF_LINK_LIST, &r, &n) == 1) {
		for (k = 0; k < n && !r.err && !chosen; k++) {
			struct mih_rq_result rr;

			if (mih_get_rq_result(&r, &rr))
				break;
			for (j = 0; j < rr.pref.n_poa && !chosen; j++) {
				if (rr.pref.poa[j].kind != MIH_LA_MAC)
					continue;
				for (i = 0; i < h->ncand; i++) {
					if (memcmp(h->cand[i].poa,
						   rr.pref.poa[j].u.mac, 6))
						continue;
					h->cand[i].preferred = true;
					if (!chosen) {
						struct cand t = h->cand[i];

						h->cand[i] = h->cand[0];
						h->cand[0] = t;
						chosen = true;
					}
					break;
				}
			}
		}
	}
	if (!chosen) {
		run_end(h, -ENOENT, "serving PoS %s preferred none of our %zu "
			"candidate PoA(s)",
			id_txt(&h->serving, who, sizeof(who)), h->ncand);
		return;
	}
	next_step(h, MIHF_HO_COMMIT);
	do_commit(h);
}

static void do_candidate_query(struct ho_run *h)
{
	struct mih_link_poa_list *lp;
	uint8_t buf[PDU_SIZE];
	struct mih_builder b;
	size_t n = 0, i, k, len;
	int err;

	lp = calloc(CAND_MAX, sizeof(*lp));
	if (!lp) {
		run_end(h, -ENOMEM, "out of memory");
		return;
	}
	for (i = 0; i < h->ncand; i++) {
		for (k = 0; k < n; k++)
			if (lp[k].link.type == h->cand[i].link_type &&
			    lp[k].n_poa < MIH_POA_LIST_MAX)
				break;
		if (k == n) {
			our_link(h->m, h->cand[i].link_type, &lp[n].link);
			n++;
		}
		lp[k].poa[lp[k].n_poa].kind = MIH_LA_MAC;
		memcpy(lp[k].poa[lp[k].n_poa].u.mac, h->cand[i].poa, 6);
		lp[k].n_poa++;
	}
	begin(h->m, &b, buf, sizeof(buf), MIH_AID_MN_HO_CANDIDATE_QUERY,
	      &h->serving);
	mih_build_link_poa_list_list(&b, lp, n);
	free(lp);
	if (mih_msg_finish(&b, &len)) {
		run_end(h, -EMSGSIZE, "candidate list too long");
		return;
	}
	h->pending++;
	err = mihf_req_pdu(h->m, &h->serving, NULL, 0, buf, len, 0, 0,
			   cq_done, h);
	if (err) {
		h->pending--;
		run_end(h, err, "cannot send to the serving PoS: %s",
			err_txt(err));
	}
}

static void commit_done(void *arg, int status, const struct mih_msg *rsp,
			uint64_t rtt)
{
	struct ho_run *h = arg;
	uint8_t st = 0xff, result = MIH_HO_RESULT_SUCCESS;
	char who[ID_TXT];

	(void)rtt;
	h->pending--;
	if (h->finished) {
		run_free_maybe(h);
		return;
	}
	if (status) {
		run_end(h, status, "serving PoS %s: %s",
			id_txt(&h->serving, who, sizeof(who)),
			err_txt(status));
		return;
	}
	mih_msg_get_u8(rsp, MIH_TLV_STATUS, &st);
	mih_msg_get_u8(rsp, MIH_TLV_HO_RESULT, &result);
	if (st != MIH_STATUS_SUCCESS ||
	    mih_ho_result_norm(result) != MIH_HO_RESULT_SUCCESS) {
		h->res.mih_status = st;
		run_end(h, -ECONNREFUSED, "target %s refused the commit "
			"(status %s, result %u)",
			id_txt(&h->res.target.pos, who, sizeof(who)),
			mih_status_name(st), result);
		return;
	}
	next_step(h, MIHF_HO_SWITCH);
	do_switch(h);
}

/* the one PoS peer with the IP address @a (any port), for pos_by_addr() */
struct addr_walk {
	uint16_t family;		/* MIH_AF_* */
	const uint8_t *a;
	struct mihf_id id;
	unsigned int found;
};

static int addr_walk_cb(struct mihf_peer *p, void *arg)
{
	struct addr_walk *w = arg;
	size_t k;

	if (!p->id_len || (p->kind != MIHF_PEER_POA &&
			   p->kind != MIHF_PEER_UNKNOWN))
		return 0;
	for (k = 0; k < p->n_addrs; k++) {
		const struct sockaddr_storage *ss = &p->addrs[k].sa;
		bool eq = false;

		if (w->family == MIH_AF_IPV4 && ss->ss_family == AF_INET)
			eq = !memcmp(&((const struct sockaddr_in *)ss)->sin_addr,
				     w->a, 4);
		else if (w->family == MIH_AF_IPV6 && ss->ss_family == AF_INET6)
			eq = !memcmp(&((const struct sockaddr_in6 *)ss)->sin6_addr,
				     w->a, 16);
		if (eq) {
			if (!w->found || !mihf_id_eq(&w->id, p->id, p->id_len))
				w->found++;
			id_from(&w->id, p->id, p->id_len);
			break;
		}
	}
	return 0;
}

/*
 * The PoS of candidate @c by the PoS address the IS server gave for its
 * PoA (IE_PoS_IP_ADDR): the one PoS peer (configured or discovered) with
 * that IP address.  0 and *@id, or -ENOENT (none, or several: ambiguous).
 */
static int pos_by_addr(struct mihf *m, const struct cand *c,
		       struct mihf_id *id)
{
	struct mihf_peers *peers = mihf_peer_table(m);
	struct addr_walk w = { .family = c->pos_family, .a = c->pos_addr };

	if (!peers || !c->pos_family)
		return -ENOENT;
	mihf_peers_foreach(peers, addr_walk_cb, &w);
	if (w.found != 1)
		return -ENOENT;
	*id = w.id;
	return 0;
}

/* the PoS address of @t, if known, for the switch hook and the result */
static void target_addr(struct mihf *m, struct mihf_ho_target *t)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	if (mihf_peer_addr(m, &t->pos, &ss, &sl))
		return;
	t->family = ss.ss_family;
	if (ss.ss_family == AF_INET)
		memcpy(t->addr, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	else if (ss.ss_family == AF_INET6)
		memcpy(t->addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
}

/* the target is candidate @c: its PoS (where the MMT will complete), or
 * the run ends (-ENOENT) */
static int set_target(struct ho_run *h, const struct cand *c)
{
	char mac[18];

	if (h->req.target_pos.len) {
		h->res.target.pos = h->req.target_pos;
	} else if (resolve_pos(h->m, c->poa, &h->res.target.pos) &&
		   pos_by_addr(h->m, c, &h->res.target.pos)) {
		mac_txt(c->poa, mac);
		run_end(h, -ENOENT, "no PoS known for PoA %s (IS database, "
			"peer capabilities or a peer at its PoS address)", mac);
		return -ENOENT;
	}
	memcpy(h->res.target.poa, c->poa, 6);
	h->res.target.has_poa = true;
	h->res.target.link_type = c->link_type;
	snprintf(h->res.target.network_id, sizeof(h->res.target.network_id),
		 "%s", c->netid);
	target_addr(h->m, &h->res.target);
	return 0;
}

static void do_commit(struct ho_run *h)
{
	struct mih_tgt_net_info tni;
	struct mih_link_id cur;
	struct cand *c = &h->cand[0];
	uint8_t buf[PDU_SIZE];
	struct mih_builder b;
	size_t len;
	int err;

	if (set_target(h, c))
		return;
	tni_poa(&tni, c->poa);
	mac_link_id(&cur, h->cur_lt, h->cur_mac);
	begin(h->m, &b, buf, sizeof(buf), MIH_AID_MN_HO_COMMIT, &h->serving);
	mih_build_link_id(&b, MIH_TLV_MN_LINK_ID, &cur);
	mih_build_tgt_net_info(&b, &tni);
	if (mih_msg_finish(&b, &len)) {
		run_end(h, -EINVAL, "cannot build the commit");
		return;
	}
	h->pending++;
	err = mihf_req_pdu(h->m, &h->serving, NULL, 0, buf, len, 0, 0,
			   commit_done, h);
	if (err) {
		h->pending--;
		run_end(h, err, "cannot send to the serving PoS: %s",
			err_txt(err));
	}
}

void mihf_ho_switch_done(struct mihf_ho *ho, int status)
{
	struct ho_run *h = (struct ho_run *)ho;

	if (!h || !h->switching)
		return;
	h->switching = false;
	if (h->finished) {
		run_free_maybe(h);
		return;
	}
	if (status) {
		run_end(h, status, "the switch to the target failed: %s",
			strerror(-status));
		return;
	}
	next_step(h, MIHF_HO_COMPLETE);
	do_complete(h);
}

static void do_switch(struct ho_run *h)
{
	struct mihf_ho_ctx *c = ctx(h->m, false);

	h->switching = true;
	if (c && c->sw)
		c->sw(c->sw_arg, (struct mihf_ho *)h, &h->res.target);
	else
		mihf_ho_switch_done((struct mihf_ho *)h, 0);
}

static void complete_done(void *arg, int status, const struct mih_msg *rsp,
			  uint64_t rtt)
{
	struct ho_run *h = arg;
	uint8_t st = 0xff;
	char who[ID_TXT];

	(void)rtt;
	h->pending--;
	if (h->finished) {
		run_free_maybe(h);
		return;
	}
	if (status) {
		run_end(h, status, "target PoS %s: %s",
			id_txt(&h->res.target.pos, who, sizeof(who)),
			err_txt(status));
		return;
	}
	mih_msg_get_u8(rsp, MIH_TLV_STATUS, &st);
	if (st != MIH_STATUS_SUCCESS) {
		h->res.mih_status = st;
		run_end(h, -ECONNREFUSED, "target PoS %s refused the "
			"completion (status %s)",
			id_txt(&h->res.target.pos, who, sizeof(who)),
			mih_status_name(st));
		return;
	}
	/* the target is our serving PoS now */
	mihf_set_serving(h->m, &h->res.target.pos);
	if (mihf_register(h->m, &h->res.target.pos, NULL, NULL))
		md_info("mihf: cannot register with the new PoS yet");
	/* (with subscribe_serving the sweep subscribes to the new PoS) */
	h->res.mih_status = st;
	run_end(h, 0, NULL);
}

static void do_complete(struct ho_run *h)
{
	struct mih_link_id nl;
	uint8_t buf[PDU_SIZE];
	struct mih_builder b;
	size_t len;
	int err;

	our_link(h->m, h->res.target.link_type ? h->res.target.link_type :
						 h->cur_lt, &nl);
	begin(h->m, &b, buf, sizeof(buf), MIH_AID_MN_HO_COMPLETE,
	      &h->res.target.pos);
	mih_build_link_id(&b, MIH_TLV_MN_LINK_ID, &nl);
	mih_build_u8(&b, MIH_TLV_HO_RESULT, MIH_HO_RESULT_SUCCESS);
	if (mih_msg_finish(&b, &len)) {
		run_end(h, -EINVAL, "cannot build the completion");
		return;
	}
	h->pending++;
	err = mihf_req_pdu(h->m, &h->res.target.pos, NULL, 0, buf, len, 0, 0,
			   complete_done, h);
	if (err) {
		h->pending--;
		run_end(h, err, "cannot send to the target PoS: %s",
			err_txt(err));
	}
}

/* a new MMT run (not started), with our current link */
static struct ho_run *run_new(struct mihf *m, const struct mihf_ho_req *req,
			      const struct mihf_id *serving,
			      mihf_ho_done_fn done, void *arg)
{
	const struct mihf_cfg *cfg = mihf_get_cfg(m);
	struct linkev_link ls[2 * LINKEV_IF_MAX];
	struct ho_run *h;
	size_t n, k;

	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->m = m;
	h->req = *req;
	if (!h->req.is_server.len)
		h->req.is_server = cfg->is_server;
	h->done = done;
	h->arg = arg;
	h->serving = *serving;
	h->t_start = h->t_step = md_now_ns();
	h->res.step = MIHF_HO_NSTEPS;
	/* the current link: the first one up with a PoA, else the first */
	n = mihf_our_links(m, ls, 2 * LINKEV_IF_MAX);
	for (k = 0; k < n; k++)
		if (ls[k].up && ls[k].has_poa)
			break;
	if (k == n)
		k = 0;
	if (n) {
		h->cur_lt = ls[k].link_type;
		memcpy(h->cur_mac, ls[k].mac, 6);
		if (ls[k].has_poa) {
			h->has_cur_poa = true;
			memcpy(h->cur_poa, ls[k].poa, 6);
		}
	} else {
		h->cur_lt = MIH_LT_802_11;
	}
	return h;
}

int mihf_handover_start(struct mihf *m, const struct mihf_ho_req *req,
			mihf_ho_done_fn done, void *arg)
{
	const struct mihf_cfg *cfg = mihf_get_cfg(m);
	struct mihf_ho_ctx *c = ctx(m, true);
	struct mihf_ho_req none = { 0 };
	struct ho_run *h;
	int err;

	if (!c)
		return -ENOMEM;
	if (!req)
		req = &none;
	if (c->run)
		return -EBUSY;
	if (!(mihf_roles(m) & MIHF_ROLE_MMT) || !cfg->serving_pos.len)
		return -EINVAL;
	if (req->skip_is_query && (!req->has_target_poa ||
				   !req->link_type))
		return -EINVAL;
	if (!req->skip_is_query && !req->is_server.len &&
	    !cfg->is_server.len)
		return -EINVAL;
	h = run_new(m, req, &cfg->serving_pos, done, arg);
	if (!h)
		return -ENOMEM;
	c->run = h;
	if (req->skip_is_query) {
		h->cand[0].link_type = req->link_type;
		memcpy(h->cand[0].poa, req->target_poa, 6);
		snprintf(h->cand[0].netid, sizeof(h->cand[0].netid), "%s",
			 req->network_id);
		h->ncand = 1;
		h->step = MIHF_HO_CANDIDATE_QUERY;
		do_candidate_query(h);
		if (h->finished) {
			/* failed at once: report through the return value */
			err = h->res.status;
			h->done = NULL;
			run_free_maybe(h);
			return err;
		}
		return 0;
	}
	h->step = MIHF_HO_IS_QUERY;
	err = start_is_query(h);
	if (err) {
		c->run = NULL;
		free(h);
		return err;
	}
	return 0;
}

/* ---- network-initiated: the MMT's side --------------------------------- */

/* why we would refuse a network-initiated handover now, or NULL */
static const char *net_ho_refusal(struct mihf *m)
{
	struct mihf_ho_ctx *c = ctx(m, false);

	if (!(mihf_roles(m) & MIHF_ROLE_MMT))
		return "not a terminal";
	if (mihf_get_cfg(m)->refuse_net_ho)
		return "refused by configuration";
	if (c && c->run)
		return "a handover is running";
	return NULL;
}

/*
 * Net_HO_Candidate_Query: the PoS suggests PoAs per link type (not its
 * own); we prefer those on link types we have (with our link IDs), in its
 * order.  A PoA we are still associated with at L2 is a fine target (a
 * move back from another link).
 */
static void serve_net_candidate_query(struct mihf *m, struct mihx_in *in,
				      const struct mih_msg *msg)
{
	const char *why = net_ho_refusal(m);
	struct linkev_link ls[2 * LINKEV_IF_MAX];
	/* an MMT that watches no link (switched by someone else) accepts
	 * every suggested link type */
	bool watching = mihf_our_links(m, ls, 2 * LINKEV_IF_MAX) > 0;
	struct mih_rq_result *rr;
	struct mih_builder b;
	uint8_t buf[PDU_SIZE];
	char who[ID_TXT];
	struct mihf_id src;
	struct mih_rd r;
	uint32_t n = 0, k, j;
	size_t np = 0;

	id_from(&src, msg->pdu.src_id, msg->pdu.src_id_len);
	rr = calloc(TGT_MAX, sizeof(*rr));
	if (!rr) {
		mihf_respond_status(m, in, MIH_STATUS_UNSPECIFIED_FAILURE);
		return;
	}
	if (!why && mih_msg_get_list(msg, MIH_TLV_LINK_POA_LIST_LIST, &r,
				     &n) != 1)
		why = "no suggested link";
	for (k = 0; !why && k < n && !r.err && np < TGT_MAX; k++) {
		struct mih_link_poa_list lp;

		if (mih_get_link_poa_list(&r, &lp))
			break;
		if (!our_link(m, lp.link.type, &rr[np].pref.link)) {
			if (watching)
				continue;
			rr[np].pref.link = lp.link;	/* cannot judge */
		}
		for (j = 0; j < lp.n_poa; j++)
			if (lp.poa[j].kind == MIH_LA_MAC)
				rr[np].pref.poa[rr[np].pref.n_poa++] =
					lp.poa[j];
		if (rr[np].pref.n_poa)
			np++;
	}
	if (!why && !np)
		why = "no suggested PoA on a link we have";
	md_info("mihf: network-initiated handover proposed by %s: %s%s",
		id_txt(&src, who, sizeof(who)), why ? "declined, " : "permitted",
		why ? why : "");
	begin_rsp(m, &b, buf, sizeof(buf), in);
	mih_build_status(&b, (mihf_roles(m) & MIHF_ROLE_MMT) ?
			 MIH_STATUS_SUCCESS : MIH_STATUS_REJECTED);
	mih_build_u8(&b, MIH_TLV_HO_STATUS, why ? MIH_HO_DECLINED :
						  MIH_HO_PERMITTED);
	if (!why)
		mih_build_pref_link_list(&b, rr, np);
	finish_send_rsp(m, in, &b);
	free(rr);
}

/*
 * Net_HO_Commit: the serving PoS reserved a PoA for us.  We answer first
 * (accepted: we will switch), then switch and complete at the target as
 * in our own runs; the target's PoS is looked up first in what we know,
 * else asked of the IS server.
 */
static void serve_net_commit(struct mihf *m, struct mihx_in *in,
			     const struct mih_msg *msg)
{
	const struct mihf_cfg *cfg = mihf_get_cfg(m);
	const char *why = net_ho_refusal(m);
	struct mihf_ho_ctx *c = ctx(m, true);
	struct mihf_ho_req req = { 0 };
	struct mih_link_id mn_link;
	struct mihf_id src, pos;
	struct mih_builder b;
	uint8_t buf[PDU_SIZE];
	char who[ID_TXT], mac[18];
	struct ho_run *h;
	struct mih_rd r;
	uint32_t n = 0, k;
	bool known = false;
	int err;

	id_from(&src, msg->pdu.src_id, msg->pdu.src_id_len);
	if (!c)
		why = "out of memory";
	if (!why && (mih_msg_get_value(msg, MIH_TLV_MN_LINK_ID,
				       (mih_get_fn)mih_get_link_id,
				       &mn_link) != 1 ||
		     mih_msg_get_list(msg, MIH_TLV_TGT_NET_INFO_LIST, &r,
				      &n) != 1))
		why = "malformed commit";
	for (k = 0; !why && k < n && !r.err && !req.has_target_poa; k++) {
		struct mih_tgt_net_info tni;

		if (mih_get_tgt_net_info(&r, &tni))
			break;
		if (tni.has_poa && tni.poa.kind == MIH_LA_MAC) {
			memcpy(req.target_poa, tni.poa.u.mac, 6);
			req.has_target_poa = true;
		}
	}
	if (!why && !req.has_target_poa)
		why = "no target PoA named";
	if (!why) {
		req.link_type = mn_link.type;
		known = !resolve_pos(m, req.target_poa, &pos);
		if (!known && !cfg->is_server.len)
			why = "no PoS known for the target PoA, no IS server";
	}
	begin_rsp(m, &b, buf, sizeof(buf), in);
	mih_build_status(&b, why ? MIH_STATUS_REJECTED : MIH_STATUS_SUCCESS);
	mih_build_u8(&b, MIH_TLV_HO_RESULT, why ? MIH_HO_RESULT_REJECTED :
						   MIH_HO_RESULT_SUCCESS);
	finish_send_rsp(m, in, &b);
	if (why) {
		md_warn("mihf: network-initiated commit from %s refused: %s",
			id_txt(&src, who, sizeof(who)), why);
		return;
	}
	mac_txt(req.target_poa, mac);
	md_notice("mihf: %s commits us to PoA %s (network-initiated)",
		  id_txt(&src, who, sizeof(who)), mac);
	h = run_new(m, &req, &src, NULL, NULL);
	if (!h)
		return;		/* the reservation expires at the target */
	h->net = true;
	c->run = h;
	if (known) {
		h->cand[0].link_type = req.link_type;
		memcpy(h->cand[0].poa, req.target_poa, 6);
		h->ncand = 1;
		h->req.target_pos = pos;
		h->step = MIHF_HO_SWITCH;
		if (!set_target(h, &h->cand[0]))
			do_switch(h);
		return;
	}
	h->step = MIHF_HO_IS_QUERY;
	err = start_is_query(h);
	if (err)
		run_end(h, err, "cannot ask the IS server: %s", err_txt(err));
}

/* ---- network-initiated: the serving PoS's run -------------------------- */

struct net_run {
	struct net_run *next;
	struct mihf *m;
	struct mihf_net_ho_req req;
	mihf_ho_done_fn done;
	void *arg;
	enum mihf_ho_step step;
	uint64_t t_start, t_step;
	uint64_t deadline_ns;		/* COMPLETE: the target reports */
	struct mihf_ho_result res;
	struct mih_link_poa_list *sugg;	/* suggested PoAs, per link type */
	size_t nsugg;
	struct cq_tgt tgt;		/* the chosen target */
	int pending;			/* requests in flight */
	bool completed;			/* N2N_HO_Complete came (early) */
	bool finished;			/* done was called */
};

static void net_free_maybe(struct net_run *n)
{
	struct mihf_ho_ctx *c;
	struct net_run **pp;

	if (!n->finished || n->pending)
		return;
	c = ctx(n->m, false);
	for (pp = c ? &c->net : NULL; pp && *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	}
	free(n->sugg);
	free(n);
}

static void net_end(struct net_run *n, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void net_end(struct net_run *n, int status, const char *fmt, ...)
{
	va_list ap;

	if (n->finished)
		return;
	n->finished = true;
	va_start(ap, fmt);
	result_end(&n->res, n->step, n->t_start, n->t_step, status, fmt, ap);
	va_end(ap);
	if (n->done && !mihf_freeing(n->m))
		n->done(n->arg, &n->res);
	net_free_maybe(n);
}

static void net_next(struct net_run *n, enum mihf_ho_step s)
{
	step_to(&n->res, &n->step, &n->t_step, s);
}

/* the run's bookkeeping for a callback; false: the run is over */
static bool net_alive(struct net_run *n)
{
	n->pending--;
	if (!n->finished)
		return true;
	net_free_maybe(n);
	return false;
}

/*
 * A response to run @n from @peer (@what: "terminal", "target PoS"):
 * false if the run is over (ended here if the request failed), else its
 * Status in *@st (0xff: none) and @peer's name in @who.
 */
static bool net_rsp(struct net_run *n, int status, const struct mih_msg *rsp,
		    const char *what, const struct mihf_id *peer, uint8_t *st,
		    char who[ID_TXT])
{
	if (!net_alive(n))
		return false;
	id_txt(peer, who, ID_TXT);
	if (status) {
		net_end(n, status, "%s %s: %s", what, who, err_txt(status));
		return false;
	}
	*st = 0xff;
	mih_msg_get_u8(rsp, MIH_TLV_STATUS, st);
	return true;
}

static void net_commit_done(void *arg, int status, const struct mih_msg *rsp,
			    uint64_t rtt)
{
	struct net_run *n = arg;
	struct mihf_ho_ctx *c = ctx(n->m, false);
	uint8_t st, result = MIH_HO_RESULT_SUCCESS;
	char who[ID_TXT];
	struct res *r;

	(void)rtt;
	if (!net_rsp(n, status, rsp, "terminal", &n->req.mmt, &st, who))
		return;
	mih_msg_get_u8(rsp, MIH_TLV_HO_RESULT, &result);
	if (st != MIH_STATUS_SUCCESS ||
	    mih_ho_result_norm(result) != MIH_HO_RESULT_SUCCESS) {
		n->res.mih_status = st;
		net_end(n, -ECONNREFUSED, "terminal %s refused the commit "
			"(status %s, result %u); the reservation at the "
			"target expires", who, mih_status_name(st), result);
		return;
	}
	r = res_find(c, n->req.mmt.v, n->req.mmt.len, RES_SERVING);
	if (r)
		r->peer = n->res.target.pos;	/* where it is going */
	net_next(n, MIHF_HO_COMPLETE);
	if (n->completed) {
		net_end(n, 0, NULL);
		return;
	}
	{
		const struct mihf_cfg *cfg = mihf_get_cfg(n->m);

		n->deadline_ns = md_now_ns() +
			(cfg->ho_resource_s ? cfg->ho_resource_s :
					      MIHF_HO_RESOURCE_S) *
			MD_NSEC_PER_SEC;
	}
}

static void net_n2n_commit_done(void *arg, int status,
				const struct mih_msg *rsp, uint64_t rtt)
{
	struct net_run *n = arg;
	struct mih_tgt_net_info tni;
	uint8_t buf[PDU_SIZE], st;
	struct mih_builder b;
	char who[ID_TXT];
	size_t len;
	int err;

	(void)rtt;
	if (!net_rsp(n, status, rsp, "target PoS", &n->res.target.pos, &st,
		     who))
		return;
	if (st != MIH_STATUS_SUCCESS) {
		n->res.mih_status = st;
		net_end(n, -ECONNREFUSED, "target PoS %s refused the "
			"reservation (status %s)", who, mih_status_name(st));
		return;
	}
	/* reserved: tell the MMT where to go */
	tni_poa(&tni, n->res.target.poa);
	begin(n->m, &b, buf, sizeof(buf), MIH_AID_NET_HO_COMMIT, &n->req.mmt);
	mih_build_link_id(&b, MIH_TLV_MN_LINK_ID, &n->tgt.link);
	mih_build_list(&b, MIH_TLV_TGT_NET_INFO_LIST,
		       (mih_put_fn)mih_put_tgt_net_info, &tni, sizeof(tni), 1);
	n->pending++;
	err = mih_msg_finish(&b, &len) ? -EINVAL :
	      mihf_req_pdu(n->m, &n->req.mmt, NULL, 0, buf, len, 0, 0,
			   net_commit_done, n);
	if (err) {
		n->pending--;
		net_end(n, err, "cannot send the commit to the terminal: %s",
			err_txt(err));
	}
}

static void net_resources_done(struct net_run *n, struct cq *q)
{
	struct mih_tgt_net_info tni;
	uint8_t buf[PDU_SIZE];
	struct mih_builder b;
	char who[ID_TXT];
	size_t k, len;
	int err;

	if (!net_alive(n))
		return;
	if (q->cancelled) {
		net_end(n, -ECANCELED, "cancelled");
		return;
	}
	for (k = 0; k < q->ntgt; k++)
		if (q->tgt[k].state == 1)
			break;
	if (k == q->ntgt) {
		net_end(n, -ECONNREFUSED, "no target PoS has resources for "
			"%s (%zu asked)", id_txt(&n->req.mmt, who,
						 sizeof(who)), q->ntgt);
		return;
	}
	n->tgt = q->tgt[k];
	n->res.target.pos = n->tgt.pos;
	memcpy(n->res.target.poa, n->tgt.poa[0], 6);
	n->res.target.has_poa = true;
	n->res.target.link_type = n->tgt.link_type;
	target_addr(n->m, &n->res.target);
	net_next(n, MIHF_HO_COMMIT);
	/* reserve at the target, as for an MMT's commit */
	tni_poa(&tni, n->tgt.poa[0]);
	begin(n->m, &b, buf, sizeof(buf), MIH_AID_N2N_HO_COMMIT, &n->tgt.pos);
	mih_build_mihf_id(&b, MIH_TLV_MN_MIHF_ID, n->req.mmt.v,
			  n->req.mmt.len);
	mih_build_link_id(&b, MIH_TLV_MN_LINK_ID, &n->tgt.link);
	mih_build_tgt_net_info(&b, &tni);
	n->pending++;
	err = mih_msg_finish(&b, &len) ? -EINVAL :
	      mihf_req_pdu(n->m, &n->tgt.pos, NULL, 0, buf, len, 0,
			   n2n_timeout(n->m), net_n2n_commit_done, n);
	if (err) {
		n->pending--;
		net_end(n, err, "cannot send to the target PoS %s: %s",
			id_txt(&n->tgt.pos, who, sizeof(who)), err_txt(err));
	}
}

static void net_cq_done(void *arg, int status, const struct mih_msg *rsp,
			uint64_t rtt)
{
	struct mih_qos_list qos = { 0 };
	struct net_run *n = arg;
	uint8_t st, hs = 0xff;
	char who[ID_TXT];
	struct mih_rd r;
	uint32_t cnt = 0, k, npoa = 0;
	struct cq *q;

	(void)rtt;
	if (!net_rsp(n, status, rsp, "terminal", &n->req.mmt, &st, who))
		return;
	mih_msg_get_u8(rsp, MIH_TLV_HO_STATUS, &hs);
	if (st != MIH_STATUS_SUCCESS || hs != MIH_HO_PERMITTED) {
		n->res.mih_status = st;
		net_end(n, -ECONNREFUSED, "terminal %s declined the handover "
			"(status %s, HO status %s)", who, mih_status_name(st),
			hs == MIH_HO_DECLINED ? "declined" : "missing");
		return;
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		net_end(n, -ENOMEM, "out of memory");
		return;
	}
	q->m = n->m;
	q->net = n;
	q->mmt = n->req.mmt;
	q->force_pos = n->req.target_pos;
	if (mih_msg_get_list(rsp, MIH_TLV_PREF_LINK_LIST, &r, &cnt) == 1) {
		for (k = 0; k < cnt && !r.err; k++) {
			struct mih_rq_result rr;

			if (mih_get_rq_result(&r, &rr))
				break;
			npoa += rr.pref.n_poa;
			cq_add(q, &rr.pref);
		}
	}
	if (!q->ntgt) {
		free(q);
		net_end(n, -ENOENT, "no PoS known for the %u PoA(s) terminal "
			"%s preferred", npoa, who);
		return;
	}
	net_next(n, MIHF_HO_QUERY_RESOURCES);
	n->pending++;		/* the query round (net_resources_done) */
	if (!cq_send(q, &qos)) {
		n->pending--;
		net_end(n, -EHOSTUNREACH, "no target PoS reachable (%zu)",
			q->ntgt);
		free(q);
	}
}

/* PoS-announced PoA link addresses (TLV 9) -> suggestions */
struct sugg_walk {
	struct mihf *m;
	struct net_run *n;
};

static void sugg_add(struct net_run *n, uint8_t lt, const uint8_t *mac)
{
	struct mih_link_poa_list *lp;
	size_t k;
	uint32_t j;

	for (k = 0; k < n->nsugg; k++)
		if (n->sugg[k].link.type == lt)
			break;
	if (k == n->nsugg) {
		if (k == TGT_MAX)
			return;
		n->nsugg++;
		/* the MMT's link of that type: we do not know its address;
		 * it answers with its own link IDs */
		mac_link_id(&n->sugg[k].link, lt, NULL);
	}
	lp = &n->sugg[k];
	for (j = 0; j < lp->n_poa; j++)
		if (!memcmp(lp->poa[j].u.mac, mac, 6))
			return;
	if (lp->n_poa == MIH_POA_LIST_MAX)
		return;
	lp->poa[lp->n_poa].kind = MIH_LA_MAC;
	memcpy(lp->poa[lp->n_poa++].u.mac, mac, 6);
	n->res.ncandidates++;
}

static int sugg_walk_cb(struct mihf_peer *p, void *arg)
{
	struct sugg_walk *w = arg;
	const struct mihf_id *self = mihf_self(w->m);
	struct mih_rd r;
	uint32_t cnt, k;

	if (!p->id_len || !p->caps.has_link_addrs ||
	    mihf_id_eq(self, p->id, p->id_len) ||
	    mihf_id_eq(&w->n->req.mmt, p->id, p->id_len))
		return 0;
	mih_rd_init(&r, p->caps.link_addrs, p->caps.link_addrs_len);
	cnt = mih_get_list_count(&r, 1);
	for (k = 0; k < cnt && !r.err; k++) {
		struct mih_net_type_addr a;

		if (mih_get_net_type_addr(&r, &a))
			break;
		if (a.addr.kind != MIH_LA_MAC || !a.nt.has_link_type)
			continue;
		if ((w->n->req.link_type &&
		     a.nt.link_type != w->n->req.link_type) ||
		    mac_ours(w->m, a.addr.u.mac))
			continue;
		sugg_add(w->n, a.nt.link_type, a.addr.u.mac);
	}
	return 0;
}

/* the link type of PoA @mac: the IS database's network, else a PoS's
 * announcement; 0 unknown */
static uint8_t poa_link_type(struct mihf *m, const uint8_t *mac)
{
	struct mihf_peers *peers = mihf_peer_table(m);
	struct isdb *db = mihf_isdb(m);
	struct pos_walk w = { .mac = mac };

	if (db) {
		struct isdb_network net;
		struct isdb_poa poa;

		if (!isdb_find_poa_by_link_addr(db, mac, &poa, &net) &&
		    net.link_type)
			return net.link_type;
	}
	if (peers)
		mihf_peers_foreach(peers, pos_walk_cb, &w);
	return w.link_type;
}

int mihf_net_handover_start(struct mihf *m, const struct mihf_net_ho_req *req,
			    mihf_ho_done_fn done, void *arg)
{
	struct mihf_ho_ctx *c = ctx(m, true);
	struct mihf_peers *peers = mihf_peer_table(m);
	uint8_t buf[PDU_SIZE];
	struct mih_builder b;
	struct net_run *n;
	size_t len;
	int err;

	if (!c)
		return -ENOMEM;
	if (!(mihf_roles(m) & MIHF_ROLE_POS) || !req || !req->mmt.len)
		return -EINVAL;
	if (!res_find(c, req->mmt.v, req->mmt.len, RES_SERVING))
		return -ESRCH;
	for (n = c->net; n; n = n->next)
		if (!n->finished &&
		    mihf_id_eq(&n->req.mmt, req->mmt.v, req->mmt.len))
			return -EBUSY;
	n = calloc(1, sizeof(*n));
	if (n)
		n->sugg = calloc(TGT_MAX, sizeof(*n->sugg));
	if (!n || !n->sugg) {
		free(n);
		return -ENOMEM;
	}
	n->m = m;
	n->req = *req;
	n->done = done;
	n->arg = arg;
	n->res.network = true;
	n->res.mmt = req->mmt;
	n->res.step = MIHF_HO_NSTEPS;
	if (req->has_target_poa) {
		uint8_t lt = req->link_type ? req->link_type :
			     poa_link_type(m, req->target_poa);

		if (lt)
			sugg_add(n, lt, req->target_poa);
	} else if (peers) {
		struct sugg_walk w = { .m = m, .n = n };

		mihf_peers_foreach(peers, sugg_walk_cb, &w);
	}
	if (!n->nsugg) {
		free(n->sugg);
		free(n);
		return -ENOENT;
	}
	n->step = MIHF_HO_CANDIDATE_QUERY;
	n->t_start = n->t_step = md_now_ns();
	begin(m, &b, buf, sizeof(buf), MIH_AID_NET_HO_CANDIDATE_QUERY,
	      &req->mmt);
	mih_build_link_poa_list_list(&b, n->sugg, n->nsugg);
	n->pending = 1;
	err = mih_msg_finish(&b, &len) ? -EMSGSIZE :
	      mihf_req_pdu(m, &req->mmt, NULL, 0, buf, len, 0, 0,
			   net_cq_done, n);
	if (err) {
		free(n->sugg);
		free(n);
		return err;
	}
	n->next = c->net;
	c->net = n;
	return 0;
}

/* N2N_HO_Complete for @mmt came from @from: a run waiting for it ends */
static void net_completed(struct mihf *m, const struct mihf_id *mmt,
			  const struct mihf_id *from)
{
	struct mihf_ho_ctx *c = ctx(m, false);
	char a[ID_TXT], t[ID_TXT];
	struct net_run *n;

	for (n = c ? c->net : NULL; n; n = n->next)
		if (!n->finished && mihf_id_eq(&n->req.mmt, mmt->v, mmt->len))
			break;
	if (!n)
		return;
	if (!n->res.target.pos.len) {
		/* it moved on its own before we chose a target */
		net_end(n, -EXDEV, "the terminal completed a handover at %s "
			"meanwhile", id_txt(from, a, sizeof(a)));
		return;
	}
	if (!mihf_id_eq(&n->res.target.pos, from->v, from->len)) {
		net_end(n, -EXDEV, "the terminal completed its handover at %s, "
			"not at %s", id_txt(from, a, sizeof(a)),
			id_txt(&n->res.target.pos, t, sizeof(t)));
		return;
	}
	if (n->step == MIHF_HO_COMPLETE)
		net_end(n, 0, NULL);
	else
		n->completed = true;	/* before the MMT's commit response */
}

/* the deadline of the runs waiting for their target's report */
static void net_tick(struct mihf *m, uint64_t now)
{
	struct mihf_ho_ctx *c = ctx(m, false);
	struct net_run *n, *nx;
	char who[ID_TXT];

	for (n = c ? c->net : NULL; n; n = nx) {
		nx = n->next;
		if (!n->finished && n->step == MIHF_HO_COMPLETE &&
		    n->deadline_ns && n->deadline_ns <= now)
			net_end(n, -ETIMEDOUT, "target PoS %s did not report "
				"the completion in time",
				id_txt(&n->res.target.pos, who, sizeof(who)));
	}
}

int mihf_handover_cancel(struct mihf *m)
{
	struct mihf_ho_ctx *c = ctx(m, false);

	if (!c || !c->run)
		return -ENOENT;
	run_end(c->run, -ECANCELED, "cancelled");
	return 0;
}

void mihf_ho_free(struct mihf *m)
{
	struct mihf_ho_ctx **slot = mihf_ho_slot(m), *c = *slot;

	if (!c)
		return;
	if (c->run) {
		/* requests were cancelled by the transport already */
		c->run->done = NULL;
		c->run->finished = true;
		free(c->run);
	}
	while (c->net) {
		struct net_run *n = c->net;

		c->net = n->next;
		free(n->sugg);
		free(n);
	}
	free(c->res);
	free(c);
	*slot = NULL;
}

json_object *mihf_ho_status_json(struct mihf *m)
{
	struct mihf_ho_ctx *c = ctx(m, false);
	json_object *a = json_object_new_array();
	uint64_t now = md_now_ns();
	char who[ID_TXT], mac[18];
	size_t k;

	for (k = 0; a && c && k < c->nres; k++) {
		struct res *r = &c->res[k];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "mmt", json_object_new_string(
			id_txt(&r->mmt, who, sizeof(who))));
		json_object_object_add(o, "state", json_object_new_string(
			r->state == RES_SERVING ? "serving" : "reserved"));
		if (r->has_poa) {
			mac_txt(r->poa, mac);
			json_object_object_add(o, "poa",
					       json_object_new_string(mac));
		}
		if (r->peer.len)
			json_object_object_add(o, "peer",
				json_object_new_string(id_txt(&r->peer, who,
							      sizeof(who))));
		json_object_object_add(o, "expires_in_ms", r->expires_ns ?
			json_object_new_int64(((int64_t)r->expires_ns -
					       (int64_t)now) /
					      (int64_t)MD_NSEC_PER_MSEC) :
			NULL);
		json_object_array_add(a, o);
	}
	return a;
}

json_object *mihf_ho_result_json(const struct mihf_ho_result *r)
{
	json_object *o = json_object_new_object(), *s, *t;
	char who[ID_TXT], mac[18];
	int k;

	if (!o)
		return NULL;
	json_object_object_add(o, "status", json_object_new_int(r->status));
	json_object_object_add(o, "step", json_object_new_string(
		r->status ? mihf_ho_step_name(r->step) : "done"));
	json_object_object_add(o, "reason", json_object_new_string(r->reason));
	if (r->mih_status >= 0)
		json_object_object_add(o, "mih_status",
				       json_object_new_int(r->mih_status));
	s = json_object_new_object();
	for (k = 0; s && k < MIHF_HO_NSTEPS; k++)
		if (r->step_ns[k])
			json_object_object_add(s, step_names[k],
				json_object_new_double((double)r->step_ns[k] /
						       1e6));
	json_object_object_add(o, "steps_ms", s);
	json_object_object_add(o, "total_ms",
			       json_object_new_double((double)r->total_ns / 1e6));
	json_object_object_add(o, "candidates",
			       json_object_new_int((int)r->ncandidates));
	json_object_object_add(o, "initiated", json_object_new_string(
		r->network ? "network" : "mobile"));
	if (r->network)
		json_object_object_add(o, "mmt", json_object_new_string(
			id_txt(&r->mmt, who, sizeof(who))));
	t = json_object_new_object();
	if (t && r->target.pos.len)
		json_object_object_add(t, "pos", json_object_new_string(
			id_txt(&r->target.pos, who, sizeof(who))));
	if (t && r->target.has_poa) {
		mac_txt(r->target.poa, mac);
		json_object_object_add(t, "poa", json_object_new_string(mac));
	}
	if (t && r->target.network_id[0])
		json_object_object_add(t, "network_id", json_object_new_string(
			r->target.network_id));
	if (t && r->target.link_type)
		json_object_object_add(t, "link_type",
				       json_object_new_int(r->target.link_type));
	if (t && (r->target.family == AF_INET ||
		  r->target.family == AF_INET6)) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(r->target.family, r->target.addr, a, sizeof(a));
		json_object_object_add(t, "address", json_object_new_string(a));
	}
	json_object_object_add(o, "target", t);
	return o;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * MIH transport: 802.21 PDUs over UDP/TCP 4551 with ACKs, retransmission,
 * duplicate detection, TID allocation and NAT keepalive.  The contract is
 * in transport.h; this file is its implementation.
 *
 * Data structures (all small and bounded; linear lists are fine at the
 * sizes involved: transactions in flight, cfg.dup_max duplicate entries):
 *   txns   outgoing transactions: requests, multi-requests, indications,
 *          keepalive probes, and late responses waiting for their ACK
 *   dups   duplicate cache, most recently used first
 *   tids   per-destination-MIHF-ID TID counters, most recently used first
 *   held   received PDUs the application holds (mihx_in_hold)
 *   conns  TCP connections (outbound and accepted)
 *   kas    keepalive peers
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/mih.h"
#include "mihf/transport.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

#define MS		MD_NSEC_PER_MSEC
#define TID_MASK	0x0fff
#define TIDC_MAX	1024	/* TID counters remembered */
#define TCP_WBUF_MAX	(4 * MIH_PDU_MAX)	/* queued octets per conn */
#define RX_BURST	64	/* datagrams read per wake-up */
#define MULTI_MAX	1024	/* responders one MULTI request reports */

/* ---- a minimal intrusive doubly-linked list ---- */

struct lnk {
	struct lnk *prev, *next;
};

static void l_init(struct lnk *h)
{
	h->prev = h->next = h;
}

static bool l_empty(const struct lnk *h)
{
	return h->next == h;
}

static void l_add(struct lnk *h, struct lnk *n)	/* at the head */
{
	n->next = h->next;
	n->prev = h;
	h->next->prev = n;
	h->next = n;
}

static void l_del(struct lnk *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n->next = n;
}

#define l_entry(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))
#define l_for_each_safe(pos, tmp, head) \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); \
	     (pos) = (tmp), (tmp) = (pos)->next)

/* ---- objects ---- */

enum txn_kind {
	T_REQ,		/* unicast request */
	T_MULTI,	/* request to many */
	T_IND,		/* indication with ACK-Req */
	T_KA,		/* keepalive probe (internal request) */
	T_RSP,		/* late response waiting for its ACK (internal) */
};

struct conn;

struct mihx_txn {
	struct lnk node;
	struct mihx *x;
	enum txn_kind kind;
	uint8_t *pdu;
	size_t len;
	struct sockaddr_storage to;
	socklen_t to_len;
	const uint8_t *dst_id;	/* the peer's MIHF ID, inside pdu */
	size_t dst_id_len;
	uint16_t tid;
	uint16_t mid;
	uint8_t sid;
	uint16_t aid;
	bool ack_req;
	bool acked;
	bool tcp;
	struct conn *conn;	/* TCP: the connection it went on */
	unsigned int sent;
	uint64_t interval_ns;	/* the next retransmission gap */
	uint64_t start_ns;
	struct md_timer *rtx_t;
	struct md_timer *dl_t;	/* transaction deadline */
	mihx_done_cb done;
	void *arg;
	/* MULTI: Source MIHF IDs already delivered */
	struct seen {
		uint8_t len;
		uint8_t id[MIH_MIHF_ID_MAX];
	} *seen;
	size_t nseen;
	unsigned int responses;
	bool in_cb;
	bool cancelled;
	struct ka *ka;		/* T_KA: its peer */
};

struct dup {
	struct lnk node;
	uint8_t id[MIH_MIHF_ID_MAX];
	size_t id_len;
	uint16_t tid;
	uint16_t mid;
	uint64_t touched;
	uint8_t *rsp;		/* cached response, if answered */
	size_t rsp_len;
	struct rxin *in;	/* the live received PDU, if any */
};

struct rxin {
	struct mihx_in in;	/* public part */
	struct lnk node;	/* held list */
	struct mihx *x;
	uint8_t *buf;
	struct dup *dup;
	struct conn *conn;
	bool is_req;
	bool in_rx;
	bool held;
	bool done;		/* responded or released */
	bool answered;		/* a response went out inside rx */
};

struct tidc {
	struct lnk node;
	uint8_t id[MIH_MIHF_ID_MAX];
	size_t id_len;
	uint16_t last;
};

struct conn {
	struct lnk node;
	struct mihx *x;
	int fd;
	struct sockaddr_storage peer;	/* normalised */
	socklen_t peer_len;
	bool outbound;
	bool connecting;
	uint8_t *rbuf;
	size_t rlen;
	uint8_t *wbuf;
	size_t wlen;
	struct md_timer *idle_t;
};

struct ka {
	struct lnk node;
	struct sockaddr_storage to;
	socklen_t to_len;
	uint8_t id[MIH_MIHF_ID_MAX];
	size_t id_len;
	uint64_t last_seen;
	struct mihx_txn *probe;
};

struct mihx {
	struct md_loop *loop;
	struct mihx_cfg cfg;
	struct mihx_ops ops;
	void *arg;
	int fd;
	int family;
	uint16_t port;
	int lfd;
	uint16_t tport;
	uint8_t *rxbuf;
	struct lnk txns, dups, tids, held, conns, kas;
	size_t ndups, ntids, nconns;
	struct md_timer *ka_t;
	struct mihx_stats st;
	bool freeing;
};

static int conn_send(struct mihx *x, struct conn *c, const uint8_t *pdu,
		     size_t len);
static struct conn *conn_get(struct mihx *x, const struct sockaddr *to,
			     socklen_t to_len, int *err);
static void conn_close(struct conn *c, int err);

/* ---- addresses ---- */

/* v4-mapped IPv6 -> AF_INET, in place */
static void addr_norm(struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in s4;

	if (ss->ss_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		return;
	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	s4.sin_port = s6->sin6_port;
	memcpy(&s4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &s4, sizeof(s4));
	*len = sizeof(s4);
}

static int addr_copy(struct sockaddr_storage *ss, socklen_t *ss_len,
		     const struct sockaddr *sa, socklen_t len)
{
	if (!sa)
		return -EINVAL;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in))
		len = sizeof(struct sockaddr_in);
	else if (sa->sa_family == AF_INET6 &&
		 len >= sizeof(struct sockaddr_in6))
		len = sizeof(struct sockaddr_in6);
	else
		return -EAFNOSUPPORT;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, sa, len);
	*ss_len = len;
	addr_norm(ss, ss_len);
	return 0;
}

static bool addr_eq(const struct sockaddr_storage *a, socklen_t alen,
		    const struct sockaddr_storage *b, socklen_t blen)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (alen != blen || a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		       a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return a6->sin6_port == b6->sin6_port &&
	       a6->sin6_scope_id == b6->sin6_scope_id &&
	       !memcmp(&a6->sin6_addr, &b6->sin6_addr, 16);
}

static const char *addr_str(const struct sockaddr_storage *ss, char *buf,
			    size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		snprintf(buf, size, "%s:%u", a, ntohs(s->sin_port));
	} else {
		const struct sockaddr_in6 *s = (const void *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		snprintf(buf, size, "[%s]:%u", a, ntohs(s->sin6_port));
	}
	return buf;
}

/* The destination as the socket's family wants it */
static int addr_for_sock(int family, const struct sockaddr_storage *to,
			 socklen_t to_len, struct sockaddr_storage *out,
			 socklen_t *out_len)
{
	memset(out, 0, sizeof(*out));
	if (family == to->ss_family) {
		memcpy(out, to, to_len);
		*out_len = to_len;
		return 0;
	}
	if (family == AF_INET6 && to->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)to;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)out;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = s4->sin_port;
		s6->sin6_addr.s6_addr[10] = 0xff;
		s6->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&s6->sin6_addr.s6_addr[12], &s4->sin_addr, 4);
		*out_len = sizeof(*s6);
		return 0;
	}
	return -EAFNOSUPPORT;
}

static bool id_eq(const uint8_t *a, size_t alen, const uint8_t *b,
		  size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

/* Printable MIHF ID for logs (non-printable octets as '.') */
static const char *id_str(const uint8_t *id, size_t len, char *buf,
			  size_t size)
{
	size_t i, n = len < size - 1 ? len : size - 1;

	for (i = 0; i < n; i++)
		buf[i] = id[i] >= 0x20 && id[i] < 0x7f ? (char)id[i] : '.';
	buf[n] = 0;
	return buf;
}

/* ---- configuration ---- */

void mihx_cfg_defaults(struct mihx_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = MIH_PORT;
	cfg->rtx_ms[MIH_SID_SERVICE_MGMT] = 500;
	cfg->rtx_ms[MIH_SID_EVENT] = 500;
	cfg->rtx_ms[MIH_SID_COMMAND] = 100;
	cfg->rtx_ms[MIH_SID_INFO] = 1000;
	cfg->retries = 2;
	cfg->backoff = 2;
	cfg->dup_lifetime_ms = 30000;
	cfg->dup_max = 1024;
	cfg->keepalive_ms = 60000;
	cfg->max_dgram = MIHX_DGRAM_DEFAULT;
	cfg->tcp_port = MIH_PORT;
	cfg->tcp_max_conns = 32;
	cfg->tcp_idle_ms = 30000;
}

/* sum of backoff^k for k = 0..retries: the ACK wait in intervals */
static uint64_t rtx_span(const struct mihx_cfg *cfg)
{
	uint64_t s = 0, m = 1;
	unsigned int k;

	for (k = 0; k <= cfg->retries; k++) {
		s += m;
		m *= cfg->backoff;
	}
	return s;
}

static int cfg_check(const struct mihx_cfg *c)
{
	unsigned int i;

	if (!c->id_len || c->id_len > MIH_MIHF_ID_MAX) {
		md_err("mih transport: the local MIHF ID must be 1..%d octets, "
		       "not %zu", MIH_MIHF_ID_MAX, c->id_len);
		return -EINVAL;
	}
	for (i = 1; i <= 4; i++) {
		if (c->rtx_ms[i] < 1 || c->rtx_ms[i] > 60000) {
			md_err("mih transport: retransmission interval of "
			       "SID %u must be 1..60000 ms, not %u", i,
			       c->rtx_ms[i]);
			return -EINVAL;
		}
	}
	if (c->retries > 16) {
		md_err("mih transport: retries must be 0..16, not %u",
		       c->retries);
		return -EINVAL;
	}
	if (c->backoff < 1 || c->backoff > 4) {
		md_err("mih transport: back-off factor must be 1..4, not %u",
		       c->backoff);
		return -EINVAL;
	}
	for (i = 1; i <= 4; i++) {
		if (rtx_span(c) * c->rtx_ms[i] > 3600000ULL) {
			md_err("mih transport: SID %u would wait %llu ms for "
			       "an ACK (interval x back-off^retries); at most "
			       "one hour", i, (unsigned long long)
			       (rtx_span(c) * c->rtx_ms[i]));
			return -EINVAL;
		}
	}
	if (c->txn_timeout_ms > 3600000) {
		md_err("mih transport: transaction timeout %u ms is above one "
		       "hour", c->txn_timeout_ms);
		return -EINVAL;
	}
	if (c->dup_lifetime_ms < 1 || c->dup_lifetime_ms > 3600000) {
		md_err("mih transport: duplicate lifetime must be 1..3600000 "
		       "ms, not %u", c->dup_lifetime_ms);
		return -EINVAL;
	}
	if (c->dup_max < 1 || c->dup_max > 1000000) {
		md_err("mih transport: duplicate cache size must be 1..1000000"
		       ", not %u", c->dup_max);
		return -EINVAL;
	}
	if (c->keepalive_ms > MIHX_KEEPALIVE_MAX_MS) {
		md_err("mih transport: keepalive interval %u ms is above the "
		       "%u ms NAT bindings need", c->keepalive_ms,
		       MIHX_KEEPALIVE_MAX_MS);
		return -EINVAL;
	}
	if (c->max_dgram < 64 || c->max_dgram > MIHX_UDP_MAX) {
		md_err("mih transport: max datagram must be 64..%d octets, "
		       "not %zu", MIHX_UDP_MAX, c->max_dgram);
		return -EINVAL;
	}
	if (c->tcp_enable && (c->tcp_max_conns < 1 ||
			      c->tcp_max_conns > 4096)) {
		md_err("mih transport: TCP connections must be 1..4096, not %u",
		       c->tcp_max_conns);
		return -EINVAL;
	}
	if (c->tcp_enable && (c->tcp_idle_ms < 100 ||
			      c->tcp_idle_ms > 3600000)) {
		md_err("mih transport: TCP idle timeout must be 100..3600000 "
		       "ms, not %u", c->tcp_idle_ms);
		return -EINVAL;
	}
	if (strnlen(c->bind_addr, MIHX_BIND_MAX) == MIHX_BIND_MAX) {
		md_err("mih transport: bind address not terminated");
		return -EINVAL;
	}
	return 0;
}

static uint64_t sid_interval_ns(const struct mihx *x, uint8_t sid)
{
	if (sid < 1 || sid > 4)
		sid = MIH_SID_SERVICE_MGMT;
	return (uint64_t)x->cfg.rtx_ms[sid] * MS;
}

/* ---- raw sending ---- */

static int udp_send(struct mihx *x, const uint8_t *pdu, size_t len,
		    const struct sockaddr_storage *to, socklen_t to_len)
{
	struct sockaddr_storage d;
	socklen_t dlen;
	char a[80];
	int err;

	err = addr_for_sock(x->family, to, to_len, &d, &dlen);
	if (err) {
		x->st.send_errors++;
		return err;
	}
	if (x->cfg.test_drop &&
	    x->cfg.test_drop(x->cfg.test_drop_arg, true, pdu, len))
		return 0;
	if (sendto(x->fd, pdu, len, 0, (struct sockaddr *)&d, dlen) < 0) {
		err = -errno;
		x->st.send_errors++;
		md_debug("mih transport: send to %s: %s",
			 addr_str(to, a, sizeof(a)), strerror(-err));
		return err;
	}
	x->st.tx++;
	return 0;
}

/*
 * Send one PDU: on @conn if given, else over UDP if it fits, else over
 * TCP (if enabled).  *@used (may be NULL) gets the connection used.
 */
static int xmit(struct mihx *x, const uint8_t *pdu, size_t len,
		const struct sockaddr_storage *to, socklen_t to_len,
		struct conn *conn, struct conn **used)
{
	int err = 0;

	if (used)
		*used = NULL;
	if (!conn && len <= x->cfg.max_dgram)
		return udp_send(x, pdu, len, to, to_len);
	if (!conn) {
		if (!x->cfg.tcp_enable) {
			md_warn("mih transport: a %zu-octet PDU is above the "
				"datagram limit (%zu) and TCP is disabled",
				len, x->cfg.max_dgram);
			return -EMSGSIZE;
		}
		conn = conn_get(x, (const struct sockaddr *)to, to_len, &err);
		if (!conn)
			return err;
	}
	err = conn_send(x, conn, pdu, len);
	if (!err && used)
		*used = conn;
	return err;
}

/* Rewrite the header flags and TID of an encoded PDU */
static void hdr_patch(uint8_t *pdu, bool ack_req, bool ack_rsp, uint16_t tid)
{
	pdu[0] = (uint8_t)((pdu[0] & ~0x0c) | (ack_req ? 0x08 : 0) |
			   (ack_rsp ? 0x04 : 0));
	pdu[4] = (uint8_t)((pdu[4] & 0xf0) | ((tid >> 8) & 0x0f));
	pdu[5] = (uint8_t)(tid & 0xff);
}

/* A pure ACK of @p (WIRE.md 8) to @to */
static void send_ack(struct mihx *x, const struct mih_pdu *p,
		     const struct sockaddr_storage *to, socklen_t to_len,
		     struct conn *conn)
{
	uint8_t buf[MIH_HDR_LEN + 2 * (MIH_TLV_HDR_MAX + 1 + MIH_MIHF_ID_MAX)];
	struct mih_builder b;
	struct mih_hdr h = p->hdr;
	size_t len;

	h.ack_req = false;
	h.ack_rsp = true;
	h.uir = false;
	h.more = false;
	h.fn = 0;
	mih_builder_init(&b, buf, sizeof(buf));
	mih_build_hdr(&b, &h);
	if (p->dst_id_len)
		mih_build_ids(&b, p->dst_id, p->dst_id_len, p->src_id,
			      p->src_id_len);
	else
		mih_build_ids(&b, x->cfg.id, x->cfg.id_len, p->src_id,
			      p->src_id_len);
	if (mih_build_finish(&b, &len))
		return;
	if (!xmit(x, buf, len, to, to_len, conn, NULL))
		x->st.acks_tx++;
}

/* ---- TID allocation ---- */

static struct tidc *tidc_get(struct mihx *x, const uint8_t *id, size_t len)
{
	struct lnk *p, *n;
	struct tidc *c;
	uint16_t r;

	l_for_each_safe(p, n, &x->tids) {
		c = l_entry(p, struct tidc, node);
		if (id_eq(c->id, c->id_len, id, len)) {
			l_del(&c->node);
			l_add(&x->tids, &c->node);
			return c;
		}
	}
	if (x->ntids >= TIDC_MAX) {
		c = l_entry(x->tids.prev, struct tidc, node);
		l_del(&c->node);
		x->ntids--;
	} else {
		c = malloc(sizeof(*c));
		if (!c)
			return NULL;
	}
	memcpy(c->id, id, len);
	c->id_len = len;
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint16_t)md_now_ns();
	c->last = r & TID_MASK;
	l_add(&x->tids, &c->node);
	x->ntids++;
	return c;
}

static bool tid_busy(struct mihx *x, const uint8_t *id, size_t len,
		     uint16_t tid)
{
	struct lnk *p, *n;

	l_for_each_safe(p, n, &x->txns) {
		struct mihx_txn *t = l_entry(p, struct mihx_txn, node);

		if (t->kind == T_RSP || t->tid != tid)
			continue;
		if (!t->dst_id_len || !len ||
		    id_eq(t->dst_id, t->dst_id_len, id, len))
			return true;
	}
	return false;
}

static int tid_alloc(struct mihx *x, const uint8_t *id, size_t len,
		     uint16_t *tid)
{
	struct tidc *c = tidc_get(x, id, len);
	unsigned int i;

	if (!c)
		return -ENOMEM;
	for (i = 0; i < TID_MASK; i++) {
		c->last = (c->last + 1) & TID_MASK;
		if (!c->last)
			c->last = 1;
		if (!tid_busy(x, id, len, c->last)) {
			*tid = c->last;
			return 0;
		}
	}
	return -EBUSY;
}

/* ---- transactions ---- */

static void txn_free(struct mihx_txn *t)
{
	struct mihx *x = t->x;

	if (t->rtx_t)
		md_timer_cancel(x->loop, t->rtx_t);
	if (t->dl_t)
		md_timer_cancel(x->loop, t->dl_t);
	t->rtx_t = t->dl_t = NULL;
	if (t->ka && t->ka->probe == t)
		t->ka->probe = NULL;
	l_del(&t->node);
	x->st.txn_active--;
	free(t->seen);
	free(t->pdu);
	free(t);
}

/* Complete @t: unlink it, call its callback once, free it */
static void txn_finish(struct mihx_txn *t, int status,
		       const struct mihx_rsp *rsp)
{
	struct mihx *x = t->x;

	if (t->rtx_t)
		md_timer_cancel(x->loop, t->rtx_t);
	if (t->dl_t)
		md_timer_cancel(x->loop, t->dl_t);
	t->rtx_t = t->dl_t = NULL;
	if (status == -ETIMEDOUT && t->kind != T_RSP && t->kind != T_KA)
		x->st.timeouts++;
	if (t->done && !t->cancelled) {
		t->in_cb = true;
		t->done(t->arg, status, rsp);
	}
	txn_free(t);
}

static void txn_rtx(struct md_loop *loop, struct md_timer *tm, void *arg);

static void txn_arm_rtx(struct mihx_txn *t)
{
	t->rtx_t = md_timer_add(t->x->loop, t->interval_ns, 0, txn_rtx, t);
}

static void txn_rtx(struct md_loop *loop, struct md_timer *tm, void *arg)
{
	struct mihx_txn *t = arg;
	struct mihx *x = t->x;
	char a[80];

	(void)loop;
	(void)tm;
	t->rtx_t = NULL;
	if (t->acked)
		return;
	if (t->sent > x->cfg.retries || t->tcp) {
		md_debug("mih transport: no ACK from %s for MID 0x%04x TID %u "
			 "after %u transmissions",
			 addr_str(&t->to, a, sizeof(a)), t->mid, t->tid,
			 t->sent);
		txn_finish(t, -ETIMEDOUT, NULL);
		return;
	}
	t->sent++;
	x->st.rtx++;
	md_debug("mih transport: retransmission %u of MID 0x%04x TID %u to %s",
		 t->sent - 1, t->mid, t->tid, addr_str(&t->to, a, sizeof(a)));
	udp_send(x, t->pdu, t->len, &t->to, t->to_len);
	t->interval_ns *= x->cfg.backoff;
	txn_arm_rtx(t);
	if (!t->rtx_t)
		txn_finish(t, -ENOMEM, NULL);
}

static void txn_deadline(struct md_loop *loop, struct md_timer *tm, void *arg)
{
	struct mihx_txn *t = arg;

	(void)loop;
	(void)tm;
	t->dl_t = NULL;
	if (t->kind == T_MULTI) {
		txn_finish(t, t->responses ? 0 : -ETIMEDOUT, NULL);
		return;
	}
	txn_finish(t, -ETIMEDOUT, NULL);
}

/*
 * Create and send a transaction for @pdu (copied; its TID and flags are
 * rewritten).  @tid < 0: allocate one.  @wait_ns: the deadline (0: none).
 */
static int txn_start(struct mihx *x, enum txn_kind kind,
		     const struct sockaddr_storage *to, socklen_t to_len,
		     const uint8_t *pdu, size_t len, const struct mih_pdu *p,
		     int tid, bool ack_req, bool ack_rsp, struct conn *conn,
		     uint64_t wait_ns, mihx_done_cb done, void *arg,
		     struct mihx_txn **out)
{
	struct mihx_txn *t;
	struct conn *used = NULL;
	uint16_t ntid;
	int err;

	if (tid < 0) {
		err = tid_alloc(x, p->dst_id, p->dst_id_len, &ntid);
		if (err)
			return err;
	} else {
		ntid = (uint16_t)tid;
	}
	t = calloc(1, sizeof(*t));
	if (!t || !(t->pdu = malloc(len))) {
		free(t);
		return -ENOMEM;
	}
	memcpy(t->pdu, pdu, len);
	hdr_patch(t->pdu, ack_req, ack_rsp, ntid);
	t->x = x;
	t->kind = kind;
	t->len = len;
	t->to = *to;
	t->to_len = to_len;
	t->dst_id = t->pdu + (p->dst_id - pdu);
	t->dst_id_len = p->dst_id_len;
	t->tid = ntid;
	t->mid = mih_hdr_mid(&p->hdr);
	t->sid = p->hdr.sid;
	t->aid = p->hdr.aid;
	t->ack_req = ack_req;
	t->done = done;
	t->arg = arg;
	t->interval_ns = sid_interval_ns(x, t->sid);
	t->start_ns = md_now_ns();
	l_init(&t->node);

	err = xmit(x, t->pdu, len, to, to_len, conn, &used);
	if (err) {
		free(t->pdu);
		free(t);
		return err;
	}
	t->sent = 1;
	t->conn = used;
	t->tcp = used != NULL;
	if (t->tcp)	/* no retransmission: the whole ACK wait at once */
		t->interval_ns *= rtx_span(&x->cfg);
	l_add(&x->txns, &t->node);
	x->st.txn_active++;
	if (ack_req) {
		txn_arm_rtx(t);
		if (!t->rtx_t)
			goto nomem;
	}
	if (wait_ns) {
		t->dl_t = md_timer_add(x->loop, wait_ns, 0, txn_deadline, t);
		if (!t->dl_t)
			goto nomem;
	}
	if (out)
		*out = t;
	return 0;
nomem:
	t->done = NULL;
	txn_free(t);
	return -ENOMEM;
}

static uint64_t default_wait_ns(const struct mihx *x, uint8_t sid)
{
	if (x->cfg.txn_timeout_ms)
		return (uint64_t)x->cfg.txn_timeout_ms * MS;
	return 3 * rtx_span(&x->cfg) * sid_interval_ns(x, sid);
}

static int check_out_pdu(const uint8_t *pdu, size_t len, uint8_t opcode,
			 struct mih_pdu *p)
{
	int err = mih_pdu_parse(pdu, len, p);

	if (err) {
		md_debug("mih transport: refusing to send a malformed PDU: %s",
			 mih_strerror(err));
		return -EINVAL;
	}
	if (p->hdr.opcode != opcode || p->hdr.more || p->hdr.fn)
		return -EINVAL;
	return 0;
}

int mihx_request(struct mihx *x, const struct sockaddr *to, socklen_t to_len,
		 const uint8_t *pdu, size_t len, unsigned int flags,
		 unsigned int timeout_ms, mihx_done_cb done, void *arg,
		 struct mihx_txn **txn)
{
	struct sockaddr_storage d;
	socklen_t dlen;
	struct mih_pdu p;
	uint64_t wait;
	bool multi = flags & MIHX_F_MULTI;
	int err;

	if (txn)
		*txn = NULL;
	if (!x || x->freeing)
		return -ESHUTDOWN;
	if (!done || (flags & ~(MIHX_F_MULTI | MIHX_F_NOACK)))
		return -EINVAL;
	err = addr_copy(&d, &dlen, to, to_len);
	if (err)
		return err;
	if (check_out_pdu(pdu, len, MIH_OP_REQUEST, &p))
		return -EINVAL;
	if (multi && len > x->cfg.max_dgram)
		return -EMSGSIZE;
	wait = timeout_ms ? (uint64_t)timeout_ms * MS :
			    default_wait_ns(x, p.hdr.sid);
	return txn_start(x, multi ? T_MULTI : T_REQ, &d, dlen, pdu, len, &p,
			 -1, !(flags & (MIHX_F_MULTI | MIHX_F_NOACK)), false,
			 NULL, wait, done, arg, txn);
}

int mihx_indicate(struct mihx *x, const struct sockaddr *to, socklen_t to_len,
		  const uint8_t *pdu, size_t len, unsigned int flags,
		  mihx_done_cb done, void *arg, struct mihx_txn **txn)
{
	struct sockaddr_storage d;
	socklen_t dlen;
	struct mih_pdu p;
	uint16_t tid;
	uint8_t *copy;
	int err;

	if (txn)
		*txn = NULL;
	if (!x || x->freeing)
		return -ESHUTDOWN;
	if (flags & ~MIHX_F_ACKREQ)
		return -EINVAL;
	if ((flags & MIHX_F_ACKREQ) && !done)
		return -EINVAL;
	err = addr_copy(&d, &dlen, to, to_len);
	if (err)
		return err;
	if (check_out_pdu(pdu, len, MIH_OP_INDICATION, &p))
		return -EINVAL;
	if (flags & MIHX_F_ACKREQ)
		return txn_start(x, T_IND, &d, dlen, pdu, len, &p, -1, true,
				 false, NULL, 0, done, arg, txn);
	/* fire and forget */
	err = tid_alloc(x, p.dst_id, p.dst_id_len, &tid);
	if (err)
		return err;
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, pdu, len);
	hdr_patch(copy, false, false, tid);
	err = xmit(x, copy, len, &d, dlen, NULL, NULL);
	free(copy);
	return err;
}

void mihx_txn_cancel(struct mihx *x, struct mihx_txn *t)
{
	(void)x;
	if (!t)
		return;
	if (t->in_cb) {		/* inside its own MULTI callback */
		t->cancelled = true;
		return;
	}
	t->done = NULL;
	txn_free(t);
}

/* ---- duplicate cache ---- */

static void dup_free(struct mihx *x, struct dup *d)
{
	if (d->in)
		d->in->dup = NULL;
	l_del(&d->node);
	x->ndups--;
	free(d->rsp);
	free(d);
}

static void dup_expire(struct mihx *x)
{
	uint64_t now = md_now_ns(),
		 life = (uint64_t)x->cfg.dup_lifetime_ms * MS;

	while (!l_empty(&x->dups)) {
		struct dup *d = l_entry(x->dups.prev, struct dup, node);

		if (now - d->touched < life && x->ndups <= x->cfg.dup_max)
			break;
		dup_free(x, d);
	}
}

static struct dup *dup_find(struct mihx *x, const struct mih_pdu *p)
{
	uint16_t mid = mih_hdr_mid(&p->hdr);
	struct lnk *pos, *n;

	dup_expire(x);
	l_for_each_safe(pos, n, &x->dups) {
		struct dup *d = l_entry(pos, struct dup, node);

		if (d->tid == p->hdr.tid && d->mid == mid &&
		    id_eq(d->id, d->id_len, p->src_id, p->src_id_len)) {
			d->touched = md_now_ns();
			l_del(&d->node);
			l_add(&x->dups, &d->node);
			return d;
		}
	}
	return NULL;
}

static struct dup *dup_add(struct mihx *x, const struct mih_pdu *p)
{
	struct dup *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	memcpy(d->id, p->src_id, p->src_id_len);
	d->id_len = p->src_id_len;
	d->tid = p->hdr.tid;
	d->mid = mih_hdr_mid(&p->hdr);
	d->touched = md_now_ns();
	l_add(&x->dups, &d->node);
	x->ndups++;
	dup_expire(x);		/* bounds the count */
	return d;
}

/* ---- received requests and indications ---- */

static void rxin_free(struct rxin *r)
{
	if (r->dup)
		r->dup->in = NULL;
	l_del(&r->node);
	free(r->buf);
	free(r);
}

void mihx_in_hold(struct mihx_in *in)
{
	struct rxin *r = l_entry(in, struct rxin, in);

	if (r->in_rx && !r->done && !r->held) {
		r->held = true;
		l_add(&r->x->held, &r->node);
	}
}

void mihx_in_release(struct mihx_in *in)
{
	struct rxin *r;

	if (!in)
		return;
	r = l_entry(in, struct rxin, in);
	r->done = true;
	if (!r->in_rx)
		rxin_free(r);
}

struct mihx *mihx_in_transport(const struct mihx_in *in)
{
	return l_entry(in, struct rxin, in)->x;
}

int mihx_respond(struct mihx_in *in, const uint8_t *pdu, size_t len)
{
	struct rxin *r;
	struct mihx *x;
	struct mih_pdu p;
	const struct mih_pdu *q;
	uint8_t *copy;
	bool late;
	int err;

	if (!in)
		return -EINVAL;
	r = l_entry(in, struct rxin, in);
	x = r->x;
	q = &in->pdu;
	if (r->done)
		return -EINVAL;
	err = -EINVAL;
	if (!r->is_req)
		goto out;
	if (check_out_pdu(pdu, len, MIH_OP_RESPONSE, &p) ||
	    p.hdr.sid != q->hdr.sid || p.hdr.aid != q->hdr.aid)
		goto out;
	late = !r->in_rx;
	if (late) {
		/* a pure ACK went out already: this one asks for its own */
		err = txn_start(x, T_RSP, &in->peer, in->peer_len, pdu, len,
				&p, q->hdr.tid, true, false, r->conn, 0, NULL,
				NULL, NULL);
		if (err)
			goto out;
		copy = malloc(len);
		if (copy) {
			memcpy(copy, pdu, len);
			hdr_patch(copy, true, false, q->hdr.tid);
		}
	} else {
		copy = malloc(len);
		if (!copy) {
			err = -ENOMEM;
			goto out;
		}
		memcpy(copy, pdu, len);
		hdr_patch(copy, false, q->hdr.ack_req, q->hdr.tid);
		err = xmit(x, copy, len, &in->peer, in->peer_len, r->conn,
			   NULL);
		if (err) {
			free(copy);
			goto out;
		}
		if (q->hdr.ack_req)
			x->st.acks_tx++;	/* piggy-backed */
		r->answered = true;
	}
	if (r->dup && copy) {
		free(r->dup->rsp);
		r->dup->rsp = copy;
		r->dup->rsp_len = len;
	} else {
		free(copy);
	}
	err = 0;
out:
	mihx_in_release(in);
	return err;
}

/* ---- the receive path ---- */

static void ka_seen(struct mihx *x, const struct mih_pdu *p)
{
	struct lnk *pos, *n;

	l_for_each_safe(pos, n, &x->kas) {
		struct ka *k = l_entry(pos, struct ka, node);

		if (id_eq(k->id, k->id_len, p->src_id, p->src_id_len))
			k->last_seen = md_now_ns();
	}
}

static void fill_rsp(struct mihx_rsp *rsp, const struct mih_pdu *p,
		     const uint8_t *buf, size_t len,
		     const struct sockaddr_storage *peer, socklen_t peer_len,
		     bool tcp, const struct mihx_txn *t)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->pdu = *p;
	rsp->raw = buf;
	rsp->len = len;
	rsp->peer = *peer;
	rsp->peer_len = peer_len;
	rsp->tcp = tcp;
	rsp->transmissions = t->sent;
	rsp->rtt_ns = md_now_ns() - t->start_ns;
}

/* A pure ACK of one of our requests, indications or late responses */
static void rx_ack(struct mihx *x, const struct mih_pdu *p,
		   const uint8_t *buf, size_t len,
		   const struct sockaddr_storage *peer, socklen_t peer_len,
		   bool tcp)
{
	uint16_t mid = mih_hdr_mid(&p->hdr);
	struct lnk *pos, *n;
	struct mihx_rsp rsp;

	l_for_each_safe(pos, n, &x->txns) {
		struct mihx_txn *t = l_entry(pos, struct mihx_txn, node);

		if (t->tid != p->hdr.tid || t->mid != mid || !t->ack_req)
			continue;
		if (t->dst_id_len &&
		    !id_eq(t->dst_id, t->dst_id_len, p->src_id, p->src_id_len))
			continue;
		x->st.acks_rx++;
		if (t->acked)
			return;		/* a duplicate ACK */
		t->acked = true;
		if (t->rtx_t) {
			md_timer_cancel(x->loop, t->rtx_t);
			t->rtx_t = NULL;
		}
		if (t->kind == T_IND) {
			fill_rsp(&rsp, p, buf, len, peer, peer_len, tcp, t);
			txn_finish(t, 0, &rsp);
		} else if (t->kind == T_RSP) {
			txn_finish(t, 0, NULL);
		}
		return;
	}
	x->st.unmatched++;
	md_debug("mih transport: ACK for MID 0x%04x TID %u matches nothing",
		 mid, p->hdr.tid);
}

static bool seen_add(struct mihx_txn *t, const struct mih_pdu *p)
{
	struct seen *s;
	size_t i;

	for (i = 0; i < t->nseen; i++)
		if (id_eq(t->seen[i].id, t->seen[i].len, p->src_id,
			  p->src_id_len))
			return false;
	if (t->nseen >= MULTI_MAX)
		return false;
	s = realloc(t->seen, (t->nseen + 1) * sizeof(*s));
	if (!s)
		return false;
	t->seen = s;
	s[t->nseen].len = (uint8_t)p->src_id_len;
	memcpy(s[t->nseen].id, p->src_id, p->src_id_len);
	t->nseen++;
	return true;
}

static void rx_response(struct mihx *x, const struct mih_pdu *p,
			const uint8_t *buf, size_t len,
			const struct sockaddr_storage *peer,
			socklen_t peer_len, struct conn *conn)
{
	struct lnk *pos, *n;
	struct mihx_rsp rsp;
	struct dup *d;

	/* a response we ACKed already (it asked for an ACK) */
	if (p->hdr.ack_req && (d = dup_find(x, p))) {
		x->st.dup_dropped++;
		send_ack(x, p, peer, peer_len, conn);
		return;
	}
	l_for_each_safe(pos, n, &x->txns) {
		struct mihx_txn *t = l_entry(pos, struct mihx_txn, node);

		if (t->kind == T_RSP || t->kind == T_IND ||
		    t->tid != p->hdr.tid || t->sid != p->hdr.sid ||
		    t->aid != p->hdr.aid)
			continue;
		if (t->dst_id_len &&
		    !id_eq(t->dst_id, t->dst_id_len, p->src_id, p->src_id_len))
			continue;
		if (p->hdr.ack_req) {
			send_ack(x, p, peer, peer_len, conn);
			dup_add(x, p);
		}
		if (t->ack_req && !t->acked)
			x->st.acks_rx++;	/* the response is the ACK */
		t->acked = true;
		if (t->rtx_t) {
			md_timer_cancel(x->loop, t->rtx_t);
			t->rtx_t = NULL;
		}
		fill_rsp(&rsp, p, buf, len, peer, peer_len, conn != NULL, t);
		if (t->kind == T_MULTI) {
			if (!seen_add(t, p))
				return;
			t->responses++;
			t->in_cb = true;
			t->done(t->arg, 0, &rsp);
			t->in_cb = false;
			if (t->cancelled) {
				t->done = NULL;
				txn_free(t);
			}
			return;
		}
		if (t->kind == T_KA && t->ka)
			t->ka->last_seen = md_now_ns();
		txn_finish(t, 0, &rsp);
		return;
	}
	x->st.unmatched++;
	md_debug("mih transport: response MID 0x%04x TID %u matches no "
		 "request", mih_hdr_mid(&p->hdr), p->hdr.tid);
}

static void rx_new(struct mihx *x, const struct mih_pdu *p,
		   const uint8_t *buf, size_t len,
		   const struct sockaddr_storage *peer, socklen_t peer_len,
		   struct conn *conn)
{
	bool is_req = p->hdr.opcode == MIH_OP_REQUEST;
	struct rxin *r;
	struct dup *d;

	d = dup_find(x, p);
	if (d) {
		if (d->rsp) {
			x->st.dup_cached++;
			xmit(x, d->rsp, d->rsp_len, peer, peer_len, conn,
			     NULL);
		} else {
			x->st.dup_dropped++;
			if (p->hdr.ack_req)
				send_ack(x, p, peer, peer_len, conn);
		}
		return;
	}
	d = dup_add(x, p);
	r = calloc(1, sizeof(*r));
	if (!d || !r || !(r->buf = malloc(len))) {
		if (d)
			dup_free(x, d);	/* let a retransmission try again */
		free(r);
		md_warn("mih transport: out of memory, PDU dropped");
		return;
	}
	memcpy(r->buf, buf, len);
	mih_pdu_parse(r->buf, len, &r->in.pdu);
	r->in.raw = r->buf;
	r->in.len = len;
	r->in.peer = *peer;
	r->in.peer_len = peer_len;
	r->in.tcp = conn != NULL;
	r->x = x;
	r->conn = conn;
	r->dup = d;
	r->is_req = is_req;
	d->in = r;
	l_init(&r->node);
	/* an indication's ACK goes out first: the application may take long */
	if (!is_req && p->hdr.ack_req)
		send_ack(x, p, peer, peer_len, conn);
	r->in_rx = true;
	if (x->ops.rx)
		x->ops.rx(x->arg, &r->in);
	r->in_rx = false;
	/* not answered inside rx (or answering failed): ACK it now */
	if (is_req && !r->answered && p->hdr.ack_req)
		send_ack(x, p, peer, peer_len, conn);
	if (r->done || !r->held)
		rxin_free(r);
}

/* One received PDU (UDP datagram or TCP frame) */
static void rx_pdu(struct mihx *x, const uint8_t *buf, size_t len,
		   struct sockaddr_storage *peer, socklen_t peer_len,
		   struct conn *conn)
{
	struct mih_pdu p;
	char a[80], ib[40];
	int err;

	err = mih_pdu_parse(buf, len, &p);
	if (err) {
		x->st.malformed++;
		md_debug("mih transport: malformed PDU from %s: %s",
			 addr_str(peer, a, sizeof(a)), mih_strerror(err));
		return;
	}
	if (p.hdr.opcode == MIH_OP_CONFIRM || p.hdr.more || p.hdr.fn) {
		x->st.malformed++;
		md_debug("mih transport: %s from %s dropped",
			 p.hdr.opcode == MIH_OP_CONFIRM ?
			 "Confirm opcode" : "fragment",
			 addr_str(peer, a, sizeof(a)));
		return;
	}
	if ((p.dst_id_len && !id_eq(p.dst_id, p.dst_id_len, x->cfg.id,
				    x->cfg.id_len)) ||
	    id_eq(p.src_id, p.src_id_len, x->cfg.id, x->cfg.id_len)) {
		x->st.not_for_us++;
		md_debug("mih transport: PDU from %s (MIHF %s) not for us",
			 addr_str(peer, a, sizeof(a)),
			 id_str(p.src_id, p.src_id_len, ib, sizeof(ib)));
		return;
	}
	x->st.rx++;
	if (conn)
		x->st.tcp_rx++;
	ka_seen(x, &p);
	if (p.hdr.ack_rsp && p.hdr.opcode != MIH_OP_RESPONSE) {
		rx_ack(x, &p, buf, len, peer, peer_len, conn != NULL);
		return;
	}
	if (p.hdr.opcode == MIH_OP_RESPONSE) {
		struct lnk *pos, *n;
		uint16_t mid = mih_hdr_mid(&p.hdr);

		/* the pure ACK of one of our late responses? */
		if (p.hdr.ack_rsp && !p.body_len) {
			l_for_each_safe(pos, n, &x->txns) {
				struct mihx_txn *t = l_entry(pos,
						struct mihx_txn, node);

				if (t->kind == T_RSP && t->tid == p.hdr.tid &&
				    t->mid == mid &&
				    id_eq(t->dst_id, t->dst_id_len,
					  p.src_id, p.src_id_len)) {
					rx_ack(x, &p, buf, len, peer, peer_len,
					       conn != NULL);
					return;
				}
			}
		}
		rx_response(x, &p, buf, len, peer, peer_len, conn);
		return;
	}
	rx_new(x, &p, buf, len, peer, peer_len, conn);
}

static void udp_readable(struct md_loop *loop, int fd, uint32_t events,
			 void *arg)
{
	struct mihx *x = arg;
	struct sockaddr_storage peer;
	socklen_t plen;
	ssize_t n;
	int i;

	(void)loop;
	(void)events;
	for (i = 0; i < RX_BURST; i++) {
		plen = sizeof(peer);
		n = recvfrom(fd, x->rxbuf, MIH_PDU_MAX, MSG_DONTWAIT,
			     (struct sockaddr *)&peer, &plen);
		if (n < 0)
			return;
		if (x->cfg.test_drop &&
		    x->cfg.test_drop(x->cfg.test_drop_arg, false, x->rxbuf,
				     (size_t)n))
			continue;
		addr_norm(&peer, &plen);
		rx_pdu(x, x->rxbuf, (size_t)n, &peer, plen, NULL);
	}
}

/* ---- TCP ---- */

static void conn_idle(struct md_loop *loop, struct md_timer *tm, void *arg)
{
	struct conn *c = arg;

	(void)loop;
	(void)tm;
	c->idle_t = NULL;
	md_debug("mih transport: TCP connection idle, closed");
	conn_close(c, -ETIMEDOUT);
}

static void conn_touch(struct conn *c)
{
	struct mihx *x = c->x;

	if (c->idle_t)
		md_timer_cancel(x->loop, c->idle_t);
	c->idle_t = md_timer_add(x->loop, (uint64_t)x->cfg.tcp_idle_ms * MS,
				 0, conn_idle, c);
}

/* Close @c; transactions that went over it fail with @err */
static void conn_close(struct conn *c, int err)
{
	struct mihx *x = c->x;
	struct lnk *pos, *n;

	md_loop_del_fd(x->loop, c->fd);
	close(c->fd);
	c->fd = -1;
	if (c->idle_t)
		md_timer_cancel(x->loop, c->idle_t);
	c->idle_t = NULL;
	l_del(&c->node);
	x->nconns--;
	l_for_each_safe(pos, n, &x->held) {
		struct rxin *r = l_entry(pos, struct rxin, node);

		if (r->conn == c)
			r->conn = NULL;
	}
	l_for_each_safe(pos, n, &x->txns) {
		struct mihx_txn *t = l_entry(pos, struct mihx_txn, node);

		if (t->conn != c)
			continue;
		t->conn = NULL;
		if (!x->freeing)
			txn_finish(t, err ? err : -ECONNRESET, NULL);
	}
	free(c->rbuf);
	free(c->wbuf);
	free(c);
}

static int conn_flush(struct conn *c)
{
	ssize_t n;

	while (c->wlen) {
		n = send(c->fd, c->wbuf, c->wlen, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;
		}
		memmove(c->wbuf, c->wbuf + n, c->wlen - (size_t)n);
		c->wlen -= (size_t)n;
	}
	return md_loop_mod_fd(c->x->loop, c->fd,
			      EPOLLIN | (c->wlen ? EPOLLOUT : 0));
}

static void conn_read(struct conn *c)
{
	struct mihx *x = c->x;
	ssize_t n;
	size_t need;

	n = recv(c->fd, c->rbuf + c->rlen, MIH_PDU_MAX - c->rlen,
		 MSG_DONTWAIT);
	if (n == 0) {
		conn_close(c, -ECONNRESET);
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			conn_close(c, -errno);
		return;
	}
	c->rlen += (size_t)n;
	conn_touch(c);
	while (c->rlen >= MIH_HDR_LEN) {
		if ((c->rbuf[0] >> 4) != MIH_VERSION) {
			x->st.malformed++;
			md_debug("mih transport: TCP stream is not MIH "
				 "version 1, closed");
			conn_close(c, -EPROTO);
			return;
		}
		need = MIH_HDR_LEN + ((size_t)c->rbuf[6] << 8 | c->rbuf[7]);
		if (c->rlen < need)
			break;
		/* the conn may close under us: hand over a copy */
		{
			uint8_t *pdu = malloc(need);
			struct sockaddr_storage peer = c->peer;

			if (!pdu) {
				conn_close(c, -ENOMEM);
				return;
			}
			memcpy(pdu, c->rbuf, need);
			memmove(c->rbuf, c->rbuf + need, c->rlen - need);
			c->rlen -= need;
			rx_pdu(x, pdu, need, &peer, c->peer_len, c);
			free(pdu);
		}
		/* rx_pdu never closes @c itself; mihx_free is not allowed
		 * from rx, so @c is still alive here */
	}
}

static void conn_io(struct md_loop *loop, int fd, uint32_t events, void *arg)
{
	struct conn *c = arg;
	int err, soerr = 0;
	socklen_t sl = sizeof(soerr);

	(void)loop;
	if (c->connecting) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) || soerr) {
			md_debug("mih transport: TCP connect: %s",
				 strerror(soerr ? soerr : errno));
			conn_close(c, soerr ? -soerr : -ECONNREFUSED);
			return;
		}
		c->connecting = false;
	}
	if (events & EPOLLOUT) {
		err = conn_flush(c);
		if (err) {
			conn_close(c, err);
			return;
		}
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		conn_read(c);
}

static struct conn *conn_new(struct mihx *x, int fd,
			     const struct sockaddr_storage *peer,
			     socklen_t peer_len, bool outbound, bool connecting)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c || !(c->rbuf = malloc(MIH_PDU_MAX))) {
		free(c);
		return NULL;
	}
	c->x = x;
	c->fd = fd;
	c->peer = *peer;
	c->peer_len = peer_len;
	c->outbound = outbound;
	c->connecting = connecting;
	if (md_loop_add_fd(x->loop, fd, EPOLLIN | (connecting ? EPOLLOUT : 0),
			   conn_io, c)) {
		free(c->rbuf);
		free(c);
		return NULL;
	}
	l_add(&x->conns, &c->node);
	x->nconns++;
	x->st.tcp_conns++;
	conn_touch(c);
	return c;
}

static struct conn *conn_get(struct mihx *x, const struct sockaddr *to,
			     socklen_t to_len, int *err)
{
	struct sockaddr_storage d;
	socklen_t dlen;
	struct lnk *pos, *n;
	struct conn *c;
	int fd;

	*err = addr_copy(&d, &dlen, to, to_len);
	if (*err)
		return NULL;
	l_for_each_safe(pos, n, &x->conns) {
		c = l_entry(pos, struct conn, node);
		if (c->outbound && addr_eq(&c->peer, c->peer_len, &d, dlen))
			return c;
	}
	if (x->nconns >= x->cfg.tcp_max_conns) {
		md_warn("mih transport: %u TCP connections open, no more",
			x->cfg.tcp_max_conns);
		*err = -EMFILE;
		return NULL;
	}
	fd = socket(d.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	if (connect(fd, (struct sockaddr *)&d, dlen) && errno != EINPROGRESS) {
		*err = -errno;
		close(fd);
		x->st.send_errors++;
		return NULL;
	}
	c = conn_new(x, fd, &d, dlen, true, true);
	if (!c) {
		close(fd);
		*err = -ENOMEM;
	}
	return c;
}

static int conn_send(struct mihx *x, struct conn *c, const uint8_t *pdu,
		     size_t len)
{
	uint8_t *w;
	int err;

	if (c->wlen + len > TCP_WBUF_MAX) {
		x->st.send_errors++;
		return -ENOBUFS;
	}
	w = realloc(c->wbuf, c->wlen + len);
	if (!w)
		return -ENOMEM;
	c->wbuf = w;
	memcpy(c->wbuf + c->wlen, pdu, len);
	c->wlen += len;
	x->st.tx++;
	x->st.tcp_tx++;
	conn_touch(c);
	if (c->connecting)
		return 0;
	err = conn_flush(c);
	if (err) {
		x->st.send_errors++;
		/* the caller still holds @c: close it from the loop later */
		shutdown(c->fd, SHUT_RDWR);
	}
	return 0;
}

static void tcp_accept(struct md_loop *loop, int fd, uint32_t events,
		       void *arg)
{
	struct mihx *x = arg;
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	int cfd;

	(void)loop;
	(void)events;
	cfd = accept4(fd, (struct sockaddr *)&peer, &plen,
		      SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	if (x->nconns >= x->cfg.tcp_max_conns) {
		md_warn("mih transport: %u TCP connections open, refusing one",
			x->cfg.tcp_max_conns);
		close(cfd);
		return;
	}
	addr_norm(&peer, &plen);
	if (!conn_new(x, cfd, &peer, plen, false, false))
		close(cfd);
}

/* ---- keepalive ---- */

static void ka_done(void *arg, int status, const struct mihx_rsp *rsp)
{
	struct ka *k = arg;

	(void)rsp;
	if (k)
		k->probe = NULL;
	(void)status;	/* last_seen was refreshed by the receive path */
}

static void ka_probe(struct mihx *x, struct ka *k)
{
	uint8_t buf[MIH_HDR_LEN + 2 * (MIH_TLV_HDR_MAX + 1 + MIH_MIHF_ID_MAX)];
	struct mih_hdr h = {
		.version = MIH_VERSION,
		.sid = MIH_SID_SERVICE_MGMT,
		.opcode = MIH_OP_REQUEST,
		.aid = MIH_AID_CAPABILITY_DISCOVER,
	};
	struct mih_builder b;
	struct mih_pdu p;
	struct mihx_txn *t = NULL;
	size_t len;

	if (k->probe)
		return;
	mih_builder_init(&b, buf, sizeof(buf));
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, x->cfg.id, x->cfg.id_len, k->id, k->id_len);
	if (mih_build_finish(&b, &len) || mih_pdu_parse(buf, len, &p))
		return;
	if (!txn_start(x, T_KA, &k->to, k->to_len, buf, len, &p, -1, false,
		       false, NULL, (uint64_t)x->cfg.keepalive_ms * MS / 2,
		       ka_done, k, &t)) {
		t->ka = k;
		k->probe = t;
	}
}

static void ka_tick(struct md_loop *loop, struct md_timer *tm, void *arg)
{
	struct mihx *x = arg;
	struct lnk *pos, *n;

	(void)loop;
	(void)tm;
	l_for_each_safe(pos, n, &x->kas)
		ka_probe(x, l_entry(pos, struct ka, node));
}

static struct ka *ka_find(const struct mihx *x, const struct sockaddr *to,
			  socklen_t to_len)
{
	struct sockaddr_storage d;
	socklen_t dlen;
	struct lnk *pos;

	if (addr_copy(&d, &dlen, to, to_len))
		return NULL;
	for (pos = x->kas.next; pos != &x->kas; pos = pos->next) {
		struct ka *k = l_entry(pos, struct ka, node);

		if (addr_eq(&k->to, k->to_len, &d, dlen))
			return k;
	}
	return NULL;
}

int mihx_keepalive_add(struct mihx *x, const struct sockaddr *to,
		       socklen_t to_len, const uint8_t *id, size_t id_len)
{
	struct ka *k;
	int err;

	if (!x->cfg.keepalive_ms || id_len > MIH_MIHF_ID_MAX)
		return -EINVAL;
	k = ka_find(x, to, to_len);
	if (!k) {
		k = calloc(1, sizeof(*k));
		if (!k)
			return -ENOMEM;
		err = addr_copy(&k->to, &k->to_len, to, to_len);
		if (err) {
			free(k);
			return err;
		}
		l_add(&x->kas, &k->node);
	}
	memcpy(k->id, id, id_len);
	k->id_len = id_len;
	if (!x->ka_t) {
		uint64_t iv = (uint64_t)x->cfg.keepalive_ms * MS;

		x->ka_t = md_timer_add(x->loop, iv, iv, ka_tick, x);
		if (!x->ka_t)
			return -ENOMEM;
	}
	return 0;
}

static void ka_free(struct mihx *x, struct ka *k)
{
	if (k->probe) {
		k->probe->ka = NULL;
		k->probe->arg = NULL;
		k->probe = NULL;
	}
	(void)x;
	l_del(&k->node);
	free(k);
}

int mihx_keepalive_del(struct mihx *x, const struct sockaddr *to,
		       socklen_t to_len)
{
	struct ka *k = ka_find(x, to, to_len);

	if (!k)
		return -ENOENT;
	ka_free(x, k);
	return 0;
}

int mihx_keepalive_last_seen(const struct mihx *x, const struct sockaddr *to,
			     socklen_t to_len, uint64_t *last_ns)
{
	struct ka *k = ka_find(x, to, to_len);

	if (!k)
		return -ENOENT;
	*last_ns = k->last_seen;
	return 0;
}

void mihx_keepalive_foreach(const struct mihx *x, mihx_ka_cb cb, void *arg)
{
	const struct lnk *pos;

	for (pos = x->kas.next; pos != &x->kas; pos = pos->next) {
		const struct ka *k = l_entry(pos, struct ka, node);

		cb(arg, (const struct sockaddr *)&k->to, k->to_len, k->id,
		   k->id_len, k->last_seen);
	}
}

/* ---- life cycle ---- */

static int bind_sock(struct mihx *x, int type, uint16_t port, int *family)
{
	const char *ba = x->cfg.bind_addr[0] ? x->cfg.bind_addr : "::";
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	struct sockaddr *sa;
	socklen_t salen;
	int fd, one = 1, zero = 0, err;
	bool any6 = !strcmp(ba, "::");

	if (inet_pton(AF_INET6, ba, &s6.sin6_addr) == 1) {
		s6.sin6_port = htons(port);
		sa = (struct sockaddr *)&s6;
		salen = sizeof(s6);
		*family = AF_INET6;
	} else if (inet_pton(AF_INET, ba, &s4.sin_addr) == 1) {
		s4.sin_port = htons(port);
		sa = (struct sockaddr *)&s4;
		salen = sizeof(s4);
		*family = AF_INET;
	} else {
		md_err("mih transport: bind address '%s' is not a numeric "
		       "IPv4 or IPv6 address", ba);
		return -EINVAL;
	}
	fd = socket(*family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 && any6 && errno == EAFNOSUPPORT) {
		/* no IPv6 on this host: IPv4 any */
		s4.sin_port = htons(port);
		sa = (struct sockaddr *)&s4;
		salen = sizeof(s4);
		*family = AF_INET;
		fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	}
	if (fd < 0)
		return -errno;
	if (*family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (type == SOCK_DGRAM)
		setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	else
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, sa, salen)) {
		err = -errno;
		md_err("mih transport: bind %s port %u (%s): %s", ba, port,
		       type == SOCK_DGRAM ? "UDP" : "TCP", strerror(-err));
		close(fd);
		return err;
	}
	if (type == SOCK_STREAM && listen(fd, 16)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static uint16_t sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

int mihx_new(struct md_loop *loop, const struct mihx_cfg *cfg,
	     const struct mihx_ops *ops, void *arg, struct mihx **out)
{
	struct mihx *x;
	int err, fam;

	*out = NULL;
	if (!loop || !cfg)
		return -EINVAL;
	err = cfg_check(cfg);
	if (err)
		return err;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->loop = loop;
	x->cfg = *cfg;
	if (ops)
		x->ops = *ops;
	x->arg = arg;
	x->fd = x->lfd = -1;
	l_init(&x->txns);
	l_init(&x->dups);
	l_init(&x->tids);
	l_init(&x->held);
	l_init(&x->conns);
	l_init(&x->kas);
	x->rxbuf = malloc(MIH_PDU_MAX);
	if (!x->rxbuf) {
		err = -ENOMEM;
		goto fail;
	}
	err = bind_sock(x, SOCK_DGRAM, cfg->port, &x->family);
	if (err < 0)
		goto fail;
	x->fd = err;
	x->port = sock_port(x->fd);
	err = md_loop_add_fd(loop, x->fd, EPOLLIN, udp_readable, x);
	if (err)
		goto fail;
	if (cfg->tcp_enable) {
		err = bind_sock(x, SOCK_STREAM,
				cfg->tcp_port ? cfg->tcp_port : x->port, &fam);
		if (err < 0) {
			md_loop_del_fd(loop, x->fd);
			goto fail;
		}
		x->lfd = err;
		x->tport = sock_port(x->lfd);
		err = md_loop_add_fd(loop, x->lfd, EPOLLIN, tcp_accept, x);
		if (err) {
			md_loop_del_fd(loop, x->fd);
			goto fail;
		}
	}
	md_debug("mih transport: UDP port %u%s", x->port,
		 x->lfd >= 0 ? ", TCP too (NOT protected by MIHSec)" : "");
	*out = x;
	return 0;
fail:
	if (x->fd >= 0)
		close(x->fd);
	if (x->lfd >= 0)
		close(x->lfd);
	free(x->rxbuf);
	free(x);
	return err;
}

void mihx_free(struct mihx *x)
{
	if (!x)
		return;
	x->freeing = true;
	while (!l_empty(&x->kas))
		ka_free(x, l_entry(x->kas.next, struct ka, node));
	while (!l_empty(&x->txns)) {
		struct mihx_txn *t = l_entry(x->txns.next, struct mihx_txn,
					     node);

		if (t->kind == T_RSP || t->kind == T_KA)
			t->done = NULL;
		txn_finish(t, -ECANCELED, NULL);
	}
	while (!l_empty(&x->held)) {
		struct rxin *r = l_entry(x->held.next, struct rxin, node);

		rxin_free(r);
	}
	while (!l_empty(&x->conns))
		conn_close(l_entry(x->conns.next, struct conn, node), 0);
	while (!l_empty(&x->dups))
		dup_free(x, l_entry(x->dups.next, struct dup, node));
	while (!l_empty(&x->tids)) {
		struct tidc *c = l_entry(x->tids.next, struct tidc, node);

		l_del(&c->node);
		free(c);
	}
	if (x->ka_t)
		md_timer_cancel(x->loop, x->ka_t);
	if (x->fd >= 0) {
		md_loop_del_fd(x->loop, x->fd);
		close(x->fd);
	}
	if (x->lfd >= 0) {
		md_loop_del_fd(x->loop, x->lfd);
		close(x->lfd);
	}
	free(x->rxbuf);
	free(x);
}

uint16_t mihx_port(const struct mihx *x)
{
	return x->port;
}

uint16_t mihx_tcp_port(const struct mihx *x)
{
	return x->lfd >= 0 ? x->tport : 0;
}

int mihx_fd(const struct mihx *x)
{
	return x->fd;
}

const uint8_t *mihx_id(const struct mihx *x, size_t *len)
{
	*len = x->cfg.id_len;
	return x->cfg.id;
}

void mihx_get_stats(const struct mihx *x, struct mihx_stats *st)
{
	*st = x->st;
	st->dup_entries = x->ndups;
}

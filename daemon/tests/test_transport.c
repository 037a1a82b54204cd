// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the MIH transport (mihf/transport.c): two or three
 * transport instances in this process on 127.0.0.1 / ::1 with ephemeral
 * ports, driven by the real event loop with short timers.  Loss is made
 * deterministic with the transport's test hook (cfg.test_drop), which
 * also records every datagram each instance sends and receives, so the
 * tests check what went on the wire: ACK flags, TIDs, transmission
 * counts and times.  Each test ends with a leak check (LSan).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sanitizer/lsan_interface.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* the 6.1 harness trips -Wextra: its wrappers ignore some parameters */
#pragma GCC diagnostic ignored "-Wunused-parameter"
/* counters are unsigned, expected values plain int literals */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "lib/mih.h"
#include "mihf/transport.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

#define MS		MD_NSEC_PER_MSEC
#define LATE_MAX	(150 * MS)	/* a busy, sanitized test machine */
#define NREC		256
#define TLV_SEQ		150		/* experimental TLV carrying a number */

enum mode { ANSWER_NOW, ANSWER_LATER, HOLD, IGNORE, RELEASE };

struct rec {
	bool out;
	bool dropped;
	struct mih_hdr h;
	size_t len;
	size_t body_len;
	uint64_t t;
};

struct node {
	struct md_loop *loop;
	struct mihx *x;
	const char *id;
	enum mode mode;
	unsigned int late_ms;
	size_t rsp_body;	/* extra octets in responses */
	int nrx;		/* requests/indications delivered */
	int nreq, nind;
	bool last_tcp;
	int last_family;
	uint16_t last_aid;
	struct mihx_in *held[64];
	int nheld;
	/* hook: record, and drop by index (bit i = the i-th datagram) */
	struct rec rec[NREC];
	int nrec;
	int n_out, n_in;
	uint64_t drop_out, drop_in;
	bool drop_all_in;
	bool drop_all_out;
	int stop_after_rx;	/* stop the loop after this many deliveries */
};

/* ---- PDUs ---- */

static size_t build(uint8_t *buf, size_t size, uint8_t sid, uint8_t op,
		    uint16_t aid, const char *src, const char *dst,
		    uint32_t seq, size_t pad)
{
	struct mih_hdr h = { .version = 1, .sid = sid, .opcode = op,
			     .aid = aid, .tid = 0xabc };
	struct mih_builder b;
	uint8_t v[4] = { seq >> 24, seq >> 16, seq >> 8, seq };
	uint8_t *p;
	size_t len;

	mih_builder_init(&b, buf, size);
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, src, strlen(src), dst, strlen(dst));
	mih_build_tlv(&b, TLV_SEQ, v, 4);
	if (pad) {
		p = mih_build_tlv_reserve(&b, TLV_SEQ + 1, (uint32_t)pad);
		if (p)
			memset(p, 0x5a, pad);
	}
	if (mih_build_finish(&b, &len))
		return 0;
	return len;
}

static uint32_t seq_of(const struct mih_pdu *p)
{
	struct mih_tlv t;

	if (mih_tlv_find(p->body, p->body_len, TLV_SEQ, &t) != 1 || t.len != 4)
		return UINT32_MAX;
	return (uint32_t)t.value[0] << 24 | t.value[1] << 16 |
	       t.value[2] << 8 | t.value[3];
}

/* ---- hook and rx ---- */

static bool hook(void *arg, bool out, const uint8_t *pdu, size_t len)
{
	struct node *n = arg;
	int i = out ? n->n_out++ : n->n_in++;
	bool drop = out ? (n->drop_all_out ||
			   (i < 64 && (n->drop_out >> i & 1))) :
			  (n->drop_all_in || (i < 64 && (n->drop_in >> i & 1)));
	struct mih_pdu p;

	if (n->nrec < NREC) {
		struct rec *r = &n->rec[n->nrec++];

		memset(r, 0, sizeof(*r));
		r->out = out;
		r->dropped = drop;
		r->len = len;
		r->t = md_now_ns();
		if (!mih_pdu_parse(pdu, len, &p)) {
			r->h = p.hdr;
			r->body_len = p.body_len;
		} else {
			r->h.version = 0xff;
		}
	}
	return drop;
}

static int answer(struct node *n, struct mihx_in *in)
{
	uint8_t *buf = malloc(MIH_PDU_MAX);
	size_t len;
	int err;

	/* Destination: the requester */
	{
		struct mih_hdr h = in->pdu.hdr;
		struct mih_builder b;
		uint8_t v[4];
		uint32_t s = seq_of(&in->pdu) + 1000;

		v[0] = s >> 24; v[1] = s >> 16; v[2] = s >> 8; v[3] = s;
		h.opcode = MIH_OP_RESPONSE;
		h.ack_req = h.ack_rsp = false;
		mih_builder_init(&b, buf, MIH_PDU_MAX);
		mih_build_hdr(&b, &h);
		mih_build_ids(&b, n->id, strlen(n->id), in->pdu.src_id,
			      in->pdu.src_id_len);
		mih_build_tlv(&b, TLV_SEQ, v, 4);
		if (n->rsp_body) {
			uint8_t *p = mih_build_tlv_reserve(&b, TLV_SEQ + 1,
						(uint32_t)n->rsp_body);
			if (p)
				memset(p, 0xa5, n->rsp_body);
		}
		if (mih_build_finish(&b, &len))
			len = 0;
	}
	err = mihx_respond(in, buf, len);
	free(buf);
	return err;
}

static void late_answer(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct node *n = arg;
	int i;

	for (i = 0; i < n->nheld; i++)
		answer(n, n->held[i]);
	n->nheld = 0;
}

static void on_rx(void *arg, struct mihx_in *in)
{
	struct node *n = arg;

	n->nrx++;
	n->last_tcp = in->tcp;
	n->last_family = in->peer.ss_family;
	n->last_aid = in->pdu.hdr.aid;
	if (in->pdu.hdr.opcode == MIH_OP_INDICATION) {
		n->nind++;
		goto out;
	}
	n->nreq++;
	switch (n->mode) {
	case ANSWER_NOW:
		answer(n, in);
		break;
	case ANSWER_LATER:
	case HOLD:
		if (n->nheld < 64) {
			mihx_in_hold(in);
			n->held[n->nheld++] = in;
		}
		if (n->mode == ANSWER_LATER && n->nheld == 1)
			md_timer_add(n->loop, n->late_ms * MS, 0, late_answer,
				     n);
		break;
	case IGNORE:
		break;
	case RELEASE:
		mihx_in_hold(in);
		mihx_in_release(in);
		break;
	}
out:
	if (n->stop_after_rx && n->nrx == n->stop_after_rx)
		md_loop_stop(n->loop, 2);
}

static const struct mihx_ops ops = { .rx = on_rx };

static int start(struct md_loop *loop, struct node *n, const char *id,
		 const char *bind, unsigned int rtx_ms, bool tcp,
		 void (*tweak)(struct mihx_cfg *))
{
	struct mihx_cfg c;
	int i;

	memset(n, 0, sizeof(*n));
	n->loop = loop;
	n->id = id;
	mihx_cfg_defaults(&c);
	c.port = 0;
	c.tcp_port = 0;
	snprintf(c.bind_addr, sizeof(c.bind_addr), "%s", bind);
	memcpy(c.id, id, strlen(id));
	c.id_len = strlen(id);
	for (i = 1; i <= 4; i++)
		c.rtx_ms[i] = rtx_ms;
	c.tcp_enable = tcp;
	c.test_drop = hook;
	c.test_drop_arg = n;
	if (tweak)
		tweak(&c);
	return mihx_new(loop, &c, &ops, n, &n->x);
}

static socklen_t addr_of(struct node *n, int family, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s = (void *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(mihx_port(n->x));
		s->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (void *)ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(mihx_port(n->x));
		s->sin6_addr = in6addr_loopback;
		return sizeof(*s);
	}
}

/* ---- done callbacks ---- */

struct res {
	struct md_loop *loop;
	int calls;
	int status[16];
	bool had_rsp[16];
	uint32_t seq[16];
	char src[16][32];
	unsigned int transmissions;
	bool ack_rsp, tcp;
	int family;
	uint64_t at;
	bool stop;
};

static void done(void *arg, int status, const struct mihx_rsp *rsp)
{
	struct res *r = arg;
	int i = r->calls++;

	if (i < 16) {
		r->status[i] = status;
		r->had_rsp[i] = rsp != NULL;
		if (rsp) {
			r->seq[i] = seq_of(&rsp->pdu);
			snprintf(r->src[i], sizeof(r->src[i]), "%.*s",
				 (int)rsp->pdu.src_id_len,
				 (const char *)rsp->pdu.src_id);
			r->transmissions = rsp->transmissions;
			r->ack_rsp = rsp->pdu.hdr.ack_rsp;
			r->tcp = rsp->tcp;
			r->family = rsp->peer.ss_family;
		}
	}
	r->at = md_now_ns();
	if (r->stop)
		md_loop_stop(r->loop, 1);
}

static void guard(struct md_loop *loop, struct md_timer *t, void *arg)
{
	md_loop_stop(loop, -ETIMEDOUT);
}

/* Run the loop for at most @ms; returns the stop code */
static int run(struct md_loop *loop, unsigned int ms)
{
	struct md_timer *g = md_timer_add(loop, ms * MS, 0, guard, NULL);
	int rc = md_loop_run(loop);

	if (rc != -ETIMEDOUT)
		md_timer_cancel(loop, g);
	return rc;
}

/* Run the loop for exactly @ms */
static void run_for(struct md_loop *loop, unsigned int ms)
{
	while (run(loop, ms) != -ETIMEDOUT)
		;
}

static int count(struct node *n, bool out, uint8_t op, int ack_req,
		 int ack_rsp, bool with_body)
{
	int i, c = 0;

	for (i = 0; i < n->nrec; i++) {
		struct rec *r = &n->rec[i];

		if (r->out != out || r->h.opcode != op)
			continue;
		if (ack_req >= 0 && r->h.ack_req != ack_req)
			continue;
		if (ack_rsp >= 0 && r->h.ack_rsp != ack_rsp)
			continue;
		if (with_body != (r->body_len > 0))
			continue;
		c++;
	}
	return c;
}

FIXTURE(tr) {
	struct md_loop *loop;
	struct node a, b, c;
	struct res r;
	uint8_t buf[2048];
	size_t len;
	struct sockaddr_storage to;
	socklen_t to_len;
};

FIXTURE_SETUP(tr)
{
	md_log_open(stderr);
	md_log_set_level(getenv("TRANSPORT_DEBUG") ? MD_LOG_DEBUG :
			 MD_LOG_ERR);
	self->loop = md_loop_new();
	ASSERT_NE(NULL, self->loop);
	memset(&self->r, 0, sizeof(self->r));
	self->r.loop = self->loop;
	self->r.stop = true;
}

FIXTURE_TEARDOWN(tr)
{
	mihx_free(self->a.x);
	mihx_free(self->b.x);
	mihx_free(self->c.x);
	md_loop_free(self->loop);
	/* the harness ends each test with _exit(): check for leaks here */
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

#define REQ(self, seq) \
	(self->len = build(self->buf, sizeof(self->buf), MIH_SID_COMMAND, \
			   MIH_OP_REQUEST, MIH_AID_MN_HO_COMMIT, "a", "b", \
			   (seq), 0))

/* ---- configuration ---- */

static void bad_id(struct mihx_cfg *c) { c->id_len = 0; }
static void bad_rtx(struct mihx_cfg *c) { c->rtx_ms[3] = 0; }
static void bad_ka(struct mihx_cfg *c) { c->keepalive_ms = 120001; }
static void bad_retries(struct mihx_cfg *c) { c->retries = 17; }
static void bad_dgram(struct mihx_cfg *c) { c->max_dgram = 10; }
static void bad_bind(struct mihx_cfg *c)
{
	strcpy(c->bind_addr, "localhost");
}
static void bad_dup(struct mihx_cfg *c) { c->dup_max = 0; }
static void bad_backoff(struct mihx_cfg *c) { c->backoff = 0; }

TEST_F(tr, cfg_defaults_and_validation)
{
	void (*bad[])(struct mihx_cfg *) = { bad_id, bad_rtx, bad_ka,
		bad_retries, bad_dgram, bad_bind, bad_dup, bad_backoff };
	struct mihx_cfg c;
	size_t i;

	mihx_cfg_defaults(&c);
	EXPECT_EQ(4551, c.port);
	EXPECT_EQ(500, c.rtx_ms[1]);
	EXPECT_EQ(500, c.rtx_ms[2]);
	EXPECT_EQ(100, c.rtx_ms[3]);
	EXPECT_EQ(1000, c.rtx_ms[4]);
	EXPECT_EQ(2, c.retries);
	EXPECT_EQ(2, c.backoff);
	EXPECT_EQ(60000, c.keepalive_ms);
	EXPECT_EQ(65507 - 64, (int)c.max_dgram);
	EXPECT_FALSE(c.tcp_enable);
	EXPECT_EQ(4551, c.tcp_port);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, start(self->loop, &self->a, "a", "", 20,
					 false, bad[i])) TH_LOG("case %zu", i);
		EXPECT_EQ(NULL, self->a.x);
	}
	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false, NULL));
	EXPECT_NE(0, mihx_port(self->a.x));
	EXPECT_EQ(0, mihx_tcp_port(self->a.x));
}

/* ---- request / response ---- */

static void request_response(struct __test_metadata *_metadata,
			     FIXTURE_DATA(tr) *self, int family,
			     const char *bind)
{
	struct mihx_stats sa, sb;
	struct mihx_txn *txn = NULL;
	uint16_t tid;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", bind, 20, false, NULL));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", bind, 20, false, NULL));
	self->to_len = addr_of(&self->b, family, &self->to);
	REQ(self, 7);
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, 0, 0, done, &self->r,
				  &txn));
	EXPECT_NE(NULL, txn);
	ASSERT_EQ(1, run(self->loop, 2000));
	ASSERT_EQ(1, self->r.calls);
	EXPECT_EQ(0, self->r.status[0]);
	EXPECT_EQ(1007, self->r.seq[0]);
	EXPECT_STREQ("b", self->r.src[0]);
	EXPECT_EQ(1, self->r.transmissions);
	EXPECT_TRUE(self->r.ack_rsp);		/* piggy-backed */
	EXPECT_EQ(AF_INET == family ? AF_INET : AF_INET6, self->r.family);
	EXPECT_EQ(family, self->b.last_family);	/* v4-mapped normalised */
	EXPECT_EQ(1, self->b.nreq);
	/* on the wire: one request with ACK-Req and a TID the transport
	 * chose, one response with ACK-Rsp and the same TID, no pure ACK */
	ASSERT_EQ(1, count(&self->a, true, MIH_OP_REQUEST, 1, 0, true));
	tid = self->a.rec[0].h.tid;
	EXPECT_NE(0, tid);
	ASSERT_EQ(1, count(&self->b, true, MIH_OP_RESPONSE, 0, 1, true));
	EXPECT_EQ(tid, self->b.rec[1].h.tid);
	EXPECT_EQ(0, count(&self->b, true, MIH_OP_REQUEST, -1, 1, false));
	mihx_get_stats(self->a.x, &sa);
	mihx_get_stats(self->b.x, &sb);
	EXPECT_EQ(1, sa.tx);
	EXPECT_EQ(1, sa.rx);
	EXPECT_EQ(0, sa.rtx);
	EXPECT_EQ(1, sa.acks_rx);
	EXPECT_EQ(1, sb.acks_tx);
	EXPECT_EQ(0, sa.txn_active);
	EXPECT_EQ(1, sb.dup_entries);
}

TEST_F(tr, request_response_ipv4)
{
	request_response(_metadata, self, AF_INET, "");
}

TEST_F(tr, request_response_ipv6)
{
	request_response(_metadata, self, AF_INET6, "");
}

TEST_F(tr, request_response_ipv4_only_socket)
{
	request_response(_metadata, self, AF_INET, "127.0.0.1");
}

TEST_F(tr, request_response_ipv6_only_address)
{
	request_response(_metadata, self, AF_INET6, "::1");
}

TEST_F(tr, late_response_pure_ack_first)
{
	struct mihx_stats sa, sb;
	int i;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false, NULL));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false, NULL));
	self->b.mode = ANSWER_LATER;
	self->b.late_ms = 100;	/* beyond a's whole ACK wait (140 ms) */
	self->to_len = addr_of(&self->b, AF_INET6, &self->to);
	REQ(self, 1);
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, 0, 1000, done,
				  &self->r, NULL));
	ASSERT_EQ(1, run(self->loop, 3000));
	ASSERT_EQ(1, self->r.calls);
	EXPECT_EQ(0, self->r.status[0]);
	EXPECT_EQ(1001, self->r.seq[0]);
	EXPECT_EQ(1, self->r.transmissions);	/* the ACK stopped rtx */
	EXPECT_FALSE(self->r.ack_rsp);
	run_for(self->loop, 60);
	/* b: pure ACK (Request opcode, ACK-Rsp, IDs only) at once, then the
	 * response asking for an ACK; a ACKs the response */
	EXPECT_EQ(1, count(&self->b, true, MIH_OP_REQUEST, 0, 1, false));
	for (i = 0; i < self->b.nrec && !self->b.rec[i].out; i++)
		;
	ASSERT_LT(i, self->b.nrec);
	EXPECT_EQ(MIH_OP_REQUEST, self->b.rec[i].h.opcode);
	EXPECT_EQ(self->a.rec[0].h.tid, self->b.rec[i].h.tid);
	EXPECT_EQ(1, count(&self->b, true, MIH_OP_RESPONSE, 1, 0, true));
	EXPECT_EQ(1, count(&self->a, true, MIH_OP_RESPONSE, 0, 1, false));
	EXPECT_EQ(1, count(&self->a, true, MIH_OP_REQUEST, 1, 0, true));
	mihx_get_stats(self->a.x, &sa);
	mihx_get_stats(self->b.x, &sb);
	EXPECT_EQ(0, sa.rtx);
	EXPECT_EQ(0, sb.rtx);
	EXPECT_EQ(1, sa.acks_tx);
	EXPECT_EQ(1, sb.acks_rx);
	EXPECT_EQ(0, sb.txn_active);	/* the late response was ACKed */
}

TEST_F(tr, late_response_lost_is_retransmitted)
{
	struct mihx_stats sb;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false, NULL));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false, NULL));
	self->b.mode = ANSWER_LATER;
	self->b.late_ms = 30;
	self->b.drop_out = 1 << 1;	/* b's 2nd datagram: the response */
	self->to_len = addr_of(&self->b, AF_INET, &self->to);
	REQ(self, 2);
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, 0, 2000, done,
				  &self->r, NULL));
	ASSERT_EQ(1, run(self->loop, 3000));
	ASSERT_EQ(1, self->r.calls);
	EXPECT_EQ(0, self->r.status[0]);
	EXPECT_EQ(1002, self->r.seq[0]);
	run_for(self->loop, 50);
	EXPECT_EQ(2, count(&self->b, true, MIH_OP_RESPONSE, 1, 0, true));
	mihx_get_stats(self->b.x, &sb);
	EXPECT_EQ(1, sb.rtx);
	EXPECT_EQ(1, self->b.nreq);
	EXPECT_EQ(0, sb.txn_active);
}

/* ---- retransmission and timeouts ---- */

TEST_F(tr, retransmissions_then_timeout)
{
	struct mihx_stats sa;
	uint64_t t0;
	int i, n = 0;
	uint64_t at[8];

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false, NULL));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false, NULL));
	self->b.drop_all_in = true;
	self->to_len = addr_of(&self->b, AF_INET, &self->to);
	REQ(self, 3);
	t0 = md_now_ns();
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, 0, 5000, done,
				  &self->r, NULL));
	ASSERT_EQ(1, run(self->loop, 3000));
	ASSERT_EQ(1, self->r.calls);
	EXPECT_EQ(-ETIMEDOUT, self->r.status[0]);
	EXPECT_FALSE(self->r.had_rsp[0]);
	for (i = 0; i < self->a.nrec; i++)
		if (self->a.rec[i].out && n < 8)
			at[n++] = self->a.rec[i].t - t0;
	/* retries 2, backoff 2, interval 20: at 0, 20, 60; fail at 140 */
	ASSERT_EQ(3, n);
	EXPECT_LT(at[0], 10 * MS);
	EXPECT_GE(at[1], 20 * MS);
	EXPECT_LT(at[1], 20 * MS + LATE_MAX);
	EXPECT_GE(at[2], 60 * MS);
	EXPECT_LT(at[2], 60 * MS + LATE_MAX);
	EXPECT_GE(at[2] - at[1], 40 * MS);
	EXPECT_GE(self->r.at - t0, 140 * MS);
	EXPECT_LT(self->r.at - t0, 140 * MS + LATE_MAX);
	for (i = 0; i < self->a.nrec; i++)
		EXPECT_EQ(self->a.rec[0].h.tid, self->a.rec[i].h.tid);
	mihx_get_stats(self->a.x, &sa);
	EXPECT_EQ(3, sa.tx);
	EXPECT_EQ(2, sa.rtx);
	EXPECT_EQ(1, sa.timeouts);
	EXPECT_EQ(0, sa.txn_active);
	EXPECT_EQ(0, self->b.nrx);
}

static void retries5(struct mihx_cfg *c)
{
	c->retries = 5;
	c->backoff = 1;
	c->rtx_ms[MIH_SID_INFO] = 30;
}

TEST_F(tr, per_sid_interval_retries_constant_backoff)
{
	uint64_t t0, at[8];
	int i, n = 0;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 10, false,
			   retries5));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 10, false, NULL));
	self->b.drop_all_in = true;
	self->to_len = addr_of(&self->b, AF_INET, &self->to);
	self->len = build(self->buf, sizeof(self->buf), MIH_SID_INFO,
			  MIH_OP_REQUEST, MIH_AID_GET_INFORMATION, "a", "b",
			  1, 0);
	t0 = md_now_ns();
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, 0, 5000, done,
				  &self->r, NULL));
	ASSERT_EQ(1, run(self->loop, 3000));
	EXPECT_EQ(-ETIMEDOUT, self->r.status[0]);
	for (i = 0; i < self->a.nrec; i++)
		if (self->a.rec[i].out && n < 8)
			at[n++] = self->a.rec[i].t - t0;
	ASSERT_EQ(6, n);
	for (i = 1; i < n; i++) {
		EXPECT_GE(at[i], (uint64_t)i * 30 * MS);
		EXPECT_LT(at[i], (uint64_t)i * 30 * MS + LATE_MAX);
	}
	EXPECT_GE(self->r.at - t0, 180 * MS);
}

TEST_F(tr, no_response_after_ack_times_out)
{
	struct mihx_stats sa;
	uint64_t t0;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false, NULL));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false, NULL));
	self->b.mode = IGNORE;
	self->to_len = addr_of(&self->b, AF_INET, &self->to);
	REQ(self, 4);
	t0 = md_now_ns();
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, 0, 300, done,
				  &self->r, NULL));
	ASSERT_EQ(1, run(self->loop, 3000));
	EXPECT_EQ(-ETIMEDOUT, self->r.status[0]);
	EXPECT_GE(self->r.at - t0, 300 * MS);
	EXPECT_LT(self->r.at - t0, 300 * MS + LATE_MAX);
	mihx_get_stats(self->a.x, &sa);
	EXPECT_EQ(0, sa.rtx);		/* ACKed: no retransmission */
	EXPECT_EQ(1, sa.acks_rx);
	EXPECT_EQ(1, sa.timeouts);
}

/* ---- duplicates ---- */

TEST_F(tr, duplicate_answered_from_cache)
{
	struct mihx_stats sa, sb;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false, NULL));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false, NULL));
	self->b.drop_out = 1;		/* the first response is lost */
	self->to_len = addr_of(&self->b, AF_INET6, &self->to);
	REQ(self, 5);
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, 0, 0, done, &self->r,
				  NULL));
	ASSERT_EQ(1, run(self->loop, 3000));
	ASSERT_EQ(1, self->r.calls);
	EXPECT_EQ(0, self->r.status[0]);
	EXPECT_EQ(1005, self->r.seq[0]);
	EXPECT_EQ(2, self->r.transmissions);
	EXPECT_EQ(1, self->b.nreq);		/* the application: once */
	mihx_get_stats(self->a.x, &sa);
	mihx_get_stats(self->b.x, &sb);
	EXPECT_EQ(1, sa.rtx);
	EXPECT_EQ(1, sb.dup_cached);
	EXPECT_EQ(2, sb.rx);
	/* the cached copy is byte-identical (same TID, ACK-Rsp) */
	EXPECT_EQ(2, count(&self->b, true, MIH_OP_RESPONSE, 0, 1, true));
	EXPECT_EQ(self->b.rec[1].h.tid, self->b.rec[3].h.tid);
}

TEST_F(tr, duplicate_while_processing_gets_ack)
{
	struct mihx_stats sb;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false, NULL));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false, NULL));
	self->b.mode = ANSWER_LATER;
	self->b.late_ms = 60;
	self->b.drop_out = 1;		/* the first pure ACK is lost */
	self->to_len = addr_of(&self->b, AF_INET, &self->to);
	REQ(self, 6);
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, 0, 2000, done,
				  &self->r, NULL));
	ASSERT_EQ(1, run(self->loop, 3000));
	EXPECT_EQ(0, self->r.status[0]);
	EXPECT_EQ(1006, self->r.seq[0]);
	EXPECT_EQ(1, self->b.nreq);
	mihx_get_stats(self->b.x, &sb);
	EXPECT_EQ(1, sb.dup_dropped);
	EXPECT_EQ(0, sb.dup_cached);
	EXPECT_EQ(2, count(&self->b, true, MIH_OP_REQUEST, 0, 1, false));
}

static void small_dup(struct mihx_cfg *c)
{
	c->dup_max = 4;
	c->dup_lifetime_ms = 100;
}

TEST_F(tr, duplicate_cache_bounded_and_expires)
{
	struct mihx_stats sb;
	int i;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false, NULL));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false,
			   small_dup));
	self->to_len = addr_of(&self->b, AF_INET, &self->to);
	for (i = 0; i < 10; i++) {
		REQ(self, i);
		self->r.calls = 0;
		ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to,
					  self->to_len, self->buf, self->len,
					  0, 0, done, &self->r, NULL));
		ASSERT_EQ(1, run(self->loop, 2000));
		EXPECT_EQ(0, self->r.status[0]);
	}
	mihx_get_stats(self->b.x, &sb);
	EXPECT_EQ(4, sb.dup_entries);
	run_for(self->loop, 150);
	REQ(self, 99);
	self->r.calls = 0;
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, 0, 0, done, &self->r,
				  NULL));
	ASSERT_EQ(1, run(self->loop, 2000));
	mihx_get_stats(self->b.x, &sb);
	EXPECT_EQ(1, sb.dup_entries);	/* the old ones expired */
	EXPECT_EQ(11, self->b.nreq);
}

/* ---- TIDs ---- */

static bool tid_spy(void *arg, bool out, const uint8_t *pdu, size_t len)
{
	uint16_t *last = arg;

	if (out)
		*last = (uint16_t)((pdu[4] & 0x0f) << 8 | pdu[5]);
	return true;	/* drop everything: nobody needs to answer */
}

static void spy_cfg(struct mihx_cfg *c)
{
	c->rtx_ms[MIH_SID_COMMAND] = 60000;
	c->retries = 0;
}

TEST_F(tr, tid_allocation_wrap_and_in_flight)
{
	static uint16_t last;
	static bool used[4096];
	struct mihx_txn *txn[4096];
	struct mihx_cfg c;
	uint16_t prev = 0, first;
	int i, wraps = 0;

	mihx_cfg_defaults(&c);
	c.port = 0;
	c.id[0] = 'a';
	c.id_len = 1;
	spy_cfg(&c);
	c.test_drop = tid_spy;
	c.test_drop_arg = &last;
	ASSERT_EQ(0, mihx_new(self->loop, &c, &ops, &self->a, &self->a.x));
	self->a.loop = self->loop;
	self->to_len = addr_of(&self->a, AF_INET, &self->to);
	REQ(self, 1);
	/* sequential, each abandoned at once: consecutive, wrap 4095 -> 1 */
	for (i = 0; i < 5000; i++) {
		ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to,
					  self->to_len, self->buf, self->len,
					  0, 0, done, &self->r, &txn[0]));
		mihx_txn_cancel(self->a.x, txn[0]);
		ASSERT_NE(0, last);
		ASSERT_LE(last, 4095);
		if (i) {
			if (last < prev)
				wraps++;
			EXPECT_EQ(prev == 4095 ? 1 : prev + 1, last);
		}
		prev = last;
	}
	EXPECT_GE(wraps, 1);
	/* another destination MIHF ID has its own counter */
	self->len = build(self->buf, sizeof(self->buf), MIH_SID_COMMAND,
			  MIH_OP_REQUEST, 1, "a", "zz", 1, 0);
	/* all in flight: 4095 distinct TIDs, then -EBUSY */
	REQ(self, 2);
	memset(used, 0, sizeof(used));
	for (i = 0; i < 4095; i++) {
		ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to,
					  self->to_len, self->buf, self->len,
					  0, 0, done, &self->r, &txn[i]));
		ASSERT_FALSE(used[last]);
		used[last] = true;
	}
	EXPECT_EQ(-EBUSY, mihx_request(self->a.x, (void *)&self->to,
				       self->to_len, self->buf, self->len, 0,
				       0, done, &self->r, NULL));
	first = 0;
	for (i = 1; i < 4096; i++)
		if (!used[i])
			first = (uint16_t)i;
	EXPECT_EQ(0, first);	/* every TID 1..4095 used, 0 never */
	mihx_txn_cancel(self->a.x, txn[1234]);
	{
		uint16_t freed;

		/* what did txn 1234 get?  the one now reallocated */
		ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to,
					  self->to_len, self->buf, self->len,
					  0, 0, done, &self->r, &txn[1234]));
		freed = last;
		EXPECT_NE(0, freed);
		EXPECT_EQ(-EBUSY, mihx_request(self->a.x, (void *)&self->to,
					       self->to_len, self->buf,
					       self->len, 0, 0, done,
					       &self->r, NULL));
	}
	EXPECT_EQ(0, self->r.calls);	/* cancel never calls back */
	mihx_free(self->a.x);
	self->a.x = NULL;
	EXPECT_EQ(4095, self->r.calls);	/* -ECANCELED each */
	EXPECT_EQ(-ECANCELED, self->r.status[0]);
}

/* ---- multi ---- */

static int raw_sock(int family)
{
	return socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

static void inject(int fd, struct node *to, const uint8_t *pdu, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = addr_of(to, AF_INET, &ss);

	sendto(fd, pdu, len, 0, (void *)&ss, sl);
}

static size_t mk_rsp(uint8_t *buf, size_t size, const char *src,
		     const char *dst, uint16_t tid, uint8_t sid, uint16_t aid,
		     bool ack_req)
{
	struct mih_hdr h = { .version = 1, .sid = sid,
			     .opcode = MIH_OP_RESPONSE, .aid = aid,
			     .tid = tid, .ack_req = ack_req };
	struct mih_builder b;
	size_t len;

	mih_builder_init(&b, buf, size);
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, src, strlen(src), dst, strlen(dst));
	mih_build_tlv(&b, MIH_TLV_STATUS, "\0", 1);
	return mih_build_finish(&b, &len) ? 0 : len;
}

TEST_F(tr, multi_every_responder_once_then_done)
{
	uint8_t rsp[128];
	size_t rl;
	uint16_t tid;
	int fd = raw_sock(AF_INET);
	uint64_t t0;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false, NULL));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false, NULL));
	self->to_len = addr_of(&self->b, AF_INET, &self->to);
	self->len = build(self->buf, sizeof(self->buf), MIH_SID_SERVICE_MGMT,
			  MIH_OP_REQUEST, MIH_AID_CAPABILITY_DISCOVER, "a", "",
			  9, 0);
	self->r.stop = false;
	t0 = md_now_ns();
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, MIHX_F_MULTI, 300, done,
				  &self->r, NULL));
	/* no ACK-Req on a request to many */
	ASSERT_EQ(1, count(&self->a, true, MIH_OP_REQUEST, 0, 0, true));
	tid = self->a.rec[0].h.tid;
	run_for(self->loop, 50);
	ASSERT_EQ(1, self->r.calls);		/* b answered */
	/* c answers twice, b again, d with the wrong TID, e wrong AID */
	rl = mk_rsp(rsp, sizeof(rsp), "c", "a", tid, 1, 1, false);
	inject(fd, &self->a, rsp, rl);
	inject(fd, &self->a, rsp, rl);
	rl = mk_rsp(rsp, sizeof(rsp), "b", "a", tid, 1, 1, false);
	inject(fd, &self->a, rsp, rl);
	rl = mk_rsp(rsp, sizeof(rsp), "d", "a", (tid + 1) & 0xfff, 1, 1,
		    false);
	inject(fd, &self->a, rsp, rl);
	rl = mk_rsp(rsp, sizeof(rsp), "e", "a", tid, 1, 2, false);
	inject(fd, &self->a, rsp, rl);
	run_for(self->loop, 400);
	ASSERT_EQ(3, self->r.calls);
	EXPECT_EQ(0, self->r.status[0]);
	EXPECT_STREQ("b", self->r.src[0]);
	EXPECT_EQ(0, self->r.status[1]);
	EXPECT_STREQ("c", self->r.src[1]);
	EXPECT_EQ(0, self->r.status[2]);	/* done, someone answered */
	EXPECT_FALSE(self->r.had_rsp[2]);
	EXPECT_GE(self->r.at - t0, 300 * MS);
	/* nobody answers: one call, -ETIMEDOUT */
	self->b.drop_all_in = true;
	memset(&self->r, 0, sizeof(self->r));
	self->r.loop = self->loop;
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, MIHX_F_MULTI, 50, done,
				  &self->r, NULL));
	run_for(self->loop, 150);
	ASSERT_EQ(1, self->r.calls);
	EXPECT_EQ(-ETIMEDOUT, self->r.status[0]);
	EXPECT_FALSE(self->r.had_rsp[0]);
	close(fd);
}

/* ---- indications ---- */

TEST_F(tr, indication_with_ack_retransmitted_once_delivered)
{
	struct mihx_stats sb;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false, NULL));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false, NULL));
	self->b.drop_out = 1;		/* the first ACK is lost */
	self->to_len = addr_of(&self->b, AF_INET, &self->to);
	self->len = build(self->buf, sizeof(self->buf), MIH_SID_EVENT,
			  MIH_OP_INDICATION, MIH_AID_LINK_UP, "a", "b", 1, 0);
	ASSERT_EQ(0, mihx_indicate(self->a.x, (void *)&self->to, self->to_len,
				   self->buf, self->len, MIHX_F_ACKREQ, done,
				   &self->r, NULL));
	ASSERT_EQ(1, run(self->loop, 2000));
	ASSERT_EQ(1, self->r.calls);
	EXPECT_EQ(0, self->r.status[0]);
	EXPECT_TRUE(self->r.had_rsp[0]);
	EXPECT_TRUE(self->r.ack_rsp);
	EXPECT_EQ(2, self->r.transmissions);
	run_for(self->loop, 50);
	EXPECT_EQ(1, self->b.nind);
	EXPECT_EQ(MIH_AID_LINK_UP, self->b.last_aid);
	mihx_get_stats(self->b.x, &sb);
	EXPECT_EQ(1, sb.dup_dropped);
	EXPECT_EQ(2, sb.acks_tx);
	/* ACK: indication's MID and TID, ACK-Rsp, IDs only */
	EXPECT_EQ(2, count(&self->b, true, MIH_OP_INDICATION, 0, 1, false));
	/* without ACK-Req: sent once, no callback */
	memset(&self->r, 0, sizeof(self->r));
	ASSERT_EQ(0, mihx_indicate(self->a.x, (void *)&self->to, self->to_len,
				   self->buf, self->len, 0, NULL, NULL, NULL));
	run_for(self->loop, 100);
	EXPECT_EQ(0, self->r.calls);
	EXPECT_EQ(2, self->b.nind);
	EXPECT_EQ(2, count(&self->b, true, MIH_OP_INDICATION, 0, 1, false));
	/* lost for good: -ETIMEDOUT */
	self->b.drop_all_in = true;
	self->r.loop = self->loop;
	self->r.stop = true;
	ASSERT_EQ(0, mihx_indicate(self->a.x, (void *)&self->to, self->to_len,
				   self->buf, self->len, MIHX_F_ACKREQ, done,
				   &self->r, NULL));
	ASSERT_EQ(1, run(self->loop, 2000));
	EXPECT_EQ(-ETIMEDOUT, self->r.status[0]);
	/* wrong opcode for the call */
	EXPECT_EQ(-EINVAL, mihx_indicate(self->a.x, (void *)&self->to,
					 self->to_len, self->buf, self->len,
					 MIHX_F_MULTI, done, &self->r, NULL));
	REQ(self, 1);
	EXPECT_EQ(-EINVAL, mihx_indicate(self->a.x, (void *)&self->to,
					 self->to_len, self->buf, self->len,
					 0, NULL, NULL, NULL));
	EXPECT_EQ(-EINVAL, mihx_request(self->a.x, (void *)&self->to,
					self->to_len, self->buf, self->len - 1,
					0, 0, done, &self->r, NULL));
}

/* ---- hostile input ---- */

TEST_F(tr, malformed_and_unmatched_dropped)
{
	struct mihx_stats sb;
	uint8_t p[128];
	size_t l;
	int fd = raw_sock(AF_INET);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false, NULL));
	/* garbage, too short */
	inject(fd, &self->b, (const uint8_t *)"\x10\x00", 2);
	/* version 2 */
	l = build(p, sizeof(p), 3, MIH_OP_REQUEST, 1, "x", "b", 1, 0);
	p[0] = (uint8_t)(0x20 | (p[0] & 0x0f));
	inject(fd, &self->b, p, l);
	/* payload length does not match the datagram */
	l = build(p, sizeof(p), 3, MIH_OP_REQUEST, 1, "x", "b", 1, 0);
	inject(fd, &self->b, p, l - 1);
	/* Confirm opcode on the wire */
	l = build(p, sizeof(p), 3, MIH_OP_CONFIRM, 1, "x", "b", 1, 0);
	inject(fd, &self->b, p, l);
	/* a fragment */
	l = build(p, sizeof(p), 3, MIH_OP_REQUEST, 1, "x", "b", 1, 0);
	p[0] |= 0x01;
	inject(fd, &self->b, p, l);
	/* bad TLV after the IDs */
	l = build(p, sizeof(p), 3, MIH_OP_REQUEST, 1, "x", "b", 1, 0);
	p[l - 5] = 9;	/* the seq TLV's length now runs past the end */
	inject(fd, &self->b, p, l);
	/* unmatched response and unmatched pure ACK */
	l = mk_rsp(p, sizeof(p), "x", "b", 77, 3, 1, false);
	inject(fd, &self->b, p, l);
	l = build(p, sizeof(p), 3, MIH_OP_REQUEST, 1, "x", "b", 1, 0);
	p[0] |= 0x04;
	inject(fd, &self->b, p, l);
	/* for someone else; from ourselves */
	l = build(p, sizeof(p), 3, MIH_OP_REQUEST, 1, "x", "q", 1, 0);
	inject(fd, &self->b, p, l);
	l = build(p, sizeof(p), 3, MIH_OP_REQUEST, 1, "b", "b", 1, 0);
	inject(fd, &self->b, p, l);
	run_for(self->loop, 100);
	mihx_get_stats(self->b.x, &sb);
	EXPECT_EQ(6, sb.malformed);
	EXPECT_EQ(2, sb.unmatched);
	EXPECT_EQ(2, sb.not_for_us);
	EXPECT_EQ(0, self->b.nrx);
	EXPECT_EQ(0, sb.tx);
	/* still serving: an empty Destination MIHF ID is accepted too */
	l = build(p, sizeof(p), 3, MIH_OP_REQUEST, 1, "x", "", 1, 0);
	inject(fd, &self->b, p, l);
	run_for(self->loop, 50);
	EXPECT_EQ(1, self->b.nreq);
	close(fd);
}

/* ---- TCP ---- */

static void small_dgram(struct mihx_cfg *c)
{
	c->max_dgram = 1000;
}

TEST_F(tr, tcp_for_big_pdus)
{
	struct mihx_stats sa, sb;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, true,
			   small_dgram));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, true,
			   small_dgram));
	ASSERT_EQ(mihx_port(self->b.x), mihx_tcp_port(self->b.x));
	self->b.rsp_body = 3000;
	self->to_len = addr_of(&self->b, AF_INET, &self->to);
	{
		uint8_t *big = malloc(MIH_PDU_MAX);

		size_t l = build(big, MIH_PDU_MAX, 3, MIH_OP_REQUEST, 1, "a",
				 "b", 42, 60000);
		ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to,
					  self->to_len, big, l, 0, 2000, done,
					  &self->r, NULL));
		ASSERT_EQ(1, run(self->loop, 3000));
		ASSERT_EQ(1, self->r.calls);
		EXPECT_EQ(0, self->r.status[0]);
		EXPECT_EQ(1042, self->r.seq[0]);
		EXPECT_TRUE(self->r.tcp);
		EXPECT_TRUE(self->b.last_tcp);
		/* a small response to a small request: UDP again */
		self->b.rsp_body = 0;
		memset(&self->r, 0, sizeof(self->r));
		self->r.loop = self->loop;
		self->r.stop = true;
		l = build(big, MIH_PDU_MAX, 3, MIH_OP_REQUEST, 1, "a", "b",
			  43, 0);
		ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to,
					  self->to_len, big, l, 0, 2000, done,
					  &self->r, NULL));
		ASSERT_EQ(1, run(self->loop, 3000));
		EXPECT_EQ(1043, self->r.seq[0]);
		EXPECT_FALSE(self->r.tcp);
		/* a big one again reuses the connection; late answer */
		self->b.mode = ANSWER_LATER;
		self->b.late_ms = 30;
		self->b.rsp_body = 5000;
		memset(&self->r, 0, sizeof(self->r));
		self->r.loop = self->loop;
		self->r.stop = true;
		l = build(big, MIH_PDU_MAX, 3, MIH_OP_REQUEST, 1, "a", "b",
			  44, 2000);
		ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to,
					  self->to_len, big, l, 0, 2000, done,
					  &self->r, NULL));
		ASSERT_EQ(1, run(self->loop, 3000));
		EXPECT_EQ(0, self->r.status[0]);
		EXPECT_EQ(1044, self->r.seq[0]);
		EXPECT_TRUE(self->r.tcp);
		run_for(self->loop, 50);
		free(big);
	}
	mihx_get_stats(self->a.x, &sa);
	mihx_get_stats(self->b.x, &sb);
	EXPECT_EQ(1, sa.tcp_conns);
	EXPECT_EQ(1, sb.tcp_conns);
	EXPECT_EQ(3, sb.tcp_rx);	/* 2 requests, 1 ACK */
	EXPECT_EQ(0, sb.txn_active);
	EXPECT_EQ(0, sa.txn_active);
	EXPECT_EQ(0, sa.rtx);
}

TEST_F(tr, big_pdu_without_tcp_is_emsgsize)
{
	uint8_t *big = malloc(MIH_PDU_MAX);
	size_t l;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false,
			   small_dgram));
	self->to_len = addr_of(&self->a, AF_INET, &self->to);
	l = build(big, MIH_PDU_MAX, 3, MIH_OP_REQUEST, 1, "a", "b", 1, 1000);
	EXPECT_EQ(-EMSGSIZE, mihx_request(self->a.x, (void *)&self->to,
					  self->to_len, big, l, 0, 0, done,
					  &self->r, NULL));
	l = build(big, MIH_PDU_MAX, 3, MIH_OP_INDICATION, 1, "a", "b", 1,
		  1000);
	EXPECT_EQ(-EMSGSIZE, mihx_indicate(self->a.x, (void *)&self->to,
					   self->to_len, big, l, 0, NULL, NULL,
					   NULL));
	EXPECT_EQ(0, self->r.calls);
	free(big);
}

TEST_F(tr, tcp_stream_framing_split_and_coalesced)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	uint8_t p[256], two[512];
	size_t l;
	int fd, i;

	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, true, NULL));
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	sl = addr_of(&self->b, AF_INET6, &ss);
	ASSERT_EQ(0, connect(fd, (void *)&ss, sl));
	/* one PDU one octet at a time, then two in one write */
	/* (distinct TIDs: the same one would be a duplicate) */
	l = build(p, sizeof(p), 3, MIH_OP_INDICATION, 1, "x", "b", 1, 0);
	p[5] = 1;
	for (i = 0; i < (int)l; i++) {
		ASSERT_EQ(1, write(fd, p + i, 1));
		run_for(self->loop, 1);
	}
	p[5] = 2;
	memcpy(two, p, l);
	l = build(p, sizeof(p), 3, MIH_OP_INDICATION, 1, "x", "b", 2, 0);
	p[5] = 3;
	memcpy(two + l, p, l);
	ASSERT_EQ((ssize_t)(2 * l), write(fd, two, 2 * l));
	run_for(self->loop, 50);
	EXPECT_EQ(3, self->b.nind);
	EXPECT_TRUE(self->b.last_tcp);
	/* the same TID again: a duplicate, not delivered */
	ASSERT_EQ((ssize_t)l, write(fd, p, l));
	run_for(self->loop, 50);
	EXPECT_EQ(3, self->b.nind);
	/* a stream that is not MIH v1 is closed */
	ASSERT_EQ(8, write(fd, "\x20\0\0\0\0\0\0\0", 8));
	run_for(self->loop, 50);
	EXPECT_EQ(0, (int)read(fd, p, sizeof(p)));
	close(fd);
}

/* ---- keepalive ---- */

struct ka_list {
	int n;
	char id[8];
	uint64_t last;
	int family;
};

static void ka_each(void *arg, const struct sockaddr *to, socklen_t to_len,
		    const uint8_t *id, size_t id_len, uint64_t last_ns)
{
	struct ka_list *l = arg;

	l->n++;
	snprintf(l->id, sizeof(l->id), "%.*s", (int)id_len, (const char *)id);
	l->last = last_ns;
	l->family = to->sa_family;
}

static void ka_fast(struct mihx_cfg *c)
{
	c->keepalive_ms = 50;
}

TEST_F(tr, keepalive_probe_refreshes_last_seen)
{
	uint64_t seen = 1;
	struct ka_list kl = { 0 };
	struct sockaddr_storage other;
	socklen_t ol;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false,
			   ka_fast));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false, NULL));
	self->b.mode = IGNORE;
	self->to_len = addr_of(&self->b, AF_INET, &self->to);
	ASSERT_EQ(0, mihx_keepalive_add(self->a.x, (void *)&self->to,
					self->to_len, (const uint8_t *)"b", 1));
	ASSERT_EQ(0, mihx_keepalive_last_seen(self->a.x, (void *)&self->to,
					      self->to_len, &seen));
	EXPECT_EQ(0, seen);
	run_for(self->loop, 130);	/* two probes (at 50, 100), ignored */
	/* (a loaded machine may skip a period: at least one, at most 2) */
	EXPECT_GE(self->b.nreq, 1);
	EXPECT_LE(self->b.nreq, 2);
	EXPECT_EQ(MIH_AID_CAPABILITY_DISCOVER, self->b.last_aid);
	/* no ACK-Req, IDs only, each delivered */
	EXPECT_EQ(self->b.nreq, count(&self->a, true, MIH_OP_REQUEST, 0, 0,
				      false));
	EXPECT_EQ(0, count(&self->b, true, MIH_OP_REQUEST, -1, -1, false));
	ASSERT_EQ(0, mihx_keepalive_last_seen(self->a.x, (void *)&self->to,
					      self->to_len, &seen));
	EXPECT_EQ(0, seen);
	self->b.mode = ANSWER_NOW;
	run_for(self->loop, 60);
	ASSERT_EQ(0, mihx_keepalive_last_seen(self->a.x, (void *)&self->to,
					      self->to_len, &seen));
	EXPECT_NE(0, seen);
	EXPECT_LT(md_now_ns() - seen, 70 * MS);
	mihx_keepalive_foreach(self->a.x, ka_each, &kl);
	EXPECT_EQ(1, kl.n);
	EXPECT_STREQ("b", kl.id);
	EXPECT_EQ(seen, kl.last);
	EXPECT_EQ(AF_INET, kl.family);
	ol = addr_of(&self->a, AF_INET6, &other);
	EXPECT_EQ(-ENOENT, mihx_keepalive_last_seen(self->a.x, (void *)&other,
						    ol, &seen));
	EXPECT_EQ(0, mihx_keepalive_del(self->a.x, (void *)&self->to,
					self->to_len));
	EXPECT_EQ(-ENOENT, mihx_keepalive_del(self->a.x, (void *)&self->to,
					      self->to_len));
}

/* ---- tear-down with work pending ---- */

TEST_F(tr, free_with_pending_transactions_and_held_requests)
{
	struct res r2 = { 0 };
	int i;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, true, NULL));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, true, NULL));
	self->b.mode = HOLD;
	self->to_len = addr_of(&self->b, AF_INET6, &self->to);
	self->r.stop = false;
	for (i = 0; i < 5; i++) {
		REQ(self, i);
		ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to,
					  self->to_len, self->buf, self->len,
					  0, 5000, done, &self->r, NULL));
	}
	self->len = build(self->buf, sizeof(self->buf), MIH_SID_EVENT,
			  MIH_OP_INDICATION, 2, "a", "b", 1, 0);
	ASSERT_EQ(0, mihx_indicate(self->a.x, (void *)&self->to, self->to_len,
				   self->buf, self->len, MIHX_F_ACKREQ, done,
				   &r2, NULL));
	run_for(self->loop, 50);
	EXPECT_EQ(5, self->b.nheld);
	EXPECT_EQ(1, r2.calls);
	EXPECT_EQ(0, self->r.calls);
	/* b answers one late with a held request and frees the rest */
	mihx_free(self->b.x);
	self->b.x = NULL;
	mihx_free(self->a.x);
	self->a.x = NULL;
	EXPECT_EQ(5, self->r.calls);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(-ECANCELED, self->r.status[i]);
}

TEST_F(tr, respond_errors_and_async_release)
{
	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false, NULL));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false, NULL));
	self->b.mode = HOLD;
	self->to_len = addr_of(&self->b, AF_INET, &self->to);
	REQ(self, 1);
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, 0, 200, done,
				  &self->r, NULL));
	run_for(self->loop, 40);
	ASSERT_EQ(1, self->b.nheld);
	EXPECT_EQ(self->b.x, mihx_in_transport(self->b.held[0]));
	/* a response with another AID is refused (and releases) */
	self->len = build(self->buf, sizeof(self->buf), MIH_SID_COMMAND,
			  MIH_OP_RESPONSE, MIH_AID_MN_HO_COMPLETE, "b", "a", 1,
			  0);
	EXPECT_EQ(-EINVAL, mihx_respond(self->b.held[0], self->buf,
					self->len));
	self->b.nheld = 0;
	ASSERT_EQ(1, run(self->loop, 2000));
	EXPECT_EQ(-ETIMEDOUT, self->r.status[0]);
	/* released without answer: a duplicate only gets an ACK */
	REQ(self, 2);
	memset(&self->r, 0, sizeof(self->r));
	self->r.loop = self->loop;
	self->r.stop = true;
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, 0, 200, done,
				  &self->r, NULL));
	run_for(self->loop, 40);
	ASSERT_EQ(1, self->b.nheld);
	mihx_in_release(self->b.held[0]);
	self->b.nheld = 0;
	ASSERT_EQ(1, run(self->loop, 2000));
	EXPECT_EQ(-ETIMEDOUT, self->r.status[0]);
	EXPECT_EQ(2, self->b.nreq);
}

TEST_F(tr, released_inside_rx_still_acked)
{
	struct mihx_stats sa;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, false, NULL));
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false, NULL));
	self->b.mode = RELEASE;
	self->to_len = addr_of(&self->b, AF_INET, &self->to);
	REQ(self, 1);
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  self->buf, self->len, 0, 200, done,
				  &self->r, NULL));
	ASSERT_EQ(1, run(self->loop, 2000));
	EXPECT_EQ(-ETIMEDOUT, self->r.status[0]);
	EXPECT_EQ(1, count(&self->b, true, MIH_OP_REQUEST, 0, 1, false));
	mihx_get_stats(self->a.x, &sa);
	EXPECT_EQ(0, sa.rtx);
	EXPECT_EQ(1, sa.acks_rx);
	EXPECT_EQ(1, self->b.nreq);
}

TEST_F(tr, tcp_connect_refused_fails_the_transaction)
{
	uint8_t *big = malloc(MIH_PDU_MAX);
	size_t l;

	ASSERT_EQ(0, start(self->loop, &self->a, "a", "", 20, true,
			   small_dgram));
	/* b speaks UDP only: nobody listens on its port over TCP */
	ASSERT_EQ(0, start(self->loop, &self->b, "b", "", 20, false, NULL));
	self->to_len = addr_of(&self->b, AF_INET, &self->to);
	l = build(big, MIH_PDU_MAX, 3, MIH_OP_REQUEST, 1, "a", "b", 1, 5000);
	ASSERT_EQ(0, mihx_request(self->a.x, (void *)&self->to, self->to_len,
				  big, l, 0, 2000, done, &self->r, NULL));
	ASSERT_EQ(1, run(self->loop, 2000));
	ASSERT_EQ(1, self->r.calls);
	EXPECT_EQ(-ECONNREFUSED, self->r.status[0]);
	EXPECT_EQ(0, self->b.nrx);
	free(big);
}

TEST_HARNESS_MAIN

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scripted stand-in for the mihsec kernel module, for unit tests of the
 * netlink client and mihsecctl: it receives the library's requests through
 * struct mihsec_nl_io and answers with netlink datagrams built by libnl
 * (ACKs, errors with extended ACK TLVs, SA/policy/stats replies, dumps).
 * Header-only: included by test_ctl_nl.c and test_ctl_main.c.
 */
#ifndef MIHSEC_TEST_CTL_FAKE_H
#define MIHSEC_TEST_CTL_FAKE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "lib/nl.h"

#define FAKE_FAMILY	0x1d
#define FAKE_MAXREQ	16
#define FAKE_MAXQ	64
#define FAKE_DGRAM	32768

struct fake;
typedef void (*fake_handler)(struct fake *f, struct nlmsghdr *req);

struct fake {
	struct mihsec_nl_io io;
	fake_handler on_req;		/* queues the answer to a request */
	void *priv;
	int send_err;			/* if set, send() fails with it */

	int nreq;
	unsigned char req[FAKE_MAXREQ][4096];

	struct {
		unsigned char *buf;
		int len;
	} q[FAKE_MAXQ];
	int qhead, qtail;

	unsigned char cur[FAKE_DGRAM];	/* datagram being built */
	int curlen;
	char joined[32];		/* multicast group joined */
	int join_err;
	int npolls, last_timeout;
	int idle_signal;
	int recv_err;			/* next recv() fails with it, once */
};

static inline struct nlmsghdr *fake_req(struct fake *f, int i)
{
	return (struct nlmsghdr *)f->req[i];
}

/* Append a message to the datagram being built, and free it */
static inline void fake_add(struct fake *f, struct nl_msg *m)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	int len = NLMSG_ALIGN(h->nlmsg_len);

	if (f->curlen + len <= FAKE_DGRAM) {
		memcpy(f->cur + f->curlen, h, h->nlmsg_len);
		memset(f->cur + f->curlen + h->nlmsg_len, 0,
		       len - h->nlmsg_len);
		f->curlen += len;
	}
	nlmsg_free(m);
}

/* Queue the datagram built so far */
static inline void fake_flush(struct fake *f)
{
	if (!f->curlen || f->qtail == FAKE_MAXQ)
		return;
	f->q[f->qtail].buf = malloc(f->curlen);
	memcpy(f->q[f->qtail].buf, f->cur, f->curlen);
	f->q[f->qtail].len = f->curlen;
	f->qtail++;
	f->curlen = 0;
}

/* Add one message and queue it as its own datagram */
static inline void fake_send1(struct fake *f, struct nl_msg *m)
{
	fake_flush(f);
	fake_add(f, m);
	fake_flush(f);
}

/* A generic netlink message of the fake family answering @req */
static inline struct nl_msg *fake_genl(struct nlmsghdr *req, int flags)
{
	struct nl_msg *m = nlmsg_alloc();
	struct genlmsghdr *g = nlmsg_data(req);

	genlmsg_put(m, 0, req->nlmsg_seq, FAKE_FAMILY, 0, flags, g->cmd,
		    MIHSEC_GENL_VERSION);
	return m;
}

/*
 * NLMSG_ERROR for @req: @err 0 is an ACK.  With @capped the request is not
 * echoed (NETLINK_CAP_ACK); @msg, @miss_type (0: none) and @offs (0: none)
 * become extended ACK TLVs.
 */
static inline struct nl_msg *fake_err(struct nlmsghdr *req, int err,
				      bool capped, const char *msg,
				      uint32_t miss_type, uint32_t offs)
{
	bool tlvs = msg || miss_type || offs;
	int flags = (capped ? NLM_F_CAPPED : 0) | (tlvs ? NLM_F_ACK_TLVS : 0);
	size_t echo = capped ? 0 : req->nlmsg_len - NLMSG_HDRLEN;
	struct nl_msg *m = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	struct nlmsgerr *e;

	nlmsg_hdr(m)->nlmsg_seq = req->nlmsg_seq;
	e = nlmsg_reserve(m, sizeof(*e) + echo, NLMSG_ALIGNTO);
	e->error = err;
	memcpy(&e->msg, req, capped ? sizeof(*req) : req->nlmsg_len);
	if (msg)
		nla_put_string(m, NLMSGERR_ATTR_MSG, msg);
	if (offs)
		nla_put_u32(m, NLMSGERR_ATTR_OFFS, offs);
	if (miss_type)
		nla_put_u32(m, NLMSGERR_ATTR_MISS_TYPE, miss_type);
	return m;
}

static inline void fake_ack(struct fake *f, struct nlmsghdr *req)
{
	fake_send1(f, fake_err(req, 0, true, NULL, 0, 0));
}

/* NLMSG_DONE ending a dump, with the dump's error code and message */
static inline struct nl_msg *fake_done(struct nlmsghdr *req, int err,
				       int flags, const char *msg)
{
	struct nl_msg *m = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | flags |
					      (msg ? NLM_F_ACK_TLVS : 0));
	int *p;

	nlmsg_hdr(m)->nlmsg_seq = req->nlmsg_seq;
	p = nlmsg_reserve(m, sizeof(int), NLMSG_ALIGNTO);
	*p = err;
	if (msg)
		nla_put_string(m, NLMSGERR_ATTR_MSG, msg);
	return m;
}

/* Everything MIHSEC_CMD_SA_GET replies with, from @sa (minus @skip) */
static inline struct nl_msg *fake_sa(struct nlmsghdr *req, int flags,
				     const struct mihsec_sa_info *sa, int skip)
{
	struct nl_msg *m = fake_genl(req, flags);
	struct nlattr *nest;

#define PUT(t, call) do { if ((t) != skip) call; } while (0)
	PUT(MIHSEC_A_SA_INDEX, nla_put_u32(m, MIHSEC_A_SA_INDEX, sa->index));
	PUT(MIHSEC_A_SA_LOCAL_ID, nla_put(m, MIHSEC_A_SA_LOCAL_ID,
					  (int)sa->local_id_len,
					  sa->local_id));
	PUT(MIHSEC_A_SA_PEER_ID, nla_put(m, MIHSEC_A_SA_PEER_ID,
					 (int)sa->peer_id_len, sa->peer_id));
	PUT(MIHSEC_A_SA_SUITE, nla_put_u8(m, MIHSEC_A_SA_SUITE, sa->suite));
	PUT(MIHSEC_A_SA_ROLE, nla_put_u8(m, MIHSEC_A_SA_ROLE, sa->role));
	PUT(MIHSEC_A_SA_FLAGS, nla_put_u32(m, MIHSEC_A_SA_FLAGS, sa->flags));
	PUT(MIHSEC_A_SA_TX_KEYID, nla_put(m, MIHSEC_A_SA_TX_KEYID, 8,
					  sa->tx_keyid));
	PUT(MIHSEC_A_SA_RX_KEYID, nla_put(m, MIHSEC_A_SA_RX_KEYID, 8,
					  sa->rx_keyid));
	PUT(MIHSEC_A_SA_REPLAY_WINDOW,
	    nla_put_u32(m, MIHSEC_A_SA_REPLAY_WINDOW, sa->replay_window));
	PUT(MIHSEC_A_SA_TX_SEQ, nla_put_u64(m, MIHSEC_A_SA_TX_SEQ,
					    sa->tx_seq));
	PUT(MIHSEC_A_SA_RX_SEQ, nla_put_u64(m, MIHSEC_A_SA_RX_SEQ,
					    sa->rx_seq));
	PUT(MIHSEC_A_SA_AGE, nla_put_u64(m, MIHSEC_A_SA_AGE, sa->age));
	if (skip != MIHSEC_A_SA_STATS) {
		nest = nla_nest_start(m, MIHSEC_A_SA_STATS);
		for (int i = 1; i <= MIHSEC_SA_STAT_MAX; i++)
			nla_put_u64(m, i, sa->stats[i]);
		nla_nest_end(m, nest);
	}
#undef PUT
	if (sa->has_allow)
		mihsec_nl_put_mids(m, MIHSEC_A_SA_ALLOW, &sa->allow);
	if (sa->life.has_soft_secs)
		nla_put_u32(m, MIHSEC_A_SA_SOFT_SECS, sa->life.soft_secs);
	if (sa->life.has_hard_secs)
		nla_put_u32(m, MIHSEC_A_SA_HARD_SECS, sa->life.hard_secs);
	if (sa->life.has_soft_msgs)
		nla_put_u64(m, MIHSEC_A_SA_SOFT_MSGS, sa->life.soft_msgs);
	if (sa->life.has_hard_msgs)
		nla_put_u64(m, MIHSEC_A_SA_HARD_MSGS, sa->life.hard_msgs);
	if (sa->life.has_grace)
		nla_put_u32(m, MIHSEC_A_SA_GRACE, sa->life.grace);
	return m;
}

/* Give @sa the issue-3 optional attributes, as the kernel reports them */
static inline void fake_sa_life(struct mihsec_sa_info *sa)
{
	sa->has_allow = true;
	sa->allow.n = 3;
	sa->allow.mids[0] = 0x4401;
	sa->allow.mids[1] = 0x4801;
	sa->allow.mids[2] = 0x2c02;
	sa->life = (struct mihsec_sa_life){
		.has_soft_secs = true, .has_hard_secs = true,
		.has_soft_msgs = true, .has_hard_msgs = true,
		.has_grace = true, .soft_secs = 3000, .hard_secs = 3600,
		.soft_msgs = 1ULL << 40, .hard_msgs = (1ULL << 40) + 5,
		.grace = 30,
	};
}

/* A test SA whose fields all derive from @n */
static inline void fake_sa_info(struct mihsec_sa_info *sa, int n)
{
	memset(sa, 0, sizeof(*sa));
	sa->index = 100 + n;
	sa->local_id_len = (size_t)snprintf((char *)sa->local_id,
					    sizeof(sa->local_id), "local-%d",
					    n);
	sa->peer_id_len = (size_t)snprintf((char *)sa->peer_id,
					   sizeof(sa->peer_id), "peer-%d", n);
	sa->suite = MIHSEC_SUITE_AES128_GCM;
	sa->role = n % 2 ? MIHSEC_ROLE_NETWORK : MIHSEC_ROLE_MMT;
	sa->flags = n % 2 ? 0 : MIHSEC_SA_F_ENCRYPT;
	for (int i = 0; i < 8; i++) {
		sa->tx_keyid[i] = (uint8_t)(0x10 * n + i);
		sa->rx_keyid[i] = (uint8_t)(0x80 + 0x10 * n + i);
	}
	sa->replay_window = 1024;
	sa->tx_seq = 1000000ULL * n + 1;
	sa->rx_seq = 1000000ULL * n + 2;
	sa->age = 60ULL * n;
	for (int i = 1; i <= MIHSEC_SA_STAT_MAX; i++)
		sa->stats[i] = (uint64_t)n << 32 | (uint64_t)i;
}

static inline struct nl_msg *fake_policy(struct nlmsghdr *req,
					 uint8_t policy, uint16_t port,
					 uint32_t count)
{
	struct nl_msg *m = fake_genl(req, 0);

	nla_put_u8(m, MIHSEC_A_POLICY, policy);
	nla_put_u16(m, MIHSEC_A_PORT, port);
	nla_put_u32(m, MIHSEC_A_SA_COUNT, count);
	return m;
}

/* POLICY_GET reply with everything of @pi (present ones) */
static inline struct nl_msg *fake_policy_info(struct nlmsghdr *req,
					      const struct mihsec_policy_info *pi)
{
	struct nl_msg *m = fake_policy(req, pi->policy, pi->port,
				       pi->sa_count);

	if (pi->has_exempt)
		mihsec_nl_put_mids(m, MIHSEC_A_EXEMPT, &pi->exempt);
	if (pi->has_exempt_uir)
		mihsec_nl_put_mids(m, MIHSEC_A_EXEMPT_UIR, &pi->exempt_uir);
	if (pi->has_event_rate)
		nla_put_u32(m, MIHSEC_A_EVENT_RATE, pi->event_rate);
	if (pi->has_event_burst)
		nla_put_u32(m, MIHSEC_A_EVENT_BURST, pi->event_burst);
	return m;
}

/* The kernel's default policy settings (uapi: MIHSEC_CMD_POLICY_SET) */
static inline void fake_policy_defaults(struct mihsec_policy_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->policy = MIHSEC_POLICY_OPTIONAL;
	pi->port = 4551;
	pi->sa_count = 2;
	pi->has_exempt = pi->has_exempt_uir = true;
	pi->has_event_rate = pi->has_event_burst = true;
	pi->exempt.n = 2;
	pi->exempt.mids[0] = 0x1401;
	pi->exempt.mids[1] = 0x1801;
	pi->exempt_uir.n = 1;
	pi->exempt_uir.mids[0] = 0x4401;
	pi->event_rate = 100;
	pi->event_burst = 100;
}

/* A MIHSEC_CMD_EVENT multicast (sequence 0, port 0) from @ev */
static inline struct nl_msg *fake_event(const struct mihsec_event_info *ev)
{
	struct nl_msg *m = nlmsg_alloc();

	genlmsg_put(m, 0, 0, FAKE_FAMILY, 0, 0, MIHSEC_CMD_EVENT,
		    MIHSEC_GENL_VERSION);
	nla_put_u8(m, MIHSEC_A_EVENT_TYPE, ev->type);
	if (ev->has_addr)
		nla_put(m, MIHSEC_A_EVENT_ADDR, ev->addr_len, ev->addr);
	if (ev->has_peer_id)
		nla_put(m, MIHSEC_A_SA_PEER_ID, (int)ev->peer_id_len,
			ev->peer_id);
	if (ev->has_local_id)
		nla_put(m, MIHSEC_A_SA_LOCAL_ID, (int)ev->local_id_len,
			ev->local_id);
	if (ev->has_keyid)
		nla_put(m, MIHSEC_A_SA_RX_KEYID, MIHSEC_KEYID_LEN, ev->keyid);
	if (ev->has_index)
		nla_put_u32(m, MIHSEC_A_SA_INDEX, ev->index);
	if (ev->has_mid)
		nla_put_u16(m, MIHSEC_A_EVENT_MID, ev->mid);
	return m;
}

/* An event with every attribute: @n picks the type and the values */
static inline void fake_event_info(struct mihsec_event_info *ev, int n)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = (uint8_t)n;
	ev->has_addr = ev->has_peer_id = ev->has_local_id = true;
	ev->has_keyid = ev->has_index = ev->has_mid = true;
	if (n % 2) {
		ev->addr_len = 4;
		memcpy(ev->addr, "\xc0\x00\x02\x01", 4);	/* 192.0.2.1 */
	} else {
		static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8,
						[15] = 0x07 };

		ev->addr_len = 16;
		memcpy(ev->addr, a6, 16);		/* 2001:db8::7 */
	}
	ev->peer_id_len = (size_t)snprintf((char *)ev->peer_id,
					   sizeof(ev->peer_id), "peer-%d", n);
	ev->local_id_len = (size_t)snprintf((char *)ev->local_id,
					    sizeof(ev->local_id), "local-%d",
					    n);
	for (int i = 0; i < 8; i++)
		ev->keyid[i] = (uint8_t)(0x10 * n + i);
	ev->index = 100 + (uint32_t)n;
	ev->mid = 0x4401;
}

/* Stats reply with counter i = base + i; @omit (0: none) left out */
static inline struct nl_msg *fake_stats(struct nlmsghdr *req, uint64_t base,
					int omit)
{
	struct nl_msg *m = fake_genl(req, 0);
	struct nlattr *nest = nla_nest_start(m, MIHSEC_A_STATS);

	for (int i = 1; i <= MIHSEC_STAT_MAX; i++)
		if (i != omit)
			nla_put_u64(m, i, base + (uint64_t)i);
	nla_nest_end(m, nest);
	return m;
}

static inline int fake_io_send(void *arg, const struct nlmsghdr *req)
{
	struct fake *f = arg;
	struct nlmsghdr *copy;

	if (f->send_err)
		return f->send_err;
	if (f->nreq == FAKE_MAXREQ || req->nlmsg_len > sizeof(f->req[0]))
		return -ENOBUFS;
	memcpy(f->req[f->nreq], req, req->nlmsg_len);
	copy = fake_req(f, f->nreq++);
	if (f->on_req)
		f->on_req(f, copy);
	fake_flush(f);
	return 0;
}

static inline int fake_io_recv(void *arg, unsigned char **buf)
{
	struct fake *f = arg;
	int len;

	if (f->recv_err) {	/* fail once */
		len = f->recv_err;
		f->recv_err = 0;
		return len;
	}
	if (f->qhead == f->qtail)
		return -EAGAIN;	/* nothing queued: the test would hang */
	*buf = f->q[f->qhead].buf;
	len = f->q[f->qhead].len;
	f->q[f->qhead].buf = NULL;
	f->qhead++;
	return len;
}

/* Multicast groups joined (mihsec_nl_subscribe_events) */
static inline int fake_io_join(void *arg, const char *group)
{
	struct fake *f = arg;

	if (f->join_err)
		return f->join_err;
	snprintf(f->joined, sizeof(f->joined), "%s", group);
	return 0;
}

/*
 * Readable while something is queued.  Else: raise idle_signal (if set;
 * the signal arrives while mihsec_nl_wait() lets it through) and report
 * -EINTR, or sleep up to 20 ms and report a time-out.
 */
static inline int fake_io_poll(void *arg, int timeout_ms)
{
	struct fake *f = arg;

	f->last_timeout = timeout_ms;
	f->npolls++;
	if (f->qhead < f->qtail)
		return 1;
	if (f->idle_signal) {
		raise(f->idle_signal);
		return -EINTR;
	}
	if (timeout_ms != 0)
		usleep(1000 * (timeout_ms < 0 || timeout_ms > 20 ? 20 :
			       timeout_ms));
	return 0;
}

static inline void fake_init(struct fake *f, fake_handler h, void *priv)
{
	memset(f, 0, sizeof(*f));
	f->io.send = fake_io_send;
	f->io.recv = fake_io_recv;
	f->io.join = fake_io_join;
	f->io.poll = fake_io_poll;
	f->io.arg = f;
	f->on_req = h;
	f->priv = priv;
}

static inline void fake_fini(struct fake *f)
{
	for (int i = f->qhead; i < f->qtail; i++)
		free(f->q[i].buf);
	f->qhead = f->qtail = 0;
}

/* genl command of request @i */
static inline int fake_cmd(struct fake *f, int i)
{
	return ((struct genlmsghdr *)nlmsg_data(fake_req(f, i)))->cmd;
}

#endif /* MIHSEC_TEST_CTL_FAKE_H */

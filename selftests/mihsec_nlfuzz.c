// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: hostile input on the "mihsec" generic netlink family (runs in
 * the VM with mihsec.ko loaded; a kernel bug shows as an oops, a KASAN or
 * lockdep report in dmesg, which scripts/vm-run and run.sh fail on).
 *   - random_messages: MIHSEC_NLFUZZ_ITERS (default 20000) messages of
 *     every command of the family (and commands it does not have): mutated
 *     valid SAs, random attribute sets, out-of-range and read-only
 *     attribute types, wrong lengths and values, hostile nests (oversized,
 *     wrong inner types, nests in nests), corrupted attribute lengths,
 *     truncated attributes, trailing junk, random netlink flags, versions
 *     and reserved fields, dumps.  Each must be answered by an ack, an error
 *     (a negative errno) or a complete dump, with well-formed replies; then
 *     the family must still work: SA count and a dump agree, every SA can
 *     be read and deleted, a fresh SA round-trips.
 *   - broken_framing: nlmsg_len shorter than the headers, longer than the
 *     datagram, several messages per datagram, a genl header cut short.
 *   - nonadmin: a process that dropped to nobody (socket opened before and
 *     after dropping) and root of a new user namespace get -EPERM for every
 *     command marked admin, whatever their attributes; POLICY_GET and
 *     STATS_GET answer them; joining the events group works; nothing
 *     changed.
 *   - huge_dump_vs_deletes: MIHSEC_NLFUZZ_SAS (default 100000) SAs, then two
 *     processes dump the table over and over while a third deletes half of
 *     them and adds more: every dump completes (NLMSG_DONE), lists no SA
 *     twice and misses none of the SAs that stayed, interrupted ones are
 *     flagged NLM_F_DUMP_INTR (counted, printed); afterwards a dump, the
 *     SA count and the expected number agree; then the namespace is deleted
 *     with its SAs.
 * The pseudo-random sequence comes from MIHSEC_NLFUZZ_SEED (a number, or
 * "random"; default fixed), printed so a failure can be replayed.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/mihsec.h>
#include "kselftest_harness.h"
#include "mihsec_lib.h"

#define SEED_DEFAULT	0x6d69687365633031ULL
#define MSG_MAX		65536
#define RCV_MAX		(512 * 1024)
#define VAL_MAX		4096
#define ATTRS_MAX	40
#define NOBODY		65534

/* ---- configuration and the pseudo-random sequence --------------------- */

static uint64_t rng;

static uint64_t rnd(void)	/* xorshift64* */
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

static void rnd_bytes(uint8_t *b, size_t n)
{
	while (n--)
		*b++ = (uint8_t)rnd();
}

static unsigned long env_num(const char *name, unsigned long def)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 0) : def;
}

/* seed the sequence for test @tag (each test gets its own stream) */
static uint64_t seed_for(const char *tag)
{
	const char *s = getenv("MIHSEC_NLFUZZ_SEED");
	static uint64_t base;
	uint64_t h = 1469598103934665603ULL;

	if (!base) {
		if (s && !strcmp(s, "random"))
			base = (uint64_t)time(NULL) * 2654435761U ^ getpid();
		else
			base = s && *s ? strtoull(s, NULL, 0) : SEED_DEFAULT;
		if (!base)
			base = SEED_DEFAULT;
		printf("# seed %#llx (MIHSEC_NLFUZZ_SEED=%#llx replays it)\n",
		       (unsigned long long)base, (unsigned long long)base);
	}
	while (*tag)
		h = (h ^ (uint8_t)*tag++) * 1099511628211ULL;
	rng = base ^ h;
	if (!rng)
		rng = 1;
	return base;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- a raw generic netlink client ------------------------------------ */

struct nlc {
	int fd;
	uint32_t seq;
	uint16_t family;
	uint32_t mcgrp;
	uint8_t *rbuf;
};

/* what came back for one request */
struct answer {
	int err;		/* the ack's or NLMSG_DONE's error (<= 0) */
	unsigned int replies;	/* data messages */
	unsigned int intr;	/* replies flagged NLM_F_DUMP_INTR */
	bool done;		/* a dump: ended by NLMSG_DONE */
};

/* a problem with the answer itself (not an error the kernel chose) */
#define A_TIMEOUT	1
#define A_BAD		2

typedef int (*reply_cb)(const struct nlmsghdr *h, void *arg);

static char why[256];

/* walk the attributes in [p, p + len): 0 if every one is well formed */
static int attrs_ok(const uint8_t *p, size_t len)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		size_t al = NLA_ALIGN(a->nla_len);

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return -1;
		if (al > len)
			al = len;
		p += al;
		len -= al;
	}
	return len ? -1 : 0;
}

static const struct nlattr *attr_find(const struct nlmsghdr *h, int type)
{
	const uint8_t *p = (const uint8_t *)NLMSG_DATA(h) + GENL_HDRLEN;
	size_t len = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, al;

	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		al = NLA_ALIGN(a->nla_len);
		if (al > len)
			al = len;
		p += al;
		len -= al;
	}
	return NULL;
}

static const void *attr_data(const struct nlattr *a)
{
	return (const uint8_t *)a + NLA_HDRLEN;
}

static int attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static bool get_u32(const struct nlmsghdr *h, int type, uint32_t *v)
{
	const struct nlattr *a = attr_find(h, type);

	if (!a || attr_len(a) != 4)
		return false;
	memcpy(v, attr_data(a), 4);
	return true;
}

/*
 * Receive until the NLMSG_ERROR or NLMSG_DONE of @seq.  Returns 0 with *ans
 * filled, A_TIMEOUT or A_BAD (why[] says what).
 */
static int nlc_wait(struct nlc *c, uint32_t seq, reply_cb cb, void *arg,
		    struct answer *ans)
{
	memset(ans, 0, sizeof(*ans));
	for (;;) {
		ssize_t n = recv(c->fd, c->rbuf, RCV_MAX, MSG_TRUNC);
		struct nlmsghdr *h;
		size_t left;

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			snprintf(why, sizeof(why), "no answer to seq %u", seq);
			return A_TIMEOUT;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || n > RCV_MAX) {
			snprintf(why, sizeof(why), "recv: %zd (%s)", n,
				 n < 0 ? strerror(errno) : "truncated");
			return A_BAD;
		}
		left = (size_t)n;
		for (h = (void *)c->rbuf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != seq) {
				snprintf(why, sizeof(why),
					 "reply seq %u type %u, expected seq %u",
					 h->nlmsg_seq, h->nlmsg_type, seq);
				return A_BAD;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) ||
				    e->error > 0 || e->error < -4095) {
					snprintf(why, sizeof(why),
						 "bad NLMSG_ERROR (len %u)",
						 h->nlmsg_len);
					return A_BAD;
				}
				ans->err = e->error;
				return 0;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				int e = 0;

				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(e)))
					memcpy(&e, NLMSG_DATA(h), sizeof(e));
				if (e > 0 || e < -4095) {
					snprintf(why, sizeof(why),
						 "bad NLMSG_DONE error %d", e);
					return A_BAD;
				}
				ans->err = e;
				ans->done = true;
				return 0;
			}
			if (h->nlmsg_type != c->family ||
			    h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
			    attrs_ok((uint8_t *)NLMSG_DATA(h) + GENL_HDRLEN,
				     h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN))) {
				snprintf(why, sizeof(why),
					 "malformed reply type %u len %u",
					 h->nlmsg_type, h->nlmsg_len);
				return A_BAD;
			}
			ans->replies++;
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				ans->intr++;
			if (cb && cb(h, arg)) {
				snprintf(why, sizeof(why),
					 "reply content rejected");
				return A_BAD;
			}
		}
		if (left) {
			snprintf(why, sizeof(why), "%zu stray octets", left);
			return A_BAD;
		}
	}
}

static int nlc_send(struct nlc *c, const void *buf, size_t len)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };

	return sendto(c->fd, buf, len, 0, (struct sockaddr *)&k,
		      sizeof(k)) == (ssize_t)len ? 0 : -1;
}

/* a message being built */
struct msg {
	uint8_t b[MSG_MAX];
	size_t len;
};

static struct nlmsghdr *msg_hdr(struct msg *m)
{
	return (struct nlmsghdr *)m->b;
}

static void msg_init(struct msg *m, uint16_t type, uint16_t flags,
		     uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(m->b, 0, NLMSG_LENGTH(GENL_HDRLEN));
	msg_hdr(m)->nlmsg_type = type;
	msg_hdr(m)->nlmsg_flags = flags;
	g = NLMSG_DATA(msg_hdr(m));
	g->cmd = cmd;
	g->version = MIHSEC_GENL_VERSION;
	m->len = NLMSG_LENGTH(GENL_HDRLEN);
}

static int msg_put(struct msg *m, uint16_t type, const void *v, size_t len)
{
	struct nlattr *a = (void *)(m->b + m->len);

	if (m->len + NLA_ALIGN(NLA_HDRLEN + len) > MSG_MAX ||
	    NLA_HDRLEN + len > 0xffff)
		return -1;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(m->b + m->len + NLA_HDRLEN, v, len);
	memset(m->b + m->len + NLA_HDRLEN + len, 0,
	       NLA_ALIGN(len) - len);
	m->len += NLA_ALIGN(NLA_HDRLEN + len);
	return 0;
}

/* send @m (nlmsg_len = m->len) with a fresh seq and wait for its answer */
static int nlc_xact(struct nlc *c, struct msg *m, reply_cb cb, void *arg,
		    struct answer *ans)
{
	msg_hdr(m)->nlmsg_len = m->len;
	msg_hdr(m)->nlmsg_seq = ++c->seq;
	if (nlc_send(c, m->b, m->len)) {
		snprintf(why, sizeof(why), "send: %s", strerror(errno));
		return A_BAD;
	}
	return nlc_wait(c, c->seq, cb, arg, ans);
}

static int family_cb(const struct nlmsghdr *h, void *arg)
{
	struct nlc *c = arg;
	const struct nlattr *a = attr_find(h, CTRL_ATTR_FAMILY_ID);
	const uint8_t *p, *end;

	if (!a || attr_len(a) != 2)
		return -1;
	memcpy(&c->family, attr_data(a), 2);
	a = attr_find(h, CTRL_ATTR_MCAST_GROUPS);
	if (!a)
		return 0;
	/* nested: [i] { NAME, ID } */
	p = attr_data(a);
	end = p + attr_len(a);
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *g = (const void *)p;
		const uint8_t *q = attr_data(g), *qe = p + g->nla_len;
		uint32_t id = 0;
		bool events = false;

		if (g->nla_len < NLA_HDRLEN || p + g->nla_len > end)
			return -1;
		while (q + NLA_HDRLEN <= qe) {
			const struct nlattr *x = (const void *)q;

			if (x->nla_len < NLA_HDRLEN || q + x->nla_len > qe)
				return -1;
			if (x->nla_type == CTRL_ATTR_MCAST_GRP_ID &&
			    attr_len(x) == 4)
				memcpy(&id, attr_data(x), 4);
			if (x->nla_type == CTRL_ATTR_MCAST_GRP_NAME &&
			    !strcmp(attr_data(x), MIHSEC_GENL_MCGRP_EVENTS))
				events = true;
			q += NLA_ALIGN(x->nla_len);
		}
		if (events)
			c->mcgrp = id;
		p += NLA_ALIGN(g->nla_len);
	}
	return 0;
}

static struct msg *scratch_msg(void)
{
	static struct msg m;

	return &m;
}

static int nlc_open(struct nlc *c, bool ext_ack)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 60 };
	int one = 1, rcv = 4 << 20, err;
	struct answer ans;
	struct msg *m = scratch_msg();

	memset(c, 0, sizeof(*c));
	c->seq = (uint32_t)rnd() & 0xffff;
	c->rbuf = malloc(RCV_MAX);
	c->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (c->fd < 0 || !c->rbuf ||
	    bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -1;
	/* more than the unprivileged limit where allowed */
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)))
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (ext_ack)
		setsockopt(c->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
			   sizeof(one));
	c->family = GENL_ID_CTRL;
	msg_init(m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
		 CTRL_CMD_GETFAMILY);
	msg_put(m, CTRL_ATTR_FAMILY_NAME, MIHSEC_GENL_NAME,
		sizeof(MIHSEC_GENL_NAME));
	err = nlc_xact(c, m, family_cb, c, &ans);
	if (err || ans.err || c->family == GENL_ID_CTRL || !c->mcgrp)
		return -1;
	return 0;
}

static void nlc_close(struct nlc *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->rbuf);
	c->fd = -1;
	c->rbuf = NULL;
}

/* ---- valid messages ---------------------------------------------------- */

/* SA number @i: peer "mmt-<i % peers>", key IDs from @i */
static void keyid_of(uint8_t *k, uint32_t i, bool tx)
{
	k[0] = 0xf0;
	k[1] = tx ? 0x0f : 0x1e;
	k[2] = 0x5a;
	k[3] = 0xa5;
	memcpy(k + 4, &i, 4);
}

static void put_sa(struct msg *m, uint32_t i, unsigned int suite)
{
	uint8_t rx[8], tx[8], key[32], salt[4], ikey[32];
	unsigned int klen = suite == 2 || suite == 3 ? 32 : 16;
	uint8_t role = MIHSEC_ROLE_NETWORK, s = suite;
	char peer[32];

	keyid_of(rx, i, false);
	keyid_of(tx, i, true);
	msg_put(m, MIHSEC_A_SA_LOCAL_ID, "ar.nlfuzz", 9);
	msg_put(m, MIHSEC_A_SA_PEER_ID, peer,
		snprintf(peer, sizeof(peer), "mmt-%u", i));
	msg_put(m, MIHSEC_A_SA_ROLE, &role, 1);
	msg_put(m, MIHSEC_A_SA_SUITE, &s, 1);
	msg_put(m, MIHSEC_A_SA_RX_KEYID, rx, 8);
	msg_put(m, MIHSEC_A_SA_TX_KEYID, tx, 8);
	memset(key, 0x11, sizeof(key));
	memcpy(key, &i, 4);
	msg_put(m, MIHSEC_A_SA_TX_KEY, key, klen);
	key[4] = 0x22;
	msg_put(m, MIHSEC_A_SA_RX_KEY, key, klen);
	memset(salt, 0x33, 4);
	msg_put(m, MIHSEC_A_SA_TX_SALT, salt, 4);
	memset(salt, 0x44, 4);
	msg_put(m, MIHSEC_A_SA_RX_SALT, salt, 4);
	if (suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1) {
		memset(ikey, 0x55, 32);
		msg_put(m, MIHSEC_A_SA_TX_IKEY, ikey, 32);
		memset(ikey, 0x66, 32);
		msg_put(m, MIHSEC_A_SA_RX_IKEY, ikey, 32);
	}
}

static int simple(struct nlc *c, uint8_t cmd, uint16_t flags, reply_cb cb,
		  void *arg, struct answer *ans)
{
	struct msg *m = scratch_msg();

	msg_init(m, c->family, NLM_F_REQUEST | NLM_F_ACK | flags, cmd);
	return nlc_xact(c, m, cb, arg, ans);
}

static int count_cb(const struct nlmsghdr *h, void *arg)
{
	return get_u32(h, MIHSEC_A_SA_COUNT, arg) ? 0 : -1;
}

/* SA count of the namespace, -1 on any failure */
static long sa_count(struct nlc *c)
{
	struct answer ans;
	uint32_t n = UINT32_MAX;

	if (simple(c, MIHSEC_CMD_POLICY_GET, 0, count_cb, &n, &ans) ||
	    ans.err || ans.replies != 1 || n == UINT32_MAX)
		return -1;
	return n;
}

static int sa_add(struct nlc *c, uint32_t i, unsigned int suite)
{
	struct msg *m = scratch_msg();
	struct answer ans;

	msg_init(m, c->family, NLM_F_REQUEST | NLM_F_ACK, MIHSEC_CMD_SA_ADD);
	put_sa(m, i, suite);
	if (nlc_xact(c, m, NULL, NULL, &ans))
		return -EPROTO;
	return ans.err;
}

static int sa_keyid_cmd(struct nlc *c, uint8_t cmd, uint32_t i)
{
	struct msg *m = scratch_msg();
	struct answer ans;
	uint8_t rx[8];

	keyid_of(rx, i, false);
	msg_init(m, c->family, NLM_F_REQUEST | NLM_F_ACK, cmd);
	msg_put(m, MIHSEC_A_SA_RX_KEYID, rx, 8);
	if (nlc_xact(c, m, NULL, NULL, &ans))
		return -EPROTO;
	return ans.err ? ans.err : (int)ans.replies;
}

/* a dump of the whole table, every reply checked */
struct dump {
	uint32_t *index;	/* indexes seen, in order */
	size_t n, cap;
	unsigned int bad, keys, intr;
	uint32_t *ids;		/* SA numbers (from the RX key ID) */
	bool want_ids;
};

static int dump_cb(const struct nlmsghdr *h, void *arg)
{
	static const int must[] = {
		MIHSEC_A_SA_INDEX, MIHSEC_A_SA_LOCAL_ID, MIHSEC_A_SA_PEER_ID,
		MIHSEC_A_SA_SUITE, MIHSEC_A_SA_ROLE, MIHSEC_A_SA_FLAGS,
		MIHSEC_A_SA_TX_KEYID, MIHSEC_A_SA_RX_KEYID,
		MIHSEC_A_SA_REPLAY_WINDOW, MIHSEC_A_SA_TX_SEQ,
		MIHSEC_A_SA_RX_SEQ, MIHSEC_A_SA_AGE, MIHSEC_A_SA_STATS,
	};
	static const int never[] = {
		MIHSEC_A_SA_TX_KEY, MIHSEC_A_SA_RX_KEY, MIHSEC_A_SA_TX_SALT,
		MIHSEC_A_SA_RX_SALT, MIHSEC_A_SA_TX_IKEY, MIHSEC_A_SA_RX_IKEY,
	};
	const struct genlmsghdr *g = NLMSG_DATA(h);
	struct dump *d = arg;
	const struct nlattr *a;
	uint32_t idx;
	unsigned int k;

	if (g->cmd != MIHSEC_CMD_SA_GET)
		d->bad++;
	for (k = 0; k < sizeof(must) / sizeof(must[0]); k++)
		if (!attr_find(h, must[k]))
			d->bad++;
	for (k = 0; k < sizeof(never) / sizeof(never[0]); k++)
		if (attr_find(h, never[k]))
			d->keys++;
	a = attr_find(h, MIHSEC_A_SA_STATS);
	if (a && attrs_ok(attr_data(a), attr_len(a)))
		d->bad++;
	if (!get_u32(h, MIHSEC_A_SA_INDEX, &idx)) {
		d->bad++;
		return 0;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 4096;
		uint32_t *p = realloc(d->index, cap * sizeof(*p));
		uint32_t *q = d->want_ids ? realloc(d->ids, cap * sizeof(*q)) :
					    NULL;

		if (!p || (d->want_ids && !q))
			return -1;
		d->index = p;
		if (q)
			d->ids = q;
		d->cap = cap;
	}
	if (d->want_ids) {
		uint8_t ref[8];
		uint32_t i = UINT32_MAX;

		a = attr_find(h, MIHSEC_A_SA_RX_KEYID);
		if (a && attr_len(a) == 8) {
			memcpy(&i, (const uint8_t *)attr_data(a) + 4, 4);
			keyid_of(ref, i, false);
			if (memcmp(ref, attr_data(a), 8))
				i = UINT32_MAX;
		}
		d->ids[d->n] = i;
	}
	d->index[d->n++] = idx;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* dump into @d (reset first); returns 0 or A_*, *dups = SAs seen twice */
static int dump_all(struct nlc *c, struct dump *d, unsigned int *dups)
{
	struct answer ans;
	uint32_t *s;
	size_t k;
	int err;

	d->n = 0;
	d->bad = d->keys = d->intr = 0;
	err = simple(c, MIHSEC_CMD_SA_GET, NLM_F_DUMP, dump_cb, d, &ans);
	if (err)
		return err;
	if (!ans.done || ans.err) {
		snprintf(why, sizeof(why), "dump ended by %s %d",
			 ans.done ? "NLMSG_DONE" : "an error", ans.err);
		return A_BAD;
	}
	d->intr = ans.intr;
	*dups = 0;
	s = malloc((d->n + 1) * sizeof(*s));
	if (!s)
		return A_BAD;
	memcpy(s, d->index, d->n * sizeof(*s));
	qsort(s, d->n, sizeof(*s), cmp_u32);
	for (k = 1; k < d->n; k++)
		*dups += s[k] == s[k - 1];
	free(s);
	return 0;
}

/* ---- random messages --------------------------------------------------- */

enum kind { K_NONE, K_U8, K_U16, K_U32, K_U64, K_BIN, K_NEST };

static const struct {
	uint8_t kind;
	uint16_t min, max;
} akind[MIHSEC_A_MAX + 1] = {
	[MIHSEC_A_PAD] = { K_BIN, 0, 8 },
	[MIHSEC_A_SA_INDEX] = { K_U32 },
	[MIHSEC_A_SA_LOCAL_ID] = { K_BIN, 1, MIHSEC_MIHF_ID_MAX },
	[MIHSEC_A_SA_PEER_ID] = { K_BIN, 1, MIHSEC_MIHF_ID_MAX },
	[MIHSEC_A_SA_SUITE] = { K_U8 },
	[MIHSEC_A_SA_ROLE] = { K_U8 },
	[MIHSEC_A_SA_FLAGS] = { K_U32 },
	[MIHSEC_A_SA_TX_KEYID] = { K_BIN, 8, 8 },
	[MIHSEC_A_SA_RX_KEYID] = { K_BIN, 8, 8 },
	[MIHSEC_A_SA_TX_KEY] = { K_BIN, 16, 32 },
	[MIHSEC_A_SA_RX_KEY] = { K_BIN, 16, 32 },
	[MIHSEC_A_SA_TX_SALT] = { K_BIN, 4, 4 },
	[MIHSEC_A_SA_RX_SALT] = { K_BIN, 4, 4 },
	[MIHSEC_A_SA_TX_IKEY] = { K_BIN, 32, 32 },
	[MIHSEC_A_SA_RX_IKEY] = { K_BIN, 32, 32 },
	[MIHSEC_A_SA_REPLAY_WINDOW] = { K_U32 },
	[MIHSEC_A_SA_TX_SEQ] = { K_U64 },
	[MIHSEC_A_SA_RX_SEQ] = { K_U64 },
	[MIHSEC_A_SA_AGE] = { K_U64 },
	[MIHSEC_A_SA_STATS] = { K_NEST },
	[MIHSEC_A_POLICY] = { K_U8 },
	[MIHSEC_A_PORT] = { K_U16 },
	[MIHSEC_A_SA_COUNT] = { K_U32 },
	[MIHSEC_A_STATS] = { K_NEST },
	[MIHSEC_A_SA_ALLOW] = { K_NEST },
	[MIHSEC_A_SA_SOFT_SECS] = { K_U32 },
	[MIHSEC_A_SA_HARD_SECS] = { K_U32 },
	[MIHSEC_A_SA_SOFT_MSGS] = { K_U64 },
	[MIHSEC_A_SA_HARD_MSGS] = { K_U64 },
	[MIHSEC_A_SA_GRACE] = { K_U32 },
	[MIHSEC_A_EXEMPT] = { K_NEST },
	[MIHSEC_A_EXEMPT_UIR] = { K_NEST },
	[MIHSEC_A_EVENT_RATE] = { K_U32 },
	[MIHSEC_A_EVENT_BURST] = { K_U32 },
	[MIHSEC_A_EVENT_TYPE] = { K_U8 },
	[MIHSEC_A_EVENT_ADDR] = { K_BIN, 4, 16 },
	[MIHSEC_A_EVENT_MID] = { K_U16 },
};

static uint64_t interesting(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 4, 5, 0x7f, 0x80, 0xff, 0x100, 63, 64, 65, 1023,
		1024, 8191, 8192, 8193, 3600, 3601, 10000, 10001, 0x1401,
		0x1801, 0x4401, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, 0x8000000000000001ULL, ~0ULL,
	};

	return chance(75) ? v[below(sizeof(v) / sizeof(v[0]))] : rnd();
}

static const uint16_t odd_len[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 64,
	252, 253, 254, 255, 256, 1000, 4000,
};

struct fattr {
	uint16_t type;
	uint16_t len;
	uint8_t v[VAL_MAX];
};

struct flist {
	unsigned int n;
	struct fattr a[ATTRS_MAX];
};

static struct fattr *fl_add(struct flist *l, uint16_t type)
{
	struct fattr *a;

	if (l->n == ATTRS_MAX)
		return NULL;
	a = &l->a[l->n++];
	a->type = type;
	a->len = 0;
	return a;
}

/* a nest of MID entries: mostly sane, sometimes hostile */
static void gen_mid_nest(struct fattr *a)
{
	unsigned int n, k;
	size_t off = 0;

	a->type |= chance(90) ? NLA_F_NESTED : 0;
	switch (below(8)) {
	case 0:
		n = 0;
		break;
	case 1:
		n = MIHSEC_ALLOW_MAX + below(3);	/* at and over the limit */
		break;
	case 2:
		n = 400 + below(100);
		break;
	default:
		n = 1 + below(6);
	}
	for (k = 0; k < n && off + 16 <= VAL_MAX; k++) {
		struct nlattr *e = (void *)(a->v + off);
		uint16_t mid = chance(50) ? (uint16_t)interesting() :
					    (uint16_t)rnd();
		unsigned int el = 2;

		e->nla_type = MIHSEC_MID_ENTRY;
		if (chance(3))
			e->nla_type = (uint16_t)below(4) |
				      (chance(30) ? NLA_F_NESTED : 0);
		if (chance(3))
			el = below(9);
		e->nla_len = NLA_HDRLEN + el;
		memset(a->v + off + NLA_HDRLEN, 0, NLA_ALIGN(el));
		memcpy(a->v + off + NLA_HDRLEN, &mid, el < 2 ? el : 2);
		if (el > 2)
			rnd_bytes(a->v + off + NLA_HDRLEN + 2, el - 2);
		if (chance(2))	/* a lying inner length */
			e->nla_len = (uint16_t)below(64);
		off += NLA_ALIGN(NLA_HDRLEN + el);
	}
	if (chance(3) && off + 24 <= VAL_MAX) {	/* a nest in the nest */
		struct nlattr *e = (void *)(a->v + off);

		e->nla_type = MIHSEC_MID_ENTRY | NLA_F_NESTED;
		e->nla_len = NLA_HDRLEN + 8;
		memset(a->v + off + NLA_HDRLEN, 0, 8);
		((struct nlattr *)(a->v + off + NLA_HDRLEN))->nla_len = 6;
		((struct nlattr *)(a->v + off + NLA_HDRLEN))->nla_type = 1;
		off += NLA_HDRLEN + 8;
	}
	if (chance(3) && off < VAL_MAX)	/* cut the last entry short */
		off -= off ? 1 + below(off < 4 ? (uint32_t)off : 4) : 0;
	a->len = (uint16_t)off;
}

/* a value for attribute @a (its type set): right shape or not */
static void gen_value(struct fattr *a)
{
	unsigned int t = a->type & NLA_TYPE_MASK;
	unsigned int kind = t <= MIHSEC_A_MAX ? akind[t].kind : K_NONE;
	uint64_t v = interesting();

	if (kind == K_NEST && chance(85)) {
		gen_mid_nest(a);
		return;
	}
	if (kind != K_NONE && kind != K_NEST && chance(70)) {
		switch (kind) {
		case K_U8:
			a->len = 1;
			break;
		case K_U16:
			a->len = 2;
			break;
		case K_U32:
			a->len = 4;
			break;
		case K_U64:
			a->len = 8;
			break;
		default:
			a->len = akind[t].min + below(akind[t].max -
						      akind[t].min + 1);
			if (chance(10))
				a->len = chance(50) ? akind[t].min - 1 :
						      akind[t].max + 1;
			if (a->len > VAL_MAX)
				a->len = VAL_MAX;
			rnd_bytes(a->v, a->len);
			return;
		}
		memcpy(a->v, &v, a->len);
		return;
	}
	a->len = chance(80) ? odd_len[below(sizeof(odd_len) /
					    sizeof(odd_len[0]))] :
			      (uint16_t)below(VAL_MAX + 1);
	if (chance(50)) {
		memset(a->v, 0, a->len);
		memcpy(a->v, &v, a->len < 8 ? a->len : 8);
	} else {
		rnd_bytes(a->v, a->len);
	}
}

static uint16_t rnd_type(void)
{
	if (chance(90))
		return (uint16_t)below(MIHSEC_A_MAX + 4);
	return chance(50) ? (uint16_t)rnd() : (uint16_t)below(0x4000);
}

/* SA numbers handed out by valid adds, a ring to delete and get from */
static uint32_t sa_next, sa_ring[64];

static void gen_valid_sa(struct flist *l)
{
	unsigned int suite = 1 + below(4), klen = suite == 2 || suite == 3 ?
						  32 : 16;
	uint32_t i = chance(85) ? sa_next++ : below(sa_next + 1);
	struct fattr *a;
	uint8_t u8;
	char peer[32];

	sa_ring[i % 64] = i;
	a = fl_add(l, MIHSEC_A_SA_LOCAL_ID);
	a->len = 1 + below(32);
	rnd_bytes(a->v, a->len);
	a = fl_add(l, MIHSEC_A_SA_PEER_ID);
	a->len = snprintf(peer, sizeof(peer), "mmt-%u", below(40));
	memcpy(a->v, peer, a->len);
	a = fl_add(l, MIHSEC_A_SA_ROLE);
	u8 = 1 + below(2);
	a->len = 1;
	a->v[0] = u8;
	if (suite != 1 || chance(50)) {
		a = fl_add(l, MIHSEC_A_SA_SUITE);
		a->len = 1;
		a->v[0] = suite;
	}
	a = fl_add(l, MIHSEC_A_SA_RX_KEYID);
	a->len = 8;
	keyid_of(a->v, i, false);
	a = fl_add(l, MIHSEC_A_SA_TX_KEYID);
	a->len = 8;
	keyid_of(a->v, i, true);
	a = fl_add(l, MIHSEC_A_SA_TX_KEY);
	a->len = klen;
	rnd_bytes(a->v, klen);
	a = fl_add(l, MIHSEC_A_SA_RX_KEY);
	a->len = klen;
	rnd_bytes(a->v, klen);
	a = fl_add(l, MIHSEC_A_SA_TX_SALT);
	a->len = 4;
	rnd_bytes(a->v, 4);
	a = fl_add(l, MIHSEC_A_SA_RX_SALT);
	a->len = 4;
	rnd_bytes(a->v, 4);
	if (suite == 4) {
		a = fl_add(l, MIHSEC_A_SA_TX_IKEY);
		a->len = 32;
		rnd_bytes(a->v, 32);
		a = fl_add(l, MIHSEC_A_SA_RX_IKEY);
		a->len = 32;
		rnd_bytes(a->v, 32);
	}
	/* optional attributes, sane-ish values */
	if (chance(30)) {
		a = fl_add(l, MIHSEC_A_SA_FLAGS);
		a->len = 4;
		memset(a->v, 0, 4);
		a->v[0] = below(2);
	}
	if (chance(30)) {
		uint32_t w = MIHSEC_REPLAY_WINDOW_MIN +
			     below(MIHSEC_REPLAY_WINDOW_MAX -
				   MIHSEC_REPLAY_WINDOW_MIN + 1);

		a = fl_add(l, MIHSEC_A_SA_REPLAY_WINDOW);
		a->len = 4;
		memcpy(a->v, &w, 4);
	}
	if (chance(20)) {
		a = fl_add(l, MIHSEC_A_SA_ALLOW);
		gen_mid_nest(a);
	}
	if (chance(20)) {
		uint32_t s = chance(20) ? 1 + below(3) : 600 + below(3000);

		a = fl_add(l, chance(50) ? MIHSEC_A_SA_SOFT_SECS :
					   MIHSEC_A_SA_HARD_SECS);
		a->len = 4;
		memcpy(a->v, &s, 4);
	}
	if (chance(15)) {
		uint64_t m = chance(50) ? 1 + below(10) : rnd() >> 1;

		a = fl_add(l, chance(50) ? MIHSEC_A_SA_SOFT_MSGS :
					   MIHSEC_A_SA_HARD_MSGS);
		a->len = 8;
		memcpy(a->v, &m, 8);
	}
	if (chance(15)) {
		uint32_t g = below(MIHSEC_GRACE_MAX + 2);

		a = fl_add(l, MIHSEC_A_SA_GRACE);
		a->len = 4;
		memcpy(a->v, &g, 4);
	}
	if (chance(15)) {
		uint64_t s = chance(50) ? MIHSEC_SEQ_MAX - below(3) :
					  rnd() >> 1;

		a = fl_add(l, MIHSEC_A_SA_TX_SEQ);
		a->len = 8;
		memcpy(a->v, &s, 8);
	}
}

static void gen_random_list(struct flist *l, unsigned int max)
{
	unsigned int n = below(max + 1), k;

	for (k = 0; k < n; k++) {
		struct fattr *a = fl_add(l, rnd_type());

		if (!a)
			break;
		gen_value(a);
	}
}

static void gen_policy_set(struct flist *l)
{
	static const uint16_t t[] = {
		MIHSEC_A_POLICY, MIHSEC_A_EXEMPT, MIHSEC_A_EXEMPT_UIR,
		MIHSEC_A_EVENT_RATE, MIHSEC_A_EVENT_BURST,
	};
	unsigned int k;

	for (k = 0; k < 5; k++) {
		struct fattr *a;

		if (!chance(40))
			continue;
		a = fl_add(l, t[k]);
		if (t[k] == MIHSEC_A_POLICY && chance(80)) {
			a->len = 1;
			a->v[0] = below(4);
		} else if ((t[k] == MIHSEC_A_EVENT_RATE ||
			    t[k] == MIHSEC_A_EVENT_BURST) && chance(70)) {
			uint32_t v = below(MIHSEC_EVENT_RATE_MAX + 2);

			a->len = 4;
			memcpy(a->v, &v, 4);
		} else {
			gen_value(a);
		}
	}
}

static void gen_by_keyid(struct flist *l)
{
	struct fattr *a;

	if (chance(70)) {
		a = fl_add(l, MIHSEC_A_SA_RX_KEYID);
		a->len = 8;
		keyid_of(a->v, sa_ring[below(64)], false);
	}
	if (chance(30)) {
		char peer[32];

		a = fl_add(l, MIHSEC_A_SA_PEER_ID);
		a->len = snprintf(peer, sizeof(peer), "mmt-%u", below(40));
		memcpy(a->v, peer, a->len);
	}
}

/* 0-3 mutations of the list */
static void mutate(struct flist *l)
{
	unsigned int n = chance(35) ? 0 : 1 + below(3);

	while (n--) {
		unsigned int k = l->n ? below(l->n) : 0;
		struct fattr *a;

		switch (below(7)) {
		case 0:	/* drop one */
			if (l->n) {
				l->a[k] = l->a[l->n - 1];
				l->n--;
			}
			break;
		case 1:	/* duplicate one */
			if (l->n && l->n < ATTRS_MAX)
				l->a[l->n++] = l->a[k];
			break;
		case 2:	/* another value */
			if (l->n)
				gen_value(&l->a[k]);
			break;
		case 3:	/* another type, same value */
			if (l->n)
				l->a[k].type = rnd_type();
			break;
		case 4:	/* the flag bits */
			if (l->n)
				l->a[k].type ^= chance(50) ? NLA_F_NESTED :
							     NLA_F_NET_BYTEORDER;
			break;
		default:	/* one more */
			a = fl_add(l, rnd_type());
			if (a)
				gen_value(a);
		}
	}
}

/*
 * Serialize the list into @m, maybe corrupting the attribute framing: a
 * lying nla_len, the last attribute cut short, trailing junk.
 */
static void serialize(struct msg *m, const struct flist *l)
{
	size_t last = m->len;
	unsigned int k;

	for (k = 0; k < l->n; k++) {
		last = m->len;
		if (msg_put(m, l->a[k].type, l->a[k].v, l->a[k].len))
			break;
	}
	if (l->n && chance(4)) {	/* a lying length somewhere */
		size_t off = NLMSG_LENGTH(GENL_HDRLEN);
		unsigned int pick = below(l->n), j;
		struct nlattr *a;

		for (j = 0; j < pick && off < m->len; j++)
			off += NLA_ALIGN(((struct nlattr *)(m->b + off))->nla_len);
		if (off + NLA_HDRLEN <= m->len) {
			a = (void *)(m->b + off);
			a->nla_len = chance(50) ? (uint16_t)below(NLA_HDRLEN) :
				     (uint16_t)(a->nla_len + 4 + below(64));
		}
	}
	if (l->n && chance(3) && m->len > last + 1)	/* cut the last short */
		m->len = last + 1 + below(m->len - last - 1);
	if (chance(3) && m->len + 3 <= MSG_MAX) {	/* junk after */
		unsigned int j = 1 + below(3);

		rnd_bytes(m->b + m->len, j);
		m->len += j;
	}
}

struct tally {
	unsigned long sent, ok, errs, dumps, replies;
	unsigned long by_cmd[256][2];
	unsigned long by_err[4096];
};

/* one random message; returns 0 or A_* */
static int fuzz_one(struct nlc *c, struct tally *t, bool hostile_hdr_ok)
{
	static struct flist l;
	struct msg *m = scratch_msg();
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	struct genlmsghdr *g;
	struct answer ans;
	unsigned int r = below(100);
	uint8_t cmd;
	int err;

	l.n = 0;
	if (r < 30)
		cmd = MIHSEC_CMD_SA_ADD;
	else if (r < 40)
		cmd = MIHSEC_CMD_SA_DEL;
	else if (r < 52)
		cmd = MIHSEC_CMD_SA_GET;
	else if (r < 54)
		cmd = MIHSEC_CMD_SA_FLUSH;
	else if (r < 62)
		cmd = MIHSEC_CMD_POLICY_GET;
	else if (r < 77)
		cmd = MIHSEC_CMD_POLICY_SET;
	else if (r < 84)
		cmd = MIHSEC_CMD_STATS_GET;
	else if (r < 88)
		cmd = MIHSEC_CMD_EVENT;
	else if (r < 91)
		cmd = MIHSEC_CMD_UNSPEC;
	else
		cmd = (uint8_t)(MIHSEC_CMD_MAX + 1 + below(256 - MIHSEC_CMD_MAX - 1));

	switch (cmd) {
	case MIHSEC_CMD_SA_ADD:
		if (chance(80))
			gen_valid_sa(&l);
		else
			gen_random_list(&l, 12);
		break;
	case MIHSEC_CMD_SA_DEL:
	case MIHSEC_CMD_SA_GET:
		gen_by_keyid(&l);
		if (cmd == MIHSEC_CMD_SA_GET && chance(15))
			flags |= NLM_F_DUMP;
		break;
	case MIHSEC_CMD_POLICY_SET:
		gen_policy_set(&l);
		break;
	default:
		if (chance(40))
			gen_random_list(&l, 6);
	}
	mutate(&l);
	if (chance(2))
		flags |= NLM_F_DUMP;
	if (hostile_hdr_ok && chance(5))
		flags |= (uint16_t)rnd() & ~NLM_F_ACK;
	msg_init(m, c->family, flags, cmd);
	g = NLMSG_DATA(msg_hdr(m));
	if (hostile_hdr_ok && chance(3))
		g->version = (uint8_t)rnd();
	if (hostile_hdr_ok && chance(3))
		g->reserved = (uint16_t)rnd();
	if (chance(2)) {	/* pure junk after the genl header */
		size_t n = below(chance(10) ? MSG_MAX - m->len : 512);

		rnd_bytes(m->b + m->len, n);
		m->len += n;
	} else if (chance(1)) {	/* a very long list of attributes */
		while (m->len + 64 < MSG_MAX) {
			struct fattr a = { .type = rnd_type() };

			gen_value(&a);
			if (a.len > 32)
				a.len = 32;
			msg_put(m, a.type, a.v, a.len);
		}
	} else {
		serialize(m, &l);
	}
	err = nlc_xact(c, m, NULL, NULL, &ans);
	t->sent++;
	if (err)
		return err;
	if (ans.err) {
		t->errs++;
		t->by_err[-ans.err]++;
	} else {
		t->ok++;
	}
	t->by_cmd[cmd][!!ans.err]++;
	t->dumps += ans.done;
	t->replies += ans.replies;
	return 0;
}

static const char *cmd_name(unsigned int c)
{
	static const char *const n[] = {
		"UNSPEC", "SA_ADD", "SA_DEL", "SA_GET", "SA_FLUSH",
		"POLICY_GET", "POLICY_SET", "STATS_GET", "EVENT",
	};

	return c <= MIHSEC_CMD_EVENT ? n[c] : "other";
}

static void tally_print(const struct tally *t)
{
	unsigned long other[2] = { 0, 0 };
	unsigned int k;

	printf("# %lu messages: %lu acked, %lu refused, %lu dumps, %lu replies\n",
	       t->sent, t->ok, t->errs, t->dumps, t->replies);
	for (k = 0; k < 256; k++) {
		if (k > MIHSEC_CMD_EVENT) {
			other[0] += t->by_cmd[k][0];
			other[1] += t->by_cmd[k][1];
			continue;
		}
		if (t->by_cmd[k][0] + t->by_cmd[k][1])
			printf("#   %-10s ok %lu, error %lu\n", cmd_name(k),
			       t->by_cmd[k][0], t->by_cmd[k][1]);
	}
	printf("#   %-10s ok %lu, error %lu\n", "cmd > 8", other[0], other[1]);
	for (k = 0; k < 4096; k++)
		if (t->by_err[k])
			printf("#   -%s: %lu\n", strerrorname_np(k) ?: "?",
			       t->by_err[k]);
}

/* ---- the fixture: a namespace of our own ------------------------------- */

FIXTURE(nlfuzz) {
	char ns[64];
	int home;
	struct nlc c;
};

FIXTURE_SETUP(nlfuzz)
{
	char path[96];
	int fd;

	self->c.fd = -1;
	snprintf(self->ns, sizeof(self->ns), "mihsec-nl-fuzz-%d", getpid());
	self->home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(self->home, 0);
	ASSERT_EQ(0, mh_sh(NULL, 0, "ip netns add %s", self->ns));
	snprintf(path, sizeof(path), "/run/netns/%s", self->ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, setns(fd, CLONE_NEWNET));
	close(fd);
	ASSERT_EQ(0, nlc_open(&self->c, true))
		TH_LOG("cannot open the mihsec family (%s)", why);
}

FIXTURE_TEARDOWN(nlfuzz)
{
	nlc_close(&self->c);
	if (self->home >= 0 && !setns(self->home, CLONE_NEWNET))
		mh_sh(NULL, 0, "ip netns del %s 2>/dev/null", self->ns);
}

/*
 * The family still works: count and dump agree (retried while SA
 * lifetimes expire underneath), every SA can be read and deleted, a fresh
 * SA round-trips, flush empties.
 */
static void state_check(struct __test_metadata *_metadata, struct nlc *c)
{
	struct dump d = {}, e = { .want_ids = true };
	unsigned int dups = 0, k, tries, gone = 0;
	long before = -1, after = -2;
	struct answer ans;

	for (tries = 0; tries < 20; tries++) {
		before = sa_count(c);
		ASSERT_EQ(0, dump_all(c, &d, &dups)) TH_LOG("%s", why);
		after = sa_count(c);
		if (before == after && before == (long)d.n && !d.intr)
			break;
		usleep(100000);
	}
	printf("# state: %ld SAs, the dump lists %zu (%u tries)\n", after, d.n,
	       tries + 1);
	ASSERT_GE(before, 0);
	EXPECT_EQ(before, after);
	EXPECT_EQ(before, (long)d.n);
	EXPECT_EQ(0U, dups);
	EXPECT_EQ(0U, d.bad);
	EXPECT_EQ(0U, d.keys);
	ASSERT_EQ(0, simple(c, MIHSEC_CMD_STATS_GET, 0, NULL, NULL, &ans));
	EXPECT_EQ(0, ans.err);
	EXPECT_EQ(1U, ans.replies);
	/* every listed SA by its key ID: get, then delete every other one */
	ASSERT_EQ(0, dump_all(c, &e, &dups)) TH_LOG("%s", why);
	for (k = 0; k < e.n; k++) {
		int r;

		if (e.ids[k] == UINT32_MAX)
			continue;
		r = sa_keyid_cmd(c, MIHSEC_CMD_SA_GET, e.ids[k]);
		/* an SA may expire meanwhile: -ENOENT is fine */
		EXPECT_TRUE(r == 1 || r == -ENOENT)
			TH_LOG("get SA %u: %d", e.ids[k], r);
		if (k % 2)
			continue;
		r = sa_keyid_cmd(c, MIHSEC_CMD_SA_DEL, e.ids[k]);
		EXPECT_TRUE(r == 0 || r == -ENOENT)
			TH_LOG("del SA %u: %d", e.ids[k], r);
		gone += !r;
	}
	printf("# state: read the SAs back, deleted %u of them\n", gone);
	free(e.index);
	free(e.ids);
	ASSERT_EQ(0, simple(c, MIHSEC_CMD_SA_FLUSH, 0, NULL, NULL, &ans));
	EXPECT_EQ(0, ans.err);
	EXPECT_EQ(0, sa_count(c));
	ASSERT_EQ(0, dump_all(c, &d, &dups));
	EXPECT_EQ(0U, d.n);
	/* a fresh SA (a number never used) round-trips */
	EXPECT_EQ(0, sa_add(c, 0xfffffff0U, MIHSEC_SUITE_AES256_GCM));
	EXPECT_EQ(1, sa_count(c));
	EXPECT_EQ(1, sa_keyid_cmd(c, MIHSEC_CMD_SA_GET, 0xfffffff0U));
	EXPECT_EQ(0, sa_keyid_cmd(c, MIHSEC_CMD_SA_DEL, 0xfffffff0U));
	EXPECT_EQ(-ENOENT, sa_keyid_cmd(c, MIHSEC_CMD_SA_DEL, 0xfffffff0U));
	/* and its key ID may never come back (PROTOCOL.md section 7) */
	EXPECT_EQ(-EEXIST, sa_add(c, 0xfffffff0U, MIHSEC_SUITE_AES256_GCM));
	EXPECT_EQ(0, sa_count(c));
	free(d.index);
}

TEST_F_TIMEOUT(nlfuzz, random_messages, 3600)
{
	unsigned long n = env_num("MIHSEC_NLFUZZ_ITERS", 20000), i;
	struct tally *t = calloc(1, sizeof(*t));
	double t0 = now();
	uint64_t seed = seed_for("random_messages");
	int err = 0;

	ASSERT_NE(NULL, t);
	printf("# %lu random messages, seed %#llx\n", n,
	       (unsigned long long)seed);
	for (i = 0; i < n; i++) {
		err = fuzz_one(&self->c, t, true);
		if (err)
			break;
		if (i % 1000 == 999 && sa_count(&self->c) < 0) {
			err = A_BAD;
			snprintf(why, sizeof(why), "POLICY_GET failed");
			break;
		}
	}
	tally_print(t);
	printf("# %.1f s, %.0f messages per second\n", now() - t0,
	       t->sent / (now() - t0));
	ASSERT_EQ(0, err) TH_LOG("message %lu (seed %#llx): %s", i,
				 (unsigned long long)seed, why);
	/* the fuzz got past the policy into the commands, both ways */
	EXPECT_GT(t->by_cmd[MIHSEC_CMD_SA_ADD][0], 0UL);
	EXPECT_GT(t->by_cmd[MIHSEC_CMD_SA_ADD][1], 0UL);
	EXPECT_GT(t->by_cmd[MIHSEC_CMD_POLICY_SET][0], 0UL);
	EXPECT_GT(t->by_cmd[MIHSEC_CMD_POLICY_SET][1], 0UL);
	free(t);
	state_check(_metadata, &self->c);
}

/* messages whose netlink framing is broken; the socket stays usable */
TEST_F(nlfuzz, broken_framing)
{
	struct nlc *c = &self->c;
	struct msg *m = scratch_msg();
	uint8_t two[2 * 256];
	struct answer ans;
	size_t len;
	uint32_t seq;
	int k;

	seed_for("broken_framing");
	/* shorter than the genl header: -EINVAL */
	for (k = 0; k < 4; k++) {
		msg_init(m, c->family, NLM_F_REQUEST | NLM_F_ACK,
			 MIHSEC_CMD_POLICY_GET);
		m->len = NLMSG_HDRLEN + k;
		ASSERT_EQ(0, nlc_xact(c, m, NULL, NULL, &ans)) TH_LOG("%s", why);
		EXPECT_EQ(-EINVAL, ans.err);
	}
	/* nlmsg_len beyond the datagram: ignored; the next one answered */
	msg_init(m, c->family, NLM_F_REQUEST | NLM_F_ACK, MIHSEC_CMD_SA_FLUSH);
	msg_hdr(m)->nlmsg_len = m->len + 64;
	msg_hdr(m)->nlmsg_seq = ++c->seq;
	ASSERT_EQ(0, nlc_send(c, m->b, m->len));
	/* nlmsg_len below the netlink header: ignored too */
	msg_hdr(m)->nlmsg_len = 8;
	msg_hdr(m)->nlmsg_seq = ++c->seq;
	ASSERT_EQ(0, nlc_send(c, m->b, m->len));
	EXPECT_EQ(0, sa_count(c)) TH_LOG("%s", why);
	/* two requests in one datagram: two answers, in order */
	msg_init(m, c->family, NLM_F_REQUEST | NLM_F_ACK,
		 MIHSEC_CMD_STATS_GET);
	msg_hdr(m)->nlmsg_len = m->len;
	len = m->len;
	memcpy(two, m->b, len);
	memcpy(two + len, m->b, len);
	seq = c->seq + 1;
	((struct nlmsghdr *)two)->nlmsg_seq = seq;
	((struct nlmsghdr *)(two + len))->nlmsg_seq = seq + 1;
	c->seq += 2;
	ASSERT_EQ(0, nlc_send(c, two, 2 * len));
	ASSERT_EQ(0, nlc_wait(c, seq, NULL, NULL, &ans)) TH_LOG("%s", why);
	EXPECT_EQ(0, ans.err);
	EXPECT_EQ(1U, ans.replies);
	ASSERT_EQ(0, nlc_wait(c, seq + 1, NULL, NULL, &ans)) TH_LOG("%s", why);
	EXPECT_EQ(0, ans.err);
	EXPECT_EQ(1U, ans.replies);
	/* an empty datagram (refused or ignored), then the family answers */
	nlc_send(c, two, 0);
	EXPECT_EQ(0, sa_count(c));
	/* a genl header with the attribute area one octet long */
	msg_init(m, c->family, NLM_F_REQUEST | NLM_F_ACK, MIHSEC_CMD_SA_ADD);
	m->len += 1;
	ASSERT_EQ(0, nlc_xact(c, m, NULL, NULL, &ans)) TH_LOG("%s", why);
	EXPECT_NE(0, ans.err);
	EXPECT_EQ(0, sa_count(c));
}

/* the admin commands, each as a valid request */
static int admin_cmds(struct nlc *c, uint32_t sa, unsigned int *bad,
		      unsigned int *eperm)
{
	static const uint8_t cmds[] = {
		MIHSEC_CMD_SA_ADD, MIHSEC_CMD_SA_DEL, MIHSEC_CMD_SA_GET,
		MIHSEC_CMD_SA_GET, MIHSEC_CMD_SA_FLUSH, MIHSEC_CMD_POLICY_SET,
	};
	struct msg *m = scratch_msg();
	struct answer ans;
	unsigned int k;
	uint8_t rx[8], pol = MIHSEC_POLICY_OFF;

	keyid_of(rx, sa, false);
	for (k = 0; k < sizeof(cmds); k++) {
		msg_init(m, c->family, NLM_F_REQUEST | NLM_F_ACK |
			 (k == 3 ? NLM_F_DUMP : 0), cmds[k]);
		if (cmds[k] == MIHSEC_CMD_SA_ADD)
			put_sa(m, sa + 1000, MIHSEC_SUITE_AES128_GCM);
		if (cmds[k] == MIHSEC_CMD_SA_DEL || k == 2)
			msg_put(m, MIHSEC_A_SA_RX_KEYID, rx, 8);
		if (cmds[k] == MIHSEC_CMD_POLICY_SET)
			msg_put(m, MIHSEC_A_POLICY, &pol, 1);
		if (nlc_xact(c, m, NULL, NULL, &ans))
			return -1;
		if (ans.err == -EPERM && !ans.replies) {
			(*eperm)++;
		} else {
			printf("# %s%s as non-admin: %d, %u replies\n",
			       cmd_name(cmds[k]), k == 3 ? " (dump)" : "",
			       ans.err, ans.replies);
			(*bad)++;
		}
	}
	return 0;
}

/* the child's side of nonadmin: returns the number of failures */
static int nonadmin_child(struct nlc *pre, long sas, unsigned long iters,
			  const char *who)
{
	static const uint8_t admin[] = {
		MIHSEC_CMD_SA_ADD, MIHSEC_CMD_SA_DEL, MIHSEC_CMD_SA_GET,
		MIHSEC_CMD_SA_FLUSH, MIHSEC_CMD_POLICY_SET,
	};
	struct nlc post, *cs[2] = { pre, &post };
	unsigned int bad = 0, eperm = 0, j;
	unsigned long i;
	struct answer ans;

	if (nlc_open(&post, true)) {
		printf("# %s: cannot open a socket: %s\n", who, why);
		return 1;
	}
	for (j = 0; j < 2; j++) {
		struct nlc *c = cs[j];
		long n;

		if (admin_cmds(c, 0, &bad, &eperm)) {
			printf("# %s: %s\n", who, why);
			return bad + 1;
		}
		/* random attributes under every admin command */
		for (i = 0; i < iters; i++) {
			static struct flist l;
			struct msg *m = scratch_msg();
			uint8_t cmd = admin[below(sizeof(admin))];

			l.n = 0;
			if (cmd == MIHSEC_CMD_SA_ADD && chance(70))
				gen_valid_sa(&l);
			else
				gen_random_list(&l, 8);
			mutate(&l);
			msg_init(m, c->family, NLM_F_REQUEST | NLM_F_ACK |
				 (cmd == MIHSEC_CMD_SA_GET && chance(30) ?
				  NLM_F_DUMP : 0), cmd);
			serialize(m, &l);
			if (nlc_xact(c, m, NULL, NULL, &ans)) {
				printf("# %s: %s\n", who, why);
				return bad + 1;
			}
			if (ans.err == -EPERM && !ans.replies) {
				eperm++;
			} else {
				printf("# %s: %s with random attributes: %d\n",
				       who, cmd_name(cmd), ans.err);
				bad++;
			}
		}
		/* read-only commands answer */
		n = sa_count(c);
		if (n != sas) {
			printf("# %s: POLICY_GET says %ld SAs, expected %ld\n",
			       who, n, sas);
			bad++;
		}
		if (simple(c, MIHSEC_CMD_STATS_GET, 0, NULL, NULL, &ans) ||
		    ans.err || ans.replies != 1) {
			printf("# %s: STATS_GET failed: %d\n", who, ans.err);
			bad++;
		}
		/* the events group needs no privilege */
		if (setsockopt(c->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			       &c->mcgrp, sizeof(c->mcgrp))) {
			printf("# %s: joining the events group: %s\n", who,
			       strerror(errno));
			bad++;
		}
	}
	printf("# %s: %u admin requests refused with -EPERM, %u failures\n",
	       who, eperm, bad);
	nlc_close(&post);
	return bad;
}

static int wait_child(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

TEST_F_TIMEOUT(nlfuzz, nonadmin, 1800)
{
	unsigned long iters = env_num("MIHSEC_NLFUZZ_ITERS", 20000) / 20;
	struct nlc *c = &self->c;
	struct dump d = {};
	unsigned int dups, k;
	pid_t pid;
	int rc;

	seed_for("nonadmin");
	for (k = 0; k < 10; k++)
		ASSERT_EQ(0, sa_add(c, k, 1 + k % 4));
	ASSERT_EQ(10, sa_count(c));

	/* nobody: socket opened as root before dropping, and one after */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY)) {
			printf("# cannot become nobody: %s\n", strerror(errno));
			_exit(100);
		}
		_exit(nonadmin_child(c, 10, iters, "nobody") ? 1 : 0);
	}
	rc = wait_child(pid);
	EXPECT_EQ(0, rc);

	/* root of a new user namespace: no CAP_NET_ADMIN where it counts */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		if (unshare(CLONE_NEWUSER)) {
			printf("# unshare(CLONE_NEWUSER): %s\n",
			       strerror(errno));
			_exit(101);
		}
		_exit(nonadmin_child(c, 10, iters / 4, "userns root") ? 1 : 0);
	}
	rc = wait_child(pid);
	if (rc == 101)	/* e.g. in a chroot, as in scripts/vm-run's guest */
		printf("# no user namespace here: that part skipped\n");
	else
		EXPECT_EQ(0, rc);

	/* nothing changed */
	EXPECT_EQ(10, sa_count(c));
	ASSERT_EQ(0, dump_all(c, &d, &dups)) TH_LOG("%s", why);
	EXPECT_EQ(10U, d.n);
	for (k = 0; k < 10; k++)
		EXPECT_EQ(1, sa_keyid_cmd(c, MIHSEC_CMD_SA_GET, k));
	free(d.index);
}

/* add SAs [from, to) in batches of requests per datagram */
static int add_many(struct nlc *c, uint32_t from, uint32_t to)
{
	static uint8_t buf[256 * 1024];
	struct msg *m = scratch_msg();
	uint32_t i = from;

	while (i < to) {
		uint32_t first = c->seq + 1, k, n = 0;
		size_t len = 0;

		while (i < to && n < 128) {
			msg_init(m, c->family, NLM_F_REQUEST | NLM_F_ACK,
				 MIHSEC_CMD_SA_ADD);
			put_sa(m, i, MIHSEC_SUITE_CHACHA20_POLY1305);
			msg_hdr(m)->nlmsg_len = m->len;
			msg_hdr(m)->nlmsg_seq = ++c->seq;
			memcpy(buf + len, m->b, m->len);
			len += m->len;
			i++;
			n++;
		}
		if (nlc_send(c, buf, len)) {
			snprintf(why, sizeof(why), "send: %s", strerror(errno));
			return -1;
		}
		for (k = 0; k < n; k++) {
			struct answer ans;

			if (nlc_wait(c, first + k, NULL, NULL, &ans))
				return -1;
			if (ans.err) {
				snprintf(why, sizeof(why), "add %u: %d",
					 i - n + k, ans.err);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * Dump until @stop is readable (EOF).  Checks each dump; returns failures.
 * Every SA with an odd number below @n is never deleted: each dump must
 * list every one of them exactly once.
 */
static int dumper(struct nlc *c, int stop, uint32_t n, const char *who)
{
	struct dump d = { .want_ids = true };
	unsigned int dumps = 0, intr = 0, bad = 0, dups;
	double t0 = now();
	uint8_t *seen = malloc(n);

	if (!seen)
		return 1;
	for (;;) {
		struct pollfd p = { .fd = stop, .events = POLLIN };
		unsigned int stayed = 0;
		size_t k;

		if (dump_all(c, &d, &dups)) {
			printf("# %s: dump %u: %s\n", who, dumps, why);
			bad++;
			break;
		}
		dumps++;
		intr += !!d.intr;
		memset(seen, 0, n);
		for (k = 0; k < d.n; k++)
			if (d.ids[k] < n && d.ids[k] % 2 && !seen[d.ids[k]]++)
				stayed++;
		if (dups || d.bad || d.keys || stayed != n / 2) {
			printf("# %s: dump %u: %zu SAs, %u twice, %u bad, %u with keys, %u of the %u that stayed\n",
			       who, dumps, d.n, dups, d.bad, d.keys, stayed,
			       n / 2);
			bad++;
		}
		if (poll(&p, 1, 0) > 0)
			break;
	}
	printf("# %s: %u dumps in %.1f s, %u of them interrupted (NLM_F_DUMP_INTR), %u bad\n",
	       who, dumps, now() - t0, intr, bad);
	free(seen);
	free(d.index);
	free(d.ids);
	return bad;
}

TEST_F_TIMEOUT(nlfuzz, huge_dump_vs_deletes, 3600)
{
	uint32_t n = (uint32_t)env_num("MIHSEC_NLFUZZ_SAS", 100000) & ~1U;
	uint32_t more = (n + 19) / 20, k, odd = 0, even = 0, extra = 0;
	struct dump d = { .want_ids = true };
	unsigned int dups;
	struct answer ans;
	size_t j;
	struct nlc *c = &self->c;
	int stop[2], busy[2];
	pid_t del, dump2;
	double t0;

	seed_for("huge_dump_vs_deletes");
	ASSERT_GE(n, 2U);
	t0 = now();
	ASSERT_EQ(0, add_many(c, 0, n)) TH_LOG("%s", why);
	printf("# %u SAs added in %.1f s\n", n, now() - t0);
	ASSERT_EQ((long)n, sa_count(c));
	ASSERT_EQ(0, pipe2(stop, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(busy, O_CLOEXEC));

	/*
	 * The deleter: every even SA, one more SA added every tenth delete.
	 * It holds busy[1]: its exit is the end of dumper 1's loop.
	 */
	del = fork();
	ASSERT_GE(del, 0);
	if (!del) {
		struct nlc d;
		unsigned int bad = 0;
		double t1 = now();

		close(stop[0]);
		close(stop[1]);
		close(busy[0]);
		if (nlc_open(&d, true))
			_exit(2);
		for (k = 0; k < n; k += 2) {
			int r = sa_keyid_cmd(&d, MIHSEC_CMD_SA_DEL, k);

			bad += r != 0;
			if (k % 20 == 0 && add_many(&d, n + k / 20,
						    n + k / 20 + 1))
				bad++;
		}
		printf("# deleter: %u deleted, %u added in %.1f s, %u failures\n",
		       n / 2, more, now() - t1, bad);
		_exit(bad ? 1 : 0);
	}
	close(busy[1]);
	/* dumper 2 runs until stop[1] is closed, after dumper 1 */
	dump2 = fork();
	ASSERT_GE(dump2, 0);
	if (!dump2) {
		struct nlc d;

		close(stop[1]);
		close(busy[0]);
		if (nlc_open(&d, true))
			_exit(2);
		_exit(dumper(&d, stop[0], n, "dumper 2") ? 1 : 0);
	}
	close(stop[0]);
	EXPECT_EQ(0, dumper(c, busy[0], n, "dumper 1"));
	close(busy[0]);
	EXPECT_EQ(0, wait_child(del));
	close(stop[1]);
	EXPECT_EQ(0, wait_child(dump2));

	/* quiet now: one consistent dump, the right count */
	ASSERT_EQ(0, dump_all(c, &d, &dups)) TH_LOG("%s", why);
	EXPECT_EQ(0U, d.intr);
	EXPECT_EQ(0U, dups);
	for (j = 0; j < d.n; j++) {
		if (d.ids[j] >= n)
			extra++;
		else if (d.ids[j] % 2)
			odd++;
		else
			even++;
	}
	EXPECT_EQ(n / 2, odd);
	EXPECT_EQ(0U, even);
	EXPECT_EQ(more, extra);
	EXPECT_EQ((long)d.n, sa_count(c));
	printf("# after: %zu SAs (%u kept, %u added)\n", d.n, odd, extra);
	free(d.index);
	free(d.ids);
	/* a flush of them all; teardown deletes the (empty) namespace */
	t0 = now();
	ASSERT_EQ(0, simple(c, MIHSEC_CMD_SA_FLUSH, 0, NULL, NULL, &ans));
	EXPECT_EQ(0, ans.err);
	EXPECT_EQ(0, sa_count(c));
	printf("# flushed in %.1f s\n", now() - t0);
}

TEST_HARNESS_MAIN

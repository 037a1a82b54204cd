// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: the "mihsec" generic netlink API (runs in the VM with
 * mihsec.ko loaded).
 *   - dumps of thousands of SAs resume across many messages, complete
 *   - a dump that races a table change is flagged NLM_F_DUMP_INTR
 *   - keys and salts are never returned
 *   - strict validation: wrong lengths, unknown or read-only attributes,
 *     bad flags, unsupported suites, duplicates, missing attributes
 *   - per-namespace state; deleting a namespace with SAs is clean
 *   - delete by RX key ID and by peer
 *   - events reach the multicast group, rate-limited per namespace
 *   - SA lifecycle over loopback (a mirrored SA pair in one namespace):
 *     allow lists, message and time lifetimes with their events, rekey
 *     with a grace period
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <linux/mihsec.h>
#include "kselftest_harness.h"
#include "lib/nl.h"

#define NS_FMT "mihsec-nl-%d-%s"

static void ns_name(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, NS_FMT, getpid(), tag);
}

static int run(const char *fmt, const char *arg)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), fmt, arg);
	return system(cmd);
}

/* Enter network namespace @name (created if needed) */
static int ns_enter(const char *name)
{
	char path[128];
	int fd, err;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if (access(path, F_OK) && run("ip netns add %s", name))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	err = setns(fd, CLONE_NEWNET);
	close(fd);
	return err;
}

static struct mihsec_nl *nl_open(struct __test_metadata *_metadata)
{
	char msg[256];
	struct mihsec_nl *nl;
	int err;

	nl = mihsec_nl_open(&err, msg, sizeof(msg));
	ASSERT_NE(NULL, nl) TH_LOG("mihsec_nl_open: %d %s", err, msg);
	return nl;
}

/* A valid SA with key ID, peer and key material derived from @i */
static void sa_cfg(struct mihsec_sa_cfg *c, unsigned int i)
{
	memset(c, 0, sizeof(*c));
	c->local_id_len = snprintf((char *)c->local_id, sizeof(c->local_id),
				   "ar.example");
	c->peer_id_len = snprintf((char *)c->peer_id, sizeof(c->peer_id),
				  "mmt-%u.example", i);
	c->role = MIHSEC_ROLE_NETWORK;
	for (int k = 0; k < MIHSEC_KEYID_LEN; k++) {
		c->rx_keyid[k] = (i >> (8 * (k % 4))) ^ (k < 4 ? 0x00 : 0x5a);
		c->tx_keyid[k] = c->rx_keyid[k] ^ 0xff;
	}
	c->tx_key_len = c->rx_key_len = 16;
	memset(c->tx_key, 0xa5 ^ i, 16);
	memset(c->rx_key, 0x5a ^ i, 16);
	memset(c->tx_salt, 0x11, 4);
	memset(c->rx_salt, 0x22, 4);
}

static unsigned int keyid_index(const uint8_t *keyid)
{
	return keyid[0] | keyid[1] << 8 | keyid[2] << 16 | keyid[3] << 24;
}

struct dump_seen {
	unsigned int n;
	unsigned char *seen;
	unsigned int max;
	int bad;
};

static int dump_cb(const struct mihsec_sa_info *sa, void *arg)
{
	struct dump_seen *d = arg;
	unsigned int i = keyid_index(sa->rx_keyid);
	char peer[64];

	snprintf(peer, sizeof(peer), "mmt-%u.example", i);
	if (i >= d->max || d->seen[i]++ || sa->peer_id_len != strlen(peer) ||
	    memcmp(sa->peer_id, peer, sa->peer_id_len))
		d->bad++;
	d->n++;
	return 0;
}

FIXTURE(api) {
	char ns[64];
	struct mihsec_nl *nl;
};

FIXTURE_SETUP(api)
{
	ns_name(self->ns, sizeof(self->ns), "a");
	ASSERT_EQ(0, ns_enter(self->ns));
	self->nl = nl_open(_metadata);
}

FIXTURE_TEARDOWN(api)
{
	if (self->nl)
		mihsec_nl_close(self->nl);
	run("ip netns del %s 2>/dev/null", self->ns);
}

/* 2000 SAs: the dump needs well over a hundred messages */
TEST_F(api, big_dump_resumes)
{
	const unsigned int n = 2000;
	struct mihsec_policy_info pi;
	struct mihsec_sa_cfg c;
	struct dump_seen d = { .max = n };
	unsigned int i;

	d.seen = calloc(n, 1);
	ASSERT_NE(NULL, d.seen);
	for (i = 0; i < n; i++) {
		sa_cfg(&c, i);
		ASSERT_EQ(0, mihsec_nl_sa_add(self->nl, &c))
			TH_LOG("add %u: %s", i, mihsec_nl_errmsg(self->nl));
	}
	ASSERT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
	EXPECT_EQ(n, pi.sa_count);
	EXPECT_EQ((int)n, mihsec_nl_sa_dump(self->nl, dump_cb, &d));
	EXPECT_EQ(n, d.n);
	EXPECT_EQ(0, d.bad);
	for (i = 0; i < n; i++)
		EXPECT_EQ(1, d.seen[i]);
	ASSERT_EQ(0, mihsec_nl_sa_flush(self->nl));
	ASSERT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
	EXPECT_EQ(0U, pi.sa_count);
	free(d.seen);
}

/* Read a dump one datagram at a time and change the table in between */
TEST_F(api, dump_interrupted_is_flagged)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct mihsec_sa_cfg c;
	int family, flagged = 0, done = 0, msgs = 0;
	unsigned int i;

	ASSERT_NE(NULL, sk);
	ASSERT_EQ(0, genl_connect(sk));
	family = genl_ctrl_resolve(sk, MIHSEC_GENL_NAME);
	ASSERT_GT(family, 0);
	for (i = 0; i < 600; i++) {
		sa_cfg(&c, i);
		ASSERT_EQ(0, mihsec_nl_sa_add(self->nl, &c));
	}
	ASSERT_GE(genl_send_simple(sk, family, MIHSEC_CMD_SA_GET,
				   MIHSEC_GENL_VERSION, NLM_F_DUMP), 0);
	while (!done) {
		struct sockaddr_nl who;
		unsigned char *buf = NULL;
		struct nlmsghdr *h;
		int len;

		len = nl_recv(sk, &who, &buf, NULL);
		ASSERT_GT(len, 0);
		for (h = (struct nlmsghdr *)buf; nlmsg_ok(h, len);
		     h = nlmsg_next(h, &len)) {
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				flagged = 1;
			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR)
				done = 1;
		}
		free(buf);
		if (++msgs == 2) {	/* mid-dump: delete one SA */
			sa_cfg(&c, 599);
			ASSERT_EQ(0, mihsec_nl_sa_del_keyid(self->nl,
							   c.rx_keyid));
		}
	}
	EXPECT_GT(msgs, 2);
	EXPECT_EQ(1, flagged);
	nl_socket_free(sk);
}

/* No reply ever carries a key, salt or integrity key attribute */
static int no_keys_cb(struct mihsec_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[MIHSEC_A_MAX + 1];
	int *found = arg;

	(void)nl;
	if (genlmsg_parse(nlh, 0, tb, MIHSEC_A_MAX, NULL))
		return -EPROTO;
	if (tb[MIHSEC_A_SA_TX_KEY] || tb[MIHSEC_A_SA_RX_KEY] ||
	    tb[MIHSEC_A_SA_TX_SALT] || tb[MIHSEC_A_SA_RX_SALT] ||
	    tb[MIHSEC_A_SA_TX_IKEY] || tb[MIHSEC_A_SA_RX_IKEY])
		(*found)++;
	if (!tb[MIHSEC_A_SA_RX_KEYID])
		return -EPROTO;
	return 0;
}

TEST_F(api, keys_are_write_only)
{
	int family = mihsec_nl_family(self->nl), found = 0;
	struct mihsec_sa_cfg c;
	struct nl_msg *msg;

	sa_cfg(&c, 7);
	ASSERT_EQ(0, mihsec_nl_sa_add(self->nl, &c));
	msg = mihsec_nl_msg_new(family, MIHSEC_CMD_SA_GET, NLM_F_DUMP);
	ASSERT_NE(NULL, msg);
	EXPECT_EQ(1, mihsec_nl_transact(self->nl, msg, no_keys_cb, &found));
	msg = mihsec_nl_msg_new(family, MIHSEC_CMD_SA_GET, 0);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put(msg, MIHSEC_A_SA_RX_KEYID, 8, c.rx_keyid));
	EXPECT_EQ(1, mihsec_nl_transact(self->nl, msg, no_keys_cb, &found));
	EXPECT_EQ(0, found);
}

/* SA_ADD for SA 1 plus one extra attribute; returns the kernel's errno */
static int add_with(struct mihsec_nl *nl, int attr, const void *val,
		    int len, int skip_attr)
{
	struct mihsec_sa_cfg c;
	struct nl_msg *msg, *clean;
	struct nlattr *a;
	int rem;

	sa_cfg(&c, 1);
	msg = mihsec_nl_msg_new(mihsec_nl_family(nl), MIHSEC_CMD_SA_ADD, 0);
	clean = mihsec_nl_msg_new(mihsec_nl_family(nl), MIHSEC_CMD_SA_ADD, 0);
	if (!msg || !clean || mihsec_nl_put_sa_cfg(clean, &c))
		return -ENOMEM;
	/* copy every attribute but @skip_attr, then append @attr */
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlmsg_hdr(clean)), 0),
			  genlmsg_attrlen(nlmsg_data(nlmsg_hdr(clean)), 0), rem) {
		if (nla_type(a) != skip_attr && nla_type(a) != attr)
			nla_put(msg, nla_type(a), nla_len(a), nla_data(a));
	}
	mihsec_nl_msg_free_wipe(clean);
	if (attr > 0 && nla_put(msg, attr, len, val))
		return -EMSGSIZE;
	return mihsec_nl_transact(nl, msg, NULL, NULL);
}

TEST_F(api, strict_validation)
{
	static const uint8_t k15[15], k32[32], id254[254], b9[9], b3[3];
	struct mihsec_policy_info pi;
	uint64_t u64v;
	uint32_t u32v;
	uint8_t u8v;

	/* the base message is valid */
	EXPECT_EQ(0, add_with(self->nl, 0, NULL, 0, 0));
	EXPECT_EQ(-EEXIST, add_with(self->nl, 0, NULL, 0, 0));
	EXPECT_EQ(0, mihsec_nl_sa_flush(self->nl));

	/* lengths: the policy says -ERANGE, the suite check -EINVAL */
	EXPECT_EQ(-ERANGE, add_with(self->nl, MIHSEC_A_SA_TX_KEY, k15, 15, 0));
	EXPECT_EQ(-EINVAL, add_with(self->nl, MIHSEC_A_SA_TX_KEY, k32, 32, 0));
	EXPECT_EQ(-EINVAL, add_with(self->nl, MIHSEC_A_SA_RX_KEY, k32, 32, 0));
	EXPECT_EQ(-ERANGE, add_with(self->nl, MIHSEC_A_SA_RX_KEYID, b9, 9, 0));
	EXPECT_EQ(-ERANGE, add_with(self->nl, MIHSEC_A_SA_TX_SALT, b3, 3, 0));
	EXPECT_EQ(-ERANGE, add_with(self->nl, MIHSEC_A_SA_PEER_ID, id254,
				    254, 0));
	EXPECT_EQ(-ERANGE, add_with(self->nl, MIHSEC_A_SA_LOCAL_ID, id254, 0,
				    0));
	u32v = 1U << 1;
	EXPECT_EQ(-EINVAL, add_with(self->nl, MIHSEC_A_SA_FLAGS, &u32v, 4, 0));
	u32v = MIHSEC_REPLAY_WINDOW_MIN - 1;
	EXPECT_EQ(-ERANGE, add_with(self->nl, MIHSEC_A_SA_REPLAY_WINDOW,
				    &u32v, 4, 0));
	u32v = MIHSEC_REPLAY_WINDOW_MAX + 1;
	EXPECT_EQ(-ERANGE, add_with(self->nl, MIHSEC_A_SA_REPLAY_WINDOW,
				    &u32v, 4, 0));
	u8v = 3;
	EXPECT_EQ(-ERANGE, add_with(self->nl, MIHSEC_A_SA_ROLE, &u8v, 1, 0));
	u8v = 0;
	EXPECT_EQ(-ERANGE, add_with(self->nl, MIHSEC_A_SA_SUITE, &u8v, 1, 0));
	u8v = 5;
	EXPECT_EQ(-ERANGE, add_with(self->nl, MIHSEC_A_SA_SUITE, &u8v, 1, 0));
	u8v = MIHSEC_SUITE_AES128_CBC_HMAC_SHA1;	/* needs integrity keys */
	EXPECT_EQ(-EINVAL, add_with(self->nl, MIHSEC_A_SA_SUITE, &u8v, 1, 0));
	/* a starting sequence: 8 octets, at most 2^63 */
	EXPECT_EQ(-EINVAL, add_with(self->nl, MIHSEC_A_SA_TX_SEQ, k32, 4, 0));
	u64v = MIHSEC_SEQ_MAX + 1;
	EXPECT_EQ(-ERANGE, add_with(self->nl, MIHSEC_A_SA_TX_SEQ, &u64v, 8, 0));
	/* read-only and unknown attributes */
	EXPECT_EQ(-EINVAL, add_with(self->nl, MIHSEC_A_SA_RX_SEQ, k32, 8, 0));
	EXPECT_EQ(-EINVAL, add_with(self->nl, MIHSEC_A_SA_INDEX, k32, 4, 0));
	EXPECT_EQ(-EINVAL, add_with(self->nl, MIHSEC_A_MAX + 1, k32, 4, 0));
	EXPECT_EQ(-EINVAL, add_with(self->nl, MIHSEC_A_SA_TX_IKEY, k32, 32, 0));
	/* every required attribute missing in turn */
	EXPECT_EQ(-EINVAL, add_with(self->nl, 0, NULL, 0, MIHSEC_A_SA_LOCAL_ID));
	EXPECT_EQ(-EINVAL, add_with(self->nl, 0, NULL, 0, MIHSEC_A_SA_PEER_ID));
	EXPECT_EQ(-EINVAL, add_with(self->nl, 0, NULL, 0, MIHSEC_A_SA_ROLE));
	EXPECT_EQ(-EINVAL, add_with(self->nl, 0, NULL, 0, MIHSEC_A_SA_TX_KEYID));
	EXPECT_EQ(-EINVAL, add_with(self->nl, 0, NULL, 0, MIHSEC_A_SA_RX_KEYID));
	EXPECT_EQ(-EINVAL, add_with(self->nl, 0, NULL, 0, MIHSEC_A_SA_TX_KEY));
	EXPECT_EQ(-EINVAL, add_with(self->nl, 0, NULL, 0, MIHSEC_A_SA_RX_KEY));
	EXPECT_EQ(-EINVAL, add_with(self->nl, 0, NULL, 0, MIHSEC_A_SA_TX_SALT));
	EXPECT_EQ(-EINVAL, add_with(self->nl, 0, NULL, 0, MIHSEC_A_SA_RX_SALT));
	/* nothing of the above was installed */
	ASSERT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
	EXPECT_EQ(0U, pi.sa_count);
}

TEST_F(api, policy_and_delete)
{
	struct mihsec_policy_info pi;
	struct mihsec_sa_cfg c;
	uint8_t none[8] = { 0xee };
	unsigned int i;

	ASSERT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
	EXPECT_EQ(MIHSEC_POLICY_OPTIONAL, pi.policy);	/* default */
	EXPECT_EQ(MIHSEC_DEFAULT_PORT, pi.port);
	EXPECT_EQ(-ERANGE, mihsec_nl_policy_set(self->nl, 3));
	ASSERT_EQ(0, mihsec_nl_policy_set(self->nl, MIHSEC_POLICY_REQUIRE));
	ASSERT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
	EXPECT_EQ(MIHSEC_POLICY_REQUIRE, pi.policy);

	/* three SAs for one peer (rekeys), one for another */
	for (i = 0; i < 4; i++) {
		sa_cfg(&c, i);
		if (i < 3)
			c.peer_id_len = snprintf((char *)c.peer_id,
						 sizeof(c.peer_id), "mmt-x");
		ASSERT_EQ(0, mihsec_nl_sa_add(self->nl, &c));
	}
	EXPECT_EQ(-ENOENT, mihsec_nl_sa_del_keyid(self->nl, none));
	EXPECT_EQ(-ENOENT, mihsec_nl_sa_del_peer(self->nl,
						 (const uint8_t *)"nobody", 6));
	EXPECT_EQ(0, mihsec_nl_sa_del_peer(self->nl,
					   (const uint8_t *)"mmt-x", 5));
	ASSERT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
	EXPECT_EQ(1U, pi.sa_count);
	sa_cfg(&c, 3);
	EXPECT_EQ(0, mihsec_nl_sa_del_keyid(self->nl, c.rx_keyid));
	EXPECT_EQ(-ENOENT, mihsec_nl_sa_del_keyid(self->nl, c.rx_keyid));
	ASSERT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
	EXPECT_EQ(0U, pi.sa_count);
}

/* State is per namespace; a namespace dies cleanly with SAs in it */
TEST_F(api, per_namespace)
{
	struct mihsec_policy_info pi;
	struct mihsec_sa_cfg c;
	struct mihsec_nl *nl2;
	char ns2[64];
	int i;

	for (i = 0; i < 10; i++) {
		sa_cfg(&c, i);
		ASSERT_EQ(0, mihsec_nl_sa_add(self->nl, &c));
	}
	ASSERT_EQ(0, mihsec_nl_policy_set(self->nl, MIHSEC_POLICY_OFF));

	ns_name(ns2, sizeof(ns2), "b");
	ASSERT_EQ(0, ns_enter(ns2));
	nl2 = nl_open(_metadata);
	ASSERT_EQ(0, mihsec_nl_policy_get(nl2, &pi));
	EXPECT_EQ(0U, pi.sa_count);
	EXPECT_EQ(MIHSEC_POLICY_OPTIONAL, pi.policy);
	/* the same key IDs are free here */
	for (i = 0; i < 10; i++) {
		sa_cfg(&c, i);
		ASSERT_EQ(0, mihsec_nl_sa_add(nl2, &c));
	}
	EXPECT_EQ(0, mihsec_nl_sa_flush(nl2));
	/* flushed key IDs stay burnt (PROTOCOL.md section 7) */
	sa_cfg(&c, 3);
	EXPECT_EQ(-EEXIST, mihsec_nl_sa_add(nl2, &c));
	for (i = 100; i < 150; i++) {
		sa_cfg(&c, i);
		ASSERT_EQ(0, mihsec_nl_sa_add(nl2, &c));
	}
	mihsec_nl_close(nl2);

	/* the first namespace is untouched */
	ASSERT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
	EXPECT_EQ(10U, pi.sa_count);
	EXPECT_EQ(MIHSEC_POLICY_OFF, pi.policy);
	/* and the second dies with 50 SAs in it */
	EXPECT_EQ(0, run("ip netns del %s", ns2));
}

/* An MIH_Link_Up indication from "me" to @dst (not exempt) */
static size_t link_up_pdu(uint8_t *b, const char *dst)
{
	size_t n = 0, dl = strlen(dst);

	memcpy(b, "\x10\x00\x2c\x02\x00\x01\x00\x00", 8);
	n = 8;
	memcpy(b + n, "\x01\x03\x02me", 5);
	n += 5;
	b[n++] = 2;
	b[n++] = dl + 1;
	b[n++] = dl;
	memcpy(b + n, dst, dl);
	n += dl;
	b[6] = (n - 8) >> 8;
	b[7] = (n - 8) & 0xff;
	return n;
}

/* Count MIHSEC_CMD_EVENT messages of @type waiting on @sk */
static int read_events(struct nl_sock *sk, int want_type, int timeout_ms,
		       char *peer, size_t peerlen)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(sk), .events = POLLIN };
	int n = 0;

	while (poll(&pfd, 1, timeout_ms) == 1) {
		struct sockaddr_nl who;
		unsigned char *buf = NULL;
		struct nlmsghdr *h;
		int len = nl_recv(sk, &who, &buf, NULL);

		for (h = (struct nlmsghdr *)buf; len > 0 && nlmsg_ok(h, len);
		     h = nlmsg_next(h, &len)) {
			struct nlattr *tb[MIHSEC_A_MAX + 1];

			if (genlmsg_parse(h, 0, tb, MIHSEC_A_MAX, NULL) ||
			    !tb[MIHSEC_A_EVENT_TYPE] ||
			    nla_get_u8(tb[MIHSEC_A_EVENT_TYPE]) != want_type)
				continue;
			n++;
			if (peer && tb[MIHSEC_A_SA_PEER_ID] &&
			    (size_t)nla_len(tb[MIHSEC_A_SA_PEER_ID]) < peerlen) {
				memcpy(peer, nla_data(tb[MIHSEC_A_SA_PEER_ID]),
				       nla_len(tb[MIHSEC_A_SA_PEER_ID]));
				peer[nla_len(tb[MIHSEC_A_SA_PEER_ID])] = 0;
			}
		}
		free(buf);
		timeout_ms = 200;
	}
	return n;
}

/* no-sa under require: multicast to listeners, at most the burst at once */
TEST_F(api, events_rate_limited)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(MIHSEC_DEFAULT_PORT) };
	uint64_t st0[MIHSEC_STAT_MAX + 1], st1[MIHSEC_STAT_MAX + 1];
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg;
	uint8_t pdu[64];
	char peer[64] = "";
	int grp, fd, i, n;
	size_t len;

	ASSERT_EQ(0, run("ip link set lo up%s", ""));
	ASSERT_NE(NULL, sk);
	nl_socket_disable_seq_check(sk);
	ASSERT_EQ(0, genl_connect(sk));
	grp = genl_ctrl_resolve_grp(sk, MIHSEC_GENL_NAME,
				    MIHSEC_GENL_MCGRP_EVENTS);
	ASSERT_GT(grp, 0);
	ASSERT_EQ(0, nl_socket_add_membership(sk, grp));

	/* require, at most 3 events at once, 1 per second afterwards */
	msg = mihsec_nl_msg_new(mihsec_nl_family(self->nl),
				MIHSEC_CMD_POLICY_SET, 0);
	ASSERT_NE(NULL, msg);
	nla_put_u8(msg, MIHSEC_A_POLICY, MIHSEC_POLICY_REQUIRE);
	nla_put_u32(msg, MIHSEC_A_EVENT_RATE, 1);
	nla_put_u32(msg, MIHSEC_A_EVENT_BURST, 3);
	ASSERT_EQ(0, mihsec_nl_transact(self->nl, msg, NULL, NULL));
	ASSERT_EQ(0, mihsec_nl_stats_get(self->nl, st0));

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_GE(fd, 0);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	len = link_up_pdu(pdu, "nobody.example");
	for (i = 0; i < 10; i++)	/* dropped by the sender: no SA */
		EXPECT_EQ(-1, sendto(fd, pdu, len, 0, (void *)&to, sizeof(to)));
	close(fd);

	n = read_events(sk, MIHSEC_EV_NO_SA, 1000, peer, sizeof(peer));
	ASSERT_EQ(0, mihsec_nl_stats_get(self->nl, st1));
	EXPECT_EQ(3, n);
	EXPECT_STREQ("nobody.example", peer);
	EXPECT_EQ(10U, st1[MIHSEC_STAT_DROP_NO_SA] - st0[MIHSEC_STAT_DROP_NO_SA]);
	EXPECT_EQ(3U, st1[MIHSEC_STAT_EVENTS_SENT] - st0[MIHSEC_STAT_EVENTS_SENT]);
	EXPECT_EQ(7U, st1[MIHSEC_STAT_EVENTS_SUPPRESSED] -
		      st0[MIHSEC_STAT_EVENTS_SUPPRESSED]);
	nl_socket_free(sk);
}

/* Loopback pair: "a" (MMT side) sends to "b" (network side) and back */
static void pair_cfg(struct mihsec_sa_cfg *c, int side, unsigned int gen)
{
	memset(c, 0, sizeof(*c));
	c->local_id_len = snprintf((char *)c->local_id, 8, side ? "b" : "a");
	c->peer_id_len = snprintf((char *)c->peer_id, 8, side ? "a" : "b");
	c->role = side ? MIHSEC_ROLE_NETWORK : MIHSEC_ROLE_MMT;
	memset(c->tx_keyid, (side ? 0xb0 : 0xa0) + gen, 8);
	memset(c->rx_keyid, (side ? 0xa0 : 0xb0) + gen, 8);
	c->tx_key_len = c->rx_key_len = 16;
	memset(c->tx_key, (side ? 0x22 : 0x11) + gen, 16);
	memset(c->rx_key, (side ? 0x11 : 0x22) + gen, 16);
	memset(c->tx_salt, side ? 2 : 1, 4);
	memset(c->rx_salt, side ? 1 : 2, 4);
}

static size_t mih_pdu(uint8_t *b, const char *src, const char *dst,
		      uint16_t mid)
{
	size_t n = 8, sl = strlen(src), dl = strlen(dst);

	memcpy(b, "\x10\x00\x00\x00\x00\x01\x00\x00", 8);
	b[2] = mid >> 8;
	b[3] = mid & 0xff;
	b[n++] = 1;
	b[n++] = sl + 1;
	b[n++] = sl;
	memcpy(b + n, src, sl);
	n += sl;
	b[n++] = 2;
	b[n++] = dl + 1;
	b[n++] = dl;
	memcpy(b + n, dst, dl);
	n += dl;
	memcpy(b + n, "\x03\x01\x00", 3);	/* Status */
	n += 3;
	b[6] = (n - 8) >> 8;
	b[7] = (n - 8) & 0xff;
	return n;
}

FIXTURE(lo) {
	char ns[64];
	struct mihsec_nl *nl;
	struct nl_sock *ev;
	int tx, rx;
};

FIXTURE_SETUP(lo)
{
	struct sockaddr_in me = { .sin_family = AF_INET,
				  .sin_port = htons(MIHSEC_DEFAULT_PORT),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { .tv_usec = 300000 };
	int grp;

	ns_name(self->ns, sizeof(self->ns), "lo");
	ASSERT_EQ(0, ns_enter(self->ns));
	ASSERT_EQ(0, run("ip link set lo up%s", ""));
	self->nl = nl_open(_metadata);
	self->ev = nl_socket_alloc();
	ASSERT_NE(NULL, self->ev);
	nl_socket_disable_seq_check(self->ev);
	ASSERT_EQ(0, genl_connect(self->ev));
	grp = genl_ctrl_resolve_grp(self->ev, MIHSEC_GENL_NAME,
				    MIHSEC_GENL_MCGRP_EVENTS);
	ASSERT_GT(grp, 0);
	ASSERT_EQ(0, nl_socket_add_membership(self->ev, grp));
	self->rx = socket(AF_INET, SOCK_DGRAM, 0);
	self->tx = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_GE(self->rx, 0);
	ASSERT_GE(self->tx, 0);
	ASSERT_EQ(0, bind(self->rx, (void *)&me, sizeof(me)));
	ASSERT_EQ(0, setsockopt(self->rx, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));
	ASSERT_EQ(0, mihsec_nl_policy_set(self->nl, MIHSEC_POLICY_REQUIRE));
}

FIXTURE_TEARDOWN(lo)
{
	close(self->tx);
	close(self->rx);
	if (self->ev)
		nl_socket_free(self->ev);
	if (self->nl)
		mihsec_nl_close(self->nl);
	run("ip netns del %s 2>/dev/null", self->ns);
}

/* Send @mid from "a" to "b"; true if "b"'s socket got the plain PDU back */
static bool lo_send(FIXTURE_DATA(lo) *self, uint16_t mid)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(MIHSEC_DEFAULT_PORT),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	uint8_t pdu[64], got[256];
	size_t len = mih_pdu(pdu, "a", "b", mid);
	ssize_t n;

	if (sendto(self->tx, pdu, len, 0, (void *)&to, sizeof(to)) != (ssize_t)len)
		return false;
	n = recv(self->rx, got, sizeof(got), 0);
	return n == (ssize_t)len && !memcmp(got, pdu, len);
}

/* Extra SA_ADD attributes for one side of a pair */
typedef void (*pair_extra)(struct nl_msg *msg, int side);

static int add_pair(struct mihsec_nl *nl, unsigned int gen, pair_extra extra)
{
	struct mihsec_sa_cfg c;
	struct nl_msg *msg;
	int side, err;

	for (side = 0; side < 2; side++) {
		pair_cfg(&c, side, gen);
		msg = mihsec_nl_msg_new(mihsec_nl_family(nl),
					MIHSEC_CMD_SA_ADD, 0);
		if (!msg || mihsec_nl_put_sa_cfg(msg, &c))
			return -ENOMEM;
		if (extra)
			extra(msg, side);
		err = mihsec_nl_transact(nl, msg, NULL, NULL);
		if (err)
			return err;
	}
	return 0;
}

static uint64_t stat_delta(struct mihsec_nl *nl, const uint64_t *before,
			   int stat)
{
	uint64_t now[MIHSEC_STAT_MAX + 1];

	if (mihsec_nl_stats_get(nl, now))
		return ~0ULL;
	return now[stat] - before[stat];
}

TEST_F(lo, protected_exchange)
{
	uint64_t st[MIHSEC_STAT_MAX + 1];

	ASSERT_EQ(0, add_pair(self->nl, 0, NULL));
	ASSERT_EQ(0, mihsec_nl_stats_get(self->nl, st));
	EXPECT_TRUE(lo_send(self, 0x2c02));
	EXPECT_EQ(1U, stat_delta(self->nl, st, MIHSEC_STAT_TX_PROTECTED));
	EXPECT_EQ(1U, stat_delta(self->nl, st, MIHSEC_STAT_RX_VERIFIED));
}

static long slab_kib(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* A namespace deleted with 3000 SAs in it gives their memory back */
TEST_F(api, netns_deletion_frees_sas)
{
	struct mihsec_sa_cfg c;
	struct mihsec_nl *nl2;
	long s0, s1, s2 = 0;
	char ns2[64];
	int i, t;

	ns_name(ns2, sizeof(ns2), "mem");
	s0 = slab_kib();
	ASSERT_GT(s0, 0);
	ASSERT_EQ(0, ns_enter(ns2));
	nl2 = nl_open(_metadata);
	for (i = 0; i < 3000; i++) {
		sa_cfg(&c, i);
		ASSERT_EQ(0, mihsec_nl_sa_add(nl2, &c));
	}
	mihsec_nl_close(nl2);
	ASSERT_EQ(0, ns_enter(self->ns));
	s1 = slab_kib();
	TH_LOG("slab: %ld kB before, %ld kB with 3000 SAs (%ld B per SA)",
	       s0, s1, (s1 - s0) * 1024 / 3000);
	ASSERT_GT(s1 - s0, 3000 * 2);	/* they did take memory */
	ASSERT_EQ(0, run("ip netns del %s", ns2));
	/* namespace cleanup and RCU callbacks run asynchronously */
	for (t = 0; t < 100; t++) {
		s2 = slab_kib();
		if (s2 - s0 < (s1 - s0) / 5)
			break;
		usleep(100000);
	}
	TH_LOG("slab: %ld kB after deleting the namespace", s2);
	EXPECT_LT(s2 - s0, (s1 - s0) / 5);
}

/* Every suite and E mode (the SA_ADD attributes of each) */
static uint8_t g_suite, g_flags;

static void suite_extra(struct nl_msg *msg, int side)
{
	static const uint8_t k32a[32] = { 1, 2, 3 }, k32b[32] = { 4, 5, 6 };

	nla_put_u8(msg, MIHSEC_A_SA_SUITE, g_suite);
	nla_put_u32(msg, MIHSEC_A_SA_FLAGS, g_flags);
	if (g_suite == MIHSEC_SUITE_AES256_GCM ||
	    g_suite == MIHSEC_SUITE_CHACHA20_POLY1305) {
		/* replace the 16-octet keys by 32-octet ones (last wins) */
		nla_put(msg, MIHSEC_A_SA_TX_KEY, 32, side ? k32b : k32a);
		nla_put(msg, MIHSEC_A_SA_RX_KEY, 32, side ? k32a : k32b);
	}
	if (g_suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1) {
		nla_put(msg, MIHSEC_A_SA_TX_IKEY, 32, side ? k32b : k32a);
		nla_put(msg, MIHSEC_A_SA_RX_IKEY, 32, side ? k32a : k32b);
	}
}

/* Send @mid from "a" to "b" over ::1; true if "b" got the plain PDU */
static bool lo6_send(uint16_t mid)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6,
				   .sin6_port = htons(MIHSEC_DEFAULT_PORT),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct timeval tv = { .tv_usec = 300000 };
	int rx = socket(AF_INET6, SOCK_DGRAM, 0);
	int tx = socket(AF_INET6, SOCK_DGRAM, 0);
	uint8_t pdu[64], got[256];
	size_t len = mih_pdu(pdu, "a", "b", mid);
	bool ok = false;

	if (rx >= 0 && tx >= 0 &&
	    !bind(rx, (void *)&to, sizeof(to)) &&
	    !setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) &&
	    sendto(tx, pdu, len, 0, (void *)&to, sizeof(to)) == (ssize_t)len)
		ok = recv(rx, got, sizeof(got), 0) == (ssize_t)len &&
		     !memcmp(got, pdu, len);
	if (rx >= 0)
		close(rx);
	if (tx >= 0)
		close(tx);
	return ok;
}

/* Every suite and E mode end to end, over IPv4 and IPv6 loopback */
TEST_F(lo, every_suite_and_mode)
{
	uint64_t st[MIHSEC_STAT_MAX + 1];
	unsigned int gen = 10;

	for (g_suite = 1; g_suite <= 4; g_suite++) {
		for (g_flags = 0; g_flags <= MIHSEC_SA_F_ENCRYPT; g_flags++) {
			ASSERT_EQ(0, mihsec_nl_sa_flush(self->nl));
			ASSERT_EQ(0, add_pair(self->nl, gen++, suite_extra))
				TH_LOG("suite %u flags %u: %s", g_suite, g_flags,
				       mihsec_nl_errmsg(self->nl));
			ASSERT_EQ(0, mihsec_nl_stats_get(self->nl, st));
			EXPECT_TRUE(lo_send(self, 0x2c02))
				TH_LOG("suite %u flags %u", g_suite, g_flags);
			EXPECT_TRUE(lo6_send(0x2c06))
				TH_LOG("IPv6: suite %u flags %u", g_suite,
				       g_flags);
			EXPECT_EQ(2U, stat_delta(self->nl, st,
						 MIHSEC_STAT_RX_VERIFIED));
			EXPECT_EQ(2U, stat_delta(self->nl, st,
						 MIHSEC_STAT_TX_PROTECTED));
		}
	}
}

/* SAs are bound to MIHF IDs, not addresses: the sender's address changes */
TEST_F(lo, address_change)
{
	struct sockaddr_in from = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(0x7f000005) };
	struct mihsec_sa_info info;
	struct mihsec_sa_cfg b;
	int fd;

	ASSERT_EQ(0, add_pair(self->nl, 0, NULL));
	EXPECT_TRUE(lo_send(self, 0x2c02));		/* from 127.0.0.1 */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind(fd, (void *)&from, sizeof(from)));
	close(self->tx);
	self->tx = fd;
	EXPECT_TRUE(lo_send(self, 0x2c02));		/* from 127.0.0.5 */
	EXPECT_TRUE(lo_send(self, 0x2c06));
	pair_cfg(&b, 1, 0);
	ASSERT_EQ(0, mihsec_nl_sa_get(self->nl, b.rx_keyid, &info));
	EXPECT_EQ(3U, info.stats[MIHSEC_SA_STAT_RX_PACKETS]);
	EXPECT_EQ(3U, info.rx_seq);
}

/* "b" accepts only MIH_Link_Up from "a" (PROTOCOL.md section 5 step 9) */
static void allow_link_up(struct nl_msg *msg, int side)
{
	struct nlattr *nest;

	if (!side)
		return;
	nest = nla_nest_start(msg, MIHSEC_A_SA_ALLOW);
	nla_put_u16(msg, MIHSEC_MID_ENTRY, 0x2c02);
	nla_nest_end(msg, nest);
}

TEST_F(lo, allow_list)
{
	uint64_t st[MIHSEC_STAT_MAX + 1];

	ASSERT_EQ(0, add_pair(self->nl, 0, allow_link_up));
	ASSERT_EQ(0, mihsec_nl_stats_get(self->nl, st));
	EXPECT_TRUE(lo_send(self, 0x2c02));	/* Link_Up: allowed */
	EXPECT_FALSE(lo_send(self, 0x2c03));	/* Link_Down: denied */
	EXPECT_EQ(1U, stat_delta(self->nl, st, MIHSEC_STAT_DROP_DENIED));
	EXPECT_EQ(1U, stat_delta(self->nl, st, MIHSEC_STAT_RX_VERIFIED));
	EXPECT_EQ(1, read_events(self->ev, MIHSEC_EV_DENIED, 500, NULL, 0));
}

static void msg_limits(struct nl_msg *msg, int side)
{
	if (side)
		return;
	nla_put_u64(msg, MIHSEC_A_SA_SOFT_MSGS, 2);
	nla_put_u64(msg, MIHSEC_A_SA_HARD_MSGS, 3);
}

TEST_F(lo, message_lifetime)
{
	uint64_t st[MIHSEC_STAT_MAX + 1];
	struct mihsec_policy_info pi;
	int i, ok = 0, t;

	ASSERT_EQ(0, add_pair(self->nl, 0, msg_limits));
	ASSERT_EQ(0, mihsec_nl_stats_get(self->nl, st));
	for (i = 0; i < 5; i++)
		ok += lo_send(self, 0x2c02);
	EXPECT_EQ(3, ok);
	EXPECT_EQ(2U, stat_delta(self->nl, st, MIHSEC_STAT_DROP_EXPIRED));
	EXPECT_EQ(1, read_events(self->ev, MIHSEC_EV_SA_SOFT_EXPIRED, 500,
				 NULL, 0));
	/* the worker deletes it within a few seconds and says so */
	EXPECT_EQ(1, read_events(self->ev, MIHSEC_EV_SA_EXPIRED, 4000, NULL, 0));
	for (t = 0; t < 40; t++) {
		ASSERT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
		if (pi.sa_count == 1)
			break;
		usleep(100000);
	}
	EXPECT_EQ(1U, pi.sa_count);
}

static void secs_limit(struct nl_msg *msg, int side)
{
	nla_put_u32(msg, MIHSEC_A_SA_HARD_SECS, 1);
}

TEST_F(lo, time_lifetime)
{
	struct mihsec_policy_info pi;

	ASSERT_EQ(0, add_pair(self->nl, 0, secs_limit));
	EXPECT_TRUE(lo_send(self, 0x2c02));
	EXPECT_EQ(2, read_events(self->ev, MIHSEC_EV_SA_EXPIRED, 4000, NULL, 0));
	ASSERT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
	EXPECT_EQ(0U, pi.sa_count);
	EXPECT_FALSE(lo_send(self, 0x2c02));	/* require, no SA any more */
}

static void grace_1s(struct nl_msg *msg, int side)
{
	nla_put_u32(msg, MIHSEC_A_SA_GRACE, 1);
}

/* A newer SA sends at once; the older one retires after its grace */
TEST_F(lo, rekey_grace)
{
	struct mihsec_sa_info info;
	struct mihsec_sa_cfg old;
	int i;

	ASSERT_EQ(0, add_pair(self->nl, 0, grace_1s));
	EXPECT_TRUE(lo_send(self, 0x2c02));
	ASSERT_EQ(0, add_pair(self->nl, 1, NULL));
	for (i = 0; i < 3; i++)
		EXPECT_TRUE(lo_send(self, 0x2c02));
	pair_cfg(&old, 1, 0);
	/* the new pair carried them; the old pair is still there */
	ASSERT_EQ(0, mihsec_nl_sa_get(self->nl, old.rx_keyid, &info));
	EXPECT_EQ(1U, info.stats[MIHSEC_SA_STAT_RX_PACKETS]);
	EXPECT_EQ(2, read_events(self->ev, MIHSEC_EV_SA_EXPIRED, 4000, NULL, 0));
	EXPECT_EQ(-ENOENT, mihsec_nl_sa_get(self->nl, old.rx_keyid, &info));
	EXPECT_TRUE(lo_send(self, 0x2c02));
}

static void seq_near_end(struct nl_msg *msg, int side)
{
	nla_put_u64(msg, MIHSEC_A_SA_TX_SEQ, MIHSEC_SEQ_MAX - 2);
}

/*
 * An SA handed over with its sequence (MIHSEC_A_SA_TX_SEQ) goes on from
 * there: two PDUs fit before 2^63, the third is refused with an event.
 */
TEST_F(lo, start_sequence_and_exhaustion)
{
	uint64_t st[MIHSEC_STAT_MAX + 1];
	struct mihsec_sa_info info;
	struct mihsec_sa_cfg c;
	struct nl_msg *msg;

	/* beyond 2^63 is refused */
	pair_cfg(&c, 0, 7);
	msg = mihsec_nl_msg_new(mihsec_nl_family(self->nl),
				MIHSEC_CMD_SA_ADD, 0);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, mihsec_nl_put_sa_cfg(msg, &c));
	nla_put_u64(msg, MIHSEC_A_SA_TX_SEQ, MIHSEC_SEQ_MAX + 1);
	EXPECT_EQ(-ERANGE, mihsec_nl_transact(self->nl, msg, NULL, NULL));

	ASSERT_EQ(0, add_pair(self->nl, 0, seq_near_end));
	pair_cfg(&c, 0, 0);
	ASSERT_EQ(0, mihsec_nl_sa_get(self->nl, c.rx_keyid, &info));
	EXPECT_EQ(MIHSEC_SEQ_MAX - 2, info.tx_seq);
	ASSERT_EQ(0, mihsec_nl_stats_get(self->nl, st));
	EXPECT_TRUE(lo_send(self, 0x2c02));
	EXPECT_TRUE(lo_send(self, 0x2c02));
	EXPECT_FALSE(lo_send(self, 0x2c02));
	EXPECT_EQ(2U, stat_delta(self->nl, st, MIHSEC_STAT_RX_VERIFIED));
	EXPECT_EQ(1U, stat_delta(self->nl, st, MIHSEC_STAT_DROP_SEQ_EXHAUSTED));
	EXPECT_EQ(1, read_events(self->ev, MIHSEC_EV_SEQ_EXHAUSTED, 500,
				 NULL, 0));
	pair_cfg(&c, 1, 0);
	ASSERT_EQ(0, mihsec_nl_sa_get(self->nl, c.rx_keyid, &info));
	EXPECT_EQ(MIHSEC_SEQ_MAX, info.rx_seq);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the netlink client (lib/nl.c) without the mihsec module:
 * request building checked against the kernel's attribute expectations,
 * reply parsing, and whole exchanges (ACK, errors with extended ACK,
 * multi-part dumps, NLM_F_DUMP_INTR) against the scripted fake kernel of
 * test_ctl_fake.h; plus the real generic netlink path against the host
 * kernel's "nlctrl" family (read-only queries).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>

#include "kselftest_harness.h"

#include "lib/nl.h"
#include "test_ctl_fake.h"

/*
 * What the kernel accepts in MIHSEC_CMD_SA_ADD (uapi/linux/mihsec.h):
 * binary attributes with exact or bounded lengths, integers of exact size.
 */
static const struct nla_policy kernel_sa_add_policy[MIHSEC_A_MAX + 1] = {
	[MIHSEC_A_SA_LOCAL_ID]	= { .type = NLA_UNSPEC, .minlen = 1,
				    .maxlen = MIHSEC_MIHF_ID_MAX },
	[MIHSEC_A_SA_PEER_ID]	= { .type = NLA_UNSPEC, .minlen = 1,
				    .maxlen = MIHSEC_MIHF_ID_MAX },
	[MIHSEC_A_SA_SUITE]	= { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[MIHSEC_A_SA_ROLE]	= { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[MIHSEC_A_SA_FLAGS]	= { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[MIHSEC_A_SA_TX_KEYID]	= { .type = NLA_UNSPEC, .minlen = 8, .maxlen = 8 },
	[MIHSEC_A_SA_RX_KEYID]	= { .type = NLA_UNSPEC, .minlen = 8, .maxlen = 8 },
	[MIHSEC_A_SA_TX_KEY]	= { .type = NLA_UNSPEC, .minlen = 16,
				    .maxlen = MIHSEC_KEY_MAX },
	[MIHSEC_A_SA_RX_KEY]	= { .type = NLA_UNSPEC, .minlen = 16,
				    .maxlen = MIHSEC_KEY_MAX },
	[MIHSEC_A_SA_TX_SALT]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 4 },
	[MIHSEC_A_SA_RX_SALT]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 4 },
	[MIHSEC_A_SA_TX_IKEY]	= { .type = NLA_UNSPEC, .minlen = 32,
				    .maxlen = 32 },
	[MIHSEC_A_SA_RX_IKEY]	= { .type = NLA_UNSPEC, .minlen = 32,
				    .maxlen = 32 },
	[MIHSEC_A_SA_REPLAY_WINDOW] = { .type = NLA_U32, .minlen = 4,
					.maxlen = 4 },
	[MIHSEC_A_SA_ALLOW]	= { .type = NLA_NESTED },
	[MIHSEC_A_SA_SOFT_SECS]	= { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[MIHSEC_A_SA_HARD_SECS]	= { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[MIHSEC_A_SA_SOFT_MSGS]	= { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[MIHSEC_A_SA_HARD_MSGS]	= { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[MIHSEC_A_SA_GRACE]	= { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[MIHSEC_A_SA_TX_SEQ]	= { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[MIHSEC_A_POLICY]	= { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[MIHSEC_A_EXEMPT]	= { .type = NLA_NESTED },
	[MIHSEC_A_EXEMPT_UIR]	= { .type = NLA_NESTED },
	[MIHSEC_A_EVENT_RATE]	= { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[MIHSEC_A_EVENT_BURST]	= { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
};

/* The kernel's nested MID policy: MIHSEC_MID_ENTRY u16 only */
static const struct nla_policy kernel_mid_policy[MIHSEC_MID_MAX + 1] = {
	[MIHSEC_MID_ENTRY]	= { .type = NLA_U16, .minlen = 2, .maxlen = 2 },
};

/* The MIDs of nest @nest as the kernel reads them; -1 if malformed */
static int kernel_mids(struct nlattr *nest, uint16_t *out, int max)
{
	struct nlattr *tb[MIHSEC_MID_MAX + 1], *a;
	int rem, n = 0;

	/* strict validation (genl default) wants the nested flag */
	if (!(nest->nla_type & NLA_F_NESTED))
		return -1;
	if (nla_parse_nested(tb, MIHSEC_MID_MAX, nest,
			     (struct nla_policy *)kernel_mid_policy) < 0)
		return -1;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != MIHSEC_MID_ENTRY || n == max)
			return -1;
		out[n++] = nla_get_u16(a);
	}
	return n;
}

static void sample_cfg(struct mihsec_sa_cfg *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->local_id, "mmt-1", 5);
	c->local_id_len = 5;
	memset(c->peer_id, 'P', MIHSEC_MIHF_ID_MAX);
	c->peer_id_len = MIHSEC_MIHF_ID_MAX;
	c->role = MIHSEC_ROLE_MMT;
	for (int i = 0; i < 8; i++) {
		c->tx_keyid[i] = (uint8_t)(0x10 + i);
		c->rx_keyid[i] = (uint8_t)(0x20 + i);
	}
	for (int i = 0; i < 16; i++) {
		c->tx_key[i] = (uint8_t)(0xa0 + i);
		c->rx_key[i] = (uint8_t)(0xb0 + i);
	}
	c->tx_key_len = c->rx_key_len = 16;
	memcpy(c->tx_salt, "\x01\x02\x03\x04", 4);
	memcpy(c->rx_salt, "\x05\x06\x07\x08", 4);
}

/* Every attribute type at most once, and only those in @allowed */
static int check_attr_set(struct nlmsghdr *nlh, const int *allowed, int n)
{
	int seen[MIHSEC_A_MAX + 1] = { 0 };
	struct nlattr *a;
	int rem, count = 0;

	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem) {
		int t = nla_type(a), ok = 0;

		for (int i = 0; i < n; i++)
			ok |= allowed[i] == t;
		if (!ok || t > MIHSEC_A_MAX || seen[t]++)
			return -1;
		count++;
	}
	return rem == 0 ? count : -1;
}

TEST(build_sa_add_required_only)
{
	static const int allowed[] = {
		MIHSEC_A_SA_LOCAL_ID, MIHSEC_A_SA_PEER_ID, MIHSEC_A_SA_ROLE,
		MIHSEC_A_SA_TX_KEYID, MIHSEC_A_SA_RX_KEYID, MIHSEC_A_SA_TX_KEY,
		MIHSEC_A_SA_RX_KEY, MIHSEC_A_SA_TX_SALT, MIHSEC_A_SA_RX_SALT,
	};
	struct nlattr *tb[MIHSEC_A_MAX + 1];
	struct mihsec_sa_cfg c;
	struct nl_msg *msg;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	sample_cfg(&c);
	msg = mihsec_nl_msg_new(FAKE_FAMILY, MIHSEC_CMD_SA_ADD, 0);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, mihsec_nl_put_sa_cfg(msg, &c));
	nlh = nlmsg_hdr(msg);

	EXPECT_EQ(FAKE_FAMILY, nlh->nlmsg_type);
	g = nlmsg_data(nlh);
	EXPECT_EQ(MIHSEC_CMD_SA_ADD, g->cmd);
	EXPECT_EQ(MIHSEC_GENL_VERSION, g->version);
	ASSERT_EQ(0, genlmsg_parse(nlh, 0, tb, MIHSEC_A_MAX,
				   kernel_sa_add_policy));
	/* exactly the required attributes, each once */
	EXPECT_EQ(9, check_attr_set(nlh, allowed, 9));

	ASSERT_EQ(5, nla_len(tb[MIHSEC_A_SA_LOCAL_ID]));
	EXPECT_EQ(0, memcmp(nla_data(tb[MIHSEC_A_SA_LOCAL_ID]), "mmt-1", 5));
	ASSERT_EQ(253, nla_len(tb[MIHSEC_A_SA_PEER_ID]));
	EXPECT_EQ(0, memcmp(nla_data(tb[MIHSEC_A_SA_PEER_ID]), c.peer_id,
			    253));
	EXPECT_EQ(MIHSEC_ROLE_MMT, nla_get_u8(tb[MIHSEC_A_SA_ROLE]));
	EXPECT_EQ(0, memcmp(nla_data(tb[MIHSEC_A_SA_TX_KEYID]), c.tx_keyid, 8));
	EXPECT_EQ(0, memcmp(nla_data(tb[MIHSEC_A_SA_RX_KEYID]), c.rx_keyid, 8));
	ASSERT_EQ(16, nla_len(tb[MIHSEC_A_SA_TX_KEY]));
	EXPECT_EQ(0, memcmp(nla_data(tb[MIHSEC_A_SA_TX_KEY]), c.tx_key, 16));
	ASSERT_EQ(16, nla_len(tb[MIHSEC_A_SA_RX_KEY]));
	EXPECT_EQ(0, memcmp(nla_data(tb[MIHSEC_A_SA_RX_KEY]), c.rx_key, 16));
	EXPECT_EQ(0, memcmp(nla_data(tb[MIHSEC_A_SA_TX_SALT]), c.tx_salt, 4));
	EXPECT_EQ(0, memcmp(nla_data(tb[MIHSEC_A_SA_RX_SALT]), c.rx_salt, 4));
	/* defaults are the kernel's business: nothing optional was sent */
	EXPECT_EQ(NULL, tb[MIHSEC_A_SA_SUITE]);
	EXPECT_EQ(NULL, tb[MIHSEC_A_SA_FLAGS]);
	EXPECT_EQ(NULL, tb[MIHSEC_A_SA_REPLAY_WINDOW]);
	EXPECT_EQ(NULL, tb[MIHSEC_A_SA_TX_IKEY]);

	/* message length = header + the attributes, nothing else */
	EXPECT_EQ((int)(NLMSG_HDRLEN + GENL_HDRLEN) +
		  nla_total_size(5) + nla_total_size(253) + nla_total_size(1) +
		  2 * nla_total_size(8) + 2 * nla_total_size(16) +
		  2 * nla_total_size(4), (int)nlh->nlmsg_len);
	mihsec_nl_msg_free_wipe(msg);
	mihsec_sa_cfg_wipe(&c);
}

TEST(build_sa_add_all_optional)
{
	static const int allowed[] = {
		MIHSEC_A_SA_LOCAL_ID, MIHSEC_A_SA_PEER_ID, MIHSEC_A_SA_ROLE,
		MIHSEC_A_SA_TX_KEYID, MIHSEC_A_SA_RX_KEYID, MIHSEC_A_SA_TX_KEY,
		MIHSEC_A_SA_RX_KEY, MIHSEC_A_SA_TX_SALT, MIHSEC_A_SA_RX_SALT,
		MIHSEC_A_SA_SUITE, MIHSEC_A_SA_FLAGS,
		MIHSEC_A_SA_REPLAY_WINDOW, MIHSEC_A_SA_TX_IKEY,
		MIHSEC_A_SA_RX_IKEY,
	};
	struct nlattr *tb[MIHSEC_A_MAX + 1];
	struct mihsec_sa_cfg c;
	struct nl_msg *msg;

	sample_cfg(&c);
	c.has_suite = true;
	c.suite = MIHSEC_SUITE_AES128_CBC_HMAC_SHA1;
	c.has_flags = true;
	c.flags = 0;
	c.has_replay_window = true;
	c.replay_window = 8192;
	c.has_ikeys = true;
	memset(c.tx_ikey, 0x11, 32);
	memset(c.rx_ikey, 0x22, 32);
	c.tx_key_len = 32;	/* the builder does not judge suites */
	msg = mihsec_nl_msg_new(FAKE_FAMILY, MIHSEC_CMD_SA_ADD, 0);
	ASSERT_EQ(0, mihsec_nl_put_sa_cfg(msg, &c));
	ASSERT_EQ(0, genlmsg_parse(nlmsg_hdr(msg), 0, tb, MIHSEC_A_MAX,
				   kernel_sa_add_policy));
	EXPECT_EQ(14, check_attr_set(nlmsg_hdr(msg), allowed, 14));
	EXPECT_EQ(4, nla_get_u8(tb[MIHSEC_A_SA_SUITE]));
	ASSERT_NE(NULL, tb[MIHSEC_A_SA_FLAGS]);
	EXPECT_EQ(0, (int)nla_get_u32(tb[MIHSEC_A_SA_FLAGS]));
	EXPECT_EQ(8192, (int)nla_get_u32(tb[MIHSEC_A_SA_REPLAY_WINDOW]));
	EXPECT_EQ(32, nla_len(tb[MIHSEC_A_SA_TX_KEY]));
	EXPECT_EQ(0x11, ((uint8_t *)nla_data(tb[MIHSEC_A_SA_TX_IKEY]))[31]);
	EXPECT_EQ(0x22, ((uint8_t *)nla_data(tb[MIHSEC_A_SA_RX_IKEY]))[0]);
	mihsec_nl_msg_free_wipe(msg);
}

TEST(build_sa_add_allow_and_lifetimes)
{
	struct nlattr *tb[MIHSEC_A_MAX + 1];
	struct mihsec_sa_cfg c;
	struct nl_msg *msg;
	uint16_t mids[8];

	sample_cfg(&c);
	c.has_allow = true;
	c.allow.n = 3;
	c.allow.mids[0] = 0x4401;
	c.allow.mids[1] = 0x4801;
	c.allow.mids[2] = 0x2c02;
	c.life = (struct mihsec_sa_life){
		.has_soft_secs = true, .soft_secs = 100,
		.has_hard_secs = true, .hard_secs = 4294967295U,
		.has_soft_msgs = true, .soft_msgs = 1ULL << 40,
		.has_hard_msgs = true, .hard_msgs = 18446744073709551615ULL,
		.has_grace = true, .grace = 3600,
	};
	msg = mihsec_nl_msg_new(FAKE_FAMILY, MIHSEC_CMD_SA_ADD, 0);
	ASSERT_EQ(0, mihsec_nl_put_sa_cfg(msg, &c));
	ASSERT_EQ(0, genlmsg_parse(nlmsg_hdr(msg), 0, tb, MIHSEC_A_MAX,
				   kernel_sa_add_policy));
	ASSERT_EQ(3, kernel_mids(tb[MIHSEC_A_SA_ALLOW], mids, 8));
	EXPECT_EQ(0x4401, mids[0]);
	EXPECT_EQ(0x4801, mids[1]);
	EXPECT_EQ(0x2c02, mids[2]);
	EXPECT_EQ(100, (int)nla_get_u32(tb[MIHSEC_A_SA_SOFT_SECS]));
	EXPECT_EQ(4294967295U, nla_get_u32(tb[MIHSEC_A_SA_HARD_SECS]));
	EXPECT_EQ(1ULL << 40, nla_get_u64(tb[MIHSEC_A_SA_SOFT_MSGS]));
	EXPECT_EQ(18446744073709551615ULL,
		  nla_get_u64(tb[MIHSEC_A_SA_HARD_MSGS]));
	EXPECT_EQ(3600, (int)nla_get_u32(tb[MIHSEC_A_SA_GRACE]));
	EXPECT_EQ(NULL, tb[MIHSEC_A_SA_TX_SEQ]);
	mihsec_nl_msg_free_wipe(msg);

	/* a starting sequence, only when given */
	sample_cfg(&c);
	c.has_tx_seq = true;
	c.tx_seq = MIHSEC_SEQ_MAX;
	msg = mihsec_nl_msg_new(FAKE_FAMILY, MIHSEC_CMD_SA_ADD, 0);
	ASSERT_EQ(0, mihsec_nl_put_sa_cfg(msg, &c));
	ASSERT_EQ(0, genlmsg_parse(nlmsg_hdr(msg), 0, tb, MIHSEC_A_MAX,
				   kernel_sa_add_policy));
	ASSERT_NE(NULL, tb[MIHSEC_A_SA_TX_SEQ]);
	EXPECT_EQ(MIHSEC_SEQ_MAX, nla_get_u64(tb[MIHSEC_A_SA_TX_SEQ]));
	mihsec_nl_msg_free_wipe(msg);

	/* allow none: an empty nest; each lifetime alone */
	sample_cfg(&c);
	c.has_allow = true;
	c.life.has_grace = true;
	msg = mihsec_nl_msg_new(FAKE_FAMILY, MIHSEC_CMD_SA_ADD, 0);
	ASSERT_EQ(0, mihsec_nl_put_sa_cfg(msg, &c));
	ASSERT_EQ(0, genlmsg_parse(nlmsg_hdr(msg), 0, tb, MIHSEC_A_MAX,
				   kernel_sa_add_policy));
	ASSERT_NE(NULL, tb[MIHSEC_A_SA_ALLOW]);
	EXPECT_EQ(0, nla_len(tb[MIHSEC_A_SA_ALLOW]));
	EXPECT_EQ(0, kernel_mids(tb[MIHSEC_A_SA_ALLOW], mids, 8));
	ASSERT_NE(NULL, tb[MIHSEC_A_SA_GRACE]);
	EXPECT_EQ(0, (int)nla_get_u32(tb[MIHSEC_A_SA_GRACE]));
	EXPECT_EQ(NULL, tb[MIHSEC_A_SA_SOFT_SECS]);
	EXPECT_EQ(NULL, tb[MIHSEC_A_SA_HARD_SECS]);
	EXPECT_EQ(NULL, tb[MIHSEC_A_SA_SOFT_MSGS]);
	EXPECT_EQ(NULL, tb[MIHSEC_A_SA_HARD_MSGS]);
	mihsec_nl_msg_free_wipe(msg);

	/* a full list (MIHSEC_ALLOW_MAX) fits; one more is refused */
	sample_cfg(&c);
	c.has_allow = true;
	c.allow.n = MIHSEC_ALLOW_MAX;
	for (int i = 0; i < MIHSEC_ALLOW_MAX; i++)
		c.allow.mids[i] = (uint16_t)(0x4000 + i);
	msg = mihsec_nl_msg_new(FAKE_FAMILY, MIHSEC_CMD_SA_ADD, 0);
	ASSERT_EQ(0, mihsec_nl_put_sa_cfg(msg, &c));
	ASSERT_EQ(0, genlmsg_parse(nlmsg_hdr(msg), 0, tb, MIHSEC_A_MAX,
				   kernel_sa_add_policy));
	{
		uint16_t all[MIHSEC_ALLOW_MAX];

		ASSERT_EQ(MIHSEC_ALLOW_MAX,
			  kernel_mids(tb[MIHSEC_A_SA_ALLOW], all,
				      MIHSEC_ALLOW_MAX));
		EXPECT_EQ(0x40ff, all[255]);
	}
	nlmsg_free(msg);
	c.allow.n = MIHSEC_ALLOW_MAX + 1;
	msg = mihsec_nl_msg_new(FAKE_FAMILY, MIHSEC_CMD_SA_ADD, 0);
	EXPECT_EQ(-EINVAL, mihsec_nl_put_sa_cfg(msg, &c));
	nlmsg_free(msg);
	mihsec_sa_cfg_wipe(&c);
}

TEST(build_policy_set)
{
	struct nlattr *tb[MIHSEC_A_MAX + 1];
	struct mihsec_policy_cfg pc;
	struct nl_msg *msg;
	uint16_t mids[4];

	memset(&pc, 0, sizeof(pc));
	msg = mihsec_nl_msg_new(FAKE_FAMILY, MIHSEC_CMD_POLICY_SET, 0);
	EXPECT_EQ(-EINVAL, mihsec_nl_put_policy_cfg(msg, &pc));
	EXPECT_EQ((int)(NLMSG_HDRLEN + GENL_HDRLEN),
		  (int)nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);

	pc.has_policy = true;
	pc.policy = MIHSEC_POLICY_REQUIRE;
	pc.has_exempt = true;		/* empty: exempt nothing */
	pc.has_exempt_uir = true;
	pc.exempt_uir.n = 2;
	pc.exempt_uir.mids[0] = 0x4401;
	pc.exempt_uir.mids[1] = 0x1401;
	pc.has_event_rate = true;
	pc.event_rate = 0;
	pc.has_event_burst = true;
	pc.event_burst = 10000;
	msg = mihsec_nl_msg_new(FAKE_FAMILY, MIHSEC_CMD_POLICY_SET, 0);
	ASSERT_EQ(0, mihsec_nl_put_policy_cfg(msg, &pc));
	ASSERT_EQ(0, genlmsg_parse(nlmsg_hdr(msg), 0, tb, MIHSEC_A_MAX,
				   kernel_sa_add_policy));
	EXPECT_EQ(MIHSEC_POLICY_REQUIRE, nla_get_u8(tb[MIHSEC_A_POLICY]));
	EXPECT_EQ(0, kernel_mids(tb[MIHSEC_A_EXEMPT], mids, 4));
	ASSERT_EQ(2, kernel_mids(tb[MIHSEC_A_EXEMPT_UIR], mids, 4));
	EXPECT_EQ(0x4401, mids[0]);
	EXPECT_EQ(0x1401, mids[1]);
	ASSERT_NE(NULL, tb[MIHSEC_A_EVENT_RATE]);
	EXPECT_EQ(0, (int)nla_get_u32(tb[MIHSEC_A_EVENT_RATE]));
	EXPECT_EQ(10000, (int)nla_get_u32(tb[MIHSEC_A_EVENT_BURST]));
	nlmsg_free(msg);

	/* only the burst */
	memset(&pc, 0, sizeof(pc));
	pc.has_event_burst = true;
	pc.event_burst = 5;
	msg = mihsec_nl_msg_new(FAKE_FAMILY, MIHSEC_CMD_POLICY_SET, 0);
	ASSERT_EQ(0, mihsec_nl_put_policy_cfg(msg, &pc));
	ASSERT_EQ(0, genlmsg_parse(nlmsg_hdr(msg), 0, tb, MIHSEC_A_MAX,
				   kernel_sa_add_policy));
	EXPECT_EQ(NULL, tb[MIHSEC_A_POLICY]);
	EXPECT_EQ(NULL, tb[MIHSEC_A_EXEMPT]);
	EXPECT_EQ(NULL, tb[MIHSEC_A_EVENT_RATE]);
	EXPECT_EQ(5, (int)nla_get_u32(tb[MIHSEC_A_EVENT_BURST]));
	nlmsg_free(msg);
}

TEST(build_sa_add_rejects_bad_lengths)
{
	struct mihsec_sa_cfg c;
	struct nl_msg *msg = mihsec_nl_msg_new(FAKE_FAMILY,
					       MIHSEC_CMD_SA_ADD, 0);
	size_t *lens[] = { &c.local_id_len, &c.peer_id_len, &c.tx_key_len,
			   &c.rx_key_len };
	size_t bad[] = { 0, 0, 0, 0 };
	size_t over[] = { MIHSEC_MIHF_ID_MAX + 1, MIHSEC_MIHF_ID_MAX + 1,
			  MIHSEC_KEY_MAX + 1, MIHSEC_KEY_MAX + 1 };

	ASSERT_NE(NULL, msg);
	for (int i = 0; i < 4; i++) {
		sample_cfg(&c);
		*lens[i] = bad[i];
		EXPECT_EQ(-EINVAL, mihsec_nl_put_sa_cfg(msg, &c));
		sample_cfg(&c);
		*lens[i] = over[i];
		EXPECT_EQ(-EINVAL, mihsec_nl_put_sa_cfg(msg, &c));
	}
	/* nothing was appended */
	EXPECT_EQ((int)(NLMSG_HDRLEN + GENL_HDRLEN), (int)nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

TEST(cfg_wipe)
{
	struct mihsec_sa_cfg c;
	const uint8_t *p = (const uint8_t *)&c;

	sample_cfg(&c);
	mihsec_sa_cfg_wipe(&c);
	for (size_t i = 0; i < sizeof(c); i++)
		ASSERT_EQ(0, p[i]);
}

TEST(attr_names)
{
	for (int t = 1; t <= MIHSEC_A_MAX; t++) {
		EXPECT_NE(NULL, mihsec_nl_attr_name(t)) {
			TH_LOG("attribute %d has no name", t);
		}
	}
	EXPECT_EQ(NULL, mihsec_nl_attr_name(0));
	EXPECT_EQ(NULL, mihsec_nl_attr_name(MIHSEC_A_MAX + 1));
	EXPECT_STREQ("MIHSEC_A_SA_REPLAY_WINDOW",
		     mihsec_nl_attr_name(MIHSEC_A_SA_REPLAY_WINDOW));
}

/* ---- Reply parsers ------------------------------------------------------ */

/* fake_genl() reads the genl header of the request: give it one */
static struct {
	struct nlmsghdr h;
	struct genlmsghdr g;
} get_req = {
	.h = { .nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN, .nlmsg_seq = 7 },
	.g = { .cmd = MIHSEC_CMD_SA_GET, .version = 1 },
};

TEST(parse_sa_all_fields)
{
	struct mihsec_sa_info in, out;
	struct nl_msg *m;
	char why[128];

	fake_sa_info(&in, 3);
	m = fake_sa(&get_req.h, 0, &in, -1);
	ASSERT_EQ(0, mihsec_nl_parse_sa(nlmsg_hdr(m), &out, why, sizeof(why)));
	EXPECT_EQ(0, memcmp(&in, &out, sizeof(in)));
	nlmsg_free(m);
}

TEST(parse_sa_optional_fields)
{
	struct mihsec_sa_info in, out;
	struct nl_msg *m;
	char why[128];

	fake_sa_info(&in, 2);
	fake_sa_life(&in);
	m = fake_sa(&get_req.h, 0, &in, -1);
	ASSERT_EQ(0, mihsec_nl_parse_sa(nlmsg_hdr(m), &out, why, sizeof(why)));
	EXPECT_EQ(0, memcmp(&in, &out, sizeof(in)));
	EXPECT_TRUE(out.has_allow);
	EXPECT_EQ(3, out.allow.n);
	nlmsg_free(m);

	/* an empty allow list is not an absent one */
	in.allow.n = 0;
	m = fake_sa(&get_req.h, 0, &in, -1);
	ASSERT_EQ(0, mihsec_nl_parse_sa(nlmsg_hdr(m), &out, why, sizeof(why)));
	EXPECT_TRUE(out.has_allow);
	EXPECT_EQ(0, out.allow.n);
	nlmsg_free(m);

	/* malformed entries in the nest */
	fake_sa_info(&in, 2);
	m = fake_sa(&get_req.h, 0, &in, -1);
	{
		struct nlattr *nest = nla_nest_start(m, MIHSEC_A_SA_ALLOW);

		nla_put_u32(m, MIHSEC_MID_ENTRY, 0x4401);
		nla_nest_end(m, nest);
	}
	EXPECT_EQ(-EPROTO, mihsec_nl_parse_sa(nlmsg_hdr(m), &out, why,
					      sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "MIHSEC_A_SA_ALLOW"));
	nlmsg_free(m);
	m = fake_sa(&get_req.h, 0, &in, -1);
	{
		struct nlattr *nest = nla_nest_start(m, MIHSEC_A_SA_ALLOW);

		nla_put_u16(m, MIHSEC_MID_ENTRY + 1, 0x4401);
		nla_nest_end(m, nest);
	}
	EXPECT_EQ(-EPROTO, mihsec_nl_parse_sa(nlmsg_hdr(m), &out, why,
					      sizeof(why)));
	nlmsg_free(m);
	/* a lifetime of the wrong size */
	m = fake_sa(&get_req.h, 0, &in, -1);
	nla_put_u32(m, MIHSEC_A_SA_SOFT_MSGS, 5);
	EXPECT_EQ(-EPROTO, mihsec_nl_parse_sa(nlmsg_hdr(m), &out, why,
					      sizeof(why)));
	nlmsg_free(m);
}

TEST(parse_policy_optional)
{
	struct mihsec_policy_info in, out;
	struct nl_msg *m;
	char why[128];

	fake_policy_defaults(&in);
	m = fake_policy_info(&get_req.h, &in);
	ASSERT_EQ(0, mihsec_nl_parse_policy(nlmsg_hdr(m), &out, why,
					    sizeof(why)));
	EXPECT_EQ(0, memcmp(&in, &out, sizeof(in)));
	nlmsg_free(m);

	/* absent ones stay absent */
	m = fake_policy(&get_req.h, 1, 4551, 0);
	ASSERT_EQ(0, mihsec_nl_parse_policy(nlmsg_hdr(m), &out, why,
					    sizeof(why)));
	EXPECT_FALSE(out.has_exempt);
	EXPECT_FALSE(out.has_exempt_uir);
	EXPECT_FALSE(out.has_event_rate);
	EXPECT_FALSE(out.has_event_burst);
	nlmsg_free(m);

	m = fake_policy(&get_req.h, 1, 4551, 0);
	nla_put_u16(m, MIHSEC_A_EVENT_RATE, 100);
	EXPECT_EQ(-EPROTO, mihsec_nl_parse_policy(nlmsg_hdr(m), &out, why,
						  sizeof(why)));
	nlmsg_free(m);
}

TEST(parse_event)
{
	struct mihsec_event_info in, out;
	struct nl_msg *m;
	char why[128];

	for (int t = 1; t <= MIHSEC_EV_MAX; t++) {
		fake_event_info(&in, t);
		m = fake_event(&in);
		ASSERT_EQ(0, mihsec_nl_parse_event(nlmsg_hdr(m), &out, why,
						   sizeof(why)));
		EXPECT_EQ(0, memcmp(&in, &out, sizeof(in)));
		nlmsg_free(m);
	}

	/* only the type */
	memset(&in, 0, sizeof(in));
	in.type = MIHSEC_EV_NO_SA;
	m = fake_event(&in);
	ASSERT_EQ(0, mihsec_nl_parse_event(nlmsg_hdr(m), &out, why,
					   sizeof(why)));
	EXPECT_EQ(0, memcmp(&in, &out, sizeof(in)));
	nlmsg_free(m);

	/* an address of neither 4 nor 16 octets */
	in.has_addr = true;
	in.addr_len = 6;
	m = fake_event(&in);
	EXPECT_EQ(-EPROTO, mihsec_nl_parse_event(nlmsg_hdr(m), &out, why,
						 sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "MIHSEC_A_EVENT_ADDR"));
	nlmsg_free(m);

	/* no type */
	m = nlmsg_alloc();
	genlmsg_put(m, 0, 0, FAKE_FAMILY, 0, 0, MIHSEC_CMD_EVENT, 1);
	nla_put_u16(m, MIHSEC_A_EVENT_MID, 0x4401);
	EXPECT_EQ(-EPROTO, mihsec_nl_parse_event(nlmsg_hdr(m), &out, why,
						 sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "lacks MIHSEC_A_EVENT_TYPE"));
	nlmsg_free(m);

	/* a key ID that is not 8 octets */
	m = nlmsg_alloc();
	genlmsg_put(m, 0, 0, FAKE_FAMILY, 0, 0, MIHSEC_CMD_EVENT, 1);
	nla_put_u8(m, MIHSEC_A_EVENT_TYPE, 2);
	nla_put(m, MIHSEC_A_SA_RX_KEYID, 7, "1234567");
	EXPECT_EQ(-EPROTO, mihsec_nl_parse_event(nlmsg_hdr(m), &out, why,
						 sizeof(why)));
	nlmsg_free(m);
}

TEST(parse_sa_each_missing_attribute)
{
	static const int required[] = {
		MIHSEC_A_SA_INDEX, MIHSEC_A_SA_LOCAL_ID, MIHSEC_A_SA_PEER_ID,
		MIHSEC_A_SA_SUITE, MIHSEC_A_SA_ROLE, MIHSEC_A_SA_FLAGS,
		MIHSEC_A_SA_TX_KEYID, MIHSEC_A_SA_RX_KEYID,
		MIHSEC_A_SA_REPLAY_WINDOW, MIHSEC_A_SA_TX_SEQ,
		MIHSEC_A_SA_RX_SEQ, MIHSEC_A_SA_AGE, MIHSEC_A_SA_STATS,
	};
	struct mihsec_sa_info in, out;
	char why[128];

	fake_sa_info(&in, 1);
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		struct nl_msg *m = fake_sa(&get_req.h, 0, &in, required[i]);

		EXPECT_EQ(-EPROTO, mihsec_nl_parse_sa(nlmsg_hdr(m), &out, why,
						      sizeof(why)));
		EXPECT_NE(NULL, strstr(why,
				       mihsec_nl_attr_name(required[i]))) {
			TH_LOG("\"%s\"", why);
		}
		nlmsg_free(m);
	}
}

TEST(parse_sa_wrong_lengths)
{
	struct mihsec_sa_info in, out;
	struct nl_msg *m;
	char why[128];

	fake_sa_info(&in, 1);
	/* a 7-octet key ID */
	m = fake_sa(&get_req.h, 0, &in, MIHSEC_A_SA_RX_KEYID);
	nla_put(m, MIHSEC_A_SA_RX_KEYID, 7, in.rx_keyid);
	EXPECT_EQ(-EPROTO, mihsec_nl_parse_sa(nlmsg_hdr(m), &out, why,
					      sizeof(why)));
	nlmsg_free(m);
	/* a u32 index sent as u64 */
	m = fake_sa(&get_req.h, 0, &in, MIHSEC_A_SA_INDEX);
	nla_put_u64(m, MIHSEC_A_SA_INDEX, 1);
	EXPECT_EQ(-EPROTO, mihsec_nl_parse_sa(nlmsg_hdr(m), &out, why,
					      sizeof(why)));
	nlmsg_free(m);
	/* an empty MIHF ID */
	m = fake_sa(&get_req.h, 0, &in, MIHSEC_A_SA_PEER_ID);
	nla_put(m, MIHSEC_A_SA_PEER_ID, 0, NULL);
	EXPECT_EQ(-EPROTO, mihsec_nl_parse_sa(nlmsg_hdr(m), &out, why,
					      sizeof(why)));
	nlmsg_free(m);
	/* a 254-octet MIHF ID */
	{
		uint8_t id[254];

		memset(id, 'x', sizeof(id));
		m = fake_sa(&get_req.h, 0, &in, MIHSEC_A_SA_LOCAL_ID);
		nla_put(m, MIHSEC_A_SA_LOCAL_ID, 254, id);
		EXPECT_EQ(-EPROTO, mihsec_nl_parse_sa(nlmsg_hdr(m), &out, why,
						      sizeof(why)));
		nlmsg_free(m);
	}
	/* a per-SA counter of 4 octets */
	{
		struct nlattr *nest;

		m = fake_sa(&get_req.h, 0, &in, MIHSEC_A_SA_STATS);
		nest = nla_nest_start(m, MIHSEC_A_SA_STATS);
		nla_put_u32(m, MIHSEC_SA_STAT_RX_REPLAY, 1);
		nla_nest_end(m, nest);
		EXPECT_EQ(-EPROTO, mihsec_nl_parse_sa(nlmsg_hdr(m), &out, why,
						      sizeof(why)));
		EXPECT_NE(NULL, strstr(why, "MIHSEC_A_SA_STATS"));
		nlmsg_free(m);
	}
}

TEST(parse_stats)
{
	uint64_t st[MIHSEC_STAT_MAX + 1];
	struct nl_msg *m;
	char why[128];

	m = fake_stats(&get_req.h, 1ULL << 40, 0);
	ASSERT_EQ(0, mihsec_nl_parse_stats(nlmsg_hdr(m), st, why, sizeof(why)));
	for (int i = 1; i <= MIHSEC_STAT_MAX; i++)
		EXPECT_EQ((1ULL << 40) + (uint64_t)i, st[i]);
	nlmsg_free(m);

	/* an absent counter reads 0 */
	m = fake_stats(&get_req.h, 0, MIHSEC_STAT_DROP_REPLAY);
	ASSERT_EQ(0, mihsec_nl_parse_stats(nlmsg_hdr(m), st, why, sizeof(why)));
	EXPECT_EQ(0, (int)st[MIHSEC_STAT_DROP_REPLAY]);
	EXPECT_EQ(MIHSEC_STAT_DROP_ERROR, (int)st[MIHSEC_STAT_DROP_ERROR]);
	nlmsg_free(m);

	/* no MIHSEC_A_STATS at all */
	m = fake_policy(&get_req.h, 1, 4551, 0);
	EXPECT_EQ(-EPROTO, mihsec_nl_parse_stats(nlmsg_hdr(m), st, why,
						 sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "lacks MIHSEC_A_STATS"));
	nlmsg_free(m);
}

TEST(parse_policy)
{
	struct mihsec_policy_info pi;
	struct nl_msg *m;
	char why[128];

	m = fake_policy(&get_req.h, MIHSEC_POLICY_REQUIRE, 4551, 70000);
	ASSERT_EQ(0, mihsec_nl_parse_policy(nlmsg_hdr(m), &pi, why,
					    sizeof(why)));
	EXPECT_EQ(MIHSEC_POLICY_REQUIRE, pi.policy);
	EXPECT_EQ(4551, pi.port);
	EXPECT_EQ(70000, (int)pi.sa_count);
	nlmsg_free(m);

	m = fake_genl(&get_req.h, 0);
	nla_put_u8(m, MIHSEC_A_POLICY, 1);
	nla_put_u32(m, MIHSEC_A_PORT, 4551);	/* u16 expected */
	nla_put_u32(m, MIHSEC_A_SA_COUNT, 0);
	EXPECT_EQ(-EPROTO, mihsec_nl_parse_policy(nlmsg_hdr(m), &pi, why,
						  sizeof(why)));
	nlmsg_free(m);
}

/* ---- Whole exchanges against the fake kernel ---------------------------- */

FIXTURE(xch) {
	struct fake f;
	struct mihsec_nl *nl;
};

FIXTURE_SETUP(xch)
{
	fake_init(&self->f, NULL, NULL);
	self->nl = mihsec_nl_open_io(&self->f.io, FAKE_FAMILY);
	ASSERT_NE(NULL, self->nl);
	EXPECT_EQ(FAKE_FAMILY, mihsec_nl_family(self->nl));
}

FIXTURE_TEARDOWN(xch)
{
	mihsec_nl_close(self->nl);
	fake_fini(&self->f);
}

static void h_ack(struct fake *f, struct nlmsghdr *req)
{
	fake_ack(f, req);
}

TEST_F(xch, sa_add_ack)
{
	struct mihsec_sa_cfg c;
	struct nlattr *tb[MIHSEC_A_MAX + 1];
	struct nlmsghdr *req;

	self->f.on_req = h_ack;
	sample_cfg(&c);
	ASSERT_EQ(0, mihsec_nl_sa_add(self->nl, &c));
	ASSERT_EQ(1, self->f.nreq);
	req = fake_req(&self->f, 0);
	EXPECT_EQ(FAKE_FAMILY, req->nlmsg_type);
	EXPECT_EQ(NLM_F_REQUEST | NLM_F_ACK, req->nlmsg_flags);
	EXPECT_EQ(MIHSEC_CMD_SA_ADD, fake_cmd(&self->f, 0));
	ASSERT_EQ(0, genlmsg_parse(req, 0, tb, MIHSEC_A_MAX,
				   kernel_sa_add_policy));
	EXPECT_EQ(0, memcmp(nla_data(tb[MIHSEC_A_SA_RX_KEY]), c.rx_key, 16));
	EXPECT_STREQ("", mihsec_nl_errmsg(self->nl));
	/* the caller still owns the keys */
	EXPECT_EQ(0xa0, c.tx_key[0]);
}

struct err_spec {
	int err;
	bool capped;
	const char *msg;
	uint32_t miss;
	int offs_attr;		/* attribute of the request to point at */
};

static void h_err(struct fake *f, struct nlmsghdr *req)
{
	const struct err_spec *s = f->priv;
	uint32_t offs = 0;

	if (s->offs_attr) {
		struct nlattr *a;
		int rem;

		nlmsg_for_each_attr(a, req, GENL_HDRLEN, rem)
			if (nla_type(a) == s->offs_attr)
				offs = (uint32_t)((unsigned char *)a -
						  (unsigned char *)req);
	}
	fake_send1(f, fake_err(req, s->err, s->capped, s->msg, s->miss, offs));
}

TEST_F(xch, error_with_extack_capped)
{
	struct err_spec s = { -EEXIST, true, "key ID in use", 0, 0 };
	struct mihsec_sa_cfg c;

	self->f.on_req = h_err;
	self->f.priv = &s;
	sample_cfg(&c);
	EXPECT_EQ(-EEXIST, mihsec_nl_sa_add(self->nl, &c));
	EXPECT_STREQ("key ID in use", mihsec_nl_errmsg(self->nl));
}

TEST_F(xch, error_with_extack_request_echoed)
{
	/* a kernel without NETLINK_CAP_ACK echoes the request first */
	struct err_spec s = { -EINVAL, false, "bad replay window", 0, 0 };
	struct mihsec_sa_cfg c;

	self->f.on_req = h_err;
	self->f.priv = &s;
	sample_cfg(&c);
	EXPECT_EQ(-EINVAL, mihsec_nl_sa_add(self->nl, &c));
	EXPECT_STREQ("bad replay window", mihsec_nl_errmsg(self->nl));
}

TEST_F(xch, error_offset_names_attribute)
{
	struct err_spec s = { -ERANGE, true, "Attribute failed policy validation",
			      0, MIHSEC_A_SA_REPLAY_WINDOW };
	struct mihsec_sa_cfg c;

	self->f.on_req = h_err;
	self->f.priv = &s;
	sample_cfg(&c);
	c.has_replay_window = true;
	c.replay_window = 9000;
	EXPECT_EQ(-ERANGE, mihsec_nl_sa_add(self->nl, &c));
	EXPECT_STREQ("Attribute failed policy validation: attribute MIHSEC_A_SA_REPLAY_WINDOW",
		     mihsec_nl_errmsg(self->nl));
}

TEST_F(xch, error_missing_attribute)
{
	struct err_spec s = { -EINVAL, true, NULL, MIHSEC_A_SA_TX_SALT, 0 };
	struct mihsec_sa_cfg c;

	self->f.on_req = h_err;
	self->f.priv = &s;
	sample_cfg(&c);
	EXPECT_EQ(-EINVAL, mihsec_nl_sa_add(self->nl, &c));
	EXPECT_STREQ("missing attribute MIHSEC_A_SA_TX_SALT",
		     mihsec_nl_errmsg(self->nl));

	s.msg = "need salts";
	EXPECT_EQ(-EINVAL, mihsec_nl_sa_add(self->nl, &c));
	EXPECT_STREQ("need salts; missing attribute MIHSEC_A_SA_TX_SALT",
		     mihsec_nl_errmsg(self->nl));
}

TEST_F(xch, error_without_extack)
{
	struct err_spec s = { -EPERM, true, NULL, 0, 0 };

	self->f.on_req = h_err;
	self->f.priv = &s;
	EXPECT_EQ(-EPERM, mihsec_nl_sa_flush(self->nl));
	EXPECT_STREQ("", mihsec_nl_errmsg(self->nl));
}

TEST_F(xch, errmsg_cleared_by_next_success)
{
	struct err_spec s = { -ENOENT, true, "no such SA", 0, 0 };
	uint8_t kid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	self->f.on_req = h_err;
	self->f.priv = &s;
	EXPECT_EQ(-ENOENT, mihsec_nl_sa_del_keyid(self->nl, kid));
	EXPECT_STREQ("no such SA", mihsec_nl_errmsg(self->nl));
	self->f.on_req = h_ack;
	EXPECT_EQ(0, mihsec_nl_sa_del_keyid(self->nl, kid));
	EXPECT_STREQ("", mihsec_nl_errmsg(self->nl));
}

TEST_F(xch, sa_del_requests)
{
	uint8_t kid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct nlattr *tb[MIHSEC_A_MAX + 1];
	static const int only_keyid[] = { MIHSEC_A_SA_RX_KEYID };
	static const int only_peer[] = { MIHSEC_A_SA_PEER_ID };

	self->f.on_req = h_ack;
	ASSERT_EQ(0, mihsec_nl_sa_del_keyid(self->nl, kid));
	ASSERT_EQ(0, mihsec_nl_sa_del_peer(self->nl,
					   (const uint8_t *)"pos-1", 5));
	ASSERT_EQ(2, self->f.nreq);
	EXPECT_EQ(MIHSEC_CMD_SA_DEL, fake_cmd(&self->f, 0));
	EXPECT_EQ(1, check_attr_set(fake_req(&self->f, 0), only_keyid, 1));
	ASSERT_EQ(0, genlmsg_parse(fake_req(&self->f, 0), 0, tb, MIHSEC_A_MAX,
				   kernel_sa_add_policy));
	EXPECT_EQ(0, memcmp(nla_data(tb[MIHSEC_A_SA_RX_KEYID]), kid, 8));
	EXPECT_EQ(MIHSEC_CMD_SA_DEL, fake_cmd(&self->f, 1));
	EXPECT_EQ(1, check_attr_set(fake_req(&self->f, 1), only_peer, 1));
	ASSERT_EQ(0, genlmsg_parse(fake_req(&self->f, 1), 0, tb, MIHSEC_A_MAX,
				   kernel_sa_add_policy));
	EXPECT_EQ(5, nla_len(tb[MIHSEC_A_SA_PEER_ID]));

	/* invalid peer IDs never reach the kernel */
	EXPECT_EQ(-EINVAL, mihsec_nl_sa_del_peer(self->nl,
						 (const uint8_t *)"", 0));
	EXPECT_EQ(2, self->f.nreq);
}

TEST_F(xch, flush_and_policy_set_requests)
{
	struct nlattr *tb[MIHSEC_A_MAX + 1];

	self->f.on_req = h_ack;
	ASSERT_EQ(0, mihsec_nl_sa_flush(self->nl));
	ASSERT_EQ(0, mihsec_nl_policy_set(self->nl, MIHSEC_POLICY_REQUIRE));
	ASSERT_EQ(2, self->f.nreq);
	EXPECT_EQ(MIHSEC_CMD_SA_FLUSH, fake_cmd(&self->f, 0));
	EXPECT_EQ((int)(NLMSG_HDRLEN + GENL_HDRLEN),
		  (int)fake_req(&self->f, 0)->nlmsg_len);
	EXPECT_EQ(MIHSEC_CMD_POLICY_SET, fake_cmd(&self->f, 1));
	ASSERT_EQ(0, genlmsg_parse(fake_req(&self->f, 1), 0, tb, MIHSEC_A_MAX,
				   NULL));
	ASSERT_NE(NULL, tb[MIHSEC_A_POLICY]);
	EXPECT_EQ(1, nla_len(tb[MIHSEC_A_POLICY]));
	EXPECT_EQ(MIHSEC_POLICY_REQUIRE, nla_get_u8(tb[MIHSEC_A_POLICY]));
}

static void h_get(struct fake *f, struct nlmsghdr *req)
{
	struct genlmsghdr *g = nlmsg_data(req);
	struct mihsec_sa_info sa;

	switch (g->cmd) {
	case MIHSEC_CMD_SA_GET:
		fake_sa_info(&sa, 2);
		fake_send1(f, fake_sa(req, 0, &sa, -1));
		break;
	case MIHSEC_CMD_POLICY_GET:
		fake_send1(f, fake_policy(req, MIHSEC_POLICY_OPTIONAL, 4551,
					  3));
		break;
	case MIHSEC_CMD_STATS_GET:
		fake_send1(f, fake_stats(req, 1000, 0));
		break;
	}
	fake_ack(f, req);
}

TEST_F(xch, sa_get)
{
	uint8_t kid[8] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7 };
	struct mihsec_sa_info sa, want;
	struct nlattr *tb[MIHSEC_A_MAX + 1];

	self->f.on_req = h_get;
	ASSERT_EQ(0, mihsec_nl_sa_get(self->nl, kid, &sa));
	fake_sa_info(&want, 2);
	EXPECT_EQ(0, memcmp(&want, &sa, sizeof(sa)));
	/* a doit request: no NLM_F_DUMP */
	EXPECT_EQ(NLM_F_REQUEST | NLM_F_ACK, fake_req(&self->f, 0)->nlmsg_flags);
	ASSERT_EQ(0, genlmsg_parse(fake_req(&self->f, 0), 0, tb, MIHSEC_A_MAX,
				   kernel_sa_add_policy));
	EXPECT_EQ(0, memcmp(nla_data(tb[MIHSEC_A_SA_RX_KEYID]), kid, 8));
}

TEST_F(xch, policy_and_stats_get)
{
	struct mihsec_policy_info pi;
	uint64_t st[MIHSEC_STAT_MAX + 1];

	self->f.on_req = h_get;
	ASSERT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
	EXPECT_EQ(MIHSEC_POLICY_OPTIONAL, pi.policy);
	EXPECT_EQ(4551, pi.port);
	EXPECT_EQ(3, (int)pi.sa_count);
	ASSERT_EQ(0, mihsec_nl_stats_get(self->nl, st));
	for (int i = 1; i <= MIHSEC_STAT_MAX; i++)
		EXPECT_EQ(1000 + i, (int)st[i]);
	EXPECT_EQ(MIHSEC_CMD_POLICY_GET, fake_cmd(&self->f, 0));
	EXPECT_EQ(MIHSEC_CMD_STATS_GET, fake_cmd(&self->f, 1));
}

static void h_no_reply(struct fake *f, struct nlmsghdr *req)
{
	fake_ack(f, req);	/* ACK without the promised data */
}

TEST_F(xch, get_without_reply_is_protocol_error)
{
	struct mihsec_policy_info pi;

	self->f.on_req = h_no_reply;
	EXPECT_EQ(-EPROTO, mihsec_nl_policy_get(self->nl, &pi));
	EXPECT_STREQ("the kernel sent no reply", mihsec_nl_errmsg(self->nl));
}

static void h_two_replies(struct fake *f, struct nlmsghdr *req)
{
	fake_send1(f, fake_policy(req, 0, 1, 0));
	fake_send1(f, fake_policy(req, 0, 1, 0));
	fake_ack(f, req);
}

TEST_F(xch, get_with_two_replies_is_protocol_error)
{
	struct mihsec_policy_info pi;

	self->f.on_req = h_two_replies;
	EXPECT_EQ(-EPROTO, mihsec_nl_policy_get(self->nl, &pi));
	EXPECT_STREQ("more than one reply from the kernel",
		     mihsec_nl_errmsg(self->nl));
}

TEST_F(xch, no_answer_and_send_failure)
{
	struct mihsec_policy_info pi;

	/* nothing queued: the fake's recv fails rather than block */
	EXPECT_EQ(-EAGAIN, mihsec_nl_policy_get(self->nl, &pi));
	self->f.send_err = -ENOBUFS;
	EXPECT_EQ(-ENOBUFS, mihsec_nl_sa_flush(self->nl));
	EXPECT_NE(NULL, strstr(mihsec_nl_errmsg(self->nl), "cannot send"));
}

/* ---- Dumps --------------------------------------------------------------- */

struct dump_script {
	int nsa;		/* SAs to dump */
	int per_dgram;		/* SAs per datagram */
	int intr_at;		/* SA (1-based) flagged NLM_F_DUMP_INTR; 0 none */
	int done_err;		/* error code in NLMSG_DONE */
	const char *done_msg;
};

static void h_dump(struct fake *f, struct nlmsghdr *req)
{
	const struct dump_script *d = f->priv;
	struct mihsec_sa_info sa;

	if (!(req->nlmsg_flags & NLM_F_DUMP)) {
		fake_ack(f, req);
		return;
	}
	for (int i = 1; i <= d->nsa; i++) {
		fake_sa_info(&sa, i);
		fake_add(f, fake_sa(req, NLM_F_MULTI |
				    (i == d->intr_at ? NLM_F_DUMP_INTR : 0),
				    &sa, -1));
		if (i % d->per_dgram == 0)
			fake_flush(f);
	}
	fake_flush(f);
	fake_send1(f, fake_done(req, d->done_err, 0, d->done_msg));
}

struct collected {
	int n;
	uint32_t index[16];
	int stop_at;		/* return -ECANCELED at this SA; 0 never */
};

static int collect(const struct mihsec_sa_info *sa, void *arg)
{
	struct collected *c = arg;

	if (c->n < 16)
		c->index[c->n] = sa->index;
	c->n++;
	if (c->n == c->stop_at)
		return -ECANCELED;
	return 0;
}

TEST_F(xch, dump_multipart)
{
	struct dump_script d = { .nsa = 7, .per_dgram = 3 };
	struct collected c = { 0 };
	struct mihsec_policy_info pi;

	self->f.on_req = h_dump;
	self->f.priv = &d;
	ASSERT_EQ(7, mihsec_nl_sa_dump(self->nl, collect, &c));
	ASSERT_EQ(7, c.n);
	for (int i = 0; i < 7; i++)
		EXPECT_EQ(101 + i, (int)c.index[i]);
	/* 7 SAs in 3 datagrams, then NLMSG_DONE: 4 reads after 1 request */
	EXPECT_EQ(1, self->f.nreq);
	EXPECT_EQ(self->f.qtail, self->f.qhead);
	EXPECT_EQ(NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
		  fake_req(&self->f, 0)->nlmsg_flags);
	EXPECT_EQ(MIHSEC_CMD_SA_GET, fake_cmd(&self->f, 0));

	/* the socket is in step for the next request */
	self->f.on_req = h_get;
	EXPECT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
}

TEST_F(xch, dump_empty)
{
	struct dump_script d = { .nsa = 0, .per_dgram = 1 };
	struct collected c = { 0 };

	self->f.on_req = h_dump;
	self->f.priv = &d;
	EXPECT_EQ(0, mihsec_nl_sa_dump(self->nl, collect, &c));
	EXPECT_EQ(0, c.n);
}

TEST_F(xch, dump_interrupted)
{
	struct dump_script d = { .nsa = 4, .per_dgram = 2, .intr_at = 3 };
	struct collected c = { 0 };
	struct mihsec_policy_info pi;

	self->f.on_req = h_dump;
	self->f.priv = &d;
	EXPECT_EQ(-EINTR, mihsec_nl_sa_dump(self->nl, collect, &c));
	/* the whole dump was read (the caller discards it) */
	EXPECT_EQ(4, c.n);
	EXPECT_EQ(self->f.qtail, self->f.qhead);

	/* a retry that is not interrupted succeeds */
	d.intr_at = 0;
	c.n = 0;
	EXPECT_EQ(4, mihsec_nl_sa_dump(self->nl, collect, &c));
	self->f.on_req = h_get;
	EXPECT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
}

static void h_dump_intr_on_done(struct fake *f, struct nlmsghdr *req)
{
	struct mihsec_sa_info sa;

	fake_sa_info(&sa, 1);
	fake_send1(f, fake_sa(req, NLM_F_MULTI, &sa, -1));
	fake_send1(f, fake_done(req, 0, NLM_F_DUMP_INTR, NULL));
}

TEST_F(xch, dump_interrupted_flag_on_done)
{
	struct collected c = { 0 };

	/* only NLMSG_DONE carries the flag */
	self->f.on_req = h_dump_intr_on_done;
	EXPECT_EQ(-EINTR, mihsec_nl_sa_dump(self->nl, collect, &c));
	EXPECT_EQ(1, c.n);
}

TEST_F(xch, dump_error_in_done)
{
	struct dump_script d = { .nsa = 2, .per_dgram = 1,
				 .done_err = -EMSGSIZE,
				 .done_msg = "SA too large" };
	struct collected c = { 0 };

	self->f.on_req = h_dump;
	self->f.priv = &d;
	EXPECT_EQ(-EMSGSIZE, mihsec_nl_sa_dump(self->nl, collect, &c));
	EXPECT_STREQ("SA too large", mihsec_nl_errmsg(self->nl));
	EXPECT_EQ(2, c.n);
}

TEST_F(xch, dump_refused)
{
	struct err_spec s = { -EPERM, true, NULL, 0, 0 };
	struct collected c = { 0 };

	self->f.on_req = h_err;
	self->f.priv = &s;
	EXPECT_EQ(-EPERM, mihsec_nl_sa_dump(self->nl, collect, &c));
	EXPECT_EQ(0, c.n);
}

TEST_F(xch, dump_callback_stops)
{
	struct dump_script d = { .nsa = 5, .per_dgram = 2 };
	struct collected c = { .stop_at = 2 };
	struct mihsec_policy_info pi;

	self->f.on_req = h_dump;
	self->f.priv = &d;
	EXPECT_EQ(-ECANCELED, mihsec_nl_sa_dump(self->nl, collect, &c));
	EXPECT_EQ(2, c.n);
	/* the rest was drained: the next exchange works */
	EXPECT_EQ(self->f.qtail, self->f.qhead);
	self->f.on_req = h_get;
	EXPECT_EQ(0, mihsec_nl_policy_get(self->nl, &pi));
}

static void h_dump_bad_sa(struct fake *f, struct nlmsghdr *req)
{
	struct mihsec_sa_info sa;

	fake_sa_info(&sa, 1);
	fake_send1(f, fake_sa(req, NLM_F_MULTI, &sa, MIHSEC_A_SA_ROLE));
	fake_send1(f, fake_done(req, 0, 0, NULL));
}

TEST_F(xch, dump_malformed_sa)
{
	struct collected c = { 0 };

	self->f.on_req = h_dump_bad_sa;
	EXPECT_EQ(-EPROTO, mihsec_nl_sa_dump(self->nl, collect, &c));
	EXPECT_EQ(0, c.n);
	EXPECT_STREQ("kernel reply lacks MIHSEC_A_SA_ROLE",
		     mihsec_nl_errmsg(self->nl));
}

/* ---- The real socket path, against the host kernel's nlctrl ------------- */

static int count_family(struct mihsec_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	int *found = arg;

	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0)
		return -EPROTO;
	if (tb[CTRL_ATTR_FAMILY_NAME] &&
	    !strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), "nlctrl"))
		(*found)++;
	return 0;
}

struct ev_log {
	int n;
	struct mihsec_event_info ev[8];
	int stop_at;		/* return -ECANCELED on this event (1-based) */
};

static int log_event(const struct mihsec_event_info *ev, void *arg)
{
	struct ev_log *l = arg;

	if (l->n < 8)
		l->ev[l->n] = *ev;
	l->n++;
	return l->n == l->stop_at ? -ECANCELED : 0;
}

TEST_F(xch, events)
{
	struct mihsec_event_info e1, e2;
	struct ev_log log = { 0 };
	struct nl_msg *other;

	ASSERT_EQ(0, mihsec_nl_subscribe_events(self->nl));
	EXPECT_STREQ("events", self->f.joined);

	/* one datagram: event, a non-event message, event */
	fake_event_info(&e1, MIHSEC_EV_AUTH_FAIL);
	fake_event_info(&e2, MIHSEC_EV_DENIED);
	fake_add(&self->f, fake_event(&e1));
	other = nlmsg_alloc();
	genlmsg_put(other, 0, 0, FAKE_FAMILY, 0, 0, MIHSEC_CMD_SA_GET, 1);
	fake_add(&self->f, other);
	fake_add(&self->f, fake_event(&e2));
	fake_flush(&self->f);
	/* a second datagram */
	fake_send1(&self->f, fake_event(&e1));

	EXPECT_EQ(1, mihsec_nl_wait(self->nl, 250, NULL));
	EXPECT_EQ(250, self->f.last_timeout);
	EXPECT_EQ(2, mihsec_nl_recv_events(self->nl, log_event, &log));
	ASSERT_EQ(2, log.n);
	EXPECT_EQ(0, memcmp(&e1, &log.ev[0], sizeof(e1)));
	EXPECT_EQ(0, memcmp(&e2, &log.ev[1], sizeof(e2)));
	EXPECT_EQ(1, mihsec_nl_recv_events(self->nl, log_event, &log));
	EXPECT_EQ(3, log.n);
	/* nothing queued: the fake's poll times out, its recv fails */
	EXPECT_EQ(0, mihsec_nl_wait(self->nl, 0, NULL));
	EXPECT_EQ(-EAGAIN, mihsec_nl_recv_events(self->nl, log_event, &log));

	/* the callback stops the batch */
	log = (struct ev_log){ .stop_at = 1 };
	fake_add(&self->f, fake_event(&e1));
	fake_add(&self->f, fake_event(&e2));
	fake_flush(&self->f);
	EXPECT_EQ(-ECANCELED, mihsec_nl_recv_events(self->nl, log_event,
						    &log));
	EXPECT_EQ(1, log.n);

	/* a malformed event */
	e1.has_addr = true;
	e1.addr_len = 5;
	fake_send1(&self->f, fake_event(&e1));
	EXPECT_EQ(-EPROTO, mihsec_nl_recv_events(self->nl, log_event, &log));
	EXPECT_NE(NULL, strstr(mihsec_nl_errmsg(self->nl),
			       "MIHSEC_A_EVENT_ADDR"));
}

TEST_F(xch, subscribe_fails)
{
	self->f.join_err = -EPERM;
	EXPECT_EQ(-EPERM, mihsec_nl_subscribe_events(self->nl));
}

TEST(nlctrl_real_socket)
{
	int err, found = 0, n;
	char msg[128];
	struct mihsec_nl *nl = mihsec_nl_open_family("nlctrl", &err, msg,
						     sizeof(msg));
	struct nl_msg *m;

	ASSERT_NE(NULL, nl) {
		TH_LOG("%s", msg);
	}
	EXPECT_EQ(GENL_ID_CTRL, mihsec_nl_family(nl));

	/* a multi-part dump of every family */
	m = nlmsg_alloc();
	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, NLM_F_DUMP,
		    CTRL_CMD_GETFAMILY, 1);
	n = mihsec_nl_transact(nl, m, count_family, &found);
	EXPECT_GE(n, 2);
	EXPECT_EQ(1, found);

	/* a doit with a reply, then the ACK */
	found = 0;
	m = nlmsg_alloc();
	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
		    CTRL_CMD_GETFAMILY, 1);
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	EXPECT_EQ(1, mihsec_nl_transact(nl, m, count_family, &found));
	EXPECT_EQ(1, found);

	/* an unknown family: the kernel's ENOENT */
	m = nlmsg_alloc();
	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
		    CTRL_CMD_GETFAMILY, 1);
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, "mihsec-nosuch");
	EXPECT_EQ(-ENOENT, mihsec_nl_transact(nl, m, NULL, NULL));

	/* an attribute failing the kernel's policy: extended ACK message */
	m = nlmsg_alloc();
	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
		    CTRL_CMD_GETFAMILY, 1);
	nla_put(m, CTRL_ATTR_FAMILY_NAME, 3, "abc");	/* no NUL */
	EXPECT_EQ(-EINVAL, mihsec_nl_transact(nl, m, NULL, NULL));
	EXPECT_NE(0, (int)strlen(mihsec_nl_errmsg(nl))) {
		TH_LOG("no extended ACK message from the kernel");
	}
	/* not a mihsec socket: no mihsec attribute names made up */
	EXPECT_EQ(NULL, strstr(mihsec_nl_errmsg(nl), "MIHSEC_A_"));
	TH_LOG("kernel said: \"%s\"", mihsec_nl_errmsg(nl));

	/* and the socket is still in step */
	found = 0;
	m = nlmsg_alloc();
	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
		    CTRL_CMD_GETFAMILY, 1);
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	EXPECT_EQ(1, mihsec_nl_transact(nl, m, count_family, &found));
	mihsec_nl_close(nl);
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	got_usr1 = sig;
}

TEST(real_socket_multicast_and_wait)
{
	struct sigaction sa = { .sa_handler = on_usr1 }, old;
	sigset_t block, saved, waitmask;
	char msg[128];
	int err;
	struct mihsec_nl *nl = mihsec_nl_open_family("nlctrl", &err, msg,
						     sizeof(msg));

	ASSERT_NE(NULL, nl) {
		TH_LOG("%s", msg);
	}
	ASSERT_LE(0, mihsec_nl_fd(nl));
	/* nlctrl's "notify" group exists and anyone may join it */
	EXPECT_EQ(0, mihsec_nl_subscribe_group(nl, "nlctrl", "notify")) {
		TH_LOG("%s", mihsec_nl_errmsg(nl));
	}
	EXPECT_EQ(-ENOENT, mihsec_nl_subscribe_group(nl, "nlctrl",
						     "mihsec-nosuch"));
	EXPECT_NE(NULL, strstr(mihsec_nl_errmsg(nl), "mihsec-nosuch"));
	/* nothing arrives: the wait times out */
	EXPECT_EQ(0, mihsec_nl_wait(nl, 0, NULL));
	EXPECT_EQ(0, mihsec_nl_wait(nl, 30, NULL));

	/* a signal pending while blocked arrives inside the wait */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, &old);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &saved);
	waitmask = saved;
	sigdelset(&waitmask, SIGUSR1);
	got_usr1 = 0;
	raise(SIGUSR1);
	EXPECT_EQ(0, got_usr1);
	EXPECT_EQ(-EINTR, mihsec_nl_wait(nl, 5000, &waitmask));
	EXPECT_EQ(SIGUSR1, got_usr1);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	sigaction(SIGUSR1, &old, NULL);
	mihsec_nl_close(nl);
}

TEST(open_unknown_family)
{
	int err = 0;
	char msg[128];

	EXPECT_EQ(NULL, mihsec_nl_open_family("mihsec-no-such-family", &err,
					      msg, sizeof(msg)));
	EXPECT_EQ(-ENOENT, err);
	EXPECT_STREQ("generic netlink family \"mihsec-no-such-family\" not found",
		     msg);
}

TEST(open_mihsec_matches_module_state)
{
	struct stat st;
	bool loaded = stat("/sys/module/mihsec", &st) == 0;
	int err = 0;
	char msg[128];
	struct mihsec_nl *nl = mihsec_nl_open(&err, msg, sizeof(msg));

	if (loaded) {
		ASSERT_NE(NULL, nl) {
			TH_LOG("%s", msg);
		}
		EXPECT_GE(mihsec_nl_family(nl), GENL_MIN_ID);
		mihsec_nl_close(nl);
	} else {
		EXPECT_EQ(NULL, nl);
		EXPECT_EQ(-ENOENT, err);
		EXPECT_STREQ("generic netlink family \"mihsec\" not found", msg);
	}
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: mihsecctl command-line parser (ctl/args.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "ctl/args.h"

#define MAXARGS 64

/* A writable copy of a command line (the parser wipes inline keys) */
struct cmdline {
	int argc;
	char *argv[MAXARGS + 1];
};

static void cl_free(struct cmdline *c)
{
	for (int i = 0; i < c->argc; i++)
		free(c->argv[i]);
	c->argc = 0;
}

static void cl_add(struct cmdline *c, const char *s)
{
	if (c->argc < MAXARGS) {
		c->argv[c->argc++] = strdup(s);
		c->argv[c->argc] = NULL;
	}
}

static void cl_set(struct cmdline *c, const char *const *v)
{
	cl_free(c);
	cl_add(c, "mihsecctl");
	for (; *v; v++)
		cl_add(c, *v);
}

FIXTURE(parse) {
	struct cmdline cl;
	struct ctl_args a;
	char err[512];
};

FIXTURE_SETUP(parse)
{
	memset(self, 0, sizeof(*self));
}

FIXTURE_TEARDOWN(parse)
{
	cl_free(&self->cl);
}

static int do_parse(struct cmdline *cl, struct ctl_args *a, char *err,
		    size_t errlen)
{
	return ctl_parse(cl->argc, cl->argv, a, err, errlen);
}

/* Parse the given words (after the program name) */
#define P(...) ({							\
	const char *const _v[] = { __VA_ARGS__, NULL };			\
	cl_set(&self->cl, _v);						\
	do_parse(&self->cl, &self->a, self->err, sizeof(self->err));	\
})

/* Usage error whose message contains @sub */
#define EXPECT_USAGE(sub, rc) do {					\
	EXPECT_EQ(CTL_EXIT_USAGE, (rc));				\
	EXPECT_NE(NULL, strstr(self->err, (sub))) {			\
		TH_LOG("message \"%s\" lacks \"%s\"", self->err, (sub));\
	}								\
} while (0)

/* The required keyword/value pairs of a valid "sa add" */
static const char *const sa_base[][2] = {
	{ "local", "mmt-1" },
	{ "peer", "pos-1" },
	{ "role", "mmt" },
	{ "tx-keyid", "0011223344556677" },
	{ "rx-keyid", "8899aabbccddeeff" },
	{ "tx-key", "000102030405060708090a0b0c0d0e0f" },
	{ "rx-key", "101112131415161718191a1b1c1d1e1f" },
	{ "tx-salt", "a0a1a2a3" },
	{ "rx-salt", "b0b1b2b3" },
};
#define NBASE ((int)(sizeof(sa_base) / sizeof(sa_base[0])))

/*
 * "sa add" with the base pairs except @skip (-1: none), with @kw @val
 * replacing pair @skip (or appended if @skip is -1 and @kw is set), then
 * @extra words.
 */
static int sa_add(struct cmdline *cl, struct ctl_args *a, char *err,
		  size_t errlen, int skip, const char *kw, const char *val,
		  const char *const *extra)
{
	cl_free(cl);
	cl_add(cl, "mihsecctl");
	cl_add(cl, "sa");
	cl_add(cl, "add");
	for (int i = 0; i < NBASE; i++) {
		if (i == skip) {
			if (kw) {
				cl_add(cl, kw);
				cl_add(cl, val);
			}
			continue;
		}
		cl_add(cl, sa_base[i][0]);
		cl_add(cl, sa_base[i][1]);
	}
	if (skip < 0 && kw) {
		cl_add(cl, kw);
		if (val)
			cl_add(cl, val);
	}
	for (; extra && *extra; extra++)
		cl_add(cl, *extra);
	return do_parse(cl, a, err, errlen);
}

#define SA_ADD(skip, kw, val, ...) ({					\
	const char *const _x[] = { __VA_ARGS__ NULL };		\
	sa_add(&self->cl, &self->a, self->err, sizeof(self->err),	\
	       (skip), (kw), (val), _x);				\
})
/* Index of a base pair */
enum { B_LOCAL, B_PEER, B_ROLE, B_TXKID, B_RXKID, B_TXKEY, B_RXKEY,
       B_TXSALT, B_RXSALT };

TEST_F(parse, sa_add_minimal)
{
	static const uint8_t txkey[16] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	static const uint8_t txkid[8] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 };
	static const uint8_t rxkid[8] = {
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	static const uint8_t txsalt[4] = { 0xa0, 0xa1, 0xa2, 0xa3 };
	static const uint8_t rxsalt[4] = { 0xb0, 0xb1, 0xb2, 0xb3 };
	struct mihsec_sa_cfg *c = &self->a.sa;

	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, NULL, NULL,)) {
		TH_LOG("%s", self->err);
	}
	EXPECT_EQ(CTL_OP_SA_ADD, (int)self->a.op);
	EXPECT_EQ(5, (int)c->local_id_len);
	EXPECT_EQ(0, memcmp(c->local_id, "mmt-1", 5));
	EXPECT_EQ(5, (int)c->peer_id_len);
	EXPECT_EQ(0, memcmp(c->peer_id, "pos-1", 5));
	EXPECT_EQ(MIHSEC_ROLE_MMT, c->role);
	EXPECT_FALSE(c->has_suite);
	EXPECT_FALSE(c->has_flags);
	EXPECT_FALSE(c->has_replay_window);
	EXPECT_FALSE(c->has_ikeys);
	EXPECT_EQ(0, memcmp(c->tx_keyid, txkid, 8));
	EXPECT_EQ(0, memcmp(c->rx_keyid, rxkid, 8));
	EXPECT_EQ(16, (int)c->tx_key_len);
	EXPECT_EQ(0, memcmp(c->tx_key, txkey, 16));
	EXPECT_EQ(16, (int)c->rx_key_len);
	EXPECT_EQ(0x10, c->rx_key[0]);
	EXPECT_EQ(0x1f, c->rx_key[15]);
	EXPECT_EQ(0, memcmp(c->tx_salt, txsalt, 4));
	EXPECT_EQ(0, memcmp(c->rx_salt, rxsalt, 4));
	EXPECT_EQ(CTL_SRC_HEX, (int)self->a.key[CTL_KEY_TX].src);
	EXPECT_EQ(CTL_SRC_HEX, (int)self->a.key[CTL_KEY_RX].src);
	EXPECT_EQ(CTL_SRC_NONE, (int)self->a.key[CTL_KEY_TX_IKEY].src);
	EXPECT_FALSE(self->a.json);
}

TEST_F(parse, sa_add_inline_secrets_wiped_from_argv)
{
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, NULL, NULL,));
	/* argv: prog sa add then pairs; value of pair i at 3 + 2i + 1 */
	EXPECT_STREQ("", self->cl.argv[4 + 2 * B_TXKEY]);
	EXPECT_STREQ("", self->cl.argv[4 + 2 * B_RXKEY]);
	EXPECT_STREQ("", self->cl.argv[4 + 2 * B_TXSALT]);
	EXPECT_STREQ("", self->cl.argv[4 + 2 * B_RXSALT]);
	/* not secret: left alone */
	EXPECT_STREQ("mmt-1", self->cl.argv[4 + 2 * B_LOCAL]);
	EXPECT_STREQ("0011223344556677", self->cl.argv[4 + 2 * B_TXKID]);
}

TEST_F(parse, sa_add_all_options)
{
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "suite", "1", "encrypt", "off",
				      "replay-window", "2048",)) {
		TH_LOG("%s", self->err);
	}
	EXPECT_TRUE(self->a.sa.has_suite);
	EXPECT_EQ(MIHSEC_SUITE_AES128_GCM, self->a.sa.suite);
	EXPECT_TRUE(self->a.sa.has_flags);
	EXPECT_EQ(0, (int)self->a.sa.flags);
	EXPECT_TRUE(self->a.sa.has_replay_window);
	EXPECT_EQ(2048, (int)self->a.sa.replay_window);

	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "encrypt", "on",));
	EXPECT_TRUE(self->a.sa.has_flags);
	EXPECT_EQ(MIHSEC_SA_F_ENCRYPT, (int)self->a.sa.flags);
}

TEST_F(parse, sa_add_any_keyword_order)
{
	ASSERT_EQ(CTL_EXIT_OK,
		  P("sa", "add", "rx-salt", "b0b1b2b3", "replay-window", "64",
		    "tx-key", "0x000102030405060708090a0b0c0d0e0f",
		    "role", "network", "rx-keyid", "0x8899aabbccddeeff",
		    "peer", "p", "tx-salt", "a0a1a2a3", "local", "l",
		    "rx-key", "101112131415161718191a1b1c1d1e1f",
		    "tx-keyid", "0011223344556677")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_EQ(MIHSEC_ROLE_NETWORK, self->a.sa.role);
	EXPECT_EQ(64, (int)self->a.sa.replay_window);
	EXPECT_EQ(1, (int)self->a.sa.peer_id_len);
	EXPECT_EQ(0x88, self->a.sa.rx_keyid[0]);
	EXPECT_EQ(0x0f, self->a.sa.tx_key[15]);
}

TEST_F(parse, sa_add_missing_each_required)
{
	static const char *const names[NBASE] = {
		"missing local", "missing peer", "missing role",
		"missing tx-keyid", "missing rx-keyid",
		"missing tx-key or tx-key-file",
		"missing rx-key or rx-key-file",
		"missing tx-salt", "missing rx-salt",
	};

	for (int i = 0; i < NBASE; i++) {
		int rc = SA_ADD(i, NULL, NULL,);

		EXPECT_USAGE(names[i], rc);
	}
}

TEST_F(parse, sa_add_duplicate_each)
{
	static const char *const opt[][2] = {
		{ "suite", "1" }, { "encrypt", "on" },
		{ "replay-window", "128" },
	};
	char want[64];

	for (int i = 0; i < NBASE; i++) {
		int rc = SA_ADD(-1, sa_base[i][0], sa_base[i][1],);

		snprintf(want, sizeof(want), "'%s' given twice", sa_base[i][0]);
		EXPECT_USAGE(want, rc);
	}
	for (int i = 0; i < 3; i++) {
		int rc = SA_ADD(-1, opt[i][0], opt[i][1], opt[i][0],
				opt[i][1],);

		snprintf(want, sizeof(want), "'%s' given twice", opt[i][0]);
		EXPECT_USAGE(want, rc);
	}
}

TEST_F(parse, sa_add_key_and_key_file_exclusive)
{
	EXPECT_USAGE("'tx-key' and 'tx-key-file' exclude each other",
		     SA_ADD(-1, "tx-key-file", "/k",));
	EXPECT_USAGE("'rx-key' and 'rx-key-file' exclude each other",
		     SA_ADD(-1, "rx-key-file", "-",));
	EXPECT_USAGE("'tx-key-file' given twice",
		     SA_ADD(B_TXKEY, "tx-key-file", "/a", "tx-key-file", "/b",));
}

TEST_F(parse, sa_add_key_files)
{
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(B_TXKEY, "tx-key-file", "/etc/k1",));
	EXPECT_EQ(CTL_SRC_FILE, (int)self->a.key[CTL_KEY_TX].src);
	EXPECT_STREQ("/etc/k1", self->a.key[CTL_KEY_TX].path);
	EXPECT_EQ(3 + 2 * B_TXKEY, self->a.key[CTL_KEY_TX].argi);
	EXPECT_EQ(0, (int)self->a.sa.tx_key_len);

	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(B_RXKEY, "rx-key-file", "-",));
	EXPECT_EQ(CTL_SRC_STDIN, (int)self->a.key[CTL_KEY_RX].src);
	EXPECT_EQ(CTL_SRC_HEX, (int)self->a.key[CTL_KEY_TX].src);

	EXPECT_USAGE("tx-key-file: empty path",
		     SA_ADD(B_TXKEY, "tx-key-file", "",));
}

TEST_F(parse, sa_add_value_missing_at_end)
{
	EXPECT_USAGE("sa add: 'replay-window' needs a value",
		     SA_ADD(-1, "replay-window", NULL,));
	EXPECT_USAGE("'local' needs a value", P("sa", "add", "local"));
}

TEST_F(parse, sa_add_unknown_keyword)
{
	EXPECT_USAGE("unknown keyword 'lifetime'",
		     SA_ADD(-1, "lifetime", "30",));
	/* keywords are case sensitive and not abbreviated */
	EXPECT_USAGE("unknown keyword 'Local'", P("sa", "add", "Local", "x"));
	EXPECT_USAGE("unknown keyword 'loc'", P("sa", "add", "loc", "x"));
}

TEST_F(parse, sa_add_bad_role)
{
	EXPECT_USAGE("role: 'client' is not mmt or network",
		     SA_ADD(B_ROLE, "role", "client",));
	EXPECT_USAGE("role: 'MMT'", SA_ADD(B_ROLE, "role", "MMT",));
	EXPECT_USAGE("role: '1'", SA_ADD(B_ROLE, "role", "1",));
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(B_ROLE, "role", "network",));
	EXPECT_EQ(MIHSEC_ROLE_NETWORK, self->a.sa.role);
}

TEST_F(parse, sa_add_suites)
{
	static const struct {
		const char *s;
		int suite;
	} ok[] = {
		{ "1", 1 }, { "2", 2 }, { "3", 3 }, { "4", 4 },
		{ "aes128-gcm", 1 }, { "aes256-gcm", 2 },
		{ "chacha20-poly1305", 3 }, { "aes128-cbc-hmac-sha1", 4 },
	};
	static const char *const bad[] = {
		"0", "5", "01", "11", "", "aes", "AES128-GCM", "1 ", "-1",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		EXPECT_EQ(CTL_EXIT_OK, SA_ADD(-1, "suite", ok[i].s,)) {
			TH_LOG("suite %s: %s", ok[i].s, self->err);
		}
		EXPECT_EQ(ok[i].suite, self->a.sa.suite);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_USAGE("is not a suite", SA_ADD(-1, "suite", bad[i],));
}

TEST_F(parse, sa_add_bad_encrypt)
{
	EXPECT_USAGE("encrypt: 'yes' is not on or off",
		     SA_ADD(-1, "encrypt", "yes",));
	EXPECT_USAGE("encrypt: '1'", SA_ADD(-1, "encrypt", "1",));
}

TEST_F(parse, sa_add_mihf_id_lengths)
{
	char id[256];

	memset(id, 'a', sizeof(id));
	id[253] = '\0';
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(B_LOCAL, "local", id,));
	EXPECT_EQ(253, (int)self->a.sa.local_id_len);
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(B_PEER, "peer", id,));
	EXPECT_EQ(253, (int)self->a.sa.peer_id_len);
	id[253] = 'a';
	id[254] = '\0';
	EXPECT_USAGE("local: MIHF ID of 254 octets, at most 253 allowed",
		     SA_ADD(B_LOCAL, "local", id,));
	EXPECT_USAGE("peer: MIHF ID of 254 octets",
		     SA_ADD(B_PEER, "peer", id,));
	EXPECT_USAGE("local: empty MIHF ID", SA_ADD(B_LOCAL, "local", "",));
	EXPECT_USAGE("peer: empty MIHF ID", SA_ADD(B_PEER, "peer", "",));
	/* one octet is fine; IDs are octet strings, not hex */
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(B_PEER, "peer", "x",));
	EXPECT_EQ(1, (int)self->a.sa.peer_id_len);
	EXPECT_EQ('x', self->a.sa.peer_id[0]);
}

TEST_F(parse, sa_add_replay_window_bounds)
{
	static const char *const bad_range[] = {
		"0", "63", "8193", "65536", "4294967296",
		"99999999999999999999999",
	};
	static const char *const not_num[] = {
		"", "abc", "-1", "+64", "64x", " 64", "0x40", "1e3",
	};

	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "replay-window", "64",));
	EXPECT_EQ(64, (int)self->a.sa.replay_window);
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "replay-window", "8192",));
	EXPECT_EQ(8192, (int)self->a.sa.replay_window);
	/* not a multiple of 64: the kernel rounds up, the tool passes it */
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "replay-window", "100",));
	EXPECT_EQ(100, (int)self->a.sa.replay_window);
	for (size_t i = 0; i < sizeof(bad_range) / sizeof(bad_range[0]); i++)
		EXPECT_USAGE("is out of range (64 to 8192)",
			     SA_ADD(-1, "replay-window", bad_range[i],));
	for (size_t i = 0; i < sizeof(not_num) / sizeof(not_num[0]); i++)
		EXPECT_USAGE("is not a number",
			     SA_ADD(-1, "replay-window", not_num[i],));
}

TEST_F(parse, sa_add_keyid_format)
{
	EXPECT_USAGE("tx-keyid '001122334455667': odd number of hex digits",
		     SA_ADD(B_TXKID, "tx-keyid", "001122334455667",));
	EXPECT_USAGE("tx-keyid '00112233445566': must be 16 hex digits (8 octets)",
		     SA_ADD(B_TXKID, "tx-keyid", "00112233445566",));
	EXPECT_USAGE("rx-keyid '001122334455667788': must be 16 hex digits",
		     SA_ADD(B_RXKID, "rx-keyid", "001122334455667788",));
	EXPECT_USAGE("rx-keyid 'zz11223344556677': not a hex string",
		     SA_ADD(B_RXKID, "rx-keyid", "zz11223344556677",));
	EXPECT_USAGE("rx-keyid '': no hex digits",
		     SA_ADD(B_RXKID, "rx-keyid", "",));
	ASSERT_EQ(CTL_EXIT_OK,
		  SA_ADD(B_RXKID, "rx-keyid", "0XFFEEDDCCBBAA9988",));
	EXPECT_EQ(0xff, self->a.sa.rx_keyid[0]);
	EXPECT_EQ(0x88, self->a.sa.rx_keyid[7]);
}

TEST_F(parse, sa_add_key_format)
{
	char k64[80], k66[80];

	memset(k64, 'f', 64);
	k64[64] = '\0';
	memset(k66, 'e', 66);
	k66[66] = '\0';
	/* any length 1..32 octets passes; the kernel checks the suite's */
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(B_TXKEY, "tx-key", k64,));
	EXPECT_EQ(32, (int)self->a.sa.tx_key_len);
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(B_TXKEY, "tx-key", "ab",));
	EXPECT_EQ(1, (int)self->a.sa.tx_key_len);
	EXPECT_USAGE("tx-key: key too long (at most 32 octets)",
		     SA_ADD(B_TXKEY, "tx-key", k66,));
	EXPECT_USAGE("rx-key: odd number of hex digits",
		     SA_ADD(B_RXKEY, "rx-key", "abc",));
	EXPECT_USAGE("rx-key: not a hex string",
		     SA_ADD(B_RXKEY, "rx-key", "secret-password",));
	/* the value of a key is never echoed */
	EXPECT_EQ(NULL, strstr(self->err, "secret"));
	EXPECT_USAGE("tx-key: no hex digits", SA_ADD(B_TXKEY, "tx-key", "0x",));
}

TEST_F(parse, sa_add_salt_format)
{
	EXPECT_USAGE("tx-salt: must be 8 hex digits (4 octets)",
		     SA_ADD(B_TXSALT, "tx-salt", "a0a1a2",));
	EXPECT_USAGE("rx-salt: key too long (at most 4 octets)",
		     SA_ADD(B_RXSALT, "rx-salt", "a0a1a2a3a4",));
	EXPECT_USAGE("rx-salt: not a hex string",
		     SA_ADD(B_RXSALT, "rx-salt", "a0a1a2ag",));
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(B_TXSALT, "tx-salt", "0xDEADBEEF",));
	EXPECT_EQ(0xde, self->a.sa.tx_salt[0]);
	EXPECT_EQ(0xef, self->a.sa.tx_salt[3]);
}

TEST_F(parse, sa_add_ikeys)
{
	char ik[70], ik_short[70];

	memset(ik, '1', 64);
	ik[64] = '\0';
	memset(ik_short, '1', 62);
	ik_short[62] = '\0';
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "suite", "4", "tx-ikey", ik,
				      "rx-ikey-file", "-",)) {
		TH_LOG("%s", self->err);
	}
	EXPECT_TRUE(self->a.sa.has_ikeys);
	EXPECT_EQ(0x11, self->a.sa.tx_ikey[31]);
	EXPECT_EQ(CTL_SRC_STDIN, (int)self->a.key[CTL_KEY_RX_IKEY].src);
	EXPECT_USAGE("missing rx-ikey or rx-ikey-file",
		     SA_ADD(-1, "tx-ikey", ik,));
	EXPECT_USAGE("missing tx-ikey or tx-ikey-file",
		     SA_ADD(-1, "rx-ikey-file", "/k",));
	EXPECT_USAGE("tx-ikey: must be 64 hex digits (32 octets)",
		     SA_ADD(-1, "tx-ikey", ik_short, "rx-ikey", ik,));
}

TEST_F(parse, sa_del)
{
	ASSERT_EQ(CTL_EXIT_OK, P("sa", "del", "rx-keyid", "0102030405060708"));
	EXPECT_EQ(CTL_OP_SA_DEL, (int)self->a.op);
	EXPECT_TRUE(self->a.has_keyid);
	EXPECT_FALSE(self->a.has_peer);
	EXPECT_EQ(0x08, self->a.keyid[7]);

	ASSERT_EQ(CTL_EXIT_OK, P("sa", "del", "peer", "pos 1"));
	EXPECT_TRUE(self->a.has_peer);
	EXPECT_FALSE(self->a.has_keyid);
	EXPECT_EQ(5, (int)self->a.peer_id_len);
	EXPECT_EQ(0, memcmp(self->a.peer_id, "pos 1", 5));

	EXPECT_USAGE("sa del: missing rx-keyid or peer", P("sa", "del"));
	EXPECT_USAGE("give either rx-keyid or peer, not both",
		     P("sa", "del", "peer", "p", "rx-keyid", "0102030405060708"));
	EXPECT_USAGE("give either rx-keyid or peer, not both",
		     P("sa", "del", "rx-keyid", "0102030405060708", "peer", "p"));
	EXPECT_USAGE("'peer' given twice",
		     P("sa", "del", "peer", "p", "peer", "q"));
	EXPECT_USAGE("'rx-keyid' given twice",
		     P("sa", "del", "rx-keyid", "0102030405060708",
		       "rx-keyid", "0102030405060708"));
	EXPECT_USAGE("unknown keyword 'tx-keyid'",
		     P("sa", "del", "tx-keyid", "0102030405060708"));
	EXPECT_USAGE("'peer' needs a value", P("sa", "del", "peer"));
	EXPECT_USAGE("must be 16 hex digits",
		     P("sa", "del", "rx-keyid", "01020304"));
	EXPECT_USAGE("peer: empty MIHF ID", P("sa", "del", "peer", ""));
}

TEST_F(parse, sa_del_peer_too_long)
{
	char id[300];

	memset(id, 'p', 254);
	id[254] = '\0';
	EXPECT_USAGE("peer: MIHF ID of 254 octets",
		     ({ cl_set(&self->cl, (const char *const[]){ "sa", "del",
				"peer", id, NULL });
			do_parse(&self->cl, &self->a, self->err,
				 sizeof(self->err)); }));
}

TEST_F(parse, sa_show)
{
	ASSERT_EQ(CTL_EXIT_OK, P("sa", "show"));
	EXPECT_EQ(CTL_OP_SA_SHOW, (int)self->a.op);
	EXPECT_FALSE(self->a.has_keyid);
	EXPECT_FALSE(self->a.stats);

	ASSERT_EQ(CTL_EXIT_OK, P("sa", "show", "-s"));
	EXPECT_TRUE(self->a.stats);

	ASSERT_EQ(CTL_EXIT_OK, P("-j", "sa", "show", "rx-keyid",
				 "a1a2a3a4a5a6a7a8", "-s"));
	EXPECT_TRUE(self->a.json);
	EXPECT_TRUE(self->a.stats);
	EXPECT_TRUE(self->a.has_keyid);
	EXPECT_EQ(0xa8, self->a.keyid[7]);

	ASSERT_EQ(CTL_EXIT_OK, P("-s", "sa", "show"));
	EXPECT_TRUE(self->a.stats);

	EXPECT_USAGE("sa show: '-s' given twice", P("sa", "show", "-s", "-s"));
	EXPECT_USAGE("'rx-keyid' given twice",
		     P("sa", "show", "rx-keyid", "a1a2a3a4a5a6a7a8",
		       "rx-keyid", "a1a2a3a4a5a6a7a8"));
	EXPECT_USAGE("sa show: unknown keyword 'peer'",
		     P("sa", "show", "peer", "x"));
	EXPECT_USAGE("'rx-keyid' needs a value", P("sa", "show", "rx-keyid"));
	EXPECT_USAGE("rx-keyid 'xyz': not a hex string",
		     P("sa", "show", "rx-keyid", "xyz"));
}

TEST_F(parse, sa_flush)
{
	ASSERT_EQ(CTL_EXIT_OK, P("sa", "flush"));
	EXPECT_EQ(CTL_OP_SA_FLUSH, (int)self->a.op);
	EXPECT_USAGE("sa flush: unexpected argument 'all'",
		     P("sa", "flush", "all"));
}

TEST_F(parse, sa_commands)
{
	EXPECT_USAGE("sa: missing command", P("sa"));
	EXPECT_USAGE("sa: unknown command 'list'", P("sa", "list"));
	EXPECT_USAGE("sa: unknown command 'delete'", P("sa", "delete"));
}

TEST_F(parse, policy)
{
	static const struct {
		const char *s;
		int v;
	} pol[] = {
		{ "off", MIHSEC_POLICY_OFF },
		{ "optional", MIHSEC_POLICY_OPTIONAL },
		{ "require", MIHSEC_POLICY_REQUIRE },
	};

	ASSERT_EQ(CTL_EXIT_OK, P("policy"));
	EXPECT_EQ(CTL_OP_POLICY_SHOW, (int)self->a.op);
	ASSERT_EQ(CTL_EXIT_OK, P("--json", "policy", "show"));
	EXPECT_EQ(CTL_OP_POLICY_SHOW, (int)self->a.op);
	EXPECT_TRUE(self->a.json);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(CTL_EXIT_OK, P("policy", "set", pol[i].s));
		EXPECT_EQ(CTL_OP_POLICY_SET, (int)self->a.op);
		EXPECT_EQ(pol[i].v, self->a.pol.policy);
		EXPECT_TRUE(self->a.pol.has_policy);
		EXPECT_FALSE(self->a.pol.has_exempt);
	}
	EXPECT_USAGE("policy set: 'required' is not off, optional, require, exempt",
		     P("policy", "set", "required"));
	EXPECT_USAGE("policy set: '2' is not", P("policy", "set", "2"));
	EXPECT_USAGE("policy set: missing policy", P("policy", "set"));
	EXPECT_USAGE("policy set: 'now' is not off",
		     P("policy", "set", "off", "now"));
	EXPECT_USAGE("policy show: unexpected argument 'x'",
		     P("policy", "show", "x"));
	EXPECT_USAGE("policy: unknown command 'get'", P("policy", "get"));
	/* options go before the object */
	EXPECT_USAGE("policy: unknown command '-j'", P("policy", "-j"));
}

TEST_F(parse, stats)
{
	ASSERT_EQ(CTL_EXIT_OK, P("stats"));
	EXPECT_EQ(CTL_OP_STATS, (int)self->a.op);
	ASSERT_EQ(CTL_EXIT_OK, P("-j", "stats", "show"));
	EXPECT_EQ(CTL_OP_STATS, (int)self->a.op);
	EXPECT_TRUE(self->a.json);
	EXPECT_USAGE("stats: unknown command 'reset'", P("stats", "reset"));
	EXPECT_USAGE("stats show: unexpected argument 'x'",
		     P("stats", "show", "x"));
}

TEST_F(parse, options)
{
	ASSERT_EQ(CTL_EXIT_OK, P("-js", "sa", "show"));
	EXPECT_TRUE(self->a.json);
	EXPECT_TRUE(self->a.stats);
	ASSERT_EQ(CTL_EXIT_OK, P("--json", "--stats", "sa", "show"));
	EXPECT_TRUE(self->a.json);
	EXPECT_TRUE(self->a.stats);
	ASSERT_EQ(CTL_EXIT_OK, P("-j", "--", "stats"));
	EXPECT_EQ(CTL_OP_STATS, (int)self->a.op);

	ASSERT_EQ(CTL_EXIT_OK, P("-V"));
	EXPECT_EQ(CTL_OP_VERSION, (int)self->a.op);
	ASSERT_EQ(CTL_EXIT_OK, P("--version"));
	EXPECT_EQ(CTL_OP_VERSION, (int)self->a.op);

	EXPECT_USAGE("unknown option '-x'", P("-x", "stats"));
	EXPECT_USAGE("unknown option '-q'", P("-jq", "stats"));
	EXPECT_USAGE("unknown option '--jsn'", P("--jsn", "stats"));
	EXPECT_USAGE("unknown object 'sas'", P("sas"));
	EXPECT_USAGE("missing object", P("-j"));
	{
		char *argv[] = { "mihsecctl", NULL };

		EXPECT_USAGE("missing object",
			     ctl_parse(1, argv, &self->a, self->err,
				       sizeof(self->err)));
	}
}

TEST_F(parse, help)
{
	static const struct {
		const char *const v[5];
		enum ctl_topic t;
	} cases[] = {
		{ { "-h" }, CTL_TOPIC_MAIN },
		{ { "--help" }, CTL_TOPIC_MAIN },
		{ { "-j", "-h", "bogus" }, CTL_TOPIC_MAIN },
		{ { "help" }, CTL_TOPIC_MAIN },
		{ { "help", "sa" }, CTL_TOPIC_SA },
		{ { "help", "policy" }, CTL_TOPIC_POLICY },
		{ { "help", "stats" }, CTL_TOPIC_STATS },
		{ { "sa", "help" }, CTL_TOPIC_SA },
		{ { "sa", "--help" }, CTL_TOPIC_SA },
		{ { "sa", "-h" }, CTL_TOPIC_SA },
		{ { "sa", "add", "help" }, CTL_TOPIC_SA },
		{ { "sa", "del", "help" }, CTL_TOPIC_SA },
		{ { "sa", "show", "help" }, CTL_TOPIC_SA },
		{ { "policy", "help" }, CTL_TOPIC_POLICY },
		{ { "policy", "--help" }, CTL_TOPIC_POLICY },
		{ { "stats", "help" }, CTL_TOPIC_STATS },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cl_set(&self->cl, cases[i].v);
		EXPECT_EQ(CTL_EXIT_OK, do_parse(&self->cl, &self->a, self->err,
						sizeof(self->err))) {
			TH_LOG("case %zu: %s", i, self->err);
		}
		EXPECT_EQ(CTL_OP_HELP, (int)self->a.op);
		EXPECT_EQ((int)cases[i].t, (int)self->a.topic);
	}
	EXPECT_USAGE("help: unknown object 'xfrm'", P("help", "xfrm"));
	EXPECT_USAGE("unexpected argument 'x'", P("sa", "help", "x"));
}

TEST_F(parse, help_texts_cover_the_command_line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NE(NULL, f);
	ctl_help(f, CTL_TOPIC_MAIN);
	fclose(f);
	/* every keyword and the exit codes are documented */
	static const char *const words[] = {
		"sa add", "local ID", "peer ID", "role mmt|network", "suite",
		"encrypt on|off", "tx-keyid HEX16", "rx-keyid HEX16",
		"tx-key HEX", "tx-key-file PATH|-", "rx-key HEX",
		"rx-key-file PATH|-", "tx-salt HEX8", "rx-salt HEX8",
		"replay-window N", "sa del rx-keyid HEX16", "sa del peer ID",
		"sa show [rx-keyid HEX16] [-s]", "sa flush", "policy [show]",
		"policy set [off|optional|require]", "exempt MSGS|none",
		"exempt-uir MSGS|none", "event-rate N", "event-burst N",
		"allow MSGS|none", "soft-secs N", "hard-secs N", "soft-msgs N",
		"hard-msgs N", "grace SECS", "monitor [count N] [timeout SECS]",
		"MIH_Get_Information", ".request, .response or .indication",
		"0x4401", "stats", "--json",
		"--version", "Exit status: 0", "1 the kernel refused",
		"2 usage error", "3 the mihsec kernel",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		EXPECT_NE(NULL, strstr(buf, words[i])) {
			TH_LOG("help lacks \"%s\"", words[i]);
		}
	}
	free(buf);
}

TEST_F(parse, sa_add_allow)
{
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, NULL, NULL,));
	EXPECT_FALSE(self->a.sa.has_allow);	/* absent: allow all */

	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "allow",
				      "MIH_Get_Information,MIH_Link_Up",));
	EXPECT_TRUE(self->a.sa.has_allow);
	ASSERT_EQ(3, self->a.sa.allow.n);
	EXPECT_EQ(0x4401, self->a.sa.allow.mids[0]);
	EXPECT_EQ(0x4801, self->a.sa.allow.mids[1]);
	EXPECT_EQ(0x2c02, self->a.sa.allow.mids[2]);

	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "allow",
				      "MIH_Get_Information.response,0x1401",));
	ASSERT_EQ(2, self->a.sa.allow.n);
	EXPECT_EQ(0x4801, self->a.sa.allow.mids[0]);
	EXPECT_EQ(0x1401, self->a.sa.allow.mids[1]);

	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "allow", "none",));
	EXPECT_TRUE(self->a.sa.has_allow);
	EXPECT_EQ(0, self->a.sa.allow.n);

	EXPECT_USAGE("sa add: allow: 'MIH_Link_Upp' is not an 802.21 message",
		     SA_ADD(-1, "allow", "MIH_Link_Up,MIH_Link_Upp",));
	EXPECT_USAGE("allow: 'mih_link_up' is not", SA_ADD(-1, "allow",
							    "mih_link_up",));
	EXPECT_USAGE("allow: 'MIH_Link_Up.request' is not",
		     SA_ADD(-1, "allow", "MIH_Link_Up.request",));
	EXPECT_USAGE("allow: '0x10000' is not", SA_ADD(-1, "allow",
							"0x10000",));
	EXPECT_USAGE("allow: empty item in 'MIH_Link_Up,'",
		     SA_ADD(-1, "allow", "MIH_Link_Up,",));
	EXPECT_USAGE("allow: empty item", SA_ADD(-1, "allow", "",));
	EXPECT_USAGE("allow: 'None' is not", SA_ADD(-1, "allow", "None",));
	EXPECT_USAGE("'allow' given twice",
		     SA_ADD(-1, "allow", "none", "allow", "MIH_Link_Up",));
	EXPECT_USAGE("'allow' needs a value", SA_ADD(-1, "allow", NULL,));
}

TEST_F(parse, sa_add_allow_limit)
{
	/* 256 distinct MIDs fit, 257 do not */
	char list[8 * 300];
	size_t n = 0;

	for (int i = 0; i < 256; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s0x%x",
				      i ? "," : "", 0x3000 + i);
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "allow", list,));
	EXPECT_EQ(256, self->a.sa.allow.n);
	/* a duplicate does not count */
	snprintf(list + n, sizeof(list) - n, ",0x3000");
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "allow", list,));
	snprintf(list + n, sizeof(list) - n, ",0x4000");
	EXPECT_USAGE("allow: more than 256 messages",
		     SA_ADD(-1, "allow", list,));
}

TEST_F(parse, sa_add_tx_seq)
{
	struct mihsec_sa_cfg *c = &self->a.sa;

	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, NULL, NULL,));
	EXPECT_FALSE(c->has_tx_seq);
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "tx-seq", "9223372036854775808",));
	EXPECT_TRUE(c->has_tx_seq);
	EXPECT_EQ(9223372036854775808ULL, c->tx_seq);
	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "tx-seq", "0",));
	EXPECT_TRUE(c->has_tx_seq);
	EXPECT_EQ(0, (int)c->tx_seq);
	EXPECT_USAGE("tx-seq: 9223372036854775809 is out of range (0 to 9223372036854775808)",
		     SA_ADD(-1, "tx-seq", "9223372036854775809",));
	EXPECT_USAGE("tx-seq: 'x' is not a number", SA_ADD(-1, "tx-seq", "x",));
}

TEST_F(parse, sa_add_lifetimes)
{
	static const char *const kws[] = {
		"soft-secs", "hard-secs", "soft-msgs", "hard-msgs", "grace",
	};
	struct mihsec_sa_life *l = &self->a.sa.life;

	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, NULL, NULL,));
	EXPECT_FALSE(l->has_soft_secs || l->has_hard_secs ||
		     l->has_soft_msgs || l->has_hard_msgs || l->has_grace);

	ASSERT_EQ(CTL_EXIT_OK,
		  SA_ADD(-1, "soft-secs", "3000", "hard-secs", "4294967295",
			 "soft-msgs", "0", "hard-msgs",
			 "18446744073709551615", "grace", "3600",));
	EXPECT_TRUE(l->has_soft_secs && l->has_hard_secs &&
		    l->has_soft_msgs && l->has_hard_msgs && l->has_grace);
	EXPECT_EQ(3000, (int)l->soft_secs);
	EXPECT_EQ(4294967295U, l->hard_secs);
	EXPECT_EQ(0, (int)l->soft_msgs);
	EXPECT_EQ(18446744073709551615ULL, l->hard_msgs);
	EXPECT_EQ(3600, (int)l->grace);

	ASSERT_EQ(CTL_EXIT_OK, SA_ADD(-1, "grace", "0",));
	EXPECT_TRUE(l->has_grace);
	EXPECT_EQ(0, (int)l->grace);
	EXPECT_FALSE(l->has_soft_secs);

	EXPECT_USAGE("hard-secs: 4294967296 is out of range",
		     SA_ADD(-1, "hard-secs", "4294967296",));
	EXPECT_USAGE("hard-msgs: 18446744073709551616 is out of range",
		     SA_ADD(-1, "hard-msgs", "18446744073709551616",));
	EXPECT_USAGE("grace: 3601 is out of range (0 to 3600)",
		     SA_ADD(-1, "grace", "3601",));
	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), "%s: '-1' is not a number",
			 kws[i]);
		EXPECT_USAGE(want, SA_ADD(-1, kws[i], "-1",));
		snprintf(want, sizeof(want), "%s: '10s' is not a number",
			 kws[i]);
		EXPECT_USAGE(want, SA_ADD(-1, kws[i], "10s",));
		snprintf(want, sizeof(want), "%s: '' is not a number", kws[i]);
		EXPECT_USAGE(want, SA_ADD(-1, kws[i], "",));
		snprintf(want, sizeof(want), "'%s' given twice", kws[i]);
		EXPECT_USAGE(want, SA_ADD(-1, kws[i], "1", kws[i], "2",));
		snprintf(want, sizeof(want), "'%s' needs a value", kws[i]);
		EXPECT_USAGE(want, SA_ADD(-1, kws[i], NULL,));
	}
}

TEST_F(parse, policy_set_items)
{
	struct mihsec_policy_cfg *pc = &self->a.pol;

	ASSERT_EQ(CTL_EXIT_OK, P("policy", "set", "exempt",
				 "MIH_Capability_Discover", "exempt-uir",
				 "MIH_Get_Information.request", "event-rate",
				 "0", "event-burst", "10000", "require"));
	EXPECT_TRUE(pc->has_policy);
	EXPECT_EQ(MIHSEC_POLICY_REQUIRE, pc->policy);
	EXPECT_TRUE(pc->has_exempt);
	ASSERT_EQ(2, pc->exempt.n);
	EXPECT_EQ(0x1401, pc->exempt.mids[0]);
	EXPECT_EQ(0x1801, pc->exempt.mids[1]);
	EXPECT_TRUE(pc->has_exempt_uir);
	ASSERT_EQ(1, pc->exempt_uir.n);
	EXPECT_EQ(0x4401, pc->exempt_uir.mids[0]);
	EXPECT_TRUE(pc->has_event_rate);
	EXPECT_EQ(0, (int)pc->event_rate);
	EXPECT_TRUE(pc->has_event_burst);
	EXPECT_EQ(10000, (int)pc->event_burst);

	/* one item alone; none = empty list */
	ASSERT_EQ(CTL_EXIT_OK, P("policy", "set", "exempt", "none"));
	EXPECT_FALSE(pc->has_policy);
	EXPECT_TRUE(pc->has_exempt);
	EXPECT_EQ(0, pc->exempt.n);
	EXPECT_FALSE(pc->has_exempt_uir || pc->has_event_rate ||
		     pc->has_event_burst);
	ASSERT_EQ(CTL_EXIT_OK, P("policy", "set", "event-burst", "1"));
	EXPECT_TRUE(pc->has_event_burst);
	EXPECT_FALSE(pc->has_policy || pc->has_exempt);

	EXPECT_USAGE("policy set: policy given twice",
		     P("policy", "set", "off", "require"));
	EXPECT_USAGE("'exempt' given twice",
		     P("policy", "set", "exempt", "none", "exempt", "none"));
	EXPECT_USAGE("'exempt-uir' given twice",
		     P("policy", "set", "exempt-uir", "none", "exempt-uir",
		       "none"));
	EXPECT_USAGE("'event-rate' given twice",
		     P("policy", "set", "event-rate", "1", "event-rate", "1"));
	EXPECT_USAGE("'event-burst' given twice",
		     P("policy", "set", "event-burst", "1", "event-burst",
		       "1"));
	EXPECT_USAGE("event-rate: 10001 is out of range (0 to 10000)",
		     P("policy", "set", "event-rate", "10001"));
	EXPECT_USAGE("event-burst: 0 is out of range (1 to 10000)",
		     P("policy", "set", "event-burst", "0"));
	EXPECT_USAGE("event-burst: 10001 is out of range",
		     P("policy", "set", "event-burst", "10001"));
	EXPECT_USAGE("exempt: 'MIH_Nothing' is not an 802.21 message",
		     P("policy", "set", "exempt", "MIH_Nothing"));
	EXPECT_USAGE("exempt-uir: 'x' is not",
		     P("policy", "set", "exempt-uir", "x"));
	EXPECT_USAGE("'exempt' needs a value", P("policy", "set", "exempt"));
	EXPECT_USAGE("'event-rate' needs a value",
		     P("policy", "set", "event-rate"));
}

TEST_F(parse, monitor)
{
	ASSERT_EQ(CTL_EXIT_OK, P("monitor"));
	EXPECT_EQ(CTL_OP_MONITOR, (int)self->a.op);
	EXPECT_EQ(0, (int)self->a.mon_count);
	EXPECT_FALSE(self->a.has_mon_timeout);
	ASSERT_EQ(CTL_EXIT_OK, P("-j", "monitor", "count", "3", "timeout",
				 "0"));
	EXPECT_TRUE(self->a.json);
	EXPECT_EQ(3, (int)self->a.mon_count);
	EXPECT_TRUE(self->a.has_mon_timeout);
	EXPECT_EQ(0, (int)self->a.mon_timeout);
	ASSERT_EQ(CTL_EXIT_OK, P("monitor", "timeout", "2000000"));
	EXPECT_EQ(2000000, (int)self->a.mon_timeout);
	ASSERT_EQ(CTL_EXIT_OK, P("monitor", "help"));
	EXPECT_EQ(CTL_OP_HELP, (int)self->a.op);
	EXPECT_EQ(CTL_TOPIC_MONITOR, (int)self->a.topic);
	ASSERT_EQ(CTL_EXIT_OK, P("help", "monitor"));
	EXPECT_EQ(CTL_TOPIC_MONITOR, (int)self->a.topic);

	EXPECT_USAGE("monitor: count: 0 is out of range",
		     P("monitor", "count", "0"));
	EXPECT_USAGE("monitor: timeout: 2000001 is out of range",
		     P("monitor", "timeout", "2000001"));
	EXPECT_USAGE("monitor: 'count' given twice",
		     P("monitor", "count", "1", "count", "2"));
	EXPECT_USAGE("monitor: 'timeout' given twice",
		     P("monitor", "timeout", "1", "timeout", "2"));
	EXPECT_USAGE("monitor: 'count' needs a value", P("monitor", "count"));
	EXPECT_USAGE("monitor: unknown keyword 'forever'",
		     P("monitor", "forever"));
	EXPECT_USAGE("monitor: timeout: '1.5' is not a number",
		     P("monitor", "timeout", "1.5"));
}

TEST_F(parse, names)
{
	EXPECT_STREQ("mmt", ctl_role_name(MIHSEC_ROLE_MMT));
	EXPECT_STREQ("network", ctl_role_name(MIHSEC_ROLE_NETWORK));
	EXPECT_EQ(NULL, ctl_role_name(0));
	EXPECT_EQ(NULL, ctl_role_name(3));
	EXPECT_STREQ("aes128-gcm", ctl_suite_name(1));
	EXPECT_EQ(NULL, ctl_suite_name(5));
	EXPECT_STREQ("require", ctl_policy_name(MIHSEC_POLICY_REQUIRE));
	EXPECT_EQ(NULL, ctl_policy_name(3));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: mihsecctl's MIH function commands without mihsecd: parsing
 * of mih send (message designators, T=HEX and named TLVs converted to the
 * T=HEX mihsecd gets), is query/import/export, handover, mihf status,
 * their usage errors and help topics, and ctl_main() when mihsecd is not
 * there.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "ctl/args.h"
#include "ctl/cmd.h"
#include "lib/mihie.h"

#define MAXARGS 24

FIXTURE(mih) {
	int argc;
	char *argv[MAXARGS + 1];
	struct ctl_args a;
	char err[512];
};

FIXTURE_SETUP(mih)
{
	memset(self, 0, sizeof(*self));
	unsetenv("MIHSEC_CONTROL");
}

FIXTURE_TEARDOWN(mih)
{
	for (int i = 0; i < self->argc; i++)
		free(self->argv[i]);
}

static int parse_words(struct _test_data_mih *self, const char *const *v)
{
	for (int i = 0; i < self->argc; i++)
		free(self->argv[i]);
	self->argc = 0;
	self->argv[self->argc++] = strdup("mihsecctl");
	for (; *v && self->argc < MAXARGS; v++)
		self->argv[self->argc++] = strdup(*v);
	self->argv[self->argc] = NULL;
	return ctl_parse(self->argc, self->argv, &self->a, self->err,
			 sizeof(self->err));
}

#define P(...) parse_words(self, (const char *const[]){ __VA_ARGS__, NULL })

#define EXPECT_USAGE(sub, rc) do {					\
	EXPECT_EQ(CTL_EXIT_USAGE, (rc));				\
	EXPECT_NE(NULL, strstr(self->err, (sub))) {			\
		TH_LOG("message \"%s\" lacks \"%s\"", self->err, (sub));\
	}								\
} while (0)

/* ctl_mih_tlv(@arg) must give @want */
#define TLV_OK(arg, want) do {						\
	char _o[1200], _e[256];						\
	EXPECT_EQ(0, ctl_mih_tlv((arg), _o, sizeof(_o), _e, sizeof(_e))) {	\
		TH_LOG("%s: %s", (arg), _e);				\
	}								\
	EXPECT_STREQ((want), _o);					\
} while (0)

#define TLV_BAD(arg, sub) do {						\
	char _o[1200], _e[256] = "";					\
	EXPECT_EQ(-1, ctl_mih_tlv((arg), _o, sizeof(_o), _e, sizeof(_e)));	\
	EXPECT_NE(NULL, strstr(_e, (sub))) {				\
		TH_LOG("%s: message \"%s\" lacks \"%s\"", (arg), _e, (sub));\
	}								\
} while (0)

TEST_F(mih, send_parse)
{
	ASSERT_EQ(CTL_EXIT_OK, P("mih", "send", "ar1",
				 "MIH_Capability_Discover.request",
				 "evt-list=6", "8=0001"));
	EXPECT_EQ(CTL_OP_MIH_SEND, (int)self->a.op);
	EXPECT_EQ(CTL_TOPIC_MIH, (int)self->a.topic);
	EXPECT_STREQ("ar1", self->a.mih_peer);
	EXPECT_EQ(0x1401, self->a.mih_mid);
	ASSERT_EQ(2, (int)self->a.mih_ntlvs);
	EXPECT_STREQ("evt-list=6", self->a.mih_tlv[0]);
	EXPECT_TRUE(ctl_op_is_daemon(self->a.op));
	/* a MID, an indication, -j and -S before the object */
	ASSERT_EQ(CTL_EXIT_OK, P("-j", "-S", "/tmp/s", "mih", "send",
				 "192.0.2.1", "0x1401"));
	EXPECT_TRUE(self->a.json);
	EXPECT_STREQ("/tmp/s", self->a.control);
	EXPECT_EQ(0, (int)self->a.mih_ntlvs);
	ASSERT_EQ(CTL_EXIT_OK, P("mih", "send", "mn1",
				 "MIH_Link_Up.indication", "13=00"));
	EXPECT_EQ(3, (int)(self->a.mih_mid >> 10 & 3));	/* indication */
}

TEST_F(mih, send_usage_errors)
{
	EXPECT_USAGE("mih: missing command (send, help)", P("mih"));
	EXPECT_USAGE("mih: unknown command 'recv' (send, help)",
		     P("mih", "recv"));
	EXPECT_USAGE("mih send: missing PEER", P("mih", "send"));
	EXPECT_USAGE("mih send: missing MESSAGE", P("mih", "send", "ar1"));
	EXPECT_USAGE("mih send: 'MIH_Nonsense' is not an 802.21 message",
		     P("mih", "send", "ar1", "MIH_Nonsense"));
	EXPECT_USAGE("mih send: 'MIH_Capability_Discover' names 2 messages: add .request or .indication",
		     P("mih", "send", "ar1", "MIH_Capability_Discover"));
	EXPECT_USAGE("only requests and indications are sent",
		     P("mih", "send", "ar1", "MIH_Register.response"));
	EXPECT_USAGE("mih send: TLV 'x' is not T=HEX or NAME=VALUE",
		     P("mih", "send", "ar1", "0x1401", "x"));
	EXPECT_USAGE("the type must be 3-255",
		     P("mih", "send", "ar1", "0x1401", "1=00"));
	EXPECT_USAGE("an odd number of hex digits",
		     P("mih", "send", "ar1", "0x1401", "5=000"));
	EXPECT_USAGE("unknown field 'colour'",
		     P("mih", "send", "ar1", "0x1401", "colour=1"));
	EXPECT_USAGE("mih send: PEER: empty", P("mih", "send", "", "0x1401"));
}

TEST_F(mih, named_tlvs)
{
	TLV_OK("5=0000001E", "5=0000001e");
	TLV_OK("100=", "100=");
	TLV_OK("status=0", "3=00");
	TLV_OK("status=255", "3=ff");
	TLV_OK("evt-list=0x16", "5=00000016");
	TLV_OK("trans-list=1", "8=0001");
	TLV_OK("iq-type-list=0x1", "7=0000000000000001");
	TLV_OK("valid-time=300", "12=0000012c");
	TLV_OK("time-interval=2000", "21=07d0");
	TLV_OK("uir=yes", "61=01");
	TLV_OK("resource-status=no", "41=00");
	TLV_OK("mn-mihf-id=mn1", "52=036d6e31");
	TLV_OK("poa=02:00:5e:20:00:01", "60=00000606" "02005e200001");
	/* an MIHF ID of 200 octets: the long length form (81 48) */
	{
		char arg[220], o[1200], e[256];

		strcpy(arg, "mn-mihf-id=");
		memset(arg + 11, 'a', 200);
		arg[211] = '\0';
		ASSERT_EQ(0, ctl_mih_tlv(arg, o, sizeof(o), e, sizeof(e)));
		EXPECT_EQ(0, strncmp(o, "52=814861", 9)) {
			TH_LOG("%.20s", o);
		}
	}
	TLV_BAD("status=256", "not a number of 1 octet");
	TLV_BAD("status=-1", "bad value");
	TLV_BAD("trans-list=65536", "not a number of 2 octets");
	TLV_BAD("uir=maybe", "not yes or no");
	TLV_BAD("poa=02:00", "not a MAC address");
	TLV_BAD("mn-mihf-id=", "an MIHF ID of 1-253 octets");
	TLV_BAD("=00", "is not T=HEX or NAME=VALUE");
	TLV_BAD("256=00", "the type must be 3-255");
	TLV_BAD("5=0g", "'g' is not a hex digit");
}

TEST_F(mih, is_parse)
{
	ASSERT_EQ(CTL_EXIT_OK, P("is", "query"));
	EXPECT_EQ(CTL_OP_IS_QUERY, (int)self->a.op);
	EXPECT_EQ(0U, self->a.is_types);
	ASSERT_EQ(CTL_EXIT_OK, P("is", "query", "type", "802.11,ethernet",
				 "network", "campus", "report",
				 "IE_COST,network-id,0x10000200", "limit", "3",
				 "max", "1400", "server", "is1", "wait", "5"));
	EXPECT_EQ((1U << MIH_NTI_802_11) | (1U << MIH_NTI_ETHERNET),
		  self->a.is_types);
	EXPECT_STREQ("campus", self->a.is_network);
	ASSERT_EQ(3, (int)self->a.is_nreport);
	EXPECT_EQ((uint32_t)MIH_IE_COST, self->a.is_report[0]);
	EXPECT_EQ((uint32_t)MIH_IE_NETWORK_ID, self->a.is_report[1]);
	EXPECT_EQ((uint32_t)MIH_IE_POA_LINK_ADDR, self->a.is_report[2]);
	EXPECT_EQ(3U, self->a.is_limit);
	EXPECT_EQ(1400U, self->a.is_max);
	EXPECT_STREQ("is1", self->a.is_server);
	EXPECT_EQ(5U, self->a.wait);
	EXPECT_USAGE("is query: type: 'pigeon' is not a network type",
		     P("is", "query", "type", "pigeon"));
	EXPECT_USAGE("is query: report: 'IE_NOTHING' is not an IE type",
		     P("is", "query", "report", "IE_NOTHING"));
	EXPECT_USAGE("is query: 'type' given twice",
		     P("is", "query", "type", "gsm", "type", "umts"));
	EXPECT_USAGE("is query: max: 8 is out of range (16 to 65535)",
		     P("is", "query", "max", "8"));
	EXPECT_USAGE("is query: unknown keyword 'colour'",
		     P("is", "query", "colour", "red"));
	EXPECT_USAGE("is query: 'network' needs a value",
		     P("is", "query", "network"));

	ASSERT_EQ(CTL_EXIT_OK, P("is", "import", "/tmp/x.txt", "replace"));
	EXPECT_EQ(CTL_OP_IS_IMPORT, (int)self->a.op);
	EXPECT_STREQ("/tmp/x.txt", self->a.is_file);
	EXPECT_TRUE(self->a.is_replace);
	ASSERT_EQ(CTL_EXIT_OK, P("is", "import", "-"));
	EXPECT_FALSE(self->a.is_replace);
	EXPECT_USAGE("is import: missing FILE", P("is", "import"));
	EXPECT_USAGE("is import: unexpected argument 'now'",
		     P("is", "import", "f", "now"));
	ASSERT_EQ(CTL_EXIT_OK, P("-j", "is", "export"));
	EXPECT_EQ(CTL_OP_IS_EXPORT, (int)self->a.op);
	EXPECT_USAGE("is export: unexpected argument 'f'",
		     P("is", "export", "f"));
	EXPECT_USAGE("is: unknown command 'drop' (query, import, export, help)",
		     P("is", "drop"));
	EXPECT_EQ((int)MIH_NTI_802_16, ctl_net_type_bit("802.16"));
	EXPECT_EQ((int)MIH_NTI_802_11, ctl_net_type_bit("WiFi"));
	EXPECT_EQ(7, ctl_net_type_bit("7"));
	EXPECT_EQ(-1, ctl_net_type_bit("32"));
	EXPECT_EQ((uint32_t)MIH_IE_POA_LOCATION, ctl_ie_type("poa-location"));
	EXPECT_EQ(0U, ctl_ie_type("0x"));
}

TEST_F(mih, handover_and_mihf_parse)
{
	static const uint8_t poa[6] = { 2, 0, 0x5e, 0x20, 0, 1 };

	ASSERT_EQ(CTL_EXIT_OK, P("handover"));
	EXPECT_EQ(CTL_OP_HANDOVER, (int)self->a.op);
	EXPECT_EQ(0U, self->a.wait);
	ASSERT_EQ(CTL_EXIT_OK, P("handover", "target", "lab", "poa",
				 "02:00:5e:20:00:01", "pos", "ar2", "server",
				 "is1", "wait", "30"));
	EXPECT_STREQ("lab", self->a.ho_network);
	EXPECT_TRUE(self->a.ho_has_poa);
	EXPECT_EQ(0, memcmp(poa, self->a.ho_poa, 6));
	EXPECT_STREQ("ar2", self->a.ho_pos);
	EXPECT_STREQ("is1", self->a.is_server);
	EXPECT_EQ(30U, self->a.wait);
	EXPECT_USAGE("handover: poa 'x' is not a MAC address",
		     P("handover", "poa", "x"));
	EXPECT_USAGE("handover: wait: 0 is out of range (1 to 3600)",
		     P("handover", "wait", "0"));
	EXPECT_USAGE("handover: 'target' given twice",
		     P("handover", "target", "a", "target", "b"));
	EXPECT_USAGE("handover: unknown keyword 'now'", P("handover", "now"));
	/* network-initiated, on the serving PoS */
	ASSERT_EQ(CTL_EXIT_OK, P("handover", "mmt", "mn1", "poa",
				 "02:00:5e:20:00:01", "pos", "ar2"));
	EXPECT_STREQ("mn1", self->a.ho_mmt);
	EXPECT_STREQ("ar2", self->a.ho_pos);
	EXPECT_TRUE(self->a.ho_has_poa);
	EXPECT_USAGE("handover: mmt (network-initiated) takes only poa, pos and wait: the PoS asks no IS server",
		     P("handover", "mmt", "mn1", "target", "lab"));
	EXPECT_USAGE("handover: mmt (network-initiated) takes only poa, pos and wait: the PoS asks no IS server",
		     P("handover", "mmt", "mn1", "server", "is1"));
	EXPECT_USAGE("handover: 'mmt' given twice",
		     P("handover", "mmt", "a", "mmt", "b"));
	EXPECT_USAGE("handover: target: a network ID of at most 63 octets",
		     P("handover", "target",
		       "0123456789012345678901234567890123456789012345678901234567890123"));

	ASSERT_EQ(CTL_EXIT_OK, P("mihf"));
	EXPECT_EQ(CTL_OP_MIHF_STATUS, (int)self->a.op);
	ASSERT_EQ(CTL_EXIT_OK, P("-j", "mihf", "status"));
	EXPECT_TRUE(ctl_op_is_daemon(self->a.op));
	EXPECT_USAGE("mihf: unknown command 'restart' (status, help)",
		     P("mihf", "restart"));
	EXPECT_USAGE("mihf status: unexpected argument 'x'",
		     P("mihf", "status", "x"));
}

TEST_F(mih, help_topics)
{
	static const struct {
		const char *const v[4];
		enum ctl_topic t;
	} cases[] = {
		{ { "mih", "help" }, CTL_TOPIC_MIH },
		{ { "mih", "send", "--help" }, CTL_TOPIC_MIH },
		{ { "help", "mih" }, CTL_TOPIC_MIH },
		{ { "is", "help" }, CTL_TOPIC_IS },
		{ { "is", "query", "help" }, CTL_TOPIC_IS },
		{ { "is", "import", "-h" }, CTL_TOPIC_IS },
		{ { "help", "is" }, CTL_TOPIC_IS },
		{ { "handover", "help" }, CTL_TOPIC_HANDOVER },
		{ { "help", "handover" }, CTL_TOPIC_HANDOVER },
		{ { "mihf", "help" }, CTL_TOPIC_MIHF },
		{ { "help", "mihf" }, CTL_TOPIC_MIHF },
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(CTL_EXIT_OK, parse_words(self, cases[i].v)) {
			TH_LOG("case %zu: %s", i, self->err);
		}
		EXPECT_EQ(CTL_OP_HELP, (int)self->a.op);
		EXPECT_EQ((int)cases[i].t, (int)self->a.topic);
	}
	f = open_memstream(&buf, &len);
	ctl_help(f, CTL_TOPIC_MIH);
	fclose(f);
	/* every named field is documented */
	EXPECT_NE(NULL, strstr(buf, "mn-mihf-id (text); poa (a MAC)"));
	EXPECT_NE(NULL, strstr(buf, "mihsecctl [-j] [-S PATH] mih send PEER MESSAGE [TLV...]"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	ctl_help(f, CTL_TOPIC_MAIN);
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "is import FILE [replace]"));
	EXPECT_NE(NULL, strstr(buf, "handover [target NETWORK]"));
	EXPECT_NE(NULL, strstr(buf, "mihf [status]"));
	free(buf);
}

/* Without mihsecd: one clear message, exit 1, never netlink */
static struct mihsec_nl *no_open(int *err, char *msg, size_t len)
{
	*err = -EPERM;
	snprintf(msg, len, "netlink opened");
	return NULL;
}

TEST_F(mih, no_daemon)
{
	static const char *const cmds[][6] = {
		{ "mih", "send", "ar1", "0x1401" },
		{ "is", "query" },
		{ "is", "export" },
		{ "handover" },
		{ "mihf" },
	};
	char *out = NULL, *err = NULL;
	size_t olen = 0, elen = 0;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char *argv[10] = { "mihsecctl", "-S", "/nonexistent/sock" };
		FILE *o = open_memstream(&out, &olen);
		FILE *e = open_memstream(&err, &elen);
		int argc = 3;

		for (int j = 0; cmds[i][j]; j++)
			argv[argc++] = (char *)cmds[i][j];
		EXPECT_EQ(CTL_EXIT_ERROR, ctl_main(argc, argv, stdin, o, e,
						   no_open));
		fclose(o);
		fclose(e);
		EXPECT_STREQ("mihsecctl: cannot reach mihsecd at /nonexistent/sock: No such file or directory\n",
			     err);
		EXPECT_STREQ("", out);
		free(out);
		free(err);
		out = err = NULL;
	}
	/* is import opens its file first (the caller's permissions) */
	{
		char *argv[] = { "mihsecctl", "-S", "/nonexistent/sock", "is",
				 "import", "/nonexistent/file", NULL };
		FILE *o = open_memstream(&out, &olen);
		FILE *e = open_memstream(&err, &elen);

		EXPECT_EQ(CTL_EXIT_ERROR, ctl_main(6, argv, stdin, o, e,
						   no_open));
		fclose(o);
		fclose(e);
		EXPECT_STREQ("mihsecctl: is import: /nonexistent/file: No such file or directory\n",
			     err);
		free(out);
		free(err);
	}
}

TEST_HARNESS_MAIN

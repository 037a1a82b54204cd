// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: mihsecctl's commands served by mihsecd, without mihsecd:
 * parsing of msk add / msk del / peers and -S/--control (ctl/args.c),
 * the control socket path, reading the MSK (ctl_load_keys()), the peers
 * table (ctl/output.c), and ctl_main() when mihsecd is not there (it
 * never opens netlink for these commands).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "kselftest_harness.h"

#include "ctl/args.h"
#include "ctl/cmd.h"
#include "ctl/output.h"
#include "mihsecd/config.h"

#define MAXARGS 16

FIXTURE(msk) {
	int argc;
	char *argv[MAXARGS + 1];
	struct ctl_args a;
	char err[512];
	char dir[64];
	char path[128];
	char *warn_buf;
	size_t warn_len;
	FILE *warn;
};

FIXTURE_SETUP(msk)
{
	memset(self, 0, sizeof(*self));
	strcpy(self->dir, "/tmp/mihsec-msk-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/msk", self->dir);
	self->warn = open_memstream(&self->warn_buf, &self->warn_len);
	ASSERT_NE(NULL, self->warn);
	unsetenv("MIHSEC_CONTROL");
}

FIXTURE_TEARDOWN(msk)
{
	for (int i = 0; i < self->argc; i++)
		free(self->argv[i]);
	fclose(self->warn);
	free(self->warn_buf);
	unlink(self->path);
	rmdir(self->dir);
	unsetenv("MIHSEC_CONTROL");
}

static int parse_words(struct _test_data_msk *self, const char *const *v)
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

#define MMT "02:00:00:00:00:01"
#define POA "0a:1b:2c:3d:4e:5f"

static const uint8_t mac_mmt[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_poa[6] = { 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f };

TEST_F(msk, parse_msk_add)
{
	ASSERT_EQ(CTL_EXIT_OK, P("msk", "add", MMT, POA, "/etc/mihsec/msk"));
	EXPECT_EQ(CTL_OP_MSK_ADD, (int)self->a.op);
	EXPECT_EQ(CTL_TOPIC_MSK, (int)self->a.topic);
	EXPECT_EQ(0, memcmp(mac_mmt, self->a.mac_mmt, 6));
	EXPECT_EQ(0, memcmp(mac_poa, self->a.mac_poa, 6));
	EXPECT_EQ(CTL_SRC_FILE, (int)self->a.msk_arg.src);
	EXPECT_STREQ("/etc/mihsec/msk", self->a.msk_arg.path);
	EXPECT_TRUE(ctl_op_is_daemon(self->a.op));

	/* upper case MACs; "-" is standard input */
	ASSERT_EQ(CTL_EXIT_OK,
		  P("msk", "add", "02:00:00:00:00:01", "0A:1B:2C:3D:4E:5F", "-"));
	EXPECT_EQ(0, memcmp(mac_poa, self->a.mac_poa, 6));
	EXPECT_EQ(CTL_SRC_STDIN, (int)self->a.msk_arg.src);
}

TEST_F(msk, parse_msk_del)
{
	ASSERT_EQ(CTL_EXIT_OK, P("msk", "del", POA, MMT));
	EXPECT_EQ(CTL_OP_MSK_DEL, (int)self->a.op);
	EXPECT_EQ(0, memcmp(mac_poa, self->a.mac_mmt, 6));
	EXPECT_EQ(0, memcmp(mac_mmt, self->a.mac_poa, 6));
	EXPECT_EQ(CTL_SRC_NONE, (int)self->a.msk_arg.src);
	EXPECT_USAGE("msk del: unexpected argument '-'",
		     P("msk", "del", MMT, POA, "-"));
}

TEST_F(msk, parse_bad_macs)
{
	static const char *const bad[] = {
		"02:00:00:00:00", "02:00:00:00:00:01:02", "02-00-00-00-00-01",
		"02:00:00:00:00:0g", "020000000001", "2:0:0:0:0:1",
		"02:00:00:00:00:001", " 02:00:00:00:00:01", "02:00:00:00:00:1",
		"02:00:00:00:00:01 ", "", "02:00:00:00:0:001",
	};
	char want[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want),
			 "msk add: MMT-MAC '%s' is not a MAC address", bad[i]);
		EXPECT_USAGE(want, P("msk", "add", bad[i], POA, "-"));
		snprintf(want, sizeof(want),
			 "msk del: POA-MAC '%s' is not a MAC address", bad[i]);
		EXPECT_USAGE(want, P("msk", "del", MMT, bad[i]));
	}
	{
		uint8_t m[6];

		EXPECT_TRUE(ctl_parse_mac("ff:FF:aB:00:99:Cd", m));
		EXPECT_EQ(0xab, m[2]);
		EXPECT_EQ(0xcd, m[5]);
	}
}

TEST_F(msk, parse_missing_and_extra)
{
	EXPECT_USAGE("msk: missing command (add, del, help)", P("msk"));
	EXPECT_USAGE("msk: unknown command 'set' (add, del, help)",
		     P("msk", "set"));
	EXPECT_USAGE("msk add: missing MMT-MAC", P("msk", "add"));
	EXPECT_USAGE("msk add: missing POA-MAC", P("msk", "add", MMT));
	EXPECT_USAGE("msk add: missing KEYFILE", P("msk", "add", MMT, POA));
	EXPECT_USAGE("msk add: KEYFILE: empty path",
		     P("msk", "add", MMT, POA, ""));
	EXPECT_USAGE("msk add: unexpected argument 'x'",
		     P("msk", "add", MMT, POA, "-", "x"));
	EXPECT_USAGE("msk del: missing MMT-MAC", P("msk", "del"));
	EXPECT_USAGE("msk del: missing POA-MAC", P("msk", "del", MMT));
}

TEST_F(msk, parse_peers)
{
	ASSERT_EQ(CTL_EXIT_OK, P("peers"));
	EXPECT_EQ(CTL_OP_PEERS, (int)self->a.op);
	EXPECT_FALSE(self->a.json);
	ASSERT_EQ(CTL_EXIT_OK, P("-j", "peers", "show"));
	EXPECT_EQ(CTL_OP_PEERS, (int)self->a.op);
	EXPECT_TRUE(self->a.json);
	EXPECT_TRUE(ctl_op_is_daemon(self->a.op));
	EXPECT_USAGE("peers: unknown command 'list' (show, help)",
		     P("peers", "list"));
	EXPECT_USAGE("peers show: unexpected argument 'x'",
		     P("peers", "show", "x"));
	/* the kernel's commands are not mihsecd's */
	ASSERT_EQ(CTL_EXIT_OK, P("stats"));
	EXPECT_FALSE(ctl_op_is_daemon(self->a.op));
}

TEST_F(msk, parse_help)
{
	static const struct {
		const char *const v[4];
		enum ctl_topic t;
	} cases[] = {
		{ { "msk", "help" }, CTL_TOPIC_MSK },
		{ { "msk", "--help" }, CTL_TOPIC_MSK },
		{ { "msk", "add", "help" }, CTL_TOPIC_MSK },
		{ { "msk", "del", "-h" }, CTL_TOPIC_MSK },
		{ { "help", "msk" }, CTL_TOPIC_MSK },
		{ { "peers", "help" }, CTL_TOPIC_PEERS },
		{ { "help", "peers" }, CTL_TOPIC_PEERS },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(CTL_EXIT_OK, parse_words(self, cases[i].v)) {
			TH_LOG("case %zu: %s", i, self->err);
		}
		EXPECT_EQ(CTL_OP_HELP, (int)self->a.op);
		EXPECT_EQ((int)cases[i].t, (int)self->a.topic);
	}
}

TEST_F(msk, control_option_and_path)
{
	ASSERT_EQ(CTL_EXIT_OK, P("peers"));
	EXPECT_EQ(NULL, self->a.control);
	EXPECT_STREQ(MD_CONTROL_DEFAULT, ctl_control_path(&self->a));
	EXPECT_STREQ("/run/mihsec/mihsecd.sock", ctl_control_path(&self->a));
	setenv("MIHSEC_CONTROL", "/tmp/env.sock", 1);
	EXPECT_STREQ("/tmp/env.sock", ctl_control_path(&self->a));
	setenv("MIHSEC_CONTROL", "", 1);	/* empty: ignored */
	EXPECT_STREQ(MD_CONTROL_DEFAULT, ctl_control_path(&self->a));
	setenv("MIHSEC_CONTROL", "/tmp/env.sock", 1);

	/* the option beats the environment */
	ASSERT_EQ(CTL_EXIT_OK, P("-S", "/tmp/a.sock", "peers"));
	EXPECT_STREQ("/tmp/a.sock", ctl_control_path(&self->a));
	ASSERT_EQ(CTL_EXIT_OK, P("--control", "/tmp/b.sock", "-j", "peers"));
	EXPECT_STREQ("/tmp/b.sock", ctl_control_path(&self->a));
	EXPECT_TRUE(self->a.json);
	ASSERT_EQ(CTL_EXIT_OK, P("--control=/tmp/c.sock", "peers"));
	EXPECT_STREQ("/tmp/c.sock", ctl_control_path(&self->a));
	ASSERT_EQ(CTL_EXIT_OK, P("-jS/tmp/d.sock", "peers"));
	EXPECT_STREQ("/tmp/d.sock", ctl_control_path(&self->a));
	EXPECT_TRUE(self->a.json);
	ASSERT_EQ(CTL_EXIT_OK, P("-jS", "/tmp/e.sock", "msk", "del", MMT, POA));
	EXPECT_STREQ("/tmp/e.sock", ctl_control_path(&self->a));
	EXPECT_EQ(CTL_OP_MSK_DEL, (int)self->a.op);

	EXPECT_USAGE("option '-S' needs a path", P("-S"));
	EXPECT_USAGE("option '--control' needs a path", P("--control"));
	EXPECT_USAGE("option '-S': empty path", P("-S", "", "peers"));
	EXPECT_USAGE("option '--control': empty path",
		     P("--control=", "peers"));
	EXPECT_USAGE("unknown option '--controller'",
		     P("--controller", "/x", "peers"));
}

/* ---- The MSK from a file or stdin --------------------------------------- */

static int put_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t len = (ssize_t)strlen(text);

	if (fd < 0)
		return -1;
	if (write(fd, text, (size_t)len) != len || fchmod(fd, mode)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* 64 octets 0x00..0x3f as hex; the first @digits digits */
static void msk_hex(char *out, int digits)
{
	for (int i = 0; i < digits; i++)
		out[i] = "0123456789abcdef"[(i % 2) ? (i / 2) & 0xf : (i / 2) >> 4];
	out[digits] = '\0';
}

static int load(struct _test_data_msk *self, FILE *in)
{
	return ctl_load_keys(&self->a, in, self->warn, self->err,
			     sizeof(self->err));
}

TEST_F(msk, load_from_file_modes)
{
	char hex[129];

	msk_hex(hex, 64);
	ASSERT_EQ(0, put_file(self->path, hex, 0600));
	ASSERT_EQ(CTL_EXIT_OK, P("msk", "add", MMT, POA, self->path));
	ASSERT_EQ(CTL_EXIT_OK, load(self, NULL));
	EXPECT_EQ(32, (int)self->a.msk_len);
	for (int i = 0; i < 32; i++)
		EXPECT_EQ(i, self->a.msk[i]);
	fflush(self->warn);
	EXPECT_EQ(0, (int)self->warn_len);

	/* group- or world-readable: used, with the sa add warning */
	ASSERT_EQ(0, chmod(self->path, 0640));
	ASSERT_EQ(CTL_EXIT_OK, P("msk", "add", MMT, POA, self->path));
	ASSERT_EQ(CTL_EXIT_OK, load(self, NULL));
	fflush(self->warn);
	EXPECT_NE(NULL, strstr(self->warn_buf, "is readable by its group"));
	ASSERT_EQ(0, chmod(self->path, 0604));
	ASSERT_EQ(CTL_EXIT_OK, P("msk", "add", MMT, POA, self->path));
	ASSERT_EQ(CTL_EXIT_OK, load(self, NULL));
	fflush(self->warn);
	EXPECT_NE(NULL, strstr(self->warn_buf, "is readable by everyone"));
	EXPECT_EQ(NULL, strstr(self->warn_buf, hex));
}

TEST_F(msk, load_lengths)
{
	static const struct {
		int digits;
		int octets;	/* -1: refused */
		const char *msg;
	} cases[] = {
		{ 64, 32, NULL },
		{ 128, 64, NULL },
		{ 62, -1, "an MSK is 64 or 128 hex digits (32 or 64 octets), not 31 octets" },
		{ 66, -1, "not 33 octets" },
		{ 126, -1, "not 63 octets" },
		{ 63, -1, "odd number of hex digits" },
		{ 130, -1, "key too long (at most 64 octets)" },
		{ 0, -1, "no key in it (empty)" },
	};
	char hex[160];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].digits <= 128)
			msk_hex(hex, cases[i].digits);
		else
			snprintf(hex, sizeof(hex), "%0130d", 0);
		ASSERT_EQ(0, put_file(self->path, hex, 0600));
		ASSERT_EQ(CTL_EXIT_OK, P("msk", "add", MMT, POA, self->path));
		if (cases[i].octets > 0) {
			EXPECT_EQ(CTL_EXIT_OK, load(self, NULL)) {
				TH_LOG("%d digits: %s", cases[i].digits,
				       self->err);
			}
			EXPECT_EQ(cases[i].octets, (int)self->a.msk_len);
			EXPECT_EQ(0x1f, self->a.msk[31]);
			continue;
		}
		EXPECT_EQ(CTL_EXIT_ERROR, load(self, NULL));
		EXPECT_NE(NULL, strstr(self->err, cases[i].msg)) {
			TH_LOG("%d digits: \"%s\"", cases[i].digits, self->err);
		}
		EXPECT_EQ(0, strncmp(self->err, "KEYFILE: ", 9));
		/* nothing kept of a refused key */
		for (size_t j = 0; j < sizeof(self->a.msk); j++)
			EXPECT_EQ(0, self->a.msk[j]);
	}
}

TEST_F(msk, load_from_stdin_and_errors)
{
	char hex[130], line[140];
	FILE *in;

	msk_hex(hex, 128);
	snprintf(line, sizeof(line), "%s\nrest\n", hex);
	in = fmemopen(line, strlen(line), "r");
	ASSERT_NE(NULL, in);
	ASSERT_EQ(CTL_EXIT_OK, P("msk", "add", MMT, POA, "-"));
	ASSERT_EQ(CTL_EXIT_OK, load(self, in));
	EXPECT_EQ(64, (int)self->a.msk_len);
	EXPECT_EQ(0x3f, self->a.msk[63]);
	/* exactly one line read */
	EXPECT_EQ('r', fgetc(in));
	fclose(in);

	in = fopen("/dev/null", "r");
	ASSERT_EQ(CTL_EXIT_OK, P("msk", "add", MMT, POA, "-"));
	EXPECT_EQ(CTL_EXIT_ERROR, load(self, in));
	EXPECT_STREQ("KEYFILE: stdin: no key (end of input)", self->err);
	fclose(in);

	ASSERT_EQ(CTL_EXIT_OK, P("msk", "add", MMT, POA, self->dir));
	EXPECT_EQ(CTL_EXIT_ERROR, load(self, NULL));
	EXPECT_NE(NULL, strstr(self->err, "is a directory"));
	ASSERT_EQ(CTL_EXIT_OK, P("msk", "add", MMT, POA, "/nonexistent/msk"));
	EXPECT_EQ(CTL_EXIT_ERROR, load(self, NULL));
	EXPECT_NE(NULL, strstr(self->err, "No such file or directory"));

	/* msk del and peers read nothing */
	in = fmemopen(line, strlen(line), "r");
	ASSERT_EQ(CTL_EXIT_OK, P("msk", "del", MMT, POA));
	EXPECT_EQ(CTL_EXIT_OK, load(self, in));
	EXPECT_EQ('0', fgetc(in));
	fclose(in);
}

/* ---- ctl_main() without mihsecd ----------------------------------------- */

static int g_open_calls;

static struct mihsec_nl *no_open(int *err, char *msg, size_t msglen)
{
	g_open_calls++;
	*err = -ENOENT;
	snprintf(msg, msglen, "must not be called");
	return NULL;
}

static int run_main(struct _test_data_msk *self, char **out, char **err,
		    const char *const *v)
{
	size_t olen = 0, elen = 0;
	FILE *o = open_memstream(out, &olen), *e = open_memstream(err, &elen);
	FILE *in = fopen("/dev/null", "r");
	char *argv[MAXARGS + 1];
	int argc = 0, rc;

	argv[argc++] = "mihsecctl";
	for (; *v && argc < MAXARGS; v++)
		argv[argc++] = strdup(*v);
	argv[argc] = NULL;
	rc = ctl_main(argc, argv, in, o, e, no_open);
	for (int i = 1; i < argc; i++)
		free(argv[i]);
	fclose(o);
	fclose(e);
	fclose(in);
	(void)self;
	return rc;
}

#define MAIN(...) run_main(self, &out, &err,				\
			   (const char *const[]){ __VA_ARGS__, NULL })

TEST_F(msk, main_without_mihsecd)
{
	char sock[160], want[300], *out = NULL, *err = NULL;
	char hex[65];

	snprintf(sock, sizeof(sock), "%s/none.sock", self->dir);
	EXPECT_EQ(CTL_EXIT_ERROR, MAIN("-S", sock, "peers"));
	snprintf(want, sizeof(want),
		 "mihsecctl: cannot reach mihsecd at %s: No such file or directory\n",
		 sock);
	EXPECT_STREQ(want, err);
	EXPECT_STREQ("", out);
	free(out);
	free(err);

	/* a file that is not a socket */
	msk_hex(hex, 64);
	ASSERT_EQ(0, put_file(self->path, hex, 0600));
	setenv("MIHSEC_CONTROL", self->path, 1);
	EXPECT_EQ(CTL_EXIT_ERROR, MAIN("msk", "add", MMT, POA, self->path));
	snprintf(want, sizeof(want),
		 "mihsecctl: cannot reach mihsecd at %s: Connection refused\n",
		 self->path);
	EXPECT_STREQ(want, err);
	EXPECT_EQ(NULL, strstr(err, hex));
	free(out);
	free(err);

	/* a bad key is reported before any connection */
	ASSERT_EQ(0, put_file(self->path, "00112233", 0600));
	EXPECT_EQ(CTL_EXIT_ERROR, MAIN("-S", sock, "msk", "add", MMT, POA,
				       self->path));
	EXPECT_NE(NULL, strstr(err, "mihsecctl: msk add: KEYFILE: "));
	EXPECT_NE(NULL, strstr(err, "not 4 octets"));
	EXPECT_EQ(NULL, strstr(err, "cannot reach"));
	free(out);
	free(err);

	EXPECT_EQ(CTL_EXIT_USAGE, MAIN("msk", "add", "x", POA, "-"));
	EXPECT_NE(NULL, strstr(err, "Try 'mihsecctl msk --help'."));
	free(out);
	free(err);
	EXPECT_EQ(CTL_EXIT_USAGE, MAIN("peers", "x"));
	EXPECT_NE(NULL, strstr(err, "Try 'mihsecctl peers --help'."));
	free(out);
	free(err);

	EXPECT_EQ(CTL_EXIT_OK, MAIN("peers", "help"));
	EXPECT_NE(NULL, strstr(out, "mihsecctl [-j] [-S PATH] peers [show]"));
	EXPECT_NE(NULL, strstr(out, "$MIHSEC_CONTROL"));
	EXPECT_EQ(NULL, strstr(out, "sa add"));
	free(out);
	free(err);
	EXPECT_EQ(CTL_EXIT_OK, MAIN("--help"));
	EXPECT_NE(NULL, strstr(out, "msk add MMT-MAC POA-MAC KEYFILE|-"));
	EXPECT_NE(NULL, strstr(out, "msk del MMT-MAC POA-MAC"));
	EXPECT_NE(NULL, strstr(out, "-S, --control PATH"));
	EXPECT_NE(NULL, strstr(out, MD_CONTROL_DEFAULT));
	free(out);
	free(err);
	EXPECT_EQ(0, g_open_calls);
}

/* ---- The peers table ----------------------------------------------------- */

TEST(peers_text)
{
	const char *reply =
		"[{\"peer\":\"pos-1\",\"kind\":\"poa\",\"source\":\"wpa_supplicant\","
		"\"mac_mmt\":\"02:00:00:00:00:01\",\"mac_poa\":\"02:00:00:00:00:02\","
		"\"state\":\"installed\",\"rx_keyid\":\"0011223344556677\","
		"\"tx_keyid\":\"8899aabbccddeeff\",\"rekeys\":3,\"since\":1795544401},"
		"{\"peer\":\"is \\\"one\\\"\\\\x01\",\"kind\":\"is\",\"source\":\"adopted\","
		"\"mac_mmt\":\"00:00:00:00:00:00\",\"mac_poa\":\"00:00:00:00:00:00\","
		"\"state\":\"gone\",\"rx_keyid\":\"0101010101010101\","
		"\"tx_keyid\":\"0202020202020202\",\"rekeys\":0,\"since\":0},"
		"{}]";
	struct json_object *arr = json_tokener_parse(reply);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ASSERT_NE(NULL, arr);
	setenv("TZ", "UTC", 1);
	tzset();
	f = open_memstream(&buf, &len);
	ctl_print_peers(f, arr);
	fclose(f);
	EXPECT_STREQ(
		"PEER                  KIND SOURCE         MMT               POA               STATE     RX-KEYID         TX-KEYID         REKEYS SINCE\n"
		"pos-1                 poa  wpa_supplicant 02:00:00:00:00:01 02:00:00:00:00:02 installed 0011223344556677 8899aabbccddeeff      3 2026-11-24T18:20:01\n"
		"is\\x20\\x22one\\x22\\x01 is   adopted        00:00:00:00:00:00 00:00:00:00:00:00 gone      0101010101010101 0202020202020202      0 -\n"
		"-                     -    -              -                 -                 -         -                -                     - -\n",
		buf);
	free(buf);
	json_object_put(arr);

	/* MIH addresses: IPv6 in brackets (with its link), IPv4 bare */
	arr = json_tokener_parse(
		"[{\"peer\":\"ar2\",\"mih\":{\"id\":\"ar2\",\"addresses\":"
		"[{\"address\":\"fe80::1%eth0\",\"port\":4551,"
		"\"sources\":[\"capdisc\"]},{\"address\":\"10.0.0.3\","
		"\"port\":4551,\"sources\":[\"capdisc\"]}]}},"
		"{\"peer\":\"ar1\",\"mih\":{\"id\":\"ar1\",\"addresses\":"
		"[{\"address\":\"10.0.0.2\",\"port\":4551,"
		"\"sources\":[\"static\"]}]}}]");
	ASSERT_NE(NULL, arr);
	buf = NULL;
	f = open_memstream(&buf, &len);
	ctl_print_peers(f, arr);
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, " [fe80::1%eth0]:4551(+1)\n")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, " 10.0.0.2:4551\n")) TH_LOG("%s", buf);
	free(buf);
	json_object_put(arr);

	/* no peers: nothing at all */
	arr = json_object_new_array();
	buf = NULL;
	f = open_memstream(&buf, &len);
	ctl_print_peers(f, arr);
	fclose(f);
	EXPECT_STREQ("", buf);
	free(buf);
	json_object_put(arr);
}

TEST_HARNESS_MAIN

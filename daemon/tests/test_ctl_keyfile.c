// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: mihsecctl keys from files and stdin (ctl/keyfile.c and
 * ctl_load_keys() in ctl/args.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "ctl/args.h"
#include "ctl/keyfile.h"

static const uint8_t k16[16] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};
#define K16 "00112233445566778899aabbccddeeff"

FIXTURE(kf) {
	char dir[64];
	char path[128];
	uint8_t key[32];
	char err[512];
	char *warn_buf;
	size_t warn_len;
	FILE *warn;
};

FIXTURE_SETUP(kf)
{
	strcpy(self->dir, "/tmp/mihsec-keyfile-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/key", self->dir);
	self->warn_buf = NULL;
	self->warn = open_memstream(&self->warn_buf, &self->warn_len);
	ASSERT_NE(NULL, self->warn);
}

FIXTURE_TEARDOWN(kf)
{
	char p[160];

	fclose(self->warn);
	free(self->warn_buf);
	unlink(self->path);
	snprintf(p, sizeof(p), "%s/k2", self->dir);
	unlink(p);
	rmdir(self->dir);
}

static int write_file(const char *path, const void *data, size_t len,
		      mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return -1;
	if (write(fd, data, len) != (ssize_t)len || fchmod(fd, mode)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

#define PUT(s) ASSERT_EQ(0, write_file(self->path, (s), strlen(s), 0600))

#define READ() ctl_read_key_file(self->path, self->warn, self->key,	\
				 sizeof(self->key), self->err,		\
				 sizeof(self->err))

#define EXPECT_ERR(sub) do {						\
	EXPECT_EQ(-1, READ());						\
	EXPECT_NE(NULL, strstr(self->err, (sub))) {			\
		TH_LOG("message \"%s\" lacks \"%s\"", self->err, (sub));\
	}								\
} while (0)

TEST_F(kf, plain_with_newline)
{
	PUT(K16 "\n");
	ASSERT_EQ(16, READ());
	EXPECT_EQ(0, memcmp(self->key, k16, 16));
}

TEST_F(kf, no_newline_and_prefix)
{
	PUT("0x" K16);
	ASSERT_EQ(16, READ());
	EXPECT_EQ(0, memcmp(self->key, k16, 16));
}

TEST_F(kf, whitespace_around_and_between_octets)
{
	PUT("\n\t  0011223344556677\r\n  8899 aabb ccdd eeff  \n\n");
	ASSERT_EQ(16, READ());
	EXPECT_EQ(0, memcmp(self->key, k16, 16));
}

TEST_F(kf, thirty_two_octets)
{
	PUT(K16 K16 "\n");
	ASSERT_EQ(32, READ());
	EXPECT_EQ(0, memcmp(self->key + 16, k16, 16));
}

TEST_F(kf, trailing_garbage)
{
	PUT(K16 "\n# comment\n");
	EXPECT_ERR("not a hex key");
	PUT(K16 "x");
	EXPECT_ERR("not a hex key");
	PUT("key=" K16);
	EXPECT_ERR("not a hex key");
	/* NUL in the file */
	ASSERT_EQ(0, write_file(self->path, "0011\0" "2233", 9, 0600));
	EXPECT_ERR("not a hex key");
}

TEST_F(kf, empty)
{
	PUT("");
	EXPECT_ERR("no key in it (empty)");
	PUT("\n \n");
	EXPECT_ERR("no key in it (empty)");
}

TEST_F(kf, odd_digits)
{
	PUT("0011223\n");
	EXPECT_ERR("odd number of hex digits");
}

TEST_F(kf, key_too_long)
{
	PUT(K16 K16 "00\n");
	EXPECT_ERR("key too long (at most 32 octets)");
}

TEST_F(kf, file_too_long)
{
	char big[CTL_KEYTEXT_MAX + 2];

	/* whitespace only around a valid key, but more than the limit */
	memset(big, ' ', sizeof(big) - 1);
	memcpy(big, K16, 32);
	big[sizeof(big) - 1] = '\0';
	PUT(big);
	EXPECT_ERR("too long (more than 1024 characters)");
	/* exactly the limit is fine */
	big[CTL_KEYTEXT_MAX] = '\0';
	PUT(big);
	ASSERT_EQ(16, READ());
}

TEST_F(kf, missing_file)
{
	EXPECT_ERR(strerror(ENOENT));
	EXPECT_NE(NULL, strstr(self->err, self->path));
}

TEST_F(kf, directory)
{
	EXPECT_EQ(-1, ctl_read_key_file(self->dir, self->warn, self->key,
					sizeof(self->key), self->err,
					sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "is a directory"));
}

TEST_F(kf, permission_warning)
{
	ASSERT_EQ(0, write_file(self->path, K16, 32, 0600));
	ASSERT_EQ(16, READ());
	fflush(self->warn);
	EXPECT_EQ(0, (int)self->warn_len);

	ASSERT_EQ(0, write_file(self->path, K16, 32, 0640));
	ASSERT_EQ(16, READ());	/* a warning, not an error */
	fflush(self->warn);
	ASSERT_NE(NULL, self->warn_buf);
	EXPECT_NE(NULL, strstr(self->warn_buf, "readable by its group"));
	EXPECT_NE(NULL, strstr(self->warn_buf, self->path));

	ASSERT_EQ(0, write_file(self->path, K16, 32, 0604));
	ASSERT_EQ(16, READ());
	fflush(self->warn);
	EXPECT_NE(NULL, strstr(self->warn_buf, "readable by everyone"));
}

TEST_F(kf, error_wipes_key)
{
	memset(self->key, 0x5a, sizeof(self->key));
	PUT(K16 "zz");
	EXPECT_EQ(-1, READ());
	for (size_t i = 0; i < sizeof(self->key); i++)
		ASSERT_EQ(0, self->key[i]);
}

/* ---- stdin ---------------------------------------------------------- */

static FILE *mem_in(const char *s)
{
	return fmemopen((void *)s, strlen(s), "r");
}

TEST(stdin_one_line_each)
{
	FILE *in = mem_in(" " K16 " \n0x" K16 K16 "\nrest");
	uint8_t key[32];
	char err[256];

	ASSERT_NE(NULL, in);
	ASSERT_EQ(16, ctl_read_key_line(in, key, 32, err, sizeof(err)));
	EXPECT_EQ(0, memcmp(key, k16, 16));
	ASSERT_EQ(32, ctl_read_key_line(in, key, 32, err, sizeof(err)));
	EXPECT_EQ(0, memcmp(key + 16, k16, 16));
	/* nothing past the second newline was consumed */
	EXPECT_EQ('r', getc(in));
	fclose(in);
}

TEST(stdin_last_line_without_newline)
{
	FILE *in = mem_in(K16);
	uint8_t key[32];
	char err[256];

	ASSERT_EQ(16, ctl_read_key_line(in, key, 32, err, sizeof(err)));
	EXPECT_EQ(0, memcmp(key, k16, 16));
	/* then: end of input */
	EXPECT_EQ(-1, ctl_read_key_line(in, key, 32, err, sizeof(err)));
	EXPECT_STREQ("stdin: no key (end of input)", err);
	fclose(in);
}

TEST(stdin_errors)
{
	static const struct {
		const char *in;
		const char *msg;
	} cases[] = {
		{ "", "stdin: no key (end of input)" },
		{ "\n", "stdin: no key in it (empty)" },
		{ "   \n", "stdin: no key in it (empty)" },
		{ K16 " trailing\n", "stdin: not a hex key" },
		{ "123\n", "stdin: odd number of hex digits" },
		{ K16 K16 "00\n", "stdin: key too long (at most 32 octets)" },
	};
	uint8_t key[32];
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *in = mem_in(cases[i].in);

		/* fmemopen of an empty buffer: use /dev/null instead */
		if (!in)
			in = fopen("/dev/null", "r");
		ASSERT_NE(NULL, in);
		EXPECT_EQ(-1, ctl_read_key_line(in, key, 32, err, sizeof(err)));
		EXPECT_NE(NULL, strstr(err, cases[i].msg)) {
			TH_LOG("case %zu: \"%s\"", i, err);
		}
		fclose(in);
	}
}

TEST(stdin_line_too_long)
{
	size_t n = CTL_KEYTEXT_MAX + 10;
	char *s = malloc(n + 40);
	uint8_t key[32];
	char err[256];
	FILE *in;

	ASSERT_NE(NULL, s);
	memset(s, '0', n);
	strcpy(s + n, "\n" K16 "\n");
	in = mem_in(s);
	ASSERT_NE(NULL, in);
	EXPECT_EQ(-1, ctl_read_key_line(in, key, 32, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "stdin: key line too long"));
	/* the overlong line was consumed entirely: the next one reads */
	EXPECT_EQ(16, ctl_read_key_line(in, key, 32, err, sizeof(err)));
	fclose(in);
	free(s);
}

/* ---- ctl_load_keys(): files and stdin for "sa add" -------------------- */

static int parse_words(struct ctl_args *a, char *err, size_t errlen,
		       const char *const *words)
{
	char *argv[64];
	int argc = 0, rc;

	argv[argc++] = strdup("mihsecctl");
	for (; *words; words++)
		argv[argc++] = strdup(*words);
	argv[argc] = NULL;
	rc = ctl_parse(argc, argv, a, err, errlen);
	/* the parser keeps pointers to paths; keep the strings alive */
	return rc;
}

#define SA_PAIRS "local", "l", "peer", "p", "role", "mmt",		\
	"tx-keyid", "0102030405060708", "rx-keyid", "1112131415161718",	\
	"tx-salt", "01020304", "rx-salt", "05060708"
#define SA_ADD_WORDS "sa", "add", SA_PAIRS

TEST(load_keys_stdin_in_argument_order)
{
	static const char in_text[] = K16 "\n" "ffeeddccbbaa99887766554433221100\n";
	struct ctl_args a;
	char err[512];
	FILE *in;

	/* rx-key-file - comes first on the command line: it reads line 1 */
	ASSERT_EQ(CTL_EXIT_OK,
		  parse_words(&a, err, sizeof(err), (const char *const[]){
			SA_ADD_WORDS, "rx-key-file", "-", "tx-key-file", "-",
			NULL }));
	in = mem_in(in_text);
	ASSERT_EQ(CTL_EXIT_OK, ctl_load_keys(&a, in, stderr, err, sizeof(err)));
	fclose(in);
	EXPECT_EQ(16, (int)a.sa.rx_key_len);
	EXPECT_EQ(0, memcmp(a.sa.rx_key, k16, 16));
	EXPECT_EQ(16, (int)a.sa.tx_key_len);
	EXPECT_EQ(0xff, a.sa.tx_key[0]);

	/* the other order */
	ASSERT_EQ(CTL_EXIT_OK,
		  parse_words(&a, err, sizeof(err), (const char *const[]){
			"sa", "add", "tx-key-file", "-", SA_PAIRS,
			"rx-key-file", "-", NULL }));
	in = mem_in(in_text);
	ASSERT_EQ(CTL_EXIT_OK, ctl_load_keys(&a, in, stderr, err, sizeof(err)));
	fclose(in);
	EXPECT_EQ(0, memcmp(a.sa.tx_key, k16, 16));
	EXPECT_EQ(0xff, a.sa.rx_key[0]);
}

TEST_F(kf, load_keys_file_and_inline)
{
	struct ctl_args a;
	char err[512];

	PUT("\n" K16 "\n");
	ASSERT_EQ(CTL_EXIT_OK,
		  parse_words(&a, err, sizeof(err), (const char *const[]){
			SA_ADD_WORDS, "tx-key", "a1a2", "rx-key-file",
			self->path, NULL }));
	ASSERT_EQ(CTL_EXIT_OK, ctl_load_keys(&a, NULL, self->warn, err,
					     sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(2, (int)a.sa.tx_key_len);
	EXPECT_EQ(0xa1, a.sa.tx_key[0]);
	EXPECT_EQ(16, (int)a.sa.rx_key_len);
	EXPECT_EQ(0, memcmp(a.sa.rx_key, k16, 16));
	ctl_args_wipe(&a);
	EXPECT_EQ(0, a.sa.rx_key[1]);
}

TEST_F(kf, load_keys_error_names_keyword)
{
	struct ctl_args a;
	char err[512];
	FILE *in = mem_in("\n");

	PUT("nothex\n");
	ASSERT_EQ(CTL_EXIT_OK,
		  parse_words(&a, err, sizeof(err), (const char *const[]){
			SA_ADD_WORDS, "tx-key-file", self->path, "rx-key-file",
			"-", NULL }));
	EXPECT_EQ(CTL_EXIT_ERROR, ctl_load_keys(&a, in, self->warn, err,
						sizeof(err)));
	EXPECT_EQ(0, strncmp(err, "tx-key-file: key file ", 22)) {
		TH_LOG("%s", err);
	}
	EXPECT_NE(NULL, strstr(err, "not a hex key"));

	PUT(K16);
	EXPECT_EQ(CTL_EXIT_ERROR, ctl_load_keys(&a, in, self->warn, err,
						sizeof(err)));
	EXPECT_STREQ("rx-key-file: stdin: no key in it (empty)", err);
	fclose(in);
}

TEST_F(kf, load_ikey_exact_length)
{
	struct ctl_args a;
	char err[512];

	PUT(K16 "\n");	/* 16 octets where 32 are needed */
	ASSERT_EQ(CTL_EXIT_OK,
		  parse_words(&a, err, sizeof(err), (const char *const[]){
			SA_ADD_WORDS, "tx-key", K16, "rx-key", K16, "suite",
			"4", "tx-ikey-file", self->path, "rx-ikey", K16 K16,
			NULL }));
	EXPECT_EQ(CTL_EXIT_ERROR, ctl_load_keys(&a, NULL, self->warn, err,
						sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "tx-ikey-file: ")) {
		TH_LOG("%s", err);
	}
	EXPECT_NE(NULL, strstr(err, "must be 32 octets, not 16"));

	PUT(K16 K16);
	ASSERT_EQ(CTL_EXIT_OK, ctl_load_keys(&a, NULL, self->warn, err,
					     sizeof(err)));
	EXPECT_EQ(0, memcmp(a.sa.tx_ikey + 16, k16, 16));
}

TEST(load_keys_other_commands_read_nothing)
{
	struct ctl_args a;
	char err[256];
	FILE *in = mem_in(K16 "\n");

	ASSERT_EQ(CTL_EXIT_OK, parse_words(&a, err, sizeof(err),
					   (const char *const[]){ "stats",
								  NULL }));
	EXPECT_EQ(CTL_EXIT_OK, ctl_load_keys(&a, in, stderr, err, sizeof(err)));
	EXPECT_EQ('0', getc(in));
	fclose(in);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: lib/hex.c (hex strings for key IDs, keys, salts).
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "lib/hex.h"

static const uint8_t k16[16] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

TEST(exact_length)
{
	uint8_t out[16];

	ASSERT_EQ(16, mihsec_hex_decode("00112233445566778899aabbccddeeff",
					out, sizeof(out)));
	ASSERT_EQ(0, memcmp(out, k16, 16));
}

TEST(uppercase_and_mixed_case)
{
	uint8_t out[16];

	ASSERT_EQ(16, mihsec_hex_decode("00112233445566778899AABBccDDeeFF",
					out, sizeof(out)));
	ASSERT_EQ(0, memcmp(out, k16, 16));
}

TEST(prefix_0x)
{
	uint8_t out[16];

	ASSERT_EQ(16, mihsec_hex_decode("0x00112233445566778899aabbccddeeff",
					out, sizeof(out)));
	ASSERT_EQ(0, memcmp(out, k16, 16));
	memset(out, 0, sizeof(out));
	ASSERT_EQ(16, mihsec_hex_decode("0X00112233445566778899aabbccddeeff",
					out, sizeof(out)));
	ASSERT_EQ(0, memcmp(out, k16, 16));
	/* only one prefix, only at the start */
	EXPECT_EQ(-EINVAL, mihsec_hex_decode("0x0x0011", out, sizeof(out)));
	EXPECT_EQ(-EINVAL, mihsec_hex_decode("00x011", out, sizeof(out)));
	/* a lone prefix has no digits */
	EXPECT_EQ(-ENODATA, mihsec_hex_decode("0x", out, sizeof(out)));
}

TEST(shorter_than_buffer)
{
	uint8_t out[8];

	ASSERT_EQ(2, mihsec_hex_decode("a5ff", out, sizeof(out)));
	EXPECT_EQ(0xa5, out[0]);
	EXPECT_EQ(0xff, out[1]);
}

TEST(empty)
{
	uint8_t out[4];

	EXPECT_EQ(-ENODATA, mihsec_hex_decode("", out, sizeof(out)));
}

TEST(odd_length)
{
	uint8_t out[8];

	EXPECT_EQ(-EDOM, mihsec_hex_decode("abc", out, sizeof(out)));
	EXPECT_EQ(-EDOM, mihsec_hex_decode("0x1", out, sizeof(out)));
	EXPECT_EQ(-EDOM, mihsec_hex_decode("0", out, sizeof(out)));
}

TEST(non_hex)
{
	uint8_t out[8];

	EXPECT_EQ(-EINVAL, mihsec_hex_decode("00g1", out, sizeof(out)));
	EXPECT_EQ(-EINVAL, mihsec_hex_decode("0011 2233", out, sizeof(out)));
	EXPECT_EQ(-EINVAL, mihsec_hex_decode(" 0011", out, sizeof(out)));
	EXPECT_EQ(-EINVAL, mihsec_hex_decode("0011\n", out, sizeof(out)));
	EXPECT_EQ(-EINVAL, mihsec_hex_decode("-011", out, sizeof(out)));
	EXPECT_EQ(-EINVAL, mihsec_hex_decode("x011", out, sizeof(out)));
}

TEST(overlong)
{
	uint8_t buf[5] = { 0xee, 0xee, 0xee, 0xee, 0x5a };

	/* 5 octets into a 4-octet buffer: rejected, canary untouched */
	EXPECT_EQ(-E2BIG, mihsec_hex_decode("0102030405", buf, 4));
	EXPECT_EQ(0x5a, buf[4]);
	/* the output is zeroed on error */
	EXPECT_EQ(0, buf[0] | buf[1] | buf[2] | buf[3]);
	/* exactly 4 fits */
	EXPECT_EQ(4, mihsec_hex_decode("01020304", buf, 4));
	EXPECT_EQ(0x5a, buf[4]);
}

TEST(error_wipes_output)
{
	uint8_t out[4] = { 1, 2, 3, 4 };

	EXPECT_EQ(-EINVAL, mihsec_hex_decode("01zz", out, sizeof(out)));
	EXPECT_EQ(0, out[0] | out[1] | out[2] | out[3]);
}

TEST(text_whitespace)
{
	static const char t1[] = "  \t0x00112233445566778899aabbccddeeff\n\n";
	static const char t2[] = "0011223344556677\n8899aabbccddeeff\n";
	static const char t3[] = "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff";
	uint8_t out[32];

	ASSERT_EQ(16, mihsec_hex_decode_text(t1, strlen(t1), out, 32));
	ASSERT_EQ(0, memcmp(out, k16, 16));
	ASSERT_EQ(16, mihsec_hex_decode_text(t2, strlen(t2), out, 32));
	ASSERT_EQ(0, memcmp(out, k16, 16));
	ASSERT_EQ(16, mihsec_hex_decode_text(t3, strlen(t3), out, 32));
	ASSERT_EQ(0, memcmp(out, k16, 16));
}

TEST(text_not_nul_terminated)
{
	const char t[] = "a5a5ZZ";
	uint8_t out[4];

	/* only the first 4 characters count */
	ASSERT_EQ(2, mihsec_hex_decode_text(t, 4, out, sizeof(out)));
	EXPECT_EQ(0xa5, out[0]);
	EXPECT_EQ(0xa5, out[1]);
}

TEST(text_errors)
{
	uint8_t out[4];
	static const struct {
		const char *s;
		int rc;
	} cases[] = {
		{ "", -ENODATA },
		{ " \n\t ", -ENODATA },
		{ "0x\n", -ENODATA },
		{ "0 011", -EINVAL },		/* whitespace splits an octet */
		{ "0011 key", -EINVAL },	/* trailing garbage */
		{ "# 0011", -EINVAL },		/* no comments */
		{ "0011\n0x22", -EINVAL },	/* prefix only at the start */
		{ "001", -EDOM },
		{ "0011223344", -E2BIG },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = mihsec_hex_decode_text(cases[i].s, strlen(cases[i].s),
						out, sizeof(out));

		EXPECT_EQ(cases[i].rc, rc) {
			TH_LOG("input \"%s\"", cases[i].s);
		}
	}
}

TEST(encode)
{
	char s[33];

	mihsec_hex_encode(k16, 16, s);
	EXPECT_STREQ("00112233445566778899aabbccddeeff", s);
	mihsec_hex_encode(k16, 0, s);
	EXPECT_STREQ("", s);
}

TEST(round_trip_all_octets)
{
	uint8_t in[256], out[256];
	char s[513];

	for (int i = 0; i < 256; i++)
		in[i] = (uint8_t)i;
	mihsec_hex_encode(in, sizeof(in), s);
	ASSERT_EQ(512, (int)strlen(s));
	ASSERT_EQ(256, mihsec_hex_decode(s, out, sizeof(out)));
	ASSERT_EQ(0, memcmp(in, out, sizeof(in)));
}

TEST(strerror_distinct)
{
	EXPECT_STREQ("odd number of hex digits", mihsec_hex_strerror(-EDOM));
	EXPECT_STREQ("too long", mihsec_hex_strerror(-E2BIG));
	EXPECT_STREQ("not a hex string", mihsec_hex_strerror(-EINVAL));
	EXPECT_STREQ("no hex digits", mihsec_hex_strerror(-ENODATA));
}

TEST_HARNESS_MAIN

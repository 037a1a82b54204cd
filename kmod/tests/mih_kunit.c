// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the 802.21 length codec, the MIH header and TLV walk on valid and
 * hostile input, and the MIHSec frame/unframe layout.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "../mih.h"
#include "kunit_util.h"

/* WIRE.md section 12: ODTONE's MIH_Capability_Discover.request, verbatim */
static const u8 capdisc_req[] = {
	0x18, 0x00, 0x14, 0x01, 0x00, 0x0e, 0x00, 0x18,
	0x01, 0x07, 0x06, 'o', 'd', 't', 'o', 'n', 'e',
	0x02, 0x09, 0x08, 'p', 'y', 'o', 'r', 'a', 'c', 'l', 'e',
	0x08, 0x02, 0x00, 0x01,
};

struct len_case {
	u32 len;
	u8 enc[5];
	unsigned int size;
};

static const struct len_case len_cases[] = {
	{ 0, { 0x00 }, 1 },
	{ 1, { 0x01 }, 1 },
	{ 127, { 0x7f }, 1 },
	{ 128, { 0x80 }, 1 },
	{ 129, { 0x81, 0x01 }, 2 },
	{ 202, { 0x81, 0x4a }, 2 },
	{ 383, { 0x81, 0xff }, 2 },
	{ 384, { 0x82, 0x01, 0x00 }, 3 },
	{ 65535 + 128, { 0x82, 0xff, 0xff }, 3 },
	{ 65536 + 128, { 0x83, 0x01, 0x00, 0x00 }, 4 },
	{ 0x1000000 + 128, { 0x84, 0x01, 0x00, 0x00, 0x00 }, 5 },
	{ U32_MAX, { 0x84, 0xff, 0xff, 0xff, 0x7f }, 5 },
};

static void mih_len_codec(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(len_cases); i++) {
		const struct len_case *c = &len_cases[i];
		u8 buf[5] = {};
		u32 len = 0;

		KUNIT_EXPECT_EQ(test, mih_len_size(c->len), c->size);
		KUNIT_EXPECT_EQ(test, mih_len_encode(buf, c->len), c->size);
		MIHSEC_EXPECT_MEMEQ(test, buf, c->enc, c->size);
		KUNIT_EXPECT_EQ(test, mih_len_decode(c->enc, c->size, &len),
				(int)c->size);
		KUNIT_EXPECT_EQ(test, len, c->len);
		/* one octet short never decodes */
		KUNIT_EXPECT_LT(test, mih_len_decode(c->enc, c->size - 1, &len),
				0);
	}
}

static void mih_len_hostile(struct kunit *test)
{
	static const struct {
		u8 enc[6];
		unsigned int n;
	} bad[] = {
		{ { 0x85, 1, 1, 1, 1, 1 }, 6 },		/* 5 extension octets */
		{ { 0xff }, 1 },			/* 127 extension octets */
		{ { 0x81, 0x00 }, 2 },			/* 128 written long */
		{ { 0x82, 0x00, 0xff }, 3 },		/* leading zero */
		{ { 0x84, 0x00, 0x01, 0x00, 0x00 }, 5 },/* leading zero */
		{ { 0x84, 0xff, 0xff, 0xff, 0xff }, 5 },/* overflows u32 */
		{ { 0x84, 0xff, 0xff, 0xff, 0x80 }, 5 },/* overflows u32 */
		{ { 0x82, 0x01 }, 2 },			/* truncated */
	};
	unsigned int i;
	u32 len;

	KUNIT_EXPECT_LT(test, mih_len_decode(bad[0].enc, 0, &len), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_LT_MSG(test, mih_len_decode(bad[i].enc, bad[i].n,
							 &len), 0, "case %u", i);
}

static u8 *dup_pdu(struct kunit *test, const u8 *src, unsigned int len,
		   unsigned int room)
{
	u8 *buf = kunit_kzalloc(test, len + room, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, src, len);
	return buf;
}

static void set_plen(u8 *buf, unsigned int len)
{
	put_unaligned_be16(len - MIH_HDR_LEN, buf + 6);
}

static void mih_parse_capdisc(struct kunit *test)
{
	struct mih_pdu p;

	KUNIT_ASSERT_EQ(test, mih_parse(capdisc_req, sizeof(capdisc_req), &p), 0);
	KUNIT_EXPECT_EQ(test, p.len, sizeof(capdisc_req));
	KUNIT_EXPECT_EQ(test, p.mid, 0x1401);
	KUNIT_EXPECT_EQ(test, p.tid, 14);
	KUNIT_EXPECT_EQ(test, p.octet0 & MIH_HDR_ACK_REQ, MIH_HDR_ACK_REQ);
	KUNIT_EXPECT_EQ(test, p.src_len, 6);
	MIHSEC_EXPECT_MEMEQ(test, capdisc_req + p.src_off, "odtone", 6);
	KUNIT_EXPECT_EQ(test, p.dst_len, 8);
	MIHSEC_EXPECT_MEMEQ(test, capdisc_req + p.dst_off, "pyoracle", 8);
	KUNIT_EXPECT_EQ(test, p.body_off, 28);
	KUNIT_EXPECT_FALSE(test, p.protected);
}

/* Cut the PDU at every octet (payload length kept consistent) */
static void mih_parse_truncated(struct kunit *test)
{
	unsigned int cut;
	struct mih_pdu p;
	u8 *buf;

	for (cut = 0; cut < sizeof(capdisc_req); cut++) {
		int want = (cut == 28) ? 0 : -EBADMSG;

		buf = dup_pdu(test, capdisc_req, cut, 8);
		if (cut >= MIH_HDR_LEN)
			set_plen(buf, cut);
		KUNIT_EXPECT_EQ_MSG(test, mih_parse(buf, cut, &p), want,
				    "cut at %u", cut);
	}
}

static void mih_parse_header_defects(struct kunit *test)
{
	unsigned int len = sizeof(capdisc_req);
	struct mih_pdu p;
	u8 *buf;

	buf = dup_pdu(test, capdisc_req, len, 0);
	buf[0] = (buf[0] & 0x0f) | 0x20;		/* version 2 */
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len, &p), -EBADMSG);
	buf[0] = (buf[0] & 0x0f);			/* version 0 */
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len, &p), -EBADMSG);

	buf = dup_pdu(test, capdisc_req, len, 0);
	put_unaligned_be16(len - MIH_HDR_LEN + 1, buf + 6);	/* overlong */
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len, &p), -EBADMSG);
	put_unaligned_be16(len - MIH_HDR_LEN - 1, buf + 6);	/* short */
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len, &p), -EBADMSG);
	put_unaligned_be16(0xffff, buf + 6);
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len, &p), -EBADMSG);
}

static void mih_parse_tlv_defects(struct kunit *test)
{
	unsigned int len = sizeof(capdisc_req);
	struct mih_pdu p;
	u8 *buf;

	/* TLV length runs past the end */
	buf = dup_pdu(test, capdisc_req, len, 0);
	buf[29] = 3;
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len, &p), -EBADMSG);
	/* TLV length overflows */
	buf = dup_pdu(test, capdisc_req, len, 8);
	memcpy(buf + 29, "\x84\xff\xff\xff\xff", 5);
	set_plen(buf, len + 3);
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len + 3, &p), -EBADMSG);
	/* huge but well-formed TLV length */
	buf = dup_pdu(test, capdisc_req, len, 8);
	memcpy(buf + 29, "\x84\x7f\xff\xff\xff", 5);
	set_plen(buf, len + 3);
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len + 3, &p), -EBADMSG);
	/* Source MIHF ID TLV missing (Destination first) */
	buf = dup_pdu(test, capdisc_req, len, 0);
	buf[8] = MIH_TLV_DST_ID;
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len, &p), -EBADMSG);
	/* Destination is not TLV 2 */
	buf = dup_pdu(test, capdisc_req, len, 0);
	buf[17] = 3;
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len, &p), -EBADMSG);
	/* ID string length disagrees with the TLV length */
	buf = dup_pdu(test, capdisc_req, len, 0);
	buf[10] = 5;
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len, &p), -EBADMSG);
	buf[10] = 7;
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len, &p), -EBADMSG);
	/* trailing octet after the last TLV */
	buf = dup_pdu(test, capdisc_req, len, 1);
	set_plen(buf, len + 1);
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len + 1, &p), -EBADMSG);
}

/* Build header + IDs of the given lengths (+ one Status TLV) */
static unsigned int build_pdu(u8 *buf, unsigned int src_len,
			      unsigned int dst_len)
{
	unsigned int off = MIH_HDR_LEN, n;

	memcpy(buf, "\x10\x00\x34\x07\x00\x2a\x00\x00", MIH_HDR_LEN);
	buf[off++] = MIH_TLV_SRC_ID;
	off += mih_len_encode(buf + off, mih_len_size(src_len) + src_len);
	off += mih_len_encode(buf + off, src_len);
	memset(buf + off, 's', src_len);
	off += src_len;
	buf[off++] = MIH_TLV_DST_ID;
	n = mih_len_size(dst_len);
	off += mih_len_encode(buf + off, n + dst_len);
	off += mih_len_encode(buf + off, dst_len);
	memset(buf + off, 'd', dst_len);
	off += dst_len;
	memcpy(buf + off, "\x03\x01\x00", 3);	/* Status = Success */
	off += 3;
	set_plen(buf, off);
	return off;
}

static void mih_parse_ids(struct kunit *test)
{
	static const unsigned int lens[] = { 0, 1, 127, 128, 129, 200, 253 };
	u8 *buf = kunit_kzalloc(test, 1024, GFP_KERNEL);
	unsigned int i, len;
	struct mih_pdu p;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		len = build_pdu(buf, lens[i], lens[ARRAY_SIZE(lens) - 1 - i]);
		KUNIT_ASSERT_EQ_MSG(test, mih_parse(buf, len, &p), 0,
				    "id len %u", lens[i]);
		KUNIT_EXPECT_EQ(test, p.src_len, lens[i]);
		KUNIT_EXPECT_EQ(test, p.dst_len, lens[ARRAY_SIZE(lens) - 1 - i]);
		KUNIT_EXPECT_EQ(test, p.body_off, len - 3);
	}
	/* 254 octets is one too many (802.21 section 8.3.1) */
	len = build_pdu(buf, 254, 4);
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len, &p), -EBADMSG);
	len = build_pdu(buf, 4, 254);
	KUNIT_EXPECT_EQ(test, mih_parse(buf, len, &p), -EBADMSG);
}

static const u8 test_keyid[MIHSEC_KEYID_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };

/* Frame the Capability_Discover request; returns the protected length */
static unsigned int frame_capdisc(struct kunit *test, u8 **out, u8 wflags,
				  u64 seq, struct mih_pdu *prot)
{
	unsigned int len = sizeof(capdisc_req), n;
	struct mih_pdu plain;
	u8 *buf;

	buf = dup_pdu(test, capdisc_req, len, 64);
	KUNIT_ASSERT_EQ(test, mih_parse(buf, len, &plain), 0);
	n = mihsec_frame(buf, &plain, MIHSEC_SUITE_AES128_GCM, wflags,
			 test_keyid, seq, prot);
	KUNIT_ASSERT_EQ(test, n, len + mihsec_overhead(MIHSEC_SUITE_AES128_GCM,
						       wflags, 4));
	*out = buf;
	return n;
}

static void mihsec_frame_layout(struct kunit *test)
{
	struct mih_pdu prot, p;
	unsigned int n;
	u8 *buf;

	n = frame_capdisc(test, &buf, MIHSEC_WIRE_F_ENCRYPTED, 42, &prot);
	/* 38 octets of overhead for suites 1-3 and a short body */
	KUNIT_EXPECT_EQ(test, n, sizeof(capdisc_req) + 38);
	KUNIT_ASSERT_EQ(test, mih_parse(buf, n, &p), 0);
	KUNIT_EXPECT_TRUE(test, p.protected);
	KUNIT_EXPECT_EQ(test, p.wflags, MIHSEC_WIRE_F_ENCRYPTED);
	KUNIT_EXPECT_EQ(test, p.suite, MIHSEC_SUITE_AES128_GCM);
	KUNIT_EXPECT_EQ(test, p.seq, 42);
	MIHSEC_EXPECT_MEMEQ(test, buf + p.keyid_off, test_keyid,
			    MIHSEC_KEYID_LEN);
	KUNIT_EXPECT_EQ(test, p.cbody_off, prot.cbody_off);
	KUNIT_EXPECT_EQ(test, p.cbody_len, 4);
	KUNIT_EXPECT_EQ(test, p.icv_off, n - MIHSEC_ICV_LEN);
	KUNIT_EXPECT_EQ(test, p.aad_len, 28 + 2 + 18);
	KUNIT_EXPECT_EQ(test, buf[28], MIHSEC_TLV_SECURITY);
	KUNIT_EXPECT_EQ(test, buf[n - 18], MIHSEC_TLV_INTEGRITY);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(buf + 6), n - MIH_HDR_LEN);

	/* and back */
	n = mihsec_unframe(buf, &p, p.cbody_len);
	KUNIT_EXPECT_EQ(test, n, sizeof(capdisc_req));
	MIHSEC_EXPECT_MEMEQ(test, buf, capdisc_req, n);
}

static void mihsec_frame_long_body(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, 1024, GFP_KERNEL);
	struct mih_pdu plain, prot, p;
	unsigned int len, n, vl = 396;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = build_pdu(buf, 3, 3) - 3;
	buf[len] = 43;			/* one TLV of 1 + 3 + 396 octets */
	len += 1 + mih_len_encode(buf + len + 1, vl);
	memset(buf + len, 0xab, vl);
	len += vl;
	set_plen(buf, len);
	KUNIT_ASSERT_EQ(test, mih_parse(buf, len, &plain), 0);
	n = mihsec_frame(buf, &plain, MIHSEC_SUITE_AES128_GCM, 0, test_keyid,
			 MIHSEC_SEQ_MAX, &prot);
	KUNIT_ASSERT_EQ(test, mih_parse(buf, n, &p), 0);
	KUNIT_EXPECT_EQ(test, p.seq, MIHSEC_SEQ_MAX);
	KUNIT_EXPECT_EQ(test, p.cbody_len, 400);
	KUNIT_EXPECT_EQ(test, len - plain.body_off, 400);
	KUNIT_EXPECT_EQ(test, buf[plain.body_off + 1], 0x82);	/* 3-octet len */
	n = mihsec_unframe(buf, &p, p.cbody_len);
	KUNIT_EXPECT_EQ(test, n, len);
	KUNIT_EXPECT_EQ(test, mih_parse(buf, n, &p), 0);
}

/* Every defect of the protected layout is malformed (PROTOCOL.md 5.1) */
static void mihsec_parse_hostile(struct kunit *test)
{
	struct mih_pdu prot, p;
	unsigned int n, sec;
	u8 *buf, *bad;

	n = frame_capdisc(test, &buf, MIHSEC_WIRE_F_ENCRYPTED, 7, &prot);
	sec = prot.keyid_off - 2;			/* flags octet */
	KUNIT_ASSERT_EQ(test, mih_parse(buf, n, &p), 0);

#define EXPECT_BAD(what, len) \
	KUNIT_EXPECT_EQ_MSG(test, mih_parse(bad, len, &p), -EBADMSG, what)

	bad = dup_pdu(test, buf, n, 32);
	bad[sec] |= 0x04;
	EXPECT_BAD("reserved flag bit", n);
	bad[sec] = 0x80 | MIHSEC_WIRE_F_ENCRYPTED;
	EXPECT_BAD("reserved flag bit 7", n);

	bad = dup_pdu(test, buf, n, 32);
	bad[sec + 1] = 0;
	EXPECT_BAD("suite 0", n);
	bad[sec + 1] = 5;
	EXPECT_BAD("suite 5", n);

	bad = dup_pdu(test, buf, n, 32);
	put_unaligned_be64(0, bad + sec + 2 + MIHSEC_KEYID_LEN);
	EXPECT_BAD("sequence 0", n);
	put_unaligned_be64(MIHSEC_SEQ_MAX + 1, bad + sec + 2 + MIHSEC_KEYID_LEN);
	EXPECT_BAD("sequence 2^63 + 1", n);
	put_unaligned_be64(U64_MAX, bad + sec + 2 + MIHSEC_KEYID_LEN);
	EXPECT_BAD("sequence 2^64 - 1", n);

	/* Integrity TLV missing: Security TLV alone */
	bad = dup_pdu(test, buf, n, 32);
	set_plen(bad, n - 18);
	EXPECT_BAD("integrity TLV missing", n - 18);
	/* Integrity TLV alone (Security TLV turned into another type) */
	bad = dup_pdu(test, buf, n, 32);
	bad[28] = 43;
	EXPECT_BAD("security TLV missing", n);
	/* Integrity TLV of the wrong length */
	bad = dup_pdu(test, buf, n, 32);
	bad[n - 17] = 15;
	set_plen(bad, n - 1);
	EXPECT_BAD("ICV 15 octets", n - 1);
	/* Integrity TLV not last */
	bad = dup_pdu(test, buf, n, 32);
	memcpy(bad + n, "\x03\x01\x00", 3);
	set_plen(bad, n + 3);
	EXPECT_BAD("integrity TLV not last", n + 3);
	/* a TLV between the IDs and the Security TLV */
	bad = dup_pdu(test, buf, 28, 128);
	memcpy(bad + 28, "\x03\x01\x00", 3);
	memcpy(bad + 31, buf + 28, n - 28);
	set_plen(bad, n + 3);
	EXPECT_BAD("TLV before security TLV", n + 3);
	/* two Integrity TLVs */
	bad = dup_pdu(test, buf, n, 32);
	memcpy(bad + n, buf + n - 18, 18);
	set_plen(bad, n + 18);
	EXPECT_BAD("duplicated integrity TLV", n + 18);
	/* Security TLV shorter than its fixed fields */
	bad = dup_pdu(test, buf, 28, 64);
	memcpy(bad + 28, "\xc8\x11", 2);
	memset(bad + 30, 0, 17);
	memcpy(bad + 47, buf + n - 18, 18);
	set_plen(bad, 65);
	EXPECT_BAD("security TLV 17 octets", 65);
#undef EXPECT_BAD
}

static struct kunit_case mih_cases[] = {
	KUNIT_CASE(mih_len_codec),
	KUNIT_CASE(mih_len_hostile),
	KUNIT_CASE(mih_parse_capdisc),
	KUNIT_CASE(mih_parse_truncated),
	KUNIT_CASE(mih_parse_header_defects),
	KUNIT_CASE(mih_parse_tlv_defects),
	KUNIT_CASE(mih_parse_ids),
	KUNIT_CASE(mihsec_frame_layout),
	KUNIT_CASE(mihsec_frame_long_body),
	KUNIT_CASE(mihsec_parse_hostile),
	{}
};

static struct kunit_suite mih_suite = {
	.name = "mihsec_mih",
	.test_cases = mih_cases,
};

kunit_test_suite(mih_suite);

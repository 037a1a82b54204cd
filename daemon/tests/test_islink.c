// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the AR -> IS server key delivery link (mihf/islink.c,
 * PROTOCOL.md 2.3).
 *
 * Codec: MIHSec_Key_Push request/response and MIHSec_IS_Epoch round trips,
 * and every malformed case (wrong TLV order, wrong lengths, missing and
 * extra TLVs, bad header fields, oversize PDUs) ends in a clean error;
 * the stream framing.
 *
 * Link: both ends on one event loop over loopback TCP with certificates
 * the test generates at run time (openssl CLI into a mkdtemp directory): a
 * CA, "ar1"/"ar2"/"is1" certificates with URI SANs "mihf:<id>", a rogue CA
 * with its own "ar1"/"is1", right-CA certificates for other IDs ("ar9",
 * "is2") and one with a DNS SAN instead of the URI SAN.  A push installs
 * exactly the SA the test derives itself; duplicates and conflicts; every
 * kind of wrong peer is refused; an IS restart fires the epoch callback once
 * and nothing is re-pushed; reconnection backs off.  The loop runs until a
 * condition holds (checked by a loop timer) or a deadline passes: no sleeps.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "kselftest_harness.h"

#include "lib/kdf.h"
#include "lib/mih.h"
#include "mihf/islink.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

#define MS		MD_NSEC_PER_MSEC
#define DEADLINE_MS	8000

static const uint8_t MAC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static void fill(uint8_t *b, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + 7 * i);
}

/* ======================================================================
 * Codec
 * ====================================================================== */

static int enc_push(uint8_t *buf, size_t size, const uint8_t *key)
{
	struct md_islink_push_msg m = {
		.tid = 0x123,
		.src_id = (const uint8_t *)"ar1", .src_id_len = 3,
		.dst_id = (const uint8_t *)"is1", .dst_id_len = 3,
		.mmt_id = (const uint8_t *)"mmt1@example.net", .mmt_id_len = 16,
		.profile = MIHSEC_KDF_V1, .suite = 1,
		.key = key, .lifetime = 0x01020304,
	};

	memcpy(m.mac_mmt, MAC, 6);
	return md_islink_push_encode(buf, size, &m);
}

TEST(push_round_trip)
{
	uint8_t key[32], buf[MD_ISLINK_PDU_MAX], again[MD_ISLINK_PDU_MAX];
	struct md_islink_push_msg m;
	const char *why = "x";
	struct mih_pdu pdu;
	int len, len2;

	fill(key, sizeof(key), 1);
	len = enc_push(buf, sizeof(buf), key);
	ASSERT_GT(len, 0);
	ASSERT_EQ(0, mih_pdu_parse(buf, len, &pdu));
	EXPECT_EQ(MIH_MID(1, MIH_OP_REQUEST, 1000), mih_hdr_mid(&pdu.hdr));
	/* 8 + ids 6 + 6 + mac 8 + id 2+17 + prof 4 + key 34 + life 6 */
	EXPECT_EQ(8 + 6 + 6 + 8 + 19 + 4 + 34 + 6, len);
	ASSERT_EQ(0, md_islink_push_decode(buf, len, &m, &why));
	EXPECT_EQ(NULL, why);
	EXPECT_EQ(0x123, m.tid);
	EXPECT_EQ(3u, m.src_id_len);
	EXPECT_EQ(0, memcmp(m.src_id, "ar1", 3));
	EXPECT_EQ(0, memcmp(m.dst_id, "is1", 3));
	EXPECT_EQ(0, memcmp(m.mac_mmt, MAC, 6));
	EXPECT_EQ(16u, m.mmt_id_len);
	EXPECT_EQ(0, memcmp(m.mmt_id, "mmt1@example.net", 16));
	EXPECT_EQ(MIHSEC_KDF_V1, m.profile);
	EXPECT_EQ(1, m.suite);
	EXPECT_EQ(0, memcmp(m.key, key, 32));
	EXPECT_EQ(0x01020304u, m.lifetime);
	/* TLV order on the wire: 202 203 204 205 206 after the IDs */
	EXPECT_EQ(202, pdu.body[0]);
	EXPECT_EQ(203, pdu.body[8]);
	EXPECT_EQ(204, pdu.body[8 + 19]);
	EXPECT_EQ(205, pdu.body[8 + 19 + 4]);
	EXPECT_EQ(206, pdu.body[8 + 19 + 4 + 34]);
	len2 = md_islink_push_encode(again, sizeof(again), &m);
	ASSERT_EQ(len, len2);
	EXPECT_EQ(0, memcmp(buf, again, len));
}

TEST(push_paper_and_long_ids_round_trip)
{
	uint8_t key[32], buf[MD_ISLINK_PDU_MAX], id[253];
	struct md_islink_push_msg m = {
		.tid = 0xfff, .src_id = id, .src_id_len = 253,
		.dst_id = id, .dst_id_len = 253, .mmt_id = id,
		.mmt_id_len = 253, .profile = MIHSEC_KDF_PAPER, .suite = 4,
		.key = key,
	}, d;
	int len;

	memset(id, 'a', sizeof(id));
	fill(key, sizeof(key), 9);
	len = md_islink_push_encode(buf, sizeof(buf), &m);
	ASSERT_GT(len, 0);
	ASSERT_EQ(0, md_islink_push_decode(buf, len, &d, NULL));
	EXPECT_EQ(253u, d.mmt_id_len);
	EXPECT_EQ(MIHSEC_KDF_PAPER, d.profile);
	EXPECT_EQ(4, d.suite);
	EXPECT_EQ(0u, d.lifetime);
	EXPECT_EQ(0xfff, d.tid);
}

TEST(encode_refuses_bad_fields)
{
	uint8_t key[32] = { 0 }, buf[MD_ISLINK_PDU_MAX];
	struct md_islink_push_msg m = {
		.src_id = (const uint8_t *)"ar1", .src_id_len = 3,
		.dst_id = (const uint8_t *)"is1", .dst_id_len = 3,
		.mmt_id = (const uint8_t *)"m", .mmt_id_len = 1,
		.profile = 1, .suite = 1, .key = key,
	};
	struct md_islink_rsp_msg r = {
		.src_id = (const uint8_t *)"is1", .src_id_len = 3,
		.dst_id = (const uint8_t *)"ar1", .dst_id_len = 3,
	};

	ASSERT_GT(md_islink_push_encode(buf, sizeof(buf), &m), 0);
	EXPECT_EQ(-ENOSPC, md_islink_push_encode(buf, 40, &m));
	m.tid = 0x1000;
	EXPECT_EQ(-EINVAL, md_islink_push_encode(buf, sizeof(buf), &m));
	m.tid = 1;
	m.mmt_id_len = 0;
	EXPECT_EQ(-EINVAL, md_islink_push_encode(buf, sizeof(buf), &m));
	m.mmt_id_len = 254;
	EXPECT_EQ(-EINVAL, md_islink_push_encode(buf, sizeof(buf), &m));
	m.mmt_id_len = 1;
	m.profile = MIHSEC_KDF_PAPER;	/* paper allows suite 4 only */
	EXPECT_EQ(-EINVAL, md_islink_push_encode(buf, sizeof(buf), &m));
	m.profile = 3;
	EXPECT_EQ(-EINVAL, md_islink_push_encode(buf, sizeof(buf), &m));
	m.profile = 1;
	m.src_id_len = 0;
	EXPECT_EQ(-EINVAL, md_islink_push_encode(buf, sizeof(buf), &m));
	r.status = 6;
	EXPECT_EQ(-EINVAL, md_islink_rsp_encode(buf, sizeof(buf), &r));
	r.status = 2;
	EXPECT_GT(md_islink_rsp_encode(buf, sizeof(buf), &r), 0);
}

/* A push PDU from pieces, to build every malformed variant */
struct tlvspec {
	uint8_t type;
	const void *val;
	uint32_t len;
	bool ostr;		/* value is an OCTET_STRING */
};

static int build(uint8_t *buf, size_t size, const struct mih_hdr *h,
		 const struct tlvspec *t, int n)
{
	struct mih_builder b;
	size_t len;
	int i;

	mih_builder_init(&b, buf, size);
	mih_build_hdr(&b, h);
	mih_build_ids(&b, "ar1", 3, "is1", 3);
	for (i = 0; i < n; i++) {
		if (t[i].ostr)
			mih_build_tlv_octet_string(&b, t[i].type, t[i].val,
						   t[i].len);
		else
			mih_build_tlv(&b, t[i].type, t[i].val, t[i].len);
	}
	if (mih_build_finish(&b, &len))
		return -1;
	return (int)len;
}

static const uint8_t KEY0[33], LIFE[4] = { 0, 0, 1, 0 };
static const uint8_t PS_V1[2] = { 1, 1 }, PS_BAD[2] = { 3, 1 },
		     PS_PAPER1[2] = { 2, 1 }, PS_V1S5[2] = { 1, 5 };

#define T_MAC	{ 202, MAC, 6, false }
#define T_ID	{ 203, "mmt1", 4, true }
#define T_PS	{ 204, PS_V1, 2, false }
#define T_KEY	{ 205, KEY0, 32, false }
#define T_LIFE	{ 206, LIFE, 4, false }

struct bad_case {
	const char *name;
	struct tlvspec t[8];
	int n;
	const char *why;	/* substring of the reason */
};

static const struct bad_case bad_cases[] = {
	{ "valid", { T_MAC, T_ID, T_PS, T_KEY, T_LIFE }, 5, NULL },
	{ "order 203 before 202", { T_ID, T_MAC, T_PS, T_KEY, T_LIFE }, 5,
	  "unexpected TLV" },
	{ "order 206 before 205", { T_MAC, T_ID, T_PS, T_LIFE, T_KEY }, 5,
	  "unexpected TLV" },
	{ "missing 202", { T_ID, T_PS, T_KEY, T_LIFE }, 4, "unexpected TLV" },
	{ "missing 204", { T_MAC, T_ID, T_KEY, T_LIFE }, 4, "unexpected TLV" },
	{ "missing 206", { T_MAC, T_ID, T_PS, T_KEY }, 4, "missing" },
	{ "no TLV at all", { }, 0, "missing" },
	{ "extra TLV after 206",
	  { T_MAC, T_ID, T_PS, T_KEY, T_LIFE, { 207, LIFE, 4, false } }, 6,
	  "extra TLV" },
	{ "206 twice", { T_MAC, T_ID, T_PS, T_KEY, T_LIFE, T_LIFE }, 6,
	  "extra TLV" },
	{ "Status TLV in a request",
	  { { 3, LIFE, 1, false }, T_MAC, T_ID, T_PS, T_KEY, T_LIFE }, 6,
	  "unexpected TLV" },
	{ "MAC 5 octets", { { 202, MAC, 5, false }, T_ID, T_PS, T_KEY, T_LIFE },
	  5, "wrong length" },
	{ "MAC 7 octets", { { 202, KEY0, 7, false }, T_ID, T_PS, T_KEY,
	  T_LIFE }, 5, "wrong length" },
	{ "key 31 octets", { T_MAC, T_ID, T_PS, { 205, KEY0, 31, false },
	  T_LIFE }, 5, "wrong length" },
	{ "key 33 octets", { T_MAC, T_ID, T_PS, { 205, KEY0, 33, false },
	  T_LIFE }, 5, "wrong length" },
	{ "lifetime 3 octets", { T_MAC, T_ID, T_PS, T_KEY,
	  { 206, LIFE, 3, false } }, 5, "wrong length" },
	{ "profile 1 octet", { T_MAC, T_ID, { 204, PS_V1, 1, false }, T_KEY,
	  T_LIFE }, 5, "wrong length" },
	{ "unknown profile", { T_MAC, T_ID, { 204, PS_BAD, 2, false }, T_KEY,
	  T_LIFE }, 5, "profile" },
	{ "paper with suite 1", { T_MAC, T_ID, { 204, PS_PAPER1, 2, false },
	  T_KEY, T_LIFE }, 5, "profile" },
	{ "v1 with suite 5", { T_MAC, T_ID, { 204, PS_V1S5, 2, false },
	  T_KEY, T_LIFE }, 5, "profile" },
	{ "MMT ID not an OCTET_STRING", { T_MAC, { 203, "mmt1", 4, false },
	  T_PS, T_KEY, T_LIFE }, 5, "MIHF ID" },
	{ "empty MMT ID", { T_MAC, { 203, "", 0, true }, T_PS, T_KEY, T_LIFE },
	  5, "empty" },
};

TEST(push_malformed_tlvs)
{
	struct mih_hdr h = {
		.version = 1, .sid = 1, .opcode = MIH_OP_REQUEST, .aid = 1000,
		.tid = 5,
	};
	uint8_t buf[MD_ISLINK_PDU_MAX];
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct md_islink_push_msg m;
		const char *why = NULL;
		int len = build(buf, sizeof(buf), &h, c->t, c->n), err;

		ASSERT_GT(len, 0) TH_LOG("%s: build", c->name);
		err = md_islink_push_decode(buf, len, &m, &why);
		if (!c->why) {
			EXPECT_EQ(0, err) TH_LOG("%s: %s", c->name, why);
			continue;
		}
		EXPECT_EQ(-EBADMSG, err) TH_LOG("%s", c->name);
		ASSERT_NE(NULL, why) TH_LOG("%s", c->name);
		EXPECT_NE(NULL, strstr(why, c->why))
			TH_LOG("%s: reason \"%s\", wanted \"%s\"", c->name, why,
			       c->why);
	}
}

TEST(push_malformed_header_and_framing)
{
	static const struct tlvspec ok[] = { T_MAC, T_ID, T_PS, T_KEY, T_LIFE };
	struct mih_hdr h0 = {
		.version = 1, .sid = 1, .opcode = MIH_OP_REQUEST, .aid = 1000,
	}, h;
	uint8_t buf[2 * MD_ISLINK_PDU_MAX];
	struct md_islink_push_msg m;
	const char *why;
	int len;

	len = build(buf, sizeof(buf), &h0, ok, 5);
	ASSERT_GT(len, 0);
	ASSERT_EQ(0, md_islink_push_decode(buf, len, &m, &why));
	/* one octet short, one too many, header only, nothing */
	EXPECT_EQ(-EBADMSG, md_islink_push_decode(buf, len - 1, &m, &why));
	buf[len] = 0;
	EXPECT_EQ(-EBADMSG, md_islink_push_decode(buf, len + 1, &m, &why));
	EXPECT_EQ(-EBADMSG, md_islink_push_decode(buf, 8, &m, &why));
	EXPECT_EQ(-EBADMSG, md_islink_push_decode(buf, 5, &m, &why));
	EXPECT_EQ(-EBADMSG, md_islink_push_decode(buf, 0, &m, &why));
	/* oversize: a clean error before anything is parsed */
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(-EMSGSIZE, md_islink_push_decode(buf, MD_ISLINK_PDU_MAX + 1,
						   &m, &why));

	/* header fields */
#define HDR_CASE(field, val, reason) do {				\
		h = h0;							\
		h.field = (val);					\
		len = build(buf, sizeof(buf), &h, ok, 5);		\
		ASSERT_GT(len, 0);					\
		why = NULL;						\
		EXPECT_EQ(-EBADMSG,					\
			  md_islink_push_decode(buf, len, &m, &why))	\
			TH_LOG(#field " = " #val);			\
		ASSERT_NE(NULL, why);					\
		EXPECT_NE(NULL, strstr(why, reason)) TH_LOG("%s", why); \
	} while (0)
	HDR_CASE(version, 2, "version");
	HDR_CASE(opcode, MIH_OP_RESPONSE, "message identifier");
	HDR_CASE(opcode, MIH_OP_INDICATION, "message identifier");
	HDR_CASE(aid, 1001, "message identifier");
	HDR_CASE(sid, 4, "message identifier");
	HDR_CASE(ack_req, true, "flags");
	HDR_CASE(ack_rsp, true, "flags");
	HDR_CASE(uir, true, "flags");
	HDR_CASE(more, true, "flags");
	HDR_CASE(fn, 1, "flags");
	HDR_CASE(rsvd2, 1, "flags");
#undef HDR_CASE
}

TEST(response_and_epoch_round_trip_and_malformed)
{
	struct md_islink_rsp_msg r = {
		.tid = 0x7a, .src_id = (const uint8_t *)"is1", .src_id_len = 3,
		.dst_id = (const uint8_t *)"ar1", .dst_id_len = 3, .status = 2,
	}, rd;
	struct md_islink_epoch_msg e = {
		.tid = 1, .src_id = (const uint8_t *)"is1", .src_id_len = 3,
		.dst_id = (const uint8_t *)"ar1", .dst_id_len = 3,
		.epoch = { 1, 2, 3, 4, 5, 6, 7, 8 },
	}, ed;
	struct mih_hdr h = { .version = 1, .sid = 1, .aid = 1000,
			     .opcode = MIH_OP_RESPONSE };
	uint8_t buf[MD_ISLINK_PDU_MAX], st = 0, st6 = 6, ep[9] = { 0 };
	struct md_islink_push_msg pm;
	struct mih_pdu pdu;
	const char *why;
	int len;

	len = md_islink_rsp_encode(buf, sizeof(buf), &r);
	ASSERT_EQ(8 + 6 + 6 + 3, len);
	ASSERT_EQ(0, mih_pdu_parse(buf, len, &pdu));
	EXPECT_EQ(MIH_MID(1, MIH_OP_RESPONSE, 1000), mih_hdr_mid(&pdu.hdr));
	EXPECT_EQ(3, pdu.body[0]);	/* Status first */
	ASSERT_EQ(0, md_islink_rsp_decode(buf, len, &rd, &why));
	EXPECT_EQ(0x7a, rd.tid);
	EXPECT_EQ(2, rd.status);
	/* a response is not a push, an epoch not a response */
	EXPECT_EQ(-EBADMSG, md_islink_push_decode(buf, len, &pm, &why));
	len = md_islink_epoch_encode(buf, sizeof(buf), &e);
	ASSERT_EQ(8 + 6 + 6 + 10, len);
	ASSERT_EQ(0, mih_pdu_parse(buf, len, &pdu));
	EXPECT_EQ(MIH_MID(1, MIH_OP_INDICATION, 1001), mih_hdr_mid(&pdu.hdr));
	EXPECT_EQ(209, pdu.body[0]);
	ASSERT_EQ(0, md_islink_epoch_decode(buf, len, &ed, &why));
	EXPECT_EQ(0, memcmp(ed.epoch, e.epoch, 8));
	EXPECT_EQ(-EBADMSG, md_islink_rsp_decode(buf, len, &rd, &why));

	/* malformed responses */
	if (true) {
		struct tlvspec ok[] = { { 3, &st, 1, false } },
			bad6[] = { { 3, &st6, 1, false } },
			len2[] = { { 3, LIFE, 2, false } },
			extra[] = { { 3, &st, 1, false }, { 3, &st, 1, false } },
			other[] = { { 209, ep, 8, false } };

		len = build(buf, sizeof(buf), &h, ok, 1);
		EXPECT_EQ(0, md_islink_rsp_decode(buf, len, &rd, &why));
		len = build(buf, sizeof(buf), &h, bad6, 1);
		EXPECT_EQ(-EBADMSG, md_islink_rsp_decode(buf, len, &rd, &why));
		len = build(buf, sizeof(buf), &h, len2, 1);
		EXPECT_EQ(-EBADMSG, md_islink_rsp_decode(buf, len, &rd, &why));
		len = build(buf, sizeof(buf), &h, extra, 2);
		EXPECT_EQ(-EBADMSG, md_islink_rsp_decode(buf, len, &rd, &why));
		len = build(buf, sizeof(buf), &h, other, 1);
		EXPECT_EQ(-EBADMSG, md_islink_rsp_decode(buf, len, &rd, &why));
		len = build(buf, sizeof(buf), &h, NULL, 0);
		EXPECT_EQ(-EBADMSG, md_islink_rsp_decode(buf, len, &rd, &why));
	}
	/* malformed epochs */
	if (true) {
		struct tlvspec ok[] = { { 209, ep, 8, false } },
			short7[] = { { 209, ep, 7, false } },
			long9[] = { { 209, ep, 9, false } },
			extra[] = { { 209, ep, 8, false }, { 3, &st, 1, false } };

		h.opcode = MIH_OP_INDICATION;
		h.aid = 1001;
		len = build(buf, sizeof(buf), &h, ok, 1);
		EXPECT_EQ(0, md_islink_epoch_decode(buf, len, &ed, &why));
		len = build(buf, sizeof(buf), &h, short7, 1);
		EXPECT_EQ(-EBADMSG, md_islink_epoch_decode(buf, len, &ed, &why));
		len = build(buf, sizeof(buf), &h, long9, 1);
		EXPECT_EQ(-EBADMSG, md_islink_epoch_decode(buf, len, &ed, &why));
		len = build(buf, sizeof(buf), &h, extra, 2);
		EXPECT_EQ(-EBADMSG, md_islink_epoch_decode(buf, len, &ed, &why));
		len = build(buf, sizeof(buf), &h, NULL, 0);
		EXPECT_EQ(-EBADMSG, md_islink_epoch_decode(buf, len, &ed, &why));
		h.aid = 1000;
		len = build(buf, sizeof(buf), &h, ok, 1);
		EXPECT_EQ(-EBADMSG, md_islink_epoch_decode(buf, len, &ed, &why));
	}
}

TEST(stream_framing)
{
	uint8_t key[32] = { 0 }, buf[2 * MD_ISLINK_PDU_MAX];
	int len = enc_push(buf, sizeof(buf), key), i;

	ASSERT_GT(len, 0);
	for (i = 0; i < len; i++)
		EXPECT_EQ(0, md_islink_frame(buf, i)) TH_LOG("%d octets", i);
	EXPECT_EQ(len, md_islink_frame(buf, len));
	EXPECT_EQ(len, md_islink_frame(buf, len + 5));	/* next one follows */
	/* a header announcing more than the link allows: refused at once */
	buf[6] = (MD_ISLINK_PDU_MAX - 8 + 1) >> 8;
	buf[7] = (MD_ISLINK_PDU_MAX - 8 + 1) & 0xff;
	EXPECT_EQ(-EMSGSIZE, md_islink_frame(buf, 8));
	buf[6] = buf[7] = 0xff;
	EXPECT_EQ(-EMSGSIZE, md_islink_frame(buf, 8));
	buf[6] = (MD_ISLINK_PDU_MAX - 8) >> 8;
	buf[7] = (MD_ISLINK_PDU_MAX - 8) & 0xff;
	EXPECT_EQ(0, md_islink_frame(buf, 8));
	EXPECT_EQ(MD_ISLINK_PDU_MAX, md_islink_frame(buf, MD_ISLINK_PDU_MAX));
}

/* ======================================================================
 * The link over loopback
 * ====================================================================== */

/* Certificates: name, signing CA, SAN */
static const char *const certs[][3] = {
	{ "ar1", "ca", "URI:mihf:ar1" },
	{ "ar2", "ca", "URI:mihf:ar2" },
	{ "is1", "ca", "URI:mihf:is1" },
	{ "ar9", "ca", "URI:mihf:ar9" },		/* right CA, other ID */
	{ "is2", "ca", "URI:mihf:is2" },
	{ "ar1dns", "ca", "DNS:ar1" },			/* not the URI SAN */
	{ "ar1prefix", "ca", "URI:mihf:ar1x" },	/* prefix of another ID */
	{ "rogue_ar1", "rogue", "URI:mihf:ar1" },	/* other CA */
	{ "rogue_is1", "rogue", "URI:mihf:is1" },
};

static int sh(const char *dir, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int sh(const char *dir, const char *fmt, ...)
{
	char cmd[2048];
	int n;
	va_list ap;

	n = snprintf(cmd, sizeof(cmd), "cd '%s' && { ", dir);
	va_start(ap, fmt);
	n += vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	va_end(ap);
	snprintf(cmd + n, sizeof(cmd) - n, "; } >/dev/null 2>&1");
	return system(cmd);
}

static int make_certs(const char *dir)
{
	static const char *const cas[] = { "ca", "rogue" };
	size_t i;

	for (i = 0; i < 2; i++)
		if (sh(dir, "openssl req -x509 -newkey ec -pkeyopt "
		       "ec_paramgen_curve:P-256 -nodes -keyout %s.key -out "
		       "%s.pem -days 2 -subj /CN=%s-test-ca -addext "
		       "basicConstraints=critical,CA:TRUE -addext "
		       "keyUsage=critical,keyCertSign,cRLSign", cas[i], cas[i],
		       cas[i]))
			return -1;
	for (i = 0; i < sizeof(certs) / sizeof(certs[0]); i++)
		if (sh(dir, "printf 'basicConstraints=CA:FALSE\\n"
		       "extendedKeyUsage=serverAuth,clientAuth\\n"
		       "subjectAltName=%s\\n' > %s.ext && "
		       "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
		       "-nodes -keyout %s.key -out %s.csr -subj /CN=%s && "
		       "openssl x509 -req -in %s.csr -CA %s.pem -CAkey %s.key "
		       "-CAcreateserial -days 2 -extfile %s.ext -out %s.pem",
		       certs[i][2], certs[i][0], certs[i][0], certs[i][0],
		       certs[i][0], certs[i][0], certs[i][1], certs[i][1],
		       certs[i][0], certs[i][0]))
			return -1;
	return 0;
}

struct rec {
	struct md_loop *loop;
	/* installer */
	int installs;
	int install_ret;
	struct mihsec_sa_cfg cfg;
	char ar_id[64];
	uint8_t mac[6];
	uint8_t profile, suite;
	uint32_t lifetime;
	/* pushes */
	int done_n;
	int status[16];
	/* epoch callback */
	int epoch_n;
	uint8_t old_epoch[8], new_epoch[8];
	int events[32];		/* 'E' epoch, 'D' done, in order */
	int nev;
	/* state */
	int ups, connecting;
	uint64_t connecting_at[64];
};

static int installer(void *arg, const struct md_islink_install *in)
{
	struct rec *r = arg;

	r->installs++;
	memcpy(&r->cfg, in->cfg, sizeof(r->cfg));
	snprintf(r->ar_id, sizeof(r->ar_id), "%.*s", (int)in->ar_id_len,
		 (const char *)in->ar_id);
	memcpy(r->mac, in->mac_mmt, 6);
	r->profile = in->profile;
	r->suite = in->suite;
	r->lifetime = in->lifetime;
	return r->install_ret;
}

static void on_done(void *arg, int status)
{
	struct rec *r = arg;

	if (r->done_n < 16)
		r->status[r->done_n] = status;
	r->done_n++;
	if (r->nev < 32)
		r->events[r->nev++] = 'D';
}

static void on_epoch(void *arg, const uint8_t *old, const uint8_t *new)
{
	struct rec *r = arg;

	r->epoch_n++;
	memcpy(r->old_epoch, old, 8);
	memcpy(r->new_epoch, new, 8);
	if (r->nev < 32)
		r->events[r->nev++] = 'E';
}

static void on_state(void *arg, enum md_islink_state s)
{
	struct rec *r = arg;

	if (s == MD_ISLINK_UP)
		r->ups++;
	if (s == MD_ISLINK_CONNECTING) {
		if (r->connecting < 64)
			r->connecting_at[r->connecting] = md_now_ns();
		r->connecting++;
	}
}

/* Run the loop until @cond(@arg) holds (true) or DEADLINE_MS passed */
struct waiter {
	bool (*cond)(void *);
	void *arg;
	bool met;
};

static void check_cond(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct waiter *w = arg;

	(void)t;
	if (w->cond(w->arg)) {
		w->met = true;
		md_loop_stop(loop, 0);
	}
}

static void deadline(struct md_loop *loop, struct md_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	md_loop_stop(loop, 1);
}

static bool run_until(struct md_loop *loop, bool (*cond)(void *), void *arg,
		      uint64_t ms)
{
	struct waiter w = { cond, arg, false };
	struct md_timer *c, *d;

	if (cond(arg))
		return true;
	c = md_timer_add(loop, MS, MS, check_cond, &w);
	d = md_timer_add(loop, ms * MS, 0, deadline, NULL);
	md_loop_run(loop);
	md_timer_cancel(loop, c);
	if (w.met)
		md_timer_cancel(loop, d);
	else
		return false;	/* the deadline timer fired and is gone */
	return true;
}

FIXTURE(link) {
	char dir[64];
	char path[32][160];
	int npath;
	struct md_loop *loop;
	uint16_t port;
	struct rec r;		/* the IS server's installer + AR callbacks */
	struct md_islink_is *is;
	struct md_islink_ar *ar;
	const char *ar_ids[2];
	uint8_t msk[32];
	size_t dup_max, conn_max;	/* for start_is(); 0: defaults */
};

static const char *P(FIXTURE_DATA(link) *self, const char *name,
		     const char *ext)
{
	char *p = self->path[self->npath++ % 32];

	char tmp[sizeof(self->path[0])];

	snprintf(tmp, sizeof(tmp), "%s/%s.%s", self->dir, name, ext);
	memcpy(p, tmp, sizeof(tmp));
	return p;
}

static uint16_t free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t port = 0;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &l))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static int start_is(FIXTURE_DATA(link) *self, const char *cert,
		    const char *ca, bool paper)
{
	struct md_islink_is_cfg c = {
		.id = (const uint8_t *)"is1", .id_len = 3,
		.listen_addr = "127.0.0.1", .port = self->port,
		.tls = { P(self, cert, "pem"), P(self, cert, "key"),
			 P(self, ca, "pem") },
		.ar_ids = self->ar_ids, .n_ar_ids = 2,
		.dup_max = self->dup_max, .conn_max = self->conn_max,
	};

	if (paper) {
		c.paper_addr[0] = 127;
		c.paper_addr[3] = 1;
		c.paper_addr_len = 4;
	}
	return md_islink_is_start(self->loop, &c, installer, &self->r,
				  &self->is);
}

static int start_ar_as(FIXTURE_DATA(link) *self, const char *id,
		       const char *cert, const char *ca, uint32_t bmin,
		       uint32_t bmax, struct md_islink_ar **out)
{
	struct md_islink_ar_cfg c = {
		.id = (const uint8_t *)id, .id_len = strlen(id),
		.is_id = (const uint8_t *)"is1", .is_id_len = 3,
		.is_addr = "127.0.0.1", .port = self->port,
		.tls = { cert ? P(self, cert, "pem") : NULL,
			 cert ? P(self, cert, "key") : NULL,
			 P(self, ca, "pem") },
		.backoff_min_ms = bmin, .backoff_max_ms = bmax,
	};
	struct md_islink_ar_cbs cbs = {
		.epoch = on_epoch, .state = on_state, .arg = &self->r,
	};

	return md_islink_ar_start(self->loop, &c, &cbs, out);
}

static int start_ar(FIXTURE_DATA(link) *self, const char *cert,
		    const char *ca)
{
	return start_ar_as(self, "ar1", cert, ca, 20, 200, &self->ar);
}

FIXTURE_SETUP(link)
{
	memset(&self->r, 0, sizeof(self->r));
	snprintf(self->dir, sizeof(self->dir), "/tmp/test_islink.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, make_certs(self->dir)) TH_LOG("openssl CLI failed");
	md_log_open(stderr);
	md_log_set_level(getenv("ISLINK_DEBUG") ? MD_LOG_DEBUG : MD_LOG_ERR);
	self->loop = md_loop_new();
	ASSERT_NE(NULL, self->loop);
	self->r.loop = self->loop;
	self->port = free_port();
	ASSERT_NE(0, self->port);
	self->ar_ids[0] = "ar1";
	self->ar_ids[1] = "ar2";
	fill(self->msk, sizeof(self->msk), 0x42);
}

FIXTURE_TEARDOWN(link)
{
	md_islink_ar_stop(self->ar);
	md_islink_is_stop(self->is);
	md_loop_free(self->loop);
	sh("/", "rm -rf '%s'", self->dir);
}

static bool done_ge1(void *a) { return ((struct rec *)a)->done_n >= 1; }
static bool done_ge2(void *a) { return ((struct rec *)a)->done_n >= 2; }
static bool done_ge3(void *a) { return ((struct rec *)a)->done_n >= 3; }
static bool done_ge4(void *a) { return ((struct rec *)a)->done_n >= 4; }
static bool up_ge1(void *a) { return ((struct rec *)a)->ups >= 1; }
static bool up_ge2(void *a) { return ((struct rec *)a)->ups >= 2; }
static bool up_ge3(void *a) { return ((struct rec *)a)->ups >= 3; }

/* The IS-Key the AR pushes in profile v1 (PROTOCOL.md 2.1) */
static void v1_is_key(const uint8_t *msk, uint8_t key[32])
{
	struct mihsec_kdf_root root;

	if (mihsec_kdf_is_key(MIHSEC_KDF_V1, msk, 32, MAC,
			      (const uint8_t *)"is1", 3, &root) || root.len != 32)
		abort();
	memcpy(key, root.key, 32);
	mihsec_kdf_root_wipe(&root);
}

/* What the IS server must install: computed from the MSK, not the IS-Key */
static void expected_cfg(uint8_t profile, uint8_t suite, const uint8_t *msk,
			 const uint8_t *is, size_t is_len, uint32_t lifetime,
			 struct mihsec_sa_cfg *cfg)
{
	struct mihsec_kdf_keys keys;

	if (mihsec_kdf_is(profile, suite, msk, 32, MAC, is, is_len, &keys) ||
	    mihsec_kdf_sa_cfg(&keys, MIHSEC_ROLE_NETWORK,
			      (const uint8_t *)"is1", 3,
			      (const uint8_t *)"mmt1", 4, cfg))
		abort();
	if (lifetime) {
		cfg->life.has_hard_secs = true;
		cfg->life.hard_secs = lifetime;
	}
	mihsec_kdf_keys_wipe(&keys);
}

#define PUSH(self, key, life) \
	md_islink_push((self)->ar, MAC, (const uint8_t *)"mmt1", 4,	\
		       MIHSEC_KDF_V1, 1, (key), (life), on_done, &(self)->r)

TEST_F(link, push_installs_derived_sa_duplicate_and_conflict)
{
	struct mihsec_sa_cfg want;
	struct md_islink_is_stats st;
	struct md_islink_ar_info info;
	uint8_t key[32], key2[32], msk2[32];

	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, start_ar(self, "ar1", "ca"));
	v1_is_key(self->msk, key);
	/* queued before the link is up: sent once it is */
	ASSERT_GT(PUSH(self, key, 3600), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge1, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_SUCCESS, self->r.status[0]);
	ASSERT_EQ(1, self->r.installs);
	expected_cfg(MIHSEC_KDF_V1, 1, self->msk, (const uint8_t *)"is1", 3,
		     3600, &want);
	EXPECT_EQ(MIHSEC_ROLE_NETWORK, self->r.cfg.role);
	EXPECT_EQ(0, memcmp(self->r.cfg.tx_keyid, want.tx_keyid, 8));
	EXPECT_EQ(0, memcmp(self->r.cfg.rx_keyid, want.rx_keyid, 8));
	EXPECT_EQ(want.tx_key_len, self->r.cfg.tx_key_len);
	EXPECT_EQ(0, memcmp(self->r.cfg.tx_key, want.tx_key, 16));
	EXPECT_EQ(0, memcmp(self->r.cfg.rx_key, want.rx_key, 16));
	EXPECT_EQ(0, memcmp(self->r.cfg.tx_salt, want.tx_salt, 4));
	EXPECT_EQ(3u, self->r.cfg.local_id_len);
	EXPECT_EQ(0, memcmp(self->r.cfg.local_id, "is1", 3));
	EXPECT_EQ(0, memcmp(self->r.cfg.peer_id, "mmt1", 4));
	EXPECT_TRUE(self->r.cfg.life.has_hard_secs);
	EXPECT_EQ(3600u, self->r.cfg.life.hard_secs);
	/* and every other octet of the struct */
	EXPECT_EQ(0, memcmp(&self->r.cfg, &want, sizeof(want)));
	EXPECT_STREQ("ar1", self->r.ar_id);
	EXPECT_EQ(0, memcmp(self->r.mac, MAC, 6));
	EXPECT_EQ(MIHSEC_KDF_V1, self->r.profile);
	EXPECT_EQ(1, self->r.suite);
	EXPECT_EQ(3600u, self->r.lifetime);
	EXPECT_EQ(1, self->r.ups);

	/* the identical push again: Success, nothing reinstalled */
	ASSERT_GT(PUSH(self, key, 3600), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge2, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_SUCCESS, self->r.status[1]);
	EXPECT_EQ(1, self->r.installs);

	/* the same key IDs with other content (lifetime): Rejected */
	ASSERT_GT(PUSH(self, key, 60), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge3, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_REJECTED, self->r.status[2]);
	EXPECT_EQ(1, self->r.installs);

	/* a fresh key (re-authentication): installed */
	fill(msk2, 32, 0x99);
	v1_is_key(msk2, key2);
	ASSERT_GT(PUSH(self, key2, 3600), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge4, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_SUCCESS, self->r.status[3]);
	EXPECT_EQ(2, self->r.installs);
	expected_cfg(MIHSEC_KDF_V1, 1, msk2, (const uint8_t *)"is1", 3, 3600,
		     &want);
	EXPECT_EQ(0, memcmp(&self->r.cfg, &want, sizeof(want)));

	md_islink_is_get_stats(self->is, &st);
	EXPECT_EQ(4u, st.pushes);
	EXPECT_EQ(2u, st.installed);
	EXPECT_EQ(1u, st.duplicates);
	EXPECT_EQ(1u, st.rejected);
	EXPECT_EQ(1u, st.conns);
	EXPECT_EQ(0u, st.refused);
	md_islink_ar_get_info(self->ar, &info);
	EXPECT_EQ((int)MD_ISLINK_UP, (int)info.state);
	EXPECT_EQ(0u, info.queued);
	EXPECT_EQ(0u, info.inflight);
	EXPECT_EQ(1u, info.ups);
	mihsec_sa_cfg_wipe(&want);
}

TEST_F(link, paper_profile_and_installer_errors)
{
	static const uint8_t addr[4] = { 127, 0, 0, 1 };
	struct mihsec_sa_cfg want;
	uint8_t key[32];

	ASSERT_EQ(0, start_is(self, "is1", "ca", true));
	ASSERT_EQ(0, start_ar(self, "ar1", "ca"));
	/* paper: the MSK input itself goes over, the IS server derives */
	ASSERT_GT(md_islink_push(self->ar, MAC, (const uint8_t *)"mmt1", 4,
				 MIHSEC_KDF_PAPER, 4, self->msk, 0, on_done,
				 &self->r), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge1, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_SUCCESS, self->r.status[0]);
	ASSERT_EQ(1, self->r.installs);
	expected_cfg(MIHSEC_KDF_PAPER, 4, self->msk, addr, 4, 0, &want);
	EXPECT_EQ(0, memcmp(&self->r.cfg, &want, sizeof(want)));
	EXPECT_FALSE(self->r.cfg.life.has_hard_secs);
	EXPECT_TRUE(self->r.cfg.has_ikeys);

	/* the kernel already held the key ID: Rejected */
	self->r.install_ret = -EEXIST;
	fill(key, 32, 3);
	ASSERT_GT(PUSH(self, key, 0), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge2, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_REJECTED, self->r.status[1]);
	EXPECT_EQ(2, self->r.installs);
	/* another failure: Unspecified, and nothing remembered */
	self->r.install_ret = -EIO;
	fill(key, 32, 4);
	ASSERT_GT(PUSH(self, key, 0), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge3, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_UNSPECIFIED, self->r.status[2]);
	EXPECT_EQ(3, self->r.installs);
	self->r.install_ret = 0;
	ASSERT_GT(PUSH(self, key, 0), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge4, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_SUCCESS, self->r.status[3]);
	EXPECT_EQ(4, self->r.installs);
	mihsec_sa_cfg_wipe(&want);
}

TEST_F(link, paper_refused_without_is_address)
{
	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, start_ar(self, "ar1", "ca"));
	ASSERT_GT(md_islink_push(self->ar, MAC, (const uint8_t *)"mmt1", 4,
				 MIHSEC_KDF_PAPER, 4, self->msk, 0, on_done,
				 &self->r), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge1, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_REJECTED, self->r.status[0]);
	EXPECT_EQ(0, self->r.installs);
}

TEST_F(link, two_ars_on_one_is_server)
{
	struct md_islink_ar *ar2 = NULL;
	struct md_islink_is_stats st;
	uint8_t key[32];

	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, start_ar(self, "ar1", "ca"));
	ASSERT_EQ(0, start_ar_as(self, "ar2", "ar2", "ca", 20, 200, &ar2));
	ASSERT_TRUE(run_until(self->loop, up_ge2, &self->r, DEADLINE_MS));
	fill(key, 32, 5);
	ASSERT_GT(md_islink_push(ar2, MAC, (const uint8_t *)"mmt1", 4,
				 MIHSEC_KDF_V1, 2, key, 0, on_done, &self->r),
		  0);
	ASSERT_TRUE(run_until(self->loop, done_ge1, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_SUCCESS, self->r.status[0]);
	EXPECT_STREQ("ar2", self->r.ar_id);
	EXPECT_EQ(2, self->r.cfg.suite);
	fill(key, 32, 6);
	ASSERT_GT(PUSH(self, key, 0), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge2, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_SUCCESS, self->r.status[1]);
	EXPECT_STREQ("ar1", self->r.ar_id);
	md_islink_is_get_stats(self->is, &st);
	EXPECT_EQ(2u, st.conns);
	EXPECT_EQ(2u, st.installed);
	md_islink_ar_stop(ar2);
}

/*
 * A refused peer: the AR never gets its epoch, retries (a second connect
 * proves the first one failed), the installer is never called and the
 * push stays queued.  @is_refuses: the IS server counts a refused
 * handshake.
 */
struct refusal {
	struct rec *r;
	struct md_islink_is *is;
};

static bool refused_twice(void *a)
{
	struct refusal *f = a;
	struct md_islink_is_stats st;

	md_islink_is_get_stats(f->is, &st);
	return f->r->connecting >= 3 && st.refused >= 2;
}

static void expect_refused(struct __test_metadata *_metadata,
			   FIXTURE_DATA(link) *self)
{
	struct refusal f = { &self->r, self->is };
	struct md_islink_ar_info info;
	struct md_islink_is_stats st;
	uint8_t key[32];

	fill(key, 32, 7);
	ASSERT_GT(PUSH(self, key, 0), 0);
	ASSERT_TRUE(run_until(self->loop, refused_twice, &f, DEADLINE_MS));
	md_islink_ar_get_info(self->ar, &info);
	md_islink_is_get_stats(self->is, &st);
	EXPECT_EQ(0u, info.ups);
	EXPECT_EQ(0, self->r.ups);
	EXPECT_FALSE(info.have_epoch);
	EXPECT_EQ(1u, info.queued);
	EXPECT_EQ(0, self->r.done_n);
	EXPECT_EQ(0, self->r.installs);
	EXPECT_EQ(0u, st.pushes);
	EXPECT_GE(info.connects, 3u);
}

TEST_F(link, ar_cert_from_other_ca_refused)
{
	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, start_ar(self, "rogue_ar1", "ca"));
	expect_refused(_metadata, self);
}

TEST_F(link, is_cert_from_other_ca_refused)
{
	/* the IS server would accept the AR (it trusts both CAs' leaves?
	 * no: it trusts "ca"); the AR must refuse the rogue IS certificate */
	ASSERT_EQ(0, start_is(self, "rogue_is1", "ca", false));
	ASSERT_EQ(0, start_ar(self, "ar1", "ca"));
	expect_refused(_metadata, self);
}

TEST_F(link, ar_cert_with_other_mihf_id_refused)
{
	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, start_ar(self, "ar9", "ca"));
	expect_refused(_metadata, self);
}

TEST_F(link, is_cert_with_other_mihf_id_refused)
{
	ASSERT_EQ(0, start_is(self, "is2", "ca", false));
	ASSERT_EQ(0, start_ar(self, "ar1", "ca"));
	expect_refused(_metadata, self);
}

TEST_F(link, dns_san_and_id_prefix_are_not_the_mihf_id)
{
	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, start_ar(self, "ar1dns", "ca"));
	expect_refused(_metadata, self);
	md_islink_ar_stop(self->ar);
	self->ar = NULL;
	memset(&self->r, 0, sizeof(self->r));
	ASSERT_EQ(0, start_ar(self, "ar1prefix", "ca"));
	expect_refused(_metadata, self);
}

TEST_F(link, missing_client_cert_refused)
{
	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, start_ar(self, NULL, "ca"));
	expect_refused(_metadata, self);
}

static bool connecting_ge3(void *a)
{
	return ((struct rec *)a)->connecting >= 3;
}

TEST_F(link, the_configured_id_must_match_the_certificate)
{
	/*
	 * An AR configured as ar1 presenting ar2's certificate: the IS server
	 * takes it as ar2 and addresses its epoch to ar2; the AR refuses that
	 * epoch, so the link never comes up and nothing is pushed.
	 */
	struct md_islink_is_stats st;
	uint8_t key[32];

	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, start_ar_as(self, "ar1", "ar2", "ca", 20, 200,
				 &self->ar));
	fill(key, 32, 8);
	ASSERT_GT(PUSH(self, key, 0), 0);
	ASSERT_TRUE(run_until(self->loop, connecting_ge3, &self->r,
			      DEADLINE_MS));
	EXPECT_EQ(0, self->r.ups);
	EXPECT_EQ(0, self->r.done_n);
	EXPECT_EQ(0, self->r.installs);
	md_islink_is_get_stats(self->is, &st);
	EXPECT_EQ(0u, st.pushes);
	EXPECT_GE(st.accepted, 2u);
}

static bool is_conn0(void *a)
{
	struct md_islink_is_stats st;

	md_islink_is_get_stats(a, &st);
	return st.conns == 0;
}

static bool is_conn1(void *a)
{
	struct md_islink_is_stats st;

	md_islink_is_get_stats(a, &st);
	return st.conns == 1;
}

TEST_F(link, is_restart_fires_epoch_once_and_nothing_is_repushed)
{
	uint8_t key[32], key2[32], key3[32], e1[8], e2[8];
	struct md_islink_is_stats st;
	struct md_islink_ar_info info;

	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, start_ar(self, "ar1", "ca"));
	md_islink_is_epoch(self->is, e1);
	fill(key, 32, 10);
	ASSERT_GT(PUSH(self, key, 0), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge1, &self->r, DEADLINE_MS));
	ASSERT_EQ(MD_ISLINK_ST_SUCCESS, self->r.status[0]);
	EXPECT_EQ(0, self->r.epoch_n);	/* the first epoch is just recorded */
	md_islink_ar_get_info(self->ar, &info);
	EXPECT_TRUE(info.have_epoch);
	EXPECT_EQ(0, memcmp(info.epoch, e1, 8));

	/* a push written to the connection, then the IS server dies before
	 * reading it: the new instance must never get it */
	fill(key2, 32, 11);
	ASSERT_GT(PUSH(self, key2, 0), 0);
	md_islink_ar_get_info(self->ar, &info);
	EXPECT_EQ(1u, info.inflight);
	md_islink_is_stop(self->is);
	self->is = NULL;
	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	md_islink_is_epoch(self->is, e2);
	ASSERT_NE(0, memcmp(e1, e2, 8));
	ASSERT_TRUE(run_until(self->loop, up_ge2, &self->r, DEADLINE_MS));
	EXPECT_EQ(1, self->r.epoch_n);
	EXPECT_EQ(0, memcmp(self->r.old_epoch, e1, 8));
	EXPECT_EQ(0, memcmp(self->r.new_epoch, e2, 8));
	/* the epoch callback first, then the lost push */
	ASSERT_EQ(2, self->r.done_n);
	EXPECT_EQ(MD_ISLINK_ST_LOST, self->r.status[1]);
	ASSERT_EQ(3, self->r.nev);
	EXPECT_EQ('D', self->r.events[0]);
	EXPECT_EQ('E', self->r.events[1]);
	EXPECT_EQ('D', self->r.events[2]);

	/* nothing was re-pushed: the next push is the first the new IS
	 * server sees (one TLS stream, in order) */
	fill(key3, 32, 12);
	ASSERT_GT(PUSH(self, key3, 0), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge3, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_SUCCESS, self->r.status[2]);
	md_islink_is_get_stats(self->is, &st);
	EXPECT_EQ(1u, st.pushes);
	EXPECT_EQ(1u, st.installed);
	EXPECT_EQ(2, self->r.installs);	/* key (IS #1) and key3 (IS #2) */
	EXPECT_EQ(1, self->r.epoch_n);
}

/* Cut the IS server's end of the link's TCP connection (found by port) */
static int cut_is_side(uint16_t port)
{
	int fd, n = 0;

	for (fd = 3; fd < 1024; fd++) {
		struct sockaddr_storage a, b;
		socklen_t al = sizeof(a), bl = sizeof(b);

		if (getsockname(fd, (struct sockaddr *)&a, &al) ||
		    a.ss_family != AF_INET ||
		    ntohs(((struct sockaddr_in *)&a)->sin_port) != port ||
		    getpeername(fd, (struct sockaddr *)&b, &bl))
			continue;
		shutdown(fd, SHUT_RDWR);
		n++;
	}
	return n;
}

TEST_F(link, reconnect_same_epoch_resends_unanswered_push)
{
	struct md_islink_ar_info info;
	struct md_islink_is_stats st;
	uint64_t pushes;
	uint8_t key[32];

	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, start_ar(self, "ar1", "ca"));
	ASSERT_TRUE(run_until(self->loop, up_ge1, &self->r, DEADLINE_MS));
	/* written to the connection, which breaks before the IS reads it */
	fill(key, 32, 13);
	ASSERT_GT(PUSH(self, key, 0), 0);
	md_islink_ar_get_info(self->ar, &info);
	EXPECT_EQ(1u, info.inflight);
	ASSERT_EQ(1, cut_is_side(self->port));
	ASSERT_TRUE(run_until(self->loop, done_ge1, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_SUCCESS, self->r.status[0]);
	EXPECT_EQ(2, self->r.ups);		/* it did reconnect */
	EXPECT_EQ(0, self->r.epoch_n);		/* same epoch: no callback */
	EXPECT_EQ(1, self->r.installs);
	md_islink_is_get_stats(self->is, &st);
	EXPECT_EQ(2u, st.accepted);
	/*
	 * Whether the IS server read the first copy before the cut (Linux
	 * keeps received data after shutdown(SHUT_RD)) or not, the copy sent
	 * again is the one answered, and any second copy was a duplicate.
	 */
	EXPECT_GE(st.pushes, 1u);
	EXPECT_LE(st.pushes, 2u);
	EXPECT_EQ(st.pushes - 1, st.duplicates);
	pushes = st.pushes;

	/* answered, then the link breaks: nothing is sent again */
	ASSERT_EQ(1, cut_is_side(self->port));
	ASSERT_TRUE(run_until(self->loop, up_ge3, &self->r, DEADLINE_MS));
	ASSERT_TRUE(run_until(self->loop, is_conn1, self->is, DEADLINE_MS));
	md_islink_is_get_stats(self->is, &st);
	EXPECT_EQ(pushes, st.pushes);
	EXPECT_EQ(3u, st.accepted);
	EXPECT_EQ(0, self->r.epoch_n);
	EXPECT_EQ(1, self->r.done_n);
}

struct backoff_wait {
	struct rec *r;
	int n;
};

static bool connects_ge(void *a)
{
	struct backoff_wait *w = a;

	return w->r->connecting >= w->n;
}

TEST_F(link, reconnects_with_backoff_after_the_is_server_goes_away)
{
	struct backoff_wait w = { &self->r, 0 };
	struct md_islink_ar_info info;
	uint64_t bound = 40, gap;
	int i, first;

	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, start_ar(self, "ar1", "ca"));
	ASSERT_TRUE(run_until(self->loop, up_ge1, &self->r, DEADLINE_MS));
	first = self->r.connecting;
	EXPECT_EQ(1, first);

	md_islink_is_stop(self->is);
	self->is = NULL;
	/* 7 more attempts: delays drawn in [d/2, d], d = 20 40 80 160 200.. */
	w.n = first + 7;
	ASSERT_TRUE(run_until(self->loop, connects_ge, &w, DEADLINE_MS));
	for (i = first + 1; i < w.n; i++) {
		gap = (self->r.connecting_at[i] - self->r.connecting_at[i - 1]) /
		      MS;
		/* never early (the lower bound of the jitter) */
		EXPECT_GE(gap, bound / 2) TH_LOG("attempt %d after %llu ms, "
						 "bound %llu", i,
						 (unsigned long long)gap,
						 (unsigned long long)bound);
		bound = bound * 2 > 200 ? 200 : bound * 2;
	}
	/* the last gaps are at the cap: at least 100 ms each */
	gap = (self->r.connecting_at[w.n - 1] -
	       self->r.connecting_at[w.n - 2]) / MS;
	EXPECT_GE(gap, 100u);
	md_islink_ar_get_info(self->ar, &info);
	EXPECT_NE((int)MD_ISLINK_UP, (int)info.state);
	EXPECT_LE(info.next_delay_ms, 200u);
	EXPECT_GE(info.next_delay_ms, 100u);

	/* the IS server comes back (a new instance): the AR reconnects */
	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_TRUE(run_until(self->loop, up_ge2, &self->r, DEADLINE_MS));
	EXPECT_EQ(1, self->r.epoch_n);
	md_islink_ar_get_info(self->ar, &info);
	EXPECT_EQ((int)MD_ISLINK_UP, (int)info.state);
	EXPECT_EQ(2u, info.ups);
}

/*
 * A bare TLS client with ar1's certificate, on the same loop, sending
 * hand-made PDUs to the IS server.
 */
struct rawc {
	struct md_loop *loop;
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;
	bool up, closed;
	uint8_t in[8192];
	size_t in_len;
	int npdu;		/* complete PDUs in @in */
};

static void rawc_count(struct rawc *c)
{
	size_t off = 0;
	int n = 0, len;

	while ((len = md_islink_frame(c->in + off, c->in_len - off)) > 0) {
		off += len;
		n++;
	}
	c->npdu = n;
}

static void rawc_io(struct md_loop *loop, int fd, uint32_t ev, void *arg)
{
	struct rawc *c = arg;
	size_t n;
	int r;

	(void)ev;
	if (!c->up) {
		r = SSL_do_handshake(c->ssl);
		if (r != 1) {
			int e = SSL_get_error(c->ssl, r);

			if (e != SSL_ERROR_WANT_READ &&
			    e != SSL_ERROR_WANT_WRITE) {
				c->closed = true;
				md_loop_del_fd(loop, fd);
			}
			return;
		}
		c->up = true;
	}
	for (;;) {
		r = SSL_read_ex(c->ssl, c->in + c->in_len,
				sizeof(c->in) - c->in_len, &n);
		if (r == 1) {
			c->in_len += n;
			continue;
		}
		if (SSL_get_error(c->ssl, r) != SSL_ERROR_WANT_READ) {
			c->closed = true;
			md_loop_del_fd(loop, fd);
		}
		break;
	}
	rawc_count(c);
}

static int rawc_open(struct rawc *c, struct md_loop *loop, uint16_t port,
		     const char *cert, const char *key, const char *ca)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };

	memset(c, 0, sizeof(*c));
	c->loop = loop;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ctx ||
	    SSL_CTX_use_certificate_chain_file(c->ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(c->ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_load_verify_file(c->ctx, ca) != 1)
		return -1;
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	/* a loopback connect completes in the kernel's backlog */
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	fcntl(c->fd, F_SETFL, O_NONBLOCK);
	c->ssl = SSL_new(c->ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1)
		return -1;
	SSL_set_connect_state(c->ssl);
	if (md_loop_add_fd(loop, c->fd, EPOLLIN, rawc_io, c))
		return -1;
	rawc_io(loop, c->fd, 0, c);	/* the ClientHello */
	return 0;
}

static void rawc_close(struct rawc *c)
{
	if (!c->closed && c->fd >= 0)
		md_loop_del_fd(c->loop, c->fd);
	SSL_free(c->ssl);
	SSL_CTX_free(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
}

static int rawc_send(struct rawc *c, const uint8_t *buf, size_t len)
{
	size_t n;

	/* small writes on loopback: never short */
	return SSL_write_ex(c->ssl, buf, len, &n) == 1 && n == len ? 0 : -1;
}

/* The @i-th PDU received */
static const uint8_t *rawc_pdu(struct rawc *c, int i, size_t *len)
{
	size_t off = 0;
	int l;

	while ((l = md_islink_frame(c->in + off, c->in_len - off)) > 0) {
		if (!i--) {
			*len = l;
			return c->in + off;
		}
		off += l;
	}
	return NULL;
}

struct rawc_wait {
	struct rawc *c;
	int npdu;
};

static bool rawc_has(void *a)
{
	struct rawc_wait *w = a;

	return w->c->npdu >= w->npdu || w->c->closed;
}

static bool rawc_closed(void *a)
{
	return ((struct rawc *)a)->closed;
}

static int raw_push(uint8_t *buf, size_t size, uint16_t tid, const char *src,
		    const uint8_t *key)
{
	struct md_islink_push_msg m = {
		.tid = tid,
		.src_id = (const uint8_t *)src, .src_id_len = strlen(src),
		.dst_id = (const uint8_t *)"is1", .dst_id_len = 3,
		.mmt_id = (const uint8_t *)"mmt1", .mmt_id_len = 4,
		.profile = MIHSEC_KDF_V1, .suite = 1, .key = key,
	};

	memcpy(m.mac_mmt, MAC, 6);
	return md_islink_push_encode(buf, size, &m);
}

#define EXPECT_RSP(c, i, want_tid, want_status) do {			\
		struct md_islink_rsp_msg _r;				\
		size_t _l = 0;						\
		const uint8_t *_p = rawc_pdu((c), (i), &_l);		\
									\
		ASSERT_NE(NULL, _p);					\
		ASSERT_EQ(0, md_islink_rsp_decode(_p, _l, &_r, NULL));	\
		EXPECT_EQ((want_tid), _r.tid);				\
		EXPECT_EQ((want_status), _r.status);			\
		EXPECT_EQ(3u, _r.src_id_len);				\
		EXPECT_EQ(0, memcmp(_r.src_id, "is1", 3));		\
		EXPECT_EQ(0, memcmp(_r.dst_id, "ar1", 3));		\
	} while (0)

TEST_F(link, is_server_answers_bad_pushes_and_bounds_the_stream)
{
	static const struct tlvspec swapped[] = { T_ID, T_MAC, T_PS, T_KEY,
						  T_LIFE };
	struct mih_hdr h = { .version = 1, .sid = 1, .aid = 1000,
			     .opcode = MIH_OP_REQUEST, .tid = 77 };
	struct md_islink_epoch_msg e;
	struct md_islink_is_stats st;
	struct rawc c;
	struct rawc_wait w = { &c, 1 };
	uint8_t buf[MD_ISLINK_PDU_MAX], key[32], ep[8];
	const uint8_t *p;
	size_t len = 0;
	int n;

	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, rawc_open(&c, self->loop, self->port,
			       P(self, "ar1", "pem"), P(self, "ar1", "key"),
			       P(self, "ca", "pem")));
	/* first the epoch, addressed to the certificate's ID */
	ASSERT_TRUE(run_until(self->loop, rawc_has, &w, DEADLINE_MS));
	p = rawc_pdu(&c, 0, &len);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, md_islink_epoch_decode(p, len, &e, NULL));
	md_islink_is_epoch(self->is, ep);
	EXPECT_EQ(0, memcmp(e.epoch, ep, 8));
	EXPECT_EQ(0, memcmp(e.src_id, "is1", 3));
	EXPECT_EQ(3u, e.dst_id_len);
	EXPECT_EQ(0, memcmp(e.dst_id, "ar1", 3));

	/* a malformed push: Rejected, same TID, the link stays */
	n = build(buf, sizeof(buf), &h, swapped, 5);
	ASSERT_GT(n, 0);
	ASSERT_EQ(0, rawc_send(&c, buf, n));
	w.npdu = 2;
	ASSERT_TRUE(run_until(self->loop, rawc_has, &w, DEADLINE_MS));
	EXPECT_RSP(&c, 1, 77, MD_ISLINK_ST_REJECTED);

	/* a push claiming another AR's MIHF ID: Rejected */
	fill(key, 32, 30);
	n = raw_push(buf, sizeof(buf), 78, "ar2", key);
	ASSERT_EQ(0, rawc_send(&c, buf, n));
	w.npdu = 3;
	ASSERT_TRUE(run_until(self->loop, rawc_has, &w, DEADLINE_MS));
	EXPECT_RSP(&c, 2, 78, MD_ISLINK_ST_REJECTED);
	EXPECT_EQ(0, self->r.installs);

	/* a good push, in two TLS records split inside the header */
	n = raw_push(buf, sizeof(buf), 79, "ar1", key);
	ASSERT_EQ(0, rawc_send(&c, buf, 5));
	w.npdu = 4;	/* no answer to part of a PDU (give it 100 ms) */
	EXPECT_FALSE(run_until(self->loop, rawc_has, &w, 100));
	EXPECT_EQ(3, c.npdu);
	ASSERT_EQ(0, rawc_send(&c, buf + 5, n - 5));
	w.npdu = 4;
	ASSERT_TRUE(run_until(self->loop, rawc_has, &w, DEADLINE_MS));
	EXPECT_RSP(&c, 3, 79, MD_ISLINK_ST_SUCCESS);
	EXPECT_EQ(1, self->r.installs);
	EXPECT_STREQ("ar1", self->r.ar_id);

	/* two pushes in one record: two answers, in order */
	n = raw_push(buf, sizeof(buf), 80, "ar1", key);
	memcpy(buf + n, buf, n);
	buf[n + 5] = 81;		/* the second one's TID */
	ASSERT_EQ(0, rawc_send(&c, buf, 2 * n));
	w.npdu = 6;
	ASSERT_TRUE(run_until(self->loop, rawc_has, &w, DEADLINE_MS));
	EXPECT_RSP(&c, 4, 80, MD_ISLINK_ST_SUCCESS);
	EXPECT_RSP(&c, 5, 81, MD_ISLINK_ST_SUCCESS);
	EXPECT_EQ(1, self->r.installs);

	/* a header announcing more than the link allows: closed at once */
	memset(buf, 0, 8);
	buf[0] = 0x10;
	buf[2] = 0x13;
	buf[3] = 0xe8;
	buf[6] = buf[7] = 0xff;
	ASSERT_EQ(0, rawc_send(&c, buf, 8));
	ASSERT_TRUE(run_until(self->loop, rawc_closed, &c, DEADLINE_MS));
	EXPECT_FALSE(c.npdu > 6);
	ASSERT_TRUE(run_until(self->loop, is_conn0, self->is, DEADLINE_MS));
	md_islink_is_get_stats(self->is, &st);
	EXPECT_EQ(5u, st.pushes);
	EXPECT_EQ(2u, st.rejected);
	EXPECT_EQ(2u, st.duplicates);
	rawc_close(&c);

	/* something other than a push request: closed */
	ASSERT_EQ(0, rawc_open(&c, self->loop, self->port,
			       P(self, "ar1", "pem"), P(self, "ar1", "key"),
			       P(self, "ca", "pem")));
	w.npdu = 1;
	ASSERT_TRUE(run_until(self->loop, rawc_has, &w, DEADLINE_MS));
	n = md_islink_rsp_encode(buf, sizeof(buf),
				 &(struct md_islink_rsp_msg){
					.src_id = (const uint8_t *)"ar1",
					.src_id_len = 3,
					.dst_id = (const uint8_t *)"is1",
					.dst_id_len = 3 });
	ASSERT_GT(n, 0);
	ASSERT_EQ(0, rawc_send(&c, buf, n));
	ASSERT_TRUE(run_until(self->loop, rawc_closed, &c, DEADLINE_MS));
	EXPECT_EQ(1, c.npdu);
	rawc_close(&c);
}

static void stop_loop(struct md_loop *loop, struct md_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	md_loop_stop(loop, 0);
}

static bool done_ge(struct rec *r, int n)
{
	return r->done_n >= n;
}

static bool done_ge5(void *a) { return done_ge(a, 5); }
static bool done_ge6(void *a) { return done_ge(a, 6); }
static bool done_ge7(void *a) { return done_ge(a, 7); }

TEST_F(link, duplicate_table_is_bounded_and_entries_expire)
{
	uint8_t k1[32], k2[32], k3[32];

	self->dup_max = 2;
	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, start_ar(self, "ar1", "ca"));
	fill(k1, 32, 40);
	fill(k2, 32, 41);
	fill(k3, 32, 42);
	ASSERT_GT(PUSH(self, k1, 1), 0);		/* lifetime 1 s */
	ASSERT_GT(PUSH(self, k2, 0), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge2, &self->r, DEADLINE_MS));
	EXPECT_EQ(2, self->r.installs);
	/* k1 identical but its lifetime ran out: no longer "the same SA" */
	ASSERT_NE(NULL, md_timer_add(self->loop, 1100 * MS, 0, stop_loop,
				     NULL));
	md_loop_run(self->loop);
	ASSERT_GT(PUSH(self, k1, 1), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge3, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_REJECTED, self->r.status[2]);
	EXPECT_EQ(2, self->r.installs);
	/* k2 still a duplicate; k3 installed pushes k1 out of the table */
	ASSERT_GT(PUSH(self, k2, 0), 0);
	ASSERT_GT(PUSH(self, k3, 0), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge5, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_SUCCESS, self->r.status[3]);
	EXPECT_EQ(MD_ISLINK_ST_SUCCESS, self->r.status[4]);
	EXPECT_EQ(3, self->r.installs);
	/* forgotten: the installer is asked (the kernel would refuse it) */
	self->r.install_ret = -EEXIST;
	ASSERT_GT(PUSH(self, k1, 1), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge6, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_REJECTED, self->r.status[5]);
	EXPECT_EQ(4, self->r.installs);
	/* k3 still remembered */
	ASSERT_GT(PUSH(self, k3, 0), 0);
	ASSERT_TRUE(run_until(self->loop, done_ge7, &self->r, DEADLINE_MS));
	EXPECT_EQ(MD_ISLINK_ST_SUCCESS, self->r.status[6]);
	EXPECT_EQ(4, self->r.installs);
}

static bool is_refused1(void *a)
{
	struct md_islink_is_stats st;

	md_islink_is_get_stats(a, &st);
	return st.refused >= 1;
}

TEST_F(link, connection_limit)
{
	struct md_islink_ar *ar2 = NULL;
	struct md_islink_is_stats st;

	self->conn_max = 1;
	ASSERT_EQ(0, start_is(self, "is1", "ca", false));
	ASSERT_EQ(0, start_ar(self, "ar1", "ca"));
	ASSERT_TRUE(run_until(self->loop, up_ge1, &self->r, DEADLINE_MS));
	ASSERT_EQ(0, start_ar_as(self, "ar2", "ar2", "ca", 20, 200, &ar2));
	ASSERT_TRUE(run_until(self->loop, is_refused1, self->is, DEADLINE_MS));
	md_islink_is_get_stats(self->is, &st);
	EXPECT_EQ(1u, st.conns);
	EXPECT_EQ(1, self->r.ups);
	md_islink_ar_stop(ar2);
}

TEST_F(link, start_refuses_bad_configuration)
{
	struct md_islink_is_cfg c = {
		.id = (const uint8_t *)"is1", .id_len = 3,
		.listen_addr = "127.0.0.1", .port = self->port,
		.tls = { P(self, "is1", "pem"), P(self, "is1", "key"),
			 P(self, "ca", "pem") },
		.ar_ids = self->ar_ids, .n_ar_ids = 2,
	};
	struct md_islink_is *is = NULL;

	c.n_ar_ids = 0;
	EXPECT_EQ(-EINVAL, md_islink_is_start(self->loop, &c, installer,
					      &self->r, &is));
	c.n_ar_ids = 2;
	c.listen_addr = "localhost";	/* numeric only: no DNS */
	EXPECT_EQ(-EINVAL, md_islink_is_start(self->loop, &c, installer,
					      &self->r, &is));
	c.listen_addr = "127.0.0.1";
	c.tls.key_file = P(self, "ar1", "key");	/* not the cert's key */
	EXPECT_EQ(-EINVAL, md_islink_is_start(self->loop, &c, installer,
					      &self->r, &is));
	c.tls.key_file = P(self, "is1", "key");
	c.tls.ca_file = P(self, "missing", "pem");
	EXPECT_EQ(-EINVAL, md_islink_is_start(self->loop, &c, installer,
					      &self->r, &is));
	c.tls.ca_file = P(self, "ca", "pem");
	c.paper_addr_len = 5;
	EXPECT_EQ(-EINVAL, md_islink_is_start(self->loop, &c, installer,
					      &self->r, &is));
	c.paper_addr_len = 0;
	ASSERT_EQ(0, md_islink_is_start(self->loop, &c, installer, &self->r,
					&is));
	EXPECT_EQ(self->port, md_islink_is_port(is));
	md_islink_is_stop(is);

	ASSERT_EQ(0, start_ar(self, "ar1", "ca"));
	EXPECT_EQ(-EINVAL, md_islink_push(self->ar, MAC,
					  (const uint8_t *)"m", 0, 1, 1,
					  self->msk, 0, on_done, &self->r));
	EXPECT_EQ(-EINVAL, md_islink_push(self->ar, MAC,
					  (const uint8_t *)"m", 1, 2, 1,
					  self->msk, 0, on_done, &self->r));
}

TEST_F(link, cancel_and_stop)
{
	struct md_islink_ar_info info;
	int64_t a, b;
	uint8_t key[32];

	/* no IS server: pushes stay queued */
	ASSERT_EQ(0, start_ar(self, "ar1", "ca"));
	fill(key, 32, 20);
	a = PUSH(self, key, 0);
	b = PUSH(self, key, 0);
	ASSERT_GT(a, 0);
	ASSERT_GT(b, a);
	EXPECT_EQ(0, md_islink_cancel(self->ar, a));
	EXPECT_EQ(-ENOENT, md_islink_cancel(self->ar, a));
	md_islink_ar_get_info(self->ar, &info);
	EXPECT_EQ(1u, info.queued);
	md_islink_ar_stop(self->ar);
	self->ar = NULL;
	ASSERT_EQ(1, self->r.done_n);
	EXPECT_EQ(MD_ISLINK_ST_CANCELLED, self->r.status[0]);
}

TEST_HARNESS_MAIN

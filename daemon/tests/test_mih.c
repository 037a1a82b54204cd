// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the MIH codec (lib/mih.c): length encoding, header, TLV
 * walk, MIHF IDs, strict PDU parse, builder, and the WIRE.md worked
 * examples decoded field by field and re-encoded byte for byte.
 */
#include <stdlib.h>
#include <string.h>

/* the 6.1 harness trips -Wextra: its wrappers ignore some parameters */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"

#include "lib/mih.h"

/* A heap copy of exactly len octets, so ASan catches any over-read */
static uint8_t *dup_exact(const void *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (d && len)
		memcpy(d, p, len);
	return d;
}

/* ---- length encoding ---- */

struct len_case {
	uint32_t len;
	uint8_t enc[MIH_LEN_SIZE_MAX];
	unsigned int n;
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
	{ UINT32_MAX, { 0x84, 0xff, 0xff, 0xff, 0x7f }, 5 },
};

TEST(len_encode_known)
{
	uint8_t buf[MIH_LEN_SIZE_MAX];
	size_t i;

	for (i = 0; i < sizeof(len_cases) / sizeof(len_cases[0]); i++) {
		const struct len_case *c = &len_cases[i];

		memset(buf, 0xee, sizeof(buf));
		EXPECT_EQ(c->n, mih_len_size(c->len));
		ASSERT_EQ((int)c->n, mih_len_encode(buf, sizeof(buf), c->len));
		EXPECT_EQ(0, memcmp(buf, c->enc, c->n))
			TH_LOG("length %u", c->len);
	}
}

TEST(len_decode_known)
{
	size_t i;

	for (i = 0; i < sizeof(len_cases) / sizeof(len_cases[0]); i++) {
		const struct len_case *c = &len_cases[i];
		uint8_t *p = dup_exact(c->enc, c->n);
		uint32_t len = 0xdeadbeef;

		ASSERT_NE(NULL, p);
		EXPECT_EQ((int)c->n, mih_len_decode(p, c->n, &len));
		EXPECT_EQ(c->len, len);
		/* every shorter input is truncated */
		EXPECT_EQ(MIH_E_TRUNCATED, mih_len_decode(p, c->n - 1, &len));
		free(p);
	}
}

TEST(len_round_trip_sweep)
{
	uint8_t buf[MIH_LEN_SIZE_MAX];
	uint32_t len, got;
	int n;

	for (len = 0; len < 200000; len++) {
		n = mih_len_encode(buf, sizeof(buf), len);
		ASSERT_EQ((int)mih_len_size(len), n);
		ASSERT_EQ(n, mih_len_decode(buf, (size_t)n, &got));
		ASSERT_EQ(len, got);
	}
}

TEST(len_encode_nospace)
{
	uint8_t buf[MIH_LEN_SIZE_MAX];

	EXPECT_EQ(MIH_E_NOSPACE, mih_len_encode(buf, 0, 5));
	EXPECT_EQ(MIH_E_NOSPACE, mih_len_encode(buf, 1, 129));
	EXPECT_EQ(MIH_E_NOSPACE, mih_len_encode(buf, 2, 384));
	EXPECT_EQ(2, mih_len_encode(buf, 2, 383));
}

struct bad_len {
	uint8_t enc[8];
	size_t n;
	int err;
};

static const struct bad_len bad_lens[] = {
	{ { 0 }, 0, MIH_E_TRUNCATED },
	{ { 0x81 }, 1, MIH_E_TRUNCATED },
	{ { 0x82, 0x01 }, 2, MIH_E_TRUNCATED },
	{ { 0x84, 0x01, 0x00, 0x00 }, 4, MIH_E_TRUNCATED },
	/* non-minimal: 128 must be 0x80; leading zero extension octets */
	{ { 0x81, 0x00 }, 2, MIH_E_LEN_NONMINIMAL },
	{ { 0x82, 0x00, 0xff }, 3, MIH_E_LEN_NONMINIMAL },
	{ { 0x82, 0x00, 0x00 }, 3, MIH_E_LEN_NONMINIMAL },
	{ { 0x82, 0x00, 0x01 }, 3, MIH_E_LEN_NONMINIMAL },
	{ { 0x83, 0x00, 0x01, 0x00 }, 4, MIH_E_LEN_NONMINIMAL },
	{ { 0x84, 0x00, 0xff, 0xff, 0xff }, 5, MIH_E_LEN_NONMINIMAL },
	/* overlong: more than four extension octets */
	{ { 0x85, 0x01, 0x00, 0x00, 0x00, 0x00 }, 6, MIH_E_LEN_OVERLONG },
	{ { 0x88, 0x01, 0, 0, 0, 0, 0, 0 }, 8, MIH_E_LEN_OVERLONG },
	{ { 0xff }, 1, MIH_E_LEN_OVERLONG },
	/* overflow: 128 + extension beyond 2^32 - 1 */
	{ { 0x84, 0xff, 0xff, 0xff, 0x80 }, 5, MIH_E_LEN_OVERFLOW },
	{ { 0x84, 0xff, 0xff, 0xff, 0xff }, 5, MIH_E_LEN_OVERFLOW },
};

TEST(len_decode_rejects)
{
	size_t i;

	for (i = 0; i < sizeof(bad_lens) / sizeof(bad_lens[0]); i++) {
		const struct bad_len *c = &bad_lens[i];
		uint8_t *p = dup_exact(c->enc, c->n);
		uint32_t len = 0x12345678;

		ASSERT_NE(NULL, p);
		EXPECT_EQ(c->err, mih_len_decode(p, c->n, &len))
			TH_LOG("case %zu", i);
		EXPECT_EQ(0x12345678U, len);
		free(p);
	}
}

/* Every one- and two-octet input: accepted iff it is canonical */
TEST(len_decode_only_canonical)
{
	uint8_t in[2], out[MIH_LEN_SIZE_MAX];
	unsigned int a, b;
	uint32_t len;
	int n;

	for (a = 0; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			in[0] = (uint8_t)a;
			in[1] = (uint8_t)b;
			n = mih_len_decode(in, 2, &len);
			if (n < 0)
				continue;
			ASSERT_EQ(n, mih_len_encode(out, sizeof(out), len));
			ASSERT_EQ(0, memcmp(in, out, (size_t)n));
		}
	}
}

/* ---- header ---- */

TEST(hdr_round_trip_fields)
{
	static const struct mih_hdr cases[] = {
		{ .version = 1 },
		{ .version = 1, .ack_req = true, .sid = 1, .opcode = 1,
		  .aid = 1, .tid = 14, .payload_len = 24 },
		{ .version = 1, .ack_rsp = true, .uir = true, .more = true,
		  .fn = 0x7f, .sid = 0xf, .opcode = 3, .aid = 0x3ff,
		  .tid = 0xfff, .payload_len = 0xffff },
		{ .version = 1, .rsvd1 = 1, .rsvd2 = 0xf, .sid = 4,
		  .opcode = 2, .aid = 0x155, .tid = 0xaaa, .fn = 0x55 },
	};
	uint8_t buf[MIH_HDR_LEN], again[MIH_HDR_LEN];
	struct mih_hdr h;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mih_hdr *c = &cases[i];

		ASSERT_EQ(MIH_HDR_LEN, mih_hdr_encode(buf, sizeof(buf), c));
		ASSERT_EQ(MIH_HDR_LEN, mih_hdr_decode(buf, sizeof(buf), &h));
		EXPECT_EQ(c->version, h.version);
		EXPECT_EQ(c->ack_req, h.ack_req);
		EXPECT_EQ(c->ack_rsp, h.ack_rsp);
		EXPECT_EQ(c->uir, h.uir);
		EXPECT_EQ(c->more, h.more);
		EXPECT_EQ(c->fn, h.fn);
		EXPECT_EQ(c->rsvd1, h.rsvd1);
		EXPECT_EQ(c->sid, h.sid);
		EXPECT_EQ(c->opcode, h.opcode);
		EXPECT_EQ(c->aid, h.aid);
		EXPECT_EQ(c->rsvd2, h.rsvd2);
		EXPECT_EQ(c->tid, h.tid);
		EXPECT_EQ(c->payload_len, h.payload_len);
		ASSERT_EQ(MIH_HDR_LEN, mih_hdr_encode(again, sizeof(again), &h));
		EXPECT_EQ(0, memcmp(buf, again, sizeof(buf)));
	}
}

/* Each field lands on exactly its bits (WIRE.md section 2 masks) */
TEST(hdr_bit_positions)
{
	uint8_t buf[MIH_HDR_LEN];
	struct mih_hdr h = { .version = 1 };
	static const uint8_t base[MIH_HDR_LEN] = { 0x10, 0, 0, 0, 0, 0, 0, 0 };

	ASSERT_EQ(MIH_HDR_LEN, mih_hdr_encode(buf, sizeof(buf), &h));
	EXPECT_EQ(0, memcmp(buf, base, sizeof(buf)));
#define ONE(field, val, octet, bits) do {				\
		struct mih_hdr x = { .version = 1 };			\
		x.field = val;						\
		ASSERT_EQ(MIH_HDR_LEN, mih_hdr_encode(buf, sizeof(buf), &x)); \
		EXPECT_EQ((uint8_t)(base[octet] | (bits)), buf[octet])	\
			TH_LOG(#field);					\
	} while (0)
	ONE(ack_req, true, 0, 0x08);
	ONE(ack_rsp, true, 0, 0x04);
	ONE(uir, true, 0, 0x02);
	ONE(more, true, 0, 0x01);
	ONE(fn, 0x7f, 1, 0xfe);
	ONE(rsvd1, 1, 1, 0x01);
	ONE(sid, 0xf, 2, 0xf0);
	ONE(opcode, 3, 2, 0x0c);
	ONE(aid, 0x300, 2, 0x03);
	ONE(aid, 0xff, 3, 0xff);
	ONE(rsvd2, 0xf, 4, 0xf0);
	ONE(tid, 0xf00, 4, 0x0f);
	ONE(tid, 0xff, 5, 0xff);
	ONE(payload_len, 0x1234, 6, 0x12);
	ONE(payload_len, 0x1234, 7, 0x34);
#undef ONE
	EXPECT_EQ(0x4401, MIH_MID(MIH_SID_INFO, MIH_OP_REQUEST, 1));
	EXPECT_EQ(0x2c02, MIH_MID(MIH_SID_EVENT, MIH_OP_INDICATION, 2));
	EXPECT_EQ(0x380b, MIH_MID(MIH_SID_COMMAND, MIH_OP_RESPONSE, 11));
}

TEST(hdr_encode_range)
{
	uint8_t buf[MIH_HDR_LEN];
	struct mih_hdr h;

#define BAD(field, val) do {						\
		memset(&h, 0, sizeof(h));				\
		h.version = 1;						\
		h.field = val;						\
		EXPECT_EQ(MIH_E_RANGE, mih_hdr_encode(buf, sizeof(buf), &h)) \
			TH_LOG(#field);					\
	} while (0)
	BAD(version, 16);
	BAD(fn, 128);
	BAD(rsvd1, 2);
	BAD(sid, 16);
	BAD(opcode, 4);
	BAD(aid, 1024);
	BAD(rsvd2, 16);
	BAD(tid, 4096);
#undef BAD
	memset(&h, 0, sizeof(h));
	EXPECT_EQ(MIH_E_NOSPACE, mih_hdr_encode(buf, MIH_HDR_LEN - 1, &h));
}

TEST(hdr_decode_errors)
{
	uint8_t buf[MIH_HDR_LEN] = { 0x20, 0, 0x14, 0x01, 0, 1, 0, 0 };
	struct mih_hdr h;
	unsigned int v;

	EXPECT_EQ(MIH_E_TRUNCATED, mih_hdr_decode(buf, MIH_HDR_LEN - 1, &h));
	for (v = 0; v < 16; v++) {
		buf[0] = (uint8_t)(v << 4);
		EXPECT_EQ(v == 1 ? MIH_HDR_LEN : MIH_E_VERSION,
			  mih_hdr_decode(buf, sizeof(buf), &h));
		EXPECT_EQ(v, h.version);	/* fields decoded anyway */
		EXPECT_EQ(0x1401, mih_hdr_mid(&h));
	}
}

/* ---- TLVs ---- */

TEST(tlv_iter_walk)
{
	static const uint8_t seq[] = {
		0x03, 0x01, 0x00,			/* Status */
		0x05, 0x04, 0x00, 0x00, 0x00, 0x06,	/* event list */
		0xc8, 0x00,				/* empty value */
		0x30, 0x81, 0x01,			/* 129 octets follow */
	};
	uint8_t *buf = malloc(sizeof(seq) + 129);
	struct mih_tlv_iter it;
	struct mih_tlv t;
	size_t len = sizeof(seq) + 129;

	ASSERT_NE(NULL, buf);
	memcpy(buf, seq, sizeof(seq));
	memset(buf + sizeof(seq), 0x5a, 129);
	mih_tlv_iter_init(&it, buf, len);

	ASSERT_EQ(1, mih_tlv_next(&it, &t));
	EXPECT_EQ(3, t.type);
	EXPECT_EQ(1U, t.len);
	EXPECT_EQ(buf + 2, t.value);
	EXPECT_EQ(0U, t.offset);
	EXPECT_EQ(3U, t.size);

	ASSERT_EQ(1, mih_tlv_next(&it, &t));
	EXPECT_EQ(5, t.type);
	EXPECT_EQ(4U, t.len);
	EXPECT_EQ(3U, t.offset);

	ASSERT_EQ(1, mih_tlv_next(&it, &t));
	EXPECT_EQ(200, t.type);
	EXPECT_EQ(0U, t.len);
	EXPECT_EQ(9U, t.offset);
	EXPECT_EQ(2U, t.size);

	ASSERT_EQ(1, mih_tlv_next(&it, &t));
	EXPECT_EQ(0x30, t.type);
	EXPECT_EQ(129U, t.len);
	EXPECT_EQ(buf + 14, t.value);
	EXPECT_EQ(132U, t.size);

	EXPECT_EQ(0, mih_tlv_next(&it, &t));
	EXPECT_EQ(0, mih_tlv_next(&it, &t));
	EXPECT_EQ(4, mih_tlvs_validate(buf, len));

	EXPECT_EQ(1, mih_tlv_find(buf, len, 5, &t));
	EXPECT_EQ(3U, t.offset);
	EXPECT_EQ(0, mih_tlv_find(buf, len, 6, &t));

	/* cut anywhere inside: the walk reports an error, never reads on */
	for (size_t cut = 1; cut < len; cut++) {
		uint8_t *p = dup_exact(buf, cut);
		int r = mih_tlvs_validate(p, cut);

		if (cut == 3 || cut == 9 || cut == 11) {
			EXPECT_EQ(cut == 3 ? 1 : cut == 9 ? 2 : 3, r);
		} else {
			EXPECT_TRUE(r == MIH_E_OVERRUN ||
				    r == MIH_E_TRUNCATED)
				TH_LOG("cut %zu: %d", cut, r);
		}
		free(p);
	}
	free(buf);
}

TEST(tlv_errors_sticky)
{
	/* good TLV, then a length claiming more than is there */
	static const uint8_t bad[] = { 0x03, 0x01, 0x00, 0x05, 0x05, 0, 0 };
	static const uint8_t nonmin[] = { 0x03, 0x81, 0x00 };
	uint8_t *p = dup_exact(bad, sizeof(bad));
	struct mih_tlv_iter it;
	struct mih_tlv t;

	ASSERT_NE(NULL, p);
	mih_tlv_iter_init(&it, p, sizeof(bad));
	EXPECT_EQ(1, mih_tlv_next(&it, &t));
	EXPECT_EQ(MIH_E_OVERRUN, mih_tlv_next(&it, &t));
	EXPECT_EQ(MIH_E_OVERRUN, mih_tlv_next(&it, &t));
	EXPECT_EQ(MIH_E_OVERRUN, mih_tlvs_validate(p, sizeof(bad)));
	EXPECT_EQ(MIH_E_OVERRUN, mih_tlv_find(p, sizeof(bad), 9, &t));
	EXPECT_EQ(1, mih_tlv_find(p, sizeof(bad), 3, &t));
	free(p);

	EXPECT_EQ(MIH_E_LEN_NONMINIMAL,
		  mih_tlvs_validate(nonmin, sizeof(nonmin)));
	EXPECT_EQ(0, mih_tlvs_validate(NULL, 0));
}

TEST(tlv_hdr_encode)
{
	uint8_t buf[MIH_TLV_HDR_MAX];

	EXPECT_EQ(2, mih_tlv_hdr_encode(buf, sizeof(buf), 200, 128));
	EXPECT_EQ(200, buf[0]);
	EXPECT_EQ(0x80, buf[1]);
	EXPECT_EQ(4, mih_tlv_hdr_encode(buf, sizeof(buf), 201, 384));
	EXPECT_EQ(0, memcmp(buf, "\xc9\x82\x01\x00", 4));
	EXPECT_EQ(MIH_E_NOSPACE, mih_tlv_hdr_encode(buf, 3, 1, 384));
	EXPECT_EQ(MIH_E_NOSPACE, mih_tlv_hdr_encode(buf, 0, 1, 0));
	EXPECT_EQ(3U, mih_tlv_size(1));
	EXPECT_EQ(2U + 128, mih_tlv_size(128));
	EXPECT_EQ(3U + 129, mih_tlv_size(129));
}

/* ---- MIHF ID (WIRE.md section 5) ---- */

TEST(mihf_id_example)
{
	static const uint8_t mn1[] = { 0x01, 0x04, 0x03, 0x6d, 0x6e, 0x31 };
	struct mih_builder b;
	const uint8_t *id;
	uint8_t out[16];
	struct mih_tlv t;
	size_t id_len, n;

	ASSERT_EQ(0, mih_tlv_decode(mn1, sizeof(mn1), &t));
	EXPECT_EQ(1, t.type);
	ASSERT_EQ(0, mih_mihf_id_decode(&t, &id, &id_len));
	ASSERT_EQ(3U, id_len);
	EXPECT_EQ(0, memcmp(id, "mn1", 3));

	mih_builder_init(&b, out, sizeof(out));
	mih_build_mihf_id(&b, MIH_TLV_SRC_MIHF_ID, "mn1", 3);
	ASSERT_EQ(0, b.err);
	n = b.len;
	ASSERT_EQ(sizeof(mn1), n);
	EXPECT_EQ(0, memcmp(out, mn1, n));
}

TEST(mihf_id_errors)
{
	static const uint8_t longer[] = { 0x01, 0x04, 0x04, 'a', 'b', 'c' };
	static const uint8_t shorter[] = { 0x01, 0x04, 0x02, 'a', 'b', 'c' };
	static const uint8_t empty_val[] = { 0x02, 0x00 };
	static const uint8_t empty_id[] = { 0x02, 0x01, 0x00 };
	static const uint8_t nonmin[] = { 0x02, 0x03, 0x81, 0x00, 'x' };
	uint8_t big[1 + 2 + 2 + 254];
	const uint8_t *id;
	struct mih_tlv t;
	size_t id_len = 99;

	ASSERT_EQ(0, mih_tlv_decode(longer, sizeof(longer), &t));
	EXPECT_EQ(MIH_E_ID_LEN, mih_mihf_id_decode(&t, &id, &id_len));
	ASSERT_EQ(0, mih_tlv_decode(shorter, sizeof(shorter), &t));
	EXPECT_EQ(MIH_E_ID_LEN, mih_mihf_id_decode(&t, &id, &id_len));
	ASSERT_EQ(0, mih_tlv_decode(empty_val, sizeof(empty_val), &t));
	EXPECT_EQ(MIH_E_ID_LEN, mih_mihf_id_decode(&t, &id, &id_len));
	ASSERT_EQ(0, mih_tlv_decode(nonmin, sizeof(nonmin), &t));
	EXPECT_EQ(MIH_E_LEN_NONMINIMAL, mih_mihf_id_decode(&t, &id, &id_len));
	/* zero-length ID (WIRE.md 5: unknown destination) is legal */
	ASSERT_EQ(0, mih_tlv_decode(empty_id, sizeof(empty_id), &t));
	EXPECT_EQ(0, mih_mihf_id_decode(&t, &id, &id_len));
	EXPECT_EQ(0U, id_len);

	/* 254 octets: too long; TLV len 256 = 81 80, string 254 = 81 7e */
	big[0] = 0x02;
	big[1] = 0x81;
	big[2] = 0x80;
	big[3] = 0x81;
	big[4] = 0x7e;
	memset(big + 5, 'a', sizeof(big) - 5);
	ASSERT_EQ(0, mih_tlv_decode(big, sizeof(big), &t));
	EXPECT_EQ(256U, t.len);
	EXPECT_EQ(MIH_E_ID_TOO_LONG, mih_mihf_id_decode(&t, &id, &id_len));
}

/* ---- WIRE.md section 12 / 8 worked examples ---- */

static const uint8_t capdisc_req[] = {
	0x18, 0x00, 0x14, 0x01, 0x00, 0x0e, 0x00, 0x18,
	0x01, 0x07, 0x06, 'o', 'd', 't', 'o', 'n', 'e',
	0x02, 0x09, 0x08, 'p', 'y', 'o', 'r', 'a', 'c', 'l', 'e',
	0x08, 0x02, 0x00, 0x01,
};

static const uint8_t capdisc_rsp[] = {
	0x10, 0x00, 0x18, 0x01, 0x00, 0x0e, 0x00, 0x2e,
	0x01, 0x09, 0x08, 'p', 'y', 'o', 'r', 'a', 'c', 'l', 'e',
	0x02, 0x07, 0x06, 'o', 'd', 't', 'o', 'n', 'e',
	0x03, 0x01, 0x00,
	0x09, 0x0f, 0x01, 0x01, 0x13, 0x00, 0x00,
	0x00, 0x00, 0x06, 0x06, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
	0x05, 0x04, 0x00, 0x00, 0x00, 0x06,
};

static const uint8_t pure_ack[] = {
	0x14, 0x00, 0x14, 0x01, 0x00, 0x0e, 0x00, 0x14,
	0x01, 0x09, 0x08, 'p', 'y', 'o', 'r', 'a', 'c', 'l', 'e',
	0x02, 0x07, 0x06, 'o', 'd', 't', 'o', 'n', 'e',
};

/* Re-encode a parsed PDU from its fields; must give the same octets */
static int rebuild(const struct mih_pdu *p, uint8_t *out, size_t size,
		   size_t *len)
{
	struct mih_tlv_iter it;
	struct mih_builder b;
	struct mih_tlv t;
	int r;

	mih_builder_init(&b, out, size);
	mih_build_hdr(&b, &p->hdr);
	mih_build_ids(&b, p->src_id, p->src_id_len, p->dst_id, p->dst_id_len);
	mih_tlv_iter_init(&it, p->body, p->body_len);
	while ((r = mih_tlv_next(&it, &t)) > 0)
		mih_build_tlv(&b, t.type, t.value, t.len);
	if (r < 0)
		return r;
	return mih_build_finish(&b, len);
}

TEST(wire_capdisc_request)
{
	uint8_t *buf = dup_exact(capdisc_req, sizeof(capdisc_req));
	uint8_t out[64];
	struct mih_pdu p;
	struct mih_tlv t;
	size_t n = 0;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, mih_pdu_parse(buf, sizeof(capdisc_req), &p));
	EXPECT_EQ(1, p.hdr.version);
	EXPECT_TRUE(p.hdr.ack_req);
	EXPECT_FALSE(p.hdr.ack_rsp);
	EXPECT_FALSE(p.hdr.uir);
	EXPECT_FALSE(p.hdr.more);
	EXPECT_EQ(0, p.hdr.fn);
	EXPECT_EQ(MIH_SID_SERVICE_MGMT, p.hdr.sid);
	EXPECT_EQ(MIH_OP_REQUEST, p.hdr.opcode);
	EXPECT_EQ(MIH_AID_CAPABILITY_DISCOVER, p.hdr.aid);
	EXPECT_EQ(0x1401, mih_hdr_mid(&p.hdr));
	EXPECT_EQ(14, p.hdr.tid);
	EXPECT_EQ(24, p.hdr.payload_len);
	ASSERT_EQ(6U, p.src_id_len);
	EXPECT_EQ(0, memcmp(p.src_id, "odtone", 6));
	ASSERT_EQ(8U, p.dst_id_len);
	EXPECT_EQ(0, memcmp(p.dst_id, "pyoracle", 8));
	EXPECT_EQ(28U, p.ids_len);
	ASSERT_EQ(4U, p.body_len);
	ASSERT_EQ(0, mih_tlv_decode(p.body, p.body_len, &t));
	EXPECT_EQ(MIH_TLV_TRANS_LIST, t.type);
	ASSERT_EQ(2U, t.len);
	EXPECT_EQ(0, memcmp(t.value, "\x00\x01", 2));

	ASSERT_EQ(0, rebuild(&p, out, sizeof(out), &n));
	ASSERT_EQ(sizeof(capdisc_req), n);
	EXPECT_EQ(0, memcmp(out, capdisc_req, n));
	free(buf);
}

TEST(wire_capdisc_response)
{
	uint8_t *buf = dup_exact(capdisc_rsp, sizeof(capdisc_rsp));
	struct mih_tlv_iter it;
	uint8_t out[64];
	struct mih_pdu p;
	struct mih_tlv t;
	size_t n = 0;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, mih_pdu_parse(buf, sizeof(capdisc_rsp), &p));
	EXPECT_FALSE(p.hdr.ack_req);
	EXPECT_FALSE(p.hdr.ack_rsp);
	EXPECT_EQ(MIH_OP_RESPONSE, p.hdr.opcode);
	EXPECT_EQ(0x1801, mih_hdr_mid(&p.hdr));
	EXPECT_EQ(14, p.hdr.tid);
	EXPECT_EQ(46, p.hdr.payload_len);
	EXPECT_EQ(0, memcmp(p.src_id, "pyoracle", 8));
	EXPECT_EQ(0, memcmp(p.dst_id, "odtone", 6));

	mih_tlv_iter_init(&it, p.body, p.body_len);
	ASSERT_EQ(1, mih_tlv_next(&it, &t));
	EXPECT_EQ(MIH_TLV_STATUS, t.type);
	EXPECT_EQ(1U, t.len);
	EXPECT_EQ(0, t.value[0]);
	ASSERT_EQ(1, mih_tlv_next(&it, &t));
	EXPECT_EQ(MIH_TLV_LINK_ADDR_LIST, t.type);
	EXPECT_EQ(15U, t.len);
	EXPECT_EQ(1, t.value[0]);		/* one element */
	EXPECT_EQ(0x13, t.value[2]);		/* 802.11 */
	EXPECT_EQ(0, memcmp(t.value + 9, "\x02\x11\x22\x33\x44\x55", 6));
	ASSERT_EQ(1, mih_tlv_next(&it, &t));
	EXPECT_EQ(MIH_TLV_EVT_LIST, t.type);
	EXPECT_EQ(0, memcmp(t.value, "\x00\x00\x00\x06", 4));
	EXPECT_EQ(0, mih_tlv_next(&it, &t));

	ASSERT_EQ(0, rebuild(&p, out, sizeof(out), &n));
	ASSERT_EQ(sizeof(capdisc_rsp), n);
	EXPECT_EQ(0, memcmp(out, capdisc_rsp, n));
	free(buf);
}

TEST(wire_pure_ack)
{
	uint8_t *buf = dup_exact(pure_ack, sizeof(pure_ack));
	uint8_t out[64];
	struct mih_pdu p;
	size_t n = 0;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, mih_pdu_parse(buf, sizeof(pure_ack), &p));
	EXPECT_FALSE(p.hdr.ack_req);
	EXPECT_TRUE(p.hdr.ack_rsp);
	EXPECT_EQ(0x1401, mih_hdr_mid(&p.hdr));
	EXPECT_EQ(14, p.hdr.tid);
	EXPECT_EQ(20, p.hdr.payload_len);
	EXPECT_EQ(0U, p.body_len);
	EXPECT_EQ(sizeof(pure_ack), p.ids_len);
	ASSERT_EQ(0, rebuild(&p, out, sizeof(out), &n));
	ASSERT_EQ(sizeof(pure_ack), n);
	EXPECT_EQ(0, memcmp(out, pure_ack, n));
	free(buf);
}

/* ---- strict PDU parse ---- */

static int parse_copy(const uint8_t *src, size_t len)
{
	uint8_t *p = dup_exact(src, len);
	struct mih_pdu pdu;
	int r = p ? mih_pdu_parse(p, len, &pdu) : MIH_E_INVAL;

	free(p);
	return r;
}

TEST(pdu_parse_errors)
{
	uint8_t b[sizeof(capdisc_req) + 4];
	size_t cut;

	memcpy(b, capdisc_req, sizeof(capdisc_req));
	EXPECT_EQ(0, parse_copy(b, sizeof(capdisc_req)));
	/* every truncation fails */
	for (cut = 0; cut < sizeof(capdisc_req); cut++)
		EXPECT_NE(0, parse_copy(b, cut));
	EXPECT_EQ(MIH_E_TRUNCATED, parse_copy(b, 7));
	/* payload length one off either way */
	b[7] = 0x17;
	EXPECT_EQ(MIH_E_PAYLOAD_LEN, parse_copy(b, sizeof(capdisc_req)));
	b[7] = 0x19;
	EXPECT_EQ(MIH_E_PAYLOAD_LEN, parse_copy(b, sizeof(capdisc_req)));
	b[7] = 0x18;
	/* version 2 */
	b[0] = 0x28;
	EXPECT_EQ(MIH_E_VERSION, parse_copy(b, sizeof(capdisc_req)));
	b[0] = 0x18;
	/* IDs swapped in type */
	b[8] = 2;
	EXPECT_EQ(MIH_E_NO_SRC_ID, parse_copy(b, sizeof(capdisc_req)));
	b[8] = 1;
	b[17] = 3;
	EXPECT_EQ(MIH_E_NO_DST_ID, parse_copy(b, sizeof(capdisc_req)));
	b[17] = 2;
	/* ID string shorter than its TLV */
	b[10] = 5;
	EXPECT_EQ(MIH_E_ID_LEN, parse_copy(b, sizeof(capdisc_req)));
	b[10] = 6;
	/* body TLV overruns the PDU */
	b[29] = 3;
	EXPECT_EQ(MIH_E_OVERRUN, parse_copy(b, sizeof(capdisc_req)));
	b[29] = 2;
	/* body TLV with a non-minimal length: 08 81 00 ... */
	memcpy(b + 28, "\x08\x81\x00", 3);
	EXPECT_EQ(MIH_E_LEN_NONMINIMAL, parse_copy(b, sizeof(capdisc_req)));
	memcpy(b, capdisc_req, sizeof(capdisc_req));
	/* header only, payload 0: no Source ID */
	b[7] = 0;
	EXPECT_EQ(MIH_E_NO_SRC_ID, parse_copy(b, 8));
	/* Source only */
	b[7] = 9;
	EXPECT_EQ(MIH_E_NO_DST_ID, parse_copy(b, 17));
}

/* ---- builder ---- */

TEST(build_long_ids_and_values)
{
	static const struct mih_hdr h = {
		.version = 1, .sid = 3, .opcode = 1, .aid = 3, .tid = 0x77,
	};
	uint8_t id128[128], id200[200], val[300], out[1024];
	struct mih_builder b;
	struct mih_pdu p;
	struct mih_tlv t;
	size_t n = 0;

	memset(id128, 'x', sizeof(id128));
	memset(id200, 'y', sizeof(id200));
	memset(val, 0xa5, sizeof(val));
	mih_builder_init(&b, out, sizeof(out));
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, id128, sizeof(id128), id200, sizeof(id200));
	mih_build_tlv(&b, 38, val, 128);
	mih_build_tlv(&b, 39, val, 300);
	ASSERT_EQ(0, mih_build_finish(&b, &n));
	/* 8 + (1+2+1+128) + (1+2+2+200) + (1+1+128) + (1+2+300) */
	ASSERT_EQ(778U, n);
	EXPECT_EQ(0, memcmp(out + 8, "\x01\x81\x01\x80", 4));
	EXPECT_EQ(0, memcmp(out + 140, "\x02\x81\x4a\x81\x48", 5));
	EXPECT_EQ(0, memcmp(out + 345, "\x26\x80", 2));
	EXPECT_EQ(0, memcmp(out + 475, "\x27\x81\xac", 3));
	ASSERT_EQ(0, mih_pdu_parse(out, n, &p));
	EXPECT_EQ(770, p.hdr.payload_len);
	EXPECT_EQ(128U, p.src_id_len);
	EXPECT_EQ(200U, p.dst_id_len);
	EXPECT_EQ(0, memcmp(p.dst_id, id200, 200));
	ASSERT_EQ(1, mih_tlv_find(p.body, p.body_len, 39, &t));
	EXPECT_EQ(300U, t.len);
}

TEST(build_errors)
{
	static const struct mih_hdr h = { .version = 1 };
	uint8_t out[64], id[254];
	struct mih_builder b;
	size_t n = 0;

	memset(id, 'z', sizeof(id));
	/* too small: sticky NOSPACE, nothing written past the buffer */
	mih_builder_init(&b, out, 20);
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, "odtone", 6, "pyoracle", 8);
	mih_build_tlv(&b, 3, "\x00", 1);
	EXPECT_EQ(MIH_E_NOSPACE, mih_build_finish(&b, &n));
	EXPECT_EQ(17U, b.len);

	/* IDs before the header; an over-long ID */
	mih_builder_init(&b, out, sizeof(out));
	mih_build_ids(&b, "a", 1, "b", 1);
	EXPECT_EQ(MIH_E_INVAL, mih_build_finish(&b, &n));
	mih_builder_init(&b, out, sizeof(out));
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, id, 254, "b", 1);
	EXPECT_EQ(MIH_E_ID_TOO_LONG, mih_build_finish(&b, &n));
	/* a header field out of range */
	mih_builder_init(&b, out, sizeof(out));
	{
		struct mih_hdr bad = h;

		bad.aid = 2000;
		mih_build_hdr(&b, &bad);
	}
	EXPECT_EQ(MIH_E_RANGE, mih_build_finish(&b, &n));
	/* nothing at all */
	mih_builder_init(&b, out, sizeof(out));
	EXPECT_EQ(MIH_E_INVAL, mih_build_finish(&b, &n));
}

TEST(build_payload_limit)
{
	static const struct mih_hdr h = { .version = 1 };
	size_t size = MIH_PDU_MAX + 16, n = 0;
	uint8_t *out = malloc(size), *v;
	struct mih_builder b;
	struct mih_pdu p;

	ASSERT_NE(NULL, out);
	/* exactly 65535 octets of payload: 12 of IDs, 4 + 65519 of TLV */
	mih_builder_init(&b, out, size);
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, "mmt", 3, "pos", 3);
	v = mih_build_tlv_reserve(&b, 100, 65535 - 12 - 4);
	ASSERT_NE(NULL, v);
	memset(v, 1, 65535 - 12 - 4);
	ASSERT_EQ(0, mih_build_finish(&b, &n));
	ASSERT_EQ((size_t)MIH_PDU_MAX, n);
	EXPECT_EQ(0, mih_pdu_parse(out, n, &p));
	/* one more octet does not fit the 16-bit payload length */
	mih_build_bytes(&b, "", 1);
	EXPECT_EQ(MIH_E_RANGE, mih_build_finish(&b, &n));
	free(out);
}

/* ---- robustness: accepted input is canonical, nothing reads outside ---- */

static uint32_t rng_state = 0x2545f491;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

TEST(mutations_parse_canonical)
{
	const uint8_t *seeds[] = { capdisc_req, capdisc_rsp, pure_ack };
	const size_t lens[] = { sizeof(capdisc_req), sizeof(capdisc_rsp),
				sizeof(pure_ack) };
	unsigned int iter, accepted = 0, rejected = 0;
	uint8_t out[128];

	for (iter = 0; iter < 60000; iter++) {
		unsigned int s = rng() % 3, flips = 1 + rng() % 3, k;
		size_t len = lens[s];
		uint8_t *p;
		struct mih_pdu pdu;
		size_t n = 0;

		if (rng() % 4 == 0)
			len -= rng() % len;
		p = dup_exact(seeds[s], len);
		ASSERT_NE(NULL, p);
		for (k = 0; k < flips && len; k++)
			p[rng() % len] ^= (uint8_t)(1 + rng() % 255);
		if (mih_pdu_parse(p, len, &pdu) == 0) {
			accepted++;
			ASSERT_EQ(0, rebuild(&pdu, out, sizeof(out), &n));
			ASSERT_EQ(len, n);
			ASSERT_EQ(0, memcmp(out, p, n));
		} else {
			rejected++;
		}
		free(p);
	}
	EXPECT_GT(accepted, 100U);
	EXPECT_GT(rejected, 100U);
}

TEST(strerror_all)
{
	int e;

	for (e = MIH_E_TLV_ALT; e <= 0; e++) {
		EXPECT_STRNE("unknown MIH codec error", mih_strerror(e));
		/* every defect has its own sentence */
		for (int k = e + 1; k <= 0; k++)
			EXPECT_STRNE(mih_strerror(k), mih_strerror(e));
	}
	EXPECT_STREQ("unknown MIH codec error",
		     mih_strerror(MIH_E_TLV_ALT - 1));
	EXPECT_STREQ("unknown MIH codec error", mih_strerror(-100));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: hostile and malformed protected PDUs, each with the drop reason
 * PROTOCOL.md section 5 gives it, in the receive path's own order: parse
 * (malformed), protected at all (unprotected, under "require"), key ID
 * (unknown-key), then mihsec_pdu_open() (steps 4-10).
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "../crypto.h"
#include "../mih.h"
#include "../pdu.h"
#include "../replay.h"
#include "../sa.h"

#define BUF	4096
#define OK	0

static const u8 kid[MIHSEC_KEYID_LEN] = { 0x6b, 0x69, 0x64, 1, 2, 3, 4, 5 };
static const u8 key[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6 };
static const u8 salt[MIHSEC_SALT_LEN] = { 0xca, 0xfe, 0xba, 0xbe };

struct pdu_env {
	struct mihsec_sa *sa;		/* the receiver's: peer mmt1, local ar1 */
	struct mihsec_key tx;		/* the sender's key (same key, same salt) */
	u8 *buf;
};

static int pdu_init(struct kunit *test)
{
	struct pdu_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	struct mihsec_sa *sa;

	if (!e)
		return -ENOMEM;
	e->buf = kunit_kzalloc(test, BUF, GFP_KERNEL);
	sa = kunit_kzalloc(test, struct_size(sa, ids, 7), GFP_KERNEL);
	if (!e->buf || !sa)
		return -ENOMEM;
	sa->suite = MIHSEC_SUITE_AES128_GCM;
	sa->role = MIHSEC_ROLE_NETWORK;		/* receives D = 0 */
	sa->flags = MIHSEC_SA_F_ENCRYPT;
	memcpy(sa->ids, "ar1mmt1", 7);
	sa->local_len = 3;
	sa->local_id = sa->ids;
	sa->peer_len = 4;
	sa->peer_id = sa->ids + 3;
	memcpy(sa->rx_keyid, kid, sizeof(kid));
	sa->replay = mihsec_replay_alloc(1024, GFP_KERNEL);
	if (!sa->replay ||
	    mihsec_key_init(&sa->rx, sa->suite, key, 16, NULL, salt) ||
	    mihsec_key_init(&e->tx, sa->suite, key, 16, NULL, salt))
		return -ENOMEM;
	e->sa = sa;
	test->priv = e;
	return 0;
}

static void pdu_exit(struct kunit *test)
{
	struct pdu_env *e = test->priv;

	if (!e || !e->sa)
		return;
	mihsec_key_free(&e->sa->rx);
	mihsec_key_free(&e->tx);
	kfree(e->sa->replay);
}

/* Plain PDU: header (MID, TID 7), Source, Destination, one TLV 13 body */
static unsigned int plain(u8 *b, u16 mid, const char *src, unsigned int sl,
			  const char *dst, unsigned int dl, unsigned int body)
{
	unsigned int n = MIH_HDR_LEN;

	memcpy(b, "\x10\x00\x00\x00\x00\x07\x00\x00", MIH_HDR_LEN);
	put_unaligned_be16(mid, b + 2);
	b[n++] = MIH_TLV_SRC_ID;
	n += mih_len_encode(b + n, mih_len_size(sl) + sl);
	n += mih_len_encode(b + n, sl);
	memcpy(b + n, src, sl);
	n += sl;
	b[n++] = MIH_TLV_DST_ID;
	n += mih_len_encode(b + n, mih_len_size(dl) + dl);
	n += mih_len_encode(b + n, dl);
	memcpy(b + n, dst, dl);
	n += dl;
	if (body) {
		b[n++] = 13;
		n += mih_len_encode(b + n, body);
		memset(b + n, 0x5a, body);
		n += body;
	}
	put_unaligned_be16(n - MIH_HDR_LEN, b + 6);
	return n;
}

/* Frame and seal the plain PDU in e->buf; returns the protected length */
static unsigned int seal(struct kunit *test, struct pdu_env *e,
			 unsigned int len, u8 suite, u8 wflags, u64 seq)
{
	struct mih_pdu pl, prot;
	unsigned int n;

	KUNIT_ASSERT_EQ(test, mih_parse(e->buf, len, &pl), 0);
	n = mihsec_frame(e->buf, &pl, suite, wflags, kid, seq, &prot);
	KUNIT_ASSERT_EQ(test, mihsec_seal(&e->tx, e->buf, &prot, NULL), 0);
	return n;
}

static unsigned int good(struct kunit *test, struct pdu_env *e, u64 seq)
{
	unsigned int n = plain(e->buf, 0x2c02, "mmt1", 4, "ar1", 3, 6);

	return seal(test, e, n, MIHSEC_SUITE_AES128_GCM,
		    MIHSEC_WIRE_F_ENCRYPTED, seq);
}

/* The hook's receive order, on a buffer */
static int verdict(struct pdu_env *e, unsigned int len)
{
	unsigned int out;
	struct mih_pdu p;

	if (mih_parse(e->buf, len, &p))
		return MIHSEC_STAT_DROP_MALFORMED;
	if (!p.protected)
		return MIHSEC_STAT_DROP_UNPROTECTED;
	if (memcmp(e->buf + p.keyid_off, e->sa->rx_keyid, MIHSEC_KEYID_LEN))
		return MIHSEC_STAT_DROP_UNKNOWN_KEY;
	return mihsec_pdu_open(e->sa, e->buf, &p, &out);
}

static void fix_plen(struct pdu_env *e, unsigned int len)
{
	put_unaligned_be16(len - MIH_HDR_LEN, e->buf + 6);
}

/* Offsets in good()'s PDU: IDs end at 21, Security TLV value at 23 */
#define SEC	21		/* TLV 200 type octet */
#define FLAGS	(SEC + 2)
#define SUITE	(SEC + 3)
#define KEYID	(SEC + 4)
#define SEQ	(SEC + 12)
#define BODY	(SEC + 20)

struct pdu_case {
	const char *name;
	int want;
	/* change e->buf (holding good(seq 100), *len octets) */
	void (*mutate)(struct kunit *test, struct pdu_env *e,
		       unsigned int *len);
};

#define MUT(fn) static void fn(struct kunit *test, struct pdu_env *e, \
			       unsigned int *len)

MUT(m_none) { }
MUT(m_flag_reserved2) { e->buf[FLAGS] |= 0x04; }
MUT(m_flag_reserved7) { e->buf[FLAGS] |= 0x80; }
MUT(m_flag_all) { e->buf[FLAGS] = 0xff; }
MUT(m_dir_bit) { e->buf[FLAGS] ^= MIHSEC_WIRE_F_NET2MMT; }
MUT(m_e_cleared) { e->buf[FLAGS] &= ~MIHSEC_WIRE_F_ENCRYPTED; }
MUT(m_suite0) { e->buf[SUITE] = 0; }
MUT(m_suite2) { e->buf[SUITE] = 2; }
MUT(m_suite3) { e->buf[SUITE] = 3; }
MUT(m_suite5) { e->buf[SUITE] = 5; }
MUT(m_suite255) { e->buf[SUITE] = 255; }
MUT(m_keyid) { e->buf[KEYID + 7] ^= 1; }
MUT(m_seq0) { put_unaligned_be64(0, e->buf + SEQ); }
MUT(m_seq_2p63_1) { put_unaligned_be64(MIHSEC_SEQ_MAX + 1, e->buf + SEQ); }
MUT(m_seq_max64) { put_unaligned_be64(U64_MAX, e->buf + SEQ); }
MUT(m_seq_other) { put_unaligned_be64(101, e->buf + SEQ); }
MUT(m_body_bit) { e->buf[BODY] ^= 0x01; }
MUT(m_icv_bit) { e->buf[*len - 1] ^= 0x80; }
MUT(m_icv_first) { e->buf[*len - 16] ^= 0x01; }
MUT(m_tid) { e->buf[5] ^= 0x01; }
MUT(m_ackreq) { e->buf[0] ^= MIH_HDR_ACK_REQ; }
MUT(m_mid) { e->buf[3] ^= 0x01; }
MUT(m_version2) { e->buf[0] = (e->buf[0] & 0x0f) | 0x20; }
MUT(m_version0) { e->buf[0] &= 0x0f; }
MUT(m_plen_plus) { put_unaligned_be16(*len - MIH_HDR_LEN + 1, e->buf + 6); }
MUT(m_plen_minus) { put_unaligned_be16(*len - MIH_HDR_LEN - 1, e->buf + 6); }
MUT(m_plen_max) { put_unaligned_be16(0xffff, e->buf + 6); }
MUT(m_src_octet) { e->buf[11] ^= 0x01; }
MUT(m_dst_octet) { e->buf[20] ^= 0x01; }
MUT(m_src_strlen) { e->buf[10] = 3; }
MUT(m_dst_tlvlen) { e->buf[17] = 0x7f; }
MUT(m_sec_len_short) { e->buf[SEC + 1] = 17; }
MUT(m_sec_len_long) { e->buf[SEC + 1] = 0x7f; }
MUT(m_sec_len_5ext) { e->buf[SEC + 1] = 0x85; }
MUT(m_sec_len_ff) { e->buf[SEC + 1] = 0xff; }
MUT(m_icv_type) { e->buf[*len - 18] = 43; }
MUT(m_sec_type) { e->buf[SEC] = 43; }
MUT(m_icv_len15) { e->buf[*len - 17] = 15; (*len)--; fix_plen(e, *len); }
MUT(m_icv_len17) { e->buf[*len - 17] = 17; e->buf[(*len)++] = 0; fix_plen(e, *len); }
MUT(m_icv_missing) { *len -= 18; fix_plen(e, *len); }
MUT(m_trailing) { e->buf[(*len)++] = 0; fix_plen(e, *len); }
MUT(m_tlv_after_icv)
{
	memcpy(e->buf + *len, "\x03\x01\x00", 3);
	*len += 3;
	fix_plen(e, *len);
}

MUT(m_dup_icv)
{
	memcpy(e->buf + *len, e->buf + *len - 18, 18);
	*len += 18;
	fix_plen(e, *len);
}

MUT(m_dup_sec)
{
	unsigned int sl = *len - 18 - SEC;

	memmove(e->buf + SEC + sl, e->buf + SEC, *len - SEC);
	*len += sl;
	fix_plen(e, *len);
}

MUT(m_tlv_before_sec)
{
	memmove(e->buf + SEC + 3, e->buf + SEC, *len - SEC);
	memcpy(e->buf + SEC, "\x03\x01\x00", 3);
	*len += 3;
	fix_plen(e, *len);
}

MUT(m_ids_swapped)
{
	*len = plain(e->buf, 0x2c02, "ar1", 3, "mmt1", 4, 6);
	*len = seal(test, e, *len, 1, MIHSEC_WIRE_F_ENCRYPTED, 100);
}

MUT(m_impersonate)
{
	*len = plain(e->buf, 0x2c02, "mmt2", 4, "ar1", 3, 6);
	*len = seal(test, e, *len, 1, MIHSEC_WIRE_F_ENCRYPTED, 100);
}

MUT(m_other_dst)
{
	*len = plain(e->buf, 0x2c02, "mmt1", 4, "ar2", 3, 6);
	*len = seal(test, e, *len, 1, MIHSEC_WIRE_F_ENCRYPTED, 100);
}

MUT(m_zero_src)
{
	*len = plain(e->buf, 0x2c02, "", 0, "ar1", 3, 6);
	*len = seal(test, e, *len, 1, MIHSEC_WIRE_F_ENCRYPTED, 100);
}

MUT(m_zero_dst)
{
	*len = plain(e->buf, 0x2c02, "mmt1", 4, "", 0, 6);
	*len = seal(test, e, *len, 1, MIHSEC_WIRE_F_ENCRYPTED, 100);
}

MUT(m_sealed_d1)
{
	*len = plain(e->buf, 0x2c02, "mmt1", 4, "ar1", 3, 6);
	*len = seal(test, e, *len, 1, MIHSEC_WIRE_F_ENCRYPTED |
		    MIHSEC_WIRE_F_NET2MMT, 100);
}

MUT(m_sealed_e0)
{
	*len = plain(e->buf, 0x2c02, "mmt1", 4, "ar1", 3, 6);
	*len = seal(test, e, *len, 1, 0, 100);
}

MUT(m_e0_allowed)
{
	e->sa->flags = 0;
	m_sealed_e0(test, e, len);
}

MUT(m_sealed_suite3)
{
	*len = plain(e->buf, 0x2c02, "mmt1", 4, "ar1", 3, 6);
	*len = seal(test, e, *len, MIHSEC_SUITE_AES128_GCM,
		    MIHSEC_WIRE_F_ENCRYPTED, 100);
	e->buf[SUITE] = MIHSEC_SUITE_CHACHA20_POLY1305;
}

MUT(m_big_body)
{
	*len = plain(e->buf, 0x2c02, "mmt1", 4, "ar1", 3, 3000);
	*len = seal(test, e, *len, 1, MIHSEC_WIRE_F_ENCRYPTED, 100);
}

MUT(m_long_ids)
{
	static const char id[253] = "x";

	*len = plain(e->buf, 0x2c02, id, 253, "ar1", 3, 6);
	*len = seal(test, e, *len, 1, MIHSEC_WIRE_F_ENCRYPTED, 100);
}

MUT(m_id_254)
{
	static const char id[254] = "x";

	*len = plain(e->buf, 0x2c02, id, 254, "ar1", 3, 6);
}

/* The sender sealed a Body that is not a TLV sequence: authentic, bad */
MUT(m_bad_body)
{
	struct mih_pdu pl, prot;

	*len = plain(e->buf, 0x2c02, "mmt1", 4, "ar1", 3, 6);
	KUNIT_ASSERT_EQ(test, mih_parse(e->buf, *len, &pl), 0);
	*len = mihsec_frame(e->buf, &pl, 1, MIHSEC_WIRE_F_ENCRYPTED, kid, 100,
			    &prot);
	e->buf[prot.cbody_off + 1] = 9;		/* TLV 13 claims 9 of 6 */
	KUNIT_ASSERT_EQ(test, mihsec_seal(&e->tx, e->buf, &prot, NULL), 0);
}

MUT(m_no_sec_at_all)
{
	*len = plain(e->buf, 0x2c02, "mmt1", 4, "ar1", 3, 6);
}

MUT(m_replayed)
{
	u8 copy[128];

	memcpy(copy, e->buf, *len);
	KUNIT_ASSERT_EQ(test, verdict(e, *len), OK);
	memcpy(e->buf, copy, *len);
}

MUT(m_too_old)
{
	*len = good(test, e, 5000);
	KUNIT_ASSERT_EQ(test, verdict(e, *len), OK);
	*len = good(test, e, 5000 - 1024);
}

MUT(m_in_window)
{
	*len = good(test, e, 5000);
	KUNIT_ASSERT_EQ(test, verdict(e, *len), OK);
	*len = good(test, e, 5000 - 1023);
}

MUT(m_seq_2p63)
{
	*len = good(test, e, MIHSEC_SEQ_MAX);
}

MUT(m_allowed)
{
	static const u16 mids[] = { 0x2c02 };

	e->sa->allow = mihsec_midset_new(mids, 1, GFP_KERNEL);
}

MUT(m_denied)
{
	static const u16 mids[] = { 0x2c03, 0x4401 };

	e->sa->allow = mihsec_midset_new(mids, 2, GFP_KERNEL);
}

MUT(m_deny_all)
{
	e->sa->allow = mihsec_midset_new(NULL, 0, GFP_KERNEL);
}

static const struct pdu_case pdu_cases[] = {
	{ "valid", OK, m_none },
	{ "valid, seq 2^63", OK, m_seq_2p63 },
	{ "valid, Body of 3000 octets", OK, m_big_body },

	{ "E=0 on an SA that does not require encryption", OK, m_e0_allowed },
	{ "in the window, out of order", OK, m_in_window },
	{ "on the allow list", OK, m_allowed },
	{ "reserved flag bit 2", MIHSEC_STAT_DROP_MALFORMED, m_flag_reserved2 },
	{ "reserved flag bit 7", MIHSEC_STAT_DROP_MALFORMED, m_flag_reserved7 },
	{ "all flag bits", MIHSEC_STAT_DROP_MALFORMED, m_flag_all },
	{ "suite 0", MIHSEC_STAT_DROP_MALFORMED, m_suite0 },
	{ "suite 5", MIHSEC_STAT_DROP_MALFORMED, m_suite5 },
	{ "suite 255", MIHSEC_STAT_DROP_MALFORMED, m_suite255 },
	{ "sequence 0", MIHSEC_STAT_DROP_MALFORMED, m_seq0 },
	{ "sequence 2^63 + 1", MIHSEC_STAT_DROP_MALFORMED, m_seq_2p63_1 },
	{ "sequence 2^64 - 1", MIHSEC_STAT_DROP_MALFORMED, m_seq_max64 },
	{ "version 2", MIHSEC_STAT_DROP_MALFORMED, m_version2 },
	{ "version 0", MIHSEC_STAT_DROP_MALFORMED, m_version0 },
	{ "payload length + 1", MIHSEC_STAT_DROP_MALFORMED, m_plen_plus },
	{ "payload length - 1", MIHSEC_STAT_DROP_MALFORMED, m_plen_minus },
	{ "payload length 65535", MIHSEC_STAT_DROP_MALFORMED, m_plen_max },
	{ "ID string length != TLV length", MIHSEC_STAT_DROP_MALFORMED, m_src_strlen },
	{ "Destination ID string overlong", MIHSEC_STAT_DROP_MALFORMED, m_dst_tlvlen },
	{ "Source ID of 254 octets", MIHSEC_STAT_DROP_MALFORMED, m_id_254 },
	{ "Security TLV shorter than its fields", MIHSEC_STAT_DROP_MALFORMED, m_sec_len_short },
	{ "Security TLV overlong", MIHSEC_STAT_DROP_MALFORMED, m_sec_len_long },
	{ "length with 5 extension octets", MIHSEC_STAT_DROP_MALFORMED, m_sec_len_5ext },
	{ "length octet 0xff", MIHSEC_STAT_DROP_MALFORMED, m_sec_len_ff },
	{ "Integrity TLV retyped", MIHSEC_STAT_DROP_MALFORMED, m_icv_type },
	{ "Security TLV retyped (Integrity alone)", MIHSEC_STAT_DROP_MALFORMED, m_sec_type },
	{ "ICV of 15 octets", MIHSEC_STAT_DROP_MALFORMED, m_icv_len15 },
	{ "ICV of 17 octets", MIHSEC_STAT_DROP_MALFORMED, m_icv_len17 },
	{ "Integrity TLV missing", MIHSEC_STAT_DROP_MALFORMED, m_icv_missing },
	{ "trailing octet", MIHSEC_STAT_DROP_MALFORMED, m_trailing },
	{ "TLV after the Integrity TLV", MIHSEC_STAT_DROP_MALFORMED, m_tlv_after_icv },
	{ "Integrity TLV twice", MIHSEC_STAT_DROP_MALFORMED, m_dup_icv },
	{ "Security TLV twice", MIHSEC_STAT_DROP_MALFORMED, m_dup_sec },
	{ "TLV before the Security TLV", MIHSEC_STAT_DROP_MALFORMED, m_tlv_before_sec },
	{ "Body not a TLV sequence (sealed so)", MIHSEC_STAT_DROP_MALFORMED, m_bad_body },
	{ "no security TLVs, policy require", MIHSEC_STAT_DROP_UNPROTECTED, m_no_sec_at_all },
	{ "key ID flipped", MIHSEC_STAT_DROP_UNKNOWN_KEY, m_keyid },
	{ "suite 2 on a suite-1 SA", MIHSEC_STAT_DROP_SUITE_MISMATCH, m_suite2 },
	{ "suite 3 on a suite-1 SA", MIHSEC_STAT_DROP_SUITE_MISMATCH, m_suite3 },
	{ "suite byte rewritten to 3", MIHSEC_STAT_DROP_SUITE_MISMATCH, m_sealed_suite3 },
	{ "E cleared", MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED, m_e_cleared },
	{ "sealed with E=0", MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED, m_sealed_e0 },
	{ "D flipped", MIHSEC_STAT_DROP_DIRECTION_MISMATCH, m_dir_bit },
	{ "sealed network->MMT (reflection)", MIHSEC_STAT_DROP_DIRECTION_MISMATCH, m_sealed_d1 },
	{ "replayed", MIHSEC_STAT_DROP_REPLAY, m_replayed },
	{ "older than the window", MIHSEC_STAT_DROP_REPLAY, m_too_old },
	{ "sequence changed", MIHSEC_STAT_DROP_AUTH_FAIL, m_seq_other },
	{ "Body bit flipped", MIHSEC_STAT_DROP_AUTH_FAIL, m_body_bit },
	{ "ICV last bit flipped", MIHSEC_STAT_DROP_AUTH_FAIL, m_icv_bit },
	{ "ICV first bit flipped", MIHSEC_STAT_DROP_AUTH_FAIL, m_icv_first },
	{ "TID changed", MIHSEC_STAT_DROP_AUTH_FAIL, m_tid },
	{ "ACK-Req toggled", MIHSEC_STAT_DROP_AUTH_FAIL, m_ackreq },
	{ "MID changed", MIHSEC_STAT_DROP_AUTH_FAIL, m_mid },
	{ "Source ID octet changed", MIHSEC_STAT_DROP_AUTH_FAIL, m_src_octet },
	{ "Destination ID octet changed", MIHSEC_STAT_DROP_AUTH_FAIL, m_dst_octet },
	{ "impersonation: valid key, other Source",
	  MIHSEC_STAT_DROP_IDENTITY_MISMATCH, m_impersonate },
	{ "valid key, other Destination", MIHSEC_STAT_DROP_IDENTITY_MISMATCH, m_other_dst },
	{ "IDs swapped", MIHSEC_STAT_DROP_IDENTITY_MISMATCH, m_ids_swapped },
	{ "zero-length Source ID", MIHSEC_STAT_DROP_IDENTITY_MISMATCH, m_zero_src },
	{ "zero-length Destination ID", MIHSEC_STAT_DROP_IDENTITY_MISMATCH, m_zero_dst },
	{ "valid key, 253-octet Source ID", MIHSEC_STAT_DROP_IDENTITY_MISMATCH, m_long_ids },
	{ "not on the allow list", MIHSEC_STAT_DROP_DENIED, m_denied },
	{ "empty allow list", MIHSEC_STAT_DROP_DENIED, m_deny_all },
};

static void case_desc(const struct pdu_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pdu, pdu_cases, case_desc);

static void pdu_verdict(struct kunit *test)
{
	const struct pdu_case *c = test->param_value;
	struct pdu_env *e = test->priv;
	unsigned int len = good(test, e, 100);

	c->mutate(test, e, &len);
	KUNIT_EXPECT_EQ_MSG(test, verdict(e, len), c->want, "%s", c->name);
	kfree(e->sa->allow);
	e->sa->allow = NULL;
}

/* Cut the protected PDU at every octet (payload length kept consistent) */
static void pdu_truncated(struct kunit *test)
{
	struct pdu_env *e = test->priv;
	unsigned int full = good(test, e, 100), cut;
	u8 *copy = kunit_kmalloc(test, full, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, e->buf, full);
	for (cut = 0; cut < full; cut++) {
		int want = cut == SEC ? MIHSEC_STAT_DROP_UNPROTECTED :
					MIHSEC_STAT_DROP_MALFORMED;

		memcpy(e->buf, copy, full);
		if (cut >= MIH_HDR_LEN)
			fix_plen(e, cut);
		KUNIT_EXPECT_EQ_MSG(test, verdict(e, cut), want, "cut at %u", cut);
	}
	memcpy(e->buf, copy, full);
	KUNIT_EXPECT_EQ(test, verdict(e, full), OK);
}

static struct kunit_case pdu_test_cases[] = {
	KUNIT_CASE_PARAM(pdu_verdict, pdu_gen_params),
	KUNIT_CASE(pdu_truncated),
	{}
};

static struct kunit_suite pdu_suite = {
	.name = "mihsec_pdu",
	.init = pdu_init,
	.exit = pdu_exit,
	.test_cases = pdu_test_cases,
};

kunit_test_suite(pdu_suite);

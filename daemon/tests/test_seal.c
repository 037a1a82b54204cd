// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of MIHSec seal/open (lib/seal.c, PROTOCOL.md section 3):
 *  - the EVP primitives against published vectors (NIST GCM, RFC 8439,
 *    RFC 2202, RFC 3602), independent of this project's own vectors;
 *  - mihsec_seal() against a second construction written here from the
 *    spec (builder + primitives), and seal/open round trips for every
 *    suite, E and D, body and MIHF ID length class;
 *  - every PROTOCOL.md section 5 reason open can detect, in order;
 *  - tampering: any flipped bit, truncation or extension fails;
 *  - kmod/tests/vectors.h: each vector seals and opens here, and re-running
 *    the generator (tools/mkvectors.c, compiled in below) reproduces the
 *    checked-in file byte for byte.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

/* the 6.1 harness trips -Wextra: its wrappers ignore some parameters */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"

#include "lib/mih.h"
#include "lib/seal.h"

/* The generator itself, without its main(): mkvectors_write() */
#define MKVECTORS_NO_MAIN
#include "tools/mkvectors.c"

/* The checked-in known-answer vectors, in kernel types */
typedef uint8_t u8;
typedef uint64_t u64;
#include "../../kmod/tests/vectors.h"

#define T_E	MIHSEC_WIRE_F_ENCRYPTED
#define T_D	MIHSEC_WIRE_F_NET2MMT
#define T_MAX	8192

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned int x;

	while (s[0] && s[1] && sscanf(s, "%2x", &x) == 1) {
		out[n++] = (uint8_t)x;
		s += 2;
	}
	return n;
}

static uint8_t *dup_exact(const void *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (d && len)
		memcpy(d, p, len);
	return d;
}

/* ---- published primitive vectors ---- */

struct aead_vec {
	const char *name;
	uint8_t suite;
	const char *key, *nonce, *aad, *pt, *ct, *tag;
};

static const char gcm_p[] =
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
static const char gcm_a[] = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

static const struct aead_vec aead_vecs[] = {
	/* McGrew & Viega, GCM spec (NIST), test cases 1, 2, 4, 16 */
	{ "gcm tc1", 1, "00000000000000000000000000000000",
	  "000000000000000000000000", "", "", "",
	  "58e2fccefa7e3061367f1d57a4e7455a" },
	{ "gcm tc2", 1, "00000000000000000000000000000000",
	  "000000000000000000000000", "",
	  "00000000000000000000000000000000",
	  "0388dace60b6a392f328c2b971b2fe78",
	  "ab6e47d42cec13bdf53a67b21257bddf" },
	{ "gcm tc4", 1, "feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf888", gcm_a, gcm_p,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ "gcm tc16", 2,
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf888", gcm_a, gcm_p,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
	/* RFC 8439 section 2.8.2 */
	{ "rfc8439 2.8.2", 3,
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
	  "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
	  "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
	  "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
	  "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
	  "637265656e20776f756c642062652069742e",
	  "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	  "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	  "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	  "3ff4def08e4b7a9de576d26586cec64b6116",
	  "1ae10b594f09e26a7e902ecbd0600691" },
};

TEST(aead_published_vectors)
{
	uint8_t key[32], nonce[12], aad[64], pt[128], ct[128], tag[16];
	uint8_t out[128], got_tag[16];
	size_t i;

	for (i = 0; i < sizeof(aead_vecs) / sizeof(aead_vecs[0]); i++) {
		const struct aead_vec *v = &aead_vecs[i];
		size_t kl = unhex(v->key, key), nl = unhex(v->nonce, nonce);
		size_t al = unhex(v->aad, aad), pl = unhex(v->pt, pt);
		size_t cl = unhex(v->ct, ct);

		ASSERT_EQ(16U, unhex(v->tag, tag));
		ASSERT_EQ(pl, cl);
		memset(out, 0, sizeof(out));
		ASSERT_EQ(0, mihsec_aead_encrypt(v->suite, key, kl, nonce, nl,
						 aad, al, pt, pl, out,
						 got_tag)) TH_LOG("%s", v->name);
		EXPECT_EQ(0, memcmp(out, ct, cl)) TH_LOG("%s", v->name);
		EXPECT_EQ(0, memcmp(got_tag, tag, 16)) TH_LOG("%s", v->name);

		memset(out, 0, sizeof(out));
		ASSERT_EQ(0, mihsec_aead_decrypt(v->suite, key, kl, nonce, nl,
						 aad, al, ct, cl, tag, out))
			TH_LOG("%s", v->name);
		EXPECT_EQ(0, memcmp(out, pt, pl)) TH_LOG("%s", v->name);

		/* a wrong tag fails and leaves no plaintext behind */
		tag[15] ^= 1;
		memset(out, 0, sizeof(out));
		EXPECT_EQ(MIHSEC_E_AUTH_FAIL,
			  mihsec_aead_decrypt(v->suite, key, kl, nonce, nl, aad,
					      al, ct, cl, tag, out));
		for (size_t j = 0; j < cl; j++)
			ASSERT_EQ(0, out[j]);
		/* the wrong key length for the suite is refused */
		EXPECT_EQ(MIHSEC_E_INVAL,
			  mihsec_aead_encrypt(v->suite, key, kl - 1, nonce, nl,
					      aad, al, pt, pl, out, got_tag));
	}
	EXPECT_EQ(MIHSEC_E_UNSUPPORTED,
		  mihsec_aead_encrypt(4, key, 16, nonce, 12, NULL, 0, NULL, 0,
				      NULL, got_tag));
}

TEST(hmac_sha1_rfc2202)
{
	uint8_t key[20], mac[20], want[20];

	memset(key, 0x0b, sizeof(key));
	ASSERT_EQ(0, mihsec_hmac_sha1(key, 20, (const uint8_t *)"Hi There",
				      8, mac));
	unhex("b617318655057264e28bc0b6fb378c8ef146be00", want);
	EXPECT_EQ(0, memcmp(mac, want, 20));

	ASSERT_EQ(0, mihsec_hmac_sha1((const uint8_t *)"Jefe", 4,
				      (const uint8_t *)
				      "what do ya want for nothing?", 28, mac));
	unhex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", want);
	EXPECT_EQ(0, memcmp(mac, want, 20));
}

TEST(aes_cbc_rfc3602)
{
	uint8_t key[16], iv[16], pt[32], want[32], ct[64], back[64];
	size_t ct_len = 0, back_len = 0;

	/* case 1: one block; PKCS#7 adds a whole padding block */
	unhex("06a9214036b8a15b512e03d534120006", key);
	unhex("3dafba429d9eb430b422da802c9fac41", iv);
	unhex("e353779c1079aeb82708942dbe77181a", want);
	ASSERT_EQ(0, mihsec_cbc_encrypt(key, iv,
					(const uint8_t *)"Single block msg",
					16, ct, &ct_len));
	ASSERT_EQ(32U, ct_len);
	EXPECT_EQ(0, memcmp(ct, want, 16));
	ASSERT_EQ(0, mihsec_cbc_decrypt(key, iv, ct, ct_len, back, &back_len));
	ASSERT_EQ(16U, back_len);
	EXPECT_EQ(0, memcmp(back, "Single block msg", 16));

	/* case 2: two blocks */
	unhex("c286696d887c9aa0611bbb3e2025a45a", key);
	unhex("562e17996d093d28ddb3ba695a2e6f58", iv);
	unhex("000102030405060708090a0b0c0d0e0f"
	      "101112131415161718191a1b1c1d1e1f", pt);
	unhex("d296cd94c2cccf8a3a863028b5e1dc0a"
	      "7586602d253cfff91b8266bea6d61ab1", want);
	ASSERT_EQ(0, mihsec_cbc_encrypt(key, iv, pt, 32, ct, &ct_len));
	ASSERT_EQ(48U, ct_len);
	EXPECT_EQ(0, memcmp(ct, want, 32));
	ASSERT_EQ(0, mihsec_cbc_decrypt(key, iv, ct, ct_len, back, &back_len));
	ASSERT_EQ(32U, back_len);
	EXPECT_EQ(0, memcmp(back, pt, 32));

	/* the vector's ciphertext alone has no padding block */
	EXPECT_EQ(MIHSEC_E_PADDING,
		  mihsec_cbc_decrypt(key, iv, want, 32, back, &back_len));
	EXPECT_EQ(MIHSEC_E_PADDING,
		  mihsec_cbc_decrypt(key, iv, ct, 47, back, &back_len));
	EXPECT_EQ(MIHSEC_E_PADDING,
		  mihsec_cbc_decrypt(key, iv, ct, 0, back, &back_len));
}

/* ---- test keys and plain PDUs ---- */

static void t_key(struct __test_metadata *_metadata, struct mihsec_key *k,
		  uint8_t suite, uint8_t seed)
{
	uint8_t key[32], ikey[32], salt[4], keyid[8];
	size_t i;

	for (i = 0; i < 32; i++) {
		key[i] = (uint8_t)(seed * 31 + i * 7 + suite);
		ikey[i] = (uint8_t)(seed * 17 + i * 13 + 0x40);
	}
	for (i = 0; i < 4; i++)
		salt[i] = (uint8_t)(seed + 0xa0 + i);
	for (i = 0; i < 8; i++)
		keyid[i] = (uint8_t)(seed * 3 + i + suite * 0x10);
	ASSERT_EQ(0, mihsec_key_set(k, suite, key,
				    mihsec_suite_key_len(suite),
				    suite == 4 ? ikey : NULL, suite == 4 ? 32 : 0,
				    salt, keyid));
}

/* TLVs filling exactly len octets */
static void t_fill_body(struct mih_builder *b, size_t len, uint8_t seed)
{
	while (len) {
		size_t v, hdr;

		for (hdr = 2; hdr <= 4; hdr++) {
			v = len - hdr;
			if (len >= hdr && mih_tlv_size((uint32_t)v) == len)
				break;
		}
		if (hdr > 4) {			/* no single TLV fits: pad */
			mih_build_tlv(b, 99, NULL, 0);
			len -= 2;
			continue;
		}
		{
			uint8_t *p = mih_build_tlv_reserve(b, 101 + seed % 99,
							   (uint32_t)v);
			size_t i;

			for (i = 0; p && i < v; i++)
				p[i] = (uint8_t)(seed + i * 29);
		}
		len = 0;
	}
}

static size_t t_plain(uint8_t *out, size_t size, size_t src_len,
		      size_t dst_len, size_t body_len, uint8_t seed)
{
	struct mih_hdr h = {
		.version = 1, .ack_req = true, .sid = 3, .opcode = 1,
		.aid = 7, .tid = (uint16_t)(0x100 + seed),
	};
	char src[MIH_MIHF_ID_MAX], dst[MIH_MIHF_ID_MAX];
	struct mih_builder b;
	size_t i, n = 0;

	for (i = 0; i < sizeof(src); i++) {
		src[i] = (char)('a' + (i + seed) % 26);
		dst[i] = (char)('A' + (i * 3 + seed) % 26);
	}
	mih_builder_init(&b, out, size);
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, src, src_len, dst, dst_len);
	t_fill_body(&b, body_len, seed);
	if (mih_build_finish(&b, &n))
		return 0;
	return n;
}

/*
 * The protected PDU, built here directly from PROTOCOL.md section 3 with
 * the builder and the primitives (not with mihsec_seal's own layout code).
 */
static size_t ref_seal(const struct mihsec_key *k, uint8_t flags,
		       uint64_t seq, const uint8_t *iv, const uint8_t *plain,
		       size_t plain_len, uint8_t *out, size_t size)
{
	uint8_t body[T_MAX + 32], sec[T_MAX + 64], nonce[12];
	uint8_t zero_icv[16] = { 0 };
	bool enc = flags & T_E, cbc = k->suite == 4;
	size_t blen = 0, slen = 0, total = 0, aad_len, i;
	struct mih_builder b;
	struct mih_pdu p;

	if (mih_pdu_parse(plain, plain_len, &p))
		return 0;
	if (cbc && enc) {
		if (mihsec_cbc_encrypt(k->key, iv, p.body, p.body_len, body,
				       &blen))
			return 0;
	} else {
		memcpy(body, p.body, p.body_len);
		blen = p.body_len;
	}
	sec[slen++] = flags;
	sec[slen++] = k->suite;
	memcpy(sec + slen, k->keyid, 8);
	slen += 8;
	for (i = 0; i < 8; i++)
		sec[slen++] = (uint8_t)(seq >> (56 - 8 * i));
	if (cbc && enc) {
		memcpy(sec + slen, iv, 16);
		slen += 16;
	}
	memcpy(sec + slen, body, blen);
	slen += blen;

	mih_builder_init(&b, out, size);
	mih_build_hdr(&b, &p.hdr);
	mih_build_ids(&b, p.src_id, p.src_id_len, p.dst_id, p.dst_id_len);
	mih_build_tlv(&b, 200, sec, (uint32_t)slen);
	mih_build_tlv(&b, 201, zero_icv, 16);
	if (mih_build_finish(&b, &total))
		return 0;
	aad_len = total - 18 - blen;

	if (!cbc) {
		memcpy(nonce, k->salt, 4);
		memcpy(nonce + 4, sec + 10, 8);
		if (enc) {
			if (mihsec_aead_encrypt(k->suite, k->key, k->key_len,
						nonce, 12, out, aad_len,
						p.body, p.body_len,
						out + aad_len,
						out + total - 16))
				return 0;
		} else if (mihsec_aead_encrypt(k->suite, k->key, k->key_len,
					       nonce, 12, out,
					       aad_len + blen, NULL, 0, NULL,
					       out + total - 16)) {
			return 0;
		}
	} else {
		uint8_t mac[20];

		if (mihsec_hmac_sha1(k->ikey, 32, out, aad_len + blen, mac))
			return 0;
		memcpy(out + total - 16, mac, 16);
	}
	return total;
}

static const size_t body_lens[] = {
	0, 2, 3, 15, 16, 17, 110, 111, 127, 128, 129, 130, 131, 200,
	365, 366, 383, 384, 385, 1000, 4000,
};

static const size_t id_lens[][2] = {
	{ 6, 8 }, { 128, 1 }, { 200, 253 }, { 1, 0 },
};

/* ---- overhead ---- */

TEST(seal_overhead)
{
	uint8_t s, f;

	for (s = 1; s <= 3; s++) {
		for (f = 0; f < 4; f++) {
			EXPECT_EQ(38U, mihsec_seal_overhead(s, f, 0));
			EXPECT_EQ(38U, mihsec_seal_overhead(s, f, 110));
			EXPECT_EQ(39U, mihsec_seal_overhead(s, f, 111));
			EXPECT_EQ(39U, mihsec_seal_overhead(s, f, 365));
			EXPECT_EQ(40U, mihsec_seal_overhead(s, f, 366));
		}
	}
	EXPECT_EQ(38U, mihsec_seal_overhead(4, 0, 110));
	EXPECT_EQ(38U, mihsec_seal_overhead(4, T_D, 100));
	/* IV 16 + padding to the next block (a whole block when aligned) */
	EXPECT_EQ(38U + 16 + 16, mihsec_seal_overhead(4, T_E, 0));
	EXPECT_EQ(38U + 16 + 1, mihsec_seal_overhead(4, T_E, 15));
	EXPECT_EQ(38U + 16 + 16, mihsec_seal_overhead(4, T_E, 16));
	EXPECT_EQ(0U, mihsec_seal_overhead(0, 0, 10));
	EXPECT_EQ(0U, mihsec_seal_overhead(5, 0, 10));
	EXPECT_EQ(0U, mihsec_seal_size_max(5, 0, 10));
	EXPECT_EQ(100U + 38, mihsec_seal_size_max(1, T_E, 100));
	EXPECT_EQ(200U + 39, mihsec_seal_size_max(2, 0, 200));
	EXPECT_EQ(60U + 38 + 16 + 16, mihsec_seal_size_max(4, T_E, 60));
	EXPECT_EQ(100U + 39 + 16 + 16, mihsec_seal_size_max(4, T_E, 100));
}

/* ---- round trips, against the reference construction ---- */

TEST(round_trip_every_suite_e_d)
{
	uint8_t *plain = malloc(T_MAX), *sealed = malloc(T_MAX + 128);
	uint8_t *ref = malloc(T_MAX + 128), *back = malloc(T_MAX + 128);
	uint8_t iv[16];
	unsigned int count = 0;
	uint8_t suite, flags;
	size_t bi, ii;

	ASSERT_NE(NULL, plain);
	ASSERT_NE(NULL, sealed);
	ASSERT_NE(NULL, ref);
	ASSERT_NE(NULL, back);
	for (suite = 1; suite <= 4; suite++)
	for (flags = 0; flags < 4; flags++)
	for (bi = 0; bi < sizeof(body_lens) / sizeof(body_lens[0]); bi++)
	for (ii = 0; ii < sizeof(id_lens) / sizeof(id_lens[0]); ii++) {
		uint64_t seq = 1 + bi * 0x100000001ULL + ii * (1ULL << 61);
		struct mihsec_open_params op = {
			.role = (flags & T_D) ? MIHSEC_ROLE_MMT
					      : MIHSEC_ROLE_NETWORK,
			.require_encrypt = flags & T_E,
		};
		struct mihsec_seal_params sp = {
			.seq = seq, .flags = flags, .iv = iv,
		};
		size_t plain_len, sealed_len = 0, ref_len, back_len = 0;
		struct mihsec_key k;
		struct mihsec_sec sec;
		struct mih_pdu pp;

		memset(iv, (int)(bi * 16 + ii), sizeof(iv));
		t_key(_metadata, &k, suite, (uint8_t)(bi + ii));
		plain_len = t_plain(plain, T_MAX, id_lens[ii][0],
				    id_lens[ii][1], body_lens[bi],
				    (uint8_t)bi);
		ASSERT_NE(0U, plain_len);
		ASSERT_EQ(0, mih_pdu_parse(plain, plain_len, &pp));
		ASSERT_EQ(body_lens[bi], pp.body_len);

		ASSERT_EQ(0, mihsec_seal(&k, &sp, plain, plain_len, sealed,
					 T_MAX + 128, &sealed_len))
			TH_LOG("suite %u flags %u body %zu", suite, flags,
			       body_lens[bi]);
		EXPECT_EQ(plain_len + mihsec_seal_overhead(suite, flags,
							   pp.body_len),
			  sealed_len);
		/* the size bound from the plain PDU's length alone */
		EXPECT_GE(mihsec_seal_size_max(suite, flags, plain_len),
			  sealed_len);
		EXPECT_LE(mihsec_seal_size_max(suite, flags, plain_len),
			  sealed_len + pp.ids_len + 16 + 2);

		ref_len = ref_seal(&k, flags, seq, iv, plain, plain_len, ref,
				   T_MAX + 128);
		ASSERT_EQ(ref_len, sealed_len);
		ASSERT_EQ(0, memcmp(ref, sealed, sealed_len))
			TH_LOG("suite %u flags %u body %zu ids %zu",
			       suite, flags, body_lens[bi], ii);

		/* the fields as sent */
		ASSERT_EQ(0, mihsec_parse(sealed, sealed_len, &sec));
		EXPECT_EQ(flags, sec.flags);
		EXPECT_EQ(suite, sec.suite);
		EXPECT_EQ(seq, sec.seq);
		EXPECT_EQ(0, memcmp(sec.keyid, k.keyid, 8));
		EXPECT_EQ(0, memcmp(sealed, plain, 6));	/* header but len */
		EXPECT_EQ(0, memcmp(sealed + 8, plain + 8, pp.ids_len - 8));
		if (!(flags & T_E)) {
			ASSERT_EQ(pp.body_len, sec.body_len);
			EXPECT_EQ(0, memcmp(sec.body, pp.body, pp.body_len));
		} else if (pp.body_len >= 8) {
			EXPECT_NE(0, memcmp(sec.body, pp.body, pp.body_len));
		}

		memset(back, 0xaa, T_MAX + 128);
		ASSERT_EQ(0, mihsec_open(&k, &op, sealed, sealed_len, back,
					 sealed_len, &back_len, &sec));
		ASSERT_EQ(plain_len, back_len);
		ASSERT_EQ(0, memcmp(back, plain, plain_len));
		mihsec_key_clear(&k);
		count++;
	}
	EXPECT_EQ(4U * 4 * 21 * 4, count);
	free(plain);
	free(sealed);
	free(ref);
	free(back);
}

TEST(suite4_random_iv)
{
	uint8_t plain[256], a[512], b[512], back[512];
	struct mihsec_seal_params sp = { .seq = 9, .flags = T_E };
	size_t plain_len, alen = 0, blen = 0, n = 0;
	struct mihsec_sec sa, sb;
	struct mihsec_key k;

	t_key(_metadata, &k, 4, 1);
	plain_len = t_plain(plain, sizeof(plain), 6, 8, 40, 3);
	ASSERT_EQ(0, mihsec_seal(&k, &sp, plain, plain_len, a, sizeof(a),
				 &alen));
	ASSERT_EQ(0, mihsec_seal(&k, &sp, plain, plain_len, b, sizeof(b),
				 &blen));
	ASSERT_EQ(alen, blen);
	ASSERT_EQ(0, mihsec_parse(a, alen, &sa));
	ASSERT_EQ(0, mihsec_parse(b, blen, &sb));
	ASSERT_NE(NULL, sa.iv);
	EXPECT_NE(0, memcmp(sa.iv, sb.iv, 16));
	EXPECT_NE(0, memcmp(sa.body, sb.body, sa.body_len));
	EXPECT_EQ(48U, sa.body_len);
	ASSERT_EQ(0, mihsec_open(&k, NULL, a, alen, back, sizeof(back), &n,
				 NULL));
	EXPECT_EQ(0, memcmp(back, plain, plain_len));
	ASSERT_EQ(0, mihsec_open(&k, NULL, b, blen, back, sizeof(back), &n,
				 NULL));
	EXPECT_EQ(0, memcmp(back, plain, plain_len));
}

/* ---- open: every detectable reason, in PROTOCOL.md section 5 order ---- */

struct sealed_pdu {
	uint8_t buf[1024];
	size_t len;
	uint8_t plain[512];
	size_t plain_len;
};

static void t_seal(struct __test_metadata *_metadata, struct sealed_pdu *s,
		   const struct mihsec_key *k, uint8_t flags, uint64_t seq,
		   size_t body_len)
{
	struct mihsec_seal_params sp = { .seq = seq, .flags = flags };

	s->plain_len = t_plain(s->plain, sizeof(s->plain), 6, 8, body_len, 5);
	ASSERT_NE(0U, s->plain_len);
	ASSERT_EQ(0, mihsec_seal(k, &sp, s->plain, s->plain_len, s->buf,
				 sizeof(s->buf), &s->len));
}

TEST(open_reasons_in_order)
{
	struct mihsec_key k1, k1b, k2, wrong_id;
	struct mihsec_open_params op = { 0 };
	struct sealed_pdu s;
	uint8_t out[1024];
	size_t n = 0;
	/* the plain PDU's IDs as t_plain() makes them (seed 5) */
	const uint8_t *src = s.plain + 11, *dst = s.plain + 20;

	t_key(_metadata, &k1, 1, 1);
	t_key(_metadata, &k1b, 1, 2);		/* another key ID */
	t_key(_metadata, &k2, 2, 1);
	memcpy(k2.keyid, k1.keyid, 8);		/* same key ID, suite 2 */
	wrong_id = k1;
	wrong_id.key[0] ^= 1;			/* same ID, wrong key */

	/* E = 0, D = 0: MMT -> network */
	t_seal(_metadata, &s, &k1, 0, 5, 20);
	EXPECT_EQ(0, memcmp(src, "fghijk", 6));
	EXPECT_EQ(0, memcmp(dst, "FILORUXA", 8));
	EXPECT_EQ(0, mihsec_open(&k1, NULL, s.buf, s.len, out, sizeof(out),
				 &n, NULL));
	EXPECT_EQ(MIHSEC_E_UNKNOWN_KEY,
		  mihsec_open(&k1b, NULL, s.buf, s.len, out, sizeof(out), &n,
			      NULL));
	EXPECT_EQ(MIHSEC_E_SUITE_MISMATCH,
		  mihsec_open(&k2, NULL, s.buf, s.len, out, sizeof(out), &n,
			      NULL));
	op.require_encrypt = true;
	op.role = MIHSEC_ROLE_MMT;		/* wants D = 1 */
	/* suite before encryption before direction */
	EXPECT_EQ(MIHSEC_E_SUITE_MISMATCH,
		  mihsec_open(&k2, &op, s.buf, s.len, out, sizeof(out), &n,
			      NULL));
	EXPECT_EQ(MIHSEC_E_ENCRYPTION_REQUIRED,
		  mihsec_open(&k1, &op, s.buf, s.len, out, sizeof(out), &n,
			      NULL));
	op.require_encrypt = false;
	EXPECT_EQ(MIHSEC_E_DIRECTION_MISMATCH,
		  mihsec_open(&k1, &op, s.buf, s.len, out, sizeof(out), &n,
			      NULL));
	/* direction before the ICV is even looked at */
	EXPECT_EQ(MIHSEC_E_DIRECTION_MISMATCH,
		  mihsec_open(&wrong_id, &op, s.buf, s.len, out, sizeof(out),
			      &n, NULL));
	op.role = MIHSEC_ROLE_NETWORK;
	EXPECT_EQ(MIHSEC_E_AUTH_FAIL,
		  mihsec_open(&wrong_id, &op, s.buf, s.len, out, sizeof(out),
			      &n, NULL));
	EXPECT_EQ(0, mihsec_open(&k1, &op, s.buf, s.len, out, sizeof(out),
				 &n, NULL));
	op.role = 7;
	EXPECT_EQ(MIHSEC_E_INVAL,
		  mihsec_open(&k1, &op, s.buf, s.len, out, sizeof(out), &n,
			      NULL));
	op.role = 0;

	/* identities, checked only after the ICV */
	op.peer_id = (const uint8_t *)"fghijk";
	op.peer_id_len = 6;
	op.local_id = (const uint8_t *)"FILORUXA";
	op.local_id_len = 8;
	EXPECT_EQ(0, mihsec_open(&k1, &op, s.buf, s.len, out, sizeof(out),
				 &n, NULL));
	op.peer_id_len = 5;
	EXPECT_EQ(MIHSEC_E_IDENTITY_MISMATCH,
		  mihsec_open(&k1, &op, s.buf, s.len, out, sizeof(out), &n,
			      NULL));
	EXPECT_EQ(MIHSEC_E_AUTH_FAIL,
		  mihsec_open(&wrong_id, &op, s.buf, s.len, out, sizeof(out),
			      &n, NULL));
	op.peer_id_len = 6;
	op.local_id = (const uint8_t *)"FILORUXB";
	EXPECT_EQ(MIHSEC_E_IDENTITY_MISMATCH,
		  mihsec_open(&k1, &op, s.buf, s.len, out, sizeof(out), &n,
			      NULL));
	memset(&op, 0, sizeof(op));

	/* E = 1, D = 1 passes the MMT's checks */
	t_seal(_metadata, &s, &k1, T_E | T_D, 6, 20);
	op.role = MIHSEC_ROLE_MMT;
	op.require_encrypt = true;
	EXPECT_EQ(0, mihsec_open(&k1, &op, s.buf, s.len, out, sizeof(out),
				 &n, NULL));
	op.role = MIHSEC_ROLE_NETWORK;
	EXPECT_EQ(MIHSEC_E_DIRECTION_MISMATCH,
		  mihsec_open(&k1, &op, s.buf, s.len, out, sizeof(out), &n,
			      NULL));
	/* output too small: needs the IDs plus the Body */
	EXPECT_EQ(MIHSEC_E_NOSPACE,
		  mihsec_open(&k1, NULL, s.buf, s.len, out,
			      s.plain_len - 1, &n, NULL));
	EXPECT_EQ(0, mihsec_open(&k1, NULL, s.buf, s.len, out, s.plain_len,
				 &n, NULL));
	EXPECT_EQ(s.plain_len, n);
	/* in and out overlapping */
	EXPECT_EQ(MIHSEC_E_INVAL,
		  mihsec_open(&k1, NULL, s.buf, s.len, s.buf + 4,
			      sizeof(s.buf) - 4, &n, NULL));

	/* drop counters */
	EXPECT_EQ(MIHSEC_STAT_DROP_UNKNOWN_KEY,
		  mihsec_err_stat(MIHSEC_E_UNKNOWN_KEY));
	EXPECT_EQ(MIHSEC_STAT_DROP_AUTH_FAIL,
		  mihsec_err_stat(MIHSEC_E_AUTH_FAIL));
	EXPECT_EQ(MIHSEC_STAT_DROP_MALFORMED, mihsec_err_stat(MIHSEC_E_SEQ));
	EXPECT_EQ(MIHSEC_STAT_DROP_MALFORMED,
		  mihsec_err_stat(MIHSEC_E_FLAGS));
	EXPECT_EQ(MIHSEC_STAT_DROP_MALFORMED, mihsec_err_stat(MIHSEC_E_BODY));
	EXPECT_EQ(MIHSEC_STAT_DROP_MALFORMED,
		  mihsec_err_stat(MIHSEC_E_PADDING));
	EXPECT_EQ(MIHSEC_STAT_DROP_SUITE_MISMATCH,
		  mihsec_err_stat(MIHSEC_E_SUITE_MISMATCH));
	EXPECT_EQ(MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED,
		  mihsec_err_stat(MIHSEC_E_ENCRYPTION_REQUIRED));
	EXPECT_EQ(MIHSEC_STAT_DROP_DIRECTION_MISMATCH,
		  mihsec_err_stat(MIHSEC_E_DIRECTION_MISMATCH));
	EXPECT_EQ(MIHSEC_STAT_DROP_IDENTITY_MISMATCH,
		  mihsec_err_stat(MIHSEC_E_IDENTITY_MISMATCH));
	EXPECT_EQ(MIHSEC_STAT_UNSPEC, mihsec_err_stat(MIHSEC_E_NOT_PROTECTED));
	EXPECT_EQ(MIHSEC_STAT_DROP_ERROR, mihsec_err_stat(MIHSEC_E_CRYPTO));
}

/* Build a protected-looking PDU by hand: IDs, then raw TLVs */
static size_t t_raw(uint8_t *out, size_t size, const uint8_t *tlvs,
		    size_t tlvs_len)
{
	static const struct mih_hdr h = { .version = 1, .sid = 1,
					  .opcode = 1, .aid = 1 };
	struct mih_builder b;
	size_t n = 0;

	mih_builder_init(&b, out, size);
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, "mmt", 3, "pos", 3);
	mih_build_bytes(&b, tlvs, tlvs_len);
	return mih_build_finish(&b, &n) ? 0 : n;
}

/* Security TLV value: flags, suite, key ID 0x11.., seq, then extra */
static size_t t_sec(uint8_t *tlvs, uint8_t flags, uint8_t suite,
		    uint64_t seq, size_t extra, size_t icv_len)
{
	uint8_t v[512];
	size_t n = 0, i;
	int r;

	v[n++] = flags;
	v[n++] = suite;
	memset(v + n, 0x11, 8);
	n += 8;
	for (i = 0; i < 8; i++)
		v[n++] = (uint8_t)(seq >> (56 - 8 * i));
	memset(v + n, 0x33, extra);
	n += extra;
	r = mih_tlv_hdr_encode(tlvs, 8, 200, (uint32_t)n);
	memcpy(tlvs + r, v, n);
	n += (size_t)r;
	tlvs[n++] = 201;
	tlvs[n++] = (uint8_t)icv_len;
	memset(tlvs + n, 0x44, icv_len);
	return n + icv_len;
}

/* Parse an exact-size copy, kept until the next call (sec points in it) */
static int t_parse(const uint8_t *tlvs, size_t len, struct mihsec_sec *sec)
{
	static uint8_t *last;
	uint8_t pdu[1024];
	size_t n;

	free(last);
	last = NULL;
	if (!tlvs)
		return 0;
	n = t_raw(pdu, sizeof(pdu), tlvs, len);
	if (!n)
		return -1000;
	last = dup_exact(pdu, n);
	return mihsec_parse(last, n, sec);
}

TEST(parse_layout)
{
	uint8_t t[700], sw[128];
	struct mihsec_sec sec;
	size_t n, sec_len;
	unsigned int bit;

	/* the well-formed baseline */
	n = t_sec(t, T_E, 1, 1, 5, 16);
	ASSERT_EQ(0, t_parse(t, n, &sec));
	EXPECT_EQ(5U, sec.body_len);
	/* header 8, IDs 6 + 6, TLV 200 type and length 2, fixed part 18 */
	EXPECT_EQ(20U + 2 + 18, sec.aad_len);
	EXPECT_EQ(NULL, sec.iv);
	EXPECT_EQ(0x11, sec.keyid[7]);
	EXPECT_EQ(1U, sec.seq);

	/* only the Security TLV; only the Integrity TLV; swapped */
	sec_len = n - 18;
	EXPECT_EQ(MIHSEC_E_MALFORMED, t_parse(t, sec_len, &sec));
	EXPECT_EQ(MIHSEC_E_MALFORMED, t_parse(t + sec_len, 18, &sec));
	memcpy(sw, t + sec_len, 18);
	memcpy(sw + 18, t, sec_len);
	EXPECT_EQ(MIHSEC_E_MALFORMED, t_parse(sw, n, &sec));
	/* another TLV before, between or after */
	memcpy(sw, "\x03\x01\x00", 3);
	memcpy(sw + 3, t, n);
	EXPECT_EQ(MIHSEC_E_MALFORMED, t_parse(sw, n + 3, &sec));
	memcpy(sw, t, sec_len);
	memcpy(sw + sec_len, "\x03\x01\x00", 3);
	memcpy(sw + sec_len + 3, t + sec_len, 18);
	EXPECT_EQ(MIHSEC_E_MALFORMED, t_parse(sw, n + 3, &sec));
	memcpy(sw, t, n);
	memcpy(sw + n, "\x03\x01\x00", 3);
	EXPECT_EQ(MIHSEC_E_MALFORMED, t_parse(sw, n + 3, &sec));
	/* a second Integrity TLV */
	memcpy(sw + n, t + sec_len, 18);
	EXPECT_EQ(MIHSEC_E_MALFORMED, t_parse(sw, n + 18, &sec));
	/* ICV of 15 or 17 octets */
	EXPECT_EQ(MIHSEC_E_MALFORMED, t_parse(t, t_sec(t, T_E, 1, 1, 5, 15),
					      &sec));
	EXPECT_EQ(MIHSEC_E_MALFORMED, t_parse(t, t_sec(t, T_E, 1, 1, 5, 17),
					      &sec));
	/* Security TLV shorter than its fixed part */
	n = t_sec(t, T_E, 1, 1, 0, 16);
	EXPECT_EQ(0, t_parse(t, n, &sec));		/* empty Body is fine */
	t[1] = 17;
	memmove(t + 19, t + 20, n - 20);
	EXPECT_EQ(MIHSEC_E_MALFORMED, t_parse(t, n - 1, &sec));

	/* reserved flag bits, each one */
	for (bit = 2; bit < 8; bit++) {
		n = t_sec(t, (uint8_t)(1U << bit), 1, 1, 5, 16);
		EXPECT_EQ(MIHSEC_E_FLAGS, t_parse(t, n, &sec)) TH_LOG("%u", bit);
	}
	/* sequence range */
	EXPECT_EQ(MIHSEC_E_SEQ, t_parse(t, t_sec(t, 0, 1, 0, 5, 16), &sec));
	EXPECT_EQ(0, t_parse(t, t_sec(t, 0, 1, 1ULL << 63, 5, 16), &sec));
	EXPECT_EQ(1ULL << 63, sec.seq);
	EXPECT_EQ(MIHSEC_E_SEQ,
		  t_parse(t, t_sec(t, 0, 1, (1ULL << 63) + 1, 5, 16), &sec));
	EXPECT_EQ(MIHSEC_E_SEQ,
		  t_parse(t, t_sec(t, 0, 1, UINT64_MAX, 5, 16), &sec));
	/* the flags are checked before the sequence */
	EXPECT_EQ(MIHSEC_E_FLAGS, t_parse(t, t_sec(t, 4, 1, 0, 5, 16), &sec));

	/* suite 4 with E = 1: IV then a positive multiple of 16 */
	EXPECT_EQ(0, t_parse(t, t_sec(t, T_E, 4, 1, 16 + 32, 16), &sec));
	EXPECT_NE(NULL, sec.iv);
	EXPECT_EQ(32U, sec.body_len);
	EXPECT_EQ(MIHSEC_E_MALFORMED,
		  t_parse(t, t_sec(t, T_E, 4, 1, 16, 16), &sec));
	EXPECT_EQ(MIHSEC_E_MALFORMED,
		  t_parse(t, t_sec(t, T_E, 4, 1, 16 + 15, 16), &sec));
	EXPECT_EQ(MIHSEC_E_MALFORMED,
		  t_parse(t, t_sec(t, T_E, 4, 1, 10, 16), &sec));
	EXPECT_EQ(0, t_parse(t, t_sec(t, 0, 4, 1, 5, 16), &sec));
	EXPECT_EQ(NULL, sec.iv);
	/* an unknown suite parses (it is a suite mismatch at open) */
	EXPECT_EQ(0, t_parse(t, t_sec(t, T_E, 9, 1, 5, 16), &sec));
	/* a long Body: multi-octet Security TLV length */
	EXPECT_EQ(0, t_parse(t, t_sec(t, T_E, 1, 1, 400, 16), &sec));
	EXPECT_EQ(400U, sec.body_len);

	/* a plain PDU, and broken framing */
	EXPECT_EQ(MIHSEC_E_NOT_PROTECTED, t_parse((const uint8_t *)"\x03\x01",
						  3, &sec));
	EXPECT_EQ(3U, sec.pdu.body_len);
	EXPECT_EQ(MIHSEC_E_MALFORMED, t_parse((const uint8_t *)"\x03\x02\x00",
					      3, &sec));
	EXPECT_EQ(MIH_E_OVERRUN, sec.mih_err);
	t_parse(NULL, 0, &sec);
}

TEST(open_unknown_suite_is_mismatch)
{
	uint8_t t[128], pdu[256], out[256];
	struct mihsec_key k;
	size_t n, len;

	t_key(_metadata, &k, 1, 0);
	memset(k.keyid, 0x11, 8);
	n = t_sec(t, T_E, 9, 1, 5, 16);
	len = t_raw(pdu, sizeof(pdu), t, n);
	EXPECT_EQ(MIHSEC_E_SUITE_MISMATCH,
		  mihsec_open(&k, NULL, pdu, len, out, sizeof(out), &n, NULL));
}

/* Wrap ciphertext and a correct ICV around a chosen Body */
static size_t t_forge(const struct mihsec_key *k, uint8_t flags,
		      const uint8_t *body, size_t body_len, bool pad,
		      uint8_t *out, size_t size)
{
	uint8_t plain[128], ct[128], sec[200], nonce[12];
	bool enc = flags & T_E, cbc = k->suite == 4;
	size_t plain_len = t_plain(plain, sizeof(plain), 6, 8, 0, 1);
	size_t slen = 0, ct_len = body_len, total = 0, aad_len;
	struct mih_builder b;
	struct mih_pdu p;
	int outl = 0, fin = 0;

	mih_pdu_parse(plain, plain_len, &p);
	sec[slen++] = flags;
	sec[slen++] = k->suite;
	memcpy(sec + slen, k->keyid, 8);
	slen += 8;
	memset(sec + slen, 0, 7);
	sec[slen + 7] = 42;
	slen += 8;
	if (cbc && enc) {
		/* raw CBC, padding as the caller chose */
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
		static const uint8_t iv[16] = { 7 };

		memcpy(sec + slen, iv, 16);
		slen += 16;
		EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, k->key, iv);
		EVP_CIPHER_CTX_set_padding(c, pad);
		EVP_EncryptUpdate(c, ct, &outl, body, (int)body_len);
		EVP_EncryptFinal_ex(c, ct + outl, &fin);
		EVP_CIPHER_CTX_free(c);
		ct_len = (size_t)(outl + fin);
	} else {
		memcpy(ct, body, body_len);
	}
	memcpy(sec + slen, ct, ct_len);
	slen += ct_len;
	mih_builder_init(&b, out, size);
	mih_build_hdr(&b, &p.hdr);
	mih_build_ids(&b, p.src_id, p.src_id_len, p.dst_id, p.dst_id_len);
	mih_build_tlv(&b, 200, sec, (uint32_t)slen);
	mih_build_tlv(&b, 201, sec, 16);
	if (mih_build_finish(&b, &total))
		return 0;
	aad_len = total - 18 - ct_len;
	if (cbc) {
		uint8_t mac[20];

		mihsec_hmac_sha1(k->ikey, 32, out, aad_len + ct_len, mac);
		memcpy(out + total - 16, mac, 16);
	} else {
		memcpy(nonce, k->salt, 4);
		memcpy(nonce + 4, sec + 10, 8);
		if (enc)
			mihsec_aead_encrypt(k->suite, k->key, k->key_len,
					    nonce, 12, out, aad_len, body,
					    body_len, out + aad_len,
					    out + total - 16);
		else
			mihsec_aead_encrypt(k->suite, k->key, k->key_len,
					    nonce, 12, out, aad_len + ct_len,
					    NULL, 0, NULL, out + total - 16);
	}
	return total;
}

TEST(open_bad_body_and_padding)
{
	static const uint8_t not_tlvs[] = { 0x03, 0x05, 0x00 };
	static const uint8_t tlvs[] = { 0x03, 0x01, 0x00 };
	uint8_t pdu[512], out[512], blk[32];
	struct mihsec_key k;
	uint8_t suite, flags;
	size_t len, n = 0, i;

	for (suite = 1; suite <= 4; suite++) {
		t_key(_metadata, &k, suite, 3);
		for (flags = 0; flags < 4; flags++) {
			len = t_forge(&k, flags, tlvs, 3, true, pdu,
				      sizeof(pdu));
			ASSERT_NE(0U, len);
			EXPECT_EQ(0, mihsec_open(&k, NULL, pdu, len, out,
						 sizeof(out), &n, NULL));
			len = t_forge(&k, flags, not_tlvs, 3, true, pdu,
				      sizeof(pdu));
			memset(out, 0x5a, sizeof(out));
			EXPECT_EQ(MIHSEC_E_BODY,
				  mihsec_open(&k, NULL, pdu, len, out,
					      sizeof(out), &n, NULL))
				TH_LOG("suite %u flags %u", suite, flags);
			/* nothing of the rejected Body is left in out:
			 * header, IDs (28) and the Body (3) are wiped
			 */
			for (i = 0; i < 28 + 3; i++)
				ASSERT_EQ(0, out[i]);
		}
	}
	/* suite 4: a block ending in 0x00 is not PKCS#7 */
	t_key(_metadata, &k, 4, 3);
	memset(blk, 0x00, sizeof(blk));
	memcpy(blk, tlvs, 3);
	len = t_forge(&k, T_E, blk, sizeof(blk), false, pdu, sizeof(pdu));
	EXPECT_EQ(MIHSEC_E_PADDING,
		  mihsec_open(&k, NULL, pdu, len, out, sizeof(out), &n, NULL));
	/* 0x11 is beyond a block: also bad */
	blk[31] = 0x11;
	len = t_forge(&k, T_E, blk, sizeof(blk), false, pdu, sizeof(pdu));
	EXPECT_EQ(MIHSEC_E_PADDING,
		  mihsec_open(&k, NULL, pdu, len, out, sizeof(out), &n, NULL));
	/* 29 octets of 0x00 TLV padding + a correct 0x01 pad: fine */
	memset(blk + 3, 0, sizeof(blk) - 3);
	for (i = 3; i + 2 <= 31; i += 2)
		blk[i] = 99;		/* empty TLVs of type 99 */
	blk[31] = 0x01;
	len = t_forge(&k, T_E, blk, sizeof(blk), false, pdu, sizeof(pdu));
	EXPECT_EQ(0, mihsec_open(&k, NULL, pdu, len, out, sizeof(out), &n,
				 NULL));
}

/* ---- tampering ---- */

TEST(tamper_every_bit)
{
	static const size_t bodies[] = { 0, 23, 140 };
	uint8_t *pdu = malloc(512), out[512];
	struct mihsec_seal_params sp = { .seq = 77 };
	uint8_t suite, flags, plain[256];
	size_t bi, i, len = 0, n;
	unsigned int bit, checked = 0;
	struct mihsec_key k;

	ASSERT_NE(NULL, pdu);
	for (suite = 1; suite <= 4; suite++)
	for (flags = 0; flags < 4; flags++)
	for (bi = 0; bi < 3; bi++) {
		size_t plain_len = t_plain(plain, sizeof(plain), 6, 8,
					   bodies[bi], 9);

		t_key(_metadata, &k, suite, 4);
		sp.flags = flags;
		ASSERT_EQ(0, mihsec_seal(&k, &sp, plain, plain_len, pdu, 512,
					 &len));
		for (i = 0; i < len; i++) {
			for (bit = 0; bit < 8; bit++) {
				uint8_t *t = dup_exact(pdu, len);
				int r;

				ASSERT_NE(NULL, t);
				t[i] ^= (uint8_t)(1U << bit);
				n = 12345;
				r = mihsec_open(&k, NULL, t, len, out,
						sizeof(out), &n, NULL);
				ASSERT_NE(0, r)
					TH_LOG("suite %u flags %u octet %zu bit %u",
					       suite, flags, i, bit);
				ASSERT_EQ(12345U, n);
				free(t);
				checked++;
			}
			/* and the whole octet inverted */
			pdu[i] ^= 0xff;
			ASSERT_NE(0, mihsec_open(&k, NULL, pdu, len, out,
						 sizeof(out), &n, NULL));
			pdu[i] ^= 0xff;
		}
		/* truncated anywhere, or one octet longer */
		for (i = 0; i < len; i++) {
			uint8_t *t = dup_exact(pdu, i);

			ASSERT_NE(0, mihsec_open(&k, NULL, t, i, out,
						 sizeof(out), &n, NULL));
			free(t);
		}
		pdu[len] = 0;
		EXPECT_EQ(MIHSEC_E_MALFORMED,
			  mihsec_open(&k, NULL, pdu, len + 1, out,
				      sizeof(out), &n, NULL));
		/* untouched it still opens */
		ASSERT_EQ(0, mihsec_open(&k, NULL, pdu, len, out, sizeof(out),
					 &n, NULL));
	}
	EXPECT_GT(checked, 30000U);
	free(pdu);
}

/* ---- seal arguments ---- */

TEST(seal_errors)
{
	uint8_t plain[512], bad[512], out[1024];
	struct mihsec_seal_params sp = { .seq = 1, .flags = T_E };
	size_t plain_len, n = 0, need;
	struct mihsec_key k;

	t_key(_metadata, &k, 1, 6);
	plain_len = t_plain(plain, sizeof(plain), 6, 8, 30, 2);
	need = plain_len + mihsec_seal_overhead(1, T_E, 30);

	EXPECT_EQ(MIHSEC_E_NOSPACE, mihsec_seal(&k, &sp, plain, plain_len,
						out, need - 1, &n));
	EXPECT_EQ(0, mihsec_seal(&k, &sp, plain, plain_len, out, need, &n));
	EXPECT_EQ(need, n);
	sp.seq = 0;
	EXPECT_EQ(MIHSEC_E_SEQ, mihsec_seal(&k, &sp, plain, plain_len, out,
					    sizeof(out), &n));
	sp.seq = (1ULL << 63) + 1;
	EXPECT_EQ(MIHSEC_E_SEQ, mihsec_seal(&k, &sp, plain, plain_len, out,
					    sizeof(out), &n));
	sp.seq = 1ULL << 63;
	EXPECT_EQ(0, mihsec_seal(&k, &sp, plain, plain_len, out, sizeof(out),
				 &n));
	sp.flags = 0x04;
	EXPECT_EQ(MIHSEC_E_FLAGS, mihsec_seal(&k, &sp, plain, plain_len, out,
					      sizeof(out), &n));
	sp.flags = T_E;
	/* not a plain PDU: broken, or already carrying TLV 200 / 201 */
	memcpy(bad, plain, plain_len);
	bad[7]++;
	EXPECT_EQ(MIHSEC_E_NOT_PLAIN, mihsec_seal(&k, &sp, bad, plain_len,
						  out, sizeof(out), &n));
	memcpy(bad, plain, plain_len);
	bad[plain_len - 30] = 200;
	EXPECT_EQ(MIHSEC_E_NOT_PLAIN, mihsec_seal(&k, &sp, bad, plain_len,
						  out, sizeof(out), &n));
	bad[plain_len - 30] = 201;
	EXPECT_EQ(MIHSEC_E_NOT_PLAIN, mihsec_seal(&k, &sp, bad, plain_len,
						  out, sizeof(out), &n));
	/* overlapping buffers */
	memcpy(out, plain, plain_len);
	EXPECT_EQ(MIHSEC_E_INVAL, mihsec_seal(&k, &sp, out, plain_len,
					      out + 10, sizeof(out) - 10, &n));
	/* a key that was never set */
	{
		struct mihsec_key z;

		memset(&z, 0, sizeof(z));
		EXPECT_EQ(MIHSEC_E_UNSUPPORTED,
			  mihsec_seal(&z, &sp, plain, plain_len, out,
				      sizeof(out), &n));
	}
	EXPECT_EQ(MIHSEC_E_INVAL, mihsec_seal(&k, NULL, plain, plain_len, out,
					      sizeof(out), &n));
}

TEST(seal_payload_limit)
{
	size_t size = MIH_PDU_MAX + 64, len, n = 0, body;
	uint8_t *plain = malloc(size), *out = malloc(size + 64);
	struct mihsec_seal_params sp = { .seq = 3, .flags = T_E };
	struct mihsec_key k;

	ASSERT_NE(NULL, plain);
	ASSERT_NE(NULL, out);
	t_key(_metadata, &k, 1, 7);
	/* largest Body that still fits: payload 65535 after sealing */
	body = MIH_PAYLOAD_MAX - (28 - 8) - (1 + 3 + 18) - 18;
	len = t_plain(plain, size, 6, 8, body, 1);
	ASSERT_NE(0U, len);
	ASSERT_EQ(0, mihsec_seal(&k, &sp, plain, len, out, size + 64, &n));
	EXPECT_EQ((size_t)MIH_PDU_MAX, n);
	ASSERT_EQ(0, mihsec_open(&k, NULL, out, n, plain, size, &len, NULL));
	len = t_plain(plain, size, 6, 8, body + 1, 1);
	ASSERT_NE(0U, len);
	EXPECT_EQ(MIHSEC_E_TOO_BIG,
		  mihsec_seal(&k, &sp, plain, len, out, size + 64, &n));
	free(plain);
	free(out);
}

TEST(key_set_checks)
{
	uint8_t key[32] = { 1 }, ikey[32] = { 2 }, salt[4] = { 3 };
	uint8_t keyid[8] = { 4 };
	struct mihsec_key k;
	size_t i;
	bool zero = true;

	EXPECT_EQ(0, mihsec_key_set(&k, 1, key, 16, NULL, 0, salt, keyid));
	EXPECT_EQ(16, k.key_len);
	EXPECT_EQ(MIHSEC_E_INVAL,
		  mihsec_key_set(&k, 1, key, 32, NULL, 0, salt, keyid));
	EXPECT_EQ(MIHSEC_E_INVAL,
		  mihsec_key_set(&k, 2, key, 16, NULL, 0, salt, keyid));
	EXPECT_EQ(0, mihsec_key_set(&k, 2, key, 32, NULL, 0, salt, keyid));
	EXPECT_EQ(0, mihsec_key_set(&k, 3, key, 32, NULL, 0, salt, keyid));
	EXPECT_EQ(MIHSEC_E_INVAL,
		  mihsec_key_set(&k, 1, key, 16, NULL, 0, NULL, keyid));
	EXPECT_EQ(MIHSEC_E_INVAL,
		  mihsec_key_set(&k, 1, key, 16, ikey, 32, salt, keyid));
	EXPECT_EQ(MIHSEC_E_INVAL,
		  mihsec_key_set(&k, 1, key, 16, NULL, 0, salt, NULL));
	EXPECT_EQ(MIHSEC_E_INVAL,
		  mihsec_key_set(&k, 4, key, 16, NULL, 0, NULL, keyid));
	EXPECT_EQ(MIHSEC_E_INVAL,
		  mihsec_key_set(&k, 4, key, 16, ikey, 20, NULL, keyid));
	EXPECT_EQ(0, mihsec_key_set(&k, 4, key, 16, ikey, 32, NULL, keyid));
	EXPECT_EQ(MIHSEC_E_UNSUPPORTED,
		  mihsec_key_set(&k, 0, key, 16, NULL, 0, salt, keyid));
	EXPECT_EQ(MIHSEC_E_UNSUPPORTED,
		  mihsec_key_set(&k, 5, key, 16, NULL, 0, salt, keyid));
	EXPECT_EQ(0, mihsec_key_set(&k, 4, key, 16, ikey, 32, NULL, keyid));
	mihsec_key_clear(&k);
	for (i = 0; i < sizeof(k); i++)
		zero = zero && ((uint8_t *)&k)[i] == 0;
	EXPECT_TRUE(zero);
	EXPECT_TRUE(mihsec_suite_supported(4));
	EXPECT_FALSE(mihsec_suite_supported(5));
	EXPECT_FALSE(mihsec_suite_is_aead(4));
	EXPECT_EQ(32U, mihsec_suite_key_len(3));
}

TEST(strerror_all)
{
	int e;

	for (e = MIHSEC_E_BODY; e <= 0; e++) {
		if (e < MIHSEC_E_NOT_PLAIN && e > MIHSEC_E_MALFORMED)
			continue;
		EXPECT_STRNE("unknown MIHSec error", mihsec_strerror(e));
	}
	EXPECT_STREQ("unknown MIHSec error", mihsec_strerror(-7));
}

/* ---- the checked-in known-answer vectors ---- */

TEST(kat_vectors_seal_and_open)
{
	size_t i, nk = sizeof(mihsec_kats) / sizeof(mihsec_kats[0]);
	uint8_t out[4096];
	unsigned int s1 = 0, e0 = 0, d1 = 0, empty = 0, longb = 0, ids = 0;

	ASSERT_GE(nk, 12U);
	for (i = 0; i < nk; i++) {
		const struct mihsec_kat *v = &mihsec_kats[i];
		struct mihsec_seal_params sp = {
			.seq = v->seq, .flags = v->wire_flags,
		};
		const bool s4 = v->suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1;
		struct mihsec_sec sec, vsec;
		struct mihsec_key k;
		struct mih_pdu p;
		size_t n = 0;

		/* suite 4: the vector's integrity key, and its IV */
		ASSERT_EQ(0, mihsec_key_set(&k, v->suite, v->key, v->key_len,
					    s4 ? v->ikey : NULL,
					    s4 ? sizeof(v->ikey) : 0,
					    v->salt, v->keyid))
			TH_LOG("%s", v->name);
		ASSERT_EQ(0, mihsec_parse(v->sealed, v->sealed_len, &vsec));
		sp.iv = vsec.iv;
		ASSERT_EQ(0, mihsec_seal(&k, &sp, v->plain, v->plain_len, out,
					 sizeof(out), &n)) TH_LOG("%s", v->name);
		ASSERT_EQ(v->sealed_len, n);
		EXPECT_EQ(0, memcmp(out, v->sealed, n)) TH_LOG("%s", v->name);
		ASSERT_EQ(0, mihsec_open(&k, NULL, v->sealed, v->sealed_len,
					 out, sizeof(out), &n, &sec));
		ASSERT_EQ(v->plain_len, n);
		EXPECT_EQ(0, memcmp(out, v->plain, n)) TH_LOG("%s", v->name);
		EXPECT_EQ(v->seq, sec.seq);
		EXPECT_EQ(v->wire_flags, sec.flags);
		ASSERT_EQ(0, mih_pdu_parse(v->plain, v->plain_len, &p));
		EXPECT_EQ(v->sealed_len, v->plain_len +
			  mihsec_seal_overhead(v->suite, v->wire_flags,
					       p.body_len));
		mihsec_key_clear(&k);

		/* the coverage the vectors promise */
		s1 += v->suite == 1;
		e0 += v->suite == 1 && !(v->wire_flags & T_E);
		d1 += v->suite == 1 && (v->wire_flags & T_D);
		empty += v->suite == 1 && p.body_len == 0;
		longb += v->suite == 1 && p.body_len > 383;
		ids += v->suite == 1 && (p.src_id_len >= 128 ||
					 p.dst_id_len >= 128);
	}
	EXPECT_GE(s1, 10U);
	EXPECT_GE(e0, 2U);
	EXPECT_GE(d1, 2U);
	EXPECT_GE(empty, 2U);
	EXPECT_GE(longb, 1U);
	EXPECT_GE(ids, 2U);
	/* WIRE.md 12 Capability_Discover request, verbatim, first */
	ASSERT_EQ(32U, mihsec_kats[0].plain_len);
	EXPECT_EQ(0, memcmp(mihsec_kats[0].plain, "\x18\x00\x14\x01\x00\x0e"
			    "\x00\x18\x01\x07\x06odtone", 17));
}

/* The checked-in kmod/tests/vectors.h, wherever the tree is */
static FILE *open_vectors_h(char *path, size_t size)
{
	char exe[PATH_MAX], src[PATH_MAX];
	const char *top = getenv("MIHSEC_TOP");
	FILE *f;
	ssize_t n;

	if (top) {
		snprintf(path, size, "%s/kmod/tests/vectors.h", top);
		return fopen(path, "r");
	}
	/* from the source file's directory (make runs in daemon/) */
	snprintf(src, sizeof(src), "%s", __FILE__);
	snprintf(path, size, "%s/../../kmod/tests/vectors.h", dirname(src));
	f = fopen(path, "r");
	if (f)
		return f;
	/* from the binary: TOP/build/daemon/tests/test_seal */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	snprintf(path, size, "%s/../../../kmod/tests/vectors.h",
		 dirname(exe));
	return fopen(path, "r");
}

static char *slurp(FILE *f, size_t *len)
{
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	do {
		if (cap - n < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r);
	*len = n;
	return buf;
}

TEST(mkvectors_reproduces_checked_in_file)
{
	char path[PATH_MAX], *gen = NULL, *file;
	size_t gen_len = 0, file_len = 0, i;
	FILE *mem, *f;

	f = open_vectors_h(path, sizeof(path));
	ASSERT_NE(NULL, f) TH_LOG("kmod/tests/vectors.h not found (%s); "
				  "set MIHSEC_TOP", path);
	file = slurp(f, &file_len);
	fclose(f);
	ASSERT_NE(NULL, file);

	mem = open_memstream(&gen, &gen_len);
	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, mkvectors_write(mem));
	ASSERT_EQ(0, fclose(mem));

	for (i = 0; i < gen_len && i < file_len && gen[i] == file[i]; i++)
		;
	EXPECT_EQ(file_len, gen_len);
	EXPECT_EQ(gen_len, i) TH_LOG("%s differs from the generator output "
				     "at octet %zu: run build/daemon/tools/"
				     "mkvectors kmod/tests/vectors.h", path, i);
	free(gen);
	free(file);
}

TEST_HARNESS_MAIN

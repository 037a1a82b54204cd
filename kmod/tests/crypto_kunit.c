// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: AEAD seal/open through the kernel crypto API.
 *  - known-answer vectors made independently in userspace with OpenSSL
 *    (daemon/tools/mkvectors -> vectors.h): the kernel must produce the
 *    same protected PDU byte for byte and open it back to the plain PDU;
 *  - any single flipped bit of a protected PDU fails to parse or verify;
 *  - round trips for every suite and E/D combination.
 */
#include <kunit/test.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "../crypto.h"
#include "../mih.h"
#include "kunit_util.h"
#include "vectors.h"

static u8 *kdup(struct kunit *test, const u8 *src, unsigned int len,
		unsigned int room)
{
	u8 *buf = kunit_kzalloc(test, len + room, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, src, len);
	return buf;
}

static const u8 rt_ikey[MIHSEC_IKEY_LEN] = { 0x1c, 0xe5 };

/* @ikey: suite 4's integrity key (NULL: a fixed one) */
static void key_init_ikey(struct kunit *test, struct mihsec_key *k, u8 suite,
			  const u8 *key, unsigned int key_len, const u8 *ikey,
			  const u8 *salt)
{
	int err = mihsec_key_init(k, suite, key, key_len,
				  suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1 ?
				  (ikey ?: rt_ikey) : NULL, salt);

	if (err == -ENOENT)
		kunit_skip(test, "suite %u: no crypto driver in this kernel",
			   suite);
	KUNIT_ASSERT_EQ(test, err, 0);
}

static void key_init(struct kunit *test, struct mihsec_key *k, u8 suite,
		     const u8 *key, unsigned int key_len, const u8 *salt)
{
	key_init_ikey(test, k, suite, key, key_len, NULL, salt);
}

static void kat_key_init(struct kunit *test, struct mihsec_key *k,
			 const struct mihsec_kat *v)
{
	key_init_ikey(test, k, v->suite, v->key, v->key_len, v->ikey, v->salt);
}

/* Seal the vector's plain PDU; the result must equal its sealed PDU */
static void kat_seal(struct kunit *test, const struct mihsec_kat *v)
{
	struct mih_pdu plain, prot, sealed;
	const u8 *iv = NULL;
	struct mihsec_key k;
	unsigned int room, n;
	u8 *buf;

	/* suite 4: the vector's IV (random in real use) */
	KUNIT_ASSERT_EQ(test, mih_parse(v->sealed, v->sealed_len, &sealed), 0);
	if (sealed.iv_off)
		iv = v->sealed + sealed.iv_off;
	/* the room the datapath reserves: the overhead of the Body alone */
	KUNIT_ASSERT_EQ(test, mih_parse(v->plain, v->plain_len, &plain), 0);
	room = mihsec_overhead(v->suite, v->wire_flags,
			       plain.len - plain.body_off);
	buf = kdup(test, v->plain, v->plain_len, room);
	KUNIT_ASSERT_EQ(test, mih_parse(buf, v->plain_len, &plain), 0);
	n = mihsec_frame(buf, &plain, v->suite, v->wire_flags, v->keyid,
			 v->seq, &prot);
	KUNIT_ASSERT_EQ_MSG(test, n, v->sealed_len, "%s", v->name);
	KUNIT_ASSERT_EQ_MSG(test, n, v->plain_len + room, "%s", v->name);
	kat_key_init(test, &k, v);
	KUNIT_EXPECT_EQ(test, mihsec_seal(&k, buf, &prot, iv), 0);
	MIHSEC_EXPECT_MEMEQ_MSG(test, buf, v->sealed, n, "%s", v->name);
	mihsec_key_free(&k);
}

/* Open the vector's sealed PDU; the result must equal its plain PDU */
static void kat_open(struct kunit *test, const struct mihsec_kat *v)
{
	unsigned int body_len, n;
	struct mihsec_key k;
	struct mih_pdu p;
	u8 *buf;

	buf = kdup(test, v->sealed, v->sealed_len, 0);
	KUNIT_ASSERT_EQ(test, mih_parse(buf, v->sealed_len, &p), 0);
	KUNIT_ASSERT_TRUE(test, p.protected);
	KUNIT_EXPECT_EQ(test, p.wflags, v->wire_flags);
	KUNIT_EXPECT_EQ(test, p.seq, v->seq);
	kat_key_init(test, &k, v);
	KUNIT_ASSERT_EQ_MSG(test, mihsec_open(&k, buf, &p, &body_len), 0,
			    "%s", v->name);
	n = mihsec_unframe(buf, &p, body_len);
	KUNIT_EXPECT_EQ(test, n, v->plain_len);
	MIHSEC_EXPECT_MEMEQ_MSG(test, buf, v->plain, v->plain_len, "%s",
				v->name);
	mihsec_key_free(&k);
}

static void kat_param_desc(const struct mihsec_kat *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kat, mihsec_kats, kat_param_desc);

static void crypto_kat_seal(struct kunit *test)
{
	kat_seal(test, test->param_value);
}

static void crypto_kat_open(struct kunit *test)
{
	kat_open(test, test->param_value);
}

/* Flip every bit of a protected PDU: nothing may both parse and verify */
static void crypto_kat_tamper(struct kunit *test)
{
	const struct mihsec_kat *v = test->param_value;
	unsigned int i, bit, body_len;
	struct mihsec_key k;
	struct mih_pdu p;
	u8 *buf;

	if (v->sealed_len > 256)	/* bounded run time */
		kunit_skip(test, "long vector");
	kat_key_init(test, &k, v);
	buf = kdup(test, v->sealed, v->sealed_len, 0);
	for (i = 0; i < v->sealed_len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(buf, v->sealed, v->sealed_len);
			buf[i] ^= 1 << bit;
			if (mih_parse(buf, v->sealed_len, &p))
				continue;
			KUNIT_EXPECT_TRUE(test, p.protected);
			KUNIT_EXPECT_EQ_MSG(test,
					    mihsec_open(&k, buf, &p, &body_len),
					    -EBADMSG, "octet %u bit %u", i, bit);
		}
	}
	mihsec_key_free(&k);
}

struct rt_case {
	u8 suite;
	u8 wflags;
};

static const struct rt_case rt_cases[] = {
	{ MIHSEC_SUITE_AES128_GCM, 0 },
	{ MIHSEC_SUITE_AES128_GCM, MIHSEC_WIRE_F_ENCRYPTED },
	{ MIHSEC_SUITE_AES128_GCM, MIHSEC_WIRE_F_NET2MMT },
	{ MIHSEC_SUITE_AES128_GCM, MIHSEC_WIRE_F_ENCRYPTED | MIHSEC_WIRE_F_NET2MMT },
	{ MIHSEC_SUITE_AES256_GCM, 0 },
	{ MIHSEC_SUITE_AES256_GCM, MIHSEC_WIRE_F_ENCRYPTED },
	{ MIHSEC_SUITE_CHACHA20_POLY1305, 0 },
	{ MIHSEC_SUITE_CHACHA20_POLY1305, MIHSEC_WIRE_F_ENCRYPTED },
	{ MIHSEC_SUITE_AES128_CBC_HMAC_SHA1, 0 },
	{ MIHSEC_SUITE_AES128_CBC_HMAC_SHA1, MIHSEC_WIRE_F_ENCRYPTED },
	{ MIHSEC_SUITE_AES128_CBC_HMAC_SHA1, MIHSEC_WIRE_F_ENCRYPTED |
					     MIHSEC_WIRE_F_NET2MMT },
};

static void rt_param_desc(const struct rt_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "suite %u E=%u D=%u", c->suite,
		 !!(c->wflags & MIHSEC_WIRE_F_ENCRYPTED),
		 !!(c->wflags & MIHSEC_WIRE_F_NET2MMT));
}

KUNIT_ARRAY_PARAM(rt, rt_cases, rt_param_desc);

/* Seal random bodies of many lengths and open them back */
static void crypto_round_trip(struct kunit *test)
{
	const struct rt_case *c = test->param_value;
	u8 key[MIHSEC_KEY_MAX], salt[MIHSEC_SALT_LEN], keyid[MIHSEC_KEYID_LEN];
	unsigned int keylen = mihsec_suite_keylen(c->suite);
	static const unsigned int bodies[] = { 0, 1, 15, 16, 17, 127, 300, 1400 };
	unsigned int i, len, n, body_len;
	struct mih_pdu plain, prot, p;
	struct mihsec_key k;
	u8 *orig, *buf;

	KUNIT_ASSERT_GT(test, keylen, 0);
	get_random_bytes(key, sizeof(key));
	get_random_bytes(salt, sizeof(salt));
	get_random_bytes(keyid, sizeof(keyid));
	key_init(test, &k, c->suite, key, keylen, salt);
	orig = kunit_kzalloc(test, 2048, GFP_KERNEL);
	buf = kunit_kzalloc(test, 2048, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, orig);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	for (i = 0; i < ARRAY_SIZE(bodies); i++) {
		/* header, IDs "mmt1" / "ar1", one TLV 100 carrying the body */
		memcpy(orig, "\x10\x00\x34\x05\x00\x07\x00\x00", 8);
		memcpy(orig + 8, "\x01\x05\x04mmt1\x02\x04\x03\x61r1", 13);
		len = 21;
		if (bodies[i]) {
			orig[len] = 100;
			len += 1 + mih_len_encode(orig + len + 1, bodies[i]);
			get_random_bytes(orig + len, bodies[i]);
			len += bodies[i];
		}
		orig[6] = (len - 8) >> 8;
		orig[7] = (len - 8) & 0xff;
		memcpy(buf, orig, len);
		KUNIT_ASSERT_EQ(test, mih_parse(buf, len, &plain), 0);
		n = mihsec_frame(buf, &plain, c->suite, c->wflags, keyid,
				 i + 1, &prot);
		KUNIT_ASSERT_EQ(test, mihsec_seal(&k, buf, &prot, NULL), 0);
		if ((c->wflags & MIHSEC_WIRE_F_ENCRYPTED) && bodies[i] > 16)
			KUNIT_EXPECT_NE(test, memcmp(buf + prot.cbody_off,
						     orig + plain.body_off,
						     bodies[i]), 0);
		KUNIT_ASSERT_EQ(test, mih_parse(buf, n, &p), 0);
		KUNIT_ASSERT_EQ(test, mihsec_open(&k, buf, &p, &body_len), 0);
		KUNIT_EXPECT_EQ(test, mihsec_unframe(buf, &p, body_len), len);
		MIHSEC_EXPECT_MEMEQ(test, buf, orig, len);
	}
	mihsec_key_free(&k);
}

/* Wrong key, wrong salt (nonce) or wrong sequence number: no verify */
static void crypto_wrong_key(struct kunit *test)
{
	const struct mihsec_kat *v = &mihsec_kats[0];
	unsigned int body_len;
	struct mihsec_key k;
	struct mih_pdu p;
	u8 key[32], salt[4];
	u8 *buf;

	memcpy(key, v->key, v->key_len);
	memcpy(salt, v->salt, sizeof(salt));
	key[0] ^= 1;
	key_init(test, &k, v->suite, key, v->key_len, v->salt);
	buf = kdup(test, v->sealed, v->sealed_len, 0);
	KUNIT_ASSERT_EQ(test, mih_parse(buf, v->sealed_len, &p), 0);
	KUNIT_EXPECT_EQ(test, mihsec_open(&k, buf, &p, &body_len), -EBADMSG);
	mihsec_key_free(&k);

	salt[3] ^= 0x80;
	key_init(test, &k, v->suite, v->key, v->key_len, salt);
	memcpy(buf, v->sealed, v->sealed_len);
	KUNIT_EXPECT_EQ(test, mihsec_open(&k, buf, &p, &body_len), -EBADMSG);
	mihsec_key_free(&k);

	key_init(test, &k, v->suite, v->key, v->key_len, v->salt);
	memcpy(buf, v->sealed, v->sealed_len);
	p.seq++;	/* as if the nonce came from another sequence number */
	KUNIT_EXPECT_EQ(test, mihsec_open(&k, buf, &p, &body_len), -EBADMSG);
	mihsec_key_free(&k);
}

static void crypto_key_checks(struct kunit *test)
{
	static const u8 key[32], salt[4];
	struct mihsec_key k;

	KUNIT_EXPECT_EQ(test, mihsec_suite_keylen(MIHSEC_SUITE_AES128_GCM), 16);
	KUNIT_EXPECT_EQ(test, mihsec_suite_keylen(MIHSEC_SUITE_AES256_GCM), 32);
	KUNIT_EXPECT_EQ(test, mihsec_suite_keylen(0), 0);
	KUNIT_EXPECT_EQ(test, mihsec_suite_keylen(200), 0);
	KUNIT_EXPECT_EQ(test, mihsec_key_init(&k, MIHSEC_SUITE_AES128_GCM, key,
					      32, NULL, salt), -EINVAL);
	KUNIT_EXPECT_EQ(test, mihsec_key_init(&k, 0, key, 16, NULL, salt),
			-EOPNOTSUPP);
	/* suite 4 needs an integrity key; the others take none */
	KUNIT_EXPECT_EQ(test, mihsec_key_init(&k,
					      MIHSEC_SUITE_AES128_CBC_HMAC_SHA1,
					      key, 16, NULL, salt), -EINVAL);
	KUNIT_EXPECT_EQ(test, mihsec_key_init(&k, MIHSEC_SUITE_AES128_GCM, key,
					      16, key, salt), -EINVAL);
}

static struct kunit_case crypto_cases[] = {
	KUNIT_CASE_PARAM(crypto_kat_seal, kat_gen_params),
	KUNIT_CASE_PARAM(crypto_kat_open, kat_gen_params),
	KUNIT_CASE_PARAM(crypto_kat_tamper, kat_gen_params),
	KUNIT_CASE_PARAM(crypto_round_trip, rt_gen_params),
	KUNIT_CASE(crypto_wrong_key),
	KUNIT_CASE(crypto_key_checks),
	{}
};

static struct kunit_suite crypto_suite = {
	.name = "mihsec_crypto",
	.test_cases = crypto_cases,
};

kunit_test_suite(crypto_suite);

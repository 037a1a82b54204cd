// SPDX-License-Identifier: GPL-2.0
/*
 * Suite 4 (AES-128-CBC + HMAC-SHA1-128, encrypt-then-MAC) is an explicit
 * two-step rather than the authenc() template: the ICV is computed over
 * AAD || ciphertext with the hmac(sha1) shash and compared (crypto_memneq)
 * before a single block is deciphered, which is the order PROTOCOL.md
 * section 5 demands and is plain to see here; the tag also sits apart
 * from the ciphertext (in the Integrity TLV), which authenc would need a
 * scatterlist for anyway.  A wrong padding after a good ICV is the
 * sender's fault, not a forgery: -EPROTO, counted as malformed.
 *
 * AEAD suites 1-3 (PROTOCOL.md section 3):
 *   nonce = SALT (4) || Sequence (8, big-endian)
 *   E = 1: AAD = header .. Security TLV fixed fields, plaintext = Body
 *   E = 0: AAD || Body authenticated, nothing encrypted (GMAC-style)
 * The ICV is the 16-octet tag; it sits in the Integrity TLV, two octets
 * after the end of Body, hence a two-entry scatterlist.
 *
 * Integrity before decryption: crypto_aead_decrypt() is the AEAD's
 * verify-and-release operation.  On a bad tag it returns -EBADMSG and the
 * caller drops the skb, so no plaintext of an unauthenticated PDU ever
 * leaves this file.
 *
 * Transforms are allocated synchronous (mask CRYPTO_ALG_ASYNC): the
 * netfilter hook needs its verdict before it returns.  Requests live in a
 * per-CPU buffer used with bottom halves disabled, so the fast path does
 * not allocate.
 */
#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/sha1.h>
#include <crypto/skcipher.h>
#include <linux/bottom_half.h>
#include <linux/err.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "crypto.h"

#define MIHSEC_NONCE_LEN	12
#define MIHSEC_REQ_SIZE		1024

struct mihsec_suite_info {
	const char *alg;
	u8 keylen;
};

static const struct mihsec_suite_info mihsec_suites[] = {
	[MIHSEC_SUITE_AES128_GCM] = { "gcm(aes)", 16 },
	[MIHSEC_SUITE_AES256_GCM] = { "gcm(aes)", 32 },
	[MIHSEC_SUITE_CHACHA20_POLY1305] = { "rfc7539(chacha20,poly1305)", 32 },
	[MIHSEC_SUITE_AES128_CBC_HMAC_SHA1] = { "cbc(aes)", 16 },
};

struct mihsec_req_buf {
	u8 buf[MIHSEC_REQ_SIZE];
} __aligned(CRYPTO_MINALIGN);

static DEFINE_PER_CPU(struct mihsec_req_buf, mihsec_req_buf);

static const struct mihsec_suite_info *mihsec_suite(u8 suite)
{
	if (suite >= ARRAY_SIZE(mihsec_suites) || !mihsec_suites[suite].alg)
		return NULL;
	return &mihsec_suites[suite];
}

/* Cipher key length of @suite, 0 if this module does not implement it */
unsigned int mihsec_suite_keylen(u8 suite)
{
	const struct mihsec_suite_info *s = mihsec_suite(suite);

	return s ? s->keylen : 0;
}

static int mihsec_cbc_init(struct mihsec_key *k, const u8 *key,
			   unsigned int keylen, const u8 *ikey)
{
	int err;

	k->cbc = crypto_alloc_sync_skcipher("cbc(aes)", 0, 0);
	if (IS_ERR(k->cbc))
		return PTR_ERR(k->cbc);
	k->hmac = crypto_alloc_shash("hmac(sha1)", 0, 0);
	if (IS_ERR(k->hmac)) {
		err = PTR_ERR(k->hmac);
		k->hmac = NULL;
		return err;
	}
	err = crypto_sync_skcipher_setkey(k->cbc, key, keylen);
	if (!err)
		err = crypto_shash_setkey(k->hmac, ikey, MIHSEC_IKEY_LEN);
	return err;
}

static int mihsec_aead_init(struct mihsec_key *k, const char *alg,
			    const u8 *key, unsigned int keylen)
{
	int err;

	k->aead = crypto_alloc_aead(alg, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(k->aead))
		return PTR_ERR(k->aead);
	if (sizeof(struct aead_request) + crypto_aead_reqsize(k->aead) >
	    MIHSEC_REQ_SIZE)
		return -EOPNOTSUPP;
	err = crypto_aead_setkey(k->aead, key, keylen);
	if (!err)
		err = crypto_aead_setauthsize(k->aead, MIHSEC_ICV_LEN);
	return err;
}

/* @ikey: the integrity key, suite 4 only (MIHSEC_IKEY_LEN octets) */
int mihsec_key_init(struct mihsec_key *k, u8 suite, const u8 *key,
		    unsigned int keylen, const u8 *ikey, const u8 *salt)
{
	const struct mihsec_suite_info *s = mihsec_suite(suite);
	bool cbc = suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1;
	int err;

	memset(k, 0, sizeof(*k));
	if (!s)
		return -EOPNOTSUPP;
	/* an integrity key exactly for suite 4 */
	if (keylen != s->keylen || !ikey == cbc)
		return -EINVAL;
	k->suite = suite;
	if (cbc)
		err = mihsec_cbc_init(k, key, keylen, ikey);
	else
		err = mihsec_aead_init(k, s->alg, key, keylen);
	if (err) {
		mihsec_key_free(k);
		return err;
	}
	memcpy(k->salt, salt, MIHSEC_SALT_LEN);
	return 0;
}

/* The transforms zeroize their own key schedules when freed */
void mihsec_key_free(struct mihsec_key *k)
{
	if (!IS_ERR_OR_NULL(k->aead))
		crypto_free_aead(k->aead);
	if (!IS_ERR_OR_NULL(k->cbc))
		crypto_free_sync_skcipher(k->cbc);
	if (!IS_ERR_OR_NULL(k->hmac))
		crypto_free_shash(k->hmac);
	k->aead = NULL;
	k->cbc = NULL;
	k->hmac = NULL;
	memzero_explicit(k->salt, sizeof(k->salt));
}

/* HMAC-SHA1 over AAD || Body (as on the wire), truncated to the ICV */
static int mihsec_hmac(const struct mihsec_key *k, const u8 *buf,
		       const struct mih_pdu *p, u8 *icv)
{
	SHASH_DESC_ON_STACK(desc, k->hmac);
	u8 mac[SHA1_DIGEST_SIZE];
	int err;

	desc->tfm = k->hmac;
	err = crypto_shash_digest(desc, buf, p->cbody_off + p->cbody_len, mac);
	shash_desc_zero(desc);
	memcpy(icv, mac, MIHSEC_ICV_LEN);
	memzero_explicit(mac, sizeof(mac));
	return err;
}

static int mihsec_cbc(const struct mihsec_key *k, u8 *buf,
		      const struct mih_pdu *p, bool enc)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, k->cbc);
	struct scatterlist sg;
	u8 iv[MIHSEC_IV_LEN];
	int err;

	memcpy(iv, buf + p->iv_off, MIHSEC_IV_LEN);	/* CBC updates it */
	sg_init_one(&sg, buf + p->cbody_off, p->cbody_len);
	skcipher_request_set_sync_tfm(req, k->cbc);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, p->cbody_len, iv);
	err = enc ? crypto_skcipher_encrypt(req) : crypto_skcipher_decrypt(req);
	skcipher_request_zero(req);
	return err;
}

static int mihsec_cbc_seal(const struct mihsec_key *k, u8 *buf,
			   const struct mih_pdu *p, const u8 *iv)
{
	int err;

	if (p->wflags & MIHSEC_WIRE_F_ENCRYPTED) {
		if (iv)
			memcpy(buf + p->iv_off, iv, MIHSEC_IV_LEN);
		else
			get_random_bytes(buf + p->iv_off, MIHSEC_IV_LEN);
		err = mihsec_cbc(k, buf, p, true);
		if (err)
			return err;
	}
	return mihsec_hmac(k, buf, p, buf + p->icv_off);
}

/* Verify first; decipher and strip the PKCS#7 padding only then */
static int mihsec_cbc_open(const struct mihsec_key *k, u8 *buf,
			   const struct mih_pdu *p, unsigned int *body_len)
{
	u8 icv[MIHSEC_ICV_LEN], pad;
	unsigned int i;
	int err;

	err = mihsec_hmac(k, buf, p, icv);
	if (err)
		return err;
	if (crypto_memneq(icv, buf + p->icv_off, MIHSEC_ICV_LEN))
		return -EBADMSG;
	*body_len = p->cbody_len;
	if (!(p->wflags & MIHSEC_WIRE_F_ENCRYPTED))
		return 0;
	err = mihsec_cbc(k, buf, p, false);
	if (err)
		return err;
	pad = buf[p->cbody_off + p->cbody_len - 1];
	if (!pad || pad > MIHSEC_IV_LEN)
		return -EPROTO;
	for (i = 1; i <= pad; i++)
		if (buf[p->cbody_off + p->cbody_len - i] != pad)
			return -EPROTO;
	*body_len = p->cbody_len - pad;
	return 0;
}

static int mihsec_aead(const struct mihsec_key *k, u8 *buf,
		       const struct mih_pdu *p, bool enc)
{
	bool encrypted = p->wflags & MIHSEC_WIRE_F_ENCRYPTED;
	unsigned int assoclen, cryptlen;
	struct scatterlist sg[2];
	struct aead_request *req;
	u8 nonce[MIHSEC_NONCE_LEN];
	int err;

	memcpy(nonce, k->salt, MIHSEC_SALT_LEN);
	put_unaligned_be64(p->seq, nonce + MIHSEC_SALT_LEN);
	assoclen = encrypted ? p->aad_len : p->aad_len + p->cbody_len;
	cryptlen = encrypted ? p->cbody_len : 0;
	if (!enc)
		cryptlen += MIHSEC_ICV_LEN;

	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], buf, p->aad_len + p->cbody_len);
	sg_set_buf(&sg[1], buf + p->icv_off, MIHSEC_ICV_LEN);

	local_bh_disable();
	req = (struct aead_request *)this_cpu_ptr(&mihsec_req_buf)->buf;
	aead_request_set_tfm(req, k->aead);
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, assoclen);
	aead_request_set_crypt(req, sg, sg, cryptlen, nonce);
	err = enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	memzero_explicit(req, sizeof(*req) + crypto_aead_reqsize(k->aead));
	local_bh_enable();
	return err;
}

/*
 * Compute the ICV (and encrypt Body if E = 1) of a PDU framed by mih.c.
 * Suite 4 with E = 1 takes @iv, or a random IV if @iv is NULL (the hooks;
 * known-answer tests pass the vector's).
 */
int mihsec_seal(const struct mihsec_key *k, u8 *buf, const struct mih_pdu *p,
		const u8 *iv)
{
	if (k->suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1)
		return mihsec_cbc_seal(k, buf, p, iv);
	return mihsec_aead(k, buf, p, true);
}

/*
 * Verify the ICV of a parsed protected PDU and, if it holds, decrypt Body
 * in place; *@body_len is the plain Body's length.  -EBADMSG if the ICV
 * does not verify, -EPROTO for a bad suite-4 padding under a good ICV.
 */
int mihsec_open(const struct mihsec_key *k, u8 *buf, const struct mih_pdu *p,
		unsigned int *body_len)
{
	int err;

	if (k->suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1)
		return mihsec_cbc_open(k, buf, p, body_len);
	err = mihsec_aead(k, buf, p, false);
	*body_len = p->cbody_len;
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/*
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
#include <linux/bottom_half.h>
#include <linux/err.h>
#include <linux/percpu.h>
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

int mihsec_key_init(struct mihsec_key *k, u8 suite, const u8 *key,
		    unsigned int keylen, const u8 *salt)
{
	const struct mihsec_suite_info *s = mihsec_suite(suite);
	struct crypto_aead *tfm;
	int err;

	if (!s)
		return -EOPNOTSUPP;
	if (keylen != s->keylen)
		return -EINVAL;
	tfm = crypto_alloc_aead(s->alg, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = -EOPNOTSUPP;
	if (sizeof(struct aead_request) + crypto_aead_reqsize(tfm) >
	    MIHSEC_REQ_SIZE)
		goto fail;
	err = crypto_aead_setkey(tfm, key, keylen);
	if (err)
		goto fail;
	err = crypto_aead_setauthsize(tfm, MIHSEC_ICV_LEN);
	if (err)
		goto fail;
	k->aead = tfm;
	memcpy(k->salt, salt, MIHSEC_SALT_LEN);
	return 0;
fail:
	crypto_free_aead(tfm);
	return err;
}

/* The transform zeroizes its own key schedule when freed */
void mihsec_key_free(struct mihsec_key *k)
{
	crypto_free_aead(k->aead);
	k->aead = NULL;
	memzero_explicit(k->salt, sizeof(k->salt));
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

/* Compute the ICV (and encrypt Body if E = 1) of a PDU framed by mih.c */
int mihsec_seal(const struct mihsec_key *k, u8 *buf, const struct mih_pdu *p)
{
	return mihsec_aead(k, buf, p, true);
}

/*
 * Verify the ICV of a parsed protected PDU and, if it holds, decrypt Body
 * in place.  -EBADMSG if the ICV does not verify.
 */
int mihsec_open(const struct mihsec_key *k, u8 *buf, const struct mih_pdu *p,
		unsigned int *body_len)
{
	int err = mihsec_aead(k, buf, p, false);

	*body_len = p->cbody_len;
	return err;
}

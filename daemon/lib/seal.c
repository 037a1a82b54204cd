// SPDX-License-Identifier: GPL-2.0
/*
 * MIHSec seal/open of one MIH PDU (PROTOCOL.md section 3) with OpenSSL 3
 * EVP.  See seal.h.
 */
#include <limits.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "lib/seal.h"

const char *mihsec_strerror(int err)
{
	switch (err) {
	case MIHSEC_OK:			return "success";
	case MIHSEC_E_INVAL:		return "invalid argument";
	case MIHSEC_E_NOSPACE:		return "output buffer too small";
	case MIHSEC_E_UNSUPPORTED:	return "unsupported suite";
	case MIHSEC_E_CRYPTO:		return "cryptographic library failure";
	case MIHSEC_E_TOO_BIG:
		return "protected PDU would exceed the MIH payload limit";
	case MIHSEC_E_NOT_PLAIN:	return "input is not a plain MIH PDU";
	case MIHSEC_E_MALFORMED:	return "malformed protected PDU";
	case MIHSEC_E_FLAGS:		return "reserved flag bits set";
	case MIHSEC_E_SEQ:		return "sequence number out of range";
	case MIHSEC_E_NOT_PROTECTED:	return "PDU is not protected";
	case MIHSEC_E_UNKNOWN_KEY:	return "unknown key ID";
	case MIHSEC_E_SUITE_MISMATCH:	return "suite mismatch";
	case MIHSEC_E_ENCRYPTION_REQUIRED: return "encryption required";
	case MIHSEC_E_DIRECTION_MISMATCH: return "direction mismatch";
	case MIHSEC_E_AUTH_FAIL:	return "integrity check failed";
	case MIHSEC_E_IDENTITY_MISMATCH: return "MIHF identity mismatch";
	case MIHSEC_E_PADDING:		return "bad padding";
	case MIHSEC_E_BODY:		return "decrypted body is not TLVs";
	}
	return "unknown MIHSec error";
}

int mihsec_err_stat(int err)
{
	switch (err) {
	case MIHSEC_OK:
	case MIHSEC_E_NOT_PROTECTED:
		return MIHSEC_STAT_UNSPEC;
	case MIHSEC_E_MALFORMED:
	case MIHSEC_E_FLAGS:
	case MIHSEC_E_SEQ:
	case MIHSEC_E_PADDING:
	case MIHSEC_E_BODY:
		return MIHSEC_STAT_DROP_MALFORMED;
	case MIHSEC_E_UNKNOWN_KEY:
		return MIHSEC_STAT_DROP_UNKNOWN_KEY;
	case MIHSEC_E_SUITE_MISMATCH:
		return MIHSEC_STAT_DROP_SUITE_MISMATCH;
	case MIHSEC_E_ENCRYPTION_REQUIRED:
		return MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED;
	case MIHSEC_E_DIRECTION_MISMATCH:
		return MIHSEC_STAT_DROP_DIRECTION_MISMATCH;
	case MIHSEC_E_AUTH_FAIL:
		return MIHSEC_STAT_DROP_AUTH_FAIL;
	case MIHSEC_E_IDENTITY_MISMATCH:
		return MIHSEC_STAT_DROP_IDENTITY_MISMATCH;
	}
	return MIHSEC_STAT_DROP_ERROR;
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static inline uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* ---- suites ---- */

static const EVP_CIPHER *aead_cipher(uint8_t suite)
{
	switch (suite) {
	case MIHSEC_SUITE_AES128_GCM:
		return EVP_aes_128_gcm();
	case MIHSEC_SUITE_AES256_GCM:
		return EVP_aes_256_gcm();
	case MIHSEC_SUITE_CHACHA20_POLY1305:
		return EVP_chacha20_poly1305();
	}
	return NULL;
}

bool mihsec_suite_is_aead(uint8_t suite)
{
	return suite >= MIHSEC_SUITE_AES128_GCM &&
	       suite <= MIHSEC_SUITE_CHACHA20_POLY1305;
}

bool mihsec_suite_supported(uint8_t suite)
{
	return mihsec_suite_is_aead(suite) ||
	       suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1;
}

size_t mihsec_suite_key_len(uint8_t suite)
{
	switch (suite) {
	case MIHSEC_SUITE_AES128_GCM:
	case MIHSEC_SUITE_AES128_CBC_HMAC_SHA1:
		return 16;
	case MIHSEC_SUITE_AES256_GCM:
	case MIHSEC_SUITE_CHACHA20_POLY1305:
		return 32;
	}
	return 0;
}

int mihsec_key_set(struct mihsec_key *k, uint8_t suite,
		   const uint8_t *key, size_t key_len,
		   const uint8_t *ikey, size_t ikey_len,
		   const uint8_t *salt, const uint8_t *keyid)
{
	bool cbc = suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1;

	memset(k, 0, sizeof(*k));
	if (!mihsec_suite_supported(suite))
		return MIHSEC_E_UNSUPPORTED;
	if (!key || key_len != mihsec_suite_key_len(suite) || !keyid)
		return MIHSEC_E_INVAL;
	if (cbc ? (!ikey || ikey_len != MIHSEC_IKEY_LEN) : (ikey || ikey_len))
		return MIHSEC_E_INVAL;
	if (!cbc && !salt)
		return MIHSEC_E_INVAL;
	k->suite = suite;
	k->key_len = (uint8_t)key_len;
	memcpy(k->key, key, key_len);
	if (cbc)
		memcpy(k->ikey, ikey, MIHSEC_IKEY_LEN);
	if (salt)
		memcpy(k->salt, salt, MIHSEC_SALT_LEN);
	memcpy(k->keyid, keyid, MIHSEC_KEYID_LEN);
	return 0;
}

void mihsec_key_clear(struct mihsec_key *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

static int key_check(const struct mihsec_key *k)
{
	if (!mihsec_suite_supported(k->suite))
		return MIHSEC_E_UNSUPPORTED;
	if (k->key_len != mihsec_suite_key_len(k->suite))
		return MIHSEC_E_INVAL;
	return 0;
}

/* ---- primitives ---- */

static int aead_init(EVP_CIPHER_CTX *ctx, uint8_t suite, bool enc,
		     const uint8_t *key, size_t key_len,
		     const uint8_t *nonce, size_t nonce_len)
{
	const EVP_CIPHER *c = aead_cipher(suite);

	if (!c)
		return MIHSEC_E_UNSUPPORTED;
	if (!key || (int)key_len != EVP_CIPHER_get_key_length(c) ||
	    !nonce || nonce_len == 0 || nonce_len > 128)
		return MIHSEC_E_INVAL;
	if (EVP_CipherInit_ex(ctx, c, NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)nonce_len,
				NULL) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) != 1)
		return MIHSEC_E_CRYPTO;
	return 0;
}

int mihsec_aead_encrypt(uint8_t suite, const uint8_t *key, size_t key_len,
			const uint8_t *nonce, size_t nonce_len,
			const uint8_t *aad, size_t aad_len,
			const uint8_t *pt, size_t pt_len,
			uint8_t *ct, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx;
	int err, n, fin;

	if (aad_len > INT_MAX || pt_len > INT_MAX || (aad_len && !aad) ||
	    (pt_len && (!pt || !ct)) || !tag)
		return MIHSEC_E_INVAL;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return MIHSEC_E_CRYPTO;
	err = aead_init(ctx, suite, true, key, key_len, nonce, nonce_len);
	if (err)
		goto out;
	err = MIHSEC_E_CRYPTO;
	if (aad_len &&
	    EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1)
		goto out;
	n = 0;
	if (pt_len && (EVP_EncryptUpdate(ctx, ct, &n, pt, (int)pt_len) != 1 ||
		       (size_t)n > pt_len))
		goto out;
	if (EVP_EncryptFinal_ex(ctx, pt_len ? ct + n : NULL, &fin) != 1 ||
	    (size_t)n + (size_t)fin != pt_len)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, MIHSEC_ICV_LEN,
				tag) != 1)
		goto out;
	err = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return err;
}

int mihsec_aead_decrypt(uint8_t suite, const uint8_t *key, size_t key_len,
			const uint8_t *nonce, size_t nonce_len,
			const uint8_t *aad, size_t aad_len,
			const uint8_t *ct, size_t ct_len,
			const uint8_t *tag, uint8_t *pt)
{
	uint8_t tagbuf[MIHSEC_ICV_LEN];
	EVP_CIPHER_CTX *ctx;
	int err, n, fin;

	if (aad_len > INT_MAX || ct_len > INT_MAX || (aad_len && !aad) ||
	    (ct_len && (!ct || !pt)) || !tag)
		return MIHSEC_E_INVAL;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return MIHSEC_E_CRYPTO;
	err = aead_init(ctx, suite, false, key, key_len, nonce, nonce_len);
	if (err)
		goto out;
	err = MIHSEC_E_CRYPTO;
	memcpy(tagbuf, tag, sizeof(tagbuf));	/* the ctrl takes non-const */
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, MIHSEC_ICV_LEN,
				tagbuf) != 1)
		goto out;
	if (aad_len &&
	    EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1)
		goto out;
	n = 0;
	if (ct_len && (EVP_DecryptUpdate(ctx, pt, &n, ct, (int)ct_len) != 1 ||
		       (size_t)n > ct_len))
		goto out;
	if (EVP_DecryptFinal_ex(ctx, ct_len ? pt + n : NULL, &fin) != 1) {
		err = MIHSEC_E_AUTH_FAIL;
		goto out;
	}
	if ((size_t)n + (size_t)fin != ct_len)
		goto out;
	err = 0;
out:
	if (err && ct_len && pt)
		OPENSSL_cleanse(pt, ct_len);
	EVP_CIPHER_CTX_free(ctx);
	return err;
}

static int cbc_crypt(bool enc, const uint8_t *key, const uint8_t *iv,
		     const uint8_t *in, size_t in_len,
		     uint8_t *out, size_t *out_len)
{
	EVP_CIPHER_CTX *ctx;
	int err = MIHSEC_E_CRYPTO, n = 0, fin = 0;

	if (!key || !iv || !out || !out_len || (in_len && !in) ||
	    in_len > INT_MAX - MIHSEC_CBC_BLOCK)
		return MIHSEC_E_INVAL;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return MIHSEC_E_CRYPTO;
	if (EVP_CipherInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, iv,
			      enc) != 1)
		goto out;
	if (in_len && EVP_CipherUpdate(ctx, out, &n, in, (int)in_len) != 1)
		goto out;
	if (EVP_CipherFinal_ex(ctx, out + n, &fin) != 1) {
		err = enc ? MIHSEC_E_CRYPTO : MIHSEC_E_PADDING;
		goto out;
	}
	*out_len = (size_t)n + (size_t)fin;
	err = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return err;
}

int mihsec_cbc_encrypt(const uint8_t *key, const uint8_t *iv,
		       const uint8_t *pt, size_t pt_len,
		       uint8_t *ct, size_t *ct_len)
{
	return cbc_crypt(true, key, iv, pt, pt_len, ct, ct_len);
}

int mihsec_cbc_decrypt(const uint8_t *key, const uint8_t *iv,
		       const uint8_t *ct, size_t ct_len,
		       uint8_t *pt, size_t *pt_len)
{
	int err;

	if (ct_len == 0 || ct_len % MIHSEC_CBC_BLOCK)
		return MIHSEC_E_PADDING;
	err = cbc_crypt(false, key, iv, ct, ct_len, pt, pt_len);
	if (err && pt)
		OPENSSL_cleanse(pt, ct_len);
	return err;
}

int mihsec_hmac_sha1(const uint8_t *key, size_t key_len,
		     const uint8_t *data, size_t len, uint8_t *mac)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *hmac;
	size_t outl = 0;
	int err = MIHSEC_E_CRYPTO;
	char digest[] = "SHA1";

	if (!key || !mac || (len && !data))
		return MIHSEC_E_INVAL;
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!hmac)
		return MIHSEC_E_CRYPTO;
	ctx = EVP_MAC_CTX_new(hmac);
	if (!ctx)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key, key_len, params) != 1 ||
	    (len && EVP_MAC_update(ctx, data, len) != 1) ||
	    EVP_MAC_final(ctx, mac, &outl, MIHSEC_HMAC_SHA1_LEN) != 1 ||
	    outl != MIHSEC_HMAC_SHA1_LEN)
		goto out;
	err = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(hmac);
	return err;
}

/* suite 4 ICV: HMAC-SHA1(IK, data) truncated to 16 octets */
static int cbc_icv(const struct mihsec_key *k, const uint8_t *data,
		   size_t len, uint8_t *icv)
{
	uint8_t mac[MIHSEC_HMAC_SHA1_LEN];
	int err;

	err = mihsec_hmac_sha1(k->ikey, MIHSEC_IKEY_LEN, data, len, mac);
	if (!err)
		memcpy(icv, mac, MIHSEC_ICV_LEN);
	OPENSSL_cleanse(mac, sizeof(mac));
	return err;
}

static void make_nonce(uint8_t *nonce, const struct mihsec_key *k,
		       uint64_t seq)
{
	memcpy(nonce, k->salt, MIHSEC_SALT_LEN);
	put_be64(nonce + MIHSEC_SALT_LEN, seq);
}

/* ---- sealing ---- */

static bool cbc_encrypted(uint8_t suite, uint8_t flags)
{
	return suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1 &&
	       (flags & MIHSEC_WIRE_F_ENCRYPTED);
}

/* Body octets as sent */
static size_t sent_body_len(uint8_t suite, uint8_t flags, size_t body_len)
{
	if (cbc_encrypted(suite, flags))
		return (body_len / MIHSEC_CBC_BLOCK + 1) * MIHSEC_CBC_BLOCK;
	return body_len;
}

/* Security TLV value length, or 0 if it cannot be represented */
static size_t sec_value_len(uint8_t suite, uint8_t flags, size_t body_len)
{
	size_t iv = cbc_encrypted(suite, flags) ? MIHSEC_IV_LEN : 0;

	if (body_len > UINT32_MAX - MIHSEC_SEC_FIXED_LEN - MIHSEC_IV_LEN -
		       MIHSEC_CBC_BLOCK)
		return 0;
	return MIHSEC_SEC_FIXED_LEN + iv + sent_body_len(suite, flags,
							 body_len);
}

size_t mihsec_seal_overhead(uint8_t suite, uint8_t flags, size_t body_len)
{
	size_t sec_len;

	if (!mihsec_suite_supported(suite))
		return 0;
	sec_len = sec_value_len(suite, flags, body_len);
	if (!sec_len)
		return 0;
	/* the Body moves into the Security TLV; everything else is new */
	return mih_tlv_size((uint32_t)sec_len) - body_len +
	       mih_tlv_size(MIHSEC_ICV_LEN);
}

size_t mihsec_seal_size_max(uint8_t suite, uint8_t flags, size_t plain_len)
{
	size_t o, pad;

	/* the overhead grows with the Body, but for the CBC padding */
	o = mihsec_seal_overhead(suite, flags, plain_len);
	if (!o)
		return 0;
	pad = sent_body_len(suite, flags, plain_len) - plain_len;
	return plain_len + o - pad + (cbc_encrypted(suite, flags) ?
				       MIHSEC_CBC_BLOCK : 0);
}

static bool overlap(const uint8_t *a, size_t alen, const uint8_t *b,
		    size_t blen)
{
	return a < b + blen && b < a + alen;
}

int mihsec_seal(const struct mihsec_key *k,
		const struct mihsec_seal_params *params,
		const uint8_t *plain, size_t plain_len,
		uint8_t *out, size_t out_size, size_t *out_len)
{
	uint8_t nonce[MIHSEC_NONCE_LEN];
	struct mih_tlv_iter it;
	struct mih_tlv tlv;
	struct mih_pdu pdu;
	size_t sec_len, total, aad_len, ct_len, pos;
	uint8_t flags, *body_out, *icv;
	bool enc;
	int err, r, n;

	if (!k || !params || !plain || !out || !out_len)
		return MIHSEC_E_INVAL;
	err = key_check(k);
	if (err)
		return err;
	flags = params->flags;
	if (flags & ~MIHSEC_WIRE_F_ALL)
		return MIHSEC_E_FLAGS;
	if (params->seq == 0 || params->seq > MIHSEC_SEQ_MAX)
		return MIHSEC_E_SEQ;
	enc = flags & MIHSEC_WIRE_F_ENCRYPTED;

	/* PROTOCOL.md 4.1: only a well-formed plain PDU is protected */
	if (mih_pdu_parse(plain, plain_len, &pdu))
		return MIHSEC_E_NOT_PLAIN;
	mih_tlv_iter_init(&it, pdu.body, pdu.body_len);
	while ((r = mih_tlv_next(&it, &tlv)) > 0)
		if (tlv.type == MIHSEC_TLV_SECURITY ||
		    tlv.type == MIHSEC_TLV_INTEGRITY)
			return MIHSEC_E_NOT_PLAIN;

	sec_len = sec_value_len(k->suite, flags, pdu.body_len);
	if (!sec_len)
		return MIHSEC_E_TOO_BIG;
	total = plain_len + mihsec_seal_overhead(k->suite, flags,
						 pdu.body_len);
	if (total - MIH_HDR_LEN > MIH_PAYLOAD_MAX)
		return MIHSEC_E_TOO_BIG;
	if (out_size < total)
		return MIHSEC_E_NOSPACE;
	if (overlap(plain, plain_len, out, total))
		return MIHSEC_E_INVAL;

	/* header and both MIHF ID TLVs unchanged but the payload length */
	memcpy(out, plain, pdu.ids_len);
	mih_hdr_set_payload_len(out, (uint16_t)(total - MIH_HDR_LEN));
	pos = pdu.ids_len;
	n = mih_tlv_hdr_encode(out + pos, total - pos, MIHSEC_TLV_SECURITY,
			       (uint32_t)sec_len);
	if (n < 0)
		return MIHSEC_E_INVAL;
	pos += (size_t)n;
	out[pos++] = flags;
	out[pos++] = k->suite;
	memcpy(out + pos, k->keyid, MIHSEC_KEYID_LEN);
	pos += MIHSEC_KEYID_LEN;
	put_be64(out + pos, params->seq);
	pos += 8;
	if (cbc_encrypted(k->suite, flags)) {
		if (params->iv)
			memcpy(out + pos, params->iv, MIHSEC_IV_LEN);
		else if (RAND_bytes(out + pos, MIHSEC_IV_LEN) != 1)
			return MIHSEC_E_CRYPTO;
		pos += MIHSEC_IV_LEN;
	}
	aad_len = pos;
	body_out = out + aad_len;
	ct_len = sent_body_len(k->suite, flags, pdu.body_len);
	pos += ct_len;
	out[pos++] = MIHSEC_TLV_INTEGRITY;
	out[pos++] = MIHSEC_ICV_LEN;
	icv = out + pos;
	pos += MIHSEC_ICV_LEN;
	if (pos != total)
		return MIHSEC_E_INVAL;	/* cannot happen: overhead is exact */

	if (mihsec_suite_is_aead(k->suite)) {
		make_nonce(nonce, k, params->seq);
		if (enc) {
			err = mihsec_aead_encrypt(k->suite, k->key, k->key_len,
						  nonce, sizeof(nonce),
						  out, aad_len, pdu.body,
						  pdu.body_len, body_out, icv);
		} else {
			/* GMAC-style: AAD || Body authenticated, no text */
			if (pdu.body_len)
				memcpy(body_out, pdu.body, pdu.body_len);
			err = mihsec_aead_encrypt(k->suite, k->key, k->key_len,
						  nonce, sizeof(nonce),
						  out, aad_len + pdu.body_len,
						  NULL, 0, NULL, icv);
		}
	} else {
		size_t got = 0;

		if (enc) {
			err = mihsec_cbc_encrypt(k->key, out + aad_len -
						 MIHSEC_IV_LEN, pdu.body,
						 pdu.body_len, body_out, &got);
			if (!err && got != ct_len)
				err = MIHSEC_E_CRYPTO;
		} else if (pdu.body_len) {
			memcpy(body_out, pdu.body, pdu.body_len);
		}
		if (!err)
			err = cbc_icv(k, out, aad_len + ct_len, icv);
	}
	OPENSSL_cleanse(nonce, sizeof(nonce));
	if (err) {
		OPENSSL_cleanse(out, total);
		return err;
	}
	*out_len = total;
	return 0;
}

/* ---- parsing and opening ---- */

int mihsec_parse(const uint8_t *in, size_t in_len, struct mihsec_sec *sec)
{
	struct mih_tlv t[2], tlv;
	struct mih_tlv_iter it;
	const uint8_t *v;
	size_t iv_len;
	bool sec_tlv = false;
	int n = 0, r;

	memset(sec, 0, sizeof(*sec));
	if (!in)
		return MIHSEC_E_INVAL;
	r = mih_pdu_parse(in, in_len, &sec->pdu);
	if (r) {
		sec->mih_err = r;
		return MIHSEC_E_MALFORMED;
	}
	mih_tlv_iter_init(&it, sec->pdu.body, sec->pdu.body_len);
	while ((r = mih_tlv_next(&it, &tlv)) > 0) {
		if (n < 2)
			t[n] = tlv;
		n++;
		if (tlv.type == MIHSEC_TLV_SECURITY ||
		    tlv.type == MIHSEC_TLV_INTEGRITY)
			sec_tlv = true;
	}
	if (!sec_tlv)
		return MIHSEC_E_NOT_PROTECTED;

	/* exactly Security then Integrity after the two MIHF IDs */
	if (n != 2 || t[0].type != MIHSEC_TLV_SECURITY ||
	    t[1].type != MIHSEC_TLV_INTEGRITY ||
	    t[1].len != MIHSEC_ICV_LEN || t[0].len < MIHSEC_SEC_FIXED_LEN)
		return MIHSEC_E_MALFORMED;
	v = t[0].value;
	sec->flags = v[0];
	sec->suite = v[1];
	sec->keyid = v + 2;
	sec->seq = get_be64(v + 2 + MIHSEC_KEYID_LEN);
	sec->icv = t[1].value;
	if (sec->flags & ~MIHSEC_WIRE_F_ALL)
		return MIHSEC_E_FLAGS;
	if (sec->seq == 0 || sec->seq > MIHSEC_SEQ_MAX)
		return MIHSEC_E_SEQ;
	iv_len = cbc_encrypted(sec->suite, sec->flags) ? MIHSEC_IV_LEN : 0;
	if (t[0].len < MIHSEC_SEC_FIXED_LEN + iv_len)
		return MIHSEC_E_MALFORMED;
	if (iv_len)
		sec->iv = v + MIHSEC_SEC_FIXED_LEN;
	sec->body = v + MIHSEC_SEC_FIXED_LEN + iv_len;
	sec->body_len = t[0].len - MIHSEC_SEC_FIXED_LEN - iv_len;
	if (iv_len && (sec->body_len == 0 ||
		       sec->body_len % MIHSEC_CBC_BLOCK))
		return MIHSEC_E_MALFORMED;
	sec->aad_len = (size_t)(sec->body - in);
	return 0;
}

static bool id_eq(const uint8_t *a, size_t alen, const uint8_t *b,
		  size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

int mihsec_open(const struct mihsec_key *k,
		const struct mihsec_open_params *params,
		const uint8_t *in, size_t in_len,
		uint8_t *out, size_t out_size, size_t *out_len,
		struct mihsec_sec *secp)
{
	uint8_t nonce[MIHSEC_NONCE_LEN], icv[MIHSEC_ICV_LEN];
	struct mihsec_sec sec_local, *sec = secp ? secp : &sec_local;
	const struct mih_pdu *pdu = &sec->pdu;
	uint8_t *body_out;
	size_t pt_len = 0, max, total;
	bool enc;
	int err;

	if (!k || !in || !out || !out_len) {
		if (secp)
			memset(secp, 0, sizeof(*secp));
		return MIHSEC_E_INVAL;
	}
	err = mihsec_parse(in, in_len, sec);
	if (err)
		return err;
	err = key_check(k);
	if (err)
		return err;
	if (memcmp(sec->keyid, k->keyid, MIHSEC_KEYID_LEN))
		return MIHSEC_E_UNKNOWN_KEY;
	if (sec->suite != k->suite)
		return MIHSEC_E_SUITE_MISMATCH;
	enc = sec->flags & MIHSEC_WIRE_F_ENCRYPTED;
	if (params && params->require_encrypt && !enc)
		return MIHSEC_E_ENCRYPTION_REQUIRED;
	if (params && params->role) {
		uint8_t want;

		if (params->role == MIHSEC_ROLE_MMT)
			want = MIHSEC_WIRE_F_NET2MMT;
		else if (params->role == MIHSEC_ROLE_NETWORK)
			want = 0;
		else
			return MIHSEC_E_INVAL;
		if ((sec->flags & MIHSEC_WIRE_F_NET2MMT) != want)
			return MIHSEC_E_DIRECTION_MISMATCH;
	}

	max = pdu->ids_len + sec->body_len;
	if (out_size < max)
		return MIHSEC_E_NOSPACE;
	if (overlap(in, in_len, out, max))
		return MIHSEC_E_INVAL;
	body_out = out + pdu->ids_len;

	/* verify (and, for AEAD with E = 1, decrypt in the same pass) */
	if (mihsec_suite_is_aead(k->suite)) {
		make_nonce(nonce, k, sec->seq);
		if (enc) {
			err = mihsec_aead_decrypt(k->suite, k->key, k->key_len,
						  nonce, sizeof(nonce), in,
						  sec->aad_len, sec->body,
						  sec->body_len, sec->icv,
						  body_out);
		} else {
			err = mihsec_aead_decrypt(k->suite, k->key, k->key_len,
						  nonce, sizeof(nonce), in,
						  sec->aad_len + sec->body_len,
						  NULL, 0, sec->icv, NULL);
		}
		OPENSSL_cleanse(nonce, sizeof(nonce));
		if (err)
			goto fail;
		pt_len = sec->body_len;
	} else {
		err = cbc_icv(k, in, sec->aad_len + sec->body_len, icv);
		if (err)
			goto fail;
		if (CRYPTO_memcmp(icv, sec->icv, MIHSEC_ICV_LEN)) {
			err = MIHSEC_E_AUTH_FAIL;
			goto fail;
		}
	}

	/* PROTOCOL.md 5.8: the authenticated IDs must be the SA's */
	if (params && ((params->peer_id &&
			!id_eq(pdu->src_id, pdu->src_id_len, params->peer_id,
			       params->peer_id_len)) ||
		       (params->local_id &&
			!id_eq(pdu->dst_id, pdu->dst_id_len, params->local_id,
			       params->local_id_len)))) {
		err = MIHSEC_E_IDENTITY_MISMATCH;
		goto fail;
	}

	if (!mihsec_suite_is_aead(k->suite)) {
		if (enc) {
			err = mihsec_cbc_decrypt(k->key, sec->iv, sec->body,
						 sec->body_len, body_out,
						 &pt_len);
			if (err)
				goto fail;
		} else {
			pt_len = sec->body_len;
		}
	}
	if (!enc && pt_len)
		memcpy(body_out, sec->body, pt_len);
	if (mih_tlvs_validate(body_out, pt_len) < 0) {
		err = MIHSEC_E_BODY;
		goto fail;
	}

	total = pdu->ids_len + pt_len;
	memcpy(out, in, pdu->ids_len);
	mih_hdr_set_payload_len(out, (uint16_t)(total - MIH_HDR_LEN));
	*out_len = total;
	return 0;
fail:
	OPENSSL_cleanse(out, max);
	return err;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MIHSec protection of one MIH PDU (PROTOCOL.md section 3), userspace
 * reference built on OpenSSL 3 EVP.
 *
 *   plain:     MIH header | Src MIHF ID | Dst MIHF ID | Body (TLVs)
 *   protected: MIH header | Src MIHF ID | Dst MIHF ID |
 *              TLV 200: Flags Suite KeyID(8) Seq(8, BE) [IV(16)] Body' |
 *              TLV 201: ICV(16)
 *
 * mihsec_seal() turns a plain PDU into a protected one with one direction's
 * key, mihsec_open() verifies and strips a protected PDU.  Suites: 1
 * AES-128-GCM, 2 AES-256-GCM, 3 ChaCha20-Poly1305 (AEAD: nonce = salt ||
 * seq), 4 AES-128-CBC + HMAC-SHA1-128 (encrypt-then-MAC, random IV).
 *
 * Functions return 0 on success and a negative enum mihsec_err otherwise.
 * Input and output buffers must not overlap.
 */
#ifndef MIHSEC_LIB_SEAL_H
#define MIHSEC_LIB_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/mihsec.h>

#include "lib/mih.h"

#define MIHSEC_SEC_FIXED_LEN	18	/* Flags, Suite, Key ID, Sequence */
#define MIHSEC_IV_LEN		16	/* suite 4 with E = 1 */
#define MIHSEC_NONCE_LEN	12	/* AEAD suites: salt || sequence */
#define MIHSEC_HMAC_SHA1_LEN	20
#define MIHSEC_CBC_BLOCK	16
#define MIHSEC_WIRE_F_ALL	(MIHSEC_WIRE_F_ENCRYPTED | MIHSEC_WIRE_F_NET2MMT)
/* the Integrity TLV: type, one length octet, ICV */
#define MIHSEC_ICV_TLV_LEN	(2 + MIHSEC_ICV_LEN)

enum mihsec_err {
	MIHSEC_OK			= 0,
	/* caller and environment */
	MIHSEC_E_INVAL			= -1,	/* bad argument or key */
	MIHSEC_E_NOSPACE		= -2,	/* output buffer too small */
	MIHSEC_E_UNSUPPORTED		= -3,	/* suite not implemented */
	MIHSEC_E_CRYPTO			= -4,	/* OpenSSL failed */
	MIHSEC_E_TOO_BIG		= -5,	/* payload would pass 65535 */
	MIHSEC_E_NOT_PLAIN		= -6,	/* seal: not a plain MIH PDU */
	/* open, PROTOCOL.md section 5, in the order they are checked */
	MIHSEC_E_MALFORMED		= -10,	/* framing or layout (5.1) */
	MIHSEC_E_FLAGS			= -11,	/* reserved flag bits (5.1) */
	MIHSEC_E_SEQ			= -12,	/* seq 0 or above 2^63 (5.1) */
	MIHSEC_E_NOT_PROTECTED		= -13,	/* no TLV 200/201 (5.2) */
	MIHSEC_E_UNKNOWN_KEY		= -14,	/* key ID not the key's (5.3) */
	MIHSEC_E_SUITE_MISMATCH		= -15,	/* (5.4) */
	MIHSEC_E_ENCRYPTION_REQUIRED	= -16,	/* (5.4) */
	MIHSEC_E_DIRECTION_MISMATCH	= -17,	/* (5.4) */
	MIHSEC_E_AUTH_FAIL		= -18,	/* ICV mismatch (5.6) */
	MIHSEC_E_IDENTITY_MISMATCH	= -19,	/* (5.8) */
	MIHSEC_E_PADDING		= -20,	/* suite 4 padding (5.8) */
	MIHSEC_E_BODY			= -21,	/* Body not TLVs (5.8) */
};

const char *mihsec_strerror(int err);
/*
 * The enum mihsec_stat drop counter (uapi) the kernel counts an open error
 * under; MIHSEC_STAT_UNSPEC for MIHSEC_OK and MIHSEC_E_NOT_PROTECTED.
 */
int mihsec_err_stat(int err);

/* ---- Suites ---- */

bool mihsec_suite_supported(uint8_t suite);
/* Cipher key length of a suite (CK), 0 if unknown */
size_t mihsec_suite_key_len(uint8_t suite);
/* Whether the suite is an AEAD (1-3) */
bool mihsec_suite_is_aead(uint8_t suite);

/* One direction's key material, as an SA holds it */
struct mihsec_key {
	uint8_t suite;			/* enum mihsec_suite */
	uint8_t key_len;
	uint8_t key[MIHSEC_KEY_MAX];	/* CK */
	uint8_t ikey[MIHSEC_IKEY_LEN];	/* IK, suite 4 only */
	uint8_t salt[MIHSEC_SALT_LEN];	/* AEAD suites */
	uint8_t keyid[MIHSEC_KEYID_LEN];
};

/*
 * Copy key material into *k (which mihsec_key_clear() wipes).  key_len must
 * be the suite's; ikey (32 octets) is required for suite 4 and refused
 * otherwise; salt is required for AEAD suites (ignored for suite 4, may be
 * NULL there).  MIHSEC_E_UNSUPPORTED for an unknown suite.
 */
int mihsec_key_set(struct mihsec_key *k, uint8_t suite,
		   const uint8_t *key, size_t key_len,
		   const uint8_t *ikey, size_t ikey_len,
		   const uint8_t *salt, const uint8_t *keyid);
void mihsec_key_clear(struct mihsec_key *k);

/* ---- Sealing ---- */

struct mihsec_seal_params {
	uint64_t seq;		/* 1 .. MIHSEC_SEQ_MAX */
	uint8_t flags;		/* MIHSEC_WIRE_F_ENCRYPTED | _NET2MMT */
	const uint8_t *iv;	/* suite 4, E = 1: 16 octets, NULL = random */
};

/*
 * Octets a protected PDU is longer than its plain PDU whose Body (the TLVs
 * after the Destination MIHF ID) has body_len octets: exact.  0 for an
 * unknown suite.  Suites 1-3 (and 4 with E = 0), body_len <= 110: 38.
 */
size_t mihsec_seal_overhead(uint8_t suite, uint8_t flags, size_t body_len);
/*
 * An output size that always suffices to seal a plain PDU of plain_len
 * octets, without parsing it (for suite 4 with E = 1 the padding depends
 * on the Body length).  0 for an unknown suite.
 */
size_t mihsec_seal_size_max(uint8_t suite, uint8_t flags, size_t plain_len);

/*
 * Seal the plain PDU [plain, plain + plain_len) (strictly well-formed, no
 * TLV 200/201) into out.  Errors: MIHSEC_E_NOT_PLAIN, MIHSEC_E_FLAGS
 * (reserved bits in params->flags), MIHSEC_E_SEQ, MIHSEC_E_TOO_BIG,
 * MIHSEC_E_NOSPACE, MIHSEC_E_INVAL, MIHSEC_E_UNSUPPORTED, MIHSEC_E_CRYPTO.
 */
int mihsec_seal(const struct mihsec_key *k,
		const struct mihsec_seal_params *params,
		const uint8_t *plain, size_t plain_len,
		uint8_t *out, size_t out_size, size_t *out_len);

/* ---- Parsing and opening ---- */

/* A protected PDU taken apart (pointers into the caller's buffer) */
struct mihsec_sec {
	struct mih_pdu pdu;	/* header, MIHF IDs; body = TLVs 200, 201 */
	int mih_err;		/* the MIH codec error behind E_MALFORMED */
	uint8_t flags;
	uint8_t suite;
	const uint8_t *keyid;	/* MIHSEC_KEYID_LEN octets */
	uint64_t seq;
	const uint8_t *iv;	/* suite 4 with E = 1, else NULL */
	const uint8_t *body;	/* Body as sent (ciphertext if E = 1) */
	size_t body_len;
	const uint8_t *icv;	/* MIHSEC_ICV_LEN octets */
	size_t aad_len;		/* octets from the PDU start to Body */
};

/*
 * The framing checks of PROTOCOL.md 5.1, in order: strict MIH framing,
 * exact four-TLV layout when TLV 200 or 201 is present, reserved flag bits
 * (MIHSEC_E_FLAGS), sequence range (MIHSEC_E_SEQ), suite 4 E = 1 ciphertext
 * a positive multiple of 16.  A well-formed PDU with neither TLV:
 * MIHSEC_E_NOT_PROTECTED (sec->pdu is valid then).
 */
int mihsec_parse(const uint8_t *in, size_t in_len, struct mihsec_sec *sec);

struct mihsec_open_params {
	/*
	 * Receiver's enum mihsec_role: MIHSEC_ROLE_MMT accepts only D = 1,
	 * MIHSEC_ROLE_NETWORK only D = 0, 0 either.
	 */
	uint8_t role;
	bool require_encrypt;		/* E = 0 -> ENCRYPTION_REQUIRED */
	/* when non-NULL: the Source must be peer, the Destination local */
	const uint8_t *peer_id;
	size_t peer_id_len;
	const uint8_t *local_id;
	size_t local_id_len;
};

/*
 * Verify, decrypt and strip the protected PDU [in, in + in_len) into the
 * plain PDU at out (out_size >= in_len always suffices).  params may be
 * NULL (no role, encryption or identity requirement); sec, when non-NULL,
 * receives the parsed fields.  Checks in PROTOCOL.md section 5 order (the
 * replay window is the caller's, between the direction check and this
 * call's verification): mihsec_parse() errors, UNKNOWN_KEY, SUITE_MISMATCH,
 * ENCRYPTION_REQUIRED, DIRECTION_MISMATCH, AUTH_FAIL, IDENTITY_MISMATCH,
 * PADDING, BODY.  No unverified or rejected plaintext is ever left in
 * out: once anything was written there, an error wipes it.
 */
int mihsec_open(const struct mihsec_key *k,
		const struct mihsec_open_params *params,
		const uint8_t *in, size_t in_len,
		uint8_t *out, size_t out_size, size_t *out_len,
		struct mihsec_sec *sec);

/* ---- Primitives (the code paths seal/open use; exposed for tests) ---- */

/*
 * AEAD suites 1-3: ct = E(pt) (pt_len octets), tag 16 octets.  pt/ct may
 * be NULL when pt_len is 0.
 */
int mihsec_aead_encrypt(uint8_t suite, const uint8_t *key, size_t key_len,
			const uint8_t *nonce, size_t nonce_len,
			const uint8_t *aad, size_t aad_len,
			const uint8_t *pt, size_t pt_len,
			uint8_t *ct, uint8_t *tag);
/* MIHSEC_E_AUTH_FAIL on a tag mismatch (pt is wiped then) */
int mihsec_aead_decrypt(uint8_t suite, const uint8_t *key, size_t key_len,
			const uint8_t *nonce, size_t nonce_len,
			const uint8_t *aad, size_t aad_len,
			const uint8_t *ct, size_t ct_len,
			const uint8_t *tag, uint8_t *pt);
/* AES-128-CBC with PKCS#7 padding; ct needs pt_len / 16 * 16 + 16 octets */
int mihsec_cbc_encrypt(const uint8_t *key, const uint8_t *iv,
		       const uint8_t *pt, size_t pt_len,
		       uint8_t *ct, size_t *ct_len);
/* pt needs ct_len octets; MIHSEC_E_PADDING on bad padding */
int mihsec_cbc_decrypt(const uint8_t *key, const uint8_t *iv,
		       const uint8_t *ct, size_t ct_len,
		       uint8_t *pt, size_t *pt_len);
/* HMAC-SHA1 (full 20 octets) */
int mihsec_hmac_sha1(const uint8_t *key, size_t key_len,
		     const uint8_t *data, size_t len, uint8_t *mac);

#endif /* MIHSEC_LIB_SEAL_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-direction keys and the AEAD seal/open of PROTOCOL.md section 3,
 * through the kernel crypto API, over a linear buffer laid out by mih.c.
 */
#ifndef _MIHSEC_CRYPTO_H
#define _MIHSEC_CRYPTO_H

#include <linux/types.h>
#include <linux/mihsec.h>
#include "mih.h"

struct crypto_aead;
struct crypto_shash;
struct crypto_sync_skcipher;

/* One direction's keys: an AEAD (suites 1-3) or CBC + HMAC (suite 4) */
struct mihsec_key {
	u8 suite;
	struct crypto_aead *aead;
	struct crypto_sync_skcipher *cbc;
	struct crypto_shash *hmac;
	u8 salt[MIHSEC_SALT_LEN];
};

unsigned int mihsec_suite_keylen(u8 suite);
int mihsec_key_init(struct mihsec_key *k, u8 suite, const u8 *key,
		    unsigned int keylen, const u8 *ikey, const u8 *salt);
void mihsec_key_free(struct mihsec_key *k);
int mihsec_seal(const struct mihsec_key *k, u8 *buf, const struct mih_pdu *p,
		const u8 *iv);
int mihsec_open(const struct mihsec_key *k, u8 *buf, const struct mih_pdu *p,
		unsigned int *body_len);

#endif /* _MIHSEC_CRYPTO_H */

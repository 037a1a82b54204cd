/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MIHSec key schedule (PROTOCOL.md section 2), on OpenSSL 3 EVP only
 * (EVP_KDF "HKDF", EVP_MAC "HMAC"; no hand-rolled HMAC or HKDF).  Shared by
 * mihsecd and mihsecctl.
 *
 * Two steps:
 *   1. a root key from the EAP key input MSK[0..31] (MIHSEC_KDF_MSK_LEN
 *      octets; a source holding the full 64-octet MSK passes its first 32):
 *      the Peer-Key (MMT <-> PoA/AR) or the IS-Key (MMT <-> IS server);
 *   2. from a root key and a suite, the per-direction material of one SA:
 *      CK (the suite's key length), IK (suite 4), SALT (4), KEYID (8) for
 *      m2n (MMT -> network) and n2m (network -> MMT).
 * mihsec_kdf_sa_cfg() then turns that material into the struct
 * mihsec_sa_cfg MIHSEC_CMD_SA_ADD takes, for one end: the MMT sends with
 * m2n and receives with n2m, the network end (AR or IS server) the other
 * way round.  In profile v1 the AR hands the IS server only the IS-Key
 * (PROTOCOL.md 2.3); the IS server loads it with mihsec_kdf_root_set() and
 * does step 2 itself.
 *
 * Profile v1 (default): HKDF-SHA256, labels exactly as PROTOCOL.md 2.1
 * writes them: PRK = HKDF-Extract("MIHSec v1", MSK) (extract-only mode),
 * Peer-Key / IS-Key = HKDF-Expand(PRK, ...) and every per-direction value
 * = HKDF-Expand(root, label || d || suite, L) (expand-only mode, the root
 * key as PRK).  Suites 1-4.
 *
 * Profile paper (PROTOCOL.md 2.2, the published algorithm): HMAC-MD5.
 * Suite 4 only (anything else: -EOPNOTSUPP, mihsec_kdf_suite_error() says
 * why).  As published, CK and IK are the same in both directions; only the
 * key IDs differ per direction.  Decisions where 2.2 leaves a gap:
 *   - IK is HMAC-MD5 output, 16 octets, but suite 4's integrity key
 *     (MIHSEC_A_SA_*_IKEY, struct mihsec_key.ikey) is 32 octets.  The
 *     32-octet IK is the 16-octet IK followed by 16 zero octets.  This is
 *     not a weakening and not an invention: HMAC pads any key shorter than
 *     the hash block (64 octets for SHA-1) with zeros, so HMAC-SHA1 under
 *     IK || 0^16 is, octet for octet, HMAC-SHA1 under the published
 *     16-octet IK (test_kdf.c checks this through lib/seal.c).  Stretching
 *     IK to 32 "random-looking" octets instead (a second HMAC-MD5 block)
 *     would add no entropy (everything comes from the 16-octet Peer-Key or
 *     IS-Key) and would no longer compute the published ICV.  ik_len in
 *     struct mihsec_kdf_keys says 16 then.
 *   - No SALT exists in the published design (suite 4 does not use one),
 *     but SA_ADD requires the attribute: the salts are 4 zero octets.
 *   - The IS-Key takes the IS server's IP address (the address the MMT
 *     sends to): 4 octets for IPv4, also for an IPv4-mapped IPv6 address
 *     (::ffff:a.b.c.d, normalised here), else the 16 IPv6 octets.
 *   - The key-ID "role" octet is the key kind (0x01 Peer-Key, 0x02
 *     IS-Key, enum mihsec_kdf_which), the direction octet 0x00 m2n, 0x01
 *     n2m (enum mihsec_kdf_dir).
 *
 * Conventions: functions returning int return 0 on success or a negative
 * errno: -EINVAL for a bad argument (NULL, wrong MSK or key length, MIHF ID
 * not 1-253 octets, address not 4 or 16 octets, unknown profile, kind or
 * role), -EOPNOTSUPP for a suite the profile does not allow, -EIO if
 * OpenSSL failed.  On failure every output buffer is wiped.
 *
 * Key material: every intermediate buffer is cleansed (OPENSSL_cleanse) on
 * every path; the output structures hold keys: wipe them with
 * mihsec_kdf_root_wipe(), mihsec_kdf_keys_wipe(), mihsec_sa_cfg_wipe().
 * Nothing here prints a key: the dump functions print key IDs and
 * fingerprints only.  Keeping keys out of core dumps
 * (prctl(PR_SET_DUMPABLE, 0) or MADV_DONTDUMP) is the program's job.
 */
#ifndef MIHSEC_LIB_KDF_H
#define MIHSEC_LIB_KDF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/mihsec.h>

#include "lib/nl.h"

#define MIHSEC_KDF_MSK_LEN	32	/* MSK[0..31] */
#define MIHSEC_KDF_MAC_LEN	6
#define MIHSEC_KDF_ROOT_MAX	32	/* v1: 32, paper: 16 (HMAC-MD5) */
#define MIHSEC_KDF_SHA256_LEN	32
#define MIHSEC_KDF_MD5_LEN	16
/* hex digits of a fingerprint (first 8 octets of SHA-256), plus NUL */
#define MIHSEC_KDF_FP_LEN	8
#define MIHSEC_KDF_FP_STR	(2 * MIHSEC_KDF_FP_LEN + 1)

/* The values match TLV 204 of MIHSec_Key_Push (PROTOCOL.md 2.3) */
enum mihsec_kdf_profile {
	MIHSEC_KDF_V1 = 1,
	MIHSEC_KDF_PAPER = 2,
};

/* Which root key; the values are profile paper's key-ID "role" octet */
enum mihsec_kdf_which {
	MIHSEC_KDF_PEER = 1,	/* MMT <-> PoA / access router */
	MIHSEC_KDF_IS = 2,	/* MMT <-> information server */
};

/* Direction; the values are profile paper's key-ID direction octet */
enum mihsec_kdf_dir {
	MIHSEC_KDF_M2N = 0,	/* MMT -> network (wire flag D = 0) */
	MIHSEC_KDF_N2M = 1,	/* network -> MMT (D = 1) */
};

/* A Peer-Key or IS-Key */
struct mihsec_kdf_root {
	uint8_t profile;	/* enum mihsec_kdf_profile */
	uint8_t which;		/* enum mihsec_kdf_which */
	uint8_t len;		/* 32 (v1) or 16 (paper) */
	uint8_t key[MIHSEC_KDF_ROOT_MAX];
};

/* One direction's SA material */
struct mihsec_kdf_dirkeys {
	uint8_t ck[MIHSEC_KEY_MAX];	/* ck_len octets */
	uint8_t ik[MIHSEC_IKEY_LEN];	/* suite 4; paper: 16 octets, 0^16 */
	uint8_t salt[MIHSEC_SALT_LEN];	/* paper: zero (unused by suite 4) */
	uint8_t keyid[MIHSEC_KEYID_LEN];
};

/* The material of one SA (both directions) */
struct mihsec_kdf_keys {
	uint8_t profile;	/* enum mihsec_kdf_profile */
	uint8_t which;		/* enum mihsec_kdf_which */
	uint8_t suite;		/* enum mihsec_suite */
	uint8_t ck_len;		/* the suite's key length */
	uint8_t ik_len;		/* 0 (suites 1-3), 32 (v1), 16 (paper) */
	struct mihsec_kdf_dirkeys dir[2];	/* [enum mihsec_kdf_dir] */
};

/* "v1" / "paper", NULL for an unknown profile */
const char *mihsec_kdf_profile_name(uint8_t profile);
/* The profile named @name, or -EINVAL */
int mihsec_kdf_profile_parse(const char *name);
/*
 * NULL if @profile may use @suite; otherwise why not, as a sentence for
 * the user ("profile paper allows suite 4 only ...", "unknown suite 9").
 */
const char *mihsec_kdf_suite_error(uint8_t profile, uint8_t suite);

/*
 * Step 1.  @msk_len must be MIHSEC_KDF_MSK_LEN.
 * mihsec_kdf_is_key(): @is is, for v1, the IS server's MIHF ID (1-253
 * octets, without the 802.21 length encoding); for paper, its IP address
 * in network order (4 or 16 octets; IPv4-mapped IPv6 counts as IPv4).
 */
int mihsec_kdf_peer_key(uint8_t profile, const uint8_t *msk, size_t msk_len,
			const uint8_t mac_mmt[MIHSEC_KDF_MAC_LEN],
			const uint8_t mac_poa[MIHSEC_KDF_MAC_LEN],
			struct mihsec_kdf_root *root);
int mihsec_kdf_is_key(uint8_t profile, const uint8_t *msk, size_t msk_len,
		      const uint8_t mac_mmt[MIHSEC_KDF_MAC_LEN],
		      const uint8_t *is, size_t is_len,
		      struct mihsec_kdf_root *root);
/* A root key received from elsewhere (the v1 IS-Key of a Key_Push): @len
 * must be the profile's (32 v1, 16 paper) */
int mihsec_kdf_root_set(struct mihsec_kdf_root *root, uint8_t profile,
			uint8_t which, const uint8_t *key, size_t len);

/* Step 2: the SA material of @root under @suite */
int mihsec_kdf_sa_keys(const struct mihsec_kdf_root *root, uint8_t suite,
		       struct mihsec_kdf_keys *keys);

/* Steps 1 and 2 at once (the root key is wiped before returning) */
int mihsec_kdf_peer(uint8_t profile, uint8_t suite,
		    const uint8_t *msk, size_t msk_len,
		    const uint8_t mac_mmt[MIHSEC_KDF_MAC_LEN],
		    const uint8_t mac_poa[MIHSEC_KDF_MAC_LEN],
		    struct mihsec_kdf_keys *keys);
int mihsec_kdf_is(uint8_t profile, uint8_t suite,
		  const uint8_t *msk, size_t msk_len,
		  const uint8_t mac_mmt[MIHSEC_KDF_MAC_LEN],
		  const uint8_t *is, size_t is_len,
		  struct mihsec_kdf_keys *keys);

/*
 * Fill *@cfg (all of it: first wiped, then role, suite, both key IDs,
 * keys, salts and, for suite 4, integrity keys, plus the two MIHF IDs,
 * each 1-253 octets) for the end @role (enum mihsec_role) of the SA
 * @keys describes: MIHSEC_ROLE_MMT sends m2n and receives n2m,
 * MIHSEC_ROLE_NETWORK the opposite.  Flags, replay window, allow list,
 * lifetimes and TX sequence are left unset (kernel defaults) for the
 * caller to set afterwards.  -EINVAL also if the two key IDs are equal
 * (the kernel could not index the SA).
 */
int mihsec_kdf_sa_cfg(const struct mihsec_kdf_keys *keys, uint8_t role,
		      const uint8_t *local_id, size_t local_id_len,
		      const uint8_t *peer_id, size_t peer_id_len,
		      struct mihsec_sa_cfg *cfg);

void mihsec_kdf_root_wipe(struct mihsec_kdf_root *root);
void mihsec_kdf_keys_wipe(struct mihsec_kdf_keys *keys);

/*
 * Debugging without revealing keys.  The fingerprint of a key is the
 * first MIHSEC_KDF_FP_LEN octets of SHA-256(key), in lowercase hex; a
 * salt (4 octets, too short to hide behind a hash) is fingerprinted
 * together with its direction's cipher key: SHA-256(CK || SALT).
 */
int mihsec_kdf_fingerprint(const uint8_t *key, size_t len,
			   char out[MIHSEC_KDF_FP_STR]);
/*
 * Print @keys, or the keys of @cfg, per direction, as lines
 *   "m2n keyid <hex> ck <fp> salt <fp>[ ik <fp>]" and the same for "n2m",
 * after a first line naming the profile/kind and suite (keys) or the role,
 * suite and MIHF IDs (cfg).  A cfg prints its TX side under the direction
 * its role sends, so the two ends of one SA print the same m2n and n2m
 * lines.  Returns 0, -EINVAL (e.g. unknown role) or -EIO.
 */
int mihsec_kdf_keys_dump(FILE *f, const struct mihsec_kdf_keys *keys);
int mihsec_kdf_cfg_dump(FILE *f, const struct mihsec_sa_cfg *cfg);

/*
 * The primitives, through the same EVP code paths the derivations use
 * (exposed for the RFC 5869 / RFC 2202 known-answer tests).
 * mihsec_hkdf_extract(): HKDF-Extract with SHA-256 (extract-only mode);
 * @salt may be NULL when @salt_len is 0; prk gets 32 octets.
 * mihsec_hkdf_expand(): HKDF-Expand with SHA-256 (expand-only mode),
 * @prk_len >= 32, @okm_len 1..255*32.
 * mihsec_hmac_md5(): 16 octets.
 */
int mihsec_hkdf_extract(const uint8_t *salt, size_t salt_len,
			const uint8_t *ikm, size_t ikm_len,
			uint8_t prk[MIHSEC_KDF_SHA256_LEN]);
int mihsec_hkdf_expand(const uint8_t *prk, size_t prk_len,
		       const uint8_t *info, size_t info_len,
		       uint8_t *okm, size_t okm_len);
int mihsec_hmac_md5(const uint8_t *key, size_t key_len,
		    const uint8_t *data, size_t len,
		    uint8_t mac[MIHSEC_KDF_MD5_LEN]);

#endif /* MIHSEC_LIB_KDF_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * MIHSec key schedule (PROTOCOL.md section 2): profiles v1 (HKDF-SHA256)
 * and paper (HMAC-MD5), OpenSSL 3 EVP only.  See lib/kdf.h.
 */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "lib/hex.h"
#include "lib/kdf.h"
#include "lib/seal.h"

/* Labels, ASCII without NUL (PROTOCOL.md 2.1 and 2.2) */
#define V1_SALT		"MIHSec v1"
#define V1_PEER		"MIHSec v1 peer"
#define V1_IS		"MIHSec v1 is"
#define V1_CK		"MIHSec v1 ck "
#define V1_IK		"MIHSec v1 ik "
#define V1_SALTL	"MIHSec v1 salt "
#define V1_KEYID	"MIHSec v1 keyid "
#define V1_ROOT_LEN	32
#define PAPER_PEER	"Peer"
#define PAPER_IS	"IS-Server"
#define PAPER_KEYID	"KeyID"

#define LABEL_LEN(s)	(sizeof(s) - 1)

static const char *const dir_name[2] = { "m2n", "n2m" };

/* ---- primitives ---- */

static int hkdf(int mode, const uint8_t *salt, size_t salt_len,
		const uint8_t *key, size_t key_len,
		const uint8_t *info, size_t info_len,
		uint8_t *out, size_t out_len)
{
	OSSL_PARAM params[6], *p = params;
	EVP_KDF_CTX *ctx = NULL;
	EVP_KDF *kdf;
	char digest[] = "SHA256";
	int err = -EIO;

	kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL);
	if (!kdf)
		goto out;
	ctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (!ctx)
		goto out;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						digest, 0);
	*p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)key, key_len);
	if (salt_len)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
							 (void *)salt,
							 salt_len);
	if (info_len)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
							 (void *)info,
							 info_len);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, out_len, params) == 1)
		err = 0;
out:
	/* frees the context's copy of the key with OPENSSL_clear_free() */
	EVP_KDF_CTX_free(ctx);
	if (err)
		OPENSSL_cleanse(out, out_len);
	return err;
}

int mihsec_hkdf_extract(const uint8_t *salt, size_t salt_len,
			const uint8_t *ikm, size_t ikm_len,
			uint8_t prk[MIHSEC_KDF_SHA256_LEN])
{
	if (!prk)
		return -EINVAL;
	if (!ikm || !ikm_len || (salt_len && !salt)) {
		OPENSSL_cleanse(prk, MIHSEC_KDF_SHA256_LEN);
		return -EINVAL;
	}
	return hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, salt, salt_len,
		    ikm, ikm_len, NULL, 0, prk, MIHSEC_KDF_SHA256_LEN);
}

int mihsec_hkdf_expand(const uint8_t *prk, size_t prk_len,
		       const uint8_t *info, size_t info_len,
		       uint8_t *okm, size_t okm_len)
{
	if (!okm || !okm_len)
		return -EINVAL;
	if (!prk || prk_len < MIHSEC_KDF_SHA256_LEN || (info_len && !info) ||
	    okm_len > 255 * MIHSEC_KDF_SHA256_LEN) {
		OPENSSL_cleanse(okm, okm_len);
		return -EINVAL;
	}
	return hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, NULL, 0, prk, prk_len,
		    info, info_len, okm, okm_len);
}

int mihsec_hmac_md5(const uint8_t *key, size_t key_len,
		    const uint8_t *data, size_t len,
		    uint8_t mac[MIHSEC_KDF_MD5_LEN])
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *hmac;
	char digest[] = "MD5";
	size_t outl = 0;
	int err = -EIO;

	if (!mac)
		return -EINVAL;
	if (!key || !key_len || (len && !data)) {
		err = -EINVAL;
		goto out;
	}
	hmac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	if (!hmac)
		goto out;
	ctx = EVP_MAC_CTX_new(hmac);
	EVP_MAC_free(hmac);
	if (!ctx)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key, key_len, params) == 1 &&
	    (!len || EVP_MAC_update(ctx, data, len) == 1) &&
	    EVP_MAC_final(ctx, mac, &outl, MIHSEC_KDF_MD5_LEN) == 1 &&
	    outl == MIHSEC_KDF_MD5_LEN)
		err = 0;
out:
	/* cleanses the key schedule it holds */
	EVP_MAC_CTX_free(ctx);
	if (err)
		OPENSSL_cleanse(mac, MIHSEC_KDF_MD5_LEN);
	return err;
}

/* ---- profiles and suites ---- */

const char *mihsec_kdf_profile_name(uint8_t profile)
{
	switch (profile) {
	case MIHSEC_KDF_V1:
		return "v1";
	case MIHSEC_KDF_PAPER:
		return "paper";
	}
	return NULL;
}

int mihsec_kdf_profile_parse(const char *name)
{
	if (!name)
		return -EINVAL;
	if (!strcmp(name, "v1"))
		return MIHSEC_KDF_V1;
	if (!strcmp(name, "paper"))
		return MIHSEC_KDF_PAPER;
	return -EINVAL;
}

const char *mihsec_kdf_suite_error(uint8_t profile, uint8_t suite)
{
	if (!mihsec_kdf_profile_name(profile))
		return "unknown key derivation profile (v1 or paper)";
	if (!mihsec_suite_supported(suite))
		return "unknown suite (1-4)";
	if (profile == MIHSEC_KDF_PAPER &&
	    suite != MIHSEC_SUITE_AES128_CBC_HMAC_SHA1)
		return "profile paper allows suite 4 only (AES-128-CBC + HMAC-SHA1, as published)";
	return NULL;
}

static int suite_check(uint8_t profile, uint8_t suite)
{
	if (!mihsec_kdf_profile_name(profile))
		return -EINVAL;
	return mihsec_kdf_suite_error(profile, suite) ? -EOPNOTSUPP : 0;
}

static size_t root_len(uint8_t profile)
{
	return profile == MIHSEC_KDF_PAPER ? MIHSEC_KDF_MD5_LEN : V1_ROOT_LEN;
}

/* ---- step 1: root keys ---- */

void mihsec_kdf_root_wipe(struct mihsec_kdf_root *root)
{
	if (root)
		OPENSSL_cleanse(root, sizeof(*root));
}

static bool msk_ok(const uint8_t *msk, size_t msk_len)
{
	return msk && msk_len == MIHSEC_KDF_MSK_LEN;
}

/* v1: HKDF-Expand(HKDF-Extract("MIHSec v1", MSK), info, 32) */
static int v1_root(const uint8_t *msk, const uint8_t *info, size_t info_len,
		   uint8_t out[V1_ROOT_LEN])
{
	uint8_t prk[MIHSEC_KDF_SHA256_LEN];
	int err;

	err = mihsec_hkdf_extract((const uint8_t *)V1_SALT,
				  LABEL_LEN(V1_SALT), msk,
				  MIHSEC_KDF_MSK_LEN, prk);
	if (!err)
		err = mihsec_hkdf_expand(prk, sizeof(prk), info, info_len,
					 out, V1_ROOT_LEN);
	OPENSSL_cleanse(prk, sizeof(prk));
	return err;
}

int mihsec_kdf_peer_key(uint8_t profile, const uint8_t *msk, size_t msk_len,
			const uint8_t mac_mmt[MIHSEC_KDF_MAC_LEN],
			const uint8_t mac_poa[MIHSEC_KDF_MAC_LEN],
			struct mihsec_kdf_root *root)
{
	uint8_t info[LABEL_LEN(V1_PEER) + 2 * MIHSEC_KDF_MAC_LEN];
	uint8_t *p = info;
	int err;

	if (!root)
		return -EINVAL;
	mihsec_kdf_root_wipe(root);
	if (!mihsec_kdf_profile_name(profile) || !msk_ok(msk, msk_len) ||
	    !mac_mmt || !mac_poa)
		return -EINVAL;
	if (profile == MIHSEC_KDF_V1) {
		memcpy(p, V1_PEER, LABEL_LEN(V1_PEER));
		p += LABEL_LEN(V1_PEER);
	}
	memcpy(p, mac_mmt, MIHSEC_KDF_MAC_LEN);
	p += MIHSEC_KDF_MAC_LEN;
	memcpy(p, mac_poa, MIHSEC_KDF_MAC_LEN);
	p += MIHSEC_KDF_MAC_LEN;
	if (profile == MIHSEC_KDF_V1)
		err = v1_root(msk, info, p - info, root->key);
	else	/* HMAC-MD5(MSK, MAC_MMT || MAC_PoA) */
		err = mihsec_hmac_md5(msk, msk_len, info, p - info, root->key);
	if (err) {
		mihsec_kdf_root_wipe(root);
		return err;
	}
	root->profile = profile;
	root->which = MIHSEC_KDF_PEER;
	root->len = root_len(profile);
	return 0;
}

/* An IPv4-mapped IPv6 address ::ffff:a.b.c.d */
static bool v4_mapped(const uint8_t *a, size_t len)
{
	static const uint8_t prefix[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	};

	return len == 16 && !memcmp(a, prefix, sizeof(prefix));
}

int mihsec_kdf_is_key(uint8_t profile, const uint8_t *msk, size_t msk_len,
		      const uint8_t mac_mmt[MIHSEC_KDF_MAC_LEN],
		      const uint8_t *is, size_t is_len,
		      struct mihsec_kdf_root *root)
{
	uint8_t info[LABEL_LEN(V1_IS) + MIHSEC_KDF_MAC_LEN + 1 +
		     MIHSEC_MIHF_ID_MAX];
	uint8_t *p = info;
	int err;

	if (!root)
		return -EINVAL;
	mihsec_kdf_root_wipe(root);
	if (!mihsec_kdf_profile_name(profile) || !msk_ok(msk, msk_len) ||
	    !mac_mmt || !is)
		return -EINVAL;
	if (profile == MIHSEC_KDF_V1) {
		/* "MIHSec v1 is" || MAC_MMT || u8 len || IS MIHF ID */
		if (!is_len || is_len > MIHSEC_MIHF_ID_MAX)
			return -EINVAL;
		memcpy(p, V1_IS, LABEL_LEN(V1_IS));
		p += LABEL_LEN(V1_IS);
		memcpy(p, mac_mmt, MIHSEC_KDF_MAC_LEN);
		p += MIHSEC_KDF_MAC_LEN;
		*p++ = (uint8_t)is_len;
		memcpy(p, is, is_len);
		p += is_len;
		err = v1_root(msk, info, p - info, root->key);
	} else {
		/* HMAC-MD5(MSK, IS IP address || MAC_MMT) */
		if (is_len != 4 && is_len != 16)
			return -EINVAL;
		if (v4_mapped(is, is_len)) {
			is += 12;
			is_len = 4;
		}
		memcpy(p, is, is_len);
		p += is_len;
		memcpy(p, mac_mmt, MIHSEC_KDF_MAC_LEN);
		p += MIHSEC_KDF_MAC_LEN;
		err = mihsec_hmac_md5(msk, msk_len, info, p - info, root->key);
	}
	if (err) {
		mihsec_kdf_root_wipe(root);
		return err;
	}
	root->profile = profile;
	root->which = MIHSEC_KDF_IS;
	root->len = root_len(profile);
	return 0;
}

int mihsec_kdf_root_set(struct mihsec_kdf_root *root, uint8_t profile,
			uint8_t which, const uint8_t *key, size_t len)
{
	if (!root)
		return -EINVAL;
	mihsec_kdf_root_wipe(root);
	if (!mihsec_kdf_profile_name(profile) || !key ||
	    (which != MIHSEC_KDF_PEER && which != MIHSEC_KDF_IS) ||
	    len != root_len(profile))
		return -EINVAL;
	memcpy(root->key, key, len);
	root->profile = profile;
	root->which = which;
	root->len = (uint8_t)len;
	return 0;
}

/* ---- step 2: per-direction SA material ---- */

void mihsec_kdf_keys_wipe(struct mihsec_kdf_keys *keys)
{
	if (keys)
		OPENSSL_cleanse(keys, sizeof(*keys));
}

/* HKDF-Expand(root, label || d || s, len) */
static int v1_value(const struct mihsec_kdf_root *root, const char *label,
		    enum mihsec_kdf_dir d, uint8_t suite,
		    uint8_t *out, size_t len)
{
	uint8_t info[LABEL_LEN(V1_KEYID) + 3 + 1];
	size_t n = strlen(label);

	memcpy(info, label, n);
	memcpy(info + n, dir_name[d], 3);
	info[n + 3] = suite;
	return mihsec_hkdf_expand(root->key, root->len, info, n + 4, out, len);
}

static int v1_sa_keys(const struct mihsec_kdf_root *root, uint8_t suite,
		      struct mihsec_kdf_keys *keys)
{
	int d, err = 0;

	for (d = MIHSEC_KDF_M2N; d <= MIHSEC_KDF_N2M && !err; d++) {
		struct mihsec_kdf_dirkeys *k = &keys->dir[d];

		err = v1_value(root, V1_CK, d, suite, k->ck, keys->ck_len);
		if (!err && keys->ik_len)
			err = v1_value(root, V1_IK, d, suite, k->ik,
				       keys->ik_len);
		if (!err)
			err = v1_value(root, V1_SALTL, d, suite, k->salt,
				       MIHSEC_SALT_LEN);
		if (!err)
			err = v1_value(root, V1_KEYID, d, suite, k->keyid,
				       MIHSEC_KEYID_LEN);
	}
	return err;
}

static int paper_sa_keys(const struct mihsec_kdf_root *root,
			 struct mihsec_kdf_keys *keys)
{
	uint8_t data[LABEL_LEN(PAPER_IS) + 1], mac[MIHSEC_KDF_MD5_LEN];
	struct mihsec_kdf_dirkeys *m2n = &keys->dir[MIHSEC_KDF_M2N];
	const char *label;
	size_t n;
	int d, err;

	/* CK = HMAC-MD5(K, label || 0x00), IK = HMAC-MD5(K, label || 0x01) */
	label = root->which == MIHSEC_KDF_PEER ? PAPER_PEER : PAPER_IS;
	n = strlen(label);
	memcpy(data, label, n);
	data[n] = 0x00;
	err = mihsec_hmac_md5(root->key, root->len, data, n + 1, m2n->ck);
	data[n] = 0x01;
	if (!err)
		/* the rest of ik stays zero: see lib/kdf.h */
		err = mihsec_hmac_md5(root->key, root->len, data, n + 1,
				      m2n->ik);
	/* the same CK and IK both ways, as published; salts stay zero */
	memcpy(keys->dir[MIHSEC_KDF_N2M].ck, m2n->ck, sizeof(m2n->ck));
	memcpy(keys->dir[MIHSEC_KDF_N2M].ik, m2n->ik, sizeof(m2n->ik));
	/* KEYID_d = HMAC-MD5(K, "KeyID" || role || direction)[0..7] */
	for (d = MIHSEC_KDF_M2N; d <= MIHSEC_KDF_N2M && !err; d++) {
		memcpy(data, PAPER_KEYID, LABEL_LEN(PAPER_KEYID));
		data[LABEL_LEN(PAPER_KEYID)] = root->which;
		data[LABEL_LEN(PAPER_KEYID) + 1] = (uint8_t)d;
		err = mihsec_hmac_md5(root->key, root->len, data,
				      LABEL_LEN(PAPER_KEYID) + 2, mac);
		memcpy(keys->dir[d].keyid, mac, MIHSEC_KEYID_LEN);
	}
	OPENSSL_cleanse(mac, sizeof(mac));
	return err;
}

int mihsec_kdf_sa_keys(const struct mihsec_kdf_root *root, uint8_t suite,
		       struct mihsec_kdf_keys *keys)
{
	int err;

	if (!keys)
		return -EINVAL;
	mihsec_kdf_keys_wipe(keys);
	if (!root || (root->which != MIHSEC_KDF_PEER &&
		      root->which != MIHSEC_KDF_IS))
		return -EINVAL;
	err = suite_check(root->profile, suite);
	if (err)
		return err;
	if (root->len != root_len(root->profile))
		return -EINVAL;
	keys->profile = root->profile;
	keys->which = root->which;
	keys->suite = suite;
	keys->ck_len = (uint8_t)mihsec_suite_key_len(suite);
	if (suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1)
		keys->ik_len = root->profile == MIHSEC_KDF_PAPER ?
			       MIHSEC_KDF_MD5_LEN : MIHSEC_IKEY_LEN;
	if (root->profile == MIHSEC_KDF_V1)
		err = v1_sa_keys(root, suite, keys);
	else
		err = paper_sa_keys(root, keys);
	if (err)
		mihsec_kdf_keys_wipe(keys);
	return err;
}

int mihsec_kdf_peer(uint8_t profile, uint8_t suite,
		    const uint8_t *msk, size_t msk_len,
		    const uint8_t mac_mmt[MIHSEC_KDF_MAC_LEN],
		    const uint8_t mac_poa[MIHSEC_KDF_MAC_LEN],
		    struct mihsec_kdf_keys *keys)
{
	struct mihsec_kdf_root root;
	int err;

	if (!keys)
		return -EINVAL;
	mihsec_kdf_keys_wipe(keys);
	/* refuse a bad suite before spending anything on the MSK */
	err = suite_check(profile, suite);
	if (!err)
		err = mihsec_kdf_peer_key(profile, msk, msk_len, mac_mmt,
					  mac_poa, &root);
	if (!err) {
		err = mihsec_kdf_sa_keys(&root, suite, keys);
		mihsec_kdf_root_wipe(&root);
	}
	return err;
}

int mihsec_kdf_is(uint8_t profile, uint8_t suite,
		  const uint8_t *msk, size_t msk_len,
		  const uint8_t mac_mmt[MIHSEC_KDF_MAC_LEN],
		  const uint8_t *is, size_t is_len,
		  struct mihsec_kdf_keys *keys)
{
	struct mihsec_kdf_root root;
	int err;

	if (!keys)
		return -EINVAL;
	mihsec_kdf_keys_wipe(keys);
	err = suite_check(profile, suite);
	if (!err)
		err = mihsec_kdf_is_key(profile, msk, msk_len, mac_mmt, is,
					is_len, &root);
	if (!err) {
		err = mihsec_kdf_sa_keys(&root, suite, keys);
		mihsec_kdf_root_wipe(&root);
	}
	return err;
}

/* ---- SA configuration ---- */

static bool keys_ok(const struct mihsec_kdf_keys *keys)
{
	size_t ik = 0;

	if (!mihsec_kdf_profile_name(keys->profile) ||
	    mihsec_kdf_suite_error(keys->profile, keys->suite) ||
	    keys->ck_len != mihsec_suite_key_len(keys->suite))
		return false;
	if (keys->suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1)
		ik = keys->profile == MIHSEC_KDF_PAPER ? MIHSEC_KDF_MD5_LEN :
							 MIHSEC_IKEY_LEN;
	return keys->ik_len == ik;
}

int mihsec_kdf_sa_cfg(const struct mihsec_kdf_keys *keys, uint8_t role,
		      const uint8_t *local_id, size_t local_id_len,
		      const uint8_t *peer_id, size_t peer_id_len,
		      struct mihsec_sa_cfg *cfg)
{
	const struct mihsec_kdf_dirkeys *tx, *rx;

	if (!cfg)
		return -EINVAL;
	mihsec_sa_cfg_wipe(cfg);
	if (!keys || !keys_ok(keys) || !local_id || !peer_id ||
	    !local_id_len || local_id_len > MIHSEC_MIHF_ID_MAX ||
	    !peer_id_len || peer_id_len > MIHSEC_MIHF_ID_MAX)
		return -EINVAL;
	switch (role) {
	case MIHSEC_ROLE_MMT:
		tx = &keys->dir[MIHSEC_KDF_M2N];
		rx = &keys->dir[MIHSEC_KDF_N2M];
		break;
	case MIHSEC_ROLE_NETWORK:
		tx = &keys->dir[MIHSEC_KDF_N2M];
		rx = &keys->dir[MIHSEC_KDF_M2N];
		break;
	default:
		return -EINVAL;
	}
	if (!memcmp(tx->keyid, rx->keyid, MIHSEC_KEYID_LEN))
		return -EINVAL;
	memcpy(cfg->local_id, local_id, local_id_len);
	cfg->local_id_len = local_id_len;
	memcpy(cfg->peer_id, peer_id, peer_id_len);
	cfg->peer_id_len = peer_id_len;
	cfg->role = role;
	cfg->has_suite = true;
	cfg->suite = keys->suite;
	memcpy(cfg->tx_keyid, tx->keyid, MIHSEC_KEYID_LEN);
	memcpy(cfg->rx_keyid, rx->keyid, MIHSEC_KEYID_LEN);
	memcpy(cfg->tx_key, tx->ck, keys->ck_len);
	cfg->tx_key_len = keys->ck_len;
	memcpy(cfg->rx_key, rx->ck, keys->ck_len);
	cfg->rx_key_len = keys->ck_len;
	memcpy(cfg->tx_salt, tx->salt, MIHSEC_SALT_LEN);
	memcpy(cfg->rx_salt, rx->salt, MIHSEC_SALT_LEN);
	if (keys->ik_len) {
		/* 32 octets; paper: IK || 0^16 (lib/kdf.h) */
		cfg->has_ikeys = true;
		memcpy(cfg->tx_ikey, tx->ik, MIHSEC_IKEY_LEN);
		memcpy(cfg->rx_ikey, rx->ik, MIHSEC_IKEY_LEN);
	}
	return 0;
}

/* ---- fingerprints and dumps ---- */

static int fp2(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
	       char out[MIHSEC_KDF_FP_STR])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	int err = -EIO;

	out[0] = '\0';
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -EIO;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, a, alen) == 1 &&
	    (!blen || EVP_DigestUpdate(ctx, b, blen) == 1) &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 &&
	    mdlen >= MIHSEC_KDF_FP_LEN) {
		mihsec_hex_encode(md, MIHSEC_KDF_FP_LEN, out);
		err = 0;
	}
	EVP_MD_CTX_free(ctx);
	OPENSSL_cleanse(md, sizeof(md));
	return err;
}

int mihsec_kdf_fingerprint(const uint8_t *key, size_t len,
			   char out[MIHSEC_KDF_FP_STR])
{
	if (!out)
		return -EINVAL;
	if (!key || !len) {
		out[0] = '\0';
		return -EINVAL;
	}
	return fp2(key, len, NULL, 0, out);
}

/* One "m2n keyid ... ck ... salt ...[ ik ...]" line */
static int dump_dir(FILE *f, enum mihsec_kdf_dir d, const uint8_t *keyid,
		    const uint8_t *ck, size_t ck_len, const uint8_t *salt,
		    const uint8_t *ik, size_t ik_len)
{
	char kid[2 * MIHSEC_KEYID_LEN + 1], fck[MIHSEC_KDF_FP_STR],
	     fsalt[MIHSEC_KDF_FP_STR], fik[MIHSEC_KDF_FP_STR];

	mihsec_hex_encode(keyid, MIHSEC_KEYID_LEN, kid);
	if (mihsec_kdf_fingerprint(ck, ck_len, fck) ||
	    fp2(ck, ck_len, salt, MIHSEC_SALT_LEN, fsalt) ||
	    (ik_len && mihsec_kdf_fingerprint(ik, ik_len, fik)))
		return -EIO;
	if (fprintf(f, "%s keyid %s ck %s salt %s", dir_name[d], kid, fck,
		    fsalt) < 0 ||
	    (ik_len && fprintf(f, " ik %s", fik) < 0) ||
	    fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}

int mihsec_kdf_keys_dump(FILE *f, const struct mihsec_kdf_keys *keys)
{
	int d, err;

	if (!f || !keys || !keys_ok(keys))
		return -EINVAL;
	if (fprintf(f, "profile %s key %s suite %u\n",
		    mihsec_kdf_profile_name(keys->profile),
		    keys->which == MIHSEC_KDF_PEER ? "peer" : "is",
		    keys->suite) < 0)
		return -EIO;
	for (d = MIHSEC_KDF_M2N; d <= MIHSEC_KDF_N2M; d++) {
		const struct mihsec_kdf_dirkeys *k = &keys->dir[d];

		/* the 32 octets the SA gets (paper: IK || 0^16) */
		err = dump_dir(f, d, k->keyid, k->ck, keys->ck_len, k->salt,
			       k->ik, keys->ik_len ? MIHSEC_IKEY_LEN : 0);
		if (err)
			return err;
	}
	return 0;
}

int mihsec_kdf_cfg_dump(FILE *f, const struct mihsec_sa_cfg *cfg)
{
	char local[2 * MIHSEC_MIHF_ID_MAX + 1], peer[2 * MIHSEC_MIHF_ID_MAX + 1];
	enum mihsec_kdf_dir txd;
	int d, err;

	if (!f || !cfg || !cfg->local_id_len ||
	    cfg->local_id_len > MIHSEC_MIHF_ID_MAX || !cfg->peer_id_len ||
	    cfg->peer_id_len > MIHSEC_MIHF_ID_MAX ||
	    !cfg->tx_key_len || cfg->tx_key_len > MIHSEC_KEY_MAX ||
	    !cfg->rx_key_len || cfg->rx_key_len > MIHSEC_KEY_MAX)
		return -EINVAL;
	if (cfg->role == MIHSEC_ROLE_MMT)
		txd = MIHSEC_KDF_M2N;
	else if (cfg->role == MIHSEC_ROLE_NETWORK)
		txd = MIHSEC_KDF_N2M;
	else
		return -EINVAL;
	mihsec_hex_encode(cfg->local_id, cfg->local_id_len, local);
	mihsec_hex_encode(cfg->peer_id, cfg->peer_id_len, peer);
	if (fprintf(f, "role %s suite %u local %s peer %s\n",
		    cfg->role == MIHSEC_ROLE_MMT ? "mmt" : "network",
		    cfg->has_suite ? cfg->suite : MIHSEC_SUITE_AES128_GCM,
		    local, peer) < 0)
		return -EIO;
	for (d = MIHSEC_KDF_M2N; d <= MIHSEC_KDF_N2M; d++) {
		bool tx = d == (int)txd;

		err = dump_dir(f, d, tx ? cfg->tx_keyid : cfg->rx_keyid,
			       tx ? cfg->tx_key : cfg->rx_key,
			       tx ? cfg->tx_key_len : cfg->rx_key_len,
			       tx ? cfg->tx_salt : cfg->rx_salt,
			       tx ? cfg->tx_ikey : cfg->rx_ikey,
			       cfg->has_ikeys ? MIHSEC_IKEY_LEN : 0);
		if (err)
			return err;
	}
	return 0;
}

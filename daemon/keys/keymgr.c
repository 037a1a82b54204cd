// SPDX-License-Identifier: GPL-2.0
/*
 * The key manager (keymgr.h): key events in, SAs out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "keys/keymgr.h"
#include "lib/kdf.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

struct md_keymgr {
	uint64_t t_event;		/* of the key event being handled */
	struct md_km_cfg cfg;
	struct md_km_peer_cfg *peers;	/* our copy of cfg.peers */
	struct md_km_hooks hooks;
	struct md_km_sa *sas;
	size_t nsas, cap;
};

/* An MIHF ID that is a MAC in mmt-id-from-mac form; zeros otherwise */
static void mac_parse_id(const uint8_t *id, size_t len, uint8_t mac[6])
{
	unsigned int b[6];
	char s[18];
	int n = 0;

	memset(mac, 0, 6);
	if (len != 17)
		return;
	memcpy(s, id, 17);
	s[17] = '\0';
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &n) == 6 && n == 17)
		for (n = 0; n < 6; n++)
			mac[n] = (uint8_t)b[n];
}

static void mac_str(const uint8_t *mac, char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

int md_keymgr_set_cfg(struct md_keymgr *km, const struct md_km_cfg *cfg)
{
	struct md_km_peer_cfg *p = NULL;

	if (cfg->npeers) {
		p = calloc(cfg->npeers, sizeof(*p));
		if (!p)
			return -ENOMEM;
		memcpy(p, cfg->peers, cfg->npeers * sizeof(*p));
	}
	free(km->peers);
	km->peers = p;
	km->cfg = *cfg;
	km->cfg.peers = p;
	return 0;
}

struct md_keymgr *md_keymgr_new(const struct md_km_cfg *cfg,
				const struct md_km_hooks *hooks)
{
	struct md_keymgr *km = calloc(1, sizeof(*km));

	if (!km)
		return NULL;
	km->hooks = *hooks;
	if (md_keymgr_set_cfg(km, cfg)) {
		free(km);
		return NULL;
	}
	return km;
}

static void sa_wipe_pending(struct md_km_sa *s)
{
	if (s->pending_cfg_valid)
		mihsec_sa_cfg_wipe(&s->pending_cfg);
	s->pending_cfg_valid = false;
}

void md_keymgr_free(struct md_keymgr *km)
{
	size_t i;

	if (!km)
		return;
	for (i = 0; i < km->nsas; i++)
		sa_wipe_pending(&km->sas[i]);
	OPENSSL_cleanse(km->sas, km->cap * sizeof(*km->sas));
	free(km->sas);
	free(km->peers);
	free(km);
}

size_t md_keymgr_sas(const struct md_keymgr *km, const struct md_km_sa **sas)
{
	*sas = km->sas;
	return km->nsas;
}

static struct md_km_sa *sa_find(struct md_keymgr *km, const uint8_t *id,
				size_t len)
{
	size_t i;

	for (i = 0; i < km->nsas; i++)
		if (km->sas[i].peer_id_len == len &&
		    !memcmp(km->sas[i].peer_id, id, len))
			return &km->sas[i];
	return NULL;
}

static struct md_km_sa *sa_get_or_add(struct md_keymgr *km, const uint8_t *id,
				      size_t len)
{
	struct md_km_sa *s = sa_find(km, id, len);

	if (s)
		return s;
	if (km->nsas == km->cap) {
		size_t cap = km->cap ? 2 * km->cap : 16;
		struct md_km_sa *n = calloc(cap, sizeof(*n));

		if (!n)
			return NULL;
		if (km->nsas)
			memcpy(n, km->sas, km->nsas * sizeof(*n));
		OPENSSL_cleanse(km->sas, km->cap * sizeof(*km->sas));
		free(km->sas);
		km->sas = n;
		km->cap = cap;
	}
	s = &km->sas[km->nsas++];
	memset(s, 0, sizeof(*s));
	memcpy(s->peer_id, id, len);
	s->peer_id_len = len;
	return s;
}

static void sa_remove(struct md_keymgr *km, struct md_km_sa *s)
{
	size_t i = s - km->sas;

	sa_wipe_pending(s);
	memmove(s, s + 1, (km->nsas - i - 1) * sizeof(*s));
	km->nsas--;
	OPENSSL_cleanse(&km->sas[km->nsas], sizeof(*s));
}

static void ask_reauth(struct md_keymgr *km, struct md_km_sa *s,
		       const char *why)
{
	char mac[18];

	mac_str(s->mac_mmt, mac);
	if (s->reauth_asked)
		return;
	if (!s->src || !km->hooks.reauth) {
		md_warn("SA of %.*s: %s, and no key source can re-authenticate it",
			(int)s->peer_id_len, (const char *)s->peer_id, why);
		return;
	}
	s->reauth_asked = true;
	md_notice("SA of %.*s: %s: asking %s to re-authenticate %s",
		  (int)s->peer_id_len, (const char *)s->peer_id, why,
		  mihsec_key_src_name(s->src), mac);
	if (km->hooks.reauth(km->hooks.arg, s->src, s->mac_mmt, s->mac_poa))
		md_warn("%s could not start a re-authentication of %s",
			mihsec_key_src_name(s->src), mac);
}

/* Debug: key IDs and key fingerprints of @c (never a key), one log line
 * each, so that two ends can be compared */
static void log_cfg(const struct mihsec_sa_cfg *c)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f;

	if (md_log_get_level() < MD_LOG_DEBUG)
		return;
	f = open_memstream(&buf, &len);
	if (!f)
		return;
	if (mihsec_kdf_cfg_dump(f, c)) {
		fclose(f);
		free(buf);
		return;
	}
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		md_debug("sa %.*s: %s", (int)c->peer_id_len,
			 (const char *)c->peer_id, line);
	free(buf);
}

/* Try the pending SA of @s; keys are wiped once the kernel has them */
static int sa_try_install(struct md_keymgr *km, struct md_km_sa *s)
{
	const struct mihsec_sa_cfg *c = &s->pending_cfg;
	int err;

	if (!s->pending_cfg_valid)
		return -ENOENT;
	err = km->hooks.sa_add(km->hooks.arg, c);
	if (!err) {
		if (s->since)
			s->rekeys++;
		s->installed = true;
		s->reauth_asked = false;
		memcpy(s->rx_keyid, c->rx_keyid, MIHSEC_KEYID_LEN);
		memcpy(s->tx_keyid, c->tx_keyid, MIHSEC_KEYID_LEN);
		s->since = time(NULL);
		s->setup_ns = s->t_event ? md_now_ns() - s->t_event : 0;
		if (s->setup_ns)
			md_info("SA installed for %.*s (%s, rekey %u) %.3f ms after the key event",
				(int)s->peer_id_len, (const char *)s->peer_id,
				mihsec_key_src_name(s->src), s->rekeys,
				s->setup_ns / 1e6);
		else
			md_info("SA installed for %.*s (%s, rekey %u)",
				(int)s->peer_id_len, (const char *)s->peer_id,
				mihsec_key_src_name(s->src), s->rekeys);
		log_cfg(c);
		sa_wipe_pending(s);
	} else if (err == -EEXIST) {
		/* the kernel held these key IDs: this key was installed
		 * before; never again (PROTOCOL.md section 7) */
		sa_wipe_pending(s);
		ask_reauth(km, s, "its key was installed before (reused MSK)");
	} else {
		md_warn("SA for %.*s not installed yet: %s",
			(int)s->peer_id_len, (const char *)s->peer_id,
			strerror(-err));
	}
	return err;
}

/*
 * Make @cfg (with keys) the newest SA toward its peer: the record is
 * found or created; the same key input again is a no-op.  @cfg is wiped.
 * @lifetime (seconds, 0: none) caps the hard lifetime.  Returns 0 if the
 * SA is in the kernel, else the error (-EEXIST: the kernel held those key
 * IDs before; other errors leave the SA pending for a retry).
 */
static int install(struct md_keymgr *km, struct mihsec_sa_cfg *cfg,
		   enum md_km_kind kind, enum mihsec_key_src src,
		   const uint8_t *mac_mmt, const uint8_t *mac_poa,
		   const char *fp, uint32_t lifetime)
{
	struct md_km_sa *s = sa_get_or_add(km, cfg->peer_id,
					   cfg->peer_id_len);

	if (!s) {
		md_err("out of memory: SA for %.*s dropped",
		       (int)cfg->peer_id_len, (const char *)cfg->peer_id);
		mihsec_sa_cfg_wipe(cfg);
		return -ENOMEM;
	}
	if (s->key_fp[0] && !strcmp(s->key_fp, fp) &&
	    (s->installed || s->pending_cfg_valid)) {
		md_debug("SA for %.*s: the same key again, nothing to do",
			 (int)s->peer_id_len, (const char *)s->peer_id);
		mihsec_sa_cfg_wipe(cfg);
		return s->installed ? 0 : -EAGAIN;
	}
	sa_wipe_pending(s);
	s->kind = kind;
	s->src = src;
	memcpy(s->mac_mmt, mac_mmt, MIHSEC_MAC_LEN);
	memcpy(s->mac_poa, mac_poa, MIHSEC_MAC_LEN);
	snprintf(s->key_fp, sizeof(s->key_fp), "%s", fp);
	s->t_event = km->t_event;
	cfg->life = km->cfg.life;
	if (lifetime && (!cfg->life.has_hard_secs || !cfg->life.hard_secs ||
			 cfg->life.hard_secs > lifetime)) {
		cfg->life.has_hard_secs = true;
		cfg->life.hard_secs = lifetime;
		if (cfg->life.has_soft_secs && cfg->life.soft_secs > lifetime)
			cfg->life.soft_secs = lifetime;
	}
	s->pending_cfg = *cfg;
	s->pending_cfg_valid = true;
	mihsec_sa_cfg_wipe(cfg);
	return sa_try_install(km, s);
}

static const struct md_km_peer_cfg *peer_by_mac(const struct md_keymgr *km,
						enum md_km_kind kind,
						const uint8_t *mac)
{
	size_t i;

	for (i = 0; i < km->cfg.npeers; i++)
		if (km->peers[i].kind == kind && km->peers[i].has_mac &&
		    !memcmp(km->peers[i].mac, mac, MIHSEC_MAC_LEN))
			return &km->peers[i];
	return NULL;
}

static const struct md_km_peer_cfg *peer_by_id(const struct md_keymgr *km,
					       const uint8_t *id, size_t len)
{
	size_t i;

	for (i = 0; i < km->cfg.npeers; i++)
		if (km->peers[i].id_len == len &&
		    !memcmp(km->peers[i].id, id, len))
			return &km->peers[i];
	return NULL;
}

/* Derive with @keys_fn's result into an SA config for @role and install */
static void install_keys(struct md_keymgr *km, struct mihsec_kdf_keys *keys,
			 uint8_t role, const uint8_t *peer_id, size_t peer_len,
			 enum md_km_kind kind, const struct mihsec_key_event *ev,
			 const char *fp)
{
	struct mihsec_sa_cfg cfg;
	int err;

	err = mihsec_kdf_sa_cfg(keys, role, km->cfg.mihf_id,
				km->cfg.mihf_id_len, peer_id, peer_len, &cfg);
	mihsec_kdf_keys_wipe(keys);
	if (err) {
		md_err("SA for %.*s: %s", (int)peer_len, (const char *)peer_id,
		       strerror(-err));
		return;
	}
	install(km, &cfg, kind, ev->src, ev->mac_mmt, ev->mac_poa, fp, 0);
}

/* The IS servers: the input of the IS-Key */
static int is_input(const struct md_keymgr *km,
		    const struct md_km_peer_cfg *is, const uint8_t **in,
		    size_t *len)
{
	if (km->cfg.profile == MIHSEC_KDF_PAPER) {
		if (!is->addr_len)
			return -EINVAL;
		*in = is->addr;
		*len = is->addr_len;
	} else {
		*in = is->id;
		*len = is->id_len;
	}
	return 0;
}

static void key_up_mmt(struct md_keymgr *km, const struct mihsec_key_event *ev,
		       const char *fp)
{
	const struct md_km_peer_cfg *poa = peer_by_mac(km, MD_KM_POA,
						       ev->mac_poa);
	struct mihsec_kdf_keys keys;
	const uint8_t *in;
	size_t i, len;
	char mac[18];
	int err;

	if (!poa) {
		mac_str(ev->mac_poa, mac);
		md_warn("key from %s for authenticator %s: no peer of kind poa has that mac; no Peer SA",
			mihsec_key_src_name(ev->src), mac);
	} else {
		err = mihsec_kdf_peer(km->cfg.profile, km->cfg.suite, ev->msk,
				      MIHSEC_MSK_LEN, ev->mac_mmt, ev->mac_poa,
				      &keys);
		if (err)
			md_err("Peer-Key derivation: %s", strerror(-err));
		else
			install_keys(km, &keys, MIHSEC_ROLE_MMT, poa->id,
				     poa->id_len, MD_KM_POA, ev, fp);
	}
	for (i = 0; i < km->cfg.npeers; i++) {
		const struct md_km_peer_cfg *is = &km->peers[i];

		if (is->kind != MD_KM_IS)
			continue;
		if (is_input(km, is, &in, &len)) {
			md_warn("IS server %.*s has no address: no IS SA in profile paper",
				(int)is->id_len, (const char *)is->id);
			continue;
		}
		err = mihsec_kdf_is(km->cfg.profile, km->cfg.suite, ev->msk,
				    MIHSEC_MSK_LEN, ev->mac_mmt, in, len, &keys);
		if (err) {
			md_err("IS-Key derivation: %s", strerror(-err));
			continue;
		}
		install_keys(km, &keys, MIHSEC_ROLE_MMT, is->id, is->id_len,
			     MD_KM_IS, ev, fp);
	}
}

static void key_up_poa(struct md_keymgr *km, const struct mihsec_key_event *ev,
		       const char *fp)
{
	const struct md_km_peer_cfg *mmt = peer_by_mac(km, MD_KM_MMT,
						       ev->mac_mmt);
	struct mihsec_kdf_root root = { 0 };
	struct mihsec_kdf_keys keys;
	const uint8_t *id, *in;
	char mac[18];
	size_t i, idlen, len;
	int err;

	mac_str(ev->mac_mmt, mac);
	if (mmt) {
		id = mmt->id;
		idlen = mmt->id_len;
	} else if (km->cfg.mmt_id_from_mac) {
		id = (const uint8_t *)mac;
		idlen = strlen(mac);
	} else {
		md_warn("key from %s for terminal %s: no peer of kind mmt has that mac (and mmt-id-from-mac is off); no SA",
			mihsec_key_src_name(ev->src), mac);
		return;
	}
	err = mihsec_kdf_peer(km->cfg.profile, km->cfg.suite, ev->msk,
			      MIHSEC_MSK_LEN, ev->mac_mmt, ev->mac_poa, &keys);
	if (err) {
		md_err("Peer-Key derivation: %s", strerror(-err));
		return;
	}
	install_keys(km, &keys, MIHSEC_ROLE_NETWORK, id, idlen, MD_KM_MMT, ev,
		     fp);
	if (!km->hooks.push_is)
		return;
	for (i = 0; i < km->cfg.npeers; i++) {
		const struct md_km_peer_cfg *is = &km->peers[i];
		const uint8_t *key = ev->msk;

		if (is->kind != MD_KM_IS)
			continue;
		/* v1: the IS-Key only; paper: the MSK input, as published */
		if (km->cfg.profile == MIHSEC_KDF_V1) {
			if (is_input(km, is, &in, &len) ||
			    mihsec_kdf_is_key(km->cfg.profile, ev->msk,
					      MIHSEC_MSK_LEN, ev->mac_mmt, in,
					      len, &root)) {
				md_err("IS-Key for %.*s: derivation failed",
				       (int)is->id_len, (const char *)is->id);
				continue;
			}
			key = root.key;
		}
		if (km->hooks.push_is(km->hooks.arg, is, ev->mac_mmt, id, idlen,
				      km->cfg.profile, km->cfg.suite, key,
				      km->cfg.is_lifetime))
			md_warn("IS key of %s not pushed to %.*s", mac,
				(int)is->id_len, (const char *)is->id);
		mihsec_kdf_root_wipe(&root);
	}
}

static void key_down(struct md_keymgr *km, const struct mihsec_key_event *ev)
{
	size_t i = 0;
	int err;

	while (i < km->nsas) {
		struct md_km_sa *s = &km->sas[i];
		bool mmt = !memcmp(s->mac_mmt, ev->mac_mmt, MIHSEC_MAC_LEN);
		bool poa = !memcmp(s->mac_poa, ev->mac_poa, MIHSEC_MAC_LEN);
		bool match;

		if (s->src)
			match = s->src == ev->src && mmt &&
				(s->kind == MD_KM_MMT ||
				 (s->kind == MD_KM_POA && poa));
		else	/* adopted: known by the MAC its peer entry gives */
			match = (s->kind == MD_KM_MMT && mmt) ||
				(s->kind == MD_KM_POA && poa);

		if (!match) {
			i++;
			continue;
		}
		err = km->hooks.sa_del_peer(km->hooks.arg, s->peer_id,
					    s->peer_id_len);
		if (err && err != -ENOENT)
			md_warn("SAs of %.*s not deleted: %s",
				(int)s->peer_id_len, (const char *)s->peer_id,
				strerror(-err));
		else
			md_info("SAs of %.*s deleted (the terminal left)",
				(int)s->peer_id_len, (const char *)s->peer_id);
		sa_remove(km, s);
	}
}

void md_keymgr_key_event(void *arg, const struct mihsec_key_event *ev)
{
	struct md_keymgr *km = arg;
	char fp[MIHSEC_KDF_FP_STR];

	if (ev->what == MIHSEC_KEY_DOWN) {
		key_down(km, ev);
		return;
	}
	if (ev->what != MIHSEC_KEY_UP ||
	    mihsec_kdf_fingerprint(ev->msk, MIHSEC_MSK_LEN, fp))
		return;
	km->t_event = ev->t_ns ? ev->t_ns : md_now_ns();
	if (km->cfg.mmt)
		key_up_mmt(km, ev, fp);
	if (km->cfg.poa)
		key_up_poa(km, ev, fp);
}

int md_keymgr_install_is(struct md_keymgr *km, uint8_t profile,
			 uint8_t suite, const uint8_t mac_mmt[MIHSEC_MAC_LEN],
			 const uint8_t *mmt_id, size_t mmt_id_len,
			 const uint8_t key[32], uint32_t lifetime)
{
	static const uint8_t none[MIHSEC_MAC_LEN];
	struct mihsec_kdf_root root;
	struct mihsec_kdf_keys keys;
	struct mihsec_sa_cfg cfg;
	char fp[MIHSEC_KDF_FP_STR];
	int err;

	if (!km->cfg.is)
		return -EOPNOTSUPP;
	err = mihsec_kdf_fingerprint(key, 32, fp);
	if (err)
		return err;
	if (profile == MIHSEC_KDF_V1) {
		err = mihsec_kdf_root_set(&root, profile, MIHSEC_KDF_IS, key,
					  32);
		if (!err)
			err = mihsec_kdf_sa_keys(&root, suite, &keys);
		mihsec_kdf_root_wipe(&root);
	} else {
		/* paper: the MSK input; the IS-Key takes this host's own
		 * address: the peer entry with this host's MIHF ID gives it */
		const struct md_km_peer_cfg *me =
			peer_by_id(km, km->cfg.mihf_id, km->cfg.mihf_id_len);

		if (!me || !me->addr_len)
			return -EINVAL;
		err = mihsec_kdf_is(profile, suite, key, 32, mac_mmt,
				    me->addr, me->addr_len, &keys);
	}
	if (err)
		return err;
	err = mihsec_kdf_sa_cfg(&keys, MIHSEC_ROLE_NETWORK, km->cfg.mihf_id,
				km->cfg.mihf_id_len, mmt_id, mmt_id_len, &cfg);
	mihsec_kdf_keys_wipe(&keys);
	if (err)
		return err;
	km->t_event = md_now_ns();
	return install(km, &cfg, MD_KM_MMT, 0, mac_mmt, none, fp, lifetime);
}

int md_keymgr_install_pushed(struct md_keymgr *km,
			     const struct mihsec_sa_cfg *cfg,
			     const uint8_t mac_mmt[MIHSEC_MAC_LEN])
{
	static const uint8_t none[MIHSEC_MAC_LEN];
	uint8_t both[2 * MIHSEC_KEY_MAX];
	struct mihsec_sa_cfg c = *cfg;
	char fp[MIHSEC_KDF_FP_STR];
	int err;

	if (!km->cfg.is) {
		mihsec_sa_cfg_wipe(&c);
		return -EOPNOTSUPP;
	}
	memcpy(both, c.tx_key, c.tx_key_len);
	memcpy(both + c.tx_key_len, c.rx_key, c.rx_key_len);
	err = mihsec_kdf_fingerprint(both, c.tx_key_len + c.rx_key_len, fp);
	OPENSSL_cleanse(both, sizeof(both));
	if (err) {
		mihsec_sa_cfg_wipe(&c);
		return err;
	}
	km->t_event = md_now_ns();
	/* the push's lifetime caps this IS server's own SA lifetime */
	return install(km, &c, MD_KM_MMT, 0, mac_mmt, none, fp,
		       c.life.has_hard_secs ? c.life.hard_secs : 0);
}

void md_keymgr_reauth_terminals(struct md_keymgr *km, const char *why)
{
	size_t i;

	for (i = 0; i < km->nsas; i++)
		if (km->sas[i].kind == MD_KM_MMT)
			ask_reauth(km, &km->sas[i], why);
}

static struct md_km_sa *sa_by_event(struct md_keymgr *km,
				    const struct mihsec_event_info *ev)
{
	size_t i;

	if (ev->has_keyid) {
		for (i = 0; i < km->nsas; i++)
			if (km->sas[i].installed &&
			    !memcmp(km->sas[i].rx_keyid, ev->keyid,
				    MIHSEC_KEYID_LEN))
				return &km->sas[i];
		return NULL;
	}
	if (ev->has_peer_id)
		return sa_find(km, ev->peer_id, ev->peer_id_len);
	return NULL;
}

void md_keymgr_kernel_event(struct md_keymgr *km,
			    const struct mihsec_event_info *ev)
{
	struct md_km_sa *s;

	switch (ev->type) {
	case MIHSEC_EV_SA_SOFT_EXPIRED:
		s = sa_by_event(km, ev);
		if (s)
			ask_reauth(km, s, "soft lifetime reached");
		break;
	case MIHSEC_EV_SA_EXPIRED:
		s = sa_by_event(km, ev);
		if (s) {
			s->installed = false;
			ask_reauth(km, s, "expired");
		}
		break;
	case MIHSEC_EV_SEQ_EXHAUSTED:
		s = sa_by_event(km, ev);
		if (s)
			ask_reauth(km, s, "sequence numbers exhausted");
		break;
	case MIHSEC_EV_NO_SA:
	case MIHSEC_EV_UNKNOWN_KEY:
		if (!ev->has_peer_id)
			break;
		s = sa_find(km, ev->peer_id, ev->peer_id_len);
		if (s && s->pending_cfg_valid)
			sa_try_install(km, s);
		break;
	default:
		break;
	}
}

void md_keymgr_adopt(struct md_keymgr *km, const struct mihsec_sa_info *sa)
{
	const struct md_km_peer_cfg *p = peer_by_id(km, sa->peer_id,
						    sa->peer_id_len);
	struct md_km_sa *s;

	if (sa->local_id_len != km->cfg.mihf_id_len ||
	    memcmp(sa->local_id, km->cfg.mihf_id, sa->local_id_len))
		return;		/* someone else's SA in this namespace */
	s = sa_find(km, sa->peer_id, sa->peer_id_len);
	if (s && s->since)
		return;		/* ours already, and newer */
	s = sa_get_or_add(km, sa->peer_id, sa->peer_id_len);
	if (!s)
		return;
	s->kind = p ? p->kind :
		  sa->role == MIHSEC_ROLE_MMT ? MD_KM_POA : MD_KM_MMT;
	/* the MACs a later key down names it by */
	if (p && p->has_mac && p->kind == MD_KM_MMT)
		memcpy(s->mac_mmt, p->mac, MIHSEC_MAC_LEN);
	else if (p && p->has_mac && p->kind == MD_KM_POA)
		memcpy(s->mac_poa, p->mac, MIHSEC_MAC_LEN);
	else if (s->kind == MD_KM_MMT && km->cfg.mmt_id_from_mac)
		mac_parse_id(sa->peer_id, sa->peer_id_len, s->mac_mmt);
	s->installed = true;
	memcpy(s->rx_keyid, sa->rx_keyid, MIHSEC_KEYID_LEN);
	memcpy(s->tx_keyid, sa->tx_keyid, MIHSEC_KEYID_LEN);
	md_info("adopted the SA of %.*s found in the kernel",
		(int)sa->peer_id_len, (const char *)sa->peer_id);
}

void md_keymgr_check(struct md_keymgr *km)
{
	size_t i;

	for (i = 0; i < km->nsas; i++) {
		struct md_km_sa *s = &km->sas[i];

		if (s->pending_cfg_valid) {
			sa_try_install(km, s);
			continue;
		}
		if (!s->installed)
			continue;
		if (km->hooks.sa_get(km->hooks.arg, s->rx_keyid) != -ENOENT)
			continue;
		/* gone without an expiry event: the kernel lost it */
		s->installed = false;
		sa_wipe_pending(s);
		ask_reauth(km, s, "the kernel no longer holds it");
	}
}

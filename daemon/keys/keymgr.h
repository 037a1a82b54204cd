/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The key manager: turns what the key sources report (keysrc.h) into SAs
 * in the kernel, following PROTOCOL.md sections 2 and 7.
 *
 *   key up (MMT)   Peer-Key SA toward the access router named by the
 *                  authenticator's MAC, and an IS-Key SA toward every
 *                  configured IS server
 *   key up (PoA)   Peer-Key SA toward the terminal (its MIHF ID from the
 *                  peer table, or its MAC if mmt_id_from_mac), and the
 *                  IS-Key (v1; the MSK input in paper) pushed to every IS
 *                  server (the push hook: mihf/islink)
 *   IS push (IS)   md_keymgr_install_is(): the MMT's IS SA
 *   key down       every SA of that terminal's peers deleted
 *   rekey          a new key for a known peer installs new SAs (new key
 *                  IDs); the kernel lets the old ones receive for their
 *                  grace period.  The same key again (an unchanged PMK)
 *                  is ignored.
 *   key ID held    the kernel refuses key IDs it held before (SA_ADD
 *                  -EEXIST: the MSK was reused, e.g. a PMKSA cache hit
 *                  after the kernel lost its SAs): never a second
 *                  install, the source is asked to re-authenticate
 *   kernel events  sa-soft-expired, sa-expired (of the newest SA) and
 *                  seq-exhausted ask the source for a re-authentication;
 *                  no-sa / unknown-key for a peer whose SA is still
 *                  pending (the kernel refused or was absent) retry the
 *                  install
 *   kernel lost    md_keymgr_check() finds a newest SA missing from the
 *                  kernel without an expiry event (module reloaded,
 *                  flushed by hand): the key is dropped and the source
 *                  asked to re-authenticate (never reinstall: section 7)
 *   adoption       md_keymgr_adopt() records SAs found in the kernel at
 *                  start (a restarted daemon keeps them running)
 *
 * The MSK is kept only until its SAs are installed, then cleansed.
 * Everything that touches the kernel or another module goes through
 * struct md_km_hooks, so the logic is testable without either.
 */
#ifndef MIHSECD_KEYMGR_H
#define MIHSECD_KEYMGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <linux/mihsec.h>

#include "keys/keysrc.h"
#include "lib/nl.h"

/* What a configured peer is */
enum md_km_kind {
	MD_KM_POA = 1,		/* access router / PoS (seen by an MMT) */
	MD_KM_IS,		/* information server */
	MD_KM_MMT,		/* terminal (seen by a PoA) */
};

struct md_km_peer_cfg {
	enum md_km_kind kind;
	uint8_t id[MIHSEC_MIHF_ID_MAX];
	size_t id_len;
	bool has_mac;
	uint8_t mac[MIHSEC_MAC_LEN];
	size_t addr_len;		/* 0, 4 or 16 (IS: profile paper) */
	uint8_t addr[16];
};

struct md_km_cfg {
	bool mmt, poa, is;		/* roles of this host */
	uint8_t mihf_id[MIHSEC_MIHF_ID_MAX];
	size_t mihf_id_len;
	uint8_t profile;		/* enum mihsec_kdf_profile */
	uint8_t suite;
	struct mihsec_sa_life life;	/* applied to every SA installed */
	uint32_t is_lifetime;		/* seconds, told to IS servers */
	bool mmt_id_from_mac;		/* unknown MMT: MIHF ID = its MAC */
	const struct md_km_peer_cfg *peers;
	size_t npeers;
};

struct md_km_hooks {
	int (*sa_add)(void *arg, const struct mihsec_sa_cfg *cfg);
	int (*sa_del_peer)(void *arg, const uint8_t *id, size_t len);
	/* 0 if an SA with this RX key ID exists, -ENOENT if not */
	int (*sa_get)(void *arg, const uint8_t rx_keyid[MIHSEC_KEYID_LEN]);
	/* ask @src for a fresh EAP run of the terminal; may be NULL */
	int (*reauth)(void *arg, enum mihsec_key_src src,
		      const uint8_t mac_mmt[MIHSEC_MAC_LEN],
		      const uint8_t mac_poa[MIHSEC_MAC_LEN]);
	/* PoA: hand an MMT's IS key to IS server @is; may be NULL */
	int (*push_is)(void *arg, const struct md_km_peer_cfg *is,
		       const uint8_t mac_mmt[MIHSEC_MAC_LEN],
		       const uint8_t *mmt_id, size_t mmt_id_len,
		       uint8_t profile, uint8_t suite, const uint8_t key[32],
		       uint32_t lifetime);
	void *arg;
};

/* One SA this daemon installed or adopted */
struct md_km_sa {
	uint8_t peer_id[MIHSEC_MIHF_ID_MAX];
	size_t peer_id_len;
	enum md_km_kind kind;		/* what the peer is */
	enum mihsec_key_src src;	/* 0: adopted at start */
	uint8_t mac_mmt[MIHSEC_MAC_LEN];
	uint8_t mac_poa[MIHSEC_MAC_LEN];
	uint8_t rx_keyid[MIHSEC_KEYID_LEN];	/* the newest SA */
	uint8_t tx_keyid[MIHSEC_KEYID_LEN];
	char key_fp[17];		/* fingerprint of the key input */
	bool installed;			/* else pending: pending_cfg holds it */
	bool pending_cfg_valid;
	struct mihsec_sa_cfg pending_cfg;	/* keys: wiped once installed */
	bool reauth_asked;
	unsigned int rekeys;		/* installs after the first */
	time_t since;			/* last install (CLOCK_REALTIME) */
	uint64_t t_event;		/* CLOCK_MONOTONIC ns of the key event
					 * of the pending SA; 0: unknown */
	uint64_t setup_ns;		/* last install: from the source's
					 * event to the SA in the kernel */
};

struct md_keymgr;

struct md_keymgr *md_keymgr_new(const struct md_km_cfg *cfg,
				const struct md_km_hooks *hooks);
void md_keymgr_free(struct md_keymgr *km);
/* A new configuration (SIGHUP); live SAs stay */
int md_keymgr_set_cfg(struct md_keymgr *km, const struct md_km_cfg *cfg);

/* The key sources' callback (keysrc.h): @arg is the key manager */
void md_keymgr_key_event(void *arg, const struct mihsec_key_event *ev);

/* IS server: a Key_Push from an AR (PROTOCOL.md 2.3); the root key is
 * the IS-Key (v1) or the MSK input (paper).  0, or -EEXIST if those key
 * IDs are already live with other keys, or another negative errno. */
int md_keymgr_install_is(struct md_keymgr *km, uint8_t profile,
			 uint8_t suite, const uint8_t mac_mmt[MIHSEC_MAC_LEN],
			 const uint8_t *mmt_id, size_t mmt_id_len,
			 const uint8_t key[32], uint32_t lifetime);

/* IS server: the SA the IS link derived from a Key_Push (its network
 * end, with keys; wiped here).  0, -EEXIST (key IDs held before), or
 * another negative errno. */
int md_keymgr_install_pushed(struct md_keymgr *km,
			     const struct mihsec_sa_cfg *cfg,
			     const uint8_t mac_mmt[MIHSEC_MAC_LEN]);

/* Ask the key sources to re-authenticate every terminal of this access
 * router (an IS server lost the IS SAs pushed to it: PROTOCOL.md 2.3) */
void md_keymgr_reauth_terminals(struct md_keymgr *km, const char *why);

/* A kernel event (lib/nl.h mihsec_nl_recv_events) */
void md_keymgr_kernel_event(struct md_keymgr *km,
			    const struct mihsec_event_info *ev);

/* An SA found in the kernel at start (a dump) */
void md_keymgr_adopt(struct md_keymgr *km, const struct mihsec_sa_info *sa);

/* Periodic: retry pending installs, notice SAs the kernel lost */
void md_keymgr_check(struct md_keymgr *km);

/* The SAs known, for mihsecctl peers (valid until the next call in) */
size_t md_keymgr_sas(const struct md_keymgr *km, const struct md_km_sa **sas);

#endif /* MIHSECD_KEYMGR_H */

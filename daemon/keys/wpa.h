/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key source "wpa_supplicant" (MMT side; keys/keysrc.h, EAP.md).
 *
 * Talks to one interface's control socket (e.g. /run/wpa_supplicant/wlan0)
 * through libwpa_client.  The key is MSK[0..31] = the PMK, read with
 * `PMKSA_GET <network id>` (Debian builds wpa_supplicant with
 * CONFIG_PMKSA_CACHE_EXTERNAL=y, which provides that command); one reply
 * line per cache entry:
 *   <AA> <PMKID> <PMK hex> <reauth_time> <expiration> <akmp> <opportunistic>
 *
 * Events:
 *   PMKSA-CACHE-ADDED <AA> <net>      RSN pre-authentication (wired access)
 *                                     or a new PMKSA: PMKSA_GET <net>, UP
 *                                     for the entry of <AA>
 *   CTRL-EVENT-CONNECTED - Connection to <BSSID> completed [id=<net> ...]
 *                                     Wi-Fi after the 4-way handshake:
 *                                     PMKSA_GET <net>, UP for <BSSID>'s
 *                                     entry; wired with a pre-authentication
 *                                     target: PREAUTH <target> instead (a
 *                                     fresh key, never the cached one)
 *   CTRL-EVENT-DISCONNECTED bssid=<BSSID> ...
 *                                     DOWN for <BSSID> if it is up; on wired
 *                                     (BSSID = the PAE group address) DOWN
 *                                     for the pre-authentication target
 * Every MIHSEC_KEY_UP has mac_poa = AA and mac_mmt = the interface's own
 * MAC (STATUS "address=").  Two events for the same key give one UP; a
 * different key for a peer that is up is a re-authentication: a new UP.
 * After a DOWN the same key may be announced again (PMKSA caching on
 * reassociation): the key manager, not the source, refuses to install SAs
 * from one MSK twice (PROTOCOL.md section 7).
 * PMKSA-CACHE-REMOVED (expiry, replacement) is not a DOWN: the SAs have
 * lifetimes of their own.  A PMK that is not 32 octets (SHA-384 AKMs) is
 * refused (it is not MSK[0..31]).
 *
 * Wired access (EAP.md): a network with key_mgmt=NONE keeps the EAP
 * credentials; with @preauth set the source sends `PREAUTH <preauth_aa>`
 * when wpa_supplicant is connected (wpa_state COMPLETED, at start or on
 * CTRL-EVENT-CONNECTED: before that a pre-authentication hangs without
 * the network's EAP identity) unless the AR's key is up, and on
 * md_wpa_reauth(): RSN pre-authentication (ethertype 0x88c7) to the AR
 * fills both PMKSA caches.  A PREAUTH that brought no key within 10 s is
 * sent again (interval doubling up to 5 minutes).
 */
#ifndef MIHSECD_KEYS_WPA_H
#define MIHSECD_KEYS_WPA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys/keysrc.h"
#include "mihsecd/loop.h"

struct md_wpa_cfg {
	const char *ctrl_path;	/* control socket of one interface */
	int network_id;		/* only this network's PMKSAs; -1: any */
	bool preauth;		/* wired: pre-authenticate to preauth_aa */
	uint8_t preauth_aa[MIHSEC_MAC_LEN];
};

struct md_wpa;

/*
 * Start the source (copies @cfg).  Returns 0 once started, also when
 * wpa_supplicant is not there yet (retried with back-off), or -EINVAL /
 * -ENOMEM.
 */
int md_wpa_start(struct md_loop *loop, const struct md_wpa_cfg *cfg,
		 mihsec_key_cb cb, void *arg, struct md_wpa **out);
/* Stop: no further callbacks; no DOWN is delivered for peers still up */
void md_wpa_stop(struct md_wpa *w);
/*
 * Ask for a fresh EAP run with @mac_poa (NULL: the current one): wired
 * `PREAUTH <mac_poa or preauth_aa>`, else `REAUTHENTICATE`.  The new key
 * arrives later as MIHSEC_KEY_UP.  0, -ENOTCONN, -EIO.
 */
int md_wpa_reauth(struct md_wpa *w, const uint8_t *mac_poa);

/* ---- parsing (pure; tests/test_keysrc_ctrl.c) ---- */

enum md_wpa_ev_type {
	MD_WPA_EV_OTHER = 0,
	MD_WPA_EV_CONNECTED,
	MD_WPA_EV_DISCONNECTED,
	MD_WPA_EV_PMKSA_ADDED,
};

struct md_wpa_ev {
	enum md_wpa_ev_type type;
	uint8_t mac[MIHSEC_MAC_LEN];	/* BSSID / AA */
	int network_id;			/* -1 if the line has none */
};

/*
 * One event line (priority prefix already removed, see md_ctrl_line()).
 * 0 with ev->type set (OTHER for lines of no interest), or -EINVAL for a
 * line that starts like an event of interest but is malformed.
 */
int md_wpa_parse_event(const char *line, struct md_wpa_ev *ev);

/*
 * Find @aa's entry in a PMKSA_GET reply (@reply NUL-terminated) and put its
 * PMK into @pmk.  0; -ENOENT no entry for @aa (also: empty reply); -EIO the
 * reply is "FAIL" or "UNKNOWN COMMAND"; -EINVAL a malformed line (wrong
 * number of fields, bad MAC, PMKID or PMK, PMK not 32 octets): the whole
 * reply is refused.  @pmk is zeroed unless 0 is returned.
 */
int md_wpa_pmksa_find(const char *reply, const uint8_t aa[MIHSEC_MAC_LEN],
		      uint8_t pmk[MIHSEC_MSK_LEN]);

#endif /* MIHSECD_KEYS_WPA_H */

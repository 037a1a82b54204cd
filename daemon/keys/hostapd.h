/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key source "hostapd" (access router side; keys/keysrc.h, EAP.md).
 *
 * Talks to one interface's hostapd control socket (e.g.
 * /run/hostapd/eth0) through libwpa_client.  The key is MSK[0..31] = the
 * PMK, read with `GET_PMK <sta>`, which answers the PMK as bare hex or
 * "FAIL".  GET_PMK exists only in hostapd built with
 * CONFIG_TESTING_OPTIONS=y: Debian's hostapd package sets it (EAP.md);
 * with another build the source logs that GET_PMK is refused and delivers
 * nothing (use the "radius" source there).
 *
 * Events:
 *   CTRL-EVENT-EAP-SUCCESS <sta>    internal EAP server
 *   CTRL-EVENT-EAP-SUCCESS2 <sta>   RADIUS (pass-through) mode
 *   AP-STA-CONNECTED <sta> [...]    Wi-Fi, after the 4-way handshake
 *        -> GET_PMK <sta>, MIHSEC_KEY_UP (mac_mmt = sta, mac_poa = the AR's
 *           own MAC); a GET_PMK that fails right after the event is retried
 *           a few times (MD_HAPD_RETRIES, 20 ms doubling), since hostapd
 *           may emit the event before it has stored the PMKSA.  Two events
 *           for one EAP run (EAP-SUCCESS then AP-STA-CONNECTED) give one UP
 *           (the key's fingerprint is compared, never the key); a different
 *           key for a station that is up is a re-authentication: a new UP.
 *   AP-STA-DISCONNECTED <sta> [...] -> MIHSEC_KEY_DOWN if the station is up.
 * hostapd sends no AP-STA-CONNECTED/-DISCONNECTED for RSN pre-authentication
 * sessions (wired access), so there the AR learns of departures only
 * through the SA lifetime (or another source).
 *
 * After a DOWN, the same key may be announced again (e.g. Wi-Fi PMKSA
 * caching on reassociation): the source delivers it; the key manager
 * refuses to install SAs from one MSK twice (PROTOCOL.md section 7).
 * Stations that authenticated while the source was not connected (mihsecd
 * or hostapd restarting) are not enumerated: the kernel keeps their SAs
 * (adopted on restart), and their next EAP run announces a new key.
 *
 * The AR's own MAC (mac_poa): @own_mac if @have_own_mac, else the MAC of
 * the interface @ifname (SIOCGIFHWADDR in mihsecd's network namespace),
 * else hostapd's STATUS "bssid[0]=" (for driver=wired: the interface's MAC).
 */
#ifndef MIHSECD_KEYS_HOSTAPD_H
#define MIHSECD_KEYS_HOSTAPD_H

#include <stdbool.h>
#include <stdint.h>

#include "keys/keysrc.h"
#include "mihsecd/loop.h"

#define MD_HAPD_RETRIES		5

struct md_hostapd_cfg {
	const char *ctrl_path;	/* control socket of one interface */
	bool have_own_mac;
	uint8_t own_mac[MIHSEC_MAC_LEN];
	const char *ifname;	/* or NULL */
	/* how long EAPOL_REAUTH may take to bring a new key before the
	 * station is made to associate anew; 0: 8000 ms */
	unsigned int reauth_grace_ms;
};

struct md_hostapd;

/*
 * Start the source (copies @cfg).  0 once started, also when hostapd is not
 * there yet (retried with back-off); -EINVAL, -ENOMEM, or the error of
 * reading @ifname's MAC.
 */
int md_hostapd_start(struct md_loop *loop, const struct md_hostapd_cfg *cfg,
		     mihsec_key_cb cb, void *arg, struct md_hostapd **out);
/* Stop: no further callbacks; no DOWN is delivered for stations still up */
void md_hostapd_stop(struct md_hostapd *h);
/*
 * `EAPOL_REAUTH <sta>`: a fresh EAP run over 802.1X (Wi-Fi, wired 802.1X
 * ports).  It does not reach a station that only pre-authenticated (RSN
 * pre-authentication is started by the station).  0, -EINVAL, -ENOTCONN,
 * -EIO.
 */
int md_hostapd_reauth(struct md_hostapd *h, const uint8_t sta[MIHSEC_MAC_LEN]);

/* ---- parsing (pure; tests/test_keysrc_ctrl.c) ---- */

enum md_hapd_ev_type {
	MD_HAPD_EV_OTHER = 0,
	MD_HAPD_EV_EAP_SUCCESS,		/* both EAP-SUCCESS and EAP-SUCCESS2 */
	MD_HAPD_EV_CONNECTED,
	MD_HAPD_EV_DISCONNECTED,
};

struct md_hapd_ev {
	enum md_hapd_ev_type type;
	uint8_t sta[MIHSEC_MAC_LEN];
};

/*
 * One event line (priority prefix already removed).  0 with ev->type set
 * (OTHER for lines of no interest), or -EINVAL for a malformed line of an
 * event of interest.  EAP-SUCCESS lines carry only the MAC; AP-STA-* lines
 * may carry more fields after it (p2p_dev_addr=, keyid=, ...).
 */
int md_hapd_parse_event(const char *line, struct md_hapd_ev *ev);

/*
 * A GET_PMK reply (NUL-terminated; one trailing newline allowed): 0 and
 * the key in @pmk; -EIO for "FAIL"/"UNKNOWN COMMAND"; -ENODATA empty;
 * -EINVAL anything else (not exactly 64 hex digits).  @pmk zeroed unless 0.
 */
int md_hapd_parse_pmk(const char *reply, uint8_t pmk[MIHSEC_MSK_LEN]);

#endif /* MIHSECD_KEYS_HOSTAPD_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key sources: where mihsecd learns that layer 2 authenticated a terminal
 * and what the key is (PROTOCOL.md section 2, EAP.md).  Every source is a
 * small module behind this one interface, driven by mihsecd's event loop
 * (mihsecd/loop.h); it reports to the key manager through one callback:
 *
 *   MIHSEC_KEY_UP    an EAP success (or a re-authentication): @msk holds
 *                    MSK[0..31] (the PMK); for a known peer it means rekey
 *   MIHSEC_KEY_DOWN  the terminal left (disconnect, deauth): remove its SAs
 *
 * The event is valid only during the call: the source cleanses @msk
 * (OPENSSL_cleanse) right after the callback returns, and the callback
 * copies what it keeps.  Sources never log key material.
 *
 * Each source has its own small configuration struct (filled by mihsecd's
 * configuration from its INI section) and the functions
 *   md_<src>_start(loop, cfg, cb, arg, &handle)   connect, register fds
 *   md_<src>_stop(handle)                          unregister, close, free
 *   md_<src>_reauth(handle, mac)                   ask for a fresh EAP run
 *                                                  (PROTOCOL.md section 7)
 * Sources reconnect on their own (with back-off, via loop timers) when the
 * far end (wpa_supplicant, hostapd, the AAA server) goes away and comes
 * back, and log that at notice level.
 */
#ifndef MIHSECD_KEYSRC_H
#define MIHSECD_KEYSRC_H

#include <stdint.h>

#define MIHSEC_MSK_LEN	32	/* MSK[0..31]: what every path yields */
#define MIHSEC_MAC_LEN	6

enum mihsec_key_what {
	MIHSEC_KEY_UP = 1,
	MIHSEC_KEY_DOWN,
};

enum mihsec_key_src {
	MIHSEC_SRC_WPA_SUPPLICANT = 1,	/* MMT: PMKSA_GET after connect/pre-auth */
	MIHSEC_SRC_HOSTAPD,		/* AR: GET_PMK <sta> after EAP success */
	MIHSEC_SRC_RADIUS,		/* AR: MS-MPPE-Recv-Key in Access-Accept */
	MIHSEC_SRC_MANUAL,		/* mihsecctl msk add */
};

struct mihsec_key_event {
	enum mihsec_key_what what;
	enum mihsec_key_src src;
	uint8_t mac_mmt[MIHSEC_MAC_LEN];	/* the terminal */
	uint8_t mac_poa[MIHSEC_MAC_LEN];	/* the authenticator (AA, BSSID,
						 * the AR interface's MAC) */
	uint8_t msk[MIHSEC_MSK_LEN];		/* MIHSEC_KEY_UP only */
	uint64_t t_ns;		/* CLOCK_MONOTONIC when the source learned of
				 * the authentication (the event line), 0 if
				 * not known: for the set-up latency */
};

typedef void (*mihsec_key_cb)(void *arg, const struct mihsec_key_event *ev);

/* "wpa_supplicant", "hostapd", "radius", "manual" */
const char *mihsec_key_src_name(enum mihsec_key_src src);

#endif /* MIHSECD_KEYSRC_H */

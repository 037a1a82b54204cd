/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two control-interface key sources (keys/wpa.c for
 * wpa_supplicant, keys/hostapd.c for hostapd) share: the connection to a
 * control socket through libwpa_client (wpa_ctrl.h), and small pure
 * helpers for the text lines that travel on it.
 *
 * Connection: two sockets to the same control path, as wpa_cli does: one
 * ATTACHed "monitor" for events (registered on the md_loop), one for
 * request/response commands, so that an event can never be taken for a
 * command's reply.  A PING every MD_CTRL_PING_NS checks the far end; when
 * it does not answer, a request fails or the far end says it is
 * terminating, both sockets are closed, on_down() is called, and
 * connecting is retried with exponential back-off (MD_CTRL_BACKOFF_MIN_NS
 * doubling up to MD_CTRL_BACKOFF_MAX_NS); on_up() is called after every
 * successful (re)connection.  md_ctrl_request() blocks (libwpa_client
 * waits up to 10 s for a reply); replies come from a local daemon and take
 * well under 5 ms (EAP.md).
 *
 * Key material: replies may hold keys (PMKSA_GET, GET_PMK); callers
 * cleanse their reply buffers with OPENSSL_cleanse.
 */
#ifndef MIHSECD_KEYS_CTRL_H
#define MIHSECD_KEYS_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys/keysrc.h"
#include "mihsecd/loop.h"

#define MD_CTRL_LINE_MAX	4096	/* longest event line handled */
#define MD_CTRL_PING_NS		(5 * MD_NSEC_PER_SEC)
#define MD_CTRL_BACKOFF_MIN_NS	(250 * MD_NSEC_PER_MSEC)
#define MD_CTRL_BACKOFF_MAX_NS	(30 * MD_NSEC_PER_SEC)

struct wpa_ctrl;

struct md_ctrl_ops {
	/* connected (again): a good moment to ask for the current state */
	void (*on_up)(void *arg);
	/* lost the connection (not called by md_ctrl_stop()) */
	void (*on_down)(void *arg);
	/* one event line, priority prefix "<N>" removed, NUL-terminated */
	void (*on_event)(void *arg, const char *line);
};

struct md_ctrl {
	struct md_loop *loop;
	char *path;
	const char *who;		/* "wpa_supplicant", "hostapd": logs */
	const struct md_ctrl_ops *ops;
	void *arg;
	struct wpa_ctrl *cmd;		/* requests */
	struct wpa_ctrl *mon;		/* ATTACHed: events */
	int mon_fd;
	struct md_timer *timer;		/* ping while up, reconnect while down */
	uint64_t backoff_ns;
	bool up;
	bool warned;			/* "cannot connect" logged once per outage */
	uint64_t event_ns;		/* md_now_ns() of the last event line */
};

/*
 * Start connecting to the control socket @path (copied).  Returns 0 even if
 * the far end is not there yet (it is retried with back-off), -EINVAL for
 * bad arguments, -ENOMEM.
 */
int md_ctrl_start(struct md_ctrl *c, struct md_loop *loop, const char *path,
		  const char *who, const struct md_ctrl_ops *ops, void *arg);
void md_ctrl_stop(struct md_ctrl *c);

/*
 * Send the command @cmd and read its reply into @reply (NUL-terminated,
 * at most @size - 1 octets; *@len gets the length).  -ENOTCONN while not
 * connected, -EIO if the request failed (the connection is then dropped
 * and retried), -ETIMEDOUT if the far end did not answer in time.
 */
int md_ctrl_request(struct md_ctrl *c, const char *cmd, char *reply,
		    size_t size, size_t *len);

/* ---- pure helpers (unit-tested in tests/test_keysrc_ctrl.c) ---- */

/*
 * Make a C string of one received datagram: @buf/@len copied into @out
 * (@size octets), one trailing newline removed, the priority prefix "<N>"
 * (1-3 digits) skipped.  Returns a pointer into @out, or NULL if the line is
 * empty, holds a NUL or other control character (except the trailing
 * newline) or does not fit.
 */
const char *md_ctrl_line(const char *buf, size_t len, char *out, size_t size);

/*
 * Parse a MAC address "xx:xx:xx:xx:xx:xx" (hex either case) at @s; it must
 * end at a NUL or a space.  Returns the number of characters used (17) or
 * -EINVAL.
 */
int md_ctrl_parse_mac(const char *s, uint8_t mac[MIHSEC_MAC_LEN]);

/*
 * Parse exactly MIHSEC_MSK_LEN octets of hex (64 digits, nothing else) at
 * @s/@n into @pmk.  0, or -EINVAL (wrong length, odd or non-hex digits).
 * @pmk is zeroed on error.
 */
int md_ctrl_parse_pmk(const char *s, size_t n, uint8_t pmk[MIHSEC_MSK_LEN]);

/*
 * Find "@key=value" on its own line of a "STATUS"-style reply and copy the
 * value (up to the end of the line) into @out.  0, -ENOENT if absent,
 * -E2BIG if it does not fit.
 */
int md_ctrl_kv(const char *reply, const char *key, char *out, size_t size);

/* "xx:xx:xx:xx:xx:xx" + NUL */
#define MD_MAC_STR	18
void md_mac_str(const uint8_t mac[MIHSEC_MAC_LEN], char out[MD_MAC_STR]);

/*
 * The peers a source has announced: per MAC, whether it is up and the
 * fingerprint (lib/kdf.h, never the key) of the key last announced, so
 * that two events for one EAP run give one MIHSEC_KEY_UP.
 */
struct md_ctrl_peer {
	uint8_t mac[MIHSEC_MAC_LEN];
	bool up;
	char fp[2 * 8 + 1];
	struct md_timer *retry;		/* hostapd: GET_PMK retry */
	unsigned int tries;
	void *owner;			/* back pointer for timer callbacks */
	uint64_t reauth_at;		/* hostapd: md_now_ns() deadline for a
					 * new key after EAPOL_REAUTH; 0: none */
	char reauth_fp[2 * 8 + 1];	/* the key's fingerprint then */
};

struct md_ctrl_peers {
	struct md_ctrl_peer **v;
	size_t n;
};

struct md_ctrl_peer *md_ctrl_peer_find(struct md_ctrl_peers *p,
				       const uint8_t mac[MIHSEC_MAC_LEN]);
/* find or add; NULL if out of memory */
struct md_ctrl_peer *md_ctrl_peer_get(struct md_ctrl_peers *p,
				      const uint8_t mac[MIHSEC_MAC_LEN]);
/* frees every peer (cancelling retry timers on @loop) */
void md_ctrl_peers_free(struct md_ctrl_peers *p, struct md_loop *loop);

/*
 * Deliver MIHSEC_KEY_UP for @pmk unless @peer is up with the same key
 * already (then returns 0 without calling @cb; 1 when delivered).  The
 * event, including its copy of the key, is cleansed after @cb returns.
 */
int md_ctrl_deliver_up(struct md_ctrl_peer *peer, enum mihsec_key_src src,
		       const uint8_t mac_mmt[MIHSEC_MAC_LEN],
		       const uint8_t mac_poa[MIHSEC_MAC_LEN],
		       const uint8_t pmk[MIHSEC_MSK_LEN], uint64_t t_ns,
		       mihsec_key_cb cb, void *arg);
/* MIHSEC_KEY_DOWN if @peer is up (1), else nothing (0) */
int md_ctrl_deliver_down(struct md_ctrl_peer *peer, enum mihsec_key_src src,
			 const uint8_t mac_mmt[MIHSEC_MAC_LEN],
			 const uint8_t mac_poa[MIHSEC_MAC_LEN],
			 mihsec_key_cb cb, void *arg);

#endif /* MIHSECD_KEYS_CTRL_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key source "radius" (AR, production; EAP.md "Full MSK on the AR"): a
 * RADIUS relay on the AR between the authenticator (hostapd with
 * eap_server=0, or any NAS) and the AAA server.  The authenticator is
 * pointed at the relay's listen address instead of the AAA server; the
 * relay forwards every request to the AAA server and every reply back,
 * unchanged (UDP, RFC 2865/2866/3579).  From a verified Access-Accept it
 * takes MS-MPPE-Recv-Key (vendor 311, type 17, RFC 2548 2.4.2) =
 * MSK[0..31] and reports MIHSEC_KEY_UP (keysrc.h) with
 *   mac_mmt  Calling-Station-Id of the matching Access-Request
 *            ("02-00-00-00-00-01", "02:00:00:00:00:01", "020000000001",
 *            either case, normalised),
 *   mac_poa  Called-Station-Id of that request (the MAC before an
 *            RFC 3580 ":SSID" suffix), else the configured ar_mac.
 * Access-Reject and Access-Challenge yield nothing; there is no
 * MIHSEC_KEY_DOWN from this source (RADIUS does not see the terminal
 * leave) and no re-authentication trigger (the relay cannot start EAP: use
 * the authenticator's control interface for that).
 *
 * Verification before a key is taken: the reply matches an outstanding
 * request (same client, same Identifier), its Response Authenticator
 * (RFC 2865 3) and its Message-Authenticator (RFC 3579 3.2, mandatory in
 * an Accept that gives a key) check out under the server-side secret and
 * that request's authenticator, and the Accept holds exactly one
 * well-formed MS-MPPE-Recv-Key of 32 octets.  Replies that fail the
 * authenticator checks are dropped, not relayed (the authenticator would
 * discard them too).  Requests that fail their own checks are dropped: an
 * Access-Request or Status-Server must carry a Message-Authenticator that
 * verifies under the client-side secret (so only holders of the secret
 * can use the relay; RFC 3579 3.2, and the CVE-2024-3596 "BlastRADIUS"
 * advice), an Accounting-Request its RFC 2866 authenticator.
 *
 * Secrets: client_secret_file is shared with the authenticator(s),
 * server_secret_file with the AAA server; if the latter is NULL the same
 * secret serves both sides, and then packets cross the relay
 * byte-identical.  With two different secrets the relay re-signs what it
 * forwards (request: User-Password re-hidden, Message-Authenticator or the
 * Accounting-Request authenticator recomputed; reply: MS-MPPE-Send/Recv-Key
 * and Tunnel-Password re-encrypted, Message-Authenticator and Response
 * Authenticator recomputed); every other octet is unchanged.  A secret
 * file holds the secret (1-128 octets); one trailing newline is ignored.
 *
 * Outstanding requests are kept in a table of max_pending entries keyed
 * by (client address and port, Identifier), each expiring request_timeout_ms
 * after the last (re)transmission; a retransmitted request (same
 * authenticator) refreshes its entry, a new request with the same key
 * replaces it.  Each client gets its own upstream socket (so Identifiers
 * of different clients cannot collide at the AAA server), at most
 * max_clients at a time, closed when idle.  A key is reported once per
 * request even if the AAA server answers a retransmission again.
 *
 * Octets after a packet's Length (padding, RFC 2865 3) are not relayed.
 * Point only the authenticator's authentication server at the relay: an
 * Accounting-Request it receives goes to the same AAA server address.
 * The key callback runs from the relay's reply handler: it must not call
 * md_radius_stop().
 *
 * No secret, key or key-derived value is ever logged; every copy is
 * cleansed (OPENSSL_cleanse).  MD5 and HMAC-MD5 come from OpenSSL EVP.
 *
 * Why not a library: Debian's radcli (libradcli-dev 1.2.11) is a client
 * library: its reply checks (Response Authenticator, Message-Authenticator)
 * run only inside rc_send_server(), which owns and blocks on its socket,
 * attribute decoding (rc_avpair_gen) needs a loaded dictionary, and it
 * cannot decrypt RFC 2548 attributes at all.  A relay needs exactly the
 * checks on packets it did not send, so the code here is a small strict
 * parser (every length checked against its container) exercised by
 * tests/test_radius.c with hostile inputs.
 */
#ifndef MIHSECD_KEYS_RADIUS_H
#define MIHSECD_KEYS_RADIUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "keys/keysrc.h"
#include "mihsecd/loop.h"

#define MD_RADIUS_MAX_PKT	4096	/* RFC 2865 3 */
#define MD_RADIUS_HDR_LEN	20
#define MD_RADIUS_AUTH_LEN	16
#define MD_RADIUS_SECRET_MAX	128

#define MD_RADIUS_TIMEOUT_MS_DEFAULT	30000
#define MD_RADIUS_MAX_PENDING_DEFAULT	256
#define MD_RADIUS_MAX_CLIENTS_DEFAULT	16

struct md_radius_cfg {
	/* "ADDR:PORT" or "[IPv6]:PORT", numeric; port 0 = any (tests) */
	const char *listen;		/* facing the authenticator(s) */
	const char *server;		/* the AAA server */
	const char *client_secret_file;	/* required */
	const char *server_secret_file;	/* NULL: the same secret */
	bool have_ar_mac;		/* mac_poa if a request has no */
	uint8_t ar_mac[MIHSEC_MAC_LEN];	/* usable Called-Station-Id */
	unsigned int request_timeout_ms;	/* 0: default */
	unsigned int max_pending;		/* 0: default */
	unsigned int max_clients;		/* 0: default */
};

struct md_radius;

/*
 * Read the secrets, bind the listen socket, register it with @loop.
 * 0 or a negative errno (-EINVAL for a bad address, port or secret file
 * contents; the errno of a failed open/bind otherwise), logged.
 */
int md_radius_start(struct md_loop *loop, const struct md_radius_cfg *cfg,
		    mihsec_key_cb cb, void *arg, struct md_radius **out);
/* Unregister and close every socket, cleanse the secrets, free */
void md_radius_stop(struct md_radius *r);
/* The bound listen address (for tests that listen on port 0) */
int md_radius_listen_addr(const struct md_radius *r,
			  struct sockaddr_storage *ss, socklen_t *len);

struct md_radius_stats {
	uint64_t requests;	/* relayed to the AAA server */
	uint64_t replies;	/* relayed to a client */
	uint64_t keys;		/* MIHSEC_KEY_UP events */
	uint64_t dropped;	/* malformed, unverified, unmatched, no room */
};
void md_radius_get_stats(const struct md_radius *r,
			 struct md_radius_stats *st);

/* ---- the packet code, exposed for tests/test_radius.c ---- */

/*
 * The MAC at the start of @s (@len octets): 12 hex digits, bare or in six
 * pairs separated by all '-' or all ':'.  With @suffix_ok, a ':' and
 * anything after the MAC is allowed (Called-Station-Id "MAC:SSID"); else
 * nothing may follow.  0, or -EINVAL.
 */
int md_radius_parse_mac(const char *s, size_t len, bool suffix_ok,
			uint8_t mac[MIHSEC_MAC_LEN]);

/*
 * Check that @pkt (@len octets, exactly the Length field's worth) is a
 * well-formed RADIUS packet: 20-4096 octets, Length == @len, attributes
 * each at least 2 octets and ending exactly at the end.  0 or -EBADMSG.
 */
int md_radius_check_packet(const uint8_t *pkt, size_t len);

/*
 * Verify a reply (Access-Accept/-Reject/-Challenge, Accounting-Response)
 * to a request whose authenticator was @req_auth: Response Authenticator,
 * and the Message-Authenticator if present (required if @need_ma or if the
 * reply carries an EAP-Message).  0, -EBADMSG (malformed, or more than one
 * Message-Authenticator, or one of the wrong length), -EPERM (an
 * authenticator does not verify or a required one is missing).
 */
int md_radius_verify_reply(const uint8_t *pkt, size_t len,
			   const uint8_t req_auth[MD_RADIUS_AUTH_LEN],
			   const uint8_t *secret, size_t secret_len,
			   bool need_ma);

/*
 * From a verified Access-Accept (md_radius_verify_reply() == 0 first):
 * decrypt the one MS-MPPE-Recv-Key (RFC 2548 2.4.2) into @msk.  0;
 * -ENOENT if there is none; -EBADMSG if a Vendor-Specific attribute of
 * vendor 311 is malformed, if there is more than one MS-MPPE-Recv-Key, or
 * if it is not a 32-octet key correctly padded (length byte, zero
 * padding, salt with its high bit set).  @msk is wiped on failure.
 */
int md_radius_recv_key(const uint8_t *pkt, size_t len,
		       const uint8_t req_auth[MD_RADIUS_AUTH_LEN],
		       const uint8_t *secret, size_t secret_len,
		       uint8_t msk[MIHSEC_MSK_LEN]);

#endif /* MIHSECD_KEYS_RADIUS_H */

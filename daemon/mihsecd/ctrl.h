/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mihsecd's control socket: the operator's path into the daemon
 * (mihsecctl msk add/del, mihsecctl peers).
 *
 * A UNIX SOCK_SEQPACKET socket at a configured path (mode 0600; its
 * directory is created 0755 if missing; a stale socket nobody answers on
 * is replaced, a live one or a file that is not a socket is left alone).
 * Connections are served on the md_loop, non-blocking, at most
 * MD_CONTROL_MAX_CLIENTS at once; only peers whose SO_PEERCRED uid is 0 or
 * the daemon's own uid are served, others get an error reply and are
 * closed.
 *
 * Protocol: one JSON object per datagram (at most MD_CONTROL_MSG_MAX octets),
 * one JSON object in reply to each:
 *
 *   {"cmd":"msk-add","mmt":"aa:bb:cc:dd:ee:ff","poa":"..","msk":"HEX"}
 *	HEX: 64 hex digits (MSK[0..31]) or 128 (a whole 64-octet MSK, of
 *	which the first 32 octets are used: PROTOCOL.md section 2).
 *	-> a MIHSEC_KEY_UP event, src MIHSEC_SRC_MANUAL; reply {"ok":true}
 *   {"cmd":"msk-del","mmt":"..","poa":".."}
 *	-> a MIHSEC_KEY_DOWN event, src MIHSEC_SRC_MANUAL; reply {"ok":true}
 *   {"cmd":"peers"}
 *	-> {"ok":true,"peers":[{"peer":ID,"kind":"poa"|"is"|"mmt",
 *	   "source":"wpa_supplicant"|..|"manual"|"adopted","mac_mmt":MAC,
 *	   "mac_poa":MAC,"state":"installed"|"pending"|"gone",
 *	   "rx_keyid":HEX16,"tx_keyid":HEX16,"rekeys":N,"since":UNIXTIME},..]}
 *	ID: the MIHF ID, printable ASCII as is, other octets and the
 *	backslash as \xNN.  since: 0 if unknown.  Never a key.
 *   anything else, or a bad field
 *	-> {"ok":false,"error":"text"} and no event
 *
 * Key hygiene: the received datagram, json-c's copies of it (the
 * tokener's buffer and every string of the parsed object) and the decoded
 * MSK are cleansed (OPENSSL_cleanse) on every path.
 */
#ifndef MIHSECD_CONTROL_H
#define MIHSECD_CONTROL_H

#include <stddef.h>

#include "keys/keymgr.h"
#include "keys/keysrc.h"
#include "mihsecd/loop.h"

#define MD_CONTROL_MSG_MAX		4096	/* octets per request datagram */
#define MD_CONTROL_MAX_CLIENTS	16	/* connections served at once */

struct md_control_ops {
	/* a key event from the operator (the key manager's
	 * md_keymgr_key_event); @ev is cleansed after the call */
	void (*key_event)(void *arg, const struct mihsec_key_event *ev);
	/* the SAs known (md_keymgr_sas): valid until the next call */
	size_t (*sas)(void *arg, const struct md_km_sa **sas);
	void *arg;
};

struct md_control;

/*
 * Create the socket at @path and serve it on @loop; @ops is copied.
 * Returns 0 with the handle in @out, or a negative errno: -EADDRINUSE if
 * something answers on @path, -EEXIST if @path is not a socket,
 * -ENAMETOOLONG if it does not fit a sockaddr_un, or what a system call
 * failed with (each failure is logged).
 */
int md_control_start(struct md_loop *loop, const char *path,
		  const struct md_control_ops *ops, struct md_control **out);

/* Close every connection and the socket, unlink it, free @c (NULL: no-op) */
void md_control_stop(struct md_control *c);

/* Connections being served (for tests and debug logging) */
size_t md_control_clients(const struct md_control *c);

#endif /* MIHSECD_CONTROL_H */

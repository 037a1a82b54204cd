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
 *	With the MIH function running, each entry whose MIHF ID is in the
 *	MIH peer table gets "mih": that peer's object of
 *	mihf_peers_to_json() (mihf/peers.h); MIH peers without an SA follow
 *	as entries {"peer":ID,"kind":..,"state":"no-sa","mih":{..}} (ID ""
 *	for a peer known by address only).  The fields above are unchanged.
 *   the commands of the MIH function (mihsecd/mihfd.h documents them):
 *	mih-send, is-query, is-import, is-export, handover, mihf-status;
 *	without the MIH function: {"ok":false,"error":"the MIH function is
 *	not running ..."}
 *   anything else, or a bad field
 *	-> {"ok":false,"error":"text"} and no event
 *
 * One request at a time per connection: a request may be answered later
 * (the MIH commands wait for the network); another request arriving
 * meanwhile is refused ({"ok":false,"error":"busy: ..."}) and the pending
 * one goes on.  A client that closes its connection first loses the
 * answer; the operation itself completes.  A request may carry one file
 * descriptor (SCM_RIGHTS; is-import: the file to read), and a reply one
 * (is-export: a sealed memfd with the text).
 *
 * Key hygiene: the received datagram, json-c's copies of it (the
 * tokener's buffer and every string of the parsed object) and the decoded
 * MSK are cleansed (OPENSSL_cleanse) on every path.
 */
#ifndef MIHSECD_CONTROL_H
#define MIHSECD_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

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

/* A request being answered later (md_control_reply()) */
struct md_control_req;

/* md_control_ext.command: the answer comes later */
#define MD_CONTROL_PENDING	1

/* Commands served outside ctrl.c (the MIH function, mihsecd/mihfd.c) */
struct md_control_ext {
	/*
	 * @cmd (a string of @req, which is a JSON object; fields are checked
	 * by the handler): -ENOENT if not a command of this handler; 0 with
	 * *@reply set (a new object; NULL: out of memory) to answer now;
	 * MD_CONTROL_PENDING to answer later with md_control_reply(@r) (once,
	 * also after the client left; @r is valid until then).  @fd: a
	 * descriptor passed with the request, or -1; the handler owns it
	 * (closes it) whatever it returns.  @req and its strings are valid
	 * during the call only.
	 */
	int (*command)(void *arg, const char *cmd, struct json_object *req,
		       int fd, unsigned int uid, struct md_control_req *r,
		       struct json_object **reply);
	/* The MIH peer table as mihf_peers_to_json() makes it, or NULL */
	struct json_object *(*mih_peers)(void *arg);
	void *arg;
};

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

/* Serve @ext's commands too (copied; NULL: none any more) */
void md_control_set_ext(struct md_control *c, const struct md_control_ext *ext);

/*
 * Answer the pending request @r with @reply (its reference is taken; NULL:
 * "out of memory") and, if @fd >= 0, pass @fd along (SCM_RIGHTS; the
 * caller keeps and closes its own copy).  If the client is gone the
 * answer is dropped.  Frees @r.  Returns 0, -ENOTCONN (client gone) or
 * the send error.
 */
int md_control_reply(struct md_control_req *r, struct json_object *reply,
		     int fd);
/* Whether the client of @r still waits */
bool md_control_req_waiting(const struct md_control_req *r);
/* Pending requests of @c (for tests) */
size_t md_control_pending(const struct md_control *c);

#endif /* MIHSECD_CONTROL_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AR -> IS server key delivery link (PROTOCOL.md 2.3), both ends.
 *
 * Transport: TLS 1.3 only, over TCP (default port MD_ISLINK_PORT, 4551),
 * OpenSSL 3, non-blocking sockets driven by mihsecd's event loop
 * (mihsecd/loop.h): connect, handshake, reads and writes are all
 * event-driven; nothing here blocks (addresses must be numeric: no DNS).
 * Mutual X.509: each end loads its certificate chain, key and CA file from
 * its configuration and requires the peer's certificate to chain to that CA
 * AND to carry the expected MIHF ID.
 *
 * MIHF ID in a certificate: a subjectAltName of type URI whose value is
 * exactly "mihf:" followed by the MIHF ID octets (e.g. "mihf:ar1",
 * "mihf:ar1@net.example").  A URI SAN, not a DNS SAN, because MIHF IDs are
 * NAIs (RFC 4282: "user@realm") which a DNS name cannot hold.  The
 * comparison is octet for octet (no case folding, no wildcards); other SANs
 * are ignored; a certificate with several "mihf:" SANs matches if any of
 * them is the expected ID.  The check runs inside the handshake (verify
 * callback at depth 0), so a peer with a valid chain but another ID is
 * refused with a TLS alert (bad_certificate) before any PDU is exchanged.
 *
 * Messages: ordinary MIH PDUs on the TLS stream, one after the other; the
 * MIH header's payload length delimits each (RFC 5677 framing), and a PDU
 * longer than MD_ISLINK_PDU_MAX ends the connection.
 *   MIHSec_Key_Push request (SID 1, opcode 1, AID 1000): Source/Dest MIHF
 *     ID, then exactly, in this order: 202 MMT MAC (6), 203 MMT MIHF ID
 *     (OCTET_STRING, 1-253 octets, filling the TLV), 204 profile (1 v1,
 *     2 paper) + suite (1-4, the profile must allow it), 205 key (32),
 *     206 lifetime (u32 seconds, big-endian; 0: none).
 *   MIHSec_Key_Push response (opcode 2, same TID): IDs, then only TLV 3
 *     Status (1 octet, 0-5).
 *   MIHSec_IS_Epoch indication (opcode 3, AID 1001): IDs, then only TLV 209
 *     (8 octets).
 * Every header must be version 1 with ACK-Req, ACK-Rsp, UIR, M, FN and the
 * reserved bits all zero; any other TLV, a TLV out of order, missing or of
 * the wrong length is an error.
 *
 * IS server end: sends the epoch indication first on every connection
 * (the epoch is 8 random octets drawn by md_islink_is_start()).  On a push
 * it checks the PDU's Source MIHF ID is the authenticated AR's and the
 * Destination is its own, derives the MMT's IS SA (v1: mihsec_kdf_root_set
 * with the IS-Key, then mihsec_kdf_sa_keys; paper: mihsec_kdf_is from the
 * MSK input and the configured IS address) and calls the install callback
 * with the struct mihsec_sa_cfg for the network end (local ID: the IS
 * server's, peer ID: the MMT's; lifetime -> life.hard_secs).  Duplicates:
 * a bounded table remembers, per installed SA, its two key IDs and a
 * keyed fingerprint (HMAC-SHA256 under a per-process random key) of the
 * push content (MAC, MMT ID, profile, suite, key, lifetime), never the key.
 * A push whose key IDs are in the table answers Success without calling
 * the installer if its fingerprint is the same and its lifetime has not run
 * out, Rejected otherwise (never install a key ID twice, PROTOCOL.md 7).
 * The oldest entry is forgotten when the table is full; a forgotten key ID
 * is still refused by the kernel (it refuses key IDs it held since load),
 * which the installer reports as -EEXIST.  Installer result: 0 -> Success,
 * -EEXIST -> Rejected, any other error -> Unspecified Failure.  A push the
 * IS server cannot use (bad TLVs, profile/suite it does not take, paper
 * without a configured address, IDs that do not match) -> Rejected.
 *
 * AR end: one link per IS server.  Connects, reconnects with exponential
 * back-off (default 0.5 s doubling to 30 s, each delay drawn uniformly in
 * [d/2, d]; reset once a connection got its epoch).  Pushes are queued and
 * sent once the connection is up (handshake done and epoch received); at
 * most MD_ISLINK_INFLIGHT_MAX are in flight (distinct TIDs).  A push stays
 * queued (its key held, cleansed at the end) until its response arrives;
 * then its callback gets the Status.  If the connection breaks first:
 *   - reconnect, same epoch: the push is sent again (the IS server either
 *     never got it or answers the duplicate with Success);
 *   - reconnect, different epoch: pushes that had been written to the old
 *     connection complete with MD_ISLINK_ST_LOST and are NOT sent again
 *     (the old IS instance may have used the keys: PROTOCOL.md 2.3);
 *     pushes never written go to the new instance.
 * The epoch callback fires when a connection's epoch differs from the last
 * one this link saw (not on the first connection), before those
 * completions: the key manager then re-authenticates the MMTs it had
 * pushed there (PROTOCOL.md 2.3); this module never re-pushes on its own.
 * A connection whose epoch does not arrive within MD_ISLINK_TIMEOUT_MS of
 * the TCP connect, or whose oldest in-flight push is not answered within
 * it, is dropped (and reconnected).
 *
 * Callbacks run from the loop; they may queue or cancel pushes but must not
 * stop the link they were called from.  Nothing here logs key material.
 *
 * Conventions: functions returning int return 0 (or what is documented) on
 * success and a negative errno on failure.
 */
#ifndef MIHSECD_MIHF_ISLINK_H
#define MIHSECD_MIHF_ISLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/mihsec.h>

#include "lib/nl.h"

struct md_loop;

#define MD_ISLINK_PORT		4551
#define MD_ISLINK_PDU_MAX	1024	/* longest PDU accepted on the link */
#define MD_ISLINK_INFLIGHT_MAX	256	/* AR: pushes awaiting a response */
#define MD_ISLINK_QUEUE_MAX	65536	/* AR: pushes queued in all */
#define MD_ISLINK_TIMEOUT_MS	10000	/* handshake+epoch, response */
#define MD_ISLINK_BACKOFF_MIN_MS 500
#define MD_ISLINK_BACKOFF_MAX_MS 30000
#define MD_ISLINK_CONN_MAX	64	/* IS: concurrent connections */
#define MD_ISLINK_DUP_MAX	16384	/* IS: pushed key IDs remembered */

/* Message identifiers (PROTOCOL.md 2.3) */
#define MD_ISLINK_AID_KEY_PUSH	1000
#define MD_ISLINK_AID_IS_EPOCH	1001
#define MD_ISLINK_TLV_MMT_MAC	202
#define MD_ISLINK_TLV_MMT_ID	203
#define MD_ISLINK_TLV_PROFILE	204
#define MD_ISLINK_TLV_KEY	205
#define MD_ISLINK_TLV_LIFETIME	206
#define MD_ISLINK_TLV_EPOCH	209
#define MD_ISLINK_KEY_LEN	32
#define MD_ISLINK_EPOCH_LEN	8
#define MD_ISLINK_MAC_LEN	6

/* Status values (WIRE.md 6) and local outcomes of a push (negative) */
enum md_islink_status {
	MD_ISLINK_ST_SUCCESS = 0,
	MD_ISLINK_ST_UNSPECIFIED = 1,
	MD_ISLINK_ST_REJECTED = 2,
	MD_ISLINK_ST_AUTHZ = 3,
	MD_ISLINK_ST_NETWORK = 4,
	MD_ISLINK_ST_AUTHN = 5,
	/* the IS server restarted (new epoch) after the push was sent */
	MD_ISLINK_ST_LOST = -1,
	/* the link was stopped before an answer came */
	MD_ISLINK_ST_CANCELLED = -2,
};

const char *md_islink_status_name(int status);

/* ---- Codec (exposed for the tests) ---- */

struct md_islink_push_msg {
	uint16_t tid;				/* 12 bits */
	const uint8_t *src_id;			/* the AR's MIHF ID */
	size_t src_id_len;
	const uint8_t *dst_id;			/* the IS server's */
	size_t dst_id_len;
	uint8_t mac_mmt[MD_ISLINK_MAC_LEN];
	const uint8_t *mmt_id;
	size_t mmt_id_len;			/* 1..253 */
	uint8_t profile;			/* enum mihsec_kdf_profile */
	uint8_t suite;
	const uint8_t *key;			/* MD_ISLINK_KEY_LEN octets */
	uint32_t lifetime;			/* seconds, 0: none */
};

struct md_islink_rsp_msg {
	uint16_t tid;
	const uint8_t *src_id;
	size_t src_id_len;
	const uint8_t *dst_id;
	size_t dst_id_len;
	uint8_t status;				/* 0..5 */
};

struct md_islink_epoch_msg {
	uint16_t tid;
	const uint8_t *src_id;
	size_t src_id_len;
	const uint8_t *dst_id;
	size_t dst_id_len;
	uint8_t epoch[MD_ISLINK_EPOCH_LEN];
};

/*
 * Encoders write the PDU into [buf, buf + size) and return its length, or
 * -EINVAL (a field out of range) / -ENOSPC.  Decoders take exactly one PDU
 * in [buf, buf + len); pointers in the message point into @buf.  They
 * return 0, or -EBADMSG (malformed: with the reason in *@why if @why is
 * not NULL) or -EMSGSIZE (len above MD_ISLINK_PDU_MAX).
 */
int md_islink_push_encode(uint8_t *buf, size_t size,
			  const struct md_islink_push_msg *m);
int md_islink_push_decode(const uint8_t *buf, size_t len,
			  struct md_islink_push_msg *m, const char **why);
int md_islink_rsp_encode(uint8_t *buf, size_t size,
			 const struct md_islink_rsp_msg *m);
int md_islink_rsp_decode(const uint8_t *buf, size_t len,
			 struct md_islink_rsp_msg *m, const char **why);
int md_islink_epoch_encode(uint8_t *buf, size_t size,
			   const struct md_islink_epoch_msg *m);
int md_islink_epoch_decode(const uint8_t *buf, size_t len,
			   struct md_islink_epoch_msg *m, const char **why);

/*
 * RFC 5677 framing on a stream: with @len octets buffered, returns the
 * length of the first PDU if it is complete, 0 if more octets are needed,
 * -EMSGSIZE if its header announces more than MD_ISLINK_PDU_MAX octets.
 */
int md_islink_frame(const uint8_t *buf, size_t len);

/* ---- TLS material common to both ends ---- */

struct md_islink_tls {
	const char *cert_file;		/* PEM: own certificate (+ chain) */
	const char *key_file;		/* PEM: its private key */
	const char *ca_file;		/* PEM: CA(s) the peer must chain to */
};

/* ---- IS server end ---- */

/* What the installer gets for one push (valid during the call only) */
struct md_islink_install {
	const uint8_t *ar_id;		/* the pushing AR (its certificate's) */
	size_t ar_id_len;
	const uint8_t *mac_mmt;		/* 6 octets */
	uint8_t profile;
	uint8_t suite;
	uint32_t lifetime;		/* seconds, 0: none */
	/* the SA for the IS server's end, ready for mihsec_nl_sa_add();
	 * wiped by this module after the call */
	const struct mihsec_sa_cfg *cfg;
};

/*
 * Install the SA; 0 on success, -EEXIST if the kernel already held one of
 * its key IDs (-> Rejected), another negative errno on failure
 * (-> Unspecified Failure).
 */
typedef int (*md_islink_install_cb)(void *arg,
				    const struct md_islink_install *in);

struct md_islink_is_cfg {
	const uint8_t *id;		/* the IS server's MIHF ID */
	size_t id_len;			/* 1..253 */
	const char *listen_addr;	/* numeric; NULL: "::" (dual stack) */
	uint16_t port;			/* 0: MD_ISLINK_PORT */
	struct md_islink_tls tls;
	/* MIHF IDs of the ARs allowed to push (at least one) */
	const char *const *ar_ids;
	size_t n_ar_ids;
	/* profile paper: the IS address the MMTs send to (4 or 16 octets,
	 * network order); 0: pushes in profile paper are rejected */
	uint8_t paper_addr[16];
	size_t paper_addr_len;
	size_t conn_max;		/* 0: MD_ISLINK_CONN_MAX */
	size_t dup_max;			/* 0: MD_ISLINK_DUP_MAX */
	uint32_t timeout_ms;		/* 0: MD_ISLINK_TIMEOUT_MS (handshake) */
};

struct md_islink_is;

/*
 * Load the TLS material (errors are logged with OpenSSL's reason), bind,
 * listen, draw the epoch.  The configuration is copied.
 */
int md_islink_is_start(struct md_loop *loop,
		       const struct md_islink_is_cfg *cfg,
		       md_islink_install_cb install, void *arg,
		       struct md_islink_is **out);
/* Close every connection and the listener, wipe and free */
void md_islink_is_stop(struct md_islink_is *is);
/* The TCP port listened on */
uint16_t md_islink_is_port(const struct md_islink_is *is);
void md_islink_is_epoch(const struct md_islink_is *is,
			uint8_t epoch[MD_ISLINK_EPOCH_LEN]);

struct md_islink_is_stats {
	uint64_t accepted;		/* TCP connections accepted */
	uint64_t refused;		/* handshakes failed (cert, ID, ...) */
	uint64_t pushes;		/* push requests received */
	uint64_t installed;		/* installer called and succeeded */
	uint64_t duplicates;		/* identical pushes answered Success */
	uint64_t rejected;		/* answered Rejected */
	size_t conns;			/* open connections now */
};
void md_islink_is_get_stats(const struct md_islink_is *is,
			    struct md_islink_is_stats *st);

/* ---- AR end ---- */

/*
 * The epoch of the IS server changed (not called for the first epoch a
 * link sees): every IS SA pushed over this link before is gone.
 */
typedef void (*md_islink_epoch_cb)(void *arg,
				   const uint8_t old_epoch[MD_ISLINK_EPOCH_LEN],
				   const uint8_t new_epoch[MD_ISLINK_EPOCH_LEN]);

enum md_islink_state {
	MD_ISLINK_DOWN = 0,		/* waiting to reconnect */
	MD_ISLINK_CONNECTING,		/* TCP connect started */
	MD_ISLINK_UP,			/* TLS up and epoch received */
};
/* Optional: every state change (logging, tests) */
typedef void (*md_islink_state_cb)(void *arg, enum md_islink_state state);

struct md_islink_ar_cfg {
	const uint8_t *id;		/* the AR's MIHF ID */
	size_t id_len;
	const uint8_t *is_id;		/* the IS server's MIHF ID (pinned) */
	size_t is_id_len;
	const char *is_addr;		/* numeric IPv4 or IPv6 address */
	uint16_t port;			/* 0: MD_ISLINK_PORT */
	struct md_islink_tls tls;
	uint32_t backoff_min_ms;	/* 0: MD_ISLINK_BACKOFF_MIN_MS */
	uint32_t backoff_max_ms;	/* 0: MD_ISLINK_BACKOFF_MAX_MS */
	uint32_t timeout_ms;		/* 0: MD_ISLINK_TIMEOUT_MS */
};

struct md_islink_ar_cbs {
	md_islink_epoch_cb epoch;	/* required */
	md_islink_state_cb state;	/* optional */
	void *arg;
};

struct md_islink_ar;

/* Load the TLS material and start connecting (at once) */
int md_islink_ar_start(struct md_loop *loop,
		       const struct md_islink_ar_cfg *cfg,
		       const struct md_islink_ar_cbs *cbs,
		       struct md_islink_ar **out);
/*
 * Close the connection; every queued push completes with
 * MD_ISLINK_ST_CANCELLED (callbacks run from here), keys wiped; free.
 */
void md_islink_ar_stop(struct md_islink_ar *ar);

/* A push's outcome: enum md_islink_status */
typedef void (*md_islink_done_cb)(void *arg, int status);

/*
 * Queue a push of the MMT's IS key (profile v1: the IS-Key; paper: the
 * MSK input; MD_ISLINK_KEY_LEN octets, copied).  Returns a push ID (> 0,
 * for md_islink_cancel()) or -EINVAL (profile/suite, MMT ID not 1-253
 * octets), -ENOBUFS (MD_ISLINK_QUEUE_MAX queued), -ENOMEM.  @done is
 * called exactly once, from the loop, unless the push is cancelled.
 */
int64_t md_islink_push(struct md_islink_ar *ar,
		       const uint8_t mac_mmt[MD_ISLINK_MAC_LEN],
		       const uint8_t *mmt_id, size_t mmt_id_len,
		       uint8_t profile, uint8_t suite,
		       const uint8_t key[MD_ISLINK_KEY_LEN], uint32_t lifetime,
		       md_islink_done_cb done, void *arg);
/* Forget a push (no callback); -ENOENT if it already completed */
int md_islink_cancel(struct md_islink_ar *ar, int64_t id);

struct md_islink_ar_info {
	enum md_islink_state state;
	bool have_epoch;
	uint8_t epoch[MD_ISLINK_EPOCH_LEN];	/* the last seen */
	uint64_t connects;		/* TCP connects started */
	uint64_t ups;			/* connections that got an epoch */
	uint64_t next_delay_ms;		/* back-off drawn for the last retry */
	size_t queued;			/* pushes not yet completed */
	size_t inflight;		/* of which written, unanswered */
};
void md_islink_ar_get_info(const struct md_islink_ar *ar,
			   struct md_islink_ar_info *info);

#endif /* MIHSECD_MIHF_ISLINK_H */

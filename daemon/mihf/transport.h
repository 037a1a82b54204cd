/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MIH transport: 802.21 PDUs over UDP (and optionally TCP) on port 4551,
 * the IETF MIH-over-IP design (RFC 5677 style), WIRE.md sections 1, 2, 8.
 *
 * One instance per mihsecd, single-threaded: every callback runs from
 * md_loop_run() (mihsecd/loop.h); no function blocks.
 *
 * Socket: one UDP socket bound to cfg.bind_addr (default "::" with
 * IPV6_V6ONLY=0, so IPv4 peers arrive as v4-mapped addresses; if the host
 * has no IPv6 the transport falls back to 0.0.0.0).  Every address the
 * transport reports (struct mihx_in, struct mihx_rsp) is normalised: a
 * v4-mapped IPv6 address is given as plain AF_INET.  Destinations may be
 * AF_INET or AF_INET6.  SO_BROADCAST is set (IPv4 broadcast discovery).
 *
 * Reliability (WIRE.md section 8):
 *  - mihx_request() / mihx_indicate() with ACK-Req: the PDU is sent at
 *    t=0 and retransmitted while no ACK came, cfg.retries times, the first
 *    after cfg.rtx_ms[SID] and each following one after cfg.backoff times
 *    the previous interval (default 2: exponential).  With interval I,
 *    retries 2, backoff 2: transmissions at 0, I, 3I; if no ACK has come
 *    at 7I (one more doubled interval after the last one) the transaction
 *    fails with -ETIMEDOUT.
 *  - An ACK is a pure ACK (ACK-Rsp=1, ACK-Req=0, same MID and TID, only
 *    the two MIHF ID TLVs, swapped) or, for a request, the response itself
 *    (with or without ACK-Rsp: a response always acknowledges).
 *  - After the ACK a request waits for its response until its transaction
 *    timeout (cfg.txn_timeout_ms from the first transmission; 0 = default
 *    3 x the sum of all retransmission intervals, i.e. 3 x 7I above).
 *  - Receiver: a request with ACK-Req answered inside ops->rx gets the ACK
 *    piggy-backed (ACK-Rsp=1 on the response).  Not answered by the time
 *    rx returns: a pure ACK goes out at once; the late response is then
 *    sent with ACK-Req=1 and retransmitted by the same rules until the
 *    requester ACKs it (the requester's transport ACKs responses that ask
 *    for it).  Indications with ACK-Req get a pure ACK.
 *  - Duplicates: received requests and indications are remembered by
 *    (source MIHF ID, TID, MID) for cfg.dup_lifetime_ms, at most
 *    cfg.dup_max entries (least recently used forgotten first).  A
 *    duplicate request already answered gets the cached response again;
 *    one still being processed gets a pure ACK (if it asked for one) and
 *    is dropped; a duplicate indication gets its ACK again.  None of them
 *    reaches ops->rx a second time.
 *  - Dropped and counted (logged at debug, never fatal): PDUs that
 *    mih_pdu_parse() refuses (version != 1 included), opcode Confirm on
 *    the wire, fragments (M or FN set: MIH is never fragmented, WIRE.md 2),
 *    responses and ACKs matching no transaction, messages whose
 *    Destination MIHF ID is neither ours nor empty.
 *
 * TIDs: the transport overwrites the TID of every PDU it sends.  Requests
 * and indications get one from a per-destination-MIHF-ID 12-bit counter
 * (starting at a random value, incremented per message, wrapping 4095 ->
 * 1; TID 0 is never allocated, some implementations read 0 as "none"),
 * skipping every TID still in flight to that MIHF ID (-EBUSY if all 4095
 * are).  Note: a peer remembers (our ID, TID, MID) for its duplicate
 * lifetime, so more than 4095 transactions of one MID to one peer within
 * that lifetime would be taken for duplicates; the counter does not guard
 * against that.  Responses carry their request's TID.
 *
 * TCP (cfg.tcp_enable, default OFF): a PDU longer than cfg.max_dgram is
 * sent over TCP to the destination's address and port (MIH uses 4551 for
 * UDP and TCP alike), on a connection opened on demand and reused; the
 * transport listens on cfg.tcp_port and accepts PDUs framed by the MIH
 * header's payload length (bounded buffers, cfg.tcp_max_conns
 * connections, cfg.tcp_idle_ms idle timeout; a stream that is not MIH
 * version 1 is closed).  Over TCP the ACK rules are the same (ACK-Req set,
 * ACKs and responses come back on the connection) but nothing is
 * retransmitted: the whole ACK wait (7I above) runs from the one
 * transmission.  The response to a request that came over TCP goes back
 * on the same connection while it is open.  A connection that fails or
 * closes fails the transactions sent on it (-ECONNREFUSED, -ECONNRESET,
 * ...).  With TCP disabled such a send fails with -EMSGSIZE (logged).
 * SECURITY: the mihsec kernel module protects UDP port 4551 only; MIH
 * over TCP is NOT protected by MIHSec.  That is why TCP is off by
 * default.  Also, the AR -> IS key link (mihf/islink.h) uses TCP 4551 on
 * an IS server: do not enable MIH over TCP on the same port there.
 *
 * NAT keepalive (cfg.keepalive_ms, default 60 s, at most 120 s, 0 = off):
 * toward each peer added with mihx_keepalive_add() the transport sends,
 * every interval, an MIH_Capability_Discover request WITHOUT ACK-Req and
 * without any TLV beyond the two MIHF IDs.  It is harmless: any MIHF may
 * answer it (a capability discovery is always allowed) or ignore it, and
 * it is never retransmitted.  Its response is consumed by the transport
 * (not given to anyone) and refreshes the peer's "last seen" time; so does
 * any valid PDU whose Source MIHF ID is the peer's.
 *
 * Conventions: functions returning int return 0 (or a documented
 * non-negative value) on success and a negative errno value on failure.
 */
#ifndef MIHSEC_MIHF_TRANSPORT_H
#define MIHSEC_MIHF_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/mih.h"

struct md_loop;
struct mihx;
struct mihx_txn;

#define MIHX_MIHSEC_OVERHEAD	64	/* room left for MIHSec's TLVs */
#define MIHX_UDP_MAX		65507	/* largest UDP payload over IPv4 */
#define MIHX_DGRAM_DEFAULT	(MIHX_UDP_MAX - MIHX_MIHSEC_OVERHEAD)
#define MIHX_KEEPALIVE_MAX_MS	120000
#define MIHX_BIND_MAX		64	/* octets of cfg.bind_addr */

/*
 * Test hook (tests only, never set in mihsecd): called for every UDP
 * datagram about to be sent (@out true) or just received (@out false,
 * before any parsing); returning true drops it silently (not counted as
 * sent or received).  Lets unit tests simulate loss deterministically.
 */
typedef bool (*mihx_drop_fn)(void *arg, bool out, const uint8_t *pdu,
			     size_t len);

struct mihx_cfg {
	uint16_t port;		/* UDP port; default 4551; 0 = ephemeral */
	/* numeric address to bind; "" or "::" = dual-stack any (default) */
	char bind_addr[MIHX_BIND_MAX];
	uint8_t id[MIH_MIHF_ID_MAX];	/* local MIHF ID (1..253 octets) */
	size_t id_len;
	/* retransmission interval per SID 1..4 in ms (index 0 unused):
	 * defaults 500 (service management), 500 (event), 100 (command),
	 * 1000 (information); each must be 1..60000 */
	unsigned int rtx_ms[5];
	unsigned int retries;	/* default 2, at most 16 */
	unsigned int backoff;	/* interval multiplier per retry; default 2 */
	/* time a request waits for its response from its first
	 * transmission; 0 = 3 x the sum of its SID's retransmission
	 * intervals (the default) */
	unsigned int txn_timeout_ms;
	unsigned int dup_lifetime_ms;	/* default 30000 */
	unsigned int dup_max;		/* entries, default 1024 */
	unsigned int keepalive_ms;	/* default 60000, <= 120000, 0 off */
	size_t max_dgram;	/* largest PDU sent over UDP; default
				 * MIHX_DGRAM_DEFAULT, at least 64 */
	bool tcp_enable;	/* default false: see SECURITY above */
	uint16_t tcp_port;	/* default 4551; 0 = the bound UDP port */
	unsigned int tcp_max_conns;	/* default 32 */
	unsigned int tcp_idle_ms;	/* default 30000 */
	mihx_drop_fn test_drop;	/* tests only, default NULL */
	void *test_drop_arg;
};

/* Fill @cfg with the defaults above (ID empty: set it before mihx_new) */
void mihx_cfg_defaults(struct mihx_cfg *cfg);

/* A received request or indication, given to ops->rx */
struct mihx_in {
	struct mih_pdu pdu;	/* parsed; points into raw */
	const uint8_t *raw;	/* the PDU octets */
	size_t len;
	struct sockaddr_storage peer;	/* sender (v4-mapped -> AF_INET) */
	socklen_t peer_len;
	bool tcp;		/* came over TCP */
};

/* A response (or, for an indication, the ACK), given to a done callback */
struct mihx_rsp {
	struct mih_pdu pdu;
	const uint8_t *raw;
	size_t len;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	bool tcp;
	unsigned int transmissions;	/* of the request, 1 = no rtx */
	uint64_t rtt_ns;	/* first transmission -> this response */
};

/*
 * Completion of a transaction.  @rsp is valid during the call only.
 * Unicast request: exactly one call: (0, response) or (-ETIMEDOUT, NULL)
 *   (no ACK after the last retransmission, or no response in time), or
 *   another negative errno (NULL) if sending failed later (e.g. a TCP
 *   connection refused), or (-ECANCELED, NULL) from mihx_free().
 * MIHX_F_MULTI request: one call (0, response) per responder (the first
 *   response of each Source MIHF ID; later ones are ignored; at most 1024
 *   responders), then, when
 *   the transaction's time is up, exactly one final call with rsp NULL:
 *   status 0 if at least one response came, -ETIMEDOUT if none did.
 *   A call with rsp == NULL is always the last one.
 * Indication with ACK-Req: exactly one call: (0, the ACK) or
 *   (-ETIMEDOUT, NULL) (or -ECANCELED / another errno as above).
 * After the last call the transaction handle is invalid.  The callback may
 * call any mihx function (new requests included), except during
 * mihx_free() (status -ECANCELED) where it must not touch the transport.
 */
typedef void (*mihx_done_cb)(void *arg, int status,
			     const struct mihx_rsp *rsp);

struct mihx_ops {
	/*
	 * A new (not duplicate) request or indication addressed to us (or
	 * to the empty MIHF ID).  @in is valid until rx returns, unless rx
	 * calls mihx_in_hold(); see mihx_respond().
	 */
	void (*rx)(void *arg, struct mihx_in *in);
};

/*
 * Create the transport: validate @cfg (each defect logged with md_log and
 * -EINVAL), open and bind the socket(s), register them with @loop.
 * -EADDRINUSE etc. from bind.  @cfg is copied.
 */
int mihx_new(struct md_loop *loop, const struct mihx_cfg *cfg,
	     const struct mihx_ops *ops, void *arg, struct mihx **out);
/*
 * Close everything.  Every pending transaction's done callback is called
 * once with -ECANCELED (rsp NULL); every held struct mihx_in is freed (the
 * application must not use its pointers afterwards); late responses still
 * being retransmitted are dropped.  NULL is fine.  Not to be called from
 * inside a transport callback (rx, done).
 */
void mihx_free(struct mihx *x);

/* The bound UDP port (useful with cfg.port 0), TCP port (0 if disabled) */
uint16_t mihx_port(const struct mihx *x);
uint16_t mihx_tcp_port(const struct mihx *x);
/* The UDP socket (e.g. to join a multicast group); owned by the transport */
int mihx_fd(const struct mihx *x);
/* The local MIHF ID */
const uint8_t *mihx_id(const struct mihx *x, size_t *len);

/* Flags of mihx_request() / mihx_indicate() */
#define MIHX_F_MULTI	0x1	/* request to a multicast/broadcast address:
				 * no ACK-Req, sent once, every responder's
				 * response delivered (see mihx_done_cb) */
#define MIHX_F_NOACK	0x2	/* unicast request without ACK-Req: sent
				 * once, no retransmission, waits for the
				 * response until the transaction timeout */
#define MIHX_F_ACKREQ	0x4	/* mihx_indicate(): ask for an ACK */

/*
 * Send a request.  @pdu (@len octets) is built by the caller: opcode
 * Request, Source MIHF ID (normally ours), Destination MIHF ID (the
 * peer's, or empty for discovery), any TID (overwritten), ACK flags
 * ignored (set by the transport).  It is copied.  @to/@to_len: the peer
 * (AF_INET or AF_INET6; multicast/broadcast with MIHX_F_MULTI; an IPv6
 * link-local or multicast address needs its sin6_scope_id).
 * @timeout_ms: the transaction timeout for this request (0: cfg's).
 * The response matched: opcode Response, same TID, SID and AID, Source
 * MIHF ID == the request's Destination MIHF ID (any, if that was empty),
 * Destination MIHF ID == ours (or empty), from any address.
 * @done is required.  *@txn (if @txn is not NULL) gets a handle valid
 * until the last done call.  Returns 0 (the first transmission happened
 * or, over TCP, is queued), -EINVAL (not a parseable request PDU, flags),
 * -EMSGSIZE (longer than cfg.max_dgram and TCP disabled, or MULTI),
 * -EBUSY (no free TID), -ENOMEM, or a send error; on error @done is never
 * called.
 */
int mihx_request(struct mihx *x, const struct sockaddr *to, socklen_t to_len,
		 const uint8_t *pdu, size_t len, unsigned int flags,
		 unsigned int timeout_ms, mihx_done_cb done, void *arg,
		 struct mihx_txn **txn);

/*
 * Send an indication (opcode Indication, built like a request).  With
 * MIHX_F_ACKREQ: ACK-Req set, retransmitted by the rules above, @done
 * called once (see mihx_done_cb).  Without: sent once, @done (may be
 * NULL) is never called and *@txn is set to NULL.  Returns as
 * mihx_request().
 */
int mihx_indicate(struct mihx *x, const struct sockaddr *to, socklen_t to_len,
		  const uint8_t *pdu, size_t len, unsigned int flags,
		  mihx_done_cb done, void *arg, struct mihx_txn **txn);

/* Abandon a pending transaction: its done callback is NOT called */
void mihx_txn_cancel(struct mihx *x, struct mihx_txn *txn);

/*
 * Keep @in (a request or indication given to ops->rx) alive after rx
 * returns, e.g. to answer a request asynchronously.  Must be called from
 * rx; a held @in is freed by mihx_respond() or mihx_in_release() (or
 * mihx_free()).  An unheld @in dies when rx returns.
 */
void mihx_in_hold(struct mihx_in *in);
/*
 * Answer the request @in with @pdu (opcode Response, built by the caller:
 * Source MIHF ID ours, Destination the requester's; TID and ACK flags are
 * set by the transport).  Inside rx the ACK piggy-backs; later the
 * response is sent with ACK-Req and retransmitted until ACKed.  It is
 * cached for duplicates of the request.  Goes to the request's sender
 * (over the same TCP connection if the request came over TCP and it is
 * still open; over a TCP connection if longer than cfg.max_dgram).
 * Releases @in in every case (success or error; inside rx the memory
 * lives until rx returns, but @in must not be used again).  Returns 0,
 * -EINVAL (@in is not a request, was answered already, @pdu is not a
 * parseable response with the request's SID/AID), -EMSGSIZE, -ENOMEM or a
 * send error.
 */
int mihx_respond(struct mihx_in *in, const uint8_t *pdu, size_t len);
/*
 * Give up @in without (further) answer.  A request released unanswered
 * keeps its duplicate entry: retransmissions of it are ACKed if they ask
 * for it and otherwise dropped.  Each held @in ends with exactly one
 * mihx_respond() or mihx_in_release(); after it, @in is gone.
 */
void mihx_in_release(struct mihx_in *in);
/* The transport @in belongs to */
struct mihx *mihx_in_transport(const struct mihx_in *in);

/* ---- Statistics ---- */
struct mihx_stats {
	uint64_t tx;		/* PDUs sent (every transmission) */
	uint64_t rx;		/* PDUs received and parsed */
	uint64_t rtx;		/* retransmissions */
	uint64_t acks_tx;	/* ACKs sent (pure or piggy-backed) */
	uint64_t acks_rx;	/* ACKs received (pure or piggy-backed) */
	uint64_t dup_cached;	/* duplicates answered from the cache */
	uint64_t dup_dropped;	/* other duplicates (ACKed or dropped) */
	uint64_t timeouts;	/* transactions failed with -ETIMEDOUT */
	uint64_t malformed;	/* refused by mih_pdu_parse, Confirm, M/FN */
	uint64_t unmatched;	/* responses/ACKs matching nothing */
	uint64_t not_for_us;	/* Destination MIHF ID not ours */
	uint64_t send_errors;	/* sendto/TCP write failures */
	uint64_t tcp_tx;	/* PDUs sent over TCP */
	uint64_t tcp_rx;	/* PDUs received over TCP */
	uint64_t tcp_conns;	/* TCP connections opened or accepted */
	uint64_t txn_active;	/* transactions pending now */
	uint64_t dup_entries;	/* duplicate-cache entries now */
};
void mihx_get_stats(const struct mihx *x, struct mihx_stats *st);

/* ---- NAT keepalive ---- */
/*
 * Keep NAT state toward @to (peer MIHF ID @id) alive: see the top of this
 * file.  Adding an existing peer (same address) updates its ID.  -EINVAL
 * if keepalives are off (cfg.keepalive_ms 0) or the ID is too long.
 */
int mihx_keepalive_add(struct mihx *x, const struct sockaddr *to,
		       socklen_t to_len, const uint8_t *id, size_t id_len);
int mihx_keepalive_del(struct mihx *x, const struct sockaddr *to,
		       socklen_t to_len);
/*
 * CLOCK_MONOTONIC ns (md_now_ns()) of the last PDU seen from the peer
 * added with @to, 0 if never; -ENOENT if @to is not a keepalive peer.
 */
int mihx_keepalive_last_seen(const struct mihx *x, const struct sockaddr *to,
			     socklen_t to_len, uint64_t *last_ns);

/* Every keepalive peer (e.g. for mihsecctl); @cb must not add or delete */
typedef void (*mihx_ka_cb)(void *arg, const struct sockaddr *to,
			   socklen_t to_len, const uint8_t *id, size_t id_len,
			   uint64_t last_ns);
void mihx_keepalive_foreach(const struct mihx *x, mihx_ka_cb cb, void *arg);

#endif /* MIHSEC_MIHF_TRANSPORT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MIH function (IEEE 802.21) inside mihsecd: service dispatch on top of
 * the reliable UDP transport (mihf/transport.h), the peer table
 * (mihf/peers.h), the IS database (mihf/isdb.h, IS role only) and link
 * events (mihf/linkev.h).  Single-threaded, on the md_loop.
 *
 * Roles (bitmask, the same values as mihsecd's MD_ROLE_*):
 *   MIHF_ROLE_MMT  mobile terminal: registers with its serving PoS,
 *                  originates the handover call flow (handover.h)
 *   MIHF_ROLE_POS  point of service (access router): registration table,
 *                  handover resources per MMT, N2N handover messages
 *   MIHF_ROLE_IS   information server: MIH_Get_Information from the isdb
 * Every role serves MIH_Capability_Discover and MIH_Event_Subscribe /
 * Unsubscribe (link events from linkev delivered as indications).
 *
 * Served and originated (WIRE.md sections 3, 9):
 *   MIH_Capability_Discover req/rsp; at mihf_start() sent unicast to the
 *     configured peers and as a transport multicast request; responses
 *     are recorded in the peer table.
 *   MIH_Register / MIH_DeRegister (MMT -> serving PoS; the PoS grants a
 *     valid time interval (TLV 12), the MMT re-registers before expiry).
 *   MIH_Event_Subscribe / Unsubscribe; Link_Detected, Link_Up, Link_Down,
 *     Link_Going_Down indications (ACK-Req) to subscribers.
 *   MIH_Get_Information (IS role; TLV 43 binary query, TLV 47 max response
 *     size, answer TLV 48).
 *   The handover commands (handover.h).
 * Malformed or unexpected messages: a Status failure response where a
 * response is due, else dropped, counted and logged.
 *
 * Conventions: functions return 0 or -errno unless documented otherwise.
 */
#ifndef MIHSECD_MIHF_MIHF_H
#define MIHSECD_MIHF_MIHF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "lib/mih.h"
#include "mihf/linkev.h"
#include "mihsecd/loop.h"

#define MIHF_ROLE_MMT	0x1
#define MIHF_ROLE_POS	0x2
#define MIHF_ROLE_IS	0x4

struct mihf;
struct mihx;		/* mihf/transport.h */
struct mihf_peers;	/* mihf/peers.h */
struct isdb;		/* mihf/isdb.h */

/* An MIHF ID: octets, not NUL-terminated (len 0: none) */
struct mihf_id {
	uint8_t v[MIH_MIHF_ID_MAX];
	size_t len;
};

/* Set @id from a C string; -ENAMETOOLONG above MIH_MIHF_ID_MAX */
int mihf_id_set(struct mihf_id *id, const char *s);
bool mihf_id_eq(const struct mihf_id *a, const void *v, size_t len);

/* Defaults */
#define MIHF_REG_LIFETIME_S	300	/* PoS: valid time interval granted */
#define MIHF_HO_CAPACITY	64	/* PoS: MMTs with resources held */
#define MIHF_HO_RESOURCE_S	30	/* PoS: a reservation never completed */
#define MIHF_TABLE_MAX		256	/* registrations, subscriptions */
#define MIHF_IS_MAX_RSP		1400	/* IS query: max response size asked */
/*
 * An address added to a link that is up becomes a Link_Up indication with
 * the IP renewal flag (mihf_link_event()) once the link has settled: no
 * address change on it for MIHF_ADDR_SETTLE_MS since it came up (the
 * addresses of the bring-up itself are not reported); at most one per
 * MIHF_RENEWAL_MIN_MS per link (a later change is sent when that passed).
 */
#define MIHF_ADDR_SETTLE_MS	5000
#define MIHF_RENEWAL_MIN_MS	1000

struct mihf_cfg {
	struct mihf_id id;		/* our MIHF ID (required) */
	unsigned int roles;		/* MIHF_ROLE_* */
	struct mihf_id serving_pos;	/* MMT: the PoS to register with */
	struct mihf_id is_server;	/* default IS server (queries, HO) */
	uint32_t reg_lifetime_s;	/* PoS: granted; 0: default */
	bool discover;			/* Capability_Discover at start */
	bool discover_multicast;	/* ... also as a multicast request */
	bool subscribe_serving;		/* MMT: keep a subscription to the
					 * serving PoS's 802.11 link events
					 * while registered (also after a
					 * handover) */
	unsigned int ho_capacity;	/* PoS: 0: default; admission control
					 * answers "no resources" when full */
	uint32_t ho_resource_s;		/* PoS: 0: default */
	uint16_t is_max_rsp;		/* 0: default */
	/* our links, for the link address list (filled from linkev too) */
	const struct linkev_link *links;
	size_t nlinks;
	/* added after the first version (zero = default) */
	uint16_t discover_port;		/* multicast discovery: peers' UDP
					 * port; 0: MIH_PORT */
	bool refuse_uir;		/* IS: answer UIR Get_Information
					 * with Authorization Failure */
	size_t max_rsp;			/* largest response PDU we send (IS):
					 * 0: MIHX_DGRAM_DEFAULT; keep it at
					 * the transport's max_dgram */
	unsigned int txn_timeout_ms;	/* per request; 0: the transport's */
	bool refuse_net_ho;		/* MMT: decline network-initiated
					 * handovers (handover.h) */
	uint32_t addr_settle_ms;	/* 0: MIHF_ADDR_SETTLE_MS */
};

/*
 * Create the MIH function.  @x is the transport: it must have been created
 * with mihf_mihx_ops and an arg that reaches this mihf, which is why @x
 * may be NULL here and given with mihf_set_transport() once created:
 *
 *	m = mihf_new(loop, &cfg, NULL, peers, isdb);
 *	mihx_new(loop, &xcfg, &mihf_mihx_ops, m, &x);
 *	mihf_set_transport(m, x);
 *
 * (mihf_open() does exactly that and owns the transport.)  @peers is the
 * peer table (may be NULL: then only addresses learned from traffic are
 * known), @isdb the IS database: the IS role serves MIH_Get_Information
 * from it; a PoS given one uses it to find target PoSes of PoAs.
 * Returns NULL with errno set (EINVAL, ENOMEM).
 */
struct mihf *mihf_new(struct md_loop *loop, const struct mihf_cfg *cfg,
		      struct mihx *x, struct mihf_peers *peers,
		      struct isdb *isdb);
/*
 * Free the mihf (and the transport if mihf_open() made it; its pending
 * transactions are cancelled first, no user callback runs).  A transport
 * given to mihf_new()/mihf_set_transport() must be freed BEFORE the mihf
 * (its cancellations still reach the mihf).  The peer table, IS database
 * and linkev are the caller's: stop linkev before freeing the mihf.
 */
void mihf_free(struct mihf *m);

struct mihx_ops;
struct mihx_cfg;
/* The transport callbacks of a mihf (arg: the struct mihf *) */
extern const struct mihx_ops mihf_mihx_ops;
void mihf_set_transport(struct mihf *m, struct mihx *x);
struct mihx *mihf_transport(const struct mihf *m);
/*
 * mihf_new() + mihx_new() (with @xcfg; its ID is set to cfg->id) +
 * mihf_set_transport(); mihf_free() then frees the transport too.
 * 0 or -errno (*out NULL).
 */
int mihf_open(struct md_loop *loop, const struct mihf_cfg *cfg,
	      const struct mihx_cfg *xcfg, struct mihf_peers *peers,
	      struct isdb *isdb, struct mihf **out);

/* Start: discovery, registration with the serving PoS, subscriptions */
int mihf_start(struct mihf *m);

/*
 * Link events: feed linkev's events here (linkev_cb compatible).  Detected,
 * Up, Down and Going_Down go to the subscribers of that event on that link
 * as indications; an address added to a link that is up (and has settled,
 * see MIHF_ADDR_SETTLE_MS) as a Link_Up indication with IP_RENEWAL_FLAG
 * (TLV 17) true; other address events are local only.
 */
void mihf_link_event(void *mihf, const struct linkev_event *ev);
/* Use @le for our link list (link address list, status) */
void mihf_set_linkev(struct mihf *m, struct linkev *le);

/* ---- hooks ---------------------------------------------------------- */

enum mihf_dir { MIHF_RX = 0, MIHF_TX = 1 };

/* One message sent or received (the transcript of the demo) */
struct mihf_trace {
	enum mihf_dir dir;
	const uint8_t *peer_id;		/* the other MIHF's ID */
	size_t peer_id_len;
	uint16_t mid;
	const char *name;		/* "MIH_Register.request" */
	uint16_t tid;			/* 0 on requests and indications we
					 * send: the transport assigns their
					 * TID afterwards (their responses
					 * and ACKs carry it) */
	size_t size;			/* PDU octets */
	bool ack_req, ack_rsp, uir;
	int64_t latency_ns;		/* RX responses: since the request;
					 * else -1 */
	const uint8_t *pdu;		/* the PDU itself, @size octets */
};
typedef void (*mihf_trace_fn)(void *arg, const struct mihf_trace *t);
void mihf_set_trace(struct mihf *m, mihf_trace_fn fn, void *arg);

/*
 * Link events, local ones (from linkev, @from NULL) and those received as
 * indications from peers (@from = the sender's ID).
 */
typedef void (*mihf_event_fn)(void *arg, const uint8_t *from, size_t from_len,
			      const struct linkev_event *ev);
void mihf_set_event_cb(struct mihf *m, mihf_event_fn fn, void *arg);

/* ---- operations (control socket, tests) ------------------------------ */

/*
 * Completion of a request: @status 0 and the response PDU (@rsp, @len,
 * valid only during the call) or -ETIMEDOUT (transport gave up), -EPROTO
 * (malformed response), -ECONNREFUSED (Status not Success: @mih_status),
 * other -errno.
 */
typedef void (*mihf_rsp_fn)(void *arg, int status, int mih_status,
			    const uint8_t *rsp, size_t len);

/*
 * Capability discovery: to @peer, or (@peer NULL) multicast: one
 * transport multicast request to the IPv4 limited broadcast address and
 * one to ff02::1 on each of our links with a known ifindex, on port
 * cfg.discover_port (default 4551).  @done gets every response, then a
 * last call with @rsp NULL per request sent.
 */
int mihf_discover(struct mihf *m, const struct mihf_id *peer,
		  mihf_rsp_fn done, void *arg);
/* MMT: register with @pos (NULL: the serving PoS); re-registration is
 * kept up until mihf_deregister() */
int mihf_register(struct mihf *m, const struct mihf_id *pos,
		  mihf_rsp_fn done, void *arg);
int mihf_deregister(struct mihf *m, const struct mihf_id *pos,
		    mihf_rsp_fn done, void *arg);
/*
 * Subscribe to @peer's link events (MIH_EVT_LIST bits, bit k = 1 << k:
 * 0 Detected, 1 Up, 2 Down, 4 Going_Down) on the link @link_type/@mac of
 * the peer (@mac NULL: any link of that type: an all-zero MAC on the wire)
 */
#define MIHF_EVT_DETECTED	(1u << 0)
#define MIHF_EVT_UP		(1u << 1)
#define MIHF_EVT_DOWN		(1u << 2)
#define MIHF_EVT_GOING_DOWN	(1u << 4)
#define MIHF_EVT_SUPPORTED	(MIHF_EVT_DETECTED | MIHF_EVT_UP | \
				 MIHF_EVT_DOWN | MIHF_EVT_GOING_DOWN)
int mihf_subscribe(struct mihf *m, const struct mihf_id *peer,
		   uint8_t link_type, const uint8_t *mac, uint32_t events,
		   mihf_rsp_fn done, void *arg);
int mihf_unsubscribe(struct mihf *m, const struct mihf_id *peer,
		     uint8_t link_type, const uint8_t *mac, uint32_t events,
		     mihf_rsp_fn done, void *arg);

/*
 * IS query: MIH_Get_Information to @is (NULL: the configured IS server).
 * The query asks for networks (@net_types: NET_TYPE_INC bits, 0: any;
 * @network_id: NULL any) reporting the IEs of @ie_types (0 types: every
 * IE).  The result is given as JSON (json-c; owned by the mihf, valid
 * during the call) and as the raw TLV 48 value.
 */
struct mihf_is_query {
	const struct mihf_id *is;
	uint32_t net_types;
	const char *network_id;
	const uint32_t *ie_types;
	size_t n_ie_types;
	uint16_t max_ies;		/* RPT_LIMIT; 0 none */
	uint16_t max_rsp;		/* TLV 47; 0: cfg default */
	bool uir;			/* unauthenticated request */
};
typedef void (*mihf_is_fn)(void *arg, int status, int mih_status,
			   json_object *result, const uint8_t *ir, size_t len);
int mihf_is_query(struct mihf *m, const struct mihf_is_query *q,
		  mihf_is_fn done, void *arg);

/*
 * Send a crafted PDU (header + TLVs, as mihsecctl built it) to @peer: the
 * Source/Destination IDs are rewritten to ours and @peer's, the TID to a
 * fresh one.  A request's response comes to @done; an indication
 * completes when acknowledged (@rsp NULL).
 */
int mihf_send_raw(struct mihf *m, const struct mihf_id *peer,
		  const uint8_t *pdu, size_t len, mihf_rsp_fn done, void *arg);

/*
 * State as JSON (caller puts it): {"id", "roles", "registrations": [...],
 * "registered_with": ..., "subscriptions": [...], "subscribed": [...],
 * "resources": [...], "links": [...], "counters": {...},
 * "transport": {...}}
 */
json_object *mihf_status_json(struct mihf *m);

struct mihf_counters {
	uint64_t rx, tx;		/* PDUs */
	uint64_t rx_malformed;		/* dropped: parse failed */
	uint64_t rx_unexpected;		/* dropped: not for us / no such
					 * transaction / wrong role */
	uint64_t rsp_failure;		/* Status failure responses sent */
	uint64_t ind_tx;		/* link event indications sent */
	uint64_t ind_rx;
	uint64_t is_queries;		/* Get_Information served */
};
void mihf_counters(const struct mihf *m, struct mihf_counters *c);

const struct mihf_id *mihf_self(const struct mihf *m);
unsigned int mihf_roles(const struct mihf *m);
struct md_loop *mihf_loop(const struct mihf *m);

/* ---- internal: shared by mihf.c and handover.c only ----------------- */

struct mih_msg;
struct mihx_in;

/* A request's outcome: @status 0 and the parsed response, or -errno */
typedef void (*mihf_msg_fn)(void *arg, int status, const struct mih_msg *rsp,
			    uint64_t rtt_ns);
/*
 * Send the request @pdu (built with our ID as source and @peer's as
 * destination) to @peer (address from @to if not NULL, else the peer
 * table / addresses learned).  -EHOSTUNREACH: no address known.
 */
int mihf_req_pdu(struct mihf *m, const struct mihf_id *peer,
		 const struct sockaddr *to, socklen_t to_len,
		 const uint8_t *pdu, size_t len, unsigned int flags,
		 unsigned int timeout_ms, mihf_msg_fn done, void *arg);
/* Being freed: callbacks with -ECANCELED must only clean up */
bool mihf_freeing(const struct mihf *m);
/*
 * MMT: our serving PoS is now @pos (after a handover).  A different PoS
 * than before: the old one is left, best effort: Event_Unsubscribe for our
 * subscriptions there (forgotten here at once) and MIH_DeRegister; the
 * registration is kept up with @pos from now on.
 */
void mihf_set_serving(struct mihf *m, const struct mihf_id *pos);
/* PoS: forget @mmt's registration and its event subscriptions (it moved
 * to another PoS; DeRegister and expiry drop both too) */
void mihf_drop_registration(struct mihf *m, const void *mmt, size_t len);
/* PoS: an MMT registered (@up) or its registration ended */
void mihf_ho_registered(struct mihf *m, const void *mmt, size_t len, bool up);
/* Answer a received request (traced) */
int mihf_respond_pdu(struct mihf *m, struct mihx_in *in, const uint8_t *pdu,
		     size_t len);
/* Answer a received request with only a Status TLV */
int mihf_respond_status(struct mihf *m, struct mihx_in *in, uint8_t status);
/* The address of @peer: 0 or -EHOSTUNREACH */
int mihf_peer_addr(struct mihf *m, const struct mihf_id *peer,
		   struct sockaddr_storage *ss, socklen_t *len);
/* Remember @peer at @sa (from traffic or the IS database) */
void mihf_learn_addr(struct mihf *m, const void *id, size_t id_len,
		     const struct sockaddr *sa, socklen_t sa_len);
const struct mihf_cfg *mihf_get_cfg(const struct mihf *m);
struct isdb *mihf_isdb(const struct mihf *m);
struct mihf_peers *mihf_peer_table(const struct mihf *m);
/* Our links now (cfg links + linkev's); returns the count (<= max) */
size_t mihf_our_links(const struct mihf *m, struct linkev_link *out,
		      size_t max);
/* IS query as a parsed response (for handover.c) */
int mihf_is_query_msg(struct mihf *m, const struct mihf_is_query *q,
		      mihf_msg_fn done, void *arg);
/* handover.c's state slot and hooks, called by mihf.c */
struct mihf_ho_ctx;
struct mihf_ho_ctx **mihf_ho_slot(struct mihf *m);
/* A command-service request/indication: handled (true) or not */
bool mihf_ho_rx(struct mihf *m, struct mihx_in *in, const struct mih_msg *msg);
void mihf_ho_tick(struct mihf *m, uint64_t now);
void mihf_ho_free(struct mihf *m);
json_object *mihf_ho_status_json(struct mihf *m);

#endif /* MIHSECD_MIHF_MIHF_H */

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

struct mihf_cfg {
	struct mihf_id id;		/* our MIHF ID (required) */
	unsigned int roles;		/* MIHF_ROLE_* */
	struct mihf_id serving_pos;	/* MMT: the PoS to register with */
	struct mihf_id is_server;	/* default IS server (queries, HO) */
	uint32_t reg_lifetime_s;	/* PoS: granted; 0: default */
	bool discover;			/* Capability_Discover at start */
	bool discover_multicast;	/* ... also as a multicast request */
	bool subscribe_serving;		/* MMT: subscribe to the serving
					 * PoS's link events at start */
	unsigned int ho_capacity;	/* PoS: 0: default; admission control
					 * answers "no resources" when full */
	uint32_t ho_resource_s;		/* PoS: 0: default */
	uint16_t is_max_rsp;		/* 0: default */
	/* our links, for the link address list (filled from linkev too) */
	const struct linkev_link *links;
	size_t nlinks;
};

/*
 * Create the MIH function.  @x is the transport (its receive callback is
 * taken over by the mihf), @peers the peer table (may be NULL: only
 * peers the transport knows), @isdb the IS database (NULL unless
 * MIHF_ROLE_IS).  Returns NULL with errno set (EINVAL, ENOMEM).
 */
struct mihf *mihf_new(struct md_loop *loop, const struct mihf_cfg *cfg,
		      struct mihx *x, struct mihf_peers *peers,
		      struct isdb *isdb);
void mihf_free(struct mihf *m);

/* Start: discovery, registration with the serving PoS, subscriptions */
int mihf_start(struct mihf *m);

/* Link events: feed linkev's events here (linkev_cb compatible) */
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
	uint16_t tid;
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

/* Capability discovery: to @peer, or (@peer NULL) multicast */
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

#endif /* MIHSECD_MIHF_MIHF_H */

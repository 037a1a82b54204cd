/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MIH peer table: every MIH function this MIHF knows of, from static
 * configuration, MIH_Capability_Discover responses, DNS (RFC 5679), DHCP
 * (RFC 5678) and traffic seen.
 *
 * A peer is identified by its MIHF ID (WIRE.md section 5, at most 253
 * octets) when known.  DNS and DHCP give addresses only, so a peer may be
 * known by address alone (id_len 0) until a Capability_Discover response
 * from one of its addresses names it: mihf_peers_learn_caps() then gives
 * the ID to that entry (merging it into an existing entry of the same ID).
 *
 * Each address carries the sources that reported it and an expiry time
 * (monotonic ns; 0 = never).  Static and Capability_Discover addresses do
 * not expire; DNS addresses expire with the record TTL, DHCP ones with the
 * lease.  mihf_peers_expire() removes expired addresses, then every
 * non-static peer left without an address.
 *
 * Single-threaded (md_loop callbacks).  Conventions: functions returning
 * int return 0 (or a documented count) on success and a negative errno on
 * failure.  Pointers to peers stay valid until the peer is removed
 * (mihf_peers_expire(), mihf_peers_remove(), a merge in
 * mihf_peers_learn_caps(), mihf_peers_free()).
 */
#ifndef MIHSEC_MIHF_PEERS_H
#define MIHSEC_MIHF_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct json_object;
struct mih_pdu;

#define MIHF_PEER_ID_MAX	253	/* = MIH_MIHF_ID_MAX */
#define MIHF_PEER_ADDRS_MAX	8	/* addresses kept per peer */
#define MIHF_PEERS_DEFAULT_MAX	1024	/* peers per table by default */
#define MIHF_PEER_LINK_ADDRS_MAX 1024	/* octets of raw LINK_ADDR_LIST */

enum mihf_peer_kind {
	MIHF_PEER_UNKNOWN	= 0,
	MIHF_PEER_POA,		/* a PoS / access router */
	MIHF_PEER_IS,		/* an information server */
	MIHF_PEER_MMT,		/* a mobile terminal */
};

/* Where an entry (or one of its addresses) comes from: a bit mask */
enum mihf_peer_source {
	MIHF_PEER_SRC_STATIC	= 1u << 0,	/* configuration */
	MIHF_PEER_SRC_CAPDISC	= 1u << 1,	/* Capability_Discover rsp */
	MIHF_PEER_SRC_DNS	= 1u << 2,	/* RFC 5679 NAPTR/SRV */
	MIHF_PEER_SRC_DHCP	= 1u << 3,	/* RFC 5678 lease options */
	MIHF_PEER_SRC_SEEN	= 1u << 4,	/* traffic received */
};

/* MoS services a peer offers (RFC 5677/5679): a bit mask */
enum mihf_peer_service {
	MIHF_SVC_IS		= 1u << 0,	/* information service */
	MIHF_SVC_ES		= 1u << 1,	/* event service */
	MIHF_SVC_CS		= 1u << 2,	/* command service */
};

/* Transport of an address (MIH_TRANS_LST numbering + 1, 0 = any) */
enum mihf_peer_transport {
	MIHF_TRANSPORT_ANY	= 0,
	MIHF_TRANSPORT_UDP	= 1,
	MIHF_TRANSPORT_TCP	= 2,
};

struct mihf_peer_addr {
	struct sockaddr_storage sa;	/* AF_INET/AF_INET6, port set */
	socklen_t sa_len;
	uint8_t transport;		/* enum mihf_peer_transport */
	uint32_t sources;		/* enum mihf_peer_source bits */
	uint32_t services;		/* enum mihf_peer_service bits */
	uint64_t expires_ns;		/* monotonic; 0 = never */
};

/*
 * Capabilities from an MIH_Capability_Discover response, kept raw: the
 * BITMAPs as the integers of WIRE.md section 6 (bit k = 1 << k), the
 * link address list as the TLV value octets.  has_* tell which were
 * present.
 */
struct mihf_peer_caps {
	bool has_evt, has_cmd, has_iq, has_trans, has_link_addrs;
	uint32_t evt_list;		/* MIH_EVT_LIST, TLV 5 */
	uint32_t cmd_list;		/* MIH_CMD_LIST, TLV 6 */
	uint64_t iq_type_list;		/* MIH_IQ_TYPE_LST, TLV 7 */
	uint16_t trans_list;		/* MIH_TRANS_LST, TLV 8 */
	uint8_t link_addrs[MIHF_PEER_LINK_ADDRS_MAX]; /* TLV 9 value */
	size_t link_addrs_len;
	uint64_t learned_ns;		/* when (monotonic); 0 = never */
};

/* NAT keepalive / liveness bookkeeping, maintained by the transport */
struct mihf_peer_keepalive {
	bool enabled;
	uint64_t last_tx_ns;		/* last keepalive sent */
	uint64_t last_rx_ns;		/* last anything received */
	unsigned int missed;		/* keepalives unanswered in a row */
};

struct mihf_peer {
	uint8_t id[MIHF_PEER_ID_MAX];
	size_t id_len;			/* 0: not known yet */
	enum mihf_peer_kind kind;
	uint32_t sources;		/* union of the addresses' + STATIC */
	uint32_t services;		/* union of the addresses' */
	struct mihf_peer_addr addrs[MIHF_PEER_ADDRS_MAX];
	size_t n_addrs;
	struct mihf_peer_caps caps;
	uint64_t first_seen_ns;		/* entry created */
	uint64_t last_seen_ns;		/* last update or traffic */
	struct mihf_peer_keepalive ka;
};

struct mihf_peers;

/* A table holding at most @max peers (0: MIHF_PEERS_DEFAULT_MAX) */
struct mihf_peers *mihf_peers_new(size_t max);
void mihf_peers_free(struct mihf_peers *peers);
size_t mihf_peers_count(const struct mihf_peers *peers);

/*
 * Add or update.  @id may be NULL/0 (an address-only peer).  The entry is
 * found by ID if one is given, else by address; otherwise created
 * (-ENOSPC when the table is full, -E2BIG for an ID above 253 octets).
 * The address @sa (AF_INET or AF_INET6 with its port; may be NULL when
 * an ID is given) is added or updated with @source (one bit), @services,
 * @transport and expiry @ttl_ns from @now (ttl 0 = no expiry; an address
 * keeps the later expiry of its sources, "never" wins; an address
 * reported with two different transports becomes MIHF_TRANSPORT_ANY).  @kind
 * MIHF_PEER_UNKNOWN leaves a known kind unchanged.  An address already
 * held by another entry with a different known ID is moved to this one.
 * Returns the peer in *@out if @out is not NULL.  Adding beyond
 * MIHF_PEER_ADDRS_MAX addresses drops the one expiring soonest
 * (never a non-expiring one: -ENOSPC then).
 */
int mihf_peers_add(struct mihf_peers *peers, const void *id, size_t id_len,
		   enum mihf_peer_kind kind, const struct sockaddr *sa,
		   socklen_t sa_len, uint8_t transport, uint32_t source,
		   uint32_t services, uint64_t ttl_ns, uint64_t now,
		   struct mihf_peer **out);

/* Lookups: NULL if absent.  Address match compares family, address, port */
struct mihf_peer *mihf_peers_find_id(const struct mihf_peers *peers,
				     const void *id, size_t id_len);
struct mihf_peer *mihf_peers_find_addr(const struct mihf_peers *peers,
				       const struct sockaddr *sa,
				       socklen_t sa_len);

/*
 * First address of a peer offering @services (0: any) with @transport
 * (MIHF_TRANSPORT_ANY: any) and, if @family is not AF_UNSPEC, that family.
 * Static addresses first, then the others in table order.  NULL if none.
 */
const struct mihf_peer_addr *mihf_peer_pick_addr(const struct mihf_peer *p,
						 uint32_t services,
						 uint8_t transport,
						 int family);

/*
 * Traffic from @sa (an MIH PDU whose Source MIHF ID is @id) was received
 * at @now: updates last_seen and ka.last_rx of the peer of that ID (or,
 * with no ID, that address).  With @learn, an unknown sender is added
 * with source SEEN and expiry @ttl_ns.  Returns 0, or -ENOENT when the
 * sender is unknown and not learned.
 */
int mihf_peers_seen(struct mihf_peers *peers, const void *id, size_t id_len,
		    const struct sockaddr *sa, socklen_t sa_len, bool learn,
		    uint64_t ttl_ns, uint64_t now);

/*
 * Record the capabilities of a Capability_Discover response from @sa whose
 * Source MIHF ID is @id (required, 1..253 octets).  The peer is found by
 * ID, else by address (which then gets the ID; an ID-less entry holding
 * @sa is merged into the entry of that ID), else created; @sa is added
 * with source CAPDISC (no expiry).  @caps->learned_ns is set to @now.
 */
int mihf_peers_learn_caps(struct mihf_peers *peers, const void *id,
			  size_t id_len, const struct sockaddr *sa,
			  socklen_t sa_len, const struct mihf_peer_caps *caps,
			  uint64_t now, struct mihf_peer **out);

/*
 * Fill @caps from the body (TLVs after the two MIHF IDs) of a
 * Capability_Discover request or response: TLVs 5, 6, 7, 8 (BITMAPs of
 * exactly 4, 4, 8, 2 octets) and 9 (raw, at most
 * MIHF_PEER_LINK_ADDRS_MAX octets).  Other TLVs are ignored.  -EBADMSG for
 * a malformed TLV walk or a BITMAP of the wrong size, -E2BIG for a link
 * address list too long.  Codec-agnostic: uses lib/mih.h only.
 */
int mihf_peer_caps_from_tlvs(const uint8_t *body, size_t len,
			     struct mihf_peer_caps *caps);

/* Remove one peer (the pointer is invalid afterwards) */
void mihf_peers_remove(struct mihf_peers *peers, struct mihf_peer *p);

/*
 * Drop addresses whose expiry is <= @now, then peers left with no address
 * that are not static.  Returns the number of peers removed.
 */
int mihf_peers_expire(struct mihf_peers *peers, uint64_t now);

/*
 * Remove @source from every address (e.g. a new DHCP lease replaces the
 * old one; configuration reload drops STATIC); addresses left with no
 * source are dropped, then peers as in mihf_peers_expire().  Returns the
 * number of peers removed.
 */
int mihf_peers_forget_source(struct mihf_peers *peers, uint32_t source);

/*
 * Call @cb for each peer in table order; a non-zero return stops the walk
 * and is returned.  @cb must not add or remove peers.
 */
typedef int (*mihf_peers_cb)(struct mihf_peer *p, void *arg);
int mihf_peers_foreach(const struct mihf_peers *peers, mihf_peers_cb cb,
		       void *arg);

/*
 * The table as JSON, for `mihsecctl peers`: an array with one object per
 * peer:
 *   { "id": "<MIHF ID, printable ASCII with \xHH escapes>" | null,
 *     "kind": "poa"|"is"|"mmt"|"unknown",
 *     "sources": ["static","capdisc","dns","dhcp","seen"],
 *     "services": ["is","es","cs"],
 *     "addresses": [ { "address": "192.0.2.1", "port": 4551,
 *                      "transport": "udp"|"tcp"|"any",
 *                      "sources": [...], "services": [...],
 *                      "expires_in_ms": N | null } ],
 *     "capabilities": null | { "events": "0x%08x", "commands": "0x%08x",
 *                      "iq_types": "0x%016x", "transports": "0x%04x",
 *                      "link_addrs": "<hex>" (each key only if present),
 *                      "age_ms": N },
 *     "first_seen_ms_ago": N, "last_seen_ms_ago": N,
 *     "keepalive": { "enabled": b, "missed": N,
 *                    "last_rx_ms_ago": N | null } }
 * Times are relative to now (CLOCK_MONOTONIC).  *@out is a new reference
 * the caller puts.  Returns 0 or -ENOMEM.
 */
int mihf_peers_to_json(const struct mihf_peers *peers,
		       struct json_object **out);
/* One peer, same object as an element above; @now monotonic ns */
int mihf_peer_to_json(const struct mihf_peer *p, uint64_t now,
		      struct json_object **out);

/* Names used in the JSON and in logs */
const char *mihf_peer_kind_name(enum mihf_peer_kind kind);
/* "poa", "is", "mmt", "unknown" -> kind; -1 if unknown name */
int mihf_peer_kind_parse(const char *name);
const char *mihf_peer_source_name(uint32_t source_bit);

/* "192.0.2.1" / "2001:db8::1" into @buf (>= INET6_ADDRSTRLEN); port aside */
const char *mihf_sockaddr_ntop(const struct sockaddr *sa, char *buf,
			       size_t size);

#endif /* MIHSEC_MIHF_PEERS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MIH peer discovery: DNS (RFC 5679) and DHCP (RFC 5678).  Results go into
 * the peer table (mihf/peers.h).  MIH_Capability_Discover itself is run by
 * the MIH engine, which records responses with mihf_peers_learn_caps().
 *
 * DNS (RFC 5679, S-NAPTR of RFC 3958):
 *   NAPTR <domain>: records whose service field is
 *     "IEEE802.21-IS" / "IEEE802.21-ES" / "IEEE802.21-CS" followed by
 *     "+D2U" (UDP) or "+D2T" (TCP) (case-insensitive, several protocols
 *     allowed: "IEEE802.21-IS+D2U+D2T"), in order/preference order;
 *     flag "S": the replacement is an SRV name (conventionally
 *     _mihis._udp.<domain>); flag "A": the replacement is a host name
 *     to look up directly, port 4551; the empty flag (non-terminal,
 *     RFC 3958): the replacement's NAPTRs are followed in turn, at most 3
 *     hops deep; other flags are skipped.
 *   When the NAPTR lookup yields nothing usable for a requested
 *   service/protocol, SRV _mihis|_mihes|_mihcs ._udp|._tcp .<domain> is
 *   queried directly (RFC 5679 section 4 allows this).
 *   SRV: targets by priority then weight (no random weighting: a
 *   deterministic order; every target is kept), "." = service absent;
 *   then A and AAAA of each target (the additional section is not
 *   trusted).  TTL = the smallest TTL along the chain.
 * The resolver is libresolv (res_ninit, res_nquery, ns_initparse,
 * ns_parserr, dn_expand).  The calls BLOCK: at most tries * timeout per
 * query, defaults 2 x 1 s; run discovery from a timer at start-up and on
 * TTL expiry, never per message -- or, in mihsecd, use
 * mihf_dns_discover_async(): the same walk in a worker thread, the result
 * delivered on the md_loop, so the loop never waits for a nameserver.
 * A nameserver may be given explicitly
 * (tests, operators), else /etc/resolv.conf applies.
 *
 * DHCP (RFC 5678): DHCPv4 option 139 (MoS IPv4 address) and 140 (MoS
 * domain name list), DHCPv6 option 54 (MoS IPv6 address) and 55 (MoS
 * domain name list).  Each holds sub-options 1 IS, 2 CS, 3 ES:
 *   v4: code (1 octet), length (1 octet), value
 *   v6: code (2 octets), length (2 octets), value
 * Address values: one or more addresses (length a non-zero multiple of 4
 * or 16); domain values: one or more domain names in DNS wire format,
 * uncompressed (each label <= 63 octets, name <= 255 octets, ending in the
 * root label).  Parsers are strict: any defect rejects the whole option.
 *
 * dhclient (isc-dhcp-client) records the options in its lease file when
 * dhclient.conf declares and requests them, with these names:
 *
 *   option mihsec-mos-ipv4 code 139 = string;
 *   option mihsec-mos-fqdn code 140 = string;
 *   also request mihsec-mos-ipv4, mihsec-mos-fqdn;
 *   # DHCPv6 (dhclient -6):
 *   option dhcp6.mihsec-mos-ipv6 code 54 = string;
 *   option dhcp6.mihsec-mos-fqdn code 55 = string;
 *   also request dhcp6.mihsec-mos-ipv6, dhcp6.mihsec-mos-fqdn;
 *
 * The lease then holds e.g. "option mihsec-mos-ipv4 1:4:a:0:0:5;"
 * (dhclient prints string options as colon-separated hex, or as a quoted
 * string with \ooo escapes when printable; both are read).  The same
 * values reach a dhclient-script hook as new_mihsec_mos_ipv4 etc.
 *
 * Conventions: 0 or a documented count on success, negative errno on
 * failure; -EBADMSG for malformed network input.
 */
#ifndef MIHSEC_MIHF_DISCOVERY_H
#define MIHSEC_MIHF_DISCOVERY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mihf/peers.h"

/* ---- DNS, RFC 5679 ---- */

#define MIHF_DNS_NAME_MAX	1025	/* NS_MAXDNAME: presentation form */
#define MIHF_DNS_RESULTS_MAX	64
#define MIHF_DNS_TIMEOUT_MS	1000
#define MIHF_DNS_TRIES		2
#define MIHF_DNS_TTL_MIN_S	60	/* shorter TTLs are raised to this */

/*
 * A DNS query hook: send a query for @name of class IN, type @type
 * (ns_t_naptr, ns_t_srv, ns_t_a, ns_t_aaaa) and put the answer message in
 * @ans; return its length, or -1 with h_errno-like meaning "no answer"
 * (NXDOMAIN / no data / failure alike).  The default uses res_nquery.
 * Unit tests inject canned answers through it.
 */
typedef int (*mihf_dns_query_fn)(void *arg, const char *name, int type,
				 uint8_t *ans, int anslen);

struct mihf_dns_cfg {
	char domain[MIHF_DNS_NAME_MAX];	/* to discover in */
	uint32_t services;		/* MIHF_SVC_* wanted; 0 = all */
	bool udp, tcp;			/* transports wanted; neither = udp */
	/* explicit nameserver (sa_family 0: /etc/resolv.conf); port 0 = 53 */
	struct sockaddr_storage ns;
	socklen_t ns_len;
	unsigned int timeout_ms;	/* per try; 0 = MIHF_DNS_TIMEOUT_MS */
	unsigned int tries;		/* 0 = MIHF_DNS_TRIES */
	mihf_dns_query_fn query;	/* NULL = res_nquery */
	void *query_arg;
};

void mihf_dns_cfg_init(struct mihf_dns_cfg *cfg);

/* One discovered transport address */
struct mihf_dns_result {
	uint32_t service;		/* one MIHF_SVC_* bit */
	uint8_t transport;		/* MIHF_TRANSPORT_UDP / _TCP */
	char target[MIHF_DNS_NAME_MAX];	/* host name the address is of */
	uint16_t priority, weight;	/* SRV (0 for NAPTR "A") */
	struct sockaddr_storage sa;	/* address and port */
	socklen_t sa_len;
	uint32_t ttl;			/* seconds, minimum along the chain */
};

/*
 * Run the lookups for @cfg.  Up to @max results in @res, *@n set (0 is
 * not an error: nothing found).  Returns 0, -EINVAL (bad domain),
 * -ENOMEM, or -EIO when the resolver could not be set up.  Malformed
 * answers are skipped record by record (logged at debug).
 */
int mihf_dns_discover(const struct mihf_dns_cfg *cfg,
		      struct mihf_dns_result *res, size_t max, size_t *n);

/*
 * The same off the event loop: the lookups run in a worker thread of their
 * own (libresolv with its own res_state; nothing else is shared but a copy
 * of @cfg), and @done is called from @loop (mihsecd/loop.h) with the
 * results when they are complete: @err as mihf_dns_discover() returns it,
 * @res/@n valid during the call only.  Returns the job, or NULL and *@err.
 * cfg->query, if set, is called from the worker thread.
 */
struct md_loop;
struct mihf_dns_job;
typedef void (*mihf_dns_done_fn)(void *arg, int err,
				 const struct mihf_dns_result *res, size_t n);
struct mihf_dns_job *mihf_dns_discover_async(struct md_loop *loop,
					     const struct mihf_dns_cfg *cfg,
					     mihf_dns_done_fn done, void *arg,
					     int *err);
/*
 * Forget a job whose @done has not run yet: @done will not be called.
 * Waits for the worker (at most the remaining query timeouts).
 */
void mihf_dns_job_cancel(struct md_loop *loop, struct mihf_dns_job *job);

/*
 * Put results into the peer table (source DNS, address-only peers, kind IS
 * for the IS service else PoA, expiry max(ttl, MIHF_DNS_TTL_MIN_S)).
 * Returns the number of addresses added.
 */
int mihf_dns_results_to_peers(const struct mihf_dns_result *res, size_t n,
			      struct mihf_peers *peers, uint64_t now);

/*
 * Parse helpers (exposed for tests).  Each walks the answer section of a
 * DNS message @msg of @len octets with ns_initparse/ns_parserr.
 */
struct mihf_naptr {
	uint16_t order, pref;
	char flags[16];
	uint32_t services;		/* MIHF_SVC_* of the service field */
	bool udp, tcp;			/* +D2U / +D2T present */
	char replacement[MIHF_DNS_NAME_MAX];
	uint32_t ttl;
};
/* Usable NAPTRs (an IEEE802.21 service with D2U/D2T), sorted; count */
int mihf_dns_parse_naptr(const uint8_t *msg, int len, struct mihf_naptr *out,
			 size_t max);
/* Parse one NAPTR service field; 0 and *services etc., or -EINVAL */
int mihf_dns_parse_naptr_service(const char *field, uint32_t *services,
				 bool *udp, bool *tcp);

struct mihf_srv {
	uint16_t priority, weight, port;
	char target[MIHF_DNS_NAME_MAX];
	uint32_t ttl;
};
/* SRV records sorted by priority, then weight descending; count */
int mihf_dns_parse_srv(const uint8_t *msg, int len, struct mihf_srv *out,
		       size_t max);
/* A (AF_INET) or AAAA (AF_INET6) records of the answer; count */
int mihf_dns_parse_addrs(const uint8_t *msg, int len, int family,
			 struct sockaddr_storage *out, uint32_t *ttl,
			 size_t max);

/* ---- DHCP, RFC 5678 ---- */

#define MIHF_MOS_ADDRS_MAX	16	/* addresses kept per service */
#define MIHF_MOS_NAMES_MAX	8	/* domain names kept per service */

/* RFC 5678 sub-option codes */
enum mihf_mos_subopt {
	MIHF_MOS_SUB_IS		= 1,
	MIHF_MOS_SUB_CS		= 2,
	MIHF_MOS_SUB_ES		= 3,
};

#define MIHF_DHCP4_OPT_MOS_ADDR	139
#define MIHF_DHCP4_OPT_MOS_FQDN	140
#define MIHF_DHCP6_OPT_MOS_ADDR	54
#define MIHF_DHCP6_OPT_MOS_FQDN	55

struct mihf_mos_service {
	struct in_addr v4[MIHF_MOS_ADDRS_MAX];
	size_t n_v4;
	struct in6_addr v6[MIHF_MOS_ADDRS_MAX];
	size_t n_v6;
	char names[MIHF_MOS_NAMES_MAX][MIHF_DNS_NAME_MAX]; /* no final dot */
	size_t n_names;
};

/* What a lease told about the MoS servers */
struct mihf_mos {
	struct mihf_mos_service is, cs, es;
	/* lease expiry (CLOCK_REALTIME seconds), 0 = unknown / never */
	int64_t expire;
	bool never_expires;
};

void mihf_mos_init(struct mihf_mos *mos);
/* Service by sub-option code (1..3), NULL for another code */
struct mihf_mos_service *mihf_mos_sub(struct mihf_mos *mos, unsigned int code);

/*
 * Strict parsers of the option payloads (the octets after the DHCP option
 * code and length).  Results are appended to @mos (duplicates dropped;
 * beyond MIHF_MOS_ADDRS_MAX / _NAMES_MAX: -E2BIG).  -EBADMSG for: empty
 * payload, a sub-option running past the payload, a sub-option length
 * of 0 or not a multiple of the address size, an unknown sub-option code
 * (RFC 5678 defines 1..3 only), a domain name with a compression pointer,
 * a label or name too long, a missing root label, a label with octets
 * outside the hostname set (letters, digits, '-', '_').  On error @mos
 * is left unchanged.
 */
int mihf_dhcp4_parse_mos_addr(const uint8_t *p, size_t len,
			      struct mihf_mos *mos);
int mihf_dhcp4_parse_mos_fqdn(const uint8_t *p, size_t len,
			      struct mihf_mos *mos);
int mihf_dhcp6_parse_mos_addr(const uint8_t *p, size_t len,
			      struct mihf_mos *mos);
int mihf_dhcp6_parse_mos_fqdn(const uint8_t *p, size_t len,
			      struct mihf_mos *mos);

/*
 * Decode one dhclient option value as printed in a lease file or hook
 * environment: "1:4:a:0:0:5" (colon hex, 1-2 digits per octet) or
 * "\"...\"" (quoted, with \\, \" and \ooo octal escapes).  Returns the
 * octet count or -EBADMSG / -E2BIG (more than @size).
 */
int mihf_dhclient_value_decode(const char *text, uint8_t *out, size_t size);

/*
 * Read a dhclient lease file (lease { ... } or lease6 { ... } blocks): the
 * LAST lease block in the file wins (dhclient appends).  Options
 * mihsec-mos-ipv4/-fqdn (also "unknown-139"/"unknown-140") and
 * dhcp6.mihsec-mos-ipv6/-fqdn (also "dhcp6.unknown-54"/"-55") are parsed;
 * "expire" ("W YYYY/MM/DD HH:MM:SS" UTC, "epoch N", "never") and, for
 * lease6, the ia-na/iaaddr "max-life" with "starts" are read for the
 * expiry.  Returns 0 (even if no MoS option was present: @mos then lists
 * nothing), -ENOENT (no lease in the file), -EBADMSG (a malformed MoS
 * option or lease syntax; the line number is logged), or -errno of fopen.
 */
int mihf_dhclient_lease_read(const char *path, struct mihf_mos *mos);

/*
 * The same from a dhclient-script environment: variables
 * new_mihsec_mos_ipv4, new_mihsec_mos_fqdn, new_dhcp6_mihsec_mos_ipv6,
 * new_dhcp6_mihsec_mos_fqdn (and new_expiry: epoch seconds) looked up
 * with @getenv_fn (NULL = getenv).
 */
int mihf_dhclient_env_read(struct mihf_mos *mos,
			   const char *(*getenv_fn)(const char *name));

/*
 * Put the addresses of @mos into the peer table: source DHCP, port
 * MIH_PORT, transport any, kind IS for the IS service else PoA, expiry at
 * the lease expiry (none if it never expires or is unknown).  Returns the
 * number of addresses added.  Domain names are not resolved here: give
 * each to mihf_dns_discover() (mihf_mos_dns_domains() lists them).
 */
int mihf_mos_to_peers(const struct mihf_mos *mos, struct mihf_peers *peers,
		      uint64_t now);

/*
 * Walk the domain names of @mos: calls @cb with each distinct name and the
 * services (MIHF_SVC_*) it was given for.  Returns the number of names.
 */
int mihf_mos_domains(const struct mihf_mos *mos,
		     void (*cb)(const char *name, uint32_t services, void *arg),
		     void *arg);

#endif /* MIHSEC_MIHF_DISCOVERY_H */

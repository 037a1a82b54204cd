/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MIH proxy (the IETF MIH-over-IP draft's WLAN proxy): a PoS relays MIH
 * frames between layer 2 and UDP/IP, both ways.
 *
 *   L2 -> UDP: an MIH frame (ethertype 0x8917, received on @ifname with an
 *   AF_PACKET SOCK_DGRAM socket; unicast to this host, broadcast or
 *   multicast, never another host's unicast seen in promiscuous mode nor
 *   a frame with a group source MAC) from a terminal's MAC is validated
 *   (mih_pdu_parse), the terminal's Source MIHF ID -> MAC binding is
 *   remembered, and the PDU is sent unchanged as one UDP datagram from the
 *   proxy's UDP socket to the MIHF its Destination MIHF ID names: a peer
 *   table entry of that ID (a UDP-capable address, the interface family
 *   preference v4 then v6), else the configured upstream.  An empty
 *   Destination MIHF ID (e.g. a Capability_Discover broadcast) goes to
 *   the upstream.  No destination: dropped, counted.
 *
 *   UDP -> L2: a datagram on the proxy's UDP socket from an allowed sender
 *   (the upstream, a peer-table address, or an address this proxy
 *   forwarded a terminal's frame to) whose Destination MIHF ID is a
 *   terminal in the binding table is sent as an L2 frame to that
 *   terminal's MAC.  Unknown destination: dropped, counted.
 *
 * Every PDU is validated with mih_pdu_parse() before relaying; malformed
 * ones are dropped and counted, as are PDUs above the size bounds
 * (l2_mtu for frames sent on the link; MIHF_PROXY_UDP_MAX for datagrams).
 * The binding table holds at most max_terminals entries (the least
 * recently used is replaced) and forgets a terminal terminal_ttl_ms after
 * its last frame.
 *
 * Runs on md_loop (mihsecd/loop.h).  Unit tests run it without sockets:
 * with cfg.ops set no socket is opened and mihf_proxy_input_l2() /
 * mihf_proxy_input_udp() inject frames; sends go to the ops.
 *
 * Conventions: 0 on success, negative errno on failure.
 */
#ifndef MIHSEC_MIHF_PROXY_H
#define MIHSEC_MIHF_PROXY_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mihf/peers.h"

struct md_loop;
struct json_object;

#define MIHF_PROXY_ETHERTYPE		0x8917
#define MIHF_PROXY_DEFAULT_PORT		0	/* ephemeral */
#define MIHF_PROXY_DEFAULT_TERMINALS	256
#define MIHF_PROXY_DEFAULT_TTL_MS	300000	/* 5 min */
#define MIHF_PROXY_DEFAULT_L2_MTU	1500
#define MIHF_PROXY_UDP_MAX		65507	/* largest UDP/IPv4 payload */
#define MIHF_PROXY_ETH_ALEN		6

/* Send hooks (tests); return 0 or -errno */
struct mihf_proxy_ops {
	int (*send_l2)(void *arg, const uint8_t mac[MIHF_PROXY_ETH_ALEN],
		       const uint8_t *pdu, size_t len);
	int (*send_udp)(void *arg, const struct sockaddr *to, socklen_t to_len,
			const uint8_t *pdu, size_t len);
	void *arg;
};

struct mihf_proxy_cfg {
	char ifname[IF_NAMESIZE];	/* L2 side, required */
	/* UDP side: local address (family 0: dual-stack [::]) and port */
	struct sockaddr_storage bind;
	socklen_t bind_len;
	uint16_t udp_port;		/* MIHF_PROXY_DEFAULT_PORT */
	/* default destination (family 0: none); port 0 means MIH_PORT */
	struct sockaddr_storage upstream;
	socklen_t upstream_len;
	unsigned int max_terminals;	/* MIHF_PROXY_DEFAULT_TERMINALS */
	unsigned int terminal_ttl_ms;	/* MIHF_PROXY_DEFAULT_TTL_MS */
	unsigned int l2_mtu;		/* MIHF_PROXY_DEFAULT_L2_MTU */
	const struct mihf_proxy_ops *ops; /* NULL: real sockets */
};

/* Defaults: everything above, empty ifname and no upstream */
void mihf_proxy_cfg_init(struct mihf_proxy_cfg *cfg);

struct mihf_proxy_stats {
	uint64_t l2_rx;			/* frames received on the link */
	uint64_t udp_tx;		/* relayed to UDP */
	uint64_t udp_rx;		/* datagrams received */
	uint64_t l2_tx;			/* relayed to the link */
	uint64_t drop_malformed;	/* mih_pdu_parse() rejected */
	uint64_t drop_size;		/* too long for the other side */
	uint64_t drop_no_route;		/* L2 frame: no MIHF to send to */
	uint64_t drop_unknown_terminal;	/* UDP: dest. ID not a terminal */
	uint64_t drop_sender;		/* UDP from a sender not allowed */
	uint64_t drop_send_error;	/* sendto() failed */
	uint64_t terminals;		/* bindings held now */
};

struct mihf_proxy;

/*
 * Create a proxy on @loop (may be NULL when cfg->ops is set).  @peers (may
 * be NULL) is used to route by Destination MIHF ID and to allow senders;
 * it must outlive the proxy.  With real sockets: the AF_PACKET socket is
 * bound to ifname and ethertype 0x8917, the UDP socket to bind/udp_port;
 * both are registered with the loop.  Needs CAP_NET_RAW.  Returns NULL
 * and *@err (-ENODEV no such interface, -EINVAL bad config, ...).
 */
struct mihf_proxy *mihf_proxy_new(struct md_loop *loop,
				  const struct mihf_proxy_cfg *cfg,
				  struct mihf_peers *peers, int *err);
/* Unregisters and closes the sockets; NULL is fine */
void mihf_proxy_free(struct mihf_proxy *px);

/* The bound UDP port (after an ephemeral bind), 0 with ops */
uint16_t mihf_proxy_udp_port(const struct mihf_proxy *px);

void mihf_proxy_get_stats(const struct mihf_proxy *px,
			  struct mihf_proxy_stats *st);
/* Stats and the binding table as JSON: {"stats":{..},"terminals":[..]} */
int mihf_proxy_to_json(const struct mihf_proxy *px, struct json_object **out);

/*
 * Process one frame from the link (source @mac) or one datagram from
 * @from, exactly as the socket handlers do.  Returns 0 when relayed, else
 * the reason as -errno: -EBADMSG malformed, -EMSGSIZE too long,
 * -EHOSTUNREACH no route / unknown terminal, -EPERM sender not allowed,
 * or the send error.  (Counted in the stats either way.)
 */
int mihf_proxy_input_l2(struct mihf_proxy *px,
			const uint8_t mac[MIHF_PROXY_ETH_ALEN],
			const uint8_t *pdu, size_t len, uint64_t now);
int mihf_proxy_input_udp(struct mihf_proxy *px, const struct sockaddr *from,
			 socklen_t from_len, const uint8_t *pdu, size_t len,
			 uint64_t now);

/* The MAC bound to a terminal MIHF ID: 0 and @mac, or -ENOENT */
int mihf_proxy_lookup_terminal(const struct mihf_proxy *px, const void *id,
			       size_t id_len, uint64_t now,
			       uint8_t mac[MIHF_PROXY_ETH_ALEN]);

#endif /* MIHSEC_MIHF_PROXY_H */

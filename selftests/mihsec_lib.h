/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the mihsec kselftests: two network namespaces joined by
 * a veth pair, mihsecctl in a namespace, 802.21 PDU building and parsing,
 * frame capture and injection (AF_PACKET), checksums, and an independent
 * AES-128-GCM model of the PROTOCOL.md section 3 wire format (OpenSSL) used
 * to check what the kernel sends and to craft what it must accept or drop.
 *
 * Nothing here uses the kselftest harness: functions return 0 / -1 and
 * print "# ..." diagnostics on stderr; the tests assert on the results.
 */
#ifndef MIHSEC_LIB_H
#define MIHSEC_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/mihsec.h>

#define MH_PORT		4551
#define MH_IFNAME	"mh0"
#define MH_FAKE		2	/* "side" of the unowned address (see mh_addr) */

/* MIDs (WIRE.md section 3) */
#define MH_MID_CAP_DISCOVER_REQ	0x1401
#define MH_MID_CAP_DISCOVER_RSP	0x1801
#define MH_MID_REGISTER_REQ	0x1402
#define MH_MID_REGISTER_RSP	0x1802
#define MH_MID_LINK_GET_REQ	0x3401
#define MH_MID_LINK_GET_RSP	0x3801
#define MH_MID_GET_INFO_REQ	0x4401
#define MH_MID_GET_INFO_RSP	0x4801
#define MH_HDR_UIR		0x02	/* octet 0 */
#define MH_HDR_ACKREQ		0x08

/* every plain body built by mh_body() carries this text: it must never be
 * visible on the wire when the SA encrypts */
#define MH_MARKER	"MIHSEC-PLAINTEXT-MARKER"

extern int mh_verbose;

/* ---- processes and namespaces ---------------------------------------- */
const char *mh_root(void);	/* project directory */
const char *mh_ctl(void);	/* mihsecctl path ($MIHSEC_CTL or build/bin) */
/* run "sh -c CMD"; stdout (and whatever CMD redirects) into out; returns
 * the exit status, 128+signal, or -1 */
int mh_sh(char *out, size_t outsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* the same with the shell in the network namespace nsfd (e.g. "ip addr
 * ..." there without ip netns exec) */
int mh_ns_sh(int nsfd, char *out, size_t outsz, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

struct mh_pair {
	char ns[2][40];		/* [0] = A (MMT), [1] = B (network side) */
	int nsfd[2];
	int ifindex[2];
	char id[2][256];	/* MIHF IDs (NUL-terminated) */
	/* per sending side s: key ID, key and salt of the s -> peer direction */
	uint8_t keyid[2][MIHSEC_KEYID_LEN];
	uint8_t key[2][16];
	uint8_t salt[2][MIHSEC_SALT_LEN];
	bool up;
};

/* ns names "mh<tag>-<pid>-a/b"; addresses 10.77.0.1/2, fd00:77::1/2 */
int mh_pair_setup(struct mh_pair *p, const char *tag);
void mh_pair_teardown(struct mh_pair *p);
/* tx checksum offload off on both veth ends (it also turns scatter-gather
 * and GSO off): senders then write complete UDP checksums, which a capture
 * can check; with it on (the default) a veth passes CHECKSUM_PARTIAL skbs
 * whose checksum field holds only the pseudo-header sum */
int mh_pair_txcsum_off(const struct mh_pair *p);
/* fresh random key IDs, keys and salts for both directions */
int mh_pair_new_keys(struct mh_pair *p);
/* run mihsecctl ARGS in side's namespace; output as mh_sh */
int mh_ctl_run(const struct mh_pair *p, int side, char *out, size_t outsz,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* "sa add" for side (0: role mmt, 1: role network) with the pair's keys;
 * extra: more arguments ("encrypt off", "replay-window 64") or NULL */
int mh_sa_add(const struct mh_pair *p, int side, const char *extra);
/* number of SAs reported by "mihsecctl -j policy" (-1 on error) */
int mh_sa_count(const struct mh_pair *p, int side);
/* one numeric field of the only SA in "mihsecctl -j -s sa show" (e.g.
 * "tx_seq", "rx_octets"); -1 unless exactly one such field exists */
int mh_sa_field(const struct mh_pair *p, int side, const char *name,
		uint64_t *v);
/* policy name reported by "mihsecctl -j policy" into buf */
int mh_policy_get(const struct mh_pair *p, int side, char *buf, size_t n);

int mh_ns_enter(int nsfd);	/* setns into nsfd, remembering ours */
int mh_ns_leave(void);
int mh_socket_in(int nsfd, int domain, int type, int proto);

/* side 0/1: that namespace's address; MH_FAKE: an address of B's subnet
 * that nobody owns (A has a permanent neighbour entry with B's MAC) */
socklen_t mh_addr(int family, int side, uint16_t port,
		  struct sockaddr_storage *ss);
/* UDP socket in side's namespace bound to port (0: ephemeral) on family's
 * wildcard address (IPv6 sockets are v6only); receive timeout 3 s */
int mh_udp_socket(const struct mh_pair *p, int side, int family,
		  uint16_t port);
ssize_t mh_udp_send(int fd, int family, int to_side, uint16_t port,
		    const void *buf, size_t len);
/* wait up to timeout_ms for a datagram; returns its length (may exceed cap:
 * MSG_TRUNC), 0 on timeout, -1 on error */
ssize_t mh_udp_recv(int fd, void *buf, size_t cap, int timeout_ms,
		    struct sockaddr_storage *from);

/* ---- counters --------------------------------------------------------- */
struct mh_stats {
	uint64_t v[MIHSEC_STAT_MAX + 1];
};
const char *mh_stat_name(int stat);
bool mh_stat_is_drop(int stat);		/* MIHSEC_STAT_DROP_* */
bool mh_stat_is_traffic(int stat);	/* TX_*, RX_* and DROP_* */
int mh_stats_get(const struct mh_pair *p, int side, struct mh_stats *st);
uint64_t mh_stats_drops(const struct mh_stats *st);
/* poll until a traffic counter differs from *before (or timeout); 0 if
 * changed */
int mh_stats_wait_change(const struct mh_pair *p, int side,
			 const struct mh_stats *before, struct mh_stats *after,
			 int timeout_ms);
/* print every counter that differs ("# name: a -> b") */
void mh_stats_diff(const char *what, const struct mh_stats *a,
		   const struct mh_stats *b);

/* ---- 802.21 PDUs ------------------------------------------------------ */
size_t mh_len_enc(uint8_t *out, size_t len);	/* returns octets written */
/* decode a length at p (avail octets); *len, *used; 0 ok, -1 bad */
int mh_len_dec(const uint8_t *p, size_t avail, size_t *len, size_t *used);
/* TLV type|length|value at out; returns octets written */
size_t mh_tlv(uint8_t *out, uint8_t type, const void *val, size_t vlen);
/* a valid body: one vendor-specific TLV (type 100) whose value (vlen >= 3
 * octets: an OUI, then MH_MARKER and counter text) is vlen octets */
size_t mh_body(uint8_t *out, size_t vlen, unsigned int seed);
/* plain PDU: header (version 1, octet0 flags, MID, TID) + Source ID TLV +
 * Destination ID TLV + body */
size_t mh_pdu(uint8_t *out, uint8_t flags0, uint16_t mid, uint16_t tid,
	      const char *src, const char *dst, const uint8_t *body,
	      size_t bodylen);

/* offsets (from the start of the MIH header) of a protected PDU */
struct mh_prot {
	size_t src_t, src_v, src_vlen;	/* type octet, value, value length */
	size_t dst_t, dst_v, dst_vlen;
	size_t sec_t, sec_v, sec_vlen;
	size_t flags, suite, keyid, seq, body, body_len;
	size_t int_t, int_v, int_vlen;
	uint8_t flags_v, suite_v;
	uint64_t seq_v;
};
/* 0 if pdu is exactly header + TLV 1 + TLV 2 + TLV 200 + TLV 201 */
int mh_parse_prot(const uint8_t *pdu, size_t len, struct mh_prot *pp);
/* 1 if the PDU's TLV walk meets type 200 or 201, 0 if not, -1 bad walk */
int mh_has_sec_tlv(const uint8_t *pdu, size_t len);

/* ---- the wire format model (suite 1, PROTOCOL.md section 3) ----------- */
/* seal a plain PDU: flags (E, D), suite octet, key ID, seq, key, salt */
size_t mh_seal(uint8_t *out, const uint8_t *plain, size_t plen,
	       uint8_t flags, uint8_t suite, const uint8_t *keyid,
	       uint64_t seq, const uint8_t *key, const uint8_t *salt);
/* seal with the pair's keys as side would send it (E=1 unless !encrypt) */
size_t mh_seal_as(const struct mh_pair *p, int side, uint8_t *out,
		  const uint8_t *plain, size_t plen, uint64_t seq,
		  bool encrypt);
/* verify (and decrypt when E) a protected PDU and rebuild the plain PDU;
 * 0 on success */
int mh_unseal(const uint8_t *prot, size_t len, const uint8_t *key,
	      const uint8_t *salt, uint8_t *plain, size_t *plen);

/* ---- frames ----------------------------------------------------------- */
#define MH_FRAME_MAX	2048
struct mh_frame {
	uint8_t b[MH_FRAME_MAX];
	size_t len;
	int family;
	size_t l3, l4, pl;	/* offsets of IP, UDP header, UDP payload */
	size_t plen;		/* UDP payload length */
};
/* AF_PACKET socket on side's mh0 (all protocols) */
int mh_capture_open(const struct mh_pair *p, int side);
/* next received (PACKET_HOST) or, with outgoing, sent frame that is UDP
 * to or from port 4551; 1 got one, 0 timeout, -1 error */
int mh_capture_next(int fd, struct mh_frame *f, int timeout_ms,
		    bool outgoing);
/* drop whatever is queued */
void mh_capture_drain(int fd);
int mh_frame_parse(struct mh_frame *f);	/* 0 if IPv4/IPv6 UDP */
/* check IP header checksum (v4), IP and UDP lengths, UDP checksum */
int mh_frame_check(const struct mh_frame *f, char *why, size_t whysz);
uint16_t mh_udp_csum(const struct mh_frame *f);	/* what it should be */
void mh_frame_fix_csum(struct mh_frame *f);	/* IPv4 header + UDP */
/* rewrite the destination address to side's and fix checksums */
void mh_frame_set_dst(struct mh_frame *f, int side);
/* Ethernet + IP + UDP around payload, from side "from" to side "to" */
int mh_frame_build(struct mh_frame *f, int family, int from, int to,
		   uint16_t sport, uint16_t dport, const uint8_t *pl,
		   size_t plen);
/* add IPv4 options / an IPv6 Destination Options header before UDP */
int mh_frame_add_opts(struct mh_frame *f);
/* send the Ethernet frame out of side's mh0 (AF_PACKET, no netfilter) */
int mh_inject(const struct mh_pair *p, int side, const uint8_t *frame,
	      size_t len);

void mh_hex(char *out, const uint8_t *b, size_t n);	/* lower-case hex */
void mh_dump(const char *what, const uint8_t *b, size_t n);

#endif

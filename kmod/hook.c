// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks: UDP datagrams from or to the MIH port, IPv4 and IPv6.
 *   LOCAL_OUT: protect (PROTOCOL.md section 4)
 *   LOCAL_IN:  verify, decrypt, strip (section 5), after reassembly (IPv4
 *              reassembles before LOCAL_IN; IPv6 through nf_defrag_ipv6)
 * The datagram is made linear and writable, rewritten in place, and its
 * UDP length, IP length and checksums are recomputed, so what leaves and
 * what the application reads are well-formed MIH over UDP.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include <net/udp.h>
#include "hook.h"
#include "mih.h"
#include "mihsec.h"
#include "pdu.h"
#include "sa.h"

/* After the filter and security tables: dropped traffic costs no crypto */
#define MIHSEC_PRI_IPV4	(NF_IP_PRI_SECURITY + 1)
#define MIHSEC_PRI_IPV6	(NF_IP6_PRI_SECURITY + 1)

/* Where the UDP header is; @nhoff and @thoff are offsets from skb->data */
struct mihsec_pkt {
	struct sk_buff *skb;
	u8 family;
	unsigned int nhoff;
	unsigned int thoff;
};

static struct udphdr *mihsec_udp(const struct mihsec_pkt *pkt)
{
	return (struct udphdr *)(pkt->skb->data + pkt->thoff);
}

static u8 *mihsec_payload(const struct mihsec_pkt *pkt)
{
	return pkt->skb->data + pkt->thoff + sizeof(struct udphdr);
}

/* Locate UDP; false if this is not an unfragmented UDP datagram */
static bool mihsec_find_udp(struct mihsec_pkt *pkt)
{
	struct sk_buff *skb = pkt->skb;
	__be16 frag_off;
	u8 nexthdr;
	int off;

	pkt->nhoff = skb_network_offset(skb);
	if (pkt->family == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_UDP || ip_is_fragment(iph))
			return false;
		pkt->thoff = pkt->nhoff + ip_hdrlen(skb);
		return true;
	}
	nexthdr = ipv6_hdr(skb)->nexthdr;
	off = ipv6_skip_exthdr(skb, pkt->nhoff + sizeof(struct ipv6hdr),
			       &nexthdr, &frag_off);
	if (off < 0 || nexthdr != IPPROTO_UDP || frag_off)
		return false;
	pkt->thoff = off;
	return true;
}

/* Is this MIH: UDP from or to the MIH port? */
static bool mihsec_is_mih(const struct mihsec_pkt *pkt)
{
	struct udphdr _uh;
	const struct udphdr *uh;

	uh = skb_header_pointer(pkt->skb, pkt->thoff, sizeof(_uh), &_uh);
	return uh && (uh->dest == mihsec_port || uh->source == mihsec_port);
}

/* Set the UDP and IP lengths for @ulen octets of UDP and a full checksum */
static void mihsec_fix_lengths(const struct mihsec_pkt *pkt, unsigned int ulen)
{
	struct sk_buff *skb = pkt->skb;
	struct udphdr *uh = mihsec_udp(pkt);
	__wsum csum;

	uh->len = htons(ulen);
	uh->check = 0;
	csum = skb_checksum(skb, pkt->thoff, ulen, 0);
	if (pkt->family == NFPROTO_IPV4) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = htons(pkt->thoff - pkt->nhoff + ulen);
		ip_send_check(iph);
		uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, ulen,
					      IPPROTO_UDP, csum);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->payload_len = htons(pkt->thoff - pkt->nhoff -
					  sizeof(*ip6h) + ulen);
		uh->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, ulen,
					    IPPROTO_UDP, csum);
	}
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
}

/* PROTOCOL.md section 5 step 2: may this message travel unprotected? */
static bool mihsec_exempt(struct mihsec_net *mn, const struct mih_pdu *p)
{
	return mihsec_midset_has(rcu_dereference(mn->exempt), p->mid) ||
	       ((p->octet0 & MIH_HDR_UIR) &&
		mihsec_midset_has(rcu_dereference(mn->exempt_uir), p->mid));
}

/*
 * Raise @type about the datagram in @pkt (parsed into @p when known): the
 * peer is the destination of what we send (@out) and the source of what we
 * receive.  Unauthenticated IDs are reported as the datagram states them;
 * with an SA, its own IDs.
 */
static void mihsec_raise(struct mihsec_net *mn, enum mihsec_event type,
			 const struct mihsec_pkt *pkt, bool out,
			 const struct mih_pdu *p, const struct mihsec_sa *sa)
{
	const u8 *pdu = mihsec_payload(pkt);
	struct mihsec_event_info ei = {
		.family = pkt->family,
		.sa = sa,
		.has_mid = true,
		.mid = p->mid,
	};

	if (pkt->family == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(pkt->skb);

		ei.addr.s6_addr32[0] = out ? iph->daddr : iph->saddr;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(pkt->skb);

		ei.addr = out ? ip6h->daddr : ip6h->saddr;
	}
	ei.peer_id = pdu + (out ? p->dst_off : p->src_off);
	ei.peer_len = out ? p->dst_len : p->src_len;
	ei.local_id = pdu + (out ? p->src_off : p->dst_off);
	ei.local_len = out ? p->src_len : p->dst_len;
	if (p->protected)
		ei.keyid = pdu + p->keyid_off;
	mihsec_event(mn, type, &ei);
}

static unsigned int mihsec_drop(struct mihsec_net *mn, enum mihsec_stat why)
{
	mihsec_count(mn, why);
	return NF_DROP;
}

/*
 * PROTOCOL.md section 4.  An MIH datagram this module cannot parse is not
 * touched under "optional" (section 4 step 1), but under "require" it may
 * not leave in clear, so it is dropped.  Once an SA is found, any failure
 * drops the datagram: it must never go out unprotected instead.
 */
static unsigned int mihsec_output(struct mihsec_net *mn, struct mihsec_pkt *pkt,
				  u8 policy)
{
	struct sk_buff *skb = pkt->skb;
	unsigned int len, grow, ulen;
	struct mih_pdu plain, out;
	struct mihsec_sa *sa;
	u8 wflags;
	u64 seq;
	u8 *pdu;

	if (skb_is_gso(skb) || skb->len < pkt->thoff + sizeof(struct udphdr))
		return mihsec_drop(mn, MIHSEC_STAT_DROP_MALFORMED);
	if (skb_linearize_cow(skb))
		return mihsec_drop(mn, MIHSEC_STAT_DROP_ERROR);
	len = skb->len - pkt->thoff - sizeof(struct udphdr);
	if (mih_parse(mihsec_payload(pkt), len, &plain)) {
		if (policy == MIHSEC_POLICY_REQUIRE)
			return mihsec_drop(mn, MIHSEC_STAT_DROP_MALFORMED);
		return NF_ACCEPT;
	}
	if (plain.protected)	/* already protected (e.g. a gateway) */
		return NF_ACCEPT;

	pdu = mihsec_payload(pkt);
	sa = mihsec_sa_find_tx(mn, pdu + plain.dst_off, plain.dst_len);
	if (!sa) {
		if (policy == MIHSEC_POLICY_REQUIRE && !mihsec_exempt(mn, &plain)) {
			mihsec_raise(mn, MIHSEC_EV_NO_SA, pkt, true, &plain, NULL);
			return mihsec_drop(mn, MIHSEC_STAT_DROP_NO_SA);
		}
		mihsec_count(mn, MIHSEC_STAT_TX_CLEAR);
		return NF_ACCEPT;
	}
	/* the key speaks for its local MIHF only */
	if (plain.src_len != sa->local_len ||
	    memcmp(pdu + plain.src_off, sa->local_id, sa->local_len))
		return mihsec_drop(mn, MIHSEC_STAT_DROP_IDENTITY_MISMATCH);

	wflags = mihsec_sa_tx_dir(sa);
	if (sa->flags & MIHSEC_SA_F_ENCRYPT)
		wflags |= MIHSEC_WIRE_F_ENCRYPTED;
	grow = mihsec_overhead(sa->suite, wflags, len - plain.body_off);
	ulen = sizeof(struct udphdr) + len + grow;
	if (ulen > U16_MAX)
		return mihsec_drop(mn, MIHSEC_STAT_DROP_MALFORMED);
	if (skb_tailroom(skb) < grow &&
	    pskb_expand_head(skb, 0, grow - skb_tailroom(skb), GFP_ATOMIC))
		return mihsec_drop(mn, MIHSEC_STAT_DROP_ERROR);

	if (!mihsec_sa_alive(sa) || !mihsec_sa_use(mn, sa))
		return mihsec_drop(mn, MIHSEC_STAT_DROP_EXPIRED);

	/* never reuse a (key, nonce): the SA dies before the counter wraps */
	seq = atomic64_inc_return(&sa->tx_seq);
	if (seq > MIHSEC_SEQ_MAX) {
		atomic64_set(&sa->tx_seq, MIHSEC_SEQ_MAX + 1);
		mihsec_raise(mn, MIHSEC_EV_SEQ_EXHAUSTED, pkt, true, &plain, sa);
		return mihsec_drop(mn, MIHSEC_STAT_DROP_SEQ_EXHAUSTED);
	}

	__skb_put(skb, grow);
	pdu = mihsec_payload(pkt);
	mihsec_frame(pdu, &plain, sa->suite, wflags, sa->tx_keyid, seq, &out);
	if (mihsec_seal(&sa->tx, pdu, &out, NULL))
		return mihsec_drop(mn, MIHSEC_STAT_DROP_ERROR);
	mihsec_fix_lengths(pkt, ulen);
	skb->ip_summed = CHECKSUM_NONE;

	mihsec_ctr_add(sa->stats, MIHSEC_SA_STAT_TX_PACKETS, 1);
	mihsec_ctr_add(sa->stats, MIHSEC_SA_STAT_TX_OCTETS, len);
	if (wflags & MIHSEC_WIRE_F_ENCRYPTED)
		mihsec_ctr_add(sa->stats, MIHSEC_SA_STAT_TX_ENCRYPTED, 1);
	mihsec_count(mn, MIHSEC_STAT_TX_PROTECTED);
	return NF_ACCEPT;
}

/* A received PDU whose SA was found is dropped: count it there too */
static unsigned int mihsec_sa_drop(struct mihsec_net *mn,
				   const struct mihsec_pkt *pkt,
				   const struct mih_pdu *p,
				   struct mihsec_sa *sa, enum mihsec_stat why)
{
	enum mihsec_sa_stat s;

	switch (why) {
	case MIHSEC_STAT_DROP_AUTH_FAIL:
		s = MIHSEC_SA_STAT_RX_AUTH_FAIL;
		mihsec_raise(mn, MIHSEC_EV_AUTH_FAIL, pkt, false, p, sa);
		break;
	case MIHSEC_STAT_DROP_REPLAY:
		s = MIHSEC_SA_STAT_RX_REPLAY;
		mihsec_raise(mn, MIHSEC_EV_REPLAY, pkt, false, p, sa);
		break;
	case MIHSEC_STAT_DROP_DENIED:
		s = MIHSEC_SA_STAT_RX_DENIED;
		mihsec_raise(mn, MIHSEC_EV_DENIED, pkt, false, p, sa);
		break;
	case MIHSEC_STAT_DROP_IDENTITY_MISMATCH:
		s = MIHSEC_SA_STAT_RX_IDENTITY;
		break;
	default:
		s = MIHSEC_SA_STAT_RX_OTHER;
	}
	mihsec_ctr_add(sa->stats, s, 1);
	return mihsec_drop(mn, why);
}

/* PROTOCOL.md section 5, steps 3-10, for a parsed protected PDU */
static unsigned int mihsec_input_protected(struct mihsec_net *mn,
					   struct mihsec_pkt *pkt,
					   const struct mih_pdu *p)
{
	u8 *pdu = mihsec_payload(pkt);
	enum mihsec_stat why;
	struct mihsec_sa *sa;
	unsigned int len;

	sa = mihsec_sa_find_keyid(mn, pdu + p->keyid_off);
	if (!sa) {
		mihsec_raise(mn, MIHSEC_EV_UNKNOWN_KEY, pkt, false, p, NULL);
		return mihsec_drop(mn, MIHSEC_STAT_DROP_UNKNOWN_KEY);
	}
	if (!mihsec_sa_alive(sa))
		return mihsec_sa_drop(mn, pkt, p, sa, MIHSEC_STAT_DROP_EXPIRED);
	why = mihsec_pdu_open(sa, pdu, p, &len);
	if (why)
		return mihsec_sa_drop(mn, pkt, p, sa, why);
	/* accepted: it counts against the SA's lifetime */
	if (!mihsec_sa_use(mn, sa))
		return mihsec_sa_drop(mn, pkt, p, sa, MIHSEC_STAT_DROP_EXPIRED);

	skb_trim(pkt->skb, pkt->thoff + sizeof(struct udphdr) + len);
	mihsec_fix_lengths(pkt, sizeof(struct udphdr) + len);
	pkt->skb->ip_summed = CHECKSUM_UNNECESSARY;

	mihsec_ctr_add(sa->stats, MIHSEC_SA_STAT_RX_PACKETS, 1);
	mihsec_ctr_add(sa->stats, MIHSEC_SA_STAT_RX_OCTETS, len);
	if (p->wflags & MIHSEC_WIRE_F_ENCRYPTED)
		mihsec_ctr_add(sa->stats, MIHSEC_SA_STAT_RX_DECRYPTED, 1);
	mihsec_count(mn, MIHSEC_STAT_RX_VERIFIED);
	return NF_ACCEPT;
}

/* PROTOCOL.md section 5, steps 1-2 */
static unsigned int mihsec_input(struct mihsec_net *mn, struct mihsec_pkt *pkt,
				 u8 policy, unsigned int hook)
{
	struct sk_buff *skb = pkt->skb;
	const struct udphdr *uh;
	struct mih_pdu p;
	unsigned int ulen;

	if (!pskb_may_pull(skb, pkt->thoff + sizeof(*uh)))
		return mihsec_drop(mn, MIHSEC_STAT_DROP_MALFORMED);
	uh = (const struct udphdr *)(skb->data + pkt->thoff);
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen != skb->len - pkt->thoff)
		return mihsec_drop(mn, MIHSEC_STAT_DROP_MALFORMED);
	/* a zero UDP checksum means "none" on IPv4 only */
	if ((uh->check || pkt->family == NFPROTO_IPV6) &&
	    nf_checksum(skb, hook, pkt->thoff, IPPROTO_UDP, pkt->family))
		return mihsec_drop(mn, MIHSEC_STAT_DROP_MALFORMED);
	if (skb_ensure_writable(skb, skb->len) || skb_linearize(skb))
		return mihsec_drop(mn, MIHSEC_STAT_DROP_ERROR);

	if (mih_parse(mihsec_payload(pkt), ulen - sizeof(*uh), &p))
		return mihsec_drop(mn, MIHSEC_STAT_DROP_MALFORMED);
	if (p.protected)
		return mihsec_input_protected(mn, pkt, &p);
	if (policy == MIHSEC_POLICY_REQUIRE && !mihsec_exempt(mn, &p))
		return mihsec_drop(mn, MIHSEC_STAT_DROP_UNPROTECTED);
	mihsec_count(mn, MIHSEC_STAT_RX_CLEAR);
	return NF_ACCEPT;
}

static unsigned int mihsec_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct mihsec_net *mn = mihsec_pernet(state->net);
	struct mihsec_pkt pkt = { .skb = skb, .family = state->pf };
	u8 policy = READ_ONCE(mn->policy);
	unsigned int verdict;

	if (policy == MIHSEC_POLICY_OFF || !mihsec_find_udp(&pkt) ||
	    !mihsec_is_mih(&pkt))
		return NF_ACCEPT;

	/* per-CPU counters and crypto buffers: stay on this CPU */
	local_bh_disable();
	rcu_read_lock();
	if (state->hook == NF_INET_LOCAL_OUT)
		verdict = mihsec_output(mn, &pkt, policy);
	else
		verdict = mihsec_input(mn, &pkt, policy, state->hook);
	rcu_read_unlock();
	local_bh_enable();
	return verdict;
}

static const struct nf_hook_ops mihsec_nf_ops[] = {
	{
		.hook = mihsec_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = MIHSEC_PRI_IPV4,
	}, {
		.hook = mihsec_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = MIHSEC_PRI_IPV4,
	}, {
		.hook = mihsec_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = MIHSEC_PRI_IPV6,
	}, {
		.hook = mihsec_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = MIHSEC_PRI_IPV6,
	},
};

int mihsec_hooks_register(struct net *net)
{
	int err;

	err = nf_defrag_ipv6_enable(net);
	if (err)
		return err;
	err = nf_register_net_hooks(net, mihsec_nf_ops,
				    ARRAY_SIZE(mihsec_nf_ops));
	if (err)
		nf_defrag_ipv6_disable(net);
	return err;
}

void mihsec_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, mihsec_nf_ops, ARRAY_SIZE(mihsec_nf_ops));
	nf_defrag_ipv6_disable(net);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events to userspace (the "events" multicast group): what mihsecd needs
 * to react to (derive keys on no-sa/unknown-key, rekey on expiry), rate
 * limited per namespace so a flood of bad datagrams cannot flood it.
 */
#ifndef _MIHSEC_EVENTS_H
#define _MIHSEC_EVENTS_H

#include <linux/in6.h>
#include <linux/types.h>
#include <linux/mihsec.h>
#include "ratelimit.h"

struct mihsec_net;
struct mihsec_sa;

/* What an event says; unknown parts are left zero / NULL */
struct mihsec_event_info {
	u8 family;			/* NFPROTO_IPV4 / NFPROTO_IPV6 */
	struct in6_addr addr;		/* the peer's; IPv4 in s6_addr32[0] */
	const u8 *peer_id;
	const u8 *local_id;
	u8 peer_len;
	u8 local_len;
	const u8 *keyid;
	const struct mihsec_sa *sa;
	bool has_mid;
	u16 mid;
};

#define MIHSEC_EVENT_RATE_DEFAULT	100
#define MIHSEC_EVENT_BURST_DEFAULT	100

void mihsec_event(struct mihsec_net *mn, enum mihsec_event type,
		  const struct mihsec_event_info *ei);

#endif /* _MIHSEC_EVENTS_H */

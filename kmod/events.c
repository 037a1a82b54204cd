// SPDX-License-Identifier: GPL-2.0
/*
 * Rate-limited events.  Raised from the netfilter hooks (atomic context)
 * and from the SA lifetime worker; nothing is built unless someone listens,
 * and past the namespace's token bucket an event is only counted.
 */
#include <linux/ktime.h>
#include "events.h"
#include "mihsec.h"
#include "netlink.h"

void mihsec_event(struct mihsec_net *mn, enum mihsec_event type,
		  const struct mihsec_event_info *ei)
{
	if (!mihsec_nl_event_listeners(mn->net))
		return;
	if (!mihsec_ratelimit_take(&mn->events, ktime_get_ns())) {
		mihsec_count(mn, MIHSEC_STAT_EVENTS_SUPPRESSED);
		return;
	}
	if (!mihsec_nl_event_send(mn->net, type, ei))
		mihsec_count(mn, MIHSEC_STAT_EVENTS_SENT);
}

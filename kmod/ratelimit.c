// SPDX-License-Identifier: GPL-2.0
/*
 * The token bucket that limits events per namespace: credit accrues in
 * nanoseconds up to burst events' worth; an event costs 1/rate seconds.
 */
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/time64.h>
#include "ratelimit.h"

static u64 mihsec_ratelimit_cost(u32 rate)
{
	return NSEC_PER_SEC / rate;
}

void mihsec_ratelimit_init(struct mihsec_ratelimit *rl, u32 rate, u32 burst)
{
	spin_lock_init(&rl->lock);
	mihsec_ratelimit_set(rl, rate, burst);
}

/* New limits start with a full bucket */
void mihsec_ratelimit_set(struct mihsec_ratelimit *rl, u32 rate, u32 burst)
{
	spin_lock_bh(&rl->lock);
	rl->rate = rate;
	rl->burst = burst;
	rl->tokens = rate ? mihsec_ratelimit_cost(rate) * burst : 0;
	rl->last = ktime_get_ns();
	spin_unlock_bh(&rl->lock);
}

/* One event's worth of tokens at time @now (ns), if there is one */
bool mihsec_ratelimit_take(struct mihsec_ratelimit *rl, u64 now)
{
	bool ok = false;
	u64 cost;

	spin_lock_bh(&rl->lock);
	if (rl->rate) {
		cost = mihsec_ratelimit_cost(rl->rate);
		if (now > rl->last)
			rl->tokens = min(rl->tokens + (now - rl->last),
					 cost * rl->burst);
		rl->last = max(rl->last, now);
		if (rl->tokens >= cost) {
			rl->tokens -= cost;
			ok = true;
		}
	}
	spin_unlock_bh(&rl->lock);
	return ok;
}


/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MIHSEC_RATELIMIT_H
#define _MIHSEC_RATELIMIT_H

#include <linux/spinlock.h>
#include <linux/types.h>

/* Token bucket: tokens are nanoseconds of credit, an event costs 1/rate s */
struct mihsec_ratelimit {
	spinlock_t lock;	/* guards the fields below */
	u32 rate;		/* events per second, 0: none */
	u32 burst;		/* events at once */
	u64 tokens;
	u64 last;		/* ktime_get_ns() of the last refill */
};

void mihsec_ratelimit_init(struct mihsec_ratelimit *rl, u32 rate, u32 burst);
void mihsec_ratelimit_set(struct mihsec_ratelimit *rl, u32 rate, u32 burst);
bool mihsec_ratelimit_take(struct mihsec_ratelimit *rl, u64 now);

#endif /* _MIHSEC_RATELIMIT_H */

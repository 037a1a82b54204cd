/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive replay window (PROTOCOL.md section 6), in the style of RFC 6479:
 * a ring of bitmap words one word larger than the window, so moving the
 * window forward only clears words, never shifts them.
 */
#ifndef _MIHSEC_REPLAY_H
#define _MIHSEC_REPLAY_H

#include <linux/spinlock.h>
#include <linux/types.h>

struct mihsec_replay {
	spinlock_t lock;	/* serialises updates; checks are lockless */
	u64 top;		/* highest sequence number accepted, 0: none */
	u32 window;		/* accept top - window < seq */
	u32 words;		/* ring size: window / BITS_PER_LONG + 1 */
	unsigned long bitmap[];
};

size_t mihsec_replay_size(u32 window);
void mihsec_replay_init(struct mihsec_replay *r, u32 window);
struct mihsec_replay *mihsec_replay_alloc(u32 window, gfp_t gfp);
bool mihsec_replay_check(const struct mihsec_replay *r, u64 seq);
bool mihsec_replay_update(struct mihsec_replay *r, u64 seq);

static inline u64 mihsec_replay_top(const struct mihsec_replay *r)
{
	return READ_ONCE(r->top);
}

#endif /* _MIHSEC_REPLAY_H */

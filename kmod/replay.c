// SPDX-License-Identifier: GPL-2.0
/*
 * Replay window: sequence numbers start at 1 (0 never appears: the parser
 * rejects it).  A number is accepted once, if it is above top - window.
 *
 * The ring holds words = roundup_pow_of_two(window / BITS_PER_LONG + 1)
 * words; the window spans at most window / BITS_PER_LONG + 1 of them, so the
 * words cleared when top advances never hold a live bit.
 */
#include <linux/bitops.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/mihsec.h>
#include "replay.h"

struct mihsec_replay *mihsec_replay_alloc(u32 window, gfp_t gfp)
{
	struct mihsec_replay *r;
	u32 words;

	if (window < MIHSEC_REPLAY_WINDOW_MIN ||
	    window > MIHSEC_REPLAY_WINDOW_MAX)
		return NULL;
	window = round_up(window, BITS_PER_LONG);
	words = roundup_pow_of_two(window / BITS_PER_LONG + 1);
	r = kzalloc(struct_size(r, bitmap, words), gfp);
	if (!r)
		return NULL;
	spin_lock_init(&r->lock);
	r->window = window;
	r->words = words;
	return r;
}

static bool mihsec_replay_too_old(const struct mihsec_replay *r, u64 top,
				  u64 seq)
{
	return seq <= top && top - seq >= r->window;
}

static u32 mihsec_replay_word(const struct mihsec_replay *r, u64 seq)
{
	return (seq / BITS_PER_LONG) & (r->words - 1);
}

/* Cheap pre-check before any crypto; the verdict is final only in update */
bool mihsec_replay_check(const struct mihsec_replay *r, u64 seq)
{
	u64 top = READ_ONCE(r->top);

	if (seq > top)
		return true;
	if (mihsec_replay_too_old(r, top, seq))
		return false;
	return !test_bit(seq % BITS_PER_LONG,
			 &r->bitmap[mihsec_replay_word(r, seq)]);
}

/* Record @seq after its ICV verified; false if it was seen or is too old */
bool mihsec_replay_update(struct mihsec_replay *r, u64 seq)
{
	bool fresh = false;
	u64 cur, next, n;

	spin_lock_bh(&r->lock);
	if (mihsec_replay_too_old(r, r->top, seq))
		goto out;
	if (seq > r->top) {
		cur = r->top / BITS_PER_LONG;
		next = seq / BITS_PER_LONG;
		n = min_t(u64, next - cur, r->words);
		while (n--)
			r->bitmap[(next - n) & (r->words - 1)] = 0;
		WRITE_ONCE(r->top, seq);
	}
	fresh = !__test_and_set_bit(seq % BITS_PER_LONG,
				    &r->bitmap[mihsec_replay_word(r, seq)]);
out:
	spin_unlock_bh(&r->lock);
	return fresh;
}

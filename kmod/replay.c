// SPDX-License-Identifier: GPL-2.0
/*
 * Replay window: sequence numbers start at 1 (0 never appears: the parser
 * rejects it).  A number is accepted once, if it is above top - window.
 *
 * The ring holds words = window / BITS_PER_LONG + 1 words, as many as the
 * window can span, so the words cleared when top advances never hold a
 * live bit.  Not rounding the ring up to a power of two costs one division
 * per lookup and saves up to half the ring (256 octets of the default
 * window's 392): it sits in every SA, and a router holds millions.
 */
#include <linux/bitops.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/mihsec.h>
#include "replay.h"

static u32 mihsec_replay_words(u32 window)
{
	return round_up(window, BITS_PER_LONG) / BITS_PER_LONG + 1;
}

/* Octets a window of @window packets takes; 0 if @window is out of range */
size_t mihsec_replay_size(u32 window)
{
	struct mihsec_replay *r;

	if (window < MIHSEC_REPLAY_WINDOW_MIN ||
	    window > MIHSEC_REPLAY_WINDOW_MAX)
		return 0;
	return struct_size(r, bitmap, mihsec_replay_words(window));
}

/* Set up zeroed memory of mihsec_replay_size(@window) octets */
void mihsec_replay_init(struct mihsec_replay *r, u32 window)
{
	spin_lock_init(&r->lock);
	r->window = round_up(window, BITS_PER_LONG);
	r->words = mihsec_replay_words(window);
}

struct mihsec_replay *mihsec_replay_alloc(u32 window, gfp_t gfp)
{
	size_t size = mihsec_replay_size(window);
	struct mihsec_replay *r;

	if (!size)
		return NULL;
	r = kzalloc(size, gfp);
	if (r)
		mihsec_replay_init(r, window);
	return r;
}

static bool mihsec_replay_too_old(const struct mihsec_replay *r, u64 top,
				  u64 seq)
{
	return seq <= top && top - seq >= r->window;
}

static u32 mihsec_replay_slot(const struct mihsec_replay *r, u64 block)
{
	u32 slot;

	div_u64_rem(block, r->words, &slot);
	return slot;
}

static u32 mihsec_replay_word(const struct mihsec_replay *r, u64 seq)
{
	return mihsec_replay_slot(r, seq / BITS_PER_LONG);
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
			r->bitmap[mihsec_replay_slot(r, next - n)] = 0;
		WRITE_ONCE(r->top, seq);
	}
	fresh = !__test_and_set_bit(seq % BITS_PER_LONG,
				    &r->bitmap[mihsec_replay_word(r, seq)]);
out:
	spin_unlock_bh(&r->lock);
	return fresh;
}

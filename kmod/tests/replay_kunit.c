// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the replay window (PROTOCOL.md section 6) at its boundaries, in
 * the spirit of WireGuard's selftest/counter.c.
 */
#include <kunit/test.h>
#include <linux/mihsec.h>
#include "../mih.h"
#include "../replay.h"

static struct mihsec_replay *new_window(struct kunit *test, u32 window)
{
	struct mihsec_replay *r = mihsec_replay_alloc(window, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	return r;
}

/* accept: the pre-check and the update agree */
static bool accept(struct mihsec_replay *r, u64 seq)
{
	bool pre = mihsec_replay_check(r, seq);
	bool ok = mihsec_replay_update(r, seq);

	return pre && ok;
}

static void replay_bounds(struct kunit *test)
{
	struct mihsec_replay *r;

	KUNIT_EXPECT_NULL(test, mihsec_replay_alloc(MIHSEC_REPLAY_WINDOW_MIN - 1,
						    GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, mihsec_replay_alloc(MIHSEC_REPLAY_WINDOW_MAX + 1,
						    GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, mihsec_replay_alloc(0, GFP_KERNEL));
	r = new_window(test, 100);		/* rounded up */
	KUNIT_EXPECT_EQ(test, r->window, 128);
	kfree(r);
	r = new_window(test, MIHSEC_REPLAY_WINDOW_MAX);
	KUNIT_EXPECT_EQ(test, r->window, MIHSEC_REPLAY_WINDOW_MAX);
	KUNIT_EXPECT_GE(test, r->words * BITS_PER_LONG,
			MIHSEC_REPLAY_WINDOW_MAX + BITS_PER_LONG);
	kfree(r);
}

static void replay_in_order(struct kunit *test)
{
	struct mihsec_replay *r = new_window(test, 1024);
	u64 i;

	for (i = 1; i <= 5000; i++)
		KUNIT_ASSERT_TRUE_MSG(test, accept(r, i), "seq %llu", i);
	KUNIT_EXPECT_EQ(test, mihsec_replay_top(r), 5000);
	for (i = 4000; i <= 5000; i++)
		KUNIT_ASSERT_FALSE_MSG(test, accept(r, i), "dup %llu", i);
	kfree(r);
}

static void replay_duplicate_first(struct kunit *test)
{
	struct mihsec_replay *r = new_window(test, 64);

	KUNIT_EXPECT_TRUE(test, mihsec_replay_check(r, 1));
	KUNIT_EXPECT_TRUE(test, mihsec_replay_check(r, 1)); /* check is pure */
	KUNIT_EXPECT_TRUE(test, accept(r, 1));
	KUNIT_EXPECT_FALSE(test, mihsec_replay_check(r, 1));
	KUNIT_EXPECT_FALSE(test, mihsec_replay_update(r, 1));
	kfree(r);
}

static void replay_out_of_order(struct kunit *test)
{
	struct mihsec_replay *r = new_window(test, 1024);
	u64 i;

	KUNIT_EXPECT_TRUE(test, accept(r, 1000));
	/* everything in the window below top, each exactly once */
	for (i = 999; i >= 1; i--)
		KUNIT_ASSERT_TRUE_MSG(test, accept(r, i), "seq %llu", i);
	for (i = 1; i <= 1000; i++)
		KUNIT_ASSERT_FALSE_MSG(test, accept(r, i), "dup %llu", i);
	/* interleaved */
	KUNIT_EXPECT_TRUE(test, accept(r, 1003));
	KUNIT_EXPECT_TRUE(test, accept(r, 1001));
	KUNIT_EXPECT_TRUE(test, accept(r, 1002));
	KUNIT_EXPECT_FALSE(test, accept(r, 1001));
	kfree(r);
}

/* The window covers exactly (top - window, top] */
static void replay_window_edges(struct kunit *test)
{
	static const u32 windows[] = { 64, 128, 1024, 8192 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(windows); i++) {
		struct mihsec_replay *r = new_window(test, windows[i]);
		u64 w = windows[i], top = 3 * w + 17;

		KUNIT_ASSERT_TRUE(test, accept(r, top));
		KUNIT_EXPECT_FALSE_MSG(test, accept(r, top - w), "w %llu", w);
		KUNIT_EXPECT_TRUE_MSG(test, accept(r, top - w + 1), "w %llu", w);
		KUNIT_EXPECT_FALSE(test, accept(r, top - w + 1));
		KUNIT_EXPECT_FALSE(test, accept(r, 1));
		/* advancing by one slides the lower edge by one */
		KUNIT_EXPECT_TRUE(test, accept(r, top + 1));
		KUNIT_EXPECT_FALSE(test, accept(r, top - w + 1));
		KUNIT_EXPECT_TRUE(test, accept(r, top - w + 2));
		kfree(r);
	}
}

static void replay_jumps(struct kunit *test)
{
	struct mihsec_replay *r = new_window(test, 1024);
	u64 i;

	for (i = 1; i <= 64; i++)
		KUNIT_ASSERT_TRUE(test, accept(r, i));
	/* a far jump clears the whole ring: old bits must not linger */
	KUNIT_EXPECT_TRUE(test, accept(r, 1000000));
	KUNIT_EXPECT_FALSE(test, accept(r, 64));
	for (i = 1000000 - 1023; i < 1000000; i += 97)
		KUNIT_EXPECT_TRUE_MSG(test, accept(r, i), "seq %llu", i);
	/* a jump of exactly one ring word */
	KUNIT_EXPECT_TRUE(test, accept(r, 1000000 + BITS_PER_LONG));
	KUNIT_EXPECT_FALSE(test, accept(r, 1000000));
	KUNIT_EXPECT_TRUE(test, accept(r, 1000001));
	/* jumps that land on bits used one ring turn earlier */
	for (i = 2; i <= 20; i++) {
		u64 s = 1000000 + i * r->words * BITS_PER_LONG;

		KUNIT_EXPECT_TRUE_MSG(test, accept(r, s), "seq %llu", s);
		KUNIT_EXPECT_TRUE_MSG(test, accept(r, s - 1), "seq %llu", s - 1);
	}
	kfree(r);
}

static void replay_near_exhaustion(struct kunit *test)
{
	struct mihsec_replay *r = new_window(test, 1024);

	KUNIT_EXPECT_TRUE(test, accept(r, MIHSEC_SEQ_MAX - 5));
	KUNIT_EXPECT_TRUE(test, accept(r, MIHSEC_SEQ_MAX));
	KUNIT_EXPECT_FALSE(test, accept(r, MIHSEC_SEQ_MAX));
	KUNIT_EXPECT_TRUE(test, accept(r, MIHSEC_SEQ_MAX - 1));
	KUNIT_EXPECT_FALSE(test, accept(r, MIHSEC_SEQ_MAX - 5));
	KUNIT_EXPECT_FALSE(test, accept(r, MIHSEC_SEQ_MAX - 1024));
	KUNIT_EXPECT_TRUE(test, accept(r, MIHSEC_SEQ_MAX - 1023));
	KUNIT_EXPECT_EQ(test, mihsec_replay_top(r), MIHSEC_SEQ_MAX);
	kfree(r);
}

/*
 * Against a reference model: a number is fresh if it is above top - window
 * and not among the numbers accepted so far (kept in a plain array).
 * Pseudo-random steps, mostly small and backwards-or-forwards, some far,
 * for rings of 2 words (window 64), 17 (1024: not a power of two) and
 * 129 (8192), starting so that the ring index crosses 2^32 words.
 */
#define MODEL_STEPS	3000

static bool model_fresh(const u64 *seen, unsigned int n, u64 top, u32 window,
			u64 seq)
{
	unsigned int i;

	if (seq <= top && top - seq >= window)
		return false;
	for (i = 0; i < n; i++)
		if (seen[i] == seq)
			return false;
	return true;
}

static void replay_model(struct kunit *test)
{
	static const u32 windows[] = { 64, 1024, 8192 };
	u64 *seen = kunit_kcalloc(test, MODEL_STEPS, sizeof(*seen), GFP_KERNEL);
	unsigned int w, i, n;
	u32 x = 2463534242u;	/* xorshift32: repeatable */

	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (w = 0; w < ARRAY_SIZE(windows); w++) {
		struct mihsec_replay *r = new_window(test, windows[w]);
		u64 base = (1ULL << 32) * BITS_PER_LONG - 3 * windows[w];
		u64 top = 0, seq = base;

		for (i = 0, n = 0; i < MODEL_STEPS; i++) {
			bool want, got;
			s64 step;

			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			step = (s64)(x % (2 * windows[w] + 64)) -
			       (s64)windows[w];
			if (!(x & 0x3f0000))
				step += 3 * windows[w] + (x & 0xff);
			seq = max_t(s64, (s64)base, (s64)seq + step);
			want = model_fresh(seen, n, top, r->window, seq);
			got = accept(r, seq);
			KUNIT_ASSERT_EQ_MSG(test, got, want,
					    "window %u step %u seq %llu top %llu",
					    windows[w], i, seq, top);
			if (got) {
				seen[n++] = seq;
				top = max(top, seq);
			}
		}
		KUNIT_EXPECT_EQ(test, mihsec_replay_top(r), top);
		kfree(r);
	}
}

static struct kunit_case replay_cases[] = {
	KUNIT_CASE(replay_bounds),
	KUNIT_CASE(replay_in_order),
	KUNIT_CASE(replay_duplicate_first),
	KUNIT_CASE(replay_out_of_order),
	KUNIT_CASE(replay_window_edges),
	KUNIT_CASE(replay_jumps),
	KUNIT_CASE(replay_near_exhaustion),
	KUNIT_CASE(replay_model),
	{}
};

static struct kunit_suite replay_suite = {
	.name = "mihsec_replay",
	.test_cases = replay_cases,
};

kunit_test_suite(replay_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the event token bucket (rate per second, burst), driven with
 * explicit timestamps.
 */
#include <kunit/test.h>
#include <linux/time64.h>
#include "../ratelimit.h"

static unsigned int take_n(struct mihsec_ratelimit *rl, u64 now,
			   unsigned int tries)
{
	unsigned int n = 0;

	while (tries--)
		n += mihsec_ratelimit_take(rl, now);
	return n;
}

static void rl_burst_then_rate(struct kunit *test)
{
	struct mihsec_ratelimit rl;
	u64 t;

	mihsec_ratelimit_init(&rl, 10, 5);
	t = rl.last;
	KUNIT_EXPECT_EQ(test, take_n(&rl, t, 100), 5);	/* a full bucket */
	KUNIT_EXPECT_EQ(test, take_n(&rl, t, 100), 0);
	/* 0.1 s buys one event at 10/s, 0.35 s three */
	KUNIT_EXPECT_EQ(test, take_n(&rl, t + NSEC_PER_SEC / 10, 100), 1);
	KUNIT_EXPECT_EQ(test, take_n(&rl, t + NSEC_PER_SEC * 45 / 100, 100), 3);
	/* a long silence refills to the burst, not beyond */
	KUNIT_EXPECT_EQ(test, take_n(&rl, t + 3600 * NSEC_PER_SEC, 100), 5);
}

static void rl_flood(struct kunit *test)
{
	struct mihsec_ratelimit rl;
	unsigned int n = 0, i;
	u64 t;

	mihsec_ratelimit_init(&rl, 100, 100);
	t = rl.last;
	/* 10 s of a million attempts per second: burst + 100/s */
	for (i = 0; i < 10000000; i += 1000)
		n += take_n(&rl, t + (u64)i * 1000, 1000);
	KUNIT_EXPECT_GE(test, n, 100 + 999);
	KUNIT_EXPECT_LE(test, n, 100 + 1000);
}

static void rl_off_and_clock(struct kunit *test)
{
	struct mihsec_ratelimit rl;
	u64 t;

	mihsec_ratelimit_init(&rl, 0, 10);	/* rate 0: no events at all */
	KUNIT_EXPECT_EQ(test, take_n(&rl, rl.last + NSEC_PER_SEC, 10), 0);
	mihsec_ratelimit_set(&rl, 1, 1);
	t = rl.last;
	KUNIT_EXPECT_EQ(test, take_n(&rl, t, 10), 1);
	/* a timestamp from the past neither refills nor breaks anything */
	KUNIT_EXPECT_EQ(test, take_n(&rl, t - 1, 10), 0);
	KUNIT_EXPECT_EQ(test, take_n(&rl, t + NSEC_PER_SEC, 10), 1);
}

static struct kunit_case rl_cases[] = {
	KUNIT_CASE(rl_burst_then_rate),
	KUNIT_CASE(rl_flood),
	KUNIT_CASE(rl_off_and_clock),
	{}
};

static struct kunit_suite rl_suite = {
	.name = "mihsec_ratelimit",
	.test_cases = rl_cases,
};

kunit_test_suite(rl_suite);

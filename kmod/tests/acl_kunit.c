// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: MID sets (per-SA allow lists, exemptions from "require").
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/mihsec.h>
#include "../acl.h"
#include "../mih.h"

static void acl_sorted_dedup(struct kunit *test)
{
	static const u16 mids[] = { 0x4801, 0x1401, 0x2c02, 0x1401, 0xffff,
				    0x0000, 0x4801 };
	struct mihsec_midset *s = mihsec_midset_new(mids, ARRAY_SIZE(mids),
						    GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	KUNIT_EXPECT_EQ(test, s->n, 5);
	for (i = 1; i < s->n; i++)
		KUNIT_EXPECT_LT(test, s->mid[i - 1], s->mid[i]);
	for (i = 0; i < ARRAY_SIZE(mids); i++)
		KUNIT_EXPECT_TRUE(test, mihsec_midset_has(s, mids[i]));
	KUNIT_EXPECT_FALSE(test, mihsec_midset_has(s, 0x4401));
	KUNIT_EXPECT_FALSE(test, mihsec_midset_has(s, 0x1801));
	KUNIT_EXPECT_FALSE(test, mihsec_midset_has(s, 0xfffe));
	kfree(s);
}

static void acl_empty_and_null(struct kunit *test)
{
	struct mihsec_midset *s = mihsec_midset_new(NULL, 0, GFP_KERNEL);

	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	KUNIT_EXPECT_EQ(test, s->n, 0);
	KUNIT_EXPECT_FALSE(test, mihsec_midset_has(s, 0));	/* allows nothing */
	KUNIT_EXPECT_FALSE(test, mihsec_midset_has(NULL, 0x1401));
	kfree(s);
}

static void acl_bounds(struct kunit *test)
{
	u16 *mids = kunit_kcalloc(test, MIHSEC_ALLOW_MAX + 1, sizeof(*mids),
				  GFP_KERNEL);
	struct mihsec_midset *s;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, mids);
	for (i = 0; i <= MIHSEC_ALLOW_MAX; i++)
		mids[i] = 0xffff - 3 * i;
	s = mihsec_midset_new(mids, MIHSEC_ALLOW_MAX + 1, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(s), -E2BIG);
	s = mihsec_midset_new(mids, MIHSEC_ALLOW_MAX, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	for (i = 0; i < MIHSEC_ALLOW_MAX; i++) {
		KUNIT_EXPECT_TRUE(test, mihsec_midset_has(s, mids[i]));
		KUNIT_EXPECT_FALSE(test, mihsec_midset_has(s, mids[i] - 1));
	}
	kfree(s);
}

/* PROTOCOL.md section 5 step 2 defaults */
static void acl_default_exemptions(struct kunit *test)
{
	struct mihsec_midset *e = mihsec_default_exempt();
	struct mihsec_midset *u = mihsec_default_exempt_uir();

	KUNIT_ASSERT_FALSE(test, IS_ERR(e));
	KUNIT_ASSERT_FALSE(test, IS_ERR(u));
	KUNIT_EXPECT_TRUE(test, mihsec_midset_has(e, MIH_MID(1, MIH_OP_REQUEST, 1)));
	KUNIT_EXPECT_TRUE(test, mihsec_midset_has(e, MIH_MID(1, MIH_OP_RESPONSE, 1)));
	KUNIT_EXPECT_FALSE(test, mihsec_midset_has(e, MIH_MID(1, MIH_OP_REQUEST, 4)));
	KUNIT_EXPECT_FALSE(test, mihsec_midset_has(e, MIH_MID(4, MIH_OP_REQUEST, 1)));
	KUNIT_EXPECT_TRUE(test, mihsec_midset_has(u, MIH_MID(4, MIH_OP_REQUEST, 1)));
	KUNIT_EXPECT_FALSE(test, mihsec_midset_has(u, MIH_MID(4, MIH_OP_RESPONSE, 1)));
	KUNIT_EXPECT_FALSE(test, mihsec_midset_has(u, MIH_MID(3, MIH_OP_REQUEST, 7)));
	kfree(e);
	kfree(u);
}

static struct kunit_case acl_cases[] = {
	KUNIT_CASE(acl_sorted_dedup),
	KUNIT_CASE(acl_empty_and_null),
	KUNIT_CASE(acl_bounds),
	KUNIT_CASE(acl_default_exemptions),
	{}
};

static struct kunit_suite acl_suite = {
	.name = "mihsec_acl",
	.test_cases = acl_cases,
};

kunit_test_suite(acl_suite);

/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by mihsec's KUnit suites (6.1 has no KUNIT_EXPECT_MEMEQ) */
#ifndef _MIHSEC_KUNIT_UTIL_H
#define _MIHSEC_KUNIT_UTIL_H

#include <kunit/test.h>
#include <linux/string.h>

#define MIHSEC_EXPECT_MEMEQ_MSG(test, left, right, size, fmt, ...)	\
	KUNIT_EXPECT_EQ_MSG(test, memcmp(left, right, size), 0,		\
			    "%s != %s: " fmt, #left, #right, ##__VA_ARGS__)

#define MIHSEC_EXPECT_MEMEQ(test, left, right, size)			\
	MIHSEC_EXPECT_MEMEQ_MSG(test, left, right, size, "differ")

#endif /* _MIHSEC_KUNIT_UTIL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * MID sets: sorted arrays searched by bisection, so a check costs
 * O(log n) with n <= MIHSEC_ALLOW_MAX and no allocation.  A set is never
 * changed in place: a new one replaces it and the old one is freed after
 * an RCU grace period.
 */
#include <linux/bsearch.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/netlink.h>
#include <linux/mihsec.h>
#include "acl.h"
#include "mih.h"

static int mihsec_mid_cmp(const void *a, const void *b)
{
	return (int)*(const u16 *)a - (int)*(const u16 *)b;
}

/* A set of @n MIDs (any order, duplicates allowed) */
struct mihsec_midset *mihsec_midset_new(const u16 *mids, unsigned int n, gfp_t gfp)
{
	struct mihsec_midset *s;
	unsigned int i, j;

	if (n > MIHSEC_ALLOW_MAX)
		return ERR_PTR(-E2BIG);
	s = kmalloc(struct_size(s, mid, n), gfp);
	if (!s)
		return ERR_PTR(-ENOMEM);
	memcpy(s->mid, mids, n * sizeof(*mids));
	sort(s->mid, n, sizeof(*mids), mihsec_mid_cmp, NULL);
	for (i = 0, j = 0; i < n; i++)
		if (!j || s->mid[j - 1] != s->mid[i])
			s->mid[j++] = s->mid[i];
	s->n = j;
	return s;
}

/* From a nest of MIHSEC_MID_ENTRY attributes (validated by the policy) */
struct mihsec_midset *mihsec_midset_from_nla(const struct nlattr *nest,
					     struct netlink_ext_ack *extack)
{
	u16 mids[MIHSEC_ALLOW_MAX];
	const struct nlattr *a;
	unsigned int n = 0;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != MIHSEC_MID_ENTRY) {
			NL_SET_ERR_MSG_ATTR(extack, a, "expected MIHSEC_MID_ENTRY");
			return ERR_PTR(-EINVAL);
		}
		if (n == MIHSEC_ALLOW_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, nest, "too many message IDs");
			return ERR_PTR(-E2BIG);
		}
		mids[n++] = nla_get_u16(a);
	}
	return mihsec_midset_new(mids, n, GFP_KERNEL_ACCOUNT);
}

bool mihsec_midset_has(const struct mihsec_midset *s, u16 mid)
{
	return s && bsearch(&mid, s->mid, s->n, sizeof(mid), mihsec_mid_cmp);
}

int mihsec_midset_put(struct sk_buff *skb, int attr,
		      const struct mihsec_midset *s)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < s->n; i++) {
		if (nla_put_u16(skb, MIHSEC_MID_ENTRY, s->mid[i])) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

void mihsec_midset_free(struct mihsec_midset *s)
{
	if (s)
		kfree_rcu(s, rcu);
}

/* PROTOCOL.md section 5 step 2 defaults */
struct mihsec_midset *mihsec_default_exempt(void)
{
	static const u16 mids[] = {
		MIH_MID(1, MIH_OP_REQUEST, 1),	/* Capability_Discover */
		MIH_MID(1, MIH_OP_RESPONSE, 1),
	};

	return mihsec_midset_new(mids, ARRAY_SIZE(mids), GFP_KERNEL);
}

struct mihsec_midset *mihsec_default_exempt_uir(void)
{
	static const u16 mids[] = {
		MIH_MID(4, MIH_OP_REQUEST, 1),	/* Get_Information */
	};

	return mihsec_midset_new(mids, ARRAY_SIZE(mids), GFP_KERNEL);
}

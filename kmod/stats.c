// SPDX-License-Identifier: GPL-2.0
/*
 * Counters: written lock-free on the CPU that handles the packet, summed
 * over all CPUs when userspace asks.
 */
#include <linux/overflow.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include "stats.h"

struct mihsec_ctr __percpu *mihsec_ctr_alloc(unsigned int n)
{
	struct mihsec_ctr __percpu *c;
	struct mihsec_ctr *s;
	int cpu;

	c = __alloc_percpu_gfp(struct_size(s, v, n), __alignof__(*s),
			       GFP_KERNEL);
	if (!c)
		return NULL;
	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(c, cpu);
		u64_stats_init(&s->syncp);
	}
	return c;
}

void mihsec_ctr_free(struct mihsec_ctr __percpu *c)
{
	free_percpu(c);
}

void mihsec_ctr_sum(struct mihsec_ctr __percpu *c, unsigned int n, u64 *out)
{
	unsigned int i, start;
	int cpu;

	memset(out, 0, n * sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct mihsec_ctr *s = per_cpu_ptr(c, cpu);
		u64 v[32];

		if (WARN_ON_ONCE(n > ARRAY_SIZE(v)))
			return;
		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < n; i++)
				v[i] = u64_stats_read(&s->v[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < n; i++)
			out[i] += v[i];
	}
}

/*
 * A nest @attr holding counter i as attribute i, for 1 <= i < n.  Counter
 * 0 is the nest's UNSPEC type, which doubles as its padding attribute.
 */
int mihsec_ctr_put(struct sk_buff *skb, int attr,
		   struct mihsec_ctr __percpu *c, unsigned int n)
{
	struct nlattr *nest;
	unsigned int i;
	u64 v[32];

	if (WARN_ON_ONCE(n > ARRAY_SIZE(v)))
		return -EINVAL;
	mihsec_ctr_sum(c, n, v);
	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i < n; i++) {
		if (nla_put_u64_64bit(skb, i, v[i], 0)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

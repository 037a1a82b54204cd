/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU 64-bit counter arrays (u64_stats): the per-namespace counters of
 * enum mihsec_stat and the per-SA counters of enum mihsec_sa_stat.
 */
#ifndef _MIHSEC_STATS_H
#define _MIHSEC_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

struct sk_buff;

struct mihsec_ctr {
	struct u64_stats_sync syncp;
	u64_stats_t v[];
};

struct mihsec_ctr __percpu *mihsec_ctr_alloc(unsigned int n);
void mihsec_ctr_free(struct mihsec_ctr __percpu *c);
void mihsec_ctr_sum(struct mihsec_ctr __percpu *c, unsigned int n, u64 *out);
int mihsec_ctr_put(struct sk_buff *skb, int attr,
		   struct mihsec_ctr __percpu *c, unsigned int n);

/* Caller runs with bottom halves disabled (the hooks do) */
static inline void mihsec_ctr_add(struct mihsec_ctr __percpu *c,
				  unsigned int i, u64 n)
{
	struct mihsec_ctr *s = this_cpu_ptr(c);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->v[i], n);
	u64_stats_update_end(&s->syncp);
}

#endif /* _MIHSEC_STATS_H */

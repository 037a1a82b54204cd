/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-network-namespace state of mihsec: the policy, the SA table and the
 * drop-reason counters.  Every namespace gets its own (pernet_operations).
 */
#ifndef _MIHSEC_H
#define _MIHSEC_H

#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/mihsec.h>
#include "acl.h"
#include "events.h"
#include "stats.h"

struct mihsec_net {
	struct net *net;
	u8 policy;			/* enum mihsec_policy, READ_ONCE */
	struct mihsec_midset __rcu *exempt;	/* from "require" */
	struct mihsec_midset __rcu *exempt_uir;	/* the same, if UIR set */
	struct mutex lock;		/* serialises SA table writers */
	struct rhashtable by_keyid;	/* receive: RX key ID -> SA */
	struct rhltable by_peer;	/* send: peer MIHF ID -> SAs */
	struct xarray by_index;		/* dumps: index -> SA */
	struct rhashtable keyids_used;	/* every key ID held since load */
	u32 next_index;
	u64 serial;			/* creation order of SAs */
	u32 count;
	u32 gen;			/* bumped on every change (dumps) */
	u32 n_timed;			/* SAs with a lifetime or retiring */
	struct delayed_work gc;		/* expires SAs, raises their events */
	struct mihsec_ctr __percpu *stats; /* enum mihsec_stat */
	struct mihsec_ratelimit events;
};

extern unsigned int mihsec_net_id;
extern __be16 mihsec_port;

static inline struct mihsec_net *mihsec_pernet(const struct net *net)
{
	return net_generic(net, mihsec_net_id);
}

static inline void mihsec_count(struct mihsec_net *mn, enum mihsec_stat s)
{
	mihsec_ctr_add(mn->stats, s, 1);
}

#endif /* _MIHSEC_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Access control by 802.21 message ID (MID = SID | opcode | AID): the
 * per-SA allow lists of PROTOCOL.md section 5 step 9 and the namespace's
 * exemptions from "require" (step 2).
 */
#ifndef _MIHSEC_ACL_H
#define _MIHSEC_ACL_H

#include <linux/rcupdate.h>
#include <linux/types.h>

struct nlattr;
struct netlink_ext_ack;
struct sk_buff;

/* A sorted set of MIDs, immutable once built, freed after a grace period */
struct mihsec_midset {
	struct rcu_head rcu;
	u16 n;
	u16 mid[];
};

struct mihsec_midset *mihsec_midset_new(const u16 *mids, unsigned int n, gfp_t gfp);
struct mihsec_midset *mihsec_midset_from_nla(const struct nlattr *nest,
					     struct netlink_ext_ack *extack);
bool mihsec_midset_has(const struct mihsec_midset *s, u16 mid);
int mihsec_midset_put(struct sk_buff *skb, int attr,
		      const struct mihsec_midset *s);
void mihsec_midset_free(struct mihsec_midset *s);

struct mihsec_midset *mihsec_default_exempt(void);
struct mihsec_midset *mihsec_default_exempt_uir(void);

#endif /* _MIHSEC_ACL_H */

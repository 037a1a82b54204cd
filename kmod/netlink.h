/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MIHSEC_NETLINK_H
#define _MIHSEC_NETLINK_H

#include <linux/types.h>
#include <linux/mihsec.h>

struct mihsec_event_info;
struct net;

int mihsec_genl_init(void);
void mihsec_genl_exit(void);
bool mihsec_nl_event_listeners(struct net *net);
int mihsec_nl_event_send(struct net *net, enum mihsec_event type,
			 const struct mihsec_event_info *ei);

#endif /* _MIHSEC_NETLINK_H */

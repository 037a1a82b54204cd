/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MIHSEC_HOOK_H
#define _MIHSEC_HOOK_H

struct net;

int mihsec_hooks_register(struct net *net);
void mihsec_hooks_unregister(struct net *net);

#endif /* _MIHSEC_HOOK_H */

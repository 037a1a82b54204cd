/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MIHSEC_NETLINK_H
#define _MIHSEC_NETLINK_H

int mihsec_genl_init(void);
void mihsec_genl_exit(void);

#endif /* _MIHSEC_NETLINK_H */

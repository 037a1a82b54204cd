/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PROTOCOL.md section 5, steps 4-10, on a linear protected PDU whose SA
 * was found: everything between the key ID lookup and the rewritten plain
 * PDU, with no skb, counter or event, so KUnit can drive every verdict.
 */
#ifndef _MIHSEC_PDU_H
#define _MIHSEC_PDU_H

#include <linux/mihsec.h>
#include "mih.h"

struct mihsec_sa;

enum mihsec_stat mihsec_pdu_open(struct mihsec_sa *sa, u8 *pdu,
				 const struct mih_pdu *p, unsigned int *len);

#endif /* _MIHSEC_PDU_H */

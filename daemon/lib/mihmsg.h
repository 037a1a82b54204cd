/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IEEE 802.21 message names <-> message IDs (MIDs), from the table of
 * WIRE.md section 3.  A MID is SID << 12 | opcode << 10 | AID (16 bits:
 * SID 4 bits, opcode 2 bits, AID 10 bits).  Only the opcodes that travel
 * on UDP (request 1, response 2, indication 3) are "wire opcodes"; Confirm
 * (0) is a local SAP primitive.  Shared by mihsecctl and mihsecd.
 */
#ifndef MIHSEC_LIB_MIHMSG_H
#define MIHSEC_LIB_MIHMSG_H

#include <stddef.h>
#include <stdint.h>

enum {
	MIHMSG_OP_CONFIRM = 0,
	MIHMSG_OP_REQUEST = 1,
	MIHMSG_OP_RESPONSE = 2,
	MIHMSG_OP_INDICATION = 3,
};

#define MIHMSG_MID(sid, op, aid) \
	((uint16_t)(((sid) & 0xf) << 12 | ((op) & 0x3) << 10 | ((aid) & 0x3ff)))
#define MIHMSG_SID(mid)	((unsigned int)((mid) >> 12) & 0xf)
#define MIHMSG_OP(mid)	((unsigned int)((mid) >> 10) & 0x3)
#define MIHMSG_AID(mid)	((unsigned int)(mid) & 0x3ff)

struct mihmsg {
	const char *name;	/* "MIH_Get_Information" */
	uint8_t sid;
	uint16_t aid;
	uint8_t ops;		/* mask of 1 << MIHMSG_OP_* sent on the wire */
};

/* The table (WIRE.md section 3), @n entries */
const struct mihmsg *mihmsg_table(size_t *n);

/* The message with this SID and AID, or NULL */
const struct mihmsg *mihmsg_lookup(unsigned int sid, unsigned int aid);

/* "request", "response", "indication", "confirm" */
const char *mihmsg_op_name(unsigned int op);

/*
 * Parse one message designator (case-sensitive):
 *   MIH_Get_Information            every wire opcode of the message
 *   MIH_Get_Information.request    one MID (.response, .indication too; only
 *                                  opcodes the message has on the wire)
 *   0x4401                         a raw MID (hex, 1-4 digits, "0x" prefix)
 * Stores up to @max MIDs in @mids, returns how many, or -EINVAL if @s is
 * not a designator, -ENOSPC if it names more than @max.
 */
int mihmsg_parse(const char *s, uint16_t *mids, size_t max);

/*
 * Parse a comma-separated list of designators into @mids (at most @max);
 * duplicates are kept once, in first-seen order.  Returns the count or
 * -EINVAL (an empty item or a bad designator; *@bad then points at its
 * start in @s, else NULL) or -ENOSPC.
 */
int mihmsg_parse_list(const char *s, uint16_t *mids, size_t max,
		      const char **bad);

/*
 * Name of @mid: "MIH_Get_Information.request" for a wire opcode of a known
 * message, else "0x%04x".  Writes at most @len octets (MIHMSG_NAME_LEN is
 * always enough) and returns @buf.
 */
#define MIHMSG_NAME_LEN	48
char *mihmsg_name(uint16_t mid, char *buf, size_t len);

#endif /* MIHSEC_LIB_MIHMSG_H */

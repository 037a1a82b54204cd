/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IEEE 802.21 framing as mihsec needs it: the MIH header, the TLV length
 * encoding, the Source/Destination MIHF ID TLVs, and the MIHSec layout of
 * PROTOCOL.md section 3.  Pure functions over a linear buffer; every length
 * is bounded by the buffer.  No skbs here, so KUnit can test all of it.
 */
#ifndef _MIHSEC_MIH_H
#define _MIHSEC_MIH_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/mihsec.h>

#define MIH_HDR_LEN		8
#define MIH_VERSION		1
#define MIH_TLV_SRC_ID		1
#define MIH_TLV_DST_ID		2
#define MIH_LEN_EXT_MAX		4	/* extension octets accepted */

/* octet 0 of the header */
#define MIH_HDR_ACK_REQ		0x08
#define MIH_HDR_ACK_RSP		0x04
#define MIH_HDR_UIR		0x02

/* MID = SID << 12 | opcode << 10 | AID */
#define MIH_MID(sid, op, aid)	(((sid) << 12) | ((op) << 10) | (aid))
#define MIH_OP_REQUEST		1
#define MIH_OP_RESPONSE		2

/* Security TLV value: flags, suite, key ID, sequence */
#define MIHSEC_SEC_FIXED_LEN	(1 + 1 + MIHSEC_KEYID_LEN + 8)
#define MIHSEC_IV_LEN		16

/* Where the parts of a parsed MIH PDU are (offsets from the PDU start) */
struct mih_pdu {
	unsigned int len;	/* header + payload */
	u8 octet0;		/* version and flags */
	u16 mid;
	u16 tid;
	unsigned int src_off;	/* octets of the Source MIHF ID */
	unsigned int dst_off;	/* octets of the Destination MIHF ID */
	u8 src_len;
	u8 dst_len;
	unsigned int body_off;	/* first octet after the Destination TLV */
	bool protected;		/* TLV 200/201 present (layout checked) */

	/* valid when protected */
	u8 wflags;		/* MIHSEC_WIRE_F_* */
	u8 suite;
	unsigned int keyid_off;
	u64 seq;
	unsigned int iv_off;	/* 0: no IV */
	unsigned int aad_len;	/* octets from the PDU start to Body */
	unsigned int cbody_off;	/* Body, as on the wire */
	unsigned int cbody_len;
	unsigned int icv_off;
};

int mih_len_decode(const u8 *p, unsigned int avail, u32 *len);
unsigned int mih_len_size(u32 len);
unsigned int mih_len_encode(u8 *p, u32 len);
int mih_tlv_walk(const u8 *p, unsigned int len);
int mih_parse(const u8 *buf, unsigned int len, struct mih_pdu *p);

unsigned int mihsec_overhead(u8 suite, u8 wflags, unsigned int body_len);
unsigned int mihsec_frame(u8 *buf, const struct mih_pdu *plain, u8 suite,
			  u8 wflags, const u8 *keyid, u64 seq,
			  struct mih_pdu *out);
unsigned int mihsec_unframe(u8 *buf, const struct mih_pdu *p,
			    unsigned int plain_body_len);

static inline unsigned int mih_payload_len(unsigned int pdu_len)
{
	return pdu_len - MIH_HDR_LEN;
}

#endif /* _MIHSEC_MIH_H */

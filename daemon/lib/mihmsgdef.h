/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IEEE 802.21 message schemas and the strict typed message parser/builder.
 *
 * One definition per message ID that travels on UDP (WIRE.md section 3:
 * requests, responses, indications): the TLVs after the Source and
 * Destination MIHF IDs, in order, each mandatory or optional, each with
 * the value type of its TLV number (mih_tlv_value_check(), mihtype.h).
 * The TLV lists follow WIRE.md section 9; the handover messages (Net/MN/N2N
 * HO_*) are NOT corroborated by two sources there: their lists are our
 * 802.21-2008 reading and carry MIH_MD_ASSUMED (see mihmsgdef.c).
 *
 * mih_msg_parse() accepts a datagram only if all of these hold (else a
 * distinct error code and a sentence in struct mih_msg_err):
 *  - mih_pdu_parse(): version 1, payload length == datagram - 8, Source
 *    and Destination MIHF ID first, IDs <= 253 octets, TLVs tile exactly;
 *  - not fragmented (M = 0, FN = 0);
 *  - a known MID with a wire opcode (Confirm is never on the wire);
 *  - pure ACK (ACK-Rsp set, only the two ID TLVs): valid for any known
 *    MID, the schema is not applied, m->pure_ack is set.  ACK-Rsp on a
 *    request/indication with more TLVs is MIH_E_ACK_BODY;
 *  - schema TLVs in schema order, mandatory ones present, none twice,
 *    at most one TLV of a one-of group, every value valid for its type;
 *  - a known TLV type (3..63) not in the schema: MIH_E_TLV_UNEXPECTED;
 *    reserved (64..99), vendor (100), experimental (101..255) TLVs are
 *    skipped (counted in m->skipped) as 802.21 requires; Source/Dest.
 *    MIHF ID again later: MIH_E_TLV_UNEXPECTED;
 *  - an empty Destination MIHF ID only where WIRE.md section 5 allows it
 *    (Capability_Discover req, Link_Get_Parameters req,
 *    Link_Configure_Thresholds req, Push_Information ind).
 */
#ifndef MIHSEC_LIB_MIHMSGDEF_H
#define MIHSEC_LIB_MIHMSGDEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/mih.h"
#include "lib/mihtype.h"

/* ---- schema ---- */

enum mih_tlvdef_flags {
	MIH_TD_OPT	= 1 << 0,	/* optional (else mandatory) */
	/*
	 * member of a one-of group: consecutive entries with MIH_TD_ALT form
	 * one group; at most one member may be present, and exactly one if
	 * the group's entries are not MIH_TD_OPT.
	 */
	MIH_TD_ALT	= 1 << 1,
};

struct mih_tlvdef {
	uint8_t type;		/* enum mih_tlv_type */
	uint8_t flags;		/* enum mih_tlvdef_flags */
};

enum mih_msgdef_flags {
	MIH_MD_EMPTY_DST	= 1 << 0,	/* empty Destination ID allowed */
	MIH_MD_ASSUMED		= 1 << 1,	/* TLV list not corroborated */
};

#define MIH_MSGDEF_TLV_MAX	12

struct mih_msgdef {
	uint16_t mid;		/* MIH_MID(sid, op, aid), wire opcode */
	const char *name;	/* "MIH_Link_Up.indication" */
	uint8_t flags;		/* enum mih_msgdef_flags */
	uint8_t n_tlvs;
	struct mih_tlvdef tlvs[MIH_MSGDEF_TLV_MAX];
	const char *note;	/* source or assumption, one line */
};

/* The definition of a MID, or NULL (unknown, or a Confirm MID) */
const struct mih_msgdef *mih_msgdef_lookup(uint16_t mid);
/* The whole table: *n definitions, in WIRE.md section 3 order */
const struct mih_msgdef *mih_msgdef_table(size_t *n);
/* Index of the TLV type in def->tlvs, or -1 */
int mih_msgdef_tlv_index(const struct mih_msgdef *def, uint8_t type);

/* ---- parsed message ---- */

#define MIH_MSG_TLV_MAX		MIH_MSGDEF_TLV_MAX

struct mih_msg {
	struct mih_pdu pdu;		/* header, IDs, raw body */
	const struct mih_msgdef *def;	/* the schema used (also for ACKs) */
	bool pure_ack;			/* ACK-Rsp with only the two IDs */
	unsigned int skipped;		/* reserved/vendor/experimental TLVs */
	unsigned int n_tlvs;		/* schema TLVs present, in order */
	struct mih_tlv tlvs[MIH_MSG_TLV_MAX];
};

#define MIH_MSG_ERR_TEXT	160

struct mih_msg_err {
	int code;		/* enum mih_err */
	uint8_t tlv_type;	/* the TLV at fault, 0 for header/PDU errors */
	size_t offset;		/* octet offset in the datagram */
	char text[MIH_MSG_ERR_TEXT];
	/* e.g. "TLV 13 (Link identifier) at offset 24: LINK_ADDR selector
	 * 9 out of range" */
};

/*
 * Strict parse of one datagram (see the top of this file).  Returns 0 or
 * a negative enum mih_err; err (may be NULL) gets the details.  m points
 * into buf afterwards.
 */
int mih_msg_parse(const uint8_t *buf, size_t len, struct mih_msg *m,
		  struct mih_msg_err *err);

static inline uint16_t mih_msg_mid(const struct mih_msg *m)
{
	return mih_hdr_mid(&m->pdu.hdr);
}

/* The TLV of a type, or NULL if absent */
const struct mih_tlv *mih_msg_tlv(const struct mih_msg *m, uint8_t type);

/*
 * Typed access to a TLV of a parsed message (already validated): 1 and
 * *v set when present, 0 when absent, < 0 never for a parsed message.
 */
int mih_msg_get_u8(const struct mih_msg *m, uint8_t type, uint8_t *v);
int mih_msg_get_u16(const struct mih_msg *m, uint8_t type, uint16_t *v);
int mih_msg_get_u32(const struct mih_msg *m, uint8_t type, uint32_t *v);
int mih_msg_get_bitmap(const struct mih_msg *m, uint8_t type, uint64_t *v);
int mih_msg_get_bool(const struct mih_msg *m, uint8_t type, bool *v);
/* MIHF ID TLV (52) */
int mih_msg_get_mihf_id(const struct mih_msg *m, uint8_t type,
			struct mih_ostr *v);
/* Any single-value TLV through its getter (e.g. mih_get_link_tuple_id) */
int mih_msg_get_value(const struct mih_msg *m, uint8_t type, mih_get_fn get,
		      void *v);
/*
 * A LIST TLV: reader positioned on its first element, *count elements.
 * Then call the element getter *count times on r.
 */
int mih_msg_get_list(const struct mih_msg *m, uint8_t type,
		     struct mih_rd *r, uint32_t *count);

/*
 * Format a parsed message on several lines ("MIH_Link_Up.indication
 * tid 5 src mn1 dst ar1\n  13 Link identifier: ...\n").  snprintf-style.
 */
int mih_msg_fmt(const struct mih_msg *m, char *buf, size_t size);

/* ---- building ---- */

enum mih_msg_flags {
	MIH_MSGF_ACK_REQ	= 1 << 0,
	MIH_MSGF_ACK_RSP	= 1 << 1,
	MIH_MSGF_UIR		= 1 << 2,
};

/*
 * Start a message in a builder set up with mih_builder_init() on the
 * caller's buffer: header (version 1, MID, TID (12 bits, MIH_E_RANGE
 * above), flags) and the Source and Destination MIHF ID TLVs.  Then add
 * the schema's TLVs in order with the mih_build_* helpers; the builder
 * keeps a sticky error (mih.h); finish with mih_msg_finish().
 *
 *	mih_builder_init(&b, buf, sizeof(buf));
 *	mih_msg_begin(&b, MIH_MID(MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
 *		      MIH_AID_EVENT_SUBSCRIBE), tid, MIH_MSGF_ACK_REQ,
 *		      me, me_len, peer, peer_len);
 *	mih_build_link_tuple_id(&b, MIH_TLV_LINK_ID, &link);
 *	mih_build_evt_list(&b, MIH_BIT(MIH_EVT_LINK_UP));
 *	err = mih_msg_finish(&b, &len);
 */
void mih_msg_begin(struct mih_builder *b, uint16_t mid, uint16_t tid,
		   unsigned int flags, const void *src, size_t src_len,
		   const void *dst, size_t dst_len);
/*
 * Fix the payload length; returns 0 and *pdu_len or the first error.
 * The built PDU is not re-validated: call mih_msg_parse() for that.
 */
int mih_msg_finish(struct mih_builder *b, size_t *pdu_len);

/*
 * A pure ACK for a received message: same MID and TID, ACK-Rsp only,
 * IDs swapped (src = our ID, dst = the peer's).  Returns 0 / *pdu_len.
 */
int mih_msg_build_ack(uint8_t *buf, size_t size, uint16_t mid, uint16_t tid,
		      const void *src, size_t src_len, const void *dst,
		      size_t dst_len, size_t *pdu_len);

/* Typed TLVs */
void mih_build_u8(struct mih_builder *b, uint8_t type, uint8_t v);
void mih_build_u16(struct mih_builder *b, uint8_t type, uint16_t v);
void mih_build_u32(struct mih_builder *b, uint8_t type, uint32_t v);
void mih_build_bool(struct mih_builder *b, uint8_t type, bool v);
/* BITMAP TLV; the width comes from the TLV type (5, 6, 7, 8, 18, 19, 24) */
void mih_build_bitmap(struct mih_builder *b, uint8_t type, uint64_t v);
/* A TLV holding one value, encoded by put (two passes: size, write) */
void mih_build_value(struct mih_builder *b, uint8_t type, mih_put_fn put,
		     const void *v);
/* A TLV holding LIST(X) of n elements of elem_size octets at arr */
void mih_build_list(struct mih_builder *b, uint8_t type, mih_put_fn put,
		    const void *arr, size_t elem_size, size_t n);

static inline void mih_build_status(struct mih_builder *b, uint8_t st)
{
	mih_build_u8(b, MIH_TLV_STATUS, st);
}
void mih_build_link_tuple_id(struct mih_builder *b, uint8_t type,
			     const struct mih_link_tuple_id *v);
void mih_build_link_id(struct mih_builder *b, uint8_t type,
		       const struct mih_link_id *v);
void mih_build_link_addr(struct mih_builder *b, uint8_t type,
			 const struct mih_link_addr *v);
void mih_build_ip_addr(struct mih_builder *b, uint8_t type,
		       const struct mih_ip_addr *v);
void mih_build_network_type(struct mih_builder *b,
			    const struct mih_network_type *v);
void mih_build_evt_list(struct mih_builder *b, uint32_t bits);
/* TLV 9: LIST(NET_TYPE_ADDR) */
void mih_build_link_addr_list(struct mih_builder *b,
			      const struct mih_net_type_addr *v, size_t n);
/* TLV 25: LIST(LINK_ID) */
void mih_build_link_id_list(struct mih_builder *b,
			    const struct mih_link_id *v, size_t n);
/* TLV 58: LIST(LINK_DET_INFO) */
void mih_build_link_det_info_list(struct mih_builder *b,
				  const struct mih_link_det_info *v, size_t n);
/* TLV 31: LIST(LINK_POA_LIST) */
void mih_build_link_poa_list_list(struct mih_builder *b,
				  const struct mih_link_poa_list *v, size_t n);
/* TLV 32: LIST(RQ_RESULT) */
void mih_build_pref_link_list(struct mih_builder *b,
			      const struct mih_rq_result *v, size_t n);
/* TLV 33: QOS_LIST */
void mih_build_qos_list(struct mih_builder *b, const struct mih_qos_list *v);
/* TLV 55 */
void mih_build_tgt_net_info(struct mih_builder *b,
			    const struct mih_tgt_net_info *v);
/* TLV 57 (ASGN_RES_SET) / 63 (REQ_RES_SET, with its HO_CAUSE) */
void mih_build_res_set(struct mih_builder *b, uint8_t type,
		       const struct mih_res_set *v);

#endif /* MIHSEC_LIB_MIHMSGDEF_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IEEE 802.21 (MIH) wire codec, userspace.
 *
 * Reference: WIRE.md (header section 2, TLV framing and the length encoding
 * section 4, MIHF ID section 5).  Everything here is strict: a decoder either
 * accepts its input or returns the mih_err code naming the first defect, and
 * an input that decodes re-encodes to the same octets (the length encoding
 * must be minimal, OCTET_STRINGs must fill their TLV exactly).
 *
 * Conventions: functions return 0 (or a count of octets, where documented)
 * on success and a negative enum mih_err on failure.  No function allocates.
 * Values point into the caller's buffers (zero copy); a decoder never reads
 * outside [buf, buf + len).
 */
#ifndef MIHSEC_LIB_MIH_H
#define MIHSEC_LIB_MIH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MIH_PORT		4551
#define MIH_VERSION		1
#define MIH_HDR_LEN		8
#define MIH_PAYLOAD_MAX		65535U
#define MIH_PDU_MAX		(MIH_HDR_LEN + MIH_PAYLOAD_MAX)
#define MIH_MIHF_ID_MAX		253	/* octets, 802.21 section 8.3.1 */

/* Length encoding (WIRE.md section 4) */
#define MIH_LEN_SHORT_MAX	128	/* longest length held in one octet */
#define MIH_LEN_EXT_MAX		4	/* extension octets a decoder accepts */
#define MIH_LEN_SIZE_MAX	(1 + MIH_LEN_EXT_MAX)
#define MIH_TLV_HDR_MAX		(1 + MIH_LEN_SIZE_MAX)

enum mih_err {
	MIH_OK			= 0,
	MIH_E_INVAL		= -1,	/* bad argument */
	MIH_E_NOSPACE		= -2,	/* output buffer too small */
	MIH_E_RANGE		= -3,	/* a value does not fit its field */
	MIH_E_TRUNCATED		= -4,	/* input ends inside a fixed field */
	MIH_E_VERSION		= -5,	/* header version is not MIH_VERSION */
	MIH_E_PAYLOAD_LEN	= -6,	/* payload length != octets after it */
	MIH_E_LEN_NONMINIMAL	= -7,	/* length not in its shortest form */
	MIH_E_LEN_OVERLONG	= -8,	/* more than MIH_LEN_EXT_MAX ext. */
	MIH_E_LEN_OVERFLOW	= -9,	/* length above UINT32_MAX */
	MIH_E_OVERRUN		= -10,	/* a value runs past its container */
	MIH_E_NO_SRC_ID		= -11,	/* first TLV is not Source MIHF ID */
	MIH_E_NO_DST_ID		= -12,	/* second TLV is not Dest. MIHF ID */
	MIH_E_ID_LEN		= -13,	/* MIHF ID does not fill its TLV */
	MIH_E_ID_TOO_LONG	= -14,	/* MIHF ID above MIH_MIHF_ID_MAX */
	/* data types (mihtype.h) */
	MIH_E_TRAILING		= -15,	/* octets left after a whole value */
	MIH_E_BAD_BOOL		= -16,	/* BOOLEAN neither 0 nor 1 */
	MIH_E_BAD_ENUM		= -17,	/* ENUMERATED value out of range */
	MIH_E_BAD_CHOICE	= -18,	/* CHOICE selector out of range */
	MIH_E_BAD_ADDR		= -19,	/* address family / length mismatch */
	MIH_E_BAD_VALUE		= -20,	/* a field violates its constraint */
	MIH_E_TOO_MANY		= -21,	/* list longer than the codec holds */
	MIH_E_DEPTH		= -22,	/* containers nested too deep */
	/* messages (mihmsgdef.h) */
	MIH_E_UNKNOWN_MID	= -23,	/* no such message */
	MIH_E_OPCODE		= -24,	/* opcode not sent on the wire */
	MIH_E_TLV_ORDER		= -25,	/* TLV out of schema order */
	MIH_E_TLV_MISSING	= -26,	/* mandatory TLV absent */
	MIH_E_TLV_DUP		= -27,	/* TLV present twice */
	MIH_E_TLV_UNEXPECTED	= -28,	/* known TLV not in the message */
	MIH_E_EMPTY_DST		= -29,	/* empty Destination ID not allowed */
	MIH_E_FRAGMENT		= -30,	/* fragmented PDU (M or FN set) */
	MIH_E_ACK_BODY		= -31,	/* ACK-Rsp on a request/indication */
	MIH_E_TLV_TOO_MANY	= -32,	/* more TLVs than struct mih_msg holds */
	MIH_E_TLV_ALT		= -33,	/* two alternatives of a one-of group */
};

/* A short English description of an enum mih_err value */
const char *mih_strerror(int err);

/* ---- Service identifiers, opcodes, action identifiers (WIRE.md 3) ---- */

enum mih_sid {
	MIH_SID_SERVICE_MGMT	= 1,
	MIH_SID_EVENT		= 2,
	MIH_SID_COMMAND		= 3,
	MIH_SID_INFO		= 4,
};

enum mih_opcode {
	MIH_OP_CONFIRM		= 0,	/* local SAP only, never on the wire */
	MIH_OP_REQUEST		= 1,
	MIH_OP_RESPONSE		= 2,
	MIH_OP_INDICATION	= 3,
};

/* Action identifiers, per service */
enum mih_aid_service_mgmt {
	MIH_AID_CAPABILITY_DISCOVER	= 1,
	MIH_AID_REGISTER		= 2,
	MIH_AID_DEREGISTER		= 3,
	MIH_AID_EVENT_SUBSCRIBE		= 4,
	MIH_AID_EVENT_UNSUBSCRIBE	= 5,
};

enum mih_aid_event {
	MIH_AID_LINK_DETECTED		= 1,
	MIH_AID_LINK_UP			= 2,
	MIH_AID_LINK_DOWN		= 3,
	MIH_AID_LINK_PARAMETERS_REPORT	= 5,
	MIH_AID_LINK_GOING_DOWN		= 6,
	MIH_AID_LINK_HANDOVER_IMMINENT	= 7,
	MIH_AID_LINK_HANDOVER_COMPLETE	= 8,
};

enum mih_aid_command {
	MIH_AID_LINK_GET_PARAMETERS		= 1,
	MIH_AID_LINK_CONFIGURE_THRESHOLDS	= 2,
	MIH_AID_LINK_ACTIONS			= 3,
	MIH_AID_NET_HO_CANDIDATE_QUERY		= 4,
	MIH_AID_MN_HO_CANDIDATE_QUERY		= 5,
	MIH_AID_N2N_HO_QUERY_RESOURCES		= 6,
	MIH_AID_MN_HO_COMMIT			= 7,
	MIH_AID_NET_HO_COMMIT			= 8,
	MIH_AID_N2N_HO_COMMIT			= 9,
	MIH_AID_MN_HO_COMPLETE			= 10,
	MIH_AID_N2N_HO_COMPLETE			= 11,
};

enum mih_aid_info {
	MIH_AID_GET_INFORMATION		= 1,
	MIH_AID_PUSH_INFORMATION	= 2,
};

/* Message identifier: SID (4 bits) | Opcode (2 bits) | AID (10 bits) */
#define MIH_MID(sid, op, aid) \
	((uint16_t)(((sid) & 0xf) << 12 | ((op) & 0x3) << 10 | ((aid) & 0x3ff)))

/* ---- TLV type numbers (WIRE.md section 7) ---- */

enum mih_tlv_type {
	MIH_TLV_SRC_MIHF_ID		= 1,
	MIH_TLV_DST_MIHF_ID		= 2,
	MIH_TLV_STATUS			= 3,
	MIH_TLV_LINK_TYPE		= 4,
	MIH_TLV_EVT_LIST		= 5,
	MIH_TLV_CMD_LIST		= 6,
	MIH_TLV_IQ_TYPE_LIST		= 7,
	MIH_TLV_TRANS_LIST		= 8,
	MIH_TLV_LINK_ADDR_LIST		= 9,
	MIH_TLV_MBB_HO_SUPP_LIST	= 10,
	MIH_TLV_REG_REQUEST_CODE	= 11,
	MIH_TLV_VALID_TIME_INTERVAL	= 12,
	MIH_TLV_LINK_ID			= 13,
	MIH_TLV_NEW_LINK_ID		= 14,
	MIH_TLV_OLD_AR			= 15,
	MIH_TLV_NEW_AR			= 16,
	MIH_TLV_IP_RENEWAL		= 17,
	MIH_TLV_IP_MOB_MGMT		= 18,
	MIH_TLV_IP_CFG_MTHDS		= 19,
	MIH_TLV_LINK_DN_REASON		= 20,
	MIH_TLV_TIME_INTERVAL		= 21,
	MIH_TLV_LINK_GD_REASON		= 22,
	MIH_TLV_LINK_PARAM_RPT_LIST	= 23,
	MIH_TLV_DEV_STATES_REQ		= 24,
	MIH_TLV_LINK_ID_LIST		= 25,
	MIH_TLV_DEV_STATES_RSP_LIST	= 26,
	MIH_TLV_GET_STATUS_REQ		= 27,
	MIH_TLV_GET_STATUS_RSP_LIST	= 28,
	MIH_TLV_CFG_REQ_LIST		= 29,
	MIH_TLV_CFG_RSP_LIST		= 30,
	MIH_TLV_LINK_POA_LIST_LIST	= 31,
	MIH_TLV_PREF_LINK_LIST		= 32,
	MIH_TLV_HO_RESOURCE_QUERY_LIST	= 33,
	MIH_TLV_HO_STATUS		= 34,
	MIH_TLV_AR_ADDR			= 35,
	MIH_TLV_DHCP_SERVER_ADDR	= 36,
	MIH_TLV_FA_ADDR			= 37,
	MIH_TLV_LINK_ACTIONS_LIST	= 38,
	MIH_TLV_LINK_ACTIONS_RESULT_LIST = 39,
	MIH_TLV_HO_RESULT		= 40,
	MIH_TLV_RESOURCE_STATUS		= 41,
	MIH_TLV_RESOURCE_RETENTION	= 42,
	MIH_TLV_IQ_BIN_DATA_LIST	= 43,
	MIH_TLV_IQ_RDF_DATA_LIST	= 44,
	MIH_TLV_IQ_RDF_SCHEMA_URL	= 45,
	MIH_TLV_IQ_RDF_SCHEMA_LIST	= 46,
	MIH_TLV_MAX_RSP_SIZE		= 47,
	MIH_TLV_IR_BIN_DATA_LIST	= 48,
	MIH_TLV_IR_RDF_DATA_LIST	= 49,
	MIH_TLV_IR_RDF_SCHEMA_URL_LIST	= 50,
	MIH_TLV_IR_RDF_SCHEMA_LIST	= 51,
	MIH_TLV_MN_MIHF_ID		= 52,
	MIH_TLV_QUERY_RESOURCE_RPT	= 53,
	MIH_TLV_EVT_CFG_INFO_LIST	= 54,
	MIH_TLV_TGT_NET_INFO		= 55,
	MIH_TLV_TGT_NET_INFO_LIST	= 56,
	MIH_TLV_ASGN_RESOURCE_SET	= 57,
	MIH_TLV_LINK_DET_INFO_LIST	= 58,
	MIH_TLV_MN_LINK_ID		= 59,
	MIH_TLV_POA			= 60,
	MIH_TLV_UIR			= 61,
	MIH_TLV_NETWORK_TYPE		= 62,
	MIH_TLV_REQ_RESOURCE_SET	= 63,
	MIH_TLV_VENDOR_SPECIFIC		= 100,
	MIH_TLV_EXPERIMENTAL_MIN	= 101,	/* 101..255: experimental */
};

/* ---- Length encoding (WIRE.md section 4) ----
 * len <= 128: one octet (0x80 means 128).  len > 128: 0x80 | n, then n
 * octets holding len - 128 big-endian, n minimal.  The same encoding serves
 * TLV lengths, LIST element counts and OCTET_STRING lengths.
 */

/* Octets the minimal encoding of len takes (1..5) */
unsigned int mih_len_size(uint32_t len);
/* Write the minimal encoding of len; returns the octets written */
int mih_len_encode(uint8_t *buf, size_t size, uint32_t len);
/*
 * Decode a length from [buf, buf + size); returns the octets consumed and
 * sets *len.  Errors: MIH_E_TRUNCATED, MIH_E_LEN_OVERLONG (0x85..0xFF),
 * MIH_E_LEN_NONMINIMAL (a shorter encoding exists: 0x81 0x00, a leading zero
 * extension octet), MIH_E_LEN_OVERFLOW (128 + extension > UINT32_MAX).
 */
int mih_len_decode(const uint8_t *buf, size_t size, uint32_t *len);

/* ---- Header (WIRE.md section 2) ---- */

struct mih_hdr {
	uint8_t version;	/* 4 bits, MIH_VERSION */
	bool ack_req;
	bool ack_rsp;
	bool uir;		/* unauthenticated information request */
	bool more;		/* M: more fragments follow */
	uint8_t fn;		/* 7 bits: fragment number */
	uint8_t rsvd1;		/* 1 bit, 0 when sent */
	uint8_t sid;		/* 4 bits, enum mih_sid */
	uint8_t opcode;		/* 2 bits, enum mih_opcode */
	uint16_t aid;		/* 10 bits */
	uint8_t rsvd2;		/* 4 bits, 0 when sent */
	uint16_t tid;		/* 12 bits: transaction ID */
	uint16_t payload_len;	/* octets after the header */
};

/*
 * Reserved bits are carried through (decode keeps them, encode writes them)
 * so that a PDU re-encodes byte for byte.
 */
/* Returns MIH_HDR_LEN; MIH_E_NOSPACE, MIH_E_RANGE (a field too wide) */
int mih_hdr_encode(uint8_t *buf, size_t size, const struct mih_hdr *hdr);
/*
 * Returns MIH_HDR_LEN; MIH_E_TRUNCATED, MIH_E_VERSION (the fields are
 * decoded anyway).  The payload length is not checked against the
 * buffer here: mih_pdu_parse() does that.
 */
int mih_hdr_decode(const uint8_t *buf, size_t len, struct mih_hdr *hdr);

static inline uint16_t mih_hdr_mid(const struct mih_hdr *hdr)
{
	return MIH_MID(hdr->sid, hdr->opcode, hdr->aid);
}

/* Rewrite the payload length of an encoded header in place */
void mih_hdr_set_payload_len(uint8_t *pdu, uint16_t payload_len);

/* ---- TLVs (WIRE.md section 4) ---- */

struct mih_tlv {
	uint8_t type;
	uint32_t len;		/* value length */
	const uint8_t *value;	/* len octets */
	size_t offset;		/* of the type octet, from the iterated buffer */
	size_t size;		/* the whole TLV: type, length field, value */
};

/* Octets of a TLV with a value of len octets */
size_t mih_tlv_size(uint32_t len);
/* Write the type and length octets; returns their number (2..6) */
int mih_tlv_hdr_encode(uint8_t *buf, size_t size, uint8_t type, uint32_t len);
/* Decode the TLV at the start of [buf, buf + len); tlv->offset is 0 */
int mih_tlv_decode(const uint8_t *buf, size_t len, struct mih_tlv *tlv);

/* Bounded walk over a buffer holding a sequence of TLVs */
struct mih_tlv_iter {
	const uint8_t *buf;
	size_t len;
	size_t pos;		/* offset of the next TLV */
	int err;		/* sticky: the first error met */
};

void mih_tlv_iter_init(struct mih_tlv_iter *it, const uint8_t *buf,
		       size_t len);
/* 1: *tlv holds the next TLV; 0: clean end; < 0: error (sticky) */
int mih_tlv_next(struct mih_tlv_iter *it, struct mih_tlv *tlv);
/* Number of TLVs if [buf, buf + len) is exactly a TLV sequence, else < 0 */
int mih_tlvs_validate(const uint8_t *buf, size_t len);
/* First TLV of a type: 1 found (*tlv set), 0 absent, < 0 malformed */
int mih_tlv_find(const uint8_t *buf, size_t len, uint8_t type,
		 struct mih_tlv *tlv);

/* ---- OCTET_STRING = length (section 4 encoding) + octets ---- */

size_t mih_octet_string_size(uint32_t len);
/* Returns the octets written */
int mih_octet_string_encode(uint8_t *buf, size_t size, const void *str,
			    uint32_t len);
/* Returns the octets consumed; MIH_E_OVERRUN if the string runs past len */
int mih_octet_string_decode(const uint8_t *buf, size_t len,
			    const uint8_t **str, uint32_t *str_len);

/*
 * MIHF ID TLV value (WIRE.md section 5): an OCTET_STRING that fills the
 * value exactly (MIH_E_ID_LEN otherwise) of at most MIH_MIHF_ID_MAX octets
 * (MIH_E_ID_TOO_LONG).  Zero-length IDs are legal on the wire.
 */
int mih_mihf_id_decode(const struct mih_tlv *tlv, const uint8_t **id,
		       size_t *id_len);

/* ---- A whole PDU ---- */

struct mih_pdu {
	struct mih_hdr hdr;
	const uint8_t *src_id;	/* Source MIHF ID octets */
	size_t src_id_len;
	const uint8_t *dst_id;	/* Destination MIHF ID octets */
	size_t dst_id_len;
	size_t ids_len;		/* header + both ID TLVs = offset of body */
	const uint8_t *body;	/* every TLV after the Destination MIHF ID */
	size_t body_len;
};

/*
 * Strict parse of one PDU occupying exactly [buf, buf + len): header
 * (version 1), payload length == len - 8, Source then Destination MIHF ID
 * TLVs, then a well-formed TLV sequence to the last octet.
 */
int mih_pdu_parse(const uint8_t *buf, size_t len, struct mih_pdu *pdu);

/* ---- Building a PDU ----
 * Sticky-error builder: every mih_build_* call after a failure does nothing,
 * mih_build_finish() reports the first error.  Order: mih_build_hdr(), then
 * mih_build_ids(), then any TLVs; mih_build_finish() writes the header's
 * payload length.
 */
struct mih_builder {
	uint8_t *buf;
	size_t size;
	size_t len;		/* octets written so far */
	int err;
};

void mih_builder_init(struct mih_builder *b, uint8_t *buf, size_t size);
void mih_build_hdr(struct mih_builder *b, const struct mih_hdr *hdr);
/* Source and Destination MIHF ID TLVs */
void mih_build_ids(struct mih_builder *b, const void *src, size_t src_len,
		   const void *dst, size_t dst_len);
/* One MIHF ID TLV (types 1, 2, 52) */
void mih_build_mihf_id(struct mih_builder *b, uint8_t type, const void *id,
		       size_t len);
void mih_build_tlv(struct mih_builder *b, uint8_t type, const void *value,
		   uint32_t len);
/* A TLV whose value is one OCTET_STRING */
void mih_build_tlv_octet_string(struct mih_builder *b, uint8_t type,
				const void *str, uint32_t len);
/* Type and length of a TLV; returns where its len value octets go (or NULL) */
uint8_t *mih_build_tlv_reserve(struct mih_builder *b, uint8_t type,
			       uint32_t len);
/* Raw octets (e.g. already encoded TLVs) */
void mih_build_bytes(struct mih_builder *b, const void *data, size_t len);
/* Fix the payload length; returns 0 and *pdu_len, or the first error */
int mih_build_finish(struct mih_builder *b, size_t *pdu_len);

#endif /* MIHSEC_LIB_MIH_H */

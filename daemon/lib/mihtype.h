/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IEEE 802.21 data types (WIRE.md sections 6, 9, 10) on top of the framing
 * codec of mih.h: a bounded reader and a bounded writer, the primitive
 * encodings (UNSIGNED_INT(n), BOOLEAN, ENUMERATED, BITMAP(n), OCTET_STRING,
 * LIST, CHOICE) and C structs with encode/decode/format for the composite
 * types the MIH messages carry.
 *
 * Conventions
 * - Readers and writers carry a sticky error: after the first failure every
 *   call does nothing and the first error (a negative enum mih_err) stays.
 *   The reader also records where (offset in its buffer) and why (a short
 *   English sentence) it failed.
 * - Decoders are strict: values out of their range, CHOICE selectors out of
 *   range, BOOLEANs other than 0/1, non-minimal lengths, address families
 *   that disagree with their length, MIHF IDs above 253 octets are errors.
 *   A TLV that holds one value must be consumed exactly (mih_rd_end()).
 * - Nothing allocates.  Decoded OCTET_STRINGs (struct mih_ostr) point into
 *   the decoded buffer; lists nested inside a value have a fixed capacity
 *   (MIH_*_MAX below, MIH_E_TOO_MANY beyond it); top-level LIST TLVs are
 *   read element by element (mih_get_list_count() then the element getter).
 * - BITMAP(n) uses the OT/OAI bit order (WIRE.md section 6): bit k is
 *   1 << k of the big-endian n-bit integer.  In C a BITMAP(n) is held as
 *   that integer (uint8_t .. uint64_t), so MIH_BIT(k) tests/sets bit k.
 */
#ifndef MIHSEC_LIB_MIHTYPE_H
#define MIHSEC_LIB_MIHTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/mih.h"

/* ---- bounded reader ---- */

#define MIH_RD_WHY_LEN	96

struct mih_rd {
	const uint8_t *p;
	size_t len;
	size_t pos;		/* next octet to read */
	int err;		/* sticky: 0 or the first enum mih_err */
	size_t err_pos;		/* offset (from p) where the defect is */
	char why[MIH_RD_WHY_LEN]; /* e.g. "LINK_ADDR selector 9 out of range" */
};

void mih_rd_init(struct mih_rd *r, const void *buf, size_t len);
/* Read the value of a TLV */
void mih_rd_init_tlv(struct mih_rd *r, const struct mih_tlv *tlv);
/*
 * Record an error (first one wins) at the current position; fmt may be
 * NULL (the why is mih_strerror(err)).  Returns r->err.
 */
int mih_rd_fail(struct mih_rd *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, at an explicit offset */
int mih_rd_fail_at(struct mih_rd *r, size_t pos, int err, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));
static inline size_t mih_rd_left(const struct mih_rd *r)
{
	return r->err ? 0 : r->len - r->pos;
}
/* 0 if the whole buffer was consumed without error; else MIH_E_TRAILING */
int mih_rd_end(struct mih_rd *r);

/* Primitives; on error they return 0 / leave the output zeroed */
uint8_t mih_get_u8(struct mih_rd *r);
uint16_t mih_get_u16(struct mih_rd *r);
uint32_t mih_get_u32(struct mih_rd *r);
uint64_t mih_get_u64(struct mih_rd *r);
/* n fixed octets copied to out */
void mih_get_bytes(struct mih_rd *r, void *out, size_t n);
/* n fixed octets, zero copy (NULL on error) */
const uint8_t *mih_get_ptr(struct mih_rd *r, size_t n);
/* BOOLEAN: 0 or 1, else MIH_E_BAD_BOOL ("what" names the field) */
bool mih_get_bool(struct mih_rd *r, const char *what);
/* ENUMERATED (1 octet) in 0..max, else MIH_E_BAD_ENUM */
uint8_t mih_get_enum(struct mih_rd *r, uint8_t max, const char *what);
/* CHOICE selector in 0..n_alt-1, else MIH_E_BAD_CHOICE */
uint8_t mih_get_choice(struct mih_rd *r, unsigned int n_alt, const char *what);
/* LIST count / length (section 4 encoding, minimal) */
uint32_t mih_get_len(struct mih_rd *r);
/*
 * LIST count: like mih_get_len() and also rejects counts that could not
 * fit in what is left assuming min_elem octets per element.
 */
uint32_t mih_get_list_count(struct mih_rd *r, size_t min_elem);
/* BITMAP(bits), bits = 8, 16, 32, 64 */
uint64_t mih_get_bitmap(struct mih_rd *r, unsigned int bits);

/* OCTET_STRING, zero copy */
struct mih_ostr {
	const uint8_t *p;
	uint32_t len;
};

/* OCTET_STRING of at most max octets (MIH_E_BAD_VALUE beyond) */
void mih_get_ostr(struct mih_rd *r, struct mih_ostr *s, uint32_t max,
		  const char *what);

/* ---- bounded writer ---- */

/*
 * buf == NULL: measuring writer (counts octets, never fails for space);
 * used to size a TLV before writing it.
 */
struct mih_wr {
	uint8_t *p;
	size_t size;
	size_t pos;
	int err;
};

void mih_wr_init(struct mih_wr *w, void *buf, size_t size);
int mih_wr_fail(struct mih_wr *w, int err);
/* Reserve n octets (NULL when measuring or on error) */
uint8_t *mih_wr_reserve(struct mih_wr *w, size_t n);
void mih_put_u8(struct mih_wr *w, uint8_t v);
void mih_put_u16(struct mih_wr *w, uint16_t v);
void mih_put_u32(struct mih_wr *w, uint32_t v);
void mih_put_u64(struct mih_wr *w, uint64_t v);
void mih_put_bytes(struct mih_wr *w, const void *p, size_t n);
void mih_put_bool(struct mih_wr *w, bool v);
void mih_put_len(struct mih_wr *w, uint32_t len);
void mih_put_bitmap(struct mih_wr *w, unsigned int bits, uint64_t v);
/* OCTET_STRING; max as for mih_get_ostr (MIH_E_RANGE beyond) */
void mih_put_ostr(struct mih_wr *w, const struct mih_ostr *s, uint32_t max);
void mih_put_ostr_raw(struct mih_wr *w, const void *p, uint32_t len);

/* Generic value encoder/decoder shapes (for lists, builders) */
typedef void (*mih_put_fn)(struct mih_wr *w, const void *v);
typedef int (*mih_get_fn)(struct mih_rd *r, void *v);

/* ---- BITMAP bit helpers (bit k = 1 << k) ---- */

#define MIH_BIT(k)		(1ULL << (k))
static inline bool mih_bit_test(uint64_t map, unsigned int k)
{
	return k < 64 && (map >> k) & 1;
}
static inline uint64_t mih_bit_set(uint64_t map, unsigned int k)
{
	return k < 64 ? map | MIH_BIT(k) : map;
}

/* ---- enumerations (WIRE.md section 6) ---- */

enum mih_status {
	MIH_STATUS_SUCCESS		= 0,
	MIH_STATUS_UNSPECIFIED_FAILURE	= 1,
	MIH_STATUS_REJECTED		= 2,
	MIH_STATUS_AUTHORIZATION_FAILURE = 3,
	MIH_STATUS_NETWORK_ERROR	= 4,
	MIH_STATUS_AUTHENTICATION_FAILURE = 5,	/* 802.21a */
	MIH_STATUS_MAX			= 5,
};

enum mih_link_type {
	MIH_LT_GSM		= 1,
	MIH_LT_GPRS		= 2,
	MIH_LT_EDGE		= 3,
	MIH_LT_ETHERNET		= 15,
	MIH_LT_WIRELESS_OTHER	= 18,
	MIH_LT_802_11		= 19,
	MIH_LT_CDMA2000		= 22,
	MIH_LT_UMTS		= 23,
	MIH_LT_CDMA2000_HRPD	= 24,
	MIH_LT_802_16		= 27,
	MIH_LT_802_20		= 28,
	MIH_LT_802_22		= 29,
	MIH_LT_DVB		= 40,	/* 802.21b */
	MIH_LT_T_DMB		= 41,	/* 802.21b */
	MIH_LT_ATSC_MH		= 42,	/* 802.21b */
};

enum mih_link_dn_reason {
	MIH_LDR_EXPLICIT_DISCONNECT	= 0,
	MIH_LDR_PACKET_TIMEOUT		= 1,
	MIH_LDR_NO_RESOURCE		= 2,
	MIH_LDR_NO_BROADCAST		= 3,
	MIH_LDR_AUTHENTICATION_FAILURE	= 4,
	MIH_LDR_BILLING_FAILURE		= 5,
	MIH_LDR_MAX			= 5,
};

enum mih_link_gd_reason {
	MIH_LGR_EXPLICIT_DISCONNECT	= 0,
	MIH_LGR_LINK_PARAM_DEGRADING	= 1,
	MIH_LGR_LOW_POWER		= 2,
	MIH_LGR_NO_RESOURCE		= 3,
	MIH_LGR_MAX			= 3,
};

enum mih_reg_request_code {
	MIH_REG_REGISTRATION		= 0,
	MIH_REG_RE_REGISTRATION		= 1,
	MIH_REG_MAX			= 1,
};

/* HO_STATUS (TLV 34).  Assumption (WIRE.md 6/9: not corroborated twice) */
enum mih_ho_status {
	MIH_HO_PERMITTED	= 0,
	MIH_HO_DECLINED		= 1,
	MIH_HO_STATUS_MAX	= 1,
};

/*
 * HO_RESULT (TLV 40).  WIRE.md 6 reports ODTONE's values 0 success,
 * 1 failure, 3 rejected; 802.21-2008 as we know it has 2 rejected.  The
 * codec sends 2 for rejected and accepts 0..3 on receive (3 read as
 * rejected, mih_ho_result_norm()).  Assumption.
 */
enum mih_ho_result {
	MIH_HO_RESULT_SUCCESS	= 0,
	MIH_HO_RESULT_FAILURE	= 1,
	MIH_HO_RESULT_REJECTED	= 2,
	MIH_HO_RESULT_REJECTED_OT = 3,	/* ODTONE's code for rejected */
	MIH_HO_RESULT_MAX	= 3,
};
static inline uint8_t mih_ho_result_norm(uint8_t r)
{
	return r == MIH_HO_RESULT_REJECTED_OT ? MIH_HO_RESULT_REJECTED : r;
}

/* BITMAP bit numbers (bit k = 1 << k) */
enum mih_evt_bit {		/* MIH_EVT_LIST, BITMAP(32), TLV 5 */
	MIH_EVT_LINK_DETECTED		= 0,
	MIH_EVT_LINK_UP			= 1,
	MIH_EVT_LINK_DOWN		= 2,
	MIH_EVT_LINK_PARAMETERS_REPORT	= 3,
	MIH_EVT_LINK_GOING_DOWN		= 4,
	MIH_EVT_LINK_HANDOVER_IMMINENT	= 5,
	MIH_EVT_LINK_HANDOVER_COMPLETE	= 6,
	MIH_EVT_LINK_PDU_TX_STATUS	= 7,
};

enum mih_cmd_bit {		/* MIH_CMD_LIST, BITMAP(32), TLV 6 */
	MIH_CMD_LINK_GET_PARAMETERS	= 0,
	MIH_CMD_LINK_CONFIGURE_THRESHOLDS = 1,
	MIH_CMD_LINK_ACTIONS		= 2,
	MIH_CMD_NET_HO			= 3, /* Net_HO_*, N2N_HO_* */
	MIH_CMD_MN_HO			= 4, /* MN_HO_* */
};

enum mih_iq_type_bit {		/* MIH_IQ_TYPE_LST, BITMAP(64), TLV 7 */
	MIH_IQ_BINARY_DATA		= 0,
	MIH_IQ_RDF_DATA			= 1,
	MIH_IQ_RDF_SCHEMA_URL		= 2,
	MIH_IQ_RDF_SCHEMA		= 3,
	MIH_IQ_IE_NETWORK_TYPE		= 4,
	MIH_IQ_IE_OPERATOR_ID		= 5,
	MIH_IQ_IE_SERVICE_PROVIDER_ID	= 6,
	MIH_IQ_IE_COUNTRY_CODE		= 7,
	MIH_IQ_IE_NETWORK_ID		= 8,
	MIH_IQ_IE_NETWORK_AUX_ID	= 9,
	MIH_IQ_IE_ROAMING_PARTNERS	= 10,
	MIH_IQ_IE_COST			= 11,
	MIH_IQ_IE_NETWORK_QOS		= 12,
	MIH_IQ_IE_NETWORK_DATA_RATE	= 13,
	MIH_IQ_IE_NET_REGULT_DOMAIN	= 14,
	MIH_IQ_IE_NET_FREQUENCY_BANDS	= 15,
	MIH_IQ_IE_NET_IP_CFG_METHODS	= 16,
	MIH_IQ_IE_NET_CAPABILITIES	= 17,
	MIH_IQ_IE_NET_SUPPORTED_LCP	= 18,
	MIH_IQ_IE_NET_MOB_MGMT_PROT	= 19,
	MIH_IQ_IE_NET_EMSERV_PROXY	= 20,
	MIH_IQ_IE_NET_IMS_PROXY_CSCF	= 21,
	MIH_IQ_IE_NET_MOBILE_NETWORK	= 22,
	MIH_IQ_IE_POA_LINK_ADDR		= 23,
	MIH_IQ_IE_POA_LOCATION		= 24,
	MIH_IQ_IE_POA_CHANNEL_RANGE	= 25,
	MIH_IQ_IE_POA_SYSTEM_INFO	= 26,
	MIH_IQ_IE_POA_SUBNET_INFO	= 27,
	MIH_IQ_IE_POA_IP_ADDR		= 28,
};

enum mih_trans_bit {		/* MIH_TRANS_LST, BITMAP(16), TLV 8 */
	MIH_TRANS_UDP	= 0,
	MIH_TRANS_TCP	= 1,
};

enum mih_ip_mob_bit {		/* IP_MOB_MGMT, BITMAP(16), TLV 18 */
	MIH_MOB_MIPV4			= 0,
	MIH_MOB_MIPV4_REGIONAL		= 1,
	MIH_MOB_MIPV6			= 2,
	MIH_MOB_HMIPV6			= 3,
	MIH_MOB_LOW_LATENCY		= 4,
	MIH_MOB_FMIPV6			= 5,
	MIH_MOB_IKEV2			= 6,
};

enum mih_ip_cfg_bit {		/* IP_CFG_MTHDS, BITMAP(32), TLV 19 */
	MIH_IPCFG_IPV4_STATIC		= 0,
	MIH_IPCFG_DHCPV4		= 1,
	MIH_IPCFG_MIPV4_FA		= 2,
	MIH_IPCFG_MIPV4_NO_FA		= 3,
	MIH_IPCFG_IPV6_STATELESS	= 11,
	MIH_IPCFG_DHCPV6		= 12,
	MIH_IPCFG_IPV6_MANUAL		= 13,
};

enum mih_net_caps_bit {		/* NET_CAPS, BITMAP(32) */
	MIH_NETCAP_SECURITY		= 0,
	MIH_NETCAP_QOS_CLASS0		= 1,	/* .. class 5 = 6 */
	MIH_NETCAP_QOS_CLASS5		= 6,
	MIH_NETCAP_INTERNET		= 7,
	MIH_NETCAP_EMERGENCY		= 8,
	MIH_NETCAP_MIH			= 9,
};

/* LINK_MIHCAP_FLAG, BITMAP(8) (802.21-2008 shape, one source) */
enum mih_mihcap_bit {
	MIH_MIHCAP_ES	= 1,	/* event service supported */
	MIH_MIHCAP_CS	= 2,	/* command service */
	MIH_MIHCAP_IS	= 3,	/* information service */
};

/* ---- addresses ---- */

#define MIH_AF_NONE	0	/* IP_ADDR: no address */
#define MIH_AF_IPV4	1
#define MIH_AF_IPV6	2
#define MIH_AF_802	6	/* MAC_ADDR */

/* TRANSPORT_ADDR: UNSIGNED_INT(2) family + OCTET_STRING (any family) */
struct mih_transport_addr {
	uint16_t family;
	struct mih_ostr addr;
};

/* IP_ADDR: family 1 + 4 octets, 2 + 16 octets, or 0 + 0 octets */
struct mih_ip_addr {
	uint16_t family;	/* MIH_AF_NONE / MIH_AF_IPV4 / MIH_AF_IPV6 */
	uint8_t a[16];		/* first 4 for IPv4 */
};

enum mih_link_addr_kind {	/* LINK_ADDR CHOICE selector */
	MIH_LA_MAC		= 0,	/* MAC_ADDR */
	MIH_LA_3GPP_3G_CELL	= 1,	/* PLMN_ID(3) + CELL_ID u32 */
	MIH_LA_3GPP_2G_CELL	= 2,	/* PLMN_ID(3) + LAC u16 + CI u16 */
	MIH_LA_3GPP		= 3,	/* OCTET_STRING */
	MIH_LA_3GPP2		= 4,	/* OCTET_STRING */
	MIH_LA_OTHER_L2		= 5,	/* OCTET_STRING */
	MIH_LA_N_KINDS		= 6,
};

struct mih_link_addr {
	uint8_t kind;		/* enum mih_link_addr_kind */
	union {
		uint8_t mac[6];
		struct {
			uint8_t plmn[3];
			uint32_t cell_id;
		} cell3g;
		struct {
			uint8_t plmn[3];
			uint16_t lac;
			uint16_t ci;
		} cell2g;
		struct mih_ostr str;	/* 3GPP, 3GPP2, OTHER_L2 */
	} u;
};

/* LINK_ID = LINK_TYPE + LINK_ADDR */
struct mih_link_id {
	uint8_t type;		/* enum mih_link_type */
	struct mih_link_addr addr;
};

/* LINK_TUPLE_ID = LINK_ID + CHOICE(NULL, LINK_ADDR PoA) */
struct mih_link_tuple_id {
	struct mih_link_id link;
	bool has_poa;
	struct mih_link_addr poa;
};

/*
 * NETWORK_TYPE = CHOICE(NULL, LINK_TYPE) + CHOICE(NULL, SUBTYPE BITMAP(64))
 * + CHOICE(NULL, TYPE_EXT OCTET_STRING)
 */
struct mih_network_type {
	bool has_link_type;
	uint8_t link_type;
	bool has_subtype;
	uint64_t subtype;
	bool has_ext;
	struct mih_ostr ext;
};

/* NET_TYPE_ADDR = NETWORK_TYPE + LINK_ADDR (element of TLV 9) */
struct mih_net_type_addr {
	struct mih_network_type nt;
	struct mih_link_addr addr;
};

/* MBB_HO_SUPP = NETWORK_TYPE from + NETWORK_TYPE to + BOOLEAN (TLV 10) */
struct mih_mbb_ho_supp {
	struct mih_network_type from;
	struct mih_network_type to;
	bool supported;
};

/*
 * LINK_DET_INFO (element of TLV 58), 802.21-2008 shape.  WIRE.md 9 names
 * only the list; Wireshark 4.0 decodes this shape field by field (mihgen's
 * capture) and an independent 802.21 C header has the same sequence:
 *   LINK_TUPLE_ID, NETWORK_ID OCTET_STRING (<= 253), NET_AUX_ID
 *   OCTET_STRING (<= 253), SIG_STRENGTH = CHOICE(INTEGER(1) dBm,
 *   PERCENTAGE u8 0..100), SINR u16, LINK_DATA_RATE u32 (kb/s),
 *   LINK_MIHCAP_FLAG BITMAP(8), NET_CAPS BITMAP(32).
 */
#define MIH_NETWORK_ID_MAX	253
struct mih_sig_strength {
	bool is_percent;	/* selector 1 */
	int8_t dbm;		/* selector 0 */
	uint8_t percent;	/* selector 1, 0..100 */
};

struct mih_link_det_info {
	struct mih_link_tuple_id tuple;
	struct mih_ostr network_id;
	struct mih_ostr net_aux_id;
	struct mih_sig_strength sig;
	uint16_t sinr;
	uint32_t data_rate;
	uint8_t mihcap;		/* enum mih_mihcap_bit */
	uint32_t net_caps;	/* enum mih_net_caps_bit */
};

/* ---- handover types ----
 * WIRE.md 9 leaves the handover messages uncorroborated.  The shapes of
 * QOS_LIST, RQ_RESULT, TGT_NET_INFO and the resource sets below are the
 * ones Wireshark's dissector (tshark 4.0.17) and ODTONE's
 * types/{qos,handover}.hpp agree on (checked while writing mihgen's
 * capture); LINK_POA_LIST is 802.21-2008 as Wireshark decodes it.
 */

#define MIH_POA_LIST_MAX	16
#define MIH_QOS_LIST_MAX	16

/* LINK_POA_LIST = LINK_ID + LIST(LINK_ADDR) (element of TLV 31) */
struct mih_link_poa_list {
	struct mih_link_id link;
	uint32_t n_poa;
	struct mih_link_addr poa[MIH_POA_LIST_MAX];
};

/*
 * QOS_LIST (TLV 33, IE_NETWORK_QOS, inside RQ_RESULT and resource sets) =
 *   NUM_COS_TYPES u8 + LIST(MIN_PK_TX_DELAY) + LIST(AVG_PK_TX_DELAY) +
 *   LIST(MAX_PK_TX_DELAY) + LIST(PK_DELAY_JITTER) + LIST(PK_LOSS_RATE),
 *   every element COS_ID u8 + value u16.
 * In C the five lists are one array of parameters tagged with their list
 * (type = enum mih_qos_kind); the encoder writes them grouped by kind in
 * that order (stable), the decoder returns them in wire order.
 */
enum mih_qos_kind {
	MIH_QOS_MIN_PK_TX_DELAY	= 1,
	MIH_QOS_AVG_PK_TX_DELAY	= 2,
	MIH_QOS_MAX_PK_TX_DELAY	= 3,
	MIH_QOS_PK_DELAY_JITTER	= 4,
	MIH_QOS_PK_LOSS_RATE	= 5,
	MIH_QOS_KIND_MAX	= 5,
};

struct mih_qos_param {
	uint8_t type;		/* enum mih_qos_kind (1..5) */
	uint32_t value;		/* 0..65535 on the wire */
	uint8_t cos;		/* COS_ID */
};

struct mih_qos_list {
	uint32_t n;
	struct mih_qos_param p[MIH_QOS_LIST_MAX];
	uint8_t num_cos;	/* NUM_COS_TYPES */
};

/*
 * RQ_RESULT (element of TLV 32) = LINK_POA_LIST + QOS_LIST +
 * CHOICE(NULL, IP_CFG_MTHDS) + CHOICE(NULL, IP_ADDR DHCP server) +
 * CHOICE(NULL, IP_ADDR FA) + CHOICE(NULL, IP_ADDR access router).
 * The QoS list is always on the wire: has_qos false encodes an empty one;
 * the decoder sets has_qos.
 */
struct mih_rq_result {
	struct mih_link_poa_list pref;
	bool has_qos;
	struct mih_qos_list qos;
	bool has_ip_cfg;
	uint32_t ip_cfg;		/* enum mih_ip_cfg_bit */
	bool has_dhcp;
	struct mih_ip_addr dhcp;
	bool has_fa;
	struct mih_ip_addr fa;
	bool has_ar;
	struct mih_ip_addr ar;
};

/*
 * TGT_NET_INFO (TLV 55; element of TLV 56) = CHOICE(
 *   0: NETWORK_ID + CHOICE(NULL, NET_AUX_ID),
 *   1: LINK_ADDR of the target PoA).
 * In C: has_poa selects alternative 1 (then has_network_id and
 * has_net_aux_id must be false); else has_network_id must be true.
 */
struct mih_tgt_net_info {
	bool has_network_id;
	struct mih_ostr network_id;
	bool has_net_aux_id;
	struct mih_ostr net_aux_id;
	bool has_poa;
	struct mih_link_addr poa;
};

/*
 * ASGN_RES_SET (TLV 57) = QOS_LIST + TSP_CONTAINER;
 * REQ_RES_SET (TLV 63) = QOS_LIST + TSP_CONTAINER + HO_CAUSE (0..5, the
 *   LINK_DN_REASON values);
 * TSP_CONTAINER = CHOICE(NULL, PREDEF_CFG_ID INTEGER(1),
 *   TSP_CARRIER OCTET_STRING).  has_predef and has_opaque exclude each
 * other.
 */
struct mih_res_set {
	struct mih_qos_list qos;
	bool has_opaque;		/* TSP_CARRIER */
	struct mih_ostr opaque;
	bool has_predef;		/* PREDEF_CFG_ID */
	int8_t predef_cfg_id;
	uint8_t cause;			/* REQ_RES_SET only */
};

/* ---- encode / decode ----
 * mih_put_X(w, v) appends X; mih_get_X(r, v) reads one X and returns
 * r->err (0 or the first error).  The getters fill *v completely (zeroed
 * first).
 */
void mih_put_mihf_id(struct mih_wr *w, const void *id, size_t len);
int mih_get_mihf_id(struct mih_rd *r, struct mih_ostr *id);

void mih_put_transport_addr(struct mih_wr *w,
			    const struct mih_transport_addr *v);
int mih_get_transport_addr(struct mih_rd *r, struct mih_transport_addr *v);
void mih_put_mac_addr(struct mih_wr *w, const uint8_t *mac);	/* 6 octets */
int mih_get_mac_addr(struct mih_rd *r, uint8_t *mac);		/* 6 octets */
void mih_put_ip_addr(struct mih_wr *w, const struct mih_ip_addr *v);
int mih_get_ip_addr(struct mih_rd *r, struct mih_ip_addr *v);
void mih_put_link_addr(struct mih_wr *w, const struct mih_link_addr *v);
int mih_get_link_addr(struct mih_rd *r, struct mih_link_addr *v);
/* LINK_TYPE: any of enum mih_link_type, else MIH_E_BAD_ENUM */
void mih_put_link_type(struct mih_wr *w, uint8_t v);
int mih_get_link_type(struct mih_rd *r, uint8_t *v);
bool mih_link_type_valid(uint8_t v);
void mih_put_link_id(struct mih_wr *w, const struct mih_link_id *v);
int mih_get_link_id(struct mih_rd *r, struct mih_link_id *v);
void mih_put_link_tuple_id(struct mih_wr *w,
			   const struct mih_link_tuple_id *v);
int mih_get_link_tuple_id(struct mih_rd *r, struct mih_link_tuple_id *v);
void mih_put_network_type(struct mih_wr *w, const struct mih_network_type *v);
int mih_get_network_type(struct mih_rd *r, struct mih_network_type *v);
void mih_put_net_type_addr(struct mih_wr *w,
			   const struct mih_net_type_addr *v);
int mih_get_net_type_addr(struct mih_rd *r, struct mih_net_type_addr *v);
void mih_put_mbb_ho_supp(struct mih_wr *w, const struct mih_mbb_ho_supp *v);
int mih_get_mbb_ho_supp(struct mih_rd *r, struct mih_mbb_ho_supp *v);
void mih_put_sig_strength(struct mih_wr *w, const struct mih_sig_strength *v);
int mih_get_sig_strength(struct mih_rd *r, struct mih_sig_strength *v);
void mih_put_link_det_info(struct mih_wr *w,
			   const struct mih_link_det_info *v);
int mih_get_link_det_info(struct mih_rd *r, struct mih_link_det_info *v);
void mih_put_link_poa_list(struct mih_wr *w,
			   const struct mih_link_poa_list *v);
int mih_get_link_poa_list(struct mih_rd *r, struct mih_link_poa_list *v);
void mih_put_qos_list(struct mih_wr *w, const struct mih_qos_list *v);
int mih_get_qos_list(struct mih_rd *r, struct mih_qos_list *v);
void mih_put_rq_result(struct mih_wr *w, const struct mih_rq_result *v);
int mih_get_rq_result(struct mih_rd *r, struct mih_rq_result *v);
void mih_put_tgt_net_info(struct mih_wr *w, const struct mih_tgt_net_info *v);
int mih_get_tgt_net_info(struct mih_rd *r, struct mih_tgt_net_info *v);
/* ASGN_RES_SET */
void mih_put_res_set(struct mih_wr *w, const struct mih_res_set *v);
int mih_get_res_set(struct mih_rd *r, struct mih_res_set *v);
/* REQ_RES_SET (with HO_CAUSE) */
void mih_put_req_res_set(struct mih_wr *w, const struct mih_res_set *v);
int mih_get_req_res_set(struct mih_rd *r, struct mih_res_set *v);

/* One-octet enumerations, range-checked both ways */
int mih_get_status(struct mih_rd *r, uint8_t *v);		/* 0..5 */
int mih_get_link_dn_reason(struct mih_rd *r, uint8_t *v);	/* 0..5 */
int mih_get_link_gd_reason(struct mih_rd *r, uint8_t *v);	/* 0..3 */
int mih_get_reg_request_code(struct mih_rd *r, uint8_t *v);	/* 0..1 */
int mih_get_ho_status(struct mih_rd *r, uint8_t *v);		/* 0..1 */
int mih_get_ho_result(struct mih_rd *r, uint8_t *v);		/* 0..3 */

/*
 * A LIST of elements: mih_put_list() writes the count and n elements of
 * elem_size octets each from arr through put; for reading use
 * mih_get_list_count() and the element getter in a loop.
 */
void mih_put_list(struct mih_wr *w, mih_put_fn put, const void *arr,
		  size_t elem_size, size_t n);

/* ---- per-TLV value types (WIRE.md section 7) ---- */

/* "Link identifier", or NULL for an unassigned type */
const char *mih_tlv_name(uint8_t type);
/* "LINK_TUPLE_ID", the value data type of a TLV type, or NULL */
const char *mih_tlv_type_name(uint8_t type);
/*
 * Validate a TLV value against its data type (WIRE.md section 7 and the
 * assumptions above), exactly tiled.  The reader r (initialised by the
 * function) reports where and why on error.  Returns 0 or the error;
 * MIH_E_INVAL for types this codec does not know (0, 64..255).
 */
int mih_tlv_value_check(uint8_t type, const uint8_t *value, size_t len,
			struct mih_rd *r);

/*
 * Pretty-print a TLV value (one line, e.g. "802.11 MAC 02:11:22:33:44:55
 * PoA none").  Returns the snprintf-style length (buf always terminated
 * when size > 0).  An invalid value prints as "<invalid: why> hex...".
 */
int mih_tlv_fmt(uint8_t type, const uint8_t *value, size_t len, char *buf,
		size_t size);

/* Names of enumerated values and bits (NULL/"?" when unknown) */
const char *mih_status_name(uint8_t v);
const char *mih_link_type_name(uint8_t v);
const char *mih_link_dn_reason_name(uint8_t v);
const char *mih_link_gd_reason_name(uint8_t v);
const char *mih_evt_bit_name(unsigned int bit);
const char *mih_cmd_bit_name(unsigned int bit);
const char *mih_iq_type_bit_name(unsigned int bit);

/* Formatters for single values, snprintf-style return */
int mih_link_addr_fmt(char *buf, size_t size, const struct mih_link_addr *v);
int mih_link_id_fmt(char *buf, size_t size, const struct mih_link_id *v);
int mih_link_tuple_id_fmt(char *buf, size_t size,
			  const struct mih_link_tuple_id *v);
int mih_ip_addr_fmt(char *buf, size_t size, const struct mih_ip_addr *v);
int mih_network_type_fmt(char *buf, size_t size,
			 const struct mih_network_type *v);
/* "{Link_Up,Link_Down}" with names from name(bit) (hex for unnamed bits) */
int mih_bitmap_fmt(char *buf, size_t size, uint64_t map, unsigned int bits,
		   const char *(*name)(unsigned int bit));

#endif /* MIHSEC_LIB_MIHTYPE_H */

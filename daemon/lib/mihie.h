/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IEEE 802.21 Information Service binary payloads (WIRE.md section 10):
 * IQ_BIN_DATA (TLV 43 = LIST(IQ_BIN_DATA)), IR_BIN_DATA (TLV 48 =
 * LIST(IR_BIN_DATA), IR_BIN_DATA = LIST(IE)) and the Information Elements.
 *
 * One IE is | type UNSIGNED_INT(4) | length (section 4 encoding) | value |.
 * Containers (0x10000300..302) hold nested IEs.  Assumption (the exact
 * container grammar needs the standard text): a container's value is a
 * sequence of IEs that fills it exactly (no count), nested at most
 * MIH_IE_DEPTH_MAX deep.
 *
 * Same conventions as mihtype.h: strict, bounded, no allocation, values
 * point into the decoded buffer.
 */
#ifndef MIHSEC_LIB_MIHIE_H
#define MIHSEC_LIB_MIHIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/mihtype.h"

/* ---- IE identifiers (WIRE.md section 10) ---- */

enum mih_ie_id {
	MIH_IE_NETWORK_TYPE		= 0x10000000,
	MIH_IE_OPERATOR_ID		= 0x10000001,
	MIH_IE_SERVICE_PROVIDER_ID	= 0x10000002,
	MIH_IE_COUNTRY_CODE		= 0x10000003,
	MIH_IE_NETWORK_ID		= 0x10000100,
	MIH_IE_NETWORK_AUX_ID		= 0x10000101,
	MIH_IE_ROAMING_PARTNERS		= 0x10000102,
	MIH_IE_COST			= 0x10000103,
	MIH_IE_NETWORK_QOS		= 0x10000105,
	MIH_IE_NETWORK_DATA_RATE	= 0x10000106,
	MIH_IE_NET_REGULAT_DOMAIN	= 0x10000107,
	MIH_IE_NET_FREQUENCY_BANDS	= 0x10000108,
	MIH_IE_NET_IP_CFG_METHODS	= 0x10000109,
	MIH_IE_NET_CAPABILITIES		= 0x1000010A,
	MIH_IE_NET_SUPPORTED_LCP	= 0x1000010B,
	MIH_IE_NET_MOB_MGMT_PROT	= 0x1000010C,
	MIH_IE_NET_EMSERV_PROXY		= 0x1000010D,
	MIH_IE_NET_IMS_PROXY_CSCF	= 0x1000010E,
	MIH_IE_NET_MOBILE_NETWORK	= 0x1000010F,
	MIH_IE_POA_LINK_ADDR		= 0x10000200,
	MIH_IE_POA_LOCATION		= 0x10000201,
	MIH_IE_POA_CHANNEL_RANGE	= 0x10000202,
	MIH_IE_POA_SYSTEM_INFO		= 0x10000203,
	MIH_IE_POA_SUBNET_INFO		= 0x10000204,
	MIH_IE_POA_IP_ADDR		= 0x10000205,
	MIH_IE_AUTHENTICATOR_LINK_ADDR	= 0x10000206,	/* 802.21a */
	MIH_IE_AUTHENTICATOR_IP_ADDR	= 0x10000207,	/* 802.21a */
	MIH_IE_POS_IP_ADDR		= 0x10000208,	/* 802.21a */
	MIH_IE_CONTAINER_LIST_OF_NETWORKS = 0x10000300,
	MIH_IE_CONTAINER_NETWORK	= 0x10000301,
	MIH_IE_CONTAINER_POA		= 0x10000302,
};

#define MIH_IE_DEPTH_MAX	4	/* nested containers */
#define MIH_IE_STR_MAX		253	/* OP_NAME, SP_ID */

/* "IE_NETWORK_TYPE", or NULL for an unknown id */
const char *mih_ie_name(uint32_t type);
static inline bool mih_ie_is_container(uint32_t type)
{
	return type >= MIH_IE_CONTAINER_LIST_OF_NETWORKS &&
	       type <= MIH_IE_CONTAINER_POA;
}

/* ---- IE value types ---- */

enum mih_op_namespace {		/* OP_NAMESPACE */
	MIH_OPNS_GSM_UMTS	= 0,
	MIH_OPNS_CDMA		= 1,
	MIH_OPNS_REALM		= 2,
	MIH_OPNS_ITU_T_TSB	= 3,
	MIH_OPNS_GENERAL	= 4,
	MIH_OPNS_MAX		= 4,
};

/* OPERATOR_ID = OP_NAME OCTET_STRING (<= 253) + OP_NAMESPACE */
struct mih_operator_id {
	struct mih_ostr name;
	uint8_t ns;
};

enum mih_cost_unit {
	MIH_COST_SECOND = 0, MIH_COST_MINUTE, MIH_COST_HOUR, MIH_COST_DAY,
	MIH_COST_WEEK, MIH_COST_MONTH, MIH_COST_YEAR, MIH_COST_FREE,
	MIH_COST_FLAT_RATE, MIH_COST_UNIT_MAX = MIH_COST_FLAT_RATE,
};

/* COST = COST_UNIT u8 + COST_VALUE (u32 integer, u16 fraction) + 3 octets */
struct mih_cost {
	uint8_t unit;		/* enum mih_cost_unit */
	uint32_t integer;
	uint16_t fraction;	/* thousandths (0..999) */
	char curr[3];		/* ISO 4217, e.g. "EUR" */
};

/*
 * IP_CONFIG (IE_NET_IP_CFG_METHODS) = IP_CFG_MTHDS BITMAP(32) +
 * CHOICE(NULL, IP_ADDR DHCP server) + CHOICE(NULL, IP_ADDR FA) +
 * CHOICE(NULL, IP_ADDR access router).  Assumption (802.21-2008 shape).
 */
struct mih_ip_config {
	uint32_t methods;	/* enum mih_ip_cfg_bit */
	bool has_dhcp;
	struct mih_ip_addr dhcp;
	bool has_fa;
	struct mih_ip_addr fa;
	bool has_ar;
	struct mih_ip_addr ar;
};

/*
 * LOCATION (IE_POA_LOCATION, QUERIER_LOC) = CHOICE(civic, geo, CELL_ID)
 *   civic = CHOICE(bin: CNTRY 2 octets + OCTET_STRING, xml: OCTET_STRING)
 *   geo   = CHOICE(bin: 16 octets (RFC 3825 LCI), xml: OCTET_STRING)
 *   CELL_ID = UNSIGNED_INT(4)
 */
enum mih_location_kind {
	MIH_LOC_CIVIC_BIN	= 0,
	MIH_LOC_CIVIC_XML	= 1,
	MIH_LOC_GEO_BIN		= 2,
	MIH_LOC_GEO_XML		= 3,
	MIH_LOC_CELL_ID		= 4,
};

struct mih_location {
	uint8_t kind;		/* enum mih_location_kind */
	char country[2];	/* CIVIC_BIN */
	struct mih_ostr str;	/* CIVIC_BIN address, CIVIC_XML, GEO_XML */
	uint8_t geo[16];	/* GEO_BIN */
	uint32_t cell_id;	/* CELL_ID */
};

/* POA_CHANNEL_RANGE = low u32 + high u32 (low <= high) */
struct mih_channel_range {
	uint32_t low;
	uint32_t high;
};

/*
 * IP_SUBNET_INFO (IE_POA_SUBNET_INFO) = IP_ADDR prefix + prefix length u8
 * (<= 32 for IPv4, <= 128 for IPv6).  Assumption (documented shape).
 */
struct mih_subnet_info {
	struct mih_ip_addr prefix;
	uint8_t prefix_len;
};

#define MIH_IE_LIST_MAX		16	/* ROAMING_PARTNERS, FREQ_BANDS */

/* One decoded IE value */
struct mih_ie_val {
	uint32_t type;			/* enum mih_ie_id */
	union {
		struct mih_network_type network_type;
		struct mih_operator_id operator_id;
		struct mih_ostr str;	/* SP_ID, NETWORK_ID, AUX_ID,
					 * and opaque known IEs */
		char country[2];	/* COUNTRY_CODE */
		struct {
			uint32_t n;
			struct mih_operator_id op[MIH_IE_LIST_MAX];
		} roaming;
		struct mih_cost cost;
		struct mih_qos_list qos;	/* NETWORK_QOS */
		uint32_t u32;		/* DATA_RATE, NET_CAPABILITIES */
		uint16_t u16;		/* NET_MOB_MGMT_PROT */
		uint8_t u8;		/* NET_SUPPORTED_LCP */
		bool b;			/* NET_MOBILE_NETWORK */
		struct {
			char country[2];
			uint8_t reg_class;
		} regdom;
		struct {
			uint32_t n;
			uint32_t f[MIH_IE_LIST_MAX];
		} bands;
		struct mih_ip_config ip_config;
		struct mih_link_addr link_addr;	/* POA_LINK_ADDR, AUTH_LA */
		struct mih_location location;
		struct mih_channel_range channel;
		struct mih_subnet_info subnet;
		struct mih_ip_addr ip_addr;	/* POA_IP_ADDR, AUTH_IP, PoS */
	} u;
};

/*
 * Encode the value of v->type (value only: no IE type/length).  Types
 * without a typed form (SYSTEM_INFO, EMSERV/IMS proxies) are written from
 * u.str as opaque octets.  Containers: MIH_E_INVAL (use the writer).
 */
void mih_put_ie_value(struct mih_wr *w, const struct mih_ie_val *v);
/*
 * Decode and validate the value of an IE of a known type, exactly tiled.
 * Unknown types: MIH_E_INVAL.  Containers: validates the nested IEs
 * (r->err / r->why), *v gets only the type.
 */
int mih_ie_value_decode(uint32_t type, const uint8_t *value, size_t len,
			struct mih_ie_val *v, struct mih_rd *r);

/* ---- IE iteration ---- */

struct mih_ie {
	uint32_t type;
	uint32_t len;
	const uint8_t *value;
	size_t offset;		/* of the type octets, from the iterated buffer */
};

/*
 * Walks either a LIST(IE) (count first) or a container's value (IEs to the
 * end).  Unknown IE types are skipped (it->skipped) by mih_ie_next();
 * mih_ie_next_raw() returns them too.  Each IE's framing is checked (not
 * its value: see mih_ie_value_decode()).
 */
struct mih_ie_iter {
	struct mih_rd *r;	/* shared reader (errors land here) */
	size_t end;		/* container: end offset in r */
	bool counted;		/* LIST(IE): 'left' IEs remain */
	uint32_t left;
	unsigned int skipped;
};

/* LIST(IE) at r's position: reads the count */
int mih_ie_iter_list(struct mih_ie_iter *it, struct mih_rd *r);
/*
 * The IEs inside a container ie (which r must have produced): r is
 * re-pointed at its value; depth is checked by mih_ie_validate_list().
 */
int mih_ie_iter_container(struct mih_ie_iter *it, struct mih_rd *r,
			  const struct mih_ie *ie);
/* 1: next IE in *ie, r positioned after it; 0: end; < 0: error (sticky) */
int mih_ie_next(struct mih_ie_iter *it, struct mih_ie *ie);
int mih_ie_next_raw(struct mih_ie_iter *it, struct mih_ie *ie);

/*
 * Validate a LIST(IE) at r's position completely: framing, every known
 * value (containers recursively, depth <= MIH_IE_DEPTH_MAX); unknown
 * types skipped.  Returns 0 or the error (details in r).
 */
int mih_ie_validate_list(struct mih_rd *r);

/* ---- IE writer (nested containers and lists) ---- */

struct mih_ie_wr {
	struct mih_wr w;
	unsigned int depth;
	struct {
		size_t start;	/* where the count / value starts */
		uint32_t count;	/* items opened at this level */
		bool is_list;	/* LIST (count) or IE (length) */
	} lvl[MIH_IE_DEPTH_MAX + 4];
};

void mih_ie_wr_init(struct mih_ie_wr *iw, void *buf, size_t size);
/* A LIST(...): count prefix written at mih_ie_list_end() */
void mih_ie_list_begin(struct mih_ie_wr *iw);
void mih_ie_list_end(struct mih_ie_wr *iw);
/* An IE whose value is written next (through &iw->w or nested IEs) */
void mih_ie_begin(struct mih_ie_wr *iw, uint32_t type);
void mih_ie_end(struct mih_ie_wr *iw);
/* A complete IE from a typed value */
void mih_ie_put(struct mih_ie_wr *iw, const struct mih_ie_val *v);
/* A complete IE with raw value octets */
void mih_ie_put_raw(struct mih_ie_wr *iw, uint32_t type, const void *value,
		    uint32_t len);
/* All levels closed?  Returns 0 and *len, or the first error */
int mih_ie_wr_finish(struct mih_ie_wr *iw, size_t *len);

/* ---- IQ_BIN_DATA (TLV 43 element) ---- */

#define MIH_IQ_NETS_MAX		16
#define MIH_IQ_TEMPL_MAX	32

/* NET_TYPE_INC bits (BITMAP(32)) */
enum mih_net_type_inc_bit {
	MIH_NTI_GSM = 0, MIH_NTI_GPRS, MIH_NTI_EDGE, MIH_NTI_ETHERNET,
	MIH_NTI_WIRELESS_OTHER, MIH_NTI_802_11, MIH_NTI_CDMA2000,
	MIH_NTI_UMTS, MIH_NTI_HRPD, MIH_NTI_802_16, MIH_NTI_802_20,
	MIH_NTI_802_22,
};

/* QUERIER_LOC = CHOICE(NULL, LOCATION) + CHOICE(NULL, LINK_ADDR) +
 * CHOICE(NULL, NGHB_RADIUS u16) */
struct mih_querier_loc {
	bool has_location;
	struct mih_location location;
	bool has_link_addr;
	struct mih_link_addr link_addr;
	bool has_radius;
	uint16_t radius;
};

/* IQ_BIN_DATA: six CHOICE(NULL, X) parts */
struct mih_iq_bin_data {
	bool has_querier_loc;
	struct mih_querier_loc querier_loc;
	bool has_net_type_inc;
	uint32_t net_type_inc;			/* enum mih_net_type_inc_bit */
	bool has_netwk_inc;
	uint32_t n_netwk;
	struct mih_ostr netwk[MIH_IQ_NETS_MAX];	/* NETWORK_IDs */
	bool has_rpt_templ;
	uint32_t n_templ;
	uint32_t templ[MIH_IQ_TEMPL_MAX];	/* IE ids */
	bool has_rpt_limit;
	uint16_t max_ies;
	uint16_t start_entry;
	bool has_curr_pref;
	char curr_pref[3];			/* ISO 4217 */
};

void mih_put_iq_bin_data(struct mih_wr *w, const struct mih_iq_bin_data *v);
int mih_get_iq_bin_data(struct mih_rd *r, struct mih_iq_bin_data *v);
void mih_put_location(struct mih_wr *w, const struct mih_location *v);
int mih_get_location(struct mih_rd *r, struct mih_location *v);

/* TLV 43 value: LIST(IQ_BIN_DATA) of n */
void mih_put_iq_bin_data_list(struct mih_wr *w,
			      const struct mih_iq_bin_data *v, size_t n);
/* Validate a TLV 43 value (exactly tiled) */
int mih_iq_bin_data_list_check(const uint8_t *value, size_t len,
			       struct mih_rd *r);
/* Validate a TLV 48 value: LIST(IR_BIN_DATA = LIST(IE)), exactly tiled */
int mih_ir_bin_data_list_check(const uint8_t *value, size_t len,
			       struct mih_rd *r);

/* Format one IE ("IE_COST: 1.500 EUR per hour"), snprintf-style */
int mih_ie_fmt(const struct mih_ie *ie, char *buf, size_t size);

#endif /* MIHSEC_LIB_MIHIE_H */

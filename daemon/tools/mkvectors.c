// SPDX-License-Identifier: GPL-2.0
/*
 * mkvectors: write the MIHSec known-answer vectors, kmod/tests/vectors.h.
 *
 *   mkvectors [PATH]        (standard output without PATH)
 *
 * The vectors are produced in userspace with lib/seal.c (OpenSSL EVP),
 * independently of the kernel, and compared against the kernel's output by
 * KUnit.  They are not in git: scripts/kunit (and daemon/Makefile, for
 * tests/test_seal.c) generate kmod/tests/vectors.h with this program at
 * build time.  There is at least one vector for every suite, E and D
 * (make check stage "kat" verifies that).  Everything is deterministic:
 * the plain PDUs are fixed, and each vector's key material is derived from
 * its name:
 *
 *   key   = SHA-256("mihsec kat key "   || name)[0 .. key_len)
 *   salt  = SHA-256("mihsec kat salt "  || name)[0 .. 4)
 *   keyid = SHA-256("mihsec kat keyid " || name)[0 .. 8)
 *
 * so the output is byte-identical on every run (make check stage "kat"
 * runs it twice and compares).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "lib/mih.h"
#include "lib/seal.h"

#define KAT_PDU_MAX	2048

/* ---- a small append-only buffer for TLV values ---- */

struct vbuf {
	uint8_t d[KAT_PDU_MAX];
	size_t len;
	bool overflow;
};

static void vb_bytes(struct vbuf *v, const void *p, size_t n)
{
	if (v->overflow || sizeof(v->d) - v->len < n) {
		v->overflow = true;
		return;
	}
	memcpy(v->d + v->len, p, n);
	v->len += n;
}

static void vb_u8(struct vbuf *v, uint8_t x)
{
	vb_bytes(v, &x, 1);
}

static void vb_be16(struct vbuf *v, uint16_t x)
{
	uint8_t b[2] = { x >> 8, x & 0xff };

	vb_bytes(v, b, sizeof(b));
}

static void vb_be32(struct vbuf *v, uint32_t x)
{
	uint8_t b[4] = { x >> 24, (x >> 16) & 0xff, (x >> 8) & 0xff,
			 x & 0xff };

	vb_bytes(v, b, sizeof(b));
}

/* 802.21 length encoding (LIST counts, OCTET_STRING and IE lengths) */
static void vb_len(struct vbuf *v, uint32_t len)
{
	uint8_t b[MIH_LEN_SIZE_MAX];
	int n = mih_len_encode(b, sizeof(b), len);

	if (n < 0)
		v->overflow = true;
	else
		vb_bytes(v, b, (size_t)n);
}

static void vb_octet_string(struct vbuf *v, const void *s, size_t n)
{
	vb_len(v, (uint32_t)n);
	vb_bytes(v, s, n);
}

static void vb_str(struct vbuf *v, const char *s)
{
	vb_octet_string(v, s, strlen(s));
}

/* ---- 802.21 data types used by the example messages (WIRE.md 6) ---- */

#define LINK_TYPE_80211		19
#define ADDR_FAMILY_802		6
#define ADDR_FAMILY_IPV4	1

static const uint8_t mac_mmt[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t mac_poa[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };

/* LINK_ADDR = CHOICE(0: MAC_ADDR = family 6 + OCTET_STRING(6)) */
static void vb_link_addr_mac(struct vbuf *v, const uint8_t *mac)
{
	vb_u8(v, 0);
	vb_be16(v, ADDR_FAMILY_802);
	vb_octet_string(v, mac, 6);
}

/* LINK_ID = LINK_TYPE + LINK_ADDR */
static void vb_link_id(struct vbuf *v, const uint8_t *mac)
{
	vb_u8(v, LINK_TYPE_80211);
	vb_link_addr_mac(v, mac);
}

/* LINK_TUPLE_ID = LINK_ID + CHOICE(NULL, LINK_ADDR of the PoA) */
static void vb_link_tuple_id(struct vbuf *v, const uint8_t *mac,
			     const uint8_t *poa)
{
	vb_link_id(v, mac);
	if (poa) {
		vb_u8(v, 1);
		vb_link_addr_mac(v, poa);
	} else {
		vb_u8(v, 0);
	}
}

/* One IR_BIN_DATA information element: type (4) | length | value */
static void vb_ie(struct vbuf *v, uint32_t type, const struct vbuf *val)
{
	vb_be32(v, type);
	vb_octet_string(v, val->d, val->len);
}

#define IE_NETWORK_TYPE		0x10000000
#define IE_OPERATOR_ID		0x10000001
#define IE_NETWORK_ID		0x10000100
#define IE_COST			0x10000103
#define IE_NETWORK_DATA_RATE	0x10000106
#define IE_POA_LINK_ADDR	0x10000200
#define IE_POA_IP_ADDR		0x10000205
#define IES_PER_NETWORK		7

/* The information elements describing one 802.11 network */
static void vb_network_ies(struct vbuf *v, unsigned int i)
{
	static const char *const ssids[] = {
		"campus-wifi", "eduroam", "metro-hotspot", "cafe-guest",
		"airport-free", "train-onboard", "library-net", "stadium-5g",
	};
	struct vbuf val;
	uint8_t mac[6];
	char op[32];

	memset(&val, 0, sizeof(val));	/* NETWORK_TYPE: (802.11, -, -) */
	vb_u8(&val, 1);
	vb_u8(&val, LINK_TYPE_80211);
	vb_u8(&val, 0);
	vb_u8(&val, 0);
	vb_ie(v, IE_NETWORK_TYPE, &val);

	memset(&val, 0, sizeof(val));	/* OPERATOR_ID: name, REALM */
	snprintf(op, sizeof(op), "operator%u.example.net", i % 3);
	vb_str(&val, op);
	vb_u8(&val, 2);
	vb_ie(v, IE_OPERATOR_ID, &val);

	memset(&val, 0, sizeof(val));	/* NETWORK_ID: the SSID */
	vb_str(&val, ssids[i % 8]);
	vb_ie(v, IE_NETWORK_ID, &val);

	memset(&val, 0, sizeof(val));	/* COST: flat rate 1.50 EUR */
	vb_u8(&val, 8);
	vb_be32(&val, 1);
	vb_be16(&val, 500);
	vb_bytes(&val, "EUR", 3);
	vb_ie(v, IE_COST, &val);

	memset(&val, 0, sizeof(val));	/* DATA_RATE, kb/s */
	vb_be32(&val, 54000 + 1000 * i);
	vb_ie(v, IE_NETWORK_DATA_RATE, &val);

	memset(&val, 0, sizeof(val));	/* PoA link address */
	memcpy(mac, mac_poa, sizeof(mac));
	mac[5] = (uint8_t)(0x10 + i);
	vb_link_addr_mac(&val, mac);
	vb_ie(v, IE_POA_LINK_ADDR, &val);

	memset(&val, 0, sizeof(val));	/* PoA IPv4 address 192.0.2.x */
	vb_be16(&val, ADDR_FAMILY_IPV4);
	vb_u8(&val, 4);
	vb_be32(&val, 0xc0000200 | (i + 1));
	vb_ie(v, IE_POA_IP_ADDR, &val);
}

/* ---- MIHF IDs ---- */

#define ID_MMT	"mmt1@operator0.example.net"
#define ID_POS	"pos1.ar.operator0.example.net"
#define ID_IS	"is.operator0.example.net"

/* A deterministic NAI of exactly len octets: "mmt-<filler>@<realm>" */
static void make_id(char *buf, size_t len, const char *user,
		    const char *realm)
{
	size_t u = strlen(user), r = strlen(realm), i;

	memcpy(buf, user, u);
	for (i = u; i < len - r - 1; i++)
		buf[i] = "0123456789abcdef"[(i * 7) % 16];
	buf[len - r - 1] = '@';
	memcpy(buf + len - r, realm, r);
	buf[len] = '\0';
}

/* ---- the plain PDUs ---- */

struct plain {
	uint8_t d[KAT_PDU_MAX];
	size_t len;
};

static int plain_bytes(struct plain *p, const void *b, size_t n)
{
	struct mih_pdu pdu;

	memcpy(p->d, b, n);
	p->len = n;
	return mih_pdu_parse(p->d, p->len, &pdu);
}

/* WIRE.md 12: ODTONE's MIH_Capability_Discover.request, verbatim */
static int pdu_capdisc_req(struct plain *p)
{
	static const uint8_t b[] = {
		0x18, 0x00, 0x14, 0x01, 0x00, 0x0e, 0x00, 0x18,
		0x01, 0x07, 0x06, 'o', 'd', 't', 'o', 'n', 'e',
		0x02, 0x09, 0x08, 'p', 'y', 'o', 'r', 'a', 'c', 'l', 'e',
		0x08, 0x02, 0x00, 0x01,
	};

	return plain_bytes(p, b, sizeof(b));
}

/* WIRE.md 12: the Capability_Discover.response ODTONE accepted */
static int pdu_capdisc_rsp(struct plain *p)
{
	static const uint8_t b[] = {
		0x10, 0x00, 0x18, 0x01, 0x00, 0x0e, 0x00, 0x2e,
		0x01, 0x09, 0x08, 'p', 'y', 'o', 'r', 'a', 'c', 'l', 'e',
		0x02, 0x07, 0x06, 'o', 'd', 't', 'o', 'n', 'e',
		0x03, 0x01, 0x00,
		0x09, 0x0f, 0x01, 0x01, 0x13, 0x00, 0x00,
		0x00, 0x00, 0x06, 0x06, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
		0x05, 0x04, 0x00, 0x00, 0x00, 0x06,
	};

	return plain_bytes(p, b, sizeof(b));
}

/* WIRE.md 8: a pure ACK (only the two MIHF ID TLVs), verbatim */
static int pdu_ack(struct plain *p)
{
	static const uint8_t b[] = {
		0x14, 0x00, 0x14, 0x01, 0x00, 0x0e, 0x00, 0x14,
		0x01, 0x09, 0x08, 'p', 'y', 'o', 'r', 'a', 'c', 'l', 'e',
		0x02, 0x07, 0x06, 'o', 'd', 't', 'o', 'n', 'e',
	};

	return plain_bytes(p, b, sizeof(b));
}

static void hdr_init(struct mih_hdr *h, uint8_t sid, uint8_t op,
		     uint16_t aid, uint16_t tid, bool ack_req)
{
	memset(h, 0, sizeof(*h));
	h->version = MIH_VERSION;
	h->ack_req = ack_req;
	h->sid = sid;
	h->opcode = op;
	h->aid = aid;
	h->tid = tid;
}

static int finish(struct plain *p, struct mih_builder *b)
{
	struct mih_pdu pdu;
	int err = mih_build_finish(b, &p->len);

	return err ? err : mih_pdu_parse(p->d, p->len, &pdu);
}

/* The pure ACK of the response above, MMT side to network side */
static int pdu_ack_rsp(struct plain *p)
{
	struct mih_builder b;
	struct mih_hdr h;

	hdr_init(&h, MIH_SID_SERVICE_MGMT, MIH_OP_RESPONSE,
		 MIH_AID_CAPABILITY_DISCOVER, 14, false);
	h.ack_rsp = true;
	mih_builder_init(&b, p->d, sizeof(p->d));
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, "odtone", 6, "pyoracle", 8);
	return finish(p, &b);
}

/* MIH_Get_Information.request, binary query (WIRE.md 10), MMT -> IS */
static int pdu_getinfo_req(struct plain *p)
{
	struct mih_builder b;
	struct mih_hdr h;
	struct vbuf v = { .len = 0 };

	hdr_init(&h, MIH_SID_INFO, MIH_OP_REQUEST, MIH_AID_GET_INFORMATION,
		 0x2a1, true);
	mih_builder_init(&b, p->d, sizeof(p->d));
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, ID_MMT, strlen(ID_MMT), ID_IS, strlen(ID_IS));
	/* LIST(IQ_BIN_DATA) of one: report NETWORK_TYPE, OPERATOR_ID, COST */
	vb_len(&v, 1);
	vb_u8(&v, 0);			/* QUERIER_LOC absent */
	vb_u8(&v, 0);			/* NET_TYPE_INC absent */
	vb_u8(&v, 0);			/* NETWK_INC absent */
	vb_u8(&v, 1);			/* RPT_TEMPL */
	vb_len(&v, 3);
	vb_be32(&v, IE_NETWORK_TYPE);
	vb_be32(&v, IE_OPERATOR_ID);
	vb_be32(&v, IE_COST);
	vb_u8(&v, 0);			/* RPT_LIMIT absent */
	vb_u8(&v, 0);			/* CURR_PREF absent */
	if (v.overflow)
		return MIH_E_NOSPACE;
	mih_build_tlv(&b, MIH_TLV_IQ_BIN_DATA_LIST, v.d, (uint32_t)v.len);
	mih_build_tlv(&b, MIH_TLV_MAX_RSP_SIZE, "\x05\xdc", 2);
	return finish(p, &b);
}

/* MIH_Get_Information.response with nets networks, IS -> MMT */
static int pdu_getinfo_rsp(struct plain *p, unsigned int nets)
{
	struct mih_builder b;
	struct mih_hdr h;
	struct vbuf v = { .len = 0 };
	unsigned int i;

	hdr_init(&h, MIH_SID_INFO, MIH_OP_RESPONSE, MIH_AID_GET_INFORMATION,
		 0x2a1, false);
	mih_builder_init(&b, p->d, sizeof(p->d));
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, ID_IS, strlen(ID_IS), ID_MMT, strlen(ID_MMT));
	mih_build_tlv(&b, MIH_TLV_STATUS, "\x00", 1);
	/* LIST(IR_BIN_DATA) of one IR_BIN_DATA = LIST(IE) */
	vb_len(&v, 1);
	vb_len(&v, nets * IES_PER_NETWORK);
	for (i = 0; i < nets; i++)
		vb_network_ies(&v, i);
	if (v.overflow)
		return MIH_E_NOSPACE;
	mih_build_tlv(&b, MIH_TLV_IR_BIN_DATA_LIST, v.d, (uint32_t)v.len);
	return finish(p, &b);
}

/* MIH_Event_Subscribe.request {Link_Up, Link_Down}, PoS -> MMT */
static int pdu_evtsub_req(struct plain *p)
{
	struct mih_builder b;
	struct mih_hdr h;
	struct vbuf v = { .len = 0 };

	hdr_init(&h, MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
		 MIH_AID_EVENT_SUBSCRIBE, 0x0b7, true);
	mih_builder_init(&b, p->d, sizeof(p->d));
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, ID_POS, strlen(ID_POS), ID_MMT, strlen(ID_MMT));
	vb_link_tuple_id(&v, mac_mmt, NULL);
	mih_build_tlv(&b, MIH_TLV_LINK_ID, v.d, (uint32_t)v.len);
	mih_build_tlv(&b, MIH_TLV_EVT_LIST, "\x00\x00\x00\x06", 4);
	return finish(p, &b);
}

/* MIH_Event_Subscribe.response, success, MMT -> PoS */
static int pdu_evtsub_rsp(struct plain *p)
{
	struct mih_builder b;
	struct mih_hdr h;
	struct vbuf v = { .len = 0 };

	hdr_init(&h, MIH_SID_SERVICE_MGMT, MIH_OP_RESPONSE,
		 MIH_AID_EVENT_SUBSCRIBE, 0x0b7, false);
	h.ack_rsp = true;
	mih_builder_init(&b, p->d, sizeof(p->d));
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, ID_MMT, strlen(ID_MMT), ID_POS, strlen(ID_POS));
	mih_build_tlv(&b, MIH_TLV_STATUS, "\x00", 1);
	vb_link_tuple_id(&v, mac_mmt, NULL);
	mih_build_tlv(&b, MIH_TLV_LINK_ID, v.d, (uint32_t)v.len);
	mih_build_tlv(&b, MIH_TLV_EVT_LIST, "\x00\x00\x00\x06", 4);
	return finish(p, &b);
}

/* MIH_Link_Up.indication with the PoA and mobility support, MMT -> PoS */
static int pdu_linkup_ind(struct plain *p)
{
	struct mih_builder b;
	struct mih_hdr h;
	struct vbuf v = { .len = 0 };

	hdr_init(&h, MIH_SID_EVENT, MIH_OP_INDICATION, MIH_AID_LINK_UP,
		 0x0c4, true);
	mih_builder_init(&b, p->d, sizeof(p->d));
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, ID_MMT, strlen(ID_MMT), ID_POS, strlen(ID_POS));
	vb_link_tuple_id(&v, mac_mmt, mac_poa);
	mih_build_tlv(&b, MIH_TLV_LINK_ID, v.d, (uint32_t)v.len);
	mih_build_tlv(&b, MIH_TLV_IP_RENEWAL, "\x01", 1);
	mih_build_tlv(&b, MIH_TLV_IP_MOB_MGMT, "\x00\x04", 2); /* MIPv6 */
	return finish(p, &b);
}

/* MIH_Register.request from an MMT whose MIHF ID has src_len octets */
static int pdu_register_req(struct plain *p, size_t src_len, size_t dst_len)
{
	char src[MIH_MIHF_ID_MAX + 1], dst[MIH_MIHF_ID_MAX + 1];
	struct mih_builder b;
	struct mih_hdr h;
	struct vbuf v = { .len = 0 };

	make_id(src, src_len, "mmt-", "visited.operator1.example.org");
	make_id(dst, dst_len, "pos-", "ar.operator1.example.org");
	hdr_init(&h, MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST, MIH_AID_REGISTER,
		 0x301, true);
	mih_builder_init(&b, p->d, sizeof(p->d));
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, src, src_len, dst, dst_len);
	vb_len(&v, 1);
	vb_link_id(&v, mac_mmt);
	mih_build_tlv(&b, MIH_TLV_LINK_ID_LIST, v.d, (uint32_t)v.len);
	mih_build_tlv(&b, MIH_TLV_REG_REQUEST_CODE, "\x00", 1);
	return finish(p, &b);
}

/* MIH_Capability_Discover.request from a network MIHF with a long ID */
static int pdu_capdisc_req_long(struct plain *p, size_t src_len,
				size_t dst_len)
{
	char src[MIH_MIHF_ID_MAX + 1], dst[MIH_MIHF_ID_MAX + 1];
	struct mih_builder b;
	struct mih_hdr h;

	make_id(src, src_len, "pos-", "ar.operator1.example.org");
	make_id(dst, dst_len, "mmt-", "visited.operator1.example.org");
	hdr_init(&h, MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
		 MIH_AID_CAPABILITY_DISCOVER, 0x302, true);
	mih_builder_init(&b, p->d, sizeof(p->d));
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, src, src_len, dst, dst_len);
	mih_build_tlv(&b, MIH_TLV_EVT_LIST, "\x00\x00\x00\x7f", 4);
	mih_build_tlv(&b, MIH_TLV_CMD_LIST, "\x00\x00\x00\x07", 4);
	mih_build_tlv(&b, MIH_TLV_TRANS_LIST, "\x00\x01", 2);
	return finish(p, &b);
}

enum plain_kind {
	P_CAPDISC_REQ,
	P_CAPDISC_RSP,
	P_ACK,
	P_ACK_RSP,
	P_GETINFO_REQ,
	P_GETINFO_RSP_2,	/* body > 128 octets */
	P_GETINFO_RSP_7,	/* body > 383 octets */
	P_EVTSUB_REQ,
	P_EVTSUB_RSP,
	P_LINKUP_IND,
	P_REGISTER_ID128,
	P_CAPDISC_ID200,
	P_REGISTER_ID253,
};

static int make_plain(enum plain_kind kind, struct plain *p)
{
	memset(p, 0, sizeof(*p));
	switch (kind) {
	case P_CAPDISC_REQ:	return pdu_capdisc_req(p);
	case P_CAPDISC_RSP:	return pdu_capdisc_rsp(p);
	case P_ACK:		return pdu_ack(p);
	case P_ACK_RSP:		return pdu_ack_rsp(p);
	case P_GETINFO_REQ:	return pdu_getinfo_req(p);
	case P_GETINFO_RSP_2:	return pdu_getinfo_rsp(p, 2);
	case P_GETINFO_RSP_7:	return pdu_getinfo_rsp(p, 7);
	case P_EVTSUB_REQ:	return pdu_evtsub_req(p);
	case P_EVTSUB_RSP:	return pdu_evtsub_rsp(p);
	case P_LINKUP_IND:	return pdu_linkup_ind(p);
	case P_REGISTER_ID128:	return pdu_register_req(p, 128, 30);
	case P_CAPDISC_ID200:	return pdu_capdisc_req_long(p, 200, 128);
	case P_REGISTER_ID253:	return pdu_register_req(p, 40, 253);
	}
	return MIH_E_INVAL;
}

/* ---- the vectors ---- */

#define KAT_E	MIHSEC_WIRE_F_ENCRYPTED
#define KAT_D	MIHSEC_WIRE_F_NET2MMT
#define SEQ_2_32_5	((1ULL << 32) + 5)

struct kat_def {
	const char *name;
	uint8_t suite;
	uint8_t flags;
	uint64_t seq;
	enum plain_kind plain;
	const char *what;
};

static const struct kat_def kat_defs[] = {
	{ "s1-capdisc-req-e1-d0", 1, KAT_E, 1, P_CAPDISC_REQ,
	  "WIRE.md 12 Capability_Discover.request verbatim" },
	{ "s1-capdisc-rsp-e1-d1", 1, KAT_E | KAT_D, 1, P_CAPDISC_RSP,
	  "WIRE.md 12 Capability_Discover.response verbatim" },
	{ "s1-getinfo-req-e1-d0-seq2p32", 1, KAT_E, SEQ_2_32_5,
	  P_GETINFO_REQ,
	  "Get_Information.request (binary query), seq 2^32 + 5" },
	{ "s1-evtsub-req-e1-d1", 1, KAT_E | KAT_D, 2, P_EVTSUB_REQ,
	  "Event_Subscribe.request, network to MMT" },
	{ "s1-linkup-ind-e0-d0", 1, 0, 3, P_LINKUP_IND,
	  "Link_Up.indication, integrity only" },
	{ "s1-evtsub-rsp-e0-d1", 1, KAT_D, 4, P_EVTSUB_RSP,
	  "Event_Subscribe.response, integrity only, D = 1" },
	{ "s1-ack-empty-e1-d1", 1, KAT_E | KAT_D, 5, P_ACK,
	  "WIRE.md 8 pure ACK verbatim: empty Body, encrypted" },
	{ "s1-ack-empty-e0-d0", 1, 0, 6, P_ACK_RSP,
	  "pure ACK: empty Body, integrity only" },
	{ "s1-getinfo-rsp-body214-e1-d1-seq2p63", 1, KAT_E | KAT_D,
	  MIHSEC_SEQ_MAX, P_GETINFO_RSP_2,
	  "Get_Information.response, Body > 128 octets, seq 2^63" },
	{ "s1-getinfo-rsp-body744-e1-d1", 1, KAT_E | KAT_D, 1000,
	  P_GETINFO_RSP_7,
	  "Get_Information.response, Body > 383 octets" },
	{ "s1-getinfo-rsp-body744-e0-d1", 1, KAT_D, 1001, P_GETINFO_RSP_7,
	  "Get_Information.response, Body > 383 octets, integrity only" },
	{ "s1-register-id128-e1-d0", 1, KAT_E, 1, P_REGISTER_ID128,
	  "Register.request, Source MIHF ID of 128 octets" },
	{ "s1-capdisc-id200-e1-d1-seq2p32", 1, KAT_E | KAT_D, SEQ_2_32_5,
	  P_CAPDISC_ID200,
	  "Capability_Discover.request, MIHF IDs of 200 and 128 octets" },
	{ "s1-register-id253-e0-d0-seq2p63", 1, 0, MIHSEC_SEQ_MAX,
	  P_REGISTER_ID253,
	  "Register.request, Destination MIHF ID of 253 octets" },
	{ "s2-capdisc-req-e1-d0", 2, KAT_E, 1, P_CAPDISC_REQ,
	  "suite 2: WIRE.md 12 Capability_Discover.request" },
	{ "s2-evtsub-rsp-e0-d1", 2, KAT_D, 7, P_EVTSUB_RSP,
	  "suite 2: Event_Subscribe.response, integrity only" },
	{ "s2-getinfo-rsp-body214-e1-d1-seq2p63", 2, KAT_E | KAT_D,
	  MIHSEC_SEQ_MAX, P_GETINFO_RSP_2,
	  "suite 2: Body > 128 octets, seq 2^63" },
	{ "s2-linkup-ind-e0-d0-seq2p32", 2, 0, SEQ_2_32_5, P_LINKUP_IND,
	  "suite 2: Link_Up.indication, integrity only" },
	{ "s3-evtsub-req-e1-d1", 3, KAT_E | KAT_D, 1, P_EVTSUB_REQ,
	  "suite 3: Event_Subscribe.request" },
	{ "s3-linkup-ind-e0-d0-seq2p32", 3, 0, SEQ_2_32_5, P_LINKUP_IND,
	  "suite 3: Link_Up.indication, integrity only" },
	{ "s3-getinfo-rsp-body744-e1-d1", 3, KAT_E | KAT_D, 2,
	  P_GETINFO_RSP_7, "suite 3: Body > 383 octets" },
	{ "s3-ack-empty-e1-d1", 3, KAT_E | KAT_D, 9, P_ACK,
	  "suite 3: pure ACK, empty Body" },
	{ "s3-register-id128-e1-d0", 3, KAT_E, 10, P_REGISTER_ID128,
	  "suite 3: Register.request, Source MIHF ID of 128 octets" },
	{ "s3-capdisc-rsp-e0-d1", 3, KAT_D, 11, P_CAPDISC_RSP,
	  "suite 3: WIRE.md 12 Capability_Discover.response, integrity only" },
	{ "s4-capdisc-req-e1-d0", 4, KAT_E, 1, P_CAPDISC_REQ,
	  "suite 4: WIRE.md 12 Capability_Discover.request" },
	{ "s4-evtsub-rsp-e0-d1", 4, KAT_D, 3, P_EVTSUB_RSP,
	  "suite 4: Event_Subscribe.response, integrity only" },
	{ "s4-getinfo-rsp-body214-e1-d1-seq2p63", 4, KAT_E | KAT_D,
	  MIHSEC_SEQ_MAX, P_GETINFO_RSP_2,
	  "suite 4: Body > 128 octets, seq 2^63" },
	{ "s4-ack-empty-e1-d1", 4, KAT_E | KAT_D, 11, P_ACK,
	  "suite 4: pure ACK, empty Body: one block of padding" },
	{ "s4-linkup-ind-e0-d0", 4, 0, 12, P_LINKUP_IND,
	  "suite 4: Link_Up.indication, integrity only" },
};

static void derive(const char *label, const char *name, uint8_t *out,
		   size_t len)
{
	uint8_t md[32];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, label, strlen(label)) != 1 ||
	    EVP_DigestUpdate(ctx, name, strlen(name)) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
		fprintf(stderr, "mkvectors: SHA-256 failed\n");
		exit(1);
	}
	EVP_MD_CTX_free(ctx);
	memcpy(out, md, len);
}

struct kat {
	const struct kat_def *def;
	uint8_t key[32];
	size_t key_len;
	uint8_t ikey[32];	/* suite 4 */
	uint8_t iv[16];		/* suite 4, E = 1 */
	uint8_t salt[4];
	uint8_t keyid[8];
	struct plain plain;
	uint8_t sealed[KAT_PDU_MAX + 64];
	size_t sealed_len;
};

/* A name that states a Body length ("-body214-") must be right */
static int check_name(const struct kat_def *def, const struct plain *p)
{
	const char *b = strstr(def->name, "-body");
	struct mih_pdu pdu;

	if (!b)
		return 0;
	if (mih_pdu_parse(p->d, p->len, &pdu) ||
	    strtoul(b + 5, NULL, 10) != pdu.body_len) {
		fprintf(stderr, "mkvectors: %s: Body is %zu octets\n",
			def->name, pdu.body_len);
		return -1;
	}
	return 0;
}

static int make_kat(const struct kat_def *def, struct kat *k)
{
	struct mihsec_seal_params sp = { .seq = def->seq, .flags = def->flags };
	uint8_t check[sizeof(k->sealed)];
	struct mihsec_key key;
	size_t check_len = 0;
	int err;

	memset(k, 0, sizeof(*k));
	k->def = def;
	k->key_len = mihsec_suite_key_len(def->suite);
	derive("mihsec kat key ", def->name, k->key, k->key_len);
	derive("mihsec kat salt ", def->name, k->salt, sizeof(k->salt));
	derive("mihsec kat keyid ", def->name, k->keyid, sizeof(k->keyid));
	if (def->suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1) {
		derive("mihsec kat ikey ", def->name, k->ikey, sizeof(k->ikey));
		derive("mihsec kat iv ", def->name, k->iv, sizeof(k->iv));
		sp.iv = k->iv;
	}
	err = make_plain(def->plain, &k->plain);
	if (err) {
		fprintf(stderr, "mkvectors: %s: plain PDU: %s\n", def->name,
			mih_strerror(err));
		return -1;
	}
	if (def->suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1)
		err = mihsec_key_set(&key, def->suite, k->key, k->key_len,
				     k->ikey, sizeof(k->ikey), k->salt,
				     k->keyid);
	else
		err = mihsec_key_set(&key, def->suite, k->key, k->key_len,
				     NULL, 0, k->salt, k->keyid);
	if (!err)
		err = mihsec_seal(&key, &sp, k->plain.d, k->plain.len,
				  k->sealed, sizeof(k->sealed),
				  &k->sealed_len);
	/* self-check: it opens back to the plain PDU */
	if (!err)
		err = mihsec_open(&key, NULL, k->sealed, k->sealed_len, check,
				  sizeof(check), &check_len, NULL);
	mihsec_key_clear(&key);
	if (err) {
		fprintf(stderr, "mkvectors: %s: %s\n", def->name,
			mihsec_strerror(err));
		return -1;
	}
	if (check_len != k->plain.len ||
	    memcmp(check, k->plain.d, check_len)) {
		fprintf(stderr, "mkvectors: %s: does not open back\n",
			def->name);
		return -1;
	}
	return check_name(def, &k->plain);
}

/* ---- output ---- */

static void ident(char *out, size_t size, const char *name,
		  const char *suffix)
{
	size_t i;

	snprintf(out, size, "kat_%s_%s", name, suffix);
	for (i = 0; out[i]; i++)
		if (out[i] == '-')
			out[i] = '_';
}

/* n octets, 8 per line, at the given indentation (in tabs) */
static void emit_octets(FILE *f, const uint8_t *p, size_t n,
			unsigned int tabs, unsigned int per_line)
{
	size_t i;
	unsigned int t;

	for (i = 0; i < n; i++) {
		if (i % per_line == 0)
			for (t = 0; t < tabs; t++)
				fputc('\t', f);
		fprintf(f, "0x%02x,", p[i]);
		fputc((i % per_line == per_line - 1 || i == n - 1) ? '\n' : ' ',
		      f);
	}
}

static void emit_array(FILE *f, const char *name, const char *suffix,
		       const uint8_t *p, size_t n)
{
	char id[128];

	ident(id, sizeof(id), name, suffix);
	fprintf(f, "static const u8 %s[] = {\n", id);
	emit_octets(f, p, n, 1, 12);
	fprintf(f, "};\n\n");
}

static void emit_field_octets(FILE *f, const char *field, const uint8_t *p,
			      size_t n)
{
	if (n <= 8) {
		size_t i;

		fprintf(f, "\t\t.%s = { ", field);
		for (i = 0; i < n; i++)
			fprintf(f, "0x%02x%s", p[i], i + 1 < n ? ", " : " },\n");
		return;
	}
	fprintf(f, "\t\t.%s = {\n", field);
	emit_octets(f, p, n, 3, 8);
	fprintf(f, "\t\t},\n");
}

static const char header[] =
	"/* SPDX-License-Identifier: GPL-2.0 */\n"
	"/*\n"
	" * MIHSec known-answer vectors (PROTOCOL.md section 3): plain MIH PDUs\n"
	" * and the protected PDUs they seal to, computed in userspace with\n"
	" * OpenSSL (daemon/lib/seal.c), independently of the kernel.\n"
	" *\n"
	" * Generated by daemon/tools/mkvectors, do not edit.\n"
	" *\n"
	" * Key material is derived from each vector's name:\n"
	" *   key   = SHA-256(\"mihsec kat key \" || name)[0 .. key_len)\n"
	" *   salt  = SHA-256(\"mihsec kat salt \" || name)[0 .. 4)\n"
	" *   keyid = SHA-256(\"mihsec kat keyid \" || name)[0 .. 8)\n"
	" *   ikey  = SHA-256(\"mihsec kat ikey \" || name)  (suite 4)\n"
	" *   IV    = SHA-256(\"mihsec kat iv \" || name)[0 .. 16)  (suite 4, E = 1;\n"
	" *           it is in the sealed PDU, after the sequence number)\n"
	" * Names: s<suite>-<message>-e<E>-d<D>[-seq...]; wire_flags holds E\n"
	" * (MIHSEC_WIRE_F_ENCRYPTED) and D (MIHSEC_WIRE_F_NET2MMT) as sent.\n"
	" */\n"
	"#ifndef _MIHSEC_TESTS_VECTORS_H\n"
	"#define _MIHSEC_TESTS_VECTORS_H\n"
	"\n"
	"#include <linux/types.h>\n"
	"\n"
	"struct mihsec_kat {\n"
	"\tconst char *name;\n"
	"\tu8 suite;\n"
	"\tu8 wire_flags;\t\t/* MIHSEC_WIRE_F_* as sent */\n"
	"\tu8 key[32];\n"
	"\tu8 key_len;\n"
	"\tu8 ikey[32];\t\t/* suite 4 only */\n"
	"\tu8 salt[4];\n"
	"\tu8 keyid[8];\n"
	"\tu64 seq;\n"
	"\tconst u8 *plain;\t/* the plain MIH PDU */\n"
	"\tunsigned int plain_len;\n"
	"\tconst u8 *sealed;\t/* the protected PDU */\n"
	"\tunsigned int sealed_len;\n"
	"};\n"
	"\n";

static void emit_kat_entry(FILE *f, const struct kat *k)
{
	const struct kat_def *d = k->def;
	char plain[128], sealed[128];

	ident(plain, sizeof(plain), d->name, "plain");
	ident(sealed, sizeof(sealed), d->name, "sealed");
	fprintf(f, "\t{\n");
	fprintf(f, "\t\t.name = \"%s\",\n", d->name);
	fprintf(f, "\t\t.suite = %u,\n", d->suite);
	fprintf(f, "\t\t.wire_flags = 0x%02x,\n", d->flags);
	emit_field_octets(f, "key", k->key, k->key_len);
	fprintf(f, "\t\t.key_len = %zu,\n", k->key_len);
	if (d->suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1)
		emit_field_octets(f, "ikey", k->ikey, sizeof(k->ikey));
	emit_field_octets(f, "salt", k->salt, sizeof(k->salt));
	emit_field_octets(f, "keyid", k->keyid, sizeof(k->keyid));
	if (d->seq > UINT32_MAX)
		fprintf(f, "\t\t.seq = 0x%" PRIx64 "ULL,\n", d->seq);
	else
		fprintf(f, "\t\t.seq = %" PRIu64 ",\n", d->seq);
	fprintf(f, "\t\t.plain = %s,\n", plain);
	fprintf(f, "\t\t.plain_len = sizeof(%s),\n", plain);
	fprintf(f, "\t\t.sealed = %s,\n", sealed);
	fprintf(f, "\t\t.sealed_len = sizeof(%s),\n", sealed);
	fprintf(f, "\t},\n");
}

/* Write the whole header to f; 0 or -1 (message on stderr) */
int mkvectors_write(FILE *f);
int mkvectors_write(FILE *f)
{
	size_t n = sizeof(kat_defs) / sizeof(kat_defs[0]), i;
	struct kat *kats = calloc(n, sizeof(*kats));

	if (!kats) {
		fprintf(stderr, "mkvectors: out of memory\n");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (make_kat(&kat_defs[i], &kats[i])) {
			free(kats);
			return -1;
		}
	}
	fputs(header, f);
	for (i = 0; i < n; i++) {
		fprintf(f, "/* %s: %s */\n", kat_defs[i].name,
			kat_defs[i].what);
		emit_array(f, kat_defs[i].name, "plain", kats[i].plain.d,
			   kats[i].plain.len);
		emit_array(f, kat_defs[i].name, "sealed", kats[i].sealed,
			   kats[i].sealed_len);
	}
	fprintf(f, "static const struct mihsec_kat mihsec_kats[] = {\n");
	for (i = 0; i < n; i++)
		emit_kat_entry(f, &kats[i]);
	fprintf(f, "};\n\n#endif /* _MIHSEC_TESTS_VECTORS_H */\n");
	OPENSSL_cleanse(kats, n * sizeof(*kats));
	free(kats);
	return ferror(f) ? -1 : 0;
}

#ifndef MKVECTORS_NO_MAIN
int main(int argc, char **argv)
{
	FILE *f = stdout;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
		fprintf(stderr, "usage: mkvectors [PATH]\n");
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "-")) {
		f = fopen(argv[1], "w");
		if (!f) {
			fprintf(stderr, "mkvectors: %s: %s\n", argv[1],
				strerror(errno));
			return 1;
		}
	}
	if (mkvectors_write(f)) {
		if (f != stdout)
			fclose(f);
		return 1;
	}
	if (f != stdout ? fclose(f) : fflush(f)) {
		fprintf(stderr, "mkvectors: write: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
#endif

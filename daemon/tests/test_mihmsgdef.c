// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the message schemas and the strict message parser
 * (lib/mihmsgdef.c): every message of the table built with all optional
 * TLVs and with only the mandatory ones, parsed back and re-encoded; a
 * table of malformed PDUs each rejected with its own code; the WIRE.md 12
 * worked examples decoded and re-encoded byte for byte with the typed
 * builders; skipped experimental/vendor/reserved TLVs; pure ACKs; 20,000
 * deterministic random mutations parsed without a crash (ASan/UBSan).
 * Typed round trip: every TLV of every message (plain and rich samples)
 * and of the WIRE.md 12 examples decoded with its typed decoder into C
 * values and the message rebuilt from them with the typed builders, byte
 * for byte; a TLV type without a typed decoder fails the test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"

#include "lib/mihie.h"
#include "lib/mihmsg.h"
#include "lib/mihmsgdef.h"

static uint8_t *dup_exact(const void *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (d && len)
		memcpy(d, p, len);
	return d;
}

/* Parse from an exact heap copy (kept in *copy for the caller to free) */
static int parse_copy(const uint8_t *buf, size_t len, struct mih_msg *m,
		      struct mih_msg_err *e, uint8_t **copy)
{
	uint8_t *d = dup_exact(buf, len);
	int r = mih_msg_parse(d, len, m, e);

	if (copy)
		*copy = d;
	else
		free(d);
	return r;
}

static const uint8_t mac1[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t mac2[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

#define LINKID_RAW	"\x13\x00\x00\x06\x06\x02\x11\x22\x33\x44\x55"
#define LIT(s)		(const uint8_t *)(s), sizeof(s) - 1

static void set_mac(struct mih_link_addr *a, const uint8_t *mac)
{
	memset(a, 0, sizeof(*a));
	a->kind = MIH_LA_MAC;
	memcpy(a->u.mac, mac, 6);
}

/*
 * Rich samples (typed round trip only): every field of a typed value
 * non-zero and distinct, the other CHOICE branches, several elements per
 * list, BOOLEANs false; so a decoder that drops a field or a CHOICE
 * branch cannot pass on zeroes.  false: no rich form (plain sample).
 */
static bool rich_samples;

static const uint8_t plmn[3] = { 0x21, 0xf3, 0x54 };

static void rich_link_addr(struct mih_link_addr *a, unsigned int k)
{
	memset(a, 0, sizeof(*a));
	a->kind = (uint8_t)(k % MIH_LA_N_KINDS);
	switch (a->kind) {
	case MIH_LA_MAC:
		memcpy(a->u.mac, mac2, 6);
		break;
	case MIH_LA_3GPP_3G_CELL:
		memcpy(a->u.cell3g.plmn, plmn, 3);
		a->u.cell3g.cell_id = 0x0a0b0c0d;
		break;
	case MIH_LA_3GPP_2G_CELL:
		memcpy(a->u.cell2g.plmn, plmn, 3);
		a->u.cell2g.lac = 0x1234;
		a->u.cell2g.ci = 0xfedc;
		break;
	default:
		a->u.str = (struct mih_ostr){ (const uint8_t *)"l2-addr", 7 };
	}
}

static void rich_nt(struct mih_network_type *nt)
{
	memset(nt, 0, sizeof(*nt));
	nt->has_link_type = true;
	nt->link_type = MIH_LT_802_16;
	nt->has_subtype = true;
	nt->subtype = 0x8000000000000201ULL;
	nt->has_ext = true;
	nt->ext = (struct mih_ostr){ (const uint8_t *)"ext", 3 };
}

static void rich_qos(struct mih_qos_list *q)
{
	memset(q, 0, sizeof(*q));
	q->num_cos = 3;
	for (uint8_t k = MIH_QOS_MIN_PK_TX_DELAY; k <= MIH_QOS_KIND_MAX; k++) {
		q->p[q->n].type = k;
		q->p[q->n].cos = k + 10;
		q->p[q->n].value = 0xff00u + k;
		q->n++;
	}
	q->p[q->n++] = (struct mih_qos_param){ MIH_QOS_PK_LOSS_RATE, 7, 2 };
}

static void rich_tuple(struct mih_link_tuple_id *tup, unsigned int k)
{
	memset(tup, 0, sizeof(*tup));
	tup->link.type = MIH_LT_UMTS;
	rich_link_addr(&tup->link.addr, k);
	tup->has_poa = true;
	rich_link_addr(&tup->poa, k + 1);
}

static void rich_ip(struct mih_ip_addr *a, bool v6, uint8_t last)
{
	memset(a, 0, sizeof(*a));
	a->family = v6 ? MIH_AF_IPV6 : MIH_AF_IPV4;
	a->a[0] = v6 ? 0x20 : 10;
	a->a[1] = v6 ? 0x01 : 1;
	a->a[v6 ? 15 : 3] = last;
}

/* Adapters for mih_build_list() */
static void put_mbb_any(struct mih_wr *w, const void *v)
{
	mih_put_mbb_ho_supp(w, v);
}

static void put_tgt_any(struct mih_wr *w, const void *v)
{
	mih_put_tgt_net_info(w, v);
}

static void put_iq_any(struct mih_wr *w, const void *v)
{
	mih_put_iq_bin_data(w, v);
}

static void rich_ir(struct mih_builder *b, uint8_t t)
{
	static uint8_t ir[1024];
	struct mih_ie_wr iw;
	struct mih_ie_val v;
	size_t irl;

#define IE(ty, ...) do {						\
		memset(&v, 0, sizeof(v));				\
		v.type = (ty);						\
		__VA_ARGS__;						\
		mih_ie_put(&iw, &v);					\
	} while (0)
	mih_ie_wr_init(&iw, ir, sizeof(ir));
	mih_ie_list_begin(&iw);
	mih_ie_list_begin(&iw);
	mih_ie_begin(&iw, MIH_IE_CONTAINER_NETWORK);
	IE(MIH_IE_NETWORK_TYPE, rich_nt(&v.u.network_type));
	IE(MIH_IE_OPERATOR_ID, v.u.operator_id.name =
	   (struct mih_ostr){ (const uint8_t *)"op", 2 };
	   v.u.operator_id.ns = MIH_OPNS_REALM);
	IE(MIH_IE_SERVICE_PROVIDER_ID,
	   v.u.str = (struct mih_ostr){ (const uint8_t *)"sp", 2 });
	IE(MIH_IE_COUNTRY_CODE, memcpy(v.u.country, "FI", 2));
	IE(MIH_IE_NETWORK_ID,
	   v.u.str = (struct mih_ostr){ (const uint8_t *)"ssid", 4 });
	IE(MIH_IE_NETWORK_AUX_ID,
	   v.u.str = (struct mih_ostr){ (const uint8_t *)"hessid", 6 });
	IE(MIH_IE_ROAMING_PARTNERS, v.u.roaming.n = 2;
	   v.u.roaming.op[0].name = (struct mih_ostr){
		(const uint8_t *)"r1", 2 };
	   v.u.roaming.op[0].ns = MIH_OPNS_GENERAL;
	   v.u.roaming.op[1].name = (struct mih_ostr){
		(const uint8_t *)"r22", 3 };
	   v.u.roaming.op[1].ns = MIH_OPNS_CDMA);
	IE(MIH_IE_COST, v.u.cost.unit = MIH_COST_HOUR;
	   v.u.cost.integer = 0x01020304; v.u.cost.fraction = 999;
	   memcpy(v.u.cost.curr, "EUR", 3));
	IE(MIH_IE_NETWORK_QOS, rich_qos(&v.u.qos));
	IE(MIH_IE_NETWORK_DATA_RATE, v.u.u32 = 0xfedcba98);
	IE(MIH_IE_NET_REGULAT_DOMAIN, memcpy(v.u.regdom.country, "DE", 2);
	   v.u.regdom.reg_class = 0x81);
	IE(MIH_IE_NET_FREQUENCY_BANDS, v.u.bands.n = 2;
	   v.u.bands.f[0] = 2412000; v.u.bands.f[1] = 0x80000001);
	IE(MIH_IE_NET_IP_CFG_METHODS, v.u.ip_config.methods = 0x80001803;
	   v.u.ip_config.has_dhcp = true; rich_ip(&v.u.ip_config.dhcp, 0, 1);
	   v.u.ip_config.has_fa = true; rich_ip(&v.u.ip_config.fa, 1, 2);
	   v.u.ip_config.has_ar = true; rich_ip(&v.u.ip_config.ar, 0, 3));
	IE(MIH_IE_NET_CAPABILITIES, v.u.u32 = 0x800003ff);
	IE(MIH_IE_NET_SUPPORTED_LCP, v.u.u8 = 0x83);
	IE(MIH_IE_NET_MOB_MGMT_PROT, v.u.u16 = 0x8044);
	IE(MIH_IE_NET_EMSERV_PROXY,
	   v.u.str = (struct mih_ostr){ (const uint8_t *)"em", 2 });
	IE(MIH_IE_NET_IMS_PROXY_CSCF,
	   v.u.str = (struct mih_ostr){ (const uint8_t *)"ims", 3 });
	IE(MIH_IE_NET_MOBILE_NETWORK, v.u.b = true);
	mih_ie_begin(&iw, MIH_IE_CONTAINER_POA);
	IE(MIH_IE_POA_LINK_ADDR, rich_link_addr(&v.u.link_addr, 2));
	IE(MIH_IE_POA_LOCATION, v.u.location.kind = MIH_LOC_CELL_ID;
	   v.u.location.cell_id = 0x89abcdef);
	IE(MIH_IE_POA_CHANNEL_RANGE, v.u.channel.low = 0x100;
	   v.u.channel.high = 0x80000000);
	IE(MIH_IE_POA_SYSTEM_INFO,
	   v.u.str = (struct mih_ostr){ (const uint8_t *)"sys", 3 });
	IE(MIH_IE_POA_SUBNET_INFO, rich_ip(&v.u.subnet.prefix, 1, 0);
	   v.u.subnet.prefix_len = 64);
	IE(MIH_IE_POA_IP_ADDR, rich_ip(&v.u.ip_addr, 1, 9));
	mih_ie_end(&iw);
	mih_ie_end(&iw);
	mih_ie_list_end(&iw);
	mih_ie_list_begin(&iw);
	IE(MIH_IE_POA_LOCATION, v.u.location.kind = MIH_LOC_CIVIC_BIN;
	   memcpy(v.u.location.country, "FI", 2);
	   v.u.location.str = (struct mih_ostr){ (const uint8_t *)"\x01\x03"
						 "abc", 5 });
	IE(MIH_IE_POA_LOCATION, v.u.location.kind = MIH_LOC_GEO_XML;
	   v.u.location.str = (struct mih_ostr){ (const uint8_t *)"<g/>",
						 4 });
	mih_ie_list_end(&iw);
	mih_ie_list_end(&iw);
#undef IE
	if (mih_ie_wr_finish(&iw, &irl) == 0)
		mih_build_tlv(b, t, ir, (uint32_t)irl);
	else
		b->err = MIH_E_INVAL;
}

static bool add_rich(struct mih_builder *b, uint8_t t)
{
	static char long_mihf_id[200];
	struct mih_link_tuple_id tup;
	struct mih_link_id lid[3];
	struct mih_link_addr la;
	struct mih_net_type_addr nta[2];
	struct mih_mbb_ho_supp mbb[2];
	struct mih_link_det_info det[2];
	struct mih_link_poa_list pl[2];
	struct mih_rq_result rq[2];
	struct mih_qos_list q;
	struct mih_tgt_net_info tn[2];
	struct mih_res_set rs;
	struct mih_iq_bin_data iq[2];
	unsigned int i;

	switch (t) {
	case 3:
		mih_build_status(b, MIH_STATUS_AUTHENTICATION_FAILURE);
		return true;
	case 5:
	case 6:
		mih_build_bitmap(b, t, 0x80000041);
		return true;
	case 7:
		mih_build_bitmap(b, t, 0x8000000000000011ULL);
		return true;
	case 8:
	case 18:
	case 24:
		mih_build_bitmap(b, t, 0x8003);
		return true;
	case 11:
	case 34:
		mih_build_u8(b, t, 1);
		return true;
	case 20:
		mih_build_u8(b, t, MIH_LDR_MAX);
		return true;
	case 22:
		mih_build_u8(b, t, MIH_LGR_MAX);
		return true;
	case 40:
		mih_build_u8(b, t, MIH_HO_RESULT_REJECTED_OT);
		return true;
	case 12:
		mih_build_u32(b, t, 0xfedcba98);
		return true;
	case 21:
	case 47:
		mih_build_u16(b, t, 0xfedc);
		return true;
	case 17:
	case 41:
	case 42:
	case 45:
	case 53:
	case 61:
		mih_build_bool(b, t, false);
		return true;
	case 52:
		memset(long_mihf_id, 'm', sizeof(long_mihf_id));
		mih_build_mihf_id(b, t, long_mihf_id, sizeof(long_mihf_id));
		return true;
	case 9:
		for (i = 0; i < 2; i++) {
			rich_nt(&nta[i].nt);
			rich_link_addr(&nta[i].addr, i + 1);
		}
		nta[1].nt.has_ext = false;
		mih_build_link_addr_list(b, nta, 2);
		return true;
	case 10:
		memset(mbb, 0, sizeof(mbb));
		rich_nt(&mbb[0].from);
		mbb[0].to.has_subtype = true;
		mbb[0].to.subtype = 0x5;
		mbb[1].supported = true;
		mbb[1].to.has_link_type = true;
		mbb[1].to.link_type = MIH_LT_802_11;
		mih_build_list(b, t, put_mbb_any, mbb, sizeof(mbb[0]), 2);
		return true;
	case 13:
	case 14:
		rich_tuple(&tup, t == 13 ? 1 : 3);
		mih_build_link_tuple_id(b, t, &tup);
		return true;
	case 15:
	case 16:
		rich_link_addr(&la, t == 15 ? 4 : 5);
		mih_build_link_addr(b, t, &la);
		return true;
	case 25:
		for (i = 0; i < 3; i++) {
			lid[i].type = i ? MIH_LT_CDMA2000_HRPD :
					  MIH_LT_ETHERNET;
			rich_link_addr(&lid[i].addr, i);
		}
		mih_build_link_id_list(b, lid, 3);
		return true;
	case 59:
		lid[0].type = MIH_LT_ATSC_MH;
		rich_link_addr(&lid[0].addr, 2);
		mih_build_link_id(b, t, &lid[0]);
		return true;
	case 31:
		memset(pl, 0, sizeof(pl));
		for (i = 0; i < 2; i++) {
			pl[i].link.type = MIH_LT_802_11;
			rich_link_addr(&pl[i].link.addr, i);
		}
		pl[0].n_poa = 3;
		for (i = 0; i < 3; i++)
			rich_link_addr(&pl[0].poa[i], i + 1);
		mih_build_link_poa_list_list(b, pl, 2);
		return true;
	case 32:
		memset(rq, 0, sizeof(rq));
		rq[0].pref.link.type = MIH_LT_UMTS;
		rich_link_addr(&rq[0].pref.link.addr, 1);
		rq[0].pref.n_poa = 2;
		rich_link_addr(&rq[0].pref.poa[0], 2);
		rich_link_addr(&rq[0].pref.poa[1], 0);
		rq[0].has_qos = true;
		rich_qos(&rq[0].qos);
		rq[0].has_ip_cfg = true;
		rq[0].ip_cfg = 0x80001803;
		rq[0].has_dhcp = true;
		rich_ip(&rq[0].dhcp, false, 1);
		rq[0].has_fa = true;
		rich_ip(&rq[0].fa, true, 2);
		rq[0].has_ar = true;
		rich_ip(&rq[0].ar, false, 3);
		rq[1].pref.link.type = MIH_LT_802_11;
		rich_link_addr(&rq[1].pref.link.addr, 0);
		rq[1].has_qos = true;	/* an empty QOS_LIST decodes so */
		mih_build_pref_link_list(b, rq, 2);
		return true;
	case 33:
		rich_qos(&q);
		mih_build_qos_list(b, &q);
		return true;
	case 55:
		memset(tn, 0, sizeof(tn));
		tn[0].has_poa = true;
		rich_link_addr(&tn[0].poa, 1);
		mih_build_tgt_net_info(b, &tn[0]);
		return true;
	case 56:
		memset(tn, 0, sizeof(tn));
		tn[0].has_network_id = true;
		tn[0].network_id = (struct mih_ostr){
			(const uint8_t *)"net", 3 };
		tn[1].has_network_id = true;
		tn[1].network_id = (struct mih_ostr){
			(const uint8_t *)"n2", 2 };
		tn[1].has_net_aux_id = true;
		tn[1].net_aux_id = (struct mih_ostr){
			(const uint8_t *)"aux", 3 };
		mih_build_list(b, t, put_tgt_any, tn, sizeof(tn[0]), 2);
		return true;
	case 57:
	case 63:
		memset(&rs, 0, sizeof(rs));
		rich_qos(&rs.qos);
		rs.has_predef = true;
		rs.predef_cfg_id = -5;
		rs.cause = MIH_LDR_MAX;
		mih_build_res_set(b, t, &rs);
		return true;
	case 58:
		memset(det, 0, sizeof(det));
		for (i = 0; i < 2; i++) {
			rich_tuple(&det[i].tuple, i + 2);
			det[i].network_id = (struct mih_ostr){
				(const uint8_t *)"netw", 4 };
			det[i].net_aux_id = (struct mih_ostr){
				(const uint8_t *)"aux", 3 };
			det[i].sinr = 0x8123;
			det[i].data_rate = 0x80a0b0c0;
			det[i].mihcap = 0x8e;
			det[i].net_caps = 0x800003ff;
		}
		det[0].sig.dbm = -70;
		det[1].sig.is_percent = true;
		det[1].sig.percent = 100;
		mih_build_link_det_info_list(b, det, 2);
		return true;
	case 43:
		memset(iq, 0, sizeof(iq));
		iq[0].has_querier_loc = true;
		iq[0].querier_loc.has_location = true;
		iq[0].querier_loc.location.kind = MIH_LOC_GEO_BIN;
		memset(iq[0].querier_loc.location.geo, 0xa5, 16);
		iq[0].querier_loc.has_link_addr = true;
		rich_link_addr(&iq[0].querier_loc.link_addr, 1);
		iq[0].querier_loc.has_radius = true;
		iq[0].querier_loc.radius = 0x8001;
		iq[0].has_net_type_inc = true;
		iq[0].net_type_inc = 0x80000021;
		iq[0].has_netwk_inc = true;
		iq[0].n_netwk = 2;
		iq[0].netwk[0] = (struct mih_ostr){ (const uint8_t *)"a", 1 };
		iq[0].netwk[1] = (struct mih_ostr){ (const uint8_t *)"bc", 2 };
		iq[0].has_rpt_templ = true;
		iq[0].n_templ = 2;
		iq[0].templ[0] = MIH_IE_COST;
		iq[0].templ[1] = MIH_IE_POA_LOCATION;
		iq[0].has_rpt_limit = true;
		iq[0].max_ies = 0x8010;
		iq[0].start_entry = 0x0102;
		iq[0].has_curr_pref = true;
		memcpy(iq[0].curr_pref, "EUR", 3);
		iq[1].has_querier_loc = true;
		iq[1].querier_loc.has_location = true;
		iq[1].querier_loc.location.kind = MIH_LOC_CIVIC_XML;
		iq[1].querier_loc.location.str = (struct mih_ostr){
			(const uint8_t *)"<c/>", 4 };
		mih_build_list(b, t, put_iq_any, iq, sizeof(iq[0]), 2);
		return true;
	case 48:
		rich_ir(b, t);
		return true;
	/* test-local types: other CHOICE branches, several elements */
	case 23:
		mih_build_tlv(b, t, LIT("\x02"
			"\x01\x02\x01\x02\x02\x01\x01\x02\x02\x03\x04"
			"\x01\x0a\x0b\x01"
			"\x0b\xff\x01\x00\x07\x00"));
		return true;
	case 26:
		mih_build_tlv(b, t, LIT("\x02\x01\x9c\x00\x00"));
		return true;
	case 27:
		mih_build_tlv(b, t, LIT("\xff\xfe\x02\x00\x00\x0b\x09"
					"\x80\x01"));
		return true;
	case 28:
		mih_build_tlv(b, t, LIT("\x01" LINKID_RAW
			"\x02\x00\x02\x01\x12\x34"
			"\x01\x03\x04\x01\x01\x01\x05\x00\x07"
			"\x02\x00\x03\x01\x04"));
		return true;
	case 29:
		mih_build_tlv(b, t, LIT("\x01\x06\x07\x00\x02"
			"\x02\x00\x01\x00\xff\xff\x01"));
		return true;
	case 30:
		mih_build_tlv(b, t, LIT("\x02\x05\x01\x00\x10\x00\x01"
			"\x06\x02\xff\xff\x01\x00"));
		return true;
	case 38:
		mih_build_tlv(b, t, LIT("\x01" LINKID_RAW
			"\x01\x00\x00\x06\x06\x02\xaa\xbb\xcc\xdd\xee"
			"\x05\x81\x12\x34"));
		return true;
	case 39:
		mih_build_tlv(b, t, LIT("\x02" LINKID_RAW "\x03\x00"
			LINKID_RAW "\x00\x01\x02"
			"\x00\x00\x06\x06\x02\x11\x22\x33\x44\x55\x00\x00\xb0"
			"\x00\x00\x06\x06\x02\xaa\xbb\xcc\xdd\xee"
			"\x01" "a" "\x01\x64"));
		return true;
	case 44:
		mih_build_tlv(b, t, LIT("\x02\x01\x03" "url" "\x02" "ab"
					"\x00\x00"));
		return true;
	case 46:
		mih_build_tlv(b, t, LIT("\x02\x01" "a" "\x00"));
		return true;
	case 49:
		mih_build_tlv(b, t, LIT("\x02\x00\x03" "abc"
					"\x01\x04" "text" "\x00"));
		return true;
	case 50:
		mih_build_tlv(b, t, LIT("\x02\x03" "url" "\x00"));
		return true;
	case 51:
		mih_build_tlv(b, t, LIT("\x02\x03" "url" "\x03" "sch"
					"\x00\x00"));
		return true;
	case 54:
		mih_build_tlv(b, t, LIT("\x02"
			"\x00\x02" "\x00\x00\x01\x01\x02\x03\x04"
			"\x01\x01n\x01\x00\xc4\x00"
			"\x01\x01" "\x05\x01\x01\x00\x64\x01\x01\x00\x10\x01"));
		return true;
	}
	return false;
}

/* A valid value for every TLV type a schema uses */
static void add_sample(struct mih_builder *b, uint8_t t)
{
	struct mih_link_tuple_id tup = { .link.type = MIH_LT_802_11 };
	struct mih_link_id lid = { .type = MIH_LT_ETHERNET };
	struct mih_link_addr la;
	struct mih_net_type_addr nta[2] = { 0 };
	struct mih_mbb_ho_supp mbb = { 0 };
	struct mih_link_det_info det = { 0 };
	struct mih_link_poa_list pl = { .link.type = MIH_LT_802_11 };
	struct mih_rq_result rq = { 0 };
	struct mih_qos_list q = { .n = 1, .p = { { 2, 64000 } } };
	struct mih_tgt_net_info tn = { 0 };
	struct mih_res_set rs = { 0 };
	struct mih_network_type nt = { .has_link_type = true,
				       .link_type = MIH_LT_UMTS };
	struct mih_ie_wr iw;
	uint8_t ir[256];
	size_t irl;

	if (rich_samples && add_rich(b, t))
		return;
	set_mac(&tup.link.addr, mac1);
	set_mac(&lid.addr, mac2);
	set_mac(&la, mac2);
	switch (t) {
	case 3:
		mih_build_status(b, MIH_STATUS_SUCCESS);
		break;
	case 5:
		mih_build_evt_list(b, MIH_BIT(MIH_EVT_LINK_UP) |
				   MIH_BIT(MIH_EVT_LINK_DOWN));
		break;
	case 6:
	case 7:
	case 8:
	case 18:
	case 19:
	case 24:
		mih_build_bitmap(b, t, 0x3);
		break;
	case 9:
		nta[0].nt.has_link_type = true;
		nta[0].nt.link_type = MIH_LT_802_11;
		set_mac(&nta[0].addr, mac1);
		nta[1].nt.has_link_type = true;
		nta[1].nt.link_type = MIH_LT_ETHERNET;
		set_mac(&nta[1].addr, mac2);
		mih_build_link_addr_list(b, nta, 2);
		break;
	case 10:
		mbb.from = nt;
		mbb.to = nt;
		mbb.supported = true;
		mih_build_list(b, t, (mih_put_fn)mih_put_mbb_ho_supp, &mbb,
			       sizeof(mbb), 1);
		break;
	case 11:
	case 20:
	case 22:
	case 34:
	case 40:
		mih_build_u8(b, t, 1);
		break;
	case 12:
		mih_build_u32(b, t, 3600);
		break;
	case 13:
	case 14:
		if (t == 14) {
			tup.has_poa = true;
			set_mac(&tup.poa, mac2);
		}
		mih_build_link_tuple_id(b, t, &tup);
		break;
	case 15:
	case 16:
	case 60:
		mih_build_link_addr(b, t, &la);
		break;
	case 17:
	case 41:
	case 42:
	case 45:
	case 53:
	case 61:
		mih_build_bool(b, t, true);
		break;
	case 21:
	case 47:
		mih_build_u16(b, t, 1500);
		break;
	case 23:
		mih_build_tlv(b, t, LIT("\x01\x00\x00\x00\x01\x02\x00"));
		break;
	case 25:
		mih_build_link_id_list(b, &lid, 1);
		break;
	case 26:
		mih_build_tlv(b, t, LIT("\x02\x00\x03" "abc" "\x01\x50"));
		break;
	case 27:
		mih_build_tlv(b, t, LIT("\x00\x03\x01\x05\x01\x00\x01"));
		break;
	case 28:
		mih_build_tlv(b, t, LIT("\x01" LINKID_RAW "\x01\x00\x01"
					"\x01\x00\x00\x00\x00\x05"
					"\x01\x00\x04"));
		break;
	case 29:
		mih_build_tlv(b, t, LIT("\x01\x05\x01\x01\x00\x64\x00"
					"\x01\x00\x10\x01"));
		break;
	case 30:
		mih_build_tlv(b, t, LIT("\x01\x05\x01\x00\x10\x00\x01"));
		break;
	case 31:
		pl.n_poa = 1;
		set_mac(&pl.link.addr, mac1);
		set_mac(&pl.poa[0], mac2);
		mih_build_link_poa_list_list(b, &pl, 1);
		break;
	case 32:
		set_mac(&rq.pref.link.addr, mac1);
		rq.pref.link.type = MIH_LT_ETHERNET;
		rq.has_qos = true;
		rq.qos = q;
		mih_build_pref_link_list(b, &rq, 1);
		break;
	case 33:
		mih_build_qos_list(b, &q);
		break;
	case 38:
		mih_build_tlv(b, t, LIT("\x01" LINKID_RAW "\x00\x01\x00"
					"\x00\x00"));
		break;
	case 39:
		mih_build_tlv(b, t, LIT("\x01" LINKID_RAW "\x00\x01\x01"
					"\x00\x00\x06\x06\x02\x11\x22\x33"
					"\x44\x55\x04" "ssid" "\x00\xc4"));
		break;
	case 43:
		/* WIRE.md 10 example */
		mih_build_tlv(b, t, LIT("\x01\x00\x00\x00\x01\x03\x10\x00\x00"
					"\x00\x10\x00\x00\x01\x10\x00\x01"
					"\x03\x00\x00"));
		break;
	case 44:
		mih_build_tlv(b, t, LIT("\x01\x00\x03" "abc"));
		break;
	case 46:
	case 50:
		mih_build_tlv(b, t, LIT("\x01\x03" "url"));
		break;
	case 48:
		mih_ie_wr_init(&iw, ir, sizeof(ir));
		mih_ie_list_begin(&iw);
		mih_ie_list_begin(&iw);
		mih_ie_put(&iw, &(struct mih_ie_val){
			.type = MIH_IE_NETWORK_TYPE,
			.u.network_type = nt });
		mih_ie_put(&iw, &(struct mih_ie_val){
			.type = MIH_IE_NETWORK_DATA_RATE, .u.u32 = 11000 });
		mih_ie_list_end(&iw);
		mih_ie_list_end(&iw);
		if (mih_ie_wr_finish(&iw, &irl) == 0)
			mih_build_tlv(b, t, ir, (uint32_t)irl);
		else
			b->err = MIH_E_INVAL;
		break;
	case 49:
		mih_build_tlv(b, t, LIT("\x01\x01\x04" "text" "\x03" "abc"));
		break;
	case 51:
		mih_build_tlv(b, t, LIT("\x01\x03" "url" "\x03" "sch"));
		break;
	case 52:
		mih_build_mihf_id(b, t, "mn1", 3);
		break;
	case 54:
		mih_build_tlv(b, t, LIT("\x01\x00\x01\x01\x04" "ssid"
					"\x01\x01\x32\x00"));
		break;
	case 55:
		tn.has_network_id = true;
		tn.network_id = (struct mih_ostr){ (const uint8_t *)"tgt", 3 };
		tn.has_net_aux_id = true;
		tn.net_aux_id = (struct mih_ostr){ (const uint8_t *)"aux", 3 };
		mih_build_tgt_net_info(b, &tn);
		break;
	case 56:
		tn.has_poa = true;
		set_mac(&tn.poa, mac2);
		mih_build_list(b, t, (mih_put_fn)mih_put_tgt_net_info, &tn,
			       sizeof(tn), 1);
		break;
	case 57:
	case 63:
		rs.qos = q;
		rs.has_opaque = true;
		rs.opaque = (struct mih_ostr){ (const uint8_t *)"\x01", 1 };
		mih_build_res_set(b, t, &rs);
		break;
	case 58:
		det.tuple = tup;
		det.network_id = (struct mih_ostr){ (const uint8_t *)"n", 1 };
		det.sig.is_percent = true;
		det.sig.percent = 70;
		det.data_rate = 54000;
		mih_build_link_det_info_list(b, &det, 1);
		break;
	case 59:
		mih_build_link_id(b, t, &lid);
		break;
	case 62:
		mih_build_network_type(b, &nt);
		break;
	default:
		b->err = MIH_E_INVAL;	/* the test must know every type */
	}
}

/*
 * Build a message of def: with_opt adds every optional TLV; alt picks
 * which member of each one-of group (index within the group).
 */
static int build_msg(const struct mih_msgdef *def, bool with_opt,
		     unsigned int alt, uint8_t *buf, size_t size,
		     size_t *len, uint8_t *types, unsigned int *n_types)
{
	struct mih_builder b;
	unsigned int n = 0;
	int i = 0;

	mih_builder_init(&b, buf, size);
	mih_msg_begin(&b, def->mid, 0x123, MIH_MSGF_ACK_REQ, "mn1", 3,
		      "ar-serving.example", 18);
	while (i < def->n_tlvs) {
		const struct mih_tlvdef *t = &def->tlvs[i];

		if (t->flags & MIH_TD_ALT) {
			int g = i, k = i;

			while (k < def->n_tlvs &&
			       (def->tlvs[k].flags & MIH_TD_ALT))
				k++;
			if (with_opt || !(t->flags & MIH_TD_OPT)) {
				unsigned int pick = alt % (unsigned int)(k - g);

				add_sample(&b, def->tlvs[g + pick].type);
				types[n++] = def->tlvs[g + pick].type;
			}
			i = k;
			continue;
		}
		if (with_opt || !(t->flags & MIH_TD_OPT)) {
			add_sample(&b, t->type);
			types[n++] = t->type;
		}
		i++;
	}
	*n_types = n;
	return mih_msg_finish(&b, len);
}

/* Rebuild a parsed message from its header, IDs and TLVs */
static int rebuild(const struct mih_msg *m, uint8_t *buf, size_t size,
		   size_t *len)
{
	const struct mih_hdr *h = &m->pdu.hdr;
	struct mih_builder b;

	mih_builder_init(&b, buf, size);
	mih_msg_begin(&b, mih_msg_mid(m), h->tid,
		      (h->ack_req ? MIH_MSGF_ACK_REQ : 0) |
		      (h->ack_rsp ? MIH_MSGF_ACK_RSP : 0) |
		      (h->uir ? MIH_MSGF_UIR : 0),
		      m->pdu.src_id, m->pdu.src_id_len, m->pdu.dst_id,
		      m->pdu.dst_id_len);
	for (unsigned int i = 0; i < m->n_tlvs; i++)
		mih_build_tlv(&b, m->tlvs[i].type, m->tlvs[i].value,
			      m->tlvs[i].len);
	return mih_msg_finish(&b, len);
}

static unsigned int group_size_max(const struct mih_msgdef *def)
{
	unsigned int best = 1, run = 0;

	for (int i = 0; i < def->n_tlvs; i++) {
		run = (def->tlvs[i].flags & MIH_TD_ALT) ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* ---- the table ---- */

TEST(table_covers_wire_md)
{
	size_t n, nm, i;
	const struct mih_msgdef *t = mih_msgdef_table(&n);
	const struct mihmsg *names = mihmsg_table(&nm);
	unsigned int expected = 0;

	/* one definition per wire opcode of every message of WIRE.md 3 */
	for (i = 0; i < nm; i++)
		for (unsigned int op = 1; op <= 3; op++) {
			uint16_t mid = MIH_MID(names[i].sid, op, names[i].aid);
			const struct mih_msgdef *d = mih_msgdef_lookup(mid);

			if (!(names[i].ops & (1 << op))) {
				EXPECT_EQ(NULL, d);
				continue;
			}
			expected++;
			ASSERT_NE(NULL, d);
			EXPECT_EQ(0, strncmp(d->name, names[i].name,
					     strlen(names[i].name)));
		}
	EXPECT_EQ(expected, n);
	EXPECT_EQ(42U, n);
	for (i = 0; i < n; i++) {
		EXPECT_NE(0U, MIHMSG_OP(t[i].mid));
		EXPECT_NE(NULL, t[i].note);
		EXPECT_LE(t[i].n_tlvs, MIH_MSGDEF_TLV_MAX);
		for (int k = 0; k < t[i].n_tlvs; k++) {
			EXPECT_GE(t[i].tlvs[k].type, 3);
			EXPECT_LE(t[i].tlvs[k].type, 63);
			EXPECT_EQ(k, mih_msgdef_tlv_index(&t[i],
							  t[i].tlvs[k].type));
		}
	}
	EXPECT_EQ(NULL, mih_msgdef_lookup(0x0401));	/* confirm */
	EXPECT_EQ(NULL, mih_msgdef_lookup(0x2c04));	/* AID 4 unused */
	EXPECT_STREQ("MIH_Link_Up.indication",
		     mih_msgdef_lookup(0x2c02)->name);
	EXPECT_TRUE(mih_msgdef_lookup(0x3405)->flags & MIH_MD_ASSUMED);
	EXPECT_FALSE(mih_msgdef_lookup(0x2c02)->flags & MIH_MD_ASSUMED);
}

static void check_round_trip(struct __test_metadata *_metadata,
			     const struct mih_msgdef *def, bool with_opt,
			     unsigned int alt)
{
	uint8_t buf[2048], again[2048], types[MIH_MSGDEF_TLV_MAX], *copy;
	unsigned int nt = 0;
	struct mih_msg_err e;
	struct mih_msg m;
	size_t len = 0, len2 = 0;
	char text[4096];
	int r;

	ASSERT_EQ(0, build_msg(def, with_opt, alt, buf, sizeof(buf), &len,
			       types, &nt));
	r = parse_copy(buf, len, &m, &e, &copy);
	if (r)
		TH_LOG("%s (opt %d alt %u): %s", def->name, with_opt, alt,
		       e.text);
	ASSERT_EQ(0, r);
	EXPECT_EQ(def, m.def);
	EXPECT_FALSE(m.pure_ack);
	EXPECT_EQ(0U, m.skipped);
	ASSERT_EQ(nt, m.n_tlvs);
	for (unsigned int i = 0; i < nt; i++) {
		EXPECT_EQ(types[i], m.tlvs[i].type);
		EXPECT_EQ(&m.tlvs[i], mih_msg_tlv(&m, types[i]));
	}
	EXPECT_EQ(0x123, m.pdu.hdr.tid);
	EXPECT_TRUE(m.pdu.hdr.ack_req);
	ASSERT_EQ(0, rebuild(&m, again, sizeof(again), &len2));
	ASSERT_EQ(len, len2);
	EXPECT_EQ(0, memcmp(buf, again, len));
	EXPECT_GT(mih_msg_fmt(&m, text, sizeof(text)), 0);
	EXPECT_EQ(NULL, strstr(text, "<invalid"));
	EXPECT_EQ(0, strncmp(text, def->name, strlen(def->name)));
	free(copy);
}

TEST(every_message_round_trip)
{
	size_t n;
	const struct mih_msgdef *t = mih_msgdef_table(&n);
	unsigned int done = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned int g = group_size_max(&t[i]);

		for (unsigned int alt = 0; alt < g; alt++) {
			check_round_trip(_metadata, &t[i], true, alt);
			check_round_trip(_metadata, &t[i], false, alt);
			done += 2;
		}
	}
	EXPECT_GE(done, 2 * n);
}

TEST(typed_access)
{
	size_t len;
	uint8_t buf[512], *copy;
	struct mih_builder b;
	struct mih_msg m;
	struct mih_msg_err e;
	struct mih_link_tuple_id tup = { .link.type = MIH_LT_802_11 }, got;
	struct mih_net_type_addr nta;
	struct mih_rd rd;
	uint32_t count;
	uint64_t bits;
	uint8_t st;

	set_mac(&tup.link.addr, mac1);
	mih_builder_init(&b, buf, sizeof(buf));
	mih_msg_begin(&b, 0x1804, 7, 0, "ar1", 3, "mn1", 3);
	mih_build_status(&b, 0);
	mih_build_link_tuple_id(&b, 13, &tup);
	mih_build_evt_list(&b, 0x6);
	ASSERT_EQ(0, mih_msg_finish(&b, &len));
	ASSERT_EQ(0, parse_copy(buf, len, &m, &e, &copy));
	EXPECT_EQ(1, mih_msg_get_u8(&m, 3, &st));
	EXPECT_EQ(0, st);
	EXPECT_EQ(1, mih_msg_get_bitmap(&m, 5, &bits));
	EXPECT_EQ(6U, bits);
	EXPECT_EQ(1, mih_msg_get_value(&m, 13,
				       (mih_get_fn)mih_get_link_tuple_id,
				       &got));
	EXPECT_EQ(MIH_LT_802_11, got.link.type);
	EXPECT_EQ(0, memcmp(got.link.addr.u.mac, mac1, 6));
	EXPECT_EQ(0, mih_msg_get_u8(&m, 9, &st));	/* absent */
	EXPECT_EQ(NULL, mih_msg_tlv(&m, 9));
	free(copy);

	/* a LIST TLV read element by element */
	mih_builder_init(&b, buf, sizeof(buf));
	mih_msg_begin(&b, 0x1801, 7, 0, "ar1", 3, "mn1", 3);
	mih_build_status(&b, 0);
	add_sample(&b, 9);
	ASSERT_EQ(0, mih_msg_finish(&b, &len));
	ASSERT_EQ(0, parse_copy(buf, len, &m, &e, &copy));
	ASSERT_EQ(1, mih_msg_get_list(&m, 9, &rd, &count));
	ASSERT_EQ(2U, count);
	EXPECT_EQ(0, mih_get_net_type_addr(&rd, &nta));
	EXPECT_EQ(MIH_LT_802_11, nta.nt.link_type);
	EXPECT_EQ(0, mih_get_net_type_addr(&rd, &nta));
	EXPECT_EQ(MIH_LT_ETHERNET, nta.nt.link_type);
	EXPECT_EQ(0, memcmp(nta.addr.u.mac, mac2, 6));
	EXPECT_EQ(0, mih_rd_end(&rd));
	free(copy);
}

/* ---- WIRE.md 12 worked examples ---- */

static const uint8_t capdisc_req[] = {
	0x18, 0x00, 0x14, 0x01, 0x00, 0x0e, 0x00, 0x18,
	0x01, 0x07, 0x06, 'o', 'd', 't', 'o', 'n', 'e',
	0x02, 0x09, 0x08, 'p', 'y', 'o', 'r', 'a', 'c', 'l', 'e',
	0x08, 0x02, 0x00, 0x01,
};

static const uint8_t capdisc_rsp[] = {
	0x10, 0x00, 0x18, 0x01, 0x00, 0x0e, 0x00, 0x2e,
	0x01, 0x09, 0x08, 'p', 'y', 'o', 'r', 'a', 'c', 'l', 'e',
	0x02, 0x07, 0x06, 'o', 'd', 't', 'o', 'n', 'e',
	0x03, 0x01, 0x00,
	0x09, 0x0f, 0x01, 0x01, 0x13, 0x00, 0x00,
	0x00, 0x00, 0x06, 0x06, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
	0x05, 0x04, 0x00, 0x00, 0x00, 0x06,
};

TEST(wire_example_capdisc_request)
{
	uint8_t out[128], *copy;
	struct mih_builder b;
	struct mih_msg_err e;
	struct mih_msg m;
	uint64_t trans;
	size_t len;
	char text[512];

	ASSERT_EQ(0, parse_copy(capdisc_req, sizeof(capdisc_req), &m, &e,
				&copy));
	EXPECT_STREQ("MIH_Capability_Discover.request", m.def->name);
	EXPECT_EQ(14, m.pdu.hdr.tid);
	EXPECT_TRUE(m.pdu.hdr.ack_req);
	EXPECT_EQ(6U, m.pdu.src_id_len);
	EXPECT_EQ(0, memcmp(m.pdu.src_id, "odtone", 6));
	EXPECT_EQ(0, memcmp(m.pdu.dst_id, "pyoracle", 8));
	ASSERT_EQ(1U, m.n_tlvs);
	ASSERT_EQ(1, mih_msg_get_bitmap(&m, 8, &trans));
	EXPECT_EQ(MIH_BIT(MIH_TRANS_UDP), trans);
	mih_msg_fmt(&m, text, sizeof(text));
	EXPECT_STREQ("MIH_Capability_Discover.request tid 14 ack-req "
		     "src odtone dst pyoracle\n"
		     "  8 Transport option list: {UDP}\n", text);

	mih_builder_init(&b, out, sizeof(out));
	mih_msg_begin(&b, 0x1401, 14, MIH_MSGF_ACK_REQ, "odtone", 6,
		      "pyoracle", 8);
	mih_build_bitmap(&b, MIH_TLV_TRANS_LIST, MIH_BIT(MIH_TRANS_UDP));
	ASSERT_EQ(0, mih_msg_finish(&b, &len));
	ASSERT_EQ(sizeof(capdisc_req), len);
	EXPECT_EQ(0, memcmp(out, capdisc_req, len));
	free(copy);
}

TEST(wire_example_capdisc_response)
{
	struct mih_net_type_addr nta = { 0 }, got;
	uint8_t out[128], *copy, st;
	struct mih_builder b;
	struct mih_msg_err e;
	struct mih_msg m;
	struct mih_rd rd;
	uint32_t count;
	uint64_t evts;
	size_t len;

	ASSERT_EQ(0, parse_copy(capdisc_rsp, sizeof(capdisc_rsp), &m, &e,
				&copy));
	EXPECT_STREQ("MIH_Capability_Discover.response", m.def->name);
	ASSERT_EQ(3U, m.n_tlvs);
	ASSERT_EQ(1, mih_msg_get_u8(&m, 3, &st));
	EXPECT_EQ(MIH_STATUS_SUCCESS, st);
	ASSERT_EQ(1, mih_msg_get_list(&m, 9, &rd, &count));
	ASSERT_EQ(1U, count);
	ASSERT_EQ(0, mih_get_net_type_addr(&rd, &got));
	EXPECT_EQ(0, mih_rd_end(&rd));
	EXPECT_TRUE(got.nt.has_link_type);
	EXPECT_EQ(MIH_LT_802_11, got.nt.link_type);
	EXPECT_FALSE(got.nt.has_subtype);
	EXPECT_FALSE(got.nt.has_ext);
	EXPECT_EQ(MIH_LA_MAC, got.addr.kind);
	EXPECT_EQ(0, memcmp(got.addr.u.mac, mac1, 6));
	ASSERT_EQ(1, mih_msg_get_bitmap(&m, 5, &evts));
	EXPECT_TRUE(mih_bit_test(evts, MIH_EVT_LINK_UP));
	EXPECT_TRUE(mih_bit_test(evts, MIH_EVT_LINK_DOWN));
	EXPECT_EQ(6U, evts);

	nta.nt.has_link_type = true;
	nta.nt.link_type = MIH_LT_802_11;
	set_mac(&nta.addr, mac1);
	mih_builder_init(&b, out, sizeof(out));
	mih_msg_begin(&b, 0x1801, 14, 0, "pyoracle", 8, "odtone", 6);
	mih_build_status(&b, MIH_STATUS_SUCCESS);
	mih_build_link_addr_list(&b, &nta, 1);
	mih_build_evt_list(&b, MIH_BIT(MIH_EVT_LINK_UP) |
			   MIH_BIT(MIH_EVT_LINK_DOWN));
	ASSERT_EQ(0, mih_msg_finish(&b, &len));
	ASSERT_EQ(sizeof(capdisc_rsp), len);
	EXPECT_EQ(0, memcmp(out, capdisc_rsp, len));
	free(copy);
}

TEST(pure_ack)
{
	/* WIRE.md 8 (LAB) */
	static const uint8_t lab[] = {
		0x14, 0x00, 0x14, 0x01, 0x00, 0x0e, 0x00, 0x14,
		0x01, 0x09, 0x08, 'p', 'y', 'o', 'r', 'a', 'c', 'l', 'e',
		0x02, 0x07, 0x06, 'o', 'd', 't', 'o', 'n', 'e',
	};
	uint8_t out[64], *copy;
	struct mih_msg_err e;
	struct mih_msg m;
	size_t len;

	ASSERT_EQ(0, mih_msg_build_ack(out, sizeof(out), 0x1401, 14,
				       "pyoracle", 8, "odtone", 6, &len));
	ASSERT_EQ(sizeof(lab), len);
	EXPECT_EQ(0, memcmp(out, lab, len));
	ASSERT_EQ(0, parse_copy(lab, sizeof(lab), &m, &e, &copy));
	EXPECT_TRUE(m.pure_ack);
	EXPECT_EQ(0x1401, mih_msg_mid(&m));
	EXPECT_EQ(0U, m.n_tlvs);
	free(copy);
	/* valid for any known MID, even one whose schema needs TLVs */
	ASSERT_EQ(0, mih_msg_build_ack(out, sizeof(out), 0x2c02, 5, "a", 1,
				       "b", 1, &len));
	ASSERT_EQ(0, parse_copy(out, len, &m, &e, NULL));
	EXPECT_TRUE(m.pure_ack);
	/* but not for an unknown MID */
	ASSERT_EQ(0, mih_msg_build_ack(out, sizeof(out), 0x2c04, 5, "a", 1,
				       "b", 1, &len));
	EXPECT_EQ(MIH_E_UNKNOWN_MID, parse_copy(out, len, &m, &e, NULL));
}

TEST(skipped_tlvs)
{
	uint8_t buf[256], *copy;
	struct mih_builder b;
	struct mih_msg_err e;
	struct mih_msg m;
	size_t len;

	mih_builder_init(&b, buf, sizeof(buf));
	mih_msg_begin(&b, 0x1404, 1, 0, "mn1", 3, "ar1", 3);
	mih_build_tlv(&b, 150, "\xaa\xbb", 2);		/* experimental */
	add_sample(&b, 13);
	mih_build_tlv(&b, 100, "\x00\x11\x22\x01", 4);	/* vendor */
	mih_build_tlv(&b, 70, NULL, 0);			/* reserved */
	add_sample(&b, 5);
	mih_build_tlv(&b, 255, "\x00", 1);
	ASSERT_EQ(0, mih_msg_finish(&b, &len));
	ASSERT_EQ(0, parse_copy(buf, len, &m, &e, &copy));
	EXPECT_EQ(4U, m.skipped);
	ASSERT_EQ(2U, m.n_tlvs);
	EXPECT_EQ(13, m.tlvs[0].type);
	EXPECT_EQ(5, m.tlvs[1].type);
	free(copy);
}

/* ---- malformed PDUs ---- */

struct bad_case {
	const char *name;
	uint16_t mid;
	uint8_t hdr0;		/* octet 0, 0 = 0x10 (version 1) */
	int plen_delta;		/* added to the right payload length */
	const char *src;	/* NULL: "mn1" */
	const char *dst;	/* NULL: "ar1" */
	const uint8_t *body;
	size_t body_len;
	size_t cut;		/* octets removed from the end */
	int err;
	uint8_t tlv;		/* expected err.tlv_type */
};

#define TUPLE	"\x0d\x0c\x13\x00\x00\x06\x06\x02\x11\x22\x33\x44\x55\x00"
#define EVTS	"\x05\x04\x00\x00\x00\x06"
#define BODY(s)	.body = (const uint8_t *)(s), .body_len = sizeof(s) - 1

static char long_id[300];

static const struct bad_case bad_cases[] = {
	{ "valid base", 0x1404, BODY(TUPLE EVTS), .err = 0 },
	{ "wrong order", 0x1404, BODY(EVTS TUPLE),
	  .err = MIH_E_TLV_ORDER, .tlv = 13 },
	{ "missing mandatory", 0x1404, BODY(TUPLE),
	  .err = MIH_E_TLV_MISSING, .tlv = 5 },
	{ "missing all", 0x1404, BODY(""), .err = MIH_E_TLV_MISSING,
	  .tlv = 13 },
	{ "duplicate", 0x1404, BODY(TUPLE TUPLE EVTS),
	  .err = MIH_E_TLV_DUP, .tlv = 13 },
	{ "value too short (bitmap 3 octets)", 0x1404,
	  BODY(TUPLE "\x05\x03\x00\x00\x06"), .err = MIH_E_TRUNCATED,
	  .tlv = 5 },
	{ "value too long (trailing octet)", 0x1404,
	  BODY(TUPLE "\x05\x05\x00\x00\x00\x06\x00"), .err = MIH_E_TRAILING,
	  .tlv = 5 },
	{ "TLV overruns the PDU", 0x1404,
	  BODY(TUPLE "\x05\x09\x00\x00\x00\x06"), .err = MIH_E_OVERRUN },
	{ "truncated datagram", 0x1404, BODY(TUPLE EVTS), .cut = 2,
	  .plen_delta = -2, .err = MIH_E_OVERRUN },
	{ "overlong length", 0x1404, BODY(TUPLE "\x05\x85\x00\x00\x00\x00"
					  "\x04\x00\x00\x00\x06"),
	  .err = MIH_E_LEN_OVERLONG },
	{ "non-minimal length", 0x1404,
	  BODY(TUPLE "\x05\x81\x00\x00\x00\x00\x06"),
	  .err = MIH_E_LEN_NONMINIMAL },
	{ "non-minimal LIST count", 0x1402,
	  BODY("\x19\x02\x81\x00" "\x0b\x01\x00"),
	  .err = MIH_E_LEN_NONMINIMAL, .tlv = 25 },
	{ "response without the optional event list", 0x1804,
	  BODY("\x03\x01\x01" TUPLE), .err = 0 },
	{ "bad LINK_ADDR selector", 0x1404,
	  BODY("\x0d\x0c\x13\x09\x00\x06\x06\x02\x11\x22\x33\x44\x55\x00"
	       EVTS), .err = MIH_E_BAD_CHOICE, .tlv = 13 },
	{ "bad PoA selector", 0x1404,
	  BODY("\x0d\x0c\x13\x00\x00\x06\x06\x02\x11\x22\x33\x44\x55\x02"
	       EVTS), .err = MIH_E_BAD_CHOICE, .tlv = 13 },
	{ "MAC family 7", 0x1404,
	  BODY("\x0d\x0c\x13\x00\x00\x07\x06\x02\x11\x22\x33\x44\x55\x00"
	       EVTS), .err = MIH_E_BAD_ADDR, .tlv = 13 },
	{ "source ID 254 octets", 0x1404, .src = long_id, BODY(TUPLE EVTS),
	  .err = MIH_E_ID_TOO_LONG, .tlv = 1 },
	{ "empty destination not allowed", 0x1404, .dst = "",
	  BODY(TUPLE EVTS), .err = MIH_E_EMPTY_DST, .tlv = 2 },
	{ "empty destination allowed (Capability_Discover)", 0x1401,
	  .dst = "", BODY(""), .err = 0 },
	{ "empty destination allowed (Link_Get_Parameters)", 0x3401,
	  .dst = "", BODY("\x19\x0c\x01" LINKID_RAW
			  "\x1b\x05\x00\x00\x00\x00\x00"), .err = 0 },
	{ "Link_Get_Parameters without its status request set", 0x3401,
	  BODY("\x19\x0c\x01" LINKID_RAW), .err = MIH_E_TLV_MISSING,
	  .tlv = 27 },
	{ "empty destination not allowed (Link_Up)", 0x2c02, .dst = "",
	  BODY(TUPLE), .err = MIH_E_EMPTY_DST, .tlv = 2 },
	{ "payload length one too many", 0x1404, BODY(TUPLE EVTS),
	  .plen_delta = 1, .err = MIH_E_PAYLOAD_LEN },
	{ "payload length one too few", 0x1404, BODY(TUPLE EVTS),
	  .plen_delta = -1, .err = MIH_E_PAYLOAD_LEN },
	{ "version 2", 0x1404, .hdr0 = 0x20, BODY(TUPLE EVTS),
	  .err = MIH_E_VERSION },
	{ "version 0", 0x1404, .hdr0 = 0x00 | 0x08, BODY(TUPLE EVTS),
	  .err = MIH_E_VERSION },
	{ "confirm opcode", 0x1004, BODY(TUPLE EVTS), .err = MIH_E_OPCODE },
	{ "Link_Up as a request", 0x2402, BODY(TUPLE), .err = MIH_E_OPCODE },
	{ "Register as an indication", 0x1c02, BODY(""),
	  .err = MIH_E_OPCODE },
	{ "unknown MID (SM AID 6)", 0x1406, BODY(""),
	  .err = MIH_E_UNKNOWN_MID },
	{ "unknown MID (event AID 4)", 0x2c04, BODY(""),
	  .err = MIH_E_UNKNOWN_MID },
	{ "unknown MID (SID 5)", 0x5401, BODY(""),
	  .err = MIH_E_UNKNOWN_MID },
	{ "command AID 12 (802.21b draft)", 0x340c, BODY(""),
	  .err = MIH_E_UNKNOWN_MID },
	{ "known TLV not in the message", 0x1404,
	  BODY(TUPLE EVTS "\x03\x01\x00"), .err = MIH_E_TLV_UNEXPECTED,
	  .tlv = 3 },
	{ "source ID again in the body", 0x1404,
	  BODY(TUPLE "\x01\x02\x01x" EVTS), .err = MIH_E_TLV_UNEXPECTED,
	  .tlv = 1 },
	{ "TLV type 0", 0x1404, BODY(TUPLE EVTS "\x00\x00"),
	  .err = MIH_E_TLV_UNEXPECTED, .tlv = 0 },
	{ "experimental TLV 150 skipped", 0x1404,
	  BODY(TUPLE "\x96\x03\x01\x02\x03" EVTS), .err = 0 },
	{ "fragment (M)", 0x1404, .hdr0 = 0x11, BODY(TUPLE EVTS),
	  .err = MIH_E_FRAGMENT },
	{ "ACK-Rsp on a request with TLVs", 0x1404, .hdr0 = 0x14,
	  BODY(TUPLE EVTS), .err = MIH_E_ACK_BODY },
	{ "ACK-Rsp piggy-backed on a response", 0x1804, .hdr0 = 0x14,
	  BODY("\x03\x01\x00" TUPLE EVTS), .err = 0 },
	{ "status 6", 0x1804, BODY("\x03\x01\x06" TUPLE EVTS),
	  .err = MIH_E_BAD_ENUM, .tlv = 3 },
	{ "IP renewal flag 2", 0x2c02, BODY(TUPLE "\x11\x01\x02"),
	  .err = MIH_E_BAD_BOOL, .tlv = 17 },
	{ "link down reason 9", 0x2c03, BODY(TUPLE "\x14\x01\x09"),
	  .err = MIH_E_BAD_ENUM, .tlv = 20 },
	{ "LIST count overruns (TLV 25)", 0x1402,
	  BODY("\x19\x0c\x0d" "\x13\x00\x00\x06\x06\x02\x11\x22\x33\x44\x55"
	       "\x0b\x01\x00"), .err = MIH_E_OVERRUN, .tlv = 25 },
	{ "one of 43..46 twice", 0x4401,
	  BODY("\x2b\x01\x00\x2d\x01\x01"), .err = MIH_E_TLV_ALT,
	  .tlv = 45 },
	{ "none of 43..46", 0x4401, BODY("\x2f\x02\x05\xdc"),
	  .err = MIH_E_TLV_MISSING, .tlv = 43 },
	{ "IQ_BIN_DATA bad CHOICE", 0x4401,
	  BODY("\x2b\x07\x01\x02\x00\x00\x00\x00\x00"),
	  .err = MIH_E_BAD_CHOICE, .tlv = 43 },
	{ "IR_BIN_DATA IE overruns", 0x4801,
	  BODY("\x03\x01\x00\x30\x08\x01\x01\x10\x00\x01\x06\x05\x00"),
	  .err = MIH_E_OVERRUN, .tlv = 48 },
	{ "HO result 4", 0x340a, BODY("\x3b\x0b" "\x13\x00\x00\x06\x06\x02"
				      "\x11\x22\x33\x44\x55" "\x28\x01\x04"),
	  .err = MIH_E_BAD_ENUM, .tlv = 40 },
	{ "MN MIHF ID too long for its TLV", 0x340b,
	  BODY("\x34\x02\x05x"), .err = MIH_E_OVERRUN, .tlv = 52 },
};

static size_t make_pdu(const struct bad_case *c, uint8_t *out, size_t size)
{
	const char *src = c->src ? c->src : "mn1";
	const char *dst = c->dst ? c->dst : "ar1";
	struct mih_builder b;
	size_t len = 0;

	mih_builder_init(&b, out, size);
	mih_msg_begin(&b, c->mid, 9, 0, NULL, 0, NULL, 0);
	/* IDs written by hand: a 254-octet ID must reach the parser */
	b.len = MIH_HDR_LEN;
	mih_build_tlv_octet_string(&b, 1, src, (uint32_t)strlen(src));
	mih_build_tlv_octet_string(&b, 2, dst, (uint32_t)strlen(dst));
	mih_build_bytes(&b, c->body, c->body_len);
	if (mih_build_finish(&b, &len))
		return 0;
	out[0] = c->hdr0 ? c->hdr0 : 0x10;
	mih_hdr_set_payload_len(out, (uint16_t)(len - MIH_HDR_LEN +
						c->plen_delta));
	return len - c->cut;
}

TEST(malformed_table)
{
	uint8_t pdu[1024];
	struct mih_msg_err e;
	struct mih_msg m;
	int r;

	memset(long_id, 'i', 254);
	long_id[254] = '\0';
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		size_t len = make_pdu(c, pdu, sizeof(pdu));

		ASSERT_NE(0U, len);
		r = parse_copy(pdu, len, &m, &e, NULL);
		if (r != c->err)
			TH_LOG("case '%s': got %d (%s), want %d", c->name, r,
			       e.text, c->err);
		EXPECT_EQ(c->err, r);
		if (r && r == c->err) {
			EXPECT_EQ(c->err, e.code);
			EXPECT_NE('\0', e.text[0]);
			EXPECT_LE(e.offset, len);
			if (c->tlv || c->err == MIH_E_TLV_UNEXPECTED)
				EXPECT_EQ(c->tlv, e.tlv_type);
		}
	}
}

TEST(error_text)
{
	static const uint8_t body[] =
		"\x0d\x0c\x13\x09\x00\x06\x06\x02\x11\x22\x33\x44\x55\x00" EVTS;
	struct bad_case c = {
		"", 0x1404, .body = body, .body_len = sizeof(body) - 1,
	};
	uint8_t pdu[256];
	struct mih_msg_err e;
	struct mih_msg m;
	size_t len = make_pdu(&c, pdu, sizeof(pdu));

	ASSERT_EQ(MIH_E_BAD_CHOICE, parse_copy(pdu, len, &m, &e, NULL));
	/* header 8 + src 6 + dst 6 = 20: TLV 13 at 20, selector at 23 */
	EXPECT_STREQ("TLV 13 (Link identifier) at offset 20: LINK_ADDR "
		     "selector 9 out of range", e.text);
	EXPECT_EQ(23U, e.offset);
	EXPECT_EQ(13, e.tlv_type);

	c.mid = 0x2c04;
	len = make_pdu(&c, pdu, sizeof(pdu));
	ASSERT_EQ(MIH_E_UNKNOWN_MID, parse_copy(pdu, len, &m, &e, NULL));
	EXPECT_STREQ("header: unknown MID 0x2c04 (SID 2, AID 4)", e.text);
	/* NULL err is fine */
	EXPECT_EQ(MIH_E_UNKNOWN_MID, mih_msg_parse(pdu, len, &m, NULL));
}

TEST(builder_errors)
{
	uint8_t buf[64];
	struct mih_builder b;
	size_t len;
	struct mih_link_addr bad = { .kind = 9 };

	mih_builder_init(&b, buf, sizeof(buf));
	mih_msg_begin(&b, 0x1404, 0x1000, 0, "a", 1, "b", 1);
	EXPECT_EQ(MIH_E_RANGE, mih_msg_finish(&b, &len));
	mih_builder_init(&b, buf, sizeof(buf));
	mih_msg_begin(&b, 0x2c02, 1, 0, "a", 1, "b", 1);
	mih_build_link_addr(&b, 15, &bad);
	EXPECT_EQ(MIH_E_RANGE, mih_msg_finish(&b, &len));
	mih_builder_init(&b, buf, sizeof(buf));
	mih_msg_begin(&b, 0x2c02, 1, 0, "a", 1, "b", 1);
	mih_build_bitmap(&b, 3, 1);	/* not a bitmap TLV */
	EXPECT_EQ(MIH_E_INVAL, mih_msg_finish(&b, &len));
	mih_builder_init(&b, buf, 20);
	mih_msg_begin(&b, 0x2c02, 1, 0, "a", 1, "b", 1);
	add_sample(&b, 58);
	EXPECT_EQ(MIH_E_NOSPACE, mih_msg_finish(&b, &len));
}

TEST(format_into_small_buffers)
{
	size_t n, len;
	const struct mih_msgdef *t = mih_msgdef_table(&n);
	uint8_t buf[2048], types[MIH_MSGDEF_TLV_MAX], *copy;
	struct mih_msg_err e;
	struct mih_msg m;
	unsigned int nt;
	char full[4096];
	int want;

	for (size_t i = 0; i < n; i++) {
		ASSERT_EQ(0, build_msg(&t[i], true, 0, buf, sizeof(buf), &len,
				       types, &nt));
		ASSERT_EQ(0, parse_copy(buf, len, &m, &e, &copy));
		want = mih_msg_fmt(&m, full, sizeof(full));
		ASSERT_LT(want, (int)sizeof(full));
		EXPECT_EQ(want, mih_msg_fmt(&m, NULL, 0));
		for (size_t sz = 1; sz < (size_t)want + 2; sz += 7) {
			char *small = malloc(sz);

			ASSERT_NE(NULL, small);
			EXPECT_EQ(want, mih_msg_fmt(&m, small, sz));
			EXPECT_EQ(strlen(small), sz - 1 < (size_t)want ?
				  sz - 1 : (size_t)want);
			EXPECT_EQ(0, strncmp(small, full, sz - 1));
			free(small);
		}
		free(copy);
	}
}

/* ---- fuzz: random mutations of valid messages ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

TEST(fuzz_mutations)
{
	static uint8_t seeds[96][1024];
	size_t seed_len[96], n, ns = 0;
	const struct mih_msgdef *t = mih_msgdef_table(&n);
	uint8_t types[MIH_MSGDEF_TLV_MAX], buf[1100];
	unsigned int nt, accepted = 0, rejected = 0;
	char text[2048];

	for (size_t i = 0; i < n && ns + 2 <= 96; i++) {
		ASSERT_EQ(0, build_msg(&t[i], true, 0, seeds[ns],
				       sizeof(seeds[0]), &seed_len[ns], types,
				       &nt));
		ns++;
		ASSERT_EQ(0, build_msg(&t[i], false, 0, seeds[ns],
				       sizeof(seeds[0]), &seed_len[ns], types,
				       &nt));
		ns++;
	}
	memcpy(seeds[ns], capdisc_rsp, sizeof(capdisc_rsp));
	seed_len[ns++] = sizeof(capdisc_rsp);

	for (int iter = 0; iter < 20000; iter++) {
		size_t s = rnd() % ns, len = seed_len[s];
		unsigned int k, nmut = 1 + rnd() % 4;
		struct mih_msg_err e;
		struct mih_msg m;
		uint8_t *d;

		memcpy(buf, seeds[s], len);
		for (k = 0; k < nmut; k++) {
			switch (rnd() % 5) {
			case 0:		/* flip bits */
				buf[rnd() % len] ^= (uint8_t)(1 << rnd() % 8);
				break;
			case 1:		/* random octet */
				buf[rnd() % len] = (uint8_t)rnd();
				break;
			case 2:		/* truncate */
				len = 1 + rnd() % len;
				break;
			case 3:		/* extend with garbage */
				if (len < sizeof(buf) - 8) {
					unsigned int x = rnd() % 8;

					for (unsigned int j = 0; j < x; j++)
						buf[len++] = (uint8_t)rnd();
				}
				break;
			case 4:		/* small length-like values */
				buf[rnd() % len] = (uint8_t)(0x7e + rnd() % 8);
				break;
			}
		}
		/* keep the payload length consistent half of the time */
		if (len >= MIH_HDR_LEN && rnd() % 2)
			mih_hdr_set_payload_len(buf, (uint16_t)(len -
								MIH_HDR_LEN));
		d = dup_exact(buf, len);
		if (mih_msg_parse(d, len, &m, &e) == 0) {
			accepted++;
			mih_msg_fmt(&m, text, sizeof(text));
		} else {
			rejected++;
			EXPECT_NE('\0', e.text[0]);
			EXPECT_LE(e.offset, len);
		}
		free(d);
	}
	TH_LOG("fuzz: %u accepted, %u rejected", accepted, rejected);
	EXPECT_EQ(20000U, accepted + rejected);
	EXPECT_GT(rejected, 1000U);
}

/* ---- typed round trip: every TLV through its typed decoder/encoder ----
 *
 * Each TLV of a parsed message is decoded with the typed decoder of its
 * type (table typed_tlvs below) into a C value, then the message is
 * re-encoded from those values only with the typed builders and compared
 * byte for byte with the original.  A TLV type without an entry fails: no
 * TLV falls back to its raw octets.
 */

#define TL_MAX	8	/* capacity of the test-local nested lists */

/*
 * Test-local typed forms of the link-parameter and RDF TLVs (23, 26..30,
 * 38, 39, 44, 46, 49..51, 54).  lib/mihtype.c validates and prints these
 * with its descriptor walker but has no C type or mih_get_X/mih_put_X for
 * them; these follow the grammar documented there (802.21-2008 shapes),
 * built on the library's primitive readers/writers and its LINK_ID,
 * LINK_ADDR and SIG_STRENGTH codecs.
 */
static uint32_t t_count(struct mih_rd *r, uint32_t cap, const char *what)
{
	uint32_t n = mih_get_list_count(r, 1);

	if (!r->err && n > cap) {
		mih_rd_fail(r, MIH_E_TOO_MANY, "%s: %u elements (test holds "
			    "%u)", what, n, cap);
		return 0;
	}
	return n;
}

struct t_lpt {			/* LINK_PARAM_TYPE */
	uint8_t sel;
	uint8_t code;
};

static void t_get_lpt(struct mih_rd *r, struct t_lpt *v)
{
	v->sel = mih_get_choice(r, 12, "LINK_PARAM_TYPE");
	v->code = mih_get_u8(r);
}

static void t_put_lpt(struct mih_wr *w, const struct t_lpt *v)
{
	mih_put_u8(w, v->sel);
	mih_put_u8(w, v->code);
}

struct t_link_param {		/* LINK_PARAM */
	struct t_lpt type;
	bool is_qos;		/* value selector 1: QOS_PARAM_VAL */
	uint16_t val;		/* LINK_PARAM_VAL */
	uint8_t qos_sel;	/* QOS_PARAM_VAL selector */
	uint8_t num_cos;	/* qos_sel 0 */
	uint32_t n;		/* qos_sel 1..5 */
	struct {
		uint8_t cos;
		uint16_t val;
	} cos[TL_MAX];
};

static void t_get_link_param(struct mih_rd *r, struct t_link_param *v)
{
	t_get_lpt(r, &v->type);
	v->is_qos = mih_get_choice(r, 2, "LINK_PARAM value");
	if (!v->is_qos) {
		v->val = mih_get_u16(r);
		return;
	}
	v->qos_sel = mih_get_choice(r, 6, "QOS_PARAM_VAL");
	if (v->qos_sel == 0) {
		v->num_cos = mih_get_u8(r);
		return;
	}
	v->n = t_count(r, TL_MAX, "QOS_PARAM_VAL");
	for (uint32_t i = 0; i < v->n && !r->err; i++) {
		v->cos[i].cos = mih_get_u8(r);
		v->cos[i].val = mih_get_u16(r);
	}
}

static void t_put_link_param(struct mih_wr *w, const struct t_link_param *v)
{
	t_put_lpt(w, &v->type);
	mih_put_u8(w, v->is_qos);
	if (!v->is_qos) {
		mih_put_u16(w, v->val);
		return;
	}
	mih_put_u8(w, v->qos_sel);
	if (v->qos_sel == 0) {
		mih_put_u8(w, v->num_cos);
		return;
	}
	mih_put_len(w, v->n);
	for (uint32_t i = 0; i < v->n; i++) {
		mih_put_u8(w, v->cos[i].cos);
		mih_put_u16(w, v->cos[i].val);
	}
}

struct t_threshold {
	uint16_t val;
	uint8_t dir;		/* THRESHOLD_X_DIR 0..1 */
};

static void t_get_threshold(struct mih_rd *r, struct t_threshold *v)
{
	v->val = mih_get_u16(r);
	v->dir = mih_get_enum(r, 1, "THRESHOLD_X_DIR");
}

static void t_put_threshold(struct mih_wr *w, const struct t_threshold *v)
{
	mih_put_u16(w, v->val);
	mih_put_u8(w, v->dir);
}

struct t_param_rpt {		/* LINK_PARAM_RPT (element of TLV 23) */
	struct t_link_param p;
	bool has_th;
	struct t_threshold th;
};

static void t_get_param_rpt(struct mih_rd *r, struct t_param_rpt *v)
{
	t_get_link_param(r, &v->p);
	v->has_th = mih_get_choice(r, 2, "threshold");
	if (v->has_th)
		t_get_threshold(r, &v->th);
}

static void t_put_param_rpt(struct mih_wr *w, const struct t_param_rpt *v)
{
	t_put_link_param(w, &v->p);
	mih_put_u8(w, v->has_th);
	if (v->has_th)
		t_put_threshold(w, &v->th);
}

struct t_cfg_param {		/* LINK_CFG_PARAM (element of TLV 29) */
	struct t_lpt type;
	bool has_timer;
	uint16_t timer;
	uint8_t action;		/* TH_ACTION 0..2 */
	uint32_t n_th;
	struct t_threshold th[TL_MAX];
};

static void t_get_cfg_param(struct mih_rd *r, struct t_cfg_param *v)
{
	t_get_lpt(r, &v->type);
	v->has_timer = mih_get_choice(r, 2, "TIMER_INTERVAL");
	if (v->has_timer)
		v->timer = mih_get_u16(r);
	v->action = mih_get_enum(r, 2, "TH_ACTION");
	v->n_th = t_count(r, TL_MAX, "LIST(THRESHOLD)");
	for (uint32_t i = 0; i < v->n_th && !r->err; i++)
		t_get_threshold(r, &v->th[i]);
}

static void t_put_cfg_param(struct mih_wr *w, const struct t_cfg_param *v)
{
	t_put_lpt(w, &v->type);
	mih_put_u8(w, v->has_timer);
	if (v->has_timer)
		mih_put_u16(w, v->timer);
	mih_put_u8(w, v->action);
	mih_put_len(w, v->n_th);
	for (uint32_t i = 0; i < v->n_th; i++)
		t_put_threshold(w, &v->th[i]);
}

struct t_cfg_status {		/* LINK_CFG_STATUS (element of TLV 30) */
	struct t_lpt type;
	struct t_threshold th;
	bool ok;
};

static void t_get_cfg_status(struct mih_rd *r, struct t_cfg_status *v)
{
	t_get_lpt(r, &v->type);
	t_get_threshold(r, &v->th);
	v->ok = mih_get_bool(r, "CONFIG_STATUS");
}

static void t_put_cfg_status(struct mih_wr *w, const struct t_cfg_status *v)
{
	t_put_lpt(w, &v->type);
	t_put_threshold(w, &v->th);
	mih_put_bool(w, v->ok);
}

struct t_status_req {		/* LINK_STATUS_REQ (TLV 27) */
	uint16_t states;
	uint32_t n;
	struct t_lpt p[TL_MAX];
	uint16_t desc;
};

static void t_get_status_req(struct mih_rd *r, struct t_status_req *v)
{
	v->states = (uint16_t)mih_get_bitmap(r, 16);
	v->n = t_count(r, TL_MAX, "LIST(LINK_PARAM_TYPE)");
	for (uint32_t i = 0; i < v->n && !r->err; i++)
		t_get_lpt(r, &v->p[i]);
	v->desc = (uint16_t)mih_get_bitmap(r, 16);
}

static void t_put_status_req(struct mih_wr *w, const struct t_status_req *v)
{
	mih_put_bitmap(w, 16, v->states);
	mih_put_len(w, v->n);
	for (uint32_t i = 0; i < v->n; i++)
		t_put_lpt(w, &v->p[i]);
	mih_put_bitmap(w, 16, v->desc);
}

struct t_status_rsp {		/* LINK_ID + LINK_STATUS_RSP (TLV 28) */
	struct mih_link_id link;
	uint32_t n_states;
	struct {
		uint8_t sel;	/* 0 OP_MODE, 1 CHANNEL_ID */
		uint16_t val;
	} st[TL_MAX];
	uint32_t n_params;
	struct t_link_param par[TL_MAX];
	uint32_t n_desc;
	struct {
		uint8_t sel;	/* 0 NUM_COS, 1 NUM_QUEUE */
		uint8_t val;
	} desc[TL_MAX];
};

static void t_get_status_rsp(struct mih_rd *r, struct t_status_rsp *v)
{
	uint32_t i;

	mih_get_link_id(r, &v->link);
	v->n_states = t_count(r, TL_MAX, "LIST(LINK_STATES_RSP)");
	for (i = 0; i < v->n_states && !r->err; i++) {
		v->st[i].sel = mih_get_choice(r, 2, "LINK_STATES_RSP");
		v->st[i].val = v->st[i].sel ? mih_get_u16(r) :
			       mih_get_enum(r, 2, "OP_MODE");
	}
	v->n_params = t_count(r, TL_MAX, "LIST(LINK_PARAM)");
	for (i = 0; i < v->n_params && !r->err; i++)
		t_get_link_param(r, &v->par[i]);
	v->n_desc = t_count(r, TL_MAX, "LIST(LINK_DESC_RSP)");
	for (i = 0; i < v->n_desc && !r->err; i++) {
		v->desc[i].sel = mih_get_choice(r, 2, "LINK_DESC_RSP");
		v->desc[i].val = mih_get_u8(r);
	}
}

static void t_put_status_rsp(struct mih_wr *w, const struct t_status_rsp *v)
{
	uint32_t i;

	mih_put_link_id(w, &v->link);
	mih_put_len(w, v->n_states);
	for (i = 0; i < v->n_states; i++) {
		mih_put_u8(w, v->st[i].sel);
		if (v->st[i].sel)
			mih_put_u16(w, v->st[i].val);
		else
			mih_put_u8(w, (uint8_t)v->st[i].val);
	}
	mih_put_len(w, v->n_params);
	for (i = 0; i < v->n_params; i++)
		t_put_link_param(w, &v->par[i]);
	mih_put_len(w, v->n_desc);
	for (i = 0; i < v->n_desc; i++) {
		mih_put_u8(w, v->desc[i].sel);
		mih_put_u8(w, v->desc[i].val);
	}
}

struct t_dev_state {		/* DEV_STATES_RSP (element of TLV 26) */
	bool is_batt;
	struct mih_ostr info;	/* DEVICE_INFO */
	int8_t batt;		/* BATT_LEVEL */
};

static void t_get_dev_state(struct mih_rd *r, struct t_dev_state *v)
{
	v->is_batt = mih_get_choice(r, 2, "DEV_STATES_RSP");
	if (v->is_batt)
		v->batt = (int8_t)mih_get_u8(r);
	else
		mih_get_ostr(r, &v->info, 0, "DEVICE_INFO");
}

static void t_put_dev_state(struct mih_wr *w, const struct t_dev_state *v)
{
	mih_put_u8(w, v->is_batt);
	if (v->is_batt)
		mih_put_u8(w, (uint8_t)v->batt);
	else
		mih_put_ostr(w, &v->info, 0);
}

struct t_action_req {		/* LINK_ACTION_REQ (element of TLV 38) */
	struct mih_link_id link;
	bool has_poa;
	struct mih_link_addr poa;
	uint8_t type;		/* LINK_AC_TYPE 0..5 */
	uint8_t attr;		/* LINK_AC_ATTR BITMAP(8) */
	uint16_t ex_time;
};

static void t_get_action_req(struct mih_rd *r, struct t_action_req *v)
{
	mih_get_link_id(r, &v->link);
	v->has_poa = mih_get_choice(r, 2, "PoA");
	if (v->has_poa)
		mih_get_link_addr(r, &v->poa);
	v->type = mih_get_enum(r, 5, "LINK_AC_TYPE");
	v->attr = (uint8_t)mih_get_bitmap(r, 8);
	v->ex_time = mih_get_u16(r);
}

static void t_put_action_req(struct mih_wr *w, const struct t_action_req *v)
{
	mih_put_link_id(w, &v->link);
	mih_put_u8(w, v->has_poa);
	if (v->has_poa)
		mih_put_link_addr(w, &v->poa);
	mih_put_u8(w, v->type);
	mih_put_bitmap(w, 8, v->attr);
	mih_put_u16(w, v->ex_time);
}

struct t_action_rsp {		/* LINK_ACTION_RSP (element of TLV 39) */
	struct mih_link_id link;
	uint8_t result;		/* LINK_AC_RESULT 0..3 */
	bool has_scan;
	uint32_t n;
	struct {
		struct mih_link_addr addr;
		struct mih_ostr netid;
		struct mih_sig_strength sig;
	} scan[TL_MAX];
};

static void t_get_action_rsp(struct mih_rd *r, struct t_action_rsp *v)
{
	mih_get_link_id(r, &v->link);
	v->result = mih_get_enum(r, 3, "LINK_AC_RESULT");
	v->has_scan = mih_get_choice(r, 2, "scan results");
	if (!v->has_scan)
		return;
	v->n = t_count(r, TL_MAX, "LIST(LINK_SCAN_RSP)");
	for (uint32_t i = 0; i < v->n && !r->err; i++) {
		mih_get_link_addr(r, &v->scan[i].addr);
		mih_get_ostr(r, &v->scan[i].netid, MIH_NETWORK_ID_MAX,
			     "NETWORK_ID");
		mih_get_sig_strength(r, &v->scan[i].sig);
	}
}

static void t_put_action_rsp(struct mih_wr *w, const struct t_action_rsp *v)
{
	mih_put_link_id(w, &v->link);
	mih_put_u8(w, v->result);
	mih_put_u8(w, v->has_scan);
	if (!v->has_scan)
		return;
	mih_put_len(w, v->n);
	for (uint32_t i = 0; i < v->n; i++) {
		mih_put_link_addr(w, &v->scan[i].addr);
		mih_put_ostr(w, &v->scan[i].netid, MIH_NETWORK_ID_MAX);
		mih_put_sig_strength(w, &v->scan[i].sig);
	}
}

struct t_det_cfg {		/* LINK_DET_CFG */
	bool has_netid;
	struct mih_ostr netid;
	bool has_sig;
	struct mih_sig_strength sig;
	bool has_rate;
	uint32_t rate;
};

static void t_get_det_cfg(struct mih_rd *r, struct t_det_cfg *v)
{
	v->has_netid = mih_get_choice(r, 2, "NETWORK_ID");
	if (v->has_netid)
		mih_get_ostr(r, &v->netid, MIH_NETWORK_ID_MAX, "NETWORK_ID");
	v->has_sig = mih_get_choice(r, 2, "SIG_STRENGTH");
	if (v->has_sig)
		mih_get_sig_strength(r, &v->sig);
	v->has_rate = mih_get_choice(r, 2, "LINK_DATA_RATE");
	if (v->has_rate)
		v->rate = mih_get_u32(r);
}

static void t_put_det_cfg(struct mih_wr *w, const struct t_det_cfg *v)
{
	mih_put_u8(w, v->has_netid);
	if (v->has_netid)
		mih_put_ostr(w, &v->netid, MIH_NETWORK_ID_MAX);
	mih_put_u8(w, v->has_sig);
	if (v->has_sig)
		mih_put_sig_strength(w, &v->sig);
	mih_put_u8(w, v->has_rate);
	if (v->has_rate)
		mih_put_u32(w, v->rate);
}

struct t_evt_cfg {		/* EVT_CFG_INFO (element of TLV 54) */
	bool is_cfg;		/* selector 1: LIST(LINK_CFG_PARAM) */
	uint32_t n;
	struct t_det_cfg det[TL_MAX];
	struct t_cfg_param cfg[TL_MAX];
};

static void t_get_evt_cfg(struct mih_rd *r, struct t_evt_cfg *v)
{
	v->is_cfg = mih_get_choice(r, 2, "EVT_CFG_INFO");
	v->n = t_count(r, TL_MAX, "EVT_CFG_INFO list");
	for (uint32_t i = 0; i < v->n && !r->err; i++) {
		if (v->is_cfg)
			t_get_cfg_param(r, &v->cfg[i]);
		else
			t_get_det_cfg(r, &v->det[i]);
	}
}

static void t_put_evt_cfg(struct mih_wr *w, const struct t_evt_cfg *v)
{
	mih_put_u8(w, v->is_cfg);
	mih_put_len(w, v->n);
	for (uint32_t i = 0; i < v->n; i++) {
		if (v->is_cfg)
			t_put_cfg_param(w, &v->cfg[i]);
		else
			t_put_det_cfg(w, &v->det[i]);
	}
}

struct t_rdf {			/* IQ_RDF_DATA / IR_RDF_DATA (TLV 44, 49) */
	bool has_first;		/* schema URL / MIME type */
	struct mih_ostr first;
	struct mih_ostr data;
};

static void t_get_rdf(struct mih_rd *r, struct t_rdf *v)
{
	v->has_first = mih_get_choice(r, 2, "schema/MIME");
	if (v->has_first)
		mih_get_ostr(r, &v->first, 0, "schema/MIME");
	mih_get_ostr(r, &v->data, 0, "RDF data");
}

static void t_put_rdf(struct mih_wr *w, const struct t_rdf *v)
{
	mih_put_u8(w, v->has_first);
	if (v->has_first)
		mih_put_ostr(w, &v->first, 0);
	mih_put_ostr(w, &v->data, 0);
}

struct t_schm {			/* IR_RDF_SCHM (element of TLV 51) */
	struct mih_ostr url;
	struct mih_ostr schema;
};

static void t_get_schm(struct mih_rd *r, struct t_schm *v)
{
	mih_get_ostr(r, &v->url, 0, "schema URL");
	mih_get_ostr(r, &v->schema, 0, "schema");
}

static void t_put_schm(struct mih_wr *w, const struct t_schm *v)
{
	mih_put_ostr(w, &v->url, 0);
	mih_put_ostr(w, &v->schema, 0);
}

/* OCTET_STRING element (IQ_RDF_SCHM of TLV 46, IR_SCHM_URL of TLV 50) */
struct t_ostr {
	struct mih_ostr s;
};

static void t_get_ostr(struct mih_rd *r, struct t_ostr *v)
{
	mih_get_ostr(r, &v->s, 0, "OCTET_STRING");
}

static void t_put_ostr(struct mih_wr *w, const struct t_ostr *v)
{
	mih_put_ostr(w, &v->s, 0);
}

/* mih_get_fn / mih_put_fn adapters (no call through a mismatched type) */
#define T_ADAPT(x)							\
static int tg_##x(struct mih_rd *r, void *v)				\
{									\
	memset(v, 0, sizeof(struct t_##x));				\
	t_get_##x(r, v);						\
	return r->err;							\
}									\
static void tp_##x(struct mih_wr *w, const void *v)			\
{									\
	t_put_##x(w, v);						\
}
T_ADAPT(param_rpt)
T_ADAPT(dev_state)
T_ADAPT(status_req)
T_ADAPT(status_rsp)
T_ADAPT(cfg_param)
T_ADAPT(cfg_status)
T_ADAPT(action_req)
T_ADAPT(action_rsp)
T_ADAPT(evt_cfg)
T_ADAPT(rdf)
T_ADAPT(ostr)
T_ADAPT(schm)

#define L_GET(x)							\
static int lg_##x(struct mih_rd *r, void *v)				\
{									\
	return mih_get_##x(r, v);					\
}
#define L_ADAPT(x)							\
L_GET(x)								\
static void lp_##x(struct mih_wr *w, const void *v)			\
{									\
	mih_put_##x(w, v);						\
}
L_GET(status)
L_GET(reg_request_code)
L_GET(link_dn_reason)
L_GET(link_gd_reason)
L_GET(ho_status)
L_GET(ho_result)
L_ADAPT(link_tuple_id)
L_ADAPT(link_addr)
L_ADAPT(link_id)
L_ADAPT(qos_list)
L_ADAPT(tgt_net_info)
L_ADAPT(res_set)
L_ADAPT(req_res_set)
L_ADAPT(net_type_addr)
L_ADAPT(mbb_ho_supp)
L_ADAPT(link_poa_list)
L_ADAPT(rq_result)
L_ADAPT(link_det_info)
L_ADAPT(iq_bin_data)

/* The typed builders of mihmsgdef.h, one shape */
typedef void (*typed_build_fn)(struct mih_builder *b, uint8_t type,
			       const void *v, size_t n);

static void b_tuple(struct mih_builder *b, uint8_t t, const void *v, size_t n)
{
	mih_build_link_tuple_id(b, t, v);
}

static void b_link_addr(struct mih_builder *b, uint8_t t, const void *v,
			size_t n)
{
	mih_build_link_addr(b, t, v);
}

static void b_link_id(struct mih_builder *b, uint8_t t, const void *v,
		      size_t n)
{
	mih_build_link_id(b, t, v);
}

static void b_qos(struct mih_builder *b, uint8_t t, const void *v, size_t n)
{
	if (t != MIH_TLV_HO_RESOURCE_QUERY_LIST)
		b->err = MIH_E_INVAL;
	mih_build_qos_list(b, v);
}

static void b_tgt(struct mih_builder *b, uint8_t t, const void *v, size_t n)
{
	if (t != MIH_TLV_TGT_NET_INFO)
		b->err = MIH_E_INVAL;
	mih_build_tgt_net_info(b, v);
}

static void b_res_set(struct mih_builder *b, uint8_t t, const void *v,
		      size_t n)
{
	mih_build_res_set(b, t, v);
}

static void b_nta_list(struct mih_builder *b, uint8_t t, const void *v,
		       size_t n)
{
	if (t != MIH_TLV_LINK_ADDR_LIST)
		b->err = MIH_E_INVAL;
	mih_build_link_addr_list(b, v, n);
}

static void b_lid_list(struct mih_builder *b, uint8_t t, const void *v,
		       size_t n)
{
	if (t != MIH_TLV_LINK_ID_LIST)
		b->err = MIH_E_INVAL;
	mih_build_link_id_list(b, v, n);
}

static void b_det_list(struct mih_builder *b, uint8_t t, const void *v,
		       size_t n)
{
	if (t != MIH_TLV_LINK_DET_INFO_LIST)
		b->err = MIH_E_INVAL;
	mih_build_link_det_info_list(b, v, n);
}

static void b_poa_list(struct mih_builder *b, uint8_t t, const void *v,
		       size_t n)
{
	if (t != MIH_TLV_LINK_POA_LIST_LIST)
		b->err = MIH_E_INVAL;
	mih_build_link_poa_list_list(b, v, n);
}

static void b_pref_list(struct mih_builder *b, uint8_t t, const void *v,
			size_t n)
{
	if (t != MIH_TLV_PREF_LINK_LIST)
		b->err = MIH_E_INVAL;
	mih_build_pref_link_list(b, v, n);
}

enum typed_kind {
	TK_U8,		/* mih_msg_get_u8 / mih_build_u8 */
	TK_ENUM,	/* u8 through the range-checked mih_get_<enum> too */
	TK_U16,
	TK_U32,
	TK_BOOL,
	TK_BITMAP,	/* mih_msg_get_bitmap / mih_build_bitmap */
	TK_MIHF_ID,
	TK_VALUE,	/* one value: get / build (or mih_build_value + put) */
	TK_LIST,	/* LIST(X): count + element get / build or
			 * mih_build_list + element put */
	TK_IR_BIN,	/* LIST(IR_BIN_DATA): IE iterator + mih_ie_wr */
};

struct typed_tlv {
	uint8_t type;
	uint8_t kind;		/* enum typed_kind */
	bool local;		/* test-local codec (the library has none) */
	mih_get_fn get;
	mih_put_fn put;
	size_t size;		/* of the value / of one element */
	typed_build_fn build;	/* typed builder of mihmsgdef.h, or NULL */
};

#define S(k, t)		.type = (t), .kind = (k)
#define LIBV(g, st, b)	.get = lg_##g, .put = lp_##g, .size = sizeof(st), \
			.build = (b)
#define LOC(g)		.local = true, .get = tg_##g, .put = tp_##g,	\
			.size = sizeof(struct t_##g)

static const struct typed_tlv typed_tlvs[] = {
	{ S(TK_ENUM, 3), .get = lg_status },
	{ S(TK_BITMAP, 5) }, { S(TK_BITMAP, 6) }, { S(TK_BITMAP, 7) },
	{ S(TK_BITMAP, 8) },
	{ S(TK_LIST, 9), LIBV(net_type_addr, struct mih_net_type_addr,
			      b_nta_list) },
	{ S(TK_LIST, 10), LIBV(mbb_ho_supp, struct mih_mbb_ho_supp, NULL) },
	{ S(TK_ENUM, 11), .get = lg_reg_request_code },
	{ S(TK_U32, 12) },
	{ S(TK_VALUE, 13), LIBV(link_tuple_id, struct mih_link_tuple_id,
				b_tuple) },
	{ S(TK_VALUE, 14), LIBV(link_tuple_id, struct mih_link_tuple_id,
				b_tuple) },
	{ S(TK_VALUE, 15), LIBV(link_addr, struct mih_link_addr,
				b_link_addr) },
	{ S(TK_VALUE, 16), LIBV(link_addr, struct mih_link_addr,
				b_link_addr) },
	{ S(TK_BOOL, 17) },
	{ S(TK_BITMAP, 18) },
	{ S(TK_ENUM, 20), .get = lg_link_dn_reason },
	{ S(TK_U16, 21) },
	{ S(TK_ENUM, 22), .get = lg_link_gd_reason },
	{ S(TK_LIST, 23), LOC(param_rpt) },
	{ S(TK_BITMAP, 24) },
	{ S(TK_LIST, 25), LIBV(link_id, struct mih_link_id, b_lid_list) },
	{ S(TK_LIST, 26), LOC(dev_state) },
	{ S(TK_VALUE, 27), LOC(status_req) },
	{ S(TK_LIST, 28), LOC(status_rsp) },
	{ S(TK_LIST, 29), LOC(cfg_param) },
	{ S(TK_LIST, 30), LOC(cfg_status) },
	{ S(TK_LIST, 31), LIBV(link_poa_list, struct mih_link_poa_list,
			       b_poa_list) },
	{ S(TK_LIST, 32), LIBV(rq_result, struct mih_rq_result,
			       b_pref_list) },
	{ S(TK_VALUE, 33), LIBV(qos_list, struct mih_qos_list, b_qos) },
	{ S(TK_ENUM, 34), .get = lg_ho_status },
	{ S(TK_LIST, 38), LOC(action_req) },
	{ S(TK_LIST, 39), LOC(action_rsp) },
	{ S(TK_ENUM, 40), .get = lg_ho_result },
	{ S(TK_BOOL, 41) }, { S(TK_BOOL, 42) },
	{ S(TK_LIST, 43), LIBV(iq_bin_data, struct mih_iq_bin_data, NULL) },
	{ S(TK_LIST, 44), LOC(rdf) },
	{ S(TK_BOOL, 45) },
	{ S(TK_LIST, 46), LOC(ostr) },
	{ S(TK_U16, 47) },
	{ S(TK_IR_BIN, 48) },
	{ S(TK_LIST, 49), LOC(rdf) },
	{ S(TK_LIST, 50), LOC(ostr) },
	{ S(TK_LIST, 51), LOC(schm) },
	{ S(TK_MIHF_ID, 52) },
	{ S(TK_LIST, 54), LOC(evt_cfg) },
	{ S(TK_VALUE, 55), LIBV(tgt_net_info, struct mih_tgt_net_info,
				b_tgt) },
	{ S(TK_LIST, 56), LIBV(tgt_net_info, struct mih_tgt_net_info, NULL) },
	{ S(TK_VALUE, 57), LIBV(res_set, struct mih_res_set, b_res_set) },
	{ S(TK_LIST, 58), LIBV(link_det_info, struct mih_link_det_info,
			       b_det_list) },
	{ S(TK_VALUE, 59), LIBV(link_id, struct mih_link_id, b_link_id) },
	{ S(TK_BOOL, 61) },
	{ S(TK_VALUE, 63), LIBV(req_res_set, struct mih_res_set,
				b_res_set) },
};

#define N_TYPED	(sizeof(typed_tlvs) / sizeof(typed_tlvs[0]))

static const struct typed_tlv *typed_lookup(uint8_t type)
{
	for (size_t i = 0; i < N_TYPED; i++)
		if (typed_tlvs[i].type == type)
			return &typed_tlvs[i];
	return NULL;
}

/* TLV 48: LIST(IR_BIN_DATA = LIST(IE)) as a sequence of writer events */
enum { IR_LIST_BEGIN, IR_LIST_END, IR_IE, IR_CONT_BEGIN, IR_CONT_END };

#define IR_EV_MAX	64

struct ir_bin {
	unsigned int n;
	struct {
		uint8_t op;
		struct mih_ie_val val;	/* IR_IE; IR_CONT_BEGIN: type */
	} ev[IR_EV_MAX];
};

static int ir_push(struct ir_bin *t, struct mih_rd *r, uint8_t op,
		   const struct mih_ie_val *v)
{
	if (t->n == IR_EV_MAX)
		return mih_rd_fail(r, MIH_E_TOO_MANY, "IR_BIN_DATA: more "
				   "than %d IEs/lists", IR_EV_MAX);
	t->ev[t->n].op = op;
	if (v)
		t->ev[t->n].val = *v;
	t->n++;
	return 0;
}

/* The IEs of it (a LIST(IE) or a container), each decoded to its type */
static int ir_walk(struct ir_bin *t, struct mih_ie_iter *it, struct mih_rd *r,
		   unsigned int depth)
{
	struct mih_ie_val val;
	struct mih_ie_iter in;
	struct mih_rd rc, sub;
	struct mih_ie ie;
	int k;

	while ((k = mih_ie_next_raw(it, &ie)) > 0) {
		memset(&val, 0, sizeof(val));
		val.type = ie.type;
		if (mih_ie_is_container(ie.type)) {
			if (depth >= MIH_IE_DEPTH_MAX)
				return mih_rd_fail(r, MIH_E_DEPTH, "too deep");
			if (ir_push(t, r, IR_CONT_BEGIN, &val))
				return r->err;
			if (mih_ie_iter_container(&in, &rc, &ie) ||
			    ir_walk(t, &in, &rc, depth + 1) ||
			    mih_rd_end(&rc))
				return mih_rd_fail(r, rc.err ?: MIH_E_INVAL,
						   "container 0x%08x: %s",
						   ie.type, rc.why);
			if (ir_push(t, r, IR_CONT_END, NULL))
				return r->err;
			continue;
		}
		if (mih_ie_value_decode(ie.type, ie.value, ie.len, &val, &sub))
			return mih_rd_fail(r, sub.err ?: MIH_E_INVAL, "IE "
					   "0x%08x has no typed decoder or is "
					   "invalid: %s", ie.type, sub.why);
		if (ir_push(t, r, IR_IE, &val))
			return r->err;
	}
	return k;
}

static int ir_decode(struct mih_rd *r, struct ir_bin *t)
{
	struct mih_ie_iter it;
	uint32_t n = mih_get_list_count(r, 1);

	if (r->err || ir_push(t, r, IR_LIST_BEGIN, NULL))
		return r->err;
	for (uint32_t i = 0; i < n && !r->err; i++) {
		if (mih_ie_iter_list(&it, r) ||
		    ir_push(t, r, IR_LIST_BEGIN, NULL) ||
		    ir_walk(t, &it, r, 0) ||
		    ir_push(t, r, IR_LIST_END, NULL))
			return r->err ?: MIH_E_INVAL;
	}
	ir_push(t, r, IR_LIST_END, NULL);
	return mih_rd_end(r);
}

static void ir_build(struct mih_builder *b, uint8_t type,
		     const struct ir_bin *t)
{
	static uint8_t buf[4096];
	struct mih_ie_wr iw;
	size_t len;

	mih_ie_wr_init(&iw, buf, sizeof(buf));
	for (unsigned int i = 0; i < t->n; i++) {
		switch (t->ev[i].op) {
		case IR_LIST_BEGIN:
			mih_ie_list_begin(&iw);
			break;
		case IR_LIST_END:
			mih_ie_list_end(&iw);
			break;
		case IR_IE:
			mih_ie_put(&iw, &t->ev[i].val);
			break;
		case IR_CONT_BEGIN:
			mih_ie_begin(&iw, t->ev[i].val.type);
			break;
		case IR_CONT_END:
			mih_ie_end(&iw);
			break;
		}
	}
	if (mih_ie_wr_finish(&iw, &len))
		b->err = MIH_E_INVAL;
	else
		mih_build_tlv(b, type, buf, (uint32_t)len);
}

/* One TLV decoded to C values */
struct typed_val {
	const struct typed_tlv *t;
	uint8_t type;
	uint64_t num;		/* U8/ENUM/U16/U32/BOOL/BITMAP */
	struct mih_ostr id;	/* MIHF ID */
	uint32_t n;		/* LIST elements */
	void *v;		/* VALUE: one, LIST: n of t->size, IR_BIN */
};

/*
 * Decode TLV tlv of m with its typed decoder.  0, or an error with a
 * sentence in why.
 */
static int typed_decode(const struct mih_msg *m, const struct mih_tlv *tlv,
			struct typed_val *d, char *why, size_t why_len)
{
	const struct typed_tlv *t = typed_lookup(tlv->type);
	uint8_t u8 = 0, e8 = 0;
	uint16_t u16 = 0;
	uint32_t u32 = 0;
	bool bv = false;
	struct mih_rd r;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	d->type = tlv->type;
	d->t = t;
	why[0] = '\0';
	if (!t) {
		snprintf(why, why_len, "TLV %u (%s) has no typed decoder",
			 tlv->type, mih_tlv_name(tlv->type));
		return MIH_E_INVAL;
	}
	switch (t->kind) {
	case TK_U8:
		rc = mih_msg_get_u8(m, tlv->type, &u8);
		d->num = u8;
		break;
	case TK_ENUM:
		rc = mih_msg_get_u8(m, tlv->type, &u8);
		if (rc == 1 &&
		    (mih_msg_get_value(m, tlv->type, t->get, &e8) != 1 ||
		     e8 != u8)) {
			snprintf(why, why_len, "TLV %u: enum getter disagrees "
				 "(%u vs %u)", tlv->type, e8, u8);
			return MIH_E_BAD_ENUM;
		}
		d->num = e8;
		break;
	case TK_U16:
		rc = mih_msg_get_u16(m, tlv->type, &u16);
		d->num = u16;
		break;
	case TK_U32:
		rc = mih_msg_get_u32(m, tlv->type, &u32);
		d->num = u32;
		break;
	case TK_BOOL:
		rc = mih_msg_get_bool(m, tlv->type, &bv);
		d->num = bv;
		break;
	case TK_BITMAP:
		rc = mih_msg_get_bitmap(m, tlv->type, &d->num);
		break;
	case TK_MIHF_ID:
		rc = mih_msg_get_mihf_id(m, tlv->type, &d->id);
		break;
	case TK_VALUE:
		d->v = calloc(1, t->size);
		rc = mih_msg_get_value(m, tlv->type, t->get, d->v);
		break;
	case TK_LIST:
		rc = mih_msg_get_list(m, tlv->type, &r, &d->n);
		if (rc != 1)
			break;
		d->v = calloc(d->n ? d->n : 1, t->size);
		for (uint32_t i = 0; i < d->n && !r.err; i++)
			t->get(&r, (uint8_t *)d->v + i * t->size);
		if (mih_rd_end(&r)) {
			snprintf(why, why_len, "TLV %u element: %s",
				 tlv->type, r.why);
			return r.err;
		}
		break;
	case TK_IR_BIN:
		d->v = calloc(1, sizeof(struct ir_bin));
		mih_rd_init_tlv(&r, tlv);
		if (ir_decode(&r, d->v)) {
			snprintf(why, why_len, "TLV %u: %s", tlv->type, r.why);
			return r.err ?: MIH_E_INVAL;
		}
		rc = 1;
		break;
	}
	if (rc != 1) {
		snprintf(why, why_len, "TLV %u: typed getter returned %d",
			 tlv->type, rc);
		return rc < 0 ? rc : MIH_E_INVAL;
	}
	return 0;
}

/* Re-encode a decoded TLV with the typed builders */
static void typed_build(struct mih_builder *b, const struct typed_val *d)
{
	const struct typed_tlv *t = d->t;

	switch (t->kind) {
	case TK_U8:
	case TK_ENUM:
		if (d->type == MIH_TLV_STATUS)
			mih_build_status(b, (uint8_t)d->num);
		else
			mih_build_u8(b, d->type, (uint8_t)d->num);
		break;
	case TK_U16:
		mih_build_u16(b, d->type, (uint16_t)d->num);
		break;
	case TK_U32:
		mih_build_u32(b, d->type, (uint32_t)d->num);
		break;
	case TK_BOOL:
		mih_build_bool(b, d->type, d->num != 0);
		break;
	case TK_BITMAP:
		if (d->type == MIH_TLV_EVT_LIST)
			mih_build_evt_list(b, (uint32_t)d->num);
		else
			mih_build_bitmap(b, d->type, d->num);
		break;
	case TK_MIHF_ID:
		mih_build_mihf_id(b, d->type, d->id.p, d->id.len);
		break;
	case TK_VALUE:
		if (t->build)
			t->build(b, d->type, d->v, 1);
		else
			mih_build_value(b, d->type, t->put, d->v);
		break;
	case TK_LIST:
		if (t->build)
			t->build(b, d->type, d->v, d->n);
		else
			mih_build_list(b, d->type, t->put, d->v, t->size,
				       d->n);
		break;
	case TK_IR_BIN:
		ir_build(b, d->type, d->v);
		break;
	}
}

/* Types seen by typed_round_trip() (all calls) */
static bool typed_seen[256];

/*
 * Parse pdu, decode every TLV with its typed decoder, rebuild the message
 * from the decoded values with the typed builders and compare.  tamper
 * (test of the test): change one decoded value first, expect a mismatch.
 * Returns the number of TLVs decoded.
 */
static unsigned int typed_round_trip(struct __test_metadata *_metadata,
				     const char *what, const uint8_t *pdu,
				     size_t len, bool tamper)
{
	struct typed_val d[MIH_MSG_TLV_MAX];
	const struct mih_hdr *h;
	uint8_t out[4096], *copy;
	struct mih_builder b;
	struct mih_msg_err e;
	struct mih_msg m;
	char why[200];
	size_t olen = 0;
	unsigned int i, nd = 0;
	int r;

	r = parse_copy(pdu, len, &m, &e, &copy);
	if (r)
		TH_LOG("%s: %s", what, e.text);
	EXPECT_EQ(0, r);
	if (r) {
		free(copy);
		return 0;
	}
	for (i = 0; i < m.n_tlvs; i++, nd++) {
		r = typed_decode(&m, &m.tlvs[i], &d[i], why, sizeof(why));
		if (r)
			TH_LOG("%s: %s", what, why);
		EXPECT_EQ(0, r);
		if (r)
			goto out;
		typed_seen[d[i].type] = true;
	}
	if (tamper && !nd)
		goto out;	/* nothing to change */
	if (tamper) {
		/* the first TLV: its number, the first octet of its value or
		 * of its first element, or its MIHF ID length */
		if (d[0].v)
			((uint8_t *)d[0].v)[0] ^= 0x01;
		else if (d[0].t->kind == TK_MIHF_ID)
			d[0].id.len ^= 0x01;
		else
			d[0].num ^= 0x01;
	}
	h = &m.pdu.hdr;
	mih_builder_init(&b, out, sizeof(out));
	mih_msg_begin(&b, mih_msg_mid(&m), h->tid,
		      (h->ack_req ? MIH_MSGF_ACK_REQ : 0) |
		      (h->ack_rsp ? MIH_MSGF_ACK_RSP : 0) |
		      (h->uir ? MIH_MSGF_UIR : 0),
		      m.pdu.src_id, m.pdu.src_id_len, m.pdu.dst_id,
		      m.pdu.dst_id_len);
	for (i = 0; i < nd; i++)
		typed_build(&b, &d[i]);
	r = mih_msg_finish(&b, &olen);
	if (tamper) {
		if (!r && olen == len && !memcmp(out, pdu, len))
			TH_LOG("%s: TLV %u changed, same octets", what,
			       d[0].type);
		EXPECT_TRUE(r || olen != len || memcmp(out, pdu, len));
		goto out;
	}
	if (r)
		TH_LOG("%s: typed re-encoding failed: %d", what, r);
	ASSERT_EQ(0, r);
	if (olen != len || memcmp(out, pdu, len)) {
		size_t k = 0;

		while (k < len && k < olen && out[k] == pdu[k])
			k++;
		TH_LOG("%s: typed re-encoding differs at octet %zu of %zu "
		       "(got %zu octets): want 0x%02x got 0x%02x", what, k,
		       len, olen, k < len ? pdu[k] : 0, k < olen ? out[k] : 0);
		for (i = 0; i < nd; i++) {
			size_t end = (size_t)(m.tlvs[i].value - copy) +
				     m.tlvs[i].len;

			if (k < end) {
				TH_LOG("%s: in TLV %u (%s)", what,
				       m.tlvs[i].type,
				       mih_tlv_name(m.tlvs[i].type));
				break;
			}
		}
	}
	EXPECT_EQ(len, olen);
	EXPECT_EQ(0, memcmp(out, pdu, len < olen ? len : olen));
out:
	for (i = 0; i < nd; i++)
		free(d[i].v);
	free(copy);
	return nd;
}

/* The TLV types used by the message definitions */
static void schema_types(bool used[256])
{
	size_t n;
	const struct mih_msgdef *t = mih_msgdef_table(&n);

	memset(used, 0, 256 * sizeof(bool));
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < t[i].n_tlvs; k++)
			used[t[i].tlvs[k].type] = true;
}

TEST(typed_table_covers_every_tlv_type)
{
	bool used[256];
	char missing[512] = "", local[512] = "";
	unsigned int n_used = 0, n_missing = 0, n_local = 0;

	schema_types(used);
	for (unsigned int ty = 0; ty < 256; ty++) {
		const struct typed_tlv *t = typed_lookup((uint8_t)ty);

		if (!used[ty])
			continue;
		n_used++;
		if (!t) {
			n_missing++;
			snprintf(missing + strlen(missing),
				 sizeof(missing) - strlen(missing), " %u(%s)",
				 ty, mih_tlv_name((uint8_t)ty));
		} else if (t->local) {
			n_local++;
			snprintf(local + strlen(local),
				 sizeof(local) - strlen(local), " %u", ty);
		}
	}
	if (n_missing)
		TH_LOG("TLV types with no typed decoder:%s", missing);
	EXPECT_EQ(0U, n_missing);
	TH_LOG("%u TLV types in the schemas, %u with test-local typed "
	       "codecs (no C type in lib/):%s", n_used, n_local, local);
	/* and no entry for a type no schema uses (it would go untested) */
	for (size_t i = 0; i < N_TYPED; i++) {
		if (!used[typed_tlvs[i].type])
			TH_LOG("typed entry %u is in no schema",
			       typed_tlvs[i].type);
		EXPECT_TRUE(used[typed_tlvs[i].type]);
		for (size_t k = 0; k < i; k++)
			EXPECT_NE(typed_tlvs[k].type, typed_tlvs[i].type);
	}
}

TEST(every_message_typed_round_trip)
{
	size_t n;
	const struct mih_msgdef *t = mih_msgdef_table(&n);
	uint8_t buf[2048], types[MIH_MSGDEF_TLV_MAX];
	unsigned int nt, variants = 0, tlvs = 0, seen = 0;
	bool used[256];
	char what[128];
	size_t len;

	memset(typed_seen, 0, sizeof(typed_seen));
	for (int rich = 0; rich <= 1; rich++) {
		rich_samples = rich;
		for (size_t i = 0; i < n; i++) {
			unsigned int g = group_size_max(&t[i]);

			for (unsigned int alt = 0; alt < g; alt++)
				for (int opt = 1; opt >= 0; opt--) {
					ASSERT_EQ(0, build_msg(&t[i], opt, alt,
							       buf, sizeof(buf),
							       &len, types,
							       &nt));
					snprintf(what, sizeof(what), "%s (opt "
						 "%d alt %u rich %d)",
						 t[i].name, opt, alt, rich);
					tlvs += typed_round_trip(_metadata,
								 what, buf, len,
								 false);
					variants++;
				}
		}
	}
	rich_samples = false;
	/* every TLV type of every schema went through its typed codec */
	schema_types(used);
	for (unsigned int ty = 0; ty < 256; ty++) {
		if (!used[ty])
			continue;
		if (!typed_seen[ty])
			TH_LOG("TLV type %u never decoded", ty);
		EXPECT_TRUE(typed_seen[ty]);
		seen += typed_seen[ty];
	}
	TH_LOG("%zu definitions, %u messages (plain and rich samples), %u "
	       "TLVs decoded and re-encoded typed, %u TLV types", n,
	       variants, tlvs, seen);
	EXPECT_GE(variants, 4 * n);
}

TEST(typed_round_trip_wire_examples)
{
	EXPECT_EQ(1U, typed_round_trip(_metadata, "WIRE.md 12 request",
				       capdisc_req, sizeof(capdisc_req),
				       false));
	EXPECT_EQ(3U, typed_round_trip(_metadata, "WIRE.md 12 response",
				       capdisc_rsp, sizeof(capdisc_rsp),
				       false));
}

/* The comparison can fail: one changed decoded value is a mismatch */
TEST(typed_round_trip_detects_a_changed_value)
{
	size_t n;
	const struct mih_msgdef *t = mih_msgdef_table(&n);
	uint8_t buf[2048], types[MIH_MSGDEF_TLV_MAX];
	unsigned int nt;
	size_t len;

	for (size_t i = 0; i < n; i++) {
		ASSERT_EQ(0, build_msg(&t[i], true, 0, buf, sizeof(buf), &len,
				       types, &nt));
		typed_round_trip(_metadata, t[i].name, buf, len, true);
	}
	typed_round_trip(_metadata, "capdisc_rsp", capdisc_rsp,
			 sizeof(capdisc_rsp), true);
}

TEST_HARNESS_MAIN

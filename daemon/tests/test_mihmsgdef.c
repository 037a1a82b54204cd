// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the message schemas and the strict message parser
 * (lib/mihmsgdef.c): every message of the table built with all optional
 * TLVs and with only the mandatory ones, parsed back and re-encoded; a
 * table of malformed PDUs each rejected with its own code; the WIRE.md 12
 * worked examples decoded and re-encoded byte for byte with the typed
 * builders; skipped experimental/vendor/reserved TLVs; pure ACKs; 20,000
 * deterministic random mutations parsed without a crash (ASan/UBSan).
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

TEST_HARNESS_MAIN

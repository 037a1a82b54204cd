// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the 802.21 data types (lib/mihtype.c): reader/writer
 * primitives, BITMAP bit order (WIRE.md 6, LAB example 00 00 00 06),
 * every composite type round trip (and every truncation rejected), the
 * malformed cases each with its own code, per-TLV validation, formatting.
 */
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"

#include "lib/mihtype.h"

/* A heap copy of exactly len octets, so ASan catches any over-read */
static uint8_t *dup_exact(const void *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (d && len)
		memcpy(d, p, len);
	return d;
}

static const uint8_t mac1[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t mac2[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

/* Decode enc with get into a scratch struct; returns the error */
static int decode_exact(mih_get_fn get, const uint8_t *enc, size_t len,
			void *out, struct mih_rd *rd)
{
	uint8_t *d = dup_exact(enc, len);
	int r;

	mih_rd_init(rd, d, len);
	get(rd, out);
	r = mih_rd_end(rd);
	free(d);
	return r;
}

/*
 * Encode v, decode it, re-encode the decoded value: same octets; every
 * truncation fails.  Returns the encoded length (or -1).
 */
static int round_trip(struct __test_metadata *_metadata, mih_put_fn put,
		      mih_get_fn get, const void *v, size_t struct_size,
		      uint8_t *enc, size_t enc_size)
{
	uint8_t *out = calloc(1, struct_size), again[2048];
	struct mih_wr w;
	struct mih_rd rd;
	uint8_t *d;
	size_t len, cut;

	mih_wr_init(&w, NULL, 0);
	put(&w, v);
	EXPECT_EQ(0, w.err);
	len = w.pos;
	mih_wr_init(&w, enc, enc_size);
	put(&w, v);
	EXPECT_EQ(0, w.err);
	EXPECT_EQ(len, w.pos);
	/* decode from an exact heap copy; pointers stay valid while d lives */
	d = dup_exact(enc, len);
	mih_rd_init(&rd, d, len);
	EXPECT_EQ(0, get(&rd, out));
	EXPECT_EQ(0, mih_rd_end(&rd));
	mih_wr_init(&w, again, sizeof(again));
	put(&w, out);
	EXPECT_EQ(0, w.err);
	EXPECT_EQ(len, w.pos);
	EXPECT_EQ(0, memcmp(enc, again, len));
	free(d);
	for (cut = 0; cut < len; cut++) {
		d = dup_exact(enc, cut);
		mih_rd_init(&rd, d, cut);
		get(&rd, out);
		EXPECT_NE(0, rd.err);
		free(d);
	}
	/* one octet too many: trailing */
	d = dup_exact(enc, len + 1);
	d[len] = 0;
	mih_rd_init(&rd, d, len + 1);
	get(&rd, out);
	EXPECT_EQ(MIH_E_TRAILING, mih_rd_end(&rd));
	free(d);
	free(out);
	return (int)len;
}

#define RT(put, get, v, enc) \
	round_trip(_metadata, (mih_put_fn)(put), (mih_get_fn)(get), (v), \
		   sizeof(*(v)), (enc), sizeof(enc))

/* ---- primitives ---- */

TEST(rd_primitives)
{
	static const uint8_t in[] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
		0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	};
	uint8_t *d = dup_exact(in, sizeof(in));
	struct mih_rd r;

	mih_rd_init(&r, d, sizeof(in));
	EXPECT_EQ(0x01, mih_get_u8(&r));
	EXPECT_EQ(0x0203, mih_get_u16(&r));
	EXPECT_EQ(0x04050607U, mih_get_u32(&r));
	EXPECT_EQ(0x08090a0b0c0d0e0fULL, mih_get_u64(&r));
	EXPECT_EQ(0, mih_rd_end(&r));
	/* past the end: sticky truncation, value 0 */
	EXPECT_EQ(0, mih_get_u8(&r));
	EXPECT_EQ(MIH_E_TRUNCATED, r.err);
	EXPECT_EQ(sizeof(in), r.err_pos);
	EXPECT_EQ(0, mih_get_u8(&r));
	EXPECT_EQ(MIH_E_TRUNCATED, mih_rd_end(&r));
	free(d);
}

TEST(rd_bool_enum_choice)
{
	static const uint8_t in[] = { 0, 1, 2, 5, 6, 1, 2 };
	struct mih_rd r;

	mih_rd_init(&r, in, sizeof(in));
	EXPECT_EQ(false, mih_get_bool(&r, "x"));
	EXPECT_EQ(true, mih_get_bool(&r, "x"));
	EXPECT_EQ(false, mih_get_bool(&r, "flag"));
	EXPECT_EQ(MIH_E_BAD_BOOL, r.err);
	EXPECT_EQ(2U, r.err_pos);
	EXPECT_NE(NULL, strstr(r.why, "flag"));

	mih_rd_init(&r, in + 3, 2);
	EXPECT_EQ(5, mih_get_enum(&r, 5, "STATUS"));
	mih_get_enum(&r, 5, "STATUS");
	EXPECT_EQ(MIH_E_BAD_ENUM, r.err);
	EXPECT_STREQ("STATUS value 6 out of range (0..5)", r.why);

	mih_rd_init(&r, in + 5, 2);
	EXPECT_EQ(1, mih_get_choice(&r, 2, "C"));
	mih_get_choice(&r, 2, "C");
	EXPECT_EQ(MIH_E_BAD_CHOICE, r.err);
	EXPECT_STREQ("C selector 2 out of range", r.why);
}

TEST(rd_lengths)
{
	static const uint8_t nonmin[] = { 0x81, 0x00 };
	static const uint8_t overlong[] = { 0x85, 1, 1, 1, 1, 1 };
	static const uint8_t count_big[] = { 0x05, 0x00, 0x00 };
	static const uint8_t ostr_over[] = { 0x04, 'a', 'b' };
	static const uint8_t ostr_ok[] = { 0x02, 'a', 'b' };
	struct mih_ostr s;
	struct mih_rd r;

	mih_rd_init(&r, nonmin, sizeof(nonmin));
	mih_get_len(&r);
	EXPECT_EQ(MIH_E_LEN_NONMINIMAL, r.err);
	mih_rd_init(&r, overlong, sizeof(overlong));
	mih_get_len(&r);
	EXPECT_EQ(MIH_E_LEN_OVERLONG, r.err);
	mih_rd_init(&r, count_big, sizeof(count_big));
	mih_get_list_count(&r, 1);
	EXPECT_EQ(MIH_E_OVERRUN, r.err);
	mih_rd_init(&r, ostr_over, sizeof(ostr_over));
	mih_get_ostr(&r, &s, 0, "S");
	EXPECT_EQ(MIH_E_OVERRUN, r.err);
	mih_rd_init(&r, ostr_ok, sizeof(ostr_ok));
	mih_get_ostr(&r, &s, 1, "S");
	EXPECT_EQ(MIH_E_BAD_VALUE, r.err);
	mih_rd_init(&r, ostr_ok, sizeof(ostr_ok));
	mih_get_ostr(&r, &s, 2, "S");
	EXPECT_EQ(0, mih_rd_end(&r));
	EXPECT_EQ(2U, s.len);
	EXPECT_EQ(0, memcmp(s.p, "ab", 2));
}

TEST(wr_nospace_and_measure)
{
	uint8_t buf[3];
	struct mih_wr w;

	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_u16(&w, 0x0102);
	mih_put_u16(&w, 0x0304);
	EXPECT_EQ(MIH_E_NOSPACE, w.err);
	mih_put_u8(&w, 1);		/* sticky */
	EXPECT_EQ(MIH_E_NOSPACE, w.err);
	EXPECT_EQ(2U, w.pos);

	mih_wr_init(&w, NULL, 0);
	mih_put_u64(&w, 1);
	mih_put_ostr_raw(&w, buf, 3);
	mih_put_len(&w, 300);
	EXPECT_EQ(0, w.err);
	EXPECT_EQ(8U + 4 + 2, w.pos);

	/* bitmap wider than its field */
	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_bitmap(&w, 16, 0x10000);
	EXPECT_EQ(MIH_E_RANGE, w.err);
}

/* ---- BITMAP bit order (WIRE.md 6 and 12: 00 00 00 06) ---- */

TEST(bitmap_bit_order)
{
	static const uint8_t lab[] = { 0x00, 0x00, 0x00, 0x06 };
	uint8_t buf[8];
	uint64_t map = 0;
	struct mih_wr w;
	struct mih_rd r;

	map = mih_bit_set(map, MIH_EVT_LINK_UP);
	map = mih_bit_set(map, MIH_EVT_LINK_DOWN);
	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_bitmap(&w, 32, map);
	ASSERT_EQ(4U, w.pos);
	EXPECT_EQ(0, memcmp(buf, lab, 4));

	mih_rd_init(&r, lab, sizeof(lab));
	map = mih_get_bitmap(&r, 32);
	EXPECT_EQ(0, mih_rd_end(&r));
	EXPECT_TRUE(mih_bit_test(map, MIH_EVT_LINK_UP));
	EXPECT_TRUE(mih_bit_test(map, MIH_EVT_LINK_DOWN));
	EXPECT_FALSE(mih_bit_test(map, MIH_EVT_LINK_DETECTED));
	EXPECT_FALSE(mih_bit_test(map, 30));

	/* bit 0 of a BITMAP(16) is the LSB of the last octet: 00 01 = UDP */
	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_bitmap(&w, 16, MIH_BIT(MIH_TRANS_UDP));
	EXPECT_EQ(0, memcmp(buf, "\x00\x01", 2));
	/* bit 63 of a BITMAP(64) is the MSB of the first octet */
	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_bitmap(&w, 64, MIH_BIT(63) | MIH_BIT(8));
	EXPECT_EQ(0, memcmp(buf, "\x80\x00\x00\x00\x00\x00\x01\x00", 8));

	char s[64];

	mih_bitmap_fmt(s, sizeof(s), 6, 32, mih_evt_bit_name);
	EXPECT_STREQ("{Link_Up,Link_Down}", s);
	mih_tlv_fmt(MIH_TLV_EVT_LIST, lab, 4, s, sizeof(s));
	EXPECT_STREQ("{Link_Up,Link_Down}", s);
	mih_bitmap_fmt(s, sizeof(s), MIH_BIT(20), 32, mih_evt_bit_name);
	EXPECT_STREQ("{bit20}", s);
}

/* ---- addresses ---- */

TEST(mac_and_ip_known)
{
	static const uint8_t mac_enc[] = {
		0x00, 0x06, 0x06, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
	};
	static const uint8_t ip4_enc[] = { 0x00, 0x01, 0x04, 10, 0, 0, 1 };
	struct mih_ip_addr ip = { .family = MIH_AF_IPV4, .a = { 10, 0, 0, 1 } };
	struct mih_ip_addr ip6 = { .family = MIH_AF_IPV6, .a = { 0x20, 1, 0xd,
							       0xb8, [15] = 1 } };
	struct mih_ip_addr none = { .family = MIH_AF_NONE };
	uint8_t buf[64], mac[6];
	struct mih_wr w;
	struct mih_rd r;
	char s[64];

	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_mac_addr(&w, mac1);
	ASSERT_EQ(sizeof(mac_enc), w.pos);
	EXPECT_EQ(0, memcmp(buf, mac_enc, sizeof(mac_enc)));
	EXPECT_EQ(0, decode_exact((mih_get_fn)mih_get_mac_addr, mac_enc,
				  sizeof(mac_enc), mac, &r));
	EXPECT_EQ(0, memcmp(mac, mac1, 6));

	EXPECT_EQ(7, RT(mih_put_ip_addr, mih_get_ip_addr, &ip, buf));
	EXPECT_EQ(0, memcmp(buf, ip4_enc, sizeof(ip4_enc)));
	EXPECT_EQ(19, RT(mih_put_ip_addr, mih_get_ip_addr, &ip6, buf));
	EXPECT_EQ(3, RT(mih_put_ip_addr, mih_get_ip_addr, &none, buf));
	mih_ip_addr_fmt(s, sizeof(s), &ip);
	EXPECT_STREQ("10.0.0.1", s);
	mih_ip_addr_fmt(s, sizeof(s), &ip6);
	EXPECT_STREQ("2001:db8:0:0:0:0:0:1", s);
}

TEST(address_malformed)
{
	static const struct {
		const char *name;
		int (*get)(struct mih_rd *, void *);
		uint8_t enc[24];
		size_t len;
		int err;
	} cases[] = {
		{ "MAC family 5", (void *)mih_get_mac_addr,
		  { 0, 5, 6, 1, 2, 3, 4, 5, 6 }, 9, MIH_E_BAD_ADDR },
		{ "MAC 5 octets", (void *)mih_get_mac_addr,
		  { 0, 6, 5, 1, 2, 3, 4, 5 }, 8, MIH_E_BAD_ADDR },
		{ "IPv4 with 16 octets", (void *)mih_get_ip_addr,
		  { 0, 1, 16, [18] = 0 }, 19, MIH_E_BAD_ADDR },
		{ "IPv6 with 4 octets", (void *)mih_get_ip_addr,
		  { 0, 2, 4, 1, 2, 3, 4 }, 7, MIH_E_BAD_ADDR },
		{ "IP family 3", (void *)mih_get_ip_addr,
		  { 0, 3, 4, 1, 2, 3, 4 }, 7, MIH_E_BAD_ADDR },
		{ "IP none with octets", (void *)mih_get_ip_addr,
		  { 0, 0, 1, 1 }, 4, MIH_E_BAD_ADDR },
		{ "IP string overruns", (void *)mih_get_ip_addr,
		  { 0, 1, 5, 1, 2, 3, 4 }, 7, MIH_E_OVERRUN },
		{ "LINK_ADDR selector 9", (void *)mih_get_link_addr,
		  { 9, 0 }, 2, MIH_E_BAD_CHOICE },
		{ "LINK_ADDR selector 6", (void *)mih_get_link_addr,
		  { 6, 0 }, 2, MIH_E_BAD_CHOICE },
		{ "LINK_ADDR MAC bad family", (void *)mih_get_link_addr,
		  { 0, 0, 1, 6, 1, 2, 3, 4, 5, 6 }, 10, MIH_E_BAD_ADDR },
		{ "LINK_ADDR 2G truncated", (void *)mih_get_link_addr,
		  { 2, 1, 2, 3, 0, 1, 0 }, 7, MIH_E_TRUNCATED },
		{ "LINK_ADDR L2 non-minimal", (void *)mih_get_link_addr,
		  { 5, 0x81, 0x00 }, 3, MIH_E_LEN_NONMINIMAL },
		{ "LINK_TYPE 99", (void *)mih_get_link_id,
		  { 99, 5, 0 }, 3, MIH_E_BAD_ENUM },
		{ "tuple PoA selector 2", (void *)mih_get_link_tuple_id,
		  { 19, 5, 0, 2 }, 4, MIH_E_BAD_CHOICE },
		{ "NETWORK_TYPE subtype selector 3",
		  (void *)mih_get_network_type, { 0, 3 }, 2, MIH_E_BAD_CHOICE },
		{ "NETWORK_TYPE link type 0", (void *)mih_get_network_type,
		  { 1, 0, 0, 0 }, 4, MIH_E_BAD_ENUM },
		{ "MBB boolean 2", (void *)mih_get_mbb_ho_supp,
		  { 0, 0, 0, 0, 0, 0, 2 }, 7, MIH_E_BAD_BOOL },
		{ "SIG_STRENGTH 101%", (void *)mih_get_sig_strength,
		  { 1, 101 }, 2, MIH_E_BAD_VALUE },
		{ "QOS_LIST count overruns", (void *)mih_get_qos_list,
		  { 0, 17 }, 2, MIH_E_OVERRUN },
		{ "QOS_LIST truncated", (void *)mih_get_qos_list,
		  { 3, 0, 0, 0, 0 }, 5, MIH_E_TRUNCATED },
		{ "TSP_CONTAINER selector 3", (void *)mih_get_res_set,
		  { 0, 0, 0, 0, 0, 0, 3 }, 7, MIH_E_BAD_CHOICE },
		{ "HO_CAUSE 6", (void *)mih_get_req_res_set,
		  { 0, 0, 0, 0, 0, 0, 0, 6 }, 8, MIH_E_BAD_ENUM },
		{ "TGT_NET_INFO selector 2", (void *)mih_get_tgt_net_info,
		  { 2 }, 1, MIH_E_BAD_CHOICE },
		{ "MIHF ID overrun", (void *)mih_get_mihf_id,
		  { 3, 'a', 'b' }, 3, MIH_E_OVERRUN },
	};
	union { uint8_t b[4096]; uint64_t align; } out;
	struct mih_rd r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int e = decode_exact((mih_get_fn)cases[i].get, cases[i].enc,
				     cases[i].len, &out, &r);

		if (e != cases[i].err)
			TH_LOG("%s: got %d (%s)", cases[i].name, e, r.why);
		EXPECT_EQ(cases[i].err, e);
		EXPECT_NE('\0', r.why[0]);
	}
}

TEST(mihf_id_limit)
{
	uint8_t enc[300], id[254];
	struct mih_ostr s;
	struct mih_wr w;
	struct mih_rd r;

	memset(id, 'a', sizeof(id));
	mih_wr_init(&w, enc, sizeof(enc));
	mih_put_mihf_id(&w, id, 253);
	EXPECT_EQ(0, w.err);
	EXPECT_EQ(0, decode_exact((mih_get_fn)mih_get_mihf_id, enc, w.pos,
				  &s, &r));
	EXPECT_EQ(253U, s.len);
	mih_wr_init(&w, enc, sizeof(enc));
	mih_put_mihf_id(&w, id, 254);
	EXPECT_EQ(MIH_E_ID_TOO_LONG, w.err);
	mih_wr_init(&w, enc, sizeof(enc));
	mih_put_ostr_raw(&w, id, 254);
	EXPECT_EQ(MIH_E_ID_TOO_LONG,
		  decode_exact((mih_get_fn)mih_get_mihf_id, enc, w.pos, &s,
			       &r));
}

/* ---- composite round trips ---- */

static void set_mac(struct mih_link_addr *a, const uint8_t *mac)
{
	memset(a, 0, sizeof(*a));
	a->kind = MIH_LA_MAC;
	memcpy(a->u.mac, mac, 6);
}

TEST(link_addr_all_alternatives)
{
	struct mih_link_addr a[6];
	uint8_t buf[256];
	char s[96];

	memset(a, 0, sizeof(a));
	set_mac(&a[0], mac1);
	a[1].kind = MIH_LA_3GPP_3G_CELL;
	memcpy(a[1].u.cell3g.plmn, "\x21\xf3\x54", 3);
	a[1].u.cell3g.cell_id = 0x01020304;
	a[2].kind = MIH_LA_3GPP_2G_CELL;
	memcpy(a[2].u.cell2g.plmn, "\x21\xf3\x54", 3);
	a[2].u.cell2g.lac = 0x1234;
	a[2].u.cell2g.ci = 0x5678;
	a[3].kind = MIH_LA_3GPP;
	a[3].u.str = (struct mih_ostr){ (const uint8_t *)"imsi", 4 };
	a[4].kind = MIH_LA_3GPP2;
	a[4].u.str = (struct mih_ostr){ (const uint8_t *)"x", 1 };
	a[5].kind = MIH_LA_OTHER_L2;
	a[5].u.str = (struct mih_ostr){ NULL, 0 };

	EXPECT_EQ(10, RT(mih_put_link_addr, mih_get_link_addr, &a[0], buf));
	EXPECT_EQ(0, memcmp(buf, "\x00\x00\x06\x06\x02\x11\x22\x33\x44\x55",
			    10));
	EXPECT_EQ(8, RT(mih_put_link_addr, mih_get_link_addr, &a[1], buf));
	EXPECT_EQ(0, memcmp(buf, "\x01\x21\xf3\x54\x01\x02\x03\x04", 8));
	EXPECT_EQ(8, RT(mih_put_link_addr, mih_get_link_addr, &a[2], buf));
	EXPECT_EQ(0, memcmp(buf, "\x02\x21\xf3\x54\x12\x34\x56\x78", 8));
	EXPECT_EQ(6, RT(mih_put_link_addr, mih_get_link_addr, &a[3], buf));
	EXPECT_EQ(3, RT(mih_put_link_addr, mih_get_link_addr, &a[4], buf));
	EXPECT_EQ(2, RT(mih_put_link_addr, mih_get_link_addr, &a[5], buf));

	mih_link_addr_fmt(s, sizeof(s), &a[0]);
	EXPECT_STREQ("MAC 02:11:22:33:44:55", s);
	mih_link_addr_fmt(s, sizeof(s), &a[2]);
	EXPECT_STREQ("2G-cell plmn 21f354 lac 4660 ci 22136", s);
	mih_link_addr_fmt(s, sizeof(s), &a[3]);
	EXPECT_STREQ("3GPP \"imsi\"", s);
}

TEST(link_id_tuple_known)
{
	/* WIRE.md 6: 802.11, MAC, no PoA = 13 00 00 06 06 <mac> 00 */
	static const uint8_t tuple_enc[] = {
		0x13, 0x00, 0x00, 0x06, 0x06, 0x02, 0x11, 0x22, 0x33, 0x44,
		0x55, 0x00,
	};
	struct mih_link_tuple_id t = { .link.type = MIH_LT_802_11 };
	struct mih_link_id id = { .type = MIH_LT_ETHERNET };
	uint8_t buf[256];
	char s[128];

	set_mac(&t.link.addr, mac1);
	EXPECT_EQ(12, RT(mih_put_link_tuple_id, mih_get_link_tuple_id, &t,
			 buf));
	EXPECT_EQ(0, memcmp(buf, tuple_enc, sizeof(tuple_enc)));
	mih_link_tuple_id_fmt(s, sizeof(s), &t);
	EXPECT_STREQ("802.11 MAC 02:11:22:33:44:55", s);
	mih_tlv_fmt(MIH_TLV_LINK_ID, tuple_enc, sizeof(tuple_enc), s,
		    sizeof(s));
	EXPECT_STREQ("802.11 MAC 02:11:22:33:44:55", s);

	t.has_poa = true;
	set_mac(&t.poa, mac2);
	EXPECT_EQ(22, RT(mih_put_link_tuple_id, mih_get_link_tuple_id, &t,
			 buf));
	mih_link_tuple_id_fmt(s, sizeof(s), &t);
	EXPECT_STREQ("802.11 MAC 02:11:22:33:44:55 PoA MAC "
		     "02:aa:bb:cc:dd:ee", s);

	set_mac(&id.addr, mac2);
	EXPECT_EQ(11, RT(mih_put_link_id, mih_get_link_id, &id, buf));
	mih_link_id_fmt(s, sizeof(s), &id);
	EXPECT_STREQ("Ethernet MAC 02:aa:bb:cc:dd:ee", s);
}

TEST(network_type_parts)
{
	struct mih_network_type nt = { 0 };
	struct mih_net_type_addr nta = { 0 };
	struct mih_mbb_ho_supp mbb = { 0 };
	uint8_t buf[256];
	char s[96];

	EXPECT_EQ(3, RT(mih_put_network_type, mih_get_network_type, &nt,
			buf));
	EXPECT_EQ(0, memcmp(buf, "\x00\x00\x00", 3));
	nt.has_link_type = true;
	nt.link_type = MIH_LT_802_11;
	EXPECT_EQ(4, RT(mih_put_network_type, mih_get_network_type, &nt,
			buf));
	/* WIRE.md 12: NETWORK_TYPE (802.11, NULL, NULL) = 01 13 00 00 */
	EXPECT_EQ(0, memcmp(buf, "\x01\x13\x00\x00", 4));
	nt.has_subtype = true;
	nt.subtype = 0x0102030405060708ULL;
	nt.has_ext = true;
	nt.ext = (struct mih_ostr){ (const uint8_t *)"ac", 2 };
	EXPECT_EQ(4 + 8 + 3, RT(mih_put_network_type, mih_get_network_type,
				&nt, buf));
	mih_network_type_fmt(s, sizeof(s), &nt);
	EXPECT_STREQ("802.11 subtype 0x102030405060708 ext \"ac\"", s);

	nta.nt = nt;
	set_mac(&nta.addr, mac1);
	EXPECT_EQ(25, RT(mih_put_net_type_addr, mih_get_net_type_addr, &nta,
			 buf));
	mbb.from.has_link_type = true;
	mbb.from.link_type = MIH_LT_802_11;
	mbb.to.has_link_type = true;
	mbb.to.link_type = MIH_LT_UMTS;
	mbb.supported = true;
	EXPECT_EQ(9, RT(mih_put_mbb_ho_supp, mih_get_mbb_ho_supp, &mbb, buf));
}

TEST(link_det_info)
{
	struct mih_link_det_info d = { 0 };
	uint8_t buf[256];
	char s[256];
	int n;

	d.tuple.link.type = MIH_LT_802_11;
	set_mac(&d.tuple.link.addr, mac1);
	d.tuple.has_poa = true;
	set_mac(&d.tuple.poa, mac2);
	d.network_id = (struct mih_ostr){ (const uint8_t *)"mihnet", 6 };
	d.net_aux_id = (struct mih_ostr){ (const uint8_t *)"\x00\x01", 2 };
	d.sig.dbm = -61;
	d.sinr = 30;
	d.data_rate = 54000;
	d.mihcap = MIH_BIT(MIH_MIHCAP_ES);
	d.net_caps = MIH_BIT(MIH_NETCAP_INTERNET) | MIH_BIT(MIH_NETCAP_MIH);
	n = RT(mih_put_link_det_info, mih_get_link_det_info, &d, buf);
	EXPECT_EQ(22 + 7 + 3 + 2 + 2 + 4 + 1 + 4, n);
	d.sig.is_percent = true;
	d.sig.percent = 100;
	RT(mih_put_link_det_info, mih_get_link_det_info, &d, buf);

	/* formatted through the TLV 58 printer: LIST of one */
	struct mih_wr w;
	uint8_t list[256];

	mih_wr_init(&w, list, sizeof(list));
	mih_put_list(&w, (mih_put_fn)mih_put_link_det_info, &d, sizeof(d), 1);
	ASSERT_EQ(0, w.err);
	mih_tlv_fmt(MIH_TLV_LINK_DET_INFO_LIST, list, w.pos, s, sizeof(s));
	EXPECT_NE(NULL, strstr(s, "net \"mihnet\""));
	EXPECT_NE(NULL, strstr(s, "sig 100%"));
	EXPECT_NE(NULL, strstr(s, "{internet,MIH}"));
}

TEST(handover_types)
{
	struct mih_link_poa_list pl = { .link.type = MIH_LT_802_11 };
	struct mih_rq_result rq = { 0 };
	struct mih_qos_list q = { .n = 2, .num_cos = 2, .p = {
		{ MIH_QOS_MIN_PK_TX_DELAY, 1000, 1 },
		{ MIH_QOS_PK_LOSS_RATE, 5, 2 } } };
	struct mih_qos_list q2 = { .n = 3, .p = {
		{ MIH_QOS_PK_LOSS_RATE, 5, 2 },
		{ MIH_QOS_MIN_PK_TX_DELAY, 1000, 1 },
		{ MIH_QOS_PK_LOSS_RATE, 6, 3 } } };
	struct mih_tgt_net_info tn = { 0 };
	struct mih_res_set rs = { 0 };
	uint8_t buf[1024];
	struct mih_wr w;

	set_mac(&pl.link.addr, mac1);
	EXPECT_EQ(12, RT(mih_put_link_poa_list, mih_get_link_poa_list, &pl,
			 buf));
	pl.n_poa = 2;
	set_mac(&pl.poa[0], mac2);
	pl.poa[1].kind = MIH_LA_OTHER_L2;
	EXPECT_EQ(12 + 10 + 2, RT(mih_put_link_poa_list,
				  mih_get_link_poa_list, &pl, buf));
	/* QOS_LIST: NUM_COS_TYPES + five LIST(COS_ID u8 + u16) */
	EXPECT_EQ(12, RT(mih_put_qos_list, mih_get_qos_list, &q, buf));
	EXPECT_EQ(0, memcmp(buf, "\x02\x01\x01\x03\xe8\x00\x00\x00\x01\x02"
			    "\x00\x05", 12));
	/* out of kind order in C: grouped by kind on the wire */
	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_qos_list(&w, &q2);
	ASSERT_EQ(0, w.err);
	EXPECT_EQ(0, memcmp(buf, "\x00\x01\x01\x03\xe8\x00\x00\x00\x02\x02"
			    "\x00\x05\x03\x00\x06", 15));
	q2.p[0].type = 0;
	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_qos_list(&w, &q2);
	EXPECT_EQ(MIH_E_RANGE, w.err);
	q2.p[0].type = MIH_QOS_PK_LOSS_RATE;
	q2.p[0].value = 0x10000;
	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_qos_list(&w, &q2);
	EXPECT_EQ(MIH_E_RANGE, w.err);

	/* RQ_RESULT: LINK_POA_LIST + QOS_LIST + four CHOICE(NULL, X) */
	rq.pref = pl;
	EXPECT_EQ(24 + 6 + 4, RT(mih_put_rq_result, mih_get_rq_result, &rq,
				 buf));
	rq.has_qos = true;
	rq.qos = q;
	EXPECT_EQ(24 + 12 + 4, RT(mih_put_rq_result, mih_get_rq_result, &rq,
				  buf));
	rq.has_ip_cfg = true;
	rq.ip_cfg = MIH_BIT(MIH_IPCFG_DHCPV4);
	rq.has_ar = true;
	rq.ar.family = MIH_AF_IPV4;
	EXPECT_EQ(24 + 12 + 4 + 4 + 7, RT(mih_put_rq_result,
					  mih_get_rq_result, &rq, buf));

	/* TGT_NET_INFO = CHOICE(NETWORK_ID + CHOICE(NULL, AUX), LINK_ADDR) */
	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_tgt_net_info(&w, &tn);
	EXPECT_EQ(MIH_E_INVAL, w.err);		/* neither alternative */
	tn.has_network_id = true;
	tn.network_id = (struct mih_ostr){ (const uint8_t *)"target", 6 };
	EXPECT_EQ(1 + 7 + 1, RT(mih_put_tgt_net_info, mih_get_tgt_net_info,
				&tn, buf));
	tn.has_net_aux_id = true;
	EXPECT_EQ(1 + 7 + 1 + 1, RT(mih_put_tgt_net_info,
				    mih_get_tgt_net_info, &tn, buf));
	tn.has_poa = true;
	set_mac(&tn.poa, mac2);
	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_tgt_net_info(&w, &tn);
	EXPECT_EQ(MIH_E_INVAL, w.err);		/* both alternatives */
	tn.has_network_id = tn.has_net_aux_id = false;
	EXPECT_EQ(1 + 10, RT(mih_put_tgt_net_info, mih_get_tgt_net_info,
			     &tn, buf));

	/* resource sets: QOS_LIST + TSP_CONTAINER (+ HO_CAUSE) */
	EXPECT_EQ(6 + 1, RT(mih_put_res_set, mih_get_res_set, &rs, buf));
	rs.qos = q;
	rs.has_opaque = true;
	rs.opaque = (struct mih_ostr){ (const uint8_t *)"\x01\x02\x03", 3 };
	EXPECT_EQ(12 + 1 + 4, RT(mih_put_res_set, mih_get_res_set, &rs,
				 buf));
	rs.has_predef = true;
	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_res_set(&w, &rs);
	EXPECT_EQ(MIH_E_INVAL, w.err);
	rs.has_opaque = false;
	rs.predef_cfg_id = -3;
	EXPECT_EQ(12 + 2, RT(mih_put_res_set, mih_get_res_set, &rs, buf));
	rs.cause = MIH_LDR_NO_RESOURCE;
	EXPECT_EQ(12 + 2 + 1, RT(mih_put_req_res_set, mih_get_req_res_set,
				 &rs, buf));
	rs.cause = 6;
	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_req_res_set(&w, &rs);
	EXPECT_EQ(MIH_E_RANGE, w.err);

	/* too many for the fixed capacity: refused both ways */
	pl.n_poa = MIH_POA_LIST_MAX + 1;
	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_link_poa_list(&w, &pl);
	EXPECT_EQ(MIH_E_TOO_MANY, w.err);
	if (1) {
		uint8_t enc[400];
		struct mih_link_poa_list out;
		struct mih_rd r;
		size_t k = 0;

		memcpy(enc, "\x13\x05\x00", 3);	/* 802.11, L2 "" */
		k = 3;
		enc[k++] = MIH_POA_LIST_MAX + 1;
		for (int i = 0; i <= MIH_POA_LIST_MAX; i++) {
			enc[k++] = 5;
			enc[k++] = 0;
		}
		EXPECT_EQ(MIH_E_TOO_MANY,
			  decode_exact((mih_get_fn)mih_get_link_poa_list, enc,
				       k, &out, &r));
		enc[3] = MIH_POA_LIST_MAX;
		EXPECT_EQ(MIH_E_TRAILING,
			  decode_exact((mih_get_fn)mih_get_link_poa_list, enc,
				       k, &out, &r));
		EXPECT_EQ(0, decode_exact((mih_get_fn)mih_get_link_poa_list,
					  enc, k - 2, &out, &r));
		EXPECT_EQ((uint32_t)MIH_POA_LIST_MAX, out.n_poa);
	}
}

TEST(enumerations)
{
	static const struct {
		int (*get)(struct mih_rd *, uint8_t *);
		uint8_t max;
	} e[] = {
		{ mih_get_status, 5 }, { mih_get_link_dn_reason, 5 },
		{ mih_get_link_gd_reason, 3 }, { mih_get_reg_request_code, 1 },
		{ mih_get_ho_status, 1 }, { mih_get_ho_result, 3 },
	};
	struct mih_rd r;
	uint8_t v, in;

	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		for (unsigned int x = 0; x < 256; x++) {
			in = (uint8_t)x;
			mih_rd_init(&r, &in, 1);
			e[i].get(&r, &v);
			if (x <= e[i].max) {
				EXPECT_EQ(0, r.err);
				EXPECT_EQ(x, v);
			} else {
				EXPECT_EQ(MIH_E_BAD_ENUM, r.err);
			}
		}
	}
	EXPECT_STREQ("Authentication Failure", mih_status_name(5));
	EXPECT_EQ(NULL, mih_status_name(6));
	EXPECT_EQ(MIH_HO_RESULT_REJECTED, mih_ho_result_norm(3));
	EXPECT_STREQ("802.11", mih_link_type_name(19));
	EXPECT_FALSE(mih_link_type_valid(0));
	EXPECT_TRUE(mih_link_type_valid(MIH_LT_ATSC_MH));
}

/* ---- per-TLV validation ---- */

TEST(tlv_value_check)
{
	struct mih_rd r;
	char s[160];

	/* exact tiling: status with a trailing octet */
	EXPECT_EQ(0, mih_tlv_value_check(3, (const uint8_t *)"\x00", 1, &r));
	EXPECT_EQ(MIH_E_TRAILING,
		  mih_tlv_value_check(3, (const uint8_t *)"\x00\x00", 2, &r));
	EXPECT_EQ(MIH_E_TRUNCATED, mih_tlv_value_check(3, NULL, 0, &r));
	EXPECT_EQ(MIH_E_BAD_ENUM,
		  mih_tlv_value_check(3, (const uint8_t *)"\x06", 1, &r));
	EXPECT_EQ(MIH_E_BAD_BOOL,
		  mih_tlv_value_check(17, (const uint8_t *)"\x02", 1, &r));
	/* a bitmap of the wrong width */
	EXPECT_EQ(MIH_E_TRUNCATED,
		  mih_tlv_value_check(5, (const uint8_t *)"\x00\x06", 2, &r));
	EXPECT_EQ(MIH_E_TRAILING,
		  mih_tlv_value_check(8, (const uint8_t *)"\x00\x01\x00", 3,
				      &r));
	/* LINK_ADDR selector 9 inside a LINK_TUPLE_ID */
	EXPECT_EQ(MIH_E_BAD_CHOICE,
		  mih_tlv_value_check(13, (const uint8_t *)"\x13\x09", 2, &r));
	EXPECT_STREQ("LINK_ADDR selector 9 out of range", r.why);
	EXPECT_EQ(1U, r.err_pos);
	/* the LINK_PARAM_RPT grammar (TLV 23): one report, GEN param 0,
	 * value 0x0102, no threshold */
	EXPECT_EQ(0, mih_tlv_value_check(23, (const uint8_t *)
					 "\x01\x00\x00\x00\x01\x02\x00", 7,
					 &r));
	EXPECT_EQ(MIH_E_BAD_CHOICE, mih_tlv_value_check(23, (const uint8_t *)
		  "\x01\x0c\x00\x00\x01\x02\x00", 7, &r));
	mih_tlv_fmt(23, (const uint8_t *)"\x01\x00\x00\x00\x01\x02\x00", 7,
		    s, sizeof(s));
	EXPECT_STREQ("[((0 258) -)]", s);
	/* unknown / reserved types */
	EXPECT_EQ(MIH_E_INVAL, mih_tlv_value_check(0, NULL, 0, &r));
	EXPECT_EQ(MIH_E_INVAL, mih_tlv_value_check(64, NULL, 0, &r));
	EXPECT_EQ(MIH_E_INVAL, mih_tlv_value_check(150, NULL, 0, &r));
	EXPECT_STREQ("Link identifier", mih_tlv_name(13));
	EXPECT_STREQ("LINK_TUPLE_ID", mih_tlv_type_name(13));
	EXPECT_STREQ("Experimental", mih_tlv_name(150));
	EXPECT_EQ(NULL, mih_tlv_name(70));
	for (unsigned int t = 1; t < 64; t++) {
		EXPECT_NE(NULL, mih_tlv_name((uint8_t)t));
		EXPECT_NE(NULL, mih_tlv_type_name((uint8_t)t));
	}
	/* an invalid value formats as such */
	mih_tlv_fmt(3, (const uint8_t *)"\x09", 1, s, sizeof(s));
	EXPECT_STREQ("<invalid: STATUS value 9 out of range (0..5)> 0x09", s);
	mih_tlv_fmt(3, (const uint8_t *)"\x00", 1, s, sizeof(s));
	EXPECT_STREQ("Success", s);
	/* truncated output buffer: still terminated, full length returned */
	EXPECT_EQ(7, mih_tlv_fmt(3, (const uint8_t *)"\x00", 1, s, 4));
	EXPECT_STREQ("Suc", s);
}

TEST_HARNESS_MAIN

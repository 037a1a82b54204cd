// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the Information Service payloads (lib/mihie.c): the
 * WIRE.md 10 IQ_BIN_DATA example byte for byte, every IQ part, every IE
 * value round trip, nested containers (and their depth limit), the IE
 * writer's length fix-up, unknown IEs skipped, malformed IEs rejected.
 */
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"

#include "lib/mihie.h"

static uint8_t *dup_exact(const void *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (d && len)
		memcpy(d, p, len);
	return d;
}

/* WIRE.md 10: TLV 43 value reporting NETWORK_TYPE, OPERATOR_ID, COST */
static const uint8_t iq_example[] = {
	0x01,
	0x00, 0x00, 0x00, 0x01, 0x03,
	0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x01, 0x10, 0x00, 0x01, 0x03,
	0x00, 0x00,
};

TEST(iq_example_bytes)
{
	struct mih_iq_bin_data q = { 0 }, got;
	uint8_t buf[64], *d;
	struct mih_wr w;
	struct mih_rd r;
	uint32_t n;

	q.has_rpt_templ = true;
	q.n_templ = 3;
	q.templ[0] = MIH_IE_NETWORK_TYPE;
	q.templ[1] = MIH_IE_OPERATOR_ID;
	q.templ[2] = MIH_IE_COST;
	mih_wr_init(&w, buf, sizeof(buf));
	mih_put_iq_bin_data_list(&w, &q, 1);
	ASSERT_EQ(0, w.err);
	ASSERT_EQ(sizeof(iq_example), w.pos);
	EXPECT_EQ(0, memcmp(buf, iq_example, sizeof(iq_example)));

	d = dup_exact(iq_example, sizeof(iq_example));
	EXPECT_EQ(0, mih_iq_bin_data_list_check(d, sizeof(iq_example), &r));
	mih_rd_init(&r, d, sizeof(iq_example));
	n = mih_get_list_count(&r, 1);
	ASSERT_EQ(1U, n);
	ASSERT_EQ(0, mih_get_iq_bin_data(&r, &got));
	EXPECT_EQ(0, mih_rd_end(&r));
	EXPECT_FALSE(got.has_querier_loc);
	EXPECT_FALSE(got.has_net_type_inc);
	EXPECT_FALSE(got.has_netwk_inc);
	EXPECT_TRUE(got.has_rpt_templ);
	ASSERT_EQ(3U, got.n_templ);
	EXPECT_EQ((uint32_t)MIH_IE_NETWORK_TYPE, got.templ[0]);
	EXPECT_EQ((uint32_t)MIH_IE_OPERATOR_ID, got.templ[1]);
	EXPECT_EQ((uint32_t)MIH_IE_COST, got.templ[2]);
	EXPECT_FALSE(got.has_rpt_limit);
	EXPECT_FALSE(got.has_curr_pref);
	/* every truncation and one extra octet rejected */
	for (size_t cut = 0; cut < sizeof(iq_example); cut++)
		EXPECT_NE(0, mih_iq_bin_data_list_check(d, cut, &r));
	free(d);
	d = malloc(sizeof(iq_example) + 1);
	ASSERT_NE(NULL, d);
	memcpy(d, iq_example, sizeof(iq_example));
	d[sizeof(iq_example)] = 0;
	EXPECT_EQ(MIH_E_TRAILING,
		  mih_iq_bin_data_list_check(d, sizeof(iq_example) + 1, &r));
	free(d);
}

TEST(iq_all_parts)
{
	static const uint8_t geo[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct mih_iq_bin_data q = { 0 }, got;
	uint8_t buf[512], again[512], *d;
	struct mih_wr w;
	struct mih_rd r;

	for (int kind = 0; kind <= MIH_LOC_CELL_ID; kind++) {
		memset(&q, 0, sizeof(q));
		q.has_querier_loc = true;
		q.querier_loc.has_location = true;
		q.querier_loc.location.kind = (uint8_t)kind;
		memcpy(q.querier_loc.location.country, "DE", 2);
		q.querier_loc.location.str =
			(struct mih_ostr){ (const uint8_t *)"<civic/>", 8 };
		memcpy(q.querier_loc.location.geo, geo, 16);
		q.querier_loc.location.cell_id = 0xabcdef;
		q.querier_loc.has_link_addr = true;
		q.querier_loc.link_addr.kind = MIH_LA_MAC;
		memcpy(q.querier_loc.link_addr.u.mac, "\x02\x00\x00\x00\x00\x01",
		       6);
		q.querier_loc.has_radius = true;
		q.querier_loc.radius = 500;
		q.has_net_type_inc = true;
		q.net_type_inc = MIH_BIT(MIH_NTI_802_11) |
				 MIH_BIT(MIH_NTI_ETHERNET);
		q.has_netwk_inc = true;
		q.n_netwk = 2;
		q.netwk[0] = (struct mih_ostr){ (const uint8_t *)"net-a", 5 };
		q.netwk[1] = (struct mih_ostr){ (const uint8_t *)"net-b", 5 };
		q.has_rpt_templ = true;
		q.n_templ = 1;
		q.templ[0] = MIH_IE_POA_LINK_ADDR;
		q.has_rpt_limit = true;
		q.max_ies = 20;
		q.start_entry = 3;
		q.has_curr_pref = true;
		memcpy(q.curr_pref, "EUR", 3);

		mih_wr_init(&w, buf, sizeof(buf));
		mih_put_iq_bin_data(&w, &q);
		ASSERT_EQ(0, w.err);
		d = dup_exact(buf, w.pos);
		mih_rd_init(&r, d, w.pos);
		ASSERT_EQ(0, mih_get_iq_bin_data(&r, &got));
		EXPECT_EQ(0, mih_rd_end(&r));
		EXPECT_EQ(kind, got.querier_loc.location.kind);
		EXPECT_EQ(500, got.querier_loc.radius);
		EXPECT_EQ(2U, got.n_netwk);
		EXPECT_EQ(0, memcmp(got.curr_pref, "EUR", 3));
		mih_wr_init(&w, again, sizeof(again));
		mih_put_iq_bin_data(&w, &got);
		EXPECT_EQ(r.len, w.pos);
		EXPECT_EQ(0, memcmp(buf, again, w.pos));
		for (size_t cut = 0; cut < r.len; cut++) {
			struct mih_rd t;

			mih_rd_init(&t, d, cut);
			mih_get_iq_bin_data(&t, &got);
			EXPECT_NE(0, t.err);
		}
		free(d);
	}
}

/* ---- IEs ---- */

static bool opaque(uint32_t type)
{
	return type == MIH_IE_NET_EMSERV_PROXY ||
	       type == MIH_IE_NET_IMS_PROXY_CSCF ||
	       type == MIH_IE_POA_SYSTEM_INFO;
}

static int ie_round_trip(struct __test_metadata *_metadata,
			 const struct mih_ie_val *v)
{
	uint8_t buf[1024], again[1024], *d;
	struct mih_ie_wr iw;
	struct mih_ie_iter it;
	struct mih_ie_val got;
	struct mih_rd r, vr;
	struct mih_ie ie;
	struct mih_wr w;
	size_t len;
	char s[256];

	mih_ie_wr_init(&iw, buf, sizeof(buf));
	mih_ie_list_begin(&iw);
	mih_ie_put(&iw, v);
	mih_ie_list_end(&iw);
	EXPECT_EQ(0, mih_ie_wr_finish(&iw, &len));
	if (iw.w.err)
		return -1;
	d = dup_exact(buf, len);
	mih_rd_init(&r, d, len);
	EXPECT_EQ(0, mih_ie_validate_list(&r));
	EXPECT_EQ(0, mih_rd_end(&r));
	mih_rd_init(&r, d, len);
	EXPECT_EQ(0, mih_ie_iter_list(&it, &r));
	EXPECT_EQ(1, mih_ie_next(&it, &ie));
	EXPECT_EQ(v->type, ie.type);
	EXPECT_EQ(0, mih_ie_value_decode(ie.type, ie.value, ie.len, &got,
					 &vr));
	mih_wr_init(&w, again, sizeof(again));
	mih_put_ie_value(&w, &got);
	EXPECT_EQ(0, w.err);
	EXPECT_EQ(ie.len, w.pos);
	EXPECT_EQ(0, memcmp(ie.value, again, ie.len));
	EXPECT_EQ(0, mih_ie_next(&it, &ie));
	EXPECT_EQ(0, mih_rd_end(&r));
	EXPECT_GT(mih_ie_fmt(&ie, s, sizeof(s)), 0);
	/* every truncation of the value fails (opaque values excepted) */
	for (size_t cut = 0; !opaque(v->type) && cut < w.pos; cut++) {
		uint8_t *t = dup_exact(again, cut);

		EXPECT_NE(0, mih_ie_value_decode(v->type, t, cut, &got, &vr));
		free(t);
	}
	free(d);
	return (int)w.pos;
}

TEST(every_ie_round_trip)
{
	struct mih_ie_val v;
	struct mih_ip_addr ip4 = { .family = MIH_AF_IPV4,
				   .a = { 192, 0, 2, 1 } };
	struct mih_ip_addr ip6 = { .family = MIH_AF_IPV6,
				   .a = { 0x20, 0x01, 0x0d, 0xb8 } };

#define IE(t, field, ...) do {					\
		memset(&v, 0, sizeof(v));				\
		v.type = (t);						\
		v.u.field = __VA_ARGS__;				\
		EXPECT_GE(ie_round_trip(_metadata, &v), 0);		\
	} while (0)

	IE(MIH_IE_NETWORK_TYPE, network_type,
	   (struct mih_network_type){ .has_link_type = true,
				      .link_type = MIH_LT_802_11 });
	IE(MIH_IE_OPERATOR_ID, operator_id,
	   (struct mih_operator_id){ { (const uint8_t *)"operator", 8 },
				     MIH_OPNS_REALM });
	IE(MIH_IE_SERVICE_PROVIDER_ID, str,
	   (struct mih_ostr){ (const uint8_t *)"sp", 2 });
	memset(&v, 0, sizeof(v));
	v.type = MIH_IE_COUNTRY_CODE;
	memcpy(v.u.country, "PT", 2);
	EXPECT_EQ(2, ie_round_trip(_metadata, &v));
	IE(MIH_IE_NETWORK_ID, str,
	   (struct mih_ostr){ (const uint8_t *)"mihnet", 6 });
	IE(MIH_IE_NETWORK_AUX_ID, str,
	   (struct mih_ostr){ (const uint8_t *)"\x02\x00\x00\x00\x00\x09", 6 });
	memset(&v, 0, sizeof(v));
	v.type = MIH_IE_ROAMING_PARTNERS;
	v.u.roaming.n = 2;
	v.u.roaming.op[0].name = (struct mih_ostr){ (const uint8_t *)"a", 1 };
	v.u.roaming.op[1].name = (struct mih_ostr){ (const uint8_t *)"b", 1 };
	v.u.roaming.op[1].ns = MIH_OPNS_GENERAL;
	EXPECT_EQ(7, ie_round_trip(_metadata, &v));
	IE(MIH_IE_COST, cost, (struct mih_cost){ MIH_COST_HOUR, 1, 500,
						 { 'E', 'U', 'R' } });
	IE(MIH_IE_NETWORK_QOS, qos, (struct mih_qos_list){ .n = 1,
		.p = { { 1, 100 } } });
	IE(MIH_IE_NETWORK_DATA_RATE, u32, 54000);
	memset(&v, 0, sizeof(v));
	v.type = MIH_IE_NET_REGULAT_DOMAIN;
	memcpy(v.u.regdom.country, "US", 2);
	v.u.regdom.reg_class = 12;
	EXPECT_EQ(3, ie_round_trip(_metadata, &v));
	memset(&v, 0, sizeof(v));
	v.type = MIH_IE_NET_FREQUENCY_BANDS;
	v.u.bands.n = 2;
	v.u.bands.f[0] = 2412000;
	v.u.bands.f[1] = 5180000;
	EXPECT_EQ(9, ie_round_trip(_metadata, &v));
	IE(MIH_IE_NET_IP_CFG_METHODS, ip_config, (struct mih_ip_config){
		.methods = MIH_BIT(MIH_IPCFG_DHCPV4) |
			   MIH_BIT(MIH_IPCFG_IPV6_STATELESS),
		.has_dhcp = true, .dhcp = ip4, .has_ar = true, .ar = ip6 });
	IE(MIH_IE_NET_CAPABILITIES, u32, MIH_BIT(MIH_NETCAP_INTERNET));
	IE(MIH_IE_NET_SUPPORTED_LCP, u8, 2);
	IE(MIH_IE_NET_MOB_MGMT_PROT, u16, MIH_BIT(MIH_MOB_MIPV6));
	IE(MIH_IE_NET_MOBILE_NETWORK, b, true);
	IE(MIH_IE_NET_EMSERV_PROXY, str,
	   (struct mih_ostr){ (const uint8_t *)"\x02\x03sos", 5 });
	IE(MIH_IE_POA_LINK_ADDR, link_addr, (struct mih_link_addr){
		.kind = MIH_LA_MAC, .u.mac = { 2, 0, 0, 0, 0, 7 } });
	IE(MIH_IE_POA_LOCATION, location, (struct mih_location){
		.kind = MIH_LOC_CIVIC_BIN, .country = { 'D', 'E' },
		.str = { (const uint8_t *)"\x01\x02", 2 } });
	IE(MIH_IE_POA_LOCATION, location, (struct mih_location){
		.kind = MIH_LOC_GEO_BIN, .geo = { 0x40, 1, 2, 3 } });
	IE(MIH_IE_POA_LOCATION, location, (struct mih_location){
		.kind = MIH_LOC_CELL_ID, .cell_id = 77 });
	IE(MIH_IE_POA_LOCATION, location, (struct mih_location){
		.kind = MIH_LOC_GEO_XML,
		.str = { (const uint8_t *)"<geo/>", 6 } });
	IE(MIH_IE_POA_CHANNEL_RANGE, channel,
	   (struct mih_channel_range){ 1, 11 });
	IE(MIH_IE_POA_SUBNET_INFO, subnet,
	   (struct mih_subnet_info){ ip4, 24 });
	IE(MIH_IE_POA_SUBNET_INFO, subnet,
	   (struct mih_subnet_info){ ip6, 64 });
	IE(MIH_IE_POA_IP_ADDR, ip_addr, ip4);
	IE(MIH_IE_POA_SYSTEM_INFO, str,
	   (struct mih_ostr){ (const uint8_t *)"sys", 3 });
#undef IE
}

TEST(ie_format)
{
	uint8_t buf[128];
	struct mih_ie_wr iw;
	struct mih_ie_iter it;
	struct mih_rd r;
	struct mih_ie ie;
	size_t len;
	char s[128];

	mih_ie_wr_init(&iw, buf, sizeof(buf));
	mih_ie_list_begin(&iw);
	mih_ie_put(&iw, &(struct mih_ie_val){ .type = MIH_IE_COST,
		.u.cost = { MIH_COST_HOUR, 1, 500, { 'E', 'U', 'R' } } });
	mih_ie_put(&iw, &(struct mih_ie_val){ .type = MIH_IE_POA_IP_ADDR,
		.u.ip_addr = { MIH_AF_IPV4, { 10, 1, 2, 3 } } });
	mih_ie_put(&iw, &(struct mih_ie_val){
		.type = MIH_IE_NET_IP_CFG_METHODS,
		.u.ip_config = { .methods = 2, .has_dhcp = true,
				 .dhcp = { MIH_AF_IPV4, { 10, 1, 0, 1 } },
				 .has_ar = true,
				 .ar = { MIH_AF_IPV6, { 0x20, 0x01, 0x0d, 0xb8,
							[15] = 1 } } } });
	mih_ie_list_end(&iw);
	ASSERT_EQ(0, mih_ie_wr_finish(&iw, &len));
	mih_rd_init(&r, buf, len);
	ASSERT_EQ(0, mih_ie_iter_list(&it, &r));
	ASSERT_EQ(1, mih_ie_next(&it, &ie));
	mih_ie_fmt(&ie, s, sizeof(s));
	EXPECT_STREQ("IE_COST: 1.500 EUR per hour", s);
	ASSERT_EQ(1, mih_ie_next(&it, &ie));
	mih_ie_fmt(&ie, s, sizeof(s));
	EXPECT_STREQ("IE_POA_IP_ADDR: 10.1.2.3", s);
	/* the IE framing itself: 10000205 07 0001 04 0a010203 */
	EXPECT_EQ(0, memcmp(ie.value - 5, "\x10\x00\x02\x05\x07\x00\x01\x04"
			    "\x0a\x01\x02\x03", 12));
	ASSERT_EQ(1, mih_ie_next(&it, &ie));
	mih_ie_fmt(&ie, s, sizeof(s));
	EXPECT_STREQ("IE_NET_IP_CFG_METHODS: methods 0x00000002 dhcp-server 10.1.0.1 access-router 2001:db8:0:0:0:0:0:1", s);
}

/* ---- containers, unknown IEs, writer ---- */

TEST(containers_nested)
{
	uint8_t buf[512];
	struct mih_ie_wr iw;
	struct mih_ie_iter it, in, in2;
	struct mih_rd r, rc, rc2;
	struct mih_ie ie, c;
	size_t len;
	int n_poa = 0;

	mih_ie_wr_init(&iw, buf, sizeof(buf));
	mih_ie_list_begin(&iw);			/* IR_BIN_DATA */
	mih_ie_begin(&iw, MIH_IE_CONTAINER_LIST_OF_NETWORKS);
	mih_ie_begin(&iw, MIH_IE_CONTAINER_NETWORK);
	mih_ie_put(&iw, &(struct mih_ie_val){ .type = MIH_IE_NETWORK_ID,
		.u.str = { (const uint8_t *)"mihnet", 6 } });
	mih_ie_put_raw(&iw, 0x20000001, "vendor", 6);	/* unknown */
	for (int i = 0; i < 2; i++) {
		mih_ie_begin(&iw, MIH_IE_CONTAINER_POA);
		mih_ie_put(&iw, &(struct mih_ie_val){
			.type = MIH_IE_POA_LINK_ADDR,
			.u.link_addr = { .kind = MIH_LA_MAC,
					 .u.mac = { 2, 0, 0, 0, 0,
						    (uint8_t)i } } });
		mih_ie_end(&iw);
	}
	mih_ie_end(&iw);
	mih_ie_end(&iw);
	mih_ie_list_end(&iw);
	ASSERT_EQ(0, mih_ie_wr_finish(&iw, &len));

	mih_rd_init(&r, buf, len);
	EXPECT_EQ(0, mih_ie_validate_list(&r));
	EXPECT_EQ(0, mih_rd_end(&r));

	mih_rd_init(&r, buf, len);
	ASSERT_EQ(0, mih_ie_iter_list(&it, &r));
	ASSERT_EQ(1, mih_ie_next(&it, &ie));
	EXPECT_EQ((uint32_t)MIH_IE_CONTAINER_LIST_OF_NETWORKS, ie.type);
	ASSERT_EQ(0, mih_ie_iter_container(&in, &rc, &ie));
	ASSERT_EQ(1, mih_ie_next(&in, &c));
	EXPECT_EQ((uint32_t)MIH_IE_CONTAINER_NETWORK, c.type);
	ASSERT_EQ(0, mih_ie_iter_container(&in2, &rc2, &c));
	while (mih_ie_next(&in2, &ie) > 0)
		if (ie.type == MIH_IE_CONTAINER_POA)
			n_poa++;
	EXPECT_EQ(0, rc2.err);
	EXPECT_EQ(2, n_poa);
	EXPECT_EQ(1U, in2.skipped);
	EXPECT_EQ(0, mih_ie_next(&in, &c));
	EXPECT_EQ(0, mih_ie_next(&it, &ie));
	/* not a container */
	ie.type = MIH_IE_COST;
	EXPECT_EQ(MIH_E_INVAL, mih_ie_iter_container(&in, &rc, &ie));
}

TEST(container_depth_limit)
{
	uint8_t buf[256];
	struct mih_ie_wr iw;
	struct mih_rd r;
	size_t len;
	int d;

	for (int depth = 1; depth <= MIH_IE_DEPTH_MAX + 1; depth++) {
		mih_ie_wr_init(&iw, buf, sizeof(buf));
		mih_ie_list_begin(&iw);
		for (d = 0; d < depth; d++)
			mih_ie_begin(&iw, MIH_IE_CONTAINER_NETWORK);
		mih_ie_put(&iw, &(struct mih_ie_val){
			.type = MIH_IE_NETWORK_DATA_RATE, .u.u32 = 1 });
		for (d = 0; d < depth; d++)
			mih_ie_end(&iw);
		mih_ie_list_end(&iw);
		ASSERT_EQ(0, mih_ie_wr_finish(&iw, &len));
		mih_rd_init(&r, buf, len);
		EXPECT_EQ(depth <= MIH_IE_DEPTH_MAX ? 0 : MIH_E_DEPTH,
			  mih_ie_validate_list(&r));
	}
	/* the writer refuses to nest past its stack */
	mih_ie_wr_init(&iw, buf, sizeof(buf));
	for (d = 0; d < 20; d++)
		mih_ie_begin(&iw, MIH_IE_CONTAINER_NETWORK);
	EXPECT_EQ(MIH_E_DEPTH, mih_ie_wr_finish(&iw, &len));
}

TEST(writer_long_values)
{
	uint8_t buf[2048], big[400], *d;
	struct mih_ie_wr iw;
	struct mih_ie_iter it;
	struct mih_rd r;
	struct mih_ie ie;
	size_t len;

	memset(big, 'x', sizeof(big));
	mih_ie_wr_init(&iw, buf, sizeof(buf));
	mih_ie_list_begin(&iw);
	for (int i = 0; i < 130; i++)	/* count 130 = 81 02 */
		mih_ie_put(&iw, &(struct mih_ie_val){
			.type = MIH_IE_NET_SUPPORTED_LCP, .u.u8 = 1 });
	mih_ie_put_raw(&iw, MIH_IE_POA_SYSTEM_INFO, big, sizeof(big));
	mih_ie_list_end(&iw);
	ASSERT_EQ(0, mih_ie_wr_finish(&iw, &len));
	EXPECT_EQ(0, memcmp(buf, "\x81\x03", 2));	/* 131 = 128 + 3 */
	/* 400 = 128 + 272 = 82 01 10 */
	EXPECT_EQ(0, memcmp(buf + 2 + 130 * 6, "\x10\x00\x02\x03\x82\x01\x10",
			    7));
	EXPECT_EQ(2 + 130 * 6 + 7 + sizeof(big), len);
	d = dup_exact(buf, len);
	mih_rd_init(&r, d, len);
	EXPECT_EQ(0, mih_ie_validate_list(&r));
	mih_rd_init(&r, d, len);
	ASSERT_EQ(0, mih_ie_iter_list(&it, &r));
	for (int i = 0; i < 131; i++)
		EXPECT_EQ(1, mih_ie_next(&it, &ie));
	EXPECT_EQ(400U, ie.len);
	EXPECT_EQ(0, mih_ie_next(&it, &ie));
	free(d);

	/* no space */
	mih_ie_wr_init(&iw, buf, 10);
	mih_ie_list_begin(&iw);
	mih_ie_put_raw(&iw, MIH_IE_POA_SYSTEM_INFO, big, 8);
	mih_ie_list_end(&iw);
	EXPECT_EQ(MIH_E_NOSPACE, mih_ie_wr_finish(&iw, &len));
	/* unbalanced */
	mih_ie_wr_init(&iw, buf, sizeof(buf));
	mih_ie_list_begin(&iw);
	EXPECT_EQ(MIH_E_INVAL, mih_ie_wr_finish(&iw, &len));
	mih_ie_wr_init(&iw, buf, sizeof(buf));
	mih_ie_end(&iw);
	EXPECT_EQ(MIH_E_INVAL, mih_ie_wr_finish(&iw, &len));
}

TEST(ir_bin_data_list)
{
	/* LIST(IR_BIN_DATA) of 2: one with an IE, one empty */
	static const uint8_t ok[] = {
		0x02,
		0x01, 0x10, 0x00, 0x01, 0x06, 0x04, 0x00, 0x00, 0x2a, 0xf8,
		0x00,
	};
	static const uint8_t unknown_ie[] = {
		0x01, 0x01, 0x7f, 0x00, 0x00, 0x01, 0x02, 0xff, 0xff,
	};
	struct mih_rd r;
	uint8_t *d;

	d = dup_exact(ok, sizeof(ok));
	EXPECT_EQ(0, mih_ir_bin_data_list_check(d, sizeof(ok), &r));
	for (size_t cut = 0; cut < sizeof(ok); cut++)
		EXPECT_NE(0, mih_ir_bin_data_list_check(d, cut, &r));
	free(d);
	/* unknown IE types are skipped, not rejected */
	EXPECT_EQ(0, mih_ir_bin_data_list_check(unknown_ie,
						sizeof(unknown_ie), &r));
}

TEST(ie_malformed)
{
	static const struct {
		const char *name;
		uint32_t type;
		const char *v;
		size_t len;
		int err;
	} cases[] = {
		{ "COST fraction 1000", MIH_IE_COST,
		  "\x02\x00\x00\x00\x01\x03\xe8" "EUR", 10, MIH_E_BAD_VALUE },
		{ "COST unit 9", MIH_IE_COST,
		  "\x09\x00\x00\x00\x01\x00\x00" "EUR", 10, MIH_E_BAD_ENUM },
		{ "channel low > high", MIH_IE_POA_CHANNEL_RANGE,
		  "\x00\x00\x00\x02\x00\x00\x00\x01", 8, MIH_E_BAD_VALUE },
		{ "IPv4 prefix 33", MIH_IE_POA_SUBNET_INFO,
		  "\x00\x01\x04\x0a\x00\x00\x00\x21", 8, MIH_E_BAD_VALUE },
		{ "subnet without address", MIH_IE_POA_SUBNET_INFO,
		  "\x00\x00\x00\x00", 4, MIH_E_BAD_ADDR },
		{ "OP_NAMESPACE 5", MIH_IE_OPERATOR_ID, "\x01x\x05", 3,
		  MIH_E_BAD_ENUM },
		{ "OP_NAME overrun", MIH_IE_OPERATOR_ID, "\x05x\x00", 3,
		  MIH_E_OVERRUN },
		{ "MOBILE_NETWORK 2", MIH_IE_NET_MOBILE_NETWORK, "\x02", 1,
		  MIH_E_BAD_BOOL },
		{ "LOCATION selector 3", MIH_IE_POA_LOCATION, "\x03", 1,
		  MIH_E_BAD_CHOICE },
		{ "GEO selector 2", MIH_IE_POA_LOCATION, "\x01\x02", 2,
		  MIH_E_BAD_CHOICE },
		{ "DATA_RATE 5 octets", MIH_IE_NETWORK_DATA_RATE,
		  "\x00\x00\x00\x01\x00", 5, MIH_E_TRAILING },
		{ "COUNTRY_CODE 1 octet", MIH_IE_COUNTRY_CODE, "D", 1,
		  MIH_E_TRUNCATED },
		{ "FREQ_BANDS 17", MIH_IE_NET_FREQUENCY_BANDS,
		  "\x11\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00"
		  "\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00"
		  "\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00"
		  "\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00"
		  "\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01",
		  69, MIH_E_TOO_MANY },
		{ "NETWORK_ID 254 octets", MIH_IE_NETWORK_ID,
		  "\x81\x7e", 2, MIH_E_OVERRUN },
		{ "container: IE overruns", MIH_IE_CONTAINER_POA,
		  "\x10\x00\x01\x06\x05\x00", 6, MIH_E_OVERRUN },
		{ "container: bad inner value", MIH_IE_CONTAINER_POA,
		  "\x10\x00\x01\x0f\x01\x07", 6, MIH_E_BAD_BOOL },
		{ "unknown IE type", 0x12345678, "", 0, MIH_E_INVAL },
	};
	struct mih_ie_val v;
	struct mih_rd r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *d = dup_exact(cases[i].v, cases[i].len);
		int e = mih_ie_value_decode(cases[i].type, d, cases[i].len, &v,
					    &r);

		if (e != cases[i].err)
			TH_LOG("%s: got %d (%s)", cases[i].name, e, r.why);
		EXPECT_EQ(cases[i].err, e);
		free(d);
	}
	/* a LIST(IE) count larger than what follows */
	EXPECT_EQ(MIH_E_OVERRUN,
		  mih_ir_bin_data_list_check((const uint8_t *)"\x01\x02\x10"
					     "\x00\x00\x00\x01\x00", 8, &r));
	/* an encoder refuses what a decoder would reject */
	{
		uint8_t buf[32];
		struct mih_wr w;

		mih_wr_init(&w, buf, sizeof(buf));
		mih_put_ie_value(&w, &(struct mih_ie_val){
			.type = MIH_IE_COST, .u.cost = { .fraction = 1000 } });
		EXPECT_EQ(MIH_E_RANGE, w.err);
		mih_wr_init(&w, buf, sizeof(buf));
		mih_put_ie_value(&w, &(struct mih_ie_val){
			.type = MIH_IE_CONTAINER_POA });
		EXPECT_EQ(MIH_E_INVAL, w.err);
	}
}

TEST(tlv_printers)
{
	uint8_t buf[256];
	struct mih_ie_wr iw;
	size_t len;
	char s[512];

	mih_tlv_fmt(MIH_TLV_IQ_BIN_DATA_LIST, iq_example, sizeof(iq_example),
		    s, sizeof(s));
	EXPECT_STREQ("[(report [IE_NETWORK_TYPE, IE_OPERATOR_ID, IE_COST])]",
		     s);

	mih_ie_wr_init(&iw, buf, sizeof(buf));
	mih_ie_list_begin(&iw);
	mih_ie_list_begin(&iw);
	mih_ie_put(&iw, &(struct mih_ie_val){ .type = MIH_IE_NETWORK_ID,
		.u.str = { (const uint8_t *)"mihnet", 6 } });
	mih_ie_begin(&iw, MIH_IE_CONTAINER_POA);
	mih_ie_put(&iw, &(struct mih_ie_val){
		.type = MIH_IE_POA_CHANNEL_RANGE, .u.channel = { 1, 11 } });
	mih_ie_end(&iw);
	mih_ie_list_end(&iw);
	mih_ie_list_end(&iw);
	ASSERT_EQ(0, mih_ie_wr_finish(&iw, &len));
	mih_tlv_fmt(MIH_TLV_IR_BIN_DATA_LIST, buf, len, s, sizeof(s));
	EXPECT_STREQ("[(IE_NETWORK_ID: \"mihnet\", IE_CONTAINER_POA "
		     "{IE_POA_CHANNEL_RANGE: 1..11})]", s);
}

/* random mutations of valid IS payloads: no crash, no over-read */
static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

TEST(fuzz_is_payloads)
{
	uint8_t ir[512], m[600];
	struct mih_ie_wr iw;
	size_t irl, len;
	unsigned int ok_ir = 0, ok_iq = 0;
	char s[1024];

	mih_ie_wr_init(&iw, ir, sizeof(ir));
	mih_ie_list_begin(&iw);
	mih_ie_list_begin(&iw);
	mih_ie_put(&iw, &(struct mih_ie_val){ .type = MIH_IE_COST,
		.u.cost = { MIH_COST_DAY, 3, 250, { 'E', 'U', 'R' } } });
	mih_ie_begin(&iw, MIH_IE_CONTAINER_NETWORK);
	mih_ie_put(&iw, &(struct mih_ie_val){ .type = MIH_IE_NETWORK_TYPE,
		.u.network_type = { .has_link_type = true,
				    .link_type = MIH_LT_802_11 } });
	mih_ie_begin(&iw, MIH_IE_CONTAINER_POA);
	mih_ie_put(&iw, &(struct mih_ie_val){ .type = MIH_IE_POA_SUBNET_INFO,
		.u.subnet = { { MIH_AF_IPV4, { 10, 0, 0, 0 } }, 8 } });
	mih_ie_put(&iw, &(struct mih_ie_val){ .type = MIH_IE_POA_LOCATION,
		.u.location = { .kind = MIH_LOC_CELL_ID, .cell_id = 9 } });
	mih_ie_end(&iw);
	mih_ie_end(&iw);
	mih_ie_list_end(&iw);
	mih_ie_list_end(&iw);
	ASSERT_EQ(0, mih_ie_wr_finish(&iw, &irl));

	for (int iter = 0; iter < 20000; iter++) {
		bool is_ir = iter & 1;
		const uint8_t *src = is_ir ? ir : iq_example;
		struct mih_rd r;
		uint8_t *d;

		len = is_ir ? irl : sizeof(iq_example);
		memcpy(m, src, len);
		for (unsigned int k = 1 + rnd() % 3; k; k--) {
			if (!len) {
				m[len++] = (uint8_t)rnd();
				continue;
			}
			switch (rnd() % 4) {
			case 0:
				m[rnd() % len] ^= (uint8_t)(1 << rnd() % 8);
				break;
			case 1:
				m[rnd() % len] = (uint8_t)rnd();
				break;
			case 2:
				len = rnd() % (len + 1);
				break;
			default:
				if (len < sizeof(m) - 4)
					m[len++] = (uint8_t)rnd();
			}
		}
		d = dup_exact(m, len);
		if (is_ir) {
			if (!mih_ir_bin_data_list_check(d, len, &r))
				ok_ir++;
			mih_tlv_fmt(MIH_TLV_IR_BIN_DATA_LIST, d, len, s,
				    sizeof(s));
		} else {
			if (!mih_iq_bin_data_list_check(d, len, &r))
				ok_iq++;
			mih_tlv_fmt(MIH_TLV_IQ_BIN_DATA_LIST, d, len, s,
				    sizeof(s));
		}
		EXPECT_NE('\0', s[0]);
		free(d);
	}
	TH_LOG("fuzz: %u IR and %u IQ mutations still valid", ok_ir, ok_iq);
	EXPECT_LT(ok_ir + ok_iq, 20000U);
}

TEST_HARNESS_MAIN

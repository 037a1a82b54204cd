// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: 802.21 message names <-> MIDs (lib/mihmsg.c) against the
 * MIDs listed in WIRE.md section 3.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "lib/mihmsg.h"

/* WIRE.md section 3, column "MID (req / rsp / ind)", typed from the doc */
static const struct {
	const char *name;
	uint16_t mids[2];
	int n;
} wire[] = {
	{ "MIH_Capability_Discover", { 0x1401, 0x1801 }, 2 },
	{ "MIH_Register", { 0x1402, 0x1802 }, 2 },
	{ "MIH_DeRegister", { 0x1403, 0x1803 }, 2 },
	{ "MIH_Event_Subscribe", { 0x1404, 0x1804 }, 2 },
	{ "MIH_Event_Unsubscribe", { 0x1405, 0x1805 }, 2 },
	{ "MIH_Link_Detected", { 0x2C01 }, 1 },
	{ "MIH_Link_Up", { 0x2C02 }, 1 },
	{ "MIH_Link_Down", { 0x2C03 }, 1 },
	{ "MIH_Link_Parameters_Report", { 0x2C05 }, 1 },
	{ "MIH_Link_Going_Down", { 0x2C06 }, 1 },
	{ "MIH_Link_Handover_Imminent", { 0x2C07 }, 1 },
	{ "MIH_Link_Handover_Complete", { 0x2C08 }, 1 },
	{ "MIH_Link_Get_Parameters", { 0x3401, 0x3801 }, 2 },
	{ "MIH_Link_Configure_Thresholds", { 0x3402, 0x3802 }, 2 },
	{ "MIH_Link_Actions", { 0x3403, 0x3803 }, 2 },
	{ "MIH_Net_HO_Candidate_Query", { 0x3404, 0x3804 }, 2 },
	{ "MIH_MN_HO_Candidate_Query", { 0x3405, 0x3805 }, 2 },
	{ "MIH_N2N_HO_Query_Resources", { 0x3406, 0x3806 }, 2 },
	{ "MIH_MN_HO_Commit", { 0x3407, 0x3807 }, 2 },
	{ "MIH_Net_HO_Commit", { 0x3408, 0x3808 }, 2 },
	{ "MIH_N2N_HO_Commit", { 0x3409, 0x3809 }, 2 },
	{ "MIH_MN_HO_Complete", { 0x340A, 0x380A }, 2 },
	{ "MIH_N2N_HO_Complete", { 0x340B, 0x380B }, 2 },
	{ "MIH_Get_Information", { 0x4401, 0x4801 }, 2 },
	{ "MIH_Push_Information", { 0x4C02 }, 1 },
};

#define NWIRE ((int)(sizeof(wire) / sizeof(wire[0])))

TEST(table_matches_wire_md)
{
	size_t n;
	const struct mihmsg *t = mihmsg_table(&n);

	ASSERT_EQ(NWIRE, (int)n);
	for (int i = 0; i < NWIRE; i++) {
		uint16_t mids[4];
		char full[MIHMSG_NAME_LEN], buf[MIHMSG_NAME_LEN];

		EXPECT_STREQ(wire[i].name, t[i].name);
		ASSERT_EQ(wire[i].n, mihmsg_parse(wire[i].name, mids, 4));
		for (int k = 0; k < wire[i].n; k++) {
			unsigned int op = MIHMSG_OP(wire[i].mids[k]);

			EXPECT_EQ(wire[i].mids[k], mids[k]);
			/* name back, and that name parses to the one MID */
			snprintf(full, sizeof(full), "%s.%s", wire[i].name,
				 mihmsg_op_name(op));
			EXPECT_STREQ(full, mihmsg_name(wire[i].mids[k], buf,
						       sizeof(buf)));
			EXPECT_EQ(1, mihmsg_parse(full, mids + 2, 1));
			EXPECT_EQ(wire[i].mids[k], mids[2]);
		}
	}
}

TEST(suffixes)
{
	uint16_t m[4];

	EXPECT_EQ(1, mihmsg_parse("MIH_Get_Information.request", m, 4));
	EXPECT_EQ(0x4401, m[0]);
	EXPECT_EQ(1, mihmsg_parse("MIH_Get_Information.response", m, 4));
	EXPECT_EQ(0x4801, m[0]);
	EXPECT_EQ(1, mihmsg_parse("MIH_Link_Up.indication", m, 4));
	EXPECT_EQ(0x2C02, m[0]);
	/* opcodes the message does not have on the wire */
	EXPECT_EQ(-EINVAL, mihmsg_parse("MIH_Get_Information.indication", m, 4));
	EXPECT_EQ(-EINVAL, mihmsg_parse("MIH_Link_Up.request", m, 4));
	EXPECT_EQ(-EINVAL, mihmsg_parse("MIH_Get_Information.confirm", m, 4));
	EXPECT_EQ(-EINVAL, mihmsg_parse("MIH_Get_Information.", m, 4));
	EXPECT_EQ(-EINVAL, mihmsg_parse("MIH_Get_Information.Request", m, 4));
}

TEST(bad_names)
{
	static const char *const bad[] = {
		"", "mih_get_information", "MIH_Get_Informatio",
		"MIH_Get_InformationX", "MIH_Net_HO_Best_Commit", "Link_Up",
		"MIH_Link_Up ", " MIH_Link_Up", "0x", "0x12345", "0xg1",
		"4401", "0x44 01", "-1", "MIH_Link_Up.indication.x",
	};
	uint16_t m[4];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, mihmsg_parse(bad[i], m, 4)) {
			TH_LOG("accepted \"%s\"", bad[i]);
		}
	}
}

TEST(raw_mids)
{
	uint16_t m[1];
	char buf[MIHMSG_NAME_LEN];

	EXPECT_EQ(1, mihmsg_parse("0x4401", m, 1));
	EXPECT_EQ(0x4401, m[0]);
	EXPECT_EQ(1, mihmsg_parse("0XfFfF", m, 1));
	EXPECT_EQ(0xffff, m[0]);
	EXPECT_EQ(1, mihmsg_parse("0x0", m, 1));
	EXPECT_EQ(0, m[0]);
	EXPECT_EQ(-ENOSPC, mihmsg_parse("0x1", m, 0));
	/* unknown messages and confirm opcodes print as numbers */
	EXPECT_STREQ("0xffff", mihmsg_name(0xffff, buf, sizeof(buf)));
	EXPECT_STREQ("0x0401", mihmsg_name(0x0401, buf, sizeof(buf)));
	EXPECT_STREQ("0x4001", mihmsg_name(0x4001, buf, sizeof(buf)));
	EXPECT_STREQ("0x4c01", mihmsg_name(0x4c01, buf, sizeof(buf)));
	EXPECT_STREQ("0x2c04", mihmsg_name(0x2c04, buf, sizeof(buf)));
}

TEST(space_limit)
{
	uint16_t m[2];

	EXPECT_EQ(-ENOSPC, mihmsg_parse("MIH_Get_Information", m, 1));
	EXPECT_EQ(2, mihmsg_parse("MIH_Get_Information", m, 2));
	EXPECT_EQ(-ENOSPC, mihmsg_parse("MIH_Link_Up", m, 0));
}

TEST(lists)
{
	uint16_t m[8];
	const char *bad = (const char *)1;
	static const char list[] = "MIH_Get_Information,MIH_Link_Up,"
				   "0x4401,MIH_Link_Up.indication";

	EXPECT_EQ(3, mihmsg_parse_list(list, m, 8, &bad));
	EXPECT_EQ(NULL, bad);
	EXPECT_EQ(0x4401, m[0]);
	EXPECT_EQ(0x4801, m[1]);
	EXPECT_EQ(0x2C02, m[2]);
	EXPECT_EQ(-ENOSPC, mihmsg_parse_list(list, m, 2, &bad));

	static const char e1[] = "MIH_Link_Up,,MIH_Link_Down";
	EXPECT_EQ(-EINVAL, mihmsg_parse_list(e1, m, 8, &bad));
	EXPECT_EQ(e1 + 12, bad);
	static const char e2[] = "MIH_Link_Up,";
	EXPECT_EQ(-EINVAL, mihmsg_parse_list(e2, m, 8, &bad));
	EXPECT_EQ(e2 + 12, bad);
	static const char e3[] = "MIH_Link_Up,Nope";
	EXPECT_EQ(-EINVAL, mihmsg_parse_list(e3, m, 8, &bad));
	EXPECT_EQ(e3 + 12, bad);
	EXPECT_EQ(-EINVAL, mihmsg_parse_list("", m, 8, &bad));
}

TEST(mid_macros)
{
	EXPECT_EQ(0x4401, MIHMSG_MID(4, 1, 1));
	EXPECT_EQ(4, (int)MIHMSG_SID(0x4C02));
	EXPECT_EQ(3, (int)MIHMSG_OP(0x4C02));
	EXPECT_EQ(2, (int)MIHMSG_AID(0x4C02));
	EXPECT_EQ(NULL, mihmsg_lookup(2, 4));
	EXPECT_EQ(NULL, mihmsg_op_name(4));
}

TEST_HARNESS_MAIN

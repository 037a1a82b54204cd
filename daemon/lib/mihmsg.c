// SPDX-License-Identifier: GPL-2.0
/*
 * IEEE 802.21 message names <-> MIDs.  See mihmsg.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mihmsg.h"

#define RQ ((1 << MIHMSG_OP_REQUEST) | (1 << MIHMSG_OP_RESPONSE))
#define IND (1 << MIHMSG_OP_INDICATION)

/* WIRE.md section 3 */
static const struct mihmsg table[] = {
	{ "MIH_Capability_Discover",		1, 1, RQ },
	{ "MIH_Register",			1, 2, RQ },
	{ "MIH_DeRegister",			1, 3, RQ },
	{ "MIH_Event_Subscribe",		1, 4, RQ },
	{ "MIH_Event_Unsubscribe",		1, 5, RQ },
	{ "MIH_Link_Detected",			2, 1, IND },
	{ "MIH_Link_Up",			2, 2, IND },
	{ "MIH_Link_Down",			2, 3, IND },
	{ "MIH_Link_Parameters_Report",		2, 5, IND },
	{ "MIH_Link_Going_Down",		2, 6, IND },
	{ "MIH_Link_Handover_Imminent",		2, 7, IND },
	{ "MIH_Link_Handover_Complete",		2, 8, IND },
	{ "MIH_Link_Get_Parameters",		3, 1, RQ },
	{ "MIH_Link_Configure_Thresholds",	3, 2, RQ },
	{ "MIH_Link_Actions",			3, 3, RQ },
	{ "MIH_Net_HO_Candidate_Query",		3, 4, RQ },
	{ "MIH_MN_HO_Candidate_Query",		3, 5, RQ },
	{ "MIH_N2N_HO_Query_Resources",		3, 6, RQ },
	{ "MIH_MN_HO_Commit",			3, 7, RQ },
	{ "MIH_Net_HO_Commit",			3, 8, RQ },
	{ "MIH_N2N_HO_Commit",			3, 9, RQ },
	{ "MIH_MN_HO_Complete",			3, 10, RQ },
	{ "MIH_N2N_HO_Complete",		3, 11, RQ },
	{ "MIH_Get_Information",		4, 1, RQ },
	{ "MIH_Push_Information",		4, 2, IND },
};

static const char *const op_names[] = {
	[MIHMSG_OP_CONFIRM]	= "confirm",
	[MIHMSG_OP_REQUEST]	= "request",
	[MIHMSG_OP_RESPONSE]	= "response",
	[MIHMSG_OP_INDICATION]	= "indication",
};

const struct mihmsg *mihmsg_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct mihmsg *mihmsg_lookup(unsigned int sid, unsigned int aid)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].sid == sid && table[i].aid == aid)
			return &table[i];
	return NULL;
}

const char *mihmsg_op_name(unsigned int op)
{
	return op < 4 ? op_names[op] : NULL;
}

static int parse_raw(const char *s, uint16_t *mid)
{
	size_t n;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	s += 2;
	n = strspn(s, "0123456789abcdefABCDEF");
	if (n < 1 || n > 4 || s[n])
		return -EINVAL;
	*mid = (uint16_t)strtoul(s, NULL, 16);
	return 0;
}

int mihmsg_parse(const char *s, uint16_t *mids, size_t max)
{
	const struct mihmsg *m = NULL;
	const char *dot = strchr(s, '.');
	size_t nlen = dot ? (size_t)(dot - s) : strlen(s);
	int n = 0;

	if (s[0] == '0') {
		uint16_t mid;

		if (parse_raw(s, &mid))
			return -EINVAL;
		if (max < 1)
			return -ENOSPC;
		mids[0] = mid;
		return 1;
	}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strlen(table[i].name) == nlen &&
		    !strncmp(table[i].name, s, nlen)) {
			m = &table[i];
			break;
		}
	}
	if (!m)
		return -EINVAL;
	if (dot) {
		for (unsigned int op = MIHMSG_OP_REQUEST;
		     op <= MIHMSG_OP_INDICATION; op++) {
			if ((m->ops & (1 << op)) &&
			    !strcmp(dot + 1, op_names[op])) {
				if (max < 1)
					return -ENOSPC;
				mids[0] = MIHMSG_MID(m->sid, op, m->aid);
				return 1;
			}
		}
		return -EINVAL;
	}
	for (unsigned int op = MIHMSG_OP_REQUEST; op <= MIHMSG_OP_INDICATION;
	     op++) {
		if (!(m->ops & (1 << op)))
			continue;
		if ((size_t)n == max)
			return -ENOSPC;
		mids[n++] = MIHMSG_MID(m->sid, op, m->aid);
	}
	return n;
}

int mihmsg_parse_list(const char *s, uint16_t *mids, size_t max,
		      const char **bad)
{
	size_t n = 0;

	*bad = NULL;
	for (;;) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		char item[MIHMSG_NAME_LEN];
		uint16_t one[3];
		int k;

		if (!len || len >= sizeof(item)) {
			*bad = s;
			return -EINVAL;
		}
		memcpy(item, s, len);
		item[len] = '\0';
		k = mihmsg_parse(item, one, 3);
		if (k < 0) {
			*bad = s;
			return -EINVAL;
		}
		for (int i = 0; i < k; i++) {
			size_t j;

			for (j = 0; j < n && mids[j] != one[i]; j++)
				;
			if (j < n)
				continue;
			if (n == max)
				return -ENOSPC;
			mids[n++] = one[i];
		}
		if (!end)
			return (int)n;
		s = end + 1;
	}
}

char *mihmsg_name(uint16_t mid, char *buf, size_t len)
{
	const struct mihmsg *m = mihmsg_lookup(MIHMSG_SID(mid), MIHMSG_AID(mid));
	unsigned int op = MIHMSG_OP(mid);

	if (m && (m->ops & (1 << op)))
		snprintf(buf, len, "%s.%s", m->name, op_names[op]);
	else
		snprintf(buf, len, "0x%04x", mid);
	return buf;
}

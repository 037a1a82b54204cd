// SPDX-License-Identifier: GPL-2.0
/*
 * IEEE 802.21 message schemas, strict typed parse, typed builders.
 * See mihmsgdef.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/mihmsgdef.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the schema table ---- */

#define M(t)		{ (t), 0 }
#define O(t)		{ (t), MIH_TD_OPT }
#define ALT(t)		{ (t), MIH_TD_ALT }
#define OALT(t)		{ (t), MIH_TD_ALT | MIH_TD_OPT }
#define TLVS(...)	.n_tlvs = sizeof((struct mih_tlvdef[]){ __VA_ARGS__ }) \
				  / sizeof(struct mih_tlvdef), \
			.tlvs = { __VA_ARGS__ }
#define REQ(sid, aid)	MIH_MID(sid, MIH_OP_REQUEST, aid)
#define RSP(sid, aid)	MIH_MID(sid, MIH_OP_RESPONSE, aid)
#define IND(sid, aid)	MIH_MID(sid, MIH_OP_INDICATION, aid)

#define SM	MIH_SID_SERVICE_MGMT
#define ES	MIH_SID_EVENT
#define CS	MIH_SID_COMMAND
#define IS	MIH_SID_INFO
#define A	MIH_MD_ASSUMED

/*
 * Every message of WIRE.md section 3 with the TLVs of section 9, in order.
 * Where section 9 says a TLV appears only on success (or lists nothing for
 * a failure), it is optional here.  MIH_MD_ASSUMED entries have no two
 * corroborating sources: their TLV lists are our reading of 802.21-2008,
 * using only TLV types WIRE.md section 7 defines.
 */
static const struct mih_msgdef defs[] = {
	{ REQ(SM, 1), "MIH_Capability_Discover.request", MIH_MD_EMPTY_DST,
	  TLVS(O(9), O(5), O(6), O(7), O(8), O(10)),
	  "OT service_management.cpp" },
	{ RSP(SM, 1), "MIH_Capability_Discover.response", 0,
	  TLVS(M(3), O(9), O(5), O(6), O(7), O(8), O(10)),
	  "OT service_management.cpp; LAB" },
	{ REQ(SM, 2), "MIH_Register.request", 0,
	  TLVS(M(25), M(11)), "OT register_request; LAB" },
	{ RSP(SM, 2), "MIH_Register.response", 0,
	  TLVS(M(3), OALT(12), OALT(21)),
	  "WIRE.md 9/13: valid time interval is TLV 12, only on success; "
	  "ODTONE's TLV 21 (u16) accepted in its place, never sent" },
	{ REQ(SM, 3), "MIH_DeRegister.request", 0, TLVS(), "OT" },
	{ RSP(SM, 3), "MIH_DeRegister.response", 0, TLVS(M(3)), "OT" },
	{ REQ(SM, 4), "MIH_Event_Subscribe.request", 0,
	  TLVS(M(13), M(5), O(54)), "OT event_service.cpp; LAB" },
	{ RSP(SM, 4), "MIH_Event_Subscribe.response", 0,
	  TLVS(M(3), M(13), O(5)), "OT; LAB (5 only on success)" },
	{ REQ(SM, 5), "MIH_Event_Unsubscribe.request", 0,
	  TLVS(M(13), M(5)), "OT event_service.cpp" },
	{ RSP(SM, 5), "MIH_Event_Unsubscribe.response", 0,
	  TLVS(M(3), M(13), O(5)), "OT (5 only on success, as subscribe)" },
	{ IND(ES, 1), "MIH_Link_Detected.indication", 0,
	  TLVS(M(58)), "OT event_service.cpp" },
	{ IND(ES, 2), "MIH_Link_Up.indication", 0,
	  TLVS(M(13), O(15), O(16), O(17), O(18)), "OT sap_80211/sap_8023" },
	{ IND(ES, 3), "MIH_Link_Down.indication", 0,
	  TLVS(M(13), O(15), M(20)), "OT sap_80211/sap_8023" },
	{ IND(ES, 5), "MIH_Link_Parameters_Report.indication", 0,
	  TLVS(M(13), M(23)), "OT sap_80211_linux" },
	{ IND(ES, 6), "MIH_Link_Going_Down.indication", 0,
	  TLVS(M(13), M(21), M(22)), "OT sap_80211_linux" },
	{ IND(ES, 7), "MIH_Link_Handover_Imminent.indication", A,
	  TLVS(M(13), M(14), O(15), O(16)),
	  "assumption: old link, new link, opt. old/new AR "
	  "(as Link_Handover_Complete)" },
	{ IND(ES, 8), "MIH_Link_Handover_Complete.indication", 0,
	  TLVS(M(13), M(14), O(15), O(16)), "OT event_service.cpp" },
	{ REQ(CS, 1), "MIH_Link_Get_Parameters.request", MIH_MD_EMPTY_DST,
	  TLVS(O(24), M(25), M(27)),
	  "OT command_service.cpp (only 24 is boost::optional there)" },
	{ RSP(CS, 1), "MIH_Link_Get_Parameters.response", 0,
	  TLVS(M(3), O(26), O(28)),
	  "OT command_service.cpp (28 only on success)" },
	{ REQ(CS, 2), "MIH_Link_Configure_Thresholds.request",
	  MIH_MD_EMPTY_DST, TLVS(M(13), M(29)), "OT command_service.cpp" },
	{ RSP(CS, 2), "MIH_Link_Configure_Thresholds.response", 0,
	  TLVS(M(3), M(13), M(30)), "OT command_service.cpp" },
	{ REQ(CS, 3), "MIH_Link_Actions.request", 0,
	  TLVS(M(38)), "OT command_service.cpp" },
	{ RSP(CS, 3), "MIH_Link_Actions.response", 0,
	  TLVS(M(3), M(39)), "OT command_service.cpp" },
	{ REQ(CS, 4), "MIH_Net_HO_Candidate_Query.request", A,
	  TLVS(M(31), O(33)),
	  "assumption: suggested new links (31), opt. QoS query (33)" },
	{ RSP(CS, 4), "MIH_Net_HO_Candidate_Query.response", A,
	  TLVS(M(3), M(34), O(32)),
	  "assumption: status, HO status (34), opt. preferred links (32)" },
	{ REQ(CS, 5), "MIH_MN_HO_Candidate_Query.request", A,
	  TLVS(M(31), O(33)),
	  "assumption: candidate link PoA lists (31), opt. QoS query (33)" },
	{ RSP(CS, 5), "MIH_MN_HO_Candidate_Query.response", A,
	  TLVS(M(3), M(32), O(13)),
	  "assumption: status, preferred links (32), opt. source link (13)" },
	{ REQ(CS, 6), "MIH_N2N_HO_Query_Resources.request", A,
	  TLVS(M(52), M(59), M(33), O(63)),
	  "assumption: MN MIHF ID, MN link, QoS query, opt. requested "
	  "resource set (63)" },
	{ RSP(CS, 6), "MIH_N2N_HO_Query_Resources.response", A,
	  TLVS(M(3), M(52), M(41), O(57)),
	  "assumption: status, MN MIHF ID, resource status (41), opt. "
	  "assigned resource set (57)" },
	{ REQ(CS, 7), "MIH_MN_HO_Commit.request", A,
	  TLVS(M(59), M(55)),
	  "assumption: MN link (59), target network info (55)" },
	{ RSP(CS, 7), "MIH_MN_HO_Commit.response", A,
	  TLVS(M(3), O(40)), "assumption: status, opt. HO result (40)" },
	{ REQ(CS, 8), "MIH_Net_HO_Commit.request", A,
	  TLVS(M(59), M(56)),
	  "assumption: MN link (59), list of target network info (56)" },
	{ RSP(CS, 8), "MIH_Net_HO_Commit.response", A,
	  TLVS(M(3), O(40)), "assumption: status, opt. HO result (40)" },
	{ REQ(CS, 9), "MIH_N2N_HO_Commit.request", A,
	  TLVS(M(52), M(59), M(55), O(63)),
	  "assumption: MN MIHF ID, MN link, target network info, opt. "
	  "requested resource set (63)" },
	{ RSP(CS, 9), "MIH_N2N_HO_Commit.response", A,
	  TLVS(M(3), M(52), O(57)),
	  "assumption: status, MN MIHF ID, opt. assigned resource set (57)" },
	{ REQ(CS, 10), "MIH_MN_HO_Complete.request", A,
	  TLVS(M(59), M(40)),
	  "assumption: MN link (59), HO result (40)" },
	{ RSP(CS, 10), "MIH_MN_HO_Complete.response", A,
	  TLVS(M(3), M(42)),
	  "assumption: status, resource retention status (42)" },
	{ REQ(CS, 11), "MIH_N2N_HO_Complete.request", A,
	  TLVS(M(52), M(59), M(40)),
	  "assumption: MN MIHF ID, MN link, HO result (40)" },
	{ RSP(CS, 11), "MIH_N2N_HO_Complete.response", A,
	  TLVS(M(3), M(42)),
	  "assumption: status, resource retention status (42)" },
	{ REQ(IS, 1), "MIH_Get_Information.request", 0,
	  TLVS(ALT(43), ALT(44), ALT(45), ALT(46), O(47), O(61)),
	  "OT miis_rdf_server; one of 43..46 (binary form LAB-checked); "
	  "61 (UIR) is our assumption" },
	{ RSP(IS, 1), "MIH_Get_Information.response", 0,
	  TLVS(M(3), OALT(48), OALT(49), OALT(50), OALT(51)),
	  "OT miis_rdf_server; the answer only on success" },
	{ IND(IS, 2), "MIH_Push_Information.indication", MIH_MD_EMPTY_DST | A,
	  TLVS(ALT(48), ALT(49)),
	  "assumption: one IS response list, binary (48) or RDF (49)" },
};

const struct mih_msgdef *mih_msgdef_table(size_t *n)
{
	*n = ARRAY_SIZE(defs);
	return defs;
}

const struct mih_msgdef *mih_msgdef_lookup(uint16_t mid)
{
	for (size_t i = 0; i < ARRAY_SIZE(defs); i++)
		if (defs[i].mid == mid)
			return &defs[i];
	return NULL;
}

int mih_msgdef_tlv_index(const struct mih_msgdef *def, uint8_t type)
{
	for (int i = 0; i < def->n_tlvs; i++)
		if (def->tlvs[i].type == type)
			return i;
	return -1;
}

/* first index of the one-of group holding index i */
static int alt_group(const struct mih_msgdef *def, int i)
{
	while (i > 0 && (def->tlvs[i - 1].flags & MIH_TD_ALT))
		i--;
	return i;
}

/* ---- parse ---- */

__attribute__((format(printf, 5, 6)))
static int fail(struct mih_msg_err *e, int code, uint8_t type, size_t off,
		const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	e->code = code;
	e->tlv_type = type;
	e->offset = off;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	return code;
}

static const char *tlv_label(uint8_t type)
{
	const char *n = mih_tlv_name(type);

	return n ? n : "unassigned";
}

/* Report an mih_pdu_parse() failure with the offset of its defect */
static int pdu_fail(const uint8_t *buf, size_t len, int code,
		    struct mih_msg_err *e)
{
	struct mih_tlv_iter it;
	struct mih_tlv tlv;
	size_t off;

	switch (code) {
	case MIH_E_TRUNCATED:
		if (len < MIH_HDR_LEN)
			return fail(e, code, 0, len, "PDU of %zu octet(s) is "
				    "shorter than the 8-octet header", len);
		break;
	case MIH_E_VERSION:
		return fail(e, code, 0, 0, "header: version %u (only 1)",
			    buf[0] >> 4);
	case MIH_E_PAYLOAD_LEN:
		return fail(e, code, 0, 6, "header: payload length %u, but "
			    "%zu octet(s) follow the header",
			    (unsigned int)(buf[6] << 8 | buf[7]),
			    len - MIH_HDR_LEN);
	}
	/* find the TLV at fault */
	mih_tlv_iter_init(&it, buf + MIH_HDR_LEN, len - MIH_HDR_LEN);
	off = MIH_HDR_LEN;
	while (mih_tlv_next(&it, &tlv) > 0) {
		if (code == MIH_E_NO_SRC_ID || code == MIH_E_NO_DST_ID ||
		    code == MIH_E_ID_LEN || code == MIH_E_ID_TOO_LONG) {
			bool want_src = code == MIH_E_NO_SRC_ID;

			off = MIH_HDR_LEN + tlv.offset;
			if (code == MIH_E_NO_SRC_ID || code == MIH_E_NO_DST_ID)
				return fail(e, code, tlv.type, off,
					    "TLV %u (%s) at offset %zu: %s "
					    "MIHF ID expected", tlv.type,
					    tlv_label(tlv.type), off,
					    want_src ? "Source" :
					    "Destination");
			if (tlv.type <= 2) {
				const uint8_t *id;
				size_t idl;

				if (mih_mihf_id_decode(&tlv, &id, &idl) ==
				    code)
					return fail(e, code, tlv.type, off,
						    "TLV %u (%s) at offset "
						    "%zu: %s", tlv.type,
						    tlv_label(tlv.type), off,
						    mih_strerror(code));
			}
		}
		off = MIH_HDR_LEN + it.pos;
	}
	if (it.err)
		off = MIH_HDR_LEN + it.pos;
	if (code == MIH_E_NO_SRC_ID || code == MIH_E_NO_DST_ID)
		return fail(e, code, 0, off, "offset %zu: %s MIHF ID missing",
			    off, code == MIH_E_NO_SRC_ID ? "Source" :
			    "Destination");
	return fail(e, code, it.err ? it.buf[it.pos] : 0, off,
		    "TLV at offset %zu: %s", off, mih_strerror(code));
}

static bool has_def_for(uint16_t mid)
{
	for (unsigned int op = 1; op <= 3; op++)
		if (mih_msgdef_lookup(MIH_MID(mid >> 12, op, mid & 0x3ff)))
			return true;
	return false;
}

int mih_msg_parse(const uint8_t *buf, size_t len, struct mih_msg *m,
		  struct mih_msg_err *err)
{
	const struct mih_msgdef *def;
	const struct mih_hdr *h = &m->pdu.hdr;
	struct mih_tlv_iter it;
	struct mih_tlv tlv;
	uint32_t seen = 0;
	int last = -1, r, i;
	char mname[MIH_MSG_ERR_TEXT / 2];
	uint16_t mid;

	memset(m, 0, sizeof(*m));
	if (err)
		memset(err, 0, sizeof(*err));
	if (!buf)
		return fail(err, MIH_E_INVAL, 0, 0, "no buffer");
	r = mih_pdu_parse(buf, len, &m->pdu);
	if (r)
		return pdu_fail(buf, len, r, err);
	if (h->more || h->fn)
		return fail(err, MIH_E_FRAGMENT, 0, 0, "header: fragment "
			    "(M %u, FN %u): fragmentation is not supported",
			    h->more, h->fn);
	mid = mih_hdr_mid(h);
	if (h->opcode == MIH_OP_CONFIRM)
		return fail(err, MIH_E_OPCODE, 0, 2, "header: MID 0x%04x has "
			    "opcode Confirm, never sent on the wire", mid);
	def = mih_msgdef_lookup(mid);
	if (!def) {
		if (has_def_for(mid))
			return fail(err, MIH_E_OPCODE, 0, 2, "header: MID "
				    "0x%04x: the message has no %s on the "
				    "wire", mid, h->opcode == 1 ? "request" :
				    h->opcode == 2 ? "response" :
				    "indication");
		return fail(err, MIH_E_UNKNOWN_MID, 0, 2, "header: unknown "
			    "MID 0x%04x (SID %u, AID %u)", mid, h->sid,
			    h->aid);
	}
	m->def = def;
	snprintf(mname, sizeof(mname), "%s", def->name);

	if (h->ack_rsp && m->pdu.body_len == 0) {
		m->pure_ack = true;
		return 0;
	}
	if (h->ack_rsp && h->opcode != MIH_OP_RESPONSE)
		return fail(err, MIH_E_ACK_BODY, 0, m->pdu.ids_len, "%s: "
			    "ACK-Rsp set on a %s with TLVs after the MIHF "
			    "IDs", mname, h->opcode == 1 ? "request" :
			    "indication");
	if (m->pdu.dst_id_len == 0 && !(def->flags & MIH_MD_EMPTY_DST)) {
		/* the Destination TLV is the 3 octets before the body */
		return fail(err, MIH_E_EMPTY_DST, MIH_TLV_DST_MIHF_ID,
			    m->pdu.ids_len - 3, "%s: empty Destination MIHF "
			    "ID not allowed (WIRE.md 5)", mname);
	}

	mih_tlv_iter_init(&it, m->pdu.body, m->pdu.body_len);
	while ((r = mih_tlv_next(&it, &tlv)) > 0) {
		size_t off = m->pdu.ids_len + tlv.offset;
		struct mih_rd rd;
		int g;

		tlv.offset = off;
		if (tlv.type >= 64) {
			m->skipped++;
			continue;
		}
		i = mih_msgdef_tlv_index(def, tlv.type);
		if (i < 0)
			return fail(err, MIH_E_TLV_UNEXPECTED, tlv.type, off,
				    "TLV %u (%s) at offset %zu: not part of "
				    "%s", tlv.type, tlv_label(tlv.type), off,
				    mname);
		if (seen & (1u << i))
			return fail(err, MIH_E_TLV_DUP, tlv.type, off,
				    "TLV %u (%s) at offset %zu: duplicate",
				    tlv.type, tlv_label(tlv.type), off);
		if (i < last)
			return fail(err, MIH_E_TLV_ORDER, tlv.type, off,
				    "TLV %u (%s) at offset %zu: after TLV %u, "
				    "out of order", tlv.type,
				    tlv_label(tlv.type), off,
				    def->tlvs[last].type);
		if (def->tlvs[i].flags & MIH_TD_ALT) {
			g = alt_group(def, i);
			for (int k = g; k < def->n_tlvs &&
			     (def->tlvs[k].flags & MIH_TD_ALT); k++)
				if (seen & (1u << k))
					return fail(err, MIH_E_TLV_ALT,
						    tlv.type, off,
						    "TLV %u (%s) at offset "
						    "%zu: TLV %u already "
						    "given (only one of "
						    "them)", tlv.type,
						    tlv_label(tlv.type), off,
						    def->tlvs[k].type);
		}
		if (mih_tlv_value_check(tlv.type, tlv.value, tlv.len, &rd)) {
			size_t voff = off + (tlv.size - tlv.len);

			return fail(err, rd.err, tlv.type, voff + rd.err_pos,
				    "TLV %u (%s) at offset %zu: %s", tlv.type,
				    tlv_label(tlv.type), off, rd.why);
		}
		if (m->n_tlvs >= MIH_MSG_TLV_MAX)
			return fail(err, MIH_E_TLV_TOO_MANY, tlv.type, off,
				    "too many TLVs");
		seen |= 1u << i;
		last = i;
		m->tlvs[m->n_tlvs++] = tlv;
	}
	if (r < 0)	/* cannot happen: mih_pdu_parse() walked it */
		return fail(err, r, 0, m->pdu.ids_len + it.pos, "TLV at "
			    "offset %zu: %s", m->pdu.ids_len + it.pos,
			    mih_strerror(r));

	for (i = 0; i < def->n_tlvs; i++) {
		const struct mih_tlvdef *t = &def->tlvs[i];

		if (t->flags & MIH_TD_OPT)
			continue;
		if (t->flags & MIH_TD_ALT) {
			int g = i, k;
			bool any = false;

			for (k = g; k < def->n_tlvs &&
			     (def->tlvs[k].flags & MIH_TD_ALT); k++)
				any |= !!(seen & (1u << k));
			if (!any)
				return fail(err, MIH_E_TLV_MISSING, t->type,
					    len, "%s: one of TLVs %u..%u "
					    "required", mname, t->type,
					    def->tlvs[k - 1].type);
			i = k - 1;
			continue;
		}
		if (!(seen & (1u << i)))
			return fail(err, MIH_E_TLV_MISSING, t->type, len,
				    "%s: mandatory TLV %u (%s) missing",
				    mname, t->type, tlv_label(t->type));
	}
	return 0;
}

const struct mih_tlv *mih_msg_tlv(const struct mih_msg *m, uint8_t type)
{
	for (unsigned int i = 0; i < m->n_tlvs; i++)
		if (m->tlvs[i].type == type)
			return &m->tlvs[i];
	return NULL;
}

static int msg_rd(const struct mih_msg *m, uint8_t type, struct mih_rd *r)
{
	const struct mih_tlv *t = mih_msg_tlv(m, type);

	if (!t)
		return 0;
	mih_rd_init_tlv(r, t);
	return 1;
}

int mih_msg_get_u8(const struct mih_msg *m, uint8_t type, uint8_t *v)
{
	struct mih_rd r;

	if (!msg_rd(m, type, &r))
		return 0;
	*v = mih_get_u8(&r);
	return mih_rd_end(&r) ?: 1;
}

int mih_msg_get_u16(const struct mih_msg *m, uint8_t type, uint16_t *v)
{
	struct mih_rd r;

	if (!msg_rd(m, type, &r))
		return 0;
	*v = mih_get_u16(&r);
	return mih_rd_end(&r) ?: 1;
}

int mih_msg_get_u32(const struct mih_msg *m, uint8_t type, uint32_t *v)
{
	struct mih_rd r;

	if (!msg_rd(m, type, &r))
		return 0;
	*v = mih_get_u32(&r);
	return mih_rd_end(&r) ?: 1;
}

static unsigned int bitmap_bits(uint8_t type)
{
	switch (type) {
	case MIH_TLV_EVT_LIST:
	case MIH_TLV_CMD_LIST:
	case MIH_TLV_IP_CFG_MTHDS:
		return 32;
	case MIH_TLV_IQ_TYPE_LIST:
		return 64;
	case MIH_TLV_TRANS_LIST:
	case MIH_TLV_IP_MOB_MGMT:
	case MIH_TLV_DEV_STATES_REQ:
		return 16;
	}
	return 0;
}

int mih_msg_get_bitmap(const struct mih_msg *m, uint8_t type, uint64_t *v)
{
	unsigned int bits = bitmap_bits(type);
	struct mih_rd r;

	if (!bits)
		return MIH_E_INVAL;
	if (!msg_rd(m, type, &r))
		return 0;
	*v = mih_get_bitmap(&r, bits);
	return mih_rd_end(&r) ?: 1;
}

int mih_msg_get_bool(const struct mih_msg *m, uint8_t type, bool *v)
{
	struct mih_rd r;

	if (!msg_rd(m, type, &r))
		return 0;
	*v = mih_get_bool(&r, NULL);
	return mih_rd_end(&r) ?: 1;
}

int mih_msg_get_mihf_id(const struct mih_msg *m, uint8_t type,
			struct mih_ostr *v)
{
	struct mih_rd r;

	if (!msg_rd(m, type, &r))
		return 0;
	mih_get_mihf_id(&r, v);
	return mih_rd_end(&r) ?: 1;
}

int mih_msg_get_value(const struct mih_msg *m, uint8_t type, mih_get_fn get,
		      void *v)
{
	struct mih_rd r;

	if (!msg_rd(m, type, &r))
		return 0;
	get(&r, v);
	return mih_rd_end(&r) ?: 1;
}

int mih_msg_get_list(const struct mih_msg *m, uint8_t type,
		     struct mih_rd *r, uint32_t *count)
{
	if (!msg_rd(m, type, r))
		return 0;
	*count = mih_get_list_count(r, 1);
	return r->err ?: 1;
}

static int id_fmt(char *buf, size_t size, const uint8_t *id, size_t len)
{
	bool text = true;

	for (size_t i = 0; i < len; i++)
		if (id[i] < 0x21 || id[i] > 0x7e)
			text = false;
	if (!len)
		return snprintf(buf, size, "(empty)");
	if (text)
		return snprintf(buf, size, "%.*s", (int)len,
				(const char *)id);
	return snprintf(buf, size, "<%zu binary octets>", len);
}

int mih_msg_fmt(const struct mih_msg *m, char *buf, size_t size)
{
	char src[80], dst[80];
	size_t len = 0;
	int n;

#define ADD(...) do {							\
		n = snprintf(len < size ? buf + len : NULL,		\
			     len < size ? size - len : 0, __VA_ARGS__);	\
		if (n > 0)						\
			len += (size_t)n;				\
	} while (0)

	if (size)
		buf[0] = '\0';
	id_fmt(src, sizeof(src), m->pdu.src_id, m->pdu.src_id_len);
	id_fmt(dst, sizeof(dst), m->pdu.dst_id, m->pdu.dst_id_len);
	ADD("%s%s tid %u%s%s src %s dst %s\n",
	    m->def ? m->def->name : "?", m->pure_ack ? " (ACK)" : "",
	    m->pdu.hdr.tid, m->pdu.hdr.ack_req ? " ack-req" : "",
	    m->pdu.hdr.ack_rsp && !m->pure_ack ? " ack-rsp" : "", src, dst);
	for (unsigned int i = 0; i < m->n_tlvs; i++) {
		const struct mih_tlv *t = &m->tlvs[i];

		ADD("  %u %s: ", t->type, tlv_label(t->type));
		n = mih_tlv_fmt(t->type, t->value, t->len,
				len < size ? buf + len : NULL,
				len < size ? size - len : 0);
		if (n > 0)
			len += (size_t)n;
		ADD("\n");
	}
	if (m->skipped)
		ADD("  (%u unknown TLV(s) skipped)\n", m->skipped);
#undef ADD
	return len > INT32_MAX ? INT32_MAX : (int)len;
}

/* ---- building ---- */

static void bfail(struct mih_builder *b, int err)
{
	if (!b->err)
		b->err = err;
}

void mih_msg_begin(struct mih_builder *b, uint16_t mid, uint16_t tid,
		   unsigned int flags, const void *src, size_t src_len,
		   const void *dst, size_t dst_len)
{
	struct mih_hdr h = {
		.version = MIH_VERSION,
		.ack_req = flags & MIH_MSGF_ACK_REQ,
		.ack_rsp = flags & MIH_MSGF_ACK_RSP,
		.uir = flags & MIH_MSGF_UIR,
		.sid = mid >> 12,
		.opcode = (mid >> 10) & 3,
		.aid = mid & 0x3ff,
		.tid = tid,
	};

	if (tid > 0xfff) {
		bfail(b, MIH_E_RANGE);
		return;
	}
	mih_build_hdr(b, &h);
	mih_build_ids(b, src, src_len, dst, dst_len);
}

int mih_msg_finish(struct mih_builder *b, size_t *pdu_len)
{
	return mih_build_finish(b, pdu_len);
}

int mih_msg_build_ack(uint8_t *buf, size_t size, uint16_t mid, uint16_t tid,
		      const void *src, size_t src_len, const void *dst,
		      size_t dst_len, size_t *pdu_len)
{
	struct mih_builder b;

	mih_builder_init(&b, buf, size);
	mih_msg_begin(&b, mid, tid, MIH_MSGF_ACK_RSP, src, src_len, dst,
		      dst_len);
	return mih_build_finish(&b, pdu_len);
}

void mih_build_u8(struct mih_builder *b, uint8_t type, uint8_t v)
{
	mih_build_tlv(b, type, &v, 1);
}

void mih_build_u16(struct mih_builder *b, uint8_t type, uint16_t v)
{
	uint8_t o[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	mih_build_tlv(b, type, o, 2);
}

void mih_build_u32(struct mih_builder *b, uint8_t type, uint32_t v)
{
	uint8_t o[4] = {
		(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
		(uint8_t)v,
	};

	mih_build_tlv(b, type, o, 4);
}

void mih_build_bool(struct mih_builder *b, uint8_t type, bool v)
{
	mih_build_u8(b, type, v ? 1 : 0);
}

void mih_build_bitmap(struct mih_builder *b, uint8_t type, uint64_t v)
{
	unsigned int bits = bitmap_bits(type);
	uint8_t o[8];
	struct mih_wr w;

	if (!bits) {
		bfail(b, MIH_E_INVAL);
		return;
	}
	mih_wr_init(&w, o, sizeof(o));
	mih_put_bitmap(&w, bits, v);
	if (w.err) {
		bfail(b, w.err);
		return;
	}
	mih_build_tlv(b, type, o, (uint32_t)w.pos);
}

void mih_build_value(struct mih_builder *b, uint8_t type, mih_put_fn put,
		     const void *v)
{
	struct mih_wr w;
	uint8_t *p;
	size_t len;

	if (b->err)
		return;
	mih_wr_init(&w, NULL, 0);
	put(&w, v);
	if (w.err) {
		bfail(b, w.err);
		return;
	}
	len = w.pos;
	if (len > UINT32_MAX) {
		bfail(b, MIH_E_RANGE);
		return;
	}
	p = mih_build_tlv_reserve(b, type, (uint32_t)len);
	if (!p)
		return;
	mih_wr_init(&w, p, len);
	put(&w, v);
	if (w.err || w.pos != len)
		bfail(b, w.err ?: MIH_E_INVAL);
}

struct list_arg {
	mih_put_fn put;
	const void *arr;
	size_t elem_size;
	size_t n;
};

static void put_list_arg(struct mih_wr *w, const void *p)
{
	const struct list_arg *a = p;

	mih_put_list(w, a->put, a->arr, a->elem_size, a->n);
}

void mih_build_list(struct mih_builder *b, uint8_t type, mih_put_fn put,
		    const void *arr, size_t elem_size, size_t n)
{
	struct list_arg a = { put, arr, elem_size, n };

	mih_build_value(b, type, put_list_arg, &a);
}

/*
 * mih_put_fn adapters: each typed encoder called through a function of the
 * generic type, so no function is called through a mismatched pointer
 */
#define PUT_ANY(fn, type)					\
static void fn##_any(struct mih_wr *w, const void *v)		\
{								\
	fn(w, (const type *)v);					\
}
PUT_ANY(mih_put_ip_addr, struct mih_ip_addr)
PUT_ANY(mih_put_link_addr, struct mih_link_addr)
PUT_ANY(mih_put_link_det_info, struct mih_link_det_info)
PUT_ANY(mih_put_link_id, struct mih_link_id)
PUT_ANY(mih_put_link_poa_list, struct mih_link_poa_list)
PUT_ANY(mih_put_link_tuple_id, struct mih_link_tuple_id)
PUT_ANY(mih_put_net_type_addr, struct mih_net_type_addr)
PUT_ANY(mih_put_network_type, struct mih_network_type)
PUT_ANY(mih_put_qos_list, struct mih_qos_list)
PUT_ANY(mih_put_req_res_set, struct mih_res_set)
PUT_ANY(mih_put_res_set, struct mih_res_set)
PUT_ANY(mih_put_rq_result, struct mih_rq_result)
PUT_ANY(mih_put_tgt_net_info, struct mih_tgt_net_info)

void mih_build_link_tuple_id(struct mih_builder *b, uint8_t type,
			     const struct mih_link_tuple_id *v)
{
	mih_build_value(b, type, mih_put_link_tuple_id_any, v);
}

void mih_build_link_id(struct mih_builder *b, uint8_t type,
		       const struct mih_link_id *v)
{
	mih_build_value(b, type, mih_put_link_id_any, v);
}

void mih_build_link_addr(struct mih_builder *b, uint8_t type,
			 const struct mih_link_addr *v)
{
	mih_build_value(b, type, mih_put_link_addr_any, v);
}

void mih_build_ip_addr(struct mih_builder *b, uint8_t type,
		       const struct mih_ip_addr *v)
{
	mih_build_value(b, type, mih_put_ip_addr_any, v);
}

void mih_build_network_type(struct mih_builder *b,
			    const struct mih_network_type *v)
{
	mih_build_value(b, MIH_TLV_NETWORK_TYPE,
			mih_put_network_type_any, v);
}

void mih_build_evt_list(struct mih_builder *b, uint32_t bits)
{
	mih_build_bitmap(b, MIH_TLV_EVT_LIST, bits);
}

void mih_build_link_addr_list(struct mih_builder *b,
			      const struct mih_net_type_addr *v, size_t n)
{
	mih_build_list(b, MIH_TLV_LINK_ADDR_LIST,
		       mih_put_net_type_addr_any, v, sizeof(*v), n);
}

void mih_build_link_id_list(struct mih_builder *b,
			    const struct mih_link_id *v, size_t n)
{
	mih_build_list(b, MIH_TLV_LINK_ID_LIST, mih_put_link_id_any,
		       v, sizeof(*v), n);
}

void mih_build_link_det_info_list(struct mih_builder *b,
				  const struct mih_link_det_info *v, size_t n)
{
	mih_build_list(b, MIH_TLV_LINK_DET_INFO_LIST,
		       mih_put_link_det_info_any, v, sizeof(*v), n);
}

void mih_build_link_poa_list_list(struct mih_builder *b,
				  const struct mih_link_poa_list *v, size_t n)
{
	mih_build_list(b, MIH_TLV_LINK_POA_LIST_LIST,
		       mih_put_link_poa_list_any, v, sizeof(*v), n);
}

void mih_build_pref_link_list(struct mih_builder *b,
			      const struct mih_rq_result *v, size_t n)
{
	mih_build_list(b, MIH_TLV_PREF_LINK_LIST,
		       mih_put_rq_result_any, v, sizeof(*v), n);
}

void mih_build_qos_list(struct mih_builder *b, const struct mih_qos_list *v)
{
	mih_build_value(b, MIH_TLV_HO_RESOURCE_QUERY_LIST,
			mih_put_qos_list_any, v);
}

void mih_build_tgt_net_info(struct mih_builder *b,
			    const struct mih_tgt_net_info *v)
{
	mih_build_value(b, MIH_TLV_TGT_NET_INFO,
			mih_put_tgt_net_info_any, v);
}

void mih_build_res_set(struct mih_builder *b, uint8_t type,
		       const struct mih_res_set *v)
{
	mih_build_value(b, type, type == MIH_TLV_REQ_RESOURCE_SET ?
			mih_put_req_res_set_any :
			mih_put_res_set_any, v);
}

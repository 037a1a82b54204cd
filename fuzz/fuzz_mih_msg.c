// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the strict 802.21 message parser (lib/mih.c, mihtype.c,
 * mihmsgdef.c, mihie.c).  On any input:
 *  - mih_pdu_parse() / mih_msg_parse() must not crash or read out of bounds;
 *  - a PDU that parses re-encodes byte for byte (header encoder, ID TLVs,
 *    body) and the re-encoding parses to the same fields;
 *  - a message that parses: every schema TLV value re-validates, every
 *    TLV formats, mih_msg_fmt() is snprintf-style (the same length for
 *    any buffer size, a truncated output is a prefix of the full one);
 *  - the pure ACK built for it parses as a pure ACK of the same MID/TID.
 */
#include "fuzz.h"

#include "lib/mih.h"
#include "lib/mihmsgdef.h"
#include "lib/mihtype.h"

static void check_pdu_roundtrip(const uint8_t *in, size_t len,
				const struct mih_pdu *pdu)
{
	static uint8_t out[MIH_PDU_MAX];
	struct mih_builder b;
	struct mih_pdu again;
	size_t out_len = 0;

	mih_builder_init(&b, out, sizeof(out));
	mih_build_hdr(&b, &pdu->hdr);
	mih_build_ids(&b, pdu->src_id, pdu->src_id_len, pdu->dst_id,
		      pdu->dst_id_len);
	mih_build_bytes(&b, pdu->body, pdu->body_len);
	FUZZ_CHECK(mih_build_finish(&b, &out_len) == 0);
	FUZZ_CHECK(out_len == len);
	FUZZ_CHECK(memcmp(out, in, len) == 0);
	FUZZ_CHECK(mih_pdu_parse(out, out_len, &again) == 0);
	FUZZ_CHECK(again.body_len == pdu->body_len);
	FUZZ_CHECK(again.ids_len == pdu->ids_len);
	FUZZ_CHECK(mih_hdr_mid(&again.hdr) == mih_hdr_mid(&pdu->hdr));
}

static void check_msg(const struct mih_msg *m, size_t small)
{
	static char big[1 << 16];
	char *tiny = malloc(small ? small : 1);
	int n_big, n_small;

	FUZZ_CHECK(m->def != NULL);
	FUZZ_CHECK(m->n_tlvs <= MIH_MSG_TLV_MAX);
	for (unsigned int i = 0; i < m->n_tlvs; i++) {
		const struct mih_tlv *t = &m->tlvs[i];
		struct mih_rd r;
		char line[256];

		FUZZ_CHECK(mih_msgdef_tlv_index(m->def, t->type) >= 0);
		FUZZ_CHECK(mih_tlv_value_check(t->type, t->value, t->len,
					       &r) == 0);
		FUZZ_CHECK(mih_msg_tlv(m, t->type) == t);
		FUZZ_CHECK(mih_tlv_fmt(t->type, t->value, t->len, line,
				       sizeof(line)) >= 0);
	}
	n_big = mih_msg_fmt(m, big, sizeof(big));
	FUZZ_CHECK(n_big >= 0);
	FUZZ_CHECK(strlen(big) == (size_t)n_big || (size_t)n_big >= sizeof(big));
	n_small = mih_msg_fmt(m, tiny, small);
	FUZZ_CHECK(n_small == n_big);
	if (small) {
		size_t k = strlen(tiny);

		FUZZ_CHECK(k < small);
		FUZZ_CHECK(memcmp(tiny, big, k) == 0);
	}
	free(tiny);
}

static void check_ack(const struct mih_msg *m)
{
	uint8_t buf[2 * (MIH_MIHF_ID_MAX + 8) + MIH_HDR_LEN];
	struct mih_msg ack;
	size_t len = 0;

	/* IDs swapped: an empty Source is fine, an empty Destination only
	 * where the schema allows it, so only build when the source is set */
	if (!m->pdu.src_id_len)
		return;
	FUZZ_CHECK(mih_msg_build_ack(buf, sizeof(buf), mih_msg_mid(m),
				     m->pdu.hdr.tid, m->pdu.dst_id,
				     m->pdu.dst_id_len, m->pdu.src_id,
				     m->pdu.src_id_len, &len) == 0);
	FUZZ_CHECK(mih_msg_parse(buf, len, &ack, NULL) == 0);
	FUZZ_CHECK(ack.pure_ack);
	FUZZ_CHECK(mih_msg_mid(&ack) == mih_msg_mid(m));
	FUZZ_CHECK(ack.pdu.hdr.tid == m->pdu.hdr.tid);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *in = fuzz_memdup(data, size);
	struct mih_msg_err err;
	struct mih_msg m;
	struct mih_pdu pdu;
	int rc;

	if (mih_pdu_parse(in, size, &pdu) == 0)
		check_pdu_roundtrip(in, size, &pdu);

	memset(&err, 0, sizeof(err));
	rc = mih_msg_parse(in, size, &m, &err);
	if (rc == 0) {
		check_msg(&m, size % 97);
		check_ack(&m);
	} else {
		FUZZ_CHECK(rc < 0);
		FUZZ_CHECK(err.code == rc);
		FUZZ_CHECK(memchr(err.text, '\0', sizeof(err.text)) != NULL);
		FUZZ_CHECK(mih_strerror(rc) != NULL);
	}
	free(in);
	return 0;
}

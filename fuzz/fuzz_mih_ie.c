// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the Information Service payload decoders (lib/mihie.h).  The
 * first input octet picks the entry point, the rest is the payload:
 *  0  TLV 43 value: mih_iq_bin_data_list_check()
 *  1  TLV 48 value: mih_ir_bin_data_list_check()
 *  2  LIST(IE): mih_ie_validate_list()
 *  3  LIST(IE) walked with mih_ie_next_raw(), containers entered
 *     recursively, every IE value decoded and formatted
 *  4  one IE value: 4 octets type, then the value: mih_ie_value_decode();
 *     a decoded non-container value re-encodes (mih_put_ie_value()) to the
 *     same octets
 *  5  one IQ_BIN_DATA: mih_get_iq_bin_data(); re-encodes to the same octets
 *  6  LOCATION: mih_get_location(); re-encodes to the same octets
 * The remaining selector values fall back to mode selector % 7.
 */
#include "fuzz.h"

#include "lib/mih.h"
#include "lib/mihie.h"
#include "lib/mihtype.h"

static uint8_t out[1 << 17];

static void reencode_same(const uint8_t *in, size_t len, struct mih_wr *w)
{
	FUZZ_CHECK(w->err == 0);
	FUZZ_CHECK(w->pos == len);
	FUZZ_CHECK(memcmp(out, in, len) == 0);
}

static void walk(struct mih_ie_iter *it, unsigned int depth)
{
	struct mih_ie ie;
	int rc;

	while ((rc = mih_ie_next_raw(it, &ie)) == 1) {
		struct mih_ie_val v;
		struct mih_rd r;
		char line[512];

		FUZZ_CHECK(ie.len <= it->r->len);
		FUZZ_CHECK(mih_ie_fmt(&ie, line, sizeof(line)) >= 0);
		if (mih_ie_name(ie.type))
			mih_ie_value_decode(ie.type, ie.value, ie.len, &v, &r);
		if (mih_ie_is_container(ie.type) && depth < 8) {
			struct mih_ie_iter sub;
			struct mih_rd sr;

			if (mih_ie_iter_container(&sub, &sr, &ie) == 0)
				walk(&sub, depth + 1);
		}
	}
	FUZZ_CHECK(rc <= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mih_rd r;
	struct mih_wr w;
	uint8_t *in;
	size_t len;

	if (size < 1)
		return 0;
	len = size - 1;
	in = fuzz_memdup(data + 1, len);
	switch (data[0] % 7) {
	case 0:
		mih_iq_bin_data_list_check(in, len, &r);
		break;
	case 1:
		mih_ir_bin_data_list_check(in, len, &r);
		break;
	case 2:
		mih_rd_init(&r, in, len);
		mih_ie_validate_list(&r);
		break;
	case 3: {
		struct mih_ie_iter it;

		mih_rd_init(&r, in, len);
		if (mih_ie_iter_list(&it, &r) == 0)
			walk(&it, 0);
		break;
	}
	case 4: {
		struct mih_ie_val v;
		uint32_t type;

		if (len < 4)
			break;
		type = (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 |
		       (uint32_t)in[2] << 8 | in[3];
		if (mih_ie_value_decode(type, in + 4, len - 4, &v, &r) ||
		    mih_ie_is_container(type))
			break;
		mih_wr_init(&w, out, sizeof(out));
		mih_put_ie_value(&w, &v);
		reencode_same(in + 4, len - 4, &w);
		break;
	}
	case 5: {
		static struct mih_iq_bin_data v;

		mih_rd_init(&r, in, len);
		if (mih_get_iq_bin_data(&r, &v) || mih_rd_end(&r))
			break;
		mih_wr_init(&w, out, sizeof(out));
		mih_put_iq_bin_data(&w, &v);
		reencode_same(in, len, &w);
		break;
	}
	case 6: {
		struct mih_location v;

		mih_rd_init(&r, in, len);
		if (mih_get_location(&r, &v) || mih_rd_end(&r))
			break;
		mih_wr_init(&w, out, sizeof(out));
		mih_put_location(&w, &v);
		reencode_same(in, len, &w);
		break;
	}
	}
	free(in);
	return 0;
}

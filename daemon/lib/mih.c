// SPDX-License-Identifier: GPL-2.0
/*
 * IEEE 802.21 (MIH) wire codec: header, length encoding, TLVs, MIHF IDs,
 * PDU parse and build.  See mih.h and WIRE.md.
 */
#include <string.h>

#include "lib/mih.h"

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

const char *mih_strerror(int err)
{
	switch (err) {
	case MIH_OK:			return "success";
	case MIH_E_INVAL:		return "invalid argument";
	case MIH_E_NOSPACE:		return "output buffer too small";
	case MIH_E_RANGE:		return "value out of range for its field";
	case MIH_E_TRUNCATED:		return "truncated";
	case MIH_E_VERSION:		return "unsupported MIH version";
	case MIH_E_PAYLOAD_LEN:
		return "payload length does not match the PDU";
	case MIH_E_LEN_NONMINIMAL:	return "non-minimal length encoding";
	case MIH_E_LEN_OVERLONG:
		return "length encoding with too many extension octets";
	case MIH_E_LEN_OVERFLOW:	return "length overflows 32 bits";
	case MIH_E_OVERRUN:		return "value runs past its container";
	case MIH_E_NO_SRC_ID:
		return "first TLV is not the Source MIHF ID";
	case MIH_E_NO_DST_ID:
		return "second TLV is not the Destination MIHF ID";
	case MIH_E_ID_LEN:
		return "MIHF ID does not fill its TLV exactly";
	case MIH_E_ID_TOO_LONG:		return "MIHF ID longer than 253 octets";
	case MIH_E_TRAILING:		return "octets left after the value";
	case MIH_E_BAD_BOOL:		return "BOOLEAN neither 0 nor 1";
	case MIH_E_BAD_ENUM:		return "enumerated value out of range";
	case MIH_E_BAD_CHOICE:		return "CHOICE selector out of range";
	case MIH_E_BAD_ADDR:
		return "address family and length do not match";
	case MIH_E_BAD_VALUE:		return "value violates its constraint";
	case MIH_E_TOO_MANY:
		return "list longer than this implementation holds";
	case MIH_E_DEPTH:		return "containers nested too deep";
	case MIH_E_UNKNOWN_MID:		return "unknown message ID";
	case MIH_E_OPCODE:		return "opcode not used on the wire";
	case MIH_E_TLV_ORDER:		return "TLV out of order";
	case MIH_E_TLV_MISSING:		return "mandatory TLV missing";
	case MIH_E_TLV_DUP:		return "duplicate TLV";
	case MIH_E_TLV_UNEXPECTED:	return "TLV not allowed in this message";
	case MIH_E_EMPTY_DST:
		return "empty Destination MIHF ID not allowed here";
	case MIH_E_FRAGMENT:		return "fragmented PDU not supported";
	case MIH_E_ACK_BODY:
		return "pure ACK carries TLVs besides the MIHF IDs";
	case MIH_E_TLV_TOO_MANY:	return "too many TLVs";
	case MIH_E_TLV_ALT:
		return "more than one alternative of a one-of TLV group";
	}
	return "unknown MIH codec error";
}

/* ---- length encoding ---- */

unsigned int mih_len_size(uint32_t len)
{
	unsigned int n = 1;
	uint32_t ext;

	if (len <= MIH_LEN_SHORT_MAX)
		return 1;
	for (ext = len - MIH_LEN_SHORT_MAX; ext; ext >>= 8)
		n++;
	return n;
}

int mih_len_encode(uint8_t *buf, size_t size, uint32_t len)
{
	unsigned int n = mih_len_size(len), i;
	uint32_t ext;

	if (size < n)
		return MIH_E_NOSPACE;
	if (n == 1) {
		buf[0] = (uint8_t)len;
		return 1;
	}
	buf[0] = (uint8_t)(0x80 | (n - 1));
	ext = len - MIH_LEN_SHORT_MAX;
	for (i = n - 1; i >= 1; i--) {
		buf[i] = (uint8_t)ext;
		ext >>= 8;
	}
	return (int)n;
}

int mih_len_decode(const uint8_t *buf, size_t size, uint32_t *len)
{
	unsigned int n, i;
	uint64_t ext = 0;

	if (size < 1)
		return MIH_E_TRUNCATED;
	if (buf[0] <= 0x80) {
		*len = buf[0];
		return 1;
	}
	n = buf[0] & 0x7f;
	if (n > MIH_LEN_EXT_MAX)
		return MIH_E_LEN_OVERLONG;
	if (size - 1 < n)
		return MIH_E_TRUNCATED;
	/* a zero first extension octet: fewer octets (or 0x80) would do */
	if (buf[1] == 0)
		return MIH_E_LEN_NONMINIMAL;
	for (i = 1; i <= n; i++)
		ext = ext << 8 | buf[i];
	if (ext > (uint64_t)UINT32_MAX - MIH_LEN_SHORT_MAX)
		return MIH_E_LEN_OVERFLOW;
	*len = (uint32_t)(ext + MIH_LEN_SHORT_MAX);
	return (int)(1 + n);
}

/* ---- header ---- */

int mih_hdr_encode(uint8_t *buf, size_t size, const struct mih_hdr *h)
{
	if (size < MIH_HDR_LEN)
		return MIH_E_NOSPACE;
	if (h->version > 0xf || h->fn > 0x7f || h->rsvd1 > 1 ||
	    h->sid > 0xf || h->opcode > 3 || h->aid > 0x3ff ||
	    h->rsvd2 > 0xf || h->tid > 0xfff)
		return MIH_E_RANGE;
	buf[0] = (uint8_t)(h->version << 4 | h->ack_req << 3 |
			   h->ack_rsp << 2 | h->uir << 1 | h->more);
	buf[1] = (uint8_t)(h->fn << 1 | h->rsvd1);
	put_be16(buf + 2, mih_hdr_mid(h));
	put_be16(buf + 4, (uint16_t)(h->rsvd2 << 12 | h->tid));
	put_be16(buf + 6, h->payload_len);
	return MIH_HDR_LEN;
}

int mih_hdr_decode(const uint8_t *buf, size_t len, struct mih_hdr *h)
{
	uint16_t mid, tid;

	if (len < MIH_HDR_LEN)
		return MIH_E_TRUNCATED;
	h->version = buf[0] >> 4;
	h->ack_req = buf[0] & 0x08;
	h->ack_rsp = buf[0] & 0x04;
	h->uir = buf[0] & 0x02;
	h->more = buf[0] & 0x01;
	h->fn = buf[1] >> 1;
	h->rsvd1 = buf[1] & 0x01;
	mid = get_be16(buf + 2);
	h->sid = mid >> 12;
	h->opcode = (mid >> 10) & 0x3;
	h->aid = mid & 0x3ff;
	tid = get_be16(buf + 4);
	h->rsvd2 = tid >> 12;
	h->tid = tid & 0xfff;
	h->payload_len = get_be16(buf + 6);
	if (h->version != MIH_VERSION)
		return MIH_E_VERSION;
	return MIH_HDR_LEN;
}

void mih_hdr_set_payload_len(uint8_t *pdu, uint16_t payload_len)
{
	put_be16(pdu + 6, payload_len);
}

/* ---- TLVs ---- */

size_t mih_tlv_size(uint32_t len)
{
	return 1 + mih_len_size(len) + (size_t)len;
}

int mih_tlv_hdr_encode(uint8_t *buf, size_t size, uint8_t type, uint32_t len)
{
	int n;

	if (size < 1)
		return MIH_E_NOSPACE;
	n = mih_len_encode(buf + 1, size - 1, len);
	if (n < 0)
		return n;
	buf[0] = type;
	return 1 + n;
}

int mih_tlv_decode(const uint8_t *buf, size_t len, struct mih_tlv *tlv)
{
	uint32_t vlen;
	int n;

	if (len < 1)
		return MIH_E_TRUNCATED;
	n = mih_len_decode(buf + 1, len - 1, &vlen);
	if (n < 0)
		return n;
	if (vlen > len - 1 - (size_t)n)
		return MIH_E_OVERRUN;
	tlv->type = buf[0];
	tlv->len = vlen;
	tlv->value = buf + 1 + n;
	tlv->offset = 0;
	tlv->size = 1 + (size_t)n + vlen;
	return 0;
}

void mih_tlv_iter_init(struct mih_tlv_iter *it, const uint8_t *buf,
		       size_t len)
{
	it->buf = buf;
	it->len = len;
	it->pos = 0;
	it->err = 0;
}

int mih_tlv_next(struct mih_tlv_iter *it, struct mih_tlv *tlv)
{
	int err;

	if (it->err)
		return it->err;
	if (it->pos >= it->len)
		return 0;
	err = mih_tlv_decode(it->buf + it->pos, it->len - it->pos, tlv);
	if (err) {
		it->err = err;
		return err;
	}
	tlv->offset = it->pos;
	it->pos += tlv->size;
	return 1;
}

int mih_tlvs_validate(const uint8_t *buf, size_t len)
{
	struct mih_tlv_iter it;
	struct mih_tlv tlv;
	int n = 0, r;

	mih_tlv_iter_init(&it, buf, len);
	while ((r = mih_tlv_next(&it, &tlv)) > 0)
		n++;
	return r < 0 ? r : n;
}

int mih_tlv_find(const uint8_t *buf, size_t len, uint8_t type,
		 struct mih_tlv *tlv)
{
	struct mih_tlv_iter it;
	int r;

	mih_tlv_iter_init(&it, buf, len);
	while ((r = mih_tlv_next(&it, tlv)) > 0)
		if (tlv->type == type)
			return 1;
	return r;
}

/* ---- OCTET_STRING and MIHF ID ---- */

size_t mih_octet_string_size(uint32_t len)
{
	return mih_len_size(len) + (size_t)len;
}

int mih_octet_string_encode(uint8_t *buf, size_t size, const void *str,
			    uint32_t len)
{
	int n;

	if (size < mih_octet_string_size(len))
		return MIH_E_NOSPACE;
	if (len && !str)
		return MIH_E_INVAL;
	n = mih_len_encode(buf, size, len);
	if (n < 0)
		return n;
	if (len)
		memcpy(buf + n, str, len);
	return n + (int)len;
}

int mih_octet_string_decode(const uint8_t *buf, size_t len,
			    const uint8_t **str, uint32_t *str_len)
{
	uint32_t slen;
	int n;

	n = mih_len_decode(buf, len, &slen);
	if (n < 0)
		return n;
	if (slen > len - (size_t)n)
		return MIH_E_OVERRUN;
	*str = buf + n;
	*str_len = slen;
	return n + (int)slen;
}

int mih_mihf_id_decode(const struct mih_tlv *tlv, const uint8_t **id,
		       size_t *id_len)
{
	uint32_t slen;
	int n;

	n = mih_octet_string_decode(tlv->value, tlv->len, id, &slen);
	if (n == MIH_E_OVERRUN || n == MIH_E_TRUNCATED)
		return MIH_E_ID_LEN;
	if (n < 0)
		return n;
	if ((uint32_t)n != tlv->len)
		return MIH_E_ID_LEN;
	if (slen > MIH_MIHF_ID_MAX)
		return MIH_E_ID_TOO_LONG;
	*id_len = slen;
	return 0;
}

/* ---- PDU ---- */

int mih_pdu_parse(const uint8_t *buf, size_t len, struct mih_pdu *pdu)
{
	struct mih_tlv_iter it;
	struct mih_tlv tlv;
	int r;

	memset(pdu, 0, sizeof(*pdu));
	r = mih_hdr_decode(buf, len, &pdu->hdr);
	if (r < 0)
		return r;
	if (pdu->hdr.payload_len != len - MIH_HDR_LEN)
		return MIH_E_PAYLOAD_LEN;

	mih_tlv_iter_init(&it, buf + MIH_HDR_LEN, len - MIH_HDR_LEN);
	r = mih_tlv_next(&it, &tlv);
	if (r < 0)
		return r;
	if (r == 0 || tlv.type != MIH_TLV_SRC_MIHF_ID)
		return MIH_E_NO_SRC_ID;
	r = mih_mihf_id_decode(&tlv, &pdu->src_id, &pdu->src_id_len);
	if (r < 0)
		return r;

	r = mih_tlv_next(&it, &tlv);
	if (r < 0)
		return r;
	if (r == 0 || tlv.type != MIH_TLV_DST_MIHF_ID)
		return MIH_E_NO_DST_ID;
	r = mih_mihf_id_decode(&tlv, &pdu->dst_id, &pdu->dst_id_len);
	if (r < 0)
		return r;

	pdu->ids_len = MIH_HDR_LEN + it.pos;
	pdu->body = buf + pdu->ids_len;
	pdu->body_len = len - pdu->ids_len;
	while ((r = mih_tlv_next(&it, &tlv)) > 0)
		;
	return r;
}

/* ---- builder ---- */

void mih_builder_init(struct mih_builder *b, uint8_t *buf, size_t size)
{
	b->buf = buf;
	b->size = buf ? size : 0;
	b->len = 0;
	b->err = 0;
}

static uint8_t *build_reserve(struct mih_builder *b, size_t n)
{
	uint8_t *p;

	if (b->err)
		return NULL;
	if (b->size - b->len < n) {
		b->err = MIH_E_NOSPACE;
		return NULL;
	}
	p = b->buf + b->len;
	b->len += n;
	return p;
}

static void build_fail(struct mih_builder *b, int err)
{
	if (!b->err)
		b->err = err;
}

void mih_build_hdr(struct mih_builder *b, const struct mih_hdr *hdr)
{
	uint8_t *p;
	int r;

	if (b->err)
		return;
	if (b->len) {
		build_fail(b, MIH_E_INVAL);
		return;
	}
	p = build_reserve(b, MIH_HDR_LEN);
	if (!p)
		return;
	r = mih_hdr_encode(p, MIH_HDR_LEN, hdr);
	if (r < 0)
		build_fail(b, r);
}

uint8_t *mih_build_tlv_reserve(struct mih_builder *b, uint8_t type,
			       uint32_t len)
{
	uint8_t hdr[MIH_TLV_HDR_MAX], *p;
	int n;

	if (b->err)
		return NULL;
	n = mih_tlv_hdr_encode(hdr, sizeof(hdr), type, len);
	if (n < 0) {
		build_fail(b, n);
		return NULL;
	}
	if (b->size - b->len < (size_t)n + len) {
		build_fail(b, MIH_E_NOSPACE);
		return NULL;
	}
	p = build_reserve(b, (size_t)n + len);
	memcpy(p, hdr, (size_t)n);
	return p + n;
}

void mih_build_tlv(struct mih_builder *b, uint8_t type, const void *value,
		   uint32_t len)
{
	uint8_t *p;

	if (len && !value) {
		build_fail(b, MIH_E_INVAL);
		return;
	}
	p = mih_build_tlv_reserve(b, type, len);
	if (p && len)
		memcpy(p, value, len);
}

void mih_build_tlv_octet_string(struct mih_builder *b, uint8_t type,
				const void *str, uint32_t len)
{
	size_t vlen = mih_octet_string_size(len);
	uint8_t *p;
	int r;

	if (vlen > UINT32_MAX) {
		build_fail(b, MIH_E_RANGE);
		return;
	}
	p = mih_build_tlv_reserve(b, type, (uint32_t)vlen);
	if (!p)
		return;
	r = mih_octet_string_encode(p, vlen, str, len);
	if (r < 0)
		build_fail(b, r);
}

void mih_build_mihf_id(struct mih_builder *b, uint8_t type, const void *id,
		       size_t len)
{
	if (len > MIH_MIHF_ID_MAX) {
		build_fail(b, MIH_E_ID_TOO_LONG);
		return;
	}
	mih_build_tlv_octet_string(b, type, id, (uint32_t)len);
}

void mih_build_ids(struct mih_builder *b, const void *src, size_t src_len,
		   const void *dst, size_t dst_len)
{
	if (!b->err && b->len != MIH_HDR_LEN) {
		build_fail(b, MIH_E_INVAL);
		return;
	}
	mih_build_mihf_id(b, MIH_TLV_SRC_MIHF_ID, src, src_len);
	mih_build_mihf_id(b, MIH_TLV_DST_MIHF_ID, dst, dst_len);
}

void mih_build_bytes(struct mih_builder *b, const void *data, size_t len)
{
	uint8_t *p;

	if (len && !data) {
		build_fail(b, MIH_E_INVAL);
		return;
	}
	p = build_reserve(b, len);
	if (p && len)
		memcpy(p, data, len);
}

int mih_build_finish(struct mih_builder *b, size_t *pdu_len)
{
	if (b->err)
		return b->err;
	if (b->len < MIH_HDR_LEN)
		return MIH_E_INVAL;
	if (b->len - MIH_HDR_LEN > MIH_PAYLOAD_MAX)
		return MIH_E_RANGE;
	mih_hdr_set_payload_len(b->buf, (uint16_t)(b->len - MIH_HDR_LEN));
	if (pdu_len)
		*pdu_len = b->len;
	return 0;
}

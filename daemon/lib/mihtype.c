// SPDX-License-Identifier: GPL-2.0
/*
 * IEEE 802.21 data types: bounded reader/writer, primitives, composite
 * types, per-TLV value validation and formatting.  See mihtype.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/mihtype.h"
#include "lib/mihie.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- reader ---- */

void mih_rd_init(struct mih_rd *r, const void *buf, size_t len)
{
	r->p = buf;
	r->len = buf ? len : 0;
	r->pos = 0;
	r->err = 0;
	r->err_pos = 0;
	r->why[0] = '\0';
}

void mih_rd_init_tlv(struct mih_rd *r, const struct mih_tlv *tlv)
{
	mih_rd_init(r, tlv->value, tlv->len);
}

static int rd_vfail(struct mih_rd *r, size_t pos, int err, const char *fmt,
		    va_list ap)
{
	if (r->err)
		return r->err;
	r->err = err;
	r->err_pos = pos;
	if (fmt)
		vsnprintf(r->why, sizeof(r->why), fmt, ap);
	else
		snprintf(r->why, sizeof(r->why), "%s", mih_strerror(err));
	return err;
}

int mih_rd_fail(struct mih_rd *r, int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = rd_vfail(r, r->pos, err, fmt, ap);
	va_end(ap);
	return ret;
}

int mih_rd_fail_at(struct mih_rd *r, size_t pos, int err, const char *fmt,
		   ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = rd_vfail(r, pos, err, fmt, ap);
	va_end(ap);
	return ret;
}

int mih_rd_end(struct mih_rd *r)
{
	if (r->err)
		return r->err;
	if (r->pos != r->len)
		return mih_rd_fail(r, MIH_E_TRAILING,
				   "%zu octet(s) left after the value",
				   r->len - r->pos);
	return 0;
}

/* n octets at the current position, or NULL (error recorded) */
static const uint8_t *rd_take(struct mih_rd *r, size_t n, const char *what)
{
	const uint8_t *p;

	if (r->err)
		return NULL;
	if (r->len - r->pos < n) {
		mih_rd_fail(r, MIH_E_TRUNCATED,
			    "%s truncated (%zu octet(s) needed, %zu left)",
			    what, n, r->len - r->pos);
		return NULL;
	}
	p = r->p + r->pos;
	r->pos += n;
	return p;
}

uint8_t mih_get_u8(struct mih_rd *r)
{
	const uint8_t *p = rd_take(r, 1, "UNSIGNED_INT(1)");

	return p ? p[0] : 0;
}

uint16_t mih_get_u16(struct mih_rd *r)
{
	const uint8_t *p = rd_take(r, 2, "UNSIGNED_INT(2)");

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t mih_get_u32(struct mih_rd *r)
{
	const uint8_t *p = rd_take(r, 4, "UNSIGNED_INT(4)");

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		   (uint32_t)p[2] << 8 | p[3] : 0;
}

uint64_t mih_get_u64(struct mih_rd *r)
{
	uint64_t hi = mih_get_u32(r);

	return hi << 32 | mih_get_u32(r);
}

void mih_get_bytes(struct mih_rd *r, void *out, size_t n)
{
	const uint8_t *p = rd_take(r, n, "fixed octets");

	if (p)
		memcpy(out, p, n);
	else
		memset(out, 0, n);
}

const uint8_t *mih_get_ptr(struct mih_rd *r, size_t n)
{
	return rd_take(r, n, "fixed octets");
}

bool mih_get_bool(struct mih_rd *r, const char *what)
{
	size_t at = r->pos;
	uint8_t v = mih_get_u8(r);

	if (!r->err && v > 1) {
		mih_rd_fail_at(r, at, MIH_E_BAD_BOOL, "%s: BOOLEAN value %u",
			       what ? what : "BOOLEAN", v);
		return false;
	}
	return v;
}

uint8_t mih_get_enum(struct mih_rd *r, uint8_t max, const char *what)
{
	size_t at = r->pos;
	uint8_t v = mih_get_u8(r);

	if (!r->err && v > max) {
		mih_rd_fail_at(r, at, MIH_E_BAD_ENUM,
			       "%s value %u out of range (0..%u)",
			       what ? what : "ENUMERATED", v, max);
		return 0;
	}
	return v;
}

uint8_t mih_get_choice(struct mih_rd *r, unsigned int n_alt, const char *what)
{
	size_t at = r->pos;
	uint8_t v = mih_get_u8(r);

	if (!r->err && v >= n_alt) {
		mih_rd_fail_at(r, at, MIH_E_BAD_CHOICE,
			       "%s selector %u out of range",
			       what ? what : "CHOICE", v);
		return 0;
	}
	return v;
}

uint32_t mih_get_len(struct mih_rd *r)
{
	uint32_t len = 0;
	int n;

	if (r->err)
		return 0;
	n = mih_len_decode(r->p + r->pos, r->len - r->pos, &len);
	if (n < 0) {
		mih_rd_fail(r, n, "length/count: %s", mih_strerror(n));
		return 0;
	}
	r->pos += (size_t)n;
	return len;
}

uint32_t mih_get_list_count(struct mih_rd *r, size_t min_elem)
{
	size_t at = r->pos;
	uint32_t n = mih_get_len(r);

	if (r->err)
		return 0;
	if (min_elem && (uint64_t)n * min_elem > r->len - r->pos) {
		mih_rd_fail_at(r, at, MIH_E_OVERRUN,
			       "LIST count %u exceeds the %zu octet(s) left",
			       n, r->len - r->pos);
		return 0;
	}
	return n;
}

uint64_t mih_get_bitmap(struct mih_rd *r, unsigned int bits)
{
	switch (bits) {
	case 8:		return mih_get_u8(r);
	case 16:	return mih_get_u16(r);
	case 32:	return mih_get_u32(r);
	case 64:	return mih_get_u64(r);
	}
	mih_rd_fail(r, MIH_E_INVAL, "BITMAP(%u) unsupported", bits);
	return 0;
}

void mih_get_ostr(struct mih_rd *r, struct mih_ostr *s, uint32_t max,
		  const char *what)
{
	size_t at = r->pos;
	uint32_t len = mih_get_len(r);
	const uint8_t *p;

	s->p = NULL;
	s->len = 0;
	if (r->err)
		return;
	if (len > r->len - r->pos) {
		mih_rd_fail_at(r, at, MIH_E_OVERRUN,
			       "%s: OCTET_STRING of %u octet(s) runs past its "
			       "container (%zu left)", what ? what : "value",
			       len, r->len - r->pos);
		return;
	}
	if (max && len > max) {
		mih_rd_fail_at(r, at, MIH_E_BAD_VALUE,
			       "%s: %u octets, at most %u allowed",
			       what ? what : "OCTET_STRING", len, max);
		return;
	}
	p = rd_take(r, len, "OCTET_STRING");
	s->p = p;
	s->len = len;
}

/* ---- writer ---- */

void mih_wr_init(struct mih_wr *w, void *buf, size_t size)
{
	w->p = buf;
	w->size = buf ? size : 0;
	w->pos = 0;
	w->err = 0;
}

int mih_wr_fail(struct mih_wr *w, int err)
{
	if (!w->err)
		w->err = err;
	return w->err;
}

uint8_t *mih_wr_reserve(struct mih_wr *w, size_t n)
{
	uint8_t *q;

	if (w->err)
		return NULL;
	if (!w->p) {
		w->pos += n;
		return NULL;
	}
	if (w->size - w->pos < n) {
		w->err = MIH_E_NOSPACE;
		return NULL;
	}
	q = w->p + w->pos;
	w->pos += n;
	return q;
}

void mih_put_u8(struct mih_wr *w, uint8_t v)
{
	uint8_t *q = mih_wr_reserve(w, 1);

	if (q)
		q[0] = v;
}

void mih_put_u16(struct mih_wr *w, uint16_t v)
{
	uint8_t *q = mih_wr_reserve(w, 2);

	if (q) {
		q[0] = (uint8_t)(v >> 8);
		q[1] = (uint8_t)v;
	}
}

void mih_put_u32(struct mih_wr *w, uint32_t v)
{
	uint8_t *q = mih_wr_reserve(w, 4);

	if (q) {
		q[0] = (uint8_t)(v >> 24);
		q[1] = (uint8_t)(v >> 16);
		q[2] = (uint8_t)(v >> 8);
		q[3] = (uint8_t)v;
	}
}

void mih_put_u64(struct mih_wr *w, uint64_t v)
{
	mih_put_u32(w, (uint32_t)(v >> 32));
	mih_put_u32(w, (uint32_t)v);
}

void mih_put_bytes(struct mih_wr *w, const void *p, size_t n)
{
	uint8_t *q;

	if (n && !p) {
		mih_wr_fail(w, MIH_E_INVAL);
		return;
	}
	q = mih_wr_reserve(w, n);
	if (q && n)
		memcpy(q, p, n);
}

void mih_put_bool(struct mih_wr *w, bool v)
{
	mih_put_u8(w, v ? 1 : 0);
}

void mih_put_len(struct mih_wr *w, uint32_t len)
{
	uint8_t tmp[MIH_LEN_SIZE_MAX];
	int n = mih_len_encode(tmp, sizeof(tmp), len);

	if (n < 0) {
		mih_wr_fail(w, n);
		return;
	}
	mih_put_bytes(w, tmp, (size_t)n);
}

void mih_put_bitmap(struct mih_wr *w, unsigned int bits, uint64_t v)
{
	if (bits < 64 && v >> bits) {
		mih_wr_fail(w, MIH_E_RANGE);
		return;
	}
	switch (bits) {
	case 8:		mih_put_u8(w, (uint8_t)v); break;
	case 16:	mih_put_u16(w, (uint16_t)v); break;
	case 32:	mih_put_u32(w, (uint32_t)v); break;
	case 64:	mih_put_u64(w, v); break;
	default:	mih_wr_fail(w, MIH_E_INVAL);
	}
}

void mih_put_ostr_raw(struct mih_wr *w, const void *p, uint32_t len)
{
	mih_put_len(w, len);
	mih_put_bytes(w, p, len);
}

void mih_put_ostr(struct mih_wr *w, const struct mih_ostr *s, uint32_t max)
{
	if (max && s->len > max) {
		mih_wr_fail(w, MIH_E_RANGE);
		return;
	}
	mih_put_ostr_raw(w, s->p, s->len);
}

void mih_put_list(struct mih_wr *w, mih_put_fn put, const void *arr,
		  size_t elem_size, size_t n)
{
	const uint8_t *e = arr;
	size_t i;

	if (n > UINT32_MAX || (n && !arr)) {
		mih_wr_fail(w, MIH_E_INVAL);
		return;
	}
	mih_put_len(w, (uint32_t)n);
	for (i = 0; i < n && !w->err; i++)
		put(w, e + i * elem_size);
}

/* ---- MIHF ID, addresses ---- */

void mih_put_mihf_id(struct mih_wr *w, const void *id, size_t len)
{
	if (len > MIH_MIHF_ID_MAX) {
		mih_wr_fail(w, MIH_E_ID_TOO_LONG);
		return;
	}
	mih_put_ostr_raw(w, id, (uint32_t)len);
}

int mih_get_mihf_id(struct mih_rd *r, struct mih_ostr *id)
{
	size_t at = r->pos;

	mih_get_ostr(r, id, 0, "MIHF ID");
	if (!r->err && id->len > MIH_MIHF_ID_MAX)
		mih_rd_fail_at(r, at, MIH_E_ID_TOO_LONG,
			       "MIHF ID of %u octets (at most 253)", id->len);
	return r->err;
}

void mih_put_transport_addr(struct mih_wr *w,
			    const struct mih_transport_addr *v)
{
	mih_put_u16(w, v->family);
	mih_put_ostr(w, &v->addr, 0);
}

int mih_get_transport_addr(struct mih_rd *r, struct mih_transport_addr *v)
{
	memset(v, 0, sizeof(*v));
	v->family = mih_get_u16(r);
	mih_get_ostr(r, &v->addr, 0, "TRANSPORT_ADDR");
	return r->err;
}

void mih_put_mac_addr(struct mih_wr *w, const uint8_t *mac)
{
	mih_put_u16(w, MIH_AF_802);
	mih_put_ostr_raw(w, mac, 6);
}

int mih_get_mac_addr(struct mih_rd *r, uint8_t *mac)
{
	struct mih_transport_addr t;
	size_t at = r->pos;

	memset(mac, 0, 6);
	if (mih_get_transport_addr(r, &t))
		return r->err;
	if (t.family != MIH_AF_802)
		return mih_rd_fail_at(r, at, MIH_E_BAD_ADDR,
				      "MAC_ADDR family %u (not 6)", t.family);
	if (t.addr.len != 6)
		return mih_rd_fail_at(r, at, MIH_E_BAD_ADDR,
				      "MAC_ADDR of %u octets (not 6)",
				      t.addr.len);
	memcpy(mac, t.addr.p, 6);
	return 0;
}

static size_t ip_len(uint16_t family)
{
	switch (family) {
	case MIH_AF_NONE:	return 0;
	case MIH_AF_IPV4:	return 4;
	case MIH_AF_IPV6:	return 16;
	}
	return SIZE_MAX;
}

void mih_put_ip_addr(struct mih_wr *w, const struct mih_ip_addr *v)
{
	size_t n = ip_len(v->family);

	if (n == SIZE_MAX) {
		mih_wr_fail(w, MIH_E_BAD_ADDR);
		return;
	}
	mih_put_u16(w, v->family);
	mih_put_ostr_raw(w, v->a, (uint32_t)n);
}

int mih_get_ip_addr(struct mih_rd *r, struct mih_ip_addr *v)
{
	struct mih_transport_addr t;
	size_t at = r->pos, n;

	memset(v, 0, sizeof(*v));
	if (mih_get_transport_addr(r, &t))
		return r->err;
	n = ip_len(t.family);
	if (n == SIZE_MAX)
		return mih_rd_fail_at(r, at, MIH_E_BAD_ADDR,
				      "IP_ADDR family %u (not 0, 1, 2)",
				      t.family);
	if (t.addr.len != n)
		return mih_rd_fail_at(r, at, MIH_E_BAD_ADDR,
				      "IP_ADDR family %u with %u octets "
				      "(needs %zu)", t.family, t.addr.len, n);
	v->family = t.family;
	if (n)
		memcpy(v->a, t.addr.p, n);
	return 0;
}

void mih_put_link_addr(struct mih_wr *w, const struct mih_link_addr *v)
{
	if (v->kind >= MIH_LA_N_KINDS) {
		mih_wr_fail(w, MIH_E_RANGE);
		return;
	}
	mih_put_u8(w, v->kind);
	switch (v->kind) {
	case MIH_LA_MAC:
		mih_put_mac_addr(w, v->u.mac);
		break;
	case MIH_LA_3GPP_3G_CELL:
		mih_put_bytes(w, v->u.cell3g.plmn, 3);
		mih_put_u32(w, v->u.cell3g.cell_id);
		break;
	case MIH_LA_3GPP_2G_CELL:
		mih_put_bytes(w, v->u.cell2g.plmn, 3);
		mih_put_u16(w, v->u.cell2g.lac);
		mih_put_u16(w, v->u.cell2g.ci);
		break;
	default:
		mih_put_ostr(w, &v->u.str, 0);
	}
}

int mih_get_link_addr(struct mih_rd *r, struct mih_link_addr *v)
{
	memset(v, 0, sizeof(*v));
	v->kind = mih_get_choice(r, MIH_LA_N_KINDS, "LINK_ADDR");
	if (r->err)
		return r->err;
	switch (v->kind) {
	case MIH_LA_MAC:
		mih_get_mac_addr(r, v->u.mac);
		break;
	case MIH_LA_3GPP_3G_CELL:
		mih_get_bytes(r, v->u.cell3g.plmn, 3);
		v->u.cell3g.cell_id = mih_get_u32(r);
		break;
	case MIH_LA_3GPP_2G_CELL:
		mih_get_bytes(r, v->u.cell2g.plmn, 3);
		v->u.cell2g.lac = mih_get_u16(r);
		v->u.cell2g.ci = mih_get_u16(r);
		break;
	default:
		mih_get_ostr(r, &v->u.str, 0, "LINK_ADDR");
	}
	return r->err;
}

static const uint8_t link_types[] = {
	MIH_LT_GSM, MIH_LT_GPRS, MIH_LT_EDGE, MIH_LT_ETHERNET,
	MIH_LT_WIRELESS_OTHER, MIH_LT_802_11, MIH_LT_CDMA2000, MIH_LT_UMTS,
	MIH_LT_CDMA2000_HRPD, MIH_LT_802_16, MIH_LT_802_20, MIH_LT_802_22,
	MIH_LT_DVB, MIH_LT_T_DMB, MIH_LT_ATSC_MH,
};

bool mih_link_type_valid(uint8_t v)
{
	for (size_t i = 0; i < ARRAY_SIZE(link_types); i++)
		if (link_types[i] == v)
			return true;
	return false;
}

void mih_put_link_type(struct mih_wr *w, uint8_t v)
{
	if (!mih_link_type_valid(v)) {
		mih_wr_fail(w, MIH_E_RANGE);
		return;
	}
	mih_put_u8(w, v);
}

int mih_get_link_type(struct mih_rd *r, uint8_t *v)
{
	size_t at = r->pos;

	*v = mih_get_u8(r);
	if (!r->err && !mih_link_type_valid(*v)) {
		mih_rd_fail_at(r, at, MIH_E_BAD_ENUM, "LINK_TYPE %u unknown",
			       *v);
		*v = 0;
	}
	return r->err;
}

void mih_put_link_id(struct mih_wr *w, const struct mih_link_id *v)
{
	mih_put_link_type(w, v->type);
	mih_put_link_addr(w, &v->addr);
}

int mih_get_link_id(struct mih_rd *r, struct mih_link_id *v)
{
	memset(v, 0, sizeof(*v));
	mih_get_link_type(r, &v->type);
	mih_get_link_addr(r, &v->addr);
	return r->err;
}

void mih_put_link_tuple_id(struct mih_wr *w, const struct mih_link_tuple_id *v)
{
	mih_put_link_id(w, &v->link);
	mih_put_u8(w, v->has_poa);
	if (v->has_poa)
		mih_put_link_addr(w, &v->poa);
}

int mih_get_link_tuple_id(struct mih_rd *r, struct mih_link_tuple_id *v)
{
	memset(v, 0, sizeof(*v));
	mih_get_link_id(r, &v->link);
	v->has_poa = mih_get_choice(r, 2, "LINK_TUPLE_ID PoA");
	if (v->has_poa)
		mih_get_link_addr(r, &v->poa);
	return r->err;
}

void mih_put_network_type(struct mih_wr *w, const struct mih_network_type *v)
{
	mih_put_u8(w, v->has_link_type);
	if (v->has_link_type)
		mih_put_link_type(w, v->link_type);
	mih_put_u8(w, v->has_subtype);
	if (v->has_subtype)
		mih_put_u64(w, v->subtype);
	mih_put_u8(w, v->has_ext);
	if (v->has_ext)
		mih_put_ostr(w, &v->ext, 0);
}

int mih_get_network_type(struct mih_rd *r, struct mih_network_type *v)
{
	memset(v, 0, sizeof(*v));
	v->has_link_type = mih_get_choice(r, 2, "NETWORK_TYPE link type");
	if (v->has_link_type)
		mih_get_link_type(r, &v->link_type);
	v->has_subtype = mih_get_choice(r, 2, "NETWORK_TYPE subtype");
	if (v->has_subtype)
		v->subtype = mih_get_u64(r);
	v->has_ext = mih_get_choice(r, 2, "NETWORK_TYPE type ext");
	if (v->has_ext)
		mih_get_ostr(r, &v->ext, 0, "NETWORK_TYPE type ext");
	return r->err;
}

void mih_put_net_type_addr(struct mih_wr *w, const struct mih_net_type_addr *v)
{
	mih_put_network_type(w, &v->nt);
	mih_put_link_addr(w, &v->addr);
}

int mih_get_net_type_addr(struct mih_rd *r, struct mih_net_type_addr *v)
{
	memset(v, 0, sizeof(*v));
	mih_get_network_type(r, &v->nt);
	mih_get_link_addr(r, &v->addr);
	return r->err;
}

void mih_put_mbb_ho_supp(struct mih_wr *w, const struct mih_mbb_ho_supp *v)
{
	mih_put_network_type(w, &v->from);
	mih_put_network_type(w, &v->to);
	mih_put_bool(w, v->supported);
}

int mih_get_mbb_ho_supp(struct mih_rd *r, struct mih_mbb_ho_supp *v)
{
	memset(v, 0, sizeof(*v));
	mih_get_network_type(r, &v->from);
	mih_get_network_type(r, &v->to);
	v->supported = mih_get_bool(r, "MBB_HO_SUPP");
	return r->err;
}

void mih_put_sig_strength(struct mih_wr *w, const struct mih_sig_strength *v)
{
	mih_put_u8(w, v->is_percent);
	if (v->is_percent) {
		if (v->percent > 100) {
			mih_wr_fail(w, MIH_E_RANGE);
			return;
		}
		mih_put_u8(w, v->percent);
	} else {
		mih_put_u8(w, (uint8_t)v->dbm);
	}
}

int mih_get_sig_strength(struct mih_rd *r, struct mih_sig_strength *v)
{
	size_t at;

	memset(v, 0, sizeof(*v));
	v->is_percent = mih_get_choice(r, 2, "SIG_STRENGTH");
	at = r->pos;
	if (v->is_percent) {
		v->percent = mih_get_u8(r);
		if (!r->err && v->percent > 100)
			mih_rd_fail_at(r, at, MIH_E_BAD_VALUE,
				       "SIG_STRENGTH percentage %u above 100",
				       v->percent);
	} else {
		v->dbm = (int8_t)mih_get_u8(r);
	}
	return r->err;
}

void mih_put_link_det_info(struct mih_wr *w, const struct mih_link_det_info *v)
{
	mih_put_link_tuple_id(w, &v->tuple);
	mih_put_ostr(w, &v->network_id, MIH_NETWORK_ID_MAX);
	mih_put_ostr(w, &v->net_aux_id, MIH_NETWORK_ID_MAX);
	mih_put_sig_strength(w, &v->sig);
	mih_put_u16(w, v->sinr);
	mih_put_u32(w, v->data_rate);
	mih_put_u8(w, v->mihcap);
	mih_put_u32(w, v->net_caps);
}

int mih_get_link_det_info(struct mih_rd *r, struct mih_link_det_info *v)
{
	memset(v, 0, sizeof(*v));
	mih_get_link_tuple_id(r, &v->tuple);
	mih_get_ostr(r, &v->network_id, MIH_NETWORK_ID_MAX, "NETWORK_ID");
	mih_get_ostr(r, &v->net_aux_id, MIH_NETWORK_ID_MAX, "NET_AUX_ID");
	mih_get_sig_strength(r, &v->sig);
	v->sinr = mih_get_u16(r);
	v->data_rate = mih_get_u32(r);
	v->mihcap = mih_get_u8(r);
	v->net_caps = mih_get_u32(r);
	return r->err;
}

/* ---- handover types ---- */

static uint32_t get_bounded_count(struct mih_rd *r, size_t min_elem,
				  uint32_t cap, const char *what)
{
	size_t at = r->pos;
	uint32_t n = mih_get_list_count(r, min_elem);

	if (!r->err && n > cap) {
		mih_rd_fail_at(r, at, MIH_E_TOO_MANY,
			       "%s: %u elements (this codec holds %u)",
			       what, n, cap);
		return 0;
	}
	return n;
}

static void put_link_addr_any(struct mih_wr *w, const void *v)
{
	mih_put_link_addr(w, v);
}

void mih_put_link_poa_list(struct mih_wr *w, const struct mih_link_poa_list *v)
{
	if (v->n_poa > MIH_POA_LIST_MAX) {
		mih_wr_fail(w, MIH_E_TOO_MANY);
		return;
	}
	mih_put_link_id(w, &v->link);
	mih_put_list(w, put_link_addr_any, v->poa,
		     sizeof(v->poa[0]), v->n_poa);
}

int mih_get_link_poa_list(struct mih_rd *r, struct mih_link_poa_list *v)
{
	memset(v, 0, sizeof(*v));
	mih_get_link_id(r, &v->link);
	v->n_poa = get_bounded_count(r, 2, MIH_POA_LIST_MAX, "LINK_POA_LIST");
	for (uint32_t i = 0; i < v->n_poa && !r->err; i++)
		mih_get_link_addr(r, &v->poa[i]);
	return r->err;
}

void mih_put_qos_list(struct mih_wr *w, const struct mih_qos_list *v)
{
	uint32_t i, cnt;
	uint8_t kind;

	if (v->n > MIH_QOS_LIST_MAX) {
		mih_wr_fail(w, MIH_E_TOO_MANY);
		return;
	}
	for (i = 0; i < v->n; i++)
		if (v->p[i].type < MIH_QOS_MIN_PK_TX_DELAY ||
		    v->p[i].type > MIH_QOS_KIND_MAX || v->p[i].value > 0xffff) {
			mih_wr_fail(w, MIH_E_RANGE);
			return;
		}
	mih_put_u8(w, v->num_cos);
	for (kind = MIH_QOS_MIN_PK_TX_DELAY; kind <= MIH_QOS_KIND_MAX;
	     kind++) {
		for (i = 0, cnt = 0; i < v->n; i++)
			cnt += v->p[i].type == kind;
		mih_put_len(w, cnt);
		for (i = 0; i < v->n; i++) {
			if (v->p[i].type != kind)
				continue;
			mih_put_u8(w, v->p[i].cos);
			mih_put_u16(w, (uint16_t)v->p[i].value);
		}
	}
}

int mih_get_qos_list(struct mih_rd *r, struct mih_qos_list *v)
{
	uint32_t cnt, i;
	uint8_t kind;
	size_t at;

	memset(v, 0, sizeof(*v));
	v->num_cos = mih_get_u8(r);
	for (kind = MIH_QOS_MIN_PK_TX_DELAY; kind <= MIH_QOS_KIND_MAX &&
	     !r->err; kind++) {
		at = r->pos;
		cnt = mih_get_list_count(r, 3);
		if (!r->err && cnt > MIH_QOS_LIST_MAX - v->n) {
			mih_rd_fail_at(r, at, MIH_E_TOO_MANY,
				       "QOS_LIST: more than %u parameters "
				       "(this codec's limit)",
				       MIH_QOS_LIST_MAX);
			break;
		}
		for (i = 0; i < cnt && !r->err; i++) {
			struct mih_qos_param *q = &v->p[v->n++];

			q->type = kind;
			q->cos = mih_get_u8(r);
			q->value = mih_get_u16(r);
		}
	}
	return r->err;
}

void mih_put_rq_result(struct mih_wr *w, const struct mih_rq_result *v)
{
	static const struct mih_qos_list empty;

	mih_put_link_poa_list(w, &v->pref);
	mih_put_qos_list(w, v->has_qos ? &v->qos : &empty);
	mih_put_u8(w, v->has_ip_cfg);
	if (v->has_ip_cfg)
		mih_put_u32(w, v->ip_cfg);
	mih_put_u8(w, v->has_dhcp);
	if (v->has_dhcp)
		mih_put_ip_addr(w, &v->dhcp);
	mih_put_u8(w, v->has_fa);
	if (v->has_fa)
		mih_put_ip_addr(w, &v->fa);
	mih_put_u8(w, v->has_ar);
	if (v->has_ar)
		mih_put_ip_addr(w, &v->ar);
}

int mih_get_rq_result(struct mih_rd *r, struct mih_rq_result *v)
{
	memset(v, 0, sizeof(*v));
	mih_get_link_poa_list(r, &v->pref);
	mih_get_qos_list(r, &v->qos);
	v->has_qos = true;
	v->has_ip_cfg = mih_get_choice(r, 2, "RQ_RESULT IP_CFG_MTHDS");
	if (v->has_ip_cfg)
		v->ip_cfg = mih_get_u32(r);
	v->has_dhcp = mih_get_choice(r, 2, "RQ_RESULT DHCP server");
	if (v->has_dhcp)
		mih_get_ip_addr(r, &v->dhcp);
	v->has_fa = mih_get_choice(r, 2, "RQ_RESULT FA");
	if (v->has_fa)
		mih_get_ip_addr(r, &v->fa);
	v->has_ar = mih_get_choice(r, 2, "RQ_RESULT access router");
	if (v->has_ar)
		mih_get_ip_addr(r, &v->ar);
	return r->err;
}

void mih_put_tgt_net_info(struct mih_wr *w, const struct mih_tgt_net_info *v)
{
	if (v->has_poa) {
		if (v->has_network_id || v->has_net_aux_id) {
			mih_wr_fail(w, MIH_E_INVAL);
			return;
		}
		mih_put_u8(w, 1);
		mih_put_link_addr(w, &v->poa);
		return;
	}
	if (!v->has_network_id) {
		mih_wr_fail(w, MIH_E_INVAL);
		return;
	}
	mih_put_u8(w, 0);
	mih_put_ostr(w, &v->network_id, MIH_NETWORK_ID_MAX);
	mih_put_u8(w, v->has_net_aux_id);
	if (v->has_net_aux_id)
		mih_put_ostr(w, &v->net_aux_id, MIH_NETWORK_ID_MAX);
}

int mih_get_tgt_net_info(struct mih_rd *r, struct mih_tgt_net_info *v)
{
	memset(v, 0, sizeof(*v));
	v->has_poa = mih_get_choice(r, 2, "TGT_NET_INFO");
	if (r->err)
		return r->err;
	if (v->has_poa)
		return mih_get_link_addr(r, &v->poa);
	v->has_network_id = true;
	mih_get_ostr(r, &v->network_id, MIH_NETWORK_ID_MAX, "NETWORK_ID");
	v->has_net_aux_id = mih_get_choice(r, 2, "TGT_NET_INFO aux ID");
	if (v->has_net_aux_id)
		mih_get_ostr(r, &v->net_aux_id, MIH_NETWORK_ID_MAX,
			     "NET_AUX_ID");
	return r->err;
}

static void put_tsp(struct mih_wr *w, const struct mih_res_set *v)
{
	if (v->has_opaque && v->has_predef) {
		mih_wr_fail(w, MIH_E_INVAL);
		return;
	}
	mih_put_qos_list(w, &v->qos);
	if (v->has_predef) {
		mih_put_u8(w, 1);
		mih_put_u8(w, (uint8_t)v->predef_cfg_id);
	} else if (v->has_opaque) {
		mih_put_u8(w, 2);
		mih_put_ostr(w, &v->opaque, 0);
	} else {
		mih_put_u8(w, 0);
	}
}

static void get_tsp(struct mih_rd *r, struct mih_res_set *v)
{
	uint8_t sel;

	memset(v, 0, sizeof(*v));
	mih_get_qos_list(r, &v->qos);
	sel = mih_get_choice(r, 3, "TSP_CONTAINER");
	if (sel == 1) {
		v->has_predef = true;
		v->predef_cfg_id = (int8_t)mih_get_u8(r);
	} else if (sel == 2) {
		v->has_opaque = true;
		mih_get_ostr(r, &v->opaque, 0, "TSP_CARRIER");
	}
}

void mih_put_res_set(struct mih_wr *w, const struct mih_res_set *v)
{
	put_tsp(w, v);
}

int mih_get_res_set(struct mih_rd *r, struct mih_res_set *v)
{
	get_tsp(r, v);
	return r->err;
}

void mih_put_req_res_set(struct mih_wr *w, const struct mih_res_set *v)
{
	if (v->cause > MIH_LDR_MAX) {
		mih_wr_fail(w, MIH_E_RANGE);
		return;
	}
	put_tsp(w, v);
	mih_put_u8(w, v->cause);
}

int mih_get_req_res_set(struct mih_rd *r, struct mih_res_set *v)
{
	get_tsp(r, v);
	v->cause = mih_get_enum(r, MIH_LDR_MAX, "HO_CAUSE");
	return r->err;
}

/* ---- one-octet enumerations ---- */

#define ENUM_GETTER(fn, max, what)				\
int fn(struct mih_rd *r, uint8_t *v)				\
{								\
	*v = mih_get_enum(r, (max), (what));			\
	return r->err;						\
}
ENUM_GETTER(mih_get_status, MIH_STATUS_MAX, "STATUS")
ENUM_GETTER(mih_get_link_dn_reason, MIH_LDR_MAX, "LINK_DN_REASON")
ENUM_GETTER(mih_get_link_gd_reason, MIH_LGR_MAX, "LINK_GD_REASON")
ENUM_GETTER(mih_get_reg_request_code, MIH_REG_MAX, "REG_REQUEST_CODE")
ENUM_GETTER(mih_get_ho_status, MIH_HO_STATUS_MAX, "HO_STATUS")
ENUM_GETTER(mih_get_ho_result, MIH_HO_RESULT_MAX, "HO_RESULT")

/* ---- names ---- */

static const char *const status_names[] = {
	"Success", "Unspecified Failure", "Rejected", "Authorization Failure",
	"Network Error", "Authentication Failure",
};

const char *mih_status_name(uint8_t v)
{
	return v < ARRAY_SIZE(status_names) ? status_names[v] : NULL;
}

const char *mih_link_type_name(uint8_t v)
{
	switch (v) {
	case MIH_LT_GSM:		return "GSM";
	case MIH_LT_GPRS:		return "GPRS";
	case MIH_LT_EDGE:		return "EDGE";
	case MIH_LT_ETHERNET:		return "Ethernet";
	case MIH_LT_WIRELESS_OTHER:	return "Wireless-Other";
	case MIH_LT_802_11:		return "802.11";
	case MIH_LT_CDMA2000:		return "CDMA2000";
	case MIH_LT_UMTS:		return "UMTS";
	case MIH_LT_CDMA2000_HRPD:	return "cdma2000-HRPD";
	case MIH_LT_802_16:		return "802.16";
	case MIH_LT_802_20:		return "802.20";
	case MIH_LT_802_22:		return "802.22";
	case MIH_LT_DVB:		return "DVB";
	case MIH_LT_T_DMB:		return "T-DMB";
	case MIH_LT_ATSC_MH:		return "ATSC-M/H";
	}
	return NULL;
}

static const char *const ldr_names[] = {
	"Explicit disconnect", "Packet timeout", "No resource",
	"No broadcast", "Authentication failure", "Billing failure",
};

const char *mih_link_dn_reason_name(uint8_t v)
{
	return v < ARRAY_SIZE(ldr_names) ? ldr_names[v] : NULL;
}

static const char *const lgr_names[] = {
	"Explicit disconnect", "Link parameter degrading", "Low power",
	"No resource",
};

const char *mih_link_gd_reason_name(uint8_t v)
{
	return v < ARRAY_SIZE(lgr_names) ? lgr_names[v] : NULL;
}

static const char *const evt_names[] = {
	"Link_Detected", "Link_Up", "Link_Down", "Link_Parameters_Report",
	"Link_Going_Down", "Link_Handover_Imminent",
	"Link_Handover_Complete", "Link_PDU_Transmit_Status",
};

const char *mih_evt_bit_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(evt_names) ? evt_names[bit] : NULL;
}

static const char *const cmd_names[] = {
	"Link_Get_Parameters", "Link_Configure_Thresholds", "Link_Actions",
	"Net_HO", "MN_HO",
};

const char *mih_cmd_bit_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(cmd_names) ? cmd_names[bit] : NULL;
}

static const char *const iq_names[] = {
	"binary", "RDF", "RDF_schema_URL", "RDF_schema", "NETWORK_TYPE",
	"OPERATOR_ID", "SERVICE_PROVIDER_ID", "COUNTRY_CODE", "NETWORK_ID",
	"NETWORK_AUX_ID", "ROAMING_PARTNERS", "COST", "NETWORK_QOS",
	"NETWORK_DATA_RATE", "NET_REGULT_DOMAIN", "NET_FREQUENCY_BANDS",
	"NET_IP_CFG_METHODS", "NET_CAPABILITIES", "NET_SUPPORTED_LCP",
	"NET_MOB_MGMT_PROT", "NET_EMSERV_PROXY", "NET_IMS_PROXY_CSCF",
	"NET_MOBILE_NETWORK", "POA_LINK_ADDR", "POA_LOCATION",
	"POA_CHANNEL_RANGE", "POA_SYSTEM_INFO", "POA_SUBNET_INFO",
	"POA_IP_ADDR",
};

const char *mih_iq_type_bit_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(iq_names) ? iq_names[bit] : NULL;
}

static const char *const trans_names[] = { "UDP", "TCP" };

static const char *trans_bit_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(trans_names) ? trans_names[bit] : NULL;
}

static const char *const mob_names[] = {
	"MIPv4", "MIPv4-RR", "MIPv6", "HMIPv6", "LLH", "FMIPv6", "IKEv2",
};

static const char *mob_bit_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(mob_names) ? mob_names[bit] : NULL;
}

static const char *ipcfg_bit_name(unsigned int bit)
{
	switch (bit) {
	case MIH_IPCFG_IPV4_STATIC:	return "IPv4-static";
	case MIH_IPCFG_DHCPV4:		return "DHCPv4";
	case MIH_IPCFG_MIPV4_FA:	return "MIPv4-FA";
	case MIH_IPCFG_MIPV4_NO_FA:	return "MIPv4-noFA";
	case MIH_IPCFG_IPV6_STATELESS:	return "IPv6-stateless";
	case MIH_IPCFG_DHCPV6:		return "DHCPv6";
	case MIH_IPCFG_IPV6_MANUAL:	return "IPv6-manual";
	}
	return NULL;
}

static const char *const netcap_names[] = {
	"security", "QoS0", "QoS1", "QoS2", "QoS3", "QoS4", "QoS5",
	"internet", "emergency", "MIH",
};

static const char *netcap_bit_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(netcap_names) ? netcap_names[bit] : NULL;
}

/* ---- formatting ---- */

/* snprintf-style appender */
struct fb {
	char *buf;
	size_t size;
	size_t len;	/* would-be length */
};

static void fb_init(struct fb *f, char *buf, size_t size)
{
	f->buf = buf;
	f->size = buf ? size : 0;
	f->len = 0;
	if (f->size)
		buf[0] = '\0';
}

__attribute__((format(printf, 2, 3)))
static void fb_printf(struct fb *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (f->len < f->size)
		n = vsnprintf(f->buf + f->len, f->size - f->len, fmt, ap);
	else
		n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		f->len += (size_t)n;
}

static int fb_ret(const struct fb *f)
{
	return f->len > INT32_MAX ? INT32_MAX : (int)f->len;
}

static void fb_hex(struct fb *f, const uint8_t *p, size_t n, size_t max)
{
	for (size_t i = 0; i < n && i < max; i++)
		fb_printf(f, "%02x", p[i]);
	if (n > max)
		fb_printf(f, "...");
}

/* An OCTET_STRING: quoted if printable, else hex */
static void fb_ostr(struct fb *f, const struct mih_ostr *s)
{
	bool text = true;

	for (uint32_t i = 0; i < s->len; i++)
		if (s->p[i] < 0x20 || s->p[i] > 0x7e || s->p[i] == '"' ||
		    s->p[i] == '\\')
			text = false;
	if (text) {
		fb_printf(f, "\"%.*s\"", s->len > 64 ? 64 : (int)s->len,
			  (const char *)s->p);
		if (s->len > 64)
			fb_printf(f, "...");
	} else {
		fb_printf(f, "0x");
		fb_hex(f, s->p, s->len, 64);
	}
}

static void fb_bitmap(struct fb *f, uint64_t map, unsigned int bits,
		      const char *(*name)(unsigned int bit))
{
	bool first = true;

	fb_printf(f, "{");
	for (unsigned int k = 0; k < bits && k < 64; k++) {
		const char *n;

		if (!mih_bit_test(map, k))
			continue;
		n = name ? name(k) : NULL;
		if (n)
			fb_printf(f, "%s%s", first ? "" : ",", n);
		else
			fb_printf(f, "%sbit%u", first ? "" : ",", k);
		first = false;
	}
	fb_printf(f, "}");
}

int mih_bitmap_fmt(char *buf, size_t size, uint64_t map, unsigned int bits,
		   const char *(*name)(unsigned int bit))
{
	struct fb f;

	fb_init(&f, buf, size);
	fb_bitmap(&f, map, bits, name);
	return fb_ret(&f);
}

static void fb_link_type(struct fb *f, uint8_t t)
{
	const char *n = mih_link_type_name(t);

	if (n)
		fb_printf(f, "%s", n);
	else
		fb_printf(f, "link-type-%u", t);
}

static void fb_link_addr(struct fb *f, const struct mih_link_addr *v)
{
	const uint8_t *m = v->u.mac;

	switch (v->kind) {
	case MIH_LA_MAC:
		fb_printf(f, "MAC %02x:%02x:%02x:%02x:%02x:%02x",
			  m[0], m[1], m[2], m[3], m[4], m[5]);
		break;
	case MIH_LA_3GPP_3G_CELL:
		fb_printf(f, "3G-cell plmn ");
		fb_hex(f, v->u.cell3g.plmn, 3, 3);
		fb_printf(f, " cell %u", v->u.cell3g.cell_id);
		break;
	case MIH_LA_3GPP_2G_CELL:
		fb_printf(f, "2G-cell plmn ");
		fb_hex(f, v->u.cell2g.plmn, 3, 3);
		fb_printf(f, " lac %u ci %u", v->u.cell2g.lac, v->u.cell2g.ci);
		break;
	default:
		fb_printf(f, "%s ", v->kind == MIH_LA_3GPP ? "3GPP" :
			  v->kind == MIH_LA_3GPP2 ? "3GPP2" : "L2");
		fb_ostr(f, &v->u.str);
	}
}

int mih_link_addr_fmt(char *buf, size_t size, const struct mih_link_addr *v)
{
	struct fb f;

	fb_init(&f, buf, size);
	fb_link_addr(&f, v);
	return fb_ret(&f);
}

static void fb_link_id(struct fb *f, const struct mih_link_id *v)
{
	fb_link_type(f, v->type);
	fb_printf(f, " ");
	fb_link_addr(f, &v->addr);
}

int mih_link_id_fmt(char *buf, size_t size, const struct mih_link_id *v)
{
	struct fb f;

	fb_init(&f, buf, size);
	fb_link_id(&f, v);
	return fb_ret(&f);
}

static void fb_link_tuple_id(struct fb *f, const struct mih_link_tuple_id *v)
{
	fb_link_id(f, &v->link);
	if (v->has_poa) {
		fb_printf(f, " PoA ");
		fb_link_addr(f, &v->poa);
	}
}

int mih_link_tuple_id_fmt(char *buf, size_t size,
			  const struct mih_link_tuple_id *v)
{
	struct fb f;

	fb_init(&f, buf, size);
	fb_link_tuple_id(&f, v);
	return fb_ret(&f);
}

static void fb_ip_addr(struct fb *f, const struct mih_ip_addr *v)
{
	const uint8_t *a = v->a;

	if (v->family == MIH_AF_IPV4) {
		fb_printf(f, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	} else if (v->family == MIH_AF_IPV6) {
		for (int i = 0; i < 16; i += 2)
			fb_printf(f, "%s%x", i ? ":" : "",
				  (unsigned int)(a[i] << 8 | a[i + 1]));
	} else {
		fb_printf(f, "none");
	}
}

int mih_ip_addr_fmt(char *buf, size_t size, const struct mih_ip_addr *v)
{
	struct fb f;

	fb_init(&f, buf, size);
	fb_ip_addr(&f, v);
	return fb_ret(&f);
}

static void fb_network_type(struct fb *f, const struct mih_network_type *v)
{
	if (v->has_link_type)
		fb_link_type(f, v->link_type);
	else
		fb_printf(f, "any");
	if (v->has_subtype)
		fb_printf(f, " subtype 0x%llx",
			  (unsigned long long)v->subtype);
	if (v->has_ext) {
		fb_printf(f, " ext ");
		fb_ostr(f, &v->ext);
	}
}

int mih_network_type_fmt(char *buf, size_t size,
			 const struct mih_network_type *v)
{
	struct fb f;

	fb_init(&f, buf, size);
	fb_network_type(&f, v);
	return fb_ret(&f);
}

static void fb_sig(struct fb *f, const struct mih_sig_strength *s)
{
	if (s->is_percent)
		fb_printf(f, "%u%%", s->percent);
	else
		fb_printf(f, "%d dBm", s->dbm);
}

static void fb_link_poa_list(struct fb *f, const struct mih_link_poa_list *v)
{
	fb_link_id(f, &v->link);
	fb_printf(f, " PoAs [");
	for (uint32_t i = 0; i < v->n_poa; i++) {
		fb_printf(f, "%s", i ? ", " : "");
		fb_link_addr(f, &v->poa[i]);
	}
	fb_printf(f, "]");
}

static void fb_qos(struct fb *f, const struct mih_qos_list *q)
{
	static const char *const kinds[] = {
		"?", "min-delay", "avg-delay", "max-delay", "jitter", "loss",
	};

	fb_printf(f, "QoS %u classes [", q->num_cos);
	for (uint32_t i = 0; i < q->n; i++)
		fb_printf(f, "%s%s cos %u = %u", i ? ", " : "",
			  kinds[q->p[i].type <= 5 ? q->p[i].type : 0],
			  q->p[i].cos, q->p[i].value);
	fb_printf(f, "]");
}

/* ---- per-TLV value descriptors ----
 * A small grammar interpreted by one walker that validates (f == NULL) or
 * validates and prints.  Typed leaves (D_FN) call the typed getters above.
 */
enum dkind {
	D_U8, D_U16, D_U32, D_I8, D_BOOL, D_ENUM, D_BITMAP, D_OSTR, D_NULL,
	D_SEQ, D_CHOICE, D_LIST, D_FN,
};

struct desc {
	uint8_t kind;
	uint16_t arg;		/* ENUM max, BITMAP bits, OSTR max, n subs */
	const char *name;
	const struct desc *const *sub;
	void (*fn)(struct mih_rd *r, struct fb *f);	/* D_FN */
	const char *(*bitname)(unsigned int bit);	/* D_BITMAP */
};

#define SUBS(...)	((const struct desc *const[]){ __VA_ARGS__ })
#define NSUBS(...)	(sizeof(SUBS(__VA_ARGS__)) / sizeof(void *))
#define SEQ(nm, ...)	{ .kind = D_SEQ, .name = nm, \
			  .arg = NSUBS(__VA_ARGS__), .sub = SUBS(__VA_ARGS__) }
#define CHOICE(nm, ...)	{ .kind = D_CHOICE, .name = nm, \
			  .arg = NSUBS(__VA_ARGS__), .sub = SUBS(__VA_ARGS__) }
#define LIST(nm, ...)	{ .kind = D_LIST, .name = nm, .arg = 1, \
			  .sub = SUBS(__VA_ARGS__) }
#define D(k, nm)	{ .kind = k, .name = nm }
#define DENUM(nm, mx)	{ .kind = D_ENUM, .name = nm, .arg = mx }
#define DBITS(nm, n, f)	{ .kind = D_BITMAP, .name = nm, .arg = n, .bitname = f }
#define DOSTR(nm, mx)	{ .kind = D_OSTR, .name = nm, .arg = mx }
#define DFN(nm, f)	{ .kind = D_FN, .name = nm, .fn = f }

/* typed leaves */
#define TYPED(nm, type, getter, body)				\
static void nm(struct mih_rd *r, struct fb *f)			\
{								\
	type v;							\
	if (getter(r, &v) || !f)				\
		return;						\
	body;							\
}
TYPED(fn_link_addr, struct mih_link_addr, mih_get_link_addr,
      fb_link_addr(f, &v))
TYPED(fn_link_id, struct mih_link_id, mih_get_link_id, fb_link_id(f, &v))
TYPED(fn_link_tuple_id, struct mih_link_tuple_id, mih_get_link_tuple_id,
      fb_link_tuple_id(f, &v))
TYPED(fn_ip_addr, struct mih_ip_addr, mih_get_ip_addr, fb_ip_addr(f, &v))
TYPED(fn_network_type, struct mih_network_type, mih_get_network_type,
      fb_network_type(f, &v))
TYPED(fn_sig, struct mih_sig_strength, mih_get_sig_strength, fb_sig(f, &v))
TYPED(fn_link_type, uint8_t, mih_get_link_type, fb_link_type(f, v))
TYPED(fn_mihf_id, struct mih_ostr, mih_get_mihf_id, fb_ostr(f, &v))
TYPED(fn_qos, struct mih_qos_list, mih_get_qos_list, fb_qos(f, &v))
TYPED(fn_link_poa_list, struct mih_link_poa_list, mih_get_link_poa_list,
      fb_link_poa_list(f, &v))
TYPED(fn_net_type_addr, struct mih_net_type_addr, mih_get_net_type_addr,
      { fb_network_type(f, &v.nt); fb_printf(f, " ");
	fb_link_addr(f, &v.addr); })
TYPED(fn_mbb, struct mih_mbb_ho_supp, mih_get_mbb_ho_supp,
      { fb_network_type(f, &v.from); fb_printf(f, " -> ");
	fb_network_type(f, &v.to);
	fb_printf(f, "%s", v.supported ? " MBB" : " no-MBB"); })
TYPED(fn_link_det_info, struct mih_link_det_info, mih_get_link_det_info,
      { fb_link_tuple_id(f, &v.tuple); fb_printf(f, " net ");
	fb_ostr(f, &v.network_id); fb_printf(f, " aux ");
	fb_ostr(f, &v.net_aux_id); fb_printf(f, " sig ");
	fb_sig(f, &v.sig);
	fb_printf(f, " sinr %u rate %u kb/s mihcap 0x%02x caps ",
		  v.sinr, v.data_rate, v.mihcap);
	fb_bitmap(f, v.net_caps, 32, netcap_bit_name); })
TYPED(fn_rq_result, struct mih_rq_result, mih_get_rq_result,
      { fb_link_poa_list(f, &v.pref); fb_printf(f, " "); fb_qos(f, &v.qos);
	if (v.has_ip_cfg) { fb_printf(f, " ip-cfg ");
			    fb_bitmap(f, v.ip_cfg, 32, ipcfg_bit_name); }
	if (v.has_dhcp) { fb_printf(f, " dhcp "); fb_ip_addr(f, &v.dhcp); }
	if (v.has_fa) { fb_printf(f, " fa "); fb_ip_addr(f, &v.fa); }
	if (v.has_ar) { fb_printf(f, " ar "); fb_ip_addr(f, &v.ar); } })
TYPED(fn_tgt_net_info, struct mih_tgt_net_info, mih_get_tgt_net_info,
      { if (v.has_poa) { fb_printf(f, "PoA "); fb_link_addr(f, &v.poa); }
	else { fb_printf(f, "net "); fb_ostr(f, &v.network_id);
	       if (v.has_net_aux_id) { fb_printf(f, " aux ");
				       fb_ostr(f, &v.net_aux_id); } } })
static void fb_res_set(struct fb *f, const struct mih_res_set *v)
{
	fb_qos(f, &v->qos);
	if (v->has_predef)
		fb_printf(f, " predef-cfg %d", v->predef_cfg_id);
	if (v->has_opaque) {
		fb_printf(f, " tsp-carrier ");
		fb_ostr(f, &v->opaque);
	}
}
TYPED(fn_res_set, struct mih_res_set, mih_get_res_set, fb_res_set(f, &v))
TYPED(fn_req_res_set, struct mih_res_set, mih_get_req_res_set,
      { fb_res_set(f, &v); fb_printf(f, " cause %u", v.cause); })

static void fn_status(struct mih_rd *r, struct fb *f)
{
	uint8_t v;

	if (mih_get_status(r, &v) || !f)
		return;
	fb_printf(f, "%s", mih_status_name(v));
}

static void fn_ldr(struct mih_rd *r, struct fb *f)
{
	uint8_t v;

	if (mih_get_link_dn_reason(r, &v) || !f)
		return;
	fb_printf(f, "%s", mih_link_dn_reason_name(v));
}

static void fn_lgr(struct mih_rd *r, struct fb *f)
{
	uint8_t v;

	if (mih_get_link_gd_reason(r, &v) || !f)
		return;
	fb_printf(f, "%s", mih_link_gd_reason_name(v));
}

static void fn_ho_result(struct mih_rd *r, struct fb *f)
{
	static const char *const n[] = {
		"success", "failure", "rejected", "rejected(3)",
	};
	uint8_t v;

	if (mih_get_ho_result(r, &v) || !f)
		return;
	fb_printf(f, "%s", n[v]);
}

static void fn_ho_status(struct mih_rd *r, struct fb *f)
{
	uint8_t v;

	if (mih_get_ho_status(r, &v) || !f)
		return;
	fb_printf(f, "%s", v ? "declined" : "permitted");
}

static void fn_reg_code(struct mih_rd *r, struct fb *f)
{
	uint8_t v;

	if (mih_get_reg_request_code(r, &v) || !f)
		return;
	fb_printf(f, "%s", v ? "re-registration" : "registration");
}

static void fb_iq(struct fb *f, const struct mih_iq_bin_data *q)
{
	const char *sep = "";
	const char *n;

	fb_printf(f, "(");
	if (q->has_querier_loc) {
		fb_printf(f, "querier-loc");
		sep = " ";
	}
	if (q->has_net_type_inc) {
		fb_printf(f, "%snet-types 0x%x", sep, q->net_type_inc);
		sep = " ";
	}
	if (q->has_netwk_inc) {
		fb_printf(f, "%snetworks [", sep);
		for (uint32_t i = 0; i < q->n_netwk; i++) {
			fb_printf(f, "%s", i ? ", " : "");
			fb_ostr(f, &q->netwk[i]);
		}
		fb_printf(f, "]");
		sep = " ";
	}
	if (q->has_rpt_templ) {
		fb_printf(f, "%sreport [", sep);
		for (uint32_t i = 0; i < q->n_templ; i++) {
			n = mih_ie_name(q->templ[i]);
			if (n)
				fb_printf(f, "%s%s", i ? ", " : "", n);
			else
				fb_printf(f, "%s0x%08x", i ? ", " : "",
					  q->templ[i]);
		}
		fb_printf(f, "]");
		sep = " ";
	}
	if (q->has_rpt_limit) {
		fb_printf(f, "%slimit %u from %u", sep, q->max_ies,
			  q->start_entry);
		sep = " ";
	}
	if (q->has_curr_pref)
		fb_printf(f, "%scurrency %.3s", sep, q->curr_pref);
	fb_printf(f, ")");
}

static void fn_iq_bin(struct mih_rd *r, struct fb *f)
{
	size_t start = r->pos;
	struct mih_iq_bin_data q;
	struct mih_rd sub;
	uint32_t n;

	if (r->err)
		return;
	/* the whole remaining value is the list (TLV 43 holds only it) */
	if (mih_iq_bin_data_list_check(r->p + r->pos, r->len - r->pos, &sub)) {
		mih_rd_fail_at(r, start + sub.err_pos, sub.err, "%s", sub.why);
		return;
	}
	if (!f) {
		r->pos = r->len;
		return;
	}
	n = mih_get_list_count(r, 1);
	fb_printf(f, "[");
	for (uint32_t i = 0; i < n && !r->err; i++) {
		mih_get_iq_bin_data(r, &q);
		fb_printf(f, "%s", i ? ", " : "");
		fb_iq(f, &q);
	}
	fb_printf(f, "]");
}

/* Print a LIST(IE) or a container's IEs, nested containers in braces */
static void fb_ies(struct fb *f, struct mih_ie_iter *it, unsigned int depth)
{
	struct mih_ie_iter in;
	struct mih_rd rc;
	struct mih_ie ie;
	char one[160];
	bool first = true;

	while (mih_ie_next_raw(it, &ie) > 0) {
		fb_printf(f, "%s", first ? "" : ", ");
		first = false;
		if (mih_ie_is_container(ie.type) && depth < MIH_IE_DEPTH_MAX) {
			fb_printf(f, "%s {", mih_ie_name(ie.type));
			if (!mih_ie_iter_container(&in, &rc, &ie))
				fb_ies(f, &in, depth + 1);
			fb_printf(f, "}");
			continue;
		}
		mih_ie_fmt(&ie, one, sizeof(one));
		fb_printf(f, "%s", one);
	}
}

static void fn_ir_bin(struct mih_rd *r, struct fb *f)
{
	size_t start = r->pos;
	struct mih_ie_iter it;
	struct mih_rd sub;
	uint32_t n;

	if (r->err)
		return;
	if (mih_ir_bin_data_list_check(r->p + r->pos, r->len - r->pos, &sub)) {
		mih_rd_fail_at(r, start + sub.err_pos, sub.err, "%s", sub.why);
		return;
	}
	if (!f) {
		r->pos = r->len;
		return;
	}
	n = mih_get_list_count(r, 1);
	fb_printf(f, "[");
	for (uint32_t i = 0; i < n && !r->err; i++) {
		fb_printf(f, "%s(", i ? ", " : "");
		if (!mih_ie_iter_list(&it, r))
			fb_ies(f, &it, 0);
		fb_printf(f, ")");
	}
	fb_printf(f, "]");
}

static const struct desc d_u8 = D(D_U8, "u8");
static const struct desc d_u16 = D(D_U16, "u16");
static const struct desc d_u32 = D(D_U32, "u32");
static const struct desc d_i8 = D(D_I8, "INTEGER(1)");
static const struct desc d_bool = D(D_BOOL, "BOOLEAN");
static const struct desc d_null = D(D_NULL, "NULL");
static const struct desc d_ostr = DOSTR("OCTET_STRING", 0);
static const struct desc d_netid = DOSTR("NETWORK_ID", MIH_NETWORK_ID_MAX);
static const struct desc d_mihf_id = DFN("MIHF_ID", fn_mihf_id);
static const struct desc d_status = DFN("STATUS", fn_status);
static const struct desc d_link_type = DFN("LINK_TYPE", fn_link_type);
static const struct desc d_link_addr = DFN("LINK_ADDR", fn_link_addr);
static const struct desc d_link_id = DFN("LINK_ID", fn_link_id);
static const struct desc d_link_tuple_id = DFN("LINK_TUPLE_ID",
					      fn_link_tuple_id);
static const struct desc d_ip_addr = DFN("IP_ADDR", fn_ip_addr);
static const struct desc d_network_type = DFN("NETWORK_TYPE",
					     fn_network_type);
static const struct desc d_sig = DFN("SIG_STRENGTH", fn_sig);
static const struct desc d_qos = DFN("QOS_LIST", fn_qos);
static const struct desc d_evt = DBITS("MIH_EVT_LIST", 32, mih_evt_bit_name);
static const struct desc d_cmd = DBITS("MIH_CMD_LIST", 32, mih_cmd_bit_name);
static const struct desc d_iq = DBITS("MIH_IQ_TYPE_LST", 64,
				      mih_iq_type_bit_name);
static const struct desc d_trans = DBITS("MIH_TRANS_LST", 16, trans_bit_name);
static const struct desc d_mob = DBITS("IP_MOB_MGMT", 16, mob_bit_name);
static const struct desc d_ipcfg = DBITS("IP_CFG_MTHDS", 32, ipcfg_bit_name);
static const struct desc d_bm16 = DBITS("BITMAP(16)", 16, NULL);
static const struct desc d_bm8 = DBITS("BITMAP(8)", 8, NULL);

/*
 * Link parameter types, 802.21-2008 shapes (WIRE.md names them only; an
 * independent 802.21 C header and ODTONE's types/link.hpp agree with
 * these; Wireshark 4.0 mis-decodes LINK_STATES_REQ as a CHOICE):
 *   LINK_PARAM_TYPE = CHOICE of 12 one-octet parameter codes (GEN, QOS,
 *     GG, EDGE, ETH, 802_11, C2K, FDD, HRPD, 802_16, 802_20, 802_22)
 *   QOS_PARAM_VAL = CHOICE(NUM_COS_TYPES u8, LIST(MIN_PK_TX_DELAY),
 *     LIST(AVG_PK_TX_DELAY), LIST(MAX_PK_TX_DELAY), LIST(PK_DELAY_JITTER),
 *     LIST(PK_LOSS_RATE)); each element COS_ID u8 + u16
 *   LINK_PARAM = LINK_PARAM_TYPE + CHOICE(LINK_PARAM_VAL u16, QOS_PARAM_VAL)
 *   THRESHOLD = THRESHOLD_VAL u16 + THRESHOLD_X_DIR (0 above, 1 below)
 *   LINK_PARAM_RPT = LINK_PARAM + CHOICE(NULL, THRESHOLD)
 *   LINK_CFG_PARAM = LINK_PARAM_TYPE + CHOICE(NULL, TIMER_INTERVAL u16) +
 *     TH_ACTION (0 normal, 1 one-shot, 2 cancel) + LIST(THRESHOLD)
 *   LINK_CFG_STATUS = LINK_PARAM_TYPE + THRESHOLD + CONFIG_STATUS BOOLEAN
 *   LINK_STATUS_REQ = LINK_STATES_REQ BITMAP(16) + LIST(LINK_PARAM_TYPE) +
 *     LINK_DESC_REQ BITMAP(16)
 *   LINK_STATUS_RSP = LIST(LINK_STATES_RSP) + LIST(LINK_PARAM) +
 *     LIST(LINK_DESC_RSP); LINK_STATES_RSP = CHOICE(OP_MODE 0..2,
 *     CHANNEL_ID u16); LINK_DESC_RSP = CHOICE(NUM_COS u8, NUM_QUEUE u8)
 *   DEV_STATES_RSP = CHOICE(DEVICE_INFO OCTET_STRING, BATT_LEVEL INTEGER(1))
 *   LINK_ACTION_REQ = LINK_ID + CHOICE(NULL, LINK_ADDR PoA) + LINK_ACTION
 *     (LINK_AC_TYPE 0..5 + LINK_AC_ATTR BITMAP(8)) + LINK_AC_EX_TIME u16
 *   LINK_ACTION_RSP = LINK_ID + LINK_AC_RESULT 0..3 +
 *     CHOICE(NULL, LIST(LINK_SCAN_RSP)); LINK_SCAN_RSP = LINK_ADDR +
 *     NETWORK_ID + SIG_STRENGTH
 *   EVT_CFG_INFO = CHOICE(LIST(LINK_DET_CFG), LIST(LINK_CFG_PARAM));
 *     LINK_DET_CFG = CHOICE(NULL, NETWORK_ID) + CHOICE(NULL, SIG_STRENGTH)
 *     + CHOICE(NULL, LINK_DATA_RATE u32)  (ODTONE types/event.hpp agrees)
 *   IQ_RDF_DATA = CHOICE(NULL, schema URL OCTET_STRING) + OCTET_STRING;
 *   IR_RDF_DATA = CHOICE(NULL, MIME type OCTET_STRING) + OCTET_STRING;
 *   IR_RDF_SCHM = URL OCTET_STRING + schema OCTET_STRING
 */
static const struct desc d_lpt = CHOICE("LINK_PARAM_TYPE",
	&d_u8, &d_u8, &d_u8, &d_u8, &d_u8, &d_u8, &d_u8, &d_u8, &d_u8, &d_u8,
	&d_u8, &d_u8);
static const struct desc d_cos_val = SEQ("COS value", &d_u8, &d_u16);
static const struct desc d_cos_list = LIST("LIST(COS value)", &d_cos_val);
static const struct desc d_qos_param_val = CHOICE("QOS_PARAM_VAL",
	&d_u8, &d_cos_list, &d_cos_list, &d_cos_list, &d_cos_list,
	&d_cos_list);
static const struct desc d_link_param = SEQ("LINK_PARAM", &d_lpt,
	&(const struct desc)CHOICE("LINK_PARAM value", &d_u16,
				   &d_qos_param_val));
static const struct desc d_threshold = SEQ("THRESHOLD", &d_u16,
	&(const struct desc)DENUM("THRESHOLD_X_DIR", 1));
static const struct desc d_link_param_rpt = SEQ("LINK_PARAM_RPT",
	&d_link_param, &(const struct desc)CHOICE("threshold", &d_null,
						  &d_threshold));
static const struct desc d_link_cfg_param = SEQ("LINK_CFG_PARAM", &d_lpt,
	&(const struct desc)CHOICE("TIMER_INTERVAL", &d_null, &d_u16),
	&(const struct desc)DENUM("TH_ACTION", 2),
	&(const struct desc)LIST("LIST(THRESHOLD)", &d_threshold));
static const struct desc d_link_cfg_status = SEQ("LINK_CFG_STATUS", &d_lpt,
	&d_threshold, &d_bool);
static const struct desc d_link_status_req = SEQ("LINK_STATUS_REQ",
	&d_bm16, &(const struct desc)LIST("LIST(LINK_PARAM_TYPE)", &d_lpt),
	&d_bm16);
static const struct desc d_link_status_rsp = SEQ("LINK_STATUS_RSP",
	&(const struct desc)LIST("LIST(LINK_STATES_RSP)",
		&(const struct desc)CHOICE("LINK_STATES_RSP",
			&(const struct desc)DENUM("OP_MODE", 2), &d_u16)),
	&(const struct desc)LIST("LIST(LINK_PARAM)", &d_link_param),
	&(const struct desc)LIST("LIST(LINK_DESC_RSP)",
		&(const struct desc)CHOICE("LINK_DESC_RSP", &d_u8, &d_u8)));
static const struct desc d_dev_states_rsp = CHOICE("DEV_STATES_RSP",
	&d_ostr, &d_i8);
static const struct desc d_link_action_req = SEQ("LINK_ACTION_REQ",
	&d_link_id, &(const struct desc)CHOICE("PoA", &d_null, &d_link_addr),
	&(const struct desc)DENUM("LINK_AC_TYPE", 5), &d_bm8, &d_u16);
static const struct desc d_link_scan_rsp = SEQ("LINK_SCAN_RSP",
	&d_link_addr, &d_netid, &d_sig);
static const struct desc d_link_action_rsp = SEQ("LINK_ACTION_RSP",
	&d_link_id, &(const struct desc)DENUM("LINK_AC_RESULT", 3),
	&(const struct desc)CHOICE("scan results", &d_null,
		&(const struct desc)LIST("LIST(LINK_SCAN_RSP)",
					 &d_link_scan_rsp)));
static const struct desc d_link_det_cfg = SEQ("LINK_DET_CFG",
	&(const struct desc)CHOICE("NETWORK_ID", &d_null, &d_netid),
	&(const struct desc)CHOICE("SIG_STRENGTH", &d_null, &d_sig),
	&(const struct desc)CHOICE("LINK_DATA_RATE", &d_null, &d_u32));
static const struct desc d_evt_cfg_info = CHOICE("EVT_CFG_INFO",
	&(const struct desc)LIST("LIST(LINK_DET_CFG)", &d_link_det_cfg),
	&(const struct desc)LIST("LIST(LINK_CFG_PARAM)", &d_link_cfg_param));
static const struct desc d_rdf_data = SEQ("RDF_DATA",
	&(const struct desc)CHOICE("schema/MIME", &d_null, &d_ostr), &d_ostr);

#define LISTOF(nm, ...)	(&(const struct desc)LIST(nm, __VA_ARGS__))

/* The value type of each TLV (WIRE.md section 7) */
static const struct {
	const char *name;
	const struct desc *d;
} tlv_types[64] = {
	[1] = { "Source MIHF ID", &d_mihf_id },
	[2] = { "Destination MIHF ID", &d_mihf_id },
	[3] = { "Status", &d_status },
	[4] = { "Link type", &d_link_type },
	[5] = { "MIH event list", &d_evt },
	[6] = { "MIH command list", &d_cmd },
	[7] = { "MIIS query type list", &d_iq },
	[8] = { "Transport option list", &d_trans },
	[9] = { "Link address list", LISTOF("LIST(NET_TYPE_ADDR)",
		&(const struct desc)DFN("NET_TYPE_ADDR", fn_net_type_addr)) },
	[10] = { "MBB handover support", LISTOF("LIST(MBB_HO_SUPP)",
		&(const struct desc)DFN("MBB_HO_SUPP", fn_mbb)) },
	[11] = { "Register request code",
		 &(const struct desc)DFN("REG_REQUEST_CODE", fn_reg_code) },
	[12] = { "Valid time interval", &d_u32 },
	[13] = { "Link identifier", &d_link_tuple_id },
	[14] = { "New link identifier", &d_link_tuple_id },
	[15] = { "Old access router", &d_link_addr },
	[16] = { "New access router", &d_link_addr },
	[17] = { "IP renewal flag", &d_bool },
	[18] = { "Mobility management support", &d_mob },
	[19] = { "IP address configuration methods", &d_ipcfg },
	[20] = { "Link down reason code",
		 &(const struct desc)DFN("LINK_DN_REASON", fn_ldr) },
	[21] = { "Time interval", &d_u16 },
	[22] = { "Link going down reason",
		 &(const struct desc)DFN("LINK_GD_REASON", fn_lgr) },
	[23] = { "Link parameter report list",
		 LISTOF("LIST(LINK_PARAM_RPT)", &d_link_param_rpt) },
	[24] = { "Device states request", &d_bm16 },
	[25] = { "Link identifier list", LISTOF("LIST(LINK_ID)", &d_link_id) },
	[26] = { "Device states response list",
		 LISTOF("LIST(DEV_STATES_RSP)", &d_dev_states_rsp) },
	[27] = { "Get status request set", &d_link_status_req },
	[28] = { "Get status response list",
		 LISTOF("LIST(LINK_ID + LINK_STATUS_RSP)",
			&(const struct desc)SEQ("status", &d_link_id,
						&d_link_status_rsp)) },
	[29] = { "Configure request list",
		 LISTOF("LIST(LINK_CFG_PARAM)", &d_link_cfg_param) },
	[30] = { "Configure response list",
		 LISTOF("LIST(LINK_CFG_STATUS)", &d_link_cfg_status) },
	[31] = { "List of link PoA list", LISTOF("LIST(LINK_POA_LIST)",
		&(const struct desc)DFN("LINK_POA_LIST", fn_link_poa_list)) },
	[32] = { "Preferred link list", LISTOF("LIST(RQ_RESULT)",
		&(const struct desc)DFN("RQ_RESULT", fn_rq_result)) },
	[33] = { "Handover resource query list", &d_qos },
	[34] = { "Handover status",
		 &(const struct desc)DFN("HO_STATUS", fn_ho_status) },
	[35] = { "Access router address", &d_ip_addr },
	[36] = { "DHCP server address", &d_ip_addr },
	[37] = { "FA address", &d_ip_addr },
	[38] = { "Link actions list",
		 LISTOF("LIST(LINK_ACTION_REQ)", &d_link_action_req) },
	[39] = { "Link actions result list",
		 LISTOF("LIST(LINK_ACTION_RSP)", &d_link_action_rsp) },
	[40] = { "Handover result",
		 &(const struct desc)DFN("HO_RESULT", fn_ho_result) },
	[41] = { "Resource status", &d_bool },
	[42] = { "Resource retention status", &d_bool },
	[43] = { "IS query binary data list",
		 &(const struct desc)DFN("LIST(IQ_BIN_DATA)", fn_iq_bin) },
	[44] = { "IS query RDF data list",
		 LISTOF("LIST(IQ_RDF_DATA)", &d_rdf_data) },
	[45] = { "IS query RDF schema URL", &d_bool },
	[46] = { "IS query RDF schema list",
		 LISTOF("LIST(IQ_RDF_SCHM)", &d_ostr) },
	[47] = { "Max response size", &d_u16 },
	[48] = { "IS response binary data list",
		 &(const struct desc)DFN("LIST(IR_BIN_DATA)", fn_ir_bin) },
	[49] = { "IS response RDF data list",
		 LISTOF("LIST(IR_RDF_DATA)", &d_rdf_data) },
	[50] = { "IS response RDF schema URL list",
		 LISTOF("LIST(IR_SCHM_URL)", &d_ostr) },
	[51] = { "IS response RDF schema list",
		 LISTOF("LIST(IR_RDF_SCHM)", &(const struct desc)SEQ(
			 "IR_RDF_SCHM", &d_ostr, &d_ostr)) },
	[52] = { "MN MIHF ID", &d_mihf_id },
	[53] = { "Query resource report flag", &d_bool },
	[54] = { "Event configuration info list",
		 LISTOF("LIST(EVT_CFG_INFO)", &d_evt_cfg_info) },
	[55] = { "Target network info",
		 &(const struct desc)DFN("TGT_NET_INFO", fn_tgt_net_info) },
	[56] = { "List of target network info",
		 LISTOF("LIST(TGT_NET_INFO)", &(const struct desc)DFN(
			 "TGT_NET_INFO", fn_tgt_net_info)) },
	[57] = { "Assigned resource set",
		 &(const struct desc)DFN("ASGN_RES_SET", fn_res_set) },
	[58] = { "Link detected info list", LISTOF("LIST(LINK_DET_INFO)",
		&(const struct desc)DFN("LINK_DET_INFO", fn_link_det_info)) },
	[59] = { "MN link ID", &d_link_id },
	[60] = { "PoA", &d_link_addr },
	[61] = { "Unauthenticated information request", &d_bool },
	[62] = { "Network type", &d_network_type },
	[63] = { "Requested resource set",
		 &(const struct desc)DFN("REQ_RES_SET", fn_req_res_set) },
};

const char *mih_tlv_name(uint8_t type)
{
	if (type < ARRAY_SIZE(tlv_types))
		return tlv_types[type].name;
	if (type == MIH_TLV_VENDOR_SPECIFIC)
		return "Vendor specific";
	if (type >= MIH_TLV_EXPERIMENTAL_MIN)
		return "Experimental";
	return NULL;
}

const char *mih_tlv_type_name(uint8_t type)
{
	if (type < ARRAY_SIZE(tlv_types) && tlv_types[type].d)
		return tlv_types[type].d->name;
	return NULL;
}

static void walk(const struct desc *d, struct mih_rd *r, struct fb *f,
		 unsigned int depth)
{
	uint32_t n, i;
	uint8_t sel;

	if (r->err)
		return;
	if (depth > 16) {
		mih_rd_fail(r, MIH_E_DEPTH, "%s nested too deep", d->name);
		return;
	}
	switch (d->kind) {
	case D_U8:
		n = mih_get_u8(r);
		if (f && !r->err)
			fb_printf(f, "%u", n);
		break;
	case D_I8:
		n = mih_get_u8(r);
		if (f && !r->err)
			fb_printf(f, "%d", (int8_t)n);
		break;
	case D_U16:
		n = mih_get_u16(r);
		if (f && !r->err)
			fb_printf(f, "%u", n);
		break;
	case D_U32:
		n = mih_get_u32(r);
		if (f && !r->err)
			fb_printf(f, "%u", n);
		break;
	case D_BOOL:
		n = mih_get_bool(r, d->name);
		if (f && !r->err)
			fb_printf(f, "%s", n ? "true" : "false");
		break;
	case D_ENUM:
		n = mih_get_enum(r, (uint8_t)d->arg, d->name);
		if (f && !r->err)
			fb_printf(f, "%u", n);
		break;
	case D_BITMAP: {
		uint64_t m = mih_get_bitmap(r, d->arg);

		if (f && !r->err)
			fb_bitmap(f, m, d->arg, d->bitname);
		break;
	}
	case D_OSTR: {
		struct mih_ostr s;

		mih_get_ostr(r, &s, d->arg, d->name);
		if (f && !r->err)
			fb_ostr(f, &s);
		break;
	}
	case D_NULL:
		if (f)
			fb_printf(f, "-");
		break;
	case D_SEQ:
		if (f)
			fb_printf(f, "(");
		for (i = 0; i < d->arg && !r->err; i++) {
			if (f && i)
				fb_printf(f, " ");
			walk(d->sub[i], r, f, depth + 1);
		}
		if (f)
			fb_printf(f, ")");
		break;
	case D_CHOICE:
		sel = mih_get_choice(r, d->arg, d->name);
		if (!r->err)
			walk(d->sub[sel], r, f, depth + 1);
		break;
	case D_LIST:
		n = mih_get_list_count(r, 1);
		if (f && !r->err)
			fb_printf(f, "[");
		for (i = 0; i < n && !r->err; i++) {
			if (f && i)
				fb_printf(f, ", ");
			walk(d->sub[0], r, f, depth + 1);
		}
		if (f && !r->err)
			fb_printf(f, "]");
		break;
	case D_FN:
		d->fn(r, f);
		break;
	}
}

int mih_tlv_value_check(uint8_t type, const uint8_t *value, size_t len,
			struct mih_rd *r)
{
	mih_rd_init(r, value, len);
	if (type >= ARRAY_SIZE(tlv_types) || !tlv_types[type].d)
		return mih_rd_fail(r, MIH_E_INVAL, "TLV type %u has no known "
				   "value type", type);
	walk(tlv_types[type].d, r, NULL, 0);
	return mih_rd_end(r);
}

int mih_tlv_fmt(uint8_t type, const uint8_t *value, size_t len, char *buf,
		size_t size)
{
	struct mih_rd r;
	struct fb f;

	fb_init(&f, buf, size);
	if (type >= ARRAY_SIZE(tlv_types) || !tlv_types[type].d) {
		fb_printf(&f, "%u octet(s) 0x", (unsigned int)len);
		fb_hex(&f, value, len, 32);
		return fb_ret(&f);
	}
	if (mih_tlv_value_check(type, value, len, &r)) {
		fb_printf(&f, "<invalid: %s> 0x", r.why);
		fb_hex(&f, value, len, 32);
		return fb_ret(&f);
	}
	mih_rd_init(&r, value, len);
	walk(tlv_types[type].d, &r, &f, 0);
	return fb_ret(&f);
}

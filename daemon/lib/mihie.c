// SPDX-License-Identifier: GPL-2.0
/*
 * IEEE 802.21 Information Service binary payloads: IQ_BIN_DATA,
 * IR_BIN_DATA, Information Elements.  See mihie.h and WIRE.md section 10.
 */
#include <stdio.h>
#include <string.h>

#include "lib/mihie.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* smallest IE: 4 type octets + 1 length octet */
#define IE_MIN_SIZE	5

static const struct {
	uint32_t id;
	const char *name;
} ie_names[] = {
	{ MIH_IE_NETWORK_TYPE, "IE_NETWORK_TYPE" },
	{ MIH_IE_OPERATOR_ID, "IE_OPERATOR_ID" },
	{ MIH_IE_SERVICE_PROVIDER_ID, "IE_SERVICE_PROVIDER_ID" },
	{ MIH_IE_COUNTRY_CODE, "IE_COUNTRY_CODE" },
	{ MIH_IE_NETWORK_ID, "IE_NETWORK_ID" },
	{ MIH_IE_NETWORK_AUX_ID, "IE_NETWORK_AUX_ID" },
	{ MIH_IE_ROAMING_PARTNERS, "IE_ROAMING_PARTNERS" },
	{ MIH_IE_COST, "IE_COST" },
	{ MIH_IE_NETWORK_QOS, "IE_NETWORK_QOS" },
	{ MIH_IE_NETWORK_DATA_RATE, "IE_NETWORK_DATA_RATE" },
	{ MIH_IE_NET_REGULAT_DOMAIN, "IE_NET_REGULAT_DOMAIN" },
	{ MIH_IE_NET_FREQUENCY_BANDS, "IE_NET_FREQUENCY_BANDS" },
	{ MIH_IE_NET_IP_CFG_METHODS, "IE_NET_IP_CFG_METHODS" },
	{ MIH_IE_NET_CAPABILITIES, "IE_NET_CAPABILITIES" },
	{ MIH_IE_NET_SUPPORTED_LCP, "IE_NET_SUPPORTED_LCP" },
	{ MIH_IE_NET_MOB_MGMT_PROT, "IE_NET_MOB_MGMT_PROT" },
	{ MIH_IE_NET_EMSERV_PROXY, "IE_NET_EMSERV_PROXY" },
	{ MIH_IE_NET_IMS_PROXY_CSCF, "IE_NET_IMS_PROXY_CSCF" },
	{ MIH_IE_NET_MOBILE_NETWORK, "IE_NET_MOBILE_NETWORK" },
	{ MIH_IE_POA_LINK_ADDR, "IE_POA_LINK_ADDR" },
	{ MIH_IE_POA_LOCATION, "IE_POA_LOCATION" },
	{ MIH_IE_POA_CHANNEL_RANGE, "IE_POA_CHANNEL_RANGE" },
	{ MIH_IE_POA_SYSTEM_INFO, "IE_POA_SYSTEM_INFO" },
	{ MIH_IE_POA_SUBNET_INFO, "IE_POA_SUBNET_INFO" },
	{ MIH_IE_POA_IP_ADDR, "IE_POA_IP_ADDR" },
	{ MIH_IE_AUTHENTICATOR_LINK_ADDR, "IE_AUTHENTICATOR_LINK_ADDR" },
	{ MIH_IE_AUTHENTICATOR_IP_ADDR, "IE_AUTHENTICATOR_IP_ADDR" },
	{ MIH_IE_POS_IP_ADDR, "IE_PoS_IP_ADDR" },
	{ MIH_IE_CONTAINER_LIST_OF_NETWORKS, "IE_CONTAINER_LIST_OF_NETWORKS" },
	{ MIH_IE_CONTAINER_NETWORK, "IE_CONTAINER_NETWORK" },
	{ MIH_IE_CONTAINER_POA, "IE_CONTAINER_POA" },
};

const char *mih_ie_name(uint32_t type)
{
	for (size_t i = 0; i < ARRAY_SIZE(ie_names); i++)
		if (ie_names[i].id == type)
			return ie_names[i].name;
	return NULL;
}

/* ---- LOCATION ---- */

void mih_put_location(struct mih_wr *w, const struct mih_location *v)
{
	switch (v->kind) {
	case MIH_LOC_CIVIC_BIN:
		mih_put_u8(w, 0);
		mih_put_u8(w, 0);
		mih_put_bytes(w, v->country, 2);
		mih_put_ostr(w, &v->str, 0);
		break;
	case MIH_LOC_CIVIC_XML:
		mih_put_u8(w, 0);
		mih_put_u8(w, 1);
		mih_put_ostr(w, &v->str, 0);
		break;
	case MIH_LOC_GEO_BIN:
		mih_put_u8(w, 1);
		mih_put_u8(w, 0);
		mih_put_bytes(w, v->geo, 16);
		break;
	case MIH_LOC_GEO_XML:
		mih_put_u8(w, 1);
		mih_put_u8(w, 1);
		mih_put_ostr(w, &v->str, 0);
		break;
	case MIH_LOC_CELL_ID:
		mih_put_u8(w, 2);
		mih_put_u32(w, v->cell_id);
		break;
	default:
		mih_wr_fail(w, MIH_E_RANGE);
	}
}

int mih_get_location(struct mih_rd *r, struct mih_location *v)
{
	uint8_t outer, inner;

	memset(v, 0, sizeof(*v));
	outer = mih_get_choice(r, 3, "LOCATION");
	if (r->err)
		return r->err;
	if (outer == 2) {
		v->kind = MIH_LOC_CELL_ID;
		v->cell_id = mih_get_u32(r);
		return r->err;
	}
	inner = mih_get_choice(r, 2, outer ? "GEO_LOC" : "CIVIC_LOC");
	if (r->err)
		return r->err;
	if (outer == 0 && inner == 0) {
		v->kind = MIH_LOC_CIVIC_BIN;
		mih_get_bytes(r, v->country, 2);
		mih_get_ostr(r, &v->str, 0, "civic address");
	} else if (outer == 0) {
		v->kind = MIH_LOC_CIVIC_XML;
		mih_get_ostr(r, &v->str, 0, "civic XML");
	} else if (inner == 0) {
		v->kind = MIH_LOC_GEO_BIN;
		mih_get_bytes(r, v->geo, 16);
	} else {
		v->kind = MIH_LOC_GEO_XML;
		mih_get_ostr(r, &v->str, 0, "geo XML");
	}
	return r->err;
}

/* ---- IE values ---- */

static void put_operator_id(struct mih_wr *w, const struct mih_operator_id *o)
{
	if (o->ns > MIH_OPNS_MAX) {
		mih_wr_fail(w, MIH_E_RANGE);
		return;
	}
	mih_put_ostr(w, &o->name, MIH_IE_STR_MAX);
	mih_put_u8(w, o->ns);
}

static void get_operator_id(struct mih_rd *r, struct mih_operator_id *o)
{
	mih_get_ostr(r, &o->name, MIH_IE_STR_MAX, "OP_NAME");
	o->ns = mih_get_enum(r, MIH_OPNS_MAX, "OP_NAMESPACE");
}

static void put_opt_ip(struct mih_wr *w, bool has, const struct mih_ip_addr *a)
{
	mih_put_u8(w, has);
	if (has)
		mih_put_ip_addr(w, a);
}

static bool get_opt_ip(struct mih_rd *r, struct mih_ip_addr *a,
		       const char *what)
{
	bool has = mih_get_choice(r, 2, what);

	if (has)
		mih_get_ip_addr(r, a);
	return has;
}

static uint8_t prefix_max(uint16_t family)
{
	return family == MIH_AF_IPV4 ? 32 : 128;
}

void mih_put_ie_value(struct mih_wr *w, const struct mih_ie_val *v)
{
	const struct mih_ip_config *ic = &v->u.ip_config;
	uint32_t i;

	switch (v->type) {
	case MIH_IE_NETWORK_TYPE:
		mih_put_network_type(w, &v->u.network_type);
		break;
	case MIH_IE_OPERATOR_ID:
		put_operator_id(w, &v->u.operator_id);
		break;
	case MIH_IE_SERVICE_PROVIDER_ID:
	case MIH_IE_NETWORK_ID:
	case MIH_IE_NETWORK_AUX_ID:
		mih_put_ostr(w, &v->u.str, MIH_IE_STR_MAX);
		break;
	case MIH_IE_COUNTRY_CODE:
		mih_put_bytes(w, v->u.country, 2);
		break;
	case MIH_IE_ROAMING_PARTNERS:
		if (v->u.roaming.n > MIH_IE_LIST_MAX) {
			mih_wr_fail(w, MIH_E_TOO_MANY);
			break;
		}
		mih_put_len(w, v->u.roaming.n);
		for (i = 0; i < v->u.roaming.n; i++)
			put_operator_id(w, &v->u.roaming.op[i]);
		break;
	case MIH_IE_COST:
		if (v->u.cost.unit > MIH_COST_UNIT_MAX ||
		    v->u.cost.fraction > 999) {
			mih_wr_fail(w, MIH_E_RANGE);
			break;
		}
		mih_put_u8(w, v->u.cost.unit);
		mih_put_u32(w, v->u.cost.integer);
		mih_put_u16(w, v->u.cost.fraction);
		mih_put_bytes(w, v->u.cost.curr, 3);
		break;
	case MIH_IE_NETWORK_QOS:
		mih_put_qos_list(w, &v->u.qos);
		break;
	case MIH_IE_NETWORK_DATA_RATE:
	case MIH_IE_NET_CAPABILITIES:
		mih_put_u32(w, v->u.u32);
		break;
	case MIH_IE_NET_REGULAT_DOMAIN:
		mih_put_bytes(w, v->u.regdom.country, 2);
		mih_put_u8(w, v->u.regdom.reg_class);
		break;
	case MIH_IE_NET_FREQUENCY_BANDS:
		if (v->u.bands.n > MIH_IE_LIST_MAX) {
			mih_wr_fail(w, MIH_E_TOO_MANY);
			break;
		}
		mih_put_len(w, v->u.bands.n);
		for (i = 0; i < v->u.bands.n; i++)
			mih_put_u32(w, v->u.bands.f[i]);
		break;
	case MIH_IE_NET_IP_CFG_METHODS:
		mih_put_u32(w, ic->methods);
		put_opt_ip(w, ic->has_dhcp, &ic->dhcp);
		put_opt_ip(w, ic->has_fa, &ic->fa);
		put_opt_ip(w, ic->has_ar, &ic->ar);
		break;
	case MIH_IE_NET_SUPPORTED_LCP:
		mih_put_u8(w, v->u.u8);
		break;
	case MIH_IE_NET_MOB_MGMT_PROT:
		mih_put_u16(w, v->u.u16);
		break;
	case MIH_IE_NET_MOBILE_NETWORK:
		mih_put_bool(w, v->u.b);
		break;
	case MIH_IE_POA_LINK_ADDR:
	case MIH_IE_AUTHENTICATOR_LINK_ADDR:
		mih_put_link_addr(w, &v->u.link_addr);
		break;
	case MIH_IE_POA_LOCATION:
		mih_put_location(w, &v->u.location);
		break;
	case MIH_IE_POA_CHANNEL_RANGE:
		if (v->u.channel.low > v->u.channel.high) {
			mih_wr_fail(w, MIH_E_RANGE);
			break;
		}
		mih_put_u32(w, v->u.channel.low);
		mih_put_u32(w, v->u.channel.high);
		break;
	case MIH_IE_POA_SUBNET_INFO:
		if (v->u.subnet.prefix.family == MIH_AF_NONE ||
		    v->u.subnet.prefix_len >
		    prefix_max(v->u.subnet.prefix.family)) {
			mih_wr_fail(w, MIH_E_RANGE);
			break;
		}
		mih_put_ip_addr(w, &v->u.subnet.prefix);
		mih_put_u8(w, v->u.subnet.prefix_len);
		break;
	case MIH_IE_POA_IP_ADDR:
	case MIH_IE_AUTHENTICATOR_IP_ADDR:
	case MIH_IE_POS_IP_ADDR:
		mih_put_ip_addr(w, &v->u.ip_addr);
		break;
	case MIH_IE_NET_EMSERV_PROXY:
	case MIH_IE_NET_IMS_PROXY_CSCF:
	case MIH_IE_POA_SYSTEM_INFO:
		/* opaque: the value octets as given */
		mih_put_bytes(w, v->u.str.p, v->u.str.len);
		break;
	default:
		mih_wr_fail(w, MIH_E_INVAL);
	}
}

static int validate_ies(struct mih_rd *r, struct mih_ie_iter *it,
			unsigned int depth);

int mih_ie_value_decode(uint32_t type, const uint8_t *value, size_t len,
			struct mih_ie_val *v, struct mih_rd *r)
{
	struct mih_ip_config *ic = &v->u.ip_config;
	struct mih_ie_iter it;
	uint32_t i;
	size_t at;

	memset(v, 0, sizeof(*v));
	v->type = type;
	mih_rd_init(r, value, len);
	switch (type) {
	case MIH_IE_NETWORK_TYPE:
		mih_get_network_type(r, &v->u.network_type);
		break;
	case MIH_IE_OPERATOR_ID:
		get_operator_id(r, &v->u.operator_id);
		break;
	case MIH_IE_SERVICE_PROVIDER_ID:
	case MIH_IE_NETWORK_ID:
	case MIH_IE_NETWORK_AUX_ID:
		mih_get_ostr(r, &v->u.str, MIH_IE_STR_MAX, mih_ie_name(type));
		break;
	case MIH_IE_COUNTRY_CODE:
		mih_get_bytes(r, v->u.country, 2);
		break;
	case MIH_IE_ROAMING_PARTNERS:
		at = r->pos;
		v->u.roaming.n = mih_get_list_count(r, 2);
		if (!r->err && v->u.roaming.n > MIH_IE_LIST_MAX) {
			mih_rd_fail_at(r, at, MIH_E_TOO_MANY,
				       "IE_ROAMING_PARTNERS: %u operators "
				       "(this codec holds %u)",
				       v->u.roaming.n, MIH_IE_LIST_MAX);
			break;
		}
		for (i = 0; i < v->u.roaming.n && !r->err; i++)
			get_operator_id(r, &v->u.roaming.op[i]);
		break;
	case MIH_IE_COST:
		v->u.cost.unit = mih_get_enum(r, MIH_COST_UNIT_MAX,
					      "COST_UNIT");
		v->u.cost.integer = mih_get_u32(r);
		at = r->pos;
		v->u.cost.fraction = mih_get_u16(r);
		if (!r->err && v->u.cost.fraction > 999)
			mih_rd_fail_at(r, at, MIH_E_BAD_VALUE,
				       "COST fraction %u above 999",
				       v->u.cost.fraction);
		mih_get_bytes(r, v->u.cost.curr, 3);
		break;
	case MIH_IE_NETWORK_QOS:
		mih_get_qos_list(r, &v->u.qos);
		break;
	case MIH_IE_NETWORK_DATA_RATE:
	case MIH_IE_NET_CAPABILITIES:
		v->u.u32 = mih_get_u32(r);
		break;
	case MIH_IE_NET_REGULAT_DOMAIN:
		mih_get_bytes(r, v->u.regdom.country, 2);
		v->u.regdom.reg_class = mih_get_u8(r);
		break;
	case MIH_IE_NET_FREQUENCY_BANDS:
		at = r->pos;
		v->u.bands.n = mih_get_list_count(r, 4);
		if (!r->err && v->u.bands.n > MIH_IE_LIST_MAX) {
			mih_rd_fail_at(r, at, MIH_E_TOO_MANY,
				       "IE_NET_FREQUENCY_BANDS: %u bands "
				       "(this codec holds %u)",
				       v->u.bands.n, MIH_IE_LIST_MAX);
			break;
		}
		for (i = 0; i < v->u.bands.n && !r->err; i++)
			v->u.bands.f[i] = mih_get_u32(r);
		break;
	case MIH_IE_NET_IP_CFG_METHODS:
		ic->methods = mih_get_u32(r);
		ic->has_dhcp = get_opt_ip(r, &ic->dhcp, "IP_CONFIG DHCP");
		ic->has_fa = get_opt_ip(r, &ic->fa, "IP_CONFIG FA");
		ic->has_ar = get_opt_ip(r, &ic->ar, "IP_CONFIG AR");
		break;
	case MIH_IE_NET_SUPPORTED_LCP:
		v->u.u8 = mih_get_u8(r);
		break;
	case MIH_IE_NET_MOB_MGMT_PROT:
		v->u.u16 = mih_get_u16(r);
		break;
	case MIH_IE_NET_MOBILE_NETWORK:
		v->u.b = mih_get_bool(r, "IE_NET_MOBILE_NETWORK");
		break;
	case MIH_IE_POA_LINK_ADDR:
	case MIH_IE_AUTHENTICATOR_LINK_ADDR:
		mih_get_link_addr(r, &v->u.link_addr);
		break;
	case MIH_IE_POA_LOCATION:
		mih_get_location(r, &v->u.location);
		break;
	case MIH_IE_POA_CHANNEL_RANGE:
		v->u.channel.low = mih_get_u32(r);
		v->u.channel.high = mih_get_u32(r);
		if (!r->err && v->u.channel.low > v->u.channel.high)
			mih_rd_fail_at(r, 0, MIH_E_BAD_VALUE,
				       "channel range low %u above high %u",
				       v->u.channel.low, v->u.channel.high);
		break;
	case MIH_IE_POA_SUBNET_INFO:
		at = r->pos;
		mih_get_ip_addr(r, &v->u.subnet.prefix);
		if (!r->err && v->u.subnet.prefix.family == MIH_AF_NONE) {
			mih_rd_fail_at(r, at, MIH_E_BAD_ADDR,
				       "IP_SUBNET_INFO without an address");
			break;
		}
		at = r->pos;
		v->u.subnet.prefix_len = mih_get_u8(r);
		if (!r->err && v->u.subnet.prefix_len >
		    prefix_max(v->u.subnet.prefix.family))
			mih_rd_fail_at(r, at, MIH_E_BAD_VALUE,
				       "prefix length %u too long",
				       v->u.subnet.prefix_len);
		break;
	case MIH_IE_POA_IP_ADDR:
	case MIH_IE_AUTHENTICATOR_IP_ADDR:
	case MIH_IE_POS_IP_ADDR:
		mih_get_ip_addr(r, &v->u.ip_addr);
		break;
	case MIH_IE_NET_EMSERV_PROXY:
	case MIH_IE_NET_IMS_PROXY_CSCF:
	case MIH_IE_POA_SYSTEM_INFO:
		v->u.str.p = mih_get_ptr(r, len);
		v->u.str.len = (uint32_t)len;
		break;
	case MIH_IE_CONTAINER_LIST_OF_NETWORKS:
	case MIH_IE_CONTAINER_NETWORK:
	case MIH_IE_CONTAINER_POA:
		it.r = r;
		it.end = len;
		it.counted = false;
		it.left = 0;
		it.skipped = 0;
		validate_ies(r, &it, 1);
		break;
	default:
		return mih_rd_fail(r, MIH_E_INVAL, "IE type 0x%08x unknown",
				   type);
	}
	return mih_rd_end(r);
}

/* ---- iteration ---- */

int mih_ie_iter_list(struct mih_ie_iter *it, struct mih_rd *r)
{
	it->r = r;
	it->end = r->len;
	it->counted = true;
	it->skipped = 0;
	it->left = mih_get_list_count(r, IE_MIN_SIZE);
	return r->err;
}

int mih_ie_iter_container(struct mih_ie_iter *it, struct mih_rd *r,
			  const struct mih_ie *ie)
{
	mih_rd_init(r, ie->value, ie->len);
	it->r = r;
	it->end = ie->len;
	it->counted = false;
	it->left = 0;
	it->skipped = 0;
	if (!mih_ie_is_container(ie->type))
		return mih_rd_fail(r, MIH_E_INVAL, "IE 0x%08x is not a "
				   "container", ie->type);
	return 0;
}

int mih_ie_next_raw(struct mih_ie_iter *it, struct mih_ie *ie)
{
	struct mih_rd *r = it->r;
	size_t at = r->pos;
	uint32_t len;

	if (r->err)
		return r->err;
	if (it->counted ? it->left == 0 : r->pos >= it->end)
		return 0;
	ie->offset = at;
	ie->type = mih_get_u32(r);
	len = mih_get_len(r);
	if (r->err)
		return mih_rd_fail_at(r, at, r->err, "IE at offset %zu: %s",
				      at, r->why);
	if (len > it->end - r->pos)
		return mih_rd_fail_at(r, at, MIH_E_OVERRUN,
				      "IE 0x%08x: value of %u octet(s) runs "
				      "past its container (%zu left)",
				      ie->type, len, it->end - r->pos);
	ie->len = len;
	ie->value = mih_get_ptr(r, len);
	if (it->counted)
		it->left--;
	return 1;
}

int mih_ie_next(struct mih_ie_iter *it, struct mih_ie *ie)
{
	int ret;

	while ((ret = mih_ie_next_raw(it, ie)) > 0) {
		if (mih_ie_name(ie->type))
			return 1;
		it->skipped++;
	}
	return ret;
}

static int validate_ies(struct mih_rd *r, struct mih_ie_iter *it,
			unsigned int depth)
{
	struct mih_ie_val v;
	struct mih_rd sub;
	struct mih_ie ie;
	int ret;

	if (depth > MIH_IE_DEPTH_MAX)
		return mih_rd_fail(r, MIH_E_DEPTH, "IE containers nested "
				   "more than %u deep", MIH_IE_DEPTH_MAX);
	while ((ret = mih_ie_next(it, &ie)) > 0) {
		size_t voff = (size_t)(ie.value - r->p);

		if (mih_ie_is_container(ie.type)) {
			struct mih_ie_iter in = {
				.r = &sub, .end = ie.len,
			};

			mih_rd_init(&sub, ie.value, ie.len);
			validate_ies(&sub, &in, depth + 1);
		} else {
			mih_ie_value_decode(ie.type, ie.value, ie.len, &v,
					    &sub);
		}
		if (sub.err)
			return mih_rd_fail_at(r, voff + sub.err_pos, sub.err,
					      "%s: %s", mih_ie_name(ie.type),
					      sub.why);
	}
	return ret < 0 ? ret : 0;
}

int mih_ie_validate_list(struct mih_rd *r)
{
	struct mih_ie_iter it;

	if (mih_ie_iter_list(&it, r))
		return r->err;
	return validate_ies(r, &it, 0);
}

/* ---- writer ---- */

void mih_ie_wr_init(struct mih_ie_wr *iw, void *buf, size_t size)
{
	memset(iw, 0, sizeof(*iw));
	mih_wr_init(&iw->w, buf, size);
}

static void level_push(struct mih_ie_wr *iw, bool is_list)
{
	struct mih_wr *w = &iw->w;

	if (w->err)
		return;
	if (iw->depth + 1 >= ARRAY_SIZE(iw->lvl)) {
		mih_wr_fail(w, MIH_E_DEPTH);
		return;
	}
	iw->lvl[iw->depth].count++;
	iw->depth++;
	iw->lvl[iw->depth].start = w->pos;
	iw->lvl[iw->depth].count = 0;
	iw->lvl[iw->depth].is_list = is_list;
	mih_put_u8(w, 0);	/* placeholder for the count / length */
}

static void level_pop(struct mih_ie_wr *iw, bool is_list)
{
	struct mih_wr *w = &iw->w;
	size_t ph, body;
	uint64_t val;
	unsigned int k;

	if (w->err)
		return;
	if (!iw->depth || iw->lvl[iw->depth].is_list != is_list) {
		mih_wr_fail(w, MIH_E_INVAL);
		return;
	}
	ph = iw->lvl[iw->depth].start;
	body = w->pos - ph - 1;
	val = is_list ? iw->lvl[iw->depth].count : body;
	iw->depth--;
	if (val > UINT32_MAX) {
		mih_wr_fail(w, MIH_E_RANGE);
		return;
	}
	k = mih_len_size((uint32_t)val);
	if (k > 1)
		mih_wr_reserve(w, k - 1);
	if (w->err || !w->p)
		return;
	memmove(w->p + ph + k, w->p + ph + 1, body);
	mih_len_encode(w->p + ph, k, (uint32_t)val);
}

void mih_ie_list_begin(struct mih_ie_wr *iw)
{
	level_push(iw, true);
}

void mih_ie_list_end(struct mih_ie_wr *iw)
{
	level_pop(iw, true);
}

void mih_ie_begin(struct mih_ie_wr *iw, uint32_t type)
{
	mih_put_u32(&iw->w, type);
	level_push(iw, false);
}

void mih_ie_end(struct mih_ie_wr *iw)
{
	level_pop(iw, false);
}

void mih_ie_put(struct mih_ie_wr *iw, const struct mih_ie_val *v)
{
	mih_ie_begin(iw, v->type);
	mih_put_ie_value(&iw->w, v);
	mih_ie_end(iw);
}

void mih_ie_put_raw(struct mih_ie_wr *iw, uint32_t type, const void *value,
		    uint32_t len)
{
	mih_ie_begin(iw, type);
	mih_put_bytes(&iw->w, value, len);
	mih_ie_end(iw);
}

int mih_ie_wr_finish(struct mih_ie_wr *iw, size_t *len)
{
	if (iw->w.err)
		return iw->w.err;
	if (iw->depth)
		return MIH_E_INVAL;
	if (len)
		*len = iw->w.pos;
	return 0;
}

/* ---- IQ_BIN_DATA ---- */

void mih_put_iq_bin_data(struct mih_wr *w, const struct mih_iq_bin_data *v)
{
	const struct mih_querier_loc *q = &v->querier_loc;
	uint32_t i;

	if ((v->has_netwk_inc && v->n_netwk > MIH_IQ_NETS_MAX) ||
	    (v->has_rpt_templ && v->n_templ > MIH_IQ_TEMPL_MAX)) {
		mih_wr_fail(w, MIH_E_TOO_MANY);
		return;
	}
	mih_put_u8(w, v->has_querier_loc);
	if (v->has_querier_loc) {
		mih_put_u8(w, q->has_location);
		if (q->has_location)
			mih_put_location(w, &q->location);
		mih_put_u8(w, q->has_link_addr);
		if (q->has_link_addr)
			mih_put_link_addr(w, &q->link_addr);
		mih_put_u8(w, q->has_radius);
		if (q->has_radius)
			mih_put_u16(w, q->radius);
	}
	mih_put_u8(w, v->has_net_type_inc);
	if (v->has_net_type_inc)
		mih_put_u32(w, v->net_type_inc);
	mih_put_u8(w, v->has_netwk_inc);
	if (v->has_netwk_inc) {
		mih_put_len(w, v->n_netwk);
		for (i = 0; i < v->n_netwk; i++)
			mih_put_ostr(w, &v->netwk[i], MIH_NETWORK_ID_MAX);
	}
	mih_put_u8(w, v->has_rpt_templ);
	if (v->has_rpt_templ) {
		mih_put_len(w, v->n_templ);
		for (i = 0; i < v->n_templ; i++)
			mih_put_u32(w, v->templ[i]);
	}
	mih_put_u8(w, v->has_rpt_limit);
	if (v->has_rpt_limit) {
		mih_put_u16(w, v->max_ies);
		mih_put_u16(w, v->start_entry);
	}
	mih_put_u8(w, v->has_curr_pref);
	if (v->has_curr_pref)
		mih_put_bytes(w, v->curr_pref, 3);
}

static uint32_t get_count_cap(struct mih_rd *r, size_t min, uint32_t cap,
			      const char *what)
{
	size_t at = r->pos;
	uint32_t n = mih_get_list_count(r, min);

	if (!r->err && n > cap) {
		mih_rd_fail_at(r, at, MIH_E_TOO_MANY, "%s: %u elements (this "
			       "codec holds %u)", what, n, cap);
		return 0;
	}
	return n;
}

int mih_get_iq_bin_data(struct mih_rd *r, struct mih_iq_bin_data *v)
{
	struct mih_querier_loc *q = &v->querier_loc;
	uint32_t i;

	memset(v, 0, sizeof(*v));
	v->has_querier_loc = mih_get_choice(r, 2, "QUERIER_LOC");
	if (v->has_querier_loc) {
		q->has_location = mih_get_choice(r, 2, "QUERIER_LOC location");
		if (q->has_location)
			mih_get_location(r, &q->location);
		q->has_link_addr = mih_get_choice(r, 2,
						  "QUERIER_LOC link address");
		if (q->has_link_addr)
			mih_get_link_addr(r, &q->link_addr);
		q->has_radius = mih_get_choice(r, 2, "QUERIER_LOC radius");
		if (q->has_radius)
			q->radius = mih_get_u16(r);
	}
	v->has_net_type_inc = mih_get_choice(r, 2, "NET_TYPE_INC");
	if (v->has_net_type_inc)
		v->net_type_inc = mih_get_u32(r);
	v->has_netwk_inc = mih_get_choice(r, 2, "NETWK_INC");
	if (v->has_netwk_inc) {
		v->n_netwk = get_count_cap(r, 1, MIH_IQ_NETS_MAX, "NETWK_INC");
		for (i = 0; i < v->n_netwk && !r->err; i++)
			mih_get_ostr(r, &v->netwk[i], MIH_NETWORK_ID_MAX,
				     "NETWORK_ID");
	}
	v->has_rpt_templ = mih_get_choice(r, 2, "RPT_TEMPL");
	if (v->has_rpt_templ) {
		v->n_templ = get_count_cap(r, 4, MIH_IQ_TEMPL_MAX,
					   "RPT_TEMPL");
		for (i = 0; i < v->n_templ && !r->err; i++)
			v->templ[i] = mih_get_u32(r);
	}
	v->has_rpt_limit = mih_get_choice(r, 2, "RPT_LIMIT");
	if (v->has_rpt_limit) {
		v->max_ies = mih_get_u16(r);
		v->start_entry = mih_get_u16(r);
	}
	v->has_curr_pref = mih_get_choice(r, 2, "CURR_PREF");
	if (v->has_curr_pref)
		mih_get_bytes(r, v->curr_pref, 3);
	return r->err;
}

static void put_iq_any(struct mih_wr *w, const void *v)
{
	mih_put_iq_bin_data(w, v);
}

void mih_put_iq_bin_data_list(struct mih_wr *w,
			      const struct mih_iq_bin_data *v, size_t n)
{
	mih_put_list(w, put_iq_any, v, sizeof(*v), n);
}

int mih_iq_bin_data_list_check(const uint8_t *value, size_t len,
			       struct mih_rd *r)
{
	struct mih_iq_bin_data v;
	uint32_t n;

	mih_rd_init(r, value, len);
	n = mih_get_list_count(r, 6);
	for (uint32_t i = 0; i < n && !r->err; i++)
		mih_get_iq_bin_data(r, &v);
	return mih_rd_end(r);
}

int mih_ir_bin_data_list_check(const uint8_t *value, size_t len,
			       struct mih_rd *r)
{
	uint32_t n;

	mih_rd_init(r, value, len);
	n = mih_get_list_count(r, 1);
	for (uint32_t i = 0; i < n && !r->err; i++)
		mih_ie_validate_list(r);
	return mih_rd_end(r);
}

/* ---- formatting ---- */

static int fmt_ostr(char *buf, size_t size, const char *name,
		    const struct mih_ostr *s)
{
	bool text = true;

	for (uint32_t i = 0; i < s->len; i++)
		if (s->p[i] < 0x20 || s->p[i] > 0x7e)
			text = false;
	if (text)
		return snprintf(buf, size, "%s: \"%.*s\"", name, (int)s->len,
				(const char *)s->p);
	return snprintf(buf, size, "%s: %u octet(s)", name, s->len);
}

static const char *const cost_units[] = {
	"second", "minute", "hour", "day", "week", "month", "year", "free",
	"flat rate",
};

int mih_ie_fmt(const struct mih_ie *ie, char *buf, size_t size)
{
	const char *name = mih_ie_name(ie->type);
	char a[96];
	struct mih_ie_val v;
	struct mih_rd r;

	if (!name)
		return snprintf(buf, size, "IE 0x%08x: %u octet(s)", ie->type,
				ie->len);
	if (mih_ie_value_decode(ie->type, ie->value, ie->len, &v, &r))
		return snprintf(buf, size, "%s: <invalid: %s>", name, r.why);
	switch (ie->type) {
	case MIH_IE_NETWORK_TYPE:
		mih_network_type_fmt(a, sizeof(a), &v.u.network_type);
		return snprintf(buf, size, "%s: %s", name, a);
	case MIH_IE_OPERATOR_ID:
		return snprintf(buf, size, "%s: \"%.*s\" namespace %u", name,
				(int)v.u.operator_id.name.len,
				(const char *)v.u.operator_id.name.p,
				v.u.operator_id.ns);
	case MIH_IE_SERVICE_PROVIDER_ID:
	case MIH_IE_NETWORK_ID:
	case MIH_IE_NETWORK_AUX_ID:
		return fmt_ostr(buf, size, name, &v.u.str);
	case MIH_IE_COUNTRY_CODE:
		return snprintf(buf, size, "%s: %.2s", name, v.u.country);
	case MIH_IE_COST:
		return snprintf(buf, size, "%s: %u.%03u %.3s per %s", name,
				v.u.cost.integer, v.u.cost.fraction,
				v.u.cost.curr, cost_units[v.u.cost.unit]);
	case MIH_IE_NETWORK_QOS:
		return snprintf(buf, size, "%s: %u parameter(s)", name,
				v.u.qos.n);
	case MIH_IE_NETWORK_DATA_RATE:
		return snprintf(buf, size, "%s: %u kb/s", name, v.u.u32);
	case MIH_IE_NET_CAPABILITIES:
		return snprintf(buf, size, "%s: 0x%08x", name, v.u.u32);
	case MIH_IE_NET_MOB_MGMT_PROT:
		return snprintf(buf, size, "%s: 0x%04x", name, v.u.u16);
	case MIH_IE_NET_IP_CFG_METHODS: {
		const struct mih_ip_config *c = &v.u.ip_config;
		char d[64] = "", f[64] = "", g[64] = "";

		if (c->has_dhcp)
			mih_ip_addr_fmt(d, sizeof(d), &c->dhcp);
		if (c->has_fa)
			mih_ip_addr_fmt(f, sizeof(f), &c->fa);
		if (c->has_ar)
			mih_ip_addr_fmt(g, sizeof(g), &c->ar);
		return snprintf(buf, size, "%s: methods 0x%08x%s%s%s%s%s%s",
				name, c->methods, *d ? " dhcp-server " : "", d,
				*f ? " foreign-agent " : "", f,
				*g ? " access-router " : "", g);
	}
	case MIH_IE_POA_LINK_ADDR:
	case MIH_IE_AUTHENTICATOR_LINK_ADDR:
		mih_link_addr_fmt(a, sizeof(a), &v.u.link_addr);
		return snprintf(buf, size, "%s: %s", name, a);
	case MIH_IE_POA_LOCATION:
		if (v.u.location.kind == MIH_LOC_CELL_ID)
			return snprintf(buf, size, "%s: cell %u", name,
					v.u.location.cell_id);
		return snprintf(buf, size, "%s: kind %u", name,
				v.u.location.kind);
	case MIH_IE_POA_CHANNEL_RANGE:
		return snprintf(buf, size, "%s: %u..%u", name,
				v.u.channel.low, v.u.channel.high);
	case MIH_IE_POA_SUBNET_INFO:
		mih_ip_addr_fmt(a, sizeof(a), &v.u.subnet.prefix);
		return snprintf(buf, size, "%s: %s/%u", name, a,
				v.u.subnet.prefix_len);
	case MIH_IE_POA_IP_ADDR:
	case MIH_IE_AUTHENTICATOR_IP_ADDR:
	case MIH_IE_POS_IP_ADDR:
		mih_ip_addr_fmt(a, sizeof(a), &v.u.ip_addr);
		return snprintf(buf, size, "%s: %s", name, a);
	}
	return snprintf(buf, size, "%s: %u octet(s)", name, ie->len);
}

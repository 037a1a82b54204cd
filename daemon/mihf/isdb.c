// SPDX-License-Identifier: GPL-2.0
/*
 * IS database: the backend-independent part (see isdb.h): rows <-> structs
 * with validation, the handover look-ups, the binary query and the text
 * format (docs/isdb-format.md).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ini.h>

#include "lib/hex.h"
#include "lib/mihie.h"
#include "mihf/isdb.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- statements (the same SQL for both backends) ---- */

#define NET_COLS "id, name, link_type, subtype, operator_name, operator_ns," \
	" service_provider, country, network_id, aux_id, data_rate, ip_cfg," \
	" caps, mob_mgmt, qos, dhcp_server, foreign_agent, access_router"
#define NET_NCOLS 18
#define POA_COLS "id, network, name, link_addr, loc_kind, loc_country," \
	" loc_data, cell_id, chan_low, chan_high, subnet, ip, pos_mihf_id," \
	" pos_address, pos_port"
#define POA_NCOLS 15

enum stmt {
	S_VERSION,
	S_SET_VERSION,
	S_MIG2_DHCP,
	S_MIG2_FA,
	S_MIG2_AR,
	S_NET_INSERT,
	S_COST_INSERT,
	S_POA_INSERT,
	S_NET_ALL,
	S_NET_BY_ID,
	S_NET_BY_NAME,
	S_COSTS,
	S_POA_BY_NET,
	S_POA_BY_MAC,
	S_POA_ALL,
	S_DEL_POAS,
	S_DEL_COSTS,
	S_DEL_NETS,
	S_COUNT,
	S_N_STMTS
};

static const char *const sql[S_N_STMTS] = {
	[S_VERSION] = "SELECT version FROM schema_version",
	[S_SET_VERSION] = "UPDATE schema_version SET version = $1",
	/* version 1 -> 2: the addresses of IE_NET_IP_CFG_METHODS */
	[S_MIG2_DHCP] = "ALTER TABLE networks ADD COLUMN dhcp_server TEXT",
	[S_MIG2_FA] = "ALTER TABLE networks ADD COLUMN foreign_agent TEXT",
	[S_MIG2_AR] = "ALTER TABLE networks ADD COLUMN access_router TEXT",
	[S_NET_INSERT] = "INSERT INTO networks (name, link_type, subtype,"
		" operator_name, operator_ns, service_provider, country,"
		" network_id, aux_id, data_rate, ip_cfg, caps, mob_mgmt, qos,"
		" dhcp_server, foreign_agent, access_router)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
		" $13, $14, $15, $16, $17) RETURNING id",
	[S_COST_INSERT] = "INSERT INTO costs (network, seq, unit, value_int,"
		" value_frac, currency) VALUES ($1, $2, $3, $4, $5, $6)",
	[S_POA_INSERT] = "INSERT INTO poas (network, name, link_addr,"
		" loc_kind, loc_country, loc_data, cell_id, chan_low,"
		" chan_high, subnet, ip, pos_mihf_id, pos_address, pos_port)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
		" $13, $14) RETURNING id",
	[S_NET_ALL] = "SELECT " NET_COLS " FROM networks ORDER BY id",
	[S_NET_BY_ID] = "SELECT " NET_COLS " FROM networks WHERE id = $1",
	[S_NET_BY_NAME] = "SELECT " NET_COLS " FROM networks WHERE name = $1",
	[S_COSTS] = "SELECT unit, value_int, value_frac, currency FROM costs"
		" WHERE network = $1 ORDER BY seq",
	[S_POA_BY_NET] = "SELECT " POA_COLS " FROM poas WHERE network = $1"
		" ORDER BY id",
	[S_POA_BY_MAC] = "SELECT " POA_COLS " FROM poas"
		" WHERE link_addr = $1",
	[S_POA_ALL] = "SELECT " POA_COLS " FROM poas ORDER BY network, id",
	[S_DEL_POAS] = "DELETE FROM poas",
	[S_DEL_COSTS] = "DELETE FROM costs",
	[S_DEL_NETS] = "DELETE FROM networks",
	[S_COUNT] = "SELECT (SELECT count(*) FROM networks),"
		" (SELECT count(*) FROM poas)",
};

static int run(struct isdb *db, enum stmt n, const char *const *params,
	       int nparams, isdb_row_cb cb, void *arg)
{
	return db->ops->exec(db, n, sql[n], params, nparams, cb, arg);
}

void isdb_set_err(struct isdb *db, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(db->errmsg, sizeof(db->errmsg), fmt, ap);
	va_end(ap);
}

const char *isdb_errmsg(const struct isdb *db)
{
	return db ? db->errmsg : "";
}

static void errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- value syntax shared by the database columns and the text format */

static const struct {
	const char *name;
	uint8_t type;
	int bit;			/* NET_TYPE_INC bit */
} link_types[] = {
	{ "gsm", 1, 0 }, { "gprs", 2, 1 }, { "edge", 3, 2 },
	{ "ethernet", 15, 3 }, { "wireless-other", 18, 4 },
	{ "802.11", 19, 5 }, { "cdma2000", 22, 6 }, { "umts", 23, 7 },
	{ "cdma2000-hrpd", 24, 8 }, { "802.16", 27, 9 }, { "802.20", 28, 10 },
	{ "802.22", 29, 11 }, { "dvb", 40, -1 }, { "t-dmb", 41, -1 },
	{ "atsc-mh", 42, -1 },
};
#define N_LINK_TYPES (sizeof(link_types) / sizeof(link_types[0]))

static const char *link_type_name(uint8_t type)
{
	size_t i;

	for (i = 0; i < N_LINK_TYPES; i++)
		if (link_types[i].type == type)
			return link_types[i].name;
	return NULL;
}

int isdb_net_type_bit(uint8_t link_type)
{
	size_t i;

	for (i = 0; i < N_LINK_TYPES; i++)
		if (link_types[i].type == link_type)
			return link_types[i].bit;
	return -1;
}

/* Decimal, digits only, <= max */
static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && s[1])
		return -EINVAL;		/* no leading zeros: one spelling */
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* Signed decimal (row ids) */
static int parse_id(const char *s, int64_t *out)
{
	uint64_t v;
	int r = parse_uint(s, INT64_MAX, &v);

	if (r)
		return r;
	*out = (int64_t)v;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	int i, hi, lo;

	if (!s || strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		hi = mihsec_hex_digit(s[3 * i]);
		lo = mihsec_hex_digit(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static void fmt_mac(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

static int parse_ip(const char *s, struct isdb_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (!s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, ip->addr) == 1) {
		ip->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, ip->addr) == 1) {
		ip->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static void fmt_ip(const struct isdb_ip *ip, char out[INET6_ADDRSTRLEN])
{
	if (!inet_ntop(ip->family, ip->addr, out, INET6_ADDRSTRLEN))
		out[0] = '\0';
}

/*
 * An address a host can be sent to: not unspecified (0.0.0.0, ::) and not
 * multicast (224/4, ff00::/8): the IP configuration addresses
 */
static bool ip_unicast(const struct isdb_ip *ip)
{
	static const uint8_t zero[16];

	if (ip->family == AF_INET)
		return memcmp(ip->addr, zero, 4) && (ip->addr[0] & 0xf0) != 0xe0;
	if (ip->family == AF_INET6)
		return memcmp(ip->addr, zero, 16) && ip->addr[0] != 0xff;
	return false;
}

/* "ADDR/LEN" */
static int parse_prefix(const char *s, struct isdb_ip *ip, uint8_t *len)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash;
	uint64_t l;

	slash = s ? strchr(s, '/') : NULL;
	if (!slash || (size_t)(slash - s) >= INET6_ADDRSTRLEN)
		return -EINVAL;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (parse_ip(buf, ip))
		return -EINVAL;
	if (parse_uint(slash + 1, ip->family == AF_INET ? 32 : 128, &l))
		return -ERANGE;
	*len = (uint8_t)l;
	return 0;
}

static bool valid_text(const char *s, size_t max)
{
	size_t n = strlen(s);
	const unsigned char *p = (const unsigned char *)s;

	if (n > max)
		return false;
	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > ISDB_NAME_MAX || !isalnum((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

static bool valid_country(const char *s)
{
	return strlen(s) == 2 && isupper((unsigned char)s[0]) &&
	       isupper((unsigned char)s[1]);
}

static bool valid_currency(const char *s)
{
	return strlen(s) == 3 && isupper((unsigned char)s[0]) &&
	       isupper((unsigned char)s[1]) && isupper((unsigned char)s[2]);
}

/*
 * QOS_LIST as text (the codec's shape, lib/mihtype.h):
 *   "cos N [KIND COS:VALUE ...] ..."  KIND: min-delay avg-delay max-delay
 *   jitter loss (the five lists, kinds 1..5), COS 0..255, VALUE 0..65535.
 * Parameters are kept grouped by kind (stable), as the wire has them.
 */
static const char *const qos_kinds[] = {
	"min-delay", "avg-delay", "max-delay", "jitter", "loss",
};

static int parse_qos(const char *s, struct isdb_qos *q, size_t *n,
		     uint8_t *num_cos)
{
	char buf[512], *tok, *save = NULL, *colon;
	struct isdb_qos tmp[ISDB_QOS_MAX];
	uint64_t c, v;
	bool have_cos = false;
	int kind = 0;
	size_t i, k, m = 0;

	if (strlen(s) >= sizeof(buf))
		return -E2BIG;
	strcpy(buf, s);
	*n = 0;
	for (tok = strtok_r(buf, " ,", &save); tok;
	     tok = strtok_r(NULL, " ,", &save)) {
		if (!strcmp(tok, "cos")) {
			tok = strtok_r(NULL, " ,", &save);
			if (have_cos || !tok || parse_uint(tok, 255, &c))
				return -EINVAL;
			*num_cos = (uint8_t)c;
			have_cos = true;
			continue;
		}
		for (i = 0; i < 5; i++)
			if (!strcmp(tok, qos_kinds[i]))
				break;
		if (i < 5) {
			kind = (int)i + 1;
			continue;
		}
		colon = strchr(tok, ':');
		if (!colon || !kind)
			return -EINVAL;
		*colon = '\0';
		if (parse_uint(tok, 255, &c) || parse_uint(colon + 1, 65535, &v))
			return -EINVAL;
		if (m == ISDB_QOS_MAX)
			return -E2BIG;
		tmp[m].type = (uint8_t)kind;
		tmp[m].cos = (uint8_t)c;
		tmp[m].value = (uint32_t)v;
		m++;
	}
	if (!have_cos)
		return -EINVAL;
	for (k = 1; k <= 5; k++)
		for (i = 0; i < m; i++)
			if (tmp[i].type == k)
				q[(*n)++] = tmp[i];
	return 0;
}

static void fmt_qos(const struct isdb_qos *q, size_t n, uint8_t num_cos,
		    char *out, size_t size)
{
	size_t i, pos;
	int kind = 0;

	pos = (size_t)snprintf(out, size, "cos %u", num_cos);
	for (i = 0; i < n && pos < size; i++) {
		if (q[i].type != kind) {
			kind = q[i].type;
			pos += (size_t)snprintf(out + pos, size - pos, " %s",
						kind >= 1 && kind <= 5 ?
						qos_kinds[kind - 1] : "?");
		}
		if (pos < size)
			pos += (size_t)snprintf(out + pos, size - pos,
						" %u:%" PRIu32, q[i].cos,
						q[i].value);
	}
}

/* ---- validation of whole records (before insert, after select) ---- */

static int check_network(struct isdb *db, const struct isdb_network *n)
{
	size_t i;

	if (!valid_name(n->name))
		goto bad_name;
	if (!link_type_name(n->link_type)) {
		isdb_set_err(db, "network '%s': unknown link type %u", n->name,
			     n->link_type);
		return -EINVAL;
	}
	if (!valid_text(n->operator_name, ISDB_STR_MAX) ||
	    !valid_text(n->service_provider, ISDB_STR_MAX) ||
	    !valid_text(n->network_id, ISDB_NETID_MAX) ||
	    !valid_text(n->aux_id, ISDB_STR_MAX)) {
		isdb_set_err(db, "network '%s': a string is too long or holds control characters",
			     n->name);
		return -EINVAL;
	}
	if ((n->has & ISDB_NET_OPERATOR) &&
	    (!n->operator_name[0] || n->operator_ns > ISDB_OPNS_GENERAL)) {
		isdb_set_err(db, "network '%s': bad operator", n->name);
		return -EINVAL;
	}
	if (!(n->has & ISDB_NET_OPERATOR) && n->operator_name[0]) {
		isdb_set_err(db, "network '%s': operator name without the operator flag",
			     n->name);
		return -EINVAL;
	}
	if (n->country[0] && !valid_country(n->country)) {
		isdb_set_err(db, "network '%s': bad country code", n->name);
		return -EINVAL;
	}
	{
		const struct isdb_ip *a[3] = {
			&n->dhcp_server, &n->foreign_agent, &n->access_router,
		};

		for (i = 0; i < 3; i++) {
			if (a[i]->family == AF_UNSPEC)
				continue;
			if (!ip_unicast(a[i])) {
				isdb_set_err(db, "network '%s': bad IP configuration address",
					     n->name);
				return -EINVAL;
			}
			if (!(n->has & ISDB_NET_IP_CFG)) {
				isdb_set_err(db, "network '%s': IP configuration address without the methods (ip-config)",
					     n->name);
				return -EINVAL;
			}
		}
	}
	if (n->ncosts > ISDB_COSTS_MAX || n->nqos > ISDB_QOS_MAX ||
	    (!(n->has & ISDB_NET_QOS) && n->nqos)) {
		isdb_set_err(db, "network '%s': bad cost or QoS count",
			     n->name);
		return -EINVAL;
	}
	for (i = 0; i < n->ncosts; i++) {
		const struct isdb_cost *c = &n->costs[i];

		if (c->unit > ISDB_COST_FLAT_RATE || c->value_frac > 999 ||
		    !valid_currency(c->currency)) {
			isdb_set_err(db, "network '%s': bad cost %zu", n->name,
				     i + 1);
			return -EINVAL;
		}
	}
	return 0;
bad_name:
	isdb_set_err(db, "bad network name '%.*s'", ISDB_NAME_MAX, n->name);
	return -EINVAL;
}

static int check_poa(struct isdb *db, const struct isdb_poa *p)
{
	const struct isdb_location *l = &p->loc;

	if (!valid_name(p->name)) {
		isdb_set_err(db, "bad PoA name '%.*s'", ISDB_NAME_MAX,
			     p->name);
		return -EINVAL;
	}
	switch (l->kind) {
	case ISDB_LOC_NONE:
		break;
	case ISDB_LOC_CIVIC:
		if (!valid_country(l->country) || l->len > ISDB_LOC_MAX)
			goto bad_loc;
		break;
	case ISDB_LOC_GEO:
		if (l->len != 16)
			goto bad_loc;
		break;
	case ISDB_LOC_CELL:
		break;
	default:
		goto bad_loc;
	}
	if ((p->has & ISDB_POA_CHANNEL) && p->chan_low > p->chan_high) {
		isdb_set_err(db, "PoA '%s': channel range low > high",
			     p->name);
		return -EINVAL;
	}
	if ((p->has & ISDB_POA_SUBNET) &&
	    ((p->subnet.family != AF_INET && p->subnet.family != AF_INET6) ||
	     p->subnet_len > (p->subnet.family == AF_INET ? 32 : 128))) {
		isdb_set_err(db, "PoA '%s': bad subnet", p->name);
		return -EINVAL;
	}
	if ((p->ip.family != AF_UNSPEC && p->ip.family != AF_INET &&
	     p->ip.family != AF_INET6) ||
	    (p->pos_addr.family != AF_UNSPEC &&
	     p->pos_addr.family != AF_INET &&
	     p->pos_addr.family != AF_INET6) || !p->pos_port) {
		isdb_set_err(db, "PoA '%s': bad address or port", p->name);
		return -EINVAL;
	}
	if (!valid_text(p->pos_mihf_id, ISDB_STR_MAX)) {
		isdb_set_err(db, "PoA '%s': bad pos-mihf-id", p->name);
		return -EINVAL;
	}
	return 0;
bad_loc:
	isdb_set_err(db, "PoA '%s': bad location", p->name);
	return -EINVAL;
}

/* ---- rows <-> structs ---- */

static int copy_str(char *dst, size_t size, const char *src)
{
	if (!src) {
		dst[0] = '\0';
		return 0;
	}
	if (strlen(src) >= size)
		return -ERANGE;
	strcpy(dst, src);
	return 0;
}

static int row_u(const char *s, uint64_t max, uint64_t *v)
{
	return parse_uint(s, max, v);
}

/* A networks row (NET_COLS order), costs not included */
static int row_network(struct isdb *db, const char *const *c, int nc,
		       struct isdb_network *n)
{
	uint64_t v;
	int col = 0;

	memset(n, 0, sizeof(*n));
	if (nc != NET_NCOLS)
		goto bad;
	if (parse_id(c[0], &n->id))
		goto bad;
	col = 1;
	if (copy_str(n->name, sizeof(n->name), c[1]))
		goto bad;
	col = 2;
	if (row_u(c[2], 255, &v))
		goto bad;
	n->link_type = (uint8_t)v;
	col = 3;
	if (c[3]) {
		uint8_t b[8];
		int i;

		if (strlen(c[3]) != 16 || mihsec_hex_decode(c[3], b, 8) != 8)
			goto bad;
		for (i = 0; i < 8; i++)
			n->subtype = n->subtype << 8 | b[i];
		n->has |= ISDB_NET_SUBTYPE;
	}
	col = 4;
	if (copy_str(n->operator_name, sizeof(n->operator_name), c[4]))
		goto bad;
	col = 5;
	if (c[5]) {
		if (row_u(c[5], ISDB_OPNS_GENERAL, &v))
			goto bad;
		n->operator_ns = (uint8_t)v;
		n->has |= ISDB_NET_OPERATOR;
	}
	col = 6;
	if (copy_str(n->service_provider, sizeof(n->service_provider), c[6]))
		goto bad;
	col = 7;
	if (copy_str(n->country, sizeof(n->country), c[7]))
		goto bad;
	col = 8;
	if (copy_str(n->network_id, sizeof(n->network_id), c[8]))
		goto bad;
	col = 9;
	if (copy_str(n->aux_id, sizeof(n->aux_id), c[9]))
		goto bad;
	col = 10;
	if (c[10]) {
		if (row_u(c[10], UINT32_MAX, &v))
			goto bad;
		n->data_rate = (uint32_t)v;
		n->has |= ISDB_NET_DATA_RATE;
	}
	col = 11;
	if (c[11]) {
		if (row_u(c[11], UINT32_MAX, &v))
			goto bad;
		n->ip_cfg = (uint32_t)v;
		n->has |= ISDB_NET_IP_CFG;
	}
	col = 12;
	if (c[12]) {
		if (row_u(c[12], UINT32_MAX, &v))
			goto bad;
		n->caps = (uint32_t)v;
		n->has |= ISDB_NET_CAPS;
	}
	col = 13;
	if (c[13]) {
		if (row_u(c[13], UINT16_MAX, &v))
			goto bad;
		n->mob_mgmt = (uint16_t)v;
		n->has |= ISDB_NET_MOB_MGMT;
	}
	col = 14;
	if (c[14]) {
		if (parse_qos(c[14], n->qos, &n->nqos, &n->qos_num_cos))
			goto bad;
		n->has |= ISDB_NET_QOS;
	}
	col = 15;
	if (c[15] && parse_ip(c[15], &n->dhcp_server))
		goto bad;
	col = 16;
	if (c[16] && parse_ip(c[16], &n->foreign_agent))
		goto bad;
	col = 17;
	if (c[17] && parse_ip(c[17], &n->access_router))
		goto bad;
	return 0;
bad:
	isdb_set_err(db, "database: networks row %" PRId64 ": bad column %d",
		     n->id, col + 1);
	return -EIO;
}

static int row_poa(struct isdb *db, const char *const *c, int nc,
		   struct isdb_poa *p)
{
	uint64_t v;
	int col = 0;

	memset(p, 0, sizeof(*p));
	if (nc != POA_NCOLS || parse_id(c[0], &p->id))
		goto bad;
	col = 1;
	if (parse_id(c[1], &p->network))
		goto bad;
	col = 2;
	if (copy_str(p->name, sizeof(p->name), c[2]))
		goto bad;
	col = 3;
	if (parse_mac(c[3], p->mac))
		goto bad;
	col = 4;
	if (row_u(c[4], ISDB_LOC_CELL, &v))
		goto bad;
	p->loc.kind = (int)v;
	col = 5;
	if (copy_str(p->loc.country, sizeof(p->loc.country), c[5]))
		goto bad;
	col = 6;
	if (c[6] && c[6][0]) {
		int r = mihsec_hex_decode(c[6], p->loc.data, ISDB_LOC_MAX);

		if (r < 0)
			goto bad;
		p->loc.len = (size_t)r;
	}
	col = 7;
	if (c[7]) {
		if (row_u(c[7], UINT32_MAX, &v))
			goto bad;
		p->loc.cell_id = (uint32_t)v;
	}
	col = 8;
	if (c[8] || c[9]) {
		if (row_u(c[8], UINT32_MAX, &v))
			goto bad;
		p->chan_low = (uint32_t)v;
		col = 9;
		if (row_u(c[9], UINT32_MAX, &v))
			goto bad;
		p->chan_high = (uint32_t)v;
		p->has |= ISDB_POA_CHANNEL;
	}
	col = 10;
	if (c[10]) {
		if (parse_prefix(c[10], &p->subnet, &p->subnet_len))
			goto bad;
		p->has |= ISDB_POA_SUBNET;
	}
	col = 11;
	if (c[11] && parse_ip(c[11], &p->ip))
		goto bad;
	col = 12;
	if (copy_str(p->pos_mihf_id, sizeof(p->pos_mihf_id), c[12]))
		goto bad;
	col = 13;
	if (c[13] && parse_ip(c[13], &p->pos_addr))
		goto bad;
	col = 14;
	if (row_u(c[14], UINT16_MAX, &v) || !v)
		goto bad;
	p->pos_port = (uint16_t)v;
	if (check_poa(db, p))
		return -EIO;
	return 0;
bad:
	isdb_set_err(db, "database: poas row %" PRId64 ": bad column %d",
		     p->id, col + 1);
	return -EIO;
}

/* ---- growing arrays of rows ---- */

struct net_vec {
	struct isdb *db;
	struct isdb_network *v;
	size_t n, cap;
};

struct poa_vec {
	struct isdb *db;
	struct isdb_poa *v;
	size_t n, cap;
};

static void *grow(void *v, size_t *cap, size_t n, size_t elem)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : 8;
	nv = reallocarray(v, ncap, elem);
	if (nv)
		*cap = ncap;
	return nv;
}

static int net_row_cb(const char *const *c, int nc, void *arg)
{
	struct net_vec *nv = arg;
	struct isdb_network *v;

	v = grow(nv->v, &nv->cap, nv->n, sizeof(*nv->v));
	if (!v)
		return -ENOMEM;
	nv->v = v;
	if (row_network(nv->db, c, nc, &nv->v[nv->n]))
		return -EIO;
	nv->n++;
	return 0;
}

static int poa_row_cb(const char *const *c, int nc, void *arg)
{
	struct poa_vec *pv = arg;
	struct isdb_poa *v;

	v = grow(pv->v, &pv->cap, pv->n, sizeof(*pv->v));
	if (!v)
		return -ENOMEM;
	pv->v = v;
	if (row_poa(pv->db, c, nc, &pv->v[pv->n]))
		return -EIO;
	pv->n++;
	return 0;
}

static int cost_row_cb(const char *const *c, int nc, void *arg)
{
	struct isdb_network *n = arg;
	struct isdb_cost *cost;
	uint64_t v;

	if (nc != 4 || n->ncosts == ISDB_COSTS_MAX)
		return -EIO;
	cost = &n->costs[n->ncosts];
	if (row_u(c[0], ISDB_COST_FLAT_RATE, &v))
		return -EIO;
	cost->unit = (uint8_t)v;
	if (row_u(c[1], UINT32_MAX, &v))
		return -EIO;
	cost->value_int = (uint32_t)v;
	if (row_u(c[2], 999, &v))
		return -EIO;
	cost->value_frac = (uint16_t)v;
	if (copy_str(cost->currency, sizeof(cost->currency), c[3]) ||
	    !valid_currency(cost->currency))
		return -EIO;
	n->ncosts++;
	return 0;
}

/* Networks by statement (all / by id / by name), costs loaded, checked */
static int load_networks(struct isdb *db, enum stmt st, const char *param,
			 struct net_vec *nv)
{
	char id[24];
	size_t i;
	int r;

	memset(nv, 0, sizeof(*nv));
	nv->db = db;
	r = run(db, st, &param, param ? 1 : 0, net_row_cb, nv);
	for (i = 0; !r && i < nv->n; i++) {
		const char *p = id;

		snprintf(id, sizeof(id), "%" PRId64, nv->v[i].id);
		r = run(db, S_COSTS, &p, 1, cost_row_cb, &nv->v[i]);
		if (r == -EIO)
			isdb_set_err(db, "database: bad costs row of network %s",
				     id);
		if (!r && check_network(db, &nv->v[i]))
			r = -EIO;
	}
	if (r) {
		free(nv->v);
		nv->v = NULL;
		nv->n = 0;
	}
	return r;
}

static int load_poas(struct isdb *db, enum stmt st, const char *param,
		     struct poa_vec *pv)
{
	int r;

	memset(pv, 0, sizeof(*pv));
	pv->db = db;
	r = run(db, st, &param, param ? 1 : 0, poa_row_cb, pv);
	if (r) {
		free(pv->v);
		pv->v = NULL;
		pv->n = 0;
	}
	return r;
}

/* ---- open / close ---- */

int isdb_backend_parse(const char *name)
{
	if (!name)
		return -EINVAL;
	if (!strcmp(name, "sqlite") || !strcmp(name, "sqlite3"))
		return ISDB_BACKEND_SQLITE;
	if (!strcmp(name, "postgresql") || !strcmp(name, "pg") ||
	    !strcmp(name, "postgres"))
		return ISDB_BACKEND_PG;
	return -EINVAL;
}

const char *isdb_backend_name(enum isdb_backend backend)
{
	return backend == ISDB_BACKEND_PG ? "postgresql" : "sqlite";
}

static int version_cb(const char *const *c, int nc, void *arg)
{
	uint64_t v;

	if (nc != 1 || parse_uint(c[0], INT32_MAX, &v))
		return -EIO;
	*(int *)arg = (int)v;
	return 0;
}

int isdb_schema_version(struct isdb *db)
{
	int v = 0, r;

	r = run(db, S_VERSION, NULL, 0, version_cb, &v);
	return r ? r : v;
}

/*
 * Bring a database of an older schema version up to ISDB_SCHEMA_VERSION:
 * in one writing transaction (PostgreSQL: under the writers' advisory
 * lock, so that of several IS servers opening it at once one migrates and
 * the others find it done), the version read again inside it.
 */
static const struct {
	int to;			/* the version after these statements */
	enum stmt stmts[4];	/* 0-terminated (S_VERSION is never one) */
} migrations[] = {
	{ 2, { S_MIG2_DHCP, S_MIG2_FA, S_MIG2_AR } },
};

static int migrate(struct isdb *db)
{
	char ver[12];
	const char *p = ver;
	size_t i, k;
	int r, v;

	r = db->ops->begin(db);
	if (r)
		return r;
	v = isdb_schema_version(db);
	r = v < 0 ? v : 0;
	for (i = 0; !r && i < ARRAY_LEN(migrations); i++) {
		if (migrations[i].to <= v)
			continue;
		for (k = 0; !r && k < 4 && migrations[i].stmts[k]; k++)
			r = run(db, migrations[i].stmts[k], NULL, 0, NULL, NULL);
		if (!r)
			v = migrations[i].to;
	}
	if (!r && v != ISDB_SCHEMA_VERSION) {
		/* another (newer) server got there first */
		isdb_set_err(db, "database schema version %d, this program knows %d",
			     v, ISDB_SCHEMA_VERSION);
		r = -EPROTO;
	}
	if (!r) {
		snprintf(ver, sizeof(ver), "%d", v);
		r = run(db, S_SET_VERSION, &p, 1, NULL, NULL);
	}
	if (r) {
		char keep[ISDB_ERR_MAX];

		snprintf(keep, sizeof(keep), "migrating the schema to version %d: %.200s",
			 ISDB_SCHEMA_VERSION, db->errmsg);
		db->ops->rollback(db);
		memcpy(db->errmsg, keep, sizeof(keep));
		return r;
	}
	return db->ops->commit(db);
}

int isdb_open(struct isdb **dbp, enum isdb_backend backend,
	      const char *target, char *err, size_t errlen)
{
	struct isdb *db;
	int r;

	*dbp = NULL;
	if (!target || (backend != ISDB_BACKEND_SQLITE &&
			backend != ISDB_BACKEND_PG)) {
		errf(err, errlen, "bad IS database backend or target");
		return -EINVAL;
	}
	db = calloc(1, sizeof(*db));
	if (!db) {
		errf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	db->backend = backend;
	db->ops = backend == ISDB_BACKEND_PG ? &isdb_pg_ops :
					       &isdb_sqlite_ops;
	r = db->ops->open(db, target);
	if (!r)
		r = db->ops->schema(db);
	if (!r) {
		r = isdb_schema_version(db);
		if (r >= 1 && r < ISDB_SCHEMA_VERSION) {
			r = migrate(db);
		} else if (r >= 0 && r != ISDB_SCHEMA_VERSION) {
			isdb_set_err(db, "database schema version %d, this program knows %d",
				     r, ISDB_SCHEMA_VERSION);
			r = -EPROTO;
		} else if (r > 0) {
			r = 0;
		}
	}
	if (r) {
		errf(err, errlen, "%s", db->errmsg[0] ? db->errmsg :
			     strerror(-r));
		isdb_close(db);
		return r;
	}
	*dbp = db;
	return 0;
}

void isdb_close(struct isdb *db)
{
	if (!db)
		return;
	db->ops->close(db);
	free(db);
}

/* ---- content ---- */

static int do_clear(struct isdb *db)
{
	int r = run(db, S_DEL_POAS, NULL, 0, NULL, NULL);

	if (!r)
		r = run(db, S_DEL_COSTS, NULL, 0, NULL, NULL);
	if (!r)
		r = run(db, S_DEL_NETS, NULL, 0, NULL, NULL);
	return r;
}

static int in_tx(struct isdb *db, int (*fn)(struct isdb *db))
{
	int r = db->ops->begin(db);

	if (r)
		return r;
	r = fn(db);
	if (r) {
		char keep[ISDB_ERR_MAX];

		memcpy(keep, db->errmsg, sizeof(keep));
		db->ops->rollback(db);
		memcpy(db->errmsg, keep, sizeof(keep));
		return r;
	}
	return db->ops->commit(db);
}

int isdb_clear(struct isdb *db)
{
	return in_tx(db, do_clear);
}

static int id_cb(const char *const *c, int nc, void *arg)
{
	if (nc != 1 || parse_id(c[0], arg))
		return -EIO;
	return 0;
}

/* Inside a transaction (or autocommit: the caller's choice) */
static int insert_network(struct isdb *db, struct isdb_network *n)
{
	char type[4], sub[17], ns[4], rate[12], ipc[12], caps[12], mob[8];
	char qos[ISDB_QOS_MAX * 16], id[24], seq[24], unit[4], vi[12], vf[8];
	char dhcp[INET6_ADDRSTRLEN], fa[INET6_ADDRSTRLEN], ar[INET6_ADDRSTRLEN];
	const char *p[17];
	size_t i;
	int r;

	r = check_network(db, n);
	if (r)
		return r;
	snprintf(type, sizeof(type), "%u", n->link_type);
	snprintf(sub, sizeof(sub), "%016" PRIx64, n->subtype);
	snprintf(ns, sizeof(ns), "%u", n->operator_ns);
	snprintf(rate, sizeof(rate), "%" PRIu32, n->data_rate);
	snprintf(ipc, sizeof(ipc), "%" PRIu32, n->ip_cfg);
	snprintf(caps, sizeof(caps), "%" PRIu32, n->caps);
	snprintf(mob, sizeof(mob), "%u", n->mob_mgmt);
	fmt_qos(n->qos, n->nqos, n->qos_num_cos, qos, sizeof(qos));
	fmt_ip(&n->dhcp_server, dhcp);
	fmt_ip(&n->foreign_agent, fa);
	fmt_ip(&n->access_router, ar);
	p[0] = n->name;
	p[1] = type;
	p[2] = n->has & ISDB_NET_SUBTYPE ? sub : NULL;
	p[3] = n->has & ISDB_NET_OPERATOR ? n->operator_name : NULL;
	p[4] = n->has & ISDB_NET_OPERATOR ? ns : NULL;
	p[5] = n->service_provider[0] ? n->service_provider : NULL;
	p[6] = n->country[0] ? n->country : NULL;
	p[7] = n->network_id[0] ? n->network_id : NULL;
	p[8] = n->aux_id[0] ? n->aux_id : NULL;
	p[9] = n->has & ISDB_NET_DATA_RATE ? rate : NULL;
	p[10] = n->has & ISDB_NET_IP_CFG ? ipc : NULL;
	p[11] = n->has & ISDB_NET_CAPS ? caps : NULL;
	p[12] = n->has & ISDB_NET_MOB_MGMT ? mob : NULL;
	p[13] = n->has & ISDB_NET_QOS ? qos : NULL;
	p[14] = n->dhcp_server.family ? dhcp : NULL;
	p[15] = n->foreign_agent.family ? fa : NULL;
	p[16] = n->access_router.family ? ar : NULL;
	n->id = 0;
	r = run(db, S_NET_INSERT, p, 17, id_cb, &n->id);
	if (r == -EEXIST)
		isdb_set_err(db, "network '%s' already exists", n->name);
	if (!r && n->id <= 0)
		r = -EIO;
	snprintf(id, sizeof(id), "%" PRId64, n->id);
	for (i = 0; !r && i < n->ncosts; i++) {
		const struct isdb_cost *c = &n->costs[i];

		snprintf(seq, sizeof(seq), "%zu", i);
		snprintf(unit, sizeof(unit), "%u", c->unit);
		snprintf(vi, sizeof(vi), "%" PRIu32, c->value_int);
		snprintf(vf, sizeof(vf), "%u", c->value_frac);
		p[0] = id;
		p[1] = seq;
		p[2] = unit;
		p[3] = vi;
		p[4] = vf;
		p[5] = c->currency;
		r = run(db, S_COST_INSERT, p, 6, NULL, NULL);
	}
	return r;
}

static int insert_poa(struct isdb *db, struct isdb_poa *poa)
{
	char net[24], mac[18], kind[4], locd[2 * ISDB_LOC_MAX + 1], cell[12];
	char lo[12], hi[12], subnet[INET6_ADDRSTRLEN + 4];
	char ip[INET6_ADDRSTRLEN], pos[INET6_ADDRSTRLEN], port[8];
	const char *p[14];
	int r;

	r = check_poa(db, poa);
	if (r)
		return r;
	snprintf(net, sizeof(net), "%" PRId64, poa->network);
	fmt_mac(poa->mac, mac);
	snprintf(kind, sizeof(kind), "%d", poa->loc.kind);
	mihsec_hex_encode(poa->loc.data, poa->loc.len, locd);
	snprintf(cell, sizeof(cell), "%" PRIu32, poa->loc.cell_id);
	snprintf(lo, sizeof(lo), "%" PRIu32, poa->chan_low);
	snprintf(hi, sizeof(hi), "%" PRIu32, poa->chan_high);
	fmt_ip(&poa->subnet, subnet);
	snprintf(subnet + strlen(subnet), sizeof(subnet) - strlen(subnet),
		 "/%u", poa->subnet_len);
	fmt_ip(&poa->ip, ip);
	fmt_ip(&poa->pos_addr, pos);
	snprintf(port, sizeof(port), "%u", poa->pos_port);
	p[0] = net;
	p[1] = poa->name;
	p[2] = mac;
	p[3] = kind;
	p[4] = poa->loc.kind == ISDB_LOC_CIVIC ? poa->loc.country : NULL;
	p[5] = poa->loc.kind == ISDB_LOC_CIVIC ||
	       poa->loc.kind == ISDB_LOC_GEO ? locd : NULL;
	p[6] = poa->loc.kind == ISDB_LOC_CELL ? cell : NULL;
	p[7] = poa->has & ISDB_POA_CHANNEL ? lo : NULL;
	p[8] = poa->has & ISDB_POA_CHANNEL ? hi : NULL;
	p[9] = poa->has & ISDB_POA_SUBNET ? subnet : NULL;
	p[10] = poa->ip.family ? ip : NULL;
	p[11] = poa->pos_mihf_id[0] ? poa->pos_mihf_id : NULL;
	p[12] = poa->pos_addr.family ? pos : NULL;
	p[13] = port;
	poa->id = 0;
	r = run(db, S_POA_INSERT, p, 14, id_cb, &poa->id);
	if (r == -EEXIST)
		isdb_set_err(db, "PoA '%s' or link address %s already exists",
			     poa->name, mac);
	else if (r == -ENOENT)
		isdb_set_err(db, "PoA '%s': no network %" PRId64, poa->name,
			     poa->network);
	if (!r && poa->id <= 0)
		r = -EIO;
	return r;
}

int isdb_add_network(struct isdb *db, struct isdb_network *net)
{
	int r = db->ops->begin(db);

	if (r)
		return r;
	r = insert_network(db, net);
	if (r) {
		char keep[ISDB_ERR_MAX];

		memcpy(keep, db->errmsg, sizeof(keep));
		db->ops->rollback(db);
		memcpy(db->errmsg, keep, sizeof(keep));
		return r;
	}
	return db->ops->commit(db);
}

int isdb_add_poa(struct isdb *db, struct isdb_poa *poa)
{
	return insert_poa(db, poa);
}

int isdb_networks(struct isdb *db, isdb_network_cb cb, void *arg)
{
	struct net_vec nv;
	size_t i;
	int r;

	r = load_networks(db, S_NET_ALL, NULL, &nv);
	for (i = 0; !r && i < nv.n; i++)
		r = cb(&nv.v[i], arg);
	free(nv.v);
	return r;
}

int isdb_network_poas(struct isdb *db, const struct isdb_network *net,
		      isdb_poa_cb cb, void *arg)
{
	struct poa_vec pv;
	char id[24];
	size_t i;
	int r;

	snprintf(id, sizeof(id), "%" PRId64, net->id);
	r = load_poas(db, S_POA_BY_NET, id, &pv);
	for (i = 0; !r && i < pv.n; i++)
		r = cb(net, &pv.v[i], arg);
	free(pv.v);
	return r;
}

static int count_cb(const char *const *c, int nc, void *arg)
{
	size_t *n = arg;
	uint64_t a, b;

	if (nc != 2 || parse_uint(c[0], SIZE_MAX, &a) ||
	    parse_uint(c[1], SIZE_MAX, &b))
		return -EIO;
	n[0] = (size_t)a;
	n[1] = (size_t)b;
	return 0;
}

int isdb_count(struct isdb *db, size_t *networks, size_t *poas)
{
	size_t n[2] = { 0, 0 };
	int r = run(db, S_COUNT, NULL, 0, count_cb, n);

	if (networks)
		*networks = n[0];
	if (poas)
		*poas = n[1];
	return r;
}

/* ---- handover support ---- */

int isdb_find_poa_by_link_addr(struct isdb *db, const uint8_t mac[6],
			       struct isdb_poa *poa, struct isdb_network *net)
{
	struct poa_vec pv;
	struct net_vec nv;
	char m[18], id[24];
	int r;

	fmt_mac(mac, m);
	r = load_poas(db, S_POA_BY_MAC, m, &pv);
	if (r)
		return r;
	if (pv.n != 1) {
		free(pv.v);
		return -ENOENT;
	}
	if (poa)
		*poa = pv.v[0];
	if (net) {
		snprintf(id, sizeof(id), "%" PRId64, pv.v[0].network);
		r = load_networks(db, S_NET_BY_ID, id, &nv);
		if (!r && nv.n != 1)
			r = -EIO;
		if (!r)
			*net = nv.v[0];
		free(nv.v);
	}
	free(pv.v);
	return r;
}

int isdb_candidates(struct isdb *db, uint32_t net_type_inc,
		    const uint8_t *exclude_mac, isdb_poa_cb cb, void *arg)
{
	struct net_vec nv;
	struct poa_vec pv;
	size_t i, j = 0;
	int r;

	r = load_networks(db, S_NET_ALL, NULL, &nv);
	if (r)
		return r;
	r = load_poas(db, S_POA_ALL, NULL, &pv);
	if (r) {
		free(nv.v);
		return r;
	}
	/* both in network id order: merge */
	for (i = 0; !r && i < nv.n; i++) {
		const struct isdb_network *n = &nv.v[i];
		int bit = isdb_net_type_bit(n->link_type);
		bool match = !net_type_inc ||
			     (bit >= 0 && (net_type_inc >> bit) & 1);

		while (j < pv.n && pv.v[j].network < n->id)
			j++;
		for (; !r && j < pv.n && pv.v[j].network == n->id; j++) {
			if (!match || (exclude_mac &&
				       !memcmp(pv.v[j].mac, exclude_mac, 6)))
				continue;
			r = cb(n, &pv.v[j], arg);
		}
	}
	free(nv.v);
	free(pv.v);
	return r;
}

/* ---- MIH_Get_Information (docs/isdb-format.md "Query response") ---- */

#define NGHB_RADIUS_DEFAULT	1000	/* metres, without NGHB_RADIUS */

/* The IEs this database reports, in the order they are written */
static const uint32_t net_ies[] = {
	MIH_IE_NETWORK_TYPE, MIH_IE_OPERATOR_ID, MIH_IE_SERVICE_PROVIDER_ID,
	MIH_IE_COUNTRY_CODE, MIH_IE_NETWORK_ID, MIH_IE_NETWORK_AUX_ID,
	MIH_IE_COST, MIH_IE_NETWORK_QOS, MIH_IE_NETWORK_DATA_RATE,
	MIH_IE_NET_IP_CFG_METHODS, MIH_IE_NET_CAPABILITIES,
	MIH_IE_NET_MOB_MGMT_PROT,
};

static const uint32_t poa_ies[] = {
	MIH_IE_POA_LINK_ADDR, MIH_IE_POA_LOCATION, MIH_IE_POA_CHANNEL_RANGE,
	MIH_IE_POA_SUBNET_INFO, MIH_IE_POA_IP_ADDR, MIH_IE_POS_IP_ADDR,
};

struct qsel {
	const struct mih_iq_bin_data *q;
	bool templ;		/* a non-empty RPT_TEMPL restricts the IEs */
	bool any_poa_ie;	/* some PoA IE is reported */
	bool has_ref;		/* QUERIER_LOC gave a reference location */
	struct isdb_location ref;
	uint32_t radius;	/* metres, geo references */
	double ref_lat, ref_lon;
};

static bool want_ie(const struct qsel *s, uint32_t type)
{
	uint32_t i;

	if (!s->templ)
		return true;
	for (i = 0; i < s->q->n_templ && i < MIH_IQ_TEMPL_MAX; i++)
		if (s->q->templ[i] == type)
			return true;
	return false;
}

/* cos(x) for |x| <= pi/2 (no libm): Taylor series, error < 3e-4 */
static double cos_approx(double x)
{
	double x2 = x * x;

	return 1 - x2 / 2 * (1 - x2 / 12 * (1 - x2 / 30 * (1 - x2 / 56 *
		(1 - x2 / 90))));
}

/* RFC 3825 LCI: 34-bit two's complement latitude/longitude, 25 fraction
 * bits, after 6 resolution bits each */
static void lci_latlon(const uint8_t lci[16], double *lat, double *lon)
{
	uint64_t hi = 0;
	int64_t la, lo;
	int i;

	for (i = 0; i < 8; i++)
		hi = hi << 8 | lci[i];
	/* hi: LCI bits 0..63 (from the first): LaRes 0..5, lat 6..39 */
	la = (int64_t)((hi >> 24) & 0x3ffffffffULL);
	if (la & 0x200000000LL)
		la -= 0x400000000LL;
	{
		uint64_t mid = 0;

		for (i = 5; i < 13; i++)
			mid = mid << 8 | lci[i];
		/* mid: LCI bits 40..103 (from the first); lon 46..79 */
		lo = (int64_t)((mid >> 24) & 0x3ffffffffULL);
	}
	if (lo & 0x200000000LL)
		lo -= 0x400000000LL;
	*lat = (double)la / (1 << 25);
	*lon = (double)lo / (1 << 25);
}

/* The values of the civic CAtypes that place an address (A1..A6, road) */
static bool civic_same_place(const struct isdb_location *a,
			     const struct isdb_location *b)
{
	static const uint8_t keys[] = { 1, 2, 3, 4, 5, 6, 34 };
	size_t k;

	if (strcmp(a->country, b->country))
		return false;
	for (k = 0; k < sizeof(keys); k++) {
		const uint8_t *va = NULL, *vb = NULL;
		size_t la = 0, lb = 0, i;

		for (i = 0; i + 2 <= a->len && i + 2 + a->data[i + 1] <= a->len;
		     i += 2 + a->data[i + 1])
			if (a->data[i] == keys[k]) {
				va = a->data + i + 2;
				la = a->data[i + 1];
			}
		for (i = 0; i + 2 <= b->len && i + 2 + b->data[i + 1] <= b->len;
		     i += 2 + b->data[i + 1])
			if (b->data[i] == keys[k]) {
				vb = b->data + i + 2;
				lb = b->data[i + 1];
			}
		if (la != lb || (la && memcmp(va, vb, la)) || (!va) != (!vb))
			return false;
	}
	return true;
}

static bool near_ref(const struct qsel *s, const struct isdb_poa *p)
{
	const struct isdb_location *l = &p->loc;

	if (!s->has_ref)
		return true;
	if (l->kind != s->ref.kind)
		return false;
	switch (l->kind) {
	case ISDB_LOC_CIVIC:
		return civic_same_place(l, &s->ref);
	case ISDB_LOC_CELL:
		return l->cell_id == s->ref.cell_id;
	case ISDB_LOC_GEO: {
		/* equirectangular distance, plenty for radii of kilometres */
		const double m_per_deg = 111195.0, pi = 3.14159265358979;
		double lat, lon, dx, dy, r = s->radius;

		lci_latlon(l->data, &lat, &lon);
		dy = (lat - s->ref_lat) * m_per_deg;
		dx = lon - s->ref_lon;
		if (dx > 180)
			dx -= 360;
		if (dx < -180)
			dx += 360;
		dx *= m_per_deg * cos_approx((lat + s->ref_lat) / 2 * pi / 180);
		return dx * dx + dy * dy <= r * r;
	}
	}
	return false;
}

static void ip_to_mih(const struct isdb_ip *ip, struct mih_ip_addr *m)
{
	memset(m, 0, sizeof(*m));
	if (ip->family == AF_INET) {
		m->family = MIH_AF_IPV4;
		memcpy(m->a, ip->addr, 4);
	} else if (ip->family == AF_INET6) {
		m->family = MIH_AF_IPV6;
		memcpy(m->a, ip->addr, 16);
	}
}

static void put_network_ies(struct mih_ie_wr *iw, const struct qsel *s,
			    const struct isdb_network *n)
{
	const struct mih_iq_bin_data *q = s->q;
	struct mih_ie_val v;
	size_t i, pref = n->ncosts;

	for (i = 0; q->has_curr_pref && i < n->ncosts; i++)
		if (!memcmp(n->costs[i].currency, q->curr_pref, 3))
			pref = i;
	for (size_t k = 0; k < ARRAY_LEN(net_ies); k++) {
		uint32_t t = net_ies[k];

		if (!want_ie(s, t))
			continue;
		memset(&v, 0, sizeof(v));
		v.type = t;
		switch (t) {
		case MIH_IE_NETWORK_TYPE:
			v.u.network_type.has_link_type = true;
			v.u.network_type.link_type = n->link_type;
			v.u.network_type.has_subtype =
				!!(n->has & ISDB_NET_SUBTYPE);
			v.u.network_type.subtype = n->subtype;
			break;
		case MIH_IE_OPERATOR_ID:
			if (!(n->has & ISDB_NET_OPERATOR))
				continue;
			v.u.operator_id.name.p =
				(const uint8_t *)n->operator_name;
			v.u.operator_id.name.len =
				(uint32_t)strlen(n->operator_name);
			v.u.operator_id.ns = n->operator_ns;
			break;
		case MIH_IE_SERVICE_PROVIDER_ID:
		case MIH_IE_NETWORK_ID:
		case MIH_IE_NETWORK_AUX_ID: {
			const char *str = t == MIH_IE_SERVICE_PROVIDER_ID ?
					  n->service_provider :
					  t == MIH_IE_NETWORK_ID ?
					  n->network_id : n->aux_id;

			if (!str[0])
				continue;
			v.u.str.p = (const uint8_t *)str;
			v.u.str.len = (uint32_t)strlen(str);
			break;
		}
		case MIH_IE_COUNTRY_CODE:
			if (!n->country[0])
				continue;
			memcpy(v.u.country, n->country, 2);
			break;
		case MIH_IE_COST:
			for (i = 0; i < n->ncosts; i++) {
				const struct isdb_cost *c = &n->costs[i];

				if (pref < n->ncosts && i != pref)
					continue;
				v.u.cost.unit = c->unit;
				v.u.cost.integer = c->value_int;
				v.u.cost.fraction = c->value_frac;
				memcpy(v.u.cost.curr, c->currency, 3);
				mih_ie_put(iw, &v);
			}
			continue;
		case MIH_IE_NETWORK_QOS:
			if (!(n->has & ISDB_NET_QOS))
				continue;
			v.u.qos.n = (uint32_t)n->nqos;
			v.u.qos.num_cos = n->qos_num_cos;
			for (i = 0; i < n->nqos && i < MIH_QOS_LIST_MAX; i++) {
				v.u.qos.p[i].type = n->qos[i].type;
				v.u.qos.p[i].cos = n->qos[i].cos;
				v.u.qos.p[i].value = n->qos[i].value;
			}
			break;
		case MIH_IE_NETWORK_DATA_RATE:
			if (!(n->has & ISDB_NET_DATA_RATE))
				continue;
			v.u.u32 = n->data_rate;
			break;
		case MIH_IE_NET_IP_CFG_METHODS:
			if (!(n->has & ISDB_NET_IP_CFG))
				continue;
			v.u.ip_config.methods = n->ip_cfg;
			v.u.ip_config.has_dhcp = !!n->dhcp_server.family;
			ip_to_mih(&n->dhcp_server, &v.u.ip_config.dhcp);
			v.u.ip_config.has_fa = !!n->foreign_agent.family;
			ip_to_mih(&n->foreign_agent, &v.u.ip_config.fa);
			v.u.ip_config.has_ar = !!n->access_router.family;
			ip_to_mih(&n->access_router, &v.u.ip_config.ar);
			break;
		case MIH_IE_NET_CAPABILITIES:
			if (!(n->has & ISDB_NET_CAPS))
				continue;
			v.u.u32 = n->caps;
			break;
		case MIH_IE_NET_MOB_MGMT_PROT:
			if (!(n->has & ISDB_NET_MOB_MGMT))
				continue;
			v.u.u16 = n->mob_mgmt;
			break;
		}
		mih_ie_put(iw, &v);
	}
}

static void put_poa_ies(struct mih_ie_wr *iw, const struct qsel *s,
			const struct isdb_poa *p)
{
	struct mih_ie_val v;
	size_t k;

	for (k = 0; k < ARRAY_LEN(poa_ies); k++) {
		uint32_t t = poa_ies[k];

		if (!want_ie(s, t))
			continue;
		memset(&v, 0, sizeof(v));
		v.type = t;
		switch (t) {
		case MIH_IE_POA_LINK_ADDR:
			v.u.link_addr.kind = MIH_LA_MAC;
			memcpy(v.u.link_addr.u.mac, p->mac, 6);
			break;
		case MIH_IE_POA_LOCATION:
			switch (p->loc.kind) {
			case ISDB_LOC_CIVIC:
				v.u.location.kind = MIH_LOC_CIVIC_BIN;
				memcpy(v.u.location.country, p->loc.country,
				       2);
				v.u.location.str.p = p->loc.data;
				v.u.location.str.len = (uint32_t)p->loc.len;
				break;
			case ISDB_LOC_GEO:
				v.u.location.kind = MIH_LOC_GEO_BIN;
				memcpy(v.u.location.geo, p->loc.data, 16);
				break;
			case ISDB_LOC_CELL:
				v.u.location.kind = MIH_LOC_CELL_ID;
				v.u.location.cell_id = p->loc.cell_id;
				break;
			default:
				continue;
			}
			break;
		case MIH_IE_POA_CHANNEL_RANGE:
			if (!(p->has & ISDB_POA_CHANNEL))
				continue;
			v.u.channel.low = p->chan_low;
			v.u.channel.high = p->chan_high;
			break;
		case MIH_IE_POA_SUBNET_INFO:
			if (!(p->has & ISDB_POA_SUBNET))
				continue;
			ip_to_mih(&p->subnet, &v.u.subnet.prefix);
			v.u.subnet.prefix_len = p->subnet_len;
			break;
		case MIH_IE_POA_IP_ADDR:
			if (!p->ip.family)
				continue;
			ip_to_mih(&p->ip, &v.u.ip_addr);
			break;
		case MIH_IE_POS_IP_ADDR:
			if (!p->pos_addr.family)
				continue;
			ip_to_mih(&p->pos_addr, &v.u.ip_addr);
			break;
		}
		mih_ie_put(iw, &v);
	}
}

/* One IE_CONTAINER_NETWORK with its PoA containers */
static void put_network(struct mih_ie_wr *iw, const struct qsel *s,
			const struct isdb_network *n,
			const struct isdb_poa *poas, size_t npoas)
{
	size_t i;

	mih_ie_begin(iw, MIH_IE_CONTAINER_NETWORK);
	put_network_ies(iw, s, n);
	for (i = 0; s->any_poa_ie && i < npoas; i++) {
		if (!near_ref(s, &poas[i]))
			continue;
		mih_ie_begin(iw, MIH_IE_CONTAINER_POA);
		put_poa_ies(iw, s, &poas[i]);
		mih_ie_end(iw);
	}
	mih_ie_end(iw);
}

static bool net_matches(const struct qsel *s, const struct isdb_network *n,
			const struct isdb_poa *poas, size_t npoas)
{
	const struct mih_iq_bin_data *q = s->q;
	uint32_t i;
	size_t j;
	int bit;

	if (q->has_net_type_inc) {
		bit = isdb_net_type_bit(n->link_type);
		if (bit < 0 || !((q->net_type_inc >> bit) & 1))
			return false;
	}
	if (q->has_netwk_inc) {
		size_t len = strlen(n->network_id);

		for (i = 0; i < q->n_netwk && i < MIH_IQ_NETS_MAX; i++)
			if (q->netwk[i].len == len &&
			    (!len || !memcmp(q->netwk[i].p, n->network_id,
					     len)))
				break;
		if (!len || i == q->n_netwk || i == MIH_IQ_NETS_MAX)
			return false;
	}
	if (s->has_ref) {
		for (j = 0; j < npoas; j++)
			if (near_ref(s, &poas[j]))
				break;
		if (j == npoas)
			return false;
	}
	return true;
}

/* QUERIER_LOC -> reference location (documented limits) */
static void querier_ref(struct qsel *s, const struct poa_vec *pv)
{
	const struct mih_querier_loc *ql = &s->q->querier_loc;
	size_t i;

	if (!s->q->has_querier_loc)
		return;
	s->radius = ql->has_radius ? ql->radius : NGHB_RADIUS_DEFAULT;
	if (ql->has_link_addr && ql->link_addr.kind == MIH_LA_MAC) {
		for (i = 0; i < pv->n; i++)
			if (!memcmp(pv->v[i].mac, ql->link_addr.u.mac, 6) &&
			    pv->v[i].loc.kind != ISDB_LOC_NONE) {
				s->ref = pv->v[i].loc;
				s->has_ref = true;
				break;
			}
	}
	if (!s->has_ref && ql->has_location) {
		const struct mih_location *l = &ql->location;

		memset(&s->ref, 0, sizeof(s->ref));
		if (l->kind == MIH_LOC_CIVIC_BIN &&
		    l->str.len <= ISDB_LOC_MAX) {
			s->ref.kind = ISDB_LOC_CIVIC;
			memcpy(s->ref.country, l->country, 2);
			if (l->str.len)
				memcpy(s->ref.data, l->str.p, l->str.len);
			s->ref.len = l->str.len;
			s->has_ref = true;
		} else if (l->kind == MIH_LOC_GEO_BIN) {
			s->ref.kind = ISDB_LOC_GEO;
			memcpy(s->ref.data, l->geo, 16);
			s->ref.len = 16;
			s->has_ref = true;
		} else if (l->kind == MIH_LOC_CELL_ID) {
			s->ref.kind = ISDB_LOC_CELL;
			s->ref.cell_id = l->cell_id;
			s->has_ref = true;
		}
	}
	if (s->has_ref && s->ref.kind == ISDB_LOC_GEO)
		lci_latlon(s->ref.data, &s->ref_lat, &s->ref_lon);
}

int isdb_query(struct isdb *db, const struct mih_iq_bin_data *q,
	       size_t max_rsp, uint8_t *out, size_t out_size,
	       struct isdb_query_result *res)
{
	struct qsel s = { .q = q };
	struct net_vec nv;
	struct poa_vec pv;
	struct mih_ie_wr iw;
	size_t *first = NULL, *cnt = NULL, *size = NULL, limit, sum = 0;
	size_t i, j = 0, k, nsel = 0, skipped = 0, from, upto;
	uint32_t t;
	int r;

	memset(res, 0, sizeof(*res));
	limit = max_rsp && max_rsp < out_size ? max_rsp : out_size;
	s.templ = q->has_rpt_templ && q->n_templ;
	for (t = 0; t < ARRAY_LEN(poa_ies); t++)
		if (want_ie(&s, poa_ies[t]))
			s.any_poa_ie = true;

	r = load_networks(db, S_NET_ALL, NULL, &nv);
	if (r)
		return r;
	r = load_poas(db, S_POA_ALL, NULL, &pv);
	if (r) {
		free(nv.v);
		return r;
	}
	querier_ref(&s, &pv);
	first = calloc(nv.n + 1, sizeof(*first));
	cnt = calloc(nv.n + 1, sizeof(*cnt));
	size = calloc(nv.n + 1, sizeof(*size));
	if (!first || !cnt || !size) {
		r = -ENOMEM;
		goto out;
	}
	/* PoAs per network (both in network id order) */
	for (i = 0; i < nv.n; i++) {
		while (j < pv.n && pv.v[j].network < nv.v[i].id)
			j++;
		first[i] = j;
		while (j < pv.n && pv.v[j].network == nv.v[i].id)
			j++;
		cnt[i] = j - first[i];
	}
	/* filters; RPT_LIMIT: entries [start, start + max) of the matches */
	from = q->has_rpt_limit ? q->start_entry : 0;
	upto = q->has_rpt_limit && q->max_ies ? from + q->max_ies : SIZE_MAX;
	for (i = 0; i < nv.n; i++) {
		bool m = net_matches(&s, &nv.v[i], pv.v + first[i], cnt[i]);

		if (!m) {
			size[i] = SIZE_MAX;
			continue;
		}
		if (res->matched < from || res->matched >= upto) {
			if (res->matched >= upto)
				res->flags |= ISDB_QF_LIMITED;
			size[i] = SIZE_MAX;
			res->matched++;
			continue;
		}
		res->matched++;
		/* measure the container */
		mih_ie_wr_init(&iw, NULL, 0);
		put_network(&iw, &s, &nv.v[i], pv.v + first[i], cnt[i]);
		if (mih_ie_wr_finish(&iw, &size[i])) {
			isdb_set_err(db, "network '%s': cannot encode",
				     nv.v[i].name);
			r = -EINVAL;
			goto out;
		}
		/* LIST count (1) + IE type (4) + length + the containers */
		if (skipped || 1 + 4 + mih_len_size((uint32_t)(sum + size[i])) +
			       sum + size[i] > limit || sum + size[i] > UINT32_MAX) {
			res->flags |= ISDB_QF_TRUNCATED;
			size[i] = SIZE_MAX;
			skipped++;
			continue;
		}
		sum += size[i];
		nsel++;
	}
	if (1 + 4 + mih_len_size((uint32_t)sum) + sum > limit) {
		isdb_set_err(db, "query response: %zu octets do not hold an empty list",
			     limit);
		r = -ENOSPC;
		goto out;
	}
	mih_ie_wr_init(&iw, out, limit);
	mih_ie_list_begin(&iw);
	mih_ie_begin(&iw, MIH_IE_CONTAINER_LIST_OF_NETWORKS);
	for (i = 0; i < nv.n; i++) {
		if (size[i] == SIZE_MAX)
			continue;
		put_network(&iw, &s, &nv.v[i], pv.v + first[i], cnt[i]);
		res->networks++;
		if (s.any_poa_ie)
			for (k = 0; k < cnt[i]; k++)
				if (near_ref(&s, &pv.v[first[i] + k]))
					res->poas++;
	}
	mih_ie_end(&iw);
	mih_ie_list_end(&iw);
	if (mih_ie_wr_finish(&iw, &res->len)) {
		isdb_set_err(db, "query response: encoding failed");
		r = -EIO;
	}
out:
	free(first);
	free(cnt);
	free(size);
	free(nv.v);
	free(pv.v);
	return r;
}

/* ---- text format (docs/isdb-format.md) ---- */

#define IMP_LINE_MAX	1024

struct bitname {
	unsigned int bit;
	const char *name;
};

static const struct bitname ip_cfg_names[] = {
	{ 0, "ipv4-static" }, { 1, "dhcpv4" }, { 2, "mipv4-fa" },
	{ 3, "mipv4-no-fa" }, { 11, "ipv6-stateless" }, { 12, "dhcpv6" },
	{ 13, "ipv6-manual" }, { 0, NULL },
};

static const struct bitname caps_names[] = {
	{ 0, "security" }, { 1, "qos-class0" }, { 2, "qos-class1" },
	{ 3, "qos-class2" }, { 4, "qos-class3" }, { 5, "qos-class4" },
	{ 6, "qos-class5" }, { 7, "internet" }, { 8, "emergency" },
	{ 9, "mih" }, { 0, NULL },
};

static const struct bitname mob_names[] = {
	{ 0, "mipv4" }, { 1, "mipv4-regional" }, { 2, "mipv6" },
	{ 3, "hmipv6" }, { 4, "low-latency" }, { 5, "fmipv6" },
	{ 6, "ikev2" }, { 0, NULL },
};

static const char *const opns_names[] = {
	"gsm-umts", "cdma", "realm", "itu-t", "general",
};

static const char *const cost_unit_names[] = {
	"second", "minute", "hour", "day", "week", "month", "year", "free",
	"flat-rate",
};

/* "none" or names / bitN separated by spaces or commas */
static int parse_bits(const char *s, const struct bitname *names,
		      unsigned int nbits, uint64_t *out, char *bad,
		      size_t badlen)
{
	char buf[IMP_LINE_MAX], *tok, *save = NULL;
	const struct bitname *b;
	uint64_t v = 0, bit;

	if (strlen(s) >= sizeof(buf))
		return -E2BIG;
	strcpy(buf, s);
	if (!strcmp(buf, "none")) {
		*out = 0;
		return 0;
	}
	tok = strtok_r(buf, " ,", &save);
	if (!tok)
		return -EINVAL;
	for (; tok; tok = strtok_r(NULL, " ,", &save)) {
		for (b = names; b->name; b++)
			if (!strcmp(tok, b->name))
				break;
		if (b->name) {
			bit = b->bit;
		} else if (strncmp(tok, "bit", 3) ||
			   parse_uint(tok + 3, nbits - 1, &bit)) {
			snprintf(bad, badlen, "%s", tok);
			return -EINVAL;
		}
		if (v & (1ULL << bit)) {
			snprintf(bad, badlen, "%s (twice)", tok);
			return -EINVAL;
		}
		v |= 1ULL << bit;
	}
	*out = v;
	return 0;
}

static void put_bits(FILE *f, const char *key, uint64_t v,
		     const struct bitname *names, unsigned int nbits)
{
	const struct bitname *b;
	unsigned int bit;

	fprintf(f, "%s =", key);
	if (!v)
		fputs(" none", f);
	for (bit = 0; bit < nbits; bit++) {
		if (!(v >> bit & 1))
			continue;
		for (b = names; b->name; b++)
			if (b->bit == bit)
				break;
		if (b->name)
			fprintf(f, " %s", b->name);
		else
			fprintf(f, " bit%u", bit);
	}
	fputc('\n', f);
}

static int name_index(const char *s, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

/* A string value: raw, or "quoted" with \" and \\ escapes */
static int parse_string(const char *v, char *out, size_t max)
{
	size_t n = strlen(v), o = 0, i;

	if (n >= 2 && v[0] == '"') {
		if (v[n - 1] != '"')
			return -EINVAL;
		for (i = 1; i < n - 1; i++) {
			char c = v[i];

			if (c == '\\') {
				if (i + 1 >= n - 1 ||
				    (v[i + 1] != '"' && v[i + 1] != '\\'))
					return -EINVAL;
				c = v[++i];
			} else if (c == '"') {
				return -EINVAL;
			}
			if (o >= max)
				return -E2BIG;
			out[o++] = c;
		}
	} else {
		if (v[0] == '"')
			return -EINVAL;
		if (n > max)
			return -E2BIG;
		memcpy(out, v, n);
		o = n;
	}
	out[o] = '\0';
	if (!o)
		return -ENODATA;
	if (!valid_text(out, max))
		return -EINVAL;
	return 0;
}

static void put_string(FILE *f, const char *key, const char *s)
{
	size_t n = strlen(s);

	if (!n)
		return;
	if (s[0] == '"' || isspace((unsigned char)s[0]) ||
	    isspace((unsigned char)s[n - 1])) {
		fprintf(f, "%s = \"", key);
		for (; *s; s++) {
			if (*s == '"' || *s == '\\')
				fputc('\\', f);
			fputc(*s, f);
		}
		fputs("\"\n", f);
	} else {
		fprintf(f, "%s = %s\n", key, s);
	}
}

enum net_key {
	NK_TYPE, NK_SUBTYPE, NK_OPERATOR, NK_OPNS, NK_SP, NK_COUNTRY,
	NK_NETID, NK_AUXID, NK_COST, NK_RATE, NK_IPCFG, NK_DHCP, NK_FA, NK_AR,
	NK_CAPS, NK_MOB, NK_QOS, NK_N
};

static const char *const net_keys[NK_N] = {
	"type", "subtype", "operator", "operator-namespace",
	"service-provider", "country", "network-id", "aux-id", "cost",
	"data-rate", "ip-config", "dhcp-server", "foreign-agent",
	"access-router", "capabilities", "mobility", "qos",
};

enum poa_key {
	PK_NETWORK, PK_LINK_ADDR, PK_LOCATION, PK_CHANNEL, PK_SUBNET, PK_IP,
	PK_POS_ID, PK_POS_ADDR, PK_POS_PORT, PK_N
};

static const char *const poa_keys[PK_N] = {
	"network", "link-addr", "location", "channel-range", "subnet", "ip",
	"pos-mihf-id", "pos-address", "pos-port",
};

struct imp_net {
	struct isdb_network n;
	int line;
	int key_line[NK_N];
};

struct imp_poa {
	struct isdb_poa p;
	char network[ISDB_NAME_MAX + 1];
	int line;
	int key_line[PK_N];
};

enum { SEC_NONE, SEC_NETWORK, SEC_POA, SEC_BAD };

struct imp {
	struct isdb *db;
	FILE *f;
	const char *name;
	char *buf;
	size_t cap;
	int line;
	int sec;
	struct imp_net *nets;
	size_t nnets, capnets;
	struct imp_poa *poas;
	size_t npoas, cappoas;
	int err_line;		/* first error: line (0: none yet) */
	char err[ISDB_ERR_MAX];
	bool failed;
};

static void imp_err(struct imp *im, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void imp_err(struct imp *im, int line, const char *fmt, ...)
{
	va_list ap;

	if (im->failed)
		return;
	im->failed = true;
	im->err_line = line;
	va_start(ap, fmt);
	vsnprintf(im->err, sizeof(im->err), fmt, ap);
	va_end(ap);
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Checks when a section ends */
static void end_section(struct imp *im)
{
	int k;

	if (im->sec == SEC_NETWORK) {
		struct imp_net *in = &im->nets[im->nnets - 1];

		if (!in->key_line[NK_TYPE])
			imp_err(im, in->line, "network '%s': 'type' missing",
				in->n.name);
		else if (in->key_line[NK_OPNS] && !in->key_line[NK_OPERATOR])
			imp_err(im, in->key_line[NK_OPNS],
				"operator-namespace without operator");
		for (k = NK_DHCP; k <= NK_AR && !im->failed; k++)
			if (in->key_line[k] && !in->key_line[NK_IPCFG])
				imp_err(im, in->key_line[k],
					"%s without ip-config (the methods it serves)",
					net_keys[k]);
	} else if (im->sec == SEC_POA) {
		struct imp_poa *ip = &im->poas[im->npoas - 1];

		if (!ip->key_line[PK_NETWORK])
			imp_err(im, ip->line, "PoA '%s': 'network' missing",
				ip->p.name);
		else if (!ip->key_line[PK_LINK_ADDR])
			imp_err(im, ip->line, "PoA '%s': 'link-addr' missing",
				ip->p.name);
	}
	im->sec = SEC_NONE;
}

/* "[network NAME]" / "[poa NAME]" */
static void section(struct imp *im, char *s)
{
	size_t n = strlen(s);
	char *kind, *name;
	size_t i;

	end_section(im);
	im->sec = SEC_BAD;
	if (n < 2 || s[n - 1] != ']') {
		imp_err(im, im->line, "section header without ']'");
		return;
	}
	s[n - 1] = '\0';
	kind = trim(s + 1);
	name = kind + strcspn(kind, " \t");
	if (*name)
		*name++ = '\0';
	name = trim(name);
	if (strcmp(kind, "network") && strcmp(kind, "poa")) {
		imp_err(im, im->line,
			"unknown section '%s' (network or poa expected)",
			kind);
		return;
	}
	if (!valid_name(name)) {
		imp_err(im, im->line,
			"bad %s name '%s' (1-%d of A-Z a-z 0-9 . _ -, starting with a letter or digit)",
			kind, name, ISDB_NAME_MAX);
		return;
	}
	if (!strcmp(kind, "network")) {
		struct imp_net *v;

		for (i = 0; i < im->nnets; i++)
			if (!strcmp(im->nets[i].n.name, name)) {
				imp_err(im, im->line,
					"network '%s' defined twice (first at line %d)",
					name, im->nets[i].line);
				return;
			}
		v = grow(im->nets, &im->capnets, im->nnets, sizeof(*v));
		if (!v) {
			imp_err(im, im->line, "out of memory");
			return;
		}
		im->nets = v;
		memset(&v[im->nnets], 0, sizeof(*v));
		strcpy(v[im->nnets].n.name, name);
		v[im->nnets].line = im->line;
		im->nnets++;
		im->sec = SEC_NETWORK;
	} else {
		struct imp_poa *v;

		for (i = 0; i < im->npoas; i++)
			if (!strcmp(im->poas[i].p.name, name)) {
				imp_err(im, im->line,
					"PoA '%s' defined twice (first at line %d)",
					name, im->poas[i].line);
				return;
			}
		v = grow(im->poas, &im->cappoas, im->npoas, sizeof(*v));
		if (!v) {
			imp_err(im, im->line, "out of memory");
			return;
		}
		im->poas = v;
		memset(&v[im->npoas], 0, sizeof(*v));
		strcpy(v[im->npoas].p.name, name);
		v[im->npoas].p.pos_port = ISDB_POS_PORT_DEFAULT;
		v[im->npoas].line = im->line;
		im->npoas++;
		im->sec = SEC_POA;
	}
}

static char *reader(char *str, int num, void *stream)
{
	struct imp *im = stream;
	ssize_t n;
	char *s;

	n = getline(&im->buf, &im->cap, im->f);
	if (n < 0)
		return NULL;
	im->line++;
	if (n > 0 && im->buf[n - 1] == '\n')
		im->buf[--n] = '\0';
	if (n > 0 && im->buf[n - 1] == '\r')
		im->buf[--n] = '\0';
	str[0] = '\0';
	if (strlen(im->buf) != (size_t)n) {
		imp_err(im, im->line, "NUL character in line");
		return str;
	}
	if (n > IMP_LINE_MAX || n + 3 > num) {
		imp_err(im, im->line, "line too long (more than %d characters)",
			IMP_LINE_MAX);
		return str;
	}
	s = im->buf;
	if (im->line == 1 && !strncmp(s, "\xef\xbb\xbf", 3))
		s += 3;
	s = trim(s);
	if (*s == '[') {
		section(im, s);
		return str;	/* libinih sees an empty line */
	}
	memcpy(str, im->buf, (size_t)n + 1);
	return str;
}

static int key_index(const char *key, const char *const *keys, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(key, keys[i]))
			return i;
	return -1;
}

/* the bitmask keys: names (or bitN, or none) into a field and its flag */
static const struct net_bitkey {
	int key;
	const struct bitname *names;
	unsigned int nbits;
	const char *what;		/* "bad WHAT 'x'" */
	uint32_t flag;
} net_bitkeys[] = {
	{ NK_IPCFG, ip_cfg_names, 32, "method", ISDB_NET_IP_CFG },
	{ NK_CAPS, caps_names, 32, "capability", ISDB_NET_CAPS },
	{ NK_MOB, mob_names, 16, "protocol", ISDB_NET_MOB_MGMT },
};

static void net_bits(struct imp *im, struct isdb_network *n, int k,
		     const char *v)
{
	const struct net_bitkey *bk = NULL;
	const struct bitname *b;
	char bad[64] = "", names[256] = "";
	size_t i, len = 0;
	uint64_t u;

	for (i = 0; i < sizeof(net_bitkeys) / sizeof(net_bitkeys[0]); i++)
		if (net_bitkeys[i].key == k)
			bk = &net_bitkeys[i];
	if (!bk)
		return;
	if (parse_bits(v, bk->names, bk->nbits, &u, bad, sizeof(bad))) {
		for (b = bk->names; b->name && len < sizeof(names); b++)
			len += (size_t)snprintf(names + len, sizeof(names) - len,
						"%s, ", b->name);
		imp_err(im, im->line, "%s: bad %s '%s' (%sbitN or none)",
			net_keys[k], bk->what, bad[0] ? bad : v, names);
		return;
	}
	switch (k) {
	case NK_IPCFG:
		n->ip_cfg = (uint32_t)u;
		break;
	case NK_CAPS:
		n->caps = (uint32_t)u;
		break;
	default:
		n->mob_mgmt = (uint16_t)u;
		break;
	}
	n->has |= bk->flag;
}

static void net_value(struct imp *im, struct imp_net *in, int k,
		      const char *v)
{
	struct isdb_network *n = &in->n;
	uint64_t u;
	int r, i;

	switch (k) {
	case NK_TYPE:
		for (i = 0; i < (int)N_LINK_TYPES; i++)
			if (!strcmp(v, link_types[i].name))
				break;
		if (i < (int)N_LINK_TYPES) {
			n->link_type = link_types[i].type;
		} else if (!parse_uint(v, 255, &u) && link_type_name((uint8_t)u)) {
			n->link_type = (uint8_t)u;
		} else {
			imp_err(im, im->line, "type: unknown link type '%s'",
				v);
		}
		return;
	case NK_SUBTYPE:
		if (strncmp(v, "0x", 2) || !v[2] || strlen(v + 2) > 16 ||
		    strspn(v + 2, "0123456789abcdefABCDEF") != strlen(v + 2)) {
			imp_err(im, im->line,
				"subtype: '%s' is not 0x and 1-16 hex digits",
				v);
			return;
		}
		n->subtype = strtoull(v + 2, NULL, 16);
		n->has |= ISDB_NET_SUBTYPE;
		return;
	case NK_OPERATOR:
		r = parse_string(v, n->operator_name, ISDB_STR_MAX);
		if (r)
			goto bad_string;
		n->has |= ISDB_NET_OPERATOR;
		if (!in->key_line[NK_OPNS])
			n->operator_ns = ISDB_OPNS_GENERAL;
		return;
	case NK_OPNS:
		r = name_index(v, opns_names, 5);
		if (r < 0) {
			imp_err(im, im->line,
				"operator-namespace: '%s' is not one of gsm-umts, cdma, realm, itu-t, general",
				v);
			return;
		}
		n->operator_ns = (uint8_t)r;
		return;
	case NK_SP:
		r = parse_string(v, n->service_provider, ISDB_STR_MAX);
		if (r)
			goto bad_string;
		return;
	case NK_COUNTRY:
		if (!valid_country(v))
			imp_err(im, im->line,
				"country: '%s' is not two upper-case letters (ISO 3166-1)",
				v);
		else
			strcpy(n->country, v);
		return;
	case NK_NETID:
		r = parse_string(v, n->network_id, ISDB_NETID_MAX);
		if (r)
			goto bad_string;
		return;
	case NK_AUXID:
		r = parse_string(v, n->aux_id, ISDB_STR_MAX);
		if (r)
			goto bad_string;
		return;
	case NK_COST: {
		char unit[16], val[32], cur[8], extra[2];
		struct isdb_cost *c;
		char *dot;
		uint64_t ip, fp = 0;

		if (n->ncosts == ISDB_COSTS_MAX) {
			imp_err(im, im->line, "cost: more than %d costs",
				ISDB_COSTS_MAX);
			return;
		}
		if (sscanf(v, "%15s %31s %7s %1s", unit, val, cur, extra) != 3)
			goto bad_cost;
		c = &n->costs[n->ncosts];
		r = name_index(unit, cost_unit_names, 9);
		if (r < 0) {
			imp_err(im, im->line,
				"cost: unit '%s' is not one of second, minute, hour, day, week, month, year, free, flat-rate",
				unit);
			return;
		}
		c->unit = (uint8_t)r;
		dot = strchr(val, '.');
		if (dot) {
			size_t fl;

			*dot++ = '\0';
			fl = strlen(dot);
			if (fl < 1 || fl > 3 ||
			    strspn(dot, "0123456789") != fl)
				goto bad_cost;
			fp = strtoul(dot, NULL, 10);
			for (; fl < 3; fl++)
				fp *= 10;
		}
		if (parse_uint(val, UINT32_MAX, &ip))
			goto bad_cost;
		if (!valid_currency(cur)) {
			imp_err(im, im->line,
				"cost: currency '%s' is not three upper-case letters (ISO 4217)",
				cur);
			return;
		}
		for (i = 0; i < (int)n->ncosts; i++)
			if (!strcmp(n->costs[i].currency, cur)) {
				imp_err(im, im->line,
					"cost: a cost in %s is already given",
					cur);
				return;
			}
		c->value_int = (uint32_t)ip;
		c->value_frac = (uint16_t)fp;
		strcpy(c->currency, cur);
		n->ncosts++;
		return;
bad_cost:
		imp_err(im, im->line,
			"cost: '%s' is not 'UNIT VALUE CURRENCY' (e.g. 'hour 1.50 EUR', VALUE at most 4294967295.999)",
			v);
		return;
	}
	case NK_RATE:
		if (parse_uint(v, UINT32_MAX, &u)) {
			imp_err(im, im->line,
				"data-rate: '%s' is not an integer in 0..4294967295 (kb/s)",
				v);
			return;
		}
		n->data_rate = (uint32_t)u;
		n->has |= ISDB_NET_DATA_RATE;
		return;
	case NK_IPCFG:
	case NK_CAPS:
	case NK_MOB:
		net_bits(im, n, k, v);
		return;
	case NK_DHCP:
	case NK_FA:
	case NK_AR: {
		struct isdb_ip *a = k == NK_DHCP ? &n->dhcp_server :
				    k == NK_FA ? &n->foreign_agent :
				    &n->access_router;

		if (parse_ip(v, a))
			imp_err(im, im->line,
				"%s: '%s' is not an IP address", net_keys[k],
				v);
		else if (!ip_unicast(a))
			imp_err(im, im->line,
				"%s: '%s' is an unspecified or multicast address",
				net_keys[k], v);
		return;
	}
	case NK_QOS:
		if (parse_qos(v, n->qos, &n->nqos, &n->qos_num_cos)) {
			imp_err(im, im->line,
				"qos: '%s' is not 'cos N' and up to %d COS:VALUE pairs after min-delay, avg-delay, max-delay, jitter or loss (N, COS 0..255, VALUE 0..65535)",
				v, ISDB_QOS_MAX);
			return;
		}
		n->has |= ISDB_NET_QOS;
		return;
	}
	return;
bad_string:
	imp_err(im, im->line, "%s: %s", net_keys[k],
		r == -E2BIG ? "too long" :
		r == -ENODATA ? "empty" :
		"bad string (control character or bad quoting)");
}

static void poa_value(struct imp *im, struct imp_poa *ip, int k,
		      const char *v)
{
	struct isdb_poa *p = &ip->p;
	uint64_t u;
	int r;

	switch (k) {
	case PK_NETWORK:
		if (!valid_name(v)) {
			imp_err(im, im->line, "network: bad network name '%s'",
				v);
			return;
		}
		strcpy(ip->network, v);
		return;
	case PK_LINK_ADDR:
		if (parse_mac(v, p->mac))
			imp_err(im, im->line,
				"link-addr: '%s' is not a MAC address (xx:xx:xx:xx:xx:xx)",
				v);
		return;
	case PK_LOCATION: {
		char kind[8], a[ISDB_LOC_MAX * 2 + 2], b[ISDB_LOC_MAX * 2 + 2];
		char extra[2];
		int nf;

		if (strlen(v) > sizeof(a) - 2)
			goto bad_loc;
		nf = sscanf(v, "%7s %507s %507s %1s", kind, a, b, extra);
		if (!strcmp(kind, "civic") && (nf == 2 || nf == 3)) {
			if (!valid_country(a))
				goto bad_loc;
			strcpy(p->loc.country, a);
			p->loc.len = 0;
			if (nf == 3) {
				r = mihsec_hex_decode(b, p->loc.data,
						      ISDB_LOC_MAX);
				if (r <= 0)
					goto bad_loc;
				p->loc.len = (size_t)r;
			}
			p->loc.kind = ISDB_LOC_CIVIC;
		} else if (!strcmp(kind, "geo") && nf == 2) {
			if (strlen(a) != 32 ||
			    mihsec_hex_decode(a, p->loc.data, 16) != 16)
				goto bad_loc;
			p->loc.len = 16;
			p->loc.kind = ISDB_LOC_GEO;
		} else if (!strcmp(kind, "cell") && nf == 2) {
			if (parse_uint(a, UINT32_MAX, &u))
				goto bad_loc;
			p->loc.cell_id = (uint32_t)u;
			p->loc.kind = ISDB_LOC_CELL;
		} else {
			goto bad_loc;
		}
		return;
bad_loc:
		imp_err(im, im->line,
			"location: '%s' is not 'civic CC [HEX]', 'geo HEX32' or 'cell ID'",
			v);
		return;
	}
	case PK_CHANNEL: {
		char lo[16], hi[16];
		const char *dash = strchr(v, '-');
		uint64_t l, h;

		if (!dash || (size_t)(dash - v) >= sizeof(lo) ||
		    strlen(dash + 1) >= sizeof(hi))
			goto bad_chan;
		memcpy(lo, v, (size_t)(dash - v));
		lo[dash - v] = '\0';
		strcpy(hi, dash + 1);
		if (parse_uint(lo, UINT32_MAX, &l) ||
		    parse_uint(hi, UINT32_MAX, &h) || l > h)
			goto bad_chan;
		p->chan_low = (uint32_t)l;
		p->chan_high = (uint32_t)h;
		p->has |= ISDB_POA_CHANNEL;
		return;
bad_chan:
		imp_err(im, im->line,
			"channel-range: '%s' is not LOW-HIGH (integers, LOW <= HIGH)",
			v);
		return;
	}
	case PK_SUBNET:
		if (parse_prefix(v, &p->subnet, &p->subnet_len)) {
			imp_err(im, im->line,
				"subnet: '%s' is not ADDRESS/PREFIXLEN", v);
			return;
		}
		p->has |= ISDB_POA_SUBNET;
		return;
	case PK_IP:
		if (parse_ip(v, &p->ip))
			imp_err(im, im->line, "ip: '%s' is not an IP address",
				v);
		return;
	case PK_POS_ID:
		r = parse_string(v, p->pos_mihf_id, ISDB_STR_MAX);
		if (r)
			imp_err(im, im->line, "pos-mihf-id: %s",
				r == -E2BIG ? "longer than 253 octets" :
				"bad string");
		return;
	case PK_POS_ADDR:
		if (parse_ip(v, &p->pos_addr))
			imp_err(im, im->line,
				"pos-address: '%s' is not an IP address", v);
		return;
	case PK_POS_PORT:
		if (parse_uint(v, 65535, &u) || !u) {
			imp_err(im, im->line,
				"pos-port: '%s' is not an integer in 1..65535",
				v);
			return;
		}
		p->pos_port = (uint16_t)u;
		return;
	}
}

static int handler(void *user, const char *section, const char *key,
		   const char *value)
{
	struct imp *im = user;
	int k, *key_line;

	(void)section;
	if (im->failed)
		return 1;
	if (im->sec == SEC_BAD)
		return 1;	/* the header's error is reported */
	if (im->sec == SEC_NONE) {
		imp_err(im, im->line, "'%s' outside a [network] or [poa] section",
			key);
		return 0;
	}
	if (im->sec == SEC_NETWORK) {
		struct imp_net *in = &im->nets[im->nnets - 1];

		k = key_index(key, net_keys, NK_N);
		if (k < 0) {
			imp_err(im, im->line, "unknown network key '%s'", key);
			return 0;
		}
		key_line = &in->key_line[k];
		if (*key_line && k != NK_COST) {
			imp_err(im, im->line, "%s: given twice (first at line %d)",
				key, *key_line);
			return 0;
		}
		*key_line = im->line;
		if (!*value) {
			imp_err(im, im->line, "%s: empty value", key);
			return 0;
		}
		net_value(im, in, k, value);
	} else {
		struct imp_poa *ip = &im->poas[im->npoas - 1];

		k = key_index(key, poa_keys, PK_N);
		if (k < 0) {
			imp_err(im, im->line, "unknown poa key '%s'", key);
			return 0;
		}
		key_line = &ip->key_line[k];
		if (*key_line) {
			imp_err(im, im->line, "%s: given twice (first at line %d)",
				key, *key_line);
			return 0;
		}
		*key_line = im->line;
		if (!*value) {
			imp_err(im, im->line, "%s: empty value", key);
			return 0;
		}
		poa_value(im, ip, k, value);
	}
	return !im->failed;
}

/* After parsing: cross references, then the transaction */
static int imp_commit(struct imp *im, bool replace)
{
	struct isdb *db = im->db;
	size_t i, j;
	int r;

	for (i = 0; i < im->npoas; i++)
		for (j = 0; j < i; j++)
			if (!memcmp(im->poas[i].p.mac, im->poas[j].p.mac, 6)) {
				imp_err(im, im->poas[i].key_line[PK_LINK_ADDR],
					"link-addr: also PoA '%s''s (line %d)",
					im->poas[j].p.name,
					im->poas[j].key_line[PK_LINK_ADDR]);
				return -EINVAL;
			}
	r = db->ops->begin(db);
	if (r) {
		imp_err(im, 0, "%s", db->errmsg);
		return r;
	}
	if (replace) {
		r = do_clear(db);
		if (r) {
			imp_err(im, 0, "%s", db->errmsg);
			goto fail;
		}
	}
	for (i = 0; i < im->nnets; i++) {
		r = insert_network(db, &im->nets[i].n);
		if (r) {
			imp_err(im, im->nets[i].line, "%s", db->errmsg);
			goto fail;
		}
	}
	for (i = 0; i < im->npoas; i++) {
		struct imp_poa *ip = &im->poas[i];

		for (j = 0; j < im->nnets; j++)
			if (!strcmp(im->nets[j].n.name, ip->network))
				break;
		if (j < im->nnets) {
			ip->p.network = im->nets[j].n.id;
		} else {
			struct net_vec nv;

			r = load_networks(db, S_NET_BY_NAME, ip->network, &nv);
			if (!r && nv.n == 1)
				ip->p.network = nv.v[0].id;
			free(nv.v);
			if (r) {
				imp_err(im, ip->line, "%s", db->errmsg);
				goto fail;
			}
			if (!ip->p.network) {
				imp_err(im, ip->key_line[PK_NETWORK],
					"network: no network '%s'%s",
					ip->network, replace ? " in the file" :
					" in the file or the database");
				r = -ENOENT;
				goto fail;
			}
		}
		r = insert_poa(db, &ip->p);
		if (r) {
			imp_err(im, ip->line, "%s", db->errmsg);
			goto fail;
		}
	}
	r = db->ops->commit(db);
	if (r)
		imp_err(im, 0, "%s", db->errmsg);
	return r;
fail:
	db->ops->rollback(db);
	return r;
}

int isdb_import_stream(struct isdb *db, FILE *f, const char *name,
		       bool replace, char *err, size_t errlen,
		       size_t *networks, size_t *poas)
{
	bool s_multi = ini_allow_multiline, s_bom = ini_allow_bom;
	bool s_inline = ini_allow_inline_comments, s_stack = ini_use_stack;
	bool s_realloc = ini_allow_realloc, s_stop = ini_stop_on_first_error;
	bool s_noval = ini_allow_no_value;
	int s_max = ini_max_line, s_init = ini_initial_alloc;
	struct imp im = { .db = db, .f = f, .name = name };
	int r;

	ini_allow_multiline = false;
	ini_allow_bom = false;		/* reader() strips it */
	ini_allow_inline_comments = false;
	ini_use_stack = false;
	ini_allow_realloc = false;
	ini_stop_on_first_error = false;
	ini_allow_no_value = false;
	ini_max_line = IMP_LINE_MAX + 3;
	ini_initial_alloc = IMP_LINE_MAX + 3;
	r = ini_parse_stream(reader, &im, handler, &im);
	ini_allow_multiline = s_multi;
	ini_allow_bom = s_bom;
	ini_allow_inline_comments = s_inline;
	ini_use_stack = s_stack;
	ini_allow_realloc = s_realloc;
	ini_stop_on_first_error = s_stop;
	ini_allow_no_value = s_noval;
	ini_max_line = s_max;
	ini_initial_alloc = s_init;

	if (r > 0 && (!im.failed || r < im.err_line)) {
		im.failed = false;
		imp_err(&im, r, "expected 'key = value', a [section] or a comment");
	}
	if (r == -2)
		imp_err(&im, 0, "out of memory");
	if (!im.failed && ferror(f))
		imp_err(&im, im.line, "read error");
	if (!im.failed)
		end_section(&im);
	r = 0;
	if (!im.failed)
		r = imp_commit(&im, replace);
	free(im.buf);
	if (im.failed) {
		if (im.err_line)
			errf(err, errlen, "%s:%d: %s", name, im.err_line,
			     im.err);
		else
			errf(err, errlen, "%s: %s", name, im.err);
		/* bad input: -EINVAL; the database's own trouble as it is */
		if (r != -EIO && r != -EBUSY && r != -ENOMEM && r != -EACCES &&
		    r != -ECONNREFUSED)
			r = -EINVAL;
	} else {
		if (networks)
			*networks = im.nnets;
		if (poas)
			*poas = im.npoas;
		r = 0;
	}
	free(im.nets);
	free(im.poas);
	return r;
}

int isdb_import_file(struct isdb *db, const char *path, bool replace,
		     char *err, size_t errlen, size_t *networks, size_t *poas)
{
	FILE *f;
	int r;

	if (!strcmp(path, "-"))
		return isdb_import_stream(db, stdin, "<stdin>", replace, err,
					  errlen, networks, poas);
	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		errf(err, errlen, "%s: %s", path, strerror(errno));
		return r;
	}
	r = isdb_import_stream(db, f, path, replace, err, errlen, networks,
			       poas);
	fclose(f);
	return r;
}

static void put_ip(FILE *f, const char *key, const struct isdb_ip *ip)
{
	char buf[INET6_ADDRSTRLEN];

	if (!ip->family)
		return;
	fmt_ip(ip, buf);
	fprintf(f, "%s = %s\n", key, buf);
}

static void export_network(FILE *f, const struct isdb_network *n)
{
	const char *lt = link_type_name(n->link_type);
	char qos[ISDB_QOS_MAX * 16];
	size_t i;

	fprintf(f, "\n[network %s]\n", n->name);
	fprintf(f, "type = %s\n", lt);
	if (n->has & ISDB_NET_SUBTYPE)
		fprintf(f, "subtype = 0x%" PRIx64 "\n", n->subtype);
	if (n->has & ISDB_NET_OPERATOR) {
		put_string(f, "operator", n->operator_name);
		fprintf(f, "operator-namespace = %s\n",
			opns_names[n->operator_ns]);
	}
	put_string(f, "service-provider", n->service_provider);
	if (n->country[0])
		fprintf(f, "country = %s\n", n->country);
	put_string(f, "network-id", n->network_id);
	put_string(f, "aux-id", n->aux_id);
	for (i = 0; i < n->ncosts; i++)
		fprintf(f, "cost = %s %" PRIu32 ".%03u %s\n",
			cost_unit_names[n->costs[i].unit],
			n->costs[i].value_int, n->costs[i].value_frac,
			n->costs[i].currency);
	if (n->has & ISDB_NET_DATA_RATE)
		fprintf(f, "data-rate = %" PRIu32 "\n", n->data_rate);
	if (n->has & ISDB_NET_IP_CFG)
		put_bits(f, "ip-config", n->ip_cfg, ip_cfg_names, 32);
	put_ip(f, "dhcp-server", &n->dhcp_server);
	put_ip(f, "foreign-agent", &n->foreign_agent);
	put_ip(f, "access-router", &n->access_router);
	if (n->has & ISDB_NET_CAPS)
		put_bits(f, "capabilities", n->caps, caps_names, 32);
	if (n->has & ISDB_NET_MOB_MGMT)
		put_bits(f, "mobility", n->mob_mgmt, mob_names, 16);
	if (n->has & ISDB_NET_QOS) {
		fmt_qos(n->qos, n->nqos, n->qos_num_cos, qos, sizeof(qos));
		fprintf(f, "qos = %s\n", qos);
	}
}

static int export_poa(const struct isdb_network *n, const struct isdb_poa *p,
		      void *arg)
{
	char buf[2 * ISDB_LOC_MAX + INET6_ADDRSTRLEN + 8];
	FILE *f = arg;

	fprintf(f, "\n[poa %s]\n", p->name);
	fprintf(f, "network = %s\n", n->name);
	fmt_mac(p->mac, buf);
	fprintf(f, "link-addr = %s\n", buf);
	switch (p->loc.kind) {
	case ISDB_LOC_CIVIC:
		mihsec_hex_encode(p->loc.data, p->loc.len, buf);
		fprintf(f, "location = civic %s%s%s\n", p->loc.country,
			p->loc.len ? " " : "", buf);
		break;
	case ISDB_LOC_GEO:
		mihsec_hex_encode(p->loc.data, 16, buf);
		fprintf(f, "location = geo %s\n", buf);
		break;
	case ISDB_LOC_CELL:
		fprintf(f, "location = cell %" PRIu32 "\n", p->loc.cell_id);
		break;
	}
	if (p->has & ISDB_POA_CHANNEL)
		fprintf(f, "channel-range = %" PRIu32 "-%" PRIu32 "\n",
			p->chan_low, p->chan_high);
	if (p->has & ISDB_POA_SUBNET) {
		fmt_ip(&p->subnet, buf);
		fprintf(f, "subnet = %s/%u\n", buf, p->subnet_len);
	}
	if (p->ip.family) {
		fmt_ip(&p->ip, buf);
		fprintf(f, "ip = %s\n", buf);
	}
	put_string(f, "pos-mihf-id", p->pos_mihf_id);
	if (p->pos_addr.family) {
		fmt_ip(&p->pos_addr, buf);
		fprintf(f, "pos-address = %s\n", buf);
	}
	if (p->pos_port != ISDB_POS_PORT_DEFAULT)
		fprintf(f, "pos-port = %u\n", p->pos_port);
	return 0;
}

static int export_net_cb(const struct isdb_network *n, void *arg)
{
	struct { struct isdb *db; FILE *f; } *x = arg;

	export_network(x->f, n);
	return isdb_network_poas(x->db, n, export_poa, x->f);
}

int isdb_export(struct isdb *db, FILE *f)
{
	struct { struct isdb *db; FILE *f; } x = { db, f };
	int r;

	fputs("# mihsec IS database (format: docs/isdb-format.md)\n", f);
	r = isdb_networks(db, export_net_cb, &x);
	if (!r && (fflush(f) || ferror(f)))
		r = -EIO;
	return r;
}

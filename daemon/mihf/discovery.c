// SPDX-License-Identifier: GPL-2.0
/*
 * MIH peer discovery: DNS (RFC 5679) and DHCP (RFC 5678).  See discovery.h.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/mih.h"
#include "mihf/discovery.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

#define NS_SEC	1000000000ULL

/* ======================================================================
 * DHCP option payloads (RFC 5678)
 * ====================================================================== */

void mihf_mos_init(struct mihf_mos *mos)
{
	memset(mos, 0, sizeof(*mos));
}

struct mihf_mos_service *mihf_mos_sub(struct mihf_mos *mos, unsigned int code)
{
	switch (code) {
	case MIHF_MOS_SUB_IS:
		return &mos->is;
	case MIHF_MOS_SUB_CS:
		return &mos->cs;
	case MIHF_MOS_SUB_ES:
		return &mos->es;
	}
	return NULL;
}

static int add_v4(struct mihf_mos_service *s, const uint8_t *a)
{
	size_t i;

	for (i = 0; i < s->n_v4; i++)
		if (!memcmp(&s->v4[i], a, 4))
			return 0;
	if (s->n_v4 == MIHF_MOS_ADDRS_MAX)
		return -E2BIG;
	memcpy(&s->v4[s->n_v4++], a, 4);
	return 0;
}

static int add_v6(struct mihf_mos_service *s, const uint8_t *a)
{
	size_t i;

	for (i = 0; i < s->n_v6; i++)
		if (!memcmp(&s->v6[i], a, 16))
			return 0;
	if (s->n_v6 == MIHF_MOS_ADDRS_MAX)
		return -E2BIG;
	memcpy(&s->v6[s->n_v6++], a, 16);
	return 0;
}

static int add_name(struct mihf_mos_service *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_names; i++)
		if (!strcasecmp(s->names[i], name))
			return 0;
	if (s->n_names == MIHF_MOS_NAMES_MAX)
		return -E2BIG;
	snprintf(s->names[s->n_names++], MIHF_DNS_NAME_MAX, "%s", name);
	return 0;
}

/*
 * One uncompressed domain name in DNS wire format at [p, end): into @out
 * (presentation form without the final dot).  Returns the octets used or
 * -EBADMSG.  Only the label lengths are walked here: the checked name is
 * then converted by ns_name_ntop.
 */
static int wire_name(const uint8_t *p, const uint8_t *end, char *out,
		     size_t size)
{
	const uint8_t *q = p;
	size_t total = 0, i;

	for (;;) {
		uint8_t l;

		if (q >= end)
			return -EBADMSG;	/* no root label */
		l = *q;
		if (l & 0xc0)
			return -EBADMSG;	/* pointer / extended label */
		total += 1u + l;
		if (total > NS_MAXCDNAME)
			return -EBADMSG;	/* name above 255 octets */
		if (!l)
			break;
		if ((size_t)(end - q) < 1u + l)
			return -EBADMSG;	/* label runs past the end */
		for (i = 1; i <= l; i++) {
			uint8_t c = q[i];

			if (!isalnum(c) && c != '-' && c != '_')
				return -EBADMSG;
		}
		q += 1 + l;
	}
	if (total == 1)
		return -EBADMSG;		/* the root alone: no name */
	if (ns_name_ntop(p, out, size) < 0)
		return -EBADMSG;
	/* ns_name_ntop gives no trailing dot except for the root */
	return (int)(q + 1 - p);
}

typedef int (*sub_fn)(struct mihf_mos_service *s, const uint8_t *v,
		      size_t len);

static int sub_v4(struct mihf_mos_service *s, const uint8_t *v, size_t len)
{
	size_t i;
	int err;

	if (!len || len % 4)
		return -EBADMSG;
	for (i = 0; i < len; i += 4) {
		err = add_v4(s, v + i);
		if (err)
			return err;
	}
	return 0;
}

static int sub_v6(struct mihf_mos_service *s, const uint8_t *v, size_t len)
{
	size_t i;
	int err;

	if (!len || len % 16)
		return -EBADMSG;
	for (i = 0; i < len; i += 16) {
		err = add_v6(s, v + i);
		if (err)
			return err;
	}
	return 0;
}

static int sub_fqdn(struct mihf_mos_service *s, const uint8_t *v, size_t len)
{
	char name[MIHF_DNS_NAME_MAX];
	const uint8_t *end = v + len;
	int n, err;

	if (!len)
		return -EBADMSG;
	while (v < end) {
		n = wire_name(v, end, name, sizeof(name));
		if (n < 0)
			return n;
		err = add_name(s, name);
		if (err)
			return err;
		v += n;
	}
	return 0;
}

/*
 * Walk sub-options of @hl octets of code and @hl of length (1: DHCPv4,
 * 2: DHCPv6).  Works on a copy of @mos: all or nothing.
 */
static int parse_subopts(const uint8_t *p, size_t len, unsigned int hl,
			 sub_fn fn, struct mihf_mos *mos)
{
	struct mihf_mos *tmp;
	size_t pos = 0;
	int err = 0;

	if (!p || !len || !mos)
		return p || !mos ? -EBADMSG : -EINVAL;
	tmp = malloc(sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	*tmp = *mos;
	while (pos < len) {
		unsigned int code, l;
		struct mihf_mos_service *s;

		if (len - pos < 2 * hl) {
			err = -EBADMSG;		/* truncated sub-option header */
			break;
		}
		code = hl == 1 ? p[pos] : (unsigned int)p[pos] << 8 | p[pos + 1];
		l = hl == 1 ? p[pos + 1] :
			(unsigned int)p[pos + 2] << 8 | p[pos + 3];
		pos += 2 * hl;
		s = mihf_mos_sub(tmp, code);
		if (!s || l > len - pos) {
			err = -EBADMSG;		/* unknown code / overrun */
			break;
		}
		err = fn(s, p + pos, l);
		if (err)
			break;
		pos += l;
	}
	if (!err)
		*mos = *tmp;
	free(tmp);
	return err;
}

int mihf_dhcp4_parse_mos_addr(const uint8_t *p, size_t len,
			      struct mihf_mos *mos)
{
	return parse_subopts(p, len, 1, sub_v4, mos);
}

int mihf_dhcp4_parse_mos_fqdn(const uint8_t *p, size_t len,
			      struct mihf_mos *mos)
{
	return parse_subopts(p, len, 1, sub_fqdn, mos);
}

int mihf_dhcp6_parse_mos_addr(const uint8_t *p, size_t len,
			      struct mihf_mos *mos)
{
	return parse_subopts(p, len, 2, sub_v6, mos);
}

int mihf_dhcp6_parse_mos_fqdn(const uint8_t *p, size_t len,
			      struct mihf_mos *mos)
{
	return parse_subopts(p, len, 2, sub_fqdn, mos);
}

/* ---- dhclient lease file / hook environment ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int mihf_dhclient_value_decode(const char *text, uint8_t *out, size_t size)
{
	const char *s = text;
	size_t n = 0;

	if (!text || !out)
		return -EINVAL;
	if (*s == '"') {
		s++;
		while (*s != '"') {
			int c;

			if (!*s)
				return -EBADMSG;	/* unterminated */
			if (*s == '\\') {
				s++;
				if (*s >= '0' && *s <= '7') {
					int k;

					c = 0;
					for (k = 0; k < 3; k++, s++) {
						if (*s < '0' || *s > '7')
							return -EBADMSG;
						c = c * 8 + (*s - '0');
					}
					if (c > 255)
						return -EBADMSG;
				} else if (*s == '\\' || *s == '"') {
					c = *s++;
				} else {
					return -EBADMSG;
				}
			} else {
				c = (unsigned char)*s++;
			}
			if (n == size)
				return -E2BIG;
			out[n++] = (uint8_t)c;
		}
		if (s[1])
			return -EBADMSG;		/* text after the quote */
		return (int)n;
	}
	for (;;) {
		int h = hexval(*s), l;

		if (h < 0)
			return -EBADMSG;
		s++;
		l = hexval(*s);
		if (l >= 0) {
			h = h * 16 + l;
			s++;
		}
		if (n == size)
			return -E2BIG;
		out[n++] = (uint8_t)h;
		if (!*s)
			break;
		if (*s != ':')
			return -EBADMSG;
		s++;
	}
	return (int)n;
}

enum mos_opt { OPT_V4_ADDR, OPT_V4_FQDN, OPT_V6_ADDR, OPT_V6_FQDN };

static int parse_opt_value(enum mos_opt which, const char *value,
			   struct mihf_mos *mos)
{
	uint8_t buf[1024];
	int n = mihf_dhclient_value_decode(value, buf, sizeof(buf));

	if (n < 0)
		return n == -E2BIG ? -EBADMSG : n;
	switch (which) {
	case OPT_V4_ADDR:
		return mihf_dhcp4_parse_mos_addr(buf, (size_t)n, mos);
	case OPT_V4_FQDN:
		return mihf_dhcp4_parse_mos_fqdn(buf, (size_t)n, mos);
	case OPT_V6_ADDR:
		return mihf_dhcp6_parse_mos_addr(buf, (size_t)n, mos);
	case OPT_V6_FQDN:
		return mihf_dhcp6_parse_mos_fqdn(buf, (size_t)n, mos);
	}
	return -EINVAL;
}

static int opt_by_name(const char *name)
{
	static const struct {
		const char *name;
		enum mos_opt opt;
	} names[] = {
		{ "mihsec-mos-ipv4", OPT_V4_ADDR },
		{ "unknown-139", OPT_V4_ADDR },
		{ "mihsec-mos-fqdn", OPT_V4_FQDN },
		{ "unknown-140", OPT_V4_FQDN },
		{ "dhcp6.mihsec-mos-ipv6", OPT_V6_ADDR },
		{ "dhcp6.unknown-54", OPT_V6_ADDR },
		{ "dhcp6.mihsec-mos-fqdn", OPT_V6_FQDN },
		{ "dhcp6.unknown-55", OPT_V6_FQDN },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].name))
			return (int)names[i].opt;
	return -1;
}

/* "2 2026/11/24 23:27:53" (UTC), "epoch N", "never" */
static int parse_expire(const char *v, struct mihf_mos *mos)
{
	struct tm tm = { 0 };
	long long e;
	int w, consumed = 0;

	if (!strcmp(v, "never")) {
		mos->never_expires = true;
		mos->expire = 0;
		return 0;
	}
	if (sscanf(v, "epoch %lld%n", &e, &consumed) == 1 && !v[consumed]) {
		mos->expire = e;
		mos->never_expires = false;
		return 0;
	}
	if (sscanf(v, "%d %d/%d/%d %d:%d:%d%n", &w, &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
		   &consumed) != 7 || v[consumed] || tm.tm_year < 1970 ||
	    tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60 || w < 0 || w > 6)
		return -EBADMSG;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	mos->expire = (int64_t)timegm(&tm);
	mos->never_expires = false;
	return 0;
}

/*
 * Split one lease-file statement: strip leading blanks; returns the
 * keyword in @kw and the rest in @rest (without the final ';').  Returns
 * 1 for "... {", 2 for "}", 0 for "...;", -EBADMSG otherwise, 3 blank.
 */
static int lease_line(char *line, char **kw, char **rest)
{
	char *s = line, *e;
	bool inq = false;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' ||
			 e[-1] == '\t'))
		*--e = 0;
	if (!*s || *s == '#')
		return 3;
	if (!strcmp(s, "}"))
		return 2;
	/* the statement must end outside quotes */
	for (char *c = s; *c; c++) {
		if (*c == '\\' && inq && c[1])
			c++;
		else if (*c == '"')
			inq = !inq;
	}
	if (inq)
		return -EBADMSG;
	*kw = s;
	if (e[-1] == '{' || e[-1] == ';') {
		int r = e[-1] == '{' ? 1 : 0;

		*--e = 0;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = 0;
		s = strpbrk(s, " \t");
		if (s) {
			*s++ = 0;
			while (*s == ' ' || *s == '\t')
				s++;
		}
		*rest = s ? s : e;
		return r;
	}
	return -EBADMSG;
}

int mihf_dhclient_lease_read(const char *path, struct mihf_mos *mos)
{
	struct mihf_mos *cur;
	char line[4096];
	unsigned int lineno = 0, depth = 0;
	bool in_lease = false, have = false, v6 = false;
	long long starts = 0, max_life = -1, ia_starts = 0;
	FILE *f;
	int err = 0;

	if (!path || !mos)
		return -EINVAL;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	cur = malloc(sizeof(*cur));
	if (!cur) {
		fclose(f);
		return -ENOMEM;
	}
	while (fgets(line, sizeof(line), f)) {
		char *kw = NULL, *rest = NULL;
		int t;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			err = -EBADMSG;		/* line too long */
			break;
		}
		t = lease_line(line, &kw, &rest);
		if (t == 3)
			continue;
		if (t < 0) {
			err = t;
			break;
		}
		if (t == 2) {
			if (!depth) {
				err = -EBADMSG;
				break;
			}
			depth--;
			if (!depth && in_lease) {
				in_lease = false;
				if (v6 && max_life >= 0 && starts > 0) {
					/* no signed overflow (found by fuzz_dhcp_dns) */
					cur->expire = max_life > INT64_MAX - starts ?
						      INT64_MAX : starts + max_life;
					cur->never_expires =
						max_life == 0xffffffffLL;
					if (cur->never_expires)
						cur->expire = 0;
				}
				*mos = *cur;
				have = true;
			}
			continue;
		}
		if (t == 1) {
			if (!depth && (!strcmp(kw, "lease") ||
				       !strcmp(kw, "lease6")) && !*rest) {
				in_lease = true;
				v6 = kw[5] == '6';
				starts = 0;
				max_life = -1;
				ia_starts = 0;
				mihf_mos_init(cur);
			}
			depth++;
			if (depth > 8) {
				err = -EBADMSG;
				break;
			}
			continue;
		}
		if (!in_lease)
			continue;
		if (depth == 1 && !strcmp(kw, "option")) {
			char *name = rest, *val = strpbrk(rest, " \t");
			int which;

			if (!val) {
				err = -EBADMSG;
				break;
			}
			*val++ = 0;
			while (*val == ' ' || *val == '\t')
				val++;
			which = opt_by_name(name);
			if (which < 0)
				continue;
			err = parse_opt_value((enum mos_opt)which, val, cur);
			if (err)
				break;
		} else if (depth == 1 && !v6 && !strcmp(kw, "expire")) {
			err = parse_expire(rest, cur);
			if (err)
				break;
		} else if (v6 && depth == 2 && !strcmp(kw, "starts")) {
			if (sscanf(rest, "%lld", &ia_starts) != 1) {
				err = -EBADMSG;
				break;
			}
		} else if (v6 && depth == 3 && !strcmp(kw, "max-life")) {
			long long ml;

			if (sscanf(rest, "%lld", &ml) != 1 || ml < 0) {
				err = -EBADMSG;
				break;
			}
			/* the first address of the lease decides */
			if (max_life < 0) {
				max_life = ml;
				starts = ia_starts;
			}
		}
	}
	if (!err && (in_lease || depth))
		err = -EBADMSG;			/* file ends inside a block */
	if (err)
		md_debug("discovery: %s:%u: malformed lease (%s)", path,
			 lineno, strerror(-err));
	fclose(f);
	free(cur);
	if (err)
		return err;
	return have ? 0 : -ENOENT;
}

static const char *std_getenv(const char *name)
{
	return getenv(name);
}

int mihf_dhclient_env_read(struct mihf_mos *mos,
			   const char *(*getenv_fn)(const char *name))
{
	static const struct {
		const char *var;
		enum mos_opt opt;
	} vars[] = {
		{ "new_mihsec_mos_ipv4", OPT_V4_ADDR },
		{ "new_mihsec_mos_fqdn", OPT_V4_FQDN },
		{ "new_dhcp6_mihsec_mos_ipv6", OPT_V6_ADDR },
		{ "new_dhcp6_mihsec_mos_fqdn", OPT_V6_FQDN },
	};
	struct mihf_mos tmp;
	const char *v;
	size_t i;
	int err;

	if (!mos)
		return -EINVAL;
	if (!getenv_fn)
		getenv_fn = std_getenv;
	mihf_mos_init(&tmp);
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		v = getenv_fn(vars[i].var);
		if (!v || !*v)
			continue;
		err = parse_opt_value(vars[i].opt, v, &tmp);
		if (err)
			return err;
	}
	v = getenv_fn("new_expiry");
	if (v && *v) {
		char *e;
		long long x = strtoll(v, &e, 10);

		if (*e || x <= 0)
			return -EBADMSG;
		tmp.expire = x;
	}
	*mos = tmp;
	return 0;
}

static int mos_service_to_peers(const struct mihf_mos_service *s,
				uint32_t svc, struct mihf_peers *peers,
				uint64_t ttl, uint64_t now)
{
	enum mihf_peer_kind kind = svc == MIHF_SVC_IS ? MIHF_PEER_IS :
						       MIHF_PEER_POA;
	int n = 0, err;
	size_t i;

	for (i = 0; i < s->n_v4; i++) {
		struct sockaddr_in a = {
			.sin_family = AF_INET,
			.sin_port = htons(MIH_PORT),
			.sin_addr = s->v4[i],
		};

		err = mihf_peers_add(peers, NULL, 0, kind, (void *)&a,
				     sizeof(a), MIHF_TRANSPORT_ANY,
				     MIHF_PEER_SRC_DHCP, svc, ttl, now, NULL);
		if (err)
			return err;
		n++;
	}
	for (i = 0; i < s->n_v6; i++) {
		struct sockaddr_in6 a = {
			.sin6_family = AF_INET6,
			.sin6_port = htons(MIH_PORT),
			.sin6_addr = s->v6[i],
		};

		err = mihf_peers_add(peers, NULL, 0, kind, (void *)&a,
				     sizeof(a), MIHF_TRANSPORT_ANY,
				     MIHF_PEER_SRC_DHCP, svc, ttl, now, NULL);
		if (err)
			return err;
		n++;
	}
	return n;
}

int mihf_mos_to_peers(const struct mihf_mos *mos, struct mihf_peers *peers,
		      uint64_t now)
{
	uint64_t ttl = 0;
	int n = 0, r;

	if (!mos || !peers)
		return -EINVAL;
	if (!mos->never_expires && mos->expire) {
		int64_t left = mos->expire - (int64_t)time(NULL);

		if (left <= 0)
			return 0;		/* an expired lease */
		ttl = (uint64_t)left * NS_SEC;
	}
	/* IS last: an address serving IS too is an IS */
	r = mos_service_to_peers(&mos->cs, MIHF_SVC_CS, peers, ttl, now);
	if (r < 0)
		return r;
	n += r;
	r = mos_service_to_peers(&mos->es, MIHF_SVC_ES, peers, ttl, now);
	if (r < 0)
		return r;
	n += r;
	r = mos_service_to_peers(&mos->is, MIHF_SVC_IS, peers, ttl, now);
	if (r < 0)
		return r;
	return n + r;
}

int mihf_mos_domains(const struct mihf_mos *mos,
		     void (*cb)(const char *name, uint32_t services, void *arg),
		     void *arg)
{
	const struct mihf_mos_service *s[3] = { &mos->is, &mos->es, &mos->cs };
	const uint32_t bit[3] = { MIHF_SVC_IS, MIHF_SVC_ES, MIHF_SVC_CS };
	int count = 0;
	size_t i, j, k, l;

	for (i = 0; i < 3; i++) {
		for (j = 0; j < s[i]->n_names; j++) {
			const char *name = s[i]->names[j];
			uint32_t svc = 0;
			bool seen = false;

			/* reported at its first occurrence only */
			for (k = 0; k <= i && !seen; k++)
				for (l = 0; l < s[k]->n_names; l++) {
					if (k == i && l == j)
						break;
					if (!strcasecmp(s[k]->names[l], name))
						seen = true;
				}
			if (seen)
				continue;
			for (k = 0; k < 3; k++)
				for (l = 0; l < s[k]->n_names; l++)
					if (!strcasecmp(s[k]->names[l], name))
						svc |= bit[k];
			if (cb)
				cb(name, svc, arg);
			count++;
		}
	}
	return count;
}

/* ======================================================================
 * DNS (RFC 5679)
 * ====================================================================== */

void mihf_dns_cfg_init(struct mihf_dns_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->udp = true;
	cfg->timeout_ms = MIHF_DNS_TIMEOUT_MS;
	cfg->tries = MIHF_DNS_TRIES;
}

/*
 * The names an answer may hold records of: the question name and the
 * CNAME chain from it (at most 8 links).
 */
struct owners {
	char name[9][MIHF_DNS_NAME_MAX];
	int n;
};

/* Presentation-form names equal, ignoring case and a final dot */
static int name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && !strncasecmp(a, b, la);
}

static int answer_owners(ns_msg *m, struct owners *o)
{
	ns_rr rr;
	int i, changed = 1, count = ns_msg_count(*m, ns_s_an);

	if (ns_msg_count(*m, ns_s_qd) != 1 || ns_parserr(m, ns_s_qd, 0, &rr))
		return -EBADMSG;
	snprintf(o->name[0], MIHF_DNS_NAME_MAX, "%s", ns_rr_name(rr));
	o->n = 1;
	while (changed && o->n < 9) {
		changed = 0;
		for (i = 0; i < count && o->n < 9; i++) {
			char target[MIHF_DNS_NAME_MAX];
			int k, known = 0, hit = 0;

			if (ns_parserr(m, ns_s_an, i, &rr))
				return -EBADMSG;
			if (ns_rr_type(rr) != ns_t_cname ||
			    ns_rr_class(rr) != ns_c_in)
				continue;
			for (k = 0; k < o->n; k++)
				if (name_eq(ns_rr_name(rr), o->name[k]) == 1)
					hit = 1;
			if (!hit)
				continue;
			if (dn_expand(ns_msg_base(*m), ns_msg_end(*m),
				      ns_rr_rdata(rr), target,
				      sizeof(target)) != ns_rr_rdlen(rr))
				continue;
			for (k = 0; k < o->n; k++)
				if (name_eq(target, o->name[k]) == 1)
					known = 1;
			if (!known) {
				snprintf(o->name[o->n++], MIHF_DNS_NAME_MAX,
					 "%s", target);
				changed = 1;
			}
		}
	}
	return 0;
}

static bool owned(const struct owners *o, const ns_rr *rr)
{
	int k;

	for (k = 0; k < o->n; k++)
		if (name_eq(ns_rr_name(*rr), o->name[k]) == 1)
			return true;
	return false;
}

/*
 * Open the message and find the names answering the question (with their
 * CNAMEs): 1 and *@out (freed by the caller), 0 if the server answered
 * with an error (nothing found), or -EBADMSG / -ENOMEM
 */
static int answers_open(const uint8_t *msg, int len, ns_msg *m,
			struct owners **out)
{
	struct owners *o;
	int err;

	if (!msg || len <= 0 || ns_initparse(msg, len, m) < 0)
		return -EBADMSG;
	if (ns_msg_getflag(*m, ns_f_rcode) != ns_r_noerror)
		return 0;
	o = malloc(sizeof(*o));
	if (!o)
		return -ENOMEM;
	err = answer_owners(m, o);
	if (err) {
		free(o);
		return err;
	}
	*out = o;
	return 1;
}

/* A <character-string> of rdata at *p (< end) into @out; false if bad */
static bool char_string(const uint8_t **p, const uint8_t *end, char *out,
			size_t size)
{
	size_t l;

	if (*p >= end)
		return false;
	l = **p;
	if ((size_t)(end - *p) < 1 + l)
		return false;
	if (out) {
		if (l >= size)
			return false;
		memcpy(out, *p + 1, l);
		out[l] = 0;
		if (strlen(out) != l)
			return false;		/* a NUL inside */
	}
	*p += 1 + l;
	return true;
}

int mihf_dns_parse_naptr_service(const char *field, uint32_t *services,
				 bool *udp, bool *tcp)
{
	static const struct {
		const char *tag;
		uint32_t svc;
	} tags[] = {
		{ "IEEE802.21-IS", MIHF_SVC_IS },
		{ "IEEE802.21-ES", MIHF_SVC_ES },
		{ "IEEE802.21-CS", MIHF_SVC_CS },
	};
	const char *p;
	size_t i, tl;
	bool u = false, t = false;
	uint32_t svc = 0;

	if (!field)
		return -EINVAL;
	for (i = 0; i < 3; i++) {
		tl = strlen(tags[i].tag);
		if (!strncasecmp(field, tags[i].tag, tl) &&
		    (field[tl] == '+' || field[tl] == ':')) {
			svc = tags[i].svc;
			break;
		}
	}
	if (!svc)
		return -EINVAL;
	p = field + tl;
	while (*p) {
		if (*p != '+' && *p != ':')
			return -EINVAL;
		p++;
		if (!strncasecmp(p, "D2U", 3) &&
		    (!p[3] || p[3] == '+' || p[3] == ':'))
			u = true;
		else if (!strncasecmp(p, "D2T", 3) &&
			 (!p[3] || p[3] == '+' || p[3] == ':'))
			t = true;
		/* another protocol: not ours, skipped */
		while (*p && *p != '+' && *p != ':')
			p++;
	}
	if (!u && !t)
		return -EINVAL;
	*services = svc;
	*udp = u;
	*tcp = t;
	return 0;
}

static int naptr_cmp(const void *a, const void *b)
{
	const struct mihf_naptr *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return 0;
}

int mihf_dns_parse_naptr(const uint8_t *msg, int len, struct mihf_naptr *out,
			 size_t max)
{
	struct owners *o;
	ns_msg m;
	ns_rr rr;
	size_t n = 0;
	int i, count, err;

	if (!out)
		return -EINVAL;
	err = answers_open(msg, len, &m, &o);
	if (err <= 0)
		return err;
	count = ns_msg_count(m, ns_s_an);
	for (i = 0; i < count && n < max; i++) {
		struct mihf_naptr *r = &out[n];
		const uint8_t *p, *end;
		char service[256];
		int dl;

		if (ns_parserr(&m, ns_s_an, i, &rr))
			break;
		if (ns_rr_type(rr) != ns_t_naptr || ns_rr_class(rr) != ns_c_in ||
		    !owned(o, &rr))
			continue;
		p = ns_rr_rdata(rr);
		end = p + ns_rr_rdlen(rr);
		memset(r, 0, sizeof(*r));
		if (end - p < 4)
			continue;
		r->order = ns_get16(p);
		r->pref = ns_get16(p + 2);
		p += 4;
		if (!char_string(&p, end, r->flags, sizeof(r->flags)) ||
		    !char_string(&p, end, service, sizeof(service)) ||
		    !char_string(&p, end, NULL, 0)) {
			md_debug("discovery: malformed NAPTR rdata");
			continue;
		}
		dl = dn_expand(ns_msg_base(m), ns_msg_end(m), p, r->replacement,
			       sizeof(r->replacement));
		if (dl < 0 || p + dl != end) {
			md_debug("discovery: malformed NAPTR replacement");
			continue;
		}
		if (mihf_dns_parse_naptr_service(service, &r->services,
						 &r->udp, &r->tcp))
			continue;		/* another application */
		r->ttl = ns_rr_ttl(rr);
		n++;
	}
	free(o);
	qsort(out, n, sizeof(*out), naptr_cmp);
	return (int)n;
}

static int srv_cmp(const void *a, const void *b)
{
	const struct mihf_srv *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcasecmp(x->target, y->target);
}

int mihf_dns_parse_srv(const uint8_t *msg, int len, struct mihf_srv *out,
		       size_t max)
{
	struct owners *o;
	ns_msg m;
	ns_rr rr;
	size_t n = 0;
	int i, count, err;

	if (!out)
		return -EINVAL;
	err = answers_open(msg, len, &m, &o);
	if (err <= 0)
		return err;
	count = ns_msg_count(m, ns_s_an);
	for (i = 0; i < count && n < max; i++) {
		struct mihf_srv *r = &out[n];
		const uint8_t *p;
		int dl;

		if (ns_parserr(&m, ns_s_an, i, &rr))
			break;
		if (ns_rr_type(rr) != ns_t_srv || ns_rr_class(rr) != ns_c_in ||
		    !owned(o, &rr))
			continue;
		if (ns_rr_rdlen(rr) < 7) {
			md_debug("discovery: short SRV rdata");
			continue;
		}
		p = ns_rr_rdata(rr);
		r->priority = ns_get16(p);
		r->weight = ns_get16(p + 2);
		r->port = ns_get16(p + 4);
		dl = dn_expand(ns_msg_base(m), ns_msg_end(m), p + 6, r->target,
			       sizeof(r->target));
		if (dl < 0 || 6 + dl != ns_rr_rdlen(rr)) {
			md_debug("discovery: malformed SRV target");
			continue;
		}
		r->ttl = ns_rr_ttl(rr);
		n++;
	}
	free(o);
	qsort(out, n, sizeof(*out), srv_cmp);
	return (int)n;
}

int mihf_dns_parse_addrs(const uint8_t *msg, int len, int family,
			 struct sockaddr_storage *out, uint32_t *ttl,
			 size_t max)
{
	struct owners *o;
	ns_msg m;
	ns_rr rr;
	size_t n = 0;
	int i, count, err;
	int type = family == AF_INET ? ns_t_a : ns_t_aaaa;
	unsigned int alen = family == AF_INET ? 4 : 16;

	if (!out || (family != AF_INET && family != AF_INET6))
		return -EINVAL;
	err = answers_open(msg, len, &m, &o);
	if (err <= 0)
		return err;
	count = ns_msg_count(m, ns_s_an);
	for (i = 0; i < count && n < max; i++) {
		if (ns_parserr(&m, ns_s_an, i, &rr))
			break;
		if ((int)ns_rr_type(rr) != type || ns_rr_class(rr) != ns_c_in ||
		    !owned(o, &rr))
			continue;
		if (ns_rr_rdlen(rr) != alen) {
			md_debug("discovery: bad address rdata length");
			continue;
		}
		memset(&out[n], 0, sizeof(out[n]));
		if (family == AF_INET) {
			struct sockaddr_in *s = (void *)&out[n];

			s->sin_family = AF_INET;
			memcpy(&s->sin_addr, ns_rr_rdata(rr), 4);
		} else {
			struct sockaddr_in6 *s = (void *)&out[n];

			s->sin6_family = AF_INET6;
			memcpy(&s->sin6_addr, ns_rr_rdata(rr), 16);
		}
		if (ttl)
			ttl[n] = ns_rr_ttl(rr);
		n++;
	}
	free(o);
	return (int)n;
}

/* ---- queries ---- */

struct dns_ctx {
	const struct mihf_dns_cfg *cfg;
	struct __res_state res;
	bool res_ok;
	uint8_t ans[NS_MAXMSG];
};

static int wait_fd(int fd, short ev, unsigned int ms)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int r;

	do
		r = poll(&p, 1, (int)ms);
	while (r < 0 && errno == EINTR);
	return r > 0 ? 0 : -ETIMEDOUT;
}

static bool reply_matches(const uint8_t *q, int qlen, const uint8_t *a,
			  int alen)
{
	ns_msg mq, ma;
	ns_rr rq, ra;

	if (alen < NS_HFIXEDSZ || ns_initparse(q, qlen, &mq) < 0 ||
	    ns_initparse(a, alen, &ma) < 0)
		return false;
	if (ns_msg_id(mq) != ns_msg_id(ma) || !ns_msg_getflag(ma, ns_f_qr))
		return false;
	if (ns_msg_count(ma, ns_s_qd) != 1 ||
	    ns_parserr(&mq, ns_s_qd, 0, &rq) ||
	    ns_parserr(&ma, ns_s_qd, 0, &ra))
		return false;
	return ns_rr_type(rq) == ns_rr_type(ra) &&
	       ns_rr_class(rq) == ns_rr_class(ra) &&
	       name_eq(ns_rr_name(rq), ns_rr_name(ra)) == 1;
}

static int tcp_query(const struct mihf_dns_cfg *cfg, const uint8_t *q,
		     int qlen, uint8_t *ans, int anslen)
{
	uint8_t hdr[2] = { (uint8_t)(qlen >> 8), (uint8_t)qlen };
	struct iovec iov[2] = { { hdr, 2 }, { (void *)q, (size_t)qlen } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	int fd, got = 0, want = -1, r = -1;
	unsigned int to = cfg->timeout_ms ? cfg->timeout_ms :
		MIHF_DNS_TIMEOUT_MS;

	fd = socket(cfg->ns.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const void *)&cfg->ns, cfg->ns_len) &&
	    (errno != EINPROGRESS || wait_fd(fd, POLLOUT, to)))
		goto out;
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) != qlen + 2)
		goto out;
	while (want < 0 || got < want + 2) {
		uint8_t buf[2];
		ssize_t n;

		if (wait_fd(fd, POLLIN, to))
			goto out;
		if (want < 0) {
			n = recv(fd, buf + got, (size_t)(2 - got), 0);
			if (n <= 0)
				goto out;
			got += (int)n;
			if (got == 2) {
				want = buf[0] << 8 | buf[1];
				if (want > anslen)
					goto out;
			}
			continue;
		}
		n = recv(fd, ans + got - 2, (size_t)(want + 2 - got), 0);
		if (n <= 0)
			goto out;
		got += (int)n;
	}
	if (reply_matches(q, qlen, ans, want))
		r = want;
out:
	close(fd);
	return r;
}

/* One query to the configured nameserver: UDP, TCP when truncated */
static int explicit_query(struct dns_ctx *c, const char *name, int type,
			  uint8_t *ans, int anslen)
{
	const struct mihf_dns_cfg *cfg = c->cfg;
	uint8_t q[NS_PACKETSZ];
	unsigned int tries = cfg->tries ? cfg->tries : MIHF_DNS_TRIES;
	unsigned int to = cfg->timeout_ms ? cfg->timeout_ms :
		MIHF_DNS_TIMEOUT_MS;
	int qlen, fd, r = -1;
	unsigned int t;

	qlen = res_nmkquery(&c->res, ns_o_query, name, ns_c_in, type, NULL, 0,
			    NULL, q, sizeof(q));
	if (qlen < 0)
		return -1;
	fd = socket(cfg->ns.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const void *)&cfg->ns, cfg->ns_len))
		goto out;
	for (t = 0; t < tries && r < 0; t++) {
		if (send(fd, q, (size_t)qlen, 0) != qlen)
			continue;
		while (!wait_fd(fd, POLLIN, to)) {
			ssize_t n = recv(fd, ans, (size_t)anslen, 0);

			if (n < 0)
				break;
			if (!reply_matches(q, qlen, ans, (int)n))
				continue;	/* stray datagram */
			if (ans[2] & 0x02) {	/* TC */
				r = tcp_query(cfg, q, qlen, ans, anslen);
				break;
			}
			r = (int)n;
			break;
		}
	}
out:
	close(fd);
	return r;
}

static int do_query(struct dns_ctx *c, const char *name, int type)
{
	int n;

	if (c->cfg->query)
		n = c->cfg->query(c->cfg->query_arg, name, type, c->ans,
				  sizeof(c->ans));
	else if (c->cfg->ns.ss_family)
		n = explicit_query(c, name, type, c->ans, sizeof(c->ans));
	else
		n = res_nquery(&c->res, name, ns_c_in, type, c->ans,
			       sizeof(c->ans));
	if (n > (int)sizeof(c->ans))
		n = -1;
	md_debug("discovery: DNS %s type %d: %d octets", name, type, n);
	return n;
}

struct results {
	struct mihf_dns_result *v;
	size_t n, max;
};

static uint32_t umin(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static void result_add(struct results *rs, uint32_t svc, uint8_t tr,
		       const char *target, uint16_t prio, uint16_t weight,
		       const struct sockaddr_storage *sa, uint16_t port,
		       uint32_t ttl)
{
	struct mihf_dns_result *r;
	struct sockaddr_storage s = *sa;
	socklen_t len;
	size_t i;

	if (s.ss_family == AF_INET) {
		((struct sockaddr_in *)&s)->sin_port = htons(port);
		len = sizeof(struct sockaddr_in);
	} else {
		((struct sockaddr_in6 *)&s)->sin6_port = htons(port);
		len = sizeof(struct sockaddr_in6);
	}
	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		if (r->service == svc && r->transport == tr &&
		    r->sa_len == len && !memcmp(&r->sa, &s, len)) {
			r->ttl = umin(r->ttl, ttl);
			return;
		}
	}
	if (rs->n == rs->max)
		return;
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	r->service = svc;
	r->transport = tr;
	snprintf(r->target, sizeof(r->target), "%s", target);
	r->priority = prio;
	r->weight = weight;
	r->sa = s;
	r->sa_len = len;
	r->ttl = ttl;
}

/* A and AAAA of @host: results with @port; returns addresses found */
static int resolve_host(struct dns_ctx *c, struct results *rs, uint32_t svc,
			uint8_t tr, const char *host, uint16_t prio,
			uint16_t weight, uint16_t port, uint32_t ttl)
{
	static const int fam[2] = { AF_INET, AF_INET6 };
	struct sockaddr_storage a[16];
	uint32_t t[16];
	int f, i, n, found = 0;

	for (f = 0; f < 2; f++) {
		n = do_query(c, host, fam[f] == AF_INET ? ns_t_a : ns_t_aaaa);
		if (n < 0)
			continue;
		n = mihf_dns_parse_addrs(c->ans, n, fam[f], a, t, 16);
		for (i = 0; i < n; i++)
			result_add(rs, svc, tr, host, prio, weight, &a[i],
				   port, umin(ttl, t[i]));
		if (n > 0)
			found += n;
	}
	return found;
}

static int resolve_srv(struct dns_ctx *c, struct results *rs, uint32_t svc,
		       uint8_t tr, const char *name, uint32_t ttl)
{
	struct mihf_srv *srv;
	int n, i, found = 0;

	srv = calloc(16, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	n = do_query(c, name, ns_t_srv);
	if (n >= 0)
		n = mihf_dns_parse_srv(c->ans, n, srv, 16);
	for (i = 0; i < n; i++) {
		/* RFC 2782: a lone "." target: the service is not offered */
		if (!strcmp(srv[i].target, "") || !strcmp(srv[i].target, "."))
			continue;
		found += resolve_host(c, rs, svc, tr, srv[i].target,
				      srv[i].priority, srv[i].weight,
				      srv[i].port, umin(ttl, srv[i].ttl));
	}
	free(srv);
	return found;
}

#define NAPTR_DEPTH_MAX	3	/* non-terminal NAPTR hops followed */

/*
 * Follow the usable NAPTRs of @list for one service and transport: "S"
 * -> SRV, "A" -> A/AAAA on 4551, "" (non-terminal, RFC 3958 section 2.2.2)
 * -> the NAPTRs of the replacement, at most NAPTR_DEPTH_MAX hops deep.
 * Returns the addresses found.
 */
static int walk_naptr(struct dns_ctx *c, struct results *rs, uint32_t svc,
		      uint8_t tr, const struct mihf_naptr *list, size_t n,
		      unsigned int depth, uint32_t ttl)
{
	bool is_udp = tr == MIHF_TRANSPORT_UDP;
	int found = 0, r;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct mihf_naptr *x = &list[i];
		uint32_t t = umin(ttl, x->ttl);

		if (!(x->services & svc) || !(is_udp ? x->udp : x->tcp))
			continue;
		r = 0;
		if (!strcasecmp(x->flags, "s")) {
			r = resolve_srv(c, rs, svc, tr, x->replacement, t);
		} else if (!strcasecmp(x->flags, "a")) {
			r = resolve_host(c, rs, svc, tr, x->replacement, 0, 0,
					 MIH_PORT, t);
		} else if (!x->flags[0] && depth < NAPTR_DEPTH_MAX) {
			struct mihf_naptr *sub = calloc(MIHF_DNS_RESULTS_MAX,
							sizeof(*sub));
			int len, m = 0;

			if (!sub)
				continue;
			len = do_query(c, x->replacement, ns_t_naptr);
			if (len >= 0)
				m = mihf_dns_parse_naptr(c->ans, len, sub,
							 MIHF_DNS_RESULTS_MAX);
			if (m > 0)
				r = walk_naptr(c, rs, svc, tr, sub, (size_t)m,
					       depth + 1, t);
			free(sub);
		}
		/* other flags ("U", "P", ...): not for this application */
		if (r > 0)
			found += r;
	}
	return found;
}

int mihf_dns_discover(const struct mihf_dns_cfg *cfg,
		      struct mihf_dns_result *res, size_t max, size_t *n)
{
	static const struct {
		uint32_t svc;
		const char *label;
	} svcs[] = {
		{ MIHF_SVC_IS, "_mihis" },
		{ MIHF_SVC_ES, "_mihes" },
		{ MIHF_SVC_CS, "_mihcs" },
	};
	struct results rs = { .v = res, .max = max };
	struct mihf_naptr *naptr = NULL;
	struct dns_ctx *c;
	int nn = 0, len;
	size_t s;
	unsigned int tr;
	uint32_t want;
	bool udp, tcp;

	if (!cfg || !res || !n || !cfg->domain[0] ||
	    strlen(cfg->domain) > NS_MAXDNAME - 16)
		return -EINVAL;
	*n = 0;
	c = calloc(1, sizeof(*c));
	naptr = calloc(MIHF_DNS_RESULTS_MAX, sizeof(*naptr));
	if (!c || !naptr) {
		free(c);
		free(naptr);
		return -ENOMEM;
	}
	c->cfg = cfg;
	if (!cfg->query) {
		if (res_ninit(&c->res)) {
			free(c);
			free(naptr);
			return -EIO;
		}
		c->res_ok = true;
		c->res.retrans = (int)((cfg->timeout_ms ? cfg->timeout_ms :
					MIHF_DNS_TIMEOUT_MS) + 999) / 1000;
		c->res.retry = (int)(cfg->tries ? cfg->tries : MIHF_DNS_TRIES);
		/* a domain is given whole: no search list */
		c->res.options &= ~(unsigned long)(RES_DEFNAMES | RES_DNSRCH);
	}
	want = cfg->services ? cfg->services :
		MIHF_SVC_IS | MIHF_SVC_ES | MIHF_SVC_CS;
	udp = cfg->udp || !cfg->tcp;
	tcp = cfg->tcp;

	len = do_query(c, cfg->domain, ns_t_naptr);
	if (len >= 0)
		nn = mihf_dns_parse_naptr(c->ans, len, naptr,
					  MIHF_DNS_RESULTS_MAX);
	if (nn < 0)
		nn = 0;
	for (s = 0; s < 3; s++) {
		if (!(want & svcs[s].svc))
			continue;
		for (tr = MIHF_TRANSPORT_UDP; tr <= MIHF_TRANSPORT_TCP; tr++) {
			bool is_udp = tr == MIHF_TRANSPORT_UDP;
			int found = 0;
			char name[NS_MAXDNAME];

			if ((is_udp && !udp) || (!is_udp && !tcp))
				continue;
			found = walk_naptr(c, &rs, svcs[s].svc, (uint8_t)tr,
					   naptr, (size_t)nn, 0, UINT32_MAX);
			if (found)
				continue;
			/* no usable NAPTR: the well-known SRV name */
			snprintf(name, sizeof(name), "%s.%s.%s",
				 svcs[s].label, is_udp ? "_udp" : "_tcp",
				 cfg->domain);
			resolve_srv(c, &rs, svcs[s].svc, (uint8_t)tr, name,
				    UINT32_MAX);
		}
	}
	if (c->res_ok)
		res_nclose(&c->res);
	free(c);
	free(naptr);
	*n = rs.n;
	return 0;
}

/* ---- the same in a worker thread ---- */

struct mihf_dns_job {
	struct mihf_dns_cfg cfg;
	struct md_loop *loop;
	mihf_dns_done_fn done;
	void *arg;
	pthread_t thread;
	int fds[2];			/* worker -> loop: "finished" */
	int err;
	struct mihf_dns_result res[MIHF_DNS_RESULTS_MAX];
	size_t n;
};

static void *dns_worker(void *p)
{
	struct mihf_dns_job *job = p;
	char one = 1;

	job->err = mihf_dns_discover(&job->cfg, job->res,
				     MIHF_DNS_RESULTS_MAX, &job->n);
	/* the pipe orders the writes above before the loop's reads */
	while (write(job->fds[1], &one, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static void job_free(struct md_loop *loop, struct mihf_dns_job *job)
{
	md_loop_del_fd(loop, job->fds[0]);
	pthread_join(job->thread, NULL);
	close(job->fds[0]);
	close(job->fds[1]);
	free(job);
}

static void job_finished(struct md_loop *loop, int fd, uint32_t events,
			 void *arg)
{
	struct mihf_dns_job *job = arg;
	char c;

	(void)fd;
	(void)events;
	if (read(job->fds[0], &c, 1) != 1)
		return;			/* spurious wakeup */
	job->done(job->arg, job->err, job->res, job->n);
	job_free(loop, job);
}

struct mihf_dns_job *mihf_dns_discover_async(struct md_loop *loop,
					     const struct mihf_dns_cfg *cfg,
					     mihf_dns_done_fn done, void *arg,
					     int *err)
{
	struct mihf_dns_job *job;
	int e;

	if (!loop || !cfg || !done || !cfg->domain[0]) {
		if (err)
			*err = -EINVAL;
		return NULL;
	}
	job = calloc(1, sizeof(*job));
	if (!job) {
		if (err)
			*err = -ENOMEM;
		return NULL;
	}
	job->cfg = *cfg;
	job->loop = loop;
	job->done = done;
	job->arg = arg;
	if (pipe2(job->fds, O_CLOEXEC | O_NONBLOCK)) {
		e = -errno;
		free(job);
		if (err)
			*err = e;
		return NULL;
	}
	e = md_loop_add_fd(loop, job->fds[0], EPOLLIN, job_finished, job);
	if (!e) {
		e = -pthread_create(&job->thread, NULL, dns_worker, job);
		if (e)
			md_loop_del_fd(loop, job->fds[0]);
	}
	if (e) {
		close(job->fds[0]);
		close(job->fds[1]);
		free(job);
		if (err)
			*err = e;
		return NULL;
	}
	return job;
}

void mihf_dns_job_cancel(struct md_loop *loop, struct mihf_dns_job *job)
{
	if (job)
		job_free(loop, job);
}

int mihf_dns_results_to_peers(const struct mihf_dns_result *res, size_t n,
			      struct mihf_peers *peers, uint64_t now)
{
	size_t i;
	int added = 0, err;

	if (!peers || (!res && n))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		const struct mihf_dns_result *r = &res[i];
		uint32_t ttl = r->ttl < MIHF_DNS_TTL_MIN_S ? MIHF_DNS_TTL_MIN_S :
							      r->ttl;

		err = mihf_peers_add(peers, NULL, 0,
				     r->service == MIHF_SVC_IS ? MIHF_PEER_IS :
								 MIHF_PEER_POA,
				     (const void *)&r->sa, r->sa_len,
				     r->transport, MIHF_PEER_SRC_DNS,
				     r->service, (uint64_t)ttl * NS_SEC, now,
				     NULL);
		if (err) {
			md_debug("discovery: peer table: %s", strerror(-err));
			continue;
		}
		added++;
	}
	return added;
}

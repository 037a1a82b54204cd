// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecd configuration file (see config.h and docs/mihsecd.conf.5).
 *
 * libinih splits "key = value" lines, strips whitespace and comments and
 * calls handler() once per key.  It reads the file through reader(), which
 * counts lines (so every message carries its line number), checks section
 * headers itself (libinih silently truncates long names and ignores text
 * after ']', and does not report empty sections) and notices lines
 * libinih could not parse: a line that is neither blank, a comment nor a
 * section header must have produced a handler() call before the next line
 * is read.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mihf/transport.h"
#include "mihsecd/config.h"
#include "mihsecd/log.h"

enum sec { SEC_NONE, SEC_MAIN, SEC_PEER, SEC_WPA, SEC_HOSTAPD, SEC_RADIUS,
	   SEC_ISLINK, SEC_MIHF, SEC_ISDB, SEC_DISC, SEC_PROXY, SEC_BAD };

/* Keys of [mihsecd] */
enum { K_ROLES, K_MIHF_ID, K_LOG_LEVEL, K_PROFILE, K_SUITE, K_PORT, K_KERNEL,
       K_CONTROL, K_SA_LIFETIME, K_SA_SOFT, K_GRACE, K_IS_LIFETIME,
       K_MMT_ID_FROM_MAC, K_MAIN_MAX };
static const char *const main_keys[K_MAIN_MAX] = {
	[K_ROLES] = "roles", [K_MIHF_ID] = "mihf-id",
	[K_LOG_LEVEL] = "log-level", [K_PROFILE] = "profile",
	[K_SUITE] = "suite", [K_PORT] = "port", [K_KERNEL] = "kernel",
	[K_CONTROL] = "control-socket", [K_SA_LIFETIME] = "sa-lifetime",
	[K_SA_SOFT] = "sa-soft-lifetime", [K_GRACE] = "grace",
	[K_IS_LIFETIME] = "is-key-lifetime",
	[K_MMT_ID_FROM_MAC] = "mmt-id-from-mac",
};

/* Keys of [peer NAME] */
enum { P_MIHF_ID, P_ADDRESS, P_PORT, P_KIND, P_MAC, P_MAX };
static const char *const peer_keys[P_MAX] = {
	[P_MIHF_ID] = "mihf-id", [P_ADDRESS] = "address", [P_PORT] = "port",
	[P_KIND] = "kind", [P_MAC] = "mac",
};

/* Keys of [wpa_supplicant] and [hostapd] */
enum { W_CTRL, W_NETWORK_ID, W_PREAUTH, W_MAX };
static const char *const wpa_keys[W_MAX] = {
	[W_CTRL] = "ctrl-interface", [W_NETWORK_ID] = "network-id",
	[W_PREAUTH] = "preauth",
};

enum { H_CTRL, H_INTERFACE, H_MAC, H_MAX };
static const char *const hostapd_keys[H_MAX] = {
	[H_CTRL] = "ctrl-interface", [H_INTERFACE] = "interface",
	[H_MAC] = "mac",
};

enum { R_LISTEN, R_SERVER, R_SECRET, R_SERVER_SECRET, R_AR_MAC, R_MAX };
static const char *const radius_keys[R_MAX] = {
	[R_LISTEN] = "listen", [R_SERVER] = "server",
	[R_SECRET] = "secret-file", [R_SERVER_SECRET] = "server-secret-file",
	[R_AR_MAC] = "ar-mac",
};

enum { I_CERT, I_KEY, I_CA, I_LISTEN, I_PORT, I_MMT_ADDR, I_MAX };
static const char *const islink_keys[I_MAX] = {
	[I_CERT] = "cert", [I_KEY] = "key", [I_CA] = "ca",
	[I_LISTEN] = "listen", [I_PORT] = "port",
	[I_MMT_ADDR] = "mmt-address",
};

/* Keys of [mihf] */
enum { M_ENABLE, M_LISTEN, M_PORT, M_RTX_SM, M_RTX_EVENT, M_RTX_COMMAND,
       M_RTX_INFO, M_RETRIES, M_DUP, M_KEEPALIVE, M_TCP, M_MAX_DGRAM,
       M_INTERFACES, M_SIGNAL, M_SCRIPT, M_DISCOVER, M_SERVING, M_IS_SERVER,
       M_NET_HO, M_MAX };
static const char *const mihf_keys[M_MAX] = {
	[M_ENABLE] = "enable", [M_LISTEN] = "listen", [M_PORT] = "port",
	[M_RTX_SM] = "rtx-service-mgmt", [M_RTX_EVENT] = "rtx-event",
	[M_RTX_COMMAND] = "rtx-command", [M_RTX_INFO] = "rtx-information",
	[M_RETRIES] = "retries", [M_DUP] = "duplicate-cache",
	[M_KEEPALIVE] = "keepalive", [M_TCP] = "tcp",
	[M_MAX_DGRAM] = "max-datagram", [M_INTERFACES] = "interfaces",
	[M_SIGNAL] = "wifi-signal-threshold",
	[M_SCRIPT] = "handover-script", [M_DISCOVER] = "discover",
	[M_SERVING] = "serving-pos", [M_IS_SERVER] = "is-server",
	[M_NET_HO] = "network-handover",
};

/* Keys of [isdb], [discovery], [proxy] */
enum { D_BACKEND, D_PATH, D_CONNINFO, D_MAX };
static const char *const isdb_keys[D_MAX] = {
	[D_BACKEND] = "backend", [D_PATH] = "path", [D_CONNINFO] = "conninfo",
};

enum { V_DNS_DOMAIN, V_DNS_SERVER, V_DHCP_LEASE, V_DHCP6_LEASE, V_MAX };
static const char *const disc_keys[V_MAX] = {
	[V_DNS_DOMAIN] = "dns-domain", [V_DNS_SERVER] = "dns-server",
	[V_DHCP_LEASE] = "dhcp-lease", [V_DHCP6_LEASE] = "dhcp6-lease",
};

enum { X_INTERFACE, X_UDP_PORT, X_UPSTREAM, X_MAX };
static const char *const proxy_keys[X_MAX] = {
	[X_INTERFACE] = "interface", [X_UDP_PORT] = "udp-port",
	[X_UPSTREAM] = "upstream",
};

struct parse {
	const char *path;
	FILE *f;
	struct md_errors *errs;
	struct md_config *cfg;
	int line;		/* current line (1-based) */
	bool key_line;		/* current line should be "key = value" */
	bool handled;		/* ... and handler() saw it */
	enum sec sec;
	int main_line;		/* line of [mihsecd], 0 if none yet */
	int main_seen[K_MAIN_MAX];	/* line of each key, 0 if absent */
	int peer_seen[P_MAX];	/* same for the current peer */
	int wpa_seen[W_MAX];
	int hostapd_seen[H_MAX];
	int radius_seen[R_MAX];
	int islink_seen[I_MAX];
	int mihf_seen[M_MAX];
	int isdb_seen[D_MAX];
	int disc_seen[V_MAX];
	int proxy_seen[X_MAX];
	char *buf;
	size_t cap;
};

static void add_msg(struct md_errors *e, char *m)
{
	char **v;

	if (!m)
		return;
	if (e->n >= MD_ERRORS_MAX) {
		e->dropped++;
		free(m);
		return;
	}
	v = realloc(e->msg, (e->n + 1) * sizeof(*v));
	if (!v) {
		free(m);
		e->dropped++;
		return;
	}
	e->msg = v;
	e->msg[e->n++] = m;
}

static void __attribute__((format(printf, 3, 4)))
err_at(struct parse *p, int line, const char *fmt, ...)
{
	char *body = NULL, *m = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&body, fmt, ap);
	va_end(ap);
	if (r < 0) {
		p->errs->dropped++;
		return;
	}
	if (line > 0)
		r = asprintf(&m, "%s:%d: %s", p->path, line, body);
	else
		r = asprintf(&m, "%s: %s", p->path, body);
	free(body);
	if (r < 0) {
		p->errs->dropped++;
		return;
	}
	add_msg(p->errs, m);
}

void md_errors_clear(struct md_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		free(errs->msg[i]);
	free(errs->msg);
	memset(errs, 0, sizeof(*errs));
}

/* ---- Values -------------------------------------------------------------- */

/* A decimal integer in [min, max], digits only */
static bool parse_uint(const char *s, unsigned long min, unsigned long max,
		       unsigned long *out)
{
	unsigned long v = 0;
	const char *c;

	if (!*s || strlen(s) > 10)
		return false;
	for (c = s; *c; c++) {
		if (*c < '0' || *c > '9')
			return false;
		v = v * 10 + (unsigned long)(*c - '0');
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

static void parse_roles(struct parse *p, const char *v)
{
	static const struct { const char *name; unsigned int bit; } roles[] = {
		{ "mmt", MD_ROLE_MMT }, { "poa", MD_ROLE_POA },
		{ "is", MD_ROLE_IS },
	};
	char *copy = strdup(v), *save = NULL, *tok;
	unsigned int mask = 0;
	bool bad = false;

	if (!copy) {
		err_at(p, p->line, "out of memory");
		return;
	}
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		size_t i;

		for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
			if (!strcmp(tok, roles[i].name))
				break;
		if (i == sizeof(roles) / sizeof(roles[0])) {
			err_at(p, p->line,
			       "roles: unknown role '%s' (expected mmt, poa or is)",
			       tok);
			bad = true;
		} else if (mask & roles[i].bit) {
			err_at(p, p->line, "roles: '%s' listed twice", tok);
			bad = true;
		} else {
			mask |= roles[i].bit;
		}
	}
	free(copy);
	if (!mask && !bad)
		err_at(p, p->line, "roles: no role given");
	p->cfg->roles = mask;
}

static bool parse_id(struct parse *p, const char *v, uint8_t *id,
		     size_t *len)
{
	size_t n = strlen(v), i;

	if (n > MIHSEC_MIHF_ID_MAX) {
		err_at(p, p->line, "mihf-id: %zu characters, at most %d allowed",
		       n, MIHSEC_MIHF_ID_MAX);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (v[i] < 0x21 || v[i] > 0x7e) {
			err_at(p, p->line,
			       "mihf-id: character %zu is not printable ASCII (spaces and control characters are not allowed)",
			       i + 1);
			return false;
		}
	}
	memcpy(id, v, n);
	*len = n;
	return true;
}

/* One of @names (NULL-terminated); its index + 1, or 0 with a message */
static int parse_word(struct parse *p, const char *key, const char *v,
		      const char *const *names, const char *list)
{
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(v, names[i]))
			return i + 1;
	err_at(p, p->line, "%s: '%s' is not one of %s", key, v, list);
	return 0;
}

/* "aa:bb:cc:dd:ee:ff" or "aa-bb-..." */
static bool parse_mac(const char *v, uint8_t mac[6])
{
	unsigned int b[6];
	char sep[5], end;
	int i;

	if (strlen(v) != 17 ||
	    sscanf(v, "%2x%c%2x%c%2x%c%2x%c%2x%c%2x%c", &b[0], &sep[0], &b[1],
		   &sep[1], &b[2], &sep[2], &b[3], &sep[3], &b[4], &sep[4],
		   &b[5], &end) != 11)
		return false;
	for (i = 0; i < 5; i++)
		if (sep[i] != sep[0] || (sep[0] != ':' && sep[0] != '-'))
			return false;
	for (i = 0; i < 17; i++)
		if (i % 3 != 2 && !isxdigit((unsigned char)v[i]))
			return false;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return true;
}

static void parse_secs(struct parse *p, const char *key, const char *v,
		       unsigned long max, uint32_t *out)
{
	unsigned long n;

	if (parse_uint(v, 0, max, &n))
		*out = (uint32_t)n;
	else
		err_at(p, p->line, "%s: '%s' is not an integer in 0..%lu", key,
		       v, max);
}

static void abs_path(struct parse *p, const char *key, const char *v,
		     char *out, size_t size)
{
	if (v[0] != '/' || strlen(v) >= size)
		err_at(p, p->line,
		       "%s: '%s' is not an absolute path of at most %zu characters",
		       key, v, size - 1);
	else
		strcpy(out, v);
}

static void main_key(struct parse *p, int k, const char *v)
{
	static const char *const levels[] = { "error", "warning", "notice",
					      "info", "debug", NULL };
	static const char *const profiles[] = { "v1", "paper", NULL };
	static const char *const kernels[] = { "require", "optional", NULL };
	static const char *const yesno[] = { "no", "yes", NULL };
	struct md_config *c = p->cfg;
	unsigned long n;
	int w;

	switch (k) {
	case K_ROLES:
		parse_roles(p, v);
		break;
	case K_MIHF_ID:
		parse_id(p, v, c->mihf_id, &c->mihf_id_len);
		break;
	case K_LOG_LEVEL:
		w = parse_word(p, "log-level", v, levels,
			       "error, warning, notice, info, debug");
		if (w)
			c->log_level = md_log_level_parse(v);
		break;
	case K_PROFILE:
		w = parse_word(p, "profile", v, profiles, "v1, paper");
		if (w)
			c->profile = w == 1 ? MD_PROFILE_V1 : MD_PROFILE_PAPER;
		break;
	case K_KERNEL:
		w = parse_word(p, "kernel", v, kernels, "require, optional");
		if (w)
			c->kernel = w == 1 ? MD_KERNEL_REQUIRE :
					     MD_KERNEL_OPTIONAL;
		break;
	case K_SUITE:
		if (parse_uint(v, MIHSEC_SUITE_AES128_GCM,
			       MIHSEC_SUITE_AES128_CBC_HMAC_SHA1, &n))
			c->suite = (uint8_t)n;
		else
			err_at(p, p->line, "suite: '%s' is not an integer in %d..%d",
			       v, MIHSEC_SUITE_AES128_GCM,
			       MIHSEC_SUITE_AES128_CBC_HMAC_SHA1);
		break;
	case K_PORT:
		if (parse_uint(v, 1, 65535, &n))
			c->port = (uint16_t)n;
		else
			err_at(p, p->line, "port: '%s' is not an integer in 1..65535",
			       v);
		break;
	case K_CONTROL:
		abs_path(p, "control-socket", v, c->control, sizeof(c->control));
		break;
	case K_SA_LIFETIME:
		parse_secs(p, "sa-lifetime", v, UINT32_MAX, &c->sa_lifetime);
		break;
	case K_SA_SOFT:
		parse_secs(p, "sa-soft-lifetime", v, UINT32_MAX,
			   &c->sa_soft_lifetime);
		break;
	case K_GRACE:
		parse_secs(p, "grace", v, MIHSEC_GRACE_MAX, &c->grace);
		break;
	case K_IS_LIFETIME:
		parse_secs(p, "is-key-lifetime", v, UINT32_MAX,
			   &c->is_lifetime);
		break;
	case K_MMT_ID_FROM_MAC:
		w = parse_word(p, "mmt-id-from-mac", v, yesno, "yes, no");
		if (w)
			c->mmt_id_from_mac = w == 2;
		break;
	}
}

static void peer_key(struct parse *p, int k, const char *v)
{
	static const char *const kinds[] = { "poa", "is", "mmt", NULL };
	struct md_peer *peer = &p->cfg->peers[p->cfg->npeers - 1];
	unsigned long n;
	int w;

	switch (k) {
	case P_MIHF_ID:
		peer->id_line = p->line;
		parse_id(p, v, peer->mihf_id, &peer->mihf_id_len);
		break;
	case P_ADDRESS:
		if (inet_pton(AF_INET, v, &peer->addr.v4) == 1)
			peer->family = AF_INET;
		else if (inet_pton(AF_INET6, v, &peer->addr.v6) == 1)
			peer->family = AF_INET6;
		else
			err_at(p, p->line,
			       "address: '%s' is not an IPv4 or IPv6 address", v);
		break;
	case P_PORT:
		if (parse_uint(v, 1, 65535, &n))
			peer->port = (uint16_t)n;
		else
			err_at(p, p->line, "port: '%s' is not an integer in 1..65535",
			       v);
		break;
	case P_KIND:
		w = parse_word(p, "kind", v, kinds, "poa, is, mmt");
		if (w)
			peer->kind = (enum md_peer_kind)w;
		break;
	case P_MAC:
		if (parse_mac(v, peer->mac))
			peer->has_mac = true;
		else
			err_at(p, p->line,
			       "mac: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
			       v);
		break;
	}
}

static void wpa_key(struct parse *p, int k, const char *v)
{
	struct md_wpa_conf *w = &p->cfg->wpa[p->cfg->nwpa - 1];
	unsigned long n;

	switch (k) {
	case W_CTRL:
		abs_path(p, "ctrl-interface", v, w->ctrl, sizeof(w->ctrl));
		break;
	case W_NETWORK_ID:
		if (parse_uint(v, 0, INT32_MAX, &n))
			w->network_id = (int)n;
		else
			err_at(p, p->line,
			       "network-id: '%s' is not an integer in 0..%d", v,
			       INT32_MAX);
		break;
	case W_PREAUTH:
		if (parse_mac(v, w->preauth_aa))
			w->preauth = true;
		else
			err_at(p, p->line,
			       "preauth: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
			       v);
		break;
	}
}

static void hostapd_key(struct parse *p, int k, const char *v)
{
	struct md_hostapd_conf *h = &p->cfg->hostapd;

	switch (k) {
	case H_CTRL:
		abs_path(p, "ctrl-interface", v, h->ctrl, sizeof(h->ctrl));
		break;
	case H_INTERFACE:
		if (strlen(v) >= sizeof(h->ifname) || strchr(v, '/'))
			err_at(p, p->line,
			       "interface: '%s' is not an interface name", v);
		else
			strcpy(h->ifname, v);
		break;
	case H_MAC:
		if (parse_mac(v, h->mac))
			h->has_mac = true;
		else
			err_at(p, p->line,
			       "mac: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
			       v);
		break;
	}
}

/* "A.B.C.D:PORT" or "[IPv6]:PORT", numeric */
static bool valid_hostport(const char *v)
{
	char host[64];
	const char *colon;
	unsigned long port;
	struct in6_addr a6;
	struct in_addr a4;
	size_t n;

	if (v[0] == '[') {
		const char *close = strchr(v, ']');

		if (!close || close[1] != ':')
			return false;
		n = (size_t)(close - v - 1);
		if (n >= sizeof(host))
			return false;
		memcpy(host, v + 1, n);
		host[n] = '\0';
		return inet_pton(AF_INET6, host, &a6) == 1 &&
		       parse_uint(close + 2, 1, 65535, &port);
	}
	colon = strrchr(v, ':');
	if (!colon || (size_t)(colon - v) >= sizeof(host))
		return false;
	memcpy(host, v, (size_t)(colon - v));
	host[colon - v] = '\0';
	return inet_pton(AF_INET, host, &a4) == 1 &&
	       parse_uint(colon + 1, 1, 65535, &port);
}

static void radius_key(struct parse *p, int k, const char *v)
{
	struct md_radius_conf *r = &p->cfg->radius;
	char *dst = k == R_LISTEN ? r->listen : r->server;

	switch (k) {
	case R_LISTEN:
	case R_SERVER:
		if (strlen(v) >= sizeof(r->listen) || !valid_hostport(v))
			err_at(p, p->line,
			       "%s: '%s' is not ADDRESS:PORT (numeric; [IPv6]:PORT)",
			       radius_keys[k], v);
		else
			strcpy(dst, v);
		break;
	case R_SECRET:
		abs_path(p, "secret-file", v, r->secret_file,
			 sizeof(r->secret_file));
		break;
	case R_SERVER_SECRET:
		abs_path(p, "server-secret-file", v, r->server_secret_file,
			 sizeof(r->server_secret_file));
		break;
	case R_AR_MAC:
		if (parse_mac(v, r->ar_mac))
			r->has_ar_mac = true;
		else
			err_at(p, p->line,
			       "ar-mac: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
			       v);
		break;
	}
}

static void islink_key(struct parse *p, int k, const char *v)
{
	struct md_islink_conf *l = &p->cfg->islink;
	struct in6_addr a6;
	struct in_addr a4;
	unsigned long n;

	switch (k) {
	case I_CERT:
		abs_path(p, "cert", v, l->cert, sizeof(l->cert));
		break;
	case I_KEY:
		abs_path(p, "key", v, l->key, sizeof(l->key));
		break;
	case I_CA:
		abs_path(p, "ca", v, l->ca, sizeof(l->ca));
		break;
	case I_LISTEN:
		if (strlen(v) < sizeof(l->listen) &&
		    (inet_pton(AF_INET, v, &a4) == 1 ||
		     inet_pton(AF_INET6, v, &a6) == 1))
			strcpy(l->listen, v);
		else
			err_at(p, p->line,
			       "listen: '%s' is not an IPv4 or IPv6 address", v);
		break;
	case I_PORT:
		if (parse_uint(v, 1, 65535, &n))
			l->port = (uint16_t)n;
		else
			err_at(p, p->line, "port: '%s' is not an integer in 1..65535",
			       v);
		break;
	case I_MMT_ADDR:
		if (inet_pton(AF_INET, v, l->mmt_addr) == 1)
			l->mmt_family = AF_INET;
		else if (inet_pton(AF_INET6, v, l->mmt_addr) == 1)
			l->mmt_family = AF_INET6;
		else
			err_at(p, p->line,
			       "mmt-address: '%s' is not an IPv4 or IPv6 address",
			       v);
		break;
	}
}

static bool valid_peer_name(const char *s);

/* An interface name as the kernel takes it: 1..15 octets, no '/', no
 * blank, not "." or ".." */
static bool valid_ifname(const char *v)
{
	size_t n = strlen(v), i;

	if (!n || n > MD_IFNAME_MAX || !strcmp(v, ".") || !strcmp(v, ".."))
		return false;
	for (i = 0; i < n; i++)
		if (v[i] == '/' || v[i] == ':' || isspace((unsigned char)v[i]) ||
		    !isprint((unsigned char)v[i]))
			return false;
	return true;
}

/*
 * "ADDRESS", "ADDRESS:PORT" (IPv4) or "[IPv6]:PORT", numeric; @def_port
 * when none is given.  The result in @ss (@len), port set.
 */
static bool parse_sockaddr(const char *v, uint16_t def_port,
			   struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	unsigned long port = def_port;
	const char *colon;
	char host[64];
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (v[0] == '[') {
		const char *close = strchr(v, ']');

		if (!close || close[1] != ':')
			return false;
		n = (size_t)(close - v - 1);
		if (n >= sizeof(host) ||
		    !parse_uint(close + 2, 1, 65535, &port))
			return false;
		memcpy(host, v + 1, n);
		host[n] = '\0';
	} else if (strchr(v, ':') && strchr(v, ':') == strrchr(v, ':')) {
		colon = strchr(v, ':');
		n = (size_t)(colon - v);
		if (n >= sizeof(host) || !parse_uint(colon + 1, 1, 65535, &port))
			return false;
		memcpy(host, v, n);
		host[n] = '\0';
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return false;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof(*s4);
		return true;
	} else {
		if (strlen(v) >= sizeof(host))
			return false;
		strcpy(host, v);
	}
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1 && v[0] != '[') {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof(*s4);
		return true;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
		return false;
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons((uint16_t)port);
	*len = sizeof(*s6);
	return true;
}

/* A DNS domain name: labels of 1..63 letters, digits, '-', '_' */
static bool valid_domain(const char *v)
{
	size_t n = strlen(v), label = 0, i;

	if (n && v[n - 1] == '.')
		n--;			/* a fully qualified name */
	if (!n || n > MD_DNS_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if (v[i] == '.') {
			if (!label)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)v[i]) && v[i] != '-' && v[i] != '_')
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0;
}

static void parse_ms(struct parse *p, const char *key, const char *v,
		     unsigned long min, unsigned long max, unsigned int *out)
{
	unsigned long n;

	if (parse_uint(v, min, max, &n))
		*out = (unsigned int)n;
	else
		err_at(p, p->line, "%s: '%s' is not an integer in %lu..%lu", key,
		       v, min, max);
}

static void parse_ifs(struct parse *p, const char *v)
{
	struct md_mihf_conf *m = &p->cfg->mihf;
	char *copy = strdup(v), *save = NULL, *tok;
	bool any = false;
	size_t i;

	if (!copy) {
		err_at(p, p->line, "out of memory");
		return;
	}
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		any = true;
		if (!valid_ifname(tok)) {
			err_at(p, p->line,
			       "interfaces: '%s' is not an interface name", tok);
			break;
		}
		for (i = 0; i < m->nifs && strcmp(m->ifs[i], tok); i++)
			;
		if (i < m->nifs) {
			err_at(p, p->line, "interfaces: '%s' listed twice",
			       tok);
			break;
		}
		if (m->nifs == MD_MIHF_IFS_MAX) {
			err_at(p, p->line,
			       "interfaces: more than %d interfaces",
			       MD_MIHF_IFS_MAX);
			break;
		}
		strcpy(m->ifs[m->nifs++], tok);
	}
	if (!any)
		err_at(p, p->line, "interfaces: no interface given");
	free(copy);
}

static void mihf_key(struct parse *p, int k, const char *v)
{
	static const char *const yesno[] = { "no", "yes", NULL };
	static const char *const disc[] = { "none", "static", "multicast",
					    NULL };
	static const char *const net_ho[] = { "accept", "refuse", NULL };
	struct md_mihf_conf *m = &p->cfg->mihf;
	struct in6_addr a6;
	struct in_addr a4;
	unsigned long n;
	int w;

	switch (k) {
	case M_ENABLE:
		w = parse_word(p, "enable", v, yesno, "yes, no");
		if (w)
			m->enable = w == 2;
		break;
	case M_LISTEN:
		if (strlen(v) < sizeof(m->listen) &&
		    (inet_pton(AF_INET, v, &a4) == 1 ||
		     inet_pton(AF_INET6, v, &a6) == 1))
			strcpy(m->listen, v);
		else
			err_at(p, p->line,
			       "listen: '%s' is not an IPv4 or IPv6 address", v);
		break;
	case M_PORT:
		if (parse_uint(v, 1, 65535, &n))
			m->port = (uint16_t)n;
		else
			err_at(p, p->line, "port: '%s' is not an integer in 1..65535",
			       v);
		break;
	case M_RTX_SM:
	case M_RTX_EVENT:
	case M_RTX_COMMAND:
	case M_RTX_INFO:
		/* SIDs 1..4 in this order (WIRE.md 2) */
		parse_ms(p, mihf_keys[k], v, 1, 60000,
			 &m->rtx_ms[k - M_RTX_SM + 1]);
		break;
	case M_RETRIES:
		parse_ms(p, "retries", v, 0, 16, &m->retries);
		break;
	case M_DUP:
		parse_ms(p, "duplicate-cache", v, 1, 3600, &m->dup_secs);
		break;
	case M_KEEPALIVE:
		parse_ms(p, "keepalive", v, 0, MIHX_KEEPALIVE_MAX_MS / 1000,
			 &m->keepalive_secs);
		break;
	case M_TCP:
		w = parse_word(p, "tcp", v, yesno, "yes, no");
		if (w)
			m->tcp = w == 2;
		break;
	case M_MAX_DGRAM:
		if (parse_uint(v, 64, MIHX_DGRAM_DEFAULT, &n))
			m->max_dgram = n;
		else
			err_at(p, p->line,
			       "max-datagram: '%s' is not an integer in 64..%d",
			       v, MIHX_DGRAM_DEFAULT);
		break;
	case M_INTERFACES:
		parse_ifs(p, v);
		break;
	case M_SIGNAL:
		if (v[0] == '-' && parse_uint(v + 1, 1, 120, &n))
			m->signal_dbm = -(int)n;
		else
			err_at(p, p->line,
			       "wifi-signal-threshold: '%s' is not a level in dBm from -120 to -1",
			       v);
		break;
	case M_SCRIPT:
		abs_path(p, "handover-script", v, m->handover_script,
			 sizeof(m->handover_script));
		break;
	case M_DISCOVER:
		w = parse_word(p, "discover", v, disc,
			       "none, static, multicast");
		if (w)
			m->discover = (enum md_discover)w;
		break;
	case M_NET_HO:
		w = parse_word(p, "network-handover", v, net_ho,
			       "accept, refuse");
		if (w)
			m->refuse_net_ho = w == 2;
		break;
	case M_SERVING:
	case M_IS_SERVER:
		/* checked against the [peer]s at the end of the file */
		if (!valid_peer_name(v))
			err_at(p, p->line, "%s: '%s' is not a peer name",
			       mihf_keys[k], v);
		else
			strcpy(k == M_SERVING ? m->serving_name : m->is_name,
			       v);
		break;
	}
}

static void isdb_key(struct parse *p, int k, const char *v)
{
	static const char *const backends[] = { "sqlite", "postgresql", NULL };
	struct md_isdb_conf *d = &p->cfg->isdb;
	int w;

	switch (k) {
	case D_BACKEND:
		w = parse_word(p, "backend", v, backends, "sqlite, postgresql");
		if (w)
			d->backend = (enum md_isdb_backend)w;
		break;
	case D_PATH:
		abs_path(p, "path", v, d->path, sizeof(d->path));
		break;
	case D_CONNINFO:
		if (strlen(v) >= sizeof(d->conninfo))
			err_at(p, p->line,
			       "conninfo: longer than %zu characters",
			       sizeof(d->conninfo) - 1);
		else
			strcpy(d->conninfo, v);
		break;
	}
}

static void disc_key(struct parse *p, int k, const char *v)
{
	struct md_discovery_conf *d = &p->cfg->discovery;

	switch (k) {
	case V_DNS_DOMAIN:
		if (valid_domain(v))
			strcpy(d->dns_domain, v);
		else
			err_at(p, p->line,
			       "dns-domain: '%s' is not a domain name", v);
		break;
	case V_DNS_SERVER:
		if (!parse_sockaddr(v, 53, &d->dns_server, &d->dns_server_len))
			err_at(p, p->line,
			       "dns-server: '%s' is not ADDRESS[:PORT] (numeric; [IPv6]:PORT)",
			       v);
		break;
	case V_DHCP_LEASE:
		abs_path(p, "dhcp-lease", v, d->dhcp_lease,
			 sizeof(d->dhcp_lease));
		break;
	case V_DHCP6_LEASE:
		abs_path(p, "dhcp6-lease", v, d->dhcp6_lease,
			 sizeof(d->dhcp6_lease));
		break;
	}
}

static void proxy_key(struct parse *p, int k, const char *v)
{
	struct md_proxy_conf *x = &p->cfg->proxy;
	unsigned long n;

	switch (k) {
	case X_INTERFACE:
		if (valid_ifname(v))
			strcpy(x->ifname, v);
		else
			err_at(p, p->line,
			       "interface: '%s' is not an interface name", v);
		break;
	case X_UDP_PORT:
		if (parse_uint(v, 1, 65535, &n)) {
			x->udp_port = (uint16_t)n;
		} else {
			x->udp_port = 0;	/* no follow-up message */
			err_at(p, p->line,
			       "udp-port: '%s' is not an integer in 1..65535", v);
		}
		break;
	case X_UPSTREAM:
		if (!parse_sockaddr(v, MIHSEC_DEFAULT_PORT, &x->upstream,
				    &x->upstream_len))
			err_at(p, p->line,
			       "upstream: '%s' is not ADDRESS[:PORT] (numeric; [IPv6]:PORT)",
			       v);
		break;
	}
}

static int key_index(const char *const *keys, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(keys[i], name))
			return i;
	return -1;
}

/* each section: its keys, where their lines are kept, its key handler */
static const struct sec_desc {
	const char *name;	/* in messages: "[name]" */
	const char *const *keys;
	int nkeys;
	size_t seen;		/* offsetof(struct parse, NAME_seen) */
	void (*key)(struct parse *p, int k, const char *v);
} sec_descs[] = {
#define SEC_DESC(s, n, keys, nkeys, seen, fn) \
	[s] = { n, keys, nkeys, offsetof(struct parse, seen), fn }
	SEC_DESC(SEC_MAIN, "mihsecd", main_keys, K_MAIN_MAX, main_seen,
		 main_key),
	SEC_DESC(SEC_PEER, "peer", peer_keys, P_MAX, peer_seen, peer_key),
	SEC_DESC(SEC_WPA, "wpa_supplicant", wpa_keys, W_MAX, wpa_seen,
		 wpa_key),
	SEC_DESC(SEC_HOSTAPD, "hostapd", hostapd_keys, H_MAX, hostapd_seen,
		 hostapd_key),
	SEC_DESC(SEC_RADIUS, "radius", radius_keys, R_MAX, radius_seen,
		 radius_key),
	SEC_DESC(SEC_ISLINK, "is-link", islink_keys, I_MAX, islink_seen,
		 islink_key),
	SEC_DESC(SEC_MIHF, "mihf", mihf_keys, M_MAX, mihf_seen, mihf_key),
	SEC_DESC(SEC_ISDB, "isdb", isdb_keys, D_MAX, isdb_seen, isdb_key),
	SEC_DESC(SEC_DISC, "discovery", disc_keys, V_MAX, disc_seen,
		 disc_key),
	SEC_DESC(SEC_PROXY, "proxy", proxy_keys, X_MAX, proxy_seen,
		 proxy_key),
#undef SEC_DESC
};

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse *p = user;
	const struct sec_desc *d;
	char where[MD_PEER_NAME_MAX + 16];
	int k, *seen;

	(void)section;		/* reader() tracks sections itself */
	p->handled = true;
	if (p->sec == SEC_NONE) {
		err_at(p, p->line, "key '%s' outside of any section", name);
		return 1;
	}
	if (p->sec == SEC_BAD)
		return 1;	/* the section header was reported */
	d = &sec_descs[p->sec];
	seen = (int *)((char *)p + d->seen);
	if (p->sec == SEC_PEER)
		snprintf(where, sizeof(where), "[peer %s]",
			 p->cfg->peers[p->cfg->npeers - 1].name);
	else
		snprintf(where, sizeof(where), "[%s]", d->name);
	k = key_index(d->keys, d->nkeys, name);
	if (k < 0) {
		err_at(p, p->line, "unknown key '%s' in %s", name, where);
		return 1;
	}
	if (seen[k]) {
		err_at(p, p->line, "duplicate key '%s' (first on line %d)", name,
		       seen[k]);
		return 1;
	}
	seen[k] = p->line;
	if (!*value) {
		err_at(p, p->line, "%s: empty value", name);
		return 1;
	}
	d->key(p, k, value);
	return 1;
}

/* ---- Sections ------------------------------------------------------------ */

/* The section that ends here: check what it must contain */
static void end_section(struct parse *p)
{
	struct md_peer *peer;

	if (p->sec == SEC_WPA) {
		const struct md_wpa_conf *w = &p->cfg->wpa[p->cfg->nwpa - 1];
		size_t i;

		if (!p->wpa_seen[W_CTRL])
			err_at(p, w->line,
			       "[wpa_supplicant]: missing required key 'ctrl-interface'");
		for (i = 0; w->ctrl[0] && i + 1 < p->cfg->nwpa; i++)
			if (!strcmp(p->cfg->wpa[i].ctrl, w->ctrl))
				err_at(p, w->line,
				       "[wpa_supplicant]: ctrl-interface '%s' is also the one of the section on line %d",
				       w->ctrl, p->cfg->wpa[i].line);
	}
	if (p->sec == SEC_HOSTAPD && !p->hostapd_seen[H_CTRL])
		err_at(p, p->cfg->hostapd.line,
		       "[hostapd]: missing required key 'ctrl-interface'");
	if (p->sec == SEC_RADIUS) {
		static const int req[] = { R_LISTEN, R_SERVER, R_SECRET };
		size_t i;

		for (i = 0; i < sizeof(req) / sizeof(req[0]); i++)
			if (!p->radius_seen[req[i]])
				err_at(p, p->cfg->radius.line,
				       "[radius]: missing required key '%s'",
				       radius_keys[req[i]]);
	}
	if (p->sec == SEC_ISLINK) {
		static const int req[] = { I_CERT, I_KEY, I_CA };
		size_t i;

		for (i = 0; i < sizeof(req) / sizeof(req[0]); i++)
			if (!p->islink_seen[req[i]])
				err_at(p, p->cfg->islink.line,
				       "[is-link]: missing required key '%s'",
				       islink_keys[req[i]]);
	}
	if (p->sec == SEC_PROXY && !p->proxy_seen[X_INTERFACE])
		err_at(p, p->cfg->proxy.line,
		       "[proxy]: missing required key 'interface'");
	if (p->sec == SEC_ISDB) {
		struct md_isdb_conf *d = &p->cfg->isdb;

		if (d->backend == MD_ISDB_POSTGRESQL) {
			if (p->isdb_seen[D_PATH])
				err_at(p, p->isdb_seen[D_PATH],
				       "path: only for backend sqlite (postgresql takes 'conninfo')");
			if (!p->isdb_seen[D_CONNINFO])
				err_at(p, d->line,
				       "[isdb]: backend postgresql needs 'conninfo'");
		} else if (p->isdb_seen[D_CONNINFO]) {
			err_at(p, p->isdb_seen[D_CONNINFO],
			       "conninfo: only for backend postgresql (sqlite takes 'path')");
		}
	}
	if (p->sec == SEC_DISC && !p->disc_seen[V_DNS_DOMAIN] &&
	    p->disc_seen[V_DNS_SERVER])
		err_at(p, p->disc_seen[V_DNS_SERVER],
		       "dns-server: without 'dns-domain' there is nothing to ask it");
	if (p->sec != SEC_PEER)
		return;
	peer = &p->cfg->peers[p->cfg->npeers - 1];
	if (!p->peer_seen[P_MIHF_ID])
		err_at(p, peer->line, "[peer %s]: missing required key 'mihf-id'",
		       peer->name);
	if (!peer->kind)
		peer->kind = MD_PEER_POA;
	/* a terminal's address is whatever it has now: not configured */
	if (!p->peer_seen[P_ADDRESS] && peer->kind != MD_PEER_MMT)
		err_at(p, peer->line, "[peer %s]: missing required key 'address'",
		       peer->name);
	if (!p->peer_seen[P_MAC] && peer->kind == MD_PEER_MMT)
		err_at(p, peer->line,
		       "[peer %s]: kind mmt needs 'mac' (how its key is found)",
		       peer->name);
}

static bool valid_peer_name(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > MD_PEER_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* @s: the line from its '[' on (a private copy, may be modified) */
static void section(struct parse *p, char *s)
{
	char *close = strchr(s, ']'), *rest, *name;
	struct md_config *c = p->cfg;
	size_t i;

	end_section(p);
	p->sec = SEC_BAD;
	if (!close) {
		err_at(p, p->line, "section header without closing ']'");
		return;
	}
	rest = trim(close + 1);
	if (*rest && *rest != ';' && *rest != '#') {
		err_at(p, p->line, "unexpected text after ']'");
		return;
	}
	*close = '\0';
	name = trim(s + 1);
	if (!strcmp(name, "mihsecd")) {
		if (p->main_line) {
			err_at(p, p->line,
			       "duplicate section [mihsecd] (first on line %d)",
			       p->main_line);
			return;
		}
		p->main_line = p->line;
		p->sec = SEC_MAIN;
		return;
	}
	if (!strcmp(name, "wpa_supplicant")) {
		if (c->nwpa == MD_WPA_MAX) {
			err_at(p, p->line,
			       "more than %d [wpa_supplicant] sections",
			       MD_WPA_MAX);
			return;
		}
		c->wpa[c->nwpa].line = p->line;
		c->wpa[c->nwpa].network_id = -1;
		c->nwpa++;
		memset(p->wpa_seen, 0, sizeof(p->wpa_seen));
		p->sec = SEC_WPA;
		return;
	}
	{
		static const struct { const char *name; enum sec sec; } one[] = {
			{ "hostapd", SEC_HOSTAPD },
			{ "radius", SEC_RADIUS }, { "is-link", SEC_ISLINK },
			{ "mihf", SEC_MIHF }, { "isdb", SEC_ISDB },
			{ "discovery", SEC_DISC }, { "proxy", SEC_PROXY },
		};
		int *lines[] = { &c->hostapd.line,
				 &c->radius.line, &c->islink.line,
				 &c->mihf.line, &c->isdb.line,
				 &c->discovery.line, &c->proxy.line };

		for (i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
			if (strcmp(name, one[i].name))
				continue;
			if (*lines[i]) {
				err_at(p, p->line,
				       "duplicate section [%s] (first on line %d)",
				       name, *lines[i]);
				return;
			}
			*lines[i] = p->line;
			p->sec = one[i].sec;
			return;
		}
	}
	if (strncmp(name, "peer", 4) || (name[4] != ' ' && name[4] != '\t')) {
		err_at(p, p->line, "unknown section [%s]", name);
		return;
	}
	name = trim(name + 4);
	if (!valid_peer_name(name)) {
		err_at(p, p->line,
		       "invalid peer name '%s' (1-%d characters of A-Z a-z 0-9 . _ -)",
		       name, MD_PEER_NAME_MAX);
		return;
	}
	for (i = 0; i < c->npeers; i++) {
		if (!strcmp(c->peers[i].name, name)) {
			err_at(p, p->line,
			       "duplicate peer '%s' (first on line %d)", name,
			       c->peers[i].line);
			return;
		}
	}
	{
		struct md_peer *v = realloc(c->peers,
					    (c->npeers + 1) * sizeof(*v));

		if (!v) {
			err_at(p, p->line, "out of memory");
			return;
		}
		c->peers = v;
		memset(&v[c->npeers], 0, sizeof(v[0]));
		strcpy(v[c->npeers].name, name);
		v[c->npeers].line = p->line;
		c->npeers++;
	}
	memset(p->peer_seen, 0, sizeof(p->peer_seen));
	p->sec = SEC_PEER;
}

/* ---- Lines --------------------------------------------------------------- */

/* The previous line is complete: did libinih make sense of it? */
static void finish_line(struct parse *p)
{
	if (p->key_line && !p->handled)
		err_at(p, p->line,
		       "expected 'key = value', '[section]' or a comment");
	p->key_line = false;
	p->handled = false;
}

static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	ssize_t n;
	char *s;

	finish_line(p);
	n = getline(&p->buf, &p->cap, p->f);
	if (n < 0)
		return NULL;
	p->line++;
	if (n > 0 && p->buf[n - 1] == '\n')
		p->buf[--n] = '\0';
	if (n > 0 && p->buf[n - 1] == '\r')
		p->buf[--n] = '\0';
	s = p->buf;
	if (p->line == 1 && !strncmp(s, "\xef\xbb\xbf", 3))
		s += 3;			/* UTF-8 byte order mark */
	str[0] = '\0';
	if (strlen(p->buf) != (size_t)n) {
		err_at(p, p->line, "NUL character in line");
		return str;
	}
	if (n > MD_LINE_MAX || (size_t)n + 3 > (size_t)num) {
		err_at(p, p->line, "line too long (more than %d characters)",
		       MD_LINE_MAX);
		return str;
	}
	memcpy(str, s, strlen(s) + 1);
	s = trim(s);
	if (!*s || *s == ';' || *s == '#')
		return str;
	if (*s == '[') {
		section(p, s);
		str[0] = '\0';	/* libinih need not see it: sections are ours */
		return str;
	}
	p->key_line = true;
	return str;
}

/* ---- Whole file ---------------------------------------------------------- */

/* serving-pos / is-server: a [peer] of @kind by name, else the first one */
static void mihf_peer_ref(struct parse *p, int key, const char *name,
			  enum md_peer_kind kind, int *out)
{
	struct md_config *c = p->cfg;
	size_t i;

	for (i = 0; i < c->npeers; i++) {
		if (name[0] ? !strcmp(c->peers[i].name, name) :
			      c->peers[i].kind == kind)
			break;
	}
	if (i == c->npeers) {
		if (name[0])
			err_at(p, p->mihf_seen[key], "%s: no [peer %s]",
			       mihf_keys[key], name);
		return;
	}
	if (c->peers[i].kind != kind) {
		err_at(p, p->mihf_seen[key], "%s: [peer %s] is of kind %s, not %s",
		       mihf_keys[key], name, md_peer_kind_name(c->peers[i].kind),
		       md_peer_kind_name(kind));
		return;
	}
	*out = (int)i;
}

/* [mihf], [isdb], [discovery], [proxy]: what they need of each other */
static void mihf_finish(struct parse *p)
{
	struct md_config *c = p->cfg;
	struct md_mihf_conf *m = &c->mihf;

	if (!p->mihf_seen[M_PORT])
		m->port = c->port;
	if (c->isdb.line && !(c->roles & (MD_ROLE_IS | MD_ROLE_POA)))
		err_at(p, c->isdb.line,
		       "[isdb] is an information server's database (or an access router's, to find target PoSes): it needs role is or poa");
	else if (c->isdb.line && !m->line)
		err_at(p, c->isdb.line,
		       "[isdb] is served by the MIH function: it needs a [mihf] section");
	if (c->discovery.line && !m->line)
		err_at(p, c->discovery.line,
		       "[discovery] fills the MIH function's peer table: it needs a [mihf] section");
	if (c->proxy.line && !(c->roles & MD_ROLE_POA))
		err_at(p, c->proxy.line,
		       "[proxy] relays MIH for an access router: it needs role poa");
	m->serving_pos = -1;
	m->is_server = -1;
	if (!m->line)
		return;
	mihf_peer_ref(p, M_SERVING, m->serving_name, MD_PEER_POA,
		      &m->serving_pos);
	mihf_peer_ref(p, M_IS_SERVER, m->is_name, MD_PEER_IS, &m->is_server);
	if (m->serving_name[0] && !(c->roles & MD_ROLE_MMT))
		err_at(p, p->mihf_seen[M_SERVING],
		       "serving-pos: a terminal's setting: it needs role mmt");
	if (m->handover_script[0] && !(c->roles & MD_ROLE_MMT))
		err_at(p, p->mihf_seen[M_SCRIPT],
		       "handover-script runs on a terminal's link switch: it needs role mmt");
	if (p->mihf_seen[M_NET_HO] && !(c->roles & MD_ROLE_MMT))
		err_at(p, p->mihf_seen[M_NET_HO],
		       "network-handover: a terminal's setting: it needs role mmt");
	if (m->tcp && (c->roles & MD_ROLE_IS) && c->islink.line &&
	    c->islink.port == m->port)
		err_at(p, p->mihf_seen[M_TCP],
		       "tcp: TCP port %u is this IS server's [is-link] port; set [is-link] port or [mihf] port apart",
		       m->port);
	if (c->proxy.line && c->proxy.udp_port == m->port)	/* 0: never */
		err_at(p, p->proxy_seen[X_UDP_PORT] ? p->proxy_seen[X_UDP_PORT] :
		       c->proxy.line,
		       "[proxy] udp-port %u is the MIH function's port too; set one of them apart",
		       m->port);
}

static void finish(struct parse *p)
{
	struct md_config *c = p->cfg;
	size_t i, j;

	end_section(p);
	if (!p->main_line) {
		err_at(p, 0, "missing section [mihsecd]");
	} else {
		if (!p->main_seen[K_ROLES])
			err_at(p, p->main_line,
			       "[mihsecd]: missing required key 'roles'");
		if (!p->main_seen[K_MIHF_ID])
			err_at(p, p->main_line,
			       "[mihsecd]: missing required key 'mihf-id'");
		if (c->sa_lifetime && c->sa_soft_lifetime > c->sa_lifetime)
			err_at(p, p->main_seen[K_SA_SOFT],
			       "sa-soft-lifetime: %u is beyond sa-lifetime %u",
			       c->sa_soft_lifetime, c->sa_lifetime);
		if (c->nwpa && !(c->roles & MD_ROLE_MMT))
			err_at(p, c->wpa[0].line,
			       "[wpa_supplicant] is a terminal's key source: it needs role mmt");
		if (c->hostapd.line && !(c->roles & MD_ROLE_POA))
			err_at(p, c->hostapd.line,
			       "[hostapd] is an access router's key source: it needs role poa");
		if (c->radius.line && !(c->roles & MD_ROLE_POA))
			err_at(p, c->radius.line,
			       "[radius] is an access router's key source: it needs role poa");
		if (c->islink.line && !(c->roles & (MD_ROLE_POA | MD_ROLE_IS)))
			err_at(p, c->islink.line,
			       "[is-link] needs role poa or is");
		if ((c->roles & MD_ROLE_IS) && !c->islink.line)
			err_at(p, p->main_seen[K_ROLES],
			       "role is needs an [is-link] section (the ARs push keys over it)");
		if (c->profile == MD_PROFILE_PAPER &&
		    c->suite != MIHSEC_SUITE_AES128_CBC_HMAC_SHA1)
			err_at(p, p->main_seen[K_PROFILE],
			       "profile paper allows suite 4 only (set suite = 4)");
		mihf_finish(p);
	}
	for (i = 0; i < c->npeers; i++) {
		struct md_peer *a = &c->peers[i];

		if (a->kind == MD_PEER_IS && (c->roles & MD_ROLE_POA) &&
		    !c->islink.line)
			err_at(p, a->line,
			       "[peer %s]: an access router pushes keys to an IS server over [is-link], which is missing",
			       a->name);
		if (!a->port)
			a->port = c->port;
		if (!a->mihf_id_len)
			continue;
		if (a->mihf_id_len == c->mihf_id_len &&
		    !memcmp(a->mihf_id, c->mihf_id, c->mihf_id_len))
			err_at(p, a->id_line,
			       "mihf-id: peer '%s' has this daemon's own mihf-id",
			       a->name);
		for (j = 0; j < i; j++) {
			struct md_peer *b = &c->peers[j];

			if (a->mihf_id_len == b->mihf_id_len &&
			    !memcmp(a->mihf_id, b->mihf_id, a->mihf_id_len)) {
				err_at(p, a->id_line,
				       "mihf-id: peer '%s' has the same mihf-id as peer '%s' (line %d)",
				       a->name, b->name, b->id_line);
				break;
			}
		}
	}
}

struct md_config *md_config_load(const char *path, FILE *f,
				 struct md_errors *errs)
{
	struct parse p = { .path = path, .errs = errs };
	bool opened = false;
	int r;

	memset(errs, 0, sizeof(*errs));
	p.cfg = calloc(1, sizeof(*p.cfg));
	if (!p.cfg || !(p.cfg->path = strdup(path))) {
		err_at(&p, 0, "out of memory");
		md_config_free(p.cfg);
		return NULL;
	}
	p.cfg->log_level = MD_LOG_DEFAULT;
	p.cfg->profile = MD_PROFILE_V1;
	p.cfg->suite = MIHSEC_SUITE_AES128_GCM;
	p.cfg->port = MIHSEC_DEFAULT_PORT;
	p.cfg->kernel = MD_KERNEL_REQUIRE;
	{
		/* as mihsecctl: $MIHSEC_CONTROL, else the default */
		const char *env = getenv("MIHSEC_CONTROL");

		if (env && env[0] == '/' && strlen(env) < sizeof(p.cfg->control))
			strcpy(p.cfg->control, env);
		else
			strcpy(p.cfg->control, MD_CONTROL_DEFAULT);
	}
	p.cfg->grace = MIHSEC_GRACE_DEFAULT;
	p.cfg->is_lifetime = 3600;
	p.cfg->islink.port = MIHSEC_DEFAULT_PORT;
	{
		struct mihx_cfg x;

		mihx_cfg_defaults(&x);
		memcpy(p.cfg->mihf.rtx_ms, x.rtx_ms, sizeof(x.rtx_ms));
		p.cfg->mihf.retries = x.retries;
		p.cfg->mihf.dup_secs = x.dup_lifetime_ms / 1000;
		p.cfg->mihf.keepalive_secs = x.keepalive_ms / 1000;
		p.cfg->mihf.tcp = x.tcp_enable;
		p.cfg->mihf.max_dgram = x.max_dgram;
	}
	p.cfg->mihf.enable = true;
	p.cfg->mihf.signal_dbm = -70;	/* LINKEV_SIGNAL_THRESHOLD */
	p.cfg->mihf.discover = MD_DISCOVER_STATIC;
	p.cfg->isdb.backend = MD_ISDB_SQLITE;
	strcpy(p.cfg->isdb.path, MD_ISDB_DEFAULT_PATH);
	p.cfg->proxy.udp_port = 0;		/* ephemeral */
	if (!f) {
		f = fopen(path, "re");
		if (!f) {
			err_at(&p, 0, "cannot open: %s", strerror(errno));
			md_config_free(p.cfg);
			return NULL;
		}
		opened = true;
	}
	p.f = f;

	/* libinih's run-time settings (Debian builds it with them) */
	ini_allow_multiline = false;
	ini_allow_bom = false;		/* reader() strips it */
	ini_use_stack = false;
	ini_allow_realloc = false;
	ini_max_line = MD_LINE_MAX + 3;	/* + '\r', '\n', '\0' */
	ini_initial_alloc = MD_LINE_MAX + 3;
	ini_stop_on_first_error = false;

	r = ini_parse_stream(reader, &p, handler, &p);
	finish_line(&p);
	if (!r && ferror(f))
		err_at(&p, p.line, "read error");
	if (r == -2)
		err_at(&p, 0, "out of memory");
	free(p.buf);
	if (opened)
		fclose(f);
	finish(&p);
	if (errs->n || errs->dropped) {
		md_config_free(p.cfg);
		return NULL;
	}
	return p.cfg;
}

void md_config_free(struct md_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->peers);
	free(cfg);
}

bool md_config_equal(const struct md_config *a, const struct md_config *b)
{
	size_t i;

	if (a->roles != b->roles || a->mihf_id_len != b->mihf_id_len ||
	    memcmp(a->mihf_id, b->mihf_id, a->mihf_id_len) ||
	    a->log_level != b->log_level || a->profile != b->profile ||
	    a->suite != b->suite || a->port != b->port ||
	    a->kernel != b->kernel || a->npeers != b->npeers ||
	    strcmp(a->control, b->control) ||
	    a->sa_lifetime != b->sa_lifetime ||
	    a->sa_soft_lifetime != b->sa_soft_lifetime ||
	    a->grace != b->grace || a->is_lifetime != b->is_lifetime ||
	    a->mmt_id_from_mac != b->mmt_id_from_mac ||
	    a->nwpa != b->nwpa || memcmp(a->wpa, b->wpa, sizeof(a->wpa)) ||
	    memcmp(&a->hostapd, &b->hostapd, sizeof(a->hostapd)) ||
	    memcmp(&a->radius, &b->radius, sizeof(a->radius)) ||
	    memcmp(&a->islink, &b->islink, sizeof(a->islink)) ||
	    memcmp(&a->mihf, &b->mihf, sizeof(a->mihf)) ||
	    memcmp(&a->isdb, &b->isdb, sizeof(a->isdb)) ||
	    memcmp(&a->discovery, &b->discovery, sizeof(a->discovery)) ||
	    memcmp(&a->proxy, &b->proxy, sizeof(a->proxy)))
		return false;
	for (i = 0; i < a->npeers; i++) {
		const struct md_peer *x = &a->peers[i], *y = &b->peers[i];

		if (strcmp(x->name, y->name) ||
		    x->mihf_id_len != y->mihf_id_len ||
		    memcmp(x->mihf_id, y->mihf_id, x->mihf_id_len) ||
		    x->family != y->family || x->port != y->port ||
		    x->kind != y->kind || x->has_mac != y->has_mac ||
		    memcmp(x->mac, y->mac, sizeof(x->mac)) ||
		    (x->family == AF_INET ?
		     memcmp(&x->addr.v4, &y->addr.v4, sizeof(x->addr.v4)) :
		     memcmp(&x->addr.v6, &y->addr.v6, sizeof(x->addr.v6))))
			return false;
	}
	return true;
}

const char *md_roles_str(unsigned int roles, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s",
		 roles & MD_ROLE_MMT ? "mmt" : "",
		 (roles & MD_ROLE_MMT) && (roles & ~MD_ROLE_MMT) ? "," : "",
		 roles & MD_ROLE_POA ? "poa" : "",
		 (roles & MD_ROLE_POA) && (roles & MD_ROLE_IS) ? "," : "",
		 roles & MD_ROLE_IS ? "is" : "");
	return buf;
}

const char *md_profile_name(enum md_profile p)
{
	return p == MD_PROFILE_PAPER ? "paper" : "v1";
}

const char *md_kernel_name(enum md_kernel k)
{
	return k == MD_KERNEL_OPTIONAL ? "optional" : "require";
}

const char *md_peer_kind_name(enum md_peer_kind k)
{
	return k == MD_PEER_IS ? "is" : k == MD_PEER_MMT ? "mmt" : "poa";
}

const char *md_discover_name(enum md_discover d)
{
	return d == MD_DISCOVER_NONE ? "none" :
	       d == MD_DISCOVER_MULTICAST ? "multicast" : "static";
}

const char *md_isdb_backend_name(enum md_isdb_backend b)
{
	return b == MD_ISDB_POSTGRESQL ? "postgresql" : "sqlite";
}

bool md_mihf_enabled(const struct md_config *cfg)
{
	return cfg->mihf.line && cfg->mihf.enable;
}

const char *md_peer_addr_str(const struct md_peer *p, char *buf, size_t len)
{
	if (!p->family) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (!inet_ntop(p->family, &p->addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

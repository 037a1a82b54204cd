// SPDX-License-Identifier: GPL-2.0
/*
 * The MIH peer table (see peers.h).  A small array of separately allocated
 * entries: tables hold tens of peers, lookups are linear.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/mih.h"
#include "mihf/peers.h"

struct mihf_peers {
	struct mihf_peer **v;
	size_t n;
	size_t max;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct mihf_peers *mihf_peers_new(size_t max)
{
	struct mihf_peers *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->max = max ? max : MIHF_PEERS_DEFAULT_MAX;
	return t;
}

void mihf_peers_free(struct mihf_peers *peers)
{
	size_t i;

	if (!peers)
		return;
	for (i = 0; i < peers->n; i++)
		free(peers->v[i]);
	free(peers->v);
	free(peers);
}

size_t mihf_peers_count(const struct mihf_peers *peers)
{
	return peers ? peers->n : 0;
}

/* ---- addresses ---- */

static int sa_valid(const struct sockaddr *sa, socklen_t len)
{
	if (!sa)
		return 0;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in))
		return 1;
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6))
		return 1;
	return 0;
}

/* Same family, address and port.  v4-mapped v6 equals the v4 address. */
static void sa_norm(const struct sockaddr *sa, struct sockaddr_storage *out,
		    socklen_t *out_len)
{
	memset(out, 0, sizeof(*out));
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			struct sockaddr_in *s4 = (void *)out;

			s4->sin_family = AF_INET;
			s4->sin_port = s6->sin6_port;
			memcpy(&s4->sin_addr, &s6->sin6_addr.s6_addr[12], 4);
			*out_len = sizeof(*s4);
			return;
		}
		memcpy(out, s6, sizeof(*s6));
		*out_len = sizeof(*s6);
		return;
	}
	memcpy(out, sa, sizeof(struct sockaddr_in));
	*out_len = sizeof(struct sockaddr_in);
}

static bool sa_equal(const struct sockaddr_storage *a,
		     const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a;
		const struct sockaddr_in *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a;
		const struct sockaddr_in6 *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, 16) &&
		       x->sin6_scope_id == y->sin6_scope_id;
	}
	return false;
}

static int addr_index(const struct mihf_peer *p,
		      const struct sockaddr_storage *ss)
{
	size_t i;

	for (i = 0; i < p->n_addrs; i++)
		if (sa_equal(&p->addrs[i].sa, ss))
			return (int)i;
	return -1;
}

static void recompute(struct mihf_peer *p)
{
	uint32_t src = p->sources & MIHF_PEER_SRC_STATIC, svc = 0;
	size_t i;

	for (i = 0; i < p->n_addrs; i++) {
		src |= p->addrs[i].sources;
		svc |= p->addrs[i].services;
	}
	/* an ID learnt by Capability_Discover stays a capdisc source */
	if (p->caps.learned_ns)
		src |= MIHF_PEER_SRC_CAPDISC;
	p->sources = src;
	p->services = svc;
}

static void addr_remove(struct mihf_peer *p, size_t i)
{
	memmove(&p->addrs[i], &p->addrs[i + 1],
		(p->n_addrs - i - 1) * sizeof(p->addrs[0]));
	p->n_addrs--;
}

/* expiry merge: "never" (0) wins, else the later */
static uint64_t exp_merge(uint64_t a, uint64_t b)
{
	if (!a || !b)
		return 0;
	return a > b ? a : b;
}

static int addr_upsert(struct mihf_peer *p,
		       const struct sockaddr_storage *ss, socklen_t len,
		       uint8_t transport, uint32_t source, uint32_t services,
		       uint64_t expires)
{
	struct mihf_peer_addr *a;
	int i = addr_index(p, ss);

	if (i >= 0) {
		a = &p->addrs[i];
		if (a->sources == source)
			a->expires_ns = expires;	/* a refresh */
		else
			a->expires_ns = exp_merge(a->expires_ns, expires);
		a->sources |= source;
		a->services |= services;
		/* one endpoint reported for UDP and for TCP: both */
		if (a->transport != transport)
			a->transport = MIHF_TRANSPORT_ANY;
		return 0;
	}
	if (p->n_addrs == MIHF_PEER_ADDRS_MAX) {
		/* replace the address expiring soonest, never a fixed one */
		size_t j, victim = MIHF_PEER_ADDRS_MAX;

		for (j = 0; j < p->n_addrs; j++) {
			if (!p->addrs[j].expires_ns)
				continue;
			if (victim == MIHF_PEER_ADDRS_MAX ||
			    p->addrs[j].expires_ns < p->addrs[victim].expires_ns)
				victim = j;
		}
		if (victim == MIHF_PEER_ADDRS_MAX)
			return -ENOSPC;
		addr_remove(p, victim);
	}
	a = &p->addrs[p->n_addrs++];
	memset(a, 0, sizeof(*a));
	memcpy(&a->sa, ss, sizeof(*ss));
	a->sa_len = len;
	a->transport = transport;
	a->sources = source;
	a->services = services;
	a->expires_ns = expires;
	return 0;
}

/* ---- entries ---- */

static ssize_t peer_index(const struct mihf_peers *t, const struct mihf_peer *p)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i] == p)
			return (ssize_t)i;
	return -1;
}

static void remove_at(struct mihf_peers *t, size_t i)
{
	free(t->v[i]);
	memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(t->v[0]));
	t->n--;
}

void mihf_peers_remove(struct mihf_peers *peers, struct mihf_peer *p)
{
	ssize_t i = peers && p ? peer_index(peers, p) : -1;

	if (i >= 0)
		remove_at(peers, (size_t)i);
}

static struct mihf_peer *peer_create(struct mihf_peers *t, uint64_t now)
{
	struct mihf_peer **v, *p;

	if (t->n >= t->max)
		return NULL;
	v = realloc(t->v, (t->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	t->v = v;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->first_seen_ns = now;
	p->last_seen_ns = now;
	t->v[t->n++] = p;
	return p;
}

struct mihf_peer *mihf_peers_find_id(const struct mihf_peers *peers,
				     const void *id, size_t id_len)
{
	size_t i;

	if (!peers || !id || !id_len || id_len > MIHF_PEER_ID_MAX)
		return NULL;
	for (i = 0; i < peers->n; i++) {
		struct mihf_peer *p = peers->v[i];

		if (p->id_len == id_len && !memcmp(p->id, id, id_len))
			return p;
	}
	return NULL;
}

static struct mihf_peer *find_ss(const struct mihf_peers *t,
				 const struct sockaddr_storage *ss,
				 struct mihf_peer *skip)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i] != skip && addr_index(t->v[i], ss) >= 0)
			return t->v[i];
	return NULL;
}

struct mihf_peer *mihf_peers_find_addr(const struct mihf_peers *peers,
				       const struct sockaddr *sa,
				       socklen_t sa_len)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (!peers || !sa_valid(sa, sa_len))
		return NULL;
	sa_norm(sa, &ss, &len);
	return find_ss(peers, &ss, NULL);
}

/* Move every address of @from into @to, then drop @from */
static void merge_into(struct mihf_peers *t, struct mihf_peer *to,
		       struct mihf_peer *from)
{
	size_t i;

	for (i = 0; i < from->n_addrs; i++) {
		const struct mihf_peer_addr *a = &from->addrs[i];

		addr_upsert(to, &a->sa, a->sa_len, a->transport, a->sources,
			    a->services, a->expires_ns);
	}
	to->sources |= from->sources & MIHF_PEER_SRC_STATIC;
	if (to->kind == MIHF_PEER_UNKNOWN)
		to->kind = from->kind;
	if (from->first_seen_ns && from->first_seen_ns < to->first_seen_ns)
		to->first_seen_ns = from->first_seen_ns;
	if (from->last_seen_ns > to->last_seen_ns)
		to->last_seen_ns = from->last_seen_ns;
	if (!to->caps.learned_ns && from->caps.learned_ns)
		to->caps = from->caps;
	if (from->ka.enabled)
		to->ka = from->ka;
	recompute(to);
	mihf_peers_remove(t, from);
}

/* Detach @ss from any entry other than @keep (it moved to @keep) */
static void steal_addr(struct mihf_peers *t, struct mihf_peer *keep,
		       const struct sockaddr_storage *ss)
{
	struct mihf_peer *o;

	while ((o = find_ss(t, ss, keep))) {
		int i = addr_index(o, ss);

		if (!o->id_len) {
			/* an address-only entry: it is this peer */
			merge_into(t, keep, o);
			continue;
		}
		addr_remove(o, (size_t)i);
		recompute(o);
		if (!o->n_addrs && !(o->sources & MIHF_PEER_SRC_STATIC) &&
		    !o->caps.learned_ns)
			mihf_peers_remove(t, o);
	}
}

int mihf_peers_add(struct mihf_peers *peers, const void *id, size_t id_len,
		   enum mihf_peer_kind kind, const struct sockaddr *sa,
		   socklen_t sa_len, uint8_t transport, uint32_t source,
		   uint32_t services, uint64_t ttl_ns, uint64_t now,
		   struct mihf_peer **out)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	struct mihf_peer *p = NULL;
	uint64_t expires;
	int err;

	if (!peers || !source || (source & (source - 1)) ||
	    source > MIHF_PEER_SRC_SEEN || transport > MIHF_TRANSPORT_TCP ||
	    services & ~(uint32_t)(MIHF_SVC_IS | MIHF_SVC_ES | MIHF_SVC_CS) ||
	    (unsigned int)kind > MIHF_PEER_MMT)
		return -EINVAL;
	if (id_len > MIHF_PEER_ID_MAX)
		return -E2BIG;
	if (id_len && !id)
		return -EINVAL;
	if (sa) {
		if (!sa_valid(sa, sa_len))
			return -EAFNOSUPPORT;
		sa_norm(sa, &ss, &len);
	} else if (!id_len) {
		return -EINVAL;
	}
	if (id_len)
		p = mihf_peers_find_id(peers, id, id_len);
	if (!p && sa) {
		p = find_ss(peers, &ss, NULL);
		/* an address of another known ID does not make this peer */
		if (p && id_len && p->id_len)
			p = NULL;
	}
	if (!p) {
		p = peer_create(peers, now);
		if (!p)
			return peers->n >= peers->max ? -ENOSPC : -ENOMEM;
	}
	if (id_len && !p->id_len) {
		memcpy(p->id, id, id_len);
		p->id_len = id_len;
	}
	if (kind != MIHF_PEER_UNKNOWN)
		p->kind = kind;
	if (source == MIHF_PEER_SRC_STATIC)
		p->sources |= MIHF_PEER_SRC_STATIC;
	p->last_seen_ns = now;
	if (sa) {
		expires = ttl_ns ? now + ttl_ns : 0;
		err = addr_upsert(p, &ss, len, transport, source, services,
				  expires);
		if (err)
			return err;
		if (p->id_len)
			steal_addr(peers, p, &ss);
	}
	recompute(p);
	if (out)
		*out = p;
	return 0;
}

const struct mihf_peer_addr *mihf_peer_pick_addr(const struct mihf_peer *p,
						 uint32_t services,
						 uint8_t transport,
						 int family)
{
	const struct mihf_peer_addr *best = NULL;
	size_t i;

	if (!p)
		return NULL;
	for (i = 0; i < p->n_addrs; i++) {
		const struct mihf_peer_addr *a = &p->addrs[i];

		if (services && !(a->services & services) &&
		    !(a->sources & (MIHF_PEER_SRC_STATIC |
				    MIHF_PEER_SRC_CAPDISC |
				    MIHF_PEER_SRC_SEEN)))
			continue;
		if (transport != MIHF_TRANSPORT_ANY &&
		    a->transport != MIHF_TRANSPORT_ANY &&
		    a->transport != transport)
			continue;
		if (family != AF_UNSPEC && a->sa.ss_family != family)
			continue;
		if (a->sources & MIHF_PEER_SRC_STATIC)
			return a;
		if (!best)
			best = a;
	}
	return best;
}

int mihf_peers_seen(struct mihf_peers *peers, const void *id, size_t id_len,
		    const struct sockaddr *sa, socklen_t sa_len, bool learn,
		    uint64_t ttl_ns, uint64_t now)
{
	struct mihf_peer *p = NULL;

	if (!peers || id_len > MIHF_PEER_ID_MAX)
		return -EINVAL;
	if (id_len)
		p = mihf_peers_find_id(peers, id, id_len);
	if (!p && sa)
		p = mihf_peers_find_addr(peers, sa, sa_len);
	if (!p) {
		if (!learn)
			return -ENOENT;
		return mihf_peers_add(peers, id, id_len, MIHF_PEER_UNKNOWN,
				      sa, sa_len, MIHF_TRANSPORT_UDP,
				      MIHF_PEER_SRC_SEEN, 0, ttl_ns, now,
				      NULL);
	}
	p->last_seen_ns = now;
	p->ka.last_rx_ns = now;
	p->ka.missed = 0;
	return 0;
}

int mihf_peers_learn_caps(struct mihf_peers *peers, const void *id,
			  size_t id_len, const struct sockaddr *sa,
			  socklen_t sa_len, const struct mihf_peer_caps *caps,
			  uint64_t now, struct mihf_peer **out)
{
	struct mihf_peer *p;
	int err;

	if (!peers || !id || !id_len || !caps)
		return -EINVAL;
	if (id_len > MIHF_PEER_ID_MAX)
		return -E2BIG;
	if (caps->link_addrs_len > MIHF_PEER_LINK_ADDRS_MAX)
		return -EINVAL;
	err = mihf_peers_add(peers, id, id_len, MIHF_PEER_UNKNOWN, sa, sa_len,
			     MIHF_TRANSPORT_UDP, MIHF_PEER_SRC_CAPDISC, 0, 0,
			     now, &p);
	if (err)
		return err;
	p->caps = *caps;
	p->caps.learned_ns = now;
	p->ka.last_rx_ns = now;
	recompute(p);
	if (out)
		*out = p;
	return 0;
}

static uint64_t be_uint(const uint8_t *v, size_t n)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < n; i++)
		x = x << 8 | v[i];
	return x;
}

int mihf_peer_caps_from_tlvs(const uint8_t *body, size_t len,
			     struct mihf_peer_caps *caps)
{
	struct mih_tlv_iter it;
	struct mih_tlv tlv;
	int r;

	if (!caps || (!body && len))
		return -EINVAL;
	memset(caps, 0, sizeof(*caps));
	mih_tlv_iter_init(&it, body, len);
	while ((r = mih_tlv_next(&it, &tlv)) > 0) {
		switch (tlv.type) {
		case MIH_TLV_EVT_LIST:
			if (tlv.len != 4 || caps->has_evt)
				return -EBADMSG;
			caps->evt_list = (uint32_t)be_uint(tlv.value, 4);
			caps->has_evt = true;
			break;
		case MIH_TLV_CMD_LIST:
			if (tlv.len != 4 || caps->has_cmd)
				return -EBADMSG;
			caps->cmd_list = (uint32_t)be_uint(tlv.value, 4);
			caps->has_cmd = true;
			break;
		case MIH_TLV_IQ_TYPE_LIST:
			if (tlv.len != 8 || caps->has_iq)
				return -EBADMSG;
			caps->iq_type_list = be_uint(tlv.value, 8);
			caps->has_iq = true;
			break;
		case MIH_TLV_TRANS_LIST:
			if (tlv.len != 2 || caps->has_trans)
				return -EBADMSG;
			caps->trans_list = (uint16_t)be_uint(tlv.value, 2);
			caps->has_trans = true;
			break;
		case MIH_TLV_LINK_ADDR_LIST:
			if (caps->has_link_addrs)
				return -EBADMSG;
			if (tlv.len > MIHF_PEER_LINK_ADDRS_MAX)
				return -E2BIG;
			memcpy(caps->link_addrs, tlv.value, tlv.len);
			caps->link_addrs_len = tlv.len;
			caps->has_link_addrs = true;
			break;
		default:
			break;
		}
	}
	return r < 0 ? -EBADMSG : 0;
}

/* ---- expiry ---- */

static int sweep(struct mihf_peers *t)
{
	size_t i = 0;
	int removed = 0;

	while (i < t->n) {
		struct mihf_peer *p = t->v[i];

		if (!p->n_addrs && !(p->sources & MIHF_PEER_SRC_STATIC)) {
			remove_at(t, i);
			removed++;
			continue;
		}
		i++;
	}
	return removed;
}

int mihf_peers_expire(struct mihf_peers *peers, uint64_t now)
{
	size_t i, j;

	if (!peers)
		return 0;
	for (i = 0; i < peers->n; i++) {
		struct mihf_peer *p = peers->v[i];

		j = 0;
		while (j < p->n_addrs) {
			if (p->addrs[j].expires_ns &&
			    p->addrs[j].expires_ns <= now) {
				addr_remove(p, j);
				continue;
			}
			j++;
		}
		recompute(p);
	}
	return sweep(peers);
}

int mihf_peers_forget_source(struct mihf_peers *peers, uint32_t source)
{
	size_t i, j;

	if (!peers)
		return 0;
	for (i = 0; i < peers->n; i++) {
		struct mihf_peer *p = peers->v[i];

		if (source & MIHF_PEER_SRC_STATIC)
			p->sources &= ~(uint32_t)MIHF_PEER_SRC_STATIC;
		j = 0;
		while (j < p->n_addrs) {
			p->addrs[j].sources &= ~source;
			if (!p->addrs[j].sources) {
				addr_remove(p, j);
				continue;
			}
			j++;
		}
		recompute(p);
	}
	return sweep(peers);
}

int mihf_peers_foreach(const struct mihf_peers *peers, mihf_peers_cb cb,
		       void *arg)
{
	size_t i;
	int r;

	if (!peers || !cb)
		return 0;
	for (i = 0; i < peers->n; i++) {
		r = cb(peers->v[i], arg);
		if (r)
			return r;
	}
	return 0;
}

/* ---- names and JSON ---- */

static const char *const kind_names[] = {
	[MIHF_PEER_UNKNOWN] = "unknown",
	[MIHF_PEER_POA] = "poa",
	[MIHF_PEER_IS] = "is",
	[MIHF_PEER_MMT] = "mmt",
};

const char *mihf_peer_kind_name(enum mihf_peer_kind kind)
{
	if ((unsigned int)kind > MIHF_PEER_MMT)
		return "unknown";
	return kind_names[kind];
}

int mihf_peer_kind_parse(const char *name)
{
	unsigned int i;

	for (i = 0; name && i <= MIHF_PEER_MMT; i++)
		if (!strcmp(name, kind_names[i]))
			return (int)i;
	return -1;
}

static const char *const source_names[] = {
	"static", "capdisc", "dns", "dhcp", "seen",
};

const char *mihf_peer_source_name(uint32_t source_bit)
{
	unsigned int i;

	for (i = 0; i < 5; i++)
		if (source_bit == 1u << i)
			return source_names[i];
	return "?";
}

const char *mihf_sockaddr_ntop(const struct sockaddr *sa, char *buf,
			       size_t size)
{
	const void *a;

	if (!sa || !buf || !size)
		return NULL;
	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else {
		snprintf(buf, size, "?");
		return buf;
	}
	if (!inet_ntop(sa->sa_family, a, buf, (socklen_t)size)) {
		snprintf(buf, size, "?");
		return buf;
	}
	/* a link-local address names its link: fe80::1%eth0 */
	if (sa->sa_family == AF_INET6 &&
	    ((const struct sockaddr_in6 *)sa)->sin6_scope_id) {
		char ifn[IF_NAMESIZE];
		size_t n = strlen(buf);

		if (if_indextoname(((const struct sockaddr_in6 *)sa)->
				   sin6_scope_id, ifn))
			snprintf(buf + n, size - n, "%%%s", ifn);
		else
			snprintf(buf + n, size - n, "%%%u",
				 ((const struct sockaddr_in6 *)sa)->
				 sin6_scope_id);
	}
	return buf;
}

static uint16_t sa_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

static struct json_object *bits_json(uint32_t bits, const char *const *names,
				     unsigned int n)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	if (!a)
		return NULL;
	for (i = 0; i < n; i++)
		if (bits & (1u << i))
			json_object_array_add(a, json_object_new_string(names[i]));
	return a;
}

static const char *const service_names[] = { "is", "es", "cs" };

/* printable ASCII as is, everything else (and '\\') as \xHH */
static struct json_object *id_json(const uint8_t *id, size_t len)
{
	char buf[MIHF_PEER_ID_MAX * 4 + 1];
	size_t i, o = 0;

	if (!len)
		return NULL;
	for (i = 0; i < len; i++) {
		if (id[i] >= 0x20 && id[i] < 0x7f && id[i] != '\\')
			buf[o++] = (char)id[i];
		else
			o += (size_t)snprintf(buf + o, sizeof(buf) - o,
					      "\\x%02x", id[i]);
	}
	buf[o] = 0;
	return json_object_new_string(buf);
}

static int64_t ms_ago(uint64_t now, uint64_t t)
{
	return now > t ? (int64_t)((now - t) / 1000000ULL) : 0;
}

static void add(struct json_object *o, const char *k, struct json_object *v,
		int *err)
{
	/* v may be NULL: a JSON null */
	if (json_object_object_add(o, k, v))
		*err = -ENOMEM;
}

int mihf_peer_to_json(const struct mihf_peer *p, uint64_t now,
		      struct json_object **out)
{
	struct json_object *o, *addrs, *ka;
	char buf[INET6_ADDRSTRLEN + 8];
	int err = 0;
	size_t i;

	if (!p || !out)
		return -EINVAL;
	o = json_object_new_object();
	addrs = json_object_new_array();
	ka = json_object_new_object();
	if (!o || !addrs || !ka) {
		json_object_put(o);
		json_object_put(addrs);
		json_object_put(ka);
		return -ENOMEM;
	}
	add(o, "id", id_json(p->id, p->id_len), &err);
	add(o, "kind", json_object_new_string(mihf_peer_kind_name(p->kind)),
	    &err);
	add(o, "sources", bits_json(p->sources, source_names, 5), &err);
	add(o, "services", bits_json(p->services, service_names, 3), &err);
	for (i = 0; i < p->n_addrs; i++) {
		const struct mihf_peer_addr *a = &p->addrs[i];
		struct json_object *ao = json_object_new_object();
		static const char *const tr[] = { "any", "udp", "tcp" };

		if (!ao) {
			err = -ENOMEM;
			break;
		}
		add(ao, "address", json_object_new_string(
			mihf_sockaddr_ntop((const void *)&a->sa, buf,
					   sizeof(buf))), &err);
		add(ao, "port", json_object_new_int(sa_port(&a->sa)), &err);
		add(ao, "transport", json_object_new_string(
			tr[a->transport <= 2 ? a->transport : 0]), &err);
		add(ao, "sources", bits_json(a->sources, source_names, 5),
		    &err);
		add(ao, "services", bits_json(a->services, service_names, 3),
		    &err);
		add(ao, "expires_in_ms", a->expires_ns ?
		    json_object_new_int64(a->expires_ns > now ?
			(int64_t)((a->expires_ns - now) / 1000000ULL) : 0) :
		    NULL, &err);
		if (json_object_array_add(addrs, ao)) {
			json_object_put(ao);
			err = -ENOMEM;
		}
	}
	add(o, "addresses", addrs, &err);
	if (p->caps.learned_ns) {
		struct json_object *c = json_object_new_object();

		if (!c) {
			err = -ENOMEM;
		} else {
			if (p->caps.has_evt) {
				snprintf(buf, sizeof(buf), "0x%08" PRIx32,
					 p->caps.evt_list);
				add(c, "events", json_object_new_string(buf),
				    &err);
			}
			if (p->caps.has_cmd) {
				snprintf(buf, sizeof(buf), "0x%08" PRIx32,
					 p->caps.cmd_list);
				add(c, "commands", json_object_new_string(buf),
				    &err);
			}
			if (p->caps.has_iq) {
				snprintf(buf, sizeof(buf), "0x%016" PRIx64,
					 p->caps.iq_type_list);
				add(c, "iq_types", json_object_new_string(buf),
				    &err);
			}
			if (p->caps.has_trans) {
				snprintf(buf, sizeof(buf), "0x%04" PRIx16,
					 p->caps.trans_list);
				add(c, "transports",
				    json_object_new_string(buf), &err);
			}
			if (p->caps.has_link_addrs) {
				char *h = malloc(p->caps.link_addrs_len * 2 + 1);

				if (!h) {
					err = -ENOMEM;
				} else {
					for (i = 0; i < p->caps.link_addrs_len;
					     i++)
						sprintf(h + 2 * i, "%02x",
							p->caps.link_addrs[i]);
					h[2 * p->caps.link_addrs_len] = 0;
					add(c, "link_addrs",
					    json_object_new_string(h), &err);
					free(h);
				}
			}
			add(c, "age_ms", json_object_new_int64(
				ms_ago(now, p->caps.learned_ns)), &err);
			add(o, "capabilities", c, &err);
		}
	} else {
		add(o, "capabilities", NULL, &err);
	}
	add(o, "first_seen_ms_ago",
	    json_object_new_int64(ms_ago(now, p->first_seen_ns)), &err);
	add(o, "last_seen_ms_ago",
	    json_object_new_int64(ms_ago(now, p->last_seen_ns)), &err);
	add(ka, "enabled", json_object_new_boolean(p->ka.enabled), &err);
	add(ka, "missed", json_object_new_int64(p->ka.missed), &err);
	add(ka, "last_rx_ms_ago", p->ka.last_rx_ns ?
	    json_object_new_int64(ms_ago(now, p->ka.last_rx_ns)) : NULL,
	    &err);
	add(o, "keepalive", ka, &err);
	if (err) {
		json_object_put(o);
		return err;
	}
	*out = o;
	return 0;
}

int mihf_peers_to_json(const struct mihf_peers *peers,
		       struct json_object **out)
{
	struct json_object *a, *o;
	uint64_t now = mono_ns();
	size_t i;
	int err;

	if (!out)
		return -EINVAL;
	a = json_object_new_array();
	if (!a)
		return -ENOMEM;
	for (i = 0; peers && i < peers->n; i++) {
		err = mihf_peer_to_json(peers->v[i], now, &o);
		if (!err && json_object_array_add(a, o)) {
			json_object_put(o);
			err = -ENOMEM;
		}
		if (err) {
			json_object_put(a);
			return err;
		}
	}
	*out = a;
	return 0;
}

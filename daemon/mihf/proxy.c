// SPDX-License-Identifier: GPL-2.0
/*
 * MIH proxy between layer 2 (ethertype 0x8917) and UDP (see proxy.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/mih.h"
#include "mihf/proxy.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

#define MSEC	1000000ULL

struct term {
	uint8_t id[MIH_MIHF_ID_MAX];
	size_t id_len;
	uint8_t mac[MIHF_PROXY_ETH_ALEN];
	uint64_t last_ns;
	struct sockaddr_storage dest;	/* where its last frame went */
	socklen_t dest_len;
};

struct mihf_proxy {
	struct mihf_proxy_cfg cfg;
	struct md_loop *loop;
	struct mihf_peers *peers;
	int pfd, ufd;
	int ufamily;			/* family of the UDP socket */
	int ifindex;
	uint16_t port;
	struct term *t;
	size_t nt;
	struct mihf_proxy_stats st;
	uint8_t buf[MIH_PDU_MAX + 1];
};

void mihf_proxy_cfg_init(struct mihf_proxy_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->udp_port = MIHF_PROXY_DEFAULT_PORT;
	cfg->max_terminals = MIHF_PROXY_DEFAULT_TERMINALS;
	cfg->terminal_ttl_ms = MIHF_PROXY_DEFAULT_TTL_MS;
	cfg->l2_mtu = MIHF_PROXY_DEFAULT_L2_MTU;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* v4-mapped v6 -> v4; returns the length */
static socklen_t sa_norm(const struct sockaddr *sa, socklen_t len,
			 struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			struct sockaddr_in *s4 = (void *)out;

			s4->sin_family = AF_INET;
			s4->sin_port = s6->sin6_port;
			memcpy(&s4->sin_addr, &s6->sin6_addr.s6_addr[12], 4);
			return sizeof(*s4);
		}
		memcpy(out, s6, sizeof(*s6));
		return sizeof(*s6);
	}
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		memcpy(out, sa, sizeof(struct sockaddr_in));
		return sizeof(struct sockaddr_in);
	}
	return 0;
}

static bool sa_same(const struct sockaddr_storage *a,
		    const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a;
		const struct sockaddr_in6 *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
	}
	return false;
}

/* ---- the terminal table ---- */

static void purge(struct mihf_proxy *px, uint64_t now)
{
	uint64_t ttl = (uint64_t)px->cfg.terminal_ttl_ms * MSEC;
	size_t i = 0;

	while (i < px->nt) {
		if (now >= px->t[i].last_ns + ttl) {
			px->t[i] = px->t[--px->nt];
			continue;
		}
		i++;
	}
	px->st.terminals = px->nt;
}

static struct term *term_find(const struct mihf_proxy *px, const void *id,
			      size_t id_len, uint64_t now)
{
	uint64_t ttl = (uint64_t)px->cfg.terminal_ttl_ms * MSEC;
	size_t i;

	if (!id_len)
		return NULL;
	for (i = 0; i < px->nt; i++) {
		struct term *t = &px->t[i];

		if (t->id_len == id_len && !memcmp(t->id, id, id_len) &&
		    now < t->last_ns + ttl)
			return t;
	}
	return NULL;
}

static struct term *term_bind(struct mihf_proxy *px, const uint8_t *id,
			      size_t id_len, const uint8_t *mac, uint64_t now)
{
	struct term *t;
	size_t i, lru = 0;

	purge(px, now);
	t = term_find(px, id, id_len, now);
	if (!t) {
		if (px->nt < px->cfg.max_terminals) {
			t = &px->t[px->nt++];
		} else {
			for (i = 1; i < px->nt; i++)
				if (px->t[i].last_ns < px->t[lru].last_ns)
					lru = i;
			t = &px->t[lru];
			md_debug("proxy: terminal table full, replacing one");
		}
		memset(t, 0, sizeof(*t));
		memcpy(t->id, id, id_len);
		t->id_len = id_len;
	}
	if (memcmp(t->mac, mac, MIHF_PROXY_ETH_ALEN))
		memcpy(t->mac, mac, MIHF_PROXY_ETH_ALEN);
	t->last_ns = now;
	px->st.terminals = px->nt;
	return t;
}

int mihf_proxy_lookup_terminal(const struct mihf_proxy *px, const void *id,
			       size_t id_len, uint64_t now,
			       uint8_t mac[MIHF_PROXY_ETH_ALEN])
{
	const struct term *t = px ? term_find(px, id, id_len, now) : NULL;

	if (!t)
		return -ENOENT;
	memcpy(mac, t->mac, MIHF_PROXY_ETH_ALEN);
	return 0;
}

/* ---- sending ---- */

static int send_udp(struct mihf_proxy *px, const struct sockaddr_storage *to,
		    socklen_t to_len, const uint8_t *pdu, size_t len)
{
	struct sockaddr_in6 m;

	if (px->cfg.ops)
		return px->cfg.ops->send_udp(px->cfg.ops->arg,
					     (const void *)to, to_len, pdu,
					     len);
	if (px->ufamily == AF_INET6 && to->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)to;

		memset(&m, 0, sizeof(m));
		m.sin6_family = AF_INET6;
		m.sin6_port = s4->sin_port;
		m.sin6_addr.s6_addr[10] = 0xff;
		m.sin6_addr.s6_addr[11] = 0xff;
		memcpy(&m.sin6_addr.s6_addr[12], &s4->sin_addr, 4);
		to = (const void *)&m;
		to_len = sizeof(m);
	}
	if (sendto(px->ufd, pdu, len, MSG_DONTWAIT, (const void *)to,
		   to_len) != (ssize_t)len)
		return -errno;
	return 0;
}

static int send_l2(struct mihf_proxy *px, const uint8_t *mac,
		   const uint8_t *pdu, size_t len)
{
	struct sockaddr_ll ll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(MIHF_PROXY_ETHERTYPE),
		.sll_ifindex = px->ifindex,
		.sll_halen = MIHF_PROXY_ETH_ALEN,
	};

	if (px->cfg.ops)
		return px->cfg.ops->send_l2(px->cfg.ops->arg, mac, pdu, len);
	memcpy(ll.sll_addr, mac, MIHF_PROXY_ETH_ALEN);
	if (sendto(px->pfd, pdu, len, MSG_DONTWAIT, (const void *)&ll,
		   sizeof(ll)) != (ssize_t)len)
		return -errno;
	return 0;
}

/* ---- relaying ---- */

/* Where a PDU for MIHF @id goes: 0 and *to, or -EHOSTUNREACH */
static int route(struct mihf_proxy *px, const uint8_t *id, size_t id_len,
		 struct sockaddr_storage *to, socklen_t *to_len)
{
	const struct mihf_peer *p = NULL;
	const struct mihf_peer_addr *a = NULL;

	if (id_len && px->peers)
		p = mihf_peers_find_id(px->peers, id, id_len);
	if (p) {
		/* a v4-only socket reaches v4 addresses only */
		a = mihf_peer_pick_addr(p, 0, MIHF_TRANSPORT_UDP,
					px->ufamily == AF_INET ? AF_INET :
								 AF_UNSPEC);
	}
	if (a) {
		*to = a->sa;
		*to_len = a->sa_len;
		return 0;
	}
	if (px->cfg.upstream.ss_family) {
		*to_len = sa_norm((const void *)&px->cfg.upstream,
				  px->cfg.upstream_len, to);
		if (*to_len)
			return 0;
	}
	return -EHOSTUNREACH;
}

int mihf_proxy_input_l2(struct mihf_proxy *px,
			const uint8_t mac[MIHF_PROXY_ETH_ALEN],
			const uint8_t *pdu, size_t len, uint64_t now)
{
	struct sockaddr_storage to;
	socklen_t to_len = 0;
	struct mih_pdu p;
	struct term *t = NULL;
	int err;

	if (!px || !mac || (!pdu && len))
		return -EINVAL;
	px->st.l2_rx++;
	if (len > MIHF_PROXY_UDP_MAX) {
		px->st.drop_size++;
		return -EMSGSIZE;
	}
	if (mih_pdu_parse(pdu, len, &p)) {
		px->st.drop_malformed++;
		return -EBADMSG;
	}
	/* a group MAC source is forged: never bind replies to it */
	if (mac[0] & 1) {
		px->st.drop_malformed++;
		return -EBADMSG;
	}
	err = route(px, p.dst_id, p.dst_id_len, &to, &to_len);
	if (err) {
		px->st.drop_no_route++;
		return err;
	}
	if (p.src_id_len) {
		t = term_bind(px, p.src_id, p.src_id_len, mac, now);
		t->dest = to;
		t->dest_len = to_len;
	}
	err = send_udp(px, &to, to_len, pdu, len);
	if (err) {
		px->st.drop_send_error++;
		return err;
	}
	px->st.udp_tx++;
	return 0;
}

static bool sender_allowed(struct mihf_proxy *px,
			   const struct sockaddr_storage *from,
			   socklen_t from_len, uint64_t now)
{
	struct sockaddr_storage up;
	uint64_t ttl = (uint64_t)px->cfg.terminal_ttl_ms * MSEC;
	size_t i;

	if (px->cfg.upstream.ss_family &&
	    sa_norm((const void *)&px->cfg.upstream, px->cfg.upstream_len,
		    &up) && sa_same(&up, from))
		return true;
	if (px->peers && mihf_peers_find_addr(px->peers, (const void *)from,
					      from_len))
		return true;
	for (i = 0; i < px->nt; i++)
		if (px->t[i].dest_len && now < px->t[i].last_ns + ttl &&
		    sa_same(&px->t[i].dest, from))
			return true;
	return false;
}

int mihf_proxy_input_udp(struct mihf_proxy *px, const struct sockaddr *from,
			 socklen_t from_len, const uint8_t *pdu, size_t len,
			 uint64_t now)
{
	struct sockaddr_storage f;
	socklen_t flen;
	struct mih_pdu p;
	struct term *t;
	int err;

	if (!px || !from || (!pdu && len))
		return -EINVAL;
	px->st.udp_rx++;
	flen = sa_norm(from, from_len, &f);
	if (!flen || !sender_allowed(px, &f, flen, now)) {
		px->st.drop_sender++;
		return -EPERM;
	}
	if (mih_pdu_parse(pdu, len, &p)) {
		px->st.drop_malformed++;
		return -EBADMSG;
	}
	if (len > px->cfg.l2_mtu) {
		px->st.drop_size++;
		return -EMSGSIZE;
	}
	t = term_find(px, p.dst_id, p.dst_id_len, now);
	if (!t) {
		px->st.drop_unknown_terminal++;
		return -EHOSTUNREACH;
	}
	err = send_l2(px, t->mac, pdu, len);
	if (err) {
		px->st.drop_send_error++;
		return err;
	}
	px->st.l2_tx++;
	return 0;
}

/* ---- sockets on the loop ---- */

static void on_packet(struct md_loop *loop, int fd, uint32_t events,
		      void *arg)
{
	struct mihf_proxy *px = arg;
	int i;

	(void)loop;
	(void)events;
	for (i = 0; i < 64; i++) {
		struct sockaddr_ll ll;
		socklen_t sl = sizeof(ll);
		ssize_t n = recvfrom(fd, px->buf, sizeof(px->buf),
				     MSG_DONTWAIT | MSG_TRUNC, (void *)&ll,
				     &sl);

		if (n < 0)
			return;
		/* our own transmissions; others' unicast (promiscuous) */
		if (ll.sll_pkttype == PACKET_OUTGOING ||
		    ll.sll_pkttype == PACKET_OTHERHOST)
			continue;
		if (ll.sll_halen != MIHF_PROXY_ETH_ALEN) {
			px->st.l2_rx++;
			px->st.drop_malformed++;
			continue;
		}
		if ((size_t)n > px->cfg.l2_mtu) {
			px->st.l2_rx++;
			px->st.drop_size++;
			continue;
		}
		mihf_proxy_input_l2(px, ll.sll_addr, px->buf, (size_t)n,
				    mono_ns());
	}
}

static void on_udp(struct md_loop *loop, int fd, uint32_t events, void *arg)
{
	struct mihf_proxy *px = arg;
	int i;

	(void)loop;
	(void)events;
	for (i = 0; i < 64; i++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, px->buf, sizeof(px->buf),
				     MSG_DONTWAIT | MSG_TRUNC, (void *)&from,
				     &fl);

		if (n < 0)
			return;
		if ((size_t)n > MIHF_PROXY_UDP_MAX) {
			px->st.udp_rx++;
			px->st.drop_size++;
			continue;
		}
		mihf_proxy_input_udp(px, (const void *)&from, fl, px->buf,
				     (size_t)n, mono_ns());
	}
}

static int open_packet(struct mihf_proxy *px)
{
	struct sockaddr_ll ll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(MIHF_PROXY_ETHERTYPE),
	};

	px->ifindex = (int)if_nametoindex(px->cfg.ifname);
	if (!px->ifindex)
		return -ENODEV;
	ll.sll_ifindex = px->ifindex;
	px->pfd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 htons(MIHF_PROXY_ETHERTYPE));
	if (px->pfd < 0)
		return -errno;
	if (bind(px->pfd, (void *)&ll, sizeof(ll)))
		return -errno;
	return 0;
}

static int open_udp(struct mihf_proxy *px)
{
	struct sockaddr_storage b;
	socklen_t bl;
	int zero = 0;

	if (px->cfg.bind.ss_family) {
		bl = px->cfg.bind_len;
		memcpy(&b, &px->cfg.bind, sizeof(b));
	} else {
		struct sockaddr_in6 *s6 = (void *)&b;

		memset(&b, 0, sizeof(b));
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		bl = sizeof(*s6);
	}
	if (b.ss_family == AF_INET)
		((struct sockaddr_in *)&b)->sin_port = htons(px->cfg.udp_port);
	else if (b.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&b)->sin6_port =
			htons(px->cfg.udp_port);
	else
		return -EAFNOSUPPORT;
	px->ufamily = b.ss_family;
	px->ufd = socket(b.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
			 SOCK_CLOEXEC, 0);
	if (px->ufd < 0)
		return -errno;
	if (b.ss_family == AF_INET6 &&
	    setsockopt(px->ufd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
		       sizeof(zero)))
		return -errno;
	if (bind(px->ufd, (void *)&b, bl))
		return -errno;
	bl = sizeof(b);
	if (getsockname(px->ufd, (void *)&b, &bl))
		return -errno;
	px->port = ntohs(b.ss_family == AF_INET ?
			 ((struct sockaddr_in *)&b)->sin_port :
			 ((struct sockaddr_in6 *)&b)->sin6_port);
	return 0;
}

struct mihf_proxy *mihf_proxy_new(struct md_loop *loop,
				  const struct mihf_proxy_cfg *cfg,
				  struct mihf_peers *peers, int *err)
{
	struct mihf_proxy *px;
	int e = 0;

	if (!cfg || (!cfg->ops && (!loop || !cfg->ifname[0])) ||
	    (cfg->ops && (!cfg->ops->send_l2 || !cfg->ops->send_udp)) ||
	    (cfg->upstream.ss_family &&
	     cfg->upstream.ss_family != AF_INET &&
	     cfg->upstream.ss_family != AF_INET6)) {
		if (err)
			*err = -EINVAL;
		return NULL;
	}
	px = calloc(1, sizeof(*px));
	if (!px) {
		if (err)
			*err = -ENOMEM;
		return NULL;
	}
	px->cfg = *cfg;
	px->cfg.ifname[IF_NAMESIZE - 1] = 0;
	if (!px->cfg.max_terminals)
		px->cfg.max_terminals = MIHF_PROXY_DEFAULT_TERMINALS;
	if (!px->cfg.terminal_ttl_ms)
		px->cfg.terminal_ttl_ms = MIHF_PROXY_DEFAULT_TTL_MS;
	if (!px->cfg.l2_mtu)
		px->cfg.l2_mtu = MIHF_PROXY_DEFAULT_L2_MTU;
	/* upstream port 0: the MIH port */
	if (px->cfg.upstream.ss_family == AF_INET &&
	    !((struct sockaddr_in *)&px->cfg.upstream)->sin_port)
		((struct sockaddr_in *)&px->cfg.upstream)->sin_port =
			htons(MIH_PORT);
	if (px->cfg.upstream.ss_family == AF_INET6 &&
	    !((struct sockaddr_in6 *)&px->cfg.upstream)->sin6_port)
		((struct sockaddr_in6 *)&px->cfg.upstream)->sin6_port =
			htons(MIH_PORT);
	if (px->cfg.upstream.ss_family && !px->cfg.upstream_len)
		px->cfg.upstream_len = px->cfg.upstream.ss_family == AF_INET ?
			sizeof(struct sockaddr_in) :
			sizeof(struct sockaddr_in6);
	px->loop = loop;
	px->peers = peers;
	px->pfd = px->ufd = -1;
	px->ufamily = AF_INET6;
	px->t = calloc(px->cfg.max_terminals, sizeof(*px->t));
	if (!px->t) {
		e = -ENOMEM;
		goto fail;
	}
	if (!cfg->ops) {
		e = open_packet(px);
		if (!e)
			e = open_udp(px);
		if (!e)
			e = md_loop_add_fd(loop, px->pfd, EPOLLIN, on_packet,
					   px);
		if (!e) {
			e = md_loop_add_fd(loop, px->ufd, EPOLLIN, on_udp, px);
			if (e)
				md_loop_del_fd(loop, px->pfd);
		}
		if (e)
			goto fail;
		md_info("proxy: %s <-> UDP port %u", px->cfg.ifname, px->port);
	}
	return px;
fail:
	if (px->pfd >= 0)
		close(px->pfd);
	if (px->ufd >= 0)
		close(px->ufd);
	free(px->t);
	free(px);
	if (err)
		*err = e;
	return NULL;
}

void mihf_proxy_free(struct mihf_proxy *px)
{
	if (!px)
		return;
	if (px->pfd >= 0) {
		md_loop_del_fd(px->loop, px->pfd);
		close(px->pfd);
	}
	if (px->ufd >= 0) {
		md_loop_del_fd(px->loop, px->ufd);
		close(px->ufd);
	}
	free(px->t);
	free(px);
}

uint16_t mihf_proxy_udp_port(const struct mihf_proxy *px)
{
	return px ? px->port : 0;
}

void mihf_proxy_get_stats(const struct mihf_proxy *px,
			  struct mihf_proxy_stats *st)
{
	if (px && st)
		*st = px->st;
}

static void jadd(struct json_object *o, const char *k, struct json_object *v,
		 int *err)
{
	if (json_object_object_add(o, k, v))
		*err = -ENOMEM;
}

int mihf_proxy_to_json(const struct mihf_proxy *px, struct json_object **out)
{
	struct json_object *o, *s, *ts;
	uint64_t now = mono_ns();
	uint64_t ttl;
	int err = 0;
	size_t i;

	if (!px || !out)
		return -EINVAL;
	ttl = (uint64_t)px->cfg.terminal_ttl_ms * MSEC;
	o = json_object_new_object();
	s = json_object_new_object();
	ts = json_object_new_array();
	if (!o || !s || !ts) {
		json_object_put(o);
		json_object_put(s);
		json_object_put(ts);
		return -ENOMEM;
	}
#define STAT(f) jadd(s, #f, json_object_new_int64((int64_t)px->st.f), &err)
	STAT(l2_rx);
	STAT(udp_tx);
	STAT(udp_rx);
	STAT(l2_tx);
	STAT(drop_malformed);
	STAT(drop_size);
	STAT(drop_no_route);
	STAT(drop_unknown_terminal);
	STAT(drop_sender);
	STAT(drop_send_error);
	STAT(terminals);
#undef STAT
	jadd(o, "stats", s, &err);
	for (i = 0; i < px->nt; i++) {
		const struct term *t = &px->t[i];
		struct json_object *e;
		char id[MIH_MIHF_ID_MAX * 4 + 1], mac[18], a[INET6_ADDRSTRLEN];
		size_t k, n = 0;

		if (now >= t->last_ns + ttl)
			continue;
		for (k = 0; k < t->id_len; k++) {
			if (t->id[k] >= 0x20 && t->id[k] < 0x7f &&
			    t->id[k] != '\\')
				id[n++] = (char)t->id[k];
			else
				n += (size_t)snprintf(id + n, sizeof(id) - n,
						      "\\x%02x", t->id[k]);
		}
		id[n] = 0;
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 t->mac[0], t->mac[1], t->mac[2], t->mac[3], t->mac[4],
			 t->mac[5]);
		e = json_object_new_object();
		if (!e) {
			err = -ENOMEM;
			break;
		}
		jadd(e, "id", json_object_new_string(id), &err);
		jadd(e, "mac", json_object_new_string(mac), &err);
		jadd(e, "idle_ms", json_object_new_int64(
			(int64_t)((now - t->last_ns) / MSEC)), &err);
		jadd(e, "upstream", t->dest_len ? json_object_new_string(
			mihf_sockaddr_ntop((const void *)&t->dest, a,
					   sizeof(a))) : NULL, &err);
		if (json_object_array_add(ts, e)) {
			json_object_put(e);
			err = -ENOMEM;
		}
	}
	jadd(o, "terminals", ts, &err);
	if (err) {
		json_object_put(o);
		return err;
	}
	*out = o;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the MIH proxy (mihf/proxy.c) without sockets: the proxy
 * runs with cfg.ops (send hooks that record what would go out) and frames
 * are injected with mihf_proxy_input_l2() / mihf_proxy_input_udp() --
 * exactly what the AF_PACKET and UDP handlers call.  Covered: routing by
 * Destination MIHF ID through the peer table, the upstream fallback, the
 * MIHF ID -> MAC binding (learn, move, expiry, LRU bound), the sender
 * check on the UDP side, malformed and oversized PDUs dropped and counted,
 * JSON.  The real sockets are exercised by tests/host/proxy_l2.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmisleading-indentation"
#include "kselftest_harness.h"

#include "lib/mih.h"
#include "mihf/peers.h"
#include "mihf/proxy.h"

#define MS 1000000ULL

struct sent {
	int l2, udp;
	uint8_t mac[6];
	struct sockaddr_storage to;
	socklen_t to_len;
	uint8_t pdu[2048];
	size_t len;
	int fail;		/* next send returns this */
};

static int rec_l2(void *arg, const uint8_t mac[6], const uint8_t *pdu,
		  size_t len)
{
	struct sent *s = arg;

	if (s->fail)
		return s->fail;
	s->l2++;
	memcpy(s->mac, mac, 6);
	memcpy(s->pdu, pdu, len < sizeof(s->pdu) ? len : sizeof(s->pdu));
	s->len = len;
	return 0;
}

static int rec_udp(void *arg, const struct sockaddr *to, socklen_t to_len,
		   const uint8_t *pdu, size_t len)
{
	struct sent *s = arg;

	if (s->fail)
		return s->fail;
	s->udp++;
	memcpy(&s->to, to, to_len);
	s->to_len = to_len;
	memcpy(s->pdu, pdu, len < sizeof(s->pdu) ? len : sizeof(s->pdu));
	s->len = len;
	return 0;
}

/* An MIH_Capability_Discover request src -> dst (body: one EVT_LIST) */
static size_t mkpdu(uint8_t *buf, size_t size, const char *src,
		    const char *dst, size_t pad)
{
	struct mih_builder b;
	struct mih_hdr h = {
		.version = MIH_VERSION, .sid = MIH_SID_SERVICE_MGMT,
		.opcode = MIH_OP_REQUEST, .aid = MIH_AID_CAPABILITY_DISCOVER,
		.tid = 7,
	};
	static const uint8_t evt[4] = { 0, 0, 0, 6 };
	static uint8_t big[4096];
	size_t len;

	mih_builder_init(&b, buf, size);
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, src, strlen(src), dst, strlen(dst));
	mih_build_tlv(&b, MIH_TLV_EVT_LIST, evt, 4);
	if (pad)
		mih_build_tlv(&b, 101, big, (uint32_t)pad);
	if (mih_build_finish(&b, &len))
		return 0;
	return len;
}

static socklen_t mk4(struct sockaddr_storage *ss, const char *a, uint16_t port)
{
	struct sockaddr_in *s = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	inet_pton(AF_INET, a, &s->sin_addr);
	return sizeof(*s);
}

static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac2[6] = { 0x02, 0, 0, 0, 0, 0x02 };

FIXTURE(px)
{
	struct sent s;
	struct mihf_proxy_ops ops;
	struct mihf_proxy_cfg cfg;
	struct mihf_peers *peers;
	struct mihf_proxy *px;
	uint8_t pdu[8192];
};

FIXTURE_SETUP(px)
{
	struct sockaddr_storage a;
	socklen_t l = mk4(&a, "192.0.2.50", 4551);
	int err = 0;

	memset(&self->s, 0, sizeof(self->s));
	self->ops.send_l2 = rec_l2;
	self->ops.send_udp = rec_udp;
	self->ops.arg = &self->s;
	mihf_proxy_cfg_init(&self->cfg);
	self->cfg.ops = &self->ops;
	self->cfg.max_terminals = 2;
	self->cfg.terminal_ttl_ms = 1000;
	mk4(&self->cfg.upstream, "198.51.100.1", 0);
	self->cfg.upstream_len = sizeof(struct sockaddr_in);
	self->peers = mihf_peers_new(0);
	ASSERT_EQ(0, mihf_peers_add(self->peers, "is1", 3, MIHF_PEER_IS,
				    (void *)&a, l, MIHF_TRANSPORT_UDP,
				    MIHF_PEER_SRC_STATIC, 0, 0, 0, NULL));
	self->px = mihf_proxy_new(NULL, &self->cfg, self->peers, &err);
	ASSERT_NE(NULL, self->px);
	ASSERT_EQ(0, err);
}

FIXTURE_TEARDOWN(px)
{
	mihf_proxy_free(self->px);
	mihf_peers_free(self->peers);
}

static void port_addr(const struct sockaddr_storage *ss, char *buf,
		      uint16_t *port)
{
	const struct sockaddr_in *s = (const void *)ss;

	inet_ntop(AF_INET, &s->sin_addr, buf, INET_ADDRSTRLEN);
	*port = ntohs(s->sin_port);
}

TEST_F(px, l2_to_peer_and_reply_back)
{
	struct mihf_proxy_stats st;
	struct sockaddr_storage from;
	socklen_t fl;
	char a[INET_ADDRSTRLEN];
	uint16_t port;
	uint8_t mac[6];
	size_t n = mkpdu(self->pdu, sizeof(self->pdu), "mn1", "is1", 0);

	ASSERT_NE(0, n);
	ASSERT_EQ(0, mihf_proxy_input_l2(self->px, mac1, self->pdu, n,
					 100 * MS));
	ASSERT_EQ(1, self->s.udp);
	port_addr(&self->s.to, a, &port);
	ASSERT_STREQ("192.0.2.50", a);		/* the peer table's */
	ASSERT_EQ(4551, port);
	ASSERT_EQ(n, self->s.len);
	ASSERT_EQ(0, memcmp(self->s.pdu, self->pdu, n));	/* unchanged */
	ASSERT_EQ(0, mihf_proxy_lookup_terminal(self->px, "mn1", 3, 100 * MS,
						mac));
	ASSERT_EQ(0, memcmp(mac, mac1, 6));

	/* the reply from is1 to mn1 goes to mac1 */
	n = mkpdu(self->pdu, sizeof(self->pdu), "is1", "mn1", 0);
	fl = mk4(&from, "192.0.2.50", 4551);
	ASSERT_EQ(0, mihf_proxy_input_udp(self->px, (void *)&from, fl,
					  self->pdu, n, 200 * MS));
	ASSERT_EQ(1, self->s.l2);
	ASSERT_EQ(0, memcmp(self->s.mac, mac1, 6));
	ASSERT_EQ(n, self->s.len);

	mihf_proxy_get_stats(self->px, &st);
	ASSERT_EQ(1, st.l2_rx);
	ASSERT_EQ(1, st.udp_tx);
	ASSERT_EQ(1, st.udp_rx);
	ASSERT_EQ(1, st.l2_tx);
	ASSERT_EQ(1, st.terminals);
	ASSERT_EQ(0, st.drop_malformed + st.drop_size + st.drop_no_route +
		  st.drop_unknown_terminal + st.drop_sender +
		  st.drop_send_error);
}

TEST_F(px, upstream_fallback_and_no_route)
{
	struct mihf_proxy_stats st;
	char a[INET_ADDRSTRLEN];
	uint16_t port;
	size_t n;

	/* unknown destination ID, and the empty (broadcast) one */
	n = mkpdu(self->pdu, sizeof(self->pdu), "mn1", "unknown", 0);
	ASSERT_EQ(0, mihf_proxy_input_l2(self->px, mac1, self->pdu, n, MS));
	port_addr(&self->s.to, a, &port);
	ASSERT_STREQ("198.51.100.1", a);
	ASSERT_EQ(4551, port);			/* port 0 -> MIH_PORT */
	n = mkpdu(self->pdu, sizeof(self->pdu), "mn1", "", 0);
	ASSERT_EQ(0, mihf_proxy_input_l2(self->px, mac1, self->pdu, n, MS));
	ASSERT_EQ(2, self->s.udp);

	/* without an upstream: dropped */
	mihf_proxy_free(self->px);
	self->cfg.upstream.ss_family = 0;
	self->px = mihf_proxy_new(NULL, &self->cfg, self->peers, NULL);
	ASSERT_NE(NULL, self->px);
	ASSERT_EQ(-EHOSTUNREACH, mihf_proxy_input_l2(self->px, mac1,
						     self->pdu, n, MS));
	mihf_proxy_get_stats(self->px, &st);
	ASSERT_EQ(1, st.drop_no_route);
	ASSERT_EQ(0, st.terminals);		/* no binding either */
}

TEST_F(px, malformed_and_oversized_dropped)
{
	struct mihf_proxy_stats st;
	struct sockaddr_storage from;
	socklen_t fl = mk4(&from, "192.0.2.50", 4551);
	size_t n = mkpdu(self->pdu, sizeof(self->pdu), "mn1", "is1", 0);
	uint8_t bad[64];
	static const uint8_t group[6] = { 0x03, 0, 0, 0, 0, 1 };

	memcpy(bad, self->pdu, n);
	bad[0] = 0x20;			/* version 2 */
	ASSERT_EQ(-EBADMSG, mihf_proxy_input_l2(self->px, mac1, bad, n, MS));
	memcpy(bad, self->pdu, n);
	ASSERT_EQ(-EBADMSG, mihf_proxy_input_l2(self->px, mac1, bad, n - 1,
						MS));	/* length mismatch */
	ASSERT_EQ(-EBADMSG, mihf_proxy_input_l2(self->px, mac1, bad, 5, MS));
	ASSERT_EQ(-EBADMSG, mihf_proxy_input_l2(self->px, mac1, bad, 0, MS));
	ASSERT_EQ(-EBADMSG, mihf_proxy_input_l2(self->px, group, bad, n, MS));
	ASSERT_EQ(0, self->s.udp);
	/* a good frame binds mn1, then malformed replies are dropped */
	ASSERT_EQ(0, mihf_proxy_input_l2(self->px, mac1, self->pdu, n, MS));
	n = mkpdu(self->pdu, sizeof(self->pdu), "is1", "mn1", 0);
	memcpy(bad, self->pdu, n);
	bad[7] ^= 1;			/* payload length */
	ASSERT_EQ(-EBADMSG, mihf_proxy_input_udp(self->px, (void *)&from, fl,
						 bad, n, MS));
	/* above the link MTU (1500) */
	n = mkpdu(self->pdu, sizeof(self->pdu), "is1", "mn1", 1600);
	ASSERT_NE(0, n);
	ASSERT_EQ(-EMSGSIZE, mihf_proxy_input_udp(self->px, (void *)&from, fl,
						  self->pdu, n, MS));
	ASSERT_EQ(0, self->s.l2);
	mihf_proxy_get_stats(self->px, &st);
	ASSERT_EQ(6, st.drop_malformed);
	ASSERT_EQ(1, st.drop_size);
	ASSERT_EQ(6, st.l2_rx);
	ASSERT_EQ(2, st.udp_rx);
}

TEST_F(px, udp_sender_and_destination_checks)
{
	struct mihf_proxy_stats st;
	struct sockaddr_storage from;
	socklen_t fl;
	size_t n;

	n = mkpdu(self->pdu, sizeof(self->pdu), "is1", "mn1", 0);
	/* a stranger may not inject frames */
	fl = mk4(&from, "203.0.113.9", 4551);
	ASSERT_EQ(-EPERM, mihf_proxy_input_udp(self->px, (void *)&from, fl,
					       self->pdu, n, MS));
	/* an allowed sender, but mn1 never sent anything */
	fl = mk4(&from, "192.0.2.50", 4551);
	ASSERT_EQ(-EHOSTUNREACH, mihf_proxy_input_udp(self->px, (void *)&from,
						      fl, self->pdu, n, MS));
	/* the upstream (port from the MIH_PORT default) is allowed */
	fl = mk4(&from, "198.51.100.1", 4551);
	ASSERT_EQ(-EHOSTUNREACH, mihf_proxy_input_udp(self->px, (void *)&from,
						      fl, self->pdu, n, MS));
	/* same address, other port: not the upstream */
	fl = mk4(&from, "198.51.100.1", 4552);
	ASSERT_EQ(-EPERM, mihf_proxy_input_udp(self->px, (void *)&from, fl,
					       self->pdu, n, MS));
	/* a v4-mapped v6 sender is its v4 address */
	{
		struct sockaddr_in6 m = { .sin6_family = AF_INET6,
					  .sin6_port = htons(4551) };

		inet_pton(AF_INET6, "::ffff:192.0.2.50", &m.sin6_addr);
		ASSERT_EQ(-EHOSTUNREACH,
			  mihf_proxy_input_udp(self->px, (void *)&m,
					       sizeof(m), self->pdu, n, MS));
	}
	mihf_proxy_get_stats(self->px, &st);
	ASSERT_EQ(2, st.drop_sender);
	ASSERT_EQ(3, st.drop_unknown_terminal);
	ASSERT_EQ(0, self->s.l2);
}

TEST_F(px, forwarded_destination_becomes_allowed_sender)
{
	struct sockaddr_storage a, from;
	socklen_t l = mk4(&a, "192.0.2.77", 4551), fl;
	size_t n;

	/* is2 is only known by a DNS address the proxy forwards to */
	ASSERT_EQ(0, mihf_peers_add(self->peers, "is2", 3, 0, (void *)&a, l,
				    MIHF_TRANSPORT_UDP, MIHF_PEER_SRC_DNS, 0,
				    0, 0, NULL));
	n = mkpdu(self->pdu, sizeof(self->pdu), "mn2", "is2", 0);
	ASSERT_EQ(0, mihf_proxy_input_l2(self->px, mac2, self->pdu, n, MS));
	mihf_peers_forget_source(self->peers, MIHF_PEER_SRC_DNS);
	n = mkpdu(self->pdu, sizeof(self->pdu), "is2", "mn2", 0);
	fl = mk4(&from, "192.0.2.77", 4551);
	ASSERT_EQ(0, mihf_proxy_input_udp(self->px, (void *)&from, fl,
					  self->pdu, n, 2 * MS));
	ASSERT_EQ(0, memcmp(self->s.mac, mac2, 6));
	/* after the binding expired (1 s idle): no longer */
	ASSERT_EQ(-EPERM, mihf_proxy_input_udp(self->px, (void *)&from, fl,
					       self->pdu, n, 1002 * MS));
}

TEST_F(px, binding_moves_expires_and_is_bounded)
{
	uint8_t mac[6];
	size_t n;

	n = mkpdu(self->pdu, sizeof(self->pdu), "mn1", "is1", 0);
	ASSERT_EQ(0, mihf_proxy_input_l2(self->px, mac1, self->pdu, n, MS));
	/* the same terminal from another MAC: the binding moves */
	ASSERT_EQ(0, mihf_proxy_input_l2(self->px, mac2, self->pdu, n,
					 10 * MS));
	ASSERT_EQ(0, mihf_proxy_lookup_terminal(self->px, "mn1", 3, 10 * MS,
						mac));
	ASSERT_EQ(0, memcmp(mac, mac2, 6));
	/* idle 1 s: forgotten */
	ASSERT_EQ(-ENOENT, mihf_proxy_lookup_terminal(self->px, "mn1", 3,
						      1010 * MS, mac));
	/* bound of 2: a third terminal replaces the least recently used */
	ASSERT_EQ(0, mihf_proxy_input_l2(self->px, mac1, self->pdu, n,
					 2000 * MS));
	n = mkpdu(self->pdu, sizeof(self->pdu), "mn2", "is1", 0);
	ASSERT_EQ(0, mihf_proxy_input_l2(self->px, mac1, self->pdu, n,
					 2001 * MS));
	n = mkpdu(self->pdu, sizeof(self->pdu), "mn3", "is1", 0);
	ASSERT_EQ(0, mihf_proxy_input_l2(self->px, mac2, self->pdu, n,
					 2002 * MS));
	ASSERT_EQ(-ENOENT, mihf_proxy_lookup_terminal(self->px, "mn1", 3,
						      2002 * MS, mac));
	ASSERT_EQ(0, mihf_proxy_lookup_terminal(self->px, "mn2", 3, 2002 * MS,
						mac));
	ASSERT_EQ(0, mihf_proxy_lookup_terminal(self->px, "mn3", 3, 2002 * MS,
						mac));
	ASSERT_EQ(0, memcmp(mac, mac2, 6));
}

TEST_F(px, send_errors_counted)
{
	struct mihf_proxy_stats st;
	size_t n = mkpdu(self->pdu, sizeof(self->pdu), "mn1", "is1", 0);

	self->s.fail = -ENOBUFS;
	ASSERT_EQ(-ENOBUFS, mihf_proxy_input_l2(self->px, mac1, self->pdu, n,
						MS));
	mihf_proxy_get_stats(self->px, &st);
	ASSERT_EQ(1, st.drop_send_error);
	ASSERT_EQ(0, st.udp_tx);
}

TEST(json_and_config)
{
	struct sent s = { 0 };
	struct mihf_proxy_ops ops = { rec_l2, rec_udp, &s };
	struct mihf_proxy_cfg cfg;
	struct mihf_proxy *px;
	struct json_object *j, *v, *t;
	struct timespec ts;
	uint8_t pdu[256];
	size_t n = mkpdu(pdu, sizeof(pdu), "mn\x01", "x", 0);
	uint64_t now;
	int err;

	mihf_proxy_cfg_init(&cfg);
	ASSERT_EQ(MIHF_PROXY_DEFAULT_TERMINALS, cfg.max_terminals);
	ASSERT_EQ(MIHF_PROXY_DEFAULT_L2_MTU, cfg.l2_mtu);
	/* no ifname and no ops: refused */
	ASSERT_EQ(NULL, mihf_proxy_new(NULL, &cfg, NULL, &err));
	ASSERT_EQ(-EINVAL, err);
	cfg.ops = &ops;
	mk4(&cfg.upstream, "192.0.2.1", 4551);
	px = mihf_proxy_new(NULL, &cfg, NULL, &err);
	ASSERT_NE(NULL, px);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	ASSERT_EQ(0, mihf_proxy_input_l2(px, mac1, pdu, n, now));
	ASSERT_EQ(0, mihf_proxy_to_json(px, &j));
	ASSERT_TRUE(json_object_object_get_ex(j, "stats", &v));
	ASSERT_TRUE(json_object_object_get_ex(v, "udp_tx", &t));
	ASSERT_EQ(1, json_object_get_int(t));
	ASSERT_TRUE(json_object_object_get_ex(j, "terminals", &v));
	ASSERT_EQ(1, json_object_array_length(v));
	v = json_object_array_get_idx(v, 0);
	ASSERT_TRUE(json_object_object_get_ex(v, "id", &t));
	ASSERT_STREQ("mn\\x01", json_object_get_string(t));
	ASSERT_TRUE(json_object_object_get_ex(v, "mac", &t));
	ASSERT_STREQ("02:00:00:00:00:01", json_object_get_string(t));
	ASSERT_TRUE(json_object_object_get_ex(v, "upstream", &t));
	ASSERT_STREQ("192.0.2.1", json_object_get_string(t));
	json_object_put(j);
	mihf_proxy_free(px);
}

TEST_HARNESS_MAIN

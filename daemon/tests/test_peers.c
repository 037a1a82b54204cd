// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the MIH peer table (mihf/peers.c): add/update by ID and by
 * address, address-only peers named later by Capability_Discover (merge),
 * expiry per source, forgetting a source, capability TLV parsing, JSON.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
/* ASSERT_EQ(literal, size_t) etc.: the harness compares as written */
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmisleading-indentation"
#include "kselftest_harness.h"

#include "lib/mih.h"
#include "mihf/peers.h"

#define SEC 1000000000ULL

static socklen_t mk4(struct sockaddr_storage *ss, const char *a, uint16_t port)
{
	struct sockaddr_in *s = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	inet_pton(AF_INET, a, &s->sin_addr);
	return sizeof(*s);
}

static socklen_t mk6(struct sockaddr_storage *ss, const char *a, uint16_t port)
{
	struct sockaddr_in6 *s = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin6_family = AF_INET6;
	s->sin6_port = htons(port);
	inet_pton(AF_INET6, a, &s->sin6_addr);
	return sizeof(*s);
}

#define SA(ss) ((const struct sockaddr *)&(ss))

TEST(add_lookup_update)
{
	struct mihf_peers *t = mihf_peers_new(0);
	struct sockaddr_storage a, b, c;
	socklen_t la = mk4(&a, "192.0.2.1", 4551);
	socklen_t lb = mk6(&b, "2001:db8::1", 4551);
	socklen_t lc = mk4(&c, "192.0.2.1", 4552);
	struct mihf_peer *p, *q;

	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, mihf_peers_add(t, "ar1", 3, MIHF_PEER_POA, SA(a), la,
				    MIHF_TRANSPORT_UDP, MIHF_PEER_SRC_STATIC,
				    0, 0, 10 * SEC, &p));
	ASSERT_EQ(1, mihf_peers_count(t));
	ASSERT_EQ(3, p->id_len);
	ASSERT_EQ(MIHF_PEER_POA, p->kind);
	ASSERT_EQ(MIHF_PEER_SRC_STATIC, p->sources);
	/* a second address for the same ID */
	ASSERT_EQ(0, mihf_peers_add(t, "ar1", 3, MIHF_PEER_UNKNOWN, SA(b), lb,
				    MIHF_TRANSPORT_UDP, MIHF_PEER_SRC_SEEN,
				    0, 0, 11 * SEC, &q));
	ASSERT_EQ(p, q);
	ASSERT_EQ(2, p->n_addrs);
	ASSERT_EQ(MIHF_PEER_POA, p->kind);	/* UNKNOWN keeps it */
	ASSERT_EQ(MIHF_PEER_SRC_STATIC | MIHF_PEER_SRC_SEEN, p->sources);
	ASSERT_EQ(11 * SEC, p->last_seen_ns);
	ASSERT_EQ(10 * SEC, p->first_seen_ns);
	ASSERT_EQ(p, mihf_peers_find_id(t, "ar1", 3));
	ASSERT_EQ(NULL, mihf_peers_find_id(t, "ar", 2));
	ASSERT_EQ(NULL, mihf_peers_find_id(t, "ar12", 4));
	ASSERT_EQ(p, mihf_peers_find_addr(t, SA(a), la));
	ASSERT_EQ(p, mihf_peers_find_addr(t, SA(b), lb));
	/* same address, other port: another endpoint */
	ASSERT_EQ(NULL, mihf_peers_find_addr(t, SA(c), lc));
	/* a v4-mapped v6 address is the v4 one */
	{
		struct sockaddr_storage m;
		socklen_t lm = mk6(&m, "::ffff:192.0.2.1", 4551);

		ASSERT_EQ(p, mihf_peers_find_addr(t, SA(m), lm));
	}
	/* re-adding the same address does not duplicate it */
	ASSERT_EQ(0, mihf_peers_add(t, "ar1", 3, MIHF_PEER_UNKNOWN, SA(a), la,
				    MIHF_TRANSPORT_ANY, MIHF_PEER_SRC_DNS,
				    MIHF_SVC_ES, 5 * SEC, 12 * SEC, NULL));
	ASSERT_EQ(2, p->n_addrs);
	ASSERT_EQ(MIHF_PEER_SRC_STATIC | MIHF_PEER_SRC_DNS,
		  p->addrs[0].sources);
	ASSERT_EQ(0, p->addrs[0].expires_ns);	/* static: never */
	/* UDP before, now "any": the endpoint serves either */
	ASSERT_EQ(MIHF_TRANSPORT_ANY, p->addrs[0].transport);
	ASSERT_EQ(MIHF_TRANSPORT_UDP, p->addrs[1].transport);
	ASSERT_EQ(0, mihf_peers_add(t, "ar1", 3, 0, SA(b), lb,
				    MIHF_TRANSPORT_UDP, MIHF_PEER_SRC_SEEN,
				    0, 0, 12 * SEC, NULL));
	ASSERT_EQ(MIHF_TRANSPORT_UDP, p->addrs[1].transport);
	ASSERT_EQ(0, mihf_peers_add(t, "ar1", 3, 0, SA(b), lb,
				    MIHF_TRANSPORT_TCP, MIHF_PEER_SRC_SEEN,
				    0, 0, 12 * SEC, NULL));
	ASSERT_EQ(MIHF_TRANSPORT_ANY, p->addrs[1].transport);
	ASSERT_EQ(MIHF_SVC_ES, p->services);
	/* pick: static first, family filter */
	ASSERT_EQ(&p->addrs[0], mihf_peer_pick_addr(p, 0, 0, AF_UNSPEC));
	ASSERT_EQ(&p->addrs[1], mihf_peer_pick_addr(p, 0, 0, AF_INET6));
	ASSERT_EQ(&p->addrs[1], mihf_peer_pick_addr(p, 0, MIHF_TRANSPORT_TCP,
						    AF_INET6));
	ASSERT_EQ(NULL, mihf_peer_pick_addr(p, 0, 0, AF_UNIX));
	mihf_peers_free(t);
}

TEST(bad_arguments)
{
	struct mihf_peers *t = mihf_peers_new(2);
	struct sockaddr_storage a, b, c;
	socklen_t la = mk4(&a, "192.0.2.1", 4551);
	uint8_t longid[254];
	struct sockaddr un = { .sa_family = AF_UNIX };

	mk4(&b, "192.0.2.2", 4551);
	mk4(&c, "192.0.2.3", 4551);
	memset(longid, 'a', sizeof(longid));
	ASSERT_EQ(-E2BIG, mihf_peers_add(t, longid, 254, 0, SA(a), la, 0,
					 MIHF_PEER_SRC_STATIC, 0, 0, 1, NULL));
	ASSERT_EQ(0, mihf_peers_add(t, longid, 253, 0, SA(a), la, 0,
				    MIHF_PEER_SRC_STATIC, 0, 0, 1, NULL));
	/* two sources at once, none, unknown */
	ASSERT_EQ(-EINVAL, mihf_peers_add(t, "x", 1, 0, SA(a), la, 0,
					  MIHF_PEER_SRC_STATIC |
					  MIHF_PEER_SRC_DNS, 0, 0, 1, NULL));
	ASSERT_EQ(-EINVAL, mihf_peers_add(t, "x", 1, 0, SA(a), la, 0, 0, 0,
					  0, 1, NULL));
	ASSERT_EQ(-EINVAL, mihf_peers_add(t, "x", 1, 0, SA(a), la, 0, 1u << 9,
					  0, 0, 1, NULL));
	/* neither ID nor address */
	ASSERT_EQ(-EINVAL, mihf_peers_add(t, NULL, 0, 0, NULL, 0, 0,
					  MIHF_PEER_SRC_DNS, 0, 0, 1, NULL));
	ASSERT_EQ(-EAFNOSUPPORT, mihf_peers_add(t, "x", 1, 0, &un,
						sizeof(un), 0,
						MIHF_PEER_SRC_DNS, 0, 0, 1,
						NULL));
	/* short sockaddr */
	ASSERT_EQ(-EAFNOSUPPORT, mihf_peers_add(t, "x", 1, 0, SA(b), 4, 0,
						MIHF_PEER_SRC_DNS, 0, 0, 1,
						NULL));
	ASSERT_EQ(0, mihf_peers_add(t, NULL, 0, 0, SA(b), la, 0,
				    MIHF_PEER_SRC_DNS, 0, 0, 1, NULL));
	/* table full */
	ASSERT_EQ(-ENOSPC, mihf_peers_add(t, NULL, 0, 0, SA(c), la, 0,
					  MIHF_PEER_SRC_DNS, 0, 0, 1, NULL));
	ASSERT_EQ(2, mihf_peers_count(t));
	mihf_peers_free(t);
}

TEST(address_limit_replaces_soonest_expiring)
{
	struct mihf_peers *t = mihf_peers_new(0);
	struct sockaddr_storage a;
	struct mihf_peer *p;
	char s[32];
	int i;

	for (i = 0; i < MIHF_PEER_ADDRS_MAX; i++) {
		snprintf(s, sizeof(s), "192.0.2.%d", 10 + i);
		ASSERT_EQ(0, mihf_peers_add(t, "is", 2, MIHF_PEER_IS, SA(a),
					    mk4(&a, s, 4551), 0,
					    MIHF_PEER_SRC_DNS, MIHF_SVC_IS,
					    (uint64_t)(100 - i) * SEC, 0, &p));
	}
	ASSERT_EQ(MIHF_PEER_ADDRS_MAX, p->n_addrs);
	ASSERT_EQ(0, mihf_peers_add(t, "is", 2, 0, SA(a),
				    mk4(&a, "198.51.100.1", 4551), 0,
				    MIHF_PEER_SRC_DNS, 0, 200 * SEC, 0, NULL));
	ASSERT_EQ(MIHF_PEER_ADDRS_MAX, p->n_addrs);
	/* 192.0.2.17 had the soonest expiry (93 s): gone */
	ASSERT_EQ(NULL, mihf_peers_find_addr(t, SA(a),
					      mk4(&a, "192.0.2.17", 4551)));
	ASSERT_EQ(p, mihf_peers_find_addr(t, SA(a),
					   mk4(&a, "198.51.100.1", 4551)));
	mihf_peers_free(t);

	/* all fixed: nothing to replace */
	t = mihf_peers_new(0);
	for (i = 0; i < MIHF_PEER_ADDRS_MAX; i++) {
		snprintf(s, sizeof(s), "192.0.2.%d", 10 + i);
		ASSERT_EQ(0, mihf_peers_add(t, "is", 2, 0, SA(a),
					    mk4(&a, s, 4551), 0,
					    MIHF_PEER_SRC_STATIC, 0, 0, 0,
					    NULL));
	}
	ASSERT_EQ(-ENOSPC, mihf_peers_add(t, "is", 2, 0, SA(a),
					  mk4(&a, "198.51.100.1", 4551), 0,
					  MIHF_PEER_SRC_DNS, 0, SEC, 0, NULL));
	mihf_peers_free(t);
}

TEST(expire_dynamic_entries)
{
	struct mihf_peers *t = mihf_peers_new(0);
	struct sockaddr_storage a, b, c;
	socklen_t la = mk4(&a, "192.0.2.1", 4551);
	socklen_t lb = mk4(&b, "192.0.2.2", 4551);
	socklen_t lc = mk6(&c, "2001:db8::5", 4551);
	struct mihf_peer *p;

	/* DNS peer, TTL 60 s; DHCP peer, 120 s; static peer; static+DNS */
	ASSERT_EQ(0, mihf_peers_add(t, NULL, 0, MIHF_PEER_IS, SA(a), la,
				    MIHF_TRANSPORT_UDP, MIHF_PEER_SRC_DNS,
				    MIHF_SVC_IS, 60 * SEC, 100 * SEC, NULL));
	ASSERT_EQ(0, mihf_peers_add(t, NULL, 0, MIHF_PEER_POA, SA(b), lb, 0,
				    MIHF_PEER_SRC_DHCP, MIHF_SVC_ES, 120 * SEC,
				    100 * SEC, NULL));
	ASSERT_EQ(0, mihf_peers_add(t, "fixed", 5, MIHF_PEER_POA, NULL, 0, 0,
				    MIHF_PEER_SRC_STATIC, 0, 0, 100 * SEC,
				    NULL));
	ASSERT_EQ(0, mihf_peers_add(t, "both", 4, 0, SA(c), lc, 0,
				    MIHF_PEER_SRC_DNS, 0, 10 * SEC, 100 * SEC,
				    NULL));
	ASSERT_EQ(0, mihf_peers_add(t, "both", 4, 0, NULL, 0, 0,
				    MIHF_PEER_SRC_STATIC, 0, 0, 100 * SEC,
				    NULL));
	ASSERT_EQ(4, mihf_peers_count(t));
	ASSERT_EQ(0, mihf_peers_expire(t, 159 * SEC));
	ASSERT_EQ(4, mihf_peers_count(t));
	/* at 160 s the DNS address of "both" and the DNS peer are gone */
	ASSERT_EQ(1, mihf_peers_expire(t, 160 * SEC));
	ASSERT_EQ(NULL, mihf_peers_find_addr(t, SA(a), la));
	p = mihf_peers_find_id(t, "both", 4);
	ASSERT_NE(NULL, p);		/* static: kept without address */
	ASSERT_EQ(0, p->n_addrs);
	ASSERT_EQ(MIHF_PEER_SRC_STATIC, p->sources);
	/* a DNS refresh before expiry moves the deadline */
	ASSERT_EQ(0, mihf_peers_add(t, NULL, 0, 0, SA(b), lb, 0,
				    MIHF_PEER_SRC_DHCP, 0, 120 * SEC,
				    200 * SEC, NULL));
	ASSERT_EQ(0, mihf_peers_expire(t, 300 * SEC));
	ASSERT_EQ(1, mihf_peers_expire(t, 320 * SEC));
	ASSERT_EQ(2, mihf_peers_count(t));
	/* forgetting STATIC (config reload) drops the address-less ones */
	ASSERT_EQ(2, mihf_peers_forget_source(t, MIHF_PEER_SRC_STATIC));
	ASSERT_EQ(0, mihf_peers_count(t));
	mihf_peers_free(t);
}

TEST(forget_source_keeps_other_sources)
{
	struct mihf_peers *t = mihf_peers_new(0);
	struct sockaddr_storage a, b;
	socklen_t la = mk4(&a, "192.0.2.1", 4551);
	socklen_t lb = mk4(&b, "192.0.2.2", 4551);
	struct mihf_peer *p;

	ASSERT_EQ(0, mihf_peers_add(t, NULL, 0, 0, SA(a), la, 0,
				    MIHF_PEER_SRC_DHCP, MIHF_SVC_IS, 0, 1,
				    &p));
	ASSERT_EQ(0, mihf_peers_add(t, NULL, 0, 0, SA(a), la, 0,
				    MIHF_PEER_SRC_DNS, MIHF_SVC_IS, 0, 1,
				    NULL));
	ASSERT_EQ(0, mihf_peers_add(t, NULL, 0, 0, SA(b), lb, 0,
				    MIHF_PEER_SRC_DHCP, 0, 0, 1, NULL));
	ASSERT_EQ(1, mihf_peers_forget_source(t, MIHF_PEER_SRC_DHCP));
	ASSERT_EQ(1, mihf_peers_count(t));
	p = mihf_peers_find_addr(t, SA(a), la);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(MIHF_PEER_SRC_DNS, p->sources);
	mihf_peers_free(t);
}

static const uint8_t cap_body[] = {
	0x05, 0x04, 0x00, 0x00, 0x00, 0x06,		/* evt: up, down */
	0x06, 0x04, 0x00, 0x00, 0x00, 0x18,		/* cmd: bits 3, 4 */
	0x07, 0x08, 0, 0, 0, 0, 0x10, 0, 0, 0x11,	/* iq: 0, 4, 28 */
	0x08, 0x02, 0x00, 0x01,				/* trans: udp */
	0x09, 0x03, 0x01, 0xaa, 0xbb,			/* link addrs raw */
	0x65, 0x01, 0x00,				/* experimental */
};

TEST(capabilities_from_tlvs)
{
	struct mihf_peer_caps c;
	uint8_t bad[sizeof(cap_body)];

	ASSERT_EQ(0, mihf_peer_caps_from_tlvs(cap_body, sizeof(cap_body),
					      &c));
	ASSERT_TRUE(c.has_evt && c.has_cmd && c.has_iq && c.has_trans &&
		    c.has_link_addrs);
	ASSERT_EQ(0x6, c.evt_list);
	ASSERT_EQ(0x18, c.cmd_list);
	ASSERT_EQ(0x10000011ULL, c.iq_type_list);
	ASSERT_EQ(1, c.trans_list);
	ASSERT_EQ(3, c.link_addrs_len);
	ASSERT_EQ(0xbb, c.link_addrs[2]);
	/* empty body: nothing present */
	ASSERT_EQ(0, mihf_peer_caps_from_tlvs(NULL, 0, &c));
	ASSERT_FALSE(c.has_evt);
	/* an EVT_LIST of 3 octets */
	memcpy(bad, cap_body, sizeof(bad));
	bad[1] = 3;
	ASSERT_EQ(-EBADMSG, mihf_peer_caps_from_tlvs(bad, 5, &c));
	/* a TLV running past the end */
	ASSERT_EQ(-EBADMSG, mihf_peer_caps_from_tlvs(cap_body,
						     sizeof(cap_body) - 1,
						     &c));
	/* twice the same list */
	memcpy(bad, cap_body, 12);
	bad[6] = 0x05;
	ASSERT_EQ(-EBADMSG, mihf_peer_caps_from_tlvs(bad, 12, &c));
}

TEST(capdisc_names_address_only_peer)
{
	struct mihf_peers *t = mihf_peers_new(0);
	struct sockaddr_storage a, b;
	socklen_t la = mk4(&a, "192.0.2.1", 4551);
	socklen_t lb = mk6(&b, "2001:db8::1", 4551);
	struct mihf_peer_caps caps;
	struct mihf_peer *p, *q;

	/* DNS found two addresses of an unnamed IS, config knows "is1" */
	ASSERT_EQ(0, mihf_peers_add(t, NULL, 0, MIHF_PEER_IS, SA(a), la,
				    MIHF_TRANSPORT_UDP, MIHF_PEER_SRC_DNS,
				    MIHF_SVC_IS, 60 * SEC, SEC, NULL));
	ASSERT_EQ(0, mihf_peers_add(t, "is1", 3, 0, SA(b), lb,
				    MIHF_TRANSPORT_UDP, MIHF_PEER_SRC_STATIC,
				    0, 0, SEC, &q));
	ASSERT_EQ(2, mihf_peers_count(t));
	ASSERT_EQ(0, mihf_peer_caps_from_tlvs(cap_body, sizeof(cap_body),
					      &caps));
	/* the response from 192.0.2.1 says it is "is1": one entry now */
	ASSERT_EQ(0, mihf_peers_learn_caps(t, "is1", 3, SA(a), la, &caps,
					   2 * SEC, &p));
	ASSERT_EQ(1, mihf_peers_count(t));
	ASSERT_EQ(p, mihf_peers_find_addr(t, SA(a), la));
	ASSERT_EQ(p, mihf_peers_find_addr(t, SA(b), lb));
	ASSERT_EQ(MIHF_PEER_IS, p->kind);
	ASSERT_EQ(MIHF_PEER_SRC_STATIC | MIHF_PEER_SRC_DNS |
		  MIHF_PEER_SRC_CAPDISC, p->sources);
	ASSERT_EQ(2 * SEC, p->caps.learned_ns);
	ASSERT_EQ(6, p->caps.evt_list);
	ASSERT_EQ(SEC, p->first_seen_ns);
	/* a capdisc address never expires */
	ASSERT_EQ(0, mihf_peers_expire(t, 1000 * SEC));
	ASSERT_EQ(2, p->n_addrs);
	/* an address moving to another named MIHF leaves the first */
	ASSERT_EQ(0, mihf_peers_learn_caps(t, "is2", 3, SA(b), lb, &caps,
					   3 * SEC, &q));
	ASSERT_EQ(2, mihf_peers_count(t));
	ASSERT_EQ(q, mihf_peers_find_addr(t, SA(b), lb));
	ASSERT_EQ(1, p->n_addrs);
	/* an unnamed learn is refused */
	ASSERT_EQ(-EINVAL, mihf_peers_learn_caps(t, "", 0, SA(b), lb, &caps,
						 3 * SEC, NULL));
	mihf_peers_free(t);
}

TEST(seen_traffic)
{
	struct mihf_peers *t = mihf_peers_new(0);
	struct sockaddr_storage a;
	socklen_t la = mk4(&a, "192.0.2.9", 40000);
	struct mihf_peer *p;

	ASSERT_EQ(-ENOENT, mihf_peers_seen(t, "mn", 2, SA(a), la, false, 0,
					   SEC));
	ASSERT_EQ(0, mihf_peers_seen(t, "mn", 2, SA(a), la, true, 30 * SEC,
				     SEC));
	p = mihf_peers_find_id(t, "mn", 2);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(MIHF_PEER_SRC_SEEN, p->sources);
	p->ka.missed = 3;
	ASSERT_EQ(0, mihf_peers_seen(t, "mn", 2, SA(a), la, false, 0,
				     5 * SEC));
	ASSERT_EQ(0, p->ka.missed);
	ASSERT_EQ(5 * SEC, p->ka.last_rx_ns);
	ASSERT_EQ(1, mihf_peers_expire(t, 31 * SEC));
	mihf_peers_free(t);
}

static int count_cb(struct mihf_peer *p, void *arg)
{
	(*(int *)arg)++;
	return p->id_len == 1 ? 7 : 0;
}

TEST(foreach_and_json)
{
	struct mihf_peers *t = mihf_peers_new(0);
	struct sockaddr_storage a, b;
	socklen_t la = mk4(&a, "192.0.2.1", 4551);
	socklen_t lb = mk6(&b, "2001:db8::7", 4552);
	struct json_object *j, *e, *v, *ad;
	struct mihf_peer_caps caps;
	int n = 0;

	ASSERT_EQ(0, mihf_peers_add(t, "ar\x01\\", 4, MIHF_PEER_POA, SA(a), la,
				    MIHF_TRANSPORT_UDP, MIHF_PEER_SRC_STATIC,
				    0, 0, 1, NULL));
	ASSERT_EQ(0, mihf_peers_add(t, NULL, 0, MIHF_PEER_IS, SA(b), lb,
				    MIHF_TRANSPORT_TCP, MIHF_PEER_SRC_DNS,
				    MIHF_SVC_IS, 3600 * SEC, 0, NULL));
	ASSERT_EQ(0, mihf_peers_add(t, "x", 1, MIHF_PEER_MMT, NULL, 0, 0,
				    MIHF_PEER_SRC_STATIC, 0, 0, 1, NULL));
	ASSERT_EQ(0, mihf_peer_caps_from_tlvs(cap_body, sizeof(cap_body),
					      &caps));
	ASSERT_EQ(0, mihf_peers_learn_caps(t, "ar\x01\\", 4, SA(a), la, &caps,
					   1, NULL));
	ASSERT_EQ(7, mihf_peers_foreach(t, count_cb, &n));
	ASSERT_EQ(3, n);

	ASSERT_EQ(0, mihf_peers_to_json(t, &j));
	ASSERT_EQ(3, json_object_array_length(j));
	e = json_object_array_get_idx(j, 0);
	ASSERT_TRUE(json_object_object_get_ex(e, "id", &v));
	ASSERT_STREQ("ar\\x01\\x5c", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(e, "kind", &v));
	ASSERT_STREQ("poa", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(e, "sources", &v));
	ASSERT_EQ(2, json_object_array_length(v));
	ASSERT_STREQ("static",
		     json_object_get_string(json_object_array_get_idx(v, 0)));
	ASSERT_STREQ("capdisc",
		     json_object_get_string(json_object_array_get_idx(v, 1)));
	ASSERT_TRUE(json_object_object_get_ex(e, "capabilities", &v));
	ASSERT_TRUE(json_object_object_get_ex(v, "events", &ad));
	ASSERT_STREQ("0x00000006", json_object_get_string(ad));
	ASSERT_TRUE(json_object_object_get_ex(v, "iq_types", &ad));
	ASSERT_STREQ("0x0000000010000011", json_object_get_string(ad));
	ASSERT_TRUE(json_object_object_get_ex(v, "link_addrs", &ad));
	ASSERT_STREQ("01aabb", json_object_get_string(ad));

	e = json_object_array_get_idx(j, 1);
	ASSERT_TRUE(json_object_object_get_ex(e, "id", &v));
	ASSERT_EQ(NULL, v);
	ASSERT_TRUE(json_object_object_get_ex(e, "capabilities", &v));
	ASSERT_EQ(NULL, v);
	ASSERT_TRUE(json_object_object_get_ex(e, "addresses", &v));
	ASSERT_EQ(1, json_object_array_length(v));
	ad = json_object_array_get_idx(v, 0);
	ASSERT_TRUE(json_object_object_get_ex(ad, "address", &v));
	ASSERT_STREQ("2001:db8::7", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(ad, "port", &v));
	ASSERT_EQ(4552, json_object_get_int(v));
	ASSERT_TRUE(json_object_object_get_ex(ad, "transport", &v));
	ASSERT_STREQ("tcp", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(ad, "expires_in_ms", &v));
	ASSERT_NE(NULL, v);
	ASSERT_TRUE(json_object_object_get_ex(e, "services", &v));
	ASSERT_STREQ("is",
		     json_object_get_string(json_object_array_get_idx(v, 0)));
	json_object_put(j);

	/* an empty table is an empty array */
	mihf_peers_free(t);
	t = mihf_peers_new(0);
	ASSERT_EQ(0, mihf_peers_to_json(t, &j));
	ASSERT_STREQ("[ ]", json_object_to_json_string_ext(j,
			JSON_C_TO_STRING_SPACED));
	json_object_put(j);
	mihf_peers_free(t);
}

TEST(kind_names)
{
	ASSERT_EQ(MIHF_PEER_IS, mihf_peer_kind_parse("is"));
	ASSERT_EQ(MIHF_PEER_POA, mihf_peer_kind_parse("poa"));
	ASSERT_EQ(-1, mihf_peer_kind_parse("router"));
	ASSERT_STREQ("mmt", mihf_peer_kind_name(MIHF_PEER_MMT));
	ASSERT_STREQ("dhcp", mihf_peer_source_name(MIHF_PEER_SRC_DHCP));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of MIH discovery (mihf/discovery.c):
 *   - RFC 5678 DHCP option payloads (v4 139/140, v6 54/55), valid and a
 *     table of malformed ones, all-or-nothing on error;
 *   - dhclient value text, lease files (v4 and v6, the last lease wins,
 *     expiry), hook environment;
 *   - MoS results into the peer table, domain list;
 *   - RFC 5679 DNS: NAPTR/SRV/A/AAAA answer parsing and the whole
 *     NAPTR -> SRV -> A/AAAA walk over canned answers (built here with
 *     res_mkquery + dn_comp) injected through cfg.query; malformed records
 *     skipped.  A real DNS server is used by tests/host/discovery_dns.sh.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmisleading-indentation"
#include "kselftest_harness.h"

#include "mihf/discovery.h"
#include "mihf/peers.h"
#include "mihsecd/loop.h"

#define SEC 1000000000ULL

static uint8_t *dup_exact(const void *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (d && len)
		memcpy(d, p, len);
	return d;
}

static const char *ip4(const struct in_addr *a, char *buf)
{
	return inet_ntop(AF_INET, a, buf, INET_ADDRSTRLEN);
}

/* ---- DHCPv4 option 139 / 140 ---- */

TEST(dhcp4_mos_addr_valid)
{
	static const uint8_t opt[] = {
		1, 8, 10, 0, 0, 5, 10, 0, 0, 6,		/* IS: two */
		3, 4, 192, 0, 2, 1,			/* ES */
		2, 4, 192, 0, 2, 2,			/* CS */
		1, 4, 10, 0, 0, 5,			/* IS again: dup */
	};
	struct mihf_mos mos;
	uint8_t *p = dup_exact(opt, sizeof(opt));
	char b[INET_ADDRSTRLEN];

	mihf_mos_init(&mos);
	ASSERT_EQ(0, mihf_dhcp4_parse_mos_addr(p, sizeof(opt), &mos));
	ASSERT_EQ(2, mos.is.n_v4);
	ASSERT_STREQ("10.0.0.5", ip4(&mos.is.v4[0], b));
	ASSERT_STREQ("10.0.0.6", ip4(&mos.is.v4[1], b));
	ASSERT_EQ(1, mos.es.n_v4);
	ASSERT_STREQ("192.0.2.1", ip4(&mos.es.v4[0], b));
	ASSERT_EQ(1, mos.cs.n_v4);
	ASSERT_STREQ("192.0.2.2", ip4(&mos.cs.v4[0], b));
	free(p);
}

struct bad_case {
	const char *why;
	uint8_t b[40];
	size_t len;
};

static const struct bad_case bad4_addr[] = {
	{ "empty payload", { 0 }, 0 },
	{ "header only, truncated", { 1 }, 1 },
	{ "length 0", { 1, 0 }, 2 },
	{ "length 3", { 1, 3, 1, 2, 3 }, 5 },
	{ "length 6", { 1, 6, 1, 2, 3, 4, 5, 6 }, 8 },
	{ "overrun", { 1, 8, 10, 0, 0, 5 }, 6 },
	{ "unknown sub-option 4", { 4, 4, 10, 0, 0, 5 }, 6 },
	{ "sub-option 0", { 0, 4, 10, 0, 0, 5 }, 6 },
	{ "trailing octet", { 1, 4, 10, 0, 0, 5, 2 }, 7 },
	{ "second bad", { 1, 4, 10, 0, 0, 5, 2, 2, 1, 1 }, 10 },
};

TEST(dhcp4_mos_addr_malformed)
{
	struct mihf_mos mos, before;
	size_t i;

	for (i = 0; i < sizeof(bad4_addr) / sizeof(bad4_addr[0]); i++) {
		uint8_t *p = dup_exact(bad4_addr[i].b, bad4_addr[i].len);

		mihf_mos_init(&mos);
		mos.is.n_v4 = 1;	/* something already there */
		before = mos;
		EXPECT_EQ(-EBADMSG, mihf_dhcp4_parse_mos_addr(
				p, bad4_addr[i].len, &mos))
			TH_LOG("case: %s", bad4_addr[i].why);
		/* all or nothing */
		EXPECT_EQ(0, memcmp(&mos, &before, sizeof(mos)))
			TH_LOG("modified by: %s", bad4_addr[i].why);
		free(p);
	}
}

TEST(dhcp4_mos_addr_too_many)
{
	uint8_t opt[2 + 4 * (MIHF_MOS_ADDRS_MAX + 1)];
	struct mihf_mos mos;
	unsigned int i;

	opt[0] = 1;
	opt[1] = 4 * (MIHF_MOS_ADDRS_MAX + 1);
	for (i = 0; i <= MIHF_MOS_ADDRS_MAX; i++) {
		opt[2 + 4 * i] = 10;
		opt[3 + 4 * i] = 0;
		opt[4 + 4 * i] = 0;
		opt[5 + 4 * i] = (uint8_t)(i + 1);
	}
	mihf_mos_init(&mos);
	ASSERT_EQ(-E2BIG, mihf_dhcp4_parse_mos_addr(opt, sizeof(opt), &mos));
	ASSERT_EQ(0, mos.is.n_v4);
	opt[1] -= 4;
	ASSERT_EQ(0, mihf_dhcp4_parse_mos_addr(opt, sizeof(opt) - 4, &mos));
	ASSERT_EQ(MIHF_MOS_ADDRS_MAX, mos.is.n_v4);
}

TEST(dhcp4_mos_fqdn_valid)
{
	static const uint8_t opt[] = {
		1, 25,
		2, 'i', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o',
		'm', 0,
		3, 'i', 's', '2', 3, 'n', 'e', 't', 0,
		3, 13, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g',
		0,
	};
	struct mihf_mos mos;
	uint8_t *p = dup_exact(opt, sizeof(opt));

	mihf_mos_init(&mos);
	ASSERT_EQ(0, mihf_dhcp4_parse_mos_fqdn(p, sizeof(opt), &mos));
	ASSERT_EQ(2, mos.is.n_names);
	ASSERT_STREQ("is.example.com", mos.is.names[0]);
	ASSERT_STREQ("is2.net", mos.is.names[1]);
	ASSERT_EQ(1, mos.es.n_names);
	ASSERT_STREQ("example.org", mos.es.names[0]);
	ASSERT_EQ(0, mos.cs.n_names);
	free(p);
}

static const struct bad_case bad4_fqdn[] = {
	{ "length 0", { 1, 0 }, 2 },
	{ "no root label", { 1, 3, 2, 'a', 'b' }, 5 },
	{ "label overrun", { 1, 3, 5, 'a', 'b' }, 5 },
	{ "compression pointer", { 1, 4, 1, 'a', 0xc0, 0x02 }, 6 },
	{ "root only", { 1, 1, 0 }, 3 },
	{ "bad character", { 1, 4, 2, 'a', ' ', 0 }, 6 },
	{ "NUL in label", { 1, 4, 2, 'a', 0, 0 }, 6 },
	{ "label 64 (0x40)", { 1, 3, 0x40, 'a', 0 }, 5 },
	{ "sub-option overrun", { 1, 9, 2, 'a', 'b', 0 }, 6 },
};

TEST(dhcp4_mos_fqdn_malformed)
{
	struct mihf_mos mos;
	size_t i;

	for (i = 0; i < sizeof(bad4_fqdn) / sizeof(bad4_fqdn[0]); i++) {
		uint8_t *p = dup_exact(bad4_fqdn[i].b, bad4_fqdn[i].len);

		mihf_mos_init(&mos);
		EXPECT_EQ(-EBADMSG, mihf_dhcp4_parse_mos_fqdn(
				p, bad4_fqdn[i].len, &mos))
			TH_LOG("case: %s", bad4_fqdn[i].why);
		EXPECT_EQ(0, mos.is.n_names);
		free(p);
	}
}

TEST(dhcp_fqdn_name_too_long)
{
	/* v6 framing (2-octet lengths): labels 63,63,63,61 = 255 octets */
	uint8_t v6[4 + 4 * 64 + 1];
	struct mihf_mos mos;
	size_t wire = 3 * 64 + 62 + 1;
	int i;

	memset(v6, 'a', sizeof(v6));
	v6[0] = 0;
	v6[1] = 1;
	v6[2] = 0;
	v6[3] = (uint8_t)wire;
	for (i = 0; i < 3; i++)
		v6[4 + 64 * i] = 63;
	v6[4 + 3 * 64] = 61;
	v6[4 + 3 * 64 + 62] = 0;
	mihf_mos_init(&mos);
	ASSERT_EQ(0, mihf_dhcp6_parse_mos_fqdn(v6, 4 + wire, &mos));
	ASSERT_EQ(253, strlen(mos.is.names[0]));
	/* one octet more in the last label: 256 octets */
	v6[4 + 3 * 64] = 62;
	v6[4 + 3 * 64 + 62] = 'a';
	v6[4 + 3 * 64 + 63] = 0;
	v6[3] = (uint8_t)(wire + 1);
	mihf_mos_init(&mos);
	ASSERT_EQ(-EBADMSG, mihf_dhcp6_parse_mos_fqdn(v6, 4 + wire + 1,
						      &mos));
	ASSERT_EQ(0, mos.is.n_names);
	/* a label of 64 octets (length octet 0x40: an extended label type) */
	memset(v6, 'a', sizeof(v6));
	v6[0] = 0;
	v6[1] = 1;
	v6[2] = 0;
	v6[3] = 66;
	v6[4] = 0x40;
	v6[4 + 65] = 0;
	ASSERT_EQ(-EBADMSG, mihf_dhcp6_parse_mos_fqdn(v6, 4 + 66, &mos));
	/* 63 is the longest label */
	v6[3] = 65;
	v6[4] = 63;
	v6[4 + 64] = 0;
	ASSERT_EQ(0, mihf_dhcp6_parse_mos_fqdn(v6, 4 + 65, &mos));
	ASSERT_EQ(63, strlen(mos.is.names[0]));
}

/* ---- DHCPv6 option 54 / 55 ---- */

TEST(dhcp6_mos_valid_and_malformed)
{
	uint8_t opt[4 + 32 + 4 + 16];
	struct mihf_mos mos;
	char b[INET6_ADDRSTRLEN];
	static const uint8_t fq[] = {
		0, 2, 0, 9, 2, 'c', 's', 4, 't', 'e', 's', 't', 0,
	};
	uint8_t *p;

	memset(opt, 0, sizeof(opt));
	opt[1] = 1;		/* IS */
	opt[3] = 32;
	inet_pton(AF_INET6, "2001:db8::1", opt + 4);
	inet_pton(AF_INET6, "2001:db8::2", opt + 20);
	opt[37] = 3;		/* ES */
	opt[39] = 16;
	inet_pton(AF_INET6, "fd00::5", opt + 40);
	p = dup_exact(opt, sizeof(opt));
	mihf_mos_init(&mos);
	ASSERT_EQ(0, mihf_dhcp6_parse_mos_addr(p, sizeof(opt), &mos));
	ASSERT_EQ(2, mos.is.n_v6);
	ASSERT_STREQ("2001:db8::2", inet_ntop(AF_INET6, &mos.is.v6[1], b,
					      sizeof(b)));
	ASSERT_EQ(1, mos.es.n_v6);
	ASSERT_STREQ("fd00::5", inet_ntop(AF_INET6, &mos.es.v6[0], b,
					  sizeof(b)));
	/* malformed: length 15, 3-octet header, code 256, overrun */
	p[3] = 15;
	ASSERT_EQ(-EBADMSG, mihf_dhcp6_parse_mos_addr(p, sizeof(opt), &mos));
	p[3] = 32;
	ASSERT_EQ(-EBADMSG, mihf_dhcp6_parse_mos_addr(p, 3, &mos));
	p[0] = 1;
	ASSERT_EQ(-EBADMSG, mihf_dhcp6_parse_mos_addr(p, sizeof(opt), &mos));
	p[0] = 0;
	ASSERT_EQ(-EBADMSG, mihf_dhcp6_parse_mos_addr(p, sizeof(opt) - 1,
						      &mos));
	/* v4 framing of a v6 payload is caught too */
	ASSERT_EQ(-EBADMSG, mihf_dhcp4_parse_mos_addr(p, sizeof(opt), &mos));
	ASSERT_EQ(2, mos.is.n_v6);	/* unchanged by the failures */
	free(p);

	p = dup_exact(fq, sizeof(fq));
	ASSERT_EQ(0, mihf_dhcp6_parse_mos_fqdn(p, sizeof(fq), &mos));
	ASSERT_EQ(1, mos.cs.n_names);
	ASSERT_STREQ("cs.test", mos.cs.names[0]);
	ASSERT_EQ(-EBADMSG, mihf_dhcp6_parse_mos_fqdn(p, sizeof(fq) - 1,
						      &mos));
	free(p);
}

/* ---- dhclient text ---- */

TEST(dhclient_value_decode)
{
	uint8_t b[16];

	ASSERT_EQ(6, mihf_dhclient_value_decode("1:4:a:0:0:5", b, sizeof(b)));
	ASSERT_EQ(0x0a, b[2]);
	ASSERT_EQ(3, mihf_dhclient_value_decode("01:ff:A0", b, sizeof(b)));
	ASSERT_EQ(0xa0, b[2]);
	ASSERT_EQ(4, mihf_dhclient_value_decode("\"a\\001\\\"b\"", b,
						sizeof(b)));
	ASSERT_EQ(1, b[1]);
	ASSERT_EQ('"', b[2]);
	ASSERT_EQ(-EBADMSG, mihf_dhclient_value_decode("", b, sizeof(b)));
	ASSERT_EQ(-EBADMSG, mihf_dhclient_value_decode("1:", b, sizeof(b)));
	ASSERT_EQ(-EBADMSG, mihf_dhclient_value_decode("123", b, sizeof(b)));
	ASSERT_EQ(-EBADMSG, mihf_dhclient_value_decode("1::2", b, sizeof(b)));
	ASSERT_EQ(-EBADMSG, mihf_dhclient_value_decode("1:g", b, sizeof(b)));
	ASSERT_EQ(-EBADMSG, mihf_dhclient_value_decode("\"abc", b, sizeof(b)));
	ASSERT_EQ(-EBADMSG, mihf_dhclient_value_decode("\"a\\9\"", b,
						       sizeof(b)));
	ASSERT_EQ(-EBADMSG, mihf_dhclient_value_decode("\"a\"x", b,
						       sizeof(b)));
	ASSERT_EQ(-E2BIG, mihf_dhclient_value_decode("1:2:3", b, 2));
}

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/test_discovery.XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return NULL;
	}
	close(fd);
	return path;
}

static const char lease_v4[] =
	"lease {\n"
	"  interface \"veth0\";\n"
	"  fixed-address 10.0.0.2;\n"
	"  option subnet-mask 255.255.255.0;\n"
	"  option mihsec-mos-ipv4 1:4:a:0:0:9;\n"
	"  expire 2 2026/11/24 23:27:53;\n"
	"}\n"
	"lease {\n"
	"  interface \"veth0\";\n"
	"  fixed-address 10.0.0.2;\n"
	"  option host-name \"a;b {c}\";\n"
	"  option mihsec-mos-ipv4 1:8:a:0:0:5:a:0:0:6:3:4:a:0:0:7;\n"
	"  option mihsec-mos-fqdn 1:9:2:6d:6f:4:74:65:73:74:0;\n"
	"  renew 2 2030/01/01 00:00:00;\n"
	"  expire 2 2030/01/02 03:04:05;\n"
	"}\n";

TEST(dhclient_lease_v4_last_wins)
{
	char *path = write_tmp(lease_v4);
	struct mihf_mos mos;
	char b[INET_ADDRSTRLEN];

	ASSERT_NE(NULL, path);
	ASSERT_EQ(0, mihf_dhclient_lease_read(path, &mos));
	ASSERT_EQ(2, mos.is.n_v4);
	ASSERT_STREQ("10.0.0.5", ip4(&mos.is.v4[0], b));
	ASSERT_EQ(1, mos.es.n_v4);
	ASSERT_STREQ("10.0.0.7", ip4(&mos.es.v4[0], b));
	ASSERT_EQ(1, mos.is.n_names);
	ASSERT_STREQ("mo.test", mos.is.names[0]);
	ASSERT_EQ(1893553445, mos.expire);	/* 2030-01-02T03:04:05Z */
	ASSERT_FALSE(mos.never_expires);
	unlink(path);
	free(path);
}

static const char lease_v6[] =
	"default-duid \"\\000\\001\\000\\001\";\n"
	"lease6 {\n"
	"  interface \"veth0\";\n"
	"  ia-na 32:7e:5e:52 {\n"
	"    starts 1700000000;\n"
	"    renew 1800;\n"
	"    rebind 2880;\n"
	"    iaaddr fd00::5 {\n"
	"      starts 1700000000;\n"
	"      preferred-life 4500;\n"
	"      max-life 7200;\n"
	"    }\n"
	"  }\n"
	"  option dhcp6.client-id 0:1:0:1;\n"
	"  option dhcp6.mihsec-mos-ipv6 0:1:0:10:20:1:d:b8:0:0:0:0:0:0:0:0:0:0:0:9;\n"
	"  option dhcp6.unknown-55 0:2:0:9:2:63:73:4:74:65:73:74:0;\n"
	"}\n";

TEST(dhclient_lease_v6)
{
	char *path = write_tmp(lease_v6);
	struct mihf_mos mos;
	char b[INET6_ADDRSTRLEN];

	ASSERT_NE(NULL, path);
	ASSERT_EQ(0, mihf_dhclient_lease_read(path, &mos));
	ASSERT_EQ(1, mos.is.n_v6);
	ASSERT_STREQ("2001:db8::9", inet_ntop(AF_INET6, &mos.is.v6[0], b,
					      sizeof(b)));
	ASSERT_EQ(1, mos.cs.n_names);
	ASSERT_STREQ("cs.test", mos.cs.names[0]);
	ASSERT_EQ(1700007200, mos.expire);
	unlink(path);
	free(path);
}

static const struct {
	const char *why;
	const char *text;
	int err;
} bad_leases[] = {
	{ "empty file", "", -ENOENT },
	{ "no lease block", "default-duid \"x\";\n", -ENOENT },
	{ "unterminated block", "lease {\n option subnet-mask 1.2.3.4;\n",
	  -EBADMSG },
	{ "stray }", "}\n", -EBADMSG },
	{ "no semicolon", "lease {\n fixed-address 10.0.0.1\n}\n", -EBADMSG },
	{ "bad MoS payload", "lease {\n option mihsec-mos-ipv4 1:3:a:0:0;\n}\n",
	  -EBADMSG },
	{ "bad MoS text", "lease {\n option mihsec-mos-ipv4 1:4:a:0:0:zz;\n}\n",
	  -EBADMSG },
	{ "bad expire", "lease {\n expire 2 2030/13/01 00:00:00;\n}\n",
	  -EBADMSG },
	{ "unbalanced quote", "lease {\n interface \"veth0;\n}\n", -EBADMSG },
	{ "option without value", "lease {\n option mihsec-mos-ipv4;\n}\n",
	  -EBADMSG },
};

TEST(dhclient_lease_malformed)
{
	struct mihf_mos mos;
	size_t i;

	for (i = 0; i < sizeof(bad_leases) / sizeof(bad_leases[0]); i++) {
		char *path = write_tmp(bad_leases[i].text);

		ASSERT_NE(NULL, path);
		EXPECT_EQ(bad_leases[i].err,
			  mihf_dhclient_lease_read(path, &mos))
			TH_LOG("case: %s", bad_leases[i].why);
		unlink(path);
		free(path);
	}
	ASSERT_EQ(-ENOENT, mihf_dhclient_lease_read("/nonexistent/lease",
						    &mos));
}

TEST(dhclient_lease_without_mos_and_never)
{
	char *path = write_tmp("lease {\n option subnet-mask 255.0.0.0;\n"
			       " expire never;\n}\n");
	struct mihf_mos mos;

	ASSERT_EQ(0, mihf_dhclient_lease_read(path, &mos));
	ASSERT_EQ(0, mos.is.n_v4 + mos.es.n_v4 + mos.cs.n_v4);
	ASSERT_TRUE(mos.never_expires);
	unlink(path);
	free(path);
}

static const char *fake_env(const char *name)
{
	if (!strcmp(name, "new_mihsec_mos_ipv4"))
		return "2:4:c0:0:2:63";
	if (!strcmp(name, "new_dhcp6_mihsec_mos_fqdn"))
		return "0:3:0:9:2:65:73:4:74:65:73:74:0";
	if (!strcmp(name, "new_expiry"))
		return "1900000000";
	return NULL;
}

static const char *bad_env(const char *name)
{
	if (!strcmp(name, "new_mihsec_mos_fqdn"))
		return "1:3:2:61:62";
	return NULL;
}

TEST(dhclient_hook_env)
{
	struct mihf_mos mos;
	char b[INET_ADDRSTRLEN];

	ASSERT_EQ(0, mihf_dhclient_env_read(&mos, fake_env));
	ASSERT_EQ(1, mos.cs.n_v4);
	ASSERT_STREQ("192.0.2.99", ip4(&mos.cs.v4[0], b));
	ASSERT_EQ(1, mos.es.n_names);
	ASSERT_STREQ("es.test", mos.es.names[0]);
	ASSERT_EQ(1900000000, mos.expire);
	ASSERT_EQ(-EBADMSG, mihf_dhclient_env_read(&mos, bad_env));
}

static void dom_cb(const char *name, uint32_t services, void *arg)
{
	char *out = arg;

	sprintf(out + strlen(out), "%s=%u;", name, services);
}

TEST(mos_to_peers_and_domains)
{
	struct mihf_peers *t = mihf_peers_new(0);
	struct mihf_mos mos;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(4551) };
	struct mihf_peer *p;
	char out[256] = "";

	mihf_mos_init(&mos);
	inet_pton(AF_INET, "10.0.0.5", &mos.is.v4[0]);
	mos.is.n_v4 = 1;
	inet_pton(AF_INET, "10.0.0.5", &mos.es.v4[0]);
	inet_pton(AF_INET, "10.0.0.6", &mos.es.v4[1]);
	mos.es.n_v4 = 2;
	inet_pton(AF_INET6, "2001:db8::5", &mos.cs.v6[0]);
	mos.cs.n_v6 = 1;
	strcpy(mos.is.names[0], "a.test");
	strcpy(mos.es.names[0], "b.test");
	strcpy(mos.cs.names[0], "A.test");
	mos.is.n_names = mos.es.n_names = mos.cs.n_names = 1;
	mos.expire = time(NULL) + 100;

	ASSERT_EQ(4, mihf_mos_to_peers(&mos, t, 5 * SEC));
	ASSERT_EQ(3, mihf_peers_count(t));
	inet_pton(AF_INET, "10.0.0.5", &a.sin_addr);
	p = mihf_peers_find_addr(t, (void *)&a, sizeof(a));
	ASSERT_NE(NULL, p);
	ASSERT_EQ(MIHF_PEER_IS, p->kind);
	ASSERT_EQ(MIHF_SVC_IS | MIHF_SVC_ES, p->services);
	ASSERT_EQ(MIHF_PEER_SRC_DHCP, p->sources);
	ASSERT_TRUE(p->addrs[0].expires_ns > 5 * SEC + 90 * SEC);
	ASSERT_TRUE(p->addrs[0].expires_ns <= 5 * SEC + 100 * SEC);
	ASSERT_EQ(3, mihf_peers_expire(t, 5 * SEC + 101 * SEC));

	ASSERT_EQ(2, mihf_mos_domains(&mos, dom_cb, out));
	ASSERT_STREQ("a.test=5;b.test=2;", out);

	/* an expired lease adds nothing */
	mos.expire = time(NULL) - 1;
	ASSERT_EQ(0, mihf_mos_to_peers(&mos, t, 5 * SEC));
	mihf_peers_free(t);
}

/* ---- DNS: canned answers ---- */

struct msgb {
	uint8_t b[2048];
	int len;
	const uint8_t *dnptrs[32];
	int an;
};

static void mb_init(struct msgb *m, const char *qname, int qtype, int rcode)
{
	memset(m, 0, sizeof(*m));
	m->len = res_mkquery(ns_o_query, qname, ns_c_in, qtype, NULL, 0, NULL,
			     m->b, sizeof(m->b));
	m->b[2] |= 0x80;			/* QR */
	m->b[3] = (uint8_t)(0x80 | rcode);	/* RA, rcode */
	m->dnptrs[0] = m->b;
}

static void mb_rr(struct msgb *m, const char *owner, int type, uint32_t ttl,
		  const uint8_t *rd, int rdlen)
{
	int n = dn_comp(owner, m->b + m->len, (int)sizeof(m->b) - m->len,
			(unsigned char **)m->dnptrs,
			(unsigned char **)&m->dnptrs[31]);

	m->len += n;
	ns_put16((unsigned int)type, m->b + m->len);
	ns_put16(ns_c_in, m->b + m->len + 2);
	ns_put32(ttl, m->b + m->len + 4);
	ns_put16((unsigned int)rdlen, m->b + m->len + 8);
	memcpy(m->b + m->len + 10, rd, (size_t)rdlen);
	m->len += 10 + rdlen;
	m->an++;
	ns_put16((unsigned int)m->an, m->b + 6);
}

static int rd_name(uint8_t *rd, const char *name)
{
	return dn_comp(name, rd, 256, NULL, NULL);
}

static void mb_naptr(struct msgb *m, const char *owner, uint32_t ttl,
		     int order, int pref, const char *flags,
		     const char *service, const char *repl)
{
	uint8_t rd[512];
	int l = 0;

	ns_put16((unsigned int)order, rd);
	ns_put16((unsigned int)pref, rd + 2);
	l = 4;
	rd[l++] = (uint8_t)strlen(flags);
	memcpy(rd + l, flags, strlen(flags));
	l += (int)strlen(flags);
	rd[l++] = (uint8_t)strlen(service);
	memcpy(rd + l, service, strlen(service));
	l += (int)strlen(service);
	rd[l++] = 0;				/* regexp */
	l += rd_name(rd + l, repl);
	mb_rr(m, owner, ns_t_naptr, ttl, rd, l);
}

static void mb_srv(struct msgb *m, const char *owner, uint32_t ttl, int prio,
		   int weight, int port, const char *target)
{
	uint8_t rd[300];

	ns_put16((unsigned int)prio, rd);
	ns_put16((unsigned int)weight, rd + 2);
	ns_put16((unsigned int)port, rd + 4);
	mb_rr(m, owner, ns_t_srv, ttl, rd, 6 + rd_name(rd + 6, target));
}

static void mb_a(struct msgb *m, const char *owner, uint32_t ttl,
		 const char *addr)
{
	uint8_t rd[16];

	if (strchr(addr, ':')) {
		inet_pton(AF_INET6, addr, rd);
		mb_rr(m, owner, ns_t_aaaa, ttl, rd, 16);
	} else {
		inet_pton(AF_INET, addr, rd);
		mb_rr(m, owner, ns_t_a, ttl, rd, 4);
	}
}

TEST(parse_naptr_answer)
{
	struct msgb m;
	struct mihf_naptr n[8];
	uint8_t *p;

	mb_init(&m, "example.test", ns_t_naptr, 0);
	mb_naptr(&m, "example.test", 600, 20, 10, "a", "IEEE802.21-ES+D2U",
		 "es.example.test");
	mb_naptr(&m, "example.test", 300, 10, 20, "S", "ieee802.21-is+d2t",
		 "_mihis._tcp.example.test");
	mb_naptr(&m, "example.test", 300, 10, 10, "s", "IEEE802.21-IS+D2U",
		 "_mihis._udp.example.test");
	mb_naptr(&m, "example.test", 300, 5, 10, "s", "SIP+D2U",
		 "_sip._udp.example.test");
	mb_naptr(&m, "other.test", 300, 1, 1, "s", "IEEE802.21-CS+D2U",
		 "_mihcs._udp.other.test");	/* not the question's */
	p = dup_exact(m.b, (size_t)m.len);
	ASSERT_EQ(3, mihf_dns_parse_naptr(p, m.len, n, 8));
	ASSERT_EQ(10, n[0].order);
	ASSERT_EQ(10, n[0].pref);
	ASSERT_EQ(MIHF_SVC_IS, n[0].services);
	ASSERT_TRUE(n[0].udp);
	ASSERT_FALSE(n[0].tcp);
	ASSERT_STREQ("_mihis._udp.example.test", n[0].replacement);
	ASSERT_STREQ("s", n[0].flags);
	ASSERT_TRUE(n[1].tcp);
	ASSERT_EQ(MIHF_SVC_ES, n[2].services);
	ASSERT_STREQ("es.example.test", n[2].replacement);
	ASSERT_EQ(600, n[2].ttl);
	/* max bounds the output */
	ASSERT_EQ(1, mihf_dns_parse_naptr(p, m.len, n, 1));
	/* every truncation is rejected or yields fewer records, never more */
	for (int l = 0; l < m.len; l++) {
		uint8_t *q = dup_exact(m.b, (size_t)l);
		int r = mihf_dns_parse_naptr(q, l, n, 8);

		EXPECT_TRUE(r == -EBADMSG || (r >= 0 && r <= 3))
			TH_LOG("len %d -> %d", l, r);
		free(q);
	}
	free(p);
}

TEST(naptr_service_field)
{
	uint32_t s;
	bool u, t;

	ASSERT_EQ(0, mihf_dns_parse_naptr_service("IEEE802.21-CS+D2U+D2T", &s,
						  &u, &t));
	ASSERT_EQ(MIHF_SVC_CS, s);
	ASSERT_TRUE(u && t);
	ASSERT_EQ(0, mihf_dns_parse_naptr_service("IEEE802.21-IS:D2T", &s, &u,
						  &t));
	ASSERT_TRUE(!u && t);
	ASSERT_EQ(0, mihf_dns_parse_naptr_service("IEEE802.21-ES+X+D2U", &s,
						  &u, &t));
	ASSERT_TRUE(u && !t);
	ASSERT_EQ(-EINVAL, mihf_dns_parse_naptr_service("IEEE802.21-IS", &s,
							&u, &t));
	ASSERT_EQ(-EINVAL, mihf_dns_parse_naptr_service("IEEE802.21-ISX+D2U",
							&s, &u, &t));
	ASSERT_EQ(-EINVAL, mihf_dns_parse_naptr_service("IEEE802.21-IS+D2UX",
							&s, &u, &t));
	ASSERT_EQ(-EINVAL, mihf_dns_parse_naptr_service("SIP+D2U", &s, &u,
							&t));
	ASSERT_EQ(-EINVAL, mihf_dns_parse_naptr_service("", &s, &u, &t));
}

TEST(parse_srv_and_addr_answers)
{
	struct msgb m;
	struct mihf_srv s[4];
	struct sockaddr_storage a[4];
	uint32_t ttl[4];
	uint8_t bad[5] = { 1, 2, 3, 4, 5 };
	char b[INET6_ADDRSTRLEN];

	mb_init(&m, "_mihis._udp.example.test", ns_t_srv, 0);
	mb_srv(&m, "_mihis._udp.example.test", 100, 20, 0, 4552, "is2.test");
	mb_srv(&m, "_mihis._udp.example.test", 100, 10, 5, 4551, "is1.test");
	mb_srv(&m, "_mihis._udp.example.test", 100, 10, 50, 4553, "is3.test");
	/* SRV rdata of 5 octets: skipped */
	mb_rr(&m, "_mihis._udp.example.test", ns_t_srv, 100, bad, 5);
	ASSERT_EQ(3, mihf_dns_parse_srv(m.b, m.len, s, 4));
	ASSERT_STREQ("is3.test", s[0].target);	/* prio 10, weight 50 */
	ASSERT_EQ(4553, s[0].port);
	ASSERT_STREQ("is1.test", s[1].target);
	ASSERT_STREQ("is2.test", s[2].target);

	/* A via a CNAME; a wrong-length A skipped; another owner ignored */
	mb_init(&m, "is.test", ns_t_a, 0);
	{
		uint8_t rd[64];

		mb_rr(&m, "is.test", ns_t_cname, 50, rd,
		      rd_name(rd, "real.test"));
	}
	mb_a(&m, "real.test", 40, "192.0.2.7");
	mb_rr(&m, "real.test", ns_t_a, 40, bad, 5);
	mb_a(&m, "evil.test", 40, "192.0.2.66");
	ASSERT_EQ(1, mihf_dns_parse_addrs(m.b, m.len, AF_INET, a, ttl, 4));
	ASSERT_STREQ("192.0.2.7", inet_ntop(AF_INET,
		&((struct sockaddr_in *)&a[0])->sin_addr, b, sizeof(b)));
	ASSERT_EQ(40, ttl[0]);
	ASSERT_EQ(0, mihf_dns_parse_addrs(m.b, m.len, AF_INET6, a, ttl, 4));

	/* NXDOMAIN: nothing, not an error */
	mb_init(&m, "none.test", ns_t_aaaa, ns_r_nxdomain);
	ASSERT_EQ(0, mihf_dns_parse_addrs(m.b, m.len, AF_INET6, a, ttl, 4));
	/* garbage */
	ASSERT_EQ(-EBADMSG, mihf_dns_parse_addrs(bad, 5, AF_INET, a, ttl, 4));
}

/* The canned zone: (name, type) -> answer */
struct zone {
	struct msgb m[16];
	int n;
	int queries;
};

static struct msgb *zone_add(struct zone *z, const char *name, int type)
{
	struct msgb *m = &z->m[z->n++];

	mb_init(m, name, type, 0);
	return m;
}

static int zone_query(void *arg, const char *name, int type, uint8_t *ans,
		      int anslen)
{
	struct zone *z = arg;
	int i;

	z->queries++;
	for (i = 0; i < z->n; i++) {
		ns_msg msg;
		ns_rr rr;

		ns_initparse(z->m[i].b, z->m[i].len, &msg);
		ns_parserr(&msg, ns_s_qd, 0, &rr);
		if ((int)ns_rr_type(rr) == type &&
		    !strcasecmp(ns_rr_name(rr), name)) {
			if (z->m[i].len > anslen)
				return -1;
			memcpy(ans, z->m[i].b, (size_t)z->m[i].len);
			return z->m[i].len;
		}
	}
	return -1;
}

static void build_zone(struct zone *z)
{
	struct msgb *m;

	memset(z, 0, sizeof(*z));
	m = zone_add(z, "example.test", ns_t_naptr);
	mb_naptr(m, "example.test", 600, 10, 10, "s", "IEEE802.21-IS+D2U",
		 "_mihis._udp.example.test");
	mb_naptr(m, "example.test", 600, 10, 20, "s", "IEEE802.21-IS+D2T",
		 "_mihis._tcp.example.test");
	mb_naptr(m, "example.test", 600, 20, 10, "a", "IEEE802.21-ES+D2U",
		 "es.example.test");
	mb_naptr(m, "example.test", 600, 20, 10, "u", "IEEE802.21-ES+D2U",
		 "ignored.example.test");
	/* non-terminal: CS over TCP is described one level down */
	mb_naptr(m, "example.test", 600, 30, 10, "", "IEEE802.21-CS+D2T",
		 "sub.example.test");
	/* a non-terminal loop: must end (ES over TCP) */
	mb_naptr(m, "example.test", 600, 30, 10, "", "IEEE802.21-ES+D2T",
		 "loop.example.test");
	m = zone_add(z, "loop.example.test", ns_t_naptr);
	mb_naptr(m, "loop.example.test", 600, 1, 1, "", "IEEE802.21-ES+D2T",
		 "loop.example.test");
	m = zone_add(z, "sub.example.test", ns_t_naptr);
	mb_naptr(m, "sub.example.test", 100, 1, 1, "s", "IEEE802.21-CS+D2T",
		 "_mihcs._tcp.sub.example.test");
	m = zone_add(z, "_mihcs._tcp.sub.example.test", ns_t_srv);
	mb_srv(m, "_mihcs._tcp.sub.example.test", 900, 0, 0, 4554,
	       "cs2.example.test");
	m = zone_add(z, "cs2.example.test", ns_t_a);
	mb_a(m, "cs2.example.test", 900, "192.0.2.31");
	m = zone_add(z, "_mihis._udp.example.test", ns_t_srv);
	mb_srv(m, "_mihis._udp.example.test", 300, 10, 0, 4551,
	       "is1.example.test");
	mb_srv(m, "_mihis._udp.example.test", 300, 20, 0, 4552,
	       "is2.example.test");
	m = zone_add(z, "_mihis._tcp.example.test", ns_t_srv);
	mb_srv(m, "_mihis._tcp.example.test", 300, 10, 0, 4551,
	       "is1.example.test");
	m = zone_add(z, "is1.example.test", ns_t_a);
	mb_a(m, "is1.example.test", 120, "192.0.2.10");
	m = zone_add(z, "is1.example.test", ns_t_aaaa);
	mb_a(m, "is1.example.test", 900, "2001:db8::10");
	m = zone_add(z, "is2.example.test", ns_t_a);
	mb_a(m, "is2.example.test", 900, "192.0.2.11");
	m = zone_add(z, "es.example.test", ns_t_a);
	mb_a(m, "es.example.test", 900, "192.0.2.20");
	/* CS has no NAPTR: the well-known SRV name */
	m = zone_add(z, "_mihcs._udp.example.test", ns_t_srv);
	mb_srv(m, "_mihcs._udp.example.test", 30, 0, 0, 4553,
	       "cs.example.test");
	m = zone_add(z, "cs.example.test", ns_t_aaaa);
	mb_a(m, "cs.example.test", 900, "2001:db8::30");
}

static const struct mihf_dns_result *find_res(const struct mihf_dns_result *r,
					      size_t n, uint32_t svc,
					      uint8_t tr, const char *addr,
					      uint16_t port)
{
	char b[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < n; i++) {
		uint16_t p;

		mihf_sockaddr_ntop((const void *)&r[i].sa, b, sizeof(b));
		p = r[i].sa.ss_family == AF_INET ?
			ntohs(((const struct sockaddr_in *)&r[i].sa)->sin_port) :
			ntohs(((const struct sockaddr_in6 *)&r[i].sa)->sin6_port);
		if (r[i].service == svc && r[i].transport == tr &&
		    !strcmp(b, addr) && p == port)
			return &r[i];
	}
	return NULL;
}

TEST(discover_walk)
{
	struct zone *z = malloc(sizeof(*z));
	struct mihf_dns_cfg cfg;
	struct mihf_dns_result res[MIHF_DNS_RESULTS_MAX];
	const struct mihf_dns_result *r;
	struct mihf_peers *t = mihf_peers_new(0);
	size_t n;

	build_zone(z);
	mihf_dns_cfg_init(&cfg);
	snprintf(cfg.domain, sizeof(cfg.domain), "example.test");
	cfg.udp = cfg.tcp = true;
	cfg.query = zone_query;
	cfg.query_arg = z;
	ASSERT_EQ(0, mihf_dns_discover(&cfg, res, MIHF_DNS_RESULTS_MAX, &n));
	for (size_t i = 0; i < n; i++) {
		char b[INET6_ADDRSTRLEN];

		TH_LOG("svc %u tr %u %s %s ttl %u", res[i].service,
		       res[i].transport, res[i].target,
		       mihf_sockaddr_ntop((void *)&res[i].sa, b, sizeof(b)),
		       res[i].ttl);
	}
	ASSERT_EQ(8, n);
	r = find_res(res, n, MIHF_SVC_IS, MIHF_TRANSPORT_UDP, "192.0.2.10",
		     4551);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(120, r->ttl);		/* min(600, 300, 120) */
	ASSERT_STREQ("is1.example.test", r->target);
	r = find_res(res, n, MIHF_SVC_IS, MIHF_TRANSPORT_UDP, "2001:db8::10",
		     4551);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(300, r->ttl);
	ASSERT_NE(NULL, find_res(res, n, MIHF_SVC_IS, MIHF_TRANSPORT_UDP,
				 "192.0.2.11", 4552));
	ASSERT_NE(NULL, find_res(res, n, MIHF_SVC_IS, MIHF_TRANSPORT_TCP,
				 "192.0.2.10", 4551));
	ASSERT_NE(NULL, find_res(res, n, MIHF_SVC_IS, MIHF_TRANSPORT_TCP,
				 "2001:db8::10", 4551));
	/* flag "a": the host itself, port 4551 */
	ASSERT_NE(NULL, find_res(res, n, MIHF_SVC_ES, MIHF_TRANSPORT_UDP,
				 "192.0.2.20", 4551));
	/* SRV fallback for CS */
	r = find_res(res, n, MIHF_SVC_CS, MIHF_TRANSPORT_UDP, "2001:db8::30",
		     4553);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(30, r->ttl);
	/* through the non-terminal NAPTR: TTL min(600, 100, 900, 900) */
	r = find_res(res, n, MIHF_SVC_CS, MIHF_TRANSPORT_TCP, "192.0.2.31",
		     4554);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(100, r->ttl);

	/* into the peer table: 6 distinct endpoints */
	ASSERT_EQ(8, mihf_dns_results_to_peers(res, n, t, SEC));
	ASSERT_EQ(6, mihf_peers_count(t));
	/* the 30 s TTL is raised to the minimum */
	ASSERT_EQ(0, mihf_peers_expire(t, SEC + 59 * SEC));
	ASSERT_EQ(1, mihf_peers_expire(t, SEC + 60 * SEC));

	/* ES over TCP: only the looping non-terminal chain; it ends */
	cfg.services = MIHF_SVC_ES;
	cfg.udp = false;
	z->queries = 0;
	ASSERT_EQ(0, mihf_dns_discover(&cfg, res, MIHF_DNS_RESULTS_MAX, &n));
	ASSERT_EQ(0, n);
	/* top NAPTR, 3 hops of loop.example.test, the SRV fallback */
	ASSERT_EQ(5, z->queries);
	cfg.udp = true;

	/* only ES over UDP */
	cfg.services = MIHF_SVC_ES;
	cfg.tcp = false;
	ASSERT_EQ(0, mihf_dns_discover(&cfg, res, MIHF_DNS_RESULTS_MAX, &n));
	ASSERT_EQ(1, n);
	/* a bounded result array */
	cfg.services = 0;
	cfg.tcp = true;
	ASSERT_EQ(0, mihf_dns_discover(&cfg, res, 3, &n));
	ASSERT_EQ(3, n);
	/* nothing at all in another domain */
	snprintf(cfg.domain, sizeof(cfg.domain), "nothing.test");
	ASSERT_EQ(0, mihf_dns_discover(&cfg, res, MIHF_DNS_RESULTS_MAX, &n));
	ASSERT_EQ(0, n);
	cfg.domain[0] = 0;
	ASSERT_EQ(-EINVAL, mihf_dns_discover(&cfg, res, MIHF_DNS_RESULTS_MAX,
					     &n));
	mihf_peers_free(t);
	free(z);
}

struct async_st {
	struct md_loop *loop;
	int calls, err;
	size_t n;
	bool cs_tcp;
};

static void async_done(void *arg, int err, const struct mihf_dns_result *res,
		       size_t n)
{
	struct async_st *st = arg;

	st->calls++;
	st->err = err;
	st->n = n;
	st->cs_tcp = find_res(res, n, MIHF_SVC_CS, MIHF_TRANSPORT_TCP,
			      "192.0.2.31", 4554) != NULL;
	md_loop_stop(st->loop, 0);
}

static void async_guard(struct md_loop *loop, struct md_timer *t, void *arg)
{
	md_loop_stop(loop, 1);
}

TEST(discover_async_on_the_loop)
{
	struct zone *z = malloc(sizeof(*z));
	struct async_st st = { 0 };
	struct mihf_dns_cfg cfg;
	struct mihf_dns_job *job;
	int err = 0;

	build_zone(z);
	mihf_dns_cfg_init(&cfg);
	snprintf(cfg.domain, sizeof(cfg.domain), "example.test");
	cfg.tcp = true;
	cfg.query = zone_query;
	cfg.query_arg = z;
	st.loop = md_loop_new();
	ASSERT_NE(NULL, st.loop);
	job = mihf_dns_discover_async(st.loop, &cfg, async_done, &st, &err);
	ASSERT_NE(NULL, job);
	ASSERT_NE(NULL, md_timer_add(st.loop, 5000 * 1000000ULL, 0,
				     async_guard, NULL));
	ASSERT_EQ(0, md_loop_run(st.loop));	/* not the guard */
	ASSERT_EQ(1, st.calls);
	ASSERT_EQ(0, st.err);
	ASSERT_EQ(8, st.n);
	ASSERT_TRUE(st.cs_tcp);

	/* cancelled before it reports: never called */
	st.calls = 0;
	job = mihf_dns_discover_async(st.loop, &cfg, async_done, &st, &err);
	ASSERT_NE(NULL, job);
	mihf_dns_job_cancel(st.loop, job);
	ASSERT_NE(NULL, md_timer_add(st.loop, 200 * 1000000ULL, 0,
				     async_guard, NULL));
	ASSERT_EQ(1, md_loop_run(st.loop));	/* the guard */
	ASSERT_EQ(0, st.calls);
	/* bad arguments */
	cfg.domain[0] = 0;
	ASSERT_EQ(NULL, mihf_dns_discover_async(st.loop, &cfg, async_done,
						&st, &err));
	ASSERT_EQ(-EINVAL, err);
	md_loop_free(st.loop);
	free(z);
}

TEST_HARNESS_MAIN

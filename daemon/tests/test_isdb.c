// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the IS database (mihf/isdb.c, isdb_sqlite.c, isdb_pg.c):
 * schema, import (every line-numbered error), export round trip, the
 * handover look-ups and the binary query (decoded with lib/mihie.h).
 *
 * Every test runs on SQLite (a temporary file) and, when MIHSEC_ISDB_PG
 * holds a libpq conninfo (tests/host/isdb_pg.sh sets it up with a real
 * server), on PostgreSQL too; otherwise the PostgreSQL variants SKIP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

/* the 6.1 harness trips -Wextra: its wrappers ignore some parameters */
#pragma GCC diagnostic ignored "-Wunused-parameter"
/* EXPECT_EQ(3, size_t) and the like */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "lib/mihie.h"
#include "mihf/isdb.h"

/* The example file, from daemon/ (make check) or the top directory */
static const char *example_path(void)
{
	static const char *const cands[] = {
		"examples/isdb.txt", "daemon/examples/isdb.txt",
		"../examples/isdb.txt",
	};
	const char *env = getenv("MIHSEC_ISDB_EXAMPLE");
	size_t i;

	if (env)
		return env;
	for (i = 0; i < sizeof(cands) / sizeof(cands[0]); i++)
		if (!access(cands[i], R_OK))
			return cands[i];
	return cands[0];
}

/* The export of db as a string */
static char *export_str(struct isdb *db, size_t *len)
{
	char *buf = NULL;
	size_t sz = 0;
	FILE *f = open_memstream(&buf, &sz);
	int r;

	if (!f)
		return NULL;
	r = isdb_export(db, f);
	fclose(f);
	if (r) {
		free(buf);
		return NULL;
	}
	*len = sz;
	return buf;
}

/* Import a string */
static int import_str(struct isdb *db, const char *text, bool replace,
		      char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r;

	if (!f)
		return -errno;
	r = isdb_import_stream(db, f, "t", replace, err, errlen, NULL, NULL);
	fclose(f);
	return r;
}

/* ---- fixtures: one database per test, SQLite or PostgreSQL ---- */

struct dbenv {
	enum isdb_backend backend;
	char path[64];		/* SQLite file */
	const char *target;
	struct isdb *db;
};

static int dbenv_open(struct dbenv *e, enum isdb_backend backend)
{
	char err[ISDB_ERR_MAX];
	int fd, r;

	memset(e, 0, sizeof(*e));
	e->backend = backend;
	if (backend == ISDB_BACKEND_PG) {
		e->target = getenv("MIHSEC_ISDB_PG");
		if (!e->target || !*e->target)
			return 1;	/* skip */
	} else {
		strcpy(e->path, "/tmp/test_isdb.XXXXXX");
		fd = mkstemp(e->path);
		if (fd < 0)
			return -errno;
		close(fd);
		e->target = e->path;
	}
	r = isdb_open(&e->db, backend, e->target, err, sizeof(err));
	if (r) {
		fprintf(stderr, "# open: %s\n", err);
		return r;
	}
	/* each test starts from an empty database (PostgreSQL is shared) */
	return isdb_clear(e->db);
}

static void dbenv_close(struct dbenv *e)
{
	char p[80];

	isdb_close(e->db);
	e->db = NULL;
	if (e->path[0]) {
		unlink(e->path);
		snprintf(p, sizeof(p), "%s-wal", e->path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", e->path);
		unlink(p);
	}
}

FIXTURE(db) {
	struct dbenv e;
	struct isdb *db;
};

FIXTURE_VARIANT(db) {
	enum isdb_backend backend;
};

FIXTURE_VARIANT_ADD(db, sqlite) {
	.backend = ISDB_BACKEND_SQLITE,
};

FIXTURE_VARIANT_ADD(db, pg) {
	.backend = ISDB_BACKEND_PG,
};

FIXTURE_SETUP(db)
{
	int r = dbenv_open(&self->e, variant->backend);

	if (r == 1)
		SKIP(return, "MIHSEC_ISDB_PG not set (tests/host/isdb_pg.sh sets it)");
	ASSERT_EQ(0, r);
	self->db = self->e.db;
}

/* the 6.1 harness runs the body after a SKIP in the setup */
#define NEED_DB() do { \
	if (!self->db) \
		SKIP(return, "no database"); \
} while (0)

FIXTURE_TEARDOWN(db)
{
	dbenv_close(&self->e);
}

static void import_example(struct __test_metadata *_metadata,
			   struct isdb *db)
{
	char err[ISDB_ERR_MAX] = "";
	size_t nn = 0, np = 0;
	int r;

	r = isdb_import_file(db, example_path(), true, err, sizeof(err), &nn,
			     &np);
	if (r)
		TH_LOG("import: %s", err);
	ASSERT_EQ(0, r);
	ASSERT_EQ(3, nn);
	ASSERT_EQ(4, np);
}

/* ---- schema ---- */

TEST_F(db, schema_twice)
{
	struct isdb *db2;
	char err[ISDB_ERR_MAX];
	size_t nn, np;

	NEED_DB();
	EXPECT_EQ(ISDB_SCHEMA_VERSION, isdb_schema_version(self->db));
	import_example(_metadata, self->db);
	/* a second open runs the schema creation again: nothing lost */
	ASSERT_EQ(0, isdb_open(&db2, variant->backend, self->e.target, err,
			       sizeof(err)));
	EXPECT_EQ(ISDB_SCHEMA_VERSION, isdb_schema_version(db2));
	ASSERT_EQ(0, isdb_count(db2, &nn, &np));
	EXPECT_EQ(3, nn);
	EXPECT_EQ(4, np);
	isdb_close(db2);
}

TEST(open_errors)
{
	struct isdb *db = (void *)1;
	char err[ISDB_ERR_MAX] = "";

	EXPECT_EQ(-EINVAL, isdb_open(&db, 7, "x", err, sizeof(err)));
	EXPECT_EQ(NULL, db);
	EXPECT_GT(0, isdb_open(&db, ISDB_BACKEND_SQLITE,
			       "/nonexistent/dir/x.db", err, sizeof(err)));
	EXPECT_EQ(NULL, db);
	EXPECT_NE(0, err[0]);
	EXPECT_GT(0, isdb_open(&db, ISDB_BACKEND_PG,
			       "host=/nonexistent/sock dbname=x connect_timeout=1",
			       err, sizeof(err)));
	EXPECT_EQ(NULL, db);
	EXPECT_NE(NULL, strstr(err, "postgresql"));
	EXPECT_EQ(ISDB_BACKEND_SQLITE, isdb_backend_parse("sqlite"));
	EXPECT_EQ(ISDB_BACKEND_PG, isdb_backend_parse("postgresql"));
	EXPECT_EQ(-EINVAL, isdb_backend_parse("mysql"));
}

/* ---- import / export ---- */

TEST_F(db, import_example_values)
{
	struct isdb_network net;
	struct isdb_poa poa;
	static const uint8_t ap2[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02 };
	static const uint8_t sw1[6] = { 0x02, 0x00, 0x5e, 0x20, 0x00, 0x01 };

	NEED_DB();
	import_example(_metadata, self->db);
	ASSERT_EQ(0, isdb_find_poa_by_link_addr(self->db, ap2, &poa, &net));
	EXPECT_STREQ("campus-ap2", poa.name);
	EXPECT_STREQ("campus-wifi", net.name);
	EXPECT_EQ(19, net.link_type);
	EXPECT_STREQ("campus", net.network_id);
	EXPECT_STREQ("Example Campus Networks", net.operator_name);
	EXPECT_EQ(ISDB_OPNS_REALM, net.operator_ns);
	EXPECT_STREQ("DE", net.country);
	EXPECT_EQ(300000, net.data_rate);
	EXPECT_EQ((1u << 1) | (1u << 2) | (1u << 11), net.ip_cfg);
	EXPECT_EQ(AF_INET, net.dhcp_server.family);
	EXPECT_EQ(0, memcmp(net.dhcp_server.addr, "\xc0\x00\x02\x02", 4));
	EXPECT_EQ(AF_INET, net.foreign_agent.family);
	EXPECT_EQ(0, memcmp(net.foreign_agent.addr, "\xc0\x00\x02\x01", 4));
	EXPECT_EQ(AF_INET, net.access_router.family);
	EXPECT_EQ(0, memcmp(net.access_router.addr, "\xc0\x00\x02\x01", 4));
	EXPECT_EQ((1u << 0) | (1u << 7) | (1u << 9), net.caps);
	EXPECT_EQ((1u << 2) | (1u << 5), net.mob_mgmt);
	ASSERT_EQ(2, net.ncosts);
	EXPECT_STREQ("EUR", net.costs[0].currency);
	EXPECT_STREQ("USD", net.costs[1].currency);
	EXPECT_EQ(ISDB_COST_MONTH, net.costs[0].unit);
	ASSERT_EQ(6, net.nqos);
	EXPECT_EQ(2, net.qos_num_cos);
	EXPECT_EQ(1, net.qos[0].type);
	EXPECT_EQ(0, net.qos[0].cos);
	EXPECT_EQ(5, net.qos[0].value);
	EXPECT_EQ(5, net.qos[5].type);
	EXPECT_EQ(1, net.qos[5].cos);
	EXPECT_EQ(10, net.qos[5].value);
	EXPECT_EQ(ISDB_LOC_CIVIC, poa.loc.kind);
	EXPECT_STREQ("DE", poa.loc.country);
	EXPECT_EQ(5180, poa.chan_low);
	EXPECT_EQ(5320, poa.chan_high);
	EXPECT_EQ(AF_INET, poa.subnet.family);
	EXPECT_EQ(25, poa.subnet_len);
	EXPECT_EQ(AF_INET, poa.ip.family);
	EXPECT_EQ(0, memcmp(poa.ip.addr, "\xc0\x00\x02\x0b", 4));
	EXPECT_STREQ("ar1.campus.example.net", poa.pos_mihf_id);
	EXPECT_EQ(AF_INET, poa.pos_addr.family);
	EXPECT_EQ(0, memcmp(poa.pos_addr.addr, "\xc0\x00\x02\x01", 4));
	EXPECT_EQ(4551, poa.pos_port);

	ASSERT_EQ(0, isdb_find_poa_by_link_addr(self->db, sw1, &poa, &net));
	EXPECT_EQ(15, net.link_type);
	EXPECT_EQ(AF_INET6, net.dhcp_server.family);
	EXPECT_EQ(0, memcmp(net.dhcp_server.addr,
			    "\x20\x01\x0d\xb8\x00\x20\0\0\0\0\0\0\0\0\0\x02", 16));
	EXPECT_EQ(AF_UNSPEC, net.foreign_agent.family);
	EXPECT_EQ(AF_INET6, net.access_router.family);
	EXPECT_EQ(AF_INET6, poa.pos_addr.family);
	EXPECT_STREQ("ar2.campus.example.net", poa.pos_mihf_id);
	EXPECT_EQ(0, poa.has & ISDB_POA_CHANNEL);
}

TEST_F(db, export_round_trip)
{
	char *a, *b, err[ISDB_ERR_MAX] = "";
	size_t la, lb;
	int r;

	NEED_DB();
	import_example(_metadata, self->db);
	a = export_str(self->db, &la);
	ASSERT_NE(NULL, a);
	/* every value of the example is in the export */
	EXPECT_NE(NULL, strstr(a, "[poa campus-ap1]\nnetwork = campus-wifi\n"));
	EXPECT_NE(NULL, strstr(a, "cost = hour 1.500 EUR\n"));
	EXPECT_NE(NULL, strstr(a, "location = geo 8869066278881aa75a321780002a0001\n"));
	EXPECT_NE(NULL, strstr(a, "subnet = 2001:db8:20::/64\n"));
	/* the IP configuration addresses, after the methods */
	EXPECT_NE(NULL, strstr(a, "\nip-config = dhcpv4 mipv4-fa ipv6-stateless\n"
			       "dhcp-server = 192.0.2.2\n"
			       "foreign-agent = 192.0.2.1\n"
			       "access-router = 192.0.2.1\n"
			       "capabilities = "));
	EXPECT_NE(NULL, strstr(a, "\nip-config = dhcpv4 dhcpv6\n"
			       "dhcp-server = 2001:db8:20::2\n"
			       "access-router = 2001:db8:20::1\n"
			       "capabilities = "));
	EXPECT_NE(NULL, strstr(a, "\nip-config = dhcpv4\ncapabilities = internet\n"));
	/* import(export) into an emptied database exports the same octets */
	ASSERT_EQ(0, isdb_clear(self->db));
	r = import_str(self->db, a, false, err, sizeof(err));
	if (r)
		TH_LOG("re-import: %s", err);
	ASSERT_EQ(0, r);
	b = export_str(self->db, &lb);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(la, lb);
	EXPECT_EQ(0, strcmp(a, b));
	free(a);
	free(b);
}

/* Strings that need quoting, unusual values: still a byte-exact trip */
TEST_F(db, export_round_trip_quoting)
{
	static const char text[] =
		"[network n1]\n"
		"type = 27\n"
		"subtype = 0x8000000000000001\n"
		"operator = \" spaced \\\"op\\\" \"\n"
		"service-provider = back\\slash;semi#hash\n"
		"network-id = \"\\\"quoted\"\n"
		"cost = free 0 XXX\n"
		"cost = second 4294967295.999 EUR\n"
		"ip-config = none\n"
		"access-router = 2001:DB8:0:0::0:0001\n"
		"foreign-agent = ::FFFF:192.0.2.9\n"
		"capabilities = bit31 security\n"
		"mobility = bit15\n"
		"qos = cos 3 loss 0:1 , min-delay 2:65535 loss 1:0 jitter\n"
		"[poa p1]\n"
		"network = n1\n"
		"link-addr = AA:bb:CC:dd:EE:ff\n"
		"location = cell 4294967295\n"
		"channel-range = 0-4294967295\n"
		"pos-port = 65535\n"
		"[poa p2]\n"
		"network = n1\n"
		"link-addr = aa:bb:cc:dd:ee:00\n"
		"location = civic US\n";
	struct isdb_network net;
	struct isdb_poa poa;
	static const uint8_t mac[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	char *a, *b, err[ISDB_ERR_MAX] = "";
	size_t la, lb;
	int r;

	NEED_DB();
	r = import_str(self->db, text, true, err, sizeof(err));
	if (r)
		TH_LOG("import: %s", err);
	ASSERT_EQ(0, r);
	ASSERT_EQ(0, isdb_find_poa_by_link_addr(self->db, mac, &poa, &net));
	EXPECT_STREQ(" spaced \"op\" ", net.operator_name);
	EXPECT_STREQ("back\\slash;semi#hash", net.service_provider);
	EXPECT_STREQ("\"quoted", net.network_id);
	EXPECT_EQ(0x8000000000000001ULL, net.subtype);
	EXPECT_EQ(27, net.link_type);
	EXPECT_EQ(ISDB_OPNS_GENERAL, net.operator_ns);
	EXPECT_EQ(4294967295u, net.costs[1].value_int);
	EXPECT_EQ(999, net.costs[1].value_frac);
	EXPECT_EQ(0x80000001u, net.caps);
	EXPECT_EQ(0x8000, net.mob_mgmt);
	EXPECT_EQ(ISDB_NET_IP_CFG, net.has & ISDB_NET_IP_CFG);
	EXPECT_EQ(0, net.ip_cfg);
	EXPECT_EQ(AF_UNSPEC, net.dhcp_server.family);
	EXPECT_EQ(AF_INET6, net.foreign_agent.family);
	EXPECT_EQ(AF_INET6, net.access_router.family);
	EXPECT_EQ(1, net.access_router.addr[15]);
	EXPECT_EQ(4294967295u, poa.loc.cell_id);
	EXPECT_EQ(65535, poa.pos_port);
	EXPECT_EQ(AF_UNSPEC, poa.ip.family);
	ASSERT_EQ(3, net.nqos);	/* grouped by kind, stable */
	EXPECT_EQ(3, net.qos_num_cos);
	EXPECT_EQ(1, net.qos[0].type);
	EXPECT_EQ(65535, net.qos[0].value);
	EXPECT_EQ(5, net.qos[1].type);
	EXPECT_EQ(0, net.qos[1].cos);
	EXPECT_EQ(1, net.qos[2].cos);

	a = export_str(self->db, &la);
	ASSERT_NE(NULL, a);
	EXPECT_NE(NULL, strstr(a, "\nqos = cos 3 min-delay 2:65535 loss 0:1 1:0\n"));
	/* addresses in their canonical spelling, in the keys' order */
	EXPECT_NE(NULL, strstr(a, "\nip-config = none\n"
			       "foreign-agent = ::ffff:192.0.2.9\n"
			       "access-router = 2001:db8::1\n"));
	ASSERT_EQ(0, isdb_clear(self->db));
	r = import_str(self->db, a, false, err, sizeof(err));
	if (r)
		TH_LOG("re-import: %s\n%s", err, a);
	ASSERT_EQ(0, r);
	b = export_str(self->db, &lb);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(0, strcmp(a, b));
	free(a);
	free(b);
}

/* One bad input per row: the message names the line and the defect */
struct bad_case {
	const char *text;
	int line;
	const char *msg;
};

#define NET "[network n]\ntype = 802.11\n"
#define POA "[poa p]\nnetwork = n\nlink-addr = 02:00:00:00:00:01\n"

static const struct bad_case bad_cases[] = {
	{ "type = 802.11\n", 1, "outside a [network] or [poa] section" },
	{ "[network n\n", 1, "without ']'" },
	{ "[net n]\n", 1, "unknown section 'net'" },
	{ "[network]\n", 1, "bad network name ''" },
	{ "[network -x]\n", 1, "bad network name" },
	{ "[network a b]\n", 1, "bad network name 'a b'" },
	{ "[network n]\n", 1, "'type' missing" },
	{ NET "[network n]\ntype = gsm\n", 3, "defined twice (first at line 1)" },
	{ NET "bogus = 1\n", 3, "unknown network key 'bogus'" },
	{ NET "type = gsm\n", 3, "type: given twice (first at line 2)" },
	{ "[network n]\ntype = token-ring\n", 2, "unknown link type 'token-ring'" },
	{ "[network n]\ntype = 99\n", 2, "unknown link type '99'" },
	{ NET "subtype = 12\n", 3, "subtype: '12' is not 0x" },
	{ NET "subtype = 0x00000000000000001\n", 3, "subtype" },
	{ NET "subtype = 0xfg\n", 3, "subtype" },
	{ NET "operator = \"x\n", 3, "operator: bad string" },
	{ NET "operator = \"a\\b\"\n", 3, "operator: bad string" },
	{ NET "operator = \"\"\n", 3, "operator: empty" },
	{ NET "operator-namespace = realm\n", 3, "operator-namespace without operator" },
	{ NET "operator = o\noperator-namespace = galaxy\n", 4, "operator-namespace: 'galaxy'" },
	{ NET "country = de\n", 3, "country: 'de'" },
	{ NET "country = DEU\n", 3, "country: 'DEU'" },
	{ NET "network-id = \"\x01\"\n", 3, "network-id: bad string" },
	{ NET "cost = hour 1.5\n", 3, "cost: 'hour 1.5' is not" },
	{ NET "cost = hour 1.5 EUR x\n", 3, "cost: " },
	{ NET "cost = fortnight 1 EUR\n", 3, "unit 'fortnight'" },
	{ NET "cost = hour 1.5000 EUR\n", 3, "cost: " },
	{ NET "cost = hour 4294967296 EUR\n", 3, "cost: " },
	{ NET "cost = hour -1 EUR\n", 3, "cost: " },
	{ NET "cost = hour 1 eur\n", 3, "currency 'eur'" },
	{ NET "cost = hour 1 EUR\ncost = day 2 EUR\n", 4, "a cost in EUR is already given" },
	{ NET "data-rate = fast\n", 3, "data-rate: 'fast'" },
	{ NET "data-rate = 4294967296\n", 3, "data-rate" },
	{ NET "data-rate = 007\n", 3, "data-rate" },
	{ NET "data-rate =\n", 3, "data-rate: empty value" },
	{ NET "ip-config = dhcpv5\n", 3, "ip-config: bad method 'dhcpv5'" },
	{ NET "ip-config = bit32\n", 3, "ip-config: bad method 'bit32'" },
	{ NET "ip-config = dhcpv4 dhcpv4\n", 3, "twice" },
	{ NET "dhcp-server = 192.0.2.2\n", 3, "dhcp-server without ip-config" },
	{ NET "capabilities = none\n\naccess-router = 192.0.2.1\n" POA, 5, "access-router without ip-config" },
	{ NET "ip-config = dhcpv4\ndhcp-server = 192.0.2.256\n", 4, "dhcp-server: '192.0.2.256' is not an IP address" },
	{ NET "ip-config = dhcpv4\ndhcp-server = dhcp.example\n", 4, "dhcp-server: 'dhcp.example' is not an IP address" },
	{ NET "ip-config = dhcpv4\ndhcp-server = 224.0.0.1\n", 4, "dhcp-server: '224.0.0.1' is an unspecified or multicast address" },
	{ NET "ip-config = dhcpv6\ndhcp-server = ff02::1:2\n", 4, "dhcp-server: 'ff02::1:2' is an unspecified" },
	{ NET "ip-config = dhcpv4\ndhcp-server = 192.0.2.2\ndhcp-server = 192.0.2.3\n", 5, "dhcp-server: given twice (first at line 4)" },
	{ NET "ip-config = mipv4-fa\nforeign-agent = 192.0.2.1/32\n", 4, "foreign-agent: '192.0.2.1/32' is not an IP address" },
	{ NET "ip-config = mipv4-fa\nforeign-agent = 0.0.0.0\n", 4, "foreign-agent: '0.0.0.0' is an unspecified" },
	{ NET "ip-config = ipv6-stateless\naccess-router = 2001:db8::g\n", 4, "access-router: '2001:db8::g' is not an IP address" },
	{ NET "ip-config = ipv6-stateless\naccess-router = ::\n", 4, "access-router: '::' is an unspecified" },
	{ NET "ip-config = ipv6-stateless\naccess-router = 192.0.2.1 2001:db8::1\n", 4, "access-router: " },
	{ NET "ip-config = ipv6-stateless\naccess-router =\n", 4, "access-router: empty value" },
	{ NET "capabilities = teleport\n", 3, "capabilities: bad capability 'teleport'" },
	{ NET "mobility = bit16\n", 3, "mobility: bad protocol 'bit16'" },
	{ NET "qos = 1\n", 3, "qos: '1'" },
	{ NET "qos = cos 256\n", 3, "qos: 'cos 256'" },
	{ NET "qos = cos 1 cos 2\n", 3, "qos: " },
	{ NET "qos = min-delay 0:1\n", 3, "qos: 'min-delay 0:1' is not 'cos N'" },
	{ NET "qos = cos 1 0:1\n", 3, "qos: " },
	{ NET "qos = cos 1 loss 0:65536\n", 3, "qos: " },
	{ NET "qos = cos 1 loss 256:1\n", 3, "qos: " },
	{ NET "qos = cos 1 delay 0:1\n", 3, "qos: " },
	{ NET "qos = cos 1 loss 1:2 3:4 5:6 7:8 9:10 11:12 13:14 15:16 17:18 19:20 21:22 23:24 25:26 27:28 29:30 31:32 33:34\n", 3, "qos" },
	{ NET "no equals sign\n", 3, "expected 'key = value'" },
	{ NET "\n\n" POA "[poa p]\n", 8, "PoA 'p' defined twice (first at line 5)" },
	{ NET "[poa p]\nlink-addr = 02:00:00:00:00:01\n", 3, "PoA 'p': 'network' missing" },
	{ NET "[poa p]\nnetwork = n\n", 3, "PoA 'p': 'link-addr' missing" },
	{ NET POA "colour = blue\n", 6, "unknown poa key 'colour'" },
	{ NET POA "link-addr = 02:00:00:00:00:02\n", 6, "link-addr: given twice (first at line 5)" },
	{ NET "[poa p]\nnetwork = n\nlink-addr = 02:00:00:00:00\n", 5, "link-addr: '02:00:00:00:00'" },
	{ NET "[poa p]\nnetwork = n\nlink-addr = 02-00-00-00-00-01\n", 5, "is not a MAC address" },
	{ NET "[poa p]\nnetwork = n x\n", 4, "network: bad network name" },
	{ NET "[poa p]\nnetwork = nope\nlink-addr = 02:00:00:00:00:01\n", 4, "network: no network 'nope'" },
	{ NET POA "location = civic D\n", 6, "location: 'civic D'" },
	{ NET POA "location = civic DE 0g\n", 6, "location" },
	{ NET POA "location = geo 0011\n", 6, "location" },
	{ NET POA "location = cell x\n", 6, "location" },
	{ NET POA "location = moon 1\n", 6, "location" },
	{ NET POA "location = cell 1 2\n", 6, "location" },
	{ NET POA "channel-range = 5-4\n", 6, "channel-range: '5-4'" },
	{ NET POA "channel-range = 4\n", 6, "channel-range" },
	{ NET POA "subnet = 192.0.2.0/33\n", 6, "subnet: '192.0.2.0/33'" },
	{ NET POA "subnet = 192.0.2.0\n", 6, "subnet" },
	{ NET POA "subnet = 2001:db8::/129\n", 6, "subnet" },
	{ NET POA "ip = 192.0.2.256\n", 6, "ip: '192.0.2.256'" },
	{ NET POA "pos-address = ar1\n", 6, "pos-address: 'ar1'" },
	{ NET POA "pos-port = 0\n", 6, "pos-port: '0'" },
	{ NET POA "pos-port = 65536\n", 6, "pos-port" },
	{ NET POA "[poa q]\nnetwork = n\nlink-addr = 02:00:00:00:00:01\n", 8, "link-addr: also PoA 'p''s (line 5)" },
};

TEST_F(db, import_errors)
{
	char err[ISDB_ERR_MAX], want[64], *text;
	size_t i, nn, np;

	NEED_DB();
	/* the database keeps its content through every failed import */
	import_example(_metadata, self->db);
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		err[0] = '\0';
		EXPECT_EQ(-EINVAL, import_str(self->db, c->text, true, err,
					      sizeof(err)));
		snprintf(want, sizeof(want), "t:%d: ", c->line);
		if (strncmp(err, want, strlen(want)) ||
		    !strstr(err, c->msg)) {
			TH_LOG("case %zu: got '%s', want '%s%s...'", i, err,
			       want, c->msg);
			EXPECT_TRUE(0);
		}
	}
	ASSERT_EQ(0, isdb_count(self->db, &nn, &np));
	EXPECT_EQ(3, nn);
	EXPECT_EQ(4, np);

	/* a long line */
	text = malloc(2100);
	ASSERT_NE(NULL, text);
	strcpy(text, NET "operator = ");
	memset(text + strlen(text), 'a', 2000);
	text[strlen(NET "operator = ") + 2000] = '\0';
	strcat(text, "\n");
	EXPECT_EQ(-EINVAL, import_str(self->db, text, true, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "t:3: line too long"));
	free(text);
	/* a string over 253 octets on a line that fits */
	text = malloc(400);
	ASSERT_NE(NULL, text);
	strcpy(text, NET "operator = ");
	memset(text + strlen(text), 'a', 254);
	text[strlen(NET "operator = ") + 254] = '\0';
	EXPECT_EQ(-EINVAL, import_str(self->db, text, true, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "t:3: operator: too long"));
	free(text);
	/* a NUL octet */
	{
		static const char nul[] = NET "operator = a\0b\n";
		FILE *f = fmemopen((void *)nul, sizeof(nul) - 1, "r");

		ASSERT_NE(NULL, f);
		EXPECT_EQ(-EINVAL, isdb_import_stream(self->db, f, "t", true,
						      err, sizeof(err), NULL,
						      NULL));
		fclose(f);
		EXPECT_NE(NULL, strstr(err, "t:3: NUL character"));
	}
	/* a missing file */
	EXPECT_EQ(-ENOENT, isdb_import_file(self->db, "/nonexistent/x", true,
					    err, sizeof(err), NULL, NULL));
	EXPECT_NE(NULL, strstr(err, "/nonexistent/x: "));
	ASSERT_EQ(0, isdb_count(self->db, &nn, &np));
	EXPECT_EQ(3, nn);
	EXPECT_EQ(4, np);
}

/* Random damage to the example: a clean error with a line, or success */
TEST_F(db, import_mutations)
{
	static const char junk[] = "[]=:\"\\#; \n\x01\xff" "0aZ-.";
	char err[ISDB_ERR_MAX], *text, *orig;
	unsigned int seed = 4242, it, k;
	size_t len, nn, np;
	FILE *f;
	int r, fails = 0;

	NEED_DB();
	f = fopen(example_path(), "re");
	ASSERT_NE(NULL, f);
	orig = calloc(1, 8192);
	ASSERT_NE(NULL, orig);
	len = fread(orig, 1, 8191, f);
	fclose(f);
	ASSERT_LT(1000, len);
	text = malloc(len + 1);
	ASSERT_NE(NULL, text);
	for (it = 0; it < 150; it++) {
		memcpy(text, orig, len + 1);
		for (k = 0; k < 1 + it % 3; k++)
			text[rand_r(&seed) % len] =
				junk[rand_r(&seed) % (sizeof(junk) - 1)];
		f = fmemopen(text, len, "r");
		ASSERT_NE(NULL, f);
		err[0] = '\0';
		r = isdb_import_stream(self->db, f, "t", true, err,
				       sizeof(err), &nn, &np);
		fclose(f);
		if (r) {
			fails++;
			EXPECT_EQ(-EINVAL, r);
			EXPECT_EQ(0, strncmp(err, "t:", 2)) {
				TH_LOG("'%s'", err);
			}
		}
		ASSERT_EQ(0, isdb_count(self->db, &nn, &np));
		/* all or nothing: the previous content or a whole new one */
		EXPECT_LE(2, nn);
	}
	EXPECT_LT(50, fails);
	free(text);
	free(orig);
}

/* Without replace: names and link addresses already in the database */
TEST_F(db, import_merge)
{
	char err[ISDB_ERR_MAX] = "";
	size_t nn, np;

	NEED_DB();
	import_example(_metadata, self->db);
	EXPECT_EQ(-EINVAL, import_str(self->db,
				      "\n[network campus-wifi]\ntype = gsm\n",
				      false, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "t:2: network 'campus-wifi' already exists"));
	EXPECT_EQ(-EINVAL, import_str(self->db,
				      "[poa new]\nnetwork = lab-ethernet\n"
				      "link-addr = 02:00:5e:10:00:01\n",
				      false, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "t:1: PoA 'new' or link address 02:00:5e:10:00:01 already exists"));
	/* a PoA may name a network that is only in the database */
	EXPECT_EQ(0, import_str(self->db,
				"[poa new]\nnetwork = lab-ethernet\n"
				"link-addr = 02:00:5e:20:00:02\n",
				false, err, sizeof(err)));
	ASSERT_EQ(0, isdb_count(self->db, &nn, &np));
	EXPECT_EQ(3, nn);
	EXPECT_EQ(5, np);
	/* replace: only the file's content remains */
	EXPECT_EQ(0, import_str(self->db, "[network x]\ntype = umts\n", true,
				err, sizeof(err)));
	ASSERT_EQ(0, isdb_count(self->db, &nn, &np));
	EXPECT_EQ(1, nn);
	EXPECT_EQ(0, np);
}

/* A database is input too: rows written behind our back are checked */
TEST(sqlite_foreign_rows)
{
	static const uint8_t sw1[6] = { 0x02, 0x00, 0x5e, 0x20, 0x00, 0x01 };
	struct dbenv e;
	struct isdb_network net;
	struct isdb_poa poa;
	char err[ISDB_ERR_MAX];
	struct isdb *db;
	sqlite3 *raw;
	FILE *devnull;

	ASSERT_EQ(0, dbenv_open(&e, ISDB_BACKEND_SQLITE));
	import_example(_metadata, e.db);
	ASSERT_EQ(SQLITE_OK, sqlite3_open(e.path, &raw));
	sqlite3_busy_timeout(raw, 5000);
	/* a PoA whose subnet is not a prefix */
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(raw,
		"UPDATE poas SET subnet = '2001:db8::/200' WHERE name = 'lab-switch1'",
		NULL, NULL, NULL));
	EXPECT_EQ(-EIO, isdb_find_poa_by_link_addr(e.db, sw1, &poa, &net));
	EXPECT_NE(NULL, strstr(isdb_errmsg(e.db), "poas row"));
	EXPECT_NE(NULL, strstr(isdb_errmsg(e.db), "column 11"));
	devnull = fopen("/dev/null", "we");
	ASSERT_NE(NULL, devnull);
	EXPECT_EQ(-EIO, isdb_export(e.db, devnull));
	fclose(devnull);
	/* a network with an unknown link type */
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(raw,
		"UPDATE poas SET subnet = NULL;"
		"UPDATE networks SET link_type = 250 WHERE name = 'lab-ethernet'",
		NULL, NULL, NULL));
	EXPECT_EQ(-EIO, isdb_find_poa_by_link_addr(e.db, sw1, &poa, &net));
	EXPECT_NE(NULL, strstr(isdb_errmsg(e.db), "unknown link type 250"));
	/* a cost with a bad currency */
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(raw,
		"UPDATE networks SET link_type = 15;"
		"UPDATE costs SET currency = 'euro'", NULL, NULL, NULL));
	EXPECT_EQ(-EIO, isdb_find_poa_by_link_addr(e.db, sw1, &poa, &net));
	EXPECT_NE(NULL, strstr(isdb_errmsg(e.db), "bad costs row"));
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(raw,
		"UPDATE costs SET currency = 'EUR'", NULL, NULL, NULL));
	EXPECT_EQ(0, isdb_find_poa_by_link_addr(e.db, sw1, &poa, &net));
	/* IP configuration addresses: not an address; multicast */
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(raw,
		"UPDATE networks SET foreign_agent = '2001:db8::1::1'"
		" WHERE name = 'lab-ethernet'", NULL, NULL, NULL));
	EXPECT_EQ(-EIO, isdb_find_poa_by_link_addr(e.db, sw1, &poa, &net));
	EXPECT_NE(NULL, strstr(isdb_errmsg(e.db), "networks row"));
	EXPECT_NE(NULL, strstr(isdb_errmsg(e.db), "column 17"));
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(raw,
		"UPDATE networks SET foreign_agent = 'ff05::2'", NULL, NULL,
		NULL));
	EXPECT_EQ(-EIO, isdb_find_poa_by_link_addr(e.db, sw1, &poa, &net));
	EXPECT_NE(NULL, strstr(isdb_errmsg(e.db), "bad IP configuration address"));
	/* an address without the methods */
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(raw,
		"UPDATE networks SET foreign_agent = NULL;"
		"UPDATE networks SET ip_cfg = NULL WHERE name = 'lab-ethernet'",
		NULL, NULL, NULL));
	EXPECT_EQ(-EIO, isdb_find_poa_by_link_addr(e.db, sw1, &poa, &net));
	EXPECT_NE(NULL, strstr(isdb_errmsg(e.db), "without the methods"));
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(raw,
		"UPDATE networks SET ip_cfg = 6144 WHERE name = 'lab-ethernet'",
		NULL, NULL, NULL));
	EXPECT_EQ(0, isdb_find_poa_by_link_addr(e.db, sw1, &poa, &net));
	/* a schema from the future is refused */
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(raw,
		"UPDATE schema_version SET version = 3", NULL, NULL, NULL));
	EXPECT_EQ(-EPROTO, isdb_open(&db, ISDB_BACKEND_SQLITE, e.path, err,
				     sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "schema version 3, this program knows 2"));
	sqlite3_close(raw);
	dbenv_close(&e);
}

/* Several servers replacing the content at once: each import is whole */
TEST_F(db, concurrent_replace)
{
	pid_t pids[3];
	size_t nn, np;
	int i, st;

	NEED_DB();
	for (i = 0; i < 3; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			char err[ISDB_ERR_MAX];
			struct isdb *db;
			int k, r = 0;

			if (isdb_open(&db, variant->backend, self->e.target,
				      err, sizeof(err)))
				_exit(2);
			for (k = 0; k < 8 && !r; k++) {
				r = isdb_import_file(db, example_path(), true,
						     err, sizeof(err), NULL,
						     NULL);
				if (r)
					fprintf(stderr, "# child %d: %s\n", i,
						err);
			}
			isdb_close(db);
			_exit(r ? 1 : 0);
		}
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	ASSERT_EQ(0, isdb_count(self->db, &nn, &np));
	EXPECT_EQ(3, nn);
	EXPECT_EQ(4, np);
}

/* ---- handover look-ups ---- */

struct cand {
	char names[8][ISDB_NAME_MAX + 1];
	char pos[8][ISDB_STR_MAX + 1];
	int n;
	int stop_at;
};

static int cand_cb(const struct isdb_network *net, const struct isdb_poa *p,
		   void *arg)
{
	struct cand *c = arg;

	if (c->n >= 8)
		return -E2BIG;
	strcpy(c->names[c->n], p->name);
	strcpy(c->pos[c->n], p->pos_mihf_id);
	c->n++;
	return c->stop_at && c->n == c->stop_at ? 7 : 0;
}

TEST_F(db, candidates)
{
	static const uint8_t ap1[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
	static const uint8_t none[6] = { 0x02, 0x00, 0x5e, 0x99, 0x00, 0x01 };
	struct isdb_poa poa;
	struct cand c;

	NEED_DB();
	import_example(_metadata, self->db);
	memset(&c, 0, sizeof(c));
	ASSERT_EQ(0, isdb_candidates(self->db, 0, ap1, cand_cb, &c));
	ASSERT_EQ(3, c.n);
	EXPECT_STREQ("campus-ap2", c.names[0]);
	EXPECT_STREQ("lab-switch1", c.names[1]);
	EXPECT_STREQ("ar2.campus.example.net", c.pos[1]);
	EXPECT_STREQ("city-ap7", c.names[2]);

	/* Ethernet only (NET_TYPE_INC bit 3) */
	memset(&c, 0, sizeof(c));
	EXPECT_EQ(3, isdb_net_type_bit(15));
	EXPECT_EQ(5, isdb_net_type_bit(19));
	EXPECT_EQ(-1, isdb_net_type_bit(40));
	ASSERT_EQ(0, isdb_candidates(self->db, 1u << 3, ap1, cand_cb, &c));
	ASSERT_EQ(1, c.n);
	EXPECT_STREQ("lab-switch1", c.names[0]);

	/* 802.11, nothing excluded; the callback stops at the second */
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	EXPECT_EQ(7, isdb_candidates(self->db, 1u << 5, NULL, cand_cb, &c));
	EXPECT_EQ(2, c.n);

	EXPECT_EQ(-ENOENT, isdb_find_poa_by_link_addr(self->db, none, &poa,
						      NULL));
}

/* Direct inserts are validated like imports */
TEST_F(db, add_validation)
{
	struct isdb_network n;
	struct isdb_poa p;

	NEED_DB();
	memset(&n, 0, sizeof(n));
	strcpy(n.name, "n");
	n.link_type = 19;
	ASSERT_EQ(0, isdb_add_network(self->db, &n));
	EXPECT_LT(0, n.id);
	EXPECT_EQ(-EEXIST, isdb_add_network(self->db, &n));
	strcpy(n.name, "m");
	n.link_type = 99;
	EXPECT_EQ(-EINVAL, isdb_add_network(self->db, &n));
	n.link_type = 19;
	strcpy(n.country, "de");
	EXPECT_EQ(-EINVAL, isdb_add_network(self->db, &n));
	n.country[0] = '\0';
	n.ncosts = 1;
	strcpy(n.costs[0].currency, "EUR");
	n.costs[0].value_frac = 1000;
	EXPECT_EQ(-EINVAL, isdb_add_network(self->db, &n));
	n.ncosts = 0;
	/* IP configuration addresses: only with the methods, unicast */
	n.access_router.family = AF_INET;
	memcpy(n.access_router.addr, "\xc0\x00\x02\x01", 4);
	EXPECT_EQ(-EINVAL, isdb_add_network(self->db, &n));
	EXPECT_NE(NULL, strstr(isdb_errmsg(self->db), "without the methods"));
	n.has |= ISDB_NET_IP_CFG;
	n.dhcp_server.family = AF_INET6;
	n.dhcp_server.addr[0] = 0xff;
	EXPECT_EQ(-EINVAL, isdb_add_network(self->db, &n));
	EXPECT_NE(NULL, strstr(isdb_errmsg(self->db), "bad IP configuration address"));
	n.dhcp_server.family = 7;
	EXPECT_EQ(-EINVAL, isdb_add_network(self->db, &n));
	n.dhcp_server.family = AF_INET6;
	n.dhcp_server.addr[0] = 0x20;
	ASSERT_EQ(0, isdb_add_network(self->db, &n));

	memset(&p, 0, sizeof(p));
	strcpy(p.name, "p");
	p.network = 999999;
	p.pos_port = 4551;
	EXPECT_EQ(-ENOENT, isdb_add_poa(self->db, &p));
	p.network = 0;
	p.pos_port = 0;
	EXPECT_EQ(-EINVAL, isdb_add_poa(self->db, &p));
}

/* ---- MIH_Get_Information: binary query, response decoded with mihie ---- */

struct dpoa {
	unsigned int nies;
	uint32_t types[16];
	uint8_t mac[6];
	struct mih_location loc;
	uint32_t chan_low, chan_high;
	struct mih_ip_addr ip, pos;
	uint8_t prefix_len;
};

struct dnet {
	unsigned int nies;
	uint32_t types[32];
	uint8_t link_type;
	char netid[64];
	char op[64];
	unsigned int ncost;
	char curr[4][4];
	uint32_t rate;
	struct mih_qos_list qos;
	struct mih_ip_config ipc;
	unsigned int npoas;
	struct dpoa poas[8];
};

struct dres {
	unsigned int nnets;
	struct dnet nets[8];
};

static bool has_type(const uint32_t *types, unsigned int n, uint32_t t)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (types[i] == t)
			return true;
	return false;
}

/* Decode one IR_BIN_DATA (the layout of docs/isdb-format.md) */
static int decode(const uint8_t *buf, size_t len, struct dres *d)
{
	struct mih_rd r0, r1, r2, r3, rv;
	struct mih_ie_iter i0, i1, i2, i3;
	struct mih_ie ie0, ie1, ie2, ie3;
	struct mih_ie_val v;
	uint8_t *tlv48;
	int ret;

	memset(d, 0, sizeof(*d));
	/* the whole TLV 48 value (LIST of this one element) validates */
	tlv48 = malloc(len + 1);
	if (!tlv48)
		return -ENOMEM;
	tlv48[0] = 1;
	memcpy(tlv48 + 1, buf, len);
	ret = mih_ir_bin_data_list_check(tlv48, len + 1, &r0);
	free(tlv48);
	if (ret) {
		fprintf(stderr, "# TLV 48 check: %s\n", r0.why);
		return -EBADMSG;
	}
	mih_rd_init(&r0, buf, len);
	if (mih_ie_iter_list(&i0, &r0) || i0.left != 1)
		return -EBADMSG;
	if (mih_ie_next(&i0, &ie0) != 1 ||
	    ie0.type != MIH_IE_CONTAINER_LIST_OF_NETWORKS)
		return -EBADMSG;
	if (mih_ie_iter_container(&i1, &r1, &ie0))
		return -EBADMSG;
	while ((ret = mih_ie_next(&i1, &ie1)) == 1) {
		struct dnet *n;

		if (ie1.type != MIH_IE_CONTAINER_NETWORK || d->nnets == 8)
			return -EBADMSG;
		n = &d->nets[d->nnets++];
		if (mih_ie_iter_container(&i2, &r2, &ie1))
			return -EBADMSG;
		while ((ret = mih_ie_next(&i2, &ie2)) == 1) {
			if (ie2.type == MIH_IE_CONTAINER_POA) {
				struct dpoa *p;

				if (n->npoas == 8)
					return -EBADMSG;
				p = &n->poas[n->npoas++];
				if (mih_ie_iter_container(&i3, &r3, &ie2))
					return -EBADMSG;
				while ((ret = mih_ie_next(&i3, &ie3)) == 1) {
					if (mih_ie_value_decode(ie3.type,
								ie3.value,
								ie3.len, &v,
								&rv))
						return -EBADMSG;
					if (p->nies < 16)
						p->types[p->nies++] = ie3.type;
					switch (ie3.type) {
					case MIH_IE_POA_LINK_ADDR:
						memcpy(p->mac, v.u.link_addr.u.mac, 6);
						break;
					case MIH_IE_POA_LOCATION:
						p->loc = v.u.location;
						break;
					case MIH_IE_POA_CHANNEL_RANGE:
						p->chan_low = v.u.channel.low;
						p->chan_high = v.u.channel.high;
						break;
					case MIH_IE_POA_SUBNET_INFO:
						p->prefix_len = v.u.subnet.prefix_len;
						break;
					case MIH_IE_POA_IP_ADDR:
						p->ip = v.u.ip_addr;
						break;
					case MIH_IE_POS_IP_ADDR:
						p->pos = v.u.ip_addr;
						break;
					}
				}
				if (ret < 0)
					return -EBADMSG;
				continue;
			}
			if (mih_ie_value_decode(ie2.type, ie2.value, ie2.len,
						&v, &rv))
				return -EBADMSG;
			if (n->nies < 32)
				n->types[n->nies++] = ie2.type;
			switch (ie2.type) {
			case MIH_IE_NETWORK_TYPE:
				n->link_type = v.u.network_type.link_type;
				break;
			case MIH_IE_NETWORK_ID:
				snprintf(n->netid, sizeof(n->netid), "%.*s",
					 (int)v.u.str.len, v.u.str.p);
				break;
			case MIH_IE_OPERATOR_ID:
				snprintf(n->op, sizeof(n->op), "%.*s",
					 (int)v.u.operator_id.name.len,
					 v.u.operator_id.name.p);
				break;
			case MIH_IE_COST:
				if (n->ncost < 4)
					memcpy(n->curr[n->ncost++],
					       v.u.cost.curr, 3);
				break;
			case MIH_IE_NETWORK_DATA_RATE:
				n->rate = v.u.u32;
				break;
			case MIH_IE_NETWORK_QOS:
				n->qos = v.u.qos;
				break;
			case MIH_IE_NET_IP_CFG_METHODS:
				n->ipc = v.u.ip_config;
				break;
			}
		}
		if (ret < 0)
			return -EBADMSG;
	}
	return ret < 0 ? -EBADMSG : 0;
}

#define QBUF 8192

static int query(struct isdb *db, const struct mih_iq_bin_data *q,
		 size_t max, struct isdb_query_result *res, struct dres *d,
		 uint8_t *out)
{
	int r = isdb_query(db, q, max, out, QBUF, res);

	if (r)
		return r;
	if (max && res->len > max)
		return -E2BIG;
	return decode(out, res->len, d);
}

FIXTURE(q) {
	struct dbenv e;
	struct isdb *db;
	uint8_t out[QBUF];
	struct dres d;
	struct isdb_query_result res;
	struct mih_iq_bin_data iq;
};

FIXTURE_VARIANT(q) {
	enum isdb_backend backend;
};

FIXTURE_VARIANT_ADD(q, sqlite) {
	.backend = ISDB_BACKEND_SQLITE,
};

FIXTURE_VARIANT_ADD(q, pg) {
	.backend = ISDB_BACKEND_PG,
};

FIXTURE_SETUP(q)
{
	int r = dbenv_open(&self->e, variant->backend);

	if (r == 1)
		SKIP(return, "MIHSEC_ISDB_PG not set (tests/host/isdb_pg.sh sets it)");
	ASSERT_EQ(0, r);
	self->db = self->e.db;
	import_example(_metadata, self->db);
	memset(&self->iq, 0, sizeof(self->iq));
}

FIXTURE_TEARDOWN(q)
{
	dbenv_close(&self->e);
}

#define Q(max) query(self->db, &self->iq, (max), &self->res, &self->d, \
		     self->out)

TEST_F(q, everything)
{
	const struct dnet *n;
	const struct dpoa *p;

	NEED_DB();
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(0, self->res.flags);
	EXPECT_EQ(3, self->res.networks);
	EXPECT_EQ(4, self->res.poas);
	EXPECT_EQ(3, self->res.matched);
	ASSERT_EQ(3, self->d.nnets);
	n = &self->d.nets[0];
	EXPECT_EQ(19, n->link_type);
	EXPECT_STREQ("campus", n->netid);
	EXPECT_STREQ("Example Campus Networks", n->op);
	EXPECT_EQ(300000, n->rate);
	ASSERT_EQ(2, n->ncost);
	EXPECT_STREQ("EUR", n->curr[0]);
	EXPECT_STREQ("USD", n->curr[1]);
	EXPECT_TRUE(has_type(n->types, n->nies, MIH_IE_NETWORK_QOS));
	EXPECT_EQ(2, n->qos.num_cos);
	ASSERT_EQ(6, n->qos.n);
	EXPECT_EQ(MIH_QOS_MIN_PK_TX_DELAY, n->qos.p[0].type);
	EXPECT_EQ(5, n->qos.p[0].value);
	EXPECT_EQ(MIH_QOS_AVG_PK_TX_DELAY, n->qos.p[3].type);
	EXPECT_EQ(1, n->qos.p[3].cos);
	EXPECT_EQ(40, n->qos.p[3].value);
	EXPECT_EQ(MIH_QOS_PK_LOSS_RATE, n->qos.p[5].type);
	EXPECT_TRUE(has_type(n->types, n->nies, MIH_IE_NET_IP_CFG_METHODS));
	/* IP configuration: the methods and all three addresses */
	EXPECT_EQ(MIH_BIT(MIH_IPCFG_DHCPV4) | MIH_BIT(MIH_IPCFG_MIPV4_FA) |
		  MIH_BIT(MIH_IPCFG_IPV6_STATELESS), n->ipc.methods);
	EXPECT_TRUE(n->ipc.has_dhcp);
	EXPECT_EQ(MIH_AF_IPV4, n->ipc.dhcp.family);
	EXPECT_EQ(0, memcmp(n->ipc.dhcp.a, "\xc0\x00\x02\x02", 4));
	EXPECT_TRUE(n->ipc.has_fa);
	EXPECT_EQ(MIH_AF_IPV4, n->ipc.fa.family);
	EXPECT_EQ(0, memcmp(n->ipc.fa.a, "\xc0\x00\x02\x01", 4));
	EXPECT_TRUE(n->ipc.has_ar);
	EXPECT_EQ(MIH_AF_IPV4, n->ipc.ar.family);
	EXPECT_EQ(0, memcmp(n->ipc.ar.a, "\xc0\x00\x02\x01", 4));
	EXPECT_TRUE(has_type(n->types, n->nies, MIH_IE_NET_CAPABILITIES));
	EXPECT_TRUE(has_type(n->types, n->nies, MIH_IE_NET_MOB_MGMT_PROT));
	EXPECT_TRUE(has_type(n->types, n->nies, MIH_IE_COUNTRY_CODE));
	EXPECT_TRUE(has_type(n->types, n->nies, MIH_IE_NETWORK_AUX_ID));
	EXPECT_TRUE(has_type(n->types, n->nies, MIH_IE_SERVICE_PROVIDER_ID));
	/* 6 of 12 network IEs: all but the absent ones */
	EXPECT_EQ(13, n->nies);
	ASSERT_EQ(2, n->npoas);
	p = &n->poas[0];
	EXPECT_EQ(0, memcmp(p->mac, "\x02\x00\x5e\x10\x00\x01", 6));
	EXPECT_EQ(MIH_LOC_CIVIC_BIN, p->loc.kind);
	EXPECT_EQ(0, memcmp(p->loc.country, "DE", 2));
	EXPECT_EQ(2412, p->chan_low);
	EXPECT_EQ(2472, p->chan_high);
	EXPECT_EQ(25, p->prefix_len);
	EXPECT_EQ(MIH_AF_IPV4, p->ip.family);
	EXPECT_EQ(0, memcmp(p->ip.a, "\xc0\x00\x02\x0a", 4));
	EXPECT_EQ(MIH_AF_IPV4, p->pos.family);
	EXPECT_EQ(0, memcmp(p->pos.a, "\xc0\x00\x02\x01", 4));
	EXPECT_EQ(6, p->nies);
	/* Ethernet: no channel range; IPv6 addresses */
	n = &self->d.nets[1];
	EXPECT_EQ(15, n->link_type);
	EXPECT_EQ(MIH_BIT(MIH_IPCFG_DHCPV4) | MIH_BIT(MIH_IPCFG_DHCPV6),
		  n->ipc.methods);
	EXPECT_TRUE(n->ipc.has_dhcp);
	EXPECT_EQ(MIH_AF_IPV6, n->ipc.dhcp.family);
	EXPECT_EQ(0, memcmp(n->ipc.dhcp.a,
			    "\x20\x01\x0d\xb8\x00\x20\0\0\0\0\0\0\0\0\0\x02", 16));
	EXPECT_FALSE(n->ipc.has_fa);
	EXPECT_TRUE(n->ipc.has_ar);
	EXPECT_EQ(MIH_AF_IPV6, n->ipc.ar.family);
	EXPECT_EQ(1, n->ipc.ar.a[15]);
	ASSERT_EQ(1, n->npoas);
	EXPECT_FALSE(has_type(n->poas[0].types, n->poas[0].nies,
			      MIH_IE_POA_CHANNEL_RANGE));
	EXPECT_EQ(MIH_AF_IPV6, n->poas[0].pos.family);
	/* geo location; the methods without addresses */
	n = &self->d.nets[2];
	EXPECT_EQ(MIH_BIT(MIH_IPCFG_DHCPV4), n->ipc.methods);
	EXPECT_FALSE(n->ipc.has_dhcp || n->ipc.has_fa || n->ipc.has_ar);
	ASSERT_EQ(1, n->npoas);
	EXPECT_EQ(MIH_LOC_GEO_BIN, n->poas[0].loc.kind);
	EXPECT_EQ(0x88, n->poas[0].loc.geo[0]);
}

TEST_F(q, network_type)
{
	NEED_DB();
	self->iq.has_net_type_inc = true;
	self->iq.net_type_inc = 1u << MIH_NTI_ETHERNET;
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(1, self->d.nnets);
	EXPECT_STREQ("lab", self->d.nets[0].netid);
	EXPECT_EQ(1, self->res.matched);

	self->iq.net_type_inc = 1u << MIH_NTI_802_11;
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(2, self->d.nnets);
	EXPECT_STREQ("campus", self->d.nets[0].netid);
	EXPECT_STREQ("metro-free", self->d.nets[1].netid);

	self->iq.net_type_inc = (1u << MIH_NTI_802_11) | (1u << MIH_NTI_ETHERNET);
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(3, self->d.nnets);

	/* present but empty: nothing; UMTS: nothing */
	self->iq.net_type_inc = 0;
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(0, self->d.nnets);
	EXPECT_EQ(6, self->res.len);	/* 01 | 10000300 00 */
	self->iq.net_type_inc = 1u << MIH_NTI_UMTS;
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(0, self->d.nnets);
}

static void set_netwk(struct mih_iq_bin_data *q, const char *const *ids,
		      unsigned int n)
{
	unsigned int i;

	q->has_netwk_inc = true;
	q->n_netwk = n;
	for (i = 0; i < n; i++) {
		q->netwk[i].p = (const uint8_t *)ids[i];
		q->netwk[i].len = (uint32_t)strlen(ids[i]);
	}
}

TEST_F(q, network_id)
{
	static const char *const one[] = { "metro-free" };
	static const char *const two[] = { "lab", "campus" };
	static const char *const none[] = { "nope", "campu", "" };

	NEED_DB();
	set_netwk(&self->iq, one, 1);
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(1, self->d.nnets);
	EXPECT_STREQ("metro-free", self->d.nets[0].netid);
	set_netwk(&self->iq, two, 2);
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(2, self->d.nnets);
	EXPECT_STREQ("campus", self->d.nets[0].netid);	/* id order */
	EXPECT_STREQ("lab", self->d.nets[1].netid);
	set_netwk(&self->iq, none, 3);
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(0, self->d.nnets);
	/* both filters: 802.11 and "lab" -> nothing */
	set_netwk(&self->iq, two, 2);
	self->iq.has_net_type_inc = true;
	self->iq.net_type_inc = 1u << MIH_NTI_802_11;
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(1, self->d.nnets);
	EXPECT_STREQ("campus", self->d.nets[0].netid);
}

TEST_F(q, report_template)
{
	const struct dnet *n;

	NEED_DB();
	self->iq.has_rpt_templ = true;
	self->iq.n_templ = 2;
	self->iq.templ[0] = MIH_IE_COST;
	self->iq.templ[1] = MIH_IE_NETWORK_ID;
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(3, self->d.nnets);
	n = &self->d.nets[0];
	/* the network's order, not the template's; no PoA containers */
	EXPECT_EQ(3, n->nies);
	EXPECT_EQ(MIH_IE_NETWORK_ID, n->types[0]);
	EXPECT_EQ(MIH_IE_COST, n->types[1]);
	EXPECT_EQ(MIH_IE_COST, n->types[2]);
	EXPECT_EQ(0, n->npoas);
	EXPECT_EQ(0, self->res.poas);

	/* PoA IEs only: empty network part, PoAs with their link address */
	self->iq.n_templ = 1;
	self->iq.templ[0] = MIH_IE_POA_LINK_ADDR;
	ASSERT_EQ(0, Q(0));
	n = &self->d.nets[0];
	EXPECT_EQ(0, n->nies);
	ASSERT_EQ(2, n->npoas);
	EXPECT_EQ(1, n->poas[1].nies);
	EXPECT_EQ(0, memcmp(n->poas[1].mac, "\x02\x00\x5e\x10\x00\x02", 6));
	EXPECT_EQ(4, self->res.poas);

	/* unknown types (and containers) in the template are skipped */
	self->iq.n_templ = 4;
	self->iq.templ[0] = 0x12345678;
	self->iq.templ[1] = MIH_IE_NETWORK_DATA_RATE;
	self->iq.templ[2] = MIH_IE_CONTAINER_POA;
	self->iq.templ[3] = MIH_IE_NET_REGULAT_DOMAIN;
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(3, self->d.nnets);
	EXPECT_EQ(1, self->d.nets[0].nies);
	EXPECT_EQ(300000, self->d.nets[0].rate);
	EXPECT_EQ(0, self->d.nets[0].npoas);

	/* only unknown types: the matching networks, empty */
	self->iq.n_templ = 1;
	self->iq.templ[0] = 0xffffffff;
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(3, self->d.nnets);
	EXPECT_EQ(0, self->d.nets[0].nies + self->d.nets[1].nies +
		     self->d.nets[2].nies);

	/* present but empty template: everything */
	self->iq.n_templ = 0;
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(13, self->d.nets[0].nies);
	EXPECT_EQ(2, self->d.nets[0].npoas);
}

TEST_F(q, limit_and_start)
{
	NEED_DB();
	self->iq.has_rpt_limit = true;
	self->iq.max_ies = 1;
	self->iq.start_entry = 1;
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(1, self->d.nnets);
	EXPECT_STREQ("lab", self->d.nets[0].netid);
	EXPECT_EQ(ISDB_QF_LIMITED, self->res.flags);
	EXPECT_EQ(3, self->res.matched);

	self->iq.max_ies = 2;
	self->iq.start_entry = 0;
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(2, self->d.nnets);
	EXPECT_STREQ("campus", self->d.nets[0].netid);
	EXPECT_STREQ("lab", self->d.nets[1].netid);

	/* the last entry: nothing left out */
	self->iq.start_entry = 2;
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(1, self->d.nnets);
	EXPECT_STREQ("metro-free", self->d.nets[0].netid);
	EXPECT_EQ(0, self->res.flags);

	/* hostile: huge limit, start past the end, 0 = no limit */
	self->iq.max_ies = 65535;
	self->iq.start_entry = 0;
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(3, self->d.nnets);
	self->iq.start_entry = 65535;
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(0, self->d.nnets);
	self->iq.max_ies = 0;
	self->iq.start_entry = 1;
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(2, self->d.nnets);

	/* limit after filtering: the 802.11 networks, second one */
	self->iq.has_net_type_inc = true;
	self->iq.net_type_inc = 1u << MIH_NTI_802_11;
	self->iq.max_ies = 1;
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(1, self->d.nnets);
	EXPECT_STREQ("metro-free", self->d.nets[0].netid);
}

TEST_F(q, truncation)
{
	size_t full, max;
	unsigned int prev = 0;

	NEED_DB();
	ASSERT_EQ(0, Q(0));
	full = self->res.len;
	ASSERT_LT(300, full);
	/* exactly enough: all; one octet less: the last network left out */
	ASSERT_EQ(0, Q(full));
	EXPECT_EQ(3, self->d.nnets);
	EXPECT_EQ(0, self->res.flags);
	ASSERT_EQ(0, Q(full - 1));
	EXPECT_EQ(2, self->d.nnets);
	EXPECT_EQ(ISDB_QF_TRUNCATED, self->res.flags);
	EXPECT_EQ(2, self->d.nets[1].npoas + self->d.nets[0].npoas - 1);
	/* every size: whole networks only, never more than allowed */
	for (max = 6; max <= full; max++) {
		ASSERT_EQ(0, Q(max));
		EXPECT_GE(max, self->res.len);
		EXPECT_LE(prev, self->d.nnets);
		EXPECT_EQ(self->d.nnets == 3 ? 0 : ISDB_QF_TRUNCATED,
			  self->res.flags);
		prev = self->d.nnets;
	}
	/* below the empty list (6 octets) nothing fits */
	EXPECT_EQ(-ENOSPC, isdb_query(self->db, &self->iq, 5, self->out,
				      QBUF, &self->res));
	/* the output buffer bounds it too */
	EXPECT_EQ(0, isdb_query(self->db, &self->iq, 0, self->out, 100,
				&self->res));
	EXPECT_GE(100, self->res.len);
	EXPECT_EQ(ISDB_QF_TRUNCATED, self->res.flags);
}

TEST_F(q, currency)
{
	NEED_DB();
	self->iq.has_curr_pref = true;
	memcpy(self->iq.curr_pref, "USD", 3);
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(1, self->d.nets[0].ncost);
	EXPECT_STREQ("USD", self->d.nets[0].curr[0]);
	ASSERT_EQ(1, self->d.nets[2].ncost);
	EXPECT_STREQ("EUR", self->d.nets[2].curr[0]);	/* only EUR there */
	memcpy(self->iq.curr_pref, "EUR", 3);
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(1, self->d.nets[0].ncost);
	EXPECT_STREQ("EUR", self->d.nets[0].curr[0]);
	memcpy(self->iq.curr_pref, "GBP", 3);
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(2, self->d.nets[0].ncost);
}

TEST_F(q, querier_location)
{
	static const uint8_t here[16] = {	/* city-ap7's own LCI */
		0x88, 0x69, 0x06, 0x62, 0x78, 0x88, 0x1a, 0xa7, 0x5a, 0x32,
		0x17, 0x80, 0x00, 0x2a, 0x00, 0x01 };
	static const uint8_t east[16] = {	/* ~677 m east */
		0x88, 0x69, 0x06, 0x62, 0x78, 0x88, 0x1a, 0xac, 0x78, 0xea,
		0x17, 0x80, 0x00, 0x2a, 0x00, 0x01 };
	static const uint8_t north[16] = {	/* ~4.2 km north */
		0x88, 0x69, 0x19, 0x99, 0x9a, 0x88, 0x1a, 0xa7, 0x5a, 0x32,
		0x17, 0x80, 0x00, 0x2a, 0x00, 0x01 };
	static const uint8_t sydney[16] = {
		0x8b, 0xbc, 0x47, 0xae, 0x14, 0x89, 0x2e, 0x6b, 0x85, 0x1f,
		0x17, 0x80, 0x00, 0x00, 0x00, 0x01 };
	struct mih_querier_loc *ql = &self->iq.querier_loc;

	NEED_DB();
	/* at campus-ap1: the PoAs at the same civic place (ap1, ap2: same
	 * city and road, another room); not the lab (another road) */
	self->iq.has_querier_loc = true;
	ql->has_link_addr = true;
	ql->link_addr.kind = MIH_LA_MAC;
	memcpy(ql->link_addr.u.mac, "\x02\x00\x5e\x10\x00\x01", 6);
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(1, self->d.nnets);
	EXPECT_STREQ("campus", self->d.nets[0].netid);
	EXPECT_EQ(2, self->d.nets[0].npoas);
	/* at the lab switch */
	memcpy(ql->link_addr.u.mac, "\x02\x00\x5e\x20\x00\x01", 6);
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(1, self->d.nnets);
	EXPECT_STREQ("lab", self->d.nets[0].netid);
	/* an unknown link address and no location: no filter */
	memcpy(ql->link_addr.u.mac, "\x02\x00\x5e\x99\x00\x01", 6);
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(3, self->d.nnets);
	/* geographic: within the default radius (1000 m) */
	ql->has_link_addr = false;
	ql->has_location = true;
	ql->location.kind = MIH_LOC_GEO_BIN;
	memcpy(ql->location.geo, here, 16);
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(1, self->d.nnets);
	EXPECT_STREQ("metro-free", self->d.nets[0].netid);
	memcpy(ql->location.geo, east, 16);
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(1, self->d.nnets);
	ql->has_radius = true;
	ql->radius = 600;
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(0, self->d.nnets);
	ql->radius = 750;
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(1, self->d.nnets);
	memcpy(ql->location.geo, north, 16);
	ql->radius = 4000;
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(0, self->d.nnets);
	ql->radius = 4500;
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(1, self->d.nnets);
	memcpy(ql->location.geo, sydney, 16);
	ql->radius = 65535;
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(0, self->d.nnets);
	/* a cell nobody has */
	ql->location.kind = MIH_LOC_CELL_ID;
	ql->location.cell_id = 42;
	ASSERT_EQ(0, Q(0));
	EXPECT_EQ(0, self->d.nnets);
}

/* Random hostile queries: never a crash, always a valid bounded answer */
TEST_F(q, hostile_random)
{
	static const uint32_t types[] = {
		MIH_IE_NETWORK_TYPE, MIH_IE_COST, MIH_IE_POA_LINK_ADDR,
		MIH_IE_POS_IP_ADDR, MIH_IE_CONTAINER_NETWORK, 0, 0xffffffff,
		MIH_IE_NETWORK_QOS, MIH_IE_POA_LOCATION, 0x10000104,
	};
	static const char *const ids[] = { "campus", "lab", "", "x" };
	unsigned int seed = 12345, it, i;

	NEED_DB();
	for (it = 0; it < 300; it++) {
		struct mih_iq_bin_data *q = &self->iq;
		size_t max;

		memset(q, 0, sizeof(*q));
		q->has_net_type_inc = rand_r(&seed) & 1;
		q->net_type_inc = (uint32_t)rand_r(&seed);
		q->has_netwk_inc = !(rand_r(&seed) % 3);
		q->n_netwk = (uint32_t)(rand_r(&seed) % (MIH_IQ_NETS_MAX + 1));
		for (i = 0; i < q->n_netwk; i++) {
			const char *id = ids[rand_r(&seed) % 4];

			q->netwk[i].p = (const uint8_t *)id;
			q->netwk[i].len = (uint32_t)strlen(id);
		}
		q->has_rpt_templ = rand_r(&seed) & 1;
		q->n_templ = (uint32_t)(rand_r(&seed) % (MIH_IQ_TEMPL_MAX + 1));
		for (i = 0; i < q->n_templ; i++)
			q->templ[i] = types[rand_r(&seed) % 10];
		q->has_rpt_limit = rand_r(&seed) & 1;
		q->max_ies = (uint16_t)rand_r(&seed);
		q->start_entry = (uint16_t)(rand_r(&seed) % 5);
		q->has_curr_pref = rand_r(&seed) & 1;
		memcpy(q->curr_pref, rand_r(&seed) & 1 ? "USD" : "\0\xff\x01", 3);
		q->has_querier_loc = !(rand_r(&seed) % 4);
		q->querier_loc.has_link_addr = rand_r(&seed) & 1;
		q->querier_loc.link_addr.kind = (uint8_t)(rand_r(&seed) % 3);
		memcpy(q->querier_loc.link_addr.u.mac,
		       "\x02\x00\x5e\x10\x00\x01", 6);
		q->querier_loc.has_location = rand_r(&seed) & 1;
		q->querier_loc.location.kind = (uint8_t)(rand_r(&seed) % 5);
		for (i = 0; i < 16; i++)
			q->querier_loc.location.geo[i] = (uint8_t)rand_r(&seed);
		q->querier_loc.has_radius = rand_r(&seed) & 1;
		q->querier_loc.radius = (uint16_t)rand_r(&seed);
		max = (size_t)(rand_r(&seed) % 700);
		if (max < 6)
			max = 0;
		ASSERT_EQ(0, Q(max)) {
			TH_LOG("iteration %u", it);
		}
		EXPECT_EQ(self->res.networks, self->d.nnets);
	}
}

/* An IQ_BIN_DATA decoded from the wire (the codec's parser) */
TEST_F(q, from_the_wire)
{
	/* WIRE.md 10: report IE_NETWORK_TYPE, IE_OPERATOR_ID, IE_COST */
	static const uint8_t tlv43[] = {
		0x01, 0x00, 0x00, 0x00, 0x01, 0x03, 0x10, 0x00, 0x00, 0x00,
		0x10, 0x00, 0x00, 0x01, 0x10, 0x00, 0x01, 0x03, 0x00, 0x00 };
	struct mih_rd r;
	uint32_t n;

	NEED_DB();
	mih_rd_init(&r, tlv43, sizeof(tlv43));
	n = mih_get_list_count(&r, 6);
	ASSERT_EQ(1, n);
	ASSERT_EQ(0, mih_get_iq_bin_data(&r, &self->iq));
	ASSERT_EQ(0, mih_rd_end(&r));
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(3, self->d.nnets);
	EXPECT_EQ(4, self->d.nets[0].nies);	/* type, operator, 2 costs */
	EXPECT_EQ(MIH_IE_NETWORK_TYPE, self->d.nets[0].types[0]);
	EXPECT_EQ(MIH_IE_OPERATOR_ID, self->d.nets[0].types[1]);
	EXPECT_EQ(0, self->d.nets[0].npoas);
}

/* ---- schema migration ---- */

/*
 * A database as version 1 of the schema left it (before the IP
 * configuration addresses): the tables of that version, word for word,
 * with a network, a cost and a PoA in them
 */
#define V1_SCHEMA(ID) \
	"CREATE TABLE schema_version (version INTEGER NOT NULL);" \
	"INSERT INTO schema_version (version) VALUES (1);" \
	"CREATE TABLE networks (id " ID ", name TEXT NOT NULL UNIQUE," \
	" link_type INTEGER NOT NULL, subtype TEXT, operator_name TEXT," \
	" operator_ns INTEGER, service_provider TEXT, country TEXT," \
	" network_id TEXT, aux_id TEXT, data_rate BIGINT, ip_cfg BIGINT," \
	" caps BIGINT, mob_mgmt INTEGER, qos TEXT);" \
	"CREATE TABLE costs (" \
	" network BIGINT NOT NULL REFERENCES networks(id) ON DELETE CASCADE," \
	" seq INTEGER NOT NULL, unit INTEGER NOT NULL," \
	" value_int BIGINT NOT NULL, value_frac INTEGER NOT NULL," \
	" currency TEXT NOT NULL, PRIMARY KEY (network, seq));" \
	"CREATE TABLE poas (id " ID ", name TEXT NOT NULL UNIQUE," \
	" network BIGINT NOT NULL REFERENCES networks(id) ON DELETE CASCADE," \
	" link_addr TEXT NOT NULL UNIQUE, loc_kind INTEGER NOT NULL," \
	" loc_country TEXT, loc_data TEXT, cell_id BIGINT, chan_low BIGINT," \
	" chan_high BIGINT, subnet TEXT, ip TEXT, pos_mihf_id TEXT," \
	" pos_address TEXT, pos_port INTEGER NOT NULL);" \
	"CREATE INDEX poas_network ON poas (network);" \
	"INSERT INTO networks (name, link_type, network_id, ip_cfg)" \
	" VALUES ('old-net', 19, 'old', 2);" \
	"INSERT INTO costs (network, seq, unit, value_int, value_frac," \
	" currency) SELECT id, 0, 2, 3, 250, 'EUR' FROM networks;" \
	"INSERT INTO poas (network, name, link_addr, loc_kind, pos_mihf_id," \
	" pos_port) SELECT id, 'old-ap', '02:00:5e:40:00:01', 0, 'ar-old'," \
	" 4551 FROM networks;"

static const char v1_sqlite[] = V1_SCHEMA("INTEGER PRIMARY KEY");
static const char v1_pg[] =
	"DROP TABLE IF EXISTS poas, costs, networks, schema_version;"
	V1_SCHEMA("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");

/* The columns of networks, in order: new and migrated databases alike */
static const char net_columns[] = "id,name,link_type,subtype,operator_name,"
	"operator_ns,service_provider,country,network_id,aux_id,data_rate,"
	"ip_cfg,caps,mob_mgmt,qos,dhcp_server,foreign_agent,access_router";

/* SQL run behind the library's back: statements, or one value into out */
static int raw_sql(enum isdb_backend backend, const char *target,
		   const char *sql, char *out, size_t outlen)
{
	int r = 0;

	if (out && outlen)
		out[0] = '\0';
	if (backend == ISDB_BACKEND_SQLITE) {
		sqlite3 *db;
		sqlite3_stmt *st;

		if (sqlite3_open(target, &db) != SQLITE_OK)
			return -EIO;
		sqlite3_busy_timeout(db, 5000);
		if (!out) {
			r = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ?
			    0 : -EIO;
		} else if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) !=
			   SQLITE_OK) {
			r = -EIO;
		} else {
			if (sqlite3_step(st) == SQLITE_ROW &&
			    sqlite3_column_text(st, 0))
				snprintf(out, outlen, "%s",
					 sqlite3_column_text(st, 0));
			else
				r = -ENOENT;
			sqlite3_finalize(st);
		}
		if (r)
			fprintf(stderr, "# sqlite: %s\n", sqlite3_errmsg(db));
		sqlite3_close(db);
	} else {
		PGconn *c = PQconnectdb(target);
		PGresult *res;

		if (PQstatus(c) != CONNECTION_OK) {
			PQfinish(c);
			return -ECONNREFUSED;
		}
		PQclear(PQexec(c, "SET client_min_messages = warning"));
		res = PQexec(c, sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK &&
		    PQresultStatus(res) != PGRES_TUPLES_OK) {
			fprintf(stderr, "# postgresql: %s",
				PQresultErrorMessage(res));
			r = -EIO;
		} else if (out) {
			if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
				snprintf(out, outlen, "%s",
					 PQgetvalue(res, 0, 0));
			else
				r = -ENOENT;
		}
		PQclear(res);
		PQfinish(c);
	}
	return r;
}

/* networks' columns as "a,b,c" */
static int raw_columns(enum isdb_backend backend, const char *target,
		       char *out, size_t outlen)
{
	return raw_sql(backend, target, backend == ISDB_BACKEND_SQLITE ?
		"SELECT group_concat(name, ',') FROM"
		" (SELECT name FROM pragma_table_info('networks') ORDER BY cid)" :
		"SELECT string_agg(column_name::text, ',' ORDER BY"
		" ordinal_position) FROM information_schema.columns"
		" WHERE table_schema = current_schema()"
		" AND table_name = 'networks'", out, outlen);
}

/* A version-1 database (extra: more SQL after it, or NULL) */
static int make_v1(enum isdb_backend backend, const char *target,
		   const char *extra)
{
	char p[80];
	int r;

	if (backend == ISDB_BACKEND_SQLITE) {
		unlink(target);
		snprintf(p, sizeof(p), "%s-wal", target);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", target);
		unlink(p);
	}
	r = raw_sql(backend, target, backend == ISDB_BACKEND_SQLITE ?
		    v1_sqlite : v1_pg, NULL, 0);
	if (!r && extra)
		r = raw_sql(backend, target, extra, NULL, 0);
	return r;
}

/*
 * A database of schema version 1 is migrated on open: the IP
 * configuration columns added, its rows kept, the version 2; a migration
 * that fails changes nothing; several servers opening it at once
 */
TEST_F(db, migrate_v1)
{
	static const uint8_t old_ap[6] = { 0x02, 0x00, 0x5e, 0x40, 0x00, 0x01 };
	static const char more[] =
		"[network new-net]\n"
		"type = ethernet\n"
		"network-id = new\n"
		"ip-config = ipv4-static ipv6-manual\n"
		"access-router = 2001:db8:40::1\n"
		"foreign-agent = 198.51.100.1\n"
		"[poa new-ap]\n"
		"network = old-net\n"
		"link-addr = 02:00:5e:40:00:02\n";
	char path[64] = "", val[512], err[ISDB_ERR_MAX] = "", *a, *b;
	const char *target;
	struct isdb_network net;
	struct isdb_poa poa;
	struct isdb *db = NULL;
	struct mih_iq_bin_data iq;
	struct isdb_query_result res;
	struct dres d;
	uint8_t out[QBUF];
	size_t nn, np, la, lb;
	pid_t pids[3];
	int i, st, fd, r;

	NEED_DB();
	if (variant->backend == ISDB_BACKEND_SQLITE) {
		/* the fixture's new database: its columns */
		ASSERT_EQ(0, raw_columns(variant->backend, self->e.target, val,
					 sizeof(val)));
		EXPECT_STREQ(net_columns, val);
		strcpy(path, "/tmp/test_isdb_v1.XXXXXX");
		fd = mkstemp(path);
		ASSERT_LE(0, fd);
		close(fd);
		target = path;
	} else {
		target = self->e.target;	/* its tables are replaced */
	}

	/* a migration that fails half way (a column is already there):
	 * refused, and nothing of it stays */
	ASSERT_EQ(0, make_v1(variant->backend, target,
			     "ALTER TABLE networks ADD COLUMN access_router TEXT"));
	EXPECT_GT(0, isdb_open(&db, variant->backend, target, err,
			       sizeof(err)));
	EXPECT_EQ(NULL, db);
	EXPECT_NE(NULL, strstr(err, "migrating the schema to version 2")) {
		TH_LOG("%s", err);
	}
	ASSERT_EQ(0, raw_sql(variant->backend, target,
			     "SELECT version FROM schema_version", val,
			     sizeof(val)));
	EXPECT_STREQ("1", val);
	ASSERT_EQ(0, raw_columns(variant->backend, target, val, sizeof(val)));
	EXPECT_EQ(NULL, strstr(val, "dhcp_server")) {
		TH_LOG("%s", val);
	}

	/* three servers open the old database at once: each succeeds */
	ASSERT_EQ(0, make_v1(variant->backend, target, NULL));
	for (i = 0; i < 3; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			struct isdb *c;

			r = isdb_open(&c, variant->backend, target, err,
				      sizeof(err));
			if (r)
				fprintf(stderr, "# child %d: %s\n", i, err);
			else if (isdb_schema_version(c) != 2)
				r = 1;
			isdb_close(c);
			_exit(r ? 1 : 0);
		}
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	/* one version row, 2; the columns of a new database */
	ASSERT_EQ(0, raw_sql(variant->backend, target,
			     "SELECT count(*) || ':' || min(version) || ':' ||"
			     " max(version) FROM schema_version", val,
			     sizeof(val)));
	EXPECT_STREQ("1:2:2", val);
	ASSERT_EQ(0, raw_columns(variant->backend, target, val, sizeof(val)));
	EXPECT_STREQ(net_columns, val);

	/* the old rows, read back */
	r = isdb_open(&db, variant->backend, target, err, sizeof(err));
	if (r)
		TH_LOG("open: %s", err);
	ASSERT_EQ(0, r);
	EXPECT_EQ(ISDB_SCHEMA_VERSION, isdb_schema_version(db));
	ASSERT_EQ(0, isdb_find_poa_by_link_addr(db, old_ap, &poa, &net));
	EXPECT_STREQ("old-ap", poa.name);
	EXPECT_STREQ("ar-old", poa.pos_mihf_id);
	EXPECT_STREQ("old-net", net.name);
	EXPECT_EQ(2u, net.ip_cfg);
	EXPECT_EQ(ISDB_NET_IP_CFG, net.has & ISDB_NET_IP_CFG);
	EXPECT_EQ(AF_UNSPEC, net.dhcp_server.family);
	EXPECT_EQ(AF_UNSPEC, net.foreign_agent.family);
	EXPECT_EQ(AF_UNSPEC, net.access_router.family);
	ASSERT_EQ(1, net.ncosts);
	EXPECT_EQ(250, net.costs[0].value_frac);

	/* the migrated database takes the new keys and serves them */
	r = import_str(db, more, false, err, sizeof(err));
	if (r)
		TH_LOG("import: %s", err);
	ASSERT_EQ(0, r);
	ASSERT_EQ(0, isdb_count(db, &nn, &np));
	EXPECT_EQ(2, nn);
	EXPECT_EQ(2, np);
	memset(&iq, 0, sizeof(iq));
	iq.has_rpt_templ = true;
	iq.n_templ = 1;
	iq.templ[0] = MIH_IE_NET_IP_CFG_METHODS;
	ASSERT_EQ(0, query(db, &iq, 0, &res, &d, out));
	ASSERT_EQ(2, d.nnets);
	EXPECT_EQ(MIH_BIT(MIH_IPCFG_DHCPV4), d.nets[0].ipc.methods);
	EXPECT_FALSE(d.nets[0].ipc.has_dhcp || d.nets[0].ipc.has_fa ||
		     d.nets[0].ipc.has_ar);
	EXPECT_EQ(MIH_BIT(MIH_IPCFG_IPV4_STATIC) |
		  MIH_BIT(MIH_IPCFG_IPV6_MANUAL), d.nets[1].ipc.methods);
	EXPECT_FALSE(d.nets[1].ipc.has_dhcp);
	EXPECT_TRUE(d.nets[1].ipc.has_fa);
	EXPECT_EQ(MIH_AF_IPV4, d.nets[1].ipc.fa.family);
	EXPECT_EQ(0, memcmp(d.nets[1].ipc.fa.a, "\xc6\x33\x64\x01", 4));
	EXPECT_TRUE(d.nets[1].ipc.has_ar);
	EXPECT_EQ(MIH_AF_IPV6, d.nets[1].ipc.ar.family);
	/* and exports what it holds, canonically */
	a = export_str(db, &la);
	ASSERT_NE(NULL, a);
	EXPECT_NE(NULL, strstr(a, "ip-config = ipv4-static ipv6-manual\n"
			       "foreign-agent = 198.51.100.1\n"
			       "access-router = 2001:db8:40::1\n"));
	ASSERT_EQ(0, isdb_clear(db));
	ASSERT_EQ(0, import_str(db, a, false, err, sizeof(err)));
	b = export_str(db, &lb);
	ASSERT_NE(NULL, b);
	EXPECT_STREQ(a, b);
	free(a);
	free(b);
	isdb_close(db);
	if (path[0]) {
		char p[80];

		unlink(path);
		snprintf(p, sizeof(p), "%s-wal", path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", path);
		unlink(p);
	}
}

/*
 * One IE_NET_IP_CFG_METHODS octet by octet (docs/isdb-format.md): the lab
 * network's methods, its DHCP server and access router, no foreign agent
 */
TEST_F(q, ip_config_octets)
{
	static const uint8_t want[] = {
		0x01,					/* LIST(IE): 1 */
		0x10, 0x00, 0x03, 0x00, 0x37,		/* LIST_OF_NETWORKS */
		0x10, 0x00, 0x03, 0x01, 0x32,		/* NETWORK */
		0x10, 0x00, 0x01, 0x09, 0x2d,		/* NET_IP_CFG_METHODS */
		0x00, 0x00, 0x10, 0x02,			/* bits 1, 12 */
		0x01, 0x00, 0x02, 0x10,			/* DHCP: IPv6 */
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x20, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
		0x00,					/* FA: none */
		0x01, 0x00, 0x02, 0x10,			/* AR: IPv6 */
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x20, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	};

	NEED_DB();
	self->iq.has_net_type_inc = true;
	self->iq.net_type_inc = 1u << MIH_NTI_ETHERNET;
	self->iq.has_rpt_templ = true;
	self->iq.n_templ = 1;
	self->iq.templ[0] = MIH_IE_NET_IP_CFG_METHODS;
	ASSERT_EQ(0, Q(0));
	ASSERT_EQ(sizeof(want), self->res.len);
	EXPECT_EQ(0, memcmp(want, self->out, sizeof(want)));
}

/*
 * Two IS servers sharing one database (two connections): one imports, the
 * other sees it.  It ends with exactly the example in the database, as do
 * the q cases: tests/host/isdb_pg.sh reads what the last one leaves with
 * psql.
 */
TEST_F(db, two_servers)
{
	static const uint8_t ap7[6] = { 0x02, 0x00, 0x5e, 0x30, 0x00, 0x07 };
	struct isdb *other;
	struct isdb_network net;
	struct isdb_poa poa;
	char err[ISDB_ERR_MAX];
	struct cand c;
	size_t nn, np;

	NEED_DB();
	ASSERT_EQ(0, isdb_open(&other, variant->backend, self->e.target, err,
			       sizeof(err)));
	ASSERT_EQ(0, isdb_count(other, &nn, &np));
	EXPECT_EQ(0, nn);
	EXPECT_EQ(-ENOENT, isdb_find_poa_by_link_addr(other, ap7, &poa, NULL));
	import_example(_metadata, self->db);
	ASSERT_EQ(0, isdb_count(other, &nn, &np));
	EXPECT_EQ(3, nn);
	EXPECT_EQ(4, np);
	ASSERT_EQ(0, isdb_find_poa_by_link_addr(other, ap7, &poa, &net));
	EXPECT_STREQ("city-hotspot", net.name);
	EXPECT_STREQ("ar7.metro.example", poa.pos_mihf_id);
	memset(&c, 0, sizeof(c));
	ASSERT_EQ(0, isdb_candidates(other, 1u << 5, ap7, cand_cb, &c));
	EXPECT_EQ(2, c.n);
	/* the other server replaces one network's PoA set: both see it */
	EXPECT_EQ(-EINVAL, import_str(other, "[poa x]\nnetwork = city-hotspot\n"
				      "link-addr = 02:00:5e:30:00:07\n", false,
				      err, sizeof(err)));
	EXPECT_EQ(0, import_str(other, "[poa city-ap8]\nnetwork = city-hotspot\n"
				"link-addr = 02:00:5e:30:00:08\n", false, err,
				sizeof(err)));
	ASSERT_EQ(0, isdb_count(self->db, &nn, &np));
	EXPECT_EQ(5, np);
	/* leave exactly the example behind */
	import_example(_metadata, other);
	isdb_close(other);
}

TEST_HARNESS_MAIN

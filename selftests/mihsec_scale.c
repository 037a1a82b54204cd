// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: a city's worth of SAs in one namespace (issue 3, scale).
 * Installs MIHSEC_SCALE_SAS SAs (default 1,000,000; suite from
 * MIHSEC_SCALE_SUITE, default 3, the suite with the smallest transforms)
 * with distinct peers and key IDs, then:
 *   - the namespace reports exactly that many;
 *   - one dump returns every one of them exactly once (each peer ID seen
 *     once, each SA index once), not flagged NLM_F_DUMP_INTR, resumed
 *     across as many netlink messages as it takes;
 *   - a lookup by key ID finds the first, the middle and the last;
 *   - deleting the namespace gives the memory back.
 * Insert rate, kernel memory per SA (slab + per-CPU, from /proc/meminfo)
 * and dump time are printed as figures; only correctness is asserted.
 * The VM needs about 2 KiB of RAM per SA (make check gives it 3 GiB).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/mihsec.h>
#include "kselftest_harness.h"
#include "lib/nl.h"

static unsigned int n_sas(void)
{
	const char *s = getenv("MIHSEC_SCALE_SAS");

	return s ? (unsigned int)strtoul(s, NULL, 0) : 1000000;
}

static unsigned int suite(void)
{
	const char *s = getenv("MIHSEC_SCALE_SUITE");

	return s ? (unsigned int)strtoul(s, NULL, 0) :
		   MIHSEC_SUITE_CHACHA20_POLY1305;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Slab + Percpu from /proc/meminfo, kB */
static long kmem_kib(void)
{
	long v, sum = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &v) == 1 ||
		    sscanf(line, "Percpu: %ld kB", &v) == 1)
			sum += v;
	fclose(f);
	return sum;
}

/* Create network namespace @name and enter it */
static int ns_enter(const char *name)
{
	char path[128], cmd[160];
	int fd, err;

	snprintf(cmd, sizeof(cmd), "ip netns add %s", name);
	if (system(cmd))
		return -1;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	err = setns(fd, CLONE_NEWNET);
	close(fd);
	return err;
}

/* SA @i: peer "mmt-<i>", key IDs and keys derived from @i */
static void sa_cfg(struct mihsec_sa_cfg *c, unsigned int i, unsigned int s)
{
	memset(c, 0, sizeof(*c));
	c->local_id_len = snprintf((char *)c->local_id, 8, "ar1");
	c->peer_id_len = snprintf((char *)c->peer_id, 16, "mmt-%u", i);
	c->role = MIHSEC_ROLE_NETWORK;
	c->has_suite = true;
	c->suite = s;
	memcpy(c->rx_keyid, "\x5c\xa1", 2);
	memcpy(c->tx_keyid, "\x5c\xa2", 2);
	memcpy(c->rx_keyid + 4, &i, 4);
	memcpy(c->tx_keyid + 4, &i, 4);
	c->tx_key_len = c->rx_key_len = s == 2 || s == 3 ? 32 : 16;
	memset(c->tx_key, 0x11, c->tx_key_len);
	memset(c->rx_key, 0x22, c->rx_key_len);
	memcpy(c->tx_key, &i, 4);
	memcpy(c->rx_key, &i, 4);
	if (s == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1) {
		c->has_ikeys = true;
		memset(c->tx_ikey, 0x33, sizeof(c->tx_ikey));
		memset(c->rx_ikey, 0x44, sizeof(c->rx_ikey));
	}
}

struct seen {
	unsigned int n, total, dup_peer, dup_index, bad;
	uint8_t *peer;		/* one octet per SA number */
	uint8_t *index;		/* one bit per SA index */
	uint32_t index_max;
};

static int count_sa(const struct mihsec_sa_info *sa, void *arg)
{
	struct seen *s = arg;
	unsigned int i;
	char id[32];
	int end = 0;

	s->total++;
	if (sa->peer_id_len >= sizeof(id)) {
		s->bad++;
		return 0;
	}
	memcpy(id, sa->peer_id, sa->peer_id_len);
	id[sa->peer_id_len] = 0;
	if (sscanf(id, "mmt-%u%n", &i, &end) != 1 ||
	    end != (int)sa->peer_id_len || i >= s->n ||
	    memcmp(sa->rx_keyid + 4, &i, 4)) {
		s->bad++;
		return 0;
	}
	if (s->peer[i]++)
		s->dup_peer++;
	if (sa->index > s->index_max) {
		s->bad++;
		return 0;
	}
	if (s->index[sa->index / 8] & (1 << (sa->index % 8)))
		s->dup_index++;
	s->index[sa->index / 8] |= 1 << (sa->index % 8);
	return 0;
}

FIXTURE(scale) {
	int unused;
};

FIXTURE_SETUP(scale)
{
}

FIXTURE_TEARDOWN(scale)
{
}

/* a million SAs take minutes under software emulation */
TEST_F_TIMEOUT(scale, many_sas, 3600)
{
	unsigned int n = n_sas(), s = suite(), i, missing = 0;
	long m0, m1, m2 = 0;
	struct mihsec_policy_info pi;
	struct mihsec_sa_info info;
	struct mihsec_sa_cfg c;
	struct mihsec_nl *nl;
	struct seen seen = {};
	char ns[64], msg[256], cmd[128];
	double t0, t1;
	int err, t, got, home;

	ASSERT_GT(n, 0U);
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(home, 0);
	snprintf(ns, sizeof(ns), "mihsec-scale-%d", getpid());
	m0 = kmem_kib();
	ASSERT_GT(m0, 0);
	ASSERT_EQ(0, ns_enter(ns));
	nl = mihsec_nl_open(&err, msg, sizeof(msg));
	ASSERT_NE(NULL, nl) TH_LOG("mihsec_nl_open: %s", msg);

	t0 = now();
	for (i = 0; i < n; i++) {
		sa_cfg(&c, i, s);
		err = mihsec_nl_sa_add(nl, &c);
		ASSERT_EQ(0, err) TH_LOG("SA %u: %s", i, mihsec_nl_errmsg(nl));
	}
	t1 = now();
	mihsec_sa_cfg_wipe(&c);
	m1 = kmem_kib();
	printf("# %u SAs (suite %u) installed in %.1f s: %.0f per second\n",
	       n, s, t1 - t0, n / (t1 - t0));
	printf("# kernel memory (slab + per-CPU): %ld kB -> %ld kB, %ld B per SA\n",
	       m0, m1, (long)((m1 - m0) * 1024.0 / n));

	ASSERT_EQ(0, mihsec_nl_policy_get(nl, &pi));
	EXPECT_EQ(n, pi.sa_count);

	/* the dump: every SA exactly once, in one consistent pass */
	seen.n = n;
	seen.peer = calloc(n, 1);
	seen.index_max = 4 * n + 1024;
	seen.index = calloc(seen.index_max / 8 + 1, 1);
	ASSERT_NE(NULL, seen.peer);
	ASSERT_NE(NULL, seen.index);
	t0 = now();
	got = mihsec_nl_sa_dump(nl, count_sa, &seen);
	t1 = now();
	printf("# dump of %d SAs in %.1f s\n", got, t1 - t0);
	EXPECT_EQ((int)n, got);
	EXPECT_EQ(n, seen.total);
	EXPECT_EQ(0U, seen.bad);
	EXPECT_EQ(0U, seen.dup_peer);
	EXPECT_EQ(0U, seen.dup_index);
	for (i = 0; i < n; i++)
		missing += !seen.peer[i];
	EXPECT_EQ(0U, missing);
	free(seen.peer);
	free(seen.index);

	/* point lookups at both ends and in the middle */
	for (t = 0; t < 3; t++) {
		i = t == 0 ? 0 : t == 1 ? n / 2 : n - 1;
		sa_cfg(&c, i, s);
		ASSERT_EQ(0, mihsec_nl_sa_get(nl, c.rx_keyid, &info));
		EXPECT_EQ(c.peer_id_len, info.peer_id_len);
		EXPECT_EQ(0, memcmp(c.peer_id, info.peer_id, c.peer_id_len));
	}
	mihsec_sa_cfg_wipe(&c);
	mihsec_nl_close(nl);

	/* the namespace takes its SAs with it */
	ASSERT_EQ(0, setns(home, CLONE_NEWNET));
	close(home);
	snprintf(cmd, sizeof(cmd), "ip netns del %s", ns);
	ASSERT_EQ(0, system(cmd));
	t0 = now();
	for (t = 0; t < 1200; t++) {
		m2 = kmem_kib();
		if (m2 - m0 < (m1 - m0) / 10)
			break;
		usleep(100000);
	}
	printf("# %ld kB after deleting the namespace (%.1f s)\n", m2,
	       now() - t0);
	EXPECT_LT(m2 - m0, (m1 - m0) / 10);
}

TEST_HARNESS_MAIN

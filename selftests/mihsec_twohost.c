// SPDX-License-Identifier: GPL-2.0
/*
 * mihsec between two hosts: namespace A is the MMT ("mmt1", role mmt),
 * namespace B the AR ("ar1", role network), joined by a veth pair, each
 * with its own SA and the module in "require" in both.
 *
 *   reflection      a PDU the MMT sent, sent back to the MMT from the AR's
 *                   side: unknown-key (key IDs are per direction), both
 *                   ways
 *   symmetric_sa_refused  an SA with one key ID, or one key and salt, for
 *                   both directions is refused (it would reuse nonces)
 *   impersonation   "mmt2" speaking with mmt1's keys: identity-mismatch
 *   address_change  the MMT's IPv4, then IPv6 address changes: the same SA
 *                   goes on in both directions
 *   rekey_in_flight 2000 numbered messages while a newer SA pair is
 *                   installed: each arrives once, the newer SA carries the
 *                   later ones (checked on the wire), the old SA expires
 *                   after its grace (sa-expired)
 *
 * SA configuration and counters go through the daemon's netlink client
 * (daemon/lib/nl.c); the datagrams through ordinary UDP sockets; reflected
 * and crafted frames are injected from the other end of the veth.
 */
#include "mihsec_lib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include "kselftest_harness.h"
#include "lib/nl.h"

#define PDU_MAX 4096
#define MMT 0
#define AR 1

struct tbufs {
	uint8_t body[PDU_MAX], plain[PDU_MAX], prot[PDU_MAX], got[PDU_MAX];
	struct mh_frame f, r;
};

FIXTURE(th) {
	struct mh_pair p;
	struct mihsec_nl *nl[2];
	struct tbufs *b;
};

/* a netlink handle whose socket lives in side's namespace */
static struct mihsec_nl *nl_in(struct mh_pair *p, int side)
{
	struct mihsec_nl *nl;
	char msg[256];
	int err;

	if (mh_ns_enter(p->nsfd[side]))
		return NULL;
	nl = mihsec_nl_open(&err, msg, sizeof(msg));
	if (mh_ns_leave())
		abort();
	if (!nl)
		fprintf(stderr, "# mihsec_nl_open in %s: %d %s\n", p->ns[side],
			err, msg);
	return nl;
}

FIXTURE_SETUP(th)
{
	self->b = calloc(1, sizeof(*self->b));
	ASSERT_NE(NULL, self->b);
	ASSERT_EQ(0, mh_pair_setup(&self->p, "th"));
	snprintf(self->p.id[MMT], sizeof(self->p.id[MMT]), "mmt1");
	snprintf(self->p.id[AR], sizeof(self->p.id[AR]), "ar1");
	for (int s = 0; s < 2; s++) {
		self->nl[s] = nl_in(&self->p, s);
		ASSERT_NE(NULL, self->nl[s]);
		ASSERT_EQ(0, mihsec_nl_policy_set(self->nl[s],
						  MIHSEC_POLICY_REQUIRE));
	}
}

FIXTURE_TEARDOWN(th)
{
	for (int s = 0; s < 2; s++)
		if (self->nl[s])
			mihsec_nl_close(self->nl[s]);
	mh_pair_teardown(&self->p);
	free(self->b);
}

typedef uint64_t stats_t[MIHSEC_STAT_MAX + 1];

static uint64_t drops(const uint64_t *st)
{
	uint64_t s = 0;

	for (int i = 1; i <= MIHSEC_STAT_MAX; i++)
		if (mh_stat_is_drop(i))
			s += st[i];
	return s;
}

static void diff(const char *what, const uint64_t *a, const uint64_t *b)
{
	for (int i = 1; i <= MIHSEC_STAT_MAX; i++)
		if (a[i] != b[i])
			fprintf(stderr, "# %s %s: %llu -> %llu\n", what,
				mh_stat_name(i), (unsigned long long)a[i],
				(unsigned long long)b[i]);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* poll side's counters until a traffic counter moved (0) or timeout */
static int wait_change(struct mihsec_nl *nl, const uint64_t *before,
		       uint64_t *after, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	for (;;) {
		if (mihsec_nl_stats_get(nl, after))
			return -1;
		for (int i = 1; i <= MIHSEC_STAT_MAX; i++)
			if (mh_stat_is_traffic(i) && before[i] != after[i])
				return 0;
		if (now_ms() > end)
			return -1;
		usleep(10000);
	}
}

/* side's SA configuration from the pair's keys, with other MIHF IDs;
 * symmetric: one key ID, key and salt for both directions (side 0's) */
static void pair_cfg(const struct mh_pair *p, int side, const char *local,
		     const char *peer, bool symmetric, struct mihsec_sa_cfg *c)
{
	int tx = symmetric ? 0 : side, rx = symmetric ? 0 : !side;

	memset(c, 0, sizeof(*c));
	c->local_id_len = strlen(local);
	memcpy(c->local_id, local, c->local_id_len);
	c->peer_id_len = strlen(peer);
	memcpy(c->peer_id, peer, c->peer_id_len);
	c->role = side ? MIHSEC_ROLE_NETWORK : MIHSEC_ROLE_MMT;
	memcpy(c->tx_keyid, p->keyid[tx], MIHSEC_KEYID_LEN);
	memcpy(c->rx_keyid, p->keyid[rx], MIHSEC_KEYID_LEN);
	c->tx_key_len = c->rx_key_len = 16;
	memcpy(c->tx_key, p->key[tx], 16);
	memcpy(c->rx_key, p->key[rx], 16);
	memcpy(c->tx_salt, p->salt[tx], MIHSEC_SALT_LEN);
	memcpy(c->rx_salt, p->salt[rx], MIHSEC_SALT_LEN);
}

static int sa_add_cfg(struct mihsec_nl *nl, const struct mh_pair *p,
		      int side, const char *local, const char *peer,
		      bool symmetric)
{
	struct mihsec_sa_cfg c;
	int r;

	pair_cfg(p, side, local, peer, symmetric, &c);
	r = mihsec_nl_sa_add(nl, &c);
	if (r)
		fprintf(stderr, "# sa add %s -> %s: %d %s\n", local, peer, r,
			mihsec_nl_errmsg(nl));
	mihsec_sa_cfg_wipe(&c);
	return r;
}

static size_t req_pdu(struct tbufs *b, uint16_t tid, const char *src,
		      const char *dst)
{
	size_t bl = mh_body(b->body, 60, tid);

	return mh_pdu(b->plain, 0, MH_MID_REGISTER_REQ, tid, src, dst,
		      b->body, bl);
}

/* send b->plain (plen) from side s's socket to the other side; the other
 * side's socket must receive exactly it */
static void deliver(struct __test_metadata *_metadata, struct tbufs *b,
		    int family, int fds, int fdr, int to, size_t plen)
{
	ssize_t n;

	ASSERT_EQ((ssize_t)plen, mh_udp_send(fds, family, to, MH_PORT,
					     b->plain, plen))
		TH_LOG("send: %s", strerror(errno));
	n = mh_udp_recv(fdr, b->got, PDU_MAX, 3000, NULL);
	ASSERT_EQ((ssize_t)plen, n);
	ASSERT_EQ(0, memcmp(b->plain, b->got, plen));
}

/* inject frame f from side `from`'s end of the veth; the other side drops
 * it under exactly `reason` (one drop, nothing delivered on fdr) */
static void expect_drop(struct __test_metadata *_metadata,
			FIXTURE_DATA(th) *self, int from,
			const struct mh_frame *f, int fdr, int reason,
			const char *what)
{
	struct mihsec_nl *nl = self->nl[!from];
	stats_t s0, s1;
	ssize_t n;

	ASSERT_EQ(0, mihsec_nl_stats_get(nl, s0));
	ASSERT_EQ(0, mh_inject(&self->p, from, f->b, f->len));
	ASSERT_EQ(0, wait_change(nl, s0, s1, 3000))
		TH_LOG("%s: no counter moved", what);
	n = mh_udp_recv(fdr, self->b->got, PDU_MAX, 200, NULL);
	ASSERT_EQ(0, mihsec_nl_stats_get(nl, s1));
	diff(what, s0, s1);
	EXPECT_EQ(0, n) TH_LOG("%s: delivered %zd octets", what, n);
	EXPECT_EQ(s0[reason] + 1, s1[reason])
		TH_LOG("%s: want %s", what, mh_stat_name(reason));
	EXPECT_EQ(drops(s0) + 1, drops(s1));
	EXPECT_EQ(s0[MIHSEC_STAT_RX_VERIFIED], s1[MIHSEC_STAT_RX_VERIFIED]);
	EXPECT_EQ(s0[MIHSEC_STAT_RX_CLEAR], s1[MIHSEC_STAT_RX_CLEAR]);
}

/* the frame f captured arriving at side `at`, sent back to where it came
 * from, from side `at`'s end */
static void reflect(struct mh_frame *r, const struct mh_frame *f, int at)
{
	if (mh_frame_build(r, f->family, at, !at, MH_PORT, MH_PORT,
			   f->b + f->pl, f->plen))
		r->len = 0;
}

/* key IDs name one direction: the MMT holds no SA that receives the key
 * ID it sends with (PROTOCOL.md section 5 step 3) */
TEST_F(th, reflection)
{
	struct mh_pair *p = &self->p;
	struct tbufs *b = self->b;
	struct mh_prot pp;
	int fam;

	ASSERT_EQ(0, mh_sa_add(p, MMT, NULL));
	ASSERT_EQ(0, mh_sa_add(p, AR, NULL));
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;
		int fdm = mh_udp_socket(p, MMT, family, MH_PORT);
		int fda = mh_udp_socket(p, AR, family, MH_PORT);
		int cm = mh_capture_open(p, MMT), ca = mh_capture_open(p, AR);
		size_t plen;

		ASSERT_LE(0, fdm);
		ASSERT_LE(0, fda);
		ASSERT_LE(0, cm);
		ASSERT_LE(0, ca);
		/* MMT -> AR, delivered; the PDU as it arrived at the AR */
		plen = req_pdu(b, 1, "mmt1", "ar1");
		deliver(_metadata, b, family, fdm, fda, AR, plen);
		ASSERT_EQ(1, mh_capture_next(ca, &b->f, 2000, false));
		ASSERT_EQ(0, mh_parse_prot(b->f.b + b->f.pl, b->f.plen, &pp));
		ASSERT_EQ(MIHSEC_WIRE_F_ENCRYPTED, pp.flags_v);	/* D = 0 */
		ASSERT_EQ(0, memcmp(b->f.b + b->f.pl + pp.keyid,
				    p->keyid[MMT], 8));
		/* ... back to the MMT, from the AR's end */
		reflect(&b->r, &b->f, AR);
		ASSERT_NE(0U, b->r.len);
		expect_drop(_metadata, self, AR, &b->r, fdm,
			    MIHSEC_STAT_DROP_UNKNOWN_KEY,
			    "MMT's own PDU reflected to the MMT");

		/* AR -> MMT, delivered; back to the AR from the MMT's end */
		mh_capture_drain(cm);
		mh_capture_drain(ca);
		plen = req_pdu(b, 2, "ar1", "mmt1");
		deliver(_metadata, b, family, fda, fdm, MMT, plen);
		ASSERT_EQ(1, mh_capture_next(cm, &b->f, 2000, false));
		ASSERT_EQ(0, mh_parse_prot(b->f.b + b->f.pl, b->f.plen, &pp));
		ASSERT_EQ(MIHSEC_WIRE_F_ENCRYPTED | MIHSEC_WIRE_F_NET2MMT,
			  pp.flags_v);
		reflect(&b->r, &b->f, MMT);
		ASSERT_NE(0U, b->r.len);
		expect_drop(_metadata, self, MMT, &b->r, fda,
			    MIHSEC_STAT_DROP_UNKNOWN_KEY,
			    "AR's own PDU reflected to the AR");
		close(fdm);
		close(fda);
		close(cm);
		close(ca);
	}
}

/*
 * An SA that would use one key ID, key and salt both ways (where only the
 * direction bit, section 5 step 4, would tell a reflected PDU from the
 * peer's, and both ends would reuse each other's nonces) is refused; so
 * is one key and salt under two key IDs.  KUnit (mihsec_pdu) covers the
 * direction-mismatch verdict itself.
 */
TEST_F(th, symmetric_sa_refused)
{
	struct mh_pair *p = &self->p;
	struct mihsec_sa_cfg c;

	EXPECT_EQ(-EINVAL, sa_add_cfg(self->nl[MMT], p, MMT, "mmt1", "ar1",
				      true));
	pair_cfg(p, MMT, "mmt1", "ar1", true, &c);
	memcpy(c.rx_keyid, p->keyid[AR], MIHSEC_KEYID_LEN);
	EXPECT_EQ(-EINVAL, mihsec_nl_sa_add(self->nl[MMT], &c));
	mihsec_sa_cfg_wipe(&c);
	EXPECT_EQ(0, mh_sa_count(p, MMT));
	/* the same pair, keyed per direction, is fine */
	EXPECT_EQ(0, sa_add_cfg(self->nl[MMT], p, MMT, "mmt1", "ar1", false));
}

/* the AR holds an SA for mmt1; "mmt2", holding mmt1's keys and key IDs,
 * speaks as itself: the PDU verifies (no auth-fail) but the
 * authenticated Source MIHF ID is not the SA's peer (section 5 step 8) */
TEST_F(th, impersonation)
{
	struct mh_pair *p = &self->p;
	struct tbufs *b = self->b;
	struct mihsec_sa_info info;
	struct mh_prot pp;
	stats_t m0, m1, a0, a1;
	size_t plen, l;
	uint64_t seq = 0;
	int fam;

	ASSERT_EQ(0, mh_sa_add(p, AR, NULL));			/* ar1 <-> mmt1 */
	ASSERT_EQ(0, sa_add_cfg(self->nl[MMT], p, MMT, "mmt2", "ar1", false));
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;
		int fdm = mh_udp_socket(p, MMT, family, MH_PORT);
		int fda = mh_udp_socket(p, AR, family, MH_PORT);
		int ca = mh_capture_open(p, AR);
		ssize_t n;

		ASSERT_LE(0, fdm);
		ASSERT_LE(0, fda);
		ASSERT_LE(0, ca);
		ASSERT_EQ(0, mihsec_nl_stats_get(self->nl[MMT], m0));
		ASSERT_EQ(0, mihsec_nl_stats_get(self->nl[AR], a0));
		plen = req_pdu(b, 10 + fam, "mmt2", "ar1");
		ASSERT_EQ((ssize_t)plen, mh_udp_send(fdm, family, AR, MH_PORT,
						     b->plain, plen));
		ASSERT_EQ(0, wait_change(self->nl[AR], a0, a1, 3000));
		n = mh_udp_recv(fda, b->got, PDU_MAX, 200, NULL);
		EXPECT_EQ(0, n) TH_LOG("the AR delivered mmt2's PDU");
		ASSERT_EQ(0, mihsec_nl_stats_get(self->nl[MMT], m1));
		ASSERT_EQ(0, mihsec_nl_stats_get(self->nl[AR], a1));
		diff("AR", a0, a1);
		EXPECT_EQ(m0[MIHSEC_STAT_TX_PROTECTED] + 1,
			  m1[MIHSEC_STAT_TX_PROTECTED]);
		EXPECT_EQ(a0[MIHSEC_STAT_DROP_IDENTITY_MISMATCH] + 1,
			  a1[MIHSEC_STAT_DROP_IDENTITY_MISMATCH]);
		EXPECT_EQ(drops(a0) + 1, drops(a1));
		EXPECT_EQ(a0[MIHSEC_STAT_RX_VERIFIED],
			  a1[MIHSEC_STAT_RX_VERIFIED]);

		/* on the wire: mmt1's key ID, Source mmt2, and it verifies
		 * under mmt1's key (the test's model) */
		ASSERT_EQ(1, mh_capture_next(ca, &b->f, 2000, false));
		ASSERT_EQ(0, mh_parse_prot(b->f.b + b->f.pl, b->f.plen, &pp));
		EXPECT_EQ(0, memcmp(b->f.b + b->f.pl + pp.keyid,
				    p->keyid[MMT], 8));
		EXPECT_EQ(5U, pp.src_vlen);	/* length octet + 4 */
		EXPECT_EQ(0, memcmp(b->f.b + b->f.pl + pp.src_v + 1, "mmt2", 4));
		EXPECT_EQ(0, mh_unseal(b->f.b + b->f.pl, b->f.plen,
				       p->key[MMT], p->salt[MMT], b->got, &l));
		EXPECT_EQ(plen, l);
		EXPECT_EQ(0, memcmp(b->got, b->plain, plen));
		EXPECT_EQ(fam + 1U, pp.seq_v);

		/* the real mmt1 (the model, a sequence number ahead of the
		 * kernel's) is still welcome on that SA */
		seq = 100 * (fam + 1);
		plen = req_pdu(b, 20 + fam, "mmt1", "ar1");
		l = mh_seal_as(p, MMT, b->prot, b->plain, plen, seq, true);
		ASSERT_NE(0U, l);
		ASSERT_EQ(0, mh_frame_build(&b->f, family, MMT, AR, MH_PORT,
					    MH_PORT, b->prot, l));
		ASSERT_EQ(0, mh_inject(p, MMT, b->f.b, b->f.len));
		n = mh_udp_recv(fda, b->got, PDU_MAX, 3000, NULL);
		ASSERT_EQ((ssize_t)plen, n);
		ASSERT_EQ(0, memcmp(b->got, b->plain, plen));
		close(fdm);
		close(fda);
		close(ca);
	}
	ASSERT_EQ(0, mihsec_nl_sa_get(self->nl[AR], p->keyid[MMT], &info));
	EXPECT_EQ(2U, info.stats[MIHSEC_SA_STAT_RX_IDENTITY]);
	EXPECT_EQ(2U, info.stats[MIHSEC_SA_STAT_RX_PACKETS]);
	EXPECT_EQ(0U, info.stats[MIHSEC_SA_STAT_RX_AUTH_FAIL]);
	EXPECT_EQ(seq, info.rx_seq);
}

/* request MMT -> AR, the AR answers to where it came from; want_from:
 * the MMT address the AR must see */
static void ac_exchange(struct __test_metadata *_metadata,
			FIXTURE_DATA(th) *self, int family, int fdm, int fda,
			uint16_t tid, const char *want_from)
{
	struct tbufs *b = self->b;
	struct sockaddr_storage from;
	char addr[INET6_ADDRSTRLEN] = "";
	size_t plen;
	ssize_t n;

	plen = req_pdu(b, tid, "mmt1", "ar1");
	ASSERT_EQ((ssize_t)plen, mh_udp_send(fdm, family, AR, MH_PORT,
					     b->plain, plen));
	n = mh_udp_recv(fda, b->got, PDU_MAX, 3000, &from);
	ASSERT_EQ((ssize_t)plen, n);
	ASSERT_EQ(0, memcmp(b->got, b->plain, plen));
	ASSERT_EQ(family, from.ss_family);
	inet_ntop(family, family == AF_INET ?
		  (void *)&((struct sockaddr_in *)&from)->sin_addr :
		  (void *)&((struct sockaddr_in6 *)&from)->sin6_addr,
		  addr, sizeof(addr));
	ASSERT_STREQ(want_from, addr);
	plen = req_pdu(b, tid + 1000, "ar1", "mmt1");
	ASSERT_EQ((ssize_t)plen, sendto(fda, b->plain, plen, 0,
					(struct sockaddr *)&from,
					family == AF_INET ?
					sizeof(struct sockaddr_in) :
					sizeof(struct sockaddr_in6)))
		TH_LOG("AR -> %s: %s", addr, strerror(errno));
	n = mh_udp_recv(fdm, b->got, PDU_MAX, 3000, NULL);
	ASSERT_EQ((ssize_t)plen, n) TH_LOG("AR -> MMT at %s", addr);
	ASSERT_EQ(0, memcmp(b->got, b->plain, plen));
}

/* both SAs: n PDUs each way so far, one SA each */
static void ac_check(struct __test_metadata *_metadata,
		     FIXTURE_DATA(th) *self, uint64_t n)
{
	struct mihsec_sa_info info;
	struct mihsec_policy_info pi;

	for (int s = 0; s < 2; s++) {
		ASSERT_EQ(0, mihsec_nl_policy_get(self->nl[s], &pi));
		EXPECT_EQ(1U, pi.sa_count);
		/* side s receives under the other side's key ID */
		ASSERT_EQ(0, mihsec_nl_sa_get(self->nl[s], self->p.keyid[!s],
					      &info));
		EXPECT_EQ(n, info.stats[MIHSEC_SA_STAT_RX_PACKETS])
			TH_LOG("%s", s ? "AR" : "MMT");
		EXPECT_EQ(n, info.rx_seq);
		EXPECT_EQ(n, info.tx_seq);
	}
}

/* SAs are bound to MIHF IDs: the MMT moves to another address (IPv4,
 * then IPv6), the AR keeps its SA, both directions go on */
TEST_F(th, address_change)
{
	struct mh_pair *p = &self->p;
	int fdm4, fda4, fdm6, fda6;

	ASSERT_EQ(0, mh_sa_add(p, MMT, NULL));
	ASSERT_EQ(0, mh_sa_add(p, AR, NULL));
	fdm4 = mh_udp_socket(p, MMT, AF_INET, MH_PORT);
	fda4 = mh_udp_socket(p, AR, AF_INET, MH_PORT);
	fdm6 = mh_udp_socket(p, MMT, AF_INET6, MH_PORT);
	fda6 = mh_udp_socket(p, AR, AF_INET6, MH_PORT);
	ASSERT_LE(0, fdm4);
	ASSERT_LE(0, fda4);
	ASSERT_LE(0, fdm6);
	ASSERT_LE(0, fda6);

	ac_exchange(_metadata, self, AF_INET, fdm4, fda4, 1, "10.77.0.1");
	ac_check(_metadata, self, 1);
	ASSERT_EQ(0, mh_ns_sh(p->nsfd[MMT], NULL, 0,
			      "ip addr del 10.77.0.1/24 dev " MH_IFNAME " && "
			      "ip addr add 10.77.0.11/24 dev " MH_IFNAME));
	ac_exchange(_metadata, self, AF_INET, fdm4, fda4, 2, "10.77.0.11");
	ac_check(_metadata, self, 2);

	ac_exchange(_metadata, self, AF_INET6, fdm6, fda6, 3, "fd00:77::1");
	ac_check(_metadata, self, 3);
	ASSERT_EQ(0, mh_ns_sh(p->nsfd[MMT], NULL, 0,
			      "ip addr del fd00:77::1/64 dev " MH_IFNAME " && "
			      "ip addr add fd00:77::11/64 dev " MH_IFNAME
			      " nodad"));
	ac_exchange(_metadata, self, AF_INET6, fdm6, fda6, 4, "fd00:77::11");
	ac_check(_metadata, self, 4);
	close(fdm4);
	close(fda4);
	close(fdm6);
	close(fda6);
}

/* ---- rekey with traffic in flight ------------------------------------ */

#define RK_N		2000U
#define RK_GAP_US	400	/* one message every 0.4 ms */

struct rk {
	struct mh_pair *p;
	int fdm, fda;
	atomic_uint sent, received, bad;
	atomic_bool stop;
	uint16_t count[RK_N + 1];
};

/* message i: MIH_Register.request mmt1 -> ar1 whose body says "#i" */
static size_t rk_pdu(uint8_t *out, unsigned int i)
{
	uint8_t v[32];
	uint8_t body[40];
	size_t vl, bl;

	v[0] = 0x00;
	v[1] = 0x00;
	v[2] = 0x5e;
	vl = 3 + (size_t)snprintf((char *)v + 3, sizeof(v) - 3, "#%u", i);
	bl = mh_tlv(body, 100, v, vl);
	return mh_pdu(out, 0, MH_MID_REGISTER_REQ, (uint16_t)i, "mmt1", "ar1",
		      body, bl);
}

/* the number of a message rk_pdu built, 0 if it is not one */
static unsigned int rk_number(const uint8_t *pdu, size_t len)
{
	uint8_t want[128];
	unsigned int i;
	size_t l;
	char num[16];
	size_t k = 0;

	/* the number is the tail of the PDU after "#" */
	for (l = len; l > 0 && pdu[l - 1] != '#'; l--)
		;
	if (!l || len - l >= sizeof(num))
		return 0;
	for (size_t j = l; j < len; j++)
		num[k++] = (char)pdu[j];
	num[k] = 0;
	i = (unsigned int)strtoul(num, NULL, 10);
	if (!i || i > RK_N || rk_pdu(want, i) != len || memcmp(want, pdu, len))
		return 0;
	return i;
}

static void *rk_sender(void *arg)
{
	struct rk *rk = arg;
	struct timespec t;
	uint8_t pdu[128];

	clock_gettime(CLOCK_MONOTONIC, &t);
	for (unsigned int i = 1; i <= RK_N && !rk->stop; i++) {
		size_t l = rk_pdu(pdu, i);

		if (mh_udp_send(rk->fdm, AF_INET, AR, MH_PORT, pdu, l) !=
		    (ssize_t)l)
			rk->bad++;
		rk->sent = i;
		t.tv_nsec += RK_GAP_US * 1000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_nsec -= 1000000000;
			t.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
	}
	return NULL;
}

static void *rk_receiver(void *arg)
{
	struct rk *rk = arg;
	uint8_t got[PDU_MAX];

	while (rk->received < RK_N && !rk->stop) {
		/* 3 s without a message: give up */
		ssize_t n = mh_udp_recv(rk->fda, got, sizeof(got), 3000, NULL);
		unsigned int i;

		if (n <= 0)
			break;
		i = rk_number(got, (size_t)n);
		if (!i) {
			rk->bad++;
			continue;
		}
		rk->count[i]++;
		rk->received++;
	}
	return NULL;
}

struct rk_ev {
	const uint8_t *keyid;
	int expired;
};

static int rk_event(const struct mihsec_event_info *ev, void *arg)
{
	struct rk_ev *e = arg;

	if (ev->type == MIHSEC_EV_SA_EXPIRED && ev->has_keyid &&
	    !memcmp(ev->keyid, e->keyid, MIHSEC_KEYID_LEN))
		e->expired++;
	return 0;
}

/* wait up to timeout_ms for sa-expired naming rx key ID keyid */
static int rk_wait_expired(struct mihsec_nl *ev, const uint8_t *keyid,
			   int timeout_ms)
{
	struct rk_ev e = { .keyid = keyid };
	long long end = now_ms() + timeout_ms;

	while (!e.expired) {
		long long left = end - now_ms();
		int r;

		if (left <= 0)
			break;
		r = mihsec_nl_wait(ev, (int)left, NULL);
		if (r < 0 && r != -EINTR)
			return -1;
		if (r == 1 && mihsec_nl_recv_events(ev, rk_event, &e) < 0)
			return -1;
	}
	return e.expired;
}

TEST_F_TIMEOUT(th, rekey_in_flight, 300)
{
	struct mh_pair *p = &self->p, old;
	struct mihsec_nl *ev[2];
	struct mihsec_sa_info info;
	struct mihsec_policy_info pi;
	pthread_t ts, tr;
	stats_t a0, a1;
	unsigned int at_ar, at_mmt, done_mmt, k, i, nf = 0, nold = 0, nnew = 0;
	int cm, sz = 64 << 20, r_keys, r_ar = -1, r_mmt = -1;
	struct rk *rk;
	long long t0;
	const char *g = getenv("MIHSEC_REKEY_GRACE");
	int grace = g && atoi(g) > 0 ? atoi(g) : 2;
	char gopt[32];

	rk = calloc(1, sizeof(*rk));
	ASSERT_NE(NULL, rk);
	rk->p = p;
	/* the first pair retires GRACE s after a newer one is installed
	 * (MIHSEC_REKEY_GRACE, default 2: a debug kernel needs more, as the
	 * old SA must outlive the whole flow)
	 */
	snprintf(gopt, sizeof(gopt), "grace %d", grace);
	ASSERT_EQ(0, mh_sa_add(p, MMT, gopt));
	ASSERT_EQ(0, mh_sa_add(p, AR, gopt));
	for (int s = 0; s < 2; s++) {
		ev[s] = nl_in(p, s);
		ASSERT_NE(NULL, ev[s]);
		ASSERT_EQ(0, mihsec_nl_subscribe_events(ev[s]));
	}
	rk->fdm = mh_udp_socket(p, MMT, AF_INET, MH_PORT);
	rk->fda = mh_udp_socket(p, AR, AF_INET, MH_PORT);
	ASSERT_LE(0, rk->fdm);
	ASSERT_LE(0, rk->fda);
	setsockopt(rk->fda, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	/* the MMT's sent frames, in the order it sent them */
	cm = mh_capture_open(p, MMT);
	ASSERT_LE(0, cm);
	ASSERT_EQ(0, setsockopt(cm, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
				sizeof(sz)));
	ASSERT_EQ(0, mihsec_nl_stats_get(self->nl[AR], a0));

	t0 = now_ms();
	ASSERT_EQ(0, pthread_create(&tr, NULL, rk_receiver, rk));
	ASSERT_EQ(0, pthread_create(&ts, NULL, rk_sender, rk));
	while (rk->received < RK_N / 4 && now_ms() - t0 < 20000)
		usleep(2000);
	/* the receiver first, then the sender switches (netlink: mihsecctl's
	 * fork and exec take most of a second under TCG) */
	old = *p;
	r_keys = mh_pair_new_keys(p);
	at_ar = rk->sent;
	if (!r_keys)
		r_ar = sa_add_cfg(self->nl[AR], p, AR, "ar1", "mmt1", false);
	at_mmt = rk->sent;
	if (!r_ar)
		r_mmt = sa_add_cfg(self->nl[MMT], p, MMT, "mmt1", "ar1", false);
	done_mmt = rk->sent;
	pthread_join(ts, NULL);
	pthread_join(tr, NULL);
	ASSERT_EQ(0, r_keys);
	ASSERT_EQ(0, r_ar);
	ASSERT_EQ(0, r_mmt);
	TH_LOG("%u messages in %lld ms; rekey: AR at #%u, MMT at #%u-#%u",
	       (unsigned int)rk->sent, now_ms() - t0, at_ar, at_mmt, done_mmt);
	ASSERT_EQ(RK_N, rk->sent);
	ASSERT_LT(done_mmt, RK_N - 100) TH_LOG("the rekey came too late");
	ASSERT_LT(RK_N / 8, at_ar);
	EXPECT_EQ(0U, rk->bad);
	EXPECT_EQ(RK_N, rk->received);
	for (i = 1; i <= RK_N; i++)
		EXPECT_EQ(1, rk->count[i]) TH_LOG("message #%u", i);
	ASSERT_EQ(0, mihsec_nl_stats_get(self->nl[AR], a1));
	diff("AR", a0, a1);
	EXPECT_EQ((uint64_t)RK_N,
		  a1[MIHSEC_STAT_RX_VERIFIED] - a0[MIHSEC_STAT_RX_VERIFIED]);
	EXPECT_EQ(drops(a0), drops(a1));

	/* on the wire: #1..#k under the old key ID with sequence 1..k, then
	 * #k+1..#N under the new one with sequence 1..N-k */
	ASSERT_EQ(0, mihsec_nl_sa_get(self->nl[AR], old.keyid[MMT], &info));
	k = (unsigned int)info.stats[MIHSEC_SA_STAT_RX_PACKETS];
	EXPECT_EQ(k, info.rx_seq);
	/* sent before the MMT's new SA: old; sent after it: new */
	EXPECT_LE(at_mmt, k);
	EXPECT_LE(k, done_mmt + 1);
	for (;;) {
		struct tbufs *b = self->b;
		struct mh_prot pp;
		bool is_old;
		size_t l;
		unsigned int num;

		if (mh_capture_next(cm, &b->f, 200, true) != 1)
			break;
		nf++;
		ASSERT_EQ(0, mh_parse_prot(b->f.b + b->f.pl, b->f.plen, &pp));
		is_old = !memcmp(b->f.b + b->f.pl + pp.keyid, old.keyid[MMT], 8);
		ASSERT_TRUE(is_old || !memcmp(b->f.b + b->f.pl + pp.keyid,
					      p->keyid[MMT], 8));
		ASSERT_EQ(0, mh_unseal(b->f.b + b->f.pl, b->f.plen,
				       is_old ? old.key[MMT] : p->key[MMT],
				       is_old ? old.salt[MMT] : p->salt[MMT],
				       b->got, &l));
		num = rk_number(b->got, l);
		if (is_old) {
			nold++;
			ASSERT_EQ(0U, nnew) TH_LOG("old key after the new one");
			ASSERT_EQ(nold, num);
			ASSERT_EQ(nold, pp.seq_v);
		} else {
			nnew++;
			ASSERT_EQ(k + nnew, num);
			ASSERT_EQ(nnew, pp.seq_v);
		}
	}
	EXPECT_EQ(RK_N, nf);
	EXPECT_EQ(k, nold);
	EXPECT_EQ(RK_N - k, nnew);
	ASSERT_EQ(0, mihsec_nl_sa_get(self->nl[AR], p->keyid[MMT], &info));
	EXPECT_EQ(RK_N - k, info.stats[MIHSEC_SA_STAT_RX_PACKETS]);
	EXPECT_EQ(RK_N - k, info.rx_seq);

	/* the old SAs go after their grace, with an event each side */
	EXPECT_EQ(1, rk_wait_expired(ev[AR], old.keyid[MMT],
				     grace * 1000 + 6000));
	EXPECT_EQ(1, rk_wait_expired(ev[MMT], old.keyid[AR],
				     grace * 1000 + 6000));
	for (int s = 0; s < 2; s++) {
		EXPECT_EQ(-ENOENT, mihsec_nl_sa_get(self->nl[s], old.keyid[!s],
						    &info));
		ASSERT_EQ(0, mihsec_nl_policy_get(self->nl[s], &pi));
		EXPECT_EQ(1U, pi.sa_count);
		mihsec_nl_close(ev[s]);
	}
	/* and the new pair carries on */
	{
		size_t l = rk_pdu(self->b->plain, 1);

		deliver(_metadata, self->b, AF_INET, rk->fdm, rk->fda, AR, l);
	}
	close(cm);
	close(rk->fdm);
	close(rk->fda);
	free(rk);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * mihsec datapath: two namespaces A (MMT) and B (network side) joined by a
 * veth pair, mirrored SAs installed with mihsecctl; MIH requests A -> B and
 * responses B -> A must arrive as the exact plain PDU, travel protected
 * (checked on the wire against an independent AES-128-GCM model of
 * PROTOCOL.md section 3) and be counted exactly.
 */
#include "mihsec_lib.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "kselftest_harness.h"

#define PDU_MAX 8192

struct bufs {
	uint8_t body[PDU_MAX], req[PDU_MAX], rsp[PDU_MAX], got[PDU_MAX];
	uint8_t plain[PDU_MAX];
	struct mh_frame f;
};

FIXTURE(dp) {
	struct mh_pair p;
	struct bufs *b;
};

FIXTURE_SETUP(dp)
{
	self->b = calloc(1, sizeof(*self->b));
	ASSERT_NE(NULL, self->b);
	ASSERT_EQ(0, mh_pair_setup(&self->p, "dp"));
}

FIXTURE_TEARDOWN(dp)
{
	mh_pair_teardown(&self->p);
	free(self->b);
}

static const char *fam_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

static uint16_t sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* builds request A -> B (*rl) and response B -> A (*sl) with bodies of one
 * vendor TLV of vlen value octets (vlen 0: no body) */
static void build_pair(struct mh_pair *p, struct bufs *b, size_t vlen,
		       uint16_t tid, size_t *rl, size_t *sl)
{
	size_t bl = vlen ? mh_body(b->body, vlen, tid) : 0;

	*rl = mh_pdu(b->req, MH_HDR_ACKREQ, MH_MID_LINK_GET_REQ, tid,
		     p->id[0], p->id[1], b->body, bl);
	bl = vlen ? mh_body(b->body, vlen, tid + 1000) : 0;
	*sl = mh_pdu(b->rsp, 0, MH_MID_LINK_GET_RSP, tid, p->id[1], p->id[0],
		     b->body, bl);
}

/* request from fda to B's port bport, response back to where it came
 * from; both must arrive as the exact plain PDUs */
static void exchange(struct __test_metadata *_metadata, struct mh_pair *p,
		     struct bufs *b, int family, int fda, int fdb,
		     uint16_t bport, size_t vlen, uint16_t tid)
{
	struct sockaddr_storage from;
	size_t rl, sl;
	ssize_t n;
	uint16_t aport;

	build_pair(p, b, vlen, tid, &rl, &sl);
	ASSERT_EQ((ssize_t)rl, mh_udp_send(fda, family, 1, bport, b->req, rl))
		TH_LOG("send A->B: %s", strerror(errno));
	n = mh_udp_recv(fdb, b->got, sizeof(b->got), 3000, &from);
	ASSERT_EQ((ssize_t)rl, n)
		TH_LOG("%s request of %zu octets (body %zu): B got %zd",
		       fam_name(family), rl, vlen, n);
	ASSERT_EQ(0, memcmp(b->req, b->got, rl))
		mh_dump("B received", b->got, rl);
	ASSERT_EQ(family, from.ss_family);
	aport = family == AF_INET ?
		ntohs(((struct sockaddr_in *)&from)->sin_port) :
		ntohs(((struct sockaddr_in6 *)&from)->sin6_port);
	ASSERT_EQ(sock_port(fda), aport);

	ASSERT_EQ((ssize_t)sl, mh_udp_send(fdb, family, 0, aport, b->rsp, sl))
		TH_LOG("send B->A: %s", strerror(errno));
	n = mh_udp_recv(fda, b->got, sizeof(b->got), 3000, NULL);
	ASSERT_EQ((ssize_t)sl, n)
		TH_LOG("%s response of %zu octets: A got %zd",
		       fam_name(family), sl, n);
	ASSERT_EQ(0, memcmp(b->rsp, b->got, sl))
		mh_dump("A received", b->got, sl);
}

static void install_sas(struct __test_metadata *_metadata, struct mh_pair *p,
			const char *extra)
{
	ASSERT_EQ(0, mh_sa_add(p, 0, extra));
	ASSERT_EQ(0, mh_sa_add(p, 1, extra));
	ASSERT_EQ(1, mh_sa_count(p, 0));
	ASSERT_EQ(1, mh_sa_count(p, 1));
}

static void sizes_exchange(struct __test_metadata *_metadata,
			   struct mh_pair *p, struct bufs *b, int family)
{
	/* no body; one-octet lengths; 0x80 (=128) length octet; two-octet
	 * Security TLV length; three-octet; near the MTU */
	static const size_t vlens[] = { 0, 40, 107, 126, 200, 400, 1300 };
	struct mh_stats s[2];
	int fda, fdb;
	size_t i;

	install_sas(_metadata, p, NULL);
	fda = mh_udp_socket(p, 0, family, MH_PORT);
	fdb = mh_udp_socket(p, 1, family, MH_PORT);
	ASSERT_LE(0, fda);
	ASSERT_LE(0, fdb);
	for (i = 0; i < sizeof(vlens) / sizeof(vlens[0]); i++)
		exchange(_metadata, p, b, family, fda, fdb, MH_PORT, vlens[i],
			 (uint16_t)(100 + i));
	ASSERT_EQ(0, mh_stats_get(p, 0, &s[0]));
	ASSERT_EQ(0, mh_stats_get(p, 1, &s[1]));
	for (int side = 0; side < 2; side++) {
		EXPECT_EQ(i, s[side].v[MIHSEC_STAT_TX_PROTECTED]);
		EXPECT_EQ(i, s[side].v[MIHSEC_STAT_RX_VERIFIED]);
		EXPECT_EQ((uint64_t)(0), s[side].v[MIHSEC_STAT_TX_CLEAR]);
		EXPECT_EQ((uint64_t)(0), s[side].v[MIHSEC_STAT_RX_CLEAR]);
		EXPECT_EQ((uint64_t)(0), mh_stats_drops(&s[side]));
	}
	close(fda);
	close(fdb);
}

/* (a) request A -> B, response B -> A over IPv4, several body sizes */
TEST_F_TIMEOUT(dp, ipv4_exchange, 180)
{
	sizes_exchange(_metadata, &self->p, self->b, AF_INET);
}

/* (b) the same over IPv6 */
TEST_F(dp, ipv6_exchange)
{
	sizes_exchange(_metadata, &self->p, self->b, AF_INET6);
}

/* client on an ephemeral port: the request is hooked by its destination
 * port, the response by its source port */
TEST_F(dp, ephemeral_client_port)
{
	struct mh_stats s[2];
	int fam, fda, fdb;

	install_sas(_metadata, &self->p, NULL);
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;

		fda = mh_udp_socket(&self->p, 0, family, 0);
		fdb = mh_udp_socket(&self->p, 1, family, MH_PORT);
		ASSERT_LE(0, fda);
		ASSERT_LE(0, fdb);
		ASSERT_NE(MH_PORT, sock_port(fda));
		exchange(_metadata, &self->p, self->b, family, fda, fdb,
			 MH_PORT, 60, 7);
		close(fda);
		close(fdb);
	}
	ASSERT_EQ(0, mh_stats_get(&self->p, 0, &s[0]));
	ASSERT_EQ(0, mh_stats_get(&self->p, 1, &s[1]));
	EXPECT_EQ((uint64_t)(2), s[0].v[MIHSEC_STAT_TX_PROTECTED]);
	EXPECT_EQ((uint64_t)(2), s[1].v[MIHSEC_STAT_RX_VERIFIED]);
	EXPECT_EQ((uint64_t)(2), s[1].v[MIHSEC_STAT_TX_PROTECTED]);
	EXPECT_EQ((uint64_t)(2), s[0].v[MIHSEC_STAT_RX_VERIFIED]);
}

/* checks one captured frame: valid IP/UDP, the exact 4-TLV layout, the
 * header and IDs of plain, flags/suite/key ID/sequence as expected, no
 * plaintext (when E), and that the model opens it back to plain */
static void check_wire(struct __test_metadata *_metadata, struct mh_pair *p,
		       struct bufs *b, const struct mh_frame *f, int sender,
		       const uint8_t *plain, size_t plen, uint64_t seq,
		       bool encrypted)
{
	const uint8_t *w = f->b + f->pl;
	uint8_t flags = (encrypted ? MIHSEC_WIRE_F_ENCRYPTED : 0) |
			(sender ? MIHSEC_WIRE_F_NET2MMT : 0);
	struct mh_prot pp;
	size_t bodylen, out = 0;
	char why[128];

	ASSERT_EQ(0, mh_frame_check(f, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_EQ(0, mh_parse_prot(w, f->plen, &pp))
		mh_dump("wire PDU", w, f->plen);
	/* header: all but the payload length unchanged */
	ASSERT_EQ(0, memcmp(w, plain, 6));
	ASSERT_EQ(f->plen - 8, (size_t)(w[6] << 8 | w[7]));
	/* the ID TLVs are the plain PDU's, in clear, then TLV 200 */
	ASSERT_EQ((size_t)8, pp.src_t);
	ASSERT_EQ(0, memcmp(w + 8, plain + 8, pp.sec_t - 8));
	bodylen = plen - pp.sec_t;
	ASSERT_EQ(bodylen, pp.body_len);
	ASSERT_EQ(flags, pp.flags_v);
	ASSERT_EQ(MIHSEC_SUITE_AES128_GCM, pp.suite_v);
	ASSERT_EQ(0, memcmp(w + pp.keyid, p->keyid[sender], MIHSEC_KEYID_LEN));
	ASSERT_EQ(seq, pp.seq_v);
	ASSERT_EQ(f->plen, pp.int_v + MIHSEC_ICV_LEN);	/* TLV 201 last */
	if (encrypted) {
		ASSERT_EQ(NULL, memmem(f->b, f->len, MH_MARKER,
				       strlen(MH_MARKER)));
		if (bodylen >= 8) {
			ASSERT_EQ(NULL, memmem(f->b, f->len, plain + pp.sec_t,
					       bodylen));
		}
	} else {
		ASSERT_EQ(0, memcmp(w + pp.body, plain + pp.sec_t, bodylen));
	}
	/* suites 1-3, body <= 110 octets: 38 octets of overhead */
	if (bodylen <= 110) {
		ASSERT_EQ(plen + 38, f->plen);
	}
	ASSERT_EQ(0, mh_unseal(w, f->plen, p->key[sender], p->salt[sender],
			       b->plain, &out))
		TH_LOG("the ICV does not verify under the model (AAD/nonce/tag)");
	ASSERT_EQ(plen, out);
	ASSERT_EQ(0, memcmp(plain, b->plain, plen));
}

static void wire_test(struct __test_metadata *_metadata, struct mh_pair *p,
		      struct bufs *b, bool encrypt)
{
	int fam, fda, fdb, ca, cb;
	uint64_t seq = 0;
	size_t rl, sl;

	ASSERT_EQ(0, mh_pair_txcsum_off(p));
	install_sas(_metadata, p, encrypt ? NULL : "encrypt off");
	ca = mh_capture_open(p, 0);
	cb = mh_capture_open(p, 1);
	ASSERT_LE(0, ca);
	ASSERT_LE(0, cb);
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;
		static const size_t vlens[] = { 60, 300 };

		fda = mh_udp_socket(p, 0, family, MH_PORT);
		fdb = mh_udp_socket(p, 1, family, MH_PORT);
		ASSERT_LE(0, fda);
		ASSERT_LE(0, fdb);
		for (int i = 0; i < 2; i++) {
			seq++;
			exchange(_metadata, p, b, family, fda, fdb, MH_PORT,
				 vlens[i], (uint16_t)(fam * 10 + i));
			build_pair(p, b, vlens[i], (uint16_t)(fam * 10 + i),
				   &rl, &sl);
			ASSERT_EQ(1, mh_capture_next(cb, &b->f, 2000, false))
				TH_LOG("no MIH frame A->B captured in B");
			check_wire(_metadata, p, b, &b->f, 0, b->req, rl, seq,
				   encrypt);
			ASSERT_EQ(1, mh_capture_next(ca, &b->f, 2000, false))
				TH_LOG("no MIH frame B->A captured in A");
			check_wire(_metadata, p, b, &b->f, 1, b->rsp, sl, seq,
				   encrypt);
		}
		close(fda);
		close(fdb);
	}
	/* nothing else went over the wire on port 4551 */
	ASSERT_EQ(0, mh_capture_next(cb, &b->f, 200, false));
	ASSERT_EQ(0, mh_capture_next(ca, &b->f, 10, false));
	close(ca);
	close(cb);
}

/* (c) the veth only ever carries protected PDUs, and they are exactly
 * what PROTOCOL.md section 3 says (AES-128-GCM, E=1) */
TEST_F(dp, wire_format_encrypted)
{
	wire_test(_metadata, &self->p, self->b, true);
}

/* SAs with "encrypt off": E=0, body in clear, GMAC over AAD || Body */
TEST_F(dp, wire_format_integrity_only)
{
	wire_test(_metadata, &self->p, self->b, false);
}

/* (i) exact counters after a scripted exchange, with non-MIH UDP
 * traffic mixed in that must not be touched or counted */
TEST_F_TIMEOUT(dp, counters_exact, 180)
{
	const int n = 6;
	uint64_t octets[2] = { 0, 0 };	/* plain A->B, B->A */
	struct mh_stats s[2];
	size_t rl, sl;
	int fam, i, side, fda, fdb, oa, ob;
	ssize_t r;

	for (side = 0; side < 2; side++) {
		ASSERT_EQ(0, mh_stats_get(&self->p, side, &s[side]));
		for (i = 1; i <= MIHSEC_STAT_MAX; i++) {
			EXPECT_EQ((uint64_t)(0), s[side].v[i])
				TH_LOG("fresh namespace: %s = %llu",
				       mh_stat_name(i),
				       (unsigned long long)s[side].v[i]);
		}
	}
	install_sas(_metadata, &self->p, NULL);
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;

		fda = mh_udp_socket(&self->p, 0, family, MH_PORT);
		fdb = mh_udp_socket(&self->p, 1, family, MH_PORT);
		oa = mh_udp_socket(&self->p, 0, family, 0);
		ob = mh_udp_socket(&self->p, 1, family, 4552);
		ASSERT_LE(0, fda);
		ASSERT_LE(0, fdb);
		ASSERT_LE(0, oa);
		ASSERT_LE(0, ob);
		for (i = 0; i < n; i++) {
			exchange(_metadata, &self->p, self->b, family, fda,
				 fdb, MH_PORT, 30 + 20 * i, (uint16_t)i);
			build_pair(&self->p, self->b, 30 + 20 * i, (uint16_t)i,
				   &rl, &sl);
			octets[0] += rl;
			octets[1] += sl;
			/* an MIH-looking datagram on another port */
			ASSERT_EQ((ssize_t)60, mh_udp_send(oa, family, 1, 4552,
							   self->b->req, 60));
			r = mh_udp_recv(ob, self->b->got, PDU_MAX, 3000, NULL);
			ASSERT_EQ(60, r);
			ASSERT_EQ(0, memcmp(self->b->got, self->b->req, 60));
		}
		close(fda);
		close(fdb);
		close(oa);
		close(ob);
	}
	/* per SA: packets, plain octets (requests from A, responses from
	 * B) and the sequence numbers */
	for (side = 0; side < 2; side++) {
		static const char *const f[] = { "tx_packets", "rx_packets",
			"tx_seq", "rx_seq", "tx_octets", "rx_octets" };
		uint64_t v;

		for (i = 0; i < 6; i++) {
			uint64_t want = i < 4 ? 2 * n :
					(i == 4) == (side == 0) ? octets[0] :
								  octets[1];

			ASSERT_EQ(0, mh_sa_field(&self->p, side, f[i], &v));
			EXPECT_EQ(want, v)
				TH_LOG("%s's SA: %s", side ? "B" : "A", f[i]);
		}
	}
	for (side = 0; side < 2; side++) {
		ASSERT_EQ(0, mh_stats_get(&self->p, side, &s[side]));
		EXPECT_EQ((uint64_t)(2 * n), s[side].v[MIHSEC_STAT_TX_PROTECTED]);
		EXPECT_EQ((uint64_t)(2 * n), s[side].v[MIHSEC_STAT_RX_VERIFIED]);
		EXPECT_EQ((uint64_t)(0), s[side].v[MIHSEC_STAT_TX_CLEAR]);
		EXPECT_EQ((uint64_t)(0), s[side].v[MIHSEC_STAT_RX_CLEAR]);
		EXPECT_EQ((uint64_t)(0), mh_stats_drops(&s[side]));
	}
}

/* a PDU larger than the MTU: sealed before fragmentation, verified after
 * reassembly, over IPv4 and IPv6 */
TEST_F(dp, fragmented)
{
	struct mh_stats s;
	int fam, fda, fdb;

	install_sas(_metadata, &self->p, NULL);
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;

		fda = mh_udp_socket(&self->p, 0, family, MH_PORT);
		fdb = mh_udp_socket(&self->p, 1, family, MH_PORT);
		ASSERT_LE(0, fda);
		ASSERT_LE(0, fdb);
		exchange(_metadata, &self->p, self->b, family, fda, fdb,
			 MH_PORT, 3000, (uint16_t)(50 + fam));
		close(fda);
		close(fdb);
	}
	ASSERT_EQ(0, mh_stats_get(&self->p, 1, &s));
	EXPECT_EQ((uint64_t)(2), s.v[MIHSEC_STAT_RX_VERIFIED]);
	EXPECT_EQ((uint64_t)(2), s.v[MIHSEC_STAT_TX_PROTECTED]);
}

/* MIHF IDs of 200 and 253 octets: multi-octet TLV and OCTET_STRING
 * lengths in the clear part of the AAD */
TEST_F(dp, long_mihf_ids)
{
	struct mh_pair *p = &self->p;
	int fam, fda, fdb, ca;
	size_t rl, sl;

	memset(p->id[0], 'm', 200);
	memcpy(p->id[0], "mmt-", 4);
	p->id[0][200] = 0;
	memset(p->id[1], 'n', 63);
	p->id[1][63] = 0;
	ASSERT_EQ(0, mh_pair_txcsum_off(p));
	install_sas(_metadata, p, NULL);
	ca = mh_capture_open(p, 0);
	ASSERT_LE(0, ca);
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;

		fda = mh_udp_socket(p, 0, family, MH_PORT);
		fdb = mh_udp_socket(p, 1, family, MH_PORT);
		ASSERT_LE(0, fda);
		ASSERT_LE(0, fdb);
		exchange(_metadata, p, self->b, family, fda, fdb, MH_PORT,
			 100, (uint16_t)(60 + fam));
		build_pair(p, self->b, 100, (uint16_t)(60 + fam), &rl, &sl);
		ASSERT_EQ(1, mh_capture_next(ca, &self->b->f, 2000, false));
		check_wire(_metadata, p, self->b, &self->b->f, 1, self->b->rsp,
			   sl, (uint64_t)fam + 1, true);
		close(fda);
		close(fdb);
	}
	close(ca);
}

/* an application datagram that already carries TLV 200/201 leaves A
 * unchanged; here it is a PDU sealed by the test with A's keys, which B
 * then verifies */
TEST_F(dp, presealed_passthrough)
{
	struct bufs *b = self->b;
	struct mh_stats s0, s1;
	int fda, fdb, cb;
	size_t rl, sl, pl;
	ssize_t n;

	install_sas(_metadata, &self->p, NULL);
	fda = mh_udp_socket(&self->p, 0, AF_INET, MH_PORT);
	fdb = mh_udp_socket(&self->p, 1, AF_INET, MH_PORT);
	cb = mh_capture_open(&self->p, 1);
	ASSERT_LE(0, fda);
	ASSERT_LE(0, fdb);
	ASSERT_LE(0, cb);
	build_pair(&self->p, b, 70, 77, &rl, &sl);
	pl = mh_seal_as(&self->p, 0, b->plain, b->req, rl, 1000, true);
	ASSERT_LT((size_t)0, pl);
	ASSERT_EQ(0, mh_stats_get(&self->p, 0, &s0));
	ASSERT_EQ((ssize_t)pl, mh_udp_send(fda, AF_INET, 1, MH_PORT,
					   b->plain, pl));
	ASSERT_EQ(1, mh_capture_next(cb, &b->f, 2000, false));
	ASSERT_EQ(pl, b->f.plen);
	ASSERT_EQ(0, memcmp(b->f.b + b->f.pl, b->plain, pl))
		TH_LOG("an already protected PDU was modified on send");
	n = mh_udp_recv(fdb, b->got, PDU_MAX, 3000, NULL);
	ASSERT_EQ((ssize_t)rl, n);
	ASSERT_EQ(0, memcmp(b->got, b->req, rl));
	ASSERT_EQ(0, mh_stats_get(&self->p, 0, &s1));
	EXPECT_EQ(s0.v[MIHSEC_STAT_TX_PROTECTED],
		  s1.v[MIHSEC_STAT_TX_PROTECTED]);
	EXPECT_EQ((uint64_t)(0), mh_stats_drops(&s1));
	close(fda);
	close(fdb);
	close(cb);
}

/* re-keying: the newest SA of a peer sends at once, the older one keeps
 * receiving */
TEST_F(dp, newest_sa_sends_old_still_receives)
{
	struct mh_pair *p = &self->p, old;
	struct bufs *b = self->b;
	struct mh_stats s0, s1;
	int fda, fdb, cb;
	size_t rl, sl, pl;
	ssize_t n;

	ASSERT_EQ(0, mh_pair_txcsum_off(p));
	install_sas(_metadata, p, NULL);
	fda = mh_udp_socket(p, 0, AF_INET, MH_PORT);
	fdb = mh_udp_socket(p, 1, AF_INET, MH_PORT);
	cb = mh_capture_open(p, 1);
	ASSERT_LE(0, fda);
	ASSERT_LE(0, fdb);
	ASSERT_LE(0, cb);
	exchange(_metadata, p, b, AF_INET, fda, fdb, MH_PORT, 50, 1);
	ASSERT_EQ(1, mh_capture_next(cb, &b->f, 2000, false));
	old = *p;
	ASSERT_EQ(0, mh_pair_new_keys(p));
	ASSERT_EQ(0, mh_sa_add(p, 1, NULL));
	ASSERT_EQ(0, mh_sa_add(p, 0, NULL));
	ASSERT_EQ(2, mh_sa_count(p, 0));
	ASSERT_EQ(2, mh_sa_count(p, 1));
	exchange(_metadata, p, b, AF_INET, fda, fdb, MH_PORT, 50, 2);
	build_pair(p, b, 50, 2, &rl, &sl);
	ASSERT_EQ(1, mh_capture_next(cb, &b->f, 2000, false));
	check_wire(_metadata, p, b, &b->f, 0, b->req, rl, 1, true);
	/* a PDU under the old key (next sequence number) is still accepted */
	ASSERT_EQ(0, mh_stats_get(p, 1, &s0));
	pl = mh_seal_as(&old, 0, b->plain, b->req, rl, 2, true);
	ASSERT_EQ(0, mh_frame_build(&b->f, AF_INET, 0, 1, MH_PORT, MH_PORT,
				    b->plain, pl));
	ASSERT_EQ(0, mh_inject(p, 0, b->f.b, b->f.len));
	n = mh_udp_recv(fdb, b->got, PDU_MAX, 3000, NULL);
	ASSERT_EQ((ssize_t)rl, n);
	ASSERT_EQ(0, memcmp(b->got, b->req, rl));
	ASSERT_EQ(0, mh_stats_get(p, 1, &s1));
	EXPECT_EQ(s0.v[MIHSEC_STAT_RX_VERIFIED] + 1,
		  s1.v[MIHSEC_STAT_RX_VERIFIED]);
	close(fda);
	close(fdb);
	close(cb);
}

/* a datagram built from several sends (MSG_MORE) and iovecs: with the
 * veth's default offloads (scatter-gather, CHECKSUM_PARTIAL) the skb the
 * hook sees is non-linear */
TEST_F(dp, corked_nonlinear)
{
	struct bufs *b = self->b;
	int fam, fda, fdb, cb;
	size_t rl, sl;
	ssize_t n;

	install_sas(_metadata, &self->p, NULL);
	cb = mh_capture_open(&self->p, 1);
	ASSERT_LE(0, cb);
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;
		struct sockaddr_storage ss;
		socklen_t slen = mh_addr(family, 1, MH_PORT, &ss);
		struct iovec iov[3];
		struct msghdr mh = { .msg_name = &ss, .msg_namelen = slen,
				     .msg_iov = iov, .msg_iovlen = 3 };

		fda = mh_udp_socket(&self->p, 0, family, MH_PORT);
		fdb = mh_udp_socket(&self->p, 1, family, MH_PORT);
		ASSERT_LE(0, fda);
		ASSERT_LE(0, fdb);
		build_pair(&self->p, b, 1200, (uint16_t)(70 + fam), &rl, &sl);
		/* 5 + 700 octets corked, the rest in three iovecs */
		ASSERT_EQ(5, sendto(fda, b->req, 5, MSG_MORE,
				    (struct sockaddr *)&ss, slen));
		ASSERT_EQ(700, sendto(fda, b->req + 5, 700, MSG_MORE,
				      (struct sockaddr *)&ss, slen));
		iov[0].iov_base = b->req + 705;
		iov[0].iov_len = 1;
		iov[1].iov_base = b->req + 706;
		iov[1].iov_len = 300;
		iov[2].iov_base = b->req + 1006;
		iov[2].iov_len = rl - 1006;
		ASSERT_EQ((ssize_t)(rl - 705), sendmsg(fda, &mh, 0));
		n = mh_udp_recv(fdb, b->got, PDU_MAX, 3000, NULL);
		ASSERT_EQ((ssize_t)rl, n);
		ASSERT_EQ(0, memcmp(b->got, b->req, rl));
		ASSERT_EQ(1, mh_capture_next(cb, &b->f, 2000, false));
		ASSERT_EQ(0, memcmp(b->f.b + b->f.pl, b->req, 6));
		ASSERT_EQ(1, mh_has_sec_tlv(b->f.b + b->f.pl, b->f.plen));
		ASSERT_EQ(NULL, memmem(b->f.b, b->f.len, MH_MARKER,
				       strlen(MH_MARKER)));
		close(fda);
		close(fdb);
	}
	close(cb);
}

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif

/* UDP GSO (UDP_SEGMENT): one send of three PDUs of equal length becomes
 * three datagrams.  Whatever the module does with such a batch, a PDU to
 * a peer with an SA must never cross the wire in clear, and the receiver
 * gets only exact plain PDUs */
TEST_F(dp, udp_gso_batch)
{
	struct bufs *b = self->b;
	struct mh_stats s0, s1;
	int fam, fda, fdb, cb, got, frames, leaks;
	size_t rl, sl, one;
	ssize_t n;

	install_sas(_metadata, &self->p, NULL);
	cb = mh_capture_open(&self->p, 1);
	ASSERT_LE(0, cb);
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;
		int gso;

		fda = mh_udp_socket(&self->p, 0, family, MH_PORT);
		fdb = mh_udp_socket(&self->p, 1, family, MH_PORT);
		ASSERT_LE(0, fda);
		ASSERT_LE(0, fdb);
		build_pair(&self->p, b, 300, (uint16_t)(80 + fam), &rl, &sl);
		one = rl;
		for (int i = 1; i < 3; i++)
			memcpy(b->req + i * one, b->req, one);
		gso = (int)one;
		ASSERT_EQ(0, setsockopt(fda, SOL_UDP, UDP_SEGMENT, &gso,
					sizeof(gso)));
		ASSERT_EQ(0, mh_stats_get(&self->p, 0, &s0));
		n = mh_udp_send(fda, family, 1, MH_PORT, b->req, 3 * one);
		TH_LOG("%s: GSO send of 3 x %zu octets: %zd (%s)",
		       fam ? "IPv6" : "IPv4", one, n,
		       n < 0 ? strerror(errno) : "ok");
		got = 0;
		while ((n = mh_udp_recv(fdb, b->got, PDU_MAX, got < 3 ? 1000 : 100,
					NULL)) > 0) {
			ASSERT_EQ((ssize_t)one, n)
				mh_dump("delivered", b->got, (size_t)n);
			ASSERT_EQ(0, memcmp(b->got, b->req, one));
			got++;
		}
		frames = leaks = 0;
		while (mh_capture_next(cb, &b->f, 100, false) == 1) {
			frames++;
			if (memmem(b->f.b, b->f.len, MH_MARKER,
				   strlen(MH_MARKER)))
				leaks++;
		}
		TH_LOG("%s: %d delivered, %d frames on the wire, %d in clear",
		       fam ? "IPv6" : "IPv4", got, frames, leaks);
		ASSERT_EQ(0, mh_stats_get(&self->p, 0, &s1));
		mh_stats_diff("A", &s0, &s1);
		EXPECT_EQ(0, leaks)
			TH_LOG("PDUs to a peer with an SA left in clear");
		EXPECT_TRUE(got == 0 || got == 3);
		close(fda);
		close(fdb);
	}
	close(cb);
}

/* the largest PDUs: one that still fits a datagram once sealed must be
 * delivered; one that cannot fit must not be delivered (in any form) */
TEST_F_TIMEOUT(dp, oversize_pdu, 120)
{
	const size_t max_pl[2] = { 65507, 65527 };	/* IPv4, IPv6 */
	uint8_t *body = malloc(70000), *pdu = malloc(70000),
		*got = malloc(70000);
	struct mh_stats s0, s1;
	int fam, fda, fdb;
	ssize_t n;

	ASSERT_TRUE(body && pdu && got);
	install_sas(_metadata, &self->p, NULL);
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;
		/* sealing adds 40 octets (3-octet Security TLV length) */
		size_t fits = max_pl[fam] - 40, big = max_pl[fam] - 10;

		fda = mh_udp_socket(&self->p, 0, family, MH_PORT);
		fdb = mh_udp_socket(&self->p, 1, family, MH_PORT);
		ASSERT_LE(0, fda);
		ASSERT_LE(0, fdb);
		for (int k = 0; k < 2; k++) {
			size_t want = k ? big : fits, pl, vlen;

			/* header 8, ID TLVs, vendor TLV 1 + 3 length octets */
			vlen = want - 8 - 2 * (2 + 18) - 4;
			pl = mh_pdu(pdu, 0, MH_MID_LINK_GET_REQ, 90,
				    self->p.id[0], self->p.id[1], body,
				    mh_body(body, vlen, 1));
			ASSERT_EQ(want, pl);
			ASSERT_EQ(0, mh_stats_get(&self->p, 0, &s0));
			n = mh_udp_send(fda, family, 1, MH_PORT, pdu, pl);
			TH_LOG("%s, %zu-octet PDU: send %zd (%s)",
			       fam ? "IPv6" : "IPv4", pl, n,
			       n < 0 ? strerror(errno) : "ok");
			n = mh_udp_recv(fdb, got, 70000, k ? 1000 : 5000, NULL);
			ASSERT_EQ(0, mh_stats_get(&self->p, 0, &s1));
			mh_stats_diff("A", &s0, &s1);
			if (!k) {
				ASSERT_EQ((ssize_t)pl, n);
				ASSERT_EQ(0, memcmp(got, pdu, pl));
			} else {
				EXPECT_EQ(0, n)
					TH_LOG("a PDU that cannot be sealed was delivered");
				EXPECT_EQ(s0.v[MIHSEC_STAT_TX_CLEAR],
					  s1.v[MIHSEC_STAT_TX_CLEAR]);
			}
		}
		close(fda);
		close(fdb);
	}
	free(body);
	free(pdu);
	free(got);
}

/* SAs flushed and re-added (fresh keys) over and over in both namespaces
 * while MIH traffic flows both ways: everything delivered is an exact
 * plain PDU; dropped ones are fine */
TEST_F_TIMEOUT(dp, sa_churn_under_traffic, 120)
{
	struct mh_pair *p = &self->p;
	struct bufs *b = self->b;
	unsigned long sent = 0, got[2] = { 0 }, bad = 0;
	int fd[2], i, st;
	size_t len[2];
	pid_t pid;

	install_sas(_metadata, p, NULL);
	fd[0] = mh_udp_socket(p, 0, AF_INET, MH_PORT);
	fd[1] = mh_udp_socket(p, 1, AF_INET, MH_PORT);
	ASSERT_LE(0, fd[0]);
	ASSERT_LE(0, fd[1]);
	build_pair(p, b, 100, 1, &len[0], &len[1]);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int rc = 0;

		for (i = 0; i < 8 && !rc; i++) {
			if (mh_pair_new_keys(p) ||
			    mh_ctl_run(p, 1, NULL, 0, "sa flush") ||
			    mh_sa_add(p, 1, NULL) ||
			    mh_ctl_run(p, 0, NULL, 0, "sa flush") ||
			    mh_sa_add(p, 0, NULL))
				rc = 1;
		}
		_exit(rc);
	}
	while (waitpid(pid, &st, WNOHANG) == 0) {
		for (i = 0; i < 2; i++) {
			uint8_t *pdu = i ? b->rsp : b->req;
			ssize_t n;

			if (mh_udp_send(fd[i], AF_INET, !i, MH_PORT, pdu,
					len[i]) == (ssize_t)len[i])
				sent++;
			while ((n = mh_udp_recv(fd[!i], b->got, PDU_MAX, 0,
						NULL)) > 0) {
				if (n == (ssize_t)len[i] &&
				    !memcmp(b->got, pdu, len[i]))
					got[i]++;
				else
					bad++;
			}
		}
		usleep(1000);
	}
	TH_LOG("sent %lu, delivered A->B %lu, B->A %lu, bad %lu", sent,
	       got[0], got[1], bad);
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("SA churn commands failed");
	EXPECT_EQ(0UL, bad);
	EXPECT_LT(0UL, got[0]);
	EXPECT_LT(0UL, got[1]);
	/* and the last SAs work */
	exchange(_metadata, p, b, AF_INET, fd[0], fd[1], MH_PORT, 50, 2);
	close(fd[0]);
	close(fd[1]);
}

TEST_HARNESS_MAIN

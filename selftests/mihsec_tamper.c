// SPDX-License-Identifier: GPL-2.0
/*
 * mihsec receive checks: protected frames captured on the veth, tampered
 * (one bit flipped per field region, UDP checksum fixed), replayed, or
 * crafted with the test's own model of the wire format, are injected into
 * B as Ethernet frames from A's end of the veth (AF_PACKET: A's netfilter
 * hooks never see them).  Each must be dropped without delivery, counted
 * exactly once, under the PROTOCOL.md section 5 reason where the order of
 * the checks determines it.
 *
 * Fresh frames come from A sending to an address of B's subnet that nobody
 * owns: A seals them (the SA is chosen by the Destination MIHF ID), B sees
 * them on the wire but never delivers them, so their sequence numbers are
 * unused in B's replay window until the test injects them, rewritten to
 * B's address.
 */
#include "mihsec_lib.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define PDU_MAX 4096
#define NONE -1		/* drop reason not determined by the spec */

struct tbufs {
	uint8_t body[PDU_MAX], plain[PDU_MAX], prot[PDU_MAX], got[PDU_MAX];
	struct mh_frame base, f;
};

FIXTURE(tp) {
	struct mh_pair p;
	struct tbufs *b;
	int fdb[2];		/* B's MIH sockets, IPv4 and IPv6 */
};

FIXTURE_SETUP(tp)
{
	self->fdb[0] = self->fdb[1] = -1;
	self->b = calloc(1, sizeof(*self->b));
	ASSERT_NE(NULL, self->b);
	ASSERT_EQ(0, mh_pair_setup(&self->p, "tp"));
	self->fdb[0] = mh_udp_socket(&self->p, 1, AF_INET, MH_PORT);
	self->fdb[1] = mh_udp_socket(&self->p, 1, AF_INET6, MH_PORT);
	ASSERT_LE(0, self->fdb[0]);
	ASSERT_LE(0, self->fdb[1]);
}

FIXTURE_TEARDOWN(tp)
{
	for (int i = 0; i < 2; i++)
		if (self->fdb[i] >= 0)
			close(self->fdb[i]);
	mh_pair_teardown(&self->p);
	free(self->b);
}

static int fdb_of(FIXTURE_DATA(tp) *self, int family)
{
	return self->fdb[family == AF_INET6];
}

static void sas(struct __test_metadata *_metadata, struct mh_pair *p,
		const char *extra_a, const char *extra_b)
{
	ASSERT_EQ(0, mh_sa_add(p, 0, extra_a));
	ASSERT_EQ(0, mh_sa_add(p, 1, extra_b));
}

/* the plain request A -> B used throughout */
static size_t plain_req(struct mh_pair *p, struct tbufs *b, uint16_t tid,
			const char *src, const char *dst)
{
	size_t bl = mh_body(b->body, 60, tid);

	return mh_pdu(b->plain, 0, MH_MID_REGISTER_REQ, tid,
		      src ? src : p->id[0], dst ? dst : p->id[1], b->body, bl);
}

/* a fresh protected frame of A's, sealed by the kernel, addressed to B
 * but never seen by B's hooks; b->plain holds its plain PDU */
static size_t fresh_frame(struct __test_metadata *_metadata,
			  FIXTURE_DATA(tp) *self, int family, uint16_t tid,
			  struct mh_frame *out)
{
	struct mh_pair *p = &self->p;
	struct tbufs *b = self->b;
	struct mh_stats s0, s1;
	struct mh_prot pp;
	int fda, cb;
	size_t pl;

	ASSERT_EQ(0, mh_stats_get(p, 1, &s0));
	fda = mh_udp_socket(p, 0, family, 0);	/* hooked by the dport */
	cb = mh_capture_open(p, 1);
	ASSERT_LE(0, fda);
	ASSERT_LE(0, cb);
	pl = plain_req(p, b, tid, NULL, NULL);
	ASSERT_EQ((ssize_t)pl, mh_udp_send(fda, family, MH_FAKE, MH_PORT,
					   b->plain, pl));
	ASSERT_EQ(1, mh_capture_next(cb, out, 3000, false))
		TH_LOG("A's PDU to the unowned address not seen in B");
	ASSERT_EQ(0, mh_parse_prot(out->b + out->pl, out->plen, &pp))
		mh_dump("not a protected PDU", out->b + out->pl, out->plen);
	ASSERT_EQ(0, memcmp(out->b + out->pl + pp.keyid, p->keyid[0], 8));
	mh_frame_set_dst(out, 1);
	close(fda);
	close(cb);
	/* B's hooks did not see it */
	ASSERT_EQ(0, mh_stats_get(p, 1, &s1));
	ASSERT_EQ(0, memcmp(&s0, &s1, sizeof(s0)))
		mh_stats_diff("B", &s0, &s1);
	return pl;
}

/* inject f from A's veth end: B drops it, delivers nothing, and exactly
 * one drop counter moves by one (reason, unless NONE) */
static void expect_drop_c(struct __test_metadata *_metadata,
			  FIXTURE_DATA(tp) *self, const struct mh_frame *f,
			  int reason, const char *what, struct mh_stats *cache)
{
	struct mh_pair *p = &self->p;
	struct mh_stats s0, s1, s2;
	ssize_t n;

	/* cache: B's counters as they are now, updated on return */
	if (cache)
		s0 = *cache;
	else
		ASSERT_EQ(0, mh_stats_get(p, 1, &s0));
	ASSERT_EQ(0, mh_inject(p, 0, f->b, f->len));
	ASSERT_EQ(0, mh_stats_wait_change(p, 1, &s0, &s1, 3000))
		TH_LOG("%s: no counter moved in B", what);
	n = mh_udp_recv(fdb_of(self, f->family), self->b->got, PDU_MAX, 100,
			NULL);
	ASSERT_EQ(0, mh_stats_get(p, 1, &s2));
	if (memcmp(&s0, &s2, sizeof(s0)))
		mh_stats_diff(what, &s0, &s2);
	EXPECT_EQ(0, n)
		TH_LOG("%s: B delivered %zd octets", what, n);
	EXPECT_EQ(mh_stats_drops(&s0) + 1, mh_stats_drops(&s2))
		TH_LOG("%s: drops must rise by exactly one", what);
	EXPECT_EQ(s0.v[MIHSEC_STAT_RX_VERIFIED], s2.v[MIHSEC_STAT_RX_VERIFIED])
		TH_LOG("%s: counted as verified", what);
	EXPECT_EQ(s0.v[MIHSEC_STAT_RX_CLEAR], s2.v[MIHSEC_STAT_RX_CLEAR])
		TH_LOG("%s: counted as clear", what);
	if (reason != NONE) {
		EXPECT_EQ(s0.v[reason] + 1, s2.v[reason])
			TH_LOG("%s: want drop reason %s", what,
			       mh_stat_name(reason));
	}
	if (cache)
		*cache = s2;
}

#define expect_drop(m, self, f, reason, what) \
	expect_drop_c(m, self, f, reason, what, NULL)

/* inject f: B delivers exactly plain and counts it under counter */
static void expect_deliver(struct __test_metadata *_metadata,
			   FIXTURE_DATA(tp) *self, const struct mh_frame *f,
			   const uint8_t *plain, size_t plen, int counter,
			   const char *what)
{
	struct mh_pair *p = &self->p;
	struct mh_stats s0, s1;
	ssize_t n;

	ASSERT_EQ(0, mh_stats_get(p, 1, &s0));
	ASSERT_EQ(0, mh_inject(p, 0, f->b, f->len));
	n = mh_udp_recv(fdb_of(self, f->family), self->b->got, PDU_MAX, 3000,
			NULL);
	ASSERT_EQ(0, mh_stats_get(p, 1, &s1));
	if (memcmp(&s0, &s1, sizeof(s0)))
		mh_stats_diff(what, &s0, &s1);
	ASSERT_EQ((ssize_t)plen, n)
		TH_LOG("%s: not delivered", what);
	ASSERT_EQ(0, memcmp(plain, self->b->got, plen))
		mh_dump("delivered", self->b->got, plen);
	EXPECT_EQ(s0.v[counter] + 1, s1.v[counter])
		TH_LOG("%s: %s", what, mh_stat_name(counter));
	EXPECT_EQ(mh_stats_drops(&s0), mh_stats_drops(&s1));
}

#define expect_accept(m, self, f, plain, plen, what) \
	expect_deliver(m, self, f, plain, plen, MIHSEC_STAT_RX_VERIFIED, what)

enum op { FLIP, SEQ_ZERO, BAD_UDP_CSUM };

struct tcase {
	const char *what;
	enum op op;
	size_t off;	/* in the MIH PDU */
	uint8_t mask;
	int reason;
};

static void tamper_all(struct __test_metadata *_metadata,
		       FIXTURE_DATA(tp) *self, int family)
{
	struct tbufs *b = self->b;
	struct mh_stats cache;
	struct mh_prot pp;
	size_t plen, i;

	sas(_metadata, &self->p, NULL, NULL);
	plen = fresh_frame(_metadata, self, family, 1, &b->base);
	ASSERT_EQ(0, mh_parse_prot(b->base.b + b->base.pl, b->base.plen, &pp));
	ASSERT_EQ(MIHSEC_WIRE_F_ENCRYPTED, pp.flags_v);

	const struct tcase cases[] = {
		{ "header version 1 -> 3", FLIP, 0, 0x20,
		  MIHSEC_STAT_DROP_MALFORMED },
		{ "header ACK-Req", FLIP, 0, 0x08, MIHSEC_STAT_DROP_AUTH_FAIL },
		{ "header MID", FLIP, 3, 0x04, MIHSEC_STAT_DROP_AUTH_FAIL },
		{ "header TID", FLIP, 5, 0x01, MIHSEC_STAT_DROP_AUTH_FAIL },
		{ "header payload length", FLIP, 7, 0x01,
		  MIHSEC_STAT_DROP_MALFORMED },
		{ "header reserved octet 1", FLIP, 1, 0x01, NONE },
		{ "Source ID TLV type 1 -> 5", FLIP, pp.src_t, 0x04,
		  MIHSEC_STAT_DROP_MALFORMED },
		{ "Source ID TLV length", FLIP, pp.src_t + 1, 0x01, NONE },
		{ "Source ID string length", FLIP, pp.src_v, 0x01, NONE },
		{ "Source ID octet", FLIP, pp.src_v + 3, 0x01,
		  MIHSEC_STAT_DROP_AUTH_FAIL },
		{ "Destination ID TLV type 2 -> 3", FLIP, pp.dst_t, 0x01,
		  MIHSEC_STAT_DROP_MALFORMED },
		{ "Destination ID TLV length", FLIP, pp.dst_t + 1, 0x02, NONE },
		{ "Destination ID octet", FLIP, pp.dst_v + 5, 0x40,
		  MIHSEC_STAT_DROP_AUTH_FAIL },
		{ "Security TLV type 200 -> 202", FLIP, pp.sec_t, 0x02,
		  MIHSEC_STAT_DROP_MALFORMED },
		{ "Security TLV length", FLIP, pp.sec_t + 1, 0x01, NONE },
		{ "flags: E cleared", FLIP, pp.flags, MIHSEC_WIRE_F_ENCRYPTED,
		  MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED },
		{ "flags: D set", FLIP, pp.flags, MIHSEC_WIRE_F_NET2MMT,
		  MIHSEC_STAT_DROP_DIRECTION_MISMATCH },
		{ "flags: reserved bit 2", FLIP, pp.flags, 0x04,
		  MIHSEC_STAT_DROP_MALFORMED },
		{ "flags: reserved bit 7", FLIP, pp.flags, 0x80,
		  MIHSEC_STAT_DROP_MALFORMED },
		{ "suite 1 -> 3", FLIP, pp.suite, 0x02,
		  MIHSEC_STAT_DROP_SUITE_MISMATCH },
		{ "key ID first octet", FLIP, pp.keyid, 0x80,
		  MIHSEC_STAT_DROP_UNKNOWN_KEY },
		{ "key ID last octet", FLIP, pp.keyid + 7, 0x01,
		  MIHSEC_STAT_DROP_UNKNOWN_KEY },
		{ "sequence + 2^40", FLIP, pp.seq + 2, 0x01,
		  MIHSEC_STAT_DROP_AUTH_FAIL },
		{ "sequence + 2^63 (out of range)", FLIP, pp.seq, 0x80,
		  MIHSEC_STAT_DROP_MALFORMED },
		{ "sequence 0", SEQ_ZERO, pp.seq, 0,
		  MIHSEC_STAT_DROP_MALFORMED },
		{ "body first octet", FLIP, pp.body, 0x01,
		  MIHSEC_STAT_DROP_AUTH_FAIL },
		{ "body last octet", FLIP, pp.body + pp.body_len - 1, 0x80,
		  MIHSEC_STAT_DROP_AUTH_FAIL },
		{ "Integrity TLV type 201 -> 200", FLIP, pp.int_t, 0x01,
		  MIHSEC_STAT_DROP_MALFORMED },
		{ "Integrity TLV type 201 -> 203", FLIP, pp.int_t, 0x02,
		  MIHSEC_STAT_DROP_MALFORMED },
		{ "Integrity TLV length 16 -> 17", FLIP, pp.int_t + 1, 0x01,
		  MIHSEC_STAT_DROP_MALFORMED },
		{ "ICV first octet", FLIP, pp.int_v, 0x01,
		  MIHSEC_STAT_DROP_AUTH_FAIL },
		{ "ICV last octet", FLIP, pp.int_v + 15, 0x80,
		  MIHSEC_STAT_DROP_AUTH_FAIL },
		{ "UDP checksum wrong", BAD_UDP_CSUM, 0, 0,
		  MIHSEC_STAT_DROP_MALFORMED },
	};

	ASSERT_EQ(0, mh_stats_get(&self->p, 1, &cache));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		uint8_t *w;

		b->f = b->base;
		w = b->f.b + b->f.pl;
		switch (c->op) {
		case FLIP:
			w[c->off] ^= c->mask;
			mh_frame_fix_csum(&b->f);
			break;
		case SEQ_ZERO:
			memset(w + c->off, 0, 8);
			mh_frame_fix_csum(&b->f);
			break;
		case BAD_UDP_CSUM:
			b->f.b[b->f.l4 + 7] ^= 0x01;
			break;
		}
		expect_drop_c(_metadata, self, &b->f, c->reason, c->what,
			      &cache);
	}
	/* none of that moved B's replay window: the frame itself is good */
	expect_accept(_metadata, self, &b->base, b->plain, plen, "original");
}

/* (d) one bit flipped in every field region of a protected PDU, IPv4 */
TEST_F_TIMEOUT(tp, tamper_ipv4, 240)
{
	tamper_all(_metadata, self, AF_INET);
}

/* (d) the same over IPv6 */
TEST_F_TIMEOUT(tp, tamper_ipv6, 240)
{
	tamper_all(_metadata, self, AF_INET6);
}

/* (e) a valid frame injected twice: delivered once, then replay */
TEST_F_TIMEOUT(tp, replay, 180)
{
	struct tbufs *b = self->b;
	size_t plen;
	int fam;

	sas(_metadata, &self->p, NULL, NULL);
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;

		plen = fresh_frame(_metadata, self, family, 2, &b->base);
		expect_accept(_metadata, self, &b->base, b->plain, plen,
			      "first copy");
		expect_drop(_metadata, self, &b->base,
			    MIHSEC_STAT_DROP_REPLAY, "second copy");
		expect_drop(_metadata, self, &b->base,
			    MIHSEC_STAT_DROP_REPLAY, "third copy");
	}
}

/* replay window of 64: a never-seen sequence number 70 behind the highest
 * is too old; one 10 behind is accepted once */
TEST_F_TIMEOUT(tp, replay_window, 120)
{
	struct tbufs *b = self->b;
	struct mh_frame *old = &b->base;
	int fda, i;
	size_t plen;
	ssize_t n;

	sas(_metadata, &self->p, NULL, "replay-window 64");
	fda = mh_udp_socket(&self->p, 0, AF_INET, MH_PORT);
	ASSERT_LE(0, fda);
	fresh_frame(_metadata, self, AF_INET, 1, old);	/* seq 1 */
	plen = plain_req(&self->p, b, 3, NULL, NULL);
	for (i = 0; i < 70; i++) {			/* seq 2..71 */
		ASSERT_EQ((ssize_t)plen, mh_udp_send(fda, AF_INET, 1, MH_PORT,
						     b->plain, plen));
		n = mh_udp_recv(self->fdb[0], b->got, PDU_MAX, 3000, NULL);
		ASSERT_EQ((ssize_t)plen, n);
	}
	expect_drop(_metadata, self, old, MIHSEC_STAT_DROP_REPLAY,
		    "70 behind, window 64");
	plen = fresh_frame(_metadata, self, AF_INET, 4, &b->f);	/* seq 72 */
	for (i = 0; i < 10; i++) {			/* seq 73..82 */
		size_t l = plain_req(&self->p, b, 5, NULL, NULL);

		ASSERT_EQ((ssize_t)l, mh_udp_send(fda, AF_INET, 1, MH_PORT,
						  b->plain, l));
		n = mh_udp_recv(self->fdb[0], b->got, PDU_MAX, 3000, NULL);
		ASSERT_EQ((ssize_t)l, n);
	}
	plen = plain_req(&self->p, b, 4, NULL, NULL);
	*old = b->f;
	expect_accept(_metadata, self, old, b->plain, plen,
		      "10 behind, never seen");
	expect_drop(_metadata, self, old, MIHSEC_STAT_DROP_REPLAY,
		    "10 behind, seen");
	close(fda);
}

/* (f) B flushed its SAs: A's protected PDUs are unknown-key */
TEST_F(tp, unknown_key_after_flush)
{
	struct tbufs *b = self->b;
	struct mh_stats s0, s1;
	int fam, fda;
	size_t plen;
	ssize_t n;

	sas(_metadata, &self->p, NULL, NULL);
	ASSERT_EQ(0, mh_ctl_run(&self->p, 1, NULL, 0, "sa flush"));
	ASSERT_EQ(0, mh_sa_count(&self->p, 1));
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;

		fda = mh_udp_socket(&self->p, 0, family, MH_PORT);
		ASSERT_LE(0, fda);
		ASSERT_EQ(0, mh_stats_get(&self->p, 1, &s0));
		plen = plain_req(&self->p, b, 6, NULL, NULL);
		ASSERT_EQ((ssize_t)plen, mh_udp_send(fda, family, 1, MH_PORT,
						     b->plain, plen));
		ASSERT_EQ(0, mh_stats_wait_change(&self->p, 1, &s0, &s1,
						  3000));
		n = mh_udp_recv(self->fdb[fam], b->got, PDU_MAX, 100, NULL);
		EXPECT_EQ(0, n);
		EXPECT_EQ(s0.v[MIHSEC_STAT_DROP_UNKNOWN_KEY] + 1,
			  s1.v[MIHSEC_STAT_DROP_UNKNOWN_KEY])
			mh_stats_diff("B", &s0, &s1);
		EXPECT_EQ(mh_stats_drops(&s0) + 1, mh_stats_drops(&s1));
		close(fda);
	}
}

/* A sends with E=0 (its SA: encrypt off) to B, whose SA requires E=1 */
TEST_F(tp, encryption_required)
{
	struct tbufs *b = self->b;
	struct mh_stats s0, s1;
	size_t plen;
	ssize_t n;
	int fda;

	sas(_metadata, &self->p, "encrypt off", NULL);
	fda = mh_udp_socket(&self->p, 0, AF_INET, MH_PORT);
	ASSERT_LE(0, fda);
	ASSERT_EQ(0, mh_stats_get(&self->p, 1, &s0));
	plen = plain_req(&self->p, b, 8, NULL, NULL);
	ASSERT_EQ((ssize_t)plen, mh_udp_send(fda, AF_INET, 1, MH_PORT,
					     b->plain, plen));
	ASSERT_EQ(0, mh_stats_wait_change(&self->p, 1, &s0, &s1, 3000));
	n = mh_udp_recv(self->fdb[0], b->got, PDU_MAX, 100, NULL);
	EXPECT_EQ(0, n);
	EXPECT_EQ(s0.v[MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED] + 1,
		  s1.v[MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED])
		mh_stats_diff("B", &s0, &s1);
	EXPECT_EQ(mh_stats_drops(&s0) + 1, mh_stats_drops(&s1));
	close(fda);
}

/* IPv4 UDP without a checksum (0) is legal and must verify */
TEST_F(tp, ipv4_udp_checksum_zero)
{
	struct tbufs *b = self->b;
	size_t plen;

	sas(_metadata, &self->p, NULL, NULL);
	plen = fresh_frame(_metadata, self, AF_INET, 9, &b->base);
	b->base.b[b->base.l4 + 6] = 0;
	b->base.b[b->base.l4 + 7] = 0;
	expect_accept(_metadata, self, &b->base, b->plain, plen,
		      "UDP checksum 0");
}

/* frames sealed by the test's model: a valid one proves the model matches
 * the kernel; then validly sealed frames that break one rule after the
 * ICV check or in the framing */
TEST_F_TIMEOUT(tp, crafted, 180)
{
	const uint8_t E = MIHSEC_WIRE_F_ENCRYPTED, D = MIHSEC_WIRE_F_NET2MMT;
	struct mh_pair *p = &self->p;
	struct tbufs *b = self->b;
	struct mh_frame *f = &b->f;
	uint8_t rnd_keyid[8];
	size_t plen, l;

#define SEAL(flags, suite, keyid, seq) \
	mh_seal(b->prot, b->plain, plen, flags, suite, keyid, seq, \
		p->key[0], p->salt[0])
#define FRAME(len) \
	ASSERT_EQ(0, mh_frame_build(f, AF_INET, 0, 1, MH_PORT, MH_PORT, \
				    b->prot, len))

	sas(_metadata, p, NULL, NULL);
	plen = plain_req(p, b, 10, NULL, NULL);

	l = SEAL(E, 1, p->keyid[0], 100);
	FRAME(l);
	expect_accept(_metadata, self, f, b->plain, plen, "model, seq 100");

	/* identity: authenticated, but not the SA's peer/local MIHF ID */
	plen = plain_req(p, b, 11, "intruder@mihsec.test", NULL);
	l = SEAL(E, 1, p->keyid[0], 101);
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_IDENTITY_MISMATCH,
		    "Source ID not the SA's peer");
	/* the window was updated before the identity check (section 5) */
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_REPLAY,
		    "identity-mismatch frame again");
	plen = plain_req(p, b, 12, NULL, "other.mihsec.test");
	l = SEAL(E, 1, p->keyid[0], 102);
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_IDENTITY_MISMATCH,
		    "Destination ID not the SA's local ID");

	plen = plain_req(p, b, 13, NULL, NULL);
	l = SEAL(0, 1, p->keyid[0], 103);
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED,
		    "valid E=0 on an encrypting SA");
	l = SEAL(E | D, 1, p->keyid[0], 104);
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_DIRECTION_MISMATCH,
		    "valid D=1 towards the network side");
	l = SEAL(E, 2, p->keyid[0], 105);
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_SUITE_MISMATCH,
		    "suite 2 on a suite 1 SA");
	l = SEAL(E | 0x08, 1, p->keyid[0], 106);
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_MALFORMED,
		    "valid ICV, reserved flag bit 3");
	l = SEAL(E, 1, p->keyid[0], 0);
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_MALFORMED,
		    "valid ICV, sequence 0");
	l = SEAL(E, 1, p->keyid[0], (1ULL << 63) + 1);
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_MALFORMED,
		    "valid ICV, sequence 2^63 + 1");
	ASSERT_EQ(8, getrandom(rnd_keyid, 8, 0));
	l = SEAL(E, 1, rnd_keyid, 107);
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_UNKNOWN_KEY,
		    "unknown key ID");

	/* framing */
	b->plain[0] = 0x20;		/* version 2 */
	l = SEAL(E, 1, p->keyid[0], 108);
	b->plain[0] = 0x10;
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_MALFORMED,
		    "valid ICV, version 2");
	l = SEAL(E, 1, p->keyid[0], 109);
	b->prot[l] = 0;			/* one octet more than Payload Length */
	FRAME(l + 1);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_MALFORMED,
		    "UDP payload longer than the PDU");
	l = SEAL(E, 1, p->keyid[0], 110) - 18;	/* no TLV 201 */
	b->prot[6] = (uint8_t)((l - 8) >> 8);
	b->prot[7] = (uint8_t)(l - 8);
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_MALFORMED,
		    "TLV 200 without TLV 201");
	l = SEAL(E, 1, p->keyid[0], 111);
	b->prot[l - 17] = 15;		/* ICV of 15 octets */
	l--;
	b->prot[6] = (uint8_t)((l - 8) >> 8);
	b->prot[7] = (uint8_t)(l - 8);
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_MALFORMED,
		    "Integrity TLV of 15 octets");
	l = SEAL(E, 1, p->keyid[0], 112);
	l += mh_tlv(b->prot + l, 150, "xy", 2);	/* a TLV after TLV 201 */
	b->prot[6] = (uint8_t)((l - 8) >> 8);
	b->prot[7] = (uint8_t)(l - 8);
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_MALFORMED,
		    "a TLV after TLV 201");
	{
		/* the decrypted body is not a TLV sequence */
		static const uint8_t bad[] = { 100, 50, 0, 0, 0x5e };

		plen = mh_pdu(b->plain, 0, MH_MID_REGISTER_REQ, 14, p->id[0],
			      p->id[1], bad, sizeof(bad));
		l = SEAL(E, 1, p->keyid[0], 113);
		FRAME(l);
		expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_MALFORMED,
			    "authentic body that is not a TLV sequence");
	}

	/* the last valid sequence number, then everything is too old */
	plen = plain_req(p, b, 15, NULL, NULL);
	l = SEAL(E, 1, p->keyid[0], 1ULL << 63);
	FRAME(l);
	expect_accept(_metadata, self, f, b->plain, plen, "sequence 2^63");
	l = SEAL(E, 1, p->keyid[0], 114);
	FRAME(l);
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_REPLAY,
		    "sequence 114 after 2^63");
#undef SEAL
#undef FRAME
}

/* IPv4 options and IPv6 extension headers in front of UDP must not hide
 * an MIH datagram from the hooks: under require, plain MIH in such a
 * packet is still dropped as unprotected, a protected one is verified and
 * delivered plain, an exempt one passes */
TEST_F_TIMEOUT(tp, ip_options_ext_headers, 120)
{
	struct mh_pair *p = &self->p;
	struct tbufs *b = self->b;
	struct mh_frame *f = &b->f;
	struct mh_stats s0, s1;
	size_t plen, l;
	int fam;

	sas(_metadata, p, NULL, NULL);
	ASSERT_EQ(0, mh_ctl_run(p, 1, NULL, 0, "policy set require"));
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;
		const char *fn = fam ? "IPv6 + Destination Options" :
				       "IPv4 + options";

		plen = plain_req(p, b, 20, NULL, NULL);
		ASSERT_EQ(0, mh_frame_build(f, family, 0, 1, MH_PORT, MH_PORT,
					    b->plain, plen));
		expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_UNPROTECTED,
			    "plain MIH_Register.request");
		ASSERT_EQ(0, mh_frame_add_opts(f));
		expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_UNPROTECTED,
			    fn);
		/* the same from source port 4551 to another port */
		ASSERT_EQ(0, mh_frame_build(f, family, 0, 1, MH_PORT, 4552,
					    b->plain, plen));
		ASSERT_EQ(0, mh_frame_add_opts(f));
		ASSERT_EQ(0, mh_stats_get(p, 1, &s0));
		ASSERT_EQ(0, mh_inject(p, 0, f->b, f->len));
		ASSERT_EQ(0, mh_stats_wait_change(p, 1, &s0, &s1, 3000))
			TH_LOG("%s, sport 4551: not seen by the hook", fn);
		EXPECT_EQ(s0.v[MIHSEC_STAT_DROP_UNPROTECTED] + 1,
			  s1.v[MIHSEC_STAT_DROP_UNPROTECTED]);
		l = mh_seal_as(p, 0, b->prot, b->plain, plen, 10 + fam, true);
		ASSERT_EQ(0, mh_frame_build(f, family, 0, 1, MH_PORT, MH_PORT,
					    b->prot, l));
		ASSERT_EQ(0, mh_frame_add_opts(f));
		expect_accept(_metadata, self, f, b->plain, plen, fn);
		plen = mh_pdu(b->plain, 0, MH_MID_CAP_DISCOVER_REQ, 21,
			      p->id[0], p->id[1], NULL, 0);
		ASSERT_EQ(0, mh_frame_build(f, family, 0, 1, MH_PORT, MH_PORT,
					    b->plain, plen));
		ASSERT_EQ(0, mh_frame_add_opts(f));
		expect_deliver(_metadata, self, f, b->plain, plen,
			       MIHSEC_STAT_RX_CLEAR, fn);
	}
}

/* section 5 step 1 applies to every MIH datagram: unprotected ones that
 * break the framing are dropped as malformed (default policy, no SA) */
TEST_F(tp, malformed_plain)
{
	struct mh_pair *p = &self->p;
	struct tbufs *b = self->b;
	struct mh_frame *f = &b->f;
	size_t plen;

	plen = plain_req(p, b, 30, NULL, NULL);
	ASSERT_EQ(0, mh_frame_build(f, AF_INET, 0, 1, MH_PORT, MH_PORT,
				    b->plain, plen));
	expect_deliver(_metadata, self, f, b->plain, plen,
		       MIHSEC_STAT_RX_CLEAR, "valid plain PDU");
	b->plain[0] = 0x20;
	ASSERT_EQ(0, mh_frame_build(f, AF_INET, 0, 1, MH_PORT, MH_PORT,
				    b->plain, plen));
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_MALFORMED,
		    "plain, version 2");
	b->plain[0] = 0x10;
	b->plain[7]++;
	ASSERT_EQ(0, mh_frame_build(f, AF_INET6, 0, 1, MH_PORT, MH_PORT,
				    b->plain, plen));
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_MALFORMED,
		    "plain, Payload Length one too many");
	b->plain[7]--;
	/* the last TLV claims more octets than there are */
	b->plain[plen - 61] = 0x7f;	/* its length octet: 60 -> 127 */
	ASSERT_EQ(0, mh_frame_build(f, AF_INET6, 0, 1, MH_PORT, MH_PORT,
				    b->plain, plen));
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_MALFORMED,
		    "plain, TLV overruns the PDU");
	/* only one of TLV 200 / 201 */
	plen = plain_req(p, b, 31, NULL, NULL);
	plen += mh_tlv(b->plain + plen, MIHSEC_TLV_INTEGRITY,
		       "0123456789abcdef", 16);
	b->plain[6] = (uint8_t)((plen - 8) >> 8);
	b->plain[7] = (uint8_t)(plen - 8);
	ASSERT_EQ(0, mh_frame_build(f, AF_INET, 0, 1, MH_PORT, MH_PORT,
				    b->plain, plen));
	expect_drop(_metadata, self, f, MIHSEC_STAT_DROP_MALFORMED,
		    "plain PDU ending in a lone TLV 201");
}

TEST_HARNESS_MAIN

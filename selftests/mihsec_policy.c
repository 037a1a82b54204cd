// SPDX-License-Identifier: GPL-2.0
/*
 * mihsec policy and permissions: off / optional / require per namespace,
 * the require exemptions of PROTOCOL.md section 5 step 2 in both
 * directions, and CAP_NET_ADMIN on every command that changes state.
 */
#include "mihsec_lib.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define PDU_MAX 4096

struct pbufs {
	uint8_t body[PDU_MAX], pdu[PDU_MAX], got[PDU_MAX];
	struct mh_frame f;
	char out[8192];
};

FIXTURE(pol) {
	struct mh_pair p;
	struct pbufs *b;
	int fd[2][2];		/* [side][family: 0 IPv4, 1 IPv6] */
};

FIXTURE_SETUP(pol)
{
	int s, f;

	memset(self->fd, 0xff, sizeof(self->fd));
	self->b = calloc(1, sizeof(*self->b));
	ASSERT_NE(NULL, self->b);
	ASSERT_EQ(0, mh_pair_setup(&self->p, "po"));
	for (s = 0; s < 2; s++)
		for (f = 0; f < 2; f++) {
			self->fd[s][f] = mh_udp_socket(&self->p, s,
						       f ? AF_INET6 : AF_INET,
						       MH_PORT);
			ASSERT_LE(0, self->fd[s][f]);
		}
}

FIXTURE_TEARDOWN(pol)
{
	for (int s = 0; s < 2; s++)
		for (int f = 0; f < 2; f++)
			if (self->fd[s][f] >= 0)
				close(self->fd[s][f]);
	mh_pair_teardown(&self->p);
	free(self->b);
}

enum outcome { DELIVERED, DROPPED_RX, DROPPED_TX };

/* side "from" sends a PDU (MID, octet-0 flags) to the other side; checks
 * the outcome and that the counters moved exactly as expected: the sender
 * tx_counter +1 (or drop no-sa), the receiver rx_counter +1 (or the drop
 * reason), nothing else; a counter of -1: that side's are not checked */
static void send_one(struct __test_metadata *_metadata,
		     FIXTURE_DATA(pol) *self, int family, int from,
		     uint16_t mid, uint8_t flags0, enum outcome want,
		     int tx_counter, int rx_counter, const char *what)
{
	struct mh_pair *p = &self->p;
	struct pbufs *b = self->b;
	int to = !from, fam = family == AF_INET6;
	struct mh_stats tx0, tx1, rx0, rx1;
	size_t bl, pl;
	ssize_t n;

	ASSERT_EQ(0, mh_stats_get(p, from, &tx0));
	ASSERT_EQ(0, mh_stats_get(p, to, &rx0));
	bl = mh_body(b->body, 40, mid);
	pl = mh_pdu(b->pdu, flags0, mid, 0x123, p->id[from], p->id[to],
		    b->body, bl);
	n = mh_udp_send(self->fd[from][fam], family, to, MH_PORT, b->pdu, pl);
	if (want == DROPPED_TX) {
		/* a LOCAL_OUT drop may or may not be reported to the sender */
		ASSERT_TRUE(n == (ssize_t)pl || (n < 0 && errno == EPERM))
			TH_LOG("%s: send returned %zd (%s)", what, n,
			       strerror(errno));
	} else {
		ASSERT_EQ((ssize_t)pl, n)
			TH_LOG("%s: send: %s", what, strerror(errno));
	}
	n = mh_udp_recv(self->fd[to][fam], b->got, PDU_MAX,
			want == DELIVERED ? 3000 : 300, NULL);
	if (want == DELIVERED) {
		ASSERT_EQ((ssize_t)pl, n)
			TH_LOG("%s: not delivered", what);
		ASSERT_EQ(0, memcmp(b->got, b->pdu, pl));
	} else {
		ASSERT_EQ(0, n)
			TH_LOG("%s: delivered although it must be dropped",
			       what);
	}
	ASSERT_EQ(0, mh_stats_get(p, from, &tx1));
	ASSERT_EQ(0, mh_stats_get(p, to, &rx1));
	mh_stats_diff(from ? "B (sender)" : "A (sender)", &tx0, &tx1);
	mh_stats_diff(to ? "B (receiver)" : "A (receiver)", &rx0, &rx1);
	if (tx_counter > 0) {
		EXPECT_EQ(tx0.v[tx_counter] + 1, tx1.v[tx_counter])
			TH_LOG("%s: sender %s", what, mh_stat_name(tx_counter));
	}
	if (rx_counter > 0) {
		EXPECT_EQ(rx0.v[rx_counter] + 1, rx1.v[rx_counter])
			TH_LOG("%s: receiver %s", what,
			       mh_stat_name(rx_counter));
	}
	/* no other traffic counter moved (events may be raised) */
	for (int i = 1; i <= MIHSEC_STAT_MAX; i++) {
		if (!mh_stat_is_traffic(i))
			continue;
		if (tx_counter >= 0 && i != tx_counter) {
			EXPECT_EQ(tx0.v[i], tx1.v[i])
				TH_LOG("%s: sender %s moved", what,
				       mh_stat_name(i));
		}
		if (rx_counter >= 0 && i != rx_counter) {
			EXPECT_EQ(rx0.v[i], rx1.v[i])
				TH_LOG("%s: receiver %s moved", what,
				       mh_stat_name(i));
		}
	}
}

static void set_policy(struct __test_metadata *_metadata, struct mh_pair *p,
		       int side, const char *policy)
{
	char got[32];

	ASSERT_EQ(0, mh_ctl_run(p, side, NULL, 0, "policy set %s", policy));
	ASSERT_EQ(0, mh_policy_get(p, side, got, sizeof(got)));
	ASSERT_STREQ(policy, got);
}

/* (g) require in B, no SA anywhere: plain MIH from A is dropped as
 * unprotected, the exempt messages pass in both directions, and B's own
 * non-exempt sends are dropped as no-sa */
TEST_F_TIMEOUT(pol, require_without_sa, 120)
{
	const int TXC = MIHSEC_STAT_TX_CLEAR, RXC = MIHSEC_STAT_RX_CLEAR;
	const int UNP = MIHSEC_STAT_DROP_UNPROTECTED;
	const int NOSA = MIHSEC_STAT_DROP_NO_SA;
	int fam;

	set_policy(_metadata, &self->p, 1, "require");
	for (fam = 0; fam < 2; fam++) {
		int f = fam ? AF_INET6 : AF_INET;

		/* A -> B (A is optional: everything leaves in clear) */
		send_one(_metadata, self, f, 0, MH_MID_REGISTER_REQ, 0,
			 DROPPED_RX, TXC, UNP, "A->B MIH_Register.request");
		send_one(_metadata, self, f, 0, MH_MID_LINK_GET_REQ, 0,
			 DROPPED_RX, TXC, UNP, "A->B MIH_Link_Get_Parameters.request");
		send_one(_metadata, self, f, 0, MH_MID_CAP_DISCOVER_REQ, 0,
			 DELIVERED, TXC, RXC, "A->B MIH_Capability_Discover.request");
		send_one(_metadata, self, f, 0, MH_MID_CAP_DISCOVER_RSP, 0,
			 DELIVERED, TXC, RXC, "A->B MIH_Capability_Discover.response");
		send_one(_metadata, self, f, 0, MH_MID_GET_INFO_REQ, MH_HDR_UIR,
			 DELIVERED, TXC, RXC, "A->B MIH_Get_Information.request UIR=1");
		send_one(_metadata, self, f, 0, MH_MID_GET_INFO_REQ, 0,
			 DROPPED_RX, TXC, UNP, "A->B MIH_Get_Information.request UIR=0");
		send_one(_metadata, self, f, 0, MH_MID_GET_INFO_RSP, MH_HDR_UIR,
			 DROPPED_RX, TXC, UNP, "A->B MIH_Get_Information.response UIR=1");
		/* B -> A: B requires, has no SA */
		send_one(_metadata, self, f, 1, MH_MID_CAP_DISCOVER_RSP, 0,
			 DELIVERED, TXC, RXC, "B->A MIH_Capability_Discover.response");
		send_one(_metadata, self, f, 1, MH_MID_GET_INFO_REQ, MH_HDR_UIR,
			 DELIVERED, TXC, RXC, "B->A MIH_Get_Information.request UIR=1");
		send_one(_metadata, self, f, 1, MH_MID_REGISTER_RSP, 0,
			 DROPPED_TX, NOSA, 0, "B->A MIH_Register.response");
		send_one(_metadata, self, f, 1, MH_MID_GET_INFO_RSP, 0,
			 DROPPED_TX, NOSA, 0, "B->A MIH_Get_Information.response");
	}
}

/* require on both ends with SAs: protected traffic flows; a PDU for an
 * MIHF without an SA is still dropped */
TEST_F_TIMEOUT(pol, require_with_sa, 120)
{
	const int TXP = MIHSEC_STAT_TX_PROTECTED, RXV = MIHSEC_STAT_RX_VERIFIED;
	struct pbufs *b = self->b;
	struct mh_stats s0, s1;
	size_t bl, pl;
	ssize_t n;

	ASSERT_EQ(0, mh_sa_add(&self->p, 0, NULL));
	ASSERT_EQ(0, mh_sa_add(&self->p, 1, NULL));
	set_policy(_metadata, &self->p, 0, "require");
	set_policy(_metadata, &self->p, 1, "require");
	send_one(_metadata, self, AF_INET, 0, MH_MID_REGISTER_REQ, 0,
		 DELIVERED, TXP, RXV, "A->B protected");
	send_one(_metadata, self, AF_INET6, 1, MH_MID_REGISTER_RSP, 0,
		 DELIVERED, TXP, RXV, "B->A protected");
	/* Capability_Discover with an SA present is protected as well */
	send_one(_metadata, self, AF_INET, 0, MH_MID_CAP_DISCOVER_REQ, 0,
		 DELIVERED, TXP, RXV, "A->B Capability_Discover with an SA");
	/* to an MIHF ID B has no SA for */
	ASSERT_EQ(0, mh_stats_get(&self->p, 1, &s0));
	bl = mh_body(b->body, 40, 1);
	pl = mh_pdu(b->pdu, 0, MH_MID_REGISTER_RSP, 1, self->p.id[1],
		    "stranger@mihsec.test", b->body, bl);
	n = mh_udp_send(self->fd[1][0], AF_INET, 0, MH_PORT, b->pdu, pl);
	ASSERT_TRUE(n == (ssize_t)pl || (n < 0 && errno == EPERM));
	n = mh_udp_recv(self->fd[0][0], b->got, PDU_MAX, 300, NULL);
	ASSERT_EQ(0, n);
	ASSERT_EQ(0, mh_stats_get(&self->p, 1, &s1));
	EXPECT_EQ(s0.v[MIHSEC_STAT_DROP_NO_SA] + 1,
		  s1.v[MIHSEC_STAT_DROP_NO_SA]);
}

/* off: A has an SA but sends in clear; B (optional, with an SA) delivers
 * it as clear; with B off too, B's application gets protected PDUs raw */
TEST_F(pol, policy_off)
{
	const int RXC = MIHSEC_STAT_RX_CLEAR;
	struct pbufs *b = self->b;
	struct mh_stats s0, s1;
	size_t bl, pl;
	ssize_t n;
	int cb;

	ASSERT_EQ(0, mh_sa_add(&self->p, 0, NULL));
	ASSERT_EQ(0, mh_sa_add(&self->p, 1, NULL));
	set_policy(_metadata, &self->p, 0, "off");
	cb = mh_capture_open(&self->p, 1);
	ASSERT_LE(0, cb);
	send_one(_metadata, self, AF_INET, 0, MH_MID_REGISTER_REQ, 0,
		 DELIVERED, -1, RXC, "A (off) -> B");
	ASSERT_EQ(1, mh_capture_next(cb, &b->f, 2000, false));
	ASSERT_EQ(0, mh_has_sec_tlv(b->f.b + b->f.pl, b->f.plen));
	ASSERT_NE(NULL, memmem(b->f.b, b->f.len, MH_MARKER,
			       strlen(MH_MARKER)));
	close(cb);

	set_policy(_metadata, &self->p, 0, "optional");
	set_policy(_metadata, &self->p, 1, "off");
	ASSERT_EQ(0, mh_stats_get(&self->p, 1, &s0));
	bl = mh_body(b->body, 40, 2);
	pl = mh_pdu(b->pdu, 0, MH_MID_REGISTER_REQ, 2, self->p.id[0],
		    self->p.id[1], b->body, bl);
	ASSERT_EQ((ssize_t)pl, mh_udp_send(self->fd[0][0], AF_INET, 1,
					   MH_PORT, b->pdu, pl));
	n = mh_udp_recv(self->fd[1][0], b->got, PDU_MAX, 3000, NULL);
	ASSERT_EQ((ssize_t)(pl + 38), n);
	ASSERT_EQ(1, mh_has_sec_tlv(b->got, (size_t)n));
	ASSERT_EQ(0, mh_stats_get(&self->p, 1, &s1));
	mh_stats_diff("B (off)", &s0, &s1);
	EXPECT_EQ(s0.v[MIHSEC_STAT_RX_VERIFIED], s1.v[MIHSEC_STAT_RX_VERIFIED]);
	EXPECT_EQ(mh_stats_drops(&s0), mh_stats_drops(&s1));
}

/* policy show/set round trip; the default is optional */
TEST_F(pol, policy_values)
{
	char got[32];

	ASSERT_EQ(0, mh_policy_get(&self->p, 0, got, sizeof(got)));
	ASSERT_STREQ("optional", got);
	set_policy(_metadata, &self->p, 0, "require");
	set_policy(_metadata, &self->p, 0, "off");
	set_policy(_metadata, &self->p, 0, "optional");
	/* per namespace */
	set_policy(_metadata, &self->p, 1, "require");
	ASSERT_EQ(0, mh_policy_get(&self->p, 0, got, sizeof(got)));
	ASSERT_STREQ("optional", got);
	ASSERT_EQ(2, mh_ctl_run(&self->p, 0, NULL, 0,
				"policy set bogus 2>/dev/null"));
}

static bool mentions_eperm(const char *s)
{
	char low[8192];
	size_t i;

	for (i = 0; s[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	low[i] = 0;
	return strstr(low, "not permitted") || strstr(low, "eperm") ||
	       strstr(low, "permission");
}

/* (h) without CAP_NET_ADMIN (as nobody, and as root with the capability
 * dropped): add/del/flush/policy set and sa show fail with EPERM (exit 1)
 * and change nothing; policy show and stats work */
TEST_F_TIMEOUT(pol, unprivileged, 120)
{
	static const char *const droppers[] = {
		"setpriv --reuid=65534 --regid=65534 --clear-groups",
		"setpriv --inh-caps=-net_admin --bounding-set=-net_admin",
	};
	struct mh_pair *p = &self->p, other;
	struct pbufs *b = self->b;
	char kid[17], okid[17], okey[33], osalt[9], pol[32], cmd[1024];
	struct mh_stats s0, s1;
	int d, r;

	ASSERT_EQ(0, mh_sa_add(p, 0, NULL));
	ASSERT_EQ(0, mh_sa_add(p, 1, NULL));
	ASSERT_EQ(1, mh_sa_count(p, 0));
	mh_hex(kid, p->keyid[1], 8);		/* A's RX key ID */
	other = *p;
	ASSERT_EQ(0, mh_pair_new_keys(&other));
	mh_hex(okid, other.keyid[0], 8);
	mh_hex(okey, other.key[0], 16);
	mh_hex(osalt, other.salt[0], 4);

	for (d = 0; d < 2; d++) {
		const char *const denied[] = {
			"sa add local x@y peer z@y role mmt tx-keyid %1$s rx-keyid %1$s tx-key %2$s rx-key %2$s tx-salt %3$s rx-salt %3$s",
			"sa del rx-keyid %4$s",
			"sa del peer %5$s",
			"sa flush",
			"policy set require",
			"policy set off",
			"sa show",
		};

		for (size_t i = 0; i < sizeof(denied) / sizeof(*denied); i++) {
			char args[512];

			snprintf(args, sizeof(args), denied[i], okid, okey,
				 osalt, kid, p->id[1]);
			snprintf(cmd, sizeof(cmd), "ip netns exec %s %s %s %s 2>&1",
				 p->ns[0], droppers[d], mh_ctl(), args);
			r = mh_sh(b->out, sizeof(b->out), "%s", cmd);
			EXPECT_EQ(1, r)
				TH_LOG("%s: '%s' exit %d: %s", droppers[d],
				       args, r, b->out);
			EXPECT_TRUE(mentions_eperm(b->out))
				TH_LOG("%s: '%s' does not say EPERM: %s",
				       droppers[d], args, b->out);
		}
		/* reading the policy and the counters needs no privilege */
		r = mh_sh(b->out, sizeof(b->out),
			  "ip netns exec %s %s %s -j policy", p->ns[0],
			  droppers[d], mh_ctl());
		EXPECT_EQ(0, r);
		EXPECT_NE(NULL, strstr(b->out, "optional"));
		r = mh_sh(b->out, sizeof(b->out),
			  "ip netns exec %s %s %s -j stats", p->ns[0],
			  droppers[d], mh_ctl());
		EXPECT_EQ(0, r);
	}
	/* nothing changed */
	ASSERT_EQ(1, mh_sa_count(p, 0));
	ASSERT_EQ(0, mh_policy_get(p, 0, pol, sizeof(pol)));
	ASSERT_STREQ("optional", pol);
	ASSERT_EQ(0, mh_ctl_run(p, 0, b->out, sizeof(b->out),
				"-j sa show rx-keyid %s", kid));
	ASSERT_EQ(1, mh_ctl_run(p, 0, NULL, 0, "sa show rx-keyid %s 2>/dev/null",
				okid));
	/* and the SA still protects */
	ASSERT_EQ(0, mh_stats_get(p, 0, &s0));
	send_one(_metadata, self, AF_INET, 0, MH_MID_REGISTER_REQ, 0,
		 DELIVERED, MIHSEC_STAT_TX_PROTECTED, MIHSEC_STAT_RX_VERIFIED,
		 "A->B after the refused commands");
	ASSERT_EQ(0, mh_stats_get(p, 0, &s1));
	EXPECT_EQ(s0.v[MIHSEC_STAT_TX_PROTECTED] + 1,
		  s1.v[MIHSEC_STAT_TX_PROTECTED]);
}

/* the SA table: duplicates refused, delete by key ID and by peer */
TEST_F_TIMEOUT(pol, sa_table, 180)
{
	struct mh_pair *p = &self->p;
	char kid[17];

	ASSERT_EQ(0, mh_sa_add(p, 0, NULL));
	ASSERT_EQ(1, mh_sa_count(p, 0));
	ASSERT_EQ(1, mh_sa_add(p, 0, NULL))
		TH_LOG("a second SA with the same RX key ID was accepted");
	ASSERT_EQ(1, mh_sa_count(p, 0));
	mh_hex(kid, p->keyid[1], 8);
	ASSERT_EQ(0, mh_ctl_run(p, 0, NULL, 0, "sa del rx-keyid %s", kid));
	ASSERT_EQ(0, mh_sa_count(p, 0));
	ASSERT_EQ(1, mh_ctl_run(p, 0, NULL, 0, "sa del rx-keyid %s 2>/dev/null",
				kid));
	ASSERT_EQ(1, mh_ctl_run(p, 0, NULL, 0, "sa del peer %s 2>/dev/null",
				p->id[1]));
	ASSERT_EQ(0, mh_pair_new_keys(p));
	ASSERT_EQ(0, mh_sa_add(p, 0, NULL));
	ASSERT_EQ(0, mh_pair_new_keys(p));
	ASSERT_EQ(0, mh_sa_add(p, 0, NULL));
	ASSERT_EQ(2, mh_sa_count(p, 0));
	ASSERT_EQ(0, mh_ctl_run(p, 0, NULL, 0, "sa del peer %s", p->id[1]));
	ASSERT_EQ(0, mh_sa_count(p, 0));
	ASSERT_EQ(0, mh_ctl_run(p, 0, NULL, 0, "sa flush"));
}

/* PROTOCOL.md section 7: "The kernel refuses to add an SA whose key ID it
 * has already held since load."  Re-adding a deleted or flushed SA with
 * its keys would restart its send sequence at 1: AES-GCM nonce reuse. */
TEST_F_TIMEOUT(pol, deleted_keyid_never_reinstalled, 180)
{
	struct mh_pair *p = &self->p;
	char kid[17];

	ASSERT_EQ(0, mh_sa_add(p, 0, NULL));
	mh_hex(kid, p->keyid[1], 8);
	ASSERT_EQ(0, mh_ctl_run(p, 0, NULL, 0, "sa del rx-keyid %s", kid));
	EXPECT_EQ(1, mh_sa_add(p, 0, NULL))
		TH_LOG("a deleted RX key ID was installed again");
	ASSERT_EQ(0, mh_ctl_run(p, 0, NULL, 0, "sa flush"));
	EXPECT_EQ(1, mh_sa_add(p, 0, NULL))
		TH_LOG("a flushed RX key ID was installed again");
	ASSERT_EQ(0, mh_ctl_run(p, 0, NULL, 0, "sa flush"));
	EXPECT_EQ(0, mh_sa_count(p, 0));
}

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif

/* require in B: a UDP GSO batch of plain MIH from A (policy off, so it
 * leaves A untouched) reaches B's LOCAL_IN as one GSO skb; none of its
 * PDUs may be delivered.  An exempt PDU with an empty Destination MIHF ID
 * passes. */
TEST_F(pol, require_gso_batch)
{
	struct mh_pair *p = &self->p;
	struct pbufs *b = self->b;
	struct mh_stats s0, s1;
	size_t bl, pl;
	int fam, gso, fa;
	ssize_t n;

	set_policy(_metadata, p, 0, "off");
	set_policy(_metadata, p, 1, "require");
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;

		fa = mh_udp_socket(p, 0, family, 0);
		ASSERT_LE(0, fa);
		bl = mh_body(b->body, 200, 1);
		pl = mh_pdu(b->pdu, 0, MH_MID_REGISTER_REQ, 1, p->id[0],
			    p->id[1], b->body, bl);
		memcpy(b->pdu + pl, b->pdu, pl);
		memcpy(b->pdu + 2 * pl, b->pdu, pl);
		gso = (int)pl;
		ASSERT_EQ(0, setsockopt(fa, SOL_UDP, UDP_SEGMENT, &gso,
					sizeof(gso)));
		ASSERT_EQ(0, mh_stats_get(p, 1, &s0));
		n = mh_udp_send(fa, family, 1, MH_PORT, b->pdu, 3 * pl);
		ASSERT_EQ((ssize_t)(3 * pl), n)
			TH_LOG("GSO send: %s", strerror(errno));
		n = mh_udp_recv(self->fd[1][fam], b->got, PDU_MAX, 1000, NULL);
		ASSERT_EQ(0, mh_stats_get(p, 1, &s1));
		mh_stats_diff("B", &s0, &s1);
		EXPECT_EQ(0, n)
			TH_LOG("%s: plain MIH of a GSO batch delivered under require",
			       fam ? "IPv6" : "IPv4");
		EXPECT_LT(mh_stats_drops(&s0), mh_stats_drops(&s1));
		close(fa);

		/* Capability_Discover.request to an unknown MIHF (empty ID) */
		pl = mh_pdu(b->pdu, 0, MH_MID_CAP_DISCOVER_REQ, 2, p->id[0], "",
			    NULL, 0);
		ASSERT_EQ((ssize_t)pl, mh_udp_send(self->fd[0][fam], family, 1,
						   MH_PORT, b->pdu, pl));
		n = mh_udp_recv(self->fd[1][fam], b->got, PDU_MAX, 3000, NULL);
		ASSERT_EQ((ssize_t)pl, n);
		ASSERT_EQ(0, memcmp(b->got, b->pdu, pl));
	}
}

TEST_HARNESS_MAIN

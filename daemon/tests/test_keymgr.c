// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the key manager (keys/keymgr.c) with recording hooks in
 * place of the kernel, the key sources and the IS link: which SAs a key
 * event installs on an MMT, a PoA and an IS server (compared with the key
 * schedule computed here directly), rekey, duplicates, reused keys
 * (-EEXIST: re-authentication, never a second install), pending installs
 * retried on no-sa and by the periodic check, key down, expiry events,
 * SAs the kernel lost, adoption, IS pushes (v1 and paper).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"

#include "keys/keymgr.h"
#include "lib/hex.h"
#include "lib/kdf.h"
#include "mihsecd/log.h"

#define MAXREC 16

struct rec {
	int nadd, ndel, nreauth, npush;
	struct mihsec_sa_cfg add[MAXREC];
	uint8_t del[MAXREC][MIHSEC_MIHF_ID_MAX];
	size_t del_len[MAXREC];
	int add_err;			/* next sa_add fails with it */
	int get_err;			/* sa_get answer */
	enum mihsec_key_src reauth_src;
	uint8_t reauth_mac[MIHSEC_MAC_LEN];
	uint8_t push_key[32];
	uint8_t push_profile;
	char push_mmt[64];
	char push_is[64];
};

static int h_add(void *arg, const struct mihsec_sa_cfg *c)
{
	struct rec *r = arg;
	int err = r->add_err;

	if (err) {
		r->add_err = 0;
		return err;
	}
	if (r->nadd < MAXREC)
		r->add[r->nadd] = *c;
	r->nadd++;
	return 0;
}

static int h_del(void *arg, const uint8_t *id, size_t len)
{
	struct rec *r = arg;

	if (r->ndel < MAXREC) {
		memcpy(r->del[r->ndel], id, len);
		r->del_len[r->ndel] = len;
	}
	r->ndel++;
	return 0;
}

static int h_get(void *arg, const uint8_t keyid[MIHSEC_KEYID_LEN])
{
	return ((struct rec *)arg)->get_err;
}

static int h_reauth(void *arg, enum mihsec_key_src src, const uint8_t *mmt,
		    const uint8_t *poa)
{
	struct rec *r = arg;

	r->nreauth++;
	r->reauth_src = src;
	memcpy(r->reauth_mac, mmt, MIHSEC_MAC_LEN);
	return 0;
}

static int h_push(void *arg, const struct md_km_peer_cfg *is,
		  const uint8_t *mac_mmt, const uint8_t *mmt_id,
		  size_t mmt_id_len, uint8_t profile, uint8_t suite,
		  const uint8_t key[32], uint32_t lifetime)
{
	struct rec *r = arg;

	r->npush++;
	memcpy(r->push_key, key, 32);
	r->push_profile = profile;
	snprintf(r->push_mmt, sizeof(r->push_mmt), "%.*s", (int)mmt_id_len,
		 (const char *)mmt_id);
	snprintf(r->push_is, sizeof(r->push_is), "%.*s", (int)is->id_len,
		 (const char *)is->id);
	return 0;
}

static const uint8_t MAC_MMT[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t MAC_AR[6] = { 2, 0, 0, 0, 0, 0xa };

static struct md_km_peer_cfg peer(enum md_km_kind kind, const char *id,
				  const uint8_t *mac)
{
	struct md_km_peer_cfg p = { .kind = kind };

	p.id_len = strlen(id);
	memcpy(p.id, id, p.id_len);
	if (mac) {
		p.has_mac = true;
		memcpy(p.mac, mac, 6);
	}
	return p;
}

static struct md_km_cfg cfg_for(const char *me, bool mmt, bool poa, bool is,
				const struct md_km_peer_cfg *peers, size_t n)
{
	struct md_km_cfg c = { .mmt = mmt, .poa = poa, .is = is,
			       .profile = MIHSEC_KDF_V1, .suite = 1,
			       .peers = peers, .npeers = n };

	c.mihf_id_len = strlen(me);
	memcpy(c.mihf_id, me, c.mihf_id_len);
	c.life.has_hard_secs = true;
	c.life.hard_secs = 3600;
	c.life.has_grace = true;
	c.life.grace = 5;
	return c;
}

static struct md_km_hooks hooks(struct rec *r)
{
	return (struct md_km_hooks){ .sa_add = h_add, .sa_del_peer = h_del,
				     .sa_get = h_get, .reauth = h_reauth,
				     .push_is = h_push, .arg = r };
}

static struct mihsec_key_event up(uint8_t fill)
{
	struct mihsec_key_event ev = { .what = MIHSEC_KEY_UP,
				       .src = MIHSEC_SRC_HOSTAPD };

	memcpy(ev.mac_mmt, MAC_MMT, 6);
	memcpy(ev.mac_poa, MAC_AR, 6);
	memset(ev.msk, fill, sizeof(ev.msk));
	return ev;
}

/* The SA cfg the key schedule gives directly, for comparison */
static void expect_cfg(struct __test_metadata *_metadata,
		       const struct mihsec_sa_cfg *got, uint8_t which,
		       uint8_t role, const char *local, const char *peer,
		       const uint8_t *msk, const uint8_t *is, size_t is_len)
{
	struct mihsec_kdf_keys k;
	struct mihsec_sa_cfg want;

	if (which == MIHSEC_KDF_PEER) {
		ASSERT_EQ(0, mihsec_kdf_peer(MIHSEC_KDF_V1, 1, msk, 32,
					     MAC_MMT, MAC_AR, &k));
	} else {
		ASSERT_EQ(0, mihsec_kdf_is(MIHSEC_KDF_V1, 1, msk, 32, MAC_MMT,
					   is, is_len, &k));
	}
	ASSERT_EQ(0, mihsec_kdf_sa_cfg(&k, role, (const uint8_t *)local,
				       strlen(local), (const uint8_t *)peer,
				       strlen(peer), &want));
	EXPECT_EQ(role, got->role);
	EXPECT_EQ(strlen(peer), got->peer_id_len);
	EXPECT_EQ(0, memcmp(peer, got->peer_id, strlen(peer)));
	EXPECT_EQ(0, memcmp(want.tx_keyid, got->tx_keyid, 8));
	EXPECT_EQ(0, memcmp(want.rx_keyid, got->rx_keyid, 8));
	EXPECT_EQ(0, memcmp(want.tx_key, got->tx_key, 16));
	EXPECT_EQ(0, memcmp(want.rx_key, got->rx_key, 16));
	EXPECT_EQ(0, memcmp(want.tx_salt, got->tx_salt, 4));
	EXPECT_TRUE(got->life.has_hard_secs);
	EXPECT_EQ(3600U, got->life.hard_secs);
	EXPECT_EQ(5U, got->life.grace);
	mihsec_kdf_keys_wipe(&k);
	mihsec_sa_cfg_wipe(&want);
}

TEST(mmt_installs_peer_and_is_sas)
{
	struct md_km_peer_cfg p[2] = { peer(MD_KM_POA, "ar1", MAC_AR),
				       peer(MD_KM_IS, "is1", NULL) };
	struct md_km_cfg c = cfg_for("mmt1", true, false, false, p, 2);
	struct rec r = {};
	struct md_km_hooks h = hooks(&r);
	struct md_keymgr *km = md_keymgr_new(&c, &h);
	struct mihsec_key_event ev = up(0x42);
	const struct md_km_sa *sas;

	ASSERT_NE(NULL, km);
	ev.src = MIHSEC_SRC_WPA_SUPPLICANT;
	md_keymgr_key_event(km, &ev);
	ASSERT_EQ(2, r.nadd);
	expect_cfg(_metadata, &r.add[0], MIHSEC_KDF_PEER, MIHSEC_ROLE_MMT,
		   "mmt1", "ar1", ev.msk, NULL, 0);
	expect_cfg(_metadata, &r.add[1], MIHSEC_KDF_IS, MIHSEC_ROLE_MMT,
		   "mmt1", "is1", ev.msk, (const uint8_t *)"is1", 3);
	ASSERT_EQ(2U, md_keymgr_sas(km, &sas));
	EXPECT_TRUE(sas[0].installed);
	EXPECT_EQ(MIHSEC_SRC_WPA_SUPPLICANT, (int)sas[0].src);
	EXPECT_EQ(0U, sas[0].rekeys);
	EXPECT_FALSE(sas[0].pending_cfg_valid);	/* keys gone */
	EXPECT_EQ(0, r.npush);			/* an MMT pushes nothing */

	/* an authenticator nobody configured: no Peer SA, IS SA only */
	memset(&r, 0, sizeof(r));
	ev = up(0x43);
	ev.mac_poa[5] = 0xb;
	md_keymgr_key_event(km, &ev);
	ASSERT_EQ(1, r.nadd);
	EXPECT_EQ(0, memcmp("is1", r.add[0].peer_id, 3));
	md_keymgr_free(km);
}

TEST(poa_installs_and_pushes)
{
	struct md_km_peer_cfg p[2] = { peer(MD_KM_MMT, "mmt1", MAC_MMT),
				       peer(MD_KM_IS, "is1", NULL) };
	struct md_km_cfg c = cfg_for("ar1", false, true, false, p, 2);
	struct rec r = {};
	struct md_km_hooks h = hooks(&r);
	struct md_keymgr *km = md_keymgr_new(&c, &h);
	struct mihsec_key_event ev = up(0x42);
	struct mihsec_kdf_root root;

	ASSERT_NE(NULL, km);
	md_keymgr_key_event(km, &ev);
	ASSERT_EQ(1, r.nadd);
	expect_cfg(_metadata, &r.add[0], MIHSEC_KDF_PEER,
		   MIHSEC_ROLE_NETWORK, "ar1", "mmt1", ev.msk, NULL, 0);
	/* v1: the IS server gets the IS-Key, never the MSK */
	ASSERT_EQ(1, r.npush);
	ASSERT_EQ(0, mihsec_kdf_is_key(MIHSEC_KDF_V1, ev.msk, 32, MAC_MMT,
				       (const uint8_t *)"is1", 3, &root));
	EXPECT_EQ(0, memcmp(root.key, r.push_key, 32));
	EXPECT_NE(0, memcmp(ev.msk, r.push_key, 32));
	EXPECT_STREQ("mmt1", r.push_mmt);
	EXPECT_STREQ("is1", r.push_is);
	mihsec_kdf_root_wipe(&root);
	md_keymgr_free(km);
}

TEST(poa_terminal_names)
{
	struct md_km_cfg c = cfg_for("ar1", false, true, false, NULL, 0);
	struct rec r = {};
	struct md_km_hooks h = hooks(&r);
	struct md_keymgr *km = md_keymgr_new(&c, &h);
	struct mihsec_key_event ev = up(0x42);

	md_keymgr_key_event(km, &ev);		/* unknown MMT: nothing */
	EXPECT_EQ(0, r.nadd);
	md_keymgr_free(km);

	c.mmt_id_from_mac = true;
	km = md_keymgr_new(&c, &h);
	md_keymgr_key_event(km, &ev);
	ASSERT_EQ(1, r.nadd);
	EXPECT_EQ(17U, r.add[0].peer_id_len);
	EXPECT_EQ(0, memcmp("02:00:00:00:00:01", r.add[0].peer_id, 17));
	md_keymgr_free(km);
}

TEST(rekey_duplicate_and_reused_key)
{
	struct md_km_peer_cfg p[1] = { peer(MD_KM_MMT, "mmt1", MAC_MMT) };
	struct md_km_cfg c = cfg_for("ar1", false, true, false, p, 1);
	struct rec r = {};
	struct md_km_hooks h = hooks(&r);
	struct md_keymgr *km = md_keymgr_new(&c, &h);
	struct mihsec_key_event ev = up(1);
	const struct md_km_sa *sas;

	md_keymgr_key_event(km, &ev);
	md_keymgr_key_event(km, &ev);		/* EAP-SUCCESS + CONNECTED */
	EXPECT_EQ(1, r.nadd);
	ev = up(2);				/* re-authentication */
	md_keymgr_key_event(km, &ev);
	ASSERT_EQ(2, r.nadd);
	EXPECT_NE(0, memcmp(r.add[0].rx_keyid, r.add[1].rx_keyid, 8));
	ASSERT_EQ(1U, md_keymgr_sas(km, &sas));
	EXPECT_EQ(1U, sas[0].rekeys);
	EXPECT_EQ(0, memcmp(r.add[1].rx_keyid, sas[0].rx_keyid, 8));

	/* a key the kernel held before: re-authenticate, never retry */
	r.add_err = -EEXIST;
	ev = up(3);
	md_keymgr_key_event(km, &ev);
	EXPECT_EQ(2, r.nadd);
	EXPECT_EQ(1, r.nreauth);
	EXPECT_EQ(MIHSEC_SRC_HOSTAPD, (int)r.reauth_src);
	EXPECT_EQ(0, memcmp(MAC_MMT, r.reauth_mac, 6));
	EXPECT_FALSE(sas[0].pending_cfg_valid);
	md_keymgr_check(km);			/* no retry of that key */
	EXPECT_EQ(2, r.nadd);
	md_keymgr_free(km);
}

TEST(pending_install_retried)
{
	struct md_km_peer_cfg p[1] = { peer(MD_KM_MMT, "mmt1", MAC_MMT) };
	struct md_km_cfg c = cfg_for("ar1", false, true, false, p, 1);
	struct rec r = {};
	struct md_km_hooks h = hooks(&r);
	struct md_keymgr *km = md_keymgr_new(&c, &h);
	struct mihsec_key_event ev = up(1);
	struct mihsec_event_info nosa = { .type = MIHSEC_EV_NO_SA,
					  .has_peer_id = true };
	const struct md_km_sa *sas;

	r.add_err = -ENOENT;			/* e.g. the module reloading */
	md_keymgr_key_event(km, &ev);
	EXPECT_EQ(0, r.nadd);
	ASSERT_EQ(1U, md_keymgr_sas(km, &sas));
	EXPECT_FALSE(sas[0].installed);
	EXPECT_TRUE(sas[0].pending_cfg_valid);
	/* a no-sa event for another peer does nothing */
	memcpy(nosa.peer_id, "mmt9", 4);
	nosa.peer_id_len = 4;
	md_keymgr_kernel_event(km, &nosa);
	EXPECT_EQ(0, r.nadd);
	memcpy(nosa.peer_id, "mmt1", 4);
	md_keymgr_kernel_event(km, &nosa);
	EXPECT_EQ(1, r.nadd);
	EXPECT_TRUE(sas[0].installed);
	EXPECT_FALSE(sas[0].pending_cfg_valid);

	/* the periodic check retries too */
	r.add_err = -ENOMEM;
	ev = up(2);
	md_keymgr_key_event(km, &ev);
	EXPECT_EQ(1, r.nadd);
	md_keymgr_check(km);
	EXPECT_EQ(2, r.nadd);
	md_keymgr_free(km);
}

TEST(key_down_removes)
{
	struct md_km_peer_cfg p[2] = { peer(MD_KM_MMT, "mmt1", MAC_MMT),
				       peer(MD_KM_MMT, "mmt2", NULL) };
	struct md_km_cfg c = cfg_for("ar1", false, true, false, p, 2);
	struct rec r = {};
	struct md_km_hooks h = hooks(&r);
	struct md_keymgr *km = md_keymgr_new(&c, &h);
	struct mihsec_key_event ev = up(1);
	const struct md_km_sa *sas;

	md_keymgr_key_event(km, &ev);
	ev.what = MIHSEC_KEY_DOWN;
	ev.src = MIHSEC_SRC_RADIUS;		/* another source's terminal */
	md_keymgr_key_event(km, &ev);
	EXPECT_EQ(0, r.ndel);
	ev.src = MIHSEC_SRC_HOSTAPD;
	md_keymgr_key_event(km, &ev);
	ASSERT_EQ(1, r.ndel);
	EXPECT_EQ(4U, r.del_len[0]);
	EXPECT_EQ(0, memcmp("mmt1", r.del[0], 4));
	EXPECT_EQ(0U, md_keymgr_sas(km, &sas));
	md_keymgr_free(km);
}

TEST(expiry_and_lost_sas_reauthenticate)
{
	struct md_km_peer_cfg p[1] = { peer(MD_KM_MMT, "mmt1", MAC_MMT) };
	struct md_km_cfg c = cfg_for("ar1", false, true, false, p, 1);
	struct rec r = {};
	struct md_km_hooks h = hooks(&r);
	struct md_keymgr *km = md_keymgr_new(&c, &h);
	struct mihsec_key_event ev = up(1);
	struct mihsec_event_info soft = { .type = MIHSEC_EV_SA_SOFT_EXPIRED,
					  .has_keyid = true };
	const struct md_km_sa *sas;

	md_keymgr_key_event(km, &ev);
	ASSERT_EQ(1, r.nadd);
	memset(soft.keyid, 0xee, 8);		/* not ours */
	md_keymgr_kernel_event(km, &soft);
	EXPECT_EQ(0, r.nreauth);
	memcpy(soft.keyid, r.add[0].rx_keyid, 8);
	md_keymgr_kernel_event(km, &soft);
	EXPECT_EQ(1, r.nreauth);
	md_keymgr_kernel_event(km, &soft);	/* asked once */
	EXPECT_EQ(1, r.nreauth);
	/* the new key arrives; then the kernel loses it */
	ev = up(2);
	md_keymgr_key_event(km, &ev);
	ASSERT_EQ(2, r.nadd);
	r.get_err = 0;
	md_keymgr_check(km);
	EXPECT_EQ(1, r.nreauth);
	r.get_err = -ENOENT;
	md_keymgr_check(km);
	EXPECT_EQ(2, r.nreauth);
	ASSERT_EQ(1U, md_keymgr_sas(km, &sas));
	EXPECT_FALSE(sas[0].installed);
	md_keymgr_check(km);			/* nothing to reinstall */
	EXPECT_EQ(2, r.nadd);
	EXPECT_EQ(2, r.nreauth);
	md_keymgr_free(km);
}

TEST(adopt_at_start)
{
	struct md_km_cfg c = cfg_for("ar1", false, true, false, NULL, 0);
	struct rec r = {};
	struct md_km_hooks h = hooks(&r);
	struct md_keymgr *km = md_keymgr_new(&c, &h);
	struct mihsec_sa_info sa = { .role = MIHSEC_ROLE_NETWORK };
	struct mihsec_key_event down = up(1);
	const struct md_km_sa *sas;

	memcpy(sa.local_id, "ar1", 3);
	sa.local_id_len = 3;
	memcpy(sa.peer_id, "mmt7", 4);
	sa.peer_id_len = 4;
	memset(sa.rx_keyid, 7, 8);
	md_keymgr_adopt(km, &sa);
	memcpy(sa.local_id, "ar2", 3);		/* not ours: ignored */
	memcpy(sa.peer_id, "mmt8", 4);
	md_keymgr_adopt(km, &sa);
	ASSERT_EQ(1U, md_keymgr_sas(km, &sas));
	EXPECT_TRUE(sas[0].installed);
	EXPECT_EQ(MD_KM_MMT, (int)sas[0].kind);
	EXPECT_EQ(0, (int)sas[0].src);
	/* a terminal it cannot name by MAC: a key down leaves it alone */
	down.what = MIHSEC_KEY_DOWN;
	md_keymgr_key_event(km, &down);
	EXPECT_EQ(0, r.ndel);
	/* lost later: nobody can re-authenticate it, nothing reinstalled */
	r.get_err = -ENOENT;
	md_keymgr_check(km);
	EXPECT_EQ(0, r.nreauth);
	EXPECT_EQ(0, r.nadd);
	md_keymgr_free(km);
}

/* The IS server installs what the MMT derives itself (mirror), once */
TEST(is_push_mirrors_the_mmt)
{
	struct md_km_peer_cfg pm[2] = { peer(MD_KM_POA, "ar1", MAC_AR),
					peer(MD_KM_IS, "is1", NULL) };
	struct md_km_cfg cm = cfg_for("mmt1", true, false, false, pm, 2);
	struct md_km_cfg ci = cfg_for("is1", false, false, true, NULL, 0);
	struct rec rm = {}, ri = {};
	struct md_km_hooks hm = hooks(&rm), hi = hooks(&ri);
	struct md_keymgr *mmt = md_keymgr_new(&cm, &hm);
	struct md_keymgr *is = md_keymgr_new(&ci, &hi);
	struct mihsec_key_event ev = up(9);
	struct mihsec_kdf_root root;

	md_keymgr_key_event(mmt, &ev);
	ASSERT_EQ(2, rm.nadd);
	ASSERT_EQ(0, mihsec_kdf_is_key(MIHSEC_KDF_V1, ev.msk, 32, MAC_MMT,
				       (const uint8_t *)"is1", 3, &root));
	ASSERT_EQ(0, md_keymgr_install_is(is, MIHSEC_KDF_V1, 1, MAC_MMT,
					  (const uint8_t *)"mmt1", 4,
					  root.key, 600));
	ASSERT_EQ(1, ri.nadd);
	EXPECT_EQ(MIHSEC_ROLE_NETWORK, (int)ri.add[0].role);
	EXPECT_EQ(0, memcmp(rm.add[1].tx_keyid, ri.add[0].rx_keyid, 8));
	EXPECT_EQ(0, memcmp(rm.add[1].tx_key, ri.add[0].rx_key, 16));
	EXPECT_EQ(0, memcmp(rm.add[1].rx_key, ri.add[0].tx_key, 16));
	EXPECT_EQ(600U, ri.add[0].life.hard_secs);	/* the AR's lifetime */
	/* a duplicate push: success, nothing reinstalled */
	EXPECT_EQ(0, md_keymgr_install_is(is, MIHSEC_KDF_V1, 1, MAC_MMT,
					  (const uint8_t *)"mmt1", 4,
					  root.key, 600));
	EXPECT_EQ(1, ri.nadd);
	/* key IDs the kernel held before: refused (the AR says Rejected) */
	root.key[0] ^= 1;
	ri.add_err = -EEXIST;
	EXPECT_EQ(-EEXIST, md_keymgr_install_is(is, MIHSEC_KDF_V1, 1, MAC_MMT,
						(const uint8_t *)"mmt1", 4,
						root.key, 600));
	/* a host that is no IS server refuses pushes */
	EXPECT_EQ(-EOPNOTSUPP, md_keymgr_install_is(mmt, MIHSEC_KDF_V1, 1,
						    MAC_MMT,
						    (const uint8_t *)"mmt1", 4,
						    root.key, 600));
	mihsec_kdf_root_wipe(&root);
	md_keymgr_free(mmt);
	md_keymgr_free(is);
}

/* An adopted SA goes when its terminal (named by the peer table) leaves */
TEST(adopted_sa_removed_on_key_down)
{
	struct md_km_peer_cfg p[1] = { peer(MD_KM_MMT, "mmt1", MAC_MMT) };
	struct md_km_cfg c = cfg_for("ar1", false, true, false, p, 1);
	struct rec r = {};
	struct md_km_hooks h = hooks(&r);
	struct md_keymgr *km = md_keymgr_new(&c, &h);
	struct mihsec_sa_info sa = { .role = MIHSEC_ROLE_NETWORK };
	struct mihsec_key_event down = up(1);
	const struct md_km_sa *sas;

	memcpy(sa.local_id, "ar1", 3);
	sa.local_id_len = 3;
	memcpy(sa.peer_id, "mmt1", 4);
	sa.peer_id_len = 4;
	md_keymgr_adopt(km, &sa);
	down.what = MIHSEC_KEY_DOWN;
	down.mac_mmt[5] = 9;			/* another terminal */
	md_keymgr_key_event(km, &down);
	EXPECT_EQ(0, r.ndel);
	down.mac_mmt[5] = MAC_MMT[5];
	md_keymgr_key_event(km, &down);
	ASSERT_EQ(1, r.ndel);
	EXPECT_EQ(0, memcmp("mmt1", r.del[0], 4));
	EXPECT_EQ(0U, md_keymgr_sas(km, &sas));
	md_keymgr_free(km);

	/* mmt-id-from-mac: the MIHF ID is the MAC */
	memset(&r, 0, sizeof(r));
	c = cfg_for("ar1", false, true, false, NULL, 0);
	c.mmt_id_from_mac = true;
	km = md_keymgr_new(&c, &h);
	memcpy(sa.peer_id, "02:00:00:00:00:01", 17);
	sa.peer_id_len = 17;
	md_keymgr_adopt(km, &sa);
	md_keymgr_key_event(km, &down);
	EXPECT_EQ(1, r.ndel);
	md_keymgr_free(km);
}

/* The IS link hands a ready SA; a new IS epoch re-authenticates terminals */
TEST(pushed_install_and_epoch_reauth)
{
	struct md_km_peer_cfg p[2] = { peer(MD_KM_MMT, "mmt1", MAC_MMT),
				       peer(MD_KM_IS, "is1", NULL) };
	struct md_km_cfg ci = cfg_for("is1", false, false, true, NULL, 0);
	struct md_km_cfg ca = cfg_for("ar1", false, true, false, p, 2);
	struct rec ri = {}, ra = {};
	struct md_km_hooks hi = hooks(&ri), ha = hooks(&ra);
	struct md_keymgr *is = md_keymgr_new(&ci, &hi);
	struct md_keymgr *ar = md_keymgr_new(&ca, &ha);
	struct mihsec_key_event ev = up(4);
	struct mihsec_kdf_keys k;
	struct mihsec_sa_cfg c;

	ASSERT_EQ(0, mihsec_kdf_is(MIHSEC_KDF_V1, 1, ev.msk, 32, MAC_MMT,
				   (const uint8_t *)"is1", 3, &k));
	ASSERT_EQ(0, mihsec_kdf_sa_cfg(&k, MIHSEC_ROLE_NETWORK,
				       (const uint8_t *)"is1", 3,
				       (const uint8_t *)"mmt1", 4, &c));
	c.life.has_hard_secs = true;
	c.life.hard_secs = 600;
	EXPECT_EQ(0, md_keymgr_install_pushed(is, &c, MAC_MMT));
	ASSERT_EQ(1, ri.nadd);
	EXPECT_EQ(0, memcmp(c.rx_keyid, ri.add[0].rx_keyid, 8));
	EXPECT_EQ(600U, ri.add[0].life.hard_secs);
	EXPECT_EQ(5U, ri.add[0].life.grace);		/* the IS's own */
	EXPECT_EQ(0, md_keymgr_install_pushed(is, &c, MAC_MMT));
	EXPECT_EQ(1, ri.nadd);				/* duplicate */
	ri.add_err = -EEXIST;
	c.rx_key[0] ^= 1;
	EXPECT_EQ(-EEXIST, md_keymgr_install_pushed(is, &c, MAC_MMT));
	EXPECT_EQ(-EOPNOTSUPP, md_keymgr_install_pushed(ar, &c, MAC_MMT));
	mihsec_sa_cfg_wipe(&c);
	mihsec_kdf_keys_wipe(&k);

	md_keymgr_key_event(ar, &ev);
	EXPECT_EQ(1, ra.npush);
	md_keymgr_reauth_terminals(ar, "test");
	EXPECT_EQ(1, ra.nreauth);
	EXPECT_EQ(0, memcmp(MAC_MMT, ra.reauth_mac, 6));
	md_keymgr_free(is);
	md_keymgr_free(ar);
}

/* At debug level each install logs key IDs and fingerprints, never keys */
TEST(debug_dump_without_keys)
{
	struct md_km_peer_cfg p[1] = { peer(MD_KM_MMT, "mmt1", MAC_MMT) };
	struct md_km_cfg c = cfg_for("ar1", false, true, false, p, 1);
	struct rec r = {};
	struct md_km_hooks h = hooks(&r);
	struct md_keymgr *km = md_keymgr_new(&c, &h);
	struct mihsec_key_event ev = up(5);
	char *buf = NULL, hex[65];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NE(NULL, f);
	md_log_open(f);
	md_log_set_level(MD_LOG_DEBUG);
	md_keymgr_key_event(km, &ev);
	md_log_set_level(MD_LOG_INFO);
	md_log_close();
	fclose(f);
	ASSERT_EQ(1, r.nadd);
	EXPECT_NE(NULL, strstr(buf, "sa mmt1: m2n keyid "));
	EXPECT_NE(NULL, strstr(buf, "sa mmt1: n2m keyid "));
	mihsec_hex_encode(r.add[0].tx_key, 16, hex);
	EXPECT_EQ(NULL, strstr(buf, hex));
	mihsec_hex_encode(r.add[0].rx_key, 16, hex);
	EXPECT_EQ(NULL, strstr(buf, hex));
	mihsec_hex_encode(ev.msk, 32, hex);
	EXPECT_EQ(NULL, strstr(buf, hex));
	free(buf);
	md_keymgr_free(km);
}

TEST_HARNESS_MAIN

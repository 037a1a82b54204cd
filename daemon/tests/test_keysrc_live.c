// SPDX-License-Identifier: GPL-2.0
/*
 * The wpa_supplicant and hostapd key sources against the real daemons.
 * Skipped unless the environment names their control sockets (the host
 * test daemon/tests/host/eap_keysrc.sh sets it up in network namespaces):
 *   MIHSEC_LIVE_WPA_CTRL      wpa_supplicant control socket (one interface)
 *   MIHSEC_LIVE_HOSTAPD_CTRL  hostapd control socket (one interface)
 *   MIHSEC_LIVE_PREAUTH       the AR's MAC: wired RSN pre-authentication
 *   MIHSEC_LIVE_TIMEOUT_MS    deadline per step (default 15000)
 * Steps: start the configured sources on one md_loop and wait for a
 * MIHSEC_KEY_UP from each; ask wpa_supplicant for a re-authentication
 * (md_wpa_reauth) and wait for a second UP from each, with a different key;
 * then send DISCONNECT to wpa_supplicant and wait for its MIHSEC_KEY_DOWN.
 * Every event is printed as a TAP comment line
 *   "# keysrc-live: UP|DOWN <source> <mac_mmt> <mac_poa> <fp>|-"
 * (fp = mihsec_kdf_fingerprint of the key, never the key) for the host
 * script to compare with what the daemons report; with both sources the
 * test also checks here that both ends got the same key and MACs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wpa_ctrl.h>

#include "kselftest_harness.h"

#include "keys/ctrl.h"
#include "keys/hostapd.h"
#include "keys/wpa.h"
#include "lib/kdf.h"
#include "mihsecd/loop.h"

#define MAXEV	16

struct rec {
	enum mihsec_key_what what;
	enum mihsec_key_src src;
	uint8_t mmt[MIHSEC_MAC_LEN], poa[MIHSEC_MAC_LEN];
	char fp[MIHSEC_KDF_FP_STR];
};

struct live {
	struct md_loop *loop;
	struct rec ev[MAXEV];
	int n;
	/* stop the loop once this many events of these kinds came */
	int want_wpa, want_hapd;
	enum mihsec_key_what want_what;
	int got_wpa, got_hapd;
};

static void key_cb(void *arg, const struct mihsec_key_event *ev)
{
	struct live *l = arg;
	struct rec *r;
	char a[MD_MAC_STR], b[MD_MAC_STR];

	if (l->n >= MAXEV)
		return;
	r = &l->ev[l->n++];
	r->what = ev->what;
	r->src = ev->src;
	memcpy(r->mmt, ev->mac_mmt, MIHSEC_MAC_LEN);
	memcpy(r->poa, ev->mac_poa, MIHSEC_MAC_LEN);
	if (ev->what == MIHSEC_KEY_UP)
		mihsec_kdf_fingerprint(ev->msk, MIHSEC_MSK_LEN, r->fp);
	else
		strcpy(r->fp, "-");
	md_mac_str(r->mmt, a);
	md_mac_str(r->poa, b);
	printf("# keysrc-live: %s %s %s %s %s\n",
	       ev->what == MIHSEC_KEY_UP ? "UP" : "DOWN",
	       mihsec_key_src_name(ev->src), a, b, r->fp);
	fflush(stdout);
	if (ev->what == l->want_what) {
		if (ev->src == MIHSEC_SRC_WPA_SUPPLICANT)
			l->got_wpa++;
		else if (ev->src == MIHSEC_SRC_HOSTAPD)
			l->got_hapd++;
	}
	if (l->got_wpa >= l->want_wpa && l->got_hapd >= l->want_hapd)
		md_loop_stop(l->loop, 0);
}

static void deadline(struct md_loop *loop, struct md_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	md_loop_stop(loop, -ETIMEDOUT);
}

/* run until @wpa/@hapd more events of kind @what came; 0 or -ETIMEDOUT */
static int wait_for(struct live *l, enum mihsec_key_what what, int wpa,
		    int hapd, uint64_t timeout_ms)
{
	struct md_timer *t;
	int ret;

	l->want_what = what;
	l->got_wpa = l->got_hapd = 0;
	l->want_wpa = wpa;
	l->want_hapd = hapd;
	t = md_timer_add(l->loop, timeout_ms * MD_NSEC_PER_MSEC, 0, deadline,
			 NULL);
	if (!t)
		return -ENOMEM;
	ret = md_loop_run(l->loop);
	if (ret != -ETIMEDOUT)
		md_timer_cancel(l->loop, t);
	return ret;
}

/* the last event of @src and @what at index >= @from, or NULL */
static struct rec *last(struct live *l, int from, enum mihsec_key_src src,
			enum mihsec_key_what what)
{
	struct rec *r = NULL;
	int i;

	for (i = from; i < l->n; i++)
		if (l->ev[i].src == src && l->ev[i].what == what)
			r = &l->ev[i];
	return r;
}

TEST(live_wpa_supplicant_and_hostapd)
{
	const char *wpa_path = getenv("MIHSEC_LIVE_WPA_CTRL");
	const char *hapd_path = getenv("MIHSEC_LIVE_HOSTAPD_CTRL");
	const char *pre = getenv("MIHSEC_LIVE_PREAUTH");
	const char *tmo = getenv("MIHSEC_LIVE_TIMEOUT_MS");
	uint64_t timeout_ms = tmo ? strtoull(tmo, NULL, 10) : 15000;
	struct md_wpa_cfg wcfg = { .network_id = -1 };
	struct md_hostapd_cfg hcfg = { 0 };
	struct md_wpa *w = NULL;
	struct md_hostapd *h = NULL;
	struct live l = { 0 };
	struct rec *wu1 = NULL, *hu1 = NULL, *wu2, *hu2, *wd;
	int nw = wpa_path ? 1 : 0, nh = hapd_path ? 1 : 0, mark;

	if (!nw && !nh)
		SKIP(return, "MIHSEC_LIVE_WPA_CTRL/MIHSEC_LIVE_HOSTAPD_CTRL not set");
	l.loop = md_loop_new();
	ASSERT_NE(NULL, l.loop);
	if (pre) {
		ASSERT_EQ(17, md_ctrl_parse_mac(pre, wcfg.preauth_aa));
		wcfg.preauth = true;
	}
	if (nh) {
		hcfg.ctrl_path = hapd_path;
		ASSERT_EQ(0, md_hostapd_start(l.loop, &hcfg, key_cb, &l, &h));
	}
	if (nw) {
		wcfg.ctrl_path = wpa_path;
		ASSERT_EQ(0, md_wpa_start(l.loop, &wcfg, key_cb, &l, &w));
	}

	/* 1. the first key */
	ASSERT_EQ(0, wait_for(&l, MIHSEC_KEY_UP, nw, nh, timeout_ms));
	if (nw)
		ASSERT_NE(NULL, wu1 = last(&l, 0, MIHSEC_SRC_WPA_SUPPLICANT,
					   MIHSEC_KEY_UP));
	if (nh)
		ASSERT_NE(NULL, hu1 = last(&l, 0, MIHSEC_SRC_HOSTAPD,
					   MIHSEC_KEY_UP));
	if (nw && nh) {
		EXPECT_STREQ(wu1->fp, hu1->fp);
		EXPECT_EQ(0, memcmp(wu1->mmt, hu1->mmt, MIHSEC_MAC_LEN));
		EXPECT_EQ(0, memcmp(wu1->poa, hu1->poa, MIHSEC_MAC_LEN));
	}
	if (pre && nw)
		EXPECT_EQ(0, memcmp(wu1->poa, wcfg.preauth_aa, MIHSEC_MAC_LEN));
	if (!nw)
		goto out;

	/* 2. re-authentication: a new key, one UP from each side */
	mark = l.n;
	ASSERT_EQ(0, md_wpa_reauth(w, NULL));
	ASSERT_EQ(0, wait_for(&l, MIHSEC_KEY_UP, 1, nh, timeout_ms));
	ASSERT_NE(NULL, wu2 = last(&l, mark, MIHSEC_SRC_WPA_SUPPLICANT,
				   MIHSEC_KEY_UP));
	EXPECT_STRNE(wu1->fp, wu2->fp);
	EXPECT_EQ(0, memcmp(wu1->mmt, wu2->mmt, MIHSEC_MAC_LEN));
	EXPECT_EQ(0, memcmp(wu1->poa, wu2->poa, MIHSEC_MAC_LEN));
	if (nh) {
		ASSERT_NE(NULL, hu2 = last(&l, mark, MIHSEC_SRC_HOSTAPD,
					   MIHSEC_KEY_UP));
		EXPECT_STRNE(hu1->fp, hu2->fp);
		EXPECT_STREQ(wu2->fp, hu2->fp);
	}

	/* 3. disconnect: DOWN from wpa_supplicant's source */
	{
		struct wpa_ctrl *c = wpa_ctrl_open(wpa_path);
		char reply[64];
		size_t len = sizeof(reply) - 1;

		ASSERT_NE(NULL, c);
		ASSERT_EQ(0, wpa_ctrl_request(c, "DISCONNECT", 10, reply, &len,
					      NULL));
		wpa_ctrl_close(c);
	}
	mark = l.n;
	ASSERT_EQ(0, wait_for(&l, MIHSEC_KEY_DOWN, 1, 0, timeout_ms));
	ASSERT_NE(NULL, wd = last(&l, mark, MIHSEC_SRC_WPA_SUPPLICANT,
				  MIHSEC_KEY_DOWN));
	EXPECT_EQ(0, memcmp(wd->poa, wu2->poa, MIHSEC_MAC_LEN));
	EXPECT_EQ(0, memcmp(wd->mmt, wu2->mmt, MIHSEC_MAC_LEN));
out:
	md_wpa_stop(w);
	md_hostapd_stop(h);
	md_loop_free(l.loop);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The RADIUS key source (keys/radius.c) between a real authenticator and
 * a real AAA server.  Skipped unless the environment configures it (the
 * host test daemon/tests/host/radius_relay.sh does, in a network
 * namespace, with eapol_test and hostapd's RADIUS server):
 *   MIHSEC_RADIUS_LISTEN          relay listen ADDR:PORT (required)
 *   MIHSEC_RADIUS_SERVER          AAA server ADDR:PORT (required)
 *   MIHSEC_RADIUS_SECRET_FILE     client-side secret file (required)
 *   MIHSEC_RADIUS_SERVER_SECRET_FILE  server-side secret file (optional)
 *   MIHSEC_RADIUS_AR_MAC          ar_mac (optional, xx:xx:xx:xx:xx:xx)
 *   MIHSEC_RADIUS_WANT            number of MIHSEC_KEY_UP events expected
 *                                 (default 1; 0 = expect none)
 *   MIHSEC_RADIUS_STOP            a path: the relay runs until it exists
 *                                 (required; the script creates it when
 *                                 its authenticator is done)
 *   MIHSEC_RADIUS_TIMEOUT_MS      give up after this long (default 25000)
 * It prints "# radius-live: ready" once the relay listens, and each event
 * as "# radius-live: UP <mac_mmt> <mac_poa> <fp>" (fp =
 * mihsec_kdf_fingerprint of MSK[0..31], never the key); it passes if the
 * number of UP events is MIHSEC_RADIUS_WANT when the stop file appears.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"

#include "keys/radius.h"
#include "lib/kdf.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

struct live {
	struct md_loop *loop;
	const char *stop_path;
	uint64_t deadline;
	int ups;
	bool timed_out;
};

static void mac_str(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static void key_cb(void *arg, const struct mihsec_key_event *ev)
{
	struct live *l = arg;
	char a[18], b[18], fp[MIHSEC_KDF_FP_STR];

	if (ev->what != MIHSEC_KEY_UP || ev->src != MIHSEC_SRC_RADIUS)
		return;
	if (mihsec_kdf_fingerprint(ev->msk, MIHSEC_MSK_LEN, fp))
		strcpy(fp, "?");
	mac_str(ev->mac_mmt, a);
	mac_str(ev->mac_poa, b);
	printf("# radius-live: UP %s %s %s\n", a, b, fp);
	fflush(stdout);
	l->ups++;
}

static void poll_stop(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct live *l = arg;

	if (!access(l->stop_path, F_OK)) {
		md_loop_stop(loop, 0);
	} else if (md_now_ns() >= l->deadline) {
		l->timed_out = true;
		md_loop_stop(loop, 1);
	}
}

TEST(radius_relay_live)
{
	const char *listen = getenv("MIHSEC_RADIUS_LISTEN");
	const char *server = getenv("MIHSEC_RADIUS_SERVER");
	const char *secret = getenv("MIHSEC_RADIUS_SECRET_FILE");
	const char *ssecret = getenv("MIHSEC_RADIUS_SERVER_SECRET_FILE");
	const char *ar_mac = getenv("MIHSEC_RADIUS_AR_MAC");
	const char *want_s = getenv("MIHSEC_RADIUS_WANT");
	const char *stop = getenv("MIHSEC_RADIUS_STOP");
	const char *tmo = getenv("MIHSEC_RADIUS_TIMEOUT_MS");
	struct md_radius_cfg cfg = { 0 };
	struct md_radius *r = NULL;
	struct md_radius_stats st;
	struct live l = { 0 };
	int want = want_s ? atoi(want_s) : 1;

	if (!listen || !server || !secret || !stop)
		SKIP(return, "MIHSEC_RADIUS_LISTEN/SERVER/SECRET_FILE/STOP not set");
	md_log_open(stderr);
	md_log_set_level(MD_LOG_DEBUG);
	cfg.listen = listen;
	cfg.server = server;
	cfg.client_secret_file = secret;
	cfg.server_secret_file = ssecret && *ssecret ? ssecret : NULL;
	if (ar_mac && *ar_mac) {
		ASSERT_EQ(0, md_radius_parse_mac(ar_mac, strlen(ar_mac), false,
						 cfg.ar_mac));
		cfg.have_ar_mac = true;
	}
	l.loop = md_loop_new();
	ASSERT_NE(NULL, l.loop);
	l.stop_path = stop;
	l.deadline = md_now_ns() +
		     (tmo ? strtoull(tmo, NULL, 10) : 25000) * MD_NSEC_PER_MSEC;
	ASSERT_EQ(0, md_radius_start(l.loop, &cfg, key_cb, &l, &r));
	ASSERT_NE(NULL, md_timer_add(l.loop, 50 * MD_NSEC_PER_MSEC,
				     50 * MD_NSEC_PER_MSEC, poll_stop, &l));
	printf("# radius-live: ready\n");
	fflush(stdout);
	md_loop_run(l.loop);
	md_radius_get_stats(r, &st);
	printf("# radius-live: requests %llu replies %llu keys %llu dropped %llu\n",
	       (unsigned long long)st.requests, (unsigned long long)st.replies,
	       (unsigned long long)st.keys, (unsigned long long)st.dropped);
	fflush(stdout);
	md_radius_stop(r);
	md_loop_free(l.loop);
	ASSERT_FALSE(l.timed_out);
	ASSERT_EQ(want, l.ups);
}

TEST_HARNESS_MAIN

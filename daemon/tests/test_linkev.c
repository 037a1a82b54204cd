// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of mihf/linkev.c: the wpa_supplicant event and SCAN_RESULTS
 * parsers with canned lines, the reason mapping, the SIGNAL_MONITOR
 * command; the wpa_supplicant path end to end against a fake control
 * socket (a thread); rtnetlink's view of the loopback interface (no root,
 * no namespace: only reading).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#include "tests/fakectrl.h"

#include "mihf/linkev.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

#define AP1	"02:00:00:00:01:00"
#define AP2	"02:00:00:00:02:00"
static const uint8_t ap1[6] = { 2, 0, 0, 0, 1, 0 };

TEST(wpa_connected_line)
{
	struct linkev_event ev;

	ASSERT_EQ(LINKEV_WPA_EVENT, linkev_wpa_parse(
		"CTRL-EVENT-CONNECTED - Connection to " AP1
		" completed [id=0 id_str=]", &ev));
	EXPECT_EQ((int)LINKEV_UP, (int)ev.type);
	EXPECT_TRUE(ev.has_poa);
	EXPECT_EQ(0, memcmp(ev.poa, ap1, 6));
	/* older format without the id part */
	ASSERT_EQ(LINKEV_WPA_EVENT, linkev_wpa_parse(
		"CTRL-EVENT-CONNECTED - Connection to " AP1 " completed", &ev));
	/* malformed BSSID or wording */
	EXPECT_EQ(-EINVAL, linkev_wpa_parse(
		"CTRL-EVENT-CONNECTED - Connection to 02:00:00:00:01 completed",
		&ev));
	EXPECT_EQ(-EINVAL, linkev_wpa_parse(
		"CTRL-EVENT-CONNECTED - Connection to " AP1 " failed", &ev));
	EXPECT_EQ(-EINVAL, linkev_wpa_parse(
		"CTRL-EVENT-CONNECTED - Connection to " AP1 " completedX", &ev));
	EXPECT_FALSE(ev.has_poa);
}

TEST(wpa_disconnected_line_reasons)
{
	struct linkev_event ev;

	ASSERT_EQ(LINKEV_WPA_EVENT, linkev_wpa_parse(
		"CTRL-EVENT-DISCONNECTED bssid=" AP1 " reason=3 "
		"locally_generated=1", &ev));
	EXPECT_EQ((int)LINKEV_DOWN, (int)ev.type);
	EXPECT_EQ(0, memcmp(ev.poa, ap1, 6));
	EXPECT_EQ(3, ev.ieee_reason);
	EXPECT_TRUE(ev.locally_generated);
	EXPECT_EQ(LINKEV_DN_EXPLICIT, ev.reason);

	ASSERT_EQ(LINKEV_WPA_EVENT, linkev_wpa_parse(
		"CTRL-EVENT-DISCONNECTED bssid=" AP1 " reason=4 "
		"locally_generated=1", &ev));
	EXPECT_EQ(LINKEV_DN_PACKET_TIMEOUT, ev.reason);
	ASSERT_EQ(LINKEV_WPA_EVENT, linkev_wpa_parse(
		"CTRL-EVENT-DISCONNECTED bssid=" AP1 " reason=5", &ev));
	EXPECT_EQ(LINKEV_DN_NO_RESOURCE, ev.reason);
	EXPECT_FALSE(ev.locally_generated);
	ASSERT_EQ(LINKEV_WPA_EVENT, linkev_wpa_parse(
		"CTRL-EVENT-DISCONNECTED bssid=" AP1 " reason=15", &ev));
	EXPECT_EQ(LINKEV_DN_AUTH_FAILURE, ev.reason);
	ASSERT_EQ(LINKEV_WPA_EVENT, linkev_wpa_parse(
		"CTRL-EVENT-DISCONNECTED bssid=" AP1 " reason=23", &ev));
	EXPECT_EQ(LINKEV_DN_AUTH_FAILURE, ev.reason);
	/* no reason at all: not locally generated -> a timeout */
	ASSERT_EQ(LINKEV_WPA_EVENT, linkev_wpa_parse(
		"CTRL-EVENT-DISCONNECTED bssid=" AP1, &ev));
	EXPECT_EQ(-1, ev.ieee_reason);
	EXPECT_EQ(LINKEV_DN_PACKET_TIMEOUT, ev.reason);

	EXPECT_EQ(-EINVAL, linkev_wpa_parse(
		"CTRL-EVENT-DISCONNECTED bssid=zz:00:00:00:01:00 reason=3",
		&ev));
	EXPECT_EQ(-EINVAL, linkev_wpa_parse(
		"CTRL-EVENT-DISCONNECTED bssid=" AP1 " reason=x", &ev));
	EXPECT_EQ(-EINVAL, linkev_wpa_parse(
		"CTRL-EVENT-DISCONNECTED bssid=" AP1 " reason=70000", &ev));
	EXPECT_EQ(-EINVAL, linkev_wpa_parse(
		"CTRL-EVENT-DISCONNECTED reason=3", &ev));
}

TEST(dn_reason_table)
{
	EXPECT_EQ(LINKEV_DN_EXPLICIT, linkev_dn_reason(8, false));
	EXPECT_EQ(LINKEV_DN_EXPLICIT, linkev_dn_reason(1, true));
	EXPECT_EQ(LINKEV_DN_PACKET_TIMEOUT, linkev_dn_reason(4, false));
	EXPECT_EQ(LINKEV_DN_NO_RESOURCE, linkev_dn_reason(5, false));
	EXPECT_EQ(LINKEV_DN_AUTH_FAILURE, linkev_dn_reason(2, false));
	EXPECT_EQ(LINKEV_DN_AUTH_FAILURE, linkev_dn_reason(14, false));
	EXPECT_EQ(LINKEV_DN_EXPLICIT, linkev_dn_reason(99, true));
	EXPECT_EQ(LINKEV_DN_PACKET_TIMEOUT, linkev_dn_reason(99, false));
}

TEST(wpa_signal_change_line)
{
	struct linkev_event ev;

	ASSERT_EQ(LINKEV_WPA_EVENT, linkev_wpa_parse(
		"CTRL-EVENT-SIGNAL-CHANGE above=0 signal=-78 noise=-95 "
		"txrate=6500", &ev));
	EXPECT_EQ((int)LINKEV_GOING_DOWN, (int)ev.type);
	EXPECT_EQ(LINKEV_GD_DEGRADING, ev.reason);
	EXPECT_EQ(-78, ev.signal_dbm);
	EXPECT_TRUE(ev.has_signal);
	ASSERT_EQ(LINKEV_WPA_RECOVERED, linkev_wpa_parse(
		"CTRL-EVENT-SIGNAL-CHANGE above=1 signal=-60 noise=-95 "
		"txrate=65000", &ev));
	EXPECT_EQ(-60, ev.signal_dbm);
	EXPECT_EQ(-EINVAL, linkev_wpa_parse(
		"CTRL-EVENT-SIGNAL-CHANGE above=2 signal=-60", &ev));
	EXPECT_EQ(-EINVAL, linkev_wpa_parse(
		"CTRL-EVENT-SIGNAL-CHANGE above=0", &ev));
	EXPECT_EQ(-EINVAL, linkev_wpa_parse(
		"CTRL-EVENT-SIGNAL-CHANGE above=0 signal=-9999", &ev));
	EXPECT_EQ(-EINVAL, linkev_wpa_parse(
		"CTRL-EVENT-SIGNAL-CHANGE above=0 signal=-7a", &ev));
}

TEST(wpa_other_lines)
{
	struct linkev_event ev;

	EXPECT_EQ(LINKEV_WPA_SCAN, linkev_wpa_parse(
		"CTRL-EVENT-SCAN-RESULTS ", &ev));
	EXPECT_EQ(LINKEV_WPA_SCAN, linkev_wpa_parse(
		"CTRL-EVENT-SCAN-RESULTS", &ev));
	EXPECT_EQ(0, linkev_wpa_parse("CTRL-EVENT-SCAN-RESULTSX", &ev));
	EXPECT_EQ(0, linkev_wpa_parse("CTRL-EVENT-SCAN-STARTED ", &ev));
	EXPECT_EQ(0, linkev_wpa_parse("Trying to associate with " AP1, &ev));
	EXPECT_EQ(0, linkev_wpa_parse("", &ev));
}

TEST(signal_monitor_command)
{
	struct linkev_if_cfg c = { .ifname = "wlan0" };
	char buf[80];

	ASSERT_EQ(0, linkev_signal_monitor_cmd(&c, buf, sizeof(buf)));
	EXPECT_STREQ("SIGNAL_MONITOR THRESHOLD=-70 HYSTERESIS=4", buf);
	c.signal_threshold = -65;
	c.hysteresis = 2;
	ASSERT_EQ(0, linkev_signal_monitor_cmd(&c, buf, sizeof(buf)));
	EXPECT_STREQ("SIGNAL_MONITOR THRESHOLD=-65 HYSTERESIS=2", buf);
	c.signal_threshold = 5;
	EXPECT_EQ(-EINVAL, linkev_signal_monitor_cmd(&c, buf, sizeof(buf)));
	c.signal_threshold = -65;
	EXPECT_EQ(-ENOSPC, linkev_signal_monitor_cmd(&c, buf, 10));
}

static const char scan_reply[] =
	"bssid / frequency / signal level / flags / ssid\n"
	AP1 "\t2412\t-45\t[WPA2-EAP-CCMP][ESS]\tcorp\n"
	AP2 "\t5180\t-30\t[ESS]\topen\\x20net\n"
	"02:00:00:00:03:00\t2437\t-80\t[ESS]\tweak\n"
	"bogus line\n"
	"02:00:00:00:04:00\tx\t-50\t[ESS]\tbadfreq\n"
	"02:00:00:00:05:00\t2462\t-60\t[ESS]\tbad\\q\n"
	"02:00:00:00:06:00\t2462\t-61\t[ESS]\t012345678901234567890123456789012\n"
	"02:00:00:00:07:00\t2462\t-62\t[WEP][ESS]\t\n";

TEST(scan_results_parse)
{
	struct linkev_det d[8];
	int n;

	n = linkev_scan_parse(scan_reply, d, 8);
	ASSERT_EQ(4, n);
	/* strongest first */
	EXPECT_EQ(-30, d[0].signal_dbm);
	EXPECT_EQ(5180u, d[0].freq_mhz);
	EXPECT_EQ(8u, d[0].ssid_len);
	EXPECT_EQ(0, memcmp(d[0].ssid, "open net", 8));
	EXPECT_FALSE(d[0].secured);
	EXPECT_EQ(-45, d[1].signal_dbm);
	EXPECT_EQ(0, memcmp(d[1].bssid, ap1, 6));
	EXPECT_TRUE(d[1].secured);
	EXPECT_EQ(4u, d[1].ssid_len);
	EXPECT_EQ(-62, d[2].signal_dbm);
	EXPECT_EQ(0u, d[2].ssid_len);
	EXPECT_TRUE(d[2].secured);
	EXPECT_EQ(-80, d[3].signal_dbm);
	/* room for two: the two strongest */
	n = linkev_scan_parse(scan_reply, d, 2);
	ASSERT_EQ(2, n);
	EXPECT_EQ(-30, d[0].signal_dbm);
	EXPECT_EQ(-45, d[1].signal_dbm);
	/* no header */
	EXPECT_EQ(-EINVAL, linkev_scan_parse(AP1 "\t2412\t-45\t[ESS]\tx\n",
					     d, 8));
	EXPECT_EQ(0, linkev_scan_parse(
		"bssid / frequency / signal level / flags / ssid\n", d, 8));
}

struct ctx {
	struct md_loop *loop;
	struct linkev_event ev[16];
	int n;
	int want;
};

static void ev_cb(void *arg, const struct linkev_event *ev)
{
	struct ctx *c = arg;

	if (c->n < 16)
		c->ev[c->n] = *ev;
	c->n++;
	if (c->want && c->n >= c->want)
		md_loop_stop(c->loop, 0);
}

static void expire(struct md_loop *loop, struct md_timer *t, void *arg)
{
	md_loop_stop(loop, -ETIMEDOUT);
}

/* run until @want events in all (or @ms) */
static int run_until(struct ctx *c, int want, uint64_t ms)
{
	struct md_timer *t;
	int ret;

	if (c->n >= want)
		return 0;
	c->want = want;
	t = md_timer_add(c->loop, ms * MD_NSEC_PER_MSEC, 0, expire, c);
	ret = md_loop_run(c->loop);
	if (ret != -ETIMEDOUT)
		md_timer_cancel(c->loop, t);
	c->want = 0;
	return ret;
}

TEST(wpa_source_end_to_end)
{
	struct linkev_if_cfg ifc = { .ifname = "wlfake0", .going_down_ms = 1500,
				     .signal_threshold = -72 };
	struct linkev_cfg cfg = { .ifs = &ifc, .nifs = 1, .no_rtnl = true };
	struct linkev_link links[2];
	struct linkev *le = NULL;
	struct ctx c = { 0 };
	struct fake f;
	char path[108], last[128];
	int i;

	md_log_set_level(MD_LOG_WARNING);
	snprintf(path, sizeof(path), "/tmp/mihsec-linkev-%d", (int)getpid());
	ASSERT_EQ(0, fake_start(&f, path));
	fake_rule(&f, "STATUS",
		  "bssid=" AP1 "\nssid=corp\nwpa_state=COMPLETED\n"
		  "address=02:00:00:00:aa:01\n", 0);
	fake_rule(&f, "SCAN_RESULTS", scan_reply, 0);
	fake_rule(&f, "SIGNAL_MONITOR *", "OK\n", 0);
	ifc.wpa_ctrl = path;
	c.loop = md_loop_new();
	ASSERT_NE(NULL, c.loop);
	ASSERT_EQ(0, linkev_start(c.loop, &cfg, ev_cb, &c, &le));
	/* connected at start: STATUS gives Link_Up with the BSSID */
	ASSERT_EQ(0, run_until(&c, 1, 3000));
	EXPECT_EQ((int)LINKEV_UP, (int)c.ev[0].type);
	EXPECT_STREQ("wlfake0", c.ev[0].ifname);
	EXPECT_EQ(LINKEV_LT_80211, c.ev[0].link_type);
	EXPECT_EQ(0, memcmp(c.ev[0].poa, ap1, 6));
	EXPECT_TRUE(c.ev[0].has_mac);
	EXPECT_EQ(0xaa, c.ev[0].mac[4]);
	EXPECT_EQ(1, fake_count(&f, "SIGNAL_MONITOR *"));
	fake_last(&f, "SIGNAL_MONITOR *", last, sizeof(last));
	EXPECT_STREQ("SIGNAL_MONITOR THRESHOLD=-72 HYSTERESIS=4", last);
	for (i = 0; i < 100 && !fake_attaches(&f); i++)
		usleep(10000);

	/* signal degrading -> one Link_Going_Down, repeated lines ignored */
	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-SIGNAL-CHANGE above=0 "
				"signal=-80 noise=-95 txrate=6000"));
	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-SIGNAL-CHANGE above=0 "
				"signal=-81 noise=-95 txrate=6000"));
	ASSERT_EQ(0, run_until(&c, 2, 3000));
	EXPECT_EQ((int)LINKEV_GOING_DOWN, (int)c.ev[1].type);
	EXPECT_EQ(LINKEV_GD_DEGRADING, c.ev[1].reason);
	EXPECT_EQ(1500, c.ev[1].time_ms);
	EXPECT_EQ(-80, c.ev[1].signal_dbm);
	EXPECT_EQ(0, memcmp(c.ev[1].poa, ap1, 6));

	/* scan results -> Link_Detected */
	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-SCAN-RESULTS "));
	ASSERT_EQ(0, run_until(&c, 3, 3000));
	EXPECT_EQ((int)LINKEV_DETECTED, (int)c.ev[2].type);
	EXPECT_EQ(4u, c.ev[2].ndet);

	/* disconnect -> Link_Down with the mapped reason; then reconnect to
	 * another AP */
	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-DISCONNECTED bssid=" AP1
				" reason=4 locally_generated=1"));
	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-DISCONNECTED bssid=" AP1
				" reason=4 locally_generated=1"));
	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-CONNECTED - Connection to "
				AP2 " completed [id=0 id_str=]"));
	ASSERT_EQ(0, run_until(&c, 5, 3000));
	EXPECT_EQ((int)LINKEV_DOWN, (int)c.ev[3].type);
	EXPECT_EQ(LINKEV_DN_PACKET_TIMEOUT, c.ev[3].reason);
	EXPECT_EQ(4, c.ev[3].ieee_reason);
	EXPECT_EQ((int)LINKEV_UP, (int)c.ev[4].type);
	EXPECT_EQ(2, c.ev[4].poa[4]);
	ASSERT_EQ(1u, linkev_links(le, links, 2));
	EXPECT_TRUE(links[0].up);
	EXPECT_TRUE(links[0].wpa_connected);
	EXPECT_EQ(2, links[0].poa[4]);
	/* nothing more (the duplicate DISCONNECTED gave nothing) */
	run_until(&c, 6, 200);
	EXPECT_EQ(5, c.n);

	/* the signal monitor speaks while associating (during EAP, before
	 * CONNECTED): Link_Going_Down right after Link_Up, once */
	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-DISCONNECTED bssid=" AP2
				" reason=3 locally_generated=1"));
	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-SIGNAL-CHANGE above=0 "
				"signal=-85 noise=9999 txrate=1000"));
	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-CONNECTED - Connection to "
				AP1 " completed [id=0 id_str=]"));
	ASSERT_EQ(0, run_until(&c, 8, 3000));
	EXPECT_EQ((int)LINKEV_DOWN, (int)c.ev[5].type);
	EXPECT_EQ((int)LINKEV_UP, (int)c.ev[6].type);
	EXPECT_EQ((int)LINKEV_GOING_DOWN, (int)c.ev[7].type);
	EXPECT_EQ(-85, c.ev[7].signal_dbm);
	EXPECT_EQ(0, memcmp(c.ev[7].poa, ap1, 6));
	run_until(&c, 9, 200);
	EXPECT_EQ(8, c.n);

	linkev_stop(le);
	fake_stop(&f);
	md_loop_free(c.loop);
}

TEST(rtnl_loopback_state)
{
	struct linkev_if_cfg ifc = { .ifname = "lo" };
	struct linkev_cfg cfg = { .ifs = &ifc, .nifs = 1 };
	struct linkev_link l;
	struct linkev *le = NULL;
	struct ctx c = { 0 };

	c.loop = md_loop_new();
	ASSERT_NE(NULL, c.loop);
	ASSERT_EQ(0, linkev_start(c.loop, &cfg, ev_cb, &c, &le));
	ASSERT_EQ(1u, linkev_links(le, &l, 1));
	EXPECT_STREQ("lo", l.ifname);
	EXPECT_GT(l.ifindex, 0);
	EXPECT_TRUE(l.up);
	EXPECT_EQ(LINKEV_LT_ETHERNET, l.link_type);
	/* the start-up state gives no events */
	EXPECT_EQ(0, c.n);
	linkev_stop(le);
	md_loop_free(c.loop);
}

/* a wired link with a (wired) wpa_supplicant: the carrier is the state */
TEST(wired_wpa_supplicant_link)
{
	struct linkev_if_cfg ifc = { .ifname = "lo" };
	struct linkev_cfg cfg = { .ifs = &ifc, .nifs = 1 };
	struct linkev_link l;
	struct linkev *le = NULL;
	struct ctx c = { 0 };
	struct fake f;
	char path[108];
	int i;

	md_log_set_level(MD_LOG_WARNING);
	snprintf(path, sizeof(path), "/tmp/mihsec-linkev-w-%d",
		 (int)getpid());
	ASSERT_EQ(0, fake_start(&f, path));
	fake_rule(&f, "STATUS",
		  "bssid=01:80:c2:00:00:03\nwpa_state=COMPLETED\n", 0);
	fake_rule(&f, "SCAN_RESULTS", "", 0);
	fake_rule(&f, "SIGNAL_MONITOR *", "OK\n", 0);
	ifc.wpa_ctrl = path;
	c.loop = md_loop_new();
	ASSERT_NE(NULL, c.loop);
	ASSERT_EQ(0, linkev_start(c.loop, &cfg, ev_cb, &c, &le));
	for (i = 0; i < 100 && !fake_attaches(&f); i++)
		run_until(&c, 1, 10);
	ASSERT_TRUE(fake_attaches(&f));
	ASSERT_EQ(1u, linkev_links(le, &l, 1));
	EXPECT_EQ(LINKEV_LT_ETHERNET, l.link_type);
	EXPECT_TRUE(l.up);
	EXPECT_FALSE(l.has_poa);	/* not the PAE group address */
	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-DISCONNECTED "
				"bssid=01:80:c2:00:00:03 reason=3"));
	ASSERT_EQ(0, fake_event(&f, "CTRL-EVENT-SIGNAL-CHANGE above=0 "
				"signal=-80 noise=-95 txrate=6000"));
	run_until(&c, 1, 300);
	EXPECT_EQ(0, c.n);
	linkev_links(le, &l, 1);
	EXPECT_TRUE(l.up);
	linkev_stop(le);
	fake_stop(&f);
	md_loop_free(c.loop);
}

TEST(start_arguments)
{
	struct linkev_if_cfg ifc = { .ifname = "" };
	struct linkev_cfg cfg = { .ifs = &ifc, .nifs = 1, .no_rtnl = true };
	struct md_loop *loop = md_loop_new();
	struct linkev *le = NULL;
	struct ctx c = { 0 };

	ASSERT_NE(NULL, loop);
	EXPECT_EQ(-EINVAL, linkev_start(loop, &cfg, ev_cb, &c, &le));
	snprintf(ifc.ifname, sizeof(ifc.ifname), "eth0");
	ifc.signal_threshold = 3;
	EXPECT_EQ(-EINVAL, linkev_start(loop, &cfg, ev_cb, &c, &le));
	ifc.signal_threshold = 0;
	EXPECT_EQ(-EINVAL, linkev_start(loop, &cfg, NULL, &c, &le));
	cfg.nifs = LINKEV_IF_MAX + 1;
	EXPECT_EQ(-EINVAL, linkev_start(loop, &cfg, ev_cb, &c, &le));
	md_loop_free(loop);
}

TEST_HARNESS_MAIN

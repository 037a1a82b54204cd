/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Link events from real links, for the MIH function (mihf.h).
 *
 * Two sources, both on mihsecd's event loop:
 *  - rtnetlink through libnl-route (a NETLINK_ROUTE socket subscribed to
 *    RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR; messages
 *    parsed with nl_msg_parse() into rtnl_link / rtnl_addr objects): a
 *    configured interface going operationally up (IFF_RUNNING, or oper
 *    state UP/UNKNOWN with IFF_UP) gives LINKEV_UP, going down LINKEV_DOWN
 *    (reason explicit disconnect); an address added or removed gives
 *    LINKEV_ADDR_ADD / LINKEV_ADDR_DEL.  On a Wi-Fi interface with a
 *    wpa_supplicant control socket the up/down events come from
 *    wpa_supplicant instead (they carry the BSSID and the reason).
 *  - wpa_supplicant's control socket (keys/ctrl.h, md_ctrl):
 *      CTRL-EVENT-CONNECTED - Connection to <bssid> completed ...
 *          -> LINKEV_UP, poa = bssid
 *      CTRL-EVENT-DISCONNECTED bssid=<bssid> reason=<n> [locally_generated=1]
 *          -> LINKEV_DOWN, reason = LINK_DN_REASON (linkev_dn_reason())
 *      CTRL-EVENT-SIGNAL-CHANGE above=0 signal=<dBm> ...
 *          -> LINKEV_GOING_DOWN, reason "link parameter degrading",
 *             time interval = the configured estimate
 *          (above=1 is recorded, not reported: the link recovered)
 *      CTRL-EVENT-SCAN-RESULTS
 *          -> SCAN_RESULTS is asked for and parsed: LINKEV_DETECTED with
 *             the BSSes seen (at most LINKEV_DET_MAX, strongest first)
 *    These up/down events are used on 802.11 links only: on a wired link
 *    with a wired wpa_supplicant (802.1X) the carrier (rtnetlink) is the
 *    link state.
 *    On (re)connection to wpa_supplicant linkev sends
 *    "SIGNAL_MONITOR THRESHOLD=<dBm> HYSTERESIS=<dB>" (wpa_supplicant's
 *    control interface command for CTRL-EVENT-SIGNAL-CHANGE) and reads
 *    STATUS to report a link that is already up.
 *
 * The event is codec-agnostic (struct linkev_event); mihf.c turns it into
 * MIH indications.  Conventions: 0 / -errno.
 */
#ifndef MIHSECD_MIHF_LINKEV_H
#define MIHSECD_MIHF_LINKEV_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mihsecd/loop.h"

/* MIH LINK_TYPE values (WIRE.md section 6) */
#define LINKEV_LT_ETHERNET	15
#define LINKEV_LT_80211		19

/* LINK_DN_REASON (WIRE.md section 6) */
enum linkev_dn_reason {
	LINKEV_DN_EXPLICIT	= 0,
	LINKEV_DN_PACKET_TIMEOUT = 1,
	LINKEV_DN_NO_RESOURCE	= 2,
	LINKEV_DN_NO_BROADCAST	= 3,
	LINKEV_DN_AUTH_FAILURE	= 4,
	LINKEV_DN_BILLING_FAILURE = 5,
};

/* LINK_GD_REASON */
enum linkev_gd_reason {
	LINKEV_GD_EXPLICIT	= 0,
	LINKEV_GD_DEGRADING	= 1,
	LINKEV_GD_LOW_POWER	= 2,
	LINKEV_GD_NO_RESOURCE	= 3,
};

enum linkev_type {
	LINKEV_DETECTED = 1,	/* new links seen (scan results) */
	LINKEV_UP,
	LINKEV_DOWN,
	LINKEV_GOING_DOWN,
	LINKEV_ADDR_ADD,	/* an IP address was added */
	LINKEV_ADDR_DEL,
};

#define LINKEV_DET_MAX		16
#define LINKEV_SSID_MAX		32

/* One link seen in a scan (basis of LINK_DET_INFO) */
struct linkev_det {
	uint8_t bssid[6];
	uint8_t ssid[LINKEV_SSID_MAX];
	size_t ssid_len;
	int signal_dbm;
	uint32_t freq_mhz;
	bool secured;		/* [WPA..] / [RSN..] / [WEP] in the flags */
};

struct linkev_event {
	enum linkev_type type;
	char ifname[IF_NAMESIZE];
	int ifindex;			/* 0 if unknown */
	uint8_t link_type;		/* LINKEV_LT_* */
	uint8_t mac[6];			/* the interface's own address */
	bool has_mac;
	uint8_t poa[6];			/* the PoA (BSSID), UP/DOWN/GOING_DOWN */
	bool has_poa;
	int reason;			/* DOWN: linkev_dn_reason; GOING_DOWN:
					 * linkev_gd_reason; else -1 */
	int ieee_reason;		/* DOWN from wpa_supplicant: 802.11
					 * reason code; else -1 */
	bool locally_generated;		/* DOWN: we disconnected */
	bool ip_renewal;		/* UP: IP renewal flag (TLV 17); set by
					 * mihf.c on the Link_Up it sends for
					 * an address change of a link that is
					 * up; linkev never sets it */
	uint16_t time_ms;		/* GOING_DOWN: expected time to down */
	int signal_dbm;			/* GOING_DOWN: the signal level */
	bool has_signal;
	/* ADDR_ADD / ADDR_DEL */
	int family;			/* AF_INET, AF_INET6 */
	uint8_t addr[16];
	uint8_t prefixlen;
	/* DETECTED */
	struct linkev_det det[LINKEV_DET_MAX];
	size_t ndet;
	uint64_t t_ns;			/* md_now_ns() when it happened */
};

/* "Link_Up" ... for logs; "address added" for the address events */
const char *linkev_type_name(enum linkev_type t);

typedef void (*linkev_cb)(void *arg, const struct linkev_event *ev);

/* One watched interface */
struct linkev_if_cfg {
	char ifname[IF_NAMESIZE];
	uint8_t link_type;		/* 0: from sysfs (a wireless PHY:
					 * 802.11, else Ethernet); until the
					 * interface exists: 802.11 if
					 * wpa_ctrl is set, else Ethernet */
	const char *wpa_ctrl;		/* wpa_supplicant control socket of
					 * this interface, or NULL */
	int signal_threshold;		/* dBm; 0: LINKEV_SIGNAL_THRESHOLD */
	int hysteresis;			/* dB; 0: LINKEV_HYSTERESIS */
	uint16_t going_down_ms;		/* 0: LINKEV_GOING_DOWN_MS */
};

#define LINKEV_SIGNAL_THRESHOLD	(-70)
#define LINKEV_HYSTERESIS	4
#define LINKEV_GOING_DOWN_MS	2000
#define LINKEV_IF_MAX		16

struct linkev_cfg {
	const struct linkev_if_cfg *ifs;
	size_t nifs;			/* at most LINKEV_IF_MAX */
	bool no_rtnl;			/* tests: wpa_supplicant only */
};

struct linkev;

/*
 * Start watching (copies @cfg).  Interfaces that do not exist yet are
 * reported when they appear.  -EINVAL, -ENOMEM, or the netlink error.
 */
int linkev_start(struct md_loop *loop, const struct linkev_cfg *cfg,
		 linkev_cb cb, void *arg, struct linkev **out);
void linkev_stop(struct linkev *le);

/* The current state of a watched link */
struct linkev_link {
	char ifname[IF_NAMESIZE];
	int ifindex;
	uint8_t link_type;
	uint8_t mac[6];
	bool has_mac;
	bool up;
	uint8_t poa[6];
	bool has_poa;
	int signal_dbm;			/* last reported; 0 unknown */
	bool wpa_connected;		/* control socket connected */
};

/* Number of watched links; fills up to @max of them into @out */
size_t linkev_links(const struct linkev *le, struct linkev_link *out,
		    size_t max);

/* Ask wpa_supplicant on @ifname (NULL: every one) to scan: 0, -ENOENT,
 * -ENOTCONN */
int linkev_scan(struct linkev *le, const char *ifname);

/* ---- pure parsers (tests/test_linkev.c) ---- */

/*
 * One wpa_supplicant event line (priority prefix already removed) into
 * @ev (type and the fields the line carries; ifname/link_type/mac are left
 * for the caller).  Returns 1 if it is an event linkev reports (UP, DOWN,
 * GOING_DOWN), 2 for CTRL-EVENT-SCAN-RESULTS (the caller fetches
 * SCAN_RESULTS), 3 for a signal change back above the threshold, 0 for a
 * line linkev ignores, -EINVAL for a malformed line of a known event.
 */
#define LINKEV_WPA_EVENT	1
#define LINKEV_WPA_SCAN		2
#define LINKEV_WPA_RECOVERED	3
int linkev_wpa_parse(const char *line, struct linkev_event *ev);

/*
 * The reply to SCAN_RESULTS ("bssid / frequency / signal level / flags /
 * ssid" header, then tab-separated lines) into @det (at most @max,
 * strongest signal first).  Returns the number stored or -EINVAL if the
 * header is missing; malformed lines are skipped.
 */
int linkev_scan_parse(const char *reply, struct linkev_det *det, size_t max);

/* IEEE 802.11 reason code of a disconnection -> LINK_DN_REASON */
int linkev_dn_reason(int ieee_reason, bool locally_generated);

/* The "SIGNAL_MONITOR THRESHOLD=.. HYSTERESIS=.." command for @c */
int linkev_signal_monitor_cmd(const struct linkev_if_cfg *c, char *buf,
			      size_t size);

#endif /* MIHSECD_MIHF_LINKEV_H */

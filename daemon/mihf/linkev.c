// SPDX-License-Identifier: GPL-2.0
/*
 * Link events from rtnetlink (libnl-route) and wpa_supplicant (linkev.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/object.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "keys/ctrl.h"
#include "mihf/linkev.h"
#include "mihsecd/log.h"

#define LE_ADDRS_MAX	16
#define LE_SCAN_REPLY	16384

struct le_addr {
	int family;
	uint8_t a[16];
	uint8_t plen;
};

struct le_if {
	struct linkev *le;
	struct linkev_if_cfg cfg;
	char wpa_path[108];
	struct linkev_link st;
	bool rtnl_up;			/* rtnetlink's view (Ethernet) */
	bool type_known;		/* link type configured or seen in
					 * sysfs (else a guess) */
	bool below;			/* signal below the threshold */
	bool below_early;		/* ... reported before CONNECTED */
	struct md_ctrl ctrl;
	bool ctrl_started;
	struct le_addr addrs[LE_ADDRS_MAX];
	size_t naddrs;
};

struct linkev {
	struct md_loop *loop;
	linkev_cb cb;
	void *arg;
	struct le_if ifs[LINKEV_IF_MAX];
	size_t nifs;
	struct nl_sock *sk;		/* subscribed to the groups */
	int fd;
	bool initial;			/* processing the start-up dump */
};

/*
 * The link type of an interface from sysfs: 802.11 if it has a wireless
 * PHY, else Ethernet.  -ENOENT if the interface is not there (yet).
 */
static int sysfs_link_type(const char *ifname)
{
	char p[96];

	snprintf(p, sizeof(p), "/sys/class/net/%s", ifname);
	if (access(p, F_OK))
		return -ENOENT;
	snprintf(p, sizeof(p), "/sys/class/net/%s/phy80211", ifname);
	if (!access(p, F_OK))
		return LINKEV_LT_80211;
	snprintf(p, sizeof(p), "/sys/class/net/%s/wireless", ifname);
	if (!access(p, F_OK))
		return LINKEV_LT_80211;
	return LINKEV_LT_ETHERNET;
}

static void type_detect(struct le_if *i)
{
	int t;

	if (i->type_known)
		return;
	t = sysfs_link_type(i->cfg.ifname);
	if (t > 0) {
		i->st.link_type = (uint8_t)t;
		i->type_known = true;
	}
}

/*
 * Up/down from wpa_supplicant (BSSID, reason) on Wi-Fi; on a wired link
 * with a wired wpa_supplicant (802.1X) carrier from rtnetlink is the link
 * state, wpa_supplicant's "connected" is the authentication.
 */
static bool wpa_updown(const struct le_if *i)
{
	return i->ctrl_started && i->st.link_type == LINKEV_LT_80211;
}

const char *linkev_type_name(enum linkev_type t)
{
	switch (t) {
	case LINKEV_DETECTED:	return "Link_Detected";
	case LINKEV_UP:		return "Link_Up";
	case LINKEV_DOWN:	return "Link_Down";
	case LINKEV_GOING_DOWN:	return "Link_Going_Down";
	case LINKEV_ADDR_ADD:	return "address added";
	case LINKEV_ADDR_DEL:	return "address removed";
	}
	return "?";
}

/* ---- pure parsers ---------------------------------------------------- */

int linkev_dn_reason(int ieee_reason, bool locally_generated)
{
	switch (ieee_reason) {
	case 1:		/* unspecified */
	case 3:		/* deauthenticated: leaving */
	case 8:		/* disassociated: leaving */
		return LINKEV_DN_EXPLICIT;
	case 4:		/* inactivity (also beacon loss) */
		return LINKEV_DN_PACKET_TIMEOUT;
	case 5:		/* AP cannot handle all associated STAs */
		return LINKEV_DN_NO_RESOURCE;
	case 2:		/* previous authentication no longer valid */
	case 6:		/* class 2 frame from non-authenticated STA */
	case 14:	/* MIC failure */
	case 15:	/* 4-way handshake timeout */
	case 16:	/* group key handshake timeout */
	case 23:	/* IEEE 802.1X authentication failed */
		return LINKEV_DN_AUTH_FAILURE;
	default:
		return locally_generated ? LINKEV_DN_EXPLICIT :
					   LINKEV_DN_PACKET_TIMEOUT;
	}
}

int linkev_signal_monitor_cmd(const struct linkev_if_cfg *c, char *buf,
			      size_t size)
{
	int th = c->signal_threshold ? c->signal_threshold :
				       LINKEV_SIGNAL_THRESHOLD;
	int hy = c->hysteresis ? c->hysteresis : LINKEV_HYSTERESIS;
	int n;

	if (th > 0 || th < -127 || hy < 0 || hy > 100)
		return -EINVAL;
	n = snprintf(buf, size, "SIGNAL_MONITOR THRESHOLD=%d HYSTERESIS=%d",
		     th, hy);
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

/* a decimal integer (optional '-') ending at NUL or space */
static int parse_int(const char *s, int *out)
{
	char *end;
	long v;

	if (!(*s == '-' || isdigit((unsigned char)*s)))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || (*end && *end != ' ') || v < -1000000 ||
	    v > 1000000)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

/* the value of " key=" in @line, or NULL */
static const char *kv(const char *line, const char *key)
{
	size_t kl = strlen(key);
	const char *p = line;

	while ((p = strchr(p, ' '))) {
		p++;
		if (!strncmp(p, key, kl) && p[kl] == '=')
			return p + kl + 1;
	}
	return NULL;
}

int linkev_wpa_parse(const char *line, struct linkev_event *ev)
{
	static const char conn[] = "CTRL-EVENT-CONNECTED - Connection to ";
	static const char disc[] = "CTRL-EVENT-DISCONNECTED ";
	static const char sig[] = "CTRL-EVENT-SIGNAL-CHANGE ";
	static const char scan[] = "CTRL-EVENT-SCAN-RESULTS";
	const char *p;
	int above, v;

	memset(ev, 0, sizeof(*ev));
	ev->reason = -1;
	ev->ieee_reason = -1;
	if (!strncmp(line, conn, sizeof(conn) - 1)) {
		p = line + sizeof(conn) - 1;
		if (md_ctrl_parse_mac(p, ev->poa) < 0 ||
		    strncmp(p + 17, " completed", 10) ||
		    (p[27] && p[27] != ' '))
			goto bad;
		ev->has_poa = true;
		ev->type = LINKEV_UP;
		return LINKEV_WPA_EVENT;
	}
	if (!strncmp(line, disc, sizeof(disc) - 1)) {
		p = kv(line, "bssid");
		if (!p || md_ctrl_parse_mac(p, ev->poa) < 0)
			goto bad;
		ev->has_poa = true;
		p = kv(line, "reason");
		if (p) {
			if (parse_int(p, &v) || v < 0 || v > 65535)
				goto bad;
			ev->ieee_reason = v;
		}
		p = kv(line, "locally_generated");
		ev->locally_generated = p && p[0] == '1' &&
					(!p[1] || p[1] == ' ');
		ev->reason = linkev_dn_reason(ev->ieee_reason,
					      ev->locally_generated);
		ev->type = LINKEV_DOWN;
		return LINKEV_WPA_EVENT;
	}
	if (!strncmp(line, sig, sizeof(sig) - 1)) {
		p = kv(line, "above");
		if (!p || parse_int(p, &above) || (above != 0 && above != 1))
			goto bad;
		p = kv(line, "signal");
		if (!p || parse_int(p, &v) || v < -200 || v > 100)
			goto bad;
		ev->signal_dbm = v;
		ev->has_signal = true;
		if (above)
			return LINKEV_WPA_RECOVERED;
		ev->type = LINKEV_GOING_DOWN;
		ev->reason = LINKEV_GD_DEGRADING;
		return LINKEV_WPA_EVENT;
	}
	if (!strncmp(line, scan, sizeof(scan) - 1) &&
	    (!line[sizeof(scan) - 1] || line[sizeof(scan) - 1] == ' ')) {
		ev->type = LINKEV_DETECTED;
		return LINKEV_WPA_SCAN;
	}
	return 0;
bad:
	memset(ev, 0, sizeof(*ev));
	ev->reason = -1;
	ev->ieee_reason = -1;
	return -EINVAL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* wpa_supplicant's printf_encode()d SSID -> octets; -EINVAL if malformed */
static int ssid_decode(const char *s, size_t n, uint8_t *out, size_t *len)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		if (c == '\\') {
			if (++i >= n)
				return -EINVAL;
			switch (s[i]) {
			case '\\': c = '\\'; break;
			case '"': c = '"'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'e': c = 0x1b; break;
			case 'x': {
				int h, l;

				if (i + 2 >= n)
					return -EINVAL;
				h = hexval((unsigned char)s[i + 1]);
				l = hexval((unsigned char)s[i + 2]);
				if (h < 0 || l < 0)
					return -EINVAL;
				c = (uint8_t)(h << 4 | l);
				i += 2;
				break;
			}
			default:
				return -EINVAL;
			}
		}
		if (o >= LINKEV_SSID_MAX)
			return -EINVAL;
		out[o++] = c;
	}
	*len = o;
	return 0;
}

/* one SCAN_RESULTS line (tab-separated), @n characters */
static int scan_line(const char *l, size_t n, struct linkev_det *d)
{
	const char *f[5];
	size_t fl[5], k;
	const char *p = l, *end = l + n;
	char num[16], mac[18];
	int v;

	memset(d, 0, sizeof(*d));
	for (k = 0; k < 5; k++) {
		const char *t = k < 4 ? memchr(p, '\t', (size_t)(end - p)) :
					end;

		if (!t)
			return -EINVAL;
		f[k] = p;
		fl[k] = (size_t)(t - p);
		p = t + (k < 4);
	}
	if (fl[0] != 17)
		return -EINVAL;
	memcpy(mac, f[0], 17);
	mac[17] = '\0';
	if (md_ctrl_parse_mac(mac, d->bssid) < 0)
		return -EINVAL;
	for (k = 1; k <= 2; k++) {
		if (!fl[k] || fl[k] >= sizeof(num))
			return -EINVAL;
		memcpy(num, f[k], fl[k]);
		num[fl[k]] = '\0';
		if (parse_int(num, &v))
			return -EINVAL;
		if (k == 1) {
			if (v <= 0)
				return -EINVAL;
			d->freq_mhz = (uint32_t)v;
		} else {
			if (v < -200 || v > 100)
				return -EINVAL;
			d->signal_dbm = v;
		}
	}
	d->secured = (memmem(f[3], fl[3], "[WPA", 4) ||
		      memmem(f[3], fl[3], "[RSN", 4) ||
		      memmem(f[3], fl[3], "[WEP", 4));
	return ssid_decode(f[4], fl[4], d->ssid, &d->ssid_len);
}

int linkev_scan_parse(const char *reply, struct linkev_det *det, size_t max)
{
	static const char hdr[] = "bssid / frequency / signal level / flags / ssid";
	const char *p = reply, *nl;
	size_t n = 0, i, j;

	if (strncmp(reply, hdr, sizeof(hdr) - 1) ||
	    (reply[sizeof(hdr) - 1] != '\n' && reply[sizeof(hdr) - 1]))
		return -EINVAL;
	p = strchr(reply, '\n');
	while (p && *++p) {
		struct linkev_det d;

		nl = strchr(p, '\n');
		if (!scan_line(p, nl ? (size_t)(nl - p) : strlen(p), &d)) {
			if (n < max) {
				det[n++] = d;
			} else {
				/* keep the strongest: replace the weakest */
				size_t w = 0;

				for (i = 1; i < n; i++)
					if (det[i].signal_dbm <
					    det[w].signal_dbm)
						w = i;
				if (n && d.signal_dbm > det[w].signal_dbm)
					det[w] = d;
			}
		}
		p = nl;
	}
	/* strongest first (insertion sort: n is small) */
	for (i = 1; i < n; i++) {
		struct linkev_det t = det[i];

		for (j = i; j > 0 && det[j - 1].signal_dbm < t.signal_dbm; j--)
			det[j] = det[j - 1];
		det[j] = t;
	}
	return (int)n;
}

/* ---- delivering ------------------------------------------------------ */

static void ev_init(struct le_if *i, struct linkev_event *ev,
		    enum linkev_type type)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->reason = -1;
	ev->ieee_reason = -1;
	memcpy(ev->ifname, i->cfg.ifname, sizeof(ev->ifname));
	ev->ifindex = i->st.ifindex;
	ev->link_type = i->st.link_type;
	memcpy(ev->mac, i->st.mac, 6);
	ev->has_mac = i->st.has_mac;
	ev->t_ns = md_now_ns();
}

static void deliver(struct le_if *i, struct linkev_event *ev)
{
	char mac[MD_MAC_STR] = "-";

	if (ev->has_poa)
		md_mac_str(ev->poa, mac);
	md_debug("link %s: %s (poa %s, reason %d)", i->cfg.ifname,
		 linkev_type_name(ev->type), mac, ev->reason);
	i->le->cb(i->le->arg, ev);
}

static void set_up(struct le_if *i, bool up, const uint8_t *poa, int reason,
		   int ieee_reason, bool local)
{
	struct linkev_event ev;

	if (i->st.up == up && !(up && poa && (!i->st.has_poa ||
				 memcmp(i->st.poa, poa, 6))))
		return;
	ev_init(i, &ev, up ? LINKEV_UP : LINKEV_DOWN);
	if (poa) {
		memcpy(ev.poa, poa, 6);
		ev.has_poa = true;
	} else if (!up && i->st.has_poa) {
		memcpy(ev.poa, i->st.poa, 6);
		ev.has_poa = true;
	}
	if (!up) {
		ev.reason = reason;
		ev.ieee_reason = ieee_reason;
		ev.locally_generated = local;
	}
	i->st.up = up;
	i->below = false;
	if (!up)
		i->below_early = false;
	if (up && poa) {
		memcpy(i->st.poa, poa, 6);
		i->st.has_poa = true;
	} else if (!up) {
		i->st.has_poa = false;
	}
	if (!i->le->initial)
		deliver(i, &ev);
}

/* ---- wpa_supplicant -------------------------------------------------- */

static void wpa_status(struct le_if *i)
{
	char reply[2048], v[64];
	size_t len;
	uint8_t mac[6];

	if (md_ctrl_request(&i->ctrl, "STATUS", reply, sizeof(reply), &len))
		return;
	if (!md_ctrl_kv(reply, "address", v, sizeof(v)) &&
	    md_ctrl_parse_mac(v, mac) > 0) {
		memcpy(i->st.mac, mac, 6);
		i->st.has_mac = true;
	}
	if (!wpa_updown(i))
		return;
	if (!md_ctrl_kv(reply, "wpa_state", v, sizeof(v)) &&
	    !strcmp(v, "COMPLETED")) {
		if (!md_ctrl_kv(reply, "bssid", v, sizeof(v)) &&
		    md_ctrl_parse_mac(v, mac) > 0)
			set_up(i, true, mac, -1, -1, false);
		else
			set_up(i, true, NULL, -1, -1, false);
	} else if (i->st.up) {
		set_up(i, false, NULL, LINKEV_DN_EXPLICIT, -1, false);
	}
}

static void wpa_on_up(void *arg)
{
	struct le_if *i = arg;
	char cmd[80], reply[64];
	size_t len;
	int err;

	i->st.wpa_connected = true;
	/* signal levels are a radio's: not on a wired 802.1X link */
	if (wpa_updown(i) &&
	    !linkev_signal_monitor_cmd(&i->cfg, cmd, sizeof(cmd))) {
		err = md_ctrl_request(&i->ctrl, cmd, reply, sizeof(reply),
				      &len);
		if (err || strncmp(reply, "OK", 2))
			md_warn("link %s: wpa_supplicant refused %s (%s): no "
				"Link_Going_Down from signal levels",
				i->cfg.ifname, cmd,
				err ? strerror(-err) : "FAIL");
	}
	wpa_status(i);
}

static void wpa_on_down(void *arg)
{
	struct le_if *i = arg;

	i->st.wpa_connected = false;
}

static void wpa_scan_results(struct le_if *i)
{
	struct linkev_event ev;
	char *reply = malloc(LE_SCAN_REPLY);
	size_t len;
	int n;

	if (!reply)
		return;
	if (md_ctrl_request(&i->ctrl, "SCAN_RESULTS", reply, LE_SCAN_REPLY,
			    &len))
		goto out;
	ev_init(i, &ev, LINKEV_DETECTED);
	n = linkev_scan_parse(reply, ev.det, LINKEV_DET_MAX);
	if (n < 0) {
		md_debug("link %s: unexpected SCAN_RESULTS reply",
			 i->cfg.ifname);
		goto out;
	}
	ev.ndet = (size_t)n;
	if (n)
		deliver(i, &ev);
out:
	free(reply);
}

/* Link_Going_Down: the signal went below the threshold (once per crossing) */
static void going_down(struct le_if *i, int signal_dbm)
{
	struct linkev_event ev;

	i->st.signal_dbm = signal_dbm;
	if (i->below)
		return;
	i->below = true;
	ev_init(i, &ev, LINKEV_GOING_DOWN);
	ev.reason = LINKEV_GD_DEGRADING;
	ev.time_ms = i->cfg.going_down_ms ? i->cfg.going_down_ms :
					    LINKEV_GOING_DOWN_MS;
	ev.signal_dbm = signal_dbm;
	ev.has_signal = true;
	if (i->st.has_poa) {
		memcpy(ev.poa, i->st.poa, 6);
		ev.has_poa = true;
	}
	deliver(i, &ev);
}

static void wpa_on_event(void *arg, const char *line)
{
	struct le_if *i = arg;
	struct linkev_event pe;
	int r = linkev_wpa_parse(line, &pe);

	if (r < 0) {
		md_debug("link %s: malformed wpa_supplicant event: %.40s",
			 i->cfg.ifname, line);
		return;
	}
	if (!wpa_updown(i))
		return;		/* wired 802.1X: rtnetlink has the link */
	switch (r) {
	case LINKEV_WPA_SCAN:
		wpa_scan_results(i);
		return;
	case LINKEV_WPA_RECOVERED:
		i->below = false;
		i->below_early = false;
		i->st.signal_dbm = pe.signal_dbm;
		return;
	case LINKEV_WPA_EVENT:
		break;
	default:
		return;
	}
	switch (pe.type) {
	case LINKEV_UP:
		set_up(i, true, pe.poa, -1, -1, false);
		/* the signal monitor spoke during the association (EAP) */
		if (i->below_early && i->st.up) {
			i->below_early = false;
			going_down(i, i->st.signal_dbm);
		}
		break;
	case LINKEV_DOWN:
		if (i->st.up)
			set_up(i, false, pe.poa, pe.reason, pe.ieee_reason,
			       pe.locally_generated);
		break;
	case LINKEV_GOING_DOWN:
		if (!i->st.up) {
			/* associated, not yet CONNECTED: say it once up */
			i->st.signal_dbm = pe.signal_dbm;
			i->below_early = true;
			break;
		}
		going_down(i, pe.signal_dbm);
		break;
	default:
		break;
	}
}

static const struct md_ctrl_ops wpa_ops = {
	.on_up = wpa_on_up,
	.on_down = wpa_on_down,
	.on_event = wpa_on_event,
};

int linkev_scan(struct linkev *le, const char *ifname)
{
	char reply[64];
	size_t k, len;
	int ret = -ENOENT, err;

	for (k = 0; k < le->nifs; k++) {
		struct le_if *i = &le->ifs[k];

		if (ifname && strcmp(ifname, i->cfg.ifname))
			continue;
		if (!i->ctrl_started) {
			if (ifname)
				return -ENOTCONN;
			continue;
		}
		err = md_ctrl_request(&i->ctrl, "SCAN", reply, sizeof(reply),
				      &len);
		if (!err && strncmp(reply, "OK", 2))
			err = -EBUSY;
		ret = err;
	}
	return ret;
}

/* ---- rtnetlink ------------------------------------------------------- */

static struct le_if *if_by_name(struct linkev *le, const char *name)
{
	size_t k;

	for (k = 0; name && k < le->nifs; k++)
		if (!strcmp(le->ifs[k].cfg.ifname, name))
			return &le->ifs[k];
	return NULL;
}

static struct le_if *if_by_index(struct linkev *le, int ifindex)
{
	size_t k;

	for (k = 0; ifindex > 0 && k < le->nifs; k++)
		if (le->ifs[k].st.ifindex == ifindex)
			return &le->ifs[k];
	return NULL;
}

static void rtnl_link_obj(struct linkev *le, struct rtnl_link *l, bool del)
{
	struct le_if *i = if_by_name(le, rtnl_link_get_name(l));
	struct nl_addr *a;
	unsigned int flags;
	bool up;

	if (!i)
		return;
	type_detect(i);
	if (del) {
		up = false;
	} else {
		i->st.ifindex = rtnl_link_get_ifindex(l);
		a = rtnl_link_get_addr(l);
		if (a && nl_addr_get_len(a) == 6) {
			memcpy(i->st.mac, nl_addr_get_binary_addr(a), 6);
			i->st.has_mac = true;
		}
		flags = rtnl_link_get_flags(l);
		up = (flags & IFF_UP) && (flags & IFF_RUNNING);
	}
	if (up == i->rtnl_up && !del)
		return;
	i->rtnl_up = up;
	if (del) {
		i->naddrs = 0;
		i->st.ifindex = 0;
	}
	/* Wi-Fi with wpa_supplicant: up/down come from there (BSSID, reason) */
	if (wpa_updown(i))
		return;
	set_up(i, up, NULL, LINKEV_DN_EXPLICIT, -1, false);
}

static void rtnl_addr_obj(struct linkev *le, struct rtnl_addr *ra, bool del)
{
	struct le_if *i = if_by_index(le, rtnl_addr_get_ifindex(ra));
	struct nl_addr *a = rtnl_addr_get_local(ra);
	struct linkev_event ev;
	struct le_addr x = { 0 };
	size_t k, alen;

	if (!i || !a)
		return;
	x.family = rtnl_addr_get_family(ra);
	alen = nl_addr_get_len(a);
	if (!((x.family == AF_INET && alen == 4) ||
	      (x.family == AF_INET6 && alen == 16)))
		return;
	memcpy(x.a, nl_addr_get_binary_addr(a), alen);
	x.plen = (uint8_t)rtnl_addr_get_prefixlen(ra);
	for (k = 0; k < i->naddrs; k++)
		if (i->addrs[k].family == x.family &&
		    !memcmp(i->addrs[k].a, x.a, 16))
			break;
	if (del) {
		if (k == i->naddrs)
			return;
		i->addrs[k] = i->addrs[--i->naddrs];
	} else {
		if (k < i->naddrs)
			return;		/* flags changed (e.g. DAD done) */
		if (i->naddrs == LE_ADDRS_MAX)
			return;
		i->addrs[i->naddrs++] = x;
	}
	if (le->initial)
		return;
	ev_init(i, &ev, del ? LINKEV_ADDR_DEL : LINKEV_ADDR_ADD);
	ev.family = x.family;
	memcpy(ev.addr, x.a, 16);
	ev.prefixlen = x.plen;
	deliver(i, &ev);
}

struct obj_ctx {
	struct linkev *le;
	int type;
};

static void obj_cb(struct nl_object *obj, void *arg)
{
	struct obj_ctx *c = arg;
	const char *t = nl_object_get_type(obj);

	if (!t)
		return;
	if (!strcmp(t, "route/link"))
		rtnl_link_obj(c->le, (struct rtnl_link *)obj,
			      c->type == RTM_DELLINK);
	else if (!strcmp(t, "route/addr"))
		rtnl_addr_obj(c->le, (struct rtnl_addr *)obj,
			      c->type == RTM_DELADDR);
}

static int rtnl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct obj_ctx c = { .le = arg, .type = nlmsg_hdr(msg)->nlmsg_type };

	nl_msg_parse(msg, obj_cb, &c);
	return NL_OK;
}

static int rtnl_dump(struct linkev *le, bool quiet);

static void rtnl_fd_cb(struct md_loop *loop, int fd, uint32_t events,
		       void *arg)
{
	struct linkev *le = arg;
	int n = 0, err;

	(void)loop;
	(void)fd;
	(void)events;
	while (n++ < 64) {
		err = nl_recvmsgs_default(le->sk);
		if (err == -NLE_AGAIN)
			break;
		if (err == -NLE_NOMEM) {
			/* the socket overran: events were lost; read the
			 * state again (differences become events) */
			md_notice("rtnetlink: events lost, re-reading links");
			rtnl_dump(le, false);
			continue;
		}
		if (err < 0) {
			md_debug("rtnetlink: %s", nl_geterror(err));
			if (err != -NLE_DUMP_INTR)
				break;
		}
	}
}

static void dump_cb(struct nl_object *obj, void *arg)
{
	struct obj_ctx c = { .le = arg, .type = 0 };

	obj_cb(obj, &c);
}

/* the current links and addresses (@quiet: without events) */
static int rtnl_dump(struct linkev *le, bool quiet)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *links = NULL, *addrs = NULL;
	int err;

	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_ROUTE);
	if (!err)
		err = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links);
	if (!err)
		err = rtnl_addr_alloc_cache(sk, &addrs);
	if (!err) {
		le->initial = quiet;
		nl_cache_foreach(links, dump_cb, le);
		nl_cache_foreach(addrs, dump_cb, le);
		le->initial = false;
	}
	if (links)
		nl_cache_free(links);
	if (addrs)
		nl_cache_free(addrs);
	nl_socket_free(sk);
	return err ? -EIO : 0;
}

static int rtnl_start(struct linkev *le)
{
	int err;

	le->sk = nl_socket_alloc();
	if (!le->sk)
		return -ENOMEM;
	nl_socket_disable_seq_check(le->sk);
	nl_socket_modify_cb(le->sk, NL_CB_VALID, NL_CB_CUSTOM, rtnl_valid_cb,
			    le);
	err = nl_connect(le->sk, NETLINK_ROUTE);
	if (!err)
		err = nl_socket_add_memberships(le->sk, RTNLGRP_LINK,
						RTNLGRP_IPV4_IFADDR,
						RTNLGRP_IPV6_IFADDR, 0);
	if (!err)
		err = nl_socket_set_nonblocking(le->sk);
	if (err) {
		md_err("rtnetlink: %s", nl_geterror(err));
		return -EIO;
	}
	le->fd = nl_socket_get_fd(le->sk);
	err = md_loop_add_fd(le->loop, le->fd, EPOLLIN, rtnl_fd_cb, le);
	if (err) {
		le->fd = -1;
		return err;
	}
	/* subscribed first, then the dump: nothing falls in between */
	err = rtnl_dump(le, true);
	if (err)
		md_warn("rtnetlink: cannot read the current links");
	return 0;
}

/* ---- life cycle ------------------------------------------------------ */

int linkev_start(struct md_loop *loop, const struct linkev_cfg *cfg,
		 linkev_cb cb, void *arg, struct linkev **out)
{
	struct linkev *le;
	size_t k;
	int err;

	if (!loop || !cfg || !cb || !out || cfg->nifs > LINKEV_IF_MAX ||
	    (cfg->nifs && !cfg->ifs))
		return -EINVAL;
	for (k = 0; k < cfg->nifs; k++) {
		const struct linkev_if_cfg *c = &cfg->ifs[k];
		char cmd[80];

		if (!c->ifname[0] ||
		    strnlen(c->ifname, IF_NAMESIZE) >= IF_NAMESIZE)
			return -EINVAL;
		if (c->wpa_ctrl && strlen(c->wpa_ctrl) >= 108)
			return -EINVAL;
		if (linkev_signal_monitor_cmd(c, cmd, sizeof(cmd)))
			return -EINVAL;
	}
	le = calloc(1, sizeof(*le));
	if (!le)
		return -ENOMEM;
	le->loop = loop;
	le->cb = cb;
	le->arg = arg;
	le->fd = -1;
	le->nifs = cfg->nifs;
	for (k = 0; k < cfg->nifs; k++) {
		struct le_if *i = &le->ifs[k];

		i->le = le;
		i->cfg = cfg->ifs[k];
		if (i->cfg.wpa_ctrl) {
			snprintf(i->wpa_path, sizeof(i->wpa_path), "%s",
				 i->cfg.wpa_ctrl);
			i->cfg.wpa_ctrl = i->wpa_path;
		}
		memcpy(i->st.ifname, i->cfg.ifname, IF_NAMESIZE);
		/* configured, else from sysfs, else a guess until the
		 * interface appears */
		i->type_known = i->cfg.link_type != 0;
		i->st.link_type = i->cfg.link_type ? i->cfg.link_type :
				  i->cfg.wpa_ctrl ? LINKEV_LT_80211 :
						    LINKEV_LT_ETHERNET;
		type_detect(i);
	}
	if (!cfg->no_rtnl) {
		err = rtnl_start(le);
		if (err) {
			linkev_stop(le);
			return err;
		}
	}
	for (k = 0; k < le->nifs; k++) {
		struct le_if *i = &le->ifs[k];

		if (!i->cfg.wpa_ctrl)
			continue;
		/* set first: on_up may run inside md_ctrl_start() */
		i->ctrl_started = true;
		err = md_ctrl_start(&i->ctrl, loop, i->wpa_path,
				    "wpa_supplicant", &wpa_ops, i);
		if (err) {
			i->ctrl_started = false;
			linkev_stop(le);
			return err;
		}
	}
	*out = le;
	return 0;
}

void linkev_stop(struct linkev *le)
{
	size_t k;

	if (!le)
		return;
	for (k = 0; k < le->nifs; k++)
		if (le->ifs[k].ctrl_started)
			md_ctrl_stop(&le->ifs[k].ctrl);
	if (le->fd >= 0)
		md_loop_del_fd(le->loop, le->fd);
	if (le->sk)
		nl_socket_free(le->sk);
	free(le);
}

size_t linkev_links(const struct linkev *le, struct linkev_link *out,
		    size_t max)
{
	size_t k;

	if (!le)
		return 0;
	for (k = 0; k < le->nifs && k < max; k++)
		out[k] = le->ifs[k].st;
	return le->nifs;
}

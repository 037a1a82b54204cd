// SPDX-License-Identifier: GPL-2.0
/*
 * Key source "hostapd" (keys/hostapd.h).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "keys/ctrl.h"
#include "keys/hostapd.h"
#include "mihsecd/log.h"

#define WHO		"hostapd"
#define RETRY_NS	(20 * MD_NSEC_PER_MSEC)

struct md_hostapd {
	struct md_loop *loop;
	struct md_hostapd_cfg cfg;
	mihsec_key_cb cb;
	void *arg;
	struct md_ctrl ctrl;
	uint8_t own[MIHSEC_MAC_LEN];
	bool have_own;
	struct md_ctrl_peers peers;
	struct md_timer *reauth_check;	/* pending re-authentications */
};

/* How long EAPOL_REAUTH may take to bring a new key before the source
 * forces a full re-association (md_hostapd_cfg.reauth_grace_ms) */
#define REAUTH_GRACE_MS	8000

/* ---- parsing ---- */

int md_hapd_parse_event(const char *line, struct md_hapd_ev *ev)
{
	static const struct {
		const char *prefix;
		enum md_hapd_ev_type type;
		bool more;	/* fields may follow the MAC */
	} evs[] = {
		{ "CTRL-EVENT-EAP-SUCCESS ", MD_HAPD_EV_EAP_SUCCESS, false },
		{ "CTRL-EVENT-EAP-SUCCESS2 ", MD_HAPD_EV_EAP_SUCCESS, false },
		{ "AP-STA-CONNECTED ", MD_HAPD_EV_CONNECTED, true },
		{ "AP-STA-DISCONNECTED ", MD_HAPD_EV_DISCONNECTED, true },
	};
	size_t i;

	memset(ev, 0, sizeof(*ev));
	for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		size_t n = strlen(evs[i].prefix);
		const char *p = line + n;

		if (strncmp(line, evs[i].prefix, n))
			continue;
		if (md_ctrl_parse_mac(p, ev->sta) < 0 ||
		    (p[17] && (!evs[i].more || !p[18])))
			goto bad;
		ev->type = evs[i].type;
		return 0;
	}
	return 0;
bad:
	memset(ev, 0, sizeof(*ev));
	return -EINVAL;
}

int md_hapd_parse_pmk(const char *reply, uint8_t pmk[MIHSEC_MSK_LEN])
{
	size_t n = strlen(reply);

	memset(pmk, 0, MIHSEC_MSK_LEN);
	if (!strncmp(reply, "FAIL", 4) || !strncmp(reply, "UNKNOWN COMMAND", 15))
		return -EIO;
	if (n && reply[n - 1] == '\n')
		n--;
	if (!n)
		return -ENODATA;
	return md_ctrl_parse_pmk(reply, n, pmk);
}

/* ---- the source ---- */

static int ifname_mac(const char *ifname, uint8_t mac[MIHSEC_MAC_LEN])
{
	struct ifreq ifr;
	int fd, ret = 0;

	if (strlen(ifname) >= sizeof(ifr.ifr_name))
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		ret = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, MIHSEC_MAC_LEN);
	close(fd);
	return ret;
}

static int own_from_status(struct md_hostapd *h)
{
	char reply[4096], v[64];
	size_t len;
	int ret;

	ret = md_ctrl_request(&h->ctrl, "STATUS", reply, sizeof(reply), &len);
	if (ret)
		return ret;
	if (md_ctrl_kv(reply, "bssid[0]", v, sizeof(v)) ||
	    md_ctrl_parse_mac(v, h->own) < 0 || v[17]) {
		md_warn(WHO " %s: STATUS has no usable bssid[0]=",
			h->cfg.ctrl_path);
		return -EPROTO;
	}
	h->have_own = true;
	return 0;
}

static void retry_cb(struct md_loop *loop, struct md_timer *t, void *arg);

/* GET_PMK for @peer; on FAIL retry later (a few times) */
static void fetch(struct md_hostapd *h, struct md_ctrl_peer *peer)
{
	char cmd[32], mac[MD_MAC_STR], reply[256];
	uint8_t pmk[MIHSEC_MSK_LEN];
	bool unknown;
	size_t len;
	int ret;

	if (peer->retry) {
		md_timer_cancel(h->loop, peer->retry);
		peer->retry = NULL;
	}
	if (!h->have_own && own_from_status(h))
		return;
	md_mac_str(peer->mac, mac);
	snprintf(cmd, sizeof(cmd), "GET_PMK %s", mac);
	ret = md_ctrl_request(&h->ctrl, cmd, reply, sizeof(reply), &len);
	if (!ret)
		ret = md_hapd_parse_pmk(reply, pmk);
	unknown = !strncmp(reply, "UNKNOWN", 7);
	OPENSSL_cleanse(reply, sizeof(reply));
	if (ret == -EIO && unknown) {
		md_err(WHO " %s: GET_PMK unknown: hostapd needs "
		       "CONFIG_TESTING_OPTIONS=y", h->cfg.ctrl_path);
		return;
	}
	if (ret == -EIO || ret == -ENODATA) {
		if (peer->tries < MD_HAPD_RETRIES) {
			peer->owner = h;
			peer->retry = md_timer_add(h->loop,
						   RETRY_NS << peer->tries, 0,
						   retry_cb, peer);
			peer->tries++;
			return;
		}
		md_warn(WHO " %s: GET_PMK %s failed %u times (hostapd built "
			"without CONFIG_TESTING_OPTIONS, or no PMKSA)",
			h->cfg.ctrl_path, mac, peer->tries + 1);
		peer->tries = 0;
		return;
	}
	peer->tries = 0;
	if (ret == -EINVAL) {
		md_warn(WHO " %s: malformed GET_PMK reply for %s",
			h->cfg.ctrl_path, mac);
		return;
	}
	if (ret)
		return;		/* connection trouble, logged by ctrl.c */
	if (md_ctrl_deliver_up(peer, MIHSEC_SRC_HOSTAPD, peer->mac, h->own,
			       pmk, h->ctrl.event_ns, h->cb, h->arg) == 1)
		md_info(WHO " %s: key up for %s (fp %s)", h->cfg.ctrl_path,
			mac, peer->fp);
	OPENSSL_cleanse(pmk, sizeof(pmk));
}

static void retry_cb(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct md_ctrl_peer *peer = arg;

	(void)loop;
	(void)t;
	peer->retry = NULL;	/* one-shot: freed after we return */
	fetch(peer->owner, peer);
}

static void on_up(void *arg)
{
	struct md_hostapd *h = arg;

	if (!h->have_own)
		own_from_status(h);
}

static void on_event(void *arg, const char *line)
{
	struct md_hostapd *h = arg;
	struct md_ctrl_peer *peer;
	struct md_hapd_ev ev;
	char mac[MD_MAC_STR];

	if (md_hapd_parse_event(line, &ev)) {
		md_warn(WHO " %s: malformed event line ignored",
			h->cfg.ctrl_path);
		return;
	}
	switch (ev.type) {
	case MD_HAPD_EV_EAP_SUCCESS:
	case MD_HAPD_EV_CONNECTED:
		peer = md_ctrl_peer_get(&h->peers, ev.sta);
		if (!peer) {
			md_err(WHO ": out of memory");
			return;
		}
		peer->tries = 0;
		fetch(h, peer);
		break;
	case MD_HAPD_EV_DISCONNECTED:
		peer = md_ctrl_peer_find(&h->peers, ev.sta);
		if (!peer) {
			/* a station that connected before mihsecd (re)started:
			 * its SAs may have been adopted; tell the manager */
			struct mihsec_key_event down = {
				.what = MIHSEC_KEY_DOWN,
				.src = MIHSEC_SRC_HOSTAPD,
			};

			if (!h->have_own)
				break;
			memcpy(down.mac_mmt, ev.sta, MIHSEC_MAC_LEN);
			memcpy(down.mac_poa, h->own, MIHSEC_MAC_LEN);
			h->cb(h->arg, &down);
			break;
		}
		if (peer->retry) {
			md_timer_cancel(h->loop, peer->retry);
			peer->retry = NULL;
		}
		md_mac_str(ev.sta, mac);
		if (h->have_own &&
		    md_ctrl_deliver_down(peer, MIHSEC_SRC_HOSTAPD, ev.sta,
					 h->own, h->cb, h->arg))
			md_info(WHO " %s: key down for %s", h->cfg.ctrl_path,
				mac);
		break;
	case MD_HAPD_EV_OTHER:
		break;
	}
}

static const struct md_ctrl_ops hapd_ops = {
	.on_up = on_up,
	.on_event = on_event,
};

int md_hostapd_start(struct md_loop *loop, const struct md_hostapd_cfg *cfg,
		     mihsec_key_cb cb, void *arg, struct md_hostapd **out)
{
	struct md_hostapd *h;
	int ret;

	if (!loop || !cfg || !cfg->ctrl_path || !*cfg->ctrl_path || !cb ||
	    !out)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->loop = loop;
	h->cfg = *cfg;
	h->cfg.ifname = NULL;	/* used only here */
	h->cb = cb;
	h->arg = arg;
	if (cfg->have_own_mac) {
		memcpy(h->own, cfg->own_mac, MIHSEC_MAC_LEN);
		h->have_own = true;
	} else if (cfg->ifname) {
		ret = ifname_mac(cfg->ifname, h->own);
		if (ret) {
			md_err(WHO ": cannot read the MAC of %s: %s",
			       cfg->ifname, strerror(-ret));
			free(h);
			return ret;
		}
		h->have_own = true;
	}
	*out = h;
	ret = md_ctrl_start(&h->ctrl, loop, cfg->ctrl_path, WHO, &hapd_ops, h);
	if (ret) {
		free(h);
		*out = NULL;
		return ret;
	}
	h->cfg.ctrl_path = h->ctrl.path;
	return 0;
}

void md_hostapd_stop(struct md_hostapd *h)
{
	if (!h)
		return;
	if (h->reauth_check)
		md_timer_cancel(h->loop, h->reauth_check);
	md_ctrl_stop(&h->ctrl);
	md_ctrl_peers_free(&h->peers, h->loop);
	OPENSSL_cleanse(h, sizeof(*h));
	free(h);
}

/*
 * Over WPA2 Wi-Fi, EAPOL_REAUTH re-runs EAP but hostapd keeps using the
 * PMK of the last 4-way handshake: GET_PMK gives the old key.  A station
 * whose key did not change within the grace (REAUTH_GRACE_MS) is made to associate
 * anew: its PMKSA cache entries flushed (PMKSA_FLUSH: all of this
 * interface's; a cached PMK would come back) and the station
 * deauthenticated, so its supplicant runs EAP and the 4-way handshake
 * with a fresh key.  A station that only pre-authenticated (wired) is
 * not associated: the commands change nothing for it.
 */
static void reauth_check(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct md_hostapd *h = arg;
	char cmd[48], mac[MD_MAC_STR], reply[64];
	uint64_t now = md_now_ns(), next = 0;
	size_t i, len;

	(void)t;
	h->reauth_check = NULL;
	for (i = 0; i < h->peers.n; i++) {
		struct md_ctrl_peer *p = h->peers.v[i];

		if (!p->reauth_at)
			continue;
		if (strcmp(p->fp, p->reauth_fp)) {
			p->reauth_at = 0;	/* a new key came */
			continue;
		}
		if (now < p->reauth_at) {
			if (!next || p->reauth_at < next)
				next = p->reauth_at;
			continue;
		}
		p->reauth_at = 0;
		md_mac_str(p->mac, mac);
		md_notice(WHO " %s: EAPOL_REAUTH brought no new key for %s: forcing a new association (PMKSA_FLUSH, DEAUTHENTICATE)",
			  h->cfg.ctrl_path, mac);
		if (md_ctrl_request(&h->ctrl, "PMKSA_FLUSH", reply,
				    sizeof(reply), &len))
			continue;
		snprintf(cmd, sizeof(cmd), "DEAUTHENTICATE %s", mac);
		md_ctrl_request(&h->ctrl, cmd, reply, sizeof(reply), &len);
	}
	if (next)
		h->reauth_check = md_timer_add(loop, next - now, 0,
					       reauth_check, h);
}

int md_hostapd_reauth(struct md_hostapd *h, const uint8_t sta[MIHSEC_MAC_LEN])
{
	char cmd[40], mac[MD_MAC_STR], reply[64];
	struct md_ctrl_peer *p;
	size_t len;
	int ret;

	if (!h || !sta)
		return -EINVAL;
	md_mac_str(sta, mac);
	snprintf(cmd, sizeof(cmd), "EAPOL_REAUTH %s", mac);
	ret = md_ctrl_request(&h->ctrl, cmd, reply, sizeof(reply), &len);
	if (ret)
		return ret;
	if (strncmp(reply, "OK", 2))
		return -EIO;
	p = md_ctrl_peer_find(&h->peers, sta);
	if (p && p->up) {
		uint64_t grace = (uint64_t)(h->cfg.reauth_grace_ms ?
					    h->cfg.reauth_grace_ms :
					    REAUTH_GRACE_MS) * MD_NSEC_PER_MSEC;

		p->reauth_at = md_now_ns() + grace;
		memcpy(p->reauth_fp, p->fp, sizeof(p->reauth_fp));
		if (!h->reauth_check)
			h->reauth_check = md_timer_add(h->loop, grace, 0,
						       reauth_check, h);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Key source "wpa_supplicant" (keys/wpa.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "keys/ctrl.h"
#include "keys/wpa.h"
#include "mihsecd/log.h"

#define WHO			"wpa_supplicant"
#define PMKSA_REPLY_MAX		16384
#define PMKSA_LINE_MAX		512
/* a PREAUTH younger than this is not repeated for another trigger */
#define PREAUTH_HOLD_NS		(5 * MD_NSEC_PER_SEC)
/* no key this long after a PREAUTH: send it again (doubling, up to MAX) */
#define PREAUTH_RETRY_NS	(10 * MD_NSEC_PER_SEC)
#define PREAUTH_RETRY_MAX_NS	(300 * MD_NSEC_PER_SEC)

struct md_wpa {
	struct md_loop *loop;
	struct md_wpa_cfg cfg;
	mihsec_key_cb cb;
	void *arg;
	struct md_ctrl ctrl;
	uint8_t own[MIHSEC_MAC_LEN];
	bool have_own;
	uint64_t preauth_at;	/* md_now_ns() of the last PREAUTH, 0 none */
	struct md_timer *preauth_timer;	/* retry while no key came */
	uint64_t preauth_retry_ns;
	struct md_ctrl_peers peers;
};

/* ---- parsing ---- */

/* a decimal number (optional '-') ending at NUL/space: its length, or 0 */
static size_t dec_len(const char *s)
{
	size_t i = (*s == '-');

	if (!isdigit((unsigned char)s[i]))
		return 0;
	while (isdigit((unsigned char)s[i]))
		i++;
	if (i > 10 || (s[i] && s[i] != ' '))
		return 0;
	return i;
}

int md_wpa_parse_event(const char *line, struct md_wpa_ev *ev)
{
	static const char added[] = "PMKSA-CACHE-ADDED ";
	static const char conn[] = "CTRL-EVENT-CONNECTED - Connection to ";
	static const char disc[] = "CTRL-EVENT-DISCONNECTED bssid=";
	const char *p;
	size_t n;

	memset(ev, 0, sizeof(*ev));
	ev->network_id = -1;
	if (!strncmp(line, added, sizeof(added) - 1)) {
		p = line + sizeof(added) - 1;
		if (md_ctrl_parse_mac(p, ev->mac) < 0 || p[17] != ' ')
			goto bad;
		p += 18;
		n = dec_len(p);
		if (!n || *p == '-' || p[n])
			goto bad;
		ev->network_id = atoi(p);
		ev->type = MD_WPA_EV_PMKSA_ADDED;
		return 0;
	}
	if (!strncmp(line, conn, sizeof(conn) - 1)) {
		p = line + sizeof(conn) - 1;
		if (md_ctrl_parse_mac(p, ev->mac) < 0 ||
		    strncmp(p + 17, " completed", 10) ||
		    (p[27] && p[27] != ' '))
			goto bad;
		p = strstr(p + 27, " [id=");
		if (p) {
			p += 5;
			n = dec_len(p);
			if (!n || *p == '-')
				goto bad;
			ev->network_id = atoi(p);
		}
		ev->type = MD_WPA_EV_CONNECTED;
		return 0;
	}
	if (!strncmp(line, disc, sizeof(disc) - 1)) {
		if (md_ctrl_parse_mac(line + sizeof(disc) - 1, ev->mac) < 0)
			goto bad;
		ev->type = MD_WPA_EV_DISCONNECTED;
		return 0;
	}
	return 0;
bad:
	memset(ev, 0, sizeof(*ev));
	ev->network_id = -1;
	return -EINVAL;
}

static bool all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* one PMKSA_GET line (NUL-terminated, modified): 0 and its AA/PMK */
static int pmksa_line(char *l, uint8_t aa[MIHSEC_MAC_LEN],
		      uint8_t pmk[MIHSEC_MSK_LEN])
{
	char *tok[8], *save = NULL, *t;
	int n = 0;

	/* exactly one space between fields */
	if (l[0] == ' ' || strstr(l, "  ") || l[strlen(l) - 1] == ' ')
		return -EINVAL;
	for (t = strtok_r(l, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == 8)
			return -EINVAL;
		tok[n++] = t;
	}
	if (n != 7)
		return -EINVAL;
	if (md_ctrl_parse_mac(tok[0], aa) < 0)
		return -EINVAL;
	if (strlen(tok[1]) != 32 || !all_hex(tok[1], 32))
		return -EINVAL;
	for (n = 3; n < 7; n++)
		if (!dec_len(tok[n]))
			return -EINVAL;
	return md_ctrl_parse_pmk(tok[2], strlen(tok[2]), pmk);
}

int md_wpa_pmksa_find(const char *reply, const uint8_t aa[MIHSEC_MAC_LEN],
		      uint8_t pmk[MIHSEC_MSK_LEN])
{
	char line[PMKSA_LINE_MAX];
	uint8_t mac[MIHSEC_MAC_LEN], k[MIHSEC_MSK_LEN];
	const char *p = reply;
	int ret = -ENOENT;

	memset(pmk, 0, MIHSEC_MSK_LEN);
	if (!strncmp(reply, "FAIL", 4) || !strncmp(reply, "UNKNOWN COMMAND", 15))
		return -EIO;
	while (*p) {
		size_t n = strcspn(p, "\n");

		if (n >= sizeof(line)) {
			ret = -EINVAL;
			break;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (p[n] == '\n');
		if (!n) {
			if (*p) {	/* an empty line inside the reply */
				ret = -EINVAL;
				break;
			}
			continue;
		}
		if (pmksa_line(line, mac, k)) {
			ret = -EINVAL;
			break;
		}
		if (!memcmp(mac, aa, MIHSEC_MAC_LEN)) {
			if (ret == 0) {		/* two entries for one AA */
				ret = -EINVAL;
				break;
			}
			memcpy(pmk, k, MIHSEC_MSK_LEN);
			ret = 0;
		}
	}
	OPENSSL_cleanse(line, sizeof(line));
	OPENSSL_cleanse(k, sizeof(k));
	if (ret)
		OPENSSL_cleanse(pmk, MIHSEC_MSK_LEN);
	return ret;
}

/* ---- the source ---- */

static int read_own(struct md_wpa *w, int *net_id, char *state, size_t ssize,
		    uint8_t bssid[MIHSEC_MAC_LEN], bool *have_bssid)
{
	char reply[4096], v[64];
	size_t len;
	int ret;

	ret = md_ctrl_request(&w->ctrl, "STATUS", reply, sizeof(reply), &len);
	if (ret)
		return ret;
	if (md_ctrl_kv(reply, "address", v, sizeof(v)) ||
	    md_ctrl_parse_mac(v, w->own) < 0 || v[17]) {
		md_warn(WHO " %s: STATUS has no usable address=",
			w->cfg.ctrl_path);
		return -EPROTO;
	}
	w->have_own = true;
	if (net_id)
		*net_id = (!md_ctrl_kv(reply, "id", v, sizeof(v)) &&
			   dec_len(v) && v[0] != '-') ? atoi(v) : -1;
	if (state && md_ctrl_kv(reply, "wpa_state", state, ssize))
		state[0] = '\0';
	if (have_bssid)
		*have_bssid = !md_ctrl_kv(reply, "bssid", v, sizeof(v)) &&
			      md_ctrl_parse_mac(v, bssid) == 17 && !v[17];
	return 0;
}

/* PMKSA_GET @net_id and deliver UP for @aa's entry */
static void fetch(struct md_wpa *w, const uint8_t aa[MIHSEC_MAC_LEN],
		  int net_id)
{
	char *reply, cmd[32], mac[MD_MAC_STR];
	uint8_t pmk[MIHSEC_MSK_LEN];
	struct md_ctrl_peer *peer;
	size_t len;
	int ret;

	md_mac_str(aa, mac);
	if (w->cfg.network_id >= 0) {
		if (net_id >= 0 && net_id != w->cfg.network_id)
			return;
		net_id = w->cfg.network_id;
	}
	if (!w->have_own || net_id < 0) {
		int id;

		if (read_own(w, &id, NULL, 0, NULL, NULL))
			return;
		if (net_id < 0)
			net_id = id;
		if (net_id < 0) {
			md_warn(WHO " %s: no network id for %s",
				w->cfg.ctrl_path, mac);
			return;
		}
	}
	reply = malloc(PMKSA_REPLY_MAX);
	if (!reply) {
		md_err(WHO ": out of memory");
		return;
	}
	snprintf(cmd, sizeof(cmd), "PMKSA_GET %d", net_id);
	ret = md_ctrl_request(&w->ctrl, cmd, reply, PMKSA_REPLY_MAX, &len);
	if (!ret)
		ret = md_wpa_pmksa_find(reply, aa, pmk);
	OPENSSL_cleanse(reply, PMKSA_REPLY_MAX);
	free(reply);
	switch (ret) {
	case 0:
		break;
	case -ENOENT:
		md_info(WHO " %s: no PMKSA for %s in network %d",
			w->cfg.ctrl_path, mac, net_id);
		return;
	case -EIO:
		md_warn(WHO " %s: PMKSA_GET refused (wpa_supplicant built "
			"without CONFIG_PMKSA_CACHE_EXTERNAL?)",
			w->cfg.ctrl_path);
		return;
	case -EINVAL:
		md_warn(WHO " %s: malformed PMKSA_GET reply", w->cfg.ctrl_path);
		return;
	default:
		return;		/* connection trouble, logged by ctrl.c */
	}
	peer = md_ctrl_peer_get(&w->peers, aa);
	if (!peer) {
		md_err(WHO ": out of memory");
	} else {
		if (w->cfg.preauth &&
		    !memcmp(aa, w->cfg.preauth_aa, MIHSEC_MAC_LEN)) {
			w->preauth_at = 0;
			w->preauth_retry_ns = PREAUTH_RETRY_NS;
			if (w->preauth_timer)
				md_timer_cancel(w->loop, w->preauth_timer);
			w->preauth_timer = NULL;
		}
		if (md_ctrl_deliver_up(peer, MIHSEC_SRC_WPA_SUPPLICANT, w->own,
				       aa, pmk, w->ctrl.event_ns, w->cb,
				       w->arg) == 1)
			md_info(WHO " %s: key up with %s (fp %s)",
				w->cfg.ctrl_path, mac, peer->fp);
	}
	OPENSSL_cleanse(pmk, sizeof(pmk));
}

static int preauth(struct md_wpa *w, const uint8_t *aa);

static void preauth_retry_cb(struct md_loop *loop, struct md_timer *t,
			     void *arg)
{
	struct md_wpa *w = arg;
	char mac[MD_MAC_STR];

	(void)loop;
	(void)t;
	w->preauth_timer = NULL;	/* one-shot: freed after we return */
	if (!w->preauth_at || !w->ctrl.up)
		return;
	md_mac_str(w->cfg.preauth_aa, mac);
	md_notice(WHO " %s: no key from pre-authentication with %s yet, "
		  "trying again", w->cfg.ctrl_path, mac);
	w->preauth_retry_ns *= 2;
	if (w->preauth_retry_ns > PREAUTH_RETRY_MAX_NS)
		w->preauth_retry_ns = PREAUTH_RETRY_MAX_NS;
	preauth(w, w->cfg.preauth_aa);
}

/*
 * PREAUTH @aa.  wpa_supplicant takes the EAP configuration from the
 * network it is "connected" to: sent before that (wpa_state not yet
 * COMPLETED, e.g. just after it started) the pre-authentication hangs
 * without an identity, so callers send it only when connected, and a
 * PREAUTH that brought no key is sent again after a while.
 */
static int preauth(struct md_wpa *w, const uint8_t *aa)
{
	char cmd[32], mac[MD_MAC_STR], reply[64];
	size_t len;
	int ret;

	md_mac_str(aa, mac);
	snprintf(cmd, sizeof(cmd), "PREAUTH %s", mac);
	ret = md_ctrl_request(&w->ctrl, cmd, reply, sizeof(reply), &len);
	if (ret)
		return ret;
	if (strncmp(reply, "OK", 2)) {
		md_warn(WHO " %s: PREAUTH %s refused", w->cfg.ctrl_path, mac);
		return -EIO;
	}
	w->preauth_at = md_now_ns();
	if (!memcmp(aa, w->cfg.preauth_aa, MIHSEC_MAC_LEN)) {
		if (!w->preauth_retry_ns)
			w->preauth_retry_ns = PREAUTH_RETRY_NS;
		if (w->preauth_timer)
			md_timer_cancel(w->loop, w->preauth_timer);
		w->preauth_timer = md_timer_add(w->loop, w->preauth_retry_ns, 0,
						preauth_retry_cb, w);
	}
	md_info(WHO " %s: pre-authenticating with %s", w->cfg.ctrl_path, mac);
	return 0;
}

/* wired: pre-authenticate unless the target is up or one is under way */
static void preauth_if_needed(struct md_wpa *w)
{
	struct md_ctrl_peer *peer = md_ctrl_peer_find(&w->peers,
						      w->cfg.preauth_aa);

	if (peer && peer->up)
		return;
	if (w->preauth_at && md_now_ns() - w->preauth_at < PREAUTH_HOLD_NS)
		return;
	preauth(w, w->cfg.preauth_aa);
}

static void on_up(void *arg)
{
	struct md_wpa *w = arg;
	uint8_t bssid[MIHSEC_MAC_LEN];
	char state[32];
	bool have_bssid;
	int id;

	if (read_own(w, &id, state, sizeof(state), bssid, &have_bssid))
		return;
	if (strcmp(state, "COMPLETED"))
		return;		/* the CONNECTED event will come */
	if (w->cfg.preauth)
		preauth_if_needed(w);
	else if (have_bssid)
		fetch(w, bssid, id);
}

static void on_down(void *arg)
{
	(void)arg;	/* keys stay valid: layer 2 decides, not our socket */
}

static void on_event(void *arg, const char *line)
{
	struct md_wpa *w = arg;
	struct md_ctrl_peer *peer;
	struct md_wpa_ev ev;
	char mac[MD_MAC_STR];

	if (md_wpa_parse_event(line, &ev)) {
		md_warn(WHO " %s: malformed event line ignored",
			w->cfg.ctrl_path);
		return;
	}
	switch (ev.type) {
	case MD_WPA_EV_PMKSA_ADDED:
		fetch(w, ev.mac, ev.network_id);
		break;
	case MD_WPA_EV_CONNECTED:
		if (w->cfg.preauth)
			preauth_if_needed(w);
		else
			fetch(w, ev.mac, ev.network_id);
		break;
	case MD_WPA_EV_DISCONNECTED:
		peer = md_ctrl_peer_find(&w->peers, ev.mac);
		if ((!peer || !peer->up) && w->cfg.preauth)
			peer = md_ctrl_peer_find(&w->peers, w->cfg.preauth_aa);
		if (!peer || !w->have_own)
			break;
		md_mac_str(peer->mac, mac);
		if (md_ctrl_deliver_down(peer, MIHSEC_SRC_WPA_SUPPLICANT,
					 w->own, peer->mac, w->cb, w->arg))
			md_info(WHO " %s: key down with %s", w->cfg.ctrl_path,
				mac);
		break;
	case MD_WPA_EV_OTHER:
		break;
	}
}

static const struct md_ctrl_ops wpa_ops = {
	.on_up = on_up,
	.on_down = on_down,
	.on_event = on_event,
};

int md_wpa_start(struct md_loop *loop, const struct md_wpa_cfg *cfg,
		 mihsec_key_cb cb, void *arg, struct md_wpa **out)
{
	struct md_wpa *w;
	int ret;

	if (!loop || !cfg || !cfg->ctrl_path || !*cfg->ctrl_path || !cb ||
	    !out || cfg->network_id < -1)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->loop = loop;
	w->cfg = *cfg;
	w->cb = cb;
	w->arg = arg;
	*out = w;
	ret = md_ctrl_start(&w->ctrl, loop, cfg->ctrl_path, WHO, &wpa_ops, w);
	if (ret) {
		free(w);
		*out = NULL;
		return ret;
	}
	/* the copied path outlives the caller's configuration */
	w->cfg.ctrl_path = w->ctrl.path;
	return 0;
}

void md_wpa_stop(struct md_wpa *w)
{
	if (!w)
		return;
	md_ctrl_stop(&w->ctrl);
	if (w->preauth_timer)
		md_timer_cancel(w->loop, w->preauth_timer);
	md_ctrl_peers_free(&w->peers, w->loop);
	OPENSSL_cleanse(w, sizeof(*w));
	free(w);
}

int md_wpa_reauth(struct md_wpa *w, const uint8_t *mac_poa)
{
	char reply[64];
	size_t len;
	int ret;

	if (!w)
		return -EINVAL;
	if (w->cfg.preauth)
		return preauth(w, mac_poa ? mac_poa : w->cfg.preauth_aa);
	ret = md_ctrl_request(&w->ctrl, "REAUTHENTICATE", reply, sizeof(reply),
			      &len);
	if (ret)
		return ret;
	return strncmp(reply, "OK", 2) ? -EIO : 0;
}

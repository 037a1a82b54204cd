// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecd's key plumbing (keyd.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <arpa/inet.h>

#include "keys/hostapd.h"
#include "keys/radius.h"
#include "keys/wpa.h"
#include "mihf/islink.h"
#include "mihsecd/ctrl.h"
#include "lib/kdf.h"
#include "mihsecd/keyd.h"
#include "mihsecd/log.h"

struct md_keyd {
	struct md_loop *loop;
	struct mihsec_nl *nl;		/* commands; NULL: no kernel module */
	struct mihsec_nl *ev;		/* kernel events; NULL: none */
	struct md_keymgr *km;
	struct md_timer *check;
	struct md_wpa *wpa[MD_WPA_MAX];	/* key sources; NULL: not configured */
	struct md_hostapd *hostapd;
	struct md_radius *radius;
	struct md_wpa_conf wpa_conf[MD_WPA_MAX];	/* as started */
	struct md_hostapd_conf hostapd_conf;
	struct md_radius_conf radius_conf;
	/* the IS link: an IS server's listener, an AR's links (one per
	 * IS server peer, in the order of cfg->peers' IS entries) */
	struct md_islink_is *is;
	struct md_islink_ar **ar;
	struct md_km_peer_cfg *ar_peer;	/* the IS peer of each link */
	size_t nar;
	struct md_control *control;
	struct md_islink_conf islink_conf;	/* as started */
	char control_path[108];
};

/* ---- the key manager's view of the configuration --------------------- */

void md_keyd_km_cfg(const struct md_config *cfg, struct md_km_cfg *km,
		    struct md_km_peer_cfg *peers)
{
	size_t i;

	memset(km, 0, sizeof(*km));
	km->mmt = cfg->roles & MD_ROLE_MMT;
	km->poa = cfg->roles & MD_ROLE_POA;
	km->is = cfg->roles & MD_ROLE_IS;
	memcpy(km->mihf_id, cfg->mihf_id, cfg->mihf_id_len);
	km->mihf_id_len = cfg->mihf_id_len;
	km->profile = cfg->profile == MD_PROFILE_PAPER ? MIHSEC_KDF_PAPER :
							  MIHSEC_KDF_V1;
	km->suite = cfg->suite;
	if (cfg->sa_lifetime) {
		km->life.has_hard_secs = true;
		km->life.hard_secs = cfg->sa_lifetime;
	}
	if (cfg->sa_soft_lifetime) {
		km->life.has_soft_secs = true;
		km->life.soft_secs = cfg->sa_soft_lifetime;
	}
	km->life.has_grace = true;
	km->life.grace = cfg->grace;
	km->is_lifetime = cfg->is_lifetime;
	km->mmt_id_from_mac = cfg->mmt_id_from_mac;
	for (i = 0; i < cfg->npeers; i++) {
		const struct md_peer *p = &cfg->peers[i];
		struct md_km_peer_cfg *q = &peers[i];

		memset(q, 0, sizeof(*q));
		q->kind = p->kind == MD_PEER_IS ? MD_KM_IS :
			  p->kind == MD_PEER_MMT ? MD_KM_MMT : MD_KM_POA;
		memcpy(q->id, p->mihf_id, p->mihf_id_len);
		q->id_len = p->mihf_id_len;
		q->has_mac = p->has_mac;
		memcpy(q->mac, p->mac, sizeof(q->mac));
		if (p->family == AF_INET) {
			memcpy(q->addr, &p->addr.v4, 4);
			q->addr_len = 4;
		} else if (p->family == AF_INET6) {
			memcpy(q->addr, &p->addr.v6, 16);
			q->addr_len = 16;
		}
	}
	km->peers = peers;
	km->npeers = cfg->npeers;
}

/* ---- hooks: the kernel ------------------------------------------------ */

static int h_sa_add(void *arg, const struct mihsec_sa_cfg *c)
{
	struct md_keyd *k = arg;
	int err;

	if (!k->nl)
		return -ENOENT;
	err = mihsec_nl_sa_add(k->nl, c);
	if (err && err != -EEXIST)
		md_warn("kernel refused an SA for %.*s: %s%s%s",
			(int)c->peer_id_len, (const char *)c->peer_id,
			strerror(-err), *mihsec_nl_errmsg(k->nl) ? ": " : "",
			mihsec_nl_errmsg(k->nl));
	return err;
}

static int h_sa_del_peer(void *arg, const uint8_t *id, size_t len)
{
	struct md_keyd *k = arg;

	return k->nl ? mihsec_nl_sa_del_peer(k->nl, id, len) : -ENOENT;
}

static int h_sa_get(void *arg, const uint8_t rx_keyid[MIHSEC_KEYID_LEN])
{
	struct md_keyd *k = arg;
	struct mihsec_sa_info info;

	if (!k->nl)
		return 0;	/* nothing to compare with: assume present */
	return mihsec_nl_sa_get(k->nl, rx_keyid, &info);
}

/*
 * Whether two copies of a configuration section (a struct whose "line" is
 * where it stood in the file) hold the same settings; an absent section
 * (line 0, required keys empty) differs from any present one.
 */
#define SAME_SECTION(a, b) ({						\
	__typeof__(b) _s = (a);						\
	_s.line = (b).line;						\
	!memcmp(&_s, &(b), sizeof(_s));					\
})

/* ---- hooks: the key sources ------------------------------------------- */

/*
 * Re-authentication toward @mac_poa: the wpa_supplicant section that
 * pre-authenticates to it, else the first one that does not
 * pre-authenticate (the link the terminal is associated on)
 */
static int wpa_reauth(struct md_keyd *k, const uint8_t *mac_poa)
{
	struct md_wpa *assoc = NULL;
	size_t i;

	for (i = 0; i < MD_WPA_MAX; i++) {
		if (!k->wpa[i])
			continue;
		if (!k->wpa_conf[i].preauth) {
			assoc = assoc ? assoc : k->wpa[i];
			continue;
		}
		if (mac_poa && !memcmp(k->wpa_conf[i].preauth_aa, mac_poa,
				       MIHSEC_MAC_LEN))
			return md_wpa_reauth(k->wpa[i], mac_poa);
	}
	return assoc ? md_wpa_reauth(assoc, mac_poa) : -ENOTCONN;
}

static int h_reauth(void *arg, enum mihsec_key_src src,
		    const uint8_t mac_mmt[MIHSEC_MAC_LEN],
		    const uint8_t mac_poa[MIHSEC_MAC_LEN])
{
	struct md_keyd *k = arg;

	switch (src) {
	case MIHSEC_SRC_WPA_SUPPLICANT:
		return wpa_reauth(k, mac_poa);
	case MIHSEC_SRC_HOSTAPD:
		return k->hostapd ? md_hostapd_reauth(k->hostapd, mac_mmt) :
				    -ENOTCONN;
	default:
		return -EOPNOTSUPP;
	}
}

static void sources_stop(struct md_keyd *k)
{
	size_t i;

	for (i = 0; i < MD_WPA_MAX; i++) {
		md_wpa_stop(k->wpa[i]);
		k->wpa[i] = NULL;
	}
	md_hostapd_stop(k->hostapd);
	k->hostapd = NULL;
	md_radius_stop(k->radius);
	k->radius = NULL;
}

static void radius_start(struct md_keyd *k, const struct md_config *cfg)
{
	const struct md_radius_conf *c = &cfg->radius;
	struct md_radius_cfg r = {
		.listen = c->listen, .server = c->server,
		.client_secret_file = c->secret_file,
		.server_secret_file = c->server_secret_file[0] ?
				      c->server_secret_file : NULL,
		.have_ar_mac = c->has_ar_mac,
	};
	int err;

	if (k->radius && SAME_SECTION(*c, k->radius_conf))
		return;			/* unchanged */
	md_radius_stop(k->radius);
	k->radius = NULL;
	k->radius_conf = *c;
	if (!c->line)
		return;
	memcpy(r.ar_mac, c->ar_mac, MIHSEC_MAC_LEN);
	err = md_radius_start(k->loop, &r, md_keymgr_key_event, k->km,
			      &k->radius);
	if (err)
		md_err("key source radius (listen %s): %s", c->listen,
		       strerror(-err));
	else
		md_notice("key source radius: relaying %s -> %s", c->listen,
			  c->server);
}

/* (Re)start the sources @cfg names whose settings changed (a restarted
 * source would re-read, or with pre-authentication re-run, EAP) */
static void sources_start(struct md_keyd *k, const struct md_config *cfg)
{
	bool hapd = !k->hostapd || !SAME_SECTION(cfg->hostapd, k->hostapd_conf);
	struct md_wpa_conf none = { 0 };
	size_t i;
	int err;

	/* one source per [wpa_supplicant] section, slot i for section i */
	for (i = 0; i < MD_WPA_MAX; i++) {
		const struct md_wpa_conf *c = i < cfg->nwpa ? &cfg->wpa[i] :
							      &none;
		struct md_wpa_cfg w = { .ctrl_path = c->ctrl,
					.network_id = c->network_id,
					.preauth = c->preauth };

		if (k->wpa[i] && SAME_SECTION(*c, k->wpa_conf[i]))
			continue;		/* unchanged */
		md_wpa_stop(k->wpa[i]);
		k->wpa[i] = NULL;
		k->wpa_conf[i] = *c;
		if (!c->line)
			continue;
		memcpy(w.preauth_aa, c->preauth_aa, MIHSEC_MAC_LEN);
		err = md_wpa_start(k->loop, &w, md_keymgr_key_event, k->km,
				   &k->wpa[i]);
		if (err)
			md_err("key source wpa_supplicant (%s): %s", c->ctrl,
			       strerror(-err));
	}
	k->hostapd_conf = cfg->hostapd;
	if (hapd) {
		md_hostapd_stop(k->hostapd);
		k->hostapd = NULL;
	}
	if (hapd && cfg->hostapd.line) {
		struct md_hostapd_cfg h = {
			.ctrl_path = cfg->hostapd.ctrl,
			.have_own_mac = cfg->hostapd.has_mac,
			.ifname = cfg->hostapd.ifname[0] ? cfg->hostapd.ifname :
							   NULL,
		};

		memcpy(h.own_mac, cfg->hostapd.mac, MIHSEC_MAC_LEN);
		err = md_hostapd_start(k->loop, &h, md_keymgr_key_event, k->km,
				       &k->hostapd);
		if (err)
			md_err("key source hostapd (%s): %s", cfg->hostapd.ctrl,
			       strerror(-err));
	}
	radius_start(k, cfg);
}

/* ---- the IS link (PROTOCOL.md 2.3) ------------------------------------ */

static void push_done(void *arg, int status)
{
	(void)arg;
	if (status)
		md_warn("IS key push finished with status %d", status);
	else
		md_debug("IS key push acknowledged");
}

static int h_push_is(void *arg, const struct md_km_peer_cfg *is,
		     const uint8_t mac_mmt[MIHSEC_MAC_LEN],
		     const uint8_t *mmt_id, size_t mmt_id_len, uint8_t profile,
		     uint8_t suite, const uint8_t key[32], uint32_t lifetime)
{
	struct md_keyd *k = arg;
	int64_t id;
	size_t i;

	for (i = 0; i < k->nar; i++) {
		if (k->ar_peer[i].id_len != is->id_len ||
		    memcmp(k->ar_peer[i].id, is->id, is->id_len))
			continue;
		id = md_islink_push(k->ar[i], mac_mmt, mmt_id, mmt_id_len,
				    profile, suite, key, lifetime, push_done, k);
		return id > 0 ? 0 : (int)id;
	}
	return -ENOTCONN;
}

static void ar_epoch(void *arg, const uint8_t old_epoch[MD_ISLINK_EPOCH_LEN],
		     const uint8_t new_epoch[MD_ISLINK_EPOCH_LEN])
{
	struct md_keyd *k = arg;

	(void)old_epoch;
	(void)new_epoch;
	md_keymgr_reauth_terminals(k->km,
				   "an IS server restarted and lost the IS keys");
}

static int is_install(void *arg, const struct md_islink_install *in)
{
	struct md_keyd *k = arg;

	return md_keymgr_install_pushed(k->km, in->cfg, in->mac_mmt);
}

static void islink_stop(struct md_keyd *k)
{
	size_t i;

	md_islink_is_stop(k->is);
	k->is = NULL;
	for (i = 0; i < k->nar; i++)
		md_islink_ar_stop(k->ar[i]);
	free(k->ar);
	free(k->ar_peer);
	k->ar = NULL;
	k->ar_peer = NULL;
	k->nar = 0;
}

static void islink_start(struct md_keyd *k, const struct md_config *cfg)
{
	const struct md_islink_conf *l = &cfg->islink;
	struct md_islink_tls tls = { .cert_file = l->cert,
				     .key_file = l->key, .ca_file = l->ca };
	size_t i, n = 0;
	int err;

	islink_stop(k);
	k->islink_conf = *l;
	if (!l->line)
		return;
	if (cfg->roles & MD_ROLE_IS) {
		const char **ids = calloc(cfg->npeers + 1, sizeof(*ids));
		char (*idbuf)[MIHSEC_MIHF_ID_MAX + 1] =
			calloc(cfg->npeers + 1, sizeof(*idbuf));
		struct md_islink_is_cfg c = {
			.id = cfg->mihf_id, .id_len = cfg->mihf_id_len,
			.listen_addr = l->listen[0] ? l->listen : NULL,
			.port = l->port, .tls = tls,
		};

		for (i = 0; ids && idbuf && i < cfg->npeers; i++) {
			const struct md_peer *p = &cfg->peers[i];

			if (p->kind != MD_PEER_POA)
				continue;
			memcpy(idbuf[n], p->mihf_id, p->mihf_id_len);
			ids[n] = idbuf[n];
			n++;
		}
		c.ar_ids = ids;
		c.n_ar_ids = n;
		if (l->mmt_family) {
			c.paper_addr_len = l->mmt_family == AF_INET ? 4 : 16;
			memcpy(c.paper_addr, l->mmt_addr, c.paper_addr_len);
		}
		err = ids && idbuf ? md_islink_is_start(k->loop, &c, is_install,
							k, &k->is) :
				     -ENOMEM;
		if (err)
			md_err("IS link: cannot listen on port %u: %s", l->port,
			       strerror(-err));
		else
			md_notice("IS link: listening on port %u for %zu access router%s",
				  l->port, n, n == 1 ? "" : "s");
		free(ids);
		free(idbuf);
	}
	if (!(cfg->roles & MD_ROLE_POA))
		return;
	for (i = 0; i < cfg->npeers; i++)
		n += cfg->peers[i].kind == MD_PEER_IS;
	k->ar = calloc(n + 1, sizeof(*k->ar));
	k->ar_peer = calloc(n + 1, sizeof(*k->ar_peer));
	if (!k->ar || !k->ar_peer) {
		md_err("IS link: out of memory");
		return;
	}
	for (i = 0; i < cfg->npeers; i++) {
		const struct md_peer *p = &cfg->peers[i];
		struct md_islink_ar_cbs cbs = { .epoch = ar_epoch, .arg = k };
		struct md_islink_ar_cfg c = {
			.id = cfg->mihf_id, .id_len = cfg->mihf_id_len,
			.is_id = p->mihf_id, .is_id_len = p->mihf_id_len,
			.port = l->port, .tls = tls,
		};
		char addr[INET6_ADDRSTRLEN];

		if (p->kind != MD_PEER_IS)
			continue;
		c.is_addr = md_peer_addr_str(p, addr, sizeof(addr));
		err = md_islink_ar_start(k->loop, &c, &cbs, &k->ar[k->nar]);
		if (err) {
			md_err("IS link to %s: %s", p->name, strerror(-err));
			continue;
		}
		memcpy(k->ar_peer[k->nar].id, p->mihf_id, p->mihf_id_len);
		k->ar_peer[k->nar].id_len = p->mihf_id_len;
		k->nar++;
	}
}

/* ---- the control socket ------------------------------------------------ */

static void control_key_event(void *arg, const struct mihsec_key_event *ev)
{
	struct md_keyd *k = arg;

	md_keymgr_key_event(k->km, ev);
}

static size_t control_sas(void *arg, const struct md_km_sa **sas)
{
	struct md_keyd *k = arg;

	return md_keymgr_sas(k->km, sas);
}

static void control_start(struct md_keyd *k, const struct md_config *cfg)
{
	struct md_control_ops ops = { .key_event = control_key_event,
				      .sas = control_sas, .arg = k };
	int err;

	md_control_stop(k->control);
	k->control = NULL;
	snprintf(k->control_path, sizeof(k->control_path), "%s", cfg->control);
	err = md_control_start(k->loop, cfg->control, &ops, &k->control);
	if (err)
		md_err("control socket %s: %s", cfg->control, strerror(-err));
}

/* ---- kernel events ---------------------------------------------------- */

static int on_event(const struct mihsec_event_info *ev, void *arg)
{
	md_keymgr_kernel_event(arg, ev);
	return 0;
}

static void events_readable(struct md_loop *loop, int fd, uint32_t events,
			    void *arg)
{
	struct md_keyd *k = arg;
	int n;

	(void)loop;
	(void)fd;
	(void)events;
	n = mihsec_nl_recv_events(k->ev, on_event, k->km);
	if (n == -ENOBUFS)
		md_warn("kernel events were lost (receive buffer full)");
	else if (n < 0 && n != -EAGAIN && n != -EINTR)
		md_warn("reading kernel events: %s", strerror(-n));
}

static void subscribe(struct md_keyd *k, md_open_fn open)
{
	char msg[MIHSEC_NL_ERRMSG_LEN] = "";
	int err = 0;

	k->ev = open(&err, msg, sizeof(msg));
	if (!k->ev) {
		md_warn("no kernel events: %s", strerror(-err));
		return;
	}
	err = mihsec_nl_subscribe_events(k->ev);
	if (!err)
		err = md_loop_add_fd(k->loop, mihsec_nl_fd(k->ev), EPOLLIN,
				     events_readable, k);
	if (err) {
		md_warn("no kernel events: %s", strerror(-err));
		mihsec_nl_close(k->ev);
		k->ev = NULL;
	}
}

/* ---- adoption and the periodic check ---------------------------------- */

static int adopt_one(const struct mihsec_sa_info *sa, void *arg)
{
	md_keymgr_adopt(arg, sa);
	return 0;
}

static void adopt(struct md_keyd *k)
{
	int n, tries;

	for (tries = 0; tries < 3; tries++) {
		n = mihsec_nl_sa_dump(k->nl, adopt_one, k->km);
		if (n != -EINTR)
			break;
	}
	if (n < 0)
		md_warn("cannot list the kernel's SAs: %s", strerror(-n));
}

static void check(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct md_keyd *k = arg;

	(void)loop;
	(void)t;
	md_keymgr_check(k->km);
}

/* ---- life cycle ------------------------------------------------------- */

static struct md_keymgr *new_keymgr(const struct md_config *cfg,
				    const struct md_km_hooks *h)
{
	struct md_km_peer_cfg *peers = calloc(cfg->npeers + 1, sizeof(*peers));
	struct md_keymgr *km;
	struct md_km_cfg kc;

	if (!peers)
		return NULL;
	md_keyd_km_cfg(cfg, &kc, peers);
	km = md_keymgr_new(&kc, h);	/* copies the peers */
	free(peers);
	return km;
}

struct md_keyd *md_keyd_start(struct md_loop *loop,
			      const struct md_config *cfg,
			      struct mihsec_nl *nl, md_open_fn open)
{
	struct md_keyd *k = calloc(1, sizeof(*k));
	struct md_km_hooks h = { .sa_add = h_sa_add,
				 .sa_del_peer = h_sa_del_peer,
				 .sa_get = h_sa_get, .reauth = h_reauth,
				 .push_is = h_push_is };

	if (!k)
		return NULL;
	k->loop = loop;
	k->nl = nl;
	h.arg = k;
	k->km = new_keymgr(cfg, &h);
	if (!k->km) {
		free(k);
		return NULL;
	}
	if (nl) {
		adopt(k);
		subscribe(k, open);
	}
	sources_start(k, cfg);
	islink_start(k, cfg);
	control_start(k, cfg);
	k->check = md_timer_add(loop, MD_KEYD_CHECK_SECS * MD_NSEC_PER_SEC,
				MD_KEYD_CHECK_SECS * MD_NSEC_PER_SEC, check, k);
	if (!k->check)
		md_warn("no periodic SA check: out of memory");
	return k;
}

int md_keyd_reload(struct md_keyd *k, const struct md_config *cfg)
{
	struct md_km_peer_cfg *peers = calloc(cfg->npeers + 1, sizeof(*peers));
	struct md_km_cfg kc;
	int err;

	if (!peers)
		return -ENOMEM;
	md_keyd_km_cfg(cfg, &kc, peers);
	err = md_keymgr_set_cfg(k->km, &kc);
	free(peers);
	sources_start(k, cfg);
	/* restarting the IS link would cancel pushes (AR) or draw a new
	 * epoch and make every AR re-authenticate its terminals (IS) */
	if (memcmp(&cfg->islink, &k->islink_conf, sizeof(cfg->islink)))
		md_warn("[is-link] changes take effect at the next start");
	if (strcmp(cfg->control, k->control_path))
		md_warn("control-socket changes take effect at the next start");
	return err;
}

void md_keyd_stop(struct md_keyd *k)
{
	if (!k)
		return;
	md_control_stop(k->control);
	islink_stop(k);
	sources_stop(k);
	if (k->check)
		md_timer_cancel(k->loop, k->check);
	if (k->ev) {
		md_loop_del_fd(k->loop, mihsec_nl_fd(k->ev));
		mihsec_nl_close(k->ev);
	}
	md_keymgr_free(k->km);
	free(k);
}

struct md_keymgr *md_keyd_keymgr(struct md_keyd *k)
{
	return k->km;
}

struct md_control *md_keyd_control(struct md_keyd *k)
{
	return k ? k->control : NULL;
}

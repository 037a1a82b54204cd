// SPDX-License-Identifier: GPL-2.0
/*
 * Control-socket connection and line helpers shared by the wpa_supplicant
 * and hostapd key sources (keys/ctrl.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <openssl/crypto.h>
#include <wpa_ctrl.h>

#include "keys/ctrl.h"
#include "lib/hex.h"
#include "lib/kdf.h"
#include "mihsecd/log.h"

static void ctrl_connect(struct md_ctrl *c);

static void ctrl_close(struct md_ctrl *c)
{
	if (c->mon) {
		md_loop_del_fd(c->loop, c->mon_fd);
		wpa_ctrl_detach(c->mon);
		wpa_ctrl_close(c->mon);
		c->mon = NULL;
		c->mon_fd = -1;
	}
	if (c->cmd) {
		wpa_ctrl_close(c->cmd);
		c->cmd = NULL;
	}
	if (c->timer) {
		md_timer_cancel(c->loop, c->timer);
		c->timer = NULL;
	}
}

static void retry_cb(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct md_ctrl *c = arg;

	(void)loop;
	(void)t;
	c->timer = NULL;	/* one-shot: freed after we return */
	ctrl_connect(c);
}

static void schedule_retry(struct md_ctrl *c)
{
	if (c->timer)
		md_timer_cancel(c->loop, c->timer);
	c->timer = md_timer_add(c->loop, c->backoff_ns, 0, retry_cb, c);
	if (!c->timer)
		md_err("%s %s: out of memory for the reconnect timer",
		       c->who, c->path);
	c->backoff_ns *= 2;
	if (c->backoff_ns > MD_CTRL_BACKOFF_MAX_NS)
		c->backoff_ns = MD_CTRL_BACKOFF_MAX_NS;
}

/* lost the far end: close, tell the source, retry later */
static void ctrl_drop(struct md_ctrl *c, const char *why)
{
	bool was_up = c->up;

	ctrl_close(c);
	c->up = false;
	c->backoff_ns = MD_CTRL_BACKOFF_MIN_NS;
	if (was_up) {
		md_notice("%s %s: connection lost (%s), reconnecting",
			  c->who, c->path, why);
		c->warned = true;
		if (c->ops->on_down)
			c->ops->on_down(c->arg);
	}
	schedule_retry(c);
}

static void ping_cb(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct md_ctrl *c = arg;
	char reply[32];
	size_t len;
	int ret;

	(void)loop;
	(void)t;
	ret = md_ctrl_request(c, "PING", reply, sizeof(reply), &len);
	if (ret == -ETIMEDOUT || (!ret && strncmp(reply, "PONG", 4)))
		ctrl_drop(c, "PING not answered with PONG");
}

static void mon_cb(struct md_loop *loop, int fd, uint32_t events, void *arg)
{
	struct md_ctrl *c = arg;
	char buf[MD_CTRL_LINE_MAX + 1], line[MD_CTRL_LINE_MAX + 1];
	unsigned int n = 0;

	(void)loop;
	(void)fd;
	if (events & (EPOLLERR | EPOLLHUP)) {
		ctrl_drop(c, "socket error");
		return;
	}
	/* event lines carry no keys, but leave nothing behind anyway */
	/* the source may drop the connection from on_event: check c->mon */
	while (c->mon && n++ < 64 && wpa_ctrl_pending(c->mon) > 0) {
		size_t len = sizeof(buf) - 1;
		const char *l;

		if (wpa_ctrl_recv(c->mon, buf, &len) < 0) {
			ctrl_drop(c, "receive failed");
			break;
		}
		l = md_ctrl_line(buf, len, line, sizeof(line));
		if (!l) {
			md_debug("%s %s: ignoring a malformed event line",
				 c->who, c->path);
			continue;
		}
		if (!strncmp(l, "CTRL-EVENT-TERMINATING", 22)) {
			ctrl_drop(c, "far end terminating");
			break;
		}
		c->event_ns = md_now_ns();
		c->ops->on_event(c->arg, l);
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(line, sizeof(line));
}

static void ctrl_connect(struct md_ctrl *c)
{
	int err;

	c->cmd = wpa_ctrl_open(c->path);
	c->mon = c->cmd ? wpa_ctrl_open(c->path) : NULL;
	if (!c->cmd || !c->mon || wpa_ctrl_attach(c->mon) != 0) {
		if (!c->warned)
			md_notice("%s %s: cannot connect yet, retrying",
				  c->who, c->path);
		c->warned = true;
		if (c->mon) {
			wpa_ctrl_close(c->mon);
			c->mon = NULL;
		}
		if (c->cmd) {
			wpa_ctrl_close(c->cmd);
			c->cmd = NULL;
		}
		schedule_retry(c);
		return;
	}
	c->mon_fd = wpa_ctrl_get_fd(c->mon);
	err = md_loop_add_fd(c->loop, c->mon_fd, EPOLLIN, mon_cb, c);
	if (!err) {
		c->timer = md_timer_add(c->loop, MD_CTRL_PING_NS,
					MD_CTRL_PING_NS, ping_cb, c);
		if (!c->timer)
			err = -ENOMEM;
	}
	if (err) {
		md_err("%s %s: cannot watch the socket: %s", c->who, c->path,
		       strerror(-err));
		ctrl_close(c);
		schedule_retry(c);
		return;
	}
	c->up = true;
	c->backoff_ns = MD_CTRL_BACKOFF_MIN_NS;
	if (c->warned)
		md_notice("%s %s: connected", c->who, c->path);
	else
		md_info("%s %s: connected", c->who, c->path);
	c->warned = false;
	if (c->ops->on_up)
		c->ops->on_up(c->arg);
}

int md_ctrl_start(struct md_ctrl *c, struct md_loop *loop, const char *path,
		  const char *who, const struct md_ctrl_ops *ops, void *arg)
{
	if (!c || !loop || !path || !*path || !who || !ops || !ops->on_event)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->path = strdup(path);
	if (!c->path)
		return -ENOMEM;
	c->loop = loop;
	c->who = who;
	c->ops = ops;
	c->arg = arg;
	c->mon_fd = -1;
	c->backoff_ns = MD_CTRL_BACKOFF_MIN_NS;
	ctrl_connect(c);
	return 0;
}

void md_ctrl_stop(struct md_ctrl *c)
{
	if (!c || !c->path)
		return;
	ctrl_close(c);
	c->up = false;
	free(c->path);
	c->path = NULL;
}

int md_ctrl_request(struct md_ctrl *c, const char *cmd, char *reply,
		    size_t size, size_t *len)
{
	size_t n;
	int ret;

	if (!size)
		return -EINVAL;
	reply[0] = '\0';
	*len = 0;
	if (!c->up || !c->cmd)
		return -ENOTCONN;
	n = size - 1;
	ret = wpa_ctrl_request(c->cmd, cmd, strlen(cmd), reply, &n, NULL);
	if (ret == -2) {
		md_warn("%s %s: no reply to %.*s", c->who, c->path,
			(int)strcspn(cmd, " "), cmd);
		return -ETIMEDOUT;
	}
	if (ret < 0) {
		ctrl_drop(c, "request failed");
		return -EIO;
	}
	reply[n] = '\0';
	*len = n;
	return 0;
}

const char *md_ctrl_line(const char *buf, size_t len, char *out, size_t size)
{
	size_t i, skip = 0;

	if (len && buf[len - 1] == '\n')
		len--;
	if (!len || len >= size)
		return NULL;
	for (i = 0; i < len; i++)
		if (iscntrl((unsigned char)buf[i]))
			return NULL;
	memcpy(out, buf, len);
	out[len] = '\0';
	if (out[0] == '<') {
		for (i = 1; i <= 3 && isdigit((unsigned char)out[i]); i++)
			;
		if (i == 1 || out[i] != '>')
			return NULL;
		skip = i + 1;
	}
	if (!out[skip])
		return NULL;
	return out + skip;
}

int md_ctrl_parse_mac(const char *s, uint8_t mac[MIHSEC_MAC_LEN])
{
	int i;

	for (i = 0; i < MIHSEC_MAC_LEN; i++) {
		const char *p = s + 3 * i;

		if (!isxdigit((unsigned char)p[0]) ||
		    !isxdigit((unsigned char)p[1]))
			goto bad;
		if (i < MIHSEC_MAC_LEN - 1 && p[2] != ':')
			goto bad;
	}
	if (s[17] != '\0' && s[17] != ' ')
		goto bad;
	for (i = 0; i < MIHSEC_MAC_LEN; i++) {
		char two[3] = { s[3 * i], s[3 * i + 1], '\0' };

		mac[i] = (uint8_t)strtoul(two, NULL, 16);
	}
	return 17;
bad:
	memset(mac, 0, MIHSEC_MAC_LEN);
	return -EINVAL;
}

int md_ctrl_parse_pmk(const char *s, size_t n, uint8_t pmk[MIHSEC_MSK_LEN])
{
	char hex[2 * MIHSEC_MSK_LEN + 1];
	size_t i;
	int ret = -EINVAL;

	if (n != 2 * MIHSEC_MSK_LEN)
		goto out;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			goto out;
	memcpy(hex, s, n);
	hex[n] = '\0';
	if (mihsec_hex_decode(hex, pmk, MIHSEC_MSK_LEN) == MIHSEC_MSK_LEN)
		ret = 0;
	OPENSSL_cleanse(hex, sizeof(hex));
out:
	if (ret)
		OPENSSL_cleanse(pmk, MIHSEC_MSK_LEN);
	return ret;
}

int md_ctrl_kv(const char *reply, const char *key, char *out, size_t size)
{
	size_t kl = strlen(key);
	const char *p = reply;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			const char *v = p + kl + 1;
			size_t vl = strcspn(v, "\n");

			if (vl >= size)
				return -E2BIG;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -ENOENT;
}

void md_mac_str(const uint8_t mac[MIHSEC_MAC_LEN], char out[MD_MAC_STR])
{
	snprintf(out, MD_MAC_STR, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

struct md_ctrl_peer *md_ctrl_peer_find(struct md_ctrl_peers *p,
				       const uint8_t mac[MIHSEC_MAC_LEN])
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!memcmp(p->v[i]->mac, mac, MIHSEC_MAC_LEN))
			return p->v[i];
	return NULL;
}

struct md_ctrl_peer *md_ctrl_peer_get(struct md_ctrl_peers *p,
				      const uint8_t mac[MIHSEC_MAC_LEN])
{
	struct md_ctrl_peer *peer = md_ctrl_peer_find(p, mac), **v;

	if (peer)
		return peer;
	peer = calloc(1, sizeof(*peer));
	v = realloc(p->v, (p->n + 1) * sizeof(*v));
	if (!peer || !v) {
		free(peer);
		if (v)
			p->v = v;
		return NULL;
	}
	memcpy(peer->mac, mac, MIHSEC_MAC_LEN);
	p->v = v;
	p->v[p->n++] = peer;
	return peer;
}

void md_ctrl_peers_free(struct md_ctrl_peers *p, struct md_loop *loop)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->v[i]->retry)
			md_timer_cancel(loop, p->v[i]->retry);
		free(p->v[i]);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

int md_ctrl_deliver_up(struct md_ctrl_peer *peer, enum mihsec_key_src src,
		       const uint8_t mac_mmt[MIHSEC_MAC_LEN],
		       const uint8_t mac_poa[MIHSEC_MAC_LEN],
		       const uint8_t pmk[MIHSEC_MSK_LEN], uint64_t t_ns,
		       mihsec_key_cb cb, void *arg)
{
	struct mihsec_key_event ev = { .what = MIHSEC_KEY_UP, .src = src,
				       .t_ns = t_ns };
	char fp[MIHSEC_KDF_FP_STR];

	if (mihsec_kdf_fingerprint(pmk, MIHSEC_MSK_LEN, fp))
		return -EIO;
	if (peer->up && !strcmp(peer->fp, fp))
		return 0;
	memcpy(peer->fp, fp, sizeof(peer->fp));
	peer->up = true;
	memcpy(ev.mac_mmt, mac_mmt, MIHSEC_MAC_LEN);
	memcpy(ev.mac_poa, mac_poa, MIHSEC_MAC_LEN);
	memcpy(ev.msk, pmk, MIHSEC_MSK_LEN);
	cb(arg, &ev);
	OPENSSL_cleanse(&ev, sizeof(ev));
	return 1;
}

int md_ctrl_deliver_down(struct md_ctrl_peer *peer, enum mihsec_key_src src,
			 const uint8_t mac_mmt[MIHSEC_MAC_LEN],
			 const uint8_t mac_poa[MIHSEC_MAC_LEN],
			 mihsec_key_cb cb, void *arg)
{
	struct mihsec_key_event ev = { .what = MIHSEC_KEY_DOWN, .src = src };

	if (!peer->up)
		return 0;
	peer->up = false;
	memcpy(ev.mac_mmt, mac_mmt, MIHSEC_MAC_LEN);
	memcpy(ev.mac_poa, mac_poa, MIHSEC_MAC_LEN);
	cb(arg, &ev);
	return 1;
}

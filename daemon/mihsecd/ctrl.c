// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecd's control socket (see ctrl.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>
#include <json-c/printbuf.h>
#include <openssl/crypto.h>

#include "lib/hex.h"
#include "mihsecd/ctrl.h"
#include "mihsecd/log.h"

/* A request is one flat object: no deeper nesting is ever needed */
#define CONTROL_JSON_DEPTH	4

struct md_control_client {
	struct md_control *ctrl;
	int fd;			/* -1: free slot */
	unsigned int uid;
	int pid;
	struct md_control_req *pending;	/* answered later; NULL: none */
};

/* Lives on its own: the client (or the whole socket) may go first */
struct md_control_req {
	struct md_control_client *cl;	/* NULL: the client left */
	char cmd[32];
};

/* The MIH function's commands (served through md_control_ext) */
static const char *const mih_cmds[] = {
	"mih-send", "is-query", "is-import", "is-export", "handover",
	"mihf-status", NULL,
};

struct md_control {
	struct md_loop *loop;
	struct md_control_ops ops;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
	dev_t dev;		/* of the socket file we bound */
	ino_t ino;
	size_t nclients;
	size_t npending;
	bool has_ext;
	struct md_control_ext ext;
	struct md_control_client clients[MD_CONTROL_MAX_CLIENTS];
	char buf[MD_CONTROL_MSG_MAX + 1];	/* one request; cleansed after use */
};

/* ------------------------------------------------------------------ */
/* Replies                                                             */

static struct json_object *reply_ok(void)
{
	struct json_object *o = json_object_new_object();

	if (o)
		json_object_object_add(o, "ok", json_object_new_boolean(1));
	return o;
}

static struct json_object *reply_err(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static struct json_object *reply_err(const char *fmt, ...)
{
	struct json_object *o = json_object_new_object();
	char msg[256];
	va_list ap;

	if (!o)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

/* Send @reply (NULL: out of memory) on @fd, with @pass (>= 0) as
 * SCM_RIGHTS; 0, or a negative errno */
static int send_reply_fd(int fd, struct json_object *reply, int pass)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	const char *s;

	if (!reply)
		s = "{\"ok\":false,\"error\":\"out of memory\"}";
	else
		s = json_object_to_json_string_ext(reply,
						   JSON_C_TO_STRING_PLAIN);
	if (!s)
		s = "{\"ok\":false,\"error\":\"out of memory\"}";
	iov.iov_base = (void *)s;
	iov.iov_len = strlen(s);
	if (pass >= 0) {
		struct cmsghdr *cm;

		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass, sizeof(int));
	}
	if (sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

/* Send @reply (NULL: out of memory) on @fd; 0, or a negative errno */
static int send_reply(int fd, struct json_object *reply)
{
	const char *s;
	size_t len;

	if (!reply)
		s = "{\"ok\":false,\"error\":\"out of memory\"}";
	else
		s = json_object_to_json_string_ext(reply,
						   JSON_C_TO_STRING_PLAIN);
	if (!s)
		s = "{\"ok\":false,\"error\":\"out of memory\"}";
	len = strlen(s);
	if (send(fd, s, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Request parsing                                                     */

/* OPENSSL_cleanse every string in @o (json-c's copies of the request) */
static void cleanse_strings(struct json_object *o, int depth)
{
	if (!o || depth > CONTROL_JSON_DEPTH + 1)
		return;
	switch (json_object_get_type(o)) {
	case json_type_string:
		OPENSSL_cleanse((char *)json_object_get_string(o),
				(size_t)json_object_get_string_len(o));
		break;
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			(void)k;
			cleanse_strings(v, depth + 1);
		}
		break;
	}
	case json_type_array:
		for (size_t i = 0; i < json_object_array_length(o); i++)
			cleanse_strings(json_object_array_get_idx(o, i),
					depth + 1);
		break;
	default:
		break;
	}
}

/*
 * The tokener keeps copies of what it read: its string buffer, and after
 * a failed parse the partial objects on its stack.  json-c (0.16) has no
 * API for either, so this reaches into struct json_tokener (public in
 * json_tokener.h, marked as internal).
 */
static void cleanse_tokener(struct json_tokener *tok)
{
	for (int i = 0; i <= tok->depth && i < tok->max_depth; i++)
		cleanse_strings(tok->stack[i].current, 0);
	if (tok->pb && tok->pb->buf && tok->pb->size > 0)
		OPENSSL_cleanse(tok->pb->buf, (size_t)tok->pb->size);
}

/* "aa:bb:cc:dd:ee:ff" (either case), exactly */
static bool parse_mac(const char *s, uint8_t mac[MIHSEC_MAC_LEN])
{
	static const char hex[] = "0123456789abcdef";

	if (strlen(s) != 3 * MIHSEC_MAC_LEN - 1)
		return false;
	for (int i = 0; i < MIHSEC_MAC_LEN; i++) {
		const char *p = s + 3 * i;
		const char *hi = strchr(hex, p[0] | 0x20);
		const char *lo = strchr(hex, p[1] | 0x20);

		if (!p[0] || !p[1] || !hi || !lo)
			return false;
		if (i < MIHSEC_MAC_LEN - 1 && p[2] != ':')
			return false;
		mac[i] = (uint8_t)((hi - hex) << 4 | (lo - hex));
	}
	return true;
}

static void format_mac(const uint8_t mac[MIHSEC_MAC_LEN], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

/*
 * The string field @name of @req into *@val.  Returns NULL, or an error
 * reply (missing and not @optional, or not a string).
 */
static struct json_object *get_str(struct json_object *req, const char *name,
				   bool optional, const char **val)
{
	struct json_object *v;

	*val = NULL;
	if (!json_object_object_get_ex(req, name, &v)) {
		if (optional)
			return NULL;
		return reply_err("missing \"%s\"", name);
	}
	if (!json_object_is_type(v, json_type_string))
		return reply_err("\"%s\" must be a string", name);
	*val = json_object_get_string(v);
	return NULL;
}

/* Every field of @req is one of @allowed (NULL-terminated) */
static struct json_object *only_fields(struct json_object *req,
				       const char *const *allowed)
{
	json_object_object_foreach(req, k, v) {
		const char *const *a;

		(void)v;
		for (a = allowed; *a && strcmp(*a, k); a++)
			;
		if (!*a)
			return reply_err("unknown field \"%.64s\"", k);
	}
	return NULL;
}

static struct json_object *get_macs(struct json_object *req,
				    struct mihsec_key_event *ev)
{
	struct json_object *err;
	const char *mmt, *poa;

	err = get_str(req, "mmt", false, &mmt);
	if (!err)
		err = get_str(req, "poa", false, &poa);
	if (err)
		return err;
	if (!parse_mac(mmt, ev->mac_mmt))
		return reply_err("mmt: '%.64s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
				 mmt);
	if (!parse_mac(poa, ev->mac_poa))
		return reply_err("poa: '%.64s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
				 poa);
	return NULL;
}

static struct json_object *cmd_msk(struct md_control *c,
				   struct md_control_client *cl,
				   struct json_object *req, bool add)
{
	static const char *const add_fields[] = { "cmd", "mmt", "poa", "msk",
						  NULL };
	static const char *const del_fields[] = { "cmd", "mmt", "poa", NULL };
	struct mihsec_key_event ev = {
		.what = add ? MIHSEC_KEY_UP : MIHSEC_KEY_DOWN,
		.src = MIHSEC_SRC_MANUAL,
	};
	uint8_t msk[2 * MIHSEC_MSK_LEN];
	struct json_object *err;
	char smmt[18], spoa[18];
	const char *hex;
	int rc;

	err = only_fields(req, add ? add_fields : del_fields);
	if (!err)
		err = get_macs(req, &ev);
	if (!err && add)
		err = get_str(req, "msk", false, &hex);
	if (err)
		return err;
	format_mac(ev.mac_mmt, smmt);
	format_mac(ev.mac_poa, spoa);
	if (add) {
		/* the error messages never quote the value */
		rc = mihsec_hex_decode(hex, msk, sizeof(msk));
		if (rc == -E2BIG || rc == -ENODATA ||
		    (rc >= 0 && rc != MIHSEC_MSK_LEN &&
		     rc != 2 * MIHSEC_MSK_LEN)) {
			OPENSSL_cleanse(msk, sizeof(msk));
			return reply_err("msk: must be %d or %d hex digits",
					 2 * MIHSEC_MSK_LEN,
					 4 * MIHSEC_MSK_LEN);
		}
		if (rc < 0) {
			OPENSSL_cleanse(msk, sizeof(msk));
			return reply_err("msk: %s", mihsec_hex_strerror(rc));
		}
		/* a whole MSK: its first 32 octets (PROTOCOL.md 2) */
		memcpy(ev.msk, msk, MIHSEC_MSK_LEN);
		OPENSSL_cleanse(msk, sizeof(msk));
	}
	md_info("control: msk %s mmt %s poa %s (uid %u pid %d)",
		add ? "add" : "del", smmt, spoa, cl->uid, cl->pid);
	if (c->ops.key_event)
		c->ops.key_event(c->ops.arg, &ev);
	OPENSSL_cleanse(&ev, sizeof(ev));
	return reply_ok();
}

static const char *kind_name(enum md_km_kind k)
{
	switch (k) {
	case MD_KM_POA:
		return "poa";
	case MD_KM_IS:
		return "is";
	case MD_KM_MMT:
		return "mmt";
	}
	return "unknown";
}

/* The MIHF ID as text: printable ASCII, others and '\' as \xNN */
static void escape_id(const uint8_t *id, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		uint8_t ch = id[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			*out++ = (char)ch;
		} else {
			*out++ = '\\';
			*out++ = 'x';
			*out++ = digits[ch >> 4];
			*out++ = digits[ch & 0xf];
		}
	}
	*out = '\0';
}

static struct json_object *json_sa(const struct md_km_sa *sa)
{
	struct json_object *o = json_object_new_object();
	char id[4 * MIHSEC_MIHF_ID_MAX + 1], mac[18], kid[17];
	size_t idlen = sa->peer_id_len;

	if (!o)
		return NULL;
	if (idlen > MIHSEC_MIHF_ID_MAX)
		idlen = MIHSEC_MIHF_ID_MAX;
	escape_id(sa->peer_id, idlen, id);
	json_object_object_add(o, "peer", json_object_new_string(id));
	json_object_object_add(o, "kind",
			       json_object_new_string(kind_name(sa->kind)));
	json_object_object_add(o, "source", json_object_new_string(
		sa->src ? mihsec_key_src_name(sa->src) : "adopted"));
	format_mac(sa->mac_mmt, mac);
	json_object_object_add(o, "mac_mmt", json_object_new_string(mac));
	format_mac(sa->mac_poa, mac);
	json_object_object_add(o, "mac_poa", json_object_new_string(mac));
	json_object_object_add(o, "state", json_object_new_string(
		sa->installed ? "installed" :
		sa->pending_cfg_valid ? "pending" : "gone"));
	mihsec_hex_encode(sa->rx_keyid, MIHSEC_KEYID_LEN, kid);
	json_object_object_add(o, "rx_keyid", json_object_new_string(kid));
	mihsec_hex_encode(sa->tx_keyid, MIHSEC_KEYID_LEN, kid);
	json_object_object_add(o, "tx_keyid", json_object_new_string(kid));
	json_object_object_add(o, "rekeys",
			       json_object_new_int64(sa->rekeys));
	json_object_object_add(o, "since",
			       json_object_new_int64((int64_t)sa->since));
	return o;
}

/*
 * The MIH peer table into @arr (the SA entries): "mih" added to the
 * entries of the same MIHF ID, entries of their own for the others.
 * 0, or -ENOMEM.
 */
static int merge_mih_peers(struct md_control *c, struct json_object *arr)
{
	struct json_object *mih = c->ext.mih_peers(c->ext.arg);
	size_t nsa = json_object_array_length(arr);

	if (!mih)
		return 0;	/* nothing to add (logged by the owner) */
	if (!json_object_is_type(mih, json_type_array)) {
		json_object_put(mih);
		return 0;
	}
	for (size_t i = 0; i < json_object_array_length(mih); i++) {
		struct json_object *p = json_object_array_get_idx(mih, i);
		struct json_object *v, *e;
		const char *id = "";
		bool found = false;

		if (json_object_object_get_ex(p, "id", &v) &&
		    json_object_is_type(v, json_type_string))
			id = json_object_get_string(v);
		for (size_t j = 0; *id && j < nsa; j++) {
			struct json_object *sa = json_object_array_get_idx(arr, j);

			if (!json_object_object_get_ex(sa, "peer", &v) ||
			    strcmp(json_object_get_string(v), id))
				continue;
			json_object_object_add(sa, "mih", json_object_get(p));
			found = true;
		}
		if (found)
			continue;
		e = json_object_new_object();
		if (!e) {
			json_object_put(mih);
			return -ENOMEM;
		}
		json_object_object_add(e, "peer", json_object_new_string(id));
		if (json_object_object_get_ex(p, "kind", &v))
			json_object_object_add(e, "kind", json_object_get(v));
		json_object_object_add(e, "state",
				       json_object_new_string("no-sa"));
		json_object_object_add(e, "mih", json_object_get(p));
		json_object_array_add(arr, e);
	}
	json_object_put(mih);
	return 0;
}

static struct json_object *cmd_peers(struct md_control *c,
				     struct json_object *req)
{
	static const char *const fields[] = { "cmd", NULL };
	const struct md_km_sa *sas = NULL;
	struct json_object *err, *o, *arr;
	size_t n = 0;

	err = only_fields(req, fields);
	if (err)
		return err;
	if (c->ops.sas)
		n = c->ops.sas(c->ops.arg, &sas);
	o = reply_ok();
	arr = json_object_new_array();
	if (!o || !arr) {
		json_object_put(o);
		json_object_put(arr);
		return NULL;
	}
	for (size_t i = 0; i < n && sas; i++) {
		struct json_object *s = json_sa(&sas[i]);

		if (!s) {
			json_object_put(o);
			json_object_put(arr);
			return NULL;
		}
		json_object_array_add(arr, s);
	}
	if (c->has_ext && c->ext.mih_peers && merge_mih_peers(c, arr)) {
		json_object_put(o);
		json_object_put(arr);
		return NULL;
	}
	json_object_object_add(o, "peers", arr);
	return o;
}

/* The MIH function's commands; *@pending set when answered later */
static struct json_object *dispatch_ext(struct md_control *c,
					struct md_control_client *cl,
					const char *cmd,
					struct json_object *req, int *fd,
					bool *pending)
{
	struct json_object *reply = NULL;
	struct md_control_req *r;
	int rc, pass = *fd;

	if (!c->has_ext || !c->ext.command)
		return reply_err("%s: the MIH function is not running (mihsecd.conf has no [mihf] section, or enable = no)",
				 cmd);
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->cl = cl;
	snprintf(r->cmd, sizeof(r->cmd), "%s", cmd);
	*fd = -1;		/* the handler's now */
	/* pending from here: the handler may answer at once */
	cl->pending = r;
	c->npending++;
	rc = c->ext.command(c->ext.arg, cmd, req, pass, cl->uid, r, &reply);
	if (rc == MD_CONTROL_PENDING) {
		*pending = true;	/* answered, or to be */
		return NULL;
	}
	/* answered now: @r was not used */
	if (cl->pending == r) {
		cl->pending = NULL;
		c->npending--;
	}
	free(r);
	if (rc == -ENOENT)
		return reply_err("unknown command '%.64s'", cmd);
	if (rc < 0 && !reply)
		return reply_err("%s: %s", cmd, strerror(-rc));
	return reply;
}

static struct json_object *dispatch(struct md_control *c,
				    struct md_control_client *cl,
				    struct json_object *req, int *fd,
				    bool *pending)
{
	struct json_object *err;
	const char *cmd;

	err = get_str(req, "cmd", false, &cmd);
	if (err)
		return err;
	for (const char *const *m = mih_cmds; *m; m++)
		if (!strcmp(cmd, *m))
			return dispatch_ext(c, cl, cmd, req, fd, pending);
	if (*fd >= 0)
		return reply_err("%.64s: takes no file descriptor", cmd);
	if (!strcmp(cmd, "msk-add"))
		return cmd_msk(c, cl, req, true);
	if (!strcmp(cmd, "msk-del"))
		return cmd_msk(c, cl, req, false);
	if (!strcmp(cmd, "peers"))
		return cmd_peers(c, req);
	return reply_err("unknown command '%.64s' (msk-add, msk-del, peers, mih-send, is-query, is-import, is-export, handover, mihf-status)",
			 cmd);
}

/*
 * One request datagram of @len octets in c->buf: the reply (NULL: ENOMEM,
 * or *@pending: answered later).  *@fd: a passed descriptor or -1; set
 * to -1 when a handler took it.
 */
static struct json_object *handle(struct md_control *c,
				  struct md_control_client *cl, size_t len,
				  int *fd, bool *pending)
{
	struct json_object *req, *reply;
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	size_t end;

	if (memchr(c->buf, '\0', len))
		return reply_err("not a JSON object (a NUL octet in it)");
	tok = json_tokener_new_ex(CONTROL_JSON_DEPTH);
	if (!tok)
		return NULL;
	/*
	 * Room for the longest string up front, so the tokener's buffer is
	 * never reallocated (which would leave a copy behind, uncleansed).
	 */
	if (tok->pb && printbuf_memset(tok->pb, 0, 0, MD_CONTROL_MSG_MAX + 1) < 0) {
		json_tokener_free(tok);
		return NULL;
	}
	printbuf_reset(tok->pb);
	req = json_tokener_parse_ex(tok, c->buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	cleanse_tokener(tok);
	json_tokener_free(tok);
	if (!req) {
		if (jerr == json_tokener_continue)
			return reply_err("not a JSON object (incomplete)");
		return reply_err("not a JSON object (%s)",
				 json_tokener_error_desc(jerr));
	}
	while (end < len && strchr(" \t\r\n", c->buf[end]))
		end++;
	if (end < len)
		reply = reply_err("not one JSON object (something after it)");
	else if (!json_object_is_type(req, json_type_object))
		reply = reply_err("not a JSON object");
	else
		reply = dispatch(c, cl, req, fd, pending);
	cleanse_strings(req, 0);
	json_object_put(req);
	return reply;
}

/* ------------------------------------------------------------------ */
/* Connections                                                         */

static void drop_client(struct md_control *c, struct md_control_client *cl)
{
	if (cl->pending) {
		/* the operation goes on; its answer will be dropped */
		cl->pending->cl = NULL;
		cl->pending = NULL;
		c->npending--;
	}
	md_loop_del_fd(c->loop, cl->fd);
	close(cl->fd);
	cl->fd = -1;
	c->nclients--;
}

/* The descriptor of an SCM_RIGHTS message (the first; others closed) */
static int take_fd(struct msghdr *msg)
{
	int fd = -1;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm;
	     cm = CMSG_NXTHDR(msg, cm)) {
		size_t n;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int f;

			memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof(f));
			if (fd < 0)
				fd = f;
			else
				close(f);
		}
	}
	return fd;
}

static void on_client(struct md_loop *loop, int fd, uint32_t events,
		      void *arg)
{
	struct md_control_client *cl = arg;
	struct md_control *c = cl->ctrl;
	struct iovec iov = { .iov_base = c->buf, .iov_len = MD_CONTROL_MSG_MAX };
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct json_object *reply;
	bool pending = false;
	int rc, passed;
	ssize_t n;

	(void)loop;
	(void)events;
	n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	passed = n > 0 ? take_fd(&msg) : -1;
	if (n <= 0) {
		/* end of connection (or an empty datagram), or an error */
		if (n < 0)
			md_debug("control: receive: %s", strerror(errno));
		drop_client(c, cl);
		return;
	}
	if (msg.msg_flags & MSG_CTRUNC)
		reply = reply_err("too many file descriptors (at most one)");
	else if (msg.msg_flags & MSG_TRUNC)
		reply = reply_err("request too long (at most %d octets)",
				  MD_CONTROL_MSG_MAX);
	else if (cl->pending)
		reply = reply_err("busy: the %s request on this connection is still pending",
				  cl->pending->cmd);
	else
		reply = handle(c, cl, (size_t)n, &passed, &pending);
	OPENSSL_cleanse(c->buf, sizeof(c->buf));
	if (passed >= 0)
		close(passed);
	if (pending)
		return;		/* md_control_reply() answers */

	rc = send_reply(fd, reply);
	if (rc == -EMSGSIZE) {
		json_object_put(reply);
		reply = reply_err("reply too large for one datagram");
		rc = send_reply(fd, reply);
	}
	json_object_put(reply);
	if (rc < 0) {
		/* a client that does not read its replies is dropped */
		md_debug("control: reply to pid %d: %s", cl->pid,
			 strerror(-rc));
		drop_client(c, cl);
	}
}

static void refuse(int fd, const char *why)
{
	struct json_object *r = reply_err("%s", why);

	send_reply(fd, r);
	json_object_put(r);
	close(fd);
}

static void on_accept(struct md_loop *loop, int fd, uint32_t events,
		      void *arg)
{
	struct md_control *c = arg;
	struct md_control_client *cl = NULL;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int cfd, rc;

	(void)events;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			md_warn("control: accept: %s", strerror(errno));
		return;
	}
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		md_warn("control: SO_PEERCRED: %s", strerror(errno));
		close(cfd);
		return;
	}
	if (cred.uid != 0 && cred.uid != geteuid()) {
		md_warn("control: refused a connection from uid %u (pid %d)",
			(unsigned int)cred.uid, (int)cred.pid);
		refuse(cfd, "permission denied (root or mihsecd's user only)");
		return;
	}
	for (size_t i = 0; i < MD_CONTROL_MAX_CLIENTS; i++) {
		if (c->clients[i].fd < 0) {
			cl = &c->clients[i];
			break;
		}
	}
	if (!cl) {
		md_warn("control: refused a connection from pid %d: %d connections already",
			(int)cred.pid, MD_CONTROL_MAX_CLIENTS);
		refuse(cfd, "too many connections");
		return;
	}
	cl->ctrl = c;
	cl->fd = cfd;
	cl->uid = (unsigned int)cred.uid;
	cl->pid = (int)cred.pid;
	rc = md_loop_add_fd(loop, cfd, EPOLLIN, on_client, cl);
	if (rc < 0) {
		md_warn("control: %s", strerror(-rc));
		cl->fd = -1;
		refuse(cfd, "out of resources");
		return;
	}
	c->nclients++;
}

/* ------------------------------------------------------------------ */
/* Start and stop                                                      */

/* mkdir -p of the directory part of @path, new directories 0755 */
static int make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	if (errno != ENOENT)
		return -errno;
	for (char *p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = saved;
		if (!saved)
			break;
	}
	return 0;
}

/* Remove @path if it is a socket nobody answers on */
static int clear_stale(const char *path, const struct sockaddr_un *sa,
		       socklen_t salen)
{
	struct stat st;
	int fd, e;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	e = connect(fd, (const struct sockaddr *)sa, salen) ? errno : 0;
	close(fd);
	if (e == ECONNREFUSED) {
		md_notice("control: removing stale socket %s", path);
		if (unlink(path) < 0 && errno != ENOENT)
			return -errno;
		return 0;
	}
	/* answered, or a socket of another type listens there */
	if (!e || e == EPROTOTYPE || e == EAGAIN)
		return -EADDRINUSE;
	return -e;
}

int md_control_start(struct md_loop *loop, const char *path,
		  const struct md_control_ops *ops, struct md_control **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t salen;
	struct md_control *c;
	struct stat st;
	mode_t old;
	int rc;

	*out = NULL;
	if (!path || !*path)
		return -EINVAL;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		md_err("control socket %s: path too long (at most %zu characters)",
		       path, sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			    strlen(path) + 1);

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->loop = loop;
	if (ops)
		c->ops = *ops;
	snprintf(c->path, sizeof(c->path), "%s", path);
	for (size_t i = 0; i < MD_CONTROL_MAX_CLIENTS; i++)
		c->clients[i].fd = -1;
	c->fd = -1;

	rc = make_parent(path);
	if (rc < 0) {
		md_err("control socket %s: creating its directory: %s", path,
		       strerror(-rc));
		goto fail;
	}
	rc = clear_stale(path, &sa, salen);
	if (rc < 0) {
		md_err("control socket %s: %s", path,
		       rc == -EADDRINUSE ? "in use (is another mihsecd running?)" :
		       rc == -EEXIST ? "exists and is not a socket" :
		       strerror(-rc));
		goto fail;
	}
	c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       0);
	if (c->fd < 0) {
		rc = -errno;
		md_err("control socket: %s", strerror(-rc));
		goto fail;
	}
	/* no moment with a wider mode than 0600 */
	old = umask(0177);
	rc = bind(c->fd, (struct sockaddr *)&sa, salen) ? -errno : 0;
	umask(old);
	if (rc < 0) {
		md_err("control socket %s: bind: %s", path, strerror(-rc));
		goto fail;
	}
	if (chmod(path, 0600) < 0 || lstat(path, &st) < 0) {
		rc = -errno;
		md_err("control socket %s: %s", path, strerror(-rc));
		unlink(path);
		goto fail;
	}
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	if (listen(c->fd, MD_CONTROL_MAX_CLIENTS) < 0) {
		rc = -errno;
		md_err("control socket %s: listen: %s", path, strerror(-rc));
		unlink(path);
		goto fail;
	}
	rc = md_loop_add_fd(loop, c->fd, EPOLLIN, on_accept, c);
	if (rc < 0) {
		md_err("control socket %s: %s", path, strerror(-rc));
		unlink(path);
		goto fail;
	}
	md_info("control socket %s", path);
	*out = c;
	return 0;
fail:
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	return rc;
}

void md_control_stop(struct md_control *c)
{
	struct stat st;

	if (!c)
		return;
	for (size_t i = 0; i < MD_CONTROL_MAX_CLIENTS; i++)
		if (c->clients[i].fd >= 0)
			drop_client(c, &c->clients[i]);
	md_loop_del_fd(c->loop, c->fd);
	close(c->fd);
	/* only our own socket: not one that replaced it meanwhile */
	if (lstat(c->path, &st) == 0 && st.st_dev == c->dev &&
	    st.st_ino == c->ino)
		unlink(c->path);
	OPENSSL_cleanse(c->buf, sizeof(c->buf));
	free(c);
}

size_t md_control_clients(const struct md_control *c)
{
	return c ? c->nclients : 0;
}

size_t md_control_pending(const struct md_control *c)
{
	return c ? c->npending : 0;
}

void md_control_set_ext(struct md_control *c, const struct md_control_ext *ext)
{
	if (!c)
		return;
	c->has_ext = ext != NULL;
	if (ext)
		c->ext = *ext;
	else
		memset(&c->ext, 0, sizeof(c->ext));
}

bool md_control_req_waiting(const struct md_control_req *r)
{
	return r && r->cl;
}

int md_control_reply(struct md_control_req *r, struct json_object *reply,
		     int fd)
{
	struct md_control_client *cl;
	struct md_control *c;
	int rc;

	if (!r) {
		json_object_put(reply);
		return -EINVAL;
	}
	cl = r->cl;
	free(r);
	if (!cl) {
		json_object_put(reply);
		return -ENOTCONN;
	}
	c = cl->ctrl;
	cl->pending = NULL;
	c->npending--;
	rc = send_reply_fd(cl->fd, reply, fd);
	if (rc == -EMSGSIZE) {
		json_object_put(reply);
		reply = reply_err("reply too large for one datagram");
		rc = send_reply_fd(cl->fd, reply, -1);
	}
	json_object_put(reply);
	if (rc < 0) {
		md_debug("control: reply to pid %d: %s", cl->pid,
			 strerror(-rc));
		drop_client(c, cl);
	}
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: mihsecd's control socket (mihsecd/ctrl.c), served on an
 * md_loop in this process, with clients in a thread (or a forked child,
 * or the real mihsecctl): msk-add / msk-del become exactly one key event
 * each, every bad request an error reply and no event, peers lists the
 * SAs without keys; socket creation (directory, stale socket, mode),
 * the uid check and the client limit; help text against the man page.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "kselftest_harness.h"

#include "ctl/args.h"
#include "lib/hex.h"
#include "mihsecd/ctrl.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

#define MAXREQ		40
#define MAXEV		8

#define MMT		"02:00:00:00:00:01"
#define POA		"0a:1b:2c:3d:4e:5f"
static const uint8_t mac_mmt[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_poa[6] = { 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f };

/* The 64-octet MSK 0x80..0xbf, as hex (the first @digits digits) */
static void msk_hex(char *out, int digits)
{
	char full[129];

	for (int i = 0; i < 64; i++)
		snprintf(full + 2 * i, 3, "%02x", 0x80 + i);
	memcpy(out, full, (size_t)digits);
	out[digits] = '\0';
}

/* ---- A scripted client, run in a thread while the loop serves ---------- */

struct req {
	const void *data;
	size_t len;
	bool new_conn;		/* on a fresh connection */
};

struct script {
	const char *path;
	int n;
	struct req req[MAXREQ];
	char *reply[MAXREQ];	/* NULL: none (closed, timed out) */
	int connect_errno;	/* of the first failed connect */
	/* open this many connections first, sending peers on each */
	int hold;
	int held_ok;
	int held_fd[MD_CONTROL_MAX_CLIENTS + 2];
	bool keep_held;		/* don't close them at the end */
	void (*fn)(struct script *s);	/* instead of the requests */
	void *arg;
	int wake;		/* the pipe to the loop */
};

static int cl_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * One reply (malloc'd, NUL-terminated), or NULL.  A refused connection's
 * reply may come after an ECONNRESET (the server closed with our request
 * unread), as in mihsecctl.
 */
static char *cl_recv(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n = -1;
	char *buf;

	if (poll(&p, 1, 5000) != 1)
		return NULL;
	for (int i = 0; i < 2 && n < 0; i++)
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	if (n <= 0)
		return NULL;
	buf = malloc((size_t)n + 1);
	if (!buf)
		return NULL;
	n = recv(fd, buf, (size_t)n, MSG_DONTWAIT);
	if (n <= 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static char *cl_xchg(int fd, const void *data, size_t len)
{
	if (send(fd, data, len, MSG_NOSIGNAL) < 0 && errno != EPIPE)
		return NULL;
	return cl_recv(fd);
}

static void *client_thread(void *arg)
{
	struct script *s = arg;
	int fd = -1;

	for (int i = 0; i < s->hold; i++) {
		char *r;

		s->held_fd[i] = cl_connect(s->path);
		if (s->held_fd[i] < 0)
			continue;
		r = cl_xchg(s->held_fd[i], "{\"cmd\":\"peers\"}", 15);
		if (r && strstr(r, "\"ok\":true"))
			s->held_ok++;
		free(r);
	}
	if (s->fn) {
		s->fn(s);
	} else {
		for (int i = 0; i < s->n; i++) {
			if (fd < 0 || s->req[i].new_conn) {
				if (fd >= 0)
					close(fd);
				fd = cl_connect(s->path);
				if (fd < 0) {
					if (!s->connect_errno)
						s->connect_errno = errno;
					continue;
				}
			}
			s->reply[i] = cl_xchg(fd, s->req[i].data,
					      s->req[i].len);
		}
		if (fd >= 0)
			close(fd);
	}
	if (!s->keep_held)
		for (int i = 0; i < s->hold; i++)
			if (s->held_fd[i] >= 0)
				close(s->held_fd[i]);
	if (write(s->wake, "x", 1) != 1)
		abort();
	return NULL;
}

static void on_wake(struct md_loop *loop, int fd, uint32_t events, void *arg)
{
	char c;

	if (read(fd, &c, 1) == 1)
		md_loop_stop(loop, 0);
}

static void on_guard(struct md_loop *loop, struct md_timer *t, void *arg)
{
	md_loop_stop(loop, -ETIMEDOUT);
}

static void on_spin(struct md_loop *loop, struct md_timer *t, void *arg)
{
	md_loop_stop(loop, 0);
}

/* Run the loop for @ms (lets it see closed connections) */
static void spin(struct md_loop *loop, int ms)
{
	md_timer_add(loop, (uint64_t)ms * MD_NSEC_PER_MSEC, 0, on_spin, NULL);
	md_loop_run(loop);
}

/* Serve @s on @loop until its thread is done; 0, or -ETIMEDOUT */
static int run_script(struct md_loop *loop, struct script *s)
{
	struct md_timer *guard;
	pthread_t th;
	int p[2], rc;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	s->wake = p[1];
	md_loop_add_fd(loop, p[0], EPOLLIN, on_wake, NULL);
	guard = md_timer_add(loop, 20 * MD_NSEC_PER_SEC, 0, on_guard, NULL);
	pthread_create(&th, NULL, client_thread, s);
	rc = md_loop_run(loop);
	if (rc == 0)
		md_timer_cancel(loop, guard);
	pthread_join(th, NULL);
	md_loop_del_fd(loop, p[0]);
	close(p[0]);
	close(p[1]);
	/* let the loop see the connections the client closed */
	spin(loop, 50);
	return rc;
}

static void script_free(struct script *s)
{
	for (int i = 0; i < MAXREQ; i++) {
		free(s->reply[i]);
		s->reply[i] = NULL;
	}
}

static void add_req(struct script *s, const void *data, size_t len,
		    bool new_conn)
{
	if (s->n < MAXREQ)
		s->req[s->n++] = (struct req){ data, len, new_conn };
}

#define REQ(s, str) add_req((s), (str), strlen(str), false)

/* ---- The fixture: a server with recording callbacks --------------------- */

struct rec {
	int n;
	struct mihsec_key_event ev[MAXEV];
	int nsas_calls;
	const struct md_km_sa *sas;
	size_t nsas;
};

static void rec_event(void *arg, const struct mihsec_key_event *ev)
{
	struct rec *r = arg;

	if (r->n < MAXEV)
		r->ev[r->n] = *ev;
	r->n++;
}

static size_t rec_sas(void *arg, const struct md_km_sa **sas)
{
	struct rec *r = arg;

	r->nsas_calls++;
	*sas = r->sas;
	return r->nsas;
}

FIXTURE(ctrl) {
	char dir[64];
	char path[160];
	struct md_loop *loop;
	struct md_control *c;
	struct rec rec;
	struct md_control_ops ops;
	struct script s;
};

FIXTURE_SETUP(ctrl)
{
	memset(self, 0, sizeof(*self));
	md_log_open(stderr);
	md_log_set_level(MD_LOG_ERR);
	strcpy(self->dir, "/tmp/mihsec-ctrl-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/run/mihsecd.sock",
		 self->dir);
	self->loop = md_loop_new();
	ASSERT_NE(NULL, self->loop);
	self->ops = (struct md_control_ops){
		.key_event = rec_event, .sas = rec_sas, .arg = &self->rec,
	};
	self->s.path = self->path;
}

FIXTURE_TEARDOWN(ctrl)
{
	char cmd[200];

	script_free(&self->s);
	md_control_stop(self->c);
	md_loop_free(self->loop);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
}

#define START() ASSERT_EQ(0, md_control_start(self->loop, self->path,	\
					      &self->ops, &self->c))
#define RUN() ASSERT_EQ(0, run_script(self->loop, &self->s))

/* The reply @i parses, has "ok" == @ok and (if @sub) an error with @sub */
static bool reply_is(const char *reply, bool ok, const char *sub)
{
	struct json_object *o, *v;
	bool good;

	if (!reply)
		return false;
	o = json_tokener_parse(reply);
	if (!o)
		return false;
	good = json_object_object_get_ex(o, "ok", &v) &&
	       json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v) == ok;
	if (good && !ok)
		good = json_object_object_get_ex(o, "error", &v) &&
		       json_object_is_type(v, json_type_string) &&
		       (!sub || strstr(json_object_get_string(v), sub));
	json_object_put(o);
	return good;
}

#define EXPECT_REPLY(i, ok, sub)					\
	EXPECT_TRUE(reply_is(self->s.reply[i], (ok), (sub))) {		\
		TH_LOG("request %d: reply %s, wanted ok=%d \"%s\"", (i),	\
		       self->s.reply[i] ? self->s.reply[i] : "(none)",	\
		       (ok), (sub) ? (sub) : "");			\
	}

/* ---- msk-add, msk-del ---------------------------------------------------- */

TEST_F(ctrl, msk_add_one_key_up)
{
	char hex[129], req[400];
	struct stat st;

	START();
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	EXPECT_EQ(0600, (int)(st.st_mode & 0777));

	msk_hex(hex, 64);
	snprintf(req, sizeof(req),
		 "{\"cmd\":\"msk-add\",\"mmt\":\"" MMT "\",\"poa\":\"0A:1B:2C:3D:4E:5F\",\"msk\":\"%s\"}",
		 hex);
	REQ(&self->s, req);
	RUN();
	EXPECT_STREQ("{\"ok\":true}", self->s.reply[0]);
	ASSERT_EQ(1, self->rec.n);
	EXPECT_EQ(MIHSEC_KEY_UP, (int)self->rec.ev[0].what);
	EXPECT_EQ(MIHSEC_SRC_MANUAL, (int)self->rec.ev[0].src);
	EXPECT_EQ(0, memcmp(mac_mmt, self->rec.ev[0].mac_mmt, 6));
	EXPECT_EQ(0, memcmp(mac_poa, self->rec.ev[0].mac_poa, 6));
	for (int i = 0; i < MIHSEC_MSK_LEN; i++)
		EXPECT_EQ(0x80 + i, self->rec.ev[0].msk[i]);
	EXPECT_EQ(0, (int)md_control_clients(self->c));
}

TEST_F(ctrl, msk_add_128_digits_uses_the_first_32_octets)
{
	char hex[129], req[400];

	START();
	msk_hex(hex, 128);
	snprintf(req, sizeof(req),
		 "{\"msk\":\"%s\",\"poa\":\"" POA "\",\"cmd\":\"msk-add\",\"mmt\":\"" MMT "\"}",
		 hex);
	REQ(&self->s, req);
	/* the same again on the same connection: a second event (a rekey
	 * is the key manager's business) */
	REQ(&self->s, req);
	RUN();
	EXPECT_REPLY(0, true, NULL);
	EXPECT_REPLY(1, true, NULL);
	ASSERT_EQ(2, self->rec.n);
	for (int i = 0; i < MIHSEC_MSK_LEN; i++)
		EXPECT_EQ(0x80 + i, self->rec.ev[0].msk[i]);
	EXPECT_EQ(0, memcmp(self->rec.ev[0].msk, self->rec.ev[1].msk,
			    MIHSEC_MSK_LEN));
}

TEST_F(ctrl, msk_del_key_down)
{
	START();
	REQ(&self->s, "{\"cmd\":\"msk-del\",\"mmt\":\"" MMT "\",\"poa\":\"" POA "\"}");
	RUN();
	EXPECT_STREQ("{\"ok\":true}", self->s.reply[0]);
	ASSERT_EQ(1, self->rec.n);
	EXPECT_EQ(MIHSEC_KEY_DOWN, (int)self->rec.ev[0].what);
	EXPECT_EQ(MIHSEC_SRC_MANUAL, (int)self->rec.ev[0].src);
	EXPECT_EQ(0, memcmp(mac_mmt, self->rec.ev[0].mac_mmt, 6));
	EXPECT_EQ(0, memcmp(mac_poa, self->rec.ev[0].mac_poa, 6));
	for (int i = 0; i < MIHSEC_MSK_LEN; i++)
		EXPECT_EQ(0, self->rec.ev[0].msk[i]);
}

TEST_F(ctrl, bad_requests_error_and_no_event)
{
	static char bufs[12][600];
	static char big[MD_CONTROL_MSG_MAX + 1000];
	static char exact[MD_CONTROL_MSG_MAX];
	static const char nul[] = "{\"cmd\":\"peers\"}\0x";
	struct {
		const char *req;	/* NULL: bufs[k] */
		const char *err;
	} cases[] = {
		{ "not json", "not a JSON object" },
		{ "[1,2]", "not a JSON object" },
		{ "\"peers\"", "not a JSON object" },
		{ "{\"cmd\":\"msk-add\"", "incomplete" },
		{ "{\"cmd\":\"peers\"} {}", "something after it" },
		{ "{}", "missing \"cmd\"" },
		{ "{\"cmd\":5}", "\"cmd\" must be a string" },
		{ "{\"cmd\":\"reboot\"}", "unknown command 'reboot'" },
		{ "{\"cmd\":\"peers\",\"x\":1}", "unknown field \"x\"" },
		{ "{\"cmd\":\"peers\",\"a\":[[[[[[1]]]]]]}", "not a JSON object" },
		{ "{\"cmd\":\"msk-add\",\"poa\":\"" POA "\",\"msk\":\"00\"}",
		  "missing \"mmt\"" },
		{ "{\"cmd\":\"msk-del\",\"mmt\":\"" MMT "\"}", "missing \"poa\"" },
		{ "{\"cmd\":\"msk-del\",\"mmt\":1,\"poa\":\"" POA "\"}",
		  "\"mmt\" must be a string" },
		{ "{\"cmd\":\"msk-del\",\"mmt\":\"02:00:00:00:00\",\"poa\":\"" POA "\"}",
		  "mmt: '02:00:00:00:00' is not a MAC address" },
		{ "{\"cmd\":\"msk-del\",\"mmt\":\"" MMT "\",\"poa\":\"0a-1b-2c-3d-4e-5f\"}",
		  "poa: '0a-1b-2c-3d-4e-5f' is not a MAC address" },
		{ "{\"cmd\":\"msk-del\",\"mmt\":\"02:00:00:00:00:0x\",\"poa\":\"" POA "\"}",
		  "is not a MAC address" },
		{ "{\"cmd\":\"msk-del\",\"mmt\":\"" MMT "\",\"poa\":\"" POA "\",\"msk\":\"00\"}",
		  "unknown field \"msk\"" },
		{ "{\"cmd\":\"msk-add\",\"mmt\":\"" MMT "\",\"poa\":\"" POA "\"}",
		  "missing \"msk\"" },
		{ "{\"cmd\":\"msk-add\",\"mmt\":\"" MMT "\",\"poa\":\"" POA "\",\"msk\":\"\"}",
		  "msk: must be 64 or 128 hex digits" },
		{ NULL, "msk: must be 64 or 128 hex digits" },	/* 62 */
		{ NULL, "msk: odd number of hex digits" },	/* 63 */
		{ NULL, "msk: must be 64 or 128 hex digits" },	/* 66 */
		{ NULL, "msk: must be 64 or 128 hex digits" },	/* 126 */
		{ NULL, "msk: must be 64 or 128 hex digits" },	/* 130 */
		{ NULL, "msk: " },				/* not hex */
		{ NULL, "\"msk\" must be a string" },
		{ NULL, "unknown field \"extra\"" },
	};
	const int ncases = sizeof(cases) / sizeof(cases[0]);
	int k = 0, n;
	char hex[200];

	START();
	/* the MSK variants (bufs[], in the order of the NULL cases) */
	for (int digits = 62; digits <= 130; digits++) {
		if (digits != 62 && digits != 63 && digits != 66 &&
		    digits != 126 && digits != 130)
			continue;
		if (digits <= 128) {
			msk_hex(hex, digits);
		} else {
			msk_hex(hex, 128);
			strcat(hex, "00");
		}
		snprintf(bufs[k++], sizeof(bufs[0]),
			 "{\"cmd\":\"msk-add\",\"mmt\":\"" MMT "\",\"poa\":\"" POA "\",\"msk\":\"%s\"}",
			 hex);
	}
	msk_hex(hex, 64);
	hex[10] = 'g';
	snprintf(bufs[k++], sizeof(bufs[0]),
		 "{\"cmd\":\"msk-add\",\"mmt\":\"" MMT "\",\"poa\":\"" POA "\",\"msk\":\"%s\"}",
		 hex);
	snprintf(bufs[k++], sizeof(bufs[0]),
		 "{\"cmd\":\"msk-add\",\"mmt\":\"" MMT "\",\"poa\":\"" POA "\",\"msk\":[1]}");
	msk_hex(hex, 64);
	snprintf(bufs[k++], sizeof(bufs[0]),
		 "{\"cmd\":\"msk-add\",\"mmt\":\"" MMT "\",\"poa\":\"" POA "\",\"msk\":\"%s\",\"extra\":true}",
		 hex);

	k = 0;
	for (int i = 0; i < ncases; i++) {
		if (!cases[i].req)
			cases[i].req = bufs[k++];
		REQ(&self->s, cases[i].req);
	}
	n = self->s.n;
	/* a NUL inside */
	add_req(&self->s, nul, sizeof(nul) - 1, false);
	/*
	 * Too long: a valid msk-add padded with spaces past the limit.  Cut
	 * at MD_CONTROL_MSG_MAX it would still parse: only the truncation
	 * check refuses it.
	 */
	snprintf(big, sizeof(big),
		 "{\"cmd\":\"msk-add\",\"mmt\":\"" MMT "\",\"poa\":\"" POA "\",\"msk\":\"%s\"}",
		 hex);
	memset(big + strlen(big), ' ', sizeof(big) - strlen(big));
	add_req(&self->s, big, sizeof(big), false);
	/* exactly the limit is fine: a peers request padded to it */
	memset(exact, ' ', sizeof(exact));
	memcpy(exact, "{\"cmd\":\"peers\"}", 15);
	add_req(&self->s, exact, sizeof(exact), false);
	/* and the connection still works */
	REQ(&self->s, "{\"cmd\":\"peers\"}");
	RUN();

	for (int i = 0; i < ncases; i++) {
		EXPECT_REPLY(i, false, cases[i].err);
		/* error replies never quote a key */
		if (self->s.reply[i]) {
			EXPECT_EQ(NULL, strstr(self->s.reply[i], "8081828384"));
		}
	}
	EXPECT_REPLY(n, false, "NUL");
	EXPECT_REPLY(n + 1, false, "request too long (at most 4096 octets)");
	EXPECT_REPLY(n + 2, true, NULL);
	EXPECT_REPLY(n + 3, true, NULL);
	EXPECT_EQ(0, self->rec.n);
	EXPECT_EQ(2, self->rec.nsas_calls);
}

/* ---- peers --------------------------------------------------------------- */

static void fake_sas(struct md_km_sa sa[3])
{
	memset(sa, 0, 3 * sizeof(*sa));
	memcpy(sa[0].peer_id, "pos-1", 5);
	sa[0].peer_id_len = 5;
	sa[0].kind = MD_KM_POA;
	sa[0].src = MIHSEC_SRC_WPA_SUPPLICANT;
	memcpy(sa[0].mac_mmt, mac_mmt, 6);
	memcpy(sa[0].mac_poa, mac_poa, 6);
	memcpy(sa[0].rx_keyid, "\x00\x11\x22\x33\x44\x55\x66\x77", 8);
	memcpy(sa[0].tx_keyid, "\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 8);
	strcpy(sa[0].key_fp, "f00dfacef00dface");
	sa[0].installed = true;
	sa[0].rekeys = 2;
	sa[0].since = 1795544401;

	memcpy(sa[1].peer_id, "is \"1\"\\\x01", 8);
	sa[1].peer_id_len = 8;
	sa[1].kind = MD_KM_IS;
	sa[1].src = 0;		/* adopted */
	memset(sa[1].rx_keyid, 0x01, 8);
	memset(sa[1].tx_keyid, 0x02, 8);

	/* pending: the keys sit in pending_cfg and must not show */
	memcpy(sa[2].peer_id, "mmt-7", 5);
	sa[2].peer_id_len = 5;
	sa[2].kind = MD_KM_MMT;
	sa[2].src = MIHSEC_SRC_MANUAL;
	sa[2].pending_cfg_valid = true;
	memset(sa[2].pending_cfg.tx_key, 0xa5, sizeof(sa[2].pending_cfg.tx_key));
	memset(sa[2].pending_cfg.rx_key, 0x5a, sizeof(sa[2].pending_cfg.rx_key));
	memset(sa[2].pending_cfg.tx_salt, 0xc3, sizeof(sa[2].pending_cfg.tx_salt));
	sa[2].pending_cfg.tx_key_len = 16;
	sa[2].pending_cfg.rx_key_len = 16;
	memset(sa[2].rx_keyid, 0x03, 8);
	memset(sa[2].tx_keyid, 0x04, 8);
	sa[2].rekeys = 0;
	sa[2].since = 5;
}

TEST_F(ctrl, peers_lists_sas_without_keys)
{
	struct md_km_sa sa[3];
	struct json_object *o, *arr;

	fake_sas(sa);
	self->rec.sas = sa;
	self->rec.nsas = 3;
	START();
	REQ(&self->s, "{\"cmd\":\"peers\"}");
	RUN();
	ASSERT_NE(NULL, self->s.reply[0]);
	EXPECT_STREQ("{\"ok\":true,\"peers\":["
		"{\"peer\":\"pos-1\",\"kind\":\"poa\",\"source\":\"wpa_supplicant\","
		"\"mac_mmt\":\"02:00:00:00:00:01\",\"mac_poa\":\"0a:1b:2c:3d:4e:5f\","
		"\"state\":\"installed\",\"rx_keyid\":\"0011223344556677\","
		"\"tx_keyid\":\"8899aabbccddeeff\",\"rekeys\":2,\"since\":1795544401},"
		"{\"peer\":\"is \\\"1\\\"\\\\x5c\\\\x01\",\"kind\":\"is\",\"source\":\"adopted\","
		"\"mac_mmt\":\"00:00:00:00:00:00\",\"mac_poa\":\"00:00:00:00:00:00\","
		"\"state\":\"gone\",\"rx_keyid\":\"0101010101010101\","
		"\"tx_keyid\":\"0202020202020202\",\"rekeys\":0,\"since\":0},"
		"{\"peer\":\"mmt-7\",\"kind\":\"mmt\",\"source\":\"manual\","
		"\"mac_mmt\":\"00:00:00:00:00:00\",\"mac_poa\":\"00:00:00:00:00:00\","
		"\"state\":\"pending\",\"rx_keyid\":\"0303030303030303\","
		"\"tx_keyid\":\"0404040404040404\",\"rekeys\":0,\"since\":5}]}",
		self->s.reply[0]);
	/* no key, salt or key fingerprint */
	EXPECT_EQ(NULL, strstr(self->s.reply[0], "a5a5"));
	EXPECT_EQ(NULL, strstr(self->s.reply[0], "5a5a"));
	EXPECT_EQ(NULL, strstr(self->s.reply[0], "c3c3"));
	EXPECT_EQ(NULL, strstr(self->s.reply[0], "f00dface"));
	o = json_tokener_parse(self->s.reply[0]);
	ASSERT_NE(NULL, o);
	ASSERT_TRUE(json_object_object_get_ex(o, "peers", &arr));
	EXPECT_EQ(3, (int)json_object_array_length(arr));
	/* the ID round-trips through JSON to the escaped text */
	EXPECT_STREQ("is \"1\"\\x5c\\x01", json_object_get_string(
		json_object_object_get(json_object_array_get_idx(arr, 1),
				       "peer")));
	json_object_put(o);
	EXPECT_EQ(0, self->rec.n);
}

TEST_F(ctrl, peers_empty_and_without_callbacks)
{
	self->ops.sas = NULL;
	self->ops.key_event = NULL;
	START();
	REQ(&self->s, "{\"cmd\":\"peers\"}");
	REQ(&self->s, "{\"cmd\":\"msk-del\",\"mmt\":\"" MMT "\",\"poa\":\"" POA "\"}");
	RUN();
	EXPECT_STREQ("{\"ok\":true,\"peers\":[]}", self->s.reply[0]);
	EXPECT_STREQ("{\"ok\":true}", self->s.reply[1]);
}

TEST_F(ctrl, peers_many_in_one_reply)
{
	static struct md_km_sa sa[399];
	struct json_object *o, *arr;

	for (int i = 0; i < 399; i += 3)
		fake_sas(&sa[i]);
	self->rec.sas = sa;
	self->rec.nsas = 399;
	START();
	REQ(&self->s, "{\"cmd\":\"peers\"}");
	RUN();
	ASSERT_NE(NULL, self->s.reply[0]);
	EXPECT_LT(4 * MD_CONTROL_MSG_MAX, (int)strlen(self->s.reply[0]));
	o = json_tokener_parse(self->s.reply[0]);
	ASSERT_NE(NULL, o);
	ASSERT_TRUE(json_object_object_get_ex(o, "peers", &arr));
	EXPECT_EQ(399, (int)json_object_array_length(arr));
	json_object_put(o);
}

/* ---- The socket ---------------------------------------------------------- */

TEST_F(ctrl, directory_created_and_stop_unlinks)
{
	char dir[200];
	struct stat st;

	snprintf(self->path, sizeof(self->path), "%s/a/b/c.sock", self->dir);
	START();
	snprintf(dir, sizeof(dir), "%s/a/b", self->dir);
	ASSERT_EQ(0, stat(dir, &st));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_EQ(0755, (int)(st.st_mode & 07777));
	md_control_stop(self->c);
	self->c = NULL;
	EXPECT_EQ(-1, stat(self->path, &st));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(ctrl, stale_socket_is_replaced)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[200];
	int fd;

	snprintf(dir, sizeof(dir), "%s/run", self->dir);
	ASSERT_EQ(0, mkdir(dir, 0700));
	/* a socket file nobody listens on: a daemon that crashed */
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ASSERT_LE(0, fd);
	ASSERT_GT(sizeof(sa.sun_path), strlen(self->path));
	memcpy(sa.sun_path, self->path, strlen(self->path) + 1);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	close(fd);
	EXPECT_EQ(-1, cl_connect(self->path));
	EXPECT_EQ(ECONNREFUSED, errno);

	START();
	REQ(&self->s, "{\"cmd\":\"peers\"}");
	RUN();
	EXPECT_REPLY(0, true, NULL);
}

TEST_F(ctrl, live_socket_and_other_files_are_left_alone)
{
	struct md_control *second = NULL;
	char file[200];
	struct stat st;
	int fd;

	START();
	EXPECT_EQ(-EADDRINUSE, md_control_start(self->loop, self->path,
						&self->ops, &second));
	EXPECT_EQ(NULL, second);
	/* the first one still serves (its pending probe connection too) */
	REQ(&self->s, "{\"cmd\":\"peers\"}");
	RUN();
	EXPECT_REPLY(0, true, NULL);

	snprintf(file, sizeof(file), "%s/plain", self->dir);
	fd = open(file, O_WRONLY | O_CREAT, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-EEXIST, md_control_start(self->loop, file, &self->ops,
					    &second));
	EXPECT_EQ(0, stat(file, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));

	snprintf(file, sizeof(file), "%s/%0120d", self->dir, 0);
	EXPECT_EQ(-ENAMETOOLONG, md_control_start(self->loop, file,
						  &self->ops, &second));
	EXPECT_EQ(-EINVAL, md_control_start(self->loop, "", &self->ops,
					    &second));
}

TEST_F(ctrl, client_limit)
{
	self->s.hold = MD_CONTROL_MAX_CLIENTS;
	self->s.keep_held = true;
	START();
	/* one more while all slots are taken: refused */
	add_req(&self->s, "{\"cmd\":\"peers\"}", 15, true);
	RUN();
	EXPECT_EQ(MD_CONTROL_MAX_CLIENTS, self->s.held_ok);
	EXPECT_EQ(MD_CONTROL_MAX_CLIENTS, (int)md_control_clients(self->c));
	EXPECT_REPLY(0, false, "too many connections");

	/* one slot freed: served again */
	close(self->s.held_fd[0]);
	self->s.held_fd[0] = -1;
	spin(self->loop, 50);
	EXPECT_EQ(MD_CONTROL_MAX_CLIENTS - 1, (int)md_control_clients(self->c));
	script_free(&self->s);
	self->s.hold = 0;
	RUN();
	EXPECT_REPLY(0, true, NULL);
	for (int i = 1; i < MD_CONTROL_MAX_CLIENTS; i++)
		close(self->s.held_fd[i]);
	spin(self->loop, 50);
	EXPECT_EQ(0, (int)md_control_clients(self->c));
}

/* A child that becomes @uid, connects and sends peers: its reply */
static void as_other_user(struct script *s)
{
	uid_t uid = *(uid_t *)s->arg;
	int p[2];
	pid_t pid;
	char buf[512] = "";
	ssize_t n;

	if (pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		/* no malloc after fork() in a threaded process */
		struct pollfd pf = { .events = POLLIN };
		char rbuf[512];
		ssize_t got;

		close(p[0]);
		if (setgid(uid) || setuid(uid))
			_exit(2);
		pf.fd = cl_connect(s->path);
		if (pf.fd < 0) {
			dprintf(p[1], "connect: errno %d", errno);
			_exit(1);
		}
		if (send(pf.fd, "{\"cmd\":\"peers\"}", 15, MSG_NOSIGNAL) < 0 &&
		    errno != EPIPE)
			_exit(1);
		if (poll(&pf, 1, 5000) != 1)
			_exit(1);
		/* refused: ECONNRESET first, then the reply (see cl_recv) */
		got = recv(pf.fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		if (got < 0 && errno == ECONNRESET)
			got = recv(pf.fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		if (got > 0 && write(p[1], rbuf, (size_t)got) != got)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	waitpid(pid, NULL, 0);
	s->reply[0] = strdup(n > 0 ? buf : "(nothing)");
}

TEST_F(ctrl, other_users_are_refused)
{
	uid_t nobody = 65534;
	char run[200];

	if (geteuid() != 0)
		SKIP(return, "needs root (to become uid 65534)");
	START();
	/* let uid 65534 reach the socket: the uid check alone refuses */
	snprintf(run, sizeof(run), "%s/run", self->dir);
	ASSERT_EQ(0, chmod(self->dir, 0755));
	ASSERT_EQ(0, chmod(run, 0755));
	ASSERT_EQ(0, chmod(self->path, 0666));
	self->s.fn = as_other_user;
	self->s.arg = &nobody;
	RUN();
	EXPECT_REPLY(0, false, "permission denied");
	EXPECT_EQ(0, (int)md_control_clients(self->c));
	EXPECT_EQ(0, self->rec.nsas_calls);

	/* root is served */
	script_free(&self->s);
	self->s.fn = NULL;
	REQ(&self->s, "{\"cmd\":\"peers\"}");
	RUN();
	EXPECT_REPLY(0, true, NULL);
}

/* ---- The real mihsecctl against the server ------------------------------ */

static const char *ctl_bin(char *buf, size_t len)
{
	const char *env = getenv("MIHSECCTL");
	char *slash;

	if (env && *env)
		return env;
	snprintf(buf, len, "%s", MIHSECD_BIN);
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	snprintf(slash + 1, len - (size_t)(slash + 1 - buf), "mihsecctl");
	return buf;
}

struct ctl_run {
	const char *bin;
	const char *argv[12];
	const char *stdin_text;		/* NULL: /dev/null */
	const char *env_control;	/* MIHSEC_CONTROL, or NULL */
	int status;
	char out[8192];
	char err[2048];
};

static void read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
}

/* Run mihsecctl (in the client thread) */
static void run_ctl(struct script *s)
{
	struct ctl_run *r = s->arg;
	int in[2], out[2], err[2];
	pid_t pid;

	if (pipe(in) || pipe(out) || pipe(err))
		return;
	/* everything prepared before fork(): the child only execs */
	const char *argv[14] = { "mihsecctl" };
	char envctl[300];
	const char *envp[4] = { "PATH=/usr/bin:/bin", "LC_ALL=C" };

	for (int i = 0; r->argv[i] && i < 12; i++)
		argv[i + 1] = r->argv[i];
	if (r->env_control) {
		snprintf(envctl, sizeof(envctl), "MIHSEC_CONTROL=%s",
			 r->env_control);
		envp[2] = envctl;
	}
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		execve(r->bin, (char *const *)argv, (char *const *)envp);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (r->stdin_text &&
	    write(in[1], r->stdin_text, strlen(r->stdin_text)) < 0)
		r->status = -1;
	close(in[1]);
	read_all(out[0], r->out, sizeof(r->out));
	read_all(err[0], r->err, sizeof(r->err));
	close(out[0]);
	close(err[0]);
	waitpid(pid, &r->status, 0);
}

static int ctl(struct md_loop *loop, struct script *s, struct ctl_run *r)
{
	script_free(s);
	s->fn = run_ctl;
	s->arg = r;
	if (run_script(loop, s))
		return -1;
	return WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static int write_key(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t len = (ssize_t)strlen(text);

	if (fd < 0)
		return -1;
	if (write(fd, text, (size_t)len) != len || fchmod(fd, mode)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

TEST_F(ctrl, mihsecctl_end_to_end)
{
	static struct ctl_run r;
	char bin[300], key[200], hex[129], line[200], want[400];
	struct md_km_sa sa[3];
	struct json_object *o;

	memset(&r, 0, sizeof(r));
	r.bin = ctl_bin(bin, sizeof(bin));
	if (access(r.bin, X_OK))
		SKIP(return, "%s not built (make -C daemon all)", r.bin);
	fake_sas(sa);
	self->rec.sas = sa;
	self->rec.nsas = 3;
	START();
	snprintf(key, sizeof(key), "%s/msk", self->dir);

	/* msk add from a key file (0600: no warning) */
	msk_hex(hex, 64);
	ASSERT_EQ(0, write_key(key, hex, 0600));
	memcpy(r.argv, (const char *[]){ "-S", self->path, "msk", "add", MMT,
					 POA, key, NULL }, 8 * sizeof(char *));
	EXPECT_EQ(0, ctl(self->loop, &self->s, &r));
	EXPECT_STREQ("", r.out);
	EXPECT_STREQ("", r.err);
	ASSERT_EQ(1, self->rec.n);
	EXPECT_EQ(MIHSEC_KEY_UP, (int)self->rec.ev[0].what);
	EXPECT_EQ(MIHSEC_SRC_MANUAL, (int)self->rec.ev[0].src);
	EXPECT_EQ(0, memcmp(mac_mmt, self->rec.ev[0].mac_mmt, 6));
	EXPECT_EQ(0, memcmp(mac_poa, self->rec.ev[0].mac_poa, 6));
	EXPECT_EQ(0x80, self->rec.ev[0].msk[0]);
	EXPECT_EQ(0x9f, self->rec.ev[0].msk[31]);

	/* a whole MSK from stdin, socket from the environment */
	msk_hex(hex, 128);
	snprintf(line, sizeof(line), "%s\n", hex);
	memset(&r.argv, 0, sizeof(r.argv));
	memcpy(r.argv, (const char *[]){ "msk", "add", "aa:bb:cc:dd:ee:ff",
					 POA, "-", NULL }, 6 * sizeof(char *));
	r.stdin_text = line;
	r.env_control = self->path;
	EXPECT_EQ(0, ctl(self->loop, &self->s, &r));
	EXPECT_STREQ("", r.err);
	ASSERT_EQ(2, self->rec.n);
	EXPECT_EQ(0xaa, self->rec.ev[1].mac_mmt[0]);
	EXPECT_EQ(0x80, self->rec.ev[1].msk[0]);
	EXPECT_EQ(0x9f, self->rec.ev[1].msk[31]);
	r.stdin_text = NULL;

	/* a group-readable key file: used, with a warning */
	msk_hex(hex, 64);
	ASSERT_EQ(0, write_key(key, hex, 0640));
	memset(&r.argv, 0, sizeof(r.argv));
	memcpy(r.argv, (const char *[]){ "--control", self->path, "msk", "add",
					 MMT, POA, key, NULL },
	       8 * sizeof(char *));
	r.env_control = NULL;
	EXPECT_EQ(0, ctl(self->loop, &self->s, &r));
	EXPECT_NE(NULL, strstr(r.err, "warning: key file"));
	EXPECT_NE(NULL, strstr(r.err, "readable by its group"));
	EXPECT_EQ(NULL, strstr(r.err, "808182"));
	EXPECT_EQ(3, self->rec.n);

	/* a bad key file: refused before mihsecd hears of it */
	ASSERT_EQ(0, write_key(key, "0011", 0600));
	EXPECT_EQ(1, ctl(self->loop, &self->s, &r));
	EXPECT_NE(NULL, strstr(r.err, "mihsecctl: msk add: KEYFILE: "));
	EXPECT_EQ(3, self->rec.n);

	/* msk del */
	memset(&r.argv, 0, sizeof(r.argv));
	memcpy(r.argv, (const char *[]){ "-S", self->path, "msk", "del", MMT,
					 POA, NULL }, 7 * sizeof(char *));
	EXPECT_EQ(0, ctl(self->loop, &self->s, &r));
	ASSERT_EQ(4, self->rec.n);
	EXPECT_EQ(MIHSEC_KEY_DOWN, (int)self->rec.ev[3].what);

	/* peers: text and JSON */
	memset(&r.argv, 0, sizeof(r.argv));
	memcpy(r.argv, (const char *[]){ "-S", self->path, "peers", NULL },
	       4 * sizeof(char *));
	EXPECT_EQ(0, ctl(self->loop, &self->s, &r));
	EXPECT_STREQ("", r.err);
	EXPECT_EQ(0, strncmp(r.out, "PEER ", 5));
	EXPECT_NE(NULL, strstr(r.out, "\npos-1 "));
	EXPECT_NE(NULL, strstr(r.out, " poa  wpa_supplicant 02:00:00:00:00:01 0a:1b:2c:3d:4e:5f installed 0011223344556677 8899aabbccddeeff      2 "));
	EXPECT_NE(NULL, strstr(r.out, "\nis\\x20\\x221\\x22\\x5c\\x01 is   adopted "));
	EXPECT_NE(NULL, strstr(r.out, " pending "));
	EXPECT_EQ(4, count_lines(r.out));	/* a header, 3 peers */

	memset(&r.argv, 0, sizeof(r.argv));
	memcpy(r.argv, (const char *[]){ "-j", "-S", self->path, "peers",
					 NULL }, 5 * sizeof(char *));
	EXPECT_EQ(0, ctl(self->loop, &self->s, &r));
	o = json_tokener_parse(r.out);
	ASSERT_NE(NULL, o);
	ASSERT_TRUE(json_object_is_type(o, json_type_array));
	EXPECT_EQ(3, (int)json_object_array_length(o));
	EXPECT_STREQ("pending", json_object_get_string(json_object_object_get(
		json_object_array_get_idx(o, 2), "state")));
	json_object_put(o);

	/* no peers: no output */
	self->rec.nsas = 0;
	memset(&r.argv, 0, sizeof(r.argv));
	memcpy(r.argv, (const char *[]){ "-S", self->path, "peers", NULL },
	       4 * sizeof(char *));
	EXPECT_EQ(0, ctl(self->loop, &self->s, &r));
	EXPECT_STREQ("", r.out);

	/* no daemon at the path */
	md_control_stop(self->c);
	self->c = NULL;
	EXPECT_EQ(1, ctl(self->loop, &self->s, &r));
	snprintf(want, sizeof(want),
		 "mihsecctl: cannot reach mihsecd at %s: No such file or directory\n",
		 self->path);
	EXPECT_STREQ(want, r.err);
}

/* The daemon's error message reaches the operator */
TEST_F(ctrl, mihsecctl_prints_daemon_errors)
{
	static struct ctl_run r;
	char bin[300];

	memset(&r, 0, sizeof(r));
	r.bin = ctl_bin(bin, sizeof(bin));
	if (access(r.bin, X_OK))
		SKIP(return, "%s not built (make -C daemon all)", r.bin);
	self->s.hold = MD_CONTROL_MAX_CLIENTS;
	self->s.keep_held = true;
	START();
	RUN();
	ASSERT_EQ(MD_CONTROL_MAX_CLIENTS, self->s.held_ok);
	self->s.hold = 0;
	memcpy(r.argv, (const char *[]){ "-S", self->path, "msk", "del", MMT,
					 POA, NULL }, 7 * sizeof(char *));
	EXPECT_EQ(1, ctl(self->loop, &self->s, &r));
	EXPECT_STREQ("mihsecctl: msk del: too many connections\n", r.err);
	EXPECT_EQ(0, self->rec.n);
	for (int i = 0; i < MD_CONTROL_MAX_CLIENTS; i++)
		close(self->s.held_fd[i]);
}

/* ---- Help text against the man page ------------------------------------- */

/* Collapse runs of blanks into one space, trim */
static void squeeze(char *s)
{
	char *o = s;
	bool sp = true;

	for (char *p = s; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			if (!sp)
				*o++ = ' ';
			sp = true;
		} else {
			*o++ = *p;
			sp = false;
		}
	}
	if (o > s && o[-1] == ' ')
		o--;
	*o = '\0';
}

/* A SYNOPSIS line of the man page as plain text ("" if none) */
static void man_plain(const char *line, char *out, size_t len)
{
	size_t n = 0;

	if (strncmp(line, ".B ", 3)) {
		out[0] = '\0';
		return;
	}
	for (const char *p = line + 3; *p && n + 1 < len; p++) {
		if (*p == '"' || *p == '\n')
			continue;
		if (p[0] == '\\' && p[1] == 'f' && p[2]) {
			p += 2;
			continue;
		}
		if (p[0] == '\\' && p[1] == '-') {
			out[n++] = '-';
			p++;
			continue;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
}

static void check_man_text(struct __test_metadata *_metadata,
			   const char *path)
{
	char *all = calloc(1, 1 << 17);
	FILE *f = fopen(path, "r");
	size_t n;

	ASSERT_NE(NULL, f);
	n = fread(all, 1, (1 << 17) - 1, f);
	fclose(f);
	all[n] = '\0';
	EXPECT_NE(NULL, strstr(all, "MIHSEC_CONTROL"));
	EXPECT_NE(NULL, strstr(all, "/run/mihsec/mihsecd.sock"));
	EXPECT_NE(NULL, strstr(all, ".SS msk add"));
	EXPECT_NE(NULL, strstr(all, ".SS msk del"));
	EXPECT_NE(NULL, strstr(all, ".SS peers"));
	EXPECT_NE(NULL, strstr(all, ".BR -S \", \" --control"));
	free(all);
}

/* ---- The MIH function's commands: the ctrl layer (md_control_ext) ------ */

struct ext_rec {
	struct md_control *c;
	struct md_loop *loop;
	struct md_control_req *pending;
	int calls;
	int passed_fd_ok;	/* is-import: the descriptor read back */
	int late_rc;		/* md_control_reply() of the late answer */
	bool late_done;
	char cmd[32];
};

static void late_answer(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct ext_rec *e = arg;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "done", json_object_new_boolean(1));
	e->late_rc = md_control_reply(e->pending, o, -1);
	e->pending = NULL;
	e->late_done = true;
}

static int ext_command(void *arg, const char *cmd, struct json_object *req,
		       int fd, unsigned int uid, struct md_control_req *r,
		       struct json_object **reply)
{
	struct ext_rec *e = arg;
	struct json_object *o;

	e->calls++;
	snprintf(e->cmd, sizeof(e->cmd), "%s", cmd);
	if (!strcmp(cmd, "mihf-status")) {
		*reply = json_object_new_object();
		json_object_object_add(*reply, "ok", json_object_new_boolean(1));
		json_object_object_add(*reply, "uid", json_object_new_int(
			(int)uid));
		return 0;
	}
	if (!strcmp(cmd, "handover")) {
		/* answered 100 ms later from the loop */
		e->pending = r;
		md_timer_add(e->loop, 100 * MD_NSEC_PER_MSEC, 0, late_answer, e);
		return MD_CONTROL_PENDING;
	}
	if (!strcmp(cmd, "is-import")) {
		char buf[16] = "";

		if (fd >= 0 && pread(fd, buf, sizeof(buf) - 1, 0) == 5 &&
		    !strcmp(buf, "hello"))
			e->passed_fd_ok = 1;
		if (fd >= 0)
			close(fd);
		*reply = json_object_new_object();
		json_object_object_add(*reply, "ok", json_object_new_boolean(1));
		return 0;
	}
	if (!strcmp(cmd, "is-export")) {
		/* a descriptor back, answered inside the handler */
		int mfd = memfd_create("t", MFD_CLOEXEC);

		if (mfd < 0 || write(mfd, "export", 6) != 6)
			return -EIO;
		o = json_object_new_object();
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		md_control_reply(r, o, mfd);
		close(mfd);
		return MD_CONTROL_PENDING;
	}
	(void)req;
	return -ENOENT;
}

static struct json_object *ext_peers(void *arg)
{
	(void)arg;
	return json_tokener_parse(
		"[{\"id\":\"pos-1\",\"kind\":\"poa\",\"sources\":[\"static\"]},"
		"{\"id\":\"ar9\",\"kind\":\"poa\",\"sources\":[\"capdisc\"]},"
		"{\"id\":null,\"kind\":\"unknown\",\"sources\":[\"dns\"]}]");
}

TEST_F(ctrl, mih_commands_without_the_mih_function)
{
	START();
	REQ(&self->s, "{\"cmd\":\"mih-send\",\"peer\":\"x\",\"mid\":5121}");
	REQ(&self->s, "{\"cmd\":\"is-query\"}");
	REQ(&self->s, "{\"cmd\":\"is-import\"}");
	REQ(&self->s, "{\"cmd\":\"is-export\"}");
	REQ(&self->s, "{\"cmd\":\"handover\"}");
	REQ(&self->s, "{\"cmd\":\"mihf-status\"}");
	REQ(&self->s, "{\"cmd\":\"reboot\"}");
	RUN();
	for (int i = 0; i < 6; i++) {
		EXPECT_REPLY(i, false, "the MIH function is not running (mihsecd.conf has no [mihf] section, or enable = no)");
	}
	EXPECT_REPLY(6, false, "unknown command 'reboot' (msk-add, msk-del, peers, mih-send");
	EXPECT_EQ(0, (int)md_control_pending(self->c));
}

static void pending_client(struct script *s)
{
	int fd = cl_connect(s->path);

	if (fd < 0)
		return;
	/* a request answered later, and one more meanwhile: busy */
	send(fd, "{\"cmd\":\"handover\"}", 18, MSG_NOSIGNAL);
	s->reply[0] = cl_xchg(fd, "{\"cmd\":\"mihf-status\"}", 21);
	s->reply[1] = cl_recv(fd);
	/* free again */
	s->reply[2] = cl_xchg(fd, "{\"cmd\":\"mihf-status\"}", 21);
	close(fd);
}

TEST_F(ctrl, mih_command_answered_later_one_at_a_time)
{
	struct ext_rec e = { .loop = self->loop };
	struct md_control_ext ext = { .command = ext_command, .arg = &e };

	START();
	md_control_set_ext(self->c, &ext);
	self->s.fn = pending_client;
	RUN();
	EXPECT_REPLY(0, false, "busy: the handover request on this connection is still pending");
	EXPECT_STREQ("{\"ok\":true,\"done\":true}", self->s.reply[1]);
	EXPECT_TRUE(reply_is(self->s.reply[2], true, NULL));
	EXPECT_NE(NULL, self->s.reply[2] ? strstr(self->s.reply[2], "\"uid\":") : NULL);
	EXPECT_TRUE(e.late_done);
	EXPECT_EQ(0, e.late_rc);
	EXPECT_EQ(2, e.calls);	/* the busy one never reached it */
	EXPECT_EQ(0, (int)md_control_pending(self->c));
}

static void leaving_client(struct script *s)
{
	int fd = cl_connect(s->path);

	if (fd < 0)
		return;
	send(fd, "{\"cmd\":\"handover\"}", 18, MSG_NOSIGNAL);
	usleep(20000);
	close(fd);
}

TEST_F(ctrl, mih_client_gone_before_the_answer)
{
	struct ext_rec e = { .loop = self->loop };
	struct md_control_ext ext = { .command = ext_command, .arg = &e };

	START();
	md_control_set_ext(self->c, &ext);
	self->s.fn = leaving_client;
	RUN();
	spin(self->loop, 200);		/* the late answer fires */
	EXPECT_TRUE(e.late_done);
	EXPECT_EQ(-ENOTCONN, e.late_rc);
	EXPECT_EQ(0, (int)md_control_pending(self->c));
	EXPECT_EQ(0, (int)md_control_clients(self->c));
}

/* send @req with @fd as SCM_RIGHTS; the reply and a descriptor back */
static char *xchg_fd(int sock, const char *req, int fd, int *back)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)req, .iov_len = strlen(req) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	char *buf = calloc(1, 4096);
	ssize_t n;

	*back = -1;
	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	if (!buf || sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
		free(buf);
		return NULL;
	}
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = 4095;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	n = recvmsg(sock, &msg, 0);
	if (n <= 0) {
		free(buf);
		return NULL;
	}
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_type == SCM_RIGHTS)
			memcpy(back, CMSG_DATA(cm), sizeof(int));
	return buf;
}

struct fd_result {
	int exported_ok;
};

static void fd_client(struct script *s)
{
	struct fd_result *res = s->arg;
	int fd = cl_connect(s->path), mfd, back = -1;
	char buf[16] = "";

	if (fd < 0)
		return;
	mfd = memfd_create("in", MFD_CLOEXEC);
	if (mfd < 0 || write(mfd, "hello", 5) != 5)
		return;
	s->reply[0] = xchg_fd(fd, "{\"cmd\":\"is-import\"}", mfd, &back);
	s->reply[1] = xchg_fd(fd, "{\"cmd\":\"is-export\"}", -1, &back);
	if (back >= 0 && pread(back, buf, sizeof(buf) - 1, 0) == 6 &&
	    !strcmp(buf, "export"))
		res->exported_ok = 1;
	if (back >= 0)
		close(back);
	/* a descriptor with a command that takes none */
	s->reply[2] = xchg_fd(fd, "{\"cmd\":\"peers\"}", mfd, &back);
	close(mfd);
	close(fd);
}

TEST_F(ctrl, mih_descriptors_both_ways)
{
	struct ext_rec e = { .loop = self->loop };
	struct md_control_ext ext = { .command = ext_command, .arg = &e };
	struct fd_result res = { 0 };

	START();
	md_control_set_ext(self->c, &ext);
	self->s.fn = fd_client;
	self->s.arg = &res;
	RUN();
	EXPECT_TRUE(reply_is(self->s.reply[0], true, NULL)) {
		TH_LOG("%s", self->s.reply[0]);
	}
	EXPECT_EQ(1, e.passed_fd_ok);
	EXPECT_TRUE(reply_is(self->s.reply[1], true, NULL));
	EXPECT_EQ(1, res.exported_ok);
	EXPECT_REPLY(2, false, "peers: takes no file descriptor");
	EXPECT_EQ(0, (int)md_control_pending(self->c));
}

TEST_F(ctrl, peers_merged_with_the_mih_peer_table)
{
	struct md_km_sa sa[3];
	struct ext_rec e = { .loop = self->loop };
	struct md_control_ext ext = { .command = ext_command,
				      .mih_peers = ext_peers, .arg = &e };
	struct json_object *o, *arr, *p, *v;

	fake_sas(sa);
	self->rec.sas = sa;
	self->rec.nsas = 3;
	START();
	md_control_set_ext(self->c, &ext);
	REQ(&self->s, "{\"cmd\":\"peers\"}");
	RUN();
	o = json_tokener_parse(self->s.reply[0] ? self->s.reply[0] : "");
	ASSERT_NE(NULL, o);
	ASSERT_TRUE(json_object_object_get_ex(o, "peers", &arr));
	ASSERT_EQ(5, (int)json_object_array_length(arr));
	/* the SA of pos-1 keeps every field and gets "mih" */
	p = json_object_array_get_idx(arr, 0);
	EXPECT_STREQ("pos-1", json_object_get_string(json_object_object_get(p, "peer")));
	EXPECT_STREQ("installed", json_object_get_string(json_object_object_get(p, "state")));
	EXPECT_STREQ("0011223344556677", json_object_get_string(json_object_object_get(p, "rx_keyid")));
	ASSERT_TRUE(json_object_object_get_ex(p, "mih", &v));
	EXPECT_NE(NULL, strstr(json_object_to_json_string(v), "static"));
	/* the SAs of no MIH peer: unchanged */
	EXPECT_FALSE(json_object_object_get_ex(json_object_array_get_idx(arr, 1), "mih", NULL));
	/* MIH peers without an SA */
	p = json_object_array_get_idx(arr, 3);
	EXPECT_STREQ("ar9", json_object_get_string(json_object_object_get(p, "peer")));
	EXPECT_STREQ("no-sa", json_object_get_string(json_object_object_get(p, "state")));
	EXPECT_STREQ("poa", json_object_get_string(json_object_object_get(p, "kind")));
	p = json_object_array_get_idx(arr, 4);
	EXPECT_STREQ("", json_object_get_string(json_object_object_get(p, "peer")));
	json_object_put(o);
}

TEST(help_matches_man_page_synopsis)
{
	char path[300], line[512], plain[512];
	char *help = NULL, *man = NULL;
	size_t hlen = 0, mlen = 0;
	FILE *f, *m;
	bool in_syn = false;
	int checked = 0;

	snprintf(path, sizeof(path), "%s/../docs/mihsecctl.8", MIHSECD_SRC);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f) {
		TH_LOG("%s: %s", path, strerror(errno));
	}
	/* the SYNOPSIS as plain usage lines, one per line */
	m = open_memstream(&man, &mlen);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, ".SH", 3)) {
			in_syn = strstr(line, "SYNOPSIS") != NULL;
			continue;
		}
		if (!in_syn)
			continue;
		man_plain(line, plain, sizeof(plain));
		if (!plain[0])
			continue;
		/* a continuation starts with blanks */
		fprintf(m, "%s%s", plain[0] == ' ' ? " " : "\n", plain);
	}
	fclose(f);
	fputs("\n", m);
	fclose(m);

	/* the help's usage lines likewise */
	f = open_memstream(&help, &hlen);
	ctl_help(f, CTL_TOPIC_MAIN);
	fclose(f);
	{
		char *save = NULL, *cur = NULL;
		size_t cap = 4096;
		char *mans = strdup(man);

		cur = calloc(1, cap);
		for (char *l = strtok_r(help, "\n", &save); ; l = strtok_r(NULL, "\n", &save)) {
			/* "mihsecctl [OPTIONS] OBJECT COMMAND": no command */
			bool usage_start = l && !strncmp(l, "  mihsecctl ", 12) &&
					   !strstr(l, "OBJECT COMMAND");
			bool cont = l && !strncmp(l, "                ", 16) &&
				    cur[0];

			if (cont) {
				strncat(cur, " ", cap - strlen(cur) - 1);
				strncat(cur, l, cap - strlen(cur) - 1);
				continue;
			}
			if (cur[0]) {
				char *ml, *msave = NULL;
				bool found = false;
				char *copy = strdup(mans);

				squeeze(cur);
				for (ml = strtok_r(copy, "\n", &msave); ml;
				     ml = strtok_r(NULL, "\n", &msave)) {
					squeeze(ml);
					if (!strcmp(ml, cur))
						found = true;
				}
				free(copy);
				EXPECT_TRUE(found) {
					TH_LOG("man page SYNOPSIS lacks \"%s\"", cur);
				}
				checked++;
				cur[0] = '\0';
			}
			if (!l)
				break;
			if (usage_start)
				snprintf(cur, cap, "%s", l);
		}
		free(cur);
		free(mans);
	}
	EXPECT_LE(10, checked);
	/* the man page explains the control socket */
	EXPECT_NE(NULL, strstr(man, "mihsecctl [-S PATH] msk add MMT-MAC POA-MAC KEYFILE|-"));
	free(help);
	free(man);
	check_man_text(_metadata, path);
}

TEST_HARNESS_MAIN

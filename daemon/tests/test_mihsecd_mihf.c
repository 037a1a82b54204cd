// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecd's MIH function end to end on loopback: four daemons (a
 * terminal mn1, access routers ar1 and ar2, an information server is1 with
 * a temporary SQLite database) on their own UDP ports, each md_run() in a
 * forked child of this (ASan/LSan-built) test, "kernel = optional" (no
 * module on the host).  The operator's side is mihsecctl's ctl_main() in
 * this process, over each daemon's control socket:
 * registration and mihf status, mih send (text, JSON, refused messages),
 * is import/export/query, peers merged with the MIH peer table, a
 * handover mn1 -> ar1 -> ar2 with the handover-script switch step,
 * pending requests (busy, client gone, timeout), the MIH commands without
 * the MIH function, and SIGHUP (restart, peers in place, port kept).
 * Every daemon must exit 0 on SIGTERM: LSan finds no leak.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "kselftest_harness.h"
#include "tests/proc.h"

#include "ctl/cmd.h"
#include "lib/nl.h"
#include "mihsecd/daemon.h"
#include "mihsecd/loop.h"

#ifndef MIHSECD_SRC
#define MIHSECD_SRC "daemon"
#endif

#define MS	MD_NSEC_PER_MSEC

enum { MN, AR1, AR2, IS, NDAEMONS };
static const char *const names[NDAEMONS] = { "mn1", "ar1", "ar2", "is1" };

static int run_daemon(void *conf)
{
	struct md_opts o = { .foreground = true, .config = conf };

	return md_run(&o, mihsec_nl_open);
}

/* Fork a daemon: md_run() on @conf in the child, output to a pipe */
static int spawn(struct proc *p, const char *conf)
{
	return proc_spawn_fn(p, run_daemon, (void *)conf);
}

FIXTURE(m) {
	char dir[64];
	char conf[NDAEMONS][128];
	char sock[NDAEMONS][128];
	char isdb[128];
	char script[128];
	char script_out[128];
	uint16_t port[NDAEMONS + 1];	/* + a port nobody listens on */
	struct proc p[NDAEMONS];
	char *out, *err;
	int rc;
};

/* The configuration of daemon @i; @extra goes into its [mihf] */
static void conf_text(struct _test_data_m *self, int i, const char *extra,
		      char *buf, size_t size)
{
	static const char *const roles[NDAEMONS] = { "mmt", "poa", "poa",
						     "is" };
	size_t n;

	n = (size_t)snprintf(buf, size,
		"[mihsecd]\nroles = %s\nmihf-id = %s\nkernel = optional\n"
		"log-level = debug\ncontrol-socket = %s\n"
		"[mihf]\nport = %u\nrtx-service-mgmt = 100\n%s%s",
		roles[i], names[i], self->sock[i], self->port[i],
		i == AR2 ? "listen = 127.0.0.2\n" : "", extra ? extra : "");
	if (i == MN)
		n += (size_t)snprintf(buf + n, size - n,
			"serving-pos = ar1\nhandover-script = %s\n",
			self->script);
	if (i == IS)
		n += (size_t)snprintf(buf + n, size - n,
			"[is-link]\ncert = %s/none\nkey = %s/none\nca = %s/none\n"
			"port = %u\n[isdb]\npath = %s\n", self->dir, self->dir,
			self->dir, self->port[IS] + 100, self->isdb);
	if (i == AR1)
		n += (size_t)snprintf(buf + n, size - n,
			"[isdb]\npath = %s/ar1.sqlite\n", self->dir);
	/* every other daemon is a static peer (the terminal by MAC) */
	for (int j = 0; j < NDAEMONS; j++) {
		/* an AR with an IS peer would need the key link to it */
		if (j == i || (j == IS && (i == AR1 || i == AR2)))
			continue;
		if (j == MN)
			n += (size_t)snprintf(buf + n, size - n,
				"[peer mn1]\nkind = mmt\nmihf-id = mn1\n"
				"mac = 02:00:00:00:00:01\n");
		else
			n += (size_t)snprintf(buf + n, size - n,
				"[peer %s]\nkind = %s\nmihf-id = %s\n"
				"address = 127.0.0.%d\nport = %u\n", names[j],
				j == IS ? "is" : "poa", names[j],
				j == AR2 ? 2 : 1, self->port[j]);
	}
	if (i == MN)
		snprintf(buf + n, size - n,
			 "[peer ghost]\nmihf-id = ghost\naddress = 127.0.0.1\n"
			 "port = %u\n", self->port[NDAEMONS]);
}

static int start_one(struct _test_data_m *self, int i, const char *extra)
{
	char text[4096];

	conf_text(self, i, extra, text, sizeof(text));
	if (write_file_atomic(self->conf[i], text))
		return -1;
	if (spawn(&self->p[i], self->conf[i]))
		return -1;
	return proc_wait_for(&self->p[i], "MIH function: listening", 5000) ? 0 : -1;
}

FIXTURE_SETUP(m)
{
	uint16_t base = (uint16_t)(30000 + (getpid() % 4000) * 8);
	char text[256];

	memset(self->p, 0, sizeof(self->p));
	self->out = self->err = NULL;
	strcpy(self->dir, "/tmp/mihsecd-mihf-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	for (int i = 0; i < NDAEMONS; i++) {
		snprintf(self->conf[i], sizeof(self->conf[i]), "%s/%s.conf",
			 self->dir, names[i]);
		snprintf(self->sock[i], sizeof(self->sock[i]), "%s/%s.sock",
			 self->dir, names[i]);
		self->port[i] = (uint16_t)(base + i);
	}
	self->port[NDAEMONS] = (uint16_t)(base + NDAEMONS);
	snprintf(self->isdb, sizeof(self->isdb), "%s/is.sqlite", self->dir);
	snprintf(self->script, sizeof(self->script), "%s/switch.sh",
		 self->dir);
	snprintf(self->script_out, sizeof(self->script_out), "%s/switched",
		 self->dir);
	snprintf(text, sizeof(text), "#!/bin/sh\necho \"$@\" > %s\n",
		 self->script_out);
	ASSERT_EQ(0, write_file_atomic(self->script, text));
	ASSERT_EQ(0, chmod(self->script, 0755));
	/* the IS server and the routers first: the terminal registers */
	for (int i = NDAEMONS - 1; i >= 0; i--) {
		ASSERT_EQ(0, start_one(self, i, NULL)) {
			TH_LOG("%s did not start:\n%s", names[i],
			       self->p[i].buf);
		}
	}
}

FIXTURE_TEARDOWN(m)
{
	char cmd[200];

	for (int i = 0; i < NDAEMONS; i++) {
		int st = proc_stop(&self->p[i]);

		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			TH_LOG("%s: exit status %#x; output:\n%s", names[i], st,
			       self->p[i].buf);
		}
	}
	free(self->out);
	free(self->err);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

/* mihsecctl -S SOCKET(@who) ARGS...: exit code, output in self->out/err */
static int ctl(struct _test_data_m *self, int who, const char *const *words)
{
	char *argv[40];
	size_t olen = 0, elen = 0;
	FILE *out, *err;
	int argc = 0;

	free(self->out);
	free(self->err);
	self->out = self->err = NULL;
	out = open_memstream(&self->out, &olen);
	err = open_memstream(&self->err, &elen);
	argv[argc++] = "mihsecctl";
	argv[argc++] = "-S";
	argv[argc++] = self->sock[who];
	for (; *words && argc < 39; words++)
		argv[argc++] = (char *)*words;
	argv[argc] = NULL;
	self->rc = ctl_main(argc, argv, stdin, out, err, mihsec_nl_open);
	fclose(out);
	fclose(err);
	return self->rc;
}

#define CTL(who, ...) ctl(self, (who), (const char *const[]){ __VA_ARGS__, NULL })

/* Poll "mihsecctl -j mihf status" of @who until @what is in it */
static bool status_has(struct _test_data_m *self, int who, const char *what,
		       int ms)
{
	uint64_t end = md_now_ns() + (uint64_t)ms * MS;

	do {
		if (!CTL(who, "-j", "mihf", "status") &&
		    strstr(self->out, what))
			return true;
		usleep(20000);
	} while (md_now_ns() < end);
	return false;
}

static json_object *parse_out(struct _test_data_m *self)
{
	return json_tokener_parse(self->out ? self->out : "");
}

TEST_F(m, registration_and_status)
{
	ASSERT_TRUE(status_has(self, MN, "\"registered\":true", 5000)) {
		TH_LOG("mn1: %s%s", self->out, self->err);
	}
	EXPECT_NE(NULL, strstr(self->out, "\"pos\":\"ar1\""));
	EXPECT_NE(NULL, strstr(self->out, "\"port\":"));
	EXPECT_TRUE(status_has(self, AR1, "mn1", 2000)) {
		TH_LOG("ar1: %s", self->out);
	}
	/* text */
	ASSERT_EQ(0, CTL(MN, "mihf", "status"));
	EXPECT_NE(NULL, strstr(self->out, "roles mmt, listening on :: port")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "transport: {"));
	/* the IS server's database is in its status */
	ASSERT_EQ(0, CTL(IS, "-j", "mihf"));
	EXPECT_NE(NULL, strstr(self->out, "\"backend\":\"sqlite\""));
	EXPECT_EQ(2, CTL(MN, "mihf", "start"));
	EXPECT_NE(NULL, strstr(self->err, "mihf: unknown command 'start' (status, help)"));
}

TEST_F(m, mih_send)
{
	json_object *o, *v;

	ASSERT_EQ(0, CTL(MN, "mih", "send", "ar1",
			 "MIH_Capability_Discover.request", "evt-list=0x6",
			 "8=0001")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_NE(NULL, strstr(self->out,
			       "sent MIH_Capability_Discover.request")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "5 MIH event list: {Link_Up,Link_Down}"));
	EXPECT_NE(NULL, strstr(self->out,
			       "received MIH_Capability_Discover.response"));
	EXPECT_NE(NULL, strstr(self->out, "3 Status: Success"));
	EXPECT_NE(NULL, strstr(self->out, "round trip "));

	/* JSON; the peer by address and by MIHF ID (ar2 is static too) */
	ASSERT_EQ(0, CTL(MN, "-j", "mih", "send", "is1", "0x1401"));
	o = parse_out(self);
	ASSERT_NE(NULL, o);
	ASSERT_TRUE(json_object_object_get_ex(o, "response", &v));
	EXPECT_STREQ("Success", json_object_get_string(
		json_object_object_get(v, "status")));
	EXPECT_STREQ("is1", json_object_get_string(
		json_object_object_get(v, "src")));
	EXPECT_STREQ("MIH_Capability_Discover.response",
		     json_object_get_string(json_object_object_get(v, "message")));
	EXPECT_TRUE(json_object_object_get_ex(o, "rtt_ms", NULL));
	EXPECT_FALSE(json_object_object_get_ex(o, "ok", NULL));
	json_object_put(o);

	/* refused before sending: a mandatory TLV missing */
	EXPECT_EQ(1, CTL(MN, "mih", "send", "ar1", "MIH_Register.request"));
	EXPECT_NE(NULL, strstr(self->err, "mandatory TLV 25")) {
		TH_LOG("%s", self->err);
	}
	/* an address nobody with an ID has */
	EXPECT_EQ(1, CTL(MN, "mih", "send", "127.0.0.9",
			 "MIH_Capability_Discover.request"));
	EXPECT_NE(NULL, strstr(self->err, "no MIH peer with a known MIHF ID at 127.0.0.9"));
	/* usage errors never reach mihsecd */
	EXPECT_EQ(2, CTL(MN, "mih", "send", "ar1",
			 "MIH_Capability_Discover.response"));
	EXPECT_EQ(2, CTL(MN, "mih", "send", "ar1", "MIH_Capability_Discover",
			 "status=256"));
}

TEST_F(m, is_import_export_query)
{
	char path[300], bad[200], *exp1;
	json_object *o;

	snprintf(path, sizeof(path), "%s/examples/isdb.txt", MIHSECD_SRC);
	ASSERT_EQ(0, CTL(IS, "is", "import", path)) {
		TH_LOG("%s", self->err);
	}
	EXPECT_STREQ("imported 3 networks, 4 PoAs\n", self->out);
	ASSERT_EQ(0, CTL(IS, "is", "export"));
	EXPECT_NE(NULL, strstr(self->out, "[network campus-wifi]"));
	EXPECT_NE(NULL, strstr(self->out, "[poa lab-switch1]"));
	exp1 = strdup(self->out);

	/* a defect: nothing changes, the line is named */
	snprintf(bad, sizeof(bad), "%s/bad.txt", self->dir);
	ASSERT_EQ(0, write_file_atomic(bad, "[network x]\ntype = 802.11\n"
				     "colour = blue\n"));
	EXPECT_EQ(1, CTL(IS, "is", "import", bad));
	EXPECT_NE(NULL, strstr(self->err, ":3:")) {
		TH_LOG("%s", self->err);
	}
	ASSERT_EQ(0, CTL(IS, "is", "export"));
	EXPECT_STREQ(exp1, self->out);
	/* a name already there; then replace */
	EXPECT_EQ(1, CTL(IS, "is", "import", path));
	ASSERT_EQ(0, write_file_atomic(bad, "[network only]\ntype = ethernet\n"
				     "network-id = only\n"));
	ASSERT_EQ(0, CTL(IS, "-j", "is", "import", bad, "replace"));
	EXPECT_NE(NULL, strstr(self->out, "\"networks\":1"));
	ASSERT_EQ(0, CTL(IS, "is", "import", path, "replace"));
	ASSERT_EQ(0, CTL(IS, "is", "export"));
	EXPECT_STREQ(exp1, self->out);
	free(exp1);
	/* not an IS database here; a file that is not there */
	EXPECT_EQ(1, CTL(MN, "is", "import", path));
	EXPECT_NE(NULL, strstr(self->err, "no IS database"));
	EXPECT_EQ(1, CTL(IS, "is", "import", "/nonexistent/x"));
	EXPECT_NE(NULL, strstr(self->err, "No such file"));

	/* the terminal asks the IS server (its [mihf] is-server: is1) */
	ASSERT_EQ(0, CTL(MN, "-j", "is", "query", "type", "ethernet")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_NE(NULL, strstr(self->out, "IE_NETWORK_TYPE"));
	EXPECT_NE(NULL, strstr(self->out, "lab")) {
		TH_LOG("%s", self->out);
	}
	o = parse_out(self);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("Success", json_object_get_string(
		json_object_object_get(o, "status")));
	json_object_put(o);
	ASSERT_EQ(0, CTL(MN, "is", "query", "network", "metro-free",
			 "report", "network-id,IE_COST", "server", "is1"));
	EXPECT_NE(NULL, strstr(self->out, "status Success"));
	EXPECT_NE(NULL, strstr(self->out, "IE_COST"));
	EXPECT_EQ(NULL, strstr(self->out, "IE_NETWORK_TYPE"));
	EXPECT_EQ(2, CTL(MN, "is", "query", "type", "carrier-pigeon"));
}

TEST_F(m, peers_merged)
{
	uint64_t end = md_now_ns() + 5000 * MS;
	bool ok = false;

	while (!ok && md_now_ns() < end) {
		ASSERT_EQ(0, CTL(MN, "-j", "peers"));
		ok = strstr(self->out, "\"capdisc\"") != NULL;
		if (!ok)
			usleep(50000);
	}
	EXPECT_TRUE(ok) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "\"peer\":\"ar1\",\"kind\":\"poa\",\"state\":\"no-sa\",\"mih\":{"));
	ASSERT_EQ(0, CTL(MN, "peers"));
	EXPECT_NE(NULL, strstr(self->out, " MIH\n")) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "127.0.0.1:"));
	EXPECT_NE(NULL, strstr(self->out, " static,capdisc"));
}

/*
 * The IS database of is1 and ar1: network lab with the PoA sw1 of ar2,
 * whose PoS address is @pos_addr; the import file's name in @path.
 */
static int import_sw1(struct _test_data_m *self, char *path, size_t size,
		      const char *pos_addr)
{
	char buf[300];

	snprintf(path, size, "%s/h.txt", self->dir);
	snprintf(buf, sizeof(buf),
		 "[network lab]\ntype = ethernet\nnetwork-id = lab\n\n"
		 "[poa sw1]\nnetwork = lab\nlink-addr = 02:00:5e:20:00:01\n"
		 "pos-mihf-id = ar2\npos-address = %s\npos-port = %u\n",
		 pos_addr, self->port[AR2]);
	if (write_file_atomic(path, buf) || CTL(IS, "is", "import", path) ||
	    CTL(AR1, "is", "import", path))
		return -1;
	return 0;
}

TEST_F(m, handover_through_two_routers)
{
	char path[300], buf[200] = "";
	int fd;
	ssize_t n;

	ASSERT_EQ(0, import_sw1(self, path, sizeof(path), "127.0.0.1"));
	ASSERT_TRUE(status_has(self, MN, "\"registered\":true", 5000));

	ASSERT_EQ(0, CTL(MN, "handover", "pos", "ar2", "wait", "20")) {
		TH_LOG("%s%s", self->out, self->err);
	}
	EXPECT_NE(NULL, strstr(self->out, "is-query "));
	EXPECT_NE(NULL, strstr(self->out, "candidate-query "));
	EXPECT_NE(NULL, strstr(self->out, "commit "));
	EXPECT_NE(NULL, strstr(self->out, "switch "));
	EXPECT_NE(NULL, strstr(self->out, "complete "));
	EXPECT_NE(NULL, strstr(self->out,
			       "target pos ar2 poa 02:00:5e:20:00:01 network lab"));
	EXPECT_NE(NULL, strstr(self->out, "handover done"));
	/* the switch step ran the script with target, PoA, interface */
	fd = open(self->script_out, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_STREQ("ar2 02:00:5e:20:00:01 -\n", buf);
	EXPECT_TRUE(status_has(self, MN, "\"pos\":\"ar2\"", 5000));

	/* a failing handover: exit 1, where and why */
	ASSERT_EQ(0, CTL(IS, "is", "import", path, "replace"));
	EXPECT_EQ(1, CTL(MN, "handover", "target", "nowhere", "wait", "20"));
	EXPECT_NE(NULL, strstr(self->out, "handover FAILED at")) {
		TH_LOG("%s%s", self->out, self->err);
	}
	/* not a terminal */
	EXPECT_EQ(1, CTL(AR1, "handover"));
	EXPECT_NE(NULL, strstr(self->err, "not possible here"));
}

/*
 * Network-initiated: ar1 hands mn1 over to ar2's PoA sw1.  mn1 watches no
 * interface (it accepts the suggested link as is) and knows no PoS for
 * sw1: it asks is1, whose answer names the PoS address 127.0.0.2, ar2's.
 */
TEST_F(m, network_initiated_handover)
{
	char path[300], buf[300] = "";
	int fd;
	ssize_t n;

	ASSERT_EQ(0, import_sw1(self, path, sizeof(path), "127.0.0.2"));
	ASSERT_TRUE(status_has(self, MN, "\"registered\":true", 5000));
	/* argument errors first */
	EXPECT_EQ(1, CTL(AR1, "handover", "mmt", "nobody", "wait", "5"));
	EXPECT_NE(NULL, strstr(self->err, "not attached through us")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_EQ(1, CTL(MN, "handover", "mmt", "mn1", "wait", "5"));
	EXPECT_NE(NULL, strstr(self->err, "needs role poa")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_NE(0, CTL(AR1, "handover", "mmt", "mn1", "target", "lab"));

	ASSERT_EQ(0, CTL(AR1, "handover", "mmt", "mn1", "poa",
			 "02:00:5e:20:00:01", "wait", "20")) {
		TH_LOG("%s%s", self->out, self->err);
	}
	EXPECT_NE(NULL, strstr(self->out, "network-initiated handover of mn1"));
	EXPECT_NE(NULL, strstr(self->out, "candidate-query "));
	EXPECT_NE(NULL, strstr(self->out, "query-resources "));
	EXPECT_NE(NULL, strstr(self->out, "commit "));
	EXPECT_NE(NULL, strstr(self->out, "complete "));
	EXPECT_NE(NULL, strstr(self->out, "target pos ar2 poa 02:00:5e:20:00:01"));
	EXPECT_NE(NULL, strstr(self->out, "handover done")) {
		TH_LOG("%s", self->out);
	}
	/* the terminal ran its switch script toward ar2, now registers there */
	fd = open(self->script_out, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_STREQ("ar2 02:00:5e:20:00:01 -\n", buf);
	EXPECT_TRUE(status_has(self, MN, "\"pos\":\"ar2\"", 5000));
	/* ar1 serves it no more */
	EXPECT_EQ(1, CTL(AR1, "handover", "mmt", "mn1", "wait", "5"));
}

static int raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static char *raw_recv(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char *buf = malloc(65536);
	ssize_t n;

	if (!buf || poll(&p, 1, ms) != 1) {
		free(buf);
		return NULL;
	}
	n = recv(fd, buf, 65535, 0);
	if (n <= 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

TEST_F(m, pending_requests)
{
	static const char req[] =
		"{\"cmd\":\"mih-send\",\"peer\":\"ghost\",\"mid\":5121}";
	int a = raw_connect(self->sock[MN]), b = raw_connect(self->sock[MN]);
	char *r;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	/* nobody answers for ghost: pending until the transport gives up */
	ASSERT_EQ((ssize_t)strlen(req), send(a, req, strlen(req), 0));
	ASSERT_EQ((ssize_t)strlen(req), send(b, req, strlen(req), 0));
	usleep(100000);
	/* one request per connection at a time */
	ASSERT_EQ(22, send(a, "{\"cmd\":\"mihf-status\"}", 22, 0));
	r = raw_recv(a, 2000);
	ASSERT_NE(NULL, r);
	EXPECT_NE(NULL, strstr(r, "busy: the mih-send request on this connection is still pending")) {
		TH_LOG("%s", r);
	}
	free(r);
	/* b leaves: its answer is dropped, the daemon goes on */
	close(b);
	r = raw_recv(a, 10000);
	ASSERT_NE(NULL, r);
	EXPECT_NE(NULL, strstr(r, "\"ok\":false")) {
		TH_LOG("%s", r);
	}
	EXPECT_NE(NULL, strstr(r, "timed out"));
	free(r);
	close(a);
	ASSERT_EQ(0, CTL(MN, "mihf", "status"));
}

TEST_F(m, without_the_mih_function)
{
	char text[512];

	/* ar2 again, without [mihf]: everything else as before */
	EXPECT_EQ(0, proc_stop(&self->p[AR2]));
	snprintf(text, sizeof(text),
		 "[mihsecd]\nroles = poa\nmihf-id = ar2\nkernel = optional\n"
		 "control-socket = %s\n", self->sock[AR2]);
	ASSERT_EQ(0, write_file_atomic(self->conf[AR2], text));
	ASSERT_EQ(0, spawn(&self->p[AR2], self->conf[AR2]));
	ASSERT_TRUE(proc_wait_for(&self->p[AR2], "started:", 5000));
	EXPECT_EQ(NULL, strstr(self->p[AR2].buf, "MIH function"));
	EXPECT_EQ(1, CTL(AR2, "mihf", "status"));
	EXPECT_STREQ("mihsecctl: mihf status: mihf-status: the MIH function is not running (mihsecd.conf has no [mihf] section, or enable = no)\n",
		     self->err);
	EXPECT_EQ(1, CTL(AR2, "is", "export"));
	EXPECT_NE(NULL, strstr(self->err, "the MIH function is not running"));
	ASSERT_EQ(0, CTL(AR2, "-j", "peers"));
	EXPECT_STREQ("[]\n", self->out);
}

TEST_F(m, reload)
{
	char text[4096];
	struct proc *p = &self->p[MN];

	ASSERT_TRUE(status_has(self, MN, "\"registered\":true", 5000));
	/* a timer: the MIH function restarts and registers again */
	conf_text(self, MN, "rtx-command = 50\n", text, sizeof(text));
	ASSERT_EQ(0, write_file_atomic(self->conf[MN], text));
	kill(p->pid, SIGHUP);
	EXPECT_TRUE(proc_wait_for(p, "MIH function restarted with the new settings", 5000)) {
		TH_LOG("%s", p->buf);
	}
	EXPECT_TRUE(status_has(self, MN, "\"registered\":true", 5000));
	/* a peer: in place */
	strcat(text, "[peer extra]\nmihf-id = extra\naddress = 127.0.0.1\nport = 9\n");
	ASSERT_EQ(0, write_file_atomic(self->conf[MN], text));
	kill(p->pid, SIGHUP);
	EXPECT_TRUE(proc_wait_for(p, "static peers reloaded", 5000));
	ASSERT_EQ(0, CTL(MN, "-j", "peers"));
	EXPECT_NE(NULL, strstr(self->out, "\"peer\":\"extra\""));
	/* the port: at the next start */
	conf_text(self, MN, "rtx-command = 50\n", text, sizeof(text));
	{
		char *port = strstr(text, "port = ");

		ASSERT_NE(NULL, port);
		port += 7 + strspn(port + 7, "0123456789") - 1;
		*port = *port == '9' ? '8' : '9';	/* the last digit */
	}
	ASSERT_EQ(0, write_file_atomic(self->conf[MN], text));
	kill(p->pid, SIGHUP);
	EXPECT_TRUE(proc_wait_for(p, "[mihf] listen/port changes take effect at the next start", 5000));
	ASSERT_EQ(0, CTL(MN, "mih", "send", "ar1",
			 "MIH_Capability_Discover.request"));
}

TEST_F(m, dhcp_discovery_and_enable_on_reload)
{
	char text[4096], extra[300], lease[200], disc[300];
	struct proc *p = &self->p[MN];
	uint64_t end;
	bool found = false;

	/* an RFC 5678 MoS option in a dhclient lease: IS server 127.0.0.7 */
	snprintf(lease, sizeof(lease), "%s/dhclient.leases", self->dir);
	ASSERT_EQ(0, write_file_atomic(lease,
		"lease {\n  interface \"eth0\";\n  fixed-address 10.0.0.5;\n"
		"  option mihsec-mos-ipv4 1:4:7f:0:0:7;\n  expire never;\n}\n"));
	conf_text(self, MN, NULL, text, sizeof(text));
	snprintf(disc, sizeof(disc), "[discovery]\ndhcp-lease = %s\n", lease);
	strcat(text, disc);
	ASSERT_EQ(0, write_file_atomic(self->conf[MN], text));
	kill(p->pid, SIGHUP);
	EXPECT_TRUE(proc_wait_for(p, "MIH function restarted with the new settings", 5000));
	for (end = md_now_ns() + 5000 * MS; !found && md_now_ns() < end;
	     usleep(50000)) {
		ASSERT_EQ(0, CTL(MN, "-j", "peers"));
		found = strstr(self->out, "\"address\":\"127.0.0.7\"") &&
			strstr(self->out, "\"dhcp\"");
	}
	EXPECT_TRUE(found) {
		TH_LOG("%s\n%s", self->out, p->buf);
	}
	ASSERT_EQ(0, CTL(MN, "-j", "mihf", "status"));
	EXPECT_NE(NULL, strstr(self->out, "\"dhcp_found\":1"));

	/* enable = no stops it, yes starts it again */
	snprintf(extra, sizeof(extra), "enable = no\n");
	conf_text(self, MN, extra, text, sizeof(text));
	ASSERT_EQ(0, write_file_atomic(self->conf[MN], text));
	kill(p->pid, SIGHUP);
	EXPECT_TRUE(proc_wait_for(p, "MIH function stopped ([mihf] removed or enable = no)", 5000));
	EXPECT_EQ(1, CTL(MN, "mihf", "status"));
	EXPECT_NE(NULL, strstr(self->err, "the MIH function is not running"));
	p->len = 0;		/* look for the next start only */
	conf_text(self, MN, NULL, text, sizeof(text));
	ASSERT_EQ(0, write_file_atomic(self->conf[MN], text));
	kill(p->pid, SIGHUP);
	EXPECT_TRUE(proc_wait_for(p, "MIH function: listening", 5000));
	EXPECT_TRUE(status_has(self, MN, "\"registered\":true", 5000));
}

TEST_HARNESS_MAIN

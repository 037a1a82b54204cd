// SPDX-License-Identifier: GPL-2.0
/*
 * The real mihsecd binary (build/bin/mihsecd, or $MIHSECD) in the
 * foreground: -t, start-up failures and exit codes, SIGHUP reloads (a bad
 * file keeps the running configuration, a good one replaces it), SIGTERM
 * and SIGINT exit 0 promptly.  Runs with "kernel = optional", so it works
 * whether or not the mihsec module is loaded; the test asks the kernel
 * which case applies and checks the matching log line.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tests/proc.h"

#include "lib/nl.h"
#include "mihsecd/loop.h"

#ifndef MIHSECD_SRC
#define MIHSECD_SRC "daemon"
#endif
#ifndef MIHSECD_BIN
#define MIHSECD_BIN "build/bin/mihsecd"
#endif

#define MS	MD_NSEC_PER_MSEC

static const char *bin(void)
{
	const char *b = getenv("MIHSECD");

	return b && *b ? b : MIHSECD_BIN;
}

/* Is the mihsec generic netlink family there? */
static bool module_loaded(void)
{
	char msg[MIHSEC_NL_ERRMSG_LEN];
	int err = 0;
	struct mihsec_nl *nl = mihsec_nl_open(&err, msg, sizeof(msg));

	mihsec_nl_close(nl);
	return nl != NULL;
}

#define GOOD								\
	"# mihsecd test configuration\n"				\
	"[mihsecd]\n"							\
	"roles = poa\n"							\
	"mihf-id = ar1.test\n"						\
	"kernel = optional\n"						\
	"log-level = info\n"

FIXTURE(d) {
	char dir[64];
	char conf[128];
	char sock[128];
	char want[1024];
	struct proc p;
};

FIXTURE_SETUP(d)
{
	strcpy(self->dir, "/tmp/mihsecd-test-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->conf, sizeof(self->conf), "%s/mihsecd.conf", self->dir);
	snprintf(self->sock, sizeof(self->sock), "%s/control.sock", self->dir);
	setenv("MIHSEC_CONTROL", self->sock, 1);	/* not the host's /run */
	self->p.pid = 0;
	ASSERT_EQ(0, access(bin(), X_OK)) {
		TH_LOG("%s: not built", bin());
	}
}

FIXTURE_TEARDOWN(d)
{
	proc_kill(&self->p);
	unlink(self->conf);
	unlink(self->sock);
	rmdir(self->dir);
}

#define START(...) do {							\
	const char *const _argv[] = { "mihsecd", __VA_ARGS__, NULL };	\
	ASSERT_EQ(0, proc_spawn_exec(&self->p, bin(), _argv));				\
} while (0)

#define SEEN(what, ms) do {						\
	EXPECT_TRUE(proc_wait_for(&self->p, (what), (ms))) {			\
		TH_LOG("no \"%s\" in output:\n%s", (what), self->p.buf);\
	}								\
} while (0)

TEST_F(d, reload_and_terminate)
{
	uint64_t t0;
	int st;

	ASSERT_EQ(0, write_file_atomic(self->conf, GOOD));
	START("-f", "-c", self->conf);
	SEEN("mihsecd: notice: started: roles poa, mihf-id ar1.test, 0 peers, profile v1, suite 1, port 4551, log-level info",
	     5000);
	if (module_loaded())
		SEEN("mihsecd: notice: kernel: ", 10);
	else
		SEEN("mihsecd: warning: the mihsec kernel module is not loaded: running without MIH protection (kernel = optional)",
		     10);

	/* an invalid file: logged with its line, the daemon runs on */
	ASSERT_EQ(0, write_file_atomic(self->conf, GOOD "port = 0\n[peer a]\n"));
	ASSERT_EQ(0, kill(self->p.pid, SIGHUP));
	snprintf(self->want, sizeof(self->want),
		 "mihsecd: error: reload of %s failed; keeping the running configuration\n"
		 "mihsecd: error: %s:7: port: '0' is not an integer in 1..65535\n"
		 "mihsecd: error: %s:8: [peer a]: missing required key 'mihf-id'\n",
		 self->conf, self->conf, self->conf);
	SEEN(self->want, 5000);
	EXPECT_EQ(-1, proc_reap(&self->p, 100));	/* still running */

	/* the same (valid) file again: nothing changes */
	ASSERT_EQ(0, write_file_atomic(self->conf, "\n" GOOD));
	ASSERT_EQ(0, kill(self->p.pid, SIGHUP));
	snprintf(self->want, sizeof(self->want),
		 "mihsecd: notice: configuration %s reloaded: unchanged",
		 self->conf);
	SEEN(self->want, 5000);

	/* a valid, changed file replaces the running one */
	ASSERT_EQ(0, write_file_atomic(self->conf, GOOD
				"[peer is1]\nmihf-id = is1.test\naddress = 2001:db8::1\n"
				"[mihsecd]\n"));
	ASSERT_EQ(0, kill(self->p.pid, SIGHUP));
	snprintf(self->want, sizeof(self->want),
		 "mihsecd: error: %s:10: duplicate section [mihsecd] (first on line 2)",
		 self->conf);
	SEEN(self->want, 5000);
	ASSERT_EQ(0, write_file_atomic(self->conf,
				"[mihsecd]\nroles = poa, is\nmihf-id = ar1.test\n"
				"kernel = optional\nlog-level = debug\n"
				"[peer is1]\nmihf-id = is1.test\naddress = 2001:db8::1\n"
				"[is-link]\ncert = /c.pem\nkey = /k.pem\nca = /a.pem\n"));
	ASSERT_EQ(0, kill(self->p.pid, SIGHUP));
	SEEN("mihsecd: notice: configuration reloaded: roles poa,is, mihf-id ar1.test, 1 peer, profile v1, suite 1, port 4551, log-level debug\n"
	     "mihsecd: info: peer is1: mihf-id is1.test, address 2001:db8::1 port 4551\n",
	     5000);

	/* SIGTERM: exit 0 within a second, SAs left alone */
	t0 = md_now_ns();
	ASSERT_EQ(0, kill(self->p.pid, SIGTERM));
	st = proc_reap(&self->p, 1000);
	EXPECT_LT(md_now_ns() - t0, 1000 * MS);
	ASSERT_NE(-1, st);
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(self->p.buf,
			       "mihsecd: notice: SIGTERM: exiting; SAs stay in the kernel for the next start")) {
		TH_LOG("output:\n%s", self->p.buf);
	}
}

TEST_F(d, sigint_exits_zero)
{
	int st;

	ASSERT_EQ(0, write_file_atomic(self->conf, GOOD));
	START("-f", "-c", self->conf);
	SEEN("started:", 5000);
	ASSERT_EQ(0, kill(self->p.pid, SIGINT));
	st = proc_reap(&self->p, 1000);
	ASSERT_NE(-1, st);
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(self->p.buf, "SIGINT: exiting"));
}

TEST_F(d, module_required)
{
	int st;

	if (module_loaded())
		SKIP(return, "the mihsec module is loaded here");
	ASSERT_EQ(0, write_file_atomic(self->conf,
				"[mihsecd]\nroles = mmt\nmihf-id = mn\n"));
	START("-f", "-c", self->conf);
	st = proc_reap(&self->p, 5000);
	ASSERT_NE(-1, st);
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(3, WEXITSTATUS(st));
	snprintf(self->want, sizeof(self->want),
		 "mihsecd: error: the mihsec kernel module is not loaded (generic netlink family \"mihsec\" not found); load mihsec.ko or set 'kernel = optional' in %s\n",
		 self->conf);
	EXPECT_STREQ(self->want, self->p.buf);
}

TEST_F(d, invalid_config_at_start)
{
	int st;

	ASSERT_EQ(0, write_file_atomic(self->conf, GOOD "suite = 9\n"));
	START("-f", "-c", self->conf);
	st = proc_reap(&self->p, 5000);
	ASSERT_NE(-1, st);
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(1, WEXITSTATUS(st));
	snprintf(self->want, sizeof(self->want),
		 "mihsecd: error: %s:7: suite: '9' is not an integer in 1..4\n"
		 "mihsecd: error: invalid configuration %s: not starting\n",
		 self->conf, self->conf);
	EXPECT_STREQ(self->want, self->p.buf);
}

TEST_F(d, check_mode)
{
	int st;

	/* -t needs no kernel module, whatever "kernel" says */
	ASSERT_EQ(0, write_file_atomic(self->conf,
				"[mihsecd]\nroles = mmt\nmihf-id = mn\n"));
	START("-t", "-c", self->conf);
	st = proc_reap(&self->p, 5000);
	ASSERT_NE(-1, st);
	EXPECT_EQ(0, WEXITSTATUS(st));
	snprintf(self->want, sizeof(self->want),
		 "mihsecd: configuration file %s test is successful\n",
		 self->conf);
	EXPECT_STREQ(self->want, self->p.buf);

	ASSERT_EQ(0, write_file_atomic(self->conf,
				"[mihsecd]\nroles = mmt\nmihf-id = mn\nfoo = 1\n[x]\n"));
	START("-t", "-c", self->conf);
	st = proc_reap(&self->p, 5000);
	ASSERT_NE(-1, st);
	EXPECT_EQ(1, WEXITSTATUS(st));
	snprintf(self->want, sizeof(self->want),
		 "%s:4: unknown key 'foo' in [mihsecd]\n"
		 "%s:5: unknown section [x]\n"
		 "mihsecd: configuration file %s test failed\n",
		 self->conf, self->conf, self->conf);
	EXPECT_STREQ(self->want, self->p.buf);

	START("-c", "/nonexistent/mihsecd.conf", "-t");
	st = proc_reap(&self->p, 5000);
	ASSERT_NE(-1, st);
	EXPECT_EQ(1, WEXITSTATUS(st));
	EXPECT_STREQ("/nonexistent/mihsecd.conf: cannot open: No such file or directory\n"
		     "mihsecd: configuration file /nonexistent/mihsecd.conf test failed\n",
		     self->p.buf);
}

TEST_F(d, example_config_is_valid)
{
	int st;

	START("-t", "-c", MIHSECD_SRC "/mihsecd.conf.example");
	st = proc_reap(&self->p, 5000);
	ASSERT_NE(-1, st);
	EXPECT_EQ(0, WEXITSTATUS(st)) {
		TH_LOG("output:\n%s", self->p.buf);
	}
}

#define USAGE1 "usage: mihsecd [-f] [-c FILE] [-t] [-h] [-V]\n"

TEST_F(d, options)
{
	int st;

	START("-h");
	st = proc_reap(&self->p, 5000);
	ASSERT_NE(-1, st);
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(0, strncmp(self->p.buf, USAGE1, strlen(USAGE1))) {
		TH_LOG("output:\n%s", self->p.buf);
	}

	START("-V");
	st = proc_reap(&self->p, 5000);
	ASSERT_NE(-1, st);
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(0, strncmp(self->p.buf, "mihsecd ", 8));

	START("-x");
	st = proc_reap(&self->p, 5000);
	ASSERT_NE(-1, st);
	EXPECT_EQ(2, WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(self->p.buf, "usage: mihsecd"));

	START("-f", "extra");
	st = proc_reap(&self->p, 5000);
	ASSERT_NE(-1, st);
	EXPECT_EQ(2, WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(self->p.buf, "mihsecd: unexpected argument 'extra'"));
}

TEST_HARNESS_MAIN

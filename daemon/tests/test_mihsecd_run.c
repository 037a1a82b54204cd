// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: md_run() (mihsecd/daemon.c) in-process against the scripted
 * fake kernel (test_ctl_fake.h): the SA count reported at start, exit
 * codes for a missing module and other connection failures, and that
 * start-up and SIGTERM send the kernel nothing but POLICY_GET (SAs are
 * left in place for the next start to adopt).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "mihsecd/daemon.h"
#include "test_ctl_fake.h"

static struct fake *g_fake;
static int g_open_err;
static int g_policy_err;	/* POLICY_GET answered with this error */

static int g_opens;

/* The first open is the command handle; the second (kernel events) is
 * refused, as a kernel without the events group would */
static struct mihsec_nl *fake_open(int *err, char *msg, size_t msglen)
{
	if (g_opens++) {
		*err = -EOPNOTSUPP;
		snprintf(msg, msglen, "fake: no events");
		return NULL;
	}
	if (g_open_err) {
		*err = g_open_err;
		snprintf(msg, msglen, "fake open failure");
		return NULL;
	}
	*err = 0;
	return mihsec_nl_open_io(&g_fake->io, FAKE_FAMILY);
}

static void h_kernel(struct fake *f, struct nlmsghdr *req)
{
	struct genlmsghdr *g = nlmsg_data(req);

	if (g->cmd == MIHSEC_CMD_POLICY_GET && !g_policy_err) {
		fake_send1(f, fake_policy(req, MIHSEC_POLICY_REQUIRE, 4551, 3));
		fake_ack(f, req);
		return;
	}
	if (g->cmd == MIHSEC_CMD_SA_GET && (req->nlmsg_flags & NLM_F_DUMP)) {
		/* two SAs of this daemon (mn1), one of another MIHF */
		struct mihsec_sa_info sa;
		int i;

		for (i = 0; i < 3; i++) {
			fake_sa_info(&sa, i);
			if (i < 2) {
				memcpy(sa.local_id, "mn1", 3);
				sa.local_id_len = 3;
			}
			fake_add(f, fake_sa(req, NLM_F_MULTI, &sa, -1));
		}
		fake_add(f, fake_done(req, 0, 0, NULL));
		fake_flush(f);
		return;
	}
	fake_send1(f, fake_err(req, g_policy_err ? g_policy_err : -EOPNOTSUPP,
			       false, "fake refusal", 0, 0));
}

FIXTURE(run) {
	struct fake f;
	char dir[64];
	char conf[128];
	char logf[128];
	char sock[128];
	char log[8192];
	char want[1024];
};

FIXTURE_SETUP(run)
{
	fake_init(&self->f, h_kernel, self);
	g_fake = &self->f;
	g_open_err = 0;
	g_opens = 0;
	g_policy_err = 0;
	strcpy(self->dir, "/tmp/mihsecd-run-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->conf, sizeof(self->conf), "%s/c.conf", self->dir);
	snprintf(self->logf, sizeof(self->logf), "%s/log", self->dir);
	snprintf(self->sock, sizeof(self->sock), "%s/s", self->dir);
	setenv("MIHSEC_CONTROL", self->sock, 1);	/* not the host's /run */
}

FIXTURE_TEARDOWN(run)
{
	fake_fini(&self->f);
	unlink(self->conf);
	unlink(self->logf);
	unlink(self->sock);
	rmdir(self->dir);
}

static int put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/*
 * md_run() in the foreground with a SIGTERM already pending, stderr
 * captured in self->log.  Returns its exit code.
 */
static int run_once(const char *conf, const char *logf, char *log,
		    size_t loglen)
{
	struct md_opts o = { .foreground = true, .config = conf };
	sigset_t term, old;
	int saved, fd, rc;
	ssize_t n;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &old);
	kill(getpid(), SIGTERM);	/* pending until the loop reads it */

	fflush(stderr);
	saved = dup(2);
	fd = open(logf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	rc = md_run(&o, fake_open);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);

	/* not consumed if md_run() stopped before its loop: discard it */
	{
		struct timespec zero = { 0, 0 };

		while (sigtimedwait(&term, NULL, &zero) == SIGTERM)
			;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);

	fd = open(logf, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, log, loglen - 1);
	log[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return rc;
}

#define RUN() run_once(self->conf, self->logf, self->log, sizeof(self->log))

#define CONF "[mihsecd]\nroles = mmt\nmihf-id = mn1\n"

TEST_F(run, adopts_and_leaves_sas)
{
	ASSERT_EQ(0, put(self->conf, CONF));
	EXPECT_EQ(MD_EXIT_OK, RUN());
	snprintf(self->want, sizeof(self->want),
		 "mihsecd: notice: kernel: 3 SAs present (adopted), MIH port 4551\n"
		 "mihsecd: info: adopted the SA of peer-0 found in the kernel\n"
		 "mihsecd: info: adopted the SA of peer-1 found in the kernel\n"
		 "mihsecd: warning: no kernel events: Operation not supported\n"
		 "mihsecd: info: control socket %s\n"
		 "mihsecd: notice: started: roles mmt, mihf-id mn1, 0 peers, profile v1, suite 1, port 4551, log-level info\n"
		 "mihsecd: notice: SIGTERM: exiting; SAs stay in the kernel for the next start\n",
		 self->sock);
	EXPECT_STREQ(self->want, self->log);
	/* the kernel saw two reads (policy, SA dump): nothing deleted */
	ASSERT_EQ(2, self->f.nreq);
	EXPECT_EQ(MIHSEC_CMD_POLICY_GET, fake_cmd(&self->f, 0));
	EXPECT_EQ(MIHSEC_CMD_SA_GET, fake_cmd(&self->f, 1));
}

TEST_F(run, log_level_from_config)
{
	ASSERT_EQ(0, put(self->conf, CONF "log-level = error\n"));
	EXPECT_EQ(MD_EXIT_OK, RUN());
	EXPECT_STREQ("", self->log);
}

TEST_F(run, module_missing_required)
{
	g_open_err = -ENOENT;
	ASSERT_EQ(0, put(self->conf, CONF));
	EXPECT_EQ(MD_EXIT_NOMODULE, RUN());
	snprintf(self->want, sizeof(self->want),
		 "mihsecd: error: the mihsec kernel module is not loaded (generic netlink family \"mihsec\" not found); load mihsec.ko or set 'kernel = optional' in %s\n",
		 self->conf);
	EXPECT_STREQ(self->want, self->log);
}

TEST_F(run, module_missing_optional)
{
	g_open_err = -ENOENT;
	ASSERT_EQ(0, put(self->conf, CONF "kernel = optional\n"));
	EXPECT_EQ(MD_EXIT_OK, RUN());
	snprintf(self->want, sizeof(self->want),
		 "mihsecd: warning: the mihsec kernel module is not loaded: running without MIH protection (kernel = optional)\n"
		 "mihsecd: info: control socket %s\n"
		 "mihsecd: notice: started: roles mmt, mihf-id mn1, 0 peers, profile v1, suite 1, port 4551, log-level info\n"
		 "mihsecd: notice: SIGTERM: exiting; SAs stay in the kernel for the next start\n",
		 self->sock);
	EXPECT_STREQ(self->want, self->log);
	EXPECT_EQ(0, self->f.nreq);
}

TEST_F(run, other_open_failure_is_fatal_even_if_optional)
{
	g_open_err = -EPERM;
	ASSERT_EQ(0, put(self->conf, CONF "kernel = optional\n"));
	EXPECT_EQ(MD_EXIT_ERROR, RUN());
	EXPECT_STREQ("mihsecd: error: cannot connect to the mihsec kernel module: Operation not permitted: fake open failure\n",
		     self->log);
}

TEST_F(run, policy_get_refused)
{
	g_policy_err = -EPERM;
	ASSERT_EQ(0, put(self->conf, CONF));
	EXPECT_EQ(MD_EXIT_ERROR, RUN());
	EXPECT_STREQ("mihsecd: error: reading the kernel's policy failed: Operation not permitted: fake refusal\n",
		     self->log);
}

TEST_F(run, invalid_config_never_touches_the_kernel)
{
	ASSERT_EQ(0, put(self->conf, CONF "roles = is\n"));
	EXPECT_EQ(MD_EXIT_ERROR, RUN());
	snprintf(self->want, sizeof(self->want),
		 "mihsecd: error: %s:4: duplicate key 'roles' (first on line 2)\n"
		 "mihsecd: error: invalid configuration %s: not starting\n",
		 self->conf, self->conf);
	EXPECT_STREQ(self->want, self->log);
	EXPECT_EQ(0, self->f.nreq);
}

TEST_F(run, check_config)
{
	char *out = NULL, *err = NULL;
	size_t ol = 0, el = 0;
	FILE *o = open_memstream(&out, &ol), *e = open_memstream(&err, &el);

	ASSERT_EQ(0, put(self->conf, CONF));
	EXPECT_EQ(MD_EXIT_OK, md_check_config(self->conf, o, e));
	fflush(o);
	fflush(e);
	snprintf(self->want, sizeof(self->want),
		 "mihsecd: configuration file %s test is successful\n",
		 self->conf);
	EXPECT_STREQ(self->want, out);
	EXPECT_STREQ("", err);
	fclose(o);
	fclose(e);
	free(out);
	free(err);
}

TEST_HARNESS_MAIN

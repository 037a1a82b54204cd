// SPDX-License-Identifier: GPL-2.0
/* the test child processes of proc.h */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mihsecd/loop.h"
#include "tests/proc.h"

#define MS	MD_NSEC_PER_MSEC

static int spawn(struct proc *p, int (*fn)(void *arg), void *arg,
		 const char *path, const char *const argv[])
{
	int fds[2];

	p->pid = 0;
	p->len = 0;
	p->buf[0] = '\0';
	if (pipe2(fds, O_CLOEXEC))
		return -1;
	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (p->pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		if (fn)
			exit(fn(arg));
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	p->out = fds[0];
	fcntl(p->out, F_SETFL, O_NONBLOCK);
	return 0;
}

int proc_spawn_fn(struct proc *p, int (*fn)(void *arg), void *arg)
{
	return spawn(p, fn, arg, NULL, NULL);
}

int proc_spawn_exec(struct proc *p, const char *path,
		    const char *const argv[])
{
	return spawn(p, NULL, NULL, path, argv);
}

bool proc_wait_for(struct proc *p, const char *what, int ms)
{
	uint64_t end = md_now_ns() + (uint64_t)ms * MS;

	for (;;) {
		struct pollfd pfd = { .fd = p->out, .events = POLLIN };
		uint64_t now = md_now_ns();
		ssize_t n;

		p->buf[p->len] = '\0';
		if (what && strstr(p->buf, what))
			return true;
		if (now >= end)
			return false;
		if (poll(&pfd, 1, (int)((end - now) / MS) + 1) <= 0)
			continue;
		n = read(p->out, p->buf + p->len, sizeof(p->buf) - 1 - p->len);
		if (n == 0) {		/* EOF */
			p->buf[p->len] = '\0';
			return what ? strstr(p->buf, what) != NULL : true;
		}
		if (n > 0)
			p->len += (size_t)n;
	}
}

int proc_reap(struct proc *p, int ms)
{
	uint64_t end = md_now_ns() + (uint64_t)ms * MS;
	int st;

	if (p->pid <= 0)
		return 0;
	do {
		if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
			proc_wait_for(p, NULL, 300);	/* the rest */
			close(p->out);
			p->pid = 0;
			return st;
		}
		usleep(2000);
	} while (md_now_ns() < end);
	return -1;
}

void proc_kill(struct proc *p)
{
	if (p->pid <= 0)
		return;
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	close(p->out);
	p->pid = 0;
}

int proc_stop(struct proc *p)
{
	int st;

	if (p->pid <= 0)
		return 0;
	kill(p->pid, SIGTERM);
	st = proc_reap(p, 5000);
	if (st == -1)
		proc_kill(p);
	return st;
}

int write_file_atomic(const char *path, const char *text)
{
	char tmp[320];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	close(fd);
	return rename(tmp, path);
}

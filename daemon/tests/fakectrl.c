// SPDX-License-Identifier: GPL-2.0
/* the fake control socket of fakectrl.h */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fakectrl.h"

static bool match(const char *pattern, const char *cmd)
{
	size_t n = strlen(pattern);

	if (n && pattern[n - 1] == '*')
		return !strncmp(pattern, cmd, n - 1);
	return !strcmp(pattern, cmd);
}

static const char *answer(struct fake *f, const char *cmd,
			  const struct sockaddr_un *from, socklen_t fl)
{
	int i;

	if (f->nlog < FAKE_LOGMAX)
		snprintf(f->log[f->nlog++], sizeof(f->log[0]), "%.127s", cmd);
	if (!strcmp(cmd, "ATTACH")) {
		f->mon = *from;
		f->monlen = fl;
		f->attached = true;
		f->attaches++;
		return "OK\n";
	}
	if (!strcmp(cmd, "DETACH")) {
		f->attached = false;
		return "OK\n";
	}
	if (!strcmp(cmd, "PING"))
		return "PONG\n";
	for (i = 0; i < f->nrules; i++) {
		if (!match(f->rule[i].cmd, cmd))
			continue;
		if (f->rule[i].fail_first) {
			f->rule[i].fail_first--;
			return "FAIL\n";
		}
		return f->rule[i].reply;
	}
	return "UNKNOWN COMMAND\n";
}

static void *fake_thread(void *arg)
{
	struct fake *f = arg;
	char buf[1024];

	while (!atomic_load(&f->stop)) {
		struct pollfd p = { .fd = f->fd, .events = POLLIN };
		struct sockaddr_un from;
		socklen_t fl = sizeof(from);
		const char *reply;
		ssize_t n;

		if (poll(&p, 1, 20) <= 0)
			continue;
		n = recvfrom(f->fd, buf, sizeof(buf) - 1, 0,
			     (struct sockaddr *)&from, &fl);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		pthread_mutex_lock(&f->mu);
		reply = answer(f, buf, &from, fl);
		sendto(f->fd, reply, strlen(reply), 0,
		       (struct sockaddr *)&from, fl);
		pthread_mutex_unlock(&f->mu);
	}
	return NULL;
}

int fake_start(struct fake *f, const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->mu, NULL);
	snprintf(f->path, sizeof(f->path), "%s", path);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path);
	f->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (f->fd < 0 || bind(f->fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -errno;
	return pthread_create(&f->th, NULL, fake_thread, f) ? -EAGAIN : 0;
}

void fake_stop(struct fake *f)
{
	atomic_store(&f->stop, true);
	pthread_join(f->th, NULL);
	close(f->fd);
	unlink(f->path);
	pthread_mutex_destroy(&f->mu);
}

void fake_rule(struct fake *f, const char *cmd, const char *reply,
	       int fail_first)
{
	int i;

	pthread_mutex_lock(&f->mu);
	for (i = 0; i < f->nrules; i++)
		if (!strcmp(f->rule[i].cmd, cmd))
			break;
	if (i < FAKE_RULES) {
		snprintf(f->rule[i].cmd, sizeof(f->rule[i].cmd), "%s", cmd);
		snprintf(f->rule[i].reply, sizeof(f->rule[i].reply), "%s",
			 reply);
		f->rule[i].fail_first = fail_first;
		if (i == f->nrules)
			f->nrules++;
	}
	pthread_mutex_unlock(&f->mu);
}

int fake_event(struct fake *f, const char *line)
{
	char buf[600];
	int ret = -ENOTCONN;

	snprintf(buf, sizeof(buf), "<3>%s", line);
	pthread_mutex_lock(&f->mu);
	if (f->attached &&
	    sendto(f->fd, buf, strlen(buf), 0, (struct sockaddr *)&f->mon,
		   f->monlen) == (ssize_t)strlen(buf))
		ret = 0;
	pthread_mutex_unlock(&f->mu);
	return ret;
}

int fake_count(struct fake *f, const char *cmd)
{
	int i, n = 0;

	pthread_mutex_lock(&f->mu);
	for (i = 0; i < f->nlog; i++)
		n += match(cmd, f->log[i]);
	pthread_mutex_unlock(&f->mu);
	return n;
}

void fake_last(struct fake *f, const char *cmd, char *buf, size_t len)
{
	int i;

	snprintf(buf, len, "%s", "");
	pthread_mutex_lock(&f->mu);
	for (i = f->nlog - 1; i >= 0; i--)
		if (match(cmd, f->log[i])) {
			snprintf(buf, len, "%s", f->log[i]);
			break;
		}
	pthread_mutex_unlock(&f->mu);
}

int fake_attaches(struct fake *f)
{
	int n;

	pthread_mutex_lock(&f->mu);
	n = f->attached ? f->attaches : 0;
	pthread_mutex_unlock(&f->mu);
	return n;
}

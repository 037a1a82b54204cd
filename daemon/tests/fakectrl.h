/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake wpa_supplicant/hostapd control socket for the unit tests, served
 * by a thread: ATTACH/DETACH/PING as the real ones, every other command
 * answered from rules (the reply of the rule whose command matches, else
 * "UNKNOWN COMMAND"), each command logged; events sent to the attached
 * monitor as "<3>LINE".  Shared by test_keysrc_ctrl, test_linkev, test_mihf.
 */
#ifndef MIHSEC_TESTS_FAKECTRL_H
#define MIHSEC_TESTS_FAKECTRL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>

#define FAKE_RULES	8
#define FAKE_LOGMAX	256

struct fake {
	char path[108];
	int fd;
	pthread_t th;
	atomic_bool stop;
	pthread_mutex_t mu;
	struct sockaddr_un mon;
	socklen_t monlen;
	bool attached;
	int attaches;
	struct {
		char cmd[64];	/* "X*" matches every command starting "X" */
		char reply[1024];
		int fail_first;	/* answer FAIL this many times first */
	} rule[FAKE_RULES];
	int nrules;
	char log[FAKE_LOGMAX][128];
	int nlog;
};

/* bind @path (unlinked first) and start serving; 0 or -errno */
int fake_start(struct fake *f, const char *path);
/* the far end goes away (no TERMINATING event unless sent before) */
void fake_stop(struct fake *f);
/* answer @cmd with @reply (after @fail_first FAILs); replaces @cmd's rule */
void fake_rule(struct fake *f, const char *cmd, const char *reply,
	       int fail_first);
/* "<3>@line" to the attached monitor; -ENOTCONN if none */
int fake_event(struct fake *f, const char *line);
/* how many logged commands equal @cmd, or start with @cmd when it ends in '*' */
int fake_count(struct fake *f, const char *cmd);
/* the last logged command matching @cmd as fake_count does, into @buf ("" if none) */
void fake_last(struct fake *f, const char *cmd, char *buf, size_t len);
/* ATTACHes so far if a monitor is attached now, else 0 */
int fake_attaches(struct fake *f);

#endif

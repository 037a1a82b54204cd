/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A child process for the unit tests that run the daemon (forked and
 * exec'd, or forked into a function), its stdout and stderr merged into
 * one pipe that is read into buf.  Shared by test_mihsecd_signals and
 * test_mihsecd_mihf.
 */
#ifndef MIHSEC_TESTS_PROC_H
#define MIHSEC_TESTS_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct proc {
	pid_t pid;
	int out;		/* stdout and stderr, merged */
	char buf[1 << 18];	/* what it printed so far, NUL-terminated */
	size_t len;
};

/* fork; the child (signal mask cleared) runs @fn(@arg) and exits with it */
int proc_spawn_fn(struct proc *p, int (*fn)(void *arg), void *arg);
/* fork and execv(@path, @argv) */
int proc_spawn_exec(struct proc *p, const char *path,
		    const char *const argv[]);
/* read the output for up to @ms; true once @what appeared (NULL: until EOF) */
bool proc_wait_for(struct proc *p, const char *what, int ms);
/* wait up to @ms for the exit: its wait status, or -1 if still running */
int proc_reap(struct proc *p, int ms);
/* SIGTERM, then the exit status within 5 s (else SIGKILL and -1) */
int proc_stop(struct proc *p);
/* SIGKILL and reap */
void proc_kill(struct proc *p);
/* replace @path atomically (write @path.tmp, rename): 0 or -1 */
int write_file_atomic(const char *path, const char *text);

#endif

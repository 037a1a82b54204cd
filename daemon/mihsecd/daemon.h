/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mihsecd: the daemon around the event loop (start, configuration reload,
 * signals, kernel connection).  main.c parses the command line and calls
 * md_check_config() or md_run().
 */
#ifndef MIHSECD_DAEMON_H
#define MIHSECD_DAEMON_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/nl.h"

/* Exit codes (the same meaning as mihsecctl's) */
enum {
	MD_EXIT_OK = 0,
	MD_EXIT_ERROR = 1,	/* bad configuration, runtime failure */
	MD_EXIT_USAGE = 2,
	MD_EXIT_NOMODULE = 3,	/* mihsec.ko not loaded, kernel = require */
};

struct md_opts {
	bool foreground;	/* -f: stay attached, log to stderr */
	const char *config;	/* -c FILE */
};

/* How md_run() connects: mihsec_nl_open() in the program */
typedef struct mihsec_nl *(*md_open_fn)(int *err, char *msg, size_t msglen);

/*
 * -t: validate @path; every problem to @errf, one per line, then a
 * summary line (to @out on success, @errf on failure).  Returns
 * MD_EXIT_OK or MD_EXIT_ERROR.
 */
int md_check_config(const char *path, FILE *out, FILE *errf);

/*
 * Run the daemon until SIGTERM or SIGINT (MD_EXIT_OK) or a fatal error.
 * SIGHUP reloads the configuration.  Logs to stderr if @o->foreground,
 * else to syslog.  Never removes SAs from the kernel.
 */
int md_run(const struct md_opts *o, md_open_fn open);

#endif /* MIHSECD_DAEMON_H */

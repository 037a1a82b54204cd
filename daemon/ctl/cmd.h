/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mihsecctl: running a parsed command against the kernel.
 */
#ifndef MIHSEC_CTL_CMD_H
#define MIHSEC_CTL_CMD_H

#include <stdio.h>

#include "ctl/args.h"
#include "lib/nl.h"

/* How ctl_main() connects: mihsec_nl_open() in the program, fakes in tests */
typedef struct mihsec_nl *(*ctl_open_fn)(int *err, char *msg, size_t msglen);

/*
 * Run the command @a on @nl; output to @out, error messages to @errf.
 * Returns the exit code.  Wipes the keys in @a.
 */
int ctl_run(struct ctl_args *a, struct mihsec_nl *nl, FILE *out, FILE *errf);

/*
 * The whole program: parse @argv, read keys (@in is stdin), connect with
 * @open, run, report.  Returns the exit code (CTL_EXIT_*).
 */
int ctl_main(int argc, char **argv, FILE *in, FILE *out, FILE *errf,
	     ctl_open_fn open);

#endif /* MIHSEC_CTL_CMD_H */

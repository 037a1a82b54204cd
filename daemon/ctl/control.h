/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mihsecctl: the commands mihsecd serves (msk add, msk del, peers, mih
 * send, is query/import/export, handover, mihf status), over
 * its control socket (protocol: mihsecd/ctrl.h).
 */
#ifndef MIHSEC_CTL_CONTROL_H
#define MIHSEC_CTL_CONTROL_H

#include <stdio.h>

#include "ctl/args.h"

/* How long mihsecctl waits for mihsecd's reply, milliseconds */
#define CTL_CONTROL_TIMEOUT_MS	10000
/* ... for mih send, is query, is import/export (the network's answer) */
#define CTL_MIH_TIMEOUT_MS	60000
/* ... for handover without "wait", seconds */
#define CTL_HANDOVER_WAIT	60

/*
 * Run @a (ctl_op_is_daemon()) against mihsecd at ctl_control_path(@a);
 * output to @out, messages to @errf.  Returns the exit code: 0, or
 * CTL_EXIT_ERROR (mihsecd not reachable, it refused, no or a bad reply).
 * The request holding the MSK is wiped; @a is not (ctl_args_wipe()).
 */
int ctl_daemon_run(struct ctl_args *a, FILE *out, FILE *errf);

#endif /* MIHSEC_CTL_CONTROL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecctl: configure the mihsec kernel module (SAs, policy, counters).
 * Everything but main() lives in the other ctl/ files, for the unit tests.
 */
#include <stdio.h>
#include <sys/prctl.h>

#include "ctl/cmd.h"

int main(int argc, char **argv)
{
	/*
	 * Unbuffered stdin: keys read from "-" never sit in a stdio buffer,
	 * and reading stops exactly at the end of each key's line.
	 */
	setvbuf(stdin, NULL, _IONBF, 0);
	/* keys pass through this process: no core dump, no ptrace peeking */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		perror("mihsecctl: prctl(PR_SET_DUMPABLE)");
	return ctl_main(argc, argv, stdin, stdout, stderr, mihsec_nl_open);
}

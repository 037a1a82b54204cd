// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecd: the MIHSec key daemon.  Everything but main() lives in the
 * other mihsecd/ files, for the unit tests.
 */
#include <getopt.h>
#include <stdio.h>
#include <sys/prctl.h>

#include "mihsecd/config.h"
#include "mihsecd/daemon.h"

#define MIHSECD_VERSION	"0.1.0"

static void usage(FILE *f)
{
	fprintf(f,
"usage: mihsecd [-f] [-c FILE] [-t] [-h] [-V]\n"
"  -f       stay in the foreground, log to stderr (default: syslog)\n"
"  -c FILE  configuration file (default " MD_CONF_DEFAULT_PATH ")\n"
"  -t       check the configuration file and exit (0 valid, 1 not)\n"
"  -h       this help\n"
"  -V       print the version\n");
}

int main(int argc, char **argv)
{
	struct md_opts o = { .config = MD_CONF_DEFAULT_PATH };
	bool test = false;
	int c;

	/* keys will live in this process: no core dumps, no ptrace by peers */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		perror("mihsecd: prctl(PR_SET_DUMPABLE)");
		return MD_EXIT_ERROR;
	}
	while ((c = getopt(argc, argv, "fc:thV")) != -1) {
		switch (c) {
		case 'f':
			o.foreground = true;
			break;
		case 'c':
			o.config = optarg;
			break;
		case 't':
			test = true;
			break;
		case 'h':
			usage(stdout);
			return MD_EXIT_OK;
		case 'V':
			printf("mihsecd %s (generic netlink family %s, version %d)\n",
			       MIHSECD_VERSION, MIHSEC_GENL_NAME,
			       MIHSEC_GENL_VERSION);
			return MD_EXIT_OK;
		default:
			usage(stderr);
			return MD_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mihsecd: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return MD_EXIT_USAGE;
	}
	if (test)
		return md_check_config(o.config, stdout, stderr);
	return md_run(&o, mihsec_nl_open);
}

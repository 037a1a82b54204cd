// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: mihsecctl's command-line parser (ctl/args.c).  The input is
 * split on NUL and newline octets into words (at most 64), each a
 * separate exact-size heap string, and given to ctl_parse() after the
 * program name "mihsecctl".  Each word also goes through ctl_mih_tlv(),
 * ctl_parse_mac() and ctl_net_type_bit(), the first four ctl_ie_type().
 * Invariants: ctl_parse() returns CTL_EXIT_OK or CTL_EXIT_USAGE (then
 * with a message), the messages are terminated, ctl_mih_tlv()'s output
 * is "T=HEX" when it succeeds.
 */
#include "fuzz.h"

#include "ctl/args.h"

#define MAXARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_args a;
	char *argv[MAXARGS + 2];
	char err[512], out[1024];
	size_t start = 0;
	int argc = 1, rc;

	argv[0] = fuzz_strdup((const uint8_t *)"mihsecctl", 9);
	for (size_t i = 0; i <= size && argc <= MAXARGS; i++) {
		if (i < size && data[i] != '\0' && data[i] != '\n')
			continue;
		argv[argc++] = fuzz_strdup(data + start, i - start);
		start = i + 1;
	}
	argv[argc] = NULL;

	for (int i = 1; i < argc; i++) {
		uint8_t mac[6];

		rc = ctl_mih_tlv(argv[i], out, sizeof(out), err, sizeof(err));
		FUZZ_CHECK(rc == 0 || rc == -1);
		if (rc == 0) {
			FUZZ_CHECK(memchr(out, '\0', sizeof(out)) != NULL);
			FUZZ_CHECK(strchr(out, '=') != NULL);
			FUZZ_CHECK(strspn(out, "0123456789") ==
				   (size_t)(strchr(out, '=') - out));
			FUZZ_CHECK(strspn(strchr(out, '=') + 1,
					  "0123456789abcdefABCDEF") ==
				   strlen(strchr(out, '=') + 1));
		} else {
			FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		}
		ctl_parse_mac(argv[i], mac);
		if (i <= 4)	/* a table scan per call: keep it fast */
			ctl_ie_type(argv[i]);
		FUZZ_CHECK(ctl_net_type_bit(argv[i]) >= -1);
	}

	rc = ctl_parse(argc, argv, &a, err, sizeof(err));
	FUZZ_CHECK(rc == CTL_EXIT_OK || rc == CTL_EXIT_USAGE);
	FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc == CTL_EXIT_USAGE)
		FUZZ_CHECK(err[0] != '\0');
	else
		ctl_control_path(&a);
	ctl_args_wipe(&a);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}

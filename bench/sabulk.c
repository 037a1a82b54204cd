// SPDX-License-Identifier: GPL-2.0
/*
 * sabulk: install N filler SAs (distinct key IDs and peers) in the current
 * namespace through the project's netlink client, for bench/run's
 * table-size figures.  sabulk FIRST COUNT [SUITE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/nl.h"

int main(int argc, char **argv)
{
	struct mihsec_sa_cfg c;
	struct mihsec_nl *nl;
	unsigned int first, n, i, suite = MIHSEC_SUITE_AES128_GCM;
	char msg[256];
	int err;

	if (argc != 3 && argc != 4)
		return 2;
	if (argc == 4)
		suite = strtoul(argv[3], NULL, 0);
	first = strtoul(argv[1], NULL, 0);
	n = strtoul(argv[2], NULL, 0);
	nl = mihsec_nl_open(&err, msg, sizeof(msg));
	if (!nl) {
		fprintf(stderr, "sabulk: %s\n", msg);
		return 1;
	}
	for (i = first; i < first + n; i++) {
		memset(&c, 0, sizeof(c));
		c.local_id_len = snprintf((char *)c.local_id, 32, "ar1");
		c.peer_id_len = snprintf((char *)c.peer_id, 32, "filler-%u", i);
		c.role = MIHSEC_ROLE_NETWORK;
		memcpy(c.rx_keyid, "fil", 3);
		memcpy(c.rx_keyid + 4, &i, 4);
		memcpy(c.tx_keyid, "FIL", 3);
		memcpy(c.tx_keyid + 4, &i, 4);
		c.has_suite = true;
		c.suite = suite;
		c.tx_key_len = c.rx_key_len =
			suite == 2 || suite == 3 ? 32 : 16;
		if (suite == 4) {
			c.has_ikeys = true;
			memset(c.tx_ikey, i + 2, sizeof(c.tx_ikey));
			memset(c.rx_ikey, i + 3, sizeof(c.rx_ikey));
		}
		memset(c.tx_key, i, c.tx_key_len);
		memset(c.rx_key, i + 1, c.rx_key_len);
		err = mihsec_nl_sa_add(nl, &c);
		mihsec_sa_cfg_wipe(&c);
		if (err) {
			fprintf(stderr, "sabulk: SA %u: %s\n", i, mihsec_nl_errmsg(nl));
			return 1;
		}
	}
	mihsec_nl_close(nl);
	return 0;
}

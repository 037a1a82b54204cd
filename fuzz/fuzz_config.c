// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: mihsecd's configuration parser (mihsecd/config.c, libinih
 * underneath) on arbitrary file contents given through fmemopen().
 *  - md_config_load() never crashes; it returns a configuration or NULL
 *    with at least one error message (each a C string);
 *  - a configuration loads the same twice (md_config_equal()), and every
 *    name helper copes with what it holds.
 */
#include "fuzz.h"

#include "mihsecd/config.h"

static struct md_config *load(const char *text, size_t len,
			      struct md_errors *errs)
{
	struct md_config *cfg;
	FILE *f;

	memset(errs, 0, sizeof(*errs));
	f = fmemopen((void *)text, len, "r");
	FUZZ_CHECK(f != NULL);
	cfg = md_config_load("fuzz.conf", f, errs);
	fclose(f);
	return cfg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct md_errors errs, errs2;
	struct md_config *cfg, *again;
	char *text, buf[256];

	if (size == 0)
		return 0;	/* fmemopen() refuses a zero-size buffer */
	text = fuzz_strdup(data, size);
	cfg = load(text, size, &errs);
	if (!cfg) {
		FUZZ_CHECK(errs.n > 0 || errs.dropped > 0);
		for (size_t i = 0; i < errs.n; i++)
			FUZZ_CHECK(strlen(errs.msg[i]) < 65536);
	} else {
		again = load(text, size, &errs2);
		FUZZ_CHECK(again != NULL);
		FUZZ_CHECK(md_config_equal(cfg, again));
		md_config_free(again);
		md_errors_clear(&errs2);
		md_roles_str(cfg->roles, buf, sizeof(buf));
		md_mihf_enabled(cfg);
		for (size_t i = 0; i < cfg->npeers; i++)
			md_peer_addr_str(&cfg->peers[i], buf, sizeof(buf));
	}
	md_config_free(cfg);
	md_errors_clear(&errs);
	free(text);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the wpa_supplicant / hostapd control-interface text parsers.
 * Every input goes through all of them:
 *  - md_ctrl_line() (datagram -> line), then on that line and on the raw
 *    text: md_wpa_parse_event(), md_hapd_parse_event(), linkev_wpa_parse()
 *    (keys/wpa.c, keys/hostapd.c, mihf/linkev.c);
 *  - on the raw text as a reply: md_wpa_pmksa_find(), md_hapd_parse_pmk(),
 *    md_ctrl_kv(), linkev_scan_parse(), md_ctrl_parse_mac(),
 *    md_ctrl_parse_pmk() (keys/ctrl.c).
 * Invariants: results in range (a MAC parse uses 17 characters, a scan
 * stores at most max entries), PMK outputs zeroed on failure, a parsed MAC
 * prints back to the same text (either case).
 */
#include <errno.h>
#include <strings.h>

#include "fuzz.h"

#include "keys/ctrl.h"
#include "keys/hostapd.h"
#include "keys/wpa.h"
#include "mihf/linkev.h"

static const uint8_t zero[MIHSEC_MSK_LEN];

static void lines(const char *line)
{
	struct md_wpa_ev wev;
	struct md_hapd_ev hev;
	struct linkev_event lev;
	int rc;

	rc = md_wpa_parse_event(line, &wev);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	rc = md_hapd_parse_event(line, &hev);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	memset(&lev, 0, sizeof(lev));
	rc = linkev_wpa_parse(line, &lev);
	FUZZ_CHECK(rc == -EINVAL || (rc >= 0 && rc <= LINKEV_WPA_RECOVERED));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t aa[MIHSEC_MAC_LEN] = { 2, 0, 0, 0, 1, 0 };
	uint8_t pmk[MIHSEC_MSK_LEN], mac[MIHSEC_MAC_LEN];
	struct linkev_det det[8];
	char *text = fuzz_strdup(data, size);
	char out[512], val[64], str[MD_MAC_STR];
	const char *line;
	int rc;

	line = md_ctrl_line((const char *)data, size, out, sizeof(out));
	if (line) {
		FUZZ_CHECK(line >= out && line < out + sizeof(out));
		FUZZ_CHECK(strlen(line) < sizeof(out));
		lines(line);
	}
	lines(text);

	rc = md_wpa_pmksa_find(text, aa, pmk);
	FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EIO || rc == -EINVAL);
	if (rc)
		FUZZ_CHECK(!memcmp(pmk, zero, sizeof(pmk)));
	rc = md_hapd_parse_pmk(text, pmk);
	FUZZ_CHECK(rc == 0 || rc == -EIO || rc == -ENODATA || rc == -EINVAL);
	if (rc)
		FUZZ_CHECK(!memcmp(pmk, zero, sizeof(pmk)));
	rc = md_ctrl_parse_pmk(text, size, pmk);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	if (rc)
		FUZZ_CHECK(!memcmp(pmk, zero, sizeof(pmk)));

	rc = md_ctrl_kv(text, "wpa_state", val, sizeof(val));
	FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -E2BIG);
	if (rc == 0)
		FUZZ_CHECK(strlen(val) < sizeof(val));
	rc = md_ctrl_kv(text, "bssid", val, 4);
	FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -E2BIG);

	rc = linkev_scan_parse(text, det, sizeof(det) / sizeof(det[0]));
	FUZZ_CHECK(rc == -EINVAL ||
		   (rc >= 0 && (size_t)rc <= sizeof(det) / sizeof(det[0])));
	for (int i = 1; i < rc; i++)
		FUZZ_CHECK(det[i - 1].signal_dbm >= det[i].signal_dbm);
	for (int i = 0; i < rc; i++)
		FUZZ_CHECK(det[i].ssid_len <= LINKEV_SSID_MAX);

	rc = md_ctrl_parse_mac(text, mac);
	FUZZ_CHECK(rc == 17 || rc == -EINVAL);
	if (rc == 17) {
		md_mac_str(mac, str);
		FUZZ_CHECK(strncasecmp(str, text, 17) == 0);
	}
	free(text);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the MIHSec open path, userspace twin lib/seal.c of the
 * kernel's parser/verifier (the same PROTOCOL.md section 5 checks; the two
 * agree on the cross-implementation known-answer vectors of make check's
 * kat and unit stages).  Input: octet 0 picks the suite (1-4) and the open
 * parameters (role, require_encrypt, identities), the rest is a PDU.
 *  - mihsec_parse() and mihsec_open() with a fixed test key of that suite
 *    never crash; errors are negative and known to mihsec_strerror();
 *  - open succeeds only for genuinely sealed input: a success re-seals
 *    (same sequence, flags and IV) to exactly the input, and its output
 *    is a plain PDU;
 *  - when the rest parses as a plain MIH PDU, seal (sequence and flags from
 *    octet 0 and the length) then open gives it back, octet for octet.
 * Seeds: with MIHSEC_FUZZ_SEAL_FROM=DIR (plain PDUs) and
 * MIHSEC_FUZZ_SEAL_TO=DIR set, the harness seals every plain PDU with each
 * suite's test key and each E/D into TO (selector octet first) and exits.
 */
#include <dirent.h>
#include "fuzz.h"

#include "lib/mih.h"
#include "lib/seal.h"

static struct mihsec_key keys[5];

static void init_keys(void)
{
	static const uint8_t keyid[MIHSEC_KEYID_LEN] = "fuzzkey1";
	static const uint8_t salt[MIHSEC_SALT_LEN] = { 1, 2, 3, 4 };
	uint8_t key[MIHSEC_KEY_MAX], ikey[MIHSEC_IKEY_LEN];

	for (unsigned int i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x40 + i);
	for (unsigned int i = 0; i < sizeof(ikey); i++)
		ikey[i] = (uint8_t)(0x80 + i);
	for (uint8_t s = 1; s <= 4; s++)
		FUZZ_CHECK(mihsec_key_set(&keys[s], s, key,
					  mihsec_suite_key_len(s),
					  s == 4 ? ikey : NULL, s == 4 ? 32 : 0,
					  s == 4 ? NULL : salt, keyid) == 0);
}

static uint8_t out[MIH_PDU_MAX + 64], again[MIH_PDU_MAX + 128];

static void check_open_success(const struct mihsec_key *k, const uint8_t *in,
			       size_t in_len, size_t out_len,
			       const struct mihsec_sec *sec)
{
	struct mihsec_seal_params sp = {
		.seq = sec->seq, .flags = sec->flags, .iv = sec->iv,
	};
	struct mih_pdu pdu;
	size_t n = 0;

	FUZZ_CHECK(mih_pdu_parse(out, out_len, &pdu) == 0);
	FUZZ_CHECK(mihsec_seal(k, &sp, out, out_len, again, sizeof(again),
			       &n) == 0);
	FUZZ_CHECK(n == in_len);
	FUZZ_CHECK(memcmp(again, in, n) == 0);
}

static void check_seal_open(const struct mihsec_key *k, uint8_t sel,
			    const uint8_t *plain, size_t len)
{
	static uint8_t sealed[MIH_PDU_MAX + 128];
	struct mihsec_seal_params sp = {
		.seq = 1 + (uint64_t)len * 0x9e3779b97f4a7c15ULL % MIHSEC_SEQ_MAX,
		.flags = (sel >> 2) & MIHSEC_WIRE_F_ALL,
	};
	size_t n = 0, m = 0;
	int rc;

	rc = mihsec_seal(k, &sp, plain, len, sealed, sizeof(sealed), &n);
	if (rc == MIHSEC_E_NOT_PLAIN || rc == MIHSEC_E_TOO_BIG)
		return;
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(n <= mihsec_seal_size_max(k->suite, sp.flags, len));
	rc = mihsec_open(k, NULL, sealed, n, out, sizeof(out), &m, NULL);
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(m == len);
	FUZZ_CHECK(memcmp(out, plain, len) == 0);
	/* one flipped octet of the sealed PDU must not open */
	sealed[(len * 31) % n] ^= 0x01;
	FUZZ_CHECK(mihsec_open(k, NULL, sealed, n, out, sizeof(out), &m,
			       NULL) != 0);
}

static void seal_seeds(const char *from, const char *to)
{
	static uint8_t plain[MIH_PDU_MAX], sealed[MIH_PDU_MAX + 128];
	char path[4096];
	struct dirent *de;
	DIR *d = opendir(from);
	FILE *f;
	size_t len, n;
	int count = 0;

	FUZZ_CHECK(d != NULL);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", from, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		len = fread(plain, 1, sizeof(plain), f);
		fclose(f);
		for (uint8_t s = 1; s <= 4; s++) {
			for (uint8_t fl = 0; fl <= MIHSEC_WIRE_F_ALL; fl++) {
				struct mihsec_seal_params sp = {
					.seq = 1 + count, .flags = fl,
				};

				if (mihsec_seal(&keys[s], &sp, plain, len,
						sealed + 1, sizeof(sealed) - 1,
						&n))
					continue;
				sealed[0] = (uint8_t)((s - 1) | fl << 2);
				snprintf(path, sizeof(path), "%s/%s-s%u-f%u",
					 to, de->d_name, s, fl);
				f = fopen(path, "wb");
				FUZZ_CHECK(f != NULL);
				FUZZ_CHECK(fwrite(sealed, 1, n + 1, f) == n + 1);
				fclose(f);
				count++;
			}
		}
	}
	closedir(d);
	fprintf(stderr, "fuzz_seal_open: %d sealed seeds in %s\n", count, to);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *from = getenv("MIHSEC_FUZZ_SEAL_FROM");
	const char *to = getenv("MIHSEC_FUZZ_SEAL_TO");

	(void)argc;
	(void)argv;
	init_keys();
	if (from && to) {
		seal_seeds(from, to);
		exit(0);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mihsec_open_params op;
	const struct mihsec_key *k;
	struct mihsec_sec sec;
	struct mih_pdu pdu;
	size_t len, out_len = 0;
	uint8_t sel, *in;
	int rc;

	if (size < 1)
		return 0;
	sel = data[0];
	len = size - 1;
	in = fuzz_memdup(data + 1, len);
	k = &keys[1 + (sel & 3)];

	rc = mihsec_parse(in, len, &sec);
	FUZZ_CHECK(rc <= 0 && mihsec_strerror(rc) != NULL);

	memset(&op, 0, sizeof(op));
	op.role = (sel >> 4) % 3;
	op.require_encrypt = sel & 0x40;
	if ((sel & 0x80) && rc != MIHSEC_E_MALFORMED) {
		/* identities from the PDU itself when it framed */
		op.peer_id = sec.pdu.src_id;
		op.peer_id_len = sec.pdu.src_id_len;
		op.local_id = sec.pdu.dst_id;
		op.local_id_len = sec.pdu.dst_id_len;
	}
	memset(&sec, 0, sizeof(sec));
	rc = mihsec_open(k, &op, in, len, out, len, &out_len, &sec);
	FUZZ_CHECK(rc <= 0 && mihsec_strerror(rc) != NULL);
	if (rc == 0)
		check_open_success(k, in, len, out_len, &sec);

	if (mih_pdu_parse(in, len, &pdu) == 0)
		check_seal_open(k, sel, in, len);
	free(in);
	return 0;
}

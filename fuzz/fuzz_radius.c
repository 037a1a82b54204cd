// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the RADIUS client's packet parsing (keys/radius.c):
 * md_radius_check_packet(), md_radius_verify_reply(),
 * md_radius_recv_key() (MS-MPPE-Recv-Key decryption, RFC 2548) and
 * md_radius_parse_mac().  Octet 0 of the input selects:
 *   bit 0  sign the packet first: Length field set, Message-Authenticator
 *          (if exactly one of 18 octets) and Response Authenticator computed
 *          with the test secret, so that fuzzed attributes reach
 *          md_radius_recv_key() behind a verifying signature
 *   bit 1  need_ma
 *   bit 2  suffix_ok for md_radius_parse_mac() on the same octets
 * Invariants: return values in their documented sets; a malformed packet
 * never verifies; a signed well-formed Access-Accept/-Reject/-Challenge
 * with one Message-Authenticator verifies; the MSK is wiped on failure.
 * The secret and Request Authenticator are those of the real hostapd
 * Access-Accept in tests/test_radius.c (the seed corpus holds it).
 */
#include <errno.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fuzz.h"

#include "keys/radius.h"

static const uint8_t secret[] = "srvsecret";
#define SECRET_LEN	9
static const uint8_t rqa[MD_RADIUS_AUTH_LEN] = {
	0xc0, 0x95, 0x5d, 0x2e, 0x78, 0xf3, 0x45, 0x07,
	0x92, 0xa2, 0xc5, 0xeb, 0xbd, 0xc2, 0x28, 0x7d,
};

/* Number of Message-Authenticators; *ma_off the value of the last one
 * if it is 18 octets long (0 otherwise) */
static int find_ma(const uint8_t *p, size_t len, size_t *ma_off)
{
	size_t o = 20;
	int n = 0;

	*ma_off = 0;
	while (o + 2 <= len && p[o + 1] >= 2 && o + p[o + 1] <= len) {
		if (p[o] == 80) {
			n++;
			*ma_off = p[o + 1] == 18 ? o + 2 : 0;
		}
		o += p[o + 1];
	}
	return n;
}

static void sign(uint8_t *p, size_t len)
{
	unsigned int mdlen = 16;
	uint8_t md[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *ctx;
	size_t ma;

	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	memcpy(p + 4, rqa, sizeof(rqa));
	if (find_ma(p, len, &ma) == 1 && ma) {
		memset(p + ma, 0, 16);
		FUZZ_CHECK(HMAC(EVP_md5(), secret, SECRET_LEN, p, len, md,
				&mdlen) != NULL);
		memcpy(p + ma, md, 16);
	}
	ctx = EVP_MD_CTX_new();
	FUZZ_CHECK(ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) &&
		   EVP_DigestUpdate(ctx, p, len) &&
		   EVP_DigestUpdate(ctx, secret, SECRET_LEN) &&
		   EVP_DigestFinal_ex(ctx, md, &mdlen));
	EVP_MD_CTX_free(ctx);
	memcpy(p + 4, md, 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zero[MIHSEC_MSK_LEN];
	uint8_t msk[MIHSEC_MSK_LEN], mac[MIHSEC_MAC_LEN], sel, *p;
	size_t len, ma;
	int chk, rc;

	if (size < 1)
		return 0;
	sel = data[0];
	len = size - 1;
	p = fuzz_memdup(data + 1, len);

	rc = md_radius_parse_mac((const char *)p, len, sel & 4, mac);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);

	if ((sel & 1) && len >= 20 && len <= 4096)
		sign(p, len);
	chk = md_radius_check_packet(p, len);
	FUZZ_CHECK(chk == 0 || chk == -EBADMSG);
	rc = md_radius_verify_reply(p, len, rqa, secret, SECRET_LEN, sel & 2);
	FUZZ_CHECK(rc == 0 || rc == -EBADMSG || rc == -EPERM);
	if (chk)
		FUZZ_CHECK(rc == -EBADMSG);
	if ((sel & 1) && !chk && (p[0] == 2 || p[0] == 3 || p[0] == 11) &&
	    find_ma(p, len, &ma) == 1 && ma)
		FUZZ_CHECK(rc == 0);
	if (rc == 0) {
		memset(msk, 0xa5, sizeof(msk));
		rc = md_radius_recv_key(p, len, rqa, secret, SECRET_LEN, msk);
		FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EBADMSG);
		if (rc)
			FUZZ_CHECK(!memcmp(msk, zero, sizeof(msk)));
	}
	free(p);
	return 0;
}

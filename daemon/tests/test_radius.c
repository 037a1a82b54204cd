// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the RADIUS key source (keys/radius.c):
 *  - the packet code on packets built here by an independent encoder (its
 *    own RFC 2548 2.4.2 encryption, RFC 2865 Response Authenticator and
 *    RFC 3579 Message-Authenticator, on OpenSSL one-shot calls): the key
 *    comes out of a good Access-Accept; every hostile variant (wrong key
 *    length, bad length byte or padding, salt without its high bit, two
 *    Recv-Keys, truncated and zero/one/overflowing lengths, wrong
 *    authenticators or secret, missing or doubled Message-Authenticator,
 *    oversize and undersize packets, every single-octet corruption and
 *    every truncation of a good Accept) is refused, without a crash
 *    (ASan/UBSan);
 *  - a real Access-Accept from hostapd's RADIUS server (captured), whose
 *    key eapol_test printed;
 *  - Calling/Called-Station-Id parsing;
 *  - the relay over loopback UDP with a fake client and a fake AAA server
 *    on the relay's own event loop: requests and replies cross
 *    byte-identical, one MIHSEC_KEY_UP per Accept (not again for the
 *    server's answer to a retransmission), none for Reject/Challenge,
 *    unknown identifiers and forged replies dropped, the table bound and
 *    expiry, per-side secrets (the relay re-signs both ways), and random
 *    datagrams at both sockets.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"

#include <openssl/evp.h>

#include "keys/radius.h"
#include "lib/hex.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

/* ------------------------------------------------------------------ */
/* An independent encoder */

#define MAXB	8192

struct pk {
	uint8_t b[MAXB];
	size_t len;
};

static const uint8_t SECRET[] = "testing123";
#define SECRET_LEN	(sizeof(SECRET) - 1)

static void t_md5(uint8_t out[16], const uint8_t *a, size_t an,
		  const uint8_t *b, size_t bn, const uint8_t *c, size_t cn)
{
	uint8_t tmp[MAXB * 2];
	unsigned int ol;

	memcpy(tmp, a, an);
	if (bn)
		memcpy(tmp + an, b, bn);
	if (cn)
		memcpy(tmp + an + bn, c, cn);
	if (EVP_Digest(tmp, an + bn + cn, out, &ol, EVP_md5(), NULL) != 1)
		abort();
}

static void t_hmac(uint8_t out[16], const uint8_t *key, size_t kn,
		   const uint8_t *d, size_t dn)
{
	size_t ol;

	if (!EVP_Q_mac(NULL, "HMAC", NULL, "MD5", NULL, key, kn, d, dn, out,
		       16, &ol))
		abort();
}

static void pk_init(struct pk *p, uint8_t code, uint8_t id,
		    const uint8_t auth[16])
{
	memset(p, 0, sizeof(*p));
	p->b[0] = code;
	p->b[1] = id;
	if (auth)
		memcpy(p->b + 4, auth, 16);
	p->len = 20;
	p->b[3] = 20;
}

static void pk_setlen(struct pk *p)
{
	p->b[2] = (uint8_t)(p->len >> 8);
	p->b[3] = (uint8_t)p->len;
}

/* append an attribute; the offset of its value */
static size_t pk_attr(struct pk *p, uint8_t type, const void *v, size_t n)
{
	size_t off = p->len + 2;

	p->b[p->len] = type;
	p->b[p->len + 1] = (uint8_t)(n + 2);
	if (n)
		memcpy(p->b + off, v, n);
	p->len += n + 2;
	pk_setlen(p);
	return off;
}

static size_t pk_ma(struct pk *p)
{
	static const uint8_t z[16];

	return pk_attr(p, 80, z, 16);
}

/* RFC 3579 3.2 then RFC 2865 3 with the request's authenticator */
static void t_sign_reply(struct pk *p, const uint8_t req_auth[16],
			 const uint8_t *sec, size_t sn, size_t ma_off)
{
	uint8_t ra[16];

	memcpy(p->b + 4, req_auth, 16);
	if (ma_off) {
		memset(p->b + ma_off, 0, 16);
		t_hmac(p->b + ma_off, sec, sn, p->b, p->len);
	}
	t_md5(ra, p->b, p->len, sec, sn, NULL, 0);
	memcpy(p->b + 4, ra, 16);
}

static void t_sign_request(struct pk *p, const uint8_t *sec, size_t sn,
			   size_t ma_off)
{
	memset(p->b + ma_off, 0, 16);
	t_hmac(p->b + ma_off, sec, sn, p->b, p->len);
}

/* the same check, independently: 0 if @p is a good reply */
static int t_verify_reply(const struct pk *p, const uint8_t req_auth[16],
			  const uint8_t *sec, size_t sn, size_t ma_off)
{
	struct pk q = *p;
	uint8_t ra[16], ma[16];

	memcpy(q.b + 4, req_auth, 16);
	t_md5(ra, q.b, q.len, sec, sn, NULL, 0);
	if (memcmp(ra, p->b + 4, 16))
		return -1;
	if (ma_off) {
		memset(q.b + ma_off, 0, 16);
		t_hmac(ma, sec, sn, q.b, q.len);
		if (memcmp(ma, p->b + ma_off, 16))
			return -2;
	}
	return 0;
}

/* RFC 2548 2.4.2, written from the RFC text: P is the whole plaintext */
static void t_mppe_crypt(uint8_t *c, const uint8_t *pl, size_t n,
			 const uint8_t salt[2], const uint8_t req_auth[16],
			 const uint8_t *sec, size_t sn, bool dec)
{
	uint8_t b[16], ra_salt[18], prev[16];
	size_t i, j;

	memcpy(ra_salt, req_auth, 16);
	memcpy(ra_salt + 16, salt, 2);
	for (i = 0; i < n; i += 16) {
		if (!i)
			t_md5(b, sec, sn, ra_salt, 18, NULL, 0);
		else
			t_md5(b, sec, sn, prev, 16, NULL, 0);
		for (j = 0; j < 16; j++)
			c[i + j] = pl[i + j] ^ b[j];
		memcpy(prev, dec ? pl + i : c + i, 16);
	}
}

/*
 * Append a vendor-311 attribute @type holding Salt + the encryption of
 * the plaintext @pl (@n octets, any length the test wants)
 */
static size_t t_add_ms(struct pk *p, uint8_t type, const uint8_t salt[2],
		       const uint8_t *pl, size_t n, const uint8_t req_auth[16],
		       const uint8_t *sec, size_t sn)
{
	uint8_t v[255];

	v[0] = 0;
	v[1] = 0;
	v[2] = 311 >> 8;
	v[3] = 311 & 0xff;
	v[4] = type;
	v[5] = (uint8_t)(2 + 2 + n);
	v[6] = salt[0];
	v[7] = salt[1];
	t_mppe_crypt(v + 8, pl, n, salt, req_auth, sec, sn, false);
	return pk_attr(p, 26, v, 8 + n);
}

/* Key-Length 32, Key, zero padding to 48 */
static void t_plain(uint8_t pl[48], const uint8_t key[32])
{
	memset(pl, 0, 48);
	pl[0] = 32;
	memcpy(pl + 1, key, 32);
}

static const uint8_t RQA[16] = {
	0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f, 0x70, 0x81,
	0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8, 0x09,
};
static const uint8_t SALT[2] = { 0x83, 0x21 };
static const uint8_t SALT2[2] = { 0x85, 0x07 };

static void t_key(uint8_t key[32], uint8_t seed)
{
	int i;

	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)(seed + 7 * i);
}

static const uint8_t EAP_SUCCESS[] = { 3, 9, 0, 4 };

/*
 * A good Access-Accept to @rqa: EAP-Message, Send-Key, Recv-Key, M-A.
 * *ma gets the M-A offset.
 */
static void good_accept(struct pk *p, uint8_t id, const uint8_t rqa[16],
			const uint8_t key[32], const uint8_t *sec, size_t sn,
			size_t *ma)
{
	uint8_t pl[48], send_key[32];
	size_t m;

	t_key(send_key, 0x99);
	pk_init(p, 2, id, NULL);
	pk_attr(p, 79, EAP_SUCCESS, sizeof(EAP_SUCCESS));
	m = pk_ma(p);
	t_plain(pl, send_key);
	t_add_ms(p, 16, SALT2, pl, 48, rqa, sec, sn);
	t_plain(pl, key);
	t_add_ms(p, 17, SALT, pl, 48, rqa, sec, sn);
	pk_attr(p, 1, "user", 4);
	t_sign_reply(p, rqa, sec, sn, m);
	if (ma)
		*ma = m;
}

static int take(const struct pk *p, const uint8_t rqa[16], uint8_t msk[32])
{
	int err = md_radius_verify_reply(p->b, p->len, rqa, SECRET, SECRET_LEN,
					 true);

	if (err)
		return err;
	return md_radius_recv_key(p->b, p->len, rqa, SECRET, SECRET_LEN, msk);
}

/* ------------------------------------------------------------------ */
/* The packet code */

TEST(accept_gives_recv_key)
{
	uint8_t key[32], msk[32];
	struct pk p;

	t_key(key, 0x31);
	good_accept(&p, 7, RQA, key, SECRET, SECRET_LEN, NULL);
	ASSERT_EQ(0, md_radius_check_packet(p.b, p.len));
	ASSERT_EQ(0, take(&p, RQA, msk));
	ASSERT_EQ(0, memcmp(msk, key, 32));
	/* the independent checker agrees the packet is well signed */
	ASSERT_EQ(0, t_verify_reply(&p, RQA, SECRET, SECRET_LEN, 0));
}

/*
 * A real exchange: hostapd 2.10 (Debian 2:2.10-12) as RADIUS server
 * (eap_server=1), eapol_test as authenticator, EAP-PEAP/MSCHAPv2, shared
 * secret "srvsecret", captured with tcpdump on loopback: the
 * authenticator of the last Access-Request (id 8) and the Access-Accept
 * that answered it, as sent; eapol_test printed the key as
 * "MS-MPPE-Recv-Key (crypt) - hexdump(len=32): 8b d7 f0 b4 ...".
 */
static const char REAL_RQA[] = "c0955d2e78f3450792a2c5ebbdc2287d";
static const char REAL_ACCEPT[] =
	"020800e31d2868ed52f8248ca08cc96fbca9b1a74f06039800041a3a00000137"
	"1034aa7c20ec6af6451eff7a9c6ae2dd0220761d50c18eeaf05ec3d391013a8f"
	"faf93af3d9bb4ff43e0f28afe13d500c978feaca1a3a000001371134aa7d3433"
	"e26208aafec92744fab52d48dd527c076eab96d3649092d3cc524ea28f2d86c7"
	"f0eb87e4ef7fef34b1869a0a1e1d664319539dd2a2592d658778dceab41a4a58"
	"83c8dc0ec9f87ef72ec2b266a5ba50ee5857ef8f21be1abe88606ef2f2527930"
	"7c38d5745387defe7c2ceb529bb3dcdea750125b5ccbc549ae8a93c656c2cd4e"
	"a8d55c";
static const char REAL_KEY[] =
	"8bd7f0b4caf092d3571252cd6cc7a368768e429ab8cfac2ee5701a093551f7ab";

TEST(real_hostapd_accept)
{
	uint8_t rqa[16], key[32], msk[32];
	struct pk p;
	int n;

	ASSERT_EQ(16, mihsec_hex_decode(REAL_RQA, rqa, sizeof(rqa)));
	ASSERT_EQ(32, mihsec_hex_decode(REAL_KEY, key, sizeof(key)));
	n = mihsec_hex_decode(REAL_ACCEPT, p.b, sizeof(p.b));
	ASSERT_EQ(227, n);
	p.len = (size_t)n;
	ASSERT_EQ(0, md_radius_verify_reply(p.b, p.len, rqa,
					    (const uint8_t *)"srvsecret", 9,
					    true));
	ASSERT_EQ(0, md_radius_recv_key(p.b, p.len, rqa,
					(const uint8_t *)"srvsecret", 9, msk));
	ASSERT_EQ(0, memcmp(msk, key, 32));
	/* and the independent checker agrees on the signature */
	ASSERT_EQ(0, t_verify_reply(&p, rqa, (const uint8_t *)"srvsecret", 9,
				    0));
	ASSERT_EQ(-EPERM, md_radius_verify_reply(p.b, p.len, rqa,
						 (const uint8_t *)"srvsecreT",
						 9, true));
	rqa[0] ^= 1;
	ASSERT_EQ(-EPERM, md_radius_verify_reply(p.b, p.len, rqa,
						 (const uint8_t *)"srvsecret", 9,
						 true));
}

/* MS-MPPE in a VSA holding several sub-attributes; Recv-Key first */
TEST(recv_key_among_subattributes)
{
	uint8_t key[32], msk[32], pl[48], v[255], tmp[48];
	struct pk p;
	size_t m, n = 0;

	t_key(key, 0x44);
	t_plain(pl, key);
	pk_init(&p, 2, 1, NULL);
	m = pk_ma(&p);
	v[n++] = 0; v[n++] = 0; v[n++] = 1; v[n++] = 0x37;
	v[n++] = 17; v[n++] = 52; v[n++] = SALT[0]; v[n++] = SALT[1];
	t_mppe_crypt(tmp, pl, 48, SALT, RQA, SECRET, SECRET_LEN, false);
	memcpy(v + n, tmp, 48);
	n += 48;
	v[n++] = 7; v[n++] = 6; v[n++] = 0; v[n++] = 0; v[n++] = 0; v[n++] = 1;
	pk_attr(&p, 26, v, n);
	t_sign_reply(&p, RQA, SECRET, SECRET_LEN, m);
	ASSERT_EQ(0, take(&p, RQA, msk));
	ASSERT_EQ(0, memcmp(msk, key, 32));
}

TEST(no_recv_key)
{
	uint8_t msk[32], pl[48], key[32];
	struct pk p;
	size_t m;

	t_key(key, 1);
	t_plain(pl, key);
	pk_init(&p, 2, 1, NULL);
	m = pk_ma(&p);
	t_add_ms(&p, 16, SALT, pl, 48, RQA, SECRET, SECRET_LEN);
	/* another vendor's type 17 is not a Recv-Key */
	pk_attr(&p, 26, "\0\0\x01\x38\x11\x04" "ab", 8);
	t_sign_reply(&p, RQA, SECRET, SECRET_LEN, m);
	ASSERT_EQ(-ENOENT, take(&p, RQA, msk));
}

/* Build an Accept with one Recv-Key of plaintext @pl (@n), check refused */
static int with_plain(const uint8_t *pl, size_t n, const uint8_t salt[2])
{
	uint8_t msk[32];
	struct pk p;
	size_t m;
	int err, i;

	pk_init(&p, 2, 3, NULL);
	m = pk_ma(&p);
	t_add_ms(&p, 17, salt, pl, n, RQA, SECRET, SECRET_LEN);
	t_sign_reply(&p, RQA, SECRET, SECRET_LEN, m);
	memset(msk, 0xee, sizeof(msk));
	err = take(&p, RQA, msk);
	/* a failure leaves nothing behind */
	for (i = 0; err && i < 32; i++)
		if (msk[i])
			return 1;
	return err;
}

TEST(recv_key_hostile_plaintexts)
{
	uint8_t key[32], pl[96];

	t_key(key, 0x10);
	/* a good one through the same helper first */
	t_plain(pl, key);
	ASSERT_EQ(0, with_plain(pl, 48, SALT));
	/* salt without its high bit */
	ASSERT_EQ(-EBADMSG, with_plain(pl, 48, (const uint8_t[]){ 0x03, 0x21 }));
	/* the length byte says 16 (a 16-octet key), 31, 33, 47, 0, 255 */
	for (int lb = 0; lb < 256; lb++) {
		if (lb == 32)
			continue;
		t_plain(pl, key);
		pl[0] = (uint8_t)lb;
		ASSERT_EQ(-EBADMSG, with_plain(pl, 48, SALT)) TH_LOG("len %d", lb);
	}
	/* nonzero padding, each position */
	for (int i = 33; i < 48; i++) {
		t_plain(pl, key);
		pl[i] = 1;
		ASSERT_EQ(-EBADMSG, with_plain(pl, 48, SALT)) TH_LOG("pad %d", i);
	}
	/* a 16-octet key in 32 octets (MS-CHAP style) */
	memset(pl, 0, sizeof(pl));
	pl[0] = 16;
	memcpy(pl + 1, key, 16);
	ASSERT_EQ(-EBADMSG, with_plain(pl, 32, SALT));
	/* a 32-octet key padded one block too far */
	t_plain(pl, key);
	memset(pl + 48, 0, 16);
	ASSERT_EQ(-EBADMSG, with_plain(pl, 64, SALT));
	/* only 32 octets of string (no room for length byte + key) */
	ASSERT_EQ(-EBADMSG, with_plain(pl, 32, SALT));
	/* String not a multiple of 16, and empty */
	t_plain(pl, key);
	ASSERT_EQ(-EBADMSG, with_plain(pl, 47, SALT));
	ASSERT_EQ(-EBADMSG, with_plain(pl, 49, SALT));
	ASSERT_EQ(-EBADMSG, with_plain(pl, 0, SALT));
	/* 64 octets: a 63-octet key, length byte 63 */
	memset(pl, 0x5a, 64);
	pl[0] = 63;
	ASSERT_EQ(-EBADMSG, with_plain(pl, 64, SALT));
}

TEST(two_recv_keys_refused)
{
	uint8_t key[32], pl[48], msk[32];
	struct pk p;
	size_t m;

	t_key(key, 0x20);
	t_plain(pl, key);
	/* the same key twice, and two different keys */
	for (int variant = 0; variant < 2; variant++) {
		pk_init(&p, 2, 3, NULL);
		m = pk_ma(&p);
		t_add_ms(&p, 17, SALT, pl, 48, RQA, SECRET, SECRET_LEN);
		if (variant)
			pl[5] ^= 1;
		t_add_ms(&p, 17, SALT2, pl, 48, RQA, SECRET, SECRET_LEN);
		t_sign_reply(&p, RQA, SECRET, SECRET_LEN, m);
		ASSERT_EQ(-EBADMSG, take(&p, RQA, msk));
	}
}

TEST(recv_key_wrong_request_authenticator)
{
	uint8_t key[32], msk[32], other[16];
	struct pk p;

	t_key(key, 0x77);
	memcpy(other, RQA, 16);
	other[15] ^= 0x80;
	good_accept(&p, 7, RQA, key, SECRET, SECRET_LEN, NULL);
	/* the signature check catches it first ... */
	ASSERT_EQ(-EPERM, md_radius_verify_reply(p.b, p.len, other, SECRET,
						 SECRET_LEN, true));
	/* ... and the decryption alone does not yield the key either */
	ASSERT_NE(0, md_radius_recv_key(p.b, p.len, other, SECRET,
					SECRET_LEN, msk));
	ASSERT_EQ(-EPERM, md_radius_verify_reply(p.b, p.len, RQA,
						 (const uint8_t *)"testing124",
						 10, true));
}

/* Vendor-Specific attributes and sub-attributes with bad lengths */
TEST(truncated_vendor_attributes)
{
	static const struct {
		const char *what;
		uint8_t v[16];
		size_t n;
	} bad[] = {
		{ "VSA shorter than its Vendor-Id", { 0, 0, 1 }, 3 },
		{ "empty VSA", { 0 }, 0 },
		{ "311 sub-attribute length 0", { 0, 0, 1, 0x37, 17, 0 }, 6 },
		{ "311 sub-attribute length 1", { 0, 0, 1, 0x37, 17, 1 }, 6 },
		{ "311 sub-attribute overflows", { 0, 0, 1, 0x37, 17, 9, 0x80, 1, 2 }, 9 },
		{ "311 lone type octet", { 0, 0, 1, 0x37, 17 }, 5 },
		{ "Recv-Key with salt only", { 0, 0, 1, 0x37, 17, 4, 0x80, 1 }, 8 },
		{ "Recv-Key short string", { 0, 0, 1, 0x37, 17, 8, 0x80, 1, 1, 2, 3, 4 }, 12 },
	};
	uint8_t msk[32];
	struct pk p;
	size_t m, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pk_init(&p, 2, 3, NULL);
		m = pk_ma(&p);
		pk_attr(&p, 26, bad[i].v, bad[i].n);
		t_sign_reply(&p, RQA, SECRET, SECRET_LEN, m);
		ASSERT_EQ(0, md_radius_verify_reply(p.b, p.len, RQA, SECRET,
						    SECRET_LEN, true))
			TH_LOG("%s", bad[i].what);
		ASSERT_EQ(-EBADMSG, md_radius_recv_key(p.b, p.len, RQA, SECRET,
						       SECRET_LEN, msk))
			TH_LOG("%s", bad[i].what);
	}
}

/* Attribute lengths 0, 1 and past the end; Length field lies */
TEST(malformed_packets)
{
	uint8_t key[32], msk[32];
	struct pk p, q;
	size_t m;

	t_key(key, 0x55);
	good_accept(&p, 7, RQA, key, SECRET, SECRET_LEN, &m);
	for (int variant = 0; variant < 3; variant++) {
		q = p;
		q.b[q.len] = 18;	/* a Class attribute ... */
		q.b[q.len + 1] = variant == 2 ? 9 : (uint8_t)variant;
		q.len += 2;
		pk_setlen(&q);
		t_sign_reply(&q, RQA, SECRET, SECRET_LEN, m);
		ASSERT_EQ(-EBADMSG, md_radius_check_packet(q.b, q.len));
		ASSERT_EQ(-EBADMSG, md_radius_verify_reply(q.b, q.len, RQA,
							   SECRET, SECRET_LEN,
							   true));
		ASSERT_EQ(-EBADMSG, md_radius_recv_key(q.b, q.len, RQA, SECRET,
						       SECRET_LEN, msk));
	}
	/* Length field larger and smaller than the buffer given */
	q = p;
	ASSERT_EQ(-EBADMSG, md_radius_check_packet(q.b, q.len - 1));
	ASSERT_EQ(-EBADMSG, md_radius_check_packet(q.b, q.len + 1));
	/* under 20 octets */
	q.b[2] = 0;
	q.b[3] = 19;
	ASSERT_EQ(-EBADMSG, md_radius_check_packet(q.b, 19));
	/* oversize: 4097 octets of well-formed attributes */
	pk_init(&q, 2, 1, NULL);
	while (q.len < 4096) {
		size_t n = 4096 - q.len < 255 ? 4096 - q.len : 255;

		q.b[q.len] = 18;
		q.b[q.len + 1] = (uint8_t)n;
		q.len += n;
	}
	pk_setlen(&q);
	ASSERT_EQ(0, md_radius_check_packet(q.b, q.len));
	/* one octet more in the last attribute: 4097 */
	q.b[4096 - 251 + 1] = 252;
	q.len = 4097;
	pk_setlen(&q);
	ASSERT_EQ(-EBADMSG, md_radius_check_packet(q.b, q.len));
	ASSERT_EQ(-EBADMSG, md_radius_recv_key(q.b, q.len, RQA, SECRET,
					       SECRET_LEN, msk));
	/* a request code is not a reply */
	q = p;
	q.b[0] = 1;
	t_sign_reply(&q, RQA, SECRET, SECRET_LEN, m);
	ASSERT_EQ(-EBADMSG, md_radius_verify_reply(q.b, q.len, RQA, SECRET,
						   SECRET_LEN, true));
	/* NULLs */
	ASSERT_EQ(-EBADMSG, md_radius_check_packet(NULL, 20));
	ASSERT_EQ(-EINVAL, md_radius_recv_key(p.b, p.len, RQA, SECRET,
					      SECRET_LEN, NULL));
	ASSERT_EQ(-EINVAL, md_radius_verify_reply(p.b, p.len, RQA, SECRET, 0,
						  true));
}

TEST(message_authenticator_rules)
{
	uint8_t key[32], msk[32];
	struct pk p, q;
	size_t m;

	t_key(key, 0x66);
	good_accept(&p, 7, RQA, key, SECRET, SECRET_LEN, &m);
	/* wrong M-A (re-signed Response Authenticator over it) */
	q = p;
	q.b[m + 3] ^= 4;
	t_sign_reply(&q, RQA, SECRET, SECRET_LEN, 0);
	ASSERT_EQ(-EPERM, take(&q, RQA, msk));
	/* M-A computed with another secret */
	q = p;
	memcpy(q.b + 4, RQA, 16);
	memset(q.b + m, 0, 16);
	t_hmac(q.b + m, (const uint8_t *)"other", 5, q.b, q.len);
	t_sign_reply(&q, RQA, SECRET, SECRET_LEN, 0);
	ASSERT_EQ(-EPERM, take(&q, RQA, msk));
	/* M-A of the wrong length */
	q = p;
	q.b[m - 1] = 17;
	q.b[m + 16] = 0x55;	/* swallows one octet of the next attribute: */
	ASSERT_NE(0, take(&q, RQA, msk));
	/* two M-As */
	q = p;
	pk_ma(&q);
	t_sign_reply(&q, RQA, SECRET, SECRET_LEN, m);
	ASSERT_EQ(-EBADMSG, take(&q, RQA, msk));
	/* none, with EAP-Message: refused even when not required */
	pk_init(&q, 11, 3, NULL);
	pk_attr(&q, 79, EAP_SUCCESS, sizeof(EAP_SUCCESS));
	t_sign_reply(&q, RQA, SECRET, SECRET_LEN, 0);
	ASSERT_EQ(-EPERM, md_radius_verify_reply(q.b, q.len, RQA, SECRET,
						 SECRET_LEN, false));
	/* none, no EAP: fine unless required */
	pk_init(&q, 3, 3, NULL);
	t_sign_reply(&q, RQA, SECRET, SECRET_LEN, 0);
	ASSERT_EQ(0, md_radius_verify_reply(q.b, q.len, RQA, SECRET,
					    SECRET_LEN, false));
	ASSERT_EQ(-EPERM, md_radius_verify_reply(q.b, q.len, RQA, SECRET,
						 SECRET_LEN, true));
}

/* Any one corrupted octet, and any truncation, of a good Accept */
TEST(every_corruption_refused)
{
	uint8_t key[32], msk[32];
	struct pk p, q;
	size_t i, n;
	int bit;

	t_key(key, 0x88);
	good_accept(&p, 7, RQA, key, SECRET, SECRET_LEN, NULL);
	for (i = 0; i < p.len; i++) {
		for (bit = 0; bit < 8; bit += 3) {
			q = p;
			q.b[i] ^= (uint8_t)(1 << bit);
			ASSERT_NE(0, take(&q, RQA, msk)) TH_LOG("octet %zu", i);
			/* the decoder alone must survive it too */
			md_radius_recv_key(q.b, q.len, RQA, SECRET, SECRET_LEN,
					   msk);
		}
	}
	for (n = 0; n < p.len; n++) {
		q = p;
		q.b[2] = (uint8_t)(n >> 8);
		q.b[3] = (uint8_t)n;
		ASSERT_NE(0, take(&q, RQA, msk)) TH_LOG("length %zu", n);
		md_radius_recv_key(q.b, n, RQA, SECRET, SECRET_LEN, msk);
	}
}

/* Random octets: never a crash, never a key */
TEST(random_packets)
{
	uint8_t msk[32];
	struct pk q;
	unsigned int seed = 12345;

	for (int i = 0; i < 20000; i++) {
		size_t n = 20 + (size_t)(rand_r(&seed) % 300);

		for (size_t j = 0; j < n; j++)
			q.b[j] = (uint8_t)rand_r(&seed);
		q.b[0] = 2;
		q.b[2] = (uint8_t)(n >> 8);
		q.b[3] = (uint8_t)n;
		/* often a well-formed 311 VSA at the start */
		if (i & 1 && n > 80) {
			q.b[20] = 26;
			q.b[21] = 58;
			memcpy(q.b + 22, "\0\0\x01\x37\x11\x34", 6);
		}
		ASSERT_NE(0, take(&q, RQA, msk));
		md_radius_recv_key(q.b, n, RQA, SECRET, SECRET_LEN, msk);
	}
}

TEST(station_ids)
{
	static const uint8_t want[6] = { 0x02, 0x00, 0x5e, 0x10, 0xab, 0xcd };
	static const char *const good[] = {
		"02-00-5E-10-AB-CD", "02:00:5e:10:ab:cd", "02005e10abcd",
		"02005E10ABCD", "02-00-5e-10-Ab-cD",
	};
	static const char *const bad[] = {
		"", "02-00-5E-10-AB", "02-00-5E-10-AB-C", "02-00:5E-10-AB-CD",
		"02005e10abc", "02005e10abcg", "02-00-5E-10-AB-CD-", "0200.5e10.abcd",
		"02-00-5E-10-AB-CD ", " 02-00-5E-10-AB-CD", "02--00-5E-10-AB-CD",
		"02005e10abcd00",
	};
	uint8_t mac[6];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(mac, 0, 6);
		ASSERT_EQ(0, md_radius_parse_mac(good[i], strlen(good[i]),
						 false, mac)) TH_LOG("%s", good[i]);
		ASSERT_EQ(0, memcmp(mac, want, 6));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(-EINVAL, md_radius_parse_mac(bad[i], strlen(bad[i]),
						       false, mac)) TH_LOG("%s", bad[i]);
		ASSERT_EQ(-EINVAL, md_radius_parse_mac(bad[i], strlen(bad[i]),
						       true, mac)) TH_LOG("%s", bad[i]);
	}
	/* Called-Station-Id with an SSID suffix (RFC 3580 3.20) */
	ASSERT_EQ(0, md_radius_parse_mac("02-00-5E-10-AB-CD:mihsec", 24, true,
					 mac));
	ASSERT_EQ(0, memcmp(mac, want, 6));
	ASSERT_EQ(0, md_radius_parse_mac("02:00:5e:10:ab:cd:net:x", 23, true,
					 mac));
	ASSERT_EQ(0, memcmp(mac, want, 6));
	ASSERT_EQ(0, md_radius_parse_mac("02005e10abcd:", 13, true, mac));
	ASSERT_EQ(-EINVAL, md_radius_parse_mac("02-00-5E-10-AB-CD:mihsec", 24,
					       false, mac));
	ASSERT_EQ(-EINVAL, md_radius_parse_mac("02-00-5E-10-AB-CDx", 18, true,
					       mac));
	/* not NUL-terminated: the length bounds the parse */
	ASSERT_EQ(-EINVAL, md_radius_parse_mac("02-00-5E-10-AB-CD", 16, false,
					       mac));
}

/* ------------------------------------------------------------------ */
/* The relay on loopback */

struct ev_rec {
	int n;
	struct mihsec_key_event ev[8];
};

static void on_key(void *arg, const struct mihsec_key_event *ev)
{
	struct ev_rec *r = arg;

	if (r->n < 8)
		r->ev[r->n] = *ev;
	r->n++;
}

struct end {
	int fd;
	struct sockaddr_storage peer;	/* last sender */
	socklen_t peer_len;
	struct pk got;
	int count;
};

struct rig {
	struct md_loop *loop;
	struct md_radius *r;
	struct md_radius_cfg cfg;
	struct end cl, srv;
	struct sockaddr_in relay;
	char dir[64], csec[96], ssec[96], listen[32], server[32];
	struct ev_rec keys;
	bool timed_out;
};

static void on_end(struct md_loop *loop, int fd, uint32_t events, void *arg)
{
	struct end *e = arg;
	ssize_t n;

	e->peer_len = sizeof(e->peer);
	n = recvfrom(fd, e->got.b, sizeof(e->got.b), 0,
		     (struct sockaddr *)&e->peer, &e->peer_len);
	if (n < 0)
		return;
	e->got.len = (size_t)n;
	e->count++;
	md_loop_stop(loop, 0);
}

static void on_timeout(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct rig *g = arg;

	g->timed_out = true;
	md_loop_stop(loop, 1);
}

/* Run the loop until @e receives one datagram; false after @ms */
static bool wait_for(struct rig *g, struct end *e, unsigned int ms)
{
	int before = e->count;
	struct md_timer *t;

	g->timed_out = false;
	t = md_timer_add(g->loop, ms * MD_NSEC_PER_MSEC, 0, on_timeout, g);
	if (!t)
		abort();
	while (e->count == before && !g->timed_out)
		md_loop_run(g->loop);
	if (!g->timed_out)
		md_timer_cancel(g->loop, t);
	return e->count > before;
}

static int udp_end(struct md_loop *loop, struct end *e)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);

	memset(e, 0, sizeof(*e));
	e->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (e->fd < 0 || bind(e->fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(e->fd, (struct sockaddr *)&a, &l) ||
	    md_loop_add_fd(loop, e->fd, EPOLLIN, on_end, e))
		return -1;
	return ntohs(a.sin_port);
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(s, f) < 0 || fclose(f))
		abort();
}

/* start a relay between a fake client and a fake server */
static int rig_up(struct rig *g, const char *csec, const char *ssec,
		  unsigned int timeout_ms, unsigned int max_pending,
		  bool ar_mac)
{
	socklen_t l = sizeof(struct sockaddr_storage);
	struct sockaddr_storage ss;
	int sport;

	memset(g, 0, sizeof(*g));
	snprintf(g->dir, sizeof(g->dir), "/tmp/test_radius.XXXXXX");
	if (!mkdtemp(g->dir))
		return -1;
	snprintf(g->csec, sizeof(g->csec), "%s/client.secret", g->dir);
	snprintf(g->ssec, sizeof(g->ssec), "%s/server.secret", g->dir);
	write_file(g->csec, csec);
	if (ssec)
		write_file(g->ssec, ssec);
	g->loop = md_loop_new();
	if (!g->loop || udp_end(g->loop, &g->cl) < 0)
		return -1;
	sport = udp_end(g->loop, &g->srv);
	if (sport < 0)
		return -1;
	snprintf(g->listen, sizeof(g->listen), "127.0.0.1:0");
	snprintf(g->server, sizeof(g->server), "127.0.0.1:%d", sport);
	g->cfg.listen = g->listen;
	g->cfg.server = g->server;
	g->cfg.client_secret_file = g->csec;
	g->cfg.server_secret_file = ssec ? g->ssec : NULL;
	g->cfg.request_timeout_ms = timeout_ms;
	g->cfg.max_pending = max_pending;
	if (ar_mac) {
		g->cfg.have_ar_mac = true;
		memcpy(g->cfg.ar_mac, "\x02\xaa\xbb\xcc\xdd\xee", 6);
	}
	if (md_radius_start(g->loop, &g->cfg, on_key, &g->keys, &g->r))
		return -1;
	if (md_radius_listen_addr(g->r, &ss, &l) || ss.ss_family != AF_INET)
		return -1;
	memcpy(&g->relay, &ss, sizeof(g->relay));
	return 0;
}

static void rig_down(struct rig *g)
{
	char cmd[128];

	md_radius_stop(g->r);
	md_loop_del_fd(g->loop, g->cl.fd);
	md_loop_del_fd(g->loop, g->srv.fd);
	close(g->cl.fd);
	close(g->srv.fd);
	md_loop_free(g->loop);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g->dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", g->dir);
}

static void client_send(struct rig *g, const struct pk *p)
{
	if (sendto(g->cl.fd, p->b, p->len, 0, (struct sockaddr *)&g->relay,
		   sizeof(g->relay)) != (ssize_t)p->len)
		abort();
}

static void server_send(struct rig *g, const struct pk *p)
{
	if (sendto(g->srv.fd, p->b, p->len, 0,
		   (struct sockaddr *)&g->srv.peer, g->srv.peer_len) !=
	    (ssize_t)p->len)
		abort();
}

/* an EAP Access-Request as hostapd sends it, signed with @sec */
static void request(struct pk *p, uint8_t id, const uint8_t auth[16],
		    const char *calling, const char *called, const char *sec)
{
	static const uint8_t eap_resp[] = { 2, 1, 0, 9, 1, 'u', 's', 'e', 'r' };
	size_t m;

	pk_init(p, 1, id, auth);
	pk_attr(p, 1, "user", 4);
	if (calling)
		pk_attr(p, 31, calling, strlen(calling));
	if (called)
		pk_attr(p, 30, called, strlen(called));
	pk_attr(p, 79, eap_resp, sizeof(eap_resp));
	m = pk_ma(p);
	t_sign_request(p, (const uint8_t *)sec, strlen(sec), m);
}

static const uint8_t MMT[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t POA[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa };

TEST(relay_accept_byte_identical_one_key)
{
	uint8_t key[32];
	struct pk rq, rp;
	struct rig g;
	struct md_radius_stats st;

	ASSERT_EQ(0, rig_up(&g, "testing123\n", NULL, 0, 0, false));
	t_key(key, 0xc3);
	/* an Access-Challenge round first: relayed, no key */
	request(&rq, 40, RQA, "02-00-00-00-00-01", "02-00-00-00-00-AA:mihsec",
		"testing123");
	client_send(&g, &rq);
	ASSERT_TRUE(wait_for(&g, &g.srv, 2000));
	ASSERT_EQ(rq.len, g.srv.got.len);
	ASSERT_EQ(0, memcmp(rq.b, g.srv.got.b, rq.len));
	pk_init(&rp, 11, 40, NULL);
	pk_attr(&rp, 79, "\x01\x02\x00\x06\x19\x20", 6);
	t_sign_reply(&rp, RQA, SECRET, SECRET_LEN, pk_ma(&rp));
	server_send(&g, &rp);
	ASSERT_TRUE(wait_for(&g, &g.cl, 2000));
	ASSERT_EQ(rp.len, g.cl.got.len);
	ASSERT_EQ(0, memcmp(rp.b, g.cl.got.b, rp.len));
	ASSERT_EQ(0, g.keys.n);

	/* the Accept round: lowercase colon MACs this time */
	uint8_t rqa2[16];

	memcpy(rqa2, RQA, 16);
	rqa2[0] ^= 0xff;
	request(&rq, 41, rqa2, "02:00:00:00:00:01", "02:00:00:00:00:aa",
		"testing123");
	client_send(&g, &rq);
	ASSERT_TRUE(wait_for(&g, &g.srv, 2000));
	ASSERT_EQ(0, memcmp(rq.b, g.srv.got.b, rq.len));
	good_accept(&rp, 41, rqa2, key, SECRET, SECRET_LEN, NULL);
	server_send(&g, &rp);
	ASSERT_TRUE(wait_for(&g, &g.cl, 2000));
	ASSERT_EQ(rp.len, g.cl.got.len);
	ASSERT_EQ(0, memcmp(rp.b, g.cl.got.b, rp.len));
	ASSERT_EQ(1, g.keys.n);
	ASSERT_EQ((int)MIHSEC_KEY_UP, (int)g.keys.ev[0].what);
	ASSERT_EQ((int)MIHSEC_SRC_RADIUS, (int)g.keys.ev[0].src);
	ASSERT_EQ(0, memcmp(g.keys.ev[0].msk, key, 32));
	ASSERT_EQ(0, memcmp(g.keys.ev[0].mac_mmt, MMT, 6));
	ASSERT_EQ(0, memcmp(g.keys.ev[0].mac_poa, POA, 6));

	/* the client retransmits, the server answers again: no second key */
	client_send(&g, &rq);
	ASSERT_TRUE(wait_for(&g, &g.srv, 2000));
	ASSERT_EQ(0, memcmp(rq.b, g.srv.got.b, rq.len));
	server_send(&g, &rp);
	ASSERT_TRUE(wait_for(&g, &g.cl, 2000));
	ASSERT_EQ(0, memcmp(rp.b, g.cl.got.b, rp.len));
	ASSERT_EQ(1, g.keys.n);

	/* a Reject: relayed, no key */
	request(&rq, 42, RQA, "020000000001", NULL, "testing123");
	client_send(&g, &rq);
	ASSERT_TRUE(wait_for(&g, &g.srv, 2000));
	pk_init(&rp, 3, 42, NULL);
	pk_attr(&rp, 79, "\x04\x02\x00\x04", 4);
	t_sign_reply(&rp, RQA, SECRET, SECRET_LEN, pk_ma(&rp));
	server_send(&g, &rp);
	ASSERT_TRUE(wait_for(&g, &g.cl, 2000));
	ASSERT_EQ(0, memcmp(rp.b, g.cl.got.b, rp.len));
	ASSERT_EQ(1, g.keys.n);
	md_radius_get_stats(g.r, &st);
	ASSERT_EQ(4u, st.requests);
	ASSERT_EQ(4u, st.replies);
	ASSERT_EQ(1u, st.keys);
	ASSERT_EQ(0u, st.dropped);
	rig_down(&g);
}

TEST(relay_drops_forged_and_unknown_replies)
{
	uint8_t key[32];
	struct pk rq, rp, bad;
	struct rig g;
	struct md_radius_stats st;

	ASSERT_EQ(0, rig_up(&g, "testing123", NULL, 0, 0, true));
	t_key(key, 0x3c);
	request(&rq, 9, RQA, "02-00-00-00-00-01", NULL, "testing123");
	client_send(&g, &rq);
	ASSERT_TRUE(wait_for(&g, &g.srv, 2000));
	/* unknown identifier */
	good_accept(&bad, 10, RQA, key, SECRET, SECRET_LEN, NULL);
	server_send(&g, &bad);
	/* wrong Response Authenticator (the reply to another request) */
	good_accept(&bad, 9, RQA, key, SECRET, SECRET_LEN, NULL);
	bad.b[4] ^= 1;
	server_send(&g, &bad);
	/* signed with another secret */
	good_accept(&bad, 9, RQA, key, (const uint8_t *)"testing124", 10, NULL);
	server_send(&g, &bad);
	/* oversize datagram */
	memset(bad.b, 0, 5000);
	bad.b[0] = 2;
	bad.b[1] = 9;
	bad.b[2] = 5000 >> 8;
	bad.b[3] = 5000 & 0xff;
	bad.len = 5000;
	server_send(&g, &bad);
	ASSERT_FALSE(wait_for(&g, &g.cl, 300));
	ASSERT_EQ(0, g.keys.n);
	md_radius_get_stats(g.r, &st);
	ASSERT_EQ(4u, st.dropped);
	/* the genuine one still gets through, with mac_poa = ar_mac */
	good_accept(&rp, 9, RQA, key, SECRET, SECRET_LEN, NULL);
	server_send(&g, &rp);
	ASSERT_TRUE(wait_for(&g, &g.cl, 2000));
	ASSERT_EQ(0, memcmp(rp.b, g.cl.got.b, rp.len));
	ASSERT_EQ(1, g.keys.n);
	ASSERT_EQ(0, memcmp(g.keys.ev[0].msk, key, 32));
	ASSERT_EQ(0, memcmp(g.keys.ev[0].mac_mmt, MMT, 6));
	ASSERT_EQ(0, memcmp(g.keys.ev[0].mac_poa, "\x02\xaa\xbb\xcc\xdd\xee", 6));
	rig_down(&g);
}

TEST(relay_drops_bad_requests_and_needs_station_ids)
{
	uint8_t key[32];
	struct pk rq, rp;
	struct rig g;
	struct md_radius_stats st;

	ASSERT_EQ(0, rig_up(&g, "testing123", NULL, 0, 0, false));
	t_key(key, 0x5a);
	/* signed with the wrong secret: not forwarded */
	request(&rq, 1, RQA, "02-00-00-00-00-01", NULL, "wrong");
	client_send(&g, &rq);
	/* EAP-Message without Message-Authenticator */
	pk_init(&rq, 1, 2, RQA);
	pk_attr(&rq, 79, "\x02\x01\x00\x04", 4);
	client_send(&g, &rq);
	/* no EAP, no Message-Authenticator: nothing proves the sender */
	pk_init(&rq, 1, 7, RQA);
	pk_attr(&rq, 1, "user", 4);
	client_send(&g, &rq);
	/* an attribute overflowing the packet */
	request(&rq, 3, RQA, "02-00-00-00-00-01", NULL, "testing123");
	rq.b[21] = 200;
	client_send(&g, &rq);
	/* a reply code sent as a request */
	request(&rq, 4, RQA, "02-00-00-00-00-01", NULL, "testing123");
	rq.b[0] = 2;
	client_send(&g, &rq);
	ASSERT_FALSE(wait_for(&g, &g.srv, 300));
	md_radius_get_stats(g.r, &st);
	ASSERT_EQ(5u, st.dropped);
	/* no Called-Station-Id and no ar_mac: relayed, but no key event */
	request(&rq, 5, RQA, "02-00-00-00-00-01", NULL, "testing123");
	client_send(&g, &rq);
	ASSERT_TRUE(wait_for(&g, &g.srv, 2000));
	good_accept(&rp, 5, RQA, key, SECRET, SECRET_LEN, NULL);
	server_send(&g, &rp);
	ASSERT_TRUE(wait_for(&g, &g.cl, 2000));
	ASSERT_EQ(0, memcmp(rp.b, g.cl.got.b, rp.len));
	/* an unparsable Calling-Station-Id: no key either */
	request(&rq, 6, RQA, "host.example", "02-00-00-00-00-AA", "testing123");
	client_send(&g, &rq);
	ASSERT_TRUE(wait_for(&g, &g.srv, 2000));
	good_accept(&rp, 6, RQA, key, SECRET, SECRET_LEN, NULL);
	server_send(&g, &rp);
	ASSERT_TRUE(wait_for(&g, &g.cl, 2000));
	ASSERT_EQ(0, g.keys.n);
	rig_down(&g);
}

TEST(relay_table_bound_and_expiry)
{
	uint8_t key[32];
	struct pk rq, rp;
	struct rig g;

	ASSERT_EQ(0, rig_up(&g, "testing123", NULL, 300, 2, true));
	t_key(key, 0x11);
	for (uint8_t id = 1; id <= 3; id++) {
		request(&rq, id, RQA, "02-00-00-00-00-01", NULL, "testing123");
		client_send(&g, &rq);
	}
	ASSERT_TRUE(wait_for(&g, &g.srv, 2000));
	ASSERT_TRUE(wait_for(&g, &g.srv, 2000));
	/* the third did not fit */
	ASSERT_FALSE(wait_for(&g, &g.srv, 300));
	ASSERT_EQ(2, g.srv.count);
	/* by now (600 ms > 300 ms) ids 1 and 2 expired: replies dropped */
	ASSERT_FALSE(wait_for(&g, &g.srv, 400));
	good_accept(&rp, 1, RQA, key, SECRET, SECRET_LEN, NULL);
	server_send(&g, &rp);
	ASSERT_FALSE(wait_for(&g, &g.cl, 300));
	ASSERT_EQ(0, g.keys.n);
	/* and there is room again */
	request(&rq, 3, RQA, "02-00-00-00-00-01", NULL, "testing123");
	client_send(&g, &rq);
	ASSERT_TRUE(wait_for(&g, &g.srv, 2000));
	good_accept(&rp, 3, RQA, key, SECRET, SECRET_LEN, NULL);
	server_send(&g, &rp);
	ASSERT_TRUE(wait_for(&g, &g.cl, 2000));
	ASSERT_EQ(1, g.keys.n);
	rig_down(&g);
}

/* Different secrets per side: the relay re-signs both ways */
TEST(relay_per_side_secrets)
{
	static const char cs[] = "client-side", ss[] = "server-side";
	uint8_t key[32], msk[32], pl[48], got[48], calc[16];
	struct pk rq, rp, fw, q;
	struct rig g;
	size_t m, off = 20, ma = 0, rk = 0;

	ASSERT_EQ(0, rig_up(&g, cs, ss, 0, 0, false));
	t_key(key, 0xe1);
	request(&rq, 77, RQA, "02-00-00-00-00-01", "02-00-00-00-00-AA:x", cs);
	client_send(&g, &rq);
	ASSERT_TRUE(wait_for(&g, &g.srv, 2000));
	fw = g.srv.got;
	ASSERT_EQ(rq.len, fw.len);
	/* the AAA server verifies it with its own secret */
	while (off < fw.len) {
		if (fw.b[off] == 80)
			ma = off + 2;
		off += fw.b[off + 1];
	}
	ASSERT_NE(0u, ma);
	q = fw;
	memset(q.b + ma, 0, 16);
	t_hmac(calc, (const uint8_t *)ss, strlen(ss), q.b, q.len);
	ASSERT_EQ(0, memcmp(calc, fw.b + ma, 16));
	/* everything else unchanged */
	ASSERT_EQ(0, memcmp(q.b, rq.b, ma));
	ASSERT_EQ(0, memcmp(q.b + ma + 16, rq.b + ma + 16, rq.len - ma - 16));
	good_accept(&rp, 77, RQA, key, (const uint8_t *)ss, strlen(ss), &m);
	server_send(&g, &rp);
	ASSERT_TRUE(wait_for(&g, &g.cl, 2000));
	ASSERT_EQ(1, g.keys.n);
	ASSERT_EQ(0, memcmp(g.keys.ev[0].msk, key, 32));
	/* the client verifies with its secret and decrypts the same key */
	ASSERT_EQ(rp.len, g.cl.got.len);
	ASSERT_EQ(0, t_verify_reply(&g.cl.got, RQA, (const uint8_t *)cs,
				    strlen(cs), m));
	ASSERT_EQ(0, md_radius_verify_reply(g.cl.got.b, g.cl.got.len, RQA,
					    (const uint8_t *)cs, strlen(cs),
					    true));
	for (off = 20; off < g.cl.got.len; off += g.cl.got.b[off + 1])
		if (g.cl.got.b[off] == 26 && g.cl.got.b[off + 6] == 17)
			rk = off + 8;
	ASSERT_NE(0u, rk);
	t_mppe_crypt(got, g.cl.got.b + rk + 2, 48, g.cl.got.b + rk, RQA,
		     (const uint8_t *)cs, strlen(cs), true);
	t_plain(pl, key);
	ASSERT_EQ(0, memcmp(got, pl, 48));
	ASSERT_EQ(0, md_radius_recv_key(g.cl.got.b, g.cl.got.len, RQA,
					(const uint8_t *)cs, strlen(cs), msk));
	ASSERT_EQ(0, memcmp(msk, key, 32));
	rig_down(&g);
}

/* Random datagrams at both sockets: no crash, no key, still working */
TEST(relay_survives_garbage)
{
	unsigned int seed = 4242;
	uint8_t key[32];
	struct pk rq, rp, junk;
	struct rig g;
	struct md_radius_stats st;

	ASSERT_EQ(0, rig_up(&g, "testing123", NULL, 0, 0, true));
	t_key(key, 0x2f);
	request(&rq, 33, RQA, "02-00-00-00-00-01", NULL, "testing123");
	client_send(&g, &rq);
	ASSERT_TRUE(wait_for(&g, &g.srv, 2000));
	for (int i = 0; i < 400; i++) {
		junk.len = (size_t)(rand_r(&seed) % 4200);
		for (size_t j = 0; j < junk.len; j++)
			junk.b[j] = (uint8_t)rand_r(&seed);
		if (junk.len >= 4 && (i & 1)) {
			/* plausible headers: a reply to id 33, Length right */
			junk.b[0] = (uint8_t)(i & 2 ? 2 : 11);
			junk.b[1] = 33;
			junk.b[2] = (uint8_t)(junk.len >> 8);
			junk.b[3] = (uint8_t)junk.len;
		}
		server_send(&g, &junk);
		/* requests: id 33 stays the genuine one's */
		if (junk.len >= 2) {
			junk.b[0] = 1;
			junk.b[1] = (uint8_t)(34 + i % 200);
		}
		client_send(&g, &junk);
		if (i % 50 == 49)
			wait_for(&g, &g.cl, 20);
	}
	ASSERT_FALSE(wait_for(&g, &g.cl, 300));
	ASSERT_EQ(0, g.keys.n);
	md_radius_get_stats(g.r, &st);
	/* no random request carries a valid Message-Authenticator */
	ASSERT_EQ(1, g.srv.count);
	ASSERT_EQ(1u, st.requests);
	ASSERT_EQ(0u, st.replies);
	ASSERT_GE(st.dropped, 700u);
	/* the genuine reply still gets through */
	good_accept(&rp, 33, RQA, key, SECRET, SECRET_LEN, NULL);
	server_send(&g, &rp);
	ASSERT_TRUE(wait_for(&g, &g.cl, 2000));
	ASSERT_EQ(0, memcmp(rp.b, g.cl.got.b, rp.len));
	ASSERT_EQ(1, g.keys.n);
	ASSERT_EQ(0, memcmp(g.keys.ev[0].msk, key, 32));
	rig_down(&g);
}

TEST(start_refuses_bad_config)
{
	struct md_loop *loop = md_loop_new();
	struct md_radius_cfg cfg = { 0 };
	struct md_radius *r = NULL;
	char dir[] = "/tmp/test_radius.XXXXXX", f[64], big[200], cmd[96];
	static const char *const bad_addr[] = {
		"127.0.0.1", "127.0.0.1:", "127.0.0.1:70000", "::1:1812",
		"[::1]1812", "host.example:1812", ":1812", "127.0.0.1:18x",
	};

	ASSERT_NE(NULL, loop);
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(f, sizeof(f), "%s/s", dir);
	write_file(f, "s3cret\n");
	cfg.client_secret_file = f;
	cfg.server = "127.0.0.1:1812";
	for (size_t i = 0; i < sizeof(bad_addr) / sizeof(bad_addr[0]); i++) {
		cfg.listen = bad_addr[i];
		ASSERT_EQ(-EINVAL, md_radius_start(loop, &cfg, on_key, NULL, &r))
			TH_LOG("%s", bad_addr[i]);
		ASSERT_EQ(NULL, r);
	}
	cfg.listen = "[::1]:0";
	ASSERT_EQ(0, md_radius_start(loop, &cfg, on_key, NULL, &r));
	md_radius_stop(r);
	r = NULL;
	cfg.listen = "127.0.0.1:0";
	write_file(f, "\n");
	ASSERT_EQ(-EINVAL, md_radius_start(loop, &cfg, on_key, NULL, &r));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	write_file(f, big);
	ASSERT_EQ(-EINVAL, md_radius_start(loop, &cfg, on_key, NULL, &r));
	cfg.client_secret_file = "/nonexistent/secret";
	ASSERT_EQ(-ENOENT, md_radius_start(loop, &cfg, on_key, NULL, &r));
	ASSERT_EQ(NULL, r);
	md_loop_free(loop);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ASSERT_EQ(0, system(cmd));
}

static void __attribute__((constructor)) quiet(void)
{
	md_log_open(stderr);
	md_log_set_level(MD_LOG_ERR);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Key source "radius": a RADIUS relay that takes MSK[0..31] from the
 * MS-MPPE-Recv-Key of verified Access-Accepts (keys/radius.h says what and
 * why; RFC 2865, 2866, 2548, 2868, 3579, 3580).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "keys/radius.h"
#include "lib/hex.h"
#include "mihsecd/log.h"

enum {
	CODE_ACCESS_REQUEST = 1,
	CODE_ACCESS_ACCEPT = 2,
	CODE_ACCESS_REJECT = 3,
	CODE_ACCT_REQUEST = 4,
	CODE_ACCT_RESPONSE = 5,
	CODE_ACCESS_CHALLENGE = 11,
	CODE_STATUS_SERVER = 12,
};

enum {
	ATTR_USER_PASSWORD = 2,
	ATTR_VENDOR_SPECIFIC = 26,
	ATTR_CALLED_STATION_ID = 30,
	ATTR_CALLING_STATION_ID = 31,
	ATTR_TUNNEL_PASSWORD = 69,
	ATTR_EAP_MESSAGE = 79,
	ATTR_MESSAGE_AUTHENTICATOR = 80,
};

#define VENDOR_MICROSOFT	311
#define MS_MPPE_SEND_KEY	16
#define MS_MPPE_RECV_KEY	17
#define MA_LEN			16
#define BLK			16	/* MD5 output, the hiding block */

/* ------------------------------------------------------------------ */
/* OpenSSL EVP: MD5 and HMAC-MD5 over a list of pieces */

struct piece {
	const void *p;
	size_t n;
};

static int md5_pieces(uint8_t out[BLK], const struct piece *pc, int n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int outl = 0;
	int ok, i;

	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1;
	for (i = 0; ok && i < n; i++)
		ok = !pc[i].n || EVP_DigestUpdate(ctx, pc[i].p, pc[i].n) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, out, &outl) == 1 && outl == BLK;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

static int hmac_md5(uint8_t out[BLK], const uint8_t *key, size_t key_len,
		    const uint8_t *data, size_t len)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *mac;
	size_t outl = 0;
	int ok = 0;

	mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	if (!mac)
		return -EIO;
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (!ctx)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)"MD5", 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = EVP_MAC_init(ctx, key, key_len, params) == 1 &&
	     EVP_MAC_update(ctx, data, len) == 1 &&
	     EVP_MAC_final(ctx, out, &outl, BLK) == 1 && outl == BLK;
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

/* ------------------------------------------------------------------ */
/* Packet structure */

static unsigned int get16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

int md_radius_check_packet(const uint8_t *pkt, size_t len)
{
	size_t off = MD_RADIUS_HDR_LEN;

	if (!pkt || len < MD_RADIUS_HDR_LEN || len > MD_RADIUS_MAX_PKT ||
	    get16(pkt + 2) != len)
		return -EBADMSG;
	while (off < len) {
		if (len - off < 2 || pkt[off + 1] < 2 ||
		    pkt[off + 1] > len - off)
			return -EBADMSG;
		off += pkt[off + 1];
	}
	return 0;
}

/*
 * Walk the attributes of a packet md_radius_check_packet() accepted:
 * *off starts at 0; returns false after the last one.  @voff is the
 * offset of the value in the packet.
 */
static bool attr_next(const uint8_t *pkt, size_t len, size_t *off,
		      uint8_t *type, size_t *voff, size_t *vlen)
{
	if (*off < MD_RADIUS_HDR_LEN)
		*off = MD_RADIUS_HDR_LEN;
	if (*off + 2 > len)
		return false;
	*type = pkt[*off];
	*voff = *off + 2;
	*vlen = pkt[*off + 1] - 2u;
	*off += pkt[*off + 1];
	return true;
}

/*
 * The Message-Authenticator: -EBADMSG if more than one or not 16 octets,
 * else the number found (0 or 1) with its value offset in *ma_off.
 */
static int find_ma(const uint8_t *pkt, size_t len, size_t *ma_off, bool *eap)
{
	size_t off = 0, voff, vlen;
	uint8_t type;
	int n = 0;

	*eap = false;
	while (attr_next(pkt, len, &off, &type, &voff, &vlen)) {
		if (type == ATTR_EAP_MESSAGE)
			*eap = true;
		if (type != ATTR_MESSAGE_AUTHENTICATOR)
			continue;
		if (vlen != MA_LEN || n++)
			return -EBADMSG;
		*ma_off = voff;
	}
	return n;
}

/*
 * HMAC-MD5 (RFC 3579 3.2) over @pkt with the authenticator field replaced
 * by @auth and the Message-Authenticator value (at @ma_off) zeroed
 */
static int ma_compute(const uint8_t *pkt, size_t len, size_t ma_off,
		      const uint8_t auth[MD_RADIUS_AUTH_LEN],
		      const uint8_t *secret, size_t secret_len,
		      uint8_t out[MA_LEN])
{
	uint8_t tmp[MD_RADIUS_MAX_PKT];
	int err;

	memcpy(tmp, pkt, len);
	memcpy(tmp + 4, auth, MD_RADIUS_AUTH_LEN);
	memset(tmp + ma_off, 0, MA_LEN);
	err = hmac_md5(out, secret, secret_len, tmp, len);
	OPENSSL_cleanse(tmp, len);	/* may hold hidden attributes */
	return err;
}

/* MD5(Code+ID+Length + @auth + Attributes + secret): RFC 2865 3, 2866 3 */
static int resp_auth(const uint8_t *pkt, size_t len,
		     const uint8_t auth[MD_RADIUS_AUTH_LEN],
		     const uint8_t *secret, size_t secret_len,
		     uint8_t out[MD_RADIUS_AUTH_LEN])
{
	struct piece pc[] = {
		{ pkt, 4 },
		{ auth, MD_RADIUS_AUTH_LEN },
		{ pkt + MD_RADIUS_HDR_LEN, len - MD_RADIUS_HDR_LEN },
		{ secret, secret_len },
	};

	return md5_pieces(out, pc, 4);
}

static int verify_reply(const uint8_t *pkt, size_t len,
			const uint8_t req_auth[MD_RADIUS_AUTH_LEN],
			const uint8_t *secret, size_t secret_len,
			bool need_ma, bool *had_ma)
{
	uint8_t calc[BLK];
	size_t ma_off = 0;
	bool eap;
	int n, err;

	*had_ma = false;
	if (md_radius_check_packet(pkt, len))
		return -EBADMSG;
	switch (pkt[0]) {
	case CODE_ACCESS_ACCEPT:
	case CODE_ACCESS_REJECT:
	case CODE_ACCESS_CHALLENGE:
	case CODE_ACCT_RESPONSE:
		break;
	default:
		return -EBADMSG;
	}
	n = find_ma(pkt, len, &ma_off, &eap);
	if (n < 0)
		return n;
	err = resp_auth(pkt, len, req_auth, secret, secret_len, calc);
	if (err)
		return err;
	if (CRYPTO_memcmp(calc, pkt + 4, BLK))
		return -EPERM;
	if (!n)
		return need_ma || eap ? -EPERM : 0;
	err = ma_compute(pkt, len, ma_off, req_auth, secret, secret_len, calc);
	if (err)
		return err;
	if (CRYPTO_memcmp(calc, pkt + ma_off, MA_LEN))
		return -EPERM;
	*had_ma = true;
	return 0;
}

int md_radius_verify_reply(const uint8_t *pkt, size_t len,
			   const uint8_t req_auth[MD_RADIUS_AUTH_LEN],
			   const uint8_t *secret, size_t secret_len,
			   bool need_ma)
{
	bool had_ma;

	if (!req_auth || !secret || !secret_len)
		return -EINVAL;
	return verify_reply(pkt, len, req_auth, secret, secret_len, need_ma,
			    &had_ma);
}

/*
 * The hiding of RFC 2865 5.2 (User-Password, @salt_len 0) and of RFC 2548
 * 2.4.2 / RFC 2868 3.5 (MS-MPPE keys, Tunnel-Password, @salt_len 2):
 * b(1) = MD5(S + R [+ A]), c(i) = p(i) xor b(i), b(i) = MD5(S + c(i-1)).
 * @n is a multiple of 16; @in and @out may be the same buffer.
 */
static int hide(bool encrypt, const uint8_t *in, uint8_t *out, size_t n,
		const uint8_t auth[MD_RADIUS_AUTH_LEN], const uint8_t *salt,
		size_t salt_len, const uint8_t *secret, size_t secret_len)
{
	uint8_t b[BLK], prev[BLK];
	size_t i, j;
	int err = 0;

	for (i = 0; i < n; i += BLK) {
		struct piece pc[3] = { { secret, secret_len } };

		if (i == 0) {
			pc[1] = (struct piece){ auth, MD_RADIUS_AUTH_LEN };
			pc[2] = (struct piece){ salt, salt_len };
		} else {
			pc[1] = (struct piece){ prev, BLK };
			pc[2] = (struct piece){ NULL, 0 };
		}
		err = md5_pieces(b, pc, 3);
		if (err)
			break;
		/* the chain runs on the ciphertext */
		if (!encrypt)
			memcpy(prev, in + i, BLK);
		for (j = 0; j < BLK; j++)
			out[i + j] = in[i + j] ^ b[j];
		if (encrypt)
			memcpy(prev, out + i, BLK);
	}
	OPENSSL_cleanse(b, sizeof(b));
	OPENSSL_cleanse(prev, sizeof(prev));
	return err;
}

/*
 * Vendor-Specific attributes of vendor 311: call @fn for each
 * sub-attribute (RFC 2865 5.26 layout, RFC 2548 2).  -EBADMSG if any
 * Vendor-Specific attribute is shorter than its Vendor-Id or a 311
 * sub-attribute does not fit; else what @fn returned last non-zero, or 0.
 */
typedef int (*ms_fn)(void *ctx, uint8_t *pkt, uint8_t type, size_t voff,
		     size_t vlen);

static int for_ms_attrs(uint8_t *pkt, size_t len, ms_fn fn, void *ctx)
{
	size_t off = 0, voff, vlen, s;
	uint8_t type;
	int err;

	while (attr_next(pkt, len, &off, &type, &voff, &vlen)) {
		if (type != ATTR_VENDOR_SPECIFIC)
			continue;
		if (vlen < 4)
			return -EBADMSG;
		if (get16(pkt + voff) || get16(pkt + voff + 2) != VENDOR_MICROSOFT)
			continue;
		for (s = 4; s < vlen; s += pkt[voff + s + 1]) {
			if (vlen - s < 2 || pkt[voff + s + 1] < 2 ||
			    pkt[voff + s + 1] > vlen - s)
				return -EBADMSG;
			err = fn(ctx, pkt, pkt[voff + s], voff + s + 2,
				 pkt[voff + s + 1] - 2u);
			if (err)
				return err;
		}
	}
	return 0;
}

struct recv_ctx {
	const uint8_t *auth;
	const uint8_t *secret;
	size_t secret_len;
	uint8_t *msk;
	int found;
};

/* Salt (2, high bit set) + String (n * 16 octets) */
static bool salted_ok(const uint8_t *v, size_t vlen)
{
	return vlen >= 2 + BLK && (vlen - 2) % BLK == 0 && (v[0] & 0x80);
}

static int recv_one(void *arg, uint8_t *pkt, uint8_t type, size_t voff,
		    size_t vlen)
{
	/* Key-Length (1) + Key (32) + zero padding to 48 */
	uint8_t plain[3 * BLK];
	struct recv_ctx *c = arg;
	size_t i;
	int err;

	if (type != MS_MPPE_RECV_KEY)
		return 0;
	if (c->found++)
		return -EBADMSG;
	if (!salted_ok(pkt + voff, vlen) || vlen - 2 != sizeof(plain))
		return -EBADMSG;
	err = hide(false, pkt + voff + 2, plain, sizeof(plain), c->auth,
		   pkt + voff, 2, c->secret, c->secret_len);
	if (!err && plain[0] != MIHSEC_MSK_LEN)
		err = -EBADMSG;
	for (i = 1 + MIHSEC_MSK_LEN; !err && i < sizeof(plain); i++)
		if (plain[i])
			err = -EBADMSG;
	if (!err)
		memcpy(c->msk, plain + 1, MIHSEC_MSK_LEN);
	OPENSSL_cleanse(plain, sizeof(plain));
	return err;
}

int md_radius_recv_key(const uint8_t *pkt, size_t len,
		       const uint8_t req_auth[MD_RADIUS_AUTH_LEN],
		       const uint8_t *secret, size_t secret_len,
		       uint8_t msk[MIHSEC_MSK_LEN])
{
	struct recv_ctx c = { req_auth, secret, secret_len, msk, 0 };
	uint8_t tmp[MD_RADIUS_MAX_PKT];
	int err;

	if (!msk)
		return -EINVAL;
	OPENSSL_cleanse(msk, MIHSEC_MSK_LEN);
	if (!req_auth || !secret || !secret_len)
		return -EINVAL;
	if (md_radius_check_packet(pkt, len) || pkt[0] != CODE_ACCESS_ACCEPT)
		return -EBADMSG;
	/* for_ms_attrs() takes a writable packet (the re-signing uses it) */
	memcpy(tmp, pkt, len);
	err = for_ms_attrs(tmp, len, recv_one, &c);
	OPENSSL_cleanse(tmp, len);
	if (!err && !c.found)
		err = -ENOENT;
	if (err)
		OPENSSL_cleanse(msk, MIHSEC_MSK_LEN);
	return err;
}

/* ------------------------------------------------------------------ */
/* Station IDs */

int md_radius_parse_mac(const char *s, size_t len, bool suffix_ok,
			uint8_t mac[MIHSEC_MAC_LEN])
{
	char sep = 0;
	size_t pos = 0, end;
	int i, hi, lo;

	if (!s || !mac)
		return -EINVAL;
	if (len >= 17 && (s[2] == '-' || s[2] == ':'))
		sep = s[2];
	for (i = 0; i < MIHSEC_MAC_LEN; i++) {
		if (i && sep) {
			if (pos >= len || s[pos] != sep)
				return -EINVAL;
			pos++;
		}
		if (len - pos < 2)
			return -EINVAL;
		hi = mihsec_hex_digit(s[pos]);
		lo = mihsec_hex_digit(s[pos + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
		pos += 2;
	}
	end = pos;
	if (end == len)
		return 0;
	if (suffix_ok && s[end] == ':')
		return 0;
	return -EINVAL;
}

/* ------------------------------------------------------------------ */
/* The relay */

struct upstream {
	struct md_radius *r;
	int fd;				/* -1: slot free */
	struct sockaddr_storage client;
	socklen_t client_len;
	uint64_t last_ns;
};

struct pending {
	bool used, answered, key_done;
	bool have_mmt, have_poa;
	uint8_t id, code;
	unsigned int up;		/* index into ups[] */
	uint8_t req_auth[MD_RADIUS_AUTH_LEN];	/* as the client sent it */
	uint8_t fwd_auth[MD_RADIUS_AUTH_LEN];	/* as forwarded */
	uint8_t mac_mmt[MIHSEC_MAC_LEN];
	uint8_t mac_poa[MIHSEC_MAC_LEN];
	uint64_t deadline;
};

struct md_radius {
	struct md_loop *loop;
	mihsec_key_cb cb;
	void *cb_arg;
	int lfd;
	struct sockaddr_storage srv;
	socklen_t srv_len;
	uint8_t csec[MD_RADIUS_SECRET_MAX];
	uint8_t ssec[MD_RADIUS_SECRET_MAX];
	size_t csec_len, ssec_len;
	bool same_secret;
	bool have_ar_mac;
	uint8_t ar_mac[MIHSEC_MAC_LEN];
	uint64_t timeout_ns;
	unsigned int max_pending, max_clients;
	struct pending *tab;
	struct upstream *ups;
	struct md_timer *gc;
	struct md_radius_stats st;
};

static const char *sa_str(const struct sockaddr_storage *ss, char *buf,
			  size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		port = ntohs(s4->sin_port);
		snprintf(buf, size, "%s:%u", host, port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		port = ntohs(s6->sin6_port);
		snprintf(buf, size, "[%s]:%u", host, port);
	} else {
		snprintf(buf, size, "?");
	}
	return buf;
}

static bool sa_equal(const struct sockaddr_storage *a,
		     const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       x->sin6_scope_id == y->sin6_scope_id &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
	}
	return false;
}

/* "A.B.C.D:PORT" or "[IPV6]:PORT", numeric only */
static int parse_addr(const char *what, const char *s,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	};
	struct addrinfo *res = NULL;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *port, *h = s;
	size_t hl;
	char *endp;
	long pn;

	if (!s || !*s)
		goto bad;
	colon = strrchr(s, ':');
	if (!colon)
		goto bad;
	port = colon + 1;
	hl = (size_t)(colon - s);
	if (s[0] == '[') {
		if (hl < 3 || s[hl - 1] != ']')
			goto bad;
		h = s + 1;
		hl -= 2;
	} else if (memchr(s, ':', hl)) {
		goto bad;	/* IPv6 needs brackets */
	}
	if (!hl || hl >= sizeof(host))
		goto bad;
	memcpy(host, h, hl);
	host[hl] = 0;
	errno = 0;
	pn = strtol(port, &endp, 10);
	if (!*port || *endp || errno || pn < 0 || pn > 65535)
		goto bad;
	if (getaddrinfo(host, port, &hints, &res) || !res ||
	    res->ai_addrlen > sizeof(*ss)) {
		if (res)
			freeaddrinfo(res);
		goto bad;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
bad:
	md_err("radius: %s address '%s' is not ADDR:PORT or [ADDR6]:PORT",
	       what, s ? s : "");
	return -EINVAL;
}

static int read_secret(const char *path, uint8_t *out, size_t *out_len)
{
	uint8_t buf[MD_RADIUS_SECRET_MAX + 3];
	struct stat st;
	size_t n = 0;
	ssize_t k;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		md_err("radius: cannot open secret file %s: %s", path,
		       strerror(errno));
		return err;
	}
	if (!fstat(fd, &st) && (st.st_mode & 077))
		md_warn("radius: secret file %s is readable by group or others",
			path);
	while (n < sizeof(buf)) {
		k = read(fd, buf + n, sizeof(buf) - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			err = -errno;
			break;
		}
		if (!k)
			break;
		n += (size_t)k;
	}
	close(fd);
	if (!err && n && buf[n - 1] == '\n')
		n--;
	if (!err && n && buf[n - 1] == '\r')
		n--;
	if (!err && (n == 0 || n > MD_RADIUS_SECRET_MAX)) {
		md_err("radius: secret file %s must hold 1-%d octets",
		       path, MD_RADIUS_SECRET_MAX);
		err = -EINVAL;
	} else if (err) {
		md_err("radius: cannot read secret file %s: %s", path,
		       strerror(-err));
	}
	if (!err) {
		memcpy(out, buf, n);
		*out_len = n;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return err;
}

static void upstream_close(struct md_radius *r, struct upstream *u)
{
	if (u->fd < 0)
		return;
	md_loop_del_fd(r->loop, u->fd);
	close(u->fd);
	u->fd = -1;
}

static void on_reply(struct md_loop *loop, int fd, uint32_t events,
		     void *arg);

static struct upstream *upstream_get(struct md_radius *r,
				     const struct sockaddr_storage *cl,
				     socklen_t cl_len)
{
	struct upstream *free_u = NULL, *u;
	char a[64];
	unsigned int i;
	int fd;

	for (i = 0; i < r->max_clients; i++) {
		u = &r->ups[i];
		if (u->fd >= 0 && sa_equal(&u->client, cl))
			return u;
		if (u->fd < 0 && !free_u)
			free_u = u;
	}
	if (!free_u) {
		md_warn("radius: too many clients (%u), dropping a request from %s",
			r->max_clients, sa_str(cl, a, sizeof(a)));
		return NULL;
	}
	fd = socket(r->srv.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&r->srv, r->srv_len) ||
	    md_loop_add_fd(r->loop, fd, EPOLLIN, on_reply, free_u)) {
		md_err("radius: upstream socket: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	free_u->fd = fd;
	free_u->client = *cl;
	free_u->client_len = cl_len;
	md_debug("radius: new client %s", sa_str(cl, a, sizeof(a)));
	return free_u;
}

static struct pending *pending_find(struct md_radius *r, unsigned int up,
				    uint8_t id)
{
	unsigned int i;

	for (i = 0; i < r->max_pending; i++)
		if (r->tab[i].used && r->tab[i].up == up && r->tab[i].id == id)
			return &r->tab[i];
	return NULL;
}

static struct pending *pending_alloc(struct md_radius *r)
{
	struct pending *old = NULL;
	unsigned int i;

	for (i = 0; i < r->max_pending; i++) {
		if (!r->tab[i].used)
			return &r->tab[i];
		/* an answered request is only kept to suppress duplicates */
		if (r->tab[i].answered &&
		    (!old || r->tab[i].deadline < old->deadline))
			old = &r->tab[i];
	}
	return old;
}

static void pending_clear(struct pending *p)
{
	OPENSSL_cleanse(p, sizeof(*p));
}

/* Re-hide every User-Password of a request for the server-side secret */
static int resign_request(struct md_radius *r, uint8_t *pkt, size_t len,
			  uint8_t fwd_auth[MD_RADIUS_AUTH_LEN])
{
	size_t off = 0, voff, vlen, ma_off = 0;
	uint8_t type, zero[MD_RADIUS_AUTH_LEN] = { 0 };
	bool eap;
	int n, err = 0;

	while (!err && attr_next(pkt, len, &off, &type, &voff, &vlen)) {
		if (type != ATTR_USER_PASSWORD || pkt[0] != CODE_ACCESS_REQUEST)
			continue;
		if (!vlen || vlen % BLK || vlen > 128)
			return -EBADMSG;
		err = hide(false, pkt + voff, pkt + voff, vlen, pkt + 4, NULL, 0,
			   r->csec, r->csec_len) ?:
		      hide(true, pkt + voff, pkt + voff, vlen, pkt + 4, NULL, 0,
			   r->ssec, r->ssec_len);
	}
	if (err)
		return err;
	n = find_ma(pkt, len, &ma_off, &eap);
	if (n < 0)
		return n;
	if (pkt[0] == CODE_ACCT_REQUEST) {
		/* RFC 2866 3: over a zero authenticator */
		if (n)
			err = ma_compute(pkt, len, ma_off, zero, r->ssec,
					 r->ssec_len, pkt + ma_off);
		if (!err)
			err = resp_auth(pkt, len, zero, r->ssec, r->ssec_len,
					pkt + 4);
	} else if (n) {
		err = ma_compute(pkt, len, ma_off, pkt + 4, r->ssec,
				 r->ssec_len, pkt + ma_off);
	}
	memcpy(fwd_auth, pkt + 4, MD_RADIUS_AUTH_LEN);
	return err;
}

struct rekey_ctx {
	struct md_radius *r;
	const uint8_t *fwd_auth, *req_auth;
};

static int rehide_salted(struct rekey_ctx *c, uint8_t *v, size_t vlen)
{
	if (!salted_ok(v, vlen))
		return -EBADMSG;
	return hide(false, v + 2, v + 2, vlen - 2, c->fwd_auth, v, 2,
		    c->r->ssec, c->r->ssec_len) ?:
	       hide(true, v + 2, v + 2, vlen - 2, c->req_auth, v, 2,
		    c->r->csec, c->r->csec_len);
}

static int rekey_ms(void *arg, uint8_t *pkt, uint8_t type, size_t voff,
		    size_t vlen)
{
	if (type != MS_MPPE_SEND_KEY && type != MS_MPPE_RECV_KEY)
		return 0;
	return rehide_salted(arg, pkt + voff, vlen);
}

/* A verified reply, re-signed for the client-side secret */
static int resign_reply(struct md_radius *r, uint8_t *pkt, size_t len,
			const struct pending *p)
{
	struct rekey_ctx c = { r, p->fwd_auth, p->req_auth };
	size_t off = 0, voff, vlen, ma_off = 0;
	uint8_t type;
	bool eap;
	int n, err;

	err = for_ms_attrs(pkt, len, rekey_ms, &c);
	while (!err && attr_next(pkt, len, &off, &type, &voff, &vlen))
		if (type == ATTR_TUNNEL_PASSWORD) {
			/* Tag (1), then Salt and String */
			if (vlen < 1)
				return -EBADMSG;
			err = rehide_salted(&c, pkt + voff + 1, vlen - 1);
		}
	if (err)
		return err;
	n = find_ma(pkt, len, &ma_off, &eap);
	if (n < 0)
		return n;
	if (n)
		err = ma_compute(pkt, len, ma_off, p->req_auth, r->csec,
				 r->csec_len, pkt + ma_off);
	return err ?: resp_auth(pkt, len, p->req_auth, r->csec, r->csec_len,
				pkt + 4);
}

/* Checks on a request from a client, with the client-side secret */
static int verify_request(struct md_radius *r, const uint8_t *pkt,
			  size_t len)
{
	uint8_t calc[BLK], zero[MD_RADIUS_AUTH_LEN] = { 0 };
	size_t ma_off = 0;
	bool eap;
	int n, err;

	if (md_radius_check_packet(pkt, len))
		return -EBADMSG;
	if (pkt[0] != CODE_ACCESS_REQUEST && pkt[0] != CODE_ACCT_REQUEST &&
	    pkt[0] != CODE_STATUS_SERVER)
		return -EBADMSG;
	n = find_ma(pkt, len, &ma_off, &eap);
	if (n < 0)
		return n;
	if (pkt[0] == CODE_ACCT_REQUEST) {
		err = resp_auth(pkt, len, zero, r->csec, r->csec_len, calc);
		if (err)
			return err;
		if (CRYPTO_memcmp(calc, pkt + 4, BLK))
			return -EPERM;
		if (n) {
			err = ma_compute(pkt, len, ma_off, zero, r->csec,
					 r->csec_len, calc);
			if (err)
				return err;
			if (CRYPTO_memcmp(calc, pkt + ma_off, MA_LEN))
				return -EPERM;
		}
		return 0;
	}
	/*
	 * Every Access-Request and Status-Server must carry one (hostapd
	 * always adds it): only then is the sender known to hold the
	 * secret, so the relay is no open door to the AAA server (and the
	 * BlastRADIUS advice, CVE-2024-3596, is to require it anyway)
	 */
	if (!n)
		return -EPERM;
	err = ma_compute(pkt, len, ma_off, pkt + 4, r->csec, r->csec_len,
			 calc);
	if (err)
		return err;
	return CRYPTO_memcmp(calc, pkt + ma_off, MA_LEN) ? -EPERM : 0;
}

static void station_ids(struct md_radius *r, struct pending *p,
			const uint8_t *pkt, size_t len)
{
	size_t off = 0, voff, vlen;
	uint8_t type;

	p->have_mmt = p->have_poa = false;
	while (attr_next(pkt, len, &off, &type, &voff, &vlen)) {
		if (type == ATTR_CALLING_STATION_ID && !p->have_mmt)
			p->have_mmt = !md_radius_parse_mac((const char *)pkt + voff,
							  vlen, false,
							  p->mac_mmt);
		else if (type == ATTR_CALLED_STATION_ID && !p->have_poa)
			p->have_poa = !md_radius_parse_mac((const char *)pkt + voff,
							  vlen, true,
							  p->mac_poa);
	}
	if (!p->have_poa && r->have_ar_mac) {
		memcpy(p->mac_poa, r->ar_mac, MIHSEC_MAC_LEN);
		p->have_poa = true;
	}
}

/* Receive one datagram into @buf; its Length-field worth, or -1 */
static ssize_t recv_pkt(int fd, uint8_t *buf, struct sockaddr_storage *from,
			socklen_t *from_len, const char **why)
{
	ssize_t n;
	size_t plen;

	n = recvfrom(fd, buf, MD_RADIUS_MAX_PKT, MSG_TRUNC,
		     (struct sockaddr *)from, from_len);
	if (n < 0) {
		*why = errno == EAGAIN || errno == EINTR ? NULL : strerror(errno);
		return -1;
	}
	if (n > MD_RADIUS_MAX_PKT) {
		*why = "oversize datagram";
		return -1;
	}
	if (n < MD_RADIUS_HDR_LEN) {
		*why = "short datagram";
		return -1;
	}
	plen = get16(buf + 2);
	if (plen < MD_RADIUS_HDR_LEN || plen > (size_t)n) {
		*why = "bad Length field";
		return -1;
	}
	/* octets beyond Length are padding (RFC 2865 3): not relayed */
	return (ssize_t)plen;
}

static void on_request(struct md_loop *loop, int fd, uint32_t events,
		       void *arg)
{
	struct md_radius *r = arg;
	uint8_t buf[MD_RADIUS_MAX_PKT];
	struct sockaddr_storage from;
	socklen_t from_len = sizeof(from);
	const char *why = NULL;
	struct upstream *u;
	struct pending *p;
	unsigned int ui;
	char a[64];
	ssize_t n;
	size_t len;
	int err;

	(void)loop;
	(void)events;
	memset(&from, 0, sizeof(from));
	n = recv_pkt(fd, buf, &from, &from_len, &why);
	if (n < 0) {
		if (why) {
			r->st.dropped++;
			md_debug("radius: request from %s dropped: %s",
				 sa_str(&from, a, sizeof(a)), why);
		}
		return;
	}
	len = (size_t)n;
	err = verify_request(r, buf, len);
	if (err) {
		r->st.dropped++;
		md_info("radius: request id %u from %s dropped: %s", buf[1],
			sa_str(&from, a, sizeof(a)),
			err == -EPERM ? "authenticator does not verify" :
					"malformed");
		goto out;
	}
	u = upstream_get(r, &from, from_len);
	if (!u) {
		r->st.dropped++;
		goto out;
	}
	ui = (unsigned int)(u - r->ups);
	p = pending_find(r, ui, buf[1]);
	if (p && memcmp(p->req_auth, buf + 4, MD_RADIUS_AUTH_LEN)) {
		pending_clear(p);	/* a new request reusing the ID */
		p = NULL;
	}
	if (!p) {
		p = pending_alloc(r);
		if (!p) {
			r->st.dropped++;
			md_warn("radius: %u requests outstanding, dropping id %u from %s",
				r->max_pending, buf[1],
				sa_str(&from, a, sizeof(a)));
			goto out;
		}
		pending_clear(p);
		p->used = true;
		p->up = ui;
		p->id = buf[1];
		p->code = buf[0];
		memcpy(p->req_auth, buf + 4, MD_RADIUS_AUTH_LEN);
		if (p->code == CODE_ACCESS_REQUEST)
			station_ids(r, p, buf, len);
	}
	/* (re)transmission: kept until timeout after the last one */
	p->answered = false;
	p->deadline = md_now_ns() + r->timeout_ns;
	u->last_ns = md_now_ns();
	if (!r->same_secret) {
		err = resign_request(r, buf, len, p->fwd_auth);
		if (err) {
			r->st.dropped++;
			md_info("radius: request id %u from %s dropped: cannot re-sign",
				buf[1], sa_str(&from, a, sizeof(a)));
			pending_clear(p);
			goto out;
		}
	} else {
		memcpy(p->fwd_auth, buf + 4, MD_RADIUS_AUTH_LEN);
	}
	if (send(u->fd, buf, len, 0) != (ssize_t)len) {
		r->st.dropped++;
		md_info("radius: forwarding id %u: %s", buf[1], strerror(errno));
		goto out;
	}
	r->st.requests++;
	md_debug("radius: request code %u id %u from %s relayed", buf[0],
		 buf[1], sa_str(&from, a, sizeof(a)));
out:
	OPENSSL_cleanse(buf, len);	/* may hold hidden attributes */
}

static void emit_key(struct md_radius *r, struct pending *p,
		     const uint8_t *pkt, size_t len)
{
	struct mihsec_key_event ev = {
		.what = MIHSEC_KEY_UP,
		.src = MIHSEC_SRC_RADIUS,
	};
	int err;

	if (p->key_done) {
		md_debug("radius: Access-Accept id %u again: key already reported",
			 p->id);
		return;
	}
	err = md_radius_recv_key(pkt, len, p->fwd_auth, r->ssec, r->ssec_len,
				 ev.msk);
	if (err) {
		md_warn("radius: Access-Accept id %u: %s", p->id,
			err == -ENOENT ? "no MS-MPPE-Recv-Key" :
					 "unusable MS-MPPE-Recv-Key");
		return;
	}
	if (!p->have_mmt || !p->have_poa) {
		md_warn("radius: Access-Accept id %u: request had no usable %s, no key reported",
			p->id, p->have_mmt ? "Called-Station-Id (and no ar_mac)" :
					     "Calling-Station-Id");
		OPENSSL_cleanse(ev.msk, sizeof(ev.msk));
		return;
	}
	memcpy(ev.mac_mmt, p->mac_mmt, MIHSEC_MAC_LEN);
	memcpy(ev.mac_poa, p->mac_poa, MIHSEC_MAC_LEN);
	p->key_done = true;
	r->st.keys++;
	md_info("radius: key for %02x:%02x:%02x:%02x:%02x:%02x from Access-Accept id %u",
		ev.mac_mmt[0], ev.mac_mmt[1], ev.mac_mmt[2], ev.mac_mmt[3],
		ev.mac_mmt[4], ev.mac_mmt[5], p->id);
	if (r->cb)
		r->cb(r->cb_arg, &ev);
	OPENSSL_cleanse(ev.msk, sizeof(ev.msk));
}

static void on_reply(struct md_loop *loop, int fd, uint32_t events,
		     void *arg)
{
	struct upstream *u = arg;
	struct md_radius *r = u->r;
	uint8_t buf[MD_RADIUS_MAX_PKT];
	struct sockaddr_storage from;
	socklen_t from_len = sizeof(from);
	const char *why = NULL;
	struct pending *p;
	bool had_ma = false;
	ssize_t n;
	size_t len = 0;
	char a[64];
	int err;

	(void)loop;
	(void)events;
	n = recv_pkt(fd, buf, &from, &from_len, &why);
	if (n < 0) {
		if (why) {
			r->st.dropped++;
			md_debug("radius: reply dropped: %s", why);
		}
		return;
	}
	len = (size_t)n;
	p = pending_find(r, (unsigned int)(u - r->ups), buf[1]);
	if (!p) {
		r->st.dropped++;
		md_info("radius: reply id %u matches no request, dropped",
			buf[1]);
		goto out;
	}
	err = verify_reply(buf, len, p->fwd_auth, r->ssec, r->ssec_len, false,
			   &had_ma);
	if (!err && ((buf[0] == CODE_ACCT_RESPONSE) !=
		     (p->code == CODE_ACCT_REQUEST)))
		err = -EBADMSG;
	if (err) {
		r->st.dropped++;
		md_notice("radius: reply code %u id %u dropped: %s", buf[0],
			  buf[1], err == -EPERM ?
			  "authenticator does not verify (shared secret?)" :
			  "malformed");
		goto out;
	}
	if (buf[0] == CODE_ACCESS_ACCEPT && !had_ma)
		md_notice("radius: Access-Accept id %u has no Message-Authenticator: no key taken",
			  buf[1]);
	else if (buf[0] == CODE_ACCESS_ACCEPT)
		emit_key(r, p, buf, len);
	/* the callback may not touch the relay; p is still valid */
	if (!r->same_secret && resign_reply(r, buf, len, p)) {
		r->st.dropped++;
		md_notice("radius: reply id %u: cannot re-sign, dropped",
			  buf[1]);
		goto out;
	}
	if (sendto(r->lfd, buf, len, 0, (struct sockaddr *)&u->client,
		   u->client_len) != (ssize_t)len) {
		r->st.dropped++;
		md_info("radius: reply id %u to %s: %s", buf[1],
			sa_str(&u->client, a, sizeof(a)), strerror(errno));
		goto out;
	}
	r->st.replies++;
	p->answered = true;
	u->last_ns = md_now_ns();
	md_debug("radius: reply code %u id %u relayed to %s", buf[0], buf[1],
		 sa_str(&u->client, a, sizeof(a)));
out:
	OPENSSL_cleanse(buf, len);
}

static void on_gc(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct md_radius *r = arg;
	uint64_t now = md_now_ns();
	unsigned int i, j;
	bool busy;

	(void)loop;
	(void)t;
	for (i = 0; i < r->max_pending; i++) {
		if (r->tab[i].used && r->tab[i].deadline <= now) {
			if (!r->tab[i].answered)
				md_debug("radius: request id %u expired unanswered",
					 r->tab[i].id);
			pending_clear(&r->tab[i]);
		}
	}
	for (j = 0; j < r->max_clients; j++) {
		if (r->ups[j].fd < 0 || r->ups[j].last_ns + r->timeout_ns > now)
			continue;
		busy = false;
		for (i = 0; i < r->max_pending && !busy; i++)
			busy = r->tab[i].used && r->tab[i].up == j;
		if (!busy)
			upstream_close(r, &r->ups[j]);
	}
}

int md_radius_start(struct md_loop *loop, const struct md_radius_cfg *cfg,
		    mihsec_key_cb cb, void *arg, struct md_radius **out)
{
	struct sockaddr_storage lss;
	socklen_t lss_len = 0;
	struct md_radius *r;
	uint64_t period;
	unsigned int i;
	char a[64];
	int err;

	if (!loop || !cfg || !out || !cfg->client_secret_file)
		return -EINVAL;
	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->loop = loop;
	r->cb = cb;
	r->cb_arg = arg;
	r->lfd = -1;
	r->have_ar_mac = cfg->have_ar_mac;
	memcpy(r->ar_mac, cfg->ar_mac, MIHSEC_MAC_LEN);
	r->timeout_ns = (cfg->request_timeout_ms ?: MD_RADIUS_TIMEOUT_MS_DEFAULT) *
			MD_NSEC_PER_MSEC;
	r->max_pending = cfg->max_pending ?: MD_RADIUS_MAX_PENDING_DEFAULT;
	r->max_clients = cfg->max_clients ?: MD_RADIUS_MAX_CLIENTS_DEFAULT;
	err = parse_addr("listen", cfg->listen, &lss, &lss_len) ?:
	      parse_addr("server", cfg->server, &r->srv, &r->srv_len) ?:
	      read_secret(cfg->client_secret_file, r->csec, &r->csec_len);
	if (err)
		goto fail;
	if (cfg->server_secret_file) {
		err = read_secret(cfg->server_secret_file, r->ssec, &r->ssec_len);
		if (err)
			goto fail;
	} else {
		memcpy(r->ssec, r->csec, r->csec_len);
		r->ssec_len = r->csec_len;
	}
	r->same_secret = r->ssec_len == r->csec_len &&
			 !CRYPTO_memcmp(r->ssec, r->csec, r->csec_len);
	r->tab = calloc(r->max_pending, sizeof(*r->tab));
	r->ups = calloc(r->max_clients, sizeof(*r->ups));
	if (!r->tab || !r->ups) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < r->max_clients; i++) {
		r->ups[i].fd = -1;
		r->ups[i].r = r;
	}
	r->lfd = socket(lss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	if (r->lfd < 0 || bind(r->lfd, (struct sockaddr *)&lss, lss_len)) {
		err = -errno;
		md_err("radius: cannot listen on %s: %s", cfg->listen,
		       strerror(errno));
		goto fail;
	}
	err = md_loop_add_fd(loop, r->lfd, EPOLLIN, on_request, r);
	if (err)
		goto fail;
	period = r->timeout_ns / 4;
	if (period < 100 * MD_NSEC_PER_MSEC)
		period = 100 * MD_NSEC_PER_MSEC;
	r->gc = md_timer_add(loop, period, period, on_gc, r);
	if (!r->gc) {
		md_loop_del_fd(loop, r->lfd);
		err = -ENOMEM;
		goto fail;
	}
	md_radius_listen_addr(r, &lss, &lss_len);
	md_notice("radius: relaying %s -> %s (%s secret)",
		  sa_str(&lss, a, sizeof(a)), cfg->server,
		  r->same_secret ? "one" : "per-side");
	*out = r;
	return 0;
fail:
	if (r->lfd >= 0)
		close(r->lfd);
	free(r->tab);
	free(r->ups);
	OPENSSL_cleanse(r, sizeof(*r));
	free(r);
	return err;
}

void md_radius_stop(struct md_radius *r)
{
	unsigned int i;

	if (!r)
		return;
	for (i = 0; i < r->max_clients; i++)
		upstream_close(r, &r->ups[i]);
	if (r->gc)
		md_timer_cancel(r->loop, r->gc);
	md_loop_del_fd(r->loop, r->lfd);
	close(r->lfd);
	OPENSSL_cleanse(r->tab, r->max_pending * sizeof(*r->tab));
	free(r->tab);
	free(r->ups);
	OPENSSL_cleanse(r, sizeof(*r));
	free(r);
}

int md_radius_listen_addr(const struct md_radius *r,
			  struct sockaddr_storage *ss, socklen_t *len)
{
	*len = sizeof(*ss);
	if (getsockname(r->lfd, (struct sockaddr *)ss, len))
		return -errno;
	return 0;
}

void md_radius_get_stats(const struct md_radius *r,
			 struct md_radius_stats *st)
{
	*st = r->st;
}

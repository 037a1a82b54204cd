// SPDX-License-Identifier: GPL-2.0
/*
 * The AR -> IS server key delivery link (PROTOCOL.md 2.3): MIHSec_Key_Push
 * and MIHSec_IS_Epoch over TLS 1.3 with mutual X.509 authentication, both
 * ends, on mihsecd's event loop.  See mihf/islink.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "lib/hex.h"
#include "lib/kdf.h"
#include "lib/mih.h"
#include "mihf/islink.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

#define SAN_PREFIX	"mihf:"
#define SAN_PREFIX_LEN	(sizeof(SAN_PREFIX) - 1)
#define OUT_HIGH	65536	/* IS: stop reading while more is unsent */
#define FP_LEN		32

const char *md_islink_status_name(int status)
{
	switch (status) {
	case MD_ISLINK_ST_SUCCESS:	return "success";
	case MD_ISLINK_ST_UNSPECIFIED:	return "unspecified failure";
	case MD_ISLINK_ST_REJECTED:	return "rejected";
	case MD_ISLINK_ST_AUTHZ:	return "authorization failure";
	case MD_ISLINK_ST_NETWORK:	return "network error";
	case MD_ISLINK_ST_AUTHN:	return "authentication failure";
	case MD_ISLINK_ST_LOST:		return "lost (IS server restarted)";
	case MD_ISLINK_ST_CANCELLED:	return "cancelled";
	}
	return "unknown status";
}

/* ======================================================================
 * Codec
 * ====================================================================== */

static int build_err(int err)
{
	return err == MIH_E_NOSPACE ? -ENOSPC : -EINVAL;
}

static bool id_ok(const uint8_t *id, size_t len)
{
	return id && len >= 1 && len <= MIH_MIHF_ID_MAX;
}

static void hdr_init(struct mih_hdr *h, uint8_t op, uint16_t aid,
		     uint16_t tid)
{
	memset(h, 0, sizeof(*h));
	h->version = MIH_VERSION;
	h->sid = MIH_SID_SERVICE_MGMT;
	h->opcode = op;
	h->aid = aid;
	h->tid = tid;
}

static int build_start(struct mih_builder *b, uint8_t *buf, size_t size,
		       uint8_t op, uint16_t aid, uint16_t tid,
		       const uint8_t *src, size_t src_len,
		       const uint8_t *dst, size_t dst_len)
{
	struct mih_hdr h;

	if (!buf || tid > 0xfff || !id_ok(src, src_len) ||
	    !id_ok(dst, dst_len))
		return -EINVAL;
	hdr_init(&h, op, aid, tid);
	mih_builder_init(b, buf, size);
	mih_build_hdr(b, &h);
	mih_build_ids(b, src, src_len, dst, dst_len);
	return 0;
}

static int build_end(struct mih_builder *b)
{
	size_t len;
	int err = mih_build_finish(b, &len);

	if (err)
		return build_err(err);
	if (len > MD_ISLINK_PDU_MAX)
		return -EINVAL;
	return (int)len;
}

int md_islink_push_encode(uint8_t *buf, size_t size,
			  const struct md_islink_push_msg *m)
{
	struct mih_builder b;
	uint8_t ps[2], lt[4];
	int err;

	if (!m || !id_ok(m->mmt_id, m->mmt_id_len) || !m->key ||
	    mihsec_kdf_suite_error(m->profile, m->suite))
		return -EINVAL;
	err = build_start(&b, buf, size, MIH_OP_REQUEST,
			  MD_ISLINK_AID_KEY_PUSH, m->tid, m->src_id,
			  m->src_id_len, m->dst_id, m->dst_id_len);
	if (err)
		return err;
	ps[0] = m->profile;
	ps[1] = m->suite;
	lt[0] = m->lifetime >> 24;
	lt[1] = m->lifetime >> 16;
	lt[2] = m->lifetime >> 8;
	lt[3] = m->lifetime;
	mih_build_tlv(&b, MD_ISLINK_TLV_MMT_MAC, m->mac_mmt, MD_ISLINK_MAC_LEN);
	mih_build_tlv_octet_string(&b, MD_ISLINK_TLV_MMT_ID, m->mmt_id,
				   m->mmt_id_len);
	mih_build_tlv(&b, MD_ISLINK_TLV_PROFILE, ps, sizeof(ps));
	mih_build_tlv(&b, MD_ISLINK_TLV_KEY, m->key, MD_ISLINK_KEY_LEN);
	mih_build_tlv(&b, MD_ISLINK_TLV_LIFETIME, lt, sizeof(lt));
	return build_end(&b);
}

int md_islink_rsp_encode(uint8_t *buf, size_t size,
			 const struct md_islink_rsp_msg *m)
{
	struct mih_builder b;
	int err;

	if (!m || m->status > MD_ISLINK_ST_AUTHN)
		return -EINVAL;
	err = build_start(&b, buf, size, MIH_OP_RESPONSE,
			  MD_ISLINK_AID_KEY_PUSH, m->tid, m->src_id,
			  m->src_id_len, m->dst_id, m->dst_id_len);
	if (err)
		return err;
	mih_build_tlv(&b, MIH_TLV_STATUS, &m->status, 1);
	return build_end(&b);
}

int md_islink_epoch_encode(uint8_t *buf, size_t size,
			   const struct md_islink_epoch_msg *m)
{
	struct mih_builder b;
	int err;

	if (!m)
		return -EINVAL;
	err = build_start(&b, buf, size, MIH_OP_INDICATION,
			  MD_ISLINK_AID_IS_EPOCH, m->tid, m->src_id,
			  m->src_id_len, m->dst_id, m->dst_id_len);
	if (err)
		return err;
	mih_build_tlv(&b, MD_ISLINK_TLV_EPOCH, m->epoch, MD_ISLINK_EPOCH_LEN);
	return build_end(&b);
}

#define BAD(reason) do { *why = (reason); return -EBADMSG; } while (0)

/* Header, IDs, the expected message; leaves an iterator over the body */
static int dec_start(const uint8_t *buf, size_t len, uint8_t op,
		     uint16_t aid, struct mih_pdu *pdu,
		     struct mih_tlv_iter *it, const char **why)
{
	const struct mih_hdr *h = &pdu->hdr;
	int err;

	if (!buf)
		BAD("no buffer");
	if (len > MD_ISLINK_PDU_MAX) {
		*why = "PDU longer than the link allows";
		return -EMSGSIZE;
	}
	err = mih_pdu_parse(buf, len, pdu);
	if (err)
		BAD(mih_strerror(err));
	if (h->ack_req || h->ack_rsp || h->uir || h->more || h->fn ||
	    h->rsvd1 || h->rsvd2)
		BAD("header flags, fragment number or reserved bits set");
	if (h->sid != MIH_SID_SERVICE_MGMT || h->opcode != op ||
	    h->aid != aid)
		BAD("unexpected message identifier");
	if (!pdu->src_id_len || !pdu->dst_id_len)
		BAD("empty MIHF ID");
	mih_tlv_iter_init(it, pdu->body, pdu->body_len);
	return 0;
}

/* The next TLV must be @type with a value of @vlen octets (0: any) */
static int dec_tlv(struct mih_tlv_iter *it, uint8_t type, uint32_t vlen,
		   struct mih_tlv *t, const char **why)
{
	int r = mih_tlv_next(it, t);

	if (r < 0)
		BAD(mih_strerror(r));
	if (r == 0)
		BAD("a TLV is missing");
	if (t->type != type)
		BAD("unexpected TLV (wrong order, or not part of the message)");
	if (vlen && t->len != vlen)
		BAD("TLV value of the wrong length");
	return 0;
}

static int dec_end(struct mih_tlv_iter *it, const char **why)
{
	struct mih_tlv t;
	int r = mih_tlv_next(it, &t);

	if (r < 0)
		BAD(mih_strerror(r));
	if (r > 0)
		BAD("extra TLV after the last one the message has");
	return 0;
}

static const char *dummy_why;

#define WHY(why) ((why) ? (why) : &dummy_why)

int md_islink_push_decode(const uint8_t *buf, size_t len,
			  struct md_islink_push_msg *m, const char **why)
{
	struct mih_tlv_iter it;
	struct mih_pdu pdu;
	struct mih_tlv t;
	int err;

	why = WHY(why);
	*why = NULL;
	memset(m, 0, sizeof(*m));
	err = dec_start(buf, len, MIH_OP_REQUEST, MD_ISLINK_AID_KEY_PUSH,
			&pdu, &it, why);
	if (err)
		return err;
	err = dec_tlv(&it, MD_ISLINK_TLV_MMT_MAC, MD_ISLINK_MAC_LEN, &t,
		      why);
	if (err)
		return err;
	memcpy(m->mac_mmt, t.value, MD_ISLINK_MAC_LEN);
	err = dec_tlv(&it, MD_ISLINK_TLV_MMT_ID, 0, &t, why);
	if (err)
		return err;
	err = mih_mihf_id_decode(&t, &m->mmt_id, &m->mmt_id_len);
	if (err)
		BAD(mih_strerror(err));
	if (!m->mmt_id_len)
		BAD("empty MMT MIHF ID");
	err = dec_tlv(&it, MD_ISLINK_TLV_PROFILE, 2, &t, why);
	if (err)
		return err;
	m->profile = t.value[0];
	m->suite = t.value[1];
	if (mihsec_kdf_suite_error(m->profile, m->suite))
		BAD("unknown profile, or a suite the profile does not allow");
	err = dec_tlv(&it, MD_ISLINK_TLV_KEY, MD_ISLINK_KEY_LEN, &t,
		      why);
	if (err)
		return err;
	m->key = t.value;
	err = dec_tlv(&it, MD_ISLINK_TLV_LIFETIME, 4, &t, why);
	if (err)
		return err;
	m->lifetime = (uint32_t)t.value[0] << 24 | (uint32_t)t.value[1] << 16 |
		      (uint32_t)t.value[2] << 8 | t.value[3];
	err = dec_end(&it, why);
	if (err)
		return err;
	m->tid = pdu.hdr.tid;
	m->src_id = pdu.src_id;
	m->src_id_len = pdu.src_id_len;
	m->dst_id = pdu.dst_id;
	m->dst_id_len = pdu.dst_id_len;
	return 0;
}

int md_islink_rsp_decode(const uint8_t *buf, size_t len,
			 struct md_islink_rsp_msg *m, const char **why)
{
	struct mih_tlv_iter it;
	struct mih_pdu pdu;
	struct mih_tlv t;
	int err;

	why = WHY(why);
	*why = NULL;
	memset(m, 0, sizeof(*m));
	err = dec_start(buf, len, MIH_OP_RESPONSE, MD_ISLINK_AID_KEY_PUSH,
			&pdu, &it, why);
	if (err)
		return err;
	err = dec_tlv(&it, MIH_TLV_STATUS, 1, &t, why);
	if (err)
		return err;
	if (t.value[0] > MD_ISLINK_ST_AUTHN)
		BAD("unknown status");
	err = dec_end(&it, why);
	if (err)
		return err;
	m->status = t.value[0];
	m->tid = pdu.hdr.tid;
	m->src_id = pdu.src_id;
	m->src_id_len = pdu.src_id_len;
	m->dst_id = pdu.dst_id;
	m->dst_id_len = pdu.dst_id_len;
	return 0;
}

int md_islink_epoch_decode(const uint8_t *buf, size_t len,
			   struct md_islink_epoch_msg *m, const char **why)
{
	struct mih_tlv_iter it;
	struct mih_pdu pdu;
	struct mih_tlv t;
	int err;

	why = WHY(why);
	*why = NULL;
	memset(m, 0, sizeof(*m));
	err = dec_start(buf, len, MIH_OP_INDICATION, MD_ISLINK_AID_IS_EPOCH,
			&pdu, &it, why);
	if (err)
		return err;
	err = dec_tlv(&it, MD_ISLINK_TLV_EPOCH, MD_ISLINK_EPOCH_LEN, &t,
		      why);
	if (err)
		return err;
	err = dec_end(&it, why);
	if (err)
		return err;
	memcpy(m->epoch, t.value, MD_ISLINK_EPOCH_LEN);
	m->tid = pdu.hdr.tid;
	m->src_id = pdu.src_id;
	m->src_id_len = pdu.src_id_len;
	m->dst_id = pdu.dst_id;
	m->dst_id_len = pdu.dst_id_len;
	return 0;
}

int md_islink_frame(const uint8_t *buf, size_t len)
{
	size_t total;

	if (len < MIH_HDR_LEN)
		return 0;
	total = MIH_HDR_LEN + ((size_t)buf[6] << 8 | buf[7]);
	if (total > MD_ISLINK_PDU_MAX)
		return -EMSGSIZE;
	return len < total ? 0 : (int)total;
}

/* ======================================================================
 * TLS plumbing shared by both ends
 * ====================================================================== */

/* OpenSSL's reasons, for a log line (empties the error queue) */
static const char *ssl_errs(char *buf, size_t size)
{
	unsigned long e;
	size_t off = 0;

	buf[0] = '\0';
	while ((e = ERR_get_error()) && off + 2 < size) {
		if (off)
			buf[off++] = ';', buf[off++] = ' ';
		ERR_error_string_n(e, buf + off, size - off);
		off += strlen(buf + off);
	}
	if (!off)
		snprintf(buf, size, "no detail");
	return buf;
}

/*
 * A socket BIO that sends with MSG_NOSIGNAL: a peer that went away must
 * not raise SIGPIPE in the daemon.
 */
static BIO_METHOD *nosig_meth;

static int nosig_write(BIO *b, const char *data, int len)
{
	ssize_t n = send((int)(intptr_t)BIO_get_data(b), data, len,
			 MSG_NOSIGNAL);

	BIO_clear_retry_flags(b);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		      errno == EINTR))
		BIO_set_retry_write(b);
	return (int)n;
}

static int nosig_read(BIO *b, char *data, int len)
{
	ssize_t n = recv((int)(intptr_t)BIO_get_data(b), data, len, 0);

	BIO_clear_retry_flags(b);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		      errno == EINTR))
		BIO_set_retry_read(b);
	return (int)n;
}

static long nosig_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int nosig_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

static BIO *nosig_bio(int fd)
{
	BIO *b;

	if (!nosig_meth) {
		nosig_meth = BIO_meth_new(BIO_get_new_index() |
					  BIO_TYPE_SOURCE_SINK,
					  "mihsec islink socket");
		if (!nosig_meth ||
		    !BIO_meth_set_write(nosig_meth, nosig_write) ||
		    !BIO_meth_set_read(nosig_meth, nosig_read) ||
		    !BIO_meth_set_ctrl(nosig_meth, nosig_ctrl) ||
		    !BIO_meth_set_create(nosig_meth, nosig_create)) {
			BIO_meth_free(nosig_meth);
			nosig_meth = NULL;
			return NULL;
		}
	}
	b = BIO_new(nosig_meth);
	if (b)
		BIO_set_data(b, (void *)(intptr_t)fd);
	return b;
}

/* Does @cert carry the URI SAN "mihf:<id>"? */
static bool cert_has_id(X509 *cert, const uint8_t *id, size_t id_len)
{
	GENERAL_NAMES *gens;
	bool found = false;
	int i;

	gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	if (!gens)
		return false;
	for (i = 0; i < sk_GENERAL_NAME_num(gens) && !found; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const unsigned char *s;
		int len;

		if (g->type != GEN_URI)
			continue;
		s = ASN1_STRING_get0_data(g->d.uniformResourceIdentifier);
		len = ASN1_STRING_length(g->d.uniformResourceIdentifier);
		found = len >= 0 && (size_t)len == SAN_PREFIX_LEN + id_len &&
			!memcmp(s, SAN_PREFIX, SAN_PREFIX_LEN) &&
			!memcmp(s + SAN_PREFIX_LEN, id, id_len);
	}
	GENERAL_NAMES_free(gens);
	return found;
}

struct conn;
static int verify_cb(int ok, X509_STORE_CTX *x);

static SSL_CTX *tls_ctx(const struct md_islink_tls *t, bool server,
			bool need_cert)
{
	char e[512];
	SSL_CTX *ctx;

	if (!t->ca_file || (need_cert && (!t->cert_file || !t->key_file))) {
		md_err("islink: certificate, key and CA files are required");
		return NULL;
	}
	ERR_clear_error();
	ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (!ctx)
		goto fail;
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION))
		goto fail;
	if (t->cert_file &&
	    SSL_CTX_use_certificate_chain_file(ctx, t->cert_file) != 1) {
		md_err("islink: certificate %s: %s", t->cert_file,
		       ssl_errs(e, sizeof(e)));
		goto out;
	}
	if (t->key_file &&
	    (SSL_CTX_use_PrivateKey_file(ctx, t->key_file,
					 SSL_FILETYPE_PEM) != 1 ||
	     SSL_CTX_check_private_key(ctx) != 1)) {
		md_err("islink: key %s: %s", t->key_file,
		       ssl_errs(e, sizeof(e)));
		goto out;
	}
	if (SSL_CTX_load_verify_file(ctx, t->ca_file) != 1) {
		md_err("islink: CA file %s: %s", t->ca_file,
		       ssl_errs(e, sizeof(e)));
		goto out;
	}
	if (server) {
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(t->ca_file);

		if (names)
			SSL_CTX_set_client_CA_list(ctx, names);
		SSL_CTX_set_num_tickets(ctx, 0);
	}
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
			   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_cb);
	return ctx;
fail:
	md_err("islink: TLS context: %s", ssl_errs(e, sizeof(e)));
out:
	SSL_CTX_free(ctx);
	return NULL;
}

/* ---- one TLS connection (either end) ---- */

struct conn_ops {
	/* handshake done; return < 0 to close */
	int (*up)(struct conn *c);
	/* one complete PDU; return < 0 to close */
	int (*pdu)(struct conn *c, const uint8_t *pdu, size_t len);
	/* the connection is closed and about to be freed */
	void (*gone)(struct conn *c);
};

struct conn {
	const struct conn_ops *ops;
	void *owner;
	struct md_loop *loop;
	int fd;
	SSL *ssl;
	bool server;
	bool connecting;	/* AR: TCP connect in progress */
	bool hs_done;
	bool closing;
	bool busy;		/* in a callback: conn_run() must not recurse */
	uint32_t events;
	/* pinning: AR side the one expected ID; IS side the allowed list */
	const uint8_t *want_id;
	size_t want_id_len;
	const char *const *allow_ids;
	size_t n_allow;
	int peer_idx;		/* IS: which allowed ID matched */
	bool id_mismatch;
	char addr[64];		/* the peer, for log lines */
	uint8_t in[MD_ISLINK_PDU_MAX];
	size_t in_len;
	uint8_t *out;
	size_t out_len, out_cap;
	struct md_timer *timer;
	struct conn *next;	/* IS: list of connections */
	uint16_t tid;		/* IS: the epoch indication's TID */
};

static int verify_cb(int ok, X509_STORE_CTX *x)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(x,
				SSL_get_ex_data_X509_STORE_CTX_idx());
	struct conn *c = ssl ? SSL_get_app_data(ssl) : NULL;
	X509 *cert;
	size_t i;

	if (!ok || !c || X509_STORE_CTX_get_error_depth(x) != 0)
		return ok;
	cert = X509_STORE_CTX_get_current_cert(x);
	if (c->want_id) {
		if (cert_has_id(cert, c->want_id, c->want_id_len))
			return 1;
	} else {
		for (i = 0; i < c->n_allow; i++)
			if (cert_has_id(cert, (const uint8_t *)c->allow_ids[i],
					strlen(c->allow_ids[i]))) {
				c->peer_idx = (int)i;
				return 1;
			}
	}
	c->id_mismatch = true;
	X509_STORE_CTX_set_error(x, X509_V_ERR_APPLICATION_VERIFICATION);
	return 0;
}

static void conn_io(struct md_loop *loop, int fd, uint32_t ev, void *arg);

static void conn_free(struct conn *c)
{
	if (c->timer)
		md_timer_cancel(c->loop, c->timer);
	if (c->fd >= 0) {
		md_loop_del_fd(c->loop, c->fd);
		close(c->fd);
	}
	SSL_free(c->ssl);
	if (c->out) {
		OPENSSL_cleanse(c->out, c->out_cap);
		free(c->out);
	}
	OPENSSL_cleanse(c->in, sizeof(c->in));
	free(c);
}

/* Close (once): tell the owner, free */
static void conn_close(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	if (c->ssl && c->hs_done) {
		ERR_clear_error();
		SSL_shutdown(c->ssl);	/* close_notify, best effort */
	}
	c->ops->gone(c);
	conn_free(c);
}

/* Append a PDU to the output; flushed by conn_io() */
static int conn_queue(struct conn *c, const uint8_t *data, size_t len)
{
	if (c->out_cap - c->out_len < len) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		uint8_t *n;

		while (cap - c->out_len < len)
			cap *= 2;
		n = malloc(cap);
		if (!n)
			return -ENOMEM;
		if (c->out) {
			memcpy(n, c->out, c->out_len);
			OPENSSL_cleanse(c->out, c->out_cap);
			free(c->out);
		}
		c->out = n;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
	return 0;
}

static void conn_want(struct conn *c, uint32_t events)
{
	if (events != c->events && !md_loop_mod_fd(c->loop, c->fd, events))
		c->events = events;
}

static void log_refusal(struct conn *c, const char *what)
{
	char e[512];
	long vr = c->ssl ? SSL_get_verify_result(c->ssl) : X509_V_OK;

	ssl_errs(e, sizeof(e));
	if (c->id_mismatch)
		md_warn("islink: %s %s: certificate does not carry the "
			"expected MIHF ID (URI SAN \"" SAN_PREFIX "<id>\")",
			what, c->addr);
	else if (vr != X509_V_OK)
		md_warn("islink: %s %s: certificate refused: %s", what,
			c->addr, X509_verify_cert_error_string(vr));
	else
		md_warn("islink: %s %s: TLS failed: %s", what, c->addr, e);
}

/*
 * Drive the connection: handshake, then write what is queued and read
 * what arrived.  Returns 0, or -1 if the connection was closed (freed).
 */
static int conn_run(struct conn *c)
{
	uint32_t want = EPOLLIN;
	int r, e;

	if (c->busy)
		return 0;	/* the running conn_run() flushes the output */
	if (!c->hs_done) {
		ERR_clear_error();
		r = SSL_do_handshake(c->ssl);
		if (r != 1) {
			e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_WANT_READ) {
				conn_want(c, EPOLLIN);
				return 0;
			}
			if (e == SSL_ERROR_WANT_WRITE) {
				conn_want(c, EPOLLIN | EPOLLOUT);
				return 0;
			}
			if (e == SSL_ERROR_SYSCALL && !ERR_peek_error())
				md_notice("islink: %s closed the connection "
					  "during the TLS handshake", c->addr);
			else
				log_refusal(c, c->server ? "AR" : "IS server");
			conn_close(c);
			return -1;
		}
		c->hs_done = true;
		c->busy = true;
		r = c->ops->up(c);
		c->busy = false;
		if (r < 0) {
			conn_close(c);
			return -1;
		}
	}
	for (;;) {
		bool progress = false;

		while (c->out_len) {
			size_t n = 0;

			ERR_clear_error();
			r = SSL_write_ex(c->ssl, c->out, c->out_len, &n);
			if (r == 1) {
				/* what was sent may hold a key: wipe it */
				memmove(c->out, c->out + n, c->out_len - n);
				c->out_len -= n;
				OPENSSL_cleanse(c->out + c->out_len, n);
				progress = true;
				continue;
			}
			e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
				break;
			log_refusal(c, c->server ? "write to AR" :
				    "write to IS server");
			conn_close(c);
			return -1;
		}
		/* back-pressure: an end that does not read gets no more answers */
		while (c->out_len < OUT_HIGH) {
			size_t n = 0;
			int len;

			ERR_clear_error();
			r = SSL_read_ex(c->ssl, c->in + c->in_len,
					sizeof(c->in) - c->in_len, &n);
			if (r != 1) {
				e = SSL_get_error(c->ssl, r);
				if (e == SSL_ERROR_WANT_READ ||
				    e == SSL_ERROR_WANT_WRITE)
					break;
				if (e == SSL_ERROR_ZERO_RETURN ||
				    (e == SSL_ERROR_SYSCALL && !ERR_peek_error()))
					md_notice("islink: %s closed the "
						  "connection", c->addr);
				else
					log_refusal(c, c->server ? "AR" :
						    "IS server");
				conn_close(c);
				return -1;
			}
			c->in_len += n;
			while ((len = md_islink_frame(c->in, c->in_len)) > 0) {
				c->busy = true;
				r = c->ops->pdu(c, c->in, len);
				c->busy = false;
				if (r < 0) {
					conn_close(c);
					return -1;
				}
				memmove(c->in, c->in + len, c->in_len - len);
				c->in_len -= len;
				OPENSSL_cleanse(c->in + c->in_len, len);
				progress = true;
			}
			if (len < 0) {
				md_warn("islink: %s sent a PDU longer than %d "
					"octets", c->addr, MD_ISLINK_PDU_MAX);
				conn_close(c);
				return -1;
			}
		}
		if (!progress || !c->out_len)
			break;
	}
	if (c->out_len)
		want |= EPOLLOUT;
	if (c->out_len >= OUT_HIGH)
		want &= ~EPOLLIN;
	conn_want(c, want);
	return 0;
}

static void conn_io(struct md_loop *loop, int fd, uint32_t ev, void *arg)
{
	struct conn *c = arg;

	(void)loop;
	(void)fd;
	(void)ev;
	conn_run(c);
}

static struct conn *conn_new(struct md_loop *loop, int fd, SSL_CTX *ctx,
			     bool server, const struct conn_ops *ops,
			     void *owner)
{
	struct conn *c = calloc(1, sizeof(*c));
	BIO *bio;

	if (!c)
		return NULL;
	c->ops = ops;
	c->owner = owner;
	c->loop = loop;
	c->fd = -1;
	c->server = server;
	c->peer_idx = -1;
	c->ssl = SSL_new(ctx);
	bio = c->ssl ? nosig_bio(fd) : NULL;
	if (!bio) {
		SSL_free(c->ssl);
		free(c);
		return NULL;
	}
	SSL_set_bio(c->ssl, bio, bio);
	SSL_set_app_data(c->ssl, c);
	if (server)
		SSL_set_accept_state(c->ssl);
	else
		SSL_set_connect_state(c->ssl);
	c->fd = fd;
	return c;
}

static void sock_opts(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
}

static void addr_str(const struct sockaddr_storage *ss, char *buf,
		     size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		port = ntohs(s->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		port = ntohs(s->sin6_port);
	}
	snprintf(buf, size, ss->ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 a, port);
}

/* A numeric address into a sockaddr; -EINVAL if it is not one */
static int parse_addr(const char *s, uint16_t port,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *s4 = (void *)ss;
	struct sockaddr_in6 *s6 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return 0;
	}
	return -EINVAL;
}

static int id_dup(uint8_t *dst, size_t *dst_len, const uint8_t *id,
		  size_t len)
{
	if (!id_ok(id, len))
		return -EINVAL;
	memcpy(dst, id, len);
	*dst_len = len;
	return 0;
}

static void log_keyids(const char *what, const struct mihsec_sa_cfg *cfg)
{
	char tx[2 * MIHSEC_KEYID_LEN + 1], rx[2 * MIHSEC_KEYID_LEN + 1];
	size_t i;

	for (i = 0; i < MIHSEC_KEYID_LEN; i++) {
		snprintf(tx + 2 * i, 3, "%02x", cfg->tx_keyid[i]);
		snprintf(rx + 2 * i, 3, "%02x", cfg->rx_keyid[i]);
	}
	md_info("islink: %s IS SA for MMT %.*s: tx-keyid %s rx-keyid %s",
		what, (int)cfg->peer_id_len, (const char *)cfg->peer_id, tx, rx);
}

/* ======================================================================
 * IS server end
 * ====================================================================== */

struct dup_entry {
	uint8_t tx_keyid[MIHSEC_KEYID_LEN];
	uint8_t rx_keyid[MIHSEC_KEYID_LEN];
	uint8_t fp[FP_LEN];
	uint64_t expires;	/* CLOCK_MONOTONIC ns, 0: never */
};

struct md_islink_is {
	struct md_loop *loop;
	SSL_CTX *ctx;
	int lfd;
	uint16_t port;
	uint8_t id[MIH_MIHF_ID_MAX];
	size_t id_len;
	char **ar_ids;
	size_t n_ar_ids;
	uint8_t paper_addr[16];
	size_t paper_addr_len;
	size_t conn_max;
	uint32_t timeout_ms;
	md_islink_install_cb install;
	void *arg;
	uint8_t epoch[MD_ISLINK_EPOCH_LEN];
	uint8_t fp_key[32];	/* HMAC key of the push fingerprints */
	struct dup_entry *dup;	/* ring, oldest at dup_head */
	size_t dup_max, dup_n, dup_head;
	struct conn *conns;
	struct md_islink_is_stats st;
};

static void is_unlink(struct md_islink_is *is, struct conn *c)
{
	struct conn **pp;

	for (pp = &is->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			is->st.conns--;
			return;
		}
}

static void is_gone(struct conn *c)
{
	struct md_islink_is *is = c->owner;

	if (!c->hs_done || c->peer_idx < 0)
		is->st.refused++;
	else
		md_notice("islink: AR %s (%s) disconnected", c->addr,
			  is->ar_ids[c->peer_idx]);
	is_unlink(is, c);
}

static int is_send(struct conn *c, const uint8_t *pdu, int len)
{
	if (len < 0) {
		md_err("islink: cannot encode a PDU: %s", strerror(-len));
		return len;
	}
	return conn_queue(c, pdu, len);
}

static int is_up(struct conn *c)
{
	struct md_islink_is *is = c->owner;
	const char *ar = c->peer_idx >= 0 ? is->ar_ids[c->peer_idx] : NULL;
	struct md_islink_epoch_msg m = {
		.tid = c->tid,
		.src_id = is->id, .src_id_len = is->id_len,
		.dst_id = (const uint8_t *)ar, .dst_id_len = ar ? strlen(ar) : 0,
	};
	uint8_t pdu[MD_ISLINK_PDU_MAX];

	if (!ar)
		return -EPROTO;	/* cannot happen: the verify callback set it */
	if (c->timer) {
		md_timer_cancel(c->loop, c->timer);
		c->timer = NULL;
	}
	md_notice("islink: AR %s (%s) connected", c->addr, ar);
	memcpy(m.epoch, is->epoch, sizeof(m.epoch));
	return is_send(c, pdu, md_islink_epoch_encode(pdu, sizeof(pdu), &m));
}

/* Keyed fingerprint of a push's content (everything but the TID, IDs) */
static int push_fp(const struct md_islink_is *is,
		   const struct md_islink_push_msg *m, uint8_t fp[FP_LEN])
{
	uint8_t buf[MD_ISLINK_MAC_LEN + 1 + MIH_MIHF_ID_MAX + 2 +
		    MD_ISLINK_KEY_LEN + 4];
	size_t n = 0, out = 0;
	bool ok;

	memcpy(buf, m->mac_mmt, MD_ISLINK_MAC_LEN);
	n += MD_ISLINK_MAC_LEN;
	buf[n++] = (uint8_t)m->mmt_id_len;
	memcpy(buf + n, m->mmt_id, m->mmt_id_len);
	n += m->mmt_id_len;
	buf[n++] = m->profile;
	buf[n++] = m->suite;
	memcpy(buf + n, m->key, MD_ISLINK_KEY_LEN);
	n += MD_ISLINK_KEY_LEN;
	buf[n++] = m->lifetime >> 24;
	buf[n++] = m->lifetime >> 16;
	buf[n++] = m->lifetime >> 8;
	buf[n++] = m->lifetime;
	ok = EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, is->fp_key,
		       sizeof(is->fp_key), buf, n, fp, FP_LEN, &out) &&
	     out == FP_LEN;
	OPENSSL_cleanse(buf, sizeof(buf));
	return ok ? 0 : -EIO;
}

static struct dup_entry *dup_find(struct md_islink_is *is,
				  const struct mihsec_sa_cfg *cfg)
{
	size_t i;

	for (i = 0; i < is->dup_n; i++) {
		struct dup_entry *d = &is->dup[(is->dup_head + i) %
					       is->dup_max];

		if (!memcmp(d->tx_keyid, cfg->tx_keyid, MIHSEC_KEYID_LEN) ||
		    !memcmp(d->rx_keyid, cfg->rx_keyid, MIHSEC_KEYID_LEN) ||
		    !memcmp(d->tx_keyid, cfg->rx_keyid, MIHSEC_KEYID_LEN) ||
		    !memcmp(d->rx_keyid, cfg->tx_keyid, MIHSEC_KEYID_LEN))
			return d;
	}
	return NULL;
}

static void dup_add(struct md_islink_is *is, const struct mihsec_sa_cfg *cfg,
		    const uint8_t fp[FP_LEN], uint32_t lifetime)
{
	struct dup_entry *d;

	if (is->dup_n == is->dup_max) {	/* forget the oldest */
		is->dup_head = (is->dup_head + 1) % is->dup_max;
		is->dup_n--;
	}
	d = &is->dup[(is->dup_head + is->dup_n) % is->dup_max];
	is->dup_n++;
	memcpy(d->tx_keyid, cfg->tx_keyid, MIHSEC_KEYID_LEN);
	memcpy(d->rx_keyid, cfg->rx_keyid, MIHSEC_KEYID_LEN);
	memcpy(d->fp, fp, FP_LEN);
	d->expires = lifetime ? md_now_ns() + lifetime * MD_NSEC_PER_SEC : 0;
}

/* Derive, check for a duplicate, install; returns the Status to answer */
static uint8_t is_push(struct md_islink_is *is, struct conn *c,
		       const struct md_islink_push_msg *m)
{
	const char *ar = is->ar_ids[c->peer_idx];
	struct md_islink_install in;
	struct mihsec_kdf_root root;
	struct mihsec_kdf_keys keys;
	struct mihsec_sa_cfg cfg;
	struct dup_entry *d;
	uint8_t fp[FP_LEN];
	uint8_t st = MD_ISLINK_ST_REJECTED;
	int err;

	memset(&root, 0, sizeof(root));
	memset(&keys, 0, sizeof(keys));
	memset(&cfg, 0, sizeof(cfg));
	if (m->src_id_len != strlen(ar) ||
	    memcmp(m->src_id, ar, m->src_id_len) ||
	    m->dst_id_len != is->id_len ||
	    memcmp(m->dst_id, is->id, is->id_len)) {
		md_warn("islink: push from AR %s (%s) with other MIHF IDs "
			"in the PDU: rejected", c->addr, ar);
		return st;
	}
	if (m->profile == MIHSEC_KDF_V1) {
		err = mihsec_kdf_root_set(&root, MIHSEC_KDF_V1, MIHSEC_KDF_IS,
					  m->key, MD_ISLINK_KEY_LEN);
		if (!err)
			err = mihsec_kdf_sa_keys(&root, m->suite, &keys);
	} else if (is->paper_addr_len) {
		err = mihsec_kdf_is(m->profile, m->suite, m->key,
				    MD_ISLINK_KEY_LEN, m->mac_mmt,
				    is->paper_addr, is->paper_addr_len, &keys);
	} else {
		md_warn("islink: push in profile paper from AR %s, but no IS "
			"address is configured for it: rejected", ar);
		goto out;
	}
	if (!err)
		err = mihsec_kdf_sa_cfg(&keys, MIHSEC_ROLE_NETWORK, is->id,
					is->id_len, m->mmt_id, m->mmt_id_len,
					&cfg);
	if (!err)
		err = push_fp(is, m, fp);
	if (err) {
		md_warn("islink: push from AR %s: cannot derive the IS SA: %s",
			ar, strerror(-err));
		goto out;
	}
	if (m->lifetime) {
		cfg.life.has_hard_secs = true;
		cfg.life.hard_secs = m->lifetime;
	}
	d = dup_find(is, &cfg);
	if (d) {
		bool same = !memcmp(d->tx_keyid, cfg.tx_keyid,
				    MIHSEC_KEYID_LEN) &&
			    !memcmp(d->rx_keyid, cfg.rx_keyid,
				    MIHSEC_KEYID_LEN) &&
			    !CRYPTO_memcmp(d->fp, fp, FP_LEN) &&
			    (!d->expires || md_now_ns() < d->expires);

		if (same) {
			is->st.duplicates++;
			st = MD_ISLINK_ST_SUCCESS;
			log_keyids("duplicate push (already installed):", &cfg);
		} else {
			log_keyids("conflicting push, rejected:", &cfg);
		}
		goto out;
	}
	in = (struct md_islink_install){
		.ar_id = (const uint8_t *)ar, .ar_id_len = strlen(ar),
		.mac_mmt = m->mac_mmt, .profile = m->profile,
		.suite = m->suite, .lifetime = m->lifetime, .cfg = &cfg,
	};
	err = is->install(is->arg, &in);
	if (!err) {
		dup_add(is, &cfg, fp, m->lifetime);
		is->st.installed++;
		st = MD_ISLINK_ST_SUCCESS;
		log_keyids("installed", &cfg);
	} else if (err == -EEXIST) {
		log_keyids("key ID already held, rejected:", &cfg);
	} else {
		md_warn("islink: installing the IS SA failed: %s",
			strerror(-err));
		st = MD_ISLINK_ST_UNSPECIFIED;
	}
out:
	mihsec_kdf_root_wipe(&root);
	mihsec_kdf_keys_wipe(&keys);
	mihsec_sa_cfg_wipe(&cfg);
	OPENSSL_cleanse(fp, sizeof(fp));
	return st;
}

static int is_pdu(struct conn *c, const uint8_t *pdu, size_t len)
{
	struct md_islink_is *is = c->owner;
	const char *ar = is->ar_ids[c->peer_idx];
	struct md_islink_push_msg m;
	struct md_islink_rsp_msg rsp = {
		.src_id = is->id, .src_id_len = is->id_len,
		.dst_id = (const uint8_t *)ar, .dst_id_len = strlen(ar),
	};
	uint8_t out[MD_ISLINK_PDU_MAX];
	struct mih_hdr h;
	const char *why;
	int err;

	if (mih_hdr_decode(pdu, len, &h) < 0 ||
	    mih_hdr_mid(&h) != MIH_MID(MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
				       MD_ISLINK_AID_KEY_PUSH)) {
		md_warn("islink: AR %s (%s) sent something other than a "
			"MIHSec_Key_Push request: closing", c->addr, ar);
		return -EPROTO;
	}
	is->st.pushes++;
	rsp.tid = h.tid;
	err = md_islink_push_decode(pdu, len, &m, &why);
	if (err) {
		md_warn("islink: malformed MIHSec_Key_Push from AR %s: %s",
			ar, why);
		rsp.status = MD_ISLINK_ST_REJECTED;
	} else {
		rsp.status = is_push(is, c, &m);
	}
	if (rsp.status == MD_ISLINK_ST_REJECTED)
		is->st.rejected++;
	return is_send(c, out, md_islink_rsp_encode(out, sizeof(out), &rsp));
}

static const struct conn_ops is_ops = {
	.up = is_up, .pdu = is_pdu, .gone = is_gone,
};

static void is_hs_timeout(struct md_loop *loop, struct md_timer *t,
			  void *arg)
{
	struct conn *c = arg;

	(void)loop;
	(void)t;
	c->timer = NULL;	/* one-shot: freed after this returns */
	md_warn("islink: AR %s: no TLS handshake within %u ms: closing",
		c->addr, ((struct md_islink_is *)c->owner)->timeout_ms);
	conn_close(c);
}

static void is_accept(struct md_loop *loop, int fd, uint32_t ev, void *arg)
{
	struct md_islink_is *is = arg;

	(void)ev;
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct conn *c;
		int s = accept4(fd, (struct sockaddr *)&ss, &sl,
				SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (s < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				md_warn("islink: accept: %s", strerror(errno));
			return;
		}
		is->st.accepted++;
		if (is->st.conns >= is->conn_max) {
			md_warn("islink: %zu AR connections already: refusing "
				"another", is->st.conns);
			is->st.refused++;
			close(s);
			continue;
		}
		sock_opts(s);
		c = conn_new(loop, s, is->ctx, true, &is_ops, is);
		if (!c) {
			close(s);
			continue;
		}
		addr_str(&ss, c->addr, sizeof(c->addr));
		c->allow_ids = (const char *const *)is->ar_ids;
		c->n_allow = is->n_ar_ids;
		c->timer = md_timer_add(loop, is->timeout_ms * MD_NSEC_PER_MSEC,
					0, is_hs_timeout, c);
		if (!c->timer || md_loop_add_fd(loop, s, EPOLLIN, conn_io, c)) {
			c->fd = -1;	/* not registered: close it here */
			close(s);
			conn_free(c);
			continue;
		}
		c->events = EPOLLIN;
		c->next = is->conns;
		is->conns = c;
		is->st.conns++;
		md_debug("islink: TCP connection from %s", c->addr);
		conn_run(c);
	}
}

static void is_free(struct md_islink_is *is)
{
	size_t i;

	while (is->conns)
		conn_close(is->conns);
	if (is->lfd >= 0) {
		md_loop_del_fd(is->loop, is->lfd);
		close(is->lfd);
	}
	SSL_CTX_free(is->ctx);
	for (i = 0; i < is->n_ar_ids; i++)
		free(is->ar_ids[i]);
	free(is->ar_ids);
	if (is->dup) {
		OPENSSL_cleanse(is->dup, is->dup_max * sizeof(*is->dup));
		free(is->dup);
	}
	OPENSSL_cleanse(is, sizeof(*is));
	free(is);
}

static int is_listen(struct md_islink_is *is, const char *addr,
		     uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1, zero = 0, fd, err;

	if (parse_addr(addr ? addr : "::", port, &ss, &sl)) {
		md_err("islink: listen address %s is not a numeric IP address",
		       addr);
		return -EINVAL;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 16)) {
		err = -errno;
		md_err("islink: listen on %s port %u: %s", addr ? addr : "::",
		       port, strerror(-err));
		close(fd);
		return err;
	}
	sl = sizeof(ss);
	if (!getsockname(fd, (struct sockaddr *)&ss, &sl))
		is->port = ntohs(ss.ss_family == AF_INET ?
				 ((struct sockaddr_in *)&ss)->sin_port :
				 ((struct sockaddr_in6 *)&ss)->sin6_port);
	is->lfd = fd;
	err = md_loop_add_fd(is->loop, fd, EPOLLIN, is_accept, is);
	return err;
}

int md_islink_is_start(struct md_loop *loop,
		       const struct md_islink_is_cfg *cfg,
		       md_islink_install_cb install, void *arg,
		       struct md_islink_is **out)
{
	struct md_islink_is *is;
	size_t i;
	int err;

	if (!loop || !cfg || !install || !out || !cfg->n_ar_ids ||
	    !cfg->ar_ids || (cfg->paper_addr_len != 0 &&
			     cfg->paper_addr_len != 4 &&
			     cfg->paper_addr_len != 16))
		return -EINVAL;
	is = calloc(1, sizeof(*is));
	if (!is)
		return -ENOMEM;
	is->loop = loop;
	is->lfd = -1;
	is->install = install;
	is->arg = arg;
	err = id_dup(is->id, &is->id_len, cfg->id, cfg->id_len);
	if (err)
		goto fail;
	is->ar_ids = calloc(cfg->n_ar_ids, sizeof(*is->ar_ids));
	if (!is->ar_ids) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < cfg->n_ar_ids; i++) {
		size_t l = cfg->ar_ids[i] ? strlen(cfg->ar_ids[i]) : 0;

		if (!l || l > MIH_MIHF_ID_MAX) {
			err = -EINVAL;
			goto fail;
		}
		is->ar_ids[i] = strdup(cfg->ar_ids[i]);
		if (!is->ar_ids[i]) {
			err = -ENOMEM;
			goto fail;
		}
		is->n_ar_ids++;
	}
	memcpy(is->paper_addr, cfg->paper_addr, sizeof(is->paper_addr));
	is->paper_addr_len = cfg->paper_addr_len;
	is->conn_max = cfg->conn_max ? cfg->conn_max : MD_ISLINK_CONN_MAX;
	is->dup_max = cfg->dup_max ? cfg->dup_max : MD_ISLINK_DUP_MAX;
	is->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms :
			 MD_ISLINK_TIMEOUT_MS;
	is->dup = calloc(is->dup_max, sizeof(*is->dup));
	if (!is->dup) {
		err = -ENOMEM;
		goto fail;
	}
	if (RAND_bytes(is->epoch, sizeof(is->epoch)) != 1 ||
	    RAND_bytes(is->fp_key, sizeof(is->fp_key)) != 1) {
		err = -EIO;
		goto fail;
	}
	is->ctx = tls_ctx(&cfg->tls, true, true);
	if (!is->ctx) {
		err = -EINVAL;
		goto fail;
	}
	err = is_listen(is, cfg->listen_addr,
			cfg->port ? cfg->port : MD_ISLINK_PORT);
	if (err)
		goto fail;
	md_info("islink: IS server %.*s listening on TCP port %u",
		(int)is->id_len, (const char *)is->id, is->port);
	*out = is;
	return 0;
fail:
	is_free(is);
	return err;
}

void md_islink_is_stop(struct md_islink_is *is)
{
	if (is)
		is_free(is);
}

uint16_t md_islink_is_port(const struct md_islink_is *is)
{
	return is->port;
}

void md_islink_is_epoch(const struct md_islink_is *is,
			uint8_t epoch[MD_ISLINK_EPOCH_LEN])
{
	memcpy(epoch, is->epoch, MD_ISLINK_EPOCH_LEN);
}

void md_islink_is_get_stats(const struct md_islink_is *is,
			    struct md_islink_is_stats *st)
{
	*st = is->st;
}

/* ======================================================================
 * AR end
 * ====================================================================== */

struct push {
	struct push *next;
	int64_t id;
	bool sent;		/* written to the current connection */
	bool written;		/* written to some connection (the epoch's) */
	bool cancelled;		/* sent, then cancelled: await the answer */
	uint16_t tid;
	uint8_t mac[MD_ISLINK_MAC_LEN];
	uint8_t mmt_id[MIH_MIHF_ID_MAX];
	size_t mmt_id_len;
	uint8_t profile, suite;
	uint8_t key[MD_ISLINK_KEY_LEN];
	uint32_t lifetime;
	md_islink_done_cb done;
	void *arg;
};

struct md_islink_ar {
	struct md_loop *loop;
	SSL_CTX *ctx;
	uint8_t id[MIH_MIHF_ID_MAX];
	size_t id_len;
	uint8_t is_id[MIH_MIHF_ID_MAX];
	size_t is_id_len;
	struct sockaddr_storage is_addr;
	socklen_t is_addr_len;
	char addr[64];
	uint32_t backoff_min, backoff_max, timeout_ms;
	uint32_t backoff;	/* the next delay's upper bound, ms */
	struct md_islink_ar_cbs cbs;
	enum md_islink_state state;
	struct conn *conn;
	struct md_timer *retry;
	bool have_epoch, conn_epoch;
	uint8_t epoch[MD_ISLINK_EPOCH_LEN];
	struct push *head, **tail;
	size_t queued, inflight;
	int64_t next_id;
	uint16_t next_tid;
	uint64_t connects, ups, last_delay;
};

static void push_free(struct push *p)
{
	OPENSSL_cleanse(p, sizeof(*p));
	free(p);
}

static void ar_unlink(struct md_islink_ar *ar, struct push *p)
{
	struct push **pp;

	for (pp = &ar->head; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			if (ar->tail == &p->next)
				ar->tail = pp;
			if (p->sent)
				ar->inflight--;
			if (!p->cancelled)
				ar->queued--;
			return;
		}
}

/* Unlink, call back, wipe, free */
static void push_complete(struct md_islink_ar *ar, struct push *p, int st)
{
	md_islink_done_cb done = p->cancelled ? NULL : p->done;
	void *arg = p->arg;

	ar_unlink(ar, p);
	push_free(p);
	if (done)
		done(arg, st);
}

static void ar_set_state(struct md_islink_ar *ar, enum md_islink_state s)
{
	ar->state = s;
	if (ar->cbs.state)
		ar->cbs.state(ar->cbs.arg, s);
}

static void ar_connect(struct md_loop *loop, struct md_timer *t, void *arg);

static void ar_schedule(struct md_islink_ar *ar)
{
	uint32_t d = ar->backoff, r = 0;

	/* uniform in [d/2, d] */
	RAND_bytes((unsigned char *)&r, sizeof(r));
	ar->last_delay = d / 2 + r % (d - d / 2 + 1);
	ar->backoff = ar->backoff > ar->backoff_max / 2 ? ar->backoff_max :
		      ar->backoff * 2;
	ar->retry = md_timer_add(ar->loop, ar->last_delay * MD_NSEC_PER_MSEC,
				 0, ar_connect, ar);
	if (!ar->retry)
		md_err("islink: out of memory: IS server %s not reconnected",
		       ar->addr);
	md_debug("islink: IS server %s: reconnecting in %llu ms", ar->addr,
		 (unsigned long long)ar->last_delay);
	ar_set_state(ar, MD_ISLINK_DOWN);
}

static void ar_gone(struct conn *c)
{
	struct md_islink_ar *ar = c->owner;
	struct push *p;

	ar->conn = NULL;
	for (p = ar->head; p; p = p->next)
		p->sent = false;
	ar->inflight = 0;
	/* sent-then-cancelled pushes have no one left to answer */
	for (p = ar->head; p; ) {
		struct push *n = p->next;

		if (p->cancelled)
			push_complete(ar, p, MD_ISLINK_ST_CANCELLED);
		p = n;
	}
	if (ar->conn_epoch)
		md_notice("islink: IS server %s disconnected", ar->addr);
	ar->conn_epoch = false;
	ar_schedule(ar);
}

/* Arm (or re-arm) the connection's watchdog */
static void ar_watchdog(struct md_islink_ar *ar, bool on);

static bool tid_busy(struct md_islink_ar *ar, uint16_t tid)
{
	struct push *p;

	for (p = ar->head; p; p = p->next)
		if (p->sent && p->tid == tid)
			return true;
	return false;
}

/* Write queued pushes to the connection (up and epoch known) */
static int ar_send(struct md_islink_ar *ar)
{
	uint8_t pdu[MD_ISLINK_PDU_MAX];
	struct conn *c = ar->conn;
	struct push *p;
	bool any = false;
	int len, err;

	if (!c || !ar->conn_epoch)
		return 0;
	for (p = ar->head; p && ar->inflight < MD_ISLINK_INFLIGHT_MAX;
	     p = p->next) {
		struct md_islink_push_msg m;

		if (p->sent || p->cancelled)
			continue;
		do
			ar->next_tid = (ar->next_tid + 1) & 0xfff;
		while (tid_busy(ar, ar->next_tid));
		m = (struct md_islink_push_msg){
			.tid = ar->next_tid,
			.src_id = ar->id, .src_id_len = ar->id_len,
			.dst_id = ar->is_id, .dst_id_len = ar->is_id_len,
			.mmt_id = p->mmt_id, .mmt_id_len = p->mmt_id_len,
			.profile = p->profile, .suite = p->suite,
			.key = p->key, .lifetime = p->lifetime,
		};
		memcpy(m.mac_mmt, p->mac, MD_ISLINK_MAC_LEN);
		len = md_islink_push_encode(pdu, sizeof(pdu), &m);
		err = len < 0 ? len : conn_queue(c, pdu, len);
		OPENSSL_cleanse(pdu, sizeof(pdu));
		if (err)
			return err;
		p->tid = m.tid;
		p->sent = p->written = true;
		ar->inflight++;
		any = true;
	}
	if (any && ar->inflight && !c->timer)
		ar_watchdog(ar, true);
	return 0;
}

static void ar_timeout(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct conn *c = arg;
	struct md_islink_ar *ar = c->owner;

	(void)loop;
	(void)t;
	c->timer = NULL;
	md_warn("islink: IS server %s: %s within %u ms: reconnecting",
		ar->addr, ar->conn_epoch ? "no response" :
		"no connection and epoch", ar->timeout_ms);
	conn_close(c);
}

static void ar_watchdog(struct md_islink_ar *ar, bool on)
{
	struct conn *c = ar->conn;

	if (!c)
		return;
	if (c->timer) {
		md_timer_cancel(ar->loop, c->timer);
		c->timer = NULL;
	}
	if (on)
		c->timer = md_timer_add(ar->loop,
					ar->timeout_ms * MD_NSEC_PER_MSEC, 0,
					ar_timeout, c);
}

static int ar_up(struct conn *c)
{
	struct md_islink_ar *ar = c->owner;

	md_debug("islink: IS server %s: TLS up, waiting for the epoch",
		 ar->addr);
	return 0;
}

static int ar_epoch(struct md_islink_ar *ar, const uint8_t *pdu, size_t len)
{
	struct md_islink_epoch_msg m;
	uint8_t old[MD_ISLINK_EPOCH_LEN];
	const char *why;
	struct push *p;
	bool changed;

	if (md_islink_epoch_decode(pdu, len, &m, &why)) {
		md_warn("islink: IS server %s: bad MIHSec_IS_Epoch: %s",
			ar->addr, why);
		return -EPROTO;
	}
	if (m.src_id_len != ar->is_id_len ||
	    memcmp(m.src_id, ar->is_id, ar->is_id_len) ||
	    m.dst_id_len != ar->id_len || memcmp(m.dst_id, ar->id, ar->id_len)) {
		md_warn("islink: IS server %s: epoch with other MIHF IDs",
			ar->addr);
		return -EPROTO;
	}
	changed = ar->have_epoch && memcmp(ar->epoch, m.epoch, sizeof(old));
	memcpy(old, ar->epoch, sizeof(old));
	memcpy(ar->epoch, m.epoch, sizeof(ar->epoch));
	ar->have_epoch = true;
	ar->conn_epoch = true;
	ar->ups++;
	ar->backoff = ar->backoff_min;
	ar_watchdog(ar, false);
	md_notice("islink: IS server %s (%.*s) up%s", ar->addr,
		  (int)ar->is_id_len, (const char *)ar->is_id,
		  changed ? ", new epoch: it lost the IS SAs pushed before" :
		  "");
	ar_set_state(ar, MD_ISLINK_UP);
	if (changed) {
		ar->cbs.epoch(ar->cbs.arg, old, ar->epoch);
		/* never send old keys to the new instance */
		for (;;) {
			for (p = ar->head; p && !p->written; p = p->next)
				;
			if (!p)
				break;
			push_complete(ar, p, MD_ISLINK_ST_LOST);
		}
	}
	/*
	 * Same epoch: pushes written before go again (the IS server answers
	 * a duplicate with Success).  They stay "written": should a later
	 * connection see another epoch before they are resent, they are lost.
	 */
	return ar_send(ar);
}

static int ar_pdu(struct conn *c, const uint8_t *pdu, size_t len)
{
	struct md_islink_ar *ar = c->owner;
	struct md_islink_rsp_msg m;
	struct mih_hdr h;
	const char *why;
	struct push *p;

	if (mih_hdr_decode(pdu, len, &h) < 0)
		return -EPROTO;
	if (!ar->conn_epoch) {
		if (mih_hdr_mid(&h) != MIH_MID(MIH_SID_SERVICE_MGMT,
					       MIH_OP_INDICATION,
					       MD_ISLINK_AID_IS_EPOCH)) {
			md_warn("islink: IS server %s did not start with "
				"MIHSec_IS_Epoch", ar->addr);
			return -EPROTO;
		}
		return ar_epoch(ar, pdu, len);
	}
	if (md_islink_rsp_decode(pdu, len, &m, &why)) {
		md_warn("islink: IS server %s: unexpected or malformed PDU "
			"(%s): closing", ar->addr, why);
		return -EPROTO;
	}
	if (m.src_id_len != ar->is_id_len ||
	    memcmp(m.src_id, ar->is_id, ar->is_id_len) ||
	    m.dst_id_len != ar->id_len || memcmp(m.dst_id, ar->id, ar->id_len)) {
		md_warn("islink: IS server %s: response with other MIHF IDs: "
			"closing", ar->addr);
		return -EPROTO;
	}
	for (p = ar->head; p; p = p->next)
		if (p->sent && p->tid == m.tid)
			break;
	if (!p) {
		md_warn("islink: IS server %s: response to unknown TID %u",
			ar->addr, m.tid);
		return 0;
	}
	if (m.status != MD_ISLINK_ST_SUCCESS && !p->cancelled)
		md_warn("islink: IS server %s: push for MMT %.*s: %s", ar->addr,
			(int)p->mmt_id_len, (const char *)p->mmt_id,
			md_islink_status_name(m.status));
	push_complete(ar, p, m.status);
	ar_watchdog(ar, ar->inflight > 0);
	return ar_send(ar);
}

static const struct conn_ops ar_ops = {
	.up = ar_up, .pdu = ar_pdu, .gone = ar_gone,
};

/* TCP connect finished (or failed): start TLS */
static void ar_connected(struct md_loop *loop, int fd, uint32_t ev,
			 void *arg)
{
	struct conn *c = arg;
	int err = 0;
	socklen_t l = sizeof(err);

	(void)ev;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) || err) {
		md_debug("islink: IS server %s: connect: %s", c->addr,
			 strerror(err ? err : errno));
		conn_close(c);
		return;
	}
	c->connecting = false;
	md_loop_del_fd(loop, fd);
	if (md_loop_add_fd(loop, fd, EPOLLIN | EPOLLOUT, conn_io, c)) {
		conn_close(c);
		return;
	}
	c->events = EPOLLIN | EPOLLOUT;
	conn_run(c);
}

static void ar_connect(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct md_islink_ar *ar = arg;
	struct conn *c;
	int fd;

	(void)t;
	ar->retry = NULL;
	ar->connects++;
	ar_set_state(ar, MD_ISLINK_CONNECTING);
	fd = socket(ar->is_addr.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		md_warn("islink: socket: %s", strerror(errno));
		ar_schedule(ar);
		return;
	}
	sock_opts(fd);
	c = conn_new(loop, fd, ar->ctx, false, &ar_ops, ar);
	if (!c) {
		close(fd);
		ar_schedule(ar);
		return;
	}
	snprintf(c->addr, sizeof(c->addr), "%s", ar->addr);
	c->want_id = ar->is_id;
	c->want_id_len = ar->is_id_len;
	c->connecting = true;
	if ((connect(fd, (struct sockaddr *)&ar->is_addr, ar->is_addr_len) &&
	     errno != EINPROGRESS) ||
	    md_loop_add_fd(loop, fd, EPOLLOUT, ar_connected, c)) {
		md_debug("islink: IS server %s: connect: %s", ar->addr,
			 strerror(errno));
		c->fd = -1;
		close(fd);
		conn_free(c);
		ar_schedule(ar);
		return;
	}
	c->events = EPOLLOUT;
	ar->conn = c;
	ar_watchdog(ar, true);	/* connect + handshake + epoch */
}

int md_islink_ar_start(struct md_loop *loop,
		       const struct md_islink_ar_cfg *cfg,
		       const struct md_islink_ar_cbs *cbs,
		       struct md_islink_ar **out)
{
	struct md_islink_ar *ar;
	int err;

	if (!loop || !cfg || !cbs || !cbs->epoch || !out || !cfg->is_addr)
		return -EINVAL;
	ar = calloc(1, sizeof(*ar));
	if (!ar)
		return -ENOMEM;
	ar->loop = loop;
	ar->cbs = *cbs;
	ar->tail = &ar->head;
	ar->next_id = 1;
	err = id_dup(ar->id, &ar->id_len, cfg->id, cfg->id_len);
	if (!err)
		err = id_dup(ar->is_id, &ar->is_id_len, cfg->is_id,
			     cfg->is_id_len);
	if (err)
		goto fail;
	if (parse_addr(cfg->is_addr, cfg->port ? cfg->port : MD_ISLINK_PORT,
		       &ar->is_addr, &ar->is_addr_len)) {
		md_err("islink: IS server address %s is not a numeric IP "
		       "address", cfg->is_addr);
		err = -EINVAL;
		goto fail;
	}
	addr_str(&ar->is_addr, ar->addr, sizeof(ar->addr));
	ar->backoff_min = cfg->backoff_min_ms ? cfg->backoff_min_ms :
			  MD_ISLINK_BACKOFF_MIN_MS;
	ar->backoff_max = cfg->backoff_max_ms ? cfg->backoff_max_ms :
			  MD_ISLINK_BACKOFF_MAX_MS;
	if (ar->backoff_max < ar->backoff_min)
		ar->backoff_max = ar->backoff_min;
	ar->backoff = ar->backoff_min;
	ar->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms :
			 MD_ISLINK_TIMEOUT_MS;
	/* no certificate: only to show the IS server refuses that */
	ar->ctx = tls_ctx(&cfg->tls, false, false);
	if (!ar->ctx) {
		err = -EINVAL;
		goto fail;
	}
	ar->retry = md_timer_add(loop, 0, 0, ar_connect, ar);
	if (!ar->retry) {
		err = -ENOMEM;
		goto fail;
	}
	*out = ar;
	return 0;
fail:
	SSL_CTX_free(ar->ctx);
	free(ar);
	return err;
}

void md_islink_ar_stop(struct md_islink_ar *ar)
{
	if (!ar)
		return;
	if (ar->retry)
		md_timer_cancel(ar->loop, ar->retry);
	ar->retry = NULL;
	if (ar->conn) {
		struct conn *c = ar->conn;

		ar->conn = NULL;
		c->closing = true;
		if (c->hs_done) {
			ERR_clear_error();
			SSL_shutdown(c->ssl);
		}
		conn_free(c);
	}
	while (ar->head)
		push_complete(ar, ar->head, MD_ISLINK_ST_CANCELLED);
	SSL_CTX_free(ar->ctx);
	OPENSSL_cleanse(ar, sizeof(*ar));
	free(ar);
}

int64_t md_islink_push(struct md_islink_ar *ar,
		       const uint8_t mac_mmt[MD_ISLINK_MAC_LEN],
		       const uint8_t *mmt_id, size_t mmt_id_len,
		       uint8_t profile, uint8_t suite,
		       const uint8_t key[MD_ISLINK_KEY_LEN], uint32_t lifetime,
		       md_islink_done_cb done, void *arg)
{
	struct push *p;
	int err;

	if (!ar || !mac_mmt || !key || !done || !id_ok(mmt_id, mmt_id_len) ||
	    mihsec_kdf_suite_error(profile, suite))
		return -EINVAL;
	if (ar->queued >= MD_ISLINK_QUEUE_MAX)
		return -ENOBUFS;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->id = ar->next_id++;
	memcpy(p->mac, mac_mmt, MD_ISLINK_MAC_LEN);
	memcpy(p->mmt_id, mmt_id, mmt_id_len);
	p->mmt_id_len = mmt_id_len;
	p->profile = profile;
	p->suite = suite;
	memcpy(p->key, key, MD_ISLINK_KEY_LEN);
	p->lifetime = lifetime;
	p->done = done;
	p->arg = arg;
	*ar->tail = p;
	ar->tail = &p->next;
	ar->queued++;
	err = ar_send(ar);
	if (err)
		md_warn("islink: IS server %s: cannot queue a push: %s",
			ar->addr, strerror(-err));
	else if (ar->conn && ar->conn->out_len)
		conn_run(ar->conn);	/* may close: the push stays queued */
	return p->id;
}

int md_islink_cancel(struct md_islink_ar *ar, int64_t id)
{
	struct push *p;

	for (p = ar->head; p; p = p->next)
		if (p->id == id && !p->cancelled)
			break;
	if (!p)
		return -ENOENT;
	if (p->sent) {
		/* keep its TID busy until the answer; forget the key now */
		p->cancelled = true;
		ar->queued--;
		OPENSSL_cleanse(p->key, sizeof(p->key));
		p->done = NULL;
		return 0;
	}
	ar_unlink(ar, p);
	push_free(p);
	return 0;
}

void md_islink_ar_get_info(const struct md_islink_ar *ar,
			   struct md_islink_ar_info *info)
{
	memset(info, 0, sizeof(*info));
	info->state = ar->state;
	info->have_epoch = ar->have_epoch;
	memcpy(info->epoch, ar->epoch, sizeof(info->epoch));
	info->connects = ar->connects;
	info->ups = ar->ups;
	info->next_delay_ms = ar->last_delay;
	info->queued = ar->queued;
	info->inflight = ar->inflight;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * dtlsmih: the MIH application of the comparison bench (bench/compare).
 * The same MIH PDUs (built with the project's codec, daemon/lib/mih.c)
 * carried either in plain UDP datagrams (what mihsec and IPsec protect
 * underneath, in the kernel) or inside DTLS 1.2 records (OpenSSL 3).
 *
 *   dtlsmih server [--dtls] --bind ADDR [--port P] [--cert F --key F --ca F]
 *                  [--verbose]
 *     Answers every MIH_MN_HO_Candidate_Query.request with a response
 *     (same TID); the handover call flow's requests (MIH_Get_Information,
 *     MIH_MN_HO_Candidate_Query, MIH_MN_HO_Commit, MIH_MN_HO_Complete with
 *     their schema TLVs: they pass mih_msg_parse()) with their schema
 *     responses (Status success and the TLVs below); counts
 *     MIH_Link_Parameters_Report.indication PDUs and
 *     answers MIH_Capability_Discover.request with that count (TLV 151).
 *     UDP: one socket on ADDR:P (default 4551).  DTLS (default port
 *     4552): DTLSv1_listen() with HMAC-SHA256 cookies (a random key per
 *     run) on ADDR:P, then a connected socket per client; mutual
 *     authentication with certificates from --ca; stderr logs "cookie
 *     sent", "cookie verified", "handshake ok" and failures.  Prints
 *     "listening" on stdout when ready.
 *
 *   dtlsmih client [--dtls] --to ADDR [--port P] [--bind-port P]
 *                  [--cert F --key F --ca F] [--sniff IFACE] [--base-port P]
 *                  [--verbose]
 *     Reads commands on stdin, one per line, answers each on stdout:
 *       setup TIMEOUT_MS EXCL [CMD...]
 *           t0 = now; runs CMD (sh -c, not waited for); DTLS: a new
 *           handshake (cookie round included) on a new socket; then one
 *           request every 2 ms (a new TID each; DTLS: once) until the
 *           first response.  With --sniff, a response counts only if the
 *           Key ID of its MIHSec Security TLV (TLV 200), read on IFACE
 *           before the kernel opened it, is not in EXCL (comma list of
 *           16 hex digits, or "-").
 *           -> "setup ok MS T0_REALTIME_US FIRST_REALTIME_US SENT HS_MS"
 *              or "setup timeout SENT"
 *       setupflow TIMEOUT_MS EXCL [CMD...]
 *           the same with the call flow's MIH_Get_Information.request as
 *           the probe, then the flow's other three exchanges right after
 *           the first response -> "setup ok ... HS_MS FLOW_MS" (FLOW_MS:
 *           t0 to the MIH_MN_HO_Complete response, "-" if it failed)
 *       rtt N   N request/response exchanges one after the other
 *           -> "rtt OK LOST US..." (one RTT in microseconds per exchange)
 *       pair N  (with --base-port P) N pairs: one exchange over the
 *           association and one in clear on UDP P (from and to port P)
 *           right after it (even pairs) or right before it (odd pairs)
 *           -> "pair OK LOST US_PROTECTED US_CLEAR ..."
 *       flow N  (with --base-port P) N handover call flows, each four
 *           request/response exchanges one after the other (each request
 *           sent when the previous response, strictly parsed, with the
 *           request's MID and TID and Status success, arrived):
 *           MIH_Get_Information, MIH_MN_HO_Candidate_Query,
 *           MIH_MN_HO_Commit, MIH_MN_HO_Complete; paired like "pair": the
 *           same flow in clear on UDP P right after (even) or before (odd)
 *           -> "flow OK LOST US_PROTECTED US_CLEAR ..." (whole flows)
 *       flood SECS  indications as fast as one sender goes, then asks
 *           the server how many it received
 *           -> "flood SENT RECEIVED SECONDS"
 *       bflood SECS  the same in clear on UDP --base-port
 *       move TIMEOUT_MS  after the MMT's address changed: one request on
 *           the current association; if it gets no answer (DTLS: the
 *           socket is bound to the old address), DTLS recovers with a
 *           new handshake and exchange
 *           -> "move survived MS" | "move recovered MS HS_MS DETECT_MS" |
 *              "move timeout"
 *       sniff on|off  open or close the --sniff socket (set-up runs
 *           need it; it costs a copy of every frame: off for the rest)
 *           -> "sniff ok"
 *       quit
 *     --verbose: "tx HEX" / "rx HEX" for every request and response on
 *     stderr (both modes), for byte-for-byte checks.
 *
 * Cipher: ECDHE-ECDSA-AES128-GCM-SHA256 on group P-256, DTLS 1.2 only,
 * no session tickets (every set-up is a full handshake).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "lib/mih.h"
#include "lib/mihie.h"
#include "lib/mihmsgdef.h"
#include "lib/mihtype.h"

#define TLV_SEQ		150	/* request sequence number, echoed */
#define TLV_COUNT	151	/* indications received (count query) */
#define TLV_DATA	152	/* the message's content (fixed pattern) */
#define REQ_DATA	32	/* octets: a candidate-list sized request */
#define RSP_DATA	48
#define IND_DATA	32
#define CIPHER		"ECDHE-ECDSA-AES128-GCM-SHA256"
#define MAX_CONNS	16

static const char *mmt_id = "mmt1", *ar_id = "ar1";
static bool verbose;

static uint64_t mono_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static uint64_t real_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void hexlog(const char *tag, const uint8_t *b, size_t n)
{
	size_t i;

	if (!verbose)
		return;
	fprintf(stderr, "%s ", tag);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%02x", b[i]);
	fputc('\n', stderr);
}

/* ---- the MIH PDUs -------------------------------------------------- */

static size_t build(uint8_t *buf, size_t size, uint8_t sid, uint8_t op,
		    uint16_t aid, uint16_t tid, bool from_mmt, uint32_t seq,
		    int tlv2, size_t data)
{
	struct mih_hdr h = { .version = MIH_VERSION, .sid = sid, .opcode = op,
			     .aid = aid, .tid = tid & 0xfff };
	struct mih_builder b;
	uint8_t v[4] = { seq >> 24, seq >> 16, seq >> 8, seq };
	uint8_t *d;
	const char *s = from_mmt ? mmt_id : ar_id, *t = from_mmt ? ar_id : mmt_id;
	size_t len = 0, i;

	mih_builder_init(&b, buf, size);
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, s, strlen(s), t, strlen(t));
	mih_build_tlv(&b, tlv2 ? tlv2 : TLV_SEQ, v, 4);
	if (data) {
		d = mih_build_tlv_reserve(&b, TLV_DATA, data);
		for (i = 0; d && i < data; i++)
			d[i] = (uint8_t)(0x40 + i);
	}
	if (mih_build_finish(&b, &len))
		return 0;
	return len;
}

static size_t build_req(uint8_t *buf, size_t size, uint16_t tid, uint32_t seq)
{
	return build(buf, size, MIH_SID_COMMAND, MIH_OP_REQUEST,
		     MIH_AID_MN_HO_CANDIDATE_QUERY, tid, true, seq, 0, REQ_DATA);
}

static size_t build_ind(uint8_t *buf, size_t size, uint32_t seq)
{
	return build(buf, size, MIH_SID_EVENT, MIH_OP_INDICATION,
		     MIH_AID_LINK_PARAMETERS_REPORT, 0, true, seq, 0, IND_DATA);
}

static size_t build_countq(uint8_t *buf, size_t size, uint16_t tid)
{
	return build(buf, size, MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
		     MIH_AID_CAPABILITY_DISCOVER, tid, true, 0, 0, 0);
}

/* the 4-octet value of TLV type in a parsed PDU's body, or -1 */
static int64_t tlv_u32(const struct mih_pdu *p, uint8_t type)
{
	struct mih_tlv t;

	if (mih_tlv_find(p->body, p->body_len, type, &t) != 1 || t.len != 4)
		return -1;
	return (int64_t)t.value[0] << 24 | t.value[1] << 16 |
	       t.value[2] << 8 | t.value[3];
}

/* ---- the handover call flow (MMT <-> its PoS) --------------------------
 * The four request/response exchanges the MMT's MIHF makes in a handover
 * (daemon/mihf/handover.c): the IS query, the candidate query, the commit
 * and the completion, with the TLVs mihsecd puts in them (typed builders of
 * daemon/lib/mihmsgdef.h; the responses as the PoS and IS server answer,
 * same TID).  In this bench the AR answers all four (it is the PoS, the IS
 * server and, for MN_HO_Complete, stands in for the target's PoS).
 */
enum { FLOW_IS, FLOW_CQ, FLOW_COMMIT, FLOW_COMPLETE, FLOW_N };

static const struct {
	uint8_t sid;
	uint16_t aid;
} flow_msg[FLOW_N] = {
	{ MIH_SID_INFO, MIH_AID_GET_INFORMATION },
	{ MIH_SID_COMMAND, MIH_AID_MN_HO_CANDIDATE_QUERY },
	{ MIH_SID_COMMAND, MIH_AID_MN_HO_COMMIT },
	{ MIH_SID_COMMAND, MIH_AID_MN_HO_COMPLETE },
};

/* the MMT's 802.11 link, the serving PoA (ar1's) and the target PoA */
static const uint8_t mmt_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t poa_mac[2][6] = {
	{ 0x02, 0x00, 0x5e, 0x00, 0x01, 0x01 },
	{ 0x02, 0x00, 0x5e, 0x00, 0x01, 0x02 },
};
static struct in_addr pos_addr;		/* the PoS's IP address (the AR) */

static void flow_link(struct mih_link_id *l)
{
	memset(l, 0, sizeof(*l));
	l->type = MIH_LT_802_11;
	l->addr.kind = MIH_LA_MAC;
	memcpy(l->addr.u.mac, mmt_mac, 6);
}

static void flow_poa(struct mih_link_addr *a, int k)
{
	memset(a, 0, sizeof(*a));
	a->kind = MIH_LA_MAC;
	memcpy(a->u.mac, poa_mac[k], 6);
}

static int flow_step(const struct mih_hdr *h)
{
	int k;

	for (k = 0; k < FLOW_N; k++)
		if (h->sid == flow_msg[k].sid && h->aid == flow_msg[k].aid)
			return k;
	return -1;
}

/* request @step of the flow from the MMT: its length, 0 on error */
static size_t build_flow_req(uint8_t *buf, size_t size, int step,
			     uint16_t tid)
{
	static const uint32_t ies[] = {	/* what mihsecd asks the IS for */
		MIH_IE_NETWORK_TYPE, MIH_IE_NETWORK_ID, MIH_IE_POA_LINK_ADDR,
		MIH_IE_POA_IP_ADDR, MIH_IE_POS_IP_ADDR,
	};
	struct mih_iq_bin_data iq;
	struct mih_link_poa_list lp;
	struct mih_tgt_net_info tni;
	struct mih_link_id l;
	struct mih_builder b;
	size_t len = 0, k;

	mih_builder_init(&b, buf, size);
	mih_msg_begin(&b, MIH_MID(flow_msg[step].sid, MIH_OP_REQUEST,
				  flow_msg[step].aid), tid & 0xfff, 0,
		      mmt_id, strlen(mmt_id), ar_id, strlen(ar_id));
	flow_link(&l);
	switch (step) {
	case FLOW_IS:
		memset(&iq, 0, sizeof(iq));
		iq.has_net_type_inc = true;
		iq.net_type_inc = 1u << MIH_NTI_802_11;
		iq.has_rpt_templ = true;
		iq.n_templ = sizeof(ies) / sizeof(ies[0]);
		for (k = 0; k < iq.n_templ; k++)
			iq.templ[k] = ies[k];
		mih_build_list(&b, MIH_TLV_IQ_BIN_DATA_LIST,
			       (mih_put_fn)mih_put_iq_bin_data, &iq,
			       sizeof(iq), 1);
		mih_build_u16(&b, MIH_TLV_MAX_RSP_SIZE, 1400);
		break;
	case FLOW_CQ:
		memset(&lp, 0, sizeof(lp));
		lp.link = l;
		lp.n_poa = 2;
		flow_poa(&lp.poa[0], 0);
		flow_poa(&lp.poa[1], 1);
		mih_build_link_poa_list_list(&b, &lp, 1);
		break;
	case FLOW_COMMIT:
		memset(&tni, 0, sizeof(tni));
		tni.has_poa = true;
		flow_poa(&tni.poa, 1);
		mih_build_link_id(&b, MIH_TLV_MN_LINK_ID, &l);
		mih_build_tgt_net_info(&b, &tni);
		break;
	case FLOW_COMPLETE:
		mih_build_link_id(&b, MIH_TLV_MN_LINK_ID, &l);
		mih_build_u8(&b, MIH_TLV_HO_RESULT, MIH_HO_RESULT_SUCCESS);
		break;
	default:
		return 0;
	}
	if (mih_msg_finish(&b, &len))
		return 0;
	return len;
}

/* the IS answer: one network (802.11, "mihnet") with its two PoAs */
static void build_is_answer(struct mih_builder *b)
{
	struct mih_ie_val v;
	struct mih_ie_wr iw;
	struct mih_wr w;
	uint8_t ir[512], cnt[MIH_LEN_SIZE_MAX], *p;
	size_t irl = 0, cl;
	int k;

	mih_ie_wr_init(&iw, ir, sizeof(ir));
	mih_ie_list_begin(&iw);
	mih_ie_begin(&iw, MIH_IE_CONTAINER_LIST_OF_NETWORKS);
	mih_ie_begin(&iw, MIH_IE_CONTAINER_NETWORK);
	memset(&v, 0, sizeof(v));
	v.type = MIH_IE_NETWORK_TYPE;
	v.u.network_type.has_link_type = true;
	v.u.network_type.link_type = MIH_LT_802_11;
	mih_ie_put(&iw, &v);
	memset(&v, 0, sizeof(v));
	v.type = MIH_IE_NETWORK_ID;
	v.u.str.p = (const uint8_t *)"mihnet";
	v.u.str.len = 6;
	mih_ie_put(&iw, &v);
	for (k = 0; k < 2; k++) {
		mih_ie_begin(&iw, MIH_IE_CONTAINER_POA);
		memset(&v, 0, sizeof(v));
		v.type = MIH_IE_POA_LINK_ADDR;
		flow_poa(&v.u.link_addr, k);
		mih_ie_put(&iw, &v);
		memset(&v, 0, sizeof(v));
		v.type = MIH_IE_POA_IP_ADDR;
		v.u.ip_addr.family = MIH_AF_IPV4;
		memcpy(v.u.ip_addr.a, &pos_addr, 4);
		v.u.ip_addr.a[3] += (uint8_t)(100 + k);	/* the PoAs' */
		mih_ie_put(&iw, &v);
		memset(&v, 0, sizeof(v));
		v.type = MIH_IE_POS_IP_ADDR;
		v.u.ip_addr.family = MIH_AF_IPV4;
		memcpy(v.u.ip_addr.a, &pos_addr, 4);
		mih_ie_put(&iw, &v);
		mih_ie_end(&iw);
	}
	mih_ie_end(&iw);
	mih_ie_end(&iw);
	mih_ie_list_end(&iw);
	if (mih_ie_wr_finish(&iw, &irl)) {
		b->err = MIH_E_INVAL;
		return;
	}
	/* TLV 48: LIST(IR_BIN_DATA) of one */
	mih_wr_init(&w, cnt, sizeof(cnt));
	mih_put_len(&w, 1);
	cl = w.pos;
	p = mih_build_tlv_reserve(b, MIH_TLV_IR_BIN_DATA_LIST,
				  (uint32_t)(cl + irl));
	if (p) {
		memcpy(p, cnt, cl);
		memcpy(p + cl, ir, irl);
	}
}

/* the response to a flow request that parsed (strictly): its length */
static size_t build_flow_rsp(uint8_t *buf, size_t size,
			     const struct mih_msg *q, int step)
{
	struct mih_rq_result rr;
	struct mih_builder b;
	size_t len = 0;

	mih_builder_init(&b, buf, size);
	mih_msg_begin(&b, MIH_MID(flow_msg[step].sid, MIH_OP_RESPONSE,
				  flow_msg[step].aid), q->pdu.hdr.tid, 0,
		      ar_id, strlen(ar_id), q->pdu.src_id,
		      q->pdu.src_id_len);
	mih_build_status(&b, MIH_STATUS_SUCCESS);
	switch (step) {
	case FLOW_IS:
		build_is_answer(&b);
		break;
	case FLOW_CQ:	/* the target PoA has resources */
		memset(&rr, 0, sizeof(rr));
		flow_link(&rr.pref.link);
		rr.pref.n_poa = 1;
		flow_poa(&rr.pref.poa[0], 1);
		mih_build_pref_link_list(&b, &rr, 1);
		break;
	case FLOW_COMMIT:
		mih_build_u8(&b, MIH_TLV_HO_RESULT, MIH_HO_RESULT_SUCCESS);
		break;
	case FLOW_COMPLETE:
		mih_build_bool(&b, MIH_TLV_RESOURCE_RETENTION, false);
		break;
	}
	if (mih_msg_finish(&b, &len))
		return 0;
	return len;
}

/* true if b/n is the (strictly parsed) successful response to request
 * @step with @tid */
static bool flow_rsp_ok(const uint8_t *b, int n, int step, uint16_t tid)
{
	struct mih_msg m;
	uint8_t st = 0xff;

	if (n <= 0 || mih_msg_parse(b, n, &m, NULL) || m.pure_ack ||
	    mih_msg_mid(&m) != MIH_MID(flow_msg[step].sid, MIH_OP_RESPONSE,
				       flow_msg[step].aid) ||
	    m.pdu.hdr.tid != (tid & 0xfff))
		return false;
	return mih_msg_get_u8(&m, MIH_TLV_STATUS, &st) == 1 &&
	       st == MIH_STATUS_SUCCESS;
}

/* ---- DTLS context -------------------------------------------------- */

static uint8_t cookie_key[32];
static bool cookie_seen;

static void ssl_errors(const char *what)
{
	unsigned long e;
	char b[256];

	fprintf(stderr, "dtlsmih: %s failed", what);
	while ((e = ERR_get_error())) {
		ERR_error_string_n(e, b, sizeof(b));
		fprintf(stderr, ": %s", b);
	}
	fputc('\n', stderr);
}

/* HMAC-SHA256(key, address family | port | address) of the peer */
static int cookie_mac(SSL *ssl, unsigned char *out, size_t *outlen)
{
	BIO_ADDR *a = BIO_ADDR_new();
	unsigned char in[2 + 2 + 16];
	size_t alen = 16;
	unsigned short port;
	int ok = 0;

	if (!a)
		return 0;
	if (BIO_dgram_get_peer(SSL_get_rbio(ssl), a) <= 0 ||
	    !BIO_ADDR_rawaddress(a, in + 4, &alen))
		goto out;
	in[0] = (unsigned char)(BIO_ADDR_family(a) >> 8);
	in[1] = (unsigned char)BIO_ADDR_family(a);
	port = BIO_ADDR_rawport(a);
	memcpy(in + 2, &port, 2);
	ok = EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, cookie_key,
		       sizeof(cookie_key), in, 4 + alen, out, 32, outlen) != NULL;
out:
	BIO_ADDR_free(a);
	return ok;
}

static int cookie_generate(SSL *ssl, unsigned char *cookie,
			   unsigned int *len)
{
	size_t n = 0;

	if (!cookie_mac(ssl, cookie, &n))
		return 0;
	*len = (unsigned int)n;
	fprintf(stderr, "dtlsmih: cookie sent\n");
	return 1;
}

static int cookie_verify(SSL *ssl, const unsigned char *cookie,
			 unsigned int len)
{
	unsigned char want[32];
	size_t n = 0;

	if (!cookie_mac(ssl, want, &n) || len != n ||
	    CRYPTO_memcmp(want, cookie, n)) {
		fprintf(stderr, "dtlsmih: cookie rejected\n");
		return 0;
	}
	cookie_seen = true;
	fprintf(stderr, "dtlsmih: cookie verified\n");
	return 1;
}

static SSL_CTX *make_ctx(bool server, const char *cert, const char *key,
			 const char *ca)
{
	SSL_CTX *c = SSL_CTX_new(server ? DTLS_server_method() :
					  DTLS_client_method());

	if (!c ||
	    !SSL_CTX_set_min_proto_version(c, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(c, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(c, CIPHER) ||
	    !SSL_CTX_set1_groups_list(c, "P-256") ||
	    SSL_CTX_use_certificate_chain_file(c, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(c) != 1 ||
	    SSL_CTX_load_verify_locations(c, ca, NULL) != 1) {
		ssl_errors("loading the DTLS context");
		exit(1);
	}
	SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
	SSL_CTX_set_verify(c, SSL_VERIFY_PEER |
			   (server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), NULL);
	if (server) {
		SSL_CTX_set_cookie_generate_cb(c, cookie_generate);
		SSL_CTX_set_cookie_verify_cb(c, cookie_verify);
		SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	}
	return c;
}

/* ---- sockets -------------------------------------------------------- */

static int udp_socket(const char *addr, int port, bool reuse)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0), one = 1, buf = 1 << 22;

	if (s < 0)
		return -1;
	if (addr && inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		close(s);
		return -1;
	}
	if (reuse)
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if ((port || addr) && bind(s, (struct sockaddr *)&a, sizeof(a))) {
		close(s);
		return -1;
	}
	return s;
}

static void set_nonblock(int fd, bool on)
{
	int f = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, on ? f | O_NONBLOCK : f & ~O_NONBLOCK);
}

/* ---- server ----------------------------------------------------------- */

struct sconn {
	int fd;
	SSL *ssl;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * Handle one received PDU; writes the answer (if any) into out.  Returns
 * the answer's length, 0 for none.
 */
static uint32_t ind_count;

static size_t serve_pdu(const uint8_t *in, size_t n, uint8_t *out,
			size_t size)
{
	struct mih_pdu p;
	int64_t seq;

	if (mih_pdu_parse(in, n, &p))
		return 0;
	if (p.hdr.sid == MIH_SID_EVENT && p.hdr.opcode == MIH_OP_INDICATION) {
		ind_count++;
		return 0;
	}
	if (p.hdr.opcode != MIH_OP_REQUEST)
		return 0;
	hexlog("rx", in, n);
	/* a handover call flow request (the bench's own PDUs carry TLVs
	 * 150/152 and no schema TLVs: they do not parse strictly) */
	if (flow_step(&p.hdr) >= 0) {
		struct mih_msg m;

		if (!mih_msg_parse(in, n, &m, NULL)) {
			n = build_flow_rsp(out, size, &m, flow_step(&p.hdr));
			hexlog("tx", out, n);
			return n;
		}
	}
	if (p.hdr.sid == MIH_SID_SERVICE_MGMT &&
	    p.hdr.aid == MIH_AID_CAPABILITY_DISCOVER)
		return build(out, size, MIH_SID_SERVICE_MGMT, MIH_OP_RESPONSE,
			     MIH_AID_CAPABILITY_DISCOVER, p.hdr.tid, false,
			     ind_count, TLV_COUNT, 0);
	seq = tlv_u32(&p, TLV_SEQ);
	n = build(out, size, p.hdr.sid, MIH_OP_RESPONSE, p.hdr.aid, p.hdr.tid,
		  false, seq < 0 ? 0 : (uint32_t)seq, 0, RSP_DATA);
	hexlog("tx", out, n);
	return n;
}

static void sconn_free(struct sconn *c)
{
	SSL_free(c->ssl);
	close(c->fd);
	c->ssl = NULL;
	c->fd = -1;
}

/* the ClientHello passed the cookie check: finish on a connected socket */
static void dtls_accept(SSL *ssl, const char *bind_addr, int port,
			BIO_ADDR *peer, struct sconn *conns)
{
	struct sockaddr_in pa = { .sin_family = AF_INET };
	size_t alen = sizeof(pa.sin_addr);
	char name[INET_ADDRSTRLEN];
	X509 *pc;
	int fd, i, r;

	BIO_ADDR_rawaddress(peer, &pa.sin_addr, &alen);
	pa.sin_port = BIO_ADDR_rawport(peer);
	inet_ntop(AF_INET, &pa.sin_addr, name, sizeof(name));
	fd = udp_socket(bind_addr, port, true);
	if (fd < 0 || connect(fd, (struct sockaddr *)&pa, sizeof(pa))) {
		perror("dtlsmih: connected socket");
		if (fd >= 0)
			close(fd);
		SSL_free(ssl);
		return;
	}
	BIO_set_fd(SSL_get_rbio(ssl), fd, BIO_NOCLOSE);
	BIO_ctrl(SSL_get_rbio(ssl), BIO_CTRL_DGRAM_SET_CONNECTED, 0, peer);
	r = SSL_accept(ssl);
	if (r != 1) {
		ssl_errors("handshake (server)");
		fprintf(stderr, "dtlsmih: handshake failed with %s:%u\n", name,
			ntohs(pa.sin_port));
		SSL_free(ssl);
		close(fd);
		return;
	}
	pc = SSL_get1_peer_certificate(ssl);
	fprintf(stderr, "dtlsmih: handshake ok with %s:%u cipher %s cookie %s peer %s\n",
		name, ntohs(pa.sin_port), SSL_get_cipher_name(ssl),
		cookie_seen ? "verified" : "none",
		pc ? X509_NAME_oneline(X509_get_subject_name(pc), NULL, 0) : "?");
	X509_free(pc);
	cookie_seen = false;
	set_nonblock(fd, true);
	for (i = 0; i < MAX_CONNS && conns[i].ssl; i++)
		;
	if (i == MAX_CONNS) {	/* full: drop the first */
		sconn_free(&conns[0]);
		i = 0;
	}
	conns[i].fd = fd;
	conns[i].ssl = ssl;
}

static int server(bool dtls, const char *bind_addr, int port,
		  const char *cert, const char *key, const char *ca)
{
	struct sconn conns[MAX_CONNS];
	struct pollfd pf[MAX_CONNS + 1];
	uint8_t in[4096], out[4096];
	SSL_CTX *ctx = NULL;
	SSL *lssl = NULL;
	BIO_ADDR *peer = BIO_ADDR_new();
	int lfd, i, n, r;

	for (i = 0; i < MAX_CONNS; i++) {
		conns[i].fd = -1;
		conns[i].ssl = NULL;
	}
	lfd = udp_socket(bind_addr, port, true);
	if (lfd < 0) {
		perror("dtlsmih: server socket");
		return 1;
	}
	set_nonblock(lfd, true);
	if (dtls) {
		if (RAND_bytes(cookie_key, sizeof(cookie_key)) != 1)
			return 1;
		ctx = make_ctx(true, cert, key, ca);
	}
	printf("listening\n");
	fflush(stdout);
	while (!stop) {
		if (dtls && !lssl) {
			BIO *b = BIO_new_dgram(lfd, BIO_NOCLOSE);

			lssl = SSL_new(ctx);
			if (!b || !lssl)
				return 1;
			SSL_set_bio(lssl, b, b);
			SSL_set_options(lssl, SSL_OP_COOKIE_EXCHANGE);
		}
		pf[0].fd = lfd;
		pf[0].events = POLLIN;
		for (i = 0; i < MAX_CONNS; i++) {
			pf[i + 1].fd = conns[i].fd;
			pf[i + 1].events = POLLIN;
		}
		if (poll(pf, MAX_CONNS + 1, 500) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (pf[0].revents & POLLIN) {
			if (!dtls) {
				struct sockaddr_in from;
				socklen_t fl;

				for (;;) {
					fl = sizeof(from);
					n = recvfrom(lfd, in, sizeof(in), 0,
						     (struct sockaddr *)&from, &fl);
					if (n <= 0)
						break;
					n = serve_pdu(in, n, out, sizeof(out));
					if (n)
						sendto(lfd, out, n, 0,
						       (struct sockaddr *)&from, fl);
				}
			} else {
				r = DTLSv1_listen(lssl, peer);
				if (r > 0) {
					dtls_accept(lssl, bind_addr, port, peer,
						    conns);
					lssl = NULL;
				} else if (r < 0) {
					ssl_errors("DTLSv1_listen");
					SSL_free(lssl);
					lssl = NULL;
				}
			}
		}
		for (i = 0; dtls && i < MAX_CONNS; i++) {
			if (!conns[i].ssl || !(pf[i + 1].revents & (POLLIN | POLLERR)))
				continue;
			for (;;) {
				n = SSL_read(conns[i].ssl, in, sizeof(in));
				if (n <= 0) {
					int e = SSL_get_error(conns[i].ssl, n);

					if (e != SSL_ERROR_WANT_READ) {
						if (e != SSL_ERROR_ZERO_RETURN)
							ssl_errors("SSL_read (server)");
						sconn_free(&conns[i]);
					}
					break;
				}
				n = serve_pdu(in, n, out, sizeof(out));
				if (n && SSL_write(conns[i].ssl, out, n) <= 0) {
					ssl_errors("SSL_write (server)");
					sconn_free(&conns[i]);
					break;
				}
			}
		}
	}
	for (i = 0; i < MAX_CONNS; i++)
		if (conns[i].ssl) {
			SSL_shutdown(conns[i].ssl);
			sconn_free(&conns[i]);
		}
	SSL_free(lssl);
	SSL_CTX_free(ctx);
	BIO_ADDR_free(peer);
	close(lfd);
	fprintf(stderr, "dtlsmih: server: %u indications received\n", ind_count);
	return 0;
}

/* ---- client ------------------------------------------------------------ */

struct client {
	bool dtls;
	struct sockaddr_in to;
	int bind_port;
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;
	int sniff;		/* AF_PACKET socket on the MMT's interface */
	const char *sniff_if;
	int base;		/* plain UDP socket for the clear baseline */
	struct sockaddr_in base_to;
	uint8_t rkey[4096][8];	/* Key ID of the last response per TID */
	bool rkey_ok[4096];
	uint16_t tid;
	uint32_t seq;
	double hs_ms;		/* the last handshake */
};

static void sniff_drain(struct client *c)
{
	uint8_t b[2048];
	struct sockaddr_ll ll;
	socklen_t sl;
	struct mih_pdu p;
	struct mih_tlv t;
	ssize_t n;
	size_t ihl;
	uint16_t tid;

	while (c->sniff >= 0) {
		sl = sizeof(ll);
		n = recvfrom(c->sniff, b, sizeof(b), MSG_DONTWAIT,
			     (struct sockaddr *)&ll, &sl);
		if (n <= 0)
			return;
		if (ll.sll_pkttype == PACKET_OUTGOING || n < 28 || b[9] != 17)
			continue;
		ihl = (b[0] & 15) * 4;
		if ((size_t)n < ihl + 8 + MIH_HDR_LEN ||
		    memcmp(b + 12, &c->to.sin_addr, 4) ||
		    memcmp(b + ihl, &c->to.sin_port, 2))
			continue;
		/* the protected form parses as a PDU whose body is TLVs 200, 201 */
		if (mih_pdu_parse(b + ihl + 8, n - ihl - 8, &p))
			continue;
		tid = p.hdr.tid & 0xfff;
		c->rkey_ok[tid] = false;
		if (mih_tlv_find(p.body, p.body_len, 200, &t) == 1 && t.len >= 10) {
			memcpy(c->rkey[tid], t.value + 2, 8);
			c->rkey_ok[tid] = true;
		}
	}
}

/* true if TID's response was protected under a key ID not in excl */
static bool key_new(struct client *c, uint16_t tid, const char *excl)
{
	char hex[17];
	int i;

	if (c->sniff < 0)
		return true;
	sniff_drain(c);
	if (!c->rkey_ok[tid & 0xfff])
		return false;
	for (i = 0; i < 8; i++)
		sprintf(hex + 2 * i, "%02x", c->rkey[tid & 0xfff][i]);
	return !strstr(excl, hex);
}

/* the AF_PACKET socket of --sniff: on for set-up runs only (it sees, and
 * costs a clone of, every frame on the interface) */
static int sniff_set(struct client *c, bool on)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IP) };

	if (c->sniff >= 0)
		close(c->sniff);
	c->sniff = -1;
	if (!on || !c->sniff_if)
		return 0;
	ll.sll_ifindex = if_nametoindex(c->sniff_if);
	c->sniff = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	if (c->sniff < 0 || !ll.sll_ifindex ||
	    bind(c->sniff, (struct sockaddr *)&ll, sizeof(ll))) {
		perror("dtlsmih: --sniff");
		return -1;
	}
	return 0;
}

static void client_close(struct client *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* a new association: UDP socket, or a DTLS handshake; 0 on success */
static int client_open(struct client *c)
{
	uint64_t t;
	BIO *b;
	int r;

	client_close(c);
	c->fd = udp_socket(NULL, c->bind_port, true);
	if (c->fd < 0)
		return -1;
	if (!c->dtls) {
		set_nonblock(c->fd, true);
		return 0;
	}
	t = mono_us();
	if (connect(c->fd, (struct sockaddr *)&c->to, sizeof(c->to)))
		return -1;
	c->ssl = SSL_new(c->ctx);
	b = BIO_new_dgram(c->fd, BIO_NOCLOSE);
	if (!c->ssl || !b)
		return -1;
	BIO_ctrl(b, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &c->to);
	SSL_set_bio(c->ssl, b, b);
	SSL_set1_host(c->ssl, ar_id);
	r = SSL_connect(c->ssl);
	c->hs_ms = (mono_us() - t) / 1000.0;
	if (r != 1) {
		ssl_errors("handshake (client)");
		SSL_free(c->ssl);
		c->ssl = NULL;
		return -1;
	}
	if (verbose)
		fprintf(stderr, "dtlsmih: handshake ok cipher %s in %.3f ms\n",
			SSL_get_cipher_name(c->ssl), c->hs_ms);
	set_nonblock(c->fd, true);
	return 0;
}

static int c_send(struct client *c, const uint8_t *b, size_t n)
{
	if (c->fd < 0)
		return -1;
	if (c->dtls)
		return c->ssl && SSL_write(c->ssl, b, n) == (int)n ? 0 : -1;
	return sendto(c->fd, b, n, 0, (struct sockaddr *)&c->to,
		      sizeof(c->to)) == (ssize_t)n ? 0 : -1;
}

/* one PDU within timeout_us: length, 0 timeout, < 0 error */
static int c_recv(struct client *c, uint8_t *b, size_t size,
		  int64_t timeout_us)
{
	uint64_t end = mono_us() + timeout_us;
	struct pollfd pf = { .fd = c->fd, .events = POLLIN };
	int n;

	if (c->fd < 0)
		return -1;
	for (;;) {
		if (c->dtls) {
			if (!c->ssl)
				return -1;
			n = SSL_read(c->ssl, b, size);
			if (n > 0)
				return n;
			if (SSL_get_error(c->ssl, n) != SSL_ERROR_WANT_READ)
				return -1;
		} else {
			n = recv(c->fd, b, size, 0);
			if (n > 0)
				return n;
			if (n < 0 && errno != EAGAIN)
				return -1;
		}
		int64_t left = (int64_t)(end - mono_us());

		if (left <= 0)
			return 0;
		pf.revents = 0;
		poll(&pf, 1, (int)((left + 999) / 1000));
	}
}

/* a response to one of our requests sent since tid_lo: its TID, or -1 */
static int is_response(const uint8_t *b, int n, uint16_t tid_lo, uint16_t tid_hi)
{
	struct mih_pdu p;
	uint16_t t;

	if (mih_pdu_parse(b, n, &p) || p.hdr.opcode != MIH_OP_RESPONSE ||
	    (p.hdr.sid != MIH_SID_COMMAND && p.hdr.sid != MIH_SID_INFO))
		return -1;
	t = p.hdr.tid;
	/* TIDs tid_lo + 1 .. tid_hi, modulo 4096, skipping 0 */
	if (((t - tid_lo) & 0xfff) == 0 || ((t - tid_lo) & 0xfff) > ((tid_hi - tid_lo) & 0xfff))
		return -1;
	return t;
}

static uint16_t next_tid(struct client *c)
{
	c->tid = (c->tid + 1) & 0xfff;
	if (!c->tid)
		c->tid = 1;
	return c->tid;
}

static pid_t spawn(const char *cmd)
{
	pid_t p;

	if (!cmd || !*cmd)
		return 0;
	p = fork();
	if (p == 0) {
		int fd = open("/dev/null", O_RDWR);

		dup2(fd, 0);
		dup2(fd, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return p;
}

/*
 * Requests (every interval_us; once for DTLS) until a response to one of
 * them (with --sniff: under a new key ID); returns its arrival (mono us)
 * or 0 on timeout.
 */
static uint64_t first_response(struct client *c, uint64_t end,
			       const char *excl, unsigned int *sent, bool flow)
{
	uint8_t q[512], r[4096];
	uint16_t lo = c->tid;
	uint64_t nxt = 0, now;
	size_t qn;
	int n, t;

	for (;;) {
		now = mono_us();
		if (now >= end)
			return 0;
		if (now >= nxt && (!c->dtls || !*sent)) {
			if (flow) {
				qn = build_flow_req(q, sizeof(q), FLOW_IS,
						    next_tid(c));
				++c->seq;
			} else {
				qn = build_req(q, sizeof(q), next_tid(c),
					       ++c->seq);
			}
			hexlog("tx", q, qn);
			if (c_send(c, q, qn) == 0)
				(*sent)++;
			else if (c->dtls)
				return 0;	/* e.g. the source address left */
			nxt = now + 2000;
		}
		if (c->dtls)
			n = c_recv(c, r, sizeof(r), end - now);
		else
			n = c_recv(c, r, sizeof(r),
				   (int64_t)(nxt > now ? nxt - now : 0) + 1);
		if (n < 0 && c->dtls)
			return 0;
		if (n <= 0)
			continue;
		t = is_response(r, n, lo, c->tid);
		if (t >= 0 && flow && !flow_rsp_ok(r, n, FLOW_IS, t))
			continue;
		if (t >= 0 && key_new(c, t, excl)) {
			hexlog("rx", r, n);
			return mono_us();
		}
	}
}

/*
 * One exchange of the handover call flow over the association: request
 * @step, then the response with its MID and TID (anything else received
 * meanwhile, e.g. a late answer to a set-up probe, is skipped).  0 or -1.
 */
static int flow_exchange(struct client *c, int step, uint64_t end)
{
	uint8_t q[1024], r[4096];
	uint16_t tid = next_tid(c);
	size_t qn = build_flow_req(q, sizeof(q), step, tid);
	int64_t left;
	int n;

	if (!qn || c_send(c, q, qn))
		return -1;
	hexlog("tx", q, qn);
	for (;;) {
		left = (int64_t)(end - mono_us());
		if (left <= 0)
			return -1;
		n = c_recv(c, r, sizeof(r), left);
		if (n <= 0)
			return -1;
		if (flow_rsp_ok(r, n, step, tid)) {
			hexlog("rx", r, n);
			return 0;
		}
	}
}

/* exchanges from..FLOW_N-1, each sent when the previous answer came:
 * their end (mono us), or 0 */
static uint64_t flow_run(struct client *c, int from)
{
	uint64_t end = mono_us() + 2000000;
	int k;

	for (k = from; k < FLOW_N; k++)
		if (flow_exchange(c, k, end))
			return 0;
	return mono_us();
}

/* the whole flow in clear on the baseline socket: us, or 0 */
static uint32_t base_flow(struct client *c)
{
	struct sockaddr_in to = c->to;
	bool dtls = c->dtls;
	int fd = c->fd;
	uint64_t t, e;

	c->dtls = false;
	c->fd = c->base;
	c->to = c->base_to;
	set_nonblock(c->fd, true);
	t = mono_us();
	e = flow_run(c, 0);
	c->dtls = dtls;
	c->fd = fd;
	c->to = to;
	return e ? (uint32_t)(e - t) : 0;
}

/*
 * N handover call flows paired like "pair": one over the association and
 * one in clear on the baseline socket right after it (even) or right
 * before it (odd): "flow OK LOST US_PROTECTED US_CLEAR ..." (whole flows)
 */
static void cmd_flow(struct client *c, unsigned int count)
{
	uint32_t *us = calloc(2 * count + 2, sizeof(*us)), b;
	unsigned int i, ok = 0, lost = 0;
	uint64_t t, e;

	for (i = 0; us && c->base >= 0 && i < count; i++) {
		b = i & 1 ? base_flow(c) : 1;
		t = mono_us();
		e = b ? flow_run(c, 0) : 0;
		if (!e) {
			lost++;
			continue;
		}
		us[2 * ok] = (uint32_t)(e - t);
		if (!(i & 1))
			b = base_flow(c);
		if (!b) {
			lost++;
			continue;
		}
		us[2 * ok + 1] = b;
		ok++;
	}
	if (c->base < 0)
		printf("error no --base-port\n");
	else {
		printf("flow %u %u", ok, lost);
		for (i = 0; i < ok; i++)
			printf(" %u %u", us[2 * i], us[2 * i + 1]);
		printf("\n");
	}
	free(us);
}

static void cmd_setup(struct client *c, char *args, bool flow)
{
	char *sp = NULL, *tmo = strtok_r(args, " ", &sp),
	     *excl = strtok_r(NULL, " ", &sp), *cmd = sp;
	uint64_t t0m, t0r, end, first;
	unsigned int sent = 0;
	double hs = 0;

	if (!tmo || !excl) {
		printf("error usage\n");
		return;
	}
	if (c->dtls)		/* close the old one before t0 */
		client_close(c);
	t0m = mono_us();
	t0r = real_us();
	end = t0m + strtoull(tmo, NULL, 10) * 1000;
	spawn(cmd);
	if (c->dtls || c->fd < 0) {
		if (client_open(c)) {
			printf("setup timeout 0\n");
			return;
		}
		hs = c->dtls ? c->hs_ms : 0;
	}
	first = first_response(c, end, excl, &sent, flow);
	if (!first) {
		printf("setup timeout %u\n", sent);
		return;
	}
	printf("setup ok %.3f %llu %llu %u %.3f", (first - t0m) / 1000.0,
	       (unsigned long long)t0r,
	       (unsigned long long)(t0r + (first - t0m)), sent, hs);
	if (flow) {	/* the rest of the call flow right after */
		uint64_t e = flow_run(c, FLOW_CQ);

		if (e)
			printf(" %.3f", (e - t0m) / 1000.0);
		else
			printf(" -");
	}
	printf("\n");
}

/* one request/response over the association: RTT us, or 0 if lost */
static uint32_t exchange(struct client *c)
{
	uint8_t q[512], r[4096];
	uint16_t lo = c->tid;
	size_t qn = build_req(q, sizeof(q), next_tid(c), ++c->seq);
	uint64_t t;
	int n;

	hexlog("tx", q, qn);
	t = mono_us();
	if (c_send(c, q, qn))
		return 0;
	do {
		n = c_recv(c, r, sizeof(r), 1000000 - (int64_t)(mono_us() - t));
	} while (n > 0 && is_response(r, n, lo, c->tid) != c->tid);
	if (n <= 0)
		return 0;
	t = mono_us() - t;
	hexlog("rx", r, n);
	return t ? (uint32_t)t : 1;
}

static void cmd_rtt(struct client *c, unsigned int count)
{
	unsigned int i, ok = 0, lost = 0;
	uint32_t *us = calloc(count + 1, sizeof(*us)), e;

	for (i = 0; us && i < count; i++) {
		e = exchange(c);
		if (!e) {
			lost++;
			continue;
		}
		us[ok++] = e;
	}
	printf("rtt %u %u", ok, lost);
	for (i = 0; i < ok; i++)
		printf(" %u", us[i]);
	printf("\n");
	free(us);
}

/* one exchange in clear on the baseline socket: RTT us, or 0 */
static uint32_t base_exchange(struct client *c)
{
	uint8_t q[512], r[4096];
	struct pollfd pf = { .fd = c->base, .events = POLLIN };
	struct mih_pdu p;
	uint16_t tid = next_tid(c);
	uint64_t t = mono_us();
	size_t qn = build_req(q, sizeof(q), tid, ++c->seq);
	int n;

	if (sendto(c->base, q, qn, 0, (struct sockaddr *)&c->base_to,
		   sizeof(c->base_to)) != (ssize_t)qn)
		return 0;
	while (mono_us() - t < 1000000) {
		n = recv(c->base, r, sizeof(r), MSG_DONTWAIT);
		if (n > 0 && !mih_pdu_parse(r, n, &p) && p.hdr.tid == tid &&
		    p.hdr.opcode == MIH_OP_RESPONSE)
			return (uint32_t)(mono_us() - t);
		if (n <= 0)
			poll(&pf, 1, 100);
	}
	return 0;
}

/*
 * N pairs: one exchange over the association and one in clear on the
 * baseline socket right before or after it (alternately), same
 * namespaces, same moment: "pair OK LOST P B ..."
 */
static void cmd_pair(struct client *c, unsigned int count)
{
	unsigned int i, ok = 0, lost = 0;
	uint32_t *us = calloc(2 * count + 2, sizeof(*us)), b, e;

	for (i = 0; us && c->base >= 0 && i < count; i++) {
		/* every other pair the clear exchange goes first: no bias
		 * from the position in the pair */
		b = i & 1 ? base_exchange(c) : 1;
		e = b ? exchange(c) : 0;
		if (e && !(i & 1))
			b = base_exchange(c);
		if (!e || !b) {
			lost++;
			continue;
		}
		us[2 * ok] = e;
		us[2 * ok + 1] = b;
		ok++;
	}
	printf("pair %u %u", ok, lost);
	for (i = 0; i < ok; i++)
		printf(" %u %u", us[2 * i], us[2 * i + 1]);
	printf("\n");
	free(us);
}

/* the server's indication count: -1 if it does not answer */
static int64_t query_count(struct client *c)
{
	uint8_t q[128], r[4096];
	struct mih_pdu p;
	uint64_t end = mono_us() + 3000000;
	int n, i;

	for (i = 0; mono_us() < end; i++) {
		uint16_t tid = next_tid(c);

		n = build_countq(q, sizeof(q), tid);
		c_send(c, q, n);
		while ((n = c_recv(c, r, sizeof(r), 100000)) > 0)
			if (!mih_pdu_parse(r, n, &p) && p.hdr.tid == tid &&
			    p.hdr.aid == MIH_AID_CAPABILITY_DISCOVER &&
			    p.hdr.opcode == MIH_OP_RESPONSE)
				return tlv_u32(&p, TLV_COUNT);
		if (n < 0)
			return -1;
	}
	return -1;
}

static void cmd_flood(struct client *c, double secs)
{
	uint8_t b[512];
	uint64_t t0, end, t1;
	unsigned long sent = 0;
	int64_t c0, c1;
	size_t n;

	c0 = query_count(c);
	set_nonblock(c->fd, false);
	t0 = mono_us();
	end = t0 + (uint64_t)(secs * 1e6);
	do {
		n = build_ind(b, sizeof(b), (uint32_t)sent);
		for (int i = 0; i < 64; i++)
			if (c_send(c, b, n) == 0)
				sent++;
		t1 = mono_us();
	} while (t1 < end);
	set_nonblock(c->fd, true);
	usleep(200000);
	c1 = query_count(c);
	printf("flood %lu %lld %.3f\n", sent,
	       c0 < 0 || c1 < 0 ? -1LL : (long long)(c1 - c0), (t1 - t0) / 1e6);
}

/* the same flood in clear on the baseline socket (UDP --base-port) */
static void cmd_bflood(struct client *c, double secs)
{
	struct sockaddr_in to = c->to;
	bool dtls = c->dtls;
	int fd = c->fd;

	if (c->base < 0) {
		printf("error no --base-port\n");
		return;
	}
	c->dtls = false;
	c->fd = c->base;
	c->to = c->base_to;
	cmd_flood(c, secs);
	c->dtls = dtls;
	c->fd = fd;
	c->to = to;
}

static void cmd_move(struct client *c, unsigned int timeout_ms)
{
	uint64_t t0 = mono_us(), end = t0 + timeout_ms * 1000ULL, first;
	uint64_t probe_end = t0 + (c->dtls ? 500000 : timeout_ms * 1000ULL);
	uint64_t detect;
	unsigned int sent = 0;

	/* the current association first */
	first = c->fd >= 0 ? first_response(c, probe_end, "", &sent, false) : 0;
	detect = mono_us();
	if (first) {
		printf("move survived %.3f\n", (first - t0) / 1000.0);
		return;
	}
	if (!c->dtls) {
		printf("move timeout\n");
		return;
	}
	/* DTLS: the socket was connected from the old address */
	if (client_open(c) == 0) {
		sent = 0;
		first = first_response(c, end, "", &sent, false);
		if (first) {
			printf("move recovered %.3f %.3f %.3f\n",
			       (first - t0) / 1000.0, c->hs_ms,
			       (detect - t0) / 1000.0);
			return;
		}
	}
	printf("move timeout\n");
}

static int client(struct client *c)
{
	char line[4096];

	c->tid = (uint16_t)(getpid() & 0xfff);
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		if (!c->dtls && c->fd < 0)
			client_open(c);
		if (!strncmp(line, "setup ", 6))
			cmd_setup(c, line + 6, false);
		else if (!strncmp(line, "setupflow ", 10))
			cmd_setup(c, line + 10, true);
		else if (!strncmp(line, "flow ", 5))
			cmd_flow(c, strtoul(line + 5, NULL, 10));
		else if (!strncmp(line, "rtt ", 4))
			cmd_rtt(c, strtoul(line + 4, NULL, 10));
		else if (!strncmp(line, "pair ", 5))
			cmd_pair(c, strtoul(line + 5, NULL, 10));
		else if (!strncmp(line, "bflood ", 7))
			cmd_bflood(c, strtod(line + 7, NULL));
		else if (!strncmp(line, "flood ", 6))
			cmd_flood(c, strtod(line + 6, NULL));
		else if (!strncmp(line, "move ", 5))
			cmd_move(c, strtoul(line + 5, NULL, 10));
		else if (!strcmp(line, "sniff on") || !strcmp(line, "sniff off"))
			printf("sniff %s\n", sniff_set(c, line[7] == 'n') ? "error" : "ok");
		else if (!strcmp(line, "quit"))
			break;
		else
			printf("error unknown command\n");
		fflush(stdout);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	client_close(c);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: dtlsmih server [--dtls] --bind ADDR [--port P] [--cert F --key F --ca F] [--verbose]\n"
		"       dtlsmih client [--dtls] --to ADDR [--port P] [--bind-port P]\n"
		"                      [--cert F --key F --ca F] [--sniff IFACE] [--base-port P] [--verbose]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dtls", no_argument, NULL, 'd' },
		{ "bind", required_argument, NULL, 'b' },
		{ "to", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ "bind-port", required_argument, NULL, 'B' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "ca", required_argument, NULL, 'a' },
		{ "sniff", required_argument, NULL, 's' },
		{ "base-port", required_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	const char *bind_addr = NULL, *to = NULL, *cert = NULL, *key = NULL,
		   *ca = NULL, *sniff = NULL;
	bool dtls = false, is_server;
	int port = -1, bind_port = 0, base_port = 0, o;
	struct sigaction sa = { .sa_handler = on_signal };
	struct client *c;

	if (argc < 2)
		usage();
	is_server = !strcmp(argv[1], "server");
	if (!is_server && strcmp(argv[1], "client"))
		usage();
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd': dtls = true; break;
		case 'b': bind_addr = optarg; break;
		case 't': to = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'B': bind_port = atoi(optarg); break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'a': ca = optarg; break;
		case 's': sniff = optarg; break;
		case 'P': base_port = atoi(optarg); break;
		case 'v': verbose = true; break;
		default: usage();
		}
	}
	if (port < 0)
		port = dtls ? 4552 : MIH_PORT;
	if (dtls && (!cert || !key || !ca))
		usage();
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (is_server) {
		if (!bind_addr)
			usage();
		if (inet_pton(AF_INET, bind_addr, &pos_addr) != 1)
			usage();
		return server(dtls, bind_addr, port, cert, key, ca);
	}
	c = calloc(1, sizeof(*c));
	if (!to || !c)
		usage();
	c->dtls = dtls;
	c->fd = -1;
	c->sniff = -1;
	c->base = -1;
	if (base_port) {
		c->base = udp_socket(NULL, base_port, true);
		c->base_to.sin_family = AF_INET;
		c->base_to.sin_port = htons(base_port);
		if (c->base < 0 || inet_pton(AF_INET, to, &c->base_to.sin_addr) != 1) {
			perror("dtlsmih: --base-port");
			return 1;
		}
	}
	c->bind_port = dtls ? 0 : (bind_port ? bind_port : MIH_PORT);
	c->to.sin_family = AF_INET;
	c->to.sin_port = htons(port);
	if (inet_pton(AF_INET, to, &c->to.sin_addr) != 1)
		usage();
	if (dtls)
		c->ctx = make_ctx(false, cert, key, ca);
	c->sniff_if = sniff;
	if (sniff && sniff_set(c, true))
		return 1;
	return client(c);
}

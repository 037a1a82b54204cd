// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecd's MIH function (mihfd.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/hex.h"
#include "lib/mih.h"
#include "lib/mihmsg.h"
#include "lib/mihie.h"
#include "lib/mihmsgdef.h"
#include "lib/mihtype.h"
#include "mihf/discovery.h"
#include "mihf/handover.h"
#include "mihf/isdb.h"
#include "mihf/linkev.h"
#include "mihf/mihf.h"
#include "mihf/peers.h"
#include "mihf/proxy.h"
#include "mihf/transport.h"
#include "mihsecd/log.h"
#include "mihsecd/mihfd.h"

#define PDU_MAX		MIHX_UDP_MAX
#define EXPIRE_SECS	5		/* peer table expiry check */
#define LEASE_SECS	10		/* DHCP lease files: changed? */
#define DNS_RETRY_SECS	300		/* DNS: nothing found, or failed */
#define DNS_JOBS_MAX	4		/* DNS lookups running at once */

struct md_mihfd;

/* One running DNS discovery (the argument of its job) */
struct md_mihfd_dns {
	struct md_mihfd *m;
	size_t slot;
};

/* One control request being served (answered from a callback) */
struct op {
	struct md_mihfd *m;
	struct md_control_req *r;
	struct op *next;
	char what[32];
	uint64_t t0;
	struct json_object *request;	/* mih-send: the request's MSG */
	bool ho;			/* the handover */
};

struct md_mihfd {
	struct md_loop *loop;
	struct md_control *ctrl;
	/* what the MIH function runs with */
	unsigned int roles;
	uint8_t id[MIHSEC_MIHF_ID_MAX];
	size_t id_len;
	struct md_mihf_conf conf;
	struct md_isdb_conf isdb_conf;
	struct md_discovery_conf disc_conf;
	struct md_proxy_conf proxy_conf;
	struct md_peer *cpeers;		/* the [peer]s, for names */
	size_t ncpeers;
	char wpa_ctrl[MD_MIHF_IFS_MAX][108];
	/* the pieces */
	struct mihf_peers *peers;
	struct isdb *db;
	struct mihf *mihf;
	struct linkev *le;
	struct mihf_proxy *proxy;
	struct md_timer *expire_t, *dns_t, *lease_t;
	/* DNS lookups run in worker threads (mihf_dns_discover_async), so
	 * an unreachable nameserver never stalls the loop: [discovery]
	 * dns-domain (slot 0) and the domains DHCP names (the others) */
	struct mihf_dns_job *dns_job[DNS_JOBS_MAX];
	struct md_mihfd_dns *dns_arg[DNS_JOBS_MAX];
	char dns_domain[DNS_JOBS_MAX][MIHF_DNS_NAME_MAX];
	struct timespec lease_mtime[2];
	uint64_t dns_last_ns;
	size_t dns_found;
	size_t lease_found;
	/* the handover switch step */
	struct mihf_ho *ho;
	pid_t script_pid;
	int script_fd;			/* pidfd, -1: none */
	struct md_timer *script_t;
	/* pending control requests */
	struct op *ops;
	/* listen/port as bound (they need a restart to change) */
	char listen[48];
	uint16_t port;
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static void id_text(const uint8_t *id, size_t len, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 < size; i++) {
		if (id[i] >= 0x21 && id[i] < 0x7f && id[i] != '\\')
			out[o++] = (char)id[i];
		else
			o += (size_t)snprintf(out + o, size - o, "\\x%02x",
					      id[i]);
	}
	out[o] = '\0';
}

static struct json_object *jerr(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static struct json_object *jerr(const char *fmt, ...)
{
	struct json_object *o = json_object_new_object();
	char msg[512];
	va_list ap;

	if (!o)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

static struct json_object *jok(void)
{
	struct json_object *o = json_object_new_object();

	if (o)
		json_object_object_add(o, "ok", json_object_new_boolean(1));
	return o;
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static char *hex_of(const uint8_t *p, size_t len)
{
	char *s = malloc(2 * len + 1);

	if (s)
		mihsec_hex_encode(p, len, s);
	return s;
}

/* Fields of a request: every one in @allowed */
static struct json_object *only(struct json_object *req,
				const char *const *allowed)
{
	json_object_object_foreach(req, k, v) {
		const char *const *a;

		(void)v;
		for (a = allowed; *a && strcmp(*a, k); a++)
			;
		if (!*a)
			return jerr("unknown field \"%.64s\"", k);
	}
	return NULL;
}

/* Optional typed fields; a wrong type is an error reply */
static struct json_object *opt_str(struct json_object *req, const char *k,
				   const char **v)
{
	struct json_object *o;

	*v = NULL;
	if (!json_object_object_get_ex(req, k, &o))
		return NULL;
	if (!json_object_is_type(o, json_type_string))
		return jerr("\"%s\" must be a string", k);
	*v = json_object_get_string(o);
	return NULL;
}

static struct json_object *opt_int(struct json_object *req, const char *k,
				   int64_t min, int64_t max, int64_t *v,
				   bool *has)
{
	struct json_object *o;

	*has = false;
	if (!json_object_object_get_ex(req, k, &o))
		return NULL;
	if (!json_object_is_type(o, json_type_int))
		return jerr("\"%s\" must be an integer", k);
	*v = json_object_get_int64(o);
	if (*v < min || *v > max)
		return jerr("\"%s\": %lld is not in %lld..%lld", k,
			    (long long)*v, (long long)min, (long long)max);
	*has = true;
	return NULL;
}

static struct json_object *opt_bool(struct json_object *req, const char *k,
				    bool *v)
{
	struct json_object *o;

	if (!json_object_object_get_ex(req, k, &o))
		return NULL;
	if (!json_object_is_type(o, json_type_boolean))
		return jerr("\"%s\" must be true or false", k);
	*v = json_object_get_boolean(o);
	return NULL;
}

/* "ADDR", "ADDR:PORT", "[v6]:PORT" -> @ss; @port when none given */
static bool parse_addr(const char *s, uint16_t port,
		       struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[64];
	const char *p = NULL;
	char *end;
	unsigned long n;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || (size_t)(close - s - 1) >= sizeof(host))
			return false;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		if (close[1] == ':')
			p = close + 2;
		else if (close[1])
			return false;
	} else if (strchr(s, ':') && strchr(s, ':') == strrchr(s, ':') &&
		   strchr(s, '.')) {
		const char *c = strchr(s, ':');

		if ((size_t)(c - s) >= sizeof(host))
			return false;
		memcpy(host, s, (size_t)(c - s));
		host[c - s] = '\0';
		p = c + 1;
	} else {
		if (strlen(s) >= sizeof(host))
			return false;
		strcpy(host, s);
	}
	if (p) {
		if (*p < '0' || *p > '9')
			return false;
		errno = 0;
		n = strtoul(p, &end, 10);
		if (*end || errno || !n || n > 65535)
			return false;
		port = (uint16_t)n;
	}
	if (s[0] != '[' && inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return true;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return true;
	}
	return false;
}

/*
 * @s names a peer: a [peer] name, an address of a peer table entry with
 * an ID, or an MIHF ID.  NULL and @id set, or the error reply.
 */
static struct json_object *resolve_peer(struct md_mihfd *m, const char *s,
					struct mihf_id *id)
{
	struct sockaddr_storage ss;
	struct mihf_peer *p;
	socklen_t len;
	size_t n = strlen(s);

	memset(id, 0, sizeof(*id));
	for (size_t i = 0; i < m->ncpeers; i++) {
		if (strcmp(m->cpeers[i].name, s))
			continue;
		memcpy(id->v, m->cpeers[i].mihf_id, m->cpeers[i].mihf_id_len);
		id->len = m->cpeers[i].mihf_id_len;
		return NULL;
	}
	if (parse_addr(s, m->port, &ss, &len)) {
		p = m->peers ? mihf_peers_find_addr(m->peers,
						    (struct sockaddr *)&ss,
						    len) : NULL;
		if (!p || !p->id_len)
			return jerr("no MIH peer with a known MIHF ID at %.64s (name the peer by its MIHF ID or [peer] name)",
				    s);
		memcpy(id->v, p->id, p->id_len);
		id->len = p->id_len;
		return NULL;
	}
	if (!n || n > MIH_MIHF_ID_MAX)
		return jerr("peer: '%.64s' is not a peer name, an address or an MIHF ID (1-%d octets)",
			    s, MIH_MIHF_ID_MAX);
	memcpy(id->v, s, n);
	id->len = n;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Pending operations                                                  */

static struct op *op_new(struct md_mihfd *m, struct md_control_req *r,
			 const char *what)
{
	struct op *op = calloc(1, sizeof(*op));

	if (!op)
		return NULL;
	op->m = m;
	op->r = r;
	op->t0 = md_now_ns();
	snprintf(op->what, sizeof(op->what), "%s", what);
	op->next = m->ops;
	m->ops = op;
	return op;
}

/* Answer and forget @op */
static void op_done(struct op *op, struct json_object *reply, int fd)
{
	struct op **pp;

	for (pp = &op->m->ops; *pp && *pp != op; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = op->next;
	if (op->r)
		md_control_reply(op->r, reply, fd);
	else
		json_object_put(reply);
	json_object_put(op->request);
	free(op);
}

/* ------------------------------------------------------------------ */
/* Messages as JSON                                                    */

static struct json_object *msg_json(const uint8_t *pdu, size_t len)
{
	struct json_object *o = json_object_new_object(), *tlvs;
	struct mih_msg_err err;
	struct mih_msg msg;
	char name[MIHMSG_NAME_LEN], idt[4 * MIH_MIHF_ID_MAX + 1];
	char *text, *hex;
	int rc;

	if (!o)
		return NULL;
	rc = mih_msg_parse(pdu, len, &msg, &err);
	add_int(o, "size", (int64_t)len);
	if (rc < 0) {
		struct mih_pdu p;

		add_str(o, "error", err.text);
		if (!mih_pdu_parse(pdu, len, &p)) {
			uint16_t mid = mih_hdr_mid(&p.hdr);

			add_str(o, "message", mihmsg_name(mid, name,
							  sizeof(name)));
			add_int(o, "mid", mid);
			add_int(o, "tid", p.hdr.tid);
		}
		hex = hex_of(pdu, len);
		if (hex)
			add_str(o, "raw", hex);
		free(hex);
		return o;
	}
	add_str(o, "message", mihmsg_name(mih_msg_mid(&msg), name,
					  sizeof(name)));
	add_int(o, "mid", mih_msg_mid(&msg));
	add_int(o, "tid", msg.pdu.hdr.tid);
	id_text(msg.pdu.src_id, msg.pdu.src_id_len, idt, sizeof(idt));
	add_str(o, "src", idt);
	id_text(msg.pdu.dst_id, msg.pdu.dst_id_len, idt, sizeof(idt));
	add_str(o, "dst", idt);
	if (msg.pure_ack)
		json_object_object_add(o, "ack", json_object_new_boolean(1));
	tlvs = json_object_new_array();
	for (unsigned int i = 0; tlvs && i < msg.n_tlvs; i++) {
		const struct mih_tlv *t = &msg.tlvs[i];
		struct json_object *e = json_object_new_object();
		char line[1024];

		if (!e)
			break;
		add_int(e, "type", t->type);
		add_str(e, "name", mih_tlv_name(t->type) ?
			mih_tlv_name(t->type) : "?");
		hex = hex_of(t->value, t->len);
		if (hex)
			add_str(e, "value", hex);
		free(hex);
		mih_tlv_fmt(t->type, t->value, t->len, line, sizeof(line));
		add_str(e, "text", line);
		if (t->type == MIH_TLV_STATUS && t->len == 1)
			add_str(o, "status", mih_status_name(t->value[0]) ?
				mih_status_name(t->value[0]) : "?");
		json_object_array_add(tlvs, e);
	}
	if (tlvs)
		json_object_object_add(o, "tlvs", tlvs);
	rc = mih_msg_fmt(&msg, NULL, 0);
	text = rc > 0 ? malloc((size_t)rc + 1) : NULL;
	if (text) {
		mih_msg_fmt(&msg, text, (size_t)rc + 1);
		add_str(o, "text", text);
	}
	free(text);
	return o;
}

/* ------------------------------------------------------------------ */
/* mih-send                                                            */

static void send_done(void *arg, int status, int mih_status,
		      const uint8_t *rsp, size_t len)
{
	struct op *op = arg;
	struct json_object *reply;
	double ms = (double)(md_now_ns() - op->t0) / 1e6;

	(void)mih_status;
	if (status && !(status == -ECONNREFUSED && rsp)) {
		reply = jerr("%s", status == -ETIMEDOUT ?
			     "no answer (the transport gave up: timed out)" :
			     status == -ECANCELED ?
			     "cancelled (the MIH function stopped)" :
			     strerror(-status));
		op_done(op, reply, -1);
		return;
	}
	reply = jok();
	if (reply) {
		json_object_object_add(reply, "request",
				       json_object_get(op->request));
		if (rsp) {
			json_object_object_add(reply, "response",
					       msg_json(rsp, len));
			json_object_object_add(reply, "rtt_ms",
					       json_object_new_double(ms));
		} else {
			json_object_object_add(reply, "acked",
					       json_object_new_boolean(1));
		}
	}
	op_done(op, reply, -1);
}

static int cmd_send(struct md_mihfd *m, struct json_object *req,
		    struct md_control_req *r, struct json_object **reply)
{
	static const char *const fields[] = { "cmd", "peer", "mid", "tlvs",
					      NULL };
	const struct mih_msgdef *def;
	struct mih_builder b;
	struct mih_msg_err merr;
	struct mih_msg msg;
	struct json_object *tlvs, *e;
	struct mihf_id peer;
	const char *ps;
	uint8_t *pdu = NULL, *val = NULL;
	int64_t mid;
	bool has;
	size_t len;
	struct op *op;
	int rc = 0;

	if ((*reply = only(req, fields)) ||
	    (*reply = opt_str(req, "peer", &ps)) ||
	    (*reply = opt_int(req, "mid", 0, 0xffff, &mid, &has)))
		return 0;
	if (!ps || !has) {
		*reply = jerr("mih-send needs \"peer\" and \"mid\"");
		return 0;
	}
	if ((*reply = resolve_peer(m, ps, &peer)))
		return 0;
	def = mih_msgdef_lookup((uint16_t)mid);
	if (!def || (MIHMSG_OP(mid) != MIHMSG_OP_REQUEST &&
		     MIHMSG_OP(mid) != MIHMSG_OP_INDICATION)) {
		char name[MIHMSG_NAME_LEN];

		*reply = jerr("%s: not a request or indication this MIHF knows",
			      mihmsg_name((uint16_t)mid, name, sizeof(name)));
		return 0;
	}
	pdu = malloc(PDU_MAX);
	val = malloc(PDU_MAX);
	if (!pdu || !val) {
		free(pdu);
		free(val);
		return -ENOMEM;
	}
	mih_builder_init(&b, pdu, PDU_MAX);
	mih_msg_begin(&b, (uint16_t)mid, 0, 0, m->id, m->id_len, peer.v,
		      peer.len);
	if (json_object_object_get_ex(req, "tlvs", &tlvs)) {
		if (!json_object_is_type(tlvs, json_type_array)) {
			*reply = jerr("\"tlvs\" must be an array of \"T=HEX\"");
			goto out;
		}
		for (size_t i = 0; i < json_object_array_length(tlvs); i++) {
			const char *s, *eq;
			char *end;
			unsigned long t;

			e = json_object_array_get_idx(tlvs, i);
			s = json_object_is_type(e, json_type_string) ?
			    json_object_get_string(e) : NULL;
			eq = s ? strchr(s, '=') : NULL;
			t = s && *s >= '0' && *s <= '9' ? strtoul(s, &end, 10) : 0;
			if (!eq || !t || end != eq || t < 3 || t > 255) {
				*reply = jerr("TLV %zu: not \"T=HEX\" with T in 3..255",
					      i + 1);
				goto out;
			}
			rc = eq[1] ? mihsec_hex_decode(eq + 1, val, PDU_MAX) : 0;
			if (rc < 0) {
				*reply = jerr("TLV %zu (type %lu): %s", i + 1, t,
					      mihsec_hex_strerror(rc));
				goto out;
			}
			mih_build_tlv(&b, (uint8_t)t, val, (size_t)rc);
		}
	}
	rc = mih_msg_finish(&b, &len);
	if (rc < 0) {
		*reply = jerr("the message does not fit one PDU (%d)", rc);
		goto out;
	}
	rc = mih_msg_parse(pdu, len, &msg, &merr);
	if (rc < 0) {
		*reply = jerr("%s", merr.text);
		goto out;
	}
	if (!m->mihf) {
		*reply = jerr("the MIH engine is not running");
		goto out;
	}
	op = op_new(m, r, "mih-send");
	if (!op) {
		rc = -ENOMEM;
		goto out;
	}
	op->request = msg_json(pdu, len);
	rc = mihf_send_raw(m->mihf, &peer, pdu, len, send_done, op);
	if (rc < 0) {
		op->r = NULL;
		op_done(op, NULL, -1);
		*reply = jerr("sending %s to %.64s: %s", def->name, ps,
			      rc == -EHOSTUNREACH ? "no address known for this peer" :
			      strerror(-rc));
		rc = 0;
		goto out;
	}
	md_info("control: mih-send %s to %.64s", def->name, ps);
	rc = MD_CONTROL_PENDING;
out:
	free(pdu);
	free(val);
	return rc;
}

/* ------------------------------------------------------------------ */
/* is-query                                                            */

static void is_done(void *arg, int status, int mih_status,
		    json_object *result, const uint8_t *ir, size_t len)
{
	struct op *op = arg;
	struct json_object *reply;

	(void)ir;
	if (status && !(status == -ECONNREFUSED)) {
		op_done(op, jerr("%s", status == -ETIMEDOUT ?
				 "no answer from the IS server (timed out)" :
				 status == -ECANCELED ?
				 "cancelled (the MIH function stopped)" :
				 strerror(-status)), -1);
		return;
	}
	if (status == -ECONNREFUSED) {
		op_done(op, jerr("the IS server refused: %s",
				 mih_status_name((uint8_t)mih_status) ?
				 mih_status_name((uint8_t)mih_status) : "?"),
			-1);
		return;
	}
	reply = jok();
	if (reply) {
		add_str(reply, "status", "Success");
		json_object_object_add(reply, "result",
				       result ? json_object_get(result) : NULL);
		add_int(reply, "size", (int64_t)len);
		json_object_object_add(reply, "rtt_ms", json_object_new_double(
			(double)(md_now_ns() - op->t0) / 1e6));
	}
	op_done(op, reply, -1);
}

static int cmd_is_query(struct md_mihfd *m, struct json_object *req,
			struct md_control_req *r, struct json_object **reply)
{
	static const char *const fields[] = { "cmd", "is", "types", "network",
					      "report", "limit", "max", "uir",
					      NULL };
	struct mihf_is_query q = { 0 };
	uint32_t ies[MIH_IQ_TEMPL_MAX];
	struct json_object *rep;
	struct mihf_id is;
	const char *iss, *net;
	int64_t v;
	bool has;
	struct op *op;
	int rc;

	if ((*reply = only(req, fields)) ||
	    (*reply = opt_str(req, "is", &iss)) ||
	    (*reply = opt_str(req, "network", &net)) ||
	    (*reply = opt_bool(req, "uir", &q.uir)))
		return 0;
	if ((*reply = opt_int(req, "types", 0, UINT32_MAX, &v, &has)))
		return 0;
	q.net_types = has ? (uint32_t)v : 0;
	if ((*reply = opt_int(req, "limit", 0, UINT16_MAX, &v, &has)))
		return 0;
	q.max_ies = has ? (uint16_t)v : 0;
	if ((*reply = opt_int(req, "max", 1, UINT16_MAX, &v, &has)))
		return 0;
	q.max_rsp = has ? (uint16_t)v : 0;
	if (net && (!*net || strlen(net) > MIH_MIHF_ID_MAX)) {
		*reply = jerr("network: 1-253 octets");
		return 0;
	}
	q.network_id = net;
	if (json_object_object_get_ex(req, "report", &rep)) {
		if (!json_object_is_type(rep, json_type_array) ||
		    json_object_array_length(rep) > MIH_IQ_TEMPL_MAX) {
			*reply = jerr("\"report\" must be an array of at most %d IE types",
				      MIH_IQ_TEMPL_MAX);
			return 0;
		}
		for (size_t i = 0; i < json_object_array_length(rep); i++) {
			struct json_object *e = json_object_array_get_idx(rep, i);
			int64_t t = json_object_get_int64(e);

			if (!json_object_is_type(e, json_type_int) || t < 0 ||
			    t > UINT32_MAX) {
				*reply = jerr("\"report\": item %zu is not an IE type",
					      i + 1);
				return 0;
			}
			ies[i] = (uint32_t)t;
		}
		q.ie_types = ies;
		q.n_ie_types = json_object_array_length(rep);
	}
	if (iss) {
		if ((*reply = resolve_peer(m, iss, &is)))
			return 0;
		q.is = &is;
	}
	if (!m->mihf) {
		*reply = jerr("the MIH engine is not running");
		return 0;
	}
	op = op_new(m, r, "is-query");
	if (!op)
		return -ENOMEM;
	rc = mihf_is_query(m->mihf, &q, is_done, op);
	if (rc < 0) {
		op->r = NULL;
		op_done(op, NULL, -1);
		*reply = jerr("%s", rc == -EINVAL ?
			      "no IS server (name one, or configure [mihf] is-server)" :
			      rc == -EHOSTUNREACH ?
			      "no address known for the IS server" :
			      strerror(-rc));
		return 0;
	}
	return MD_CONTROL_PENDING;
}

/* ------------------------------------------------------------------ */
/* is-import, is-export                                                */

/* May @uid read the file @st describes?  (owner, or others) */
static bool may_read(const struct stat *st, unsigned int uid)
{
	if (uid == 0)
		return true;
	if (st->st_uid == uid)
		return st->st_mode & S_IRUSR;
	return st->st_mode & S_IROTH;
}

static int cmd_is_import(struct md_mihfd *m, struct json_object *req,
			 int fd, unsigned int uid,
			 struct json_object **reply)
{
	static const char *const fields[] = { "cmd", "replace", "path",
					      "name", NULL };
	char err[ISDB_ERR_MAX + 128] = "";
	const char *path, *name;
	size_t nets = 0, poas = 0;
	bool replace = false;
	struct stat st;
	FILE *f;
	int rc;

	if ((*reply = only(req, fields)) ||
	    (*reply = opt_str(req, "path", &path)) ||
	    (*reply = opt_str(req, "name", &name)) ||
	    (*reply = opt_bool(req, "replace", &replace)))
		goto out;
	if (!m->db) {
		*reply = jerr("is-import: this mihsecd has no IS database (role is, or [isdb])");
		goto out;
	}
	if (fd < 0 && !path) {
		*reply = jerr("is-import: no file (pass a descriptor or \"path\")");
		goto out;
	}
	if (fd >= 0 && path) {
		*reply = jerr("is-import: a descriptor or \"path\", not both");
		goto out;
	}
	if (path) {
		if (path[0] != '/') {
			*reply = jerr("is-import: path must be absolute");
			goto out;
		}
		fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC |
			  O_NOFOLLOW);
		if (fd < 0) {
			*reply = jerr("is-import: %.200s: %s", path,
				      strerror(errno));
			goto out;
		}
		name = path;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*reply = jerr("is-import: %.200s: not a regular file",
			      name ? name : "the file");
		goto out;
	}
	if (path && !may_read(&st, uid)) {
		*reply = jerr("is-import: %.200s: permission denied (uid %u may not read it)",
			      path, uid);
		goto out;
	}
	if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE) {
		*reply = jerr("is-import: %s", strerror(errno));
		goto out;
	}
	f = fdopen(fd, "r");
	if (!f) {
		*reply = jerr("is-import: %s", strerror(errno));
		goto out;
	}
	fd = -1;		/* the stream's */
	rc = isdb_import_stream(m->db, f, name ? name : "import", replace, err,
				sizeof(err), &nets, &poas);
	fclose(f);
	if (rc < 0) {
		*reply = jerr("is-import: %s", err[0] ? err : strerror(-rc));
		goto out;
	}
	md_notice("control: IS database import%s: %zu network%s, %zu PoA%s (uid %u)",
		  replace ? " (replace)" : "", nets, nets == 1 ? "" : "s",
		  poas, poas == 1 ? "" : "s", uid);
	*reply = jok();
	if (*reply) {
		add_int(*reply, "networks", (int64_t)nets);
		add_int(*reply, "poas", (int64_t)poas);
	}
out:
	if (fd >= 0)
		close(fd);
	return 0;
}

static int cmd_is_export(struct md_mihfd *m, struct json_object *req,
			 struct md_control_req *r, struct json_object **reply)
{
	static const char *const fields[] = { "cmd", NULL };
	size_t nets = 0, poas = 0;
	struct json_object *o;
	struct stat st;
	FILE *f;
	int fd, rc;

	if ((*reply = only(req, fields)))
		return 0;
	if (!m->db) {
		*reply = jerr("is-export: this mihsecd has no IS database (role is, or [isdb])");
		return 0;
	}
	fd = memfd_create("mihsec-isdb-export", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	f = fdopen(dup(fd), "w");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	rc = isdb_export(m->db, f);
	if (fclose(f) && !rc)
		rc = -EIO;
	if (rc < 0) {
		close(fd);
		*reply = jerr("is-export: %s%s%s", strerror(-rc),
			      *isdb_errmsg(m->db) ? ": " : "",
			      isdb_errmsg(m->db));
		return 0;
	}
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
	      F_SEAL_SEAL);
	isdb_count(m->db, &nets, &poas);
	o = jok();
	if (o) {
		add_int(o, "networks", (int64_t)nets);
		add_int(o, "poas", (int64_t)poas);
		add_int(o, "size", fstat(fd, &st) ? 0 : (int64_t)st.st_size);
	}
	/* the descriptor travels with the reply */
	md_control_reply(r, o, fd);
	close(fd);
	return MD_CONTROL_PENDING;
}

/* ------------------------------------------------------------------ */
/* handover                                                            */

static void ho_done(void *arg, const struct mihf_ho_result *res)
{
	struct op *op = arg;
	struct json_object *reply = jok();

	if (res->status)
		md_warn("handover failed at %s: %s", mihf_ho_step_name(res->step),
			res->reason[0] ? res->reason : strerror(-res->status));
	else
		md_notice("handover done in %.1f ms",
			  (double)res->total_ns / 1e6);
	if (reply)
		json_object_object_add(reply, "result",
				       mihf_ho_result_json(res));
	op_done(op, reply, -1);
}

/* handover mmt PEER: the network-initiated run of a serving PoS (the
 * terminal, and the target PoA and PoS if given in @hr) */
static int net_handover(struct md_mihfd *m, struct md_control_req *r,
			const char *mmt, const struct mihf_ho_req *hr,
			struct json_object **reply)
{
	struct mihf_net_ho_req nr = { 0 };
	struct op *op;
	int rc;

	if ((*reply = resolve_peer(m, mmt, &nr.mmt)))
		return 0;
	nr.target_pos = hr->target_pos;
	nr.has_target_poa = hr->has_target_poa;
	memcpy(nr.target_poa, hr->target_poa, 6);
	nr.link_type = hr->link_type;
	op = op_new(m, r, "handover");
	if (!op)
		return -ENOMEM;
	op->ho = true;
	rc = mihf_net_handover_start(m->mihf, &nr, ho_done, op);
	if (rc < 0) {
		op->r = NULL;
		op_done(op, NULL, -1);
		*reply = jerr("handover mmt %.64s: %s", mmt,
			      rc == -EINVAL ? "not possible here (needs role poa)" :
			      rc == -ESRCH ? "that terminal is not attached through us (not registered here)" :
			      rc == -EBUSY ? "a handover of that terminal is already running" :
			      rc == -ENOENT ? "no candidate PoA (none announced by another PoS, or the link type of the PoA is unknown)" :
			      strerror(-rc));
		return 0;
	}
	md_notice("control: network-initiated handover of %.64s started", mmt);
	return MD_CONTROL_PENDING;
}

static int cmd_handover(struct md_mihfd *m, struct json_object *req,
			struct md_control_req *r, struct json_object **reply)
{
	static const char *const fields[] = { "cmd", "target", "poa",
					      "network", "is", "link_type",
					      "mmt", NULL };
	struct mihf_ho_req hr = { 0 };
	const char *tgt, *poa, *net, *iss, *mmt;
	struct op *op;
	int64_t lt;
	bool has;
	int rc;

	if ((*reply = only(req, fields)) ||
	    (*reply = opt_str(req, "target", &tgt)) ||
	    (*reply = opt_str(req, "poa", &poa)) ||
	    (*reply = opt_str(req, "network", &net)) ||
	    (*reply = opt_str(req, "is", &iss)) ||
	    (*reply = opt_str(req, "mmt", &mmt)) ||
	    (*reply = opt_int(req, "link_type", 0, 255, &lt, &has)))
		return 0;
	if (mmt && (net || iss)) {
		*reply = jerr("handover mmt (network-initiated): no network or IS server");
		return 0;
	}
	if (has)
		hr.link_type = (uint8_t)lt;
	if (tgt && (*reply = resolve_peer(m, tgt, &hr.target_pos)))
		return 0;
	if (iss && (*reply = resolve_peer(m, iss, &hr.is_server)))
		return 0;
	if (poa) {
		unsigned int b[6];
		char end;

		if (strlen(poa) != 17 ||
		    sscanf(poa, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1],
			   &b[2], &b[3], &b[4], &b[5], &end) != 6) {
			*reply = jerr("poa: '%.64s' is not a MAC address", poa);
			return 0;
		}
		for (int i = 0; i < 6; i++)
			hr.target_poa[i] = (uint8_t)b[i];
		hr.has_target_poa = true;
	}
	if (net) {
		if (strlen(net) >= sizeof(hr.network_id)) {
			*reply = jerr("network: at most %zu octets",
				      sizeof(hr.network_id) - 1);
			return 0;
		}
		strcpy(hr.network_id, net);
	}
	/* target PoS, PoA and link type named: no IS query needed */
	hr.skip_is_query = tgt && poa && hr.link_type;
	if (!m->mihf) {
		*reply = jerr("the MIH engine is not running");
		return 0;
	}
	if (mmt)
		return net_handover(m, r, mmt, &hr, reply);
	op = op_new(m, r, "handover");
	if (!op)
		return -ENOMEM;
	op->ho = true;
	rc = mihf_handover_start(m->mihf, &hr, ho_done, op);
	if (rc < 0) {
		op->r = NULL;
		op_done(op, NULL, -1);
		*reply = jerr("handover: %s", rc == -EBUSY ?
			      "a handover is already running" :
			      rc == -EINVAL ?
			      "not possible here (needs role mmt, a serving PoS, and an IS server or a target)" :
			      strerror(-rc));
		return 0;
	}
	md_notice("control: handover started%s%.64s",
		  tgt ? " toward " : "", tgt ? tgt : "");
	return MD_CONTROL_PENDING;
}

/* ------------------------------------------------------------------ */
/* mihf-status                                                         */

static struct json_object *status_json(struct md_mihfd *m)
{
	struct json_object *o = jok(), *v;
	char roles[32];

	if (!o)
		return NULL;
	add_str(o, "roles", md_roles_str(m->roles, roles, sizeof(roles)));
	add_str(o, "listen", m->listen[0] ? m->listen : "::");
	add_int(o, "port", m->port);
	if (m->mihf)
		json_object_object_add(o, "mihf", mihf_status_json(m->mihf));
	add_int(o, "peers", m->peers ? (int64_t)mihf_peers_count(m->peers) : 0);
	if (m->db) {
		size_t nets = 0, poas = 0;

		v = json_object_new_object();
		if (v) {
			add_str(v, "backend", md_isdb_backend_name(
				m->isdb_conf.backend));
			if (!isdb_count(m->db, &nets, &poas)) {
				add_int(v, "networks", (int64_t)nets);
				add_int(v, "poas", (int64_t)poas);
			}
			json_object_object_add(o, "isdb", v);
		}
	}
	if (m->proxy && !mihf_proxy_to_json(m->proxy, &v))
		json_object_object_add(o, "proxy", v);
	if (m->disc_conf.line) {
		v = json_object_new_object();
		if (v) {
			add_str(v, "dns_domain", m->disc_conf.dns_domain);
			add_int(v, "dns_found", (int64_t)m->dns_found);
			add_int(v, "dhcp_found", (int64_t)m->lease_found);
			json_object_object_add(o, "discovery", v);
		}
	}
	return o;
}

/* ------------------------------------------------------------------ */
/* The control socket's view                                           */

static int command(void *arg, const char *cmd, struct json_object *req,
		   int fd, unsigned int uid, struct md_control_req *r,
		   struct json_object **reply)
{
	struct md_mihfd *m = arg;
	int rc = 0;

	*reply = NULL;
	if (!strcmp(cmd, "is-import"))
		return cmd_is_import(m, req, fd, uid, reply);
	if (fd >= 0) {
		close(fd);
		*reply = jerr("%s: takes no file descriptor", cmd);
		return 0;
	}
	if (!strcmp(cmd, "mih-send"))
		rc = cmd_send(m, req, r, reply);
	else if (!strcmp(cmd, "is-query"))
		rc = cmd_is_query(m, req, r, reply);
	else if (!strcmp(cmd, "is-export"))
		rc = cmd_is_export(m, req, r, reply);
	else if (!strcmp(cmd, "handover"))
		rc = cmd_handover(m, req, r, reply);
	else if (!strcmp(cmd, "mihf-status"))
		*reply = json_object_object_length(req) > 1 ?
			 jerr("mihf-status takes no fields") : status_json(m);
	else
		return -ENOENT;
	return rc;
}

static struct json_object *mih_peers(void *arg)
{
	struct md_mihfd *m = arg;
	struct json_object *o = NULL;

	if (!m->peers || mihf_peers_to_json(m->peers, &o))
		return NULL;
	return o;
}

/* ------------------------------------------------------------------ */
/* The handover switch step: the operator's script                     */

static void script_finish(struct md_mihfd *m, int status)
{
	struct mihf_ho *ho = m->ho;

	if (m->script_fd >= 0) {
		md_loop_del_fd(m->loop, m->script_fd);
		close(m->script_fd);
		m->script_fd = -1;
	}
	if (m->script_t) {
		md_timer_cancel(m->loop, m->script_t);
		m->script_t = NULL;
	}
	m->script_pid = 0;
	m->ho = NULL;
	if (ho)
		mihf_ho_switch_done(ho, status);
}

static void script_exited(struct md_loop *loop, int fd, uint32_t events,
			  void *arg)
{
	struct md_mihfd *m = arg;
	int st = 0;

	(void)loop;
	(void)fd;
	(void)events;
	if (waitpid(m->script_pid, &st, WNOHANG) == 0)
		return;
	if (WIFEXITED(st) && !WEXITSTATUS(st)) {
		md_info("handover-script: done");
		script_finish(m, 0);
		return;
	}
	if (WIFEXITED(st))
		md_warn("handover-script %s exited with status %d",
			m->conf.handover_script, WEXITSTATUS(st));
	else
		md_warn("handover-script %s killed by signal %d",
			m->conf.handover_script, WTERMSIG(st));
	script_finish(m, -EIO);
}

static void script_timeout(struct md_loop *loop, struct md_timer *t,
			   void *arg)
{
	struct md_mihfd *m = arg;

	(void)loop;
	(void)t;
	m->script_t = NULL;	/* one-shot: freed after this */
	md_warn("handover-script %s: still running after %d s: killed",
		m->conf.handover_script, MD_MIHFD_SCRIPT_SECS);
	kill(m->script_pid, SIGKILL);
	waitpid(m->script_pid, NULL, 0);
	script_finish(m, -ETIMEDOUT);
}

/* The interface of the target's link type: a watched one, else the first */
static const char *target_ifname(struct md_mihfd *m, uint8_t link_type)
{
	struct linkev_link l[MD_MIHF_IFS_MAX];
	size_t n = m->le ? linkev_links(m->le, l, MD_MIHF_IFS_MAX) : 0;

	for (size_t i = 0; i < n; i++)
		if (l[i].link_type == link_type)
			for (size_t j = 0; j < m->conf.nifs; j++)
				if (!strcmp(m->conf.ifs[j], l[i].ifname))
					return m->conf.ifs[j];
	return m->conf.nifs ? m->conf.ifs[0] : "-";
}

static void switch_hook(void *arg, struct mihf_ho *ho,
			const struct mihf_ho_target *t)
{
	struct md_mihfd *m = arg;
	char pos[4 * MIH_MIHF_ID_MAX + 1], poa[18] = "-";
	const char *ifname = target_ifname(m, t->link_type);
	pid_t pid;
	int pfd;

	id_text(t->pos.v, t->pos.len, pos, sizeof(pos));
	if (t->has_poa)
		snprintf(poa, sizeof(poa), "%02x:%02x:%02x:%02x:%02x:%02x",
			 t->poa[0], t->poa[1], t->poa[2], t->poa[3], t->poa[4],
			 t->poa[5]);
	if (m->ho) {
		mihf_ho_switch_done(ho, -EBUSY);
		return;
	}
	md_notice("handover switch: %s %s %s %s", m->conf.handover_script,
		  pos, poa, ifname);
	pid = fork();
	if (pid < 0) {
		mihf_ho_switch_done(ho, -errno);
		return;
	}
	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDWR);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null >= 0)
			dup2(null, 0);
		execl(m->conf.handover_script, m->conf.handover_script, pos,
		      poa, ifname, (char *)NULL);
		_exit(127);
	}
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	m->ho = ho;
	m->script_pid = pid;
	m->script_fd = pfd;
	if (pfd < 0 || md_loop_add_fd(m->loop, pfd, EPOLLIN, script_exited,
				      m) < 0) {
		/* no pidfd: wait here (the script is short by contract) */
		int st = 0;

		if (pfd >= 0)
			close(pfd);
		m->script_fd = -1;
		waitpid(pid, &st, 0);
		script_finish(m, WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -EIO);
		return;
	}
	m->script_t = md_timer_add(m->loop,
				   MD_MIHFD_SCRIPT_SECS * MD_NSEC_PER_SEC, 0,
				   script_timeout, m);
}

/* ------------------------------------------------------------------ */
/* Hooks: transcript and link events                                   */

static void trace(void *arg, const struct mihf_trace *t)
{
	char id[4 * MIH_MIHF_ID_MAX + 1];

	(void)arg;
	id_text(t->peer_id, t->peer_id_len, id, sizeof(id));
	if (t->latency_ns >= 0)
		md_debug("MIH %s %s tid %u %s %.64s, %zu octets%s%s%s, %.3f ms",
			 t->dir == MIHF_TX ? "tx" : "rx", t->name, t->tid,
			 t->dir == MIHF_TX ? "to" : "from", id, t->size,
			 t->ack_req ? ", ack-req" : "",
			 t->ack_rsp ? ", ack-rsp" : "", t->uir ? ", uir" : "",
			 (double)t->latency_ns / 1e6);
	else
		md_debug("MIH %s %s tid %u %s %.64s, %zu octets%s%s%s",
			 t->dir == MIHF_TX ? "tx" : "rx", t->name, t->tid,
			 t->dir == MIHF_TX ? "to" : "from", id, t->size,
			 t->ack_req ? ", ack-req" : "",
			 t->ack_rsp ? ", ack-rsp" : "", t->uir ? ", uir" : "");
}

static void link_event(void *arg, const uint8_t *from, size_t from_len,
		       const struct linkev_event *ev)
{
	char id[4 * MIH_MIHF_ID_MAX + 1] = "";

	(void)arg;
	if (from)
		id_text(from, from_len, id, sizeof(id));
	md_info("link event %s on %s%s%s", linkev_type_name(ev->type),
		ev->ifname[0] ? ev->ifname : "?", from ? " from " : "",
		from ? id : "");
}

/* ------------------------------------------------------------------ */
/* Peers and discovery                                                 */

static void peer_sa(const struct md_peer *p, struct sockaddr_storage *ss,
		    socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	*len = 0;
	if (p->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_addr = p->addr.v4;
		s4->sin_port = htons(p->port);
		*len = sizeof(*s4);
	} else if (p->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = p->addr.v6;
		s6->sin6_port = htons(p->port);
		*len = sizeof(*s6);
	}
}

static void add_static_peers(struct md_mihfd *m)
{
	uint64_t now = md_now_ns();
	struct mihx *x = m->mihf ? mihf_transport(m->mihf) : NULL;

	for (size_t i = 0; i < m->ncpeers; i++) {
		const struct md_peer *p = &m->cpeers[i];
		enum mihf_peer_kind kind = p->kind == MD_PEER_IS ? MIHF_PEER_IS :
					   p->kind == MD_PEER_MMT ?
					   MIHF_PEER_MMT : MIHF_PEER_POA;
		uint32_t svc = p->kind == MD_PEER_IS ? MIHF_SVC_IS :
			       MIHF_SVC_ES | MIHF_SVC_CS;
		struct sockaddr_storage ss;
		socklen_t len;
		int rc;

		peer_sa(p, &ss, &len);
		rc = mihf_peers_add(m->peers, p->mihf_id, p->mihf_id_len, kind,
				    len ? (struct sockaddr *)&ss : NULL, len,
				    MIHF_TRANSPORT_UDP, MIHF_PEER_SRC_STATIC,
				    svc, 0, now, NULL);
		if (rc < 0)
			md_warn("MIH peer %s: %s", p->name, strerror(-rc));
		if (x && len && m->conf.keepalive_secs) {
			rc = mihx_keepalive_add(x, (struct sockaddr *)&ss, len,
						p->mihf_id, p->mihf_id_len);
			if (rc < 0)
				md_warn("MIH peer %s: no keepalive: %s",
					p->name, strerror(-rc));
		}
	}
}

static void expire_tick(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct md_mihfd *m = arg;
	int n;

	(void)loop;
	(void)t;
	n = mihf_peers_expire(m->peers, md_now_ns());
	if (n > 0)
		md_info("MIH peer table: %d expired peer%s removed", n,
			n == 1 ? "" : "s");
}

static void dns_tick(struct md_loop *loop, struct md_timer *t, void *arg);

/* A DNS discovery finished (on the loop): results into the peer table */
static void dns_done(void *arg, int err, const struct mihf_dns_result *res,
		     size_t n)
{
	struct md_mihfd_dns *d = arg;
	struct md_mihfd *m = d->m;
	uint32_t ttl = 0;
	size_t i;
	int rc;

	m->dns_job[d->slot] = NULL;
	m->dns_arg[d->slot] = NULL;
	if (err < 0) {
		md_warn("DNS discovery in %s: %s", m->dns_domain[d->slot],
			strerror(-err));
	} else {
		rc = mihf_dns_results_to_peers(res, n, m->peers, md_now_ns());
		md_info("DNS discovery in %s: %zu result%s, %d address%s added",
			m->dns_domain[d->slot], n, n == 1 ? "" : "s", rc,
			rc == 1 ? "" : "es");
		m->dns_found += n;
		for (i = 0; i < n; i++)
			if (!ttl || res[i].ttl < ttl)
				ttl = res[i].ttl;
	}
	/* [discovery] dns-domain: again when the shortest TTL runs out */
	if (d->slot == 0) {
		if (!ttl)
			ttl = DNS_RETRY_SECS;
		if (ttl < MIHF_DNS_TTL_MIN_S)
			ttl = MIHF_DNS_TTL_MIN_S;
		m->dns_t = md_timer_add(m->loop,
					(uint64_t)ttl * MD_NSEC_PER_SEC, 0,
					dns_tick, m);
	}
	free(d);
}

/* Start the DNS discovery of @domain in job slot @slot (if it is free) */
static void dns_start(struct md_mihfd *m, size_t slot, const char *domain,
		      uint32_t services)
{
	struct md_mihfd_dns *d;
	struct mihf_dns_cfg c;
	int err = 0;

	if (m->dns_job[slot])
		return;			/* still running */
	d = calloc(1, sizeof(*d));
	if (!d)
		return;
	d->m = m;
	d->slot = slot;
	snprintf(m->dns_domain[slot], sizeof(m->dns_domain[slot]), "%s",
		 domain);
	mihf_dns_cfg_init(&c);
	snprintf(c.domain, sizeof(c.domain), "%s", domain);
	c.services = services;
	c.udp = true;
	c.tcp = m->conf.tcp;
	if (m->disc_conf.dns_server.ss_family) {
		c.ns = m->disc_conf.dns_server;
		c.ns_len = m->disc_conf.dns_server_len;
	}
	m->dns_job[slot] = mihf_dns_discover_async(m->loop, &c, dns_done, d,
						   &err);
	if (m->dns_job[slot]) {
		m->dns_arg[slot] = d;
	} else {
		md_warn("DNS discovery in %s: %s", domain, strerror(-err));
		free(d);
		if (slot == 0)		/* try again later */
			m->dns_t = md_timer_add(m->loop, DNS_RETRY_SECS *
						MD_NSEC_PER_SEC, 0, dns_tick,
						m);
	}
}

static void dns_tick(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct md_mihfd *m = arg;

	(void)loop;
	(void)t;
	m->dns_t = NULL;	/* one-shot */
	m->dns_found = 0;
	dns_start(m, 0, m->disc_conf.dns_domain, 0);
}

/* A domain the DHCP lease names: the first free slot that is not it */
static void mos_domain(const char *name, uint32_t services, void *arg)
{
	struct md_mihfd *m = arg;
	size_t i;

	for (i = 1; i < DNS_JOBS_MAX; i++)
		if (m->dns_job[i] && !strcmp(m->dns_domain[i], name))
			return;		/* being looked up */
	for (i = 1; i < DNS_JOBS_MAX; i++) {
		if (!m->dns_job[i]) {
			dns_start(m, i, name, services);
			return;
		}
	}
	md_warn("DNS discovery in %s: %d lookups already running", name,
		DNS_JOBS_MAX - 1);
}

static void lease_tick(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct md_mihfd *m = arg;
	const char *files[2] = { m->disc_conf.dhcp_lease,
				 m->disc_conf.dhcp6_lease };
	struct mihf_mos mos;
	bool changed = false;
	struct stat st;

	(void)loop;
	(void)t;
	for (int i = 0; i < 2; i++) {
		struct timespec mt = { 0 };

		if (!files[i][0])
			continue;
		if (!stat(files[i], &st))
			mt = st.st_mtim;
		if (mt.tv_sec != m->lease_mtime[i].tv_sec ||
		    mt.tv_nsec != m->lease_mtime[i].tv_nsec)
			changed = true;
		m->lease_mtime[i] = mt;
	}
	if (!changed)
		return;
	mihf_peers_forget_source(m->peers, MIHF_PEER_SRC_DHCP);
	m->lease_found = 0;
	for (int i = 0; i < 2; i++) {
		int rc;

		if (!files[i][0] || !m->lease_mtime[i].tv_sec)
			continue;
		mihf_mos_init(&mos);
		rc = mihf_dhclient_lease_read(files[i], &mos);
		if (rc < 0) {
			md_warn("DHCP lease %s: %s", files[i], strerror(-rc));
			continue;
		}
		rc = mihf_mos_to_peers(&mos, m->peers, md_now_ns());
		md_info("DHCP lease %s: %d MoS address%s", files[i], rc,
			rc == 1 ? "" : "es");
		if (rc > 0)
			m->lease_found += (size_t)rc;
		mihf_mos_domains(&mos, mos_domain, m);
	}
}

/* ------------------------------------------------------------------ */
/* Start and stop of the pieces                                        */

static void copy_conf(struct md_mihfd *m, const struct md_config *cfg)
{
	m->roles = cfg->roles;
	memcpy(m->id, cfg->mihf_id, cfg->mihf_id_len);
	m->id_len = cfg->mihf_id_len;
	m->conf = cfg->mihf;
	m->isdb_conf = cfg->isdb;
	m->disc_conf = cfg->discovery;
	m->proxy_conf = cfg->proxy;
	/* Wi-Fi links: the wpa_supplicant socket named like the interface */
	memset(m->wpa_ctrl, 0, sizeof(m->wpa_ctrl));
	for (size_t i = 0; i < cfg->mihf.nifs; i++) {
		for (size_t j = 0; j < cfg->nwpa; j++) {
			const char *base = strrchr(cfg->wpa[j].ctrl, '/');

			if (base && !strcmp(base + 1, cfg->mihf.ifs[i]))
				snprintf(m->wpa_ctrl[i], sizeof(m->wpa_ctrl[i]),
					 "%s", cfg->wpa[j].ctrl);
		}
	}
}

static int copy_peers(struct md_mihfd *m, const struct md_config *cfg)
{
	struct md_peer *p = calloc(cfg->npeers + 1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	memcpy(p, cfg->peers, cfg->npeers * sizeof(*p));
	free(m->cpeers);
	m->cpeers = p;
	m->ncpeers = cfg->npeers;
	return 0;
}

static int open_isdb(struct md_mihfd *m)
{
	const struct md_isdb_conf *c = &m->isdb_conf;
	char err[ISDB_ERR_MAX + 64] = "";
	const char *target = c->backend == MD_ISDB_POSTGRESQL ? c->conninfo :
							       c->path;
	int rc;

	if (c->backend == MD_ISDB_SQLITE) {
		/* the default place may not exist yet */
		char dir[sizeof(c->path)];
		char *slash;

		snprintf(dir, sizeof(dir), "%s", c->path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0750) < 0 && errno != EEXIST)
				md_warn("IS database directory %s: %s", dir,
					strerror(errno));
		}
	}
	rc = isdb_open(&m->db, c->backend == MD_ISDB_POSTGRESQL ?
		       ISDB_BACKEND_PG : ISDB_BACKEND_SQLITE, target, err,
		       sizeof(err));
	if (rc < 0) {
		md_err("IS database (%s%s%s): %s",
		       md_isdb_backend_name(c->backend),
		       c->backend == MD_ISDB_SQLITE ? " " : "",
		       c->backend == MD_ISDB_SQLITE ? c->path : "",
		       err[0] ? err : strerror(-rc));
		m->db = NULL;
		return rc;
	}
	{
		size_t nets = 0, poas = 0;

		isdb_count(m->db, &nets, &poas);
		md_notice("IS database (%s): %zu network%s, %zu PoA%s",
			  md_isdb_backend_name(c->backend), nets,
			  nets == 1 ? "" : "s", poas, poas == 1 ? "" : "s");
	}
	return 0;
}

static int open_engine(struct md_mihfd *m)
{
	struct mihf_cfg mc = { 0 };
	struct mihx_cfg xc;
	int rc;

	mihx_cfg_defaults(&xc);
	xc.port = m->port;
	snprintf(xc.bind_addr, sizeof(xc.bind_addr), "%s", m->listen);
	memcpy(xc.id, m->id, m->id_len);
	xc.id_len = m->id_len;
	memcpy(xc.rtx_ms, m->conf.rtx_ms, sizeof(xc.rtx_ms));
	xc.retries = m->conf.retries;
	xc.dup_lifetime_ms = m->conf.dup_secs * 1000;
	xc.keepalive_ms = m->conf.keepalive_secs * 1000;
	xc.max_dgram = m->conf.max_dgram;
	xc.tcp_enable = m->conf.tcp;
	xc.tcp_port = 0;		/* the UDP port */

	memcpy(mc.id.v, m->id, m->id_len);
	mc.id.len = m->id_len;
	mc.roles = (m->roles & MD_ROLE_MMT ? MIHF_ROLE_MMT : 0) |
		   (m->roles & MD_ROLE_POA ? MIHF_ROLE_POS : 0) |
		   (m->roles & MD_ROLE_IS ? MIHF_ROLE_IS : 0);
	if (m->conf.serving_pos >= 0 && (size_t)m->conf.serving_pos <
					 m->ncpeers && (m->roles & MD_ROLE_MMT)) {
		const struct md_peer *p = &m->cpeers[m->conf.serving_pos];

		memcpy(mc.serving_pos.v, p->mihf_id, p->mihf_id_len);
		mc.serving_pos.len = p->mihf_id_len;
		mc.subscribe_serving = true;
	}
	if (m->conf.is_server >= 0 &&
	    (size_t)m->conf.is_server < m->ncpeers) {
		const struct md_peer *p = &m->cpeers[m->conf.is_server];

		memcpy(mc.is_server.v, p->mihf_id, p->mihf_id_len);
		mc.is_server.len = p->mihf_id_len;
	}
	mc.discover = m->conf.discover != MD_DISCOVER_NONE;
	mc.discover_multicast = m->conf.discover == MD_DISCOVER_MULTICAST;
	mc.refuse_net_ho = m->conf.refuse_net_ho;
	/* an IS answer may exceed a datagram only when TCP can carry it
	 * (the requester's Max response size still bounds it) */
	mc.max_rsp = m->conf.tcp ? UINT16_MAX : m->conf.max_dgram;
	rc = mihf_open(m->loop, &mc, &xc, m->peers, m->db, &m->mihf);
	if (rc < 0) {
		md_err("MIH function: cannot listen on %s port %u: %s",
		       m->listen[0] ? m->listen : "::", m->port,
		       strerror(-rc));
		m->mihf = NULL;
		return rc;
	}
	mihf_set_trace(m->mihf, trace, m);
	mihf_set_event_cb(m->mihf, link_event, m);
	if (m->conf.handover_script[0])
		mihf_set_switch_hook(m->mihf, switch_hook, m);
	return 0;
}

static void start_linkev(struct md_mihfd *m)
{
	struct linkev_if_cfg ifs[MD_MIHF_IFS_MAX];
	struct linkev_cfg lc = { .ifs = ifs, .nifs = m->conf.nifs };
	int rc;

	if (!m->conf.nifs)
		return;
	memset(ifs, 0, sizeof(ifs));
	for (size_t i = 0; i < m->conf.nifs; i++) {
		snprintf(ifs[i].ifname, sizeof(ifs[i].ifname), "%s",
			 m->conf.ifs[i]);
		ifs[i].wpa_ctrl = m->wpa_ctrl[i][0] ? m->wpa_ctrl[i] : NULL;
		ifs[i].signal_threshold = m->conf.signal_dbm;
	}
	rc = linkev_start(m->loop, &lc, mihf_link_event, m->mihf, &m->le);
	if (rc < 0) {
		md_err("link events: %s", strerror(-rc));
		m->le = NULL;
		return;
	}
	mihf_set_linkev(m->mihf, m->le);
}

static void start_proxy(struct md_mihfd *m)
{
	struct mihf_proxy_cfg pc;
	int err = 0;

	if (!m->proxy_conf.line)
		return;
	mihf_proxy_cfg_init(&pc);
	snprintf(pc.ifname, sizeof(pc.ifname), "%s", m->proxy_conf.ifname);
	pc.udp_port = m->proxy_conf.udp_port;
	pc.upstream = m->proxy_conf.upstream;
	pc.upstream_len = m->proxy_conf.upstream_len;
	m->proxy = mihf_proxy_new(m->loop, &pc, m->peers, &err);
	if (!m->proxy)
		md_err("MIH proxy on %s: %s", pc.ifname, strerror(-err));
	else
		md_notice("MIH proxy: %s <-> UDP port %u", pc.ifname,
			  mihf_proxy_udp_port(m->proxy));
}

static void start_discovery(struct md_mihfd *m)
{
	m->expire_t = md_timer_add(m->loop, EXPIRE_SECS * MD_NSEC_PER_SEC,
				   EXPIRE_SECS * MD_NSEC_PER_SEC, expire_tick,
				   m);
	if (!m->disc_conf.line)
		return;
	/* at once from the loop, not inside the start */
	if (m->disc_conf.dns_domain[0])
		m->dns_t = md_timer_add(m->loop, 1, 0, dns_tick, m);
	if (m->disc_conf.dhcp_lease[0] || m->disc_conf.dhcp6_lease[0])
		m->lease_t = md_timer_add(m->loop, 1,
					  LEASE_SECS * MD_NSEC_PER_SEC,
					  lease_tick, m);
}

/* Everything but the control hookup and the [peer] copy */
static void pieces_stop(struct md_mihfd *m)
{
	struct op *op;

	if (m->script_pid > 0) {
		kill(m->script_pid, SIGKILL);
		waitpid(m->script_pid, NULL, 0);
		m->ho = NULL;		/* the engine goes too */
		script_finish(m, -ECANCELED);
	}
	if (m->expire_t)
		md_timer_cancel(m->loop, m->expire_t);
	if (m->dns_t)
		md_timer_cancel(m->loop, m->dns_t);
	for (size_t i = 0; i < DNS_JOBS_MAX; i++) {
		if (m->dns_job[i]) {
			mihf_dns_job_cancel(m->loop, m->dns_job[i]);
			free(m->dns_arg[i]);
			m->dns_job[i] = NULL;
			m->dns_arg[i] = NULL;
		}
	}
	if (m->lease_t)
		md_timer_cancel(m->loop, m->lease_t);
	m->expire_t = m->dns_t = m->lease_t = NULL;
	memset(m->lease_mtime, 0, sizeof(m->lease_mtime));
	mihf_proxy_free(m->proxy);
	m->proxy = NULL;
	linkev_stop(m->le);
	m->le = NULL;
	/* pending requests' callbacks run here (-ECANCELED) */
	if (m->mihf)
		mihf_free(m->mihf);
	m->mihf = NULL;
	/* whatever the engine did not complete */
	while ((op = m->ops))
		op_done(op, jerr("%s: cancelled (the MIH function stopped)",
				 op->what), -1);
	isdb_close(m->db);
	m->db = NULL;
	mihf_peers_free(m->peers);
	m->peers = NULL;
}

static int pieces_start(struct md_mihfd *m)
{
	int rc;

	m->peers = mihf_peers_new(0);
	if (!m->peers)
		return -ENOMEM;
	/* an IS server always; an access router if it has one (to find
	 * the PoS of a PoA) */
	if ((m->roles & MD_ROLE_IS) || m->isdb_conf.line) {
		rc = open_isdb(m);
		if (rc < 0)
			return rc;
	}
	rc = open_engine(m);
	if (rc < 0)
		return rc;
	add_static_peers(m);
	start_linkev(m);
	start_proxy(m);
	start_discovery(m);
	rc = mihf_start(m->mihf);
	if (rc < 0)
		md_warn("MIH function start (discovery, registration): %s",
			strerror(-rc));
	md_notice("MIH function: listening on %s port %u, %zu static peer%s, discover %s",
		  m->listen[0] ? m->listen : "::", m->port, m->ncpeers,
		  m->ncpeers == 1 ? "" : "s", md_discover_name(m->conf.discover));
	return 0;
}

int md_mihfd_start(struct md_loop *loop, const struct md_config *cfg,
		   struct md_control *ctrl, struct md_mihfd **out)
{
	struct md_mihfd *m = calloc(1, sizeof(*m));
	struct md_control_ext ext = { .command = command,
				      .mih_peers = mih_peers };
	int rc;

	*out = NULL;
	if (!m)
		return -ENOMEM;
	m->loop = loop;
	m->ctrl = ctrl;
	m->script_fd = -1;
	copy_conf(m, cfg);
	snprintf(m->listen, sizeof(m->listen), "%s", cfg->mihf.listen);
	m->port = cfg->mihf.port;
	rc = copy_peers(m, cfg);
	if (!rc)
		rc = pieces_start(m);
	if (rc < 0) {
		pieces_stop(m);
		free(m->cpeers);
		free(m);
		return rc;
	}
	ext.arg = m;
	md_control_set_ext(ctrl, &ext);
	*out = m;
	return 0;
}

/* The settings whose change restarts the pieces */
static bool restart_needed(const struct md_mihfd *m,
			   const struct md_config *cfg)
{
	struct md_mihf_conf a = m->conf, b = cfg->mihf;

	/* compared elsewhere, or not a restart matter */
	a.line = b.line;
	memcpy(a.listen, b.listen, sizeof(a.listen));
	a.port = b.port;
	return memcmp(&a, &b, sizeof(a)) || m->roles != cfg->roles ||
	       m->id_len != cfg->mihf_id_len ||
	       memcmp(m->id, cfg->mihf_id, m->id_len) ||
	       ({ struct md_isdb_conf x = m->isdb_conf; x.line = cfg->isdb.line;
		  memcmp(&x, &cfg->isdb, sizeof(x)); }) ||
	       ({ struct md_discovery_conf x = m->disc_conf;
		  x.line = cfg->discovery.line;
		  memcmp(&x, &cfg->discovery, sizeof(x)); }) ||
	       ({ struct md_proxy_conf x = m->proxy_conf;
		  x.line = cfg->proxy.line;
		  memcmp(&x, &cfg->proxy, sizeof(x)); }) ||
	       (!m->disc_conf.line != !cfg->discovery.line) ||
	       (!m->proxy_conf.line != !cfg->proxy.line) ||
	       (!m->isdb_conf.line != !cfg->isdb.line);
}

static bool peers_changed(const struct md_mihfd *m,
			  const struct md_config *cfg)
{
	if (m->ncpeers != cfg->npeers)
		return true;
	for (size_t i = 0; i < m->ncpeers; i++) {
		struct md_peer a = m->cpeers[i];

		a.line = cfg->peers[i].line;
		a.id_line = cfg->peers[i].id_line;
		if (memcmp(&a, &cfg->peers[i], sizeof(a)))
			return true;
	}
	return false;
}

int md_mihfd_reload(struct md_mihfd *m, const struct md_config *cfg)
{
	/* off after a failed restart: try again whatever changed */
	bool restart = !m->mihf || restart_needed(m, cfg);
	bool peers = peers_changed(m, cfg);
	size_t pending = 0;
	int rc;

	if (strcmp(m->listen, cfg->mihf.listen) || m->port != cfg->mihf.port)
		md_warn("[mihf] listen/port changes take effect at the next start (still on %s port %u)",
			m->listen[0] ? m->listen : "::", m->port);
	if (!restart && !peers)
		return 0;
	rc = copy_peers(m, cfg);
	if (rc < 0) {
		md_err("reload of the MIH function: out of memory");
		return rc;
	}
	if (!restart) {
		/* the peer table in place: static entries replaced */
		mihf_peers_forget_source(m->peers, MIHF_PEER_SRC_STATIC);
		add_static_peers(m);
		md_notice("MIH function: %zu static peer%s reloaded",
			  m->ncpeers, m->ncpeers == 1 ? "" : "s");
		return 0;
	}
	for (struct op *op = m->ops; op; op = op->next)
		pending++;
	pieces_stop(m);
	copy_conf(m, cfg);
	rc = pieces_start(m);
	if (rc < 0) {
		md_err("MIH function: restart with the new settings failed: %s; it stays off until the next reload or start",
		       strerror(-rc));
		pieces_stop(m);
		return rc;
	}
	md_notice("MIH function restarted with the new settings (%zu pending request%s cancelled)",
		  pending, pending == 1 ? "" : "s");
	return 0;
}

void md_mihfd_stop(struct md_mihfd *m)
{
	if (!m)
		return;
	md_control_set_ext(m->ctrl, NULL);
	pieces_stop(m);
	free(m->cpeers);
	free(m);
}

struct mihf *md_mihfd_mihf(const struct md_mihfd *m)
{
	return m ? m->mihf : NULL;
}

struct mihf_peers *md_mihfd_peers(const struct md_mihfd *m)
{
	return m ? m->peers : NULL;
}

uint16_t md_mihfd_port(const struct md_mihfd *m)
{
	return m && m->mihf && mihf_transport(m->mihf) ?
	       mihx_port(mihf_transport(m->mihf)) : 0;
}

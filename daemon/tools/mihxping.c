// SPDX-License-Identifier: GPL-2.0
/*
 * mihxping: exercise the MIH transport (mihf/transport.h) between two
 * hosts or namespaces.  A test tool, not part of mihsecd.
 *
 *   mihxping serve --id ID [--port P] [--bind ADDR] [--late-ms MS]
 *                  [--rtx-ms MS] [--retries N]
 *     Answers every request with a response carrying the request's
 *     sequence number (TLV 150) and its own response counter (TLV 151).
 *     Prints "rx <src-id> <tid> <seq>" for each request the transport
 *     delivers (duplicates never are), and on SIGTERM/SIGINT a line
 *     "stats tx N rx N rtx N acks_tx N acks_rx N dup_cached N
 *     dup_dropped N timeouts N malformed N unmatched N" and exits 0.
 *     --late-ms: answer after MS instead of at once (pure ACK first).
 *
 *   mihxping send --id ID --to ADDR --peer-id ID --count N [--port P]
 *                 [--window W] [--rtx-ms MS] [--retries N] [--backoff F]
 *                 [--timeout-ms MS] [--trace] [--verbose] [--multi]
 *     Sends N requests (at most W outstanding, default 1), each with its
 *     sequence number 1..N in the experimental TLV 150 (MIHSec uses
 *     200/201), and prints one summary line:
 *     "sent N delivered N timeouts N errors N retransmissions N
 *      unmatched N wrong_seq N".
 *     --trace: one line per datagram sent or received, from the
 *     transport's test hook (nothing dropped):
 *     "trace <ms since start> tx|rx tid <tid> op <opcode> ackreq <0|1>
 *      ackrsp <0|1> len <octets>".
 *     --verbose: "rsp <seq> tid <tid> transmissions <n> rtt_ms <ms>",
 *     "timeout <seq> at_ms <ms since start>" or "error <seq> <reason>"
 *     per request.
 *     Exit status 0 if every request got its response.
 *     --multi: instead, one discovery-style request to a broadcast or
 *     multicast ADDR (e.g. 10.0.0.255, ff02::1%eth0; --peer-id '' for an
 *     empty Destination MIHF ID), no ACK-Req, waiting --timeout-ms; prints
 *     "resp <src-id> <address>" per responder and "multi responders N";
 *     exit status 0 if anyone answered.
 *
 * Both use SID 3 (command service, AID 5) so --rtx-ms sets the interval
 * that counts; it sets every SID's interval.  --port in send mode is the
 * peer's port (default 4551); the sender binds an ephemeral port.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mih.h"
#include "mihf/transport.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

#define TLV_SEQ		150
#define TLV_COUNT	151
#define REQ_SID		MIH_SID_COMMAND
#define REQ_AID		MIH_AID_MN_HO_CANDIDATE_QUERY

struct app {
	struct md_loop *loop;
	struct mihx *x;
	struct mihx_cfg cfg;
	const char *peer_id;
	struct sockaddr_storage to;
	socklen_t to_len;
	unsigned int count, window, late_ms, timeout_ms;
	bool trace, verbose, multi;
	unsigned int responders;
	uint64_t t0;
	/* send */
	unsigned int next, outstanding, delivered, timeouts, errors,
		     wrong_seq;
	bool stopping;
	/* serve */
	uint32_t answered;
	struct pending {
		struct mihx_in *in;
		struct pending *next;
	} *pend;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: mihxping serve --id ID [--port P] [--bind ADDR] "
		"[--late-ms MS] [--rtx-ms MS] [--retries N]\n"
		"       mihxping send --id ID --to ADDR --peer-id ID --count N "
		"[--port P] [--window W]\n"
		"                     [--rtx-ms MS] [--retries N] [--backoff F] "
		"[--timeout-ms MS] [--trace] [--verbose] [--multi]\n");
	exit(2);
}

static unsigned long num(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v > max) {
		fprintf(stderr, "mihxping: bad number '%s' (0..%lu)\n", s, max);
		exit(2);
	}
	return v;
}

static uint32_t get_u32(const struct mih_pdu *p, uint8_t type)
{
	struct mih_tlv t;

	if (mih_tlv_find(p->body, p->body_len, type, &t) != 1 || t.len != 4)
		return 0;
	return (uint32_t)t.value[0] << 24 | t.value[1] << 16 |
	       t.value[2] << 8 | t.value[3];
}

static void put_u32(uint8_t v[4], uint32_t x)
{
	v[0] = x >> 24;
	v[1] = x >> 16;
	v[2] = x >> 8;
	v[3] = x;
}

static bool trace_hook(void *arg, bool out, const uint8_t *pdu, size_t len)
{
	struct app *a = arg;
	struct mih_hdr h;

	if (mih_hdr_decode(pdu, len, &h) < 0) {
		printf("trace %.1f %s malformed len %zu\n",
		       (double)(md_now_ns() - a->t0) / 1e6, out ? "tx" : "rx",
		       len);
	} else {
		printf("trace %.1f %s tid %u op %u ackreq %d ackrsp %d len %zu\n",
		       (double)(md_now_ns() - a->t0) / 1e6, out ? "tx" : "rx",
		       h.tid, h.opcode, h.ack_req, h.ack_rsp, len);
	}
	fflush(stdout);
	return false;
}

/* ---- serve ---- */

static int answer(struct app *a, struct mihx_in *in)
{
	uint8_t buf[600], v[4];
	struct mih_hdr h = in->pdu.hdr;
	struct mih_builder b;
	size_t len;

	h.opcode = MIH_OP_RESPONSE;
	h.ack_req = h.ack_rsp = false;
	mih_builder_init(&b, buf, sizeof(buf));
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, a->cfg.id, a->cfg.id_len, in->pdu.src_id,
		      in->pdu.src_id_len);
	mih_build_tlv(&b, MIH_TLV_STATUS, "\0", 1);
	put_u32(v, get_u32(&in->pdu, TLV_SEQ));
	mih_build_tlv(&b, TLV_SEQ, v, 4);
	put_u32(v, ++a->answered);
	mih_build_tlv(&b, TLV_COUNT, v, 4);
	if (mih_build_finish(&b, &len)) {
		mihx_in_release(in);
		return -EINVAL;
	}
	return mihx_respond(in, buf, len);
}

static void late_answer(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct app *a = arg;
	struct pending *p = a->pend, **pp = &a->pend;

	(void)loop;
	(void)t;
	/* the oldest pending request (the list is newest first) */
	if (!p)
		return;
	while (p->next) {
		pp = &p->next;
		p = p->next;
	}
	*pp = NULL;
	answer(a, p->in);
	free(p);
}

static void serve_rx(void *arg, struct mihx_in *in)
{
	struct app *a = arg;
	struct pending *p;

	if (in->pdu.hdr.opcode != MIH_OP_REQUEST)
		return;
	printf("rx %.*s %u %u\n", (int)in->pdu.src_id_len,
	       (const char *)in->pdu.src_id, in->pdu.hdr.tid,
	       get_u32(&in->pdu, TLV_SEQ));
	fflush(stdout);
	if (!a->late_ms) {
		answer(a, in);
		return;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return;
	mihx_in_hold(in);
	p->in = in;
	p->next = a->pend;
	a->pend = p;
	md_timer_add(a->loop, (uint64_t)a->late_ms * MD_NSEC_PER_MSEC, 0,
		     late_answer, a);
}

static void print_stats(struct app *a)
{
	struct mihx_stats s;

	mihx_get_stats(a->x, &s);
	printf("stats tx %llu rx %llu rtx %llu acks_tx %llu acks_rx %llu "
	       "dup_cached %llu dup_dropped %llu timeouts %llu malformed %llu "
	       "unmatched %llu\n",
	       (unsigned long long)s.tx, (unsigned long long)s.rx,
	       (unsigned long long)s.rtx, (unsigned long long)s.acks_tx,
	       (unsigned long long)s.acks_rx,
	       (unsigned long long)s.dup_cached,
	       (unsigned long long)s.dup_dropped,
	       (unsigned long long)s.timeouts,
	       (unsigned long long)s.malformed,
	       (unsigned long long)s.unmatched);
	fflush(stdout);
}

static void on_signal(struct md_loop *loop, int signo, void *arg)
{
	(void)signo;
	(void)arg;
	md_loop_stop(loop, 0);
}

/* ---- send ---- */

static void send_next(struct app *a);

static void send_done(void *arg, int status, const struct mihx_rsp *rsp)
{
	struct app *a = arg;
	uint32_t seq = 0;

	a->outstanding--;
	if (status == 0 && !rsp) {	/* multi: done, someone answered */
		a->delivered++;
	} else if (status == 0 && rsp) {
		seq = get_u32(&rsp->pdu, TLV_SEQ);
		a->delivered++;
		if (a->verbose)
			printf("rsp %u tid %u transmissions %u rtt_ms %.1f\n",
			       seq, rsp->pdu.hdr.tid, rsp->transmissions,
			       (double)rsp->rtt_ns / 1e6);
	} else if (status == -ETIMEDOUT) {
		a->timeouts++;
	} else {
		a->errors++;
	}
	fflush(stdout);
	send_next(a);
}

/* A request carries seq in TLV 150; the response must echo it */
struct reqctx {
	struct app *a;
	uint32_t seq;
};

static void req_done(void *arg, int status, const struct mihx_rsp *rsp)
{
	struct reqctx *c = arg;
	struct app *a = c->a;

	if (status == 0 && rsp && get_u32(&rsp->pdu, TLV_SEQ) != c->seq)
		a->wrong_seq++;
	if (status == -ETIMEDOUT && a->verbose)
		printf("timeout %u at_ms %.1f\n", c->seq,
		       (double)(md_now_ns() - a->t0) / 1e6);
	else if (status && a->verbose)
		printf("error %u %s\n", c->seq, strerror(-status));
	free(c);
	send_done(a, status, rsp);
}

static void multi_done(void *arg, int status, const struct mihx_rsp *rsp)
{
	struct reqctx *c = arg;
	struct app *a = c->a;
	char host[INET6_ADDRSTRLEN] = "?";

	if (rsp) {
		if (rsp->peer.ss_family == AF_INET)
			inet_ntop(AF_INET,
				  &((const struct sockaddr_in *)&rsp->peer)->sin_addr,
				  host, sizeof(host));
		else
			inet_ntop(AF_INET6,
				  &((const struct sockaddr_in6 *)&rsp->peer)->sin6_addr,
				  host, sizeof(host));
		printf("resp %.*s %s\n", (int)rsp->pdu.src_id_len,
		       (const char *)rsp->pdu.src_id, host);
		fflush(stdout);
		a->responders++;
		return;
	}
	printf("multi responders %u\n", a->responders);
	fflush(stdout);
	free(c);
	send_done(a, a->responders ? 0 : status, NULL);
}

static void send_next(struct app *a)
{
	if (a->stopping)
		return;
	while (a->outstanding < a->window && a->next < a->count) {
		uint8_t buf[600], v[4];
		struct mih_hdr h = {
			.version = MIH_VERSION, .sid = REQ_SID,
			.opcode = MIH_OP_REQUEST, .aid = REQ_AID,
		};
		struct mih_builder b;
		struct reqctx *c;
		size_t len;
		int err;

		mih_builder_init(&b, buf, sizeof(buf));
		mih_build_hdr(&b, &h);
		mih_build_ids(&b, a->cfg.id, a->cfg.id_len, a->peer_id,
			      strlen(a->peer_id));
		put_u32(v, ++a->next);
		mih_build_tlv(&b, TLV_SEQ, v, 4);
		c = malloc(sizeof(*c));
		if (mih_build_finish(&b, &len) || !c) {
			free(c);
			a->errors++;
			continue;
		}
		c->a = a;
		c->seq = a->next;
		err = mihx_request(a->x, (struct sockaddr *)&a->to, a->to_len,
				   buf, len, a->multi ? MIHX_F_MULTI : 0,
				   a->timeout_ms, a->multi ? multi_done :
				   req_done, c, NULL);
		if (err) {
			fprintf(stderr, "mihxping: request %u: %s\n", a->next,
				strerror(-err));
			free(c);
			a->errors++;
			continue;
		}
		a->outstanding++;
	}
	if (!a->outstanding && a->next >= a->count)
		md_loop_stop(a->loop, 0);
}

static int parse_addr(const char *s, uint16_t port,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN + 1];
	const char *pct = strchr(s, '%');

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return 0;
	}
	snprintf(host, sizeof(host), "%.*s",
		 (int)(pct ? (size_t)(pct - s) : strlen(s)), s);
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
		return -EINVAL;
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	if (pct)
		s6->sin6_scope_id = if_nametoindex(pct + 1);
	*len = sizeof(*s6);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "to", required_argument, NULL, 't' },
		{ "peer-id", required_argument, NULL, 'P' },
		{ "count", required_argument, NULL, 'n' },
		{ "window", required_argument, NULL, 'w' },
		{ "rtx-ms", required_argument, NULL, 'r' },
		{ "retries", required_argument, NULL, 'R' },
		{ "backoff", required_argument, NULL, 'B' },
		{ "timeout-ms", required_argument, NULL, 'T' },
		{ "late-ms", required_argument, NULL, 'L' },
		{ "trace", no_argument, NULL, 'x' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "debug", no_argument, NULL, 'd' },
		{ "multi", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct app a = { .window = 1 };
	const char *id = NULL, *to = NULL;
	struct mihx_ops ops = { 0 };
	uint16_t port = MIH_PORT;
	bool serve;
	int c, err, i;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "serve"))
		serve = true;
	else if (!strcmp(argv[1], "send"))
		serve = false;
	else
		usage();
	mihx_cfg_defaults(&a.cfg);
	md_log_open(stderr);
	md_log_set_level(MD_LOG_WARNING);
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i': id = optarg; break;
		case 'p': port = (uint16_t)num(optarg, 65535); break;
		case 'b':
			snprintf(a.cfg.bind_addr, sizeof(a.cfg.bind_addr), "%s",
				 optarg);
			break;
		case 't': to = optarg; break;
		case 'P': a.peer_id = optarg; break;
		case 'n': a.count = (unsigned int)num(optarg, 10000000); break;
		case 'w': a.window = (unsigned int)num(optarg, 4000); break;
		case 'r':
			for (i = 1; i <= 4; i++)
				a.cfg.rtx_ms[i] = (unsigned int)num(optarg,
								    60000);
			break;
		case 'R': a.cfg.retries = (unsigned int)num(optarg, 16); break;
		case 'B': a.cfg.backoff = (unsigned int)num(optarg, 4); break;
		case 'T': a.timeout_ms = (unsigned int)num(optarg, 3600000); break;
		case 'L': a.late_ms = (unsigned int)num(optarg, 600000); break;
		case 'x': a.trace = true; break;
		case 'v': a.verbose = true; break;
		case 'd': md_log_set_level(MD_LOG_DEBUG); break;
		case 'm': a.multi = true; break;
		default: usage();
		}
	}
	if (optind != argc || !id || strlen(id) > MIH_MIHF_ID_MAX || !*id)
		usage();
	if (!serve && (!to || !a.peer_id || !a.count || !a.window ||
		       strlen(a.peer_id) > MIH_MIHF_ID_MAX))
		usage();
	memcpy(a.cfg.id, id, strlen(id));
	a.cfg.id_len = strlen(id);
	a.cfg.keepalive_ms = 0;
	if (serve) {
		a.cfg.port = port;
		ops.rx = serve_rx;
	} else {
		a.cfg.port = 0;
		if (parse_addr(to, port, &a.to, &a.to_len)) {
			fprintf(stderr, "mihxping: bad address '%s'\n", to);
			return 2;
		}
	}
	if (a.trace) {
		a.cfg.test_drop = trace_hook;
		a.cfg.test_drop_arg = &a;
	}
	a.loop = md_loop_new();
	if (!a.loop)
		return 1;
	err = mihx_new(a.loop, &a.cfg, &ops, &a, &a.x);
	if (err) {
		fprintf(stderr, "mihxping: transport: %s\n", strerror(-err));
		return 1;
	}
	md_loop_add_signal(a.loop, SIGTERM, on_signal, &a);
	md_loop_add_signal(a.loop, SIGINT, on_signal, &a);
	a.t0 = md_now_ns();
	if (serve) {
		printf("serving %s on port %u\n", id, mihx_port(a.x));
		fflush(stdout);
		md_loop_run(a.loop);
		print_stats(&a);
		while (a.pend) {
			struct pending *p = a.pend;

			a.pend = p->next;
			mihx_in_release(p->in);
			free(p);
		}
		mihx_free(a.x);
		md_loop_free(a.loop);
		return 0;
	}
	send_next(&a);
	if (a.outstanding)
		md_loop_run(a.loop);
	{
		struct mihx_stats s;

		mihx_get_stats(a.x, &s);
		printf("sent %u delivered %u timeouts %u errors %u "
		       "retransmissions %llu unmatched %llu wrong_seq %u\n",
		       a.next, a.delivered, a.timeouts, a.errors,
		       (unsigned long long)s.rtx,
		       (unsigned long long)s.unmatched, a.wrong_seq);
		fflush(stdout);
	}
	a.stopping = true;
	mihx_free(a.x);
	md_loop_free(a.loop);
	return a.delivered == a.count && !a.wrong_seq ? 0 : 1;
}

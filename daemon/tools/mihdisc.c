// SPDX-License-Identifier: GPL-2.0
/*
 * mihdisc: MIH peer discovery and the MIH proxy, standalone (for the host
 * tests tests/host/discovery_dns.sh, discovery_dhcp.sh, proxy_l2.sh and for
 * operators trying a configuration).  Uses daemon/mihf/{peers,discovery,
 * proxy}.c exactly as mihsecd does.
 *
 *   mihdisc dns [-s SERVER[#PORT]] [-T] [-U] [-a] [-S is,es,cs] [-t MS] DOMAIN
 *       RFC 5679 NAPTR -> SRV -> A/AAAA in DOMAIN (-s: that nameserver,
 *       else /etc/resolv.conf; -T: TCP too, -U with -T: TCP only; -a: in
 *       the worker thread, reported on an md_loop, as mihsecd does).  Prints
 *       one line per result
 *         result service=is transport=udp address=192.0.2.1 port=4551
 *                ttl=300 target=is1.example.test
 *       then "peers <JSON of the peer table>".  Exit 0 if something was
 *       found, 2 if nothing, 1 on error.
 *   mihdisc lease FILE
 *       RFC 5678 MoS options from a dhclient lease file (see
 *       mihf/discovery.h for the dhclient.conf declarations).  Prints
 *         mos is|cs|es v4|v6|name VALUE
 *         expire EPOCH|never|unknown
 *         peers <JSON>
 *   mihdisc env
 *       The same from a dhclient-script environment (new_mihsec_mos_*).
 *   mihdisc proxy -i IFACE [-p PORT] [-b BIND-ADDR] [-u UPSTREAM[#PORT]]
 *                 [-P ID=ADDR[#PORT]]... [-m L2-MTU] [-r READY-FILE]
 *       Run the MIH proxy until SIGTERM/SIGINT: L2 frames (ethertype
 *       0x8917) on IFACE <-> UDP.  -P adds a static peer (routing by
 *       Destination MIHF ID).  When the sockets are up, the UDP port is
 *       written to READY-FILE.  SIGUSR1 prints "stats <JSON>"; so does
 *       the exit.  Needs CAP_NET_RAW.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/mih.h"
#include "mihf/discovery.h"
#include "mihf/peers.h"
#include "mihf/proxy.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: mihdisc dns [-s SERVER[#PORT]] [-T] [-U] [-a] [-S is,es,cs] [-t MS] DOMAIN\n"
		"       mihdisc lease FILE\n"
		"       mihdisc env\n"
		"       mihdisc proxy -i IFACE [-p PORT] [-b ADDR] [-u ADDR[#PORT]]\n"
		"                     [-P ID=ADDR[#PORT]]... [-m MTU] [-r READY-FILE]\n");
	exit(1);
}

/* "ADDR" or "ADDR#PORT" into @ss (port @defport when absent) */
static int parse_addr(const char *s, uint16_t defport,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	char buf[INET6_ADDRSTRLEN + 8], *hash;
	unsigned long port = defport;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	hash = strchr(buf, '#');
	if (hash) {
		char *e;

		*hash++ = 0;
		port = strtoul(hash, &e, 10);
		if (*e || !*hash || port > 65535)
			return -EINVAL;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, buf, &((struct sockaddr_in *)ss)->sin_addr) ==
	    1) {
		ss->ss_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(AF_INET6, buf,
		      &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		ss->ss_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in6);
		return 0;
	}
	return -EINVAL;
}

static const char *svc_name(uint32_t s)
{
	return s == MIHF_SVC_IS ? "is" : s == MIHF_SVC_ES ? "es" :
	       s == MIHF_SVC_CS ? "cs" : "?";
}

static void print_peers(struct mihf_peers *peers)
{
	struct json_object *j;

	if (mihf_peers_to_json(peers, &j)) {
		printf("peers null\n");
		return;
	}
	printf("peers %s\n", json_object_to_json_string_ext(j,
		JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
}

struct async_res {
	struct md_loop *loop;
	struct mihf_dns_result *res;
	size_t n;
	int err;
};

static void async_done(void *arg, int err, const struct mihf_dns_result *res,
		       size_t n)
{
	struct async_res *a = arg;

	a->err = err;
	a->n = n;
	memcpy(a->res, res, n * sizeof(*res));
	md_loop_stop(a->loop, 0);
}

/* mihf_dns_discover() through the asynchronous interface */
static int discover_async(const struct mihf_dns_cfg *cfg,
			  struct mihf_dns_result *res, size_t *n)
{
	struct async_res a = { .res = res, .err = -EIO };
	int err = 0;

	a.loop = md_loop_new();
	if (!a.loop)
		return -ENOMEM;
	if (!mihf_dns_discover_async(a.loop, cfg, async_done, &a, &err)) {
		md_loop_free(a.loop);
		return err;
	}
	err = md_loop_run(a.loop);
	md_loop_free(a.loop);
	*n = a.n;
	return err < 0 ? err : a.err;
}

static int cmd_dns(int argc, char **argv)
{
	struct mihf_dns_cfg cfg;
	struct mihf_dns_result *res;
	struct mihf_peers *peers;
	size_t n, i;
	int c, err;
	bool tcp_only = false, async = false;

	mihf_dns_cfg_init(&cfg);
	while ((c = getopt(argc, argv, "s:TUaS:t:")) != -1) {
		switch (c) {
		case 's':
			if (parse_addr(optarg, 53, &cfg.ns, &cfg.ns_len))
				usage();
			break;
		case 'T':
			cfg.tcp = true;
			break;
		case 'U':
			tcp_only = true;
			break;
		case 'a':
			async = true;
			break;
		case 'S':
			cfg.services = 0;
			if (strstr(optarg, "is"))
				cfg.services |= MIHF_SVC_IS;
			if (strstr(optarg, "es"))
				cfg.services |= MIHF_SVC_ES;
			if (strstr(optarg, "cs"))
				cfg.services |= MIHF_SVC_CS;
			break;
		case 't':
			cfg.timeout_ms = (unsigned int)atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 ||
	    strlen(argv[optind]) >= sizeof(cfg.domain))
		usage();
	if (tcp_only) {
		cfg.udp = false;
		cfg.tcp = true;
	}
	strcpy(cfg.domain, argv[optind]);
	res = calloc(MIHF_DNS_RESULTS_MAX, sizeof(*res));
	peers = mihf_peers_new(0);
	if (!res || !peers)
		return 1;
	if (async)
		err = discover_async(&cfg, res, &n);
	else
		err = mihf_dns_discover(&cfg, res, MIHF_DNS_RESULTS_MAX, &n);
	if (err) {
		fprintf(stderr, "mihdisc: dns: %s\n", strerror(-err));
		return 1;
	}
	for (i = 0; i < n; i++) {
		char a[INET6_ADDRSTRLEN];
		const struct sockaddr_storage *s = &res[i].sa;
		unsigned int port = ntohs(s->ss_family == AF_INET ?
			((const struct sockaddr_in *)s)->sin_port :
			((const struct sockaddr_in6 *)s)->sin6_port);

		printf("result service=%s transport=%s address=%s port=%u "
		       "ttl=%u target=%s\n", svc_name(res[i].service),
		       res[i].transport == MIHF_TRANSPORT_TCP ? "tcp" : "udp",
		       mihf_sockaddr_ntop((const void *)s, a, sizeof(a)), port,
		       res[i].ttl, res[i].target);
	}
	mihf_dns_results_to_peers(res, n, peers, md_now_ns());
	print_peers(peers);
	mihf_peers_free(peers);
	free(res);
	return n ? 0 : 2;
}

static void print_mos(const struct mihf_mos *mos)
{
	const struct mihf_mos_service *s[3] = { &mos->is, &mos->cs, &mos->es };
	static const char *const nm[3] = { "is", "cs", "es" };
	char a[INET6_ADDRSTRLEN];
	size_t i, k;

	for (i = 0; i < 3; i++) {
		for (k = 0; k < s[i]->n_v4; k++)
			printf("mos %s v4 %s\n", nm[i],
			       inet_ntop(AF_INET, &s[i]->v4[k], a, sizeof(a)));
		for (k = 0; k < s[i]->n_v6; k++)
			printf("mos %s v6 %s\n", nm[i],
			       inet_ntop(AF_INET6, &s[i]->v6[k], a, sizeof(a)));
		for (k = 0; k < s[i]->n_names; k++)
			printf("mos %s name %s\n", nm[i], s[i]->names[k]);
	}
	if (mos->never_expires)
		printf("expire never\n");
	else if (mos->expire)
		printf("expire %lld\n", (long long)mos->expire);
	else
		printf("expire unknown\n");
}

static int cmd_mos(int argc, char **argv, bool env)
{
	struct mihf_mos mos;
	struct mihf_peers *peers;
	int err;

	if (env ? argc != 1 : argc != 2)
		usage();
	err = env ? mihf_dhclient_env_read(&mos, NULL) :
		    mihf_dhclient_lease_read(argv[1], &mos);
	if (err) {
		fprintf(stderr, "mihdisc: %s: %s\n", env ? "env" : argv[1],
			strerror(-err));
		return 1;
	}
	print_mos(&mos);
	peers = mihf_peers_new(0);
	if (!peers)
		return 1;
	err = mihf_mos_to_peers(&mos, peers, md_now_ns());
	if (err < 0)
		fprintf(stderr, "mihdisc: peers: %s\n", strerror(-err));
	print_peers(peers);
	mihf_peers_free(peers);
	return err < 0;
}

static struct mihf_proxy *g_px;

static void print_stats(void)
{
	struct json_object *j;

	if (mihf_proxy_to_json(g_px, &j))
		return;
	printf("stats %s\n", json_object_to_json_string_ext(j,
		JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(j);
}

static void on_signal(struct md_loop *loop, int signo, void *arg)
{
	(void)arg;
	if (signo == SIGUSR1) {
		print_stats();
		return;
	}
	md_loop_stop(loop, 0);
}

static int cmd_proxy(int argc, char **argv)
{
	struct mihf_proxy_cfg cfg;
	struct mihf_peers *peers = mihf_peers_new(0);
	struct md_loop *loop = md_loop_new();
	const char *ready = NULL;
	int c, err = 0;

	if (!peers || !loop)
		return 1;
	mihf_proxy_cfg_init(&cfg);
	while ((c = getopt(argc, argv, "i:p:b:u:P:m:r:")) != -1) {
		struct sockaddr_storage ss;
		socklen_t sl;
		char *eq;

		switch (c) {
		case 'i':
			if (strlen(optarg) >= sizeof(cfg.ifname))
				usage();
			strcpy(cfg.ifname, optarg);
			break;
		case 'p':
			cfg.udp_port = (uint16_t)atoi(optarg);
			break;
		case 'b':
			if (parse_addr(optarg, 0, &cfg.bind, &cfg.bind_len))
				usage();
			break;
		case 'u':
			if (parse_addr(optarg, MIH_PORT, &cfg.upstream,
				       &cfg.upstream_len))
				usage();
			break;
		case 'P':
			eq = strchr(optarg, '=');
			if (!eq || eq == optarg)
				usage();
			*eq = 0;
			if (parse_addr(eq + 1, MIH_PORT, &ss, &sl))
				usage();
			err = mihf_peers_add(peers, optarg, strlen(optarg),
					     MIHF_PEER_UNKNOWN, (void *)&ss, sl,
					     MIHF_TRANSPORT_UDP,
					     MIHF_PEER_SRC_STATIC, 0, 0,
					     md_now_ns(), NULL);
			if (err) {
				fprintf(stderr, "mihdisc: peer %s: %s\n",
					optarg, strerror(-err));
				return 1;
			}
			break;
		case 'm':
			cfg.l2_mtu = (unsigned int)atoi(optarg);
			break;
		case 'r':
			ready = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !cfg.ifname[0])
		usage();
	if (md_loop_add_signal(loop, SIGTERM, on_signal, NULL) ||
	    md_loop_add_signal(loop, SIGINT, on_signal, NULL) ||
	    md_loop_add_signal(loop, SIGUSR1, on_signal, NULL))
		return 1;
	g_px = mihf_proxy_new(loop, &cfg, peers, &err);
	if (!g_px) {
		fprintf(stderr, "mihdisc: proxy on %s: %s\n", cfg.ifname,
			strerror(-err));
		return 1;
	}
	if (ready) {
		FILE *f = fopen(ready, "we");

		if (!f || fprintf(f, "%u\n", mihf_proxy_udp_port(g_px)) < 0 ||
		    fclose(f)) {
			fprintf(stderr, "mihdisc: %s: %s\n", ready,
				strerror(errno));
			return 1;
		}
	}
	err = md_loop_run(loop);
	print_stats();
	mihf_proxy_free(g_px);
	md_loop_free(loop);
	mihf_peers_free(peers);
	return err < 0;
}

int main(int argc, char **argv)
{
	md_log_open(stderr);
	if (getenv("MIHDISC_DEBUG"))
		md_log_set_level(MD_LOG_DEBUG);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "dns"))
		return cmd_dns(argc - 1, argv + 1);
	if (!strcmp(argv[1], "lease"))
		return cmd_mos(argc - 1, argv + 1, false);
	if (!strcmp(argv[1], "env"))
		return cmd_mos(argc - 1, argv + 1, true);
	if (!strcmp(argv[1], "proxy"))
		return cmd_proxy(argc - 1, argv + 1);
	usage();
	return 1;
}

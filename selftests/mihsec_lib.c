// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the mihsec kselftests (see mihsec_lib.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "mihsec_lib.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>

#include <json.h>
#include <openssl/evp.h>

int mh_verbose;

static const uint8_t mh_mac[2][6] = {
	{ 0x02, 0x00, 0x00, 0x00, 0x77, 0x0a },
	{ 0x02, 0x00, 0x00, 0x00, 0x77, 0x0b },
};
static const char *const mh_ip4[3] = { "10.77.0.1", "10.77.0.2",
				       "10.77.0.99" };
static const char *const mh_ip6[3] = { "fd00:77::1", "fd00:77::2",
				       "fd00:77::99" };

#define LOG(...) fprintf(stderr, "# " __VA_ARGS__)

/* ---- processes -------------------------------------------------------- */

const char *mh_root(void)
{
	static char root[PATH_MAX];
	char *s;
	ssize_t n;
	int i;

	if (root[0])
		return root;
	s = getenv("MIHSEC_ROOT");
	if (s && *s) {
		snprintf(root, sizeof(root), "%s", s);
		return root;
	}
	/* <root>/build/selftests/<prog> */
	n = readlink("/proc/self/exe", root, sizeof(root) - 1);
	if (n <= 0) {
		snprintf(root, sizeof(root), ".");
		return root;
	}
	root[n] = 0;
	for (i = 0; i < 3; i++) {
		s = strrchr(root, '/');
		if (!s || s == root) {
			snprintf(root, sizeof(root), ".");
			return root;
		}
		*s = 0;
	}
	return root;
}

const char *mh_ctl(void)
{
	static char ctl[PATH_MAX + 32];
	const char *s = getenv("MIHSEC_CTL");

	if (s && *s)
		return s;
	if (!ctl[0])
		snprintf(ctl, sizeof(ctl), "%s/build/bin/mihsecctl", mh_root());
	return ctl;
}

#define MH_QUIET_OUT 1	/* stdout to /dev/null */
#define MH_QUIET_ERR 2	/* stderr to /dev/null */
#define MH_ERR_TO_OUT 4	/* stderr into the captured stdout */

/* fork; the child joins nsfd (if >= 0) and execs argv (or "sh -c cmd" when
 * argv is NULL); stdout into out, stderr logged on failure */
static int mh_spawn(int nsfd, char *const *argv, const char *cmd, int redir,
		    char *out, size_t outsz);

static int mh_vsh(int nsfd, char *out, size_t outsz, const char *fmt,
		  va_list ap)
{
	char *cmd = NULL;
	int r;

	if (vasprintf(&cmd, fmt, ap) < 0)
		return -1;
	r = mh_spawn(nsfd, NULL, cmd, 0, out, outsz);
	free(cmd);
	return r;
}

static int mh_spawn(int nsfd, char *const *argv, const char *cmd, int redir,
		    char *out, size_t outsz)
{
	char errbuf[4096];
	int po[2], pe[2], status, n;
	size_t olen = 0, elen = 0;
	struct pollfd pfd[2];
	pid_t pid;

	if (out && outsz)
		out[0] = 0;
	if (pipe2(po, O_CLOEXEC))
		return -1;
	if (pipe2(pe, O_CLOEXEC)) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET))
			_exit(126);
		dup2(redir & MH_QUIET_OUT ? null : po[1], 1);
		dup2(redir & MH_QUIET_ERR ? null :
		     redir & MH_ERR_TO_OUT ? po[1] : pe[1], 2);
		if (argv)
			execv(argv[0], argv);
		else
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	pfd[0].fd = po[0];
	pfd[1].fd = pe[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		char tmp[4096];

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			n = read(pfd[i].fd, tmp, sizeof(tmp));
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				continue;
			}
			if (i == 0 && out && outsz) {
				size_t c = (size_t)n;

				if (c > outsz - 1 - olen)
					c = outsz - 1 - olen;
				memcpy(out + olen, tmp, c);
				olen += c;
				out[olen] = 0;
			} else if (i == 1) {
				size_t c = (size_t)n;

				if (c > sizeof(errbuf) - 1 - elen)
					c = sizeof(errbuf) - 1 - elen;
				memcpy(errbuf + elen, tmp, c);
				elen += c;
			}
		}
	}
	errbuf[elen] = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (WIFEXITED(status))
		status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		status = 128 + WTERMSIG(status);
	else
		status = -1;
	if (mh_verbose || (status && elen)) {
		char *line, *save = NULL;

		if (argv) {
			LOG("$");
			for (int i = 0; argv[i]; i++)
				fprintf(stderr, " %s", argv[i]);
			fprintf(stderr, " -> %d\n", status);
		} else {
			LOG("$ %s -> %d\n", cmd, status);
		}
		for (line = strtok_r(errbuf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			LOG("  %s\n", line);
	}
	return status;
}

int mh_sh(char *out, size_t outsz, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = mh_vsh(-1, out, outsz, fmt, ap);
	va_end(ap);
	return r;
}

int mh_ns_sh(int nsfd, char *out, size_t outsz, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = mh_vsh(nsfd, out, outsz, fmt, ap);
	va_end(ap);
	return r;
}

/* ---- namespaces ------------------------------------------------------- */

static int mh_self_ns = -1;

int mh_ns_enter(int nsfd)
{
	if (mh_self_ns < 0) {
		mh_self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (mh_self_ns < 0)
			return -1;
	}
	return setns(nsfd, CLONE_NEWNET);
}

int mh_ns_leave(void)
{
	if (mh_self_ns < 0)
		return 0;
	return setns(mh_self_ns, CLONE_NEWNET);
}

int mh_socket_in(int nsfd, int domain, int type, int proto)
{
	int fd, e;

	if (mh_ns_enter(nsfd))
		return -1;
	fd = socket(domain, type | SOCK_CLOEXEC, proto);
	e = errno;
	if (mh_ns_leave()) {
		LOG("cannot return to our netns: %s\n", strerror(errno));
		abort();
	}
	errno = e;
	return fd;
}

/* tx checksum offload off: the sender then writes complete UDP checksums
 * (with it on, a veth passes CHECKSUM_PARTIAL skbs whose wire checksum
 * field is only the pseudo-header sum) */
static int mh_txcsum_off(int nsfd, const char *ifname)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_STXCSUM, .data = 0 };
	struct ifreq ifr = { 0 };
	int fd, r;

	fd = mh_socket_in(nsfd, AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	r = ioctl(fd, SIOCETHTOOL, &ifr);
	if (r)
		LOG("ETHTOOL_STXCSUM %s: %s\n", ifname, strerror(errno));
	close(fd);
	return r;
}

static void mh_pair_close(struct mh_pair *p)
{
	for (int i = 0; i < 2; i++) {
		if (p->nsfd[i] > 0)
			close(p->nsfd[i]);
		p->nsfd[i] = -1;
	}
}

void mh_pair_teardown(struct mh_pair *p)
{
	mh_pair_close(p);
	if (p->ns[0][0])
		mh_sh(NULL, 0, "ip -force -b - >/dev/null 2>&1 <<EOF\n"
		      "netns del %s\nnetns del %s\nEOF\ntrue",
		      p->ns[0], p->ns[1]);
	p->up = false;
}

int mh_pair_new_keys(struct mh_pair *p)
{
	if (getrandom(p->keyid, sizeof(p->keyid), 0) != sizeof(p->keyid) ||
	    getrandom(p->key, sizeof(p->key), 0) != sizeof(p->key) ||
	    getrandom(p->salt, sizeof(p->salt), 0) != sizeof(p->salt))
		return -1;
	return 0;
}

int mh_pair_setup(struct mh_pair *p, const char *tag)
{
	char path[96], mac[2][24];
	int i;

	memset(p, 0, sizeof(*p));
	p->nsfd[0] = p->nsfd[1] = -1;
	snprintf(p->ns[0], sizeof(p->ns[0]), "mh%s-%d-a", tag, (int)getpid());
	snprintf(p->ns[1], sizeof(p->ns[1]), "mh%s-%d-b", tag, (int)getpid());
	snprintf(p->id[0], sizeof(p->id[0]), "mmt-a@mihsec.test");
	snprintf(p->id[1], sizeof(p->id[1]), "pos-b.mihsec.test");
	for (i = 0; i < 2; i++)
		snprintf(mac[i], sizeof(mac[i]),
			 "%02x:%02x:%02x:%02x:%02x:%02x", mh_mac[i][0],
			 mh_mac[i][1], mh_mac[i][2], mh_mac[i][3],
			 mh_mac[i][4], mh_mac[i][5]);
	if (mh_pair_new_keys(p))
		return -1;
	/* leftovers of a crashed run with the same pid */
	mh_pair_teardown(p);
	/* three ip runs: both namespaces and the veth pair, then each end */
	if (mh_sh(NULL, 0,
		  "set -e; ip -b - <<EOF\n"
		  "netns add %1$s\nnetns add %2$s\n"
		  "link add " MH_IFNAME " netns %1$s address %3$s type veth "
		  "peer name " MH_IFNAME " netns %2$s address %4$s\n"
		  "EOF\n"
		  "ip -n %1$s -b - <<EOF\n"
		  "link set lo up\nlink set " MH_IFNAME " up\n"
		  "addr add %5$s/24 dev " MH_IFNAME "\n"
		  "addr add %7$s/64 dev " MH_IFNAME " nodad\n"
		  "neigh add %9$s lladdr %4$s dev " MH_IFNAME " nud permanent\n"
		  "neigh add %10$s lladdr %4$s dev " MH_IFNAME " nud permanent\n"
		  "neigh add %6$s lladdr %4$s dev " MH_IFNAME " nud permanent\n"
		  "neigh add %8$s lladdr %4$s dev " MH_IFNAME " nud permanent\n"
		  "EOF\n"
		  "ip -n %2$s -b - <<EOF\n"
		  "link set lo up\nlink set " MH_IFNAME " up\n"
		  "addr add %6$s/24 dev " MH_IFNAME "\n"
		  "addr add %8$s/64 dev " MH_IFNAME " nodad\n"
		  "neigh add %5$s lladdr %3$s dev " MH_IFNAME " nud permanent\n"
		  "neigh add %7$s lladdr %3$s dev " MH_IFNAME " nud permanent\n"
		  "EOF\n",
		  p->ns[0], p->ns[1], mac[0], mac[1], mh_ip4[0], mh_ip4[1],
		  mh_ip6[0], mh_ip6[1], mh_ip4[2], mh_ip6[2])) {
		LOG("namespace setup failed\n");
		goto fail;
	}
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/run/netns/%s", p->ns[i]);
		p->nsfd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (p->nsfd[i] < 0)
			goto fail;
		if (mh_ns_enter(p->nsfd[i]))
			goto fail;
		p->ifindex[i] = if_nametoindex(MH_IFNAME);
		if (mh_ns_leave())
			abort();
		if (!p->ifindex[i])
			goto fail;
	}
	p->up = true;
	return 0;
fail:
	mh_pair_teardown(p);
	return -1;
}

int mh_pair_txcsum_off(const struct mh_pair *p)
{
	if (mh_txcsum_off(p->nsfd[0], MH_IFNAME) ||
	    mh_txcsum_off(p->nsfd[1], MH_IFNAME))
		return -1;
	return 0;
}

/* "ip netns exec NS mihsecctl ARGS" without ip's (and a shell's) cost,
 * which is noticeable under TCG: the child joins the namespace itself and
 * execs mihsecctl; ARGS are split on blanks, and the redirections
 * ">/dev/null", "2>/dev/null" and "2>&1" are understood */
int mh_ctl_run(const struct mh_pair *p, int side, char *out, size_t outsz,
	       const char *fmt, ...)
{
	char *args = NULL, *argv[64], *tok, *save = NULL;
	int r, argc = 0, redir = 0;
	va_list ap;

	va_start(ap, fmt);
	r = vasprintf(&args, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	argv[argc++] = (char *)mh_ctl();
	for (tok = strtok_r(args, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		if (!strcmp(tok, ">/dev/null"))
			redir |= MH_QUIET_OUT;
		else if (!strcmp(tok, "2>/dev/null"))
			redir |= MH_QUIET_ERR;
		else if (!strcmp(tok, "2>&1"))
			redir |= MH_ERR_TO_OUT;
		else if (argc < 63)
			argv[argc++] = tok;
	}
	argv[argc] = NULL;
	if (mh_verbose)
		LOG("[netns %s]\n", p->ns[side]);
	r = mh_spawn(p->nsfd[side], argv, NULL, redir, out, outsz);
	free(args);
	return r;
}

void mh_hex(char *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = 0;
}

int mh_sa_add(const struct mh_pair *p, int side, const char *extra)
{
	char txid[17], rxid[17], txk[33], rxk[33], txs[9], rxs[9];
	int peer = !side;

	mh_hex(txid, p->keyid[side], MIHSEC_KEYID_LEN);
	mh_hex(rxid, p->keyid[peer], MIHSEC_KEYID_LEN);
	mh_hex(txk, p->key[side], 16);
	mh_hex(rxk, p->key[peer], 16);
	mh_hex(txs, p->salt[side], MIHSEC_SALT_LEN);
	mh_hex(rxs, p->salt[peer], MIHSEC_SALT_LEN);
	return mh_ctl_run(p, side, NULL, 0,
			  "sa add local %s peer %s role %s tx-keyid %s rx-keyid %s "
			  "tx-key %s rx-key %s tx-salt %s rx-salt %s %s",
			  p->id[side], p->id[peer],
			  side ? "network" : "mmt", txid, rxid, txk, rxk, txs,
			  rxs, extra ? extra : "");
}

/* ---- JSON output of mihsecctl ----------------------------------------- */

/* lower case, every run of non-alphanumerics -> one '_' */
static void mh_norm(char *d, size_t n, const char *s)
{
	size_t j = 0;

	for (; *s && j + 1 < n; s++) {
		if (isalnum((unsigned char)*s))
			d[j++] = (char)tolower((unsigned char)*s);
		else if (j && d[j - 1] != '_')
			d[j++] = '_';
	}
	while (j && d[j - 1] == '_')
		j--;
	d[j] = 0;
}

typedef void (*mh_leaf_fn)(const char *path, struct json_object *v,
			   void *ctx);

static void mh_json_walk(struct json_object *o, const char *prefix,
			 mh_leaf_fn fn, void *ctx)
{
	char path[256];

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v) {
			snprintf(path, sizeof(path), "%s%s%s", prefix,
				 *prefix ? "_" : "", k);
			mh_json_walk(v, path, fn, ctx);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		size_t n = json_object_array_length(o);

		for (size_t i = 0; i < n; i++)
			mh_json_walk(json_object_array_get_idx(o, i), prefix,
				     fn, ctx);
	} else {
		char norm[256];

		mh_norm(norm, sizeof(norm), prefix);
		fn(norm, o, ctx);
	}
}

static const char *const mh_stat_names[MIHSEC_STAT_MAX + 1] = {
	[MIHSEC_STAT_TX_PROTECTED] = "tx_protected",
	[MIHSEC_STAT_TX_CLEAR] = "tx_clear",
	[MIHSEC_STAT_RX_VERIFIED] = "rx_verified",
	[MIHSEC_STAT_RX_CLEAR] = "rx_clear",
	[MIHSEC_STAT_DROP_MALFORMED] = "malformed",
	[MIHSEC_STAT_DROP_NO_SA] = "no_sa",
	[MIHSEC_STAT_DROP_UNKNOWN_KEY] = "unknown_key",
	[MIHSEC_STAT_DROP_SUITE_MISMATCH] = "suite_mismatch",
	[MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED] = "encryption_required",
	[MIHSEC_STAT_DROP_DIRECTION_MISMATCH] = "direction_mismatch",
	[MIHSEC_STAT_DROP_REPLAY] = "replay",
	[MIHSEC_STAT_DROP_AUTH_FAIL] = "auth_fail",
	[MIHSEC_STAT_DROP_IDENTITY_MISMATCH] = "identity_mismatch",
	[MIHSEC_STAT_DROP_DENIED] = "denied",
	[MIHSEC_STAT_DROP_UNPROTECTED] = "unprotected",
	[MIHSEC_STAT_DROP_SEQ_EXHAUSTED] = "seq_exhausted",
	[MIHSEC_STAT_DROP_ERROR] = "error",
	[MIHSEC_STAT_DROP_EXPIRED] = "expired",
	[MIHSEC_STAT_EVENTS_SENT] = "events_sent",
	[MIHSEC_STAT_EVENTS_SUPPRESSED] = "events_suppressed",
};

bool mh_stat_is_drop(int stat)
{
	return (stat >= MIHSEC_STAT_DROP_MALFORMED &&
		stat <= MIHSEC_STAT_DROP_ERROR) ||
	       stat == MIHSEC_STAT_DROP_EXPIRED;
}

bool mh_stat_is_traffic(int stat)
{
	return (stat >= MIHSEC_STAT_TX_PROTECTED &&
		stat <= MIHSEC_STAT_RX_CLEAR) || mh_stat_is_drop(stat);
}

const char *mh_stat_name(int stat)
{
	if (stat <= 0 || stat > MIHSEC_STAT_MAX || !mh_stat_names[stat])
		return "?";
	return mh_stat_names[stat];
}

struct mh_stats_ctx {
	struct mh_stats *st;
	bool seen[MIHSEC_STAT_MAX + 1];
};

static void mh_stats_leaf(const char *path, struct json_object *v, void *c)
{
	static const char *const prefixes[] = { "stats_", "counters_",
		"drops_", "drop_", "dropped_", "rx_drop_", "namespace_" };
	struct mh_stats_ctx *ctx = c;
	const char *name = path;
	bool again = true;

	if (!json_object_is_type(v, json_type_int))
		return;
	while (again) {
		again = false;
		for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes);
		     i++) {
			size_t l = strlen(prefixes[i]);

			if (!strncmp(name, prefixes[i], l)) {
				name += l;
				again = true;
			}
		}
	}
	for (int i = 1; i <= MIHSEC_STAT_MAX; i++) {
		if (!mh_stat_names[i] || strcmp(name, mh_stat_names[i]))
			continue;
		ctx->st->v[i] = (uint64_t)json_object_get_uint64(v);
		ctx->seen[i] = true;
	}
}

int mh_stats_get(const struct mh_pair *p, int side, struct mh_stats *st)
{
	struct mh_stats_ctx ctx = { .st = st };
	struct json_object *o;
	static char out[16384];
	int r, i;

	memset(st, 0, sizeof(*st));
	r = mh_ctl_run(p, side, out, sizeof(out), "-j stats");
	if (r) {
		LOG("mihsecctl -j stats in %s: exit %d\n", p->ns[side], r);
		return -1;
	}
	o = json_tokener_parse(out);
	if (!o) {
		LOG("mihsecctl -j stats: not JSON: %.200s\n", out);
		return -1;
	}
	mh_json_walk(o, "", mh_stats_leaf, &ctx);
	json_object_put(o);
	for (i = 1; i <= MIHSEC_STAT_MAX; i++) {
		/* every counter this file knows must be reported */
		if (mh_stat_names[i] && !ctx.seen[i]) {
			LOG("mihsecctl -j stats: no counter '%s' in %.300s\n",
			    mh_stat_names[i], out);
			return -1;
		}
	}
	return 0;
}

uint64_t mh_stats_drops(const struct mh_stats *st)
{
	uint64_t s = 0;

	for (int i = 1; i <= MIHSEC_STAT_MAX; i++)
		if (mh_stat_is_drop(i))
			s += st->v[i];
	return s;
}

static void mh_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static long long mh_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int mh_stats_wait_change(const struct mh_pair *p, int side,
			 const struct mh_stats *before, struct mh_stats *after,
			 int timeout_ms)
{
	long long end = mh_now_ms() + timeout_ms;

	for (;;) {
		if (mh_stats_get(p, side, after))
			return -1;
		for (int i = 1; i <= MIHSEC_STAT_MAX; i++)
			if (mh_stat_is_traffic(i) && before->v[i] != after->v[i])
				return 0;
		if (mh_now_ms() > end)
			return -1;
		mh_sleep_ms(20);
	}
}

void mh_stats_diff(const char *what, const struct mh_stats *a,
		   const struct mh_stats *b)
{
	for (int i = 1; i <= MIHSEC_STAT_MAX; i++)
		if (a->v[i] != b->v[i])
			LOG("%s %s: %llu -> %llu\n", what, mh_stat_name(i),
			    (unsigned long long)a->v[i],
			    (unsigned long long)b->v[i]);
}

struct mh_policy_ctx {
	int count;
	char policy[32];
};

static void mh_policy_leaf(const char *path, struct json_object *v, void *c)
{
	static const char *const names[] = { "off", "optional", "require" };
	struct mh_policy_ctx *ctx = c;

	if (strstr(path, "count") && json_object_is_type(v, json_type_int))
		ctx->count = json_object_get_int(v);
	if (!strcmp(path, "policy")) {
		if (json_object_is_type(v, json_type_string)) {
			snprintf(ctx->policy, sizeof(ctx->policy), "%s",
				 json_object_get_string(v));
		} else if (json_object_is_type(v, json_type_int)) {
			int i = json_object_get_int(v);

			snprintf(ctx->policy, sizeof(ctx->policy), "%s",
				 i >= 0 && i < 3 ? names[i] : "?");
		}
	}
}

static int mh_policy_json(const struct mh_pair *p, int side,
			  struct mh_policy_ctx *ctx)
{
	struct json_object *o;
	char out[4096];

	ctx->count = -1;
	ctx->policy[0] = 0;
	if (mh_ctl_run(p, side, out, sizeof(out), "-j policy"))
		return -1;
	o = json_tokener_parse(out);
	if (!o) {
		LOG("mihsecctl -j policy: not JSON: %.200s\n", out);
		return -1;
	}
	mh_json_walk(o, "", mh_policy_leaf, ctx);
	json_object_put(o);
	return 0;
}

struct mh_field_ctx {
	const char *name;
	uint64_t v;
	int found;
};

static void mh_field_leaf(const char *path, struct json_object *v, void *c)
{
	struct mh_field_ctx *ctx = c;
	size_t pl = strlen(path), nl = strlen(ctx->name);

	if (!json_object_is_type(v, json_type_int))
		return;
	if (strcmp(path, ctx->name) &&
	    (pl <= nl || path[pl - nl - 1] != '_' ||
	     strcmp(path + pl - nl, ctx->name)))
		return;
	ctx->v = (uint64_t)json_object_get_uint64(v);
	ctx->found++;
}

int mh_sa_field(const struct mh_pair *p, int side, const char *name,
		uint64_t *v)
{
	struct mh_field_ctx ctx = { .name = name };
	struct json_object *o;
	static char out[16384];

	if (mh_ctl_run(p, side, out, sizeof(out), "-j -s sa show"))
		return -1;
	o = json_tokener_parse(out);
	if (!o) {
		LOG("mihsecctl -j -s sa show: not JSON: %.200s\n", out);
		return -1;
	}
	mh_json_walk(o, "", mh_field_leaf, &ctx);
	json_object_put(o);
	if (ctx.found != 1) {
		LOG("sa show: %d fields '%s' in %.400s\n", ctx.found, name, out);
		return -1;
	}
	*v = ctx.v;
	return 0;
}

int mh_sa_count(const struct mh_pair *p, int side)
{
	struct mh_policy_ctx ctx;

	if (mh_policy_json(p, side, &ctx))
		return -1;
	return ctx.count;
}

int mh_policy_get(const struct mh_pair *p, int side, char *buf, size_t n)
{
	struct mh_policy_ctx ctx;

	if (mh_policy_json(p, side, &ctx) || !ctx.policy[0])
		return -1;
	snprintf(buf, n, "%s", ctx.policy);
	return 0;
}

/* ---- sockets ---------------------------------------------------------- */

socklen_t mh_addr(int family, int side, uint16_t port,
		  struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		if (side >= 0)
			inet_pton(AF_INET, mh_ip4[side], &s->sin_addr);
		return sizeof(*s);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	if (side >= 0)
		inet_pton(AF_INET6, mh_ip6[side], &s6->sin6_addr);
	return sizeof(*s6);
}

int mh_udp_socket(const struct mh_pair *p, int side, int family,
		  uint16_t port)
{
	struct timeval tv = { .tv_sec = 3 };
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	fd = mh_socket_in(p->nsfd[side], family, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0)
		return -1;
	if (family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)))
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	sl = mh_addr(family, -1, port, &ss);
	if (bind(fd, (struct sockaddr *)&ss, sl)) {
		LOG("bind port %u: %s\n", port, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

ssize_t mh_udp_send(int fd, int family, int to_side, uint16_t port,
		    const void *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = mh_addr(family, to_side, port, &ss);

	return sendto(fd, buf, len, 0, (struct sockaddr *)&ss, sl);
}

ssize_t mh_udp_recv(int fd, void *buf, size_t cap, int timeout_ms,
		    struct sockaddr_storage *from)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	socklen_t sl = sizeof(*from);
	struct sockaddr_storage dummy;
	ssize_t n;
	int r;

	if (!from)
		from = &dummy;
	do {
		r = poll(&pfd, 1, timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	n = recvfrom(fd, buf, cap, MSG_TRUNC | MSG_DONTWAIT,
		     (struct sockaddr *)from, &sl);
	if (n < 0 && errno == EAGAIN)
		return 0;
	return n;
}

/* ---- 802.21 ----------------------------------------------------------- */

size_t mh_len_enc(uint8_t *out, size_t len)
{
	size_t v, n = 0, i;

	if (len <= 128) {
		out[0] = (uint8_t)len;
		return 1;
	}
	v = len - 128;
	for (size_t t = v; t; t >>= 8)
		n++;
	out[0] = (uint8_t)(0x80 | n);
	for (i = 0; i < n; i++)
		out[1 + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return 1 + n;
}

int mh_len_dec(const uint8_t *p, size_t avail, size_t *len, size_t *used)
{
	size_t n, v = 0;

	if (!avail)
		return -1;
	if (p[0] <= 0x80) {
		*len = p[0];
		*used = 1;
		return 0;
	}
	n = p[0] & 0x7f;
	if (n > 4 || avail < 1 + n)
		return -1;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[1 + i];
	*len = v + 128;
	*used = 1 + n;
	return 0;
}

size_t mh_tlv(uint8_t *out, uint8_t type, const void *val, size_t vlen)
{
	size_t o = 0;

	out[o++] = type;
	o += mh_len_enc(out + o, vlen);
	if (vlen)
		memcpy(out + o, val, vlen);
	return o + vlen;
}

size_t mh_body(uint8_t *out, size_t vlen, unsigned int seed)
{
	uint8_t *v = malloc(vlen + 64);
	size_t o = 0, r;
	char text[64];

	if (!v)
		abort();
	/* OUI 00-00-5E, then the marker text repeated */
	v[o++] = 0x00;
	v[o++] = 0x00;
	v[o++] = 0x5e;
	while (o < vlen) {
		int n = snprintf(text, sizeof(text), MH_MARKER " %u/%zu; ",
				 seed, o);
		memcpy(v + o, text, (size_t)n);
		o += (size_t)n;
	}
	r = mh_tlv(out, 100, v, vlen);
	free(v);
	return r;
}

static size_t mh_id_tlv(uint8_t *out, uint8_t type, const char *id)
{
	uint8_t v[300];
	size_t l = strlen(id), o;

	o = mh_len_enc(v, l);
	memcpy(v + o, id, l);
	return mh_tlv(out, type, v, o + l);
}

size_t mh_pdu(uint8_t *out, uint8_t flags0, uint16_t mid, uint16_t tid,
	      const char *src, const char *dst, const uint8_t *body,
	      size_t bodylen)
{
	size_t o = 8;

	o += mh_id_tlv(out + o, 1, src);
	o += mh_id_tlv(out + o, 2, dst);
	if (bodylen)
		memcpy(out + o, body, bodylen);
	o += bodylen;
	out[0] = (uint8_t)(0x10 | (flags0 & 0x0f));
	out[1] = 0;
	out[2] = (uint8_t)(mid >> 8);
	out[3] = (uint8_t)mid;
	out[4] = (uint8_t)((tid >> 8) & 0x0f);
	out[5] = (uint8_t)tid;
	out[6] = (uint8_t)((o - 8) >> 8);
	out[7] = (uint8_t)(o - 8);
	return o;
}

/* one TLV at off; returns the offset after it or 0 */
static size_t mh_tlv_at(const uint8_t *pdu, size_t len, size_t off,
			uint8_t *type, size_t *voff, size_t *vlen)
{
	size_t used;

	if (off + 2 > len)
		return 0;
	*type = pdu[off];
	if (mh_len_dec(pdu + off + 1, len - off - 1, vlen, &used))
		return 0;
	*voff = off + 1 + used;
	if (*vlen > len - *voff)
		return 0;
	return *voff + *vlen;
}

int mh_parse_prot(const uint8_t *pdu, size_t len, struct mh_prot *pp)
{
	static const uint8_t want[4] = { 1, 2, MIHSEC_TLV_SECURITY,
					 MIHSEC_TLV_INTEGRITY };
	size_t off = 8, voff, vlen, next, *slot[4][3];
	uint8_t type;
	int i;

	memset(pp, 0, sizeof(*pp));
	if (len < 8 || (pdu[0] >> 4) != 1 ||
	    (size_t)((pdu[6] << 8) | pdu[7]) != len - 8)
		return -1;
	slot[0][0] = &pp->src_t; slot[0][1] = &pp->src_v; slot[0][2] = &pp->src_vlen;
	slot[1][0] = &pp->dst_t; slot[1][1] = &pp->dst_v; slot[1][2] = &pp->dst_vlen;
	slot[2][0] = &pp->sec_t; slot[2][1] = &pp->sec_v; slot[2][2] = &pp->sec_vlen;
	slot[3][0] = &pp->int_t; slot[3][1] = &pp->int_v; slot[3][2] = &pp->int_vlen;
	for (i = 0; i < 4; i++) {
		next = mh_tlv_at(pdu, len, off, &type, &voff, &vlen);
		if (!next || type != want[i])
			return -1;
		*slot[i][0] = off;
		*slot[i][1] = voff;
		*slot[i][2] = vlen;
		off = next;
	}
	if (off != len || pp->int_vlen != MIHSEC_ICV_LEN || pp->sec_vlen < 18)
		return -1;
	pp->flags = pp->sec_v;
	pp->suite = pp->sec_v + 1;
	pp->keyid = pp->sec_v + 2;
	pp->seq = pp->sec_v + 10;
	pp->body = pp->sec_v + 18;
	pp->body_len = pp->sec_vlen - 18;
	pp->flags_v = pdu[pp->flags];
	pp->suite_v = pdu[pp->suite];
	for (i = 0; i < 8; i++)
		pp->seq_v = (pp->seq_v << 8) | pdu[pp->seq + i];
	return 0;
}

int mh_has_sec_tlv(const uint8_t *pdu, size_t len)
{
	size_t off = 8, voff, vlen;
	uint8_t type;

	while (off < len) {
		off = mh_tlv_at(pdu, len, off, &type, &voff, &vlen);
		if (!off)
			return -1;
		if (type == MIHSEC_TLV_SECURITY || type == MIHSEC_TLV_INTEGRITY)
			return 1;
	}
	return 0;
}

/* ---- AES-128-GCM model ------------------------------------------------ */

static int mh_gcm(bool seal, const uint8_t *key, const uint8_t *salt,
		  uint64_t seq, bool enc, const uint8_t *aad, size_t aadlen,
		  uint8_t *body, size_t bodylen, uint8_t *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t nonce[12], tmp[16];
	int ok = 0, n;

	if (!c)
		return -1;
	memcpy(nonce, salt, 4);
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(seq >> (56 - 8 * i));
	if (!EVP_CipherInit_ex(c, EVP_aes_128_gcm(), NULL, NULL, NULL, seal) ||
	    !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) ||
	    !EVP_CipherInit_ex(c, NULL, NULL, key, nonce, seal))
		goto out;
	if (aadlen && !EVP_CipherUpdate(c, NULL, &n, aad, (int)aadlen))
		goto out;
	if (enc) {
		if (bodylen &&
		    !EVP_CipherUpdate(c, body, &n, body, (int)bodylen))
			goto out;
	} else if (bodylen && !EVP_CipherUpdate(c, NULL, &n, body,
						 (int)bodylen)) {
		goto out;
	}
	if (!seal && !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag))
		goto out;
	if (EVP_CipherFinal_ex(c, tmp, &n) <= 0)
		goto out;
	if (seal && !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag))
		goto out;
	ok = 1;
out:
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

size_t mh_seal(uint8_t *out, const uint8_t *plain, size_t plen,
	       uint8_t flags, uint8_t suite, const uint8_t *keyid,
	       uint64_t seq, const uint8_t *key, const uint8_t *salt)
{
	size_t off = 8, voff, vlen, body_start, bodylen, o, bo, i;
	uint8_t type;

	/* body = everything after the Destination MIHF ID TLV */
	off = mh_tlv_at(plain, plen, off, &type, &voff, &vlen);
	if (!off || type != 1)
		return 0;
	off = mh_tlv_at(plain, plen, off, &type, &voff, &vlen);
	if (!off || type != 2)
		return 0;
	body_start = off;
	bodylen = plen - body_start;
	memcpy(out, plain, body_start);
	o = body_start;
	out[o++] = MIHSEC_TLV_SECURITY;
	o += mh_len_enc(out + o, 18 + bodylen);
	out[o++] = flags;
	out[o++] = suite;
	memcpy(out + o, keyid, 8);
	o += 8;
	for (i = 0; i < 8; i++)
		out[o++] = (uint8_t)(seq >> (56 - 8 * i));
	bo = o;
	memcpy(out + o, plain + body_start, bodylen);
	o += bodylen;
	out[o++] = MIHSEC_TLV_INTEGRITY;
	out[o++] = MIHSEC_ICV_LEN;
	out[6] = (uint8_t)((o + 16 - 8) >> 8);
	out[7] = (uint8_t)(o + 16 - 8);
	if (flags & MIHSEC_WIRE_F_ENCRYPTED) {
		if (mh_gcm(true, key, salt, seq, true, out, bo, out + bo,
			   bodylen, out + o))
			return 0;
	} else {
		/* GMAC over AAD || Body */
		if (mh_gcm(true, key, salt, seq, false, out, bo + bodylen,
			   NULL, 0, out + o))
			return 0;
	}
	return o + 16;
}

size_t mh_seal_as(const struct mh_pair *p, int side, uint8_t *out,
		  const uint8_t *plain, size_t plen, uint64_t seq,
		  bool encrypt)
{
	uint8_t flags = (encrypt ? MIHSEC_WIRE_F_ENCRYPTED : 0) |
			(side ? MIHSEC_WIRE_F_NET2MMT : 0);

	return mh_seal(out, plain, plen, flags, MIHSEC_SUITE_AES128_GCM,
		       p->keyid[side], seq, p->key[side], p->salt[side]);
}

int mh_unseal(const uint8_t *prot, size_t len, const uint8_t *key,
	      const uint8_t *salt, uint8_t *plain, size_t *plen)
{
	uint8_t *body, tag[16];
	struct mh_prot pp;
	size_t o;
	int r;

	if (mh_parse_prot(prot, len, &pp) ||
	    pp.suite_v != MIHSEC_SUITE_AES128_GCM)
		return -1;
	body = malloc(pp.body_len + 1);
	if (!body)
		return -1;
	memcpy(body, prot + pp.body, pp.body_len);
	memcpy(tag, prot + pp.int_v, 16);
	if (pp.flags_v & MIHSEC_WIRE_F_ENCRYPTED)
		r = mh_gcm(false, key, salt, pp.seq_v, true, prot, pp.body,
			   body, pp.body_len, tag);
	else
		r = mh_gcm(false, key, salt, pp.seq_v, false, prot,
			   pp.body + pp.body_len, NULL, 0, tag);
	if (!r) {
		memcpy(plain, prot, pp.sec_t);
		o = pp.sec_t;
		memcpy(plain + o, body, pp.body_len);
		o += pp.body_len;
		plain[6] = (uint8_t)((o - 8) >> 8);
		plain[7] = (uint8_t)(o - 8);
		*plen = o;
	}
	free(body);
	return r;
}

/* ---- frames ----------------------------------------------------------- */

int mh_capture_open(const struct mh_pair *p, int side)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = p->ifindex[side],
	};
	int fd, sz = 1 << 21;

	fd = mh_socket_in(p->nsfd[side], AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		close(fd);
		return -1;
	}
	mh_capture_drain(fd);
	return fd;
}

void mh_capture_drain(int fd)
{
	uint8_t b[64];

	while (recv(fd, b, sizeof(b), MSG_DONTWAIT) >= 0)
		;
}

static uint32_t mh_sum(uint32_t s, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	return s;
}

static uint16_t mh_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int mh_frame_parse(struct mh_frame *f)
{
	const uint8_t *b = f->b;
	uint16_t et;

	if (f->len < 14)
		return -1;
	et = (uint16_t)(b[12] << 8 | b[13]);
	f->l3 = 14;
	if (et == ETH_P_IP) {
		size_t ihl;

		if (f->len < 14 + 20 || (b[14] >> 4) != 4)
			return -1;
		ihl = (size_t)(b[14] & 0x0f) * 4;
		if (b[14 + 9] != IPPROTO_UDP || ihl < 20 ||
		    f->len < 14 + ihl + 8)
			return -1;
		/* a fragment other than the first has no UDP header */
		if ((b[14 + 6] & 0x1f) || b[14 + 7])
			return -1;
		f->family = AF_INET;
		f->l4 = 14 + ihl;
	} else if (et == ETH_P_IPV6) {
		uint8_t nh;
		size_t off = 14 + 40;

		if (f->len < 14 + 40 + 8 || (b[14] >> 4) != 6)
			return -1;
		/* hop-by-hop, routing and destination options headers */
		for (nh = b[14 + 6]; nh == 0 || nh == 43 || nh == 60;
		     nh = b[off], off += (size_t)(b[off + 1] + 1) * 8)
			if (off + 8 > f->len)
				return -1;
		if (nh != IPPROTO_UDP || off + 8 > f->len)
			return -1;
		f->family = AF_INET6;
		f->l4 = off;
	} else {
		return -1;
	}
	f->pl = f->l4 + 8;
	f->plen = (size_t)(b[f->l4 + 4] << 8 | b[f->l4 + 5]);
	if (f->plen < 8 || f->pl + f->plen - 8 > f->len)
		return -1;
	f->plen -= 8;
	return 0;
}

static uint32_t mh_pseudo(const struct mh_frame *f)
{
	const uint8_t *ip = f->b + f->l3;
	uint32_t s;
	size_t ulen = f->plen + 8;

	if (f->family == AF_INET)
		s = mh_sum(0, ip + 12, 8);
	else
		s = mh_sum(0, ip + 8, 32);
	s += IPPROTO_UDP;
	s += (uint32_t)ulen;	/* fits in 16 bits for our frames */
	return s;
}

uint16_t mh_udp_csum(const struct mh_frame *f)
{
	uint8_t *u = (uint8_t *)f->b + f->l4;
	uint8_t save[2] = { u[6], u[7] };
	uint16_t c;

	u[6] = u[7] = 0;
	c = mh_fold(mh_sum(mh_pseudo(f), u, f->plen + 8));
	u[6] = save[0];
	u[7] = save[1];
	return c ? c : 0xffff;
}

int mh_frame_check(const struct mh_frame *f, char *why, size_t whysz)
{
	const uint8_t *ip = f->b + f->l3, *u = f->b + f->l4;
	size_t l3len = f->len - f->l3;

	if (f->family == AF_INET) {
		size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
		size_t tot = (size_t)(ip[2] << 8 | ip[3]);

		if (mh_fold(mh_sum(0, ip, ihl))) {
			snprintf(why, whysz, "bad IPv4 header checksum");
			return -1;
		}
		if (tot != l3len) {
			snprintf(why, whysz, "IPv4 total length %zu, frame has %zu",
				 tot, l3len);
			return -1;
		}
		if (tot != ihl + 8 + f->plen) {
			snprintf(why, whysz, "IPv4 length %zu != UDP length %zu",
				 tot - ihl, 8 + f->plen);
			return -1;
		}
	} else {
		size_t pay = (size_t)(ip[4] << 8 | ip[5]);
		size_t ext = f->l4 - f->l3 - 40;

		if (pay != l3len - 40 || pay != ext + 8 + f->plen) {
			snprintf(why, whysz,
				 "IPv6 payload length %zu, UDP %zu, frame %zu",
				 pay, 8 + f->plen, l3len - 40);
			return -1;
		}
	}
	if (f->family == AF_INET && !u[6] && !u[7])
		return 0;	/* IPv4 without checksum */
	if ((uint16_t)(u[6] << 8 | u[7]) != mh_udp_csum(f)) {
		snprintf(why, whysz, "bad UDP checksum %02x%02x, want %04x",
			 u[6], u[7], mh_udp_csum(f));
		return -1;
	}
	return 0;
}

void mh_frame_fix_csum(struct mh_frame *f)
{
	uint8_t *ip = f->b + f->l3, *u = f->b + f->l4;
	uint16_t c;

	if (f->family == AF_INET) {
		size_t ihl = (size_t)(ip[0] & 0x0f) * 4;

		ip[10] = ip[11] = 0;
		c = mh_fold(mh_sum(0, ip, ihl));
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	}
	c = mh_udp_csum(f);
	u[6] = (uint8_t)(c >> 8);
	u[7] = (uint8_t)c;
}

void mh_frame_set_dst(struct mh_frame *f, int side)
{
	uint8_t *ip = f->b + f->l3;

	if (f->family == AF_INET)
		inet_pton(AF_INET, mh_ip4[side], ip + 16);
	else
		inet_pton(AF_INET6, mh_ip6[side], ip + 24);
	memcpy(f->b, mh_mac[side], 6);
	mh_frame_fix_csum(f);
}

int mh_frame_build(struct mh_frame *f, int family, int from, int to,
		   uint16_t sport, uint16_t dport, const uint8_t *pl,
		   size_t plen)
{
	uint8_t *b = f->b, *ip = b + 14, *u;
	size_t iplen = family == AF_INET ? 20 : 40;

	if (14 + iplen + 8 + plen > sizeof(f->b))
		return -1;
	memset(f->b, 0, 14 + iplen + 8);
	memcpy(b, mh_mac[to], 6);
	memcpy(b + 6, mh_mac[from], 6);
	if (family == AF_INET) {
		size_t tot = 20 + 8 + plen;

		b[12] = 0x08;
		b[13] = 0x00;
		ip[0] = 0x45;
		ip[2] = (uint8_t)(tot >> 8);
		ip[3] = (uint8_t)tot;
		ip[4] = 0x12;
		ip[5] = 0x34;
		ip[6] = 0x40;	/* DF */
		ip[8] = 64;
		ip[9] = IPPROTO_UDP;
		inet_pton(AF_INET, mh_ip4[from], ip + 12);
		inet_pton(AF_INET, mh_ip4[to], ip + 16);
	} else {
		size_t pay = 8 + plen;

		b[12] = 0x86;
		b[13] = 0xdd;
		ip[0] = 0x60;
		ip[4] = (uint8_t)(pay >> 8);
		ip[5] = (uint8_t)pay;
		ip[6] = IPPROTO_UDP;
		ip[7] = 64;
		inet_pton(AF_INET6, mh_ip6[from], ip + 8);
		inet_pton(AF_INET6, mh_ip6[to], ip + 24);
	}
	u = ip + iplen;
	u[0] = (uint8_t)(sport >> 8);
	u[1] = (uint8_t)sport;
	u[2] = (uint8_t)(dport >> 8);
	u[3] = (uint8_t)dport;
	u[4] = (uint8_t)((8 + plen) >> 8);
	u[5] = (uint8_t)(8 + plen);
	memcpy(u + 8, pl, plen);
	f->len = 14 + iplen + 8 + plen;
	if (mh_frame_parse(f))
		return -1;
	mh_frame_fix_csum(f);
	return 0;
}

int mh_frame_add_opts(struct mh_frame *f)
{
	/* IPv4: four octets of options (NOP, NOP, NOP, EOL); IPv6: an
	 * 8-octet Destination Options header holding one PadN option */
	static const uint8_t o4[4] = { 1, 1, 1, 0 };
	uint8_t *ip = f->b + f->l3, o6[8] = { 0, 0, 1, 4, 0, 0, 0, 0 };
	size_t n = f->family == AF_INET ? 4 : 8, at, l;

	if (f->len + n > sizeof(f->b))
		return -1;
	if (f->family == AF_INET) {
		at = f->l4;
		l = (size_t)(ip[2] << 8 | ip[3]) + n;
		ip[0] = (uint8_t)(0x40 | (((at - f->l3) + n) / 4));
		ip[2] = (uint8_t)(l >> 8);
		ip[3] = (uint8_t)l;
	} else {
		at = f->l3 + 40;
		o6[0] = ip[6];
		ip[6] = 60;
		l = (size_t)(ip[4] << 8 | ip[5]) + n;
		ip[4] = (uint8_t)(l >> 8);
		ip[5] = (uint8_t)l;
	}
	memmove(f->b + at + n, f->b + at, f->len - at);
	memcpy(f->b + at, f->family == AF_INET ? o4 : o6, n);
	f->len += n;
	if (mh_frame_parse(f))
		return -1;
	mh_frame_fix_csum(f);
	return 0;
}

int mh_capture_next(int fd, struct mh_frame *f, int timeout_ms,
		    bool outgoing)
{
	long long end = mh_now_ms() + timeout_ms;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		long long left = end - mh_now_ms();
		ssize_t n;
		int r;

		if (left < 0)
			left = 0;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		n = recvfrom(fd, f->b, sizeof(f->b), MSG_DONTWAIT | MSG_TRUNC,
			     (struct sockaddr *)&sll, &sl);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -1;
		}
		if ((size_t)n > sizeof(f->b))
			continue;	/* not one of ours */
		if ((sll.sll_pkttype == PACKET_OUTGOING) != outgoing)
			continue;
		f->len = (size_t)n;
		if (mh_frame_parse(f))
			continue;
		if ((f->b[f->l4] << 8 | f->b[f->l4 + 1]) != MH_PORT &&
		    (f->b[f->l4 + 2] << 8 | f->b[f->l4 + 3]) != MH_PORT)
			continue;
		return 1;
	}
}

int mh_inject(const struct mh_pair *p, int side, const uint8_t *frame,
	      size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = p->ifindex[side],
		.sll_halen = 6,
	};
	ssize_t n;
	int fd;

	fd = mh_socket_in(p->nsfd[side], AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		return -1;
	memcpy(sll.sll_addr, frame, 6);
	n = sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll));
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

void mh_dump(const char *what, const uint8_t *b, size_t n)
{
	char line[3 * 16 + 1];

	LOG("%s (%zu octets):\n", what, n);
	for (size_t i = 0; i < n; i += 16) {
		size_t j, o = 0;

		for (j = i; j < n && j < i + 16; j++)
			o += (size_t)sprintf(line + o, " %02x", b[j]);
		LOG(" %04zx:%s\n", i, line);
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecctl: running a parsed command against the kernel.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl/cmd.h"
#include "ctl/control.h"
#include "ctl/output.h"

/* Attempts at a consistent SA dump before giving up */
#define DUMP_TRIES 5

static const char *op_name(enum ctl_op op)
{
	switch (op) {
	case CTL_OP_SA_ADD:	 return "sa add";
	case CTL_OP_SA_DEL:	 return "sa del";
	case CTL_OP_SA_SHOW:	 return "sa show";
	case CTL_OP_SA_FLUSH:	 return "sa flush";
	case CTL_OP_POLICY_SHOW: return "policy";
	case CTL_OP_POLICY_SET:	 return "policy set";
	case CTL_OP_STATS:	 return "stats";
	case CTL_OP_MONITOR:	 return "monitor";
	case CTL_OP_MSK_ADD:	 return "msk add";
	case CTL_OP_MSK_DEL:	 return "msk del";
	case CTL_OP_PEERS:	 return "peers";
	case CTL_OP_MIH_SEND:	 return "mih send";
	case CTL_OP_IS_QUERY:	 return "is query";
	case CTL_OP_IS_IMPORT:	 return "is import";
	case CTL_OP_IS_EXPORT:	 return "is export";
	case CTL_OP_HANDOVER:	 return "handover";
	case CTL_OP_MIHF_STATUS: return "mihf status";
	default:		 return "mihsecctl";
	}
}

/* "mihsecctl: sa add: File exists (...): <kernel message>" */
static int kernel_error(FILE *errf, struct ctl_args *a, struct mihsec_nl *nl,
			int rc)
{
	const char *msg = mihsec_nl_errmsg(nl);
	const char *hint = NULL;

	switch (rc) {
	case -EPERM:
		hint = "CAP_NET_ADMIN needed";
		break;
	case -ENOENT:
		if (a->op == CTL_OP_SA_DEL || a->op == CTL_OP_SA_SHOW)
			hint = "no such SA";
		break;
	case -EEXIST:
		if (a->op == CTL_OP_SA_ADD)
			hint = "an SA with this rx-keyid exists or existed";
		break;
	case -EOPNOTSUPP:
		if (a->op == CTL_OP_SA_ADD)
			hint = "suite not supported by this kernel";
		break;
	default:
		break;
	}
	fprintf(errf, "mihsecctl: %s: %s", op_name(a->op), strerror(-rc));
	if (hint)
		fprintf(errf, " (%s)", hint);
	if (msg[0])
		fprintf(errf, ": %s", msg);
	fputs("\n", errf);
	return CTL_EXIT_ERROR;
}

static int nomem(FILE *errf)
{
	fprintf(errf, "mihsecctl: out of memory\n");
	return CTL_EXIT_ERROR;
}

struct sa_list {
	struct mihsec_sa_info *v;
	size_t n, cap;
};

static int collect_sa(const struct mihsec_sa_info *sa, void *arg)
{
	struct sa_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct mihsec_sa_info *v = reallocarray(l->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *sa;
	return 0;
}

static int print_sas(struct ctl_args *a, const struct mihsec_sa_info *v,
		     size_t n, FILE *out, FILE *errf)
{
	struct json_object *arr;
	int rc;

	if (!a->json) {
		for (size_t i = 0; i < n; i++)
			ctl_print_sa(out, &v[i], a->stats);
		return CTL_EXIT_OK;
	}
	arr = json_object_new_array();
	if (!arr)
		return nomem(errf);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, ctl_json_sa(&v[i], a->stats));
	rc = ctl_json_print(out, arr);
	json_object_put(arr);
	return rc ? nomem(errf) : CTL_EXIT_OK;
}

static int sa_show(struct ctl_args *a, struct mihsec_nl *nl, FILE *out,
		   FILE *errf)
{
	struct sa_list l = { 0 };
	int rc, tries;

	if (a->has_keyid) {
		struct mihsec_sa_info sa;

		rc = mihsec_nl_sa_get(nl, a->keyid, &sa);
		if (rc < 0)
			return kernel_error(errf, a, nl, rc);
		return print_sas(a, &sa, 1, out, errf);
	}
	for (tries = 0; tries < DUMP_TRIES; tries++) {
		l.n = 0;
		rc = mihsec_nl_sa_dump(nl, collect_sa, &l);
		if (rc != -EINTR)
			break;
	}
	if (rc < 0) {
		free(l.v);
		if (rc == -EINTR) {
			fprintf(errf,
				"mihsecctl: sa show: the SA table kept changing during %d dumps; try again\n",
				DUMP_TRIES);
			return CTL_EXIT_ERROR;
		}
		return kernel_error(errf, a, nl, rc);
	}
	rc = print_sas(a, l.v, l.n, out, errf);
	free(l.v);
	return rc;
}

static int json_out(FILE *out, FILE *errf, struct json_object *o)
{
	int rc = ctl_json_print(out, o);

	json_object_put(o);
	return rc ? nomem(errf) : CTL_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* monitor                                                             */

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

struct mon {
	struct ctl_args *a;
	FILE *out;
	uint32_t seen;
};

static int mon_event(const struct mihsec_event_info *ev, void *arg)
{
	struct mon *m = arg;
	struct timespec ts;

	/* the rest of a datagram past "count" is not printed */
	if (m->a->mon_count && m->seen >= m->a->mon_count)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (m->a->json) {
		struct json_object *o = ctl_json_event(ev, ts.tv_sec,
						       ts.tv_nsec / 1000);
		int rc = ctl_json_print(m->out, o);

		json_object_put(o);
		if (rc)
			return -ENOMEM;
	} else {
		ctl_print_event(m->out, ev, ts.tv_sec, ts.tv_nsec / 1000);
	}
	if (fflush(m->out) || ferror(m->out))
		return -EIO;
	m->seen++;
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int monitor_loop(struct ctl_args *a, struct mihsec_nl *nl,
			struct mon *m, const sigset_t *waitmask, FILE *errf)
{
	long long deadline = now_ms() + 1000LL * a->mon_timeout;
	int rc;

	for (;;) {
		int timeout = -1;

		if (stop_signal)
			return CTL_EXIT_OK;
		if (a->mon_count && m->seen >= a->mon_count)
			return CTL_EXIT_OK;
		if (a->has_mon_timeout) {
			long long left = deadline - now_ms();

			if (left <= 0)
				return CTL_EXIT_OK;
			timeout = (int)left;
		}
		rc = mihsec_nl_wait(nl, timeout, waitmask);
		if (rc == -EINTR || rc == 0)
			continue;
		if (rc < 0) {
			fprintf(errf, "mihsecctl: monitor: waiting for events: %s\n",
				strerror(-rc));
			return CTL_EXIT_ERROR;
		}
		rc = mihsec_nl_recv_events(nl, mon_event, m);
		if (rc == -EIO) {
			fprintf(errf, "mihsecctl: write error: %s\n",
				strerror(errno));
			return CTL_EXIT_ERROR;
		}
		if (rc == -ENOMEM)
			return nomem(errf);
		if (rc == -ENOBUFS) {
			/* the socket overflowed: say so, go on */
			fprintf(errf, "mihsecctl: monitor: events were lost "
				"(receive buffer overrun)\n");
			continue;
		}
		if (rc == -EINTR && stop_signal)
			return CTL_EXIT_OK;
		if (rc < 0)
			return kernel_error(errf, a, nl, rc);
	}
}

static int monitor(struct ctl_args *a, struct mihsec_nl *nl, FILE *out,
		   FILE *errf)
{
	struct sigaction sa = { .sa_handler = on_stop_signal }, old_int,
			 old_term;
	struct mon m = { .a = a, .out = out };
	sigset_t block, saved, waitmask;
	int rc;

	rc = mihsec_nl_subscribe_events(nl);
	if (rc < 0)
		return kernel_error(errf, a, nl, rc);

	/*
	 * SIGINT and SIGTERM end the monitor (exit 0).  They are blocked
	 * except inside the wait (ppoll), so none is lost between the
	 * check of stop_signal and the wait.
	 */
	stop_signal = 0;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &saved);
	waitmask = saved;
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	rc = monitor_loop(a, nl, &m, &waitmask, errf);

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return rc;
}

int ctl_run(struct ctl_args *a, struct mihsec_nl *nl, FILE *out, FILE *errf)
{
	struct mihsec_policy_info pi;
	uint64_t stats[MIHSEC_STAT_MAX + 1];
	int rc = 0;

	switch (a->op) {
	case CTL_OP_SA_ADD:
		rc = mihsec_nl_sa_add(nl, &a->sa);
		mihsec_sa_cfg_wipe(&a->sa);
		break;
	case CTL_OP_SA_DEL:
		if (a->has_keyid)
			rc = mihsec_nl_sa_del_keyid(nl, a->keyid);
		else
			rc = mihsec_nl_sa_del_peer(nl, a->peer_id,
						   a->peer_id_len);
		break;
	case CTL_OP_SA_SHOW:
		return sa_show(a, nl, out, errf);
	case CTL_OP_SA_FLUSH:
		rc = mihsec_nl_sa_flush(nl);
		break;
	case CTL_OP_POLICY_SET:
		rc = mihsec_nl_policy_set_cfg(nl, &a->pol);
		break;
	case CTL_OP_MONITOR:
		return monitor(a, nl, out, errf);
	case CTL_OP_POLICY_SHOW:
		rc = mihsec_nl_policy_get(nl, &pi);
		if (rc < 0)
			break;
		if (a->json)
			return json_out(out, errf, ctl_json_policy(&pi));
		ctl_print_policy(out, &pi);
		return CTL_EXIT_OK;
	case CTL_OP_STATS:
		rc = mihsec_nl_stats_get(nl, stats);
		if (rc < 0)
			break;
		if (a->json)
			return json_out(out, errf, ctl_json_stats(stats));
		ctl_print_stats(out, stats);
		return CTL_EXIT_OK;
	case CTL_OP_MSK_ADD:
	case CTL_OP_MSK_DEL:
	case CTL_OP_PEERS:
	case CTL_OP_MIH_SEND:
	case CTL_OP_IS_QUERY:
	case CTL_OP_IS_IMPORT:
	case CTL_OP_IS_EXPORT:
	case CTL_OP_HANDOVER:
	case CTL_OP_MIHF_STATUS:
		return ctl_daemon_run(a, out, errf);
	case CTL_OP_HELP:
	case CTL_OP_VERSION:
		break;
	}
	if (rc < 0)
		return kernel_error(errf, a, nl, rc);
	return CTL_EXIT_OK;
}

int ctl_main(int argc, char **argv, FILE *in, FILE *out, FILE *errf,
	     ctl_open_fn open)
{
	struct ctl_args *a;
	struct mihsec_nl *nl;
	char err[512];
	int rc, e;

	/* heap, not stack: wiped explicitly, never left in a dead frame */
	a = calloc(1, sizeof(*a));
	if (!a)
		return nomem(errf);

	rc = ctl_parse(argc, argv, a, err, sizeof(err));
	if (rc) {
		fprintf(errf, "mihsecctl: %s\n", err);
		fprintf(errf, "Try 'mihsecctl %s--help'.\n",
			a->topic == CTL_TOPIC_SA ? "sa " :
			a->topic == CTL_TOPIC_POLICY ? "policy " :
			a->topic == CTL_TOPIC_STATS ? "stats " :
			a->topic == CTL_TOPIC_MONITOR ? "monitor " :
			a->topic == CTL_TOPIC_MSK ? "msk " :
			a->topic == CTL_TOPIC_PEERS ? "peers " :
			a->topic == CTL_TOPIC_MIH ? "mih " :
			a->topic == CTL_TOPIC_IS ? "is " :
			a->topic == CTL_TOPIC_HANDOVER ? "handover " :
			a->topic == CTL_TOPIC_MIHF ? "mihf " : "");
		goto out;
	}
	if (a->op == CTL_OP_HELP) {
		ctl_help(out, a->topic);
		goto flush;
	}
	if (a->op == CTL_OP_VERSION) {
		fprintf(out, "mihsecctl %s (generic netlink family %s, version %d)\n",
			MIHSECCTL_VERSION, MIHSEC_GENL_NAME,
			MIHSEC_GENL_VERSION);
		goto flush;
	}

	rc = ctl_load_keys(a, in, errf, err, sizeof(err));
	if (rc) {
		fprintf(errf, "mihsecctl: %s: %s\n", op_name(a->op), err);
		goto out;
	}
	/* msk, peers: mihsecd's business, no netlink */
	if (ctl_op_is_daemon(a->op)) {
		rc = ctl_daemon_run(a, out, errf);
		if (rc)
			goto out;
		goto flush;
	}

	nl = open(&e, err, sizeof(err));
	if (!nl) {
		if (e == -ENOENT) {
			fprintf(errf,
				"mihsecctl: the mihsec kernel module is not loaded (%s)\n",
				err);
			rc = CTL_EXIT_NOMODULE;
		} else {
			fprintf(errf, "mihsecctl: %s\n", err);
			rc = CTL_EXIT_ERROR;
		}
		goto out;
	}
	rc = ctl_run(a, nl, out, errf);
	mihsec_nl_close(nl);
	if (rc)
		goto out;
flush:
	if (fflush(out) || ferror(out)) {
		fprintf(errf, "mihsecctl: write error: %s\n", strerror(errno));
		rc = CTL_EXIT_ERROR;
	}
out:
	ctl_args_wipe(a);
	free(a);
	return rc;
}

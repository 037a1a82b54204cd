// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecd: start, reload, stop (see daemon.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mihsecd/config.h"
#include "mihsecd/daemon.h"
#include "mihsecd/keyd.h"
#include "mihsecd/log.h"
#include "mihsecd/loop.h"
#include "mihsecd/mihfd.h"

struct md_daemon {
	const char *path;
	struct md_config *cfg;
	struct md_loop *loop;
	struct mihsec_nl *nl;	/* NULL: running without the kernel module */
	struct md_keyd *keyd;
	struct md_mihfd *mihfd;	/* NULL: no MIH function ([mihf]) */
};

static void print_errors(const struct md_errors *e, FILE *errf)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		if (errf)
			fprintf(errf, "%s\n", e->msg[i]);
		else
			md_err("%s", e->msg[i]);
	}
	if (e->dropped) {
		if (errf)
			fprintf(errf, "(%zu more errors not shown)\n",
				e->dropped);
		else
			md_err("(%zu more errors not shown)", e->dropped);
	}
}

int md_check_config(const char *path, FILE *out, FILE *errf)
{
	struct md_errors errs;
	struct md_config *cfg = md_config_load(path, NULL, &errs);

	if (!cfg) {
		print_errors(&errs, errf);
		fprintf(errf, "mihsecd: configuration file %s test failed\n",
			path);
		md_errors_clear(&errs);
		return MD_EXIT_ERROR;
	}
	fprintf(out, "mihsecd: configuration file %s test is successful\n",
		path);
	md_config_free(cfg);
	return MD_EXIT_OK;
}

static void log_config(const char *what, const struct md_config *c)
{
	char roles[32];

	md_notice("%s: roles %s, mihf-id %.*s, %zu peer%s, profile %s, suite %u, port %u, log-level %s",
		  what, md_roles_str(c->roles, roles, sizeof(roles)),
		  (int)c->mihf_id_len, (const char *)c->mihf_id, c->npeers,
		  c->npeers == 1 ? "" : "s", md_profile_name(c->profile),
		  c->suite, c->port, md_log_level_name(c->log_level));
}

static void log_peers(const struct md_config *c)
{
	size_t i;

	for (i = 0; i < c->npeers; i++) {
		const struct md_peer *p = &c->peers[i];
		char addr[64];

		md_info("peer %s: mihf-id %.*s, address %s port %u", p->name,
			(int)p->mihf_id_len, (const char *)p->mihf_id,
			md_peer_addr_str(p, addr, sizeof(addr)), p->port);
	}
}

/* The MIH function on reload: started, stopped or told */
static void reload_mihf(struct md_daemon *d, const struct md_config *c)
{
	int rc;

	if (!md_mihf_enabled(c)) {
		if (d->mihfd)
			md_notice("MIH function stopped ([mihf] removed or enable = no)");
		md_mihfd_stop(d->mihfd);
		d->mihfd = NULL;
		return;
	}
	if (d->mihfd) {
		md_mihfd_reload(d->mihfd, c);
		return;
	}
	rc = md_mihfd_start(d->loop, c, md_keyd_control(d->keyd), &d->mihfd);
	if (rc < 0)
		md_err("MIH function: cannot start: %s", strerror(-rc));
}

/* SIGHUP: the new configuration replaces the running one only if valid */
static void reload(struct md_loop *loop, int signo, void *arg)
{
	struct md_daemon *d = arg;
	struct md_errors errs;
	struct md_config *c;

	(void)loop;
	(void)signo;
	md_notice("SIGHUP: reloading %s", d->path);
	c = md_config_load(d->path, NULL, &errs);
	if (!c) {
		md_err("reload of %s failed; keeping the running configuration",
		       d->path);
		print_errors(&errs, NULL);
		md_errors_clear(&errs);
		return;
	}
	if (md_config_equal(c, d->cfg)) {
		md_notice("configuration %s reloaded: unchanged", d->path);
		md_config_free(c);
		return;
	}
	if (c->kernel != d->cfg->kernel)
		md_warn("kernel = %s takes effect at the next start",
			md_kernel_name(c->kernel));
	md_log_set_level(c->log_level);
	if (d->keyd && md_keyd_reload(d->keyd, c))
		md_err("reload: the key manager keeps its settings (out of memory)");
	reload_mihf(d, c);
	md_config_free(d->cfg);
	d->cfg = c;
	log_config("configuration reloaded", c);
	log_peers(c);
}

static void stop(struct md_loop *loop, int signo, void *arg)
{
	(void)arg;
	md_notice("SIG%s: exiting; SAs stay in the kernel for the next start",
		  sigabbrev_np(signo) ? sigabbrev_np(signo) : "?");
	md_loop_stop(loop, MD_EXIT_OK);
}

/* Connect to the kernel; MD_EXIT_OK also when running without it */
static int connect_kernel(struct md_daemon *d, md_open_fn open)
{
	struct mihsec_policy_info pi;
	char msg[MIHSEC_NL_ERRMSG_LEN] = "";
	int e = 0;

	d->nl = open(&e, msg, sizeof(msg));
	if (!d->nl) {
		if (e == -ENOENT && d->cfg->kernel == MD_KERNEL_OPTIONAL) {
			md_warn("the mihsec kernel module is not loaded: running without MIH protection (kernel = optional)");
			return MD_EXIT_OK;
		}
		if (e == -ENOENT) {
			md_err("the mihsec kernel module is not loaded (generic netlink family \"mihsec\" not found); load mihsec.ko or set 'kernel = optional' in %s",
			       d->path);
			return MD_EXIT_NOMODULE;
		}
		md_err("cannot connect to the mihsec kernel module: %s%s%s",
		       strerror(-e), *msg ? ": " : "", msg);
		return MD_EXIT_ERROR;
	}
	e = mihsec_nl_policy_get(d->nl, &pi);
	if (e) {
		md_err("reading the kernel's policy failed: %s%s%s",
		       strerror(-e), *mihsec_nl_errmsg(d->nl) ? ": " : "",
		       mihsec_nl_errmsg(d->nl));
		return MD_EXIT_ERROR;
	}
	md_notice("kernel: %u SA%s present (adopted), MIH port %u", pi.sa_count,
		  pi.sa_count == 1 ? "" : "s", pi.port);
	return MD_EXIT_OK;
}

int md_run(const struct md_opts *o, md_open_fn open)
{
	struct md_daemon d = { .path = o->config };
	struct md_errors errs;
	int rc;

	md_log_open(o->foreground ? stderr : NULL);
	d.cfg = md_config_load(d.path, NULL, &errs);
	if (!d.cfg) {
		print_errors(&errs, NULL);
		md_err("invalid configuration %s: not starting", d.path);
		md_errors_clear(&errs);
		rc = MD_EXIT_ERROR;
		goto out;
	}
	md_log_set_level(d.cfg->log_level);
	rc = connect_kernel(&d, open);
	if (rc)
		goto out;
	/* without -f: detach once start-up problems could still be reported
	 * through the exit code */
	if (!o->foreground && daemon(0, 0)) {
		md_err("cannot detach: %s", strerror(errno));
		rc = MD_EXIT_ERROR;
		goto out;
	}
	d.loop = md_loop_new();
	if (!d.loop) {
		md_err("cannot create the event loop: %s", strerror(errno));
		rc = MD_EXIT_ERROR;
		goto out;
	}
	rc = md_loop_add_signal(d.loop, SIGTERM, stop, &d);
	if (!rc)
		rc = md_loop_add_signal(d.loop, SIGINT, stop, &d);
	if (!rc)
		rc = md_loop_add_signal(d.loop, SIGHUP, reload, &d);
	if (rc) {
		md_err("cannot set up signal handling: %s", strerror(-rc));
		rc = MD_EXIT_ERROR;
		goto out;
	}
	d.keyd = md_keyd_start(d.loop, d.cfg, d.nl, open);
	if (!d.keyd) {
		md_err("cannot start the key manager: out of memory");
		rc = MD_EXIT_ERROR;
		goto out;
	}
	if (md_mihf_enabled(d.cfg)) {
		rc = md_mihfd_start(d.loop, d.cfg, md_keyd_control(d.keyd),
				    &d.mihfd);
		if (rc < 0) {
			md_err("cannot start the MIH function: %s",
			       strerror(-rc));
			rc = MD_EXIT_ERROR;
			goto out;
		}
	}
	log_config("started", d.cfg);
	log_peers(d.cfg);
	rc = md_loop_run(d.loop);
	if (rc < 0) {
		md_err("event loop failed: %s", strerror(-rc));
		rc = MD_EXIT_ERROR;
	}
out:
	/* first: pending control requests are answered while it can */
	md_mihfd_stop(d.mihfd);
	md_keyd_stop(d.keyd);
	md_loop_free(d.loop);
	mihsec_nl_close(d.nl);
	md_config_free(d.cfg);
	md_log_close();
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * mihsec_probe: helper of selftests/run.sh.
 *
 *   mihsec_probe rmmod [SECS]
 *	Two namespaces with SAs, MIH traffic in both directions over IPv4
 *	and IPv6 for SECS seconds (default 6) while "rmmod mihsec" runs and
 *	mihsecctl queries the module; then checks that rmmod succeeded,
 *	that traffic kept flowing and that it now goes in clear.
 *   mihsec_probe plumbing
 *	Host self-check of the test plumbing without the module: namespaces,
 *	sockets, capture, checksums, frame injection and the wire-format
 *	model (a PDU sealed here, injected, received raw, opened again).
 *
 * Diagnostics are "# " lines; exit status 0 = pass.
 */
#include "mihsec_lib.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOG(...) fprintf(stderr, "# " __VA_ARGS__)

static int fails;

#define CHECK(cond, ...) do {					\
	if (!(cond)) {						\
		LOG("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);	\
		fprintf(stderr, __VA_ARGS__);			\
		fputc('\n', stderr);				\
		fails++;					\
	}							\
} while (0)

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* one request A -> B and its response B -> A, in clear on the wire:
 * checks delivery and, with capture sockets, that the frames carry the
 * plain PDU (marker visible, no TLV 200/201) */
static void clear_exchange(struct mh_pair *p, int family, uint16_t tid)
{
	static uint8_t body[512], req[1024], rsp[1024], got[2048];
	static struct mh_frame f;
	int fa, fb, ca, cb, r;
	size_t bl, rl, sl;
	ssize_t n;

	fa = mh_udp_socket(p, 0, family, MH_PORT);
	fb = mh_udp_socket(p, 1, family, MH_PORT);
	ca = mh_capture_open(p, 0);
	cb = mh_capture_open(p, 1);
	CHECK(fa >= 0 && fb >= 0 && ca >= 0 && cb >= 0, "sockets");
	if (fa < 0 || fb < 0 || ca < 0 || cb < 0)
		return;
	bl = mh_body(body, 80, tid);
	rl = mh_pdu(req, 0, MH_MID_LINK_GET_REQ, tid, p->id[0], p->id[1],
		    body, bl);
	sl = mh_pdu(rsp, 0, MH_MID_LINK_GET_RSP, tid, p->id[1], p->id[0],
		    body, bl);
	CHECK(mh_udp_send(fa, family, 1, MH_PORT, req, rl) == (ssize_t)rl,
	      "send A->B: %m");
	n = mh_udp_recv(fb, got, sizeof(got), 3000, NULL);
	CHECK(n == (ssize_t)rl && !memcmp(got, req, rl),
	      "B got %zd octets, want the %zu of the request", n, rl);
	r = mh_capture_next(cb, &f, 2000, false);
	CHECK(r == 1, "no frame captured in B");
	if (r == 1) {
		CHECK(f.plen == rl && !memcmp(f.b + f.pl, req, rl),
		      "wire payload is not the plain request");
		CHECK(mh_has_sec_tlv(f.b + f.pl, f.plen) == 0,
		      "security TLV on the wire");
	}
	CHECK(mh_udp_send(fb, family, 0, MH_PORT, rsp, sl) == (ssize_t)sl,
	      "send B->A: %m");
	n = mh_udp_recv(fa, got, sizeof(got), 3000, NULL);
	CHECK(n == (ssize_t)sl && !memcmp(got, rsp, sl),
	      "A got %zd octets, want the %zu of the response", n, sl);
	r = mh_capture_next(ca, &f, 2000, false);
	CHECK(r == 1 && f.plen == sl && !memcmp(f.b + f.pl, rsp, sl),
	      "wire payload B->A is not the plain response");
	close(fa);
	close(fb);
	close(ca);
	close(cb);
}

/* ---- plumbing (host, no module) --------------------------------------- */

static int cmd_plumbing(void)
{
	static uint8_t body[512], pdu[1024], prot[1200], got[2048], back[2048];
	static struct mh_frame f, g;
	struct mh_prot pp;
	struct mh_pair p;
	char why[128];
	size_t pl, sl, bl;
	ssize_t n;
	int fam, fb, cb, r;

	if (mh_pair_setup(&p, "pl")) {
		LOG("pair setup failed\n");
		return 1;
	}
	CHECK(!mh_pair_txcsum_off(&p), "tx checksum offload off");
	for (fam = AF_INET; fam; fam = fam == AF_INET ? AF_INET6 : 0) {
		LOG("family %s\n", fam == AF_INET ? "IPv4" : "IPv6");
		clear_exchange(&p, fam, 7);

		/* checksums of a stack-sent frame, seen in B */
		cb = mh_capture_open(&p, 1);
		fb = mh_udp_socket(&p, 1, fam, MH_PORT);
		bl = mh_body(body, 200, 1);
		pl = mh_pdu(pdu, 0, MH_MID_REGISTER_REQ, 9, p.id[0], p.id[1],
			    body, bl);
		{
			int fa = mh_udp_socket(&p, 0, fam, 0);

			CHECK(mh_udp_send(fa, fam, 1, MH_PORT, pdu, pl) ==
			      (ssize_t)pl, "send");
			close(fa);
		}
		r = mh_capture_next(cb, &f, 2000, false);
		CHECK(r == 1, "capture");
		CHECK(!mh_frame_check(&f, why, sizeof(why)), "%s", why);
		n = mh_udp_recv(fb, got, sizeof(got), 2000, NULL);
		CHECK(n == (ssize_t)pl, "delivery");

		/* the model: seal, parse, open */
		sl = mh_seal_as(&p, 0, prot, pdu, pl, 5, true);
		CHECK(sl == pl + 38 - 0 || sl == pl + 39,
		      "overhead %zu", sl - pl);
		CHECK(!mh_parse_prot(prot, sl, &pp), "parse sealed");
		CHECK(pp.seq_v == 5 && pp.flags_v == MIHSEC_WIRE_F_ENCRYPTED,
		      "seq/flags");
		CHECK(!memmem(prot, sl, MH_MARKER, strlen(MH_MARKER)),
		      "marker visible after sealing");
		{
			size_t bl2 = 0;

			CHECK(!mh_unseal(prot, sl, p.key[0], p.salt[0], back,
					 &bl2) && bl2 == pl &&
			      !memcmp(back, pdu, pl), "unseal");
			prot[pp.body] ^= 1;
			CHECK(mh_unseal(prot, sl, p.key[0], p.salt[0], back,
					&bl2), "unseal accepted a flipped body");
			prot[pp.body] ^= 1;
			CHECK(mh_unseal(prot, sl, p.key[1], p.salt[0], back,
					&bl2), "unseal accepted a wrong key");
		}
		sl = mh_seal_as(&p, 1, prot, pdu, pl, 6, false);
		CHECK(!mh_parse_prot(prot, sl, &pp) &&
		      pp.flags_v == MIHSEC_WIRE_F_NET2MMT &&
		      memmem(prot, sl, MH_MARKER, strlen(MH_MARKER)),
		      "E=0 seal");
		{
			size_t bl2 = 0;

			CHECK(!mh_unseal(prot, sl, p.key[1], p.salt[1], back,
					 &bl2) && bl2 == pl &&
			      !memcmp(back, pdu, pl), "unseal E=0");
		}

		/* injection: a built frame from A's veth reaches B's socket */
		CHECK(!mh_frame_build(&g, fam, 0, 1, MH_PORT, MH_PORT, prot,
				      sl), "build");
		CHECK(!mh_frame_check(&g, why, sizeof(why)), "built: %s", why);
		CHECK(!mh_inject(&p, 0, g.b, g.len), "inject: %m");
		n = mh_udp_recv(fb, got, sizeof(got), 2000, NULL);
		CHECK(n == (ssize_t)sl && !memcmp(got, prot, sl),
		      "injected frame not delivered raw (%zd)", n);
		/* with IPv4 options / an IPv6 Destination Options header */
		CHECK(!mh_frame_build(&g, fam, 0, 1, MH_PORT, MH_PORT, prot,
				      sl) && !mh_frame_add_opts(&g), "opts");
		CHECK(!mh_frame_check(&g, why, sizeof(why)), "opts: %s", why);
		CHECK(g.l4 == g.l3 + (fam == AF_INET ? 24 : 48), "opts l4");
		CHECK(!mh_inject(&p, 0, g.b, g.len), "inject: %m");
		n = mh_udp_recv(fb, got, sizeof(got), 2000, NULL);
		CHECK(n == (ssize_t)sl && !memcmp(got, prot, sl),
		      "frame with options not delivered (%zd)", n);
		/* and a corrupted UDP checksum is dropped by UDP */
		g.b[g.l4 + 6] ^= 0x55;
		CHECK(!mh_inject(&p, 0, g.b, g.len), "inject");
		n = mh_udp_recv(fb, got, sizeof(got), 300, NULL);
		CHECK(n == 0, "bad checksum delivered");

		/* the unowned address: sealed frames to it are seen in B
		 * but never delivered; rewritten, they are */
		{
			int fa = mh_udp_socket(&p, 0, fam, MH_PORT);

			mh_capture_drain(cb);
			CHECK(mh_udp_send(fa, fam, MH_FAKE, MH_PORT, prot,
					  sl) == (ssize_t)sl, "send fake");
			r = mh_capture_next(cb, &f, 2000, false);
			CHECK(r == 1, "capture fake");
			n = mh_udp_recv(fb, got, sizeof(got), 300, NULL);
			CHECK(n == 0, "fake-address frame delivered");
			mh_frame_set_dst(&f, 1);
			CHECK(!mh_frame_check(&f, why, sizeof(why)), "%s", why);
			CHECK(!mh_inject(&p, 0, f.b, f.len), "inject");
			n = mh_udp_recv(fb, got, sizeof(got), 2000, NULL);
			CHECK(n == (ssize_t)sl && !memcmp(got, prot, sl),
			      "rewritten frame not delivered");
			close(fa);
		}
		close(fb);
		close(cb);
	}
	mh_pair_teardown(&p);
	LOG("plumbing: %d failure(s)\n", fails);
	return fails ? 1 : 0;
}

/* ---- rmmod while traffic flows --------------------------------------- */

static bool module_present(void)
{
	return access("/sys/module/mihsec", F_OK) == 0;
}

/* mihsecctl queries in A until the module is gone or the deadline */
static pid_t start_ctl_loop(struct mh_pair *p, long long deadline)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	{
		int n = 0, codes[256] = { 0 };

		while (now_ms() < deadline) {
			int r = mh_ctl_run(p, 0, NULL, 0, n & 1 ?
					   "-j sa show >/dev/null 2>&1" :
					   "-j stats >/dev/null 2>&1");

			codes[r & 255]++;
			n++;
			if (r == 3 && !module_present())
				break;
		}
		LOG("mihsecctl loop: %d runs, exit 0: %d, 1: %d, 3: %d\n", n,
		    codes[0], codes[1], codes[3]);
		for (int i = 0; i < 256; i++)
			if (codes[i] && i != 0 && i != 1 && i != 3) {
				LOG("mihsecctl exited %d (%d times)\n", i,
				    codes[i]);
				_exit(1);
			}
		_exit(0);
	}
}

struct dir_count {
	unsigned long sent, send_err, plain, prot, bad;
};

static void drain(int fd, const struct mh_pair *p, int from,
		  struct dir_count *c)
{
	static uint8_t got[4096];
	ssize_t n;

	while ((n = mh_udp_recv(fd, got, sizeof(got), 0, NULL)) > 0) {
		int s = mh_has_sec_tlv(got, (size_t)n);
		size_t il = strlen(p->id[from]);

		if (s == 1)
			c->prot++;
		else if (s == 0 && (size_t)n > 11 + il &&
			 !memcmp(got + 11, p->id[from], il))
			c->plain++;
		else
			c->bad++;
	}
}

static int cmd_rmmod(int secs)
{
	static uint8_t body[256], pdu[1024];
	struct dir_count before[2] = { 0 }, after[2] = { 0 };
	long long t0, deadline, hard, rm_at, gone_at = 0;
	int fd[2][2], fam, side, st, ctl_st, rm_rc = -1;
	pid_t rm = -1, ctl;
	struct mh_pair p;
	bool gone = false;
	uint16_t tid = 0;
	size_t bl, pl;

	if (!module_present()) {
		LOG("mihsec is not loaded\n");
		return 1;
	}
	if (mh_pair_setup(&p, "rm")) {
		LOG("pair setup failed\n");
		return 1;
	}
	if (mh_sa_add(&p, 0, NULL) || mh_sa_add(&p, 1, NULL)) {
		LOG("sa add failed\n");
		mh_pair_teardown(&p);
		return 1;
	}
	for (fam = 0; fam < 2; fam++)
		for (side = 0; side < 2; side++) {
			fd[fam][side] = mh_udp_socket(&p, side,
						      fam ? AF_INET6 : AF_INET,
						      MH_PORT);
			if (fd[fam][side] < 0) {
				LOG("socket\n");
				mh_pair_teardown(&p);
				return 1;
			}
		}
	bl = mh_body(body, 60, 1);
	t0 = now_ms();
	deadline = t0 + secs * 1000LL;
	rm_at = t0 + secs * 1000LL / 3;
	/* a slow rmmod (a loaded TCG guest) extends the run: at least 1 s
	 * of traffic after the unload, within 30 s more
	 */
	hard = deadline + 30000;
	ctl = start_ctl_loop(&p, deadline);
	while (now_ms() < deadline ||
	       (now_ms() < hard && (!gone || now_ms() < gone_at + 1000))) {
		struct dir_count *c = gone ? after : before;

		if (rm < 0 && now_ms() >= rm_at) {
			fflush(stderr);
			rm = fork();
			if (rm == 0) {
				execlp("rmmod", "rmmod", "mihsec", (char *)NULL);
				_exit(127);
			}
			LOG("rmmod started at %lld ms\n", now_ms() - t0);
		}
		if (rm > 0 && rm_rc < 0 && waitpid(rm, &st, WNOHANG) == rm) {
			rm_rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
			LOG("rmmod exited %d at %lld ms, module %s\n", rm_rc,
			    now_ms() - t0, module_present() ? "present" : "gone");
		}
		if (!gone && rm_rc >= 0 && !module_present()) {
			/* what was queued is pre-unload traffic */
			for (fam = 0; fam < 2; fam++)
				for (side = 0; side < 2; side++)
					drain(fd[fam][side], &p, !side,
					      &before[!side]);
			gone = true;
			gone_at = now_ms();
			c = after;
		}
		for (fam = 0; fam < 2; fam++) {
			int family = fam ? AF_INET6 : AF_INET;

			for (side = 0; side < 2; side++) {
				pl = mh_pdu(pdu, 0, side ? MH_MID_LINK_GET_RSP :
					    MH_MID_LINK_GET_REQ, tid & 0xfff,
					    p.id[side], p.id[!side], body, bl);
				if (mh_udp_send(fd[fam][side], family, !side,
						MH_PORT, pdu, pl) == (ssize_t)pl)
					c[side].sent++;
				else
					c[side].send_err++;
			}
			tid++;
		}
		usleep(2000);
		for (fam = 0; fam < 2; fam++)
			for (side = 0; side < 2; side++)
				drain(fd[fam][side], &p, !side, &c[!side]);
	}
	usleep(200000);
	for (fam = 0; fam < 2; fam++)
		for (side = 0; side < 2; side++)
			drain(fd[fam][side], &p, !side,
			      gone ? &after[!side] : &before[!side]);
	if (rm > 0 && rm_rc < 0) {
		if (waitpid(rm, &st, 0) == rm)
			rm_rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	}
	ctl_st = -1;
	if (waitpid(ctl, &st, 0) == ctl && WIFEXITED(st))
		ctl_st = WEXITSTATUS(st);
	for (side = 0; side < 2; side++) {
		const char *d = side ? "B->A" : "A->B";

		LOG("%s before unload: sent %lu (errors %lu), received plain %lu, protected %lu, bad %lu\n",
		    d, before[side].sent, before[side].send_err,
		    before[side].plain, before[side].prot, before[side].bad);
		LOG("%s after unload:  sent %lu (errors %lu), received plain %lu, protected %lu, bad %lu\n",
		    d, after[side].sent, after[side].send_err,
		    after[side].plain, after[side].prot, after[side].bad);
		CHECK(before[side].plain > 0, "%s: nothing delivered before rmmod", d);
		CHECK(after[side].plain >= 5, "%s: traffic stopped after rmmod", d);
		CHECK(after[side].send_err == 0, "%s: send errors after rmmod", d);
		CHECK(before[side].bad + after[side].bad == 0,
		      "%s: mangled PDUs delivered", d);
	}
	CHECK(rm_rc == 0, "rmmod exit %d", rm_rc);
	CHECK(!module_present(), "module still present");
	CHECK(ctl_st == 0, "mihsecctl loop status %d", ctl_st);
	for (fam = 0; fam < 2; fam++)
		for (side = 0; side < 2; side++)
			close(fd[fam][side]);
	if (!module_present()) {
		clear_exchange(&p, AF_INET, 1);
		clear_exchange(&p, AF_INET6, 2);
	}
	mh_pair_teardown(&p);
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (getenv("MIHSEC_VERBOSE"))
		mh_verbose = 1;
	if (argc >= 2 && !strcmp(argv[1], "plumbing"))
		return cmd_plumbing();
	if (argc >= 2 && !strcmp(argv[1], "rmmod"))
		return cmd_rmmod(argc >= 3 ? atoi(argv[2]) : 6);
	fprintf(stderr, "usage: %s plumbing | rmmod [SECS]\n", argv[0]);
	return 2;
}

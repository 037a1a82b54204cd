// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the mihsecd event loop (mihsecd/loop.c): timers fire in
 * deadline order, never early and not much late (CLOCK_MONOTONIC, with a
 * tolerance for a loaded machine), cancellation, periodic timers without
 * drift, many timers at once, file descriptors and signals.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "mihsecd/loop.h"

#define MS		MD_NSEC_PER_MSEC
/* how late a timer may fire on a busy, shared, sanitized test machine */
#define LATE_MAX	(250 * MS)

struct rec {
	struct md_loop *loop;
	uint64_t start;
	int n;
	int order[64];
	uint64_t at[64];
	int stop_after;		/* stop the loop after this many fires */
	struct md_timer *victim;	/* cancelled by the "canceller" timer */
	struct md_timer *self_t;
};

struct tmr {
	struct rec *r;
	int id;
	uint64_t delay;
};

static void note(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct tmr *x = arg;
	struct rec *r = x->r;

	(void)t;
	if (r->n < 64) {
		r->order[r->n] = x->id;
		r->at[r->n] = md_now_ns();
	}
	r->n++;
	if (r->n == r->stop_after)
		md_loop_stop(loop, 7);
}

TEST(timers_fire_in_order_and_on_time)
{
	static const uint64_t delays[] = { 50, 10, 30, 20, 40, 5, 45 };
	const int n = sizeof(delays) / sizeof(delays[0]);
	struct md_loop *loop = md_loop_new();
	struct rec r = { .stop_after = n };
	struct tmr x[sizeof(delays) / sizeof(delays[0])];
	int i;

	ASSERT_NE(NULL, loop);
	r.start = md_now_ns();
	for (i = 0; i < n; i++) {
		x[i] = (struct tmr){ &r, i, delays[i] * MS };
		ASSERT_NE(NULL, md_timer_add(loop, x[i].delay, 0, note, &x[i]));
	}
	EXPECT_EQ(n, (int)md_loop_timer_count(loop));
	EXPECT_EQ(7, md_loop_run(loop));
	ASSERT_EQ(n, r.n);
	for (i = 0; i < n; i++) {
		uint64_t due = r.start + x[r.order[i]].delay;

		if (i)
			EXPECT_LT(x[r.order[i - 1]].delay, x[r.order[i]].delay);
		EXPECT_GE(r.at[i], due);
		EXPECT_LT(r.at[i], due + LATE_MAX);
	}
	/* one-shot timers are gone once fired */
	EXPECT_EQ(0, (int)md_loop_timer_count(loop));
	md_loop_free(loop);
}

static void canceller(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct tmr *x = arg;

	note(loop, t, arg);
	md_timer_cancel(loop, x->r->victim);
}

TEST(cancel_before_run_and_from_a_callback)
{
	struct md_loop *loop = md_loop_new();
	struct rec r = { .stop_after = 2 };
	struct tmr a = { &r, 1, 0 }, c = { &r, 2, 0 }, d = { &r, 3, 0 },
		   e = { &r, 4, 0 };
	struct md_timer *ta;
	uint64_t t0;

	ASSERT_NE(NULL, loop);
	ta = md_timer_add(loop, 5 * MS, 0, note, &a);
	ASSERT_NE(NULL, ta);
	ASSERT_NE(NULL, md_timer_add(loop, 10 * MS, 0, canceller, &c));
	r.victim = md_timer_add(loop, 30 * MS, 0, note, &d);
	ASSERT_NE(NULL, r.victim);
	ASSERT_NE(NULL, md_timer_add(loop, 60 * MS, 0, note, &e));
	md_timer_cancel(loop, ta);
	EXPECT_EQ(3, (int)md_loop_timer_count(loop));
	t0 = md_now_ns();
	EXPECT_EQ(7, md_loop_run(loop));
	/* a and d never fired; e ended the run */
	ASSERT_EQ(2, r.n);
	EXPECT_EQ(2, r.order[0]);
	EXPECT_EQ(4, r.order[1]);
	EXPECT_GE(r.at[1], t0 + 60 * MS - 5 * MS);
	EXPECT_EQ(0, (int)md_loop_timer_count(loop));
	md_loop_free(loop);
}

TEST(cancel_earliest_rearms_for_the_next)
{
	struct md_loop *loop = md_loop_new();
	struct rec r = { .stop_after = 1 };
	struct tmr a = { &r, 1, 0 }, b = { &r, 2, 0 };
	struct md_timer *ta;
	uint64_t t0 = md_now_ns();

	ASSERT_NE(NULL, loop);
	ta = md_timer_add(loop, 10 * MS, 0, note, &a);
	ASSERT_NE(NULL, md_timer_add(loop, 40 * MS, 0, note, &b));
	md_timer_cancel(loop, ta);
	EXPECT_EQ(7, md_loop_run(loop));
	ASSERT_EQ(1, r.n);
	EXPECT_EQ(2, r.order[0]);
	EXPECT_GE(r.at[0], t0 + 40 * MS);
	EXPECT_LT(r.at[0], t0 + 40 * MS + LATE_MAX);
	md_loop_free(loop);
}

static void tick(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct tmr *x = arg;
	struct rec *r = x->r;

	note(loop, t, arg);
	if (r->n == 5)
		md_timer_cancel(loop, t);	/* its own callback */
}

TEST(periodic_without_drift_and_self_cancel)
{
	struct md_loop *loop = md_loop_new();
	struct rec r = { .stop_after = 6 };
	struct tmr p = { &r, 1, 0 }, end = { &r, 2, 0 };
	uint64_t t0;
	int k;

	ASSERT_NE(NULL, loop);
	t0 = md_now_ns();
	ASSERT_NE(NULL, md_timer_add(loop, 20 * MS, 20 * MS, tick, &p));
	/* well after the 5th tick (100 ms): the periodic timer is gone */
	ASSERT_NE(NULL, md_timer_add(loop, 200 * MS, 0, note, &end));
	EXPECT_EQ(7, md_loop_run(loop));
	ASSERT_EQ(6, r.n);
	for (k = 0; k < 5; k++) {
		uint64_t due = t0 + (uint64_t)(k + 1) * 20 * MS;

		EXPECT_EQ(1, r.order[k]);
		EXPECT_GE(r.at[k], due);
		EXPECT_LT(r.at[k], due + LATE_MAX);
	}
	EXPECT_EQ(2, r.order[5]);
	EXPECT_EQ(0, (int)md_loop_timer_count(loop));
	md_loop_free(loop);
}

static void stop_now(struct md_loop *loop, struct md_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	md_loop_stop(loop, 0);
}

static void busy(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct tmr *x = arg;

	note(loop, t, arg);
	if (x->r->n == 1)
		usleep(55 * 1000);	/* miss two 20 ms periods */
}

TEST(periodic_skips_missed_periods)
{
	struct md_loop *loop = md_loop_new();
	struct rec r = { .stop_after = -1 };
	struct tmr p = { &r, 1, 0 };
	uint64_t t0;

	ASSERT_NE(NULL, loop);
	t0 = md_now_ns();
	ASSERT_NE(NULL, md_timer_add(loop, 20 * MS, 20 * MS, busy, &p));
	ASSERT_NE(NULL, md_timer_add(loop, 130 * MS, 0, stop_now, NULL));
	EXPECT_EQ(0, md_loop_run(loop));
	/* 20 (then busy until >= 75), 80, 100, 120: no burst for 40 and 60 */
	ASSERT_GE(r.n, 2);
	EXPECT_GE(r.at[1], t0 + 80 * MS);
	EXPECT_LE(r.n, 4);
	EXPECT_EQ(1, (int)md_loop_timer_count(loop));
	md_loop_free(loop);	/* frees the still-armed periodic timer */
}

struct many {
	struct md_loop *loop;
	uint64_t last_lo;
	int fired;
	int bad_order;
	int cancelled_fired;
	int late;
};

struct mt {
	struct many *m;
	uint64_t lo, hi;	/* the deadline is in [lo, hi] */
	bool cancelled;
	struct md_timer *t;
};

static void many_cb(struct md_loop *loop, struct md_timer *t, void *arg)
{
	struct mt *x = arg;
	struct many *m = x->m;
	uint64_t now = md_now_ns();

	(void)t;
	if (x->cancelled)
		m->cancelled_fired++;
	/* an earlier deadline must not fire after a later one */
	if (x->hi < m->last_lo)
		m->bad_order++;
	if (now < x->lo || now > x->hi + LATE_MAX)
		m->late++;
	m->last_lo = x->lo;
	m->fired++;
}

TEST(many_timers)
{
	enum { N = 20000 };
	struct md_loop *loop = md_loop_new();
	struct many m = { .loop = loop };
	struct mt *x = calloc(N, sizeof(*x));
	int i, live = 0;

	ASSERT_NE(NULL, loop);
	ASSERT_NE(NULL, x);
	srandom(4551);
	for (i = 0; i < N; i++) {
		uint64_t d = (uint64_t)(random() % 300) * MS +
			     (uint64_t)(random() % 1000) * 1000;

		x[i].m = &m;
		x[i].lo = md_now_ns() + d;
		x[i].t = md_timer_add(loop, d, 0, many_cb, &x[i]);
		x[i].hi = md_now_ns() + d;
		ASSERT_NE(NULL, x[i].t);
	}
	/* cancel every third one, in an order unrelated to the deadlines */
	for (i = 0; i < N; i += 3) {
		md_timer_cancel(loop, x[i].t);
		x[i].cancelled = true;
	}
	for (i = 0; i < N; i++)
		live += !x[i].cancelled;
	EXPECT_EQ(live, (int)md_loop_timer_count(loop));
	ASSERT_NE(NULL, md_timer_add(loop, 400 * MS, 0, stop_now, NULL));
	EXPECT_EQ(0, md_loop_run(loop));
	EXPECT_EQ(live, m.fired);
	EXPECT_EQ(0, m.bad_order);
	EXPECT_EQ(0, m.cancelled_fired);
	EXPECT_EQ(0, m.late);
	EXPECT_EQ(0, (int)md_loop_timer_count(loop));
	free(x);
	md_loop_free(loop);
}

struct fdrec {
	int calls;
	int bad_events;
	int other;		/* fd to delete */
	int fds[2][2];
};

static void on_read(struct md_loop *loop, int fd, uint32_t ev, void *arg)
{
	struct fdrec *f = arg;
	char c;

	if (!(ev & EPOLLIN))
		f->bad_events++;
	if (read(fd, &c, 1) != 1)
		return;
	f->calls++;
	/* delete the other pipe, whose event may be in this very batch */
	md_loop_del_fd(loop, fd == f->fds[0][0] ? f->fds[1][0] : f->fds[0][0]);
	md_loop_del_fd(loop, fd);
	md_timer_add(loop, 20 * MS, 0, stop_now, NULL);
}

TEST(fds_and_deletion_inside_a_batch)
{
	struct md_loop *loop = md_loop_new();
	struct fdrec f = { 0 };

	ASSERT_NE(NULL, loop);
	ASSERT_EQ(0, pipe(f.fds[0]));
	ASSERT_EQ(0, pipe(f.fds[1]));
	ASSERT_EQ(0, md_loop_add_fd(loop, f.fds[0][0], EPOLLIN, on_read, &f));
	ASSERT_EQ(0, md_loop_add_fd(loop, f.fds[1][0], EPOLLIN, on_read, &f));
	EXPECT_EQ(-EEXIST, md_loop_add_fd(loop, f.fds[1][0], EPOLLIN, on_read,
					  &f));
	EXPECT_EQ(-ENOENT, md_loop_mod_fd(loop, f.fds[0][1], EPOLLIN));
	ASSERT_EQ(1, write(f.fds[0][1], "a", 1));
	ASSERT_EQ(1, write(f.fds[1][1], "b", 1));
	EXPECT_EQ(0, md_loop_run(loop));
	/* both were readable, only one callback ran */
	EXPECT_EQ(1, f.calls);
	EXPECT_EQ(0, f.bad_events);
	EXPECT_EQ(-ENOENT, md_loop_del_fd(loop, f.fds[0][0]));
	md_loop_free(loop);
	close(f.fds[0][0]);
	close(f.fds[0][1]);
	close(f.fds[1][0]);
	close(f.fds[1][1]);
}

static void on_sig(struct md_loop *loop, int signo, void *arg)
{
	int *got = arg;

	*got = signo;
	md_loop_stop(loop, 3);
}

TEST(signals_through_signalfd)
{
	struct md_loop *loop = md_loop_new();
	sigset_t cur;
	int got = 0;

	ASSERT_NE(NULL, loop);
	ASSERT_EQ(0, md_loop_add_signal(loop, SIGUSR1, on_sig, &got));
	EXPECT_EQ(-EINVAL, md_loop_add_signal(loop, 0, on_sig, &got));
	sigprocmask(SIG_BLOCK, NULL, &cur);
	EXPECT_TRUE(sigismember(&cur, SIGUSR1));
	/* blocked, so it waits for the loop instead of killing us */
	ASSERT_EQ(0, kill(getpid(), SIGUSR1));
	EXPECT_EQ(3, md_loop_run(loop));
	EXPECT_EQ(SIGUSR1, got);
	md_loop_free(loop);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	EXPECT_FALSE(sigismember(&cur, SIGUSR1));
}

TEST(now_is_monotonic_ns)
{
	uint64_t a = md_now_ns(), b;

	usleep(10 * 1000);
	b = md_now_ns();
	EXPECT_GE(b - a, 10 * MS);
	EXPECT_LT(b - a, 10 * MS + LATE_MAX);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecd event loop (see loop.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "mihsecd/loop.h"

struct md_fd {
	int fd;
	bool dead;
	md_fd_cb cb;
	void *arg;
	struct md_fd *next;
};

struct md_timer {
	uint64_t deadline;
	uint64_t period;
	uint64_t seq;		/* FIFO order among equal deadlines */
	size_t idx;		/* position in the heap while pending */
	bool firing, cancelled;
	md_timer_cb cb;
	void *arg;
};

struct md_sig {
	md_signal_cb cb;
	void *arg;
};

struct md_loop {
	int epfd;
	int tfd;
	int sfd;
	struct md_fd *fds;	/* registered, including dead ones */
	int dispatching;	/* dead entries are freed when 0 */
	struct md_timer **heap;
	size_t nheap, heap_cap;
	uint64_t seq;
	uint64_t armed;		/* deadline the timerfd is armed for, 0 none */
	sigset_t sigs;		/* signals we took over */
	sigset_t oldmask;
	struct md_sig sig[_NSIG];
	bool stopped;
	int code;
};

#define MD_NO_IDX	((size_t)-1)

uint64_t md_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * MD_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* ---- Timer heap ---------------------------------------------------------- */

static bool before(const struct md_timer *a, const struct md_timer *b)
{
	return a->deadline < b->deadline ||
	       (a->deadline == b->deadline && a->seq < b->seq);
}

static void heap_set(struct md_loop *l, size_t i, struct md_timer *t)
{
	l->heap[i] = t;
	t->idx = i;
}

static void sift_up(struct md_loop *l, size_t i)
{
	struct md_timer *t = l->heap[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!before(t, l->heap[p]))
			break;
		heap_set(l, i, l->heap[p]);
		i = p;
	}
	heap_set(l, i, t);
}

static void sift_down(struct md_loop *l, size_t i)
{
	struct md_timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->nheap)
			break;
		if (c + 1 < l->nheap && before(l->heap[c + 1], l->heap[c]))
			c++;
		if (!before(l->heap[c], t))
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

static int heap_push(struct md_loop *l, struct md_timer *t)
{
	if (l->nheap == l->heap_cap) {
		size_t cap = l->heap_cap ? 2 * l->heap_cap : 16;
		struct md_timer **h = realloc(l->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		l->heap = h;
		l->heap_cap = cap;
	}
	heap_set(l, l->nheap++, t);
	sift_up(l, t->idx);
	return 0;
}

static void heap_remove(struct md_loop *l, struct md_timer *t)
{
	size_t i = t->idx;
	struct md_timer *last = l->heap[--l->nheap];

	t->idx = MD_NO_IDX;
	if (last == t)
		return;
	heap_set(l, i, last);
	if (i > 0 && before(last, l->heap[(i - 1) / 2]))
		sift_up(l, i);
	else
		sift_down(l, i);
}

/* Arm the timerfd for the earliest deadline (or disarm it) */
static void rearm(struct md_loop *l)
{
	uint64_t want = l->nheap ? l->heap[0]->deadline : 0;
	struct itimerspec its;

	if (want == l->armed)
		return;
	memset(&its, 0, sizeof(its));
	if (want) {
		its.it_value.tv_sec = (time_t)(want / MD_NSEC_PER_SEC);
		its.it_value.tv_nsec = (long)(want % MD_NSEC_PER_SEC);
	}
	/* cannot fail with a valid fd and value */
	timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL);
	l->armed = want;
}

struct md_timer *md_timer_add(struct md_loop *loop, uint64_t delay_ns,
			      uint64_t period_ns, md_timer_cb cb, void *arg)
{
	struct md_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->deadline = md_now_ns() + delay_ns;
	t->period = period_ns;
	t->seq = loop->seq++;
	t->cb = cb;
	t->arg = arg;
	if (heap_push(loop, t)) {
		free(t);
		return NULL;
	}
	rearm(loop);
	return t;
}

void md_timer_cancel(struct md_loop *loop, struct md_timer *t)
{
	if (!t)
		return;
	if (t->firing) {
		t->cancelled = true;
		return;
	}
	heap_remove(loop, t);
	free(t);
	rearm(loop);
}

size_t md_loop_timer_count(const struct md_loop *loop)
{
	return loop->nheap;
}

static void fire_timers(struct md_loop *l, int fd, uint32_t events,
			void *arg)
{
	uint64_t now = md_now_ns(), later, exp;

	(void)fd;
	(void)events;
	(void)arg;
	if (read(l->tfd, &exp, sizeof(exp)) < 0) {
		/* EAGAIN: re-armed meanwhile; the deadlines decide anyway */
	}
	l->armed = 0;
	while (l->nheap && l->heap[0]->deadline <= now && !l->stopped) {
		struct md_timer *t = l->heap[0];

		heap_remove(l, t);
		t->firing = true;
		t->cb(l, t, t->arg);
		t->firing = false;
		if (t->cancelled || !t->period) {
			free(t);
			continue;
		}
		/* the next period still ahead (the callback may have taken
		 * a while): missed ones are skipped */
		later = md_now_ns();
		t->deadline += t->period;
		if (t->deadline <= later)
			t->deadline += ((later - t->deadline) / t->period + 1) *
				       t->period;
		t->seq = l->seq++;
		if (heap_push(l, t))
			free(t);	/* cannot happen: the slot was just freed */
	}
	rearm(l);
}

/* ---- File descriptors ---------------------------------------------------- */

static struct md_fd *find_fd(struct md_loop *l, int fd)
{
	struct md_fd *f;

	for (f = l->fds; f; f = f->next)
		if (f->fd == fd && !f->dead)
			return f;
	return NULL;
}

int md_loop_add_fd(struct md_loop *loop, int fd, uint32_t events,
		   md_fd_cb cb, void *arg)
{
	struct epoll_event ev = { .events = events };
	struct md_fd *f;

	if (find_fd(loop, fd))
		return -EEXIST;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->fd = fd;
	f->cb = cb;
	f->arg = arg;
	ev.data.ptr = f;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		int e = -errno;

		free(f);
		return e;
	}
	f->next = loop->fds;
	loop->fds = f;
	return 0;
}

int md_loop_mod_fd(struct md_loop *loop, int fd, uint32_t events)
{
	struct md_fd *f = find_fd(loop, fd);
	struct epoll_event ev = { .events = events };

	if (!f)
		return -ENOENT;
	ev.data.ptr = f;
	return epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) ? -errno : 0;
}

static void reap_fds(struct md_loop *l)
{
	struct md_fd **pp = &l->fds;

	while (*pp) {
		struct md_fd *f = *pp;

		if (f->dead) {
			*pp = f->next;
			free(f);
		} else {
			pp = &f->next;
		}
	}
}

int md_loop_del_fd(struct md_loop *loop, int fd)
{
	struct md_fd *f = find_fd(loop, fd);

	if (!f)
		return -ENOENT;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	/* events of this batch may still point at it: free it afterwards */
	f->dead = true;
	if (!loop->dispatching)
		reap_fds(loop);
	return 0;
}

/* ---- Signals ------------------------------------------------------------- */

static void read_signals(struct md_loop *l, int fd, uint32_t events,
			 void *arg)
{
	struct signalfd_siginfo si;

	(void)events;
	(void)arg;
	while (!l->stopped && read(fd, &si, sizeof(si)) == sizeof(si)) {
		int s = (int)si.ssi_signo;

		if (s > 0 && s < _NSIG && l->sig[s].cb)
			l->sig[s].cb(l, s, l->sig[s].arg);
	}
}

int md_loop_add_signal(struct md_loop *loop, int signo, md_signal_cb cb,
		       void *arg)
{
	sigset_t one;
	int fd;

	if (signo <= 0 || signo >= _NSIG)
		return -EINVAL;
	sigaddset(&loop->sigs, signo);
	fd = signalfd(loop->sfd, &loop->sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0) {
		int e = -errno;

		sigdelset(&loop->sigs, signo);
		return e;
	}
	if (loop->sfd < 0) {
		int e = md_loop_add_fd(loop, fd, EPOLLIN, read_signals, NULL);

		if (e) {
			close(fd);
			sigdelset(&loop->sigs, signo);
			return e;
		}
		loop->sfd = fd;
	}
	sigemptyset(&one);
	sigaddset(&one, signo);
	sigprocmask(SIG_BLOCK, &one, NULL);
	loop->sig[signo].cb = cb;
	loop->sig[signo].arg = arg;
	return 0;
}

/* ---- The loop ------------------------------------------------------------ */

struct md_loop *md_loop_new(void)
{
	struct md_loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->sfd = -1;
	l->tfd = -1;
	sigemptyset(&l->sigs);
	sigprocmask(SIG_BLOCK, NULL, &l->oldmask);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		goto fail;
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->tfd < 0)
		goto fail;
	if (md_loop_add_fd(l, l->tfd, EPOLLIN, fire_timers, NULL))
		goto fail;
	return l;
fail:
	md_loop_free(l);
	return NULL;
}

void md_loop_free(struct md_loop *loop)
{
	size_t i;

	if (!loop)
		return;
	for (i = 0; i < loop->nheap; i++)
		free(loop->heap[i]);
	free(loop->heap);
	while (loop->fds) {
		struct md_fd *f = loop->fds;

		loop->fds = f->next;
		free(f);
	}
	if (loop->sfd >= 0) {
		close(loop->sfd);
		sigprocmask(SIG_SETMASK, &loop->oldmask, NULL);
	}
	if (loop->tfd >= 0)
		close(loop->tfd);
	if (loop->epfd >= 0)
		close(loop->epfd);
	free(loop);
}

void md_loop_stop(struct md_loop *loop, int code)
{
	loop->stopped = true;
	loop->code = code;
}

int md_loop_run(struct md_loop *loop)
{
	struct epoll_event evs[16];

	loop->stopped = false;
	while (!loop->stopped) {
		int n = epoll_wait(loop->epfd, evs, 16, -1), i;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		loop->dispatching++;
		for (i = 0; i < n && !loop->stopped; i++) {
			struct md_fd *f = evs[i].data.ptr;

			if (f->dead)
				continue;
			f->cb(loop, f->fd, evs[i].events, f->arg);
		}
		loop->dispatching--;
		reap_fds(loop);
	}
	return loop->code;
}

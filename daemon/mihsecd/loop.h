/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mihsecd's one event loop: epoll over file descriptors, timers on one
 * CLOCK_MONOTONIC timerfd (a min-heap of deadlines, so any number of
 * one-shot and periodic timers), and signals through a signalfd.
 * Single-threaded; every callback runs from md_loop_run().
 *
 * Conventions: functions returning int return 0 on success and a negative
 * errno value on failure.
 */
#ifndef MIHSECD_LOOP_H
#define MIHSECD_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct md_loop;
struct md_timer;

#define MD_NSEC_PER_MSEC	1000000ULL
#define MD_NSEC_PER_SEC		1000000000ULL

/* CLOCK_MONOTONIC in nanoseconds */
uint64_t md_now_ns(void);

struct md_loop *md_loop_new(void);
/* Frees every timer still pending; does not close registered fds */
void md_loop_free(struct md_loop *loop);

/*
 * Run until md_loop_stop(); returns the code passed to it, or a negative
 * errno if waiting failed.
 */
int md_loop_run(struct md_loop *loop);
/* Make md_loop_run() return @code once the current callback returns */
void md_loop_stop(struct md_loop *loop, int code);

/*
 * File descriptors.  @events are EPOLLIN/EPOLLOUT/...; @cb gets the
 * events epoll reported.  A descriptor may be deleted (or the loop
 * stopped) from any callback, its own included.
 */
typedef void (*md_fd_cb)(struct md_loop *loop, int fd, uint32_t events,
			 void *arg);
int md_loop_add_fd(struct md_loop *loop, int fd, uint32_t events,
		   md_fd_cb cb, void *arg);
int md_loop_mod_fd(struct md_loop *loop, int fd, uint32_t events);
int md_loop_del_fd(struct md_loop *loop, int fd);

/*
 * Timers.  md_timer_add() arms a timer that first fires @delay_ns from
 * now, then, if @period_ns is not 0, every @period_ns after that first
 * deadline (deadlines do not drift; periods missed while the loop was
 * busy are skipped, not fired in a burst).  Timers with the same deadline
 * fire in the order they were added.  Returns NULL if out of memory.
 *
 * A one-shot timer is freed after its callback returns: the handle is
 * then invalid.  md_timer_cancel() stops and frees a pending timer; it
 * may be called from any callback, including the timer's own.
 */
typedef void (*md_timer_cb)(struct md_loop *loop, struct md_timer *t,
			    void *arg);
struct md_timer *md_timer_add(struct md_loop *loop, uint64_t delay_ns,
			      uint64_t period_ns, md_timer_cb cb, void *arg);
void md_timer_cancel(struct md_loop *loop, struct md_timer *t);
/* Number of timers pending (for tests and debug logging) */
size_t md_loop_timer_count(const struct md_loop *loop);

/*
 * Signals: block @signo (sigprocmask) and deliver it through the loop's
 * signalfd to @cb instead.  Call again to replace the callback.
 */
typedef void (*md_signal_cb)(struct md_loop *loop, int signo, void *arg);
int md_loop_add_signal(struct md_loop *loop, int signo, md_signal_cb cb,
		       void *arg);

#endif /* MIHSECD_LOOP_H */

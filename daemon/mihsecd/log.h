/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mihsecd logging: levels error, warning, notice, info, debug (the syslog
 * priorities of the same names).  In the foreground (-f) lines go to
 * stderr as "mihsecd: LEVEL: message"; otherwise to syslog (facility
 * daemon).  Nothing that is or derives from a key may ever be logged: log
 * key IDs, never keys, salts or MSKs.
 */
#ifndef MIHSECD_LOG_H
#define MIHSECD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>

enum md_log_level {
	MD_LOG_ERR = LOG_ERR,
	MD_LOG_WARNING = LOG_WARNING,
	MD_LOG_NOTICE = LOG_NOTICE,
	MD_LOG_INFO = LOG_INFO,
	MD_LOG_DEBUG = LOG_DEBUG,
};

#define MD_LOG_DEFAULT	MD_LOG_INFO

/*
 * Where log lines go: @stream (e.g. stderr) if not NULL, else syslog
 * (opened with identity "mihsecd").  May be called again to switch.
 */
void md_log_open(FILE *stream);
void md_log_close(void);

/* Lines above @level are dropped */
void md_log_set_level(enum md_log_level level);
enum md_log_level md_log_get_level(void);

/* "error" ... "debug" <-> level; -1 for an unknown name */
int md_log_level_parse(const char *name);
const char *md_log_level_name(enum md_log_level level);

void md_log(enum md_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void md_vlog(enum md_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define md_err(...)	md_log(MD_LOG_ERR, __VA_ARGS__)
#define md_warn(...)	md_log(MD_LOG_WARNING, __VA_ARGS__)
#define md_notice(...)	md_log(MD_LOG_NOTICE, __VA_ARGS__)
#define md_info(...)	md_log(MD_LOG_INFO, __VA_ARGS__)
#define md_debug(...)	md_log(MD_LOG_DEBUG, __VA_ARGS__)

#endif /* MIHSECD_LOG_H */

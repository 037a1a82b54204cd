// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecd logging (see log.h).
 */
#include <string.h>

#include "mihsecd/log.h"

static FILE *log_stream;
static bool log_syslog_open;
static enum md_log_level log_level = MD_LOG_DEFAULT;

static const char *const level_names[] = {
	[MD_LOG_ERR] = "error",
	[MD_LOG_WARNING] = "warning",
	[MD_LOG_NOTICE] = "notice",
	[MD_LOG_INFO] = "info",
	[MD_LOG_DEBUG] = "debug",
};

void md_log_open(FILE *stream)
{
	md_log_close();
	log_stream = stream;
	if (!stream) {
		openlog("mihsecd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_syslog_open = true;
	}
}

void md_log_close(void)
{
	if (log_syslog_open)
		closelog();
	log_syslog_open = false;
	log_stream = NULL;
}

void md_log_set_level(enum md_log_level level)
{
	log_level = level;
}

enum md_log_level md_log_get_level(void)
{
	return log_level;
}

int md_log_level_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (level_names[i] && !strcmp(name, level_names[i]))
			return (int)i;
	return -1;
}

const char *md_log_level_name(enum md_log_level level)
{
	if ((size_t)level < sizeof(level_names) / sizeof(level_names[0]) &&
	    level_names[level])
		return level_names[level];
	return "?";
}

void md_vlog(enum md_log_level level, const char *fmt, va_list ap)
{
	if (level > log_level)
		return;
	if (log_stream) {
		fprintf(log_stream, "mihsecd: %s: ", md_log_level_name(level));
		vfprintf(log_stream, fmt, ap);
		fputc('\n', log_stream);
		fflush(log_stream);
	} else {
		vsyslog((int)level, fmt, ap);
	}
}

void md_log(enum md_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	md_vlog(level, fmt, ap);
	va_end(ap);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mihsecctl output: human-readable text and JSON (json-c).
 */
#ifndef MIHSEC_CTL_OUTPUT_H
#define MIHSEC_CTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "lib/nl.h"

/* Room ctl_escape_id() needs for an ID of @len octets */
#define CTL_ID_ESC_LEN(len)	(4 * (len) + 1)

/*
 * Write the MIHF ID @id as text: printable ASCII as is, other octets and
 * the backslash as \xNN.  For @human output the space and the double
 * quote are escaped too, so an ID is one shell-word-like token.
 */
void ctl_escape_id(const uint8_t *id, size_t len, bool human, char *out);

/* Counter names: "drop auth-fail" (text) and "drop_auth_fail" (JSON) */
const char *ctl_stat_name(int stat);
const char *ctl_stat_json_name(int stat);
const char *ctl_sa_stat_name(int stat);
const char *ctl_sa_stat_json_name(int stat);

void ctl_print_sa(FILE *f, const struct mihsec_sa_info *sa, bool stats);
void ctl_print_policy(FILE *f, const struct mihsec_policy_info *pi);
void ctl_print_stats(FILE *f, const uint64_t stats[MIHSEC_STAT_MAX + 1]);

/* New JSON objects (the caller puts them) */
struct json_object *ctl_json_sa(const struct mihsec_sa_info *sa, bool stats);
struct json_object *ctl_json_policy(const struct mihsec_policy_info *pi);
struct json_object *ctl_json_stats(const uint64_t stats[MIHSEC_STAT_MAX + 1]);

/* Event names as in the uapi comments ("auth-fail"), or NULL */
const char *ctl_event_name(uint8_t type);

/*
 * One monitor line for @ev received at @when (seconds since the epoch)
 * and @usec, and its JSON object; the time is printed as local time,
 * "2026-11-24T18:20:01.123456", in both.
 */
void ctl_print_event(FILE *f, const struct mihsec_event_info *ev,
		     long long when, long usec);
struct json_object *ctl_json_event(const struct mihsec_event_info *ev,
				   long long when, long usec);

/*
 * mihsecctl peers: the "peers" array of mihsecd's reply (mihsecd/ctrl.h)
 * as a table, a header and one line per peer; nothing for no peers.
 * "since" is printed as local time (2026-11-24T18:20:01), "-" if 0; a
 * field missing from an entry as "-".
 */
void ctl_print_peers(FILE *f, struct json_object *peers);

/*
 * The answer of mih send, is query, is import, handover, mihf status
 * (mihsecd/mihfd.h, "ok" removed) as text.  Returns CTL_EXIT_OK.
 */
int ctl_print_mih_reply(FILE *f, int op, struct json_object *reply);

/* Print @obj on one line, then a newline; returns 0 or -1 (out of memory) */
int ctl_json_print(FILE *f, struct json_object *obj);

#endif /* MIHSEC_CTL_OUTPUT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: mihsecctl output (ctl/output.c) and the whole program
 * (ctl_main() in ctl/cmd.c) against the scripted fake kernel: output
 * formats, exit codes, error messages, dump retries, keys from stdin.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "kselftest_harness.h"

#include "ctl/cmd.h"
#include "ctl/output.h"
#include "test_ctl_fake.h"

/* ---- Output formatting --------------------------------------------------- */

static char *capture(void (*fn)(FILE *f, const void *arg), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, arg);
	fclose(f);
	return buf;
}

TEST(escape_id)
{
	static const uint8_t id[] = { 'a', ' ', '"', '\\', 0x00, 0x7f, 0xff,
				      '~', '!' };
	char out[CTL_ID_ESC_LEN(sizeof(id))];

	ctl_escape_id(id, sizeof(id), true, out);
	EXPECT_STREQ("a\\x20\\x22\\x5c\\x00\\x7f\\xff~!", out);
	ctl_escape_id(id, sizeof(id), false, out);
	EXPECT_STREQ("a \"\\x5c\\x00\\x7f\\xff~!", out);
	ctl_escape_id((const uint8_t *)"pos-1.example", 13, true, out);
	EXPECT_STREQ("pos-1.example", out);
}

TEST(escape_id_worst_case_fits)
{
	uint8_t id[MIHSEC_MIHF_ID_MAX];
	char out[CTL_ID_ESC_LEN(MIHSEC_MIHF_ID_MAX)];

	memset(id, 0x01, sizeof(id));
	ctl_escape_id(id, sizeof(id), true, out);
	EXPECT_EQ(4 * MIHSEC_MIHF_ID_MAX, (int)strlen(out));
}

static void print_sa_plain(FILE *f, const void *arg)
{
	ctl_print_sa(f, arg, false);
}

static void print_sa_stats(FILE *f, const void *arg)
{
	ctl_print_sa(f, arg, true);
}

TEST(sa_text)
{
	struct mihsec_sa_info sa;
	char *s;

	fake_sa_info(&sa, 2);
	s = capture(print_sa_plain, &sa);
	EXPECT_STREQ("sa 102 local local-2 peer peer-2\n"
		     "\trole mmt suite aes128-gcm encrypt on replay-window 1024\n"
		     "\ttx-keyid 2021222324252627 rx-keyid a0a1a2a3a4a5a6a7\n"
		     "\ttx-seq 2000001 rx-seq 2000002 age 120s\n", s);
	free(s);

	fake_sa_info(&sa, 1);
	sa.suite = 9;
	sa.role = 7;
	sa.flags = 0x10;
	sa.peer_id[0] = ' ';
	s = capture(print_sa_stats, &sa);
	EXPECT_STREQ("sa 101 local local-1 peer \\x20eer-1\n"
		     "\trole 7 suite 9 encrypt off flags 0x10 replay-window 1024\n"
		     "\ttx-keyid 1011121314151617 rx-keyid 9091929394959697\n"
		     "\ttx-seq 1000001 rx-seq 1000002 age 60s\n"
		     "\tstats: tx-packets 4294967297 tx-octets 4294967298"
		     " rx-packets 4294967299 rx-octets 4294967300"
		     " rx-auth-fail 4294967301 rx-replay 4294967302"
		     " rx-other 4294967303 tx-encrypted 4294967304"
		     " rx-decrypted 4294967305 rx-denied 4294967306"
		     " rx-identity-mismatch 4294967307\n", s);
	free(s);
}

TEST(sa_text_optional)
{
	struct mihsec_sa_info sa;
	char *s;

	fake_sa_info(&sa, 2);
	fake_sa_life(&sa);
	sa.allow.mids[2] = 0x2c04;	/* no such message: printed as MID */
	s = capture(print_sa_plain, &sa);
	EXPECT_STREQ("sa 102 local local-2 peer peer-2\n"
		     "\trole mmt suite aes128-gcm encrypt on replay-window 1024\n"
		     "\ttx-keyid 2021222324252627 rx-keyid a0a1a2a3a4a5a6a7\n"
		     "\ttx-seq 2000001 rx-seq 2000002 age 120s\n"
		     "\tallow MIH_Get_Information.request,"
		     "MIH_Get_Information.response,0x2c04\n"
		     "\tlifetime soft-secs 3000 hard-secs 3600"
		     " soft-msgs 1099511627776 hard-msgs 1099511627781"
		     " grace 30\n", s);
	free(s);

	/* allow none; only some lifetimes reported */
	sa.allow.n = 0;
	sa.life.has_soft_secs = sa.life.has_soft_msgs = false;
	sa.life.has_hard_msgs = false;
	s = capture(print_sa_plain, &sa);
	EXPECT_NE(NULL, strstr(s, "\tallow none\n"
				  "\tlifetime hard-secs 3600 grace 30\n"));
	free(s);
}

static void print_stats(FILE *f, const void *arg)
{
	ctl_print_stats(f, arg);
}

TEST(stats_text_every_counter)
{
	static const char *const names[] = {
		"tx protected", "tx clear", "rx verified", "rx clear",
		"drop malformed", "drop no-sa", "drop unknown-key",
		"drop suite-mismatch", "drop encryption-required",
		"drop direction-mismatch", "drop replay", "drop auth-fail",
		"drop identity-mismatch", "drop denied", "drop unprotected",
		"drop seq-exhausted", "drop error", "drop expired",
		"events sent", "events suppressed",
	};
	uint64_t st[MIHSEC_STAT_MAX + 1] = { 0 };
	char *s, *line, *save = NULL;
	int n = 0;

	ASSERT_EQ(MIHSEC_STAT_MAX, (int)(sizeof(names) / sizeof(names[0])));
	st[MIHSEC_STAT_DROP_AUTH_FAIL] = 18446744073709551615ULL;
	s = capture(print_stats, st);
	for (line = strtok_r(s, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		char want[80];

		ASSERT_LT(n, MIHSEC_STAT_MAX);
		snprintf(want, sizeof(want), "%-26s %s", names[n],
			 n + 1 == MIHSEC_STAT_DROP_AUTH_FAIL ?
			 "18446744073709551615" : "0");
		EXPECT_STREQ(want, line);
	}
	EXPECT_EQ(MIHSEC_STAT_MAX, n);	/* zeros included */
	free(s);
}

static void print_policy(FILE *f, const void *arg)
{
	ctl_print_policy(f, arg);
}

TEST(policy_text)
{
	struct mihsec_policy_info pi = {
		.policy = MIHSEC_POLICY_REQUIRE, .port = 4551, .sa_count = 2
	};
	char *s = capture(print_policy, &pi);

	EXPECT_STREQ("policy require\nport 4551\nsa-count 2\n", s);
	free(s);
	pi.policy = 9;
	s = capture(print_policy, &pi);
	EXPECT_STREQ("policy 9\nport 4551\nsa-count 2\n", s);
	free(s);
}

TEST(policy_text_optional)
{
	struct mihsec_policy_info pi;
	char *s;

	fake_policy_defaults(&pi);
	s = capture(print_policy, &pi);
	EXPECT_STREQ("policy optional\nport 4551\nsa-count 2\n"
		     "exempt MIH_Capability_Discover.request,"
		     "MIH_Capability_Discover.response\n"
		     "exempt-uir MIH_Get_Information.request\n"
		     "event-rate 100\nevent-burst 100\n", s);
	free(s);
	pi.exempt.n = 0;
	pi.has_exempt_uir = false;
	pi.has_event_burst = false;
	s = capture(print_policy, &pi);
	EXPECT_STREQ("policy optional\nport 4551\nsa-count 2\n"
		     "exempt none\nevent-rate 100\n", s);
	free(s);
}

struct ev_at {
	const struct mihsec_event_info *ev;
	long long when;
	long usec;
};

static void print_event(FILE *f, const void *arg)
{
	const struct ev_at *e = arg;

	ctl_print_event(f, e->ev, e->when, e->usec);
}

TEST(event_names)
{
	static const char *const names[] = {
		"no-sa", "unknown-key", "auth-fail", "replay", "denied",
		"sa-soft-expired", "sa-expired", "seq-exhausted",
	};

	ASSERT_EQ(MIHSEC_EV_MAX, (int)(sizeof(names) / sizeof(names[0])));
	for (int i = 1; i <= MIHSEC_EV_MAX; i++)
		EXPECT_STREQ(names[i - 1], ctl_event_name((uint8_t)i));
	EXPECT_EQ(NULL, ctl_event_name(0));
	EXPECT_EQ(NULL, ctl_event_name(MIHSEC_EV_MAX + 1));
}

TEST(event_text)
{
	struct mihsec_event_info ev;
	struct ev_at at = { &ev, 1795550401LL, 7 };	/* 2026-11-24 */
	char *s;

	setenv("TZ", "UTC", 1);
	tzset();
	fake_event_info(&ev, MIHSEC_EV_AUTH_FAIL);
	s = capture(print_event, &at);
	EXPECT_STREQ("2026-11-24T20:00:01.000007 auth-fail addr 192.0.2.1"
		     " peer peer-3 local local-3 keyid 3031323334353637"
		     " sa 103 msg MIH_Get_Information.request\n", s);
	free(s);

	fake_event_info(&ev, 6);		/* IPv6 */
	ev.type = MIHSEC_EV_DENIED;
	ev.peer_id[0] = ' ';
	ev.mid = 0x2c02;
	s = capture(print_event, &at);
	EXPECT_STREQ("2026-11-24T20:00:01.000007 denied addr 2001:db8::7"
		     " peer \\x20eer-6 local local-6 keyid 6061626364656667"
		     " sa 106 msg MIH_Link_Up.indication\n", s);
	free(s);

	/* only the type, and one this program does not know */
	memset(&ev, 0, sizeof(ev));
	ev.type = MIHSEC_EV_NO_SA;
	s = capture(print_event, &at);
	EXPECT_STREQ("2026-11-24T20:00:01.000007 no-sa\n", s);
	free(s);
	ev.type = 200;
	ev.has_mid = true;
	ev.mid = 0x4001;
	s = capture(print_event, &at);
	EXPECT_STREQ("2026-11-24T20:00:01.000007 200 msg 0x4001\n", s);
	free(s);
}

static struct json_object *reparse(struct json_object *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_object *r;

	ctl_json_print(f, o);
	fclose(f);
	json_object_put(o);
	/* one line, newline-terminated */
	if (!len || buf[len - 1] != '\n' || strchr(buf, '\n') != buf + len - 1) {
		free(buf);
		return NULL;
	}
	r = json_tokener_parse(buf);
	free(buf);
	return r;
}

static struct json_object *get(struct json_object *o, const char *k,
			       json_type t)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

static const char *jstr_at(struct json_object *arr, size_t i)
{
	struct json_object *v = json_object_array_get_idx(arr, i);

	return v && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}

TEST(sa_json_optional)
{
	struct mihsec_sa_info sa;
	struct json_object *o, *a;

	fake_sa_info(&sa, 2);
	o = reparse(ctl_json_sa(&sa, false));
	ASSERT_NE(NULL, o);
	EXPECT_EQ(NULL, get(o, "allow", json_type_array));
	EXPECT_EQ(NULL, get(o, "soft_secs", json_type_int));
	EXPECT_EQ(NULL, get(o, "grace", json_type_int));
	json_object_put(o);

	fake_sa_life(&sa);
	o = reparse(ctl_json_sa(&sa, false));
	ASSERT_NE(NULL, o);
	a = get(o, "allow", json_type_array);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(3, (int)json_object_array_length(a));
	EXPECT_STREQ("MIH_Get_Information.request", jstr_at(a, 0));
	EXPECT_STREQ("MIH_Get_Information.response", jstr_at(a, 1));
	EXPECT_STREQ("MIH_Link_Up.indication", jstr_at(a, 2));
	EXPECT_EQ(3000, json_object_get_int(get(o, "soft_secs", json_type_int)));
	EXPECT_EQ(3600, json_object_get_int(get(o, "hard_secs", json_type_int)));
	EXPECT_EQ(1ULL << 40, json_object_get_uint64(get(o, "soft_msgs",
							 json_type_int)));
	EXPECT_EQ((1ULL << 40) + 5, json_object_get_uint64(
			  get(o, "hard_msgs", json_type_int)));
	EXPECT_EQ(30, json_object_get_int(get(o, "grace", json_type_int)));
	json_object_put(o);

	sa.allow.n = 0;
	o = reparse(ctl_json_sa(&sa, false));
	ASSERT_NE(NULL, o);
	a = get(o, "allow", json_type_array);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(0, (int)json_object_array_length(a));
	json_object_put(o);
}

TEST(policy_json_optional)
{
	struct mihsec_policy_info pi;
	struct json_object *o, *a;

	fake_policy_defaults(&pi);
	o = reparse(ctl_json_policy(&pi));
	ASSERT_NE(NULL, o);
	a = get(o, "exempt", json_type_array);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(2, (int)json_object_array_length(a));
	EXPECT_STREQ("MIH_Capability_Discover.request", jstr_at(a, 0));
	EXPECT_STREQ("MIH_Capability_Discover.response", jstr_at(a, 1));
	a = get(o, "exempt_uir", json_type_array);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(1, (int)json_object_array_length(a));
	EXPECT_STREQ("MIH_Get_Information.request", jstr_at(a, 0));
	EXPECT_EQ(100, json_object_get_int(get(o, "event_rate",
					       json_type_int)));
	EXPECT_EQ(100, json_object_get_int(get(o, "event_burst",
					       json_type_int)));
	json_object_put(o);
}

TEST(event_json)
{
	struct mihsec_event_info ev;
	struct json_object *o;

	setenv("TZ", "UTC", 1);
	tzset();
	fake_event_info(&ev, MIHSEC_EV_REPLAY);
	ev.local_id[1] = 0x01;
	o = reparse(ctl_json_event(&ev, 1795550401LL, 123456));
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("2026-11-24T20:00:01.123456",
		     json_object_get_string(get(o, "time", json_type_string)));
	EXPECT_STREQ("replay", json_object_get_string(
			     get(o, "event", json_type_string)));
	EXPECT_EQ(MIHSEC_EV_REPLAY, json_object_get_int(get(o, "type",
							    json_type_int)));
	EXPECT_STREQ("2001:db8::7", json_object_get_string(
			     get(o, "addr", json_type_string)));
	EXPECT_STREQ("peer-4", json_object_get_string(
			     get(o, "peer", json_type_string)));
	EXPECT_STREQ("l\\x01cal-4", json_object_get_string(
			     get(o, "local", json_type_string)));
	EXPECT_STREQ("4041424344454647", json_object_get_string(
			     get(o, "keyid", json_type_string)));
	EXPECT_EQ(104, json_object_get_int(get(o, "sa", json_type_int)));
	EXPECT_EQ(0x4401, json_object_get_int(get(o, "mid", json_type_int)));
	EXPECT_STREQ("MIH_Get_Information.request", json_object_get_string(
			     get(o, "msg", json_type_string)));
	json_object_put(o);

	/* absent attributes are absent keys */
	memset(&ev, 0, sizeof(ev));
	ev.type = MIHSEC_EV_SEQ_EXHAUSTED;
	o = reparse(ctl_json_event(&ev, 0, 0));
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("seq-exhausted", json_object_get_string(
			     get(o, "event", json_type_string)));
	EXPECT_EQ(NULL, get(o, "addr", json_type_string));
	EXPECT_EQ(NULL, get(o, "peer", json_type_string));
	EXPECT_EQ(NULL, get(o, "keyid", json_type_string));
	EXPECT_EQ(NULL, get(o, "sa", json_type_int));
	EXPECT_EQ(NULL, get(o, "msg", json_type_string));
	json_object_put(o);
}

TEST(sa_json)
{
	struct mihsec_sa_info sa;
	struct json_object *o, *st;

	fake_sa_info(&sa, 3);
	sa.local_id[1] = 0x01;
	o = reparse(ctl_json_sa(&sa, false));
	ASSERT_NE(NULL, o);
	EXPECT_EQ(103, json_object_get_int(get(o, "index", json_type_int)));
	EXPECT_STREQ("l\\x01cal-3",
		     json_object_get_string(get(o, "local", json_type_string)));
	EXPECT_STREQ("peer-3",
		     json_object_get_string(get(o, "peer", json_type_string)));
	EXPECT_STREQ("network",
		     json_object_get_string(get(o, "role", json_type_string)));
	EXPECT_EQ(1, json_object_get_int(get(o, "suite", json_type_int)));
	EXPECT_STREQ("aes128-gcm", json_object_get_string(
			     get(o, "suite_name", json_type_string)));
	EXPECT_FALSE(json_object_get_boolean(get(o, "encrypt",
						 json_type_boolean)));
	EXPECT_EQ(0, json_object_get_int(get(o, "flags", json_type_int)));
	EXPECT_STREQ("3031323334353637", json_object_get_string(
			     get(o, "tx_keyid", json_type_string)));
	EXPECT_STREQ("b0b1b2b3b4b5b6b7", json_object_get_string(
			     get(o, "rx_keyid", json_type_string)));
	EXPECT_EQ(1024, json_object_get_int(get(o, "replay_window",
						json_type_int)));
	EXPECT_EQ(3000001, json_object_get_int64(get(o, "tx_seq",
						     json_type_int)));
	EXPECT_EQ(3000002, json_object_get_int64(get(o, "rx_seq",
						     json_type_int)));
	EXPECT_EQ(180, json_object_get_int64(get(o, "age", json_type_int)));
	EXPECT_EQ(NULL, get(o, "stats", json_type_object));
	/* nothing else; in particular no key material */
	EXPECT_EQ(14, json_object_object_length(o));
	json_object_put(o);

	o = reparse(ctl_json_sa(&sa, true));
	ASSERT_NE(NULL, o);
	st = get(o, "stats", json_type_object);
	ASSERT_NE(NULL, st);
	EXPECT_EQ(MIHSEC_SA_STAT_MAX, json_object_object_length(st));
	EXPECT_EQ((3ULL << 32) | MIHSEC_SA_STAT_RX_AUTH_FAIL,
		  json_object_get_uint64(get(st, "rx_auth_fail",
					     json_type_int)));
	EXPECT_EQ((3ULL << 32) | MIHSEC_SA_STAT_TX_PACKETS,
		  json_object_get_uint64(get(st, "tx_packets",
					     json_type_int)));
	json_object_put(o);
}

TEST(stats_json_every_counter)
{
	uint64_t st[MIHSEC_STAT_MAX + 1];
	struct json_object *o;

	for (int i = 0; i <= MIHSEC_STAT_MAX; i++)
		st[i] = (uint64_t)i * 3;
	st[MIHSEC_STAT_DROP_ERROR] = 18446744073709551615ULL;
	o = reparse(ctl_json_stats(st));
	ASSERT_NE(NULL, o);
	EXPECT_EQ(MIHSEC_STAT_MAX, json_object_object_length(o));
	for (int i = 1; i <= MIHSEC_STAT_MAX; i++) {
		struct json_object *v = get(o, ctl_stat_json_name(i),
					    json_type_int);

		ASSERT_NE(NULL, v) {
			TH_LOG("no %s", ctl_stat_json_name(i));
		}
		EXPECT_EQ(st[i], json_object_get_uint64(v));
	}
	EXPECT_EQ(0, json_object_get_int(get(o, "tx_protected",
					     json_type_int)) - 3);
	EXPECT_NE(NULL, get(o, "drop_auth_fail", json_type_int));
	json_object_put(o);
}

TEST(policy_json)
{
	struct mihsec_policy_info pi = {
		.policy = MIHSEC_POLICY_OFF, .port = 4551
	};
	struct json_object *o = reparse(ctl_json_policy(&pi));

	ASSERT_NE(NULL, o);
	EXPECT_STREQ("off", json_object_get_string(get(o, "policy",
						       json_type_string)));
	EXPECT_EQ(4551, json_object_get_int(get(o, "port", json_type_int)));
	EXPECT_EQ(0, json_object_get_int(get(o, "sa_count", json_type_int)));
	EXPECT_EQ(3, json_object_object_length(o));
	json_object_put(o);
}

TEST(stat_names_match_uapi)
{
	/* text and JSON names correspond: "drop auth-fail" / drop_auth_fail */
	for (int i = 1; i <= MIHSEC_STAT_MAX; i++) {
		char conv[64];

		ASSERT_NE(NULL, ctl_stat_name(i));
		snprintf(conv, sizeof(conv), "%s", ctl_stat_name(i));
		for (char *c = conv; *c; c++)
			if (*c == ' ' || *c == '-')
				*c = '_';
		EXPECT_STREQ(conv, ctl_stat_json_name(i));
	}
	for (int i = 1; i <= MIHSEC_SA_STAT_MAX; i++) {
		char conv[64];

		ASSERT_NE(NULL, ctl_sa_stat_name(i));
		snprintf(conv, sizeof(conv), "%s", ctl_sa_stat_name(i));
		for (char *c = conv; *c; c++)
			if (*c == '-')
				*c = '_';
		EXPECT_STREQ(conv, ctl_sa_stat_json_name(i));
	}
	EXPECT_EQ(NULL, ctl_stat_name(0));
	EXPECT_EQ(NULL, ctl_stat_name(MIHSEC_STAT_MAX + 1));
}

/* ---- The whole program against the fake kernel -------------------------- */

static struct fake *g_fake;
static int g_open_calls;
static int g_open_err;		/* open fails with this if set */

static struct mihsec_nl *fake_open(int *err, char *msg, size_t msglen)
{
	g_open_calls++;
	if (g_open_err) {
		*err = g_open_err;
		snprintf(msg, msglen, "fake open failure");
		return NULL;
	}
	*err = 0;
	return mihsec_nl_open_io(&g_fake->io, FAKE_FAMILY);
}

FIXTURE(prog) {
	struct fake f;
	char *out, *err;
	size_t outlen, errlen;
	int dump_intr_left;	/* interrupted dumps before a clean one */
	struct mihsec_sa_cfg last_cfg;
};

FIXTURE_SETUP(prog)
{
	memset(self, 0, sizeof(*self));
	fake_init(&self->f, NULL, self);
	g_fake = &self->f;
	g_open_calls = 0;
	g_open_err = 0;
}

FIXTURE_TEARDOWN(prog)
{
	free(self->out);
	free(self->err);
	fake_fini(&self->f);
}

static int run(char **out, size_t *outlen, char **err, size_t *errlen,
	       const char *stdin_text, const char *const *words)
{
	char *argv[64];
	int argc = 0, rc;
	FILE *o, *e, *in;

	free(*out);
	free(*err);
	*out = *err = NULL;
	o = open_memstream(out, outlen);
	e = open_memstream(err, errlen);
	in = stdin_text && *stdin_text ?
		fmemopen((void *)stdin_text, strlen(stdin_text), "r") :
		fopen("/dev/null", "r");
	argv[argc++] = strdup("mihsecctl");
	for (; *words; words++)
		argv[argc++] = strdup(*words);
	argv[argc] = NULL;
	rc = ctl_main(argc, argv, in, o, e, fake_open);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	fclose(o);
	fclose(e);
	fclose(in);
	return rc;
}

#define RUN_IN(in, ...) run(&self->out, &self->outlen, &self->err,	\
			    &self->errlen, (in),			\
			    (const char *const[]){ __VA_ARGS__, NULL })
#define RUN(...) RUN_IN(NULL, __VA_ARGS__)

/* The fake kernel: a fixed table of 3 SAs, policy, stats */
static void h_kernel(struct fake *f, struct nlmsghdr *req)
{
	FIXTURE_DATA(prog) *self = f->priv;
	struct genlmsghdr *g = nlmsg_data(req);
	struct mihsec_sa_info sa;
	struct nlattr *tb[MIHSEC_A_MAX + 1];

	switch (g->cmd) {
	case MIHSEC_CMD_SA_GET:
		if (!(req->nlmsg_flags & NLM_F_DUMP)) {
			fake_sa_info(&sa, 2);
			fake_send1(f, fake_sa(req, 0, &sa, -1));
			fake_ack(f, req);
			return;
		}
		for (int i = 1; i <= 3; i++) {
			fake_sa_info(&sa, i);
			fake_add(f, fake_sa(req, NLM_F_MULTI |
					    (self->dump_intr_left && i == 2 ?
					     NLM_F_DUMP_INTR : 0), &sa, -1));
		}
		fake_flush(f);
		fake_send1(f, fake_done(req, 0, 0, NULL));
		if (self->dump_intr_left > 0)
			self->dump_intr_left--;
		return;
	case MIHSEC_CMD_POLICY_GET:
		fake_send1(f, fake_policy(req, MIHSEC_POLICY_OPTIONAL, 4551,
					  3));
		fake_ack(f, req);
		return;
	case MIHSEC_CMD_STATS_GET:
		fake_send1(f, fake_stats(req, 0, 0));
		fake_ack(f, req);
		return;
	case MIHSEC_CMD_SA_ADD:
		if (genlmsg_parse(req, 0, tb, MIHSEC_A_MAX, NULL) == 0 &&
		    tb[MIHSEC_A_SA_TX_KEY] && tb[MIHSEC_A_SA_RX_KEY]) {
			struct mihsec_sa_cfg *c = &self->last_cfg;

			c->tx_key_len = nla_len(tb[MIHSEC_A_SA_TX_KEY]);
			memcpy(c->tx_key, nla_data(tb[MIHSEC_A_SA_TX_KEY]),
			       c->tx_key_len);
			c->rx_key_len = nla_len(tb[MIHSEC_A_SA_RX_KEY]);
			memcpy(c->rx_key, nla_data(tb[MIHSEC_A_SA_RX_KEY]),
			       c->rx_key_len);
		}
		if (tb[MIHSEC_A_SA_RX_KEYID] &&
		    !memcmp(nla_data(tb[MIHSEC_A_SA_RX_KEYID]),
			    "\xee\xee\xee\xee\xee\xee\xee\xee", 8)) {
			fake_send1(f, fake_err(req, -EEXIST, true,
					       "key ID in use", 0, 0));
			return;
		}
		fake_ack(f, req);
		return;
	case MIHSEC_CMD_SA_DEL:
		if (genlmsg_parse(req, 0, tb, MIHSEC_A_MAX, NULL) == 0 &&
		    tb[MIHSEC_A_SA_PEER_ID]) {
			fake_send1(f, fake_err(req, -ENOENT, true, NULL, 0, 0));
			return;
		}
		fake_ack(f, req);
		return;
	default:
		fake_ack(f, req);
	}
}

#define SA_ADD_BASE "sa", "add", "local", "mmt-1", "peer", "pos-1",	\
	"role", "mmt", "tx-keyid", "0102030405060708", "tx-salt",	\
	"01020304", "rx-salt", "05060708"

TEST_F(prog, stats_text)
{
	self->f.on_req = h_kernel;
	ASSERT_EQ(CTL_EXIT_OK, RUN("stats"));
	EXPECT_STREQ("", self->err);
	EXPECT_NE(NULL, strstr(self->out, "tx protected               1\n"));
	EXPECT_NE(NULL, strstr(self->out, "drop auth-fail             12\n"));
	EXPECT_NE(NULL, strstr(self->out, "drop error                 17\n"));
	EXPECT_EQ(1, g_open_calls);
	EXPECT_EQ(MIHSEC_CMD_STATS_GET, fake_cmd(&self->f, 0));
}

TEST_F(prog, stats_json)
{
	struct json_object *o;

	self->f.on_req = h_kernel;
	ASSERT_EQ(CTL_EXIT_OK, RUN("-j", "stats"));
	o = json_tokener_parse(self->out);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(MIHSEC_STAT_MAX, json_object_object_length(o));
	EXPECT_EQ(12, json_object_get_int(get(o, "drop_auth_fail",
					      json_type_int)));
	json_object_put(o);
}

TEST_F(prog, policy_show_and_set)
{
	struct json_object *o;
	struct nlattr *tb[MIHSEC_A_MAX + 1];

	self->f.on_req = h_kernel;
	ASSERT_EQ(CTL_EXIT_OK, RUN("policy"));
	EXPECT_STREQ("policy optional\nport 4551\nsa-count 3\n", self->out);
	ASSERT_EQ(CTL_EXIT_OK, RUN("-j", "policy", "show"));
	o = json_tokener_parse(self->out);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("optional", json_object_get_string(
			     get(o, "policy", json_type_string)));
	json_object_put(o);

	ASSERT_EQ(CTL_EXIT_OK, RUN("policy", "set", "require"));
	EXPECT_STREQ("", self->out);
	ASSERT_EQ(3, self->f.nreq);
	EXPECT_EQ(MIHSEC_CMD_POLICY_SET, fake_cmd(&self->f, 2));
	ASSERT_EQ(0, genlmsg_parse(fake_req(&self->f, 2), 0, tb, MIHSEC_A_MAX,
				   NULL));
	EXPECT_EQ(MIHSEC_POLICY_REQUIRE, nla_get_u8(tb[MIHSEC_A_POLICY]));
}

/* The fake kernel with the issue-3 attributes in its replies */
static void h_kernel3(struct fake *f, struct nlmsghdr *req)
{
	struct genlmsghdr *g = nlmsg_data(req);
	struct mihsec_policy_info pi;
	struct mihsec_sa_info sa;

	switch (g->cmd) {
	case MIHSEC_CMD_POLICY_GET:
		fake_policy_defaults(&pi);
		fake_send1(f, fake_policy_info(req, &pi));
		fake_ack(f, req);
		return;
	case MIHSEC_CMD_SA_GET:
		fake_sa_info(&sa, 1);
		fake_sa_life(&sa);
		fake_send1(f, fake_sa(req, 0, &sa, -1));
		fake_ack(f, req);
		return;
	default:
		h_kernel(f, req);
	}
}

TEST_F(prog, policy_set_items_and_show)
{
	struct nlattr *tb[MIHSEC_A_MAX + 1], *a;
	int rem, n = 0;

	self->f.on_req = h_kernel3;
	ASSERT_EQ(CTL_EXIT_OK, RUN("policy"));
	EXPECT_STREQ("policy optional\nport 4551\nsa-count 2\n"
		     "exempt MIH_Capability_Discover.request,"
		     "MIH_Capability_Discover.response\n"
		     "exempt-uir MIH_Get_Information.request\n"
		     "event-rate 100\nevent-burst 100\n", self->out);

	ASSERT_EQ(CTL_EXIT_OK, RUN("policy", "set", "exempt",
				   "MIH_Register,MIH_Link_Up", "event-rate",
				   "5"));
	EXPECT_STREQ("", self->out);
	EXPECT_STREQ("", self->err);
	ASSERT_EQ(2, self->f.nreq);
	EXPECT_EQ(MIHSEC_CMD_POLICY_SET, fake_cmd(&self->f, 1));
	ASSERT_EQ(0, genlmsg_parse(fake_req(&self->f, 1), 0, tb, MIHSEC_A_MAX,
				   NULL));
	EXPECT_EQ(NULL, tb[MIHSEC_A_POLICY]);
	EXPECT_EQ(NULL, tb[MIHSEC_A_EXEMPT_UIR]);
	EXPECT_EQ(NULL, tb[MIHSEC_A_EVENT_BURST]);
	EXPECT_EQ(5, (int)nla_get_u32(tb[MIHSEC_A_EVENT_RATE]));
	ASSERT_NE(NULL, tb[MIHSEC_A_EXEMPT]);
	nla_for_each_nested(a, tb[MIHSEC_A_EXEMPT], rem) {
		static const uint16_t want[] = { 0x1402, 0x1802, 0x2c02 };

		ASSERT_LT(n, 3);
		EXPECT_EQ(MIHSEC_MID_ENTRY, nla_type(a));
		EXPECT_EQ(want[n], nla_get_u16(a));
		n++;
	}
	EXPECT_EQ(3, n);
}

TEST_F(prog, sa_add_allow_and_show)
{
	struct nlattr *tb[MIHSEC_A_MAX + 1];

	self->f.on_req = h_kernel3;
	ASSERT_EQ(CTL_EXIT_OK,
		  RUN(SA_ADD_BASE, "rx-keyid", "1111111111111111", "tx-key",
		      "000102030405060708090a0b0c0d0e0f", "rx-key",
		      "101112131415161718191a1b1c1d1e1f", "allow", "none",
		      "hard-msgs", "1000", "grace", "5"));
	EXPECT_STREQ("", self->err);
	ASSERT_EQ(0, genlmsg_parse(fake_req(&self->f, 0), 0, tb, MIHSEC_A_MAX,
				   NULL));
	ASSERT_NE(NULL, tb[MIHSEC_A_SA_ALLOW]);
	EXPECT_EQ(0, nla_len(tb[MIHSEC_A_SA_ALLOW]));
	EXPECT_EQ(1000, (int)nla_get_u64(tb[MIHSEC_A_SA_HARD_MSGS]));
	EXPECT_EQ(5, (int)nla_get_u32(tb[MIHSEC_A_SA_GRACE]));
	EXPECT_EQ(NULL, tb[MIHSEC_A_SA_SOFT_SECS]);

	/* no allow keyword: no attribute (allow all) */
	ASSERT_EQ(CTL_EXIT_OK,
		  RUN(SA_ADD_BASE, "rx-keyid", "1111111111111112", "tx-key",
		      "000102030405060708090a0b0c0d0e0f", "rx-key",
		      "101112131415161718191a1b1c1d1e1f"));
	ASSERT_EQ(0, genlmsg_parse(fake_req(&self->f, 1), 0, tb, MIHSEC_A_MAX,
				   NULL));
	EXPECT_EQ(NULL, tb[MIHSEC_A_SA_ALLOW]);
	EXPECT_EQ(NULL, tb[MIHSEC_A_SA_GRACE]);

	ASSERT_EQ(CTL_EXIT_OK, RUN("sa", "show", "rx-keyid",
				   "9091929394959697"));
	EXPECT_NE(NULL, strstr(self->out,
			       "\tallow MIH_Get_Information.request,"
			       "MIH_Get_Information.response,"
			       "MIH_Link_Up.indication\n"
			       "\tlifetime soft-secs 3000 hard-secs 3600"));
}

/* ---- monitor ---- */

static void queue_events(struct fake *f, int n)
{
	struct mihsec_event_info ev;

	for (int i = 1; i <= n; i++) {
		fake_event_info(&ev, i);
		fake_send1(f, fake_event(&ev));
	}
}

/* Lines of @s after the timestamp (first word) of each */
static void strip_times(char *s)
{
	char *w = s, *r = s;

	while (*r) {
		char *sp = strchr(r, ' '), *nl = strchr(r, '\n');

		if (!sp || !nl || sp > nl)
			break;
		r = sp + 1;
		memmove(w, r, (size_t)(nl - r + 1));
		w += nl - r + 1;
		r = nl + 1;
	}
	*w = '\0';
}

TEST_F(prog, monitor_count)
{
	queue_events(&self->f, 3);
	ASSERT_EQ(CTL_EXIT_OK, RUN("monitor", "count", "2"));
	EXPECT_STREQ("", self->err);
	EXPECT_STREQ("events", self->f.joined);
	EXPECT_EQ(0, self->f.nreq);	/* nothing sent to the kernel */
	EXPECT_EQ(-1, self->f.last_timeout);
	strip_times(self->out);
	EXPECT_STREQ("no-sa addr 192.0.2.1 peer peer-1 local local-1"
		     " keyid 1011121314151617 sa 101"
		     " msg MIH_Get_Information.request\n"
		     "unknown-key addr 2001:db8::7 peer peer-2 local local-2"
		     " keyid 2021222324252627 sa 102"
		     " msg MIH_Get_Information.request\n", self->out);
	/* the third is still queued */
	EXPECT_EQ(1, self->f.qtail - self->f.qhead);
}

TEST_F(prog, monitor_count_within_one_datagram)
{
	struct mihsec_event_info ev;

	fake_event_info(&ev, MIHSEC_EV_REPLAY);
	for (int i = 0; i < 3; i++)
		fake_add(&self->f, fake_event(&ev));
	fake_flush(&self->f);
	ASSERT_EQ(CTL_EXIT_OK, RUN("monitor", "count", "2"));
	strip_times(self->out);
	EXPECT_STREQ("replay addr 2001:db8::7 peer peer-4 local local-4"
		     " keyid 4041424344454647 sa 104"
		     " msg MIH_Get_Information.request\n"
		     "replay addr 2001:db8::7 peer peer-4 local local-4"
		     " keyid 4041424344454647 sa 104"
		     " msg MIH_Get_Information.request\n", self->out);
}

TEST_F(prog, monitor_json_lines)
{
	char *line, *save = NULL;
	int n = 0;

	queue_events(&self->f, MIHSEC_EV_MAX);
	ASSERT_EQ(CTL_EXIT_OK, RUN("-j", "monitor", "count", "8"));
	for (line = strtok_r(self->out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(line);

		n++;
		ASSERT_NE(NULL, o);
		EXPECT_STREQ(ctl_event_name((uint8_t)n),
			     json_object_get_string(get(o, "event",
							json_type_string)));
		EXPECT_EQ(100 + n, json_object_get_int(get(o, "sa",
							   json_type_int)));
		json_object_put(o);
	}
	EXPECT_EQ(MIHSEC_EV_MAX, n);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

TEST_F(prog, monitor_timeout)
{
	queue_events(&self->f, 2);
	/* timeout 0: done before reading anything */
	ASSERT_EQ(CTL_EXIT_OK, RUN("monitor", "timeout", "0"));
	EXPECT_STREQ("", self->out);
	/* timeout 1: both events, then the (fake) wait runs out */
	ASSERT_EQ(CTL_EXIT_OK, RUN("monitor", "timeout", "1"));
	EXPECT_EQ(2, count_lines(self->out));
	EXPECT_NE(NULL, strstr(self->out, " no-sa "));
	EXPECT_NE(NULL, strstr(self->out, " unknown-key "));
	EXPECT_GT(self->f.last_timeout, 0);
	EXPECT_LE(self->f.last_timeout, 1000);
	EXPECT_STREQ("", self->err);
}

TEST_F(prog, monitor_signals_exit_0)
{
	int sigs[] = { SIGTERM, SIGINT };

	for (int i = 0; i < 2; i++) {
		struct sigaction now;

		queue_events(&self->f, 1);
		self->f.idle_signal = sigs[i];
		ASSERT_EQ(CTL_EXIT_OK, RUN("monitor"));
		EXPECT_NE(NULL, strstr(self->out, " no-sa "));
		EXPECT_STREQ("", self->err);
		/* the previous disposition is back */
		sigaction(sigs[i], NULL, &now);
		EXPECT_EQ(SIG_DFL, now.sa_handler);
	}
}

TEST_F(prog, monitor_overrun_goes_on)
{
	queue_events(&self->f, 1);
	self->f.recv_err = -ENOBUFS;
	ASSERT_EQ(CTL_EXIT_OK, RUN("monitor", "count", "1"));
	EXPECT_STREQ("mihsecctl: monitor: events were lost (receive buffer overrun)\n",
		     self->err);
	EXPECT_EQ(1, count_lines(self->out));
	EXPECT_NE(NULL, strstr(self->out, " no-sa "));

	/* any other read error ends it */
	queue_events(&self->f, 1);
	self->f.recv_err = -EBADF;
	EXPECT_EQ(CTL_EXIT_ERROR, RUN("monitor", "count", "1"));
	EXPECT_NE(NULL, strstr(self->err, "mihsecctl: monitor: Bad file descriptor"));
	EXPECT_STREQ("", self->out);
}

TEST_F(prog, monitor_errors)
{
	struct mihsec_event_info ev;

	self->f.join_err = -EPERM;
	EXPECT_EQ(CTL_EXIT_ERROR, RUN("monitor"));
	EXPECT_NE(NULL, strstr(self->err, "mihsecctl: monitor: Operation not permitted"));

	self->f.join_err = 0;
	memset(&ev, 0, sizeof(ev));
	ev.type = MIHSEC_EV_NO_SA;
	ev.has_addr = true;
	ev.addr_len = 3;
	fake_send1(&self->f, fake_event(&ev));
	EXPECT_EQ(CTL_EXIT_ERROR, RUN("monitor", "count", "1"));
	EXPECT_NE(NULL, strstr(self->err, "mihsecctl: monitor: Protocol error: malformed")) {
		TH_LOG("stderr: %s", self->err);
	}
	EXPECT_STREQ("", self->out);

	EXPECT_EQ(CTL_EXIT_USAGE, RUN("monitor", "count"));
	EXPECT_NE(NULL, strstr(self->err, "Try 'mihsecctl monitor --help'"));
}

TEST_F(prog, sa_show_text_and_json)
{
	struct json_object *o;

	self->f.on_req = h_kernel;
	ASSERT_EQ(CTL_EXIT_OK, RUN("sa", "show"));
	EXPECT_NE(NULL, strstr(self->out, "sa 101 local local-1 peer peer-1\n"));
	EXPECT_NE(NULL, strstr(self->out, "sa 103 local local-3 peer peer-3\n"));
	EXPECT_EQ(NULL, strstr(self->out, "stats:"));

	ASSERT_EQ(CTL_EXIT_OK, RUN("-j", "sa", "show", "-s"));
	o = json_tokener_parse(self->out);
	ASSERT_NE(NULL, o);
	ASSERT_TRUE(json_object_is_type(o, json_type_array));
	ASSERT_EQ(3, (int)json_object_array_length(o));
	for (int i = 0; i < 3; i++) {
		struct json_object *sa = json_object_array_get_idx(o, i);

		EXPECT_EQ(101 + i, json_object_get_int(get(sa, "index",
							   json_type_int)));
		EXPECT_NE(NULL, get(sa, "stats", json_type_object));
	}
	json_object_put(o);
}

TEST_F(prog, sa_show_one)
{
	struct nlattr *tb[MIHSEC_A_MAX + 1];

	self->f.on_req = h_kernel;
	ASSERT_EQ(CTL_EXIT_OK, RUN("-s", "sa", "show", "rx-keyid",
				   "a0a1a2a3a4a5a6a7"));
	EXPECT_NE(NULL, strstr(self->out, "sa 102 local local-2"));
	EXPECT_NE(NULL, strstr(self->out, "\tstats: tx-packets"));
	EXPECT_EQ(0, (int)(fake_req(&self->f, 0)->nlmsg_flags & NLM_F_DUMP));
	ASSERT_EQ(0, genlmsg_parse(fake_req(&self->f, 0), 0, tb, MIHSEC_A_MAX,
				   NULL));
	EXPECT_EQ(0xa7, ((uint8_t *)nla_data(tb[MIHSEC_A_SA_RX_KEYID]))[7]);
}

/* Lines starting with "sa " */
static int count_sa_blocks(const char *s)
{
	int n = !strncmp(s, "sa ", 3);

	while ((s = strstr(s, "\nsa ")) != NULL) {
		n++;
		s++;
	}
	return n;
}

TEST_F(prog, sa_show_retries_interrupted_dump)
{
	self->f.on_req = h_kernel;
	self->dump_intr_left = 2;
	ASSERT_EQ(CTL_EXIT_OK, RUN("sa", "show"));
	EXPECT_EQ(3, self->f.nreq);
	/* only the consistent dump is printed: 3 SAs, not 9 */
	EXPECT_EQ(3, count_sa_blocks(self->out)) {
		TH_LOG("%s", self->out);
	}
}

TEST_F(prog, sa_show_gives_up)
{
	self->f.on_req = h_kernel;
	self->dump_intr_left = 100;
	EXPECT_EQ(CTL_EXIT_ERROR, RUN("sa", "show"));
	EXPECT_EQ(5, self->f.nreq);
	EXPECT_STREQ("", self->out);
	EXPECT_NE(NULL, strstr(self->err, "kept changing"));
}

TEST_F(prog, sa_add_keys_from_stdin)
{
	static const uint8_t k1[16] = { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
		0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 };

	self->f.on_req = h_kernel;
	ASSERT_EQ(CTL_EXIT_OK,
		  RUN_IN("22222222222222222222222222222222\n"
			 "11111111111111111111111111111111\n",
			 SA_ADD_BASE, "rx-keyid", "1112131415161718",
			 "rx-key-file", "-", "tx-key-file", "-")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_STREQ("", self->out);
	EXPECT_STREQ("", self->err);
	EXPECT_EQ(MIHSEC_CMD_SA_ADD, fake_cmd(&self->f, 0));
	/* rx-key-file came first: it got the first line */
	EXPECT_EQ(16, (int)self->last_cfg.tx_key_len);
	EXPECT_EQ(0, memcmp(self->last_cfg.tx_key, k1, 16));
	EXPECT_EQ(0x22, self->last_cfg.rx_key[0]);
}

TEST_F(prog, sa_add_kernel_refuses)
{
	self->f.on_req = h_kernel;
	EXPECT_EQ(CTL_EXIT_ERROR,
		  RUN(SA_ADD_BASE, "rx-keyid", "eeeeeeeeeeeeeeee", "tx-key",
		      "33333333333333333333333333333333", "rx-key",
		      "44444444444444444444444444444444"));
	EXPECT_STREQ("mihsecctl: sa add: File exists (an SA with this rx-keyid exists or existed): key ID in use\n",
		     self->err);
	/* keys are never printed */
	EXPECT_EQ(NULL, strstr(self->err, "3333"));
}

TEST_F(prog, sa_del_no_such_sa)
{
	self->f.on_req = h_kernel;
	EXPECT_EQ(CTL_EXIT_ERROR, RUN("sa", "del", "peer", "nobody"));
	EXPECT_STREQ("mihsecctl: sa del: No such file or directory (no such SA)\n",
		     self->err);
	EXPECT_EQ(CTL_EXIT_OK, RUN("sa", "del", "rx-keyid", "0011223344556677"));
	EXPECT_EQ(CTL_EXIT_OK, RUN("sa", "flush"));
	EXPECT_EQ(MIHSEC_CMD_SA_FLUSH, fake_cmd(&self->f, 2));
}

TEST_F(prog, usage_error_exit_2_without_kernel)
{
	EXPECT_EQ(CTL_EXIT_USAGE, RUN("sa", "add", "local", "x"));
	EXPECT_NE(NULL, strstr(self->err, "mihsecctl: sa add: missing peer\n"));
	EXPECT_NE(NULL, strstr(self->err, "Try 'mihsecctl sa --help'."));
	EXPECT_STREQ("", self->out);
	EXPECT_EQ(CTL_EXIT_USAGE, RUN("bogus"));
	EXPECT_EQ(CTL_EXIT_USAGE, RUN("policy", "set", "maybe"));
	EXPECT_EQ(0, g_open_calls);
	EXPECT_EQ(0, self->f.nreq);
}

TEST_F(prog, key_file_error_exit_1_without_kernel)
{
	EXPECT_EQ(CTL_EXIT_ERROR,
		  RUN_IN("not-a-key\n", SA_ADD_BASE, "rx-keyid",
			 "1112131415161718", "tx-key-file", "-", "rx-key",
			 "44444444444444444444444444444444"));
	EXPECT_STREQ("mihsecctl: sa add: tx-key-file: stdin: not a hex key (only hex digits, an optional 0x prefix and whitespace between octets allowed)\n",
		     self->err);
	EXPECT_EQ(0, g_open_calls);
}

TEST_F(prog, module_not_loaded_exit_3)
{
	g_open_err = -ENOENT;
	EXPECT_EQ(CTL_EXIT_NOMODULE, RUN("stats"));
	EXPECT_STREQ("mihsecctl: the mihsec kernel module is not loaded (fake open failure)\n",
		     self->err);
	g_open_err = -EACCES;
	EXPECT_EQ(CTL_EXIT_ERROR, RUN("stats"));
	EXPECT_STREQ("mihsecctl: fake open failure\n", self->err);
}

TEST_F(prog, help_and_version)
{
	EXPECT_EQ(CTL_EXIT_OK, RUN("--help"));
	EXPECT_EQ(0, strncmp(self->out, "Usage:\n", 7));
	EXPECT_NE(NULL, strstr(self->out, "Exit status"));
	EXPECT_STREQ("", self->err);
	EXPECT_EQ(CTL_EXIT_OK, RUN("policy", "help"));
	EXPECT_NE(NULL, strstr(self->out, "policy set [off|optional|require]"));
	EXPECT_NE(NULL, strstr(self->out, "MIH_Get_Information"));
	EXPECT_EQ(NULL, strstr(self->out, "sa add"));
	EXPECT_EQ(CTL_EXIT_OK, RUN("--version"));
	EXPECT_STREQ("mihsecctl " MIHSECCTL_VERSION
		     " (generic netlink family mihsec, version 1)\n", self->out);
	EXPECT_EQ(0, g_open_calls);
}

TEST(write_error_exit_1)
{
	FILE *full = fopen("/dev/full", "w");
	FILE *in = fopen("/dev/null", "r");
	char *ebuf = NULL;
	size_t elen = 0;
	FILE *e = open_memstream(&ebuf, &elen);

	if (!full)
		SKIP(return, "no /dev/full");
	EXPECT_EQ(CTL_EXIT_ERROR,
		  ctl_main(2, (char *[]){ "mihsecctl", "--version", NULL }, in,
			   full, e, fake_open));
	fclose(e);
	EXPECT_NE(NULL, strstr(ebuf, "mihsecctl: write error: "));
	EXPECT_EQ(0, g_open_calls);
	free(ebuf);
	fclose(full);
	fclose(in);
}

TEST(real_open_without_module_exit_3)
{
	struct stat st;
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0;
	FILE *o = open_memstream(&obuf, &olen);
	FILE *e = open_memstream(&ebuf, &elen);
	FILE *in = fopen("/dev/null", "r");
	int rc;

	if (stat("/sys/module/mihsec", &st) == 0)
		SKIP(return, "mihsec is loaded here");
	rc = ctl_main(2, (char *[]){ "mihsecctl", "policy", NULL }, in, o, e,
		      mihsec_nl_open);
	fclose(o);
	fclose(e);
	fclose(in);
	EXPECT_EQ(CTL_EXIT_NOMODULE, rc);
	EXPECT_STREQ("mihsecctl: the mihsec kernel module is not loaded (generic netlink family \"mihsec\" not found)\n",
		     ebuf);
	EXPECT_STREQ("", obuf);
	free(obuf);
	free(ebuf);
}

TEST_HARNESS_MAIN

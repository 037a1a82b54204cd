// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecctl output: human-readable text and JSON (json-c).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "ctl/args.h"
#include "ctl/output.h"
#include "lib/hex.h"
#include "lib/mihmsg.h"

/* Names as in the comments of enum mihsec_stat (uapi) */
static const char *const stat_names[MIHSEC_STAT_MAX + 1] = {
	[MIHSEC_STAT_TX_PROTECTED]		= "tx protected",
	[MIHSEC_STAT_TX_CLEAR]			= "tx clear",
	[MIHSEC_STAT_RX_VERIFIED]		= "rx verified",
	[MIHSEC_STAT_RX_CLEAR]			= "rx clear",
	[MIHSEC_STAT_DROP_MALFORMED]		= "drop malformed",
	[MIHSEC_STAT_DROP_NO_SA]		= "drop no-sa",
	[MIHSEC_STAT_DROP_UNKNOWN_KEY]		= "drop unknown-key",
	[MIHSEC_STAT_DROP_SUITE_MISMATCH]	= "drop suite-mismatch",
	[MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED]	= "drop encryption-required",
	[MIHSEC_STAT_DROP_DIRECTION_MISMATCH]	= "drop direction-mismatch",
	[MIHSEC_STAT_DROP_REPLAY]		= "drop replay",
	[MIHSEC_STAT_DROP_AUTH_FAIL]		= "drop auth-fail",
	[MIHSEC_STAT_DROP_IDENTITY_MISMATCH]	= "drop identity-mismatch",
	[MIHSEC_STAT_DROP_DENIED]		= "drop denied",
	[MIHSEC_STAT_DROP_UNPROTECTED]		= "drop unprotected",
	[MIHSEC_STAT_DROP_SEQ_EXHAUSTED]	= "drop seq-exhausted",
	[MIHSEC_STAT_DROP_ERROR]		= "drop error",
	[MIHSEC_STAT_DROP_EXPIRED]		= "drop expired",
	[MIHSEC_STAT_EVENTS_SENT]		= "events sent",
	[MIHSEC_STAT_EVENTS_SUPPRESSED]		= "events suppressed",
};

static const char *const stat_json_names[MIHSEC_STAT_MAX + 1] = {
	[MIHSEC_STAT_TX_PROTECTED]		= "tx_protected",
	[MIHSEC_STAT_TX_CLEAR]			= "tx_clear",
	[MIHSEC_STAT_RX_VERIFIED]		= "rx_verified",
	[MIHSEC_STAT_RX_CLEAR]			= "rx_clear",
	[MIHSEC_STAT_DROP_MALFORMED]		= "drop_malformed",
	[MIHSEC_STAT_DROP_NO_SA]		= "drop_no_sa",
	[MIHSEC_STAT_DROP_UNKNOWN_KEY]		= "drop_unknown_key",
	[MIHSEC_STAT_DROP_SUITE_MISMATCH]	= "drop_suite_mismatch",
	[MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED]	= "drop_encryption_required",
	[MIHSEC_STAT_DROP_DIRECTION_MISMATCH]	= "drop_direction_mismatch",
	[MIHSEC_STAT_DROP_REPLAY]		= "drop_replay",
	[MIHSEC_STAT_DROP_AUTH_FAIL]		= "drop_auth_fail",
	[MIHSEC_STAT_DROP_IDENTITY_MISMATCH]	= "drop_identity_mismatch",
	[MIHSEC_STAT_DROP_DENIED]		= "drop_denied",
	[MIHSEC_STAT_DROP_UNPROTECTED]		= "drop_unprotected",
	[MIHSEC_STAT_DROP_SEQ_EXHAUSTED]	= "drop_seq_exhausted",
	[MIHSEC_STAT_DROP_ERROR]		= "drop_error",
	[MIHSEC_STAT_DROP_EXPIRED]		= "drop_expired",
	[MIHSEC_STAT_EVENTS_SENT]		= "events_sent",
	[MIHSEC_STAT_EVENTS_SUPPRESSED]		= "events_suppressed",
};

static const char *const sa_stat_names[MIHSEC_SA_STAT_MAX + 1] = {
	[MIHSEC_SA_STAT_TX_PACKETS]	= "tx-packets",
	[MIHSEC_SA_STAT_TX_OCTETS]	= "tx-octets",
	[MIHSEC_SA_STAT_RX_PACKETS]	= "rx-packets",
	[MIHSEC_SA_STAT_RX_OCTETS]	= "rx-octets",
	[MIHSEC_SA_STAT_RX_AUTH_FAIL]	= "rx-auth-fail",
	[MIHSEC_SA_STAT_RX_REPLAY]	= "rx-replay",
	[MIHSEC_SA_STAT_RX_OTHER]	= "rx-other",
	[MIHSEC_SA_STAT_TX_ENCRYPTED]	= "tx-encrypted",
	[MIHSEC_SA_STAT_RX_DECRYPTED]	= "rx-decrypted",
	[MIHSEC_SA_STAT_RX_DENIED]	= "rx-denied",
	[MIHSEC_SA_STAT_RX_IDENTITY]	= "rx-identity-mismatch",
};

static const char *const sa_stat_json_names[MIHSEC_SA_STAT_MAX + 1] = {
	[MIHSEC_SA_STAT_TX_PACKETS]	= "tx_packets",
	[MIHSEC_SA_STAT_TX_OCTETS]	= "tx_octets",
	[MIHSEC_SA_STAT_RX_PACKETS]	= "rx_packets",
	[MIHSEC_SA_STAT_RX_OCTETS]	= "rx_octets",
	[MIHSEC_SA_STAT_RX_AUTH_FAIL]	= "rx_auth_fail",
	[MIHSEC_SA_STAT_RX_REPLAY]	= "rx_replay",
	[MIHSEC_SA_STAT_RX_OTHER]	= "rx_other",
	[MIHSEC_SA_STAT_TX_ENCRYPTED]	= "tx_encrypted",
	[MIHSEC_SA_STAT_RX_DECRYPTED]	= "rx_decrypted",
	[MIHSEC_SA_STAT_RX_DENIED]	= "rx_denied",
	[MIHSEC_SA_STAT_RX_IDENTITY]	= "rx_identity_mismatch",
};

static const char *const event_names[MIHSEC_EV_MAX + 1] = {
	[MIHSEC_EV_NO_SA]		= "no-sa",
	[MIHSEC_EV_UNKNOWN_KEY]		= "unknown-key",
	[MIHSEC_EV_AUTH_FAIL]		= "auth-fail",
	[MIHSEC_EV_REPLAY]		= "replay",
	[MIHSEC_EV_DENIED]		= "denied",
	[MIHSEC_EV_SA_SOFT_EXPIRED]	= "sa-soft-expired",
	[MIHSEC_EV_SA_EXPIRED]		= "sa-expired",
	[MIHSEC_EV_SEQ_EXHAUSTED]	= "seq-exhausted",
};

const char *ctl_event_name(uint8_t type)
{
	return type > 0 && type <= MIHSEC_EV_MAX ? event_names[type] : NULL;
}

const char *ctl_stat_name(int stat)
{
	return stat > 0 && stat <= MIHSEC_STAT_MAX ? stat_names[stat] : NULL;
}

const char *ctl_stat_json_name(int stat)
{
	return stat > 0 && stat <= MIHSEC_STAT_MAX ? stat_json_names[stat] :
						      NULL;
}

const char *ctl_sa_stat_name(int stat)
{
	return stat > 0 && stat <= MIHSEC_SA_STAT_MAX ? sa_stat_names[stat] :
							 NULL;
}

const char *ctl_sa_stat_json_name(int stat)
{
	return stat > 0 && stat <= MIHSEC_SA_STAT_MAX ?
		       sa_stat_json_names[stat] : NULL;
}

void ctl_escape_id(const uint8_t *id, size_t len, bool human, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		uint8_t c = id[i];

		if (c > 0x20 && c < 0x7f && c != '\\' &&
		    !(human && c == '"')) {
			*out++ = (char)c;
		} else if (c == ' ' && !human) {
			*out++ = ' ';
		} else {
			*out++ = '\\';
			*out++ = 'x';
			*out++ = digits[c >> 4];
			*out++ = digits[c & 0xf];
		}
	}
	*out = '\0';
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

static void print_name_or_number(FILE *f, const char *name, unsigned int v)
{
	if (name)
		fputs(name, f);
	else
		fprintf(f, "%u", v);
}

/* "MIH_Get_Information.request,MIH_Link_Up.indication" or "none" */
static void print_mids(FILE *f, const struct mihsec_mid_list *l)
{
	char name[MIHMSG_NAME_LEN];

	if (!l->n)
		fputs("none", f);
	for (int i = 0; i < l->n; i++)
		fprintf(f, "%s%s", i ? "," : "",
			mihmsg_name(l->mids[i], name, sizeof(name)));
}

static void print_life(FILE *f, const struct mihsec_sa_life *l)
{
	if (!l->has_soft_secs && !l->has_hard_secs && !l->has_soft_msgs &&
	    !l->has_hard_msgs && !l->has_grace)
		return;
	fputs("\tlifetime", f);
	if (l->has_soft_secs)
		fprintf(f, " soft-secs %" PRIu32, l->soft_secs);
	if (l->has_hard_secs)
		fprintf(f, " hard-secs %" PRIu32, l->hard_secs);
	if (l->has_soft_msgs)
		fprintf(f, " soft-msgs %" PRIu64, l->soft_msgs);
	if (l->has_hard_msgs)
		fprintf(f, " hard-msgs %" PRIu64, l->hard_msgs);
	if (l->has_grace)
		fprintf(f, " grace %" PRIu32, l->grace);
	fputs("\n", f);
}

void ctl_print_sa(FILE *f, const struct mihsec_sa_info *sa, bool stats)
{
	char local[CTL_ID_ESC_LEN(MIHSEC_MIHF_ID_MAX)];
	char peer[CTL_ID_ESC_LEN(MIHSEC_MIHF_ID_MAX)];
	char txk[2 * MIHSEC_KEYID_LEN + 1], rxk[2 * MIHSEC_KEYID_LEN + 1];

	ctl_escape_id(sa->local_id, sa->local_id_len, true, local);
	ctl_escape_id(sa->peer_id, sa->peer_id_len, true, peer);
	mihsec_hex_encode(sa->tx_keyid, MIHSEC_KEYID_LEN, txk);
	mihsec_hex_encode(sa->rx_keyid, MIHSEC_KEYID_LEN, rxk);

	fprintf(f, "sa %" PRIu32 " local %s peer %s\n", sa->index, local,
		peer);
	fputs("\trole ", f);
	print_name_or_number(f, ctl_role_name(sa->role), sa->role);
	fputs(" suite ", f);
	print_name_or_number(f, ctl_suite_name(sa->suite), sa->suite);
	fprintf(f, " encrypt %s", sa->flags & MIHSEC_SA_F_ENCRYPT ? "on" :
								    "off");
	if (sa->flags & ~(uint32_t)MIHSEC_SA_F_ALL)
		fprintf(f, " flags 0x%" PRIx32, sa->flags);
	fprintf(f, " replay-window %" PRIu32 "\n", sa->replay_window);
	fprintf(f, "\ttx-keyid %s rx-keyid %s\n", txk, rxk);
	fprintf(f, "\ttx-seq %" PRIu64 " rx-seq %" PRIu64 " age %" PRIu64
		"s\n", sa->tx_seq, sa->rx_seq, sa->age);
	if (sa->has_allow) {
		fputs("\tallow ", f);
		print_mids(f, &sa->allow);
		fputs("\n", f);
	}
	print_life(f, &sa->life);
	if (stats) {
		fputs("\tstats:", f);
		for (int i = 1; i <= MIHSEC_SA_STAT_MAX; i++)
			fprintf(f, " %s %" PRIu64, ctl_sa_stat_name(i),
				sa->stats[i]);
		fputs("\n", f);
	}
}

void ctl_print_policy(FILE *f, const struct mihsec_policy_info *pi)
{
	fputs("policy ", f);
	print_name_or_number(f, ctl_policy_name(pi->policy), pi->policy);
	fprintf(f, "\nport %u\nsa-count %" PRIu32 "\n", pi->port,
		pi->sa_count);
	if (pi->has_exempt) {
		fputs("exempt ", f);
		print_mids(f, &pi->exempt);
		fputs("\n", f);
	}
	if (pi->has_exempt_uir) {
		fputs("exempt-uir ", f);
		print_mids(f, &pi->exempt_uir);
		fputs("\n", f);
	}
	if (pi->has_event_rate)
		fprintf(f, "event-rate %" PRIu32 "\n", pi->event_rate);
	if (pi->has_event_burst)
		fprintf(f, "event-burst %" PRIu32 "\n", pi->event_burst);
}

/* "192.0.2.1" / "2001:db8::7" */
static void addr_str(const struct mihsec_event_info *ev, char *buf,
		     size_t len)
{
	if (!inet_ntop(ev->addr_len == 4 ? AF_INET : AF_INET6, ev->addr,
		       buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

/* Local time, "2026-11-24T18:20:01.123456" */
static void time_str(long long when, long usec, char *buf, size_t len)
{
	time_t t = (time_t)when;
	struct tm tm;
	size_t n = 0;

	if (localtime_r(&t, &tm))
		n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!n)
		n = (size_t)snprintf(buf, len, "%lld", when);
	if (n < len)
		snprintf(buf + n, len - n, ".%06ld", usec);
}

void ctl_print_event(FILE *f, const struct mihsec_event_info *ev,
		     long long when, long usec)
{
	char buf[CTL_ID_ESC_LEN(MIHSEC_MIHF_ID_MAX)];

	time_str(when, usec, buf, sizeof(buf));
	fprintf(f, "%s ", buf);
	print_name_or_number(f, ctl_event_name(ev->type), ev->type);
	if (ev->has_addr) {
		addr_str(ev, buf, sizeof(buf));
		fprintf(f, " addr %s", buf);
	}
	if (ev->has_peer_id) {
		ctl_escape_id(ev->peer_id, ev->peer_id_len, true, buf);
		fprintf(f, " peer %s", buf);
	}
	if (ev->has_local_id) {
		ctl_escape_id(ev->local_id, ev->local_id_len, true, buf);
		fprintf(f, " local %s", buf);
	}
	if (ev->has_keyid) {
		mihsec_hex_encode(ev->keyid, MIHSEC_KEYID_LEN, buf);
		fprintf(f, " keyid %s", buf);
	}
	if (ev->has_index)
		fprintf(f, " sa %" PRIu32, ev->index);
	if (ev->has_mid)
		fprintf(f, " msg %s", mihmsg_name(ev->mid, buf, sizeof(buf)));
	fputs("\n", f);
}

void ctl_print_stats(FILE *f, const uint64_t stats[MIHSEC_STAT_MAX + 1])
{
	for (int i = 1; i <= MIHSEC_STAT_MAX; i++)
		fprintf(f, "%-26s %" PRIu64 "\n", ctl_stat_name(i), stats[i]);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */

static void jadd(struct json_object *o, const char *key,
		 struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *jid(const uint8_t *id, size_t len)
{
	char s[CTL_ID_ESC_LEN(MIHSEC_MIHF_ID_MAX)];

	ctl_escape_id(id, len, false, s);
	return json_object_new_string(s);
}

static struct json_object *jname(const char *name)
{
	return json_object_new_string(name ? name : "unknown");
}

/* Array of message names ("0x...." for unknown MIDs) */
static struct json_object *jmids(const struct mihsec_mid_list *l)
{
	struct json_object *a = json_object_new_array();
	char name[MIHMSG_NAME_LEN];

	for (int i = 0; a && i < l->n; i++)
		json_object_array_add(a, json_object_new_string(
			mihmsg_name(l->mids[i], name, sizeof(name))));
	return a;
}

struct json_object *ctl_json_sa(const struct mihsec_sa_info *sa, bool stats)
{
	struct json_object *o = json_object_new_object();
	char k[2 * MIHSEC_KEYID_LEN + 1];

	if (!o)
		return NULL;
	jadd(o, "index", json_object_new_int64(sa->index));
	jadd(o, "local", jid(sa->local_id, sa->local_id_len));
	jadd(o, "peer", jid(sa->peer_id, sa->peer_id_len));
	jadd(o, "role", jname(ctl_role_name(sa->role)));
	jadd(o, "suite", json_object_new_int(sa->suite));
	jadd(o, "suite_name", jname(ctl_suite_name(sa->suite)));
	jadd(o, "encrypt",
	     json_object_new_boolean(!!(sa->flags & MIHSEC_SA_F_ENCRYPT)));
	jadd(o, "flags", json_object_new_int64(sa->flags));
	mihsec_hex_encode(sa->tx_keyid, MIHSEC_KEYID_LEN, k);
	jadd(o, "tx_keyid", json_object_new_string(k));
	mihsec_hex_encode(sa->rx_keyid, MIHSEC_KEYID_LEN, k);
	jadd(o, "rx_keyid", json_object_new_string(k));
	jadd(o, "replay_window", json_object_new_int64(sa->replay_window));
	jadd(o, "tx_seq", json_object_new_uint64(sa->tx_seq));
	jadd(o, "rx_seq", json_object_new_uint64(sa->rx_seq));
	jadd(o, "age", json_object_new_uint64(sa->age));
	if (sa->has_allow)
		jadd(o, "allow", jmids(&sa->allow));
	if (sa->life.has_soft_secs)
		jadd(o, "soft_secs", json_object_new_int64(sa->life.soft_secs));
	if (sa->life.has_hard_secs)
		jadd(o, "hard_secs", json_object_new_int64(sa->life.hard_secs));
	if (sa->life.has_soft_msgs)
		jadd(o, "soft_msgs", json_object_new_uint64(sa->life.soft_msgs));
	if (sa->life.has_hard_msgs)
		jadd(o, "hard_msgs", json_object_new_uint64(sa->life.hard_msgs));
	if (sa->life.has_grace)
		jadd(o, "grace", json_object_new_int64(sa->life.grace));
	if (stats) {
		struct json_object *s = json_object_new_object();

		for (int i = 1; s && i <= MIHSEC_SA_STAT_MAX; i++)
			jadd(s, ctl_sa_stat_json_name(i),
			     json_object_new_uint64(sa->stats[i]));
		jadd(o, "stats", s);
	}
	return o;
}

struct json_object *ctl_json_policy(const struct mihsec_policy_info *pi)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	jadd(o, "policy", jname(ctl_policy_name(pi->policy)));
	jadd(o, "port", json_object_new_int(pi->port));
	jadd(o, "sa_count", json_object_new_int64(pi->sa_count));
	if (pi->has_exempt)
		jadd(o, "exempt", jmids(&pi->exempt));
	if (pi->has_exempt_uir)
		jadd(o, "exempt_uir", jmids(&pi->exempt_uir));
	if (pi->has_event_rate)
		jadd(o, "event_rate", json_object_new_int64(pi->event_rate));
	if (pi->has_event_burst)
		jadd(o, "event_burst", json_object_new_int64(pi->event_burst));
	return o;
}

struct json_object *ctl_json_event(const struct mihsec_event_info *ev,
				   long long when, long usec)
{
	struct json_object *o = json_object_new_object();
	char buf[CTL_ID_ESC_LEN(MIHSEC_MIHF_ID_MAX)];

	if (!o)
		return NULL;
	time_str(when, usec, buf, sizeof(buf));
	jadd(o, "time", json_object_new_string(buf));
	jadd(o, "event", jname(ctl_event_name(ev->type)));
	jadd(o, "type", json_object_new_int(ev->type));
	if (ev->has_addr) {
		addr_str(ev, buf, sizeof(buf));
		jadd(o, "addr", json_object_new_string(buf));
	}
	if (ev->has_peer_id)
		jadd(o, "peer", jid(ev->peer_id, ev->peer_id_len));
	if (ev->has_local_id)
		jadd(o, "local", jid(ev->local_id, ev->local_id_len));
	if (ev->has_keyid) {
		mihsec_hex_encode(ev->keyid, MIHSEC_KEYID_LEN, buf);
		jadd(o, "keyid", json_object_new_string(buf));
	}
	if (ev->has_index)
		jadd(o, "sa", json_object_new_int64(ev->index));
	if (ev->has_mid) {
		jadd(o, "mid", json_object_new_int(ev->mid));
		jadd(o, "msg", json_object_new_string(
			     mihmsg_name(ev->mid, buf, sizeof(buf))));
	}
	return o;
}

struct json_object *ctl_json_stats(const uint64_t stats[MIHSEC_STAT_MAX + 1])
{
	struct json_object *o = json_object_new_object();

	for (int i = 1; o && i <= MIHSEC_STAT_MAX; i++)
		jadd(o, ctl_stat_json_name(i),
		     json_object_new_uint64(stats[i]));
	return o;
}

int ctl_json_print(FILE *f, struct json_object *obj)
{
	const char *s;

	if (!obj)
		return -1;
	s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s)
		return -1;
	fprintf(f, "%s\n", s);
	return 0;
}

/* ------------------------------------------------------------------ */
/* mihsecctl peers                                                     */

/* The string field @k of @o, or "-" */
static const char *peer_str(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (json_object_object_get_ex(o, k, &v) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0)
		return json_object_get_string(v);
	return "-";
}

/*
 * mihsecd sends IDs escaped for JSON (ctl_escape_id() with !human); the
 * table escapes the space and the double quote too, as sa show does.
 * @out holds 4 * strlen(@s) + 1.
 */
static void peer_id_human(const char *s, char *out)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '"') {
			sprintf(out, "\\x%02x", (unsigned char)*s);
			out += 4;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* "192.0.2.1:4551 static,capdisc" of an entry's "mih" object, or "-" */
static void peer_mih(struct json_object *o, char *out, size_t size)
{
	struct json_object *mih, *addrs, *a, *v;
	size_t off = 0;
	bool v6;

	snprintf(out, size, "-");
	if (!json_object_object_get_ex(o, "mih", &mih))
		return;
	if (json_object_object_get_ex(mih, "addresses", &addrs) &&
	    json_object_is_type(addrs, json_type_array) &&
	    json_object_array_length(addrs) > 0) {
		a = json_object_array_get_idx(addrs, 0);
		v6 = strchr(peer_str(a, "address"), ':') != NULL;

		/* [IPv6]:port */
		off = (size_t)snprintf(out, size, "%s%s%s:%s", v6 ? "[" : "",
				       peer_str(a, "address"), v6 ? "]" : "",
				       json_object_object_get_ex(a, "port", &v) ?
				       json_object_get_string(v) : "-");
		if (json_object_array_length(addrs) > 1 && off < size)
			off += (size_t)snprintf(out + off, size - off, "(+%zu)",
						json_object_array_length(addrs) - 1);
	} else {
		off = (size_t)snprintf(out, size, "-");
	}
	if (json_object_object_get_ex(mih, "sources", &v) &&
	    json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v) && off < size;
		     i++)
			off += (size_t)snprintf(out + off, size - off, "%s%s",
				i ? "," : " ",
				json_object_get_string(json_object_array_get_idx(v, i)));
	}
}

void ctl_print_peers(FILE *f, struct json_object *peers)
{
	size_t n = json_object_array_length(peers), w = 4;
	char **ids = calloc(n ? n : 1, sizeof(*ids));
	bool mih = false;

	if (!ids || !n) {
		free(ids);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *id = peer_str(json_object_array_get_idx(peers, i),
					  "peer");

		ids[i] = malloc(4 * strlen(id) + 1);
		if (!ids[i])
			continue;
		peer_id_human(id, ids[i]);
		if (strlen(ids[i]) > w)
			w = strlen(ids[i]);
		if (json_object_object_get_ex(json_object_array_get_idx(peers, i),
					      "mih", NULL))
			mih = true;
	}
	fprintf(f, "%-*s %-4s %-14s %-17s %-17s %-9s %-16s %-16s %6s %s%s\n",
		(int)w, "PEER", "KIND", "SOURCE", "MMT", "POA", "STATE",
		"RX-KEYID", "TX-KEYID", "REKEYS", mih ? "SINCE               " :
		"SINCE", mih ? " MIH" : "");
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(peers, i);
		struct json_object *v;
		char rekeys[24] = "-", since[32] = "-";

		if (json_object_object_get_ex(o, "rekeys", &v) &&
		    json_object_is_type(v, json_type_int))
			snprintf(rekeys, sizeof(rekeys), "%lld",
				 (long long)json_object_get_int64(v));
		if (json_object_object_get_ex(o, "since", &v) &&
		    json_object_is_type(v, json_type_int) &&
		    json_object_get_int64(v) > 0) {
			time_t t = (time_t)json_object_get_int64(v);
			struct tm tm;

			if (localtime_r(&t, &tm))
				strftime(since, sizeof(since),
					 "%Y-%m-%dT%H:%M:%S", &tm);
		}
		if (mih) {
			char m[160];

			peer_mih(o, m, sizeof(m));
			fprintf(f, "%-*s %-4s %-14s %-17s %-17s %-9s %-16s %-16s %6s %-20s %s\n",
				(int)w, ids[i] ? ids[i] : "?",
				peer_str(o, "kind"), peer_str(o, "source"),
				peer_str(o, "mac_mmt"), peer_str(o, "mac_poa"),
				peer_str(o, "state"), peer_str(o, "rx_keyid"),
				peer_str(o, "tx_keyid"), rekeys, since, m);
		} else {
			fprintf(f, "%-*s %-4s %-14s %-17s %-17s %-9s %-16s %-16s %6s %s\n",
				(int)w, ids[i] ? ids[i] : "?",
				peer_str(o, "kind"), peer_str(o, "source"),
				peer_str(o, "mac_mmt"), peer_str(o, "mac_poa"),
				peer_str(o, "state"), peer_str(o, "rx_keyid"),
				peer_str(o, "tx_keyid"), rekeys, since);
		}
		free(ids[i]);
	}
	free(ids);
}

/* ------------------------------------------------------------------ */
/* The MIH function's commands                                         */

static double num(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_double(v) :
						     0;
}

static void print_msg(FILE *f, const char *what, struct json_object *m)
{
	struct json_object *v;

	if (json_object_object_get_ex(m, "text", &v)) {
		fprintf(f, "%s %s", what, json_object_get_string(v));
		return;
	}
	fprintf(f, "%s %s (%s)%s%s\n", what, peer_str(m, "message"),
		peer_str(m, "error"),
		json_object_object_get_ex(m, "raw", NULL) ? " raw " : "",
		json_object_object_get_ex(m, "raw", NULL) ?
		peer_str(m, "raw") : "");
}

int ctl_print_mih_reply(FILE *f, int op, struct json_object *r)
{
	struct json_object *v, *w;

	switch (op) {
	case CTL_OP_MIH_SEND:
		if (json_object_object_get_ex(r, "request", &v))
			print_msg(f, "sent", v);
		if (json_object_object_get_ex(r, "response", &v)) {
			print_msg(f, "received", v);
			fprintf(f, "round trip %.3f ms\n", num(r, "rtt_ms"));
		} else {
			fprintf(f, "acknowledged\n");
		}
		break;
	case CTL_OP_IS_QUERY:
		fprintf(f, "status %s, %lld octets, %.3f ms\n",
			peer_str(r, "status"), (long long)num(r, "size"),
			num(r, "rtt_ms"));
		if (json_object_object_get_ex(r, "result", &v) && v)
			fprintf(f, "%s\n", json_object_to_json_string_ext(v,
				JSON_C_TO_STRING_PRETTY |
				JSON_C_TO_STRING_SPACED));
		break;
	case CTL_OP_IS_IMPORT:
		fprintf(f, "imported %lld networks, %lld PoAs\n",
			(long long)num(r, "networks"), (long long)num(r, "poas"));
		break;
	case CTL_OP_HANDOVER:
		if (!json_object_object_get_ex(r, "result", &v) || !v)
			break;
		if (json_object_object_get_ex(v, "mmt", &w) && w)
			fprintf(f, "network-initiated handover of %s\n",
				json_object_get_string(w));
		if (json_object_object_get_ex(v, "steps_ms", &w) && w) {
			json_object_object_foreach(w, k, s)
				fprintf(f, "%-16s %10.3f ms\n", k,
					json_object_get_double(s));
		}
		fprintf(f, "%-16s %10.3f ms\n", "total", num(v, "total_ms"));
		if (json_object_object_get_ex(v, "target", &w) && w)
			fprintf(f, "target pos %s poa %s network %s address %s\n",
				peer_str(w, "pos"), peer_str(w, "poa"),
				peer_str(w, "network_id"), peer_str(w, "address"));
		if (num(v, "status") != 0)
			fprintf(f, "handover FAILED at %s: %s\n",
				peer_str(v, "step"), peer_str(v, "reason"));
		else
			fprintf(f, "handover done (%lld candidate%s)\n",
				(long long)num(v, "candidates"),
				num(v, "candidates") == 1 ? "" : "s");
		break;
	default:
		fprintf(f, "roles %s, listening on %s port %lld, %lld MIH peer%s\n",
			peer_str(r, "roles"), peer_str(r, "listen"),
			(long long)num(r, "port"), (long long)num(r, "peers"),
			num(r, "peers") == 1 ? "" : "s");
		if (json_object_object_get_ex(r, "mihf", &v) && v) {
			json_object_object_foreach(v, k, s) {
				if (!strcmp(k, "id") || !strcmp(k, "roles"))
					continue;
				fprintf(f, "%s: %s\n", k,
					json_object_to_json_string_ext(s,
						JSON_C_TO_STRING_PLAIN |
						JSON_C_TO_STRING_SPACED));
			}
		}
		if (json_object_object_get_ex(r, "isdb", &v))
			fprintf(f, "isdb: %s\n", json_object_to_json_string_ext(v,
				JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_SPACED));
		if (json_object_object_get_ex(r, "proxy", &v))
			fprintf(f, "proxy: %s\n", json_object_to_json_string_ext(v,
				JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_SPACED));
		if (json_object_object_get_ex(r, "discovery", &v))
			fprintf(f, "discovery: %s\n", json_object_to_json_string_ext(v,
				JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_SPACED));
		break;
	}
	return CTL_EXIT_OK;
}

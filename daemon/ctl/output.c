// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecctl output: human-readable text and JSON (json-c).
 */
#include <inttypes.h>
#include <string.h>

#include "ctl/args.h"
#include "ctl/output.h"
#include "lib/hex.h"

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

// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecctl command line: parsing and help texts.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/args.h"
#include "ctl/keyfile.h"
#include "lib/hex.h"
#include "lib/mih.h"
#include "lib/mihie.h"
#include "lib/mihmsg.h"
#include "mihsecd/config.h"	/* MD_CONTROL_DEFAULT */

/* ------------------------------------------------------------------ */
/* Names                                                               */

static const char *const role_names[] = {
	[MIHSEC_ROLE_MMT] = "mmt",
	[MIHSEC_ROLE_NETWORK] = "network",
};

static const char *const suite_names[] = {
	[MIHSEC_SUITE_AES128_GCM] = "aes128-gcm",
	[MIHSEC_SUITE_AES256_GCM] = "aes256-gcm",
	[MIHSEC_SUITE_CHACHA20_POLY1305] = "chacha20-poly1305",
	[MIHSEC_SUITE_AES128_CBC_HMAC_SHA1] = "aes128-cbc-hmac-sha1",
};

static const char *const policy_names[] = {
	[MIHSEC_POLICY_OFF] = "off",
	[MIHSEC_POLICY_OPTIONAL] = "optional",
	[MIHSEC_POLICY_REQUIRE] = "require",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *ctl_role_name(uint8_t role)
{
	return role < ARRAY_SIZE(role_names) ? role_names[role] : NULL;
}

const char *ctl_suite_name(uint8_t suite)
{
	return suite < ARRAY_SIZE(suite_names) ? suite_names[suite] : NULL;
}

const char *ctl_policy_name(uint8_t policy)
{
	return policy < ARRAY_SIZE(policy_names) ? policy_names[policy] : NULL;
}

/* Index of @s in @names, or -1 */
static int name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Help                                                                */

static const char help_sa[] =
"  mihsecctl sa add local ID peer ID role mmt|network [suite SUITE]\n"
"                [encrypt on|off] tx-keyid HEX16 rx-keyid HEX16\n"
"                (tx-key HEX | tx-key-file PATH|-) (rx-key HEX | rx-key-file PATH|-)\n"
"                tx-salt HEX8 rx-salt HEX8 [replay-window N]\n"
"                [tx-ikey HEX64 | tx-ikey-file PATH|-] [rx-ikey HEX64 | rx-ikey-file PATH|-]\n"
"                [allow MSGS|none] [soft-secs N] [hard-secs N]\n"
"                [soft-msgs N] [hard-msgs N] [grace SECS] [tx-seq N]\n"
"  mihsecctl sa del rx-keyid HEX16\n"
"  mihsecctl sa del peer ID\n"
"  mihsecctl [-j] [-s] sa show [rx-keyid HEX16] [-s]\n"
"  mihsecctl sa flush\n";

static const char help_policy[] =
"  mihsecctl [-j] policy [show]\n"
"  mihsecctl policy set [off|optional|require] [exempt MSGS|none]\n"
"                [exempt-uir MSGS|none] [event-rate N] [event-burst N]\n";

static const char help_monitor[] =
"  mihsecctl [-j] monitor [count N] [timeout SECS]\n";

static const char help_msgs[] =
"MSGS: comma-separated 802.21 messages: a name as in IEEE 802.21\n"
"(MIH_Get_Information: every opcode it has on the wire), a name with\n"
".request, .response or .indication (one message ID), or a raw message\n"
"ID in hex (0x4401).  Names are case-sensitive.\n";

static const char help_stats[] =
"  mihsecctl [-j] stats [show]\n";

static const char help_msk[] =
"  mihsecctl [-S PATH] msk add MMT-MAC POA-MAC KEYFILE|-\n"
"  mihsecctl [-S PATH] msk del MMT-MAC POA-MAC\n";

static const char help_peers[] =
"  mihsecctl [-j] [-S PATH] peers [show]\n";

static const char help_mih[] =
"  mihsecctl [-j] [-S PATH] mih send PEER MESSAGE [TLV...]\n";

static const char help_is[] =
"  mihsecctl [-j] [-S PATH] is query [type T,...] [network ID] [report IE,...]\n"
"                [limit N] [max N] [server PEER] [wait SECS]\n"
"  mihsecctl [-j] [-S PATH] is import FILE [replace]\n"
"  mihsecctl [-j] [-S PATH] is export\n";

static const char help_handover[] =
"  mihsecctl [-j] [-S PATH] handover [target NETWORK] [poa MAC] [pos PEER]\n"
"                [server PEER] [wait SECS]\n"
"  mihsecctl [-j] [-S PATH] handover mmt PEER [poa MAC] [pos PEER] [wait SECS]\n";

static const char help_mihf[] =
"  mihsecctl [-j] [-S PATH] mihf [status]\n";

static const char help_mih_details[] =
"mih send crafts one 802.21 request or indication and has mihsecd's MIH\n"
"function send it to PEER (a [peer] name of mihsecd.conf, an address of a\n"
"peer whose MIHF ID is known, or an MIHF ID), then prints the response\n"
"decoded (an indication: whether it was acknowledged).  MESSAGE: a name\n"
"with .request or .indication (MIH_Capability_Discover.request) or a\n"
"message ID in hex (0x1401).  Each TLV is T=HEX (type 3-255, the value in\n"
"hex, e.g. 5=00000006) or one of these NAME=VALUE fields (VALUE a number,\n"
"decimal or 0x hex, unless said):\n"
"  status link-type reg-request-code link-dn-reason link-gd-reason\n"
"  ho-status ho-result (1 octet); trans-list ip-mob-mgmt time-interval\n"
"  max-rsp-size (2); evt-list cmd-list ip-cfg-mthds valid-time (4);\n"
"  iq-type-list (8); ip-renewal resource-status resource-retention\n"
"  query-resource-report uir (yes/no); mn-mihf-id (text); poa (a MAC).\n"
"The TLVs go in the order given; mihsecd checks the message against its\n"
"definition before sending it.\n";

static const char help_is_details[] =
"is query asks an information server (server PEER, else mihsecd's\n"
"[mihf] is-server) with MIH_Get_Information and prints the answer.\n"
"type: network types (ethernet, 802.11, 802.16, umts, ... or a bit\n"
"number); network: a network ID (SSID); report: the IEs to report (IE_COST\n"
"or cost, or a number; default all); limit: at most N networks; max:\n"
"the Max response size in octets; wait: seconds to wait (default 60).\n"
"is import loads a text file\n"
"(docs/isdb-format.md) into the IS database of the mihsecd it talks to\n"
"(role is); the file is opened by mihsecctl and handed over as a file\n"
"descriptor, so it needs to be readable by the caller only ('-':\n"
"standard input).  All or nothing; replace: empty the database first.\n"
"is export prints the whole database in the same format.\n";

static const char help_handover_details[] =
"handover runs the mobile-initiated handover call flow on a terminal's\n"
"mihsecd (role mmt): IS query, candidate query, commit, the link switch\n"
"([mihf] handover-script), complete; and prints each step's latency.\n"
"target: only the network of this ID; poa: the PoA (link address) to\n"
"move to; pos: the target PoS (a peer); server: the IS server.  wait:\n"
"seconds to wait for the end (default 60).  Exit status 1 if it failed.\n"
"handover mmt PEER runs the network-initiated call flow on the terminal's\n"
"serving PoS (role poa): candidate query to the terminal, resource query\n"
"and reservation at the target PoS, commit to the terminal, until the\n"
"target reports the completion.  PEER: the terminal's MIHF ID (or a\n"
"[peer] name or address); poa: only that PoA, else every PoA the other\n"
"PoSes announced; pos: the target PoS.\n";

static const char help_mihf_details[] =
"mihf status prints the MIH function's state: registrations,\n"
"subscriptions, handover resources, links, counters and the transport's\n"
"statistics (retransmissions, duplicates, timeouts).\n";

static const char help_options[] =
"Options:\n"
"  -j, --json     JSON output (sa show, policy, stats, monitor, peers,\n"
"                 mih, is, handover, mihf)\n"
"  -s, --stats    sa show: add each SA's counters\n"
"  -S, --control PATH\n"
"                 mihsecd's control socket (msk, peers, mih, is,\n"
"                 handover, mihf)\n"
"  -h, --help     this help; 'mihsecctl OBJECT help' for one object\n"
"  -V, --version  print the version\n";

static const char help_msk_details[] =
"msk add hands mihsecd the MSK of terminal MMT-MAC, authenticated by\n"
"POA-MAC, for deployments that move keys out of band (key source manual):\n"
"mihsecd derives and installs the SAs as after an EAP success (for a known\n"
"terminal: a rekey).  KEYFILE holds the MSK in hex: 64 digits (MSK[0..31])\n"
"or 128 (a whole MSK; its first 32 octets are used); '-': one line of\n"
"standard input.  The key is never printed.  msk del removes the SAs of\n"
"that terminal.  MACs are written aa:bb:cc:dd:ee:ff.\n";

static const char help_peers_details[] =
"Prints the SAs mihsecd installed or adopted, one line per peer: MIHF ID,\n"
"kind (poa, is, mmt), key source, the terminal's and the authenticator's\n"
"MAC, state (installed, pending, gone), key IDs, rekeys and the time of\n"
"the last install.  Never a key.  With the MIH function running, the MIH\n"
"peer table too: a last column MIH with the peer's address and where it\n"
"was learned (static, capdisc, dns, dhcp, seen); MIH peers without an SA\n"
"are listed with state no-sa.\n";

static const char help_control[] =
"msk, peers, mih, is, handover and mihf talk to mihsecd over its\n"
"control socket: -S PATH, else\n"
"$MIHSEC_CONTROL, else " MD_CONTROL_DEFAULT ".\n";

static const char help_exit[] =
"Exit status: 0 success; 1 the kernel refused or another runtime error\n"
"(the kernel's message is printed); 2 usage error; 3 the mihsec kernel\n"
"module is not loaded (generic netlink family \"mihsec\" not found).\n";

static const char help_sa_details[] =
"ID is an MIHF ID, 1-253 octets.  HEX16/HEX8/HEX64: exactly 16/8/64 hex\n"
"digits, HEX: up to 64 (the key length is the suite's: 32 digits for\n"
"suites 1 and 4, 64 for 2 and 3); a 0x prefix is optional.  PATH names a\n"
"file holding the key in hex ('-': one line of standard input; two keys\n"
"from '-' are read one line each, in command-line order).  Keys are never\n"
"printed.  SUITE: 1 aes128-gcm (default), 2 aes256-gcm, 3 chacha20-poly1305,\n"
"4 aes128-cbc-hmac-sha1 (needs tx-ikey and rx-ikey).  encrypt defaults to\n"
"on, replay-window to 1024 (64-8192 packets).  allow: the messages the\n"
"peer may send on this SA (default: all; none: nothing).  soft-secs,\n"
"hard-secs (seconds), soft-msgs, hard-msgs (PDUs): lifetimes, 0 = never.\n"
"grace: seconds an SA keeps receiving after a newer SA for its peer is\n"
"added (default 30, at most 3600).  tx-seq: the last sequence number the\n"
"sender already used with these keys (an SA moved from another host;\n"
"default 0, at most 9223372036854775808 = 2^63).\n";

void ctl_help(FILE *f, enum ctl_topic topic)
{
	fprintf(f, "Usage:\n");
	switch (topic) {
	case CTL_TOPIC_SA:
		fputs(help_sa, f);
		fputs("\n", f);
		fputs(help_sa_details, f);
		break;
	case CTL_TOPIC_POLICY:
		fputs(help_policy, f);
		fputs("\noff: pass all MIH traffic untouched; optional: protect where an SA\n"
		      "exists (default); require: also drop unprotected MIH PDUs, except\n"
		      "the exempt messages (exempt-uir: only with the UIR bit set).\n"
		      "event-rate: events per second (0-10000, 0 = none), event-burst:\n"
		      "at once (1-10000).  Each item given replaces that setting.\n\n", f);
		fputs(help_msgs, f);
		break;
	case CTL_TOPIC_MONITOR:
		fputs(help_monitor, f);
		fputs("\nPrints the kernel's events (no-sa, unknown-key, auth-fail, replay,\n"
		      "denied, sa-soft-expired, sa-expired, seq-exhausted), one line each,\n"
		      "until count events were printed, timeout seconds passed, or\n"
		      "SIGINT/SIGTERM.\n", f);
		break;
	case CTL_TOPIC_STATS:
		fputs(help_stats, f);
		fputs("\nPrints every counter of the network namespace, zeros included.\n",
		      f);
		break;
	case CTL_TOPIC_MSK:
		fputs(help_msk, f);
		fputs("\n", f);
		fputs(help_msk_details, f);
		fputs(help_control, f);
		break;
	case CTL_TOPIC_PEERS:
		fputs(help_peers, f);
		fputs("\n", f);
		fputs(help_peers_details, f);
		fputs(help_control, f);
		break;
	case CTL_TOPIC_MIH:
		fputs(help_mih, f);
		fputs("\n", f);
		fputs(help_mih_details, f);
		fputs(help_control, f);
		break;
	case CTL_TOPIC_IS:
		fputs(help_is, f);
		fputs("\n", f);
		fputs(help_is_details, f);
		fputs(help_control, f);
		break;
	case CTL_TOPIC_HANDOVER:
		fputs(help_handover, f);
		fputs("\n", f);
		fputs(help_handover_details, f);
		fputs(help_control, f);
		break;
	case CTL_TOPIC_MIHF:
		fputs(help_mihf, f);
		fputs("\n", f);
		fputs(help_mihf_details, f);
		fputs(help_control, f);
		break;
	case CTL_TOPIC_MAIN:
	default:
		fputs("  mihsecctl [OPTIONS] OBJECT COMMAND [ARGUMENTS]\n\n", f);
		fputs(help_sa, f);
		fputs(help_policy, f);
		fputs(help_stats, f);
		fputs(help_monitor, f);
		fputs(help_msk, f);
		fputs(help_peers, f);
		fputs(help_mih, f);
		fputs(help_is, f);
		fputs(help_handover, f);
		fputs(help_mihf, f);
		fputs("\n", f);
		fputs(help_options, f);
		fputs("\n", f);
		fputs(help_sa_details, f);
		fputs(help_msgs, f);
		fputs(help_msk_details, f);
		fputs(help_peers_details, f);
		fputs(help_mih_details, f);
		fputs(help_is_details, f);
		fputs(help_handover_details, f);
		fputs(help_mihf_details, f);
		fputs(help_control, f);
		break;
	}
	fputs("\n", f);
	fputs(help_exit, f);
}

/* ------------------------------------------------------------------ */
/* Parser helpers                                                      */

struct parser {
	int argc;
	char **argv;
	int i;			/* next argument */
	char *err;
	size_t errlen;
	const char *what;	/* "sa add", ... for messages */
};

static int usage(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int usage(struct parser *p, const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;

	if (p->what) {
		snprintf(p->err, p->errlen, "%s: ", p->what);
		n = strlen(p->err);
	}
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return CTL_EXIT_USAGE;
}

static bool more(const struct parser *p)
{
	return p->i < p->argc;
}

static char *peek(const struct parser *p)
{
	return more(p) ? p->argv[p->i] : NULL;
}

/* The value after keyword @kw (argv[p->i - 1]) */
static int value(struct parser *p, const char *kw, char **val)
{
	if (!more(p))
		return usage(p, "'%s' needs a value", kw);
	*val = p->argv[p->i++];
	return 0;
}

static int parse_id(struct parser *p, const char *kw, const char *s,
		    uint8_t *id, size_t *len)
{
	size_t n = strlen(s);

	if (n == 0)
		return usage(p, "%s: empty MIHF ID", kw);
	if (n > MIHSEC_MIHF_ID_MAX)
		return usage(p, "%s: MIHF ID of %zu octets, at most %d allowed",
			     kw, n, MIHSEC_MIHF_ID_MAX);
	memcpy(id, s, n);
	*len = n;
	return 0;
}

/* Exactly @len octets of hex (not secret: the value is quoted) */
static int parse_hex_exact(struct parser *p, const char *kw, const char *s,
			   uint8_t *out, size_t len)
{
	int rc = mihsec_hex_decode(s, out, len);

	if (rc == -E2BIG || (rc >= 0 && (size_t)rc != len)) {
		explicit_bzero(out, len);
		return usage(p, "%s '%s': must be %zu hex digits (%zu octets)",
			     kw, s, 2 * len, len);
	}
	if (rc < 0)
		return usage(p, "%s '%s': %s", kw, s, mihsec_hex_strerror(rc));
	return 0;
}

/* A key given inline: 1..@max octets of hex; the argument is wiped */
static int parse_key_hex(struct parser *p, const char *kw, char *s,
			 uint8_t *out, size_t max, size_t *outlen)
{
	int rc = mihsec_hex_decode(s, out, max);

	explicit_bzero(s, strlen(s));
	if (rc == -E2BIG)
		return usage(p, "%s: key too long (at most %zu octets)", kw,
			     max);
	if (rc < 0)
		return usage(p, "%s: %s", kw, mihsec_hex_strerror(rc));
	if (outlen)
		*outlen = (size_t)rc;
	else if ((size_t)rc != max) {
		explicit_bzero(out, max);
		return usage(p, "%s: must be %zu hex digits (%zu octets)", kw,
			     2 * max, max);
	}
	return 0;
}

/* Decimal unsigned within [min, max] */
static int parse_uint(struct parser *p, const char *kw, const char *s,
		      unsigned long min, unsigned long max, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return usage(p, "%s: '%s' is not a number", kw, s);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end)
		return usage(p, "%s: '%s' is not a number", kw, s);
	if (errno == ERANGE || v < min || v > max)
		return usage(p, "%s: %s is out of range (%lu to %lu)", kw, s,
			     min, max);
	*out = (uint32_t)v;
	return 0;
}

/* Decimal unsigned 64-bit */
static int parse_u64(struct parser *p, const char *kw, const char *s,
		     uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return usage(p, "%s: '%s' is not a number", kw, s);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return usage(p, "%s: '%s' is not a number", kw, s);
	if (errno == ERANGE)
		return usage(p, "%s: %s is out of range (0 to %llu)", kw, s,
			     (unsigned long long)UINT64_MAX);
	*out = v;
	return 0;
}

/* "none" (empty) or a comma-separated list of 802.21 messages */
static int parse_mid_list(struct parser *p, const char *kw, const char *s,
			  struct mihsec_mid_list *list)
{
	const char *bad;
	int n;

	if (!strcmp(s, "none")) {
		list->n = 0;
		return 0;
	}
	n = mihmsg_parse_list(s, list->mids, MIHSEC_ALLOW_MAX, &bad);
	if (n == -ENOSPC)
		return usage(p, "%s: more than %d messages", kw,
			     MIHSEC_ALLOW_MAX);
	if (n < 0) {
		size_t len = strcspn(bad, ",");

		if (!len)
			return usage(p, "%s: empty item in '%s'", kw, s);
		return usage(p, "%s: '%.*s' is not an 802.21 message "
			     "(a name such as MIH_Link_Up, optionally with "
			     ".request/.response/.indication, or a MID "
			     "such as 0x4401)", kw, (int)len, bad);
	}
	list->n = (uint16_t)n;
	return 0;
}

static int parse_suite(struct parser *p, const char *s, uint8_t *suite)
{
	int i = name_index(suite_names, ARRAY_SIZE(suite_names), s);

	if (i < 0 && s[0] >= '1' && s[0] <= '4' && !s[1])
		i = s[0] - '0';
	if (i < 0)
		return usage(p,
			     "suite: '%s' is not a suite (1 aes128-gcm, 2 aes256-gcm, 3 chacha20-poly1305, 4 aes128-cbc-hmac-sha1)",
			     s);
	*suite = (uint8_t)i;
	return 0;
}

/* ------------------------------------------------------------------ */
/* sa add                                                              */

enum sa_slot {
	S_LOCAL, S_PEER, S_ROLE, S_SUITE, S_ENCRYPT, S_TX_KEYID, S_RX_KEYID,
	S_TX_KEY, S_RX_KEY, S_TX_SALT, S_RX_SALT, S_REPLAY, S_TX_IKEY,
	S_RX_IKEY, S_ALLOW, S_SOFT_SECS, S_HARD_SECS, S_SOFT_MSGS, S_HARD_MSGS,
	S_GRACE, S_TX_SEQ, S_COUNT
};

struct sa_kw {
	const char *name;
	enum sa_slot slot;
};

static const struct sa_kw sa_kws[] = {
	{ "local", S_LOCAL },
	{ "peer", S_PEER },
	{ "role", S_ROLE },
	{ "suite", S_SUITE },
	{ "encrypt", S_ENCRYPT },
	{ "tx-keyid", S_TX_KEYID },
	{ "rx-keyid", S_RX_KEYID },
	{ "tx-key", S_TX_KEY },
	{ "tx-key-file", S_TX_KEY },
	{ "rx-key", S_RX_KEY },
	{ "rx-key-file", S_RX_KEY },
	{ "tx-salt", S_TX_SALT },
	{ "rx-salt", S_RX_SALT },
	{ "replay-window", S_REPLAY },
	{ "tx-ikey", S_TX_IKEY },
	{ "tx-ikey-file", S_TX_IKEY },
	{ "rx-ikey", S_RX_IKEY },
	{ "rx-ikey-file", S_RX_IKEY },
	{ "allow", S_ALLOW },
	{ "soft-secs", S_SOFT_SECS },
	{ "hard-secs", S_HARD_SECS },
	{ "soft-msgs", S_SOFT_MSGS },
	{ "hard-msgs", S_HARD_MSGS },
	{ "grace", S_GRACE },
	{ "tx-seq", S_TX_SEQ },
};

/* Required keywords, in the order they are reported missing */
static const struct {
	enum sa_slot slot;
	const char *name;
} sa_required[] = {
	{ S_LOCAL, "local" },
	{ S_PEER, "peer" },
	{ S_ROLE, "role" },
	{ S_TX_KEYID, "tx-keyid" },
	{ S_RX_KEYID, "rx-keyid" },
	{ S_TX_KEY, "tx-key or tx-key-file" },
	{ S_RX_KEY, "rx-key or rx-key-file" },
	{ S_TX_SALT, "tx-salt" },
	{ S_RX_SALT, "rx-salt" },
};

static int key_arg(struct parser *p, struct ctl_args *a, enum ctl_key k,
		   const char *kw, char *val, uint8_t *buf, size_t max,
		   size_t *len)
{
	struct ctl_key_arg *ka = &a->key[k];

	ka->argi = p->i - 2;	/* the keyword; p->i is past its value */
	if (strstr(kw, "-file")) {
		if (!*val)
			return usage(p, "%s: empty path", kw);
		ka->src = strcmp(val, "-") ? CTL_SRC_FILE : CTL_SRC_STDIN;
		ka->path = val;
		return 0;
	}
	ka->src = CTL_SRC_HEX;
	return parse_key_hex(p, kw, val, buf, max, len);
}

static int parse_sa_add(struct parser *p, struct ctl_args *a)
{
	const char *seen[S_COUNT] = { 0 };
	struct mihsec_sa_cfg *c = &a->sa;
	char *kw, *val = NULL;
	int rc;

	a->op = CTL_OP_SA_ADD;
	while (more(p)) {
		const struct sa_kw *k = NULL;

		kw = p->argv[p->i++];
		for (size_t j = 0; j < ARRAY_SIZE(sa_kws); j++)
			if (!strcmp(kw, sa_kws[j].name))
				k = &sa_kws[j];
		if (!k)
			return usage(p, "unknown keyword '%s'", kw);
		if (seen[k->slot]) {
			if (!strcmp(seen[k->slot], kw))
				return usage(p, "'%s' given twice", kw);
			return usage(p, "'%s' and '%s' exclude each other",
				     seen[k->slot], kw);
		}
		seen[k->slot] = k->name;
		rc = value(p, kw, &val);
		if (rc)
			return rc;

		switch (k->slot) {
		case S_LOCAL:
			rc = parse_id(p, kw, val, c->local_id,
				      &c->local_id_len);
			break;
		case S_PEER:
			rc = parse_id(p, kw, val, c->peer_id, &c->peer_id_len);
			break;
		case S_ROLE:
			rc = name_index(role_names, ARRAY_SIZE(role_names),
					val);
			if (rc < 0)
				return usage(p,
					     "role: '%s' is not mmt or network",
					     val);
			c->role = (uint8_t)rc;
			rc = 0;
			break;
		case S_SUITE:
			c->has_suite = true;
			rc = parse_suite(p, val, &c->suite);
			break;
		case S_ENCRYPT:
			c->has_flags = true;
			if (!strcmp(val, "on"))
				c->flags = MIHSEC_SA_F_ENCRYPT;
			else if (!strcmp(val, "off"))
				c->flags = 0;
			else
				return usage(p,
					     "encrypt: '%s' is not on or off",
					     val);
			break;
		case S_TX_KEYID:
			rc = parse_hex_exact(p, kw, val, c->tx_keyid,
					     MIHSEC_KEYID_LEN);
			break;
		case S_RX_KEYID:
			rc = parse_hex_exact(p, kw, val, c->rx_keyid,
					     MIHSEC_KEYID_LEN);
			break;
		case S_TX_KEY:
			rc = key_arg(p, a, CTL_KEY_TX, kw, val, c->tx_key,
				     MIHSEC_KEY_MAX, &c->tx_key_len);
			break;
		case S_RX_KEY:
			rc = key_arg(p, a, CTL_KEY_RX, kw, val, c->rx_key,
				     MIHSEC_KEY_MAX, &c->rx_key_len);
			break;
		case S_TX_SALT:
			rc = parse_key_hex(p, kw, val, c->tx_salt,
					   MIHSEC_SALT_LEN, NULL);
			break;
		case S_RX_SALT:
			rc = parse_key_hex(p, kw, val, c->rx_salt,
					   MIHSEC_SALT_LEN, NULL);
			break;
		case S_REPLAY:
			c->has_replay_window = true;
			rc = parse_uint(p, kw, val, MIHSEC_REPLAY_WINDOW_MIN,
					MIHSEC_REPLAY_WINDOW_MAX,
					&c->replay_window);
			break;
		case S_TX_IKEY:
			rc = key_arg(p, a, CTL_KEY_TX_IKEY, kw, val,
				     c->tx_ikey, MIHSEC_IKEY_LEN, NULL);
			break;
		case S_RX_IKEY:
			rc = key_arg(p, a, CTL_KEY_RX_IKEY, kw, val,
				     c->rx_ikey, MIHSEC_IKEY_LEN, NULL);
			break;
		case S_ALLOW:
			c->has_allow = true;
			rc = parse_mid_list(p, kw, val, &c->allow);
			break;
		case S_SOFT_SECS:
			c->life.has_soft_secs = true;
			rc = parse_uint(p, kw, val, 0, UINT32_MAX,
					&c->life.soft_secs);
			break;
		case S_HARD_SECS:
			c->life.has_hard_secs = true;
			rc = parse_uint(p, kw, val, 0, UINT32_MAX,
					&c->life.hard_secs);
			break;
		case S_SOFT_MSGS:
			c->life.has_soft_msgs = true;
			rc = parse_u64(p, kw, val, &c->life.soft_msgs);
			break;
		case S_HARD_MSGS:
			c->life.has_hard_msgs = true;
			rc = parse_u64(p, kw, val, &c->life.hard_msgs);
			break;
		case S_GRACE:
			c->life.has_grace = true;
			rc = parse_uint(p, kw, val, 0, MIHSEC_GRACE_MAX,
					&c->life.grace);
			break;
		case S_TX_SEQ:
			c->has_tx_seq = true;
			rc = parse_u64(p, kw, val, &c->tx_seq);
			if (!rc && c->tx_seq > MIHSEC_SEQ_MAX)
				rc = usage(p, "tx-seq: %s is out of range (0 to %llu)",
					   val, (unsigned long long)MIHSEC_SEQ_MAX);
			break;
		case S_COUNT:
			break;
		}
		if (rc)
			return rc;
	}
	for (size_t j = 0; j < ARRAY_SIZE(sa_required); j++)
		if (!seen[sa_required[j].slot])
			return usage(p, "missing %s", sa_required[j].name);
	if (!seen[S_TX_IKEY] != !seen[S_RX_IKEY])
		return usage(p, "missing %s",
			     seen[S_TX_IKEY] ? "rx-ikey or rx-ikey-file" :
					       "tx-ikey or tx-ikey-file");
	c->has_ikeys = seen[S_TX_IKEY] != NULL;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The other commands                                                  */

static int parse_sa_del(struct parser *p, struct ctl_args *a)
{
	char *kw, *val = NULL;
	int rc;

	a->op = CTL_OP_SA_DEL;
	while (more(p)) {
		kw = p->argv[p->i++];
		if (strcmp(kw, "rx-keyid") && strcmp(kw, "peer"))
			return usage(p, "unknown keyword '%s'", kw);
		if (a->has_keyid || a->has_peer) {
			if (!strcmp(kw, a->has_keyid ? "rx-keyid" : "peer"))
				return usage(p, "'%s' given twice", kw);
			return usage(p,
				     "give either rx-keyid or peer, not both");
		}
		rc = value(p, kw, &val);
		if (rc)
			return rc;
		if (!strcmp(kw, "rx-keyid")) {
			rc = parse_hex_exact(p, kw, val, a->keyid,
					     MIHSEC_KEYID_LEN);
			a->has_keyid = true;
		} else {
			rc = parse_id(p, kw, val, a->peer_id, &a->peer_id_len);
			a->has_peer = true;
		}
		if (rc)
			return rc;
	}
	if (!a->has_keyid && !a->has_peer)
		return usage(p, "missing rx-keyid or peer");
	return 0;
}

static int parse_sa_show(struct parser *p, struct ctl_args *a)
{
	bool seen_s = false;
	char *kw, *val = NULL;
	int rc;

	a->op = CTL_OP_SA_SHOW;
	while (more(p)) {
		kw = p->argv[p->i++];
		if (!strcmp(kw, "-s") || !strcmp(kw, "--stats")) {
			if (seen_s)
				return usage(p, "'%s' given twice", kw);
			seen_s = true;
			a->stats = true;
			continue;
		}
		if (strcmp(kw, "rx-keyid"))
			return usage(p, "unknown keyword '%s'", kw);
		if (a->has_keyid)
			return usage(p, "'%s' given twice", kw);
		rc = value(p, kw, &val);
		if (rc)
			return rc;
		rc = parse_hex_exact(p, kw, val, a->keyid, MIHSEC_KEYID_LEN);
		if (rc)
			return rc;
		a->has_keyid = true;
	}
	return 0;
}

static int no_more(struct parser *p)
{
	if (more(p))
		return usage(p, "unexpected argument '%s'", peek(p));
	return 0;
}

static bool is_help(const char *s)
{
	return s && (!strcmp(s, "help") || !strcmp(s, "-h") ||
		     !strcmp(s, "--help"));
}

static int parse_sa(struct parser *p, struct ctl_args *a)
{
	char *cmd = peek(p);

	a->topic = CTL_TOPIC_SA;
	if (!cmd)
		return usage(p, "missing command (add, del, show, flush, help)");
	p->i++;
	if (is_help(cmd)) {
		a->op = CTL_OP_HELP;
		return no_more(p);
	}
	if (!strcmp(cmd, "add"))
		p->what = "sa add";
	else if (!strcmp(cmd, "del"))
		p->what = "sa del";
	else if (!strcmp(cmd, "show"))
		p->what = "sa show";
	else if (!strcmp(cmd, "flush"))
		p->what = "sa flush";
	if (strcmp(p->what, "sa") && is_help(peek(p))) {
		p->i++;
		a->op = CTL_OP_HELP;
		return no_more(p);
	}
	if (!strcmp(cmd, "add"))
		return parse_sa_add(p, a);
	if (!strcmp(cmd, "del"))
		return parse_sa_del(p, a);
	if (!strcmp(cmd, "show"))
		return parse_sa_show(p, a);
	if (!strcmp(cmd, "flush")) {
		a->op = CTL_OP_SA_FLUSH;
		return no_more(p);
	}
	return usage(p, "unknown command '%s' (add, del, show, flush, help)",
		     cmd);
}

/* KEYWORD N, once: an unsigned in [min, max] */
static int keyword_uint(struct parser *p, const char *kw, bool *seen,
			unsigned long min, unsigned long max, uint32_t *out)
{
	char *val = NULL;
	int rc;

	if (*seen)
		return usage(p, "'%s' given twice", kw);
	*seen = true;
	rc = value(p, kw, &val);
	return rc ? rc : parse_uint(p, kw, val, min, max, out);
}

/*
 * The start of "policy" and "stats": nothing (show), "show" or "help".
 * Returns 1 when the command is complete (*rc is the result), 0 when a
 * further word (left in *cmd, consumed) is for the caller.
 */
static int parse_show_help(struct parser *p, struct ctl_args *a,
			   const char *show_what, char **cmd, int *rc)
{
	*cmd = peek(p);
	*rc = 0;
	if (!*cmd)
		return 1;
	p->i++;
	if (is_help(*cmd)) {
		a->op = CTL_OP_HELP;
		*rc = no_more(p);
		return 1;
	}
	if (!strcmp(*cmd, "show")) {
		p->what = show_what;
		*rc = no_more(p);
		return 1;
	}
	return 0;
}

static int parse_policy(struct parser *p, struct ctl_args *a)
{
	char *cmd, *val = NULL;
	int i, rc;

	a->topic = CTL_TOPIC_POLICY;
	a->op = CTL_OP_POLICY_SHOW;
	if (parse_show_help(p, a, "policy show", &cmd, &rc))
		return rc;
	if (strcmp(cmd, "set"))
		return usage(p, "unknown command '%s' (show, set, help)", cmd);
	p->what = "policy set";
	a->op = CTL_OP_POLICY_SET;
	if (!more(p))
		return usage(p, "missing policy, exempt, exempt-uir, event-rate "
			     "or event-burst");
	while (more(p)) {
		struct mihsec_policy_cfg *pc = &a->pol;
		char *kw = p->argv[p->i++];

		i = name_index(policy_names, ARRAY_SIZE(policy_names), kw);
		if (i >= 0) {
			if (pc->has_policy)
				return usage(p, "policy given twice");
			pc->has_policy = true;
			pc->policy = (uint8_t)i;
			continue;
		}
		if (!strcmp(kw, "exempt")) {
			if (pc->has_exempt)
				return usage(p, "'%s' given twice", kw);
			pc->has_exempt = true;
			rc = value(p, kw, &val);
			if (!rc)
				rc = parse_mid_list(p, kw, val, &pc->exempt);
		} else if (!strcmp(kw, "exempt-uir")) {
			if (pc->has_exempt_uir)
				return usage(p, "'%s' given twice", kw);
			pc->has_exempt_uir = true;
			rc = value(p, kw, &val);
			if (!rc)
				rc = parse_mid_list(p, kw, val,
						    &pc->exempt_uir);
		} else if (!strcmp(kw, "event-rate")) {
			rc = keyword_uint(p, kw, &pc->has_event_rate, 0,
					  CTL_EVENT_RATE_MAX, &pc->event_rate);
		} else if (!strcmp(kw, "event-burst")) {
			rc = keyword_uint(p, kw, &pc->has_event_burst, 1,
					  CTL_EVENT_BURST_MAX, &pc->event_burst);
		} else {
			return usage(p, "'%s' is not off, optional, require, "
				     "exempt, exempt-uir, event-rate or "
				     "event-burst", kw);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_monitor(struct parser *p, struct ctl_args *a)
{
	bool seen_count = false;
	char *kw;
	int rc;

	a->topic = CTL_TOPIC_MONITOR;
	a->op = CTL_OP_MONITOR;
	if (is_help(peek(p))) {
		p->i++;
		a->op = CTL_OP_HELP;
		return no_more(p);
	}
	while (more(p)) {
		kw = p->argv[p->i++];
		if (!strcmp(kw, "count")) {
			rc = keyword_uint(p, kw, &seen_count, 1, UINT32_MAX,
					  &a->mon_count);
		} else if (!strcmp(kw, "timeout")) {
			rc = keyword_uint(p, kw, &a->has_mon_timeout, 0,
					  CTL_MONITOR_TIMEOUT_MAX,
					  &a->mon_timeout);
		} else {
			return usage(p, "unknown keyword '%s' (count, timeout)",
				     kw);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_stats(struct parser *p, struct ctl_args *a)
{
	char *cmd;
	int rc;

	a->topic = CTL_TOPIC_STATS;
	a->op = CTL_OP_STATS;
	if (parse_show_help(p, a, "stats show", &cmd, &rc))
		return rc;
	return usage(p, "unknown command '%s' (show, help)", cmd);
}

/* ------------------------------------------------------------------ */
/* msk, peers (served by mihsecd)                                      */

bool ctl_parse_mac(const char *s, uint8_t mac[6])
{
	static const char hex[] = "0123456789abcdef";

	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 6; i++) {
		const char *q = s + 3 * i;
		const char *hi = q[0] ? strchr(hex, q[0] | 0x20) : NULL;
		const char *lo = q[1] ? strchr(hex, q[1] | 0x20) : NULL;

		if (!hi || !lo || (i < 5 && q[2] != ':'))
			return false;
		mac[i] = (uint8_t)((hi - hex) << 4 | (lo - hex));
	}
	return true;
}

static int parse_mac_arg(struct parser *p, const char *name, uint8_t mac[6])
{
	const char *s;

	if (!more(p))
		return usage(p, "missing %s", name);
	s = p->argv[p->i++];
	if (!ctl_parse_mac(s, mac))
		return usage(p, "%s '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
			     name, s);
	return 0;
}

static int parse_msk(struct parser *p, struct ctl_args *a)
{
	char *cmd = peek(p), *val;
	int rc;

	a->topic = CTL_TOPIC_MSK;
	if (!cmd)
		return usage(p, "missing command (add, del, help)");
	p->i++;
	if (is_help(cmd)) {
		a->op = CTL_OP_HELP;
		return no_more(p);
	}
	if (!strcmp(cmd, "add")) {
		p->what = "msk add";
		a->op = CTL_OP_MSK_ADD;
	} else if (!strcmp(cmd, "del")) {
		p->what = "msk del";
		a->op = CTL_OP_MSK_DEL;
	} else {
		return usage(p, "unknown command '%s' (add, del, help)", cmd);
	}
	if (is_help(peek(p))) {
		p->i++;
		a->op = CTL_OP_HELP;
		return no_more(p);
	}
	rc = parse_mac_arg(p, "MMT-MAC", a->mac_mmt);
	if (!rc)
		rc = parse_mac_arg(p, "POA-MAC", a->mac_poa);
	if (rc)
		return rc;
	if (a->op == CTL_OP_MSK_ADD) {
		if (!more(p))
			return usage(p, "missing KEYFILE ('-': standard input)");
		a->msk_arg.argi = p->i;
		val = p->argv[p->i++];
		if (!*val)
			return usage(p, "KEYFILE: empty path");
		a->msk_arg.src = strcmp(val, "-") ? CTL_SRC_FILE :
						    CTL_SRC_STDIN;
		a->msk_arg.path = val;
	}
	return no_more(p);
}

static int parse_peers(struct parser *p, struct ctl_args *a)
{
	char *cmd;
	int rc;

	a->topic = CTL_TOPIC_PEERS;
	a->op = CTL_OP_PEERS;
	if (parse_show_help(p, a, "peers show", &cmd, &rc))
		return rc;
	return usage(p, "unknown command '%s' (show, help)", cmd);
}

/* ------------------------------------------------------------------ */
/* mih, is, handover, mihf (served by mihsecd's MIH function)          */

enum tlv_kind { TK_INT, TK_BOOL, TK_ID, TK_MAC };

static const struct {
	const char *name;
	uint8_t type;
	uint8_t width;		/* TK_INT: octets */
	enum tlv_kind kind;
} named_tlvs[] = {
	{ "status", MIH_TLV_STATUS, 1, TK_INT },
	{ "link-type", MIH_TLV_LINK_TYPE, 1, TK_INT },
	{ "evt-list", MIH_TLV_EVT_LIST, 4, TK_INT },
	{ "cmd-list", MIH_TLV_CMD_LIST, 4, TK_INT },
	{ "iq-type-list", MIH_TLV_IQ_TYPE_LIST, 8, TK_INT },
	{ "trans-list", MIH_TLV_TRANS_LIST, 2, TK_INT },
	{ "reg-request-code", MIH_TLV_REG_REQUEST_CODE, 1, TK_INT },
	{ "valid-time", MIH_TLV_VALID_TIME_INTERVAL, 4, TK_INT },
	{ "ip-renewal", MIH_TLV_IP_RENEWAL, 1, TK_BOOL },
	{ "ip-mob-mgmt", MIH_TLV_IP_MOB_MGMT, 2, TK_INT },
	{ "ip-cfg-mthds", MIH_TLV_IP_CFG_MTHDS, 4, TK_INT },
	{ "link-dn-reason", MIH_TLV_LINK_DN_REASON, 1, TK_INT },
	{ "time-interval", MIH_TLV_TIME_INTERVAL, 2, TK_INT },
	{ "link-gd-reason", MIH_TLV_LINK_GD_REASON, 1, TK_INT },
	{ "ho-status", MIH_TLV_HO_STATUS, 1, TK_INT },
	{ "ho-result", MIH_TLV_HO_RESULT, 1, TK_INT },
	{ "resource-status", MIH_TLV_RESOURCE_STATUS, 1, TK_BOOL },
	{ "resource-retention", MIH_TLV_RESOURCE_RETENTION, 1, TK_BOOL },
	{ "max-rsp-size", MIH_TLV_MAX_RSP_SIZE, 2, TK_INT },
	{ "mn-mihf-id", MIH_TLV_MN_MIHF_ID, 0, TK_ID },
	{ "query-resource-report", MIH_TLV_QUERY_RESOURCE_RPT, 1, TK_BOOL },
	{ "poa", MIH_TLV_POA, 0, TK_MAC },
	{ "uir", MIH_TLV_UIR, 1, TK_BOOL },
};

static int tlv_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int tlv_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int ctl_mih_tlv(const char *arg, char *out, size_t outlen, char *err,
		size_t errlen)
{
	const char *eq = strchr(arg, '=');
	const char *v = eq ? eq + 1 : NULL;
	uint8_t val[MIH_MIHF_ID_MAX + 8];
	size_t n = 0, i, nlen;
	unsigned long long x;
	char *end;
	int k;

	if (!eq || eq == arg)
		return tlv_err(err, errlen,
			       "TLV '%s' is not T=HEX or NAME=VALUE", arg);
	nlen = (size_t)(eq - arg);
	if (arg[0] >= '0' && arg[0] <= '9') {
		unsigned long t;
		size_t len = strlen(v), o;

		errno = 0;
		t = strtoul(arg, &end, 10);
		if (end != eq || errno || t < 3 || t > 255)
			return tlv_err(err, errlen,
				       "TLV '%s': the type must be 3-255 (1 and 2 are the MIHF IDs)",
				       arg);
		if (len % 2)
			return tlv_err(err, errlen,
				       "TLV '%s': an odd number of hex digits",
				       arg);
		for (i = 0; i < len; i++)
			if (mihsec_hex_digit(v[i]) < 0)
				return tlv_err(err, errlen,
					       "TLV '%s': '%c' is not a hex digit",
					       arg, v[i]);
		o = (size_t)snprintf(out, outlen, "%lu=", t);
		if (o + len + 1 > outlen)
			return tlv_err(err, errlen, "TLV '%.32s...': too long",
				       arg);
		for (i = 0; i <= len; i++)
			out[o + i] = (char)(v[i] >= 'A' && v[i] <= 'F' ?
					    v[i] + 32 : v[i]);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(named_tlvs); i++)
		if (strlen(named_tlvs[i].name) == nlen &&
		    !strncmp(named_tlvs[i].name, arg, nlen))
			break;
	if (i == ARRAY_SIZE(named_tlvs))
		return tlv_err(err, errlen,
			       "TLV '%s': unknown field '%.*s' (T=HEX, or a name: see 'mihsecctl mih help')",
			       arg, (int)nlen, arg);
	k = (int)i;
	switch (named_tlvs[k].kind) {
	case TK_INT:
		if (!*v || *v == '-' || *v == '+' || isspace((unsigned char)*v))
			goto bad;
		errno = 0;
		x = strtoull(v, &end, 0);
		if (*end || errno ||
		    (named_tlvs[k].width < 8 &&
		     x >> (8 * named_tlvs[k].width)))
			return tlv_err(err, errlen,
				       "TLV '%s': not a number of %u octet%s",
				       arg, named_tlvs[k].width,
				       named_tlvs[k].width == 1 ? "" : "s");
		for (n = 0; n < named_tlvs[k].width; n++)
			val[n] = (uint8_t)(x >> (8 * (named_tlvs[k].width -
						      1 - n)));
		break;
	case TK_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
			val[0] = 1;
		else if (!strcmp(v, "no") || !strcmp(v, "false") ||
			 !strcmp(v, "0"))
			val[0] = 0;
		else
			return tlv_err(err, errlen, "TLV '%s': not yes or no",
				       arg);
		n = 1;
		break;
	case TK_ID: {
		size_t len = strlen(v);
		int l;

		if (!len || len > MIH_MIHF_ID_MAX)
			return tlv_err(err, errlen,
				       "TLV '%s': an MIHF ID of 1-%d octets",
				       arg, MIH_MIHF_ID_MAX);
		l = mih_len_encode(val, sizeof(val), (uint32_t)len);
		if (l < 0)
			goto bad;
		memcpy(val + l, v, len);
		n = (size_t)l + len;
		break;
	}
	case TK_MAC: {
		uint8_t mac[6];

		if (!ctl_parse_mac(v, mac))
			return tlv_err(err, errlen,
				       "TLV '%s': not a MAC address (aa:bb:cc:dd:ee:ff)",
				       arg);
		/* LINK_ADDR choice 0: MAC_ADDR = family 6, 6 octets */
		val[0] = 0;
		val[1] = 0;
		val[2] = 6;
		val[3] = 6;
		memcpy(val + 4, mac, 6);
		n = 10;
		break;
	}
	}
	if ((size_t)snprintf(out, outlen, "%u=", named_tlvs[k].type) +
	    2 * n + 1 > outlen)
		return tlv_err(err, errlen, "TLV '%.32s': too long", arg);
	mihsec_hex_encode(val, n, out + strlen(out));
	return 0;
bad:
	return tlv_err(err, errlen, "TLV '%s': bad value", arg);
}

static const struct {
	const char *name;
	int bit;
} net_types[] = {
	{ "gsm", MIH_NTI_GSM }, { "gprs", MIH_NTI_GPRS },
	{ "edge", MIH_NTI_EDGE }, { "ethernet", MIH_NTI_ETHERNET },
	{ "wireless-other", MIH_NTI_WIRELESS_OTHER },
	{ "802.11", MIH_NTI_802_11 }, { "wifi", MIH_NTI_802_11 },
	{ "cdma2000", MIH_NTI_CDMA2000 }, { "umts", MIH_NTI_UMTS },
	{ "hrpd", MIH_NTI_HRPD }, { "802.16", MIH_NTI_802_16 },
	{ "802.20", MIH_NTI_802_20 }, { "802.22", MIH_NTI_802_22 },
};

int ctl_net_type_bit(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(net_types); i++)
		if (!strcasecmp(name, net_types[i].name))
			return net_types[i].bit;
	if (name[0] >= '0' && name[0] <= '9' &&
	    (!name[1] || (name[1] >= '0' && name[1] <= '9' && !name[2])) &&
	    atoi(name) < 32)
		return atoi(name);
	return -1;
}

uint32_t ctl_ie_type(const char *name)
{
	static const uint32_t ranges[][2] = {
		{ 0x10000000, 0x10000010 }, { 0x10000100, 0x10000110 },
		{ 0x10000200, 0x10000210 }, { 0x10000300, 0x10000303 },
	};
	char *end;

	if (name[0] >= '0' && name[0] <= '9') {
		unsigned long long v;

		errno = 0;
		v = strtoull(name, &end, 0);
		return *end || errno || !v || v > UINT32_MAX ? 0 : (uint32_t)v;
	}
	for (size_t r = 0; r < ARRAY_SIZE(ranges); r++) {
		for (uint32_t t = ranges[r][0]; t < ranges[r][1]; t++) {
			const char *n = mih_ie_name(t);
			char alt[64];
			size_t i;

			if (!n)
				continue;
			if (!strcasecmp(n, name))
				return t;
			/* "cost", "poa-link-addr": IE_ dropped, - for _ */
			if (strncmp(n, "IE_", 3))
				continue;
			snprintf(alt, sizeof(alt), "%s", n + 3);
			for (i = 0; alt[i]; i++)
				if (alt[i] == '_')
					alt[i] = '-';
			if (!strcasecmp(alt, name))
				return t;
		}
	}
	return 0;
}

/* "wait SECS" */
static int parse_wait(struct parser *p, struct ctl_args *a, bool *seen)
{
	return keyword_uint(p, "wait", seen, 1, CTL_WAIT_MAX, &a->wait);
}

/* A keyword with a string value, once */
static int keyword_str(struct parser *p, const char *kw, const char **out)
{
	char *val = NULL;
	int rc;

	if (*out)
		return usage(p, "'%s' given twice", kw);
	rc = value(p, kw, &val);
	if (rc)
		return rc;
	if (!*val)
		return usage(p, "%s: empty value", kw);
	*out = val;
	return 0;
}

static int help_after(struct parser *p, struct ctl_args *a)
{
	if (!is_help(peek(p)))
		return -1;
	p->i++;
	a->op = CTL_OP_HELP;
	return no_more(p);
}

static int parse_mih(struct parser *p, struct ctl_args *a)
{
	char *cmd = peek(p), *msg, err[256];
	uint16_t mids[4];
	int n, rc;

	a->topic = CTL_TOPIC_MIH;
	if (!cmd)
		return usage(p, "missing command (send, help)");
	p->i++;
	if (is_help(cmd)) {
		a->op = CTL_OP_HELP;
		return no_more(p);
	}
	if (strcmp(cmd, "send"))
		return usage(p, "unknown command '%s' (send, help)", cmd);
	p->what = "mih send";
	a->op = CTL_OP_MIH_SEND;
	if ((rc = help_after(p, a)) >= 0)
		return rc;
	if (!more(p))
		return usage(p, "missing PEER");
	a->mih_peer = p->argv[p->i++];
	if (!*a->mih_peer)
		return usage(p, "PEER: empty");
	if (!more(p))
		return usage(p, "missing MESSAGE (e.g. MIH_Capability_Discover.request)");
	msg = p->argv[p->i++];
	n = mihmsg_parse(msg, mids, ARRAY_SIZE(mids));
	if (n < 0)
		return usage(p, "'%s' is not an 802.21 message (a name with .request or .indication, or a MID such as 0x1401)",
			     msg);
	if (n != 1)
		return usage(p, "'%s' names %d messages: add .request or .indication",
			     msg, n);
	if (MIHMSG_OP(mids[0]) != MIHMSG_OP_REQUEST &&
	    MIHMSG_OP(mids[0]) != MIHMSG_OP_INDICATION)
		return usage(p, "'%s': only requests and indications are sent (responses answer them)",
			     msg);
	a->mih_mid = mids[0];
	while (more(p)) {
		char *t = p->argv[p->i++];
		char *out = malloc(2 * (MIH_MIHF_ID_MAX + 16) + strlen(t) + 8);

		if (!out)
			return usage(p, "out of memory");
		if (a->mih_ntlvs == CTL_MIH_TLVS_MAX) {
			free(out);
			return usage(p, "more than %d TLVs", CTL_MIH_TLVS_MAX);
		}
		rc = ctl_mih_tlv(t, out, 2 * (MIH_MIHF_ID_MAX + 16) +
				 strlen(t) + 8, err, sizeof(err));
		free(out);
		if (rc)
			return usage(p, "%s", err);
		a->mih_tlv[a->mih_ntlvs++] = t;
	}
	return 0;
}

static int parse_is(struct parser *p, struct ctl_args *a)
{
	bool seen_limit = false, seen_max = false, seen_wait = false;
	bool seen_type = false, seen_report = false;
	char *cmd = peek(p);
	int rc;

	a->topic = CTL_TOPIC_IS;
	if (!cmd)
		return usage(p, "missing command (query, import, export, help)");
	p->i++;
	if (is_help(cmd)) {
		a->op = CTL_OP_HELP;
		return no_more(p);
	}
	if (!strcmp(cmd, "import")) {
		p->what = "is import";
		a->op = CTL_OP_IS_IMPORT;
		if ((rc = help_after(p, a)) >= 0)
			return rc;
		if (!more(p))
			return usage(p, "missing FILE ('-': standard input)");
		a->is_file = p->argv[p->i++];
		if (!*a->is_file)
			return usage(p, "FILE: empty path");
		if (more(p) && !strcmp(peek(p), "replace")) {
			p->i++;
			a->is_replace = true;
		}
		return no_more(p);
	}
	if (!strcmp(cmd, "export")) {
		p->what = "is export";
		a->op = CTL_OP_IS_EXPORT;
		if ((rc = help_after(p, a)) >= 0)
			return rc;
		return no_more(p);
	}
	if (strcmp(cmd, "query"))
		return usage(p, "unknown command '%s' (query, import, export, help)",
			     cmd);
	p->what = "is query";
	a->op = CTL_OP_IS_QUERY;
	if ((rc = help_after(p, a)) >= 0)
		return rc;
	while (more(p)) {
		char *kw = p->argv[p->i++], *val = NULL, *save = NULL, *tok;

		if (!strcmp(kw, "type") || !strcmp(kw, "report")) {
			bool *seen = kw[0] == 't' ? &seen_type : &seen_report;

			if (*seen)
				return usage(p, "'%s' given twice", kw);
			*seen = true;
			rc = value(p, kw, &val);
			if (rc)
				return rc;
			val = strdup(val);
			if (!val)
				return usage(p, "out of memory");
			for (tok = strtok_r(val, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				if (kw[0] == 't') {
					int b = ctl_net_type_bit(tok);

					if (b < 0) {
						rc = usage(p, "type: '%s' is not a network type (ethernet, 802.11, 802.16, umts, gsm, ...)",
							   tok);
						break;
					}
					a->is_types |= 1u << b;
					continue;
				}
				if (a->is_nreport == CTL_IS_REPORT_MAX) {
					rc = usage(p, "report: more than %d IEs",
						   CTL_IS_REPORT_MAX);
					break;
				}
				a->is_report[a->is_nreport] = ctl_ie_type(tok);
				if (!a->is_report[a->is_nreport]) {
					rc = usage(p, "report: '%s' is not an IE type (IE_COST, cost, 0x10000103)",
						   tok);
					break;
				}
				a->is_nreport++;
			}
			free(val);
			if (rc)
				return rc;
			if (kw[0] == 't' && !a->is_types)
				return usage(p, "type: no network type given");
			if (kw[0] == 'r' && !a->is_nreport)
				return usage(p, "report: no IE given");
		} else if (!strcmp(kw, "network")) {
			rc = keyword_str(p, kw, &a->is_network);
			if (!rc && strlen(a->is_network) > MIH_MIHF_ID_MAX)
				rc = usage(p, "network: at most %d octets",
					   MIH_MIHF_ID_MAX);
		} else if (!strcmp(kw, "limit")) {
			rc = keyword_uint(p, kw, &seen_limit, 1, UINT16_MAX,
					  &a->is_limit);
		} else if (!strcmp(kw, "max")) {
			rc = keyword_uint(p, kw, &seen_max, 16, UINT16_MAX,
					  &a->is_max);
		} else if (!strcmp(kw, "server")) {
			rc = keyword_str(p, kw, &a->is_server);
		} else if (!strcmp(kw, "wait")) {
			rc = parse_wait(p, a, &seen_wait);
		} else {
			return usage(p, "unknown keyword '%s' (type, network, report, limit, max, server, wait)",
				     kw);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_handover(struct parser *p, struct ctl_args *a)
{
	bool seen_wait = false;
	int rc;

	a->topic = CTL_TOPIC_HANDOVER;
	a->op = CTL_OP_HANDOVER;
	if ((rc = help_after(p, a)) >= 0)
		return rc;
	while (more(p)) {
		char *kw = p->argv[p->i++];

		if (!strcmp(kw, "target")) {
			rc = keyword_str(p, kw, &a->ho_network);
			if (!rc && strlen(a->ho_network) > 63)
				rc = usage(p, "target: a network ID of at most 63 octets");
		} else if (!strcmp(kw, "poa")) {
			if (a->ho_has_poa)
				return usage(p, "'poa' given twice");
			a->ho_has_poa = true;
			rc = parse_mac_arg(p, "poa", a->ho_poa);
		} else if (!strcmp(kw, "pos")) {
			rc = keyword_str(p, kw, &a->ho_pos);
		} else if (!strcmp(kw, "server")) {
			rc = keyword_str(p, kw, &a->is_server);
		} else if (!strcmp(kw, "mmt")) {
			rc = keyword_str(p, kw, &a->ho_mmt);
		} else if (!strcmp(kw, "wait")) {
			rc = parse_wait(p, a, &seen_wait);
		} else {
			return usage(p, "unknown keyword '%s' (target, poa, pos, server, mmt, wait)",
				     kw);
		}
		if (rc)
			return rc;
	}
	if (a->ho_mmt && (a->ho_network || a->is_server))
		return usage(p, "mmt (network-initiated) takes only poa, pos and wait: the PoS asks no IS server");
	return 0;
}

static int parse_mihf(struct parser *p, struct ctl_args *a)
{
	char *cmd;
	int rc;

	a->topic = CTL_TOPIC_MIHF;
	a->op = CTL_OP_MIHF_STATUS;
	if (parse_show_help(p, a, "mihf status", &cmd, &rc))
		return rc;
	if (!strcmp(cmd, "status")) {
		p->what = "mihf status";
		return no_more(p);
	}
	return usage(p, "unknown command '%s' (status, help)", cmd);
}

bool ctl_op_is_daemon(enum ctl_op op)
{
	return op == CTL_OP_MSK_ADD || op == CTL_OP_MSK_DEL ||
	       op == CTL_OP_PEERS || op == CTL_OP_MIH_SEND ||
	       op == CTL_OP_IS_QUERY || op == CTL_OP_IS_IMPORT ||
	       op == CTL_OP_IS_EXPORT || op == CTL_OP_HANDOVER ||
	       op == CTL_OP_MIHF_STATUS;
}

const char *ctl_control_path(const struct ctl_args *a)
{
	const char *env;

	if (a->control)
		return a->control;
	env = getenv("MIHSEC_CONTROL");
	if (env && *env)
		return env;
	return MD_CONTROL_DEFAULT;
}

/* -S PATH, --control PATH, --control=PATH */
static int control_opt(struct parser *p, struct ctl_args *a, const char *opt,
		       const char *val)
{
	if (!val) {
		if (!more(p))
			return usage(p, "option '%s' needs a path", opt);
		val = p->argv[p->i++];
	}
	if (!*val)
		return usage(p, "option '%s': empty path", opt);
	a->control = val;
	return 0;
}

/* Leading options; returns 0, or CTL_EXIT_USAGE */
static int parse_options(struct parser *p, struct ctl_args *a, bool *done)
{
	static const struct {
		const char *name;
		char c;
	} longopts[] = {
		{ "--json", 'j' }, { "--stats", 's' }, { "--help", 'h' },
		{ "--version", 'V' },
	};

	*done = false;
	while (more(p) && p->argv[p->i][0] == '-' && p->argv[p->i][1]) {
		const char *o = p->argv[p->i++];
		char longopt[2] = { 0 };

		if (!strcmp(o, "--"))
			break;
		if (!strcmp(o, "--control") || !strncmp(o, "--control=", 10)) {
			int rc = control_opt(p, a, "--control",
					     o[9] ? o + 10 : NULL);

			if (rc)
				return rc;
			continue;
		}
		if (o[1] == '-') {
			for (size_t j = 0; j < ARRAY_SIZE(longopts); j++)
				if (!strcmp(o, longopts[j].name))
					longopt[0] = longopts[j].c;
			if (!longopt[0])
				return usage(p, "unknown option '%s'", o);
		}
		for (const char *c = longopt[0] ? longopt : o + 1; *c; c++) {
			switch (*c) {
			case 'j':
				a->json = true;
				break;
			case 's':
				a->stats = true;
				break;
			case 'h':
				a->op = CTL_OP_HELP;
				a->topic = CTL_TOPIC_MAIN;
				*done = true;
				return 0;
			case 'V':
				a->op = CTL_OP_VERSION;
				*done = true;
				return 0;
			case 'S': {
				/* the rest of the word, or the next one */
				int rc = control_opt(p, a, "-S",
						     c[1] ? c + 1 : NULL);

				if (rc)
					return rc;
				c += strlen(c) - 1;
				break;
			}
			default:
				return usage(p, "unknown option '-%c'", *c);
			}
		}
	}
	return 0;
}

int ctl_parse(int argc, char **argv, struct ctl_args *a, char *err,
	      size_t errlen)
{
	struct parser p = {
		.argc = argc, .argv = argv, .i = 1, .err = err,
		.errlen = errlen,
	};
	bool done;
	char *obj;
	int rc;

	memset(a, 0, sizeof(*a));
	err[0] = '\0';
	rc = parse_options(&p, a, &done);
	if (rc || done)
		return rc;

	obj = peek(&p);
	if (!obj)
		return usage(&p, "missing object (sa, policy, stats, monitor, msk, peers, mih, is, handover, mihf, help)");
	p.i++;
	if (!strcmp(obj, "sa")) {
		p.what = "sa";
		return parse_sa(&p, a);
	}
	if (!strcmp(obj, "policy")) {
		p.what = "policy";
		return parse_policy(&p, a);
	}
	if (!strcmp(obj, "stats")) {
		p.what = "stats";
		return parse_stats(&p, a);
	}
	if (!strcmp(obj, "monitor")) {
		p.what = "monitor";
		return parse_monitor(&p, a);
	}
	if (!strcmp(obj, "msk")) {
		p.what = "msk";
		return parse_msk(&p, a);
	}
	if (!strcmp(obj, "peers")) {
		p.what = "peers";
		return parse_peers(&p, a);
	}
	if (!strcmp(obj, "mih")) {
		p.what = "mih";
		return parse_mih(&p, a);
	}
	if (!strcmp(obj, "is")) {
		p.what = "is";
		return parse_is(&p, a);
	}
	if (!strcmp(obj, "handover")) {
		p.what = "handover";
		return parse_handover(&p, a);
	}
	if (!strcmp(obj, "mihf")) {
		p.what = "mihf";
		return parse_mihf(&p, a);
	}
	if (!strcmp(obj, "help")) {
		const char *t = peek(&p);

		a->op = CTL_OP_HELP;
		a->topic = CTL_TOPIC_MAIN;
		if (!t)
			return 0;
		p.i++;
		if (!strcmp(t, "sa"))
			a->topic = CTL_TOPIC_SA;
		else if (!strcmp(t, "policy"))
			a->topic = CTL_TOPIC_POLICY;
		else if (!strcmp(t, "stats"))
			a->topic = CTL_TOPIC_STATS;
		else if (!strcmp(t, "monitor"))
			a->topic = CTL_TOPIC_MONITOR;
		else if (!strcmp(t, "msk"))
			a->topic = CTL_TOPIC_MSK;
		else if (!strcmp(t, "peers"))
			a->topic = CTL_TOPIC_PEERS;
		else if (!strcmp(t, "mih"))
			a->topic = CTL_TOPIC_MIH;
		else if (!strcmp(t, "is"))
			a->topic = CTL_TOPIC_IS;
		else if (!strcmp(t, "handover"))
			a->topic = CTL_TOPIC_HANDOVER;
		else if (!strcmp(t, "mihf"))
			a->topic = CTL_TOPIC_MIHF;
		else
			return usage(&p, "help: unknown object '%s'", t);
		return no_more(&p);
	}
	return usage(&p, "unknown object '%s' (sa, policy, stats, monitor, msk, peers, mih, is, handover, mihf, help)", obj);
}

/* ------------------------------------------------------------------ */
/* Keys from files and stdin                                           */

/* msk add: 32 or 64 octets from the file or one line of stdin */
static int load_msk(struct ctl_args *a, FILE *in, FILE *warn, char *err,
		    size_t errlen)
{
	const char *what = a->msk_arg.src == CTL_SRC_STDIN ? "stdin" :
			   a->msk_arg.path;
	char msg[512];
	int rc;

	if (a->msk_arg.src == CTL_SRC_STDIN)
		rc = ctl_read_key_line(in, a->msk, sizeof(a->msk), err, errlen);
	else
		rc = ctl_read_key_file(a->msk_arg.path, warn, a->msk,
				       sizeof(a->msk), err, errlen);
	if (rc >= 0 && rc != 32 && rc != CTL_MSK_MAX) {
		explicit_bzero(a->msk, sizeof(a->msk));
		snprintf(err, errlen,
			 "%.400s: an MSK is 64 or 128 hex digits (32 or 64 octets), not %d octets",
			 what, rc);
		rc = -1;
	}
	if (rc < 0) {
		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errlen, "KEYFILE: %s", msg);
		return CTL_EXIT_ERROR;
	}
	a->msk_len = (size_t)rc;
	return CTL_EXIT_OK;
}

int ctl_load_keys(struct ctl_args *a, FILE *in, FILE *warn, char *err,
		  size_t errlen)
{
	struct mihsec_sa_cfg *c = &a->sa;
	struct {
		uint8_t *buf;
		size_t max;
		size_t *len;	/* NULL: exactly max octets */
		const char *kw;
	} dst[CTL_KEY_COUNT] = {
		[CTL_KEY_TX] = { c->tx_key, MIHSEC_KEY_MAX, &c->tx_key_len,
				 "tx-key-file" },
		[CTL_KEY_RX] = { c->rx_key, MIHSEC_KEY_MAX, &c->rx_key_len,
				 "rx-key-file" },
		[CTL_KEY_TX_IKEY] = { c->tx_ikey, MIHSEC_IKEY_LEN, NULL,
				      "tx-ikey-file" },
		[CTL_KEY_RX_IKEY] = { c->rx_ikey, MIHSEC_IKEY_LEN, NULL,
				      "rx-ikey-file" },
	};
	int order[CTL_KEY_COUNT], n = 0;

	if (a->op == CTL_OP_MSK_ADD)
		return load_msk(a, in, warn, err, errlen);
	if (a->op != CTL_OP_SA_ADD)
		return CTL_EXIT_OK;

	/* keys to read, in command-line order (matters for stdin) */
	for (int k = 0; k < CTL_KEY_COUNT; k++) {
		int j;

		if (a->key[k].src != CTL_SRC_FILE &&
		    a->key[k].src != CTL_SRC_STDIN)
			continue;
		for (j = n; j > 0 && a->key[order[j - 1]].argi > a->key[k].argi;
		     j--)
			order[j] = order[j - 1];
		order[j] = k;
		n++;
	}

	for (int j = 0; j < n; j++) {
		int k = order[j];
		int rc;

		if (a->key[k].src == CTL_SRC_STDIN)
			rc = ctl_read_key_line(in, dst[k].buf, dst[k].max, err,
					       errlen);
		else
			rc = ctl_read_key_file(a->key[k].path, warn,
					       dst[k].buf, dst[k].max, err,
					       errlen);
		if (rc >= 0 && !dst[k].len && (size_t)rc != dst[k].max) {
			snprintf(err, errlen,
				 "%s key: must be %zu octets, not %d",
				 a->key[k].src == CTL_SRC_STDIN ? "stdin" :
				 a->key[k].path, dst[k].max, rc);
			rc = -1;
		}
		if (rc < 0) {
			char msg[512];

			snprintf(msg, sizeof(msg), "%s", err);
			snprintf(err, errlen, "%s: %s", dst[k].kw, msg);
			return CTL_EXIT_ERROR;
		}
		if (dst[k].len)
			*dst[k].len = (size_t)rc;
	}
	return CTL_EXIT_OK;
}

void ctl_args_wipe(struct ctl_args *a)
{
	explicit_bzero(a, sizeof(*a));
}

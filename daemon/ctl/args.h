/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mihsecctl command line: parsing and help texts.
 */
#ifndef MIHSEC_CTL_ARGS_H
#define MIHSEC_CTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/nl.h"

#define MIHSECCTL_VERSION	"0.1.0"

/* Exit codes */
enum {
	CTL_EXIT_OK = 0,
	CTL_EXIT_ERROR = 1,	/* the kernel refused, or a runtime error */
	CTL_EXIT_USAGE = 2,	/* bad command line */
	CTL_EXIT_NOMODULE = 3,	/* generic netlink family "mihsec" not found */
};

/* Longest MSK accepted by "msk add" (a whole EAP MSK); 32 octets also do */
#define CTL_MSK_MAX	64

/* mih send: TLVs per message; is query: IE types per report template */
#define CTL_MIH_TLVS_MAX	32
#define CTL_IS_REPORT_MAX	32

enum ctl_op {
	CTL_OP_HELP,
	CTL_OP_VERSION,
	CTL_OP_SA_ADD,
	CTL_OP_SA_DEL,
	CTL_OP_SA_SHOW,
	CTL_OP_SA_FLUSH,
	CTL_OP_POLICY_SHOW,
	CTL_OP_POLICY_SET,
	CTL_OP_STATS,
	CTL_OP_MONITOR,
	CTL_OP_MSK_ADD,		/* these three talk to mihsecd, not the kernel */
	CTL_OP_MSK_DEL,
	CTL_OP_PEERS,
	CTL_OP_MIH_SEND,	/* the MIH function's, also mihsecd's */
	CTL_OP_IS_QUERY,
	CTL_OP_IS_IMPORT,
	CTL_OP_IS_EXPORT,
	CTL_OP_HANDOVER,
	CTL_OP_MIHF_STATUS,
};

enum ctl_topic {
	CTL_TOPIC_MAIN,
	CTL_TOPIC_SA,
	CTL_TOPIC_POLICY,
	CTL_TOPIC_STATS,
	CTL_TOPIC_MONITOR,
	CTL_TOPIC_MSK,
	CTL_TOPIC_PEERS,
	CTL_TOPIC_MIH,
	CTL_TOPIC_IS,
	CTL_TOPIC_HANDOVER,
	CTL_TOPIC_MIHF,
};

/* Keys of "sa add" that may come from a file or stdin */
enum ctl_key {
	CTL_KEY_TX,
	CTL_KEY_RX,
	CTL_KEY_TX_IKEY,
	CTL_KEY_RX_IKEY,
	CTL_KEY_COUNT,
};

enum ctl_key_src {
	CTL_SRC_NONE,		/* not given */
	CTL_SRC_HEX,		/* given inline, already decoded */
	CTL_SRC_FILE,		/* read from .path */
	CTL_SRC_STDIN,		/* "-": one line of stdin */
};

struct ctl_key_arg {
	enum ctl_key_src src;
	const char *path;
	int argi;		/* argv index of its keyword */
};

struct ctl_args {
	enum ctl_op op;
	enum ctl_topic topic;	/* CTL_OP_HELP; also the object of any op */
	bool json;		/* -j */
	bool stats;		/* -s */

	/* sa add: everything; keys from files are read by ctl_load_keys() */
	struct mihsec_sa_cfg sa;
	struct ctl_key_arg key[CTL_KEY_COUNT];

	/* sa del (one of the two), sa show (optional key ID) */
	bool has_keyid;
	uint8_t keyid[MIHSEC_KEYID_LEN];
	bool has_peer;
	uint8_t peer_id[MIHSEC_MIHF_ID_MAX];
	size_t peer_id_len;

	/* policy set */
	struct mihsec_policy_cfg pol;

	/* monitor: stop after @mon_count events (0: never) or @mon_timeout
	 * seconds (if has_mon_timeout) */
	uint32_t mon_count;
	bool has_mon_timeout;
	uint32_t mon_timeout;

	/* msk add, msk del: the terminal's and the authenticator's MACs;
	 * msk add: the MSK (32 or 64 octets), read by ctl_load_keys() */
	uint8_t mac_mmt[6];
	uint8_t mac_poa[6];
	struct ctl_key_arg msk_arg;
	uint8_t msk[CTL_MSK_MAX];
	size_t msk_len;

	/* mih send PEER MESSAGE [TLV...] */
	const char *mih_peer;
	uint16_t mih_mid;
	const char *mih_tlv[CTL_MIH_TLVS_MAX];	/* argv words */
	size_t mih_ntlvs;

	/* is query; mih send, is query, handover: "server"/"is" PEER */
	const char *is_server;
	uint32_t is_types;		/* NET_TYPE_INC bits, 0: any */
	const char *is_network;
	uint32_t is_report[CTL_IS_REPORT_MAX];	/* IE types */
	size_t is_nreport;
	uint32_t is_limit;		/* networks, 0: no limit */
	uint32_t is_max;		/* Max response size, 0: default */
	/* is import FILE [replace] */
	const char *is_file;
	bool is_replace;

	/* handover [target NETWORK | poa MAC] [pos PEER] [wait SECS] */
	const char *ho_network;
	const char *ho_pos;
	const char *ho_mmt;		/* network-initiated: the terminal */
	bool ho_has_poa;
	uint8_t ho_poa[6];

	/* seconds to wait for mihsecd's answer, 0: the command's default */
	uint32_t wait;

	/* -S, --control: mihsecd's control socket (NULL: not given) */
	const char *control;
};

/* Longest wait for mihsecd's answer (handover wait SECS) */
#define CTL_WAIT_MAX		3600

/*
 * One TLV argument of "mih send" as "T=HEX" (T decimal) into @out:
 * "T=HEX" (T 3..255, HEX an even number of hex digits, may be empty) or
 * "NAME=VALUE" for the named fields ctl_help(CTL_TOPIC_MIH) lists.
 * Returns 0, or -1 with a message in @err.
 */
int ctl_mih_tlv(const char *arg, char *out, size_t outlen, char *err,
		size_t errlen);
/* The NET_TYPE_INC bit of a network type name ("802.11"), or -1 */
int ctl_net_type_bit(const char *name);
/* An IE type by name ("IE_COST", "cost") or number; 0 if none */
uint32_t ctl_ie_type(const char *name);

/* Largest monitor timeout, seconds (fits poll()'s milliseconds) */
#define CTL_MONITOR_TIMEOUT_MAX	2000000

/* Event limits of MIHSEC_A_EVENT_RATE / _BURST (uapi comment) */
#define CTL_EVENT_RATE_MAX	MIHSEC_EVENT_RATE_MAX
#define CTL_EVENT_BURST_MAX	MIHSEC_EVENT_BURST_MAX

/*
 * Parse argv (argv[0] is the program name).  Returns CTL_EXIT_OK, or
 * CTL_EXIT_USAGE with a message naming the bad argument in @err.
 * Inline keys and salts are decoded into @a->sa and their argv strings
 * overwritten with zeros.  @a holds key material afterwards: wipe it with
 * ctl_args_wipe().
 */
int ctl_parse(int argc, char **argv, struct ctl_args *a, char *err,
	      size_t errlen);

/*
 * sa add: read the keys given as files or "-" (stdin @in, one line per key
 * in command-line order); msk add: the MSK likewise.  Warnings (group/world-readable key file) go to
 * @warn.  Returns CTL_EXIT_OK or CTL_EXIT_ERROR with a message in @err.
 */
int ctl_load_keys(struct ctl_args *a, FILE *in, FILE *warn, char *err,
		  size_t errlen);

void ctl_args_wipe(struct ctl_args *a);

/* Whether @op is served by mihsecd (over its control socket) */
bool ctl_op_is_daemon(enum ctl_op op);

/*
 * mihsecd's control socket: -S/--control, else $MIHSEC_CONTROL (if not
 * empty), else MD_CONTROL_DEFAULT
 */
const char *ctl_control_path(const struct ctl_args *a);

/* "aa:bb:cc:dd:ee:ff" (either case) exactly; true if @s is one */
bool ctl_parse_mac(const char *s, uint8_t mac[6]);

/* Help for @topic (to stdout for --help; to stderr after usage errors) */
void ctl_help(FILE *f, enum ctl_topic topic);

/* Names used on the command line and in output; NULL if unknown */
const char *ctl_role_name(uint8_t role);
const char *ctl_suite_name(uint8_t suite);
const char *ctl_policy_name(uint8_t policy);

#endif /* MIHSEC_CTL_ARGS_H */

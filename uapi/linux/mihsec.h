/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mihsec: security for IEEE 802.21 (MIH) messages, configured over the
 * generic netlink family "mihsec".
 *
 * Overview
 * --------
 * mihsec.ko hooks UDP datagrams to or from the MIH port (module parameter
 * "port", default 4551) in every network namespace, IPv4 and IPv6, locally
 * sent (LOCAL_OUT) and locally received (LOCAL_IN).  It protects outgoing MIH
 * PDUs with the security association (SA) of the Destination MIHF ID and
 * verifies, decrypts and strips incoming ones (wire format, processing order
 * and drop reasons: PROTOCOL.md sections 3-6).  Applications see only plain
 * MIH PDUs.  All state is per network namespace: a command acts on the
 * namespace of the netlink socket that sends it.
 *
 * Permissions: every command marked "admin" requires CAP_NET_ADMIN
 * (GENL_ADMIN_PERM).  Keys and salts are write-only: no command ever returns
 * them.
 *
 * Commands
 * --------
 * MIHSEC_CMD_SA_ADD (admin)
 *	Install an SA.  Required: MIHSEC_A_SA_LOCAL_ID, MIHSEC_A_SA_PEER_ID,
 *	MIHSEC_A_SA_ROLE, MIHSEC_A_SA_TX_KEYID, MIHSEC_A_SA_RX_KEYID,
 *	MIHSEC_A_SA_TX_KEY, MIHSEC_A_SA_RX_KEY, MIHSEC_A_SA_TX_SALT,
 *	MIHSEC_A_SA_RX_SALT.  Optional: MIHSEC_A_SA_SUITE (default
 *	MIHSEC_SUITE_AES128_GCM), MIHSEC_A_SA_FLAGS (default
 *	MIHSEC_SA_F_ENCRYPT), MIHSEC_A_SA_REPLAY_WINDOW (default 1024),
 *	MIHSEC_A_SA_ALLOW (default: the peer may send every message),
 *	MIHSEC_A_SA_SOFT_SECS, MIHSEC_A_SA_HARD_SECS, MIHSEC_A_SA_SOFT_MSGS,
 *	MIHSEC_A_SA_HARD_MSGS (default 0: no such limit; a soft limit may not
 *	exceed its hard one), MIHSEC_A_SA_GRACE (default 30),
 *	MIHSEC_A_SA_TX_SEQ (default 0).  Suite 4
 *	also requires MIHSEC_A_SA_TX_IKEY and MIHSEC_A_SA_RX_IKEY; the other
 *	suites refuse them.
 *	The key lengths must be the suite's (16 octets for suites 1 and 4,
 *	32 for suites 2 and 3).
 *	Errors: -EEXIST if the TX or RX key ID was held by any SA of this
 *	namespace since the module was loaded (PROTOCOL.md section 7: an
 *	SA is installed at most once, so no nonce is ever reused; derive
 *	fresh keys instead); -EOPNOTSUPP for a suite this kernel does not
 *	implement;
 *	-EINVAL (with an extack message) for any inconsistency, among them
 *	equal TX and RX key IDs, and (suites 1-3) the same key and salt in
 *	both directions, which would reuse nonces.  The SA
 *	becomes the sending SA for its peer at once (the newest SA of a peer
 *	sends; older ones keep receiving).
 *
 * MIHSEC_CMD_SA_DEL (admin)
 *	Delete one SA, named by MIHSEC_A_SA_RX_KEYID, or every SA of a peer,
 *	named by MIHSEC_A_SA_PEER_ID (exactly one of the two).  -ENOENT if
 *	nothing matched.  Keys are zeroized.
 *
 * MIHSEC_CMD_SA_GET (admin)
 *	doit: the SA named by MIHSEC_A_SA_RX_KEYID.  dumpit (NLM_F_DUMP): every
 *	SA of the namespace, one message each, resumed across as many
 *	messages as needed; NLM_F_DUMP_INTR is set if the table changed
 *	during the dump.  Each reply carries MIHSEC_A_SA_INDEX,
 *	MIHSEC_A_SA_LOCAL_ID, MIHSEC_A_SA_PEER_ID, MIHSEC_A_SA_SUITE,
 *	MIHSEC_A_SA_ROLE, MIHSEC_A_SA_FLAGS, MIHSEC_A_SA_TX_KEYID,
 *	MIHSEC_A_SA_RX_KEYID, MIHSEC_A_SA_REPLAY_WINDOW, MIHSEC_A_SA_TX_SEQ,
 *	MIHSEC_A_SA_RX_SEQ, MIHSEC_A_SA_AGE and MIHSEC_A_SA_STATS, and
 *	the optional attributes SA_ADD accepted (MIHSEC_A_SA_ALLOW, the
 *	lifetimes, MIHSEC_A_SA_GRACE) with their values.
 *
 * MIHSEC_CMD_SA_FLUSH (admin)
 *	Delete every SA of the namespace.  Succeeds on an empty table.
 *
 * MIHSEC_CMD_POLICY_GET (anyone)
 *	Reply: MIHSEC_A_POLICY, MIHSEC_A_PORT, MIHSEC_A_SA_COUNT,
 *	MIHSEC_A_EXEMPT, MIHSEC_A_EXEMPT_UIR, MIHSEC_A_EVENT_RATE,
 *	MIHSEC_A_EVENT_BURST.
 *
 * MIHSEC_CMD_POLICY_SET (admin)
 *	At least one of MIHSEC_A_POLICY, MIHSEC_A_EXEMPT,
 *	MIHSEC_A_EXEMPT_UIR, MIHSEC_A_EVENT_RATE, MIHSEC_A_EVENT_BURST;
 *	each given one replaces the namespace's setting.  Defaults: policy
 *	optional; exempt MIH_Capability_Discover request and response
 *	(MIDs 0x1401, 0x1801); exempt with UIR set MIH_Get_Information
 *	request (0x4401); 100 events per second, burst 100.
 *
 * MIHSEC_CMD_STATS_GET (anyone)
 *	Reply: MIHSEC_A_STATS, the namespace's counters since it was created.
 *
 * MIHSEC_CMD_EVENT (kernel -> userspace only)
 *	Sent to the multicast group MIHSEC_MCGRP_EVENTS of the namespace
 *	(joining needs no privilege).  Carries MIHSEC_A_EVENT_TYPE and, where
 *	known, MIHSEC_A_EVENT_ADDR (the peer's IP address), MIHSEC_A_SA_PEER_ID,
 *	MIHSEC_A_SA_LOCAL_ID, MIHSEC_A_SA_RX_KEYID (the key ID the datagram
 *	named, or the SA's), MIHSEC_A_SA_INDEX, MIHSEC_A_EVENT_MID.  Events
 *	are rate-limited per namespace by a token bucket (MIHSEC_A_EVENT_RATE
 *	per second, MIHSEC_A_EVENT_BURST at once); those over the limit are
 *	counted in MIHSEC_STAT_EVENTS_SUPPRESSED and not sent.
 *
 * Attributes
 * ----------
 * MIHSEC_A_SA_INDEX		u32, read-only: the SA's handle in dumps.
 * MIHSEC_A_SA_LOCAL_ID		binary, 1-253 octets: this MIHF's ID (the
 *				octets of the MIHF ID, without the 802.21
 *				OCTET_STRING length).
 * MIHSEC_A_SA_PEER_ID		binary, 1-253 octets: the peer MIHF's ID.
 * MIHSEC_A_SA_SUITE		u8, enum mihsec_suite.
 * MIHSEC_A_SA_ROLE		u8, enum mihsec_role: which direction bit
 *				(PROTOCOL.md section 3, flag D) this end sends.
 * MIHSEC_A_SA_FLAGS		u32, mask of MIHSEC_SA_F_*; unknown bits are
 *				rejected.
 * MIHSEC_A_SA_TX_KEYID		binary, exactly 8 octets: key ID stamped on
 *				sent PDUs (the peer's RX key ID).
 * MIHSEC_A_SA_RX_KEYID		binary, exactly 8 octets: key ID of received
 *				PDUs; unique among the namespace's SAs.
 * MIHSEC_A_SA_TX_KEY		binary, write-only: cipher key, sending.
 * MIHSEC_A_SA_RX_KEY		binary, write-only: cipher key, receiving.
 *				16 (suite 1, 4), 32 (suites 2, 3) octets.
 * MIHSEC_A_SA_TX_SALT		binary, write-only, exactly 4 octets: AEAD
 *				nonce salt, sending.
 * MIHSEC_A_SA_RX_SALT		binary, write-only, exactly 4 octets.
 * MIHSEC_A_SA_TX_IKEY		binary, write-only, exactly 32 octets:
 *				integrity key (suite 4 only), sending.
 * MIHSEC_A_SA_RX_IKEY		binary, write-only, exactly 32 octets.
 * MIHSEC_A_SA_REPLAY_WINDOW	u32, packets: MIHSEC_REPLAY_WINDOW_MIN to
 *				MIHSEC_REPLAY_WINDOW_MAX, rounded up to a
 *				multiple of 64.
 * MIHSEC_A_SA_TX_SEQ		u64: last sequence number sent (0: none yet).
 *				SA_ADD may set it, at most MIHSEC_SEQ_MAX, for an SA
 *				whose sender already used the numbers up to
 *				it (moved from another host): sending goes on
 *				from the next one, and stops after
 *				MIHSEC_SEQ_MAX.
 * MIHSEC_A_SA_RX_SEQ		u64, read-only: highest sequence number
 *				accepted (0: none yet).
 * MIHSEC_A_SA_AGE		u64, read-only: seconds since the SA was added.
 * MIHSEC_A_SA_STATS		nested, read-only: MIHSEC_SA_STAT_* u64 (padding,
 *				where needed, has type MIHSEC_SA_STAT_UNSPEC).
 * MIHSEC_A_POLICY		u8, enum mihsec_policy.
 * MIHSEC_A_PORT		u16, read-only: the MIH UDP port hooked.
 * MIHSEC_A_SA_COUNT		u32, read-only: SAs installed in the namespace.
 * MIHSEC_A_STATS		nested, read-only: MIHSEC_STAT_* u64 (padding has
 *				type MIHSEC_STAT_UNSPEC).
 * MIHSEC_A_SA_ALLOW		nested, MIHSEC_MID_ENTRY (u16, an 802.21 MID:
 *				SID << 12 | opcode << 10 | AID) repeated, at
 *				most MIHSEC_ALLOW_MAX: the messages the peer
 *				may send on this SA (PROTOCOL.md section 5 step
 *				9); others are dropped as "denied".  An empty
 *				nest allows nothing.
 * MIHSEC_A_SA_SOFT_SECS	u32, seconds after which MIHSEC_EV_SA_SOFT_EXPIRED
 *				is raised (the daemon should rekey); 0: never.
 * MIHSEC_A_SA_HARD_SECS	u32, seconds after which the SA is deleted and
 *				MIHSEC_EV_SA_EXPIRED raised; 0: never.
 * MIHSEC_A_SA_SOFT_MSGS	u64, PDUs (sent + received) before the soft event.
 * MIHSEC_A_SA_HARD_MSGS	u64, PDUs before the SA stops (expired).
 * MIHSEC_A_SA_GRACE		u32, seconds an SA keeps receiving once a newer
 *				SA for the same peer was added, then it is
 *				deleted (MIHSEC_EV_SA_EXPIRED); default 30,
 *				at most MIHSEC_GRACE_MAX.
 * MIHSEC_A_EXEMPT		nested, MIHSEC_MID_ENTRY repeated: messages that
 *				may travel unprotected under "require".
 * MIHSEC_A_EXEMPT_UIR		nested, MIHSEC_MID_ENTRY repeated: exempt only
 *				when the header's UIR bit is set.
 * MIHSEC_A_EVENT_RATE		u32, events per second, 0 (no events) to
 *				MIHSEC_EVENT_RATE_MAX.
 * MIHSEC_A_EVENT_BURST		u32, events at once, 1 to MIHSEC_EVENT_BURST_MAX.
 * MIHSEC_A_EVENT_TYPE		u8, enum mihsec_event.
 * MIHSEC_A_EVENT_ADDR		binary, 4 (IPv4) or 16 (IPv6) octets: the
 *				peer's address, network order.
 * MIHSEC_A_EVENT_MID		u16, the MID of the datagram concerned.
 * MIHSEC_A_PAD			padding for 64-bit attributes.
 */
#ifndef _UAPI_LINUX_MIHSEC_H
#define _UAPI_LINUX_MIHSEC_H

#include <linux/types.h>

#define MIHSEC_GENL_NAME	"mihsec"
#define MIHSEC_GENL_VERSION	1

#define MIHSEC_DEFAULT_PORT	4551

#define MIHSEC_MIHF_ID_MAX	253	/* octets, 802.21 section 8.3.1 */
#define MIHSEC_KEYID_LEN	8
#define MIHSEC_SALT_LEN		4
#define MIHSEC_KEY_MAX		32
#define MIHSEC_IKEY_LEN		32
#define MIHSEC_ICV_LEN		16

#define MIHSEC_GENL_MCGRP_EVENTS	"events"

#define MIHSEC_ALLOW_MAX	256	/* MIDs in an allow or exempt list */
#define MIHSEC_EVENT_RATE_MAX	10000	/* events per second */
#define MIHSEC_EVENT_BURST_MAX	10000
#define MIHSEC_GRACE_DEFAULT	30	/* seconds */
#define MIHSEC_GRACE_MAX	3600
/* the last sequence number an SA may use (PROTOCOL.md section 3) */
#define MIHSEC_SEQ_MAX		0x8000000000000000ULL

#define MIHSEC_REPLAY_WINDOW_MIN	64
#define MIHSEC_REPLAY_WINDOW_MAX	8192
#define MIHSEC_REPLAY_WINDOW_DEFAULT	1024

/* 802.21 experimental TLV types used by MIHSec (PROTOCOL.md section 3) */
#define MIHSEC_TLV_SECURITY	200
#define MIHSEC_TLV_INTEGRITY	201

/* Flags octet of the Security TLV */
#define MIHSEC_WIRE_F_ENCRYPTED	0x01	/* E: Body is encrypted */
#define MIHSEC_WIRE_F_NET2MMT	0x02	/* D: network -> MMT */

enum mihsec_cmd {
	MIHSEC_CMD_UNSPEC,
	MIHSEC_CMD_SA_ADD,
	MIHSEC_CMD_SA_DEL,
	MIHSEC_CMD_SA_GET,
	MIHSEC_CMD_SA_FLUSH,
	MIHSEC_CMD_POLICY_GET,
	MIHSEC_CMD_POLICY_SET,
	MIHSEC_CMD_STATS_GET,
	MIHSEC_CMD_EVENT,
	__MIHSEC_CMD_MAX
};

#define MIHSEC_CMD_MAX (__MIHSEC_CMD_MAX - 1)

enum mihsec_attr {
	MIHSEC_A_UNSPEC,
	MIHSEC_A_PAD,
	MIHSEC_A_SA_INDEX,
	MIHSEC_A_SA_LOCAL_ID,
	MIHSEC_A_SA_PEER_ID,
	MIHSEC_A_SA_SUITE,
	MIHSEC_A_SA_ROLE,
	MIHSEC_A_SA_FLAGS,
	MIHSEC_A_SA_TX_KEYID,
	MIHSEC_A_SA_RX_KEYID,
	MIHSEC_A_SA_TX_KEY,
	MIHSEC_A_SA_RX_KEY,
	MIHSEC_A_SA_TX_SALT,
	MIHSEC_A_SA_RX_SALT,
	MIHSEC_A_SA_TX_IKEY,
	MIHSEC_A_SA_RX_IKEY,
	MIHSEC_A_SA_REPLAY_WINDOW,
	MIHSEC_A_SA_TX_SEQ,
	MIHSEC_A_SA_RX_SEQ,
	MIHSEC_A_SA_AGE,
	MIHSEC_A_SA_STATS,
	MIHSEC_A_POLICY,
	MIHSEC_A_PORT,
	MIHSEC_A_SA_COUNT,
	MIHSEC_A_STATS,
	MIHSEC_A_SA_ALLOW,
	MIHSEC_A_SA_SOFT_SECS,
	MIHSEC_A_SA_HARD_SECS,
	MIHSEC_A_SA_SOFT_MSGS,
	MIHSEC_A_SA_HARD_MSGS,
	MIHSEC_A_SA_GRACE,
	MIHSEC_A_EXEMPT,
	MIHSEC_A_EXEMPT_UIR,
	MIHSEC_A_EVENT_RATE,
	MIHSEC_A_EVENT_BURST,
	MIHSEC_A_EVENT_TYPE,
	MIHSEC_A_EVENT_ADDR,
	MIHSEC_A_EVENT_MID,
	__MIHSEC_A_MAX
};

#define MIHSEC_A_MAX (__MIHSEC_A_MAX - 1)

/* Inside MIHSEC_A_SA_ALLOW, MIHSEC_A_EXEMPT, MIHSEC_A_EXEMPT_UIR */
enum mihsec_mid_attr {
	MIHSEC_MID_UNSPEC,
	MIHSEC_MID_ENTRY,	/* u16 */
	__MIHSEC_MID_MAX
};

#define MIHSEC_MID_MAX (__MIHSEC_MID_MAX - 1)

/* MIHSEC_A_EVENT_TYPE */
enum mihsec_event {
	MIHSEC_EV_UNSPEC,
	MIHSEC_EV_NO_SA,		/* send: no SA for the destination */
	MIHSEC_EV_UNKNOWN_KEY,		/* receive: key ID not installed */
	MIHSEC_EV_AUTH_FAIL,		/* receive: ICV did not verify */
	MIHSEC_EV_REPLAY,		/* receive: replayed or too old */
	MIHSEC_EV_DENIED,		/* receive: not on the SA's allow list */
	MIHSEC_EV_SA_SOFT_EXPIRED,	/* a soft lifetime ran out: rekey */
	MIHSEC_EV_SA_EXPIRED,		/* hard lifetime or grace over: gone */
	MIHSEC_EV_SEQ_EXHAUSTED,	/* the send sequence ran out */
	__MIHSEC_EV_MAX
};

#define MIHSEC_EV_MAX (__MIHSEC_EV_MAX - 1)

/* Suites, PROTOCOL.md section 3 (the Suite octet on the wire) */
enum mihsec_suite {
	MIHSEC_SUITE_AES128_GCM = 1,
	MIHSEC_SUITE_AES256_GCM = 2,
	MIHSEC_SUITE_CHACHA20_POLY1305 = 3,
	MIHSEC_SUITE_AES128_CBC_HMAC_SHA1 = 4,
};

/* Which end of the SA this host is: selects the direction bit sent */
enum mihsec_role {
	MIHSEC_ROLE_MMT = 1,	 /* sends D = 0, receives D = 1 */
	MIHSEC_ROLE_NETWORK = 2, /* sends D = 1, receives D = 0 (PoS, IS) */
};

/* MIHSEC_A_SA_FLAGS */
enum mihsec_sa_flags {
	/* send with E = 1 and drop received PDUs with E = 0 */
	MIHSEC_SA_F_ENCRYPT = 1U << 0,
};

#define MIHSEC_SA_F_ALL	(MIHSEC_SA_F_ENCRYPT)

enum mihsec_policy {
	MIHSEC_POLICY_OFF = 0,	    /* pass every datagram untouched */
	MIHSEC_POLICY_OPTIONAL = 1, /* protect where an SA exists (default) */
	MIHSEC_POLICY_REQUIRE = 2,  /* drop unprotected MIH, except the
				     * PROTOCOL.md section 5 step 2 exemptions
				     */
};

/*
 * MIHSEC_A_STATS: per-namespace counters, one u64 attribute each.  The
 * MIHSEC_STAT_DROP_* entries are the drop reasons of PROTOCOL.md section 5
 * (names in brackets); a datagram is dropped and counted once, under the
 * first check it fails.
 */
enum mihsec_stat {
	MIHSEC_STAT_UNSPEC,
	MIHSEC_STAT_TX_PROTECTED,	 /* PDUs sealed and sent */
	MIHSEC_STAT_TX_CLEAR,		 /* MIH sent unprotected */
	MIHSEC_STAT_RX_VERIFIED,	 /* PDUs verified and delivered */
	MIHSEC_STAT_RX_CLEAR,		 /* unprotected MIH delivered */
	MIHSEC_STAT_DROP_MALFORMED,	 /* [malformed] */
	MIHSEC_STAT_DROP_NO_SA,		 /* [no-sa] send, policy require */
	MIHSEC_STAT_DROP_UNKNOWN_KEY,	 /* [unknown-key] */
	MIHSEC_STAT_DROP_SUITE_MISMATCH, /* [suite-mismatch] */
	MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED, /* [encryption-required] */
	MIHSEC_STAT_DROP_DIRECTION_MISMATCH,  /* [direction-mismatch] */
	MIHSEC_STAT_DROP_REPLAY,	 /* [replay] */
	MIHSEC_STAT_DROP_AUTH_FAIL,	 /* [auth-fail] */
	MIHSEC_STAT_DROP_IDENTITY_MISMATCH, /* [identity-mismatch] */
	MIHSEC_STAT_DROP_DENIED,	 /* [denied] */
	MIHSEC_STAT_DROP_UNPROTECTED,	 /* [unprotected] receive, require */
	MIHSEC_STAT_DROP_SEQ_EXHAUSTED,	 /* [seq-exhausted] */
	MIHSEC_STAT_DROP_ERROR,		 /* [error] out of memory, crypto */
	MIHSEC_STAT_DROP_EXPIRED,	 /* [expired] SA past its lifetime */
	MIHSEC_STAT_EVENTS_SENT,	 /* events multicast */
	MIHSEC_STAT_EVENTS_SUPPRESSED,	 /* events over the rate limit */
	__MIHSEC_STAT_MAX
};

#define MIHSEC_STAT_MAX (__MIHSEC_STAT_MAX - 1)

/* MIHSEC_A_SA_STATS: per-SA counters, one u64 attribute each */
enum mihsec_sa_stat {
	MIHSEC_SA_STAT_UNSPEC,
	MIHSEC_SA_STAT_TX_PACKETS,	/* PDUs sealed */
	MIHSEC_SA_STAT_TX_OCTETS,	/* plain MIH octets sealed */
	MIHSEC_SA_STAT_RX_PACKETS,	/* PDUs verified and delivered */
	MIHSEC_SA_STAT_RX_OCTETS,	/* plain MIH octets delivered */
	MIHSEC_SA_STAT_RX_AUTH_FAIL,	/* ICV check failed */
	MIHSEC_SA_STAT_RX_REPLAY,	/* replayed or too old */
	MIHSEC_SA_STAT_RX_OTHER,	/* other drops after lookup */
	MIHSEC_SA_STAT_TX_ENCRYPTED,	/* PDUs sealed with E = 1 */
	MIHSEC_SA_STAT_RX_DECRYPTED,	/* PDUs delivered that had E = 1 */
	MIHSEC_SA_STAT_RX_DENIED,	/* not on the allow list */
	MIHSEC_SA_STAT_RX_IDENTITY,	/* MIHF IDs not the SA's */
	__MIHSEC_SA_STAT_MAX
};

#define MIHSEC_SA_STAT_MAX (__MIHSEC_SA_STAT_MAX - 1)

#endif /* _UAPI_LINUX_MIHSEC_H */

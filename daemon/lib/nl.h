/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client of the "mihsec" generic netlink family (uapi/linux/mihsec.h), on
 * libnl-3 genl.  Shared by mihsecctl and mihsecd.
 *
 * Conventions: functions returning int return 0 (or a count where stated)
 * on success and a negative errno value on failure.  After a failed call,
 * mihsec_nl_errmsg() describes the failure in more detail: the kernel's
 * extended ACK message (and the missing attribute, if the kernel named one)
 * for errors the kernel reported, or a local explanation (malformed reply,
 * libnl failure); it is "" if there is nothing to add to strerror().
 *
 * Key material: requests carrying keys are built in a buffer that is zeroed
 * before it is freed; the socket sets NETLINK_CAP_ACK so error messages do
 * not echo the request (and its keys) back.  struct mihsec_sa_cfg holds keys
 * too: wipe it with mihsec_sa_cfg_wipe() when done.
 *
 * A handle is not thread-safe; use one per thread.
 */
#ifndef MIHSEC_LIB_NL_H
#define MIHSEC_LIB_NL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/mihsec.h>

struct nl_msg;
struct nlmsghdr;
struct mihsec_nl;

#define MIHSEC_NL_ERRMSG_LEN	256

/* A list of 802.21 MIDs (MIHSEC_A_SA_ALLOW, MIHSEC_A_EXEMPT[_UIR]) */
struct mihsec_mid_list {
	uint16_t n;				/* 0..MIHSEC_ALLOW_MAX */
	uint16_t mids[MIHSEC_ALLOW_MAX];
};

/* The optional lifetime attributes of an SA; has_* marks each present */
struct mihsec_sa_life {
	bool has_soft_secs, has_hard_secs, has_soft_msgs, has_hard_msgs;
	bool has_grace;
	uint32_t soft_secs;
	uint32_t hard_secs;
	uint64_t soft_msgs;
	uint64_t hard_msgs;
	uint32_t grace;
};

/* Everything MIHSEC_CMD_SA_ADD takes.  Optional fields have a has_* flag. */
struct mihsec_sa_cfg {
	uint8_t local_id[MIHSEC_MIHF_ID_MAX];
	size_t local_id_len;			/* 1..MIHSEC_MIHF_ID_MAX */
	uint8_t peer_id[MIHSEC_MIHF_ID_MAX];
	size_t peer_id_len;			/* 1..MIHSEC_MIHF_ID_MAX */
	uint8_t role;				/* enum mihsec_role */
	bool has_suite;
	uint8_t suite;				/* enum mihsec_suite */
	bool has_flags;
	uint32_t flags;				/* MIHSEC_SA_F_* */
	bool has_replay_window;
	uint32_t replay_window;
	uint8_t tx_keyid[MIHSEC_KEYID_LEN];
	uint8_t rx_keyid[MIHSEC_KEYID_LEN];
	uint8_t tx_key[MIHSEC_KEY_MAX];
	size_t tx_key_len;			/* 1..MIHSEC_KEY_MAX */
	uint8_t rx_key[MIHSEC_KEY_MAX];
	size_t rx_key_len;
	uint8_t tx_salt[MIHSEC_SALT_LEN];
	uint8_t rx_salt[MIHSEC_SALT_LEN];
	bool has_ikeys;				/* suite 4 integrity keys */
	uint8_t tx_ikey[MIHSEC_IKEY_LEN];
	uint8_t rx_ikey[MIHSEC_IKEY_LEN];
	bool has_allow;				/* absent: the peer may send all */
	struct mihsec_mid_list allow;		/* n == 0: nothing allowed */
	struct mihsec_sa_life life;
	bool has_tx_seq;
	uint64_t tx_seq;			/* last sequence already used */
};

/* One SA as MIHSEC_CMD_SA_GET reports it (no keys, no salts) */
struct mihsec_sa_info {
	uint32_t index;
	uint8_t local_id[MIHSEC_MIHF_ID_MAX];
	size_t local_id_len;
	uint8_t peer_id[MIHSEC_MIHF_ID_MAX];
	size_t peer_id_len;
	uint8_t suite;
	uint8_t role;
	uint32_t flags;
	uint8_t tx_keyid[MIHSEC_KEYID_LEN];
	uint8_t rx_keyid[MIHSEC_KEYID_LEN];
	uint32_t replay_window;
	uint64_t tx_seq;
	uint64_t rx_seq;
	uint64_t age;				/* seconds */
	uint64_t stats[MIHSEC_SA_STAT_MAX + 1];	/* MIHSEC_SA_STAT_*; [0] unused */
	/* optional: present if the kernel reported them */
	bool has_allow;
	struct mihsec_mid_list allow;
	struct mihsec_sa_life life;
};

/* MIHSEC_CMD_POLICY_GET */
struct mihsec_policy_info {
	uint8_t policy;				/* enum mihsec_policy */
	uint16_t port;
	uint32_t sa_count;
	/* optional: present if the kernel reported them */
	bool has_exempt, has_exempt_uir, has_event_rate, has_event_burst;
	struct mihsec_mid_list exempt;
	struct mihsec_mid_list exempt_uir;
	uint32_t event_rate;
	uint32_t event_burst;
};

/* MIHSEC_CMD_POLICY_SET: each has_* item is sent (at least one) */
struct mihsec_policy_cfg {
	bool has_policy, has_exempt, has_exempt_uir, has_event_rate,
	     has_event_burst;
	uint8_t policy;
	struct mihsec_mid_list exempt;
	struct mihsec_mid_list exempt_uir;
	uint32_t event_rate;
	uint32_t event_burst;
};

/* MIHSEC_CMD_EVENT; has_* marks the attributes the kernel included */
struct mihsec_event_info {
	uint8_t type;				/* enum mihsec_event */
	bool has_addr, has_peer_id, has_local_id, has_keyid, has_index,
	     has_mid;
	uint8_t addr_len;			/* 4 or 16 */
	uint8_t addr[16];			/* network order */
	uint8_t peer_id[MIHSEC_MIHF_ID_MAX];
	size_t peer_id_len;
	uint8_t local_id[MIHSEC_MIHF_ID_MAX];
	size_t local_id_len;
	uint8_t keyid[MIHSEC_KEYID_LEN];
	uint32_t index;
	uint16_t mid;
};

/* Zero every octet of @cfg (keys included) in a way the compiler keeps */
void mihsec_sa_cfg_wipe(struct mihsec_sa_cfg *cfg);

/*
 * Connect to generic netlink and resolve the "mihsec" family.  On failure
 * returns NULL, stores a negative errno in *@err and a message in @msg
 * (@msglen octets, may be 0): -ENOENT means the family does not exist, i.e.
 * mihsec.ko is not loaded.
 */
struct mihsec_nl *mihsec_nl_open(int *err, char *msg, size_t msglen);

/* Same, for any generic netlink family (tests talk to "nlctrl") */
struct mihsec_nl *mihsec_nl_open_family(const char *name, int *err,
					char *msg, size_t msglen);

void mihsec_nl_close(struct mihsec_nl *nl);

/* Detail of the last failure (see above); never NULL */
const char *mihsec_nl_errmsg(const struct mihsec_nl *nl);

/* The resolved family ID */
int mihsec_nl_family(const struct mihsec_nl *nl);

/* Commands (uapi/linux/mihsec.h).  The caller still owns and wipes @cfg. */
int mihsec_nl_sa_add(struct mihsec_nl *nl, const struct mihsec_sa_cfg *cfg);
int mihsec_nl_sa_del_keyid(struct mihsec_nl *nl,
			   const uint8_t rx_keyid[MIHSEC_KEYID_LEN]);
int mihsec_nl_sa_del_peer(struct mihsec_nl *nl, const uint8_t *peer_id,
			  size_t peer_id_len);
int mihsec_nl_sa_get(struct mihsec_nl *nl,
		     const uint8_t rx_keyid[MIHSEC_KEYID_LEN],
		     struct mihsec_sa_info *sa);
int mihsec_nl_sa_flush(struct mihsec_nl *nl);
int mihsec_nl_policy_get(struct mihsec_nl *nl, struct mihsec_policy_info *pi);
int mihsec_nl_policy_set(struct mihsec_nl *nl, uint8_t policy);
int mihsec_nl_policy_set_cfg(struct mihsec_nl *nl,
			     const struct mihsec_policy_cfg *pc);
int mihsec_nl_stats_get(struct mihsec_nl *nl,
			uint64_t stats[MIHSEC_STAT_MAX + 1]);

/*
 * Dump every SA of the namespace, calling @cb once per SA (in kernel
 * order).  @cb returns 0 to go on or a negative errno to stop: the rest of
 * the dump is then read and discarded and that value returned.
 * Returns the number of SAs, or -EINTR if the kernel flagged the dump
 * NLM_F_DUMP_INTR (the table changed meanwhile: @cb saw an inconsistent
 * view; discard what it collected and dump again), or another negative
 * errno.
 */
typedef int (*mihsec_sa_cb)(const struct mihsec_sa_info *sa, void *arg);
int mihsec_nl_sa_dump(struct mihsec_nl *nl, mihsec_sa_cb cb, void *arg);

/*
 * Lower level, used by the commands above, by tests and by mihsecd.
 */

/* A new request for @family/@cmd (version MIHSEC_GENL_VERSION) with the
 * extra NLM_F_* @flags (NLM_F_REQUEST and NLM_F_ACK are added when sent).
 * NULL if out of memory. */
struct nl_msg *mihsec_nl_msg_new(int family, uint8_t cmd, int flags);

/* Zero the message buffer, then free it (for messages that held keys) */
void mihsec_nl_msg_free_wipe(struct nl_msg *msg);

/* Append the MIHSEC_CMD_SA_ADD attributes for @cfg; -EMSGSIZE if full */
int mihsec_nl_put_sa_cfg(struct nl_msg *msg, const struct mihsec_sa_cfg *cfg);

/* Append the MIHSEC_CMD_POLICY_SET attributes for @pc; -EINVAL if it sets
 * nothing or a list is too long, -EMSGSIZE if full */
int mihsec_nl_put_policy_cfg(struct nl_msg *msg,
			     const struct mihsec_policy_cfg *pc);

/* Append @list as the nest @type of MIHSEC_MID_ENTRY attributes */
int mihsec_nl_put_mids(struct nl_msg *msg, int type,
		       const struct mihsec_mid_list *list);

/*
 * Send @msg (always consumed: wiped and freed) and read until the kernel's
 * ACK, error or NLMSG_DONE.  Every data message is passed to @valid (may be
 * NULL); a negative return from @valid is remembered, later data messages
 * are skipped, and that value is returned once the exchange is complete.
 * Returns the number of data messages seen, -EINTR if any carried
 * NLM_F_DUMP_INTR, or a negative errno.
 */
typedef int (*mihsec_nl_valid_cb)(struct mihsec_nl *nl, struct nlmsghdr *nlh,
				  void *arg);
int mihsec_nl_transact(struct mihsec_nl *nl, struct nl_msg *msg,
		       mihsec_nl_valid_cb valid, void *arg);

/*
 * Reply parsers (validate against the uapi: exact lengths, every attribute
 * the uapi promises present).  -EPROTO with an explanation in @why
 * (@whylen octets, may be 0) if the message does not conform.
 */
int mihsec_nl_parse_sa(struct nlmsghdr *nlh, struct mihsec_sa_info *sa,
		       char *why, size_t whylen);
int mihsec_nl_parse_policy(struct nlmsghdr *nlh, struct mihsec_policy_info *pi,
			   char *why, size_t whylen);
int mihsec_nl_parse_stats(struct nlmsghdr *nlh,
			  uint64_t stats[MIHSEC_STAT_MAX + 1],
			  char *why, size_t whylen);

int mihsec_nl_parse_event(struct nlmsghdr *nlh, struct mihsec_event_info *ev,
			  char *why, size_t whylen);

/*
 * Events (MIHSEC_CMD_EVENT on the "events" multicast group).
 * mihsec_nl_subscribe_events() joins the group on @nl (resolved through
 * the generic netlink controller) and turns off sequence checks; the
 * handle should then be used for nothing else.  mihsec_nl_recv_events()
 * reads one datagram and calls @cb for each event in it (messages of
 * other families or commands are skipped); @cb returns 0 to go on or a
 * negative errno, which stops and is returned.  Returns the number of
 * events handled, or a negative errno (-EPROTO for a malformed event,
 * with the reason in mihsec_nl_errmsg(); -ENOBUFS if the socket's receive
 * buffer overflowed, i.e. events were lost: reading may go on).  mihsec_nl_fd() gives the socket, to poll() for readability.
 */
typedef int (*mihsec_event_cb)(const struct mihsec_event_info *ev, void *arg);
int mihsec_nl_subscribe_events(struct mihsec_nl *nl);
/* Same for any family's group (tests use nlctrl's "notify") */
int mihsec_nl_subscribe_group(struct mihsec_nl *nl, const char *family,
			      const char *group);
int mihsec_nl_recv_events(struct mihsec_nl *nl, mihsec_event_cb cb,
			  void *arg);
int mihsec_nl_fd(const struct mihsec_nl *nl);

/*
 * Wait up to @timeout_ms (-1: for ever) for @nl to become readable, with
 * the signal mask @sigmask (may be NULL) in force meanwhile (ppoll()).
 * Returns 1 (readable), 0 (timed out), -EINTR (a signal arrived) or
 * another negative errno.
 */
int mihsec_nl_wait(struct mihsec_nl *nl, int timeout_ms,
		   const sigset_t *sigmask);

/* "MIHSEC_A_SA_TX_KEY" style name of an attribute, or NULL */
const char *mihsec_nl_attr_name(int type);

/*
 * Test hook: a handle whose traffic goes to @io instead of the kernel.
 * send() sees each complete request (sequence number filled in) and returns
 * 0 or a negative errno; recv() hands back one datagram: it stores a
 * malloc()ed buffer (the library frees it) in *buf and returns its length,
 * or returns a negative errno.  @io must outlive the handle.
 */
struct mihsec_nl_io {
	int (*send)(void *arg, const struct nlmsghdr *req);
	int (*recv)(void *arg, unsigned char **buf);
	void *arg;
	/* optional: mihsec_nl_subscribe_events() (else -EOPNOTSUPP) and
	 * mihsec_nl_wait() (else "readable") */
	int (*join)(void *arg, const char *group);
	int (*poll)(void *arg, int timeout_ms);
};
struct mihsec_nl *mihsec_nl_open_io(const struct mihsec_nl_io *io, int family);

#endif /* MIHSEC_LIB_NL_H */

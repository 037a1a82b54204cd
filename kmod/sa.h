/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Security associations (PROTOCOL.md section 1) and the per-namespace SA
 * table: looked up under RCU by RX key ID (receive) and by peer MIHF ID
 * (send: the newest SA of the peer), changed under mihsec_net.lock.
 */
#ifndef _MIHSEC_SA_H
#define _MIHSEC_SA_H

#include <linux/atomic.h>
#include <linux/rhashtable.h>
#include <linux/mihsec.h>
#include "acl.h"
#include "crypto.h"
#include "replay.h"
#include "stats.h"

struct mihsec_net;
struct netlink_ext_ack;

/* Key of the peer table: lookups and inserts both hash one of these */
struct mihsec_idref {
	const u8 *id;
	u32 len;
};

struct mihsec_sa {
	struct rhash_head keyid_node;
	struct rhlist_head peer_node;
	struct mihsec_idref peer_key;	/* -> peer_id, peer_len */
	struct rcu_head rcu;
	u32 index;
	u64 serial;
	time64_t added;			/* boot-time seconds */
	u8 suite;
	u8 role;			/* enum mihsec_role */
	u8 flags;			/* MIHSEC_SA_F_* */
	u8 local_len;
	u8 peer_len;
	u8 tx_keyid[MIHSEC_KEYID_LEN];
	u8 rx_keyid[MIHSEC_KEYID_LEN];
	atomic64_t tx_seq;		/* last sequence number sent */
	struct mihsec_key tx;
	struct mihsec_key rx;
	struct mihsec_replay *replay;	/* in this allocation, after ids */
	struct mihsec_ctr __percpu *stats; /* enum mihsec_sa_stat */
	struct mihsec_midset *allow;	/* NULL: every message allowed */
	/* lifetime (PROTOCOL.md section 7); 0: no such limit */
	unsigned long soft_at;		/* jiffies */
	unsigned long hard_at;		/* jiffies */
	u64 soft_msgs;
	u64 hard_msgs;
	u32 soft_secs;			/* as configured, for dumps */
	u32 hard_secs;
	u32 grace;			/* seconds, once superseded */
	unsigned long retire_at;	/* jiffies; 0: not superseded */
	atomic64_t msgs;		/* PDUs sealed or accepted */
	unsigned long state;		/* MIHSEC_SA_S_* bits */
	const u8 *local_id;		/* -> ids */
	const u8 *peer_id;		/* -> ids + local_len */
	u8 ids[];			/* sized to the two IDs */
};

enum {
	MIHSEC_SA_S_SOFT_FIRED,		/* soft event raised */
	MIHSEC_SA_S_TIMED,		/* counted in mihsec_net.n_timed */
};

/* What SA_ADD carries; key pointers reference the netlink message */
struct mihsec_sa_cfg {
	const u8 *local_id;
	const u8 *peer_id;
	u8 local_len;
	u8 peer_len;
	u8 suite;
	u8 role;
	u32 flags;
	u32 replay_window;
	const u8 *tx_keyid;
	const u8 *rx_keyid;
	const u8 *tx_key;
	const u8 *rx_key;
	unsigned int key_len;
	const u8 *tx_ikey;		/* suite 4 only */
	const u8 *rx_ikey;
	const u8 *tx_salt;
	const u8 *rx_salt;
	struct mihsec_midset *allow;	/* handed over to the SA */
	u32 soft_secs;
	u32 hard_secs;
	u64 soft_msgs;
	u64 hard_msgs;
	u32 grace;
	u64 tx_seq;			/* last sequence already used */
};

int mihsec_sa_table_init(struct mihsec_net *mn);
void mihsec_sa_table_destroy(struct mihsec_net *mn);

struct mihsec_sa *mihsec_sa_create(const struct mihsec_sa_cfg *cfg,
				   struct netlink_ext_ack *extack);
void mihsec_sa_destroy(struct mihsec_sa *sa);
int mihsec_sa_insert(struct mihsec_net *mn, struct mihsec_sa *sa,
		     struct netlink_ext_ack *extack);
unsigned int mihsec_sa_remove_keyid(struct mihsec_net *mn, const u8 *keyid);
unsigned int mihsec_sa_remove_peer(struct mihsec_net *mn, const u8 *id,
				   u8 len);
void mihsec_sa_flush(struct mihsec_net *mn);

struct mihsec_sa *mihsec_sa_find_keyid(struct mihsec_net *mn, const u8 *keyid);
bool mihsec_sa_alive(const struct mihsec_sa *sa);
bool mihsec_sa_use(struct mihsec_net *mn, struct mihsec_sa *sa);
void mihsec_sa_gc_start(struct mihsec_net *mn);
void mihsec_sa_gc_stop(struct mihsec_net *mn);
struct mihsec_sa *mihsec_sa_find_tx(struct mihsec_net *mn, const u8 *id,
				    u8 len);

/* The direction bit this SA sends, and the one it accepts */
static inline u8 mihsec_sa_tx_dir(const struct mihsec_sa *sa)
{
	return sa->role == MIHSEC_ROLE_NETWORK ? MIHSEC_WIRE_F_NET2MMT : 0;
}

static inline u8 mihsec_sa_rx_dir(const struct mihsec_sa *sa)
{
	return mihsec_sa_tx_dir(sa) ^ MIHSEC_WIRE_F_NET2MMT;
}

#endif /* _MIHSEC_SA_H */

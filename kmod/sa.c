// SPDX-License-Identifier: GPL-2.0
/*
 * The SA table of a namespace.
 *
 * Readers (the netfilter hooks) look SAs up under RCU; writers (netlink)
 * hold mihsec_net.lock.  An SA removed from the table is freed after an RCU
 * grace period, so a reader that found it can finish with it; its keys are
 * zeroized then (the crypto transforms clear their key schedules when
 * freed, the rest of the SA goes through kfree_sensitive).
 */
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ktime.h>
#include <net/netlink.h>
#include "mihsec.h"
#include "sa.h"

static u32 mihsec_peer_hash(const void *data, u32 len, u32 seed)
{
	const struct mihsec_idref *ref = data;

	return jhash(ref->id, ref->len, seed);
}

/*
 * rhltable compares a lookup key, and on insert the new object's own key
 * (object + key_offset), with this: both are a struct mihsec_idref.
 */
static int mihsec_peer_cmp(struct rhashtable_compare_arg *arg,
			   const void *obj)
{
	const struct mihsec_idref *ref = arg->key;
	const struct mihsec_sa *sa = obj;

	return sa->peer_len != ref->len || memcmp(sa->peer_id, ref->id, ref->len);
}

/*
 * PROTOCOL.md section 7, "never reuse a nonce": keys are deterministic
 * from the MSK, so an SA installed twice would restart its sequence (and
 * the peer's replay window) under the same key.  Every key ID an SA of
 * this namespace ever held stays here until the namespace (or the module)
 * goes away, and SA_ADD refuses any of them.
 */
struct mihsec_keyid_used {
	struct rhash_head node;
	u8 key[1 + MIHSEC_KEYID_LEN];	/* direction (0 rx, 1 tx), key ID */
};

static const struct rhashtable_params mihsec_used_params = {
	.head_offset = offsetof(struct mihsec_keyid_used, node),
	.key_offset = offsetof(struct mihsec_keyid_used, key),
	.key_len = 1 + MIHSEC_KEYID_LEN,
	.automatic_shrinking = true,
};

static const struct rhashtable_params mihsec_keyid_params = {
	.head_offset = offsetof(struct mihsec_sa, keyid_node),
	.key_offset = offsetof(struct mihsec_sa, rx_keyid),
	.key_len = MIHSEC_KEYID_LEN,
	.automatic_shrinking = true,
};

static const struct rhashtable_params mihsec_peer_params = {
	.head_offset = offsetof(struct mihsec_sa, peer_node),
	.key_offset = offsetof(struct mihsec_sa, peer_key),
	.key_len = sizeof(struct mihsec_idref),
	.hashfn = mihsec_peer_hash,
	.obj_cmpfn = mihsec_peer_cmp,
	.automatic_shrinking = true,
};

int mihsec_sa_table_init(struct mihsec_net *mn)
{
	int err;

	mutex_init(&mn->lock);
	mn->gen = 1;		/* 0 would disable dump consistency checks */
	xa_init_flags(&mn->by_index, XA_FLAGS_ALLOC);
	err = rhashtable_init(&mn->by_keyid, &mihsec_keyid_params);
	if (err)
		return err;
	err = rhltable_init(&mn->by_peer, &mihsec_peer_params);
	if (err)
		goto out_keyid;
	err = rhashtable_init(&mn->keyids_used, &mihsec_used_params);
	if (err)
		goto out_peer;
	return 0;

out_peer:
	rhltable_destroy(&mn->by_peer);
out_keyid:
	rhashtable_destroy(&mn->by_keyid);
	return err;
}

static void mihsec_keyid_used_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/* The table must be empty (mihsec_sa_flush) */
void mihsec_sa_table_destroy(struct mihsec_net *mn)
{
	rhashtable_free_and_destroy(&mn->keyids_used, mihsec_keyid_used_free,
				    NULL);
	rhltable_destroy(&mn->by_peer);
	rhashtable_destroy(&mn->by_keyid);
	xa_destroy(&mn->by_index);
	mutex_destroy(&mn->lock);
}

struct mihsec_sa *mihsec_sa_create(const struct mihsec_sa_cfg *cfg,
				   struct netlink_ext_ack *extack)
{
	size_t rsize = mihsec_replay_size(cfg->replay_window), roff;
	struct mihsec_sa *sa;
	int err = -ENOMEM;

	if (!rsize)
		return ERR_PTR(-EINVAL);
	/* one allocation: the SA, its two IDs, its replay window */
	roff = ALIGN(struct_size(sa, ids, cfg->local_len + cfg->peer_len),
		     __alignof__(struct mihsec_replay));
	sa = kzalloc(roff + rsize, GFP_KERNEL_ACCOUNT);
	if (!sa)
		return ERR_PTR(-ENOMEM);
	sa->replay = (struct mihsec_replay *)((u8 *)sa + roff);
	mihsec_replay_init(sa->replay, cfg->replay_window);
	sa->suite = cfg->suite;
	sa->role = cfg->role;
	sa->flags = cfg->flags;
	sa->local_len = cfg->local_len;
	sa->peer_len = cfg->peer_len;
	memcpy(sa->ids, cfg->local_id, cfg->local_len);
	memcpy(sa->ids + cfg->local_len, cfg->peer_id, cfg->peer_len);
	sa->local_id = sa->ids;
	sa->peer_id = sa->ids + cfg->local_len;
	sa->peer_key.id = sa->peer_id;
	sa->peer_key.len = sa->peer_len;
	memcpy(sa->tx_keyid, cfg->tx_keyid, MIHSEC_KEYID_LEN);
	memcpy(sa->rx_keyid, cfg->rx_keyid, MIHSEC_KEYID_LEN);
	atomic64_set(&sa->tx_seq, cfg->tx_seq);
	sa->added = ktime_get_boottime_seconds();
	sa->allow = cfg->allow;
	if (cfg->soft_secs)
		sa->soft_at = jiffies + cfg->soft_secs * HZ;
	if (cfg->hard_secs)
		sa->hard_at = jiffies + cfg->hard_secs * HZ;
	sa->soft_secs = cfg->soft_secs;
	sa->hard_secs = cfg->hard_secs;
	sa->soft_msgs = cfg->soft_msgs;
	sa->hard_msgs = cfg->hard_msgs;
	sa->grace = cfg->grace;

	sa->stats = mihsec_ctr_alloc(__MIHSEC_SA_STAT_MAX);
	if (!sa->stats)
		goto fail;
	err = mihsec_key_init(&sa->tx, cfg->suite, cfg->tx_key, cfg->key_len,
			      cfg->tx_ikey, cfg->tx_salt);
	if (err)
		goto fail_key;
	err = mihsec_key_init(&sa->rx, cfg->suite, cfg->rx_key, cfg->key_len,
			      cfg->rx_ikey, cfg->rx_salt);
	if (err) {
		mihsec_key_free(&sa->tx);
		goto fail_key;
	}
	return sa;

fail_key:
	NL_SET_ERR_MSG(extack, "cannot set up the suite's crypto transform");
fail:
	mihsec_ctr_free(sa->stats);
	kfree_sensitive(sa);	/* the caller still owns cfg->allow */
	return ERR_PTR(err);
}

void mihsec_sa_destroy(struct mihsec_sa *sa)
{
	mihsec_key_free(&sa->tx);
	mihsec_key_free(&sa->rx);
	mihsec_ctr_free(sa->stats);
	kfree(sa->allow);		/* already past a grace period */
	kfree_sensitive(sa);
}

static void mihsec_sa_free_rcu(struct rcu_head *rcu)
{
	mihsec_sa_destroy(container_of(rcu, struct mihsec_sa, rcu));
}

static struct mihsec_keyid_used *mihsec_keyid_used_new(u8 dir, const u8 *keyid)
{
	struct mihsec_keyid_used *u;

	u = kmalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
	if (u) {
		u->key[0] = dir;
		memcpy(u->key + 1, keyid, MIHSEC_KEYID_LEN);
	}
	return u;
}

static bool mihsec_keyid_was_used(struct mihsec_net *mn,
				  const struct mihsec_keyid_used *u)
{
	return rhashtable_lookup_fast(&mn->keyids_used, u->key,
				      mihsec_used_params);
}

static void mihsec_sa_set_timed(struct mihsec_net *mn, struct mihsec_sa *sa)
{
	lockdep_assert_held(&mn->lock);
	if (!test_and_set_bit(MIHSEC_SA_S_TIMED, &sa->state) &&
	    !mn->n_timed++)
		mod_delayed_work(system_wq, &mn->gc, HZ);
}

/*
 * Rekey (PROTOCOL.md section 7): the new SA sends at once (it is the
 * newest); the peer's older SAs keep receiving for their grace period.
 */
static void mihsec_sa_supersede(struct mihsec_net *mn, struct mihsec_sa *new)
{
	struct mihsec_idref ref = { .id = new->peer_id, .len = new->peer_len };
	struct rhlist_head *list, *pos;
	struct mihsec_sa *sa;

	rcu_read_lock();
	list = rhltable_lookup(&mn->by_peer, &ref, mihsec_peer_params);
	rhl_for_each_entry_rcu(sa, pos, list, peer_node) {
		if (sa == new || sa->retire_at)
			continue;
		WRITE_ONCE(sa->retire_at, jiffies + sa->grace * HZ ?: 1);
		mihsec_sa_set_timed(mn, sa);
	}
	rcu_read_unlock();
}

int mihsec_sa_insert(struct mihsec_net *mn, struct mihsec_sa *sa,
		     struct netlink_ext_ack *extack)
{
	struct mihsec_keyid_used *rx, *tx;
	int err;

	rx = mihsec_keyid_used_new(0, sa->rx_keyid);
	tx = mihsec_keyid_used_new(1, sa->tx_keyid);
	if (!rx || !tx) {
		kfree(rx);
		kfree(tx);
		return -ENOMEM;
	}

	mutex_lock(&mn->lock);
	if (mihsec_keyid_was_used(mn, rx) || mihsec_keyid_was_used(mn, tx)) {
		NL_SET_ERR_MSG(extack,
			       "key ID already used since the module was loaded: derive fresh keys");
		err = -EEXIST;
		goto out;
	}
	err = rhashtable_insert_fast(&mn->keyids_used, &rx->node,
				     mihsec_used_params);
	if (err)
		goto out;
	err = rhashtable_insert_fast(&mn->keyids_used, &tx->node,
				     mihsec_used_params);
	if (err) {
		rhashtable_remove_fast(&mn->keyids_used, &rx->node,
				       mihsec_used_params);
		goto out;
	}
	/* from here on both stay recorded, whatever happens to the SA */
	rx = NULL;
	tx = NULL;
	sa->serial = mn->serial + 1;	/* before readers can see it */
	err = xa_alloc_cyclic(&mn->by_index, &sa->index, sa, xa_limit_32b,
			      &mn->next_index, GFP_KERNEL_ACCOUNT);
	if (err < 0)
		goto out;
	err = rhashtable_lookup_insert_fast(&mn->by_keyid, &sa->keyid_node,
					    mihsec_keyid_params);
	if (err) {
		if (err == -EEXIST)
			NL_SET_ERR_MSG(extack, "RX key ID already installed");
		goto out_index;
	}
	err = rhltable_insert(&mn->by_peer, &sa->peer_node, mihsec_peer_params);
	if (err)
		goto out_keyid;
	mihsec_sa_supersede(mn, sa);
	if (sa->soft_at || sa->hard_at || sa->soft_msgs || sa->hard_msgs)
		mihsec_sa_set_timed(mn, sa);
	mn->serial++;
	mn->count++;
	mn->gen++;
	mutex_unlock(&mn->lock);
	return 0;

out_keyid:
	rhashtable_remove_fast(&mn->by_keyid, &sa->keyid_node,
			       mihsec_keyid_params);
out_index:
	xa_erase(&mn->by_index, sa->index);
out:
	mutex_unlock(&mn->lock);
	kfree(rx);
	kfree(tx);
	return err < 0 ? err : -ENOSPC;
}

static void __mihsec_sa_remove(struct mihsec_net *mn, struct mihsec_sa *sa)
{
	lockdep_assert_held(&mn->lock);
	rhltable_remove(&mn->by_peer, &sa->peer_node, mihsec_peer_params);
	rhashtable_remove_fast(&mn->by_keyid, &sa->keyid_node,
			       mihsec_keyid_params);
	xa_erase(&mn->by_index, sa->index);
	if (test_bit(MIHSEC_SA_S_TIMED, &sa->state))
		mn->n_timed--;
	mn->count--;
	mn->gen++;
	call_rcu(&sa->rcu, mihsec_sa_free_rcu);
}

unsigned int mihsec_sa_remove_keyid(struct mihsec_net *mn, const u8 *keyid)
{
	struct mihsec_sa *sa;

	mutex_lock(&mn->lock);
	rcu_read_lock();
	sa = mihsec_sa_find_keyid(mn, keyid);
	if (sa)
		__mihsec_sa_remove(mn, sa);
	rcu_read_unlock();
	mutex_unlock(&mn->lock);
	return sa ? 1 : 0;
}

unsigned int mihsec_sa_remove_peer(struct mihsec_net *mn, const u8 *id, u8 len)
{
	struct mihsec_idref ref = { .id = id, .len = len };
	struct rhlist_head *list, *pos;
	struct mihsec_sa *sa;
	unsigned int n = 0;

	mutex_lock(&mn->lock);
	/* an unlinked entry keeps its next pointer until the grace period */
	rcu_read_lock();
	list = rhltable_lookup(&mn->by_peer, &ref, mihsec_peer_params);
	rhl_for_each_entry_rcu(sa, pos, list, peer_node) {
		__mihsec_sa_remove(mn, sa);
		n++;
	}
	rcu_read_unlock();
	mutex_unlock(&mn->lock);
	return n;
}

void mihsec_sa_flush(struct mihsec_net *mn)
{
	struct mihsec_sa *sa;
	unsigned long index;

	mutex_lock(&mn->lock);
	xa_for_each(&mn->by_index, index, sa) {
		__mihsec_sa_remove(mn, sa);
		cond_resched();
	}
	mutex_unlock(&mn->lock);
}

/* Under rcu_read_lock() */
struct mihsec_sa *mihsec_sa_find_keyid(struct mihsec_net *mn, const u8 *keyid)
{
	return rhashtable_lookup(&mn->by_keyid, keyid, mihsec_keyid_params);
}

/* Under rcu_read_lock(): the newest SA whose peer is @id */
struct mihsec_sa *mihsec_sa_find_tx(struct mihsec_net *mn, const u8 *id, u8 len)
{
	struct mihsec_idref ref = { .id = id, .len = len };
	struct mihsec_sa *sa, *best = NULL;
	struct rhlist_head *list, *pos;

	list = rhltable_lookup(&mn->by_peer, &ref, mihsec_peer_params);
	rhl_for_each_entry_rcu(sa, pos, list, peer_node) {
		if (!best || sa->serial > best->serial)
			best = sa;
	}
	return best;
}

static bool mihsec_sa_past(unsigned long at)
{
	return at && time_after_eq(jiffies, at);
}

/* Within its lifetime?  (Under rcu_read_lock(); nothing is counted) */
bool mihsec_sa_alive(const struct mihsec_sa *sa)
{
	return !mihsec_sa_past(sa->hard_at) &&
	       !mihsec_sa_past(READ_ONCE(sa->retire_at)) &&
	       !(sa->hard_msgs && atomic64_read(&sa->msgs) >= sa->hard_msgs);
}

/*
 * Count one PDU sealed, or received and verified (never one that did not
 * verify: a forger must not spend an SA's budget).  False past the hard
 * message limit; raises the soft event once.  Under rcu_read_lock().
 */
bool mihsec_sa_use(struct mihsec_net *mn, struct mihsec_sa *sa)
{
	u64 n = atomic64_inc_return(&sa->msgs);

	if (sa->hard_msgs && n > sa->hard_msgs)
		return false;
	if (((sa->soft_msgs && n >= sa->soft_msgs) ||
	     mihsec_sa_past(sa->soft_at)) &&
	    !test_and_set_bit(MIHSEC_SA_S_SOFT_FIRED, &sa->state)) {
		struct mihsec_event_info ei = { .sa = sa };

		mihsec_event(mn, MIHSEC_EV_SA_SOFT_EXPIRED, &ei);
	}
	return true;
}

/* Once a second while some SA has a lifetime or is retiring */
static void mihsec_sa_gc(struct work_struct *work)
{
	struct mihsec_net *mn = container_of(to_delayed_work(work),
					     struct mihsec_net, gc);
	struct mihsec_event_info ei = {};
	struct mihsec_sa *sa;
	unsigned long index;

	mutex_lock(&mn->lock);
	xa_for_each(&mn->by_index, index, sa) {
		if (!test_bit(MIHSEC_SA_S_TIMED, &sa->state))
			continue;
		ei.sa = sa;
		if (!mihsec_sa_alive(sa)) {
			mihsec_event(mn, MIHSEC_EV_SA_EXPIRED, &ei);
			__mihsec_sa_remove(mn, sa);
		} else if (mihsec_sa_past(sa->soft_at) &&
			   !test_and_set_bit(MIHSEC_SA_S_SOFT_FIRED,
					     &sa->state)) {
			mihsec_event(mn, MIHSEC_EV_SA_SOFT_EXPIRED, &ei);
		}
		cond_resched();
	}
	if (mn->n_timed)
		schedule_delayed_work(&mn->gc, HZ);
	mutex_unlock(&mn->lock);
}

void mihsec_sa_gc_start(struct mihsec_net *mn)
{
	INIT_DELAYED_WORK(&mn->gc, mihsec_sa_gc);
}

void mihsec_sa_gc_stop(struct mihsec_net *mn)
{
	cancel_delayed_work_sync(&mn->gc);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The "mihsec" generic netlink family (uapi/linux/mihsec.h documents every
 * command and attribute).  Strict attribute validation everywhere; every
 * command that changes state needs CAP_NET_ADMIN, and so does reading SAs.
 * Keys and salts are accepted, never sent back.  Commands act on the
 * namespace of the requesting socket.
 */
#include <crypto/algapi.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/mihsec.h>
#include <linux/netfilter.h>
#include "events.h"
#include "mihsec.h"
#include "netlink.h"
#include "sa.h"

static const struct nla_policy mihsec_nl_mid_policy[MIHSEC_MID_MAX + 1] = {
	[MIHSEC_MID_ENTRY]	= { .type = NLA_U16 },
};

/*
 * Attributes of later features are refused (NLA_REJECT) until this
 * module implements them, so nothing is silently ignored.
 */
static const struct nla_policy mihsec_nl_policy[MIHSEC_A_MAX + 1] = {
	[MIHSEC_A_PAD]		= { .type = NLA_REJECT },
	[MIHSEC_A_SA_INDEX]	= { .type = NLA_REJECT },
	[MIHSEC_A_SA_LOCAL_ID]	= NLA_POLICY_RANGE(NLA_BINARY, 1,
						   MIHSEC_MIHF_ID_MAX),
	[MIHSEC_A_SA_PEER_ID]	= NLA_POLICY_RANGE(NLA_BINARY, 1,
						   MIHSEC_MIHF_ID_MAX),
	[MIHSEC_A_SA_SUITE]	= NLA_POLICY_RANGE(NLA_U8,
						   MIHSEC_SUITE_AES128_GCM,
						   MIHSEC_SUITE_AES128_CBC_HMAC_SHA1),
	[MIHSEC_A_SA_ROLE]	= NLA_POLICY_RANGE(NLA_U8, MIHSEC_ROLE_MMT,
						   MIHSEC_ROLE_NETWORK),
	[MIHSEC_A_SA_FLAGS]	= NLA_POLICY_MASK(NLA_U32, MIHSEC_SA_F_ALL),
	[MIHSEC_A_SA_TX_KEYID]	= NLA_POLICY_EXACT_LEN(MIHSEC_KEYID_LEN),
	[MIHSEC_A_SA_RX_KEYID]	= NLA_POLICY_EXACT_LEN(MIHSEC_KEYID_LEN),
	[MIHSEC_A_SA_TX_KEY]	= NLA_POLICY_RANGE(NLA_BINARY, 16,
						   MIHSEC_KEY_MAX),
	[MIHSEC_A_SA_RX_KEY]	= NLA_POLICY_RANGE(NLA_BINARY, 16,
						   MIHSEC_KEY_MAX),
	[MIHSEC_A_SA_TX_SALT]	= NLA_POLICY_EXACT_LEN(MIHSEC_SALT_LEN),
	[MIHSEC_A_SA_RX_SALT]	= NLA_POLICY_EXACT_LEN(MIHSEC_SALT_LEN),
	[MIHSEC_A_SA_TX_IKEY]	= NLA_POLICY_EXACT_LEN(MIHSEC_IKEY_LEN),
	[MIHSEC_A_SA_RX_IKEY]	= NLA_POLICY_EXACT_LEN(MIHSEC_IKEY_LEN),
	[MIHSEC_A_SA_REPLAY_WINDOW] =
		NLA_POLICY_RANGE(NLA_U32, MIHSEC_REPLAY_WINDOW_MIN,
				 MIHSEC_REPLAY_WINDOW_MAX),
	[MIHSEC_A_SA_TX_SEQ]	= { .type = NLA_U64 },
	[MIHSEC_A_SA_RX_SEQ]	= { .type = NLA_REJECT },
	[MIHSEC_A_SA_AGE]	= { .type = NLA_REJECT },
	[MIHSEC_A_SA_STATS]	= { .type = NLA_REJECT },
	[MIHSEC_A_POLICY]	= NLA_POLICY_MAX(NLA_U8, MIHSEC_POLICY_REQUIRE),
	[MIHSEC_A_PORT]		= { .type = NLA_REJECT },
	[MIHSEC_A_SA_COUNT]	= { .type = NLA_REJECT },
	[MIHSEC_A_STATS]	= { .type = NLA_REJECT },
	[MIHSEC_A_SA_ALLOW]	= NLA_POLICY_NESTED(mihsec_nl_mid_policy),
	[MIHSEC_A_SA_SOFT_SECS]	= { .type = NLA_U32 },
	[MIHSEC_A_SA_HARD_SECS]	= { .type = NLA_U32 },
	[MIHSEC_A_SA_SOFT_MSGS]	= { .type = NLA_U64 },
	[MIHSEC_A_SA_HARD_MSGS]	= { .type = NLA_U64 },
	[MIHSEC_A_SA_GRACE]	= NLA_POLICY_MAX(NLA_U32, MIHSEC_GRACE_MAX),
	[MIHSEC_A_EXEMPT]	= NLA_POLICY_NESTED(mihsec_nl_mid_policy),
	[MIHSEC_A_EXEMPT_UIR]	= NLA_POLICY_NESTED(mihsec_nl_mid_policy),
	[MIHSEC_A_EVENT_RATE]	= NLA_POLICY_MAX(NLA_U32, MIHSEC_EVENT_RATE_MAX),
	[MIHSEC_A_EVENT_BURST]	= NLA_POLICY_RANGE(NLA_U32, 1,
						   MIHSEC_EVENT_BURST_MAX),
	[MIHSEC_A_EVENT_TYPE]	= { .type = NLA_REJECT },
	[MIHSEC_A_EVENT_ADDR]	= { .type = NLA_REJECT },
	[MIHSEC_A_EVENT_MID]	= { .type = NLA_REJECT },
};

static struct genl_family mihsec_genl_family;

enum mihsec_mcgrp { MIHSEC_MCGRP_EVENTS };

static const struct genl_multicast_group mihsec_nl_mcgrps[] = {
	[MIHSEC_MCGRP_EVENTS] = { .name = MIHSEC_GENL_MCGRP_EVENTS },
};

static struct mihsec_net *mihsec_nl_net(struct genl_info *info)
{
	return mihsec_pernet(genl_info_net(info));
}

static int mihsec_nl_fill_sa(struct sk_buff *skb, const struct mihsec_sa *sa,
			     u32 portid, u32 seq, int flags,
			     struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &mihsec_genl_family, flags,
			  MIHSEC_CMD_SA_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, MIHSEC_A_SA_INDEX, sa->index) ||
	    nla_put(skb, MIHSEC_A_SA_LOCAL_ID, sa->local_len, sa->local_id) ||
	    nla_put(skb, MIHSEC_A_SA_PEER_ID, sa->peer_len, sa->peer_id) ||
	    nla_put_u8(skb, MIHSEC_A_SA_SUITE, sa->suite) ||
	    nla_put_u8(skb, MIHSEC_A_SA_ROLE, sa->role) ||
	    nla_put_u32(skb, MIHSEC_A_SA_FLAGS, sa->flags) ||
	    nla_put(skb, MIHSEC_A_SA_TX_KEYID, MIHSEC_KEYID_LEN, sa->tx_keyid) ||
	    nla_put(skb, MIHSEC_A_SA_RX_KEYID, MIHSEC_KEYID_LEN, sa->rx_keyid) ||
	    nla_put_u32(skb, MIHSEC_A_SA_REPLAY_WINDOW, sa->replay->window) ||
	    nla_put_u64_64bit(skb, MIHSEC_A_SA_TX_SEQ,
			      atomic64_read(&sa->tx_seq), MIHSEC_A_PAD) ||
	    nla_put_u64_64bit(skb, MIHSEC_A_SA_RX_SEQ,
			      mihsec_replay_top(sa->replay), MIHSEC_A_PAD) ||
	    nla_put_u64_64bit(skb, MIHSEC_A_SA_AGE,
			      ktime_get_boottime_seconds() - sa->added,
			      MIHSEC_A_PAD) ||
	    mihsec_ctr_put(skb, MIHSEC_A_SA_STATS, sa->stats,
			   __MIHSEC_SA_STAT_MAX) ||
	    (sa->allow && mihsec_midset_put(skb, MIHSEC_A_SA_ALLOW, sa->allow)) ||
	    nla_put_u32(skb, MIHSEC_A_SA_SOFT_SECS, sa->soft_secs) ||
	    nla_put_u32(skb, MIHSEC_A_SA_HARD_SECS, sa->hard_secs) ||
	    nla_put_u64_64bit(skb, MIHSEC_A_SA_SOFT_MSGS, sa->soft_msgs,
			      MIHSEC_A_PAD) ||
	    nla_put_u64_64bit(skb, MIHSEC_A_SA_HARD_MSGS, sa->hard_msgs,
			      MIHSEC_A_PAD) ||
	    nla_put_u32(skb, MIHSEC_A_SA_GRACE, sa->grace)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int mihsec_nl_sa_add(struct sk_buff *skb, struct genl_info *info)
{
	static const int required[] = {
		MIHSEC_A_SA_LOCAL_ID, MIHSEC_A_SA_PEER_ID, MIHSEC_A_SA_ROLE,
		MIHSEC_A_SA_TX_KEYID, MIHSEC_A_SA_RX_KEYID, MIHSEC_A_SA_TX_KEY,
		MIHSEC_A_SA_RX_KEY, MIHSEC_A_SA_TX_SALT, MIHSEC_A_SA_RX_SALT,
	};
	struct nlattr **a = info->attrs;
	struct mihsec_sa_cfg cfg = {};
	struct mihsec_sa *sa;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(required); i++)
		if (GENL_REQ_ATTR_CHECK(info, required[i]))
			return -EINVAL;

	cfg.suite = a[MIHSEC_A_SA_SUITE] ? nla_get_u8(a[MIHSEC_A_SA_SUITE]) :
				       MIHSEC_SUITE_AES128_GCM;
	cfg.key_len = mihsec_suite_keylen(cfg.suite);
	if (!cfg.key_len) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[MIHSEC_A_SA_SUITE],
				    "suite not implemented by this module");
		return -EOPNOTSUPP;
	}
	if (nla_len(a[MIHSEC_A_SA_TX_KEY]) != cfg.key_len) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[MIHSEC_A_SA_TX_KEY],
				    "key length does not match the suite");
		return -EINVAL;
	}
	if (nla_len(a[MIHSEC_A_SA_RX_KEY]) != cfg.key_len) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[MIHSEC_A_SA_RX_KEY],
				    "key length does not match the suite");
		return -EINVAL;
	}
	/*
	 * Key IDs name one direction (PROTOCOL.md section 5 step 3).  The
	 * AEAD suites nonce with salt || sequence, both directions counting
	 * from 1: one key and salt both ways would reuse every nonce.
	 */
	if (!memcmp(nla_data(a[MIHSEC_A_SA_TX_KEYID]),
		    nla_data(a[MIHSEC_A_SA_RX_KEYID]), MIHSEC_KEYID_LEN)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[MIHSEC_A_SA_RX_KEYID],
				    "TX and RX key IDs must differ");
		return -EINVAL;
	}
	if (cfg.suite != MIHSEC_SUITE_AES128_CBC_HMAC_SHA1 &&
	    !crypto_memneq(nla_data(a[MIHSEC_A_SA_TX_KEY]),
			   nla_data(a[MIHSEC_A_SA_RX_KEY]), cfg.key_len) &&
	    !memcmp(nla_data(a[MIHSEC_A_SA_TX_SALT]),
		    nla_data(a[MIHSEC_A_SA_RX_SALT]), MIHSEC_SALT_LEN)) {
		NL_SET_ERR_MSG(info->extack,
			       "one key and salt both ways would reuse nonces");
		return -EINVAL;
	}
	if (cfg.suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1) {
		if (GENL_REQ_ATTR_CHECK(info, MIHSEC_A_SA_TX_IKEY) ||
		    GENL_REQ_ATTR_CHECK(info, MIHSEC_A_SA_RX_IKEY))
			return -EINVAL;
		cfg.tx_ikey = nla_data(a[MIHSEC_A_SA_TX_IKEY]);
		cfg.rx_ikey = nla_data(a[MIHSEC_A_SA_RX_IKEY]);
	} else if (a[MIHSEC_A_SA_TX_IKEY] || a[MIHSEC_A_SA_RX_IKEY]) {
		NL_SET_ERR_MSG(info->extack,
			       "integrity keys belong to suite 4 only");
		return -EINVAL;
	}

	cfg.local_id = nla_data(a[MIHSEC_A_SA_LOCAL_ID]);
	cfg.local_len = nla_len(a[MIHSEC_A_SA_LOCAL_ID]);
	cfg.peer_id = nla_data(a[MIHSEC_A_SA_PEER_ID]);
	cfg.peer_len = nla_len(a[MIHSEC_A_SA_PEER_ID]);
	cfg.role = nla_get_u8(a[MIHSEC_A_SA_ROLE]);
	cfg.flags = a[MIHSEC_A_SA_FLAGS] ?
		    nla_get_u32(a[MIHSEC_A_SA_FLAGS]) : MIHSEC_SA_F_ENCRYPT;
	cfg.replay_window = a[MIHSEC_A_SA_REPLAY_WINDOW] ?
			    nla_get_u32(a[MIHSEC_A_SA_REPLAY_WINDOW]) :
			    MIHSEC_REPLAY_WINDOW_DEFAULT;
	cfg.tx_keyid = nla_data(a[MIHSEC_A_SA_TX_KEYID]);
	cfg.rx_keyid = nla_data(a[MIHSEC_A_SA_RX_KEYID]);
	cfg.tx_key = nla_data(a[MIHSEC_A_SA_TX_KEY]);
	cfg.rx_key = nla_data(a[MIHSEC_A_SA_RX_KEY]);
	cfg.tx_salt = nla_data(a[MIHSEC_A_SA_TX_SALT]);
	cfg.rx_salt = nla_data(a[MIHSEC_A_SA_RX_SALT]);
	cfg.soft_secs = a[MIHSEC_A_SA_SOFT_SECS] ?
			nla_get_u32(a[MIHSEC_A_SA_SOFT_SECS]) : 0;
	cfg.hard_secs = a[MIHSEC_A_SA_HARD_SECS] ?
			nla_get_u32(a[MIHSEC_A_SA_HARD_SECS]) : 0;
	cfg.soft_msgs = a[MIHSEC_A_SA_SOFT_MSGS] ?
			nla_get_u64(a[MIHSEC_A_SA_SOFT_MSGS]) : 0;
	cfg.hard_msgs = a[MIHSEC_A_SA_HARD_MSGS] ?
			nla_get_u64(a[MIHSEC_A_SA_HARD_MSGS]) : 0;
	cfg.grace = a[MIHSEC_A_SA_GRACE] ? nla_get_u32(a[MIHSEC_A_SA_GRACE]) :
					   MIHSEC_GRACE_DEFAULT;
	cfg.tx_seq = a[MIHSEC_A_SA_TX_SEQ] ?
		     nla_get_u64(a[MIHSEC_A_SA_TX_SEQ]) : 0;
	if (cfg.tx_seq > MIHSEC_SEQ_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[MIHSEC_A_SA_TX_SEQ],
				    "sequence beyond the last one usable");
		return -ERANGE;
	}
	if ((cfg.soft_secs && cfg.hard_secs && cfg.soft_secs > cfg.hard_secs) ||
	    (cfg.soft_msgs && cfg.hard_msgs && cfg.soft_msgs > cfg.hard_msgs)) {
		NL_SET_ERR_MSG(info->extack, "soft lifetime beyond the hard one");
		return -EINVAL;
	}
	if (a[MIHSEC_A_SA_ALLOW]) {
		cfg.allow = mihsec_midset_from_nla(a[MIHSEC_A_SA_ALLOW],
						   info->extack);
		if (IS_ERR(cfg.allow))
			return PTR_ERR(cfg.allow);
	}

	sa = mihsec_sa_create(&cfg, info->extack);
	if (IS_ERR(sa)) {
		kfree(cfg.allow);
		return PTR_ERR(sa);
	}
	err = mihsec_sa_insert(mihsec_nl_net(info), sa, info->extack);
	if (err)
		mihsec_sa_destroy(sa);
	return err;
}

static int mihsec_nl_sa_del(struct sk_buff *skb, struct genl_info *info)
{
	struct mihsec_net *mn = mihsec_nl_net(info);
	struct nlattr **a = info->attrs;
	unsigned int n;

	if (!a[MIHSEC_A_SA_RX_KEYID] == !a[MIHSEC_A_SA_PEER_ID]) {
		NL_SET_ERR_MSG(info->extack,
			       "name the SA by RX key ID or by peer ID, not both");
		return -EINVAL;
	}
	if (a[MIHSEC_A_SA_PEER_ID])
		n = mihsec_sa_remove_peer(mn, nla_data(a[MIHSEC_A_SA_PEER_ID]),
					  nla_len(a[MIHSEC_A_SA_PEER_ID]));
	else
		n = mihsec_sa_remove_keyid(mn, nla_data(a[MIHSEC_A_SA_RX_KEYID]));
	if (!n) {
		NL_SET_ERR_MSG(info->extack, "no such SA");
		return -ENOENT;
	}
	return 0;
}

static int mihsec_nl_sa_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mihsec_net *mn = mihsec_nl_net(info);
	struct sk_buff *msg;
	struct mihsec_sa *sa;
	int err = -ENOENT;

	if (GENL_REQ_ATTR_CHECK(info, MIHSEC_A_SA_RX_KEYID))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&mn->lock);
	rcu_read_lock();
	sa = mihsec_sa_find_keyid(mn, nla_data(info->attrs[MIHSEC_A_SA_RX_KEYID]));
	if (sa)
		err = mihsec_nl_fill_sa(msg, sa, info->snd_portid,
					info->snd_seq, 0, NULL);
	rcu_read_unlock();
	mutex_unlock(&mn->lock);
	if (err) {
		if (err == -ENOENT)
			NL_SET_ERR_MSG(info->extack, "no SA with this RX key ID");
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: index of the next SA to dump */
static int mihsec_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mihsec_net *mn = mihsec_pernet(sock_net(skb->sk));
	unsigned long index = cb->args[0];
	struct mihsec_sa *sa;
	int err = 0;

	mutex_lock(&mn->lock);
	cb->seq = mn->gen;
	xa_for_each_start(&mn->by_index, index, sa, cb->args[0]) {
		err = mihsec_nl_fill_sa(skb, sa, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI, cb);
		if (err)
			break;
	}
	mutex_unlock(&mn->lock);
	cb->args[0] = index;
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	if (!err)
		cb->args[0] = (unsigned long)U32_MAX + 1;
	return err ? err : skb->len;
}

static int mihsec_nl_sa_flush(struct sk_buff *skb, struct genl_info *info)
{
	mihsec_sa_flush(mihsec_nl_net(info));
	return 0;
}

/* Reply to @info with one @cmd message whose attributes @fill puts */
static int mihsec_nl_reply(struct genl_info *info, u8 cmd,
			   int (*fill)(struct sk_buff *msg,
				       struct mihsec_net *mn))
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &mihsec_genl_family, 0, cmd);
	if (!hdr || fill(msg, mihsec_nl_net(info))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int mihsec_nl_fill_policy(struct sk_buff *msg, struct mihsec_net *mn)
{
	int err = -EMSGSIZE;

	rcu_read_lock();
	if (!nla_put_u8(msg, MIHSEC_A_POLICY, READ_ONCE(mn->policy)) &&
	    !nla_put_u16(msg, MIHSEC_A_PORT, ntohs(mihsec_port)) &&
	    !nla_put_u32(msg, MIHSEC_A_SA_COUNT, READ_ONCE(mn->count)) &&
	    !mihsec_midset_put(msg, MIHSEC_A_EXEMPT,
			       rcu_dereference(mn->exempt)) &&
	    !mihsec_midset_put(msg, MIHSEC_A_EXEMPT_UIR,
			       rcu_dereference(mn->exempt_uir)) &&
	    !nla_put_u32(msg, MIHSEC_A_EVENT_RATE, READ_ONCE(mn->events.rate)) &&
	    !nla_put_u32(msg, MIHSEC_A_EVENT_BURST, READ_ONCE(mn->events.burst)))
		err = 0;
	rcu_read_unlock();
	return err;
}

static int mihsec_nl_policy_get(struct sk_buff *skb, struct genl_info *info)
{
	return mihsec_nl_reply(info, MIHSEC_CMD_POLICY_GET,
			       mihsec_nl_fill_policy);
}

/* Replace the exemption set *@slot by @set */
static void mihsec_nl_set_exempt(struct mihsec_net *mn,
				 struct mihsec_midset __rcu **slot,
				 struct mihsec_midset *set)
{
	mutex_lock(&mn->lock);
	set = rcu_replace_pointer(*slot, set, lockdep_is_held(&mn->lock));
	mutex_unlock(&mn->lock);
	mihsec_midset_free(set);
}

static int mihsec_nl_policy_set(struct sk_buff *skb, struct genl_info *info)
{
	struct mihsec_midset *exempt = NULL, *exempt_uir = NULL;
	struct mihsec_net *mn = mihsec_nl_net(info);
	struct nlattr **a = info->attrs;

	if (!a[MIHSEC_A_POLICY] && !a[MIHSEC_A_EXEMPT] &&
	    !a[MIHSEC_A_EXEMPT_UIR] && !a[MIHSEC_A_EVENT_RATE] &&
	    !a[MIHSEC_A_EVENT_BURST]) {
		NL_SET_ERR_MSG(info->extack, "nothing to set");
		return -EINVAL;
	}
	/* build everything first: all or nothing */
	if (a[MIHSEC_A_EXEMPT]) {
		exempt = mihsec_midset_from_nla(a[MIHSEC_A_EXEMPT],
						info->extack);
		if (IS_ERR(exempt))
			return PTR_ERR(exempt);
	}
	if (a[MIHSEC_A_EXEMPT_UIR]) {
		exempt_uir = mihsec_midset_from_nla(a[MIHSEC_A_EXEMPT_UIR],
						    info->extack);
		if (IS_ERR(exempt_uir)) {
			kfree(exempt);
			return PTR_ERR(exempt_uir);
		}
	}
	if (exempt)
		mihsec_nl_set_exempt(mn, &mn->exempt, exempt);
	if (exempt_uir)
		mihsec_nl_set_exempt(mn, &mn->exempt_uir, exempt_uir);
	if (a[MIHSEC_A_POLICY])
		WRITE_ONCE(mn->policy, nla_get_u8(a[MIHSEC_A_POLICY]));
	if (a[MIHSEC_A_EVENT_RATE] || a[MIHSEC_A_EVENT_BURST])
		mihsec_ratelimit_set(&mn->events,
				     a[MIHSEC_A_EVENT_RATE] ?
				     nla_get_u32(a[MIHSEC_A_EVENT_RATE]) :
				     READ_ONCE(mn->events.rate),
				     a[MIHSEC_A_EVENT_BURST] ?
				     nla_get_u32(a[MIHSEC_A_EVENT_BURST]) :
				     READ_ONCE(mn->events.burst));
	return 0;
}

static int mihsec_nl_fill_stats(struct sk_buff *msg, struct mihsec_net *mn)
{
	return mihsec_ctr_put(msg, MIHSEC_A_STATS, mn->stats, __MIHSEC_STAT_MAX);
}

static int mihsec_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	return mihsec_nl_reply(info, MIHSEC_CMD_STATS_GET, mihsec_nl_fill_stats);
}

bool mihsec_nl_event_listeners(struct net *net)
{
	return genl_has_listeners(&mihsec_genl_family, net,
				  MIHSEC_MCGRP_EVENTS);
}

/* Atomic context: build and multicast one MIHSEC_CMD_EVENT */
int mihsec_nl_event_send(struct net *net, enum mihsec_event type,
			 const struct mihsec_event_info *ei)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &mihsec_genl_family, 0, MIHSEC_CMD_EVENT);
	if (!hdr || nla_put_u8(msg, MIHSEC_A_EVENT_TYPE, type))
		goto fail;
	if (ei->family == NFPROTO_IPV4 &&
	    nla_put_in_addr(msg, MIHSEC_A_EVENT_ADDR, ei->addr.s6_addr32[0]))
		goto fail;
	if (ei->family == NFPROTO_IPV6 &&
	    nla_put_in6_addr(msg, MIHSEC_A_EVENT_ADDR, &ei->addr))
		goto fail;
	if (ei->sa && (nla_put_u32(msg, MIHSEC_A_SA_INDEX, ei->sa->index) ||
		       nla_put(msg, MIHSEC_A_SA_PEER_ID, ei->sa->peer_len,
			       ei->sa->peer_id) ||
		       nla_put(msg, MIHSEC_A_SA_LOCAL_ID, ei->sa->local_len,
			       ei->sa->local_id) ||
		       nla_put(msg, MIHSEC_A_SA_RX_KEYID, MIHSEC_KEYID_LEN,
			       ei->sa->rx_keyid)))
		goto fail;
	if (!ei->sa && ei->peer_len &&
	    nla_put(msg, MIHSEC_A_SA_PEER_ID, ei->peer_len, ei->peer_id))
		goto fail;
	if (!ei->sa && ei->local_len &&
	    nla_put(msg, MIHSEC_A_SA_LOCAL_ID, ei->local_len, ei->local_id))
		goto fail;
	if (!ei->sa && ei->keyid &&
	    nla_put(msg, MIHSEC_A_SA_RX_KEYID, MIHSEC_KEYID_LEN, ei->keyid))
		goto fail;
	if (ei->has_mid && nla_put_u16(msg, MIHSEC_A_EVENT_MID, ei->mid))
		goto fail;
	genlmsg_end(msg, hdr);
	return genlmsg_multicast_netns(&mihsec_genl_family, net, msg, 0,
				       MIHSEC_MCGRP_EVENTS, GFP_ATOMIC);
fail:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_small_ops mihsec_nl_ops[] = {
	{
		.cmd = MIHSEC_CMD_SA_ADD,
		.doit = mihsec_nl_sa_add,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = MIHSEC_CMD_SA_DEL,
		.doit = mihsec_nl_sa_del,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = MIHSEC_CMD_SA_GET,
		.doit = mihsec_nl_sa_get,
		.dumpit = mihsec_nl_sa_dump,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = MIHSEC_CMD_SA_FLUSH,
		.doit = mihsec_nl_sa_flush,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = MIHSEC_CMD_POLICY_GET,
		.doit = mihsec_nl_policy_get,
	}, {
		.cmd = MIHSEC_CMD_POLICY_SET,
		.doit = mihsec_nl_policy_set,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = MIHSEC_CMD_STATS_GET,
		.doit = mihsec_nl_stats_get,
	},
};

static struct genl_family mihsec_genl_family __ro_after_init = {
	.name = MIHSEC_GENL_NAME,
	.version = MIHSEC_GENL_VERSION,
	.maxattr = MIHSEC_A_MAX,
	.policy = mihsec_nl_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = mihsec_nl_ops,
	.n_small_ops = ARRAY_SIZE(mihsec_nl_ops),
	.mcgrps = mihsec_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(mihsec_nl_mcgrps),
	.resv_start_op = MIHSEC_CMD_UNSPEC,
};

int __init mihsec_genl_init(void)
{
	return genl_register_family(&mihsec_genl_family);
}

void mihsec_genl_exit(void)
{
	genl_unregister_family(&mihsec_genl_family);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * mihsec: security for IEEE 802.21 Media Independent Handover messages.
 *
 * Module init/exit and the per-network-namespace state: each namespace has
 * its own policy, SA table, counters and netfilter hooks.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include "hook.h"
#include "mihsec.h"
#include "netlink.h"
#include "sa.h"

static ushort port = MIHSEC_DEFAULT_PORT;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "MIH UDP port to protect (default 4551)");

unsigned int mihsec_net_id __read_mostly;
__be16 mihsec_port __read_mostly;

/* The exemption sets (nothing reads them any more when this runs) */
static void mihsec_net_free_sets(struct mihsec_net *mn)
{
	struct mihsec_midset *e = rcu_dereference_protected(mn->exempt, 1);
	struct mihsec_midset *u = rcu_dereference_protected(mn->exempt_uir, 1);

	if (!IS_ERR(e))
		mihsec_midset_free(e);
	if (!IS_ERR(u))
		mihsec_midset_free(u);
}

static int __net_init mihsec_net_init(struct net *net)
{
	struct mihsec_net *mn = mihsec_pernet(net);
	int err;

	mn->net = net;
	mn->policy = MIHSEC_POLICY_OPTIONAL;
	mihsec_ratelimit_init(&mn->events, MIHSEC_EVENT_RATE_DEFAULT,
			      MIHSEC_EVENT_BURST_DEFAULT);
	RCU_INIT_POINTER(mn->exempt, mihsec_default_exempt());
	RCU_INIT_POINTER(mn->exempt_uir, mihsec_default_exempt_uir());
	mn->stats = mihsec_ctr_alloc(__MIHSEC_STAT_MAX);
	err = -ENOMEM;
	if (IS_ERR(rcu_access_pointer(mn->exempt)) ||
	    IS_ERR(rcu_access_pointer(mn->exempt_uir)) || !mn->stats)
		goto out_stats;
	mihsec_sa_gc_start(mn);
	err = mihsec_sa_table_init(mn);
	if (err)
		goto out_stats;
	err = mihsec_hooks_register(net);
	if (err)
		goto out_table;
	return 0;

out_table:
	mihsec_sa_table_destroy(mn);
out_stats:
	mihsec_ctr_free(mn->stats);
	mihsec_net_free_sets(mn);
	return err;
}

static void __net_exit mihsec_net_exit(struct net *net)
{
	struct mihsec_net *mn = mihsec_pernet(net);

	/* no hook runs once this returns (it waits for a grace period) */
	mihsec_hooks_unregister(net);
	mihsec_sa_gc_stop(mn);
	mihsec_sa_flush(mn);
	mihsec_sa_table_destroy(mn);
	mihsec_ctr_free(mn->stats);
	mihsec_net_free_sets(mn);
}

static struct pernet_operations mihsec_net_ops = {
	.init = mihsec_net_init,
	.exit = mihsec_net_exit,
	.id = &mihsec_net_id,
	.size = sizeof(struct mihsec_net),
};

static int __init mihsec_init(void)
{
	int err;

	if (!port) {
		pr_err("mihsec: port must not be 0\n");
		return -EINVAL;
	}
	mihsec_port = htons(port);
	err = register_pernet_subsys(&mihsec_net_ops);
	if (err)
		return err;
	err = mihsec_genl_init();
	if (err)
		goto out_pernet;
	pr_info("mihsec: protecting MIH on UDP port %u\n", port);
	return 0;

out_pernet:
	unregister_pernet_subsys(&mihsec_net_ops);
	return err;
}

static void __exit mihsec_exit(void)
{
	mihsec_genl_exit();
	unregister_pernet_subsys(&mihsec_net_ops);
	/* SAs are freed by RCU callbacks in this module's text */
	rcu_barrier();
}

module_init(mihsec_init);
module_exit(mihsec_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Security for IEEE 802.21 Media Independent Handover messages");
MODULE_AUTHOR("The mihsec developers");
MODULE_ALIAS_GENL_FAMILY(MIHSEC_GENL_NAME);

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mihsecd's key plumbing: the key manager (keys/keymgr.h) wired to the
 * kernel (SA add/delete/get through the netlink client, kernel events on
 * a second netlink socket, adoption of the SAs found at start, a periodic
 * check), to the key sources the configuration names and to the operator's
 * control socket.
 */
#ifndef MIHSECD_KEYD_H
#define MIHSECD_KEYD_H

#include "keys/keymgr.h"
#include "mihsecd/config.h"
#include "mihsecd/daemon.h"
#include "mihsecd/loop.h"

/* Seconds between md_keymgr_check() runs */
#define MD_KEYD_CHECK_SECS	5

struct md_keyd;

/*
 * Start on @loop.  @nl: the daemon's netlink handle (NULL: no kernel
 * module, kernel = optional); @open opens the events socket.  NULL if out
 * of memory or nothing could be set up (logged).
 */
struct md_keyd *md_keyd_start(struct md_loop *loop,
			      const struct md_config *cfg,
			      struct mihsec_nl *nl, md_open_fn open);
/* A new configuration: the key manager's settings are replaced */
int md_keyd_reload(struct md_keyd *k, const struct md_config *cfg);
void md_keyd_stop(struct md_keyd *k);

struct md_keymgr *md_keyd_keymgr(struct md_keyd *k);

/* The operator's control socket (NULL if it could not be created) */
struct md_control *md_keyd_control(struct md_keyd *k);

/* The key manager's settings of @cfg; @peers: room for cfg->npeers */
void md_keyd_km_cfg(const struct md_config *cfg, struct md_km_cfg *km,
		    struct md_km_peer_cfg *peers);

#endif /* MIHSECD_KEYD_H */

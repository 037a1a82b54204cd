// SPDX-License-Identifier: GPL-2.0
/*
 * MIH transport (see transport.h).  Interface only in this revision: the
 * implementation follows; every entry point fails with -ENOSYS.
 */
#include <errno.h>
#include <string.h>

#include "lib/mih.h"
#include "mihf/transport.h"

void mihx_cfg_defaults(struct mihx_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = MIH_PORT;
	cfg->rtx_ms[MIH_SID_SERVICE_MGMT] = 500;
	cfg->rtx_ms[MIH_SID_EVENT] = 500;
	cfg->rtx_ms[MIH_SID_COMMAND] = 100;
	cfg->rtx_ms[MIH_SID_INFO] = 1000;
	cfg->retries = 2;
	cfg->backoff = 2;
	cfg->dup_lifetime_ms = 30000;
	cfg->dup_max = 1024;
	cfg->keepalive_ms = 60000;
	cfg->max_dgram = MIHX_DGRAM_DEFAULT;
	cfg->tcp_port = MIH_PORT;
	cfg->tcp_max_conns = 32;
	cfg->tcp_idle_ms = 30000;
}

int mihx_new(struct md_loop *loop, const struct mihx_cfg *cfg,
	     const struct mihx_ops *ops, void *arg, struct mihx **out)
{
	(void)loop; (void)cfg; (void)ops; (void)arg;
	*out = NULL;
	return -ENOSYS;
}

void mihx_free(struct mihx *x) { (void)x; }
uint16_t mihx_port(const struct mihx *x) { (void)x; return 0; }
uint16_t mihx_tcp_port(const struct mihx *x) { (void)x; return 0; }
int mihx_fd(const struct mihx *x) { (void)x; return -1; }
const uint8_t *mihx_id(const struct mihx *x, size_t *len)
{
	(void)x;
	*len = 0;
	return NULL;
}

int mihx_request(struct mihx *x, const struct sockaddr *to, socklen_t to_len,
		 const uint8_t *pdu, size_t len, unsigned int flags,
		 unsigned int timeout_ms, mihx_done_cb done, void *arg,
		 struct mihx_txn **txn)
{
	(void)x; (void)to; (void)to_len; (void)pdu; (void)len; (void)flags;
	(void)timeout_ms; (void)done; (void)arg; (void)txn;
	return -ENOSYS;
}

int mihx_indicate(struct mihx *x, const struct sockaddr *to, socklen_t to_len,
		  const uint8_t *pdu, size_t len, unsigned int flags,
		  mihx_done_cb done, void *arg, struct mihx_txn **txn)
{
	(void)x; (void)to; (void)to_len; (void)pdu; (void)len; (void)flags;
	(void)done; (void)arg; (void)txn;
	return -ENOSYS;
}

void mihx_txn_cancel(struct mihx *x, struct mihx_txn *txn) { (void)x; (void)txn; }
void mihx_in_hold(struct mihx_in *in) { (void)in; }
int mihx_respond(struct mihx_in *in, const uint8_t *pdu, size_t len)
{
	(void)in; (void)pdu; (void)len;
	return -ENOSYS;
}
void mihx_in_release(struct mihx_in *in) { (void)in; }
struct mihx *mihx_in_transport(const struct mihx_in *in) { (void)in; return NULL; }
void mihx_get_stats(const struct mihx *x, struct mihx_stats *st)
{
	(void)x;
	memset(st, 0, sizeof(*st));
}
int mihx_keepalive_add(struct mihx *x, const struct sockaddr *to,
		       socklen_t to_len, const uint8_t *id, size_t id_len)
{
	(void)x; (void)to; (void)to_len; (void)id; (void)id_len;
	return -ENOSYS;
}
int mihx_keepalive_del(struct mihx *x, const struct sockaddr *to,
		       socklen_t to_len)
{
	(void)x; (void)to; (void)to_len;
	return -ENOSYS;
}
int mihx_keepalive_last_seen(const struct mihx *x, const struct sockaddr *to,
			     socklen_t to_len, uint64_t *last_ns)
{
	(void)x; (void)to; (void)to_len; (void)last_ns;
	return -ENOSYS;
}

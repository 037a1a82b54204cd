// SPDX-License-Identifier: GPL-2.0
/*
 * Client of the "mihsec" generic netlink family, on libnl-3 genl.
 * See nl.h for the API contract.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "lib/nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Top-level attributes of the last request: maps an extack offset to a name */
#define MAX_REQ_ATTRS 32

struct mihsec_nl {
	struct nl_sock *sk;
	struct nl_cb *cb;		/* callbacks of our transactions */
	int family;
	bool mihsec;			/* the mihsec family: attribute names apply */
	char errmsg[MIHSEC_NL_ERRMSG_LEN];

	/* state of the transaction under way */
	mihsec_nl_valid_cb valid;
	void *valid_arg;
	int valid_err;
	int nmsgs;
	int kerr;			/* error the kernel reported */
	bool done;
	bool intr;
	int nreq_attrs;
	struct {
		uint32_t off;
		uint16_t type;
	} req_attrs[MAX_REQ_ATTRS];

	/* test hook */
	const struct mihsec_nl_io *io;
	int io_err;
	struct mihsec_nl *next_io;
};

static void set_msg(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_msg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

#define set_err(nl, ...) set_msg((nl)->errmsg, sizeof((nl)->errmsg), __VA_ARGS__)

/* libnl's NLE_* (positive) to an errno value (positive) */
static int nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_SUCCESS:		return 0;
	case NLE_INTR:			return EINTR;
	case NLE_BAD_SOCK:		return EBADF;
	case NLE_AGAIN:			return EAGAIN;
	case NLE_NOMEM:			return ENOMEM;
	case NLE_EXIST:			return EEXIST;
	case NLE_INVAL:			return EINVAL;
	case NLE_RANGE:			return ERANGE;
	case NLE_MSGSIZE:		return EMSGSIZE;
	case NLE_OPNOTSUPP:		return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:		return EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:		return ENOENT;
	case NLE_MSG_OVERFLOW:		return ENOBUFS;
	case NLE_MSG_TRUNC:		return EMSGSIZE;
	case NLE_PROTO_MISMATCH:	return EPROTONOSUPPORT;
	case NLE_NOACCESS:		return EACCES;
	case NLE_PERM:			return EPERM;
	case NLE_BUSY:			return EBUSY;
	case NLE_NODEV:			return ENODEV;
	case NLE_DUMP_INTR:		return EINTR;
	case NLE_NOATTR:
	case NLE_MISSING_ATTR:
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_TOOSHORT:
	case NLE_MSGTYPE_NOSUPPORT:
	case NLE_PARSE_ERR:
	case NLE_ATTRSIZE:		return EPROTO;
	default:			return EIO;
	}
}

static const char *const attr_names[MIHSEC_A_MAX + 1] = {
	[MIHSEC_A_PAD]			= "MIHSEC_A_PAD",
	[MIHSEC_A_SA_INDEX]		= "MIHSEC_A_SA_INDEX",
	[MIHSEC_A_SA_LOCAL_ID]		= "MIHSEC_A_SA_LOCAL_ID",
	[MIHSEC_A_SA_PEER_ID]		= "MIHSEC_A_SA_PEER_ID",
	[MIHSEC_A_SA_SUITE]		= "MIHSEC_A_SA_SUITE",
	[MIHSEC_A_SA_ROLE]		= "MIHSEC_A_SA_ROLE",
	[MIHSEC_A_SA_FLAGS]		= "MIHSEC_A_SA_FLAGS",
	[MIHSEC_A_SA_TX_KEYID]		= "MIHSEC_A_SA_TX_KEYID",
	[MIHSEC_A_SA_RX_KEYID]		= "MIHSEC_A_SA_RX_KEYID",
	[MIHSEC_A_SA_TX_KEY]		= "MIHSEC_A_SA_TX_KEY",
	[MIHSEC_A_SA_RX_KEY]		= "MIHSEC_A_SA_RX_KEY",
	[MIHSEC_A_SA_TX_SALT]		= "MIHSEC_A_SA_TX_SALT",
	[MIHSEC_A_SA_RX_SALT]		= "MIHSEC_A_SA_RX_SALT",
	[MIHSEC_A_SA_TX_IKEY]		= "MIHSEC_A_SA_TX_IKEY",
	[MIHSEC_A_SA_RX_IKEY]		= "MIHSEC_A_SA_RX_IKEY",
	[MIHSEC_A_SA_REPLAY_WINDOW]	= "MIHSEC_A_SA_REPLAY_WINDOW",
	[MIHSEC_A_SA_TX_SEQ]		= "MIHSEC_A_SA_TX_SEQ",
	[MIHSEC_A_SA_RX_SEQ]		= "MIHSEC_A_SA_RX_SEQ",
	[MIHSEC_A_SA_AGE]		= "MIHSEC_A_SA_AGE",
	[MIHSEC_A_SA_STATS]		= "MIHSEC_A_SA_STATS",
	[MIHSEC_A_POLICY]		= "MIHSEC_A_POLICY",
	[MIHSEC_A_PORT]			= "MIHSEC_A_PORT",
	[MIHSEC_A_SA_COUNT]		= "MIHSEC_A_SA_COUNT",
	[MIHSEC_A_STATS]		= "MIHSEC_A_STATS",
	[MIHSEC_A_SA_ALLOW]		= "MIHSEC_A_SA_ALLOW",
	[MIHSEC_A_SA_SOFT_SECS]		= "MIHSEC_A_SA_SOFT_SECS",
	[MIHSEC_A_SA_HARD_SECS]		= "MIHSEC_A_SA_HARD_SECS",
	[MIHSEC_A_SA_SOFT_MSGS]		= "MIHSEC_A_SA_SOFT_MSGS",
	[MIHSEC_A_SA_HARD_MSGS]		= "MIHSEC_A_SA_HARD_MSGS",
	[MIHSEC_A_SA_GRACE]		= "MIHSEC_A_SA_GRACE",
	[MIHSEC_A_EXEMPT]		= "MIHSEC_A_EXEMPT",
	[MIHSEC_A_EXEMPT_UIR]		= "MIHSEC_A_EXEMPT_UIR",
	[MIHSEC_A_EVENT_RATE]		= "MIHSEC_A_EVENT_RATE",
	[MIHSEC_A_EVENT_BURST]		= "MIHSEC_A_EVENT_BURST",
	[MIHSEC_A_EVENT_TYPE]		= "MIHSEC_A_EVENT_TYPE",
	[MIHSEC_A_EVENT_ADDR]		= "MIHSEC_A_EVENT_ADDR",
	[MIHSEC_A_EVENT_MID]		= "MIHSEC_A_EVENT_MID",
};

const char *mihsec_nl_attr_name(int type)
{
	if (type <= 0 || type > MIHSEC_A_MAX)
		return NULL;
	return attr_names[type];
}

void mihsec_sa_cfg_wipe(struct mihsec_sa_cfg *cfg)
{
	explicit_bzero(cfg, sizeof(*cfg));
}

const char *mihsec_nl_errmsg(const struct mihsec_nl *nl)
{
	return nl->errmsg;
}

int mihsec_nl_family(const struct mihsec_nl *nl)
{
	return nl->family;
}

/* ------------------------------------------------------------------ */
/* Replies from the kernel: ACK, error (with extended ACK), data        */

static const struct nla_policy extack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG]	  = { .type = NLA_STRING },
	[NLMSGERR_ATTR_OFFS]	  = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[NLMSGERR_ATTR_MISS_TYPE] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
};

static const char *req_attr_name(struct mihsec_nl *nl, uint32_t off)
{
	if (!nl->mihsec)
		return NULL;
	for (int i = 0; i < nl->nreq_attrs; i++)
		if (nl->req_attrs[i].off == off)
			return mihsec_nl_attr_name(nl->req_attrs[i].type);
	return NULL;
}

/*
 * Collect the extended ACK TLVs that follow @hdrlen octets of payload of
 * @nlh (an NLMSG_ERROR or NLMSG_DONE) into nl->errmsg.
 */
static void parse_extack(struct mihsec_nl *nl, struct nlmsghdr *nlh, int hdrlen)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *name = NULL;
	size_t n = 0;

	nl->errmsg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlmsg_parse(nlh, hdrlen, tb, NLMSGERR_ATTR_MAX, extack_policy) < 0)
		return;

	if (tb[NLMSGERR_ATTR_MSG])
		n = snprintf(nl->errmsg, sizeof(nl->errmsg), "%s",
			     nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	if (n >= sizeof(nl->errmsg))
		return;
	if (tb[NLMSGERR_ATTR_MISS_TYPE]) {
		uint32_t t = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);

		name = nl->mihsec ? mihsec_nl_attr_name((int)t) : NULL;
		if (name)
			snprintf(nl->errmsg + n, sizeof(nl->errmsg) - n,
				 "%smissing attribute %s", n ? "; " : "", name);
		else
			snprintf(nl->errmsg + n, sizeof(nl->errmsg) - n,
				 "%smissing attribute %u", n ? "; " : "", t);
	} else if (tb[NLMSGERR_ATTR_OFFS]) {
		name = req_attr_name(nl, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
		if (name)
			snprintf(nl->errmsg + n, sizeof(nl->errmsg) - n,
				 "%sattribute %s", n ? ": " : "", name);
	}
}

static int err_handler(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct mihsec_nl *nl = arg;
	/* @e is the payload of the NLMSG_ERROR message */
	struct nlmsghdr *nlh = (struct nlmsghdr *)((unsigned char *)e -
						   NLMSG_HDRLEN);
	int hdrlen = sizeof(*e);

	(void)who;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hdrlen += e->msg.nlmsg_len - NLMSG_HDRLEN;
	nl->kerr = e->error < 0 ? e->error : -e->error;
	parse_extack(nl, nlh, hdrlen);
	nl->done = true;
	return NL_STOP;
}

static int ack_handler(struct nl_msg *msg, void *arg)
{
	struct mihsec_nl *nl = arg;

	(void)msg;
	nl->done = true;
	return NL_STOP;
}

static int finish_handler(struct nl_msg *msg, void *arg)
{
	struct mihsec_nl *nl = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err;

	nl->done = true;
	/* NLMSG_DONE carries the dump's final error code */
	if (nlmsg_datalen(nlh) >= (int)sizeof(err)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			nl->kerr = err;
			parse_extack(nl, nlh, sizeof(err));
		}
	}
	return NL_STOP;
}

static int intr_handler(struct nl_msg *msg, void *arg)
{
	struct mihsec_nl *nl = arg;

	(void)msg;
	nl->intr = true;
	return NL_OK;
}

static int valid_handler(struct nl_msg *msg, void *arg)
{
	struct mihsec_nl *nl = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int rc;

	if (nlh->nlmsg_type != nl->family)
		return NL_SKIP;
	nl->nmsgs++;
	if (nl->valid && !nl->valid_err) {
		rc = nl->valid(nl, nlh, nl->valid_arg);
		if (rc < 0)
			nl->valid_err = rc;
	}
	return NL_OK;
}

/* ------------------------------------------------------------------ */
/* Test hook: traffic through struct mihsec_nl_io                      */

static struct mihsec_nl *io_handles;

static struct mihsec_nl *io_handle(struct nl_sock *sk)
{
	for (struct mihsec_nl *nl = io_handles; nl; nl = nl->next_io)
		if (nl->sk == sk)
			return nl;
	return NULL;
}

static int io_send(struct nl_sock *sk, struct nl_msg *msg)
{
	struct mihsec_nl *nl = io_handle(sk);
	int rc;

	if (!nl)
		return -NLE_BAD_SOCK;
	rc = nl->io->send(nl->io->arg, nlmsg_hdr(msg));
	if (rc < 0) {
		nl->io_err = rc;
		return -NLE_FAILURE;
	}
	return (int)nlmsg_hdr(msg)->nlmsg_len;
}

static int io_recv(struct nl_sock *sk, struct sockaddr_nl *addr,
		   unsigned char **buf, struct ucred **creds)
{
	struct mihsec_nl *nl = io_handle(sk);
	int rc;

	(void)creds;
	if (!nl)
		return -NLE_BAD_SOCK;
	memset(addr, 0, sizeof(*addr));
	addr->nl_family = AF_NETLINK;
	*buf = NULL;
	rc = nl->io->recv(nl->io->arg, buf);
	if (rc < 0) {
		free(*buf);
		*buf = NULL;
		nl->io_err = rc;
		return -NLE_FAILURE;
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Opening and closing                                                 */

static struct mihsec_nl *nl_alloc(void)
{
	struct mihsec_nl *nl = calloc(1, sizeof(*nl));

	if (!nl)
		return NULL;
	nl->sk = nl_socket_alloc();
	nl->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nl->sk || !nl->cb) {
		if (nl->sk)
			nl_socket_free(nl->sk);
		if (nl->cb)
			nl_cb_put(nl->cb);
		free(nl);
		return NULL;
	}
	nl_cb_set(nl->cb, NL_CB_VALID, NL_CB_CUSTOM, valid_handler, nl);
	nl_cb_set(nl->cb, NL_CB_ACK, NL_CB_CUSTOM, ack_handler, nl);
	nl_cb_set(nl->cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_handler, nl);
	nl_cb_set(nl->cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, intr_handler, nl);
	nl_cb_err(nl->cb, NL_CB_CUSTOM, err_handler, nl);
	return nl;
}

struct mihsec_nl *mihsec_nl_open_family(const char *name, int *err,
					char *msg, size_t msglen)
{
	struct mihsec_nl *nl;
	int one = 1, rc, fd;

	set_msg(msg, msglen, "%s", "");
	nl = nl_alloc();
	if (!nl) {
		*err = -ENOMEM;
		set_msg(msg, msglen, "out of memory");
		return NULL;
	}
	rc = genl_connect(nl->sk);
	if (rc < 0) {
		*err = -nle_to_errno(rc);
		set_msg(msg, msglen, "cannot open a generic netlink socket: %s",
			nl_geterror(rc));
		goto fail;
	}
	/*
	 * Extended ACK: the kernel explains its errors.  CAP_ACK: errors do
	 * not echo our request back (it may hold keys).  Both are best
	 * effort: old kernels lack them, and nothing depends on them.
	 */
	fd = nl_socket_get_fd(nl->sk);
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	rc = genl_ctrl_resolve(nl->sk, name);
	if (rc < 0) {
		*err = -nle_to_errno(rc);
		if (*err == -ENOENT)
			set_msg(msg, msglen,
				"generic netlink family \"%s\" not found", name);
		else
			set_msg(msg, msglen,
				"cannot resolve generic netlink family \"%s\": %s",
				name, nl_geterror(rc));
		goto fail;
	}
	nl->family = rc;
	nl->mihsec = !strcmp(name, MIHSEC_GENL_NAME);
	*err = 0;
	return nl;

fail:
	mihsec_nl_close(nl);
	return NULL;
}

struct mihsec_nl *mihsec_nl_open(int *err, char *msg, size_t msglen)
{
	return mihsec_nl_open_family(MIHSEC_GENL_NAME, err, msg, msglen);
}

struct mihsec_nl *mihsec_nl_open_io(const struct mihsec_nl_io *io, int family)
{
	struct mihsec_nl *nl = nl_alloc();
	struct nl_cb *scb;

	if (!nl)
		return NULL;
	scb = nl_socket_get_cb(nl->sk);
	nl_cb_overwrite_send(scb, io_send);
	nl_cb_put(scb);
	nl_cb_overwrite_recv(nl->cb, io_recv);
	nl->io = io;
	nl->family = family;
	nl->mihsec = true;
	nl->next_io = io_handles;
	io_handles = nl;
	return nl;
}

void mihsec_nl_close(struct mihsec_nl *nl)
{
	if (!nl)
		return;
	if (nl->io) {
		for (struct mihsec_nl **p = &io_handles; *p; p = &(*p)->next_io) {
			if (*p == nl) {
				*p = nl->next_io;
				break;
			}
		}
	}
	nl_cb_put(nl->cb);
	nl_socket_free(nl->sk);
	free(nl);
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */

struct nl_msg *mihsec_nl_msg_new(int family, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			 MIHSEC_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void mihsec_nl_msg_free_wipe(struct nl_msg *msg)
{
	struct nlmsghdr *nlh;

	if (!msg)
		return;
	nlh = nlmsg_hdr(msg);
	explicit_bzero(nlh, nlh->nlmsg_len);
	nlmsg_free(msg);
}

int mihsec_nl_put_mids(struct nl_msg *msg, int type,
		       const struct mihsec_mid_list *list)
{
	struct nlattr *nest;

	if (list->n > MIHSEC_ALLOW_MAX)
		return -EINVAL;
	nest = nla_nest_start(msg, type);
	if (!nest)
		return -EMSGSIZE;
	for (int i = 0; i < list->n; i++) {
		if (nla_put_u16(msg, MIHSEC_MID_ENTRY, list->mids[i])) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	/* an empty list is meaningful ("allow none"): keep the empty nest */
	nla_nest_end_keep_empty(msg, nest);
	return 0;
}

static int put_life(struct nl_msg *msg, const struct mihsec_sa_life *l)
{
	if ((l->has_soft_secs &&
	     nla_put_u32(msg, MIHSEC_A_SA_SOFT_SECS, l->soft_secs)) ||
	    (l->has_hard_secs &&
	     nla_put_u32(msg, MIHSEC_A_SA_HARD_SECS, l->hard_secs)) ||
	    (l->has_soft_msgs &&
	     nla_put_u64(msg, MIHSEC_A_SA_SOFT_MSGS, l->soft_msgs)) ||
	    (l->has_hard_msgs &&
	     nla_put_u64(msg, MIHSEC_A_SA_HARD_MSGS, l->hard_msgs)) ||
	    (l->has_grace && nla_put_u32(msg, MIHSEC_A_SA_GRACE, l->grace)))
		return -EMSGSIZE;
	return 0;
}

int mihsec_nl_put_sa_cfg(struct nl_msg *msg, const struct mihsec_sa_cfg *cfg)
{
	if (cfg->local_id_len < 1 || cfg->local_id_len > MIHSEC_MIHF_ID_MAX ||
	    cfg->peer_id_len < 1 || cfg->peer_id_len > MIHSEC_MIHF_ID_MAX ||
	    cfg->tx_key_len < 1 || cfg->tx_key_len > MIHSEC_KEY_MAX ||
	    cfg->rx_key_len < 1 || cfg->rx_key_len > MIHSEC_KEY_MAX)
		return -EINVAL;

	if (nla_put(msg, MIHSEC_A_SA_LOCAL_ID, (int)cfg->local_id_len,
		    cfg->local_id) ||
	    nla_put(msg, MIHSEC_A_SA_PEER_ID, (int)cfg->peer_id_len,
		    cfg->peer_id) ||
	    nla_put_u8(msg, MIHSEC_A_SA_ROLE, cfg->role) ||
	    (cfg->has_suite &&
	     nla_put_u8(msg, MIHSEC_A_SA_SUITE, cfg->suite)) ||
	    (cfg->has_flags &&
	     nla_put_u32(msg, MIHSEC_A_SA_FLAGS, cfg->flags)) ||
	    nla_put(msg, MIHSEC_A_SA_TX_KEYID, MIHSEC_KEYID_LEN, cfg->tx_keyid) ||
	    nla_put(msg, MIHSEC_A_SA_RX_KEYID, MIHSEC_KEYID_LEN, cfg->rx_keyid) ||
	    nla_put(msg, MIHSEC_A_SA_TX_KEY, (int)cfg->tx_key_len,
		    cfg->tx_key) ||
	    nla_put(msg, MIHSEC_A_SA_RX_KEY, (int)cfg->rx_key_len,
		    cfg->rx_key) ||
	    nla_put(msg, MIHSEC_A_SA_TX_SALT, MIHSEC_SALT_LEN, cfg->tx_salt) ||
	    nla_put(msg, MIHSEC_A_SA_RX_SALT, MIHSEC_SALT_LEN, cfg->rx_salt) ||
	    (cfg->has_ikeys &&
	     (nla_put(msg, MIHSEC_A_SA_TX_IKEY, MIHSEC_IKEY_LEN,
		      cfg->tx_ikey) ||
	      nla_put(msg, MIHSEC_A_SA_RX_IKEY, MIHSEC_IKEY_LEN,
		      cfg->rx_ikey))) ||
	    (cfg->has_replay_window &&
	     nla_put_u32(msg, MIHSEC_A_SA_REPLAY_WINDOW, cfg->replay_window)) ||
	    (cfg->has_tx_seq &&
	     nla_put_u64(msg, MIHSEC_A_SA_TX_SEQ, cfg->tx_seq)))
		return -EMSGSIZE;
	if (cfg->has_allow) {
		int rc = mihsec_nl_put_mids(msg, MIHSEC_A_SA_ALLOW, &cfg->allow);

		if (rc)
			return rc;
	}
	return put_life(msg, &cfg->life);
}

int mihsec_nl_put_policy_cfg(struct nl_msg *msg,
			     const struct mihsec_policy_cfg *pc)
{
	int rc;

	if (!pc->has_policy && !pc->has_exempt && !pc->has_exempt_uir &&
	    !pc->has_event_rate && !pc->has_event_burst)
		return -EINVAL;
	if (pc->has_policy && nla_put_u8(msg, MIHSEC_A_POLICY, pc->policy))
		return -EMSGSIZE;
	if (pc->has_exempt) {
		rc = mihsec_nl_put_mids(msg, MIHSEC_A_EXEMPT, &pc->exempt);
		if (rc)
			return rc;
	}
	if (pc->has_exempt_uir) {
		rc = mihsec_nl_put_mids(msg, MIHSEC_A_EXEMPT_UIR,
					&pc->exempt_uir);
		if (rc)
			return rc;
	}
	if ((pc->has_event_rate &&
	     nla_put_u32(msg, MIHSEC_A_EVENT_RATE, pc->event_rate)) ||
	    (pc->has_event_burst &&
	     nla_put_u32(msg, MIHSEC_A_EVENT_BURST, pc->event_burst)))
		return -EMSGSIZE;
	return 0;
}

/* Remember where each top-level attribute sits, for extack offsets */
static void note_req_attrs(struct mihsec_nl *nl, struct nlmsghdr *nlh)
{
	struct nlattr *a;
	int rem;

	nl->nreq_attrs = 0;
	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem) {
		if (nl->nreq_attrs == MAX_REQ_ATTRS)
			break;
		nl->req_attrs[nl->nreq_attrs].off =
			(uint32_t)((unsigned char *)a - (unsigned char *)nlh);
		nl->req_attrs[nl->nreq_attrs].type = (uint16_t)nla_type(a);
		nl->nreq_attrs++;
	}
}

int mihsec_nl_transact(struct mihsec_nl *nl, struct nl_msg *msg,
		       mihsec_nl_valid_cb valid, void *arg)
{
	int rc;

	nl->errmsg[0] = '\0';
	nl->valid = valid;
	nl->valid_arg = arg;
	nl->valid_err = 0;
	nl->nmsgs = 0;
	nl->kerr = 0;
	nl->done = false;
	nl->intr = false;
	nl->io_err = 0;

	note_req_attrs(nl, nlmsg_hdr(msg));
	rc = nl_send_auto(nl->sk, msg);
	mihsec_nl_msg_free_wipe(msg);
	if (rc < 0) {
		rc = nl->io_err ? nl->io_err : -nle_to_errno(rc);
		set_err(nl, "cannot send the request: %s", strerror(-rc));
		return rc;
	}

	while (!nl->done) {
		rc = nl_recvmsgs_report(nl->sk, nl->cb);
		if (nl->done)
			break;
		if (rc < 0) {
			rc = nl->io_err ? nl->io_err : -nle_to_errno(rc);
			if (!nl->errmsg[0])
				set_err(nl, "reading the reply: %s",
					strerror(-rc));
			return rc;
		}
		if (rc == 0) {
			set_err(nl, "no reply from the kernel");
			return -EPROTO;
		}
	}
	if (nl->kerr)
		return nl->kerr;
	if (nl->valid_err)
		return nl->valid_err;
	if (nl->intr) {
		set_err(nl, "the table changed during the dump");
		return -EINTR;
	}
	return nl->nmsgs;
}

/* ------------------------------------------------------------------ */
/* Reply parsing                                                       */

#define EXACT(t, n)	{ .type = (t), .minlen = (n), .maxlen = (n) }

static const struct nla_policy reply_policy[MIHSEC_A_MAX + 1] = {
	[MIHSEC_A_SA_INDEX]	= EXACT(NLA_U32, 4),
	[MIHSEC_A_SA_LOCAL_ID]	= { .type = NLA_UNSPEC, .minlen = 1,
				    .maxlen = MIHSEC_MIHF_ID_MAX },
	[MIHSEC_A_SA_PEER_ID]	= { .type = NLA_UNSPEC, .minlen = 1,
				    .maxlen = MIHSEC_MIHF_ID_MAX },
	[MIHSEC_A_SA_SUITE]	= EXACT(NLA_U8, 1),
	[MIHSEC_A_SA_ROLE]	= EXACT(NLA_U8, 1),
	[MIHSEC_A_SA_FLAGS]	= EXACT(NLA_U32, 4),
	[MIHSEC_A_SA_TX_KEYID]	= EXACT(NLA_UNSPEC, MIHSEC_KEYID_LEN),
	[MIHSEC_A_SA_RX_KEYID]	= EXACT(NLA_UNSPEC, MIHSEC_KEYID_LEN),
	[MIHSEC_A_SA_REPLAY_WINDOW] = EXACT(NLA_U32, 4),
	[MIHSEC_A_SA_TX_SEQ]	= EXACT(NLA_U64, 8),
	[MIHSEC_A_SA_RX_SEQ]	= EXACT(NLA_U64, 8),
	[MIHSEC_A_SA_AGE]	= EXACT(NLA_U64, 8),
	[MIHSEC_A_SA_STATS]	= { .type = NLA_NESTED },
	[MIHSEC_A_POLICY]	= EXACT(NLA_U8, 1),
	[MIHSEC_A_PORT]		= EXACT(NLA_U16, 2),
	[MIHSEC_A_SA_COUNT]	= EXACT(NLA_U32, 4),
	[MIHSEC_A_STATS]	= { .type = NLA_NESTED },
	[MIHSEC_A_SA_ALLOW]	= { .type = NLA_NESTED },
	[MIHSEC_A_SA_SOFT_SECS]	= EXACT(NLA_U32, 4),
	[MIHSEC_A_SA_HARD_SECS]	= EXACT(NLA_U32, 4),
	[MIHSEC_A_SA_SOFT_MSGS]	= EXACT(NLA_U64, 8),
	[MIHSEC_A_SA_HARD_MSGS]	= EXACT(NLA_U64, 8),
	[MIHSEC_A_SA_GRACE]	= EXACT(NLA_U32, 4),
	[MIHSEC_A_EXEMPT]	= { .type = NLA_NESTED },
	[MIHSEC_A_EXEMPT_UIR]	= { .type = NLA_NESTED },
	[MIHSEC_A_EVENT_RATE]	= EXACT(NLA_U32, 4),
	[MIHSEC_A_EVENT_BURST]	= EXACT(NLA_U32, 4),
	[MIHSEC_A_EVENT_TYPE]	= EXACT(NLA_U8, 1),
	[MIHSEC_A_EVENT_ADDR]	= { .type = NLA_UNSPEC, .minlen = 4,
				    .maxlen = 16 },
	[MIHSEC_A_EVENT_MID]	= EXACT(NLA_U16, 2),
};

/* A nest of MIHSEC_MID_ENTRY u16 (anything else in it is malformed) */
static int parse_mids(struct nlattr *nest, struct mihsec_mid_list *list,
		      const char *what, char *why, size_t whylen)
{
	struct nlattr *a;
	int rem;

	list->n = 0;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != MIHSEC_MID_ENTRY || nla_len(a) != 2) {
			set_msg(why, whylen,
				"malformed %s in a kernel message", what);
			return -EPROTO;
		}
		if (list->n == MIHSEC_ALLOW_MAX) {
			set_msg(why, whylen, "%s in a kernel message holds "
				"more than %d entries", what, MIHSEC_ALLOW_MAX);
			return -EPROTO;
		}
		list->mids[list->n++] = nla_get_u16(a);
	}
	if (rem) {
		set_msg(why, whylen, "malformed %s in a kernel message", what);
		return -EPROTO;
	}
	return 0;
}

static void get_life(struct nlattr **tb, struct mihsec_sa_life *l)
{
	if ((l->has_soft_secs = tb[MIHSEC_A_SA_SOFT_SECS]))
		l->soft_secs = nla_get_u32(tb[MIHSEC_A_SA_SOFT_SECS]);
	if ((l->has_hard_secs = tb[MIHSEC_A_SA_HARD_SECS]))
		l->hard_secs = nla_get_u32(tb[MIHSEC_A_SA_HARD_SECS]);
	if ((l->has_soft_msgs = tb[MIHSEC_A_SA_SOFT_MSGS]))
		l->soft_msgs = nla_get_u64(tb[MIHSEC_A_SA_SOFT_MSGS]);
	if ((l->has_hard_msgs = tb[MIHSEC_A_SA_HARD_MSGS]))
		l->hard_msgs = nla_get_u64(tb[MIHSEC_A_SA_HARD_MSGS]);
	if ((l->has_grace = tb[MIHSEC_A_SA_GRACE]))
		l->grace = nla_get_u32(tb[MIHSEC_A_SA_GRACE]);
}

static int parse_reply(struct nlmsghdr *nlh, struct nlattr **tb,
		       const int *required, char *why, size_t whylen)
{
	int rc = genlmsg_parse(nlh, 0, tb, MIHSEC_A_MAX, reply_policy);

	if (rc < 0) {
		set_msg(why, whylen, "malformed reply from the kernel: %s",
			nl_geterror(rc));
		return -EPROTO;
	}
	for (; *required; required++) {
		if (!tb[*required]) {
			set_msg(why, whylen, "kernel reply lacks %s",
				mihsec_nl_attr_name(*required));
			return -EPROTO;
		}
	}
	return 0;
}

/* Fill @out[1..max] from a nest of u64 counters; absent ones read 0 */
static int parse_counters(struct nlattr *nest, uint64_t *out, int max,
			  const char *what, char *why, size_t whylen)
{
	struct nlattr *tb[max + 1];
	struct nla_policy pol[max + 1];
	int rc;

	memset(pol, 0, sizeof(pol));
	for (int i = 1; i <= max; i++)
		pol[i] = (struct nla_policy)EXACT(NLA_U64, 8);
	rc = nla_parse_nested(tb, max, nest, pol);
	if (rc < 0) {
		set_msg(why, whylen, "malformed %s in a kernel reply: %s",
			what, nl_geterror(rc));
		return -EPROTO;
	}
	out[0] = 0;
	for (int i = 1; i <= max; i++)
		out[i] = tb[i] ? nla_get_u64(tb[i]) : 0;
	return 0;
}

int mihsec_nl_parse_sa(struct nlmsghdr *nlh, struct mihsec_sa_info *sa,
		       char *why, size_t whylen)
{
	static const int required[] = {
		MIHSEC_A_SA_INDEX, MIHSEC_A_SA_LOCAL_ID, MIHSEC_A_SA_PEER_ID,
		MIHSEC_A_SA_SUITE, MIHSEC_A_SA_ROLE, MIHSEC_A_SA_FLAGS,
		MIHSEC_A_SA_TX_KEYID, MIHSEC_A_SA_RX_KEYID,
		MIHSEC_A_SA_REPLAY_WINDOW, MIHSEC_A_SA_TX_SEQ,
		MIHSEC_A_SA_RX_SEQ, MIHSEC_A_SA_AGE, MIHSEC_A_SA_STATS, 0
	};
	struct nlattr *tb[MIHSEC_A_MAX + 1];
	int rc;

	memset(sa, 0, sizeof(*sa));
	rc = parse_reply(nlh, tb, required, why, whylen);
	if (rc)
		return rc;
	sa->index = nla_get_u32(tb[MIHSEC_A_SA_INDEX]);
	sa->local_id_len = (size_t)nla_len(tb[MIHSEC_A_SA_LOCAL_ID]);
	memcpy(sa->local_id, nla_data(tb[MIHSEC_A_SA_LOCAL_ID]),
	       sa->local_id_len);
	sa->peer_id_len = (size_t)nla_len(tb[MIHSEC_A_SA_PEER_ID]);
	memcpy(sa->peer_id, nla_data(tb[MIHSEC_A_SA_PEER_ID]),
	       sa->peer_id_len);
	sa->suite = nla_get_u8(tb[MIHSEC_A_SA_SUITE]);
	sa->role = nla_get_u8(tb[MIHSEC_A_SA_ROLE]);
	sa->flags = nla_get_u32(tb[MIHSEC_A_SA_FLAGS]);
	memcpy(sa->tx_keyid, nla_data(tb[MIHSEC_A_SA_TX_KEYID]),
	       MIHSEC_KEYID_LEN);
	memcpy(sa->rx_keyid, nla_data(tb[MIHSEC_A_SA_RX_KEYID]),
	       MIHSEC_KEYID_LEN);
	sa->replay_window = nla_get_u32(tb[MIHSEC_A_SA_REPLAY_WINDOW]);
	sa->tx_seq = nla_get_u64(tb[MIHSEC_A_SA_TX_SEQ]);
	sa->rx_seq = nla_get_u64(tb[MIHSEC_A_SA_RX_SEQ]);
	sa->age = nla_get_u64(tb[MIHSEC_A_SA_AGE]);
	get_life(tb, &sa->life);
	if (tb[MIHSEC_A_SA_ALLOW]) {
		sa->has_allow = true;
		rc = parse_mids(tb[MIHSEC_A_SA_ALLOW], &sa->allow,
				"MIHSEC_A_SA_ALLOW", why, whylen);
		if (rc)
			return rc;
	}
	return parse_counters(tb[MIHSEC_A_SA_STATS], sa->stats,
			      MIHSEC_SA_STAT_MAX, "MIHSEC_A_SA_STATS",
			      why, whylen);
}

int mihsec_nl_parse_policy(struct nlmsghdr *nlh, struct mihsec_policy_info *pi,
			   char *why, size_t whylen)
{
	static const int required[] = {
		MIHSEC_A_POLICY, MIHSEC_A_PORT, MIHSEC_A_SA_COUNT, 0
	};
	struct nlattr *tb[MIHSEC_A_MAX + 1];
	int rc;

	memset(pi, 0, sizeof(*pi));
	rc = parse_reply(nlh, tb, required, why, whylen);
	if (rc)
		return rc;
	pi->policy = nla_get_u8(tb[MIHSEC_A_POLICY]);
	pi->port = nla_get_u16(tb[MIHSEC_A_PORT]);
	pi->sa_count = nla_get_u32(tb[MIHSEC_A_SA_COUNT]);
	if ((pi->has_event_rate = tb[MIHSEC_A_EVENT_RATE]))
		pi->event_rate = nla_get_u32(tb[MIHSEC_A_EVENT_RATE]);
	if ((pi->has_event_burst = tb[MIHSEC_A_EVENT_BURST]))
		pi->event_burst = nla_get_u32(tb[MIHSEC_A_EVENT_BURST]);
	if (tb[MIHSEC_A_EXEMPT]) {
		pi->has_exempt = true;
		rc = parse_mids(tb[MIHSEC_A_EXEMPT], &pi->exempt,
				"MIHSEC_A_EXEMPT", why, whylen);
		if (rc)
			return rc;
	}
	if (tb[MIHSEC_A_EXEMPT_UIR]) {
		pi->has_exempt_uir = true;
		rc = parse_mids(tb[MIHSEC_A_EXEMPT_UIR], &pi->exempt_uir,
				"MIHSEC_A_EXEMPT_UIR", why, whylen);
		if (rc)
			return rc;
	}
	return 0;
}

int mihsec_nl_parse_event(struct nlmsghdr *nlh, struct mihsec_event_info *ev,
			  char *why, size_t whylen)
{
	static const int required[] = { MIHSEC_A_EVENT_TYPE, 0 };
	struct nlattr *tb[MIHSEC_A_MAX + 1];
	int rc;

	memset(ev, 0, sizeof(*ev));
	rc = parse_reply(nlh, tb, required, why, whylen);
	if (rc)
		return rc;
	ev->type = nla_get_u8(tb[MIHSEC_A_EVENT_TYPE]);
	if (tb[MIHSEC_A_EVENT_ADDR]) {
		int len = nla_len(tb[MIHSEC_A_EVENT_ADDR]);

		if (len != 4 && len != 16) {
			set_msg(why, whylen, "MIHSEC_A_EVENT_ADDR of %d "
				"octets in a kernel message", len);
			return -EPROTO;
		}
		ev->has_addr = true;
		ev->addr_len = (uint8_t)len;
		memcpy(ev->addr, nla_data(tb[MIHSEC_A_EVENT_ADDR]), len);
	}
	if (tb[MIHSEC_A_SA_PEER_ID]) {
		ev->has_peer_id = true;
		ev->peer_id_len = (size_t)nla_len(tb[MIHSEC_A_SA_PEER_ID]);
		memcpy(ev->peer_id, nla_data(tb[MIHSEC_A_SA_PEER_ID]),
		       ev->peer_id_len);
	}
	if (tb[MIHSEC_A_SA_LOCAL_ID]) {
		ev->has_local_id = true;
		ev->local_id_len = (size_t)nla_len(tb[MIHSEC_A_SA_LOCAL_ID]);
		memcpy(ev->local_id, nla_data(tb[MIHSEC_A_SA_LOCAL_ID]),
		       ev->local_id_len);
	}
	if (tb[MIHSEC_A_SA_RX_KEYID]) {
		ev->has_keyid = true;
		memcpy(ev->keyid, nla_data(tb[MIHSEC_A_SA_RX_KEYID]),
		       MIHSEC_KEYID_LEN);
	}
	if ((ev->has_index = tb[MIHSEC_A_SA_INDEX]))
		ev->index = nla_get_u32(tb[MIHSEC_A_SA_INDEX]);
	if ((ev->has_mid = tb[MIHSEC_A_EVENT_MID]))
		ev->mid = nla_get_u16(tb[MIHSEC_A_EVENT_MID]);
	return 0;
}

int mihsec_nl_parse_stats(struct nlmsghdr *nlh,
			  uint64_t stats[MIHSEC_STAT_MAX + 1],
			  char *why, size_t whylen)
{
	static const int required[] = { MIHSEC_A_STATS, 0 };
	struct nlattr *tb[MIHSEC_A_MAX + 1];
	int rc;

	memset(stats, 0, sizeof(uint64_t) * (MIHSEC_STAT_MAX + 1));
	rc = parse_reply(nlh, tb, required, why, whylen);
	if (rc)
		return rc;
	return parse_counters(tb[MIHSEC_A_STATS], stats, MIHSEC_STAT_MAX,
			      "MIHSEC_A_STATS", why, whylen);
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */

static struct nl_msg *new_req(struct mihsec_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = mihsec_nl_msg_new(nl->family, cmd, flags);

	if (!msg)
		set_err(nl, "out of memory");
	return msg;
}

/* Send a request that expects no data, only the ACK */
static int simple_req(struct mihsec_nl *nl, struct nl_msg *msg)
{
	int rc = mihsec_nl_transact(nl, msg, NULL, NULL);

	return rc < 0 ? rc : 0;
}

int mihsec_nl_sa_add(struct mihsec_nl *nl, const struct mihsec_sa_cfg *cfg)
{
	struct nl_msg *msg = new_req(nl, MIHSEC_CMD_SA_ADD, 0);
	int rc;

	if (!msg)
		return -ENOMEM;
	rc = mihsec_nl_put_sa_cfg(msg, cfg);
	if (rc) {
		mihsec_nl_msg_free_wipe(msg);
		set_err(nl, rc == -EINVAL ? "invalid SA configuration" :
			"request too large");
		return rc;
	}
	return simple_req(nl, msg);
}

int mihsec_nl_sa_del_keyid(struct mihsec_nl *nl,
			   const uint8_t rx_keyid[MIHSEC_KEYID_LEN])
{
	struct nl_msg *msg = new_req(nl, MIHSEC_CMD_SA_DEL, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put(msg, MIHSEC_A_SA_RX_KEYID, MIHSEC_KEYID_LEN, rx_keyid)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return simple_req(nl, msg);
}

int mihsec_nl_sa_del_peer(struct mihsec_nl *nl, const uint8_t *peer_id,
			  size_t peer_id_len)
{
	struct nl_msg *msg;

	if (peer_id_len < 1 || peer_id_len > MIHSEC_MIHF_ID_MAX) {
		set_err(nl, "MIHF ID must be 1 to %d octets", MIHSEC_MIHF_ID_MAX);
		return -EINVAL;
	}
	msg = new_req(nl, MIHSEC_CMD_SA_DEL, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put(msg, MIHSEC_A_SA_PEER_ID, (int)peer_id_len, peer_id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return simple_req(nl, msg);
}

int mihsec_nl_sa_flush(struct mihsec_nl *nl)
{
	struct nl_msg *msg = new_req(nl, MIHSEC_CMD_SA_FLUSH, 0);

	if (!msg)
		return -ENOMEM;
	return simple_req(nl, msg);
}

int mihsec_nl_policy_set_cfg(struct mihsec_nl *nl,
			     const struct mihsec_policy_cfg *pc)
{
	struct nl_msg *msg = new_req(nl, MIHSEC_CMD_POLICY_SET, 0);
	int rc;

	if (!msg)
		return -ENOMEM;
	rc = mihsec_nl_put_policy_cfg(msg, pc);
	if (rc) {
		nlmsg_free(msg);
		set_err(nl, rc == -EINVAL ? "invalid policy settings" :
			"request too large");
		return rc;
	}
	return simple_req(nl, msg);
}

int mihsec_nl_policy_set(struct mihsec_nl *nl, uint8_t policy)
{
	struct mihsec_policy_cfg pc = { .has_policy = true, .policy = policy };

	return mihsec_nl_policy_set_cfg(nl, &pc);
}

/* A doit request answered by exactly one data message */
struct one_reply {
	int (*parse)(struct nlmsghdr *nlh, void *out, char *why, size_t len);
	void *out;
	int seen;
};

static int one_reply_cb(struct mihsec_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	struct one_reply *r = arg;

	if (r->seen++) {
		set_err(nl, "more than one reply from the kernel");
		return -EPROTO;
	}
	return r->parse(nlh, r->out, nl->errmsg, sizeof(nl->errmsg));
}

static int get_one(struct mihsec_nl *nl, struct nl_msg *msg,
		   struct one_reply *r)
{
	int rc = mihsec_nl_transact(nl, msg, one_reply_cb, r);

	if (rc < 0)
		return rc;
	if (!r->seen) {
		set_err(nl, "the kernel sent no reply");
		return -EPROTO;
	}
	return 0;
}

static int parse_sa_v(struct nlmsghdr *nlh, void *out, char *why, size_t len)
{
	return mihsec_nl_parse_sa(nlh, out, why, len);
}

static int parse_policy_v(struct nlmsghdr *nlh, void *out, char *why,
			  size_t len)
{
	return mihsec_nl_parse_policy(nlh, out, why, len);
}

static int parse_stats_v(struct nlmsghdr *nlh, void *out, char *why,
			 size_t len)
{
	return mihsec_nl_parse_stats(nlh, out, why, len);
}

int mihsec_nl_sa_get(struct mihsec_nl *nl,
		     const uint8_t rx_keyid[MIHSEC_KEYID_LEN],
		     struct mihsec_sa_info *sa)
{
	struct one_reply r = { .parse = parse_sa_v, .out = sa };
	struct nl_msg *msg = new_req(nl, MIHSEC_CMD_SA_GET, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put(msg, MIHSEC_A_SA_RX_KEYID, MIHSEC_KEYID_LEN, rx_keyid)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return get_one(nl, msg, &r);
}

int mihsec_nl_policy_get(struct mihsec_nl *nl, struct mihsec_policy_info *pi)
{
	struct one_reply r = { .parse = parse_policy_v, .out = pi };
	struct nl_msg *msg = new_req(nl, MIHSEC_CMD_POLICY_GET, 0);

	if (!msg)
		return -ENOMEM;
	return get_one(nl, msg, &r);
}

int mihsec_nl_stats_get(struct mihsec_nl *nl,
			uint64_t stats[MIHSEC_STAT_MAX + 1])
{
	struct one_reply r = { .parse = parse_stats_v, .out = stats };
	struct nl_msg *msg = new_req(nl, MIHSEC_CMD_STATS_GET, 0);

	if (!msg)
		return -ENOMEM;
	return get_one(nl, msg, &r);
}

struct dump_ctx {
	mihsec_sa_cb cb;
	void *arg;
};

static int dump_cb(struct mihsec_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	struct dump_ctx *d = arg;
	struct mihsec_sa_info sa;
	int rc;

	rc = mihsec_nl_parse_sa(nlh, &sa, nl->errmsg, sizeof(nl->errmsg));
	if (rc)
		return rc;
	return d->cb(&sa, d->arg);
}

int mihsec_nl_sa_dump(struct mihsec_nl *nl, mihsec_sa_cb cb, void *arg)
{
	struct dump_ctx d = { .cb = cb, .arg = arg };
	struct nl_msg *msg = new_req(nl, MIHSEC_CMD_SA_GET, NLM_F_DUMP);

	if (!msg)
		return -ENOMEM;
	return mihsec_nl_transact(nl, msg, dump_cb, &d);
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

static int seq_ok(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int mihsec_nl_subscribe_events(struct mihsec_nl *nl)
{
	return mihsec_nl_subscribe_group(nl, MIHSEC_GENL_NAME,
					 MIHSEC_GENL_MCGRP_EVENTS);
}

int mihsec_nl_subscribe_group(struct mihsec_nl *nl, const char *family,
			      const char *group)
{
	int grp, rc;

	nl->errmsg[0] = '\0';
	if (nl->io) {
		if (!nl->io->join)
			return -EOPNOTSUPP;
		rc = nl->io->join(nl->io->arg, group);
		if (rc < 0)
			return rc;
	} else {
		grp = genl_ctrl_resolve_grp(nl->sk, family, group);
		if (grp < 0) {
			rc = -nle_to_errno(grp);
			set_err(nl, "cannot resolve the multicast group "
				"\"%s\" of \"%s\": %s", group, family,
				nl_geterror(grp));
			return rc;
		}
		rc = nl_socket_add_membership(nl->sk, grp);
		if (rc < 0) {
			set_err(nl, "cannot join the multicast group \"%s\": "
				"%s", group, nl_geterror(rc));
			return -nle_to_errno(rc);
		}
	}
	/* room for bursts (best effort: the default may be enough) */
	if (!nl->io)
		(void)nl_socket_set_buffer_size(nl->sk, 1 << 20, 0);
	/* events carry sequence number 0 */
	nl_socket_disable_seq_check(nl->sk);
	nl_cb_set(nl->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_ok, NULL);
	return 0;
}

int mihsec_nl_fd(const struct mihsec_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

int mihsec_nl_wait(struct mihsec_nl *nl, int timeout_ms,
		   const sigset_t *sigmask)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	struct timespec ts, *tsp = NULL;
	int rc;

	if (nl->io) {
		sigset_t saved;

		if (!nl->io->poll)
			return 1;
		/* like ppoll(): signals @sigmask lets through arrive now */
		if (sigmask)
			sigprocmask(SIG_SETMASK, sigmask, &saved);
		rc = nl->io->poll(nl->io->arg, timeout_ms);
		if (sigmask)
			sigprocmask(SIG_SETMASK, &saved, NULL);
		return rc;
	}
	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
		tsp = &ts;
	}
	rc = ppoll(&pfd, 1, tsp, sigmask);
	if (rc < 0)
		return -errno;
	return rc > 0 ? 1 : 0;
}

struct event_ctx {
	mihsec_event_cb cb;
	void *arg;
	int count;
};

static int event_valid(struct mihsec_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	struct event_ctx *e = arg;
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct mihsec_event_info ev;
	int rc;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    g->cmd != MIHSEC_CMD_EVENT)
		return 0;
	rc = mihsec_nl_parse_event(nlh, &ev, nl->errmsg, sizeof(nl->errmsg));
	if (rc)
		return rc;
	e->count++;
	return e->cb(&ev, e->arg);
}

int mihsec_nl_recv_events(struct mihsec_nl *nl, mihsec_event_cb cb,
			  void *arg)
{
	struct event_ctx e = { .cb = cb, .arg = arg };
	int rc;

	nl->errmsg[0] = '\0';
	nl->valid = event_valid;
	nl->valid_arg = &e;
	nl->valid_err = 0;
	nl->nmsgs = 0;
	nl->kerr = 0;
	nl->done = false;
	nl->intr = false;
	nl->io_err = 0;
	errno = 0;
	rc = nl_recvmsgs_report(nl->sk, nl->cb);
	nl->valid = NULL;
	if (nl->valid_err)
		return nl->valid_err;
	if (rc < 0) {
		/* libnl reports a receive buffer overrun as NLE_NOMEM */
		if (!nl->io && rc == -NLE_NOMEM && errno == ENOBUFS)
			rc = -ENOBUFS;
		else
			rc = nl->io_err ? nl->io_err : -nle_to_errno(rc);
		if (!nl->errmsg[0])
			set_err(nl, "reading events: %s", strerror(-rc));
		return rc;
	}
	if (nl->kerr)
		return nl->kerr;
	return e.count;
}

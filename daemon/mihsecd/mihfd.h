/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mihsecd's MIH function: the pieces of mihf/ put together from the
 * configuration (docs/mihsecd.conf.5: [mihf], [isdb], [discovery],
 * [proxy], [peer]) and served on the operator's control socket.
 *
 * Start (md_mihfd_start(), only with md_mihf_enabled()):
 *   peer table (mihf/peers.h) filled with every [peer] (source static);
 *   IS database (mihf/isdb.h) for role is;
 *   the engine and its transport (mihf_open(): mihf/mihf.h, transport.h)
 *   with the [mihf] timers; NAT keepalives toward every [peer] with an
 *   address (keepalive > 0); link events (mihf/linkev.h) of the
 *   [mihf] interfaces, Wi-Fi ones through the [wpa_supplicant] section
 *   whose ctrl-interface ends in the interface's name; the handover
 *   switch step runs [mihf] handover-script TARGET-POS POA-MAC IFNAME;
 *   discovery (mihf/discovery.h): DNS (dns-domain) now and at TTL expiry,
 *   DHCP lease files when they change; the proxy (mihf/proxy.h).
 *   A transport or database that cannot be opened fails the start; the
 *   other pieces log and go on without.
 * Reload (md_mihfd_reload()): [peer] changes update the peer table in
 * place; changes of the [mihf] timers and of [isdb], [discovery],
 * [proxy] restart the MIH function (pending transactions are cancelled,
 * registrations and subscriptions are made again); listen and port
 * changes take effect at the next start (logged).
 *
 * Control socket commands (JSON, mihsecd/ctrl.h; mihsecctl builds them):
 *   {"cmd":"mih-send","peer":P,"mid":N,"tlvs":["T=HEX",..]}
 *	P: a [peer] name, an address ("192.0.2.1", "[2001:db8::1]:4551")
 *	of a peer whose MIHF ID is known, or an MIHF ID.  N: the message
 *	ID (a request or an indication).  T: TLV type 3..255, HEX: its
 *	value.  The PDU (our ID, P's, the TLVs in the order given) is
 *	checked with mih_msg_parse() first: a defect is an error reply.
 *	The transport's timers bound the wait (no answer: an error reply).
 *	-> {"ok":true,"request":MSG,"response":MSG,"rtt_ms":X} (request),
 *	   {"ok":true,"request":MSG,"acked":true} (indication); MSG:
 *	   {"message":NAME,"mid":N,"tid":N,"src":ID,"dst":ID,"size":N,
 *	    "tlvs":[{"type":T,"name":..,"value":HEX,"text":..}],
 *	    "text":"several lines"}
 *   {"cmd":"is-query"[,"is":P][,"types":N][,"network":ID]
 *    [,"report":[IE,..]][,"limit":N][,"max":N][,"uir":BOOL]}
 *	types: NET_TYPE_INC bits; report: IE type numbers; limit: at most
 *	N networks; max: Max response size (TLV 47).
 *	-> {"ok":true,"status":NAME,"result":{decoded IEs},"size":N}
 *   {"cmd":"is-import"[,"replace":BOOL][,"path":PATH]}   (role is)
 *	The file: the descriptor passed with the request (SCM_RIGHTS; a
 *	regular file), else PATH opened by mihsecd if the requesting user
 *	may read it (owner, or readable by others; no symlink at the end).
 *	All or nothing (docs/isdb-format.md).
 *	-> {"ok":true,"networks":N,"poas":N}
 *   {"cmd":"is-export"}                                  (role is)
 *	-> {"ok":true,"networks":N,"poas":N,"size":N} with a sealed memfd
 *	   (SCM_RIGHTS) holding the text
 *   {"cmd":"handover"[,"target":P][,"poa":MAC][,"network":ID]
 *    [,"is":P][,"link_type":N]}                          (role mmt)
 *	answered when the call flow ends:
 *	-> {"ok":true,"result":mihf_ho_result_json()}
 *   {"cmd":"mihf-status"}
 *	-> {"ok":true,"mihf":mihf_status_json(),"peers":N,
 *	    "isdb":{..},"proxy":{..},"discovery":{..},"listen":..,"port":N}
 */
#ifndef MIHSECD_MIHFD_H
#define MIHSECD_MIHFD_H

#include "mihsecd/config.h"
#include "mihsecd/ctrl.h"
#include "mihsecd/loop.h"

struct md_mihfd;
struct mihf;
struct mihf_peers;

/* Seconds the handover script may run before it is killed */
#define MD_MIHFD_SCRIPT_SECS	30

/*
 * Start the MIH function of @cfg on @loop and serve its commands on
 * @ctrl (may be NULL).  0 with the handle in @out, or a negative errno
 * (logged).
 */
int md_mihfd_start(struct md_loop *loop, const struct md_config *cfg,
		   struct md_control *ctrl, struct md_mihfd **out);
/* A new configuration (see above); 0 or a negative errno (logged) */
int md_mihfd_reload(struct md_mihfd *m, const struct md_config *cfg);
/* Stop: pending commands are answered ("cancelled"), all freed */
void md_mihfd_stop(struct md_mihfd *m);

/* For tests */
struct mihf *md_mihfd_mihf(const struct md_mihfd *m);
struct mihf_peers *md_mihfd_peers(const struct md_mihfd *m);
uint16_t md_mihfd_port(const struct md_mihfd *m);

#endif /* MIHSECD_MIHFD_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The receive verdict for one protected PDU and its SA, cheapest checks
 * first and integrity before decryption (PROTOCOL.md section 5):
 *   4. suite, encryption required, direction bit
 *   5. replay pre-check (no crypto spent on obvious replays)
 *   6. ICV, then decryption
 *   7. replay window update (only after verification)
 *   8. identity binding; a bad padding or Body is malformed
 *   9. access control on the authenticated MID
 *  10. the plain PDU, rewritten in place
 * Returns 0 (*len: the plain PDU's length) or the drop reason.
 */
#include <linux/string.h>
#include "acl.h"
#include "crypto.h"
#include "pdu.h"
#include "replay.h"
#include "sa.h"

static bool mihsec_pdu_identity_ok(const struct mihsec_sa *sa, const u8 *pdu,
				   const struct mih_pdu *p)
{
	return p->src_len == sa->peer_len && p->dst_len == sa->local_len &&
	       !memcmp(pdu + p->src_off, sa->peer_id, sa->peer_len) &&
	       !memcmp(pdu + p->dst_off, sa->local_id, sa->local_len);
}

enum mihsec_stat mihsec_pdu_open(struct mihsec_sa *sa, u8 *pdu,
				 const struct mih_pdu *p, unsigned int *len)
{
	unsigned int body_len;
	int err;

	if (p->suite != sa->suite)
		return MIHSEC_STAT_DROP_SUITE_MISMATCH;
	if ((sa->flags & MIHSEC_SA_F_ENCRYPT) &&
	    !(p->wflags & MIHSEC_WIRE_F_ENCRYPTED))
		return MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED;
	if ((p->wflags & MIHSEC_WIRE_F_NET2MMT) != mihsec_sa_rx_dir(sa))
		return MIHSEC_STAT_DROP_DIRECTION_MISMATCH;
	if (!mihsec_replay_check(sa->replay, p->seq))
		return MIHSEC_STAT_DROP_REPLAY;
	err = mihsec_open(&sa->rx, pdu, p, &body_len);
	if (err && err != -EPROTO)
		return MIHSEC_STAT_DROP_AUTH_FAIL;
	/* authenticated from here on (a bad padding is the sender's fault) */
	if (!mihsec_replay_update(sa->replay, p->seq))
		return MIHSEC_STAT_DROP_REPLAY;
	if (!mihsec_pdu_identity_ok(sa, pdu, p))
		return MIHSEC_STAT_DROP_IDENTITY_MISMATCH;
	if (err || mih_tlv_walk(pdu + p->cbody_off, body_len))
		return MIHSEC_STAT_DROP_MALFORMED;
	if (sa->allow && !mihsec_midset_has(sa->allow, p->mid))
		return MIHSEC_STAT_DROP_DENIED;
	*len = mihsec_unframe(pdu, p, body_len);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * IEEE 802.21 framing and the MIHSec PDU layout (PROTOCOL.md section 3).
 *
 * Every function works on a linear buffer of known length and never reads
 * outside it: lengths come from the network and are checked before use.
 * Malformed input yields -EBADMSG, which the hooks count as "malformed".
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "mih.h"

/*
 * 802.21 length field (WIRE.md section 4): up to 128 in one octet (0x80
 * meaning 128), else 0x80 | n followed by n big-endian octets holding
 * (length - 128).  Only the minimal encoding with n <= 4 is accepted.
 * Returns the size of the length field.
 */
int mih_len_decode(const u8 *p, unsigned int avail, u32 *len)
{
	unsigned int n, i;
	u32 raw = 0;

	if (!avail)
		return -EBADMSG;
	if (p[0] <= 0x80) {
		*len = p[0];
		return 1;
	}
	n = p[0] & 0x7f;
	if (n > MIH_LEN_EXT_MAX || avail - 1 < n)
		return -EBADMSG;
	for (i = 0; i < n; i++)
		raw = raw << 8 | p[1 + i];
	/* non-minimal: a leading zero octet, or 128 written long */
	if (!p[1] || raw > U32_MAX - 128)
		return -EBADMSG;
	*len = raw + 128;
	return 1 + n;
}

unsigned int mih_len_size(u32 len)
{
	if (len <= 128)
		return 1;
	len -= 128;
	if (len <= 0xff)
		return 2;
	if (len <= 0xffff)
		return 3;
	if (len <= 0xffffff)
		return 4;
	return 5;
}

unsigned int mih_len_encode(u8 *p, u32 len)
{
	unsigned int size = mih_len_size(len), i;

	if (size == 1) {
		p[0] = len;
		return 1;
	}
	len -= 128;
	p[0] = 0x80 | (size - 1);
	for (i = size - 1; i > 0; i--, len >>= 8)
		p[i] = len & 0xff;
	return size;
}

/* One TLV at @off: type, value offset and length, all inside @len. */
static int mih_tlv(const u8 *buf, unsigned int len, unsigned int off,
		   u8 *type, unsigned int *voff, u32 *vlen)
{
	int n;

	if (off >= len)
		return -EBADMSG;
	n = mih_len_decode(buf + off + 1, len - off - 1, vlen);
	if (n < 0)
		return n;
	*type = buf[off];
	*voff = off + 1 + n;
	if (*vlen > len - *voff)
		return -EBADMSG;
	return 0;
}

/* A sequence of TLVs that tiles @len octets exactly. */
int mih_tlv_walk(const u8 *p, unsigned int len)
{
	unsigned int off = 0, voff;
	u32 vlen;
	u8 type;
	int err;

	while (off < len) {
		err = mih_tlv(p, len, off, &type, &voff, &vlen);
		if (err)
			return err;
		off = voff + vlen;
	}
	return 0;
}

/* MIHF ID TLV: the value is an OCTET_STRING (length + at most 253 octets) */
static int mih_parse_id(const u8 *buf, unsigned int len, unsigned int *off,
			u8 want, unsigned int *id_off, u8 *id_len)
{
	unsigned int voff;
	u32 vlen, idlen;
	u8 type;
	int n;

	n = mih_tlv(buf, len, *off, &type, &voff, &vlen);
	if (n || type != want)
		return -EBADMSG;
	n = mih_len_decode(buf + voff, vlen, &idlen);
	if (n < 0 || n + idlen != vlen || idlen > MIHSEC_MIHF_ID_MAX)
		return -EBADMSG;
	*id_off = voff + n;
	*id_len = idlen;
	*off = voff + vlen;
	return 0;
}

/* Security TLV at p->body_off and Integrity TLV after it, ending the PDU */
static int mih_parse_protected(const u8 *buf, struct mih_pdu *p)
{
	unsigned int voff, ioff, ivlen;
	u32 vlen, icvlen;
	u8 type;

	if (mih_tlv(buf, p->len, p->body_off, &type, &voff, &vlen) ||
	    type != MIHSEC_TLV_SECURITY || vlen < MIHSEC_SEC_FIXED_LEN)
		return -EBADMSG;
	if (mih_tlv(buf, p->len, voff + vlen, &type, &ioff, &icvlen) ||
	    type != MIHSEC_TLV_INTEGRITY || icvlen != MIHSEC_ICV_LEN ||
	    ioff + icvlen != p->len)
		return -EBADMSG;

	p->wflags = buf[voff];
	p->suite = buf[voff + 1];
	p->keyid_off = voff + 2;
	p->seq = get_unaligned_be64(buf + voff + 2 + MIHSEC_KEYID_LEN);
	if (p->wflags & ~(MIHSEC_WIRE_F_ENCRYPTED | MIHSEC_WIRE_F_NET2MMT))
		return -EBADMSG;
	if (p->suite < MIHSEC_SUITE_AES128_GCM ||
	    p->suite > MIHSEC_SUITE_AES128_CBC_HMAC_SHA1)
		return -EBADMSG;
	if (!p->seq || p->seq > MIHSEC_SEQ_MAX)
		return -EBADMSG;

	ivlen = 0;
	p->iv_off = 0;
	if (p->suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1 &&
	    (p->wflags & MIHSEC_WIRE_F_ENCRYPTED)) {
		ivlen = MIHSEC_IV_LEN;
		if (vlen < MIHSEC_SEC_FIXED_LEN + ivlen)
			return -EBADMSG;
		p->iv_off = voff + MIHSEC_SEC_FIXED_LEN;
	}
	p->cbody_off = voff + MIHSEC_SEC_FIXED_LEN + ivlen;
	p->cbody_len = vlen - MIHSEC_SEC_FIXED_LEN - ivlen;
	if (ivlen && (!p->cbody_len || p->cbody_len % MIHSEC_IV_LEN))
		return -EBADMSG;
	p->aad_len = p->cbody_off;
	p->icv_off = ioff;
	p->protected = true;
	return 0;
}

/*
 * Parse an MIH PDU (the whole UDP payload): header, Source and Destination
 * MIHF ID TLVs, then a bounded walk over the remaining TLVs.  If TLV 200 or
 * 201 appears anywhere, the exact protected layout is required.
 */
int mih_parse(const u8 *buf, unsigned int len, struct mih_pdu *p)
{
	unsigned int off, voff;
	bool sec = false;
	u32 vlen;
	u8 type;

	memset(p, 0, sizeof(*p));
	if (len < MIH_HDR_LEN || (buf[0] >> 4) != MIH_VERSION ||
	    get_unaligned_be16(buf + 6) != len - MIH_HDR_LEN)
		return -EBADMSG;
	p->len = len;
	p->octet0 = buf[0];
	p->mid = get_unaligned_be16(buf + 2);
	p->tid = get_unaligned_be16(buf + 4) & 0x0fff;

	off = MIH_HDR_LEN;
	if (mih_parse_id(buf, len, &off, MIH_TLV_SRC_ID, &p->src_off,
			 &p->src_len) ||
	    mih_parse_id(buf, len, &off, MIH_TLV_DST_ID, &p->dst_off,
			 &p->dst_len))
		return -EBADMSG;
	p->body_off = off;

	while (off < len) {
		if (mih_tlv(buf, len, off, &type, &voff, &vlen))
			return -EBADMSG;
		if (type == MIHSEC_TLV_SECURITY || type == MIHSEC_TLV_INTEGRITY)
			sec = true;
		off = voff + vlen;
	}
	return sec ? mih_parse_protected(buf, p) : 0;
}

static unsigned int mihsec_iv_len(u8 suite, u8 wflags)
{
	return suite == MIHSEC_SUITE_AES128_CBC_HMAC_SHA1 &&
	       (wflags & MIHSEC_WIRE_F_ENCRYPTED) ? MIHSEC_IV_LEN : 0;
}

/* Body length on the wire: suite 4 with E = 1 adds PKCS#7 padding */
static unsigned int mihsec_body_len(u8 suite, u8 wflags, unsigned int len)
{
	if (mihsec_iv_len(suite, wflags))
		return len + MIHSEC_IV_LEN - len % MIHSEC_IV_LEN;
	return len;
}

/* Octets that protecting a Body of @body_len octets adds to the PDU */
unsigned int mihsec_overhead(u8 suite, u8 wflags, unsigned int body_len)
{
	unsigned int ivlen = mihsec_iv_len(suite, wflags);
	unsigned int blen = mihsec_body_len(suite, wflags, body_len);
	u32 vlen = MIHSEC_SEC_FIXED_LEN + ivlen + blen;

	return 1 + mih_len_size(vlen) + MIHSEC_SEC_FIXED_LEN + ivlen +
	       (blen - body_len) + 2 + MIHSEC_ICV_LEN;
}

/*
 * Turn the plain PDU in @buf (parsed into @plain) into the protected layout,
 * in place: the caller guarantees mihsec_overhead() octets of room after
 * it.  Writes every field except the IV and ICV (the crypto fills them);
 * the header's Payload Length becomes final, as the AAD requires.  Returns
 * the new PDU length and describes it in @out.
 */
unsigned int mihsec_frame(u8 *buf, const struct mih_pdu *plain, u8 suite,
			  u8 wflags, const u8 *keyid, u64 seq,
			  struct mih_pdu *out)
{
	unsigned int body_len = plain->len - plain->body_off;
	unsigned int ivlen = mihsec_iv_len(suite, wflags);
	unsigned int blen = mihsec_body_len(suite, wflags, body_len);
	u32 vlen = MIHSEC_SEC_FIXED_LEN + ivlen + blen;
	unsigned int off = plain->body_off, voff, len;

	voff = off + 1 + mih_len_size(vlen);
	memmove(buf + voff + MIHSEC_SEC_FIXED_LEN + ivlen, buf + off, body_len);
	buf[off] = MIHSEC_TLV_SECURITY;
	mih_len_encode(buf + off + 1, vlen);
	buf[voff] = wflags;
	buf[voff + 1] = suite;
	memcpy(buf + voff + 2, keyid, MIHSEC_KEYID_LEN);
	put_unaligned_be64(seq, buf + voff + 2 + MIHSEC_KEYID_LEN);
	/* PKCS#7: every padding octet holds the padding length */
	memset(buf + voff + MIHSEC_SEC_FIXED_LEN + ivlen + body_len,
	       blen - body_len, blen - body_len);
	off = voff + vlen;
	buf[off] = MIHSEC_TLV_INTEGRITY;
	buf[off + 1] = MIHSEC_ICV_LEN;
	len = off + 2 + MIHSEC_ICV_LEN;
	put_unaligned_be16(mih_payload_len(len), buf + 6);

	*out = *plain;
	out->len = len;
	out->protected = true;
	out->wflags = wflags;
	out->suite = suite;
	out->keyid_off = voff + 2;
	out->seq = seq;
	out->iv_off = ivlen ? voff + MIHSEC_SEC_FIXED_LEN : 0;
	out->cbody_off = voff + MIHSEC_SEC_FIXED_LEN + ivlen;
	out->cbody_len = blen;
	out->aad_len = out->cbody_off;
	out->icv_off = off + 2;
	return len;
}

/*
 * The reverse, after verification and decryption: move the first
 * @plain_body_len octets of Body back behind the Destination MIHF ID TLV
 * and restore the Payload Length.  Returns the plain PDU length.
 */
unsigned int mihsec_unframe(u8 *buf, const struct mih_pdu *p,
			    unsigned int plain_body_len)
{
	unsigned int len = p->body_off + plain_body_len;

	memmove(buf + p->body_off, buf + p->cbody_off, plain_body_len);
	put_unaligned_be16(mih_payload_len(len), buf + 6);
	return len;
}

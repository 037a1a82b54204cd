// SPDX-License-Identifier: GPL-2.0
/*
 * mihdemo: the two MIH applications of `make demo` (scripts/demo-guest),
 * plus a small capture tool.  It shows, for a newcomer, what mihsec does to
 * an MIH PDU: the plain PDU one application sends, the protected bytes on
 * the wire (PROTOCOL.md section 3, fields marked) and the plain PDU the
 * other application receives; and it checks every step.
 *
 *   mihdemo TOPOLOGY send FROM MSG [tid N] [dst-id ID] [ipv6]
 *           [expect protected|clear|refused] [reply MSG]
 *           [reply-expect protected|clear] [save FILE]
 *   mihdemo TOPOLOGY inject FROM FILE replay|tamper
 *   mihdemo capture IFACE COUNT [SECONDS]
 *   mihdemo messages
 *
 * TOPOLOGY:
 *   --mmt NS,IFACE,MIHF-ID,IPV4[,IPV6]   the mobile terminal (role mmt)
 *   --ar  NS,IFACE,MIHF-ID,IPV4[,IPV6]   the access router (role network)
 *   [--m2a KEYID,KEYFILE,SALT]  MMT->AR key, [--a2m ...] AR->MMT key: when
 *        given, every protected datagram captured on the wire is also
 *        opened with OpenSSL (daemon/lib/seal.c), independently of the
 *        kernel, and must give back the plain PDU that was sent.
 *
 * One process plays both applications: it enters each network namespace
 * (/run/netns/NS) in turn and opens there the application's UDP socket
 * (port 4551, dual stack), a packet capture on the namespace's interface
 * and a netlink handle for the namespace's mihsec counters.  Everything
 * then runs in order, so the output reads top to bottom.
 *
 * send: FROM ("mmt" or "ar") sends message MSG ("mihdemo messages" lists
 *   them) to the other side; the frame is captured on the receiver's
 *   interface, the receiving application reads the datagram, and the
 *   namespaces' counters are compared before and after.  reply MSG: the
 *   receiver then answers with MSG (same TID).  Expected outcome: protected
 *   (default), clear (an exempt message without an SA) or refused (the
 *   sender's kernel drops it, [no-sa]).
 * inject: sends the datagram saved by "send ... save FILE" again from FROM's
 *   namespace, as an attacker would: replay (unchanged) or tamper (sequence
 *   number moved past the window's top, one ciphertext bit flipped).  The
 *   receiving application must get nothing and the receiver's kernel must
 *   count exactly one [replay] or [auth-fail] drop.
 * capture: print COUNT MIH datagrams seen on IFACE (current namespace).
 *
 * Exit status: 0 every check passed; 1 a check failed or a runtime error;
 * 2 usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/hex.h"
#include "lib/mih.h"
#include "lib/nl.h"
#include "lib/seal.h"

#define HEX_PER_LINE	16
#define LABEL_COL	53	/* labels start here: 2 + 47 + 4 */
#define LABEL_MAX	8	/* label lines per block */
#define LABEL_LEN	96
#define BUF_SIZE	65536
#define WAIT_MS		2000	/* for something that must arrive */
#define SILENCE_MS	1000	/* for something that must not */

static int failures;

/* ------------------------------------------------------------------ */
/* Annotated hex: octets on the left, explanation on the right        */

struct lines {
	char l[LABEL_MAX][LABEL_LEN];
	int n;
};

static void __attribute__((format(printf, 2, 3)))
add(struct lines *ls, const char *fmt, ...)
{
	va_list ap;

	if (ls->n >= LABEL_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(ls->l[ls->n++], LABEL_LEN, fmt, ap);
	va_end(ap);
}

/* Octets in rows of 16 at @indent, the label lines beside them */
static void block(int indent, const uint8_t *p, size_t n,
		  const struct lines *ls)
{
	size_t i = 0;
	int row = 0;

	do {
		int col = printf("%*s", indent, "");
		size_t k;

		for (k = 0; k < HEX_PER_LINE && i < n; k++, i++)
			col += printf(k ? " %02x" : "%02x", p[i]);
		if (row < ls->n)
			printf("%*s%s", col < LABEL_COL ? LABEL_COL - col : 1,
			       "", ls->l[row]);
		putchar('\n');
		row++;
	} while (i < n || row < ls->n);
}

static void __attribute__((format(printf, 4, 5)))
block1(int indent, const uint8_t *p, size_t n, const char *fmt, ...)
{
	struct lines ls = { .n = 1 };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ls.l[0], LABEL_LEN, fmt, ap);
	va_end(ap);
	block(indent, p, n, &ls);
}

/* Plain hex dump with offsets */
static void hexdump(int indent, const uint8_t *p, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i += HEX_PER_LINE) {
		printf("%*s%04zx ", indent, "", i);
		for (k = i; k < i + HEX_PER_LINE && k < n; k++)
			printf(" %02x", p[k]);
		putchar('\n');
	}
}

/* ------------------------------------------------------------------ */
/* Names                                                              */

static const char *const sid_names[] = {
	[1] = "Service Mgmt", [2] = "Event", [3] = "Command", [4] = "Information",
};
static const char *const op_names[] = {
	"confirm", "request", "response", "indication",
};
static const char *const sm_names[] = {
	[1] = "MIH_Capability_Discover", [2] = "MIH_Register",
	[3] = "MIH_DeRegister", [4] = "MIH_Event_Subscribe",
	[5] = "MIH_Event_Unsubscribe",
};
static const char *const ev_names[] = {
	[1] = "MIH_Link_Detected", [2] = "MIH_Link_Up", [3] = "MIH_Link_Down",
	[5] = "MIH_Link_Parameters_Report", [6] = "MIH_Link_Going_Down",
	[7] = "MIH_Link_Handover_Imminent", [8] = "MIH_Link_Handover_Complete",
};
static const char *const cmd_names[] = {
	[1] = "MIH_Link_Get_Parameters", [2] = "MIH_Link_Configure_Thresholds",
	[3] = "MIH_Link_Actions", [4] = "MIH_Net_HO_Candidate_Query",
	[5] = "MIH_MN_HO_Candidate_Query", [6] = "MIH_N2N_HO_Query_Resources",
	[7] = "MIH_MN_HO_Commit", [8] = "MIH_Net_HO_Commit",
	[9] = "MIH_N2N_HO_Commit", [10] = "MIH_MN_HO_Complete",
	[11] = "MIH_N2N_HO_Complete",
};
static const char *const is_names[] = {
	[1] = "MIH_Get_Information", [2] = "MIH_Push_Information",
};

#define NAME(tab, i) ((size_t)(i) < sizeof(tab) / sizeof((tab)[0]) && \
		      (tab)[i] ? (tab)[i] : NULL)

static const char *action_name(unsigned int sid, unsigned int aid)
{
	const char *n = NULL;

	switch (sid) {
	case MIH_SID_SERVICE_MGMT: n = NAME(sm_names, aid); break;
	case MIH_SID_EVENT: n = NAME(ev_names, aid); break;
	case MIH_SID_COMMAND: n = NAME(cmd_names, aid); break;
	case MIH_SID_INFO: n = NAME(is_names, aid); break;
	}
	return n ? n : "(unknown action)";
}

static const char *const tlv_names[] = {
	[1] = "Source MIHF ID", [2] = "Destination MIHF ID", [3] = "Status",
	[4] = "Link type", [5] = "MIH event list", [6] = "MIH command list",
	[7] = "IS query type list", [8] = "Transport option list",
	[9] = "Link address list", [10] = "MBB handover support",
	[11] = "Register request code", [12] = "Valid time interval",
	[13] = "Link identifier", [14] = "New link identifier",
	[15] = "Old access router", [16] = "New access router",
	[17] = "IP renewal flag", [18] = "Mobility mgmt support",
	[19] = "IP address config methods", [20] = "Link down reason",
	[21] = "Time interval", [22] = "Link going down reason",
	[23] = "Link parameter report list", [25] = "Link identifier list",
	[31] = "List of link PoA list", [32] = "Preferred link list",
	[33] = "Handover resource query list", [34] = "Handover status",
	[35] = "Access router address", [40] = "Handover result",
	[52] = "MN MIHF ID", [60] = "PoA", [61] = "Unauthenticated info request",
	[100] = "Vendor specific",
	[MIHSEC_TLV_SECURITY] = "MIHSec Security",
	[MIHSEC_TLV_INTEGRITY] = "MIHSec Integrity",
};

static const char *tlv_name(uint8_t type)
{
	const char *n = NAME(tlv_names, type);

	if (n)
		return n;
	return type >= MIH_TLV_EXPERIMENTAL_MIN ? "(experimental)" : "(other)";
}

static const char *const stat_names[] = {
	[MIHSEC_STAT_TX_PROTECTED] = "tx-protected",
	[MIHSEC_STAT_TX_CLEAR] = "tx-clear",
	[MIHSEC_STAT_RX_VERIFIED] = "rx-verified",
	[MIHSEC_STAT_RX_CLEAR] = "rx-clear",
	[MIHSEC_STAT_DROP_MALFORMED] = "malformed",
	[MIHSEC_STAT_DROP_NO_SA] = "no-sa",
	[MIHSEC_STAT_DROP_UNKNOWN_KEY] = "unknown-key",
	[MIHSEC_STAT_DROP_SUITE_MISMATCH] = "suite-mismatch",
	[MIHSEC_STAT_DROP_ENCRYPTION_REQUIRED] = "encryption-required",
	[MIHSEC_STAT_DROP_DIRECTION_MISMATCH] = "direction-mismatch",
	[MIHSEC_STAT_DROP_REPLAY] = "replay",
	[MIHSEC_STAT_DROP_AUTH_FAIL] = "auth-fail",
	[MIHSEC_STAT_DROP_IDENTITY_MISMATCH] = "identity-mismatch",
	[MIHSEC_STAT_DROP_DENIED] = "denied",
	[MIHSEC_STAT_DROP_UNPROTECTED] = "unprotected",
	[MIHSEC_STAT_DROP_SEQ_EXHAUSTED] = "seq-exhausted",
	[MIHSEC_STAT_DROP_ERROR] = "error",
};

static const char *stat_name(int i)
{
	const char *n = NAME(stat_names, i);

	return n ? n : "(unnamed)";
}

static const char *suite_name(uint8_t suite)
{
	switch (suite) {
	case MIHSEC_SUITE_AES128_GCM: return "AES-128-GCM";
	case MIHSEC_SUITE_AES256_GCM: return "AES-256-GCM";
	case MIHSEC_SUITE_CHACHA20_POLY1305: return "ChaCha20-Poly1305";
	case MIHSEC_SUITE_AES128_CBC_HMAC_SHA1: return "AES-128-CBC+HMAC-SHA1";
	}
	return "unknown suite";
}

static const char *link_type_name(uint8_t t)
{
	switch (t) {
	case 1: return "GSM";
	case 2: return "GPRS";
	case 15: return "Ethernet";
	case 19: return "802.11";
	case 23: return "UMTS";
	case 27: return "802.16";
	}
	return "link type ?";
}

/* ------------------------------------------------------------------ */
/* Decoding TLV values (802.21 data types, WIRE.md sections 5-7)      */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* An ID as a quoted string, non-printable octets escaped */
static void quoted(char *out, size_t size, const uint8_t *s, size_t n)
{
	size_t o = 0, i;

	if (size < 8)
		return;
	out[o++] = '"';
	for (i = 0; i < n && o + 6 < size; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
			out[o++] = (char)s[i];
		else
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", s[i]);
	}
	if (i < n && o + 5 < size) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o++] = '"';
	out[o] = 0;
}

/*
 * LINK_ADDR with a MAC address (CHOICE 0, TRANSPORT_ADDR family 6,
 * OCTET_STRING of 6): 10 octets.  Returns the octets used, or -1.
 */
static int link_addr_mac(const uint8_t *p, size_t n, char *out, size_t size)
{
	if (n < 10 || p[0] != 0 || be16(p + 1) != 6 || p[3] != 6)
		return -1;
	snprintf(out, size, "%02x:%02x:%02x:%02x:%02x:%02x",
		 p[4], p[5], p[6], p[7], p[8], p[9]);
	return 10;
}

/* LINK_ID = LINK_TYPE + LINK_ADDR (MAC only here) */
static int link_id(const uint8_t *p, size_t n, char *out, size_t size)
{
	char mac[24];
	int r;

	if (n < 1)
		return -1;
	r = link_addr_mac(p + 1, n - 1, mac, sizeof(mac));
	if (r < 0)
		return -1;
	snprintf(out, size, "%s %s", link_type_name(p[0]), mac);
	return 1 + r;
}

/* LIST(LINK_POA_LIST), LINK_POA_LIST = LINK_ID + LIST(LINK_ADDR) */
static void link_poa_lists(struct lines *ls, const uint8_t *p, size_t n)
{
	uint32_t cnt, npoa, i, j;
	size_t o;
	char buf[48];
	int r;

	r = mih_len_decode(p, n, &cnt);
	if (r < 0)
		return;
	o = (size_t)r;
	for (i = 0; i < cnt; i++) {
		r = link_id(p + o, n - o, buf, sizeof(buf));
		if (r < 0)
			return;
		o += (size_t)r;
		add(ls, "  link %s", buf);
		r = mih_len_decode(p + o, n - o, &npoa);
		if (r < 0)
			return;
		o += (size_t)r;
		for (j = 0; j < npoa; j++) {
			r = link_addr_mac(p + o, n - o, buf, sizeof(buf));
			if (r < 0)
				return;
			o += (size_t)r;
			add(ls, "    PoA %s", buf);
		}
	}
}

static void bitmap_names(struct lines *ls, uint32_t v, const char *const *names,
			 size_t count)
{
	char buf[LABEL_LEN];
	size_t o = 0, k;

	buf[0] = 0;
	for (k = 0; k < 32; k++) {
		if (!(v & (1U << k)))
			continue;
		if (o > 28) {
			add(ls, "  %s", buf);
			o = 0;
			buf[0] = 0;
		}
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
				      o ? ", " : "",
				      k < count && names[k] ? names[k] : "?");
	}
	add(ls, "  %s", o ? buf : "(none)");
}

static const char *const evt_bits[] = {
	"Link_Detected", "Link_Up", "Link_Down", "Link_Parameters_Report",
	"Link_Going_Down", "Link_Handover_Imminent", "Link_Handover_Complete",
	"Link_PDU_Transmit_Status",
};
static const char *const trans_bits[] = { "UDP", "TCP" };

static void tlv_value(struct lines *ls, const struct mih_tlv *t)
{
	static const char *const status[] = {
		"Success", "Unspecified failure", "Rejected",
		"Authorization failure", "Network error",
		"Authentication failure",
	};
	static const char *const gd_reason[] = {
		"explicit disconnect", "link parameter degrading",
		"low power", "no resource",
	};
	const uint8_t *v = t->value, *id;
	char buf[LABEL_LEN];
	size_t idlen;

	switch (t->type) {
	case MIH_TLV_SRC_MIHF_ID:
	case MIH_TLV_DST_MIHF_ID:
	case MIH_TLV_MN_MIHF_ID:
		if (mih_mihf_id_decode(t, &id, &idlen))
			return;
		if (!idlen) {
			add(ls, "  (empty: not known yet)");
			return;
		}
		quoted(buf, sizeof(buf) - 2, id, idlen);
		add(ls, "  %s", buf);
		return;
	case MIH_TLV_STATUS:
		if (t->len == 1)
			add(ls, "  %u = %s", v[0],
			    v[0] < 6 ? status[v[0]] : "?");
		return;
	case MIH_TLV_EVT_LIST:
		if (t->len == 4)
			bitmap_names(ls, be32(v), evt_bits, 8);
		return;
	case MIH_TLV_TRANS_LIST:
		if (t->len == 2)
			bitmap_names(ls, be16(v), trans_bits, 2);
		return;
	case MIH_TLV_LINK_ID:
	case MIH_TLV_NEW_LINK_ID:
		/* LINK_TUPLE_ID = LINK_ID + CHOICE(NULL, PoA LINK_ADDR) */
		if (link_id(v, t->len, buf, sizeof(buf)) == 11 && t->len == 12 &&
		    v[11] == 0)
			add(ls, "  %s (no PoA)", buf);
		return;
	case MIH_TLV_TIME_INTERVAL:
		if (t->len == 2)
			add(ls, "  %u ms", be16(v));
		return;
	case MIH_TLV_LINK_GD_REASON:
		if (t->len == 1)
			add(ls, "  %u = %s", v[0],
			    v[0] < 4 ? gd_reason[v[0]] : "?");
		return;
	case MIH_TLV_LINK_POA_LIST_LIST:
	case MIH_TLV_PREF_LINK_LIST:
		link_poa_lists(ls, v, t->len);
		return;
	}
}

/* ------------------------------------------------------------------ */
/* Printing whole PDUs                                                */

static void msg_name(char *out, size_t size, const struct mih_hdr *h)
{
	snprintf(out, size, "%s %s", action_name(h->sid, h->aid),
		 op_names[h->opcode & 3]);
}

static void print_hdr(int indent, const uint8_t *pdu, const char *plen_note)
{
	struct mih_hdr h;
	struct lines ls = { 0 };
	char name[LABEL_LEN], flags[48];

	mih_hdr_decode(pdu, MIH_HDR_LEN, &h);
	msg_name(name, sizeof(name), &h);
	snprintf(flags, sizeof(flags), "%s%s%s%s",
		 h.ack_req ? " ACK-Req" : "", h.ack_rsp ? " ACK-Rsp" : "",
		 h.uir ? " UIR" : "", h.more ? " M" : "");
	add(&ls, "MIH header: version %u, flags%s, FN %u", h.version,
	    flags[0] ? flags : " none", h.fn);
	add(&ls, "  SID %u %s, opcode %u, AID %u", h.sid,
	    NAME(sid_names, h.sid) ? sid_names[h.sid] : "?", h.opcode, h.aid);
	add(&ls, "  = %s", name);
	add(&ls, "  TID %u, payload length %u", h.tid, h.payload_len);
	if (plen_note[0])
		add(&ls, "  %s", plen_note);
	block(indent, pdu, MIH_HDR_LEN, &ls);
}

/* @note: appended to the value's first line (or a line of its own) */
static void print_tlv(int indent, const uint8_t *base, const struct mih_tlv *t,
		      const char *note)
{
	struct lines ls = { 0 };

	add(&ls, "TLV %u %s (%u)", t->type, tlv_name(t->type), t->len);
	tlv_value(&ls, t);
	if (note[0] && ls.n == 1)
		add(&ls, " %s", note);
	else if (note[0])
		strncat(ls.l[1], note, LABEL_LEN - strlen(ls.l[1]) - 1);
	block(indent, base + t->offset, t->size, &ls);
}

/* One line: message name, TID and the TLV types */
static void print_summary(int indent, const uint8_t *pdu, size_t len)
{
	struct mih_tlv_iter it;
	struct mih_hdr h;
	struct mih_tlv t;
	char name[LABEL_LEN];

	if (len < MIH_HDR_LEN)
		return;
	mih_hdr_decode(pdu, len, &h);
	msg_name(name, sizeof(name), &h);
	printf("%*s= %s, TID %u, TLVs", indent, "", name, h.tid);
	mih_tlv_iter_init(&it, pdu + MIH_HDR_LEN, len - MIH_HDR_LEN);
	while (mih_tlv_next(&it, &t) > 0)
		printf(" %u", t.type);
	putchar('\n');
}

/* A plain (or unprotected) MIH PDU, every field labelled */
static void print_plain(int indent, const uint8_t *pdu, size_t len)
{
	struct mih_tlv_iter it;
	struct mih_tlv t;
	int r;

	if (len < MIH_HDR_LEN) {
		hexdump(indent, pdu, len);
		return;
	}
	print_hdr(indent, pdu, "");
	mih_tlv_iter_init(&it, pdu + MIH_HDR_LEN, len - MIH_HDR_LEN);
	while ((r = mih_tlv_next(&it, &t)) > 0)
		print_tlv(indent, pdu + MIH_HDR_LEN, &t, "");
	if (r < 0) {
		printf("%*s(malformed from offset %zu: %s)\n", indent, "",
		       MIH_HDR_LEN + it.pos, mih_strerror(r));
		hexdump(indent, pdu + MIH_HDR_LEN + it.pos,
			len - MIH_HDR_LEN - it.pos);
	}
}

/*
 * A datagram as seen on the wire: a protected PDU with its MIHSec fields
 * marked, or a plain one.  Returns mihsec_parse()'s result.
 */
static int print_wire(int indent, const uint8_t *w, size_t len,
		      size_t plain_len)
{
	struct mihsec_sec sec;
	struct mih_tlv_iter it;
	struct mih_tlv t;
	char note[LABEL_LEN] = "";
	int r;

	r = mihsec_parse(w, len, &sec);
	if (r == MIHSEC_E_NOT_PROTECTED) {
		print_plain(indent, w, len);
		return r;
	}
	if (r) {
		hexdump(indent, w, len);
		printf("%*s(not a valid MIHSec PDU: %s)\n", indent, "",
		       mihsec_strerror(r));
		return r;
	}
	if (plain_len > MIH_HDR_LEN && plain_len < len)
		snprintf(note, sizeof(note), "(plain %zu + %zu octets of MIHSec)",
			 plain_len - MIH_HDR_LEN, len - plain_len);
	print_hdr(indent, w, note);
	mih_tlv_iter_init(&it, w + MIH_HDR_LEN, len - MIH_HDR_LEN);
	while (mih_tlv_next(&it, &t) > 0) {
		const uint8_t *tb = w + MIH_HDR_LEN + t.offset;
		size_t hl = t.size - t.len;
		bool enc = sec.flags & MIHSEC_WIRE_F_ENCRYPTED;
		bool n2m = sec.flags & MIHSEC_WIRE_F_NET2MMT;

		if (t.type == MIHSEC_TLV_SECURITY) {
			block1(indent, tb, hl, "TLV 200 MIHSec Security (%u):",
			       t.len);
			block1(indent + 2, t.value, 1,
			       "Flags 0x%02x: E=%d %s, D=%d %s", sec.flags,
			       enc, enc ? "encrypted" : "in clear",
			       n2m, n2m ? "net->MMT" : "MMT->net");
			block1(indent + 2, t.value + 1, 1, "Suite %u: %s",
			       sec.suite, suite_name(sec.suite));
			block1(indent + 2, sec.keyid, MIHSEC_KEYID_LEN,
			       "Key ID: selects the receiver's SA");
			block1(indent + 2, sec.keyid + MIHSEC_KEYID_LEN, 8,
			       "Sequence number %llu",
			       (unsigned long long)sec.seq);
			if (sec.iv)
				block1(indent + 2, sec.iv, MIHSEC_IV_LEN,
				       "IV");
			if (enc) {
				struct lines ls = { 0 };

				add(&ls, "Body: ciphertext (%zu)", sec.body_len);
				add(&ls, "  = the plain PDU's TLVs after the");
				add(&ls, "    MIHF IDs, encrypted");
				block(indent + 2, sec.body, sec.body_len, &ls);
			} else {
				block1(indent + 2, sec.body, sec.body_len,
				       "Body: TLVs in clear (%zu)",
				       sec.body_len);
			}
		} else if (t.type == MIHSEC_TLV_INTEGRITY) {
			block1(indent, tb, hl, "TLV 201 MIHSec Integrity (%u):",
			       t.len);
			{
				struct lines ls = { 0 };

				add(&ls, "ICV: %s tag, covers", suite_name(sec.suite));
				add(&ls, "  the header, IDs, TLV 200");
				block(indent + 2, t.value, t.len, &ls);
			}
		} else {
			print_tlv(indent, w + MIH_HDR_LEN, &t, " in clear");
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Messages the applications send (bodies: WIRE.md section 9)         */

static const uint8_t mac_mmt[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x07 };
/* the candidate points of attachment (802.11 access points) */
static const uint8_t mac_poas[2][6] = {
	{ 0x02, 0x00, 0x00, 0x00, 0x0b, 0x01 },
	{ 0x02, 0x00, 0x00, 0x00, 0x0b, 0x02 },
};

static size_t put_link_addr(uint8_t *p, const uint8_t mac[6])
{
	p[0] = 0;		/* CHOICE: MAC_ADDR */
	p[1] = 0;		/* TRANSPORT_ADDR family 6 (IEEE 802) */
	p[2] = 6;
	p[3] = 6;		/* OCTET_STRING length */
	memcpy(p + 4, mac, 6);
	return 10;
}

/* LIST(LINK_POA_LIST) with one link (the MMT's 802.11 interface) */
static void tlv_poa_list(struct mih_builder *b, uint8_t type,
			 const uint8_t (*poa)[6], unsigned int npoa)
{
	uint8_t v[64];
	size_t o = 0;
	unsigned int i;

	v[o++] = 1;		/* one LINK_POA_LIST */
	v[o++] = 19;		/* LINK_TYPE 802.11 */
	o += put_link_addr(v + o, mac_mmt);
	v[o++] = (uint8_t)npoa;
	for (i = 0; i < npoa; i++)
		o += put_link_addr(v + o, poa[i]);
	mih_build_tlv(b, type, v, (uint32_t)o);
}

/* LINK_TUPLE_ID of the MMT's 802.11 link, no PoA */
static void tlv_link_tuple(struct mih_builder *b, uint8_t type)
{
	uint8_t v[12];

	v[0] = 19;
	put_link_addr(v + 1, mac_mmt);
	v[11] = 0;		/* CHOICE(NULL, PoA): NULL */
	mih_build_tlv(b, type, v, sizeof(v));
}

static void body_cand_query(struct mih_builder *b)
{
	tlv_poa_list(b, MIH_TLV_LINK_POA_LIST_LIST, mac_poas, 2);
}

/*
 * Simplified: the preferred candidate as one LINK_POA_LIST (802.21's
 * RQ_RESULT also carries QoS and IP configuration, left out here).
 */
static void body_cand_query_rsp(struct mih_builder *b)
{
	static const uint8_t st = 0;

	mih_build_tlv(b, MIH_TLV_STATUS, &st, 1);
	tlv_poa_list(b, MIH_TLV_PREF_LINK_LIST, &mac_poas[1], 1);
}

static void body_link_going_down(struct mih_builder *b)
{
	static const uint8_t ms[2] = { 0x01, 0xf4 };	/* 500 ms */
	static const uint8_t reason = 1;	/* link parameter degrading */

	tlv_link_tuple(b, MIH_TLV_LINK_ID);
	mih_build_tlv(b, MIH_TLV_TIME_INTERVAL, ms, 2);
	mih_build_tlv(b, MIH_TLV_LINK_GD_REASON, &reason, 1);
}

static void body_link_up(struct mih_builder *b)
{
	tlv_link_tuple(b, MIH_TLV_LINK_ID);
}

/* events Link_Up, Link_Down, Link_Going_Down; transport UDP */
static void body_caps(struct mih_builder *b)
{
	static const uint8_t evts[4] = { 0, 0, 0, 0x16 };
	static const uint8_t trans[2] = { 0, 1 };

	mih_build_tlv(b, MIH_TLV_EVT_LIST, evts, 4);
	mih_build_tlv(b, MIH_TLV_TRANS_LIST, trans, 2);
}

static void body_caps_rsp(struct mih_builder *b)
{
	static const uint8_t st = 0;

	mih_build_tlv(b, MIH_TLV_STATUS, &st, 1);
	body_caps(b);
}

struct msg {
	const char *name;
	uint8_t sid, opcode;
	uint16_t aid;
	bool dst_unknown;	/* empty Destination MIHF ID */
	void (*body)(struct mih_builder *b);
};

static const struct msg msgs[] = {
	{ "cand-query", MIH_SID_COMMAND, MIH_OP_REQUEST,
	  MIH_AID_MN_HO_CANDIDATE_QUERY, false, body_cand_query },
	{ "cand-query-rsp", MIH_SID_COMMAND, MIH_OP_RESPONSE,
	  MIH_AID_MN_HO_CANDIDATE_QUERY, false, body_cand_query_rsp },
	{ "link-going-down", MIH_SID_EVENT, MIH_OP_INDICATION,
	  MIH_AID_LINK_GOING_DOWN, false, body_link_going_down },
	{ "link-up", MIH_SID_EVENT, MIH_OP_INDICATION,
	  MIH_AID_LINK_UP, false, body_link_up },
	{ "cap-discover", MIH_SID_SERVICE_MGMT, MIH_OP_REQUEST,
	  MIH_AID_CAPABILITY_DISCOVER, true, body_caps },
	{ "cap-discover-rsp", MIH_SID_SERVICE_MGMT, MIH_OP_RESPONSE,
	  MIH_AID_CAPABILITY_DISCOVER, false, body_caps_rsp },
};

static const struct msg *find_msg(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		if (!strcmp(msgs[i].name, name))
			return &msgs[i];
	return NULL;
}

static int build_msg(const struct msg *m, uint16_t tid, const char *src,
		     const char *dst, uint8_t *buf, size_t size, size_t *len)
{
	struct mih_hdr h = {
		.version = MIH_VERSION, .sid = m->sid, .opcode = m->opcode,
		.aid = m->aid, .tid = tid,
	};
	struct mih_builder b;
	int r;

	if (m->dst_unknown)
		dst = "";
	mih_builder_init(&b, buf, size);
	mih_build_hdr(&b, &h);
	mih_build_ids(&b, src, strlen(src), dst, strlen(dst));
	m->body(&b);
	r = mih_build_finish(&b, len);
	if (r)
		fprintf(stderr, "mihdemo: building %s: %s\n", m->name,
			mih_strerror(r));
	return r;
}

/* ------------------------------------------------------------------ */
/* The two sides                                                      */

struct side {
	const char *label;	/* "MMT", "AR" */
	const char *app;	/* "the MMT's application" */
	char *ns, *ifname, *id, *v4, *v6;
	struct in_addr a4;
	struct in6_addr a6;
	uint8_t role;
	uint8_t dir;		/* D flag of what this side sends */
	struct side *peer;
	bool has_rxkey;		/* key of the datagrams this side receives */
	struct mihsec_key rxkey;
	int udp, pkt;
	struct mihsec_nl *nl;
};

static struct side mmt = {
	.label = "MMT", .app = "the MMT's application",
	.role = MIHSEC_ROLE_MMT, .dir = 0, .udp = -1, .pkt = -1,
};
static struct side ar = {
	.label = "AR", .app = "the AR's application",
	.role = MIHSEC_ROLE_NETWORK, .dir = MIHSEC_WIRE_F_NET2MMT,
	.udp = -1, .pkt = -1,
};

/* NS,IFACE,MIHF-ID,IPV4[,IPV6] */
static int parse_side(struct side *s, const char *arg)
{
	char *dup = strdup(arg), *f[5] = { 0 }, *save = NULL, *tok;
	int n = 0;

	if (!dup)
		return -1;
	for (tok = strtok_r(dup, ",", &save); tok && n < 5;
	     tok = strtok_r(NULL, ",", &save))
		f[n++] = tok;
	if (n < 4 || tok || inet_pton(AF_INET, f[3], &s->a4) != 1 ||
	    (f[4] && inet_pton(AF_INET6, f[4], &s->a6) != 1) ||
	    strlen(f[2]) > MIH_MIHF_ID_MAX) {
		fprintf(stderr, "mihdemo: bad side '%s' (NS,IFACE,MIHF-ID,IPV4[,IPV6])\n",
			arg);
		free(dup);
		return -1;
	}
	s->ns = f[0];
	s->ifname = f[1];
	s->id = f[2];
	s->v4 = f[3];
	s->v6 = f[4];
	return 0;		/* dup stays allocated: s points into it */
}

static int read_hex_file(const char *path, uint8_t *out, size_t max)
{
	char text[1024];
	ssize_t n;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "mihdemo: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 0 || n == (ssize_t)sizeof(text)) {
		fprintf(stderr, "mihdemo: %s: unreadable or too long\n", path);
		explicit_bzero(text, sizeof(text));
		return -1;
	}
	r = mihsec_hex_decode_text(text, (size_t)n, out, max);
	explicit_bzero(text, sizeof(text));
	if (r < 0)
		fprintf(stderr, "mihdemo: %s: %s\n", path,
			mihsec_hex_strerror(r));
	return r;
}

/* KEYID,KEYFILE,SALT: suite 1 */
static int parse_key(struct side *rx, const char *arg)
{
	char *dup = strdup(arg), *keyid, *file, *salt, *save = NULL;
	uint8_t kid[MIHSEC_KEYID_LEN], key[MIHSEC_KEY_MAX], s[MIHSEC_SALT_LEN];
	int r = -1, klen;

	if (!dup)
		return -1;
	keyid = strtok_r(dup, ",", &save);
	file = strtok_r(NULL, ",", &save);
	salt = strtok_r(NULL, ",", &save);
	if (!keyid || !file || !salt || strtok_r(NULL, ",", &save) ||
	    mihsec_hex_decode(keyid, kid, sizeof(kid)) != MIHSEC_KEYID_LEN ||
	    mihsec_hex_decode(salt, s, sizeof(s)) != MIHSEC_SALT_LEN) {
		fprintf(stderr, "mihdemo: bad key '%s' (KEYID16,KEYFILE,SALT8)\n",
			arg);
		goto out;
	}
	klen = read_hex_file(file, key, sizeof(key));
	if (klen < 0)
		goto out;
	r = mihsec_key_set(&rx->rxkey, MIHSEC_SUITE_AES128_GCM, key,
			   (size_t)klen, NULL, 0, s, kid);
	if (r)
		fprintf(stderr, "mihdemo: %s: %s\n", file, mihsec_strerror(r));
	else
		rx->has_rxkey = true;
out:
	explicit_bzero(key, sizeof(key));
	explicit_bzero(s, sizeof(s));
	free(dup);
	return r ? -1 : 0;
}

static int enter_ns(const char *ns)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "mihdemo: entering network namespace %s: %s\n",
			ns, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int open_capture(const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
	};
	int fd;

	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "mihdemo: no interface %s\n", ifname);
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "mihdemo: packet socket on %s: %s\n", ifname,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* In the side's namespace: its application's socket, capture, netlink */
static int side_open(struct side *s)
{
	struct sockaddr_in6 a = {
		.sin6_family = AF_INET6, .sin6_port = htons(MIH_PORT),
		.sin6_addr = IN6ADDR_ANY_INIT,
	};
	char msg[MIHSEC_NL_ERRMSG_LEN];
	int off = 0, err;

	if (enter_ns(s->ns))
		return -1;
	s->udp = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->udp < 0 ||
	    setsockopt(s->udp, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) ||
	    bind(s->udp, (struct sockaddr *)&a, sizeof(a))) {
		fprintf(stderr, "mihdemo: UDP socket in %s: %s\n", s->ns,
			strerror(errno));
		return -1;
	}
	s->pkt = open_capture(s->ifname);
	if (s->pkt < 0)
		return -1;
	s->nl = mihsec_nl_open(&err, msg, sizeof(msg));
	if (!s->nl) {
		fprintf(stderr, "mihdemo: mihsec netlink in %s: %s%s%s\n",
			s->ns, strerror(-err), msg[0] ? ": " : "", msg);
		return -1;
	}
	return 0;
}

static int get_stats(struct side *s, uint64_t st[MIHSEC_STAT_MAX + 1])
{
	int r = mihsec_nl_stats_get(s->nl, st);

	if (r)
		fprintf(stderr, "mihdemo: counters of %s: %s %s\n", s->ns,
			strerror(-r), mihsec_nl_errmsg(s->nl));
	return r;
}

/* ------------------------------------------------------------------ */
/* Checks                                                             */

static void __attribute__((format(printf, 2, 3)))
check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("    %s ", ok ? "[ok]" : "[FAILED]");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		failures++;
}

/*
 * Counter changes in one namespace: exactly +1 on @want (0: none) and
 * nothing else.  Returns a description for the caller to print.
 */
static bool deltas(const struct side *s, const uint64_t *b, const uint64_t *a,
		   int want, char *out, size_t size)
{
	size_t o = 0;
	bool ok = true, seen = false;
	int i;

	o += (size_t)snprintf(out, size, "%s", s->label);
	for (i = 1; i <= MIHSEC_STAT_MAX; i++) {
		uint64_t d = a[i] - b[i];

		if (i == want && d != 1)
			ok = false;
		if (i != want && d)
			ok = false;
		if (!d)
			continue;
		seen = true;
		if (o < size)
			o += (size_t)snprintf(out + o, size - o, " %s %llu->%llu",
					      stat_name(i),
					      (unsigned long long)b[i],
					      (unsigned long long)a[i]);
	}
	if (!seen && o < size)
		snprintf(out + o, size - o, " unchanged");
	return ok;
}

static bool check_counters(struct side *from, const uint64_t *fb, int fwant,
			   struct side *to, const uint64_t *tb, int twant)
{
	uint64_t fa[MIHSEC_STAT_MAX + 1], ta[MIHSEC_STAT_MAX + 1];
	char d1[256], d2[256];
	bool ok = true;

	if (get_stats(from, fa) || get_stats(to, ta)) {
		failures++;
		return false;
	}
	if (fb)
		ok &= deltas(from, fb, fa, fwant, d1, sizeof(d1));
	ok &= deltas(to, tb, ta, twant, d2, sizeof(d2));
	check(ok, "kernel counters: %s%s%s", fb ? d1 : "", fb ? ", " : "", d2);
	return ok;
}

/* ------------------------------------------------------------------ */
/* Sockets                                                            */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* 1 readable, 0 timed out, -1 error */
static int wait_fd(int fd, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long long left = deadline - now_ms();
	int r;

	if (left < 0)
		left = 0;
	r = poll(&p, 1, (int)left);
	if (r < 0)
		fprintf(stderr, "mihdemo: poll: %s\n", strerror(errno));
	return r < 0 ? -1 : r > 0;
}

struct udp_frame {
	bool outgoing;
	int family;		/* AF_INET, AF_INET6 */
	const uint8_t *src, *dst;	/* addresses in the frame */
	uint16_t sport, dport;
	const uint8_t *payload;
	size_t len;
};

/* An Ethernet frame carrying UDP to or from the MIH port */
static bool parse_frame(const uint8_t *f, size_t n, struct udp_frame *u)
{
	uint16_t etype;
	size_t l3, l4;
	size_t ulen;

	if (n < 14)
		return false;
	etype = be16(f + 12);
	l3 = 14;
	if (etype == ETH_P_IP) {
		size_t ihl;

		if (n < l3 + 20 || (f[l3] >> 4) != 4 || f[l3 + 9] != IPPROTO_UDP ||
		    (be16(f + l3 + 6) & 0x3fff))	/* fragments */
			return false;
		ihl = (size_t)(f[l3] & 0xf) * 4;
		u->family = AF_INET;
		u->src = f + l3 + 12;
		u->dst = f + l3 + 16;
		l4 = l3 + ihl;
	} else if (etype == ETH_P_IPV6) {
		if (n < l3 + 40 || f[l3 + 6] != IPPROTO_UDP)
			return false;
		u->family = AF_INET6;
		u->src = f + l3 + 8;
		u->dst = f + l3 + 24;
		l4 = l3 + 40;
	} else {
		return false;
	}
	if (n < l4 + 8)
		return false;
	u->sport = be16(f + l4);
	u->dport = be16(f + l4 + 2);
	ulen = be16(f + l4 + 4);
	if (ulen < 8 || l4 + ulen > n ||
	    (u->sport != MIH_PORT && u->dport != MIH_PORT))
		return false;
	u->payload = f + l4 + 8;
	u->len = ulen - 8;
	return true;
}

static const char *frame_addr(const struct udp_frame *u, const uint8_t *a,
			      uint16_t port, char *out, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(u->family, a, ip, sizeof(ip));
	snprintf(out, size, u->family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip,
		 port);
	return out;
}

/*
 * The next MIH datagram from @from arriving on @to's interface; 1 found
 * (copied to @buf), 0 none before @deadline, -1 error.
 */
static int capture_from(struct side *to, const struct side *from, bool v6,
			long long deadline, uint8_t *buf, size_t *len,
			char *desc, size_t desc_size)
{
	static uint8_t f[BUF_SIZE];

	for (;;) {
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		struct udp_frame u;
		char a[64], b[64];
		ssize_t n;
		int r = wait_fd(to->pkt, deadline);

		if (r <= 0)
			return r;
		n = recvfrom(to->pkt, f, sizeof(f), 0, (struct sockaddr *)&sll,
			     &sl);
		if (n < 0) {
			fprintf(stderr, "mihdemo: capture: %s\n", strerror(errno));
			return -1;
		}
		if (sll.sll_pkttype == PACKET_OUTGOING ||
		    !parse_frame(f, (size_t)n, &u))
			continue;
		if (v6 ? u.family != AF_INET6 || memcmp(u.src, &from->a6, 16)
		       : u.family != AF_INET || memcmp(u.src, &from->a4, 4))
			continue;
		memcpy(buf, u.payload, u.len);
		*len = u.len;
		snprintf(desc, desc_size, "UDP %s -> %s, %zu octets of MIH",
			 frame_addr(&u, u.src, u.sport, a, sizeof(a)),
			 frame_addr(&u, u.dst, u.dport, b, sizeof(b)), u.len);
		return 1;
	}
}

static void sockaddr_of(const struct side *s, bool v6, struct sockaddr_in6 *a)
{
	memset(a, 0, sizeof(*a));
	a->sin6_family = AF_INET6;
	a->sin6_port = htons(MIH_PORT);
	if (v6) {
		a->sin6_addr = s->a6;
	} else {
		a->sin6_addr.s6_addr[10] = 0xff;
		a->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&a->sin6_addr.s6_addr[12], &s->a4, 4);
	}
}

static void addr_str(const struct sockaddr_in6 *a, char *out, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) {
		inet_ntop(AF_INET, &a->sin6_addr.s6_addr[12], ip, sizeof(ip));
		snprintf(out, size, "%s:%u", ip, ntohs(a->sin6_port));
	} else {
		inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
		snprintf(out, size, "[%s]:%u", ip, ntohs(a->sin6_port));
	}
}

/* 1 received, 0 nothing before @deadline, -1 error */
static int app_recv(struct side *s, long long deadline, uint8_t *buf,
		    size_t size, size_t *len, struct sockaddr_in6 *from)
{
	socklen_t fl = sizeof(*from);
	ssize_t n;
	int r = wait_fd(s->udp, deadline);

	if (r <= 0)
		return r;
	n = recvfrom(s->udp, buf, size, MSG_DONTWAIT, (struct sockaddr *)from,
		     &fl);
	if (n < 0) {
		fprintf(stderr, "mihdemo: recvfrom: %s\n", strerror(errno));
		return -1;
	}
	*len = (size_t)n;
	return 1;
}

/* ------------------------------------------------------------------ */
/* send                                                               */

enum expect { EXP_PROTECTED, EXP_CLEAR, EXP_REFUSED };

static int parse_expect(const char *s, enum expect *e)
{
	if (!strcmp(s, "protected"))
		*e = EXP_PROTECTED;
	else if (!strcmp(s, "clear"))
		*e = EXP_CLEAR;
	else if (!strcmp(s, "refused"))
		*e = EXP_REFUSED;
	else
		return -1;
	return 0;
}

/* The wire datagram of @pdu from @from to @to, as the expectation says */
static void check_wire(const struct side *from, const struct side *to,
		       const uint8_t *pdu, size_t len, const uint8_t *w,
		       size_t wlen, enum expect exp)
{
	static uint8_t out[BUF_SIZE];
	struct mihsec_open_params op = {
		.role = to->role, .require_encrypt = true,
		.peer_id = (const uint8_t *)from->id,
		.peer_id_len = strlen(from->id),
		.local_id = (const uint8_t *)to->id,
		.local_id_len = strlen(to->id),
	};
	struct mihsec_sec sec;
	size_t olen;
	int r;

	if (exp == EXP_CLEAR) {
		check(wlen == len && !memcmp(w, pdu, len),
		      "the datagram went out in clear, exactly as sent");
		return;
	}
	r = mihsec_parse(w, wlen, &sec);
	check(!r && (sec.flags & MIHSEC_WIRE_F_ENCRYPTED) &&
	      (sec.flags & MIHSEC_WIRE_F_NET2MMT) == from->dir,
	      "protected: Security + Integrity TLVs, E=1, D=%d (%s)",
	      from->dir ? 1 : 0, from->dir ? "network->MMT" : "MMT->network");
	if (r)
		return;
	if (!to->has_rxkey)
		return;
	check(!memcmp(sec.keyid, to->rxkey.keyid, MIHSEC_KEYID_LEN),
	      "key ID is the %s's RX key ID", to->label);
	r = mihsec_open(&to->rxkey, &op, w, wlen, out, sizeof(out), &olen,
			NULL);
	check(!r && olen == len && !memcmp(out, pdu, len),
	      "OpenSSL (userspace, same key) opens it: %s",
	      r ? mihsec_strerror(r) : olen == len && !memcmp(out, pdu, len) ?
	      "the plain PDU again" : "a different PDU");
	explicit_bzero(out, sizeof(out));
}

static int stat_tx(enum expect e)
{
	return e == EXP_PROTECTED ? MIHSEC_STAT_TX_PROTECTED :
	       e == EXP_CLEAR ? MIHSEC_STAT_TX_CLEAR : MIHSEC_STAT_DROP_NO_SA;
}

static int stat_rx(enum expect e)
{
	return e == EXP_PROTECTED ? MIHSEC_STAT_RX_VERIFIED :
	       e == EXP_CLEAR ? MIHSEC_STAT_RX_CLEAR : 0;
}

/*
 * One datagram from one application to the other: print the plain PDU,
 * the wire and what arrived; check all of it.  @n numbers the sections.
 * On success *rx holds what the receiving application got (for a reply).
 */
static int transfer(struct side *from, struct side *to, const uint8_t *pdu,
		    size_t len, bool v6, enum expect exp, int n,
		    const char *save, uint8_t *rx, size_t *rxlen,
		    struct sockaddr_in6 *rxfrom)
{
	static uint8_t wire[BUF_SIZE];
	uint64_t fb[MIHSEC_STAT_MAX + 1], tb[MIHSEC_STAT_MAX + 1];
	struct sockaddr_in6 dst;
	char desc[160], da[64];
	size_t wlen;
	long long deadline;
	ssize_t sent;
	int r;

	if (get_stats(from, fb) || get_stats(to, tb))
		return -1;
	if (!v6 || !to->v6)
		v6 = false;
	sockaddr_of(to, v6, &dst);
	addr_str(&dst, da, sizeof(da));
	printf("\n[%d] %s sends this plain PDU (%zu octets) to %s:\n", n,
	       from->app, len, da);
	print_plain(2, pdu, len);

	sent = sendto(from->udp, pdu, len, 0, (struct sockaddr *)&dst,
		      sizeof(dst));
	if (exp == EXP_REFUSED) {
		int e = errno;

		printf("\n    sendto() %s%s\n", sent < 0 ? "failed: " : "succeeded",
		       sent < 0 ? strerror(e) : "");
		check(sent < 0 && e == EPERM,
		      "the %s's kernel refused to send it unprotected",
		      from->label);
		deadline = now_ms() + SILENCE_MS / 2;
		r = capture_from(to, from, v6, deadline, wire, &wlen, desc,
				 sizeof(desc));
		check(r == 0, "nothing reached the %s's interface", to->label);
		check_counters(from, fb, stat_tx(exp), to, tb, 0);
		return 0;
	}
	if (sent != (ssize_t)len) {
		check(false, "sendto(): %s", sent < 0 ? strerror(errno) :
		      "short write");
		return -1;
	}

	deadline = now_ms() + WAIT_MS;
	r = capture_from(to, from, v6, deadline, wire, &wlen, desc,
			 sizeof(desc));
	if (r <= 0) {
		check(false, "no datagram seen on %s within %d ms", to->ifname,
		      WAIT_MS);
		return -1;
	}
	printf("\n[%d] on the wire: %s\n"
	       "    (captured on %s, before the %s's kernel checks it)\n",
	       n + 1, desc, to->ifname, to->label);
	print_wire(2, wire, wlen, len);
	putchar('\n');
	check_wire(from, to, pdu, len, wire, wlen, exp);
	if (save) {
		FILE *f = fopen(save, "wb");

		if (!f || fwrite(wire, 1, wlen, f) != wlen || fclose(f)) {
			fprintf(stderr, "mihdemo: %s: %s\n", save,
				strerror(errno));
			return -1;
		}
	}

	r = app_recv(to, now_ms() + WAIT_MS, rx, BUF_SIZE, rxlen, rxfrom);
	if (r <= 0) {
		check(false, "%s received nothing within %d ms", to->app,
		      WAIT_MS);
		return -1;
	}
	addr_str(rxfrom, da, sizeof(da));
	printf("\n[%d] %s received %zu octets from %s:\n", n + 2, to->app,
	       *rxlen, da);
	hexdump(2, rx, *rxlen);
	print_summary(2, rx, *rxlen);
	putchar('\n');
	check(*rxlen == len && !memcmp(rx, pdu, len),
	      "exactly the plain PDU %s sent", from->app);
	check_counters(from, fb, stat_tx(exp), to, tb, stat_rx(exp));
	return 0;
}

static int cmd_send(int argc, char **argv)
{
	static uint8_t pdu[BUF_SIZE], rx[BUF_SIZE], rsp[BUF_SIZE], rx2[BUF_SIZE];
	struct side *from, *to;
	const struct msg *m, *reply = NULL;
	enum expect exp = EXP_PROTECTED, rexp = EXP_PROTECTED;
	const char *save = NULL, *dst_id = NULL;
	struct sockaddr_in6 rxfrom, rxfrom2;
	size_t len, rxlen, rlen, rx2len;
	unsigned long tid = 1;
	bool v6 = false;
	int i;

	if (argc < 2)
		return -2;
	from = !strcmp(argv[0], "mmt") ? &mmt : !strcmp(argv[0], "ar") ? &ar : NULL;
	m = find_msg(argv[1]);
	if (!from || !m) {
		fprintf(stderr, "mihdemo: send FROM (mmt|ar) MSG ('mihdemo messages')\n");
		return -2;
	}
	to = from->peer;
	for (i = 2; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(k, "ipv6")) {
			v6 = true;
			continue;
		}
		if (!v)
			return -2;
		i++;
		if (!strcmp(k, "tid")) {
			char *end;

			tid = strtoul(v, &end, 0);
			if (*end || tid > 0xfff)
				return -2;
		} else if (!strcmp(k, "dst-id")) {
			dst_id = v;
		} else if (!strcmp(k, "expect")) {
			if (parse_expect(v, &exp))
				return -2;
		} else if (!strcmp(k, "reply-expect")) {
			if (parse_expect(v, &rexp) || rexp == EXP_REFUSED)
				return -2;
		} else if (!strcmp(k, "reply")) {
			reply = find_msg(v);
			if (!reply)
				return -2;
		} else if (!strcmp(k, "save")) {
			save = v;
		} else {
			return -2;
		}
	}
	if (v6 && (!from->v6 || !to->v6)) {
		fprintf(stderr, "mihdemo: ipv6 needs IPv6 addresses on both sides\n");
		return -2;
	}
	if (reply && exp == EXP_REFUSED)
		return -2;
	if (side_open(&mmt) || side_open(&ar))
		return -1;

	if (build_msg(m, (uint16_t)tid, from->id, dst_id ? dst_id : to->id,
		      pdu, sizeof(pdu), &len))
		return -1;
	if (transfer(from, to, pdu, len, v6, exp, 1, save, rx, &rxlen,
		     &rxfrom))
		return -1;
	if (!reply)
		return 0;

	/* the receiver answers: same TID, to the sender's MIHF ID and address */
	{
		struct mih_pdu p;

		if (mih_pdu_parse(rx, rxlen, &p)) {
			check(false, "%s can parse what it received", to->app);
			return -1;
		}
		if (build_msg(reply, p.hdr.tid, to->id, from->id, rsp,
			      sizeof(rsp), &rlen))
			return -1;
	}
	printf("\n%s answers (same TID):\n", to->app);
	return transfer(to, from, rsp, rlen, v6, rexp, 4, NULL, rx2, &rx2len,
			&rxfrom2) ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* inject                                                             */

static int cmd_inject(int argc, char **argv)
{
	static uint8_t w[BUF_SIZE], rx[BUF_SIZE], cap[BUF_SIZE];
	uint64_t tb[MIHSEC_STAT_MAX + 1];
	struct side *from, *to;
	struct sockaddr_in6 dst, rxfrom;
	struct mihsec_sec sec;
	size_t wlen, rxlen, caplen;
	char desc[160], da[64];
	bool tamper;
	int want, r;
	FILE *f;

	if (argc != 3)
		return -2;
	from = !strcmp(argv[0], "mmt") ? &mmt : !strcmp(argv[0], "ar") ? &ar : NULL;
	if (!from || (strcmp(argv[2], "replay") && strcmp(argv[2], "tamper")))
		return -2;
	tamper = !strcmp(argv[2], "tamper");
	to = from->peer;
	f = fopen(argv[1], "rb");
	if (!f) {
		fprintf(stderr, "mihdemo: %s: %s\n", argv[1], strerror(errno));
		return -1;
	}
	wlen = fread(w, 1, sizeof(w), f);
	fclose(f);
	if (mihsec_parse(w, wlen, &sec)) {
		fprintf(stderr, "mihdemo: %s: not a protected MIH PDU\n", argv[1]);
		return -1;
	}
	if (side_open(&mmt) || side_open(&ar))
		return -1;

	if (tamper) {
		uint8_t *seqp = w + (sec.keyid - w) + MIHSEC_KEYID_LEN;
		uint8_t *body = w + (sec.body - w);
		uint64_t seq = sec.seq + 1000;
		int k;

		printf("\n[1] an attacker takes that captured datagram and changes it:\n"
		       "    sequence number %llu -> %llu (so it is no replay), and the\n"
		       "    first ciphertext octet 0x%02x -> 0x%02x (one bit flipped)\n",
		       (unsigned long long)sec.seq, (unsigned long long)seq,
		       body[0], body[0] ^ 0x01);
		for (k = 7; k >= 0; k--, seq >>= 8)
			seqp[k] = (uint8_t)seq;
		body[0] ^= 0x01;
		want = MIHSEC_STAT_DROP_AUTH_FAIL;
	} else {
		printf("\n[1] an attacker replays that captured datagram unchanged:\n");
		want = MIHSEC_STAT_DROP_REPLAY;
	}
	printf("    (sent from the %s's namespace: mihsec passes an already\n"
	       "    protected PDU through untouched)\n", from->label);
	print_wire(2, w, wlen, 0);

	if (get_stats(to, tb))
		return -1;
	sockaddr_of(to, false, &dst);
	if (sendto(from->udp, w, wlen, 0, (struct sockaddr *)&dst,
		   sizeof(dst)) != (ssize_t)wlen) {
		check(false, "sendto(): %s", strerror(errno));
		return -1;
	}
	r = capture_from(to, from, false, now_ms() + WAIT_MS, cap, &caplen,
			 desc, sizeof(desc));
	addr_str(&dst, da, sizeof(da));
	printf("\n[2] on the wire: %s\n    (captured on %s)\n",
	       r > 0 ? desc : "nothing", to->ifname);
	check(r > 0 && caplen == wlen && !memcmp(cap, w, wlen),
	      "the datagram reached the %s as sent", to->label);

	r = app_recv(to, now_ms() + SILENCE_MS, rx, sizeof(rx), &rxlen, &rxfrom);
	printf("\n[3] %s waits %d ms for it:\n", to->app, SILENCE_MS);
	if (r > 0)
		hexdump(2, rx, rxlen);
	check(r == 0, "%s received nothing", to->app);
	check_counters(from, NULL, 0, to, tb, want);
	return 0;
}

/* ------------------------------------------------------------------ */
/* capture                                                            */

static int cmd_capture(int argc, char **argv)
{
	static uint8_t f[BUF_SIZE];
	unsigned long count, secs = 10, got = 0;
	long long deadline;
	char *end;
	int fd;

	if (argc < 2 || argc > 3)
		return -2;
	count = strtoul(argv[1], &end, 10);
	if (*end || !count)
		return -2;
	if (argc == 3) {
		secs = strtoul(argv[2], &end, 10);
		if (*end || !secs || secs > 86400)
			return -2;
	}
	fd = open_capture(argv[0]);
	if (fd < 0)
		return -1;
	deadline = now_ms() + (long long)secs * 1000;
	while (got < count) {
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		struct udp_frame u;
		char a[64], b[64];
		ssize_t n;
		int r = wait_fd(fd, deadline);

		if (r <= 0)
			break;
		n = recvfrom(fd, f, sizeof(f), 0, (struct sockaddr *)&sll, &sl);
		if (n < 0 || !parse_frame(f, (size_t)n, &u))
			continue;
		got++;
		printf("\n#%lu %s UDP %s -> %s, %zu octets:\n", got,
		       sll.sll_pkttype == PACKET_OUTGOING ? "out" : "in",
		       frame_addr(&u, u.src, u.sport, a, sizeof(a)),
		       frame_addr(&u, u.dst, u.dport, b, sizeof(b)), u.len);
		print_wire(2, u.payload, u.len, 0);
		fflush(stdout);
	}
	close(fd);
	if (got < count)
		fprintf(stderr, "mihdemo: %lu of %lu datagrams within %lu s\n",
			got, count, secs);
	return got == count ? 0 : -1;
}

/* ------------------------------------------------------------------ */

static void usage(FILE *out)
{
	fputs("usage:\n"
	      "  mihdemo TOPOLOGY send FROM MSG [tid N] [dst-id ID] [ipv6]\n"
	      "          [expect protected|clear|refused] [reply MSG]\n"
	      "          [reply-expect protected|clear] [save FILE]\n"
	      "  mihdemo TOPOLOGY inject FROM FILE replay|tamper\n"
	      "  mihdemo capture IFACE COUNT [SECONDS]\n"
	      "  mihdemo messages\n"
	      "TOPOLOGY: --mmt NS,IFACE,MIHF-ID,IPV4[,IPV6]\n"
	      "          --ar NS,IFACE,MIHF-ID,IPV4[,IPV6]\n"
	      "          [--m2a KEYID,KEYFILE,SALT] [--a2m KEYID,KEYFILE,SALT]\n"
	      "FROM: mmt or ar.  Exit: 0 all checks passed, 1 failure, 2 usage.\n",
	      out);
}

int main(int argc, char **argv)
{
	bool have_mmt = false, have_ar = false;
	int i, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mmt.peer = &ar;
	ar.peer = &mmt;
	for (i = 1; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--help")) {
			usage(stdout);
			return 0;
		}
		if (!v)
			goto bad;
		if (!strcmp(o, "--mmt"))
			r = parse_side(&mmt, v), have_mmt = !r;
		else if (!strcmp(o, "--ar"))
			r = parse_side(&ar, v), have_ar = !r;
		else if (!strcmp(o, "--m2a"))
			r = parse_key(&ar, v);
		else if (!strcmp(o, "--a2m"))
			r = parse_key(&mmt, v);
		else
			goto bad;
		if (r)
			return 2;
	}
	if (i >= argc)
		goto bad;
	if (!strcmp(argv[i], "messages")) {
		for (size_t k = 0; k < sizeof(msgs) / sizeof(msgs[0]); k++) {
			struct mih_hdr h = { .sid = msgs[k].sid,
					     .opcode = msgs[k].opcode,
					     .aid = msgs[k].aid };
			char name[LABEL_LEN];

			msg_name(name, sizeof(name), &h);
			printf("%-18s %s\n", msgs[k].name, name);
		}
		return 0;
	}
	if (!strcmp(argv[i], "capture")) {
		r = cmd_capture(argc - i - 1, argv + i + 1);
	} else if (!have_mmt || !have_ar) {
		goto bad;
	} else if (!strcmp(argv[i], "send")) {
		r = cmd_send(argc - i - 1, argv + i + 1);
	} else if (!strcmp(argv[i], "inject")) {
		r = cmd_inject(argc - i - 1, argv + i + 1);
	} else {
		goto bad;
	}
	mihsec_key_clear(&mmt.rxkey);
	mihsec_key_clear(&ar.rxkey);
	if (r == -2)
		goto bad;
	if (r || failures) {
		if (failures)
			fprintf(stderr, "mihdemo: %d check(s) FAILED\n", failures);
		return 1;
	}
	return 0;
bad:
	usage(stderr);
	return 2;
}

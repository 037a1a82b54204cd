// SPDX-License-Identifier: GPL-2.0
/*
 * mihgen: write a classic libpcap file holding one plain MIH PDU of every
 * message of the codec's schema table (lib/mihmsgdef.c), each built with
 * every TLV of its schema (the first member of a one-of group), plus a pure
 * ACK and a Capability_Discover request with an empty Destination MIHF ID.
 * Every PDU is checked with mih_msg_parse() before it is written.  Frames
 * are Ethernet / IPv4 / UDP 4551 -> 4551.
 *
 * For Wireshark (tests/host/tshark_mih.sh): no empty Destination MIHF ID is
 * the last TLV (WIRE.md 5: Wireshark reads past it), no list has 128 or
 * more elements (Wireshark reads a one-octet count, WIRE.md 4), and two
 * sample values are chosen so that Wireshark's known mis-decodes (TLV 27,
 * TLV 55 CHOICE(NULL, X): WIRE.md 13) stay inside their TLV; see add_tlv().
 *
 * Usage: mihgen [-v] FILE.pcap
 * Prints one line per packet on stdout: "<n> 0x<mid> <name>"; with -v
 * also each message as mih_msg_fmt() shows it, in "#" comment lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mih.h"
#include "lib/mihie.h"
#include "lib/mihmsgdef.h"
#include "lib/mihtype.h"

static const uint8_t mac1[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t mac2[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

#define LINKID_RAW	"\x13\x00\x00\x06\x06\x02\x11\x22\x33\x44\x55"
#define RAW(b, t, s)	mih_build_tlv((b), (t), (s), sizeof(s) - 1)

static void set_mac(struct mih_link_addr *a, const uint8_t *mac)
{
	memset(a, 0, sizeof(*a));
	a->kind = MIH_LA_MAC;
	memcpy(a->u.mac, mac, 6);
}

static void put_mbb_any(struct mih_wr *w, const void *v)
{
	mih_put_mbb_ho_supp(w, v);
}

static void put_tgt_any(struct mih_wr *w, const void *v)
{
	mih_put_tgt_net_info(w, v);
}

static void put_iq_list_of_one(struct mih_wr *w, const void *v)
{
	mih_put_iq_bin_data_list(w, v, 1);
}

/* A valid value of every TLV type the schemas use */
static void add_tlv(struct mih_builder *b, uint8_t t)
{
	struct mih_link_tuple_id tup = { .link.type = MIH_LT_802_11 };
	struct mih_link_id lid = { .type = MIH_LT_ETHERNET };
	struct mih_network_type nt = { .has_link_type = true,
				       .link_type = MIH_LT_802_11 };
	struct mih_qos_list q = { .n = 1, .p = { { 2, 64000 } } };
	struct mih_net_type_addr nta = { .nt = nt };
	struct mih_mbb_ho_supp mbb = { .from = nt, .to = nt,
				       .supported = true };
	struct mih_link_det_info det = { 0 };
	struct mih_link_poa_list pl = { .link.type = MIH_LT_802_11 };
	struct mih_rq_result rq = { 0 };
	struct mih_tgt_net_info tn = { 0 };
	struct mih_res_set rs = { 0 };
	struct mih_iq_bin_data iq = { 0 };
	struct mih_link_addr la;
	struct mih_ie_wr iw;
	uint8_t ir[256];
	size_t irl;

	set_mac(&tup.link.addr, mac1);
	set_mac(&lid.addr, mac2);
	set_mac(&la, mac2);
	switch (t) {
	case MIH_TLV_STATUS:
		mih_build_status(b, MIH_STATUS_SUCCESS);
		break;
	case MIH_TLV_EVT_LIST:
		mih_build_evt_list(b, MIH_BIT(MIH_EVT_LINK_UP) |
				   MIH_BIT(MIH_EVT_LINK_DOWN));
		break;
	case MIH_TLV_CMD_LIST:
		mih_build_bitmap(b, t, MIH_BIT(MIH_CMD_LINK_GET_PARAMETERS) |
				 MIH_BIT(MIH_CMD_MN_HO));
		break;
	case MIH_TLV_IQ_TYPE_LIST:
		mih_build_bitmap(b, t, MIH_BIT(MIH_IQ_BINARY_DATA) |
				 MIH_BIT(MIH_IQ_IE_COST));
		break;
	case MIH_TLV_TRANS_LIST:
		mih_build_bitmap(b, t, MIH_BIT(MIH_TRANS_UDP));
		break;
	case MIH_TLV_IP_MOB_MGMT:
		mih_build_bitmap(b, t, MIH_BIT(MIH_MOB_MIPV6));
		break;
	case MIH_TLV_IP_CFG_MTHDS:
		mih_build_bitmap(b, t, MIH_BIT(MIH_IPCFG_DHCPV4));
		break;
	case MIH_TLV_DEV_STATES_REQ:
		mih_build_bitmap(b, t, 0x1);
		break;
	case MIH_TLV_LINK_ADDR_LIST:
		set_mac(&nta.addr, mac1);
		mih_build_link_addr_list(b, &nta, 1);
		break;
	case MIH_TLV_MBB_HO_SUPP_LIST:
		mih_build_list(b, t, put_mbb_any, &mbb,
			       sizeof(mbb), 1);
		break;
	case MIH_TLV_REG_REQUEST_CODE:
		mih_build_u8(b, t, MIH_REG_REGISTRATION);
		break;
	case MIH_TLV_LINK_DN_REASON:
		mih_build_u8(b, t, MIH_LDR_PACKET_TIMEOUT);
		break;
	case MIH_TLV_LINK_GD_REASON:
		mih_build_u8(b, t, MIH_LGR_LINK_PARAM_DEGRADING);
		break;
	case MIH_TLV_HO_STATUS:
		mih_build_u8(b, t, MIH_HO_PERMITTED);
		break;
	case MIH_TLV_HO_RESULT:
		mih_build_u8(b, t, MIH_HO_RESULT_SUCCESS);
		break;
	case MIH_TLV_VALID_TIME_INTERVAL:
		mih_build_u32(b, t, 3600);
		break;
	case MIH_TLV_LINK_ID:
	case MIH_TLV_NEW_LINK_ID:
		if (t == MIH_TLV_NEW_LINK_ID) {
			tup.has_poa = true;
			set_mac(&tup.poa, mac2);
		}
		mih_build_link_tuple_id(b, t, &tup);
		break;
	case MIH_TLV_OLD_AR:
	case MIH_TLV_NEW_AR:
	case MIH_TLV_POA:
		mih_build_link_addr(b, t, &la);
		break;
	case MIH_TLV_IP_RENEWAL:
	case MIH_TLV_RESOURCE_STATUS:
	case MIH_TLV_RESOURCE_RETENTION:
	case MIH_TLV_IQ_RDF_SCHEMA_URL:
	case MIH_TLV_QUERY_RESOURCE_RPT:
	case MIH_TLV_UIR:
		mih_build_bool(b, t, true);
		break;
	case MIH_TLV_TIME_INTERVAL:
		mih_build_u16(b, t, 100);
		break;
	case MIH_TLV_MAX_RSP_SIZE:
		mih_build_u16(b, t, 1400);
		break;
	case MIH_TLV_LINK_PARAM_RPT_LIST:
		RAW(b, t, "\x01\x00\x00\x00\x01\x02\x00");
		break;
	case MIH_TLV_LINK_ID_LIST:
		mih_build_link_id_list(b, &lid, 1);
		break;
	case MIH_TLV_DEV_STATES_RSP_LIST:
		RAW(b, t, "\x01\x01\x50");
		break;
	case MIH_TLV_GET_STATUS_REQ:
		/*
		 * states {OP_MODE}, params [GEN 0, GEN 1], desc {bit 0}.
		 * Wireshark 4.0 decodes LINK_STATES_REQ as a CHOICE (reading
		 * 3 or 4 octets) and so reads past a short TLV 27; these
		 * values keep its misreading inside the TLV.
		 */
		RAW(b, t, "\x00\x01\x02\x00\x00\x00\x01\x00\x01");
		break;
	case MIH_TLV_GET_STATUS_RSP_LIST:
		RAW(b, t, "\x01" LINKID_RAW "\x01\x00\x01"
			  "\x01\x00\x00\x00\x00\x05" "\x01\x00\x04");
		break;
	case MIH_TLV_CFG_REQ_LIST:
		RAW(b, t, "\x01\x05\x01\x01\x00\x64\x00\x01\x00\x10\x01");
		break;
	case MIH_TLV_CFG_RSP_LIST:
		RAW(b, t, "\x01\x05\x01\x00\x10\x00\x01");
		break;
	case MIH_TLV_LINK_POA_LIST_LIST:
		pl.n_poa = 1;
		set_mac(&pl.link.addr, mac1);
		set_mac(&pl.poa[0], mac2);
		mih_build_link_poa_list_list(b, &pl, 1);
		break;
	case MIH_TLV_PREF_LINK_LIST:
		rq.pref.link.type = MIH_LT_ETHERNET;
		set_mac(&rq.pref.link.addr, mac2);
		rq.has_qos = true;
		rq.qos = q;
		mih_build_pref_link_list(b, &rq, 1);
		break;
	case MIH_TLV_HO_RESOURCE_QUERY_LIST:
		mih_build_qos_list(b, &q);
		break;
	case MIH_TLV_AR_ADDR:
	case MIH_TLV_DHCP_SERVER_ADDR:
	case MIH_TLV_FA_ADDR:
		mih_build_ip_addr(b, t, &(struct mih_ip_addr){
			.family = MIH_AF_IPV4, .a = { 192, 0, 2, 1 } });
		break;
	case MIH_TLV_LINK_ACTIONS_LIST:
		RAW(b, t, "\x01" LINKID_RAW "\x00\x01\x00\x00\x00");
		break;
	case MIH_TLV_LINK_ACTIONS_RESULT_LIST:
		RAW(b, t, "\x01" LINKID_RAW "\x00\x01\x01\x00\x00\x06\x06\x02"
			  "\x11\x22\x33\x44\x55\x04" "ssid" "\x00\xc4");
		break;
	case MIH_TLV_IQ_BIN_DATA_LIST:
		iq.has_rpt_templ = true;
		iq.n_templ = 3;
		iq.templ[0] = MIH_IE_NETWORK_TYPE;
		iq.templ[1] = MIH_IE_OPERATOR_ID;
		iq.templ[2] = MIH_IE_COST;
		mih_build_value(b, t, put_iq_list_of_one, &iq);
		break;
	case MIH_TLV_IQ_RDF_DATA_LIST:
		RAW(b, t, "\x01\x00\x03" "abc");
		break;
	case MIH_TLV_IQ_RDF_SCHEMA_LIST:
	case MIH_TLV_IR_RDF_SCHEMA_URL_LIST:
		RAW(b, t, "\x01\x03" "url");
		break;
	case MIH_TLV_IR_BIN_DATA_LIST:
		mih_ie_wr_init(&iw, ir, sizeof(ir));
		mih_ie_list_begin(&iw);
		mih_ie_list_begin(&iw);
		mih_ie_put(&iw, &(struct mih_ie_val){
			.type = MIH_IE_NETWORK_TYPE, .u.network_type = nt });
		mih_ie_put(&iw, &(struct mih_ie_val){
			.type = MIH_IE_COST, .u.cost = { MIH_COST_HOUR, 1, 500,
							 { 'E', 'U', 'R' } } });
		mih_ie_list_end(&iw);
		mih_ie_list_end(&iw);
		if (mih_ie_wr_finish(&iw, &irl) == 0)
			mih_build_tlv(b, t, ir, (uint32_t)irl);
		else
			b->err = MIH_E_INVAL;
		break;
	case MIH_TLV_IR_RDF_DATA_LIST:
		RAW(b, t, "\x01\x01\x04" "text" "\x03" "abc");
		break;
	case MIH_TLV_IR_RDF_SCHEMA_LIST:
		RAW(b, t, "\x01\x03" "url" "\x03" "sch");
		break;
	case MIH_TLV_MN_MIHF_ID:
		mih_build_mihf_id(b, t, "mn1.example", 11);
		break;
	case MIH_TLV_EVT_CFG_INFO_LIST:
		RAW(b, t, "\x01\x00\x01\x01\x04" "ssid" "\x01\x01\x32\x00");
		break;
	case MIH_TLV_TGT_NET_INFO:
	case MIH_TLV_TGT_NET_INFO_LIST:
		if (t == MIH_TLV_TGT_NET_INFO) {
			/*
			 * with the aux ID present: Wireshark takes CHOICE
			 * selector 0 for "present" (WIRE.md 13) and would
			 * read an absent aux ID past the frame
			 */
			tn.has_network_id = true;
			tn.network_id = (struct mih_ostr){
				(const uint8_t *)"tgt", 3 };
			tn.has_net_aux_id = true;
			tn.net_aux_id = (struct mih_ostr){
				(const uint8_t *)"aux", 3 };
		} else {
			tn.has_poa = true;
			set_mac(&tn.poa, mac2);
		}
		if (t == MIH_TLV_TGT_NET_INFO)
			mih_build_tgt_net_info(b, &tn);
		else
			mih_build_list(b, t, put_tgt_any,
				       &tn, sizeof(tn), 1);
		break;
	case MIH_TLV_ASGN_RESOURCE_SET:
	case MIH_TLV_REQ_RESOURCE_SET:
		rs.qos = q;
		mih_build_res_set(b, t, &rs);
		break;
	case MIH_TLV_LINK_DET_INFO_LIST:
		det.tuple = tup;
		det.network_id = (struct mih_ostr){ (const uint8_t *)"mihnet",
						    6 };
		det.sig.is_percent = true;
		det.sig.percent = 70;
		det.data_rate = 54000;
		det.net_caps = MIH_BIT(MIH_NETCAP_INTERNET);
		mih_build_link_det_info_list(b, &det, 1);
		break;
	case MIH_TLV_MN_LINK_ID:
		mih_build_link_id(b, t, &lid);
		break;
	case MIH_TLV_NETWORK_TYPE:
		mih_build_network_type(b, &nt);
		break;
	default:
		b->err = MIH_E_INVAL;
	}
}

/* ---- pcap ---- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t ip_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* libpcap headers are in host byte order (the magic tells readers which) */
struct pcap_hdr {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_rec {
	uint32_t sec, usec, incl_len, orig_len;
};

static int write_frame(FILE *f, unsigned int n, const uint8_t *pdu,
		       size_t len)
{
	uint8_t fr[14 + 20 + 8 + MIH_PDU_MAX];
	struct pcap_rec rec;
	size_t flen = 14 + 20 + 8 + len;
	uint8_t *ip = fr + 14, *udp = ip + 20;

	if (len > MIH_PDU_MAX || 20 + 8 + len > 65535)
		return -EINVAL;
	memcpy(fr, mac2, 6);
	memcpy(fr + 6, mac1, 6);
	put16(fr + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + 8 + len));
	put16(ip + 4, (uint16_t)n);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, "\xc0\x00\x02\x01", 4);	/* 192.0.2.1 */
	memcpy(ip + 16, "\xc0\x00\x02\x02", 4);	/* 192.0.2.2 */
	put16(ip + 10, ip_csum(ip, 20));
	put16(udp, MIH_PORT);
	put16(udp + 2, MIH_PORT);
	put16(udp + 4, (uint16_t)(8 + len));
	put16(udp + 6, 0);			/* no checksum (IPv4) */
	memcpy(udp + 8, pdu, len);
	rec.sec = 1700000000 + n;
	rec.usec = 0;
	rec.incl_len = rec.orig_len = (uint32_t)flen;
	if (fwrite(&rec, sizeof(rec), 1, f) != 1 ||
	    fwrite(fr, flen, 1, f) != 1)
		return -EIO;
	return 0;
}

static bool verbose;

static int emit(FILE *f, unsigned int *n, const uint8_t *pdu, size_t len)
{
	static char text[8192];
	struct mih_msg_err e;
	struct mih_msg m;
	char *line, *save;

	if (mih_msg_parse(pdu, len, &m, &e)) {
		fprintf(stderr, "mihgen: built PDU %u does not parse: %s\n",
			*n + 1, e.text);
		return -EINVAL;
	}
	(*n)++;
	if (write_frame(f, *n, pdu, len))
		return -EIO;
	printf("%u 0x%04x %s%s\n", *n, mih_msg_mid(&m), m.def->name,
	       m.pure_ack ? " (ACK)" : "");
	if (verbose) {
		mih_msg_fmt(&m, text, sizeof(text));
		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			printf("# %s\n", line);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t pdu[4096];
	const struct mih_msgdef *defs;
	struct pcap_hdr gh = {
		.magic = 0xa1b2c3d4, .major = 2, .minor = 4,
		.snaplen = 65535, .linktype = 1,
	};
	struct mih_builder b;
	unsigned int n = 0;
	size_t nd, len;
	FILE *f;

	if (argc == 3 && !strcmp(argv[1], "-v")) {
		verbose = true;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: mihgen [-v] FILE.pcap\n");
		return 2;
	}
	f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	if (fwrite(&gh, sizeof(gh), 1, f) != 1)
		goto io;

	defs = mih_msgdef_table(&nd);
	for (size_t i = 0; i < nd; i++) {
		const struct mih_msgdef *d = &defs[i];
		bool in_group = false;

		mih_builder_init(&b, pdu, sizeof(pdu));
		mih_msg_begin(&b, d->mid, (uint16_t)(0x100 + i),
			      MIH_MSGF_ACK_REQ, "mn1.example", 11,
			      "ar1.example", 11);
		for (int k = 0; k < d->n_tlvs; k++) {
			/* one member of a one-of group: the first */
			if (d->tlvs[k].flags & MIH_TD_ALT) {
				if (in_group)
					continue;
				in_group = true;
			} else {
				in_group = false;
			}
			add_tlv(&b, d->tlvs[k].type);
		}
		if (mih_msg_finish(&b, &len)) {
			fprintf(stderr, "mihgen: building %s: %s\n", d->name,
				mih_strerror(b.err));
			goto fail;
		}
		if (emit(f, &n, pdu, len))
			goto fail;
	}

	/* a pure ACK */
	if (mih_msg_build_ack(pdu, sizeof(pdu), 0x1401, 0x100, "ar1.example",
			      11, "mn1.example", 11, &len) ||
	    emit(f, &n, pdu, len))
		goto fail;
	/* an empty Destination MIHF ID, not the last TLV */
	mih_builder_init(&b, pdu, sizeof(pdu));
	mih_msg_begin(&b, 0x1401, 0x200, 0, "mn1.example", 11, NULL, 0);
	add_tlv(&b, MIH_TLV_TRANS_LIST);
	if (mih_msg_finish(&b, &len) || emit(f, &n, pdu, len))
		goto fail;

	if (fclose(f))
		goto io_closed;
	return 0;
io:
	perror(argv[1]);
fail:
	fclose(f);
	return 1;
io_closed:
	perror(argv[1]);
	return 1;
}

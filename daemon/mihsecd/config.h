/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mihsecd configuration: an INI file (parsed by libinih), validated
 * completely before use.  Every problem is reported as one message
 * "FILE:LINE: text" (or "FILE: text" for a problem of the whole file, such
 * as a missing section); docs/mihsecd.conf.5 describes the format.
 */
#ifndef MIHSECD_CONFIG_H
#define MIHSECD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/mihsec.h>

#define MD_CONF_DEFAULT_PATH	"/etc/mihsec/mihsecd.conf"
#define MD_CONTROL_DEFAULT	"/run/mihsec/mihsecd.sock"

/* Roles (bit mask) */
#define MD_ROLE_MMT	0x1	/* mobile node: keys from wpa_supplicant */
#define MD_ROLE_POA	0x2	/* access router / MIH PoS */
#define MD_ROLE_IS	0x4	/* information server */

enum md_profile {
	MD_PROFILE_V1 = 1,	/* HKDF-SHA256 */
	MD_PROFILE_PAPER,	/* HMAC-MD5 as published */
};

enum md_kernel {
	MD_KERNEL_REQUIRE = 1,	/* no mihsec module: exit 3 */
	MD_KERNEL_OPTIONAL,	/* no mihsec module: run without it */
};

#define MD_PEER_NAME_MAX	32
#define MD_LINE_MAX		1024	/* characters per line, newline excluded */
#define MD_ERRORS_MAX		50	/* messages kept per file */

/* What a [peer] is (key "kind") */
enum md_peer_kind {
	MD_PEER_POA = 1,	/* an access router / PoS */
	MD_PEER_IS,		/* an information server */
	MD_PEER_MMT,		/* a terminal */
};

struct md_peer {
	char name[MD_PEER_NAME_MAX + 1];
	enum md_peer_kind kind;		/* default poa */
	bool has_mac;
	uint8_t mac[6];
	uint8_t mihf_id[MIHSEC_MIHF_ID_MAX];
	size_t mihf_id_len;
	int family;			/* AF_INET, AF_INET6; 0: no address */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	uint16_t port;			/* default: [mihsecd] port */
	int line;			/* of its section header */
	int id_line;			/* of its mihf-id key */
};

/*
 * [wpa_supplicant]: the MMT's key source (keys/wpa.h), one section per
 * wpa_supplicant control socket (one per link: e.g. Wi-Fi and a wired
 * link that pre-authenticates), at most MD_WPA_MAX
 */
#define MD_WPA_MAX	4

struct md_wpa_conf {
	int line;			/* of the section; 0: absent */
	char ctrl[108];			/* control socket of one interface */
	int network_id;			/* -1: any (default) */
	bool preauth;
	uint8_t preauth_aa[6];
};

/* [hostapd]: the access router's key source (keys/hostapd.h) */
struct md_hostapd_conf {
	int line;			/* of the section; 0: absent */
	char ctrl[108];
	char ifname[16];		/* "" : none */
	bool has_mac;
	uint8_t mac[6];
};

/* [radius]: a RADIUS relay key source on the access router (keys/radius.h) */
struct md_radius_conf {
	int line;			/* 0: absent */
	char listen[64];		/* "A.B.C.D:PORT" or "[v6]:PORT" */
	char server[64];
	char secret_file[108];
	char server_secret_file[108];	/* "": the same secret */
	bool has_ar_mac;
	uint8_t ar_mac[6];
};

/* [is-link]: TLS between access routers and IS servers (mihf/islink.h) */
struct md_islink_conf {
	int line;			/* 0: absent */
	char cert[108];
	char key[108];
	char ca[108];
	char listen[48];		/* IS server: numeric; "": "::" */
	uint16_t port;			/* TCP; default 4551 */
	int mmt_family;			/* IS server, profile paper: the */
	uint8_t mmt_addr[16];		/* address MMTs send to; 0: none */
};

/* [mihf]: the MIH function (mihf/mihf.h, transport.h, linkev.h) */
enum md_discover {
	MD_DISCOVER_NONE = 1,	/* the configured [peer]s only, no probing */
	MD_DISCOVER_STATIC,	/* Capability_Discover to each [peer] */
	MD_DISCOVER_MULTICAST,	/* ... and on-link multicast/broadcast */
};

#define MD_MIHF_IFS_MAX		16	/* = LINKEV_IF_MAX */
#define MD_IFNAME_MAX		15	/* IF_NAMESIZE - 1 */

struct md_mihf_conf {
	int line;			/* of the section; 0: absent (no MIH
					 * function at all) */
	bool enable;			/* default yes when the section is there */
	char listen[48];		/* numeric; "": "::" (dual stack) */
	uint16_t port;			/* UDP; default [mihsecd] port */
	unsigned int rtx_ms[5];		/* per SID 1..4 (index 0 unused);
					 * defaults: mihx_cfg_defaults() */
	unsigned int retries;
	unsigned int dup_secs;		/* duplicate-cache lifetime */
	unsigned int keepalive_secs;	/* 0: off; at most 120 */
	bool tcp;			/* MIH over TCP (not MIHSec-protected) */
	size_t max_dgram;
	char ifs[MD_MIHF_IFS_MAX][MD_IFNAME_MAX + 1];	/* links watched */
	size_t nifs;
	int signal_dbm;			/* Wi-Fi Link_Going_Down threshold */
	char handover_script[108];	/* "": none */
	enum md_discover discover;	/* default static */
	bool refuse_net_ho;		/* network-handover = refuse */
	/* [peer] names (index into md_config.peers, -1: none): the PoS an
	 * MMT registers with (default: its first poa peer) and the IS
	 * server asked (default: the first is peer) */
	int serving_pos;
	int is_server;
	char serving_name[MD_PEER_NAME_MAX + 1];	/* as written */
	char is_name[MD_PEER_NAME_MAX + 1];
};

/* [isdb]: the information server's database (mihf/isdb.h) */
enum md_isdb_backend {
	MD_ISDB_SQLITE = 1,
	MD_ISDB_POSTGRESQL,
};

#define MD_ISDB_DEFAULT_PATH	"/var/lib/mihsec/isdb.sqlite"
#define MD_CONNINFO_MAX		512

struct md_isdb_conf {
	int line;			/* 0: absent (the defaults apply) */
	enum md_isdb_backend backend;	/* default sqlite */
	char path[108];			/* sqlite; default MD_ISDB_DEFAULT_PATH */
	char conninfo[MD_CONNINFO_MAX];	/* postgresql (libpq conninfo) */
};

/* [discovery]: DNS (RFC 5679) and DHCP (RFC 5678) (mihf/discovery.h) */
#define MD_DNS_NAME_MAX		253

struct md_discovery_conf {
	int line;			/* 0: absent */
	char dns_domain[MD_DNS_NAME_MAX + 1];	/* "": no DNS discovery */
	struct sockaddr_storage dns_server;	/* family 0: resolv.conf */
	socklen_t dns_server_len;
	char dhcp_lease[108];		/* dhclient lease files; "": none */
	char dhcp6_lease[108];
};

/* [proxy]: the WLAN MIH proxy, L2 (0x8917) <-> UDP (mihf/proxy.h) */
struct md_proxy_conf {
	int line;			/* 0: absent */
	char ifname[MD_IFNAME_MAX + 1];
	uint16_t udp_port;		/* default 4551 */
	struct sockaddr_storage upstream;	/* family 0: none */
	socklen_t upstream_len;
};

struct md_config {
	char *path;
	unsigned int roles;		/* MD_ROLE_* */
	uint8_t mihf_id[MIHSEC_MIHF_ID_MAX];
	size_t mihf_id_len;
	int log_level;			/* enum md_log_level */
	enum md_profile profile;
	uint8_t suite;			/* enum mihsec_suite */
	uint16_t port;
	enum md_kernel kernel;
	char control[108];		/* control socket path */
	uint32_t sa_lifetime;		/* hard, seconds; 0: none */
	uint32_t sa_soft_lifetime;	/* 0: none */
	uint32_t grace;			/* seconds */
	uint32_t is_lifetime;		/* of pushed IS keys, seconds */
	bool mmt_id_from_mac;
	struct md_wpa_conf wpa[MD_WPA_MAX];
	size_t nwpa;			/* [wpa_supplicant] sections */
	struct md_hostapd_conf hostapd;
	struct md_radius_conf radius;
	struct md_islink_conf islink;
	struct md_mihf_conf mihf;
	struct md_isdb_conf isdb;
	struct md_discovery_conf discovery;
	struct md_proxy_conf proxy;
	struct md_peer *peers;
	size_t npeers;
};

/* The messages of one failed load */
struct md_errors {
	char **msg;
	size_t n;
	size_t dropped;			/* beyond MD_ERRORS_MAX */
};

/*
 * Read and validate @path (@f if not NULL, then @path only names it in
 * messages).  Returns the configuration, or NULL with every problem in
 * @errs (cleared first; free it with md_errors_clear()).
 */
struct md_config *md_config_load(const char *path, FILE *f,
				 struct md_errors *errs);
void md_config_free(struct md_config *cfg);
void md_errors_clear(struct md_errors *errs);

/* Whether two configurations say the same (the path aside) */
bool md_config_equal(const struct md_config *a, const struct md_config *b);

/* "mmt,poa" style list of @roles, into @buf */
const char *md_roles_str(unsigned int roles, char *buf, size_t len);
const char *md_profile_name(enum md_profile p);
const char *md_kernel_name(enum md_kernel k);
const char *md_peer_kind_name(enum md_peer_kind k);
const char *md_discover_name(enum md_discover d);
const char *md_isdb_backend_name(enum md_isdb_backend b);

/* Whether the MIH function runs with @cfg ([mihf] present, enable yes) */
bool md_mihf_enabled(const struct md_config *cfg);

/* Printable form of a peer's address ("192.0.2.1", "2001:db8::1") */
const char *md_peer_addr_str(const struct md_peer *p, char *buf, size_t len);

#endif /* MIHSECD_CONFIG_H */

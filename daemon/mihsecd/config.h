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

/* [wpa_supplicant]: the MMT's key source (keys/wpa.h) */
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
	struct md_wpa_conf wpa;
	struct md_hostapd_conf hostapd;
	struct md_radius_conf radius;
	struct md_islink_conf islink;
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

/* Printable form of a peer's address ("192.0.2.1", "2001:db8::1") */
const char *md_peer_addr_str(const struct md_peer *p, char *buf, size_t len);

#endif /* MIHSECD_CONFIG_H */

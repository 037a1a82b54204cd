/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Information Service database (issue 5 item 5): networks, their
 * Points of Attachment (PoAs) and the Information Elements (WIRE.md 10)
 * that an IS server reports in MIH_Get_Information responses.
 *
 * Backends: SQLite (default; a file, WAL mode, prepared statements) and
 * PostgreSQL through libpq (a conninfo string; several IS servers may share
 * one database).  Both hold the same logical schema (docs/isdb-format.md
 * section "Schema"); every statement is parameterised, no SQL is ever
 * built from input.  The schema is created on open, idempotently, and
 * carries a schema_version row (ISDB_SCHEMA_VERSION); a database of an
 * older version is migrated on open (ALTER TABLE ... ADD COLUMN, in one
 * writing transaction), one of a newer version is refused.
 *
 * Users:
 *   - the MIH engine answers MIH_Get_Information with isdb_query() (binary
 *     query IQ_BIN_DATA -> one IR_BIN_DATA element of TLV 48);
 *   - the handover engine finds PoAs and candidate targets (with the
 *     target's PoS MIHF ID and address) with isdb_find_poa_by_link_addr()
 *     and isdb_candidates();
 *   - mihsecctl "is import <file>" / "is export" use isdb_import_file() and
 *     isdb_export() (text format: docs/isdb-format.md).
 *
 * Conventions: functions return 0 or a negative errno; an error message
 * for people (with a line number for import errors) goes to the caller's
 * buffer where there is one, and isdb_errmsg() holds the last backend
 * error.  A struct isdb is not thread-safe (mihsecd is single-threaded);
 * several processes may open the same database.
 */
#ifndef MIHSEC_MIHF_ISDB_H
#define MIHSEC_MIHF_ISDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mih_iq_bin_data;		/* lib/mihie.h: one decoded IQ_BIN_DATA */

/*
 * 1: the first schema; 2: networks gained dhcp_server, foreign_agent,
 * access_router (the addresses of IE_NET_IP_CFG_METHODS)
 */
#define ISDB_SCHEMA_VERSION	2
#define ISDB_XSTR_(x)		#x
#define ISDB_XSTR(x)		ISDB_XSTR_(x)

#define ISDB_NAME_MAX		63	/* network / PoA names (text format) */
#define ISDB_STR_MAX		253	/* OCTET_STRING IEs: operator, ... */
#define ISDB_NETID_MAX		253	/* IE_NETWORK_ID (SSID: <= 32) */
#define ISDB_QOS_MAX		16	/* IE_NETWORK_QOS parameters */
#define ISDB_LOC_MAX		253	/* civic address / XML octets */
#define ISDB_COSTS_MAX		8	/* cost entries per network */
#define ISDB_ERR_MAX		256	/* suggested size of error buffers */

enum isdb_backend {
	ISDB_BACKEND_SQLITE	= 0,
	ISDB_BACKEND_PG		= 1,
};

/* "sqlite" / "postgresql" (also "pg") -> enum; -EINVAL otherwise */
int isdb_backend_parse(const char *name);
const char *isdb_backend_name(enum isdb_backend backend);

/* ---- Data model ---- */

/* An IP address: family AF_UNSPEC (absent), AF_INET or AF_INET6 */
struct isdb_ip {
	int family;
	uint8_t addr[16];	/* 4 or 16 octets used */
};

/* COST_UNIT (WIRE.md 6) */
enum isdb_cost_unit {
	ISDB_COST_SECOND = 0, ISDB_COST_MINUTE, ISDB_COST_HOUR, ISDB_COST_DAY,
	ISDB_COST_WEEK, ISDB_COST_MONTH, ISDB_COST_YEAR, ISDB_COST_FREE,
	ISDB_COST_FLAT_RATE,
};

/* IE_COST: unit, value = integer part + fraction (thousandths, 0..999) */
struct isdb_cost {
	uint8_t unit;		/* enum isdb_cost_unit */
	uint32_t value_int;
	uint16_t value_frac;
	char currency[4];	/* ISO 4217, three upper-case letters */
};

/*
 * One QOS_LIST parameter (lib/mihtype.h struct mih_qos_param): type is the
 * list it belongs to (1 min packet transfer delay, 2 average, 3 max,
 * 4 delay jitter, 5 loss rate), cos the COS_ID, value 0..65535.
 */
struct isdb_qos {
	uint8_t type;
	uint32_t value;
	uint8_t cos;
};

/* OP_NAMESPACE (WIRE.md 6) */
enum isdb_op_ns {
	ISDB_OPNS_GSM_UMTS = 0, ISDB_OPNS_CDMA, ISDB_OPNS_REALM,
	ISDB_OPNS_ITU_T, ISDB_OPNS_GENERAL,
};

/* Optional network fields present (struct isdb_network.has) */
#define ISDB_NET_SUBTYPE	(1u << 0)
#define ISDB_NET_OPERATOR	(1u << 1)	/* operator name + namespace */
#define ISDB_NET_DATA_RATE	(1u << 2)
#define ISDB_NET_IP_CFG		(1u << 3)
#define ISDB_NET_CAPS		(1u << 4)
#define ISDB_NET_MOB_MGMT	(1u << 5)
#define ISDB_NET_QOS		(1u << 6)

/*
 * A network.  Strings are NUL-terminated UTF-8 ("" = absent).  The name is
 * the network's key in the text format (unique in a database); it is not
 * an IE.
 */
struct isdb_network {
	int64_t id;			/* database row id (set on insert) */
	char name[ISDB_NAME_MAX + 1];
	uint32_t has;			/* ISDB_NET_* */
	uint8_t link_type;		/* LINK_TYPE (WIRE.md 6), e.g. 19 */
	uint64_t subtype;		/* NETWORK_TYPE subtype BITMAP(64) */
	char operator_name[ISDB_STR_MAX + 1];
	uint8_t operator_ns;		/* enum isdb_op_ns */
	char service_provider[ISDB_STR_MAX + 1];
	char country[3];		/* IE_COUNTRY_CODE, 2 letters or "" */
	char network_id[ISDB_NETID_MAX + 1];	/* SSID for 802.11 */
	char aux_id[ISDB_STR_MAX + 1];	/* e.g. HESSID */
	uint32_t data_rate;		/* kb/s */
	uint32_t ip_cfg;		/* IP_CFG_MTHDS bitmap */
	/*
	 * The addresses IE_NET_IP_CFG_METHODS carries after the bitmap
	 * (AF_UNSPEC: absent; only with ISDB_NET_IP_CFG): the DHCP server,
	 * the Mobile IPv4 foreign agent, the access router
	 */
	struct isdb_ip dhcp_server;
	struct isdb_ip foreign_agent;
	struct isdb_ip access_router;
	uint32_t caps;			/* NET_CAPS bitmap */
	uint16_t mob_mgmt;		/* IP_MOB_MGMT bitmap */
	size_t nqos;			/* IE_NETWORK_QOS = QOS_LIST */
	struct isdb_qos qos[ISDB_QOS_MAX];	/* grouped by type */
	uint8_t qos_num_cos;		/* NUM_COS_TYPES */
	size_t ncosts;
	struct isdb_cost costs[ISDB_COSTS_MAX];
};

/* LOCATION choice (IE_POA_LOCATION) */
enum isdb_loc_kind {
	ISDB_LOC_NONE	= 0,
	ISDB_LOC_CIVIC	= 1,	/* binary civic: country + civic octets */
	ISDB_LOC_GEO	= 2,	/* binary geo: RFC 3825 LCI, 16 octets */
	ISDB_LOC_CELL	= 3,	/* CELL_ID u32 */
};

struct isdb_location {
	int kind;			/* enum isdb_loc_kind */
	char country[3];		/* civic only */
	uint8_t data[ISDB_LOC_MAX];	/* civic octets or the 16-octet LCI */
	size_t len;
	uint32_t cell_id;		/* cell only */
};

/* Optional PoA fields present (struct isdb_poa.has) */
#define ISDB_POA_CHANNEL	(1u << 0)
#define ISDB_POA_SUBNET		(1u << 1)

#define ISDB_POS_PORT_DEFAULT	4551

/*
 * A Point of Attachment of a network, and the Point of Service (the
 * MIHF of its access router) that serves it: the handover engine sends the
 * target's MIH messages to pos_mihf_id at pos_address:pos_port.
 */
struct isdb_poa {
	int64_t id;			/* database row id (set on insert) */
	int64_t network;		/* struct isdb_network.id */
	char name[ISDB_NAME_MAX + 1];	/* unique in a database */
	uint32_t has;			/* ISDB_POA_* */
	uint8_t mac[6];			/* IE_POA_LINK_ADDR (MAC LINK_ADDR) */
	struct isdb_location loc;	/* IE_POA_LOCATION */
	uint32_t chan_low, chan_high;	/* IE_POA_CHANNEL_RANGE */
	struct isdb_ip subnet;		/* IE_POA_SUBNET_INFO: prefix ... */
	uint8_t subnet_len;		/* ... and its length */
	struct isdb_ip ip;		/* IE_POA_IP_ADDR (AF_UNSPEC: none) */
	char pos_mihf_id[ISDB_STR_MAX + 1];	/* "" = unknown */
	struct isdb_ip pos_addr;	/* AF_UNSPEC = unknown */
	uint16_t pos_port;		/* ISDB_POS_PORT_DEFAULT */
};

/* ---- Opening ---- */

struct isdb;

/*
 * Open (creating the schema if needed) a database.  target: the SQLite
 * file path (created if absent), or a libpq conninfo string
 * ("host=127.0.0.1 port=5432 dbname=is" or a postgresql:// URI).
 * On failure *dbp is NULL and err (if not NULL) holds a message.
 */
int isdb_open(struct isdb **dbp, enum isdb_backend backend,
	      const char *target, char *err, size_t errlen);
void isdb_close(struct isdb *db);
/* The last backend error message ("" if none) */
const char *isdb_errmsg(const struct isdb *db);
/* Schema version stored in the database (ISDB_SCHEMA_VERSION after open) */
int isdb_schema_version(struct isdb *db);

/* ---- Content ---- */

/* Delete every network and PoA (one transaction) */
int isdb_clear(struct isdb *db);
/*
 * Insert a network (net->id set) / a PoA (poa->id set; poa->network must
 * name an existing network id).  -EEXIST: the name (or the PoA's link
 * address) is taken.  Values are validated (-EINVAL, message in
 * isdb_errmsg()).
 */
int isdb_add_network(struct isdb *db, struct isdb_network *net);
int isdb_add_poa(struct isdb *db, struct isdb_poa *poa);

/* Callbacks: return 0 to go on, > 0 to stop (returned), < 0 error */
typedef int (*isdb_network_cb)(const struct isdb_network *net, void *arg);
typedef int (*isdb_poa_cb)(const struct isdb_network *net,
			   const struct isdb_poa *poa, void *arg);

/* Every network in id order */
int isdb_networks(struct isdb *db, isdb_network_cb cb, void *arg);
/* The PoAs of one network (network id) in id order; net passed through */
int isdb_network_poas(struct isdb *db, const struct isdb_network *net,
		      isdb_poa_cb cb, void *arg);
/* Counts (for status output and tests) */
int isdb_count(struct isdb *db, size_t *networks, size_t *poas);

/* ---- Handover support ---- */

/*
 * The PoA whose link address is mac, and (if net is not NULL) its
 * network.  -ENOENT if no PoA has it.
 */
int isdb_find_poa_by_link_addr(struct isdb *db, const uint8_t mac[6],
			       struct isdb_poa *poa, struct isdb_network *net);

/* NET_TYPE_INC bit (WIRE.md 10) of a LINK_TYPE, -1 if it has none */
int isdb_net_type_bit(uint8_t link_type);

/*
 * Candidate targets for a handover: every PoA (with its network) whose
 * network's link type is in net_type_inc (a NET_TYPE_INC bitmap; 0 = any
 * type), except the PoA with link address exclude_mac (NULL: none), in
 * network id then PoA id order.  Each PoA carries its PoS MIHF ID and
 * address.  Returns 0, the callback's > 0 value, or an error.
 */
int isdb_candidates(struct isdb *db, uint32_t net_type_inc,
		    const uint8_t *exclude_mac, isdb_poa_cb cb, void *arg);

/* ---- MIH_Get_Information (binary query, WIRE.md 10) ---- */

/* isdb_query() result flags */
#define ISDB_QF_TRUNCATED	(1u << 0)	/* entries left out: size */
#define ISDB_QF_LIMITED		(1u << 1)	/* entries left out: RPT_LIMIT */

struct isdb_query_result {
	size_t len;		/* octets written to out */
	unsigned int flags;	/* ISDB_QF_* */
	unsigned int networks;	/* network containers reported */
	unsigned int poas;	/* PoA containers reported */
	unsigned int matched;	/* networks matching the filters */
};

/*
 * Answer one binary query: writes ONE IR_BIN_DATA element (the caller
 * puts the LIST count of TLV 48 in front of its elements) to
 * out[0..out_size), at most max_rsp octets if max_rsp is not 0 (TLV 47
 * Max response size).  Layout (docs/isdb-format.md "Query response"):
 *
 *   IR_BIN_DATA = LIST(IE) holding one IE_CONTAINER_LIST_OF_NETWORKS
 *   whose value is a sequence of IE_CONTAINER_NETWORK IEs; each holds the
 *   network's reported IEs then one IE_CONTAINER_POA per PoA, which holds
 *   the PoA's reported IEs.
 *
 * Filters: NET_TYPE_INC (present with no bit set: nothing), NETWK_INC,
 * RPT_TEMPL (IE types to report; empty or absent: all supported; unknown
 * types skipped), RPT_LIMIT (networks: at most max, from start entry
 * (0-based) of the matching networks, in id order; max 0 = no limit),
 * QUERIER_LOC (link address of a known PoA, or a location: only PoAs near
 * it -- same civic place, within NGHB_RADIUS metres (default 1000) for
 * geo, same cell -- and their networks), CURR_PREF (only the cost in that
 * currency when a network has one).  Entries that do not fit are left out
 * whole (a network without all its PoAs is never sent: ISDB_QF_TRUNCATED).
 * -ENOSPC only if not even the empty list (6 octets) fits.  PoA
 * containers also carry IE_PoS_IP_ADDR (802.21a) when the PoS address is
 * known; IE_NET_IP_CFG_METHODS carries the network's DHCP server, foreign
 * agent and access router addresses that are set.  Details:
 * docs/isdb-format.md section 3.
 */
int isdb_query(struct isdb *db, const struct mih_iq_bin_data *q,
	       size_t max_rsp, uint8_t *out, size_t out_size,
	       struct isdb_query_result *res);

/* ---- Text format (docs/isdb-format.md) ---- */

/*
 * Import a text file (path "-": stdin).  replace: clear the database
 * first; else add to it (a name already present is an error).  All or
 * nothing: one transaction; on error nothing changes and err holds
 * "PATH:LINE: message" for the first defect.  Counts may be NULL.
 */
int isdb_import_file(struct isdb *db, const char *path, bool replace,
		     char *err, size_t errlen, size_t *networks,
		     size_t *poas);
/* The same from an open stream; name is used in messages */
int isdb_import_stream(struct isdb *db, FILE *f, const char *name,
		       bool replace, char *err, size_t errlen,
		       size_t *networks, size_t *poas);
/*
 * Write the whole database in the text format; importing it into an empty
 * database and exporting again gives the same octets.
 */
int isdb_export(struct isdb *db, FILE *f);

/* ---- Backend interface (isdb_sqlite.c, isdb_pg.c) ----
 * Backends move rows as arrays of text values (NULL = SQL NULL) in the
 * column order of the statement; isdb.c converts them to and from the
 * structs and validates what it reads back (a shared database is input
 * too).  SQL text uses $1, $2, ... placeholders.
 */

/*
 * The schema, the same for every backend (CREATE ... IF NOT EXISTS, so
 * idempotent); ID is the backend's auto-numbered primary key column type.
 * A new database gets ISDB_SCHEMA_VERSION; tables of an older database
 * are left as they are here and migrated by isdb_open() (the columns a
 * migration adds are at the end of their table here too, so that a new
 * and a migrated database are alike).
 */
#define ISDB_SCHEMA_SQL(ID) \
	"CREATE TABLE IF NOT EXISTS schema_version (" \
	" version INTEGER NOT NULL);" \
	"INSERT INTO schema_version (version)" \
	" SELECT " ISDB_XSTR(ISDB_SCHEMA_VERSION) \
	" WHERE NOT EXISTS (SELECT 1 FROM schema_version);" \
	"CREATE TABLE IF NOT EXISTS networks (" \
	" id " ID "," \
	" name TEXT NOT NULL UNIQUE," \
	" link_type INTEGER NOT NULL," \
	" subtype TEXT," \
	" operator_name TEXT," \
	" operator_ns INTEGER," \
	" service_provider TEXT," \
	" country TEXT," \
	" network_id TEXT," \
	" aux_id TEXT," \
	" data_rate BIGINT," \
	" ip_cfg BIGINT," \
	" caps BIGINT," \
	" mob_mgmt INTEGER," \
	" qos TEXT," \
	" dhcp_server TEXT," \
	" foreign_agent TEXT," \
	" access_router TEXT);" \
	"CREATE TABLE IF NOT EXISTS costs (" \
	" network BIGINT NOT NULL REFERENCES networks(id) ON DELETE CASCADE," \
	" seq INTEGER NOT NULL," \
	" unit INTEGER NOT NULL," \
	" value_int BIGINT NOT NULL," \
	" value_frac INTEGER NOT NULL," \
	" currency TEXT NOT NULL," \
	" PRIMARY KEY (network, seq));" \
	"CREATE TABLE IF NOT EXISTS poas (" \
	" id " ID "," \
	" name TEXT NOT NULL UNIQUE," \
	" network BIGINT NOT NULL REFERENCES networks(id) ON DELETE CASCADE," \
	" link_addr TEXT NOT NULL UNIQUE," \
	" loc_kind INTEGER NOT NULL," \
	" loc_country TEXT," \
	" loc_data TEXT," \
	" cell_id BIGINT," \
	" chan_low BIGINT," \
	" chan_high BIGINT," \
	" subnet TEXT," \
	" ip TEXT," \
	" pos_mihf_id TEXT," \
	" pos_address TEXT," \
	" pos_port INTEGER NOT NULL);" \
	"CREATE INDEX IF NOT EXISTS poas_network ON poas (network);"

typedef int (*isdb_row_cb)(const char *const *cols, int ncols, void *arg);

struct isdb_ops {
	const char *name;
	int (*open)(struct isdb *db, const char *target);
	void (*close)(struct isdb *db);
	/* create tables if absent (idempotent, safe against concurrent
	 * servers) and record ISDB_SCHEMA_VERSION in a new database (an
	 * older one is migrated by isdb.c, in a writing transaction) */
	int (*schema)(struct isdb *db);
	int (*begin)(struct isdb *db);
	int (*commit)(struct isdb *db);
	int (*rollback)(struct isdb *db);
	/*
	 * Run statement number stmt (enum in isdb.c: the same SQL for every
	 * backend) with nparams text parameters; cb is called per row.
	 * -EEXIST for a unique constraint violation.
	 */
	int (*exec)(struct isdb *db, int stmt, const char *sql,
		    const char *const *params, int nparams,
		    isdb_row_cb cb, void *arg);
};

extern const struct isdb_ops isdb_sqlite_ops;
extern const struct isdb_ops isdb_pg_ops;

struct isdb {
	const struct isdb_ops *ops;
	enum isdb_backend backend;
	void *priv;			/* the backend's */
	char errmsg[ISDB_ERR_MAX];
};

/* For backends: set db->errmsg (printf-style) */
void isdb_set_err(struct isdb *db, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* MIHSEC_MIHF_ISDB_H */

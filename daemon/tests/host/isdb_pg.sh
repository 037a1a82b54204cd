#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The IS database's PostgreSQL backend (daemon/mihf/isdb_pg.c) against a
# REAL PostgreSQL 15 server started here: initdb + pg_ctl in a temporary
# directory, run as an unprivileged user (PostgreSQL refuses root; default
# 'nobody'), listening only on 127.0.0.1 (a free port picked here) and on a
# unix socket inside the temporary directory.  Then test_isdb runs with
# MIHSEC_ISDB_PG set, which enables its PostgreSQL fixture variants: the
# same schema/import/export/query/handover tests as for SQLite, including
# two "IS servers" (two connections) sharing the database, one importing
# and the other querying, and the migration of a database of schema
# version 1 (db.pg.migrate_v1 replaces the tables with version-1 ones,
# three servers then open it at once).  Independently of the C code, psql
# then checks the schema (version 2, the networks columns of a migrated
# database) and the rows the last test left.  TAP on stdout.
#
# env: MIHSEC_TEST_ISDB   use this test_isdb binary instead of building one
#      MIHSEC_PG_BIN      PostgreSQL binaries (default /usr/lib/postgresql/15/bin)
#      MIHSEC_PG_USER     system user that runs the server (default nobody)
#      MIHSEC_KEEP        keep the temporary directory
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/daemon/tests/host/lib/tap.bash"
bin=${MIHSEC_TEST_ISDB:-$top/build/daemon/tests/test_isdb}
pgbin=${MIHSEC_PG_BIN:-/usr/lib/postgresql/15/bin}
pguser=${MIHSEC_PG_USER:-nobody}

need_root "(to run PostgreSQL as $pguser)"
for c in initdb pg_ctl postgres createdb psql; do
	[ -x "$pgbin/$c" ] || command -v "$c" >/dev/null ||
		skip_all "PostgreSQL binary $c not found in $pgbin"
done
[ -x "$pgbin/psql" ] && psql=$pgbin/psql || psql=$(command -v psql)
command -v runuser >/dev/null || skip_all "runuser not installed"
id -u "$pguser" >/dev/null 2>&1 || skip_all "no user $pguser"
[ -n "${MIHSEC_TEST_ISDB:-}" ] || make -s -C "$top/daemon" "$bin" >/dev/null || {
	echo "1..1"
	echo "not ok 1 - isdb_pg: build $bin"
	exit 1
}

tmp=$(mktemp -d /tmp/mihsec-isdbpg.XXXXXX)
started=
cleanup() {
	if [ -n "$started" ]; then
		runuser -u "$pguser" -- "$pgbin/pg_ctl" -D "$tmp/data" -m immediate \
			-w stop >/dev/null 2>&1
	fi
	[ -n "${MIHSEC_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
chown "$pguser" "$tmp"
chmod 700 "$tmp"
as_pg() { (cd "$tmp" && runuser -u "$pguser" -- "$@"); }

echo "1..8"

# 1: a fresh cluster, trust authentication (loopback and our socket only)
initdb() {
	as_pg "$pgbin/initdb" -D "$tmp/data" -U mihsec --auth=trust -E UTF8 \
		--no-sync --locale=C >"$tmp/initdb.log" 2>&1 || {
		sed 's/^/# /' "$tmp/initdb.log" | tail -20
		return 1
	}
}
check "initdb as $pguser" initdb
mkdir -p "$tmp/sock" && chown "$pguser" "$tmp/sock"

# 2: start on a free loopback port (another process may take it between the
# probe and the start: try a few)
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}
port=
for _ in 1 2 3 4 5; do
	p=$(free_port) || break
	if as_pg "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/pg.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $p -k $tmp/sock -c fsync=off" \
		start >/dev/null 2>&1; then
		port=$p
		started=1
		break
	fi
done
if [ -z "$port" ]; then
	not_ok "PostgreSQL server started on 127.0.0.1"
	sed 's/^/# /' "$tmp/pg.log" 2>/dev/null | tail -20
	exit 1
fi
ok "PostgreSQL server started on 127.0.0.1:$port"

# 3: only loopback: the server's own view of where it listens
addr=$("$psql" -X -A -t -h 127.0.0.1 -p "$port" -U mihsec -d postgres \
	-c "SHOW listen_addresses" 2>/dev/null)
check "listens on 127.0.0.1 only (listen_addresses=$addr)" [ "$addr" = 127.0.0.1 ]

# 4: the IS database
check "createdb isdb" "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U mihsec isdb

conninfo="host=127.0.0.1 port=$port user=mihsec dbname=isdb connect_timeout=10"

# 5: test_isdb with the PostgreSQL variants enabled: every pg case passes
# and nothing is skipped, the SQLite cases pass too
(cd "$top/daemon" && MIHSEC_ISDB_PG=$conninfo "$bin") >"$tmp/test.log" 2>&1
rc=$?
pg_ok=$(grep -Ec '^ok [0-9]* (db|q)\.pg\.' "$tmp/test.log")
# (the 6.1 harness prints a skipped case as "ok N # SKIP reason")
pg_skip=$(grep -c '^ok [0-9]* # SKIP' "$tmp/test.log")
not_oks=$(grep -c '^not ok' "$tmp/test.log")
if [ "$rc" = 0 ] && [ "$pg_ok" -gt 0 ] && [ "$pg_skip" = 0 ] && [ "$not_oks" = 0 ]; then
	ok "test_isdb on PostgreSQL: $pg_ok pg cases passed, none skipped"
else
	not_ok "test_isdb on PostgreSQL (rc $rc, $pg_ok pg ok, $pg_skip skipped, $not_oks failed)"
	grep -E '^(not ok|#)' "$tmp/test.log" | head -40 | sed 's/^/# /'
fi
grep -E '^(ok|not ok) [0-9]* (db|q)\.pg\.' "$tmp/test.log" | sed 's/^/# /'

# 6: the schema, read by psql (not by our code)
tables=$("$psql" -X -A -t -h 127.0.0.1 -p "$port" -U mihsec -d isdb -c \
	"SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public'" 2>&1)
version=$("$psql" -X -A -t -h 127.0.0.1 -p "$port" -U mihsec -d isdb -c \
	"SELECT string_agg(version::text, ',') FROM schema_version" 2>&1)
check "schema: tables $tables, version $version" \
	[ "$tables" = "costs,networks,poas,schema_version" -a "$version" = 2 ]

# 7: the networks table was migrated from version 1 by db.pg.migrate_v1
# (ALTER TABLE ADD COLUMN): the IP configuration columns at its end, as in
# a new database
cols=$("$psql" -X -A -t -h 127.0.0.1 -p "$port" -U mihsec -d isdb -c \
	"SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'networks'" 2>&1)
echo "# networks: $cols"
ipcfg_cols() {
	case $cols in
	id:*,qos:text,dhcp_server:text,foreign_agent:text,access_router:text) return 0 ;;
	esac
	return 1
}
check "schema: networks ends with the IP configuration addresses (text)" ipcfg_cols

# 8: what the last test cases left (db.pg.two_servers and every q.pg case
# end with exactly the example): the PoAs with their PoS MIHF IDs
rows=$("$psql" -X -A -t -F ' ' -h 127.0.0.1 -p "$port" -U mihsec -d isdb -c \
	"SELECT p.name, n.name, p.pos_mihf_id FROM poas p JOIN networks n ON n.id = p.network ORDER BY p.id" 2>&1)
echo "$rows" | sed 's/^/# /'
want="campus-ap1 campus-wifi ar1.campus.example.net
campus-ap2 campus-wifi ar1.campus.example.net
lab-switch1 lab-ethernet ar2.campus.example.net
city-ap7 city-hotspot ar7.metro.example"
check "rows left by the last test seen through psql" [ "$rows" = "$want" ]

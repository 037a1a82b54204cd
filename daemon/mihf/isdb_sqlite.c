// SPDX-License-Identifier: GPL-2.0
/*
 * IS database, SQLite backend: one file, WAL journal, foreign keys on,
 * every statement prepared once (from the fixed SQL texts of isdb.c, with
 * $N placeholders turned into SQLite's ?N) and bound with text values.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "mihf/isdb.h"

#define SQ_STMT_MAX	64

struct sq {
	sqlite3 *conn;
	sqlite3_stmt *stmt[SQ_STMT_MAX];
};

static const char sq_schema_sql[] = ISDB_SCHEMA_SQL("INTEGER PRIMARY KEY");

static struct sq *sq_of(struct isdb *db)
{
	return db->priv;
}

static int sq_err(struct isdb *db, int rc, const char *what)
{
	struct sq *s = sq_of(db);

	isdb_set_err(db, "sqlite: %s: %s", what,
		     s && s->conn ? sqlite3_errmsg(s->conn) :
				    sqlite3_errstr(rc));
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE ||
		    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return -EEXIST;
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return -ENOENT;
		return -EINVAL;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_READONLY:
		return -EACCES;
	default:
		return -EIO;
	}
}

static int sq_simple(struct isdb *db, const char *sql)
{
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(sq_of(db)->conn, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int r = sq_err(db, sqlite3_extended_errcode(sq_of(db)->conn),
			       sql);

		sqlite3_free(msg);
		return r;
	}
	return 0;
}

static int sq_open(struct isdb *db, const char *target)
{
	struct sq *s;
	int rc;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	db->priv = s;
	rc = sqlite3_open_v2(target, &s->conn,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return sq_err(db, rc, target);
	sqlite3_extended_result_codes(s->conn, 1);
	sqlite3_busy_timeout(s->conn, 5000);
	rc = sq_simple(db, "PRAGMA journal_mode=WAL");
	if (!rc)
		rc = sq_simple(db, "PRAGMA foreign_keys=ON");
	return rc;
}

static void sq_close(struct isdb *db)
{
	struct sq *s = sq_of(db);
	int i;

	if (!s)
		return;
	for (i = 0; i < SQ_STMT_MAX; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->conn);
	free(s);
	db->priv = NULL;
}

static int sq_begin(struct isdb *db)
{
	return sq_simple(db, "BEGIN IMMEDIATE");
}

static int sq_commit(struct isdb *db)
{
	return sq_simple(db, "COMMIT");
}

static int sq_rollback(struct isdb *db)
{
	return sq_simple(db, "ROLLBACK");
}

static int sq_schema(struct isdb *db)
{
	int r;

	r = sq_begin(db);
	if (r)
		return r;
	r = sq_simple(db, sq_schema_sql);
	if (r) {
		sq_rollback(db);
		return r;
	}
	return sq_commit(db);
}

/* "$12" -> "?12": SQLite's numbered parameters */
static int sq_prepare(struct isdb *db, int n, const char *sql)
{
	struct sq *s = sq_of(db);
	char *text;
	size_t i;
	int rc;

	text = strdup(sql);
	if (!text)
		return -ENOMEM;
	for (i = 0; text[i]; i++)
		if (text[i] == '$')
			text[i] = '?';
	rc = sqlite3_prepare_v3(s->conn, text, -1, SQLITE_PREPARE_PERSISTENT,
				&s->stmt[n], NULL);
	free(text);
	if (rc != SQLITE_OK)
		return sq_err(db, rc, "prepare");
	return 0;
}

static int sq_exec(struct isdb *db, int n, const char *sql,
		   const char *const *params, int nparams, isdb_row_cb cb,
		   void *arg)
{
	struct sq *s = sq_of(db);
	const char *cols[32];
	sqlite3_stmt *st;
	int i, rc, r = 0;

	if (n < 0 || n >= SQ_STMT_MAX)
		return -EINVAL;
	if (!s->stmt[n]) {
		r = sq_prepare(db, n, sql);
		if (r)
			return r;
	}
	st = s->stmt[n];
	if (sqlite3_bind_parameter_count(st) != nparams) {
		isdb_set_err(db, "sqlite: statement %d takes %d parameters",
			     n, sqlite3_bind_parameter_count(st));
		return -EINVAL;
	}
	for (i = 0; i < nparams; i++) {
		rc = params[i] ?
		     sqlite3_bind_text(st, i + 1, params[i], -1,
				       SQLITE_TRANSIENT) :
		     sqlite3_bind_null(st, i + 1);
		if (rc != SQLITE_OK) {
			r = sq_err(db, rc, "bind");
			goto out;
		}
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int ncols = sqlite3_column_count(st);

		if (ncols > (int)(sizeof(cols) / sizeof(cols[0]))) {
			r = -E2BIG;
			break;
		}
		for (i = 0; i < ncols; i++)
			cols[i] = (const char *)sqlite3_column_text(st, i);
		r = cb ? cb(cols, ncols, arg) : 0;
		if (r)
			break;	/* stopped by the callback (or its error) */
	}
	if (rc != SQLITE_DONE && !r)
		r = sq_err(db, sqlite3_extended_errcode(s->conn), "step");
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r;
}

const struct isdb_ops isdb_sqlite_ops = {
	.name		= "sqlite",
	.open		= sq_open,
	.close		= sq_close,
	.schema		= sq_schema,
	.begin		= sq_begin,
	.commit		= sq_commit,
	.rollback	= sq_rollback,
	.exec		= sq_exec,
};

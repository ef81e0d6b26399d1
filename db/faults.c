/* The fault rules table: the persistent copy of server/faults.c's rules. */
#include "admin_store.h"
#include "conn.h"

static const char SQL_FAULT_INSERT[] =
    "INSERT INTO faults (rule, remaining, fired) VALUES (?1, ?2, 0)";

static const char SQL_FAULT_UPDATE[] =
    "UPDATE faults SET remaining = ?2, fired = ?3 WHERE seq = ?1";

static const char SQL_FAULT_DELETE[] = "DELETE FROM faults WHERE ?1 < 0 OR seq = ?1";

static const char SQL_FAULT_ALL[] = "SELECT seq, rule, remaining, fired FROM faults ORDER BY seq";

enum err
db_fault_insert(struct db_conn *conn, const char *rule, int64_t remaining, int64_t *id)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_FAULT_INSERT);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, rule);
	if (remaining < 0)
		sqlite3_bind_null(st, 2);
	else
		sqlite3_bind_int64(st, 2, remaining);
	if (sqlite3_step(st) == SQLITE_DONE) {
		*id = sqlite3_last_insert_rowid(sqlite3_db_handle(st));
		err = ERR_OK;
	}
	sqlite3_reset(st);
	return err;
}

enum err
db_fault_update(struct db_conn *conn, int64_t id, int64_t remaining, int64_t fired)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_FAULT_UPDATE);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (remaining < 0)
		sqlite3_bind_null(st, 2);
	else
		sqlite3_bind_int64(st, 2, remaining);
	sqlite3_bind_int64(st, 3, fired);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
}

enum err
db_fault_delete(struct db_conn *conn, int64_t id, int64_t *deleted)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_FAULT_DELETE);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_DONE) {
		*deleted = sqlite3_changes(sqlite3_db_handle(st));
		err = ERR_OK;
	}
	sqlite3_reset(st);
	return err;
}

enum err
db_fault_each(struct db_conn *conn,
              enum err (*fn)(void *arg, int64_t id, const char *rule, int64_t remaining,
                             int64_t fired),
              void *arg)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_FAULT_ALL);
	enum err err = ERR_INTERNAL;
	int rc;

	if (st == NULL)
		return ERR_INTERNAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t remaining =
		    sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 2);

		err = fn(arg, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
		         remaining, sqlite3_column_int64(st, 3));
		if (err != ERR_OK)
			goto done;
	}
	err = rc == SQLITE_DONE ? ERR_OK : ERR_INTERNAL;
done:
	sqlite3_reset(st);
	return err;
}

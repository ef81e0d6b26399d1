/* One connection and its statement cache (conn.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"

sqlite3_stmt *
conn_stmt(struct db_conn *conn, const char *sql)
{
	int free_slot = -1;

	for (int i = 0; i < CONN_STMT_CACHE; i++) {
		if (conn->cache[i].sql == sql) {
			sqlite3_stmt *st = conn->cache[i].stmt;

			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
		if (conn->cache[i].sql == NULL && free_slot < 0)
			free_slot = i;
	}

	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v3(conn->sqlite, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "ackmock: db: prepare failed: %s\n", sqlite3_errmsg(conn->sqlite));
		return NULL;
	}
	/* A full cache means a new statement was added without raising the size: still correct. */
	if (free_slot < 0) {
		free_slot = CONN_STMT_CACHE - 1;
		sqlite3_finalize(conn->cache[free_slot].stmt);
	}
	conn->cache[free_slot].sql = sql;
	conn->cache[free_slot].stmt = st;
	return st;
}

int
conn_exec(struct db_conn *conn, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(conn->sqlite, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		fprintf(stderr, "ackmock: db: %s\n", msg != NULL ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return rc;
}

int
conn_bind_text(sqlite3_stmt *st, int index, const char *text)
{
	if (text == NULL)
		return sqlite3_bind_null(st, index);
	return sqlite3_bind_text(st, index, text, -1, SQLITE_TRANSIENT);
}

int
conn_bind_text_static(sqlite3_stmt *st, int index, const char *text)
{
	if (text == NULL)
		return sqlite3_bind_null(st, index);
	return sqlite3_bind_text(st, index, text, -1, SQLITE_STATIC);
}

char *
conn_column_dup(sqlite3_stmt *st, int column)
{
	const unsigned char *text = sqlite3_column_text(st, column);

	return text != NULL ? strdup((const char *)text) : NULL;
}

void
db_conn_error(struct db_conn *conn, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", sqlite3_errmsg(conn->sqlite));
}

int
conn_bind_time(sqlite3_stmt *st, int index, int64_t ms)
{
	if (ms == INT64_MAX)
		return sqlite3_bind_null(st, index);
	return sqlite3_bind_int64(st, index, ms);
}

int64_t
conn_column_time(sqlite3_stmt *st, int column)
{
	if (sqlite3_column_type(st, column) == SQLITE_NULL)
		return INT64_MAX;
	return sqlite3_column_int64(st, column);
}

void
conn_note_deletion(struct db_conn *conn, int64_t settle_ms)
{
	if (conn->next_due_known && settle_ms < conn->next_due)
		conn->next_due = settle_ms;
}

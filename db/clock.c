/* The one-row clock table (lifecycle.md section 1). */
#include "conn.h"
#include "store.h"

static const char SQL_CLOCK_LOAD[] =
    "SELECT anchor_virtual_ms, anchor_real_ms, scale, frozen FROM clock WHERE id = 1";

static const char SQL_CLOCK_SAVE[] =
    "INSERT INTO clock (id, anchor_virtual_ms, anchor_real_ms, scale, frozen)"
    " VALUES (1, ?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET"
    " anchor_virtual_ms = ?1, anchor_real_ms = ?2, scale = ?3, frozen = ?4";

enum err
db_clock_load(struct db_conn *conn, struct clock_rec *out, bool *found)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_CLOCK_LOAD);
	enum err err = ERR_INTERNAL;
	int rc;

	if (st == NULL)
		return ERR_INTERNAL;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->anchor_virtual_ms = sqlite3_column_int64(st, 0);
		out->anchor_real_ms = sqlite3_column_int64(st, 1);
		out->scale = sqlite3_column_double(st, 2);
		out->frozen = sqlite3_column_int(st, 3) != 0;
		*found = true;
		err = ERR_OK;
	} else if (rc == SQLITE_DONE) {
		*found = false;
		err = ERR_OK;
	}
	sqlite3_reset(st);
	return err;
}

enum err
db_clock_save(struct db_conn *conn, const struct clock_rec *clock)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_CLOCK_SAVE);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	sqlite3_bind_int64(st, 1, clock->anchor_virtual_ms);
	sqlite3_bind_int64(st, 2, clock->anchor_real_ms);
	sqlite3_bind_double(st, 3, clock->scale);
	sqlite3_bind_int(st, 4, clock->frozen ? 1 : 0);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
}

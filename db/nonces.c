/* The nonces table: one row per (AccessKeyId, nonce) seen within the replay window. */
#include <stdio.h>

#include "conn.h"
#include "nonces.h"

/*
 * One statement decides and records: a fresh nonce is inserted, a stale row
 * (seen before the window) is taken over, and a live row is left alone, so
 * sqlite3_changes() tells the three apart without a separate read.
 */
static const char SQL_NONCE_USE[] =
    "INSERT INTO nonces (access_key_id, nonce, seen_real_ms) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (access_key_id, nonce) DO UPDATE SET seen_real_ms = ?3"
    " WHERE seen_real_ms < ?4";

/* Bounded so that one request never pays for a long-idle table's whole backlog. */
static const char SQL_NONCE_PRUNE[] =
    "DELETE FROM nonces WHERE (access_key_id, nonce) IN (SELECT access_key_id, nonce"
    " FROM nonces WHERE seen_real_ms < ?1 LIMIT 64)";

enum err
db_nonce_use(struct db_conn *conn, const char *access_key_id, const char *nonce, int64_t now_ms,
    int64_t valid_since_ms)
{
	sqlite3_stmt *st;
	enum err err = ERR_INTERNAL;

	if ((st = conn_stmt(conn, SQL_NONCE_USE)) == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, access_key_id);
	conn_bind_text(st, 2, nonce);
	sqlite3_bind_int64(st, 3, now_ms);
	sqlite3_bind_int64(st, 4, valid_since_ms);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = sqlite3_changes(conn->sqlite) == 1 ? ERR_OK : ERR_NONCE_USED;
	else
		fprintf(stderr, "ackmock: db: nonce insert: %s\n", sqlite3_errmsg(conn->sqlite));
	sqlite3_reset(st);
	if (err != ERR_OK)
		return err;
	if ((st = conn_stmt(conn, SQL_NONCE_PRUNE)) == NULL)
		return ERR_INTERNAL;
	sqlite3_bind_int64(st, 1, valid_since_ms);
	if (sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "ackmock: db: nonce prune: %s\n", sqlite3_errmsg(conn->sqlite));
		err = ERR_INTERNAL;
	}
	sqlite3_reset(st);
	return err;
}

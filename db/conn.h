/*
 * Internal to db/: one SQLite connection and its cache of prepared
 * statements. Statements are cached by the address of their static SQL
 * text, so each `static const char SQL_...[]` is prepared once per
 * connection.
 */
#ifndef ACKMOCK_DB_CONN_H
#define ACKMOCK_DB_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "db.h"

#define CONN_STMT_CACHE 48

struct db_conn {
	sqlite3 *sqlite;
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
	} cache[CONN_STMT_CACHE];
	struct db_conn *next_free;

	/*
	 * Bumped by the writer after each batch that changed the clusters
	 * table (the struct db's counter, shared by every connection).
	 */
	_Atomic uint64_t *cluster_gen;
	bool clusters_dirty;	/* the writer's: this batch changed clusters */
	/* The same for the world_* tables, and a reader's note that the world was empty at a gen. */
	_Atomic uint64_t *world_gen;
	bool world_dirty;
	bool world_empty;
	uint64_t world_empty_gen;
	/*
	 * The writer's: no cluster turns deleted before next_due
	 * (db_settle_deletions), when next_due_known. A delete lowers it; a
	 * rolled-back job forgets it (it may have undone a settle).
	 */
	bool next_due_known;
	int64_t next_due;
	/*
	 * The writer's: sqlite3_total_changes64 when the current job started,
	 * or after its own settle (run_batch: a job that fails with more
	 * changes than this cannot be undone alone).
	 */
	int64_t job_changes;
	/*
	 * The writer's: how many journal entries are stored and the last seq
	 * given out, when journal_known (db_journal_append). A reset or a
	 * rolled-back batch clears it.
	 */
	bool journal_known;
	int64_t journal_total;
	int64_t journal_last_seq;
	/*
	 * A reader's cache of the unfiltered live-cluster count of one account
	 * (db_cluster_list): right while cluster_gen is gen and the virtual
	 * instant is in [from_ms, until_ms), when the next cluster turns deleted.
	 */
	struct {
		uint64_t gen;
		bool valid;
		char account[64];
		int64_t from_ms, until_ms, count;
	} live_count;
	/*
	 * The writer's: the last create task plan it stored, as JSON text and
	 * packed (db_cluster_insert). Creates of one shape have the same plan,
	 * and packing it anew was ~7,800 instructions of each create's turn
	 * on the writer.
	 */
	char *plan_json, *plan_packed;
	size_t plan_json_len, plan_packed_len;
};

/*
 * Returns the cached statement of sql, reset and with its bindings
 * cleared, or NULL (logged) when it does not prepare. Borrowed: do not
 * finalize it; call sqlite3_reset when done if it holds a read lock.
 */
sqlite3_stmt *conn_stmt(struct db_conn *conn, const char *sql);

/* Runs sql (no results) with sqlite3_exec; returns SQLITE_OK or the error, logged. */
int conn_exec(struct db_conn *conn, const char *sql);

/* Binds a NUL-terminated string or NULL; a helper for the many text columns. */
int conn_bind_text(sqlite3_stmt *st, int index, const char *text);

/*
 * The same without SQLite's copy (SQLITE_STATIC): text must stay unchanged
 * until the statement is stepped and reset. For the writer's inserts, whose
 * spec and plan texts are the larger part of a row.
 */
int conn_bind_text_static(sqlite3_stmt *st, int index, const char *text);

/* Returns a malloc'd copy of a text column, or NULL for NULL. */
char *conn_column_dup(sqlite3_stmt *st, int column);

/* Binds a time, or NULL for INT64_MAX (STORE_NEVER). */
int conn_bind_time(sqlite3_stmt *st, int index, int64_t ms);

/* Reads a time column; NULL reads as INT64_MAX (STORE_NEVER). */
int64_t conn_column_time(sqlite3_stmt *st, int column);

/* Notes, on the writer, a cluster that turns deleted at settle_ms (see next_due). */
void conn_note_deletion(struct db_conn *conn, int64_t settle_ms);

/* Registers walvfs.c's VFS (once) and returns its name; NULL when it cannot. */
const char *walvfs_register(void);

#endif

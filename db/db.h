/*
 * The database: one SQLite file in WAL mode, a pool of reader connections,
 * and one writer thread that commits the queued writes of many requests in
 * one transaction (group commit). db/ is the only code that includes
 * <sqlite3.h>; the rest of the daemon sees these types only.
 *
 * Why one writer: SQLite serialises writers anyway, and a commit costs a
 * write-ahead-log append and (with synchronous=NORMAL) no fsync per commit,
 * but still a fixed cost per transaction. Queueing writes to one thread
 * lets a busy daemon pay that cost once per batch, while each request is
 * answered only after its batch is committed. Stateful checks (name uniqueness) run inside the writer, so two
 * concurrent creates of one name can never both succeed.
 */
#ifndef ACKMOCK_DB_H
#define ACKMOCK_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

struct db;
struct db_conn;

/*
 * How much a file database fsyncs (SQLite's PRAGMA synchronous, on the
 * connections that write). Every mode keeps what was answered 200 across a
 * crash or kill of the daemon: a commit is in the WAL, in the kernel's page
 * cache, before it is answered. They differ on a crash of the machine:
 *   DB_SYNC_OFF     never fsyncs; a power cut can damage the file.
 *   DB_SYNC_NORMAL  fsyncs at checkpoints; a power cut can lose the last
 *                   commits, never the file. Checkpoints then stall the
 *                   writer for the fsyncs (5-40 ms on a busy disk).
 *   DB_SYNC_FULL    also fsyncs the WAL at every commit: nothing answered is
 *                   lost even then, at one fsync per batch.
 */
enum db_sync { DB_SYNC_OFF, DB_SYNC_NORMAL, DB_SYNC_FULL };

/*
 * Opens (creating if needed) the database at path (":memory:" for a private
 * in-memory one), applies the pending migrations of schema/, and starts the
 * writer thread. readers is the number of pooled reader connections; sync
 * applies to a file database. On failure writes one line into err and
 * returns NULL.
 */
struct db *db_open(const char *path, int readers, enum db_sync sync, char *err, size_t errlen);

/*
 * The greatest rowid in use that a cluster or task id's stamp could reach
 * (schema/006), or 0: new ids must stamp above it (ids_stamp_floor), or
 * their rows would collide with those of a daemon whose stamps ran ahead
 * of the clock.
 */
int64_t db_stamp_floor(const struct db *db);

/* Stops the writer after the queued writes and closes every connection. NULL-safe. */
void db_close(struct db *db);

/* Borrows a reader connection, waiting for one if all are in use. */
struct db_conn *db_reader_acquire(struct db *db);

/* Returns a connection borrowed with db_reader_acquire. */
void db_reader_release(struct db *db, struct db_conn *conn);

/*
 * A queued write. apply runs on the writer thread inside the batch's
 * transaction. When it returns anything but ERR_OK having changed no row
 * (besides its own db_settle_deletions), the batch goes on; when it fails after
 * changing rows, the batch's transaction is rolled back, the jobs before
 * it fail as if the commit had failed, and the jobs after it run in a
 * batch of their own (db.c says why: no savepoint per job). done runs on
 * the writer thread once the batch is durable (or failed to commit: then
 * result is an error even if apply succeeded). The job is borrowed until
 * done is called; done must not block.
 */
struct db_job {
	enum err (*apply)(struct db_conn *conn, void *arg);
	void (*done)(struct db_job *job);
	void *arg;
	/*
	 * A bulk job runs alone, in a transaction of its own with foreign-key
	 * enforcement off, so that an unconditioned DELETE takes SQLite's
	 * truncate path instead of deleting (and checking) row by row. Its
	 * apply must leave every reference consistent itself (children first).
	 */
	bool bulk;
	enum err result;
	struct db_job *next;	/* the writer's queue link */
};

/* Queues job. Never blocks on the database. */
void db_write_submit(struct db *db, struct db_job *job);

/*
 * Runs jobs (linked by next) on the calling thread, in batches as the
 * writer thread would, and calls each one's done before it returns. For an
 * event loop that gathered the writes of one round: they commit together
 * without a hand-off to the writer thread and back.
 */
void db_write_run(struct db *db, struct db_job *jobs);

/* db_write_run, unless another thread runs a batch now: then false, and nothing is done. */
bool db_write_try_run(struct db *db, struct db_job *jobs);

/* Runs apply in a batch of the writer and waits for its commit; returns its result. */
enum err db_write_wait(struct db *db, enum err (*apply)(struct db_conn *conn, void *arg),
    void *arg);

/*
 * Runs apply inside a nested savepoint of the writer's current job: when it
 * returns anything but ERR_OK its changes alone are rolled back, and the
 * job's earlier changes stay. For use inside a db_job's apply only.
 */
enum err db_write_nested(struct db_conn *conn, enum err (*apply)(struct db_conn *conn, void *arg),
    void *arg);

/*
 * Gives the writer the virtual clock: before the jobs of each batch run,
 * it writes back the deletions due at now(arg) (db_settle_deletions) in the batch's
 * transaction. now must be safe to call on the writer thread and never go
 * back. NULL stops it; the call returns once the writer no longer uses
 * the old clock, so that it may then be destroyed.
 */
void db_set_clock(struct db *db, int64_t (*now)(void *arg), void *arg);

/*
 * Testing only (--db-max-pages): caps the database file at pages pages
 * (PRAGMA max_page_count on the writer), so a test can fill it up like a
 * full disk. Writes that need more answer ERR_STORAGE_FULL and store
 * nothing. A cap below the current size holds the database at its size.
 */
enum err db_set_max_pages(struct db *db, int64_t pages);

/* The schema version the database is at (PRAGMA user_version). */
int db_schema_version(struct db *db);

/* Writes into err the last SQLite error of conn, for logs. */
void db_conn_error(struct db_conn *conn, char *err, size_t errlen);

#endif

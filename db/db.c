/*
 * Opening, migrating and closing the database; the reader pool; the writer
 * thread and its group commit (db.h says why).
 */
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin_store.h"
#include "conn.h"
#include "db.h"
#include "idkeys.h"
#include "specpack.h"
#include "schema.h"
#include "store.h"

/* At most this many queued writes share one transaction. */
#define BATCH_MAX 256

/*
 * The writer never checkpoints: a checkpoint copies the WAL into the
 * database file and, with synchronous=NORMAL, fsyncs it, which took tens of
 * milliseconds under load and stalled every queued write behind it (that
 * was the p99 of CreateCluster). Instead the writer's WAL hook wakes a
 * checkpointer thread, with a connection of its own, once the WAL holds
 * this many pages; its PASSIVE checkpoints run beside the writer's commits.
 */
#define CHECKPOINT_PAGES 2000

/*
 * A PASSIVE checkpoint beside a busy writer never quite finishes (new frames
 * arrive while it copies), and the WAL only starts over from its beginning
 * after a finished one. So the checkpointer repeats its pass a few times,
 * and once it has left fewer than CHECKPOINT_LEFT frames, the writer
 * finishes the checkpoint itself between two transactions (a short stall:
 * a few frames and two fsyncs). Should the checkpointer never get that
 * close, the writer checkpoints at WAL_PAGES_MAX regardless. Without this
 * the WAL grew without bound under load (650 MB in 8 s of creates); with
 * it the WAL stays under 128 MiB. A lower cap cost
 * half the create rate in scripts/bench (8,000 pages: ~4k/s, 32,000:
 * ~6-8k/s), as the writer then stalls on checkpoints four times as often.
 */
#define WAL_PAGES_MAX	 32000
#define CHECKPOINT_PASSES 8
#define CHECKPOINT_LEFT	  256

/* The writer's fixed statements, prepared once (conn_stmt caches them by address). */
static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

struct db {
	char *uri;
	struct db_conn *writer;
	struct db_conn *readers;	/* array of nreaders */
	int nreaders;

	pthread_mutex_t pool_lock;
	pthread_cond_t pool_cond;
	struct db_conn *free_readers;

	pthread_mutex_t queue_lock;
	pthread_cond_t queue_cond;
	struct db_job *queue_head, *queue_tail;
	bool stopping;
	/* Held by whoever runs a batch on the writer connection (writer_batch). */
	pthread_mutex_t writer_lock;
	pthread_t writer_thread;
	bool writer_started;
	int version;
	struct idkeys keys;	/* read by every connection's id_seq() */
	int64_t stamp_floor;	/* see db_stamp_floor */

	struct db_conn *checkpointer;
	pthread_mutex_t ckpt_lock;
	pthread_cond_t ckpt_cond;
	bool ckpt_wanted;
	bool ckpt_stopping;
	atomic_bool ckpt_caught_up;	/* fewer than CHECKPOINT_LEFT frames were left */
	/* The virtual clock (db_set_clock), under queue_lock; the writer copies it per batch. */
	int64_t (*now)(void *arg);
	void *now_arg;
	bool ckpt_finish;	/* the writer's: checkpoint once the batch is answered */
	_Atomic uint64_t cluster_gen;	/* see struct db_conn */
	_Atomic uint64_t world_gen;
	pthread_t ckpt_thread;
	bool ckpt_started;
};

/* The VFS of file databases: unix-excl, through walvfs.c when it registered. */
static const char *file_vfs = "unix-excl";

static int
conn_open(struct db_conn *conn, const char *uri, bool memory, const struct idkeys *keys,
    char *err, size_t errlen)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI |
		    SQLITE_OPEN_NOMUTEX;

	memset(conn, 0, sizeof(*conn));
	/*
	 * "unix-excl": the daemon is the one process using its file. Its
	 * connections then share the WAL index in heap memory instead of a
	 * mapped -shm file, and a read transaction takes no fcntl() lock: one
	 * to three system calls fewer per read request (strace), which on this
	 * VM was a fifth of DescribeTaskInfo's time. Another process (a second
	 * daemon, the sqlite3 shell) is refused while the daemon runs. It is
	 * reached through walvfs.c, which writes each commit's WAL frames at once.
	 */
	if (sqlite3_open_v2(uri, &conn->sqlite, flags, memory ? NULL : file_vfs) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", uri,
		    conn->sqlite != NULL ? sqlite3_errmsg(conn->sqlite) : "out of memory");
		return -1;
	}
	sqlite3_extended_result_codes(conn->sqlite, 1);
	if (idkeys_define(conn->sqlite, keys) != SQLITE_OK ||
	    specpack_define(conn->sqlite) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", uri, sqlite3_errmsg(conn->sqlite));
		return -1;
	}
	/*
	 * On a new file, switching to WAL is itself a rollback-journal
	 * transaction that only writes the header, and at the default
	 * synchronous=FULL it costs four fsyncs (half the start-up time on a
	 * busy disk): it runs unsynced, and everything after it is NORMAL. On
	 * an existing WAL database the switch does nothing.
	 *
	 * Debian builds SQLite with SECURE_DELETE, which zero-fills every freed
	 * page and so doubles the writes of a delete (a 10,000-cluster reset
	 * most of all). Nothing ackmock stores is secret (secrets are never
	 * stored, api.md section 3), so freed pages are left as they are.
	 */
	const char *pragmas = memory ? "PRAGMA foreign_keys=ON; PRAGMA secure_delete=OFF;"
				     : "PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL;"
				       "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
				       "PRAGMA secure_delete=OFF;";
	/* Busy here means another process holds the file: say so now, not after a timeout. */
	switch (sqlite3_exec(conn->sqlite, pragmas, NULL, NULL, NULL) & 0xff) {
	case SQLITE_OK:
		break;
	case SQLITE_BUSY:
		snprintf(err, errlen,
		    "database %s is in use by another process (one ackmock per database file)", uri);
		return -1;
	default:
		snprintf(err, errlen, "cannot configure database %s: %s", uri,
		    sqlite3_errmsg(conn->sqlite));
		return -1;
	}
	/* Writers are serialised by the writer thread; readers wait out a checkpoint. */
	sqlite3_busy_timeout(conn->sqlite, 5000);
	return 0;
}

static void
conn_close(struct db_conn *conn)
{
	for (int i = 0; i < CONN_STMT_CACHE; i++)
		sqlite3_finalize(conn->cache[i].stmt);
	sqlite3_close(conn->sqlite);
	free(conn->plan_json);
	free(conn->plan_packed);
	memset(conn, 0, sizeof(*conn));
}

static int
read_user_version(struct db_conn *conn)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(conn->sqlite, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* True when no row breaks a foreign key: the check a rebuilt table needs before commit. */
static bool
foreign_keys_hold(struct db_conn *conn)
{
	sqlite3_stmt *st = NULL;
	bool ok = sqlite3_prepare_v2(conn->sqlite, "PRAGMA foreign_key_check", -1, &st, NULL) ==
		      SQLITE_OK &&
		  sqlite3_step(st) == SQLITE_DONE;

	sqlite3_finalize(st);
	return ok;
}

/* True when the database holds no table, index or view: a new file. */
static bool
schema_is_empty(struct db_conn *conn)
{
	sqlite3_stmt *st = NULL;
	bool empty = sqlite3_prepare_v2(conn->sqlite, "SELECT 1 FROM sqlite_schema LIMIT 1", -1,
			 &st, NULL) == SQLITE_OK &&
		     sqlite3_step(st) == SQLITE_DONE;

	sqlite3_finalize(st);
	return empty;
}

static int
migrate_locked(struct db_conn *conn, const char *path, int *version, char *err, size_t errlen)
{
	char bump[64];
	int v;

	if (conn_exec(conn, "BEGIN IMMEDIATE") != SQLITE_OK) {
		snprintf(err, errlen, "cannot lock database %s: %s", path,
		    sqlite3_errmsg(conn->sqlite));
		return -1;
	}
	v = read_user_version(conn);
	if (v < 0) {
		snprintf(err, errlen, "%s is not an SQLite database: %s", path,
		    sqlite3_errmsg(conn->sqlite));
		goto fail;
	}
	if (v > schema_version) {
		snprintf(err, errlen,
		    "database %s has schema version %d, newer than this ackmock's %d; "
		    "use a newer ackmock or another --db",
		    path, v, schema_version);
		goto fail;
	}
	/* A new database gets the schema the migrations end at in one step (schema/embed.py). */
	if (v == 0 && schema_is_empty(conn)) {
		if (sqlite3_exec(conn->sqlite, schema_current, NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "cannot create the schema of %s: %s", path,
			    sqlite3_errmsg(conn->sqlite));
			goto fail;
		}
		v = schema_version;
		snprintf(bump, sizeof(bump), "PRAGMA user_version=%d", v);
		if (conn_exec(conn, bump) != SQLITE_OK)
			goto fail;
	}
	for (; v < schema_version; v++) {
		const struct schema_migration *m = &schema_migrations[v];

		if (sqlite3_exec(conn->sqlite, m->sql, NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "migration %s failed: %s", m->name,
			    sqlite3_errmsg(conn->sqlite));
			goto fail;
		}
		/* 005's data step: the old journal rows, packed in C (journalpack.h). */
		if (m->number == 5 && db_journal_adopt(conn) != ERR_OK) {
			snprintf(err, errlen, "migration %s failed: cannot pack the journal: %s",
			    m->name, sqlite3_errmsg(conn->sqlite));
			goto fail;
		}
		snprintf(bump, sizeof(bump), "PRAGMA user_version=%d", m->number);
		if (conn_exec(conn, bump) != SQLITE_OK)
			goto fail;
	}
	if (!foreign_keys_hold(conn)) {
		snprintf(err, errlen, "migrations of %s break a foreign key; nothing was changed",
		    path);
		goto fail;
	}
	if (conn_exec(conn, "COMMIT") != SQLITE_OK) {
		snprintf(err, errlen, "cannot commit migrations: %s", sqlite3_errmsg(conn->sqlite));
		goto fail;
	}
	*version = v;
	return 0;
fail:
	sqlite3_exec(conn->sqlite, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * Applies the migrations the database lacks, all in one transaction with
 * the user_version bump, so a crash leaves a version that is entirely
 * applied or entirely not. Refuses a database from a newer ackmock.
 *
 * Foreign keys are off meanwhile (the pragma is a no-op inside a
 * transaction, hence here): a migration that rebuilds a table drops the
 * old one, which with them on would cascade to every child row. They are
 * checked before the commit instead.
 */
static int
migrate(struct db_conn *conn, const char *path, int *version, char *err, size_t errlen)
{
	int rc;

	conn_exec(conn, "PRAGMA foreign_keys=OFF");
	rc = migrate_locked(conn, path, version, err, errlen);
	conn_exec(conn, "PRAGMA foreign_keys=ON");
	return rc;
}

/* Steps one of the writer's cached fixed statements; returns the SQLite result. */
static int
writer_step(struct db_conn *w, const char *sql)
{
	sqlite3_stmt *st = conn_stmt(w, sql);
	int rc;

	if (st == NULL)
		return SQLITE_ERROR;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return SQLITE_OK;
	fprintf(stderr, "ackmock: db: %s: %s\n", sql, sqlite3_errmsg(w->sqlite));
	return rc;
}

/*
 * What a failed write answers: a full database (SQLITE_FULL from a full
 * disk or from --db-max-pages) is worth telling the client about; every
 * other failure is an internal error.
 */
static enum err
writer_failure(struct db_conn *w)
{
	if ((sqlite3_errcode(w->sqlite) & 0xff) != SQLITE_FULL)
		return ERR_INTERNAL;
	fprintf(stderr, "ackmock: db: write refused: %s\n", sqlite3_errmsg(w->sqlite));
	return ERR_STORAGE_FULL;
}

/* Fails every job of the batch that had succeeded: its changes are gone. */
static void
batch_fail_ok(struct db_job *batch, enum err err)
{
	for (struct db_job *j = batch; j != NULL; j = j->next)
		if (j->result == ERR_OK)
			j->result = err;
}

/*
 * Runs a batch in one transaction, first settling what is due at
 * *settle_at (NULL: no settle); returns whether anything it did was rolled
 * back (a settle with it, perhaps, or journal rows).
 */
static bool
run_batch(struct db *db, struct db_job *batch, const int64_t *settle_at)
{
	struct db_conn *w = db->writer;
	bool any_ok = false;
	int64_t settled = 0;

	for (struct db_job *j = batch; j != NULL; j = j->next)
		j->result = ERR_INTERNAL;
	if (writer_step(w, SQL_BEGIN) != SQLITE_OK)
		return true;
	/*
	 * The deletions that have come due are written back here, in the
	 * transaction, before any job runs: a settle after the clock jumped
	 * past a burst of deletes changes thousands of clusters, and inside a savepoint (as
	 * a job's own settle was, before) SQLite keeps a copy of every page it
	 * changes until the savepoint is released (the statement journal, in
	 * memory). The jobs' own settles then find nothing due, or the few
	 * instants since. Should it fail (a full disk), the batch fails as
	 * each job's settle would have made it, and writer_main forgets
	 * next_due, as for any failed job.
	 */
	if (settle_at != NULL) {
		settled = sqlite3_total_changes64(w->sqlite);
		if (db_settle_deletions(w, *settle_at) != ERR_OK) {
			enum err err = writer_failure(w);

			for (struct db_job *j = batch; j != NULL; j = j->next)
				j->result = err;
			if (!sqlite3_get_autocommit(w->sqlite))
				writer_step(w, SQL_ROLLBACK);
			return true;
		}
		settled = sqlite3_total_changes64(w->sqlite) - settled;
	}
	/*
	 * Jobs run without a savepoint each. A savepoint copies every page a
	 * job changes into the statement journal and frees the copies on
	 * release: 45k of the writer's ~200k instructions per create
	 * (callgrind), for a rollback that almost never happens. A job that
	 * fails has almost always failed before it changed anything (a name
	 * taken, a cluster in the wrong state): nothing to undo, and the batch
	 * goes on. One that fails after changing rows (a full disk, an
	 * internal error) cannot be undone alone: the transaction is rolled
	 * back, the jobs before it fail as if the commit had failed (their
	 * done handles that already), and the jobs after it, which have not
	 * run, run in a batch of their own. A job's own settle does not count
	 * as its change (db_settle_deletions moves job_changes past it): keeping it
	 * is always right.
	 */
	for (struct db_job *j = batch; j != NULL; j = j->next) {
		w->job_changes = sqlite3_total_changes64(w->sqlite);
		j->result = j->apply(w, j->arg);
		if (j->result == ERR_INTERNAL)
			j->result = writer_failure(w);
		if (sqlite3_get_autocommit(w->sqlite)) {
			/*
			 * An I/O error or a full disk can make SQLite roll back the
			 * whole transaction: what the batch did so far is lost, and
			 * the jobs after this one would run outside any transaction.
			 */
			enum err err = writer_failure(w);

			batch_fail_ok(batch, err);
			for (struct db_job *k = j; k != NULL; k = k->next)
				k->result = err;
			return true;
		}
		if (j->result == ERR_OK) {
			any_ok = true;
			continue;
		}
		if (sqlite3_total_changes64(w->sqlite) != w->job_changes) {
			struct db_job *rest = j->next;

			writer_step(w, SQL_ROLLBACK);
			batch_fail_ok(batch,
			    j->result == ERR_STORAGE_FULL ? ERR_STORAGE_FULL : ERR_INTERNAL);
			if (rest != NULL)
				run_batch(db, rest, settle_at);
			return true;
		}
	}
	/* The settle is kept even when every job failed: the next batch need not redo it. */
	if (!any_ok && settled == 0) {
		/* It may undo a job's own settle of the instants since the batch's. */
		writer_step(w, SQL_ROLLBACK);
		return true;
	}
	if (writer_step(w, SQL_COMMIT) != SQLITE_OK) {
		/* Nothing of the batch is durable: every job that had succeeded fails now. */
		enum err err = writer_failure(w);

		if (!sqlite3_get_autocommit(w->sqlite))
			writer_step(w, SQL_ROLLBACK);
		batch_fail_ok(batch, err);
		return true;
	}
	return false;
}

/* The writer's WAL hook (after each commit): wakes the checkpointer when the WAL is long. */
static int
on_wal_commit(void *arg, sqlite3 *conn, const char *schema, int pages)
{
	struct db *db = arg;

	/*
	 * Once the checkpointer has nearly caught up, the writer finishes the
	 * job itself: only a few frames are left to copy, and a finished
	 * checkpoint lets the next transaction start the WAL over.
	 */
	(void)conn;
	if (pages >= WAL_PAGES_MAX ||
	    (pages >= CHECKPOINT_PAGES && atomic_exchange(&db->ckpt_caught_up, false))) {
		db->ckpt_finish = true;
	} else if (pages >= CHECKPOINT_PAGES) {
		pthread_mutex_lock(&db->ckpt_lock);
		db->ckpt_wanted = true;
		pthread_cond_signal(&db->ckpt_cond);
		pthread_mutex_unlock(&db->ckpt_lock);
	}
	return SQLITE_OK;
}

static void *
checkpointer_main(void *arg)
{
	struct db *db = arg;

	pthread_setname_np(pthread_self(), "ackmock-ckpt");
	for (;;) {
		pthread_mutex_lock(&db->ckpt_lock);
		while (!db->ckpt_wanted && !db->ckpt_stopping)
			pthread_cond_wait(&db->ckpt_cond, &db->ckpt_lock);
		if (db->ckpt_stopping) {
			pthread_mutex_unlock(&db->ckpt_lock);
			break;
		}
		db->ckpt_wanted = false;
		pthread_mutex_unlock(&db->ckpt_lock);
		/* PASSIVE: copies what no reader still needs, never waits for the writer. */
		for (int pass = 0; pass < CHECKPOINT_PASSES; pass++) {
			int log = 0, done = 0;

			if (sqlite3_wal_checkpoint_v2(db->checkpointer->sqlite, NULL,
				SQLITE_CHECKPOINT_PASSIVE, &log, &done) != SQLITE_OK)
				break;
			if (log - done < CHECKPOINT_LEFT) {
				atomic_store(&db->ckpt_caught_up, true);
				break;
			}
		}
	}
	return NULL;
}

/*
 * glibc keeps what a thread frees in that thread's arena: a burst of large
 * jobs (a settle of thousands of clusters, a big batch) left the daemon
 * tens of MiB bigger for good. When the writer thread goes idle after work
 * it hands free heap back with malloc_trim (all arenas), at most once a
 * TRIM_INTERVAL_NS, so a daemon whose load stopped is small again. (The
 * event loops, where most batches run, trim likewise: http.c, loop_main.)
 */
#define TRIM_INTERVAL_NS 1000000000LL

static int64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Waits, queue_lock held, for a job or the stop; trims the heap first when it is due. */
static void
writer_wait(struct db *db, bool *trim_wanted, int64_t *last_trim)
{
	while (db->queue_head == NULL && !db->stopping) {
		int64_t wait;
		struct timespec until;

		if (!*trim_wanted) {
			pthread_cond_wait(&db->queue_cond, &db->queue_lock);
			continue;
		}
		if ((wait = *last_trim + TRIM_INTERVAL_NS - clock_ns(CLOCK_MONOTONIC)) <= 0) {
			pthread_mutex_unlock(&db->queue_lock);
			malloc_trim(0);
			*last_trim = clock_ns(CLOCK_MONOTONIC);
			*trim_wanted = false;
			pthread_mutex_lock(&db->queue_lock);
			continue;
		}
		/* The queue's condition variable runs on CLOCK_REALTIME, its default. */
		wait += clock_ns(CLOCK_REALTIME);
		until.tv_sec = (time_t)(wait / 1000000000LL);
		until.tv_nsec = (long)(wait % 1000000000LL);
		pthread_cond_timedwait(&db->queue_cond, &db->queue_lock, &until);
	}
}

/*
 * Runs one batch (a run of non-bulk jobs, or one bulk job) and answers its
 * jobs. The caller holds writer_lock: the writer connection is used by one
 * thread at a time, the writer thread or an event loop (db_write_run).
 */
static void
writer_batch(struct db *db, struct db_job *batch)
{
	int64_t (*now)(void *arg);
	void *now_arg;
	int64_t settle_at = 0;
	bool rolled_back;

	/* The clock as of this batch: db_set_clock waits for writer_lock after a change. */
	pthread_mutex_lock(&db->queue_lock);
	now = db->now;
	now_arg = db->now_arg;
	pthread_mutex_unlock(&db->queue_lock);
	if (now != NULL)
		settle_at = now(now_arg);
	if (batch->bulk) {
		/* The pragma is a no-op inside a transaction: set it around one. */
		conn_exec(db->writer, "PRAGMA foreign_keys=OFF");
		rolled_back = run_batch(db, batch, NULL);
		conn_exec(db->writer, "PRAGMA foreign_keys=ON");
		/* Its truncating DELETEs bypass the update hook. */
		db->writer->clusters_dirty = true;
		db->writer->world_dirty = true;
	} else {
		rolled_back = run_batch(db, batch, now != NULL ? &settle_at : NULL);
	}
	/*
	 * A rollback may have undone a settle and journal entries: forget
	 * next_due and the journal's totals. A job refused before
	 * it wrote (a name taken) undid nothing, and costs neither.
	 */
	if (rolled_back) {
		db->writer->next_due_known = false;
		db->writer->journal_known = false;
	}
	/* After the commit (or rollback), so no reader caches a count older than it. */
	if (db->writer->clusters_dirty) {
		db->writer->clusters_dirty = false;
		atomic_fetch_add(&db->cluster_gen, 1);
	}
	if (db->writer->world_dirty) {
		db->writer->world_dirty = false;
		atomic_fetch_add(&db->world_gen, 1);
	}
	for (struct db_job *j = batch, *next; j != NULL; j = next) {
		next = j->next;	/* done may free the job */
		j->next = NULL;
		j->done(j);
	}
	/*
	 * The checkpoint the WAL hook asked for, after the batch's clients
	 * are answered: its two fsyncs took 5-40 ms on a busy disk, and run
	 * inside the commit they held back the answers of the batch that
	 * happened to cross the threshold (the p99 of CreateCluster).
	 */
	if (db->ckpt_finish) {
		db->ckpt_finish = false;
		sqlite3_wal_checkpoint_v2(db->writer->sqlite, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL,
		    NULL);
	}
}

/* Cuts the first batch off *jobs: up to BATCH_MAX non-bulk jobs, or one bulk job. */
static struct db_job *
take_batch(struct db_job **jobs)
{
	struct db_job *batch = *jobs, *last = batch;
	int n = 1;

	while (!batch->bulk && last->next != NULL && !last->next->bulk && n < BATCH_MAX) {
		last = last->next;
		n++;
	}
	*jobs = last->next;
	last->next = NULL;
	return batch;
}

static void *
writer_main(void *arg)
{
	struct db *db = arg;
	bool trim_wanted = false;
	int64_t last_trim = 0;

	pthread_setname_np(pthread_self(), "ackmock-writer");
	for (;;) {
		struct db_job *batch;

		pthread_mutex_lock(&db->queue_lock);
		writer_wait(db, &trim_wanted, &last_trim);
		if (db->queue_head == NULL) {
			pthread_mutex_unlock(&db->queue_lock);
			break;
		}
		batch = take_batch(&db->queue_head);
		if (db->queue_head == NULL)
			db->queue_tail = NULL;
		pthread_mutex_unlock(&db->queue_lock);
		trim_wanted = true;
		pthread_mutex_lock(&db->writer_lock);
		writer_batch(db, batch);
		pthread_mutex_unlock(&db->writer_lock);
	}
	return NULL;
}

/* Runs jobs in batches and releases writer_lock, which the caller took. */
static void
run_jobs_unlock(struct db *db, struct db_job *jobs)
{
	while (jobs != NULL)
		writer_batch(db, take_batch(&jobs));
	pthread_mutex_unlock(&db->writer_lock);
}

void
db_write_run(struct db *db, struct db_job *jobs)
{
	pthread_mutex_lock(&db->writer_lock);
	run_jobs_unlock(db, jobs);
}

bool
db_write_try_run(struct db *db, struct db_job *jobs)
{
	if (pthread_mutex_trylock(&db->writer_lock) != 0)
		return false;
	run_jobs_unlock(db, jobs);
	return true;
}

/* The writer's update hook: notes a change to the clusters table (see struct db_conn). */
static void
on_update(void *arg, int op, const char *schema, const char *table, sqlite3_int64 rowid)
{
	struct db_conn *w = arg;

	(void)op;
	(void)schema;
	(void)rowid;
	if (strcmp(table, "clusters") == 0)
		w->clusters_dirty = true;
	else if (strncmp(table, "world_", 6) == 0)
		w->world_dirty = true;
}

/*
 * Process-wide SQLite settings, before SQLite initialises. Each connection
 * is used by one thread at a time (the writer, the checkpointer, or the
 * borrower of a reader), so SQLite's per-connection mutexes are not needed;
 * and memory statistics take one global mutex on every SQLite allocation,
 * which every reader and the writer then contend for.
 */
static void
sqlite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* After the configuration: registering a VFS initialises SQLite. */
	if ((file_vfs = walvfs_register()) == NULL)
		file_vfs = "unix-excl";
}

/*
 * The PRAGMA for a --sync mode, applied after the migrations (which run at
 * NORMAL whatever the mode: they are rare, and a damaged migration costs
 * more than its fsyncs). Readers never write, so only the writer and the
 * checkpointer need it. At NORMAL a finished checkpoint costs the writer
 * two fsyncs, 5-40 ms on this VM's disk under load, with every queued
 * create waiting behind them: it was the p99 of CreateCluster (20 ms
 * against 7-8 ms at OFF in the same runs, docs/benchmarks.md).
 */
static const char *
sync_pragma(enum db_sync sync)
{
	switch (sync) {
	case DB_SYNC_FULL:
		return "PRAGMA synchronous=FULL";
	case DB_SYNC_NORMAL:
		return "PRAGMA synchronous=NORMAL";
	case DB_SYNC_OFF:
		break;
	}
	return "PRAGMA synchronous=OFF";
}

struct db *
db_open(const char *path, int readers, enum db_sync sync, char *err, size_t errlen)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	static atomic_int memory_counter;
	bool memory = strcmp(path, ":memory:") == 0;
	struct db *db = calloc(1, sizeof(*db));
	char *uri = NULL;
	int len;

	pthread_once(&configured, sqlite_configure);
	if (db == NULL)
		goto oom;
	if (memory) {
		/* A named memdb database is shared by the connections of this process only. */
		int n = atomic_fetch_add(&memory_counter, 1);

		len = snprintf(NULL, 0, "file:/ackmock-%d-%d?vfs=memdb", (int)getpid(), n);
		uri = malloc((size_t)len + 1);
		if (uri != NULL)
			snprintf(uri, (size_t)len + 1, "file:/ackmock-%d-%d?vfs=memdb",
			    (int)getpid(), n);
	} else {
		/* A plain path; SQLITE_OPEN_URI reads only names that start with "file:". */
		uri = strdup(path);
	}
	if (uri == NULL)
		goto oom;
	db->uri = uri;
	pthread_mutex_init(&db->pool_lock, NULL);
	pthread_cond_init(&db->pool_cond, NULL);
	pthread_mutex_init(&db->queue_lock, NULL);
	pthread_mutex_init(&db->writer_lock, NULL);
	pthread_cond_init(&db->queue_cond, NULL);
	pthread_mutex_init(&db->ckpt_lock, NULL);
	pthread_cond_init(&db->ckpt_cond, NULL);

	db->writer = calloc(1, sizeof(*db->writer));
	db->readers = calloc((size_t)readers, sizeof(*db->readers));
	if (db->writer == NULL || db->readers == NULL)
		goto oom;
	if (conn_open(db->writer, uri, memory, &db->keys, err, errlen) != 0)
		goto fail;
	if (migrate(db->writer, path, &db->version, err, errlen) != 0)
		goto fail;
	/* Before any reader opens: every connection's id_seq() reads db->keys from now on. */
	if (idkeys_load(db->writer->sqlite, &db->keys) != SQLITE_OK ||
	    (db->stamp_floor = idkeys_floor(db->writer->sqlite)) < 0) {
		snprintf(err, errlen, "cannot read the ids of %s: %s", path,
		    sqlite3_errmsg(db->writer->sqlite));
		goto fail;
	}
	db->writer->cluster_gen = &db->cluster_gen;
	db->writer->world_gen = &db->world_gen;
	sqlite3_update_hook(db->writer->sqlite, on_update, db->writer);
	/*
	 * A statement that may abort half-way, and a savepoint (a guard's
	 * nested one; each job had its own before), make SQLite keep the
	 * pages they change in a statement journal: past 64 KiB it became a
	 * temporary file, written with two pwrite(2) per page (~16 per create
	 * under the bench, when every job had a savepoint), and created and
	 * unlinked per batch. In memory it costs no system call. It only ever
	 * rolls back a statement or savepoint inside its transaction: crash
	 * recovery is the WAL's, as before. (A larger spill threshold,
	 * SQLITE_CONFIG_STMTJRNL_SPILL, is no way out: SQLite then writes the
	 * journal in chunks of that size, and its unix VFS cuts a write to its
	 * low 17 bits, so a 2 MiB chunk became a 0-byte write and SQLITE_FULL.)
	 * The settles, the one kind of write that can change thousands of
	 * rows, need none (db/clusters.c).
	 */
	if (conn_exec(db->writer, "PRAGMA temp_store=MEMORY") != SQLITE_OK ||
	    conn_exec(db->writer, "PRAGMA cache_size=-1024") != SQLITE_OK ||
	    (!memory && conn_exec(db->writer, sync_pragma(sync)) != SQLITE_OK)) {
		snprintf(err, errlen, "cannot configure database %s", path);
		goto fail;
	}
	/*
	 * Page caches are per connection and default to 2 MiB each; grown full
	 * they were most of the memory a loaded daemon gained over an idle one
	 * (issue #7 wants at most twice). The writer keeps 1 MiB: its
	 * commits run on the event loops, whose arenas it shares with the
	 * requests', and with 2 MiB the daemon was over twice its idle size
	 * after a million creates; 1 MiB cost no create rate (A/B, 4
	 * rounds), since what a create touches is the b-trees' right edges.
	 * A read touches few pages (a list page reads an index range), so
	 * readers keep 1 MiB; the checkpointer copies WAL frames and needs
	 * almost none.
	 */
	for (int i = 0; i < readers; i++) {
		if (conn_open(&db->readers[i], uri, memory, &db->keys, err, errlen) != 0 ||
		    conn_exec(&db->readers[i], "PRAGMA cache_size=-1024") != SQLITE_OK)
			goto fail;
		db->readers[i].cluster_gen = &db->cluster_gen;
		db->readers[i].world_gen = &db->world_gen;
		db->nreaders++;
		db->readers[i].next_free = db->free_readers;
		db->free_readers = &db->readers[i];
	}
	if (!memory) {
		if ((db->checkpointer = calloc(1, sizeof(*db->checkpointer))) == NULL)
			goto oom;
		if (conn_open(db->checkpointer, uri, memory, &db->keys, err, errlen) != 0 ||
		    conn_exec(db->checkpointer, "PRAGMA cache_size=-128") != SQLITE_OK ||
		    conn_exec(db->checkpointer, sync_pragma(sync)) != SQLITE_OK)
			goto fail;
		if (pthread_create(&db->ckpt_thread, NULL, checkpointer_main, db) != 0) {
			snprintf(err, errlen, "cannot start the database checkpointer thread");
			goto fail;
		}
		db->ckpt_started = true;
		/* Replaces SQLite's own autocheckpoint, which would run on the writer. */
		sqlite3_wal_hook(db->writer->sqlite, on_wal_commit, db);
		/*
		 * When the WAL starts over, a file grown past this is cut back to
		 * it. Above WAL_PAGES_MAX: a WAL cut back to 64 MiB grew again in
		 * every cycle under load, and this SQLite grows a file by writing
		 * a byte into each new 4 KiB block, ~3,000 pwrite(2) a second
		 * (strace). Only a transaction bigger than the cap shrinks it.
		 */
		if (conn_exec(db->writer, "PRAGMA journal_size_limit=167772160") != SQLITE_OK) {
			snprintf(err, errlen, "cannot configure database %s", path);
			goto fail;
		}
	}
	if (pthread_create(&db->writer_thread, NULL, writer_main, db) != 0) {
		snprintf(err, errlen, "cannot start the database writer thread");
		goto fail;
	}
	db->writer_started = true;
	return db;
oom:
	snprintf(err, errlen, "out of memory opening the database");
fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->writer_started) {
		pthread_mutex_lock(&db->queue_lock);
		db->stopping = true;
		pthread_cond_signal(&db->queue_cond);
		pthread_mutex_unlock(&db->queue_lock);
		pthread_join(db->writer_thread, NULL);
	}
	if (db->ckpt_started) {
		pthread_mutex_lock(&db->ckpt_lock);
		db->ckpt_stopping = true;
		pthread_cond_signal(&db->ckpt_cond);
		pthread_mutex_unlock(&db->ckpt_lock);
		pthread_join(db->ckpt_thread, NULL);
	}
	if (db->checkpointer != NULL && db->checkpointer->sqlite != NULL)
		conn_close(db->checkpointer);
	free(db->checkpointer);
	for (int i = 0; i < db->nreaders; i++)
		conn_close(&db->readers[i]);
	if (db->writer != NULL && db->writer->sqlite != NULL) {
		/*
		 * Fold the WAL back into the main file so the file alone is the
		 * database, synced whatever --sync said: nobody waits for it now.
		 */
		conn_exec(db->writer, "PRAGMA synchronous=NORMAL");
		sqlite3_wal_checkpoint_v2(db->writer->sqlite, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL,
		    NULL);
		conn_close(db->writer);
	}
	free(db->writer);
	free(db->readers);
	if (db->uri != NULL) {
		pthread_mutex_destroy(&db->pool_lock);
		pthread_cond_destroy(&db->pool_cond);
		pthread_mutex_destroy(&db->queue_lock);
		pthread_mutex_destroy(&db->writer_lock);
		pthread_cond_destroy(&db->queue_cond);
		pthread_mutex_destroy(&db->ckpt_lock);
		pthread_cond_destroy(&db->ckpt_cond);
	}
	idkeys_free(&db->keys);
	free(db->uri);
	free(db);
}

struct db_conn *
db_reader_acquire(struct db *db)
{
	struct db_conn *conn;

	pthread_mutex_lock(&db->pool_lock);
	while (db->free_readers == NULL)
		pthread_cond_wait(&db->pool_cond, &db->pool_lock);
	conn = db->free_readers;
	db->free_readers = conn->next_free;
	pthread_mutex_unlock(&db->pool_lock);
	return conn;
}

void
db_reader_release(struct db *db, struct db_conn *conn)
{
	if (conn == NULL)
		return;
	pthread_mutex_lock(&db->pool_lock);
	conn->next_free = db->free_readers;
	db->free_readers = conn;
	pthread_cond_signal(&db->pool_cond);
	pthread_mutex_unlock(&db->pool_lock);
}

void
db_write_submit(struct db *db, struct db_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&db->queue_lock);
	if (db->queue_tail != NULL)
		db->queue_tail->next = job;
	else
		db->queue_head = job;
	db->queue_tail = job;
	pthread_cond_signal(&db->queue_cond);
	pthread_mutex_unlock(&db->queue_lock);
}

struct wait_job {
	struct db_job job;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool finished;
};

static void
wait_job_done(struct db_job *job)
{
	struct wait_job *w = (struct wait_job *)job;

	pthread_mutex_lock(&w->lock);
	w->finished = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

enum err
db_write_wait(struct db *db, enum err (*apply)(struct db_conn *conn, void *arg), void *arg)
{
	struct wait_job w = {
	    .job = {.apply = apply, .done = wait_job_done, .arg = arg},
	};

	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	db_write_submit(db, &w.job);
	pthread_mutex_lock(&w.lock);
	while (!w.finished)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	return w.job.result;
}

enum err
db_write_nested(struct db_conn *conn, enum err (*apply)(struct db_conn *conn, void *arg), void *arg)
{
	enum err err;

	if (conn_exec(conn, "SAVEPOINT nested") != SQLITE_OK)
		return ERR_INTERNAL;
	err = apply(conn, arg);
	if (err != ERR_OK) {
		conn_exec(conn, "ROLLBACK TO nested");
		conn->next_due_known = false;
	}
	conn_exec(conn, "RELEASE nested");
	return err;
}

void
db_set_clock(struct db *db, int64_t (*now)(void *arg), void *arg)
{
	pthread_mutex_lock(&db->queue_lock);
	db->now = now;
	db->now_arg = arg;
	pthread_mutex_unlock(&db->queue_lock);
	/*
	 * A batch reads the clock under writer_lock: once the lock has been
	 * free after the change, no batch uses the old one any more.
	 */
	pthread_mutex_lock(&db->writer_lock);
	pthread_mutex_unlock(&db->writer_lock);
}

static enum err
apply_max_pages(struct db_conn *conn, void *arg)
{
	char sql[64];

	/* PRAGMA takes no bound parameters; the value is an integer we formatted. */
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count=%lld", *(const long long *)arg);
	return conn_exec(conn, sql) == SQLITE_OK ? ERR_OK : ERR_INTERNAL;
}

enum err
db_set_max_pages(struct db *db, int64_t pages)
{
	long long n = pages;

	return db_write_wait(db, apply_max_pages, &n);
}

int
db_schema_version(struct db *db)
{
	return db->version;
}

int64_t
db_stamp_floor(const struct db *db)
{
	return db->stamp_floor;
}

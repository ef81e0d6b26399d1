/*
 * Opening, migrating and closing the database; the reader pool; the writer
 * thread and its group commit (db.h says why).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "db.h"
#include "schema.h"

/* At most this many queued writes share one transaction. */
#define BATCH_MAX 256

/*
 * The writer checkpoints the WAL itself, after a batch's callers have their
 * answers, once it holds this many pages (SQLite's own autocheckpoint would
 * run inside the COMMIT and make that batch's callers wait for it).
 */
#define CHECKPOINT_PAGES 1000

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
	pthread_t writer_thread;
	bool writer_started;
	int version;
	int wal_pages;		/* WAL size after the last commit (writer thread only) */
};

static int
note_wal_size(void *arg, sqlite3 *conn, const char *name, int pages)
{
	struct db *db = arg;

	db->wal_pages = pages;
	return SQLITE_OK;
}

static int
conn_open(struct db_conn *conn, const char *uri, bool memory, char *err, size_t errlen)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI |
		    SQLITE_OPEN_NOMUTEX;

	memset(conn, 0, sizeof(*conn));
	if (sqlite3_open_v2(uri, &conn->sqlite, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", uri,
		    conn->sqlite != NULL ? sqlite3_errmsg(conn->sqlite) : "out of memory");
		return -1;
	}
	sqlite3_extended_result_codes(conn->sqlite, 1);
	/* Writers are serialised by the writer thread; readers wait out a checkpoint. */
	sqlite3_busy_timeout(conn->sqlite, 5000);
	/*
	 * Debian builds SQLite with SECURE_DELETE, which zero-fills every freed
	 * page and so doubles the writes of a delete (a 10,000-cluster reset
	 * most of all). Nothing ackmock stores is secret (secrets are never
	 * stored, api.md section 3), so freed pages are left as they are.
	 */
	const char *pragmas = memory ? "PRAGMA foreign_keys=ON; PRAGMA secure_delete=OFF;"
				     : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
				       "PRAGMA foreign_keys=ON; PRAGMA secure_delete=OFF;";
	if (sqlite3_exec(conn->sqlite, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot configure database %s: %s", uri,
		    sqlite3_errmsg(conn->sqlite));
		return -1;
	}
	return 0;
}

static void
conn_close(struct db_conn *conn)
{
	for (int i = 0; i < CONN_STMT_CACHE; i++)
		sqlite3_finalize(conn->cache[i].stmt);
	sqlite3_close(conn->sqlite);
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

/*
 * Applies the migrations the database lacks, each in its own transaction
 * with its user_version bump, so a crash leaves a version that is entirely
 * applied or entirely not. Refuses a database from a newer ackmock.
 */
static int
migrate(struct db_conn *conn, const char *path, int *version, char *err, size_t errlen)
{
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
	for (; v < schema_version; v++) {
		const struct schema_migration *m = &schema_migrations[v];
		char bump[64];

		if (sqlite3_exec(conn->sqlite, m->sql, NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "migration %s failed: %s", m->name,
			    sqlite3_errmsg(conn->sqlite));
			goto fail;
		}
		snprintf(bump, sizeof(bump), "PRAGMA user_version=%d", m->number);
		if (conn_exec(conn, bump) != SQLITE_OK)
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

static void
run_batch(struct db *db, struct db_job *batch)
{
	struct db_conn *w = db->writer;
	bool any_ok = false;

	if (conn_exec(w, "BEGIN IMMEDIATE") != SQLITE_OK) {
		for (struct db_job *j = batch; j != NULL; j = j->next)
			j->result = ERR_INTERNAL;
		return;
	}
	for (struct db_job *j = batch; j != NULL; j = j->next) {
		if (conn_exec(w, "SAVEPOINT job") != SQLITE_OK) {
			j->result = ERR_INTERNAL;
			continue;
		}
		j->result = j->apply(w, j->arg);
		if (j->result != ERR_OK)
			conn_exec(w, "ROLLBACK TO job");
		else
			any_ok = true;
		conn_exec(w, "RELEASE job");
	}
	if (!any_ok) {
		conn_exec(w, "ROLLBACK");
		return;
	}
	if (conn_exec(w, "COMMIT") != SQLITE_OK) {
		/* Nothing of the batch is durable: every job that had succeeded fails now. */
		sqlite3_exec(w->sqlite, "ROLLBACK", NULL, NULL, NULL);
		for (struct db_job *j = batch; j != NULL; j = j->next)
			if (j->result == ERR_OK)
				j->result = ERR_INTERNAL;
	}
}

static void *
writer_main(void *arg)
{
	struct db *db = arg;

	for (;;) {
		struct db_job *batch, *rest, *last;
		int n = 1;

		pthread_mutex_lock(&db->queue_lock);
		while (db->queue_head == NULL && !db->stopping)
			pthread_cond_wait(&db->queue_cond, &db->queue_lock);
		if (db->queue_head == NULL) {
			pthread_mutex_unlock(&db->queue_lock);
			break;
		}
		batch = last = db->queue_head;
		while (!batch->bulk && last->next != NULL && !last->next->bulk && n < BATCH_MAX) {
			last = last->next;
			n++;
		}
		rest = last->next;
		last->next = NULL;
		db->queue_head = rest;
		if (rest == NULL)
			db->queue_tail = NULL;
		pthread_mutex_unlock(&db->queue_lock);

		if (batch->bulk) {
			/* The pragma is a no-op inside a transaction: set it around one. */
			conn_exec(db->writer, "PRAGMA foreign_keys=OFF");
			run_batch(db, batch);
			conn_exec(db->writer, "PRAGMA foreign_keys=ON");
		} else {
			run_batch(db, batch);
		}
		for (struct db_job *j = batch, *next; j != NULL; j = next) {
			next = j->next;	/* done may free the job */
			j->next = NULL;
			j->done(j);
		}
		if (db->wal_pages >= CHECKPOINT_PAGES) {
			sqlite3_wal_checkpoint_v2(db->writer->sqlite, NULL, SQLITE_CHECKPOINT_PASSIVE,
			    NULL, NULL);
			db->wal_pages = 0;
		}
	}
	return NULL;
}

struct db *
db_open(const char *path, int readers, char *err, size_t errlen)
{
	static atomic_int memory_counter;
	bool memory = strcmp(path, ":memory:") == 0;
	struct db *db = calloc(1, sizeof(*db));
	char *uri = NULL;
	int len;

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
	pthread_cond_init(&db->queue_cond, NULL);

	db->writer = calloc(1, sizeof(*db->writer));
	db->readers = calloc((size_t)readers, sizeof(*db->readers));
	if (db->writer == NULL || db->readers == NULL)
		goto oom;
	if (conn_open(db->writer, uri, memory, err, errlen) != 0)
		goto fail;
	if (migrate(db->writer, path, &db->version, err, errlen) != 0)
		goto fail;
	/* Replaces the autocheckpoint: writer_main checkpoints between batches instead. */
	sqlite3_wal_hook(db->writer->sqlite, note_wal_size, db);
	for (int i = 0; i < readers; i++) {
		if (conn_open(&db->readers[i], uri, memory, err, errlen) != 0)
			goto fail;
		db->nreaders++;
		db->readers[i].next_free = db->free_readers;
		db->free_readers = &db->readers[i];
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
	for (int i = 0; i < db->nreaders; i++)
		conn_close(&db->readers[i]);
	if (db->writer != NULL && db->writer->sqlite != NULL) {
		/* Fold the WAL back into the main file so the file alone is the database. */
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
		pthread_cond_destroy(&db->queue_cond);
	}
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
	if (err != ERR_OK)
		conn_exec(conn, "ROLLBACK TO nested");
	conn_exec(conn, "RELEASE nested");
	return err;
}

int
db_schema_version(struct db *db)
{
	return db->version;
}

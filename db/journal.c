/* The request journal's chunks: batched appends with eviction, queries, resets. */
#include <stdlib.h>
#include <string.h>

#include "admin_store.h"
#include "conn.h"
#include "journalpack.h"

/*
 * The journal is a ring of at most --journal-max entries, stored in chunks:
 * one row per flush, its entries packed (journalpack.h). Chunks are kept in
 * seq order, oldest first; the ring drops the oldest entries, so only the
 * oldest chunk is ever cut, and the entries stored are exactly the ring.
 */
static const char SQL_CHUNK_INSERT[] =
    "INSERT INTO journal_chunks (first_seq, last_seq, count, data) VALUES (?1, ?2, ?3, ?4)";

static const char SQL_CHUNK_UPDATE[] =
    "UPDATE journal_chunks SET first_seq = ?2, last_seq = ?3, count = ?4, data = ?5"
    " WHERE seq = ?1";

static const char SQL_CHUNK_DELETE[] = "DELETE FROM journal_chunks WHERE seq = ?1";

static const char SQL_CHUNK_OLDEST[] =
    "SELECT seq, first_seq, count, data, last_seq FROM journal_chunks ORDER BY seq LIMIT 1";

static const char SQL_CHUNK_ALL[] = "SELECT seq, first_seq, count, data FROM journal_chunks";

static const char SQL_CHUNK_NEWEST_FIRST[] =
    "SELECT seq, first_seq, count, data FROM journal_chunks ORDER BY seq DESC";

static const char SQL_CHUNK_TOTALS[] =
    "SELECT coalesce(sum(count), 0), (SELECT last_seq FROM journal_chunks ORDER BY seq DESC"
    " LIMIT 1) FROM journal_chunks";

static const char SQL_CHUNK_CLEAR[] = "DELETE FROM journal_chunks";

/* The rows of the journal table of schemas 1 to 4, packed by db_journal_adopt. */
static const char SQL_LEGACY_ROWS[] =
    "SELECT seq, real_ms, request_id, account, method, path, operation, status, error_code,"
    " duration_ms, body, headers FROM journal ORDER BY seq";

#define ADOPT_CHUNK 256

void
journal_rec_clear(struct journal_rec *rec)
{
	if (rec == NULL)
		return;
	if (rec->strings != NULL) {
		free(rec->strings);
	} else {
		free(rec->request_id);
		free(rec->account);
		free(rec->method);
		free(rec->path);
		free(rec->operation);
		free(rec->error_code);
		free(rec->body);
		free(rec->headers);
	}
	rec->request_id = rec->account = rec->method = rec->path = NULL;
	rec->operation = rec->error_code = rec->body = rec->headers = rec->strings = NULL;
}

/* Frees recs[0..n) and the array. */
static void
recs_free(struct journal_rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		journal_rec_clear(&recs[i]);
	free(recs);
}

/*
 * Stores a packed chunk of n entries numbered first_seq to last_seq as a
 * new row, or over chunk seq when seq > 0.
 */
static enum err
chunk_store(struct db_conn *conn, int64_t seq, const unsigned char *data, size_t len, size_t n,
    int64_t first_seq, int64_t last_seq)
{
	sqlite3_stmt *st = conn_stmt(conn, seq > 0 ? SQL_CHUNK_UPDATE : SQL_CHUNK_INSERT);
	int first = seq > 0 ? 2 : 1;
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	if (seq > 0)
		sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, first, first_seq);
	sqlite3_bind_int64(st, first + 1, last_seq);
	sqlite3_bind_int64(st, first + 2, (int64_t)n);
	sqlite3_bind_blob64(st, first + 3, data, len, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	else if (sqlite3_extended_errcode(sqlite3_db_handle(st)) == SQLITE_FULL)
		err = ERR_STORAGE_FULL;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return err;
}

/* Packs recs[0..n) (n > 0, seq ascending) and stores them as a new chunk, or over chunk seq. */
static enum err
chunk_write(struct db_conn *conn, int64_t seq, const struct journal_rec *recs, size_t n)
{
	unsigned char *data;
	size_t len = 0;
	enum err err;

	if ((data = journalpack_encode(recs, n, recs[0].seq, &len)) == NULL)
		return ERR_INTERNAL;
	err = chunk_store(conn, seq, data, len, n, recs[0].seq, recs[n - 1].seq);
	free(data);
	return err;
}

static enum err
chunk_delete(struct db_conn *conn, int64_t seq)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_CHUNK_DELETE);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
}

/* Decodes the chunk in st's current row (columns: seq, first_seq, count, data). */
static enum err
chunk_read(sqlite3_stmt *st, struct journal_rec **recs, size_t *n)
{
	const unsigned char *data = sqlite3_column_blob(st, 3);
	size_t len = (size_t)sqlite3_column_bytes(st, 3);

	if (data == NULL || !journalpack_decode(data, len, sqlite3_column_int64(st, 1), recs, n))
		return ERR_INTERNAL;
	return ERR_OK;
}

/* Makes sure conn knows how many entries are stored and the last seq given out. */
static enum err
journal_totals(struct db_conn *conn)
{
	sqlite3_stmt *st;
	enum err err = ERR_INTERNAL;

	if (conn->journal_known)
		return ERR_OK;
	if ((st = conn_stmt(conn, SQL_CHUNK_TOTALS)) == NULL)
		return ERR_INTERNAL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		conn->journal_total = sqlite3_column_int64(st, 0);
		conn->journal_last_seq = sqlite3_column_int64(st, 1);
		conn->journal_known = true;
		err = ERR_OK;
	}
	sqlite3_reset(st);
	return err;
}

/* Drops the oldest excess entries (excess > 0): whole chunks, and the head of the last one. */
static enum err
journal_evict(struct db_conn *conn, int64_t excess, int64_t *evicted)
{
	while (excess > 0) {
		sqlite3_stmt *st = conn_stmt(conn, SQL_CHUNK_OLDEST);
		const unsigned char *data;
		unsigned char *kept;
		size_t len = 0;
		int64_t seq, count, first_seq = 0, last_seq;
		enum err err;

		if (st == NULL)
			return ERR_INTERNAL;
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_reset(st);
			return ERR_INTERNAL;	/* the totals said there was more */
		}
		seq = sqlite3_column_int64(st, 0);
		count = sqlite3_column_int64(st, 2);
		if (count <= excess) {
			sqlite3_reset(st);
			if ((err = chunk_delete(conn, seq)) != ERR_OK)
				return err;
			excess -= count;
			*evicted += count;
			continue;
		}
		/*
		 * Only the head is cut: the entries dropped are walked over and
		 * the rest copied as packed (journalpack_cut). Unpacking the whole
		 * chunk and packing what was kept, as before, was 1.4 % of a create.
		 */
		data = sqlite3_column_blob(st, 3);
		last_seq = sqlite3_column_int64(st, 4);
		kept = data == NULL ? NULL
				    : journalpack_cut(data, (size_t)sqlite3_column_bytes(st, 3),
					  sqlite3_column_int64(st, 1), (size_t)excess, &first_seq, &len);
		sqlite3_reset(st);
		if (kept == NULL)
			return ERR_INTERNAL;
		err = chunk_store(conn, seq, kept, len, (size_t)(count - excess), first_seq, last_seq);
		free(kept);
		if (err != ERR_OK)
			return err;
		*evicted += excess;
		excess = 0;
	}
	return ERR_OK;
}

enum err
db_journal_append(struct db_conn *conn, const unsigned char *data, size_t len, size_t n,
                  int64_t max, int64_t *evicted)
{
	enum err err;

	*evicted = 0;
	if (n == 0)
		return ERR_OK;
	if ((err = journal_totals(conn)) != ERR_OK)
		return err;
	if ((err = chunk_store(conn, 0, data, len, n, conn->journal_last_seq + 1,
		 conn->journal_last_seq + (int64_t)n)) != ERR_OK)
		return err;
	conn->journal_last_seq += (int64_t)n;
	conn->journal_total += (int64_t)n;
	if (conn->journal_total > max) {
		err = journal_evict(conn, conn->journal_total - max, evicted);
		conn->journal_total -= *evicted;
	}
	return err;
}

/* Whether r matches f. */
static bool
journal_match(const struct journal_rec *r, const struct journal_filter *f)
{
	return (f->operation == NULL || strcmp(r->operation, f->operation) == 0) &&
	       (f->account == NULL || strcmp(r->account, f->account) == 0) &&
	       (f->status_min == 0 || (r->status >= f->status_min && r->status <= f->status_max));
}

enum err
db_journal_list(struct db_conn *conn, const struct journal_filter *f, struct journal_rec **out,
                size_t *n)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_CHUNK_NEWEST_FIRST);
	struct journal_rec *recs = NULL, *grown;
	size_t count = 0, cap = 0;
	enum err err = ERR_INTERNAL;
	int rc = SQLITE_DONE;

	if (st == NULL)
		return ERR_INTERNAL;
	while ((int64_t)count < f->limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct journal_rec *chunk;
		size_t m;

		if (chunk_read(st, &chunk, &m) != ERR_OK)
			goto done;
		/* Newest first: the chunk's entries from its end; each one kept is moved out. */
		for (size_t i = m; i-- > 0;) {
			if ((int64_t)count == f->limit || !journal_match(&chunk[i], f))
				continue;
			if (count == cap) {
				cap = cap != 0 ? cap * 2 : 16;
				if ((grown = realloc(recs, cap * sizeof(*recs))) == NULL) {
					recs_free(chunk, m);
					goto done;
				}
				recs = grown;
			}
			recs[count++] = chunk[i];
			chunk[i] = (struct journal_rec){0};
		}
		recs_free(chunk, m);
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		goto done;
	*out = recs;
	*n = count;
	recs = NULL;
	count = 0;
	err = ERR_OK;
done:
	sqlite3_reset(st);
	recs_free(recs, count);
	return err;
}

/* Deletes account's entries from every chunk; *count receives how many. */
static enum err
journal_reset_account(struct db_conn *conn, const char *account, int64_t *count)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_CHUNK_ALL);
	struct {
		int64_t seq;
		struct journal_rec *recs;
		size_t n;
	} *changed = NULL, *grown;
	size_t nchanged = 0, cap = 0;
	enum err err = ERR_OK;
	int rc = SQLITE_DONE;

	if (st == NULL)
		return ERR_INTERNAL;
	/* Read first, write after: a statement must not change the rows it walks. */
	while (err == ERR_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct journal_rec *recs;
		size_t n, kept = 0;

		if ((err = chunk_read(st, &recs, &n)) != ERR_OK)
			break;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(recs[i].account, account) == 0) {
				journal_rec_clear(&recs[i]);
				continue;
			}
			recs[kept++] = recs[i];
		}
		if (kept == n) {
			recs_free(recs, n);
			continue;
		}
		*count += (int64_t)(n - kept);
		if (nchanged == cap) {
			cap = cap != 0 ? cap * 2 : 16;
			if ((grown = realloc(changed, cap * sizeof(*changed))) == NULL) {
				recs_free(recs, kept);
				err = ERR_INTERNAL;
				break;
			}
			changed = grown;
		}
		changed[nchanged].seq = sqlite3_column_int64(st, 0);
		changed[nchanged].recs = recs;
		changed[nchanged++].n = kept;
	}
	if (err == ERR_OK && rc != SQLITE_DONE)
		err = ERR_INTERNAL;
	sqlite3_reset(st);
	for (size_t i = 0; i < nchanged; i++) {
		if (err == ERR_OK)
			err = changed[i].n == 0 ? chunk_delete(conn, changed[i].seq)
						: chunk_write(conn, changed[i].seq, changed[i].recs,
						      changed[i].n);
		recs_free(changed[i].recs, changed[i].n);
	}
	free(changed);
	return err;
}

enum err
db_journal_reset(struct db_conn *conn, const char *account, int64_t *count)
{
	sqlite3_stmt *st;
	enum err err;

	/* A reset may change the totals, and a rollback of it leaves them unknown. */
	conn->journal_known = false;
	if (account != NULL)
		return journal_reset_account(conn, account, count);
	if ((err = journal_totals(conn)) != ERR_OK)
		return err;
	if ((st = conn_stmt(conn, SQL_CHUNK_CLEAR)) == NULL)
		return ERR_INTERNAL;
	err = sqlite3_step(st) == SQLITE_DONE ? ERR_OK : ERR_INTERNAL;
	sqlite3_reset(st);
	if (err == ERR_OK)
		*count += conn->journal_total;
	conn->journal_known = false;
	return err;
}

enum err
db_journal_adopt(struct db_conn *conn)
{
	sqlite3_stmt *st;
	struct journal_rec recs[ADOPT_CHUNK];
	size_t n = 0;
	enum err err = ERR_OK;
	int rc = SQLITE_DONE;

	if (sqlite3_prepare_v2(conn->sqlite, SQL_LEGACY_ROWS, -1, &st, NULL) != SQLITE_OK)
		return ERR_OK;	/* no journal table: a database made at schema 5 or later */
	while (err == ERR_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct journal_rec *r = &recs[n];

		*r = (struct journal_rec){0};
		r->seq = sqlite3_column_int64(st, 0);
		r->real_ms = sqlite3_column_int64(st, 1);
		r->request_id = conn_column_dup(st, 2);
		r->account = conn_column_dup(st, 3);
		r->method = conn_column_dup(st, 4);
		r->path = conn_column_dup(st, 5);
		r->operation = conn_column_dup(st, 6);
		r->status = sqlite3_column_int(st, 7);
		r->error_code = conn_column_dup(st, 8);
		r->duration_ms = sqlite3_column_double(st, 9);
		r->body = conn_column_dup(st, 10);
		r->headers = conn_column_dup(st, 11);
		n++;
		if (n == ADOPT_CHUNK) {
			err = chunk_write(conn, 0, recs, n);
			for (size_t i = 0; i < n; i++)
				journal_rec_clear(&recs[i]);
			n = 0;
		}
	}
	if (err == ERR_OK && rc != SQLITE_DONE)
		err = ERR_INTERNAL;
	if (err == ERR_OK && n > 0)
		err = chunk_write(conn, 0, recs, n);
	for (size_t i = 0; i < n; i++)
		journal_rec_clear(&recs[i]);
	sqlite3_finalize(st);
	if (err == ERR_OK && conn_exec(conn, "DROP TABLE journal") != SQLITE_OK)
		err = ERR_INTERNAL;
	conn->journal_known = false;
	return err;
}

/* The request journal table: batched appends with eviction, and queries. */
#include <stdlib.h>
#include <string.h>

#include "admin_store.h"
#include "conn.h"

static const char SQL_JOURNAL_INSERT[] =
    "INSERT INTO journal (real_ms, request_id, account, method, path, operation, status,"
    " error_code, duration_ms, body, headers)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

/*
 * The journal is a ring: keep the newest max rows. The seq of the first row
 * past the cap is found through the primary key, so this costs a walk of at
 * most max index entries and no sort.
 */
static const char SQL_JOURNAL_EVICT[] =
    "DELETE FROM journal WHERE seq <= (SELECT seq FROM journal ORDER BY seq DESC"
    " LIMIT 1 OFFSET ?1)";

/*
 * The same cut when seq has no gaps (rows are appended at max(seq) + 1 and
 * evicted oldest first): a range of the primary key, no walk. An exact
 * eviction tells whether there are gaps: afterwards the ring holds exactly
 * max rows, which span exactly max seq values when there are none.
 */
static const char SQL_JOURNAL_EVICT_FAST[] =
    "DELETE FROM journal WHERE seq <= (SELECT max(seq) FROM journal) - ?1";

/* Two subqueries: min() and max() in one SELECT scan the table; alone, each is one index lookup. */
static const char SQL_JOURNAL_SPAN[] =
    "SELECT (SELECT max(seq) FROM journal) - (SELECT min(seq) FROM journal) + 1";

static const char SQL_JOURNAL_LIST[] =
    "SELECT seq, real_ms, request_id, account, method, path, operation, status, error_code,"
    " duration_ms, body, headers FROM journal"
    " WHERE (?1 IS NULL OR operation = ?1) AND (?2 IS NULL OR account = ?2)"
    " AND (?3 = 0 OR status BETWEEN ?3 AND ?4)"
    " ORDER BY seq DESC LIMIT ?5";

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

enum err
db_journal_append(struct db_conn *conn, const struct journal_rec *recs, size_t n, int64_t max,
                  int64_t *evicted)
{
	sqlite3_stmt *st;
	enum err err = ERR_INTERNAL;

	/*
	 * One statement for the batch; the texts are bound SQLITE_STATIC, as
	 * the records outlive the step (copying them cost as much as the insert).
	 */
	if ((st = conn_stmt(conn, SQL_JOURNAL_INSERT)) == NULL)
		return ERR_INTERNAL;
	for (size_t i = 0; i < n; i++) {
		const struct journal_rec *r = &recs[i];
		const char *text[] = {
		    r->request_id,
		    r->account,
		    r->method,
		    r->path,
		    r->operation,
		    r->error_code != NULL ? r->error_code : "",
		    r->body != NULL ? r->body : "",
		    r->headers != NULL ? r->headers : "{}",
		};
		static const int column[] = {2, 3, 4, 5, 6, 8, 10, 11};

		sqlite3_bind_int64(st, 1, r->real_ms);
		sqlite3_bind_int(st, 7, r->status);
		sqlite3_bind_double(st, 9, r->duration_ms);
		for (size_t k = 0; k < sizeof(column) / sizeof(column[0]); k++) {
			if (text[k] == NULL)
				sqlite3_bind_null(st, column[k]);
			else	/* with its length: SQLite would count it a byte at a time */
				sqlite3_bind_text(st, column[k], text[k], (int)strlen(text[k]),
				    SQLITE_STATIC);
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return ERR_INTERNAL;
		}
		sqlite3_reset(st);
	}
	/* No binding may outlive the records it points into. */
	sqlite3_clear_bindings(st);
	/*
	 * Until the ring is full, nothing is evicted: a span of seq no longer
	 * than max holds at most max rows, and the span is two index lookups
	 * where SQL_JOURNAL_EVICT walks every row (all of them, while the ring
	 * fills).
	 */
	if (!conn->journal_contiguous) {
		int64_t span = 0;

		if ((st = conn_stmt(conn, SQL_JOURNAL_SPAN)) == NULL)
			return ERR_INTERNAL;
		if (sqlite3_step(st) == SQLITE_ROW)
			span = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (span <= max) {
			*evicted = 0;
			return ERR_OK;
		}
	}
	/* The walk of SQL_JOURNAL_EVICT cost 10,000 index steps per flush at the default cap. */
	if ((st = conn_stmt(conn, conn->journal_contiguous ? SQL_JOURNAL_EVICT_FAST
	                                                   : SQL_JOURNAL_EVICT)) == NULL)
		return ERR_INTERNAL;
	sqlite3_bind_int64(st, 1, max);
	if (sqlite3_step(st) == SQLITE_DONE) {
		*evicted = sqlite3_changes(sqlite3_db_handle(st));
		err = ERR_OK;
	}
	sqlite3_reset(st);
	if (err != ERR_OK || conn->journal_contiguous || *evicted == 0)
		return err;
	if ((st = conn_stmt(conn, SQL_JOURNAL_SPAN)) == NULL)
		return ERR_INTERNAL;
	if (sqlite3_step(st) == SQLITE_ROW)
		conn->journal_contiguous = sqlite3_column_int64(st, 0) == max;
	sqlite3_reset(st);
	return err;
}

enum err
db_journal_list(struct db_conn *conn, const struct journal_filter *f, struct journal_rec **out,
                size_t *n)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_JOURNAL_LIST);
	struct journal_rec *recs = NULL, *grown;
	size_t count = 0, cap = 0;
	enum err err = ERR_INTERNAL;
	int rc;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, f->operation);
	conn_bind_text(st, 2, f->account);
	sqlite3_bind_int(st, 3, f->status_min);
	sqlite3_bind_int(st, 4, f->status_max);
	sqlite3_bind_int64(st, 5, f->limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct journal_rec *r;

		if (count == cap) {
			cap = cap != 0 ? cap * 2 : 16;
			if ((grown = realloc(recs, cap * sizeof(*recs))) == NULL)
				goto done;
			recs = grown;
		}
		r = &recs[count++];
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
		if (r->request_id == NULL || r->account == NULL || r->method == NULL ||
		    r->path == NULL || r->operation == NULL || r->error_code == NULL ||
		    r->body == NULL || r->headers == NULL)
			goto done;
	}
	if (rc != SQLITE_DONE)
		goto done;
	*out = recs;
	*n = count;
	recs = NULL;
	count = 0;
	err = ERR_OK;
done:
	sqlite3_reset(st);
	for (size_t i = 0; i < count; i++)
		journal_rec_clear(&recs[i]);
	free(recs);
	return err;
}

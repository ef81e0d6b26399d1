/* The tasks table. */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "store.h"

#define TASK_COLUMNS                                                                   \
	"seq, task_id, cluster_id, account, task_type, state, created_ms, updated_ms," \
	" parameters, plan, settle_state, settle_ms"

/*
 * A create task stored in its cluster's row (schema/007), as TASK_COLUMNS:
 * a task that has not been written back since it was made, its plan packed
 * as specs are (specpack.h). Clusters from before 007 have no
 * create_task_id; their create tasks are rows of tasks.
 */
#define CREATE_TASK_COLUMNS                                                                \
	"seq, create_task_id, cluster_id, account, 'cluster_create', 'running', created_ms," \
	" created_ms, '{}', spec_json(create_task_plan), create_task_outcome, create_task_end_ms"

static const char SQL_TASK_INSERT[] =
    "INSERT INTO tasks (seq, task_id, cluster_seq, cluster_id, account, task_type, state, created_ms,"
    " updated_ms, parameters, plan, settle_state, settle_ms)"
    " VALUES (id_seq(?1), ?1, id_seq(?2), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

/* A create task's stamp is its cluster's rowid; any other task's, its own row's. */
static const char SQL_TASK_GET[] =
    "SELECT " CREATE_TASK_COLUMNS " FROM clusters"
    " WHERE seq = id_seq(?1) AND create_task_id = ?1 AND account = ?2"
    " UNION ALL"
    " SELECT " TASK_COLUMNS " FROM tasks"
    " WHERE seq = id_seq(?1) AND task_id = ?1 AND account = ?2";

static const char SQL_TASK_LIST[] =
    "SELECT " TASK_COLUMNS " FROM tasks"
    " WHERE cluster_seq = id_seq(?1) AND cluster_id = ?1 AND account = ?2"
    " UNION ALL"
    " SELECT " CREATE_TASK_COLUMNS " FROM clusters"
    " WHERE seq = id_seq(?1) AND cluster_id = ?1 AND account = ?2 AND create_task_id IS NOT NULL"
    " ORDER BY created_ms DESC, seq DESC LIMIT ?3 OFFSET ?4";

static const char SQL_TASK_COUNT[] =
    "SELECT (SELECT count(*) FROM tasks"
    " WHERE cluster_seq = id_seq(?1) AND cluster_id = ?1 AND account = ?2)"
    " + (SELECT count(*) FROM clusters"
    " WHERE seq = id_seq(?1) AND cluster_id = ?1 AND account = ?2 AND create_task_id IS NOT NULL)";

/* The strings live in t's own allocation (task_row). */
void
task_rec_free(struct task_rec *t)
{
	free(t);
}

void
task_recs_free(struct task_rec **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		task_rec_free(v[i]);
	free(v);
}

enum err
db_task_insert(struct db_conn *conn, const struct task_rec *t)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_TASK_INSERT);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text_static(st, 1, t->task_id);
	conn_bind_text_static(st, 2, t->cluster_id);
	conn_bind_text_static(st, 3, t->account);
	conn_bind_text_static(st, 4, t->task_type);
	conn_bind_text_static(st, 5, t->state);
	sqlite3_bind_int64(st, 6, t->created_ms);
	sqlite3_bind_int64(st, 7, t->updated_ms);
	conn_bind_text_static(st, 8, t->parameters != NULL ? t->parameters : "{}");
	conn_bind_text_static(st, 9, t->plan != NULL ? t->plan : "{}");
	conn_bind_text_static(st, 10, t->settle_state);
	conn_bind_time(st, 11, t->settle_state != NULL ? t->settle_ms : STORE_NEVER);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
}

/* The text columns of TASK_COLUMNS, in the order task_row lays them out. */
static const int task_text_columns[] = {1, 2, 3, 4, 5, 8, 9, 10};

/*
 * Reads the TASK_COLUMNS of the current row into one allocation, the record
 * followed by its strings: a read of a task made ten allocations and ten
 * frees before. NULL when out of memory.
 */
static struct task_rec *
task_row(sqlite3_stmt *st)
{
	enum { NTEXT = sizeof(task_text_columns) / sizeof(task_text_columns[0]) };
	const unsigned char *text[NTEXT];
	size_t len[NTEXT], total = sizeof(struct task_rec);
	char **field[NTEXT];
	struct task_rec *t;
	char *o;

	for (size_t i = 0; i < NTEXT; i++) {
		/* Text first, then its length: the length of the text as converted. */
		text[i] = sqlite3_column_text(st, task_text_columns[i]);
		len[i] = (size_t)sqlite3_column_bytes(st, task_text_columns[i]);
		if (text[i] == NULL && sqlite3_column_type(st, task_text_columns[i]) != SQLITE_NULL)
			return NULL;
		if (text[i] != NULL)
			total += len[i] + 1;
	}
	if ((t = malloc(total)) == NULL)
		return NULL;
	*t = (struct task_rec){
	    .seq = sqlite3_column_int64(st, 0),
	    .created_ms = sqlite3_column_int64(st, 6),
	    .updated_ms = sqlite3_column_int64(st, 7),
	    .settle_ms = conn_column_time(st, 11),
	};
	field[0] = &t->task_id;
	field[1] = &t->cluster_id;
	field[2] = &t->account;
	field[3] = &t->task_type;
	field[4] = &t->state;
	field[5] = &t->parameters;
	field[6] = &t->plan;
	field[7] = &t->settle_state;
	o = (char *)(t + 1);
	for (size_t i = 0; i < NTEXT; i++) {
		if (text[i] == NULL)
			continue;
		memcpy(o, text[i], len[i]);
		o[len[i]] = '\0';
		*field[i] = o;
		o += len[i] + 1;
	}
	/* Only settle_state may be NULL (the schema's NOT NULLs). */
	if (t->task_id == NULL || t->cluster_id == NULL || t->account == NULL ||
	    t->task_type == NULL || t->state == NULL || t->parameters == NULL || t->plan == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

enum err
db_task_get(struct db_conn *conn, const char *account, const char *task_id, struct task_rec **out)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_TASK_GET);
	struct task_rec *t = NULL;
	enum err err = ERR_INTERNAL;
	int rc;

	if (st == NULL)
		return ERR_INTERNAL;
	/* Static: both outlive the step; conn_stmt clears the bindings before the next use. */
	conn_bind_text_static(st, 1, task_id);
	conn_bind_text_static(st, 2, account);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err = ERR_TASK_NOT_FOUND;
		goto done;
	}
	if (rc != SQLITE_ROW || (t = task_row(st)) == NULL)
		goto done;
	*out = t;
	t = NULL;
	err = ERR_OK;
done:
	sqlite3_reset(st);
	task_rec_free(t);
	return err;
}

enum err
db_task_list(struct db_conn *conn, const char *account, const char *cluster_id, int64_t offset,
    int64_t limit, struct task_rec ***out, size_t *n, int64_t *total)
{
	sqlite3_stmt *count = conn_stmt(conn, SQL_TASK_COUNT);
	sqlite3_stmt *st = conn_stmt(conn, SQL_TASK_LIST);
	struct task_rec **v = NULL;
	size_t len = 0;
	int64_t matches = 0;
	enum err err = ERR_INTERNAL;
	int rc;

	if (count == NULL || st == NULL || limit < 0 || limit > 1000)
		return ERR_INTERNAL;
	if (conn_exec(conn, "BEGIN") != SQLITE_OK)
		return ERR_INTERNAL;
	conn_bind_text(count, 1, cluster_id);
	conn_bind_text(count, 2, account);
	if (sqlite3_step(count) != SQLITE_ROW)
		goto done;
	matches = sqlite3_column_int64(count, 0);
	if ((v = calloc((size_t)limit + 1, sizeof(*v))) == NULL)
		goto done;
	conn_bind_text(st, 1, cluster_id);
	conn_bind_text(st, 2, account);
	sqlite3_bind_int64(st, 3, limit);
	sqlite3_bind_int64(st, 4, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == (size_t)limit || (v[len] = task_row(st)) == NULL)
			goto done;
		len++;
	}
	if (rc != SQLITE_DONE)
		goto done;
	*out = v;
	*n = len;
	*total = matches;
	v = NULL;
	err = ERR_OK;
done:
	sqlite3_reset(count);
	sqlite3_reset(st);
	conn_exec(conn, "COMMIT");
	task_recs_free(v, len);
	return err;
}

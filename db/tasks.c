/* The tasks table. */
#include <stdlib.h>

#include "conn.h"
#include "store.h"

static const char SQL_TASK_INSERT[] =
    "INSERT INTO tasks (task_id, cluster_id, account, task_type, state, created_ms,"
    " updated_ms, parameters, plan) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

static const char SQL_TASK_GET[] =
    "SELECT seq, task_id, cluster_id, account, task_type, state, created_ms, updated_ms,"
    " parameters, plan FROM tasks WHERE task_id = ?1 AND account = ?2";

void
task_rec_free(struct task_rec *t)
{
	if (t == NULL)
		return;
	free(t->task_id);
	free(t->cluster_id);
	free(t->account);
	free(t->task_type);
	free(t->state);
	free(t->parameters);
	free(t->plan);
	free(t);
}

enum err
db_task_insert(struct db_conn *conn, const struct task_rec *t)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_TASK_INSERT);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, t->task_id);
	conn_bind_text(st, 2, t->cluster_id);
	conn_bind_text(st, 3, t->account);
	conn_bind_text(st, 4, t->task_type);
	conn_bind_text(st, 5, t->state);
	sqlite3_bind_int64(st, 6, t->created_ms);
	sqlite3_bind_int64(st, 7, t->updated_ms);
	conn_bind_text(st, 8, t->parameters != NULL ? t->parameters : "{}");
	conn_bind_text(st, 9, t->plan != NULL ? t->plan : "{}");
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
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
	conn_bind_text(st, 1, task_id);
	conn_bind_text(st, 2, account);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err = ERR_TASK_NOT_FOUND;
		goto done;
	}
	if (rc != SQLITE_ROW || (t = calloc(1, sizeof(*t))) == NULL)
		goto done;
	t->seq = sqlite3_column_int64(st, 0);
	t->task_id = conn_column_dup(st, 1);
	t->cluster_id = conn_column_dup(st, 2);
	t->account = conn_column_dup(st, 3);
	t->task_type = conn_column_dup(st, 4);
	t->state = conn_column_dup(st, 5);
	t->created_ms = sqlite3_column_int64(st, 6);
	t->updated_ms = sqlite3_column_int64(st, 7);
	t->parameters = conn_column_dup(st, 8);
	t->plan = conn_column_dup(st, 9);
	if (t->task_id == NULL || t->cluster_id == NULL || t->account == NULL ||
	    t->task_type == NULL || t->state == NULL || t->parameters == NULL || t->plan == NULL)
		goto done;
	*out = t;
	t = NULL;
	err = ERR_OK;
done:
	sqlite3_reset(st);
	task_rec_free(t);
	return err;
}

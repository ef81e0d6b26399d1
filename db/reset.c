/*
 * POST /_mock/reset (admin.md section 2) and the state counts of the
 * metrics gauges. A full reset uses unconditioned DELETEs, children first:
 * with no WHERE clause SQLite drops the rows page by page instead of
 * searching them, and deleting tasks and nodes before clusters leaves the
 * foreign-key cascade nothing to look up.
 */
#include <string.h>

#include "admin_store.h"
#include "conn.h"

static const char SQL_RESET_NODES[] = "DELETE FROM nodes";
static const char SQL_RESET_TASKS[] = "DELETE FROM tasks";
static const char SQL_RESET_CLUSTERS[] = "DELETE FROM clusters";
static const char SQL_RESET_FAULTS[] = "DELETE FROM faults";
static const char SQL_RESET_NONCES[] = "DELETE FROM nonces";

static const char SQL_RESET_ACCOUNT_NODES[] =
    "DELETE FROM nodes WHERE cluster_seq IN (SELECT seq FROM clusters WHERE account = ?1)";
static const char SQL_RESET_ACCOUNT_TASKS[] =
    "DELETE FROM tasks WHERE account = ?1 OR cluster_seq IN"
    " (SELECT seq FROM clusters WHERE account = ?1)";
static const char SQL_RESET_ACCOUNT_CLUSTERS[] = "DELETE FROM clusters WHERE account = ?1";
static const char SQL_RESET_ACCOUNT_FAULTS[] =
    "DELETE FROM faults WHERE json_extract(rule, '$.match.account') = ?1";
static const char SQL_RESET_ACCOUNT_NONCES[] = "DELETE FROM nonces WHERE access_key_id = ?1";

/* The create tasks stored in cluster rows (schema/007) go with their rows: counted first. */
static const char SQL_CREATE_TASKS[] =
    "SELECT count(*) FROM clusters WHERE create_task_id IS NOT NULL";
static const char SQL_ACCOUNT_CREATE_TASKS[] =
    "SELECT count(*) FROM clusters WHERE account = ?1 AND create_task_id IS NOT NULL";

/* By the state at ?1: most transitions stay pending in the rows (schema/004). */
static const char SQL_COUNT_CLUSTERS[] =
    "SELECT CASE WHEN settle_ms <= ?1 THEN settle_state ELSE state END AS s, count(*)"
    " FROM clusters GROUP BY s ORDER BY s";
static const char SQL_COUNT_TASKS[] =
    "SELECT s, count(*) FROM"
    " (SELECT CASE WHEN settle_ms <= ?1 THEN settle_state ELSE state END AS s FROM tasks"
    " UNION ALL"
    " SELECT CASE WHEN create_task_end_ms <= ?1 THEN create_task_outcome ELSE 'running' END"
    " FROM clusters WHERE create_task_id IS NOT NULL)"
    " GROUP BY s ORDER BY s";

/*
 * Runs sql with ?1 bound to text (when not NULL) and adds what it counts to
 * *count: the rows a DELETE deleted, or the number a SELECT count(*) reads.
 */
static enum err
run_counting(struct db_conn *conn, const char *sql, const char *text, int64_t *count)
{
	sqlite3_stmt *st = conn_stmt(conn, sql);
	enum err err = ERR_OK;

	if (st == NULL)
		return ERR_INTERNAL;
	if (text != NULL)
		conn_bind_text(st, 1, text);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*count += sqlite3_column_int64(st, 0);
		break;
	case SQLITE_DONE:
		*count += sqlite3_changes(sqlite3_db_handle(st));
		break;
	default:
		err = ERR_INTERNAL;
	}
	sqlite3_reset(st);
	return err;
}

enum err
db_reset(struct db_conn *conn, const char *account, const char *const *keys, size_t nkeys,
         struct reset_counts *out)
{
	struct reset_counts c = {0};
	enum err err;

	if (account == NULL) {
		if ((err = run_counting(conn, SQL_RESET_NODES, NULL, &c.nodes)) != ERR_OK ||
		    (err = run_counting(conn, SQL_RESET_TASKS, NULL, &c.tasks)) != ERR_OK ||
		    (err = run_counting(conn, SQL_CREATE_TASKS, NULL, &c.tasks)) != ERR_OK ||
		    (err = run_counting(conn, SQL_RESET_CLUSTERS, NULL, &c.clusters)) != ERR_OK ||
		    (err = db_journal_reset(conn, NULL, &c.journal)) != ERR_OK ||
		    (err = run_counting(conn, SQL_RESET_FAULTS, NULL, &c.faults)) != ERR_OK ||
		    (err = run_counting(conn, SQL_RESET_NONCES, NULL, &c.nonces)) != ERR_OK)
			return err;
		*out = c;
		return ERR_OK;
	}
	if ((err = run_counting(conn, SQL_RESET_ACCOUNT_NODES, account, &c.nodes)) != ERR_OK ||
	    (err = run_counting(conn, SQL_RESET_ACCOUNT_TASKS, account, &c.tasks)) != ERR_OK ||
	    (err = run_counting(conn, SQL_ACCOUNT_CREATE_TASKS, account, &c.tasks)) != ERR_OK ||
	    (err = run_counting(conn, SQL_RESET_ACCOUNT_CLUSTERS, account, &c.clusters)) != ERR_OK ||
	    (err = db_journal_reset(conn, account, &c.journal)) != ERR_OK ||
	    (err = run_counting(conn, SQL_RESET_ACCOUNT_FAULTS, account, &c.faults)) != ERR_OK ||
	    (err = run_counting(conn, SQL_RESET_ACCOUNT_NONCES, account, &c.nonces)) != ERR_OK)
		return err;
	for (size_t i = 0; i < nkeys; i++) {
		/* The account name itself is one key already deleted above. */
		if (strcmp(keys[i], account) == 0)
			continue;
		if ((err = run_counting(conn, SQL_RESET_ACCOUNT_NONCES, keys[i], &c.nonces)) !=
		    ERR_OK)
			return err;
	}
	*out = c;
	return ERR_OK;
}

enum err
db_count_states(struct db_conn *conn, const char *table, int64_t now,
                void (*fn)(void *arg, const char *state, int64_t count), void *arg)
{
	sqlite3_stmt *st;
	enum err err = ERR_INTERNAL;
	int rc;

	if (strcmp(table, "clusters") == 0)
		st = conn_stmt(conn, SQL_COUNT_CLUSTERS);
	else if (strcmp(table, "tasks") == 0)
		st = conn_stmt(conn, SQL_COUNT_TASKS);
	else
		return ERR_INTERNAL;
	if (st == NULL)
		return ERR_INTERNAL;
	sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
	if (rc == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
}

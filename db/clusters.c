/* The clusters table. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "ids.h"
#include "specpack.h"
#include "store.h"

#define CLUSTER_COLUMNS                                                                   \
	"c.seq, c.cluster_id, c.account, c.name, c.region_id, c.cluster_type, c.state,"    \
	" c.created_ms, c.updated_ms, c.spec, c.settle_state, c.settle_ms, c.running_ms," \
	" c.lb_id, c.lb_from_ms, c.lb_until_ms, c.api_ip"

/* The filters of db_cluster_list; ?1 is the instant, ?2 the account. */
#define CLUSTER_LIST_WHERE                                                                  \
	" WHERE c.account = ?2"                                                            \
	" AND (CASE WHEN c.settle_ms <= ?1 THEN c.settle_state ELSE c.state END) <> 'deleted'" \
	" AND (?3 IS NULL OR instr(c.name, ?3) > 0)"                                       \
	" AND (?4 IS NULL OR c.cluster_type = ?4)"                                         \
	" AND (?5 IS NULL OR c.region_id = ?5)"                                            \
	" AND (?6 IS NULL OR c.cluster_id = ?6)"                                           \
	" AND (?7 IS NULL OR coalesce(json_extract(spec_json(c.spec), '$.cluster_spec'), 'ack.standard') = ?7)" \
	" AND (?8 IS NULL OR coalesce(json_extract(spec_json(c.spec), '$.profile'), 'Default') = ?8)"

static const char SQL_CLUSTER_INSERT[] =
    "INSERT INTO clusters (seq, cluster_id, account, name, region_id, cluster_type, state,"
    " created_ms, updated_ms, spec, settle_state, settle_ms, running_ms, lb_id, lb_from_ms,"
    " lb_until_ms, api_ip, create_task_id, create_task_plan, create_task_outcome,"
    " create_task_end_ms)"
    " VALUES (id_seq(?1), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
    " ?17, ?18, ?19, ?20)";

static const char SQL_CLUSTER_GET[] =
    "SELECT " CLUSTER_COLUMNS " FROM clusters c"
    " WHERE c.seq = id_seq(?1) AND c.cluster_id = ?1 AND c.account = ?2";

static const char SQL_CLUSTER_NAME_LIVE[] =
    "SELECT 1 FROM clusters WHERE account = ?1 AND name = ?2 AND state <> 'deleted' LIMIT 1";

static const char SQL_CLUSTER_LIST[] =
    "SELECT " CLUSTER_COLUMNS ", (SELECT count(*) FROM nodes n WHERE n.cluster_seq = c.seq"
    " AND n.created_ms <= ?1 AND (n.deleted_ms IS NULL OR n.deleted_ms > ?1))"
    " FROM clusters c" CLUSTER_LIST_WHERE
    " ORDER BY c.created_ms DESC, c.seq DESC LIMIT ?9 OFFSET ?10";

static const char SQL_CLUSTER_COUNT[] = "SELECT count(*) FROM clusters c" CLUSTER_LIST_WHERE;

/*
 * The unfiltered count, from clusters_by_account alone (it holds every
 * column read here), and the next virtual instant at which a cluster of the
 * account turns deleted, until which the count holds.
 */
static const char SQL_CLUSTER_COUNT_ALL[] =
    "SELECT sum((CASE WHEN settle_ms <= ?1 THEN settle_state ELSE state END) <> 'deleted'),"
    " min(CASE WHEN settle_state = 'deleted' AND settle_ms > ?1 THEN settle_ms END)"
    " FROM clusters WHERE account = ?2";

static const char SQL_CLUSTER_SET_STATE[] =
    "UPDATE clusters SET state = ?2, settle_state = ?3, settle_ms = ?4, updated_ms = ?5"
    " WHERE seq = id_seq(?1) AND cluster_id = ?1";

/*
 * A transition that has come due is written back with the change (all of
 * SET reads the old row), so that updated_ms is the modification's time.
 */
static const char SQL_CLUSTER_MODIFY[] =
    "UPDATE clusters SET name = ?2, spec = ?3, updated_ms = ?4,"
    " state = CASE WHEN settle_ms <= ?4 THEN settle_state ELSE state END,"
    " settle_state = CASE WHEN settle_ms <= ?4 THEN NULL ELSE settle_state END,"
    " settle_ms = CASE WHEN settle_ms <= ?4 THEN NULL ELSE settle_ms END"
    " WHERE seq = id_seq(?1) AND cluster_id = ?1";

/*
 * Only the transitions to deleted are written back (schema/004): what a
 * write reads from the stored state is whether a cluster is deleted.
 *
 * OR IGNORE: an UPDATE of many rows that may abort on a constraint keeps a
 * statement journal, a copy of every page it changes (in memory: temp_store),
 * even outside a savepoint; one that cannot abort needs none. A settle
 * breaks no constraint (settle_state passes the CHECKs state does), and a
 * row that somehow did would be left pending rather than fail every write.
 */
static const char SQL_SETTLE_CLUSTERS[] =
    "UPDATE OR IGNORE clusters SET state = settle_state, updated_ms = settle_ms,"
    " settle_state = NULL, settle_ms = NULL WHERE settle_state = 'deleted' AND settle_ms <= ?1";

/*
 * A delete task's transition is its cluster's (it ends when the cluster
 * turns deleted), so the due tasks are found through the due clusters
 * (clusters_deleting, then tasks_by_cluster); a create task stored as a
 * row of tasks (before schema/007), long due, is written back with them.
 * One stored in its cluster's row is never written back: nothing changes
 * it, and its state is read from its outcome and end. Runs before the
 * clusters' settle, which clears what it looks up.
 */
static const char SQL_SETTLE_TASKS[] =
    "UPDATE OR IGNORE tasks SET state = settle_state, updated_ms = settle_ms,"
    " settle_state = NULL, settle_ms = NULL WHERE cluster_seq IN"
    " (SELECT seq FROM clusters WHERE settle_state = 'deleted' AND settle_ms <= ?1)"
    " AND settle_ms <= ?1";

/* The earliest pending deletion, from the partial index clusters_deleting. */
static const char SQL_SETTLE_NEXT[] =
    "SELECT min(settle_ms) FROM clusters WHERE settle_state = 'deleted'";

static const char SQL_CLUSTER_COUNT_LIVE[] =
    "SELECT count(*) FROM clusters WHERE account = ?1 AND state <> 'deleted'";

static const char SQL_CLUSTER_VPC_CIDRS[] =
    "SELECT cluster_id, json_extract(spec_json(spec), '$.container_cidr') FROM clusters"
    " WHERE account = ?1 AND state <> 'deleted' AND json_extract(spec_json(spec), '$.vpcid') = ?2";

void
cluster_rec_free(struct cluster_rec *c)
{
	if (c == NULL)
		return;
	free(c->cluster_id);
	free(c->account);
	free(c->name);
	free(c->region_id);
	free(c->cluster_type);
	free(c->state);
	free(c->spec);
	free(c->spec_stored);
	free(c->settle_state);
	free(c->lb_id);
	free(c->api_ip);
	free(c);
}

void
cluster_recs_free(struct cluster_rec **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		cluster_rec_free(v[i]);
	free(v);
}

char *
db_spec_pack(const char *json, size_t json_len, size_t *len)
{
	return specpack_pack(json, json_len, len);
}

char *
db_spec_json(const char *stored, size_t len)
{
	size_t out_len;

	return specpack_unpack(stored, len, &out_len);
}

/*
 * Binds a spec's (or a create task's plan's) JSON text packed (specpack.h);
 * the statement frees the packed copy.
 */
static int
bind_spec(sqlite3_stmt *st, int index, const char *json)
{
	size_t len;
	char *packed;

	if (json == NULL)
		return sqlite3_bind_null(st, index);
	if ((packed = specpack_pack(json, strlen(json), &len)) == NULL)
		return SQLITE_NOMEM;
	return sqlite3_bind_text(st, index, packed, (int)len, free);
}

/*
 * Binds a create task's plan packed, from the connection's copy of the
 * last one when the plan is the same (struct db_conn): SQLITE_STATIC, as
 * the copy is only replaced by the next insert, after this one is stepped.
 */
static int
bind_plan(struct db_conn *conn, sqlite3_stmt *st, int index, const char *json)
{
	size_t len = strlen(json), packed_len;
	char *packed, *copy;

	if (conn->plan_json != NULL && len == conn->plan_json_len &&
	    memcmp(json, conn->plan_json, len) == 0)
		return sqlite3_bind_text(st, index, conn->plan_packed, (int)conn->plan_packed_len,
		    SQLITE_STATIC);
	if ((packed = specpack_pack(json, len, &packed_len)) == NULL)
		return SQLITE_NOMEM;
	/* Out of memory for the copy: bound as before, and not kept. */
	if ((copy = malloc(len + 1)) == NULL)
		return sqlite3_bind_text(st, index, packed, (int)packed_len, free);
	memcpy(copy, json, len + 1);
	free(conn->plan_json);
	free(conn->plan_packed);
	conn->plan_json = copy;
	conn->plan_json_len = len;
	conn->plan_packed = packed;
	conn->plan_packed_len = packed_len;
	return sqlite3_bind_text(st, index, packed, (int)packed_len, SQLITE_STATIC);
}

enum err
db_cluster_insert(struct db_conn *conn, const struct cluster_rec *c, const struct task_rec *create)
{
	sqlite3_stmt *st;
	enum err err = ERR_INTERNAL;

	/* The task is found through its stamp: it must be the row's (ids_create_task). */
	if (!ids_is_create_task_of(create->task_id, c->cluster_id) || create->settle_state == NULL ||
	    (st = conn_stmt(conn, SQL_CLUSTER_INSERT)) == NULL)
		return ERR_INTERNAL;
	conn_bind_text_static(st, 1, c->cluster_id);
	conn_bind_text_static(st, 2, c->account);
	conn_bind_text_static(st, 3, c->name);
	conn_bind_text_static(st, 4, c->region_id);
	conn_bind_text_static(st, 5, c->cluster_type);
	conn_bind_text_static(st, 6, c->state);
	sqlite3_bind_int64(st, 7, c->created_ms);
	sqlite3_bind_int64(st, 8, c->updated_ms);
	if (c->spec_stored != NULL)
		sqlite3_bind_text(st, 9, c->spec_stored, (int)c->spec_stored_len, SQLITE_STATIC);
	else if (bind_spec(st, 9, c->spec) != SQLITE_OK)
		return ERR_INTERNAL;
	/* A record without a pending transition has none, whatever its times say. */
	conn_bind_text_static(st, 10, c->settle_state);
	conn_bind_time(st, 11, c->settle_state != NULL ? c->settle_ms : STORE_NEVER);
	conn_bind_time(st, 12, c->settle_state != NULL ? c->running_ms : STORE_NEVER);
	conn_bind_text_static(st, 13, c->lb_id != NULL ? c->lb_id : "");
	conn_bind_time(st, 14, c->lb_id != NULL ? c->lb_from_ms : STORE_NEVER);
	conn_bind_time(st, 15, c->lb_id != NULL ? c->lb_until_ms : STORE_NEVER);
	conn_bind_text_static(st, 16, c->api_ip != NULL ? c->api_ip : "");
	conn_bind_text_static(st, 17, create->task_id);
	if (bind_plan(conn, st, 18, create->plan != NULL ? create->plan : "{}") != SQLITE_OK)
		return ERR_INTERNAL;
	conn_bind_text_static(st, 19, create->settle_state);
	conn_bind_time(st, 20, create->settle_ms);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
}

static char *
column_text(sqlite3_stmt *st, int column)
{
	return (char *)sqlite3_column_text(st, column);
}

/*
 * Fills c with the CLUSTER_COLUMNS of the current row, its strings
 * borrowed from the statement (valid until it steps or resets); false
 * when out of memory.
 */
static bool
cluster_row_borrow(sqlite3_stmt *st, struct cluster_rec *c)
{
	c->seq = sqlite3_column_int64(st, 0);
	c->cluster_id = column_text(st, 1);
	c->account = column_text(st, 2);
	c->name = column_text(st, 3);
	c->region_id = column_text(st, 4);
	c->cluster_type = column_text(st, 5);
	c->state = column_text(st, 6);
	c->created_ms = sqlite3_column_int64(st, 7);
	c->updated_ms = sqlite3_column_int64(st, 8);
	c->spec = NULL;
	c->spec_stored = column_text(st, 9);
	c->spec_stored_len = (size_t)sqlite3_column_bytes(st, 9);
	c->settle_state = column_text(st, 10);
	c->settle_ms = conn_column_time(st, 11);
	c->running_ms = conn_column_time(st, 12);
	c->lb_id = column_text(st, 13);
	c->lb_from_ms = conn_column_time(st, 14);
	c->lb_until_ms = conn_column_time(st, 15);
	c->api_ip = column_text(st, 16);
	c->size = -1;
	return c->cluster_id != NULL && c->account != NULL && c->name != NULL &&
	       c->region_id != NULL && c->cluster_type != NULL && c->state != NULL &&
	       c->spec_stored != NULL && c->lb_id != NULL && c->api_ip != NULL &&
	       (c->settle_state != NULL || sqlite3_column_type(st, 10) == SQLITE_NULL);
}

static char *
dup_or_null(const char *s, bool *ok)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*ok = false;
	return d;
}

/* A copy of row that owns its strings; NULL when out of memory. */
static struct cluster_rec *
rec_dup(const struct cluster_rec *row)
{
	struct cluster_rec *c = malloc(sizeof(*c));
	bool ok = true;

	if (c == NULL)
		return NULL;
	*c = *row;
	c->cluster_id = dup_or_null(row->cluster_id, &ok);
	c->account = dup_or_null(row->account, &ok);
	c->name = dup_or_null(row->name, &ok);
	c->region_id = dup_or_null(row->region_id, &ok);
	c->cluster_type = dup_or_null(row->cluster_type, &ok);
	c->state = dup_or_null(row->state, &ok);
	/* A row read from the table carries the stored spec only: the copy also gets its JSON. */
	c->spec_stored = dup_or_null(row->spec_stored, &ok);
	if ((c->spec = db_spec_json(row->spec_stored, row->spec_stored_len)) == NULL)
		ok = false;
	c->settle_state = dup_or_null(row->settle_state, &ok);
	c->lb_id = dup_or_null(row->lb_id, &ok);
	c->api_ip = dup_or_null(row->api_ip, &ok);
	if (!ok) {
		cluster_rec_free(c);
		return NULL;
	}
	return c;
}

/* Reads the CLUSTER_COLUMNS of the current row; NULL when out of memory. */
static struct cluster_rec *
cluster_row(sqlite3_stmt *st)
{
	struct cluster_rec row;

	return cluster_row_borrow(st, &row) ? rec_dup(&row) : NULL;
}

enum err
db_cluster_get(struct db_conn *conn, const char *account, const char *cluster_id,
    struct cluster_rec **out)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_CLUSTER_GET);
	struct cluster_rec *c = NULL;
	enum err err = ERR_INTERNAL;
	int rc;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, cluster_id);
	conn_bind_text(st, 2, account);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err = ERR_CLUSTER_NOT_FOUND;
		goto done;
	}
	if (rc != SQLITE_ROW || (c = cluster_row(st)) == NULL)
		goto done;
	*out = c;
	c = NULL;
	err = ERR_OK;
done:
	sqlite3_reset(st);
	cluster_rec_free(c);
	return err;
}

enum err
db_cluster_name_live(struct db_conn *conn, const char *account, const char *name, bool *exists)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_CLUSTER_NAME_LIVE);
	enum err err = ERR_INTERNAL;
	int rc;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, account);
	conn_bind_text(st, 2, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		*exists = rc == SQLITE_ROW;
		err = ERR_OK;
	}
	sqlite3_reset(st);
	return err;
}

static void
bind_filter(sqlite3_stmt *st, const struct cluster_filter *f, int64_t now)
{
	sqlite3_bind_int64(st, 1, now);
	conn_bind_text(st, 2, f->account);
	conn_bind_text(st, 3, f->name);
	conn_bind_text(st, 4, f->cluster_type);
	conn_bind_text(st, 5, f->region_id);
	conn_bind_text(st, 6, f->cluster_id);
	conn_bind_text(st, 7, f->cluster_spec);
	conn_bind_text(st, 8, f->profile);
}

/*
 * The count of db_cluster_list's total: counting walks every cluster of the
 * account (10,000 in the bench: 200 ms when it read the rows, ~1 ms from
 * the index alone), so without filters the last answer is kept on the
 * connection until a write changes the clusters or a cluster's deletion
 * falls due. Runs inside the caller's read transaction.
 */
static enum err
count_matches(struct db_conn *conn, const struct cluster_filter *f, int64_t now, uint64_t gen,
    int64_t *matches)
{
	bool unfiltered = f->name == NULL && f->cluster_type == NULL && f->region_id == NULL &&
			  f->cluster_id == NULL && f->cluster_spec == NULL && f->profile == NULL;
	sqlite3_stmt *st;
	enum err err = ERR_INTERNAL;

	if (unfiltered && conn->live_count.valid && conn->live_count.gen == gen &&
	    now >= conn->live_count.from_ms && now < conn->live_count.until_ms &&
	    strcmp(conn->live_count.account, f->account) == 0) {
		*matches = conn->live_count.count;
		return ERR_OK;
	}
	st = conn_stmt(conn, unfiltered ? SQL_CLUSTER_COUNT_ALL : SQL_CLUSTER_COUNT);
	if (st == NULL)
		return ERR_INTERNAL;
	if (unfiltered) {
		sqlite3_bind_int64(st, 1, now);
		conn_bind_text(st, 2, f->account);
	} else {
		bind_filter(st, f, now);
	}
	if (sqlite3_step(st) != SQLITE_ROW)
		goto done;
	*matches = sqlite3_column_int64(st, 0);
	if (unfiltered && strlen(f->account) < sizeof(conn->live_count.account)) {
		conn->live_count.valid = true;
		conn->live_count.gen = gen;
		conn->live_count.from_ms = now;
		conn->live_count.until_ms = sqlite3_column_type(st, 1) == SQLITE_NULL
						? INT64_MAX
						: sqlite3_column_int64(st, 1);
		conn->live_count.count = *matches;
		snprintf(conn->live_count.account, sizeof(conn->live_count.account), "%s",
		    f->account);
	}
	err = ERR_OK;
done:
	sqlite3_reset(st);
	return err;
}

/* Collects db_cluster_list's records. */
struct collect {
	struct cluster_rec **v;
	size_t len;
};

static bool
collect_one(const struct cluster_rec *row, void *arg)
{
	struct collect *col = arg;

	if ((col->v[col->len] = rec_dup(row)) == NULL)
		return false;
	col->len++;
	return true;
}

enum err
db_cluster_list(struct db_conn *conn, const struct cluster_filter *f, int64_t now,
    int64_t offset, int64_t limit, struct cluster_rec ***out, size_t *n, int64_t *total)
{
	struct collect col = {0};
	enum err err;

	if (limit < 0 || limit > 1000)
		return ERR_INTERNAL;
	if ((col.v = calloc((size_t)limit + 1, sizeof(*col.v))) == NULL)
		return ERR_INTERNAL;
	err = db_cluster_list_each(conn, f, now, offset, limit, collect_one, &col, total);
	if (err != ERR_OK) {
		cluster_recs_free(col.v, col.len);
		return err;
	}
	*out = col.v;
	*n = col.len;
	return ERR_OK;
}

enum err
db_cluster_list_each(struct db_conn *conn, const struct cluster_filter *f, int64_t now,
    int64_t offset, int64_t limit, bool (*fn)(const struct cluster_rec *c, void *arg), void *arg,
    int64_t *total)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_CLUSTER_LIST);
	struct cluster_rec row;
	int64_t matches = 0, len = 0;
	/* Read before the snapshot: a commit after it bumps it past what the cache holds. */
	uint64_t gen = conn->cluster_gen != NULL ? atomic_load(conn->cluster_gen) : 0;
	enum err err = ERR_INTERNAL;
	int rc;

	if (st == NULL || limit < 0 || limit > 1000)
		return ERR_INTERNAL;
	/* One read transaction, so that the count and the page see one snapshot. */
	if (conn_exec(conn, "BEGIN") != SQLITE_OK)
		return ERR_INTERNAL;
	if (count_matches(conn, f, now, gen, &matches) != ERR_OK)
		goto done;
	bind_filter(st, f, now);
	sqlite3_bind_int64(st, 9, limit);
	sqlite3_bind_int64(st, 10, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == limit || !cluster_row_borrow(st, &row))
			goto done;
		row.size = sqlite3_column_int64(st, 17);
		len++;
		if (!fn(&row, arg))
			goto done;
	}
	if (rc != SQLITE_DONE)
		goto done;
	*total = matches;
	err = ERR_OK;
done:
	sqlite3_reset(st);
	conn_exec(conn, "COMMIT");
	return err;
}

enum err
db_cluster_set_state(struct db_conn *conn, const char *cluster_id, const char *state,
    const char *settle_state, int64_t settle_ms, int64_t updated_ms)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_CLUSTER_SET_STATE);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, cluster_id);
	conn_bind_text(st, 2, state);
	conn_bind_text(st, 3, settle_state);
	conn_bind_time(st, 4, settle_state != NULL ? settle_ms : STORE_NEVER);
	if (settle_state != NULL && strcmp(settle_state, "deleted") == 0)
		conn_note_deletion(conn, settle_ms);
	sqlite3_bind_int64(st, 5, updated_ms);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
}

enum err
db_cluster_modify(struct db_conn *conn, const char *cluster_id, const char *name,
    const char *spec, int64_t updated_ms)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_CLUSTER_MODIFY);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, cluster_id);
	conn_bind_text(st, 2, name);
	if (bind_spec(st, 3, spec) != SQLITE_OK)
		return ERR_INTERNAL;
	sqlite3_bind_int64(st, 4, updated_ms);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
}

static enum err
settle(struct db_conn *conn, const char *sql, int64_t now)
{
	sqlite3_stmt *st = conn_stmt(conn, sql);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	sqlite3_bind_int64(st, 1, now);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
}

/*
 * Every write settles first, and usually nothing is due: the writer keeps
 * the earliest pending deletion (conn->next_due) and skips the two UPDATEs
 * before it. A delete lowers it (conn_note_deletion); a rolled-back batch
 * forgets it, and the next settle reads it again.
 */
enum err
db_settle_deletions(struct db_conn *conn, int64_t now)
{
	sqlite3_stmt *st;
	enum err err;
	bool first;

	if (conn->next_due_known && now < conn->next_due)
		return ERR_OK;
	/* A job's settle before its own writes is not its change (db.c, run_batch). */
	first = sqlite3_total_changes64(conn->sqlite) == conn->job_changes;
	if ((err = settle(conn, SQL_SETTLE_TASKS, now)) != ERR_OK ||
	    (err = settle(conn, SQL_SETTLE_CLUSTERS, now)) != ERR_OK)
		return err;
	if (first)
		conn->job_changes = sqlite3_total_changes64(conn->sqlite);
	if ((st = conn_stmt(conn, SQL_SETTLE_NEXT)) == NULL)
		return ERR_INTERNAL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		conn->next_due = sqlite3_column_type(st, 0) == SQLITE_NULL
				     ? INT64_MAX
				     : sqlite3_column_int64(st, 0);
		conn->next_due_known = true;
	}
	sqlite3_reset(st);
	return ERR_OK;
}

enum err
db_cluster_count_live(struct db_conn *conn, const char *account, int64_t *count)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_CLUSTER_COUNT_LIVE);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, account);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		err = ERR_OK;
	}
	sqlite3_reset(st);
	return err;
}

enum err
db_cluster_vpc_cidrs(struct db_conn *conn, const char *account, const char *vpcid,
    bool (*fn)(const char *cidr, const char *cluster_id, void *arg), void *arg)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_CLUSTER_VPC_CIDRS);
	enum err err = ERR_INTERNAL;
	int rc;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, account);
	conn_bind_text(st, 2, vpcid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *id = sqlite3_column_text(st, 0);
		const unsigned char *cidr = sqlite3_column_text(st, 1);

		if (cidr != NULL && !fn((const char *)cidr, (const char *)id, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
}

/* The nodes table (lifecycle.md section 4), and the world's vSwitch CIDRs the nodes draw from. */
#include <stdio.h>
#include <stdlib.h>

#include "conn.h"
#include "store.h"

#define NODE_COLUMNS                                                                    \
	"seq, cluster_id, instance_id, instance_type, node_name, ip_address, vswitch_key," \
	" created_ms, deleted_ms"

/* ?2 is the instant: a node exists from created_ms until deleted_ms. */
#define NODE_LIVE " AND created_ms <= ?2 AND (deleted_ms IS NULL OR deleted_ms > ?2)"

static const char SQL_NODE_INSERT[] =
    "INSERT INTO nodes (cluster_seq, cluster_id, instance_id, instance_type, node_name, ip_address,"
    " vswitch_key, created_ms, deleted_ms) VALUES (id_seq(?1), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

static const char SQL_NODE_COUNT_VSWITCH[] = "SELECT count(*) FROM nodes WHERE vswitch_key = ?1";

static const char SQL_WORLD_VSWITCH_CIDR[] = "SELECT cidr FROM world_vswitches WHERE id = ?1";

static const char SQL_NODE_COUNT[] = "SELECT count(*) FROM nodes"
    " WHERE cluster_seq = id_seq(?1) AND cluster_id = ?1" NODE_LIVE;

static const char SQL_NODE_LIST[] = "SELECT " NODE_COLUMNS " FROM nodes"
    " WHERE cluster_seq = id_seq(?1) AND cluster_id = ?1"
    NODE_LIVE " ORDER BY seq LIMIT ?3 OFFSET ?4";

static const char SQL_NODE_RELEASE[] =
    "UPDATE nodes SET deleted_ms = ?2 WHERE cluster_seq = id_seq(?1) AND cluster_id = ?1"
    " AND (deleted_ms IS NULL OR deleted_ms > ?2)";

void
node_rec_free(struct node_rec *n)
{
	if (n == NULL)
		return;
	free(n->cluster_id);
	free(n->instance_id);
	free(n->instance_type);
	free(n->node_name);
	free(n->ip_address);
	free(n->vswitch_key);
	free(n);
}

void
node_recs_free(struct node_rec **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		node_rec_free(v[i]);
	free(v);
}

enum err
db_node_insert(struct db_conn *conn, const struct node_rec *n)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_NODE_INSERT);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text_static(st, 1, n->cluster_id);
	conn_bind_text_static(st, 2, n->instance_id);
	conn_bind_text_static(st, 3, n->instance_type);
	conn_bind_text_static(st, 4, n->node_name);
	conn_bind_text_static(st, 5, n->ip_address);
	conn_bind_text_static(st, 6, n->vswitch_key);
	sqlite3_bind_int64(st, 7, n->created_ms);
	conn_bind_time(st, 8, n->deleted_ms);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
}

/* Runs a one-row, one-column count statement whose parameters are bound. */
static enum err
step_count(sqlite3_stmt *st, int64_t *count)
{
	enum err err = ERR_INTERNAL;

	if (sqlite3_step(st) == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		err = ERR_OK;
	}
	sqlite3_reset(st);
	return err;
}

enum err
db_node_count_vswitch(struct db_conn *conn, const char *vswitch_key, int64_t *count)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_NODE_COUNT_VSWITCH);

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, vswitch_key);
	return step_count(st, count);
}

enum err
db_world_vswitch_cidr(struct db_conn *conn, const char *id, char *out, size_t len, bool *found)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_WORLD_VSWITCH_CIDR);
	enum err err = ERR_INTERNAL;
	int rc;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
		*found = true;
		err = ERR_OK;
	} else if (rc == SQLITE_DONE) {
		*found = false;
		err = ERR_OK;
	}
	sqlite3_reset(st);
	return err;
}

enum err
db_node_count(struct db_conn *conn, const char *cluster_id, int64_t now, int64_t *count)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_NODE_COUNT);

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, cluster_id);
	sqlite3_bind_int64(st, 2, now);
	return step_count(st, count);
}

static struct node_rec *
node_row(sqlite3_stmt *st)
{
	struct node_rec *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->seq = sqlite3_column_int64(st, 0);
	n->cluster_id = conn_column_dup(st, 1);
	n->instance_id = conn_column_dup(st, 2);
	n->instance_type = conn_column_dup(st, 3);
	n->node_name = conn_column_dup(st, 4);
	n->ip_address = conn_column_dup(st, 5);
	n->vswitch_key = conn_column_dup(st, 6);
	n->created_ms = sqlite3_column_int64(st, 7);
	n->deleted_ms = conn_column_time(st, 8);
	if (n->cluster_id == NULL || n->instance_id == NULL || n->instance_type == NULL ||
	    n->node_name == NULL || n->ip_address == NULL || n->vswitch_key == NULL) {
		node_rec_free(n);
		return NULL;
	}
	return n;
}

enum err
db_node_list(struct db_conn *conn, const char *cluster_id, int64_t now, int64_t offset,
    int64_t limit, struct node_rec ***out, size_t *n, int64_t *total)
{
	sqlite3_stmt *count = conn_stmt(conn, SQL_NODE_COUNT);
	sqlite3_stmt *st = conn_stmt(conn, SQL_NODE_LIST);
	struct node_rec **v = NULL;
	size_t len = 0;
	int64_t matches = 0;
	enum err err = ERR_INTERNAL;
	int rc;

	if (count == NULL || st == NULL || limit < 0 || limit > 1000)
		return ERR_INTERNAL;
	if (conn_exec(conn, "BEGIN") != SQLITE_OK)
		return ERR_INTERNAL;
	conn_bind_text(count, 1, cluster_id);
	sqlite3_bind_int64(count, 2, now);
	if (step_count(count, &matches) != ERR_OK)
		goto done;
	if ((v = calloc((size_t)limit + 1, sizeof(*v))) == NULL)
		goto done;
	conn_bind_text(st, 1, cluster_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, limit);
	sqlite3_bind_int64(st, 4, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == (size_t)limit || (v[len] = node_row(st)) == NULL)
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
	sqlite3_reset(st);
	conn_exec(conn, "COMMIT");
	node_recs_free(v, len);
	return err;
}

enum err
db_node_release(struct db_conn *conn, const char *cluster_id, int64_t at_ms)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_NODE_RELEASE);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, cluster_id);
	sqlite3_bind_int64(st, 2, at_ms);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
}

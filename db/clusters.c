/* The clusters table. */
#include <stdlib.h>

#include "conn.h"
#include "store.h"

static const char SQL_CLUSTER_INSERT[] =
    "INSERT INTO clusters (cluster_id, account, name, region_id, cluster_type, state,"
    " created_ms, updated_ms, spec) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

static const char SQL_CLUSTER_GET[] =
    "SELECT seq, cluster_id, account, name, region_id, cluster_type, state, created_ms,"
    " updated_ms, spec FROM clusters WHERE cluster_id = ?1 AND account = ?2";

static const char SQL_CLUSTER_NAME_LIVE[] =
    "SELECT 1 FROM clusters WHERE account = ?1 AND name = ?2 AND state <> 'deleted' LIMIT 1";

static const char SQL_CLUSTER_COUNT_LIVE[] =
    "SELECT count(*) FROM clusters WHERE account = ?1 AND state <> 'deleted'";

static const char SQL_CLUSTER_VPC_CIDRS[] =
    "SELECT cluster_id, json_extract(spec, '$.container_cidr') FROM clusters"
    " WHERE account = ?1 AND state <> 'deleted' AND json_extract(spec, '$.vpcid') = ?2";

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
	free(c);
}

enum err
db_cluster_insert(struct db_conn *conn, const struct cluster_rec *c)
{
	sqlite3_stmt *st = conn_stmt(conn, SQL_CLUSTER_INSERT);
	enum err err = ERR_INTERNAL;

	if (st == NULL)
		return ERR_INTERNAL;
	conn_bind_text(st, 1, c->cluster_id);
	conn_bind_text(st, 2, c->account);
	conn_bind_text(st, 3, c->name);
	conn_bind_text(st, 4, c->region_id);
	conn_bind_text(st, 5, c->cluster_type);
	conn_bind_text(st, 6, c->state);
	sqlite3_bind_int64(st, 7, c->created_ms);
	sqlite3_bind_int64(st, 8, c->updated_ms);
	conn_bind_text(st, 9, c->spec);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
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
	if (rc != SQLITE_ROW || (c = calloc(1, sizeof(*c))) == NULL)
		goto done;
	c->seq = sqlite3_column_int64(st, 0);
	c->cluster_id = conn_column_dup(st, 1);
	c->account = conn_column_dup(st, 2);
	c->name = conn_column_dup(st, 3);
	c->region_id = conn_column_dup(st, 4);
	c->cluster_type = conn_column_dup(st, 5);
	c->state = conn_column_dup(st, 6);
	c->created_ms = sqlite3_column_int64(st, 7);
	c->updated_ms = sqlite3_column_int64(st, 8);
	c->spec = conn_column_dup(st, 9);
	if (c->cluster_id == NULL || c->account == NULL || c->name == NULL ||
	    c->region_id == NULL || c->cluster_type == NULL || c->state == NULL || c->spec == NULL)
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

/* The world_* tables (lifecycle.md section 6): VPCs, vSwitches, security groups. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "store.h"
#include "world.h"

static const char SQL_WORLD_VPCS[] = "SELECT id, region_id, cidr FROM world_vpcs ORDER BY id";

static const char SQL_WORLD_VSWITCHES[] =
    "SELECT id, vpc_id, zone_id, cidr FROM world_vswitches ORDER BY id";

static const char SQL_WORLD_SGS[] =
    "SELECT id, vpc_id, enterprise FROM world_security_groups ORDER BY id";

static const char SQL_WORLD_PUT_VPC[] =
    "INSERT OR REPLACE INTO world_vpcs (id, region_id, cidr) VALUES (?1, ?2, ?3)";

static const char SQL_WORLD_PUT_VSWITCH[] =
    "INSERT OR REPLACE INTO world_vswitches (id, vpc_id, zone_id, cidr) VALUES (?1, ?2, ?3, ?4)";

static const char SQL_WORLD_PUT_SG[] =
    "INSERT OR REPLACE INTO world_security_groups (id, vpc_id, enterprise) VALUES (?1, ?2, ?3)";

/* Copies text column i into dst of len bytes; the world's own parser bounds what is stored. */
static void
column_copy(sqlite3_stmt *st, int i, char *dst, size_t len)
{
	const unsigned char *text = sqlite3_column_text(st, i);

	snprintf(dst, len, "%s", text != NULL ? (const char *)text : "");
}

enum err
db_world_load(struct db_conn *conn, struct world *w)
{
	/* Read before the queries: a commit after it bumps it past what is noted below. */
	uint64_t gen = conn->world_gen != NULL ? atomic_load(conn->world_gen) : 0;
	sqlite3_stmt *st;
	enum err err = ERR_INTERNAL;
	int rc;

	/*
	 * Every CreateCluster loads the world, which is usually empty: three
	 * read transactions (each two fcntl locks on the WAL index) for nothing.
	 * An empty world is noted with the writer's generation of the world_*
	 * tables and not read again until a committed write changes them.
	 */
	if (conn->world_gen != NULL && conn->world_empty && conn->world_empty_gen == gen &&
	    w->nvpcs == 0 && w->nvswitches == 0 && w->nsgs == 0)
		return ERR_OK;
	if ((st = conn_stmt(conn, SQL_WORLD_VPCS)) == NULL)
		return ERR_INTERNAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct world_vpc v;

		column_copy(st, 0, v.id, sizeof(v.id));
		column_copy(st, 1, v.region_id, sizeof(v.region_id));
		column_copy(st, 2, v.cidr, sizeof(v.cidr));
		if (!world_add_vpc(w, &v))
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || (st = conn_stmt(conn, SQL_WORLD_VSWITCHES)) == NULL)
		return ERR_INTERNAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct world_vswitch v;

		column_copy(st, 0, v.id, sizeof(v.id));
		column_copy(st, 1, v.vpc_id, sizeof(v.vpc_id));
		column_copy(st, 2, v.zone_id, sizeof(v.zone_id));
		column_copy(st, 3, v.cidr, sizeof(v.cidr));
		if (!world_add_vswitch(w, &v))
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || (st = conn_stmt(conn, SQL_WORLD_SGS)) == NULL)
		return ERR_INTERNAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct world_sg v;

		column_copy(st, 0, v.id, sizeof(v.id));
		column_copy(st, 1, v.vpc_id, sizeof(v.vpc_id));
		v.enterprise = sqlite3_column_int(st, 2) != 0;
		if (!world_add_sg(w, &v))
			break;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		err = ERR_OK;
		conn->world_empty = w->nvpcs == 0 && w->nvswitches == 0 && w->nsgs == 0;
		conn->world_empty_gen = gen;
	}
	return err;
}

/* Runs one INSERT OR REPLACE with the given text values (NULL-terminated). */
static enum err
put_row(struct db_conn *conn, const char *sql, const char *const *values, int enterprise)
{
	sqlite3_stmt *st = conn_stmt(conn, sql);
	enum err err = ERR_INTERNAL;
	int i = 0;

	if (st == NULL)
		return ERR_INTERNAL;
	for (; values[i] != NULL; i++)
		conn_bind_text(st, i + 1, values[i]);
	if (enterprise >= 0)
		sqlite3_bind_int(st, i + 1, enterprise);
	if (sqlite3_step(st) == SQLITE_DONE)
		err = ERR_OK;
	sqlite3_reset(st);
	return err;
}

enum err
db_world_put(struct db_conn *conn, const struct world *w)
{
	enum err err = ERR_OK;

	for (size_t i = 0; err == ERR_OK && i < w->nvpcs; i++) {
		const struct world_vpc *v = &w->vpcs[i];

		err = put_row(conn, SQL_WORLD_PUT_VPC,
		              (const char *const[]){v->id, v->region_id, v->cidr, NULL}, -1);
	}
	for (size_t i = 0; err == ERR_OK && i < w->nvswitches; i++) {
		const struct world_vswitch *v = &w->vswitches[i];

		err =
		    put_row(conn, SQL_WORLD_PUT_VSWITCH,
		            (const char *const[]){v->id, v->vpc_id, v->zone_id, v->cidr, NULL}, -1);
	}
	for (size_t i = 0; err == ERR_OK && i < w->nsgs; i++) {
		const struct world_sg *v = &w->sgs[i];

		err = put_row(conn, SQL_WORLD_PUT_SG, (const char *const[]){v->id, v->vpc_id, NULL},
		              v->enterprise ? 1 : 0);
	}
	return err;
}

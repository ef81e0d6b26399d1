/*
 * Rows of the tables of schema/, as the rest of the daemon sees them, and
 * the functions that read and write them. Each function takes a connection:
 * a reader from db_reader_acquire(), or the writer's inside a db_job's apply.
 * Strings in records are owned by the record; *_rec_free(NULL) does nothing.
 * Fallible functions return ERR_OK and fill *out only on success.
 */
#ifndef ACKMOCK_STORE_H
#define ACKMOCK_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

struct cluster_rec {
	int64_t seq;
	char *cluster_id;
	char *account;
	char *name;
	char *region_id;
	char *cluster_type;
	char *state;
	int64_t created_ms;
	int64_t updated_ms;
	char *spec;		/* JSON object text: the resolved attributes */
};

struct task_rec {
	int64_t seq;
	char *task_id;
	char *cluster_id;
	char *account;
	char *task_type;
	char *state;
	int64_t created_ms;
	int64_t updated_ms;
	char *parameters;	/* JSON object text */
	char *plan;		/* JSON object text, the lifecycle's */
};

struct clock_rec {
	int64_t anchor_virtual_ms;
	int64_t anchor_real_ms;
	double scale;
	bool frozen;
};

void cluster_rec_free(struct cluster_rec *c);
void task_rec_free(struct task_rec *t);

/* Inserts c (seq is assigned by the database and ignored here). */
enum err db_cluster_insert(struct db_conn *conn, const struct cluster_rec *c);

/* The cluster of account with that id, deleted ones included; ERR_CLUSTER_NOT_FOUND if none. */
enum err db_cluster_get(struct db_conn *conn, const char *account, const char *cluster_id,
    struct cluster_rec **out);

/* Sets *exists when account has a cluster named name that is not deleted. */
enum err db_cluster_name_live(struct db_conn *conn, const char *account, const char *name,
    bool *exists);

/* Inserts t. */
enum err db_task_insert(struct db_conn *conn, const struct task_rec *t);

/* The task of account with that id; ERR_TASK_NOT_FOUND if none. */
enum err db_task_get(struct db_conn *conn, const char *account, const char *task_id,
    struct task_rec **out);

/* Reads the clock row; *found is false on a new database. */
enum err db_clock_load(struct db_conn *conn, struct clock_rec *out, bool *found);

/* Writes the clock row. */
enum err db_clock_save(struct db_conn *conn, const struct clock_rec *clock);

/* The world (lifecycle.md section 6), db/world.c. struct world is in server/world.h. */
struct world;

/* Appends every stored VPC, vSwitch and security group to w (ordered by id). */
enum err db_world_load(struct db_conn *conn, struct world *w);

/* Inserts every entry of w, replacing the stored entries that have the same id. */
enum err db_world_put(struct db_conn *conn, const struct world *w);

/* The number of live (not deleted) clusters of account. */
enum err db_cluster_count_live(struct db_conn *conn, const char *account, int64_t *count);

/*
 * Calls fn with the container_cidr of every live cluster of account in the
 * VPC vpcid (stateful rule S2); fn returns false to stop early.
 */
enum err db_cluster_vpc_cidrs(struct db_conn *conn, const char *account, const char *vpcid,
    bool (*fn)(const char *cidr, const char *cluster_id, void *arg), void *arg);

#endif

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
#include <stddef.h>
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
	/*
	 * JSON object text: the resolved attributes. NULL in the rows that
	 * db_cluster_list lends its callback, which carry spec_stored only.
	 */
	char *spec;
	/*
	 * The spec as clusters.spec stores it (db/specpack.h: packed, or JSON
	 * in older rows), NUL-terminated: set on every record read, and on an
	 * insert when the caller packed it (db_spec_pack); otherwise NULL. It
	 * is what a cached view compares (server/viewcache.c).
	 */
	char *spec_stored;
	size_t spec_stored_len;
	/* The lifecycle (lifecycle.md section 1); times are STORE_NEVER where the column is NULL. */
	char *settle_state;	/* NULL: no pending transition */
	int64_t settle_ms;
	int64_t running_ms;
	char *lb_id;
	int64_t lb_from_ms;
	int64_t lb_until_ms;
	char *api_ip;
	int64_t size;		/* live nodes at the list's instant; -1 when not read */
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
	char *settle_state;	/* NULL: settled */
	int64_t settle_ms;
};

/* A worker node (lifecycle.md section 4); it exists from created_ms until deleted_ms. */
struct node_rec {
	int64_t seq;
	char *cluster_id;
	char *instance_id;
	char *instance_type;
	char *node_name;
	char *ip_address;
	char *vswitch_key;
	int64_t created_ms;
	int64_t deleted_ms;	/* STORE_NEVER while it lives */
};

/* The filters of DescribeClustersV1 (api.md section 2); NULL members match everything. */
struct cluster_filter {
	const char *account;
	const char *name;	/* substring */
	const char *cluster_type;
	const char *region_id;
	const char *cluster_id;
	const char *cluster_spec;
	const char *profile;
};

/* A NULL time column, as records show it. */
#define STORE_NEVER INT64_MAX

struct clock_rec {
	int64_t anchor_virtual_ms;
	int64_t anchor_real_ms;
	double scale;
	bool frozen;
};

void cluster_rec_free(struct cluster_rec *c);
/* A task_rec read by db_task_* is one allocation, its strings inside it: free it whole. */
void task_rec_free(struct task_rec *t);
void node_rec_free(struct node_rec *n);

/* Frees an array of n records returned by a list function, and the records. NULL-safe. */
void cluster_recs_free(struct cluster_rec **v, size_t n);
void task_recs_free(struct task_rec **v, size_t n);
void node_recs_free(struct node_rec **v, size_t n);

/*
 * A spec's JSON text as clusters.spec stores it (db/specpack.h), malloc'd,
 * its length in *len; NULL when out of memory. Packed by the caller, on
 * its own thread, it costs the writer nothing (db_cluster_insert).
 */
char *db_spec_pack(const char *json, size_t json_len, size_t *len);

/* The JSON text of a stored spec (spec_stored), malloc'd; NULL when out of memory or damaged. */
char *db_spec_json(const char *stored, size_t len);

/*
 * Inserts c (its seq is its id's stamp; c->seq is ignored) with its create
 * task, which is stored in c's row (schema/007): create's id must share the
 * cluster's stamp (ids_create_task), and its settle_state and settle_ms are
 * the task's outcome and end. Of create only task_id, plan, settle_state
 * and settle_ms are stored; the rest is the cluster's or fixed.
 */
enum err db_cluster_insert(struct db_conn *conn, const struct cluster_rec *c,
    const struct task_rec *create);

/* The cluster of account with that id, deleted ones included; ERR_CLUSTER_NOT_FOUND if none. */
enum err db_cluster_get(struct db_conn *conn, const char *account, const char *cluster_id,
    struct cluster_rec **out);

/* Sets *exists when account has a cluster named name that is not deleted. */
enum err db_cluster_name_live(struct db_conn *conn, const char *account, const char *name,
    bool *exists);

/*
 * Writes back the transitions to deleted that are due at now, with their
 * clusters' tasks: state becomes settle_state and updated_ms the
 * transition's instant. Other transitions stay pending: reads compute the
 * state at their instant, and writes only read whether a cluster is
 * deleted (schema/004). Writer only. Idempotent, and safe whenever now
 * never goes backwards.
 */
enum err db_settle_deletions(struct db_conn *conn, int64_t now);

/*
 * One page of f's clusters that are not deleted at now, newest first
 * (created_ms, then seq), with size filled; *total counts every match. The
 * caller owns *out (an array of *n records; cluster_recs_free).
 */
enum err db_cluster_list(struct db_conn *conn, const struct cluster_filter *f, int64_t now,
    int64_t offset, int64_t limit, struct cluster_rec ***out, size_t *n, int64_t *total);

/*
 * db_cluster_list without copies: calls fn with each record of the page in
 * turn, its strings borrowed for the call only, inside the read
 * transaction. A false from fn stops the walk and fails the call
 * (ERR_INTERNAL); *total is set only on success.
 */
enum err db_cluster_list_each(struct db_conn *conn, const struct cluster_filter *f,
    int64_t now, int64_t offset, int64_t limit,
    bool (*fn)(const struct cluster_rec *c, void *arg), void *arg, int64_t *total);

/* Sets a cluster's state and pending transition (settle_state NULL: none). */
enum err db_cluster_set_state(struct db_conn *conn, const char *cluster_id, const char *state,
    const char *settle_state, int64_t settle_ms, int64_t updated_ms);

/* Replaces a cluster's name and spec (ModifyCluster). */
enum err db_cluster_modify(struct db_conn *conn, const char *cluster_id, const char *name,
    const char *spec, int64_t updated_ms);

/* Inserts t: a task that comes after its cluster's create task (delete, modify). */
enum err db_task_insert(struct db_conn *conn, const struct task_rec *t);

/* The task of account with that id, a create task too; ERR_TASK_NOT_FOUND if none. */
enum err db_task_get(struct db_conn *conn, const char *account, const char *task_id,
    struct task_rec **out);

/* One page of a cluster's tasks, newest first; like db_cluster_list. */
enum err db_task_list(struct db_conn *conn, const char *account, const char *cluster_id,
    int64_t offset, int64_t limit, struct task_rec ***out, size_t *n, int64_t *total);

/* Inserts n. */
enum err db_node_insert(struct db_conn *conn, const struct node_rec *n);

/* How many nodes ever drew an address from vswitch_key: the next address's index. */
enum err db_node_count_vswitch(struct db_conn *conn, const char *vswitch_key, int64_t *count);

/* The CIDR of a world vSwitch into out; *found false when the world does not know id. */
enum err db_world_vswitch_cidr(struct db_conn *conn, const char *id, char *out, size_t len,
    bool *found);

/* The number of a cluster's nodes that exist at now. */
enum err db_node_count(struct db_conn *conn, const char *cluster_id, int64_t now, int64_t *count);

/* One page of a cluster's nodes that exist at now, oldest first; like db_cluster_list. */
enum err db_node_list(struct db_conn *conn, const char *cluster_id, int64_t now, int64_t offset,
    int64_t limit, struct node_rec ***out, size_t *n, int64_t *total);

/* Marks the cluster's nodes that still live at at_ms as released at at_ms. */
enum err db_node_release(struct db_conn *conn, const char *cluster_id, int64_t at_ms);

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

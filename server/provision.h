/*
 * The write side of the lifecycle: what a create, delete or modify stores
 * so that lifecycle.c can later compute every read from it. Each function
 * runs on the database writer, inside the caller's job, and fails with the
 * enum err it returns (nothing is written then: the job's savepoint rolls
 * back).
 */
#ifndef ACKMOCK_PROVISION_H
#define ACKMOCK_PROVISION_H

#include <stdbool.h>
#include <stdint.h>

#include "lifecycle.h"
#include "store.h"

struct cJSON;

/*
 * Inserts a new cluster c (state initial) and its create task t (state
 * running; stored in c's row, so t's id must be ids_create_task's), both
 * filled in from plan (whose JSON text, plan_json, is stored with the
 * task): when the task settles and how, when the cluster
 * turns running, its load balancer and its nodes (inserted now, each
 * existing from the instant CreateWorkerNodes ends). spec is the parsed
 * form of c->spec, from which the nodes take their vSwitches and instance
 * types. The caller builds plan, plan_json and spec before it defers the
 * write, so the writer parses nothing. Everything is borrowed; c's and
 * t's lifecycle fields are overwritten.
 */
enum err provision_create(struct db_conn *conn, struct cluster_rec *c, struct task_rec *t,
    const struct lifecycle_plan *plan, const char *plan_json, const struct cJSON *spec);

/* What DeleteCluster asks for, after its query was validated. */
struct provision_delete_req {
	const char *account;
	const char *cluster_id;
	const char *task_id;	/* the new task's id */
	const char *parameters;	/* JSON object text stored with the task */
	bool keep_network;	/* retain_all_resources: DeleteNetwork is skipped */
	bool instant;
	const struct lifecycle_fault *fault;	/* NULL: none */
	int64_t now;
};

/*
 * Starts deleting a cluster: ERR_CLUSTER_NOT_FOUND, ERR_DELETION_PROTECTION
 * or ERR_CLUSTER_STATE (initial or deleting) when it may not be, else the
 * delete task, the cluster deleting until the task settles, its nodes
 * released when DeleteWorkerNodes ends.
 */
enum err provision_delete(struct db_conn *conn, const struct provision_delete_req *req);

struct app;

/*
 * From provision_start until provision_stop, the writer writes back the
 * deletions due at app's virtual clock before each batch's jobs run
 * (db_set_clock, db_settle_deletions),
 * so that no job's savepoint holds a large settle. provision_stop returns
 * once the writer no longer reads the clock; call it before clock_finish.
 */
void provision_start(struct app *app);
void provision_stop(struct app *app);

#endif

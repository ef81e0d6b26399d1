/*
 * Cluster operations. CreateCluster runs in three steps: validation on the
 * connection's thread (pure), the insert on the database writer (with the
 * stateful rules of create-cluster.md section 6 in the same transaction),
 * and the response after the commit.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "arena.h"
#include "app.h"
#include "faults.h"
#include "ids.h"
#include "jsonbody.h"
#include "jsonw.h"
#include "lifecycle.h"
#include "provision.h"
#include "stateful.h"
#include "store.h"
#include "validate.h"
#include "view.h"
#include "world.h"

struct create_state {
	char cluster_id[IDS_CLUSTER_LEN];
	char task_id[IDS_TASK_LEN];
	/*
	 * The request body, kept for the spec, which borrows its strings: both
	 * are built in the call's arena on the connection's thread and only
	 * read on the writer, so the writer parses nothing.
	 */
	cJSON *body;
	struct validate_spec spec;	/* resolved attributes: the tree (its text is packed) */
	const struct arena *arena;	/* the call's, which the two trees were built in */
	char *spec_stored;		/* the text as clusters.spec stores it (db_spec_pack) */
	size_t spec_stored_len;
	struct lifecycle_plan plan;	/* the create task's lifecycle plan */
	char *plan_json;		/* the same as JSON text, for clusters.create_task_plan */
	int64_t max_clusters;	/* --max-clusters (S3); 0 is no limit */
	int64_t now_ms;
	struct verdict stateful;	/* the violations of section 6, when any; stays last */
};

/*
 * Frees a create's body and spec trees, built in the call's arena a: only
 * when part of them spilled to malloc, as the rest goes with the arena
 * (call_finish releases it after the call's state).
 */
static void
drop_trees(const struct arena *a, cJSON *body, cJSON *spec_tree)
{
	if (!arena_holds_all(a)) {
		cJSON_Delete(spec_tree);
		cJSON_Delete(body);
	}
}

static void
create_state_free(void *p)
{
	struct create_state *st = p;

	if (st == NULL)
		return;
	drop_trees(st->arena, st->body, st->spec.tree);
	free(st->spec.text);
	free(st->spec_stored);
	cJSON_free(st->plan_json);
	free(st);
}

/*
 * An injected task fault (admin.md section 3) is drawn here, on the writer
 * past the stateful checks, so that a refused create uses up no "times";
 * when one fires, the plan is made again with the fault in it. A rule
 * naming a stage this cluster skips (CreateWorkerNodes without nodes)
 * cannot fail it: the create goes on without the fault.
 */
static enum err
create_plan_fault(struct call *call, struct create_state *st)
{
	struct lifecycle_fault fault;
	struct lifecycle_plan plan;
	char *json;

	if (!faults_task_fault(call->app->faults, call, st->spec.name, &fault))
		return ERR_OK;
	if (!lifecycle_plan_create(st->spec.tree, call->app->cfg->instant, &fault, &plan))
		return ERR_OK;
	if ((json = lifecycle_plan_json(&plan)) == NULL)
		return ERR_INTERNAL;
	cJSON_free(st->plan_json);
	st->plan_json = json;
	st->plan = plan;
	return ERR_OK;
}

static enum err
create_apply(struct db_conn *conn, struct call *call)
{
	struct create_state *st = call->state;
	struct cluster_rec c = {
	    .cluster_id = st->cluster_id,
	    .account = (char *)call->account,
	    .name = (char *)st->spec.name,
	    .region_id = (char *)st->spec.region_id,
	    .cluster_type = (char *)st->spec.cluster_type,
	    .state = "initial",
	    .created_ms = st->now_ms,
	    .updated_ms = st->now_ms,
	    .spec_stored = st->spec_stored,
	    .spec_stored_len = st->spec_stored_len,
	};
	struct task_rec t = {
	    .task_id = st->task_id,
	    .cluster_id = st->cluster_id,
	    .account = (char *)call->account,
	    .task_type = "cluster_create",
	    .state = "running",
	    .created_ms = st->now_ms,
	    .updated_ms = st->now_ms,
	};
	/* Without a VPC of its own the cluster's pod CIDR cannot overlap (S2). */
	struct stateful_facts facts = {st->spec.name, st->spec.vpcid,
	    st->spec.vpcid != NULL ? st->spec.container_cidr : NULL, st->max_clusters};
	enum err err;

	/* A cluster whose delete task has ended frees its name and CIDR: settle before looking. */
	if ((err = db_settle_deletions(conn, clock_now(&call->app->clock))) != ERR_OK)
		return err;
	/* create-cluster.md section 6. The writer runs one job at a time: checks and insert are atomic. */
	if ((err = stateful_check(conn, call->account, &facts, &st->stateful)) != ERR_OK)
		return err;
	if (st->stateful.n != 0)
		return st->stateful.v[0].err;
	if ((err = create_plan_fault(call, st)) != ERR_OK)
		return err;
	return provision_create(conn, &c, &t, &st->plan, st->plan_json, st->spec.tree);
}

static void
create_finish(struct call *call, enum err err)
{
	struct create_state *st = call->state;
	struct jsonw w;
	char *text;
	size_t len;

	if (err != ERR_OK && st->stateful.n != 0) {
		call_reply_error(call, st->stateful.v[0].err, st->stateful.v[0].message,
		    validate_data(&st->stateful));
		return;
	}
	if (err != ERR_OK) {
		call_reply_error(call, err, NULL, NULL);
		return;
	}
	/* Written straight: the text call_reply_json would print for the same three members. */
	jsonw_init(&w);
	JSONW_RAW(&w, "{\"cluster_id\":");
	jsonw_quoted(&w, st->cluster_id);
	JSONW_RAW(&w, ",\"request_id\":");
	jsonw_quoted(&w, call->request_id);
	JSONW_RAW(&w, ",\"task_id\":");
	jsonw_quoted(&w, st->task_id);
	JSONW_RAW(&w, "}");
	if ((text = jsonw_finish(&w, &len)) == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		return;
	}
	call_reply_raw(call, 200, "application/json;charset=utf-8", text, len);
}

void
api_create_cluster(struct call *call)
{
	struct validate_options opts = {
	    .strict_parameters = call->app->cfg->strict_parameters,
	    .world_strict = call->app->cfg->world_strict,
	    .catalog = call->app->catalog,
	};
	struct world world = {0};
	struct db_conn *conn;
	struct verdict *verdict = NULL;
	struct create_state *st = NULL;
	struct validate_spec spec = {0};
	cJSON *body;
	char why[160];

	body = jsonbody_parse(call->req.body, call->req.body_len, why, sizeof(why));
	if (body == NULL) {
		call_reply_error(call, ERR_INVALID_BODY, why, NULL);
		return;
	}
	/* The resource group of the path wins over the body's. */
	if (call->req.nparams == 1) {
		cJSON_DeleteItemFromObjectCaseSensitive(body, "resource_group_id");
		cJSON_AddStringToObject(body, "resource_group_id", call->req.params[0]);
	}
	if ((verdict = malloc(sizeof(*verdict))) == NULL)
		goto internal;
	/* Validation reads a snapshot of the world, loaded per request (docs/validation.md). */
	conn = db_reader_acquire(call->app->db);
	if (db_world_load(conn, &world) != ERR_OK) {
		db_reader_release(call->app->db, conn);
		goto internal;
	}
	db_reader_release(call->app->db, conn);
	opts.world = &world;
	if (validate_create(body, &opts, verdict, &spec) != 0) {
		if (verdict->ignored[0] != '\0')
			call_add_header(call, "x-ackmock-ignored-parameters", verdict->ignored);
		call_reply_error(call, verdict->v[0].err, verdict->v[0].message,
		    validate_data(verdict));
		goto done;
	}
	if (verdict->ignored[0] != '\0')
		call_add_header(call, "x-ackmock-ignored-parameters", verdict->ignored);
	/* Not calloc: the 50 KiB of stateful violations are written before they are read. */
	if ((st = malloc(sizeof(*st))) == NULL)
		goto internal;
	memset(st, 0, offsetof(struct create_state, stateful));
	st->arena = &call->arena;
	st->stateful.n = 0;
	st->stateful.ignored[0] = '\0';
	ids_cluster(st->cluster_id);
	ids_create_task(st->cluster_id, st->task_id);
	/* The spec borrows from the body: the state keeps both. */
	st->body = body;
	body = NULL;
	st->spec = spec;
	spec = (struct validate_spec){0};
	/* Packed here, on the connection's thread: the writer only stores it. */
	if ((st->spec_stored = db_spec_pack(st->spec.text, st->spec.len, &st->spec_stored_len)) == NULL)
		goto internal;
	free(st->spec.text);
	st->spec.text = NULL;
	st->max_clusters = call->app->cfg->max_clusters;
	st->now_ms = clock_now(&call->app->clock);
	if (!api_plan_create(call, st->spec.tree, &st->plan, &st->plan_json))
		goto done;
	call_defer_write(call, create_apply, create_finish, st, create_state_free);
	st = NULL;
	goto done;
internal:
	call_reply_error(call, ERR_INTERNAL, NULL, NULL);
done:
	world_finish(&world);
	create_state_free(st);
	drop_trees(&call->arena, body, spec.tree);
	free(spec.text);
	free(verdict);
}

void
api_describe_cluster(struct call *call)
{
	struct db_conn *conn = db_reader_acquire(call->app->db);
	struct cluster_rec *c = NULL;
	int64_t now = clock_now(&call->app->clock), size = 0;
	enum err err;


	err = db_cluster_get(conn, call->account, call->req.params[0], &c);
	if (err == ERR_OK && strcmp(view_cluster_state(c, now), "deleted") == 0)
		err = ERR_CLUSTER_NOT_FOUND;
	if (err == ERR_OK)
		err = db_node_count(conn, c->cluster_id, now, &size);
	db_reader_release(call->app->db, conn);
	if (err != ERR_OK) {
		call_reply_error(call, err, NULL, NULL);
	} else if (call_reply_json(call, 200, view_cluster(c, now, size)) != ERR_OK) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
	}
	cluster_rec_free(c);
}

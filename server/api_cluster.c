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
#include "app.h"
#include "faults.h"
#include "ids.h"
#include "jsonbody.h"
#include "jsonprint.h"
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
	char *name;
	char *region_id;
	char *cluster_type;
	char *spec;		/* resolved attributes, JSON text */
	/*
	 * The same, parsed: built in the call's arena on the connection's
	 * thread and only read on the writer, so the writer parses nothing.
	 */
	cJSON *spec_tree;
	struct lifecycle_plan plan;	/* the create task's lifecycle plan */
	char *plan_json;		/* the same as JSON text, for tasks.plan */
	char *vpcid;		/* the given VPC, or NULL when ACK creates one (S2) */
	char *container_cidr;	/* resolved pod CIDR, or NULL (S2) */
	int64_t max_clusters;	/* --max-clusters (S3); 0 is no limit */
	int64_t now_ms;
	struct verdict stateful;	/* the violations of section 6, when any; stays last */
};

static void
create_state_free(void *p)
{
	struct create_state *st = p;

	if (st == NULL)
		return;
	free(st->name);
	free(st->region_id);
	free(st->cluster_type);
	cJSON_free(st->spec);
	cJSON_Delete(st->spec_tree);
	cJSON_free(st->plan_json);
	free(st->vpcid);
	free(st->container_cidr);
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

	if (!faults_task_fault(call->app->faults, call, st->name, &fault))
		return ERR_OK;
	if (!lifecycle_plan_create(st->spec_tree, call->app->cfg->instant, &fault, &plan))
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
	    .name = st->name,
	    .region_id = st->region_id,
	    .cluster_type = st->cluster_type,
	    .state = "initial",
	    .created_ms = st->now_ms,
	    .updated_ms = st->now_ms,
	    .spec = st->spec,
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
	struct stateful_facts facts = {st->name, st->vpcid, st->container_cidr, st->max_clusters};
	enum err err;

	/* A cluster whose delete task has ended frees its name and CIDR: settle before looking. */
	if ((err = db_settle_due(conn, clock_now(&call->app->clock))) != ERR_OK)
		return err;
	/* create-cluster.md section 6. The writer runs one job at a time: checks and insert are atomic. */
	if ((err = stateful_check(conn, call->account, &facts, &st->stateful)) != ERR_OK)
		return err;
	if (st->stateful.n != 0)
		return st->stateful.v[0].err;
	if ((err = create_plan_fault(call, st)) != ERR_OK)
		return err;
	return provision_create(conn, &c, &t, &st->plan, st->plan_json, st->spec_tree);
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
	jsonw_object_begin(&w);
	jsonw_add_string(&w, "cluster_id", st->cluster_id);
	jsonw_add_string(&w, "request_id", call->request_id);
	jsonw_add_string(&w, "task_id", st->task_id);
	jsonw_object_end(&w);
	if ((text = jsonw_finish(&w, &len)) == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		return;
	}
	call_reply_raw(call, 200, "application/json;charset=utf-8", text, len);
}

static char *
dup_string(const cJSON *spec, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);

	return strdup(cJSON_IsString(v) ? v->valuestring : "");
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
	cJSON *body, *spec = NULL;
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
	st->stateful.n = 0;
	st->stateful.ignored[0] = '\0';
	ids_cluster(st->cluster_id);
	ids_task(st->task_id);
	st->name = dup_string(spec, "name");
	st->region_id = dup_string(spec, "region_id");
	st->cluster_type = dup_string(spec, "cluster_type");
	st->spec = jsonprint(spec, NULL);
	st->max_clusters = call->app->cfg->max_clusters;
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(spec, "vpc_auto"))) {
		st->vpcid = dup_string(spec, "vpcid");
		st->container_cidr = dup_string(spec, "container_cidr");
		if (st->vpcid == NULL || st->container_cidr == NULL)
			goto internal;
	}
	st->now_ms = clock_now(&call->app->clock);
	if (st->name == NULL || st->region_id == NULL || st->cluster_type == NULL ||
	    st->spec == NULL)
		goto internal;
	if (!api_plan_create(call, spec, &st->plan, &st->plan_json))
		goto done;
	st->spec_tree = spec;
	spec = NULL;
	call_defer_write(call, create_apply, create_finish, st, create_state_free);
	st = NULL;
	goto done;
internal:
	call_reply_error(call, ERR_INTERNAL, NULL, NULL);
done:
	world_finish(&world);
	create_state_free(st);
	cJSON_Delete(spec);
	cJSON_Delete(body);
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
	if (err == ERR_OK && c->settle_state != NULL && c->settle_ms <= now)
		provision_settle_soon(call->app, now);
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "app.h"
#include "ids.h"
#include "provision.h"
#include "view.h"

/* The address block of an auto-created VPC's vSwitch, and of vSwitches the world does not know. */
#define AUTO_VSWITCH_CIDR    "192.168.0.0/24"
#define UNKNOWN_VSWITCH_CIDR "10.0.0.0/16"

/* An instance type when the request names none (a cluster without nodes has no use for it). */
#define DEFAULT_INSTANCE_TYPE "ecs.g6.large"

/* The node vSwitches of spec: worker_vswitch_ids, else vswitch_ids (create-cluster.md section 4). */
static const cJSON *
node_vswitches(const cJSON *spec)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, "worker_vswitch_ids");

	if (cJSON_GetArraySize(v) > 0)
		return v;
	v = cJSON_GetObjectItemCaseSensitive(spec, "vswitch_ids");
	return cJSON_GetArraySize(v) > 0 ? v : NULL;
}

static const char *
array_string(const cJSON *array, size_t i, const char *fallback)
{
	int n = cJSON_GetArraySize(array);
	const cJSON *v;

	if (n <= 0)
		return fallback;
	v = cJSON_GetArrayItem(array, (int)(i % (size_t)n));
	return cJSON_IsString(v) ? v->valuestring : fallback;
}

/*
 * Where the i-th node (or the API server, i < 0) takes its address: a
 * vSwitch key for the address counter and that vSwitch's CIDR.
 */
static enum err
address_block(struct db_conn *conn, const cJSON *spec, const char *cluster_id, int i,
    char *key, size_t keylen, char *cidr, size_t cidrlen)
{
	const cJSON *vpc = cJSON_GetObjectItemCaseSensitive(spec, "vpcid");
	const char *vsw;
	bool found = false;
	enum err err;

	/*
	 * Each lookup walks the spec's ~60 members under the writer lock:
	 * an auto-created VPC, the usual case, needs no more than this one.
	 */
	if (!cJSON_IsString(vpc) || vpc->valuestring[0] == '\0') {
		snprintf(key, keylen, "auto:%s", cluster_id);
		snprintf(cidr, cidrlen, "%s", AUTO_VSWITCH_CIDR);
		return ERR_OK;
	}
	vsw = array_string(node_vswitches(spec), i < 0 ? 0 : (size_t)i, NULL);
	if (vsw == NULL) {
		snprintf(key, keylen, "unknown:%s", vpc->valuestring);
		snprintf(cidr, cidrlen, "%s", UNKNOWN_VSWITCH_CIDR);
		return ERR_OK;
	}
	snprintf(key, keylen, "%s", vsw);
	if ((err = db_world_vswitch_cidr(conn, vsw, cidr, cidrlen, &found)) != ERR_OK)
		return err;
	if (!found)
		snprintf(cidr, cidrlen, "%s", UNKNOWN_VSWITCH_CIDR);
	return ERR_OK;
}

static enum err
insert_nodes(struct db_conn *conn, const struct cluster_rec *c, const cJSON *spec,
    const struct lifecycle_plan *plan, const struct lifecycle_timeline *tl)
{
	const cJSON *types;
	enum err err;

	if (tl->nodes_from_ms == LIFECYCLE_NEVER)
		return ERR_OK;
	types = cJSON_GetObjectItemCaseSensitive(spec, "worker_instance_types");
	for (int i = 0; i < plan->nodes; i++) {
		char key[160], cidr[64], ip[16], id[24], name[128];
		int64_t index;
		struct node_rec n = {
		    .cluster_id = c->cluster_id,
		    .instance_id = id,
		    .instance_type = (char *)array_string(types, (size_t)i, DEFAULT_INSTANCE_TYPE),
		    .node_name = name,
		    .ip_address = ip,
		    .vswitch_key = key,
		    .created_ms = tl->nodes_from_ms,
		    .deleted_ms = tl->nodes_until_ms,
		};

		if ((err = address_block(conn, spec, c->cluster_id, i, key, sizeof(key), cidr,
			 sizeof(cidr))) != ERR_OK ||
		    (err = db_node_count_vswitch(conn, key, &index)) != ERR_OK)
			return err;
		/* A world CIDR that does not parse (the world module checks them) falls back. */
		if (!lifecycle_cidr_host(cidr, (uint64_t)index, ip))
			lifecycle_cidr_host(UNKNOWN_VSWITCH_CIDR, (uint64_t)index, ip);
		ids_alnum(id, "i-", 20);
		snprintf(name, sizeof(name), "%s.%s", c->region_id, ip);
		if ((err = db_node_insert(conn, &n)) != ERR_OK)
			return err;
	}
	return ERR_OK;
}

enum err
provision_create(struct db_conn *conn, struct cluster_rec *c, struct task_rec *t,
    const struct lifecycle_plan *plan, const char *plan_json, const cJSON *spec)
{
	struct lifecycle_timeline tl;
	char lb[24], key[160], cidr[64], ip[16];
	uint32_t hash = 2166136261u;
	enum err err;

	if (plan->type != TASK_CREATE)
		return ERR_INTERNAL;
	lifecycle_timeline(plan, c->created_ms, &tl);
	c->state = (char *)lifecycle_cluster_states[CLUSTER_INITIAL];
	c->settle_state = (char *)lifecycle_cluster_states[lifecycle_cluster_outcome(&tl)];
	c->settle_ms = tl.end_ms;
	c->running_ms = tl.outcome == TASK_SUCCESS ? tl.end_ms : STORE_NEVER;
	ids_alnum(lb, "lb-", 20);
	c->lb_id = tl.lb_from_ms != LIFECYCLE_NEVER ? lb : "";
	c->lb_from_ms = tl.lb_from_ms;
	c->lb_until_ms = tl.lb_until_ms;
	/*
	 * The API server's address: spread over the node vSwitch's block by a
	 * hash of the cluster id, so that clusters sharing a vSwitch rarely share
	 * it; node addresses are counted from the bottom of the block.
	 */
	if ((err = address_block(conn, spec, c->cluster_id, -1, key, sizeof(key), cidr,
		 sizeof(cidr))) != ERR_OK)
		return err;
	for (const char *p = c->cluster_id; *p != '\0'; p++)
		hash = (hash ^ (unsigned char)*p) * 16777619u;
	if (!lifecycle_cidr_host(cidr, 1024u + hash % 60000u, ip))
		lifecycle_cidr_host(UNKNOWN_VSWITCH_CIDR, 1024u + hash % 60000u, ip);
	c->api_ip = ip;
	t->task_type = (char *)lifecycle_task_types[TASK_CREATE];
	t->state = (char *)lifecycle_task_states[TASK_RUNNING];
	t->settle_state = (char *)lifecycle_task_states[tl.outcome];
	t->settle_ms = tl.end_ms;
	t->plan = (char *)plan_json;
	/* The create task is stored in the cluster's row (schema/007). */
	if ((err = db_cluster_insert(conn, c, t)) != ERR_OK)
		return err;
	return insert_nodes(conn, c, spec, plan, &tl);
}

enum err
provision_delete(struct db_conn *conn, const struct provision_delete_req *req)
{
	struct cluster_rec *c = NULL;
	struct lifecycle_plan plan;
	struct lifecycle_timeline tl;
	char *plan_json = NULL;
	const char *state;
	cJSON *spec = NULL;
	int64_t nodes;
	enum err err;

	if ((err = db_cluster_get(conn, req->account, req->cluster_id, &c)) != ERR_OK)
		goto done;
	state = view_cluster_state(c, req->now);
	if (strcmp(state, "deleted") == 0) {
		err = ERR_CLUSTER_NOT_FOUND;
		goto done;
	}
	err = ERR_INTERNAL;
	if ((spec = cJSON_Parse(c->spec)) == NULL)
		goto done;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(spec, "deletion_protection"))) {
		err = ERR_DELETION_PROTECTION;
		goto done;
	}
	if (strcmp(state, "running") != 0 && strcmp(state, "failed") != 0) {
		err = ERR_CLUSTER_STATE;
		goto done;
	}
	if ((err = db_node_count(conn, c->cluster_id, req->now, &nodes)) != ERR_OK)
		goto done;
	err = ERR_INTERNAL;
	if (!lifecycle_plan_delete((int)nodes, req->keep_network, req->instant, req->fault,
		&plan)) {
		err = ERR_INVALID_PARAMETER;
		goto done;
	}
	if ((plan_json = lifecycle_plan_json(&plan)) == NULL)
		goto done;
	lifecycle_timeline(&plan, req->now, &tl);
	struct task_rec t = {
	    .task_id = (char *)req->task_id,
	    .cluster_id = c->cluster_id,
	    .account = c->account,
	    .task_type = (char *)lifecycle_task_types[TASK_DELETE],
	    .state = (char *)lifecycle_task_states[TASK_RUNNING],
	    .created_ms = req->now,
	    .updated_ms = req->now,
	    .parameters = (char *)req->parameters,
	    .plan = plan_json,
	    .settle_state = (char *)lifecycle_task_states[tl.outcome],
	    .settle_ms = tl.end_ms,
	};
	if ((err = db_task_insert(conn, &t)) != ERR_OK ||
	    (err = db_cluster_set_state(conn, c->cluster_id,
		 lifecycle_cluster_states[CLUSTER_DELETING],
		 lifecycle_cluster_states[lifecycle_cluster_outcome(&tl)], tl.end_ms,
		 req->now)) != ERR_OK)
		goto done;
	if (tl.nodes_until_ms != LIFECYCLE_NEVER)
		err = db_node_release(conn, c->cluster_id, tl.nodes_until_ms);
done:
	free(plan_json);
	cJSON_Delete(spec);
	cluster_rec_free(c);
	return err;
}

static int64_t
app_now(void *arg)
{
	struct app *app = arg;

	return clock_now(&app->clock);
}

void
provision_start(struct app *app)
{
	db_set_clock(app->db, app_now, app);
}

void
provision_stop(struct app *app)
{
	db_set_clock(app->db, NULL, NULL);
}

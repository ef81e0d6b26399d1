/*
 * What hangs off one cluster (api.md section 2): its nodes, its tasks, its
 * simulated resources, its kubeconfig, and the two log settings the
 * Terraform provider reads after every create. Each is 404
 * ErrorClusterNotFound for a cluster that is unknown, another account's, or
 * deleted at the request's virtual instant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "app.h"
#include "store.h"
#include "timefmt.h"
#include "view.h"

/* How long a user kubeconfig is valid: three years, as the real service issues them. */
#define KUBECONFIG_TTL_MS (3LL * 365 * 24 * 3600 * 1000)

static void
reply_doc(struct call *call, cJSON *doc)
{
	if (call_reply_json(call, 200, doc) != ERR_OK)
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
}

static cJSON *
page_object(cJSON *doc, const char *key, int64_t page, int64_t size, int64_t total)
{
	cJSON *info = cJSON_AddObjectToObject(doc, key);

	cJSON_AddNumberToObject(info, "page_number", (double)page);
	cJSON_AddNumberToObject(info, "page_size", (double)size);
	cJSON_AddNumberToObject(info, "total_count", (double)total);
	return info;
}

void
api_describe_cluster_nodes(struct call *call)
{
	struct cluster_rec *c = NULL;
	struct node_rec **v = NULL;
	struct db_conn *conn;
	size_t n = 0;
	int64_t page, size, total = 0, now = clock_now(&call->app->clock);
	cJSON *doc = NULL, *nodes;
	enum err err;

	if (!api_page(call, &page, &size))
		return;
	if ((err = api_cluster_find(call, now, &c)) != ERR_OK)
		goto fail;
	conn = db_reader_acquire(call->app->db);
	err = db_node_list(conn, c->cluster_id, now, (page - 1) * size, size, &v, &n, &total);
	db_reader_release(call->app->db, conn);
	if (err != ERR_OK)
		goto fail;
	err = ERR_INTERNAL;
	if ((doc = cJSON_CreateObject()) == NULL)
		goto fail;
	nodes = cJSON_AddArrayToObject(doc, "nodes");
	for (size_t i = 0; i < n; i++) {
		cJSON *item = view_node(v[i], c);

		if (item == NULL)
			goto fail;
		cJSON_AddItemToArray(nodes, item);
	}
	page_object(doc, "page", page, size, total);
	reply_doc(call, doc);
	doc = NULL;
	err = ERR_OK;
fail:
	if (err != ERR_OK)
		call_reply_error(call, err, NULL, NULL);
	cJSON_Delete(doc);
	node_recs_free(v, n);
	cluster_rec_free(c);
}

void
api_describe_cluster_tasks(struct call *call)
{
	struct cluster_rec *c = NULL;
	struct task_rec **v = NULL;
	struct db_conn *conn;
	size_t n = 0;
	int64_t page, size, total = 0, now = clock_now(&call->app->clock);
	cJSON *doc = NULL, *tasks;
	enum err err;

	if (!api_page(call, &page, &size))
		return;
	if ((err = api_cluster_find(call, now, &c)) != ERR_OK)
		goto fail;
	conn = db_reader_acquire(call->app->db);
	err = db_task_list(conn, call->account, c->cluster_id, (page - 1) * size, size, &v, &n,
	    &total);
	db_reader_release(call->app->db, conn);
	if (err != ERR_OK)
		goto fail;
	err = ERR_INTERNAL;
	if ((doc = cJSON_CreateObject()) == NULL)
		goto fail;
	/* camelCase requestId is the real service's [real]. */
	cJSON_AddStringToObject(doc, "requestId", call->request_id);
	page_object(doc, "page_info", page, size, total);
	tasks = cJSON_AddArrayToObject(doc, "tasks");
	for (size_t i = 0; i < n; i++) {
		cJSON *item = view_task_brief(v[i], now);

		if (item == NULL)
			goto fail;
		cJSON_AddItemToArray(tasks, item);
	}
	reply_doc(call, doc);
	doc = NULL;
	err = ERR_OK;
fail:
	if (err != ERR_OK)
		call_reply_error(call, err, NULL, NULL);
	cJSON_Delete(doc);
	task_recs_free(v, n);
	cluster_rec_free(c);
}

void
api_describe_cluster_resources(struct call *call)
{
	struct cluster_rec *c = NULL;
	int64_t now = clock_now(&call->app->clock);
	enum err err;
	cJSON *doc;

	if ((err = api_cluster_find(call, now, &c)) != ERR_OK) {
		call_reply_error(call, err, NULL, NULL);
		return;
	}
	if ((doc = view_resources(c, now)) == NULL)
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
	else
		reply_doc(call, doc);
	cluster_rec_free(c);
}

void
api_describe_cluster_kubeconfig(struct call *call)
{
	struct cluster_rec *c = NULL;
	int64_t now = clock_now(&call->app->clock);
	char when[TIMEFMT_LEN], *config = NULL;
	enum err err;
	cJSON *doc;

	if ((err = api_cluster_find(call, now, &c)) != ERR_OK) {
		call_reply_error(call, err, NULL, NULL);
		return;
	}
	if (strcmp(view_cluster_state(c, now), "running") != 0) {
		call_reply_error(call, ERR_CLUSTER_STATE,
		    "the kubeconfig is available once the cluster is running", NULL);
		goto done;
	}
	if ((config = view_kubeconfig(c)) == NULL || (doc = cJSON_CreateObject()) == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		goto done;
	}
	cJSON_AddStringToObject(doc, "config", config);
	timefmt_rfc3339(now + KUBECONFIG_TTL_MS, when);
	cJSON_AddStringToObject(doc, "expiration", when);
	reply_doc(call, doc);
done:
	free(config);
	cluster_rec_free(c);
}

void
api_check_control_plane_log(struct call *call)
{
	struct cluster_rec *c = NULL;
	char project[64];
	enum err err;
	cJSON *doc;

	if ((err = api_cluster_find(call, clock_now(&call->app->clock), &c)) != ERR_OK) {
		call_reply_error(call, err, NULL, NULL);
		return;
	}
	doc = cJSON_CreateObject();
	snprintf(project, sizeof(project), "k8s-log-%s", c->cluster_id);
	cJSON_AddStringToObject(doc, "aliuid", c->account);
	cJSON_AddArrayToObject(doc, "components");
	cJSON_AddStringToObject(doc, "log_project", project);
	cJSON_AddStringToObject(doc, "log_ttl", "30");
	reply_doc(call, doc);
	cluster_rec_free(c);
}

void
api_get_cluster_audit_project(struct call *call)
{
	struct cluster_rec *c = NULL;
	enum err err;
	cJSON *doc;

	if ((err = api_cluster_find(call, clock_now(&call->app->clock), &c)) != ERR_OK) {
		call_reply_error(call, err, NULL, NULL);
		return;
	}
	doc = cJSON_CreateObject();
	cJSON_AddBoolToObject(doc, "audit_enabled", false);
	cJSON_AddStringToObject(doc, "sls_project_name", "");
	reply_doc(call, doc);
	cluster_rec_free(c);
}

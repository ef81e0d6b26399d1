/*
 * The handlers of the route table (routes.c), one file per resource:
 * api_cluster.c, api_task.c, api_admin.c. Each answers through call_reply_*
 * or defers its write with call_defer_write.
 */
#ifndef ACKMOCK_API_H
#define ACKMOCK_API_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "call.h"

void api_create_cluster(struct call *call);
void api_describe_cluster(struct call *call);
void api_describe_task(struct call *call);

/* api_cluster_list.c: the cluster lists. */
void api_describe_clusters_v1(struct call *call);
void api_describe_clusters_for_region(struct call *call);
void api_describe_clusters_legacy(struct call *call);

/* api_cluster_ops.c: delete and modify. */
void api_delete_cluster(struct call *call);
void api_modify_cluster(struct call *call);

/* api_cluster_extras.c: what hangs off one cluster. */
void api_describe_cluster_nodes(struct call *call);
void api_describe_cluster_tasks(struct call *call);
void api_describe_cluster_resources(struct call *call);
void api_describe_cluster_kubeconfig(struct call *call);
void api_check_control_plane_log(struct call *call);
void api_get_cluster_audit_project(struct call *call);

/* api_clock.c: the virtual clock (admin). */
void api_clock_get(struct call *call);
void api_clock_post(struct call *call);

struct cJSON;
struct cluster_rec;
struct lifecycle_plan;

/*
 * Builds the create task's lifecycle plan for spec into *out and, as JSON
 * text owned by the caller (free with cJSON_free), into *plan, honouring the
 * test-only x-ackmock-fail-at-stage header under --test-hooks. On a bad
 * header answers the call and returns false.
 */
bool api_plan_create(struct call *call, const struct cJSON *spec, struct lifecycle_plan *out,
    char **plan);

/*
 * Reads the page_number/page_size query (or the camelCase pageNumber/pageSize
 * of the old Go client): 1-based page, size 1..100 (default 10). On a bad
 * value answers the call with InvalidParameter and returns false.
 */
bool api_page(struct call *call, int64_t *page, int64_t *size);

/*
 * The cluster of the call's account named by path parameter 0, as it stands
 * at now; ERR_CLUSTER_NOT_FOUND also for a deleted one. The caller owns *out.
 */
enum err api_cluster_find(struct call *call, int64_t now, struct cluster_rec **out);

void api_admin_health(struct call *call);
void api_world_get(struct call *call);
void api_world_post(struct call *call);
void api_admin_ready(struct call *call);
void api_admin_reset(struct call *call);
void api_admin_requests(struct call *call);
void api_admin_faults_list(struct call *call);
void api_admin_faults_add(struct call *call);
void api_admin_faults_clear(struct call *call);
void api_admin_faults_delete(struct call *call);
void api_admin_metrics(struct call *call);

struct app;

/*
 * Reads --world FILE (lifecycle.md section 6) and, when store is true, adds
 * its entries to the database. On failure writes one line into err.
 */
bool api_world_load_file(struct app *app, const char *path, bool store, char *err,
    size_t errlen);

#endif

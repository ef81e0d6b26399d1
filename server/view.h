/*
 * The wire shapes of stored objects at a virtual instant: the cluster
 * (api.md section 3), the task (lifecycle.md section 3), nodes, the
 * simulated resources, the kubeconfig. Pure: records in, cJSON out (owned by
 * the caller, NULL when out of memory).
 */
#ifndef ACKMOCK_VIEW_H
#define ACKMOCK_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct cJSON;
struct jsonw;

/*
 * The state c shows at virtual instant now: its stored state, or the
 * pending one once due (lifecycle.md section 1). Borrowed from c.
 */
const char *view_cluster_state(const struct cluster_rec *c, int64_t now);

/*
 * Writes the cluster as it stands at now into w (size is its live node
 * count); false, with nothing written, when its spec does not parse.
 */
bool view_cluster_write(struct jsonw *w, const struct cluster_rec *c, int64_t now,
    int64_t size);

/* The cluster as it stands at now, as cJSON (view_cluster_write, parsed). */
struct cJSON *view_cluster(const struct cluster_rec *c, int64_t now, int64_t size);

/*
 * Writes DescribeTaskInfo's body at now, computed from the task's plan,
 * into w (a failure to allocate shows in jsonw_finish).
 */
void view_task_write(struct jsonw *w, const struct task_rec *t, int64_t now);

/* DescribeTaskInfo's body at now, as cJSON (view_task_write, parsed). */
struct cJSON *view_task(const struct task_rec *t, int64_t now);

/* A DescribeClusterTasks item: task_id, task_type, state, created, updated, error. */
struct cJSON *view_task_brief(const struct task_rec *t, int64_t now);

/* A DescribeClusterNodes item for node n of cluster c. */
struct cJSON *view_node(const struct node_rec *n, const struct cluster_rec *c);

/* DescribeClusterResources' array at now. */
struct cJSON *view_resources(const struct cluster_rec *c, int64_t now);

/* The cluster's kubeconfig YAML, malloc'd; NULL when out of memory. */
char *view_kubeconfig(const struct cluster_rec *c);

#endif

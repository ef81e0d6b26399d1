/*
 * The wire shapes of stored objects at a virtual instant: the cluster
 * (api.md section 3), the task (lifecycle.md section 3), nodes, the
 * simulated resources, the kubeconfig. Pure: records in, cJSON out (owned by
 * the caller, NULL when out of memory).
 */
#ifndef ACKMOCK_VIEW_H
#define ACKMOCK_VIEW_H

#include <stdbool.h>
#include <stddef.h>
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

/*
 * What a cluster's view holds that does not move with virtual time: every
 * field rendered from its cluster id, name, region, type, API server
 * address and spec (a modify changes the last two), with copies of those
 * inputs. Immutable once made, so it may be shared between threads. NULL
 * when the spec does not parse or out of memory; freed with
 * view_static_free (NULL-safe).
 */
struct view_static;
struct view_static *view_static_new(const struct cluster_rec *c);
void view_static_free(struct view_static *s);

/* The bytes s holds (its one allocation). */
size_t view_static_size(const struct view_static *s);

/* True when s was made from a cluster of c's id (cheap: the spec is not compared). */
bool view_static_is_of(const struct view_static *s, const struct cluster_rec *c);

/* True when s was made from a cluster whose inputs are c's, byte for byte. */
bool view_static_matches(const struct view_static *s, const struct cluster_rec *c);

/*
 * Writes c's view at now into w from s, which view_static_matches c:
 * byte for byte what view_cluster_write writes.
 */
void view_cluster_emit(struct jsonw *w, const struct view_static *s, const struct cluster_rec *c,
    int64_t now, int64_t size);

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

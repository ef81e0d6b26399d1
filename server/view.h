/*
 * The wire shapes of stored objects: DescribeClusterDetail's cluster
 * (api.md section 3) and DescribeTaskInfo's task (lifecycle.md section 3).
 * Pure: records in, cJSON out (owned by the caller, NULL when out of memory).
 */
#ifndef ACKMOCK_VIEW_H
#define ACKMOCK_VIEW_H

#include <stdint.h>

#include "store.h"

struct cJSON;

struct cJSON *view_cluster(const struct cluster_rec *c);
struct cJSON *view_task(const struct task_rec *t);

#endif

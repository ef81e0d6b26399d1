/*
 * The handlers of the route table (routes.c), one file per resource:
 * api_cluster.c, api_task.c, api_admin.c. Each answers through call_reply_*
 * or defers its write with call_defer_write.
 */
#ifndef ACKMOCK_API_H
#define ACKMOCK_API_H

#include "call.h"

void api_create_cluster(struct call *call);
void api_describe_cluster(struct call *call);
void api_describe_task(struct call *call);

void api_admin_health(struct call *call);
void api_admin_ready(struct call *call);
void api_admin_reset(struct call *call);
void api_admin_requests(struct call *call);
void api_admin_faults_list(struct call *call);
void api_admin_faults_add(struct call *call);
void api_admin_faults_clear(struct call *call);
void api_admin_faults_delete(struct call *call);
void api_admin_metrics(struct call *call);

#endif

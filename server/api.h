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

#endif

/*
 * The handlers of the route table (routes.c), one file per resource:
 * api_cluster.c, api_task.c, api_admin.c. Each answers through call_reply_*
 * or defers its write with call_defer_write.
 */
#ifndef ACKMOCK_API_H
#define ACKMOCK_API_H

#include <stdbool.h>
#include <stddef.h>

#include "call.h"

void api_create_cluster(struct call *call);
void api_describe_cluster(struct call *call);
void api_describe_task(struct call *call);

void api_admin_health(struct call *call);
void api_world_get(struct call *call);
void api_world_post(struct call *call);
void api_admin_ready(struct call *call);

struct app;

/*
 * Reads --world FILE (lifecycle.md section 6) and, when store is true, adds
 * its entries to the database. On failure writes one line into err.
 */
bool api_world_load_file(struct app *app, const char *path, bool store, char *err,
    size_t errlen);

#endif

/*
 * Routing on method and path only (api.md section 1: x-acs-action is absent
 * in older clients). The route table itself lives in routes.c.
 */
#ifndef ACKMOCK_ROUTER_H
#define ACKMOCK_ROUTER_H

#include <stdbool.h>

#include "call.h"

/* A handler answers the call (call_reply_*), or defers a write (call_defer_write). */
typedef void (*route_handler_fn)(struct call *call);

enum route_flags {
	ROUTE_ADMIN = 1 << 0,	/* under /_mock: never signed, never faulted */
};

struct route {
	const char *method;
	const char *pattern;	/* literal segments and "{}" for a parameter */
	const char *operation;	/* the API's operation name, for logs and metrics */
	route_handler_fn handler;
	unsigned flags;
};

/* The table of routes.c, terminated by a row with a NULL method. */
extern const struct route routes[];

/*
 * Finds the route of method and req->path in table (terminated by a row
 * with a NULL method) and fills req->params with the decoded path
 * parameters. Returns NULL when none matches (or a parameter does not
 * decode).
 */
const struct route *router_match(const struct route *table, const char *method,
    struct request *req);

#endif

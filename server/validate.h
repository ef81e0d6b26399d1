/*
 * CreateCluster validation (create-cluster.md): a table of per-parameter
 * rules walked by one engine that collects every violation with its JSON
 * path, then the cross-parameter rules, then the resolved defaults. Pure:
 * no HTTP, no database (the stateful rules of section 6 run in the writer).
 */
#ifndef ACKMOCK_VALIDATE_H
#define ACKMOCK_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

struct cJSON;

#define VALIDATE_MAX_VIOLATIONS 96

struct violation {
	enum err err;
	char parameter[128];	/* JSON path: "worker_data_disks[1].size" */
	char message[384];
};

struct verdict {
	struct violation v[VALIDATE_MAX_VIOLATIONS];
	size_t n;
	char ignored[1024];	/* unknown top-level keys, comma-separated */
};

struct validate_options {
	bool strict_parameters;
};

/*
 * Checks body (a parsed JSON object) against every rule and, when nothing
 * is violated, returns the resolved cluster attributes (create-cluster.md
 * section 4) in *spec, owned by the caller, without any secret. Returns the
 * number of violations; they are in out->v in rule order.
 */
size_t validate_create(const struct cJSON *body, const struct validate_options *opts,
    struct verdict *out, struct cJSON **spec);

/*
 * The service error body's "data" array for a verdict: one {code, message,
 * parameter} per violation. Returns NULL when out of memory.
 */
struct cJSON *validate_data(const struct verdict *v);

#endif

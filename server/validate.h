/*
 * CreateCluster validation (create-cluster.md): a table of per-parameter
 * rules walked by one engine that collects every violation with its JSON
 * path, then a table of cross-parameter rules, then the checks that known
 * world ids enable (lifecycle.md section 6), then the resolved defaults.
 * Pure: no HTTP, no database. The stateful rules of section 6 run in the
 * database writer (api_cluster.c), inside the insert's transaction.
 */
#ifndef ACKMOCK_VALIDATE_H
#define ACKMOCK_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

struct cJSON;
struct catalog;
struct world;

#define VALIDATE_MAX_VIOLATIONS 96

struct violation {
	enum err err;
	char parameter[128]; /* JSON path: "worker_data_disks[1].size" */
	char message[384];
};

struct verdict {
	struct violation v[VALIDATE_MAX_VIOLATIONS];
	size_t n;
	char ignored[1024]; /* unknown top-level keys, comma-separated */
};

/* What a validation reads besides the body; everything is borrowed. */
struct validate_options {
	bool strict_parameters;        /* --strict-parameters */
	bool world_strict;             /* --world-strict */
	const struct catalog *catalog; /* required */
	const struct world *world;     /* a snapshot; NULL is an empty world */
};

/*
 * The resolved cluster attributes of a valid body (create-cluster.md
 * section 4), without any secret: as a tree and as its JSON text (what
 * jsonprint prints for the tree), made together. The tree borrows strings
 * from the body (and the catalog): the body must outlive it. So do the
 * strings below, the values a create needs besides.
 */
struct validate_spec {
	struct cJSON *tree;	/* owned: cJSON_Delete */
	char *text;		/* owned: free */
	size_t len;
	const char *name;
	const char *region_id;
	const char *cluster_type;
	const char *vpcid;		/* NULL when ACK creates the VPC */
	const char *container_cidr;	/* NULL when there is none (Terway) */
};

/*
 * Checks body (a parsed JSON object, as jsonbody_parse returns it) against
 * every rule and, when nothing is violated and spec is not NULL, fills
 * *spec. Returns the number of violations; they are in out->v in rule
 * order (and *spec is untouched). Never fails otherwise: out of memory
 * while resolving is reported as one ERR_INTERNAL violation.
 */
size_t validate_create(const struct cJSON *body, const struct validate_options *opts,
                       struct verdict *out, struct validate_spec *spec);

/*
 * The service error body's "data" array for a verdict: one {code, message,
 * parameter} per violation, as a cJSON Raw item holding the array's JSON
 * text (cJSON and jsonprint print it as it is). Owned by the caller; NULL
 * when out of memory.
 */
struct cJSON *validate_data(const struct verdict *v);

/*
 * True when key is a top-level key of the official SDK's CreateClusterRequest
 * model (the research list behind --strict-parameters).
 */
bool validate_key_known(const char *key);

/*
 * Row 13's rule for a cluster name, for the other operations that take one
 * (ModifyCluster's cluster_name): 1-63 characters of letters, digits, '-'
 * and CJK ideographs, not starting with '-'. Returns true when name is
 * valid; otherwise writes a message naming parameter into why.
 */
bool validate_cluster_name(const char *name, const char *parameter, char *why, size_t whylen);

#endif

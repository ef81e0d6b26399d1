/*
 * The world of lifecycle.md section 6: VPCs, vSwitches and security groups
 * that exist outside ackmock. Stored in the world_* tables (db/world.c);
 * a request sees an immutable snapshot of it (struct world) that the
 * handler loads through a reader connection, so validation stays pure.
 */
#ifndef ACKMOCK_WORLD_H
#define ACKMOCK_WORLD_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

struct cJSON;
struct catalog;

#define WORLD_ID_LEN   64
#define WORLD_CIDR_LEN 24

struct world_vpc {
	char id[WORLD_ID_LEN];
	char region_id[WORLD_ID_LEN];
	char cidr[WORLD_CIDR_LEN];
};

struct world_vswitch {
	char id[WORLD_ID_LEN];
	char vpc_id[WORLD_ID_LEN];
	char zone_id[WORLD_ID_LEN];
	char cidr[WORLD_CIDR_LEN];
};

struct world_sg {
	char id[WORLD_ID_LEN];
	char vpc_id[WORLD_ID_LEN];
	bool enterprise;
};

/* Plain growable arrays; a zeroed struct world is an empty world. */
struct world {
	struct world_vpc *vpcs;
	size_t nvpcs;
	struct world_vswitch *vswitches;
	size_t nvswitches;
	struct world_sg *sgs;
	size_t nsgs;
};

/* Frees the arrays of w (not w itself) and zeroes it; NULL-safe. */
void world_finish(struct world *w);

/* Appends one entry; returns false when out of memory. */
bool world_add_vpc(struct world *w, const struct world_vpc *v);
bool world_add_vswitch(struct world *w, const struct world_vswitch *v);
bool world_add_sg(struct world *w, const struct world_sg *v);

/* Lookups by id; NULL when the world does not know it (or w is NULL). Borrowed. */
const struct world_vpc *world_vpc(const struct world *w, const char *id);
const struct world_vswitch *world_vswitch(const struct world *w, const char *id);
const struct world_sg *world_sg(const struct world *w, const char *id);

/*
 * Reads {"vpcs":[{"id","region_id","cidr"}], "vswitches":[{"id","vpc_id",
 * "zone_id","cidr"}], "security_groups":[{"id","vpc_id","enterprise"}]}
 * (every key optional) into *out, checking each entry: ids of the form
 * vpc-/vsw-/sg- + lower-case alphanumerics, a region of the catalog, zones
 * of the form <region>-<letter>, CIDRs with zero host bits. On failure
 * returns ERR_INVALID_BODY or ERR_INVALID_PARAMETER with a message naming
 * the entry in why; *out is left empty.
 */
enum err world_parse(const struct cJSON *doc, const struct catalog *catalog, struct world *out,
                     char *why, size_t whylen);

/* The world as the JSON document of world_parse; NULL when out of memory. */
struct cJSON *world_to_json(const struct world *w);

/* True when s is prefix followed by one or more lower-case letters and digits. */
bool world_id_ok(const char *s, const char *prefix);

#endif

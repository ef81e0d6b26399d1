/*
 * Compact JSON text of a cJSON tree, byte for byte what cJSON_PrintUnformatted
 * writes (cJSON 1.7), through jsonw: one growing buffer, no printf for the
 * common numbers. Pure.
 */
#ifndef ACKMOCK_JSONPRINT_H
#define ACKMOCK_JSONPRINT_H

#include <stddef.h>

struct cJSON;

/*
 * The text of item, malloc'd (free it with free() or cJSON_free()), its
 * length in *len when len is not NULL. Returns NULL when out of memory,
 * when item is NULL, or nested deeper than JSONW_MAX_DEPTH.
 */
char *jsonprint(const struct cJSON *item, size_t *len);

#endif

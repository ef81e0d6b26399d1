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
 * The text of item (free it with cJSON_free()), its length in *len when
 * len is not NULL. Returns NULL when out of memory or when item is NULL.
 * A tree deeper than JSONW_MAX_DEPTH is printed by cJSON itself.
 */
char *jsonprint(const struct cJSON *item, size_t *len);

#endif

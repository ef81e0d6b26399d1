/*
 * Compact JSON text of a cJSON tree, byte for byte what cJSON_PrintUnformatted
 * writes (cJSON 1.7), in one allocation and without printf for the common
 * numbers. Pure.
 */
#ifndef ACKMOCK_JSONPRINT_H
#define ACKMOCK_JSONPRINT_H

#include <stddef.h>

struct cJSON;

/*
 * The text of item, allocated with cJSON_malloc (so inside a call it lives
 * in the call's arena; free it with cJSON_free), its length in *len when
 * len is not NULL. Returns NULL when out of memory or when item is NULL.
 */
char *jsonprint(const struct cJSON *item, size_t *len);

#endif

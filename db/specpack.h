/*
 * A cluster's spec as it is stored: its JSON text with each known key
 * written as one byte (issue #7, seventh round).
 *
 * The spec (the resolved attributes, ~1.2 KiB) was most of a cluster's row,
 * and a row two to a page: half of a valid create's bytes in the WAL and
 * again in the checkpoint. Its keys are half of its text, and they come
 * from a short list that never changes. A packed spec is SPECPACK_MARK
 * followed by the text with each `"key":` of the list below replaced by
 * one byte below 0x20 (or SPECPACK_LONG and an index byte), bytes that
 * JSON text never holds raw. Everything else is copied as it is, so
 * unpacking gives back the exact text: the views read parts of it by
 * offset. A stored spec that does not start with the mark is read as it
 * is (the rows written before schema 006's round, and any that packing
 * would not shorten).
 *
 * A create task's plan (clusters.create_task_plan, schema 007) is packed
 * the same way: its keys and stage names are in the lists too.
 *
 * The key list is part of the file format: append to it, never reorder.
 */
#ifndef ACKMOCK_DB_SPECPACK_H
#define ACKMOCK_DB_SPECPACK_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#define SPECPACK_MARK  0x1f	/* the first byte of a packed spec (format 1) */
#define SPECPACK_LONG  0x1e	/* then 0x20 + the key's place after the short ones */
#define SPECPACK_VALUE 0x1f	/* after the first byte: then 0x20 + a value's place */

/*
 * Packs the JSON text (len bytes) into a malloc'd buffer of *out_len
 * bytes; NULL when out of memory. Text that does not shrink is returned
 * copied as it is.
 */
char *specpack_pack(const char *json, size_t len, size_t *out_len);

/*
 * The JSON text of a stored spec, malloc'd and NUL-terminated, length in
 * *out_len; NULL when out of memory or when a packed spec names a key
 * that is not in the list (a damaged row).
 */
char *specpack_unpack(const char *stored, size_t len, size_t *out_len);

/* Defines the SQL function spec_json(stored), the JSON text of a stored spec. */
int specpack_define(sqlite3 *sqlite);

#endif

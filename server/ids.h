/*
 * Identifier formats of the real service (api.md section 1). Every function
 * writes a NUL-terminated id into a caller-provided buffer of the given size
 * and cannot fail: randomness comes from getrandom(2), which blocks only
 * before the kernel's pool is seeded at boot.
 */
#ifndef ACKMOCK_IDS_H
#define ACKMOCK_IDS_H

#include <stdbool.h>
#include <stdint.h>

#define IDS_REQUEST_LEN 37	/* 36 characters + NUL */
#define IDS_CLUSTER_LEN 34	/* "c" + 32 hex + NUL */
#define IDS_TASK_LEN	27	/* "T-" + 24 hex + NUL */
/* The hex digits of the stamp that starts a cluster or task id (after "c" or "T-"). */
#define IDS_STAMP_DIGITS 12

/* An upper-case UUID, e.g. 687C5BAA-D103-4993-884B-C35E4314A1E1. */
void ids_request(char out[IDS_REQUEST_LEN]);

/* "c" followed by 32 lower-case hex digits. */
void ids_cluster(char out[IDS_CLUSTER_LEN]);

/* "T-" followed by 24 lower-case hex digits. */
void ids_task(char out[IDS_TASK_LEN]);

/*
 * The id of cluster_id's create task: a task id whose stamp is the
 * cluster's, so that it names the row the task is stored in (schema/007).
 */
void ids_create_task(const char *cluster_id, char out[IDS_TASK_LEN]);

/* True when task_id has cluster_id's stamp, as ids_create_task makes it. */
bool ids_is_create_task_of(const char *task_id, const char *cluster_id);

/*
 * prefix followed by n random lower-case alphanumerics ("lb-", 20; "i-", 20).
 * out must hold strlen(prefix) + n + 1 bytes.
 */
void ids_alnum(char *out, const char *prefix, int n);

/*
 * Makes every later cluster and task id's stamp (its first 12 hex digits)
 * greater than floor: db_stamp_floor, before the first id is made.
 */
void ids_stamp_floor(uint64_t floor);

/* True when s is a well-formed cluster id or task id respectively. */
bool ids_is_cluster(const char *s);
bool ids_is_task(const char *s);

#endif

/*
 * Signature nonces (auth.md "Errors and replay protection"): the nonces
 * table of schema/001_init.sql. Writer-only: every function here runs
 * inside a db_job's apply, where the single writer makes a check and the
 * insert that follows it one atomic step.
 */
#ifndef ACKMOCK_NONCES_H
#define ACKMOCK_NONCES_H

#include <stdint.h>

#include "db.h"

/*
 * Records that access_key_id used nonce at now_ms. Returns ERR_OK for a
 * nonce not seen since valid_since_ms (an older row is reused), or
 * ERR_NONCE_USED; ERR_INTERNAL on a database failure (logged). Rows older
 * than valid_since_ms are pruned on the way.
 */
enum err db_nonce_use(struct db_conn *conn, const char *access_key_id, const char *nonce,
    int64_t now_ms, int64_t valid_since_ms);

#endif

/*
 * The AccessKey pairs the daemon accepts (auth.md "Credentials",
 * lifecycle.md section 5): the --credential flags, the --credentials file,
 * or, when neither is given, the built-in testid / testsecret of account
 * "default". Built once at start-up and read-only afterwards, so every
 * connection thread may look keys up without a lock.
 */
#ifndef ACKMOCK_CREDENTIALS_H
#define ACKMOCK_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

struct credentials;

/*
 * Builds the table from cfg's flags and reads cfg->credentials_file. A
 * credential without an account belongs to the account named like its
 * AccessKeyId. On a bad file (unreadable, not JSON, wrong shape, a
 * duplicate AccessKeyId) writes one line into err and returns NULL.
 * The caller owns the table.
 */
struct credentials *credentials_new(const struct config *cfg, char *err, size_t errlen);

/* Frees the table. NULL-safe. */
void credentials_free(struct credentials *creds);

/* Returns the credential of access_key_id, or NULL. Borrowed from the table. */
const struct credential *credentials_find(const struct credentials *creds,
    const char *access_key_id);

/* The number of credentials, and whether they are the built-in pair. */
size_t credentials_count(const struct credentials *creds);
bool credentials_builtin(const struct credentials *creds);

#endif

/*
 * Request-target parsing: split path and query, percent-decode. Pure; used by
 * the HTTP layer before routing and by signature verification.
 */
#ifndef ACKMOCK_URI_H
#define ACKMOCK_URI_H

#include <stdbool.h>
#include <stddef.h>

#include "call.h"

/*
 * Decodes %XX escapes of s[0..len) into a new NUL-terminated string ('+' is
 * kept: RFC 3986 gives it no special meaning and the SDKs encode spaces as
 * %20). Returns NULL on a malformed escape, an escaped NUL, or no memory.
 * The caller owns the result.
 */
char *uri_decode(const char *s, size_t len);

/*
 * Splits target into req->path and req->query_raw and fills req->query with
 * decoded pairs ("k" without "=" gets the value ""). Returns false on a
 * malformed target (not starting with '/', bad escape, too many pairs);
 * whatever was filled is still owned by req.
 */
bool uri_parse_target(struct request *req, const char *target);

#endif

/*
 * From a received request to a handler: parse the target, route, decide
 * the account, run the handler. Everything here is independent of the HTTP
 * library, so the same path serves the daemon and the tests.
 */
#ifndef ACKMOCK_DISPATCH_H
#define ACKMOCK_DISPATCH_H

#include <stdint.h>

#include "call.h"

/*
 * Runs call (its method, headers and body filled in) for the raw request
 * target. On return the call holds its response, or a deferred write
 * (call->apply) whose finish builds it.
 */
void dispatch_call(struct call *call, const char *target);

/* Runs the finish of call's deferred write, once it is durable (or failed with apply_err). */
void dispatch_finish(struct call *call, enum err apply_err);

/*
 * Counts the call in the metrics and records it in the journal; the HTTP
 * layer calls it when the response is queued, before the client can read
 * it, so a client that has its answer finds it in both.
 */
void dispatch_answered(const struct call *call, int64_t duration_ns);

/* Writes the one log line of a finished call (admin.md section 1). */
void dispatch_log(const struct call *call, int64_t duration_ns);

#endif

/*
 * The signature policy (auth.md): --auth modes, the credential lookup,
 * clock skew and nonce replay, around the pure verification of auth.c.
 * dispatch.c calls guard_admit() after routing a non-admin call and
 * guard_commit() after its handler.
 */
#ifndef ACKMOCK_GUARD_H
#define ACKMOCK_GUARD_H

#include <stdbool.h>

#include "call.h"

/*
 * Decides whether call may reach its handler. Returns true with
 * call->account set to the verified credential's account (or left as
 * dispatch set it: unsigned calls in optional mode, every call with --auth
 * off); returns false when it answered with a gateway error
 * (IncompleteSignature, InvalidAccessKeyId.NotFound, SignatureDoesNotMatch,
 * InvalidTimeStamp.Expired).
 */
bool guard_admit(struct call *call);

/*
 * Runs after the handler. When the admitted call carries a signature nonce,
 * its check-and-insert joins the call's deferred write (one writer batch
 * for a signed create), or becomes the call's only write for a call that
 * answered without writing. A replayed nonce then replaces the answer with
 * SignatureNonceUsed, and the handler's write never runs.
 */
void guard_commit(struct call *call);

#endif

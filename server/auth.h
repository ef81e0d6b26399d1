/*
 * Request signatures, the pure part (auth.md): parsing the Authorization
 * header of both schemes, canonicalising a request and checking its
 * signature against one secret. No configuration, no database, no clock:
 * the unit test and the fuzz target drive exactly what the daemon runs.
 * The policy (modes, credentials, skew, nonces) is guard.c's.
 *
 * This module and auth.c's OpenSSL calls are the only place where hashes
 * and HMACs are computed.
 */
#ifndef ACKMOCK_AUTH_H
#define ACKMOCK_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "call.h"
#include "errors.h"

#define AUTH_MAX_ACCESS_KEY_ID 128

enum auth_scheme {
	AUTH_SCHEME_NONE,		/* no Authorization header */
	AUTH_SCHEME_ROA,		/* "acs AK:SIGNATURE", HMAC-SHA1 */
	AUTH_SCHEME_ACS3_SHA256,	/* "ACS3-HMAC-SHA256 Credential=..." */
	AUTH_SCHEME_ACS3_SM3,		/* the same with SM3 */
};

/* One request as received; everything is borrowed. */
struct auth_input {
	const char *method;
	const char *target;		/* the raw request-target, query included */
	const struct kv *headers;	/* names as received, any case */
	size_t nheaders;
	const char *body;		/* the raw body bytes */
	size_t body_len;
};

/*
 * What the Authorization header claims. signature and signed_headers point
 * into the header's value (borrowed from the input).
 */
struct auth_claim {
	enum auth_scheme scheme;
	char access_key_id[AUTH_MAX_ACCESS_KEY_ID + 1];
	const char *signature;
	size_t signature_len;
	const char *signed_headers;	/* ACS3 only: "a;b;c" as sent */
	size_t signed_headers_len;
};

/*
 * What the server computed, for the error message and the debug log. Both
 * strings are owned by the trace; free them with auth_trace_finish().
 */
struct auth_trace {
	char *string_to_sign;
	char *canonical_request;	/* ACS3 only */
};

/*
 * Parses the Authorization header of in into *out. Returns ERR_OK (with
 * scheme AUTH_SCHEME_NONE when there is no such header), or
 * ERR_INCOMPLETE_SIGNATURE with a reason in why when it is malformed or of
 * an unknown scheme.
 */
enum err auth_parse(const struct auth_input *in, struct auth_claim *out, char *why,
    size_t whylen);

/*
 * Verifies the claim of a request against secret. Returns ERR_OK when the
 * signature is the server's for this request, ERR_SIGNATURE_MISMATCH when
 * it (or Content-MD5 / x-acs-content-sha256 against the body) is not,
 * ERR_INCOMPLETE_SIGNATURE (reason in why) when the claim leaves out what
 * must be signed, ERR_INTERNAL when out of memory. trace, when not NULL,
 * receives the server's string to sign (and canonical request) whatever
 * the outcome, as far as they were computed.
 */
enum err auth_verify(const struct auth_input *in, const struct auth_claim *claim,
    const char *secret, struct auth_trace *trace, char *why, size_t whylen);

/* Frees the strings of trace. NULL-safe. */
void auth_trace_finish(struct auth_trace *trace);

/*
 * The signing time the request claims: x-acs-date (ISO 8601, UTC) for
 * ACS3, Date (RFC 1123) for ROA, either one that parses otherwise. Returns
 * false when it is missing or malformed.
 */
bool auth_request_time(const struct auth_input *in, enum auth_scheme scheme, int64_t *epoch_s);

/* The value of header name (case-insensitive) in in, or NULL. Borrowed. */
const char *auth_header(const struct auth_input *in, const char *name);

#endif

/*
 * Keeping secrets out of the request journal (admin.md section 2, api.md
 * section 3): request bodies with their secret values replaced, the
 * Authorization header with its signature cut, and any other text reduced to
 * printable ASCII so a stored or logged line can never be broken by it.
 * Pure; every function returns a new string the caller frees, or NULL when
 * out of memory.
 */
#ifndef ACKMOCK_REDACT_H
#define ACKMOCK_REDACT_H

#include <stdbool.h>
#include <stddef.h>

/* Bodies are stored up to this many bytes; longer ones are cut and marked. */
#define REDACT_BODY_MAX (64 * 1024)

/* What replaces a secret value. */
#define REDACT_MASK "***"

/*
 * True when a JSON key names a secret: login_password, key_pair, user_data,
 * compared without case, '_' or '-' (so loginPassword and KeyPair count
 * too), and any key containing "password".
 */
bool redact_is_secret_key(const char *key);

/*
 * The body to store for body[0..len): a JSON document has the value of every
 * secret key, at any depth, replaced by "***" and is printed compactly; text
 * that is not JSON is kept (escaped) only when it names no secret key,
 * otherwise a note of its size stands in for it. Empty gives "".
 */
char *redact_body(const char *body, size_t len);

/*
 * The Authorization value with its signature cut: "acs AK:SIG" becomes
 * "acs AK:***"; "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=h,Signature=S"
 * keeps everything but S; an unknown scheme keeps only its first word.
 */
char *redact_authorization(const char *value);

/*
 * s with every byte outside printable ASCII (and '%' itself) written as %XX,
 * so the result is valid UTF-8 and holds no control character.
 */
char *redact_text(const char *s);

/*
 * redact_text of s[0..len) written into out, which has room for 3 * len + 1
 * bytes; returns the end of what it wrote (its NUL). Allocates nothing.
 */
char *redact_text_into(char *out, const char *s, size_t len);

struct kv;

/*
 * The request headers headers[0..n) as a compact JSON object, in order:
 * names and values as redact_text writes them, Authorization cut by
 * redact_authorization, x-acs-security-token and x-acs-bearer-token masked.
 * The same text as printing a cJSON object of them, without building one.
 */
char *redact_headers(const struct kv *headers, size_t n);

#endif

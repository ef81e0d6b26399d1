/*
 * Strict parsing of request bodies (api.md section 4.1, InvalidBody): valid
 * UTF-8, one JSON object, nesting at most 32 deep, no duplicate keys, and
 * number nodes marked when written with a fraction or an exponent (cJSON
 * keeps only the double, and create-cluster.md section 1 tells 3 from 3.0).
 */
#ifndef ACKMOCK_JSONBODY_H
#define ACKMOCK_JSONBODY_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

#define JSONBODY_MAX_DEPTH 32

/*
 * Set in cJSON's type field of a number written with '.', 'e' or 'E'. cJSON
 * masks its type with 0xFF everywhere, so a higher bit is ours to use.
 */
#define JSONBODY_NOT_INTEGRAL (1 << 14)

/*
 * Parses body[0..len) into a JSON object. On failure returns NULL and
 * writes a client-facing reason into why. The caller owns the result.
 */
struct cJSON *jsonbody_parse(const char *body, size_t len, char *why, size_t whylen);

/* True when s[0..len) is valid UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
bool jsonbody_utf8_valid(const char *s, size_t len);

/* The number of code points of a valid UTF-8 string. */
size_t jsonbody_utf8_length(const char *s);

#endif

/*
 * libFuzzer target for request-target parsing and routing: uri_parse_target
 * (path, query, percent-decoding) and router_match against the daemon's
 * real route table. Input: the first byte picks the method, the rest is
 * the request-target as MHD would hand it over (NUL-terminated).
 *
 * Besides "no crash, no leak, no undefined behaviour" (ASan, UBSan, LSan),
 * it checks what the callers rely on: a parsed path is the target's prefix
 * up to '?', a matched route yields exactly one decoded parameter per "{}"
 * of its pattern and none otherwise, and uri_decode inverts a full
 * percent-encoding of any byte string without NUL.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "router.h"
#include "uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"};

static size_t
pattern_params(const char *pattern)
{
	size_t n = 0;

	for (const char *p = pattern; (p = strstr(p, "{}")) != NULL; p += 2)
		n++;
	return n;
}

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_uri: invariant broken: %s\n", what);
		abort();
	}
}

/* uri_decode of the %XX encoding of every byte must give the bytes back. */
static void
check_decode_roundtrip(const uint8_t *data, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	char *enc, *dec;
	size_t n = 0;

	if (memchr(data, 0, size) != NULL || (enc = malloc(size * 3 + 1)) == NULL)
		return;
	for (size_t i = 0; i < size; i++) {
		enc[n++] = '%';
		enc[n++] = hex[data[i] >> 4];
		enc[n++] = hex[data[i] & 15];
	}
	enc[n] = '\0';
	dec = uri_decode(enc, n);
	check(dec != NULL, "uri_decode refused a well-formed encoding");
	check(memcmp(dec, data, size) == 0 && dec[size] == '\0', "uri_decode round trip");
	free(dec);
	free(enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct call call;
	const struct route *route;
	char *target;

	if (size < 1)
		return 0;
	target = malloc(size);
	if (target == NULL)
		return 0;
	/* MHD hands over a C string: the target ends at the first NUL. */
	memcpy(target, data + 1, size - 1);
	target[size - 1] = '\0';

	memset(&call, 0, sizeof(call));
	call.req.method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	if (uri_parse_target(&call.req, target)) {
		size_t plen = strcspn(target, "?");

		check(call.req.path != NULL, "parsed target without a path");
		check(call.req.path[0] == '/', "path does not start with '/'");
		check(strlen(call.req.path) == plen && memcmp(call.req.path, target, plen) == 0,
		    "path is not the target's prefix up to '?'");
		check((call.req.query_raw != NULL) == (target[plen] == '?'),
		    "query_raw present exactly when the target has '?'");
		check(call.req.nquery <= CALL_MAX_QUERY, "too many query pairs");
		for (size_t i = 0; i < call.req.nquery; i++)
			check(call.req.query[i].key != NULL && call.req.query[i].value != NULL,
			    "query pair without key or value");
		route = router_match(routes, call.req.method, &call.req);
		if (route != NULL) {
			check(strcmp(route->method, call.req.method) == 0, "route of another method");
			check(call.req.nparams == pattern_params(route->pattern),
			    "parameter count differs from the pattern's");
			for (size_t i = 0; i < call.req.nparams; i++)
				check(call.req.params[i] != NULL &&
					  strlen(call.req.params[i]) < strlen(call.req.path),
				    "decoded parameter longer than the path");
		} else {
			check(call.req.nparams == 0, "parameters left behind by a failed match");
		}
	}
	/* Frees whatever was parsed, even after a failure (uri.h: still owned by req). */
	call_finish(&call);
	free(target);
	check_decode_roundtrip(data, size);
	return 0;
}

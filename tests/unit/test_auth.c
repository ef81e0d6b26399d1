/*
 * auth.c against auth-vectors.json (the path is argv[1]): every captured
 * request verifies with its key and yields the string to sign (and, for
 * ACS3, the canonical request) the client computed; every tampered one is
 * refused with its code. Then the header grammar, re-ordered queries and
 * the request time, on variations of the captured requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "auth.h"
#include "tap.h"

#define MAX_VECTORS 256

struct vector {
	char *client;
	char *method;
	char *target;
	struct kv headers[CALL_MAX_HEADERS];
	size_t nheaders;
	char *body;
	char *secret;
	char *expect;
	char *string_to_sign;	/* NULL when the vector has none */
	char *canonical_request;
};

static char *
dup_member(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

static void
vector_finish(struct vector *v)
{
	free(v->client);
	free(v->method);
	free(v->target);
	for (size_t i = 0; i < v->nheaders; i++) {
		free((char *)v->headers[i].key);
		free((char *)v->headers[i].value);
	}
	free(v->body);
	free(v->secret);
	free(v->expect);
	free(v->string_to_sign);
	free(v->canonical_request);
	memset(v, 0, sizeof(*v));
}

static bool
vector_load(const cJSON *item, struct vector *v)
{
	const cJSON *headers = cJSON_GetObjectItemCaseSensitive(item, "headers");
	const cJSON *h;

	memset(v, 0, sizeof(*v));
	v->client = dup_member(item, "client");
	v->method = dup_member(item, "method");
	v->target = dup_member(item, "target");
	v->body = dup_member(item, "body");
	v->secret = dup_member(item, "access_key_secret");
	v->expect = dup_member(item, "expect");
	v->string_to_sign = dup_member(item, "string_to_sign");
	v->canonical_request = dup_member(item, "canonical_request");
	if (!cJSON_IsArray(headers))
		return false;
	cJSON_ArrayForEach(h, headers) {
		const cJSON *k = cJSON_GetArrayItem(h, 0), *val = cJSON_GetArrayItem(h, 1);

		if (!cJSON_IsString(k) || !cJSON_IsString(val) || v->nheaders >= CALL_MAX_HEADERS)
			return false;
		v->headers[v->nheaders].key = strdup(k->valuestring);
		v->headers[v->nheaders].value = strdup(val->valuestring);
		v->nheaders++;
	}
	return v->client != NULL && v->method != NULL && v->target != NULL && v->body != NULL &&
	    v->secret != NULL && v->expect != NULL;
}

static struct auth_input
vector_input(const struct vector *v)
{
	return (struct auth_input){
	    .method = v->method,
	    .target = v->target,
	    .headers = v->headers,
	    .nheaders = v->nheaders,
	    .body = v->body,
	    .body_len = strlen(v->body),
	};
}

/* Parses and verifies in with secret; the trace is returned for inspection. */
static enum err
check(const struct auth_input *in, const char *secret, struct auth_trace *trace)
{
	struct auth_claim claim;
	char why[256];
	enum err err = auth_parse(in, &claim, why, sizeof(why));

	memset(trace, 0, sizeof(*trace));
	if (err != ERR_OK)
		return err;
	return auth_verify(in, &claim, secret, trace, why, sizeof(why));
}

static void
replay_vectors(struct vector *vs, size_t n)
{
	size_t valid = 0, tampered = 0;

	for (size_t i = 0; i < n; i++) {
		struct vector *v = &vs[i];
		struct auth_input in = vector_input(v);
		struct auth_trace trace;
		enum err err = check(&in, v->secret, &trace);
		bool want_ok = strcmp(v->expect, "valid") == 0;

		if (want_ok) {
			valid++;
			tap_ok(err == ERR_OK, "vector %zu (%s %s %s) verifies", i, v->client, v->method,
			    v->target);
			if (v->string_to_sign != NULL)
				tap_str(trace.string_to_sign, v->string_to_sign, "  its string to sign");
			if (v->canonical_request != NULL)
				tap_str(trace.canonical_request, v->canonical_request,
				    "  its canonical request");
		} else {
			enum err want = err_from_code(v->expect);

			tampered++;
			tap_ok(want != ERR__COUNT && err == want,
			    "vector %zu (%s %s %s) is refused with %s (got %s)", i, v->client,
			    v->method, v->target, v->expect, err_info(err)->code);
			tap_ok(trace.string_to_sign != NULL && trace.string_to_sign[0] != '\0',
			    "  the refusal shows the server's string to sign");
		}
		auth_trace_finish(&trace);
	}
	tap_ok(valid == 80, "80 valid vectors (got %zu)", valid);
	tap_ok(tampered == 14, "14 tampered vectors (got %zu)", tampered);
}

static struct vector *
find(struct vector *vs, size_t n, const char *client, const char *target, const char *expect)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(vs[i].client, client) == 0 && strcmp(vs[i].target, target) == 0 &&
		    strcmp(vs[i].expect, expect) == 0)
			return &vs[i];
	return NULL;
}

static struct kv *
header_slot(struct vector *v, const char *name)
{
	for (size_t i = 0; i < v->nheaders; i++)
		if (strcasecmp(v->headers[i].key, name) == 0)
			return &v->headers[i];
	return NULL;
}

/* Runs one variation: value of header name replaced (NULL drops it), target replaced. */
static enum err
variant(struct vector *v, const char *name, const char *value, const char *target)
{
	struct vector copy = *v;
	struct auth_input in;
	struct auth_trace trace;
	enum err err;
	size_t k = 0;

	copy.nheaders = 0;
	for (size_t i = 0; i < v->nheaders; i++) {
		if (name != NULL && strcasecmp(v->headers[i].key, name) == 0) {
			if (value == NULL)
				continue;
			copy.headers[k].key = v->headers[i].key;
			copy.headers[k++].value = value;
		} else {
			copy.headers[k++] = v->headers[i];
		}
	}
	copy.nheaders = k;
	if (target != NULL)
		copy.target = (char *)target;
	in = vector_input(&copy);
	err = check(&in, v->secret, &trace);
	auth_trace_finish(&trace);
	return err;
}

static void
grammar_cases(struct vector *vs, size_t n)
{
	static const char list_target[] =
	    "/api/v1/clusters?name=a%20b!*%27()~%E4%B8%AD%2B%2F%3D%26x&page_size=10";
	static const char list_reordered[] =
	    "/api/v1/clusters?page_size=10&name=a%20b!*%27()~%E4%B8%AD%2B%2F%3D%26x";
	struct vector *v3 = find(vs, n, "misc", list_target, "valid");
	struct vector *path3 = find(vs, n, "misc", "/tasks/T%201%2B%2A%2F~!", "valid");
	struct vector *roa = NULL;
	char buf[1024];
	struct kv *auth;

	for (size_t i = 0; i < n && roa == NULL; i++)
		if (strcmp(vs[i].target, "/tasks/T%201%2B%2A%2F~!") == 0 &&
		    header_slot(&vs[i], "authorization") != NULL &&
		    strncmp(header_slot(&vs[i], "authorization")->value, "acs ", 4) == 0)
			roa = &vs[i];
	if (!tap_ok(v3 != NULL && roa != NULL && path3 != NULL, "the misc vectors are there"))
		return;
	/* find() returns the first: the ACS3 capture comes before the ROA one. */
	auth = header_slot(v3, "authorization");
	tap_ok(auth != NULL && strncmp(auth->value, "ACS3-", 5) == 0, "first list vector is ACS3");
	tap_ok(variant(v3, NULL, NULL, list_reordered) == ERR_OK,
	    "ACS3: query pairs in another order still verify");
	tap_ok(variant(v3, NULL, NULL, "/api/v1/clusters?name=a%20b&page_size=10") ==
		ERR_SIGNATURE_MISMATCH,
	    "ACS3: another query value does not");
	tap_ok(variant(v3, "x-acs-action", NULL, NULL) == ERR_SIGNATURE_MISMATCH,
	    "ACS3: a signed header dropped does not");
	tap_ok(variant(v3, "x-acs-content-sha256", "00", NULL) == ERR_SIGNATURE_MISMATCH,
	    "ACS3: x-acs-content-sha256 not the body's");

	/* Authorization header grammar, on the ACS3 list vector. */
	snprintf(buf, sizeof(buf), "%s", auth->value);
	for (char *p = buf; *p != '\0'; p++)
		if (p > strstr(buf, "Signature=") + 9 && *p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	tap_ok(variant(v3, "authorization", buf, NULL) == ERR_OK,
	    "ACS3: an upper-case hex signature verifies");
	{
		char spaced[1024];
		const char *sh = strstr(auth->value, ",SignedHeaders=");
		const char *sig = strstr(auth->value, ",Signature=");

		snprintf(spaced, sizeof(spaced), "%.*s, %.*s, %s", (int)(sh - auth->value),
		    auth->value, (int)(sig - sh - 1), sh + 1, sig + 1);
		tap_ok(variant(v3, "authorization", spaced, NULL) == ERR_OK,
		    "ACS3: spaces after the commas are accepted");
		snprintf(spaced, sizeof(spaced), "%.*s,SignedHeaders=x-acs-action;x-acs-date%s",
		    (int)(sh - auth->value), auth->value, sig);
		tap_ok(variant(v3, "authorization", spaced, NULL) == ERR_INCOMPLETE_SIGNATURE,
		    "ACS3: SignedHeaders without host is IncompleteSignature");
		snprintf(spaced, sizeof(spaced),
		    "%.*s,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;"
		    "x-acs-date;x-acs-version%s",
		    (int)(sh - auth->value), auth->value, sig);
		tap_ok(variant(v3, "authorization", spaced, NULL) == ERR_INCOMPLETE_SIGNATURE,
		    "ACS3: an unsigned x-acs-signature-nonce is IncompleteSignature");
		snprintf(spaced, sizeof(spaced), "%.*s%s", (int)(sig - auth->value), auth->value,
		    ",Signature=abc,Signature=abc");
		tap_ok(variant(v3, "authorization", spaced, NULL) == ERR_INCOMPLETE_SIGNATURE,
		    "ACS3: a repeated parameter is IncompleteSignature");
	}
	/* clang-format off */
	static const struct {
		const char *value;
		enum err want;
	} grammar[] = {
		{ "acs testid",					ERR_INCOMPLETE_SIGNATURE },
		{ "acs :sig",					ERR_INCOMPLETE_SIGNATURE },
		{ "acs testid:",				ERR_INCOMPLETE_SIGNATURE },
		{ "acs testid:AAAA",				ERR_SIGNATURE_MISMATCH },
		{ "Bearer token",				ERR_INCOMPLETE_SIGNATURE },
		{ "",						ERR_INCOMPLETE_SIGNATURE },
		{ "ACS3-HMAC-SHA256 Credential=testid",		ERR_INCOMPLETE_SIGNATURE },
		{ "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host,Signature=", ERR_INCOMPLETE_SIGNATURE },
		{ "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;;x,Signature=ab", ERR_INCOMPLETE_SIGNATURE },
		{ "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host,Signature=ab,Extra=1", ERR_INCOMPLETE_SIGNATURE },
		{ "ACS3-HMAC-SHA1 Credential=testid,SignedHeaders=host,Signature=ab", ERR_INCOMPLETE_SIGNATURE },
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof(grammar) / sizeof(grammar[0]); i++)
		tap_ok(variant(roa, "authorization", grammar[i].value, NULL) == grammar[i].want,
		    "Authorization '%s' gives %s", grammar[i].value, err_info(grammar[i].want)->code);

	/* ROA: the query is sorted by the server, so any order verifies. */
	{
		struct vector *roa_list = NULL;

		for (size_t i = 0; i < n; i++)
			if (strcmp(vs[i].target, list_target) == 0 && &vs[i] != v3 &&
			    strcmp(vs[i].expect, "valid") == 0)
				roa_list = &vs[i];
		tap_ok(roa_list != NULL && variant(roa_list, NULL, NULL, list_reordered) == ERR_OK,
		    "ROA: query pairs in another order still verify");
		tap_ok(roa_list != NULL && variant(roa_list, "x-acs-action", "Other", NULL) ==
			ERR_SIGNATURE_MISMATCH,
		    "ROA: a changed x-acs-* header does not");
		tap_ok(roa_list != NULL && variant(roa_list, "accept", "text/xml", NULL) ==
			ERR_SIGNATURE_MISMATCH,
		    "ROA: a changed Accept does not");
	}
	tap_ok(variant(roa, NULL, NULL, "/tasks/T%201%2B*%2F~!") == ERR_SIGNATURE_MISMATCH,
	    "ROA: the path is signed as sent (an unescaped '*' differs)");
	tap_ok(variant(path3, NULL, NULL, "/tasks/T%201%2B*%2F%7E!") == ERR_OK,
	    "ACS3: '*' and %%2A, '~' and %%7E are one CanonicalURI");
}

static void
time_cases(struct vector *vs, size_t n)
{
	struct vector *v3 = &vs[0], *roa = NULL;
	struct auth_input in;
	int64_t t = 0;

	for (size_t i = 0; i < n && roa == NULL; i++)
		if (header_slot(&vs[i], "date") != NULL)
			roa = &vs[i];
	in = vector_input(v3);
	tap_ok(auth_request_time(&in, AUTH_SCHEME_ACS3_SHA256, &t) && t == 1795699298,
	    "x-acs-date 2026-11-26T13:21:38Z is 1795699298 (got %lld)", (long long)t);
	if (!tap_ok(roa != NULL, "a vector with Date"))
		return;
	in = vector_input(roa);
	tap_ok(auth_request_time(&in, AUTH_SCHEME_ROA, &t) &&
		strcmp(header_slot(roa, "date")->value, "Thu, 26 Nov 2026 13:21:43 GMT") == 0 &&
		t == 1795699303,
	    "Date Thu, 26 Nov 2026 13:21:43 GMT is 1795699303 (got %lld)", (long long)t);
	{
		struct kv h[] = {{"Date", "yesterday"}};
		struct auth_input bad = {.method = "GET", .target = "/", .headers = h, .nheaders = 1,
		    .body = "", .body_len = 0};

		tap_ok(!auth_request_time(&bad, AUTH_SCHEME_ROA, &t), "a malformed Date is refused");
		bad.nheaders = 0;
		tap_ok(!auth_request_time(&bad, AUTH_SCHEME_ACS3_SHA256, &t), "no date is refused");
	}
}

int
main(int argc, char **argv)
{
	static struct vector vs[MAX_VECTORS];
	const char *path = argc > 1 ? argv[1] : NULL;
	FILE *f = path != NULL ? fopen(path, "rb") : NULL;
	char *text = NULL;
	size_t len = 0, n = 0;
	cJSON *doc = NULL;
	const cJSON *item;

	/* A missing file must fail the run, never pass it silently. */
	if (!tap_ok(f != NULL, "auth vectors at %s", path != NULL ? path : "(no path given)"))
		return tap_done();
	if ((text = malloc(4 << 20)) != NULL)
		len = fread(text, 1, (4 << 20) - 1, f);
	fclose(f);
	if (text != NULL)
		doc = cJSON_ParseWithLength(text, len);
	free(text);
	item = cJSON_GetObjectItemCaseSensitive(doc, "vectors");
	if (!tap_ok(cJSON_IsArray(item), "the file has a vectors array")) {
		cJSON_Delete(doc);
		return tap_done();
	}
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(doc, "vectors")) {
		if (n < MAX_VECTORS && vector_load(item, &vs[n]))
			n++;
		else
			tap_ok(false, "vector %zu loads", n);
	}
	cJSON_Delete(doc);
	tap_ok(n == 94, "94 vectors (got %zu)", n);
	replay_vectors(vs, n);
	grammar_cases(vs, n);
	time_cases(vs, n);
	for (size_t i = 0; i < n; i++)
		vector_finish(&vs[i]);
	return tap_done();
}

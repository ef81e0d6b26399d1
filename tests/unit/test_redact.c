/* redact.c: secret keys at any depth, non-JSON bodies, Authorization values, escaping. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "call.h"
#include "jsonbody.h"
#include "redact.h"
#include "tap.h"

struct body_case {
	const char *id;
	const char *input;
	const char *want;
};

/* clang-format off */
static const struct body_case body_cases[] = {
	{ "empty",		"",						"" },
	{ "no secret",		"{\"name\":\"a\",\"n\":1}",			"{\"name\":\"a\",\"n\":1}" },
	{ "top level",		"{\"name\":\"a\",\"login_password\":\"pw\"}",	"{\"name\":\"a\",\"login_password\":\"***\"}" },
	{ "all three",		"{\"key_pair\":\"k\",\"user_data\":\"u\",\"login_password\":\"p\"}",
				"{\"key_pair\":\"***\",\"user_data\":\"***\",\"login_password\":\"***\"}" },
	{ "nested in array",	"{\"nodepools\":[{\"login_password\":\"p\",\"x\":[{\"user_data\":{\"a\":1}}]}]}",
				"{\"nodepools\":[{\"login_password\":\"***\",\"x\":[{\"user_data\":\"***\"}]}]}" },
	{ "camel case",		"{\"LoginPassword\":\"p\",\"keyPair\":\"k\"}",	"{\"LoginPassword\":\"***\",\"keyPair\":\"***\"}" },
	{ "duplicate keys",	"{\"login_password\":\"a\",\"login_password\":\"b\"}",
				"{\"login_password\":\"***\",\"login_password\":\"***\"}" },
	{ "not an object",	"[{\"key_pair\":\"k\"}]",			"[{\"key_pair\":\"***\"}]" },
	{ "a value is not a key", "{\"name\":\"login_password\"}",		"{\"name\":\"login_password\"}" },
	{ "broken JSON with secret", "{\"login_password\":\"hunter2\",",	"[28 bytes, not JSON, withheld: may hold a secret]" },
	{ "plain text",		"hello\nworld",					"hello%0Aworld" },
};
/* clang-format on */

/*
 * The reference for redact_body's fast path: what the tree path (cJSON parse,
 * replace the secrets, print) gives, and for text that is not JSON the
 * escaped text or the withheld note. The fast path must agree on every input.
 */
static bool
ref_tree(cJSON *node)
{
	for (cJSON *c = node != NULL ? node->child : NULL; c != NULL; c = c->next) {
		if (cJSON_IsObject(node) && redact_is_secret_key(c->string)) {
			cJSON *mask = cJSON_CreateString(REDACT_MASK);

			mask->string = strdup(c->string);
			cJSON_ReplaceItemViaPointer(node, c, mask);
			c = mask;
			continue;
		}
		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			ref_tree(c);
	}
	return true;
}

static char *
ref_body(const char *body, size_t len)
{
	static const char *const words[] = {
	    "password", "key_pair", "keypair", "key-pair", "user_data", "userdata", "user-data",
	};
	const char *end = NULL;
	cJSON *doc = NULL;
	char *out;
	size_t o = 0;

	if (jsonbody_utf8_valid(body, len))
		doc = cJSON_ParseWithLengthOpts(body, len, &end, false);
	if (doc != NULL) {
		while (end < body + len && *end != '\0' && strchr(" \t\r\n", *end) != NULL)
			end++;
		if (end == body + len) {
			ref_tree(doc);
			out = cJSON_PrintUnformatted(doc);
			cJSON_Delete(doc);
			return out;
		}
		cJSON_Delete(doc);
	}
	for (size_t i = 0; i < len; i++)
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			if (strlen(words[w]) <= len - i &&
			    strncasecmp(body + i, words[w], strlen(words[w])) == 0) {
				out = malloc(96);
				snprintf(out, 96,
				         "[%zu bytes, not JSON, withheld: may hold a secret]", len);
				return out;
			}
	out = malloc(len * 3 + 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)body[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '%')
			out[o++] = (char)ch;
		else
			o += (size_t)sprintf(out + o, "%%%02X", ch);
	}
	out[o] = '\0';
	return out;
}

/* Bodies that take the fast path, or just miss it; each is also mutated below. */
static const char *const diff_bodies[] = {
    "{\"name\":\"-bad name!\",\"cluster_type\":\"Kubernetes\",\"num_of_nodes\":2.5,"
    "\"timeout_mins\":-1,\"addons\":[{\"name\":\"flannel\"}],\"tags\":[{\"key\":\"env\"}]}",
    "{ \"a\" : [ 1 , 2.0 , -0 , 0 , -0.0 , 1e5 , 1E+2 , 2.50 , 1e400 , -1e-7 , 0.1 ] }",
    "[123456789012345, 1234567890123456, 12345678901234567890, -2147483648, 2147483648]",
    "{\"login_password\":{\"x\":[1,2,{\"y\":null}]},\"keyPair\":true,\"User-Data\":\"u\"}",
    "{\"s\":\"tab\\there \\\"q\\\" back\\\\slash \\b\\f\\n\\r\"}",
    "{\"s\":\"\\/ and \\u00e9 and \\u0000\"}",
    "{\"pass\\u0077ord\":\"x\",\"k\\n\":1}",
    "{\"caf\xc3\xa9\":\"\xe6\x97\xa5\xe6\x9c\xac\",\"bad\":\"\xc3\"}",
    "{\"root_password_hint\":\"h\",\"x\":{\"PASSWORD\":1}}",
    "\"just a string\"",
    "42",
    "-0",
    "true",
    "null",
    "[]",
    "{}",
    "[[[[[]]]]]",
    " {\"a\":1} \r\n",
    "\xef\xbb\xbf{\"a\":1}",
    "{\"a\":1}x",
    "{\"a\":01}",
    "{\"a\":1.}",
    "{\"a\":.5}",
    "{\"a\":+1}",
    "{\"a\":tru}",
    "{\"a\":1,}",
    "[1,]",
    "{\"a\"\x0b:1}",
    "{\"a\":\"\x01\"}",
    "\x0c[1]",
    "{\"a\":[1,2",
    "login_password=x",
    "plain text \xff",
    "{\"a\":\"\x7f\"}",
    "[0.5,-0.5,0.0001,0.00001,0.000123456789012345,1.23456789012345,1.234567890123456,10.5,100,"
    "1000000000000000,0.1,0.2,0.30,-10.25,99999999999999.9,999999999999999.9,0.0,-0.0]",
    "{\"_-login-Password\":1,\"xpassword\":2,\"Key_Pair\":3,\"u\":4,\"user_datum\":5,\"-\":6,\"\":"
    "7}",
    "{\"a\":1e}",
    "{\"a\":-}",
    "{\"a\":NaN}",
    "{\"n\":1.5e308,\"m\":4.9e-324,\"k\":0.30000000000000004}",
};

/* The generator's high bits, as an unsigned. */
static unsigned
next_rand(void)
{
	return (unsigned)(tap_rand() >> 16);
}

/* Runs one body through both; returns true when they agree (and says which did not). */
static bool
diff_one(const char *body, size_t len)
{
	char *got = redact_body(body, len), *want = ref_body(body, len);
	bool same = got != NULL && want != NULL && strcmp(got, want) == 0;

	if (!same) {
		char *shown = ref_body(body, len > 200 ? 200 : len);

		printf("# differs on %s\n#  got  %s\n#  want %s\n", shown, got, want);
		free(shown);
	}
	free(got);
	cJSON_free(want);
	return same;
}

static void
test_fast_path(void)
{
	static const char pieces[] = " \t\n{}[]\",:\\0123456789.eE+-tfnul\x01\xc3\xa9/xa_";
	bool all = true;
	size_t tried = 0;

	for (size_t i = 0; i < sizeof(diff_bodies) / sizeof(diff_bodies[0]); i++)
		all &= diff_one(diff_bodies[i], strlen(diff_bodies[i]));
	tap_ok(all, "fast path agrees with the tree on %zu bodies",
	       sizeof(diff_bodies) / sizeof(diff_bodies[0]));

	/* Mutations: each byte replaced, inserted or dropped, many times over. */
	all = true;
	for (size_t i = 0; i < sizeof(diff_bodies) / sizeof(diff_bodies[0]); i++) {
		size_t len = strlen(diff_bodies[i]);

		for (int k = 0; k < 400; k++) {
			char buf[512];
			size_t at = next_rand() % (len + 1), n = len;
			char ch = pieces[next_rand() % (sizeof(pieces) - 1)];

			memcpy(buf, diff_bodies[i], len);
			switch (next_rand() % 3) {
			case 0:
				if (at < len)
					buf[at] = ch;
				break;
			case 1:
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = ch;
				n++;
				break;
			default:
				if (at < len) {
					memmove(buf + at, buf + at + 1, len - at - 1);
					n--;
				}
			}
			all &= diff_one(buf, n);
			tried++;
		}
	}
	tap_ok(all, "fast path agrees with the tree on %zu mutated bodies", tried);
}

static void
test_headers(void)
{
	static const struct kv headers[] = {
	    {"Host", "127.0.0.1:1"},
	    {"Authorization", "acs testid:c2ln\"bmF0"},
	    {"x-acs-security-token", "tok"},
	    {"X-Acs-Bearer-Token", "tok"},
	    {"weird\"key\\", "v\x01\xff%\"\\ end"},
	    {"Content-Type", "application/json"},
	    {"Content-Type", ""},
	};
	cJSON *doc = cJSON_CreateObject();
	char *want, *got;

	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		char *key = redact_text(headers[i].key), *value;

		if (strcasecmp(headers[i].key, "authorization") == 0)
			value = redact_authorization(headers[i].value);
		else if (strcasecmp(headers[i].key, "x-acs-security-token") == 0 ||
		         strcasecmp(headers[i].key, "x-acs-bearer-token") == 0)
			value = strdup(REDACT_MASK);
		else
			value = redact_text(headers[i].value);
		cJSON_AddStringToObject(doc, key, value);
		free(key);
		free(value);
	}
	want = cJSON_PrintUnformatted(doc);
	got = redact_headers(headers, sizeof(headers) / sizeof(headers[0]));
	tap_str(got, want, "headers as cJSON prints them");
	free(got);
	cJSON_free(want);
	cJSON_Delete(doc);
	got = redact_headers(NULL, 0);
	tap_str(got, "{}", "no headers");
	free(got);
}

int
main(void)
{
	test_fast_path();
	test_headers();
	for (size_t i = 0; i < sizeof(body_cases) / sizeof(body_cases[0]); i++) {
		const struct body_case *c = &body_cases[i];
		char *got = redact_body(c->input, strlen(c->input));

		tap_str(got, c->want, c->id);
		free(got);
	}

	char *big = malloc(REDACT_BODY_MAX * 2 + 16), *got;

	memset(big, 'a', REDACT_BODY_MAX * 2);
	big[REDACT_BODY_MAX * 2] = '\0';
	got = redact_body(big, strlen(big));
	tap_ok(got != NULL && strlen(got) <= REDACT_BODY_MAX && strstr(got, "[truncated]") != NULL,
	       "a long body is cut to REDACT_BODY_MAX and marked");
	free(got);
	free(big);

	got = redact_authorization("acs testid:c2lnbmF0dXJl");
	tap_str(got, "acs testid:***", "ROA signature cut");
	free(got);
	got =
	    redact_authorization("ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-date,"
	                         "Signature=0123abcd");
	tap_str(got,
	        "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-date,Signature=***",
	        "ACS3 signature cut");
	free(got);
	got = redact_authorization("Bearer abc.def");
	tap_str(got, "Bearer ***", "unknown scheme keeps its first word");
	free(got);
	got = redact_text("a\"b\x01\xff%");
	tap_str(got, "a\"b%01%FF%25", "control, high and percent bytes escaped");
	free(got);
	tap_ok(redact_is_secret_key("root_password"), "any key with password is secret");
	tap_ok(!redact_is_secret_key("name"), "name is not secret");
	tap_ok(!redact_is_secret_key(NULL), "NULL is not secret");
	return tap_done();
}

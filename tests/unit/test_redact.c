/* redact.c: secret keys at any depth, non-JSON bodies, Authorization values, escaping. */
#include <stdlib.h>
#include <string.h>

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

int
main(void)
{
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

/* jsonbody.c: duplicate keys, in small objects (pairwise) and large ones (sorted). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonbody.h"
#include "tap.h"

struct dup_case {
	const char *id;
	const char *input;
	const char *want; /* the reason, or "" when the body parses */
};

/* clang-format off */
static const struct dup_case dup_cases[] = {
	{ "distinct keys",	"{\"a\":1,\"b\":2}",			"" },
	{ "one duplicate",	"{\"name\":\"a\",\"name\":\"b\"}",	"duplicate key \"name\" in a JSON object" },
	{ "first in byte order", "{\"b\":1,\"b\":2,\"a\":1,\"a\":2}",	"duplicate key \"a\" in a JSON object" },
	{ "nested",		"{\"x\":[{\"k\":1,\"k\":2}]}",		"duplicate key \"k\" in a JSON object" },
	{ "empty keys",		"{\"\":1,\"\":2}",			"duplicate key \"\" in a JSON object" },
	{ "same first byte",	"{\"a1\":1,\"a2\":1}",			"" },
};
/* clang-format on */

/* An object of n keys k0..k(n-1), with the key "k3" again at the end when dup. */
static char *
wide(int n, bool dup)
{
	char *s = malloc((size_t)n * 16 + 32);
	size_t o = 0;

	o += (size_t)sprintf(s + o, "{");
	for (int i = 0; i < n; i++)
		o += (size_t)sprintf(s + o, "%s\"k%d\":%d", i != 0 ? "," : "", i, i);
	if (dup)
		o += (size_t)sprintf(s + o, ",\"k3\":0,\"k12\":0");
	sprintf(s + o, "}");
	return s;
}

int
main(void)
{
	for (size_t i = 0; i < sizeof(dup_cases) / sizeof(dup_cases[0]); i++) {
		const struct dup_case *c = &dup_cases[i];
		char why[256] = "";
		cJSON *doc = jsonbody_parse(c->input, strlen(c->input), why, sizeof(why));

		tap_str(doc != NULL ? "" : why, c->want, c->id);
		cJSON_Delete(doc);
	}
	for (int n = 10; n <= 40; n += 30) {
		char why[256] = "", *text = wide(n, true);
		cJSON *doc = jsonbody_parse(text, strlen(text), why, sizeof(why));

		/* Among 40 keys both k3 and k12 repeat, and "k12" < "k3" in byte order. */
		tap_str(doc != NULL ? "" : why,
		        n == 10 ? "duplicate key \"k3\" in a JSON object"
		                : "duplicate key \"k12\" in a JSON object",
		        n == 10 ? "duplicates among 12 keys" : "duplicates among 42 keys");
		cJSON_Delete(doc);
		free(text);
		text = wide(n, false);
		doc = jsonbody_parse(text, strlen(text), why, sizeof(why));
		tap_ok(doc != NULL, "%d distinct keys parse", n);
		cJSON_Delete(doc);
		free(text);
	}
	return tap_done();
}

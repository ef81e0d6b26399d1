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

/* ---- The parse against cJSON's: random texts, valid and broken. ---- */

struct gen {
	char buf[4096];
	size_t len;
};

static void
gen_put(struct gen *g, const char *s)
{
	size_t n = strlen(s);

	if (g->len + n < sizeof(g->buf)) {
		memcpy(g->buf + g->len, s, n);
		g->len += n;
	}
}

static void
gen_space(struct gen *g)
{
	static const char *const spaces[] = {" ", "\n", "\t", "\r", "  ", "\x0b", "\x01"};

	if (tap_rand() % 5 == 0)
		gen_put(g, spaces[tap_rand() % 5 == 0 ? tap_rand() % 7 : tap_rand() % 5]);
}

static void
gen_string(struct gen *g)
{
	static const char *const parts[] = {"a", "name", "b c", "\\\"", "\\\\", "\\/", "\\n", "\\t",
	    "\\b", "\\f", "\\r", "\\u0041", "\\u00e9", "\\ud83d\\ude00", "\\u0000", "\\x", "\x01",
	    "\xc3\xa9", "\xe4\xb8\xad", "abcdefghijklmnop", "0123456789", "\x7f", "\\"};
	int n = (int)(tap_rand() % 5);

	gen_put(g, "\"");
	for (int i = 0; i < n; i++)
		gen_put(g, parts[tap_rand() % 20 == 0 ? tap_rand() % 23 : tap_rand() % 11]);
	gen_put(g, "\"");
}

static void
gen_number(struct gen *g)
{
	static const char *const odd[] = {"01", "1.", "-", ".5", "1e", "1e+", "+1", "-0", "0.0",
	    "1E5", "1e-5", "2.5e308", "1e400", "-1e400", "123456789012345678901234567890",
	    "9007199254740993", "9007199254740992", "0.1", "0.30000000000000004", "1e22",
	    "1e23", "4.35", "2147483647", "2147483648", "-2147483649", "1.5e-7", "00",
	    "12345678901234567890123456789012345678901234567890123456789012345", "1.0e0",
	    "-0.0", "5e-324", "1.7976931348623157e308", "0x10", "1-2", "3.14159265358979"};
	char num[64];

	if (tap_rand() % 3 == 0) {
		gen_put(g, odd[tap_rand() % (sizeof(odd) / sizeof(odd[0]))]);
		return;
	}
	switch (tap_rand() % 3) {
	case 0:
		snprintf(num, sizeof(num), "%lld", (long long)(tap_rand() % 2000000) - 1000000);
		break;
	case 1:
		snprintf(num, sizeof(num), "%.*f", (int)(tap_rand() % 8),
		    (double)(tap_rand() % 100000000) / 1000.0 - 5000.0);
		break;
	default:
		snprintf(num, sizeof(num), "%lldE%d", (long long)(tap_rand() % 100000),
		    (int)(tap_rand() % 60) - 30);
		break;
	}
	gen_put(g, num);
}

static void
gen_value(struct gen *g, int depth)
{
	int kind = (int)(tap_rand() % (depth > 4 ? 5 : 7));

	gen_space(g);
	switch (kind) {
	case 0:
		gen_string(g);
		break;
	case 1:
		gen_number(g);
		break;
	case 2:
		gen_put(g, tap_rand() % 2 ? "true" : "false");
		break;
	case 3:
		gen_put(g, tap_rand() % 10 == 0 ? "nul" : "null");
		break;
	case 4:
		gen_number(g);
		break;
	case 5:
	case 6: {
		bool object = kind == 5;
		int n = (int)(tap_rand() % 5);

		gen_put(g, object ? "{" : "[");
		for (int i = 0; i < n; i++) {
			if (i != 0)
				gen_put(g, tap_rand() % 50 == 0 ? "" : ",");
			gen_space(g);
			if (object) {
				gen_string(g);
				gen_space(g);
				gen_put(g, ":");
			}
			gen_value(g, depth + 1);
			gen_space(g);
		}
		gen_put(g, tap_rand() % 50 == 0 ? "" : object ? "}" : "]");
		break;
	}
	}
	gen_space(g);
}

/* The number tokens of text in order: whether each is written with '.', 'e' or 'E'. */
static size_t
token_flags(const char *s, size_t len, bool *fraction, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		if (s[i] == '"') {
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
		} else if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9')) {
			bool frac = false;

			for (; i < len && strchr("0123456789+-.eE", s[i]) != NULL; i++)
				frac |= s[i] == '.' || s[i] == 'e' || s[i] == 'E';
			if (n < max)
				fraction[n] = frac;
			n++;
		} else {
			i++;
		}
	}
	return n;
}

/* Compares two trees node by node; numbers in order against the token flags. */
static bool
same_tree(const cJSON *a, const cJSON *b, const bool *fraction, size_t nflags, size_t *k)
{
	if ((a->type & 0xFF) != (b->type & 0xFF) || a->valueint != b->valueint ||
	    memcmp(&a->valuedouble, &b->valuedouble, sizeof(double)) != 0 ||
	    (a->string == NULL) != (b->string == NULL) ||
	    (a->string != NULL && strcmp(a->string, b->string) != 0) ||
	    (a->valuestring == NULL) != (b->valuestring == NULL) ||
	    (a->valuestring != NULL && strcmp(a->valuestring, b->valuestring) != 0))
		return false;
	if (cJSON_IsNumber(a)) {
		bool marked = (a->type & JSONBODY_NOT_INTEGRAL) != 0;

		if (*k >= nflags || marked != fraction[*k])
			return false;
		(*k)++;
	}
	if ((a->type & ~(0xFF | JSONBODY_NOT_INTEGRAL)) != 0)
		return false;
	if ((a->child == NULL) != (b->child == NULL))
		return false;
	if (a->child != NULL && (a->child->prev == NULL) != (b->child->prev == NULL))
		return false;
	for (const cJSON *x = a->child, *y = b->child; x != NULL || y != NULL;
	     x = x->next, y = y->next) {
		if (x == NULL || y == NULL || !same_tree(x, y, fraction, nflags, k))
			return false;
		/* prev: the one before, and the first's is the last. */
		if (x->prev == NULL || (x != a->child && x->prev->next != x) ||
		    (x == a->child && x->prev->next != NULL))
			return false;
	}
	return true;
}

/*
 * Every body jsonbody_parse accepts, cJSON accepts as an object with only
 * whitespace after it, and the trees are the same; every body cJSON
 * accepts so is accepted unless a duplicate key or the depth rejects it.
 */
static void
test_against_cjson(void)
{
	int bad = 0, accepted = 0, shown = 0;

	for (int i = 0; i < 60000; i++) {
		struct gen g = {.len = 0};
		char why[256] = "";
		const char *end = NULL;
		cJSON *mine, *theirs;
		bool fraction[512];
		size_t nflags, k = 0;
		bool ok;

		gen_space(&g);
		gen_put(&g, "{");
		for (int m = 0, n = (int)(tap_rand() % 6); m < n; m++) {
			char key[16];

			snprintf(key, sizeof(key), "%s\"k%d\":", m ? "," : "", m);
			gen_put(&g, key);
			gen_value(&g, 1);
		}
		gen_put(&g, "}");
		gen_space(&g);
		/* Now and then a byte changed or cut. */
		if (tap_rand() % 8 == 0 && g.len > 0)
			g.buf[tap_rand() % g.len] = "{}[]\",:0-e. \\a"[tap_rand() % 14];
		if (tap_rand() % 16 == 0 && g.len > 0)
			g.len = tap_rand() % g.len;
		g.buf[g.len] = '\0';
		if (memchr(g.buf, '\0', g.len) != NULL)
			continue;
		mine = jsonbody_parse(g.buf, g.len, why, sizeof(why));
		theirs = cJSON_ParseWithLengthOpts(g.buf, g.len, &end, false);
		while (theirs != NULL && end < g.buf + g.len && strchr(" \t\r\n", *end) != NULL)
			end++;
		if (theirs != NULL && (end != g.buf + g.len || !cJSON_IsObject(theirs))) {
			cJSON_Delete(theirs);
			theirs = NULL;
		}
		nflags = token_flags(g.buf, g.len, fraction, 512);
		if (mine != NULL) {
			accepted++;
			ok = theirs != NULL && nflags <= 512 &&
			     same_tree(mine, theirs, fraction, nflags, &k) && k == nflags;
		} else {
			ok = theirs == NULL || strstr(why, "duplicate key") != NULL ||
			     strstr(why, "nesting") != NULL || strstr(why, "UTF-8") != NULL;
		}
		if (!ok && shown++ < 3)
			printf("# %s\n# why: %s\n", g.buf, why);
		bad += !ok;
		cJSON_Delete(mine);
		cJSON_Delete(theirs);
	}
	tap_ok(bad == 0 && accepted > 10000,
	    "60000 random bodies parse as cJSON parses them (%d accepted)", accepted);
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
	test_against_cjson();
	return tap_done();
}

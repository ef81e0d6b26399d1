/* jsonw.c: the writer prints what cJSON_PrintUnformatted prints for the same tree. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonw.h"
#include "tap.h"

/* Compares the two texts; frees both. */
static bool
same(char *mine, char *theirs, int *shown)
{
	bool ok = mine != NULL && theirs != NULL && strcmp(mine, theirs) == 0;

	if (!ok && (*shown)++ < 3)
		printf("# got  %s\n# want %s\n", mine != NULL ? mine : "(null)",
		    theirs != NULL ? theirs : "(null)");
	free(mine);
	cJSON_free(theirs);
	return ok;
}

static void
test_strings(void)
{
	int bad = 0, shown = 0;

	for (int i = 0; i < 20000; i++) {
		char s[40];
		size_t n = tap_rand() % sizeof(s);
		struct jsonw w;
		cJSON *doc = cJSON_CreateObject();

		/* Every byte but NUL, the low ones often. */
		for (size_t k = 0; k < n; k++)
			s[k] = (char)(tap_rand() % 3 == 0 ? 1 + tap_rand() % 40 : 1 + tap_rand() % 255);
		s[n] = '\0';
		cJSON_AddStringToObject(doc, s, s);
		jsonw_init(&w);
		jsonw_object_begin(&w);
		jsonw_add_string(&w, s, s);
		jsonw_object_end(&w);
		bad += !same(jsonw_finish(&w, NULL), cJSON_PrintUnformatted(doc), &shown);
		cJSON_Delete(doc);
	}
	tap_ok(bad == 0, "20000 random strings, keys and values, print as cJSON prints them");
}

/*
 * jsonw_quoted, on strings that mostly need no escape (the eight-bytes-at-
 * a-time scan), with at most one byte that does, anywhere.
 */
static void
test_quoted(void)
{
	static const char special[] = {'"', '\\', '\n', 1, 0x1f};
	int bad = 0, shown = 0;

	for (int i = 0; i < 20000; i++) {
		char s[80];
		size_t n = tap_rand() % sizeof(s);
		struct jsonw w;
		cJSON *str;

		for (size_t k = 0; k < n; k++)
			s[k] = (char)(0x20 + tap_rand() % 0xe0);
		if (n > 0 && tap_rand() % 2 == 0)
			s[tap_rand() % n] = special[tap_rand() % sizeof(special)];
		s[n] = '\0';
		str = cJSON_CreateString(s);
		jsonw_init(&w);
		jsonw_quoted(&w, s);
		bad += !same(jsonw_finish(&w, NULL), cJSON_PrintUnformatted(str), &shown);
		cJSON_Delete(str);
	}
	tap_ok(bad == 0, "20000 strings with one escape or none quote as cJSON prints them");
}

/*
 * Long strings with escapes anywhere, many or few, after other text in the
 * buffer: the escaping pass grows the buffer in the middle of a string.
 */
static void
test_quoted_long(void)
{
	static const char special[] = {'"', '\\', '\n', '\t', 1, 0x1f, 0x7f};
	int bad = 0, shown = 0;

	for (int i = 0; i < 5000; i++) {
		char s[700];
		size_t n = tap_rand() % sizeof(s), every = 1 + tap_rand() % 40;
		struct jsonw w;
		cJSON *doc = cJSON_CreateArray();

		for (size_t k = 0; k < n; k++)
			s[k] = tap_rand() % every == 0 ? special[tap_rand() % sizeof(special)]
							: (char)(0x20 + tap_rand() % 0xe0);
		s[n] = '\0';
		cJSON_AddItemToArray(doc, cJSON_CreateString("x"));
		cJSON_AddItemToArray(doc, cJSON_CreateString(s));
		cJSON_AddItemToArray(doc, cJSON_CreateString(s));
		jsonw_init(&w);
		jsonw_array_begin(&w);
		jsonw_string(&w, "x");
		jsonw_string(&w, s);
		jsonw_string(&w, s);
		jsonw_array_end(&w);
		bad += !same(jsonw_finish(&w, NULL), cJSON_PrintUnformatted(doc), &shown);
		cJSON_Delete(doc);
	}
	tap_ok(bad == 0, "5000 long strings with escapes anywhere quote as cJSON prints them");
}

static void
test_numbers(void)
{
	static const double fixed[] = {0, -0.0, 1, -1, 0.5, 1e13, 2147483647.0, 2147483648.0,
	    -2147483648.0, -2147483649.0, 1e300, 1e-300, 0.1, 1.0 / 3, DBL_MAX, DBL_MIN,
	    123456789012.0};
	int bad = 0, shown = 0, n = 0;

	for (int i = 0; i < 20000 + (int)(sizeof(fixed) / sizeof(fixed[0])); i++, n++) {
		double d;
		struct jsonw w;
		cJSON *doc = cJSON_CreateArray();

		if (i < (int)(sizeof(fixed) / sizeof(fixed[0])))
			d = fixed[i];
		else if (i % 3 == 0)
			d = (double)(int64_t)(tap_rand() % 20000000000ULL) - 10000000000.0;
		else if (i % 3 == 1)
			d = (double)(tap_rand() % 1000000) / (double)(1 + tap_rand() % 1000);
		else
			memcpy(&d, &(uint64_t){tap_rand()}, sizeof(d));
		cJSON_AddItemToArray(doc, cJSON_CreateNumber(d));
		jsonw_init(&w);
		jsonw_array_begin(&w);
		jsonw_number(&w, d);
		jsonw_array_end(&w);
		bad += !same(jsonw_finish(&w, NULL), cJSON_PrintUnformatted(doc), &shown);
		cJSON_Delete(doc);
	}
	tap_ok(bad == 0, "%d numbers (integers, fractions, any bits) print as cJSON prints them",
	    n);
}

static void
test_nesting(void)
{
	struct jsonw w;
	cJSON *doc = cJSON_CreateObject(), *a, *o;
	int shown = 0;

	cJSON_AddStringToObject(doc, "a", "x");
	a = cJSON_AddArrayToObject(doc, "b");
	cJSON_AddItemToArray(a, cJSON_CreateObject());
	o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "t", true);
	cJSON_AddBoolToObject(o, "f", false);
	cJSON_AddNullToObject(o, "n");
	cJSON_AddItemToArray(a, o);
	cJSON_AddItemToArray(a, cJSON_CreateArray());
	cJSON_AddNumberToObject(doc, "c", 3);
	cJSON_AddObjectToObject(doc, "d");
	jsonw_init(&w);
	jsonw_object_begin(&w);
	jsonw_add_string(&w, "a", "x");
	jsonw_key(&w, "b");
	jsonw_array_begin(&w);
	jsonw_object_begin(&w);
	jsonw_object_end(&w);
	jsonw_object_begin(&w);
	jsonw_add_bool(&w, "t", true);
	jsonw_add_bool(&w, "f", false);
	jsonw_key(&w, "n");
	jsonw_null(&w);
	jsonw_object_end(&w);
	jsonw_array_begin(&w);
	jsonw_array_end(&w);
	jsonw_array_end(&w);
	jsonw_add_number(&w, "c", 3);
	jsonw_key(&w, "d");
	jsonw_object_begin(&w);
	jsonw_object_end(&w);
	jsonw_object_end(&w);
	tap_ok(same(jsonw_finish(&w, NULL), cJSON_PrintUnformatted(doc), &shown),
	    "commas and nesting as cJSON prints them");
	cJSON_Delete(doc);

	jsonw_init(&w);
	for (int i = 0; i < JSONW_MAX_DEPTH + 1; i++)
		jsonw_array_begin(&w);
	tap_ok(jsonw_finish(&w, NULL) == NULL, "too deep fails");
	jsonw_init(&w);
	jsonw_array_end(&w);
	tap_ok(jsonw_finish(&w, NULL) == NULL, "closing nothing fails");
	jsonw_init(&w);
	tap_ok(jsonw_finish(&w, NULL) == NULL, "nothing written gives NULL");
}

int
main(void)
{
	test_strings();
	test_quoted();
	test_quoted_long();
	test_numbers();
	test_nesting();
	return tap_done();
}

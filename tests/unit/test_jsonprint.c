/* jsonprint.c: the same text as cJSON_PrintUnformatted, on fixed and random trees. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonprint.h"
#include "tap.h"

/* Documents parsed and printed both ways. */
static const char *const docs[] = {
    "{}",
    "[]",
    "null",
    "\"\"",
    "{\"code\":\"InvalidParameter\",\"status\":400,\"data\":[{\"code\":\"x\",\"parameter\":\"a[0]."
    "b\"}]}",
    "[0,-0,1,-1,2.5,-2.5,0.1,1e15,1e16,123456789012345,-999999999999999,2147483648,1e300,5e-324,"
    "0.30000000000000004,1.7976931348623157e308,100,1e-7,3.14159265358979,12345678901234567890]",
    "[true,false,null,[[],{}],{\"\":\"\",\"a\":{\"b\":[1,{\"c\":null}]}}]",
    "{\"s\":\"quote \\\" back \\\\ ctl \\b\\f\\n\\r\\t \\u0001\\u001f \\u007f slash \\/ caf\\u00e9 "
    "\\ud83d\\ude00\"}",
    "{\"dup\":1,\"dup\":2}",
};

/* The generator's high bits, as an unsigned. */
static unsigned
next_rand(void)
{
	return (unsigned)(tap_rand() >> 11);
}

static cJSON *
random_value(int depth)
{
	static const double numbers[] = {
	    0,    1,    -1,       400,     0.5,     1e15,         999999999999999,
	    1e-5, -0.0, 2.5e-300, 123.456, 1.0 / 3, 4294967296.0, -1e20};
	unsigned kind = next_rand() % (depth > 3 ? 5 : 7);
	char str[16];
	size_t n;

	switch (kind) {
	case 0:
		return cJSON_CreateNull();
	case 1:
		return cJSON_CreateBool(next_rand() % 2);
	case 2:
		if (next_rand() % 2)
			return cJSON_CreateNumber(
			    numbers[next_rand() % (sizeof(numbers) / sizeof(numbers[0]))]);
		return cJSON_CreateNumber((double)(int)next_rand() / (1 << (next_rand() % 20)));
	case 3:
	case 4:
		n = next_rand() % (sizeof(str) - 1);
		for (size_t i = 0; i < n; i++)
			str[i] = (char)(1 + next_rand() % 255);
		str[n] = '\0';
		return cJSON_CreateString(str);
	default: {
		cJSON *c = kind == 5 ? cJSON_CreateArray() : cJSON_CreateObject();
		int items = (int)(next_rand() % 5);

		for (int i = 0; i < items; i++) {
			char key[8];

			snprintf(key, sizeof(key), "k%c%d", (char)(1 + next_rand() % 127), i);
			if (kind == 5)
				cJSON_AddItemToArray(c, random_value(depth + 1));
			else
				cJSON_AddItemToObject(c, key, random_value(depth + 1));
		}
		return c;
	}
	}
}

static bool
same(const cJSON *doc, const char *what)
{
	char *want = cJSON_PrintUnformatted(doc);
	size_t len = 0;
	char *got = jsonprint(doc, &len);
	bool ok = want != NULL && got != NULL && strcmp(got, want) == 0 && len == strlen(want);

	if (!ok)
		printf("# %s\n#  got  %s\n#  want %s\n", what, got, want);
	cJSON_free(want);
	cJSON_free(got);
	return ok;
}

int
main(void)
{
	bool all = true;
	cJSON *raw;

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		cJSON *doc = cJSON_Parse(docs[i]);

		tap_ok(doc != NULL && same(doc, docs[i]), "document %zu as cJSON prints it", i);
		cJSON_Delete(doc);
	}
	for (int i = 0; i < 3000; i++) {
		cJSON *doc = random_value(0);

		all &= same(doc, "random tree");
		cJSON_Delete(doc);
	}
	tap_ok(all, "3000 random trees as cJSON prints them");

	raw = cJSON_CreateObject();
	cJSON_AddRawToObject(raw, "r", "[1, 2]");
	cJSON_AddNumberToObject(raw, "nan", NAN);
	cJSON_AddNumberToObject(raw, "inf", -INFINITY);
	tap_ok(same(raw, "raw and non-finite"), "raw values and non-finite numbers");
	cJSON_Delete(raw);
	{
		char *big = malloc(20000);
		cJSON *arr = cJSON_CreateArray();

		memset(big, 'x', 19999);
		big[19999] = '\0';
		big[5000] = '\n';
		for (int i = 0; i < 3; i++)
			cJSON_AddItemToArray(arr, cJSON_CreateString(big));
		tap_ok(same(arr, "big"), "a 60 KB document");
		cJSON_Delete(arr);
		free(big);
	}
	{
		/* Past jsonw's depth (a journaled body may nest 1,000 deep): cJSON prints it. */
		cJSON *deep = cJSON_CreateArray(), *at = deep;

		for (int i = 0; i < 200; i++) {
			cJSON *inner = cJSON_CreateObject();

			cJSON_AddItemToArray(at, inner);
			at = cJSON_AddArrayToObject(inner, "k");
		}
		tap_ok(same(deep, "deep"), "a document nested 400 deep");
		cJSON_Delete(deep);
	}
	tap_ok(jsonprint(NULL, NULL) == NULL, "NULL gives NULL");
	return tap_done();
}

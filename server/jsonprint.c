/*
 * A cJSON printer for answers (jsonprint.h). cJSON's own printer grows its
 * buffer by copying, scans every string twice and prints every number with
 * snprintf and sscanf: an invalid CreateCluster's error body of 1.7 KB
 * cost 36k instructions. This one writes into a stack buffer (a heap one
 * when that is full), finds the bytes to escape by a table, and copies the
 * text once into its allocation.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonprint.h"

/*
 * The text so far, in a buffer of cap bytes: first one on the stack (an
 * error body fits), then a malloc'd one; failed after an allocation failed.
 */
struct sink {
	char *out;
	size_t len, cap;
	bool heap, failed;
};

/* Makes room for n more bytes and the NUL; false once an allocation failed. */
static bool
grow(struct sink *s, size_t n)
{
	size_t cap = (s->len + n + 1) * 2;
	char *grown;

	if (s->failed)
		return false;
	if ((grown = s->heap ? realloc(s->out, cap) : malloc(cap)) == NULL) {
		s->failed = true;
		return false;
	}
	if (!s->heap)
		memcpy(grown, s->out, s->len);
	s->out = grown;
	s->cap = cap;
	s->heap = true;
	return true;
}

/* Runs some 350 times an answer: inline, with the growing out of line. */
static inline void
put(struct sink *s, const char *text, size_t n)
{
	if (s->cap - s->len <= n && !grow(s, n))
		return;
	memcpy(s->out + s->len, text, n);
	s->len += n;
}

/* The bytes a string cannot hold as they are: controls, '"', '\\' (and NUL, its end). */
#define X16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const unsigned char special[256] = {
    X16, X16, 0, 0, '"', 0, 0, 0, 0, 0, 0, 0, 0,    0, 0, 0, 0, 0, /* 0x00 to 0x2f */
    0,   0,   0, 0, 0,   0, 0, 0, 0, 0, 0, 0, 0,    0, 0, 0,       /* 0x30 */
    0,   0,   0, 0, 0,   0, 0, 0, 0, 0, 0, 0, 0,    0, 0, 0,       /* 0x40 */
    0,   0,   0, 0, 0,   0, 0, 0, 0, 0, 0, 0, '\\',                /* 0x50 to 0x5c */
};
#undef X16

/* A string as cJSON's print_string_ptr writes it. */
static void
put_string(struct sink *s, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6] = {'\\', 'u', '0', '0', 0, 0};

	put(s, "\"", 1);
	if (str == NULL)
		str = "";
	for (;;) {
		const char *run = str;
		unsigned char c;

		while (!special[(unsigned char)*str])
			str++;
		put(s, run, (size_t)(str - run));
		if ((c = (unsigned char)*str++) == '\0')
			break;
		switch (c) {
		case '"':
			put(s, "\\\"", 2);
			break;
		case '\\':
			put(s, "\\\\", 2);
			break;
		case '\b':
			put(s, "\\b", 2);
			break;
		case '\f':
			put(s, "\\f", 2);
			break;
		case '\n':
			put(s, "\\n", 2);
			break;
		case '\r':
			put(s, "\\r", 2);
			break;
		case '\t':
			put(s, "\\t", 2);
			break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			put(s, esc, 6);
		}
	}
	put(s, "\"", 1);
}

/*
 * A number as cJSON 1.7 prints it: "null" for NaN and infinities, else
 * "%1.15g", or "%1.17g" when that does not read back. An integral value
 * below 1e15 in magnitude (not -0) is written by "%1.15g" as its digits:
 * that case needs no printf.
 */
static bool
put_number(struct sink *s, double d)
{
	char buf[32];
	int n;

	if (isnan(d) || isinf(d)) {
		put(s, "null", 4);
		return true;
	}
	if (d == floor(d) && fabs(d) < 1e15 && !(d == 0 && signbit(d))) {
		long long v = (long long)d;
		char *p = buf + sizeof(buf);
		unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

		do
			*--p = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		if (v < 0)
			*--p = '-';
		put(s, p, (size_t)(buf + sizeof(buf) - p));
		return true;
	}
	n = snprintf(buf, sizeof(buf), "%1.15g", d);
	if (n > 0 && (size_t)n < sizeof(buf)) {
		double back;

		/* cJSON's compare_double: equal within DBL_EPSILON of the larger. */
		if (sscanf(buf, "%lg", &back) == 1 &&
		    fabs(back - d) <= (fabs(back) > fabs(d) ? fabs(back) : fabs(d)) * DBL_EPSILON) {
			put(s, buf, (size_t)n);
			return true;
		}
	}
	n = snprintf(buf, sizeof(buf), "%1.17g", d);
	if (n <= 0 || (size_t)n >= sizeof(buf))
		return false;
	put(s, buf, (size_t)n);
	return true;
}

static bool
put_value(struct sink *s, const cJSON *item)
{
	switch (item->type & 0xFF) {
	case cJSON_NULL:
		put(s, "null", 4);
		return true;
	case cJSON_False:
		put(s, "false", 5);
		return true;
	case cJSON_True:
		put(s, "true", 4);
		return true;
	case cJSON_Number:
		return put_number(s, item->valuedouble);
	case cJSON_Raw:
		if (item->valuestring == NULL)
			return false;
		put(s, item->valuestring, strlen(item->valuestring));
		return true;
	case cJSON_String:
		put_string(s, item->valuestring);
		return true;
	case cJSON_Array:
	case cJSON_Object: {
		bool object = (item->type & 0xFF) == cJSON_Object;

		put(s, object ? "{" : "[", 1);
		for (const cJSON *c = item->child; c != NULL; c = c->next) {
			if (object) {
				put_string(s, c->string);
				put(s, ":", 1);
			}
			if (!put_value(s, c))
				return false;
			if (c->next != NULL)
				put(s, ",", 1);
		}
		put(s, object ? "}" : "]", 1);
		return true;
	}
	default:
		return false;
	}
}

char *
jsonprint(const cJSON *item, size_t *len)
{
	char stack[4096], *text = NULL;
	struct sink s = {.out = stack, .cap = sizeof(stack)};

	if (item == NULL)
		return NULL;
	if (put_value(&s, item) && !s.failed && (text = cJSON_malloc(s.len + 1)) != NULL) {
		memcpy(text, s.out, s.len);
		text[s.len] = '\0';
		if (len != NULL)
			*len = s.len;
	}
	if (s.heap)
		free(s.out);
	return text;
}

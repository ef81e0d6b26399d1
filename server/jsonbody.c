#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonbody.h"

bool
jsonbody_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char c;
		uint32_t cp;
		size_t n;

		/* ASCII, by far the most common, eight bytes at a time. */
		if (i + 8 <= len) {
			uint64_t x;

			memcpy(&x, s + i, 8);
			if ((x & 0x8080808080808080u) == 0) {
				i += 8;
				continue;
			}
		}
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

size_t
jsonbody_utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* True when one of the 8 bytes of x is c. */
static bool
has_byte(uint64_t x, unsigned char c)
{
	uint64_t y = x ^ (0x0101010101010101u * c);

	return ((y - 0x0101010101010101u) & ~y & 0x8080808080808080u) != 0;
}

/* The index of the first '"' or '\\' in s[i..len), or len. */
static size_t
string_stop(const char *s, size_t i, size_t len)
{
	for (; i + 8 <= len; i += 8) {
		uint64_t x;

		memcpy(&x, s + i, 8);
		if (has_byte(x, '"') || has_byte(x, '\\'))
			break;
	}
	for (; i < len && s[i] != '"' && s[i] != '\\'; i++)
		;
	return i;
}

static bool
is_number_byte(char c)
{
	return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E';
}

/*
 * Walks the raw text and returns, in document order, whether each number
 * token is integral. cJSON's tree keeps members in document order, so the
 * k-th number node of a pre-order walk is the k-th number token here.
 */
static bool *
scan_numbers(const char *s, size_t len, size_t *count)
{
	size_t cap = 16, n = 0;
	bool *flags = malloc(cap * sizeof(*flags));

	if (flags == NULL)
		return NULL;
	for (size_t i = 0; i < len;) {
		if (s[i] == '"') {
			/* To the closing quote, stepping over escapes, runs at a time. */
			for (i = string_stop(s, i + 1, len); i < len && s[i] == '\\';)
				i = string_stop(s, i + 2, len);
			i++;
		} else if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9')) {
			bool integral = true;

			for (; i < len && is_number_byte(s[i]); i++)
				if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
					integral = false;
			if (n == cap) {
				bool *grown = realloc(flags, (cap *= 2) * sizeof(*flags));

				if (grown == NULL) {
					free(flags);
					return NULL;
				}
				flags = grown;
			}
			flags[n++] = integral;
		} else {
			i++;
		}
	}
	*count = n;
	return flags;
}

/* Objects of at most this many members are checked for duplicates without sorting. */
#define SMALL_OBJECT 24

static int
compare_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Checks depth and duplicate keys, and marks numbers; returns false with why filled. */
static bool
walk(cJSON *node, int depth, const bool *integral, size_t nflags, size_t *next, char *why,
     size_t whylen)
{
	if (cJSON_IsNumber(node)) {
		if (*next < nflags && !integral[*next])
			node->type |= JSONBODY_NOT_INTEGRAL;
		(*next)++;
		return true;
	}
	if (!cJSON_IsArray(node) && !cJSON_IsObject(node))
		return true;
	if (depth > JSONBODY_MAX_DEPTH) {
		snprintf(why, whylen, "JSON nesting is deeper than %d levels", JSONBODY_MAX_DEPTH);
		return false;
	}
	if (cJSON_IsObject(node)) {
		size_t n = 0, k = 0;
		const char **keys;
		bool ok = true;

		for (cJSON *c = node->child; c != NULL; c = c->next)
			n++;
		/*
		 * A small object (a CreateCluster body is one) is cheaper compared
		 * pair by pair. The message names the same key as the sort would:
		 * the first duplicate in byte order.
		 */
		if (n <= SMALL_OBJECT) {
			const char *dup = NULL;

			for (cJSON *a = node->child; a != NULL; a = a->next)
				for (cJSON *b = a->next; b != NULL; b = b->next)
					if (a->string[0] == b->string[0] &&
					    strcmp(a->string, b->string) == 0 &&
					    (dup == NULL || strcmp(a->string, dup) < 0))
						dup = a->string;
			if (dup != NULL) {
				snprintf(why, whylen, "duplicate key \"%.64s\" in a JSON object",
				         dup);
				return false;
			}
			goto members;
		}
		keys = malloc((n != 0 ? n : 1) * sizeof(*keys));
		if (keys == NULL) {
			snprintf(why, whylen, "out of memory");
			return false;
		}
		for (cJSON *c = node->child; c != NULL; c = c->next)
			keys[k++] = c->string;
		qsort(keys, n, sizeof(*keys), compare_keys);
		for (k = 1; k < n && ok; k++) {
			if (strcmp(keys[k - 1], keys[k]) == 0) {
				snprintf(why, whylen, "duplicate key \"%.64s\" in a JSON object",
				         keys[k]);
				ok = false;
			}
		}
		free(keys);
		if (!ok)
			return false;
	}
members:
	for (cJSON *c = node->child; c != NULL; c = c->next)
		if (!walk(c, depth + 1, integral, nflags, next, why, whylen))
			return false;
	return true;
}

cJSON *
jsonbody_parse(const char *body, size_t len, char *why, size_t whylen)
{
	const char *end = NULL;
	cJSON *doc = NULL;
	bool *integral = NULL;
	size_t nflags = 0, next = 0;

	if (len == 0) {
		snprintf(why, whylen, "the request body is empty; a JSON object is required");
		return NULL;
	}
	if (memchr(body, '\0', len) != NULL) {
		snprintf(why, whylen, "the request body contains a NUL byte");
		return NULL;
	}
	if (!jsonbody_utf8_valid(body, len)) {
		snprintf(why, whylen, "the request body is not valid UTF-8");
		return NULL;
	}
	doc = cJSON_ParseWithLengthOpts(body, len, &end, false);
	if (doc == NULL) {
		snprintf(why, whylen, "the request body is not valid JSON");
		return NULL;
	}
	while (end != NULL && end < body + len && strchr(" \t\r\n", *end) != NULL)
		end++;
	if (end != body + len) {
		snprintf(why, whylen, "the request body has data after the JSON value");
		goto fail;
	}
	if (!cJSON_IsObject(doc)) {
		snprintf(why, whylen, "the request body must be a JSON object");
		goto fail;
	}
	if ((integral = scan_numbers(body, len, &nflags)) == NULL) {
		snprintf(why, whylen, "out of memory");
		goto fail;
	}
	if (!walk(doc, 1, integral, nflags, &next, why, whylen))
		goto fail;
	free(integral);
	return doc;
fail:
	free(integral);
	cJSON_Delete(doc);
	return NULL;
}

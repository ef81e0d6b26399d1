#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonbody.h"
#include "swar.h"

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

/* The index of the first '"' or '\\' in s[i..len), or len. */
static size_t
string_stop(const char *s, size_t i, size_t len)
{
	for (; i + 8 <= len; i += 8) {
		uint64_t x = swar_load(s + i);

		if ((swar_eq(x, '"') | swar_eq(x, '\\')) != 0)
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
			const char *dup = NULL, *key[SMALL_OBJECT];
			unsigned head[SMALL_OBJECT];

			/* The first two bytes of each key side by side rule out most pairs. */
			for (cJSON *c = node->child; c != NULL; c = c->next, k++) {
				key[k] = c->string;
				head[k] = (unsigned char)key[k][0] |
					  (key[k][0] != '\0' ? (unsigned)(unsigned char)key[k][1] << 8 : 0u);
			}
			for (size_t a = 0; a < n; a++)
				for (size_t b = a + 1; b < n; b++)
					if (head[a] == head[b] && strcmp(key[a], key[b]) == 0 &&
					    (dup == NULL || strcmp(key[a], dup) < 0))
						dup = key[a];
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
	/* Without marks to set (the fast parse set them), only containers matter. */
	for (cJSON *c = node->child; c != NULL; c = c->next)
		if ((integral != NULL || (c->type & (cJSON_Array | cJSON_Object)) != 0) &&
		    !walk(c, depth + 1, integral, nflags, next, why, whylen))
			return false;
	return true;
}

/*
 * The fast parse: strict JSON (RFC 8259) without \u escapes or control
 * bytes in strings, nesting at most JSONBODY_MAX_DEPTH deep, whitespace
 * only where the grammar allows it. Every such text cJSON parses too, and
 * this builds the tree cJSON_ParseWithLengthOpts would (the same node
 * types, values, prev links, and memory from the same hooks), with the
 * numbers already marked. Anything else it gives up on, and jsonbody_parse
 * lets cJSON decide as before. cJSON's parse with the number scan after it
 * was the most expensive step of a CreateCluster before validation (a
 * strtod per number, each string read twice, a second pass over the text).
 */
struct fast {
	const char *p, *end;
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void
fast_space(struct fast *f)
{
	while (f->p < f->end && (*f->p == ' ' || *f->p == '\n' || *f->p == '\r' || *f->p == '\t'))
		f->p++;
}

/* A zeroed node from cJSON's allocator, as cJSON's own constructor makes it. */
static cJSON *
fast_node(void)
{
	cJSON *n = cJSON_malloc(sizeof(*n));

	if (n != NULL)
		memset(n, 0, sizeof(*n));
	return n;
}

/* The first control byte, '"' or '\\' at or after q, or end. */
static const char *
string_end(const char *q, const char *end)
{
	for (; end - q >= 8; q += 8) {
		uint64_t bits = swar_json_stops(swar_load(q));

		if (bits != 0) {
			/* Most strings end in this one step; the loop below confirms the byte. */
			q += swar_first(bits);
			break;
		}
	}
	while (q < end && (unsigned char)*q >= 0x20 && *q != '"' && *q != '\\')
		q++;
	return q;
}

/* The string at f->p, unescaped into cJSON's memory; NULL to give up. */
static char *
fast_string(struct fast *f)
{
	const char *s = f->p + 1, *q = s;
	bool escaped = false;
	char *out, *o;

	for (;;) {
		q = string_end(q, f->end);
		if (q >= f->end || (unsigned char)*q < 0x20)
			return NULL;
		if (*q == '"')
			break;
		if (f->end - q < 2 || strchr("\"\\/bfnrt", q[1]) == NULL)
			return NULL;
		escaped = true;
		q += 2;
	}
	if ((out = cJSON_malloc((size_t)(q - s) + 1)) == NULL)
		return NULL;
	if (!escaped) {
		memcpy(out, s, (size_t)(q - s));
		o = out + (q - s);
	} else {
		for (o = out; s < q; s++) {
			if (*s != '\\') {
				*o++ = *s;
				continue;
			}
			switch (*++s) {
			case 'b':
				*o++ = '\b';
				break;
			case 'f':
				*o++ = '\f';
				break;
			case 'n':
				*o++ = '\n';
				break;
			case 'r':
				*o++ = '\r';
				break;
			case 't':
				*o++ = '\t';
				break;
			default:
				*o++ = *s;
				break;
			}
		}
	}
	*o = '\0';
	f->p = q + 1;
	return out;
}

/*
 * A number of the JSON grammar into item, with cJSON's value: strtod's,
 * which for at most 19 digits and a power of ten within 1e22 is one exact
 * multiplication or division (correctly rounded, as strtod is); anything
 * else goes to strtod itself. The rest of the node as cJSON's parse_number
 * sets it.
 */
static bool
fast_number(struct fast *f, cJSON *item)
{
	static const double tens[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	    1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
	const char *s = f->p, *q = s;
	uint64_t m = 0;
	int digits = 0, frac = 0, exp = 0;
	bool neg = false, integral = true, exp_neg = false;
	double d;

	if (q < f->end && *q == '-') {
		neg = true;
		q++;
	}
	if (q >= f->end || !is_digit(*q))
		return false;
	if (*q == '0')
		q++;
	else
		for (; q < f->end && is_digit(*q); q++, digits++)
			m = m * 10 + (uint64_t)(*q - '0');
	if (q < f->end && *q == '.') {
		integral = false;
		if (++q >= f->end || !is_digit(*q))
			return false;
		for (; q < f->end && is_digit(*q); q++, digits++, frac++)
			m = m * 10 + (uint64_t)(*q - '0');
	}
	if (q < f->end && (*q == 'e' || *q == 'E')) {
		integral = false;
		if (++q < f->end && (*q == '+' || *q == '-'))
			exp_neg = *q++ == '-';
		if (q >= f->end || !is_digit(*q))
			return false;
		for (; q < f->end && is_digit(*q); q++)
			exp = exp < 100000 ? exp * 10 + (*q - '0') : exp;
	}
	/* cJSON reads at most 63 bytes of a number: a longer one is its to judge. */
	if (q - s > 63)
		return false;
	exp = (exp_neg ? -exp : exp) - frac;
	if (digits <= 19 && m <= (1ull << 53) && exp >= -22 && exp <= 22) {
		d = exp >= 0 ? (double)m * tens[exp] : (double)m / tens[-exp];
		d = neg ? -d : d;
	} else {
		char token[64], *after;

		memcpy(token, s, (size_t)(q - s));
		token[q - s] = '\0';
		d = strtod(token, &after);
		if (after != token + (q - s))
			return false;
	}
	item->type = cJSON_Number | (integral ? 0 : JSONBODY_NOT_INTEGRAL);
	item->valuedouble = d;
	item->valueint = d >= INT_MAX ? INT_MAX : d <= (double)INT_MIN ? INT_MIN : (int)d;
	f->p = q;
	return true;
}

static bool fast_value(struct fast *f, cJSON *item, int depth);

/* An object or an array at f->p into item; its members are linked in as they come. */
static bool
fast_container(struct fast *f, cJSON *item, int depth)
{
	bool object = *f->p == '{';
	char close = object ? '}' : ']';
	cJSON *last = NULL;

	if (depth > JSONBODY_MAX_DEPTH)
		return false;
	item->type = object ? cJSON_Object : cJSON_Array;
	f->p++;
	fast_space(f);
	if (f->p < f->end && *f->p == close) {
		f->p++;
		return true;
	}
	for (;;) {
		cJSON *c = fast_node();

		if (c == NULL)
			return false;
		if (last == NULL) {
			item->child = c;
		} else {
			last->next = c;
			c->prev = last;
		}
		last = c;
		item->child->prev = last;
		if (object) {
			if (f->p >= f->end || *f->p != '"' || (c->string = fast_string(f)) == NULL)
				return false;
			fast_space(f);
			if (f->p >= f->end || *f->p != ':')
				return false;
			f->p++;
			fast_space(f);
		}
		if (!fast_value(f, c, depth + 1))
			return false;
		fast_space(f);
		if (f->p >= f->end)
			return false;
		if (*f->p == close) {
			f->p++;
			return true;
		}
		if (*f->p != ',')
			return false;
		f->p++;
		fast_space(f);
	}
}

static bool
fast_value(struct fast *f, cJSON *item, int depth)
{
	size_t left = (size_t)(f->end - f->p);

	if (left == 0)
		return false;
	switch (*f->p) {
	case '{':
	case '[':
		return fast_container(f, item, depth);
	case '"':
		item->type = cJSON_String;
		return (item->valuestring = fast_string(f)) != NULL;
	case 't':
		if (left < 4 || memcmp(f->p, "true", 4) != 0)
			return false;
		item->type = cJSON_True;
		item->valueint = 1;
		f->p += 4;
		return true;
	case 'f':
		if (left < 5 || memcmp(f->p, "false", 5) != 0)
			return false;
		item->type = cJSON_False;
		f->p += 5;
		return true;
	case 'n':
		if (left < 4 || memcmp(f->p, "null", 4) != 0)
			return false;
		item->type = cJSON_NULL;
		f->p += 4;
		return true;
	default:
		return fast_number(f, item);
	}
}

/* The body as an object by the fast parse, or NULL when it gave up. */
static cJSON *
fast_parse(const char *body, size_t len)
{
	struct fast f = {.p = body, .end = body + len};
	cJSON *doc;

	fast_space(&f);
	if (f.p >= f.end || *f.p != '{' || (doc = fast_node()) == NULL)
		return NULL;
	if (!fast_container(&f, doc, 1)) {
		cJSON_Delete(doc);
		return NULL;
	}
	fast_space(&f);
	if (f.p != f.end) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
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
	/* Its numbers are marked already: the walk looks for duplicates only. */
	if ((doc = fast_parse(body, len)) != NULL) {
		if (walk(doc, 1, NULL, 0, &next, why, whylen))
			return doc;
		cJSON_Delete(doc);
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

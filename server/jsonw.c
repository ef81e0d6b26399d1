#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "jsonw.h"
#include "swar.h"

void
jsonw_init(struct jsonw *w)
{
	memset(w, 0, sizeof(*w));
	w->first[0] = true;
}

void
jsonw_finish_free(struct jsonw *w)
{
	free(w->buf);
	jsonw_init(w);
}

char *
jsonw_finish(struct jsonw *w, size_t *len)
{
	char *out = w->buf;

	if (w->failed || out == NULL) {
		jsonw_finish_free(w);
		return NULL;
	}
	if (len != NULL)
		*len = w->len;
	jsonw_init(w);
	return out;
}

/* reserve's slow path: grows the buffer. */
static bool
grow(struct jsonw *w, size_t n)
{
	size_t cap;
	char *buf;

	if (w->failed)
		return false;
	for (cap = w->cap != 0 ? w->cap : 1024; cap < w->len + n + 1; cap *= 2)
		;
	if ((buf = realloc(w->buf, cap)) == NULL) {
		w->failed = true;
		return false;
	}
	w->buf = buf;
	w->cap = cap;
	return true;
}

/* Room for n more bytes and the NUL; false (and failed) when out of memory. */
static inline bool
reserve(struct jsonw *w, size_t n)
{
	if (w->len + n + 1 <= w->cap && !w->failed)
		return true;
	return grow(w, n);
}

void
jsonw_reserve(struct jsonw *w, size_t n)
{
	reserve(w, n);
}

static void
put(struct jsonw *w, const char *s, size_t n)
{
	if (!reserve(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* One byte: no memcpy call for a comma or a bracket. */
static inline void
put_char(struct jsonw *w, char c)
{
	if (!reserve(w, 1))
		return;
	w->buf[w->len++] = c;
	w->buf[w->len] = '\0';
}

void
jsonw_raw(struct jsonw *w, const char *s, size_t n)
{
	put(w, s, n);
}

static void separate(struct jsonw *w);

void
jsonw_value_raw(struct jsonw *w, const char *s, size_t n)
{
	separate(w);
	put(w, s, n);
}

/* The comma before a value, unless it is the first of its container or follows a key. */
static void
separate(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		put_char(w, ',');
	w->first[w->depth] = false;
}

static void
open_container(struct jsonw *w, char c)
{
	separate(w);
	if (w->depth + 1 >= JSONW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	put_char(w, c);
	w->first[++w->depth] = true;
}

static void
close_container(struct jsonw *w, char c)
{
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	w->depth--;
	put_char(w, c);
}

void
jsonw_object_begin(struct jsonw *w)
{
	open_container(w, '{');
}

void
jsonw_open_raw(struct jsonw *w, const char *s, size_t n, bool members)
{
	separate(w);
	if (w->depth + 1 >= JSONW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	put(w, s, n);
	w->first[++w->depth] = !members;
}

void
jsonw_object_end(struct jsonw *w)
{
	close_container(w, '}');
}

void
jsonw_array_begin(struct jsonw *w)
{
	open_container(w, '[');
}

void
jsonw_array_end(struct jsonw *w)
{
	close_container(w, ']');
}

/*
 * The escape of each byte as cJSON's print_string_ptr writes it: 0 for
 * none, a letter for a two-byte escape, 'u' for \u00XX.
 */
static const char escapes[256] = {
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
	0, 0, '"', ['\\'] = '\\',
};

/*
 * s quoted and escaped, then tail when it is not NUL, in one pass: eight
 * bytes are copied at a time while none needs an escape, and only a word
 * that does is taken byte by byte. (Scanning first and copying after, as
 * before, read the text twice, and every byte of a text that had any
 * escape, such as a message quoting a value, went the slow way.)
 */
static void
quoted(struct jsonw *w, const char *s, char tail)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n = strlen((const char *)p), i = 0;
	bool roomy = false;	/* room reserved for every byte left escaped */
	char *o;

	/* The quotes, tail and the NUL: 4. */
	if (!reserve(w, n + 4))
		return;
	o = w->buf + w->len;
	*o++ = '"';
#ifdef __SSE2__
	/* Sixteen bytes at a time while none needs an escape; the rest as below. */
	for (; i + 16 <= n; i += 16, o += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i ctl = _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(0x1f)), _mm_set1_epi8(0x1f));
		__m128i q = _mm_cmpeq_epi8(x, _mm_set1_epi8('"'));
		__m128i b = _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));

		if (_mm_movemask_epi8(_mm_or_si128(ctl, _mm_or_si128(q, b))) != 0)
			break;
		_mm_storeu_si128((__m128i *)(void *)o, x);
	}
#endif
	while (i < n) {
		size_t stop;
		uint64_t x;

		if (i + 8 <= n) {
			x = swar_load((const char *)p + i);
			if (swar_json_stops(x) == 0) {
				memcpy(o, &x, 8);
				o += 8;
				i += 8;
				continue;
			}
		} else if (n >= 8) {
			/*
			 * The last bytes: the word that ends the text, when it needs
			 * no escape, is copied whole over the bytes of it already
			 * written (the same, unescaped).
			 */
			x = swar_load((const char *)p + n - 8);
			if (swar_json_stops(x) == 0) {
				memcpy(o - (i - (n - 8)), &x, 8);
				o += n - i;
				break;
			}
		}
		for (stop = i + 8 < n ? i + 8 : n; i < stop; i++) {
			char e = escapes[p[i]];

			if (e == 0) {
				*o++ = (char)p[i];
				continue;
			}
			if (!roomy) {
				w->len = (size_t)(o - w->buf);
				if (!reserve(w, (n - i) * 6 + 3))
					return;
				o = w->buf + w->len;
				roomy = true;
			}
			if (e == 'u') {
				memcpy(o, "\\u00", 4);
				o[4] = hex[p[i] >> 4];
				o[5] = hex[p[i] & 15];
				o += 6;
			} else {
				*o++ = '\\';
				*o++ = e;
			}
		}
	}
	*o++ = '"';
	if (tail != '\0')
		*o++ = tail;
	*o = '\0';
	w->len = (size_t)(o - w->buf);
}

void
jsonw_key(struct jsonw *w, const char *key)
{
	separate(w);
	quoted(w, key, ':');
	w->after_key = true;
}

void
jsonw_key_plain(struct jsonw *w, const char *key)
{
	size_t n = strlen(key);
	char *o;

	separate(w);
	/* The quotes, the colon and the NUL. */
	if (!reserve(w, n + 4))
		return;
	o = w->buf + w->len;
	*o++ = '"';
	memcpy(o, key, n);
	o += n;
	*o++ = '"';
	*o++ = ':';
	*o = '\0';
	w->len = (size_t)(o - w->buf);
	w->after_key = true;
}

void
jsonw_string(struct jsonw *w, const char *s)
{
	separate(w);
	quoted(w, s, '\0');
}

void
jsonw_quoted(struct jsonw *w, const char *s)
{
	quoted(w, s, '\0');
}

void
jsonw_integer(struct jsonw *w, long long v)
{
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	char num[24], *p = num + sizeof(num);

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	put(w, p, (size_t)(num + sizeof(num) - p));
}

/*
 * cJSON 1.7.15's print_number: NaN and infinities as null, any other number
 * with 15 significant digits, or 17 when 15 do not read back within
 * DBL_EPSILON (its compare_double). An integral value below 1e15 in
 * magnitude (not -0) is what "%1.15g" prints as its digits, and by far
 * the most common: it is written without printf and sscanf.
 */
void
jsonw_number(struct jsonw *w, double d)
{
	char num[32];
	double back;
	int n;

	separate(w);
	/* Integral within 1e15, tested without floor() and fabs(), calls into libm. */
	if (d > -1e15 && d < 1e15 && (double)(long long)d == d && !(d == 0 && signbit(d))) {
		jsonw_integer(w, (long long)d);
		return;
	}
	if (isnan(d) || isinf(d)) {
		n = snprintf(num, sizeof(num), "null");
	} else {
		n = snprintf(num, sizeof(num), "%1.15g", d);
		if (sscanf(num, "%lg", &back) != 1 ||
		    !(fabs(back - d) <= fmax(fabs(back), fabs(d)) * DBL_EPSILON))
			n = snprintf(num, sizeof(num), "%1.17g", d);
	}
	if (n < 0 || (size_t)n >= sizeof(num)) {
		w->failed = true;
		return;
	}
	put(w, num, (size_t)n);
}

void
jsonw_bool(struct jsonw *w, bool b)
{
	separate(w);
	if (b)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void
jsonw_null(struct jsonw *w)
{
	separate(w);
	put(w, "null", 4);
}

void
jsonw_add_string(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_string(w, s);
}

void
jsonw_add_number(struct jsonw *w, const char *key, double d)
{
	jsonw_key(w, key);
	jsonw_number(w, d);
}

void
jsonw_add_bool(struct jsonw *w, const char *key, bool b)
{
	jsonw_key(w, key);
	jsonw_bool(w, b);
}

/*
 * A streaming JSON writer for the answers on the hot path: the text it
 * writes is byte for byte what cJSON_PrintUnformatted prints for the same
 * tree (the same string escapes, the same number formats), without
 * building the tree. Pure: no MHD, no SQLite.
 */
#ifndef ACKMOCK_JSONW_H
#define ACKMOCK_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Deeper than any JSON a request may carry (jsonbody.h: 32) plus its envelope. */
#define JSONW_MAX_DEPTH 40

struct jsonw {
	char *buf;		/* malloc'd, NUL-terminated while not failed */
	size_t len, cap;
	bool failed;		/* out of memory or too deep: jsonw_finish gives NULL */
	bool after_key;		/* the next value follows "key": without a comma */
	int depth;
	bool first[JSONW_MAX_DEPTH];	/* no member written yet at this depth */
};

/* Starts an empty writer (no memory yet). */
void jsonw_init(struct jsonw *w);

/*
 * Makes room for n more bytes at once: a writer that knows about how much
 * it will write saves growing (and copying) its buffer on the way.
 */
void jsonw_reserve(struct jsonw *w, size_t n);

/* Frees what w holds; w may then be initialised again. */
void jsonw_finish_free(struct jsonw *w);

/*
 * The text written, malloc'd and owned by the caller (its length in *len
 * when len is not NULL); NULL when anything failed. w holds nothing after.
 */
char *jsonw_finish(struct jsonw *w, size_t *len);

void jsonw_object_begin(struct jsonw *w);
void jsonw_object_end(struct jsonw *w);
void jsonw_array_begin(struct jsonw *w);
void jsonw_array_end(struct jsonw *w);

/* A member's name inside an object; its value is written next. */
void jsonw_key(struct jsonw *w, const char *key);

/*
 * jsonw_key for a name the caller knows needs no escape (letters, digits,
 * '_' and the like): copied as it is, not scanned.
 */
void jsonw_key_plain(struct jsonw *w, const char *key);

/* Values. A NULL string is written as "", as cJSON prints one. */
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_number(struct jsonw *w, double d);
void jsonw_bool(struct jsonw *w, bool b);
void jsonw_null(struct jsonw *w);

/* Appends n bytes of s verbatim: no separator, no quoting (for text that is not JSON yet). */
void jsonw_raw(struct jsonw *w, const char *s, size_t n);

/*
 * s as a JSON string (escaped as jsonw_string escapes it), with no
 * separator: for text whose structure the caller writes with jsonw_raw.
 */
void jsonw_quoted(struct jsonw *w, const char *s);

/*
 * v in decimal, with no separator: what jsonw_number writes for an integral
 * value below 1e15 in magnitude. For the same texts as jsonw_quoted.
 */
void jsonw_integer(struct jsonw *w, long long v);

/*
 * jsonw_raw of a string literal. Inline while the buffer has room: the
 * answers are written mostly of such pieces, and a call and a memcpy of
 * unknown length for each cost more than the copy.
 */
#define JSONW_RAW(w, literal) jsonw_raw_literal((w), "" literal, sizeof(literal) - 1)

static inline void
jsonw_raw_literal(struct jsonw *w, const char *s, size_t n)
{
	if (w->len + n < w->cap && !w->failed) {
		memcpy(w->buf + w->len, s, n);
		w->len += n;
		w->buf[w->len] = '\0';
		return;
	}
	jsonw_raw(w, s, n);
}

/* A value whose JSON text is ready (cJSON's Raw items): separated, not quoted. */
void jsonw_value_raw(struct jsonw *w, const char *s, size_t n);

/*
 * Opens a container from ready JSON text: s is its bracket and, when
 * members is true, its first members (written before, and kept). It is
 * separated as a value; what follows is written inside it, with a comma
 * first when members is true. Closed with jsonw_object_end or
 * jsonw_array_end.
 */
void jsonw_open_raw(struct jsonw *w, const char *s, size_t n, bool members);

/* The shorthands of cJSON_Add*ToObject. */
void jsonw_add_string(struct jsonw *w, const char *key, const char *s);
void jsonw_add_number(struct jsonw *w, const char *key, double d);
void jsonw_add_bool(struct jsonw *w, const char *key, bool b);

#endif

/* Secret redaction for the request journal (redact.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "call.h"
#include "jsonbody.h"
#include "redact.h"
#include "swar.h"

/* Secret keys, normalised: lower case, without '_' and '-'. */
static const char *const secret_keys[] = {
    "loginpassword",
    "keypair",
    "userdata",
};

#define NSECRET_KEYS (sizeof(secret_keys) / sizeof(secret_keys[0]))

/* redact_is_secret_key for key[0..len), which holds no NUL. */
static bool
is_secret_key(const char *key, size_t len)
{
	char norm[16];
	size_t n = 0, i;

	/* Every secret name starts with l, k or u; no name is longer than 13 letters. */
	for (i = 0; i < len && (key[i] == '_' || key[i] == '-'); i++)
		;
	if (i < len && key[i] != 'l' && key[i] != 'k' && key[i] != 'u' && key[i] != 'L' &&
	    key[i] != 'K' && key[i] != 'U')
		i = len + 1;
	for (; i < len && n < sizeof(norm) - 2; i++) {
		char c = key[i];

		if (c == '_' || c == '-')
			continue;
		norm[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	norm[n] = '\0';
	if (i == len && n < sizeof(norm) - 2)
		for (size_t k = 0; k < NSECRET_KEYS; k++)
			if (strcmp(norm, secret_keys[k]) == 0)
				return true;
	for (i = 0; i + 8 <= len; i++)
		if ((key[i] == 'p' || key[i] == 'P') && strncasecmp(key + i, "password", 8) == 0)
			return true;
	return false;
}

bool
redact_is_secret_key(const char *key)
{
	return key != NULL && is_secret_key(key, strlen(key));
}

/* Replaces the value of every secret key under node, at any depth. */
static bool
redact_tree(cJSON *node)
{
	for (cJSON *c = node != NULL ? node->child : NULL; c != NULL; c = c->next) {
		if (cJSON_IsObject(node) && redact_is_secret_key(c->string)) {
			cJSON *mask = cJSON_CreateString(REDACT_MASK);

			/* ReplaceItemViaPointer keeps no key: the replacement brings its own. */
			if (mask == NULL || (mask->string = strdup(c->string)) == NULL ||
			    !cJSON_ReplaceItemViaPointer(node, c, mask)) {
				cJSON_Delete(mask);
				return false;
			}
			c = mask;
			continue;
		}
		if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && !redact_tree(c))
			return false;
	}
	return true;
}

/* True when s[0..len) contains, without case, any of the secret key names. */
static bool
mentions_secret(const char *s, size_t len)
{
	static const char *const words[] = {
	    "password", "key_pair", "keypair", "key-pair", "user_data", "userdata", "user-data",
	};

	for (size_t i = 0; i < len; i++)
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
			size_t wl = strlen(words[w]);

			if (wl <= len - i && strncasecmp(s + i, words[w], wl) == 0)
				return true;
		}
	return false;
}

char *
redact_text_into(char *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '%') {
			*out++ = (char)ch;
		} else {
			*out++ = '%';
			*out++ = hex[ch >> 4];
			*out++ = hex[ch & 15];
		}
	}
	*out = '\0';
	return out;
}

/* Escapes s[0..len) to printable ASCII; see redact_text. */
static char *
escape_bytes(const char *s, size_t len)
{
	char *out = malloc(len * 3 + 1);

	if (out != NULL)
		redact_text_into(out, s, len);
	return out;
}

char *
redact_text(const char *s)
{
	return escape_bytes(s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}
/* Cuts text to REDACT_BODY_MAX bytes with a marker; takes ownership of text. */
static char *
cap_length(char *text)
{
	static const char marker[] = "...[truncated]";
	size_t at = REDACT_BODY_MAX - sizeof(marker) + 1;

	if (text == NULL || strlen(text) <= REDACT_BODY_MAX)
		return text;
	/* Never cut a UTF-8 sequence in two: back up to the start of a character. */
	while (at > 0 && ((unsigned char)text[at] & 0xC0) == 0x80)
		at--;
	memcpy(text + at, marker, sizeof(marker));
	return text;
}

/*
 * The fast path of redact_body: one pass over the text that writes what
 * cJSON would print after redact_tree, without building the tree (the
 * parse, walk and print cost a fifth of an invalid CreateCluster). It takes
 * only a strict subset of JSON that cJSON parses and prints back byte for
 * byte once whitespace is dropped: strings without a control character or
 * an escape other than \" \\ \b \f \n \r \t, numbers of the JSON grammar
 * (see fast_number), nesting up to FAST_DEPTH. Anything else makes it give
 * up, and redact_body takes the tree path, which decides.
 *
 * The text between run and p is what cJSON prints as it is; it is copied
 * in one piece when something else must be written (a mask, a number in
 * cJSON's form) or left out (whitespace), and at the end.
 */
#define FAST_DEPTH 64

struct fast {
	const char *p, *end;
	const char *run; /* the start of the text not yet copied to out */
	char *out;
	size_t len, cap;
	bool high; /* a byte >= 0x80 was seen: the UTF-8 check is still due */
};

static bool
fast_put(struct fast *f, const char *s, size_t n)
{
	if (f->len + n + 1 > f->cap) {
		size_t cap = (f->len + n + 1) * 2;
		char *grown = realloc(f->out, cap);

		if (grown == NULL)
			return false;
		f->out = grown;
		f->cap = cap;
	}
	memcpy(f->out + f->len, s, n);
	f->len += n;
	return true;
}

/* Copies the pending text up to upto; the next run starts at from. */
static bool
fast_flush(struct fast *f, const char *upto, const char *from)
{
	bool ok = fast_put(f, f->run, (size_t)(upto - f->run));

	f->run = from;
	return ok;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* fast_space past its first test. */
static bool
fast_space_run(struct fast *f, bool emit)
{
	const char *s = f->p;

	while (f->p < f->end && is_space(*f->p))
		f->p++;
	return !emit || f->p == s || fast_flush(f, s, f->p);
}

/*
 * Skips whitespace, which cJSON does not print; emit tells whether the
 * text is being copied. Inline: it is asked around every member, and
 * compact JSON has none.
 */
static inline bool
fast_space(struct fast *f, bool emit)
{
	if (f->p < f->end && !is_space(*f->p))
		return true;
	return fast_space_run(f, emit);
}

/* Steps over a string at f->p; sets *start, *n to its contents and *escaped. */
static bool
fast_string(struct fast *f, const char **start, size_t *n, bool *escaped)
{
	const char *s = f->p + 1;

	*escaped = false;
	for (const char *q = s; q < f->end;) {
		unsigned char c;

		/* Most bytes: printable ASCII other than '"' and '\\', eight at a time. */
		if (f->end - q >= 8) {
			uint64_t x = swar_load(q);
			uint64_t bits = swar_json_stops(x) | swar_non_ascii(x);

			if (bits == 0) {
				q += 8;
				continue;
			}
			/* Straight to the byte that stopped the word. */
			q += swar_first(bits);
		}
		c = (unsigned char)*q;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			q++;
			continue;
		}
		if (c == '"') {
			*start = s;
			*n = (size_t)(q - s);
			f->p = q + 1;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c >= 0x80)
			f->high = true;
		if (c == '\\') {
			if (q + 1 >= f->end || q[1] == '\0' || strchr("\"\\bfnrt", q[1]) == NULL)
				return false;
			*escaped = true;
			q++;
		}
		q++;
	}
	return false;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * True when cJSON prints the number s[0..n) (of the JSON grammar) as it is
 * written. cJSON 1.7 prints "%1.15g", or "%1.17g" when that does not read
 * back. A number of at most 15 significant digits (DBL_DIG) reads back from
 * "%1.15g", which writes its digits without trailing zeros, and in fixed
 * notation for decimal exponents from -4 to 14. So an integer of up to 15
 * digits, or a fraction without exponent, trailing zero or more than three
 * zeros after "0.", is printed as written. ("-0" is not: "0" or "-0" would
 * depend on the version.)
 */
static bool
number_as_printed(const char *s, size_t n)
{
	size_t i = 0, digits = 0, point = n, lead = 0;

	if (s[0] == '-')
		i++;
	if (s[i] == '0' && (i + 1 == n || s[i + 1] != '.'))
		return i + 1 == n && i == 0;
	for (; i < n; i++) {
		if (s[i] == '.') {
			point = i;
		} else if (!is_digit(s[i])) {
			return false; /* an exponent */
		} else if (digits == 0 && s[i] == '0') {
			lead++; /* "0." and the zeros after it */
		} else {
			digits++;
		}
	}
	if (digits == 0 || digits > 15)
		return false;
	if (point == n)
		return true;
	return s[n - 1] != '0' && lead <= 4; /* lead counts the 0 before the point too */
}

/* A number of the JSON grammar at f->p, written as cJSON prints it. */
static bool
fast_number(struct fast *f, bool emit)
{
	const char *s = f->p, *q = s;
	char token[64], *printed;
	cJSON *num;
	bool ok;

	if (q < f->end && *q == '-')
		q++;
	if (q >= f->end || !is_digit(*q))
		return false;
	if (*q == '0')
		q++;
	else
		while (q < f->end && is_digit(*q))
			q++;
	if (q < f->end && *q == '.') {
		if (++q >= f->end || !is_digit(*q))
			return false;
		while (q < f->end && is_digit(*q))
			q++;
	}
	if (q < f->end && (*q == 'e' || *q == 'E')) {
		if (++q < f->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= f->end || !is_digit(*q))
			return false;
		while (q < f->end && is_digit(*q))
			q++;
	}
	f->p = q;
	if (!emit || number_as_printed(s, (size_t)(q - s)))
		return true;
	/* Rare: let cJSON itself print it. */
	if ((size_t)(q - s) >= sizeof(token))
		return false;
	memcpy(token, s, (size_t)(q - s));
	token[q - s] = '\0';
	if ((num = cJSON_Parse(token)) == NULL)
		return false;
	printed = cJSON_PrintUnformatted(num);
	ok = printed != NULL && fast_flush(f, s, q) && fast_put(f, printed, strlen(printed));
	cJSON_free(printed);
	cJSON_Delete(num);
	return ok;
}

/* One value at f->p (after whitespace); emit is false inside a masked value. */
static bool
fast_value(struct fast *f, int depth, bool emit)
{
	const char *s;
	size_t n;
	bool escaped;

	if (f->p >= f->end)
		return false;
	switch (*f->p) {
	case '"':
		return fast_string(f, &s, &n, &escaped);
	case '{':
	case '[': {
		char close = *f->p == '{' ? '}' : ']';
		bool object = close == '}';

		if (depth >= FAST_DEPTH)
			return false;
		f->p++;
		if (!fast_space(f, emit))
			return false;
		if (f->p < f->end && *f->p == close) {
			f->p++;
			return true;
		}
		for (;;) {
			bool masked = false;

			if (object) {
				if (f->p >= f->end || *f->p != '"' ||
				    !fast_string(f, &s, &n, &escaped) || escaped ||
				    !fast_space(f, emit) || f->p >= f->end || *f->p != ':')
					return false;
				f->p++;
				if (!fast_space(f, emit))
					return false;
				masked = is_secret_key(s, n);
				if (emit && masked &&
				    (!fast_flush(f, f->p, NULL) ||
				     !fast_put(f, "\"" REDACT_MASK "\"", strlen(REDACT_MASK) + 2)))
					return false;
			}
			if (!fast_value(f, depth + 1, emit && !masked))
				return false;
			if (emit && masked)
				f->run = f->p;
			if (!fast_space(f, emit) || f->p >= f->end)
				return false;
			if (*f->p == close) {
				f->p++;
				return true;
			}
			if (*f->p != ',')
				return false;
			f->p++;
			if (!fast_space(f, emit))
				return false;
		}
	}
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = {"true", "false", "null"};
		const char *w = words[*f->p == 't' ? 0 : *f->p == 'f' ? 1 : 2];

		n = strlen(w);
		if ((size_t)(f->end - f->p) < n || memcmp(f->p, w, n) != 0)
			return false;
		f->p += n;
		return true;
	}
	default:
		return fast_number(f, emit);
	}
}

/*
 * The redacted body by the fast path, or NULL when it gave up (*failed
 * false) or ran out of memory (*failed true).
 */
static char *
fast_body(const char *body, size_t len, bool *failed)
{
	struct fast f = {.p = body, .end = body + len, .run = body};

	*failed = false;
	f.cap = len + 16;
	if ((f.out = malloc(f.cap)) == NULL) {
		*failed = true;
		return NULL;
	}
	if (!fast_space(&f, true) || !fast_value(&f, 0, true) || !fast_space(&f, true))
		goto fail;
	if (f.p != f.end || (f.high && !jsonbody_utf8_valid(body, len)))
		goto fail;
	if (!fast_flush(&f, f.p, f.p))
		goto fail;
	f.out[f.len] = '\0';
	return f.out;
fail:
	free(f.out);
	return NULL;
}

char *
redact_body(const char *body, size_t len)
{
	const char *end = NULL;
	cJSON *doc = NULL;
	char *out = NULL;
	bool failed;

	if (body == NULL || len == 0)
		return strdup("");
	if ((out = fast_body(body, len, &failed)) != NULL || failed)
		return cap_length(out);
	if (jsonbody_utf8_valid(body, len))
		doc = cJSON_ParseWithLengthOpts(body, len, &end, false);
	if (doc != NULL) {
		/* Only whitespace may follow the document, as in jsonbody_parse. */
		while (end < body + len && strchr(" \t\r\n", *end) != NULL && *end != '\0')
			end++;
		if (end == body + len) {
			if (redact_tree(doc))
				out = cJSON_PrintUnformatted(doc);
			cJSON_Delete(doc);
			return cap_length(out);
		}
		cJSON_Delete(doc);
	}
	if (mentions_secret(body, len)) {
		char note[96];

		snprintf(note, sizeof(note), "[%zu bytes, not JSON, withheld: may hold a secret]",
		         len);
		return strdup(note);
	}
	return cap_length(escape_bytes(body, len > REDACT_BODY_MAX ? REDACT_BODY_MAX + 1 : len));
}

char *
redact_authorization(const char *value)
{
	const char *sig, *colon;
	char *out, *cut;
	size_t keep, len;

	if (value == NULL)
		return NULL;
	if (strncmp(value, "acs ", 4) == 0 && (colon = strchr(value + 4, ':')) != NULL) {
		keep = (size_t)(colon - value) + 1;
	} else if ((sig = strstr(value, "Signature=")) != NULL) {
		keep = (size_t)(sig - value) + strlen("Signature=");
		/* Whatever follows the signature (another comma-separated field) is kept. */
		const char *rest = sig + strcspn(sig, ",");

		len = keep + strlen(REDACT_MASK) + strlen(rest);
		if ((out = malloc(len + 1)) == NULL)
			return NULL;
		memcpy(out, value, keep);
		snprintf(out + keep, len + 1 - keep, "%s%s", REDACT_MASK, rest);
		cut = redact_text(out);
		free(out);
		return cut;
	} else {
		keep = strcspn(value, " ");
		if (value[keep] == ' ')
			keep++;
	}
	len = keep + strlen(REDACT_MASK);
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(out, value, keep);
	memcpy(out + keep, REDACT_MASK, strlen(REDACT_MASK) + 1);
	cut = redact_text(out);
	free(out);
	return cut;
}

/* Appends s as the body of a JSON string; escape_text writes it as redact_text would first. */
static bool
put_json_text(struct fast *f, const char *s, bool escape_text)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const char *run = s;; s++) {
		unsigned char ch = (unsigned char)*s;
		char esc[3];
		size_t n;

		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\' &&
		    (ch != '%' || !escape_text))
			continue;
		if (!fast_put(f, run, (size_t)(s - run)))
			return false;
		if (ch == '\0')
			return true;
		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			n = 2;
		} else if (escape_text) {
			esc[0] = '%';
			esc[1] = hex[ch >> 4];
			esc[2] = hex[ch & 15];
			n = 3;
		} else {
			/* Only redact_text's output comes here unescaped: it has no such byte. */
			return false;
		}
		if (!fast_put(f, esc, n))
			return false;
		run = s + 1;
	}
}

char *
redact_headers(const struct kv *headers, size_t n)
{
	struct fast f = {.cap = 256};
	bool ok = true;

	if ((f.out = malloc(f.cap)) == NULL)
		return NULL;
	ok = fast_put(&f, "{", 1);
	for (size_t i = 0; i < n && ok; i++) {
		const struct kv *h = &headers[i];
		char *auth = NULL, first;

		if (h->key == NULL || h->value == NULL)
			continue;
		if (f.len > 1)
			ok = fast_put(&f, ",", 1);
		ok = ok && fast_put(&f, "\"", 1) && put_json_text(&f, h->key, true) &&
		     fast_put(&f, "\":\"", 3);
		if (!ok)
			break;
		/* The first letter rules out most headers before any strcasecmp. */
		first = (char)(h->key[0] | 0x20);
		if (first == 'a' && strcasecmp(h->key, "authorization") == 0) {
			ok = (auth = redact_authorization(h->value)) != NULL &&
			     put_json_text(&f, auth, false);
			free(auth);
		} else if (first == 'x' && (strcasecmp(h->key, "x-acs-security-token") == 0 ||
		                            strcasecmp(h->key, "x-acs-bearer-token") == 0)) {
			ok = fast_put(&f, REDACT_MASK, strlen(REDACT_MASK));
		} else {
			ok = put_json_text(&f, h->value, true);
		}
		ok = ok && fast_put(&f, "\"", 1);
	}
	if (!ok || !fast_put(&f, "}", 1)) {
		free(f.out);
		return NULL;
	}
	f.out[f.len] = '\0';
	return f.out;
}

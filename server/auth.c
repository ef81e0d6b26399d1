/*
 * Signature verification, the pure part: auth.md's two schemes, written as
 * close to the published text as C allows. The only file of the daemon that
 * includes OpenSSL: every digest and HMAC goes through libcrypto's EVP
 * one-shot functions (EVP_Q_digest, EVP_Q_mac), signatures are compared with
 * CRYPTO_memcmp.
 *
 * libcrypto is opened with dlopen() at the first signature check rather
 * than linked: loading and relocating it costs 1.6 MiB of resident memory
 * (a third of an idle daemon, issue #7) and a daemon run with --auth off,
 * or by unsigned clients, never needs it. Four functions are used.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth.h"
#include "uri.h"

#define ROA_MAX_RESOURCES  10
#define ACS3_MAX_SIGNED	   64
#define MAX_DIGEST	   64	/* EVP_MAX_MD_SIZE */

/* A growing string; once an allocation fails it stays failed (oom). */
struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void
sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	/* Cannot happen (n is a length in memory), but says so to gcc -O3's overflow checks. */
	if (n > SIZE_MAX / 4 - b->len) {
		b->oom = true;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap != 0 ? b->cap : 256;
		char *grown;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((grown = realloc(b->s, cap)) == NULL) {
			b->oom = true;
			return;
		}
		b->s = grown;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

static void
sb_addc(struct sbuf *b, char c)
{
	sb_addn(b, &c, 1);
}

/* Returns the string (owned by the caller) or NULL after a failed allocation. */
static char *
sb_take(struct sbuf *b)
{
	char *s = b->oom ? NULL : b->s;

	if (s == NULL && !b->oom)
		s = strdup("");
	if (b->oom)
		free(b->s);
	memset(b, 0, sizeof(*b));
	return s;
}

static void
sb_free(struct sbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

const char *
auth_header(const struct auth_input *in, const char *name)
{
	for (size_t i = 0; i < in->nheaders; i++)
		if (strcasecmp(in->headers[i].key, name) == 0)
			return in->headers[i].value;
	return NULL;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Appends value with \t \n \r \f turned into spaces and the ends trimmed. */
static void
sb_add_header_value(struct sbuf *b, const char *value)
{
	size_t start = 0, end = strlen(value);

	while (start < end && is_space(value[start]))
		start++;
	while (end > start && is_space(value[end - 1]))
		end--;
	for (size_t i = start; i < end; i++)
		sb_addc(b, value[i] == '\t' || value[i] == '\n' || value[i] == '\r' ||
			value[i] == '\f' ? ' ' : value[i]);
}

static void
sb_add_lower(struct sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_addc(b, s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i]);
}

static void
sb_add_hex(struct sbuf *b, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		sb_addc(b, hex[p[i] >> 4]);
		sb_addc(b, hex[p[i] & 15]);
	}
}

/* RFC 3986: everything but A-Z a-z 0-9 - _ . ~ as %XX with upper-case hex. */
static void
sb_add_rfc3986(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			sb_addc(b, (char)*p);
		} else {
			sb_addc(b, '%');
			sb_addc(b, hex[*p >> 4]);
			sb_addc(b, hex[*p & 15]);
		}
	}
}

/* libcrypto's functions, resolved once by crypto_load(); all NULL when it cannot be opened. */
static struct {
	__typeof__(EVP_Q_digest) *q_digest;
	__typeof__(EVP_Q_mac) *q_mac;
	__typeof__(EVP_EncodeBlock) *encode_block;
	__typeof__(CRYPTO_memcmp) *memcmp;
} crypto;
static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;

static void
crypto_resolve(void)
{
	void *lib = dlopen(AUTH_LIBCRYPTO, RTLD_NOW | RTLD_LOCAL);

	if (lib == NULL) {
		fprintf(stderr, "ackmock: cannot load %s (%s): signed requests fail\n",
		    AUTH_LIBCRYPTO, dlerror());
		return;
	}
	/* POSIX's way to store a dlsym() result in a function pointer. */
	*(void **)&crypto.q_digest = dlsym(lib, "EVP_Q_digest");
	*(void **)&crypto.q_mac = dlsym(lib, "EVP_Q_mac");
	*(void **)&crypto.encode_block = dlsym(lib, "EVP_EncodeBlock");
	*(void **)&crypto.memcmp = dlsym(lib, "CRYPTO_memcmp");
	if (crypto.q_digest == NULL || crypto.q_mac == NULL || crypto.encode_block == NULL ||
	    crypto.memcmp == NULL) {
		fprintf(stderr, "ackmock: %s lacks a function ackmock needs: signed requests fail\n",
		    AUTH_LIBCRYPTO);
		memset(&crypto, 0, sizeof(crypto));
	}
	/* Never closed: the functions are used until the process ends. */
}

/* True when libcrypto is usable; the first call loads it. */
static bool
crypto_load(void)
{
	pthread_once(&crypto_once, crypto_resolve);
	return crypto.q_digest != NULL;
}

/* Digest and HMAC through libcrypto; false when the algorithm is unavailable. */
static bool
digest(const char *alg, const void *data, size_t len, unsigned char *out, size_t *outlen)
{
	return crypto_load() && crypto.q_digest(NULL, alg, NULL, data, len, out, outlen) == 1 &&
	       *outlen <= MAX_DIGEST;
}

static bool
hmac(const char *alg, const char *key, const char *data, size_t len, unsigned char *out,
    size_t *outlen)
{
	return crypto_load() &&
	       crypto.q_mac(NULL, "HMAC", NULL, alg, NULL, key, strlen(key),
		   (const unsigned char *)data, len, out, MAX_DIGEST, outlen) != NULL;
}

/* Compares a claimed signature with the computed one in constant time. */
static bool
same_signature(const char *claimed, size_t claimed_len, const char *computed)
{
	size_t n = strlen(computed);

	return claimed_len == n && crypto_load() && crypto.memcmp(claimed, computed, n) == 0;
}

/* A query pair, percent-decoded; index keeps the sort stable. */
struct qpair {
	char *key;
	char *value;
	bool has_eq;
	size_t index;
};

static char *
decode_or_copy(const char *s, size_t len)
{
	char *d = uri_decode(s, len);

	/* A malformed escape never reaches here from the daemon (routing refuses it first). */
	return d != NULL ? d : strndup(s, len);
}

static int
qpair_cmp(const void *a, const void *b)
{
	const struct qpair *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void
qpairs_free(struct qpair *pairs, size_t n)
{
	for (size_t i = 0; pairs != NULL && i < n; i++) {
		free(pairs[i].key);
		free(pairs[i].value);
	}
	free(pairs);
}

/*
 * Splits query (the text after '?') into decoded pairs sorted by key.
 * Empty segments ("a=1&&b=2") are skipped, as routing does. Returns false
 * when out of memory.
 */
static bool
query_pairs(const char *query, struct qpair **out, size_t *nout)
{
	size_t cap = 1, n = 0;
	struct qpair *pairs;

	for (const char *p = query; *p != '\0'; p++)
		cap += *p == '&';
	if ((pairs = calloc(cap, sizeof(*pairs))) == NULL)
		return false;
	for (const char *p = query; *p != '\0';) {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);
		size_t klen = eq != NULL ? (size_t)(eq - p) : len;

		if (len > 0) {
			pairs[n].key = decode_or_copy(p, klen);
			pairs[n].value = eq != NULL ? decode_or_copy(eq + 1, len - klen - 1) : strdup("");
			pairs[n].has_eq = eq != NULL;
			pairs[n].index = n;
			n++;
			if (pairs[n - 1].key == NULL || pairs[n - 1].value == NULL) {
				qpairs_free(pairs, n);
				return false;
			}
		}
		p += len;
		if (*p == '&')
			p++;
	}
	qsort(pairs, n, sizeof(*pairs), qpair_cmp);
	*out = pairs;
	*nout = n;
	return true;
}

/*
 * The request-targets a client may have signed: the one received and, when
 * its path holds "%27", the same with a literal "'". The official Node.js
 * clients encode path parameters with encodeURIComponent rules, which keep
 * "'", sign that, and then Node's URL parser escapes it on the wire.
 * Returns how many forms it wrote into forms (owned by the caller); 0 when
 * out of memory.
 */
#define TARGET_FORMS 2

static size_t
target_forms(const char *target, char *forms[TARGET_FORMS])
{
	size_t plen = strcspn(target, "?");
	struct sbuf b = {0};
	bool quote = false;

	if ((forms[0] = strdup(target)) == NULL)
		return 0;
	for (size_t i = 0; i < plen; i++) {
		if (target[i] == '%' && i + 2 < plen && target[i + 1] == '2' && target[i + 2] == '7') {
			sb_addc(&b, '\'');
			i += 2;
			quote = true;
		} else {
			sb_addc(&b, target[i]);
		}
	}
	if (!quote) {
		sb_free(&b);
		return 1;
	}
	sb_add(&b, target + plen);
	if ((forms[1] = sb_take(&b)) == NULL)
		return 0;
	return 2;
}

/* ---- Scheme 1: ROA HMAC-SHA1 ---- */

static int
header_index_cmp(const void *a, const void *b, const struct auth_input *in)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcasecmp(in->headers[i].key, in->headers[j].key);

	if (c != 0)
		return c;
	return i < j ? -1 : i > j;
}

/* CanonicalizedHeaders: every x-acs-* header, sorted by lower-cased name. */
static void
roa_canonical_headers(const struct auth_input *in, struct sbuf *b)
{
	size_t idx[CALL_MAX_HEADERS], n = 0;

	for (size_t i = 0; i < in->nheaders && n < CALL_MAX_HEADERS; i++)
		if (strncasecmp(in->headers[i].key, "x-acs-", 6) == 0)
			idx[n++] = i;
	/* Insertion sort: at most CALL_MAX_HEADERS rows, and qsort has no context argument. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && header_index_cmp(&idx[j - 1], &idx[j], in) > 0; j--) {
			size_t t = idx[j];

			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		const char *key = in->headers[idx[i]].key;

		sb_add_lower(b, key, strlen(key));
		sb_addc(b, ':');
		sb_add_header_value(b, in->headers[idx[i]].value);
		sb_addc(b, '\n');
	}
}

enum pair_form {
	FORM_EQ,	/* every pair "k=v", also when v is empty */
	FORM_BARE,	/* "k" when v is empty */
	FORM_AS_SENT,	/* "k" when the request had no '=', else "k=v" */
};

static char *
roa_resource(const char *path, size_t plen, const struct qpair *pairs, size_t n,
    enum pair_form form)
{
	struct sbuf b = {0};

	sb_addn(&b, path, plen);
	sb_addc(&b, '?');
	for (size_t i = 0; i < n; i++) {
		bool bare = (form == FORM_BARE && pairs[i].value[0] == '\0') ||
		    (form == FORM_AS_SENT && !pairs[i].has_eq);

		if (i > 0)
			sb_addc(&b, '&');
		sb_add(&b, pairs[i].key);
		if (!bare) {
			sb_addc(&b, '=');
			sb_add(&b, pairs[i].value);
		}
	}
	return sb_take(&b);
}

/* Adds s to the candidates unless it is NULL or already there; takes s. */
static void
add_candidate(char **res, size_t *n, char *s, bool *oom)
{
	if (s == NULL) {
		*oom = true;
		return;
	}
	for (size_t i = 0; i < *n; i++)
		if (strcmp(res[i], s) == 0) {
			free(s);
			return;
		}
	if (*n < ROA_MAX_RESOURCES)
		res[(*n)++] = s;
	else
		free(s);
}

/*
 * The CanonicalizedResource forms a client may have signed. The first is
 * auth.md's and the one the server shows; the others are the variants of
 * known clients: a bare key for an empty value, the pairs as sent, a
 * trailing '?' with no query, and the raw request-target.
 */
static void
roa_resources(const char *target, char *res[ROA_MAX_RESOURCES], size_t *n, bool *oom)
{
	const char *q = strchr(target, '?');
	size_t plen = q != NULL ? (size_t)(q - target) : strlen(target);
	struct qpair *pairs = NULL;
	size_t npairs = 0;

	if (q == NULL) {
		add_candidate(res, n, strdup(target), oom);
		return;
	}
	if (!query_pairs(q + 1, &pairs, &npairs)) {
		*oom = true;
		return;
	}
	if (npairs == 0) {
		add_candidate(res, n, strndup(target, plen), oom);
		add_candidate(res, n, roa_resource(target, plen, NULL, 0, FORM_EQ), oom);
	} else {
		add_candidate(res, n, roa_resource(target, plen, pairs, npairs, FORM_EQ), oom);
		add_candidate(res, n, roa_resource(target, plen, pairs, npairs, FORM_BARE), oom);
		add_candidate(res, n, roa_resource(target, plen, pairs, npairs, FORM_AS_SENT), oom);
	}
	add_candidate(res, n, strdup(target), oom);
	qpairs_free(pairs, npairs);
}

/* Content-MD5, when sent, must be base64(MD5(body)). */
static bool
roa_body_ok(const struct auth_input *in)
{
	const char *sent = auth_header(in, "content-md5");
	unsigned char md[MAX_DIGEST];
	unsigned char b64[4 * ((MAX_DIGEST + 2) / 3) + 1];
	size_t mdlen;

	if (sent == NULL)
		return true;
	if (!digest("MD5", in->body, in->body_len, md, &mdlen))
		return false;
	crypto.encode_block(b64, md, (int)mdlen);
	return strcmp(sent, (const char *)b64) == 0;
}

static enum err
verify_roa(const struct auth_input *in, const struct auth_claim *claim, const char *secret,
    struct auth_trace *trace)
{
	static const char *const fixed[] = {"accept", "content-md5", "content-type", "date"};
	struct sbuf prefix = {0};
	char *res[ROA_MAX_RESOURCES] = {0}, *forms[TARGET_FORMS] = {0};
	size_t nres = 0, nforms;
	bool oom = false, matched = false, body_ok = roa_body_ok(in);
	enum err err = ERR_INTERNAL;

	sb_add(&prefix, in->method);
	sb_addc(&prefix, '\n');
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		const char *v = auth_header(in, fixed[i]);

		sb_add(&prefix, v != NULL ? v : "");
		sb_addc(&prefix, '\n');
	}
	roa_canonical_headers(in, &prefix);
	if ((nforms = target_forms(in->target, forms)) == 0)
		goto done;
	for (size_t f = 0; f < nforms; f++)
		roa_resources(forms[f], res, &nres, &oom);
	if (oom || prefix.oom || nres == 0)
		goto done;
	/* Every form is tried, so the time taken does not tell which one matched. */
	for (size_t i = 0; i < nres; i++) {
		struct sbuf sts = {0};
		unsigned char mac[MAX_DIGEST];
		unsigned char b64[4 * ((MAX_DIGEST + 2) / 3) + 1];
		size_t maclen;

		sb_addn(&sts, prefix.s, prefix.len);
		sb_add(&sts, res[i]);
		if (sts.oom || !hmac("SHA1", secret, sts.s, sts.len, mac, &maclen)) {
			sb_free(&sts);
			goto done;
		}
		crypto.encode_block(b64, mac, (int)maclen);
		if (same_signature(claim->signature, claim->signature_len, (const char *)b64))
			matched = true;
		if (i == 0 && trace != NULL)
			trace->string_to_sign = sb_take(&sts);
		sb_free(&sts);
	}
	err = matched && body_ok ? ERR_OK : ERR_SIGNATURE_MISMATCH;
done:
	for (size_t i = 0; i < ROA_MAX_RESOURCES; i++)
		free(res[i]);
	for (size_t f = 0; f < TARGET_FORMS; f++)
		free(forms[f]);
	sb_free(&prefix);
	return err;
}

/* ---- Scheme 2: ACS3-HMAC-SHA256 and ACS3-HMAC-SM3 ---- */

struct span {
	const char *s;
	size_t len;
};

/* Splits SignedHeaders on ';'. Returns false on an empty name or too many names. */
static bool
acs3_signed_names(const struct auth_claim *claim, struct span *names, size_t *n)
{
	const char *p = claim->signed_headers, *end = p + claim->signed_headers_len;

	*n = 0;
	while (p <= end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		size_t len = (semi != NULL ? semi : end) - p;

		if (len == 0 || *n >= ACS3_MAX_SIGNED)
			return false;
		names[*n].s = p;
		names[*n].len = len;
		(*n)++;
		if (semi == NULL)
			break;
		p = semi + 1;
	}
	return true;
}

static bool
span_is(const struct span *sp, const char *name)
{
	return strlen(name) == sp->len && strncasecmp(sp->s, name, sp->len) == 0;
}

static int
str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* One CanonicalHeaders line: repeated headers' trimmed values sorted and joined with ','. */
static void
acs3_header_line(const struct auth_input *in, const struct span *name, struct sbuf *b)
{
	const char *values[CALL_MAX_HEADERS];
	size_t n = 0;

	for (size_t i = 0; i < in->nheaders && n < CALL_MAX_HEADERS; i++)
		if (span_is(name, in->headers[i].key))
			values[n++] = in->headers[i].value;
	qsort(values, n, sizeof(values[0]), str_ptr_cmp);
	sb_add_lower(b, name->s, name->len);
	sb_addc(b, ':');
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			sb_addc(b, ',');
		sb_add_header_value(b, values[i]);
	}
	sb_addc(b, '\n');
}

/* CanonicalURI: the raw path with "+" -> "%20", "*" -> "%2A", "%7E" -> "~". */
static void
acs3_canonical_uri(const char *target, struct sbuf *b)
{
	size_t plen = strcspn(target, "?");

	for (size_t i = 0; i < plen; i++) {
		if (target[i] == '+')
			sb_add(b, "%20");
		else if (target[i] == '*')
			sb_add(b, "%2A");
		else if (target[i] == '%' && i + 2 < plen && target[i + 1] == '7' &&
		    (target[i + 2] == 'E' || target[i + 2] == 'e')) {
			sb_addc(b, '~');
			i += 2;
		} else
			sb_addc(b, target[i]);
	}
}

static bool
acs3_canonical_query(const char *target, struct sbuf *b)
{
	const char *q = strchr(target, '?');
	struct qpair *pairs;
	size_t n;

	if (q == NULL)
		return true;
	if (!query_pairs(q + 1, &pairs, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			sb_addc(b, '&');
		sb_add_rfc3986(b, pairs[i].key);
		sb_addc(b, '=');
		sb_add_rfc3986(b, pairs[i].value);
	}
	qpairs_free(pairs, n);
	return true;
}

/* Writes the lower-case hex digest of the body into out (2 * MAX_DIGEST + 1 bytes). */
static bool
body_hex(const struct auth_input *in, const char *alg, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[MAX_DIGEST];
	size_t mdlen;

	if (!digest(alg, in->body, in->body_len, md, &mdlen))
		return false;
	for (size_t i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * mdlen] = '\0';
	return true;
}

/*
 * A content digest header, when sent, must be the hex digest of the body;
 * known is that digest when the caller has it already (else NULL).
 */
static bool
acs3_content_ok(const struct auth_input *in, const char *header, const char *alg,
    const char *known)
{
	const char *sent = auth_header(in, header);
	char hex[2 * MAX_DIGEST + 1];

	if (sent == NULL)
		return true;
	if (known == NULL) {
		if (!body_hex(in, alg, hex))
			return false;
		known = hex;
	}
	return strcasecmp(sent, known) == 0;
}

/*
 * Computes the canonical request (into cr), the string to sign (into sts)
 * and returns the hex signature (owned by the caller) of the request with
 * target, whose body digest is payload_hex; NULL when out of memory or the
 * digest is unavailable.
 */
static char *
acs3_sign(const struct auth_input *in, const struct auth_claim *claim, const char *target,
    const struct span *names, size_t nnames, const char *payload_hex, const char *secret,
    struct sbuf *cr, struct sbuf *sts)
{
	bool sm3 = claim->scheme == AUTH_SCHEME_ACS3_SM3;
	const char *alg = sm3 ? "SM3" : "SHA256";
	struct sbuf sig = {0};
	unsigned char md[MAX_DIGEST];
	size_t mdlen;

	sb_add(cr, in->method);
	sb_addc(cr, '\n');
	acs3_canonical_uri(target, cr);
	sb_addc(cr, '\n');
	if (!acs3_canonical_query(target, cr))
		return NULL;
	sb_addc(cr, '\n');
	for (size_t i = 0; i < nnames; i++)
		acs3_header_line(in, &names[i], cr);
	sb_addc(cr, '\n');
	sb_addn(cr, claim->signed_headers, claim->signed_headers_len);
	sb_addc(cr, '\n');
	sb_add(cr, payload_hex);
	if (cr->oom || !digest(alg, cr->s, cr->len, md, &mdlen))
		return NULL;
	sb_add(sts, sm3 ? "ACS3-HMAC-SM3" : "ACS3-HMAC-SHA256");
	sb_addc(sts, '\n');
	sb_add_hex(sts, md, mdlen);
	if (sts->oom || !hmac(alg, secret, sts->s, sts->len, md, &mdlen))
		return NULL;
	sb_add_hex(&sig, md, mdlen);
	return sb_take(&sig);
}

static enum err
verify_acs3(const struct auth_input *in, const struct auth_claim *claim, const char *secret,
    struct auth_trace *trace, char *why, size_t whylen)
{
	bool sm3 = claim->scheme == AUTH_SCHEME_ACS3_SM3;
	struct span names[ACS3_MAX_SIGNED];
	size_t nnames;
	bool has_host = false, body_ok, matched = false;
	char payload[2 * MAX_DIGEST + 1];
	char claimed[2 * MAX_DIGEST];
	size_t claimed_len = claim->signature_len, nforms;
	char *forms[TARGET_FORMS] = {0};
	enum err err = ERR_INTERNAL;

	if (!acs3_signed_names(claim, names, &nnames)) {
		snprintf(why, whylen, "SignedHeaders has an empty or too many names");
		return ERR_INCOMPLETE_SIGNATURE;
	}
	for (size_t i = 0; i < nnames; i++)
		has_host |= span_is(&names[i], "host");
	if (!has_host) {
		snprintf(why, whylen, "SignedHeaders must include host");
		return ERR_INCOMPLETE_SIGNATURE;
	}
	for (size_t h = 0; h < in->nheaders; h++) {
		bool signed_ = false;

		if (strncasecmp(in->headers[h].key, "x-acs-", 6) != 0)
			continue;
		for (size_t i = 0; i < nnames && !signed_; i++)
			signed_ = span_is(&names[i], in->headers[h].key);
		if (!signed_) {
			snprintf(why, whylen, "SignedHeaders must include every x-acs-* header; %.64s is missing",
			    in->headers[h].key);
			return ERR_INCOMPLETE_SIGNATURE;
		}
	}
	/* The body is hashed once, for both the content header and the canonical request. */
	if (!body_hex(in, sm3 ? "SM3" : "SHA256", payload))
		return ERR_INTERNAL;
	body_ok = acs3_content_ok(in, "x-acs-content-sha256", "SHA256", sm3 ? NULL : payload) &&
	    acs3_content_ok(in, "x-acs-content-sm3", "SM3", sm3 ? payload : NULL);
	/* The signature is lower-case hex; accept a client that sends upper case. */
	if (claim->signature_len > sizeof(claimed))
		claimed_len = 0;
	for (size_t i = 0; i < claimed_len; i++) {
		char c = claim->signature[i];

		claimed[i] = c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c;
	}
	if ((nforms = target_forms(in->target, forms)) == 0)
		goto done;
	for (size_t f = 0; f < nforms; f++) {
		struct sbuf cr = {0}, sts = {0};
		char *sig = acs3_sign(in, claim, forms[f], names, nnames, payload, secret, &cr, &sts);

		if (sig == NULL) {
			sb_free(&cr);
			sb_free(&sts);
			goto done;
		}
		if (claimed_len > 0 && same_signature(claimed, claimed_len, sig))
			matched = true;
		free(sig);
		if (f == 0 && trace != NULL) {
			trace->canonical_request = sb_take(&cr);
			trace->string_to_sign = sb_take(&sts);
		}
		sb_free(&cr);
		sb_free(&sts);
	}
	err = matched && body_ok ? ERR_OK : ERR_SIGNATURE_MISMATCH;
done:
	for (size_t f = 0; f < TARGET_FORMS; f++)
		free(forms[f]);
	return err;
}

/* ---- The Authorization header ---- */

static const char *
skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool
set_access_key_id(struct auth_claim *out, const char *s, size_t len)
{
	if (len == 0 || len > AUTH_MAX_ACCESS_KEY_ID || memchr(s, '\0', len) != NULL)
		return false;
	for (size_t i = 0; i < len; i++)
		if (is_space(s[i]))
			return false;
	memcpy(out->access_key_id, s, len);
	out->access_key_id[len] = '\0';
	return true;
}

static enum err
parse_roa(const char *p, struct auth_claim *out, char *why, size_t whylen)
{
	const char *colon = strrchr(p, ':');
	size_t end = strlen(p);

	while (end > 0 && is_space(p[end - 1]))
		end--;
	if (colon == NULL || colon >= p + end || !set_access_key_id(out, p, (size_t)(colon - p)) ||
	    colon + 1 == p + end) {
		snprintf(why, whylen, "expected 'acs AccessKeyId:Signature'");
		return ERR_INCOMPLETE_SIGNATURE;
	}
	out->scheme = AUTH_SCHEME_ROA;
	out->signature = colon + 1;
	out->signature_len = (size_t)(p + end - (colon + 1));
	return ERR_OK;
}

static enum err
parse_acs3(const char *p, enum auth_scheme scheme, struct auth_claim *out, char *why,
    size_t whylen)
{
	bool have_cred = false;

	out->scheme = scheme;
	out->signature = out->signed_headers = NULL;
	while (*(p = skip_spaces(p)) != '\0') {
		size_t len = strcspn(p, ",");
		size_t vlen;
		const char *eq = memchr(p, '=', len);
		const char *v;

		if (eq == NULL)
			goto bad;
		v = eq + 1;
		vlen = len - (size_t)(v - p);
		while (vlen > 0 && is_space(v[vlen - 1]))
			vlen--;
		if (vlen == 0)
			goto bad;
		if ((size_t)(eq - p) == 10 && strncmp(p, "Credential", 10) == 0 && !have_cred) {
			if (!set_access_key_id(out, v, vlen))
				goto bad;
			have_cred = true;
		} else if ((size_t)(eq - p) == 13 && strncmp(p, "SignedHeaders", 13) == 0 &&
		    out->signed_headers == NULL) {
			out->signed_headers = v;
			out->signed_headers_len = vlen;
		} else if ((size_t)(eq - p) == 9 && strncmp(p, "Signature", 9) == 0 &&
		    out->signature == NULL) {
			out->signature = v;
			out->signature_len = vlen;
		} else {
			goto bad;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (have_cred && out->signed_headers != NULL && out->signature != NULL)
		return ERR_OK;
bad:
	snprintf(why, whylen,
	    "expected '%s Credential=AccessKeyId,SignedHeaders=a;b,Signature=hex', each once",
	    scheme == AUTH_SCHEME_ACS3_SM3 ? "ACS3-HMAC-SM3" : "ACS3-HMAC-SHA256");
	return ERR_INCOMPLETE_SIGNATURE;
}

enum err
auth_parse(const struct auth_input *in, struct auth_claim *out, char *why, size_t whylen)
{
	/* clang-format off */
	static const struct {
		const char *prefix;
		enum auth_scheme scheme;
	} schemes[] = {
		{ "acs ",		AUTH_SCHEME_ROA },
		{ "ACS3-HMAC-SHA256 ",	AUTH_SCHEME_ACS3_SHA256 },
		{ "ACS3-HMAC-SM3 ",	AUTH_SCHEME_ACS3_SM3 },
	};
	/* clang-format on */
	const char *value = auth_header(in, "authorization");

	memset(out, 0, sizeof(*out));
	if (value == NULL)
		return ERR_OK;
	value = skip_spaces(value);
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t n = strlen(schemes[i].prefix);

		if (strncmp(value, schemes[i].prefix, n) != 0)
			continue;
		if (schemes[i].scheme == AUTH_SCHEME_ROA)
			return parse_roa(skip_spaces(value + n), out, why, whylen);
		return parse_acs3(value + n, schemes[i].scheme, out, why, whylen);
	}
	snprintf(why, whylen,
	    "unknown scheme: expected 'acs', 'ACS3-HMAC-SHA256' or 'ACS3-HMAC-SM3'");
	return ERR_INCOMPLETE_SIGNATURE;
}

enum err
auth_verify(const struct auth_input *in, const struct auth_claim *claim, const char *secret,
    struct auth_trace *trace, char *why, size_t whylen)
{
	if (trace != NULL)
		memset(trace, 0, sizeof(*trace));
	switch (claim->scheme) {
	case AUTH_SCHEME_ROA:
		return verify_roa(in, claim, secret, trace);
	case AUTH_SCHEME_ACS3_SHA256:
	case AUTH_SCHEME_ACS3_SM3:
		return verify_acs3(in, claim, secret, trace, why, whylen);
	case AUTH_SCHEME_NONE:
		break;
	}
	snprintf(why, whylen, "the request is not signed");
	return ERR_INCOMPLETE_SIGNATURE;
}

void
auth_trace_finish(struct auth_trace *trace)
{
	if (trace == NULL)
		return;
	free(trace->string_to_sign);
	free(trace->canonical_request);
	memset(trace, 0, sizeof(*trace));
}

/* Parses value with a strptime format that must consume all of it. */
static bool
parse_time(const char *value, const char *format, int64_t *epoch_s)
{
	struct tm tm;
	const char *end;

	if (value == NULL)
		return false;
	memset(&tm, 0, sizeof(tm));
	end = strptime(value, format, &tm);
	if (end == NULL || *end != '\0')
		return false;
	*epoch_s = (int64_t)timegm(&tm);
	return true;
}

bool
auth_request_time(const struct auth_input *in, enum auth_scheme scheme, int64_t *epoch_s)
{
	const char *iso = auth_header(in, "x-acs-date");
	const char *http = auth_header(in, "date");
	static const char iso_format[] = "%Y-%m-%dT%H:%M:%SZ";
	static const char http_format[] = "%a, %d %b %Y %H:%M:%S GMT";

	if (scheme == AUTH_SCHEME_ROA)
		return parse_time(http, http_format, epoch_s) ||
		    (http == NULL && parse_time(iso, iso_format, epoch_s));
	return parse_time(iso, iso_format, epoch_s) ||
	    (iso == NULL && parse_time(http, http_format, epoch_s));
}

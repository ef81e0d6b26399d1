/* The journal's packed chunks (journalpack.h). */
#include <stdlib.h>
#include <string.h>

#include "journalpack.h"

#define PACK_VERSION 1
#define NTEXTS	     8

/* A growing output buffer; failed turns true on the first allocation failure. */
struct out {
	unsigned char *data;
	size_t len, cap;
	bool failed;
};

static bool
out_reserve(struct out *o, size_t more)
{
	unsigned char *grown;
	size_t cap;

	if (o->failed)
		return false;
	if (o->cap - o->len >= more)
		return true;
	cap = o->cap != 0 ? o->cap : 1024;
	while (cap - o->len < more)
		cap *= 2;
	if ((grown = realloc(o->data, cap)) == NULL) {
		o->failed = true;
		return false;
	}
	o->data = grown;
	o->cap = cap;
	return true;
}

static void
put_varint(struct out *o, uint64_t v)
{
	if (!out_reserve(o, 10))
		return;
	while (v >= 0x80) {
		o->data[o->len++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	o->data[o->len++] = (unsigned char)v;
}

static void
put_bytes(struct out *o, const void *p, size_t n)
{
	if (n == 0 || !out_reserve(o, n))
		return;
	memcpy(o->data + o->len, p, n);
	o->len += n;
}

static uint64_t
zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t
unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* The texts of r in packing order. */
static void
texts_of(const struct journal_rec *r, const char *t[NTEXTS])
{
	t[0] = r->request_id;
	t[1] = r->account;
	t[2] = r->method;
	t[3] = r->path;
	t[4] = r->operation;
	t[5] = r->error_code;
	t[6] = r->body;
	t[7] = r->headers;
	for (int i = 0; i < NTEXTS; i++)
		if (t[i] == NULL)
			t[i] = "";
}

/* Packs s as its difference from prev (the same text of the previous entry). */
static void
put_text(struct out *o, const char *s, size_t len, const char *prev, size_t prevlen)
{
	size_t prefix = 0, suffix = 0, max = len < prevlen ? len : prevlen;

	while (prefix < max && s[prefix] == prev[prefix])
		prefix++;
	while (suffix < max - prefix && s[len - 1 - suffix] == prev[prevlen - 1 - suffix])
		suffix++;
	put_varint(o, prefix);
	put_varint(o, suffix);
	put_varint(o, len - prefix - suffix);
	put_bytes(o, s + prefix, len - prefix - suffix);
}

unsigned char *
journalpack_encode(const struct journal_rec *recs, size_t n, int64_t first_seq, size_t *len)
{
	struct out o = {0};
	const char *prev[NTEXTS] = {"", "", "", "", "", "", "", ""};
	size_t prevlen[NTEXTS] = {0};
	int64_t seq = first_seq, real_ms = 0;
	unsigned char version = PACK_VERSION;

	put_bytes(&o, &version, 1);
	for (size_t i = 0; i < n; i++) {
		const struct journal_rec *r = &recs[i];
		const char *t[NTEXTS];
		unsigned char duration[8];
		uint64_t bits;

		texts_of(r, t);
		put_varint(&o, (uint64_t)(r->seq - seq));
		put_varint(&o, zigzag((int64_t)((uint64_t)r->real_ms - (uint64_t)real_ms)));
		put_varint(&o, (uint64_t)(uint32_t)r->status);
		memcpy(&bits, &r->duration_ms, sizeof(bits));
		for (int b = 0; b < 8; b++)
			duration[b] = (unsigned char)(bits >> (8 * b));
		put_bytes(&o, duration, sizeof(duration));
		for (int k = 0; k < NTEXTS; k++) {
			size_t l = strlen(t[k]);

			put_text(&o, t[k], l, prev[k], prevlen[k]);
			prev[k] = t[k];
			prevlen[k] = l;
		}
		seq = r->seq;
		real_ms = r->real_ms;
	}
	if (o.failed) {
		free(o.data);
		return NULL;
	}
	*len = o.len;
	return o.data;
}

/* A cursor over a chunk; ok turns false at the first read past its end. */
struct in {
	const unsigned char *p, *end;
	bool ok;
};

static uint64_t
get_varint(struct in *in)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		unsigned char b;

		if (in->p == in->end)
			break;
		b = *in->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0)
			return v;
	}
	in->ok = false;
	return 0;
}

/* The parts of one packed text: prev[0..prefix) + mid[0..midlen) + the last suffix bytes of prev. */
struct text_part {
	size_t prefix, suffix, midlen;
	const unsigned char *mid;
};

static bool
get_text(struct in *in, size_t prevlen, struct text_part *t)
{
	uint64_t prefix = get_varint(in), suffix = get_varint(in), midlen = get_varint(in);

	if (!in->ok || prefix > prevlen || suffix > prevlen - prefix ||
	    midlen > (uint64_t)(in->end - in->p))
		return false;
	t->prefix = (size_t)prefix;
	t->suffix = (size_t)suffix;
	t->midlen = (size_t)midlen;
	t->mid = in->p;
	in->p += midlen;
	/* A stored text never holds NUL: it was a C string. */
	return memchr(t->mid, '\0', t->midlen) == NULL;
}

/* Decodes one entry after prev (NULL for the first) into r; false when malformed or out of memory. */
static bool
decode_entry(struct in *in, const struct journal_rec *prev, int64_t *seq, int64_t *real_ms,
    struct journal_rec *r)
{
	const char *pt[NTEXTS] = {"", "", "", "", "", "", "", ""};
	size_t plen[NTEXTS] = {0}, total = 0;
	struct text_part part[NTEXTS];
	char **field[NTEXTS] = {&r->request_id, &r->account, &r->method, &r->path, &r->operation,
	    &r->error_code, &r->body, &r->headers};
	uint64_t dseq = get_varint(in), dtime = get_varint(in), status = get_varint(in), bits = 0;
	char *o;

	if (prev != NULL) {
		texts_of(prev, pt);
		for (int k = 0; k < NTEXTS; k++)
			plen[k] = strlen(pt[k]);
	}
	if (!in->ok || *seq < 0 || dseq > (uint64_t)(INT64_MAX - *seq) || status > 999 ||
	    in->end - in->p < 8)
		return false;
	for (int b = 0; b < 8; b++)
		bits |= (uint64_t)in->p[b] << (8 * b);
	in->p += 8;
	for (int k = 0; k < NTEXTS; k++) {
		if (!get_text(in, plen[k], &part[k]))
			return false;
		total += part[k].prefix + part[k].midlen + part[k].suffix + 1;
	}
	*r = (struct journal_rec){0};
	if ((r->strings = malloc(total)) == NULL)
		return false;
	o = r->strings;
	for (int k = 0; k < NTEXTS; k++) {
		*field[k] = o;
		memcpy(o, pt[k], part[k].prefix);
		o += part[k].prefix;
		memcpy(o, part[k].mid, part[k].midlen);
		o += part[k].midlen;
		memcpy(o, pt[k] + plen[k] - part[k].suffix, part[k].suffix);
		o += part[k].suffix;
		*o++ = '\0';
	}
	*seq += (int64_t)dseq;
	*real_ms = (int64_t)((uint64_t)*real_ms + (uint64_t)unzigzag(dtime));
	r->seq = *seq;
	r->real_ms = *real_ms;
	r->status = (int)status;
	memcpy(&r->duration_ms, &bits, sizeof(bits));
	return true;
}

bool
journalpack_decode(const unsigned char *data, size_t len, int64_t first_seq,
    struct journal_rec **out, size_t *n)
{
	struct in in = {data, data + len, true};
	struct journal_rec *recs = NULL, *grown;
	size_t count = 0, cap = 0;
	int64_t seq = first_seq, real_ms = 0;

	if (len == 0 || data[0] != PACK_VERSION)
		return false;
	in.p++;
	while (in.p < in.end) {
		if (count == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			if ((grown = realloc(recs, cap * sizeof(*recs))) == NULL)
				goto fail;
			recs = grown;
		}
		if (!decode_entry(&in, count > 0 ? &recs[count - 1] : NULL, &seq, &real_ms,
			&recs[count]))
			goto fail;
		count++;
	}
	*out = recs;
	*n = count;
	return true;
fail:
	for (size_t i = 0; i < count; i++)
		journal_rec_clear(&recs[i]);
	free(recs);
	return false;
}

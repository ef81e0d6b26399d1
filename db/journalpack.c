/* The journal's packed chunks (journalpack.h). */
#include <stdlib.h>
#include <string.h>

#include "journalpack.h"

#define PACK_VERSION 1
#define NTEXTS	     8

/* Makes room for more bytes in w's buffer. */
static bool
reserve(struct journalpack_writer *w, size_t more)
{
	unsigned char *grown;
	size_t cap;

	if (w->cap - w->len >= more)
		return true;
	cap = w->cap != 0 ? w->cap : 1024;
	while (cap - w->len < more)
		cap *= 2;
	if ((grown = realloc(w->data, cap)) == NULL)
		return false;
	w->data = grown;
	w->cap = cap;
	return true;
}

/* Appends v (room was reserved: at most 10 bytes). */
static void
put_varint(struct journalpack_writer *w, uint64_t v)
{
	while (v >= 0x80) {
		w->data[w->len++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	w->data[w->len++] = (unsigned char)v;
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

/* Packs s (len bytes) as its difference from prev (the same text of the previous entry). */
static bool
put_text(struct journalpack_writer *w, const char *s, size_t len, const char *prev,
    size_t prevlen)
{
	size_t prefix = 0, suffix = 0, max = len < prevlen ? len : prevlen, mid;

	while (prefix < max && s[prefix] == prev[prefix])
		prefix++;
	while (suffix < max - prefix && s[len - 1 - suffix] == prev[prevlen - 1 - suffix])
		suffix++;
	mid = len - prefix - suffix;
	if (!reserve(w, 30 + mid))
		return false;
	put_varint(w, prefix);
	put_varint(w, suffix);
	put_varint(w, mid);
	memcpy(w->data + w->len, s + prefix, mid);
	w->len += mid;
	return true;
}

bool
journalpack_add(struct journalpack_writer *w, const struct journal_rec *r, uint64_t seq_delta)
{
	const char *t[NTEXTS], *prev[NTEXTS];
	size_t len[NTEXTS], total = 0, start = w->len;
	uint64_t bits;
	char *o;

	texts_of(r, t);
	for (int k = 0; k < NTEXTS; k++) {
		len[k] = strlen(t[k]);
		total += len[k] + 1;
	}
	if (w->count == 0 && w->len == 0) {
		if (!reserve(w, 1))
			return false;
		w->data[w->len++] = PACK_VERSION;
		start = w->len;
	}
	if (!reserve(w, 3 * 10 + 8))
		return false;
	put_varint(w, seq_delta);
	put_varint(w, zigzag((int64_t)((uint64_t)r->real_ms - (uint64_t)w->last_real_ms)));
	put_varint(w, (uint64_t)(uint32_t)r->status);
	memcpy(&bits, &r->duration_ms, sizeof(bits));
	for (int b = 0; b < 8; b++)
		w->data[w->len++] = (unsigned char)(bits >> (8 * b));
	o = w->prev;
	for (int k = 0; k < NTEXTS; k++) {
		prev[k] = w->count > 0 ? o : "";
		if (w->count > 0)
			o += w->prevlen[k] + 1;
		if (!put_text(w, t[k], len[k], prev[k], w->count > 0 ? w->prevlen[k] : 0)) {
			w->len = start;
			return false;
		}
	}
	/* Only now may the copy of the last entry change: a failure above leaves w as it was. */
	if (total > w->prev_cap) {
		char *grown = realloc(w->prev, total);

		if (grown == NULL) {
			w->len = start;
			return false;
		}
		w->prev = grown;
		w->prev_cap = total;
	}
	o = w->prev;
	for (int k = 0; k < NTEXTS; k++) {
		memcpy(o, t[k], len[k] + 1);
		o += len[k] + 1;
		w->prevlen[k] = len[k];
	}
	w->last_real_ms = r->real_ms;
	w->count++;
	return true;
}

unsigned char *
journalpack_take(struct journalpack_writer *w, size_t *len, size_t *count)
{
	unsigned char *data = w->count > 0 ? w->data : NULL;

	*len = w->count > 0 ? w->len : 0;
	*count = w->count;
	if (data == NULL)
		free(w->data);
	w->data = NULL;
	w->len = w->cap = w->count = 0;
	w->last_real_ms = 0;
	return data;
}

void
journalpack_writer_free(struct journalpack_writer *w)
{
	free(w->data);
	free(w->prev);
	*w = (struct journalpack_writer){0};
}

unsigned char *
journalpack_encode(const struct journal_rec *recs, size_t n, int64_t first_seq, size_t *len)
{
	struct journalpack_writer w = {0};
	unsigned char *data;
	size_t count;
	int64_t seq = first_seq;

	for (size_t i = 0; i < n; i++) {
		if (!journalpack_add(&w, &recs[i], (uint64_t)(recs[i].seq - seq))) {
			journalpack_writer_free(&w);
			return NULL;
		}
		seq = recs[i].seq;
	}
	data = journalpack_take(&w, len, &count);
	journalpack_writer_free(&w);
	return data;
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

unsigned char *
journalpack_cut(const unsigned char *data, size_t len, int64_t first_seq, size_t drop,
    int64_t *kept_first_seq, size_t *out_len)
{
	struct in in = {data, data + len, true};
	struct journal_rec rec[2] = {{0}, {0}};
	struct journalpack_writer w = {0};
	unsigned char *out = NULL;
	int64_t seq = first_seq, real_ms = 0;
	size_t i = 0, count;
	bool found = false;

	if (len == 0 || data[0] != PACK_VERSION)
		return NULL;
	in.p++;
	/*
	 * Each entry is decoded against the one before it, in two records that
	 * take turns: the dropped ones are only walked over, never kept.
	 */
	for (; in.p < in.end; i++) {
		struct journal_rec *prev = i > 0 ? &rec[(i - 1) % 2] : NULL, *cur = &rec[i % 2];

		journal_rec_clear(cur);
		if (!decode_entry(&in, prev, &seq, &real_ms, cur))
			goto done;
		if (i == drop) {
			found = true;
			break;
		}
	}
	if (!found)
		goto done;
	/* The first kept entry stands alone now; the ones after it are packed against it already. */
	if (!journalpack_add(&w, &rec[drop % 2], 0) || !reserve(&w, (size_t)(in.end - in.p)))
		goto done;
	memcpy(w.data + w.len, in.p, (size_t)(in.end - in.p));
	w.len += (size_t)(in.end - in.p);
	*kept_first_seq = rec[drop % 2].seq;
	out = journalpack_take(&w, out_len, &count);
done:
	journal_rec_clear(&rec[0]);
	journal_rec_clear(&rec[1]);
	journalpack_writer_free(&w);
	return out;
}

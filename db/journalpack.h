/*
 * The packed form of a run of journal entries: one journal_chunks row
 * holds the entries of one flush (db/journal.c).
 *
 * Each entry is stored as its difference from the entry before it: the
 * seq and the time as deltas, and each text as the bytes it shares with
 * the same text of the previous entry at its start and at its end, plus
 * what differs in between. Clients send the same request shapes over and
 * over (a test suite's creates differ in a name), so a CreateCluster entry
 * of ~550 bytes packs to about 70 (the request id, random, is most of it).
 * As separate rows, the entries' inserts, evictions and WAL bytes were a
 * fifth of a create's CPU (issue #7).
 *
 * Layout: a version byte (1), then per entry: varint seq delta (from the
 * chunk's first_seq for the first entry), varint zigzag time delta (from 0
 * for the first), varint status, the duration as 8 bytes (IEEE 754, little
 * endian), then the eight texts in journal_rec order (request_id, account,
 * method, path, operation, error_code, body, headers), each as varint
 * shared prefix, varint shared suffix, varint length and that many bytes.
 */
#ifndef ACKMOCK_JOURNALPACK_H
#define ACKMOCK_JOURNALPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "admin_store.h"

/*
 * A chunk packed entry by entry: the request journal's buffer, which the
 * flush stores as it is. It keeps a copy of the last entry's texts, to
 * pack the next one against. An all-zero writer is empty and ready.
 */
struct journalpack_writer {
	unsigned char *data;
	size_t len, cap;
	size_t count;		/* entries packed */
	int64_t last_real_ms;
	char *prev;		/* the last entry's texts, each NUL-terminated, in packing order */
	size_t prev_cap;
	size_t prevlen[8];
};

/*
 * Appends r, whose seq follows the last entry's by seq_delta (for the first
 * entry: its distance from the chunk's first_seq). False when out of
 * memory: then nothing of r is packed.
 */
bool journalpack_add(struct journalpack_writer *w, const struct journal_rec *r,
    uint64_t seq_delta);

/*
 * Hands over the packed entries: a buffer of *len bytes holding *count
 * entries (the caller frees it; NULL when there are none), and empties w.
 */
unsigned char *journalpack_take(struct journalpack_writer *w, size_t *len, size_t *count);

/* Frees what w holds. */
void journalpack_writer_free(struct journalpack_writer *w);

/*
 * Packs recs[0..n), whose seq values ascend from first_seq, into a new
 * buffer of *len bytes (the caller frees it); NULL when out of memory.
 * A NULL text packs as "".
 */
unsigned char *journalpack_encode(const struct journal_rec *recs, size_t n, int64_t first_seq,
    size_t *len);

/*
 * Unpacks a chunk stored with first_seq into a new array of *n records,
 * oldest first (the caller clears each with journal_rec_clear and frees
 * the array). False when the data is not a well-formed chunk (nothing is
 * returned) or memory runs out.
 */
bool journalpack_decode(const unsigned char *data, size_t len, int64_t first_seq,
    struct journal_rec **out, size_t *n);

/*
 * The chunk (stored with first_seq) without its first drop entries, in a
 * new buffer of *out_len bytes (the caller frees it), and the seq of its
 * new first entry in *kept_first_seq: what journalpack_encode makes of the
 * entries kept. Only the dropped entries and the first kept one are
 * decoded; the rest, packed against the first kept one already, is copied
 * as it is. NULL when the chunk is malformed, holds no more than drop
 * entries, or memory runs out.
 */
unsigned char *journalpack_cut(const unsigned char *data, size_t len, int64_t first_seq,
    size_t drop, int64_t *kept_first_seq, size_t *out_len);

#endif

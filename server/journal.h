/*
 * The request journal (admin.md section 2): every answered API request,
 * secrets redacted, kept in the journal table as a ring of --journal-max
 * rows. Recording never writes synchronously: entries collect in memory and
 * reach the database in batches through the writer thread, when 256 are
 * waiting or every 100 ms (a small flusher thread), and on shutdown.
 */
#ifndef ACKMOCK_JOURNAL_H
#define ACKMOCK_JOURNAL_H

#include <stdint.h>

#include "call.h"
#include "db.h"

struct journal;

/*
 * Starts a journal keeping max entries (0: none) in db. Returns NULL when
 * out of memory or when the flusher thread cannot start. db is borrowed and
 * must outlive the journal.
 */
struct journal *journal_new(struct db *db, int64_t max);

/* Stops the flusher, writes what is buffered and frees j. NULL-safe. */
void journal_free(struct journal *j);

/*
 * Records the answered call (its response built) that took duration_ns.
 * Packs what it keeps. Never blocks on the database; when the buffer is
 * full (the writer lags), its oldest half is dropped and counted evicted;
 * the newest min(max, 8192) entries always stay.
 */
void journal_record(struct journal *j, const struct call *call, int64_t duration_ns);

/*
 * A db_job apply (run on the writer thread) that writes the buffered
 * entries; arg is the journal. Callers that must read their own writes
 * (GET /_mock/requests) run it before reading.
 */
enum err journal_flush_apply(struct db_conn *conn, void *arg);

/*
 * Drops the buffered entries of account (NULL: all) and returns how many.
 * Called by a reset's apply on the writer thread, so no flush can interleave.
 */
size_t journal_discard(struct journal *j, const char *account);

/* Entries evicted so far, from the table and from the buffer. */
uint64_t journal_evictions(struct journal *j);

#endif

/*
 * The operator's tables (admin.md): the request journal, the fault rules,
 * the scoped reset, and the state counts behind the metrics gauges. Same
 * conventions as store.h: each function takes a connection (a reader, or the
 * writer's inside a db_job's apply), returns ERR_OK and fills its outputs
 * only on success, and records own their strings.
 */
#ifndef ACKMOCK_ADMIN_STORE_H
#define ACKMOCK_ADMIN_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* One journal entry. Every string is owned by the record. */
struct journal_rec {
	int64_t seq;     /* assigned by the database */
	int64_t real_ms; /* real time the response was queued */
	char *request_id;
	char *account;
	char *method;
	char *path;
	char *operation;
	int status;
	char *error_code; /* "" on success */
	double duration_ms;
	char *body;    /* the request body, secrets already redacted */
	char *headers; /* JSON object text, signature already cut */
	/*
	 * When not NULL, the one allocation all the texts above point into
	 * (journal_record's); when NULL, each text is its own.
	 */
	char *strings;
};

/* Frees the strings of rec (not rec itself). NULL-safe. */
void journal_rec_clear(struct journal_rec *rec);

/*
 * Appends a chunk of n entries packed by journalpack_add (len bytes; their
 * seq deltas 0, then 1), numbering them after the last entry stored, then
 * evicts the oldest entries past max (max 0 keeps none). *evicted receives
 * the number of entries evicted.
 */
enum err db_journal_append(struct db_conn *conn, const unsigned char *data, size_t len, size_t n,
                           int64_t max, int64_t *evicted);

/* A journal query; NULL strings and a status range of 0..0 match everything. */
struct journal_filter {
	const char *operation;
	const char *account;
	int status_min, status_max;
	int64_t limit;
};

/*
 * The rows matching f, newest first, at most f->limit. On success *out is
 * an array of *n records the caller frees with journal_rec_clear on each and
 * free on the array.
 */
enum err db_journal_list(struct db_conn *conn, const struct journal_filter *f,
                         struct journal_rec **out, size_t *n);

/* Deletes the entries of account (NULL: all); adds their number to *count. */
enum err db_journal_reset(struct db_conn *conn, const char *account, int64_t *count);

/*
 * Packs the rows of the journal table of schemas 1 to 4 into chunks and
 * drops the table (migration 005); nothing to do without one.
 */
enum err db_journal_adopt(struct db_conn *conn);

/* Inserts a fault rule (its JSON text); *id receives its seq. remaining < 0: unlimited. */
enum err db_fault_insert(struct db_conn *conn, const char *rule, int64_t remaining, int64_t *id);

/* Stores the countdown and fire count of rule id (no error if it is gone). */
enum err db_fault_update(struct db_conn *conn, int64_t id, int64_t remaining, int64_t fired);

/* Deletes rule id (id < 0: every rule); *deleted receives the count. */
enum err db_fault_delete(struct db_conn *conn, int64_t id, int64_t *deleted);

/* Calls fn for every stored rule in id order; stops with fn's error. */
enum err db_fault_each(struct db_conn *conn,
                       enum err (*fn)(void *arg, int64_t id, const char *rule, int64_t remaining,
                                      int64_t fired),
                       void *arg);

/* What a reset removed, per table. */
struct reset_counts {
	int64_t clusters, tasks, nodes, journal, faults, nonces;
};

/*
 * Deletes every cluster, task, node, journal row, fault rule and nonce, or
 * only those of account when it is not NULL (faults: the rules whose
 * match.account is account; nonces: those of the nkeys access keys in keys).
 * The clock and the world are kept.
 */
enum err db_reset(struct db_conn *conn, const char *account, const char *const *keys, size_t nkeys,
                  struct reset_counts *out);

/* Calls fn(arg, state, count) for each state at virtual instant now of table "clusters" or "tasks". */
enum err db_count_states(struct db_conn *conn, const char *table, int64_t now,
                         void (*fn)(void *arg, const char *state, int64_t count), void *arg);

#endif

/*
 * Internal to db/: the rowids of clusters and tasks, which are their ids'
 * stamps (schema/006). id_seq(id) is the SQL function every lookup by id
 * reads its rowid from: the 12 hex digits after "c" (a cluster id) or
 * "T-" (a task id), unless displaced_ids lists the id, for the few legacy
 * rows that share a stamp.
 */
#ifndef ACKMOCK_DB_IDKEYS_H
#define ACKMOCK_DB_IDKEYS_H

#include <stdint.h>

#include <sqlite3.h>

/* A database's displaced ids, sorted by id; loaded once after the migrations, then read-only. */
struct idkeys {
	struct idkeys_displaced {
		char *id;
		int64_t seq;
	} *displaced;
	size_t ndisplaced;
};

/* Defines id_seq() on a connection; it reads keys, which must outlive it. Returns SQLITE_OK or the error. */
int idkeys_define(sqlite3 *sqlite, const struct idkeys *keys);

/* Reads displaced_ids into keys (empty before). Returns SQLITE_OK or the error. */
int idkeys_load(sqlite3 *sqlite, struct idkeys *keys);

void idkeys_free(struct idkeys *keys);

/*
 * The greatest rowid of clusters and tasks that a stamp of now could reach
 * (below IDKEYS_STAMP_CEILING), or 0: where new stamps must start. Above
 * the ceiling are only the random stamps of legacy ids, which a new stamp
 * meets with a chance of one in 2^48 per row. -1 on error.
 */
int64_t idkeys_floor(sqlite3 *sqlite);

/* 2^47 milliseconds after 1970: the year 6429. */
#define IDKEYS_STAMP_CEILING (INT64_C(1) << 47)

#endif

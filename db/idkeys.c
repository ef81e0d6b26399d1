/* The rowids of clusters and tasks: their ids' stamps (idkeys.h). */
#include <stdlib.h>
#include <string.h>

#include "idkeys.h"
#include "ids.h"

/* The stamp of a cluster or task id, or -1 when it has none. */
static int64_t
id_stamp(const unsigned char *id, int len)
{
	int64_t stamp = 0;
	int at;

	if (len == IDS_CLUSTER_LEN - 1 && id[0] == 'c')
		at = 1;
	else if (len == IDS_TASK_LEN - 1 && id[0] == 'T' && id[1] == '-')
		at = 2;
	else
		return -1;
	for (int i = at; i < at + IDS_STAMP_DIGITS; i++) {
		int d;

		if (id[i] >= '0' && id[i] <= '9')
			d = id[i] - '0';
		else if (id[i] >= 'a' && id[i] <= 'f')
			d = id[i] - 'a' + 10;
		else
			return -1;
		stamp = stamp << 4 | d;
	}
	return stamp;
}

static int
displaced_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct idkeys_displaced *)elem)->id);
}

/* id_seq(id): the rowid of the row with that id if there is one; NULL when the id has no stamp. */
static void
id_seq(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct idkeys *keys = sqlite3_user_data(ctx);
	const unsigned char *id = sqlite3_value_text(argv[0]);
	int64_t stamp;

	(void)argc;
	if (id == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (keys->ndisplaced > 0) {
		const struct idkeys_displaced *d = bsearch(id, keys->displaced, keys->ndisplaced,
		    sizeof(*keys->displaced), displaced_cmp);

		if (d != NULL) {
			sqlite3_result_int64(ctx, d->seq);
			return;
		}
	}
	stamp = id_stamp(id, sqlite3_value_bytes(argv[0]));
	if (stamp < 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx, stamp);
}

int
idkeys_define(sqlite3 *sqlite, const struct idkeys *keys)
{
	/* Deterministic: a statement computes it once for a bound id, before its lookup. */
	return sqlite3_create_function_v2(sqlite, "id_seq", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, (void *)keys, id_seq, NULL, NULL,
	    NULL);
}

int
idkeys_load(sqlite3 *sqlite, struct idkeys *keys)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc = sqlite3_prepare_v2(sqlite, "SELECT id, seq FROM displaced_ids ORDER BY id", -1,
	    &st, NULL);

	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);

		rc = SQLITE_NOMEM;
		if (keys->ndisplaced == cap) {
			size_t grown = cap ? cap * 2 : 16;
			void *v = realloc(keys->displaced, grown * sizeof(*keys->displaced));

			if (v == NULL)
				break;
			keys->displaced = v;
			cap = grown;
		}
		if (id == NULL || (keys->displaced[keys->ndisplaced].id = strdup(id)) == NULL)
			break;
		keys->displaced[keys->ndisplaced++].seq = sqlite3_column_int64(st, 1);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void
idkeys_free(struct idkeys *keys)
{
	for (size_t i = 0; i < keys->ndisplaced; i++)
		free(keys->displaced[i].id);
	free(keys->displaced);
	memset(keys, 0, sizeof(*keys));
}

int64_t
idkeys_floor(sqlite3 *sqlite)
{
	sqlite3_stmt *st = NULL;
	int64_t floor = -1;

	/* Two rowid range lookups: each max() reads one leaf at the tree's right edge. */
	if (sqlite3_prepare_v2(sqlite,
		"SELECT max(coalesce((SELECT max(seq) FROM clusters WHERE seq < ?1), 0),"
		" coalesce((SELECT max(seq) FROM tasks WHERE seq < ?1), 0))",
		-1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 1, IDKEYS_STAMP_CEILING) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		floor = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return floor;
}

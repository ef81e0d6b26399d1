/*
 * The request journal's buffer and flusher (journal.h).
 *
 * Why the writer thread pulls the buffer instead of being handed a batch:
 * the flush apply and a reset's apply both run on the one writer thread, so
 * taking the buffer inside the apply orders every buffered entry either
 * before a reset (and the reset deletes it) or after it. A batch taken
 * earlier could land after the reset and bring old entries back.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "admin_store.h"
#include "journal.h"
#include "journalpack.h"
#include "redact.h"
#include "timefmt.h"

#define FLUSH_AT       256  /* buffered entries that trigger a flush at once */
#define FLUSH_EVERY_MS 100  /* the flusher's period */
#define BUFFER_MAX     8192 /* buffered entries kept when the writer lags */

struct journal {
	struct db *db;
	int64_t max;
	pthread_mutex_t lock;
	pthread_cond_t tick;
	/*
	 * The entries not yet flushed, packed as the flush stores them
	 * (journalpack.h): recording an entry is all the copying it gets, and
	 * the writer thread frees one buffer per flush, not one per entry.
	 */
	struct journalpack_writer pack;
	size_t cap;	/* the newest entries always kept while the writer lags */
	bool stopping;
	pthread_t flusher;
	struct db_job job; /* at most one flush queued at a time */
	atomic_bool queued;
	atomic_uint_least64_t evictions;
};

static void
flush_done(struct db_job *job)
{
	struct journal *j = job->arg;

	atomic_store(&j->queued, false);
}

/* Queues the flush job unless one is queued already. */
static void
flush_submit(struct journal *j)
{
	bool expected = false;

	if (atomic_compare_exchange_strong(&j->queued, &expected, true)) {
		j->job.apply = journal_flush_apply;
		j->job.done = flush_done;
		j->job.arg = j;
		db_write_submit(j->db, &j->job);
	}
}

enum err
journal_flush_apply(struct db_conn *conn, void *arg)
{
	struct journal *j = arg;
	unsigned char *data;
	size_t len, n;
	int64_t evicted = 0;
	enum err err;

	pthread_mutex_lock(&j->lock);
	data = journalpack_take(&j->pack, &len, &n);
	pthread_mutex_unlock(&j->lock);
	if (data == NULL)
		return ERR_OK;
	err = db_journal_append(conn, data, len, n, j->max, &evicted);
	if (err != ERR_OK)
		fprintf(stderr, "ackmock: journal: cannot write %zu entries; they are lost\n", n);
	else
		atomic_fetch_add(&j->evictions, (uint64_t)evicted);
	free(data);
	return err;
}

static void *
flusher_main(void *arg)
{
	struct journal *j = arg;
	struct timespec deadline;

	pthread_mutex_lock(&j->lock);
	while (!j->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_nsec += FLUSH_EVERY_MS * 1000000L;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&j->tick, &j->lock, &deadline);
		if (j->pack.count > 0 && !j->stopping) {
			pthread_mutex_unlock(&j->lock);
			flush_submit(j);
			pthread_mutex_lock(&j->lock);
		}
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

struct journal *
journal_new(struct db *db, int64_t max)
{
	struct journal *j = calloc(1, sizeof(*j));
	pthread_condattr_t attr;

	if (j == NULL)
		return NULL;
	j->db = db;
	j->max = max;
	j->cap = max < BUFFER_MAX ? (size_t)max : BUFFER_MAX;
	if (j->cap == 0)
		j->cap = 1;
	pthread_mutex_init(&j->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&j->tick, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&j->flusher, NULL, flusher_main, j) != 0) {
		pthread_cond_destroy(&j->tick);
		pthread_mutex_destroy(&j->lock);
		free(j);
		return NULL;
	}
	return j;
}

void
journal_free(struct journal *j)
{
	if (j == NULL)
		return;
	pthread_mutex_lock(&j->lock);
	j->stopping = true;
	pthread_cond_signal(&j->tick);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->flusher, NULL);
	/* A queued flush still points at j: let it finish, then write the rest ourselves. */
	while (atomic_load(&j->queued)) {
		struct timespec ms = {0, 1000000};

		nanosleep(&ms, NULL);
	}
	db_write_wait(j->db, journal_flush_apply, j);
	journalpack_writer_free(&j->pack);
	pthread_cond_destroy(&j->tick);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

/*
 * The wire code of an error response (before redact_text): its body's
 * "code" or "Code", else the error table's; "" for a success. A code read
 * from the body points into *doc, which the caller deletes.
 */
static const char *
error_code_of(const struct call *call, cJSON **doc)
{
	const struct response *resp = &call->resp;
	const cJSON *code;

	*doc = NULL;
	if (resp->status < 400)
		return "";
	/* Every error answered through call_reply_error* names its code: no need to parse. */
	if (resp->code[0] != '\0')
		return resp->code;
	*doc = resp->body != NULL ? cJSON_ParseWithLength(resp->body, resp->body_len) : NULL;
	code = cJSON_GetObjectItemCaseSensitive(*doc, "code");
	if (!cJSON_IsString(code))
		code = cJSON_GetObjectItemCaseSensitive(*doc, "Code");
	if (cJSON_IsString(code))
		return code->valuestring;
	/* The table's codes are printable ASCII without '%': redact_text leaves them as they are. */
	return err_info(resp->err)->code;
}

/*
 * Takes the buffered entries out of j->pack, unpacked (the caller holds
 * j->lock, and clears and frees them); j->pack is left empty. A buffer
 * that cannot be unpacked (out of memory) is dropped and counted evicted.
 */
static bool
unpack_buffer(struct journal *j, struct journal_rec **recs, size_t *n)
{
	size_t len, count;
	unsigned char *data = journalpack_take(&j->pack, &len, &count);
	bool ok = data == NULL || journalpack_decode(data, len, 0, recs, n);

	if (data == NULL)
		*n = 0;
	if (!ok)
		atomic_fetch_add(&j->evictions, count);
	free(data);
	return ok && data != NULL;
}

/*
 * The writer lags by two buffers' worth: keep only the newest keep entries
 * (under j->lock). Half of them go at once, so that a writer that stays
 * behind costs one repacking per cap entries, not one per entry.
 */
static void
keep_newest(struct journal *j, size_t keep)
{
	struct journal_rec *recs = NULL;
	size_t n = 0;

	if (!unpack_buffer(j, &recs, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		if (i + keep < n)
			atomic_fetch_add(&j->evictions, 1);
		else
			journalpack_add(&j->pack, &recs[i], j->pack.count > 0 ? 1 : 0);
		journal_rec_clear(&recs[i]);
	}
	free(recs);
}

/* The texts of an entry, in the order journal_record lays them out in one block. */
enum {
	JT_REQUEST_ID,
	JT_ACCOUNT,
	JT_METHOD,
	JT_PATH,
	JT_OPERATION,
	JT_ERROR_CODE,
	JT_BODY,
	JT_HEADERS,
	JT__COUNT
};

void
journal_record(struct journal *j, const struct call *call, int64_t duration_ns)
{
	struct journal_rec r = {
	    .real_ms = timefmt_real_now_ms(),
	    .status = call->resp.status,
	    .duration_ms = (double)duration_ns / 1e6,
	};
	const char *text[JT__COUNT];
	/* What a client sent is escaped (redact_text); ours, and what redact_* wrote, taken as is. */
	static const bool escaped[JT__COUNT] = {
	    [JT_ACCOUNT] = true, [JT_METHOD] = true, [JT_PATH] = true, [JT_ERROR_CODE] = true,
	};
	char **field[JT__COUNT] = {&r.request_id, &r.account, &r.method, &r.path, &r.operation,
	    &r.error_code, &r.body, &r.headers};
	size_t len[JT__COUNT], total = 0;
	char *body = NULL, *headers = NULL, *escapes = NULL, *o;
	cJSON *doc = NULL;
	bool flush_now;

	if (j == NULL || j->max == 0)
		return;
	if ((body = redact_body(call->req.body, call->req.body_len)) == NULL ||
	    (headers = redact_headers(call->req.headers, call->req.nheaders)) == NULL)
		goto done;
	text[JT_REQUEST_ID] = call->request_id;
	text[JT_ACCOUNT] = call->account != NULL ? call->account : "";
	text[JT_METHOD] = call->req.method != NULL ? call->req.method : "";
	text[JT_PATH] = call->req.path != NULL ? call->req.path : call->req.target;
	text[JT_OPERATION] = call->operation != NULL ? call->operation : "Unknown";
	text[JT_ERROR_CODE] = error_code_of(call, &doc);
	text[JT_BODY] = body;
	text[JT_HEADERS] = headers;
	/* The escaped texts go into one block; packing copies every text anyway. */
	for (int i = 0; i < JT__COUNT; i++) {
		if (text[i] == NULL)
			text[i] = "";
		len[i] = strlen(text[i]);
		if (escaped[i])
			total += 3 * len[i] + 1;
	}
	if ((escapes = malloc(total)) == NULL)
		goto done;
	o = escapes;
	for (int i = 0; i < JT__COUNT; i++) {
		if (escaped[i]) {
			*field[i] = o;
			o = redact_text_into(o, text[i], len[i]) + 1;
		} else {
			*field[i] = (char *)text[i];
		}
	}
	pthread_mutex_lock(&j->lock);
	if (j->pack.count >= 2 * j->cap)
		keep_newest(j, j->cap);
	/* Out of memory: the entry is lost, as if evicted. */
	if (!journalpack_add(&j->pack, &r, j->pack.count > 0 ? 1 : 0))
		atomic_fetch_add(&j->evictions, 1);
	flush_now = j->pack.count >= FLUSH_AT;
	pthread_mutex_unlock(&j->lock);
	if (flush_now)
		flush_submit(j);
done:
	free(escapes);
	cJSON_Delete(doc);
	free(body);
	free(headers);
}

size_t
journal_discard(struct journal *j, const char *account)
{
	struct journal_rec *recs = NULL;
	size_t n = 0, dropped = 0;

	if (j == NULL)
		return 0;
	pthread_mutex_lock(&j->lock);
	if (unpack_buffer(j, &recs, &n)) {
		for (size_t i = 0; i < n; i++) {
			if (account != NULL && strcmp(recs[i].account, account) != 0)
				journalpack_add(&j->pack, &recs[i], j->pack.count > 0 ? 1 : 0);
			else
				dropped++;
			journal_rec_clear(&recs[i]);
		}
		free(recs);
	}
	pthread_mutex_unlock(&j->lock);
	return dropped;
}

uint64_t
journal_evictions(struct journal *j)
{
	return j != NULL ? atomic_load(&j->evictions) : 0;
}

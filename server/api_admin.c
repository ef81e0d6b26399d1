/*
 * The admin API (admin.md section 2): unsigned, JSON in and out (metrics:
 * Prometheus text). Writes (reset, fault rules, the journal flush before a
 * journal read) go through the database writer like every other write, so
 * they are ordered with the API's own writes and never block a loop thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "admin_store.h"
#include "api.h"
#include "app.h"
#include "faults.h"
#include "journal.h"
#include "metrics.h"

#define REQUESTS_LIMIT_DEFAULT 100
#define REQUESTS_LIMIT_MAX     10000

static void
reply(struct call *call, int status, cJSON *doc)
{
	if (doc == NULL || call_reply_json(call, status, doc) != ERR_OK)
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
}

static void
reply_status(struct call *call, int status, const char *value)
{
	cJSON *doc = cJSON_CreateObject();

	cJSON_AddStringToObject(doc, "status", value);
	reply(call, status, doc);
}

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Rejects query parameters not in allowed (a NULL-terminated list): a typo
 * such as ?acount= must not silently widen a reset or a query.
 */
static bool
query_only(struct call *call, const char *const *allowed)
{
	char message[160];

	for (size_t i = 0; i < call->req.nquery; i++) {
		bool ok = false;

		for (const char *const *a = allowed; *a != NULL && !ok; a++)
			ok = strcmp(call->req.query[i].key, *a) == 0;
		if (!ok) {
			snprintf(message, sizeof(message), "unknown query parameter '%.64s'",
			         call->req.query[i].key);
			call_reply_error(call, ERR_INVALID_PARAMETER, message, NULL);
			return false;
		}
	}
	return true;
}

void
api_admin_health(struct call *call)
{
	reply_status(call, 200, "ok");
}

void
api_admin_ready(struct call *call)
{
	if (atomic_load(&call->app->ready))
		reply_status(call, 200, "ready");
	else
		reply_status(call, 503, "starting");
}

/* POST /_mock/reset[?account=] */

struct reset_state {
	const char *account; /* borrowed from the call's query, or NULL */
	const char
	    *keys[CONFIG_MAX_CREDENTIALS]; /* the account's access keys (borrowed from cfg) */
	size_t nkeys;
	struct reset_counts counts;
};

static enum err
reset_apply(struct db_conn *conn, struct call *call)
{
	struct reset_state *st = call->state;
	enum err err;

	err = db_reset(conn, st->account, st->keys, st->nkeys, &st->counts);
	if (err != ERR_OK)
		return err;
	/* On the writer thread, so no journal flush or fault countdown interleaves. */
	st->counts.journal += (int64_t)journal_discard(call->app->journal, st->account);
	faults_clear(call->app->faults, st->account);
	return ERR_OK;
}

static void
reset_finish(struct call *call, enum err err)
{
	struct reset_state *st = call->state;
	cJSON *doc, *deleted;

	if (err != ERR_OK) {
		call_reply_error(call, err, NULL, NULL);
		return;
	}
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "status", "ok");
	if (st->account != NULL)
		cJSON_AddStringToObject(doc, "account", st->account);
	else
		cJSON_AddNullToObject(doc, "account");
	deleted = cJSON_AddObjectToObject(doc, "deleted");
	cJSON_AddNumberToObject(deleted, "clusters", (double)st->counts.clusters);
	cJSON_AddNumberToObject(deleted, "tasks", (double)st->counts.tasks);
	cJSON_AddNumberToObject(deleted, "nodes", (double)st->counts.nodes);
	cJSON_AddNumberToObject(deleted, "journal", (double)st->counts.journal);
	cJSON_AddNumberToObject(deleted, "faults", (double)st->counts.faults);
	cJSON_AddNumberToObject(deleted, "nonces", (double)st->counts.nonces);
	cJSON_AddNumberToObject(doc, "duration_ms", (double)(mono_ns() - call->started_ns) / 1e6);
	reply(call, 200, doc);
}

void
api_admin_reset(struct call *call)
{
	static const char *const allowed[] = {"account", NULL};
	const struct config *cfg = call->app->cfg;
	struct reset_state *st;
	const char *account = call_query(call, "account");

	if (!query_only(call, allowed))
		return;
	if (account != NULL && (account[0] == '\0' || strlen(account) > 128)) {
		call_reply_error(call, ERR_INVALID_PARAMETER,
		                 "account: expected 1 to 128 characters", NULL);
		return;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		return;
	}
	st->account = account;
	/* Nonces are kept per access key: those of every key of the account go too. */
	for (size_t i = 0; account != NULL && i < cfg->ncredentials; i++)
		if (strcmp(cfg->credentials[i].account, account) == 0)
			st->keys[st->nkeys++] = cfg->credentials[i].access_key_id;
	call_defer_write(call, reset_apply, reset_finish, st, free);
	/* Deleting children first keeps every reference valid without the per-row checks. */
	call->write_bulk = true;
}

/* GET /_mock/requests?operation=&status=&account=&limit= */

static enum err
requests_apply(struct db_conn *conn, struct call *call)
{
	return journal_flush_apply(conn, call->app->journal);
}

/* "2026-11-26T14:50:28.123Z": journal times are real (wall-clock) times, in UTC. */
static void
format_real(int64_t ms, char out[32])
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char base[24];

	gmtime_r(&secs, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%s.%03dZ", base, (int)(ms % 1000));
}

static cJSON *
journal_entry(const struct journal_rec *r)
{
	cJSON *item = cJSON_CreateObject(), *body, *headers;
	char when[32];

	format_real(r->real_ms, when);
	cJSON_AddNumberToObject(item, "seq", (double)r->seq);
	cJSON_AddStringToObject(item, "time", when);
	cJSON_AddStringToObject(item, "request_id", r->request_id);
	cJSON_AddStringToObject(item, "account", r->account);
	cJSON_AddStringToObject(item, "method", r->method);
	cJSON_AddStringToObject(item, "path", r->path);
	cJSON_AddStringToObject(item, "operation", r->operation);
	cJSON_AddNumberToObject(item, "status", r->status);
	cJSON_AddStringToObject(item, "error_code", r->error_code);
	cJSON_AddNumberToObject(item, "duration_ms", r->duration_ms);
	/* A JSON body is shown as JSON; anything else (or a cut body) as the stored text. */
	if (r->body[0] == '\0')
		body = cJSON_CreateNull();
	else if ((body = cJSON_Parse(r->body)) == NULL)
		body = cJSON_CreateString(r->body);
	cJSON_AddItemToObject(item, "request_body", body);
	headers = cJSON_Parse(r->headers);
	cJSON_AddItemToObject(item, "headers", headers != NULL ? headers : cJSON_CreateObject());
	return item;
}

struct requests_state {
	struct journal_filter filter;
};

/*
 * An answer holds at most about this many bytes of entries: 10,000 entries
 * with 64 KiB bodies would otherwise be a 700 MiB document built in memory.
 * The bodies and headers stored are counted, plus a fixed share for the
 * other fields (escaping can add a little: the budget is approximate).
 */
#define JOURNAL_ANSWER_MAX     (8 * 1024 * 1024)
#define JOURNAL_ENTRY_OVERHEAD 320

static void
requests_finish(struct call *call, enum err err)
{
	struct requests_state *st = call->state;
	struct db_conn *conn;
	struct journal_rec *recs = NULL;
	size_t n = 0, shown = 0, budget = JOURNAL_ANSWER_MAX;
	bool truncated = false;
	cJSON *doc, *list;

	/* A failed flush loses at most the buffered entries; what is stored can still be shown. */
	conn = db_reader_acquire(call->app->db);
	err = db_journal_list(conn, &st->filter, &recs, &n);
	db_reader_release(call->app->db, conn);
	if (err != ERR_OK) {
		call_reply_error(call, err, NULL, NULL);
		return;
	}
	doc = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(doc, "requests");
	for (size_t i = 0; i < n; i++) {
		/* Past the byte budget the answer stops at a whole entry and says so. */
		size_t size = JOURNAL_ENTRY_OVERHEAD + strlen(recs[i].body) + strlen(recs[i].headers) +
			      strlen(recs[i].path);

		if (size > budget) {
			truncated = true;
			for (size_t j = i; j < n; j++)
				journal_rec_clear(&recs[j]);
			break;
		}
		budget -= size;
		cJSON_AddItemToArray(list, journal_entry(&recs[i]));
		journal_rec_clear(&recs[i]);
		shown++;
	}
	free(recs);
	cJSON_AddNumberToObject(doc, "count", (double)shown);
	if (truncated)
		cJSON_AddTrueToObject(doc, "truncated");
	reply(call, 200, doc);
}

/* Parses "404" (exactly) or "4xx" (a class) into a range; false when neither. */
static bool
parse_status(const char *s, int *min, int *max)
{
	if (strlen(s) != 3 || s[0] < '1' || s[0] > '5')
		return false;
	if (strcmp(s + 1, "xx") == 0 || strcmp(s + 1, "XX") == 0) {
		*min = (s[0] - '0') * 100;
		*max = *min + 99;
		return true;
	}
	if (s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9')
		return false;
	*min = *max = atoi(s);
	return true;
}

void
api_admin_requests(struct call *call)
{
	static const char *const allowed[] = {"operation", "status", "account", "limit", NULL};
	struct requests_state *st;
	const char *status = call_query(call, "status"), *limit = call_query(call, "limit");
	char *end;
	long long n = REQUESTS_LIMIT_DEFAULT;

	if (!query_only(call, allowed))
		return;
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		return;
	}
	st->filter.operation = call_query(call, "operation");
	st->filter.account = call_query(call, "account");
	if (status != NULL &&
	    !parse_status(status, &st->filter.status_min, &st->filter.status_max)) {
		call_reply_error(
		    call, ERR_INVALID_PARAMETER,
		    "status: expected an HTTP status such as 400, or a class such as 4xx", NULL);
		free(st);
		return;
	}
	if (limit != NULL) {
		n = strtoll(limit, &end, 10);
		if (end == limit || *end != '\0' || n < 1 || n > REQUESTS_LIMIT_MAX) {
			call_reply_error(call, ERR_INVALID_PARAMETER,
			                 "limit: expected an integer from 1 to 10000", NULL);
			free(st);
			return;
		}
	}
	st->filter.limit = n;
	call_defer_write(call, requests_apply, requests_finish, st, free);
}

/* GET, POST, DELETE /_mock/faults and DELETE /_mock/faults/{id} */

void
api_admin_faults_list(struct call *call)
{
	cJSON *doc = cJSON_CreateObject(), *list = faults_list(call->app->faults);

	if (doc == NULL || list == NULL) {
		cJSON_Delete(doc);
		cJSON_Delete(list);
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		return;
	}
	cJSON_AddItemToObject(doc, "faults", list);
	reply(call, 200, doc);
}

struct fault_state {
	char *json;
	int64_t times;
	int64_t id; /* 0 until stored */
	int64_t deleted;
};

static void
fault_state_free(void *p)
{
	struct fault_state *st = p;

	if (st == NULL)
		return;
	free(st->json);
	free(st);
}

static enum err
fault_add_apply(struct db_conn *conn, struct call *call)
{
	struct fault_state *st = call->state;
	enum err err;

	if ((err = db_fault_insert(conn, st->json, st->times, &st->id)) != ERR_OK)
		return err;
	/* Live at once, in the writer's order: a reset queued after this one clears it. */
	return faults_adopt(call->app->faults, st->id, st->json, st->times, 0);
}

static void
fault_add_finish(struct call *call, enum err err)
{
	struct fault_state *st = call->state;
	cJSON *doc;

	if (err != ERR_OK) {
		/* The batch did not commit: the rule must not stay live without its row. */
		if (st->id != 0)
			faults_remove(call->app->faults, st->id);
		call_reply_error(call, err, NULL, NULL);
		return;
	}
	doc = cJSON_Parse(st->json);
	if (doc != NULL) {
		cJSON_AddNumberToObject(doc, "id", (double)st->id);
		if (st->times < 0)
			cJSON_AddNullToObject(doc, "remaining");
		else
			cJSON_AddNumberToObject(doc, "remaining", (double)st->times);
		cJSON_AddNumberToObject(doc, "fired", 0);
	}
	reply(call, 200, doc);
}

void
api_admin_faults_add(struct call *call)
{
	struct fault_state *st = calloc(1, sizeof(*st));
	char why[256];
	enum err err;

	if (st == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		return;
	}
	err = faults_parse(call->req.body, call->req.body_len, &st->json, &st->times, why,
	                   sizeof(why));
	if (err != ERR_OK) {
		call_reply_error(call, err, err != ERR_INTERNAL ? why : NULL, NULL);
		fault_state_free(st);
		return;
	}
	call_defer_write(call, fault_add_apply, fault_add_finish, st, fault_state_free);
}

static enum err
fault_delete_apply(struct db_conn *conn, struct call *call)
{
	struct fault_state *st = call->state;
	enum err err;

	if ((err = db_fault_delete(conn, st->id, &st->deleted)) != ERR_OK)
		return err;
	if (st->id < 0) {
		faults_clear(call->app->faults, NULL);
		return ERR_OK;
	}
	if (st->deleted == 0)
		return ERR_FAULT_NOT_FOUND;
	faults_remove(call->app->faults, st->id);
	return ERR_OK;
}

static void
fault_delete_finish(struct call *call, enum err err)
{
	struct fault_state *st = call->state;
	cJSON *doc;

	if (err != ERR_OK) {
		call_reply_error(call, err, NULL, NULL);
		return;
	}
	doc = cJSON_CreateObject();
	cJSON_AddNumberToObject(doc, "deleted", (double)st->deleted);
	reply(call, 200, doc);
}

void
api_admin_faults_clear(struct call *call)
{
	struct fault_state *st = calloc(1, sizeof(*st));

	if (st == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		return;
	}
	st->id = -1;
	call_defer_write(call, fault_delete_apply, fault_delete_finish, st, fault_state_free);
}

void
api_admin_faults_delete(struct call *call)
{
	struct fault_state *st;
	const char *id = call->req.params[0];
	char *end;
	long long v = strtoll(id, &end, 10);

	if (end == id || *end != '\0' || v < 1) {
		call_reply_error(call, ERR_FAULT_NOT_FOUND, NULL, NULL);
		return;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		return;
	}
	st->id = v;
	call_defer_write(call, fault_delete_apply, fault_delete_finish, st, fault_state_free);
}

/* GET /_mock/metrics */

#define MAX_STATES 16

struct gauge_set {
	struct metrics_gauge g[MAX_STATES];
	size_t n;
};

static void
add_gauge(void *arg, const char *state, int64_t count)
{
	struct gauge_set *set = arg;

	if (set->n >= MAX_STATES || state == NULL)
		return;
	snprintf(set->g[set->n].state, sizeof(set->g[set->n].state), "%s", state);
	set->g[set->n].count = count;
	set->n++;
}

void
api_admin_metrics(struct call *call)
{
	struct gauge_set clusters = {0}, tasks = {0};
	struct db_conn *conn = db_reader_acquire(call->app->db);
	int64_t now = clock_now(&call->app->clock);
	enum err err;
	char *text;

	err = db_count_states(conn, "clusters", now, add_gauge, &clusters);
	if (err == ERR_OK)
		err = db_count_states(conn, "tasks", now, add_gauge, &tasks);
	db_reader_release(call->app->db, conn);
	if (err != ERR_OK) {
		call_reply_error(call, err, NULL, NULL);
		return;
	}
	struct metrics_extra extra = {
	    .clusters = clusters.g,
	    .nclusters = clusters.n,
	    .tasks = tasks.g,
	    .ntasks = tasks.n,
	    .journal_evictions = journal_evictions(call->app->journal),
	    .faults_fired = faults_fired_total(call->app->faults),
	};
	if ((text = metrics_render(call->app->metrics, &extra)) == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		return;
	}
	call_reply_raw(call, 200, "text/plain; version=0.0.4; charset=utf-8", text, strlen(text));
}

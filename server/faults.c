/* Fault rules: parsing, matching, persistence of their countdown (faults.h). */
#include <fnmatch.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "admin_store.h"
#include "app.h"
#include "faults.h"
#include "lifecycle.h"
#include "jsonbody.h"
#include "router.h"

/*
 * The create stages a task fault can name (lifecycle.md section 3, the
 * create task's table, in order).
 */
/* clang-format off */
static const char *const create_stages[] = {
	"PrepareResources",
	"CreateNetwork",
	"CreateControlPlane",
	"CreateWorkerNodes",
	"InstallAddons",
	"CheckClusterHealth",
};
/* clang-format on */

#define NCREATE_STAGES (sizeof(create_stages) / sizeof(create_stages[0]))

/* The keys a rule may have; anything else is a typo worth reporting. */
static const char *const rule_keys[] = {
    "operation", "match", "times", "probability", "http", "task", "delay_ms",
};

struct fault_rule {
	int64_t id;
	char *operation;   /* NULL: every non-admin operation */
	char *name_glob;   /* NULL: any name */
	char *account;     /* NULL: any account */
	int64_t remaining; /* -1: unlimited */
	int64_t fired;
	double probability;
	struct fault_effect effect;
	char *json; /* the normalised rule, as stored */
	struct fault_rule *next;
};

struct faults {
	struct db *db;
	uint64_t seed;
	uint64_t prng;
	pthread_mutex_t lock;
	struct fault_rule *rules; /* in id order */
	uint64_t fired_total;
};

static void
rule_free(struct fault_rule *r)
{
	if (r == NULL)
		return;
	free(r->operation);
	free(r->name_glob);
	free(r->account);
	free(r->json);
	free(r);
}

/* splitmix64: tiny, fast, and good enough to decide coin flips reproducibly. */
static uint64_t
prng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

struct faults *
faults_new(struct db *db, uint64_t seed)
{
	struct faults *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->db = db;
	f->seed = f->prng = seed;
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

void
faults_free(struct faults *f)
{
	if (f == NULL)
		return;
	for (struct fault_rule *r = f->rules, *next; r != NULL; r = next) {
		next = r->next;
		rule_free(r);
	}
	pthread_mutex_destroy(&f->lock);
	free(f);
}

static bool
known_operation(const char *name)
{
	for (const struct route *r = routes; r->method != NULL; r++)
		if ((r->flags & ROUTE_ADMIN) == 0 && strcmp(r->operation, name) == 0)
			return true;
	return false;
}

static bool
known_stage(const char *name)
{
	for (size_t i = 0; i < NCREATE_STAGES; i++)
		if (strcmp(create_stages[i], name) == 0)
			return true;
	return false;
}

static bool
is_integer(const cJSON *v)
{
	return cJSON_IsNumber(v) && (v->type & JSONBODY_NOT_INTEGRAL) == 0 &&
	       v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 9e15;
}

/* A string of 1..max bytes; printable ASCII without spaces when code is set (codes reach logs). */
static bool
check_string(const cJSON *v, size_t max, bool code)
{
	size_t len;

	if (!cJSON_IsString(v) || (len = strlen(v->valuestring)) == 0 || len > max)
		return false;
	if (code)
		for (const char *p = v->valuestring; *p != '\0'; p++)
			if (*p <= 0x20 || *p >= 0x7f)
				return false;
	return jsonbody_utf8_valid(v->valuestring, len);
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(why, whylen, __VA_ARGS__);                                                \
		err = ERR_INVALID_PARAMETER;                                                       \
		goto done;                                                                         \
	} while (0)

/*
 * Parses and checks doc; on success fills r (its strings and effect) and
 * *norm with the normalised rule.
 */
static enum err
rule_from_json(const cJSON *doc, struct fault_rule *r, cJSON **norm, char *why, size_t whylen)
{
	const cJSON *op, *match, *times, *prob, *http, *task, *delay, *v;
	cJSON *out = cJSON_CreateObject(), *m = NULL, *e;
	enum err err = ERR_INTERNAL;
	int effects;

	if (out == NULL)
		goto done;
	for (const cJSON *k = doc->child; k != NULL; k = k->next) {
		bool known = false;

		for (size_t i = 0; i < sizeof(rule_keys) / sizeof(rule_keys[0]); i++)
			known = known || strcmp(k->string, rule_keys[i]) == 0;
		if (!known)
			FAIL("unknown key '%.64s' (expected operation, match, times, probability "
			     "and one of http, task, delay_ms)",
			     k->string);
	}
	op = cJSON_GetObjectItemCaseSensitive(doc, "operation");
	match = cJSON_GetObjectItemCaseSensitive(doc, "match");
	times = cJSON_GetObjectItemCaseSensitive(doc, "times");
	prob = cJSON_GetObjectItemCaseSensitive(doc, "probability");
	http = cJSON_GetObjectItemCaseSensitive(doc, "http");
	task = cJSON_GetObjectItemCaseSensitive(doc, "task");
	delay = cJSON_GetObjectItemCaseSensitive(doc, "delay_ms");
	effects = (http != NULL) + (task != NULL) + (delay != NULL);
	if (effects != 1)
		FAIL("a rule needs exactly one effect: http, task or delay_ms");

	if (op != NULL) {
		if (!cJSON_IsString(op) || !known_operation(op->valuestring))
			FAIL("operation: not an emulated operation (e.g. CreateCluster)");
		r->operation = strdup(op->valuestring);
	} else if (task != NULL) {
		r->operation = strdup("CreateCluster");
	}
	if (task != NULL && strcmp(r->operation != NULL ? r->operation : "", "CreateCluster") != 0)
		FAIL("task: only a CreateCluster rule can fail a task");
	if (r->operation != NULL)
		cJSON_AddStringToObject(out, "operation", r->operation);

	if (match != NULL) {
		if (!cJSON_IsObject(match))
			FAIL("match: expected an object with name and/or account");
		m = cJSON_AddObjectToObject(out, "match");
		for (const cJSON *k = match->child; k != NULL; k = k->next)
			if (strcmp(k->string, "name") != 0 && strcmp(k->string, "account") != 0)
				FAIL("match: unknown key '%.64s' (expected name, account)",
				     k->string);
		if ((v = cJSON_GetObjectItemCaseSensitive(match, "name")) != NULL) {
			if (!check_string(v, 256, false))
				FAIL("match.name: expected a glob of 1 to 256 bytes");
			r->name_glob = strdup(v->valuestring);
			cJSON_AddStringToObject(m, "name", v->valuestring);
		}
		if ((v = cJSON_GetObjectItemCaseSensitive(match, "account")) != NULL) {
			if (!check_string(v, 128, false))
				FAIL("match.account: expected a string of 1 to 128 bytes");
			r->account = strdup(v->valuestring);
			cJSON_AddStringToObject(m, "account", v->valuestring);
		}
	}

	r->remaining = -1;
	if (times != NULL) {
		if (!is_integer(times) || times->valuedouble < 1 || times->valuedouble > 1e9)
			FAIL("times: expected an integer from 1 to 1000000000");
		r->remaining = (int64_t)times->valuedouble;
		cJSON_AddNumberToObject(out, "times", (double)r->remaining);
	}
	r->probability = 1;
	if (prob != NULL) {
		if (!cJSON_IsNumber(prob) || !(prob->valuedouble >= 0 && prob->valuedouble <= 1))
			FAIL("probability: expected a number from 0 to 1");
		r->probability = prob->valuedouble;
	}
	cJSON_AddNumberToObject(out, "probability", r->probability);

	if (http != NULL) {
		const cJSON *status = cJSON_GetObjectItemCaseSensitive(http, "status");
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(http, "code");
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(http, "message");

		if (!cJSON_IsObject(http))
			FAIL("http: expected an object {status, code, message}");
		if (!is_integer(status) || status->valuedouble < 400 || status->valuedouble > 599)
			FAIL("http.status: expected an integer from 400 to 599");
		if (!check_string(code, sizeof(r->effect.code) - 1, true))
			FAIL("http.code: expected a code of 1 to 63 printable characters without "
			     "spaces");
		if (msg != NULL && !check_string(msg, sizeof(r->effect.message) - 1, false))
			FAIL("http.message: expected a string of 1 to 255 bytes");
		r->effect.kind = FAULT_HTTP;
		r->effect.status = (int)status->valuedouble;
		snprintf(r->effect.code, sizeof(r->effect.code), "%s", code->valuestring);
		snprintf(r->effect.message, sizeof(r->effect.message), "%s",
		         msg != NULL ? msg->valuestring : "injected fault");
		e = cJSON_AddObjectToObject(out, "http");
		cJSON_AddNumberToObject(e, "status", r->effect.status);
		cJSON_AddStringToObject(e, "code", r->effect.code);
		cJSON_AddStringToObject(e, "message", r->effect.message);
	} else if (task != NULL) {
		const cJSON *stage = cJSON_GetObjectItemCaseSensitive(task, "fail_at_stage");
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(task, "code");
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(task, "message");

		if (!cJSON_IsObject(task))
			FAIL("task: expected an object {fail_at_stage, code, message}");
		if (!cJSON_IsString(stage) || !known_stage(stage->valuestring))
			FAIL("task.fail_at_stage: expected one of PrepareResources, CreateNetwork, "
			     "CreateControlPlane, CreateWorkerNodes, InstallAddons, "
			     "CheckClusterHealth");
		if (code != NULL && !check_string(code, sizeof(r->effect.code) - 1, true))
			FAIL("task.code: expected a code of 1 to 63 printable characters without "
			     "spaces");
		if (msg != NULL && !check_string(msg, sizeof(r->effect.message) - 1, false))
			FAIL("task.message: expected a string of 1 to 255 bytes");
		r->effect.kind = FAULT_TASK;
		snprintf(r->effect.stage, sizeof(r->effect.stage), "%s", stage->valuestring);
		snprintf(r->effect.code, sizeof(r->effect.code), "%s",
		         code != NULL ? code->valuestring : "InjectedFault");
		snprintf(r->effect.message, sizeof(r->effect.message), "%s",
		         msg != NULL ? msg->valuestring : "injected fault");
		e = cJSON_AddObjectToObject(out, "task");
		cJSON_AddStringToObject(e, "fail_at_stage", r->effect.stage);
		cJSON_AddStringToObject(e, "code", r->effect.code);
		cJSON_AddStringToObject(e, "message", r->effect.message);
	} else {
		if (!is_integer(delay) || delay->valuedouble < 0 ||
		    delay->valuedouble > FAULT_DELAY_MAX_MS)
			FAIL("delay_ms: expected an integer from 0 to %d", FAULT_DELAY_MAX_MS);
		r->effect.kind = FAULT_DELAY;
		r->effect.delay_ms = (int)delay->valuedouble;
		cJSON_AddNumberToObject(out, "delay_ms", r->effect.delay_ms);
	}
	if (op != NULL && r->operation == NULL)
		goto done; /* out of memory */
	*norm = out;
	out = NULL;
	err = ERR_OK;
done:
	cJSON_Delete(out);
	return err;
}

#undef FAIL

enum err
faults_parse(const char *body, size_t len, char **json, int64_t *times, char *why, size_t whylen)
{
	struct fault_rule *r = calloc(1, sizeof(*r));
	cJSON *doc, *norm = NULL;
	enum err err = ERR_INTERNAL;

	if (r == NULL)
		return ERR_INTERNAL;
	doc = jsonbody_parse(body, len, why, whylen);
	if (doc == NULL) {
		err = ERR_INVALID_BODY;
		goto done;
	}
	if ((err = rule_from_json(doc, r, &norm, why, whylen)) != ERR_OK)
		goto done;
	err = ERR_INTERNAL;
	if ((*json = cJSON_PrintUnformatted(norm)) == NULL)
		goto done;
	*times = r->remaining;
	err = ERR_OK;
done:
	cJSON_Delete(norm);
	cJSON_Delete(doc);
	rule_free(r);
	return err;
}

enum err
faults_adopt(struct faults *f, int64_t id, const char *json, int64_t remaining, int64_t fired)
{
	struct fault_rule *r = calloc(1, sizeof(*r)), **tail;
	cJSON *doc = NULL, *norm = NULL;
	char why[256];
	enum err err = ERR_INTERNAL;

	if (r == NULL)
		return ERR_INTERNAL;
	doc = jsonbody_parse(json, strlen(json), why, sizeof(why));
	if (doc == NULL || rule_from_json(doc, r, &norm, why, sizeof(why)) != ERR_OK) {
		fprintf(stderr, "ackmock: faults: stored rule %lld does not parse; ignored\n",
		        (long long)id);
		goto done;
	}
	if ((r->json = strdup(json)) == NULL)
		goto done;
	r->id = id;
	r->effect.rule_id = id;
	r->remaining = remaining;
	r->fired = fired;
	pthread_mutex_lock(&f->lock);
	for (tail = &f->rules; *tail != NULL && (*tail)->id < id; tail = &(*tail)->next)
		;
	r->next = *tail;
	*tail = r;
	pthread_mutex_unlock(&f->lock);
	r = NULL;
	err = ERR_OK;
done:
	cJSON_Delete(norm);
	cJSON_Delete(doc);
	rule_free(r);
	return err;
}

static enum err
load_one(void *arg, int64_t id, const char *rule, int64_t remaining, int64_t fired)
{
	/* A rule that no longer parses is skipped, not fatal: the rest still load. */
	faults_adopt(arg, id, rule != NULL ? rule : "", remaining, fired);
	return ERR_OK;
}

enum err
faults_load_apply(struct db_conn *conn, void *arg)
{
	return db_fault_each(conn, load_one, arg);
}

bool
faults_remove(struct faults *f, int64_t id)
{
	struct fault_rule *gone = NULL;

	pthread_mutex_lock(&f->lock);
	for (struct fault_rule **p = &f->rules; *p != NULL; p = &(*p)->next) {
		if ((*p)->id == id) {
			gone = *p;
			*p = gone->next;
			break;
		}
	}
	pthread_mutex_unlock(&f->lock);
	rule_free(gone);
	return gone != NULL;
}

void
faults_clear(struct faults *f, const char *account)
{
	struct fault_rule *gone = NULL;

	pthread_mutex_lock(&f->lock);
	for (struct fault_rule **p = &f->rules; *p != NULL;) {
		struct fault_rule *r = *p;

		if (account == NULL || (r->account != NULL && strcmp(r->account, account) == 0)) {
			*p = r->next;
			r->next = gone;
			gone = r;
		} else {
			p = &r->next;
		}
	}
	/* A clean slate repeats from the start: the same requests draw the same numbers again. */
	if (account == NULL)
		f->prng = f->seed;
	pthread_mutex_unlock(&f->lock);
	for (struct fault_rule *next; gone != NULL; gone = next) {
		next = gone->next;
		rule_free(gone);
	}
}

cJSON *
faults_list(struct faults *f)
{
	cJSON *list = cJSON_CreateArray();

	if (list == NULL)
		return NULL;
	pthread_mutex_lock(&f->lock);
	for (const struct fault_rule *r = f->rules; r != NULL; r = r->next) {
		cJSON *item = cJSON_Parse(r->json);

		if (item == NULL)
			continue;
		cJSON_AddNumberToObject(item, "id", (double)r->id);
		if (r->remaining < 0)
			cJSON_AddNullToObject(item, "remaining");
		else
			cJSON_AddNumberToObject(item, "remaining", (double)r->remaining);
		cJSON_AddNumberToObject(item, "fired", (double)r->fired);
		cJSON_AddItemToArray(list, item);
	}
	pthread_mutex_unlock(&f->lock);
	return list;
}

uint64_t
faults_fired_total(struct faults *f)
{
	uint64_t n;

	if (f == NULL)
		return 0;
	pthread_mutex_lock(&f->lock);
	n = f->fired_total;
	pthread_mutex_unlock(&f->lock);
	return n;
}

/* A fired rule's new countdown, written by the writer whenever it gets to it. */
struct persist_job {
	struct db_job job;
	int64_t id, remaining, fired;
};

static enum err
persist_apply(struct db_conn *conn, void *arg)
{
	struct persist_job *p = arg;

	return db_fault_update(conn, p->id, p->remaining, p->fired);
}

static void
persist_done(struct db_job *job)
{
	free(job->arg);
}

/* The "name" of a JSON body, copied into out; "" when there is none. */
static void
body_name(const struct call *call, char *out, size_t outlen)
{
	cJSON *doc =
	    cJSON_ParseWithLength(call->req.body != NULL ? call->req.body : "", call->req.body_len);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(doc, "name");

	snprintf(out, outlen, "%s", cJSON_IsString(name) ? name->valuestring : "");
	cJSON_Delete(doc);
}

bool
faults_match(struct faults *f, const struct call *call, const char *name, unsigned kinds,
             struct fault_effect *out)
{
	struct persist_job *p = NULL;
	char name_buf[256];
	bool fired = false;

	if (f == NULL)
		return false;
	pthread_mutex_lock(&f->lock);
	for (struct fault_rule *r = f->rules; r != NULL; r = r->next) {
		if ((r->effect.kind & kinds) == 0 || r->remaining == 0)
			continue;
		if (r->operation != NULL && strcmp(r->operation, call->operation) != 0)
			continue;
		if (r->account != NULL &&
		    (call->account == NULL || strcmp(r->account, call->account) != 0))
			continue;
		if (r->name_glob != NULL) {
			if (name == NULL) {
				body_name(call, name_buf, sizeof(name_buf));
				name = name_buf;
			}
			if (name[0] == '\0' || fnmatch(r->name_glob, name, 0) != 0)
				continue;
		}
		/* Draw only for a rule that matched, so the sequence depends on the requests alone.
		 */
		if (r->probability < 1 &&
		    (double)(prng_next(&f->prng) >> 11) * 0x1.0p-53 >= r->probability)
			continue;
		if (r->remaining > 0)
			r->remaining--;
		r->fired++;
		f->fired_total++;
		*out = r->effect;
		/*
		 * Queued under the lock, so the writer sees the countdowns of one
		 * rule in the order they happened and the last one stored wins.
		 */
		if ((p = calloc(1, sizeof(*p))) != NULL) {
			p->id = r->id;
			p->remaining = r->remaining;
			p->fired = r->fired;
			p->job.apply = persist_apply;
			p->job.done = persist_done;
			p->job.arg = p;
			db_write_submit(f->db, &p->job);
		}
		fired = true;
		break;
	}
	pthread_mutex_unlock(&f->lock);
	return fired;
}

bool
faults_intercept(struct call *call, const struct route *route)
{
	struct fault_effect e;

	if ((route->flags & ROUTE_ADMIN) != 0 ||
	    !faults_match(call->app->faults, call, NULL, FAULT_HTTP | FAULT_DELAY, &e))
		return false;
	if (e.kind == FAULT_DELAY) {
		call->delay_ms = e.delay_ms;
		return false;
	}
	call_reply_error_as(call, e.status, e.code, e.message,
	                    strncmp(e.code, "Throttling", 10) == 0);
	return true;
}

bool
faults_task_fault(struct faults *f, const struct call *call, const char *name,
    struct lifecycle_fault *out)
{
	struct fault_effect e;

	if (!faults_match(f, call, name != NULL ? name : "", FAULT_TASK, &e))
		return false;
	snprintf(out->stage, sizeof(out->stage), "%s", e.stage);
	snprintf(out->code, sizeof(out->code), "%s", e.code);
	snprintf(out->message, sizeof(out->message), "%s", e.message);
	return true;
}

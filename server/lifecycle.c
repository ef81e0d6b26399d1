/*
 * The stage table and the pure computation of where a task stands at a
 * virtual instant (lifecycle.h says why it is computed, not advanced).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonw.h"
#include "cidr.h"
#include "lifecycle.h"

const char *const lifecycle_cluster_states[CLUSTER__COUNT] = {
	[CLUSTER_INITIAL] = "initial",
	[CLUSTER_RUNNING] = "running",
	[CLUSTER_FAILED] = "failed",
	[CLUSTER_DELETING] = "deleting",
	[CLUSTER_DELETED] = "deleted",
};

const char *const lifecycle_task_states[TASK__COUNT] = {
	[TASK_RUNNING] = "running",
	[TASK_SUCCESS] = "success",
	[TASK_FAILED] = "failed",
};

const char *const lifecycle_task_types[TASK_TYPE__COUNT] = {
	[TASK_CREATE] = "cluster_create",
	[TASK_DELETE] = "cluster_delete",
	[TASK_MODIFY] = "cluster_modify",
};

/*
 * The stages of lifecycle.md section 3, in the order a task runs them.
 * Rollback belongs to no plan: it follows a failure when the plan says so.
 */
/* clang-format off */
static const struct stage_def stage_tbl[STAGE__COUNT] = {
	/* stage				   name			     task	  base	per node	message when done */
	[STAGE_PREPARE_RESOURCES]	= { "PrepareResources",	     TASK_CREATE, 10,	0,	"PrepareResources done" },
	[STAGE_CREATE_NETWORK]		= { "CreateNetwork",	     TASK_CREATE, 30,	0,	"CreateNetwork done" },
	[STAGE_CREATE_CONTROL_PLANE]	= { "CreateControlPlane",    TASK_CREATE, 120,	0,	"CreateControlPlane done" },
	[STAGE_CREATE_WORKER_NODES]	= { "CreateWorkerNodes",     TASK_CREATE, 180,	10,	"CreateWorkerNodes done" },
	[STAGE_INSTALL_ADDONS]		= { "InstallAddons",	     TASK_CREATE, 60,	0,	"InstallAddons done" },
	[STAGE_CHECK_CLUSTER_HEALTH]	= { "CheckClusterHealth",    TASK_CREATE, 15,	0,	"CheckClusterHealth done" },
	[STAGE_ROLLBACK]		= { "Rollback",		     TASK_CREATE, 30,	0,	"Rollback done: resources released" },
	[STAGE_DELETE_WORKER_NODES]	= { "DeleteWorkerNodes",     TASK_DELETE, 30,	5,	"DeleteWorkerNodes done" },
	[STAGE_DELETE_CONTROL_PLANE]	= { "DeleteControlPlane",    TASK_DELETE, 30,	0,	"DeleteControlPlane done" },
	[STAGE_DELETE_NETWORK]		= { "DeleteNetwork",	     TASK_DELETE, 20,	0,	"DeleteNetwork done" },
	[STAGE_MODIFY_CLUSTER]		= { "ModifyCluster",	     TASK_MODIFY, 0,	0,	"ModifyCluster done" },
};
/* clang-format on */

const struct stage_def *
lifecycle_stage(enum stage s)
{
	return &stage_tbl[(unsigned)s < STAGE__COUNT ? s : STAGE_PREPARE_RESOURCES];
}

enum stage
lifecycle_stage_find(const char *name)
{
	for (int i = 0; i < STAGE__COUNT; i++)
		if (strcmp(stage_tbl[i].name, name) == 0)
			return (enum stage)i;
	return STAGE__COUNT;
}

enum cluster_state
lifecycle_cluster_state_find(const char *name)
{
	for (int i = 0; i < CLUSTER__COUNT; i++)
		if (strcmp(lifecycle_cluster_states[i], name) == 0)
			return (enum cluster_state)i;
	return CLUSTER__COUNT;
}

enum task_state
lifecycle_task_state_find(const char *name)
{
	for (int i = 0; i < TASK__COUNT; i++)
		if (strcmp(lifecycle_task_states[i], name) == 0)
			return (enum task_state)i;
	return TASK__COUNT;
}

static int64_t
stage_ms(enum stage s, int nodes, bool instant)
{
	const struct stage_def *d = lifecycle_stage(s);

	return instant ? 0 : (d->base_s + d->per_node_s * nodes) * 1000;
}

static void
plan_add(struct lifecycle_plan *p, enum stage s, bool instant)
{
	if (p->nstages < LIFECYCLE_MAX_STAGES) {
		p->stages[p->nstages].stage = s;
		p->stages[p->nstages].ms = stage_ms(s, p->nodes, instant);
		p->nstages++;
	}
}

/* Checks that the fault names a stage of p, and attaches it. */
static bool
plan_fault(struct lifecycle_plan *p, const struct lifecycle_fault *fault)
{
	enum stage s;

	if (fault == NULL)
		return true;
	s = lifecycle_stage_find(fault->stage);
	for (size_t i = 0; i < p->nstages; i++) {
		if (p->stages[i].stage == s) {
			p->has_fault = true;
			p->fault = *fault;
			if (p->fault.code[0] == '\0')
				snprintf(p->fault.code, sizeof(p->fault.code), "ErrorTaskFailed");
			if (p->fault.message[0] == '\0')
				snprintf(p->fault.message, sizeof(p->fault.message),
				    "stage %s failed", fault->stage);
			return true;
		}
	}
	return false;
}

/* A long of the resolved spec: a JSON number or a string of digits (create-cluster.md section 1). */
static long
spec_long(const cJSON *v, long fallback)
{
	if (cJSON_IsNumber(v))
		return v->valuedouble >= -1e9 && v->valuedouble <= 1e9 ? (long)v->valuedouble
									: fallback;
	if (cJSON_IsString(v) && v->valuestring[0] != '\0') {
		char *end;
		long n = strtol(v->valuestring, &end, 10);

		if (*end == '\0')
			return n;
	}
	return fallback;
}

/* The first member named key, as cJSON_GetObjectItemCaseSensitive finds it. */
static void
spec_take(const cJSON *c, const char *key, const cJSON **slot)
{
	if (*slot == NULL && strcmp(c->string, key) == 0)
		*slot = c;
}

bool
lifecycle_plan_create(const cJSON *spec, bool instant, const struct lifecycle_fault *fault,
    struct lifecycle_plan *out)
{
	struct lifecycle_plan p = {.type = TASK_CREATE};
	const cJSON *addons = NULL, *nodes_v = NULL, *timeout_v = NULL, *no_rollback = NULL;
	const cJSON *a;
	long nodes, timeout;

	/* One pass over the spec's forty members, not a search for each of four. */
	for (const cJSON *c = spec != NULL ? spec->child : NULL; c != NULL; c = c->next) {
		if (c->string == NULL)
			break;
		switch (c->string[0]) {
		case 'a':
			spec_take(c, "addons", &addons);
			break;
		case 'n':
			spec_take(c, "num_of_nodes", &nodes_v);
			break;
		case 't':
			spec_take(c, "timeout_mins", &timeout_v);
			break;
		case 'd':
			spec_take(c, "disable_rollback", &no_rollback);
			break;
		default:
			break;
		}
	}
	nodes = spec_long(nodes_v, 0);
	timeout = spec_long(timeout_v, 60);
	p.nodes = nodes < 0 ? 0 : nodes > 1000 ? 1000 : (int)nodes;
	p.timeout_mins = timeout <= 0 ? 60 : timeout > 1000000 ? 1000000 : (int)timeout;
	p.rollback = !cJSON_IsTrue(no_rollback);
	p.rollback_ms = stage_ms(STAGE_ROLLBACK, 0, instant);
	plan_add(&p, STAGE_PREPARE_RESOURCES, instant);
	plan_add(&p, STAGE_CREATE_NETWORK, instant);
	plan_add(&p, STAGE_CREATE_CONTROL_PLANE, instant);
	if (p.nodes > 0)
		plan_add(&p, STAGE_CREATE_WORKER_NODES, instant);
	plan_add(&p, STAGE_INSTALL_ADDONS, instant);
	plan_add(&p, STAGE_CHECK_CLUSTER_HEALTH, instant);
	if (!cJSON_IsArray(addons))
		addons = NULL;
	cJSON_ArrayForEach(a, addons)
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(a, "name");
		size_t n;

		if (!cJSON_IsString(name) || p.naddons == LIFECYCLE_MAX_ADDONS ||
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "disabled")))
			continue;
		/* Cut as snprintf would cut it. */
		n = strnlen(name->valuestring, sizeof(p.addons[0]) - 1);
		memcpy(p.addons[p.naddons], name->valuestring, n);
		p.addons[p.naddons++][n] = '\0';
	}
	if (!plan_fault(&p, fault))
		return false;
	*out = p;
	return true;
}

bool
lifecycle_plan_delete(int nodes, bool keep_network, bool instant,
    const struct lifecycle_fault *fault, struct lifecycle_plan *out)
{
	struct lifecycle_plan p = {.type = TASK_DELETE, .nodes = nodes < 0 ? 0 : nodes};

	plan_add(&p, STAGE_DELETE_WORKER_NODES, instant);
	plan_add(&p, STAGE_DELETE_CONTROL_PLANE, instant);
	if (!keep_network)
		plan_add(&p, STAGE_DELETE_NETWORK, instant);
	if (!plan_fault(&p, fault))
		return false;
	*out = p;
	return true;
}

void
lifecycle_plan_modify(struct lifecycle_plan *out)
{
	*out = (struct lifecycle_plan){.type = TASK_MODIFY};
	plan_add(out, STAGE_MODIFY_CLUSTER, true);
}

/*
 * Written straight with jsonw (cJSON-identical text), the names and
 * punctuation in one piece each: a cJSON tree printed cost ~45,000
 * instructions per create, and jsonw member by member ~9,000.
 */
char *
lifecycle_plan_json(const struct lifecycle_plan *p)
{
	struct jsonw w;

	jsonw_init(&w);
	JSONW_RAW(&w, "{\"type\":");
	jsonw_quoted(&w, lifecycle_task_types[p->type]);
	JSONW_RAW(&w, ",\"nodes\":");
	jsonw_integer(&w, p->nodes);
	JSONW_RAW(&w, ",\"stages\":[");
	for (size_t i = 0; i < p->nstages; i++) {
		if (i != 0)
			JSONW_RAW(&w, ",");
		JSONW_RAW(&w, "{\"name\":");
		jsonw_quoted(&w, lifecycle_stage(p->stages[i].stage)->name);
		JSONW_RAW(&w, ",\"ms\":");
		jsonw_integer(&w, p->stages[i].ms);
		JSONW_RAW(&w, "}");
	}
	JSONW_RAW(&w, "],\"timeout_mins\":");
	jsonw_integer(&w, p->timeout_mins);
	if (p->rollback)
		JSONW_RAW(&w, ",\"rollback\":true,\"rollback_ms\":");
	else
		JSONW_RAW(&w, ",\"rollback\":false,\"rollback_ms\":");
	jsonw_integer(&w, p->rollback_ms);
	if (p->has_fault) {
		JSONW_RAW(&w, ",\"fault\":{\"fail_at_stage\":");
		jsonw_quoted(&w, p->fault.stage);
		JSONW_RAW(&w, ",\"code\":");
		jsonw_quoted(&w, p->fault.code);
		JSONW_RAW(&w, ",\"message\":");
		jsonw_quoted(&w, p->fault.message);
		JSONW_RAW(&w, "}");
	}
	JSONW_RAW(&w, ",\"addons\":[");
	for (size_t i = 0; i < p->naddons; i++) {
		if (i != 0)
			JSONW_RAW(&w, ",");
		jsonw_quoted(&w, p->addons[i]);
	}
	JSONW_RAW(&w, "]}");
	return jsonw_finish(&w, NULL);
}

static bool
copy_string(const cJSON *obj, const char *key, char *out, size_t len)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsString(v))
		return false;
	snprintf(out, len, "%s", v->valuestring);
	return true;
}

/* A number member of a plan within [0, 1e13] (virtual ms fit), or 0. */
static double
plan_number(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > 1e13)
		return 0;
	return v->valuedouble;
}

/*
 * The fast reading of a plan exactly as lifecycle_plan_json prints it
 * without a fault: DescribeTaskInfo reads the plan on every call, and
 * cJSON_Parse of its ~350 bytes cost ~28,000 instructions, most of the
 * request. Anything else (a fault, an escape, a number not in plain digits,
 * another key order) returns false, and lifecycle_plan_parse reads it with
 * cJSON as before, so both readings agree on what they both accept.
 */
static bool
scan_lit(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

/* Plain digits, at most 13 (below 1e13, the bound of plan_number). */
static bool
scan_num(const char **p, int64_t *out)
{
	int64_t v = 0;
	int n = 0;

	while (**p >= '0' && **p <= '9' && n < 14) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (n == 0 || n > 13 || (n > 1 && (*p)[-n] == '0'))
		return false;
	*out = v;
	return true;
}

/* A string without escapes, truncated into out (len bytes) as snprintf would. */
static bool
scan_str(const char **p, char *out, size_t len)
{
	const char *s = *p, *e;
	size_t n;

	if (*s++ != '"')
		return false;
	for (e = s; *e != '"'; e++)
		if (*e == '\\' || *e == '\0')
			return false;
	n = (size_t)(e - s) < len ? (size_t)(e - s) : len - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	*p = e + 1;
	return true;
}

static bool
plan_scan(const char *json, struct lifecycle_plan *out)
{
	struct lifecycle_plan p = {0};
	const char *c = json;
	char name[64];
	int64_t v;

	if (!scan_lit(&c, "{\"type\":") || !scan_str(&c, name, sizeof(name)))
		return false;
	for (p.type = 0; p.type < TASK_TYPE__COUNT; p.type++)
		if (strcmp(lifecycle_task_types[p.type], name) == 0)
			break;
	if (p.type == TASK_TYPE__COUNT || !scan_lit(&c, ",\"nodes\":") || !scan_num(&c, &v) ||
	    !scan_lit(&c, ",\"stages\":["))
		return false;
	p.nodes = (int)(v > 100000 ? 100000 : v);
	while (*c != ']') {
		if (p.nstages == LIFECYCLE_MAX_STAGES || (p.nstages > 0 && !scan_lit(&c, ",")) ||
		    !scan_lit(&c, "{\"name\":") || !scan_str(&c, name, sizeof(name)) ||
		    !scan_lit(&c, ",\"ms\":") || !scan_num(&c, &v) || !scan_lit(&c, "}"))
			return false;
		p.stages[p.nstages].stage = lifecycle_stage_find(name);
		p.stages[p.nstages].ms = v;
		if (p.stages[p.nstages].stage == STAGE__COUNT)
			return false;
		p.nstages++;
	}
	if (!scan_lit(&c, "],\"timeout_mins\":") || !scan_num(&c, &v))
		return false;
	p.timeout_mins = (int)(v > 1000000 ? 1000000 : v);
	if (scan_lit(&c, ",\"rollback\":true"))
		p.rollback = true;
	else if (!scan_lit(&c, ",\"rollback\":false"))
		return false;
	if (!scan_lit(&c, ",\"rollback_ms\":") || !scan_num(&c, &p.rollback_ms) ||
	    !scan_lit(&c, ",\"addons\":["))
		return false;
	while (*c != ']') {
		if (p.naddons == LIFECYCLE_MAX_ADDONS || (p.naddons > 0 && !scan_lit(&c, ",")) ||
		    !scan_str(&c, p.addons[p.naddons], sizeof(p.addons[0])))
			return false;
		p.naddons++;
	}
	if (strcmp(c, "]}") != 0)
		return false;
	*out = p;
	return true;
}

static bool
plan_read(const char *json, struct lifecycle_plan *out)
{
	struct lifecycle_plan p = {0};
	cJSON *doc;
	const cJSON *type, *stages, *s, *fault, *addons;
	bool ok = false;

	if (plan_scan(json, out))
		return true;
	if ((doc = cJSON_Parse(json)) == NULL)
		return false;
	type = cJSON_GetObjectItemCaseSensitive(doc, "type");
	if (!cJSON_IsString(type))
		goto done;
	for (p.type = 0; p.type < TASK_TYPE__COUNT; p.type++)
		if (strcmp(lifecycle_task_types[p.type], type->valuestring) == 0)
			break;
	if (p.type == TASK_TYPE__COUNT)
		goto done;
	p.nodes = (int)(plan_number(doc, "nodes") > 100000 ? 100000 : plan_number(doc, "nodes"));
	stages = cJSON_GetObjectItemCaseSensitive(doc, "stages");
	cJSON_ArrayForEach(s, stages)
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(s, "name");
		const cJSON *ms = cJSON_GetObjectItemCaseSensitive(s, "ms");

		if (!cJSON_IsString(name) || !cJSON_IsNumber(ms) || !(ms->valuedouble >= 0) ||
		    ms->valuedouble > 1e13 || p.nstages == LIFECYCLE_MAX_STAGES)
			goto done;
		p.stages[p.nstages].stage = lifecycle_stage_find(name->valuestring);
		p.stages[p.nstages].ms = (int64_t)ms->valuedouble;
		if (p.stages[p.nstages].stage == STAGE__COUNT)
			goto done;
		p.nstages++;
	}
	p.timeout_mins = (int)(plan_number(doc, "timeout_mins") > 1e6 ? 1e6
								     : plan_number(doc, "timeout_mins"));
	p.rollback = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "rollback"));
	p.rollback_ms = (int64_t)plan_number(doc, "rollback_ms");
	fault = cJSON_GetObjectItemCaseSensitive(doc, "fault");
	if (fault != NULL) {
		p.has_fault = copy_string(fault, "fail_at_stage", p.fault.stage,
				  sizeof(p.fault.stage)) &&
			      copy_string(fault, "code", p.fault.code, sizeof(p.fault.code)) &&
			      copy_string(fault, "message", p.fault.message,
				  sizeof(p.fault.message));
		if (!p.has_fault)
			goto done;
	}
	addons = cJSON_GetObjectItemCaseSensitive(doc, "addons");
	cJSON_ArrayForEach(s, addons)
	{
		if (cJSON_IsString(s) && p.naddons < LIFECYCLE_MAX_ADDONS)
			snprintf(p.addons[p.naddons++], sizeof(p.addons[0]), "%s", s->valuestring);
	}
	*out = p;
	ok = true;
done:
	cJSON_Delete(doc);
	return ok;
}

/*
 * The last plan this thread read, by its text. A client polls
 * DescribeTaskInfo for one task until it ends, and reading the same plan
 * again cost ~5,000 instructions a call. The plan is a function of the text
 * alone, so the memo cannot go stale; it is per thread, so it needs no lock.
 */
static _Thread_local struct {
	size_t len;			/* 0: nothing kept */
	char text[1024];
	struct lifecycle_plan plan;
} last_plan;

bool
lifecycle_plan_parse(const char *json, struct lifecycle_plan *out)
{
	size_t n = strlen(json);

	if (n != 0 && n == last_plan.len && memcmp(json, last_plan.text, n) == 0) {
		*out = last_plan.plan;
		return true;
	}
	if (!plan_read(json, out))
		return false;
	if (n < sizeof(last_plan.text)) {
		memcpy(last_plan.text, json, n);
		last_plan.len = n;
		last_plan.plan = *out;
	}
	return true;
}

void
lifecycle_timeline(const struct lifecycle_plan *p, int64_t created_ms,
    struct lifecycle_timeline *out)
{
	struct lifecycle_timeline tl = {
	    .type = p->type,
	    .created_ms = created_ms,
	    .outcome = TASK_SUCCESS,
	    .nodes_from_ms = LIFECYCLE_NEVER,
	    .nodes_until_ms = LIFECYCLE_NEVER,
	    .lb_from_ms = LIFECYCLE_NEVER,
	    .lb_until_ms = LIFECYCLE_NEVER,
	};
	int64_t t = created_ms;
	int64_t timeout_at = p->type == TASK_CREATE && p->timeout_mins > 0
				 ? created_ms + (int64_t)p->timeout_mins * 60000
				 : LIFECYCLE_NEVER;

	for (size_t i = 0; i < p->nstages; i++) {
		struct lifecycle_span *sp = &tl.spans[tl.nspans++];
		enum stage s = p->stages[i].stage;

		sp->stage = s;
		sp->start_ms = t;
		sp->end_ms = t + p->stages[i].ms;
		/* The timeout fails whichever stage is running when it strikes. */
		if (timeout_at < sp->end_ms) {
			sp->end_ms = timeout_at;
			sp->failed = true;
			snprintf(tl.error_code, sizeof(tl.error_code), "ErrorTaskTimeout");
			snprintf(tl.error_message, sizeof(tl.error_message),
			    "cluster creation timed out after %d minutes", p->timeout_mins);
		} else if (p->has_fault && strcmp(p->fault.stage, lifecycle_stage(s)->name) == 0) {
			/* An injected fault lets its stage run its course, then fails it. */
			sp->failed = true;
			snprintf(tl.error_code, sizeof(tl.error_code), "%s", p->fault.code);
			snprintf(tl.error_message, sizeof(tl.error_message), "%s",
			    p->fault.message);
		}
		t = sp->end_ms;
		if (sp->failed) {
			tl.outcome = TASK_FAILED;
			break;
		}
		switch (s) {
		case STAGE_CREATE_CONTROL_PLANE:
			tl.lb_from_ms = t;
			break;
		case STAGE_CREATE_WORKER_NODES:
			tl.nodes_from_ms = t;
			break;
		case STAGE_DELETE_WORKER_NODES:
			tl.nodes_until_ms = t;
			break;
		case STAGE_DELETE_CONTROL_PLANE:
			tl.lb_until_ms = t;
			break;
		default:
			break;
		}
	}
	if (tl.outcome == TASK_FAILED && p->type == TASK_CREATE && p->rollback) {
		struct lifecycle_span *sp = &tl.spans[tl.nspans++];

		sp->stage = STAGE_ROLLBACK;
		sp->start_ms = t;
		sp->end_ms = t + p->rollback_ms;
		t = sp->end_ms;
		if (tl.nodes_from_ms != LIFECYCLE_NEVER)
			tl.nodes_until_ms = t;
		if (tl.lb_from_ms != LIFECYCLE_NEVER)
			tl.lb_until_ms = t;
	}
	tl.end_ms = t;
	*out = tl;
}

enum task_state
lifecycle_task_state(const struct lifecycle_timeline *tl, int64_t now)
{
	return now >= tl->end_ms ? tl->outcome : TASK_RUNNING;
}

const char *
lifecycle_current_stage(const struct lifecycle_timeline *tl, int64_t now)
{
	if (now >= tl->end_ms)
		return NULL;
	for (size_t i = 0; i < tl->nspans; i++)
		if (tl->spans[i].start_ms <= now && now < tl->spans[i].end_ms)
			return lifecycle_stage(tl->spans[i].stage)->name;
	return NULL;
}

int64_t
lifecycle_task_updated(const struct lifecycle_timeline *tl, int64_t now)
{
	int64_t last = tl->created_ms;

	for (size_t i = 0; i < tl->nspans; i++) {
		if (tl->spans[i].start_ms <= now && tl->spans[i].start_ms > last)
			last = tl->spans[i].start_ms;
		if (tl->spans[i].end_ms <= now && tl->spans[i].end_ms > last)
			last = tl->spans[i].end_ms;
	}
	return last;
}

enum cluster_state
lifecycle_cluster_outcome(const struct lifecycle_timeline *tl)
{
	switch (tl->type) {
	case TASK_CREATE:
		return tl->outcome == TASK_SUCCESS ? CLUSTER_RUNNING : CLUSTER_FAILED;
	case TASK_DELETE:
		return tl->outcome == TASK_SUCCESS ? CLUSTER_DELETED : CLUSTER_FAILED;
	default:
		return CLUSTER__COUNT;	/* a modify task never changes the state */
	}
}

static struct lifecycle_event *
event_add(struct lifecycle_event *out, size_t max, size_t *n, int64_t ms, int64_t now)
{
	if (ms > now || *n == max)
		return NULL;
	out[*n] = (struct lifecycle_event){.ms = ms, .level = "Normal"};
	return &out[(*n)++];
}

/* A constant message, shorter than the event's buffer. */
static void
event_message(struct lifecycle_event *e, const char *text)
{
	size_t n = strlen(text);

	if (n >= sizeof(e->message))
		n = sizeof(e->message) - 1;
	memcpy(e->message, text, n);
	e->message[n] = '\0';
}

size_t
lifecycle_events(const struct lifecycle_plan *p, const struct lifecycle_timeline *tl,
    int64_t now, struct lifecycle_event *out, size_t max)
{
	static const char *const reasons[TASK_TYPE__COUNT][3] = {
	    {"ClusterCreateStart", "ClusterCreateSuccess", "ClusterCreateFailed"},
	    {"ClusterDeleteStart", "ClusterDeleteSuccess", "ClusterDeleteFailed"},
	    {"ClusterModifyStart", "ClusterModifySuccess", "ClusterModifyFailed"},
	};
	/* Whole, not printed: every DescribeTaskInfo shows the first. */
	static const char *const starts[TASK_TYPE__COUNT] = {
	    "start to create cluster", "start to delete cluster", "start to modify cluster",
	};
	static const char *const finishes[TASK_TYPE__COUNT] = {
	    "cluster create succeeded", "cluster delete succeeded", "cluster modify succeeded",
	};
	struct lifecycle_event *e;
	size_t n = 0;

	if ((e = event_add(out, max, &n, tl->created_ms, now)) != NULL) {
		e->action = "start";
		e->reason = reasons[p->type][0];
		event_message(e, starts[p->type]);
	}
	for (size_t i = 0; i < tl->nspans; i++) {
		const struct lifecycle_span *sp = &tl->spans[i];

		if (sp->stage == STAGE_INSTALL_ADDONS) {
			/* One event per addon, spread evenly over the stage's planned duration. */
			int64_t planned = 0;

			for (size_t j = 0; j < p->nstages; j++)
				if (p->stages[j].stage == STAGE_INSTALL_ADDONS)
					planned = p->stages[j].ms;
			for (size_t k = 0; k < p->naddons; k++) {
				int64_t ms = sp->start_ms +
					     planned * (int64_t)(k + 1) / (int64_t)p->naddons;

				if (sp->failed && ms >= sp->end_ms)
					break;
				if ((e = event_add(out, max, &n, ms, now)) == NULL)
					break;
				e->action = "install";
				e->reason = "AddonInstalled";
				snprintf(e->message, sizeof(e->message), "addon %s installed",
				    p->addons[k]);
			}
		}
		if (sp->failed && (e = event_add(out, max, &n, sp->end_ms, now)) != NULL) {
			e->action = "fail";
			e->level = "Warning";
			e->reason = reasons[p->type][2];
			snprintf(e->message, sizeof(e->message), "%s failed: %s",
			    lifecycle_stage(sp->stage)->name, tl->error_message);
		}
		if (sp->stage == STAGE_ROLLBACK &&
		    (e = event_add(out, max, &n, sp->end_ms, now)) != NULL) {
			e->action = "rollback";
			e->reason = "ClusterRollbackSuccess";
			event_message(e, "rollback finished: nodes and load balancer released");
		}
	}
	if (tl->outcome == TASK_SUCCESS && (e = event_add(out, max, &n, tl->end_ms, now)) != NULL) {
		e->action = "finish";
		e->reason = reasons[p->type][1];
		event_message(e, finishes[p->type]);
	}
	return n;
}

/* Writes addr as dotted decimal and a NUL into out (at most 16 bytes). */
static void
put_dotted(uint32_t addr, char out[16])
{
	char *o = out;

	for (int shift = 24; shift >= 0; shift -= 8) {
		unsigned octet = (addr >> shift) & 255u;

		if (octet >= 100)
			*o++ = (char)('0' + octet / 100);
		if (octet >= 10)
			*o++ = (char)('0' + octet / 10 % 10);
		*o++ = (char)('0' + octet % 10);
		*o++ = shift > 0 ? '.' : '\0';
	}
}

bool
lifecycle_cidr_host(const char *cidr, uint64_t index, char out[16])
{
	struct cidr block;
	uint32_t base, mask;
	uint64_t hosts, usable, offset;

	/* Without sscanf and snprintf: a create places its API server and nodes with this. */
	if (!cidr_parse(cidr, &block))
		return false;
	mask = block.prefix == 0 ? 0 : 0xffffffffu << (32 - block.prefix);
	base = block.addr & mask;
	hosts = (uint64_t)1 << (32 - block.prefix);
	/* Skip the network and broadcast addresses where the block has room for hosts. */
	usable = hosts > 2 ? hosts - 2 : hosts;
	offset = (hosts > 2 ? 1 : 0) + index % usable;
	base += (uint32_t)offset;
	put_dotted(base, out);
	return true;
}

/*
 * lifecycle.c: the stage table agrees with the schema's CHECK lists, and
 * plans lay out exactly as lifecycle.md section 3 says (durations, timeout,
 * injected faults, rollback, resources, events).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lifecycle.h"
#include "schema.h"
#include "tap.h"

#define T0 1795694524000LL
#define S  1000LL

/*
 * The newest CREATE TABLE of table: "CREATE TABLE table (" or, in a
 * migration that rebuilds it, "CREATE TABLE table_NNN (".
 */
static const char *
table_sql(const char *table)
{
	char head[64], rebuilt[64];

	snprintf(head, sizeof(head), "CREATE TABLE %s (", table);
	snprintf(rebuilt, sizeof(rebuilt), "CREATE TABLE %s_0", table);
	for (int v = schema_version - 1; v >= 0; v--) {
		const char *t = strstr(schema_migrations[v].sql, rebuilt);

		if (t != NULL || (t = strstr(schema_migrations[v].sql, head)) != NULL)
			return t;
	}
	return NULL;
}

/*
 * Finds the CHECK of column in the newest CREATE TABLE of table, either
 * "IN ('a', 'b')" or "column = 'a' OR column = 'b'", and writes its quoted
 * names, comma-separated, into out.
 */
static bool
check_list(const char *table, const char *column, char *out, size_t len)
{
	char needle[64];
	const char *t, *end, *p;
	size_t n = 0;

	snprintf(needle, sizeof(needle), "\t%s TEXT", column);
	if ((t = table_sql(table)) == NULL || (end = strstr(t, ") STRICT")) == NULL ||
	    (p = strstr(t, needle)) == NULL || p > end || (p = strstr(p, " CHECK (")) == NULL)
		return false;
	out[0] = '\0';
	for (p += 8; *p != ')' && *p != '\0';) {
		const char *q;

		if (*p != '\'') {
			p++;
			continue;
		}
		q = strchr(p + 1, '\'');
		if (q == NULL)
			return false;
		n += (size_t)snprintf(out + n, len - n, "%s%.*s", n > 0 ? "," : "", (int)(q - p - 1),
		    p + 1);
		if (n >= len)
			return false;
		p = q + 1;
	}
	return true;
}

static void
join(const char *const *names, int count, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < count; i++)
		n += (size_t)snprintf(out + n, len - n, "%s%s", i > 0 ? "," : "", names[i]);
}

static void
test_schema_agrees(void)
{
	char got[256], want[256];

	join(lifecycle_cluster_states, CLUSTER__COUNT, want, sizeof(want));
	tap_ok(check_list("clusters", "state", got, sizeof(got)), "clusters.state has a CHECK");
	tap_str(got, want, "clusters.state CHECK lists the C cluster states");
	tap_ok(check_list("clusters", "settle_state", got, sizeof(got)),
	    "clusters.settle_state has a CHECK");
	tap_str(got, want, "clusters.settle_state CHECK lists the C cluster states");
	join(lifecycle_task_states, TASK__COUNT, want, sizeof(want));
	tap_ok(check_list("tasks", "state", got, sizeof(got)), "tasks.state has a CHECK");
	tap_str(got, want, "tasks.state CHECK lists the C task states");
	tap_ok(check_list("tasks", "settle_state", got, sizeof(got)),
	    "tasks.settle_state has a CHECK");
	tap_str(got, want, "tasks.settle_state CHECK lists the C task states");
	join(lifecycle_task_types, TASK_TYPE__COUNT, want, sizeof(want));
	tap_ok(check_list("tasks", "task_type", got, sizeof(got)), "tasks.task_type has a CHECK");
	tap_str(got, want, "tasks.task_type CHECK lists the C task types");
	for (int i = 0; i < STAGE__COUNT; i++)
		tap_ok(lifecycle_stage_find(lifecycle_stage((enum stage)i)->name) == (enum stage)i,
		    "stage %s is found by its name", lifecycle_stage((enum stage)i)->name);
}

static struct lifecycle_plan
create_plan(const char *spec_json, bool instant, const struct lifecycle_fault *fault)
{
	struct lifecycle_plan p;
	cJSON *spec = cJSON_Parse(spec_json);
	bool ok = lifecycle_plan_create(spec, instant, fault, &p);

	tap_ok(ok, "plan for %s", spec_json);
	cJSON_Delete(spec);
	return p;
}

/* Checks span i: its stage, start and end in seconds after T0, and whether it failed. */
static void
span_is(const struct lifecycle_timeline *tl, size_t i, const char *stage, int64_t start_s,
    int64_t end_s, bool failed)
{
	const struct lifecycle_span *sp = &tl->spans[i];

	tap_ok(i < tl->nspans && strcmp(lifecycle_stage(sp->stage)->name, stage) == 0 &&
		   sp->start_ms == T0 + start_s * S && sp->end_ms == T0 + end_s * S &&
		   sp->failed == failed,
	    "span %zu is %s [%lld, %lld)%s", i, stage, (long long)start_s, (long long)end_s,
	    failed ? " failed" : "");
}

static void
test_default_create(void)
{
	struct lifecycle_plan p = create_plan(
	    "{\"num_of_nodes\":3,\"addons\":[{\"name\":\"flannel\"},{\"name\":\"csi-plugin\"},"
	    "{\"name\":\"logtail-ds\",\"disabled\":true}]}",
	    false, NULL);
	struct lifecycle_timeline tl;
	struct lifecycle_event ev[LIFECYCLE_MAX_EVENTS];
	size_t n;

	lifecycle_timeline(&p, T0, &tl);
	tap_ok(tl.nspans == 6, "six stages with nodes");
	span_is(&tl, 0, "PrepareResources", 0, 10, false);
	span_is(&tl, 1, "CreateNetwork", 10, 40, false);
	span_is(&tl, 2, "CreateControlPlane", 40, 160, false);
	span_is(&tl, 3, "CreateWorkerNodes", 160, 370, false);
	span_is(&tl, 4, "InstallAddons", 370, 430, false);
	span_is(&tl, 5, "CheckClusterHealth", 430, 445, false);
	tap_ok(tl.outcome == TASK_SUCCESS && tl.end_ms == T0 + 445 * S, "success at 445 s");
	tap_ok(lifecycle_cluster_outcome(&tl) == CLUSTER_RUNNING, "the cluster turns running");
	tap_ok(tl.lb_from_ms == T0 + 160 * S && tl.lb_until_ms == LIFECYCLE_NEVER,
	    "the load balancer exists from the end of CreateControlPlane");
	tap_ok(tl.nodes_from_ms == T0 + 370 * S && tl.nodes_until_ms == LIFECYCLE_NEVER,
	    "nodes exist from the end of CreateWorkerNodes");
	tap_ok(lifecycle_task_state(&tl, T0 + 445 * S - 1) == TASK_RUNNING,
	    "running 1 ms before the end");
	tap_ok(lifecycle_task_state(&tl, T0 + 445 * S) == TASK_SUCCESS, "success at the end");
	tap_str(lifecycle_current_stage(&tl, T0), "PrepareResources", "current stage at 0");
	tap_str(lifecycle_current_stage(&tl, T0 + 40 * S), "CreateControlPlane",
	    "current stage at a boundary is the next one");
	tap_ok(lifecycle_current_stage(&tl, T0 + 445 * S) == NULL, "no current stage once settled");
	tap_ok(lifecycle_task_updated(&tl, T0 + 200 * S) == T0 + 160 * S,
	    "updated is the last boundary passed");
	n = lifecycle_events(&p, &tl, T0, ev, LIFECYCLE_MAX_EVENTS);
	tap_ok(n == 1 && strcmp(ev[0].reason, "ClusterCreateStart") == 0, "one start event at 0");
	n = lifecycle_events(&p, &tl, T0 + 445 * S, ev, LIFECYCLE_MAX_EVENTS);
	tap_ok(n == 4, "start, one per enabled addon, finish: %zu", n);
	tap_ok(n == 4 && ev[1].ms == T0 + 400 * S && ev[2].ms == T0 + 430 * S &&
		   strcmp(ev[3].reason, "ClusterCreateSuccess") == 0,
	    "addon events spread over InstallAddons, then success");
	p = create_plan("{\"num_of_nodes\":0}", false, NULL);
	lifecycle_timeline(&p, T0, &tl);
	tap_ok(tl.nspans == 5 && tl.end_ms == T0 + 235 * S &&
		   tl.nodes_from_ms == LIFECYCLE_NEVER,
	    "CreateWorkerNodes is skipped without nodes");
	p = create_plan("{\"num_of_nodes\":\"2\"}", true, NULL);
	lifecycle_timeline(&p, T0, &tl);
	tap_ok(tl.end_ms == T0 && tl.nodes_from_ms == T0 && tl.outcome == TASK_SUCCESS,
	    "instant: done at creation, nodes included");
}

static void
test_timeout(void)
{
	struct lifecycle_plan p = create_plan("{\"num_of_nodes\":3,\"timeout_mins\":5}", false, NULL);
	struct lifecycle_timeline tl;

	lifecycle_timeline(&p, T0, &tl);
	tap_ok(tl.nspans == 5, "four stages reached, then Rollback");
	span_is(&tl, 3, "CreateWorkerNodes", 160, 300, true);
	span_is(&tl, 4, "Rollback", 300, 330, false);
	tap_ok(tl.outcome == TASK_FAILED && tl.end_ms == T0 + 330 * S, "failed after the rollback");
	tap_str(tl.error_code, "ErrorTaskTimeout", "timeout code");
	tap_str(tl.error_message, "cluster creation timed out after 5 minutes", "timeout message");
	tap_ok(tl.lb_from_ms == T0 + 160 * S && tl.lb_until_ms == T0 + 330 * S,
	    "the rollback releases the load balancer");
	tap_ok(tl.nodes_from_ms == LIFECYCLE_NEVER, "no nodes were made");
	tap_ok(lifecycle_task_state(&tl, T0 + 329 * S) == TASK_RUNNING,
	    "still running during the rollback");
	tap_ok(lifecycle_cluster_outcome(&tl) == CLUSTER_FAILED, "the cluster turns failed");
	p = create_plan("{\"num_of_nodes\":3,\"timeout_mins\":60}", false, NULL);
	lifecycle_timeline(&p, T0, &tl);
	tap_ok(tl.outcome == TASK_SUCCESS, "445 s fit in 60 minutes");
}

/* True when cJSON prints json's tree as the very same text (tasks.plan of old rows). */
static bool
same_as_cjson(const char *json)
{
	cJSON *tree = cJSON_Parse(json);
	char *text = tree != NULL ? cJSON_PrintUnformatted(tree) : NULL;
	bool same = text != NULL && strcmp(text, json) == 0;

	cJSON_free(text);
	cJSON_Delete(tree);
	return same;
}

static void
test_fault(void)
{
	struct lifecycle_fault f = {.stage = "InstallAddons", .code = "AddonFailed",
	    .message = "addon csi-plugin crashed"};
	struct lifecycle_fault bad = {.stage = "CreateWorkerNodes"};
	struct lifecycle_plan p = create_plan("{\"num_of_nodes\":1,\"disable_rollback\":true}", false,
	    &f), q;
	struct lifecycle_timeline tl;
	char *json;
	cJSON *spec = cJSON_Parse("{\"num_of_nodes\":0}");

	lifecycle_timeline(&p, T0, &tl);
	tap_ok(tl.nspans == 5, "no Rollback with disable_rollback");
	span_is(&tl, 4, "InstallAddons", 350, 410, true);
	tap_ok(tl.outcome == TASK_FAILED && tl.end_ms == T0 + 410 * S,
	    "the faulted stage runs its course, then fails");
	tap_str(tl.error_code, "AddonFailed", "the fault's code");
	tap_ok(tl.nodes_from_ms == T0 + 350 * S && tl.nodes_until_ms == LIFECYCLE_NEVER,
	    "without rollback the nodes stay");
	tap_ok(!lifecycle_plan_create(spec, false, &bad, &q),
	    "a fault on a stage the task skips is refused");
	cJSON_Delete(spec);
	json = lifecycle_plan_json(&p);
	tap_ok(json != NULL && lifecycle_plan_parse(json, &q), "the plan round-trips through JSON");
	tap_ok(json != NULL && same_as_cjson(json), "a plan with a fault prints as cJSON would");
	tap_ok(q.nstages == p.nstages && q.has_fault && strcmp(q.fault.message, f.message) == 0 &&
		   !q.rollback && q.timeout_mins == 60 && q.nodes == 1,
	    "the parsed plan is the same");
	free(json);
	tap_ok(!lifecycle_plan_parse("{\"type\":\"cluster_create\",\"stages\":[{\"name\":\"X\","
				     "\"ms\":1}]}",
		   &q),
	    "an unknown stage does not parse");
	tap_ok(!lifecycle_plan_parse("[]", &q), "a non-plan does not parse");
}

/* Field by field: the fast and the cJSON reading of a plan give the same. */
static bool
plan_equal(const struct lifecycle_plan *a, const struct lifecycle_plan *b)
{
	if (a->type != b->type || a->nodes != b->nodes || a->nstages != b->nstages ||
	    a->timeout_mins != b->timeout_mins || a->rollback != b->rollback ||
	    a->rollback_ms != b->rollback_ms || a->has_fault != b->has_fault ||
	    a->naddons != b->naddons)
		return false;
	for (size_t i = 0; i < a->nstages; i++)
		if (a->stages[i].stage != b->stages[i].stage || a->stages[i].ms != b->stages[i].ms)
			return false;
	for (size_t i = 0; i < a->naddons; i++)
		if (strcmp(a->addons[i], b->addons[i]) != 0)
			return false;
	return true;
}

/*
 * Plans as lifecycle_plan_json prints them take the fast reading; the same
 * text with a space after its first brace takes cJSON's: both agree.
 */
static void
test_plan_readings(void)
{
	static const char *const specs[] = {"{\"num_of_nodes\":0}",
	    "{\"num_of_nodes\":3,\"disable_rollback\":true}",
	    "{\"num_of_nodes\":2,\"timeout_mins\":15,\"addons\":[{\"name\":\"flannel\"},"
	    "{\"name\":\"csi-plugin\"},{\"name\":\"a-very-long-addon-name-that-is-longer-than-"
	    "sixty-three-bytes-and-is-cut-short\"}]}"};
	struct lifecycle_plan plans[8], fast, slow;
	size_t n = 0;
	int bad = 0;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		plans[n++] = create_plan(specs[i], false, NULL);
		plans[n++] = create_plan(specs[i], true, NULL);
	}
	lifecycle_plan_delete(4, false, false, NULL, &plans[n++]);
	lifecycle_plan_delete(0, true, true, NULL, &plans[n++]);
	for (size_t i = 0; i < n; i++) {
		char *json = lifecycle_plan_json(&plans[i]), spaced[2048];

		if (json == NULL || strlen(json) + 2 > sizeof(spaced)) {
			bad++;
			free(json);
			continue;
		}
		snprintf(spaced, sizeof(spaced), "{ %s", json + 1);
		if (!lifecycle_plan_parse(json, &fast) || !lifecycle_plan_parse(spaced, &slow) ||
		    !plan_equal(&fast, &slow) || !plan_equal(&fast, &plans[i]) ||
		    !same_as_cjson(json))
			bad++;
		free(json);
	}
	tap_ok(bad == 0, "fast and cJSON readings of %zu plans agree with the plans", n);
	/* The remembered last plan: read alternately, each still reads as itself. */
	bad = 0;
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < n; i++) {
			char *json = lifecycle_plan_json(&plans[i]);

			if (json == NULL || !lifecycle_plan_parse(json, &fast) ||
			    !plan_equal(&fast, &plans[i]) || !lifecycle_plan_parse(json, &slow) ||
			    !plan_equal(&slow, &plans[i]))
				bad++;
			free(json);
		}
	}
	tap_ok(bad == 0, "plans read again and in turn read as themselves");
	tap_ok(!lifecycle_plan_parse("{\"type\":\"cluster_create\",\"nodes\":0,\"stages\":[{"
				     "\"name\":\"X\",\"ms\":1}],\"timeout_mins\":0,\"rollback\":"
				     "false,\"rollback_ms\":0,\"addons\":[]}",
		   &fast),
	    "an unknown stage does not parse in the fast shape either");
	tap_ok(lifecycle_plan_parse("{\"type\":\"cluster_create\",\"nodes\":0,\"stages\":[],"
				    "\"timeout_mins\":0,\"rollback\":false,\"rollback_ms\":0,"
				    "\"addons\":[\"a\\\"b\"]}",
		   &fast) &&
		   strcmp(fast.addons[0], "a\"b") == 0,
	    "an escaped string takes cJSON's reading");
}

static void
test_delete(void)
{
	struct lifecycle_plan p;
	struct lifecycle_timeline tl;

	tap_ok(lifecycle_plan_delete(3, false, false, NULL, &p), "delete plan");
	lifecycle_timeline(&p, T0, &tl);
	span_is(&tl, 0, "DeleteWorkerNodes", 0, 45, false);
	span_is(&tl, 1, "DeleteControlPlane", 45, 75, false);
	span_is(&tl, 2, "DeleteNetwork", 75, 95, false);
	tap_ok(tl.nodes_until_ms == T0 + 45 * S && lifecycle_cluster_outcome(&tl) == CLUSTER_DELETED,
	    "nodes go after DeleteWorkerNodes; the cluster is deleted at the end");
	tap_ok(lifecycle_plan_delete(0, true, false, NULL, &p), "delete plan keeping the network");
	lifecycle_timeline(&p, T0, &tl);
	tap_ok(tl.nspans == 2 && tl.end_ms == T0 + 60 * S, "DeleteNetwork skipped");
}

static void
test_cidr(void)
{
	/* expect NULL: the text does not parse. */
	static const struct {
		const char *cidr;
		uint64_t index;
		const char *expect, *what;
	} cases[] = {
	    {"10.0.0.0/16", 0, "10.0.0.1", "first host of 10.0.0.0/16"},
	    {"192.168.0.0/24", 253, "192.168.0.254", "last host of a /24"},
	    {"192.168.0.0/24", 254, "192.168.0.1", "wraps around"},
	    {"172.16.5.7/20", 0, "172.16.0.1", "host bits are masked"},
	    {"0.0.0.0/0", 0, "0.0.0.1", "the whole space"},
	    {"255.255.255.255/32", 7, "255.255.255.255", "a /32 is its one address, longest text"},
	    {"10.20.30.40/31", 1, "10.20.30.41", "a /31 has two hosts"},
	    {"100.64.9.0/24", 99, "100.64.9.100", "one, two and three digits"},
	    {"10.0.0.0", 0, NULL, "no prefix does not parse"},
	    {"10.0.0.300/8", 0, NULL, "a bad octet does not parse"},
	    {"010.0.0.0/8", 0, NULL, "a leading zero does not parse"},
	    {"10.0.0.0/8 ", 0, NULL, "nothing may follow the prefix"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char ip[16] = "";
		bool ok = lifecycle_cidr_host(cases[i].cidr, cases[i].index, ip);

		tap_ok(cases[i].expect != NULL ? ok && strcmp(ip, cases[i].expect) == 0 : !ok, "%s",
		    cases[i].what);
	}
}

int
main(void)
{
	test_schema_agrees();
	test_default_create();
	test_timeout();
	test_fault();
	test_plan_readings();
	test_delete();
	test_cidr();
	return tap_done();
}

/*
 * DeleteCluster and ModifyCluster (api.md section 2), and the lifecycle
 * plan of CreateCluster. Both operations check the cluster inside the
 * database writer, after settling what is due, so that they judge its state
 * at the instant they change it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "app.h"
#include "ids.h"
#include "jsonbody.h"
#include "lifecycle.h"
#include "provision.h"
#include "store.h"
#include "validate.h"
#include "view.h"

#define FAULT_HEADER "x-ackmock-fail-at-stage"

/*
 * The test-only fault of a request: under --test-hooks, the header
 * "x-ackmock-fail-at-stage: Stage[;Code[;Message]]". Returns false when the
 * header is absent or ignored.
 */
static bool
fault_from_header(const struct call *call, struct lifecycle_fault *out)
{
	const char *v = call_header(call, FAULT_HEADER);
	size_t stage, code;

	if (!call->app->cfg->test_hooks || v == NULL || v[0] == '\0')
		return false;
	memset(out, 0, sizeof(*out));
	stage = strcspn(v, ";");
	snprintf(out->stage, sizeof(out->stage), "%.*s", (int)stage, v);
	if (v[stage] == ';') {
		v += stage + 1;
		code = strcspn(v, ";");
		snprintf(out->code, sizeof(out->code), "%.*s", (int)code, v);
		if (v[code] == ';')
			snprintf(out->message, sizeof(out->message), "%s", v + code + 1);
	}
	return true;
}

static void
reply_bad_fault(struct call *call, const struct lifecycle_fault *f)
{
	char msg[160];

	snprintf(msg, sizeof(msg), FAULT_HEADER ": the task runs no stage %s", f->stage);
	call_reply_error(call, ERR_INVALID_PARAMETER, msg, NULL);
}

bool
api_plan_create(struct call *call, const cJSON *spec, struct lifecycle_plan *out, char **plan)
{
	struct lifecycle_fault fault;
	bool has_fault = fault_from_header(call, &fault);

	if (!lifecycle_plan_create(spec, call->app->cfg->instant, has_fault ? &fault : NULL, out)) {
		reply_bad_fault(call, &fault);
		return false;
	}
	if ((*plan = lifecycle_plan_json(out)) == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		return false;
	}
	return true;
}

/* What a create, delete or modify answers: {cluster_id, request_id, task_id}. */
static void
reply_task(struct call *call, int status, const char *cluster_id, const char *task_id)
{
	cJSON *doc = cJSON_CreateObject();

	cJSON_AddStringToObject(doc, "cluster_id", cluster_id);
	cJSON_AddStringToObject(doc, "request_id", call->request_id);
	cJSON_AddStringToObject(doc, "task_id", task_id);
	if (call_reply_json(call, status, doc) != ERR_OK)
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
}

/* ---- DeleteCluster ---- */

struct delete_state {
	char task_id[IDS_TASK_LEN];
	char *parameters;
	bool keep_network;
	bool has_fault;
	struct lifecycle_fault fault;
};

static void
delete_state_free(void *p)
{
	struct delete_state *st = p;

	if (st == NULL)
		return;
	cJSON_free(st->parameters);
	free(st);
}

static enum err
delete_apply(struct db_conn *conn, struct call *call)
{
	struct delete_state *st = call->state;
	struct provision_delete_req req = {
	    .account = call->account,
	    .cluster_id = call->req.params[0],
	    .task_id = st->task_id,
	    .parameters = st->parameters,
	    .keep_network = st->keep_network,
	    .instant = call->app->cfg->instant,
	    .fault = st->has_fault ? &st->fault : NULL,
	    .now = clock_now(&call->app->clock),
	};
	enum err err;

	if ((err = db_settle_deletions(conn, req.now)) != ERR_OK)
		return err;
	return provision_delete(conn, &req);
}

static void
delete_finish(struct call *call, enum err err)
{
	struct delete_state *st = call->state;

	if (err == ERR_INVALID_PARAMETER)
		reply_bad_fault(call, &st->fault);
	else if (err != ERR_OK)
		call_reply_error(call, err, NULL, NULL);
	else
		reply_task(call, 202, call->req.params[0], st->task_id);
}

/* A query boolean: "true" or "false". */
static bool
query_bool(const char *v, bool *out)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
		*out = v[0] == 't';
		return true;
	}
	return false;
}

static bool
one_of(const char *v, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcmp(v, *names) == 0)
			return true;
	return false;
}

/* Checks delete_options: [{"delete_mode":"delete|retain","resource_type":"SLB|..."}]. */
static bool
valid_delete_options(const cJSON *v, char *msg, size_t len)
{
	static const char *const modes[] = {"delete", "retain", NULL};
	static const char *const types[] = {"SLB", "ALB", "SLS_Data", "SLS_ControlPlane",
	    "PrivateZone", NULL};
	const cJSON *o;
	int i = 0;

	if (!cJSON_IsArray(v)) {
		snprintf(msg, len, "delete_options must be a JSON array of objects");
		return false;
	}
	cJSON_ArrayForEach(o, v)
	{
		const cJSON *mode = cJSON_GetObjectItemCaseSensitive(o, "delete_mode");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "resource_type");

		if (!cJSON_IsObject(o)) {
			snprintf(msg, len, "delete_options[%d] must be an object", i);
			return false;
		}
		if (!cJSON_IsString(mode) || !one_of(mode->valuestring, modes)) {
			snprintf(msg, len, "delete_options[%d].delete_mode must be delete or retain",
			    i);
			return false;
		}
		if (!cJSON_IsString(type) || !one_of(type->valuestring, types)) {
			snprintf(msg, len,
			    "delete_options[%d].resource_type must be one of SLB, ALB, SLS_Data, "
			    "SLS_ControlPlane, PrivateZone",
			    i);
			return false;
		}
		i++;
	}
	return true;
}

static bool
valid_retain_resources(const cJSON *v, char *msg, size_t len)
{
	const cJSON *s;

	if (!cJSON_IsArray(v)) {
		snprintf(msg, len, "retain_resources must be a JSON array of strings");
		return false;
	}
	cJSON_ArrayForEach(s, v)
	{
		if (!cJSON_IsString(s) || s->valuestring[0] == '\0') {
			snprintf(msg, len, "retain_resources must be a JSON array of resource ids");
			return false;
		}
	}
	return true;
}

/*
 * Validates the query of DeleteCluster into the task's parameters. On a bad
 * value writes the message and returns NULL.
 */
static cJSON *
delete_parameters(const struct call *call, bool *keep_network, char *msg, size_t len)
{
	static const char *const bools[] = {"retain_all_resources", "keep_slb"};
	static const char *const arrays[] = {"retain_resources", "delete_options"};
	cJSON *params = cJSON_CreateObject();

	*keep_network = false;
	for (size_t i = 0; i < 2; i++) {
		const char *v = call_query(call, bools[i]);
		bool b;

		if (v == NULL || v[0] == '\0')
			continue;
		if (!query_bool(v, &b)) {
			snprintf(msg, len, "%s must be true or false", bools[i]);
			goto fail;
		}
		cJSON_AddBoolToObject(params, bools[i], b);
		if (i == 0)
			*keep_network = b;
	}
	for (size_t i = 0; i < 2; i++) {
		const char *v = call_query(call, arrays[i]);
		cJSON *doc;
		bool ok;

		if (v == NULL || v[0] == '\0')
			continue;
		doc = cJSON_Parse(v);
		ok = i == 0 ? valid_retain_resources(doc, msg, len)
			    : valid_delete_options(doc, msg, len);
		if (!ok) {
			cJSON_Delete(doc);
			goto fail;
		}
		cJSON_AddItemToObject(params, arrays[i], doc);
	}
	return params;
fail:
	cJSON_Delete(params);
	return NULL;
}

void
api_delete_cluster(struct call *call)
{
	struct delete_state *st = calloc(1, sizeof(*st));
	cJSON *params = NULL;
	char msg[200];

	if (st == NULL)
		goto internal;
	if ((params = delete_parameters(call, &st->keep_network, msg, sizeof(msg))) == NULL) {
		call_reply_error(call, ERR_INVALID_PARAMETER, msg, NULL);
		goto done;
	}
	st->has_fault = fault_from_header(call, &st->fault);
	ids_task(st->task_id);
	if ((st->parameters = cJSON_PrintUnformatted(params)) == NULL)
		goto internal;
	call_defer_write(call, delete_apply, delete_finish, st, delete_state_free);
	st = NULL;
	goto done;
internal:
	call_reply_error(call, ERR_INTERNAL, NULL, NULL);
done:
	cJSON_Delete(params);
	delete_state_free(st);
}

/* ---- ModifyCluster ---- */

struct modify_state {
	char task_id[IDS_TASK_LEN];
	cJSON *body;		/* the validated body: only the keys it changes */
	char *parameters;
	char message[256];	/* a name conflict's message */
};

static void
modify_state_free(void *p)
{
	struct modify_state *st = p;

	if (st == NULL)
		return;
	cJSON_Delete(st->body);
	cJSON_free(st->parameters);
	free(st);
}

static bool
valid_rfc3339(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0;
	const char *p;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    n != 19 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	p = s + n;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (strcmp(p, "Z") == 0)
		return true;
	return (p[0] == '+' || p[0] == '-') && isdigit((unsigned char)p[1]) &&
	       isdigit((unsigned char)p[2]) && p[3] == ':' && isdigit((unsigned char)p[4]) &&
	       isdigit((unsigned char)p[5]) && p[6] == '\0';
}

/* "3h": a whole number of hours from 1 to 24. */
static bool
valid_duration(const char *s)
{
	char *end;
	long h = strtol(s, &end, 10);

	return isdigit((unsigned char)s[0]) && strcmp(end, "h") == 0 && h >= 1 && h <= 24;
}

/* "Monday,Thursday": weekday names without repeats. */
static bool
valid_weekly_period(const char *s)
{
	static const char *const days[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
	    "Friday", "Saturday", "Sunday"};
	unsigned seen = 0;

	while (*s != '\0') {
		size_t len = strcspn(s, ",");
		int day = -1;

		for (int i = 0; i < 7; i++)
			if (strlen(days[i]) == len && strncmp(s, days[i], len) == 0)
				day = i;
		if (day < 0 || (seen & 1u << day) != 0)
			return false;
		seen |= 1u << day;
		s += len;
		if (*s == ',' && *++s == '\0')
			return false;
	}
	return seen != 0;
}

static void
violation(cJSON *data, const char *parameter, const char *message)
{
	cJSON *item = cJSON_CreateObject();

	cJSON_AddStringToObject(item, "code", "InvalidParameter");
	cJSON_AddStringToObject(item, "message", message);
	cJSON_AddStringToObject(item, "parameter", parameter);
	cJSON_AddItemToArray(data, item);
}

static bool
absent(const cJSON *v)
{
	return v == NULL || cJSON_IsNull(v) || (cJSON_IsString(v) && v->valuestring[0] == '\0');
}

/* Checks one string member of maintenance_window with its rule. */
static void
check_window_string(cJSON *data, cJSON *out, const cJSON *mw, const char *key,
    bool (*valid)(const char *), const char *what)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(mw, key);
	char path[64], msg[256];

	if (absent(v))
		return;
	snprintf(path, sizeof(path), "maintenance_window.%s", key);
	if (!cJSON_IsString(v)) {
		snprintf(msg, sizeof(msg), "%s must be a string", path);
		violation(data, path, msg);
	} else if (!valid(v->valuestring)) {
		snprintf(msg, sizeof(msg), "%s must be %s, got %.64s", path, what, v->valuestring);
		violation(data, path, msg);
	} else {
		cJSON_AddStringToObject(out, key, v->valuestring);
	}
}

/*
 * Validates ModifyCluster's body (unknown keys are ignored) into the keys
 * it changes; violations go to data, in the order of api.md's list.
 */
static cJSON *
modify_validate(const cJSON *body, cJSON *data)
{
	char why[256];
	cJSON *out = cJSON_CreateObject();
	const cJSON *v;

	v = cJSON_GetObjectItemCaseSensitive(body, "deletion_protection");
	if (!absent(v)) {
		if (cJSON_IsBool(v))
			cJSON_AddBoolToObject(out, "deletion_protection", cJSON_IsTrue(v));
		else
			violation(data, "deletion_protection",
			    "deletion_protection must be a boolean");
	}
	v = cJSON_GetObjectItemCaseSensitive(body, "cluster_name");
	if (!absent(v)) {
		if (!cJSON_IsString(v))
			violation(data, "cluster_name", "cluster_name must be a string");
		else if (!validate_cluster_name(v->valuestring, "cluster_name", why, sizeof(why)))
			violation(data, "cluster_name", why);
		else
			cJSON_AddStringToObject(out, "cluster_name", v->valuestring);
	}
	v = cJSON_GetObjectItemCaseSensitive(body, "resource_group_id");
	if (!absent(v)) {
		const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
		bool ok = s != NULL && strncmp(s, "rg-", 3) == 0 && s[3] != '\0';

		for (const char *p = s != NULL ? s + 3 : ""; ok && *p != '\0'; p++)
			ok = islower((unsigned char)*p) || isdigit((unsigned char)*p);
		if (!cJSON_IsString(v))
			violation(data, "resource_group_id", "resource_group_id must be a string");
		else if (!ok)
			violation(data, "resource_group_id",
			    "resource_group_id must be rg- followed by lower-case letters and "
			    "digits");
		else
			cJSON_AddStringToObject(out, "resource_group_id", s);
	}
	v = cJSON_GetObjectItemCaseSensitive(body, "maintenance_window");
	if (!absent(v)) {
		if (!cJSON_IsObject(v)) {
			violation(data, "maintenance_window", "maintenance_window must be an object");
		} else {
			cJSON *mw = cJSON_CreateObject();
			const cJSON *en = cJSON_GetObjectItemCaseSensitive(v, "enable");

			if (!absent(en) && !cJSON_IsBool(en))
				violation(data, "maintenance_window.enable",
				    "maintenance_window.enable must be a boolean");
			cJSON_AddBoolToObject(mw, "enable", cJSON_IsTrue(en));
			check_window_string(data, mw, v, "maintenance_time", valid_rfc3339,
			    "an RFC 3339 time");
			check_window_string(data, mw, v, "duration", valid_duration,
			    "a number of hours like 3h");
			check_window_string(data, mw, v, "weekly_period", valid_weekly_period,
			    "weekday names like Monday,Thursday");
			cJSON_AddItemToObject(out, "maintenance_window", mw);
		}
	}
	return out;
}

static enum err
modify_apply(struct db_conn *conn, struct call *call)
{
	struct modify_state *st = call->state;
	int64_t now = clock_now(&call->app->clock);
	struct cluster_rec *c = NULL;
	struct lifecycle_plan plan;
	cJSON *spec = NULL, *v;
	const char *name, *state;
	char *spec_text = NULL, *plan_text = NULL;
	bool taken;
	enum err err;

	if ((err = db_settle_deletions(conn, now)) != ERR_OK ||
	    (err = db_cluster_get(conn, call->account, call->req.params[0], &c)) != ERR_OK)
		goto done;
	state = view_cluster_state(c, now);
	if (strcmp(state, "deleted") == 0) {
		err = ERR_CLUSTER_NOT_FOUND;
		goto done;
	}
	if (strcmp(state, "deleting") == 0) {
		err = ERR_CLUSTER_STATE;
		goto done;
	}
	err = ERR_INTERNAL;
	if ((spec = cJSON_Parse(c->spec)) == NULL)
		goto done;
	v = cJSON_GetObjectItemCaseSensitive(st->body, "cluster_name");
	name = v != NULL ? v->valuestring : c->name;
	if (strcmp(name, c->name) != 0) {
		if ((err = db_cluster_name_live(conn, call->account, name, &taken)) != ERR_OK)
			goto done;
		if (taken) {
			snprintf(st->message, sizeof(st->message),
			    "cluster name %s already exist in your clusters", name);
			err = ERR_CLUSTER_NAME_EXISTS;
			goto done;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(spec, "name");
		cJSON_AddStringToObject(spec, "name", name);
	}
	err = ERR_INTERNAL;
	cJSON_ArrayForEach(v, st->body)
	{
		if (strcmp(v->string, "cluster_name") == 0)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(spec, v->string);
		cJSON_AddItemToObject(spec, v->string, cJSON_Duplicate(v, true));
	}
	lifecycle_plan_modify(&plan);
	if ((spec_text = cJSON_PrintUnformatted(spec)) == NULL ||
	    (plan_text = lifecycle_plan_json(&plan)) == NULL)
		goto done;
	struct task_rec t = {
	    .task_id = st->task_id,
	    .cluster_id = c->cluster_id,
	    .account = c->account,
	    .task_type = (char *)lifecycle_task_types[TASK_MODIFY],
	    .state = (char *)lifecycle_task_states[TASK_SUCCESS],
	    .created_ms = now,
	    .updated_ms = now,
	    .parameters = st->parameters,
	    .plan = plan_text,
	};
	if ((err = db_cluster_modify(conn, c->cluster_id, name, spec_text, now)) == ERR_OK)
		err = db_task_insert(conn, &t);
done:
	cJSON_free(spec_text);
	cJSON_free(plan_text);
	cJSON_Delete(spec);
	cluster_rec_free(c);
	return err;
}

static void
modify_finish(struct call *call, enum err err)
{
	struct modify_state *st = call->state;

	if (err == ERR_CLUSTER_NAME_EXISTS) {
		cJSON *data = cJSON_CreateArray(), *item = cJSON_CreateObject();

		cJSON_AddStringToObject(item, "code", err_info(err)->code);
		cJSON_AddStringToObject(item, "message", st->message);
		cJSON_AddStringToObject(item, "parameter", "cluster_name");
		cJSON_AddItemToArray(data, item);
		call_reply_error(call, err, st->message, data);
	} else if (err != ERR_OK) {
		call_reply_error(call, err, NULL, NULL);
	} else {
		reply_task(call, 200, call->req.params[0], st->task_id);
	}
}

void
api_modify_cluster(struct call *call)
{
	struct modify_state *st = NULL;
	cJSON *body, *data = NULL;
	char why[160];

	body = jsonbody_parse(call->req.body, call->req.body_len, why, sizeof(why));
	if (body == NULL) {
		call_reply_error(call, ERR_INVALID_BODY, why, NULL);
		return;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL || (data = cJSON_CreateArray()) == NULL)
		goto internal;
	st->body = modify_validate(body, data);
	if (cJSON_GetArraySize(data) > 0) {
		const cJSON *first = data->child;

		call_reply_error(call, ERR_INVALID_PARAMETER,
		    cJSON_GetObjectItemCaseSensitive(first, "message")->valuestring, data);
		data = NULL;
		goto done;
	}
	ids_task(st->task_id);
	if (st->body == NULL || (st->parameters = cJSON_PrintUnformatted(st->body)) == NULL)
		goto internal;
	call_defer_write(call, modify_apply, modify_finish, st, modify_state_free);
	st = NULL;
	goto done;
internal:
	call_reply_error(call, ERR_INTERNAL, NULL, NULL);
done:
	cJSON_Delete(data);
	cJSON_Delete(body);
	modify_state_free(st);
}

/*
 * The CreateCluster rule engine and its tables. The tables read like
 * create-cluster.md section 2, row for row; the engine does the generic
 * work of section 1 (types, absent values, required values, paths) so a
 * check function sees only a present value of the right JSON type.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonbody.h"
#include "validate.h"

enum vtype {
	T_STRING,
	T_BOOL,
	T_LONG,		/* an integral number, or a string of decimal digits */
	T_BOOL_STRING,	/* a bool, or the string "true" / "false" */
	T_STRING_ARRAY,
	T_OBJECT,
	T_OBJECT_ARRAY,
};

struct rule;

/* A check sees a present value of the rule's type; it reports at most one violation. */
typedef void (*check_fn)(const cJSON *value, const char *path, struct verdict *out);

struct rule {
	const char *name;
	enum vtype type;
	bool required;
	bool zero_absent;	/* 0 is absent: the valid range excludes it */
	check_fn check;
	const struct rule *members;	/* T_OBJECT and T_OBJECT_ARRAY: the members' rules */
};

static const char *const type_names[] = {
	[T_STRING] = "string",
	[T_BOOL] = "boolean",
	[T_LONG] = "integer",
	[T_BOOL_STRING] = "boolean",
	[T_STRING_ARRAY] = "array of strings",
	[T_OBJECT] = "object",
	[T_OBJECT_ARRAY] = "array of objects",
};

static void violate(struct verdict *out, enum err err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
violate(struct verdict *out, enum err err, const char *path, const char *fmt, ...)
{
	struct violation *v;
	va_list ap;

	if (out->n >= VALIDATE_MAX_VIOLATIONS)
		return;
	v = &out->v[out->n++];
	v->err = err;
	snprintf(v->parameter, sizeof(v->parameter), "%s", path);
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
}

/* clang-format off */
static const struct rule runtime_rules[] = {
	/* parameter	type		required	zero_absent	check */
	{ "name",	T_STRING,	false,		false,		NULL },
	{ "version",	T_STRING,	false,		false,		NULL },
	{ NULL },
};

static const struct rule addon_rules[] = {
	{ "name",	T_STRING,	true,		false,		NULL },
	{ "config",	T_STRING,	false,		false,		NULL },
	{ "version",	T_STRING,	false,		false,		NULL },
	{ "disabled",	T_BOOL,		false,		false,		NULL },
	{ NULL },
};

static const struct rule tag_rules[] = {
	{ "key",	T_STRING,	true,		false,		NULL },
	{ "value",	T_STRING,	false,		false,		NULL },
	{ NULL },
};

static const struct rule taint_rules[] = {
	{ "key",	T_STRING,	true,		false,		NULL },
	{ "value",	T_STRING,	false,		false,		NULL },
	{ "effect",	T_STRING,	false,		false,		NULL },
	{ NULL },
};

static const struct rule data_disk_rules[] = {
	{ "category",			T_STRING,	false,	false,	NULL },
	{ "size",			T_LONG,		true,	false,	NULL },
	{ "encrypted",			T_BOOL_STRING,	false,	false,	NULL },
	{ "auto_snapshot_policy_id",	T_STRING,	false,	false,	NULL },
	{ "performance_level",		T_STRING,	false,	false,	NULL },
	{ NULL },
};

/* create-cluster.md section 2, in its order. */
static const struct rule create_cluster_rules[] = {
	/* parameter			type		required  zero_absent  check	members */
	{ "addons",			T_OBJECT_ARRAY,	false,	false,	NULL,	addon_rules },
	{ "cloud_monitor_flags",	T_BOOL,		false,	false,	NULL },
	{ "cluster_type",		T_STRING,	true,	false,	NULL },
	{ "container_cidr",		T_STRING,	false,	false,	NULL },
	{ "cpu_policy",			T_STRING,	false,	false,	NULL },
	{ "deletion_protection",	T_BOOL,		false,	false,	NULL },
	{ "disable_rollback",		T_BOOL,		false,	false,	NULL },
	{ "endpoint_public_access",	T_BOOL,		false,	false,	NULL },
	{ "is_enterprise_security_group", T_BOOL,	false,	false,	NULL },
	{ "key_pair",			T_STRING,	false,	false,	NULL },
	{ "kubernetes_version",		T_STRING,	false,	false,	NULL },
	{ "login_password",		T_STRING,	false,	false,	NULL },
	{ "name",			T_STRING,	true,	false,	NULL },
	{ "node_cidr_mask",		T_LONG,		false,	false,	NULL },
	{ "node_port_range",		T_STRING,	false,	false,	NULL },
	{ "num_of_nodes",		T_LONG,		false,	false,	NULL },
	{ "pod_vswitch_ids",		T_STRING_ARRAY,	false,	false,	NULL },
	{ "proxy_mode",			T_STRING,	false,	false,	NULL },
	{ "region_id",			T_STRING,	true,	false,	NULL },
	{ "runtime",			T_OBJECT,	false,	false,	NULL,	runtime_rules },
	{ "security_group_id",		T_STRING,	false,	false,	NULL },
	{ "service_cidr",		T_STRING,	false,	false,	NULL },
	{ "snat_entry",			T_BOOL,		false,	false,	NULL },
	{ "ssh_flags",			T_BOOL,		false,	false,	NULL },
	{ "tags",			T_OBJECT_ARRAY,	false,	false,	NULL,	tag_rules },
	{ "taints",			T_OBJECT_ARRAY,	false,	false,	NULL,	taint_rules },
	{ "timeout_mins",		T_LONG,		false,	true,	NULL },
	{ "user_data",			T_STRING,	false,	false,	NULL },
	{ "vpcid",			T_STRING,	false,	false,	NULL },
	{ "vswitch_ids",		T_STRING_ARRAY,	false,	false,	NULL },
	{ "worker_auto_renew",		T_BOOL,		false,	false,	NULL },
	{ "worker_auto_renew_period",	T_LONG,		false,	true,	NULL },
	{ "worker_data_disks",		T_OBJECT_ARRAY,	false,	false,	NULL,	data_disk_rules },
	{ "worker_instance_charge_type", T_STRING,	false,	false,	NULL },
	{ "worker_instance_types",	T_STRING_ARRAY,	false,	false,	NULL },
	{ "worker_period",		T_LONG,		false,	true,	NULL },
	{ "worker_period_unit",		T_STRING,	false,	false,	NULL },
	{ "worker_system_disk_category", T_STRING,	false,	false,	NULL },
	{ "worker_system_disk_size",	T_LONG,		false,	true,	NULL },
	{ "worker_vswitch_ids",		T_STRING_ARRAY,	false,	false,	NULL },
	{ "zone_id",			T_STRING,	false,	false,	NULL },
	{ "resource_group_id",		T_STRING,	false,	false,	NULL },
	{ "profile",			T_STRING,	false,	false,	NULL },
	{ "cluster_spec",		T_STRING,	false,	false,	NULL },
	{ "timezone",			T_STRING,	false,	false,	NULL },
	{ "logging_type",		T_STRING,	false,	false,	NULL },
	{ "ip_stack",			T_STRING,	false,	false,	NULL },
	{ "cluster_domain",		T_STRING,	false,	false,	NULL },
	{ NULL },
};
/* clang-format on */

/* True when v is a number written without fraction or exponent, or a string of digits. */
static bool
long_value(const cJSON *v, long long *out)
{
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if ((v->type & JSONBODY_NOT_INTEGRAL) != 0 || d != floor(d) || fabs(d) > 9e15)
			return false;
		*out = (long long)d;
		return true;
	}
	if (cJSON_IsString(v)) {
		const char *s = v->valuestring;
		long long n = 0;

		if (*s == '\0' || strlen(s) > 15)
			return false;
		for (; *s != '\0'; s++) {
			if (*s < '0' || *s > '9')
				return false;
			n = n * 10 + (*s - '0');
		}
		*out = n;
		return true;
	}
	return false;
}

static bool is_absent(const cJSON *v, const struct rule *r);

static bool
object_absent(const cJSON *v, const struct rule *members)
{
	for (const cJSON *c = v->child; c != NULL; c = c->next) {
		const struct rule *m = NULL;

		for (const struct rule *r = members; r != NULL && r->name != NULL; r++)
			if (strcmp(r->name, c->string) == 0)
				m = r;
		if (m == NULL ? !(cJSON_IsNull(c) ||
				    (cJSON_IsString(c) && c->valuestring[0] == '\0'))
			      : !is_absent(c, m))
			return false;
	}
	return true;
}

/* create-cluster.md section 1: what counts as not given at all. */
static bool
is_absent(const cJSON *v, const struct rule *r)
{
	long long n;

	if (v == NULL || cJSON_IsNull(v))
		return true;
	if (cJSON_IsString(v) && v->valuestring[0] == '\0')
		return true;
	if (cJSON_IsArray(v) && v->child == NULL &&
	    (r->type == T_STRING_ARRAY || r->type == T_OBJECT_ARRAY))
		return true;
	if (cJSON_IsObject(v) && r->type == T_OBJECT)
		return object_absent(v, r->members);
	if (r->zero_absent && long_value(v, &n) && n == 0)
		return true;
	return false;
}

static bool
type_ok(const cJSON *v, enum vtype type)
{
	long long n;

	switch (type) {
	case T_STRING:
		return cJSON_IsString(v);
	case T_BOOL:
		return cJSON_IsBool(v);
	case T_LONG:
		return long_value(v, &n);
	case T_BOOL_STRING:
		return cJSON_IsBool(v) || (cJSON_IsString(v) &&
						 (strcmp(v->valuestring, "true") == 0 ||
						     strcmp(v->valuestring, "false") == 0));
	case T_STRING_ARRAY:
		if (!cJSON_IsArray(v))
			return false;
		for (const cJSON *c = v->child; c != NULL; c = c->next)
			if (!cJSON_IsString(c))
				return false;
		return true;
	case T_OBJECT:
		return cJSON_IsObject(v);
	case T_OBJECT_ARRAY:
		return cJSON_IsArray(v);
	}
	return false;
}

/*
 * Checks one value against its rule: presence, type, members, the rule's
 * own check. Reports the first failure only and returns false after it.
 */
static bool
check_value(const cJSON *v, const struct rule *r, const char *path, struct verdict *out);

static bool
check_members(const cJSON *obj, const struct rule *members, const char *path, struct verdict *out)
{
	for (const struct rule *m = members; m->name != NULL; m++) {
		char sub[128];

		snprintf(sub, sizeof(sub), "%s.%s", path, m->name);
		if (!check_value(cJSON_GetObjectItemCaseSensitive(obj, m->name), m, sub, out))
			return false;
	}
	return true;
}

static bool
check_value(const cJSON *v, const struct rule *r, const char *path, struct verdict *out)
{
	size_t before = out->n;

	if (is_absent(v, r)) {
		if (!r->required)
			return true;
		violate(out, ERR_MISSING_PARAMETER, path, "%s is required", path);
		return false;
	}
	if (!type_ok(v, r->type)) {
		violate(out, ERR_INVALID_PARAMETER, path, "%s must be a %s", path,
		    type_names[r->type]);
		return false;
	}
	if (r->type == T_OBJECT && !check_members(v, r->members, path, out))
		return false;
	if (r->type == T_OBJECT_ARRAY) {
		int i = 0;

		for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
			char sub[128];

			snprintf(sub, sizeof(sub), "%s[%d]", path, i);
			if (!cJSON_IsObject(e)) {
				violate(out, ERR_INVALID_PARAMETER, sub, "%s must be an object",
				    sub);
				return false;
			}
			if (!check_members(e, r->members, sub, out))
				return false;
		}
	}
	if (r->check != NULL)
		r->check(v, path, out);
	return out->n == before;
}

static const struct rule *
find_rule(const char *name)
{
	for (const struct rule *r = create_cluster_rules; r->name != NULL; r++)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

static void
note_unknown(const cJSON *body, const struct validate_options *opts, struct verdict *out)
{
	for (const cJSON *c = body->child; c != NULL; c = c->next) {
		size_t used = strlen(out->ignored);

		if (find_rule(c->string) != NULL)
			continue;
		if (opts->strict_parameters)
			violate(out, ERR_INVALID_PARAMETER, c->string, "unknown parameter %s",
			    c->string);
		if (used + strlen(c->string) + 2 < sizeof(out->ignored))
			snprintf(out->ignored + used, sizeof(out->ignored) - used, "%s%s",
			    used != 0 ? "," : "", c->string);
	}
}

/* Copies a present, non-secret parameter into the resolved spec, or its default. */
static void
resolve_copy(cJSON *spec, const cJSON *body, const char *name, const char *fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
	const struct rule *r = find_rule(name);

	if (!is_absent(v, r))
		cJSON_AddItemToObject(spec, name, cJSON_Duplicate(v, true));
	else if (fallback != NULL)
		cJSON_AddStringToObject(spec, name, fallback);
}

/* create-cluster.md section 4. Secrets (login_password, key_pair) are never copied. */
static cJSON *
resolve_spec(const cJSON *body)
{
	static const char *const copied[] = {
	    "name", "region_id", "cluster_type", "zone_id", "vpcid", "vswitch_ids",
	    "worker_vswitch_ids", "pod_vswitch_ids", "container_cidr", "service_cidr",
	    "security_group_id", "resource_group_id", "kubernetes_version", "runtime", "addons",
	    "tags", "taints", "deletion_protection", "disable_rollback", "endpoint_public_access",
	    "snat_entry", "ssh_flags", "cloud_monitor_flags", "is_enterprise_security_group",
	    "worker_instance_types", "worker_data_disks", "worker_instance_charge_type",
	    "worker_period", "worker_period_unit", "worker_auto_renew",
	    "worker_auto_renew_period", "worker_system_disk_category", "worker_system_disk_size",
	    "num_of_nodes", "timeout_mins", "logging_type",
	};
	cJSON *spec = cJSON_CreateObject();

	if (spec == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		resolve_copy(spec, body, copied[i], NULL);
	resolve_copy(spec, body, "profile", "Default");
	resolve_copy(spec, body, "cluster_spec", "ack.standard");
	resolve_copy(spec, body, "proxy_mode", "ipvs");
	resolve_copy(spec, body, "cpu_policy", "none");
	resolve_copy(spec, body, "node_port_range", "30000~32767");
	resolve_copy(spec, body, "ip_stack", "ipv4");
	resolve_copy(spec, body, "cluster_domain", "cluster.local");
	resolve_copy(spec, body, "timezone", NULL);
	resolve_copy(spec, body, "node_cidr_mask", "25");
	return spec;
}

size_t
validate_create(const cJSON *body, const struct validate_options *opts, struct verdict *out,
    cJSON **spec)
{
	memset(out, 0, sizeof(*out));
	for (const struct rule *r = create_cluster_rules; r->name != NULL; r++)
		check_value(cJSON_GetObjectItemCaseSensitive(body, r->name), r, r->name, out);
	note_unknown(body, opts, out);
	if (out->n == 0 && spec != NULL) {
		*spec = resolve_spec(body);
		if (*spec == NULL)
			violate(out, ERR_INTERNAL, "", "out of memory");
	}
	return out->n;
}

cJSON *
validate_data(const struct verdict *v)
{
	cJSON *data = cJSON_CreateArray();

	if (data == NULL)
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		cJSON *item = cJSON_CreateObject();

		cJSON_AddStringToObject(item, "code", err_info(v->v[i].err)->code);
		cJSON_AddStringToObject(item, "message", v->v[i].message);
		cJSON_AddStringToObject(item, "parameter", v->v[i].parameter);
		cJSON_AddItemToArray(data, item);
	}
	return data;
}

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "timefmt.h"
#include "view.h"

static const char *
spec_string(const cJSON *spec, const char *key, const char *fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);

	return cJSON_IsString(v) ? v->valuestring : fallback;
}

static bool
spec_bool(const cJSON *spec, const char *key, bool fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);

	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : fallback;
}

static void
add_time(cJSON *obj, const char *key, int64_t ms)
{
	char buf[TIMEFMT_LEN];

	timefmt_rfc3339(ms, buf);
	cJSON_AddStringToObject(obj, key, buf);
}

static cJSON *
string_array(const cJSON *spec, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);

	return cJSON_IsArray(v) ? cJSON_Duplicate(v, true) : cJSON_CreateArray();
}

static char *
joined(const cJSON *array)
{
	size_t len = 1;
	char *out;

	for (const cJSON *c = array->child; c != NULL; c = c->next)
		len += strlen(c->valuestring) + 1;
	if ((out = calloc(1, len)) == NULL)
		return NULL;
	for (const cJSON *c = array->child; c != NULL; c = c->next) {
		if (c != array->child)
			strcat(out, ",");
		strcat(out, c->valuestring);
	}
	return out;
}

static cJSON *
meta_data(const cJSON *spec, const char *version)
{
	cJSON *meta = cJSON_CreateObject(), *caps, *addons, *rrsa;
	const cJSON *runtime = cJSON_GetObjectItemCaseSensitive(spec, "runtime");
	const cJSON *req_addons = cJSON_GetObjectItemCaseSensitive(spec, "addons");
	const char *network = "Flannel";

	addons = cJSON_AddArrayToObject(meta, "Addons");
	for (const cJSON *a = req_addons != NULL ? req_addons->child : NULL; a != NULL;
	     a = a->next) {
		const char *name = spec_string(a, "name", "");
		cJSON *item = cJSON_CreateObject();

		if (strncmp(name, "terway", 6) == 0)
			network = "Terway";
		cJSON_AddStringToObject(item, "name", name);
		cJSON_AddStringToObject(item, "config", spec_string(a, "config", ""));
		cJSON_AddBoolToObject(item, "disabled", spec_bool(a, "disabled", false));
		cJSON_AddItemToArray(addons, item);
	}
	caps = cJSON_AddObjectToObject(meta, "Capabilities");
	cJSON_AddStringToObject(caps, "Network", network);
	cJSON_AddStringToObject(caps, "NodeCIDRMask", spec_string(spec, "node_cidr_mask", "25"));
	cJSON_AddStringToObject(caps, "ProxyMode", spec_string(spec, "proxy_mode", "ipvs"));
	cJSON_AddBoolToObject(caps, "SandboxRuntime", true);
	cJSON_AddStringToObject(meta, "KubernetesVersion", version);
	cJSON_AddStringToObject(meta, "Runtime", spec_string(runtime, "name", ""));
	cJSON_AddStringToObject(meta, "RuntimeVersion", spec_string(runtime, "version", ""));
	rrsa = cJSON_AddObjectToObject(meta, "RRSAConfig");
	cJSON_AddBoolToObject(rrsa, "enabled", false);
	cJSON_AddNullToObject(meta, "ExtraCertSAN");
	cJSON_AddStringToObject(meta, "VpcCidr", spec_string(spec, "vpc_cidr", ""));
	return meta;
}

static void
add_json_string(cJSON *obj, const char *key, cJSON *doc)
{
	char *text = cJSON_PrintUnformatted(doc);

	cJSON_AddStringToObject(obj, key, text != NULL ? text : "{}");
	cJSON_free(text);
	cJSON_Delete(doc);
}

cJSON *
view_cluster(const struct cluster_rec *c)
{
	cJSON *spec = cJSON_Parse(c->spec);
	cJSON *out = cJSON_CreateObject(), *vsw, *tags, *mw, *params;
	const char *version = spec_string(spec, "kubernetes_version", "");
	char *vsw_joined;

	if (spec == NULL || out == NULL) {
		cJSON_Delete(spec);
		cJSON_Delete(out);
		return NULL;
	}
	cJSON_AddStringToObject(out, "cluster_id", c->cluster_id);
	cJSON_AddStringToObject(out, "name", c->name);
	cJSON_AddStringToObject(out, "region_id", c->region_id);
	cJSON_AddStringToObject(out, "zone_id", spec_string(spec, "zone_id", ""));
	cJSON_AddStringToObject(out, "cluster_type", c->cluster_type);
	cJSON_AddStringToObject(out, "profile", spec_string(spec, "profile", "Default"));
	cJSON_AddStringToObject(out, "cluster_spec",
	    spec_string(spec, "cluster_spec", "ack.standard"));
	cJSON_AddStringToObject(out, "state", c->state);
	cJSON_AddNumberToObject(out, "size", 0);
	add_time(out, "created", c->created_ms);
	add_time(out, "updated", c->updated_ms);
	cJSON_AddStringToObject(out, "init_version", version);
	cJSON_AddStringToObject(out, "current_version", version);
	cJSON_AddStringToObject(out, "next_version", "");
	cJSON_AddBoolToObject(out, "deletion_protection",
	    spec_bool(spec, "deletion_protection", false));
	cJSON_AddBoolToObject(out, "private_zone", false);
	cJSON_AddStringToObject(out, "resource_group_id",
	    spec_string(spec, "resource_group_id", ""));
	cJSON_AddStringToObject(out, "vpc_id", spec_string(spec, "vpcid", ""));
	cJSON_AddStringToObject(out, "security_group_id",
	    spec_string(spec, "security_group_id", ""));
	vsw = string_array(spec, "vswitch_ids");
	vsw_joined = joined(vsw);
	cJSON_AddItemToObject(out, "vswitch_ids", vsw);
	cJSON_AddStringToObject(out, "vswitch_id", vsw_joined != NULL ? vsw_joined : "");
	free(vsw_joined);
	cJSON_AddStringToObject(out, "container_cidr", spec_string(spec, "container_cidr", ""));
	cJSON_AddStringToObject(out, "service_cidr", spec_string(spec, "service_cidr", ""));
	cJSON_AddStringToObject(out, "node_cidr_mask", spec_string(spec, "node_cidr_mask", "25"));
	cJSON_AddStringToObject(out, "proxy_mode", spec_string(spec, "proxy_mode", "ipvs"));
	cJSON_AddStringToObject(out, "timezone", spec_string(spec, "timezone", ""));
	cJSON_AddStringToObject(out, "ip_stack", "ipv4");
	cJSON_AddStringToObject(out, "network_mode", "vpc");
	cJSON_AddStringToObject(out, "cluster_domain",
	    spec_string(spec, "cluster_domain", "cluster.local"));
	cJSON_AddStringToObject(out, "subnet_cidr", spec_string(spec, "container_cidr", ""));
	cJSON_AddStringToObject(out, "docker_version", "");
	cJSON_AddStringToObject(out, "worker_ram_role_name",
	    spec_string(spec, "worker_ram_role_name", ""));
	cJSON_AddStringToObject(out, "external_loadbalancer_id", "");
	cJSON_AddStringToObject(out, "master_url", "");
	add_json_string(out, "meta_data", meta_data(spec, version));
	tags = string_array(spec, "tags");
	cJSON_AddItemToObject(out, "tags", tags);
	mw = cJSON_AddObjectToObject(out, "maintenance_window");
	cJSON_AddBoolToObject(mw, "enable", false);
	cJSON_AddStringToObject(mw, "maintenance_time", "");
	cJSON_AddStringToObject(mw, "duration", "");
	cJSON_AddStringToObject(mw, "weekly_period", "");
	params = cJSON_AddObjectToObject(out, "parameters");
	(void)params;
	cJSON_Delete(spec);
	return out;
}

cJSON *
view_task(const struct task_rec *t)
{
	cJSON *out = cJSON_CreateObject(), *target, *stages, *stage, *events, *result, *error;
	cJSON *params = cJSON_Parse(t->parameters);
	char start[TIMEFMT_LEN];

	if (out == NULL) {
		cJSON_Delete(params);
		return NULL;
	}
	cJSON_AddStringToObject(out, "task_id", t->task_id);
	cJSON_AddStringToObject(out, "cluster_id", t->cluster_id);
	cJSON_AddStringToObject(out, "task_type", t->task_type);
	cJSON_AddStringToObject(out, "state", t->state);
	add_time(out, "created", t->created_ms);
	add_time(out, "updated", t->updated_ms);
	cJSON_AddStringToObject(out, "current_stage", "PrepareResources");
	target = cJSON_AddObjectToObject(out, "target");
	cJSON_AddStringToObject(target, "id", t->cluster_id);
	cJSON_AddStringToObject(target, "type", "cluster");
	cJSON_AddItemToObject(out, "parameters", params != NULL ? params : cJSON_CreateObject());
	stages = cJSON_AddArrayToObject(out, "stages");
	stage = cJSON_CreateObject();
	timefmt_stage(t->created_ms, start);
	cJSON_AddStringToObject(stage, "state", "running");
	cJSON_AddStringToObject(stage, "start_time", start);
	cJSON_AddStringToObject(stage, "end_time", "");
	cJSON_AddStringToObject(stage, "message", "");
	cJSON_AddObjectToObject(stage, "outputs");
	cJSON_AddItemToArray(stages, stage);
	events = cJSON_AddArrayToObject(out, "events");
	(void)events;
	result = cJSON_AddArrayToObject(out, "task_result");
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "data", t->cluster_id);
	cJSON_AddStringToObject(r, "status", "initial");
	cJSON_AddItemToArray(result, r);
	error = cJSON_AddObjectToObject(out, "error");
	cJSON_AddStringToObject(error, "code", "");
	cJSON_AddStringToObject(error, "message", "");
	return out;
}

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lifecycle.h"
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

/*
 * A stable pseudo-random value for the resources a cluster implies but the
 * request does not name (an auto-created VPC, the security group, the API
 * server's public address, the kubeconfig's certificates): FNV-1a of the
 * cluster id and a salt, so that every read shows the same.
 */
static uint64_t
derived_hash(const char *cluster_id, const char *salt)
{
	uint64_t h = 14695981039346656037u;

	for (const char *p = cluster_id; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	for (const char *p = salt; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	return h;
}

/* prefix + 20 lower-case alphanumerics derived from the cluster id; out holds 32 bytes. */
static void
derived_id(const char *cluster_id, const char *prefix, char out[32])
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint64_t h = derived_hash(cluster_id, prefix);
	size_t n = (size_t)snprintf(out, 32, "%s", prefix);

	for (int i = 0; i < 20 && n < 31; i++) {
		if (i == 10) {
			out[n] = '\0';
			h = derived_hash(cluster_id, out);
		}
		out[n++] = alnum[h % 36];
		h /= 36;
	}
	out[n] = '\0';
}

static bool
auto_vpc(const cJSON *spec)
{
	return spec_string(spec, "vpcid", "")[0] == '\0';
}

static void
vpc_id(const struct cluster_rec *c, const cJSON *spec, char out[32])
{
	if (auto_vpc(spec))
		derived_id(c->cluster_id, "vpc-", out);
	else
		snprintf(out, 32, "%s", spec_string(spec, "vpcid", ""));
}

static void
security_group_id(const struct cluster_rec *c, const cJSON *spec, char out[32])
{
	const char *given = spec_string(spec, "security_group_id", "");

	if (given[0] != '\0')
		snprintf(out, 32, "%s", given);
	else
		derived_id(c->cluster_id, "sg-", out);
}

static bool
running_at(const struct cluster_rec *c, int64_t now)
{
	return c->running_ms <= now;
}

static cJSON *
master_url(const struct cluster_rec *c, const cJSON *spec)
{
	cJSON *doc = cJSON_CreateObject();
	char url[96];
	uint64_t h = derived_hash(c->cluster_id, "eip");

	/* endpoint_public_access defaults to true (create-cluster.md section 2). */
	if (spec_bool(spec, "endpoint_public_access", true))
		snprintf(url, sizeof(url), "https://47.%u.%u.%u:6443", (unsigned)(h % 256),
		    (unsigned)(h / 256 % 256), (unsigned)(h / 65536 % 254 + 1));
	else
		url[0] = '\0';
	cJSON_AddStringToObject(doc, "api_server_endpoint", url);
	snprintf(url, sizeof(url), "https://%s:6443", c->api_ip);
	cJSON_AddStringToObject(doc, "intranet_api_server_endpoint", url);
	return doc;
}

static cJSON *
maintenance_window(const cJSON *spec)
{
	const cJSON *mw = cJSON_GetObjectItemCaseSensitive(spec, "maintenance_window");
	cJSON *out = cJSON_CreateObject();

	cJSON_AddBoolToObject(out, "enable", spec_bool(mw, "enable", false));
	cJSON_AddStringToObject(out, "maintenance_time", spec_string(mw, "maintenance_time", ""));
	cJSON_AddStringToObject(out, "duration", spec_string(mw, "duration", ""));
	cJSON_AddStringToObject(out, "weekly_period", spec_string(mw, "weekly_period", ""));
	return out;
}

const char *
view_cluster_state(const struct cluster_rec *c, int64_t now)
{
	if (c->settle_state != NULL && c->settle_ms <= now)
		return c->settle_state;
	return c->state;
}

cJSON *
view_cluster(const struct cluster_rec *c, int64_t now, int64_t size)
{
	cJSON *spec = cJSON_Parse(c->spec);
	cJSON *out = cJSON_CreateObject(), *vsw, *tags, *params;
	const char *version = spec_string(spec, "kubernetes_version", "");
	char *vsw_joined;
	char id[32];
	bool running = running_at(c, now);

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
	cJSON_AddStringToObject(out, "state", view_cluster_state(c, now));
	cJSON_AddNumberToObject(out, "size", (double)(size < 0 ? 0 : size));
	add_time(out, "created", c->created_ms);
	add_time(out, "updated",
	    c->settle_state != NULL && c->settle_ms <= now ? c->settle_ms : c->updated_ms);
	cJSON_AddStringToObject(out, "init_version", version);
	cJSON_AddStringToObject(out, "current_version", version);
	cJSON_AddStringToObject(out, "next_version", "");
	cJSON_AddBoolToObject(out, "deletion_protection",
	    spec_bool(spec, "deletion_protection", false));
	cJSON_AddBoolToObject(out, "private_zone", false);
	cJSON_AddStringToObject(out, "resource_group_id",
	    spec_string(spec, "resource_group_id", ""));
	vpc_id(c, spec, id);
	cJSON_AddStringToObject(out, "vpc_id", id);
	security_group_id(c, spec, id);
	cJSON_AddStringToObject(out, "security_group_id", id);
	vsw = string_array(spec, "vswitch_ids");
	if (auto_vpc(spec) && cJSON_GetArraySize(vsw) == 0) {
		derived_id(c->cluster_id, "vsw-", id);
		cJSON_AddItemToArray(vsw, cJSON_CreateString(id));
	}
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
	cJSON_AddStringToObject(out, "external_loadbalancer_id",
	    c->lb_from_ms <= now && now < c->lb_until_ms ? c->lb_id : "");
	if (running)
		add_json_string(out, "master_url", master_url(c, spec));
	else
		cJSON_AddStringToObject(out, "master_url", "");
	add_json_string(out, "meta_data", meta_data(spec, version));
	tags = string_array(spec, "tags");
	if (running) {
		cJSON *tag = cJSON_CreateObject();

		cJSON_AddStringToObject(tag, "key", "ack.aliyun.com");
		cJSON_AddStringToObject(tag, "value", c->cluster_id);
		cJSON_AddItemToArray(tags, tag);
	}
	cJSON_AddItemToObject(out, "tags", tags);
	cJSON_AddItemToObject(out, "maintenance_window", maintenance_window(spec));
	params = cJSON_AddObjectToObject(out, "parameters");
	(void)params;
	cJSON_Delete(spec);
	return out;
}

/* The task_result status of a task state: a running task's cluster is still "initial". */
static const char *
result_status(enum task_state s)
{
	return s == TASK_RUNNING ? "initial" : lifecycle_task_states[s];
}

static void
add_error(cJSON *obj, const char *code, const char *message)
{
	cJSON *error = cJSON_AddObjectToObject(obj, "error");

	cJSON_AddStringToObject(error, "code", code);
	cJSON_AddStringToObject(error, "message", message);
}

/* The shape of a task whose plan does not parse: only what the row says. */
static cJSON *
task_unplanned(const struct task_rec *t, cJSON *out)
{
	cJSON_AddStringToObject(out, "state", t->state);
	add_time(out, "created", t->created_ms);
	add_time(out, "updated", t->updated_ms);
	cJSON_AddStringToObject(out, "current_stage", "");
	cJSON_AddArrayToObject(out, "stages");
	cJSON_AddArrayToObject(out, "events");
	cJSON_AddArrayToObject(out, "task_result");
	add_error(out, "", "");
	return out;
}

static void
add_stages(cJSON *out, const struct lifecycle_timeline *tl, int64_t now)
{
	cJSON *stages = cJSON_AddArrayToObject(out, "stages");
	char when[TIMEFMT_LEN];

	for (size_t i = 0; i < tl->nspans; i++) {
		const struct lifecycle_span *sp = &tl->spans[i];
		bool ended = sp->end_ms <= now;
		cJSON *stage;

		if (sp->start_ms > now)
			break;
		stage = cJSON_CreateObject();
		cJSON_AddStringToObject(stage, "state",
		    !ended ? "running" : sp->failed ? "failed" : "success");
		timefmt_stage(sp->start_ms, when);
		cJSON_AddStringToObject(stage, "start_time", when);
		if (ended)
			timefmt_stage(sp->end_ms, when);
		cJSON_AddStringToObject(stage, "end_time", ended ? when : "");
		cJSON_AddStringToObject(stage, "message",
		    !ended ? "" : sp->failed ? tl->error_message : lifecycle_stage(sp->stage)->done);
		cJSON_AddObjectToObject(stage, "outputs");
		cJSON_AddItemToArray(stages, stage);
	}
}

static void
add_events(cJSON *out, const struct lifecycle_plan *p, const struct lifecycle_timeline *tl,
    int64_t now)
{
	struct lifecycle_event ev[LIFECYCLE_MAX_EVENTS];
	size_t n = lifecycle_events(p, tl, now, ev, LIFECYCLE_MAX_EVENTS);
	cJSON *events = cJSON_AddArrayToObject(out, "events");
	char ms[24];

	for (size_t i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "action", ev[i].action);
		cJSON_AddStringToObject(e, "level", ev[i].level);
		cJSON_AddStringToObject(e, "message", ev[i].message);
		cJSON_AddStringToObject(e, "reason", ev[i].reason);
		cJSON_AddStringToObject(e, "source", "ACK");
		/* A string of epoch milliseconds [real]. */
		snprintf(ms, sizeof(ms), "%lld", (long long)ev[i].ms);
		cJSON_AddStringToObject(e, "timestamp", ms);
		cJSON_AddItemToArray(events, e);
	}
}

cJSON *
view_task(const struct task_rec *t, int64_t now)
{
	cJSON *out = cJSON_CreateObject(), *target, *result, *r;
	cJSON *params = cJSON_Parse(t->parameters);
	struct lifecycle_plan plan;
	struct lifecycle_timeline tl;
	enum task_state state;
	const char *stage;

	if (out == NULL) {
		cJSON_Delete(params);
		return NULL;
	}
	cJSON_AddStringToObject(out, "task_id", t->task_id);
	cJSON_AddStringToObject(out, "cluster_id", t->cluster_id);
	cJSON_AddStringToObject(out, "task_type", t->task_type);
	target = cJSON_AddObjectToObject(out, "target");
	cJSON_AddStringToObject(target, "id", t->cluster_id);
	cJSON_AddStringToObject(target, "type", "cluster");
	cJSON_AddItemToObject(out, "parameters", params != NULL ? params : cJSON_CreateObject());
	if (!lifecycle_plan_parse(t->plan, &plan))
		return task_unplanned(t, out);
	lifecycle_timeline(&plan, t->created_ms, &tl);
	state = lifecycle_task_state(&tl, now);
	stage = lifecycle_current_stage(&tl, now);
	cJSON_AddStringToObject(out, "state", lifecycle_task_states[state]);
	add_time(out, "created", t->created_ms);
	add_time(out, "updated", lifecycle_task_updated(&tl, now));
	cJSON_AddStringToObject(out, "current_stage", stage != NULL ? stage : "");
	add_stages(out, &tl, now);
	add_events(out, &plan, &tl, now);
	result = cJSON_AddArrayToObject(out, "task_result");
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "data", t->cluster_id);
	cJSON_AddStringToObject(r, "status", result_status(state));
	cJSON_AddItemToArray(result, r);
	if (state == TASK_FAILED)
		add_error(out, tl.error_code, tl.error_message);
	else
		add_error(out, "", "");
	return out;
}

cJSON *
view_task_brief(const struct task_rec *t, int64_t now)
{
	cJSON *full = view_task(t, now), *out;
	static const char *const keys[] = {"task_id", "task_type", "state", "created", "updated",
	    "error"};

	if (full == NULL || (out = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(full);
		return NULL;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(full, keys[i]);

		if (v != NULL)
			cJSON_AddItemToObject(out, keys[i], v);
	}
	cJSON_Delete(full);
	return out;
}

cJSON *
view_node(const struct node_rec *n, const struct cluster_rec *c)
{
	cJSON *out = cJSON_CreateObject(), *ips;
	cJSON *spec = cJSON_Parse(c->spec);
	const cJSON *runtime = cJSON_GetObjectItemCaseSensitive(spec, "runtime");
	char family[64];
	const char *dot;

	if (out == NULL) {
		cJSON_Delete(spec);
		return NULL;
	}
	/* "ecs.g6.large" belongs to family "ecs.g6". */
	dot = strrchr(n->instance_type, '.');
	snprintf(family, sizeof(family), "%.*s",
	    dot != NULL ? (int)(dot - n->instance_type) : (int)strlen(n->instance_type),
	    n->instance_type);
	add_time(out, "creation_time", n->created_ms);
	cJSON_AddStringToObject(out, "error_message", "");
	add_time(out, "expired_time", INT64_MIN);
	cJSON_AddStringToObject(out, "host_name", n->node_name);
	cJSON_AddStringToObject(out, "image_id", "aliyun_3_x64_20G_alibase_20240819.vhd");
	cJSON_AddStringToObject(out, "instance_charge_type",
	    spec_string(spec, "worker_instance_charge_type", "PostPaid"));
	cJSON_AddStringToObject(out, "instance_id", n->instance_id);
	cJSON_AddStringToObject(out, "instance_name", n->node_name);
	cJSON_AddStringToObject(out, "instance_role", "Worker");
	cJSON_AddStringToObject(out, "instance_status", "Running");
	cJSON_AddStringToObject(out, "instance_type", n->instance_type);
	cJSON_AddStringToObject(out, "instance_type_family", family);
	ips = cJSON_AddArrayToObject(out, "ip_address");
	cJSON_AddItemToArray(ips, cJSON_CreateString(n->ip_address));
	cJSON_AddBoolToObject(out, "is_aliyun_node", true);
	cJSON_AddStringToObject(out, "node_name", n->node_name);
	cJSON_AddStringToObject(out, "node_status", "Ready");
	cJSON_AddStringToObject(out, "nodepool_id", "");
	cJSON_AddStringToObject(out, "source", "ess_attach");
	cJSON_AddStringToObject(out, "spot_strategy", "NoSpot");
	cJSON_AddStringToObject(out, "state", "running");
	cJSON_AddStringToObject(out, "runtime", spec_string(runtime, "name", ""));
	cJSON_AddStringToObject(out, "runtime_version", spec_string(runtime, "version", ""));
	cJSON_Delete(spec);
	return out;
}

static void
add_resource(cJSON *array, const struct cluster_rec *c, int64_t created, const char *id,
    const char *type, bool auto_create)
{
	cJSON *r = cJSON_CreateObject(), *info = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "cluster_id", c->cluster_id);
	add_time(r, "created", created);
	cJSON_AddStringToObject(r, "instance_id", id);
	cJSON_AddStringToObject(r, "resource_type", type);
	cJSON_AddStringToObject(info, "id", id);
	cJSON_AddStringToObject(info, "type", type);
	add_json_string(r, "resource_info", info);
	cJSON_AddStringToObject(r, "state", "CREATE_COMPLETE");
	cJSON_AddNumberToObject(r, "auto_create", auto_create ? 1 : 0);
	cJSON_AddStringToObject(r, "creator_type", "system");
	cJSON_AddItemToArray(array, r);
}

cJSON *
view_resources(const struct cluster_rec *c, int64_t now)
{
	cJSON *spec = cJSON_Parse(c->spec);
	cJSON *out = cJSON_CreateArray();
	char id[32];
	/* CreateNetwork ends 40 virtual seconds in (lifecycle.md section 3). */
	int64_t network_ms = c->created_ms + 40000;

	if (spec == NULL || out == NULL) {
		cJSON_Delete(spec);
		cJSON_Delete(out);
		return NULL;
	}
	if (c->lb_from_ms <= now && now < c->lb_until_ms)
		add_resource(out, c, c->lb_from_ms, c->lb_id, "ALIYUN::SLB::LoadBalancer", true);
	if (network_ms <= now || running_at(c, now)) {
		bool given = spec_string(spec, "security_group_id", "")[0] != '\0';

		security_group_id(c, spec, id);
		add_resource(out, c, network_ms, id, "ALIYUN::ECS::SecurityGroup", !given);
		if (spec_bool(spec, "snat_entry", false)) {
			derived_id(c->cluster_id, "ngw-", id);
			add_resource(out, c, network_ms, id, "ALIYUN::VPC::NatGateway", true);
		}
		if (auto_vpc(spec)) {
			vpc_id(c, spec, id);
			add_resource(out, c, network_ms, id, "ALIYUN::ECS::VPC", true);
		}
	}
	cJSON_Delete(spec);
	return out;
}

/* Base64 of text, malloc'd; NULL when out of memory. */
static char *
base64(const char *text)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(text), o = 0;
	char *out = malloc((len + 2) / 3 * 4 + 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)text[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)(unsigned char)text[i + 1] << 8;
		if (i + 2 < len)
			v |= (unsigned char)text[i + 2];
		out[o++] = tbl[v >> 18 & 63];
		out[o++] = tbl[v >> 12 & 63];
		out[o++] = i + 1 < len ? tbl[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? tbl[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* A PEM block whose body is derived from the cluster id: it looks like one, and is not a key. */
static char *
fake_pem(const char *cluster_id, const char *label)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char body[8 * 65 + 1], *out;
	uint64_t h = derived_hash(cluster_id, label);
	size_t n = 0, len;

	for (int line = 0; line < 8; line++) {
		for (int i = 0; i < 64; i++) {
			if (i % 10 == 0)
				h = h * 6364136223846793005u + 1442695040888963407u;
			body[n++] = b64[(h >> (i % 10 * 6)) & 63];
		}
		body[n++] = '\n';
	}
	body[n] = '\0';
	len = strlen(label) * 2 + n + 64;
	if ((out = malloc(len)) == NULL)
		return NULL;
	snprintf(out, len, "-----BEGIN %s-----\n%s-----END %s-----\n", label, body, label);
	return out;
}

char *
view_kubeconfig(const struct cluster_rec *c)
{
	char *ca = fake_pem(c->cluster_id, "CERTIFICATE");
	char *cert = fake_pem(c->cluster_id, "CERTIFICATE ");
	char *key = fake_pem(c->cluster_id, "RSA PRIVATE KEY");
	char *ca64 = ca != NULL ? base64(ca) : NULL;
	char *cert64 = cert != NULL ? base64(cert) : NULL;
	char *key64 = key != NULL ? base64(key) : NULL;
	char *out = NULL;
	size_t len;

	if (ca64 == NULL || cert64 == NULL || key64 == NULL)
		goto done;
	len = strlen(ca64) + strlen(cert64) + strlen(key64) + 3 * strlen(c->cluster_id) + 512;
	if ((out = malloc(len)) == NULL)
		goto done;
	snprintf(out, len,
	    "apiVersion: v1\n"
	    "clusters:\n"
	    "- cluster:\n"
	    "    server: https://%s:6443\n"
	    "    certificate-authority-data: %s\n"
	    "  name: kubernetes\n"
	    "contexts:\n"
	    "- context:\n"
	    "    cluster: kubernetes\n"
	    "    user: \"%s-user\"\n"
	    "  name: %s-context\n"
	    "current-context: %s-context\n"
	    "kind: Config\n"
	    "preferences: {}\n"
	    "users:\n"
	    "- name: \"%s-user\"\n"
	    "  user:\n"
	    "    client-certificate-data: %s\n"
	    "    client-key-data: %s\n",
	    c->api_ip, ca64, c->cluster_id, c->cluster_id, c->cluster_id, c->cluster_id, cert64,
	    key64);
done:
	free(ca);
	free(cert);
	free(key);
	free(ca64);
	free(cert64);
	free(key64);
	return out;
}

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonw.h"
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

/* vpcid is the spec's ("" when it names none: the VPC is created). */
static void
vpc_id(const struct cluster_rec *c, const char *vpcid, char out[32])
{
	if (vpcid[0] == '\0')
		derived_id(c->cluster_id, "vpc-", out);
	else
		snprintf(out, 32, "%s", vpcid);
}

/* given is the spec's security_group_id, "" when it names none. */
static void
security_group_id(const struct cluster_rec *c, const char *given, char out[32])
{
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

/*
 * The top-level members of a spec that a cluster's view reads, found in one
 * pass over the spec (cJSON_GetObjectItemCaseSensitive walked the ~35
 * members once per key, ~25 times a cluster). Sorted by name: the enum is
 * the index into spec_keys.
 */
enum spec_key {
	SK_ADDONS,
	SK_CLUSTER_DOMAIN,
	SK_CLUSTER_SPEC,
	SK_CONTAINER_CIDR,
	SK_DELETION_PROTECTION,
	SK_ENDPOINT_PUBLIC_ACCESS,
	SK_KUBERNETES_VERSION,
	SK_MAINTENANCE_WINDOW,
	SK_NODE_CIDR_MASK,
	SK_PROFILE,
	SK_PROXY_MODE,
	SK_RESOURCE_GROUP_ID,
	SK_RUNTIME,
	SK_SECURITY_GROUP_ID,
	SK_SERVICE_CIDR,
	SK_TAGS,
	SK_TIMEZONE,
	SK_VPC_CIDR,
	SK_VPCID,
	SK_VSWITCH_IDS,
	SK_WORKER_RAM_ROLE_NAME,
	SK_ZONE_ID,
	SK__COUNT
};

static const char *const spec_keys[SK__COUNT] = {
	"addons",
	"cluster_domain",
	"cluster_spec",
	"container_cidr",
	"deletion_protection",
	"endpoint_public_access",
	"kubernetes_version",
	"maintenance_window",
	"node_cidr_mask",
	"profile",
	"proxy_mode",
	"resource_group_id",
	"runtime",
	"security_group_id",
	"service_cidr",
	"tags",
	"timezone",
	"vpc_cidr",
	"vpcid",
	"vswitch_ids",
	"worker_ram_role_name",
	"zone_id",
};

struct spec_index {
	const cJSON *v[SK__COUNT];
};

static int
spec_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* The first member of each name, as cJSON_GetObjectItemCaseSensitive finds it. */
static void
spec_index_build(const cJSON *spec, struct spec_index *ix)
{
	memset(ix, 0, sizeof(*ix));
	for (const cJSON *c = spec != NULL ? spec->child : NULL; c != NULL; c = c->next) {
		const char *const *k;

		if (c->string == NULL)
			continue;
		k = bsearch(c->string, spec_keys, SK__COUNT, sizeof(spec_keys[0]), spec_key_cmp);
		if (k != NULL && ix->v[k - spec_keys] == NULL)
			ix->v[k - spec_keys] = c;
	}
}

static const char *
ix_string(const struct spec_index *ix, enum spec_key k, const char *fallback)
{
	return cJSON_IsString(ix->v[k]) ? ix->v[k]->valuestring : fallback;
}

static bool
ix_bool(const struct spec_index *ix, enum spec_key k, bool fallback)
{
	return cJSON_IsBool(ix->v[k]) ? cJSON_IsTrue(ix->v[k]) : fallback;
}

/* Writes v (any cJSON value, as parsed from a spec) as cJSON_PrintUnformatted would. */
static void
write_cjson(struct jsonw *w, const cJSON *v)
{
	if (cJSON_IsString(v)) {
		jsonw_string(w, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		jsonw_number(w, v->valuedouble);
	} else if (cJSON_IsBool(v)) {
		jsonw_bool(w, cJSON_IsTrue(v));
	} else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		bool obj = cJSON_IsObject(v);

		if (obj)
			jsonw_object_begin(w);
		else
			jsonw_array_begin(w);
		for (const cJSON *c = v->child; c != NULL; c = c->next) {
			if (obj)
				jsonw_key(w, c->string);
			write_cjson(w, c);
		}
		if (obj)
			jsonw_object_end(w);
		else
			jsonw_array_end(w);
	} else {
		jsonw_null(w);
	}
}

/* Writes key: the JSON text inner holds, as a string ("{}" when inner failed). */
static void
add_json_text(struct jsonw *w, const char *key, struct jsonw *inner)
{
	char *text = jsonw_finish(inner, NULL);

	jsonw_add_string(w, key, text != NULL ? text : "{}");
	free(text);
}

static void
master_url(struct jsonw *w, const struct cluster_rec *c, const struct spec_index *ix)
{
	char url[96];
	uint64_t h = derived_hash(c->cluster_id, "eip");

	jsonw_object_begin(w);
	/* endpoint_public_access defaults to true (create-cluster.md section 2). */
	if (ix_bool(ix, SK_ENDPOINT_PUBLIC_ACCESS, true))
		snprintf(url, sizeof(url), "https://47.%u.%u.%u:6443", (unsigned)(h % 256),
		    (unsigned)(h / 256 % 256), (unsigned)(h / 65536 % 254 + 1));
	else
		url[0] = '\0';
	jsonw_add_string(w, "api_server_endpoint", url);
	snprintf(url, sizeof(url), "https://%s:6443", c->api_ip);
	jsonw_add_string(w, "intranet_api_server_endpoint", url);
	jsonw_object_end(w);
}

static void
maintenance_window(struct jsonw *w, const struct spec_index *ix)
{
	const cJSON *mw = ix->v[SK_MAINTENANCE_WINDOW];

	jsonw_object_begin(w);
	jsonw_add_bool(w, "enable", spec_bool(mw, "enable", false));
	jsonw_add_string(w, "maintenance_time", spec_string(mw, "maintenance_time", ""));
	jsonw_add_string(w, "duration", spec_string(mw, "duration", ""));
	jsonw_add_string(w, "weekly_period", spec_string(mw, "weekly_period", ""));
	jsonw_object_end(w);
}

const char *
view_cluster_state(const struct cluster_rec *c, int64_t now)
{
	if (c->settle_state != NULL && c->settle_ms <= now)
		return c->settle_state;
	return c->state;
}

static void
write_time(struct jsonw *w, const char *key, int64_t ms)
{
	char buf[TIMEFMT_LEN];

	timefmt_rfc3339(ms, buf);
	jsonw_add_string(w, key, buf);
}

/*
 * vswitch_ids and vswitch_id: the spec's array (an auto-created VPC's
 * derived vswitch when it names none), and its string members joined by
 * commas.
 */
static void
write_vswitches(struct jsonw *w, const struct cluster_rec *c, const struct spec_index *ix)
{
	const cJSON *vsw = ix->v[SK_VSWITCH_IDS];
	struct jsonw joined;
	char id[32], *text;

	jsonw_init(&joined);
	jsonw_key(w, "vswitch_ids");
	jsonw_array_begin(w);
	if (cJSON_IsArray(vsw) && vsw->child != NULL) {
		for (const cJSON *v = vsw->child; v != NULL; v = v->next) {
			write_cjson(w, v);
			/* Raw: the joined ids are one string, quoted once below. */
			if (cJSON_IsString(v)) {
				if (v != vsw->child)
					jsonw_raw(&joined, ",", 1);
				jsonw_raw(&joined, v->valuestring, strlen(v->valuestring));
			}
		}
	} else if (ix_string(ix, SK_VPCID, "")[0] == '\0') {
		derived_id(c->cluster_id, "vsw-", id);
		jsonw_string(w, id);
		jsonw_raw(&joined, id, strlen(id));
	}
	jsonw_array_end(w);
	text = jsonw_finish(&joined, NULL);
	jsonw_add_string(w, "vswitch_id", text != NULL ? text : "");
	free(text);
}

static void
meta_data(struct jsonw *w, const struct spec_index *ix, const char *version)
{
	const cJSON *runtime = ix->v[SK_RUNTIME];
	const cJSON *req_addons = ix->v[SK_ADDONS];
	const char *network = "Flannel";

	jsonw_object_begin(w);
	jsonw_key(w, "Addons");
	jsonw_array_begin(w);
	for (const cJSON *a = req_addons != NULL ? req_addons->child : NULL; a != NULL;
	     a = a->next) {
		const char *name = spec_string(a, "name", "");

		if (strncmp(name, "terway", 6) == 0)
			network = "Terway";
		jsonw_object_begin(w);
		jsonw_add_string(w, "name", name);
		jsonw_add_string(w, "config", spec_string(a, "config", ""));
		jsonw_add_bool(w, "disabled", spec_bool(a, "disabled", false));
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
	jsonw_key(w, "Capabilities");
	jsonw_object_begin(w);
	jsonw_add_string(w, "Network", network);
	jsonw_add_string(w, "NodeCIDRMask", ix_string(ix, SK_NODE_CIDR_MASK, "25"));
	jsonw_add_string(w, "ProxyMode", ix_string(ix, SK_PROXY_MODE, "ipvs"));
	jsonw_add_bool(w, "SandboxRuntime", true);
	jsonw_object_end(w);
	jsonw_add_string(w, "KubernetesVersion", version);
	jsonw_add_string(w, "Runtime", spec_string(runtime, "name", ""));
	jsonw_add_string(w, "RuntimeVersion", spec_string(runtime, "version", ""));
	jsonw_key(w, "RRSAConfig");
	jsonw_object_begin(w);
	jsonw_add_bool(w, "enabled", false);
	jsonw_object_end(w);
	jsonw_key(w, "ExtraCertSAN");
	jsonw_null(w);
	jsonw_add_string(w, "VpcCidr", ix_string(ix, SK_VPC_CIDR, ""));
	jsonw_object_end(w);
}

/*
 * The parts of a cluster's view that follow from its row's immutable
 * columns and its spec alone, as JSON text, and the inputs they were
 * rendered from (the key: equal inputs, equal text). The view at an
 * instant is these parts with the fields that move with virtual time
 * written between them (view_cluster_emit).
 */
enum view_part {
	VP_HEAD,	/* {"cluster_id":...,"cluster_spec":... */
	VP_MIDDLE,	/* ,"init_version":...,"worker_ram_role_name":... */
	VP_META,	/* ,"meta_data":... */
	VP_TAIL,	/* ,"maintenance_window":...,"parameters":{} without the closing brace */
	VP_MASTER_URL,	/* the master_url string of a running cluster, quoted */
	VP_TAGS,	/* [ and the spec's tags */
	VP__COUNT
};

enum view_input {
	VI_CLUSTER_ID,
	VI_NAME,
	VI_REGION_ID,
	VI_CLUSTER_TYPE,
	VI_API_IP,
	VI_SPEC,
	VI__COUNT
};

struct view_static {
	size_t size;		/* of the whole allocation */
	bool spec_tags;		/* VP_TAGS holds a tag */
	size_t part[VP__COUNT], part_len[VP__COUNT];	/* offsets into text */
	size_t input[VI__COUNT];	/* offsets of NUL-terminated copies */
	char text[];
};

static const char *
input_of(const struct cluster_rec *c, enum view_input i)
{
	switch (i) {
	case VI_CLUSTER_ID:
		return c->cluster_id;
	case VI_NAME:
		return c->name;
	case VI_REGION_ID:
		return c->region_id;
	case VI_CLUSTER_TYPE:
		return c->cluster_type;
	case VI_API_IP:
		return c->api_ip;
	default:
		/* The stored form: packed, it is a quarter of the text to compare. */
		return c->spec_stored != NULL ? c->spec_stored : c->spec;
	}
}

/* The static parts, each rendered by the jsonw calls the whole view once made. */
static bool
render_static(const struct cluster_rec *c, const struct spec_index *ix, struct jsonw *parts,
    size_t mark[3], bool *spec_tags)
{
	const char *version = ix_string(ix, SK_KUBERNETES_VERSION, "");
	const cJSON *tags = ix->v[SK_TAGS];
	struct jsonw *w = &parts[0], inner;
	char id[32], *text;

	jsonw_object_begin(w);
	jsonw_add_string(w, "cluster_id", c->cluster_id);
	jsonw_add_string(w, "name", c->name);
	jsonw_add_string(w, "region_id", c->region_id);
	jsonw_add_string(w, "zone_id", ix_string(ix, SK_ZONE_ID, ""));
	jsonw_add_string(w, "cluster_type", c->cluster_type);
	jsonw_add_string(w, "profile", ix_string(ix, SK_PROFILE, "Default"));
	jsonw_add_string(w, "cluster_spec", ix_string(ix, SK_CLUSTER_SPEC, "ack.standard"));
	/* state, size, created and updated */
	mark[0] = w->len;
	jsonw_add_string(w, "init_version", version);
	jsonw_add_string(w, "current_version", version);
	jsonw_add_string(w, "next_version", "");
	jsonw_add_bool(w, "deletion_protection", ix_bool(ix, SK_DELETION_PROTECTION, false));
	jsonw_add_bool(w, "private_zone", false);
	jsonw_add_string(w, "resource_group_id", ix_string(ix, SK_RESOURCE_GROUP_ID, ""));
	vpc_id(c, ix_string(ix, SK_VPCID, ""), id);
	jsonw_add_string(w, "vpc_id", id);
	security_group_id(c, ix_string(ix, SK_SECURITY_GROUP_ID, ""), id);
	jsonw_add_string(w, "security_group_id", id);
	write_vswitches(w, c, ix);
	jsonw_add_string(w, "container_cidr", ix_string(ix, SK_CONTAINER_CIDR, ""));
	jsonw_add_string(w, "service_cidr", ix_string(ix, SK_SERVICE_CIDR, ""));
	jsonw_add_string(w, "node_cidr_mask", ix_string(ix, SK_NODE_CIDR_MASK, "25"));
	jsonw_add_string(w, "proxy_mode", ix_string(ix, SK_PROXY_MODE, "ipvs"));
	jsonw_add_string(w, "timezone", ix_string(ix, SK_TIMEZONE, ""));
	jsonw_add_string(w, "ip_stack", "ipv4");
	jsonw_add_string(w, "network_mode", "vpc");
	jsonw_add_string(w, "cluster_domain", ix_string(ix, SK_CLUSTER_DOMAIN, "cluster.local"));
	jsonw_add_string(w, "subnet_cidr", ix_string(ix, SK_CONTAINER_CIDR, ""));
	jsonw_add_string(w, "docker_version", "");
	jsonw_add_string(w, "worker_ram_role_name", ix_string(ix, SK_WORKER_RAM_ROLE_NAME, ""));
	/* external_loadbalancer_id and master_url */
	mark[1] = w->len;
	jsonw_init(&inner);
	meta_data(&inner, ix, version);
	add_json_text(w, "meta_data", &inner);
	/* tags */
	mark[2] = w->len;
	jsonw_key(w, "maintenance_window");
	maintenance_window(w, ix);
	jsonw_key(w, "parameters");
	jsonw_object_begin(w);
	jsonw_object_end(w);
	jsonw_object_end(w);

	jsonw_init(&inner);
	master_url(&inner, c, ix);
	text = jsonw_finish(&inner, NULL);
	jsonw_string(&parts[1], text != NULL ? text : "{}");
	free(text);

	*spec_tags = false;
	jsonw_array_begin(&parts[2]);
	for (const cJSON *t = cJSON_IsArray(tags) ? tags->child : NULL; t != NULL; t = t->next) {
		write_cjson(&parts[2], t);
		*spec_tags = true;
	}
	return !parts[0].failed && !parts[1].failed && !parts[2].failed;
}

struct view_static *
view_static_new(const struct cluster_rec *c)
{
	/* A row lent by db_cluster_list carries the stored spec only. */
	char *unpacked = c->spec == NULL ? db_spec_json(c->spec_stored, c->spec_stored_len) : NULL;
	cJSON *spec = cJSON_Parse(c->spec != NULL ? c->spec : unpacked);
	struct spec_index ix;
	struct jsonw parts[3];
	struct view_static *s = NULL;
	size_t mark[3], in_len[VI__COUNT], size, o;
	bool spec_tags;

	for (int i = 0; i < 3; i++)
		jsonw_init(&parts[i]);
	if (spec == NULL)
		goto done;
	spec_index_build(spec, &ix);
	if (!render_static(c, &ix, parts, mark, &spec_tags))
		goto done;
	size = sizeof(*s) + parts[0].len + parts[1].len + parts[2].len;
	for (int i = 0; i < VI__COUNT; i++) {
		in_len[i] = strlen(input_of(c, (enum view_input)i));
		size += in_len[i] + 1;
	}
	if ((s = malloc(size)) == NULL)
		goto done;
	s->size = size;
	s->spec_tags = spec_tags;
	/* The whole object but its closing brace, cut at the marks; then the other two. */
	memcpy(s->text, parts[0].buf, parts[0].len - 1);
	s->part[VP_HEAD] = 0;
	s->part_len[VP_HEAD] = mark[0];
	s->part[VP_MIDDLE] = mark[0];
	s->part_len[VP_MIDDLE] = mark[1] - mark[0];
	s->part[VP_META] = mark[1];
	s->part_len[VP_META] = mark[2] - mark[1];
	s->part[VP_TAIL] = mark[2];
	s->part_len[VP_TAIL] = parts[0].len - 1 - mark[2];
	o = parts[0].len - 1;
	for (int i = 1; i < 3; i++) {
		enum view_part p = i == 1 ? VP_MASTER_URL : VP_TAGS;

		memcpy(s->text + o, parts[i].buf, parts[i].len);
		s->part[p] = o;
		s->part_len[p] = parts[i].len;
		o += parts[i].len;
	}
	for (int i = 0; i < VI__COUNT; i++) {
		memcpy(s->text + o, input_of(c, (enum view_input)i), in_len[i] + 1);
		s->input[i] = o;
		o += in_len[i] + 1;
	}
done:
	for (int i = 0; i < 3; i++)
		jsonw_finish_free(&parts[i]);
	cJSON_Delete(spec);
	free(unpacked);
	return s;
}

void
view_static_free(struct view_static *s)
{
	free(s);
}

size_t
view_static_size(const struct view_static *s)
{
	return s->size;
}

bool
view_static_is_of(const struct view_static *s, const struct cluster_rec *c)
{
	return strcmp(s->text + s->input[VI_CLUSTER_ID], c->cluster_id) == 0;
}

bool
view_static_matches(const struct view_static *s, const struct cluster_rec *c)
{
	for (int i = 0; i < VI__COUNT; i++)
		if (strcmp(s->text + s->input[i], input_of(c, (enum view_input)i)) != 0)
			return false;
	return true;
}

static void
write_part(struct jsonw *w, const struct view_static *s, enum view_part p)
{
	jsonw_raw(w, s->text + s->part[p], s->part_len[p]);
}

void
view_cluster_emit(struct jsonw *w, const struct view_static *s, const struct cluster_rec *c,
    int64_t now, int64_t size)
{
	bool running = running_at(c, now);

	jsonw_open_raw(w, s->text + s->part[VP_HEAD], s->part_len[VP_HEAD], true);
	jsonw_add_string(w, "state", view_cluster_state(c, now));
	jsonw_add_number(w, "size", (double)(size < 0 ? 0 : size));
	write_time(w, "created", c->created_ms);
	write_time(w, "updated",
	    c->settle_state != NULL && c->settle_ms <= now ? c->settle_ms : c->updated_ms);
	write_part(w, s, VP_MIDDLE);
	jsonw_add_string(w, "external_loadbalancer_id",
	    c->lb_from_ms <= now && now < c->lb_until_ms ? c->lb_id : "");
	jsonw_key(w, "master_url");
	if (running)
		jsonw_value_raw(w, s->text + s->part[VP_MASTER_URL], s->part_len[VP_MASTER_URL]);
	else
		jsonw_string(w, "");
	write_part(w, s, VP_META);
	jsonw_key(w, "tags");
	jsonw_open_raw(w, s->text + s->part[VP_TAGS], s->part_len[VP_TAGS], s->spec_tags);
	if (running) {
		jsonw_object_begin(w);
		jsonw_add_string(w, "key", "ack.aliyun.com");
		jsonw_add_string(w, "value", c->cluster_id);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
	write_part(w, s, VP_TAIL);
	jsonw_object_end(w);
}

bool
view_cluster_write(struct jsonw *w, const struct cluster_rec *c, int64_t now, int64_t size)
{
	struct view_static *s = view_static_new(c);

	if (s == NULL)
		return false;
	view_cluster_emit(w, s, c, now, size);
	view_static_free(s);
	return true;
}

cJSON *
view_cluster(const struct cluster_rec *c, int64_t now, int64_t size)
{
	struct jsonw w;
	char *text;
	cJSON *out;

	jsonw_init(&w);
	if (!view_cluster_write(&w, c, now, size)) {
		jsonw_finish_free(&w);
		return NULL;
	}
	if ((text = jsonw_finish(&w, NULL)) == NULL)
		return NULL;
	out = cJSON_Parse(text);
	free(text);
	return out;
}

/* The task_result status of a task state: a running task's cluster is still "initial". */
static const char *
result_status(enum task_state s)
{
	return s == TASK_RUNNING ? "initial" : lifecycle_task_states[s];
}

/*
 * The task's answer is written as text with its names and punctuation in
 * one piece each (JSONW_RAW) and only the values quoted: key by key through
 * jsonw it cost ~30,000 instructions a DescribeTaskInfo, most of the
 * request. The text is the same.
 */

/* ,"error":{"code":code,"message":message} */
static void
write_error(struct jsonw *w, const char *code, const char *message)
{
	JSONW_RAW(w, ",\"error\":{\"code\":");
	jsonw_quoted(w, code);
	JSONW_RAW(w, ",\"message\":");
	jsonw_quoted(w, message);
	JSONW_RAW(w, "}");
}

/* A time as a string: its digits and separators never need an escape. */
static void
put_time(struct jsonw *w, const char *when)
{
	JSONW_RAW(w, "\"");
	jsonw_raw(w, when, strlen(when));
	JSONW_RAW(w, "\"");
}

/* ,"created":...,"updated":... in the shown zone. */
static void
write_times(struct jsonw *w, int64_t created_ms, int64_t updated_ms)
{
	char when[TIMEFMT_LEN];

	JSONW_RAW(w, ",\"created\":");
	timefmt_rfc3339(created_ms, when);
	put_time(w, when);
	JSONW_RAW(w, ",\"updated\":");
	timefmt_rfc3339(updated_ms, when);
	put_time(w, when);
}

/* The shape of a task whose plan does not parse: only what the row says at now. */
static void
task_unplanned(struct jsonw *w, const struct task_rec *t, int64_t now)
{
	bool due = t->settle_state != NULL && t->settle_ms <= now;

	JSONW_RAW(w, ",\"state\":");
	jsonw_quoted(w, due ? t->settle_state : t->state);
	write_times(w, t->created_ms, due ? t->settle_ms : t->updated_ms);
	JSONW_RAW(w, ",\"current_stage\":\"\",\"stages\":[],\"events\":[],\"task_result\":[]");
	write_error(w, "", "");
}

static void
write_stages(struct jsonw *w, const struct lifecycle_timeline *tl, int64_t now)
{
	char when[TIMEFMT_LEN];

	JSONW_RAW(w, ",\"stages\":[");
	for (size_t i = 0; i < tl->nspans; i++) {
		const struct lifecycle_span *sp = &tl->spans[i];
		bool ended = sp->end_ms <= now;

		if (sp->start_ms > now)
			break;
		if (i > 0)
			JSONW_RAW(w, ",");
		if (!ended)
			JSONW_RAW(w, "{\"state\":\"running\",\"start_time\":");
		else if (sp->failed)
			JSONW_RAW(w, "{\"state\":\"failed\",\"start_time\":");
		else
			JSONW_RAW(w, "{\"state\":\"success\",\"start_time\":");
		timefmt_stage(sp->start_ms, when);
		put_time(w, when);
		if (ended) {
			JSONW_RAW(w, ",\"end_time\":");
			timefmt_stage(sp->end_ms, when);
			put_time(w, when);
			JSONW_RAW(w, ",\"message\":");
			jsonw_quoted(w, sp->failed ? tl->error_message : lifecycle_stage(sp->stage)->done);
		} else {
			JSONW_RAW(w, ",\"end_time\":\"\",\"message\":\"\"");
		}
		JSONW_RAW(w, ",\"outputs\":{}}");
	}
	JSONW_RAW(w, "]");
}

static void
write_events(struct jsonw *w, const struct lifecycle_plan *p,
    const struct lifecycle_timeline *tl, int64_t now)
{
	struct lifecycle_event ev[LIFECYCLE_MAX_EVENTS];
	size_t n = lifecycle_events(p, tl, now, ev, LIFECYCLE_MAX_EVENTS);

	JSONW_RAW(w, ",\"events\":[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			JSONW_RAW(w, ",");
		JSONW_RAW(w, "{\"action\":");
		jsonw_quoted(w, ev[i].action);
		JSONW_RAW(w, ",\"level\":");
		jsonw_quoted(w, ev[i].level);
		JSONW_RAW(w, ",\"message\":");
		jsonw_quoted(w, ev[i].message);
		JSONW_RAW(w, ",\"reason\":");
		jsonw_quoted(w, ev[i].reason);
		/* A string of epoch milliseconds [real]. */
		JSONW_RAW(w, ",\"source\":\"ACK\",\"timestamp\":\"");
		jsonw_integer(w, (long long)ev[i].ms);
		JSONW_RAW(w, "\"}");
	}
	JSONW_RAW(w, "]");
}

/*
 * The parameters as stored, printed as cJSON would print them. "{}", by far
 * the most common, is its own printing: no need to parse it.
 */
static void
write_parameters(struct jsonw *w, const char *parameters)
{
	cJSON *params;

	jsonw_key_plain(w, "parameters");
	if (parameters != NULL && strcmp(parameters, "{}") == 0) {
		jsonw_value_raw(w, "{}", 2);
		return;
	}
	if ((params = cJSON_Parse(parameters)) != NULL)
		write_cjson(w, params);
	else
		jsonw_value_raw(w, "{}", 2);
	cJSON_Delete(params);
}

void
view_task_write(struct jsonw *w, const struct task_rec *t, int64_t now)
{
	struct lifecycle_plan plan;
	struct lifecycle_timeline tl;
	enum task_state state;
	const char *stage;

	/* A running task's answer is ~1 KB; the longest few KB. */
	jsonw_reserve(w, 2000);
	/* Opened as a value (separated as one); its members are written as text. */
	jsonw_value_raw(w, "{\"task_id\":", sizeof("{\"task_id\":") - 1);
	jsonw_quoted(w, t->task_id);
	JSONW_RAW(w, ",\"cluster_id\":");
	jsonw_quoted(w, t->cluster_id);
	JSONW_RAW(w, ",\"task_type\":");
	jsonw_quoted(w, t->task_type);
	JSONW_RAW(w, ",\"target\":{\"id\":");
	jsonw_quoted(w, t->cluster_id);
	JSONW_RAW(w, ",\"type\":\"cluster\"}");
	write_parameters(w, t->parameters);
	if (!lifecycle_plan_parse(t->plan, &plan)) {
		task_unplanned(w, t, now);
		JSONW_RAW(w, "}");
		return;
	}
	lifecycle_timeline(&plan, t->created_ms, &tl);
	state = lifecycle_task_state(&tl, now);
	stage = lifecycle_current_stage(&tl, now);
	JSONW_RAW(w, ",\"state\":");
	jsonw_quoted(w, lifecycle_task_states[state]);
	write_times(w, t->created_ms, lifecycle_task_updated(&tl, now));
	JSONW_RAW(w, ",\"current_stage\":");
	jsonw_quoted(w, stage != NULL ? stage : "");
	write_stages(w, &tl, now);
	write_events(w, &plan, &tl, now);
	JSONW_RAW(w, ",\"task_result\":[{\"data\":");
	jsonw_quoted(w, t->cluster_id);
	JSONW_RAW(w, ",\"status\":");
	jsonw_quoted(w, result_status(state));
	JSONW_RAW(w, "}]");
	if (state == TASK_FAILED)
		write_error(w, tl.error_code, tl.error_message);
	else
		write_error(w, "", "");
	JSONW_RAW(w, "}");
}

cJSON *
view_task(const struct task_rec *t, int64_t now)
{
	struct jsonw w;
	char *text;
	cJSON *out;

	jsonw_init(&w);
	view_task_write(&w, t, now);
	if ((text = jsonw_finish(&w, NULL)) == NULL)
		return NULL;
	out = cJSON_Parse(text);
	free(text);
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

		security_group_id(c, spec_string(spec, "security_group_id", ""), id);
		add_resource(out, c, network_ms, id, "ALIYUN::ECS::SecurityGroup", !given);
		if (spec_bool(spec, "snat_entry", false)) {
			derived_id(c->cluster_id, "ngw-", id);
			add_resource(out, c, network_ms, id, "ALIYUN::VPC::NatGateway", true);
		}
		if (spec_string(spec, "vpcid", "")[0] == '\0') {
			vpc_id(c, "", id);
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

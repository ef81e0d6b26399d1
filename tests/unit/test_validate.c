/*
 * validate.c, catalog.c and world.c: the rule engine against a table of
 * bodies (id, input, expected codes and paths), exact messages, secrets,
 * the resolved defaults of section 4, the violation cap, the catalog
 * parser and version order, and the world parser and lookups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "catalog.h"
#include "errors.h"
#include "jsonbody.h"
#include "tap.h"
#include "validate.h"
#include "world.h"

#define BASE                                                                                       \
	"\"name\":\"u\",\"cluster_type\":\"ManagedKubernetes\",\"region_id\":\"cn-hangzhou\","     \
	"\"zone_id\":\"cn-hangzhou-i\",\"addons\":[{\"name\":\"flannel\"}]"

struct vcase {
	const char *id;
	const char *body;
	bool strict;       /* --strict-parameters and --world-strict */
	const char *codes; /* comma-separated, "" for none */
	const char *params;
};

/* clang-format off */
static const struct vcase cases[] = {
	{ "minimal",		"{" BASE "}",					false,	"", "" },
	{ "missing-all",	"{}",						false,	"MissingParameter,MissingParameter,MissingParameter,MissingParameter,MissingParameter", "cluster_type,name,region_id,addons,zone_id" },
	{ "nodes-100",		"{" BASE ",\"num_of_nodes\":100,\"worker_instance_types\":[\"ecs.g7.large\"],\"key_pair\":\"k\"}", false, "", "" },
	{ "nodes-101",		"{" BASE ",\"num_of_nodes\":101}",		false,	"InvalidParameter", "num_of_nodes" },
	{ "nodes-1e2",		"{" BASE ",\"num_of_nodes\":1e2}",		false,	"InvalidParameter", "num_of_nodes" },
	{ "nodes-str",		"{" BASE ",\"num_of_nodes\":\"0\"}",		false,	"", "" },
	{ "nodes-neg-str",	"{" BASE ",\"num_of_nodes\":\"-1\"}",		false,	"InvalidParameter", "num_of_nodes" },
	{ "disk-20",		"{" BASE ",\"worker_data_disks\":[{\"size\":20}]}", false, "", "" },
	{ "disk-19",		"{" BASE ",\"worker_data_disks\":[{\"size\":19}]}", false, "InvalidParameter", "worker_data_disks[0].size" },
	{ "disk-32768",		"{" BASE ",\"worker_data_disks\":[{\"size\":\"32768\"}]}", false, "", "" },
	{ "disk-32769",		"{" BASE ",\"worker_data_disks\":[{\"size\":32769}]}", false, "InvalidParameter", "worker_data_disks[0].size" },
	{ "disk-null-size",	"{" BASE ",\"worker_data_disks\":[{\"size\":null}]}", false, "MissingParameter", "worker_data_disks[0].size" },
	{ "runtime-zero",	"{" BASE ",\"runtime\":{\"name\":\"\",\"version\":\"\",\"exist\":false}}", false, "", "" },
	{ "nested-unknown",	"{" BASE ",\"worker_data_disks\":[{\"size\":40,\"kms_key_id\":\"x\",\"device\":\"/dev/xvdb\"}]}", false, "", "" },
	{ "unknown-lenient",	"{" BASE ",\"vpc_id\":\"vpc-a\"}",		false,	"", "" },
	{ "unknown-strict",	"{" BASE ",\"vpc_id\":\"vpc-a\",\"zone_ids\":[]}", true, "InvalidParameter", "vpc_id" },
	{ "x3-all",		"{\"name\":\"u\",\"cluster_type\":\"ManagedKubernetes\",\"region_id\":\"cn-hangzhou\",\"addons\":[{\"name\":\"flannel\"}],\"vpcid\":\"vpc-a\"}", false, "MissingParameter,EmptyCIDR,EmptyCIDR", "vswitch_ids,service_cidr,container_cidr" },
	{ "x1-fail-skips-x3-pod", "{\"name\":\"u\",\"cluster_type\":\"ManagedKubernetes\",\"region_id\":\"cn-hangzhou\",\"addons\":[{\"name\":\"flannel\"},{\"name\":\"terway-eni\"}],\"vpcid\":\"vpc-a\",\"vswitch_ids\":[\"vsw-a\"],\"service_cidr\":\"172.21.0.0/20\"}", false, "InvalidParameter", "addons" },
	{ "x5-capacity",	"{" BASE ",\"container_cidr\":\"10.0.0.0/20\",\"node_cidr_mask\":24,\"num_of_nodes\":17,\"worker_instance_types\":[\"ecs.g7.large\"],\"key_pair\":\"k\"}", false, "InvalidCIDR", "container_cidr" },
	{ "x4-then-x5-skipped",	"{" BASE ",\"container_cidr\":\"172.19.0.0/24\",\"node_cidr_mask\":24}", false, "InvalidCIDR", "container_cidr" },
	{ "world-strict-vpc",	"{\"name\":\"u\",\"cluster_type\":\"ManagedKubernetes\",\"region_id\":\"cn-hangzhou\",\"addons\":[{\"name\":\"flannel\"}],\"vpcid\":\"vpc-nope\",\"vswitch_ids\":[\"vsw-w1\"],\"container_cidr\":\"10.0.0.0/16\",\"service_cidr\":\"172.21.0.0/20\"}", true, "InvalidVpcId.NotFound", "vpcid" },
	{ "world-vpc-cidr",	"{\"name\":\"u\",\"cluster_type\":\"ManagedKubernetes\",\"region_id\":\"cn-hangzhou\",\"addons\":[{\"name\":\"flannel\"}],\"vpcid\":\"vpc-w\",\"vswitch_ids\":[\"vsw-w1\"],\"container_cidr\":\"192.168.0.0/20\",\"service_cidr\":\"172.21.0.0/20\"}", false, "InvalidCIDR", "container_cidr" },
	{ "world-vswitch-vpc",	"{\"name\":\"u\",\"cluster_type\":\"ManagedKubernetes\",\"region_id\":\"cn-hangzhou\",\"addons\":[{\"name\":\"flannel\"}],\"vpcid\":\"vpc-w\",\"vswitch_ids\":[\"vsw-w1\",\"vsw-other\"],\"container_cidr\":\"10.0.0.0/16\",\"service_cidr\":\"172.21.0.0/20\"}", false, "InvalidParameter", "vswitch_ids[1]" },
};
/* clang-format on */

static struct catalog *catalog;
static struct world world;

static void
joined(const struct verdict *v, bool codes, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < v->n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "",
		                         codes ? err_info(v->v[i].err)->code : v->v[i].parameter);
}

/*
 * The last validation's body and spec: the spec's tree borrows from the
 * body, so both are kept until the next validation.
 */
static cJSON *held_body;
static struct validate_spec held;
static int specs, text_mismatches;

static void
release(void)
{
	cJSON_Delete(held.tree);
	free(held.text);
	cJSON_Delete(held_body);
	held = (struct validate_spec){0};
	held_body = NULL;
}

/*
 * Parses text like the daemon does; returns the verdict's count. The spec's
 * tree, when asked for, stays valid until the next call; its text is
 * checked against cJSON's print of the tree.
 */
static size_t
validate_text(const char *text, bool strict, struct verdict *v, cJSON **spec)
{
	struct validate_options opts = {.strict_parameters = strict,
	                                .world_strict = strict,
	                                .catalog = catalog,
	                                .world = &world};
	char why[128];
	size_t n;

	release();
	held_body = jsonbody_parse(text, strlen(text), why, sizeof(why));
	if (held_body == NULL) {
		tap_ok(false, "body parses: %s", why);
		return 0;
	}
	n = validate_create(held_body, &opts, v, spec != NULL ? &held : NULL);
	if (spec != NULL) {
		*spec = held.tree;
		if (held.tree != NULL) {
			char *printed = cJSON_PrintUnformatted(held.tree);

			specs++;
			if (printed == NULL || strcmp(printed, held.text) != 0 ||
			    strlen(held.text) != held.len)
				text_mismatches++;
			cJSON_free(printed);
		}
	}
	return n;
}

static void
test_table(struct verdict *v)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[1024];
		cJSON *spec = NULL;

		validate_text(cases[i].body, cases[i].strict, v, &spec);
		joined(v, true, got, sizeof(got));
		tap_str(got, cases[i].codes, cases[i].id);
		joined(v, false, got, sizeof(got));
		tap_str(got, cases[i].params, cases[i].id);
		tap_ok((v->n == 0) == (spec != NULL),
		       "%s: a spec exactly when there is no violation", cases[i].id);
	}
}

static const char *
spec_str(const cJSON *spec, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);

	return cJSON_IsString(v) ? v->valuestring : "(none)";
}

static void
test_messages(struct verdict *v)
{
	validate_text("{" BASE ",\"num_of_nodes\":101}", false, v, NULL);
	tap_str(v->v[0].message, "num_of_nodes must be between 0 and 100, got 101",
	        "the spec's example message");
	validate_text("{\"name\":\"u\",\"cluster_type\":\"Ask\",\"region_id\":\"cn-hangzhou\","
	              "\"zone_id\":\"cn-hangzhou-i\",\"addons\":[{\"name\":\"flannel\"}]}",
	              false, v, NULL);
	tap_str(v->v[0].message,
	        "cluster_type Ask is not supported by this endpoint, use ManagedKubernetes",
	        "another real cluster type");
	validate_text("{" BASE ",\"container_cidr\":\"10.0.0.1/8\"}", false, v, NULL);
	tap_str(v->v[0].message, "Invalid pod CIDR: invalid CIDR address: 10.0.0.1/8", "pod CIDR");
	validate_text(
	    "{\"name\":\"u\",\"cluster_type\":\"ManagedKubernetes\",\"region_id\":\"cn-hangzhou\","
	    "\"zone_id\":\"cn-hangzhou-i\",\"addons\":[{\"name\":\"csi-plugin\"}]}",
	    false, v, NULL);
	tap_str(v->v[0].message, "network plugin addon is required: flannel or terway-eniip", "X1");

	/* Secrets: no message shows a password, a key pair name or user data. */
	static const char *const secret_bodies[] = {
	    "{" BASE ",\"login_password\":\"Secret7\"}",
	    "{" BASE ",\"login_password\":\"secretsecret99\"}",
	    "{" BASE ",\"login_password\":\"Secret 99!\"}",
	    "{" BASE ",\"login_password\":\"Secret99!Secret99!Secret99!Secret99!\"}",
	    "{" BASE ",\"login_password\":12345678}",
	};
	for (size_t i = 0; i < sizeof(secret_bodies) / sizeof(secret_bodies[0]); i++) {
		validate_text(secret_bodies[i], false, v, NULL);
		tap_ok(v->n == 1 && strcmp(v->v[0].parameter, "login_password") == 0,
		       "bad password %zu is one violation", i);
		tap_ok(strstr(v->v[0].message, "ecret") == NULL &&
		           strstr(v->v[0].message, "12345678") == NULL,
		       "the password is not in \"%s\"", v->v[0].message);
	}
	validate_text("{" BASE ",\"key_pair\":\""
	              "secretkeysecretkeysecretkeysecretkeysecretkeysecretkeysecretkeysecretkey"
	              "secretkeysecretkeysecretkeysecretkeysecretkeysecretkeysecretkeysecretkey\"}",
	              false, v, NULL);
	tap_ok(v->n == 1 && strstr(v->v[0].message, "secretkey") == NULL,
	       "the key pair is not shown");
	validate_text("{" BASE ",\"user_data\":\"c2VjcmV0!\"}", false, v, NULL);
	tap_ok(v->n == 1 && strstr(v->v[0].message, "c2VjcmV0") == NULL, "user data is not shown");
}

static void
test_defaults(struct verdict *v)
{
	cJSON *spec = NULL;
	const cJSON *addons, *rt;

	validate_text("{" BASE "}", false, v, &spec);
	tap_ok(spec != NULL, "the minimal body resolves");
	tap_str(spec_str(spec, "kubernetes_version"), "1.31.1-aliyun.1", "newest version");
	rt = cJSON_GetObjectItemCaseSensitive(spec, "runtime");
	tap_str(spec_str(rt, "name"), "containerd", "containerd for new versions");
	tap_str(spec_str(rt, "version"), "1.6.28", "its newest version");
	addons = cJSON_GetObjectItemCaseSensitive(spec, "addons");
	tap_ok(cJSON_GetArraySize(addons) == 3, "flannel plus the two default addons");
	tap_str(spec_str(cJSON_GetArrayItem(addons, 1), "name"), "nginx-ingress-controller",
	        "default addon 1");
	tap_str(spec_str(cJSON_GetArrayItem(addons, 2), "name"), "ack-node-problem-detector",
	        "default addon 2");
	tap_str(spec_str(spec, "container_cidr"), "172.16.0.0/16", "auto VPC pod CIDR");
	tap_str(spec_str(spec, "service_cidr"), "172.19.0.0/20", "auto VPC service CIDR");
	tap_str(spec_str(spec, "vpc_cidr"), "192.168.0.0/16", "auto VPC CIDR");
	tap_str(spec_str(spec, "node_cidr_mask"), "25", "node_cidr_mask");
	tap_str(spec_str(spec, "proxy_mode"), "ipvs", "proxy_mode");
	tap_str(spec_str(spec, "worker_instance_charge_type"), "PostPaid", "charge type");
	tap_ok(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(spec, "endpoint_public_access")),
	       "endpoint_public_access defaults to true");
	tap_ok(cJSON_GetObjectItemCaseSensitive(spec, "timeout_mins")->valuedouble == 60,
	       "timeout 60");
	spec = NULL;

	validate_text(
	    "{\"name\":\"u\",\"cluster_type\":\"ManagedKubernetes\",\"region_id\":\"cn-hangzhou\","
	    "\"addons\":[{\"name\":\"flannel\"},{\"name\":\"nginx-ingress-controller\","
	    "\"disabled\":true}],"
	    "\"vpcid\":\"vpc-a\",\"worker_vswitch_ids\":[\"vsw-b\"],\"container_cidr\":\"10.0.0.0/"
	    "16\","
	    "\"service_cidr\":\"172.21.0.0/20\",\"kubernetes_version\":\"1.20.11-aliyun.1\","
	    "\"login_password\":\"Hello1234!\",\"node_cidr_mask\":26}",
	    false, v, &spec);
	tap_ok(spec != NULL, "an own-VPC body resolves");
	tap_str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(spec, "vswitch_ids"), 0)
	            ->valuestring,
	        "vsw-b", "vswitch_ids defaults to worker_vswitch_ids");
	tap_str(spec_str(cJSON_GetObjectItemCaseSensitive(spec, "runtime"), "name"), "docker",
	        "docker for 1.20");
	tap_ok(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(spec, "addons")) == 3,
	       "a disabled default addon is kept as requested, the other default is added");
	tap_str(spec_str(spec, "node_cidr_mask"), "26", "node_cidr_mask as a string");
	tap_ok(cJSON_GetObjectItemCaseSensitive(spec, "login_password") == NULL &&
	           cJSON_GetObjectItemCaseSensitive(spec, "key_pair") == NULL,
	       "no secret in the spec");
	tap_ok(cJSON_GetObjectItemCaseSensitive(spec, "vpc_cidr") == NULL,
	       "an unknown VPC has no CIDR");
}

static void
test_cap(struct verdict *v)
{
	char *body = malloc(64 * 1024);
	size_t used = 0;

	used += (size_t)snprintf(body, 64 * 1024, "{" BASE);
	for (int i = 0; i < 300; i++)
		used += (size_t)snprintf(body + used, 64 * 1024 - used, ",\"unknown_%d\":1", i);
	snprintf(body + used, 64 * 1024 - used, "}");
	validate_text(body, true, v, NULL);
	tap_ok(v->n == VALIDATE_MAX_VIOLATIONS, "violations stop at the cap (%zu)", v->n);
	tap_ok(strlen(v->ignored) < sizeof(v->ignored), "the ignored list stays bounded");
	free(body);
	char why[256];

	tap_ok(validate_cluster_name("集群-01", "cluster_name", why, sizeof(why)), "a valid name");
	tap_ok(!validate_cluster_name("-x", "cluster_name", why, sizeof(why)) &&
	           strncmp(why, "cluster_name must not start", 27) == 0,
	       "an invalid name names the parameter: %s", why);
	/* Cut text never splits a UTF-8 character: messages and paths stay valid UTF-8. */
	{
		char text[4096];
		size_t len = (size_t)snprintf(text, sizeof(text), "{" BASE ",\"");

		for (int i = 0; i < 60; i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "键");
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		                        "\":1,\"kubernetes_version\":\"");
		for (int i = 0; i < 40; i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "版本");
		snprintf(text + len, sizeof(text) - len, "\"}");
		validate_text(text, true, v, NULL);
		tap_ok(v->n == 2, "a long CJK key and a long CJK version: two violations");
		for (size_t i = 0; i < v->n; i++)
			tap_ok(
			    jsonbody_utf8_valid(v->v[i].message, strlen(v->v[i].message)) &&
			        jsonbody_utf8_valid(v->v[i].parameter, strlen(v->v[i].parameter)),
			    "violation %zu stays valid UTF-8 when cut", i);
		tap_ok(strchr(v->ignored, '?') != NULL &&
		           jsonbody_utf8_valid(v->ignored, strlen(v->ignored)),
		       "the ignored-parameters header holds visible ASCII only: %s", v->ignored);
	}
	tap_ok(validate_key_known("vpcid") && validate_key_known("zone_ids") &&
	           !validate_key_known("vpc_id"),
	       "the SDK key list");
}

static void
test_catalog(void)
{
	static const char *const bad[] = {
	    "[]",
	    "{}",
	    "{\"regions\":[],\"kubernetes_versions\":[\"1\"],\"runtimes\":{\"a\":[\"1\"]},"
	    "\"addons\":[\"f\"]}",
	    "{\"regions\":[\"r\",\"r\"],\"kubernetes_versions\":[\"1\"],\"runtimes\":{\"a\":[\"1\"]"
	    "},\"addons\":[\"f\"]}",
	    "{\"regions\":[\"r\"],\"kubernetes_versions\":[\"1\"],\"runtimes\":{},\"addons\":["
	    "\"f\"]}",
	    "{\"regions\":[\"r\"],\"kubernetes_versions\":[\"1\"],\"runtimes\":{\"a\":[1]},"
	    "\"addons\":[\"f\"]}",
	    "{\"regions\":[\"r\"],\"kubernetes_versions\":[\"\"],\"runtimes\":{\"a\":[\"1\"]},"
	    "\"addons\":[\"f\"]}",
	};
	char err[256], list[64];
	struct catalog *c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		c = catalog_parse(bad[i], strlen(bad[i]), err, sizeof(err));
		tap_ok(c == NULL && strncmp(err, "catalog: ", 9) == 0, "bad catalog %zu: %s", i,
		       err);
		catalog_free(c);
	}
	tap_ok(catalog->regions.n == 28 && catalog->kubernetes_versions.n == 9 &&
	           catalog->nruntimes == 3 && catalog->addons.n == 13,
	       "the built-in catalog has section 5's sizes");
	tap_str(catalog_newest(&catalog->kubernetes_versions), "1.31.1-aliyun.1", "newest version");
	tap_ok(catalog_version_cmp("1.22.15-aliyun.1", "1.22", 2) == 0,
	       "1.22.15 is 1.22 in major.minor");
	tap_ok(catalog_version_cmp("1.24.6-aliyun.1", "1.22", 2) > 0, "1.24 > 1.22");
	tap_ok(catalog_version_cmp("1.9.0", "1.10.0", 0) < 0, "numeric, not textual, order");
	tap_ok(catalog_version_cmp("1.12.6", "1.12.6-aliyun.1", 3) == 0, "suffixes do not count");
	catalog_list_join(&catalog->kubernetes_versions, list, sizeof(list));
	tap_ok(strlen(list) < sizeof(list) && strcmp(list + strlen(list) - 3, "...") == 0,
	       "a long list ends with ...");
	catalog_free(NULL);
}

static void
test_world(void)
{
	static const char *const bad[] = {
	    "{\"vpcs\":{}}",
	    "{\"vpcs\":[{\"id\":\"vpc-A\",\"region_id\":\"cn-hangzhou\",\"cidr\":\"10.0.0.0/8\"}]}",
	    "{\"vpcs\":[{\"id\":\"vpc-a\",\"region_id\":\"cn-mars\",\"cidr\":\"10.0.0.0/8\"}]}",
	    "{\"vpcs\":[{\"id\":\"vpc-a\",\"region_id\":\"cn-hangzhou\",\"cidr\":\"10.0.0.1/8\"}]}",
	    ("{\"vswitches\":[{\"id\":\"vsw-a\",\"vpc_id\":\"vpc-a\",\"zone_id\":\"cn-hangzhou\","
	     "\"cidr\":\"10.0.0.0/24\"}]}"),
	    "{\"security_groups\":[{\"id\":\"sg-a\",\"vpc_id\":\"vpc-a\",\"enterprise\":\"yes\"}]}",
	};
	const char *good =
	    "{\"vpcs\":[{\"id\":\"vpc-a\",\"region_id\":\"cn-hangzhou\",\"cidr\":\"10.0.0.0/8\"}],"
	    "\"vswitches\":[{\"id\":\"vsw-a\",\"vpc_id\":\"vpc-a\",\"zone_id\":\"cn-hangzhou-i\","
	    "\"cidr\":\"10.0.0.0/24\"}],"
	    "\"security_groups\":[{\"id\":\"sg-a\",\"vpc_id\":\"vpc-a\",\"enterprise\":true}]}";
	struct world w = {0};
	char why[256];
	cJSON *doc;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		doc = cJSON_Parse(bad[i]);
		tap_ok(world_parse(doc, catalog, &w, why, sizeof(why)) != ERR_OK && w.nvpcs == 0,
		       "bad world %zu: %s", i, why);
		cJSON_Delete(doc);
	}
	doc = cJSON_Parse(good);
	tap_ok(world_parse(doc, catalog, &w, why, sizeof(why)) == ERR_OK, "a good world parses");
	cJSON_Delete(doc);
	tap_ok(world_vpc(&w, "vpc-a") != NULL && world_vpc(&w, "vpc-b") == NULL, "VPC lookup");
	tap_ok(world_vswitch(&w, "vsw-a") != NULL && world_sg(&w, "sg-a")->enterprise,
	       "other lookups");
	tap_ok(world_vpc(NULL, "vpc-a") == NULL, "a NULL world knows nothing");
	doc = world_to_json(&w);
	tap_ok(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "vswitches")) == 1,
	       "to JSON");
	cJSON_Delete(doc);
	world_finish(&w);
	world_finish(NULL);
}

int
main(void)
{
	static const struct world_vpc vpc = {"vpc-w", "cn-hangzhou", "192.168.0.0/16"};
	static const struct world_vswitch vsw[] = {
	    {"vsw-w1", "vpc-w", "cn-hangzhou-i", "192.168.1.0/24"},
	    {"vsw-other", "vpc-x", "cn-hangzhou-i", "10.1.0.0/24"},
	};
	struct verdict *v = malloc(sizeof(*v));
	char err[256];

	catalog = catalog_load(NULL, err, sizeof(err));
	tap_ok(catalog != NULL, "the built-in catalog loads");
	world_add_vpc(&world, &vpc);
	world_add_vswitch(&world, &vsw[0]);
	world_add_vswitch(&world, &vsw[1]);
	test_table(v);
	test_messages(v);
	test_defaults(v);
	test_cap(v);
	test_catalog();
	test_world();
	release();
	tap_ok(specs >= 10 && text_mismatches == 0,
	       "every spec's text is cJSON's print of its tree (%d specs, %d differ)", specs,
	       text_mismatches);
	world_finish(&world);
	catalog_free(catalog);
	free(v);
	return tap_done();
}

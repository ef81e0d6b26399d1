/*
 * The built-in catalog and --catalog FILE. The built-in catalog is JSON text
 * read by the same parser as a file, so the two can never disagree on shape.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "catalog.h"

const char catalog_builtin_json[] =
    "{\"regions\": [\"cn-qingdao\", \"cn-beijing\", \"cn-zhangjiakou\", \"cn-huhehaote\","
    " \"cn-wulanchabu\", \"cn-hangzhou\", \"cn-shanghai\", \"cn-nanjing\", \"cn-fuzhou\","
    " \"cn-shenzhen\", \"cn-heyuan\", \"cn-guangzhou\", \"cn-chengdu\", \"cn-hongkong\","
    " \"ap-northeast-1\", \"ap-northeast-2\", \"ap-southeast-1\", \"ap-southeast-3\","
    " \"ap-southeast-5\", \"ap-southeast-6\", \"ap-southeast-7\", \"ap-south-1\", \"us-east-1\","
    " \"us-west-1\", \"eu-west-1\", \"eu-central-1\", \"me-east-1\", \"me-central-1\"],"
    " \"kubernetes_versions\": [\"1.16.9-aliyun.1\", \"1.18.8-aliyun.1\", \"1.20.11-aliyun.1\","
    " \"1.22.15-aliyun.1\", \"1.24.6-aliyun.1\", \"1.26.15-aliyun.1\", \"1.28.15-aliyun.1\","
    " \"1.30.7-aliyun.1\", \"1.31.1-aliyun.1\"],"
    " \"runtimes\": {\"Sandboxed-Container.runv\": [\"2.1.0\", \"2.2.0\", \"2.2.1\"],"
    " \"containerd\": [\"1.5.13\", \"1.6.20\", \"1.6.28\"], \"docker\": [\"19.03.15\"]},"
    " \"addons\": [\"flannel\", \"terway-eniip\", \"terway-eni\", \"csi-plugin\","
    " \"csi-provisioner\", \"logtail-ds\", \"nginx-ingress-controller\","
    " \"ack-node-problem-detector\", \"arms-prometheus\", \"sandboxed-container-controller\","
    " \"metrics-server\", \"coredns\", \"alb-ingress-controller\"]}";

static void
list_finish(struct catalog_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->items[i]);
	free(list->items);
	free(list->joined);
	list->items = NULL;
	list->joined = NULL;
	list->n = 0;
	list->joined_len = 0;
	list->newest = NULL;
}

void
catalog_free(struct catalog *c)
{
	if (c == NULL)
		return;
	list_finish(&c->regions);
	list_finish(&c->kubernetes_versions);
	for (size_t i = 0; i < c->nruntimes; i++) {
		free(c->runtimes[i].name);
		list_finish(&c->runtimes[i].versions);
	}
	free(c->runtimes);
	list_finish(&c->addons);
	free(c);
}

bool
catalog_list_has(const struct catalog_list *list, const char *s)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->items[i], s) == 0)
			return true;
	return false;
}

/* Builds list->joined, the items separated by ", ". */
static bool
list_build_joined(struct catalog_list *list, char *err, size_t errlen)
{
	size_t len = 0;
	char *p;

	for (size_t i = 0; i < list->n; i++)
		len += (i != 0 ? 2 : 0) + strlen(list->items[i]);
	if ((list->joined = malloc(len + 1)) == NULL) {
		snprintf(err, errlen, "catalog: out of memory");
		return false;
	}
	p = list->joined;
	for (size_t i = 0; i < list->n; i++) {
		size_t n = strlen(list->items[i]);

		if (i != 0) {
			memcpy(p, ", ", 2);
			p += 2;
		}
		memcpy(p, list->items[i], n);
		p += n;
	}
	*p = '\0';
	list->joined_len = len;
	return true;
}

/* Reads a non-empty array of distinct non-empty strings into list. */
static bool
list_read(const cJSON *array, const char *what, struct catalog_list *list, char *err, size_t errlen)
{
	size_t n = (size_t)cJSON_GetArraySize(array);

	if (!cJSON_IsArray(array) || n == 0) {
		snprintf(err, errlen, "catalog: %s must be a non-empty array of strings", what);
		return false;
	}
	if ((list->items = calloc(n, sizeof(*list->items))) == NULL) {
		snprintf(err, errlen, "catalog: out of memory");
		return false;
	}
	for (const cJSON *c = array->child; c != NULL; c = c->next) {
		if (!cJSON_IsString(c) || c->valuestring[0] == '\0' ||
		    strlen(c->valuestring) > 128) {
			snprintf(err, errlen, "catalog: %s must hold non-empty strings", what);
			return false;
		}
		if (catalog_list_has(list, c->valuestring)) {
			snprintf(err, errlen, "catalog: %s lists \"%s\" twice", what,
			         c->valuestring);
			return false;
		}
		if ((list->items[list->n] = strdup(c->valuestring)) == NULL) {
			snprintf(err, errlen, "catalog: out of memory");
			return false;
		}
		list->n++;
	}
	list->newest = catalog_newest(list);
	return list_build_joined(list, err, errlen);
}

struct catalog *
catalog_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct catalog *c = NULL, *result = NULL;
	const cJSON *runtimes;
	cJSON *doc;

	doc = cJSON_ParseWithLengthOpts(text, len, NULL, false);
	if (!cJSON_IsObject(doc)) {
		snprintf(err, errlen, "catalog: not a JSON object");
		goto done;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "catalog: out of memory");
		goto done;
	}
	if (!list_read(cJSON_GetObjectItemCaseSensitive(doc, "regions"), "regions", &c->regions,
	               err, errlen) ||
	    !list_read(cJSON_GetObjectItemCaseSensitive(doc, "kubernetes_versions"),
	               "kubernetes_versions", &c->kubernetes_versions, err, errlen) ||
	    !list_read(cJSON_GetObjectItemCaseSensitive(doc, "addons"), "addons", &c->addons, err,
	               errlen))
		goto done;
	runtimes = cJSON_GetObjectItemCaseSensitive(doc, "runtimes");
	if (!cJSON_IsObject(runtimes) || runtimes->child == NULL) {
		snprintf(err, errlen, "catalog: runtimes must be an object of version arrays");
		goto done;
	}
	c->runtimes = calloc((size_t)cJSON_GetArraySize(runtimes), sizeof(*c->runtimes));
	if (c->runtimes == NULL) {
		snprintf(err, errlen, "catalog: out of memory");
		goto done;
	}
	for (const cJSON *r = runtimes->child; r != NULL; r = r->next) {
		struct catalog_runtime *rt = &c->runtimes[c->nruntimes];

		if (r->string[0] == '\0' || (rt->name = strdup(r->string)) == NULL) {
			snprintf(err, errlen, "catalog: a runtime needs a name");
			goto done;
		}
		c->nruntimes++;
		if (!list_read(r, "a runtime's versions", &rt->versions, err, errlen))
			goto done;
	}
	result = c;
	c = NULL;
done:
	catalog_free(c);
	cJSON_Delete(doc);
	return result;
}

struct catalog *
catalog_load(const char *path, char *err, size_t errlen)
{
	struct catalog *c = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	long size;

	if (path == NULL)
		return catalog_parse(catalog_builtin_json, strlen(catalog_builtin_json), err,
		                     errlen);
	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "--catalog %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > (1 << 20) ||
	    fseek(f, 0, SEEK_SET) != 0 || (text = malloc((size_t)size + 1)) == NULL) {
		snprintf(err, errlen, "--catalog %s: cannot read it (at most 1 MiB)", path);
		goto done;
	}
	len = fread(text, 1, (size_t)size, f);
	text[len] = '\0';
	if ((c = catalog_parse(text, len, err, errlen)) == NULL) {
		char inner[256];

		snprintf(inner, sizeof(inner), "%s", err);
		snprintf(err, errlen, "--catalog %s: %s", path, inner);
	}
done:
	free(text);
	fclose(f);
	return c;
}

const struct catalog_runtime *
catalog_runtime(const struct catalog *c, const char *name)
{
	for (size_t i = 0; i < c->nruntimes; i++)
		if (strcmp(c->runtimes[i].name, name) == 0)
			return &c->runtimes[i];
	return NULL;
}

int
catalog_version_cmp(const char *a, const char *b, int n)
{
	for (int i = 0; n <= 0 || i < n; i++) {
		char *ea, *eb;
		unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (n > 0 && i + 1 == n)
			return 0;
		if (*ea != '.' || *eb != '.')
			return (*ea == '.') - (*eb == '.');
		a = ea + 1;
		b = eb + 1;
	}
	return 0;
}

const char *
catalog_newest(const struct catalog_list *list)
{
	const char *best = list->newest;

	if (best != NULL)
		return best;
	for (size_t i = 0; i < list->n; i++)
		if (best == NULL || catalog_version_cmp(list->items[i], best, 0) > 0)
			best = list->items[i];
	return best;
}

char *
catalog_list_join(const struct catalog_list *list, char *buf, size_t len)
{
	size_t used = 0;

	if (list->joined != NULL && list->joined_len < len) {
		memcpy(buf, list->joined, list->joined_len + 1);
		return buf;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < list->n; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", list->items[i]);

		if (w < 0 || (size_t)w >= len - used) {
			if (len >= 4)
				memcpy(buf + len - 4, "...", 4);
			break;
		}
		used += (size_t)w;
	}
	return buf;
}

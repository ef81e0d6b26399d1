/* The world snapshot: entries, lookups, and its JSON form (admin API, --world FILE). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "catalog.h"
#include "cidr.h"
#include "world.h"

void
world_finish(struct world *w)
{
	if (w == NULL)
		return;
	free(w->vpcs);
	free(w->vswitches);
	free(w->sgs);
	memset(w, 0, sizeof(*w));
}

/* Appends one element of size size to *array of *n elements. */
static bool
append(void **array, size_t *n, const void *item, size_t size)
{
	char *grown = realloc(*array, (*n + 1) * size);

	if (grown == NULL)
		return false;
	memcpy(grown + *n * size, item, size);
	*array = grown;
	(*n)++;
	return true;
}

bool
world_add_vpc(struct world *w, const struct world_vpc *v)
{
	return append((void **)&w->vpcs, &w->nvpcs, v, sizeof(*v));
}

bool
world_add_vswitch(struct world *w, const struct world_vswitch *v)
{
	return append((void **)&w->vswitches, &w->nvswitches, v, sizeof(*v));
}

bool
world_add_sg(struct world *w, const struct world_sg *v)
{
	return append((void **)&w->sgs, &w->nsgs, v, sizeof(*v));
}

const struct world_vpc *
world_vpc(const struct world *w, const char *id)
{
	for (size_t i = 0; w != NULL && i < w->nvpcs; i++)
		if (strcmp(w->vpcs[i].id, id) == 0)
			return &w->vpcs[i];
	return NULL;
}

const struct world_vswitch *
world_vswitch(const struct world *w, const char *id)
{
	for (size_t i = 0; w != NULL && i < w->nvswitches; i++)
		if (strcmp(w->vswitches[i].id, id) == 0)
			return &w->vswitches[i];
	return NULL;
}

const struct world_sg *
world_sg(const struct world *w, const char *id)
{
	for (size_t i = 0; w != NULL && i < w->nsgs; i++)
		if (strcmp(w->sgs[i].id, id) == 0)
			return &w->sgs[i];
	return NULL;
}

bool
world_id_ok(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n) != 0 || s[n] == '\0')
		return false;
	for (s += n; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* Copies member key of entry, a string of at most len-1 bytes, into dst. */
static bool
get_string(const cJSON *entry, const char *key, char *dst, size_t len)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(entry, key);

	if (!cJSON_IsString(v) || v->valuestring[0] == '\0' || strlen(v->valuestring) >= len)
		return false;
	memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
	return true;
}

static bool
cidr_ok(const char *s)
{
	struct cidr c;

	return cidr_parse(s, &c) && cidr_host_bits_zero(&c);
}

/* True when zone is "<a catalog region>-<one lower-case letter>". */
static bool
zone_ok(const char *zone, const struct catalog *catalog)
{
	size_t n = strlen(zone);
	char region[WORLD_ID_LEN];

	if (n < 3 || zone[n - 2] != '-' || zone[n - 1] < 'a' || zone[n - 1] > 'z' ||
	    n - 2 >= sizeof(region))
		return false;
	memcpy(region, zone, n - 2);
	region[n - 2] = '\0';
	return catalog == NULL || catalog_list_has(&catalog->regions, region);
}

/* The first entry of the array doc.key, or NULL. */
static const cJSON *
first_entry(const cJSON *doc, const char *key)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, key);

	return list != NULL ? list->child : NULL;
}

enum err
world_parse(const cJSON *doc, const struct catalog *catalog, struct world *out, char *why,
            size_t whylen)
{
	static const char *const keys[] = {"vpcs", "vswitches", "security_groups"};
	struct world w = {0};
	enum err err = ERR_INVALID_PARAMETER;
	int i;

	if (!cJSON_IsObject(doc)) {
		snprintf(why, whylen, "the world must be a JSON object");
		return ERR_INVALID_BODY;
	}
	for (size_t k = 0; k < 3; k++) {
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, keys[k]);

		if (list != NULL && !cJSON_IsArray(list)) {
			snprintf(why, whylen, "%s must be an array of objects", keys[k]);
			goto done;
		}
	}
	i = 0;
	for (const cJSON *e = first_entry(doc, "vpcs"); e != NULL; e = e->next, i++) {
		struct world_vpc v = {0};

		if (!get_string(e, "id", v.id, sizeof(v.id)) || !world_id_ok(v.id, "vpc-")) {
			snprintf(
			    why, whylen,
			    "vpcs[%d].id must be vpc- followed by lower-case letters and digits",
			    i);
			goto done;
		}
		if (!get_string(e, "region_id", v.region_id, sizeof(v.region_id)) ||
		    (catalog != NULL && !catalog_list_has(&catalog->regions, v.region_id))) {
			snprintf(why, whylen, "vpcs[%d].region_id must be a region of the catalog",
			         i);
			goto done;
		}
		if (!get_string(e, "cidr", v.cidr, sizeof(v.cidr)) || !cidr_ok(v.cidr)) {
			snprintf(why, whylen,
			         "vpcs[%d].cidr must be an IPv4 CIDR block with zero host bits", i);
			goto done;
		}
		if (!world_add_vpc(&w, &v))
			goto oom;
	}
	i = 0;
	for (const cJSON *e = first_entry(doc, "vswitches"); e != NULL; e = e->next, i++) {
		struct world_vswitch v = {0};

		if (!get_string(e, "id", v.id, sizeof(v.id)) || !world_id_ok(v.id, "vsw-")) {
			snprintf(why, whylen,
			         "vswitches[%d].id must be vsw- followed by lower-case letters and "
			         "digits",
			         i);
			goto done;
		}
		if (!get_string(e, "vpc_id", v.vpc_id, sizeof(v.vpc_id)) ||
		    !world_id_ok(v.vpc_id, "vpc-")) {
			snprintf(why, whylen, "vswitches[%d].vpc_id must be a VPC id", i);
			goto done;
		}
		if (!get_string(e, "zone_id", v.zone_id, sizeof(v.zone_id)) ||
		    !zone_ok(v.zone_id, catalog)) {
			snprintf(
			    why, whylen,
			    "vswitches[%d].zone_id must be <region>-<letter> of a catalog region",
			    i);
			goto done;
		}
		if (!get_string(e, "cidr", v.cidr, sizeof(v.cidr)) || !cidr_ok(v.cidr)) {
			snprintf(
			    why, whylen,
			    "vswitches[%d].cidr must be an IPv4 CIDR block with zero host bits", i);
			goto done;
		}
		if (!world_add_vswitch(&w, &v))
			goto oom;
	}
	i = 0;
	for (const cJSON *e = first_entry(doc, "security_groups"); e != NULL; e = e->next, i++) {
		struct world_sg v = {0};
		const cJSON *ent = cJSON_GetObjectItemCaseSensitive(e, "enterprise");

		if (!get_string(e, "id", v.id, sizeof(v.id)) || !world_id_ok(v.id, "sg-")) {
			snprintf(why, whylen,
			         "security_groups[%d].id must be sg- followed by lower-case "
			         "letters and digits",
			         i);
			goto done;
		}
		if (!get_string(e, "vpc_id", v.vpc_id, sizeof(v.vpc_id)) ||
		    !world_id_ok(v.vpc_id, "vpc-")) {
			snprintf(why, whylen, "security_groups[%d].vpc_id must be a VPC id", i);
			goto done;
		}
		if (ent != NULL && !cJSON_IsBool(ent)) {
			snprintf(why, whylen, "security_groups[%d].enterprise must be a boolean",
			         i);
			goto done;
		}
		v.enterprise = cJSON_IsTrue(ent);
		if (!world_add_sg(&w, &v))
			goto oom;
	}
	*out = w;
	return ERR_OK;
oom:
	snprintf(why, whylen, "out of memory");
	err = ERR_INTERNAL;
done:
	world_finish(&w);
	return err;
}

cJSON *
world_to_json(const struct world *w)
{
	cJSON *doc = cJSON_CreateObject(), *vpcs, *vsws, *sgs;

	if (doc == NULL)
		return NULL;
	vpcs = cJSON_AddArrayToObject(doc, "vpcs");
	vsws = cJSON_AddArrayToObject(doc, "vswitches");
	sgs = cJSON_AddArrayToObject(doc, "security_groups");
	if (vpcs == NULL || vsws == NULL || sgs == NULL)
		goto oom;
	for (size_t i = 0; i < w->nvpcs; i++) {
		cJSON *e = cJSON_CreateObject();

		if (e == NULL || !cJSON_AddItemToArray(vpcs, e))
			goto oom;
		cJSON_AddStringToObject(e, "id", w->vpcs[i].id);
		cJSON_AddStringToObject(e, "region_id", w->vpcs[i].region_id);
		cJSON_AddStringToObject(e, "cidr", w->vpcs[i].cidr);
	}
	for (size_t i = 0; i < w->nvswitches; i++) {
		cJSON *e = cJSON_CreateObject();

		if (e == NULL || !cJSON_AddItemToArray(vsws, e))
			goto oom;
		cJSON_AddStringToObject(e, "id", w->vswitches[i].id);
		cJSON_AddStringToObject(e, "vpc_id", w->vswitches[i].vpc_id);
		cJSON_AddStringToObject(e, "zone_id", w->vswitches[i].zone_id);
		cJSON_AddStringToObject(e, "cidr", w->vswitches[i].cidr);
	}
	for (size_t i = 0; i < w->nsgs; i++) {
		cJSON *e = cJSON_CreateObject();

		if (e == NULL || !cJSON_AddItemToArray(sgs, e))
			goto oom;
		cJSON_AddStringToObject(e, "id", w->sgs[i].id);
		cJSON_AddStringToObject(e, "vpc_id", w->sgs[i].vpc_id);
		cJSON_AddBoolToObject(e, "enterprise", w->sgs[i].enterprise);
	}
	return doc;
oom:
	cJSON_Delete(doc);
	return NULL;
}

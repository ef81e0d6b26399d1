/*
 * libFuzzer target over the JSON-to-verdict path of CreateCluster: the raw
 * body goes through jsonbody_parse and, when it is an object, through
 * validate_create twice (lenient, and with --strict-parameters and a strict
 * world), then through the printers of the verdict and the resolved spec.
 * Built only with clang (tests/fuzz/meson.build); run by run.py.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "catalog.h"
#include "jsonbody.h"
#include "validate.h"
#include "world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A valid password (upper, lower, digit, special) that no message may show. */
#define PASSWORD_SENTINEL "Pw#7sentinel"

static struct catalog *catalog;
static struct world world;

/* A small world, so that the world rules (X4, X7, X13, W1-W3) run too. */
static void
fuzz_init(void)
{
	static const struct world_vpc vpc = {"vpc-fxw1", "cn-hangzhou", "192.168.0.0/16"};
	static const struct world_vswitch vsw[] = {
	    {"vsw-fxw1a", "vpc-fxw1", "cn-hangzhou-i", "192.168.1.0/24"},
	    {"vsw-fxw1pa", "vpc-fxw1", "cn-hangzhou-i", "192.168.10.0/24"},
	    {"vsw-fxw2a", "vpc-fxw2", "cn-beijing-b", "172.16.1.0/24"},
	};
	static const struct world_sg sg = {"sg-fxw1n", "vpc-fxw1", false};
	char err[256];

	catalog = catalog_load(NULL, err, sizeof(err));
	if (catalog == NULL)
		abort();
	if (!world_add_vpc(&world, &vpc) || !world_add_sg(&world, &sg))
		abort();
	for (size_t i = 0; i < sizeof(vsw) / sizeof(vsw[0]); i++)
		if (!world_add_vswitch(&world, &vsw[i]))
			abort();
}

/*
 * Runs one validation and checks what must hold for every input: a verdict
 * or a spec, never both or neither; every violation has a message; messages
 * and paths are valid UTF-8; the ignored-parameters list is header-safe;
 * and, when forbidden is not NULL, neither a message nor the spec has it.
 */
static void
run_once(const cJSON *body, const struct validate_options *opts, struct verdict *verdict,
         const char *forbidden)
{
	struct validate_spec spec = {0};
	cJSON *data;
	char *text;

	if (validate_create(body, opts, verdict, &spec) == 0 ? spec.tree == NULL
	                                                      : spec.tree != NULL)
		abort();
	for (size_t i = 0; i < verdict->n; i++) {
		if (verdict->v[i].message[0] == '\0' || verdict->v[i].err == ERR_OK)
			abort();
		if (forbidden != NULL && strstr(verdict->v[i].message, forbidden) != NULL)
			abort();
		if (!jsonbody_utf8_valid(verdict->v[i].message, strlen(verdict->v[i].message)) ||
		    !jsonbody_utf8_valid(verdict->v[i].parameter, strlen(verdict->v[i].parameter)))
			abort();
	}
	for (const char *c = verdict->ignored; *c != '\0'; c++)
		if (*c < 0x21 || *c > 0x7E)
			abort();
	data = validate_data(verdict);
	text = cJSON_PrintUnformatted(data);
	cJSON_free(text);
	cJSON_Delete(data);
	if (spec.tree != NULL) {
		/* The resolved spec is stored: it never holds the password. */
		text = cJSON_PrintUnformatted(spec.tree);
		if (forbidden != NULL && text != NULL && strstr(text, forbidden) != NULL)
			abort();
		/* Its text, made with the tree, is cJSON's print of the tree. */
		if (text != NULL && (strcmp(text, spec.text) != 0 || strlen(text) != spec.len))
			abort();
		cJSON_free(text);
		cJSON_Delete(spec.tree);
		free(spec.text);
	}
}

/*
 * The login password must never reach a message or the spec: the body is
 * validated again with login_password replaced by a sentinel that the
 * input itself does not contain, and nothing may repeat the sentinel.
 */
static void
check_secret(const cJSON *body, const struct validate_options *opts, struct verdict *verdict)
{
	cJSON *copy = NULL;
	char *text = NULL;

	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(body, "login_password")))
		return;
	/* The printed body holds every string decoded: the sentinel must not be among them. */
	text = cJSON_PrintUnformatted(body);
	if (text == NULL || strstr(text, PASSWORD_SENTINEL) != NULL)
		goto done;
	if ((copy = cJSON_Duplicate(body, true)) == NULL)
		goto done;
	cJSON_ReplaceItemInObjectCaseSensitive(copy, "login_password",
	                                       cJSON_CreateString(PASSWORD_SENTINEL));
	run_once(copy, opts, verdict, PASSWORD_SENTINEL);
done:
	cJSON_free(text);
	cJSON_Delete(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct validate_options lenient = {.catalog = NULL, .world = NULL};
	struct validate_options strict = {.strict_parameters = true, .world_strict = true};
	static struct verdict verdict;
	char why[256];
	cJSON *body;

	if (catalog == NULL)
		fuzz_init();
	lenient.catalog = strict.catalog = catalog;
	strict.world = &world;
	body = jsonbody_parse((const char *)data, size, why, sizeof(why));
	if (body == NULL)
		return 0;
	run_once(body, &lenient, &verdict, NULL);
	run_once(body, &strict, &verdict, NULL);
	check_secret(body, &lenient, &verdict);
	cJSON_Delete(body);
	return 0;
}

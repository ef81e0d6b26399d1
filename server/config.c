/*
 * Command line and environment. One table lists every option with its
 * environment name and the function that parses its value, so the usage
 * text, --check-config and the environment all come from the same rows.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "config.h"

/* Files named by flags are read whole; nothing legitimate is near this size. */
#define CONFIG_FILE_MAX (16 * 1024 * 1024)

typedef bool (*opt_parse_fn)(struct config *cfg, const char *value, char *err, size_t errlen);

struct option_row {
	const char *flag;	/* without the leading "--" */
	const char *env;
	bool takes_value;
	opt_parse_fn parse;
	const char *help;
};

static bool
parse_int(const char *value, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool
set_string(char **slot, const char *value)
{
	char *copy = strdup(value);

	if (copy == NULL)
		return false;
	free(*slot);
	*slot = copy;
	return true;
}

static bool
opt_listen(struct config *cfg, const char *value, char *err, size_t errlen)
{
	const char *colon = strrchr(value, ':');
	int64_t port;
	char *host;

	if (colon == NULL || colon == value || !parse_int(colon + 1, 0, 65535, &port)) {
		snprintf(err, errlen, "--listen: expected HOST:PORT, got '%s'", value);
		return false;
	}
	host = strndup(value, (size_t)(colon - value));
	if (host == NULL)
		return false;
	free(cfg->listen_host);
	cfg->listen_host = host;
	cfg->listen_port = (int)port;
	return true;
}

static bool
opt_db(struct config *cfg, const char *value, char *err, size_t errlen)
{
	if (value[0] == '\0') {
		snprintf(err, errlen, "--db: the path is empty");
		return false;
	}
	return set_string(&cfg->db_path, value);
}

static bool
opt_time_scale(struct config *cfg, const char *value, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (errno != 0 || end == value || *end != '\0' || !(v > 0) || v > 1e9) {
		snprintf(err, errlen, "--time-scale: expected a number > 0, got '%s'", value);
		return false;
	}
	cfg->time_scale = v;
	return true;
}

static bool
opt_instant(struct config *cfg, const char *value, char *err, size_t errlen)
{
	cfg->instant = true;
	return true;
}

static bool
opt_test_hooks(struct config *cfg, const char *value, char *err, size_t errlen)
{
	cfg->test_hooks = true;
	return true;
}

/* The names of the enum-valued flags' values, in the enums' order (parsed and printed). */
static const char *const auth_names[] = {"off", "optional", "required"};
static const char *const sync_names[] = {"off", "normal", "full"};
static const char *const format_names[] = {"text", "json"};
static const char *const level_names[] = {"debug", "info", "warn", "error"};

#define NNAMES(a) ((int)(sizeof(a) / sizeof((a)[0])))

/*
 * The index of value among the n names of flag's values; -1, with
 * "--flag: expected a, b or c, got 'value'" in err, when it is none of them.
 */
static int
choice(const char *flag, const char *value, const char *const *names, int n, char *err,
    size_t errlen)
{
	size_t len;

	for (int i = 0; i < n; i++)
		if (strcmp(value, names[i]) == 0)
			return i;
	len = (size_t)snprintf(err, errlen, "--%s: expected ", flag);
	for (int i = 0; i < n && len < errlen; i++)
		len += (size_t)snprintf(err + len, errlen - len, "%s%s",
		    i == 0 ? "" : i == n - 1 ? " or " : ", ", names[i]);
	if (len < errlen)
		snprintf(err + len, errlen - len, ", got '%s'", value);
	return -1;
}

static bool
opt_auth(struct config *cfg, const char *value, char *err, size_t errlen)
{
	int i = choice("auth", value, auth_names, NNAMES(auth_names), err, errlen);

	if (i >= 0)
		cfg->auth = (enum auth_mode)i;
	return i >= 0;
}

static bool
opt_credential(struct config *cfg, const char *value, char *err, size_t errlen)
{
	const char *c1 = strchr(value, ':');
	const char *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
	struct credential *cr;

	if (c1 == NULL || c1 == value || c1[1] == '\0' || c1[1] == ':' ||
	    (c2 != NULL && c2[1] == '\0')) {
		snprintf(err, errlen, "--credential: expected AK:SECRET[:ACCOUNT]");
		return false;
	}
	if (cfg->ncredentials >= CONFIG_MAX_CREDENTIALS) {
		snprintf(err, errlen, "--credential: at most %d credentials",
		    CONFIG_MAX_CREDENTIALS);
		return false;
	}
	cr = &cfg->credentials[cfg->ncredentials];
	cr->access_key_id = strndup(value, (size_t)(c1 - value));
	cr->secret = c2 != NULL ? strndup(c1 + 1, (size_t)(c2 - c1 - 1)) : strdup(c1 + 1);
	/* lifecycle.md section 5: without an account, the key is its own account. */
	cr->account = c2 != NULL ? strdup(c2 + 1) : strndup(value, (size_t)(c1 - value));
	cfg->ncredentials++;
	return cr->access_key_id != NULL && cr->secret != NULL && cr->account != NULL;
}

static bool
opt_credentials_file(struct config *cfg, const char *value, char *err, size_t errlen)
{
	return set_string(&cfg->credentials_file, value);
}

static bool
opt_max_skew(struct config *cfg, const char *value, char *err, size_t errlen)
{
	if (!parse_int(value, 0, 86400 * 365, &cfg->max_skew_s)) {
		snprintf(err, errlen, "--max-skew: expected seconds >= 0, got '%s'", value);
		return false;
	}
	return true;
}

static bool
opt_world(struct config *cfg, const char *value, char *err, size_t errlen)
{
	return set_string(&cfg->world_file, value);
}

static bool
opt_world_strict(struct config *cfg, const char *value, char *err, size_t errlen)
{
	cfg->world_strict = true;
	return true;
}

static bool
opt_catalog(struct config *cfg, const char *value, char *err, size_t errlen)
{
	return set_string(&cfg->catalog_file, value);
}

static bool
opt_strict_parameters(struct config *cfg, const char *value, char *err, size_t errlen)
{
	cfg->strict_parameters = true;
	return true;
}

static bool
opt_max_clusters(struct config *cfg, const char *value, char *err, size_t errlen)
{
	if (!parse_int(value, 0, INT32_MAX, &cfg->max_clusters)) {
		snprintf(err, errlen, "--max-clusters: expected a count >= 0, got '%s'", value);
		return false;
	}
	return true;
}

static bool
opt_journal_max(struct config *cfg, const char *value, char *err, size_t errlen)
{
	if (!parse_int(value, 0, 100000000, &cfg->journal_max)) {
		snprintf(err, errlen, "--journal-max: expected a count >= 0, got '%s'", value);
		return false;
	}
	return true;
}

static bool
opt_sync(struct config *cfg, const char *value, char *err, size_t errlen)
{
	int i = choice("sync", value, sync_names, NNAMES(sync_names), err, errlen);

	if (i >= 0)
		cfg->sync = (enum db_sync)i;
	return i >= 0;
}

static bool
opt_log_format(struct config *cfg, const char *value, char *err, size_t errlen)
{
	int i = choice("log-format", value, format_names, NNAMES(format_names), err, errlen);

	if (i >= 0)
		cfg->log_format = (enum log_format)i;
	return i >= 0;
}

static bool
opt_log_level(struct config *cfg, const char *value, char *err, size_t errlen)
{
	int i = choice("log-level", value, level_names, NNAMES(level_names), err, errlen);

	if (i >= 0)
		cfg->log_level = (enum log_level)i;
	return i >= 0;
}

static bool
opt_seed(struct config *cfg, const char *value, char *err, size_t errlen)
{
	int64_t v;

	if (!parse_int(value, 0, INT64_MAX, &v)) {
		snprintf(err, errlen, "--seed: expected an integer >= 0, got '%s'", value);
		return false;
	}
	cfg->seed = (uint64_t)v;
	return true;
}

static bool
opt_request_timeout(struct config *cfg, const char *value, char *err, size_t errlen)
{
	if (!parse_int(value, 1, 3600, &cfg->request_timeout_s)) {
		snprintf(err, errlen, "--request-timeout: expected seconds from 1 to 3600, got '%s'",
		    value);
		return false;
	}
	return true;
}

static bool
opt_db_max_pages(struct config *cfg, const char *value, char *err, size_t errlen)
{
	if (!parse_int(value, 1, INT32_MAX, &cfg->db_max_pages)) {
		snprintf(err, errlen, "--db-max-pages: expected a page count >= 1, got '%s'", value);
		return false;
	}
	return true;
}

static bool
opt_check_config(struct config *cfg, const char *value, char *err, size_t errlen)
{
	cfg->check_config = true;
	return true;
}

static bool
opt_help(struct config *cfg, const char *value, char *err, size_t errlen)
{
	cfg->help = true;
	return true;
}

static bool
opt_version(struct config *cfg, const char *value, char *err, size_t errlen)
{
	cfg->version = true;
	return true;
}

/* clang-format off */
static const struct option_row options[] = {
	/* flag			env				value	parse			help */
	{ "listen",		"ACKMOCK_LISTEN",		true,	opt_listen,		"HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks one)" },
	{ "db",			"ACKMOCK_DB",			true,	opt_db,			"SQLite database file (default ackmock.db; :memory: for a throwaway run)" },
	{ "time-scale",		"ACKMOCK_TIME_SCALE",		true,	opt_time_scale,		"virtual seconds per real second (default 60)" },
	{ "instant",		"ACKMOCK_INSTANT",		false,	opt_instant,		"every task completes at creation time" },
	{ "test-hooks",		"ACKMOCK_TEST_HOOKS",		false,	opt_test_hooks,		"test only: honour the x-ackmock-fail-at-stage request header" },
	{ "auth",		"ACKMOCK_AUTH",			true,	opt_auth,		"off, optional or required (default optional)" },
	{ "credential",		"ACKMOCK_CREDENTIAL",		true,	opt_credential,		"AK:SECRET[:ACCOUNT], repeatable (default testid:testsecret)" },
	{ "credentials",	"ACKMOCK_CREDENTIALS",		true,	opt_credentials_file,	"JSON file of [{access_key_id, access_key_secret, account}]" },
	{ "max-skew",		"ACKMOCK_MAX_SKEW",		true,	opt_max_skew,		"allowed clock skew of signed requests in seconds (default 900; 0 disables)" },
	{ "world",		"ACKMOCK_WORLD",		true,	opt_world,		"JSON file of VPCs, vSwitches and security groups" },
	{ "world-strict",	"ACKMOCK_WORLD_STRICT",		false,	opt_world_strict,	"ids the world does not know are NotFound" },
	{ "catalog",		"ACKMOCK_CATALOG",		true,	opt_catalog,		"JSON file replacing the built-in regions, versions, runtimes, addons" },
	{ "strict-parameters",	"ACKMOCK_STRICT_PARAMETERS",	false,	opt_strict_parameters,	"unknown CreateCluster parameters are InvalidParameter" },
	{ "max-clusters",	"ACKMOCK_MAX_CLUSTERS",		true,	opt_max_clusters,	"live clusters per account (default 0: no limit)" },
	{ "journal-max",	"ACKMOCK_JOURNAL_MAX",		true,	opt_journal_max,	"request journal entries kept (default 10000)" },
	{ "sync",		"ACKMOCK_SYNC",			true,	opt_sync,		"fsyncs of the database: off, normal (at checkpoints) or full (every commit); default off" },
	{ "log-format",		"ACKMOCK_LOG_FORMAT",		true,	opt_log_format,		"text or json (default text)" },
	{ "log-level",		"ACKMOCK_LOG_LEVEL",		true,	opt_log_level,		"debug, info, warn or error (default info)" },
	{ "seed",		"ACKMOCK_SEED",			true,	opt_seed,		"seed of the fault-probability PRNG (default 1)" },
	{ "request-timeout",	"ACKMOCK_REQUEST_TIMEOUT",	true,	opt_request_timeout,	"seconds a connection has to send a whole request, idle time included (default 60)" },
	{ "db-max-pages",	"ACKMOCK_DB_MAX_PAGES",		true,	opt_db_max_pages,	"testing: cap the database at N pages of 4 KiB to simulate a full disk" },
	{ "check-config",	"ACKMOCK_CHECK_CONFIG",		false,	opt_check_config,	"print the effective configuration and exit" },
	{ "help",		NULL,				false,	opt_help,		"print this help and exit" },
	{ "version",		NULL,				false,	opt_version,		"print the version and exit" },
};
/* clang-format on */

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen_host = strdup("127.0.0.1");
	cfg->listen_port = 8080;
	cfg->db_path = strdup("ackmock.db");
	cfg->time_scale = 60;
	cfg->auth = AUTH_OPTIONAL;
	cfg->max_skew_s = 900;
	cfg->journal_max = 10000;
	cfg->sync = DB_SYNC_OFF;
	cfg->log_format = LOG_TEXT;
	cfg->log_level = LOG_INFO;
	cfg->seed = 1;
	cfg->request_timeout_s = 60;
}

static const struct option_row *
find_flag(const char *name, size_t len)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (strlen(options[i].flag) == len && memcmp(options[i].flag, name, len) == 0)
			return &options[i];
	return NULL;
}

static bool
env_true(const char *value)
{
	return strcmp(value, "1") == 0 || strcmp(value, "true") == 0 ||
	       strcmp(value, "yes") == 0 || strcmp(value, "on") == 0;
}

static bool
env_false(const char *value)
{
	return value[0] == '\0' || strcmp(value, "0") == 0 || strcmp(value, "false") == 0 ||
	       strcmp(value, "no") == 0 || strcmp(value, "off") == 0;
}

/*
 * ACKMOCK_CREDENTIAL may list several credentials separated by commas: an
 * environment variable cannot be repeated like a flag.
 */
static bool
env_credentials(struct config *cfg, const char *env, const char *value, char *err,
    size_t errlen)
{
	char *copy = strdup(value), *save = NULL;
	bool ok = copy != NULL;

	for (char *one = copy != NULL ? strtok_r(copy, ",", &save) : NULL; one != NULL && ok;
	     one = strtok_r(NULL, ",", &save))
		ok = opt_credential(cfg, one, err, errlen);
	if (ok && copy != NULL && cfg->ncredentials == 0) {
		snprintf(err, errlen, "%s: expected AK:SECRET[:ACCOUNT][,...]", env);
		ok = false;
	}
	free(copy);
	return ok;
}

static bool
apply_env(struct config *cfg, char **envp, char *err, size_t errlen)
{
	for (char **e = envp; e != NULL && *e != NULL; e++) {
		const char *eq = strchr(*e, '=');

		if (eq == NULL || strncmp(*e, "ACKMOCK_", 8) != 0)
			continue;
		for (size_t i = 0; i < NOPTIONS; i++) {
			const struct option_row *o = &options[i];

			if (o->env == NULL || strlen(o->env) != (size_t)(eq - *e) ||
			    memcmp(o->env, *e, (size_t)(eq - *e)) != 0)
				continue;
			if (!o->takes_value && !env_true(eq + 1)) {
				if (env_false(eq + 1))
					break;
				snprintf(err, errlen, "%s: expected 1, true, yes, on or 0, false, no, "
				    "off, got '%s'", o->env, eq + 1);
				return false;
			}
			if (o->parse == opt_credential) {
				if (!env_credentials(cfg, o->env, eq + 1, err, errlen))
					return false;
				break;
			}
			if (!o->parse(cfg, eq + 1, err, errlen)) {
				if (err[0] == '\0')
					snprintf(err, errlen, "%s: invalid value", o->env);
				return false;
			}
			break;
		}
	}
	return true;
}

bool
config_parse(struct config *cfg, int argc, char **argv, char **envp, char *err, size_t errlen)
{
	err[0] = '\0';
	if (!apply_env(cfg, envp, err, errlen))
		return false;
	/* Credentials given as flags replace those from the environment. */
	bool flag_credentials = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = NULL, *eq;
		const struct option_row *o;

		if (strncmp(arg, "--", 2) != 0) {
			snprintf(err, errlen, "unexpected argument '%s' (see --help)", arg);
			return false;
		}
		eq = strchr(arg + 2, '=');
		o = find_flag(arg + 2, eq != NULL ? (size_t)(eq - arg - 2) : strlen(arg + 2));
		if (o == NULL) {
			snprintf(err, errlen, "unknown flag '%s' (see --help)", arg);
			return false;
		}
		if (o->takes_value) {
			if (eq != NULL)
				value = eq + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else {
				snprintf(err, errlen, "--%s needs a value", o->flag);
				return false;
			}
		} else if (eq != NULL) {
			snprintf(err, errlen, "--%s takes no value", o->flag);
			return false;
		}
		if (o->parse == opt_credential && !flag_credentials) {
			for (size_t c = 0; c < cfg->ncredentials; c++) {
				free(cfg->credentials[c].access_key_id);
				free(cfg->credentials[c].secret);
				free(cfg->credentials[c].account);
			}
			cfg->ncredentials = 0;
			flag_credentials = true;
		}
		if (!o->parse(cfg, value, err, errlen)) {
			if (err[0] == '\0')
				snprintf(err, errlen, "--%s: invalid value", o->flag);
			return false;
		}
	}
	return true;
}

void
config_finish(struct config *cfg)
{
	free(cfg->listen_host);
	free(cfg->db_path);
	free(cfg->credentials_file);
	free(cfg->world_file);
	free(cfg->catalog_file);
	for (size_t i = 0; i < cfg->ncredentials; i++) {
		free(cfg->credentials[i].access_key_id);
		free(cfg->credentials[i].secret);
		free(cfg->credentials[i].account);
	}
	memset(cfg, 0, sizeof(*cfg));
}

void
config_usage(void)
{
	printf("usage: ackmock [options]\n\n"
	       "A local emulator of the Alibaba Cloud ACK cluster API (CS 2015-12-15).\n\n"
	       "options (each also as the environment variable shown; flags win):\n");
	for (size_t i = 0; i < NOPTIONS; i++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s", options[i].flag,
		    options[i].takes_value ? " VALUE" : "");
		printf("  %-26s %s%s%s%s\n", left, options[i].help,
		    options[i].env != NULL ? " [" : "",
		    options[i].env != NULL ? options[i].env : "", options[i].env != NULL ? "]" : "");
	}
}

void
config_print(const struct config *cfg)
{
	printf("listen = %s:%d\n", cfg->listen_host, cfg->listen_port);
	printf("db = %s\n", cfg->db_path);
	printf("time_scale = %g\n", cfg->time_scale);
	printf("instant = %s\n", cfg->instant ? "true" : "false");
	printf("test_hooks = %s\n", cfg->test_hooks ? "true" : "false");
	printf("auth = %s\n", auth_names[cfg->auth]);
	if (cfg->ncredentials == 0 && cfg->credentials_file == NULL)
		printf("credential = testid (built in, account default)\n");
	for (size_t i = 0; i < cfg->ncredentials; i++)
		printf("credential = %s (account %s)\n", cfg->credentials[i].access_key_id,
		    cfg->credentials[i].account);
	printf("credentials_file = %s\n", cfg->credentials_file ? cfg->credentials_file : "");
	printf("max_skew = %lld\n", (long long)cfg->max_skew_s);
	printf("world = %s\n", cfg->world_file ? cfg->world_file : "");
	printf("world_strict = %s\n", cfg->world_strict ? "true" : "false");
	printf("catalog = %s\n", cfg->catalog_file ? cfg->catalog_file : "(built in)");
	printf("strict_parameters = %s\n", cfg->strict_parameters ? "true" : "false");
	printf("max_clusters = %lld\n", (long long)cfg->max_clusters);
	printf("journal_max = %lld\n", (long long)cfg->journal_max);
	printf("sync = %s\n", sync_names[cfg->sync]);
	printf("log_format = %s\n", format_names[cfg->log_format]);
	printf("log_level = %s\n", level_names[cfg->log_level]);
	printf("seed = %llu\n", (unsigned long long)cfg->seed);
	printf("request_timeout = %lld\n", (long long)cfg->request_timeout_s);
	if (cfg->db_max_pages != 0)
		printf("db_max_pages = %lld\n", (long long)cfg->db_max_pages);
}

/* Reads path whole and parses it as JSON; on failure writes why into err. */
static cJSON *
read_json(const char *flag, const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	char *text = NULL;
	long len;
	cJSON *doc = NULL;

	if (fp == NULL) {
		snprintf(err, errlen, "--%s: cannot open '%s': %s", flag, path, strerror(errno));
		return NULL;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 || len > CONFIG_FILE_MAX ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "--%s: '%s' is not a regular file of at most 16 MiB", flag,
		    path);
		goto done;
	}
	if ((text = malloc((size_t)len + 1)) == NULL ||
	    fread(text, 1, (size_t)len, fp) != (size_t)len) {
		snprintf(err, errlen, "--%s: cannot read '%s'", flag, path);
		goto done;
	}
	text[len] = '\0';
	if ((doc = cJSON_ParseWithLength(text, (size_t)len)) == NULL)
		snprintf(err, errlen, "--%s: '%s' is not valid JSON", flag, path);
done:
	free(text);
	fclose(fp);
	return doc;
}

static bool
check_credentials_file(const char *path, char *err, size_t errlen)
{
	cJSON *doc = read_json("credentials", path, err, errlen);
	const cJSON *item;
	int i = 0;
	bool ok = doc != NULL;

	if (ok && !cJSON_IsArray(doc)) {
		snprintf(err, errlen, "--credentials: '%s' must hold a JSON array", path);
		ok = false;
	}
	const cJSON *list = ok ? doc : NULL;

	cJSON_ArrayForEach(item, list) {
		const cJSON *ak = cJSON_GetObjectItemCaseSensitive(item, "access_key_id");
		const cJSON *sk = cJSON_GetObjectItemCaseSensitive(item, "access_key_secret");
		const cJSON *account = cJSON_GetObjectItemCaseSensitive(item, "account");

		if (!cJSON_IsString(ak) || ak->valuestring[0] == '\0' || !cJSON_IsString(sk) ||
		    sk->valuestring[0] == '\0' || (account != NULL && !cJSON_IsString(account))) {
			snprintf(err, errlen, "--credentials: '%s' entry %d needs string "
			    "access_key_id and access_key_secret (and optionally account)", path, i);
			ok = false;
			break;
		}
		i++;
	}
	cJSON_Delete(doc);
	return ok;
}

static bool
check_object_file(const char *flag, const char *path, char *err, size_t errlen)
{
	cJSON *doc = read_json(flag, path, err, errlen);
	bool ok = cJSON_IsObject(doc);

	if (doc != NULL && !ok)
		snprintf(err, errlen, "--%s: '%s' must hold a JSON object", flag, path);
	cJSON_Delete(doc);
	return ok;
}

bool
config_validate(const struct config *cfg, char *err, size_t errlen)
{
	struct in_addr addr;
	struct stat sb;

	err[0] = '\0';
	if (strcmp(cfg->listen_host, "localhost") != 0 &&
	    inet_pton(AF_INET, cfg->listen_host, &addr) != 1) {
		snprintf(err, errlen, "--listen: '%s' is not an IPv4 address or localhost",
		    cfg->listen_host);
		return false;
	}
	if (strcmp(cfg->db_path, ":memory:") != 0) {
		const char *slash = strrchr(cfg->db_path, '/');

		if (slash != NULL && slash != cfg->db_path) {
			char *dir = strndup(cfg->db_path, (size_t)(slash - cfg->db_path));
			bool ok = dir != NULL && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);

			if (!ok)
				snprintf(err, errlen, "--db: directory '%s' does not exist",
				    dir != NULL ? dir : cfg->db_path);
			free(dir);
			if (!ok)
				return false;
		}
		if (stat(cfg->db_path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
			snprintf(err, errlen, "--db: '%s' is not a regular file", cfg->db_path);
			return false;
		}
	}
	if (cfg->credentials_file != NULL &&
	    !check_credentials_file(cfg->credentials_file, err, errlen))
		return false;
	if (cfg->world_file != NULL && !check_object_file("world", cfg->world_file, err, errlen))
		return false;
	if (cfg->catalog_file != NULL &&
	    !check_object_file("catalog", cfg->catalog_file, err, errlen))
		return false;
	return true;
}

/*
 * config.c: flags, ACKMOCK_* variables, flags winning over variables, and
 * every bad value refused with one line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "tap.h"

#define MAX_ARGS 8

/* Parses argv (NULL-terminated, without argv[0]) and envp into cfg; err gets the error line. */
static bool
parse(struct config *cfg, const char *const *args, const char *const *env, char *err, size_t errlen)
{
	char *argv[MAX_ARGS + 2] = {"ackmock"};
	char *envp[MAX_ARGS + 1] = {0};
	int argc = 1;

	for (; args != NULL && args[argc - 1] != NULL; argc++)
		argv[argc] = (char *)args[argc - 1];
	for (int i = 0; env != NULL && env[i] != NULL; i++)
		envp[i] = (char *)env[i];
	config_defaults(cfg);
	return config_parse(cfg, argc, argv, envp, err, errlen);
}

struct bad_case {
	const char *id;
	const char *args[3];
	const char *env[2];
};

/* clang-format off */
static const struct bad_case bad_cases[] = {
	{ "unknown flag",		{ "--nope", NULL },			{ NULL } },
	{ "positional argument",	{ "serve", NULL },			{ NULL } },
	{ "listen without port",	{ "--listen", "127.0.0.1", NULL },	{ NULL } },
	{ "listen port too big",	{ "--listen", "127.0.0.1:70000", NULL }, { NULL } },
	{ "listen missing value",	{ "--listen", NULL },			{ NULL } },
	{ "empty db",			{ "--db=", NULL },			{ NULL } },
	{ "time scale zero",		{ "--time-scale", "0", NULL },		{ NULL } },
	{ "time scale nan",		{ "--time-scale", "nan", NULL },	{ NULL } },
	{ "auth unknown",		{ "--auth", "maybe", NULL },		{ NULL } },
	{ "credential no secret",	{ "--credential", "ak", NULL },		{ NULL } },
	{ "max skew negative",		{ "--max-skew", "-1", NULL },		{ NULL } },
	{ "max clusters text",		{ "--max-clusters", "ten", NULL },	{ NULL } },
	{ "journal max negative",	{ "--journal-max", "-5", NULL },	{ NULL } },
	{ "journal max trailing",	{ "--journal-max", "5x", NULL },	{ NULL } },
	{ "log format",			{ "--log-format", "xml", NULL },	{ NULL } },
	{ "log level",			{ "--log-level", "loud", NULL },	{ NULL } },
	{ "seed negative",		{ "--seed", "-3", NULL },		{ NULL } },
	{ "switch with value",		{ "--instant=yes", NULL },		{ NULL } },
	{ "env bad number",		{ NULL },				{ "ACKMOCK_JOURNAL_MAX=lots", NULL } },
	{ "env bad switch",		{ NULL },				{ "ACKMOCK_INSTANT=perhaps", NULL } },
	{ "env bad credential",		{ NULL },				{ "ACKMOCK_CREDENTIAL=onlykey", NULL } },
};
/* clang-format on */

int
main(void)
{
	struct config cfg;
	char err[512];

	/* Defaults (admin.md section 1). */
	tap_ok(parse(&cfg, NULL, NULL, err, sizeof(err)), "no arguments parse");
	tap_str(cfg.listen_host, "127.0.0.1", "default host");
	tap_ok(cfg.listen_port == 8080, "default port 8080");
	tap_str(cfg.db_path, "ackmock.db", "default db");
	tap_ok(cfg.time_scale == 60 && !cfg.instant, "default time scale 60");
	tap_ok(cfg.auth == AUTH_OPTIONAL && cfg.max_skew_s == 900, "default auth and skew");
	tap_ok(cfg.journal_max == 10000 && cfg.max_clusters == 0, "default journal and quota");
	tap_ok(cfg.log_format == LOG_TEXT && cfg.log_level == LOG_INFO, "default logging");
	tap_ok(cfg.seed == 1, "default seed is fixed");
	config_finish(&cfg);

	/* Flags, both spellings. */
	{
		const char *args[] = {"--listen",     "0.0.0.0:0", "--journal-max=50", "--instant",
		                      "--log-format", "json",      "--seed=42",        NULL};

		tap_ok(parse(&cfg, args, NULL, err, sizeof(err)), "flags parse");
		tap_ok(strcmp(cfg.listen_host, "0.0.0.0") == 0 && cfg.listen_port == 0,
		       "--listen HOST:PORT");
		tap_ok(cfg.journal_max == 50, "--journal-max=50");
		tap_ok(cfg.instant, "--instant");
		tap_ok(cfg.log_format == LOG_JSON, "--log-format json");
		tap_ok(cfg.seed == 42, "--seed=42");
		config_finish(&cfg);
	}

	/* The environment. */
	{
		const char *env[] = {"ACKMOCK_JOURNAL_MAX=7",
		                     "ACKMOCK_INSTANT=1",
		                     "ACKMOCK_LOG_LEVEL=debug",
		                     "ACKMOCK_CREDENTIAL=a:b:acct1,c:d",
		                     "PATH=/bin",
		                     "ACKMOCK_WORLD_STRICT=0",
		                     NULL};

		tap_ok(parse(&cfg, NULL, env, err, sizeof(err)), "environment parses: %s", err);
		tap_ok(cfg.journal_max == 7, "ACKMOCK_JOURNAL_MAX");
		tap_ok(cfg.instant, "ACKMOCK_INSTANT=1");
		tap_ok(!cfg.world_strict, "ACKMOCK_WORLD_STRICT=0 leaves it off");
		tap_ok(cfg.log_level == LOG_DEBUG, "ACKMOCK_LOG_LEVEL");
		tap_ok(cfg.ncredentials == 2 && strcmp(cfg.credentials[0].account, "acct1") == 0 &&
		           strcmp(cfg.credentials[1].access_key_id, "c") == 0 &&
		           strcmp(cfg.credentials[1].account, "c") == 0,
		       "ACKMOCK_CREDENTIAL takes a comma-separated list; no account: the key's own");
		config_finish(&cfg);
	}

	/* Flags win over the environment, whatever their order. */
	{
		const char *env[] = {"ACKMOCK_JOURNAL_MAX=7", "ACKMOCK_LISTEN=127.0.0.1:1",
		                     "ACKMOCK_CREDENTIAL=env:secret", NULL};
		const char *args[] = {"--journal-max", "9", "--credential", "flag:secret", NULL};

		tap_ok(parse(&cfg, args, env, err, sizeof(err)), "flags and environment parse");
		tap_ok(cfg.journal_max == 9, "the flag wins over ACKMOCK_JOURNAL_MAX");
		tap_ok(cfg.listen_port == 1, "an environment value without a flag stays");
		tap_ok(cfg.ncredentials == 1 &&
		           strcmp(cfg.credentials[0].access_key_id, "flag") == 0,
		       "--credential replaces ACKMOCK_CREDENTIAL");
		config_finish(&cfg);
	}

	/* Every bad value: false, and one non-empty line that names the problem. */
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		bool ok;

		err[0] = '\0';
		ok = parse(&cfg, c->args, c->env, err, sizeof(err));
		tap_ok(!ok && err[0] != '\0' && strchr(err, '\n') == NULL, "%s is refused: %s",
		       c->id, err);
		config_finish(&cfg);
	}

	/* config_validate: files must exist and parse. */
	{
		char path[] = "/tmp/ackmock-test-config-XXXXXX";
		int fd = mkstemp(path);
		FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
		const char *args[] = {"--db", ":memory:", "--world", path, NULL};

		if (fp != NULL) {
			fputs("{\"vpcs\":[]}", fp);
			fclose(fp);
		}
		tap_ok(parse(&cfg, args, NULL, err, sizeof(err)) &&
		           config_validate(&cfg, err, sizeof(err)),
		       "an existing JSON world file validates: %s", err);
		config_finish(&cfg);

		const char *bad_world[] = {"--world", "/nonexistent/world.json", NULL};

		tap_ok(parse(&cfg, bad_world, NULL, err, sizeof(err)) &&
		           !config_validate(&cfg, err, sizeof(err)) &&
		           strstr(err, "--world") != NULL,
		       "a missing world file is refused: %s", err);
		config_finish(&cfg);

		const char *bad_creds[] = {"--credentials", path, NULL};

		tap_ok(parse(&cfg, bad_creds, NULL, err, sizeof(err)) &&
		           !config_validate(&cfg, err, sizeof(err)) && strstr(err, "array") != NULL,
		       "a credentials file that is not an array is refused: %s", err);
		config_finish(&cfg);
		unlink(path);

		const char *bad_host[] = {"--listen", "example.com:80", NULL};

		tap_ok(parse(&cfg, bad_host, NULL, err, sizeof(err)) &&
		           !config_validate(&cfg, err, sizeof(err)),
		       "a host name other than localhost is refused: %s", err);
		config_finish(&cfg);

		const char *bad_dir[] = {"--db", "/nonexistent-dir/x.db", NULL};

		tap_ok(parse(&cfg, bad_dir, NULL, err, sizeof(err)) &&
		           !config_validate(&cfg, err, sizeof(err)),
		       "a database in a missing directory is refused: %s", err);
		config_finish(&cfg);
	}
	return tap_done();
}

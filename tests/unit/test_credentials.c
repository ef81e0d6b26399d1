/*
 * credentials.c: the built-in pair, flags, the --credentials file and its
 * errors. Each file case is an id, the file's text, and the expected
 * outcome (a key to find with its account, or an error naming the problem).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "credentials.h"
#include "tap.h"

/* clang-format off */
static const struct {
	const char *id;
	const char *text;
	const char *find;		/* NULL: loading must fail */
	const char *secret;
	const char *account;
	const char *error;		/* a fragment of the error line */
} file_cases[] = {
	{ "F01", "[{\"access_key_id\":\"k1\",\"access_key_secret\":\"s1\",\"account\":\"a1\"}]", "k1", "s1", "a1", NULL },
	{ "F02", "[{\"access_key_id\":\"k2\",\"access_key_secret\":\"s2\"}]",		"k2", "s2", "k2", NULL },
	{ "F03", "[]",								NULL, NULL, NULL, NULL },
	{ "F04", "{\"access_key_id\":\"k\"}",					NULL, NULL, NULL, "JSON array" },
	{ "F05", "[{\"access_key_id\":\"k\"}]",					NULL, NULL, NULL, "entry 0" },
	{ "F06", "[{\"access_key_id\":\"k\",\"access_key_secret\":\"\"}]",	NULL, NULL, NULL, "entry 0" },
	{ "F07", "[{\"access_key_id\":\"k\",\"access_key_secret\":\"s\",\"acount\":\"x\"}]", NULL, NULL, NULL, "unknown key 'acount'" },
	{ "F08", "[{\"access_key_id\":\"k\",\"access_key_secret\":\"s\"},{\"access_key_id\":\"k\",\"access_key_secret\":\"t\"}]", NULL, NULL, NULL, "configured twice" },
	{ "F09", "not json",							NULL, NULL, NULL, "JSON array" },
	{ "F10", "[{\"access_key_id\":\"a:b\",\"access_key_secret\":\"s\"}]",	NULL, NULL, NULL, "without spaces" },
	{ "F11", "[{\"access_key_id\":\"k\",\"access_key_secret\":\"s\",\"account\":7}]", NULL, NULL, NULL, "entry 0" },
};
/* clang-format on */

/* Frees what config_defaults() allocated, after a case pointed fields at borrowed strings. */
static void
config_release(struct config *cfg)
{
	cfg->credentials_file = NULL;
	cfg->ncredentials = 0;
	config_finish(cfg);
}

int
main(void)
{
	struct config cfg;
	struct credentials *creds;
	const struct credential *c;
	char err[512], path[] = "/tmp/ackmock-test-credentials-XXXXXX";
	int fd;

	config_defaults(&cfg);
	creds = credentials_new(&cfg, err, sizeof(err));
	tap_ok(creds != NULL && credentials_builtin(creds) && credentials_count(creds) == 1,
	    "no flags: the built-in pair only");
	c = creds != NULL ? credentials_find(creds, "testid") : NULL;
	tap_ok(c != NULL && strcmp(c->secret, "testsecret") == 0 && strcmp(c->account, "default") == 0,
	    "testid / testsecret, account default");
	tap_ok(creds != NULL && credentials_find(creds, "TESTID") == NULL, "AccessKeyIds are case-sensitive");
	credentials_free(creds);
	credentials_free(NULL);
	config_release(&cfg);

	for (size_t i = 0; i < sizeof(file_cases) / sizeof(file_cases[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s", "/tmp/ackmock-test-credentials-XXXXXX");
		if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "w")) == NULL) {
			tap_ok(false, "%s: temporary file", file_cases[i].id);
			continue;
		}
		fputs(file_cases[i].text, f);
		fclose(f);
		config_defaults(&cfg);
		cfg.credentials_file = path;
		err[0] = '\0';
		creds = credentials_new(&cfg, err, sizeof(err));
		if (file_cases[i].error != NULL) {
			tap_ok(creds == NULL && strstr(err, file_cases[i].error) != NULL &&
				strstr(err, path) != NULL,
			    "%s: refused, naming the file and '%s' (%s)", file_cases[i].id,
			    file_cases[i].error, err);
		} else {
			c = creds != NULL && file_cases[i].find != NULL ?
			    credentials_find(creds, file_cases[i].find) : NULL;
			tap_ok(creds != NULL && !credentials_builtin(creds) &&
				(file_cases[i].find == NULL ? credentials_find(creds, "testid") == NULL :
				 c != NULL && strcmp(c->secret, file_cases[i].secret) == 0 &&
				     strcmp(c->account, file_cases[i].account) == 0),
			    "%s: loaded%s%s", file_cases[i].id, file_cases[i].find ? ", finds " : "",
			    file_cases[i].find ? file_cases[i].find : " (no built-in pair)");
		}
		credentials_free(creds);
		config_release(&cfg);
		unlink(path);
	}

	/* Flags and a missing file. */
	config_defaults(&cfg);
	cfg.credentials[0] = (struct credential){"ak", "sk", "acct"};
	cfg.credentials[1] = (struct credential){"ak", "other", "acct"};
	cfg.ncredentials = 2;
	tap_ok(credentials_new(&cfg, err, sizeof(err)) == NULL && strstr(err, "twice") != NULL,
	    "a key given twice by flags is refused");
	cfg.ncredentials = 1;
	creds = credentials_new(&cfg, err, sizeof(err));
	tap_ok(creds != NULL && !credentials_builtin(creds) && credentials_find(creds, "testid") == NULL,
	    "a flag replaces the built-in pair");
	credentials_free(creds);
	cfg.ncredentials = 0;
	cfg.credentials_file = "/nonexistent/credentials.json";
	tap_ok(credentials_new(&cfg, err, sizeof(err)) == NULL && strstr(err, "cannot open") != NULL,
	    "a missing file is refused");
	config_release(&cfg);
	return tap_done();
}

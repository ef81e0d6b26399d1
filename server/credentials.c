/*
 * The credential table. Small (tens of keys at most in practice), so a
 * linear search is as fast as anything and keeps the code obvious.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "credentials.h"

#define CREDENTIALS_FILE_MAX (1024 * 1024)

struct credentials {
	struct credential *rows;
	size_t n, cap;
	bool builtin;
};

static bool
add_row(struct credentials *creds, const char *ak, const char *secret, const char *account,
    char *err, size_t errlen)
{
	struct credential *row;

	if (credentials_find(creds, ak) != NULL) {
		snprintf(err, errlen, "access key id '%.128s' is configured twice", ak);
		return false;
	}
	if (creds->n == creds->cap) {
		size_t cap = creds->cap != 0 ? creds->cap * 2 : 8;
		struct credential *grown = realloc(creds->rows, cap * sizeof(*grown));

		if (grown == NULL)
			goto oom;
		creds->rows = grown;
		creds->cap = cap;
	}
	row = &creds->rows[creds->n];
	row->access_key_id = strdup(ak);
	row->secret = strdup(secret);
	row->account = strdup(account != NULL && account[0] != '\0' ? account : ak);
	creds->n++;
	if (row->access_key_id != NULL && row->secret != NULL && row->account != NULL)
		return true;
oom:
	snprintf(err, errlen, "out of memory");
	return false;
}

static char *
read_file(const char *path, char *err, size_t errlen, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t n = 0;

	if (f == NULL) {
		snprintf(err, errlen, "--credentials %s: cannot open", path);
		return NULL;
	}
	if ((text = malloc(CREDENTIALS_FILE_MAX + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	n = fread(text, 1, CREDENTIALS_FILE_MAX + 1, f);
	if (ferror(f) || n > CREDENTIALS_FILE_MAX) {
		snprintf(err, errlen, "--credentials %s: unreadable or larger than 1 MiB", path);
		free(text);
		text = NULL;
		goto done;
	}
	text[n] = '\0';
	*len = n;
done:
	fclose(f);
	return text;
}

static const char *
string_member(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* [{"access_key_id","access_key_secret","account"}]; account optional, nothing else allowed. */
static bool
load_file(struct credentials *creds, const char *path, char *err, size_t errlen)
{
	static const char *const known[] = {"access_key_id", "access_key_secret", "account"};
	const char *end = NULL;
	size_t len = 0;
	char *text = read_file(path, err, errlen, &len);
	cJSON *doc = NULL;
	const cJSON *item;
	bool ok = false;
	int index = 0;

	if (text == NULL)
		return false;
	doc = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (doc == NULL || !cJSON_IsArray(doc)) {
		snprintf(err, errlen, "--credentials %s: expected a JSON array of "
				      "{\"access_key_id\", \"access_key_secret\", \"account\"}", path);
		goto done;
	}
	cJSON_ArrayForEach(item, doc) {
		const char *ak = string_member(item, "access_key_id");
		const char *secret = string_member(item, "access_key_secret");
		const cJSON *account = cJSON_GetObjectItemCaseSensitive(item, "account");
		const cJSON *member;
		char why[256];

		if (!cJSON_IsObject(item) || ak == NULL || ak[0] == '\0' || secret == NULL ||
		    secret[0] == '\0' || (account != NULL && !cJSON_IsString(account))) {
			snprintf(err, errlen, "--credentials %s: entry %d needs non-empty string "
					      "access_key_id and access_key_secret (account optional, a string)",
			    path, index);
			goto done;
		}
		if (strlen(ak) > 128 || strpbrk(ak, " \t\r\n:,") != NULL) {
			snprintf(err, errlen, "--credentials %s: entry %d: access_key_id must be at most "
					      "128 characters without spaces, ':' or ','", path, index);
			goto done;
		}
		cJSON_ArrayForEach(member, item) {
			bool ok_key = false;

			for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
				ok_key |= strcmp(member->string, known[k]) == 0;
			if (!ok_key) {
				snprintf(err, errlen, "--credentials %s: entry %d: unknown key '%.64s'",
				    path, index, member->string);
				goto done;
			}
		}
		if (!add_row(creds, ak, secret, account != NULL ? account->valuestring : NULL, why,
			sizeof(why))) {
			snprintf(err, errlen, "--credentials %s: entry %d: %s", path, index, why);
			goto done;
		}
		index++;
	}
	ok = true;
done:
	cJSON_Delete(doc);
	free(text);
	return ok;
}

struct credentials *
credentials_new(const struct config *cfg, char *err, size_t errlen)
{
	struct credentials *creds = calloc(1, sizeof(*creds));

	if (creds == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < cfg->ncredentials; i++) {
		const struct credential *c = &cfg->credentials[i];

		if (!add_row(creds, c->access_key_id, c->secret, c->account, err, errlen))
			goto fail;
	}
	if (cfg->credentials_file != NULL && !load_file(creds, cfg->credentials_file, err, errlen))
		goto fail;
	if (cfg->ncredentials == 0 && cfg->credentials_file == NULL) {
		if (!add_row(creds, "testid", "testsecret", "default", err, errlen))
			goto fail;
		creds->builtin = true;
	}
	return creds;
fail:
	credentials_free(creds);
	return NULL;
}

void
credentials_free(struct credentials *creds)
{
	if (creds == NULL)
		return;
	for (size_t i = 0; i < creds->n; i++) {
		free(creds->rows[i].access_key_id);
		free(creds->rows[i].secret);
		free(creds->rows[i].account);
	}
	free(creds->rows);
	free(creds);
}

const struct credential *
credentials_find(const struct credentials *creds, const char *access_key_id)
{
	for (size_t i = 0; i < creds->n; i++)
		if (strcmp(creds->rows[i].access_key_id, access_key_id) == 0)
			return &creds->rows[i];
	return NULL;
}

size_t
credentials_count(const struct credentials *creds)
{
	return creds->n;
}

bool
credentials_builtin(const struct credentials *creds)
{
	return creds->builtin;
}

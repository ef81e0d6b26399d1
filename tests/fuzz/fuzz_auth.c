/*
 * libFuzzer target over auth.c: the Authorization header grammar and the
 * canonicalisation of both schemes. The input is a request in a simple
 * text form: the method, the raw target, "name: value" header lines, an
 * empty line, then the body:
 *
 *	GET
 *	/clusters/c1?a=1
 *	authorization: acs testid:abc
 *	x-acs-version: 2015-12-15
 *
 *	{"body": true}
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Returns the next line of text (NUL-terminated in place) and advances *p. */
static char *
next_line(char **p, char *end)
{
	char *line = *p, *nl;

	if (line >= end)
		return NULL;
	nl = memchr(line, '\n', (size_t)(end - line));
	if (nl == NULL)
		nl = end;
	*nl = '\0';
	*p = nl + 1;
	return line;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kv headers[CALL_MAX_HEADERS];
	struct auth_input in = {.headers = headers};
	struct auth_claim claim;
	struct auth_trace trace;
	char why[256], *text, *p, *end, *line;
	int64_t when;

	/* One extra byte so that the last line is NUL-terminated too. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	p = text;
	end = text + size;
	in.method = next_line(&p, end);
	in.target = next_line(&p, end);
	if (in.method == NULL || in.target == NULL)
		goto done;
	while ((line = next_line(&p, end)) != NULL && line[0] != '\0' &&
	    in.nheaders < CALL_MAX_HEADERS) {
		char *colon = strchr(line, ':');

		if (colon == NULL)
			continue;
		*colon = '\0';
		headers[in.nheaders].key = line;
		headers[in.nheaders].value = colon[1] == ' ' ? colon + 2 : colon + 1;
		in.nheaders++;
	}
	in.body = p < end ? p : "";
	in.body_len = p < end ? (size_t)(end - p) : 0;
	if (auth_parse(&in, &claim, why, sizeof(why)) == ERR_OK &&
	    claim.scheme != AUTH_SCHEME_NONE) {
		auth_verify(&in, &claim, "testsecret", &trace, why, sizeof(why));
		auth_trace_finish(&trace);
	}
	auth_request_time(&in, claim.scheme, &when);
done:
	free(text);
	return 0;
}

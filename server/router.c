#include <stdlib.h>
#include <string.h>

#include "router.h"
#include "uri.h"

static void
drop_params(struct request *req)
{
	for (size_t i = 0; i < req->nparams; i++)
		free(req->params[i]);
	req->nparams = 0;
}

/* Matches one pattern against the path segment by segment. */
static bool
pattern_match(const char *pattern, const char *path, struct request *req)
{
	const char *p = pattern, *s = path;

	while (*p != '\0' && *s != '\0') {
		size_t plen = strcspn(p + 1, "/") + 1;
		size_t slen = strcspn(s + 1, "/") + 1;

		/* Both p and s point at a '/'. */
		if (plen == 3 && p[1] == '{' && p[2] == '}') {
			char *param;

			if (slen == 1 || req->nparams >= CALL_MAX_PATH_PARAMS)
				return false;
			param = uri_decode(s + 1, slen - 1);
			if (param == NULL)
				return false;
			req->params[req->nparams++] = param;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return false;
		}
		p += plen;
		s += slen;
	}
	return *p == '\0' && *s == '\0';
}

const struct route *
router_match(const struct route *table, const char *method, struct request *req)
{
	for (const struct route *r = table; r->method != NULL; r++) {
		if (strcmp(r->method, method) != 0)
			continue;
		if (pattern_match(r->pattern, req->path, req))
			return r;
		drop_params(req);
	}
	return NULL;
}

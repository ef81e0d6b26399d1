#include <stdlib.h>
#include <string.h>

#include "uri.h"

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
uri_decode(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		int hi = i + 2 < len ? hex_value(s[i + 1]) : -1;
		int lo = i + 2 < len ? hex_value(s[i + 2]) : -1;

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(out);
			return NULL;
		}
		out[o++] = (char)(hi * 16 + lo);
		i += 2;
	}
	out[o] = '\0';
	return out;
}

static bool
add_pair(struct request *req, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	size_t klen = eq != NULL ? (size_t)(eq - s) : len;
	char *key, *value;

	if (len == 0)
		return true;
	if (req->nquery >= CALL_MAX_QUERY)
		return false;
	key = uri_decode(s, klen);
	value = eq != NULL ? uri_decode(eq + 1, len - klen - 1) : strdup("");
	if (key == NULL || value == NULL) {
		free(key);
		free(value);
		return false;
	}
	req->query[req->nquery].key = key;
	req->query[req->nquery].value = value;
	req->nquery++;
	return true;
}

bool
uri_parse_target(struct request *req, const char *target)
{
	const char *q = strchr(target, '?');
	size_t plen = q != NULL ? (size_t)(q - target) : strlen(target);

	req->target = target;
	if (target[0] != '/')
		return false;
	req->path = strndup(target, plen);
	if (req->path == NULL)
		return false;
	if (q == NULL)
		return true;
	req->query_raw = strdup(q + 1);
	if (req->query_raw == NULL)
		return false;
	for (const char *p = q + 1; *p != '\0';) {
		size_t n = strcspn(p, "&");

		if (!add_pair(req, p, n))
			return false;
		p += n;
		if (*p == '&')
			p++;
	}
	return true;
}

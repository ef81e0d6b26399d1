#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include <uuid/uuid.h>

#include "ids.h"

static void
random_bytes(unsigned char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = getrandom(buf + got, len - got, 0);

		if (n > 0)
			got += (size_t)n;
	}
}

static void
hex_random(char *out, int ndigits)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[32];

	random_bytes(raw, (size_t)(ndigits + 1) / 2);
	for (int i = 0; i < ndigits; i++)
		out[i] = hex[(raw[i / 2] >> ((i % 2) ? 0 : 4)) & 0xf];
	out[ndigits] = '\0';
}

void
ids_request(char out[IDS_REQUEST_LEN])
{
	uuid_t u;

	uuid_generate_random(u);
	uuid_unparse_upper(u, out);
}

void
ids_cluster(char out[IDS_CLUSTER_LEN])
{
	out[0] = 'c';
	hex_random(out + 1, 32);
}

void
ids_task(char out[IDS_TASK_LEN])
{
	out[0] = 'T';
	out[1] = '-';
	hex_random(out + 2, 24);
}

void
ids_alnum(char *out, const char *prefix, int n)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char raw[64];
	size_t plen = strlen(prefix);

	if (n > (int)sizeof(raw))
		n = (int)sizeof(raw);
	memcpy(out, prefix, plen);
	random_bytes(raw, (size_t)n);
	for (int i = 0; i < n; i++)
		out[plen + (size_t)i] = alnum[raw[i] % (sizeof(alnum) - 1)];
	out[plen + (size_t)n] = '\0';
}

static bool
all_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool
ids_is_cluster(const char *s)
{
	return strlen(s) == IDS_CLUSTER_LEN - 1 && s[0] == 'c' && all_lower_hex(s + 1, 32);
}

bool
ids_is_task(const char *s)
{
	return strlen(s) == IDS_TASK_LEN - 1 && s[0] == 'T' && s[1] == '-' &&
	       all_lower_hex(s + 2, 24);
}

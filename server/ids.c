#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "ids.h"

/*
 * Random bytes from getrandom(2), drawn 512 at a time into a per-thread
 * pool: one system call per ~15 requests instead of three per request
 * (system calls are the dearest thing on a request's path in a VM). The
 * bytes are the kernel CSPRNG's all the same; the daemon never forks, so
 * no two processes share a pool.
 */
#define RANDOM_POOL 512

static void
random_bytes(unsigned char *buf, size_t len)
{
	static _Thread_local unsigned char pool[RANDOM_POOL];
	static _Thread_local size_t left;

	while (len > 0) {
		size_t n;

		if (left == 0) {
			ssize_t got = getrandom(pool, sizeof(pool), 0);

			if (got <= 0)
				continue;	/* EINTR: only before the pool is seeded at boot */
			left = (size_t)got;
		}
		n = len < left ? len : left;
		memcpy(buf, pool + sizeof(pool) - left, n);
		/* Bytes handed out never stay in the pool. */
		memset(pool + sizeof(pool) - left, 0, n);
		left -= n;
		buf += n;
		len -= n;
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
	static const char hex[] = "0123456789ABCDEF";
	unsigned char u[16];
	int o = 0;

	/* A version 4 (random) UUID, RFC 4122 layout 8-4-4-4-12, upper case. */
	random_bytes(u, sizeof(u));
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u[i] >> 4];
		out[o++] = hex[u[i] & 15];
	}
	out[o] = '\0';
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

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

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

/*
 * The leading 12 hex digits of cluster and task ids: a 48-bit stamp that
 * never decreases within the process (wall-clock milliseconds, or the last
 * stamp plus one when the clock stepped back or two threads met), like a
 * UUIDv7's prefix. Random ids landed on random leaf pages of every index
 * that holds them (the UNIQUE ones, tasks_by_cluster, nodes_by_cluster), so
 * each create dirtied a handful of pages all over the file and added about
 * 16 KiB to the WAL; ids that grow append to the rightmost leaves instead.
 * The rest of the id stays random, so ids remain unguessable.
 *
 * No two ids share a stamp (cluster and task ids draw from one counter),
 * and the stamp is the row's rowid (schema/006): a daemon that starts
 * while an earlier one's stamps ran ahead of the clock (by a minute after
 * a 10-second load of creates) starts past them (ids_stamp_floor).
 */
static atomic_uint_least64_t last_stamp;

void
ids_stamp_floor(uint64_t floor)
{
	uint64_t prev = atomic_load(&last_stamp);

	while (prev < floor && !atomic_compare_exchange_weak(&last_stamp, &prev, floor))
		;
}

static void
hex_stamp(char out[IDS_STAMP_DIGITS])
{
	static const char hex[] = "0123456789abcdef";
	atomic_uint_least64_t *last = &last_stamp;
	struct timespec ts;
	uint64_t now, prev;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = ((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u) & 0xffffffffffffu;
	prev = atomic_load(last);
	do {
		if (now <= prev)
			now = prev + 1;
	} while (!atomic_compare_exchange_weak(last, &prev, now));
	for (int i = IDS_STAMP_DIGITS - 1; i >= 0; i--) {
		out[i] = hex[now & 0xf];
		now >>= 4;
	}
}

void
ids_cluster(char out[IDS_CLUSTER_LEN])
{
	out[0] = 'c';
	hex_stamp(out + 1);
	hex_random(out + 1 + IDS_STAMP_DIGITS, 32 - IDS_STAMP_DIGITS);
}

void
ids_task(char out[IDS_TASK_LEN])
{
	out[0] = 'T';
	out[1] = '-';
	hex_stamp(out + 2);
	hex_random(out + 2 + IDS_STAMP_DIGITS, 24 - IDS_STAMP_DIGITS);
}

void
ids_create_task(const char *cluster_id, char out[IDS_TASK_LEN])
{
	out[0] = 'T';
	out[1] = '-';
	memcpy(out + 2, cluster_id + 1, IDS_STAMP_DIGITS);
	hex_random(out + 2 + IDS_STAMP_DIGITS, 24 - IDS_STAMP_DIGITS);
}

bool
ids_is_create_task_of(const char *task_id, const char *cluster_id)
{
	return ids_is_task(task_id) && ids_is_cluster(cluster_id) &&
	       memcmp(task_id + 2, cluster_id + 1, IDS_STAMP_DIGITS) == 0;
}

void
ids_alnum(char *out, const char *prefix, int n)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char raw[64] = {0};	/* gcc -O3 cannot see random_bytes fill it */
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

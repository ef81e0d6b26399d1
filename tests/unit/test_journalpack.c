/* journalpack.c: round trips, the packed size of a run of creates, and damaged chunks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journalpack.h"
#include "tap.h"

#define NTEXTS 8

/* The k-th text of r, in packing order. */
static char **
text_slot(struct journal_rec *r, int k)
{
	char **slot[NTEXTS] = {&r->request_id, &r->account, &r->method, &r->path, &r->operation,
	    &r->error_code, &r->body, &r->headers};

	return slot[k];
}

/* Whether b is a as packed (a NULL text comes back ""). */
static bool
same_rec(struct journal_rec *a, struct journal_rec *b)
{
	if (a->seq != b->seq || a->real_ms != b->real_ms || a->status != b->status ||
	    memcmp(&a->duration_ms, &b->duration_ms, sizeof(double)) != 0)
		return false;
	for (int k = 0; k < NTEXTS; k++) {
		const char *want = *text_slot(a, k);

		if (strcmp(want != NULL ? want : "", *text_slot(b, k)) != 0)
			return false;
	}
	return true;
}

static void
free_recs(struct journal_rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		journal_rec_clear(&recs[i]);
	free(recs);
}

/* A CreateCluster entry as a test suite makes them: the same body but the name. */
static void
create_entry(struct journal_rec *r, int i, char *strings[3])
{
	char id[40], body[600], headers[200];

	snprintf(id, sizeof(id), "%08X-%04X-4%03X-A%03X-%012llX", (unsigned)tap_rand(),
	    (unsigned)(tap_rand() & 0xffff), (unsigned)(tap_rand() & 0xfff),
	    (unsigned)(tap_rand() & 0xfff), (unsigned long long)(tap_rand() & 0xffffffffffffULL));
	snprintf(body, sizeof(body),
	    "{\"name\":\"suite-%d\",\"cluster_type\":\"ManagedKubernetes\",\"cluster_spec\":"
	    "\"ack.standard\",\"region_id\":\"cn-hangzhou\",\"zone_id\":\"cn-hangzhou-i\","
	    "\"kubernetes_version\":\"1.28.15-aliyun.1\",\"container_cidr\":\"172.20.0.0/16\","
	    "\"service_cidr\":\"172.21.0.0/20\",\"snat_entry\":true,\"proxy_mode\":\"ipvs\","
	    "\"addons\":[{\"name\":\"flannel\"}],\"tags\":[{\"key\":\"env\",\"value\":\"ci\"}]}",
	    i);
	snprintf(headers, sizeof(headers),
	    "{\"Content-Type\":\"application/json\",\"Content-Length\":\"%zu\","
	    "\"Host\":\"127.0.0.1:8080\"}",
	    strlen(body));
	strings[0] = strdup(id);
	strings[1] = strdup(body);
	strings[2] = strdup(headers);
	*r = (struct journal_rec){
	    .seq = 1000 + i,
	    .real_ms = 1795000000000LL + i * 3,
	    .request_id = strings[0],
	    .account = "default",
	    .method = "POST",
	    .path = "/clusters",
	    .operation = "CreateCluster",
	    .status = 200,
	    .error_code = "",
	    .duration_ms = 0.25 + i / 1000.0,
	    .body = strings[1],
	    .headers = strings[2],
	};
}

static void
test_creates(void)
{
	enum { N = 256 };
	struct journal_rec recs[N], *back = NULL;
	char *strings[N][3];
	size_t raw = 0, len = 0, n = 0;
	unsigned char *data;
	bool same = true;

	for (int i = 0; i < N; i++) {
		create_entry(&recs[i], i, strings[i]);
		raw += strlen(strings[i][0]) + strlen(strings[i][1]) + strlen(strings[i][2]) + 40;
	}
	data = journalpack_encode(recs, N, recs[0].seq, &len);
	tap_ok(data != NULL, "256 creates pack");
	tap_ok(journalpack_decode(data, len, recs[0].seq, &back, &n) && n == N,
	    "and unpack to 256 entries");
	for (size_t i = 0; i < n && i < N; i++)
		same = same && same_rec(&recs[i], &back[i]);
	tap_ok(same, "each entry comes back as it was packed");
	tap_ok(len < N * 100, "a create packs to %zu bytes (%zu as text)", len / N, raw / N);
	free_recs(back, n);
	free(data);
	for (int i = 0; i < N; i++)
		for (int k = 0; k < 3; k++)
			free(strings[i][k]);
}

/* A text of random bytes (no NUL), often sharing a start or an end with prev. */
static char *
random_text(const char *prev)
{
	size_t plen = strlen(prev), len = tap_rand() % 40, keep = 0;
	char *s;

	if (plen > 0 && tap_rand() % 2)
		keep = tap_rand() % (plen + 1);
	s = malloc(keep + len + plen + 1);
	memcpy(s, prev, keep);
	for (size_t i = 0; i < len; i++)
		s[keep + i] = (char)(1 + tap_rand() % 255);
	s[keep + len] = '\0';
	if (tap_rand() % 2)
		strcat(s, prev + (plen > 3 ? plen - 3 : 0));
	return s;
}

static void
test_random(void)
{
	enum { N = 64, ROUNDS = 50 };
	bool ok = true, cuts_ok = true;

	for (int round = 0; round < ROUNDS && ok; round++) {
		struct journal_rec recs[N] = {0}, *back = NULL;
		size_t len = 0, n = 0;
		int64_t seq = (int64_t)(tap_rand() % 1000000) + 1;
		unsigned char *data;

		for (int i = 0; i < N; i++) {
			seq += 1 + (int64_t)(tap_rand() % 3);
			recs[i].seq = seq;
			recs[i].real_ms = (int64_t)(tap_rand() % 4000000000000ULL) - 1000;
			recs[i].status = 100 + (int)(tap_rand() % 500);
			recs[i].duration_ms = (double)(tap_rand() % 100000) / 7.0;
			for (int k = 0; k < NTEXTS; k++) {
				const char *prev = i > 0 ? *text_slot(&recs[i - 1], k) : NULL;

				*text_slot(&recs[i], k) = tap_rand() % 8 == 0
							      ? NULL
							      : random_text(prev != NULL ? prev : "");
			}
		}
		data = journalpack_encode(recs, N, recs[0].seq, &len);
		ok = data != NULL && journalpack_decode(data, len, recs[0].seq, &back, &n) && n == N;
		for (size_t i = 0; ok && i < n; i++)
			ok = same_rec(&recs[i], &back[i]);
		free_recs(back, n);
		/* Cutting the head off (eviction) gives what packing the entries kept gives. */
		for (int c = 0; ok && c < 4; c++) {
			size_t drop = c == 0 ? 0 : c == 1 ? 1 : c == 2 ? N - 1 : tap_rand() % N;
			size_t cut_len = 0, want_len = 0;
			int64_t kept_first = 0;
			unsigned char *cut = journalpack_cut(data, len, recs[0].seq, drop, &kept_first,
			    &cut_len);
			unsigned char *want = journalpack_encode(recs + drop, N - drop, recs[drop].seq,
			    &want_len);

			cuts_ok = cuts_ok && cut != NULL && want != NULL && cut_len == want_len &&
				  memcmp(cut, want, cut_len) == 0 && kept_first == recs[drop].seq;
			free(cut);
			free(want);
		}
		{
			int64_t kept_first = 0;
			size_t cut_len = 0;

			cuts_ok = cuts_ok && journalpack_cut(data, len, recs[0].seq, N, &kept_first,
						     &cut_len) == NULL;
		}
		free(data);
		for (int i = 0; i < N; i++)
			for (int k = 0; k < NTEXTS; k++)
				free(*text_slot(&recs[i], k));
	}
	tap_ok(ok, "%d chunks of random entries round-trip", ROUNDS);
	tap_ok(cuts_ok, "%d chunks cut after 0, 1, N - 1 and a random count of entries are the kept"
			" entries packed, and a cut of every entry is refused", ROUNDS);
}

/* Every cut and many flipped bytes: no crash, and a chunk that unpacks is the entries packed. */
static void
test_damaged(void)
{
	enum { N = 16 };
	struct journal_rec recs[N];
	char *strings[N][3];
	size_t len = 0, accepted_cuts = 0;
	unsigned char *data, *copy;
	bool prefix_ok = true;

	for (int i = 0; i < N; i++)
		create_entry(&recs[i], i, strings[i]);
	data = journalpack_encode(recs, N, recs[0].seq, &len);
	copy = malloc(len);
	for (size_t cut = 0; cut < len; cut++) {
		struct journal_rec *back = NULL;
		size_t n = 0;

		memcpy(copy, data, cut);
		if (journalpack_decode(copy, cut, recs[0].seq, &back, &n)) {
			accepted_cuts++;
			for (size_t i = 0; i < n; i++)
				prefix_ok = prefix_ok && i < N && same_rec(&recs[i], &back[i]);
			free_recs(back, n);
		}
	}
	tap_ok(prefix_ok, "a chunk cut short unpacks, if at all, to the entries before the cut");
	tap_ok(accepted_cuts < N + 1, "only cuts at entry ends unpack (%zu of %zu)", accepted_cuts,
	    len);
	for (int round = 0; round < 2000; round++) {
		struct journal_rec *back = NULL;
		size_t n = 0;

		memcpy(copy, data, len);
		for (int f = 0; f < 3; f++)
			copy[tap_rand() % len] ^= (unsigned char)(1u << (tap_rand() % 8));
		if (journalpack_decode(copy, len, recs[0].seq, &back, &n))
			free_recs(back, n);
		{
			int64_t kept_first = 0;
			size_t cut_len = 0;

			free(journalpack_cut(copy, len, recs[0].seq, (size_t)round % N, &kept_first,
			    &cut_len));
		}
	}
	tap_ok(true, "2000 chunks with flipped bits unpack or cut, or are refused, without a crash");
	copy[0] = 2;
	{
		struct journal_rec *back = NULL;
		size_t n = 0;

		memcpy(copy + 1, data + 1, len - 1);
		tap_ok(!journalpack_decode(copy, len, recs[0].seq, &back, &n),
		    "another version is refused");
		tap_ok(!journalpack_decode(copy, 0, recs[0].seq, &back, &n), "no bytes are refused");
	}
	free(copy);
	free(data);
	for (int i = 0; i < N; i++)
		for (int k = 0; k < 3; k++)
			free(strings[i][k]);
}

int
main(void)
{
	test_creates();
	test_random();
	test_damaged();
	return tap_done();
}

/* ids.c: the formats of api.md section 1, the UUID version bits, no repeats, id order, the stamp floor. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "tap.h"

#define N 20000

static bool
upper_uuid_v4(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-'
			 : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	}
	return s[14] == '4' && strchr("89AB", s[19]) != NULL;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
main(void)
{
	static char reqs[N][IDS_REQUEST_LEN];
	char cluster[IDS_CLUSTER_LEN], task[IDS_TASK_LEN], lb[24];
	int bad = 0, repeats = 0;

	for (int i = 0; i < N; i++) {
		ids_request(reqs[i]);
		if (!upper_uuid_v4(reqs[i]))
			bad++;
	}
	tap_ok(bad == 0, "%d request ids are upper-case version 4 UUIDs (%d bad)", N, bad);
	qsort(reqs, N, sizeof(reqs[0]), cmp);
	for (int i = 1; i < N; i++)
		if (strcmp(reqs[i - 1], reqs[i]) == 0)
			repeats++;
	tap_ok(repeats == 0, "no request id repeats in %d", N);

	ids_cluster(cluster);
	tap_ok(ids_is_cluster(cluster), "cluster id %s is c + 32 lower-case hex", cluster);
	ids_task(task);
	tap_ok(ids_is_task(task), "task id %s is T- + 24 lower-case hex", task);
	tap_ok(!ids_is_cluster("c0123") && !ids_is_task("T-XYZ"), "malformed ids are refused");
	/* Time-ordered: each id sorts after the one made before it (index inserts append). */
	bad = 0;
	for (int i = 0; i < N; i++) {
		char c2[IDS_CLUSTER_LEN], t2[IDS_TASK_LEN];

		ids_cluster(c2);
		ids_task(t2);
		if (!ids_is_cluster(c2) || !ids_is_task(t2) || strcmp(c2, cluster) <= 0 ||
		    strcmp(t2, task) <= 0)
			bad++;
		memcpy(cluster, c2, sizeof(cluster));
		memcpy(task, t2, sizeof(task));
	}
	tap_ok(bad == 0, "%d successive cluster and task ids are well formed and increase (%d bad)",
	    N, bad);
	/* A floor an hour ahead of the clock (a daemon that ran ahead): the next stamps pass it. */
	{
		uint64_t ahead;
		char head[13];

		memcpy(head, cluster + 1, 12);
		head[12] = '\0';
		ahead = strtoull(head, NULL, 16) + 3600 * 1000;
		ids_stamp_floor(ahead);
		ids_cluster(cluster);
		ids_task(task);
		memcpy(head, cluster + 1, 12);
		bool cluster_past = strtoull(head, NULL, 16) == ahead + 1;

		memcpy(head, task + 2, 12);
		tap_ok(cluster_past && strtoull(head, NULL, 16) == ahead + 2,
		    "after ids_stamp_floor(now + 1 h) the next stamps are floor + 1 and + 2: %s %s",
		    cluster, task);
		ids_stamp_floor(1);
		ids_cluster(cluster);
		memcpy(head, cluster + 1, 12);
		tap_ok(strtoull(head, NULL, 16) == ahead + 3, "a lower floor changes nothing: %s",
		    cluster);
	}
	/* A create task's id carries its cluster's stamp (it is stored in the cluster's row). */
	{
		char create[IDS_TASK_LEN], again[IDS_TASK_LEN];

		ids_cluster(cluster);
		ids_create_task(cluster, create);
		ids_create_task(cluster, again);
		tap_ok(ids_is_task(create) && memcmp(create + 2, cluster + 1, IDS_STAMP_DIGITS) == 0 &&
			   strcmp(create, again) != 0 && ids_is_create_task_of(create, cluster) &&
			   !ids_is_create_task_of(task, cluster),
		    "create task %s of %s: a task id with the cluster's stamp, the rest random", create,
		    cluster);
	}
	ids_alnum(lb, "lb-", 20);
	tap_ok(strlen(lb) == 23 && strncmp(lb, "lb-", 3) == 0 &&
		   strspn(lb + 3, "abcdefghijklmnopqrstuvwxyz0123456789") == 20,
	    "lb- + 20 alphanumerics: %s", lb);
	return tap_done();
}

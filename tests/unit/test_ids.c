/* ids.c: the id formats of api.md section 1, and that they do not repeat. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "tap.h"

static int
compare(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
main(void)
{
	char req[IDS_REQUEST_LEN], task[IDS_TASK_LEN], lb[24];
	static char many[10000][IDS_CLUSTER_LEN];
	bool upper = true, dup = false;

	ids_request(req);
	for (size_t i = 0; i < strlen(req); i++)
		if (islower((unsigned char)req[i]))
			upper = false;
	tap_ok(strlen(req) == 36 && req[8] == '-' && req[14] == '4' && upper,
	    "request id is an upper-case UUID v4: %s", req);
	ids_cluster(many[0]);
	tap_ok(ids_is_cluster(many[0]), "cluster id format: %s", many[0]);
	ids_task(task);
	tap_ok(ids_is_task(task), "task id format: %s", task);
	tap_ok(!ids_is_cluster("c0123") && !ids_is_cluster("C0123456789abcdef0123456789abcdef"),
	    "malformed cluster ids are refused");
	tap_ok(!ids_is_task("T-0123456789ABCDEF01234567"), "upper-case task ids are refused");
	ids_alnum(lb, "lb-", 20);
	tap_ok(strlen(lb) == 23 && strncmp(lb, "lb-", 3) == 0, "load balancer id: %s", lb);
	for (int i = 1; i < 10000; i++)
		ids_cluster(many[i]);
	qsort(many, 10000, sizeof(many[0]), compare);
	for (int i = 1; i < 10000; i++)
		if (strcmp(many[i - 1], many[i]) == 0)
			dup = true;
	tap_ok(!dup, "10,000 cluster ids are distinct");
	return tap_done();
}

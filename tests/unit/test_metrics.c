/* metrics.c: counters per (operation, status), a cumulative histogram, gauges, escaping. */
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "tap.h"

int
main(void)
{
	struct metrics *m = metrics_new();
	struct metrics_gauge clusters[] = {{"initial", 3}, {"running", 2}};
	struct metrics_extra extra = {
	    .clusters = clusters,
	    .nclusters = 2,
	    .journal_evictions = 5,
	    .faults_fired = 7,
	};
	char *text;

	metrics_observe(m, "CreateCluster", 200, 0.0007);
	metrics_observe(m, "CreateCluster", 200, 0.2);
	metrics_observe(m, "CreateCluster", 400, 3);
	metrics_observe(m, "Odd\"Name", 200, 20);
	text = metrics_render(m, &extra);
	tap_ok(text != NULL, "renders");
	tap_ok(strstr(text,
	              "ackmock_requests_total{operation=\"CreateCluster\",status=\"200\"} 2\n") !=
	           NULL,
	       "counter per operation and status");
	tap_ok(strstr(text,
	              "ackmock_requests_total{operation=\"CreateCluster\",status=\"400\"} 1\n") !=
	           NULL,
	       "a second status is its own series");
	tap_ok(strstr(text, "ackmock_request_duration_seconds_bucket{operation=\"CreateCluster\","
	                    "le=\"0.0005\"} 0\n") != NULL &&
	           strstr(text, "ackmock_request_duration_seconds_bucket{operation="
	                        "\"CreateCluster\",le=\"0.001\"} 1\n") != NULL &&
	           strstr(text, "ackmock_request_duration_seconds_bucket{operation="
	                        "\"CreateCluster\",le=\"0.25\"} 2\n") != NULL &&
	           strstr(text, "ackmock_request_duration_seconds_bucket{operation="
	                        "\"CreateCluster\",le=\"+Inf\"} 3\n") != NULL,
	       "buckets are cumulative");
	tap_ok(strstr(text,
	              "ackmock_request_duration_seconds_count{operation=\"CreateCluster\"} 3\n") !=
	           NULL,
	       "histogram count");
	tap_ok(strstr(text, "operation=\"Odd\\\"Name\"") != NULL, "label values are escaped");
	tap_ok(strstr(text, "ackmock_request_duration_seconds_bucket{operation=\"Odd\\\"Name\",le="
	                    "\"10\"} 0\n") != NULL,
	       "a slow request lands only in +Inf");
	tap_ok(strstr(text, "ackmock_clusters{state=\"initial\"} 3\n") != NULL, "cluster gauge");
	tap_ok(strstr(text, "# TYPE ackmock_tasks gauge\n") != NULL,
	       "an empty gauge still has its TYPE");
	tap_ok(strstr(text, "ackmock_journal_evictions_total 5\n") != NULL, "evictions");
	tap_ok(strstr(text, "ackmock_faults_fired_total 7\n") != NULL, "faults fired");
	tap_ok(text[strlen(text) - 1] == '\n', "ends with a newline");
	free(text);
	metrics_free(m);
	metrics_free(NULL);
	return tap_done();
}

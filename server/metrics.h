/*
 * Request counters and the Prometheus text exposition of GET /_mock/metrics
 * (admin.md section 2). Pure and thread-safe: the counters live behind one
 * mutex (an increment per answered request), and the gauges that come from
 * the database are handed to metrics_render by the caller.
 */
#ifndef ACKMOCK_METRICS_H
#define ACKMOCK_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct metrics;

/* Upper bounds of the request duration histogram, in seconds (+Inf is implied). */
#define METRICS_NBUCKETS 14

/* A new set of zeroed counters, or NULL when out of memory. */
struct metrics *metrics_new(void);

/* Frees m. NULL-safe. */
void metrics_free(struct metrics *m);

/*
 * Counts one answered request. operation must outlive m (the route table's
 * static names); an operation or status beyond the table's room is counted
 * under operation "Other".
 */
void metrics_observe(struct metrics *m, const char *operation, int status, double seconds);

/* A gauge sample: one state and its row count. */
struct metrics_gauge {
	char state[32];
	int64_t count;
};

/* What metrics_render needs from outside the counters. */
struct metrics_extra {
	const struct metrics_gauge *clusters;
	size_t nclusters;
	const struct metrics_gauge *tasks;
	size_t ntasks;
	uint64_t journal_evictions;
	uint64_t faults_fired;
};

/*
 * The exposition text (format version 0.0.4) of m and extra. The caller
 * frees it; NULL when out of memory.
 */
char *metrics_render(struct metrics *m, const struct metrics_extra *extra);

#endif

/*
 * Counters for GET /_mock/metrics. Operation names come from the route
 * table, so the label sets are few and fixed: a small array searched
 * linearly under one mutex costs less than any hashing would.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define MAX_SERIES     256 /* (operation, status) pairs */
#define MAX_OPERATIONS 64

static const double bucket_bounds[METRICS_NBUCKETS] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

struct series {
	const char *operation;
	int status;
	uint64_t count;
};

struct histogram {
	const char *operation;
	uint64_t buckets[METRICS_NBUCKETS]; /* non-cumulative; summed when rendered */
	uint64_t count;
	double sum;
};

struct metrics {
	pthread_mutex_t lock;
	struct series series[MAX_SERIES];
	size_t nseries;
	struct histogram hist[MAX_OPERATIONS];
	size_t nhist;
};

struct metrics *
metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m != NULL)
		pthread_mutex_init(&m->lock, NULL);
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	pthread_mutex_destroy(&m->lock);
	free(m);
}

void
metrics_observe(struct metrics *m, const char *operation, int status, double seconds)
{
	struct series *s = NULL;
	struct histogram *h = NULL;

	if (m == NULL)
		return;
	if (operation == NULL)
		operation = "Unknown";
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < m->nseries && s == NULL; i++)
		if (m->series[i].status == status && strcmp(m->series[i].operation, operation) == 0)
			s = &m->series[i];
	if (s == NULL && m->nseries < MAX_SERIES - 1) {
		s = &m->series[m->nseries++];
		s->operation = operation;
		s->status = status;
	} else if (s == NULL) {
		/* The last slot collects whatever does not fit. */
		s = &m->series[MAX_SERIES - 1];
		s->operation = "Other";
		s->status = 0;
		m->nseries = MAX_SERIES;
	}
	s->count++;
	for (size_t i = 0; i < m->nhist && h == NULL; i++)
		if (strcmp(m->hist[i].operation, operation) == 0)
			h = &m->hist[i];
	if (h == NULL && m->nhist < MAX_OPERATIONS - 1) {
		h = &m->hist[m->nhist++];
		h->operation = operation;
	} else if (h == NULL) {
		h = &m->hist[MAX_OPERATIONS - 1];
		h->operation = "Other";
		m->nhist = MAX_OPERATIONS;
	}
	for (size_t b = 0; b < METRICS_NBUCKETS; b++) {
		if (seconds <= bucket_bounds[b]) {
			h->buckets[b]++;
			break;
		}
	}
	h->count++;
	h->sum += seconds;
	pthread_mutex_unlock(&m->lock);
}

/* A growing output buffer; on an allocation failure it stops growing and reports it at the end. */
struct text {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = true;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = t->cap * 2 + (size_t)n;
		char *grown = realloc(t->buf, cap);

		if (grown == NULL) {
			t->failed = true;
			return;
		}
		t->buf = grown;
		t->cap = cap;
	}
}

/* Writes value as a label value: backslash, double quote and newline escaped. */
static void
text_label(struct text *t, const char *value)
{
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			text_add(t, "\\%c", *p);
		else if (*p == '\n')
			text_add(t, "\\n");
		else
			text_add(t, "%c", *p);
	}
}

static void
render_gauge(struct text *t, const char *name, const char *help, const struct metrics_gauge *g,
             size_t n)
{
	text_add(t, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	for (size_t i = 0; i < n; i++) {
		text_add(t, "%s{state=\"", name);
		text_label(t, g[i].state);
		text_add(t, "\"} %lld\n", (long long)g[i].count);
	}
}

char *
metrics_render(struct metrics *m, const struct metrics_extra *extra)
{
	struct text t = {.buf = malloc(4096), .cap = 4096};

	if (t.buf == NULL)
		return NULL;
	t.buf[0] = '\0';
	pthread_mutex_lock(&m->lock);
	text_add(&t,
	         "# HELP ackmock_requests_total Requests answered, by operation and HTTP status.\n"
	         "# TYPE ackmock_requests_total counter\n");
	for (size_t i = 0; i < m->nseries; i++) {
		text_add(&t, "ackmock_requests_total{operation=\"");
		text_label(&t, m->series[i].operation);
		text_add(&t, "\",status=\"%d\"} %llu\n", m->series[i].status,
		         (unsigned long long)m->series[i].count);
	}
	text_add(&t, "# HELP ackmock_request_duration_seconds Time from receiving a request to "
	             "queueing its response.\n"
	             "# TYPE ackmock_request_duration_seconds histogram\n");
	for (size_t i = 0; i < m->nhist; i++) {
		const struct histogram *h = &m->hist[i];
		uint64_t cumulative = 0;

		for (size_t b = 0; b < METRICS_NBUCKETS; b++) {
			cumulative += h->buckets[b];
			text_add(&t, "ackmock_request_duration_seconds_bucket{operation=\"");
			text_label(&t, h->operation);
			text_add(&t, "\",le=\"%g\"} %llu\n", bucket_bounds[b],
			         (unsigned long long)cumulative);
		}
		text_add(&t, "ackmock_request_duration_seconds_bucket{operation=\"");
		text_label(&t, h->operation);
		text_add(&t, "\",le=\"+Inf\"} %llu\n", (unsigned long long)h->count);
		text_add(&t, "ackmock_request_duration_seconds_sum{operation=\"");
		text_label(&t, h->operation);
		text_add(&t, "\"} %.9f\n", h->sum);
		text_add(&t, "ackmock_request_duration_seconds_count{operation=\"");
		text_label(&t, h->operation);
		text_add(&t, "\"} %llu\n", (unsigned long long)h->count);
	}
	pthread_mutex_unlock(&m->lock);
	render_gauge(&t, "ackmock_clusters", "Clusters stored, by state.", extra->clusters,
	             extra->nclusters);
	render_gauge(&t, "ackmock_tasks", "Tasks stored, by state.", extra->tasks, extra->ntasks);
	text_add(&t,
	         "# HELP ackmock_journal_evictions_total Journal entries dropped to keep "
	         "--journal-max.\n# TYPE ackmock_journal_evictions_total counter\n"
	         "ackmock_journal_evictions_total %llu\n",
	         (unsigned long long)extra->journal_evictions);
	text_add(&t,
	         "# HELP ackmock_faults_fired_total Fault rules that fired.\n"
	         "# TYPE ackmock_faults_fired_total counter\n"
	         "ackmock_faults_fired_total %llu\n",
	         (unsigned long long)extra->faults_fired);
	if (t.failed) {
		free(t.buf);
		return NULL;
	}
	return t.buf;
}

/*
 * What every handler reaches through call->app: the configuration and the
 * daemon's shared runtime state. There is one app per process.
 */
#ifndef ACKMOCK_APP_H
#define ACKMOCK_APP_H

#include <stdatomic.h>
#include <stdbool.h>

#include "clock.h"
#include "config.h"
#include "credentials.h"
#include "db.h"

struct journal;
struct faults;
struct metrics;
struct catalog;
struct viewcache;

struct app {
	const struct config *cfg;
	const struct credentials *credentials;	/* read-only after start-up */
	const struct catalog *catalog;	/* create-cluster.md section 5; immutable */
	struct db *db;
	struct vclock clock;
	atomic_bool ready;	/* database migrated and listener bound */
	struct journal *journal;	/* the request journal (journal.h) */
	struct faults *faults;	/* fault rules (faults.h) */
	struct metrics *metrics;	/* request counters (metrics.h) */
	struct viewcache *view_cache;	/* recent clusters' static views (viewcache.h) */
};

#endif

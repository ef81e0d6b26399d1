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
#include "db.h"

struct catalog;

struct app {
	const struct config *cfg;
	const struct catalog *catalog;	/* create-cluster.md section 5; immutable */
	struct db *db;
	struct vclock clock;
	atomic_bool ready;	/* database migrated and listener bound */
};

#endif

/*
 * ackmock: a local emulator of the Alibaba Cloud ACK cluster API.
 * Start-up order: configuration, database (migrated), clock, listener;
 * then ready. SIGINT and SIGTERM stop it in the reverse order.
 */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "app.h"
#include "arena.h"
#include "catalog.h"
#include "faults.h"
#include "http.h"
#include "ids.h"
#include "journal.h"
#include "metrics.h"
#include "provision.h"
#include "timefmt.h"
#include "version.h"
#include "viewcache.h"

extern char **environ;

struct clock_boot {
	double scale;
	struct clock_rec rec;
};

/*
 * Loads the stored clock, or starts one at the real time on a new database.
 * The stored anchor continues across restarts; the scale is the one given now.
 */
static enum err
clock_boot_apply(struct db_conn *conn, void *arg)
{
	struct clock_boot *boot = arg;
	int64_t real = timefmt_real_now_ms();
	bool found;
	enum err err;

	if ((err = db_clock_load(conn, &boot->rec, &found)) != ERR_OK)
		return err;
	if (!found)
		boot->rec = (struct clock_rec){real, real, boot->scale, false};
	else
		clock_rescale(&boot->rec, real, boot->scale);
	if ((err = db_clock_save(conn, &boot->rec)) != ERR_OK)
		return err;
	/* Write back the deletions that came due while the daemon was down (names, CIDRs, counts). */
	return db_settle_deletions(conn, clock_virtual_at(&boot->rec, real));
}

static int
threads_for_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 16 ? 16 : (int)n;
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct app app = {.cfg = &cfg};
	struct http_server *srv = NULL;
	struct credentials *creds = NULL;
	struct clock_boot boot;
	struct catalog *catalog = NULL;
	char err[512];
	sigset_t stop_signals;
	int sig, status = 1, threads = threads_for_cpus();

	/*
	 * glibc hands the top of a thread's heap back to the kernel whenever more
	 * than 128 KiB of it is free. Under load the event loops' heaps shrank and
	 * grew again every few dozen requests: each madvise shot down TLBs on both
	 * cores and the pages faulted back in (perf: a tenth of the event loops'
	 * time; valid creates ran 15-20 % faster without it). The writer's idle
	 * malloc_trim (db.c) gives the memory back once the load stops instead.
	 */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	arena_init();	/* before any thread starts: it installs cJSON's hooks */
	config_defaults(&cfg);
	if (!config_parse(&cfg, argc, argv, environ, err, sizeof(err))) {
		fprintf(stderr, "ackmock: %s\n", err);
		config_finish(&cfg);
		return 2;
	}
	if (cfg.help) {
		config_usage();
		config_finish(&cfg);
		return 0;
	}
	if (cfg.version) {
		printf("ackmock %s\n", ACKMOCK_VERSION);
		config_finish(&cfg);
		return 0;
	}
	/* The files named by flags must exist and parse, whether checking or starting. */
	if (!config_validate(&cfg, err, sizeof(err))) {
		fprintf(stderr, "ackmock: %s\n", err);
		config_finish(&cfg);
		return 2;
	}
	/* A bad credentials file is a configuration error: one line, exit 2, like a bad flag. */
	if ((creds = credentials_new(&cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "ackmock: %s\n", err);
		config_finish(&cfg);
		return 2;
	}
	app.credentials = creds;
	/* The catalog and the world file are part of the configuration: bad ones stop start-up. */
	if ((catalog = catalog_load(cfg.catalog_file, err, sizeof(err))) == NULL) {
		fprintf(stderr, "ackmock: %s\n", err);
		status = 2;
		goto done;
	}
	app.catalog = catalog;
	if (cfg.world_file != NULL && !api_world_load_file(&app, cfg.world_file, false, err,
					  sizeof(err))) {
		fprintf(stderr, "ackmock: %s\n", err);
		status = 2;
		goto done;
	}
	if (cfg.check_config) {
		config_print(&cfg);
		status = 0;
		goto done;
	}

	/* Block the stop signals before any thread starts, so that only sigwait sees them. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	app.db = db_open(cfg.db_path, threads + 1, cfg.sync, err, sizeof(err));
	if (app.db == NULL) {
		fprintf(stderr, "ackmock: %s\n", err);
		goto done;
	}
	ids_stamp_floor((uint64_t)db_stamp_floor(app.db));
	if (cfg.db_max_pages > 0 && db_set_max_pages(app.db, cfg.db_max_pages) != ERR_OK) {
		fprintf(stderr, "ackmock: cannot apply --db-max-pages\n");
		goto done;
	}
	boot.scale = cfg.time_scale;
	if (db_write_wait(app.db, clock_boot_apply, &boot) != ERR_OK) {
		fprintf(stderr, "ackmock: cannot read or initialise the clock\n");
		goto done;
	}
	if (cfg.world_file != NULL && !api_world_load_file(&app, cfg.world_file, true, err,
					  sizeof(err))) {
		fprintf(stderr, "ackmock: %s\n", err);
		status = 2;
		goto done;
	}
	clock_init(&app.clock, &boot.rec);
	provision_start(&app);
	app.metrics = metrics_new();
	app.journal = journal_new(app.db, cfg.journal_max);
	app.faults = faults_new(app.db, cfg.seed);
	/*
	 * A page of 100 with room to spare; a bench cluster's view takes ~3.3 KiB,
	 * so the bytes bound it first (RSS after load stays within 2 x idle).
	 */
	app.view_cache = viewcache_new(256, 512 * 1024);
	if (app.metrics == NULL || app.journal == NULL || app.faults == NULL ||
	    app.view_cache == NULL) {
		fprintf(stderr, "ackmock: out of memory starting the journal, faults, metrics and caches\n");
		goto done_clock;
	}
	if (db_write_wait(app.db, faults_load_apply, app.faults) != ERR_OK) {
		fprintf(stderr, "ackmock: cannot load the stored fault rules\n");
		goto done_clock;
	}
	srv = http_start(&app, cfg.listen_host, cfg.listen_port, threads, err, sizeof(err));
	if (srv == NULL) {
		fprintf(stderr, "ackmock: %s\n", err);
		goto done_clock;
	}
	atomic_store(&app.ready, true);
	if (cfg.ncredentials == 0 && cfg.credentials_file == NULL)
		fprintf(stderr, "ackmock: no credentials configured: the built-in testid/testsecret "
				"(account default) is accepted\n");
	printf("ackmock listening on http://%s:%d\n", cfg.listen_host, http_port(srv));
	fflush(stdout);

	while (sigwait(&stop_signals, &sig) != 0)
		;
	fprintf(stderr, "ackmock: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	atomic_store(&app.ready, false);
	http_stop(srv);
	status = 0;
done_clock:
	/* After the listener: every request that could record has been answered. */
	journal_free(app.journal);
	faults_free(app.faults);
	metrics_free(app.metrics);
	viewcache_free(app.view_cache);
	provision_stop(&app);
	clock_finish(&app.clock);
done:
	db_close(app.db);
	credentials_free(creds);
	catalog_free(catalog);
	config_finish(&cfg);
	return status;
}

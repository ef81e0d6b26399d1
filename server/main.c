/*
 * ackmock: a local emulator of the Alibaba Cloud ACK cluster API.
 * Start-up order: configuration, database (migrated), clock, listener;
 * then ready. SIGINT and SIGTERM stop it in the reverse order.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "http.h"
#include "timefmt.h"
#include "version.h"

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
	return db_clock_save(conn, &boot->rec);
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
	struct clock_boot boot;
	char err[512];
	sigset_t stop_signals;
	int sig, status = 1, threads = threads_for_cpus();

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
	if (cfg.check_config) {
		config_print(&cfg);
		config_finish(&cfg);
		return 0;
	}

	/* Block the stop signals before any thread starts, so that only sigwait sees them. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	app.db = db_open(cfg.db_path, threads + 1, err, sizeof(err));
	if (app.db == NULL) {
		fprintf(stderr, "ackmock: %s\n", err);
		goto done;
	}
	if (cfg.db_max_pages > 0 && db_set_max_pages(app.db, cfg.db_max_pages) != ERR_OK) {
		fprintf(stderr, "ackmock: cannot apply --db-max-pages\n");
		goto done;
	}
	boot.scale = cfg.time_scale;
	if (db_write_wait(app.db, clock_boot_apply, &boot) != ERR_OK) {
		fprintf(stderr, "ackmock: cannot read or initialise the clock\n");
		goto done;
	}
	clock_init(&app.clock, &boot.rec);
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
	clock_finish(&app.clock);
done:
	db_close(app.db);
	config_finish(&cfg);
	return status;
}

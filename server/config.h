/*
 * The daemon's one configuration struct: every flag of admin.md section 1,
 * read from the command line and from ACKMOCK_* environment variables (flags
 * win). All defaults live in config_defaults().
 */
#ifndef ACKMOCK_CONFIG_H
#define ACKMOCK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

enum auth_mode { AUTH_OFF, AUTH_OPTIONAL, AUTH_REQUIRED };
enum log_format { LOG_TEXT, LOG_JSON };
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

#define CONFIG_MAX_CREDENTIALS 64

struct credential {
	char *access_key_id;
	char *secret;
	char *account;
};

struct config {
	char *listen_host;
	int listen_port;
	char *db_path;
	double time_scale;
	bool instant;
	bool test_hooks;	/* test only: x-ackmock-fail-at-stage injects a task failure */
	enum auth_mode auth;
	struct credential credentials[CONFIG_MAX_CREDENTIALS];
	size_t ncredentials;
	char *credentials_file;
	int64_t max_skew_s;
	char *world_file;
	bool world_strict;
	char *catalog_file;
	bool strict_parameters;
	int64_t max_clusters;
	int64_t journal_max;
	enum log_format log_format;
	enum log_level log_level;
	uint64_t seed;
	int64_t request_timeout_s;	/* a whole request must arrive within this */
	int64_t db_max_pages;		/* testing: PRAGMA max_page_count; 0 is no cap */
	enum db_sync sync;
	bool check_config;
	bool help;
	bool version;
};

/* Fills cfg with the defaults of admin.md. */
void config_defaults(struct config *cfg);

/*
 * Applies ACKMOCK_* variables from envp, then argv. On a bad flag or value,
 * writes one line into err and returns false. cfg owns the strings it holds.
 */
bool config_parse(struct config *cfg, int argc, char **argv, char **envp, char *err,
    size_t errlen);

/*
 * Checks what parsing alone cannot, cheaply: the files of --credentials,
 * --world and --catalog exist and hold JSON of the right outer type, the
 * directory of --db exists, and --listen's host is an IPv4 address. On the
 * first problem writes one line into err and returns false.
 */
bool config_validate(const struct config *cfg, char *err, size_t errlen);

/* Frees the strings cfg owns. */
void config_finish(struct config *cfg);

/* Writes the usage text to stdout. */
void config_usage(void);

/* Writes the effective configuration, one "key = value" a line, to stdout. */
void config_print(const struct config *cfg);

#endif

/*
 * Fault injection (admin.md section 3). Rules live in the faults table and,
 * for matching, in memory behind one mutex. A rule matches a request by
 * operation, by a glob on the CreateCluster body's name and by account;
 * "times" counts down per match and "probability" draws from a PRNG seeded
 * by --seed, both under the mutex, so concurrent requests never overdraw a
 * rule and a run with the same requests in the same order repeats exactly.
 * Admin routes are never faulted.
 */
#ifndef ACKMOCK_FAULTS_H
#define ACKMOCK_FAULTS_H

struct lifecycle_fault;

#include <stdbool.h>
#include <stdint.h>

#include "call.h"
#include "db.h"

struct faults;
struct route;
struct cJSON;

enum fault_kind {
	FAULT_HTTP = 1 << 0,  /* answer with an error, store nothing */
	FAULT_TASK = 1 << 1,  /* CreateCluster succeeds; its task fails at a stage */
	FAULT_DELAY = 1 << 2, /* answer no earlier than delay_ms after receipt */
};

#define FAULT_DELAY_MAX_MS 10000

/* What a fired rule does; strings are copies, so the effect outlives the rule. */
struct fault_effect {
	enum fault_kind kind;
	int64_t rule_id;
	int status;        /* FAULT_HTTP */
	char code[64];     /* FAULT_HTTP and FAULT_TASK */
	char message[256]; /* FAULT_HTTP and FAULT_TASK */
	char stage[32];    /* FAULT_TASK: the create stage that fails */
	int delay_ms;      /* FAULT_DELAY */
};

/*
 * A new, empty rule set whose PRNG starts from seed. db is borrowed (fired
 * rules persist their countdown through it). NULL when out of memory.
 */
struct faults *faults_new(struct db *db, uint64_t seed);

/* Frees f and its rules. NULL-safe. */
void faults_free(struct faults *f);

/* A db_job apply that loads the stored rules into f (arg); run once at start-up. */
enum err faults_load_apply(struct db_conn *conn, void *arg);

/*
 * Validates a posted rule (admin.md section 3). On success *json receives
 * the normalised rule text (the caller frees it) and *times its countdown
 * (-1: unlimited). On failure writes a client-facing reason into why and
 * returns ERR_INVALID_BODY or ERR_INVALID_PARAMETER.
 */
enum err faults_parse(const char *body, size_t len, char **json, int64_t *times, char *why,
                      size_t whylen);

/*
 * Adds the rule of normalised text json under id (as stored), with its
 * countdown and fire count. ERR_INTERNAL if it does not parse or no memory.
 */
enum err faults_adopt(struct faults *f, int64_t id, const char *json, int64_t remaining,
                      int64_t fired);

/* Removes rule id from memory; false when there is none. */
bool faults_remove(struct faults *f, int64_t id);

/*
 * Removes from memory every rule (account NULL, and then the PRNG is
 * reseeded) or those whose match.account is account.
 */
void faults_clear(struct faults *f, const char *account);

/* The rules as a JSON array (owned by the caller), each with id, remaining and fired. */
struct cJSON *faults_list(struct faults *f);

/* How many times any rule fired since start-up. */
uint64_t faults_fired_total(struct faults *f);

/*
 * Finds the first rule of a kind in kinds that matches call and fires it:
 * counts it down, draws its probability, persists its countdown (queued to
 * the writer, never waited for) and copies its effect into *out. name is
 * the cluster name when the caller knows it; otherwise it is read from the
 * body when a rule needs it. Returns false when no rule fired.
 */
bool faults_match(struct faults *f, const struct call *call, const char *name, unsigned kinds,
                  struct fault_effect *out);

/*
 * For CreateCluster's handler: fires the first matching FAULT_TASK rule for
 * the cluster named name and fills *out with the stage, code and message
 * the task must fail with. Returns false when no rule fired.
 */
bool faults_task_fault(struct faults *f, const struct call *call, const char *name,
    struct lifecycle_fault *out);

/*
 * The dispatcher's hook, run just before a non-admin route's handler: fires
 * FAULT_HTTP and FAULT_DELAY rules. Returns true when the call is answered
 * (an injected error); a delay only sets call->delay_ms.
 */
bool faults_intercept(struct call *call, const struct route *route);

#endif

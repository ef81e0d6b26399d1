/*
 * One API call in flight: the parsed request, as the HTTP layer hands it over,
 * and the response the handlers build. Pure data; no libmicrohttpd here, so
 * handlers and tests never see the HTTP library.
 */
#ifndef ACKMOCK_CALL_H
#define ACKMOCK_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "errors.h"

struct cJSON;
struct app;

#define CALL_MAX_PATH_PARAMS 4
#define CALL_MAX_HEADERS     64
#define CALL_MAX_QUERY	     32
#define CALL_MAX_EXTRA	     4

struct kv {
	const char *key;
	const char *value;
};

struct request {
	const char *method;
	const char *target;	/* the raw request-target, percent-encoded, with the query */
	char *path;		/* the raw path, still percent-encoded (owned) */
	char *query_raw;	/* the raw query after '?', or NULL (owned) */
	struct kv query[CALL_MAX_QUERY];	/* percent-decoded (owned strings) */
	size_t nquery;
	struct kv headers[CALL_MAX_HEADERS];	/* borrowed from the HTTP layer */
	size_t nheaders;
	const char *body;	/* the raw bytes as received; NUL-terminated */
	size_t body_len;
	char *params[CALL_MAX_PATH_PARAMS];	/* decoded path parameters (owned) */
	size_t nparams;
};

struct response {
	int status;
	char *body;		/* owned; NUL-terminated */
	size_t body_len;
	const char *content_type;	/* static string */
	struct kv extra[CALL_MAX_EXTRA];	/* extra headers; values owned */
	size_t nextra;
	enum err err;		/* what was answered, for logs and metrics */
	char code[64];		/* the wire code of an error answer, "" otherwise */
};

/*
 * A write that a handler defers to the database writer thread. apply runs
 * inside the writer's transaction (in a savepoint of its own); finish runs
 * back on the connection's thread, after the write is durable, to build the
 * response. Both receive the call.
 */
struct db_conn;
struct call;
typedef enum err (*call_apply_fn)(struct db_conn *conn, struct call *call);
typedef void (*call_finish_fn)(struct call *call, enum err apply_err);

struct call {
	struct app *app;
	struct request req;
	struct response resp;
	char request_id[37];
	const char *operation;	/* static: the route's operation name */
	const char *account;	/* static or owned by auth: the tenant */
	char *account_owned;
	int64_t started_ns;
	/* A deferred write, set by call_defer_write(). */
	call_apply_fn apply;
	call_finish_fn finish;
	void *state;		/* the handler's own data for apply/finish */
	void (*state_free)(void *state);
	/* The signature check's data (guard.c), freed with auth_state_free when the call ends. */
	void *auth_state;
	void (*auth_state_free)(void *state);
	bool write_bulk;	/* run apply as a bulk job (db.h), e.g. a reset */
	int delay_ms;		/* fault injection: answer no earlier than started + delay */
	bool admin;		/* routed to an admin endpoint (not journaled, never faulted) */
	/* cJSON memory of an API call's handler, finish and answer; see arena.h. */
	struct arena arena;
};

/* Returns the decoded value of query parameter key, or NULL. Borrowed. */
const char *call_query(const struct call *call, const char *key);

/* Returns the value of header name (case-insensitive), or NULL. Borrowed. */
const char *call_header(const struct call *call, const char *name);

/*
 * Answers with a JSON document. Takes ownership of doc and frees it.
 * Returns ERR_OK, or ERR_INTERNAL when it could not be printed (then the
 * caller answers with that error).
 */
enum err call_reply_json(struct call *call, int status, struct cJSON *doc);

/* Answers with a body the caller built (malloc'd or cJSON's); takes ownership of body. */
void call_reply_raw(struct call *call, int status, const char *content_type, char *body,
    size_t len);

/*
 * Answers with err in its table shape. message may be NULL for the table's
 * default. data, when not NULL, is the service shape's "data" array; it is
 * taken over and freed.
 */
void call_reply_error(struct call *call, enum err err, const char *message, struct cJSON *data);

/*
 * Answers with an error that is not in the error table (an injected fault,
 * admin.md section 3): status and code as given, in the gateway shape when
 * gateway is set, else the service shape.
 */
void call_reply_error_as(struct call *call, int status, const char *code, const char *message,
    bool gateway);

/* Adds a response header; copies value. Silently drops past CALL_MAX_EXTRA. */
void call_add_header(struct call *call, const char *name, const char *value);

/*
 * Asks the HTTP layer to run apply on the database writer and finish after
 * it commits. state is owned by the call from here on and freed with
 * state_free when the call ends.
 */
void call_defer_write(struct call *call, call_apply_fn apply, call_finish_fn finish, void *state,
    void (*state_free)(void *state));

/* Frees everything the call owns (not the call itself). NULL-safe. */
void call_finish(struct call *call);

#endif

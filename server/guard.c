/*
 * The signature policy. Order of the checks, each answering with its own
 * gateway error: the Authorization header's shape, the AccessKeyId, the
 * signature, the clock skew, the nonce. The signature comes before the
 * clock so that a client's signing bug is reported as such even when its
 * clock is off too.
 *
 * Nonces are recorded by the database writer, the one thread that makes a
 * check-and-insert atomic across concurrent requests. Rather than waiting
 * for a write of its own before the handler runs (two writer batches for a
 * signed create), the nonce's insert is wrapped around the handler's
 * deferred write: one job, one batch. The handler's write runs in a nested
 * savepoint, so a create that fails (say, a name already taken) still
 * records its nonce and a replay of it is refused as a replay. A read has
 * no write of its own: its answer is computed first and held back until
 * its nonce is recorded, and dropped for SignatureNonceUsed on a replay.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "guard.h"
#include "nonces.h"
#include "timefmt.h"

#define NONCE_MAX 256

static const char MISMATCH_PREFIX[] =
    "Specified signature is not matched with our calculation. server string to sign is:";

struct guard_state {
	char access_key_id[AUTH_MAX_ACCESS_KEY_ID + 1];
	char nonce[NONCE_MAX + 1];
	int64_t window_ms;
	call_apply_fn apply;	/* the handler's, when it deferred a write */
	call_finish_fn finish;
	enum err apply_err;	/* what the handler's apply returned */
};

static void
guard_state_free(void *p)
{
	free(p);
}

/* Answers err with "default message (detail)", or the default alone. */
static bool
refuse(struct call *call, enum err err, const char *detail)
{
	char message[512];

	if (detail == NULL || detail[0] == '\0') {
		call_reply_error(call, err, NULL, NULL);
		return false;
	}
	snprintf(message, sizeof(message), "%s (%s)", err_info(err)->message, detail);
	call_reply_error(call, err, message, NULL);
	return false;
}

/* Writes s into the log with newlines shown as "\n", so one record stays one line. */
static void
log_escaped(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static bool
refuse_mismatch(struct call *call, const struct auth_claim *claim,
    const struct auth_trace *trace)
{
	const char *sts = trace->string_to_sign != NULL ? trace->string_to_sign : "";
	size_t len = sizeof(MISMATCH_PREFIX) + strlen(sts);
	char *message = malloc(len);

	if (call->app->cfg->log_level <= LOG_DEBUG) {
		/* The canonical request carries neither the secret nor the signature. */
		flockfile(stderr);
		fprintf(stderr, "ackmock: %s: signature of key %s does not match; string to sign: ",
		    call->request_id, claim->access_key_id);
		log_escaped(stderr, sts);
		if (trace->canonical_request != NULL) {
			fputs("; canonical request: ", stderr);
			log_escaped(stderr, trace->canonical_request);
		}
		fputc('\n', stderr);
		funlockfile(stderr);
	}
	if (message == NULL) {
		call_reply_error(call, ERR_SIGNATURE_MISMATCH, NULL, NULL);
		return false;
	}
	snprintf(message, len, "%s%s", MISMATCH_PREFIX, sts);
	call_reply_error(call, ERR_SIGNATURE_MISMATCH, message, NULL);
	free(message);
	return false;
}

static bool
check_skew(struct call *call, const struct auth_input *in, enum auth_scheme scheme)
{
	int64_t skew = call->app->cfg->max_skew_s, when, now = timefmt_real_now_ms() / 1000;
	char detail[160];

	if (!auth_request_time(in, scheme, &when)) {
		snprintf(detail, sizeof(detail), "%s is missing or malformed",
		    scheme == AUTH_SCHEME_ROA ? "Date" : "x-acs-date");
		return refuse(call, ERR_TIMESTAMP_EXPIRED, detail);
	}
	if (when < now - skew || when > now + skew) {
		snprintf(detail, sizeof(detail),
		    "the request was signed %" PRId64 " s from the server's clock; --max-skew is %" PRId64
		    " s", when - now, skew);
		return refuse(call, ERR_TIMESTAMP_EXPIRED, detail);
	}
	return true;
}

bool
guard_admit(struct call *call)
{
	const struct config *cfg = call->app->cfg;
	const struct auth_input in = {
	    .method = call->req.method,
	    .target = call->req.target,
	    .headers = call->req.headers,
	    .nheaders = call->req.nheaders,
	    .body = call->req.body,
	    .body_len = call->req.body_len,
	};
	const struct credential *cred;
	struct auth_claim claim;
	struct auth_trace trace;
	struct guard_state *g;
	const char *nonce;
	char why[256] = "";
	enum err err;

	if (cfg->auth == AUTH_OFF)
		return true;
	if ((err = auth_parse(&in, &claim, why, sizeof(why))) != ERR_OK)
		return refuse(call, err, why);
	if (claim.scheme == AUTH_SCHEME_NONE) {
		if (cfg->auth == AUTH_REQUIRED)
			return refuse(call, ERR_INCOMPLETE_SIGNATURE,
			    "the request is not signed and --auth is required");
		call->account = "default";
		return true;
	}
	if ((cred = credentials_find(call->app->credentials, claim.access_key_id)) == NULL)
		return refuse(call, ERR_ACCESS_KEY_NOT_FOUND, NULL);
	err = auth_verify(&in, &claim, cred->secret, &trace, why, sizeof(why));
	if (err == ERR_SIGNATURE_MISMATCH) {
		refuse_mismatch(call, &claim, &trace);
		auth_trace_finish(&trace);
		return false;
	}
	auth_trace_finish(&trace);
	if (err != ERR_OK)
		return refuse(call, err, why);
	if (cfg->max_skew_s > 0 && !check_skew(call, &in, claim.scheme))
		return false;
	call->account = cred->account;
	nonce = auth_header(&in, "x-acs-signature-nonce");
	if (cfg->max_skew_s == 0 || nonce == NULL)
		return true;
	if (nonce[0] == '\0' || strlen(nonce) > NONCE_MAX)
		return refuse(call, ERR_INCOMPLETE_SIGNATURE,
		    "x-acs-signature-nonce must have 1 to 256 characters");
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return refuse(call, ERR_INTERNAL, NULL);
	memcpy(g->access_key_id, claim.access_key_id, sizeof(g->access_key_id));
	memcpy(g->nonce, nonce, strlen(nonce) + 1);
	/*
	 * A request signed at t is accepted until t + skew and may have been
	 * first seen as early as t - skew, so a nonce must be remembered for
	 * twice the skew to refuse every replay.
	 */
	g->window_ms = 2 * cfg->max_skew_s * 1000;
	call->auth_state = g;
	call->auth_state_free = guard_state_free;
	return true;
}

static enum err
nested_apply(struct db_conn *conn, void *arg)
{
	struct call *call = arg;
	struct guard_state *g = call->auth_state;

	return g->apply(conn, call);
}

static enum err
guard_apply(struct db_conn *conn, struct call *call)
{
	struct guard_state *g = call->auth_state;
	int64_t now = timefmt_real_now_ms();
	enum err err;

	err = db_nonce_use(conn, g->access_key_id, g->nonce, now, now - g->window_ms);
	if (err != ERR_OK || g->apply == NULL)
		return err;
	g->apply_err = db_write_nested(conn, nested_apply, call);
	return ERR_OK;
}

static void
guard_finish(struct call *call, enum err err)
{
	struct guard_state *g = call->auth_state;

	if (err == ERR_NONCE_USED) {
		call_reply_error(call, ERR_NONCE_USED, NULL, NULL);
		return;
	}
	if (g->finish != NULL) {
		/* A failed commit (err) overrides whatever the handler's apply returned. */
		g->finish(call, err != ERR_OK ? err : g->apply_err);
		return;
	}
	/* A read: its answer stands once its nonce is durable. */
	if (err != ERR_OK)
		call_reply_error(call, err, NULL, NULL);
}

void
guard_commit(struct call *call)
{
	struct guard_state *g = call->auth_state;

	if (g == NULL)
		return;
	g->apply = call->apply;
	g->finish = call->finish;
	call->apply = guard_apply;
	call->finish = guard_finish;
}

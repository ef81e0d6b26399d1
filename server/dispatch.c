#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "app.h"
#include "arena.h"
#include "dispatch.h"
#include "faults.h"
#include "guard.h"
#include "journal.h"
#include "metrics.h"
#include "redact.h"
#include "router.h"
#include "uri.h"

/*
 * The account of a call (lifecycle.md section 5): the AccessKeyId named by
 * the Authorization header of either scheme, or "default" when unsigned.
 * This is the whole story with --auth off; otherwise guard_admit() replaces
 * it with the account of the verified credential.
 */
static void
dispatch_account(struct call *call)
{
	const char *auth = call_header(call, "authorization");
	const char *start = NULL;
	size_t len = 0;

	call->account = "default";
	if (auth == NULL)
		return;
	if (strncmp(auth, "acs ", 4) == 0) {
		start = auth + 4;
		len = strcspn(start, ":");
	} else if ((start = strstr(auth, "Credential=")) != NULL) {
		start += strlen("Credential=");
		len = strcspn(start, ",");
	}
	if (start != NULL && len > 0 && len < 128) {
		call->account_owned = strndup(start, len);
		if (call->account_owned != NULL)
			call->account = call->account_owned;
	}
}

void
dispatch_call(struct call *call, const char *target)
{
	const struct route *route;

	call->operation = "Unknown";
	if (!uri_parse_target(&call->req, target) ||
	    (route = router_match(routes, call->req.method, &call->req)) == NULL) {
		call_reply_error(call, ERR_ACTION_NOT_FOUND, NULL, NULL);
		return;
	}
	call->operation = route->operation;
	dispatch_account(call);
	call->admin = (route->flags & ROUTE_ADMIN) != 0;
	/* Admin calls change long-lived state (faults, the world): their JSON is malloc'd. */
	if (!call->admin)
		arena_enter(&call->arena);
	/* The gateway checks the signature first; a fault stands for the service behind it. */
	if ((call->admin || guard_admit(call)) && !faults_intercept(call, route)) {
		route->handler(call);
		guard_commit(call);
	}
	arena_leave();
}

void
dispatch_finish(struct call *call, enum err apply_err)
{
	if (!call->admin)
		arena_enter(&call->arena);
	call->finish(call, apply_err);
	arena_leave();
}

void
dispatch_answered(const struct call *call, int64_t duration_ns)
{
	metrics_observe(call->app->metrics, call->operation, call->resp.status,
	    (double)duration_ns / 1e9);
	/* The journal is the API's: polling /_mock/ready or /_mock/requests would only bury it. */
	if (!call->admin)
		journal_record(call->app->journal, call, duration_ns);
}

void
dispatch_log(const struct call *call, int64_t duration_ns)
{
	const struct config *cfg = call->app->cfg;
	/* A server error is worth a line even at --log-level warn. */
	enum log_level level = call->resp.status >= 500 ? LOG_WARN : LOG_INFO;
	char when[32], *path, *account;
	struct tm tm;
	time_t now = time(NULL);

	if (level < cfg->log_level)
		return;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* Escaped to printable ASCII: a hostile path or key cannot break the line or the JSON. */
	path = redact_text(call->req.path != NULL ? call->req.path : call->req.target);
	account = redact_text(call->account != NULL ? call->account : "");
	if (path == NULL || account == NULL)
		goto done;
	if (cfg->log_format == LOG_JSON) {
		cJSON *line = cJSON_CreateObject();
		char *text;

		cJSON_AddStringToObject(line, "time", when);
		cJSON_AddStringToObject(line, "level", level == LOG_WARN ? "warn" : "info");
		cJSON_AddStringToObject(line, "request_id", call->request_id);
		cJSON_AddStringToObject(line, "account", account);
		cJSON_AddStringToObject(line, "method", call->req.method != NULL ? call->req.method : "");
		cJSON_AddStringToObject(line, "path", path);
		cJSON_AddStringToObject(line, "operation",
		    call->operation != NULL ? call->operation : "Unknown");
		cJSON_AddNumberToObject(line, "status", call->resp.status);
		cJSON_AddNumberToObject(line, "duration_ms", (double)duration_ns / 1e6);
		text = cJSON_PrintUnformatted(line);
		if (text != NULL)
			fprintf(stderr, "%s\n", text);
		cJSON_free(text);
		cJSON_Delete(line);
		goto done;
	}
	fprintf(stderr, "%s %s %s %s %s %s %d %.3fms\n", when, call->request_id,
	    account[0] != '\0' ? account : "-", call->req.method != NULL ? call->req.method : "-",
	    path[0] != '\0' ? path : "-", call->operation != NULL ? call->operation : "Unknown",
	    call->resp.status, (double)duration_ns / 1e6);
done:
	free(path);
	free(account);
}

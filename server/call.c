/*
 * Building responses for one call. Every JSON answer of the emulated API goes
 * through here, so the content type, the request id and the error shapes of
 * api.md section 4 are decided in one place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "call.h"
#include "jsonprint.h"

const char *
call_query(const struct call *call, const char *key)
{
	for (size_t i = 0; i < call->req.nquery; i++)
		if (strcmp(call->req.query[i].key, key) == 0)
			return call->req.query[i].value;
	return NULL;
}

const char *
call_header(const struct call *call, const char *name)
{
	for (size_t i = 0; i < call->req.nheaders; i++)
		if (strcasecmp(call->req.headers[i].key, name) == 0)
			return call->req.headers[i].value;
	return NULL;
}

void
call_reply_raw(struct call *call, int status, const char *content_type, char *body, size_t len)
{
	/* A new answer replaces the last one, and with it the code of an error. */
	call->resp.code[0] = '\0';
	arena_free(call->resp.body);
	call->resp.status = status;
	call->resp.content_type = content_type;
	call->resp.body = body;
	call->resp.body_len = len;
}

/*
 * Printed by jsonprint, not cJSON's printer: the same text, but cJSON's
 * cost 36k instructions for the 1.7 KB answer of an invalid CreateCluster
 * (twelve violations).
 */
enum err
call_reply_json(struct call *call, int status, cJSON *doc)
{
	size_t len = 0;
	char *text = doc != NULL ? jsonprint(doc, &len) : NULL;

	cJSON_Delete(doc);
	if (text == NULL)
		return ERR_INTERNAL;
	call_reply_raw(call, status, "application/json;charset=utf-8", text, len);
	return ERR_OK;
}

static cJSON *
error_body_gateway(const struct call *call, const char *code, const char *message)
{
	const char *host = call_header(call, "host");
	char recommend[256];
	cJSON *doc = cJSON_CreateObject();

	snprintf(recommend, sizeof(recommend),
	    "https://next.api.aliyun.com/troubleshoot?q=%s&product=CS", code);
	cJSON_AddStringToObject(doc, "Code", code);
	cJSON_AddStringToObject(doc, "Message", message);
	cJSON_AddStringToObject(doc, "RequestId", call->request_id);
	cJSON_AddStringToObject(doc, "HostId", host != NULL ? host : "");
	cJSON_AddStringToObject(doc, "Recommend", recommend);
	return doc;
}

static cJSON *
error_body_service(const struct call *call, int status, const char *code, const char *message,
    cJSON *data)
{
	cJSON *doc = cJSON_CreateObject();

	cJSON_AddStringToObject(doc, "code", code);
	cJSON_AddStringToObject(doc, "message", message);
	cJSON_AddStringToObject(doc, "requestId", call->request_id);
	cJSON_AddNumberToObject(doc, "status", status);
	if (data != NULL)
		cJSON_AddItemToObject(doc, "data", data);
	return doc;
}

void
call_reply_error(struct call *call, enum err err, const char *message, cJSON *data)
{
	const struct err_info *info = err_info(err);
	cJSON *doc;

	if (message == NULL)
		message = info->message;
	if (info->shape == SHAPE_GATEWAY) {
		cJSON_Delete(data);
		doc = error_body_gateway(call, info->code, message);
	} else {
		doc = error_body_service(call, info->status, info->code, message, data);
	}
	call->resp.err = err;
	if (call_reply_json(call, info->status, doc) != ERR_OK) {
		/* Out of memory while printing: answer with a body we need not allocate. */
		static const char fallback[] = "{\"code\":\"InternalError\",\"message\":\"out of memory\"}";
		char *copy = strdup(fallback);

		call_reply_raw(call, 500, "application/json;charset=utf-8", copy,
		    copy != NULL ? strlen(copy) : 0);
		call->resp.err = ERR_INTERNAL;
		info = err_info(ERR_INTERNAL);
	}
	snprintf(call->resp.code, sizeof(call->resp.code), "%s", info->code);
}

void
call_reply_error_as(struct call *call, int status, const char *code, const char *message,
    bool gateway)
{
	enum err err = err_from_code(code);
	cJSON *doc = gateway ? error_body_gateway(call, code, message)
			     : error_body_service(call, status, code, message, NULL);

	/* For logs: the table's error when the code is one of ours, else a generic one. */
	call->resp.err = err != ERR__COUNT ? err : ERR_SERVICE_UNAVAILABLE;
	if (call_reply_json(call, status, doc) != ERR_OK)
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
	else
		snprintf(call->resp.code, sizeof(call->resp.code), "%s", code);
}

void
call_add_header(struct call *call, const char *name, const char *value)
{
	char *copy;

	if (call->resp.nextra >= CALL_MAX_EXTRA || (copy = strdup(value)) == NULL)
		return;
	call->resp.extra[call->resp.nextra].key = name;
	call->resp.extra[call->resp.nextra].value = copy;
	call->resp.nextra++;
}

void
call_defer_write(struct call *call, call_apply_fn apply, call_finish_fn finish, void *state,
    void (*state_free)(void *state))
{
	call->apply = apply;
	call->finish = finish;
	call->state = state;
	call->state_free = state_free;
}

void
call_finish(struct call *call)
{
	if (call == NULL)
		return;
	free(call->req.path);
	free(call->req.query_raw);
	for (size_t i = 0; i < call->req.nquery; i++) {
		free((char *)call->req.query[i].key);
		free((char *)call->req.query[i].value);
	}
	for (size_t i = 0; i < call->req.nparams; i++)
		free(call->req.params[i]);
	arena_free(call->resp.body);
	for (size_t i = 0; i < call->resp.nextra; i++)
		free((char *)call->resp.extra[i].value);
	free(call->account_owned);
	if (call->state_free != NULL)
		call->state_free(call->state);
	if (call->auth_state_free != NULL)
		call->auth_state_free(call->auth_state);
	/* Last: the state freed above may point into it. */
	arena_release(&call->arena);
	memset(call, 0, sizeof(*call));
}

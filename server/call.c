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
#include "jsonw.h"

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

/*
 * The error bodies are written with jsonw, not built as a cJSON tree and
 * printed: the same text (jsonw writes what cJSON prints), without the
 * tree. The gateway shape.
 */
static char *
error_body_gateway(const struct call *call, const char *code, const char *message,
    size_t *len)
{
	const char *host = call_header(call, "host");
	char recommend[256];
	struct jsonw w;

	snprintf(recommend, sizeof(recommend),
	    "https://next.api.aliyun.com/troubleshoot?q=%s&product=CS", code);
	jsonw_init(&w);
	jsonw_object_begin(&w);
	jsonw_add_string(&w, "Code", code);
	jsonw_add_string(&w, "Message", message);
	jsonw_add_string(&w, "RequestId", call->request_id);
	jsonw_add_string(&w, "HostId", host != NULL ? host : "");
	jsonw_add_string(&w, "Recommend", recommend);
	jsonw_object_end(&w);
	return jsonw_finish(&w, len);
}

/* n in decimal, as cJSON prints an integral number. */
static void
put_int(struct jsonw *w, int n)
{
	char num[16], *p = num + sizeof(num);
	unsigned u = n < 0 ? 0u - (unsigned)n : (unsigned)n;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (n < 0)
		*--p = '-';
	jsonw_raw(w, p, (size_t)(num + sizeof(num) - p));
}

/*
 * The service shape, its names and punctuation written in one piece each.
 * data, when not NULL, is the "data" array: a Raw item (validate_data's)
 * is written as it is, anything else printed.
 */
static char *
error_body_service(const struct call *call, int status, const char *code, const char *message,
    const cJSON *data, size_t *len)
{
	bool raw = data != NULL && cJSON_IsRaw(data) && data->valuestring != NULL;
	size_t raw_len = raw ? strlen(data->valuestring) : 0;
	struct jsonw w;

	jsonw_init(&w);
	/* All in one buffer from the start: a verdict's data runs to kilobytes. */
	if (raw_len != 0)
		jsonw_reserve(&w, raw_len + 2 * strlen(message) + 256);
	JSONW_RAW(&w, "{\"code\":");
	jsonw_quoted(&w, code);
	JSONW_RAW(&w, ",\"message\":");
	jsonw_quoted(&w, message);
	JSONW_RAW(&w, ",\"requestId\":");
	jsonw_quoted(&w, call->request_id);
	JSONW_RAW(&w, ",\"status\":");
	put_int(&w, status);
	if (raw) {
		JSONW_RAW(&w, ",\"data\":");
		jsonw_raw(&w, data->valuestring, raw_len);
	} else if (data != NULL) {
		size_t n = 0;
		char *text = jsonprint(data, &n);

		if (text == NULL) {
			jsonw_finish_free(&w);
			return NULL;
		}
		JSONW_RAW(&w, ",\"data\":");
		jsonw_raw(&w, text, n);
		cJSON_free(text);
	}
	JSONW_RAW(&w, "}");
	return jsonw_finish(&w, len);
}

/* Keeps code for logs and the journal (cut to fit, as snprintf would). */
static void
set_code(struct call *call, const char *code)
{
	size_t n = strlen(code);

	if (n >= sizeof(call->resp.code))
		n = sizeof(call->resp.code) - 1;
	memcpy(call->resp.code, code, n);
	call->resp.code[n] = '\0';
}

void
call_reply_error(struct call *call, enum err err, const char *message, cJSON *data)
{
	const struct err_info *info = err_info(err);
	size_t len = 0;
	char *body;

	if (message == NULL)
		message = info->message;
	if (info->shape == SHAPE_GATEWAY)
		body = error_body_gateway(call, info->code, message, &len);
	else
		body = error_body_service(call, info->status, info->code, message, data, &len);
	cJSON_Delete(data);
	call->resp.err = err;
	if (body != NULL) {
		call_reply_raw(call, info->status, "application/json;charset=utf-8", body, len);
	} else {
		/* Out of memory while printing: answer with a body we need not allocate. */
		static const char fallback[] = "{\"code\":\"InternalError\",\"message\":\"out of memory\"}";
		char *copy = strdup(fallback);

		call_reply_raw(call, 500, "application/json;charset=utf-8", copy,
		    copy != NULL ? strlen(copy) : 0);
		call->resp.err = ERR_INTERNAL;
		info = err_info(ERR_INTERNAL);
	}
	set_code(call, info->code);
}

void
call_reply_error_as(struct call *call, int status, const char *code, const char *message,
    bool gateway)
{
	enum err err = err_from_code(code);
	size_t len = 0;
	char *body = gateway ? error_body_gateway(call, code, message, &len)
			     : error_body_service(call, status, code, message, NULL, &len);

	if (body == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		return;
	}
	call_reply_raw(call, status, "application/json;charset=utf-8", body, len);
	/* For logs: the table's error when the code is one of ours, else a generic one. */
	call->resp.err = err != ERR__COUNT ? err : ERR_SERVICE_UNAVAILABLE;
	set_code(call, code);
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

/* The admin API (admin.md section 2): unsigned, JSON in and out. */
#include <cjson/cJSON.h>

#include "api.h"
#include "app.h"

static void
reply_status(struct call *call, int status, const char *value)
{
	cJSON *doc = cJSON_CreateObject();

	cJSON_AddStringToObject(doc, "status", value);
	if (call_reply_json(call, status, doc) != ERR_OK)
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
}

void
api_admin_health(struct call *call)
{
	reply_status(call, 200, "ok");
}

void
api_admin_ready(struct call *call)
{
	if (atomic_load(&call->app->ready))
		reply_status(call, 200, "ready");
	else
		reply_status(call, 503, "starting");
}

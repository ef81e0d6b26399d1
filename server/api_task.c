/* Task operations. */
#include <cjson/cJSON.h>

#include "api.h"
#include "app.h"
#include "jsonw.h"
#include "provision.h"
#include "store.h"
#include "view.h"

/* The task written straight to text: its cJSON tree cost more than the rest of the request. */
static void
reply_task(struct call *call, const struct task_rec *t, int64_t now)
{
	struct jsonw w;
	char *text;
	size_t len;

	jsonw_init(&w);
	view_task_write(&w, t, now);
	if ((text = jsonw_finish(&w, &len)) == NULL)
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
	else
		call_reply_raw(call, 200, "application/json;charset=utf-8", text, len);
}

void
api_describe_task(struct call *call)
{
	struct db_conn *conn = db_reader_acquire(call->app->db);
	struct task_rec *t = NULL;
	int64_t now;
	enum err err;

	err = db_task_get(conn, call->account, call->req.params[0], &t);
	db_reader_release(call->app->db, conn);
	now = clock_now(&call->app->clock);
	if (err != ERR_OK)
		call_reply_error(call, err, NULL, NULL);
	else
		reply_task(call, t, now);
	task_rec_free(t);
}

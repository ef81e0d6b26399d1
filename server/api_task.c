/* Task operations. */
#include <cjson/cJSON.h>

#include "api.h"
#include "app.h"
#include "provision.h"
#include "store.h"
#include "view.h"

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
	if (err == ERR_OK && t->settle_state != NULL && t->settle_ms <= now)
		provision_settle_soon(call->app, now);
	if (err != ERR_OK)
		call_reply_error(call, err, NULL, NULL);
	else if (call_reply_json(call, 200, view_task(t, now)) != ERR_OK)
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
	task_rec_free(t);
}

/*
 * The world's admin endpoints (admin.md section 2): GET /_mock/world reads
 * it, POST /_mock/world adds VPCs, vSwitches and security groups (an entry
 * whose id is already stored replaces it). Also the start-up loader of
 * --world FILE, which goes through the same parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "app.h"
#include "jsonbody.h"
#include "store.h"
#include "world.h"

static void
reply_world(struct call *call)
{
	struct db_conn *conn = db_reader_acquire(call->app->db);
	struct world w = {0};
	enum err err = db_world_load(conn, &w);
	cJSON *doc;

	db_reader_release(call->app->db, conn);
	if (err != ERR_OK || (doc = world_to_json(&w)) == NULL ||
	    call_reply_json(call, 200, doc) != ERR_OK)
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
	world_finish(&w);
}

void
api_world_get(struct call *call)
{
	reply_world(call);
}

static enum err
world_put_apply(struct db_conn *conn, struct call *call)
{
	return db_world_put(conn, call->state);
}

/* After the commit, answers with the whole world as it is now. */
static void
world_put_finish(struct call *call, enum err err)
{
	if (err != ERR_OK)
		call_reply_error(call, err, NULL, NULL);
	else
		reply_world(call);
}

static void
world_state_free(void *p)
{
	world_finish(p);
	free(p);
}

void
api_world_post(struct call *call)
{
	struct world *w = calloc(1, sizeof(*w));
	cJSON *body;
	char why[256];
	enum err err;

	if (w == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		return;
	}
	body = jsonbody_parse(call->req.body, call->req.body_len, why, sizeof(why));
	if (body == NULL) {
		call_reply_error(call, ERR_INVALID_BODY, why, NULL);
		free(w);
		return;
	}
	err = world_parse(body, call->app->catalog, w, why, sizeof(why));
	cJSON_Delete(body);
	if (err != ERR_OK) {
		call_reply_error(call, err, why, NULL);
		free(w);
		return;
	}
	call_defer_write(call, world_put_apply, world_put_finish, w, world_state_free);
}

static enum err
world_boot_apply(struct db_conn *conn, void *arg)
{
	return db_world_put(conn, arg);
}

bool
api_world_load_file(struct app *app, const char *path, bool store, char *err, size_t errlen)
{
	struct world w = {0};
	char why[256], *text = NULL;
	cJSON *doc = NULL;
	bool ok = false;
	size_t len;
	long size;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "--world %s: %s", path, strerror(errno));
		return false;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > (1 << 22) ||
	    fseek(f, 0, SEEK_SET) != 0 || (text = malloc((size_t)size + 1)) == NULL) {
		snprintf(err, errlen, "--world %s: cannot read it (at most 4 MiB)", path);
		goto done;
	}
	len = fread(text, 1, (size_t)size, f);
	text[len] = '\0';
	if ((doc = jsonbody_parse(text, len, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "--world %s: %s", path, why);
		goto done;
	}
	if (world_parse(doc, app->catalog, &w, why, sizeof(why)) != ERR_OK) {
		snprintf(err, errlen, "--world %s: %s", path, why);
		goto done;
	}
	if (store && db_write_wait(app->db, world_boot_apply, &w) != ERR_OK) {
		snprintf(err, errlen, "--world %s: cannot store it in the database", path);
		goto done;
	}
	ok = true;
done:
	world_finish(&w);
	cJSON_Delete(doc);
	free(text);
	fclose(f);
	return ok;
}

/*
 * The virtual clock's admin endpoints (admin.md section 2, lifecycle.md
 * section 1): GET and POST /_mock/clock. A change is saved in the clock
 * table by the database writer, which also settles whatever the new time
 * makes due, so a restart continues from the changed clock.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "app.h"
#include "jsonbody.h"
#include "timefmt.h"

/* The largest jump one request may make: 10 years, far past any task. */
#define CLOCK_MAX_ADVANCE_S (10.0 * 365 * 24 * 3600)
#define CLOCK_MAX_SCALE	    1e6

struct clock_change {
	bool set_frozen, frozen;
	bool set_scale;
	double scale;
	int64_t advance_ms;
	struct clock_rec result;
};

static void
reply_clock(struct call *call, const struct clock_rec *rec, int64_t now)
{
	cJSON *doc = cJSON_CreateObject();
	char when[TIMEFMT_LEN];

	timefmt_rfc3339(now, when);
	cJSON_AddStringToObject(doc, "now", when);
	cJSON_AddNumberToObject(doc, "now_ms", (double)now);
	cJSON_AddNumberToObject(doc, "scale", rec->scale);
	cJSON_AddBoolToObject(doc, "frozen", rec->frozen);
	if (call_reply_json(call, 200, doc) != ERR_OK)
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
}

void
api_clock_get(struct call *call)
{
	struct clock_rec rec;
	int64_t now = clock_now(&call->app->clock);

	clock_get(&call->app->clock, &rec);
	reply_clock(call, &rec, now);
}

/*
 * Runs on the writer, so two changes can never interleave: each starts
 * from the clock the previous one left. The in-memory clock is switched
 * here, before the commit, so that the settle below and every later read
 * agree on the new time.
 */
static enum err
clock_apply(struct db_conn *conn, struct call *call)
{
	struct clock_change *ch = call->state;
	struct vclock *clk = &call->app->clock;
	struct clock_rec rec;
	int64_t real = timefmt_real_now_ms();
	int64_t now = clock_now(clk);
	enum err err;

	clock_get(clk, &rec);
	/* Re-anchor at now, so that each change applies from this instant on. */
	rec.anchor_virtual_ms = now;
	rec.anchor_real_ms = real;
	if (ch->set_scale)
		rec.scale = ch->scale;
	if (ch->set_frozen)
		rec.frozen = ch->frozen;
	rec.anchor_virtual_ms += ch->advance_ms;
	if ((err = db_clock_save(conn, &rec)) != ERR_OK)
		return err;
	clock_set(clk, &rec);
	ch->result = rec;
	return db_settle_deletions(conn, clock_now(clk));
}

static void
clock_finish_call(struct call *call, enum err err)
{
	struct clock_change *ch = call->state;

	if (err != ERR_OK) {
		call_reply_error(call, err, NULL, NULL);
		return;
	}
	reply_clock(call, &ch->result, clock_now(&call->app->clock));
}

void
api_clock_post(struct call *call)
{
	struct clock_change *ch = NULL;
	cJSON *body, *v;
	char why[160];

	body = jsonbody_parse(call->req.body, call->req.body_len, why, sizeof(why));
	if (body == NULL) {
		call_reply_error(call, ERR_INVALID_BODY, why, NULL);
		return;
	}
	if ((ch = calloc(1, sizeof(*ch))) == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		goto done;
	}
	cJSON_ArrayForEach(v, body)
	{
		if (strcmp(v->string, "advance_seconds") == 0) {
			if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
			    v->valuedouble > CLOCK_MAX_ADVANCE_S) {
				call_reply_error(call, ERR_INVALID_PARAMETER,
				    "advance_seconds must be a number from 0 to 315360000 (the "
				    "clock never goes back)",
				    NULL);
				goto done;
			}
			ch->advance_ms = (int64_t)llround(v->valuedouble * 1000);
		} else if (strcmp(v->string, "frozen") == 0) {
			if (!cJSON_IsBool(v)) {
				call_reply_error(call, ERR_INVALID_PARAMETER,
				    "frozen must be a boolean", NULL);
				goto done;
			}
			ch->set_frozen = true;
			ch->frozen = cJSON_IsTrue(v);
		} else if (strcmp(v->string, "scale") == 0) {
			if (!cJSON_IsNumber(v) || !(v->valuedouble > 0) ||
			    v->valuedouble > CLOCK_MAX_SCALE) {
				call_reply_error(call, ERR_INVALID_PARAMETER,
				    "scale must be a number above 0 and at most 1000000", NULL);
				goto done;
			}
			ch->set_scale = true;
			ch->scale = v->valuedouble;
		} else {
			char msg[200];

			snprintf(msg, sizeof(msg),
			    "unknown parameter %.64s: expected advance_seconds, frozen or scale",
			    v->string);
			call_reply_error(call, ERR_INVALID_PARAMETER, msg, NULL);
			goto done;
		}
	}
	call_defer_write(call, clock_apply, clock_finish_call, ch, free);
	ch = NULL;
done:
	free(ch);
	cJSON_Delete(body);
}

#include <math.h>

#include "clock.h"
#include "timefmt.h"

int64_t
clock_virtual_at(const struct clock_rec *rec, int64_t real_ms)
{
	if (rec->frozen)
		return rec->anchor_virtual_ms;
	return rec->anchor_virtual_ms +
	       (int64_t)llround((double)(real_ms - rec->anchor_real_ms) * rec->scale);
}

void
clock_rescale(struct clock_rec *rec, int64_t real_ms, double scale)
{
	rec->anchor_virtual_ms = clock_virtual_at(rec, real_ms);
	rec->anchor_real_ms = real_ms;
	rec->scale = scale;
}

void
clock_init(struct vclock *clk, const struct clock_rec *rec)
{
	pthread_mutex_init(&clk->lock, NULL);
	clk->rec = *rec;
	clk->high_water = INT64_MIN;
}

void
clock_finish(struct vclock *clk)
{
	pthread_mutex_destroy(&clk->lock);
}

int64_t
clock_now(struct vclock *clk)
{
	int64_t now;

	pthread_mutex_lock(&clk->lock);
	now = clock_virtual_at(&clk->rec, timefmt_real_now_ms());
	if (now < clk->high_water)
		now = clk->high_water;
	clk->high_water = now;
	pthread_mutex_unlock(&clk->lock);
	return now;
}

void
clock_get(struct vclock *clk, struct clock_rec *out)
{
	pthread_mutex_lock(&clk->lock);
	*out = clk->rec;
	pthread_mutex_unlock(&clk->lock);
}

void
clock_set(struct vclock *clk, const struct clock_rec *rec)
{
	pthread_mutex_lock(&clk->lock);
	clk->rec = *rec;
	pthread_mutex_unlock(&clk->lock);
}

#include <stdio.h>
#include <time.h>

#include "timefmt.h"

#define SHOWN_OFFSET_S (8 * 3600)

static void
shown_tm(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms / 1000) + SHOWN_OFFSET_S;

	gmtime_r(&t, tm);
}

void
timefmt_rfc3339(int64_t ms, char out[TIMEFMT_LEN])
{
	struct tm tm;

	if (ms == INT64_MIN) {
		snprintf(out, TIMEFMT_LEN, "0001-01-01T00:00:00Z");
		return;
	}
	shown_tm(ms, &tm);
	strftime(out, TIMEFMT_LEN, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

void
timefmt_stage(int64_t ms, char out[TIMEFMT_LEN])
{
	struct tm tm;

	shown_tm(ms, &tm);
	strftime(out, TIMEFMT_LEN, "%Y-%m-%d %H:%M:%S", &tm);
}

int64_t
timefmt_real_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

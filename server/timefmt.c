#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

#define SHOWN_OFFSET_S (8 * 3600)

/*
 * Seconds of 1000-01-01 and of 10000-01-01 UTC: the years that strftime's
 * %Y shows with four digits (it does not pad year 999).
 */
#define FAST_MIN_S (-30610224000LL)
#define FAST_END_S (253402300800LL)

static void
shown_tm(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms / 1000) + SHOWN_OFFSET_S;

	gmtime_r(&t, tm);
}

static char *
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/*
 * "YYYY-MM-DD" sep "hh:mm:ss" of the shown zone into out, without strftime
 * (a tenth of its cost; DescribeTaskInfo formats up to a dozen times a
 * request); false outside the years 1000 to 9999, which strftime then formats.
 * The date is Howard Hinnant's days_from_civil inverse (civil_from_days).
 */
/*
 * The last day this thread formatted, as "YYYY-MM-DD": the times of one
 * answer mostly fall on one day, and the date is most of the cost.
 */
static _Thread_local struct {
	int64_t days;
	char date[10];
} last_day = {INT64_MIN, {0}};

static bool
fast_format(int64_t ms, char sep, char *out)
{
	int64_t t = ms / 1000 + SHOWN_OFFSET_S, days, secs, era, doe, yoe, doy, mp, y;
	int m, d;
	char *p = out;

	if (t < FAST_MIN_S || t >= FAST_END_S)
		return false;
	days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	secs = t - days * 86400;
	if (days == last_day.days) {
		memcpy(p, last_day.date, sizeof(last_day.date));
		p += sizeof(last_day.date);
		goto clock;
	}
	last_day.days = days;
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (int)(doy - (153 * mp + 2) / 5 + 1);
	m = (int)(mp < 10 ? mp + 3 : mp - 9);
	y = yoe + era * 400 + (m <= 2);
	p = put2(p, (int)(y / 100));
	p = put2(p, (int)(y % 100));
	*p++ = '-';
	p = put2(p, m);
	*p++ = '-';
	p = put2(p, d);
	memcpy(last_day.date, out, sizeof(last_day.date));
clock:
	*p++ = sep;
	p = put2(p, (int)(secs / 3600));
	*p++ = ':';
	p = put2(p, (int)(secs / 60 % 60));
	*p++ = ':';
	p = put2(p, (int)(secs % 60));
	*p = '\0';
	return true;
}

void
timefmt_rfc3339(int64_t ms, char out[TIMEFMT_LEN])
{
	struct tm tm;

	if (ms == INT64_MIN) {
		memcpy(out, "0001-01-01T00:00:00Z", sizeof("0001-01-01T00:00:00Z"));
		return;
	}
	if (fast_format(ms, 'T', out)) {
		/* 19 characters, then the zone (and its NUL). */
		memcpy(out + 19, "+08:00", sizeof("+08:00"));
		return;
	}
	shown_tm(ms, &tm);
	strftime(out, TIMEFMT_LEN, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

void
timefmt_stage(int64_t ms, char out[TIMEFMT_LEN])
{
	struct tm tm;

	if (fast_format(ms, ' ', out))
		return;
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

/* timefmt.c: the hand-written formats agree with gmtime_r and strftime at every instant tried. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "timefmt.h"

/* What timefmt.c printed with strftime before it formatted by hand. */
static void
reference(int64_t ms, bool stage, char out[TIMEFMT_LEN])
{
	time_t t = (time_t)(ms / 1000) + 8 * 3600;
	struct tm tm;

	gmtime_r(&t, &tm);
	if (stage)
		strftime(out, TIMEFMT_LEN, "%Y-%m-%d %H:%M:%S", &tm);
	else
		strftime(out, TIMEFMT_LEN, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

/* Mismatches printed so far: the first few are enough. */
static int shown;

static int
check(int64_t ms)
{
	char got[TIMEFMT_LEN], want[TIMEFMT_LEN];
	int bad = 0;

	timefmt_rfc3339(ms, got);
	reference(ms, false, want);
	if (strcmp(got, want) != 0 && bad++ == 0 && shown++ < 5)
		printf("# rfc3339 %lld: got %s, want %s\n", (long long)ms, got, want);
	timefmt_stage(ms, got);
	reference(ms, true, want);
	if (strcmp(got, want) != 0 && bad++ == 0 && shown++ < 5)
		printf("# stage %lld: got %s, want %s\n", (long long)ms, got, want);
	return bad;
}

int
main(void)
{
	/*
	 * 0001-01-01, 1000-01-01, the epoch, 2000-02-29, 2100-03-01 and
	 * 9999-12-31 (UTC), with their neighbours.
	 */
	static const int64_t edges_s[] = {-62135596800LL, -62135596800LL - 28800,
	    -30610224000LL, -30610224000LL - 28800, -86400, -1, 0, 1,
	    951782400LL, 951868799LL, 4107542400LL, 253402300799LL - 28800, 253402300799LL};
	char buf[TIMEFMT_LEN];
	uint64_t x = 88172645463325252u;
	int bad = 0;
	long n = 0;

	for (size_t i = 0; i < sizeof(edges_s) / sizeof(edges_s[0]); i++)
		for (int64_t d = -1001; d <= 1001; d += 7, n++)
			bad += check(edges_s[i] * 1000 + d);
	tap_ok(bad == 0, "edges of days, leap years and the 4-digit range (%ld instants)", n);

	/* Every seventh hour of 1969 to 2101, at an odd millisecond. */
	bad = 0;
	n = 0;
	for (int64_t s = -31536000LL; s < 4133980800LL; s += 3599 * 7, n++)
		bad += check(s * 1000 + 999);
	tap_ok(bad == 0, "every seventh hour from 1969 to 2101 (%ld instants)", n);

	/* Random instants over the years 1 to 9999, and a little beyond. */
	bad = 0;
	for (n = 0; n < 50000; n++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		bad += check((int64_t)(x % 326000000000000ULL) - 63000000000000LL);
	}
	tap_ok(bad == 0, "50000 random instants from year 0 to 10300");

	timefmt_rfc3339(INT64_MIN, buf);
	tap_str(buf, "0001-01-01T00:00:00Z", "INT64_MIN is never");
	timefmt_rfc3339(1795714044963, buf);
	tap_str(buf, "2026-11-27T01:27:24+08:00", "a known instant, RFC 3339");
	timefmt_stage(1795714044963, buf);
	tap_str(buf, "2026-11-27 01:27:24", "a known instant, stage format");
	return tap_done();
}

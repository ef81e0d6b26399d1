/*
 * Wire formats of virtual times (api.md section 1). Times are milliseconds
 * since the Unix epoch; they are shown in UTC+08:00, the zone the real
 * service answers in for its Chinese regions.
 */
#ifndef ACKMOCK_TIMEFMT_H
#define ACKMOCK_TIMEFMT_H

#include <stdint.h>

#define TIMEFMT_LEN 32

/* "2026-11-26T21:02:04+08:00"; INT64_MIN gives "0001-01-01T00:00:00Z" (never). */
void timefmt_rfc3339(int64_t ms, char out[TIMEFMT_LEN]);

/* "2026-11-26 21:02:04", the task stage format. */
void timefmt_stage(int64_t ms, char out[TIMEFMT_LEN]);

/* Milliseconds of the real clock (CLOCK_REALTIME). */
int64_t timefmt_real_now_ms(void);

#endif

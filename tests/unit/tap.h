/* A minimal TAP producer for the unit tests: ok/not ok lines and a plan at the end. */
#ifndef ACKMOCK_TAP_H
#define ACKMOCK_TAP_H

#include <stdbool.h>
#include <stdint.h>

/* Reports one test; returns cond. The name is a printf format. */
bool tap_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports a string comparison, showing both sides when they differ. */
bool tap_str(const char *got, const char *want, const char *name);

/*
 * A fixed-seed xorshift64 generator for randomised tests: every run draws
 * the same inputs, so a failure replays.
 */
uint64_t tap_rand(void);

/* Prints the plan; returns the process exit status (0 when all passed). */
int tap_done(void);

#endif

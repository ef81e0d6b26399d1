/*
 * The virtual clock (lifecycle.md section 1):
 *   virtual_now = anchor_virtual + (real_now - anchor_real) * scale,
 * or anchor_virtual while frozen. The anchor lives in the database so a
 * restart continues where it stopped; this module keeps the in-memory copy
 * that every request reads, behind a mutex.
 */
#ifndef ACKMOCK_CLOCK_H
#define ACKMOCK_CLOCK_H

#include <pthread.h>
#include <stdint.h>

#include "store.h"

struct vclock {
	pthread_mutex_t lock;
	struct clock_rec rec;
	int64_t high_water;	/* the latest time handed out: virtual time never goes back */
};

/* The virtual time of rec at real time real_ms. Pure. */
int64_t clock_virtual_at(const struct clock_rec *rec, int64_t real_ms);

/*
 * Re-anchors rec at real time real_ms so that the virtual time stays
 * continuous, then sets the new scale. Pure.
 */
void clock_rescale(struct clock_rec *rec, int64_t real_ms, double scale);

/* Initialises clk from rec. */
void clock_init(struct vclock *clk, const struct clock_rec *rec);

/* Destroys clk's mutex. */
void clock_finish(struct vclock *clk);

/*
 * The current virtual time in milliseconds. Never less than a time it
 * returned before, even if the real clock steps back: states computed from
 * it (and settled into the database) can then never be undone.
 */
int64_t clock_now(struct vclock *clk);

/* Copies the current record into out. */
void clock_get(struct vclock *clk, struct clock_rec *out);

/* Replaces the record (after the caller persisted it). */
void clock_set(struct vclock *clk, const struct clock_rec *rec);

#endif

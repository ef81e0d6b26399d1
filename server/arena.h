/*
 * Per-call memory for cJSON. A request builds and drops a few hundred small
 * cJSON nodes and strings (a DescribeTaskInfo answer alone is about 60
 * strings), and glibc's malloc/free of them was a third of the daemon's
 * instructions per request. While a call's arena is entered on a thread,
 * cJSON allocates from it by bumping a pointer, its frees are no-ops, and
 * the whole arena is given back at once when the call ends.
 *
 * The rule that keeps this safe: nothing cJSON allocates while an arena is
 * entered may outlive the call. Long-lived JSON (the journal, faults, the
 * world) is built outside arena_enter()/arena_leave(). Free cJSON memory
 * with cJSON_free() (or arena_free()), never with free(): those two know
 * both kinds.
 */
#ifndef ACKMOCK_ARENA_H
#define ACKMOCK_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct arena_chunk;

/* One call's arena; zero-initialised is empty. */
struct arena {
	struct arena_chunk *chunks;	/* newest first */
	char *next;			/* the first free byte of chunks */
	char *end;
	bool spilled;			/* an allocation made while entered came from malloc */
};

/* Installs the cJSON allocation hooks. Call once, before any thread starts. */
void arena_init(void);

/* Makes a the arena of cJSON allocations on this thread until arena_leave(). */
void arena_enter(struct arena *a);
void arena_leave(void);

/* Gives every chunk of a back; a is empty (and reusable) afterwards. */
void arena_release(struct arena *a);

/* Frees p whether it came from an arena (nothing to do) or from malloc. NULL-safe. */
void arena_free(void *p);

/*
 * True when every cJSON allocation made while a was entered came from a
 * (none was too big for it, none came once it was full): a tree built
 * while a was entered then goes with arena_release, and its cJSON_Delete,
 * a walk of every node to free nothing, can be left out.
 */
bool arena_holds_all(const struct arena *a);

/* True when p lies in arena memory (http.c: a body to copy rather than hand over). */
bool arena_owns(const void *p);

#endif

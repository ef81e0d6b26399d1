/*
 * Per-call bump allocation for cJSON (see arena.h for the why and the rule).
 *
 * All arena memory lives in one region reserved at start-up, so telling an
 * arena pointer from a malloc'd one is a range check, and cJSON's free hook
 * can pass everything else to free(). The region is reserved, not
 * committed: a page costs memory only once a chunk on it is first used.
 * Chunks go back to a free list when their call ends; past ARENA_HOT_MAX
 * free chunks their pages are returned to the kernel, so a burst of large
 * requests does not keep its memory. An allocation too big for a chunk, a
 * call that already holds ARENA_CALL_MAX chunks, or a full region fall back
 * to malloc, which is always correct, only slower.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <cjson/cJSON.h>

#include "arena.h"

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif

#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
/* Released arena memory is poisoned, so a use after the call's end is reported. */
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ARENA_CHUNK_SIZE  (32 * 1024)
#define ARENA_REGION_SIZE ((size_t)256 * 1024 * 1024)	/* 8,192 chunks, address space only */
#define ARENA_HOT_MAX	  64	/* free chunks kept resident: 2 MiB */
#define ARENA_CALL_MAX	  32	/* chunks one call may hold: 1 MiB, then malloc */
#define ARENA_ALIGN	  16

struct arena_chunk {
	struct arena_chunk *next;
	size_t count;		/* chunks of the arena up to and including this one */
};

#define CHUNK_HEADER ((sizeof(struct arena_chunk) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

static char *region;		/* NULL when the reservation failed: everything is malloc */
static char *region_end;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static char *pool_fresh;	/* the first never-used chunk */
static struct arena_chunk *pool_hot;	/* free, pages resident */
static struct arena_chunk *pool_cold;	/* free, pages given back */
static int pool_hot_count;

static _Thread_local struct arena *current;

/* cJSON calls the hooks about 200 times per request: the checks below stay inline. */
static inline bool
owns(const void *p)
{
	/* As integers: comparing pointers into different objects is undefined in C. */
	return (uintptr_t)p - (uintptr_t)region < (uintptr_t)region_end - (uintptr_t)region;
}

bool
arena_owns(const void *p)
{
	return owns(p);
}

static struct arena_chunk *
chunk_take(void)
{
	struct arena_chunk *c = NULL;

	pthread_mutex_lock(&pool_lock);
	if (pool_hot != NULL) {
		c = pool_hot;
		pool_hot = c->next;
		pool_hot_count--;
	} else if (pool_cold != NULL) {
		c = pool_cold;
		pool_cold = c->next;
	} else if (pool_fresh != NULL && pool_fresh + ARENA_CHUNK_SIZE <= region_end) {
		c = (struct arena_chunk *)(void *)pool_fresh;
		pool_fresh += ARENA_CHUNK_SIZE;
	}
	pthread_mutex_unlock(&pool_lock);
	if (c != NULL)
		UNPOISON(c, CHUNK_HEADER);
	return c;
}

static void
chunk_give(struct arena_chunk *c)
{
	bool hot;

	pthread_mutex_lock(&pool_lock);
	hot = pool_hot_count < ARENA_HOT_MAX;
	if (hot)
		pool_hot_count++;
	pthread_mutex_unlock(&pool_lock);
	POISON((char *)c + CHUNK_HEADER, ARENA_CHUNK_SIZE - CHUNK_HEADER);
	if (!hot)
		madvise(c, ARENA_CHUNK_SIZE, MADV_DONTNEED);
	pthread_mutex_lock(&pool_lock);
	if (hot) {
		c->next = pool_hot;
		pool_hot = c;
	} else {
		c->next = pool_cold;
		pool_cold = c;
	}
	pthread_mutex_unlock(&pool_lock);
}

/* Takes a new chunk for a; false when a is at its cap or the region is used up. */
static bool
arena_grow(struct arena *a)
{
	struct arena_chunk *c;

	if (a->chunks != NULL && a->chunks->count >= ARENA_CALL_MAX)
		return false;
	if ((c = chunk_take()) == NULL)
		return false;
	c->count = a->chunks != NULL ? a->chunks->count + 1 : 1;
	c->next = a->chunks;
	a->chunks = c;
	a->next = (char *)c + CHUNK_HEADER;
	a->end = (char *)c + ARENA_CHUNK_SIZE;
	return true;
}

static inline void *
arena_alloc(struct arena *a, size_t size)
{
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	char *p;

	if (need == 0 || need > (ARENA_CHUNK_SIZE - CHUNK_HEADER) / 4)
		return NULL;
	if ((size_t)(a->end - a->next) < need && !arena_grow(a))
		return NULL;
	p = a->next;
	a->next += need;
	UNPOISON(p, size);
	return p;
}

static void *
hook_malloc(size_t size)
{
	void *p;

	if (current == NULL)
		return malloc(size);
	if ((p = arena_alloc(current, size)) != NULL)
		return p;
	current->spilled = true;
	return malloc(size);
}

bool
arena_holds_all(const struct arena *a)
{
	return !a->spilled;
}

void
arena_free(void *p)
{
	if (!owns(p))
		free(p);
}

void
arena_init(void)
{
	cJSON_Hooks hooks = {.malloc_fn = hook_malloc, .free_fn = arena_free};
	void *r;

	if (region != NULL)
		return;
	r = mmap(NULL, ARENA_REGION_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		return;		/* no arenas: cJSON keeps plain malloc */
	region = r;
	region_end = region + ARENA_REGION_SIZE;
	pool_fresh = region;
	POISON(region, ARENA_REGION_SIZE);
	cJSON_InitHooks(&hooks);
}

void
arena_enter(struct arena *a)
{
	current = a;
}

void
arena_leave(void)
{
	current = NULL;
}

void
arena_release(struct arena *a)
{
	struct arena_chunk *c = a->chunks, *next;

	for (; c != NULL; c = next) {
		next = c->next;
		chunk_give(c);
	}
	a->chunks = NULL;
	a->next = a->end = NULL;
	a->spilled = false;
}

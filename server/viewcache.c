#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"
#include "viewcache.h"

#define NONE (-1)

/*
 * A view and its holders: the cache while it keeps it, and each writer
 * that took it from the cache. Writers write outside the lock, so an entry
 * evicted meanwhile is freed by the last one.
 */
struct entry {
	atomic_uint refs;
	struct view_static *view;
};

/* A kept entry, the hash of its cluster id, its LRU and bucket links. */
struct slot {
	struct entry *entry;	/* NULL: free */
	uint64_t hash;
	int prev, next;			/* the LRU list, most recent first */
	int chain;			/* the next slot of the same bucket */
};

struct viewcache {
	pthread_mutex_t lock;
	size_t cap, max_bytes, bytes;	/* bytes: of the views held */
	int head, tail;
	int free;			/* the free slots, chained */
	size_t nbuckets;		/* a power of two */
	int *buckets;
	struct slot slots[];
};

static uint64_t
id_hash(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* Drops one hold of e, freeing it with the last. NULL-safe. */
static void
entry_release(struct entry *e)
{
	if (e == NULL || atomic_fetch_sub(&e->refs, 1) != 1)
		return;
	view_static_free(e->view);
	free(e);
}

struct viewcache *
viewcache_new(size_t max_entries, size_t max_bytes)
{
	struct viewcache *vc;
	size_t nb = 16;

	if (max_entries == 0 || max_entries > 65536)
		return NULL;
	while (nb < max_entries * 2)
		nb *= 2;
	if ((vc = calloc(1, sizeof(*vc) + max_entries * sizeof(vc->slots[0]))) == NULL)
		return NULL;
	if ((vc->buckets = malloc(nb * sizeof(vc->buckets[0]))) == NULL ||
	    pthread_mutex_init(&vc->lock, NULL) != 0) {
		free(vc->buckets);
		free(vc);
		return NULL;
	}
	for (size_t i = 0; i < nb; i++)
		vc->buckets[i] = NONE;
	for (size_t i = 0; i < max_entries; i++)
		vc->slots[i].chain = i + 1 < max_entries ? (int)i + 1 : NONE;
	vc->free = 0;
	vc->nbuckets = nb;
	vc->cap = max_entries;
	vc->max_bytes = max_bytes;
	vc->head = vc->tail = NONE;
	return vc;
}

void
viewcache_free(struct viewcache *vc)
{
	if (vc == NULL)
		return;
	for (size_t i = 0; i < vc->cap; i++)
		entry_release(vc->slots[i].entry);
	pthread_mutex_destroy(&vc->lock);
	free(vc->buckets);
	free(vc);
}

static void
lru_unlink(struct viewcache *vc, int i)
{
	struct slot *s = &vc->slots[i];

	if (s->prev != NONE)
		vc->slots[s->prev].next = s->next;
	else
		vc->head = s->next;
	if (s->next != NONE)
		vc->slots[s->next].prev = s->prev;
	else
		vc->tail = s->prev;
}

static void
lru_push(struct viewcache *vc, int i)
{
	struct slot *s = &vc->slots[i];

	s->prev = NONE;
	s->next = vc->head;
	if (vc->head != NONE)
		vc->slots[vc->head].prev = i;
	vc->head = i;
	if (vc->tail == NONE)
		vc->tail = i;
}

/*
 * The slot of c's cluster id whose view matches c, made most recent; NONE
 * if none. With full false, only the id is compared: the caller compares
 * the rest (the whole spec) outside the lock. Locked.
 */
static int
lookup(struct viewcache *vc, const struct cluster_rec *c, uint64_t h, bool full)
{
	for (int i = vc->buckets[h & (vc->nbuckets - 1)]; i != NONE; i = vc->slots[i].chain) {
		const struct view_static *v = vc->slots[i].entry->view;

		if (vc->slots[i].hash != h ||
		    !(full ? view_static_matches(v, c) : view_static_is_of(v, c)))
			continue;
		if (vc->head != i) {
			lru_unlink(vc, i);
			lru_push(vc, i);
		}
		return i;
	}
	return NONE;
}

/* Drops the entry of slot i. Locked. */
static void
drop(struct viewcache *vc, int i)
{
	int *p;

	for (p = &vc->buckets[vc->slots[i].hash & (vc->nbuckets - 1)]; *p != i;
	     p = &vc->slots[*p].chain)
		;
	*p = vc->slots[i].chain;
	lru_unlink(vc, i);
	vc->bytes -= view_static_size(vc->slots[i].entry->view);
	entry_release(vc->slots[i].entry);
	vc->slots[i].entry = NULL;
	vc->slots[i].chain = vc->free;
	vc->free = i;
}

/* Keeps e (and the caller's hold) unless a matching entry came meanwhile. Locked. */
static void
insert(struct viewcache *vc, const struct cluster_rec *c, uint64_t h, struct entry *e)
{
	size_t b = h & (vc->nbuckets - 1), size = view_static_size(e->view);
	int i;

	/* One view larger than the budget's eighth would push out too many others. */
	if (size > vc->max_bytes / 8 || lookup(vc, c, h, true) != NONE) {
		entry_release(e);
		return;
	}
	/* One entry per cluster id: the one of another version (modified since, or before) goes. */
	if ((i = lookup(vc, c, h, false)) != NONE)
		drop(vc, i);
	while (vc->head != NONE && (vc->free == NONE || vc->bytes + size > vc->max_bytes))
		drop(vc, vc->tail);
	i = vc->free;
	vc->free = vc->slots[i].chain;
	vc->bytes += size;
	vc->slots[i].entry = e;
	vc->slots[i].hash = h;
	vc->slots[i].chain = vc->buckets[b];
	vc->buckets[b] = i;
	lru_push(vc, i);
}

bool
viewcache_write(struct viewcache *vc, struct jsonw *w, const struct cluster_rec *c,
    int64_t now, int64_t size)
{
	struct entry *e = NULL;
	uint64_t h;
	int i;

	if (vc == NULL)
		return view_cluster_write(w, c, now, size);
	h = id_hash(c->cluster_id);
	/*
	 * Held, not compared nor written, under the lock: the other event loop
	 * waits for no spec comparison and no write. There is one entry per id.
	 */
	pthread_mutex_lock(&vc->lock);
	if ((i = lookup(vc, c, h, false)) != NONE) {
		e = vc->slots[i].entry;
		atomic_fetch_add(&e->refs, 1);
	}
	pthread_mutex_unlock(&vc->lock);
	if (e != NULL && view_static_matches(e->view, c)) {
		view_cluster_emit(w, e->view, c, now, size);
		entry_release(e);
		return true;
	}
	entry_release(e);
	/* Made outside the lock: parsing the spec is the dear part. */
	if ((e = malloc(sizeof(*e))) == NULL)
		return false;
	if ((e->view = view_static_new(c)) == NULL) {
		free(e);
		return false;
	}
	atomic_init(&e->refs, 1);
	view_cluster_emit(w, e->view, c, now, size);
	pthread_mutex_lock(&vc->lock);
	insert(vc, c, h, e);
	pthread_mutex_unlock(&vc->lock);
	return true;
}

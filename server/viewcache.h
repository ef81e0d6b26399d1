/*
 * A small, bounded cache of the static parts of cluster views
 * (view_static), shared by the event-loop threads: a list page then
 * parses no spec for the clusters it showed recently. An entry is used
 * only when the cluster's inputs equal, byte for byte, those it was made
 * from, so a modified cluster is rendered again and never shown stale;
 * the fields that move with virtual time are written per request.
 */
#ifndef ACKMOCK_VIEWCACHE_H
#define ACKMOCK_VIEWCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct jsonw;
struct viewcache;

/*
 * A cache of at most max_entries views of at most max_bytes in all, the
 * least recently used evicted first; a view over an eighth of max_bytes is
 * not kept. NULL when out of memory or max_entries is 0 or over 65,536.
 */
struct viewcache *viewcache_new(size_t max_entries, size_t max_bytes);

/* Frees vc and every entry. NULL-safe. */
void viewcache_free(struct viewcache *vc);

/*
 * Writes c's view at now into w (view_cluster_write), from vc's entry
 * when it has one for c's inputs, else made and kept. vc NULL: no cache.
 * False, with nothing written, when c's spec does not parse or memory
 * runs out.
 */
bool viewcache_write(struct viewcache *vc, struct jsonw *w, const struct cluster_rec *c,
    int64_t now, int64_t size);

#endif

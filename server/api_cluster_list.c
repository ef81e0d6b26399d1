/*
 * The cluster lists (api.md section 2): DescribeClustersV1,
 * DescribeClustersForRegion and the legacy bare-array DescribeClusters.
 * Every list is one account's clusters that are not deleted at the
 * request's virtual instant, newest first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "app.h"
#include "jsonw.h"
#include "provision.h"
#include "store.h"
#include "view.h"
#include "viewcache.h"

#define PAGE_SIZE_DEFAULT 10
#define PAGE_SIZE_MAX	  100
/* The legacy list has no paging: it is read in chunks of this many. */
#define LEGACY_CHUNK 500

/* A positive decimal integer without sign, spaces or leading '+'; false otherwise. */
static bool
parse_positive(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < 1)
		return false;
	*out = v;
	return true;
}

static const char *
query_either(const struct call *call, const char *snake, const char *camel)
{
	const char *v = call_query(call, snake);

	return v != NULL ? v : call_query(call, camel);
}

bool
api_page(struct call *call, int64_t *page, int64_t *size)
{
	const char *p = query_either(call, "page_number", "pageNumber");
	const char *s = query_either(call, "page_size", "pageSize");

	*page = 1;
	*size = PAGE_SIZE_DEFAULT;
	/* An empty value is absent, as create-cluster.md section 1 treats "" everywhere. */
	if (p != NULL && p[0] != '\0' && (!parse_positive(p, page) || *page > 1000000000)) {
		call_reply_error(call, ERR_INVALID_PARAMETER,
		    "page_number must be an integer from 1 to 1000000000", NULL);
		return false;
	}
	if (s != NULL && s[0] != '\0' && (!parse_positive(s, size) || *size > PAGE_SIZE_MAX)) {
		call_reply_error(call, ERR_INVALID_PARAMETER,
		    "page_size must be an integer from 1 to 100", NULL);
		return false;
	}
	return true;
}

enum err
api_cluster_find(struct call *call, int64_t now, struct cluster_rec **out)
{
	struct db_conn *conn = db_reader_acquire(call->app->db);
	struct cluster_rec *c = NULL;
	enum err err;

	err = db_cluster_get(conn, call->account, call->req.params[0], &c);
	db_reader_release(call->app->db, conn);
	if (err == ERR_OK && strcmp(view_cluster_state(c, now), "deleted") == 0) {
		cluster_rec_free(c);
		return ERR_CLUSTER_NOT_FOUND;
	}
	if (err == ERR_OK)
		*out = c;
	return err;
}

/* "" is an absent filter. */
static const char *
filter_value(const struct call *call, const char *key)
{
	const char *v = call_query(call, key);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

static cJSON *
clusters_array(struct call *call, struct cluster_rec **v, size_t n, int64_t now)
{
	cJSON *array = cJSON_CreateArray();

	for (size_t i = 0; array != NULL && i < n; i++) {
		cJSON *item = view_cluster(v[i], now, v[i]->size);

		if (item == NULL) {
			cJSON_Delete(array);
			return NULL;
		}
		cJSON_AddItemToArray(array, item);
	}
	return array;
}

/* What reply_page's walk of the page needs. */
struct page_walk {
	struct viewcache *cache;
	struct jsonw *w;
	int64_t now;
};

/* Writes one cluster of the page as an array member; false when it cannot be shown. */
static bool
page_cluster(const struct cluster_rec *c, void *arg)
{
	struct page_walk *pw = arg;

	return viewcache_write(pw->cache, pw->w, c, pw->now, c->size);
}

/*
 * DescribeClustersV1 and DescribeClustersForRegion: one page and its
 * page_info, written straight to text (a cJSON tree of a page cost more to
 * build, print and free than everything else of the request) as the rows
 * are read, from the recent clusters' cached static views.
 */
static void
reply_page(struct call *call, const struct cluster_filter *f)
{
	struct db_conn *conn;
	int64_t page, size, total = 0;
	struct jsonw w;
	struct page_walk pw = {
	    .cache = call->app->view_cache,
	    .w = &w,
	    .now = clock_now(&call->app->clock),
	};
	size_t len;
	char *text;
	enum err err;

	if (!api_page(call, &page, &size))
		return;
	jsonw_init(&w);
	jsonw_object_begin(&w);
	jsonw_key(&w, "clusters");
	jsonw_array_begin(&w);
	conn = db_reader_acquire(call->app->db);
	err = db_cluster_list_each(conn, f, pw.now, (page - 1) * size, size, page_cluster, &pw,
	    &total);
	db_reader_release(call->app->db, conn);
	if (err != ERR_OK) {
		jsonw_finish_free(&w);
		call_reply_error(call, err, NULL, NULL);
		return;
	}
	jsonw_array_end(&w);
	jsonw_key(&w, "page_info");
	jsonw_object_begin(&w);
	jsonw_add_number(&w, "page_number", (double)page);
	jsonw_add_number(&w, "page_size", (double)size);
	jsonw_add_number(&w, "total_count", (double)total);
	jsonw_object_end(&w);
	jsonw_object_end(&w);
	if ((text = jsonw_finish(&w, &len)) == NULL) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
		return;
	}
	call_reply_raw(call, 200, "application/json;charset=utf-8", text, len);
}

void
api_describe_clusters_v1(struct call *call)
{
	struct cluster_filter f = {
	    .account = call->account,
	    .name = filter_value(call, "name"),
	    .cluster_type = filter_value(call, "cluster_type"),
	    .region_id = filter_value(call, "region_id"),
	    .cluster_id = filter_value(call, "cluster_id"),
	    .cluster_spec = filter_value(call, "cluster_spec"),
	    .profile = filter_value(call, "profile"),
	};

	reply_page(call, &f);
}

void
api_describe_clusters_for_region(struct call *call)
{
	struct cluster_filter f = {
	    .account = call->account,
	    .name = filter_value(call, "name"),
	    .cluster_type = filter_value(call, "cluster_type"),
	    .region_id = call->req.params[0],
	    .cluster_id = filter_value(call, "cluster_id"),
	    .cluster_spec = filter_value(call, "cluster_spec"),
	    .profile = filter_value(call, "profile"),
	};

	reply_page(call, &f);
}

void
api_describe_clusters_legacy(struct call *call)
{
	struct cluster_filter f = {
	    .account = call->account,
	    .name = filter_value(call, "name"),
	    .cluster_type = filter_value(call, "clusterType"),
	};
	struct db_conn *conn = db_reader_acquire(call->app->db);
	int64_t now = clock_now(&call->app->clock), offset = 0, total = 0;
	cJSON *array = cJSON_CreateArray();
	enum err err = ERR_OK;

	/* Chunks at one instant: a cluster created meanwhile is newer and only shifts later ones. */
	do {
		struct cluster_rec **v = NULL;
		size_t n = 0;
		cJSON *part;

		if ((err = db_cluster_list(conn, &f, now, offset, LEGACY_CHUNK, &v, &n, &total)) !=
			ERR_OK)
			break;
		part = clusters_array(call, v, n, now);
		cluster_recs_free(v, n);
		if (part == NULL || array == NULL) {
			cJSON_Delete(part);
			err = ERR_INTERNAL;
			break;
		}
		while (part->child != NULL)
			cJSON_AddItemToArray(array, cJSON_DetachItemViaPointer(part, part->child));
		cJSON_Delete(part);
		offset += (int64_t)n;
		if (n == 0)
			break;
	} while (offset < total);
	db_reader_release(call->app->db, conn);
	if (err != ERR_OK) {
		cJSON_Delete(array);
		call_reply_error(call, err, NULL, NULL);
	} else if (call_reply_json(call, 200, array) != ERR_OK) {
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
	}
}

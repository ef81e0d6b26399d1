/*
 * viewcache.c: a view written from the cache is byte for byte the view
 * written from scratch, whatever the cache holds, evicts or refuses, and
 * a cluster changed under the same id is never shown as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "store.h"
#include "tap.h"
#include "view.h"
#include "viewcache.h"

#define NCLUSTERS 12

static const char *const specs[] = {
	"{\"kubernetes_version\":\"1.28.15-aliyun.1\",\"tags\":[{\"key\":\"env\",\"value\":\"a\"}],"
	"\"addons\":[{\"name\":\"flannel\"}],\"container_cidr\":\"172.20.0.0/16\"}",
	"{\"tags\":[],\"endpoint_public_access\":false,\"vpcid\":\"vpc-given\","
	"\"vswitch_ids\":[\"vsw-1\",\"vsw-2\"],\"deletion_protection\":true}",
	"{\"tags\":[{\"key\":\"q\\\"\\\\\",\"value\":\"\\u0001\\u00e9\"}],\"profile\":\"Edge\","
	"\"maintenance_window\":{\"enable\":true,\"duration\":\"3h\"},"
	"\"runtime\":{\"name\":\"containerd\",\"version\":\"1.6.28\"}}",
	"{}",
	"{\"addons\":[{\"name\":\"terway-eniip\",\"config\":\"{\\\"x\\\":1}\",\"disabled\":true}],"
	"\"security_group_id\":\"sg-given\",\"timezone\":\"Asia/Shanghai\"}",
};

static const char *const names[] = {"alpha", "beta", "g\"amma"};

struct cluster {
	struct cluster_rec rec;
	char id[40], name[16], spec[512];
};

static void
cluster_set(struct cluster *c, int i, int variant)
{
	snprintf(c->id, sizeof(c->id), "c%032d", i);
	snprintf(c->name, sizeof(c->name), "%s", names[variant % 3]);
	snprintf(c->spec, sizeof(c->spec), "%s", specs[(i + variant) % 5]);
	memset(&c->rec, 0, sizeof(c->rec));
	c->rec.cluster_id = c->id;
	c->rec.account = "acct";
	c->rec.name = c->name;
	c->rec.region_id = "cn-hangzhou";
	c->rec.cluster_type = "ManagedKubernetes";
	c->rec.state = "initial";
	c->rec.created_ms = 1700000000000 + i;
	c->rec.updated_ms = c->rec.created_ms;
	c->rec.spec = c->spec;
	c->rec.settle_state = i % 3 == 0 ? NULL : "running";
	c->rec.settle_ms = c->rec.created_ms + 600000;
	c->rec.running_ms = i % 4 == 0 ? INT64_MAX : c->rec.settle_ms;
	c->rec.lb_id = "lb-x";
	c->rec.lb_from_ms = c->rec.created_ms + 60000;
	c->rec.lb_until_ms = i % 2 == 0 ? INT64_MAX : c->rec.created_ms + 900000;
	c->rec.api_ip = variant % 2 == 0 ? "192.168.0.1" : "10.0.0.7";
}

/* Writes an array of n random clusters at random instants both ways; true when equal. */
static bool
round_same(struct viewcache *vc, struct cluster *cl, int n, int *shown)
{
	struct jsonw a, b;
	char *ta, *tb;
	bool ok = true;

	jsonw_init(&a);
	jsonw_init(&b);
	jsonw_array_begin(&a);
	jsonw_array_begin(&b);
	for (int k = 0; k < n; k++) {
		struct cluster *c = &cl[tap_rand() % NCLUSTERS];
		int64_t now = c->rec.created_ms + (int64_t)(tap_rand() % 1200000);
		int64_t size = (int64_t)(tap_rand() % 4) - 1;

		ok &= viewcache_write(vc, &a, &c->rec, now, size);
		ok &= view_cluster_write(&b, &c->rec, now, size);
	}
	jsonw_array_end(&a);
	jsonw_array_end(&b);
	ta = jsonw_finish(&a, NULL);
	tb = jsonw_finish(&b, NULL);
	ok = ok && ta != NULL && tb != NULL && strcmp(ta, tb) == 0;
	if (!ok && (*shown)++ < 2)
		printf("# got  %s\n# want %s\n", ta != NULL ? ta : "(null)",
		    tb != NULL ? tb : "(null)");
	free(ta);
	free(tb);
	return ok;
}

/* Rounds against one cache, changing a cluster's name, spec or address now and then. */
static void
test_cache(size_t entries, size_t bytes, const char *what)
{
	struct viewcache *vc = viewcache_new(entries, bytes);
	struct cluster *cl = calloc(NCLUSTERS, sizeof(*cl));
	int bad = 0, shown = 0;

	if (vc == NULL || cl == NULL) {
		tap_ok(false, "%s: set up", what);
		goto done;
	}
	for (int i = 0; i < NCLUSTERS; i++)
		cluster_set(&cl[i], i, 0);
	for (int r = 0; r < 400; r++) {
		if (tap_rand() % 4 == 0) {
			int i = (int)(tap_rand() % NCLUSTERS);

			cluster_set(&cl[i], i, (int)(tap_rand() % 6));
		}
		bad += !round_same(vc, cl, 1 + (int)(tap_rand() % 6), &shown);
	}
	tap_ok(bad == 0, "%s: 400 pages written from the cache equal the views from scratch", what);
done:
	viewcache_free(vc);
	free(cl);
}

int
main(void)
{
	struct cluster c;
	struct jsonw w;
	struct viewcache *vc;

	test_cache(256, 512 * 1024, "room for all");
	test_cache(4, 512 * 1024, "4 entries for 12 clusters");
	test_cache(256, 8 * 1024, "room for ~8 KiB");
	test_cache(256, 1024, "every view over an eighth of the bytes");
	tap_ok(viewcache_new(0, 1024) == NULL, "no entries is refused");
	viewcache_free(NULL);

	cluster_set(&c, 1, 0);
	snprintf(c.spec, sizeof(c.spec), "{\"tags\":");
	jsonw_init(&w);
	tap_ok(!view_cluster_write(&w, &c.rec, 0, 0) && w.len == 0,
	    "a spec that does not parse writes nothing");
	vc = viewcache_new(4, 1 << 20);
	tap_ok(vc != NULL && !viewcache_write(vc, &w, &c.rec, 0, 0) && w.len == 0,
	    "nor through the cache");
	viewcache_free(vc);
	jsonw_finish_free(&w);
	return tap_done();
}

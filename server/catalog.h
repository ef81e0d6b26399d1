/*
 * The catalogs of create-cluster.md section 5: regions, Kubernetes versions,
 * runtimes with their versions, and addons. Built in, or read from
 * --catalog FILE in the same JSON shape as the built-in one:
 *
 *   {"regions": [...], "kubernetes_versions": [...],
 *    "runtimes": {"containerd": ["1.6.28", ...], ...}, "addons": [...]}
 *
 * A catalog is immutable once loaded and shared by every request.
 */
#ifndef ACKMOCK_CATALOG_H
#define ACKMOCK_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

struct catalog_list {
	char **items;
	size_t n;
	char *joined;		/* "a, b, c", built once when the list is read */
	size_t joined_len;
	const char *newest;	/* catalog_newest's answer, found when the list is read */
};

struct catalog_runtime {
	char *name;
	struct catalog_list versions;
};

struct catalog {
	struct catalog_list regions;
	struct catalog_list kubernetes_versions;
	struct catalog_runtime *runtimes;
	size_t nruntimes;
	struct catalog_list addons;
};

/* The built-in catalog's JSON text (create-cluster.md section 5). */
extern const char catalog_builtin_json[];

/*
 * Parses a catalog from JSON text. Every list must be a non-empty array of
 * distinct non-empty strings. On failure returns NULL and writes one line
 * into err. The caller owns the result (catalog_free).
 */
struct catalog *catalog_parse(const char *text, size_t len, char *err, size_t errlen);

/* Loads the built-in catalog, or the file at path when path is not NULL. */
struct catalog *catalog_load(const char *path, char *err, size_t errlen);

/* Frees c; NULL-safe. */
void catalog_free(struct catalog *c);

/* True when s is an item of list. */
bool catalog_list_has(const struct catalog_list *list, const char *s);

/* The runtime named name, or NULL. Borrowed from c. */
const struct catalog_runtime *catalog_runtime(const struct catalog *c, const char *name);

/*
 * Compares two dotted version strings by their leading numeric components
 * ("1.22.15-aliyun.1" reads as 1, 22, 15); at most n components when n > 0.
 * Returns <0, 0 or >0.
 */
int catalog_version_cmp(const char *a, const char *b, int n);

/*
 * The newest item of a version list, or NULL when it is empty. Borrowed.
 * Found once when the list is read: a create without a runtime version
 * asked for it twice, a dozen version comparisons each time.
 */
const char *catalog_newest(const struct catalog_list *list);

/*
 * Writes the list as "a, b, c" into buf (truncated with "..." when it does
 * not fit). Returns buf. A list that fits is copied from its joined text,
 * built when the catalog was read: a message naming the supported versions
 * costs a copy, not one snprintf per item.
 */
char *catalog_list_join(const struct catalog_list *list, char *buf, size_t len);

#endif

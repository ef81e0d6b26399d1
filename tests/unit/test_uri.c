/* uri.c and router.c: target splitting, percent-decoding, route matching. */
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "router.h"
#include "tap.h"
#include "uri.h"

static void
free_request(struct request *req)
{
	struct call call = {0};

	call.req = *req;
	call_finish(&call);
	memset(req, 0, sizeof(*req));
}

static void
test_decode(void)
{
	char *s;

	s = uri_decode("a%20b%2Fc", 9);
	tap_str(s, "a b/c", "decodes %XX escapes");
	free(s);
	s = uri_decode("a+b", 3);
	tap_str(s, "a+b", "keeps '+' as is");
	free(s);
	tap_ok(uri_decode("%2", 2) == NULL, "a truncated escape is refused");
	tap_ok(uri_decode("%zz", 3) == NULL, "a non-hex escape is refused");
	tap_ok(uri_decode("a%00b", 5) == NULL, "an escaped NUL is refused");
	s = uri_decode("%E4%B8%AD", 9);
	tap_str(s, "\xE4\xB8\xAD", "decodes multi-byte UTF-8");
	free(s);
}

static void
test_target(void)
{
	struct request req = {0};

	tap_ok(uri_parse_target(&req, "/api/v1/clusters?name=a%20b&page_size=5&flag"),
	    "parses a target with a query");
	tap_str(req.path, "/api/v1/clusters", "path before '?'");
	tap_str(req.query_raw, "name=a%20b&page_size=5&flag", "raw query kept");
	tap_ok(req.nquery == 3, "three query pairs");
	tap_str(req.query[0].value, "a b", "query values are decoded");
	tap_str(req.query[2].key, "flag", "a key without '='");
	tap_str(req.query[2].value, "", "has the empty value");
	free_request(&req);

	tap_ok(!uri_parse_target(&req, "clusters"), "a target must start with '/'");
	free_request(&req);
	tap_ok(!uri_parse_target(&req, "/x?a=%zz"), "a bad escape in the query is refused");
	free_request(&req);
	tap_ok(uri_parse_target(&req, "/x?&&a=1&"), "empty pairs are skipped");
	tap_ok(req.nquery == 1, "one pair left");
	free_request(&req);
}

static void
no_handler(struct call *call)
{
}

/* clang-format off */
static const struct route table[] = {
	{ "POST",	"/clusters",		"CreateCluster",		no_handler,	0 },
	{ "GET",	"/clusters/{}",		"DescribeClusterDetail",	no_handler,	0 },
	{ "GET",	"/clusters/{}/nodes",	"DescribeClusterNodes",		no_handler,	0 },
	{ NULL },
};
/* clang-format on */

static void
test_routes(void)
{
	struct request req = {0};
	const struct route *r;

	uri_parse_target(&req, "/clusters/c0123%41");
	r = router_match(table, "GET", &req);
	tap_ok(r != NULL && strcmp(r->operation, "DescribeClusterDetail") == 0,
	    "GET /clusters/{} is DescribeClusterDetail");
	tap_ok(req.nparams == 1 && strcmp(req.params[0], "c0123A") == 0,
	    "path parameters are percent-decoded");
	free_request(&req);

	uri_parse_target(&req, "/clusters/c1/nodes");
	r = router_match(table, "GET", &req);
	tap_ok(r != NULL && strcmp(r->operation, "DescribeClusterNodes") == 0 &&
		   req.nparams == 1 && strcmp(req.params[0], "c1") == 0,
	    "a parameter in the middle of a pattern");
	free_request(&req);

	uri_parse_target(&req, "/clusters");
	r = router_match(table, "POST", &req);
	tap_ok(r != NULL && strcmp(r->operation, "CreateCluster") == 0, "POST /clusters");
	free_request(&req);

	uri_parse_target(&req, "/clusters/");
	tap_ok(router_match(table, "GET", &req) == NULL, "an empty parameter matches nothing");
	free_request(&req);

	uri_parse_target(&req, "/clusters");
	tap_ok(router_match(table, "PATCH", &req) == NULL, "routing is on method and path");
	free_request(&req);

	uri_parse_target(&req, "/clusters/a/b/c/d/e");
	tap_ok(router_match(table, "GET", &req) == NULL, "extra segments match nothing");
	free_request(&req);
}

int
main(void)
{
	test_decode();
	test_target();
	test_routes();
	return tap_done();
}

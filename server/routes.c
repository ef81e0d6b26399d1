/* The route table: every operation the daemon answers (api.md section 2, admin.md section 2). */
#include "api.h"
#include "router.h"

/* clang-format off */
const struct route routes[] = {
	/* method	pattern					operation		handler			flags */
	{ "POST",	"/clusters",				"CreateCluster",	api_create_cluster,	0 },
	{ "POST",	"/resource_groups/{}/clusters",		"CreateCluster",	api_create_cluster,	0 },
	{ "GET",	"/clusters/{}",				"DescribeClusterDetail", api_describe_cluster,	0 },
	{ "GET",	"/tasks/{}",				"DescribeTaskInfo",	api_describe_task,	0 },
	{ "GET",	"/_mock/health",			"AdminHealth",		api_admin_health,	ROUTE_ADMIN },
	{ "GET",	"/_mock/ready",				"AdminReady",		api_admin_ready,	ROUTE_ADMIN },
	{ "GET",	"/_mock/world",				"AdminWorldGet",	api_world_get,		ROUTE_ADMIN },
	{ "POST",	"/_mock/world",				"AdminWorldAdd",	api_world_post,		ROUTE_ADMIN },
	{ NULL },
};
/* clang-format on */

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
	{ "POST",	"/_mock/reset",				"AdminReset",		api_admin_reset,	ROUTE_ADMIN },
	{ "GET",	"/_mock/requests",			"AdminRequests",	api_admin_requests,	ROUTE_ADMIN },
	{ "GET",	"/_mock/faults",			"AdminFaultsList",	api_admin_faults_list,	ROUTE_ADMIN },
	{ "POST",	"/_mock/faults",			"AdminFaultsAdd",	api_admin_faults_add,	ROUTE_ADMIN },
	{ "DELETE",	"/_mock/faults",			"AdminFaultsClear",	api_admin_faults_clear,	ROUTE_ADMIN },
	{ "DELETE",	"/_mock/faults/{}",			"AdminFaultsDelete",	api_admin_faults_delete, ROUTE_ADMIN },
	{ "GET",	"/_mock/metrics",			"AdminMetrics",		api_admin_metrics,	ROUTE_ADMIN },
	{ NULL },
};
/* clang-format on */

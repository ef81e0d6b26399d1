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
	{ "GET",	"/clusters",				"DescribeClusters",	api_describe_clusters_legacy, 0 },
	{ "GET",	"/api/v1/clusters",			"DescribeClustersV1",	api_describe_clusters_v1, 0 },
	{ "GET",	"/regions/{}/clusters",			"DescribeClustersForRegion", api_describe_clusters_for_region, 0 },
	{ "DELETE",	"/clusters/{}",				"DeleteCluster",	api_delete_cluster,	0 },
	{ "PUT",	"/api/v2/clusters/{}",			"ModifyCluster",	api_modify_cluster,	0 },
	{ "GET",	"/clusters/{}/nodes",			"DescribeClusterNodes",	api_describe_cluster_nodes, 0 },
	{ "GET",	"/clusters/{}/tasks",			"DescribeClusterTasks",	api_describe_cluster_tasks, 0 },
	{ "GET",	"/clusters/{}/resources",		"DescribeClusterResources", api_describe_cluster_resources, 0 },
	{ "GET",	"/k8s/{}/user_config",			"DescribeClusterUserKubeconfig", api_describe_cluster_kubeconfig, 0 },
	{ "GET",	"/clusters/{}/controlplanelog",		"CheckControlPlaneLogEnable", api_check_control_plane_log, 0 },
	{ "GET",	"/clusters/{}/audit",			"GetClusterAuditProject", api_get_cluster_audit_project, 0 },
	{ "GET",	"/_mock/clock",				"AdminClockGet",	api_clock_get,		ROUTE_ADMIN },
	{ "POST",	"/_mock/clock",				"AdminClockSet",	api_clock_post,		ROUTE_ADMIN },
	{ "GET",	"/_mock/health",			"AdminHealth",		api_admin_health,	ROUTE_ADMIN },
	{ "GET",	"/_mock/ready",				"AdminReady",		api_admin_ready,	ROUTE_ADMIN },
	{ "POST",	"/_mock/reset",				"AdminReset",		api_admin_reset,	ROUTE_ADMIN },
	{ "GET",	"/_mock/requests",			"AdminRequests",	api_admin_requests,	ROUTE_ADMIN },
	{ "GET",	"/_mock/faults",			"AdminFaultsList",	api_admin_faults_list,	ROUTE_ADMIN },
	{ "POST",	"/_mock/faults",			"AdminFaultsAdd",	api_admin_faults_add,	ROUTE_ADMIN },
	{ "DELETE",	"/_mock/faults",			"AdminFaultsClear",	api_admin_faults_clear,	ROUTE_ADMIN },
	{ "DELETE",	"/_mock/faults/{}",			"AdminFaultsDelete",	api_admin_faults_delete, ROUTE_ADMIN },
	{ "GET",	"/_mock/metrics",			"AdminMetrics",		api_admin_metrics,	ROUTE_ADMIN },
	{ "GET",	"/_mock/world",				"AdminWorldGet",	api_world_get,		ROUTE_ADMIN },
	{ "POST",	"/_mock/world",				"AdminWorldAdd",	api_world_post,		ROUTE_ADMIN },
	{ NULL },
};
/* clang-format on */

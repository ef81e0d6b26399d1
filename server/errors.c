/*
 * The error table: the only place that knows which HTTP status and wire code
 * each error has (api.md section 4). Keep the rows in enum order; the unit
 * test checks that every enum value has a row.
 */
#include <stddef.h>
#include <string.h>

#include "errors.h"

/* clang-format off */
static const struct err_info err_table[ERR__COUNT] = {
	/* error			   status  code					shape		default message */
	[ERR_OK]			= { 200, "OK",					SHAPE_SERVICE,	"ok" },
	[ERR_INVALID_BODY]		= { 400, "InvalidBody",			SHAPE_SERVICE,	"request body must be a JSON object" },
	[ERR_MISSING_PARAMETER]		= { 400, "MissingParameter",		SHAPE_SERVICE,	"a required parameter is missing" },
	[ERR_INVALID_PARAMETER]		= { 400, "InvalidParameter",		SHAPE_SERVICE,	"a parameter is invalid" },
	[ERR_EMPTY_CIDR]		= { 400, "EmptyCIDR",			SHAPE_SERVICE,	"pod or service cidr is empty" },
	[ERR_INVALID_CIDR]		= { 400, "InvalidCIDR",			SHAPE_SERVICE,	"invalid CIDR" },
	[ERR_INVALID_POD_VSWITCH_IDS]	= { 400, "InvalidPodVswitchIds",	SHAPE_SERVICE,	"invalid pod vswitch ids" },
	[ERR_CLUSTER_NAME_EXISTS]	= { 400, "ClusterNameAlreadyExist",	SHAPE_SERVICE,	"cluster name already exist in your clusters" },
	[ERR_VPC_NOT_FOUND]		= { 400, "InvalidVpcId.NotFound",	SHAPE_SERVICE,	"the specified VPC does not exist" },
	[ERR_VSWITCH_NOT_FOUND]		= { 400, "InvalidVSwitchId.NotFound",	SHAPE_SERVICE,	"the specified vSwitch does not exist" },
	[ERR_SECURITY_GROUP_NOT_FOUND]	= { 400, "InvalidSecurityGroupId.NotFound", SHAPE_SERVICE, "the specified security group does not exist" },
	[ERR_QUOTA_CLUSTER]		= { 400, "QuotaExceeded.Cluster",	SHAPE_SERVICE,	"cluster quota exceeded" },
	[ERR_CLUSTER_NOT_FOUND]		= { 404, "ErrorClusterNotFound",	SHAPE_SERVICE,	"cluster not found" },
	[ERR_TASK_NOT_FOUND]		= { 404, "ErrorTaskNotFound",		SHAPE_SERVICE,	"task not found" },
	[ERR_FAULT_NOT_FOUND]		= { 404, "ErrorFaultNotFound",		SHAPE_SERVICE,	"no fault rule has that id" },
	[ERR_DELETION_PROTECTION]	= { 400, "ErrorDeletionProtection",	SHAPE_SERVICE,	"the cluster has deletion protection enabled" },
	[ERR_CLUSTER_STATE]		= { 400, "ErrorClusterState",		SHAPE_SERVICE,	"the operation is not allowed in the cluster's current state" },
	[ERR_ENTITY_TOO_LARGE]		= { 413, "RequestEntityTooLarge",	SHAPE_SERVICE,	"request body exceeds 1 MiB" },
	[ERR_INTERNAL]			= { 500, "InternalError",		SHAPE_SERVICE,	"an internal error occurred; see the daemon log" },
	[ERR_SERVICE_UNAVAILABLE]	= { 503, "ServiceUnavailable",		SHAPE_SERVICE,	"the service is unavailable" },
	[ERR_NOT_READY]			= { 503, "NotReady",			SHAPE_SERVICE,	"ackmock is not ready" },
	[ERR_STORAGE_FULL]		= { 507, "InsufficientStorage",		SHAPE_SERVICE,	"the emulator's database is full (disk full or --db-max-pages reached); nothing was stored" },
	[ERR_ACTION_NOT_FOUND]		= { 404, "InvalidAction.NotFound",	SHAPE_GATEWAY,	"Specified api is not found, please check your url and method." },
	[ERR_INCOMPLETE_SIGNATURE]	= { 400, "IncompleteSignature",		SHAPE_GATEWAY,	"The request signature does not conform to Aliyun standards." },
	[ERR_ACCESS_KEY_NOT_FOUND]	= { 404, "InvalidAccessKeyId.NotFound",	SHAPE_GATEWAY,	"Specified access key is not found." },
	[ERR_SIGNATURE_MISMATCH]	= { 400, "SignatureDoesNotMatch",	SHAPE_GATEWAY,	"Specified signature is not matched with our calculation." },
	[ERR_TIMESTAMP_EXPIRED]		= { 400, "InvalidTimeStamp.Expired",	SHAPE_GATEWAY,	"Specified time stamp or date value is expired." },
	[ERR_NONCE_USED]		= { 400, "SignatureNonceUsed",		SHAPE_GATEWAY,	"Specified signature nonce was used already." },
	[ERR_THROTTLING]		= { 400, "Throttling.User",		SHAPE_GATEWAY,	"Request was denied due to user flow control." },
};
/* clang-format on */

const struct err_info *
err_info(enum err err)
{
	if ((unsigned)err >= ERR__COUNT || err_table[err].code == NULL)
		return &err_table[ERR_INTERNAL];
	return &err_table[err];
}

enum err
err_from_code(const char *code)
{
	for (int i = 0; i < ERR__COUNT; i++)
		if (err_table[i].code != NULL && strcmp(err_table[i].code, code) == 0)
			return (enum err)i;
	return ERR__COUNT;
}

/*
 * Every answer the API can give that is not a success, in one enum, and the
 * one table that maps it to an HTTP status, a wire code and a body shape.
 */
#ifndef ACKMOCK_ERRORS_H
#define ACKMOCK_ERRORS_H

enum err_shape {
	SHAPE_SERVICE,	/* {"code","message","requestId","status"[,"data"]} */
	SHAPE_GATEWAY,	/* {"Code","Message","RequestId","HostId","Recommend"} */
};

enum err {
	ERR_OK = 0,
	ERR_INVALID_BODY,
	ERR_MISSING_PARAMETER,
	ERR_INVALID_PARAMETER,
	ERR_EMPTY_CIDR,
	ERR_INVALID_CIDR,
	ERR_INVALID_POD_VSWITCH_IDS,
	ERR_CLUSTER_NAME_EXISTS,
	ERR_VPC_NOT_FOUND,
	ERR_VSWITCH_NOT_FOUND,
	ERR_SECURITY_GROUP_NOT_FOUND,
	ERR_QUOTA_CLUSTER,
	ERR_CLUSTER_NOT_FOUND,
	ERR_TASK_NOT_FOUND,
	ERR_FAULT_NOT_FOUND,
	ERR_DELETION_PROTECTION,
	ERR_CLUSTER_STATE,
	ERR_ENTITY_TOO_LARGE,
	ERR_INTERNAL,
	ERR_SERVICE_UNAVAILABLE,
	ERR_NOT_READY,
	ERR_STORAGE_FULL,
	/* Gateway errors. */
	ERR_ACTION_NOT_FOUND,
	ERR_INCOMPLETE_SIGNATURE,
	ERR_ACCESS_KEY_NOT_FOUND,
	ERR_SIGNATURE_MISMATCH,
	ERR_TIMESTAMP_EXPIRED,
	ERR_NONCE_USED,
	ERR_THROTTLING,
	ERR__COUNT
};

struct err_info {
	int status;
	const char *code;
	enum err_shape shape;
	const char *message;	/* the default message; callers may give a better one */
};

/*
 * Returns the table row of err. Out-of-range values map to ERR_INTERNAL's
 * row, so a corrupted value can never index past the table.
 */
const struct err_info *err_info(enum err err);

/* Returns the error whose wire code is code, or ERR__COUNT when none has it. */
enum err err_from_code(const char *code);

#endif

/*
 * The stateful rules of create-cluster.md section 6 (S1 name, S2 pod CIDR
 * overlap within a VPC, S3 --max-clusters). They read the clusters table,
 * so they run on the database writer inside the insert's transaction
 * (api_cluster.c create_apply): two concurrent creates can never both pass.
 */
#ifndef ACKMOCK_STATEFUL_H
#define ACKMOCK_STATEFUL_H

#include <stdint.h>

#include "errors.h"
#include "validate.h"

struct db_conn;

/* What the rules need to know about the cluster being created; borrowed. */
struct stateful_facts {
	const char *name;
	const char *vpcid;          /* NULL when ACK creates the VPC: S2 does not apply */
	const char *container_cidr; /* NULL or "" when there is none (Terway) */
	int64_t max_clusters;       /* 0: no limit */
};

/*
 * Appends one violation per failed rule, in order S1, S2, S3, to out (which
 * the caller zeroed). Returns ERR_OK, or the database error that stopped it.
 */
enum err stateful_check(struct db_conn *conn, const char *account, const struct stateful_facts *f,
                        struct verdict *out);

#endif

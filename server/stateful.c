/* create-cluster.md section 6: S1-S3, run by the database writer. */
#include <stdbool.h>
#include <stdio.h>

#include "cidr.h"
#include "stateful.h"
#include "store.h"

struct overlap_probe {
	struct cidr mine;
	char other[64]; /* the first live cluster whose pod CIDR overlaps */
	char other_cidr[32];
};

static bool
overlap_visit(const char *cidr, const char *cluster_id, void *arg)
{
	struct overlap_probe *p = arg;
	struct cidr c;

	if (!cidr_parse(cidr, &c) || !cidr_overlap(&p->mine, &c))
		return true;
	snprintf(p->other, sizeof(p->other), "%s", cluster_id);
	snprintf(p->other_cidr, sizeof(p->other_cidr), "%s", cidr);
	return false;
}

static void
stateful_fail(struct verdict *v, enum err err, const char *parameter, const char *message)
{
	if (v->n >= VALIDATE_MAX_VIOLATIONS)
		return;
	v->v[v->n].err = err;
	snprintf(v->v[v->n].parameter, sizeof(v->v[0].parameter), "%s", parameter);
	snprintf(v->v[v->n].message, sizeof(v->v[0].message), "%s", message);
	v->n++;
}

enum err
stateful_check(struct db_conn *conn, const char *account, const struct stateful_facts *f,
               struct verdict *out)
{
	struct overlap_probe probe = {0};
	char message[384];
	int64_t live;
	bool taken;
	enum err err;

	/* S1. */
	if ((err = db_cluster_name_live(conn, account, f->name, &taken)) != ERR_OK)
		return err;
	if (taken) {
		snprintf(message, sizeof(message), "cluster name %s already exist in your clusters",
		         f->name);
		stateful_fail(out, ERR_CLUSTER_NAME_EXISTS, "name", message);
	}
	/* S2: only a given VPC can hold other clusters; an auto-created one is new. */
	if (f->vpcid != NULL && f->container_cidr != NULL &&
	    cidr_parse(f->container_cidr, &probe.mine)) {
		if ((err = db_cluster_vpc_cidrs(conn, account, f->vpcid, overlap_visit, &probe)) !=
		    ERR_OK)
			return err;
		if (probe.other[0] != '\0') {
			snprintf(
			    message, sizeof(message),
			    "container_cidr %s overlaps container_cidr %s of cluster %s in VPC %s",
			    f->container_cidr, probe.other_cidr, probe.other, f->vpcid);
			stateful_fail(out, ERR_INVALID_CIDR, "container_cidr", message);
		}
	}
	/* S3. */
	if (f->max_clusters > 0) {
		if ((err = db_cluster_count_live(conn, account, &live)) != ERR_OK)
			return err;
		if (live >= f->max_clusters) {
			snprintf(message, sizeof(message),
			         "the account already has %lld live clusters, the quota "
			         "(--max-clusters)",
			         (long long)live);
			stateful_fail(out, ERR_QUOTA_CLUSTER, "name", message);
		}
	}
	return ERR_OK;
}

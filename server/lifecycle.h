/*
 * The lifecycle of clusters and tasks over virtual time (lifecycle.md
 * sections 2 and 3). Pure: no HTTP, no database.
 *
 * A task is decided completely when it is created: its plan (the stages
 * with their durations, the timeout, whether a failure rolls back, an
 * injected fault) is stored with it, and everything a client can see at a
 * virtual instant (state, current stage, stage list, events, when the nodes
 * and the load balancer exist, when the cluster turns running) is computed
 * from that plan and the task's creation time. Nothing advances in the
 * background, so a restart or a crash cannot lose or repeat a step.
 */
#ifndef ACKMOCK_LIFECYCLE_H
#define ACKMOCK_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;

/* A time that never comes: the end of a span that never ends, a resource never created. */
#define LIFECYCLE_NEVER INT64_MAX

enum cluster_state {
	CLUSTER_INITIAL,
	CLUSTER_RUNNING,
	CLUSTER_FAILED,
	CLUSTER_DELETING,
	CLUSTER_DELETED,
	CLUSTER__COUNT
};

enum task_state {
	TASK_RUNNING,
	TASK_SUCCESS,
	TASK_FAILED,
	TASK__COUNT
};

enum task_type {
	TASK_CREATE,
	TASK_DELETE,
	TASK_MODIFY,
	TASK_TYPE__COUNT
};

enum stage {
	STAGE_PREPARE_RESOURCES,
	STAGE_CREATE_NETWORK,
	STAGE_CREATE_CONTROL_PLANE,
	STAGE_CREATE_WORKER_NODES,
	STAGE_INSTALL_ADDONS,
	STAGE_CHECK_CLUSTER_HEALTH,
	STAGE_ROLLBACK,
	STAGE_DELETE_WORKER_NODES,
	STAGE_DELETE_CONTROL_PLANE,
	STAGE_DELETE_NETWORK,
	STAGE_MODIFY_CLUSTER,
	STAGE__COUNT
};

/* One row of the stage table. */
struct stage_def {
	const char *name;
	enum task_type type;
	int64_t base_s;		/* virtual seconds */
	int64_t per_node_s;	/* plus this many per node */
	const char *done;	/* the stage's message once it succeeded */
};

/* The wire names, indexed by the enums; the schema's CHECK lists name the same (a unit test checks). */
extern const char *const lifecycle_cluster_states[CLUSTER__COUNT];
extern const char *const lifecycle_task_states[TASK__COUNT];
extern const char *const lifecycle_task_types[TASK_TYPE__COUNT];

/* The stage table's row of s (s must be below STAGE__COUNT). */
const struct stage_def *lifecycle_stage(enum stage s);

/* The stage named name, or STAGE__COUNT. */
enum stage lifecycle_stage_find(const char *name);

/* The state named name, or CLUSTER__COUNT / TASK__COUNT. */
enum cluster_state lifecycle_cluster_state_find(const char *name);
enum task_state lifecycle_task_state_find(const char *name);

#define LIFECYCLE_MAX_STAGES 8
#define LIFECYCLE_MAX_ADDONS 32

/* A failure injected into a task: its stage fails when it would have ended. */
struct lifecycle_fault {
	char stage[48];
	char code[64];
	char message[256];
};

struct lifecycle_plan {
	enum task_type type;
	int nodes;		/* create: nodes to make; delete: nodes to remove */
	size_t nstages;
	struct {
		enum stage stage;
		int64_t ms;
	} stages[LIFECYCLE_MAX_STAGES];
	int timeout_mins;	/* 0: no timeout */
	bool rollback;		/* a failure is followed by the Rollback stage */
	int64_t rollback_ms;
	bool has_fault;
	struct lifecycle_fault fault;
	size_t naddons;
	char addons[LIFECYCLE_MAX_ADDONS][64];
};

/* One stage as it runs: the last one may be Rollback. */
struct lifecycle_span {
	enum stage stage;
	int64_t start_ms;
	int64_t end_ms;
	bool failed;
};

/* A plan laid out from its task's creation time. */
struct lifecycle_timeline {
	enum task_type type;
	int64_t created_ms;
	size_t nspans;
	struct lifecycle_span spans[LIFECYCLE_MAX_STAGES + 1];
	enum task_state outcome;	/* success or failed */
	int64_t end_ms;			/* when the task settles into outcome */
	char error_code[64];
	char error_message[256];
	/* Resources of a create task (or released by a delete task): [from, until). */
	int64_t nodes_from_ms, nodes_until_ms;
	int64_t lb_from_ms, lb_until_ms;
};

/*
 * The plan of a cluster_create task for spec (the resolved attributes of
 * create-cluster.md section 4). instant makes every duration 0; fault, when
 * not NULL, fails its stage. Returns false (out untouched) when the fault
 * names a stage the task does not run.
 */
bool lifecycle_plan_create(const struct cJSON *spec, bool instant,
    const struct lifecycle_fault *fault, struct lifecycle_plan *out);

/*
 * The plan of a cluster_delete task removing nodes nodes; keep_network
 * skips DeleteNetwork. Same contract as lifecycle_plan_create.
 */
bool lifecycle_plan_delete(int nodes, bool keep_network, bool instant,
    const struct lifecycle_fault *fault, struct lifecycle_plan *out);

/* The plan of a cluster_modify task: one stage that takes no time. */
void lifecycle_plan_modify(struct lifecycle_plan *out);

/* The plan as JSON text (tasks.plan, clusters.create_task_plan); the caller frees it. NULL when out of memory. */
char *lifecycle_plan_json(const struct lifecycle_plan *p);

/* Parses a stored plan's text; false when it is not a plan this version wrote. */
bool lifecycle_plan_parse(const char *json, struct lifecycle_plan *out);

/* Lays p out from created_ms: every span, the outcome and when resources exist. */
void lifecycle_timeline(const struct lifecycle_plan *p, int64_t created_ms,
    struct lifecycle_timeline *out);

/* The task's state at virtual instant now. */
enum task_state lifecycle_task_state(const struct lifecycle_timeline *tl, int64_t now);

/* The stage running at now, or NULL once the task has settled. */
const char *lifecycle_current_stage(const struct lifecycle_timeline *tl, int64_t now);

/* The last instant at or before now when something of the task changed. */
int64_t lifecycle_task_updated(const struct lifecycle_timeline *tl, int64_t now);

/* The state the cluster settles into when the task settles. */
enum cluster_state lifecycle_cluster_outcome(const struct lifecycle_timeline *tl);

/* A task event (DescribeTaskInfo's events). */
struct lifecycle_event {
	int64_t ms;
	const char *action;
	const char *level;
	const char *reason;
	char message[320];
};

#define LIFECYCLE_MAX_EVENTS (LIFECYCLE_MAX_ADDONS + 2 * LIFECYCLE_MAX_STAGES + 4)

/* Writes the events that happened at or before now, oldest first; returns how many. */
size_t lifecycle_events(const struct lifecycle_plan *p, const struct lifecycle_timeline *tl,
    int64_t now, struct lifecycle_event *out, size_t max);

/*
 * Writes into out (16 bytes) the index-th usable host address of an IPv4
 * CIDR ("10.0.0.0/16"), wrapping around; false when cidr does not parse.
 */
bool lifecycle_cidr_host(const char *cidr, uint64_t index, char out[16]);

#endif

-- The first schema: clusters, their tasks, and the virtual clock.
-- Times are virtual milliseconds since the Unix epoch (lifecycle.md section 1).

CREATE TABLE clock (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	anchor_virtual_ms INTEGER NOT NULL,
	anchor_real_ms INTEGER NOT NULL,
	scale REAL NOT NULL CHECK (scale > 0),
	frozen INTEGER NOT NULL CHECK (frozen IN (0, 1))
) STRICT;

-- seq orders clusters created in the same millisecond: lists are newest first.
CREATE TABLE clusters (
	seq INTEGER PRIMARY KEY,
	cluster_id TEXT NOT NULL UNIQUE,
	account TEXT NOT NULL,
	name TEXT NOT NULL,
	region_id TEXT NOT NULL,
	cluster_type TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('initial', 'running', 'failed', 'deleting', 'deleted')),
	created_ms INTEGER NOT NULL,
	updated_ms INTEGER NOT NULL,
	-- The resolved attributes (create-cluster.md section 4) as a JSON object; never a secret.
	spec TEXT NOT NULL CHECK (json_valid(spec)),
	-- The pending transition of the current create or delete task (lifecycle.md section 1):
	-- state turns settle_state at virtual instant settle_ms; a write settles it once due.
	settle_state TEXT CHECK (settle_state IN ('initial', 'running', 'failed', 'deleting', 'deleted')),
	settle_ms INTEGER,
	-- When the cluster turns (or turned) running; NULL if its creation fails.
	running_ms INTEGER,
	-- The API server's load balancer, which exists from lb_from_ms until lb_until_ms (NULL: never).
	lb_id TEXT NOT NULL DEFAULT '',
	lb_from_ms INTEGER,
	lb_until_ms INTEGER,
	-- The intranet address of the API server.
	api_ip TEXT NOT NULL DEFAULT ''
) STRICT;

-- state and the settle columns make the index alone answer the count of live clusters.
CREATE INDEX clusters_by_account ON clusters (account, created_ms DESC, seq DESC, state,
	settle_ms, settle_state);
CREATE INDEX clusters_by_name ON clusters (account, name) WHERE state <> 'deleted';
CREATE INDEX clusters_settle ON clusters (settle_ms) WHERE settle_ms IS NOT NULL;

CREATE TABLE tasks (
	seq INTEGER PRIMARY KEY,
	task_id TEXT NOT NULL UNIQUE,
	cluster_id TEXT NOT NULL REFERENCES clusters (cluster_id) ON DELETE CASCADE,
	account TEXT NOT NULL,
	task_type TEXT NOT NULL CHECK (task_type IN ('cluster_create', 'cluster_delete', 'cluster_modify')),
	state TEXT NOT NULL CHECK (state IN ('running', 'success', 'failed')),
	created_ms INTEGER NOT NULL,
	updated_ms INTEGER NOT NULL,
	parameters TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(parameters)),
	-- What the lifecycle needs to replay the task: stage plan, timeout, injected failure.
	plan TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(plan)),
	-- state turns settle_state at virtual instant settle_ms (see clusters).
	settle_state TEXT CHECK (settle_state IN ('running', 'success', 'failed')),
	settle_ms INTEGER
) STRICT;

CREATE INDEX tasks_by_cluster ON tasks (cluster_id, created_ms DESC, seq DESC);
CREATE INDEX tasks_settle ON tasks (settle_ms) WHERE settle_ms IS NOT NULL;

-- Worker nodes, created when a create task's CreateWorkerNodes stage ends (lifecycle.md section 4).
CREATE TABLE nodes (
	seq INTEGER PRIMARY KEY,
	cluster_id TEXT NOT NULL REFERENCES clusters (cluster_id) ON DELETE CASCADE,
	instance_id TEXT NOT NULL UNIQUE,
	instance_type TEXT NOT NULL,
	node_name TEXT NOT NULL,
	ip_address TEXT NOT NULL,
	created_ms INTEGER NOT NULL,
	-- The vSwitch the address came from ("auto:<cluster_id>" for an auto-created VPC).
	vswitch_key TEXT NOT NULL DEFAULT '',
	-- When the node is released (rollback or delete); NULL while it lives.
	deleted_ms INTEGER
) STRICT;

CREATE INDEX nodes_by_cluster ON nodes (cluster_id, seq);
CREATE INDEX nodes_by_vswitch ON nodes (vswitch_key);

-- Signature nonces seen within the skew window (auth.md), pruned past it.
CREATE TABLE nonces (
	access_key_id TEXT NOT NULL,
	nonce TEXT NOT NULL,
	seen_real_ms INTEGER NOT NULL,
	PRIMARY KEY (access_key_id, nonce)
) STRICT, WITHOUT ROWID;

CREATE INDEX nonces_by_time ON nonces (seen_real_ms);

-- The request journal (admin.md section 2), a ring of at most --journal-max rows.
CREATE TABLE journal (
	seq INTEGER PRIMARY KEY,
	real_ms INTEGER NOT NULL,
	request_id TEXT NOT NULL,
	account TEXT NOT NULL,
	method TEXT NOT NULL,
	path TEXT NOT NULL,
	operation TEXT NOT NULL,
	status INTEGER NOT NULL,
	error_code TEXT NOT NULL DEFAULT '',
	duration_ms REAL NOT NULL,
	body TEXT NOT NULL DEFAULT '',	-- the request body, secrets redacted
	headers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(headers))	-- signature cut
) STRICT;

-- No secondary index: a query scans at most --journal-max rows newest first (about 25 ms at
-- 10,000), while every index would cost each batched insert and each eviction.

-- Fault rules (admin.md section 3); rule is the rule's JSON as posted.
CREATE TABLE faults (
	seq INTEGER PRIMARY KEY,
	rule TEXT NOT NULL CHECK (json_valid(rule)),
	remaining INTEGER,	-- NULL: unlimited
	fired INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The world (lifecycle.md section 6).
CREATE TABLE world_vpcs (
	id TEXT PRIMARY KEY,
	region_id TEXT NOT NULL,
	cidr TEXT NOT NULL
) STRICT;

CREATE TABLE world_vswitches (
	id TEXT PRIMARY KEY,
	vpc_id TEXT NOT NULL,
	zone_id TEXT NOT NULL,
	cidr TEXT NOT NULL
) STRICT;

CREATE TABLE world_security_groups (
	id TEXT PRIMARY KEY,
	vpc_id TEXT NOT NULL,
	enterprise INTEGER NOT NULL CHECK (enterprise IN (0, 1))
) STRICT;

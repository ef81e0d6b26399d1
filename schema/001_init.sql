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
	spec TEXT NOT NULL CHECK (json_valid(spec))
) STRICT;

CREATE INDEX clusters_by_account ON clusters (account, created_ms DESC, seq DESC);
CREATE INDEX clusters_by_name ON clusters (account, name) WHERE state <> 'deleted';

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
	plan TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(plan))
) STRICT;

CREATE INDEX tasks_by_cluster ON tasks (cluster_id, created_ms DESC, seq DESC);

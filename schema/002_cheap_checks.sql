-- The same tables, with CHECK constraints that cost a comparison, not a table.
--
-- SQLite evaluates "x IN (a, b, c)" (three or more constants) by building an
-- ephemeral index of the list, and a CHECK is evaluated per row: 001's enum
-- CHECKs built five temporary b-trees per created cluster, a quarter of
-- the writer's time per create (callgrind, issue #7). A chain of "=" tests
-- the same thing with no allocation. json_valid() re-parsed every spec,
-- plan, parameters and journal header document on insert (about 15 % more);
-- those documents are printed by cJSON, never taken from a client as text,
-- so the check is dropped. The tables are rebuilt as SQLite's ALTER TABLE
-- page prescribes (create, copy, drop, rename, index) with foreign keys off
-- (db.c turns them off around the migrations and checks them before commit).

CREATE TABLE clusters_002 (
	seq INTEGER PRIMARY KEY,
	cluster_id TEXT NOT NULL UNIQUE,
	account TEXT NOT NULL,
	name TEXT NOT NULL,
	region_id TEXT NOT NULL,
	cluster_type TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state = 'initial' OR state = 'running' OR state = 'failed' OR
		state = 'deleting' OR state = 'deleted'),
	created_ms INTEGER NOT NULL,
	updated_ms INTEGER NOT NULL,
	-- The resolved attributes (create-cluster.md section 4) as a JSON object; never a secret.
	spec TEXT NOT NULL,
	-- The pending transition of the current create or delete task (lifecycle.md section 1):
	-- state turns settle_state at virtual instant settle_ms; a write settles it once due.
	settle_state TEXT CHECK (settle_state = 'initial' OR settle_state = 'running' OR
		settle_state = 'failed' OR settle_state = 'deleting' OR settle_state = 'deleted'),
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
INSERT INTO clusters_002 SELECT * FROM clusters;
DROP TABLE clusters;
ALTER TABLE clusters_002 RENAME TO clusters;

-- state and the settle columns make the index alone answer the count of live clusters.
CREATE INDEX clusters_by_account ON clusters (account, created_ms DESC, seq DESC, state,
	settle_ms, settle_state);
CREATE INDEX clusters_by_name ON clusters (account, name) WHERE state <> 'deleted';
CREATE INDEX clusters_settle ON clusters (settle_ms) WHERE settle_ms IS NOT NULL;

CREATE TABLE tasks_002 (
	seq INTEGER PRIMARY KEY,
	task_id TEXT NOT NULL UNIQUE,
	cluster_id TEXT NOT NULL REFERENCES clusters (cluster_id) ON DELETE CASCADE,
	account TEXT NOT NULL,
	task_type TEXT NOT NULL CHECK (task_type = 'cluster_create' OR
		task_type = 'cluster_delete' OR task_type = 'cluster_modify'),
	state TEXT NOT NULL CHECK (state = 'running' OR state = 'success' OR state = 'failed'),
	created_ms INTEGER NOT NULL,
	updated_ms INTEGER NOT NULL,
	parameters TEXT NOT NULL DEFAULT '{}',
	-- What the lifecycle needs to replay the task: stage plan, timeout, injected failure.
	plan TEXT NOT NULL DEFAULT '{}',
	-- state turns settle_state at virtual instant settle_ms (see clusters).
	settle_state TEXT CHECK (settle_state = 'running' OR settle_state = 'success' OR
		settle_state = 'failed'),
	settle_ms INTEGER
) STRICT;
INSERT INTO tasks_002 SELECT * FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_002 RENAME TO tasks;

CREATE INDEX tasks_by_cluster ON tasks (cluster_id, created_ms DESC, seq DESC);
CREATE INDEX tasks_settle ON tasks (settle_ms) WHERE settle_ms IS NOT NULL;

-- The request journal (admin.md section 2), a ring of at most --journal-max rows.
CREATE TABLE journal_002 (
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
	headers TEXT NOT NULL DEFAULT '{}'	-- a JSON object, the signature cut
) STRICT;
INSERT INTO journal_002 SELECT * FROM journal;
DROP TABLE journal;
ALTER TABLE journal_002 RENAME TO journal;

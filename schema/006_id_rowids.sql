-- A cluster's and a task's rowid is the stamp at the head of its id (issue #7, seventh round).
--
-- Each index a create writes is an index b-tree, and SQLite has no quick
-- balance for an append to one (only rowid tables get it): every few
-- commits its rightmost leaf is spread over its neighbours, about 1.8 WAL
-- pages per index per commit. The UNIQUE indexes on cluster_id and task_id
-- were two of a create's five. An id's first 12 hex digits are a stamp
-- unique among the ids ackmock gives out (server/ids.c), so the stamp is
-- the row's rowid: a lookup reads id_seq(id) as the rowid and checks the
-- whole id, and cluster_id is unique because its rowid is. id_seq() is
-- the daemon's SQL function (db/idkeys.c); a plain sqlite3 shell can read
-- these tables but not look a row up that way.
--
-- Foreign keys must name a primary key or a UNIQUE column, so tasks and
-- nodes refer to their cluster by its rowid (cluster_seq) and keep
-- cluster_id to print. tasks_by_cluster and nodes_by_cluster are keyed on
-- that integer.
--
-- Ids older than the stamps (random throughout), or given out by a daemon
-- restarted while its stamps ran ahead of the clock under load, may share
-- a stamp. The oldest row of each stamp keeps it; the others take the next
-- free rowids and are listed in displaced_ids, which id_seq() consults.
-- The daemon never displaces an id it makes now: it starts its stamps past
-- every rowid in use (db_stamp_floor).

CREATE TABLE displaced_ids (
	id TEXT PRIMARY KEY,	-- a cluster or task id
	seq INTEGER NOT NULL	-- its row's rowid
) STRICT, WITHOUT ROWID;

CREATE TABLE clusters_006 (
	seq INTEGER PRIMARY KEY,	-- id_seq(cluster_id)
	cluster_id TEXT NOT NULL,
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
	-- state turns settle_state at virtual instant settle_ms.
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
CREATE TEMP VIEW clusters_by_stamp AS SELECT *, id_seq(cluster_id) AS stamp,
	row_number() OVER (PARTITION BY id_seq(cluster_id) ORDER BY seq) AS nth FROM clusters;
INSERT INTO clusters_006 SELECT stamp, cluster_id, account, name, region_id, cluster_type,
	state, created_ms, updated_ms, spec, settle_state, settle_ms, running_ms, lb_id,
	lb_from_ms, lb_until_ms, api_ip FROM clusters_by_stamp WHERE stamp IS NOT NULL AND nth = 1;
INSERT INTO clusters_006 SELECT NULL, cluster_id, account, name, region_id, cluster_type,
	state, created_ms, updated_ms, spec, settle_state, settle_ms, running_ms, lb_id,
	lb_from_ms, lb_until_ms, api_ip FROM clusters_by_stamp WHERE stamp IS NULL OR nth > 1
	ORDER BY seq;
INSERT INTO displaced_ids SELECT cluster_id, seq FROM clusters_006
	WHERE seq IS NOT id_seq(cluster_id);
DROP VIEW clusters_by_stamp;

CREATE TABLE tasks_006 (
	seq INTEGER PRIMARY KEY,	-- id_seq(task_id)
	task_id TEXT NOT NULL,
	cluster_seq INTEGER NOT NULL REFERENCES clusters ON DELETE CASCADE,
	cluster_id TEXT NOT NULL,
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
CREATE TEMP VIEW tasks_by_stamp AS SELECT *, id_seq(task_id) AS stamp,
	row_number() OVER (PARTITION BY id_seq(task_id) ORDER BY seq) AS nth,
	coalesce((SELECT d.seq FROM displaced_ids d WHERE d.id = cluster_id), id_seq(cluster_id))
		AS cluster_seq FROM tasks;
INSERT INTO tasks_006 SELECT stamp, task_id, cluster_seq, cluster_id, account, task_type, state,
	created_ms, updated_ms, parameters, plan, settle_state, settle_ms FROM tasks_by_stamp
	WHERE stamp IS NOT NULL AND nth = 1;
INSERT INTO tasks_006 SELECT NULL, task_id, cluster_seq, cluster_id, account, task_type, state,
	created_ms, updated_ms, parameters, plan, settle_state, settle_ms FROM tasks_by_stamp
	WHERE stamp IS NULL OR nth > 1 ORDER BY seq;
INSERT INTO displaced_ids SELECT task_id, seq FROM tasks_006 WHERE seq IS NOT id_seq(task_id);
DROP VIEW tasks_by_stamp;

CREATE TABLE nodes_006 (
	seq INTEGER PRIMARY KEY,
	cluster_seq INTEGER NOT NULL REFERENCES clusters ON DELETE CASCADE,
	cluster_id TEXT NOT NULL,
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
INSERT INTO nodes_006 SELECT seq,
	coalesce((SELECT d.seq FROM displaced_ids d WHERE d.id = cluster_id), id_seq(cluster_id)),
	cluster_id, instance_id, instance_type, node_name, ip_address, created_ms, vswitch_key,
	deleted_ms FROM nodes;

DROP TABLE nodes;
DROP TABLE tasks;
DROP TABLE clusters;
ALTER TABLE clusters_006 RENAME TO clusters;
ALTER TABLE tasks_006 RENAME TO tasks;
ALTER TABLE nodes_006 RENAME TO nodes;

-- As 003 and 004 left them, the per-cluster ones keyed on the rowid.
CREATE INDEX clusters_by_account ON clusters (account, created_ms, seq, state, settle_ms,
	settle_state);
CREATE INDEX clusters_by_name ON clusters (account, name);
CREATE INDEX clusters_deleting ON clusters (settle_ms) WHERE settle_state = 'deleted';
CREATE INDEX tasks_by_cluster ON tasks (cluster_seq, created_ms, seq);
CREATE INDEX nodes_by_cluster ON nodes (cluster_seq, seq);
CREATE INDEX nodes_by_vswitch ON nodes (vswitch_key);

-- A cluster's create task is stored in the cluster's row (issue #7, eighth round).
--
-- Every cluster has exactly one create task, made in the same transaction
-- and never changed afterwards: its plan, its outcome and when it settles
-- are all fixed when the cluster is created (lifecycle.md section 1). As a
-- row of tasks it was a second b-tree and a second index written by every
-- create, and a build that skipped that insert ran 18 % more creates a
-- second. So a create task now lives in these columns. Its id shares its
-- cluster's stamp (server/ids.c, ids_create_task), so id_seq(task_id) is
-- the cluster's rowid and a lookup by task id reads one row, as before.
--
-- create_task_plan is packed as clusters.spec is (db/specpack.h: 370 bytes
-- to 116); spec_json() reads it. The task is read as a row of tasks would
-- be (db/tasks.c): task_type 'cluster_create', state 'running', created_ms
-- and updated_ms the cluster's created_ms, parameters '{}', and
-- settle_state/settle_ms from create_task_outcome/create_task_end_ms. Its
-- state at an instant is then the lazy rule of schema 004: the outcome
-- once the end is past.
--
-- Clusters created before this migration keep create_task_id NULL: their
-- create tasks stay rows of tasks, and are read from there. Tasks that
-- come later (delete, modify) are rows of tasks as before.

ALTER TABLE clusters ADD COLUMN create_task_id TEXT;
ALTER TABLE clusters ADD COLUMN create_task_plan TEXT;
ALTER TABLE clusters ADD COLUMN create_task_outcome TEXT
	CHECK (create_task_outcome = 'success' OR create_task_outcome = 'failed');
ALTER TABLE clusters ADD COLUMN create_task_end_ms INTEGER;

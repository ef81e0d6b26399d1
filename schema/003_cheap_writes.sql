-- Fewer pages written per create (issue #7): each b-tree a commit touches
-- costs at least one WAL frame (a 4 KiB page), written again by the checkpoint.
--
-- clusters_by_account was declared (created_ms DESC, seq DESC), so each new
-- cluster went to the index's leftmost leaf. SQLite balances an insert at
-- the right end of a b-tree by starting a new page, and one elsewhere by
-- spreading the full leaf over its siblings: three leaves and their parent
-- rewritten, and leaves left half empty. Ascending, new entries append at
-- the right; the lists' ORDER BY created_ms DESC, seq DESC reads the index
-- backwards (EXPLAIN QUERY PLAN: no temporary b-tree). tasks_by_cluster is
-- made ascending likewise.
--
-- clusters_by_name was partial (WHERE state <> 'deleted'). A settle changes
-- state, and SQLite rewrites the entry of every index whose WHERE names a
-- changed column: each settled cluster deleted and reinserted its name
-- entry. Whole, the index is untouched by a settle; the name check reads
-- state from the row it found through the index, and deleted clusters'
-- names stay in it until a reset removes their rows.

DROP INDEX clusters_by_account;
CREATE INDEX clusters_by_account ON clusters (account, created_ms, seq, state, settle_ms,
	settle_state);

DROP INDEX clusters_by_name;
CREATE INDEX clusters_by_name ON clusters (account, name);

DROP INDEX tasks_by_cluster;
CREATE INDEX tasks_by_cluster ON tasks (cluster_id, created_ms, seq);

-- A task's pending transition is its cluster's (a create or delete task
-- settles when its cluster's transition does; a modify task is done at
-- once): the settle finds due tasks through clusters_settle and
-- tasks_by_cluster (db/clusters.c), and tasks_settle, one more b-tree
-- written by every create and every settle, goes.
DROP INDEX tasks_settle;

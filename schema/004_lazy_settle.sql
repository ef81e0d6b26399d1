-- Only a cluster's turn to deleted is written back when it comes due (issue #7, fifth round).
--
-- Every read computes a cluster's and a task's state at its instant from the
-- stored state and the pending transition (settle_state at settle_ms), so
-- writing a transition back changes nothing anyone sees. Writes depend on
-- one thing only: whether a cluster is deleted (its name and pod CIDR are
-- free again, it no longer counts against --max-clusters), and they read
-- that from the stored state. So the settle before each batch writes back
-- just the transitions to deleted; a create's turn to running (or failed)
-- stays pending in its row. Writing it back rewrote each cluster's ~1.6 KiB
-- row a few seconds after its create, and read the page back from the
-- file first: about a quarter of the writer's work per create.
--
-- clusters_settle held every pending transition; the settle now looks only
-- for deletions that have come due.

DROP INDEX clusters_settle;
CREATE INDEX clusters_deleting ON clusters (settle_ms) WHERE settle_state = 'deleted';

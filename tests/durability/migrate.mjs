// Migrations keep what a database holds. A schema-1 database (schema/001_init.sql,
// as the first release wrote it) and a schema-2 one (001 and 002) are filled with
// the rows a daemon made, and a daemon started on each migrates it to the current
// version. Then:
//   - every cluster, task and node answers as it did before the migration
//     (same JSON, on a frozen clock), and the journal keeps its entries;
//   - PRAGMA integrity_check is ok, no foreign key is broken, and deleting a
//     cluster still cascades to its tasks and nodes (002 rebuilt those tables);
//   - the rebuilt CHECKs still refuse a state the lifecycle does not know;
//   - the indexes are 003's and 004's (ascending lists, a whole name index, no tasks_settle,
//     a partial index of the pending deletions instead of every pending transition);
//   - the migrated schema is exactly the one a new database is given in one step;
//   - rows are keyed on their ids' stamps (006): a legacy cluster and task whose ids share
//     a stamp with others are displaced and still answer, and a cluster stamped an hour
//     ahead of the clock (a daemon that ran ahead under load) makes new ids stamp past it;
//   - create tasks made before 007 stay rows of tasks and still answer; a new one is stored
//     in its cluster's row (007) and answers the same way.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDaemon, run } from '../lib/daemon.mjs';
import { request, clusterBody } from '../lib/admin.mjs';

const [bin] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const V1 = readFileSync(join(root, 'schema', '001_init.sql'), 'utf8');
const V2 = readFileSync(join(root, 'schema', '002_cheap_checks.sql'), 'utf8');

// The columns of schemas 1 to 5, which 006 rebuilt.
// Specs were JSON text before 006's round packed them (db/specpack.h).
const CLUSTER_COLUMNS = 'seq, cluster_id, account, name, region_id, cluster_type, state, created_ms,'
  + ' updated_ms, spec_json(spec), settle_state, settle_ms, running_ms, lb_id, lb_from_ms, lb_until_ms, api_ip';
const TASK_COLUMNS = 'seq, task_id, cluster_id, account, task_type, state, created_ms, updated_ms,'
  + ' parameters, plan, settle_state, settle_ms';
// The tasks of the daemon's database as rows of the old tasks table: since 007 a create task
// is stored in its cluster's row, which older schemas did not have.
const M_TASKS = `(SELECT ${TASK_COLUMNS} FROM m.tasks UNION ALL
  SELECT seq, create_task_id, cluster_id, account, 'cluster_create', 'running', created_ms, created_ms,
  '{}', spec_json(create_task_plan), create_task_outcome, create_task_end_ms FROM m.clusters
  WHERE create_task_id IS NOT NULL)`;
const NODE_COLUMNS = 'seq, cluster_id, instance_id, instance_type, node_name, ip_address, created_ms,'
  + ' vswitch_key, deleted_ms';

// Legacy clusters, copies of the first one with a task and a node each, whose ids 006 must
// key: 'same' shares its stamp (and its task's) with the first cluster, 'random' has an id
// from before the stamps (its first 12 digits anything), and 'ahead' is stamped an hour
// ahead of the clock.
const AHEAD_STAMP = Date.now() + 3600 * 1000;
function legacyIds(ids) {
  const hex = (n, w) => n.toString(16).padStart(w, '0');
  const [c, t] = [ids[0].cluster_id, ids[0].task_id];
  return {
    same: [c.slice(0, 13) + 'f'.repeat(20), t.slice(0, 14) + 'f'.repeat(12)],
    random: ['c9d3b7a1e5f20c4d8b6a9e1f3c5d7b9a2', 'T-9d3b7a1e5f20c4d8b6a9e1f3'],
    ahead: ['c' + hex(AHEAD_STAMP, 12) + '0'.repeat(20), 'T-' + hex(AHEAD_STAMP, 12) + '0'.repeat(12)],
  };
}
function legacyRows(ids) {
  const first = ids[0].cluster_id;
  return Object.entries(legacyIds(ids)).map(([name, [c, t]], k) => `
INSERT INTO clusters SELECT (SELECT max(seq) FROM clusters) + 1, '${c}', account, 'legacy-${name}',
  region_id, cluster_type, state, created_ms, updated_ms, spec_json(spec), settle_state, settle_ms, running_ms,
  lb_id, lb_from_ms, lb_until_ms, api_ip FROM m.clusters WHERE cluster_id = '${first}';
INSERT INTO tasks SELECT (SELECT max(seq) FROM tasks) + 1, '${t}', '${c}', account, task_type, state,
  created_ms, updated_ms, parameters, plan, settle_state, settle_ms FROM ${M_TASKS}
  WHERE cluster_id = '${first}' AND task_type = 'cluster_create';
INSERT INTO nodes SELECT (SELECT max(seq) FROM nodes) + 1, '${c}', 'i-legacy${k}', instance_type,
  node_name, ip_address, created_ms, vswitch_key, deleted_ms FROM m.nodes
  WHERE cluster_id = '${first}' LIMIT 1;`).join('\n');
}

// The shell with the daemon's SQL functions (db/sqlite_ext.c), built beside the daemon.
const EXTENSION = join(dirname(bin), '..', 'db', 'ackmock_sqlite');

function sql(db, query) {
  return execFileSync('sqlite3', ['-cmd', `.load ${EXTENSION}`, db], { input: query, encoding: 'utf8' }).trim();
}

// What a client sees of a cluster: the cluster, its task, its nodes (request ids aside).
async function snapshot(daemon, ids) {
  const out = {};
  for (const { cluster_id: c, task_id: t } of ids) {
    const strip = (j) => { if (j) { delete j.request_id; delete j.requestId; } return j; };
    out[c] = {
      cluster: strip((await request(daemon, 'GET', `/clusters/${c}`)).json),
      task: strip((await request(daemon, 'GET', `/tasks/${t}`)).json),
      nodes: strip((await request(daemon, 'GET', `/clusters/${c}/nodes`)).json),
    };
  }
  return out;
}

await run(async (tap) => {
  const dir = mkdtempSync(join(tmpdir(), 'ackmock-migrate.'));
  const made = join(dir, 'made.db');
  try {
    // Rows as the daemon writes them: three running clusters with nodes, and one being created.
    let daemon = await startDaemon(bin, ['--db', made]);
    let before;
    const ids = [];
    try {
      for (const name of ['mig-a', 'mig-b', 'mig-c']) {
        const r = await request(daemon, 'POST', '/clusters', clusterBody(name, {
          num_of_nodes: 2, worker_instance_types: ['ecs.g6.large'], login_password: 'Hello1234!',
        }));
        tap.equal(r.status, 200, `create ${name}`);
        ids.push(r.json);
      }
      // Past every stage: the next write settles the clusters running, with their nodes.
      await request(daemon, 'POST', '/_mock/clock', { advance_seconds: 3600 });
      tap.equal((await request(daemon, 'POST', '/clusters', clusterBody('mig-settle'))).status, 200,
        'a create settles the others');
      await request(daemon, 'POST', '/_mock/clock', { frozen: true });
      before = await snapshot(daemon, ids);
    } finally {
      tap.equal(await daemon.stop(), 0, 'the daemon that made the rows stops');
    }
    const nodesBefore = Number(sql(made, 'SELECT count(*) FROM nodes'));
    // The old schemas' journal: a row per entry, which migration 005 packs into chunks.
    const journalBefore = 40;
    tap.ok(nodesBefore > 0, `the running clusters have nodes (${nodesBefore})`);

    // The same rows in a database of each older schema.
    for (const [version, schema] of [[1, V1], [2, `${V1}\n${V2}`]]) {
      const old = join(dir, `v${version}.db`);
      sql(old, `${schema}
PRAGMA user_version=${version};
ATTACH '${made}' AS m;
INSERT INTO clock SELECT * FROM m.clock;
INSERT INTO clusters SELECT ${CLUSTER_COLUMNS} FROM m.clusters;
INSERT INTO tasks SELECT * FROM ${M_TASKS};
INSERT INTO nodes SELECT ${NODE_COLUMNS} FROM m.nodes;
${legacyRows(ids)}
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${journalBefore})
INSERT INTO journal (seq, real_ms, request_id, account, method, path, operation, status, duration_ms, body)
SELECT 2 * i, 1700000000000 + i, printf('old-%d', i), 'default', 'POST', '/clusters', 'CreateCluster', 200, 0.5,
       printf('{"name":"old-%d"}', i) FROM n;
DETACH m;`);
      tap.equal(sql(old, 'PRAGMA user_version'), String(version), `the old database is at schema ${version}`);

      daemon = await startDaemon(bin, ['--db', old]);
      try {
        const after = await snapshot(daemon, ids);
        tap.equal(after, before, 'every cluster, task and node answers as before the migration');
        const del = await request(daemon, 'DELETE', `/clusters/${ids[2].cluster_id}`);
        tap.equal(del.status, 202, 'a migrated cluster can be deleted');
        const r = await request(daemon, 'POST', '/clusters', clusterBody('mig-d'));
        tap.equal(r.status, 200, 'a create after the migration succeeds');
        const stamps = [parseInt(r.json.cluster_id.slice(1, 13), 16), parseInt(r.json.task_id.slice(2, 14), 16)];
        tap.ok(stamps.every((x) => x > AHEAD_STAMP && x < AHEAD_STAMP + 60000),
          'its ids stamp just past the legacy cluster stamped an hour ahead, not the random legacy id');
        const created = await request(daemon, 'GET', `/tasks/${r.json.task_id}`);
        const listed = await request(daemon, 'GET', `/clusters/${r.json.cluster_id}/tasks`);
        tap.equal([created.status, created.json.task_type, created.json.state, listed.json.tasks.map((x) => x.task_id)],
          [200, 'cluster_create', 'running', [r.json.task_id]],
          'its create task answers and is listed (stored in the cluster row, schema 007)');
        for (const [name, [c, t]] of Object.entries(legacyIds(ids))) {
          const cl = await request(daemon, 'GET', `/clusters/${c}`);
          const tk = await request(daemon, 'GET', `/tasks/${t}`);
          const nodes = await request(daemon, 'GET', `/clusters/${c}/nodes`);
          tap.equal([cl.status, cl.json.cluster_id, cl.json.name, tk.status, tk.json.task_id,
            tk.json.cluster_id, nodes.json.nodes.map((n) => n.instance_id)],
          [200, c, `legacy-${name}`, 200, t, c, [`i-legacy${Object.keys(legacyIds(ids)).indexOf(name)}`]],
          `the legacy '${name}' cluster, its task and its node answer`);
          const list = await request(daemon, 'GET', `/clusters/${c}/tasks`);
          tap.equal([list.status, list.json.tasks.map((x) => x.task_id)], [200, [t]],
            `the '${name}' cluster lists its task`);
        }
        const j = await request(daemon, 'GET', '/_mock/requests?limit=1000');
        const adopted = j.json.requests.filter((e) => e.request_id.startsWith('old-'));
        tap.equal(adopted.map((e) => [e.seq, e.request_body.name]),
          Array.from({ length: journalBefore }, (_, k) => [2 * (journalBefore - k), `old-${journalBefore - k}`]),
          'the old journal rows are listed newest first, with their seq and bodies');
        tap.ok(j.json.requests[0].seq > 2 * journalBefore, 'new entries are numbered after them');
      } finally {
        tap.equal(await daemon.stop(), 0, 'the migrating daemon stops');
      }
      tap.ok(Number(sql(old, 'PRAGMA user_version')) >= 5, `the schema-${version} database is migrated`);
      tap.equal(sql(old, "SELECT group_concat(name || ':' || (sql LIKE '%DESC%') || (sql LIKE '%WHERE%'), ' ')"
        + " FROM (SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
        + " AND tbl_name IN ('clusters', 'tasks') ORDER BY name)"),
        'clusters_by_account:00 clusters_by_name:00 clusters_deleting:01 tasks_by_cluster:00',
        'the indexes are ascending, the name index whole, tasks_settle gone, and only deletions indexed');
      const schemaOf = (db) => sql(db, 'SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name');
      tap.equal(schemaOf(old), schemaOf(made),
        'its schema is the one a new database is given in one step (schema_current)');
      tap.equal(sql(old, "SELECT count(*) FROM clusters WHERE create_task_id IS NOT NULL AND name = 'mig-d'"
        + " AND NOT EXISTS (SELECT 1 FROM tasks WHERE task_id = create_task_id)"), '1',
        'the new create task is in its cluster row, not in tasks; the migrated ones stay rows of tasks');
      tap.equal(sql(old, 'PRAGMA integrity_check'), 'ok', 'integrity_check is ok');
      tap.equal(sql(old, 'PRAGMA foreign_key_check'), '', 'no foreign key is broken');
      const same = legacyIds(ids).same;
      tap.equal(sql(old, 'SELECT group_concat(id) FROM (SELECT id FROM displaced_ids ORDER BY id)'),
        `${same[1]},${same[0]}`, 'the cluster and the task that shared a stamp are the displaced ones');
      tap.equal(Number(sql(old, 'SELECT sum(count) FROM journal_chunks')), journalBefore + 3 * 3 + 2 + 2 + 4 * Object.keys(legacyIds(ids)).length,
        'the journal kept its entries and goes on');
      tap.equal(sql(old, "SELECT count(*) FROM sqlite_schema WHERE name = 'journal'"), '0',
        'the old journal table is gone');
      const a = ids[0].cluster_id;
      tap.equal(sql(old, `PRAGMA foreign_keys=ON; DELETE FROM clusters WHERE cluster_id='${a}';
SELECT (SELECT count(*) FROM tasks WHERE cluster_id='${a}') || ',' ||
         (SELECT count(*) FROM nodes WHERE cluster_id='${a}');`), '0,0',
      'deleting a cluster still cascades to its tasks and nodes');
      let refused = false;
      try {
        sql(old, `UPDATE clusters SET state='exploded' WHERE cluster_id='${ids[1].cluster_id}'`);
      } catch {
        refused = true;
      }
      tap.ok(refused, 'the rebuilt CHECK refuses a state the lifecycle does not know');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

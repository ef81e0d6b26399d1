// POST /_mock/reset answers in milliseconds with 10,000 clusters: a database
// at schema 4 is filled with sqlite3 (10,000 clusters and tasks, 20,000
// nodes, 10,000 journal rows, 1,000 nonces), migrated by the daemon (the
// journal packed into chunks, the rows keyed on their ids) and reset over HTTP.
// The clock row survives. The bound (500 ms; 1500 ms under sanitizers) is
// generous; the real number is printed in the test name.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDaemon, run } from '../lib/daemon.mjs';
import { request } from '../lib/admin.mjs';

const [bin] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const N = 10000;
// Sanitizers slow SQLite's CPU work two to three times (scripts/test sets ASAN_OPTIONS).
const BOUND_MS = process.env.ASAN_OPTIONS ? 1500 : 500;

// A database at schema 4, built from the schema files: the next start migrates it
// (005 packs the journal, 006 keys the rows on their ids' stamps). The ids are as
// the daemon makes them, a millisecond stamp and random digits.
const SCHEMA_4 = ['001_init.sql', '002_cheap_checks.sql', '003_cheap_writes.sql', '004_lazy_settle.sql']
  .map((f) => readFileSync(join(root, 'schema', f), 'utf8')).join('\n');
const FILL = `
BEGIN;
${SCHEMA_4}
INSERT INTO clock (id, anchor_virtual_ms, anchor_real_ms, scale, frozen) VALUES (1, 1700000000000, 1700000000000, 60, 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${N})
INSERT INTO clusters (cluster_id, account, name, region_id, cluster_type, state, created_ms, updated_ms, spec)
SELECT printf('c%012x%020x', 1700000000000 + i, i * 7919), CASE WHEN i % 2 THEN 'default' ELSE 'other' END,
       'bulk-' || i, 'cn-hangzhou', 'ManagedKubernetes', 'running', 1700000000000 + i, 1700000000000 + i, '{}' FROM n;
INSERT INTO tasks (task_id, cluster_id, account, task_type, state, created_ms, updated_ms)
SELECT printf('T-%012x%012x', 1700000000000 + ${N} + seq, seq * 7919), cluster_id, account, 'cluster_create', 'success',
       created_ms, updated_ms FROM clusters;
INSERT INTO nodes (cluster_id, instance_id, instance_type, node_name, ip_address, created_ms)
SELECT cluster_id, printf('i-%020x', seq * 2 + k), 'ecs.g7.large', 'node', '10.0.0.1', created_ms
FROM clusters, (SELECT 0 AS k UNION ALL SELECT 1);
-- The journal as schema 4 kept it, a row per entry: the next start packs it (migration 005).
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${N})
INSERT INTO journal (real_ms, request_id, account, method, path, operation, status, duration_ms)
SELECT 1700000000000 + i, printf('%08d', i), 'default', 'GET', '/', 'DescribeClusterDetail', 200, 0.1 FROM n;
PRAGMA user_version = 4;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO nonces (access_key_id, nonce, seen_real_ms) SELECT 'testid', 'n' || i, 1700000000000 FROM n;
COMMIT;`;

await run(async (tap) => {
  const dir = mkdtempSync(join(tmpdir(), 'ackmock-reset-'));
  const db = join(dir, 'reset.db');
  try {
    execFileSync('sqlite3', [db], { input: FILL });
    const clockBefore = execFileSync('sqlite3', [db, 'SELECT anchor_virtual_ms, scale FROM clock']).toString().trim();

    // Room for the migrated entries and the one GET below: the reset deletes all N + 1.
    const daemon = await startDaemon(bin, ['--db', db, '--journal-max', String(2 * N)]);
    try {
      // Warm up: Node loads its HTTP client on the first fetch, which is not the daemon's time.
      await request(daemon, 'GET', '/_mock/health');
      const j = await request(daemon, 'GET', '/_mock/requests?limit=2');
      tap.equal(j.json.requests.map((e) => [e.seq, e.request_id, e.operation]),
        [[N, String(N).padStart(8, '0'), 'DescribeClusterDetail'],
          [N - 1, String(N - 1).padStart(8, '0'), 'DescribeClusterDetail']],
        'the journal rows of schema 4 were packed with their seq and fields');
      // The first cluster the fill made, found through its stamp after the migration.
      const first = `c${(1700000000001).toString(16).padStart(12, '0')}${(7919).toString(16).padStart(20, '0')}`;
      tap.equal((await request(daemon, 'GET', `/clusters/${first}`)).json.name, 'bulk-1',
        'a migrated cluster is found by its id');
      const t0 = process.hrtime.bigint();
      const r = await request(daemon, 'POST', '/_mock/reset');
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      tap.equal(r.status, 200, 'reset answers 200');
      tap.equal(r.json.deleted, { clusters: N, tasks: N, nodes: 2 * N, journal: N + 1, faults: 0, nonces: 1000 },
        'every row is deleted and counted');
      tap.ok(wallMs < BOUND_MS, `reset of ${N} clusters took ${wallMs.toFixed(1)} ms over HTTP (server: ${r.json.duration_ms.toFixed(1)} ms; bound ${BOUND_MS} ms)`);
      const m = await request(daemon, 'GET', '/_mock/metrics');
      tap.ok(!/^ackmock_clusters\{/m.test(m.text), 'no cluster gauge samples remain');
      const c = await request(daemon, 'GET', `/clusters/${first}`);
      tap.equal(c.status, 404, 'a former cluster is 404');
    } finally {
      tap.equal(await daemon.stop(), 0, 'second run stops');
    }
    const counts = execFileSync('sqlite3', [db, "SELECT (SELECT count(*) FROM clusters) || ',' || (SELECT count(*) FROM clock)"]).toString().trim();
    tap.equal(counts, '0,1', 'the database has no clusters and still has its clock');
    const clockAfter = execFileSync('sqlite3', [db, 'SELECT anchor_virtual_ms, scale FROM clock']).toString().trim();
    tap.ok(clockAfter.length > 0 && clockBefore.length > 0, `the clock is kept (${clockBefore} -> ${clockAfter})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

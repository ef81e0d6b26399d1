// Durability under load: 8 clients create clusters while the daemon is
// killed with SIGKILL at a random moment, 20 times over, each time restarted
// on the same file database. After each kill:
//   - PRAGMA integrity_check is ok (sqlite3 CLI, which also recovers the WAL);
//   - every create that was answered 200 is there (GET /clusters/{id} 200);
//   - the clusters in the database number at most the acknowledged ones plus
//     those whose request was in flight at the kill (a create can commit and
//     be killed before its answer is sent) and at least the acknowledged ones.
// The seed of the random kill times is printed, and taken from ACKMOCK_SEED_KILL.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, run } from '../lib/daemon.mjs';

const [bin] = process.argv.slice(2);
const ROUNDS = 20;
const CLIENTS = 8;

// A small seeded PRNG (mulberry32), so a failing run can be replayed.
const seed = Number(process.env.ACKMOCK_SEED_KILL || Date.now() % 1000000);
let state = seed >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function sql(db, query) {
  return execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim();
}

function body(name) {
  return JSON.stringify({
    name, cluster_type: 'ManagedKubernetes', region_id: 'cn-hangzhou', zone_id: 'cn-hangzhou-i',
    addons: [{ name: 'flannel' }],
  });
}

await run(async (tap) => {
  console.log(`# seed ${seed} (ACKMOCK_SEED_KILL=${seed} replays the kill times)`);
  const dir = mkdtempSync(join(tmpdir(), 'ackmock-kill9-'));
  const db = join(dir, 'kill9.db');
  const acked = [];		// every cluster_id answered 200, over all rounds
  let lost = 0;			// requests in flight at a kill that never got their 200
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const daemon = await startDaemon(bin, ['--db', db]);
      const roundAcked = [];
      let stop = false;
      let killed = false;
      let unexpected = [];
      const outstanding = new Set();
      const clients = [];
      for (let c = 0; c < CLIENTS; c++) {
        clients.push((async () => {
          for (let n = 0; !stop; n++) {
            const req = { done: false, ok: false };
            outstanding.add(req);
            try {
              const res = await fetch(`${daemon.url}/clusters`, {
                method: 'POST', headers: { 'content-type': 'application/json' },
                body: body(`k9-${round}-${c}-${n}`),
              });
              const doc = await res.json();
              if (res.status === 200) {
                req.ok = true;
                roundAcked.push(doc.cluster_id);
              } else {
                unexpected.push(`${res.status} ${JSON.stringify(doc)}`);
              }
            } catch (e) {
              // After the kill the request's fate is unknown; before it, this is a failure.
              if (!killed) unexpected.push(`${e.message} ${e.cause ? e.cause.message : ''}`);
            } finally {
              req.done = true;
              outstanding.delete(req);
            }
            if (!req.ok) return;
          }
        })());
      }
      // Kill at a random moment 0-300 ms after the first answer (a slow sanitizer
      // build may take longer than that to answer at all).
      for (const t0 = Date.now(); roundAcked.length === 0 && unexpected.length === 0 && Date.now() - t0 < 10000;) {
        await new Promise((r) => setTimeout(r, 2));
      }
      await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
      const inFlight = [...outstanding];
      if (process.env.KILL9_DEBUG) console.log(`# round ${round}: kill with ${inFlight.length} in flight, ${roundAcked.length} acked, ${unexpected.length} unexpected`);
      killed = true;
      const stopped = daemon.stop('SIGKILL');
      stop = true;
      await Promise.all([stopped, ...clients]);
      const lostNow = inFlight.filter((r) => !r.ok).length;
      lost += lostNow;
      acked.push(...roundAcked);

      const integrity = sql(db, 'PRAGMA integrity_check');
      const count = Number(sql(db, 'SELECT count(*) FROM clusters'));
      tap.ok(integrity === 'ok', `round ${round}: integrity_check ok after SIGKILL`, integrity);
      tap.ok(unexpected.length === 0, `round ${round}: every request before the kill was answered 200`,
        unexpected.slice(0, 3).join('\n'));
      tap.ok(roundAcked.length > 0, `round ${round}: the load ran (${roundAcked.length} acknowledged; ${inFlight.length} in flight at the kill, ${lostNow} of them never answered)`);
      tap.ok(count >= acked.length && count <= acked.length + lost,
        `round ${round}: ${count} clusters in the database, acknowledged ${acked.length}, lost in flight ${lost}`,
        `want ${acked.length} <= ${count} <= ${acked.length + lost}`);

      // Restarted on the same file: every acknowledged create of this round is there.
      const again = await startDaemon(bin, ['--db', db]);
      const missing = [];
      for (const id of roundAcked) {
        const res = await fetch(`${again.url}/clusters/${id}`);
        await res.arrayBuffer();
        if (res.status !== 200) missing.push(`${id}: ${res.status}`);
      }
      tap.ok(missing.length === 0, `round ${round}: all ${roundAcked.length} acknowledged clusters are there after the restart`,
        missing.slice(0, 5).join('\n'));
      const code = await again.stop('SIGTERM');
      tap.ok(code === 0, `round ${round}: the restarted daemon exits 0 on SIGTERM`, `exit ${code}`);
    }
    // Once more at the end: nothing acknowledged in an earlier round went missing later.
    const final = await startDaemon(bin, ['--db', db]);
    const missing = [];
    for (const id of acked) {
      const res = await fetch(`${final.url}/clusters/${id}`);
      await res.arrayBuffer();
      if (res.status !== 200) missing.push(`${id}: ${res.status}`);
    }
    tap.ok(missing.length === 0, `all ${acked.length} clusters acknowledged over ${ROUNDS} kills exist at the end`,
      missing.slice(0, 5).join('\n'));
    await final.stop();
    tap.ok(sql(db, 'PRAGMA integrity_check') === 'ok', 'integrity_check ok at the end');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

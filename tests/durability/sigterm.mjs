// SIGTERM under load: 8 clients create clusters on keep-alive connections and the daemon is
// stopped with SIGTERM in the middle, 5 times over on the same file. Each time it must exit 0
// within 10 s (each event loop commits what it gathered, answers it, and stops), the file
// must pass PRAGMA integrity_check, and every create answered 200 must be stored.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, run } from '../lib/daemon.mjs';

const [bin] = process.argv.slice(2);
const ROUNDS = 5;
const CLIENTS = 8;

function sql(db, query) {
  return execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim();
}

// One create on agent's kept-alive connection: the cluster id on 200, else null.
function create(port, agent, name) {
  const body = JSON.stringify({
    name, cluster_type: 'ManagedKubernetes', region_id: 'cn-hangzhou', zone_id: 'cn-hangzhou-i',
    addons: [{ name: 'flannel' }],
  });
  return new Promise((resolve) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/clusters', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        try { resolve(res.statusCode === 200 ? JSON.parse(text).cluster_id : null); } catch { resolve(null); }
      });
      res.on('error', () => resolve(null));
    });
    req.on('error', () => resolve(null));
    req.end(body);
  });
}

await run(async (tap) => {
  const dir = mkdtempSync(join(tmpdir(), 'ackmock-sigterm-'));
  const db = join(dir, 'sigterm.db');
  const acked = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const daemon = await startDaemon(bin, ['--db', db]);
      let stop = false;
      const clients = Array.from({ length: CLIENTS }, (_, c) => (async () => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        for (let n = 0; !stop; n++) {
          const id = await create(daemon.port, agent, `term-${round}-${c}-${n}`);
          if (id) acked.push(id);
          else stop = true;
        }
        agent.destroy();
      })());
      await new Promise((res) => setTimeout(res, 150 + 50 * round));
      const t0 = Date.now();
      const exited = daemon.stop('SIGTERM');
      const code = await Promise.race([exited, new Promise((res) => setTimeout(() => res('timeout'), 10000))]);
      stop = true;
      await Promise.all(clients);
      tap.ok(code === 0, `round ${round}: exit 0 on SIGTERM under load in ${Date.now() - t0} ms`, `exit ${code}`);
      if (code === 'timeout') break;
    }
    tap.equal(sql(db, 'PRAGMA integrity_check'), 'ok', 'integrity_check is ok');
    const stored = new Set(sql(db, 'SELECT cluster_id FROM clusters').split('\n'));
    const missing = acked.filter((id) => !stored.has(id));
    tap.ok(acked.length > 0 && missing.length === 0,
      `every create answered 200 is stored (${acked.length} answered, ${stored.size} stored)`, missing.slice(0, 5));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

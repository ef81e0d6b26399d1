// One write that settles thousands of clusters at once: on a frozen clock 3,000 clusters
// are created and deleted, the clock jumps past the deletions' end, and the next create
// writes them all back (the turns to deleted are the transitions writes depend on: names,
// CIDRs, --max-clusters) inside its batch. Such a settle's statement journal is megabytes;
// a spill threshold that made SQLite write it in 2 MiB chunks turned it into SQLITE_FULL
// (507) on a disk with room. The create must succeed, the deleted clusters must be gone
// from the list and their names free, and the daemon's memory must come back down once idle.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, run } from '../lib/daemon.mjs';
import { request, clusterBody, pool } from '../lib/admin.mjs';

const [bin] = process.argv.slice(2);
const N = 3000;

function rssMiB(pid) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return m ? Number(m[1]) / 1024 : NaN;
}

await run(async (tap) => {
  const dir = mkdtempSync(join(tmpdir(), 'ackmock-settle.'));
  const daemon = await startDaemon(bin, ['--db', join(dir, 'settle.db')]);
  try {
    await request(daemon, 'POST', '/_mock/clock', { frozen: true });
    const made = await pool(N, 16, async (i) =>
      (await request(daemon, 'POST', '/clusters', clusterBody(`settle-${i}`))).json);
    tap.equal(made.filter((c) => c && c.cluster_id).length, N, `${N} creates on a frozen clock`);
    await request(daemon, 'POST', '/_mock/clock', { advance_seconds: 3600 });
    const deletes = await pool(N, 16, async (i) =>
      (await request(daemon, 'DELETE', `/clusters/${made[i].cluster_id}`)).status);
    tap.equal(deletes.filter((c) => c === 202).length, N, `${N} deletes of the running clusters`);
    await request(daemon, 'POST', '/_mock/clock', { advance_seconds: 3600 });
    const r = await request(daemon, 'POST', '/clusters', clusterBody('settle-0'));
    tap.equal(r.status, 200, `the create that settles ${N} deletions in one batch succeeds, reusing a freed name`);
    const list = await request(daemon, 'GET', '/api/v1/clusters?page_size=100');
    tap.equal(list.json.page_info.total_count, 1, 'only the new cluster is listed');
    const metrics = await request(daemon, 'GET', '/_mock/metrics');
    const deleted = metrics.text.match(/^ackmock_clusters\{state="deleted"\} (\d+)$/m);
    tap.equal(deleted && Number(deleted[1]), N, 'the metrics count the deleted clusters');
    // Idle for a moment: the writer gives the journal's memory back.
    await new Promise((res) => setTimeout(res, 1500));
    // Under AddressSanitizer (scripts/test sets ASAN_OPTIONS) freed memory waits in its
    // 256 MiB quarantine and malloc_trim does not apply: the bound allows for that.
    const bound = process.env.ASAN_OPTIONS !== undefined ? 512 : 40;
    const rss = rssMiB(daemon.proc.pid);
    tap.ok(rss < bound, `RSS once idle after the settle: ${rss.toFixed(1)} MiB (< ${bound})`);
  } finally {
    tap.equal(await daemon.stop(), 0, 'the daemon exits 0 on SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});

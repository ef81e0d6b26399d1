// The body of scripts/journal-check (see there).
import { startDaemon } from '../tests/lib/daemon.mjs';
import { request, clusterBody, pool, parsePrometheus, sample } from '../tests/lib/admin.mjs';

const [bin, nArg, capArg] = process.argv.slice(2);
const N = Number(nArg);
const CAP = Number(capArg);
const SECRET = 'Journal-Check-Secret-42!';

async function load(journalMax, n, check) {
  const daemon = await startDaemon(bin, ['--db', ':memory:', '--journal-max', String(journalMax), '--log-level', 'warn']);
  let maxSeen = 0;
  let leaked = 0;
  const t0 = Date.now();
  try {
    await pool(n, 32, async (i) => {
      const r = i % 4 === 0
        ? await request(daemon, 'POST', '/clusters', clusterBody(`jc-${i}`, { login_password: SECRET }))
        : await request(daemon, 'GET', '/clusters/c00000000000000000000000000000000', undefined, { authorization: `acs testid:${SECRET}` });
      if (r.text.includes(SECRET)) leaked++;
      if (check && i % 5000 === 0) {
        const j = await request(daemon, 'GET', '/_mock/requests?limit=10000');
        maxSeen = Math.max(maxSeen, j.json.count);
      }
    });
    const seconds = (Date.now() - t0) / 1000;
    if (!check) return { rate: n / seconds };
    const j = await request(daemon, 'GET', '/_mock/requests?limit=10000');
    maxSeen = Math.max(maxSeen, j.json.count);
    // A filter that matches nothing scans the whole journal: the worst case of a query.
    const q0 = process.hrtime.bigint();
    await request(daemon, 'GET', '/_mock/requests?operation=Nothing&status=5xx');
    const queryMs = Number(process.hrtime.bigint() - q0) / 1e6;
    const m = parsePrometheus((await request(daemon, 'GET', '/_mock/metrics')).text);
    const evicted = sample(m, 'ackmock_journal_evictions_total', 'ackmock_journal_evictions_total');
    return { rate: n / seconds, maxSeen, final: j.json.count, evicted, leakedJournal: j.text.includes(SECRET), leaked, queryMs };
  } finally {
    await daemon.stop();
    if (daemon.stderr().includes(SECRET)) leaked += 1e9;
  }
}

const on = await load(CAP, N, true);
const off = await load(0, Math.min(N, 20000), false);
const onShort = await load(CAP, Math.min(N, 20000), false);
const ok = on.maxSeen <= CAP && on.final === Math.min(CAP, N) && on.evicted === Math.max(0, N - CAP) && !on.leakedJournal && on.leaked === 0;
console.log(`requests ${N}, cap ${CAP}: max entries seen ${on.maxSeen}, final ${on.final}, evicted ${on.evicted}, ` +
  `secret in journal ${on.leakedJournal}, responses/log with secret ${on.leaked}, ${on.rate.toFixed(0)} req/s; ` +
  `a query scanning the full journal took ${on.queryMs.toFixed(1)} ms`);
console.log(`rate over ${Math.min(N, 20000)} requests: journal on ${onShort.rate.toFixed(0)} req/s, journal off ${off.rate.toFixed(0)} req/s`);
console.log(ok ? 'journal-check: OK' : 'journal-check: FAILED');
process.exitCode = ok ? 0 : 1;

// Fault injection (admin.md section 3): times counts down exactly, also
// under concurrency; a fixed seed repeats the same probabilistic failures
// across daemon runs; http faults store nothing and use the gateway shape for
// Throttling codes; matching by name glob and account; admin requests are
// never faulted; delays do not block other requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, run } from '../lib/daemon.mjs';
import { sdk7 } from '../lib/clients.mjs';
import { request, clusterBody, pool } from '../lib/admin.mjs';

const [bin] = process.argv.slice(2);
const UNKNOWN = '/clusters/c00000000000000000000000000000000';

// Runs 40 creates against a fresh daemon with seed and a 0.5 rule; returns the pass/fail pattern.
async function probabilityPattern(seed, prefix) {
  const daemon = await startDaemon(bin, ['--db', ':memory:', '--seed', String(seed)]);
  try {
    await request(daemon, 'POST', '/_mock/faults', { operation: 'CreateCluster', probability: 0.5, http: { status: 503, code: 'ServiceUnavailable' } });
    let pattern = '';
    for (let i = 0; i < 40; i++) {
      const r = await request(daemon, 'POST', '/clusters', clusterBody(`${prefix}-${i}`));
      pattern += r.status === 200 ? '.' : r.status === 503 ? 'x' : '?';
    }
    // After a full reset the PRNG starts over: the same requests fail again.
    await request(daemon, 'POST', '/_mock/reset');
    await request(daemon, 'POST', '/_mock/faults', { operation: 'CreateCluster', probability: 0.5, http: { status: 503, code: 'ServiceUnavailable' } });
    let again = '';
    for (let i = 0; i < 40; i++) {
      const r = await request(daemon, 'POST', '/clusters', clusterBody(`${prefix}-${i}`));
      again += r.status === 200 ? '.' : r.status === 503 ? 'x' : '?';
    }
    return { pattern, again };
  } finally {
    await daemon.stop();
  }
}

await run(async (tap) => {
  const daemon = await startDaemon(bin, ['--db', ':memory:',
    '--credential', 'acctA:secretA:acctA', '--credential', 'testid:testsecret:default']);
  try {
    // times: 2 fails exactly the next two matching requests, and nothing is stored.
    let r = await request(daemon, 'POST', '/_mock/faults', { operation: 'CreateCluster', times: 2, http: { status: 503, code: 'ServiceUnavailable', message: 'try later' } });
    const ruleId = r.json.id;
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      r = await request(daemon, 'POST', '/clusters', clusterBody('twice'));
      statuses.push(r.status);
      if (i === 0) {
        tap.equal([r.json.code, r.json.message, r.json.status, typeof r.json.requestId], ['ServiceUnavailable', 'try later', 503, 'string'],
          'an http fault answers in the service shape');
      }
    }
    // The third create of "twice" succeeds, so the two faulted ones stored nothing; then the name is taken.
    tap.equal(statuses, [503, 503, 200, 400, 400], 'times: 2 fails exactly two requests and stores nothing');
    r = await request(daemon, 'GET', '/_mock/faults');
    const rule = r.json.faults.find((f) => f.id === ruleId);
    tap.equal([rule.remaining, rule.fired], [0, 2], 'the rule shows remaining 0 and fired 2');

    // times under concurrency: 40 parallel reads, a rule with times 3.
    await request(daemon, 'POST', '/_mock/faults', { operation: 'DescribeClusterDetail', times: 3, http: { status: 500, code: 'InternalError' } });
    const got = await pool(40, 20, async () => (await request(daemon, 'GET', UNKNOWN)).status);
    tap.equal([got.filter((s) => s === 500).length, got.filter((s) => s === 404).length], [3, 37],
      'times: 3 fails exactly three of 40 concurrent requests');

    // Throttling codes use the gateway shape.
    await request(daemon, 'POST', '/_mock/faults', { operation: 'DescribeTaskInfo', times: 1, http: { status: 400, code: 'Throttling.User', message: 'slow down' } });
    r = await request(daemon, 'GET', '/tasks/T-000000000000000000000000');
    tap.equal([r.status, r.json.Code, r.json.Message, typeof r.json.RequestId, typeof r.json.HostId, /Throttling\.User/.test(r.json.Recommend)],
      [400, 'Throttling.User', 'slow down', 'string', 'string', true], 'a Throttling fault answers in the gateway shape');
    tap.equal(r.headers.get('x-acs-request-id'), r.json.RequestId, 'with the request id header');

    // match.name glob.
    await request(daemon, 'DELETE', '/_mock/faults');
    await request(daemon, 'POST', '/_mock/faults', { operation: 'CreateCluster', match: { name: 'prod-*' }, http: { status: 503, code: 'ServiceUnavailable' } });
    r = await request(daemon, 'POST', '/clusters', clusterBody('prod-1'));
    const prod = r.status;
    r = await request(daemon, 'POST', '/clusters', clusterBody('dev-1'));
    tap.equal([prod, r.status], [503, 200], 'match.name globs the CreateCluster name');

    // match.account.
    await request(daemon, 'DELETE', '/_mock/faults');
    await request(daemon, 'POST', '/_mock/faults', { operation: 'CreateCluster', match: { account: 'acctA' }, http: { status: 503, code: 'ServiceUnavailable' } });
    const a = sdk7(`127.0.0.1:${daemon.port}`, { id: 'acctA', secret: 'secretA' });
    let aFailed = false;
    try { await a.create(clusterBody('acct-a-1')); } catch (e) { aFailed = /ServiceUnavailable/.test(String(e.code || e.message)); }
    r = await request(daemon, 'POST', '/clusters', clusterBody('acct-default-1'));
    tap.equal([aFailed, r.status], [true, 200], "match.account faults only that account's requests");

    // Admin requests are never faulted, even by a rule for every operation.
    await request(daemon, 'DELETE', '/_mock/faults');
    await request(daemon, 'POST', '/_mock/faults', { http: { status: 500, code: 'InternalError' } });
    const admin = [];
    for (const [m, p] of [['GET', '/_mock/health'], ['GET', '/_mock/ready'], ['GET', '/_mock/faults'], ['GET', '/_mock/requests'], ['GET', '/_mock/metrics']]) {
      admin.push((await request(daemon, m, p)).status);
    }
    r = await request(daemon, 'GET', UNKNOWN);
    tap.equal([admin, r.status], [[200, 200, 200, 200, 200], 500], 'a rule without operation faults the API but no admin endpoint');

    // task: the create succeeds and the rule fires (the lifecycle fails the task later);
    // a create refused by a stateful check (name taken) uses up none of its times.
    await request(daemon, 'DELETE', '/_mock/faults');
    r = await request(daemon, 'POST', '/clusters', clusterBody('task-fault-taken'));
    tap.equal(r.status, 200, 'a cluster to collide with');
    r = await request(daemon, 'POST', '/_mock/faults', { task: { fail_at_stage: 'CreateWorkerNodes', code: 'NodesFailed', message: 'no capacity' }, times: 1 });
    const taskRule = r.json.id;
    r = await request(daemon, 'POST', '/clusters', clusterBody('task-fault-taken'));
    tap.equal(r.status, 400, 'a create of a taken name is refused');
    r = await request(daemon, 'GET', '/_mock/faults');
    tap.equal(r.json.faults.find((f) => f.id === taskRule).fired, 0, 'the refused create used up no times');
    r = await request(daemon, 'POST', '/clusters', clusterBody('task-fault-1'));
    tap.equal(r.status, 200, 'a task fault lets the create succeed');
    r = await request(daemon, 'GET', '/_mock/faults');
    tap.equal(r.json.faults.find((f) => f.id === taskRule).fired, 1, 'and the task rule fired once');

    // The task fault end to end: the lifecycle fails the named stage with the rule's error,
    // after the Rollback stage, and the cluster turns failed with it.
    await request(daemon, 'DELETE', '/_mock/faults');
    await request(daemon, 'POST', '/_mock/faults', { operation: 'CreateCluster', match: { name: 'task-fault-cp*' }, task: { fail_at_stage: 'CreateControlPlane', code: 'ControlPlaneFailed', message: 'no quota' } });
    r = await request(daemon, 'POST', '/clusters', clusterBody('task-fault-cp1'));
    tap.equal(r.status, 200, 'a create matching a task fault succeeds');
    const failing = r.json;
    await request(daemon, 'POST', '/_mock/clock', { advance_seconds: 3600 });
    r = await request(daemon, 'GET', `/tasks/${failing.task_id}`);
    tap.equal([r.json.state, r.json.error.code, r.json.error.message], ['failed', 'ControlPlaneFailed', 'no quota'], 'the task fails with the rule\'s error');
    const names = r.json.stages.map((st) => st.state + ':' + (st.message || ''));
    tap.ok(r.json.stages.length >= 3 && r.json.stages[2].state === 'failed', 'the third stage, CreateControlPlane, failed', names);
    r = await request(daemon, 'GET', `/clusters/${failing.cluster_id}`);
    tap.equal(r.json.state, 'failed', 'and the cluster is failed');

    // delay_ms: the delayed request waits, others do not, and delays overlap.
    await request(daemon, 'DELETE', '/_mock/faults');
    await request(daemon, 'POST', '/_mock/faults', { operation: 'DescribeTaskInfo', delay_ms: 400 });
    const t0 = Date.now();
    const slow = request(daemon, 'GET', '/tasks/T-000000000000000000000000').then((x) => ({ ...x, ms: Date.now() - t0 }));
    await new Promise((res) => setTimeout(res, 50));
    const t1 = Date.now();
    r = await request(daemon, 'GET', UNKNOWN);
    const fastMs = Date.now() - t1;
    const s = await slow;
    tap.ok(s.status === 404 && s.ms >= 390, `the delayed request answered after ${s.ms} ms (>= 400)`);
    tap.ok(r.status === 404 && fastMs < 300, `a request during the delay answered in ${fastMs} ms`);
    const t2 = Date.now();
    await pool(8, 8, () => request(daemon, 'GET', '/tasks/T-000000000000000000000000'));
    const overlapMs = Date.now() - t2;
    tap.ok(overlapMs < 1500, `8 concurrent 400 ms delays took ${overlapMs} ms in all: no thread sleeps`);
  } finally {
    tap.equal(await daemon.stop(), 0, 'daemon exits 0');
  }

  // Rules and their countdown survive a restart.
  const dir = mkdtempSync(join(tmpdir(), 'ackmock-faults-'));
  try {
    const db = join(dir, 'faults.db');
    let d = await startDaemon(bin, ['--db', db]);
    await request(d, 'POST', '/_mock/faults', { operation: 'DescribeClusterDetail', times: 3, http: { status: 503, code: 'ServiceUnavailable' } });
    const first = (await request(d, 'GET', UNKNOWN)).status;
    await d.stop();
    d = await startDaemon(bin, ['--db', db]);
    const listed = (await request(d, 'GET', '/_mock/faults')).json.faults;
    const after = [];
    for (let i = 0; i < 3; i++) after.push((await request(d, 'GET', UNKNOWN)).status);
    await d.stop();
    tap.equal([first, listed.map((f) => [f.remaining, f.fired]), after], [503, [[2, 1]], [503, 503, 404]],
      'a rule and its countdown survive a restart');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // probability with a fixed seed repeats across runs.
  const run1 = await probabilityPattern(7, 'p');
  const run2 = await probabilityPattern(7, 'p');
  const run3 = await probabilityPattern(8, 'p');
  const fails = [...run1.pattern].filter((c) => c === 'x').length;
  tap.ok(!run1.pattern.includes('?') && fails >= 8 && fails <= 32, `probability 0.5 fails some requests: ${run1.pattern}`);
  tap.equal(run2.pattern, run1.pattern, 'the same seed fails the same requests in a second run');
  tap.equal(run1.again, run1.pattern, 'after a full reset the same requests fail again');
  tap.ok(run3.pattern !== run1.pattern, `another seed fails other requests: ${run3.pattern}`);
});

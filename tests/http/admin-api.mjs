// The admin API of admin.md section 2 over HTTP: health and readiness, the
// journal and its filters, fault rule CRUD and validation, scoped reset, and
// the metrics text checked by a strict Prometheus parser.
import { startDaemon, run } from '../lib/daemon.mjs';
import { sdk7 } from '../lib/clients.mjs';
import { request, clusterBody, parsePrometheus, sample } from '../lib/admin.mjs';

const [bin] = process.argv.slice(2);
const KEY_A = { id: 'acctA', secret: 'secretA' };
const KEY_B = { id: 'acctB', secret: 'secretB' };

await run(async (tap) => {
  // Each key names its own account (AK == account), so the tenancy is the same
  // whether the account comes from the key or from the credential's account.
  const daemon = await startDaemon(bin, ['--db', ':memory:',
    '--credential', 'acctA:secretA:acctA', '--credential', 'acctB:secretB:acctB',
    '--credential', 'testid:testsecret:default']);
  try {
    // Health and readiness.
    let r = await request(daemon, 'GET', '/_mock/health');
    tap.equal([r.status, r.json], [200, { status: 'ok' }], 'health answers 200 ok');
    r = await request(daemon, 'GET', '/_mock/ready');
    tap.equal([r.status, r.json && r.json.status], [200, 'ready'], 'ready answers 200 once listening');

    // Some API traffic for the journal and the metrics.
    const created = [];
    for (let i = 0; i < 3; i++) {
      r = await request(daemon, 'POST', '/clusters', clusterBody(`adm-${i}`));
      tap.equal(r.status, 200, `create adm-${i}`);
      created.push({ id: r.json && r.json.cluster_id, rid: r.headers.get('x-acs-request-id') });
    }
    const bad = await request(daemon, 'POST', '/clusters', '{not json');
    tap.equal(bad.status, 400, 'a bad body is 400');
    const missing = await request(daemon, 'GET', '/clusters/c00000000000000000000000000000000');
    tap.equal(missing.status, 404, 'an unknown cluster is 404');

    // The journal: newest first, filters, limits, fields.
    r = await request(daemon, 'GET', '/_mock/requests');
    tap.equal(r.status, 200, 'journal answers 200');
    const all = r.json.requests;
    tap.equal(all.length, 5, 'journal holds the 5 API requests and no admin request');
    tap.ok(all.every((e, i) => i === 0 || e.seq < all[i - 1].seq), 'newest first');
    tap.equal(all[0].request_id, missing.headers.get('x-acs-request-id'), 'newest entry is the last request');
    tap.equal(all[4].request_id, created[0].rid, 'oldest entry is the first create');
    const e = all[0];
    tap.equal([e.method, e.path, e.operation, e.status, e.error_code, e.account],
      ['GET', '/clusters/c00000000000000000000000000000000', 'DescribeClusterDetail', 404, 'ErrorClusterNotFound', 'default'],
      'entry fields');
    tap.ok(typeof e.duration_ms === 'number' && e.duration_ms >= 0 && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.time),
      'duration_ms is a number and time is RFC 3339 UTC');
    tap.equal(all[4].request_body && all[4].request_body.name, 'adm-0', 'a JSON body is shown as JSON');
    tap.equal(all[1].request_body, '{not json', 'a non-JSON body is shown as text');
    r = await request(daemon, 'GET', '/_mock/requests?operation=CreateCluster');
    tap.equal(r.json.requests.length, 4, 'operation filter');
    r = await request(daemon, 'GET', '/_mock/requests?status=400');
    tap.equal(r.json.requests.map((x) => x.error_code), ['InvalidBody'], 'status filter');
    r = await request(daemon, 'GET', '/_mock/requests?status=4xx');
    tap.equal(r.json.requests.length, 2, 'status class filter');
    r = await request(daemon, 'GET', '/_mock/requests?limit=2');
    tap.equal(r.json.requests.map((x) => x.seq), all.slice(0, 2).map((x) => x.seq), 'limit keeps the newest');
    r = await request(daemon, 'GET', '/_mock/requests?account=nobody');
    tap.equal(r.json.requests.length, 0, 'account filter');
    for (const q of ['limit=0', 'limit=10001', 'limit=abc', 'status=99', 'status=4x', 'acount=x']) {
      r = await request(daemon, 'GET', `/_mock/requests?${q}`);
      tap.equal([r.status, r.json && r.json.code], [400, 'InvalidParameter'], `?${q} is 400 InvalidParameter`);
    }

    // Fault rules: validation.
    const badRules = [
      ['no effect', { operation: 'CreateCluster' }],
      ['two effects', { delay_ms: 5, http: { status: 503, code: 'X' } }],
      ['unknown operation', { operation: 'Nope', delay_ms: 1 }],
      ['admin operation', { operation: 'AdminHealth', delay_ms: 1 }],
      ['delay too long', { delay_ms: 10001 }],
      ['fractional delay', { delay_ms: 1.5 }],
      ['probability above 1', { probability: 2, delay_ms: 1 }],
      ['times 0', { times: 0, delay_ms: 1 }],
      ['status below 400', { http: { status: 302, code: 'Moved' } }],
      ['code with a space', { http: { status: 503, code: 'a b' } }],
      ['unknown key', { delay_ms: 1, tims: 3 }],
      ['unknown match key', { delay_ms: 1, match: { nam: 'x' } }],
      ['task on another operation', { operation: 'DescribeClusterDetail', task: { fail_at_stage: 'CreateNetwork' } }],
      ['unknown stage', { task: { fail_at_stage: 'Bake' } }],
    ];
    for (const [what, rule] of badRules) {
      r = await request(daemon, 'POST', '/_mock/faults', rule);
      tap.equal([r.status, r.json && r.json.code], [400, 'InvalidParameter'], `rule refused: ${what}`);
    }
    r = await request(daemon, 'POST', '/_mock/faults', '[1]');
    tap.equal([r.status, r.json && r.json.code], [400, 'InvalidBody'], 'a rule that is not an object is InvalidBody');

    // Fault rules: add, list, delete one, clear.
    r = await request(daemon, 'POST', '/_mock/faults', { operation: 'DescribeTaskInfo', times: 3, delay_ms: 1 });
    tap.equal([r.status, r.json.remaining, r.json.fired, r.json.probability], [200, 3, 0, 1], 'a rule is added with defaults');
    const id1 = r.json.id;
    r = await request(daemon, 'POST', '/_mock/faults', { task: { fail_at_stage: 'CreateWorkerNodes' }, match: { account: 'acctA' } });
    const id2 = r.json.id;
    tap.equal([r.status, r.json.operation, r.json.remaining, r.json.task && r.json.task.code], [200, 'CreateCluster', null, 'InjectedFault'],
      'a task rule implies CreateCluster, unlimited, with a default code');
    r = await request(daemon, 'POST', '/_mock/faults', { operation: 'DescribeTaskInfo', http: { status: 500, code: 'InternalError' }, match: { account: 'acctB' } });
    const id3 = r.json.id;
    r = await request(daemon, 'GET', '/_mock/faults');
    tap.equal(r.json.faults.map((f) => f.id).length, 3, 'three rules listed');
    r = await request(daemon, 'DELETE', `/_mock/faults/${id1}`);
    tap.equal([r.status, r.json.deleted], [200, 1], 'delete one rule');
    r = await request(daemon, 'DELETE', `/_mock/faults/${id1}`);
    tap.equal([r.status, r.json.code], [404, 'ErrorFaultNotFound'], 'deleting it again is 404');
    r = await request(daemon, 'DELETE', '/_mock/faults/abc');
    tap.equal(r.status, 404, 'a malformed rule id is 404');

    // Scoped reset: account A's clusters, journal and rules go; B's stay.
    const a = sdk7(`127.0.0.1:${daemon.port}`, KEY_A);
    const b = sdk7(`127.0.0.1:${daemon.port}`, KEY_B);
    const aIds = [];
    // Account A's rule fails A's tasks later; drop it first so the creates are plain.
    await request(daemon, 'DELETE', `/_mock/faults/${id2}`);
    for (let i = 0; i < 3; i++) aIds.push((await a.create(clusterBody(`ra-${i}`))).clusterId);
    const bId = (await b.create(clusterBody('rb-0'))).clusterId;
    await request(daemon, 'POST', '/_mock/faults', { delay_ms: 1, match: { account: 'acctA' } });
    r = await request(daemon, 'POST', '/_mock/reset?account=acctA');
    tap.equal([r.status, r.json.account, r.json.deleted.clusters, r.json.deleted.tasks, r.json.deleted.faults],
      [200, 'acctA', 3, 3, 1], 'reset?account=acctA deletes its clusters, tasks and rules');
    tap.ok(r.json.deleted.journal >= 3, 'and its journal entries');
    let gone = false;
    try { await a.cluster(aIds[0]); } catch (err) { gone = /ErrorClusterNotFound/.test(String(err.code || err.message)); }
    tap.ok(gone, "account A's cluster is gone");
    tap.equal((await b.cluster(bId)).clusterId, bId, "account B's cluster stays");
    r = await request(daemon, 'GET', '/_mock/requests?account=acctA');
    tap.equal(r.json.requests.map((x) => [x.operation, x.status]), [['DescribeClusterDetail', 404]],
      "account A's journal holds only the read made after its reset");
    r = await request(daemon, 'GET', '/_mock/requests?account=acctB');
    tap.ok(r.json.requests.length >= 2, "account B's journal stays");
    r = await request(daemon, 'GET', '/_mock/faults');
    tap.equal(r.json.faults.map((f) => f.id), [id3], "account B's rule stays");
    r = await request(daemon, 'GET', `/clusters/${created[0].id}`);
    tap.equal(r.status, 200, "the default account's cluster stays");

    // Metrics before the full reset.
    r = await request(daemon, 'GET', '/_mock/metrics');
    tap.ok(r.status === 200 && /^text\/plain; version=0\.0\.4/.test(r.headers.get('content-type') || ''),
      'metrics is text/plain; version=0.0.4');
    let parsed, tasksStored;
    try { parsed = parsePrometheus(r.text); tap.ok(true, 'metrics parse as Prometheus text'); }
    catch (err) { tap.ok(false, 'metrics parse as Prometheus text', `${err.message}\n${r.text}`); }
    if (parsed) {
      const types = Object.fromEntries([...parsed.families].map(([k, v]) => [k, v.type]));
      tap.equal([types.ackmock_requests_total, types.ackmock_request_duration_seconds, types.ackmock_clusters,
        types.ackmock_tasks, types.ackmock_journal_evictions_total, types.ackmock_faults_fired_total],
      ['counter', 'histogram', 'gauge', 'gauge', 'counter', 'counter'], 'every family of admin.md with its type');
      tap.equal(sample(parsed, 'ackmock_requests_total', 'ackmock_requests_total', { operation: 'CreateCluster', status: '400' }), 1,
        'requests_total counts the bad create');
      const clusters = parsed.families.get('ackmock_clusters').samples.reduce((s, x) => s + x.value, 0);
      tap.equal(clusters, 4, 'cluster gauges sum to the 4 clusters left');
      tasksStored = parsed.families.get('ackmock_tasks').samples.reduce((s, x) => s + x.value, 0);
      tap.ok(tasksStored >= 4, `task gauges count each cluster's create task at least (${tasksStored})`);
      tap.ok(sample(parsed, 'ackmock_request_duration_seconds', 'ackmock_request_duration_seconds_count', { operation: 'CreateCluster' }) >= 7,
        'the histogram counts every create');
    }

    // Full reset: everything but the clock.
    r = await request(daemon, 'POST', '/_mock/reset');
    tap.equal([r.status, r.json.account, r.json.deleted.clusters, r.json.deleted.faults], [200, null, 4, 1], 'full reset');
    // Create tasks are stored in their clusters' rows (schema 007): the reset counts them too.
    tap.equal(r.json.deleted.tasks, tasksStored, 'it deletes as many tasks as the gauges counted');
    tap.ok(typeof r.json.duration_ms === 'number' && r.json.duration_ms < 500, `full reset took ${r.json.duration_ms} ms`);
    r = await request(daemon, 'GET', `/clusters/${created[0].id}`);
    tap.equal(r.status, 404, 'clusters are gone after a full reset');
    r = await request(daemon, 'GET', '/_mock/requests');
    tap.equal(r.json.requests.length, 1, 'the journal holds only the request made since');
    r = await request(daemon, 'GET', '/_mock/faults');
    tap.equal(r.json.faults, [], 'no rules after a full reset');
    r = await request(daemon, 'POST', '/_mock/reset?account=');
    tap.equal(r.status, 400, 'an empty account is refused');
    r = await request(daemon, 'POST', '/_mock/reset?acount=x');
    tap.equal(r.status, 400, 'a misspelt parameter is refused, not a full reset');

    tap.ok(!/"request_id"|[0-9A-F]{8}-[0-9A-F]{4}-.* (GET|POST) /.test(daemon.stderr()), '--log-level warn writes no request lines');

    // The journal's answer is bounded: 200 entries of 60 KB bodies are 12 MB, over its 8 MiB.
    const big = JSON.stringify({ name: 'big', description: 'd'.repeat(60000) });
    for (let i = 0; i < 200; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => request(daemon, 'POST', '/clusters', big)));
    }
    r = await request(daemon, 'GET', '/_mock/requests?limit=10000');
    tap.ok(r.status === 200 && r.json.truncated === true && r.json.count === r.json.requests.length &&
      r.json.count > 100 && r.json.count < 200 && r.text.length <= 8.5 * 1024 * 1024,
    `a journal answer stops near 8 MiB and says so (${r.json?.count} entries, ${r.text.length} bytes)`);
    r = await request(daemon, 'GET', '/_mock/requests?limit=3');
    tap.ok(r.json.count === 3 && !('truncated' in r.json), 'an answer within the budget is not marked');
  } finally {
    tap.equal(await daemon.stop(), 0, 'daemon exits 0 on SIGTERM');
  }
});

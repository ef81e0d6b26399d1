// The lifecycle step by step on a frozen virtual clock (lifecycle.md sections
// 1-4): at every stage boundary the task's state, current stage, stage list
// and timestamps, and the cluster's state, size, load balancer, master_url and
// system tag are exactly as specified; likewise for a timeout with rollback
// and an injected stage failure without rollback; and a daemon stopped in the
// middle of a creation (SIGTERM or SIGKILL) answers exactly as before.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, run } from '../lib/daemon.mjs';

const [bin] = process.argv.slice(2);

function api(daemon) {
  const call = async (method, path, body, headers = {}) => {
    const res = await fetch(`${daemon.url}${path}`, {
      method, headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  return {
    call,
    clock: (b) => call(b === undefined ? 'GET' : 'POST', '/_mock/clock', b),
    advance: (s) => call('POST', '/_mock/clock', { advance_seconds: s }),
    task: async (id) => (await call('GET', `/tasks/${id}`)).body,
    cluster: async (id) => (await call('GET', `/clusters/${id}`)).body,
  };
}

// Virtual ms to the stage time format, shown in UTC+08:00 like the daemon.
function stageTime(ms) {
  return new Date(Math.floor(ms / 1000) * 1000 + 8 * 3600e3).toISOString().replace('T', ' ').slice(0, 19);
}

function body(name, extra = {}) {
  return {
    name, cluster_type: 'ManagedKubernetes', region_id: 'cn-hangzhou', zone_id: 'cn-hangzhou-i',
    addons: [{ name: 'flannel' }, { name: 'csi-plugin' }], num_of_nodes: 3,
    worker_instance_types: ['ecs.g6.large', 'ecs.g6.xlarge'], login_password: 'Hello1234!', ...extra,
  };
}

// The observable state of one creation at one instant.
async function snapshot(a, r) {
  const task = await a.task(r.task_id);
  const cluster = await a.cluster(r.cluster_id);
  return {
    task: task.state, stage: task.current_stage,
    stages: task.stages.map((s) => `${s.state}:${s.start_time}:${s.end_time}`),
    cluster: cluster.state, size: cluster.size, lb: cluster.external_loadbalancer_id !== '',
    master: cluster.master_url !== '', tag: cluster.tags.some((t) => t.key === 'ack.aliyun.com'),
    error: task.error.code, updated: task.updated,
  };
}

await run(async (tap) => {
  const dir = mkdtempSync(join(tmpdir(), 'ackmock-lifecycle-'));
  const db = join(dir, 'ackmock.db');
  let daemon = await startDaemon(bin, ['--db', db, '--test-hooks']);
  try {
    let a = api(daemon);
    const frozen = await a.clock({ frozen: true });
    tap.equal(frozen.status, 200, 'POST /_mock/clock freezes');
    tap.equal(frozen.body.frozen, true, 'the clock reads frozen');
    const bad = await a.clock({ advance_seconds: -5 });
    tap.equal([bad.status, bad.body.code], [400, 'InvalidParameter'], 'the clock never goes back');
    tap.equal((await a.clock({ scale: 0 })).status, 400, 'scale must be positive');
    tap.equal((await a.clock({ speed: 2 })).status, 400, 'unknown clock keys are refused');

    // A: the default plan, boundary by boundary.
    const t0 = (await a.clock()).body.now_ms;
    const created = await a.call('POST', '/clusters', body('step'));
    tap.equal(created.status, 200, 'create');
    const r = created.body;
    const at = (s) => stageTime(t0 + s * 1000);
    // [seconds, task state, current stage, stage count, cluster state, size, lb, master/tag]
    const expected = [
      [0, 'running', 'PrepareResources', 1, 'initial', 0, false, false],
      [9, 'running', 'PrepareResources', 1, 'initial', 0, false, false],
      [10, 'running', 'CreateNetwork', 2, 'initial', 0, false, false],
      [40, 'running', 'CreateControlPlane', 3, 'initial', 0, false, false],
      [159, 'running', 'CreateControlPlane', 3, 'initial', 0, false, false],
      [160, 'running', 'CreateWorkerNodes', 4, 'initial', 0, true, false],
      [369, 'running', 'CreateWorkerNodes', 4, 'initial', 0, true, false],
      [370, 'running', 'InstallAddons', 5, 'initial', 3, true, false],
      [430, 'running', 'CheckClusterHealth', 6, 'initial', 3, true, false],
      [444, 'running', 'CheckClusterHealth', 6, 'initial', 3, true, false],
      [445, 'success', '', 6, 'running', 3, true, true],
      [1000, 'success', '', 6, 'running', 3, true, true],
    ];
    let now = 0;
    for (const [s, task, stage, nstages, cluster, size, lb, master] of expected) {
      await a.advance(s - now);
      now = s;
      const got = await snapshot(a, r);
      tap.equal([got.task, got.stage, got.stages.length, got.cluster, got.size, got.lb, got.master, got.tag],
        [task, stage, nstages, cluster, size, lb, master, master], `at ${s} s: ${task} ${stage || '(settled)'}, cluster ${cluster}, ${size} nodes`);
    }
    const done = await a.task(r.task_id);
    const bounds = [0, 10, 40, 160, 370, 430, 445];
    tap.equal(done.stages.map((s) => [s.start_time, s.end_time, s.state]),
      bounds.slice(0, -1).map((b, i) => [at(b), at(bounds[i + 1]), 'success']), 'stage timestamps are the stage table\'s');
    tap.equal(done.stages.map((s) => s.message), ['PrepareResources', 'CreateNetwork', 'CreateControlPlane', 'CreateWorkerNodes', 'InstallAddons', 'CheckClusterHealth'].map((n) => `${n} done`), 'stage messages');
    tap.equal(done.events.map((e) => [e.reason, e.timestamp]),
      [['ClusterCreateStart', String(t0)],
        // Two requested addons plus the two installed by default (create-cluster.md section 4).
        ['AddonInstalled', String(t0 + 385e3)], ['AddonInstalled', String(t0 + 400e3)],
        ['AddonInstalled', String(t0 + 415e3)], ['AddonInstalled', String(t0 + 430e3)],
        ['ClusterCreateSuccess', String(t0 + 445e3)]], 'events: start, one per addon, success; timestamps are strings of ms');
    const detail = await a.cluster(r.cluster_id);
    tap.equal(detail.updated, new Date(t0 - (t0 % 1000) + 445e3 + 8 * 3600e3).toISOString().slice(0, 19) + '+08:00', 'the cluster was updated when it turned running');
    const nodes = (await a.call('GET', `/clusters/${r.cluster_id}/nodes`)).body.nodes;
    tap.equal(nodes.map((n) => n.instance_type), ['ecs.g6.large', 'ecs.g6.xlarge', 'ecs.g6.large'], 'instance types round-robin');
    tap.equal(nodes.map((n) => n.ip_address), [['192.168.0.1'], ['192.168.0.2'], ['192.168.0.3']], 'an auto VPC\'s nodes draw from 192.168.0.0/24');
    tap.equal(nodes.map((n) => n.node_name), ['cn-hangzhou.192.168.0.1', 'cn-hangzhou.192.168.0.2', 'cn-hangzhou.192.168.0.3'], 'node_name is region.ip');

    // B: a timeout (5 minutes) fails CreateWorkerNodes at 300 s; Rollback takes 30 s.
    const t1 = (await a.clock()).body.now_ms;
    const to = (await a.call('POST', '/clusters', body('timeout', { timeout_mins: 5 }))).body;
    await a.advance(299);
    let s = await snapshot(a, to);
    tap.equal([s.task, s.stage, s.cluster, s.lb], ['running', 'CreateWorkerNodes', 'initial', true], 'at 299 s still creating nodes');
    await a.advance(1);
    s = await snapshot(a, to);
    tap.equal([s.task, s.stage, s.cluster, s.error], ['running', 'Rollback', 'initial', ''], 'at 300 s the timeout strikes and Rollback runs; the cluster stays initial');
    tap.equal(s.stages.slice(3), [`failed:${stageTime(t1 + 160e3)}:${stageTime(t1 + 300e3)}`, `running:${stageTime(t1 + 300e3)}:`], 'CreateWorkerNodes failed, Rollback running');
    await a.advance(30);
    s = await snapshot(a, to);
    tap.equal([s.task, s.stage, s.cluster, s.lb, s.size, s.master], ['failed', '', 'failed', false, 0, false], 'at 330 s task and cluster failed, load balancer released');
    const toTask = await a.task(to.task_id);
    tap.equal(toTask.error, { code: 'ErrorTaskTimeout', message: 'cluster creation timed out after 5 minutes' }, 'the timeout error');
    tap.equal(toTask.task_result[0].status, 'failed', 'task_result failed');
    tap.equal(toTask.stages[3].message, 'cluster creation timed out after 5 minutes', 'the failed stage says why');

    // C: an injected failure at InstallAddons with disable_rollback keeps the nodes.
    const hdr = { 'x-ackmock-fail-at-stage': 'InstallAddons;AddonInstallFailed;addon csi-plugin did not start' };
    const badStage = await a.call('POST', '/clusters', body('fault-bad', { num_of_nodes: 0 }), { 'x-ackmock-fail-at-stage': 'CreateWorkerNodes' });
    tap.equal([badStage.status, badStage.body.code], [400, 'InvalidParameter'], 'a fault on a skipped stage is refused');
    const f = (await a.call('POST', '/clusters', body('fault', { disable_rollback: true }), hdr)).body;
    await a.advance(429);
    s = await snapshot(a, f);
    tap.equal([s.task, s.stage, s.cluster, s.size], ['running', 'InstallAddons', 'initial', 3], 'at 429 s installing addons');
    await a.advance(1);
    s = await snapshot(a, f);
    tap.equal([s.task, s.stage, s.cluster, s.size, s.lb, s.error], ['failed', '', 'failed', 3, true, 'AddonInstallFailed'],
      'at 430 s the injected failure fails task and cluster at once; without rollback nodes and SLB stay');
    tap.equal(s.stages.length, 5, 'no Rollback stage with disable_rollback');
    tap.equal((await a.task(f.task_id)).error.message, 'addon csi-plugin did not start', 'the injected message');
    const delFailed = await a.call('DELETE', `/clusters/${f.cluster_id}`);
    tap.equal(delFailed.status, 202, 'a failed cluster can be deleted');
    const delAgain = await a.call('DELETE', `/clusters/${f.cluster_id}`);
    tap.equal([delAgain.status, delAgain.body.code], [400, 'ErrorClusterState'], 'a deleting cluster cannot be deleted again');
    await a.advance(45);
    tap.equal((await a.cluster(f.cluster_id)).size, 0, 'nodes are gone after DeleteWorkerNodes (30 + 5 per node)');
    await a.advance(49.999);
    tap.equal((await a.call('GET', `/clusters/${f.cluster_id}`)).status, 200, 'still there 1 ms before DeleteNetwork ends');
    await a.advance(0.001);
    // 45 + 30 + 20 = 95 s.
    tap.equal((await a.call('GET', `/clusters/${f.cluster_id}`)).body.code, 'ErrorClusterNotFound', 'gone when the delete task ends');

    // D: stop in the middle of a creation and start again, with SIGTERM and with SIGKILL.
    const mid = (await a.call('POST', '/clusters', body('restart'))).body;
    const initial = (await a.call('POST', '/clusters', body('restart-initial'))).body;
    const delInitial = await a.call('DELETE', `/clusters/${initial.cluster_id}`);
    tap.equal([delInitial.status, delInitial.body.code], [400, 'ErrorClusterState'], 'a cluster still initial cannot be deleted');
    await a.advance(200);
    for (const signal of ['SIGTERM', 'SIGKILL']) {
      const before = {
        task: await a.task(mid.task_id), cluster: await a.cluster(mid.cluster_id),
        tasks: (await a.call('GET', `/clusters/${mid.cluster_id}/tasks`)).body.tasks,
        list: (await a.call('GET', '/api/v1/clusters?page_size=100')).body.clusters.map((c) => [c.cluster_id, c.state, c.size]),
        clock: (await a.clock()).body,
      };
      await daemon.stop(signal);
      daemon = await startDaemon(bin, ['--db', db, '--test-hooks']);
      a = api(daemon);
      const after = {
        task: await a.task(mid.task_id), cluster: await a.cluster(mid.cluster_id),
        tasks: (await a.call('GET', `/clusters/${mid.cluster_id}/tasks`)).body.tasks,
        list: (await a.call('GET', '/api/v1/clusters?page_size=100')).body.clusters.map((c) => [c.cluster_id, c.state, c.size]),
        clock: (await a.clock()).body,
      };
      tap.equal(after, before, `after ${signal} and a restart every answer is the same`);
    }
    await a.advance(245);
    s = await snapshot(a, mid);
    tap.equal([s.task, s.cluster, s.size], ['success', 'running', 3], 'after the restarts the creation completes on time');
    tap.equal((await a.cluster(initial.cluster_id)).state, 'running', 'the cluster whose delete was refused completed too');
  } finally {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

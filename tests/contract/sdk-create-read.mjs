// The official clients create both example clusters of the API page, read task
// and cluster back with every field of the right JSON type, and read them again
// after the daemon restarts on the same database file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, run } from '../lib/daemon.mjs';
import { allClients, field } from '../lib/clients.mjs';

const [bin, fixturesDir] = process.argv.slice(2);
const examples = ['page-flannel', 'page-terway'].map((n) => JSON.parse(readFileSync(join(fixturesDir, 'examples', `${n}.json`), 'utf8')));

// api.md section 3: the JSON type of every cluster key.
const CLUSTER_TYPES = {
  cluster_id: 'string', name: 'string', region_id: 'string', zone_id: 'string', cluster_type: 'string',
  profile: 'string', cluster_spec: 'string', state: 'string', size: 'number', created: 'string',
  updated: 'string', init_version: 'string', current_version: 'string', next_version: 'string',
  deletion_protection: 'boolean', private_zone: 'boolean', resource_group_id: 'string', vpc_id: 'string',
  security_group_id: 'string', vswitch_ids: 'array', vswitch_id: 'string', container_cidr: 'string',
  service_cidr: 'string', node_cidr_mask: 'string', proxy_mode: 'string', timezone: 'string',
  ip_stack: 'string', network_mode: 'string', cluster_domain: 'string', subnet_cidr: 'string',
  docker_version: 'string', worker_ram_role_name: 'string', external_loadbalancer_id: 'string',
  master_url: 'string', meta_data: 'string', tags: 'array', maintenance_window: 'object', parameters: 'object',
};
// lifecycle.md section 3: the task's keys.
const TASK_TYPES = {
  task_id: 'string', cluster_id: 'string', task_type: 'string', state: 'string', created: 'string',
  updated: 'string', current_stage: 'string', target: 'object', parameters: 'object', stages: 'array',
  events: 'array', task_result: 'array', error: 'object',
};

function typeOf(v) {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v;
}

// SDK 3.3.5's models predate some keys and drop them while parsing: for that
// client a key may be missing, but a key that is there must have its type.
function checkTypes(tap, obj, types, what, allowMissing = false) {
  const wrong = Object.entries(types)
    .filter(([k, t]) => typeOf(field(obj, k)) !== t && !(allowMissing && field(obj, k) === undefined))
    .map(([k, t]) => `${k}: ${typeOf(field(obj, k))}, want ${t}`);
  tap.ok(wrong.length === 0, `${what}: every field has its JSON type`, wrong.join('\n'));
}

await run(async (tap) => {
  const dir = mkdtempSync(join(tmpdir(), 'ackmock-contract-'));
  const db = join(dir, 'ackmock.db');
  const created = [];
  let daemon = await startDaemon(bin, ['--db', db]);
  try {
    for (const client of allClients(`127.0.0.1:${daemon.port}`)) {
      for (const example of examples) {
        // One VPC per client: pod CIDRs must not overlap within a VPC (create-cluster.md S2).
        const body = { ...example, name: `${example.name}-${client.name}`, vpcid: `${example.vpcid}${created.length}` };
        const what = `${client.name} ${example.name}`;
        const r = await client.create(body);
        tap.ok(/^c[0-9a-f]{32}$/.test(r.clusterId), `${what}: cluster_id format`, r.clusterId);
        tap.ok(/^T-[0-9a-f]{24}$/.test(r.taskId), `${what}: task_id format`, r.taskId);
        tap.ok(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/.test(r.requestId), `${what}: request_id format`, r.requestId);
        const task = await client.task(r.taskId);
        checkTypes(tap, task, TASK_TYPES, `${what} task`);
        tap.equal(field(task, 'cluster_id'), r.clusterId, `${what}: task names its cluster`);
        tap.equal(field(task, 'task_type'), 'cluster_create', `${what}: task type`);
        const cluster = await client.cluster(r.clusterId);
        checkTypes(tap, cluster, CLUSTER_TYPES, `${what} cluster`, client.name === 'sdk3');
        tap.equal(field(cluster, 'name'), body.name, `${what}: cluster name`);
        tap.equal(field(cluster, 'vpc_id'), body.vpcid, `${what}: vpcid comes back as vpc_id`);
        tap.ok(['initial', 'running'].includes(field(cluster, 'state')), `${what}: state initial or running`, field(cluster, 'state'));
        let meta;
        try { meta = JSON.parse(field(cluster, 'meta_data')); } catch { meta = undefined; }
        tap.ok(meta && typeof meta === 'object', `${what}: meta_data is a JSON string`);
        created.push({ client, body, ...r });
      }
    }
    tap.equal(await daemon.stop(), 0, 'daemon exits 0 on SIGTERM');
    daemon = await startDaemon(bin, ['--db', db]);
    for (const c of created) {
      const what = `after restart, ${c.client.name} ${c.body.name}`;
      const clients = allClients(`127.0.0.1:${daemon.port}`);
      const client = clients.find((x) => x.name === c.client.name);
      const cluster = await client.cluster(c.clusterId);
      tap.equal(field(cluster, 'name'), c.body.name, `${what}: cluster still there`);
      const task = await client.task(c.taskId);
      tap.equal(field(task, 'task_id'), c.taskId, `${what}: task still there`);
    }
  } finally {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

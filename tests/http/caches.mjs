// The in-memory shortcuts of the performance work (docs/benchmarks.md) never
// answer stale data, on a file database as the daemon ships:
// - DescribeClustersV1's total_count (cached per reader until the clusters
//   change or a deletion falls due) follows creates, a delete as the clock
//   passes its end, and a reset;
// - the empty-world note lets a world added later take effect at once;
// - the writer's "next due" instant still settles a deleted cluster before
//   S1 looks at its name, also after a refused (rolled-back) create;
// - the journal ring, cut by seq arithmetic, keeps exactly --journal-max entries;
// - the list's cached static views (viewcache.c) follow a modify at once, also at a
//   frozen instant (updated_ms unchanged), and the clock's lifecycle changes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDaemon, run } from '../lib/daemon.mjs';
import { request, clusterBody } from '../lib/admin.mjs';

const [bin] = process.argv.slice(2);

const total = async (daemon) =>
  (await request(daemon, 'GET', '/api/v1/clusters')).json?.page_info?.total_count;

await run(async (tap) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ackmock-caches.'));
  const daemon = await startDaemon(bin, ['--db', path.join(dir, 'a.db'), '--world-strict']);
  try {
    // Counts: every list below hits a warm cache unless something changed.
    tap.equal(await total(daemon), 0, 'an empty database lists 0 clusters');
    let r = await request(daemon, 'POST', '/clusters', clusterBody('cache-a'));
    tap.equal(r.status, 200, 'create cache-a');
    const a = r.json.cluster_id;
    tap.equal(await total(daemon), 1, 'the count follows a create');
    r = await request(daemon, 'POST', '/clusters', clusterBody('cache-a'));
    tap.equal(r.json?.code, 'ClusterNameAlreadyExist', 'the same name again is refused (S1)');
    tap.equal(await total(daemon), 1, 'a refused create changes no count');
    await request(daemon, 'POST', '/_mock/clock', { advance_seconds: 3600 });
    r = await request(daemon, 'DELETE', `/clusters/${a}`);
    tap.equal(r.status, 202, 'delete cache-a once running');
    tap.equal(await total(daemon), 1, 'a cluster being deleted still counts');
    r = await request(daemon, 'POST', '/clusters', clusterBody('cache-a'));
    tap.equal(r.json?.code, 'ClusterNameAlreadyExist', 'its name is taken while it is deleted');
    await request(daemon, 'POST', '/_mock/clock', { advance_seconds: 3600 });
    tap.equal(await total(daemon), 0, 'the count drops when the clock passes the deletion');
    r = await request(daemon, 'POST', '/clusters', clusterBody('cache-a'));
    tap.equal(r.status, 200, 'the name is free again after a refused create and the settle');
    tap.equal(await total(daemon), 1, 'and the count follows');
    r = await request(daemon, 'POST', '/_mock/reset');
    tap.equal(r.status, 200, 'reset');
    tap.equal(await total(daemon), 0, 'the count follows a reset');

    // The world: empty at first (strict mode refuses the VPC), then known at once.
    const body = clusterBody('cache-w', { vpcid: 'vpc-cache1', vswitch_ids: ['vsw-cache1a'],
      container_cidr: '172.20.0.0/16', service_cidr: '172.21.0.0/20' });
    r = await request(daemon, 'POST', '/clusters', body);
    tap.equal(r.json?.code, 'InvalidVpcId.NotFound', 'strict: a VPC of an empty world is unknown');
    r = await request(daemon, 'POST', '/clusters', body);
    tap.equal(r.json?.code, 'InvalidVpcId.NotFound', 'and again (the empty world is noted)');
    r = await request(daemon, 'POST', '/_mock/world', {
      vpcs: [{ id: 'vpc-cache1', region_id: 'cn-hangzhou', cidr: '10.0.0.0/8' }],
      vswitches: [{ id: 'vsw-cache1a', vpc_id: 'vpc-cache1', zone_id: 'cn-hangzhou-i', cidr: '10.1.0.0/16' }],
    });
    tap.ok(r.status === 200, 'add the VPC to the world', r.text);
    r = await request(daemon, 'POST', '/clusters', body);
    tap.equal(r.status, 200, 'the next create sees the new world');

    // Cached views: every list item is the cluster as DescribeClusterDetail (never cached)
    // shows it, after each change, with the clock frozen so that a modify keeps updated_ms.
    const listed = async (id) => (await request(daemon, 'GET', '/api/v1/clusters?page_size=100'))
      .json?.clusters?.find((c) => c.cluster_id === id);
    const same = async (id, what) => {
      const item = await listed(id);
      tap.equal(item, (await request(daemon, 'GET', `/clusters/${id}`)).json, `${what}: the list shows it`);
      return item;
    };
    r = await request(daemon, 'POST', '/_mock/clock', { frozen: true });
    tap.equal(r.status, 200, 'freeze the clock');
    r = await request(daemon, 'POST', '/clusters', clusterBody('view-a', { tags: [{ key: 'k', value: 'v' }] }));
    tap.equal(r.status, 200, 'create view-a');
    const v = r.json.cluster_id;
    let item = await same(v, 'created');
    item = await same(v, 'listed again (cached)');
    tap.equal([item?.state, item?.master_url, item?.tags?.length], ['initial', '', 1], 'initial: no master_url, no ack tag');
    const before = item?.updated;
    r = await request(daemon, 'PUT', `/api/v2/clusters/${v}`, { cluster_name: 'view-b', deletion_protection: true });
    tap.equal(r.status, 200, 'modify view-a at the same instant');
    item = await same(v, 'modified');
    tap.equal([item?.name, item?.deletion_protection, item?.updated], ['view-b', true, before],
      'the new name and protection, with updated unchanged');
    await request(daemon, 'POST', '/_mock/clock', { advance_seconds: 3600 });
    item = await same(v, 'running');
    tap.equal([item?.state, item?.master_url !== '', item?.tags?.length], ['running', true, 2],
      'running: master_url and the ack tag appear');
    r = await request(daemon, 'PUT', `/api/v2/clusters/${v}`, { deletion_protection: false,
      maintenance_window: { enable: true, maintenance_time: '2024-01-01T01:00:00Z', duration: '3h', weekly_period: 'Monday' } });
    tap.equal(r.status, 200, 'modify again');
    item = await same(v, 'modified again');
    tap.equal([item?.deletion_protection, item?.maintenance_window?.enable], [false, true], 'the list follows');
    r = await request(daemon, 'DELETE', `/clusters/${v}`);
    tap.equal(r.status, 202, 'delete it');
    item = await same(v, 'deleting');
    tap.equal(item?.state, 'deleting', 'the list shows it deleting at once');
    await request(daemon, 'POST', '/_mock/clock', { advance_seconds: 3600 });
    tap.equal(await listed(v), undefined, 'and not at all once the deletion has passed');
  } finally {
    await daemon.stop();
  }

  // The journal ring cut by seq arithmetic once seq is known to have no gaps: it still holds
  // exactly --journal-max entries, before and after a reset, over several flushes.
  const CAP = 20;
  const jd = await startDaemon(bin, ['--db', path.join(dir, 'j.db'), '--journal-max', String(CAP)]);
  const journalSize = async () => {
    // The flusher writes every 100 ms; wait until what was sent has landed.
    await new Promise((r) => setTimeout(r, 300));
    return (await request(jd, 'GET', '/_mock/requests?limit=1000')).json?.requests?.length;
  };
  try {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 15; i++) await request(jd, 'GET', `/clusters/c${String(i).padStart(32, '0')}`);
      await journalSize();
    }
    tap.equal(await journalSize(), CAP, `the journal holds exactly --journal-max (${CAP})`);
    await request(jd, 'POST', '/_mock/reset');
    tap.equal(await journalSize(), 0, 'a reset empties it');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 15; i++) await request(jd, 'GET', `/tasks/T-${String(i).padStart(24, '0')}`);
      await journalSize();
    }
    tap.equal(await journalSize(), CAP, 'and it fills to exactly --journal-max again');
  } finally {
    await jd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

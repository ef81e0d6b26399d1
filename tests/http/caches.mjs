// The in-memory shortcuts of the performance work (docs/benchmarks.md) never
// answer stale data, on a file database as the daemon ships:
// - DescribeClustersV1's total_count (cached per reader until the clusters
//   change or a deletion falls due) follows creates, a delete as the clock
//   passes its end, and a reset;
// - the empty-world note lets a world added later take effect at once;
// - the writer's "next due" instant still settles a deleted cluster before
//   S1 looks at its name, also after a refused (rolled-back) create;
// - the journal ring, cut by seq arithmetic, keeps exactly --journal-max entries.
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

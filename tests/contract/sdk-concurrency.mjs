// 8 concurrent SDK clients create 250 clusters each over keep-alive
// connections: every create succeeds, no connection is reset, all ids differ,
// and every cluster reads back.
import { startDaemon, run } from '../lib/daemon.mjs';
import { sdk7 } from '../lib/clients.mjs';

const [bin] = process.argv.slice(2);
const CLIENTS = 8;
const PER_CLIENT = 250;

await run(async (tap) => {
  const daemon = await startDaemon(bin, ['--db', ':memory:']);
  try {
    const errors = [];
    const results = await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
      const client = sdk7(`127.0.0.1:${daemon.port}`);
      const ids = [];
      for (let i = 0; i < PER_CLIENT; i++) {
        try {
          const r = await client.create({
            name: `load-${c}-${i}`, cluster_type: 'ManagedKubernetes', region_id: 'cn-hangzhou',
            zone_id: 'cn-hangzhou-i', addons: [{ name: 'flannel' }], num_of_nodes: 0,
          });
          ids.push(r.clusterId);
        } catch (e) {
          errors.push(`${e.code || ''} ${e.message}`);
        }
      }
      return { client, ids };
    }));
    const ids = results.flatMap((r) => r.ids);
    tap.equal(errors.length, 0, 'no create failed', errors.slice(0, 5));
    tap.ok(!errors.some((e) => /ECONNRESET|socket hang up/.test(e)), 'no connection reset');
    tap.equal(ids.length, CLIENTS * PER_CLIENT, `${CLIENTS * PER_CLIENT} creates succeeded`);
    tap.equal(new Set(ids).size, ids.length, 'all cluster ids are distinct');
    const sample = [ids[0], ids[ids.length >> 1], ids[ids.length - 1]];
    for (const id of sample) {
      const cluster = await results[0].client.cluster(id);
      tap.equal(cluster.clusterId, id, `cluster ${id} reads back`);
    }
  } finally {
    await daemon.stop();
  }
});

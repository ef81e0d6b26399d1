// create-cluster.md section 6 under concurrency: the stateful rules run in
// the insert's transaction on the database writer, so concurrent creates
// can never both pass them. 16 concurrent creates of one name: exactly one
// succeeds (S1). 16 concurrent creates with overlapping pod CIDRs in one
// VPC: exactly one succeeds (S2). With --max-clusters 5, 16 concurrent
// creates of distinct names: exactly 5 succeed (S3).
import { startDaemon, run } from '../lib/daemon.mjs';

const [bin] = process.argv.slice(2);
const N = 16;

function body(name, extra = {}) {
  return {
    name, cluster_type: 'ManagedKubernetes', region_id: 'cn-hangzhou', zone_id: 'cn-hangzhou-i',
    addons: [{ name: 'flannel' }], ...extra,
  };
}

async function burst(daemon, bodies) {
  const results = await Promise.all(bodies.map(async (b) => {
    const r = await fetch(`${daemon.url}/clusters`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b),
    });
    return { status: r.status, doc: await r.json() };
  }));
  const ok = results.filter((r) => r.status === 200).length;
  const codes = [...new Set(results.filter((r) => r.status !== 200).map((r) => r.doc.code))];
  return { ok, codes };
}

await run(async (tap) => {
  let daemon = await startDaemon(bin, ['--db', ':memory:']);
  try {
    let r = await burst(daemon, Array.from({ length: N }, () => body('same-name')));
    tap.equal(r.ok, 1, 'S1: one of the concurrent creates of one name succeeds');
    tap.equal(r.codes, ['ClusterNameAlreadyExist'], 'S1: the others are ClusterNameAlreadyExist');
    const vpc = { zone_id: undefined, vpcid: 'vpc-conc', vswitch_ids: ['vsw-conc'], service_cidr: '172.21.0.0/20' };
    r = await burst(daemon, Array.from({ length: N }, (_, i) => body(`overlap-${i}`, { ...vpc, container_cidr: i % 2 ? '10.8.0.0/14' : '10.8.0.0/16' })));
    tap.equal(r.ok, 1, 'S2: one of the concurrent overlapping pod CIDRs in one VPC succeeds');
    tap.equal(r.codes, ['InvalidCIDR'], 'S2: the others are InvalidCIDR');
  } finally {
    await daemon.stop();
  }
  daemon = await startDaemon(bin, ['--db', ':memory:', '--max-clusters', '5']);
  try {
    const r = await burst(daemon, Array.from({ length: N }, (_, i) => body(`quota-${i}`)));
    tap.equal(r.ok, 5, 'S3: exactly --max-clusters concurrent creates succeed');
    tap.equal(r.codes, ['QuotaExceeded.Cluster'], 'S3: the others are QuotaExceeded.Cluster');
  } finally {
    await daemon.stop();
  }
});

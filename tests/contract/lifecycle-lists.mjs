// Lists over 1,000 clusters (api.md section 2): DescribeClustersV1 pages
// newest first without repeating or skipping, total_count counts every match,
// deleted clusters never appear (nor in the legacy list or the region list),
// filters work, paging parameters are validated, ties in creation time are
// ordered by insertion, and another account sees none of it.
import { createRequire } from 'node:module';
import { startDaemon, run } from '../lib/daemon.mjs';
import { sdk7 } from '../lib/clients.mjs';

const require = createRequire(import.meta.url);
const CS7 = require('@alicloud/cs20151215');
const [bin] = process.argv.slice(2);
const TOTAL = 1000;
const WORKERS = 16;

function body(name, region = 'cn-hangzhou') {
  return {
    name, cluster_type: 'ManagedKubernetes', region_id: region, zone_id: `${region}-i`, addons: [{ name: 'flannel' }],
  };
}

await run(async (tap) => {
  const daemon = await startDaemon(bin, ['--db', ':memory:', '--instant', '--credential', 'otherkey:othersecret:other']);
  const call = async (method, path, b) => {
    const res = await fetch(`${daemon.url}${path}`, {
      method, headers: { 'content-type': 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b),
    });
    return { status: res.status, body: await res.json() };
  };
  try {
    const started = Date.now();
    const ids = new Map();
    let next = 0;
    const failures = [];
    await Promise.all(Array.from({ length: WORKERS }, async () => {
      while (next < TOTAL) {
        const name = `lst-${String(next++).padStart(4, '0')}`;
        const r = await call('POST', '/clusters', body(name));
        if (r.status === 200) ids.set(r.body.cluster_id, name); else failures.push(r.body);
      }
    }));
    tap.equal(failures.length, 0, 'every create succeeded', failures.slice(0, 3));
    tap.equal(ids.size, TOTAL, `${TOTAL} clusters created in ${Date.now() - started} ms`);

    const pageAll = async (path, size) => {
      const seen = [];
      const totals = new Set();
      for (let page = 1; ; page++) {
        const r = await call('GET', `${path}${path.includes('?') ? '&' : '?'}page_size=${size}&page_number=${page}`);
        if (r.status !== 200) throw new Error(JSON.stringify(r.body));
        totals.add(r.body.page_info.total_count);
        if (r.body.page_info.page_number !== page || r.body.page_info.page_size !== size) throw new Error('page_info echoes');
        if (r.body.clusters.length === 0) break;
        seen.push(...r.body.clusters);
      }
      return { seen, totals: [...totals] };
    };
    let { seen, totals } = await pageAll('/api/v1/clusters', 100);
    tap.equal(totals, [TOTAL], 'total_count is 1000 on every page');
    tap.equal(seen.length, TOTAL, 'ten pages of 100 hold 1000 clusters');
    tap.equal(new Set(seen.map((c) => c.cluster_id)).size, TOTAL, 'no cluster repeats across pages');
    tap.ok(seen.every((c) => ids.has(c.cluster_id)), 'every listed cluster is one we created');
    tap.ok(seen.every((c, i) => i === 0 || c.created <= seen[i - 1].created), 'newest first');
    tap.ok(seen.every((c) => c.state === 'running' && typeof c.size === 'number' && typeof c.meta_data === 'string'), 'list items are full cluster objects (instant: running)');
    const odd = await pageAll('/api/v1/clusters', 33);
    tap.equal(odd.seen.map((c) => c.cluster_id), seen.map((c) => c.cluster_id), 'pages of 33 give the same order');

    // Delete every tenth cluster; with --instant they are gone at once.
    const doomed = seen.filter((_, i) => i % 10 === 0).map((c) => c.cluster_id);
    const dels = await Promise.all(doomed.map((id) => call('DELETE', `/clusters/${id}`)));
    tap.ok(dels.every((d) => d.status === 202), 'DeleteCluster answers 202 for all 100');
    ({ seen, totals } = await pageAll('/api/v1/clusters', 100));
    tap.equal(totals, [TOTAL - doomed.length], 'total_count drops to 900');
    tap.equal(seen.length, TOTAL - doomed.length, '900 clusters listed');
    const gone = new Set(doomed);
    tap.ok(!seen.some((c) => gone.has(c.cluster_id)), 'no deleted cluster is listed');
    const legacy = await call('GET', '/clusters');
    tap.ok(Array.isArray(legacy.body), 'legacy DescribeClusters is a bare array');
    tap.equal(legacy.body.length, TOTAL - doomed.length, 'legacy list has 900');
    tap.ok(!legacy.body.some((c) => gone.has(c.cluster_id)), 'legacy list omits deleted clusters');
    const filtered = await call('GET', '/clusters?name=lst-00&clusterType=ManagedKubernetes');
    const want00 = [...ids].filter(([id, n]) => n.startsWith('lst-00') && !gone.has(id)).length;
    tap.equal(filtered.body.length, want00, 'legacy name (substring) and clusterType filters');
    tap.equal((await call('GET', '/clusters?clusterType=Kubernetes')).body.length, 0, 'legacy clusterType filters');

    // Filters of DescribeClustersV1 and the region list.
    const other = await call('POST', '/clusters', body('lst-beijing', 'cn-beijing'));
    tap.equal(other.status, 200, 'a cluster in another region');
    const region = await call('GET', '/regions/cn-beijing/clusters');
    tap.equal(region.body.clusters.map((c) => c.cluster_id), [other.body.cluster_id], 'DescribeClustersForRegion filters by region');
    tap.equal(region.body.page_info.total_count, 1, 'region total_count');
    const byName = await call('GET', '/api/v1/clusters?name=lst-09&page_size=100');
    tap.equal(byName.body.page_info.total_count, [...ids].filter(([id, n]) => n.startsWith('lst-09') && !gone.has(id)).length, 'name is a substring filter');
    const byId = await call('GET', `/api/v1/clusters?cluster_id=${seen[5].cluster_id}`);
    tap.equal(byId.body.clusters.map((c) => c.cluster_id), [seen[5].cluster_id], 'cluster_id filter');
    tap.equal((await call('GET', '/api/v1/clusters?region_id=cn-beijing')).body.page_info.total_count, 1, 'region_id filter');
    tap.equal((await call('GET', '/api/v1/clusters?cluster_spec=ack.pro.small')).body.page_info.total_count, 0, 'cluster_spec filter');
    tap.equal((await call('GET', '/api/v1/clusters?profile=Default&page_size=1')).body.page_info.total_count, TOTAL - doomed.length + 1, 'profile filter (default Default)');
    const beyond = await call('GET', '/api/v1/clusters?page_number=1000');
    tap.equal([beyond.status, beyond.body.clusters.length], [200, 0], 'a page past the end is empty');
    for (const q of ['page_size=101', 'page_size=0', 'page_number=0', 'page_size=abc', 'page_number=-1', 'page_size=1.5']) {
      const r = await call('GET', `/api/v1/clusters?${q}`);
      tap.equal([r.status, r.body.code], [400, 'InvalidParameter'], `${q} is InvalidParameter`);
    }

    // Equal creation times are ordered by insertion, newest first.
    await call('POST', '/_mock/clock', { frozen: true });
    const tied = [];
    for (let i = 0; i < 30; i++) tied.push((await call('POST', '/clusters', body(`tie-${i}`))).body.cluster_id);
    const tiedList = await call('GET', '/api/v1/clusters?name=tie-&page_size=100');
    tap.equal(tiedList.body.clusters.map((c) => c.cluster_id), tied.reverse(), 'same-instant clusters come newest (last inserted) first');
    await call('POST', '/_mock/clock', { frozen: false });

    // Another account sees nothing of this one.
    const stranger = sdk7(`127.0.0.1:${daemon.port}`, { id: 'otherkey', secret: 'othersecret' });
    const theirs = await stranger.raw.describeClustersV1(new CS7.DescribeClustersV1Request({}));
    tap.equal(theirs.body.pageInfo.totalCount, 0, 'another account lists no clusters');
    let code;
    try { await stranger.cluster(seen[0].cluster_id); } catch (e) { code = e.code; }
    tap.equal(code, 'ErrorClusterNotFound', 'another account\'s cluster is ErrorClusterNotFound');
    code = undefined;
    try { await stranger.raw.deleteCluster(seen[0].cluster_id, new CS7.DeleteClusterRequest({})); } catch (e) { code = e.code; }
    tap.equal(code, 'ErrorClusterNotFound', 'another account cannot delete it');
    const mine = await stranger.create(body('lst-0001'));
    tap.ok(/^c[0-9a-f]{32}$/.test(mine.clusterId), 'names are unique per account only');
    tap.equal((await call('GET', `/clusters/${mine.clusterId}`)).body.code, 'ErrorClusterNotFound', 'and this account cannot see theirs');
    // Under the sanitizers a leak makes the exit status non-zero.
    tap.equal(await daemon.stop(), 0, 'the daemon stops cleanly (exit 0, no leak reports)');
  } finally {
    await daemon.stop();
  }
});

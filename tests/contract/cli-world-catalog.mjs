// --world FILE, --catalog FILE and --world-strict at start-up: a bad file
// stops the daemon with exit code 2 and one clear line (also under
// --check-config); a good world is stored and served by GET /_mock/world,
// survives a restart on the same database, and a good catalog is used.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, run } from '../lib/daemon.mjs';

const [bin, fixturesDir] = process.argv.slice(2);

await run(async (tap) => {
  const dir = mkdtempSync(join(tmpdir(), 'ackmock-cli-'));
  try {
    const badCatalog = join(dir, 'catalog.json');
    writeFileSync(badCatalog, '{"regions": []}');
    const badWorld = join(dir, 'world.json');
    writeFileSync(badWorld, '{"vswitches": [{"id": "vsw-a", "vpc_id": "vpc-a", "zone_id": "cn-hangzhou", "cidr": "10.0.0.0/24"}]}');
    const cases = [
      [['--catalog', join(dir, 'missing.json')], /--catalog.*missing\.json.*No such file/],
      [['--catalog', badCatalog], /catalog: regions must be a non-empty array/],
      [['--world', badWorld], /vswitches\[0\]\.zone_id must be/],
      [['--world', join(fixturesDir, 'worlds', 'basic.json'), '--catalog', join(fixturesDir, 'catalogs', 'small.json')], /vpcs\[1\]\.region_id must be a region of the catalog/],
    ];
    for (const [args, message] of cases) {
      for (const extra of [[], ['--check-config']]) {
        const r = spawnSync(bin, ['--db', ':memory:', '--listen', '127.0.0.1:0', ...args, ...extra], { encoding: 'utf8', timeout: 10000 });
        tap.equal(r.status, 2, `${args.join(' ')} ${extra.join(' ')}: exit code 2`);
        tap.ok(message.test(r.stderr) && r.stderr.trim().split('\n').length === 1, `${args.join(' ')}: one clear line`, r.stderr);
      }
    }
    const db = join(dir, 'ackmock.db');
    let daemon = await startDaemon(bin, ['--db', db, '--world', join(fixturesDir, 'worlds', 'basic.json')]);
    let world = await (await fetch(`${daemon.url}/_mock/world`)).json();
    tap.equal([world.vpcs.length, world.vswitches.length, world.security_groups.length], [2, 6, 3], 'the world file is stored');
    await daemon.stop();
    daemon = await startDaemon(bin, ['--db', db, '--world-strict']);
    world = await (await fetch(`${daemon.url}/_mock/world`)).json();
    tap.equal(world.vpcs.map((v) => v.id), ['vpc-fxw1', 'vpc-fxw2'], 'the world survives a restart without --world');
    const create = (vpcid) => fetch(`${daemon.url}/clusters`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `cli-${vpcid}`, cluster_type: 'ManagedKubernetes', region_id: 'cn-hangzhou', addons: [{ name: 'flannel' }], vpcid, vswitch_ids: ['vsw-fxw1a'], container_cidr: '10.0.0.0/16', service_cidr: '172.21.0.0/20' }),
    }).then((r) => r.json());
    tap.equal((await create('vpc-fxnope')).code, 'InvalidVpcId.NotFound', 'strict world after restart: unknown VPC');
    tap.ok(/^c[0-9a-f]{32}$/.test((await create('vpc-fxw1')).cluster_id), 'strict world after restart: known VPC');
    await daemon.stop();
    daemon = await startDaemon(bin, ['--db', ':memory:', '--catalog', join(fixturesDir, 'catalogs', 'small.json')]);
    const r = await (await fetch(`${daemon.url}/clusters`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'cli-catalog', cluster_type: 'ManagedKubernetes', region_id: 'xx-test-1', zone_id: 'xx-test-1-a', addons: [{ name: 'flannel' }] }),
    })).json();
    const detail = await (await fetch(`${daemon.url}/clusters/${r.cluster_id}`)).json();
    tap.equal(detail.current_version, '1.99.0-aliyun.1', '--catalog: the file\'s newest version is the default');
    await daemon.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

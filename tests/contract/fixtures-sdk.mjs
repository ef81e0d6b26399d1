// Replays every CreateCluster fixture (fixtures/create-cluster*/) through the
// official SDK 7.x, as an application would send it: the body is cast into
// the SDK's CreateClusterRequest model ($dara.cast, like tests/lib/clients.mjs),
// the client signs and sends it, and the answer must match the case's
// expected status, top-level code and ordered violation codes.
//
// A case the SDK model cannot carry unchanged (it drops unknown keys, casts
// "true" to true, throws on a string where it wants an object, ...) carries
// "sdk": false and an "sdk_reason"; it is still sent over raw HTTP, so the
// daemon's state stays the one the case sequence expects, and is reported as
// a TAP SKIP with its reason. Raw bodies (body_raw, body_base64) are not JSON
// objects and skip likewise. A case without "sdk": false that the SDK
// cannot cast is a failure: the skip must be documented.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startDaemon, run } from '../lib/daemon.mjs';
import { sdk7 } from '../lib/clients.mjs';

const require = createRequire(import.meta.url);
const CS7 = require('@alicloud/cs20151215');
const $dara = require('@darabonba/typescript');

const [bin, fixturesDir] = process.argv.slice(2);

function daemonArgs(sub) {
  let spec;
  try { spec = JSON.parse(readFileSync(join(fixturesDir, sub, 'daemon.json'), 'utf8')); } catch { return []; }
  return (spec.args || []).map((a) => a.replaceAll('{fixtures}', fixturesDir));
}

function loadDirs() {
  const dirs = [];
  for (const sub of readdirSync(fixturesDir).sort()) {
    if (!sub.startsWith('create-cluster') || !statSync(join(fixturesDir, sub)).isDirectory()) continue;
    const cases = readdirSync(join(fixturesDir, sub)).filter((f) => /^\d+.*\.json$/.test(f)).sort()
      .map((f) => ({ ...JSON.parse(readFileSync(join(fixturesDir, sub, f), 'utf8')), file: `${sub}/${f}` }));
    dirs.push({ sub, args: daemonArgs(sub), cases });
  }
  return dirs;
}

// Why the SDK cannot carry this case, or undefined when it can.
function skipReason(c) {
  const req = c.request;
  if (req.body_raw !== undefined || req.body_base64 !== undefined) return 'a raw body, not a JSON object';
  if (c.sdk === false) return c.sdk_reason || 'no reason given';
  if ((req.method || 'POST') === 'POST' && /^\/resource_groups\/[^/]+\/clusters$/.test(req.path)) {
    return `the SDK's createCluster always posts to /clusters, not ${req.path}`;
  }
  if ((req.method || 'POST') !== 'POST' || req.path !== '/clusters') return `not a CreateCluster request (${req.method} ${req.path})`;
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) return 'the body is not a JSON object';
  return undefined;
}

async function raw(daemon, c) {
  const req = c.request;
  const body = req.body_base64 !== undefined ? Buffer.from(req.body_base64, 'base64')
    : req.body_raw !== undefined ? req.body_raw
    : req.body !== undefined ? JSON.stringify(req.body) : undefined;
  await (await fetch(daemon.url + req.path, { method: req.method || 'POST', headers: { 'content-type': 'application/json' }, body })).text();
}

await run(async (tap) => {
  let sent = 0;
  let skipped = 0;
  for (const dir of loadDirs()) {
    const daemon = await startDaemon(bin, ['--db', ':memory:', ...dir.args]);
    const client = sdk7(`127.0.0.1:${daemon.port}`);
    try {
      for (const c of dir.cases) {
        const what = `${c.file}: ${c.description}`;
        const reason = skipReason(c);
        if (reason !== undefined) {
          if (c.sdk === false && !c.sdk_reason) tap.ok(false, `${what}: "sdk": false needs an "sdk_reason"`);
          await raw(daemon, c);
          tap.ok(true, `${what} # SKIP ${reason}`);
          skipped += 1;
          continue;
        }
        let request;
        try {
          request = $dara.cast(c.request.body, new CS7.CreateClusterRequest({}));
        } catch (e) {
          tap.ok(false, `${what}: the SDK model cannot carry this body; mark it "sdk": false with a reason`, String(e));
          continue;
        }
        let status;
        let code;
        let codes = [];
        try {
          const r = await client.raw.createCluster(request);
          status = r.statusCode;
        } catch (e) {
          if (e.statusCode === undefined) throw e;
          status = e.statusCode;
          code = e.code;
          codes = ((e.data && e.data.data) || []).map((v) => v.code);
        }
        sent += 1;
        const want = c.expect;
        const problems = [];
        if (status !== want.status) problems.push(`status ${status}, want ${want.status}`);
        if (want.code !== undefined && code !== want.code) problems.push(`code ${code}, want ${want.code}`);
        if (want.data_codes !== undefined && JSON.stringify(codes) !== JSON.stringify(want.data_codes)) {
          problems.push(`data codes ${JSON.stringify(codes)}, want ${JSON.stringify(want.data_codes)}`);
        }
        tap.ok(problems.length === 0, `${what} (SDK 7.x)`, problems.join('\n'));
      }
    } finally {
      await daemon.stop();
    }
  }
  tap.ok(sent > 100, `${sent} cases went through the SDK, ${skipped} skipped with a reason`);
});

// Replays every case of fixtures/<operation>/*.json against a real daemon over
// raw HTTP and checks status, top-level code and the ordered violation codes.
//
// A case: {"id", "description", "request": {"method", "path", "headers",
// "body" (JSON value) | "body_raw" (string sent as is) | "body_base64" (bytes)}, "expect": {"status",
// "code", "data_codes": [...], "data_parameters": [...], "body": {subset}}}.
// A directory may hold daemon.json, {"args": [...]}: its cases run against a
// daemon of their own started with those flags ("{fixtures}" in an argument
// is the fixtures directory). expect.headers, expect.detail and expect.detail_meta
// check response headers and, after a create, the cluster as DescribeClusterDetail
// shows it (subsets).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, run } from '../lib/daemon.mjs';

const [bin, fixturesDir] = process.argv.slice(2);

function loadCases(dir) {
  const cases = [];
  for (const sub of readdirSync(dir).sort()) {
    const path = join(dir, sub);
    if (!statSync(path).isDirectory()) continue;
    for (const file of readdirSync(path).sort()) {
      if (!file.endsWith('.json')) continue;
      const c = JSON.parse(readFileSync(join(path, file), 'utf8'));
      // fixtures/ also holds plain data (examples/, worlds/): a case has request and expect.
      if (c.request === undefined || c.expect === undefined) continue;
      c.file = `${sub}/${file}`;
      cases.push(c);
    }
  }
  return cases;
}

// True when every key of want is in got with an equal value (recursively).
function subset(got, want) {
  if (want === null || typeof want !== 'object') return got === want;
  if (got === null || typeof got !== 'object') return false;
  if (Array.isArray(want)) {
    return Array.isArray(got) && want.length === got.length && want.every((w, i) => subset(got[i], w));
  }
  return Object.keys(want).every((k) => subset(got[k], want[k]));
}

// The extra daemon flags of one fixture directory.
function daemonArgs(dir, sub) {
  let spec;
  try { spec = JSON.parse(readFileSync(join(dir, sub, 'daemon.json'), 'utf8')); } catch { return []; }
  return (spec.args || []).map((a) => a.replaceAll('{fixtures}', dir));
}

async function replay(tap, daemon, c) {
  const req = c.request;
  const body = req.body_base64 !== undefined ? Buffer.from(req.body_base64, 'base64')
    : req.body_raw !== undefined ? req.body_raw
    : req.body !== undefined ? JSON.stringify(req.body) : undefined;
  const res = await fetch(daemon.url + req.path, {
    method: req.method || 'POST',
    headers: { 'content-type': 'application/json', ...(req.headers || {}) },
    body,
  });
  const text = await res.text();
  let doc;
  try { doc = JSON.parse(text); } catch { doc = undefined; }
  const e = c.expect;
  const problems = [];
  if (res.status !== e.status) problems.push(`status ${res.status}, want ${e.status}`);
  if (doc === undefined) problems.push('body is not JSON');
  const code = doc && (doc.code ?? doc.Code);
  if (e.code !== undefined && code !== e.code) problems.push(`code ${code}, want ${e.code}`);
  if (e.data_codes !== undefined) {
    const got = ((doc && doc.data) || []).map((d) => d.code);
    if (JSON.stringify(got) !== JSON.stringify(e.data_codes)) {
      problems.push(`data codes ${JSON.stringify(got)}, want ${JSON.stringify(e.data_codes)}`);
    }
  }
  if (e.data_parameters !== undefined) {
    const got = ((doc && doc.data) || []).map((d) => d.parameter);
    if (JSON.stringify(got) !== JSON.stringify(e.data_parameters)) {
      problems.push(`data parameters ${JSON.stringify(got)}, want ${JSON.stringify(e.data_parameters)}`);
    }
  }
  if (e.body !== undefined && !subset(doc, e.body)) problems.push(`body ${text} lacks ${JSON.stringify(e.body)}`);
  if (e.headers !== undefined) {
    for (const [k, v] of Object.entries(e.headers)) {
      if (res.headers.get(k) !== v) problems.push(`header ${k}: ${res.headers.get(k)}, want ${v}`);
    }
  }
  if (!res.headers.get('x-acs-request-id')) problems.push('no x-acs-request-id header');
  // expect.detail / expect.detail_meta: after a create, DescribeClusterDetail (and its
  // meta_data, parsed) must contain these keys: the resolved defaults of create-cluster.md 4.
  if ((e.detail !== undefined || e.detail_meta !== undefined) && doc && doc.cluster_id) {
    const detail = await (await fetch(`${daemon.url}/clusters/${doc.cluster_id}`)).json();
    if (e.detail !== undefined && !subset(detail, e.detail)) problems.push(`detail ${JSON.stringify(detail)} lacks ${JSON.stringify(e.detail)}`);
    let meta;
    try { meta = JSON.parse(detail.meta_data); } catch { meta = undefined; }
    if (e.detail_meta !== undefined && !subset(meta, e.detail_meta)) problems.push(`meta_data ${detail.meta_data} lacks ${JSON.stringify(e.detail_meta)}`);
  }
  tap.ok(problems.length === 0, `${c.file}: ${c.description || c.id}`, problems.join('\n') + (problems.length ? `\nbody: ${text}` : ''));
}

await run(async (tap) => {
  const cases = loadCases(fixturesDir);
  tap.ok(cases.length > 0, `found ${cases.length} fixture cases`);
  // One daemon per distinct set of flags, shared by every directory that uses it.
  const groups = new Map();
  for (const c of cases) {
    const key = JSON.stringify(daemonArgs(fixturesDir, c.file.split('/')[0]));
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(c);
  }
  for (const [key, group] of groups) {
    const daemon = await startDaemon(bin, ['--db', ':memory:', ...JSON.parse(key)]);
    try {
      for (const c of group) await replay(tap, daemon, c);
    } finally {
      await daemon.stop();
    }
  }
});

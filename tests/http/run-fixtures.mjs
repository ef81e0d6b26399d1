// Replays every case of fixtures/<operation>/*.json against a real daemon over
// raw HTTP and checks status, top-level code and the ordered violation codes.
//
// A case: {"id", "description", "request": {"method", "path", "headers",
// "body" (JSON value) | "body_raw" (string sent as is) | "body_base64" (bytes)}, "expect": {"status",
// "code", "data_codes": [...], "data_parameters": [...], "body": {subset}}}.
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

await run(async (tap) => {
  const cases = loadCases(fixturesDir);
  tap.ok(cases.length > 0, `found ${cases.length} fixture cases`);
  const daemon = await startDaemon(bin, ['--db', ':memory:']);
  try {
    for (const c of cases) {
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
      if (!res.headers.get('x-acs-request-id')) problems.push('no x-acs-request-id header');
      tap.ok(problems.length === 0, `${c.file}: ${c.description || c.id}`, problems.join('\n') + (problems.length ? `\nbody: ${text}` : ''));
    }
  } finally {
    await daemon.stop();
  }
});

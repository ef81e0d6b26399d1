// auth-vectors.json over the wire: each captured request is sent as captured
// (method, raw target, headers in order with their case, raw body) with
// node:http to a daemon with --auth required and --max-skew 0 (the captures
// are from 2026-11-26) that holds the vector's secret for testid. A valid one
// must pass the gateway (any answer but an authentication error; routes that
// do not exist yet answer InvalidAction.NotFound before any check); a
// tampered one must be refused with its code.
import { readFileSync } from 'node:fs';
import { startDaemon, run } from '../lib/daemon.mjs';
import { send } from '../lib/signer.mjs';

const [bin, vectorsPath] = process.argv.slice(2);
const AUTH_CODES = ['IncompleteSignature', 'InvalidAccessKeyId.NotFound', 'SignatureDoesNotMatch', 'InvalidTimeStamp.Expired', 'SignatureNonceUsed'];

await run(async (tap) => {
  const { vectors } = JSON.parse(readFileSync(vectorsPath, 'utf8'));
  tap.equal(vectors.length, 94, '94 vectors');
  const secrets = [...new Set(vectors.map((v) => v.access_key_secret))];
  let routed = 0;
  for (const secret of secrets) {
    const daemon = await startDaemon(bin, ['--db', ':memory:', '--auth', 'required', '--max-skew', '0', '--credential', `testid:${secret}:default`]);
    try {
      for (const [i, v] of vectors.entries()) {
        if (v.access_key_secret !== secret) continue;
        const r = await send(daemon.port, { method: v.method, target: v.target, headers: v.headers, body: v.body });
        const what = `vector ${i} (${v.client} ${v.method} ${v.target})`;
        if (v.expect === 'valid') {
          tap.ok((r.status === 200 || r.code !== undefined) && !AUTH_CODES.includes(r.code) && r.status !== 500, `${what} passes the gateway`, `${r.status} ${r.body}`);
          if (r.code !== 'InvalidAction.NotFound') routed++;
        } else {
          tap.equal([r.status, r.code], [400, v.expect], `${what} is refused: ${v.why}`);
        }
      }
    } finally {
      await daemon.stop();
    }
  }
  tap.ok(routed >= 40, `most valid vectors reach a handler (${routed})`);
});

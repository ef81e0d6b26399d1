// The request journal under load: with --journal-max 50 and a couple of
// thousand concurrent requests it never holds more than 50 entries, the
// evictions metric counts exactly what was dropped, and no secret (login
// password, key pair, user data, the Authorization signature) appears in the
// journal, the log or any response. The log is --log-format json: every
// line must parse and carry the request id.
import net from 'node:net';
import { startDaemon, run } from '../lib/daemon.mjs';
import { request, clusterBody, pool, parsePrometheus, sample } from '../lib/admin.mjs';

const [bin] = process.argv.slice(2);
const CAP = 50;
const REQUESTS = 2000;
const SECRETS = {
  password: 'Pw-Secret-7d1c9a!',
  keyPair: 'kp-secret-5e2b',
  userData: 'IyEvYmluL3NoCmVjaG8gc2VjcmV0LXVkLTkxZjM=',
  signature: 'SigSecret0a9b8c7d6e5f',
};
const ALL_SECRETS = Object.values(SECRETS);

function leaks(text) {
  return ALL_SECRETS.filter((s) => text.includes(s));
}

await run(async (tap) => {
  const daemon = await startDaemon(bin, ['--db', ':memory:', '--journal-max', String(CAP),
    '--log-level', 'info', '--log-format', 'json']);
  const responseLeaks = [];
  let maxSeen = 0;
  try {
    // A mix: creates carrying each secret (some valid, some not), reads, unknown routes, signed-looking requests.
    const send = async (i) => {
      let r;
      switch (i % 5) {
        case 0:
          r = await request(daemon, 'POST', '/clusters', clusterBody(`j-${i}`, { login_password: SECRETS.password }));
          break;
        case 1:
          r = await request(daemon, 'POST', '/clusters', clusterBody(`j-${i}`, { key_pair: SECRETS.keyPair, user_data: SECRETS.userData }));
          break;
        case 2:
          // Invalid on purpose: a failing validation must not echo the secret either.
          r = await request(daemon, 'POST', '/clusters', { name: 7, login_password: SECRETS.password, nested: { user_data: SECRETS.userData } });
          break;
        case 3:
          r = await request(daemon, 'GET', '/clusters/c00000000000000000000000000000000', undefined,
            { authorization: `acs testid:${SECRETS.signature}` });
          break;
        default:
          r = await request(daemon, 'POST', '/no/such/route', `login_password=${SECRETS.password}`);
      }
      if (leaks(r.text).length > 0) responseLeaks.push(`${i}: ${r.text}`);
      if (i % 250 === 0) {
        const j = await request(daemon, 'GET', `/_mock/requests?limit=10000`);
        maxSeen = Math.max(maxSeen, j.json.requests.length);
      }
      return r.status;
    };
    const statuses = await pool(REQUESTS, 16, send);
    tap.ok(statuses.every((s) => s >= 200 && s < 500), 'every request was answered without a server error');
    tap.equal(responseLeaks, [], 'no secret in any response');

    const j = await request(daemon, 'GET', '/_mock/requests?limit=10000');
    maxSeen = Math.max(maxSeen, j.json.requests.length);
    tap.equal(j.json.requests.length, CAP, `the journal holds exactly --journal-max (${CAP}) entries`);
    tap.ok(maxSeen <= CAP, `it never held more than ${CAP} (max seen ${maxSeen})`);
    tap.equal(leaks(j.text), [], 'no secret in the journal');
    const withPassword = j.json.requests.filter((e) => e.request_body && typeof e.request_body === 'object' && 'login_password' in e.request_body);
    tap.ok(withPassword.length > 0 && withPassword.every((e) => e.request_body.login_password === '***'), 'login_password is "***" in the journal');
    const nested = j.json.requests.filter((e) => e.request_body && e.request_body.nested);
    tap.ok(nested.length > 0 && nested.every((e) => e.request_body.nested.user_data === '***'), 'user_data is "***" at any depth');
    const signed = j.json.requests.filter((e) => e.headers && e.headers.authorization);
    tap.ok(signed.length > 0 && signed.every((e) => e.headers.authorization === 'acs testid:***'), 'the Authorization signature is cut');
    const form = j.json.requests.filter((e) => e.path === '/no/such/route');
    tap.ok(form.length > 0 && form.every((e) => /withheld/.test(e.request_body)), 'a non-JSON body naming a secret is withheld');

    const m = await request(daemon, 'GET', '/_mock/metrics');
    const parsed = parsePrometheus(m.text);
    tap.equal(sample(parsed, 'ackmock_journal_evictions_total', 'ackmock_journal_evictions_total'), REQUESTS - CAP,
      `evictions count every entry dropped (${REQUESTS} - ${CAP})`);
    const total = parsed.families.get('ackmock_requests_total').samples
      .filter((s) => !s.labels.operation.startsWith('Admin')).reduce((n, s) => n + s.value, 0);
    tap.equal(total, REQUESTS, 'requests_total counts every API request');

    // Raw bytes that are not UTF-8, quotes and backslashes in the path and the key id.
    await new Promise((resolve, reject) => {
      const sock = net.connect(daemon.port, '127.0.0.1', () => sock.end(Buffer.concat([
        Buffer.from('GET /clusters/'), Buffer.from([0xff, 0xfe, 0x22]), Buffer.from('x HTTP/1.1\r\nHost: h\r\nAuthorization: acs '),
        Buffer.from([0xff, 0x22, 0x5c]), Buffer.from(':sig\r\nConnection: close\r\n\r\n')])));
      sock.on('data', () => {});
      sock.on('end', resolve);
      sock.on('error', reject);
    });
    const raw = await request(daemon, 'GET', '/_mock/requests?limit=1');
    tap.equal([raw.json.requests[0].path, raw.json.requests[0].headers.Authorization], ['/clusters/%FF%FE"x', 'acs %FF"\\:***'],
      'bytes that are not printable ASCII are escaped in the journal');
  } finally {
    tap.equal(await daemon.stop(), 0, 'daemon exits 0');
  }
  const log = daemon.stderr();
  tap.equal(leaks(log), [], 'no secret in the log');
  const lines = log.split('\n').filter((l) => l.startsWith('{'));
  const bad = lines.filter((l) => { try { const o = JSON.parse(l); return typeof o.request_id !== 'string' || typeof o.status !== 'number'; } catch { return true; } });
  tap.equal(bad.slice(0, 3), [], 'every JSON log line parses and has request_id and status');
  tap.ok(lines.length >= REQUESTS, `one log line per request (${lines.length} lines for ${REQUESTS}+ requests)`);
});

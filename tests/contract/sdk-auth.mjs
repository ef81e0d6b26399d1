// Signatures with --auth required (auth.md): every official client completes
// create -> describe task -> describe cluster; a wrong secret is
// SignatureDoesNotMatch, an unknown key 404 InvalidAccessKeyId.NotFound; a
// second key is a second account; special characters in path parameters and
// query values verify; an independent signer written from auth.md (ROA with
// its resource variants, ACS3-HMAC-SHA256, ACS3-HMAC-SM3) is accepted; skewed
// clocks and replayed captured requests are refused. Then --auth off and the
// default optional mode.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, run } from '../lib/daemon.mjs';
import { allClients, sdk7, popCore } from '../lib/clients.mjs';
import { signRoa, signAcs3, send, captureServer } from '../lib/signer.mjs';

const require = createRequire(import.meta.url);
const OpenApiCore = require('@alicloud/openapi-core');
const OpenApiClient = require('@alicloud/openapi-client');
const OpenApiUtil = require('@alicloud/openapi-util');
const TeaUtil = require('@alicloud/tea-util');
const $dara = require('@darabonba/typescript');

const [bin, fixturesDir] = process.argv.slice(2);
const example = JSON.parse(readFileSync(join(fixturesDir, 'examples', 'page-flannel.json'), 'utf8'));
// Each cluster in its own VPC: the example's pod CIDR may be used once per VPC (create-cluster.md S2).
const vpcFor = (name) => `vpc-${name.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
const KEY = { id: 'testid', secret: 'testsecret' };
const OTHER = { id: 'other-key', secret: 'other-secret' };
const SPECIAL_ID = "c a+b*~!'()中/=&x";
const SPECIAL_VALUE = "a b!*'()~中+/=&x";

// The code and status of an SDK error, whatever the client's error shape.
function failure(e) {
  const data = e.data || {};
  return {
    code: e.code || data.Code || data.code || (e.result && (e.result.Code || e.result.code)) || (e.name || '').replace(/Error$/, ''),
    status: e.statusCode || data.statusCode || (e.data && e.data.httpCode),
    message: String(e.message || ''),
  };
}

async function expectFailure(tap, promise, code, name, status) {
  try {
    await promise;
    tap.ok(false, name, 'the call succeeded');
  } catch (e) {
    const f = failure(e);
    tap.ok(f.code === code || f.message.includes(code), `${name}: ${code}`, `${f.code} ${f.status} ${f.message}`);
    if (status !== undefined) tap.equal(f.status, status, `${name}: HTTP ${status}`);
    return f;
  }
  return undefined;
}

// GET /clusters/{SPECIAL_ID}?name=SPECIAL_VALUE&empty= through each client's generic call.
function describeWithQuery(client, id, query) {
  if (client.name.startsWith('sdk7')) {
    const params = new OpenApiCore.$OpenApiUtil.Params({
      action: 'DescribeClusterDetail', version: '2015-12-15', protocol: 'HTTPS',
      pathname: `/clusters/${$dara.URL.percentEncode(id)}`, method: 'GET', authType: 'AK', style: 'ROA',
      reqBodyType: 'json', bodyType: 'json',
    });
    return client.raw.callApi(params, new OpenApiCore.$OpenApiUtil.OpenApiRequest({ headers: {}, query }), new $dara.RuntimeOptions({}));
  }
  if (client.name === 'sdk3') {
    const params = new OpenApiClient.Params({
      action: 'DescribeClusterDetail', version: '2015-12-15', protocol: 'HTTPS',
      pathname: `/clusters/${OpenApiUtil.default.getEncodeParam(id)}`, method: 'GET', authType: 'AK', style: 'ROA',
      reqBodyType: 'json', bodyType: 'json',
    });
    return client.raw.callApi(params, new OpenApiClient.OpenApiRequest({ headers: {}, query }), new TeaUtil.RuntimeOptions({}));
  }
  return client.raw.request('GET', `/clusters/${encodeURIComponent(id)}`, query, '', {}, { timeout: 10000 });
}

await run(async (tap) => {
  const dir = mkdtempSync(join(tmpdir(), 'ackmock-auth-'));
  const credFile = join(dir, 'credentials.json');
  writeFileSync(credFile, JSON.stringify([
    { access_key_id: KEY.id, access_key_secret: KEY.secret, account: 'default' },
    { access_key_id: OTHER.id, access_key_secret: OTHER.secret, account: 'tenant-2' },
  ]));
  // A bad credentials file stops the daemon at start-up with one line and status 2.
  const badFile = join(dir, 'bad.json');
  writeFileSync(badFile, '[{"access_key_id":"k"}]');
  for (const file of [badFile, join(dir, 'missing.json')]) {
    const p = spawnSync(bin, ['--listen', '127.0.0.1:0', '--db', ':memory:', '--credentials', file], { encoding: 'utf8', timeout: 10000 });
    tap.ok(p.status === 2 && p.stderr.trim().split('\n').length === 1 && p.stderr.includes(file), `bad --credentials ${file.slice(dir.length + 1)}: one line, exit 2`, `${p.status} ${p.stderr}`);
  }
  const daemon = await startDaemon(bin, ['--db', ':memory:', '--auth', 'required', '--credentials', credFile]);
  const endpoint = `127.0.0.1:${daemon.port}`;
  const host = endpoint;
  try {
    // Every official client, both signing schemes: the create-then-read flow.
    let firstCluster;
    for (const client of allClients(endpoint, KEY)) {
      const body = { ...example, name: `auth-${client.name}`, vpcid: vpcFor(`auth-${client.name}`) };
      const r = await client.create(body);
      tap.ok(/^c[0-9a-f]{32}$/.test(r.clusterId), `${client.name}: signed create succeeds`, r);
      const task = await client.task(r.taskId);
      tap.equal(task.cluster_id ?? task.clusterId, r.clusterId, `${client.name}: signed describe task`);
      const cluster = await client.cluster(r.clusterId);
      tap.equal(cluster.name, body.name, `${client.name}: signed describe cluster`);
      firstCluster ??= r.clusterId;
    }

    // A wrong secret and an unknown key, for every client.
    for (const client of allClients(endpoint, { id: KEY.id, secret: 'not-the-secret' })) {
      const f = await expectFailure(tap, client.cluster(firstCluster), 'SignatureDoesNotMatch', `${client.name} wrong secret`, 400);
      tap.ok(f && f.message.includes('server string to sign is:'), `${client.name} wrong secret: the message shows the server's string to sign`, f && f.message);
    }
    for (const client of allClients(endpoint, { id: 'nobody', secret: 'x' })) {
      await expectFailure(tap, client.cluster(firstCluster), 'InvalidAccessKeyId.NotFound', `${client.name} unknown key`, 404);
    }

    // A second credential of the file is a second account.
    const other = sdk7(endpoint, OTHER);
    await expectFailure(tap, other.cluster(firstCluster), 'ErrorClusterNotFound', 'another account cannot see the cluster', 404);
    const mine = await other.create({ ...example, name: 'auth-sdk7-v3', vpcid: vpcFor('auth-sdk7-v3') });
    tap.ok(/^c[0-9a-f]{32}$/.test(mine.clusterId), 'the same name is free in another account');

    // Special characters in path parameters and query values verify with every client.
    for (const client of allClients(endpoint, KEY)) {
      await expectFailure(tap, describeWithQuery(client, SPECIAL_ID, { name: SPECIAL_VALUE, page_size: '10' }),
        'ErrorClusterNotFound', `${client.name}: special characters in path and query verify`, 404);
    }

    // Unsigned, and a malformed Authorization.
    let r = await send(daemon.port, { method: 'GET', target: `/clusters/${firstCluster}`, headers: { host } });
    tap.equal([r.status, r.code], [400, 'IncompleteSignature'], 'unsigned request: IncompleteSignature');
    r = await send(daemon.port, { method: 'GET', target: `/clusters/${firstCluster}`, headers: { host, authorization: 'ACS3-HMAC-SHA256 Credential=testid' } });
    tap.equal([r.status, r.code], [400, 'IncompleteSignature'], 'malformed Authorization: IncompleteSignature');
    r = await send(daemon.port, { method: 'GET', target: '/_mock/health', headers: { host } });
    tap.equal(r.status, 200, 'the admin API is not signed');

    // The independent signer, from auth.md alone.
    const path = `/clusters/${encodeURIComponent(SPECIAL_ID).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
    const query = [['page_size', '10'], ['name', SPECIAL_VALUE], ['empty', '']];
    const cases = [
      ['ROA, empty value as k=', signRoa({ method: 'GET', path, query, key: KEY })],
      ['ROA, empty value as bare k', signRoa({ method: 'GET', path, query: query.map(([k, v]) => [k, v, v === '' ? 'bare' : 'eq']), key: KEY, form: 'bare' })],
      ['ROA, trailing ? with no query', signRoa({ method: 'GET', path, key: KEY, trailingQuestionMark: true })],
      ['ROA, no query', signRoa({ method: 'GET', path, key: KEY })],
      ['ACS3-HMAC-SHA256', signAcs3({ method: 'GET', path, query, key: KEY, host })],
      ['ACS3-HMAC-SM3', signAcs3({ method: 'GET', path, query, key: KEY, host, alg: 'sm3' })],
    ];
    for (const [what, req] of cases) {
      r = await send(daemon.port, req);
      tap.equal([r.status, r.code], [404, 'ErrorClusterNotFound'], `independent signer, ${what}: verified`);
    }
    for (const alg of ['sha256', 'sm3']) {
      const body = JSON.stringify({ ...example, name: `auth-independent-${alg}`, vpcid: vpcFor(`auth-independent-${alg}`) });
      const req = signAcs3({ method: 'POST', path: '/clusters', body, key: KEY, host, alg, headers: { 'content-type': 'application/json' } });
      r = await send(daemon.port, req);
      tap.ok(r.status === 200 && /^c[0-9a-f]{32}$/.test(r.json.cluster_id), `independent signer, ACS3 ${alg}: create succeeds`, r.body);
      const tampered = signAcs3({ method: 'POST', path: '/clusters', body, key: KEY, host, alg, headers: { 'content-type': 'application/json' } });
      r = await send(daemon.port, { ...tampered, body: body.replace('auth-independent', 'auth-tampered') });
      tap.equal([r.status, r.code], [400, 'SignatureDoesNotMatch'], `independent signer, ACS3 ${alg}: a changed body is refused`);
    }
    {
      const body = JSON.stringify({ ...example, name: 'auth-independent-roa', vpcid: vpcFor('auth-independent-roa') });
      r = await send(daemon.port, signRoa({ method: 'POST', path: '/clusters', body, key: KEY, headers: { 'content-type': 'application/json' } }));
      tap.ok(r.status === 200, 'independent signer, ROA: create with Content-MD5 succeeds', r.body);
      const req = signRoa({ method: 'GET', path: '/clusters/x', key: KEY, headers: { 'x-acs-extra': 'one' } });
      r = await send(daemon.port, { ...req, headers: { ...req.headers, 'x-acs-extra': 'two' } });
      tap.equal(r.code, 'SignatureDoesNotMatch', 'ROA: a changed x-acs-* header is refused');
      tap.equal(r.json && r.json.Message, `Specified signature is not matched with our calculation. server string to sign is:${req.stringToSign.replace('x-acs-extra:one', 'x-acs-extra:two')}`,
        'ROA: the Message ends with exactly the server string to sign');
    }

    // Clock skew (default --max-skew 900).
    r = await send(daemon.port, signAcs3({ method: 'GET', path: '/clusters/x', key: KEY, host, date: new Date(Date.now() - 3600e3) }));
    tap.equal([r.status, r.code], [400, 'InvalidTimeStamp.Expired'], 'ACS3 signed an hour ago: InvalidTimeStamp.Expired');
    r = await send(daemon.port, signRoa({ method: 'GET', path: '/clusters/x', key: KEY, date: new Date(Date.now() + 3600e3) }));
    tap.equal([r.status, r.code], [400, 'InvalidTimeStamp.Expired'], 'ROA dated an hour ahead: InvalidTimeStamp.Expired');
    r = await send(daemon.port, signAcs3({ method: 'GET', path: '/clusters/x', key: KEY, host, date: new Date(Date.now() - 600e3) }));
    tap.equal(r.code, 'ErrorClusterNotFound', 'signed ten minutes ago: within the skew');

    // Replay: capture what the official clients send, then send it twice.
    const cap = await captureServer((req) => (req.method === 'POST'
      ? { status: 200, body: '{"cluster_id":"c0","task_id":"T-0","request_id":"R"}' }
      : { status: 200, body: '{}' }));
    try {
      await sdk7(`127.0.0.1:${cap.port}`, KEY).create({ ...example, name: 'auth-replayed', vpcid: vpcFor('auth-replayed') });
      await popCore(`127.0.0.1:${cap.port}`, KEY).task('T-000000000000000000000000');
      await sdk7(`127.0.0.1:${cap.port}`, KEY, { signatureAlgorithm: 'v2' }).create({ ...example, name: 'auth-sdk7-v3', vpcid: vpcFor('auth-sdk7-v3') });
      await sdk7(`127.0.0.1:${cap.port}`, KEY).create({ addons: [{ name: 'flannel' }] });
      const [create, read, takenCreate, invalidCreate] = cap.requests;
      const first = await send(daemon.port, create);
      tap.equal(first.status, 200, 'captured sdk7 create: the first send creates');
      const again = await send(daemon.port, create);
      tap.equal([again.status, again.code], [400, 'SignatureNonceUsed'], 'captured sdk7 create sent again: SignatureNonceUsed');
      r = await send(daemon.port, read);
      tap.equal(r.code, 'ErrorTaskNotFound', 'captured pop-core read: the first send is answered');
      r = await send(daemon.port, read);
      tap.equal([r.status, r.code], [400, 'SignatureNonceUsed'], 'captured pop-core read sent again: SignatureNonceUsed');
      // A create that fails in the writer (name taken) and one that fails validation: both used their nonce.
      r = await send(daemon.port, takenCreate);
      tap.equal(r.code, 'ClusterNameAlreadyExist', 'captured create of a taken name: refused by the writer');
      r = await send(daemon.port, takenCreate);
      tap.equal(r.code, 'SignatureNonceUsed', 'captured create of a taken name sent again: SignatureNonceUsed');
      r = await send(daemon.port, invalidCreate);
      tap.equal(r.code, 'MissingParameter', 'captured invalid create: refused by validation');
      r = await send(daemon.port, invalidCreate);
      tap.equal(r.code, 'SignatureNonceUsed', 'captured invalid create sent again: SignatureNonceUsed');

      // Ten concurrent copies of one fresh signed request: exactly one gets through.
      const fresh = signAcs3({ method: 'GET', path: '/tasks/T-1', key: KEY, host });
      const answers = await Promise.all(Array.from({ length: 10 }, () => send(daemon.port, fresh)));
      const codes = answers.map((a) => a.code);
      tap.equal(codes.filter((c) => c === 'SignatureNonceUsed').length, 9, 'ten concurrent replays: nine SignatureNonceUsed', codes);
      tap.equal(codes.filter((c) => c === 'ErrorTaskNotFound').length, 1, 'ten concurrent replays: one answered');
    } finally {
      await cap.close();
    }
  } finally {
    await daemon.stop();
  }

  // --auth off: nothing is checked, the AccessKeyId named is the account.
  const off = await startDaemon(bin, ['--db', ':memory:', '--auth', 'off']);
  try {
    const x = sdk7(`127.0.0.1:${off.port}`, { id: 'tenant-x', secret: 'anything' });
    const r = await x.create({ ...example, name: 'auth-off', vpcid: vpcFor('auth-off') });
    tap.equal((await x.cluster(r.clusterId)).name, 'auth-off', '--auth off: any secret is accepted');
    await expectFailure(tap, popCore(`127.0.0.1:${off.port}`, { id: 'tenant-y', secret: 'x' }).cluster(r.clusterId),
      'ErrorClusterNotFound', '--auth off: another AccessKeyId is another account', 404);
  } finally {
    await off.stop();
  }

  // --auth optional (default): unsigned requests and the built-in testid share account "default".
  const optional = await startDaemon(bin, ['--db', ':memory:']);
  try {
    const body = JSON.stringify({ ...example, name: 'auth-optional', vpcid: vpcFor('auth-optional') });
    const r = await send(optional.port, { method: 'POST', target: '/clusters', headers: { 'content-type': 'application/json' }, body });
    tap.equal(r.status, 200, '--auth optional: an unsigned create is accepted');
    const signed = popCore(`127.0.0.1:${optional.port}`, KEY);
    tap.equal((await signed.cluster(r.json.cluster_id)).name, 'auth-optional', '--auth optional: testid reads the unsigned create (account default)');
    await expectFailure(tap, popCore(`127.0.0.1:${optional.port}`, { id: KEY.id, secret: 'wrong' }).cluster(r.json.cluster_id),
      'SignatureDoesNotMatch', '--auth optional: a signed request is still verified', 400);
  } finally {
    await optional.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

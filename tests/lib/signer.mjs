// An independent signer, written from auth.md alone (not from any SDK), for
// the two schemes, so the tests show that a client built against the
// published text is accepted. Also: raw requests over node:http, and a
// capturing server that records what an official client sends.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';

// RFC 3986: everything but A-Z a-z 0-9 - _ . ~ as %XX, upper-case hex.
export function rfc3986(s) {
  return Array.from(Buffer.from(s, 'utf8'))
    .map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

const hex = (alg, data) => createHash(alg).update(data).digest('hex');

// query: [[key, value, form]] with form 'eq' (k=v, default) or 'bare' (k, for an empty value).
function targetOf(path, query, trailingQuestionMark) {
  if (query.length === 0) return trailingQuestionMark ? `${path}?` : path;
  return `${path}?${query.map(([k, v, form]) => (form === 'bare' ? rfc3986(k) : `${rfc3986(k)}=${rfc3986(v)}`)).join('&')}`;
}

// Scheme 1. opts.form: how the signed resource writes an empty value ('eq' -> "k=", 'bare' -> "k").
export function signRoa({ method, path, query = [], headers = {}, body = '', key, date = new Date(), form = 'eq', trailingQuestionMark = false }) {
  const h = {
    accept: 'application/json',
    date: date.toUTCString(),
    'x-acs-signature-nonce': randomBytes(16).toString('hex'),
    'x-acs-signature-method': 'HMAC-SHA1',
    'x-acs-signature-version': '1.0',
    'x-acs-version': '2015-12-15',
    ...headers,
  };
  if (body !== '') h['content-md5'] = createHash('md5').update(body).digest('base64');
  const acs = Object.keys(h).filter((k) => k.toLowerCase().startsWith('x-acs-')).sort()
    .map((k) => `${k.toLowerCase()}:${String(h[k]).replace(/[\t\n\r\f]/g, ' ').trim()}\n`).join('');
  const sorted = [...query].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let resource = path;
  if (query.length > 0) {
    resource += `?${sorted.map(([k, v]) => (v === '' && form === 'bare' ? k : `${k}=${v}`)).join('&')}`;
  } else if (trailingQuestionMark) {
    resource += '?';
  }
  const sts = [method, h.accept ?? '', h['content-md5'] ?? '', h['content-type'] ?? '', h.date ?? ''].join('\n') + '\n' + acs + resource;
  h.authorization = `acs ${key.id}:${createHmac('sha1', key.secret).update(sts).digest('base64')}`;
  return { method, target: targetOf(path, query, trailingQuestionMark), headers: h, body, stringToSign: sts };
}

// Scheme 2, with SHA-256 or SM3.
export function signAcs3({ method, path, query = [], headers = {}, body = '', key, host, date = new Date(), alg = 'sha256' }) {
  const name = alg === 'sm3' ? 'ACS3-HMAC-SM3' : 'ACS3-HMAC-SHA256';
  const bodyHash = hex(alg, body);
  const h = {
    host,
    'x-acs-action': 'Test',
    'x-acs-version': '2015-12-15',
    'x-acs-date': date.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': randomBytes(16).toString('hex'),
    [alg === 'sm3' ? 'x-acs-content-sm3' : 'x-acs-content-sha256']: bodyHash,
    ...headers,
  };
  const signed = Object.keys(h).map((k) => k.toLowerCase()).filter((k) => k === 'host' || k === 'content-type' || k.startsWith('x-acs-')).sort();
  const uri = path.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
  const cq = [...query].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
  const ch = signed.map((k) => `${k}:${String(h[Object.keys(h).find((x) => x.toLowerCase() === k)]).trim()}\n`).join('');
  const cr = [method, uri, cq, ch, signed.join(';'), bodyHash].join('\n');
  const sts = `${name}\n${hex(alg, cr)}`;
  const sig = createHmac(alg, key.secret).update(sts).digest('hex');
  h.authorization = `${name} Credential=${key.id},SignedHeaders=${signed.join(';')},Signature=${sig}`;
  return { method, target: targetOf(path, query, false), headers: h, body, stringToSign: sts, canonicalRequest: cr };
}

// Sends a request exactly as given (headers in order, names as written); resolves {status, body, json}.
export function send(port, { method, target, headers, body = '' }) {
  return new Promise((resolve, reject) => {
    const list = Array.isArray(headers) ? headers : Object.entries(headers);
    const raw = [];
    for (const [k, v] of list) raw.push(k, v);
    if (!list.some(([k]) => k.toLowerCase() === 'content-length') && body !== '') raw.push('content-length', String(Buffer.byteLength(body)));
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers: raw, setHost: false, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, body: text, json, code: json ? (json.Code ?? json.code) : undefined });
      });
    });
    req.on('error', reject);
    if (body !== '') req.write(body);
    req.end();
  });
}

// A server that records every request an official client sends and answers
// with canned JSON; requests[] holds {method, target, headers: [[k, v]], body}.
export async function captureServer(answer = () => ({ status: 200, body: '{}' })) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      const r = { method: req.method, target: req.url, headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const a = answer(r);
      res.writeHead(a.status, { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': '00000000-0000-0000-0000-000000000000' });
      res.end(a.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { port: server.address().port, requests, close: () => new Promise((r) => server.close(r)) };
}

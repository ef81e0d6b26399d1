// An independent load generator for valid CreateCluster (scripts/bench --crosscheck):
// Node's own HTTP client, keep-alive, CONNECTIONS requests in flight for SECONDS, each
// body tests/bench/create-valid.json with a name of its own. h2load, the other
// cross-check, can only send one fixed body, and a name may exist once per account.
// usage: node create-load.mjs PORT SECONDS CONNECTIONS PREFIX
// Sockets are TCP_NODELAY: with Nagle on, a body sent after its headers waits
// for the delayed ACK (40 ms), which capped the rate at ~1,000/s.
// Prints one line: BENCH {"requests":N,"duration_us":N,"statuses":{...},"p50_us":N,"p99_us":N}
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [port, seconds, connections, prefix] = process.argv.slice(2);
const template = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'create-valid.json'), 'utf8');
const agent = new http.Agent({ keepAlive: true, noDelay: true, maxSockets: Number(connections) });
const statuses = {};
const latencies = [];
let counter = 0;
const start = process.hrtime.bigint();
const end = start + BigInt(Math.round(Number(seconds) * 1e9));

function one() {
  return new Promise((resolve) => {
    const body = template.replace('@NAME@', `${prefix}-${counter++}`);
    const t0 = process.hrtime.bigint();
    const req = http.request({
      host: '127.0.0.1', port: Number(port), method: 'POST', path: '/clusters', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        latencies.push(Number(process.hrtime.bigint() - t0) / 1000);
        resolve();
      });
    });
    req.on('error', () => { statuses.error = (statuses.error || 0) + 1; resolve(); });
    req.end(body);
  });
}

async function worker() {
  while (process.hrtime.bigint() < end) await one();
}

await Promise.all(Array.from({ length: Number(connections) }, worker));
const duration = Number(process.hrtime.bigint() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] || 0);
console.log(`BENCH ${JSON.stringify({
  requests: latencies.length, duration_us: Math.round(duration), statuses,
  p50_us: pct(0.5), p99_us: pct(0.99),
})}`);
agent.destroy();

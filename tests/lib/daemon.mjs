// Starting and stopping a real ackmock daemon for the Node.js test programs,
// and a minimal TAP producer so meson reads their results (protocol: 'tap').
import { spawn } from 'node:child_process';
import { once } from 'node:events';

// Exit codes of the daemons stopped with SIGTERM: run() checks they are all 0,
// so a leak that LeakSanitizer reports at exit fails the test that ran it.
const terminated = [];

export async function startDaemon(bin, args = []) {
  const proc = spawn(bin, ['--listen', '127.0.0.1:0', '--log-level', 'warn', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  // The daemon's own stderr (warnings, sanitizer reports) goes to ours: meson shows it on failure.
  proc.stderr.on('data', (d) => { stderr += d; process.stderr.write(d); });
  let out = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start: ${stderr}`)), 10000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/ackmock listening on http:\/\/[^:]+:(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`daemon exited ${code}: ${stderr}`)); });
  });
  return {
    port,
    proc,
    url: `http://127.0.0.1:${port}`,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      const [code] = await once(proc, 'exit');
      if (signal === 'SIGTERM') terminated.push({ code, stderr: stderr.slice(-2000) });
      return code;
    },
  };
}

export class Tap {
  constructor() { this.n = 0; this.failed = 0; }
  ok(cond, name, detail) {
    this.n += 1;
    if (!cond) this.failed += 1;
    console.log(`${cond ? 'ok' : 'not ok'} ${this.n} - ${name}`);
    if (!cond && detail !== undefined) {
      for (const line of String(typeof detail === 'string' ? detail : JSON.stringify(detail, null, 1)).split('\n')) {
        console.log(`#   ${line}`);
      }
    }
    return cond;
  }
  equal(got, want, name) {
    const same = JSON.stringify(got) === JSON.stringify(want);
    return this.ok(same, name, same ? undefined : `got:  ${JSON.stringify(got)}\nwant: ${JSON.stringify(want)}`);
  }
  done() {
    console.log(`1..${this.n}`);
    process.exitCode = this.failed === 0 ? 0 : 1;
  }
}

// Runs body(tap) and turns an unexpected exception into a failed test, not a crash.
export async function run(body) {
  const tap = new Tap();
  try {
    await body(tap);
  } catch (e) {
    tap.ok(false, 'no unexpected exception', e && e.stack ? e.stack : String(e));
  }
  if (terminated.length > 0) {
    const bad = terminated.filter((t) => t.code !== 0);
    tap.ok(bad.length === 0, `every daemon stopped with SIGTERM exited 0 (${terminated.length})`,
      bad.map((t) => `exit ${t.code}: ${t.stderr}`).join('\n'));
  }
  tap.done();
}

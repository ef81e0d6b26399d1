// The command line (admin.md section 1): --check-config prints the effective
// configuration and exits 0; a bad flag, value, variable or file exits 2
// with one line on stderr; flags win over ACKMOCK_* variables; a second
// daemon on a database file that one already uses exits 1 at once.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, startDaemon } from '../lib/daemon.mjs';

const [bin] = process.argv.slice(2);

function ackmock(args, env = {}) {
  const r = spawnSync(bin, args, { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 10000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

await run(async (tap) => {
  let r = ackmock(['--check-config', '--db', ':memory:', '--journal-max', '50']);
  tap.equal(r.code, 0, '--check-config exits 0');
  tap.ok(/^journal_max = 50$/m.test(r.out) && /^db = :memory:$/m.test(r.out), '--check-config prints the effective values', r.out);
  tap.ok(!/testsecret/.test(r.out), '--check-config prints no secret');
  tap.ok(/^sync = off$/m.test(r.out), '--sync defaults to off', r.out);
  r = ackmock(['--check-config', '--db', ':memory:'], { ACKMOCK_SYNC: 'full' });
  tap.ok(/^sync = full$/m.test(r.out), 'ACKMOCK_SYNC=full is read', r.out);

  r = ackmock(['--check-config', '--journal-max', '9'], { ACKMOCK_JOURNAL_MAX: '7', ACKMOCK_LOG_FORMAT: 'json' });
  tap.ok(/^journal_max = 9$/m.test(r.out) && /^log_format = json$/m.test(r.out), 'flags win; variables fill the rest', r.out);

  const bad = [
    ['unknown flag', ['--frobnicate'], {}],
    ['bad value', ['--log-level', 'loud'], {}],
    ['bad sync mode', ['--sync', 'always'], {}],
    ['bad variable', [], { ACKMOCK_TIME_SCALE: '-1' }],
    ['missing world file', ['--world', '/nonexistent/world.json'], {}],
    ['host name', ['--listen', 'example.com:80'], {}],
  ];
  for (const [what, args, env] of bad) {
    for (const check of [true, false]) {
      r = ackmock([...(check ? ['--check-config'] : []), '--db', ':memory:', ...args], env);
      const lines = r.err.split('\n').filter((l) => l !== '');
      tap.ok(r.code === 2 && lines.length === 1 && lines[0].startsWith('ackmock: '),
        `${what}${check ? ' (--check-config)' : ''}: exit 2 with one line: ${lines[0]}`, r);
    }
  }
  r = ackmock(['--version']);
  tap.ok(r.code === 0 && /^ackmock \d+\.\d+\.\d+$/m.test(r.out), '--version');
  r = ackmock(['--help']);
  tap.ok(r.code === 0 && /--journal-max/.test(r.out) && /ACKMOCK_JOURNAL_MAX/.test(r.out), '--help lists flags and variables');

  // One daemon per database file: a second one is refused at once, and the first goes on.
  const dir = mkdtempSync(join(tmpdir(), 'ackmock-cli.'));
  try {
    const db = join(dir, 'one.db');
    const first = await startDaemon(bin, ['--db', db]);
    try {
      const t0 = Date.now();
      r = ackmock(['--listen', '127.0.0.1:0', '--db', db]);
      const ms = Date.now() - t0;
      tap.ok(r.code === 1 && /in use by another process/.test(r.err) && ms < 2000,
        `a second daemon on the same file exits 1 at once (${ms} ms): ${r.err.trim()}`, r);
      const res = await fetch(`${first.url}/_mock/ready`);
      tap.equal(res.status, 200, 'the first daemon still serves');
    } finally {
      tap.equal(await first.stop(), 0, 'the first daemon stops');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

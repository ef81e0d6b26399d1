#!/usr/bin/env python3
"""scripts/bench: ackmock against a bare libmicrohttpd server, side by side.

For each row (one request shape) it runs the same wrk load against the bare
server (tests/bench/bare.c) and against ackmock, in alternating slices
(--slices of --duration seconds each), and prints req/s, p50, p99 and the
ratio ackmock/bare. It also measures ackmock's start-up time to
/_mock/ready on a new file database, its idle RSS and its RSS after the load.

With --runs N it repeats the whole run N times and reports, per cell, the
median. With --update-docs it rewrites the results block of
docs/benchmarks.md. Exits 1 when a target is missed (--check), else 0.
"""
import argparse
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, 'tests', 'bench')
LUA = os.path.join(BENCH, 'load.lua')

# Targets of issue #7, as ratios to the bare server in the same run.
TARGETS = {'create-valid': 0.40, 'create-invalid': 0.60, 'task': 0.60, 'list': 0.30}
P99_MAX_MS = 10.0
STARTUP_MAX_MS = 30.0
IDLE_RSS_MAX_MIB = 8.0
LIST_CLUSTERS = 10000


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Server:
    """A server process listening on 127.0.0.1:0, its port read from stdout."""

    def __init__(self, argv, pattern):
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline()
        m = re.search(pattern + r' on http://[^:]+:(\d+)', line)
        if not m:
            err = self.proc.stderr.read() if self.proc.poll() is not None else ''
            raise RuntimeError(f'{argv[0]} did not start: {line!r} {err}')
        self.port = int(m.group(1))
        self.listening = time.perf_counter()

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=10)
        try:
            headers = {'Content-Type': 'application/json'} if body is not None else {}
            conn.request(method, path, body=body, headers=headers)
            res = conn.getresponse()
            return res.status, res.read()
        finally:
            conn.close()

    def rss_mib(self):
        with open(f'/proc/{self.proc.pid}/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) / 1024.0
        return float('nan')

    def cpu_ticks(self):
        with open(f'/proc/{self.proc.pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime

    def wait_idle(self, limit_s=3.0):
        """Waits (up to limit_s) until the process has used no CPU for 100 ms: what a load
        left it to do (a checkpoint) must not fall on the other server's slice."""
        deadline = time.monotonic() + limit_s
        ticks = self.cpu_ticks()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = self.cpu_ticks()
            if now == ticks:
                return
            ticks = now

    def stop(self):
        self.proc.terminate()
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        err = self.proc.stderr.read()
        if code != 0:
            log(f'warning: {self.proc.args[0]} exited {code}: {err[-2000:]}')
        return code


def start_ackmock(binary, db):
    return Server([binary, '--listen', '127.0.0.1:0', '--db', db, '--log-level', 'warn'],
                  'ackmock listening')


def wait_ready(srv):
    """Polls /_mock/ready; returns the milliseconds from spawn to the first 200."""
    while True:
        try:
            status, _ = srv.request('GET', '/_mock/ready')
            if status == 200:
                return (time.perf_counter() - srv.t0) * 1000.0
        except OSError:
            pass
        if srv.proc.poll() is not None:
            raise RuntimeError('ackmock exited before it was ready')
        time.sleep(0.0005)


def wrk(port, args, duration, threads, connections, extra_time=0):
    cmd = ['wrk', f'-t{threads}', f'-c{connections}', f'-d{duration}s', '--latency',
           '-s', LUA, f'http://127.0.0.1:{port}', '--'] + args
    out = subprocess.run(cmd, capture_output=True, text=True,
                         timeout=duration + 60 + extra_time)
    m = re.search(r'^BENCH (\{.*\})$', out.stdout, re.M)
    if not m:
        raise RuntimeError(f'wrk printed no result: {out.stdout} {out.stderr}')
    r = json.loads(m.group(1))
    r['rps'] = r['requests'] / (r['duration_us'] / 1e6)
    return r


def percentile(hist, p):
    """The p-th percentile of a latency histogram {microseconds: requests}, as wrk reckons it."""
    want = sum(hist.values()) * p / 100.0
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if seen >= want:
            return value
    return 0


def merge(slices):
    """One wrk result from the slices of a row: sums, and percentiles of the merged latencies."""
    hist = {}
    for r in slices:
        for value, count in r['hist']:
            hist[value] = hist.get(value, 0) + count
    m = {'requests': sum(r['requests'] for r in slices),
         'duration_us': sum(r['duration_us'] for r in slices),
         'errors': sum(r['errors'] for r in slices),
         'p50_us': percentile(hist, 50), 'p99_us': percentile(hist, 99),
         'max_us': max(r['max_us'] for r in slices),
         'statuses': {}}
    for r in slices:
        for code, n in r['statuses'].items():
            m['statuses'][code] = m['statuses'].get(code, 0) + n
    m['rps'] = m['requests'] / (m['duration_us'] / 1e6)
    return m


def h2load(port, method, path, body_file, duration, threads, connections):
    """The same row with h2load (nghttp2's C load generator, HTTP/1.1): one fixed body."""
    cmd = ['h2load', '--h1', f'-t{threads}', f'-c{connections}', f'-D{duration}']
    if body_file is not None:
        cmd += ['-H', 'content-type: application/json', '-d', body_file]
    cmd.append(f'http://127.0.0.1:{port}{path}')
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    rate = re.search(r'finished in [\d.]+s, ([\d.]+) req/s', out)
    codes = re.search(r'status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx', out)
    mean = re.search(r'time for request:\s+\S+\s+\S+\s+(\S+)', out)
    if not rate or not codes:
        raise RuntimeError(f'h2load printed no result: {out}')
    def us(text):
        value, unit = re.match(r'([\d.]+)(\w+)', text).groups()
        return float(value) * {'us': 1, 'ms': 1000, 's': 1e6}[unit]
    return {'rps': float(rate.group(1)), 'mean_us': us(mean.group(1)) if mean else None,
            'statuses': dict(zip(('2xx', '3xx', '4xx', '5xx'), map(int, codes.groups())))}


def node_creates(port, duration, connections, prefix):
    """Valid creates with Node's HTTP client (tests/bench/create-load.mjs): absolute rate."""
    out = subprocess.run(['node', os.path.join(BENCH, 'create-load.mjs'), str(port),
                          str(duration), str(connections), prefix],
                         capture_output=True, text=True, timeout=duration + 60).stdout
    m = re.search(r'^BENCH (\{.*\})$', out, re.M)
    if not m:
        raise RuntimeError(f'create-load.mjs printed no result: {out}')
    r = json.loads(m.group(1))
    r['rps'] = r['requests'] / (r['duration_us'] / 1e6)
    return r


def machine():
    model = ''
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return {'nproc': os.cpu_count(), 'cpu': model, 'kernel': platform.release(),
            'load': os.getloadavg()[0]}


def one_run(args, run_no):
    """One complete run; returns {'rows': {...}, 'startup_ms', 'idle_rss', 'load_rss'}."""
    res = {'rows': {}}
    tmp = tempfile.mkdtemp(prefix='ackmock-bench.')
    try:
        # Start-up on a new file database, median of five (each its own database).
        times = []
        for i in range(5):
            srv = start_ackmock(args.ackmock, os.path.join(tmp, f'startup{i}.db'))
            times.append(wait_ready(srv))
            srv.stop()
        res['startup_ms'] = statistics.median(times)

        bare = Server([args.bare], 'bare listening')
        srv = start_ackmock(args.ackmock, os.path.join(tmp, 'bench.db'))
        wait_ready(srv)
        time.sleep(0.2)
        res['idle_rss'] = srv.rss_mib()
        w = dict(duration=args.duration, threads=args.threads, connections=args.connections)

        def row(name, load_args, valid_status=None):
            """
            Alternates slices of the load between the two servers: this VM's
            speed drifts by a third over tens of seconds, and a ratio of two
            loads taken one after the other caught the drift between them
            (eight runs' ratios of valid creates: 0.35-0.55 with one 5 s load
            each, 0.40-0.49 in three alternating slices of 2 s).
            """
            b_slices, a_slices = [], []
            srv.wait_idle()  # after the last row, or the list's seeding
            for k in range(args.slices):
                # A body's names carry the slice too: every valid create is a new cluster.
                sliced = load_args[:3] + [f'{load_args[3]}{k}'] + load_args[4:] \
                    if len(load_args) > 3 else load_args
                b_slices.append(wrk(bare.port, sliced, **w))
                a_slices.append(wrk(srv.port, sliced, **w))
                srv.wait_idle()
            b, a = merge(b_slices), merge(a_slices)
            res['rows'][name] = {'bare': b, 'ackmock': a}
            if valid_status is not None:
                ok = a['statuses'].get(str(valid_status), 0)
                if ok < a['requests'] * 0.99:
                    log(f'warning: {name}: only {ok} of {a["requests"]} answered '
                        f'{valid_status}: {a["statuses"]}')
            return a

        def cross(name, method, path, body_file=None):
            """--crosscheck: the same row with h2load, against both servers."""
            if not args.crosscheck:
                return
            # One load each, as long as a row's slices together.
            whole = dict(w, duration=args.duration * args.slices)
            b = h2load(bare.port, method, path, body_file, **whole)
            a = h2load(srv.port, method, path, body_file, **whole)
            res.setdefault('cross', {})[name] = {'bare': b, 'ackmock': a}

        prefix = f'r{run_no}'
        a = row('create-valid', ['POST', '/clusters',
                                 os.path.join(BENCH, 'create-valid.json'), prefix + 'v'], 200)
        created = a['statuses'].get('200', 0)
        if args.crosscheck:
            c = node_creates(srv.port, args.duration * args.slices, args.connections,
                             prefix + 'n')
            res.setdefault('cross', {})['create-valid'] = {'ackmock': c}
            created += c['statuses'].get('200', 0)
        invalid = os.path.join(BENCH, 'create-invalid.json')
        row('create-invalid', ['POST', '/clusters', invalid, prefix + 'i'], 400)
        cross('create-invalid', 'POST', '/clusters', invalid)

        # DescribeTaskInfo of the task of a cluster created just now (state running).
        status, body = srv.request('POST', '/clusters', open(
            os.path.join(BENCH, 'create-valid.json')).read().replace('@NAME@', prefix + '-task'))
        if status != 200:
            raise RuntimeError(f'cannot create the task cluster: {status} {body!r}')
        created += 1
        task_id = json.loads(body)['task_id']
        row('task', ['GET', f'/tasks/{task_id}'], 200)
        cross('task', 'GET', f'/tasks/{task_id}')

        # DescribeClustersV1 over at least LIST_CLUSTERS clusters; n/a while it answers 404.
        status, _ = srv.request('GET', '/api/v1/clusters')
        if status == 404:
            res['rows']['list'] = None
        else:
            need = LIST_CLUSTERS - created
            if need > 0:
                per_thread = -(-need // args.threads)
                rate = max(res['rows']['create-valid']['ackmock']['rps'], 500)
                seconds = int(need / rate * 2) + 2
                wrk(srv.port, ['POST', '/clusters', os.path.join(BENCH, 'create-valid.json'),
                               prefix + 's', str(per_thread)],
                    seconds, args.threads, args.connections, extra_time=seconds)
            status, body = srv.request('GET', '/api/v1/clusters')
            total = json.loads(body).get('page_info', {}).get('total_count', 0)
            if status != 200 or total < LIST_CLUSTERS:
                log(f'warning: list: status {status}, total_count {total}')
            row('list', ['GET', '/api/v1/clusters'], 200)
            cross('list', 'GET', '/api/v1/clusters')
        res['peak_rss'] = srv.rss_mib()
        # The target is about growth: measured once the load is over and the daemon idle
        # (its writer gives freed heap back a second after its last write).
        time.sleep(2.0)
        res['load_rss'] = srv.rss_mib()
        srv.stop()
        bare.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res


ROWS = [('create-valid', 'CreateCluster, valid (persisted)'),
        ('create-invalid', 'CreateCluster, invalid (5 violations)'),
        ('task', 'DescribeTaskInfo, running task'),
        ('list', 'DescribeClustersV1, page 1 of 10,000')]


def median_of(runs, *path):
    vals = []
    for r in runs:
        v = r
        for p in path:
            v = v[p] if v is not None else None
        if v is not None:
            vals.append(v)
    return statistics.median(vals) if vals else None


def fmt_ratio(ratio, target):
    """The ratio to two places, or three when two would round a miss up to the target."""
    text = f'{ratio:.2f}'
    return f'{ratio:.3f}' if ratio < target <= float(text) else text


def report(runs, mach, args):
    """Returns (markdown table text, list of missed targets)."""
    missed = []
    lines = [
        f'Machine: {mach["nproc"]} cores, {mach["cpu"]}, Linux {mach["kernel"]}; '
        f'load average {mach["load"]:.2f} at start.',
        f'Load: wrk -t{args.threads} -c{args.connections} -d{args.duration}s, keep-alive, '
        f'{args.slices} slices per server and row, alternating between them; '
        f'{len(runs)} run(s), medians shown.',
        '',
        '| request | bare req/s | ackmock req/s | ratio (target) | ackmock p50 | ackmock p99 | bare p99 |',
        '|---|---:|---:|---:|---:|---:|---:|',
    ]
    for key, title in ROWS:
        if all(r['rows'].get(key) is None for r in runs):
            lines.append(f'| {title} | n/a | n/a | n/a (endpoint answers 404 in this tree) | | | |')
            continue
        ratios = [r['rows'][key]['ackmock']['rps'] / r['rows'][key]['bare']['rps']
                  for r in runs if r['rows'].get(key)]
        ratio = statistics.median(ratios)
        b = median_of(runs, 'rows', key, 'bare', 'rps')
        a = median_of(runs, 'rows', key, 'ackmock', 'rps')
        p50 = median_of(runs, 'rows', key, 'ackmock', 'p50_us') / 1000
        p99 = median_of(runs, 'rows', key, 'ackmock', 'p99_us') / 1000
        bp99 = median_of(runs, 'rows', key, 'bare', 'p99_us') / 1000
        ok = ratio >= TARGETS[key] and p99 < P99_MAX_MS
        if not ok:
            missed.append(f'{key}: ratio {fmt_ratio(ratio, TARGETS[key])} (>= {TARGETS[key]}), '
                          f'p99 {p99:.1f} ms')
        lines.append(f'| {title} | {b:,.0f} | {a:,.0f} | {fmt_ratio(ratio, TARGETS[key])} '
                     f'(≥ {TARGETS[key]:.2f}) '
                     f'{"ok" if ok else "MISSED"} | {p50:.2f} ms | {p99:.2f} ms | {bp99:.2f} ms |')
    st = median_of(runs, 'startup_ms')
    idle = median_of(runs, 'idle_rss')
    after = median_of(runs, 'load_rss')
    peak = median_of(runs, 'peak_rss')
    lines += [
        '',
        '| measure | ackmock | target |',
        '|---|---:|---|',
        f'| start-up to `/_mock/ready` 200, new file database | {st:.1f} ms | ≤ {STARTUP_MAX_MS:.0f} ms '
        f'{"ok" if st <= STARTUP_MAX_MS else "MISSED"} |',
        f'| idle RSS after start-up | {idle:.1f} MiB | ≤ {IDLE_RSS_MAX_MIB:.0f} MiB '
        f'{"ok" if idle <= IDLE_RSS_MAX_MIB else "MISSED"} |',
        f'| RSS at the end of the load (writes still settling) | {peak:.1f} MiB | |',
        f'| RSS after the whole load, 2 s later (idle) | {after:.1f} MiB | ≤ 2 × idle ({2 * idle:.1f} MiB) '
        f'{"ok" if after <= 2 * idle else "MISSED"} |',
    ]
    if st > STARTUP_MAX_MS:
        missed.append(f'start-up {st:.1f} ms')
    if idle > IDLE_RSS_MAX_MIB:
        missed.append(f'idle RSS {idle:.1f} MiB')
    if after > 2 * idle:
        missed.append(f'RSS after load {after:.1f} MiB')
    if any(r.get('cross') for r in runs):
        lines += cross_report(runs)
    return '\n'.join(lines), missed


def cross_report(runs):
    """The --crosscheck table: each row's ratio by wrk and by h2load, in the same runs."""
    lines = [
        '',
        'Cross-check with independent load generators, same runs: h2load (nghttp2, C, '
        f'HTTP/1.1, same threads and connections, one fixed body) for the fixed-body rows; '
        'for valid creates, whose names must differ, Node\'s HTTP client '
        '(tests/bench/create-load.mjs), compared by absolute rate.',
        '',
        '| request | wrk ratio | h2load bare req/s | h2load ackmock req/s | h2load ratio |',
        '|---|---:|---:|---:|---:|',
    ]
    for key, title in ROWS:
        crossed = [r for r in runs if r.get('cross', {}).get(key) and r['rows'].get(key)]
        if not crossed:
            continue
        wrk_ratio = statistics.median(r['rows'][key]['ackmock']['rps'] / r['rows'][key]['bare']['rps']
                                      for r in crossed)
        if key == 'create-valid':
            wrk_a = statistics.median(r['rows'][key]['ackmock']['rps'] for r in crossed)
            node_a = statistics.median(r['cross'][key]['ackmock']['rps'] for r in crossed)
            lines.append(f'| {title} | {fmt_ratio(wrk_ratio, TARGETS[key])} | | '
                         f'Node client: {node_a:,.0f} creates/s (wrk: {wrk_a:,.0f}) | |')
            continue
        b = statistics.median(r['cross'][key]['bare']['rps'] for r in crossed)
        a = statistics.median(r['cross'][key]['ackmock']['rps'] for r in crossed)
        ratio = statistics.median(r['cross'][key]['ackmock']['rps'] / r['cross'][key]['bare']['rps']
                                  for r in crossed)
        lines.append(f'| {title} | {fmt_ratio(wrk_ratio, TARGETS[key])} | {b:,.0f} | {a:,.0f} '
                     f'| {ratio:.2f} |')
    return lines


def update_docs(table):
    path = os.path.join(ROOT, 'docs', 'benchmarks.md')
    begin, end = '<!-- bench:begin -->', '<!-- bench:end -->'
    text = open(path).read() if os.path.exists(path) else f'# Benchmarks\n\n{begin}\n{end}\n'
    if begin not in text or end not in text:
        text += f'\n{begin}\n{end}\n'
    stamp = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    text = f'{head}{begin}\nTaken {stamp} by `scripts/bench`.\n\n{table}\n{end}{tail}'
    with open(path, 'w') as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--ackmock', required=True)
    ap.add_argument('--bare', required=True)
    ap.add_argument('--duration', type=int, default=2, help='seconds of one slice of load')
    ap.add_argument('--slices', type=int, default=3,
                    help='slices per server and row, alternating between the two servers')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--connections', type=int, default=32)
    ap.add_argument('--runs', type=int, default=1)
    ap.add_argument('--update-docs', action='store_true')
    ap.add_argument('--check', action='store_true', help='exit 1 when a target is missed')
    ap.add_argument('--crosscheck', action='store_true',
                    help='also load each row with h2load (and valid creates with Node) and compare')
    ap.add_argument('--json', help='also write the raw results to this file')
    args = ap.parse_args()

    mach = machine()
    log(f'bench: {mach["nproc"]} cores, {mach["cpu"]}, load {mach["load"]:.2f}'
        + (' (others are busy: numbers will be noisy)' if mach['load'] > 0.5 else ''))
    runs = []
    for i in range(args.runs):
        log(f'bench: run {i + 1} of {args.runs}')
        runs.append(one_run(args, i + 1))
        table, _ = report(runs[-1:], mach, args)
        log(table)
    table, missed = report(runs, mach, args)
    print(table)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'machine': mach, 'runs': runs}, f, indent=1)
    if args.update_docs:
        update_docs(table)
    if missed:
        print('missed targets: ' + '; '.join(missed))
    return 1 if (missed and args.check) else 0


if __name__ == '__main__':
    sys.exit(main())

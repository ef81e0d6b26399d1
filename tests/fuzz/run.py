#!/usr/bin/env python3
"""Runs the CreateCluster fuzz target for a bounded time, its corpus seeded
from the request bodies of fixtures/create-cluster*/ and the page examples.

usage: run.py FUZZER FIXTURES_DIR SECONDS
Exits non-zero when libFuzzer reports a crash, a leak or a sanitizer error.
"""
import base64
import glob
import json
import os
import subprocess
import sys
import tempfile


def seeds(fixtures):
    for path in sorted(glob.glob(os.path.join(fixtures, 'create-cluster*', '*.json'))):
        with open(path, encoding='utf-8') as f:
            case = json.load(f)
        req = case.get('request') if isinstance(case, dict) else None
        if not isinstance(req, dict):
            continue
        if 'body_base64' in req:
            yield base64.b64decode(req['body_base64'])
        elif 'body_raw' in req:
            yield req['body_raw'].encode('utf-8')
        elif 'body' in req:
            yield json.dumps(req['body'], ensure_ascii=False).encode('utf-8')
    for path in sorted(glob.glob(os.path.join(fixtures, 'examples', '*.json'))):
        with open(path, 'rb') as f:
            yield f.read()


def main():
    fuzzer, fixtures, seconds = sys.argv[1], sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory(prefix='ackmock-fuzz-') as corpus:
        n = 0
        for n, body in enumerate(seeds(fixtures), 1):
            with open(os.path.join(corpus, 'seed-%04d' % n), 'wb') as f:
                f.write(body)
        if n == 0:
            print('no seeds found under', fixtures)
            return 1
        env = dict(os.environ)
        env.setdefault('ASAN_OPTIONS', 'detect_leaks=1')
        env['UBSAN_OPTIONS'] = 'halt_on_error=1:print_stacktrace=1'
        cmd = [fuzzer, '-max_total_time=' + seconds, '-timeout=10', '-rss_limit_mb=1024',
               '-max_len=65536', '-print_final_stats=1', '-artifact_prefix=' + corpus + '/', corpus]
        print('seeded %d inputs; running %s' % (n, ' '.join(cmd)), flush=True)
        result = subprocess.run(cmd, env=env)
        if result.returncode != 0:
            for crash in glob.glob(os.path.join(corpus, '*-*')):
                if os.path.basename(crash).startswith(('crash-', 'leak-', 'timeout-', 'oom-')):
                    with open(crash, 'rb') as f:
                        print('artifact', os.path.basename(crash), base64.b64encode(f.read()).decode())
        return result.returncode


if __name__ == '__main__':
    sys.exit(main())

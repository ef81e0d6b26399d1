// Helpers shared by the admin tests: JSON requests against a daemon, a valid
// CreateCluster body, and a strict parser of the Prometheus text format.

// Sends method path with an optional JSON body; returns {status, headers, text, json}.
export async function request(daemon, method, path, body, headers = {}) {
  const res = await fetch(daemon.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

// A CreateCluster body that the validation accepts (fixtures/create-cluster/001).
export function clusterBody(name, extra = {}) {
  return {
    name, cluster_type: 'ManagedKubernetes', region_id: 'cn-hangzhou', zone_id: 'cn-hangzhou-i',
    addons: [{ name: 'flannel' }], ...extra,
  };
}

// Runs fn(i) for i in [0, n) with at most width in flight; returns the results in order.
export async function pool(n, width, fn) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  }));
  return out;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(s) {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`bad value '${s}'`);
  return Number(s);
}

// Parses `{a="x",b="y"}` starting at s[i] === '{'; returns [labels, index after '}'].
function parseLabels(s, i) {
  const labels = {};
  i += 1;
  while (s[i] !== '}') {
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new Error('label without =');
    const name = s.slice(i, eq);
    if (!LABEL.test(name)) throw new Error(`bad label name '${name}'`);
    if (name in labels) throw new Error(`duplicate label '${name}'`);
    if (s[eq + 1] !== '"') throw new Error('label value not quoted');
    let j = eq + 2;
    let value = '';
    for (;;) {
      if (j >= s.length) throw new Error('unterminated label value');
      const c = s[j];
      if (c === '"') break;
      if (c === '\\') {
        const e = s[j + 1];
        if (e === '\\') value += '\\';
        else if (e === '"') value += '"';
        else if (e === 'n') value += '\n';
        else throw new Error(`bad escape \\${e}`);
        j += 2;
      } else {
        value += c;
        j += 1;
      }
    }
    labels[name] = value;
    i = j + 1;
    if (s[i] === ',') i += 1;
    else if (s[i] !== '}') throw new Error(`expected , or } at ${i}`);
  }
  return [labels, i + 1];
}

// Parses exposition text (format 0.0.4) strictly. Returns {families: Map(name ->
// {type, help, samples: [{name, labels, value}]})}; throws on any violation.
export function parsePrometheus(text) {
  if (!text.endsWith('\n')) throw new Error('text does not end with a newline');
  const families = new Map();
  const seen = new Set();
  let current = null;
  const familyOf = (sample) => {
    for (const suffix of ['_bucket', '_sum', '_count', '']) {
      if (sample.endsWith(suffix)) {
        const base = sample.slice(0, sample.length - suffix.length);
        const f = families.get(base);
        if (f && (suffix === '' || f.type === 'histogram' || f.type === 'summary')) return base;
      }
    }
    return sample;
  };
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, n) => {
    const where = `line ${n + 1}: ${line}`;
    try {
      if (line === '') throw new Error('empty line');
      if (line.startsWith('#')) {
        const m = line.match(/^# (HELP|TYPE) (\S+) ?(.*)$/);
        if (!m) {
          if (/^# (HELP|TYPE)/.test(line)) throw new Error('malformed HELP/TYPE');
          return; // a comment
        }
        const [, kind, name, rest] = m;
        if (!NAME.test(name)) throw new Error(`bad metric name '${name}'`);
        let f = families.get(name);
        if (!f) { f = { type: 'untyped', help: undefined, samples: [], typed: false }; families.set(name, f); }
        if (f.samples.length > 0) throw new Error(`${kind} after samples of ${name}`);
        if (kind === 'TYPE') {
          if (f.typed) throw new Error(`second TYPE for ${name}`);
          if (!TYPES.has(rest)) throw new Error(`bad type '${rest}'`);
          f.type = rest;
          f.typed = true;
        } else {
          if (f.help !== undefined) throw new Error(`second HELP for ${name}`);
          f.help = rest;
        }
        current = name;
        return;
      }
      const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)/);
      if (!m) throw new Error('bad sample name');
      const name = m[1];
      let i = name.length;
      let labels = {};
      if (line[i] === '{') [labels, i] = parseLabels(line, i);
      if (line[i] !== ' ') throw new Error('expected one space before the value');
      const parts = line.slice(i + 1).split(' ');
      if (parts.length > 2 || parts.some((p) => p === '')) throw new Error('bad value/timestamp');
      const value = parseValue(parts[0]);
      if (parts.length === 2 && !/^-?\d+$/.test(parts[1])) throw new Error('bad timestamp');
      const family = familyOf(name);
      if (family !== current) {
        if (families.has(family) && families.get(family).samples.length > 0) {
          throw new Error(`samples of ${family} are not contiguous`);
        }
        current = family;
      }
      let f = families.get(family);
      if (!f) { f = { type: 'untyped', help: undefined, samples: [], typed: false }; families.set(family, f); }
      const key = name + JSON.stringify(Object.entries(labels).sort());
      if (seen.has(key)) throw new Error(`duplicate series ${key}`);
      seen.add(key);
      if (f.type === 'counter' && !(value >= 0)) throw new Error('counter below 0');
      if (f.type === 'histogram' && name.endsWith('_bucket') && !('le' in labels)) throw new Error('bucket without le');
      f.samples.push({ name, labels, value });
    } catch (e) {
      throw new Error(`${where}: ${e.message}`);
    }
  });
  // Histograms: per label set, buckets non-decreasing, ending in +Inf == _count, with a _sum.
  for (const [name, f] of families) {
    if (f.type !== 'histogram') continue;
    const groups = new Map();
    for (const s of f.samples) {
      const { le, ...rest } = s.labels;
      const key = JSON.stringify(Object.entries(rest).sort());
      if (!groups.has(key)) groups.set(key, { buckets: [], sum: undefined, count: undefined });
      const g = groups.get(key);
      if (s.name === `${name}_bucket`) g.buckets.push([parseValue(le), s.value]);
      else if (s.name === `${name}_sum`) g.sum = s.value;
      else if (s.name === `${name}_count`) g.count = s.value;
      else throw new Error(`${s.name} in histogram ${name}`);
    }
    for (const [key, g] of groups) {
      if (g.sum === undefined || g.count === undefined) throw new Error(`${name}${key}: no _sum or _count`);
      for (let k = 1; k < g.buckets.length; k++) {
        if (!(g.buckets[k][0] > g.buckets[k - 1][0])) throw new Error(`${name}${key}: le not increasing`);
        if (g.buckets[k][1] < g.buckets[k - 1][1]) throw new Error(`${name}${key}: buckets not cumulative`);
      }
      const last = g.buckets[g.buckets.length - 1];
      if (!last || last[0] !== Infinity) throw new Error(`${name}${key}: no +Inf bucket`);
      if (last[1] !== g.count) throw new Error(`${name}${key}: +Inf bucket != _count`);
    }
  }
  return { families };
}

// The value of the sample name{labels} (labels matched exactly), or undefined.
export function sample(parsed, family, name, labels = {}) {
  const f = parsed.families.get(family);
  if (!f) return undefined;
  const want = JSON.stringify(Object.entries(labels).sort());
  const s = f.samples.find((x) => x.name === name && JSON.stringify(Object.entries(x.labels).sort()) === want);
  return s ? s.value : undefined;
}

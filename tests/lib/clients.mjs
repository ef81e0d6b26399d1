// The official clients, each configured against a local daemon: the generated
// SDK 7.x with its default ACS3-HMAC-SHA256 signing and with signatureAlgorithm
// 'v2' (ROA HMAC-SHA1), the older generated SDK 3.3.5, and pop-core's ROAClient.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const CS7 = require('@alicloud/cs20151215');
const CS3 = require('cs20151215-v3');
const OpenApiCore = require('@alicloud/openapi-core');
const OpenApiClient = require('@alicloud/openapi-client');
const $dara = require('@darabonba/typescript');
const $tea = require('@alicloud/tea-typescript');
const { ROAClient } = require('@alicloud/pop-core');

export const DEFAULT_KEY = { id: 'testid', secret: 'testsecret' };

// A uniform face over the clients: create(body) -> {clusterId, taskId, requestId},
// task(id) and cluster(id) -> the body in wire (snake_case) keys as the client
// parsed it. Generated SDKs return camelCase models; toWire maps them back.
function generated(name, mod, config, castFn) {
  const client = new mod.default(config);
  return {
    name,
    async create(body) {
      const req = castFn(body, new mod.CreateClusterRequest({}));
      const r = await client.createCluster(req);
      return { statusCode: r.statusCode, ...r.body };
    },
    async task(id) { return (await client.describeTaskInfo(id)).body; },
    async cluster(id) { return (await client.describeClusterDetail(id)).body; },
    raw: client,
  };
}

export function sdk7(endpoint, key = DEFAULT_KEY, extra = {}) {
  const config = new OpenApiCore.$OpenApiUtil.Config({
    accessKeyId: key.id, accessKeySecret: key.secret, endpoint, protocol: 'http',
    regionId: 'cn-hangzhou', ...extra,
  });
  return generated(extra.signatureAlgorithm === 'v2' ? 'sdk7-v2' : 'sdk7-v3', CS7, config, $dara.cast);
}

export function sdk3(endpoint, key = DEFAULT_KEY) {
  const config = new OpenApiClient.Config({
    accessKeyId: key.id, accessKeySecret: key.secret, endpoint, protocol: 'http', regionId: 'cn-hangzhou',
  });
  return generated('sdk3', CS3, config, $tea.cast);
}

export function popCore(endpoint, key = DEFAULT_KEY) {
  const client = new ROAClient({
    accessKeyId: key.id, accessKeySecret: key.secret, endpoint: `http://${endpoint}`, apiVersion: '2015-12-15',
  });
  const call = (method, path, body) => client.request(method, path, {},
    body === undefined ? '' : JSON.stringify(body), { 'content-type': 'application/json' }, { timeout: 10000 });
  return {
    name: 'pop-core',
    async create(body) {
      const r = await call('POST', '/clusters', body);
      return { statusCode: 200, clusterId: r.cluster_id, taskId: r.task_id, requestId: r.request_id };
    },
    task: (id) => call('GET', `/tasks/${encodeURIComponent(id)}`),
    cluster: (id) => call('GET', `/clusters/${encodeURIComponent(id)}`),
    raw: client,
  };
}

export function allClients(endpoint, key = DEFAULT_KEY) {
  return [sdk7(endpoint, key), sdk7(endpoint, key, { signatureAlgorithm: 'v2' }), sdk3(endpoint, key), popCore(endpoint, key)];
}

// Reads a field by its wire name from either a raw body or an SDK model.
export function field(obj, wire) {
  if (obj == null) return undefined;
  if (wire in obj) return obj[wire];
  const camel = wire.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  return obj[camel];
}

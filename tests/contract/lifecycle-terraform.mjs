// A client that behaves like the Terraform provider, through the official SDK
// 7.x: create; poll the task every second until success while the cluster goes
// straight from initial to running; read what the provider reads after every
// create; delete; poll until ErrorClusterNotFound. At --time-scale 600 the
// whole run takes well under 10 seconds of real time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startDaemon, run } from '../lib/daemon.mjs';
import { sdk7 } from '../lib/clients.mjs';

const require = createRequire(import.meta.url);
const CS7 = require('@alicloud/cs20151215');
const [bin, fixturesDir] = process.argv.slice(2);
const example = JSON.parse(readFileSync(join(fixturesDir, 'examples', 'page-flannel.json'), 'utf8'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

await run(async (tap) => {
  const daemon = await startDaemon(bin, ['--db', ':memory:', '--time-scale', '600']);
  try {
    const client = sdk7(`127.0.0.1:${daemon.port}`);
    const raw = client.raw;
    const started = Date.now();
    const body = { ...example, name: 'tf-like', num_of_nodes: 3 };
    const r = await client.create(body);
    const clusterStates = [];
    const taskStates = [];
    let task;
    for (let i = 0; i < 30; i++) {
      task = await client.task(r.taskId);
      taskStates.push(task.state);
      // The provider reads the cluster right after the task: it must agree with the task.
      const cluster = await client.cluster(r.clusterId);
      clusterStates.push(cluster.state);
      if (task.state === 'success') {
        tap.equal(cluster.state, 'running', 'the cluster is running as soon as the task is success');
        break;
      }
      tap.ok(task.state === 'running', `task running while not done (poll ${i})`, task.state);
      await sleep(1000);
    }
    tap.equal(task.state, 'success', 'the create task succeeds');
    tap.ok(clusterStates.every((s) => s === 'initial' || s === 'running'), 'the cluster shows only initial and running', clusterStates);
    const firstRunning = clusterStates.indexOf('running');
    tap.ok(firstRunning >= 0 && clusterStates.slice(firstRunning).every((s) => s === 'running'), 'once running it stays running', clusterStates);
    tap.equal(task.currentStage, '', 'current_stage is empty once settled');
    tap.equal(task.stages.map((s) => s.state), ['success', 'success', 'success', 'success', 'success', 'success'], 'six stages, all success');
    tap.equal(task.taskResult[0].status, 'success', 'task_result status success');

    const cluster = await client.cluster(r.clusterId);
    tap.equal(cluster.size, 3, 'size counts the three nodes');
    tap.ok(/^lb-[a-z0-9]{20}$/.test(cluster.externalLoadbalancerId), 'external_loadbalancer_id once the control plane exists', cluster.externalLoadbalancerId);
    const master = JSON.parse(cluster.masterUrl);
    tap.ok(/^https:\/\/10\.0\.\d+\.\d+:6443$/.test(master.intranet_api_server_endpoint), 'master_url is a JSON string with the intranet endpoint', cluster.masterUrl);
    tap.equal(master.api_server_endpoint, '', 'no public endpoint when endpoint_public_access is false');
    tap.equal(cluster.tags.filter((t) => t.key === 'ack.aliyun.com').map((t) => t.value), [r.clusterId], 'the system tag appears once');

    // What terraform-provider-alicloud reads after every create.
    const nodes = await raw.describeClusterNodes(r.clusterId, new CS7.DescribeClusterNodesRequest({}));
    tap.equal(nodes.body.nodes.length, 3, 'DescribeClusterNodes lists three nodes');
    tap.ok(nodes.body.nodes.every((n) => /^i-[a-z0-9]{20}$/.test(n.instanceId) && Array.isArray(n.ipAddress) && n.ipAddress.length === 1),
      'node ids and ip_address arrays', nodes.body.nodes);
    tap.equal(nodes.body.page.totalCount, 3, 'node page total_count');
    const resources = await raw.describeClusterResources(r.clusterId, new CS7.DescribeClusterResourcesRequest({}));
    const types = resources.body.map((x) => x.resourceType).sort();
    tap.equal(types, ['ALIYUN::ECS::SecurityGroup', 'ALIYUN::SLB::LoadBalancer', 'ALIYUN::VPC::NatGateway'], 'DescribeClusterResources: SLB, security group, NAT (snat_entry)');
    tap.ok(resources.body.every((x) => typeof JSON.parse(x.resourceInfo) === 'object' && x.state === 'CREATE_COMPLETE' && x.creatorType === 'system'),
      'resource_info is a JSON string', resources.body);
    const kube = await raw.describeClusterUserKubeconfig(r.clusterId, new CS7.DescribeClusterUserKubeconfigRequest({}));
    tap.ok(kube.body.config.includes(`server: ${master.intranet_api_server_endpoint}`) && /client-key-data: [A-Za-z0-9+/=]+/.test(kube.body.config),
      'the kubeconfig names the intranet endpoint and carries the keys');
    tap.ok(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/.test(kube.body.expiration), 'kubeconfig expiration is RFC 3339', kube.body.expiration);
    const log = await raw.checkControlPlaneLogEnable(r.clusterId);
    tap.equal(log.body.logProject, `k8s-log-${r.clusterId}`, 'CheckControlPlaneLogEnable log_project');
    tap.equal(log.body.logTtl, '30', 'log_ttl is a string');
    const audit = await raw.getClusterAuditProject(r.clusterId);
    tap.equal(audit.body.auditEnabled, false, 'GetClusterAuditProject audit_enabled false');
    const tasks = await raw.describeClusterTasks(r.clusterId, new CS7.DescribeClusterTasksRequest({}));
    tap.equal(tasks.body.tasks.map((t) => [t.taskId, t.taskType, t.state]), [[r.taskId, 'cluster_create', 'success']], 'DescribeClusterTasks lists the create task');
    tap.ok(typeof tasks.body.requestId === 'string' && tasks.body.requestId.length === 36, 'DescribeClusterTasks has the camelCase requestId');

    // ModifyCluster: deletion protection blocks the delete until it is lifted.
    const mod = await raw.modifyCluster(r.clusterId, new CS7.ModifyClusterRequest({ deletionProtection: true }));
    tap.ok(/^T-[0-9a-f]{24}$/.test(mod.body.taskId), 'ModifyCluster answers a task id');
    const modTask = await client.task(mod.body.taskId);
    tap.equal([modTask.taskType, modTask.state], ['cluster_modify', 'success'], 'the modify task is success at once');
    let code;
    try { await raw.deleteCluster(r.clusterId, new CS7.DeleteClusterRequest({})); } catch (e) { code = e.code; }
    tap.equal(code, 'ErrorDeletionProtection', 'DeleteCluster refuses a protected cluster');
    tap.equal((await client.cluster(r.clusterId)).state, 'running', 'ModifyCluster never changes the state');
    await raw.modifyCluster(r.clusterId, new CS7.ModifyClusterRequest({ deletionProtection: false }));

    const del = await raw.deleteCluster(r.clusterId, new CS7.DeleteClusterRequest({ retainAllResources: false, retainResources: ['sg-keep'] }));
    tap.equal(del.statusCode, 202, 'DeleteCluster answers 202');
    tap.equal(del.body.clusterId, r.clusterId, 'DeleteCluster names the cluster');
    const delTask = await client.task(del.body.taskId);
    tap.equal(delTask.taskType, 'cluster_delete', 'the delete task');
    tap.equal(delTask.parameters, { retain_all_resources: false, retain_resources: ['sg-keep'] }, 'the delete query is the task parameters');
    const seen = [];
    let gone = false;
    for (let i = 0; i < 20 && !gone; i++) {
      try {
        seen.push((await client.cluster(r.clusterId)).state);
        await sleep(1000);
      } catch (e) {
        gone = e.code === 'ErrorClusterNotFound';
        tap.equal(e.code, 'ErrorClusterNotFound', 'the deleted cluster is ErrorClusterNotFound');
      }
    }
    tap.ok(gone, 'the cluster goes away', seen);
    tap.ok(seen.every((s) => s === 'deleting'), 'deleting until gone', seen);
    tap.equal((await client.task(del.body.taskId)).state, 'success', 'the delete task succeeded');
    for (const [what, call] of [
      ['DescribeClusterNodes', () => raw.describeClusterNodes(r.clusterId, new CS7.DescribeClusterNodesRequest({}))],
      ['DescribeClusterResources', () => raw.describeClusterResources(r.clusterId, new CS7.DescribeClusterResourcesRequest({}))],
      ['DeleteCluster', () => raw.deleteCluster(r.clusterId, new CS7.DeleteClusterRequest({}))],
      ['ModifyCluster', () => raw.modifyCluster(r.clusterId, new CS7.ModifyClusterRequest({ deletionProtection: true }))],
    ]) {
      let c;
      try { await call(); } catch (e) { c = e.code; }
      tap.equal(c, 'ErrorClusterNotFound', `${what} of a deleted cluster is ErrorClusterNotFound`);
    }
    const list = await raw.describeClustersV1(new CS7.DescribeClustersV1Request({}));
    tap.equal(list.body.pageInfo.totalCount, 0, 'the deleted cluster is not listed');
    const elapsed = Date.now() - started;
    tap.ok(elapsed < 10000, `the whole run took ${elapsed} ms of real time (< 10 s)`);
    // The name is free again.
    const again = await client.create(body);
    tap.ok(/^c[0-9a-f]{32}$/.test(again.clusterId), 'the name of a deleted cluster can be reused');
    // Under the sanitizers a leak makes the exit status non-zero.
    tap.equal(await daemon.stop(), 0, 'the daemon stops cleanly (exit 0, no leak reports)');
  } finally {
    await daemon.stop();
  }
});

// Argo Workflow status → tandem statuses, on every real Workflow object of
// ../shared/fixtures/argo-workflow-status/ (TypeScript modules with a default export, imported from
// the shared folder at run time), asserting values read from those files.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import type { NodeStatus, Workflow } from '../../../src/engines/argo/api/client.js';
import { workflowNodes } from '../../../src/engines/argo/nodes.js';
import { taskKey, workflowRunState, workflowTasks, type ArgoTask } from '../../../src/engines/argo/status.js';
import { SPECS_DIR, suiteRequiresShared } from '../../helpers/shared.js';

const FIXTURES = join(SPECS_DIR, '..', 'fixtures', 'argo-workflow-status');
const STRUCTURE = new Set(['DAG', 'Steps', 'StepGroup', 'TaskGroup']);

async function fixture(name: string): Promise<Workflow> {
  const module = (await import(pathToFileURL(join(FIXTURES, name)).href)) as { default: Workflow };
  return module.default;
}

function tasksOf(workflow: Workflow): ArgoTask[] {
  const found = workflowTasks(workflow);
  assert.equal(found.kind, 'tasks');
  return found.kind === 'tasks' ? found.tasks : [];
}

function named(tasks: ArgoTask[], task: string): ArgoTask[] {
  return tasks.filter((t) => t.task === task);
}

describe('Argo status mapping on the real Workflow objects', suiteRequiresShared('argo-workflow-status fixtures', FIXTURES), () => {
  const files = (): string[] => readdirSync(FIXTURES).filter((f) => f.endsWith('.ts')).sort();

  it('every file: the run status follows the phase, and every node that ran is one attempt of one task', async () => {
    assert.ok(files().length >= 10, `found ${files().length} fixture files`);
    for (const file of files()) {
      const workflow = await fixture(file);
      const state = workflowRunState(workflow);
      assert.equal(state.status, workflow.status?.phase, `${file}: run status`);
      const found = workflowNodes(workflow);
      assert.ok(found.kind === 'inline' || found.kind === 'compressed' || (found.kind === 'none' && file === 'mock-error-runtime.ts'), `${file}: ${found.kind}`);
      const nodes = found.kind === 'inline' || found.kind === 'compressed' ? Object.values(found.nodes) : [];
      const ran = nodes.filter((n) => !STRUCTURE.has(n.type ?? '') && n.type !== 'Retry');
      const tasks = tasksOf(workflow);
      assert.equal(tasks.reduce((sum, t) => sum + t.attempts.length, 0), ran.length, `${file}: attempts`);
      assert.deepEqual(new Set(tasks.flatMap((t) => t.attempts.map((a) => a.nodeId))), new Set(ran.map((n) => n.id)), `${file}: node ids`);
      for (const task of tasks) for (const attempt of task.attempts) assert.equal(attempt.status, statusOf(nodes.find((n) => n.id === attempt.nodeId)), `${file}: ${task.task}`);
    }
  });

  it('hello-world: one Pod task, Succeeded, with its times', async () => {
    const workflow = await fixture('hello-world-runtime.ts');
    assert.deepEqual(workflowRunState(workflow), { status: 'Succeeded', startedAt: Date.parse('2018-06-06T00:04:49Z'), finishedAt: Date.parse('2018-06-06T00:05:23Z'), outputs: {} });
    const [task] = tasksOf(workflow);
    assert.equal(task?.task, 'hello-world-7sm94');
    assert.deepEqual(task?.attempts.map((a) => [a.attempt, a.status]), [[1, 'Succeeded']]);
  });

  it("retry: the Retry node's children are the attempts of random-failure", async () => {
    const workflow = await fixture('mock-retry-runtime.ts');
    const tasks = tasksOf(workflow);
    assert.deepEqual(tasks.map((t) => t.task), ['print-msg', 'print-msg-2', 'random-failure']);
    const [retried] = named(tasks, 'random-failure');
    assert.equal(retried?.status, 'Succeeded');
    // The fixture's Retry node has one child, random-failure(0): it succeeded at its first attempt.
    assert.deepEqual(retried?.attempts.map((a) => [a.attempt, a.nodeId, a.status]), [[1, 'retry-random-failures-p9snt-310421839', 'Succeeded']]);
  });

  it('error: a Failed workflow with no nodes keeps its message', async () => {
    const workflow = await fixture('mock-error-runtime.ts');
    const state = workflowRunState(workflow);
    assert.equal(state.status, 'Failed');
    assert.equal(state.message, 'invalid spec: templates.coinflip.steps[0].heads failed to resolve {{steps.flip-coin.outputs.result}}');
    assert.deepEqual(tasksOf(workflow), []);
  });

  it('coinflip: skipped steps keep their when-message; flip-coin outputs its result parameter', async () => {
    const tasks = tasksOf(await fixture('mock-coinflip-runtime.ts'));
    const skipped = tasks.filter((t) => t.status === 'Skipped');
    assert.deepEqual(skipped.map((t) => [t.task, t.attempts[0]?.message]).sort(), [
      ['heads', "when 'tails == heads' evaluated false"],
      ['tails', "when 'heads == tails' evaluated false"],
    ]);
    assert.deepEqual(named(tasks, 'flip-coin').map((t) => t.outputs), [{ result: 'tails' }]);
    assert.deepEqual(named(tasks, 'flip-coin-with-long-log').map((t) => t.outputs), [{ result: 'heads' }]);
  });

  it('xgboost: the failed confusionmatrix pod keeps its message while the run succeeded', async () => {
    const workflow = await fixture('mock-xgboost-runtime.ts');
    assert.equal(workflowRunState(workflow).status, 'Succeeded');
    const [failed, ...others] = tasksOf(workflow).filter((t) => t.status === 'Failed');
    assert.equal(others.length, 0);
    assert.equal(failed?.task, 'confusionmatrix');
    assert.equal(failed?.attempts[0]?.message, 'Mock backend could not schedule pod; no k8s implementation in Javascript (yet).');
  });

  it('large graph: compressedNodes is decoded and all 400 pods of its 401 nodes map, Succeeded', async () => {
    const workflow = await fixture('large-graph-runtime.ts');
    assert.equal(workflow.status?.nodes, undefined, 'the fixture carries its nodes only compressed');
    const found = workflowNodes(workflow);
    assert.equal(found.kind, 'compressed');
    assert.equal(found.kind === 'compressed' ? Object.keys(found.nodes).length : 0, 401);
    const tasks = tasksOf(workflow);
    assert.equal(tasks.length, 400);
    assert.ok(tasks.every((t) => t.status === 'Succeeded' && t.attempts.length === 1));
  });
});

describe('Argo status mapping: cases the fixtures do not hold', () => {
  const pod = (id: string, extra: Partial<NodeStatus> = {}): NodeStatus => ({ id, name: `wf.${id}`, displayName: id, type: 'Pod', phase: 'Succeeded', ...extra });

  it('a Retry node with three children is three attempts in start order; outputs from the last', () => {
    const nodes: Record<string, NodeStatus> = {
      wf: { id: 'wf', name: 'wf', displayName: 'wf', type: 'DAG', phase: 'Succeeded', children: ['r'] },
      r: { id: 'r', name: 'wf.train', displayName: 'train', type: 'Retry', phase: 'Succeeded', children: ['c', 'a', 'b'] },
      a: pod('a', { displayName: 'train(0)', phase: 'Failed', message: 'exit 1', startedAt: '2024-01-01T00:00:00Z', outputs: { exitCode: '1' } }),
      b: pod('b', { displayName: 'train(1)', phase: 'Error', startedAt: '2024-01-01T00:01:00Z' }),
      c: pod('c', { displayName: 'train(2)', startedAt: '2024-01-01T00:02:00Z', outputs: { parameters: [{ name: 'acc', value: '0.9' }], exitCode: '0' } }),
    };
    const [task] = tasksOf({ metadata: { name: 'wf' }, spec: {}, status: { phase: 'Succeeded', nodes } });
    assert.deepEqual(task?.attempts.map((a) => [a.attempt, a.nodeId, a.status, a.exitCode, a.message]), [
      [1, 'a', 'Failed', 1, 'exit 1'],
      [2, 'b', 'Error', undefined, undefined],
      [3, 'c', 'Succeeded', 0, undefined],
    ]);
    assert.deepEqual(task?.outputs, { acc: '0.9' });
  });

  it('compressedNodes written as the controller writes them (gzip, base64) decode to the same nodes', () => {
    const nodes = { p: pod('p') };
    const compressed = gzipSync(JSON.stringify(nodes)).toString('base64');
    assert.deepEqual(workflowNodes({ metadata: { name: 'wf' }, spec: {}, status: { compressedNodes: compressed } }), { kind: 'compressed', nodes });
    assert.throws(() => workflowNodes({ metadata: { name: 'wf' }, spec: {}, status: { compressedNodes: 'bm90IGd6aXA=' } }), /workflow wf: status\.compressedNodes cannot be read/);
  });

  it('offloaded node status is reported, so the engine fetches the workflow through the server', () => {
    const workflow: Workflow = { metadata: { name: 'wf' }, spec: {}, status: { phase: 'Running', offloadNodeStatusVersion: 'fnv:123' } };
    assert.deepEqual(workflowTasks(workflow), { kind: 'offloaded', version: 'fnv:123' });
  });

  it('a stopped or terminated workflow is Cancelled; a memoized node is Cached; loops get forEach keys', () => {
    const stopped: Workflow = { metadata: { name: 'wf' }, spec: { shutdown: 'Terminate' }, status: { phase: 'Failed', message: "Stopped with strategy 'Terminate'" } };
    assert.equal(workflowRunState(stopped).status, 'Cancelled');
    assert.equal(workflowRunState({ metadata: { name: 'wf' }, spec: {}, status: { phase: 'Failed' } }).status, 'Failed');
    assert.equal(workflowRunState({ metadata: { name: 'wf' }, spec: {} }).status, 'Pending');
    const [cached] = tasksOf({ metadata: { name: 'wf' }, spec: {}, status: { nodes: { p: pod('p', { memoizationStatus: { hit: true, key: 'k', cacheName: 'c' } }) } } });
    assert.equal(cached?.status, 'Cached');
    assert.equal(taskKey('process(2:{"file":"a(1).txt"})'), 'process[2]');
    assert.equal(taskKey('train'), 'train');
  });
});

function statusOf(node: NodeStatus | undefined): string {
  if (node?.memoizationStatus?.hit === true) return 'Cached';
  return node?.phase ?? 'Pending';
}

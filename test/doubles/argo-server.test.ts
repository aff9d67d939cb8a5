// The Argo Server double, exercised with plain fetch: every route it serves, every fault, the
// contract checks, and the status codes and stream lines Argo Server's own e2e test asserts.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { FIXTURES_DIR } from '../helpers/shared.js';
import { suiteRequiresShared } from '../helpers/shared.js';
import { nodeId, type NodeProgress } from './argo-progress.js';
import { ARGO_SWAGGER, ArgoServerDouble, type ArgoServerOptions } from './argo-server.js';
import { useDouble } from './harness.js';
import { readStream } from './read-stream.js';
import { SwaggerContract } from './swagger-validator.js';

const TOKEN = 'good-token';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' };

function workflow(name: string, labels: Record<string, string> = {}): unknown {
  return {
    workflow: {
      metadata: { name, labels },
      spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'argoproj/argosay:v2' } }] },
    },
  };
}

async function start(t: TestContext, options: ArgoServerOptions = { tokens: { [TOKEN]: ['argo'] } }): Promise<ArgoServerDouble> {
  return useDouble(t, new ArgoServerDouble(options));
}

async function call(double: ArgoServerDouble, method: string, path: string, body?: unknown, headers: Record<string, string> = JSON_AUTH): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${double.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

describe('Argo Server double', suiteRequiresShared('Argo Server double', ARGO_SWAGGER), () => {
  it('answers auth as the e2e test shows: 401 with no version header for no, unknown or "nothing" tokens, 403 outside the namespace', async (t) => {
    const double = await start(t);
    const noToken = await fetch(`${double.url}/api/v1/workflows/argo`);
    assert.equal(noToken.status, 401);
    assert.equal(noToken.headers.get('grpc-metadata-argo-version'), null);
    for (const token of ['test-token', 'nothing', 'faketoken']) {
      const response = await fetch(`${double.url}/api/v1/workflows/argo`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(response.status, 401, `Bearer ${token}`);
      assert.equal(response.headers.get('grpc-metadata-argo-version'), null);
      assert.equal(((await response.json()) as { code: number }).code, 16);
    }
    const forbidden = await call(double, 'GET', '/api/v1/workflows/other');
    assert.equal(forbidden.status, 403);
    const ok = await fetch(`${double.url}/api/v1/workflows/argo`, { headers: AUTH });
    assert.equal(ok.status, 200);
    assert.notEqual(ok.headers.get('grpc-metadata-argo-version'), null);
    const cookie = await fetch(`${double.url}/api/v1/workflows/argo`, { headers: { Cookie: `authorization=invalid1; authorization=Bearer ${TOKEN}; authorization=invalid2` } });
    assert.equal(cookie.status, 200, 'one good authorization cookie among bad ones');
  });

  it('in server auth mode (no tokens configured) ignores credentials, "Bearer nothing" included', async (t) => {
    const double = await start(t, {});
    const response = await fetch(`${double.url}/api/v1/workflows/argo`, { headers: { Authorization: 'Bearer nothing' } });
    assert.equal(response.status, 200);
  });

  it('creates, gets, lists by label, and deletes workflows; a repeated name is 409 AlreadyExists', async (t) => {
    const double = await start(t);
    const created = await call(double, 'POST', '/api/v1/workflows/argo', workflow('hint', { 'workflows.argoproj.io/test': 'subject-1' }));
    assert.equal(created.status, 200);
    const meta = created.body.metadata as Record<string, unknown>;
    assert.equal(meta.name, 'hint');
    assert.match(String(meta.uid), /^[0-9a-f-]{36}$/);
    const again = await call(double, 'POST', '/api/v1/workflows/argo', workflow('hint'));
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 6);
    assert.match(String(again.body.message), /already exists/);
    assert.equal(again.body.message, 'workflows.argoproj.io "hint" already exists');

    const generated = await call(double, 'POST', '/api/v1/workflows/argo', { workflow: { metadata: { generateName: 'test-' }, spec: { entrypoint: 'main' } } });
    assert.match(String((generated.body.metadata as Record<string, unknown>).name), /^test-[a-z0-9]{5}$/);

    const got = await call(double, 'GET', '/api/v1/workflows/argo/hint');
    assert.equal((got.body.metadata as Record<string, unknown>).uid, meta.uid);
    assert.equal((await call(double, 'GET', '/api/v1/workflows/argo/not-found')).status, 404);

    const listed = await call(double, 'GET', '/api/v1/workflows/argo?listOptions.labelSelector=workflows.argoproj.io/test%3Dsubject-1');
    assert.deepEqual((listed.body.items as Array<{ metadata: { name: string } }>).map((w) => w.metadata.name), ['hint']);
    assert.match(String((listed.body.metadata as Record<string, unknown>).resourceVersion), /^\d+$/);
    const notIn = await call(double, 'GET', '/api/v1/workflows/argo?listOptions.labelSelector=workflows.argoproj.io/test!%3Dsubject-1');
    assert.equal((notIn.body.items as unknown[]).length, 1);

    assert.equal((await call(double, 'DELETE', '/api/v1/workflows/argo/hint')).status, 200);
    assert.equal((await call(double, 'DELETE', '/api/v1/workflows/argo/hint')).status, 404);
  });

  it('a dry-run create stores nothing and returns no uid', async (t) => {
    const double = await start(t);
    const dry = await call(double, 'POST', '/api/v1/workflows/argo', { ...(workflow('test') as object), createOptions: { dryRun: ['All'] } });
    assert.equal(dry.status, 200);
    assert.equal((dry.body.metadata as Record<string, unknown>).uid, undefined);
    assert.equal((await call(double, 'GET', '/api/v1/workflows/argo/test')).status, 404);
  });

  it('advances a workflow through its phases, with retried nodes and output parameters', async (t) => {
    const double = await start(t);
    await call(double, 'POST', '/api/v1/workflows/argo', workflow('wf'));
    double.advance('argo', 'wf', { phase: 'Pending' });
    const running: NodeProgress[] = [
      { name: 'wf', phase: 'Running', children: ['wf.prepare', 'wf.train'] },
      { name: 'wf.prepare', phase: 'Succeeded', outputs: { parameters: [{ name: 'rows', value: '42' }], exitCode: '0' } },
      { name: 'wf.train', phase: 'Running', attempts: [{ phase: 'Failed', message: 'OOMKilled' }, { phase: 'Running' }] },
    ];
    double.advance('argo', 'wf', { phase: 'Running', nodes: running });
    double.advance('argo', 'wf', { phase: 'Succeeded', nodes: [{ name: 'wf', phase: 'Succeeded' }, { name: 'wf.train', phase: 'Succeeded', attempts: [{ phase: 'Failed', message: 'OOMKilled' }, { phase: 'Succeeded' }] }] });
    const got = await call(double, 'GET', '/api/v1/workflows/argo/wf');
    const status = got.body.status as { phase: string; startedAt: string; finishedAt: string; progress: string; nodes: Record<string, Record<string, unknown>> };
    assert.equal(status.phase, 'Succeeded');
    assert.ok(status.startedAt !== undefined && status.finishedAt !== undefined);
    const byName = new Map(Object.values(status.nodes).map((n) => [n.name, n]));
    assert.equal(status.nodes[nodeId('wf', 'wf.train')]?.name, 'wf.train', 'nodes are keyed by the id nodeId() derives');
    assert.equal(status.nodes.wf?.name, 'wf', 'the root node has the workflow name as id');
    assert.equal(byName.get('wf.train')?.type, 'Retry');
    assert.equal((byName.get('wf.train')?.children as string[]).length, 2);
    assert.equal(byName.get('wf.train(0)')?.phase, 'Failed');
    assert.equal(byName.get('wf.train(0)')?.message, 'OOMKilled');
    assert.equal(byName.get('wf.train(1)')?.phase, 'Succeeded');
    assert.deepEqual((byName.get('wf.prepare')?.outputs as { parameters: unknown[] }).parameters, [{ name: 'rows', value: '42' }]);
    assert.equal(status.progress, '3/3');
    const labels = (got.body.metadata as { labels: Record<string, string> }).labels;
    assert.equal(labels['workflows.argoproj.io/completed'], 'true');
  });

  it('stops, terminates, retries and resubmits as Argo does', async (t) => {
    const double = await start(t);
    await call(double, 'POST', '/api/v1/workflows/argo', workflow('a'));
    double.advance('argo', 'a', { phase: 'Running', nodes: [{ name: 'a', phase: 'Running' }, { name: 'a.ok', phase: 'Succeeded' }, { name: 'a.slow', phase: 'Running' }] });
    const terminated = await call(double, 'PUT', '/api/v1/workflows/argo/a/terminate', {});
    assert.equal(terminated.status, 200);
    assert.equal((terminated.body.status as Record<string, unknown>).message, "Stopped with strategy 'Terminate'");
    assert.equal((terminated.body.spec as Record<string, unknown>).shutdown, 'Terminate');
    assert.equal((await call(double, 'PUT', '/api/v1/workflows/argo/a/stop', {})).status, 400, 'a completed workflow cannot be shut down');

    const retried = await call(double, 'PUT', '/api/v1/workflows/argo/a/retry', {});
    assert.equal(retried.status, 200);
    const nodes = Object.values((retried.body.status as { nodes: Record<string, { name: string }> }).nodes).map((n) => n.name).sort();
    assert.deepEqual(nodes, ['a', 'a.ok'], 'the succeeded node is kept, the failed one goes');
    assert.equal((retried.body.status as Record<string, unknown>).phase, 'Running');
    assert.equal((await call(double, 'PUT', '/api/v1/workflows/argo/a/retry', {})).status, 400, 'a running workflow is not retried');

    const stopped = await call(double, 'PUT', '/api/v1/workflows/argo/a/stop', { message: 'enough' });
    assert.equal((stopped.body.status as Record<string, unknown>).message, 'enough');
    const resubmitted = await call(double, 'PUT', '/api/v1/workflows/argo/a/resubmit', { memoized: true });
    assert.equal(resubmitted.status, 200);
    const meta = resubmitted.body.metadata as { name: string; labels: Record<string, string> };
    assert.match(meta.name, /^a-[a-z0-9]{5}$/);
    assert.equal(meta.labels['workflows.argoproj.io/resubmitted-from-workflow'], 'a');
  });

  it('watches as server-sent `data: {"result":{type,object}}` lines: ADDED, MODIFIED, DELETED', async (t) => {
    const double = await start(t);
    await call(double, 'POST', '/api/v1/workflows/argo', workflow('w'));
    await call(double, 'POST', '/api/v1/workflows/argo', workflow('other'));
    const controller = new AbortController();
    t.after(() => controller.abort());
    const response = await fetch(`${double.url}/api/v1/workflow-events/argo?listOptions.fieldSelector=metadata.name=w`, { headers: { ...AUTH, Accept: 'text/event-stream' }, signal: controller.signal });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const stream = readStream(response);
    await stream.until('the ADDED event', (lines) => lines.length >= 1);
    double.advance('argo', 'w', { phase: 'Running' });
    double.advance('argo', 'other', { phase: 'Running' });
    double.advance('argo', 'w', { phase: 'Succeeded' });
    double.removeBehindClient('argo', 'w');
    const lines = await stream.until('four events of w', (l) => l.length >= 4);
    for (const line of lines) assert.match(line, /^data: \{"result":\{"type":"(ADDED|MODIFIED|DELETED)","object":/);
    const events = lines.map((line) => JSON.parse(line.slice('data: '.length)) as { result: { type: string; object: { metadata: { name: string }; status?: { phase?: string } } } });
    assert.deepEqual(events.map((e) => e.result.type), ['ADDED', 'MODIFIED', 'MODIFIED', 'DELETED']);
    assert.ok(events.every((e) => e.result.object.metadata.name === 'w'));
    assert.equal(events[2]?.result.object.status?.phase, 'Succeeded');
  });

  it('resumes a watch from a resourceVersion, answers 410 Gone once that version is compacted, and streams NDJSON without the SSE accept header', async (t) => {
    const double = await start(t);
    await call(double, 'POST', '/api/v1/workflows/argo', workflow('w'));
    const list = await call(double, 'GET', '/api/v1/workflows/argo');
    const version = String((list.body.metadata as Record<string, unknown>).resourceVersion);
    double.advance('argo', 'w', { phase: 'Running' });
    const controller = new AbortController();
    t.after(() => controller.abort());
    const resumed = await fetch(`${double.url}/api/v1/workflow-events/argo?listOptions.resourceVersion=${version}`, { headers: AUTH, signal: controller.signal });
    assert.equal(resumed.headers.get('content-type'), 'application/json');
    const lines = await readStream(resumed).until('the MODIFIED event after the listed version', (l) => l.length >= 1);
    const first = JSON.parse(lines[0] ?? '') as { result: { type: string } };
    assert.equal(first.result.type, 'MODIFIED', 'only what happened after the version is replayed');

    double.workflows.compact();
    const gone = await call(double, 'GET', `/api/v1/workflow-events/argo?listOptions.resourceVersion=${version}`);
    assert.equal(gone.status, 410);
    assert.match(String(gone.body.message), /too old resource version/);
  });

  it('drops a watch stream mid-way when told to', async (t) => {
    const double = await start(t);
    await call(double, 'POST', '/api/v1/workflows/argo', workflow('w'));
    double.faults.dropStream(2, { operationId: 'WorkflowService_WatchWorkflows' });
    const response = await fetch(`${double.url}/api/v1/workflow-events/argo`, { headers: { ...AUTH, Accept: 'text/event-stream' } });
    const stream = readStream(response);
    await stream.until('the ADDED event', (l) => l.length >= 1);
    double.advance('argo', 'w', { phase: 'Running' });
    assert.equal(await stream.end('the cut after the second event'), 'cut');
    assert.equal(stream.lines.length, 2);
  });

  it('lists watches and get: compressed nodes in lists and watches, hydrated nodes on get', async (t) => {
    const double = await start(t);
    await call(double, 'POST', '/api/v1/workflows/argo', workflow('big'));
    double.advance('argo', 'big', { phase: 'Running', compressNodes: true, nodes: [{ name: 'big', phase: 'Running' }, { name: 'big.a', phase: 'Running' }] });
    const listed = await call(double, 'GET', '/api/v1/workflows/argo');
    const status = (listed.body.items as Array<{ status: { nodes?: unknown; compressedNodes?: string } }>)[0]?.status;
    assert.equal(status?.nodes, undefined);
    const nodes = JSON.parse(gunzipSync(Buffer.from(status?.compressedNodes ?? '', 'base64')).toString()) as Record<string, { name: string }>;
    assert.deepEqual(Object.values(nodes).map((n) => n.name).sort(), ['big', 'big.a']);
    const got = await call(double, 'GET', '/api/v1/workflows/argo/big');
    assert.equal(Object.keys((got.body.status as { nodes: object }).nodes).length, 2);
    assert.equal((got.body.metadata as { annotations?: unknown }).annotations, undefined, 'the marker never leaves the double');
  });

  it('streams pod logs by podName and container, as the e2e log lines show, and follows until the workflow ends', async (t) => {
    const double = await start(t);
    await call(double, 'POST', '/api/v1/workflows/argo', workflow('logs'));
    double.advance('argo', 'logs', { phase: 'Running' });
    double.setLogs('argo', 'logs', 'logs-1', ['one', 'two', ':) Hello Argo!']);
    double.setLogs('argo', 'logs', 'logs-1', ['wait line'], 'wait');
    double.setLogs('argo', 'logs', 'logs-2', ['other pod']);
    for (const path of ['/api/v1/workflows/argo/logs/logs-1/log?logOptions.container=main&logOptions.tailLines=2', '/api/v1/workflows/argo/logs/log?podName=logs-1&logOptions.container=main&logOptions.tailLines=2']) {
      const response = await fetch(`${double.url}${path}`, { headers: { ...AUTH, Accept: 'text/event-stream' } });
      const stream = readStream(response);
      assert.equal(await stream.end(`the end of ${path}`), 'ended');
      assert.deepEqual(stream.lines, ['data: {"result":{"content":"two","podName":"logs-1"}}', 'data: {"result":{"content":":) Hello Argo!","podName":"logs-1"}}']);
    }
    const all = readStream(await fetch(`${double.url}/api/v1/workflows/argo/logs/log?logOptions.container=main`, { headers: AUTH }));
    await all.end('all main-container lines');
    assert.equal(all.lines.length, 4);

    const follow = readStream(await fetch(`${double.url}/api/v1/workflows/argo/logs/logs-1/log?logOptions.container=main&logOptions.follow=true`, { headers: AUTH }));
    await follow.until('the three stored lines', (l) => l.length >= 3);
    double.setLogs('argo', 'logs', 'logs-1', ['late']);
    await follow.until('the appended line', (l) => l.length >= 4);
    double.advance('argo', 'logs', { phase: 'Succeeded' });
    assert.equal(await follow.end('the follow stream to end with the workflow'), 'ended');
  });

  it('creates, lists, gets and deletes WorkflowTemplates and CronWorkflows', async (t) => {
    const double = await start(t);
    const template = { template: { metadata: { name: 'tpl', labels: { team: 'a' } }, spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'x' } }] } } };
    assert.equal((await call(double, 'POST', '/api/v1/workflow-templates/argo', template)).status, 200);
    assert.equal((await call(double, 'POST', '/api/v1/workflow-templates/argo', template)).status, 409);
    assert.equal((await call(double, 'GET', '/api/v1/workflow-templates/argo/tpl')).body.kind, 'WorkflowTemplate');
    assert.equal(((await call(double, 'GET', '/api/v1/workflow-templates/argo?listOptions.labelSelector=team%3Da')).body.items as unknown[]).length, 1);
    assert.equal((await call(double, 'DELETE', '/api/v1/workflow-templates/argo/tpl')).status, 200);
    assert.equal((await call(double, 'GET', '/api/v1/workflow-templates/argo/tpl')).status, 404);

    const cron = { cronWorkflow: { metadata: { name: 'nightly' }, spec: { schedules: ['0 2 * * *'], workflowSpec: { entrypoint: 'main' } } } };
    assert.equal((await call(double, 'POST', '/api/v1/cron-workflows/argo', cron)).status, 200);
    assert.equal((await call(double, 'GET', '/api/v1/cron-workflows/argo/nightly')).body.kind, 'CronWorkflow');
    assert.equal(((await call(double, 'GET', '/api/v1/cron-workflows/argo')).body.items as unknown[]).length, 1);
    assert.equal((await call(double, 'DELETE', '/api/v1/cron-workflows/argo/nightly')).status, 200);
    assert.equal((await call(double, 'DELETE', '/api/v1/cron-workflows/argo/nightly')).status, 404);
  });

  it('injects 503s and connection resets for the next requests only', async (t) => {
    const double = await start(t);
    double.faults.failNext(2);
    assert.equal((await call(double, 'GET', '/api/v1/workflows/argo')).status, 503);
    assert.equal((await call(double, 'GET', '/api/v1/workflows/argo')).status, 503);
    assert.equal((await call(double, 'GET', '/api/v1/workflows/argo')).status, 200);
    double.faults.resetNext(1, { operationId: 'WorkflowService_CreateWorkflow' });
    await assert.rejects(call(double, 'POST', '/api/v1/workflows/argo', workflow('r')), /fetch failed/);
    assert.equal((await call(double, 'GET', '/api/v1/workflows/argo/r')).status, 404, 'a reset request did nothing');
  });

  it('stores a create and answers only after the client timed out: the retry gets 409', async (t) => {
    const double = await start(t);
    double.faults.stallAfterHandling(60_000, { operationId: 'WorkflowService_CreateWorkflow' });
    await assert.rejects(
      fetch(`${double.url}/api/v1/workflows/argo`, { method: 'POST', headers: JSON_AUTH, body: JSON.stringify(workflow('once')), signal: AbortSignal.timeout(200) }),
      /aborted|timeout/i,
    );
    const retry = await call(double, 'POST', '/api/v1/workflows/argo', workflow('once'));
    assert.equal(retry.status, 409);
    assert.equal(((await call(double, 'GET', '/api/v1/workflows/argo')).body.items as unknown[]).length, 1, 'exactly one workflow');
  });

  it('records contract violations: unknown path, wrong method, missing path parameter, bad body, dropped fields and query keys', async (t) => {
    const double = await start(t);
    assert.equal((await call(double, 'GET', '/api/v1/workflowz/argo')).status, 404);
    assert.equal((await call(double, 'PATCH', '/api/v1/workflows/argo')).status, 405);
    assert.equal((await call(double, 'GET', '/api/v1/workflows//x')).status, 404);
    const bad = await call(double, 'POST', '/api/v1/workflows/argo', { workflow: { metadata: { name: 'b' }, spec: { entrypoint: 7 } } });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.message), /entrypoint must be string/);
    const notJson = await fetch(`${double.url}/api/v1/workflows/argo`, { method: 'POST', headers: JSON_AUTH, body: '{' });
    assert.equal(notJson.status, 400);
    // Argo Server's encoding/json drops an unknown field and answers 200: the double does too, and records it.
    const dropped = await call(double, 'POST', '/api/v1/workflows/argo', { workflow: { metadata: { name: 'd' }, spec: { entrypoint: 'main', entryPoint: 'typo' } } });
    assert.equal(dropped.status, 200);
    assert.equal((dropped.body.spec as Record<string, unknown>).entryPoint, undefined, 'the unknown field is dropped, as the real server drops it');
    assert.equal((await call(double, 'GET', '/api/v1/workflows/argo?labelSelector=a%3Db')).status, 200);
    const problems = double.http.takeViolations().map((v) => v.problems.join('; '));
    assert.equal(problems.length, 7);
    assert.match(problems[0] ?? '', /no such route/);
    assert.match(problems[1] ?? '', /PATCH is not allowed/);
    assert.match(problems[2] ?? '', /no such route/);
    assert.match(problems[3] ?? '', /entrypoint must be string/);
    assert.match(problems[4] ?? '', /not valid/);
    assert.match(problems[5] ?? '', /additional properties 'entryPoint'/);
    assert.match(problems[6] ?? '', /query parameter labelSelector is not in WorkflowService_ListWorkflows/);
  });

  it('records a response that does not match the schema (a bug in the double or in what a test fed it)', async (t) => {
    const double = await start(t);
    await call(double, 'POST', '/api/v1/workflows/argo', workflow('x'));
    double.advance('argo', 'x', { phase: 'Running', nodes: [{ name: 'x.a', phase: 'Running', outputs: { exitCode: 1 as unknown as string } }] });
    await call(double, 'GET', '/api/v1/workflows/argo/x');
    const violations = double.http.takeViolations();
    assert.equal(violations.length, 1);
    assert.equal(violations[0]?.side, 'response');
    assert.match(violations[0]?.problems.join() ?? '', /exitCode must be string/);
  });

  it('refuses the `fields` parameter rather than ignore it', async (t) => {
    const double = await start(t);
    assert.equal((await call(double, 'GET', '/api/v1/workflows/argo?fields=items.metadata.name')).status, 501);
    assert.match(double.http.takeViolations()[0]?.problems.join() ?? '', /does not implement the fields parameter/);
  });

  it('accepts every real Workflow object in the fixtures (what the server reads), with only fields Argo has since dropped left over under strict checking', async () => {
    const accepting = SwaggerContract.load(ARGO_SWAGGER, { nullable: false, strict: false });
    const strict = SwaggerContract.load(ARGO_SWAGGER, { nullable: false, strict: true });
    const dir = join(FIXTURES_DIR, 'argo-workflow-status');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 10);
    for (const file of files) {
      const object = ((await import(join(dir, file))) as { default: unknown }).default;
      assert.deepEqual(accepting.checkDefinition('io.argoproj.workflow.v1alpha1.Workflow', object), [], file);
      for (const problem of strict.checkDefinition('io.argoproj.workflow.v1alpha1.Workflow', object)) {
        // mock-retry's templates carry `arguments`, a Template field older Argo had.
        assert.match(problem, /templates\/\d+ must NOT have additional properties 'arguments'/, file);
      }
    }
  });
});

// The KFP API double, exercised with plain fetch: every route it serves, auth, faults, the
// contract checks, and its answers against the messages KFP's own marshaller wrote (the fixtures).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { FIXTURES_DIR, suiteRequiresShared } from '../helpers/shared.js';
import { useDouble } from './harness.js';
import { KFP_SWAGGER, KfpApiDouble, type KfpApiOptions } from './kfp-api.js';
import { SwaggerContract } from './swagger-validator.js';

const API = '/apis/v2beta1';
const TOKEN = 'sa-token';
const AUTH = { Authorization: `Bearer ${TOKEN}` };

const SPEC_YAML = `# PIPELINE DEFINITION
pipelineInfo:
  name: train
root:
  dag:
    tasks:
      fit:
        taskInfo:
          name: fit
schemaVersion: 2.1.0
sdkVersion: tandem
---
platforms:
  kubernetes: {}
`;

type Body = Record<string, unknown>;

async function start(t: TestContext, options: KfpApiOptions = { tokens: [TOKEN] }): Promise<KfpApiDouble> {
  return useDouble(t, new KfpApiDouble(options));
}

async function call(double: KfpApiDouble, method: string, path: string, body?: unknown, headers: Record<string, string> = AUTH): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${double.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Body) };
}

async function upload(double: KfpApiDouble, path: string, yaml = SPEC_YAML, filename = 'train.yaml'): Promise<{ status: number; body: Body }> {
  const form = new FormData();
  form.append('uploadfile', new Blob([yaml], { type: 'application/x-yaml' }), filename);
  const response = await fetch(`${double.url}${path}`, { method: 'POST', headers: AUTH, body: form });
  return { status: response.status, body: (await response.json()) as Body };
}

function fixture(name: string): Body {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'kfp-api-v2beta1', `${name}.json`), 'utf8')) as Body;
}

async function pipelineAndRun(double: KfpApiDouble, displayName = 'run-1'): Promise<{ pipelineId: string; runId: string; experimentId: string }> {
  const pipeline = await upload(double, `${API}/pipelines/upload?name=train-${displayName}`);
  const experiment = await call(double, 'POST', `${API}/experiments`, { display_name: `exp-${displayName}` });
  const run = await call(double, 'POST', `${API}/runs`, {
    display_name: displayName,
    experiment_id: experiment.body.experiment_id,
    pipeline_version_reference: { pipeline_id: pipeline.body.pipeline_id },
    runtime_config: { parameters: { lr: 0.1, name: 'x' } },
  });
  assert.equal(run.status, 200, JSON.stringify(run.body));
  return { pipelineId: String(pipeline.body.pipeline_id), runId: String(run.body.run_id), experimentId: String(experiment.body.experiment_id) };
}

describe('KFP API double', suiteRequiresShared('KFP API double', KFP_SWAGGER), () => {
  it('checks the fixtures KFP marshalled against the response schema, and the double answers with the same key sets', async (t) => {
    const contract = SwaggerContract.load(KFP_SWAGGER, { nullable: true, strict: true });
    const messages: Record<string, string> = {
      experiment: 'v2beta1Experiment',
      pipeline: 'v2beta1Pipeline',
      pipeline_version: 'v2beta1PipelineVersion',
      recurring_run: 'v2beta1RecurringRun',
      run_completed: 'v2beta1Run',
      run_completed_with_spec: 'v2beta1Run',
      run_failed: 'v2beta1Run',
      visualization: 'v2beta1Visualization',
    };
    for (const [file, message] of Object.entries(messages)) assert.deepEqual(contract.checkDefinition(message, fixture(file)), [], file);
    // A field the message does not have is caught (strict), so the check above means something.
    assert.notDeepEqual(contract.checkDefinition('v2beta1Run', { ...fixture('run_failed'), runId: 'x' }), []);

    const double = await start(t);
    const { pipelineId, runId, experimentId } = await pipelineAndRun(double);
    const keys = (value: unknown): string[] => Object.keys(value as Body).sort();
    assert.deepEqual(keys((await call(double, 'GET', `${API}/experiments/${experimentId}`)).body), keys(fixture('experiment')));
    assert.deepEqual(keys((await call(double, 'GET', `${API}/pipelines/${pipelineId}`)).body), keys(fixture('pipeline')));
    const versions = (await call(double, 'GET', `${API}/pipelines/${pipelineId}/versions`)).body.pipeline_versions as Body[];
    assert.deepEqual(keys(versions[0]), keys(fixture('pipeline_version')));
    assert.deepEqual(keys((await call(double, 'GET', `${API}/runs/${runId}`)).body), keys(fixture('run_completed')));
    const withSpec = await call(double, 'POST', `${API}/runs`, { display_name: 'inline', pipeline_spec: { pipelineInfo: { name: 'p' } } });
    assert.deepEqual(keys(withSpec.body), keys(fixture('run_completed_with_spec')));
    const recurring = await call(double, 'POST', `${API}/recurringruns`, {
      display_name: 'daily',
      pipeline_version_reference: { pipeline_id: pipelineId },
      trigger: { periodic_schedule: { interval_second: '86400' } },
    });
    assert.deepEqual(keys(recurring.body), keys(fixture('recurring_run')));
  });

  it('authenticates by bearer token; healthz is open', async (t) => {
    const double = await start(t);
    assert.equal((await call(double, 'GET', `${API}/healthz`, undefined, {})).status, 200);
    const none = await call(double, 'GET', `${API}/runs`, undefined, {});
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 16);
    assert.equal((await call(double, 'GET', `${API}/runs`, undefined, { Authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await call(double, 'GET', `${API}/runs`)).status, 200);
  });

  it('authenticates by a configurable user-id header with a prefix, as multi-user Kubeflow does', async (t) => {
    const double = await start(t, { userHeader: { name: 'x-goog-authenticated-user-email', prefix: 'accounts.google.com:', users: ['ada@example.com'] } });
    assert.equal((await call(double, 'GET', `${API}/runs`, undefined, { 'x-goog-authenticated-user-email': 'accounts.google.com:ada@example.com' })).status, 200);
    assert.equal((await call(double, 'GET', `${API}/runs`, undefined, { 'x-goog-authenticated-user-email': 'accounts.google.com:eve@example.com' })).status, 403);
    assert.equal((await call(double, 'GET', `${API}/runs`, undefined, { 'kubeflow-userid': 'ada@example.com' })).status, 401);
    const health = await call(double, 'GET', `${API}/healthz`, undefined, {});
    assert.equal(health.body.multi_user, true);
  });

  it('uploads pipelines and versions as multipart, gets them by id and by name, lists and filters them, deletes with cascade', async (t) => {
    const double = await start(t);
    const pipeline = await upload(double, `${API}/pipelines/upload?name=train&display_name=Train`);
    assert.equal(pipeline.status, 200);
    assert.equal(pipeline.body.display_name, 'Train');
    const pipelineId = String(pipeline.body.pipeline_id);
    assert.equal((await upload(double, `${API}/pipelines/upload?name=train`)).status, 409);
    const version = await upload(double, `${API}/pipelines/upload_version?pipelineid=${pipelineId}&name=v2`);
    assert.equal(version.status, 200);
    assert.equal(version.body.pipeline_id, pipelineId);
    assert.equal(((version.body.pipeline_spec as Body).pipelineInfo as Body).name, 'train', 'the first YAML document is the spec');
    assert.equal((await upload(double, `${API}/pipelines/upload_version?pipelineid=${pipelineId}&name=v2`)).status, 409);
    assert.equal((await upload(double, `${API}/pipelines/upload?name=bad`, 'just: text\n')).status, 400);
    assert.equal((await call(double, 'GET', `${API}/pipelines/${pipelineId}`)).body.name, 'train');
    assert.equal((await call(double, 'GET', `${API}/pipelines/names/train`)).body.pipeline_id, pipelineId);
    assert.equal((await call(double, 'GET', `${API}/pipelines/names/nope`)).status, 404);
    await upload(double, `${API}/pipelines/upload?name=other`);
    const filter = encodeURIComponent(JSON.stringify({ predicates: [{ key: 'name', operation: 'EQUALS', string_value: 'train' }] }));
    const listed = await call(double, 'GET', `${API}/pipelines?filter=${filter}`);
    assert.deepEqual((listed.body.pipelines as Body[]).map((p) => p.name), ['train']);
    assert.equal(listed.body.total_size, 1);
    const versions = await call(double, 'GET', `${API}/pipelines/${pipelineId}/versions`);
    assert.deepEqual((versions.body.pipeline_versions as Body[]).map((v) => v.name), ['train', 'v2']);
    const versionId = String(version.body.pipeline_version_id);
    assert.equal((await call(double, 'GET', `${API}/pipelines/${pipelineId}/versions/${versionId}`)).body.name, 'v2');
    assert.equal((await call(double, 'DELETE', `${API}/pipelines/${pipelineId}`)).status, 400, 'versions left, no cascade');
    assert.equal((await call(double, 'DELETE', `${API}/pipelines/${pipelineId}/versions/${versionId}`)).status, 200);
    assert.equal((await call(double, 'DELETE', `${API}/pipelines/${pipelineId}?cascade=true`)).status, 200);
    assert.equal((await call(double, 'GET', `${API}/pipelines/${pipelineId}`)).status, 404);
  });

  it('creates experiments once per name, gets, lists by display_name and deletes them', async (t) => {
    const double = await start(t);
    const created = await call(double, 'POST', `${API}/experiments`, { display_name: 'tuning', description: 'd' });
    assert.equal(created.status, 200);
    assert.equal(created.body.storage_state, 'AVAILABLE');
    assert.equal((await call(double, 'POST', `${API}/experiments`, { display_name: 'tuning' })).status, 409);
    await call(double, 'POST', `${API}/experiments`, { display_name: 'other' });
    const filter = encodeURIComponent(JSON.stringify({ predicates: [{ key: 'display_name', operation: 'EQUALS', string_value: 'tuning' }] }));
    const listed = await call(double, 'GET', `${API}/experiments?filter=${filter}`);
    assert.deepEqual((listed.body.experiments as Body[]).map((e) => e.experiment_id), [created.body.experiment_id]);
    assert.equal((await call(double, 'DELETE', `${API}/experiments/${String(created.body.experiment_id)}`)).status, 200);
    assert.equal((await call(double, 'GET', `${API}/experiments/${String(created.body.experiment_id)}`)).status, 404);
  });

  it('creates runs, reports task details as the test advances them, lists with filter and experiment, pages', async (t) => {
    const double = await start(t);
    const { runId, experimentId, pipelineId } = await pipelineAndRun(double, 'tandem-run-1');
    const created = await call(double, 'GET', `${API}/runs/${runId}`);
    assert.equal(created.body.state, 'PENDING');
    assert.equal(created.body.run_details, null);
    const ref = created.body.pipeline_version_reference as Body;
    assert.equal(ref.pipeline_id, pipelineId);
    assert.match(String(ref.pipeline_version_id), /^[0-9a-f-]{36}$/, 'the latest version is filled in');

    double.advance(runId, 'RUNNING', [{ name: 'root', state: 'RUNNING' }, { name: 'fit', state: 'RUNNING', parent: 'root', podName: 'fit-pod' }]);
    double.advance(runId, 'SUCCEEDED', [{ name: 'fit', state: 'SUCCEEDED', outputs: { model: ['7'] } }, { name: 'root', state: 'SUCCEEDED' }]);
    const done = await call(double, 'GET', `${API}/runs/${runId}`);
    assert.equal(done.body.state, 'SUCCEEDED');
    assert.notEqual(done.body.finished_at, null);
    assert.deepEqual((done.body.state_history as Body[]).map((s) => s.state), ['PENDING', 'RUNNING', 'SUCCEEDED']);
    const tasks = (done.body.run_details as { task_details: Body[] }).task_details;
    const byName = new Map(tasks.map((task) => [task.display_name, task]));
    assert.equal(byName.get('fit')?.state, 'SUCCEEDED');
    assert.equal(byName.get('fit')?.pod_name, 'fit-pod');
    assert.deepEqual(byName.get('fit')?.outputs, { model: { artifact_ids: ['7'] } });
    assert.equal(byName.get('fit')?.parent_task_id, byName.get('root')?.task_id);
    assert.deepEqual(byName.get('root')?.child_tasks, [{ task_id: byName.get('fit')?.task_id, pod_name: 'fit-pod' }]);

    await call(double, 'POST', `${API}/runs`, { display_name: 'tandem-run-2', pipeline_version_reference: { pipeline_id: pipelineId } });
    const filter = encodeURIComponent(JSON.stringify({ predicates: [{ key: 'display_name', operation: 'EQUALS', string_value: 'tandem-run-1' }] }));
    const byDisplayName = await call(double, 'GET', `${API}/runs?filter=${filter}`);
    assert.deepEqual((byDisplayName.body.runs as Body[]).map((r) => r.run_id), [runId]);
    const byExperimentFilter = encodeURIComponent(JSON.stringify({ predicates: [{ key: 'experiment_id', operation: 'EQUALS', stringValue: experimentId }] }));
    assert.equal(((await call(double, 'GET', `${API}/runs?filter=${byExperimentFilter}`)).body.runs as Body[]).length, 1);
    assert.equal(((await call(double, 'GET', `${API}/runs?experiment_id=${experimentId}`)).body.runs as Body[]).length, 1);
    const first = await call(double, 'GET', `${API}/runs?page_size=1&sort_by=${encodeURIComponent('created_at desc')}`);
    assert.equal((first.body.runs as Body[]).length, 1);
    assert.equal(first.body.total_size, 2);
    const second = await call(double, 'GET', `${API}/runs?page_size=1&page_token=${String(first.body.next_page_token)}`);
    assert.equal((second.body.runs as Body[]).length, 1);
    assert.equal(second.body.next_page_token, '');
  });

  it('terminates (CANCELING until the test settles it), retries a failed run from its failed tasks, deletes', async (t) => {
    const double = await start(t);
    const { runId } = await pipelineAndRun(double);
    double.advance(runId, 'RUNNING', [{ name: 'fit', state: 'RUNNING' }]);
    assert.equal((await call(double, 'POST', `${API}/runs/${runId}:terminate`)).status, 200);
    assert.equal((await call(double, 'GET', `${API}/runs/${runId}`)).body.state, 'CANCELING');
    double.advance(runId, 'CANCELED', [{ name: 'fit', state: 'CANCELED' }]);
    assert.equal((await call(double, 'POST', `${API}/runs/${runId}:terminate`)).status, 400, 'a finished run cannot be terminated');

    const { runId: failedId } = await pipelineAndRun(double, 'second');
    double.advance(failedId, 'FAILED', [{ name: 'prep', state: 'SUCCEEDED' }, { name: 'fit', state: 'FAILED', error: { code: 2, message: 'exit 1' } }], { code: 2, message: 'fit failed' });
    const failed = await call(double, 'GET', `${API}/runs/${failedId}`);
    assert.deepEqual(failed.body.error, { code: 2, message: 'fit failed', details: [] });
    assert.equal((await call(double, 'POST', `${API}/runs/${failedId}:retry`)).status, 200);
    const retried = await call(double, 'GET', `${API}/runs/${failedId}`);
    assert.equal(retried.body.state, 'RUNNING');
    assert.equal(retried.body.error, null);
    assert.deepEqual((retried.body.run_details as { task_details: Body[] }).task_details.map((d) => d.display_name), ['prep']);
    assert.equal((await call(double, 'POST', `${API}/runs/${failedId}:retry`)).status, 400, 'a running run is not retried');
    assert.equal((await call(double, 'DELETE', `${API}/runs/${failedId}`)).status, 200);
    assert.equal((await call(double, 'GET', `${API}/runs/${failedId}`)).status, 404);
  });

  it('keeps a run RUNNING forever once its workflow is gone (orphan), which only the engine can notice', async (t) => {
    const double = await start(t);
    const { runId } = await pipelineAndRun(double);
    double.orphan(runId);
    assert.equal((await call(double, 'GET', `${API}/runs/${runId}`)).body.state, 'RUNNING');
    assert.throws(() => double.advance(runId, 'SUCCEEDED'), /orphaned/);
    assert.equal((await call(double, 'GET', `${API}/runs/${runId}`)).body.state, 'RUNNING');
  });

  it('creates, gets, lists, disables, enables and deletes recurring runs', async (t) => {
    const double = await start(t);
    const pipeline = await upload(double, `${API}/pipelines/upload?name=train`);
    const created = await call(double, 'POST', `${API}/recurringruns`, {
      display_name: 'nightly',
      pipeline_version_reference: { pipeline_id: pipeline.body.pipeline_id },
      trigger: { cron_schedule: { cron: '0 0 2 * * *' } },
      max_concurrency: '1',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.status, 'ENABLED');
    const id = String(created.body.recurring_run_id);
    assert.equal((await call(double, 'POST', `${API}/recurringruns/${id}:disable`)).status, 200);
    assert.equal((await call(double, 'GET', `${API}/recurringruns/${id}`)).body.status, 'DISABLED');
    assert.equal((await call(double, 'POST', `${API}/recurringruns/${id}:enable`)).status, 200);
    assert.equal(((await call(double, 'GET', `${API}/recurringruns`)).body.recurringRuns as Body[]).length, 1);
    assert.equal((await call(double, 'DELETE', `${API}/recurringruns/${id}`)).status, 200);
    assert.equal((await call(double, 'GET', `${API}/recurringruns/${id}`)).status, 404);
    assert.equal((await call(double, 'POST', `${API}/recurringruns`, { display_name: 'no-trigger', pipeline_version_reference: { pipeline_id: pipeline.body.pipeline_id } })).status, 400);
  });

  it('stores a created run and answers after the client timed out: a lookup by display name finds exactly one', async (t) => {
    const double = await start(t);
    const pipeline = await upload(double, `${API}/pipelines/upload?name=train`);
    double.faults.stallAfterHandling(60_000, { operationId: 'RunService_CreateRun' });
    await assert.rejects(
      fetch(`${double.url}${API}/runs`, {
        method: 'POST',
        headers: { ...AUTH, 'Content-Type': 'application/json' },
        body: JSON.stringify({ display_name: 'tandem-abc', pipeline_version_reference: { pipeline_id: pipeline.body.pipeline_id } }),
        signal: AbortSignal.timeout(200),
      }),
      /aborted|timeout/i,
    );
    const filter = encodeURIComponent(JSON.stringify({ predicates: [{ key: 'display_name', operation: 'EQUALS', string_value: 'tandem-abc' }] }));
    assert.equal(((await call(double, 'GET', `${API}/runs?filter=${filter}`)).body.runs as Body[]).length, 1);
    assert.equal(double.listRuns().length, 1);
  });

  it('injects 503s and resets', async (t) => {
    const double = await start(t);
    double.faults.failNext(1, { operationId: 'RunService_ListRuns' });
    const unavailable = await call(double, 'GET', `${API}/runs`);
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.body.code, 14);
    assert.equal((await call(double, 'GET', `${API}/runs`)).status, 200);
    double.faults.resetNext(1);
    await assert.rejects(call(double, 'GET', `${API}/runs`), /fetch failed/);
    assert.equal((await call(double, 'GET', `${API}/runs`)).status, 200);
  });

  it('refuses what protojson refuses (unknown fields, wrong types) and records each as a contract violation', async (t) => {
    const double = await start(t);
    const unknown = await call(double, 'POST', `${API}/experiments`, { displayName: 'camel' });
    assert.equal(unknown.status, 400);
    assert.match(String(unknown.body.message), /additional properties 'displayName'/);
    const wrongType = await call(double, 'POST', `${API}/runs`, { display_name: 'x', runtime_config: { parameters: 'lr=1' } });
    assert.equal(wrongType.status, 400);
    assert.equal((await call(double, 'GET', `${API}/runs?page_size=ten`)).status, 400);
    assert.equal((await call(double, 'GET', `${API}/runs/abc:explode`)).status, 404);
    assert.equal((await call(double, 'PUT', `${API}/runs`)).status, 405);
    const unsupported = encodeURIComponent(JSON.stringify({ predicates: [{ key: 'created_at', operation: 'GREATER_THAN', timestamp_value: '2024-01-01T00:00:00Z' }] }));
    assert.equal((await call(double, 'GET', `${API}/runs?filter=${unsupported}`)).status, 501, 'what the double cannot filter on is said, not ignored');
    const problems = double.http.takeViolations().map((v) => v.problems.join('; '));
    assert.equal(problems.length, 6);
    assert.match(problems[0] ?? '', /displayName/);
    assert.match(problems[1] ?? '', /parameters must be object/);
    assert.match(problems[2] ?? '', /page_size="ten" is not an integer/);
    assert.match(problems[3] ?? '', /no such route/);
    assert.match(problems[4] ?? '', /PUT is not allowed/);
    assert.match(problems[5] ?? '', /cannot filter on key "created_at"/);
  });
});

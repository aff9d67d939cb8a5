// The mapping of a tandem run onto MLflow without a server: params flattened and fitted, keys
// MLflow accepts, metric keys, batches within LogBatch's limits, the ML-lane decision, backoff,
// and the `mlflow` section of tandem.yaml.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import type { WorkflowSpec } from '../../../src/spec/schema.js';
import type { RunRecord } from '../../../src/store/ports/runs.js';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../src/tracking/mlflow/backoff.js';
import { metricBatches, paramAndTagBatches } from '../../../src/tracking/mlflow/batches.js';
import { isMlLaneRun } from '../../../src/tracking/mlflow/lane.js';
import { MLFLOW_LIMITS } from '../../../src/tracking/mlflow/limits.js';
import { flattenParams, metricKeys, sanitizeKey, toMlflowMetric, type Notes } from '../../../src/tracking/mlflow/payload.js';

const run = (spec: Partial<WorkflowSpec>): RunRecord =>
  ({ spec: { name: 'w', tasks: [{ name: 't', process: { command: ['true'] } }], ...spec } }) as unknown as RunRecord;

void describe('MLflow payload', () => {
  void it('flattens nested params and keeps lists and empty objects whole', () => {
    assert.deepEqual(flattenParams({ a: { b: 1, c: { d: 'x' } }, l: [1, 2], e: {}, n: null }), [
      ['a.b', 1],
      ['a.c.d', 'x'],
      ['l', [1, 2]],
      ['e', {}],
      ['n', null],
    ]);
  });

  void it('makes keys MLflow accepts and notes each change', () => {
    const notes: Notes = { lines: [] };
    assert.equal(sanitizeKey('train[3].loss', MLFLOW_LIMITS, notes, 'metric'), 'train.3.loss');
    assert.equal(sanitizeKey('f1@k', MLFLOW_LIMITS, notes, 'metric'), 'f1_k');
    assert.equal(sanitizeKey('ok_key-1/a b', MLFLOW_LIMITS, notes, 'param'), 'ok_key-1/a b');
    assert.equal(sanitizeKey('k'.repeat(300), MLFLOW_LIMITS, notes, 'param').length, 250);
    assert.equal(notes.lines.length, 3);
  });

  void it('prefixes a metric with its task only when several tasks report it', () => {
    const m = (task: string, name: string) => ({ runId: 'r', task, name, value: 1, time: 1 });
    const keys = metricKeys([m('train[0]', 'loss'), m('train[1]', 'loss'), m('evaluate', 'auc')], MLFLOW_LIMITS, { lines: [] });
    assert.deepEqual([...keys.values()].sort(), ['auc', 'train.0.loss', 'train.1.loss']);
  });

  void it('sends non-finite metric values as proto3 JSON strings and step 0 by default', () => {
    assert.deepEqual(toMlflowMetric({ runId: 'r', task: 't', name: 'x', value: NaN, time: 5 }, 'x'), { key: 'x', value: 'NaN', timestamp: 5, step: 0 });
    assert.equal(toMlflowMetric({ runId: 'r', task: 't', name: 'x', value: -Infinity, time: 5, step: 2 }, 'x').value, '-Infinity');
  });

  void it('batches params and tags within 100 each and metrics within 1000 and the byte limit', () => {
    const tags = Array.from({ length: 150 }, (_, i) => ({ key: `t${i}`, value: 'v' }));
    const params = Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: 'v' }));
    const batches = paramAndTagBatches(params, tags, MLFLOW_LIMITS);
    assert.ok(batches.every((b) => b.params.length <= 100 && b.tags.length <= 100));
    assert.equal(batches.reduce((n, b) => n + b.params.length, 0), 250);
    assert.equal(batches.reduce((n, b) => n + b.tags.length, 0), 150);
    // 100 params of 6000 characters and 100 tags of 8000 fit the counts but not 1 MB together.
    const bigParams = Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'x'.repeat(6000) }));
    const bigTags = Array.from({ length: 100 }, (_, i) => ({ key: `t${i}`, value: 'y'.repeat(8000) }));
    const bySize = paramAndTagBatches(bigParams, bigTags, MLFLOW_LIMITS);
    assert.ok(bySize.length >= 2);
    assert.ok(bySize.every((b) => Buffer.byteLength(JSON.stringify({ run_id: 'x'.repeat(32), ...b })) < 1_000_000));
    const points = Array.from({ length: 2001 }, (_, i) => ({ key: 'loss', value: i, timestamp: i, step: i }));
    assert.deepEqual(metricBatches(points, MLFLOW_LIMITS).map((b) => b.length), [1000, 1000, 1]);
    const small = metricBatches(points.slice(0, 100), { ...MLFLOW_LIMITS, maxRequestBytes: 2000 });
    assert.ok(small.length > 1 && small.every((b) => Buffer.byteLength(JSON.stringify(b)) < 2000));
  });

  void it("follows the lane the run recorded, else the default policy's for its spec", () => {
    const routed = (lane: 'kubeflow' | 'argo', spec: Parameters<typeof run>[0]) => ({
      ...run(spec),
      routing: { lane, rule: 'r', reasons: [], engines: { orchestration: 'local', ml: 'local' } },
    });
    assert.equal(isMlLaneRun(routed('kubeflow', { type: 'batch' })), true, 'the recorded decision wins');
    assert.equal(isMlLaneRun(routed('argo', { type: 'ml-training' })), false, 'an override to argo is followed');
    assert.equal(isMlLaneRun(run({ type: 'ml-training' })), true);
    assert.equal(isMlLaneRun(run({ type: 'batch' })), false);
    assert.equal(isMlLaneRun(run({})), false);
  });

  void it('backs off exponentially up to the cap', () => {
    const policy = { ...DEFAULT_BACKOFF, jitter: 0 };
    assert.deepEqual([1, 2, 3].map((n) => backoffDelay(n, policy)), [5000, 10_000, 20_000]);
    assert.equal(backoffDelay(30, policy), policy.capMs);
    assert.equal(backoffDelay(1, { ...DEFAULT_BACKOFF, jitter: 0.5 }, () => 1), 2500);
  });
});

void describe('mlflow configuration', () => {
  const withFile = async (yaml: string, env: NodeJS.ProcessEnv = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-mlflow-config-'));
    try {
      writeFileSync(join(dir, 'tandem.yaml'), yaml);
      return await loadConfig({ cwd: dir, env });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  void it('reads the section, resolves a token file and lets TANDEM_MLFLOW_TRACKING_URI override the URI', async () => {
    const config = await withFile('mlflow:\n  trackingUri: http://mlflow:5000\n  experimentPrefix: team/\n  token: { file: token.txt }\n');
    assert.equal(config.mlflow?.trackingUri, 'http://mlflow:5000');
    assert.equal(config.mlflow?.experimentPrefix, 'team/');
    assert.ok(config.mlflow?.token !== undefined && 'file' in config.mlflow.token && config.mlflow.token.file.endsWith('/token.txt'));
    const overridden = await withFile('mlflow:\n  trackingUri: http://mlflow:5000\n', { TANDEM_MLFLOW_TRACKING_URI: 'https://other:443' });
    assert.equal(overridden.mlflow?.trackingUri, 'https://other:443');
    assert.equal((await withFile('home: .t\n')).mlflow, undefined);
  });

  void it('refuses an inline token, a non-http URI and unknown keys, naming each', async () => {
    await assert.rejects(withFile('mlflow:\n  trackingUri: file:///tmp/mlruns\n  token: abc123secret\n  colour: red\n'), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 3);
      assert.match(error.message, /tandem\.yaml:2:16 \/mlflow\/trackingUri: expected an http\(s\) URL of a tracking server, found file:/);
      assert.match(error.message, /tandem\.yaml:3:10 \/mlflow\/token: wrong type \(expected a SecretRef: \{ env: NAME \} .* or \{ file: PATH \} .*, never the secret itself, found a string\)/);
      assert.match(error.message, /tandem\.yaml:4:11 \/mlflow\/colour: unknown field "colour"/);
      assert.doesNotMatch(error.message, /abc123secret/);
      return true;
    });
  });
});

// The MLflow mirror against the in-process double: a full export, re-export without duplicates,
// metric histories split across log-batch requests, outages in the middle (503 and connection
// refused) that leave the export pending and complete later, giving up, and the retry timer.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MlflowClient } from '../../../src/tracking/mlflow/client.js';
import { MlflowMirror, type MlflowExportResult, type MlflowMirrorOptions } from '../../../src/tracking/mlflow/mirror.js';
import { startDouble, type MlflowDouble } from './double.js';
import { makeHome, seedRun, type TestHome } from './fixtures.js';

const FAR_FUTURE = 8_000_000_000_000;

void describe('MlflowMirror', () => {
  let double: MlflowDouble;
  let h: TestHome;
  beforeEach(async () => {
    double = await startDouble();
    h = await makeHome();
  });
  afterEach(async () => {
    await double.stop();
    await h.close();
  });

  const mirror = (options: Partial<MlflowMirrorOptions> = {}) =>
    new MlflowMirror({ store: h.store, client: new MlflowClient({ trackingUri: double.url, timeoutMs: 5000 }), random: () => 0, ...options });

  const onlyRun = () => {
    const runs = [...double.state.runs.values()];
    assert.equal(runs.length, 1, 'exactly one MLflow run');
    return runs[0]!;
  };

  void it('exports a run fully: experiment, tags, params, metric histories, status, artifacts', async () => {
    const run = await seedRun(h, { params: { lr: 0.1, model: { depth: 3, kind: 'forest' }, long: 'x'.repeat(7000) } });
    const result = await mirror().exportRun(run.id);
    assert.equal(result.error, undefined, result.error?.message);

    const experiment = [...double.state.experiments.values()].find((e) => e.name === 'churn');
    assert.ok(experiment, 'experiment named after spec.experiment');
    const exported = onlyRun();
    assert.equal(exported.info.experiment_id, experiment.experiment_id);
    assert.equal(exported.info.status, 'FINISHED');
    assert.equal(exported.info.end_time, run.finishedAt);
    assert.equal(exported.info.start_time, run.startedAt);
    assert.equal(exported.tags.get('tandem.run_id'), run.id);
    assert.equal(exported.tags.get('tandem.workflow'), 'churn-train');
    assert.equal(exported.tags.get('tandem.lane'), 'kubeflow');
    assert.equal(exported.tags.get('tandem.origin'), 'event:ev-1');
    assert.equal(exported.tags.get('mlflow.runName'), `churn-train-${run.id}`);
    assert.match(exported.tags.get('mlflow.note.content') ?? '', /param long was cut to 6000 of its 7000 characters/);

    assert.equal(exported.params.get('lr'), '0.1');
    assert.equal(exported.params.get('model.depth'), '3');
    assert.equal(exported.params.get('model.kind'), 'forest');
    assert.equal(exported.params.get('train.epochs'), '5');
    assert.equal(exported.params.get('long')?.length, 6000);

    const loss = exported.metrics.filter((m) => m.key === 'loss');
    assert.deepEqual(loss.map((m) => m.step), [0, 1, 2, 3, 4]);
    assert.deepEqual(loss.map((m) => m.timestamp), [0, 1, 2, 3, 4].map((s) => run.createdAt + 100 + s));
    assert.equal(loss[4]?.value, 1 / 5);
    assert.deepEqual(exported.metrics.filter((m) => m.key === 'accuracy').map((m) => [m.value, m.step]), [[0.91, 0]]);

    const root = `${experiment.experiment_id}/${exported.info.run_id}/artifacts`;
    assert.equal(double.state.artifacts.get(`${root}/train/model`)?.toString(), 'weights-v1');
    assert.equal(double.state.artifacts.get(`${root}/evaluate/report/summary.md`)?.toString(), '# fine');
    assert.equal(double.state.artifacts.get(`${root}/evaluate/report/plots/roc.csv`)?.toString(), 'fpr,tpr\n0,0\n1,1\n');

    const state = await h.store.getMlflowExport(run.id);
    assert.equal(state?.status, 'exported');
    assert.equal(state?.mlflowRunId, exported.info.run_id);
    assert.equal(state?.experimentId, experiment.experiment_id);
    assert.equal(state?.metricsSent, 6);
    assert.equal(state?.attempts, 1);
    assert.equal(state?.nextAttemptAt, undefined);
  });

  void it('re-exports into the same MLflow run without duplicating it or its metric points', async () => {
    const run = await seedRun(h);
    const m = mirror();
    await m.exportRun(run.id);
    const second = await m.exportRun(run.id);
    assert.equal(second.error, undefined, second.error?.message);
    assert.equal(second.summary?.created, false);
    const exported = onlyRun();
    assert.equal(exported.metrics.length, 6, 'no metric point sent twice');
    assert.equal(double.calls('runs/create').length, 1);
    assert.equal((await h.store.getMlflowExport(run.id))?.attempts, 1, 'a new request counts from 1');

    // Lost local state (another machine, a wiped store row): the run is found again by its tag.
    await h.store.putMlflowExport({ runId: run.id, status: 'failed', attempts: 3, metricsSent: 6, updatedAt: 1 });
    const third = await m.exportRun(run.id);
    assert.equal(third.summary?.created, false);
    assert.equal(double.calls('runs/create').length, 1);
    assert.equal(third.record.mlflowRunId, exported.info.run_id);
    assert.equal(third.record.metricsSent, 6);
    assert.equal(onlyRun().metrics.length, 6, 'points MLflow already has are not sent again');
  });

  void it('splits more than 1000 metric points into several log-batch requests', async () => {
    const run = await seedRun(h, { lossPoints: 2500, artifacts: false });
    const result = await mirror().exportRun(run.id);
    assert.equal(result.error, undefined, result.error?.message);
    const metricBatches = double.calls('runs/log-batch').map((r) => (r.body?.metrics as unknown[] | undefined)?.length ?? 0).filter((n) => n > 0);
    assert.ok(metricBatches.length >= 3, `expected at least 3 metric batches, got ${metricBatches.length}`);
    assert.ok(metricBatches.every((n) => n <= 1000));
    assert.equal(metricBatches.reduce((a, b) => a + b, 0), 2501);
    const loss = onlyRun().metrics.filter((m) => m.key === 'loss');
    assert.equal(loss.length, 2500);
    assert.deepEqual(loss.slice(998, 1002).map((m) => m.step), [998, 999, 1000, 1001], 'order kept across batches');
  });

  void it('leaves the export pending when MLflow fails after the run is created, and completes it later', async () => {
    const run = await seedRun(h, { lossPoints: 1500, artifacts: false });
    const m = mirror();
    double.fail({ mode: '503', afterRpc: 'runs/create' });
    const before = Date.now();
    const first = await m.exportRun(run.id);
    assert.ok(first.error);
    assert.match(first.record.lastError ?? '', /HTTP 503/);
    assert.equal(first.record.status, 'pending');
    assert.equal(first.record.attempts, 1);
    assert.ok((first.record.nextAttemptAt ?? 0) > before, 'due again later');
    const stored = await h.store.getMlflowExport(run.id);
    assert.deepEqual(stored, first.record);
    assert.equal(stored?.mlflowRunId, onlyRun().info.run_id, 'the created run is remembered');
    assert.deepEqual(await h.store.getRun(run.id), run, 'the tandem run is untouched');

    assert.deepEqual(await m.exportDue(Date.now() - 60_000), [], 'nothing due yet');
    double.restore();
    const [retry] = await m.exportDue(FAR_FUTURE);
    assert.equal(retry?.error, undefined, retry?.error?.message);
    assert.equal(retry?.record.status, 'exported');
    assert.equal(retry?.record.attempts, 2);
    assert.equal(retry?.record.lastError, undefined);
    const exported = onlyRun();
    assert.equal(exported.metrics.length, 1501);
    assert.equal(exported.info.status, 'FINISHED');
  });

  void it('resumes the metric history where an outage between batches stopped it', async () => {
    const run = await seedRun(h, { lossPoints: 2500, artifacts: false });
    const m = mirror();
    // log-batch 1 carries params and tags, 2 the first 1000 points; the connection drops after that.
    double.fail({ mode: 'reset', afterRpc: 'runs/log-batch', afterCalls: 2 });
    const first = await m.exportRun(run.id);
    assert.equal(first.record.status, 'pending');
    assert.match(first.record.lastError ?? '', /cannot reach the MLflow tracking server/);
    assert.equal(first.record.metricsSent, 1000);
    double.restore();
    const [retry] = await m.exportDue(FAR_FUTURE);
    assert.equal(retry?.record.status, 'exported', retry?.error?.message);
    const loss = onlyRun().metrics.filter((m) => m.key === 'loss');
    assert.equal(loss.length, 2500, 'no point sent twice, none lost');
    assert.deepEqual(loss.map((m) => m.step), [...Array(2500).keys()]);
  });

  void it('retries while the server refuses connections and exports once it is back', async () => {
    const run = await seedRun(h, { artifacts: false });
    const m = mirror();
    await double.stop();
    const first = await m.exportRun(run.id);
    assert.equal(first.record.status, 'pending');
    assert.match(first.record.lastError ?? '', /cannot reach the MLflow tracking server at http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(first.record.mlflowRunId, undefined);
    const second = (await m.exportDue(FAR_FUTURE))[0];
    assert.equal(second?.record.attempts, 2);
    assert.ok((second?.record.nextAttemptAt ?? 0) - Date.now() > (first.record.nextAttemptAt ?? 0) - Date.now() - 1000, 'backs off');
    await double.start();
    const [done] = await m.exportDue(FAR_FUTURE);
    assert.equal(done?.record.status, 'exported', done?.error?.message);
    assert.equal(onlyRun().tags.get('tandem.run_id'), run.id);
  });

  void it('gives up after maxAttempts, and at once when MLflow refuses the request', async () => {
    const run = await seedRun(h, { artifacts: false });
    await double.stop();
    const m = mirror({ backoff: { maxAttempts: 2 } });
    assert.equal((await m.exportRun(run.id)).record.status, 'pending');
    const [last] = await m.exportDue(FAR_FUTURE);
    assert.equal(last?.record.status, 'failed');
    assert.equal(last?.record.nextAttemptAt, undefined);
    assert.deepEqual(await m.exportDue(FAR_FUTURE), [], 'a failed export is not retried by the timer');
    await double.start();

    const unproxied = await startDouble({ artifactRoot: '/var/mlruns' });
    try {
      const other = await seedRun(h);
      const direct = new MlflowMirror({ store: h.store, client: new MlflowClient({ trackingUri: unproxied.url }) });
      const result = await direct.exportRun(other.id);
      assert.equal(result.record.status, 'failed');
      assert.match(result.record.lastError ?? '', /--serve-artifacts/);
    } finally {
      await unproxied.stop();
    }
  });

  void it('keeps a running run pending and exports its status RUNNING', async () => {
    const run = await seedRun(h, { status: 'Running', artifacts: false });
    const result = await mirror({ pollIntervalMs: 1234 }).exportRun(run.id);
    assert.equal(result.record.status, 'pending');
    assert.equal(result.error, undefined);
    assert.equal(onlyRun().info.status, 'RUNNING');
    assert.equal(onlyRun().info.end_time, undefined);
  });

  void it('retries due exports on its timer once the server is back', async () => {
    const run = await seedRun(h, { artifacts: false });
    await double.stop();
    let settle: (result: MlflowExportResult) => void = () => undefined;
    const exported = new Promise<MlflowExportResult>((resolve) => (settle = resolve));
    const m = mirror({
      backoff: { baseMs: 20, capMs: 50, jitter: 0 },
      onResult: (result) => {
        if (result.record.status === 'exported') settle(result);
      },
    });
    m.start();
    try {
      assert.equal((await m.exportRun(run.id)).record.status, 'pending');
      await double.start();
      const result = await exported;
      assert.equal(result.runId, run.id);
      assert.ok(result.record.attempts >= 2);
      assert.equal(onlyRun().info.status, 'FINISHED');
    } finally {
      await m.stop();
    }
  });

  void it('two mirrors sharing a store export a run once: the second leaves it to the first', async () => {
    // Two mirrors stand for two processes (a server and `tandem mlflow export`): each has its own
    // lease holder name and its own in-flight map, so only the store's lease keeps them apart.
    // The experiment exists already, so both would go straight to searching for the run, find
    // none and each create one.
    await mirror().exportRun((await seedRun(h, { artifacts: false })).id);
    const run = await seedRun(h, { artifacts: false });
    const [first, second] = await Promise.all([mirror().exportRun(run.id), mirror().exportRun(run.id)]);
    const results = [first, second];
    assert.equal(double.calls('runs/create').length, 2, 'one MLflow run created for this run (one before, for the other)');
    assert.equal(results.filter((r) => r.busy === true).length, 1, 'one of them found the run leased');
    const done = results.find((r) => r.busy !== true)!;
    assert.equal(done.error, undefined, done.error?.message);
    const mirrored = [...double.state.runs.values()].filter((r) => r.tags.get('tandem.run_id') === run.id);
    assert.equal(mirrored.length, 1);
    assert.equal(mirrored[0]!.metrics.length, 6, 'each metric point sent once');
    const busy = results.find((r) => r.busy === true)!;
    assert.match(busy.error?.message ?? '', /being exported to MLflow by another tandem process/);
    assert.equal((await h.store.getMlflowExport(run.id))?.status, 'exported', 'the busy one wrote nothing over the result');
    // The lease was given back: a later export by the other mirror goes ahead.
    const again = await mirror().exportRun(run.id);
    assert.equal(again.busy, undefined);
    assert.equal(again.summary?.created, false);
    assert.equal(double.calls('runs/create').length, 2);
  });

  void it("takes over an export whose holder died once the holder's lease runs out", async () => {
    const run = await seedRun(h, { artifacts: false });
    let now = 1_000_000;
    assert.equal(await h.store.leaseMlflowExport(run.id, 'a-dead-process', now, now + 60_000), true);
    const m = mirror({ now: () => now });
    assert.equal((await m.exportRun(run.id)).busy, true);
    assert.equal(await h.store.nextMlflowExportDue(), now + 60_000, 'due again when the lease runs out, not at once');
    now += 60_000;
    const result = await m.exportRun(run.id);
    assert.equal(result.busy, undefined);
    assert.equal(result.record.status, 'exported', result.error?.message);
    assert.equal(double.calls('runs/create').length, 1);
  });
});

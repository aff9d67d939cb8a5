// `tandem mlflow export` and `tandem mlflow status`, in process with a real store and the MLflow
// double: export a run by id (table and --json), exit 1 with the run left pending when MLflow is
// down, usage errors when MLflow is not configured, and help with examples.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { main } from '../../../src/cli/main.js';
import { startDouble, type MlflowDouble } from './double.js';
import { makeHome, seedRun, type TestHome } from './fixtures.js';
import { captureIo } from '../../helpers/cli-io.js';

const capture = captureIo;

void describe('tandem mlflow', () => {
  let double: MlflowDouble;
  let h: TestHome;
  beforeEach(async () => {
    double = await startDouble({ token: 'tok-123456' });
    h = await makeHome();
  });
  afterEach(async () => {
    await double.stop();
    await h.close();
  });

  const env = () => ({ TANDEM_HOME: h.home, TANDEM_MLFLOW_TRACKING_URI: double.url, MLFLOW_TRACKING_TOKEN: 'tok-123456' });

  void it('exports a run by id and prints the export state as JSON', async () => {
    const run = await seedRun(h);
    await h.store.close();
    const c = capture(h.home, env());
    assert.equal(await main(['mlflow', 'export', run.id, '--json'], { io: c.io }), 0, c.err());
    const [state] = JSON.parse(c.out()) as { runId: string; status: string; mlflowRunId: string; created: boolean }[];
    assert.equal(state?.runId, run.id);
    assert.equal(state?.status, 'exported');
    assert.equal(state?.created, true);
    const exported = double.state.runsTagged('tandem.run_id', run.id);
    assert.equal(exported.length, 1);
    assert.equal(state?.mlflowRunId, exported[0]?.info.run_id);
    assert.equal(exported[0]?.info.status, 'FINISHED');
    assert.doesNotMatch(c.out() + c.err(), /tok-123456/);

    const table = capture(h.home, env());
    assert.equal(await main(['mlflow', 'export', run.id], { io: table.io }), 0, table.err());
    assert.match(table.out(), new RegExp(`${run.id}\\s+exported\\s+${exported[0]?.info.run_id}`));
    assert.equal(double.state.runsTagged('tandem.run_id', run.id).length, 1, 're-export reuses the MLflow run');

    const status = capture(h.home, env());
    assert.equal(await main(['mlflow', 'status', '--json'], { io: status.io }), 0);
    assert.equal((JSON.parse(status.out()) as { status: string }[])[0]?.status, 'exported');
  });

  void it('exits 1 and leaves the export pending when MLflow is down; 401 without the token', async () => {
    const run = await seedRun(h, { artifacts: false });
    await h.store.close();
    double.fail({ mode: '503' });
    const down = capture(h.home, env());
    assert.equal(await main(['mlflow', 'export', run.id], { io: down.io }), 1);
    assert.match(down.out(), /pending/);
    assert.match(down.err(), /HTTP 503/);
    double.restore();

    const noToken = capture(h.home, { ...env(), MLFLOW_TRACKING_TOKEN: '' });
    assert.equal(await main(['mlflow', 'export', run.id, '--json'], { io: noToken.io }), 1);
    assert.match(noToken.err(), /HTTP 401.*check the token/);
  });

  void it('exports the finished ML-lane runs created since a time', async () => {
    const run = await seedRun(h, { artifacts: false });
    await h.store.close();
    const c = capture(h.home, env());
    assert.equal(await main(['mlflow', 'export', '--since', '2023-01-01T00:00:00Z', '--json'], { io: c.io }), 0, c.err());
    assert.deepEqual((JSON.parse(c.out()) as { runId: string }[]).map((r) => r.runId), [run.id]);
  });

  void it('refuses bad usage with exit 2 and an unknown run with exit 3', async () => {
    const notConfigured = capture(h.home, { TANDEM_HOME: h.home });
    assert.equal(await main(['mlflow', 'export', 'r1'], { io: notConfigured.io }), 2);
    assert.match(notConfigured.err(), /MLflow is not configured: set mlflow\.trackingUri in tandem\.yaml or TANDEM_MLFLOW_TRACKING_URI/);
    const neither = capture(h.home, env());
    assert.equal(await main(['mlflow', 'export'], { io: neither.io }), 2);
    const badSince = capture(h.home, env());
    assert.equal(await main(['mlflow', 'export', '--since', 'yesterday'], { io: badSince.io }), 2);
    const unknown = capture(h.home, env());
    assert.equal(await main(['mlflow', 'export', 'no-such-run'], { io: unknown.io }), 3);
    const help = capture(h.home, env());
    assert.equal(await main(['mlflow', 'export', '--help'], { io: help.io }), 0);
    assert.match(help.out(), /Examples:\n\s+\$ tandem mlflow export/);
  });
});

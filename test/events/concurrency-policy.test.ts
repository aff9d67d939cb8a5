// A schedule's concurrencyPolicy, enforced by the trigger layer on the real engine: Forbid skips a
// tick while the previous run goes on, Replace cancels it and starts anew, Allow runs both.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { IncomingEvent } from '../../src/events/model.js';
import { EventPipeline } from '../../src/events/pipeline.js';
import type { TriggerOutcome } from '../../src/events/sensor-runner.js';
import { WorkflowCatalog } from '../../src/project/catalog.js';
import { makeHarness, type Harness } from '../engines/harness.js';

const slow = { spec: { name: 'nightly', tasks: [{ name: 'work', process: { command: '/bin/sleep', args: ['30'] } }] }, namespace: 'default', baseDir: process.cwd() };

let tick = 0;
const cronTick = (policy: string): IncomingEvent => ({
  sourceName: 'nightly',
  id: `nightly/0/tick-${tick++}`,
  source: 'cron/nightly',
  type: 'dev.tandem.cron.tick',
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data: { schedule: '0 2 * * *' },
  extensions: { concurrencypolicy: policy },
});

describe('cron concurrencyPolicy in the trigger layer', () => {
  let h: Harness;
  before(async () => (h = await makeHarness({ killGracePeriodMs: 200 })));
  after(async () => {
    for (const run of await h.store.listRuns({ status: ['Running', 'Pending'] })) await h.engine.cancel(run.id);
    await h.close();
  });

  const pipelineFor = (name: string, outcomes: TriggerOutcome[]) =>
    new EventPipeline({
      store: h.store,
      engine: h.engine,
      catalog: new WorkflowCatalog([slow]),
      sensors: [{ name, dependencies: [{ name: 'tick', eventSource: 'nightly' }], triggers: [{ name: 'run', workflow: 'nightly' }] }],
      onTrigger: (o) => outcomes.push(o),
    });

  it('Forbid: a tick while the previous run goes on starts nothing', async () => {
    const outcomes: TriggerOutcome[] = [];
    const pipeline = pipelineFor('forbid', outcomes);
    const first = await pipeline.receive(cronTick('Forbid'));
    assert.equal(first.runIds.length, 1);
    const second = await pipeline.receive(cronTick('Forbid'));
    assert.deepEqual(second.runIds, []);
    assert.equal(outcomes.at(-1)?.outcome, 'skipped');
    assert.equal(outcomes.at(-1)?.runId, first.runIds[0]);
    await h.engine.cancel(first.runIds[0]!);
    await h.engine.wait(first.runIds[0]!);
    const third = await pipeline.receive(cronTick('Forbid'));
    assert.equal(third.runIds.length, 1, 'once the previous run ended, the next tick runs');
    await h.engine.cancel(third.runIds[0]!);
  });

  it('Replace: the previous run is cancelled and the new one starts', async () => {
    const pipeline = pipelineFor('replace', []);
    const first = await pipeline.receive(cronTick('Replace'));
    const second = await pipeline.receive(cronTick('Replace'));
    assert.equal(second.runIds.length, 1);
    assert.notEqual(second.runIds[0], first.runIds[0]);
    assert.equal((await h.engine.wait(first.runIds[0]!)).status, 'Cancelled');
    // The replacement starts (on a loaded machine it may still be Pending for a moment).
    const deadline = Date.now() + 60_000;
    while ((await h.store.getRun(second.runIds[0]!))?.status === 'Pending' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await h.store.getRun(second.runIds[0]!))?.status, 'Running');
    await h.engine.cancel(second.runIds[0]!);
  });

  it('Allow: both ticks run side by side', async () => {
    const pipeline = pipelineFor('allow', []);
    const first = await pipeline.receive(cronTick('Allow'));
    const second = await pipeline.receive(cronTick('Allow'));
    assert.equal(first.runIds.length + second.runIds.length, 2);
    for (const id of [...first.runIds, ...second.runIds]) await h.engine.cancel(id);
  });
});

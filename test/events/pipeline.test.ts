// The event pipeline on the real store and engine: events persisted and deduplicated, sensors
// firing triggers, exactly one run per event (redeliveries and restarts included), params mapped
// from event data, retries and dead letters.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { IncomingEvent } from '../../src/events/model.js';
import { StoreError } from '../../src/errors.js';
import { EventPipeline } from '../../src/events/pipeline.js';
import type { TriggerOutcome } from '../../src/events/sensor-runner.js';
import type { SensorSpec } from '../../src/events/sensors/schema.js';
import { WorkflowCatalog } from '../../src/project/catalog.js';
import { makeHarness, type Harness } from '../engines/harness.js';

const echoWorkflow = {
  spec: {
    name: 'ingest',
    params: { path: { type: 'string' as const }, size: { type: 'integer' as const, default: 0 } },
    tasks: [{ name: 'note', process: { command: '/bin/echo', args: ['{{ params.path }} {{ params.size }}'] } }],
  },
  namespace: 'default',
  baseDir: process.cwd(),
};

const sensor = (overrides: Partial<SensorSpec> = {}): SensorSpec => ({
  name: 'on-upload',
  dependencies: [{ name: 'upload', eventSource: 'uploads', filters: { data: [{ path: 'size', type: 'number', value: ['0'], comparator: '>' }] } }],
  triggers: [
    {
      name: 'start-ingest',
      workflow: 'ingest',
      params: [
        { name: 'path', src: { dependencyName: 'upload', dataKey: 'path' } },
        { name: 'size', src: { dependencyName: 'upload', dataKey: 'size' } },
      ],
    },
  ],
  ...overrides,
});

let seq = 0;
const upload = (data: Record<string, unknown>, id = `msg-${seq++}`): IncomingEvent => ({
  sourceName: 'uploads',
  id,
  source: 'nats://test/uploads',
  type: 'dev.tandem.nats.message',
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data,
});

describe('event pipeline', () => {
  let h: Harness;
  const catalog = new WorkflowCatalog([echoWorkflow]);
  before(async () => (h = await makeHarness()));
  after(async () => h.close());

  it('persists an event, fires the sensor and starts one run with params mapped from the data', async () => {
    const pipeline = new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [sensor()] });
    const result = await pipeline.receive(upload({ path: 'docs/a.txt', size: 12 }));
    assert.equal(result.duplicate, false);
    assert.equal(result.runIds.length, 1);
    const run = await h.engine.wait(result.runIds[0]!);
    assert.equal(run.status, 'Succeeded');
    assert.deepEqual(run.params, { path: 'docs/a.txt', size: 12 });
    assert.equal(run.origin.kind, 'event');
    assert.deepEqual(run.origin.detail?.eventIds, [result.eventId]);
    assert.equal(run.origin.detail?.sensor, 'on-upload');
    assert.equal((await h.store.getEvent(result.eventId))?.status, 'dispatched');
    assert.deepEqual(await h.store.listRunsForEvent(result.eventId), result.runIds);
  });

  it('does not fire for an event its filters reject, and says why', async () => {
    const pipeline = new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [sensor()] });
    const result = await pipeline.receive(upload({ path: 'empty.txt', size: 0 }));
    assert.deepEqual(result.runIds, []);
    const seen = pipeline.sensorStates()[0]?.dependencies.upload;
    assert.equal(seen?.ok, false);
    assert.match(seen?.reason ?? '', /size/);
  });

  it('turns a redelivered event into the same run, also after a restart of the pipeline', async () => {
    const event = upload({ path: 'docs/b.txt', size: 3 }, 'redelivered-1');
    const first = await new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [sensor()] }).receive(event);
    const again = await new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [sensor()] }).receive(event);
    assert.equal(again.duplicate, true);
    assert.equal(again.eventId, first.eventId);
    assert.deepEqual(again.runIds, first.runIds);
    const runs = (await h.store.listRuns({ workflow: 'ingest' })).filter((r) => r.params.path === 'docs/b.txt');
    assert.equal(runs.length, 1);
  });

  it('many concurrent deliveries of the same event make exactly one run', async () => {
    const pipeline = new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [sensor()] });
    const event = upload({ path: 'docs/c.txt', size: 1 }, 'burst-1');
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => pipeline.receive(event)));
    const runIds = new Set(results.flatMap((r) => (r.status === 'fulfilled' ? r.value.runIds : [])));
    assert.equal(runIds.size, 1);
    const runs = (await h.store.listRuns({ workflow: 'ingest' })).filter((r) => r.params.path === 'docs/c.txt');
    assert.equal(runs.length, 1);
  });

  it('fires only when the condition over several dependencies holds, with both events recorded on the run', async () => {
    const two: SensorSpec = {
      name: 'both',
      dependencies: [
        { name: 'a', eventSource: 'uploads', eventType: 'kind.a' },
        { name: 'b', eventSource: 'uploads', eventType: 'kind.b' },
      ],
      conditions: 'a && b',
      triggers: [{ name: 't', workflow: 'ingest', params: [{ name: 'path', src: { dependencyName: 'b', dataKey: 'path' } }] }],
    };
    const pipeline = new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [two] });
    const first = await pipeline.receive({ ...upload({ path: 'x' }), type: 'kind.a' });
    assert.deepEqual(first.runIds, []);
    const second = await pipeline.receive({ ...upload({ path: 'from-b' }), type: 'kind.b' });
    assert.equal(second.runIds.length, 1);
    const run = await h.engine.wait(second.runIds[0]!);
    assert.equal(run.params.path, 'from-b');
    assert.deepEqual((run.origin.detail?.eventIds as string[]).sort(), [first.eventId, second.eventId].sort());
  });

  it('retries a failing trigger with backoff, then records a dead letter, and the event is not lost', async () => {
    const outcomes: TriggerOutcome[] = [];
    const slept: number[] = [];
    const broken = sensor({
      name: 'broken',
      triggers: [{ name: 'to-nowhere', workflow: 'no-such-workflow', retry: { steps: 2, duration: '100ms', factor: 3 } }],
    });
    const pipeline = new EventPipeline({
      store: h.store,
      engine: h.engine,
      catalog,
      sensors: [broken],
      onTrigger: (o) => outcomes.push(o),
      sleep: async (ms) => void slept.push(ms),
    });
    const result = await pipeline.receive(upload({ path: 'p', size: 5 }));
    assert.deepEqual(result.runIds, []);
    assert.deepEqual(slept, [100, 300]);
    assert.equal(outcomes.at(-1)?.outcome, 'dead-letter');
    assert.equal(outcomes.at(-1)?.attempts, 3);
    const letters = await h.store.listDeadLetters({ sensor: 'broken' });
    assert.equal(letters.length, 1);
    assert.deepEqual(letters[0]?.eventIds, [result.eventId]);
    assert.match(letters[0]?.error ?? '', /no-such-workflow/);
    assert.match(pipeline.sensorStates()[0]?.errors[0] ?? '', /no-such-workflow/);
  });

  it('a param the workflow rejects is a trigger failure, dead-lettered with the reason', async () => {
    const typed = sensor({ name: 'typed' });
    typed.dependencies = [{ name: 'upload', eventSource: 'uploads' }];
    const pipeline = new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [typed] });
    const result = await pipeline.receive(upload({ path: 'p', size: 'huge' }));
    assert.deepEqual(result.runIds, []);
    const letters = await h.store.listDeadLetters({ sensor: 'typed' });
    assert.match(letters[0]?.error ?? '', /size/);
  });

  it('remembers across a restart the event that satisfied one dependency of two', async () => {
    const two: SensorSpec = {
      name: 'both-across-restart',
      dependencies: [
        { name: 'a', eventSource: 'uploads', eventType: 'kind.a' },
        { name: 'b', eventSource: 'uploads', eventType: 'kind.b' },
      ],
      conditions: 'a && b',
      triggers: [{ name: 't', workflow: 'ingest', params: [{ name: 'path', src: { dependencyName: 'a', dataKey: 'path' } }] }],
    };
    const before = new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [two] });
    const first = await before.receive({ ...upload({ path: 'held-a' }), type: 'kind.a' });
    assert.deepEqual(first.runIds, []);
    // A new process: the sensor's state comes back from the store.
    const after = new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [two] });
    await after.restoreSensorStates();
    assert.deepEqual(after.sensorStates()[0]?.satisfied, ['a']);
    const second = await after.receive({ ...upload({ path: 'from-b' }), type: 'kind.b' });
    assert.equal(second.runIds.length, 1);
    const run = await h.engine.wait(second.runIds[0]!);
    assert.equal(run.params.path, 'held-a');
    assert.deepEqual((run.origin.detail?.eventIds as string[]).sort(), [first.eventId, second.eventId].sort());
    // Fired: the saved state holds nothing any more.
    const again = new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [two] });
    await again.restoreSensorStates();
    assert.deepEqual(again.sensorStates()[0]?.satisfied, []);
  });

  it('drops a saved sensor state that no longer reads, and says so', async () => {
    const two: SensorSpec = {
      name: 'corrupt-state',
      dependencies: [
        { name: 'a', eventSource: 'uploads', eventType: 'kind.a' },
        { name: 'b', eventSource: 'uploads', eventType: 'kind.b' },
      ],
      triggers: [{ name: 't', workflow: 'ingest', params: [{ name: 'path', src: { value: 'x' } }] }],
    };
    await h.store.saveSensorState({ sensor: 'corrupt-state', snapshot: { version: 99 }, eventIds: {}, updatedAt: 1 });
    const pipeline = new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [two] });
    await pipeline.restoreSensorStates();
    const [state] = pipeline.sensorStates();
    assert.deepEqual(state?.satisfied, []);
    assert.match(state?.errors[0] ?? '', /saved state dropped/);
  });

  it('drops unconsumed events on the conditionsReset schedule', async () => {
    const two: SensorSpec = {
      name: 'reset-me',
      dependencies: [
        { name: 'a', eventSource: 'uploads', eventType: 'kind.a' },
        { name: 'b', eventSource: 'uploads', eventType: 'kind.b' },
      ],
      conditions: 'a && b',
      conditionsReset: [{ byTime: { cron: '* * * * * *' } }],
      triggers: [{ name: 't', workflow: 'ingest', params: [{ name: 'path', src: { value: 'x' } }] }],
    };
    const pipeline = new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [two] });
    pipeline.startResets();
    try {
      await pipeline.receive({ ...upload({}), type: 'kind.a' });
      assert.deepEqual(pipeline.sensorStates()[0]?.satisfied, ['a']);
      const deadline = Date.now() + 60_000; // the reset fires every second; this only bounds a failure
      while (pipeline.sensorStates()[0]?.satisfied.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(pipeline.sensorStates()[0]?.satisfied, [], 'the reset dropped a');
      const afterReset = await pipeline.receive({ ...upload({}), type: 'kind.b' });
      assert.deepEqual(afterReset.runIds, [], 'b alone does not fire: a was reset');
    } finally {
      pipeline.stop();
    }
  });

  it('at start-up, dispatches the events an earlier process recorded but never dispatched', async () => {
    // What a process that died between persisting and dispatching leaves behind.
    const orphan = upload({ path: 'docs/orphan.txt', size: 5 }, 'orphan-1');
    const { eventId } = await h.store.recordEvent(orphan, 'ev-orphan-1', Date.now());
    const pipeline = new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [sensor()] });
    assert.equal(await pipeline.redispatchReceived(), 1);
    assert.equal((await h.store.getEvent(eventId))?.status, 'dispatched');
    const runs = (await h.store.listRuns({ workflow: 'ingest' })).filter((r) => r.params.path === 'docs/orphan.txt');
    assert.equal(runs.length, 1);
    assert.deepEqual(await h.store.listRunsForEvent(eventId), [runs[0]!.id]);
    assert.equal(await pipeline.redispatchReceived(), 0, 'nothing is left to redo');
  });

  it('marks an event failed when dispatching it throws, and a redelivery dispatches it', async () => {
    const failing = new EventPipeline({
      store: h.store,
      engine: { ...h.engine, submit: () => Promise.reject(new StoreError('disk on fire')) } as unknown as typeof h.engine,
      catalog,
      sensors: [sensor()],
    });
    const event = upload({ path: 'docs/failing.txt', size: 1 }, 'failing-1');
    await assert.rejects(failing.receive(event), /disk on fire/);
    const stored = (await h.store.listEvents({ source: 'uploads', status: 'failed' })).find((e) => e.id === 'failing-1');
    assert.equal(stored?.error, 'disk on fire');
    const again = await new EventPipeline({ store: h.store, engine: h.engine, catalog, sensors: [sensor()] }).receive(event);
    assert.equal(again.runIds.length, 1);
    assert.equal((await h.store.getEvent(again.eventId))?.status, 'dispatched');
  });
});

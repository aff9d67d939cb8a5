// The engines registry: a new run is routed before an engine is chosen, the engine gets the
// decision and only executes; later operations reach the engine the run's recorded routing names;
// a run bound to an engine this process has not registered is refused, never run on another.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { CloseOptions, Engine, LogChunk, SubmitRequest } from '../../src/engines/engine.js';
import type { RunEvent, RunRouting } from '../../src/engines/model.js';
import { EngineNotRegisteredError, Engines } from '../../src/engines/registry.js';
import { NotFoundError } from '../../src/errors.js';
import { RouteError } from '../../src/router/policy.js';
import type { LaneOverride, RunRouter } from '../../src/router/run-routing.js';
import type { WorkflowSpec } from '../../src/spec/schema.js';
import type { RunRecord } from '../../src/store/ports/runs.js';

/** An engine that records what it is asked, and keeps the runs it was given as a store would. */
class RecordingEngine implements Engine {
  readonly calls: string[] = [];
  readonly submitted: SubmitRequest[] = [];
  closedWith: CloseOptions | undefined;
  constructor(
    private readonly runs: Map<string, RunRecord>,
    readonly name = 'local',
  ) {}

  submit(request: SubmitRequest): Promise<{ runId: string }> {
    const runId = request.runId ?? `run-${this.submitted.length + 1}`;
    this.submitted.push(request);
    this.runs.set(runId, {
      id: runId,
      workflow: request.spec.name,
      version: '1',
      status: 'Succeeded',
      params: {},
      spec: request.spec,
      baseDir: request.baseDir,
      origin: request.origin ?? { kind: 'api' },
      routing: request.routing,
      createdAt: 0,
      cancelRequested: false,
    });
    return Promise.resolve({ runId });
  }
  async *watch(runId: string): AsyncIterable<RunEvent> {
    this.calls.push(`watch ${runId}`);
    yield* [{ type: 'run', runId, time: 0, status: 'Succeeded' } as const];
  }
  wait(runId: string): Promise<RunRecord> {
    this.calls.push(`wait ${runId}`);
    return Promise.resolve(this.runs.get(runId)!);
  }
  cancel(runId: string): Promise<void> {
    this.calls.push(`cancel ${runId}`);
    return Promise.resolve();
  }
  async *logs(runId: string, task?: string): AsyncIterable<LogChunk> {
    this.calls.push(`logs ${runId} ${task ?? '*'}`);
    yield* [{ task: task ?? 'a', attempt: 1, stream: 'stdout', text: 'hi\n' } as const];
  }
  resume(runId?: string): Promise<string[]> {
    this.calls.push(`resume ${runId ?? '*'}`);
    return Promise.resolve(runId ? [runId] : ['orphan']);
  }
  close(options?: CloseOptions): Promise<void> {
    this.closedWith = options ?? {};
    return Promise.resolve();
  }
}

const spec: WorkflowSpec = { name: 'wf', tasks: [{ name: 'a', process: { command: '/bin/true' } }] };

/** A router whose lanes are bound to the remote engines, as `lanes: { kubeflow: kfp, argo: argo }` says. */
function remoteRouter(seen: Array<LaneOverride | undefined> = []): RunRouter {
  return (_spec, override) => {
    seen.push(override);
    const routing: RunRouting = { lane: override?.lane ?? 'hybrid', rule: 'test', reasons: ['a test'], engines: { orchestration: 'argo', ml: 'kfp' } };
    return routing;
  };
}

function setUp(router: RunRouter = remoteRouter()) {
  const runs = new Map<string, RunRecord>();
  const local = new RecordingEngine(runs);
  const argo = new RecordingEngine(runs, 'argo');
  const kfp = new RecordingEngine(runs, 'kfp');
  const engines = new Engines({ router, runs: { getRun: (id) => Promise.resolve(runs.get(id)) } }).register('local', local).register('argo', argo).register('kfp', kfp);
  return { runs, local, argo, kfp, engines };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const seen: T[] = [];
  for await (const item of items) seen.push(item);
  return seen;
}

void describe('engines registry', () => {
  void it('routes a run before it reaches the engine, which gets the decision with the request', async () => {
    const overrides: Array<LaneOverride | undefined> = [];
    const { argo, engines } = setUp(remoteRouter(overrides));
    const { runId } = await engines.submit({ spec, baseDir: '/w', runId: 'r1', laneOverride: { lane: 'kubeflow', by: 'cli' } });
    assert.equal(runId, 'r1');
    assert.deepEqual(overrides, [{ lane: 'kubeflow', by: 'cli' }]);
    const [request] = argo.submitted;
    assert.equal(request?.routing.lane, 'kubeflow');
    assert.equal('laneOverride' in request!, false, 'the engine is told the decision, not asked to make it');
  });

  void it("sends a run to its lane's engine: a hybrid run to argo, its child runs to kfp; an unregistered engine is refused", async () => {
    const { local, argo, kfp, engines } = setUp();
    await engines.submit({ spec, baseDir: '/w' });
    await engines.childRuns().submit({ spec, baseDir: '/w', runId: 'child', origin: { kind: 'parent', detail: { runId: 'run-1' } } });
    assert.deepEqual([local.submitted.length, argo.submitted.length, kfp.submitted.length], [0, 1, 1]);
    assert.equal(kfp.submitted[0]?.runId, 'child');
    const runs = new Map<string, RunRecord>();
    const localOnly = new Engines({ router: remoteRouter(), runs: { getRun: (id) => Promise.resolve(runs.get(id)) } }).register('local', new RecordingEngine(runs));
    await assert.rejects(localOnly.submit({ spec, baseDir: '/w' }), (error: unknown) => error instanceof EngineNotRegisteredError && /set argo\.server in tandem\.yaml/.test(error.message));
    assert.equal(localOnly.has('argo'), false);
    assert.equal(engines.has('kfp'), true);
  });

  void it("reaches a run's engine from its recorded routing for watch, wait, cancel, logs and resume", async () => {
    const { local, argo, engines, runs } = setUp();
    const { runId } = await engines.submit({ spec, baseDir: '/w' });
    assert.equal((await engines.wait(runId)).id, runId);
    assert.equal((await collect(engines.watch(runId))).length, 1);
    assert.equal((await collect(engines.logs(runId, 'a'))).length, 1);
    await engines.cancel(runId);
    assert.deepEqual(await engines.resume(runId), [runId]);
    // A run recorded before routing was (store migration 007) ran on the local engine.
    runs.set('old', { ...runs.get(runId)!, id: 'old', routing: undefined });
    await engines.cancel('old');
    assert.deepEqual(argo.calls, [`wait ${runId}`, `watch ${runId}`, `logs ${runId} a`, `cancel ${runId}`, `resume ${runId}`]);
    assert.deepEqual(local.calls, ['cancel old']);
  });

  void it('refuses a run nobody recorded with a NotFoundError', async () => {
    const { engines, local } = setUp();
    const notFound = (error: unknown) => error instanceof NotFoundError && error.kind === 'run';
    await assert.rejects(engines.wait('nosuch'), notFound);
    await assert.rejects(engines.cancel('nosuch'), notFound);
    await assert.rejects(collect(engines.watch('nosuch')), notFound);
    await assert.rejects(collect(engines.logs('nosuch')), notFound);
    await assert.rejects(engines.resume('nosuch'), notFound);
    assert.deepEqual(local.calls, []);
  });

  void it('resumes and closes through every registered engine, once each', async () => {
    const { local, argo, kfp, engines } = setUp();
    assert.deepEqual(await engines.resume(), ['orphan', 'orphan', 'orphan']);
    await engines.close({ drainMs: 1234 });
    for (const engine of [local, argo, kfp]) {
      assert.deepEqual(engine.calls, ['resume *']);
      assert.deepEqual(engine.closedWith, { drainMs: 1234 });
    }
  });

  void it('submits nothing when the router fails, and says so when no engine is registered', async () => {
    const failing: RunRouter = () => {
      throw new RouteError('rule x: no such field');
    };
    const { local, engines } = setUp(failing);
    await assert.rejects(engines.submit({ spec, baseDir: '/w' }), RouteError);
    assert.deepEqual(local.submitted, []);
    const empty = new Engines({ router: remoteRouter(), runs: { getRun: () => Promise.resolve(undefined) } });
    await assert.rejects(empty.submit({ spec, baseDir: '/w' }), (error: Error & { code?: string }) => error.code === 'ENGINE_NOT_REGISTERED');
  });
});

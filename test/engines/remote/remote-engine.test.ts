// RemoteEngine over a scripted RemoteBackend (the port, not Argo or KFP: those have tests of their
// own against their API doubles): the follower submits once, mirrors what the backend reports in
// causal order, rides out an outage without failing the run, ends a deleted run Lost, passes on a
// cancel, and a second engine over the same store resumes following without submitting again.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RemoteBackend, RemoteLogLine, RemoteRunState } from '../../../src/engines/remote/backend.js';
import { RemoteEngine } from '../../../src/engines/remote/engine.js';
import { RemoteApiError, RemoteNotFoundError, RemoteRunLostError } from '../../../src/engines/remote/errors.js';
import type { RemoteRunRef, RunEvent, RunRouting } from '../../../src/engines/model.js';
import { OWNER_ID } from '../../../src/engines/owner.js';
import { NotFoundError } from '../../../src/errors.js';
import type { WorkflowSpec } from '../../../src/spec/schema.js';
import { openStore } from '../../../src/store/sqlite/open.js';
import type { Store } from '../../../src/store/store.js';

const routing: RunRouting = { lane: 'argo', rule: 'test', reasons: ['a test'], engines: { orchestration: 'scripted', ml: 'scripted' } };
const spec: WorkflowSpec = {
  name: 'remote-dag',
  tasks: [
    { name: 'a', process: { command: 'true' } },
    { name: 'b', process: { command: 'true' }, dependsOn: ['a'] },
  ],
};
const request = { spec, baseDir: '/tmp', routing };

/** A remote engine whose state the test sets; records every call, fails on command. */
class ScriptedBackend implements RemoteBackend {
  readonly engine = 'scripted';
  readonly calls: string[] = [];
  /** The state each run's next observe reports. */
  readonly states = new Map<string, RemoteRunState>();
  /** Errors the next calls of observe throw, in order. */
  readonly observeErrors: Error[] = [];
  submitError: Error | undefined;
  private changed: (() => void) | undefined;

  submit(run: { id: string }): Promise<RemoteRunRef> {
    this.calls.push(`submit ${run.id}`);
    if (this.submitError) return Promise.reject(this.submitError);
    if (!this.states.has(run.id)) this.states.set(run.id, { status: 'Pending', tasks: [] });
    return Promise.resolve({ engine: 'scripted', id: `remote-${run.id}` });
  }
  observe(ref: RemoteRunRef): Promise<RemoteRunState> {
    this.calls.push(`observe ${ref.id}`);
    const error = this.observeErrors.shift();
    if (error) return Promise.reject(error);
    const state = this.states.get(ref.id.replace(/^remote-/, ''));
    if (!state) return Promise.reject(new RemoteNotFoundError({ service: 'scripted', method: 'GET', path: `/runs/${ref.id}` }, 'not found'));
    return Promise.resolve(state);
  }
  async *changes(_ref: RemoteRunRef, signal: AbortSignal): AsyncIterable<void> {
    while (!signal.aborted) {
      await new Promise<void>((resolve) => {
        this.changed = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      yield;
    }
  }
  cancel(ref: RemoteRunRef): Promise<void> {
    this.calls.push(`cancel ${ref.id}`);
    return Promise.resolve();
  }
  retry(ref: RemoteRunRef): Promise<void> {
    this.calls.push(`retry ${ref.id}`);
    return Promise.resolve();
  }
  async *logs(_ref: RemoteRunRef, _run: unknown, task: string, attempt: number): AsyncIterable<RemoteLogLine> {
    yield { stream: 'stdout', text: `log of ${task}#${attempt}\n` };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Sets what the run reports next, and tells the watch. */
  set(runId: string, state: RemoteRunState): void {
    this.states.set(runId, state);
    this.changed?.();
  }
  count(call: string): number {
    return this.calls.filter((c) => c === call).length;
  }
}

const homes: string[] = [];
after(() => homes.forEach((home) => rmSync(home, { recursive: true, force: true })));

async function setup(): Promise<{ store: Store; backend: ScriptedBackend; engine: RemoteEngine; reopen(): RemoteEngine }> {
  const home = mkdtempSync(join(tmpdir(), 'tandem-remote-'));
  homes.push(home);
  const store = await openStore({ home });
  const backend = new ScriptedBackend();
  // A long poll: every change below reaches the follower through the watch or a wake-up, so the
  // test shows the watch works; a short backoff keeps the outage test quick.
  const follow = { pollMs: 60_000, backoff: { initialMs: 20, maxMs: 50 } };
  const make = () => new RemoteEngine({ backend, store, follow, onError: (error) => assert.fail(String(error)) });
  return { store, backend, engine: make(), reopen: make };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const seen: T[] = [];
  for await (const item of items) seen.push(item);
  return seen;
}

const gist = (events: RunEvent[]) => events.map((e) => (e.type === 'task' ? `${e.task}#${e.attempt} ${e.status}` : `run ${e.status}`));

void describe('RemoteEngine', () => {
  void it('submits once, mirrors each reported state in causal order, and ends with the run', async () => {
    const { store, backend, engine } = await setup();
    const { runId } = await engine.submit(request);
    await until('the submission', () => backend.count(`submit ${runId}`) === 1);
    const run = await until('the remote ref', async () => (await store.getRun(runId))?.remote);
    assert.deepEqual(run, { engine: 'scripted', id: `remote-${runId}` });

    backend.set(runId, { status: 'Running', startedAt: 1_000, tasks: [{ task: 'a', attempts: [{ attempt: 1, status: 'Running', startedAt: 1_000 }] }] });
    await until('a running', async () => (await store.listTaskRuns(runId)).some((t) => t.task === 'a' && t.status === 'Running'));
    // Seen together: a finished before b started, so its event comes first whatever the order reported.
    backend.set(runId, {
      status: 'Succeeded',
      startedAt: 1_000,
      finishedAt: 4_000,
      tasks: [
        { task: 'b', attempts: [{ attempt: 1, status: 'Succeeded', startedAt: 2_500, finishedAt: 3_000 }], outputs: { n: 7 } },
        { task: 'a', attempts: [{ attempt: 1, status: 'Succeeded', startedAt: 1_000, finishedAt: 2_000, exitCode: 0 }] },
      ],
      outputs: { n: 7 },
    });
    const finished = await engine.wait(runId);
    assert.equal(finished.status, 'Succeeded');
    assert.deepEqual(finished.outputs, { n: 7 });
    assert.equal(finished.startedAt, 1_000);
    assert.equal(finished.finishedAt, 4_000);
    assert.deepEqual(gist(await collect(engine.watch(runId))), ['run Pending', 'run Running', 'a#1 Running', 'a#1 Succeeded', 'b#1 Succeeded', 'run Succeeded']);
    assert.deepEqual((await store.listOutputs(runId)).map((o) => [o.task, o.name, o.value]), [['b', 'n', 7]]);
    assert.equal(backend.count(`submit ${runId}`), 1);

    // Idempotent by run id: a second submit of an ended run changes nothing.
    const again = await engine.submit({ ...request, runId });
    assert.equal(again.runId, runId);
    assert.equal(backend.count(`submit ${runId}`), 1);
    await engine.close();
    await store.close();
  });

  void it('rides out an outage: the run keeps its status and says what it waits for, then goes on', async () => {
    const { store, backend, engine } = await setup();
    const unreachable = new RemoteApiError({ service: 'Scripted API', method: 'GET', path: '/runs/x' }, undefined, 'connection refused');
    backend.observeErrors.push(unreachable, unreachable, unreachable);
    const { runId } = await engine.submit(request);
    const waiting = await until('the outage detail', async () => {
      const run = await store.getRun(runId);
      return run?.message?.startsWith('waiting for scripted since') ? run : undefined;
    });
    assert.equal(waiting.status, 'Pending', 'an outage is not a failure');
    assert.match(waiting.message!, /connection refused/);
    backend.set(runId, { status: 'Succeeded', tasks: [] });
    const run = await engine.wait(runId);
    assert.equal(run.status, 'Succeeded');
    assert.equal(run.message, undefined, 'the outage detail is gone once the API answers');
    await engine.close();
    await store.close();
  });

  void it('ends a run Lost when its remote object was deleted, or will never finish', async () => {
    const { store, backend, engine } = await setup();
    const deleted = await engine.submit(request);
    await until('the remote ref', async () => (await store.getRun(deleted.runId))?.remote);
    backend.states.delete(deleted.runId);
    // Nothing tells the watch: the wake-up stands for the next poll.
    const lost = await until('Lost', async () => {
      backend.set('nothing', { status: 'Pending', tasks: [] });
      const run = await store.getRun(deleted.runId);
      return run?.status === 'Lost' ? run : undefined;
    });
    assert.match(lost.message!, /no longer exists on scripted: it was deleted outside tandem/);

    const stuck = await engine.submit(request);
    await until('the remote ref', async () => (await store.getRun(stuck.runId))?.remote);
    backend.observeErrors.push(new RemoteRunLostError('its Argo Workflow is gone but KFP still says RUNNING'));
    backend.set(stuck.runId, { status: 'Running', tasks: [] });
    const run = await engine.wait(stuck.runId);
    assert.equal(run.status, 'Lost');
    assert.equal(run.message, 'its Argo Workflow is gone but KFP still says RUNNING');
    await engine.close();
    await store.close();
  });

  void it('ends a run Error when the remote engine refuses it for good', async () => {
    const { store, backend, engine } = await setup();
    backend.submitError = new RemoteApiError({ service: 'Scripted API', method: 'POST', path: '/runs' }, 400, 'spec.templates: required');
    const { runId } = await engine.submit(request);
    const run = await engine.wait(runId);
    assert.equal(run.status, 'Error');
    assert.match(run.message!, /400 spec\.templates: required/);
    await engine.close();
    await store.close();
  });

  void it('passes a cancel on once; a run cancelled before its submission is never submitted', async () => {
    const { store, backend, engine } = await setup();
    const { runId } = await engine.submit(request);
    await until('the remote ref', async () => (await store.getRun(runId))?.remote);
    backend.set(runId, { status: 'Running', tasks: [] });
    await engine.cancel(runId);
    await until('the cancel', () => backend.count(`cancel remote-${runId}`) === 1);
    backend.set(runId, { status: 'Cancelled', tasks: [] });
    assert.equal((await engine.wait(runId)).status, 'Cancelled');
    await engine.cancel(runId);
    assert.equal(backend.count(`cancel remote-${runId}`), 1, 'a run that ended is left as it is');
    await engine.close();

    // Recorded but never submitted (its process died first), then cancelled: nothing reaches the remote engine.
    const other = new RemoteEngine({ backend, store });
    await store.createRun({ ...(await store.getRun(runId))!, id: 'never-submitted', status: 'Pending', remote: undefined, owner: undefined, ownerPid: undefined, cancelRequested: false });
    await other.cancel('never-submitted');
    const run = await other.wait('never-submitted');
    assert.equal(run.status, 'Cancelled');
    assert.equal(backend.count('submit never-submitted'), 0);
    await other.close();
    await store.close();
  });

  void it('a second engine resumes following a run whose process is gone, without submitting it again', async () => {
    const { store, backend, engine, reopen } = await setup();
    const { runId } = await engine.submit(request);
    await until('the remote ref', async () => (await store.getRun(runId))?.remote);
    backend.set(runId, { status: 'Running', tasks: [{ task: 'a', attempts: [{ attempt: 1, status: 'Running' }] }] });
    await until('a running', async () => (await store.listTaskRuns(runId)).length === 1);
    await engine.close();
    // The owner's death, as the store sees it: nobody holds the run.
    await store.releaseRun(runId, OWNER_ID);

    // A run whose process died between recording it and submitting it: submitted by the resume.
    await store.createRun({ ...(await store.getRun(runId))!, id: 'cut-off', status: 'Pending', remote: undefined, owner: undefined, ownerPid: undefined });
    const next = reopen();
    assert.deepEqual((await next.resume()).sort(), ['cut-off', runId].sort());
    backend.set(runId, { status: 'Succeeded', tasks: [{ task: 'a', attempts: [{ attempt: 1, status: 'Succeeded' }] }] });
    assert.equal((await next.wait(runId)).status, 'Succeeded');
    assert.equal(backend.count(`submit ${runId}`), 1, 'the resumed run was not submitted again');
    await until('the cut-off submission', () => backend.count('submit cut-off') === 1);
    backend.set('cut-off', { status: 'Succeeded', tasks: [] });
    assert.equal((await next.wait('cut-off')).status, 'Succeeded');
    assert.deepEqual(await next.resume(), []);
    await next.close();
    await store.close();
  });

  void it('reads logs attempt by attempt from the backend, and refuses a task the run does not have', async () => {
    const { store, backend, engine } = await setup();
    const { runId } = await engine.submit(request);
    await until('the remote ref', async () => (await store.getRun(runId))?.remote);
    backend.set(runId, {
      status: 'Succeeded',
      tasks: [
        { task: 'a', attempts: [{ attempt: 1, status: 'Failed' }, { attempt: 2, status: 'Succeeded' }] },
        { task: 'b', attempts: [{ attempt: 1, status: 'Succeeded' }] },
      ],
    });
    await engine.wait(runId);
    assert.deepEqual((await collect(engine.logs(runId, 'a'))).map((c) => c.text), ['log of a#1\n', 'log of a#2\n']);
    assert.equal((await collect(engine.logs(runId))).length, 3);
    await assert.rejects(collect(engine.logs(runId, 'nosuch')), (error: unknown) => error instanceof NotFoundError && error.kind === 'task');
    await assert.rejects(engine.wait('nosuch'), (error: unknown) => error instanceof NotFoundError && error.kind === 'run');
    await engine.close();
    await store.close();
  });
});

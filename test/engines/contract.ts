// The Engine port's contract: every engine adapter (local now; argo and kfp against their test
// doubles later) must pass this suite. It sees the engine only through the port and a fixture,
// and tells what happened from the engine's answers and from marker files the tasks write (each
// task appends a line every time it really executes), never from an adapter's own records.
// Nothing is timed: the suite waits for conditions, so a busy machine only makes it slower.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Engine } from '../../src/engines/engine.js';
import type { RunEvent, RunRouting } from '../../src/engines/model.js';
import { NotFoundError } from '../../src/errors.js';
import type { TaskSpec, WorkflowSpec } from '../../src/spec/schema.js';

export interface EngineFixture {
  /** The engine under test, as callers see it: the port. */
  engine: Engine;
  /** The router's decision for runs on this engine, as the registry hands it over with each submit. */
  routing: RunRouting;
  /** Another instance of the engine over the same state, as a second process would open it. */
  reopen(): Promise<Engine>;
  /**
   * Starts `spec` from a process of its own, waits until its task `task` is running, then kills
   * that process at once (SIGKILL, or what stands for the owner dying in the adapter's double).
   * Returns the id of the run it left in flight.
   */
  crashDuringRun(spec: WorkflowSpec, task: string): Promise<string>;
  /** Closes every engine the fixture opened and removes its state. */
  close(): Promise<void>;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const seen: T[] = [];
  for await (const item of items) seen.push(item);
  return seen;
}

const runEvents = (events: RunEvent[]) => events.filter((e) => e.type === 'run');
const lastRunStatus = (events: RunEvent[]) => runEvents(events).pop()?.status;
const has = (events: RunEvent[], task: string, status: string) => events.some((e) => e.type === 'task' && e.task === task && e.status === status);
/**
 * What a stream says, without times and messages (an engine may stamp or word a replay apart),
 * and without the run's Pending event, which a live stream may start after (the local engine's
 * does; its replay from the store has it).
 */
const gist = (events: RunEvent[]) =>
  events.filter((e) => e.type === 'task' || e.status !== 'Pending').map((e) => (e.type === 'task' ? `${e.task}#${e.attempt} ${e.status}` : `run ${e.status}`));

function shTask(name: string, script: string, extra: Partial<TaskSpec> = {}): TaskSpec {
  return { name, process: { command: '/bin/sh', args: ['-c', script] }, ...extra };
}

/** A scratch directory for one test's marker files. */
function scratch(): { dir: string; mark(name: string): string; count(name: string): number; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-contract-'));
  const file = (name: string) => join(dir, name);
  return {
    dir,
    /** Shell that appends a line to the marker `name`: once per real execution. */
    mark: (name) => `echo ran >> '${file(name)}'`,
    count: (name) => (existsSync(file(name)) ? readFileSync(file(name), 'utf8').trim().split('\n').length : 0),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs `body` with a fresh fixture and scratch directory, closing both whatever happens. */
function withFixture(make: () => Promise<EngineFixture>, body: (fixture: EngineFixture, files: ReturnType<typeof scratch>) => Promise<void>) {
  return async () => {
    const fixture = await make();
    const files = scratch();
    try {
      await body(fixture, files);
    } finally {
      await fixture.close();
      files.remove();
    }
  };
}

export function engineContract(name: string, make: () => Promise<EngineFixture>): void {
  describe(`Engine contract: ${name}`, () => {
    it(
      'runs a DAG and streams its events in causal order: every task event before the final run event, then the stream ends',
      withFixture(make, async ({ engine, routing, reopen }) => {
        const spec: WorkflowSpec = { name: 'contract-dag', tasks: [shTask('a', 'echo A'), shTask('b', 'echo B', { dependsOn: ['a'] }), shTask('c', 'echo C', { dependsOn: ['a'] })] };
        const { runId } = await engine.submit({ spec, baseDir: process.cwd(), routing });
        const events = await collect(engine.watch(runId));
        assert.equal(lastRunStatus(events), 'Succeeded');
        const index = (task: string, status: string) => events.findIndex((e) => e.type === 'task' && e.task === task && e.status === status);
        assert.ok(index('a', 'Succeeded') >= 0 && index('b', 'Running') > index('a', 'Succeeded'), 'b starts after a succeeded');
        assert.ok(index('c', 'Running') > index('a', 'Succeeded'), 'c starts after a succeeded');
        const terminal = events.findIndex((e) => e.type === 'run' && e.status === 'Succeeded');
        assert.equal(terminal, events.length - 1, 'the terminal run event is the last one');
        for (const task of ['a', 'b', 'c']) assert.ok(index(task, 'Succeeded') >= 0 && index(task, 'Succeeded') < terminal, `${task} settled before the run`);
        assert.ok(events.every((e) => e.runId === runId));

        // Watching a finished run gives everything so far, then ends; from another process too.
        assert.deepEqual(gist(await collect(engine.watch(runId))), gist(events));
        const other = await reopen();
        assert.deepEqual(gist(await collect(other.watch(runId))), gist(events));
      }),
    );

    it(
      'reports a failing task as a failed run',
      withFixture(make, async ({ engine, routing }) => {
        const spec: WorkflowSpec = { name: 'contract-fail', tasks: [{ name: 'bad', process: { command: '/bin/false' } }] };
        const { runId } = await engine.submit({ spec, baseDir: process.cwd(), routing });
        const events = await collect(engine.watch(runId));
        assert.equal(lastRunStatus(events), 'Failed');
        assert.ok(has(events, 'bad', 'Failed'));
        assert.equal((await engine.wait(runId)).status, 'Failed');
      }),
    );

    it(
      'wait resolves with the final run record, also for a run that already ended',
      withFixture(make, async ({ engine, routing }) => {
        const spec: WorkflowSpec = {
          name: 'contract-wait',
          tasks: [shTask('count', 'echo 7', { outputs: { n: { type: 'integer', stdout: true } } })],
          outputs: { n: '{{ tasks.count.outputs.n }}' },
        };
        const { runId } = await engine.submit({ spec, params: {}, baseDir: process.cwd(), routing });
        const run = await engine.wait(runId);
        assert.equal(run.id, runId);
        assert.equal(run.status, 'Succeeded');
        assert.equal(run.workflow, 'contract-wait');
        assert.deepEqual(run.outputs, { n: 7 });
        assert.deepEqual(run.routing, routing, 'the run records the routing it was submitted with');
        assert.equal((await engine.wait(runId)).status, 'Succeeded');
      }),
    );

    it(
      'submit is idempotent by run id: the same id twice, in one process or two, is one run whose tasks run once',
      withFixture(make, async ({ engine, routing, reopen }, files) => {
        const gate = join(files.dir, 'gate');
        const spec: WorkflowSpec = {
          name: 'contract-idempotent',
          tasks: [
            shTask('first', `${files.mark('first')}; while [ ! -f '${gate}' ]; do sleep 0.05; done`),
            shTask('second', files.mark('second'), { dependsOn: ['first'] }),
          ],
        };
        const request = { spec, baseDir: process.cwd(), routing, runId: 'contract-idempotent-run' };
        assert.deepEqual(await engine.submit(request), { runId: request.runId });
        assert.deepEqual(await engine.submit(request), { runId: request.runId }, 'a second submit in this process');
        const other = await reopen();
        assert.deepEqual(await other.submit(request), { runId: request.runId }, 'a submit from a second process');
        writeFileSync(gate, '');
        assert.equal((await other.wait(request.runId)).status, 'Succeeded');
        assert.equal((await engine.wait(request.runId)).status, 'Succeeded');
        assert.deepEqual(await engine.submit(request), { runId: request.runId }, 'a submit after the run ended');
        assert.equal((await engine.wait(request.runId)).status, 'Succeeded');
        assert.equal(files.count('first'), 1, 'first ran once');
        assert.equal(files.count('second'), 1, 'second ran once');
        const events = await collect(engine.watch(request.runId));
        assert.equal(runEvents(events).filter((e) => e.status === 'Succeeded').length, 1, 'one run ended, once');
      }),
    );

    it(
      'returns what a task printed through logs(), of one task or of all, and refuses a task the run does not have',
      withFixture(make, async ({ engine, routing }) => {
        const spec: WorkflowSpec = { name: 'contract-logs', tasks: [shTask('say', 'echo hello from the contract'), shTask('other', 'echo other words >&2')] };
        const { runId } = await engine.submit({ spec, baseDir: process.cwd(), routing });
        await engine.wait(runId);
        const say = await collect(engine.logs(runId, 'say'));
        assert.equal(say.filter((c) => c.stream === 'stdout').map((c) => c.text).join(''), 'hello from the contract\n');
        assert.ok(say.every((c) => c.task === 'say'));
        const all = await collect(engine.logs(runId));
        assert.ok(all.some((c) => c.task === 'say' && c.stream === 'stdout' && c.text.includes('hello from the contract')));
        assert.ok(all.some((c) => c.task === 'other' && c.stream === 'stderr' && c.text.includes('other words')));
        await assert.rejects(collect(engine.logs(runId, 'nosuch')), (error: unknown) => error instanceof NotFoundError && error.kind === 'task');
      }),
    );

    it(
      'refuses a run it does not know: watch, wait, cancel and logs are NotFoundErrors',
      withFixture(make, async ({ engine }) => {
        const notFound = (error: unknown) => error instanceof NotFoundError && error.kind === 'run';
        await assert.rejects(collect(engine.watch('contract-nosuch')), notFound);
        await assert.rejects(engine.wait('contract-nosuch'), notFound);
        await assert.rejects(engine.cancel('contract-nosuch'), notFound);
        await assert.rejects(collect(engine.logs('contract-nosuch')), notFound);
      }),
    );

    it(
      'cancels a running run: its tasks are stopped, finally tasks still run, the run ends Cancelled',
      withFixture(make, async ({ engine, routing }, files) => {
        const spec: WorkflowSpec = {
          name: 'contract-cancel',
          // Ending on its own, `long` would leave a marker after its sleep: it must not.
          tasks: [shTask('long', `sleep 60; ${files.mark('long-finished')}`)],
          finally: [shTask('cleanup', files.mark('cleanup'))],
        };
        const { runId } = await engine.submit({ spec, baseDir: process.cwd(), routing });
        const events: RunEvent[] = [];
        for await (const event of engine.watch(runId)) {
          events.push(event);
          if (event.type === 'task' && event.task === 'long' && event.status === 'Running') await engine.cancel(runId);
        }
        assert.equal(lastRunStatus(events), 'Cancelled');
        assert.ok(has(events, 'long', 'Cancelled'));
        assert.ok(has(events, 'cleanup', 'Succeeded'));
        assert.equal((await engine.wait(runId)).status, 'Cancelled');
        assert.equal(files.count('cleanup'), 1);
        assert.equal(files.count('long-finished'), 0, 'the long task was stopped, not left to finish');
      }),
    );

    it(
      'cancelling a run that already ended changes nothing',
      withFixture(make, async ({ engine, routing }, files) => {
        const spec: WorkflowSpec = { name: 'contract-cancel-ended', tasks: [shTask('quick', files.mark('quick'))], finally: [shTask('cleanup', files.mark('cleanup'))] };
        const { runId } = await engine.submit({ spec, baseDir: process.cwd(), routing });
        const before = await engine.wait(runId);
        assert.equal(before.status, 'Succeeded');
        const events = await collect(engine.watch(runId));
        await engine.cancel(runId);
        await engine.cancel(runId);
        const after = await engine.wait(runId);
        assert.equal(after.status, 'Succeeded');
        assert.equal(after.finishedAt, before.finishedAt);
        assert.deepEqual(gist(await collect(engine.watch(runId))), gist(events), 'no new event');
        assert.deepEqual([files.count('quick'), files.count('cleanup')], [1, 1], 'nothing ran again');
      }),
    );

    it(
      'resumes a run whose owning process died: a new engine takes it over and finishes it, rerunning only what was cut off',
      withFixture(make, async ({ reopen, crashDuringRun }, files) => {
        const started = join(files.dir, 'hang.started');
        const spec: WorkflowSpec = {
          name: 'contract-resume',
          tasks: [
            shTask('before', files.mark('before')),
            // Its first attempt hangs (the crash comes then); the retry finds the marker and ends.
            shTask('hang', `${files.mark('hang')}; if [ -f '${started}' ]; then exit 0; fi; touch '${started}'; sleep 60`, { dependsOn: ['before'], retry: { limit: 1 } }),
            shTask('after', files.mark('after'), { dependsOn: ['hang'] }),
          ],
        };
        const runId = await crashDuringRun(spec, 'hang');
        assert.equal(files.count('after'), 0, 'the crash came before the end');
        const engine = await reopen();
        assert.deepEqual(await engine.resume(), [runId]);
        const run = await engine.wait(runId);
        assert.equal(run.status, 'Succeeded', run.message);
        assert.equal(files.count('before'), 1, 'what succeeded before the crash did not run again');
        assert.equal(files.count('hang'), 2, 'the task cut off by the crash ran again');
        assert.equal(files.count('after'), 1, 'what never started started');
        assert.deepEqual(await engine.resume(), [], 'nothing is left in flight');
        const events = await collect(engine.watch(runId));
        assert.equal(lastRunStatus(events), 'Succeeded');
      }),
    );
  });
}

// The Engine port's contract: every engine adapter (local now; argo and kfp against their test
// doubles later) must pass this suite, seeing the engine only through the port.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Engine } from '../../src/engines/engine.js';
import type { RunEvent } from '../../src/engines/model.js';
import type { WorkflowSpec } from '../../src/spec/schema.js';

export interface EngineFixture {
  engine: Engine;
  close(): Promise<void>;
}

async function collect(events: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const seen: RunEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

function lastRunStatus(events: RunEvent[]): string | undefined {
  return events.filter((e) => e.type === 'run').pop()?.status;
}

const echo = (name: string, text: string, dependsOn?: string[]) => ({
  name,
  process: { command: '/bin/echo', args: [text] },
  ...(dependsOn ? { dependsOn } : {}),
});

export function engineContract(name: string, make: () => Promise<EngineFixture>): void {
  describe(`Engine contract: ${name}`, () => {
    it('runs a DAG and streams its events in causal order, ending with the final status', async () => {
      const { engine, close } = await make();
      try {
        const spec: WorkflowSpec = { name: 'contract-dag', tasks: [echo('a', 'A'), echo('b', 'B', ['a']), echo('c', 'C', ['a'])] };
        const { runId } = await engine.submit({ spec, baseDir: process.cwd() });
        const events = await collect(engine.watch(runId));
        assert.equal(lastRunStatus(events), 'Succeeded');
        const index = (task: string, status: string) => events.findIndex((e) => e.type === 'task' && e.task === task && e.status === status);
        assert.ok(index('a', 'Succeeded') >= 0 && index('b', 'Running') > index('a', 'Succeeded'), 'b starts after a succeeded');
        assert.ok(index('c', 'Running') > index('a', 'Succeeded'), 'c starts after a succeeded');
        assert.equal(events[events.length - 1]?.type, 'run', 'the stream ends with the run event');
      } finally {
        await close();
      }
    });

    it('reports a failing task as a failed run', async () => {
      const { engine, close } = await make();
      try {
        const spec: WorkflowSpec = { name: 'contract-fail', tasks: [{ name: 'bad', process: { command: '/bin/false' } }] };
        const { runId } = await engine.submit({ spec, baseDir: process.cwd() });
        const events = await collect(engine.watch(runId));
        assert.equal(lastRunStatus(events), 'Failed');
        assert.ok(events.some((e) => e.type === 'task' && e.task === 'bad' && e.status === 'Failed'));
      } finally {
        await close();
      }
    });

    it('returns what a task printed through logs()', async () => {
      const { engine, close } = await make();
      try {
        const spec: WorkflowSpec = { name: 'contract-logs', tasks: [echo('say', 'hello from the contract')] };
        const { runId } = await engine.submit({ spec, baseDir: process.cwd() });
        await collect(engine.watch(runId));
        let text = '';
        for await (const chunk of engine.logs(runId, 'say')) if (chunk.stream === 'stdout') text += chunk.text;
        assert.equal(text, 'hello from the contract\n');
      } finally {
        await close();
      }
    });

    it('cancels a running run, stops its tasks and still runs finally tasks', async () => {
      const { engine, close } = await make();
      try {
        const spec: WorkflowSpec = {
          name: 'contract-cancel',
          tasks: [{ name: 'long', process: { command: '/bin/sleep', args: ['30'] } }],
          finally: [echo('cleanup', 'cleaning up')],
        };
        const started = Date.now();
        const { runId } = await engine.submit({ spec, baseDir: process.cwd() });
        const events: RunEvent[] = [];
        for await (const event of engine.watch(runId)) {
          events.push(event);
          if (event.type === 'task' && event.task === 'long' && event.status === 'Running') await engine.cancel(runId);
        }
        assert.equal(lastRunStatus(events), 'Cancelled');
        assert.ok(events.some((e) => e.type === 'task' && e.task === 'long' && e.status === 'Cancelled'));
        assert.ok(events.some((e) => e.type === 'task' && e.task === 'cleanup' && e.status === 'Succeeded'));
        assert.ok(Date.now() - started < 20_000, 'the 30 s task did not run to its end');
      } finally {
        await close();
      }
    });
  });
}

// Records for the store tests. The spec is opaque JSON to the store, so a small literal stands in.
import type { IncomingEvent } from '../../src/events/model.js';
import type { WorkflowSpec } from '../../src/spec/schema.js';
import type { RunRecord, StoreWrite, TaskRunRecord } from '../../src/store/ports/runs.js';

export const SPEC = {
  name: 'ingest',
  version: '1.2.0',
  params: { limit: { type: 'integer', default: 10 } },
  tasks: [
    { name: 'fetch', process: { command: ['curl', 'https://example.com'] } },
    { name: 'parse', dependsOn: ['fetch'], script: { source: 'print(1)' } },
  ],
} as unknown as WorkflowSpec;

let counter = 0;

/** A run with only the required fields; ids sort by creation like the engine's. */
export function makeRun(overrides: Partial<RunRecord> = {}): RunRecord {
  counter += 1;
  const createdAt = overrides.createdAt ?? 1_700_000_000_000 + counter;
  return {
    id: `01RUN${String(createdAt).padStart(16, '0')}${String(counter).padStart(4, '0')}`,
    workflow: 'ingest',
    version: '1.2.0',
    status: 'Pending',
    params: { limit: 3, nested: { list: [1, 'two', null, true] } },
    spec: SPEC,
    baseDir: '/work/project/workflows',
    origin: { kind: 'cli' },
    createdAt,
    cancelRequested: false,
    ...overrides,
  };
}

export function taskRun(runId: string, task: string, attempt: number, overrides: Partial<TaskRunRecord> = {}): TaskRunRecord {
  return { runId, task, attempt, status: 'Running', startedAt: 1000 + attempt, ...overrides };
}

export function taskWrite(runId: string, task: string, attempt: number, overrides: Partial<TaskRunRecord> = {}): StoreWrite {
  return { kind: 'taskRun', record: taskRun(runId, task, attempt, overrides) };
}

let eventCounter = 0;

/** An event as a NATS source would hand it over; each call gets a fresh source id. */
export function makeEvent(overrides: Partial<IncomingEvent> = {}): IncomingEvent {
  eventCounter += 1;
  return {
    sourceName: 'docs',
    id: `seq-${eventCounter}`,
    source: 'nats://DOCS/docs.uploaded',
    type: 'dev.tandem.nats.message',
    time: '2024-05-01T12:00:00.000Z',
    datacontenttype: 'application/json',
    data: { doc: `d${eventCounter}`, pages: [1, 2], meta: { ok: true, none: null } },
    ...overrides,
  };
}

/** A tandem event id that sorts by `n`. */
export function eventId(n: number): string {
  return `01EVT${String(n).padStart(12, '0')}`;
}

// A finished tandem run in a real store, with params, task inputs, metric histories and stored
// artifacts (a file and a directory in the content-addressed layout), for the mirror's tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from '../../../src/engines/local/artifacts.js';
import type { WorkflowSpec } from '../../../src/spec/schema.js';
import { openStore } from '../../../src/store/sqlite/open.js';
import type { Store } from '../../../src/store/store.js';
import type { MetricRecord, RunRecord, StoreWrite } from '../../../src/store/ports/runs.js';

const TRAIN_SPEC = {
  name: 'churn-train',
  version: '2.0.0',
  type: 'ml-training',
  experiment: 'churn',
  params: { lr: { type: 'number' } },
  tasks: [
    { name: 'train', process: { command: ['true'] }, inputs: { epochs: '{{ params.epochs }}' } },
    { name: 'evaluate', dependsOn: ['train'], process: { command: ['true'] } },
  ],
} as unknown as WorkflowSpec;

export interface TestHome {
  home: string;
  store: Store;
  close(): Promise<void>;
}

export async function makeHome(): Promise<TestHome> {
  const home = mkdtempSync(join(tmpdir(), 'tandem-mlflow-'));
  const store = await openStore({ home });
  return {
    home,
    store,
    async close() {
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

let counter = 0;

export interface SeedOptions {
  params?: Record<string, unknown>;
  /** Points of metric `loss` reported by task train, steps 0..n-1. */
  lossPoints?: number;
  artifacts?: boolean;
  status?: RunRecord['status'];
  spec?: WorkflowSpec;
}

/** Creates a finished run with everything the mirror exports; returns its record as stored. */
export async function seedRun(h: TestHome, options: SeedOptions = {}): Promise<RunRecord> {
  counter += 1;
  const createdAt = 1_700_000_000_000 + counter * 10_000;
  const run: RunRecord = {
    id: `01MLF${String(createdAt)}${String(counter).padStart(4, '0')}`,
    workflow: 'churn-train',
    version: '2.0.0',
    status: 'Pending',
    params: options.params ?? { lr: 0.1, model: { depth: 3, kind: 'forest' }, tags: ['a', 'b'] },
    spec: options.spec ?? TRAIN_SPEC,
    baseDir: h.home,
    origin: { kind: 'event', detail: { eventIds: ['ev-1'], sensor: 'on-data' } },
    createdAt,
    cancelRequested: false,
  };
  await h.store.createRun(run);
  const writes: StoreWrite[] = [];
  const metric = (task: string, name: string, value: number, step: number | undefined, time: number): StoreWrite => {
    const record: MetricRecord = { runId: run.id, task, name, value, time };
    if (step !== undefined) record.step = step;
    return { kind: 'metric', record };
  };
  for (let step = 0; step < (options.lossPoints ?? 5); step++) writes.push(metric('train', 'loss', 1 / (step + 1), step, createdAt + 100 + step));
  writes.push(metric('evaluate', 'accuracy', 0.91, undefined, createdAt + 900));
  writes.push({ kind: 'inputs', runId: run.id, task: 'train', inputs: [{ runId: run.id, task: 'train', attempt: 1, name: 'epochs', kind: 'param', value: 5 }] });
  if (options.artifacts !== false) {
    const artifacts = new ArtifactStore(join(h.home, 'artifacts'));
    const scratch = join(h.home, 'scratch');
    mkdirSync(join(scratch, 'report', 'plots'), { recursive: true });
    writeFileSync(join(scratch, 'model.bin'), 'weights-v1');
    writeFileSync(join(scratch, 'report', 'summary.md'), '# fine');
    writeFileSync(join(scratch, 'report', 'plots', 'roc.csv'), 'fpr,tpr\n0,0\n1,1\n');
    const model = await artifacts.put(join(scratch, 'model.bin'), 'Model');
    const report = await artifacts.put(join(scratch, 'report'), 'HTML');
    writes.push({ kind: 'artifact', record: { runId: run.id, task: 'train', name: 'model', ...model } });
    writes.push({ kind: 'artifact', record: { runId: run.id, task: 'evaluate', name: 'report', ...report } });
  }
  writes.push({ kind: 'run', runId: run.id, status: 'Running', time: createdAt + 1 });
  const status = options.status ?? 'Succeeded';
  if (status !== 'Running') writes.push({ kind: 'run', runId: run.id, status, time: createdAt + 1000 });
  await h.store.applyWrites(writes);
  const stored = await h.store.getRun(run.id);
  if (stored === undefined) throw new Error('seeded run vanished');
  return stored;
}

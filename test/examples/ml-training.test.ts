// examples/ml-training, as its README tells a user to run it, through the built CLI: a cold run;
// the same run again, served from the cache for every task; one sweep point changed, rerunning
// only what depends on it; `tandem compare` over the experiment, best marked; `tandem lineage` of
// the chosen model back to the data; and the router's decision (kubeflow).
// How much faster the cached run is belongs to bench/cache.ts (the <= 3% target): here it is only
// shown. Asserting "under half" failed under load: 19.6 s cached against 39.1 s cold, both
// dominated by starting processes on a busy machine.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'tandem.js');
const WORKFLOW = 'examples/ml-training/workflow.yaml';
const home = mkdtempSync(join(tmpdir(), 'tandem-ml-'));
after(() => rmSync(home, { recursive: true, force: true }));

interface Report {
  id: string;
  status: string;
  outputs: Record<string, unknown>;
  tasks: Array<{ task: string; status: string; message?: string }>;
  routing?: { lane: string; rule: string };
}

function tandem(...args: string[]): { stdout: string; stderr: string; status: number | null; ms: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, '--home', home, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status, ms: performance.now() - started };
}

function run(...params: string[]): { report: Report; ms: number } {
  const result = tandem('run', WORKFLOW, '--json', ...params.flatMap((p) => ['-p', p]));
  assert.equal(result.status, 0, result.stderr);
  return { report: JSON.parse(result.stdout) as Report, ms: result.ms };
}

const statuses = (report: Report) => Object.fromEntries(report.tasks.map((t) => [t.task, t.status]));
const SWEEP = [
  { nEstimators: 3, maxFeatures: 0.5, maxDepth: 2 },
  { nEstimators: 10, maxFeatures: 0.5 },
  { nEstimators: 25, maxFeatures: 0.75 },
  { nEstimators: 50, maxFeatures: 1.0 },
];

void describe('example: ml-training', () => {
  void it('reruns from the cache, reruns only what a changed sweep point touches, compares the runs and traces the model', (t) => {
    const cold = run();
    assert.equal(cold.report.status, 'Succeeded');
    assert.deepEqual(cold.report.routing && [cold.report.routing.lane, cold.report.routing.rule].join(' '), 'kubeflow declared-ml');
    const f1 = cold.report.outputs.f1 as number;
    assert.ok(f1 > 0.85 && f1 <= 1, `the best forest classifies Iris well: F1 ${f1}`);
    assert.ok(Object.values(statuses(cold.report)).every((s) => s === 'Succeeded'), JSON.stringify(statuses(cold.report)));

    // Again, nothing changed: every task (and every sweep item) is served from the cache.
    const warm = run();
    const warmStatuses = statuses(warm.report);
    assert.ok(Object.values(warmStatuses).every((s) => s === 'Cached'), JSON.stringify(warmStatuses));
    assert.match(warm.report.tasks.find((t) => t.task === 'select')?.message ?? '', new RegExp(`cache hit: outputs of run ${cold.report.id} task select`));
    assert.deepEqual(warm.report.outputs, cold.report.outputs);
    // How much faster is for bench/cache.ts, which times it against a baseline; here it is only shown
    // (every task Cached, asserted above, is what makes it fast).
    t.diagnostic(`the cached rerun took ${warm.ms.toFixed(0)} ms against ${cold.ms.toFixed(0)} ms cold`);

    // One sweep point changed: only its training, its evaluation and the selection run again.
    const changed = run(`sweep=${JSON.stringify([...SWEEP.slice(0, 3), { nEstimators: 80, maxFeatures: 1.0 }])}`);
    const after = statuses(changed.report);
    const reran = Object.entries(after).filter(([task, s]) => s !== 'Cached' && !['train', 'evaluate'].includes(task)).map(([task]) => task).sort();
    assert.deepEqual(reran, ['evaluate[3]', 'select', 'train[3]']);

    // The experiment's runs side by side: every sweep item's metrics, the best run marked.
    const compared = tandem('compare', '--experiment', 'iris-forest', '--json');
    assert.equal(compared.status, 0, compared.stderr);
    const comparison = JSON.parse(compared.stdout) as { runs: Array<{ id: string }>; metrics: Array<{ name: string; direction?: string; best: string[] }> };
    assert.deepEqual(comparison.runs.map((r) => r.id).sort(), [cold.report.id, warm.report.id, changed.report.id].sort());
    for (const i of [0, 1, 2, 3]) {
      const metric = comparison.metrics.find((m) => m.name === `evaluate[${i}].f1`);
      assert.equal(metric?.direction, 'max');
      assert.ok(metric.best.length >= 1, `a best run is marked for evaluate[${i}].f1`);
    }
    const table = tandem('compare', '--experiment', 'iris-forest');
    assert.match(table.stdout, /select\.f1 ↑.*\*/);

    // Lineage of the chosen model: selected from the sweep's models, trained on prepare's dataset.
    const lineage = tandem('lineage', `${changed.report.id}/select/best`, '--json');
    assert.equal(lineage.status, 0, lineage.stderr);
    const graph = JSON.parse(lineage.stdout) as { tasks: Array<{ task: string; runId: string }> };
    const upstream = new Set(graph.tasks.map((t) => t.task));
    for (const task of ['select', 'train[3]', 'prepare']) assert.ok(upstream.has(task), `${task} is upstream of the chosen model: ${[...upstream].join(', ')}`);
  });
});

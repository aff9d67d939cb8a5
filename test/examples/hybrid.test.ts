// examples/hybrid, and the router's decision for the example of each lane: document-ingestion →
// argo, ml-training → kubeflow, hybrid → hybrid, each with reasons a person can read. The hybrid
// workflow then runs on the embedded engine: the orchestrating run on the argo lane's engine,
// each ML step a child run (the ml-training sub-pipeline, kubeflow lane), linked both ways, with
// the children's outputs flowing back into the parent.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'tandem.js');
const home = mkdtempSync(join(tmpdir(), 'tandem-hybrid-'));
after(() => rmSync(home, { recursive: true, force: true }));

function tandem(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, '--home', home, ...args], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, `tandem ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

interface RunRow {
  id: string;
  workflow: string;
  origin: { kind: string; detail?: { runId?: string; task?: string } };
  routing?: { lane: string; rule: string; reasons: string[] };
}

void describe('example: hybrid, and the router on each lane', () => {
  void it('routes each example to its lane with reasons', () => {
    const verdicts = JSON.parse(
      tandem('route', 'examples/document-ingestion/workflow.yaml', 'examples/ml-training/workflow.yaml', 'examples/hybrid/workflow.yaml', '--explain', '--json'),
    ) as Array<{ workflow: string; lane: string; rule: string; reasons: string[] }>;
    assert.deepEqual(
      verdicts.map((v) => [v.workflow, v.lane]),
      [
        ['document-ingestion', 'argo'],
        ['ml-training', 'kubeflow'],
        ['hybrid-retraining', 'hybrid'],
      ],
    );
    const [ingestion, training, hybrid] = verdicts;
    assert.ok(ingestion!.reasons.some((r) => /type ingestion/.test(r)), ingestion!.reasons.join(' | '));
    assert.ok(training!.reasons.some((r) => /type ml-training/.test(r)), training!.reasons.join(' | '));
    assert.ok(hybrid!.reasons.some((r) => /retrain \(kubeflow\)/.test(r) && /check_data \(argo\)/.test(r)), hybrid!.reasons.join(' | '));
  });

  void it('runs the ML steps as linked child runs on the kubeflow lane and gates on their result', () => {
    const report = JSON.parse(tandem('run', 'examples/hybrid/workflow.yaml', '--json', '-p', 'threshold=0.5')) as {
      id: string;
      status: string;
      outputs: { seed: number; f1: number };
      routing: { lane: string };
      tasks: Array<{ task: string; status: string; message?: string }>;
    };
    assert.equal(report.status, 'Succeeded');
    assert.equal(report.routing.lane, 'hybrid');
    const status = Object.fromEntries(report.tasks.map((t) => [t.task, t.status]));
    assert.equal(status.promote, 'Succeeded', 'F1 clears a 0.5 threshold');
    assert.equal(status.hold, 'Skipped');
    assert.ok([7, 42].includes(report.outputs.seed));

    const runs = JSON.parse(tandem('runs', '--json')) as RunRow[];
    const children = runs.filter((r) => r.origin.kind === 'parent' && r.origin.detail?.runId === report.id);
    assert.deepEqual(children.map((c) => c.origin.detail?.task).sort(), ['retrain[0]', 'retrain[1]']);
    for (const child of children) {
      assert.equal(child.workflow, 'ml-training');
      assert.equal(child.routing?.lane, 'kubeflow', 'each ML step is on the kubeflow lane');
      // Parent → child: the parent task names its child run.
      const task = report.tasks.find((t) => t.task === child.origin.detail?.task);
      assert.match(task?.message ?? '', new RegExp(`child run ${child.id.replace(/[.[\]]/g, '\\$&')} Succeeded`));
    }
    // The children's outputs flowed back: the chosen F1 is one of theirs.
    const childF1 = children.map((c) => (JSON.parse(tandem('show', c.id, '--json')) as { outputs: { f1: number } }).outputs.f1);
    assert.ok(childF1.includes(report.outputs.f1), `${report.outputs.f1} is one of ${childF1.join(', ')}`);
    assert.equal(report.outputs.f1, Math.max(...childF1));
  });
});

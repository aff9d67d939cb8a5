// ClassificationMetrics: the format check (unit) and its use by the engine — a malformed file
// fails the task that wrote it with a message naming the problem — plus what `tandem show` prints
// for a run's tracking data, and the experiment a run is put in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClassificationMetricsError, parseClassificationMetrics, validateClassificationMetrics } from '../../src/spec/classification-metrics.js';
import { rocAuc, summarizeClassification } from '../../src/tracking/classification.js';
import { runTracking } from '../../src/tracking/run-tracking.js';
import { formatTracking } from '../../src/tracking/run-tracking-format.js';
import { makeHarness, runToEnd, type Harness } from '../engines/harness.js';
import { CONFUSION, pipeline } from './fixtures.js';

const problem = (value: unknown): string => {
  try {
    validateClassificationMetrics(value);
  } catch (error) {
    assert.ok(error instanceof ClassificationMetricsError);
    return error.problem;
  }
  return 'valid';
};

void describe('ClassificationMetrics format', () => {
  void it('accepts the documented shape and names the first problem otherwise', () => {
    assert.deepEqual(validateClassificationMetrics(CONFUSION).labels, ['cat', 'dog']);
    assert.equal(problem({ labels: [], confusionMatrix: [] }), '"labels" must be a non-empty list of strings');
    assert.equal(problem({ labels: ['a', 'a'], confusionMatrix: [[1, 0], [0, 1]] }), 'label "a" appears twice in "labels"');
    assert.equal(problem({ labels: ['a', 'b'], confusionMatrix: [[1, 0]] }), '"confusionMatrix" has 1 rows for 2 labels');
    assert.equal(problem({ labels: ['a', 'b'], confusionMatrix: [[1, 0], [1]] }), '"confusionMatrix" row 1 (label "b") has 1 values, expected 2');
    assert.equal(problem({ labels: ['a'], confusionMatrix: [[-1]] }), '"confusionMatrix"[0][0] is -1, expected a count >= 0');
    assert.equal(problem({ labels: ['a'], confusionMatrix: [[1]], rocCurve: [{ fpr: 2, tpr: 0, threshold: 0 }] }), '"rocCurve"[0].fpr is 2, expected a number from 0 to 1');
    assert.equal(problem({ labels: ['a'], confusionMatrix: [[1]], extra: 1 }), 'unknown field "extra"');
    assert.throws(() => parseClassificationMetrics('{nope'), /not JSON/);
    assert.match(new ClassificationMetricsError('x').message, /docs\/tracking\.md/);
  });

  void it('summarises accuracy, per-class recall and precision, and ROC AUC', () => {
    const s = summarizeClassification(validateClassificationMetrics(CONFUSION));
    assert.equal(s.samples, 20);
    assert.equal(s.accuracy, 17 / 20);
    assert.deepEqual(s.classes[0], { label: 'cat', recall: 0.8, precision: 8 / 9, support: 10 });
    assert.ok(Math.abs((s.rocAuc ?? 0) - (0.1 * 0.8) / 2 - (0.9 * 1.8) / 2) < 1e-12);
    assert.equal(rocAuc([]), 0.5);
    assert.equal(summarizeClassification({ labels: ['a'], confusionMatrix: [[0]] }).accuracy, null);
  });
});

void describe('tracking in runs', () => {
  let h: Harness;
  before(async () => {
    h = await makeHarness();
  });
  after(async () => h.close());

  void it('fails the task that writes a malformed ClassificationMetrics file, saying what is wrong', async () => {
    const result = await runToEnd(h, pipeline({ confusion: { labels: ['a', 'b'], confusionMatrix: [[1, 2, 3], [4, 5, 6]] } }));
    assert.equal(result.run.status, 'Failed');
    assert.equal(result.status('evaluate'), 'Failed');
    assert.match(result.message('evaluate') ?? '', /output artifact "cm": ClassificationMetrics: "confusionMatrix" row 0 \(label "a"\) has 3 values, expected 2/);
  });

  void it("puts a run in the asked experiment, else the workflow's, else the workflow name", async () => {
    const spec = pipeline({ experiment: 'declared' });
    const asked = await h.engine.submit({ spec, baseDir: process.cwd(), experiment: 'asked' });
    const declared = await h.engine.submit({ spec, baseDir: process.cwd() });
    const named = await h.engine.submit({ spec: pipeline({ name: 'plain' }), baseDir: process.cwd() });
    for (const { runId } of [asked, declared, named]) await h.engine.wait(runId);
    assert.equal((await h.store.getRun(asked.runId))?.experiment, 'asked');
    assert.equal((await h.store.getRun(declared.runId))?.experiment, 'declared');
    assert.equal((await h.store.getRun(named.runId))?.experiment, 'plain');
    assert.deepEqual((await h.store.listRuns({ experiment: 'declared' })).map((r) => r.id), [declared.runId]);
  });

  void it('reports final metrics per task, the classification summary and artifact metadata for show', async () => {
    const result = await runToEnd(h, pipeline(), { lr: 0.15 });
    assert.equal(result.run.status, 'Succeeded');
    const tracking = await runTracking(h.store, result.run.id);
    assert.deepEqual(
      tracking.metrics.map((m) => [m.task, m.name, m.value, m.step]),
      [
        ['train', 'loss', 0.15, 2],
        ['evaluate', 'accuracy', 0.75, undefined],
      ],
    );
    assert.equal(tracking.classification[0]?.summary?.accuracy, 0.85);
    assert.deepEqual(tracking.artifactMetadata, [{ task: 'prepare', output: 'data', metadata: { rows: 2 } }]);
    const text = formatTracking(tracking).join('\n');
    assert.match(text, /train\.loss +0\.15 at step 2 \(2 points\)/);
    assert.match(text, /evaluate\.cm {2}accuracy 0\.850 on 20 samples, 2 classes, ROC AUC 0\.850/);
    assert.match(text, /cat: recall 0\.800, precision 0\.889, support 10/);
  });
});

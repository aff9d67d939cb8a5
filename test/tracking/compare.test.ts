// Comparison: final metric values (last step), best runs by declared direction with ties, --best
// with an assumed direction, differing params, and CSV escaping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import type { WorkflowSpec } from '../../src/spec/schema.js';
import type { MetricRecord, RunRecord } from '../../src/store/ports/runs.js';
import { compareRuns, type CompareInput } from '../../src/tracking/compare.js';
import { comparisonCsv, comparisonFooter, comparisonTable, csvField } from '../../src/tracking/compare-format.js';
import { finalMetrics } from '../../src/tracking/metrics.js';

const SPEC = { name: 'train', metrics: { accuracy: { direction: 'max' }, 'train.loss': { direction: 'min' } }, tasks: [] } as unknown as WorkflowSpec;

function input(id: string, createdAt: number, params: Record<string, unknown>, metrics: Array<[string, string, number, number?]>, spec = SPEC): CompareInput {
  const run = { id, workflow: 'train', version: '1', status: 'Succeeded', params, spec, baseDir: '/', origin: { kind: 'cli' }, createdAt, cancelRequested: false, experiment: 'exp' } as RunRecord;
  const records: MetricRecord[] = metrics.map(([task, name, value, step], i) => ({ runId: id, task, name, value, ...(step !== undefined ? { step } : {}), time: i }));
  return { run, metrics: records };
}

void describe('finalMetrics', () => {
  void it('takes the value at the largest step, the last logged on equal steps, stepped over unstepped', () => {
    const m = (value: number, step?: number): MetricRecord => ({ runId: 'r', task: 't', name: 'loss', value, ...(step !== undefined ? { step } : {}), time: value });
    assert.equal(finalMetrics([m(1, 3), m(2, 1), m(3, 2)])[0]?.value, 1);
    assert.equal(finalMetrics([m(1, 2), m(2, 2)])[0]?.value, 2);
    assert.equal(finalMetrics([m(1), m(2)])[0]?.value, 2);
    assert.equal(finalMetrics([m(1, 0), m(2)])[0]?.value, 1);
    assert.equal(finalMetrics([m(1, 0), m(2), m(3, 0)])[0]?.points, 3);
  });
});

void describe('compareRuns', () => {
  const runs = [
    input('r1', 1, { lr: 0.1, seed: 1 }, [['train', 'loss', 0.9, 1], ['train', 'loss', 0.5, 2], ['eval', 'accuracy', 0.8], ['eval', 'f1', 0.3]]),
    input('r2', 2, { lr: 0.01, seed: 1 }, [['train', 'loss', 0.4, 1], ['eval', 'accuracy', 0.9], ['eval', 'f1', 0.6]]),
    input('r3', 3, { lr: 0.001, seed: 1 }, [['train', 'loss', 0.45, 5], ['eval', 'accuracy', 0.9]]),
  ];

  void it('marks the best run per declared metric, every run on a tie, none for undeclared metrics', () => {
    const c = compareRuns(runs);
    const metric = (name: string) => c.metrics.find((m) => m.name === name)!;
    assert.deepEqual(metric('accuracy').best, ['r2', 'r3']);
    assert.deepEqual(metric('loss').values, [0.5, 0.4, 0.45]);
    assert.equal(metric('loss').direction, 'min');
    assert.deepEqual(metric('loss').best, ['r2']);
    assert.deepEqual(metric('f1').values, [0.3, 0.6, null]);
    assert.equal(metric('f1').direction, undefined);
    assert.deepEqual(metric('f1').best, []);
    assert.equal(c.best, undefined);
  });

  void it('shows params that differ, with every param available in JSON', () => {
    const c = compareRuns(runs);
    assert.deepEqual(c.params.map((p) => [p.name, p.differs]), [['lr', true], ['seed', false]]);
    const table = comparisonTable(c);
    assert.deepEqual(table.rows.map((r) => r[0]), ['status', 'params', '  lr', 'metrics', '  accuracy ↑', '  f1', '  loss ↓']);
    assert.deepEqual(table.rows[4], ['  accuracy ↑', '0.8', '0.9 *', '0.9 *']);
    assert.ok(comparisonTable(c, { allParams: true }).rows.some((r) => r[0] === '  seed'));
  });

  void it('sorts by --best, names the winners of a tie, and assumes max for an undeclared metric', () => {
    const byAccuracy = compareRuns(runs, { best: 'accuracy' });
    assert.deepEqual(byAccuracy.runs.map((r) => r.id), ['r2', 'r3', 'r1']);
    assert.deepEqual(byAccuracy.best, { metric: 'accuracy', direction: 'max', assumed: false, value: 0.9, winners: ['r2', 'r3'] });
    assert.deepEqual(byAccuracy.metrics.find((m) => m.name === 'loss')?.values, [0.4, 0.45, 0.5]);
    const byF1 = compareRuns(runs, { best: 'f1' });
    assert.deepEqual(byF1.runs.map((r) => r.id), ['r2', 'r1', 'r3']);
    assert.equal(byF1.best?.assumed, true);
    assert.match(byF1.notes.join('\n'), /f1 has no declared direction; assumed max/);
    assert.match(comparisonFooter(byF1).join('\n'), /best by f1 \(max, assumed\): r2 with 0\.6/);
    assert.match(comparisonFooter(byAccuracy).join('\n'), /r2, r3 \(tie\)/);
  });

  void it('qualifies a metric name by task when several tasks report it, and rejects unknown or ambiguous --best', () => {
    const two = [input('a', 1, {}, [['t1', 'acc', 1], ['t2', 'acc', 2]]), input('b', 2, {}, [['t1', 'acc', 3]])];
    const c = compareRuns(two);
    assert.deepEqual(c.metrics.map((m) => m.name), ['t1.acc', 't2.acc']);
    assert.throws(() => compareRuns(two, { best: 'acc' }), (e: unknown) => e instanceof UsageError && /t1\.acc, t2\.acc/.test(e.message));
    assert.throws(() => compareRuns(two, { best: 'nope' }), (e: unknown) => e instanceof UsageError && /metrics: t1\.acc, t2\.acc/.test(e.message));
    assert.equal(compareRuns(two, { best: 't2.acc' }).best?.winners[0], 'a');
    assert.throws(() => compareRuns([]), UsageError);
  });

  void it("uses the newest run's direction when the workflows disagree, and says so", () => {
    const flipped = { ...SPEC, metrics: { accuracy: { direction: 'min' } } } as unknown as WorkflowSpec;
    const c = compareRuns([input('old', 1, {}, [['e', 'accuracy', 1]]), input('new', 2, {}, [['e', 'accuracy', 2]], flipped)]);
    assert.equal(c.metrics[0]?.direction, 'min');
    assert.deepEqual(c.metrics[0]?.best, ['old']);
    assert.match(c.notes.join(), /declare different directions/);
  });

  void it('compares task input params that differ', () => {
    const a = input('a', 1, {}, []);
    const b = input('b', 2, {}, []);
    a.inputs = [{ runId: 'a', task: 'train', attempt: 1, name: 'lr', kind: 'param', value: 1 }];
    b.inputs = [{ runId: 'b', task: 'train', attempt: 1, name: 'lr', kind: 'param', value: 2 }];
    assert.deepEqual(compareRuns([a, b]).params, [{ name: 'train.lr', scope: 'task', values: [1, 2], differs: true }]);
  });
});

void describe('comparisonCsv', () => {
  void it('quotes fields with commas, quotes and line breaks, and leaves others bare', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(''), '');
  });

  void it('writes one column per run, params as JSON when not strings, and the best runs', () => {
    const c = compareRuns([
      input('r1', 1, { note: 'a, "b"', opts: { k: [1, 2] } }, [['e', 'accuracy', 0.5]]),
      input('r2', 2, { note: 'plain', opts: { k: [1] } }, [['e', 'accuracy', 0.5]]),
    ]);
    const lines = comparisonCsv(c).split('\r\n');
    assert.equal(lines[0], 'section,name,direction,r1,r2,best');
    assert.equal(lines[1], 'run,status,,Succeeded,Succeeded,');
    assert.ok(lines.includes('param,note,,"a, ""b""",plain,'), lines.join('\n'));
    assert.ok(lines.includes('param,opts,,"{""k"":[1,2]}","{""k"":[1]}",'), lines.join('\n'));
    assert.ok(lines.includes('metric,accuracy,max,0.5,0.5,r1;r2'), lines.join('\n'));
    assert.equal(lines.at(-1), '');
  });
});

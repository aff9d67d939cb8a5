// The text table of `tandem compare` keeps long params apart: values that share a long prefix
// (paths, URIs) are shown from a little before where they part, not all cut to the same prefix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Comparison } from '../../src/tracking/compare.js';
import { comparisonTable } from '../../src/tracking/compare-format.js';

function comparison(values: unknown[]): Comparison {
  return {
    runs: values.map((_, i) => ({ id: `r${i}`, status: 'Succeeded' })),
    params: [{ name: 'input', scope: 'run', values, differs: true }],
    metrics: [],
    notes: [],
  } as unknown as Comparison;
}

const cells = (values: unknown[]): string[] => comparisonTable(comparison(values)).rows.find((row) => row[0] === '  input')!.slice(1);

void describe('comparisonTable: long params', () => {
  void it('shows where values that share a long prefix differ, each cell at most 40 characters', () => {
    const base = 's3://datasets/churn/exports/2024/daily/';
    const shown = cells([`${base}2024-06-01/part-0001.parquet`, `${base}2024-06-02/part-0001.parquet`, null]);
    assert.equal(new Set(shown).size, 3, shown.join(' | '));
    assert.equal(shown[0], '…/2024-06-01/part-0001.parquet');
    assert.equal(shown[1], '…/2024-06-02/part-0001.parquet');
    assert.equal(shown[2], '-');
    assert.ok(shown.every((cell) => cell.length <= 40), shown.join(' | '));
  });

  void it('leaves short values, and long ones that differ early, as they were', () => {
    assert.deepEqual(cells(['a', 'b']), ['a', 'b']);
    const early = cells([`a${'x'.repeat(60)}`, `b${'x'.repeat(60)}`]);
    assert.deepEqual(early, [`a${'x'.repeat(38)}…`, `b${'x'.repeat(38)}…`]);
    assert.deepEqual(cells([{ lr: 0.1 }, 3]), ['{"lr":0.1}', '3']);
  });
});

// The task table of `tandem show`: a forEach's iterations as one summary row and at most
// MAX_LISTED_ITERATIONS rows of the ones that did not succeed, then a line counting the rest.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { TaskStatus } from '../../src/engines/model.js';
import { palette } from '../../src/cli/format/color.js';
import { fewIterations, MAX_ITERATION_OUTPUTS, MAX_LISTED_ITERATIONS, taskRows } from '../../src/cli/format/task-rows.js';
import type { TaskReport } from '../../src/cli/run-report.js';

const task = (key: string, status: TaskStatus, attempts = 1): TaskReport => ({ task: key, status, attempt: attempts, attempts, history: [] });
const plain = palette(false);

void describe('taskRows', () => {
  void it('lists at most MAX_LISTED_ITERATIONS failed iterations, then counts the rest and names the command', () => {
    const failing = MAX_LISTED_ITERATIONS + 5;
    const items = Array.from({ length: 100 }, (_, i) => task(`parse[${i}]`, i < failing ? 'Failed' : 'Succeeded', i < failing ? 2 : 1));
    const rows = taskRows([task('list', 'Succeeded'), task('parse', 'Failed'), ...items], plain, { moreHint: 'tandem show R --iterations' });
    assert.deepEqual(rows[0]!.slice(0, 2), ['list', 'Succeeded']);
    assert.deepEqual(rows[2], ['  parse[0..99]', '100 iterations', String(failing * 2 + (100 - failing)), '', '', `${failing} Failed, ${100 - failing} Succeeded`]);
    const listed = rows.slice(3, -1).map((row) => row[0]);
    assert.deepEqual(listed, Array.from({ length: MAX_LISTED_ITERATIONS }, (_, i) => `  parse[${i}]`));
    assert.deepEqual(rows.at(-1), ['  … 5 more not succeeded', '', '', '', '', 'tandem show R --iterations']);
    assert.equal(taskRows(items, plain, { allIterations: true }).length, 100);
  });

  void it('fewIterations keeps the outputs of the first iterations of each forEach task and counts the others', () => {
    const entries = ['prep', ...Array.from({ length: 8 }, (_, i) => `a[${i}]`), 'b[0]'];
    const { shown, hidden } = fewIterations(entries, (key) => key, false);
    assert.deepEqual(shown, ['prep', ...Array.from({ length: MAX_ITERATION_OUTPUTS }, (_, i) => `a[${i}]`), 'b[0]']);
    assert.deepEqual([...hidden], [['a', 8 - MAX_ITERATION_OUTPUTS]]);
    assert.equal(fewIterations(entries, (key) => key, true).shown.length, entries.length);
  });
});

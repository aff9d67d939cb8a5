import { test } from 'node:test';
import assert from 'node:assert/strict';
import { palette, paletteFor, paintStatus, stripAnsi, useColor } from '../../src/cli/format/color.js';
import { formatBytes, formatDuration, formatSpan } from '../../src/cli/format/duration.js';
import { formatTable } from '../../src/cli/format/table.js';
import { commonDirectory, orderTasks, taskReports } from '../../src/cli/run-report.js';
import { formatValue } from '../../src/cli/summary.js';

void test('durations', () => {
  assert.equal(formatDuration(850), '850ms');
  assert.equal(formatDuration(4234), '4.2s');
  assert.equal(formatDuration(42_000), '42s');
  assert.equal(formatDuration(185_000), '3m05s');
  assert.equal(formatDuration(2 * 3_600_000 + 14 * 60_000), '2h14m');
  assert.equal(formatDuration(-1), '-');
  assert.equal(formatSpan(undefined, undefined), '-');
  assert.equal(formatSpan(1000, undefined, 3500), '2.5s');
});

void test('bytes', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(10 * 1024 * 1024), '10 MiB');
});

void test('colour only on a TTY with NO_COLOR unset', () => {
  assert.equal(useColor({ isTTY: true }, {}), true);
  assert.equal(useColor({ isTTY: false }, {}), false);
  assert.equal(useColor({}, {}), false);
  assert.equal(useColor({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(useColor({ isTTY: true }, { TERM: 'dumb' }), false);
  assert.equal(paintStatus(paletteFor({ isTTY: false }, {}), 'Failed'), 'Failed');
  assert.equal(paintStatus(palette(true), 'Failed'), '\x1b[31mFailed\x1b[39m');
});

void test('tables align columns, ignoring colour escapes', () => {
  const p = palette(true);
  const text = formatTable(
    [{ header: 'RUN' }, { header: 'STATUS' }, { header: 'N', align: 'right' }],
    [
      ['a', p.green('Succeeded'), '5'],
      ['bbbb', p.red('Failed'), '120'],
    ],
  );
  assert.equal(stripAnsi(text), ['RUN   STATUS       N', 'a     Succeeded    5', 'bbbb  Failed     120'].join('\n'));
});

void test('taskReports groups attempts, latest first-class', () => {
  const reports = taskReports([
    { runId: 'r', task: 'a', attempt: 1, status: 'Failed', exitCode: 1, startedAt: 0, finishedAt: 10 },
    { runId: 'r', task: 'a', attempt: 2, status: 'Succeeded', exitCode: 0, startedAt: 20, finishedAt: 50 },
    { runId: 'r', task: 'b', attempt: 1, status: 'Running', startedAt: 5 },
  ]);
  assert.equal(reports.length, 2);
  assert.equal(reports[0]?.status, 'Succeeded');
  assert.equal(reports[0]?.attempts, 2);
  assert.equal(reports[0]?.durationMs, 30);
  assert.equal(reports[0]?.history[0]?.exitCode, 1);
  assert.equal(reports[1]?.durationMs, undefined);
});

void test('commonDirectory and formatValue', () => {
  assert.equal(commonDirectory(['/h/runs/r/a/1', '/h/runs/r/b/1']), '/h/runs/r');
  assert.equal(commonDirectory(['/h/runs/r/a/1']), '/h/runs/r/a/1');
  assert.equal(commonDirectory([]), undefined);
  assert.equal(formatValue('plain'), 'plain');
  assert.equal(formatValue({ a: [1, 2] }), '{"a":[1,2]}');
  assert.equal(formatValue('x'.repeat(300)).length, 200);
});

void test('orderTasks: declared order, parent before iterations by numeric index', () => {
  const mk = (task: string) => ({ task, attempt: 1, status: 'Succeeded' as const, attempts: 1, history: [] });
  const ordered = orderTasks(['cleanup', 'fan[10]', 'fan', 'fan[9]', 'hello', 'zzz'].map(mk), ['hello', 'fan', 'cleanup']);
  assert.deepEqual(ordered.map((t) => t.task), ['hello', 'fan', 'fan[9]', 'fan[10]', 'cleanup', 'zzz']);
});

void test('runs listing says what started each run', async () => {
  const { describeOrigin } = await import('../../src/cli/commands/runs.js');
  assert.equal(describeOrigin({ kind: 'cli' }), 'cli');
  assert.equal(describeOrigin({ kind: 'api', detail: { idempotencyKey: 'k1' } }), 'api (key k1)');
  assert.equal(describeOrigin({ kind: 'event', detail: { eventIds: ['ev-1', 'ev-2'], sensor: 'on-upload' } }), 'event ev-1,ev-2 (sensor on-upload)');
});

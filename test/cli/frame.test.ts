import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent } from '../../src/engines/model.js';
import { palette, stripAnsi, visibleLength } from '../../src/cli/format/color.js';
import { GROUP_EXPAND_LIMIT, renderFrame, truncate } from '../../src/cli/progress/frame.js';
import { formatPlainEvent, PlainRenderer } from '../../src/cli/progress/plain.js';
import { foldEvents, initialProgress } from '../../src/cli/progress/progress-state.js';

const p = palette(false);
const ev = (task: string, status: 'Running' | 'Succeeded' | 'Failed', time: number, attempt = 1): RunEvent => ({
  type: 'task',
  runId: 'r1',
  task,
  attempt,
  status,
  time,
});
const base = () => initialProgress({ runId: 'r1', workflow: 'ingest', taskNames: ['fetch', 'parse'], createdAt: 0 });

void test('frame: header, one line per task, attempt and live duration', () => {
  const s = foldEvents(base(), [
    { type: 'run', runId: 'r1', time: 0, status: 'Running' },
    ev('fetch', 'Running', 0),
    ev('fetch', 'Failed', 1000),
    ev('fetch', 'Running', 2000, 2),
  ]);
  const lines = renderFrame(s, { now: 4500, palette: p });
  assert.match(lines[0] ?? '', /^ingest {2}r1 {2}Running {2}4\.5s$/);
  assert.match(lines[1] ?? '', /fetch \(attempt 2\) {2}2\.5s$/);
  assert.match(lines[2] ?? '', /· parse/);
});

void test('frame: small groups list every iteration, big ones summarise', () => {
  const small = foldEvents(base(), [ev('parse[0]', 'Succeeded', 10), ev('parse[1]', 'Running', 10)]);
  const smallLines = renderFrame(small, { now: 100, palette: p });
  assert.ok(smallLines.some((l) => l.includes('parse[0]')));
  assert.ok(smallLines.some((l) => l.includes('1/2 done, 1 running')));

  const events: RunEvent[] = [];
  for (let i = 0; i < 40; i++) events.push(ev(`parse[${i}]`, i < 12 ? 'Succeeded' : i < 14 ? 'Running' : 'Running', 0));
  const big = foldEvents(base(), events.slice(0, 14));
  const bigLines = renderFrame(big, { now: 100, palette: p });
  assert.ok(14 > GROUP_EXPAND_LIMIT);
  assert.ok(bigLines.some((l) => /parse\s+12\/14 done, 2 running/.test(l)));
  assert.equal(bigLines.filter((l) => l.includes('parse[')).length, 2, 'only the running iterations are listed');
});

void test('frame: lines fit the terminal width and height', () => {
  const events: RunEvent[] = [];
  for (let i = 0; i < 50; i++) events.push(ev(`t${i}_with_a_rather_long_name`, 'Running', 0));
  const s = foldEvents(base(), events);
  const lines = renderFrame(s, { now: 10, palette: palette(true), width: 30, height: 10 });
  assert.ok(lines.length <= 10);
  for (const line of lines) assert.ok(visibleLength(line) <= 30, stripAnsi(line));
  assert.match(stripAnsi(lines[lines.length - 1] ?? ''), /more lines/);
});

void test('truncate keeps escapes and cuts printable text', () => {
  const cut = truncate('\x1b[32mabcdefghij\x1b[39m', 5);
  assert.equal(stripAnsi(cut), 'abcd…');
  assert.ok(cut.startsWith('\x1b[32m'));
  assert.equal(truncate('abc', 5), 'abc');
});

void test('plain: one line per status change', () => {
  const out: string[] = [];
  const renderer = new PlainRenderer({ write: (t: string) => out.push(t) }, p);
  let s = base();
  for (const event of [ev('parse[3]', 'Running', 0), ev('parse[3]', 'Running', 5), ev('parse[3]', 'Succeeded', 2100)]) {
    s = foldEvents(s, [event]);
    renderer.update(s, event);
  }
  assert.equal(out.length, 2);
  assert.match(out[0] ?? '', /^\d\d:\d\d:\d\d parse\[3\] Running attempt 1\n$/);
  assert.match(out[1] ?? '', /parse\[3\] Succeeded attempt 1 \(2\.1s\)\n$/);
  assert.match(formatPlainEvent({ type: 'run', runId: 'r1', time: 0, status: 'Failed', message: 'boom' }, undefined, p), /run r1 Failed: boom$/);
});

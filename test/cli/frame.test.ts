import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import type { RunEvent } from '../../src/engines/model.js';
import { palette, stripAnsi, visibleLength } from '../../src/cli/format/color.js';
import { GROUP_EXPAND_LIMIT, renderFrame, truncate } from '../../src/cli/progress/frame.js';
import { FLUSH_MS, formatPlainEvent, PlainRenderer } from '../../src/cli/progress/plain.js';
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
  renderer.stop();
  const lines = out.join('').split('\n');
  assert.equal(lines.length, 3, 'two lines and the final newline');
  assert.match(lines[0] ?? '', /^\d\d:\d\d:\d\d parse\[3\] Running attempt 1$/);
  assert.match(lines[1] ?? '', /parse\[3\] Succeeded attempt 1 \(2\.1s\)$/);
  assert.match(formatPlainEvent({ type: 'run', runId: 'r1', time: 0, status: 'Failed', message: 'boom' }, undefined, p), /run r1 Failed: boom$/);
});

void test('plain: the changes of one moment are written together, the run\'s end and notes at once', () => {
  const out: string[] = [];
  const renderer = new PlainRenderer({ write: (t: string) => out.push(t) }, p);
  let s = base();
  for (let i = 0; i < 100; i++) {
    const event = ev(`t${i}`, 'Succeeded', i);
    s = foldEvents(s, [event]);
    renderer.update(s, event);
  }
  assert.equal(out.length, 0, 'a hundred changes in one turn wait for their companions');
  renderer.note('cancelling the run');
  assert.equal(out.length, 1, 'a note is written at once, after the changes before it');
  assert.equal(out[0]?.split('\n').length, 102);
  assert.match(out[0] ?? '', /t99 Succeeded[^\n]*\n[^\n]*cancelling the run\n$/);
  renderer.update(s, ev('t100', 'Running', 200));
  renderer.update(s, { type: 'run', runId: 'r1', time: 300, status: 'Succeeded' });
  assert.equal(out.length, 2, "the run's end is written at once");
  assert.match(out[1] ?? '', /t100 Running attempt 1\n[^\n]* run r1 Succeeded\n$/);
  renderer.stop();
  assert.equal(out.length, 2, 'nothing was left to write');
});

void test('plain: a change alone is written within FLUSH_MS, without stop()', async () => {
  const out: string[] = [];
  const renderer = new PlainRenderer({ write: (t: string) => out.push(t) }, p);
  const event = ev('fetch', 'Running', 0);
  renderer.update(foldEvents(base(), [event]), event);
  assert.equal(out.length, 0);
  // Created after the renderer's timer with the same delay, this one fires after it.
  await sleep(FLUSH_MS);
  assert.equal(out.length, 1);
  assert.match(out[0] ?? '', /fetch Running attempt 1\n$/);
});

// Ctrl-C presses as the CLI counts them: a SIGINT within SAME_PRESS_MS of the first is a copy of it
// (the terminal signals the process group and `npm run` forwards its own copy), a later one is a
// second press. With a clock the test sets, so nothing depends on how fast the machine is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onPresses, SAME_PRESS_MS } from '../../src/cli/interrupt.js';

void test('a copy of the first press is dropped; a later press is a second one', () => {
  let now = 1_000_000;
  let deliver: (() => void) | undefined;
  const calls: string[] = [];
  const unsubscribe = onPresses(
    (handler) => {
      deliver = handler;
      return () => (deliver = undefined);
    },
    () => calls.push('first'),
    () => calls.push('again'),
    () => now,
  );
  const press = (at: number) => {
    now = at;
    deliver?.();
  };
  press(1_000_000);
  press(1_000_000 + 5);
  press(1_000_000 + SAME_PRESS_MS - 1);
  assert.deepEqual(calls, ['first'], 'copies of the first press');
  press(1_000_000 + SAME_PRESS_MS);
  assert.deepEqual(calls, ['first', 'again']);
  press(1_000_000 + SAME_PRESS_MS + 1);
  assert.deepEqual(calls, ['first', 'again', 'again'], 'every later press counts');
  unsubscribe();
  assert.equal(deliver, undefined, 'unsubscribed');
});

// The embedded engine's own errors are TandemErrors that carry their classification: the status a
// retry policy reads (Failed: the task's fault; Error: it could not run) and whether retrying may help.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ExpressionError, TandemError } from '../../../src/errors.js';
import { InputError } from '../../../src/engines/local/context.js';
import { ForEachError } from '../../../src/engines/local/foreach.js';
import { OutputError } from '../../../src/engines/local/outputs.js';
import { shouldRetry } from '../../../src/engines/local/retry.js';
import { RunnerStartError } from '../../../src/engines/local/runner.js';
import { SpawnFailedError } from '../../../src/engines/local/spawner/pool.js';
import { attemptFailureStatus } from '../../../src/engines/local/task-failure.js';

describe('embedded engine: task failure errors', () => {
  it('classify by their own properties, each with a code of its own', () => {
    const cases = [
      { error: new InputError('input "n": expected integer'), code: 'TASK_INPUT', status: 'Failed', retryable: true },
      { error: new OutputError('output "n": was not written'), code: 'TASK_OUTPUT', status: 'Failed', retryable: true },
      { error: new RunnerStartError('no runner registered for node tasks'), code: 'TASK_NOT_STARTED', status: 'Error', retryable: true },
      { error: new ForEachError('forEach: step must not be 0'), code: 'TASK_FOREACH', status: 'Failed', retryable: false },
    ] as const;
    for (const { error, code, status, retryable } of cases) {
      assert.ok(error instanceof TandemError, error.name);
      assert.deepEqual({ code: error.code, status: error.status, retryable: error.retryable }, { code, status, retryable });
      assert.equal(attemptFailureStatus(error), status);
    }
  });

  it('an expression that does not evaluate is the task at fault; anything unforeseen could not run', () => {
    assert.equal(attemptFailureStatus(new ExpressionError('1 +', 'unexpected end')), 'Failed');
    assert.equal(attemptFailureStatus(new Error('EACCES')), 'Error');
    assert.equal(attemptFailureStatus('a thrown string'), 'Error');
  });

  it('retry policies choose by that status', () => {
    const failed = attemptFailureStatus(new OutputError('bad'));
    const error = attemptFailureStatus(new RunnerStartError('no such module'));
    assert.equal(shouldRetry({ limit: 1 }, failed, 1), true);
    assert.equal(shouldRetry({ limit: 1 }, error, 1), false);
    assert.equal(shouldRetry({ limit: 1, policy: 'on-error' }, failed, 1), false);
    assert.equal(shouldRetry({ limit: 1, policy: 'on-error' }, error, 1), true);
    assert.equal(shouldRetry({ limit: 1, policy: 'always' }, error, 1), true);
  });

  it('a spawn failure is retryable only when the helper died under it', () => {
    assert.equal(new SpawnFailedError('spawn /no/such: ENOENT').retryable, false);
    assert.equal(new SpawnFailedError('spawner helper exited (SIGKILL)', { retryable: true }).retryable, true);
    assert.equal(new SpawnFailedError('x').code, 'SPAWN_FAILED');
  });
});

// The trigger layer's concurrency gate (Argo CronWorkflow's concurrencyPolicy) and the policy an
// event carries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyGate, concurrencyPolicyOf, type RunControl } from '../../src/events/concurrency.js';

class Runs implements RunControl {
  readonly running = new Set<string>();
  readonly cancelled: string[] = [];
  checks = 0;
  async isRunning(runId: string): Promise<boolean> {
    this.checks += 1;
    return this.running.has(runId);
  }
  async cancel(runId: string): Promise<void> {
    this.cancelled.push(runId);
    this.running.delete(runId);
  }
}

void describe('ConcurrencyGate.decide', () => {
  void it('Allow always allows, without looking', async () => {
    const runs = new Runs();
    runs.running.add('r1');
    assert.deepEqual(await new ConcurrencyGate(runs).decide('Allow', 'r1'), { action: 'allow' });
    assert.equal(runs.checks, 0);
  });

  void it('Forbid skips while the previous run goes on, allows once it finished or when there is none', async () => {
    const runs = new Runs();
    const gate = new ConcurrencyGate(runs);
    runs.running.add('r1');
    assert.deepEqual(await gate.decide('Forbid', 'r1'), { action: 'skip', previousRunId: 'r1' });
    assert.deepEqual(await gate.decide('Forbid', undefined), { action: 'allow' });
    runs.running.delete('r1');
    assert.deepEqual(await gate.decide('Forbid', 'r1'), { action: 'allow' });
    assert.deepEqual(runs.cancelled, []);
  });

  void it('Replace cancels a running previous run, and leaves a finished one alone', async () => {
    const runs = new Runs();
    const gate = new ConcurrencyGate(runs);
    runs.running.add('r1');
    assert.deepEqual(await gate.decide('Replace', 'r1'), { action: 'replace', previousRunId: 'r1' });
    assert.deepEqual(runs.cancelled, ['r1']);
    assert.deepEqual(await gate.decide('Replace', 'r1'), { action: 'allow' });
    assert.deepEqual(runs.cancelled, ['r1']);
  });

  void it('does not replace when the cancel fails', async () => {
    const runs = new Runs();
    runs.running.add('r1');
    runs.cancel = async () => {
      throw new Error('engine unreachable');
    };
    await assert.rejects(new ConcurrencyGate(runs).decide('Replace', 'r1'), /engine unreachable/);
  });
});

void describe('ConcurrencyGate.admit', () => {
  void it('serialises per key: two ticks arriving together under Forbid start one run', async () => {
    const runs = new Runs();
    const gate = new ConcurrencyGate(runs);
    let last: string | undefined;
    let n = 0;
    const start = async (): Promise<string> => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const id = `run-${++n}`;
      runs.running.add(id);
      last = id;
      return id;
    };
    const results = await Promise.all([
      gate.admit('sensor/trigger/nightly', 'Forbid', async () => last, start),
      gate.admit('sensor/trigger/nightly', 'Forbid', async () => last, start),
      gate.admit('other', 'Forbid', async () => undefined, async () => 'other-run'),
    ]);
    assert.deepEqual(results.map((r) => r.decision.action), ['allow', 'skip', 'allow']);
    assert.deepEqual(results.map((r) => r.started), ['run-1', undefined, 'other-run']);
    // Replace: the second tick cancels the first run and starts its own.
    const replaced = await gate.admit('sensor/trigger/nightly', 'Replace', async () => last, start);
    assert.deepEqual(replaced, { decision: { action: 'replace', previousRunId: 'run-1' }, started: 'run-2' });
    assert.deepEqual(runs.cancelled, ['run-1']);
  });

  void it('keeps going after a failed turn', async () => {
    const gate = new ConcurrencyGate(new Runs());
    await assert.rejects(gate.admit('k', 'Allow', async () => undefined, async () => Promise.reject(new Error('boom'))));
    assert.deepEqual(await gate.admit('k', 'Allow', async () => undefined, async () => 'ok'), { decision: { action: 'allow' }, started: 'ok' });
  });

  void it('reads the policy off a tick', () => {
    assert.equal(concurrencyPolicyOf({ extensions: { concurrencypolicy: 'Replace' } }), 'Replace');
    assert.equal(concurrencyPolicyOf({ extensions: { concurrencypolicy: 'sometimes' } }), undefined);
    assert.equal(concurrencyPolicyOf({}), undefined);
  });
});

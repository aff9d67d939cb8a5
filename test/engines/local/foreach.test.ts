// forEach fan-out on the embedded engine: literal lists, ranges, upstream arrays, parallelism,
// per-item conditions, outputs collected in order.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { makeHarness, maxOverlap, runToEnd, sh, workflow, type Harness } from '../harness.js';

describe('embedded engine: forEach', () => {
  let h: Harness;
  before(async () => (h = await makeHarness({ concurrency: 8 })));
  after(async () => h.close());

  it('fans out over an upstream JSON array and collects outputs in item order', async () => {
    const result = await runToEnd(
      h,
      workflow({
        tasks: [
          { name: 'list', ...sh(`echo '["c", "a", "b", "d"]'`), outputs: { names: { stdout: true } } },
          {
            name: 'upper',
            forEach: '{{ tasks.list.outputs.names }}',
            // Later items finish first: collection must follow item order, not finishing order.
            process: { command: '/bin/sh', args: ['-c', 'sleep 0.0$((4 - {{ task.index }})); echo "{{ item }}" | tr a-z A-Z > $TANDEM_OUTPUTS/n'] },
            outputs: { name: { type: 'string', path: 'n' } },
          },
          { name: 'join', process: { command: '/bin/echo', args: ['{{ tasks.upper.outputs.name }}'] }, outputs: { all: { stdout: true } } },
        ],
      }),
    );
    assert.equal(result.run.status, 'Succeeded', result.run.message);
    assert.equal(result.executions('upper[0]').length, 1);
    assert.equal(result.status('upper'), 'Succeeded');
    assert.deepEqual(result.output('join', 'all'), ['C', 'A', 'B', 'D']);
  });

  it('fans out over a literal list of objects and a numeric range', async () => {
    const result = await runToEnd(
      h,
      workflow({
        tasks: [
          {
            name: 'greet',
            forEach: [{ who: 'ada' }, { who: 'grace' }],
            process: { command: '/bin/echo', args: ['"hi {{ item.who }}"'] },
            outputs: { text: { stdout: true } },
          },
          { name: 'squares', forEach: { start: 2, end: 10, step: 4 }, process: { command: '/bin/echo', args: ['{{ item * item }}'] }, outputs: { sq: { stdout: true } } },
          { name: 'counted', forEach: { count: 3 }, process: { command: '/bin/echo', args: ['{{ item }}'] }, outputs: { i: { stdout: true } } },
        ],
      }),
    );
    assert.equal(result.run.status, 'Succeeded', result.run.message);
    assert.deepEqual(result.output('greet', 'text'), ['hi ada', 'hi grace']);
    assert.deepEqual(result.output('squares', 'sq'), [4, 36, 100]);
    assert.deepEqual(result.output('counted', 'i'), [0, 1, 2]);
  });

  it('respects the forEach parallelism limit', async () => {
    const result = await runToEnd(
      h,
      workflow({ tasks: [{ name: 'slow', forEach: { count: 6 }, parallelism: 2, ...sh('sleep 0.1') }] }),
    );
    assert.equal(result.run.status, 'Succeeded');
    const rows = result.attempts.filter((a) => a.task.startsWith('slow[') && a.attempt > 0);
    assert.equal(rows.length, 6);
    assert.equal(maxOverlap(rows), 2);
  });

  it('evaluates a condition that mentions item per item', async () => {
    const result = await runToEnd(
      h,
      workflow({ tasks: [{ name: 'even', forEach: { count: 5 }, when: 'item % 2 == 0', process: { command: '/bin/true' } }] }),
    );
    assert.equal(result.run.status, 'Succeeded');
    const statuses = [0, 1, 2, 3, 4].map((i) => result.status(`even[${i}]`));
    assert.deepEqual(statuses, ['Succeeded', 'Skipped', 'Succeeded', 'Skipped', 'Succeeded']);
  });

  it('succeeds with no iterations on an empty list', async () => {
    const result = await runToEnd(
      h,
      workflow({
        tasks: [
          { name: 'none', ...sh('echo "[]"'), outputs: { items: { stdout: true } } },
          { name: 'each', forEach: '{{ tasks.none.outputs.items }}', process: { command: '/bin/false' } },
        ],
      }),
    );
    assert.equal(result.run.status, 'Succeeded');
    assert.equal(result.status('each'), 'Succeeded');
  });

  it('fails the task when one iteration fails, and says how many succeeded', async () => {
    const result = await runToEnd(h, workflow({ tasks: [{ name: 'some', forEach: [0, 1, 0], process: { command: '/bin/sh', args: ['-c', 'exit {{ item }}'] } }] }));
    assert.equal(result.run.status, 'Failed');
    assert.equal(result.status('some'), 'Failed');
    assert.equal(result.message('some'), '2/3 items succeeded');
  });

  it('fails the task when the forEach value is not a list', async () => {
    const result = await runToEnd(
      h,
      workflow({
        tasks: [
          { name: 'scalar', ...sh('echo 5'), outputs: { n: { stdout: true } } },
          { name: 'each', forEach: '{{ tasks.scalar.outputs.n }}', process: { command: '/bin/true' } },
        ],
      }),
    );
    assert.equal(result.status('each'), 'Failed');
    assert.match(result.message('each') ?? '', /forEach: expected a list/);
  });
});

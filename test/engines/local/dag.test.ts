// DAG semantics on the embedded engine: ordering, implied dependencies, conditions, skips,
// fail-fast, workflow outputs.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { makeHarness, maxOverlap, runToEnd, sh, workflow, type Harness } from '../harness.js';

describe('embedded engine: DAGs', () => {
  let h: Harness;
  before(async () => (h = await makeHarness()));
  after(async () => h.close());

  it('passes outputs along references, which imply the dependency', async () => {
    const result = await runToEnd(
      h,
      workflow({
        params: { base: { type: 'integer', default: 40 } },
        tasks: [
          { name: 'sum', ...sh('echo 2'), outputs: { n: { type: 'integer', stdout: true } } },
          { name: 'total', process: { command: '/bin/echo', args: ['{{ params.base + tasks.sum.outputs.n }}'] }, outputs: { v: { stdout: true } } },
        ],
        outputs: { answer: '{{ tasks.total.outputs.v }}' },
      }),
    );
    assert.equal(result.run.status, 'Succeeded');
    assert.equal(result.output('sum', 'n'), 2);
    assert.equal(result.output('total', 'v'), 42);
    assert.deepEqual(result.run.outputs, { answer: 42 });
    assert.ok(result.executions('total')[0]!.startedAt! >= result.executions('sum')[0]!.finishedAt!);
  });

  it('runs the branch whose condition holds and skips the other, and its dependants', async () => {
    const spec = workflow({
      params: { threshold: { type: 'number', default: 0.5 } },
      tasks: [
        { name: 'measure', ...sh('echo 0.8'), outputs: { score: { type: 'number', stdout: true } } },
        { name: 'publish', when: 'tasks.measure.outputs.score >= params.threshold', ...sh('true') },
        { name: 'quarantine', when: 'tasks.measure.outputs.score < params.threshold', ...sh('true'), outputs: { why: { stdout: true } } },
        { name: 'explain', process: { command: '/bin/echo', args: ['{{ tasks.quarantine.outputs.why }}'] } },
        { name: 'report', dependsOn: ['publish', 'quarantine'], ...sh('true') },
      ],
    });
    const high = await runToEnd(h, spec);
    assert.equal(high.run.status, 'Succeeded');
    assert.equal(high.status('publish'), 'Succeeded');
    assert.equal(high.status('quarantine'), 'Skipped');
    assert.equal(high.status('explain'), 'Skipped', 'needs an output of a skipped task');
    assert.match(high.message('explain') ?? '', /skipped task quarantine/);
    assert.equal(high.status('report'), 'Succeeded', 'a skipped dependency does not block');
    const low = await runToEnd(h, spec, { threshold: 0.9 });
    assert.equal(low.status('publish'), 'Skipped');
    assert.equal(low.status('quarantine'), 'Failed', 'quarantine runs, and fails: `true` prints no JSON');
  });

  it('fails fast by default: tasks not yet started are omitted, and the run fails', async () => {
    const result = await runToEnd(
      h,
      workflow({
        parallelism: 1,
        tasks: [
          { name: 'bad', ...sh('exit 3') },
          { name: 'later', dependsOn: ['bad'], ...sh('true') },
          { name: 'other', ...sh('true') },
        ],
      }),
    );
    assert.equal(result.run.status, 'Failed');
    assert.match(result.run.message ?? '', /bad failed: exit code 3/);
    assert.equal(result.executions('bad')[0]?.exitCode, 3);
    assert.equal(result.status('later'), 'Omitted');
    assert.equal(result.status('other'), 'Omitted');
  });

  it('with failFast: false, independent branches keep going', async () => {
    const result = await runToEnd(
      h,
      workflow({
        failFast: false,
        parallelism: 1,
        tasks: [
          { name: 'bad', ...sh('exit 1') },
          { name: 'later', dependsOn: ['bad'], ...sh('true') },
          { name: 'other', ...sh('true') },
        ],
      }),
    );
    assert.equal(result.run.status, 'Failed');
    assert.equal(result.status('later'), 'Omitted');
    assert.equal(result.status('other'), 'Succeeded');
  });

  it('runs finally tasks after failure, and they see the run status and failures', async () => {
    const result = await runToEnd(
      h,
      workflow({
        tasks: [{ name: 'bad', ...sh('exit 1') }],
        finally: [
          {
            name: 'notify',
            process: { command: '/bin/echo', args: ['{"status": "{{ run.status }}", "failed": {{ size(run.failures) }}}'] },
            outputs: { seen: { stdout: true } },
          },
        ],
      }),
    );
    assert.equal(result.run.status, 'Failed');
    assert.deepEqual(result.output('notify', 'seen'), { status: 'Failed', failed: 1 });
  });

  it('fails the run when a finally task fails', async () => {
    const result = await runToEnd(h, workflow({ tasks: [{ name: 'ok', ...sh('true') }], finally: [{ name: 'bad', ...sh('exit 1') }] }));
    assert.equal(result.run.status, 'Failed');
    assert.equal(result.status('ok'), 'Succeeded');
  });

  it('limits how many tasks of a run run at once (workflow parallelism)', async () => {
    const tasks = Array.from({ length: 6 }, (_, i) => ({ name: `t${i}`, ...sh('sleep 0.1') }));
    const result = await runToEnd(h, workflow({ parallelism: 2, tasks }));
    assert.equal(result.run.status, 'Succeeded');
    assert.ok(maxOverlap(result.attempts.filter((a) => a.attempt > 0)) <= 2);
  });
});


describe('embedded engine: idempotent submit', () => {
  it('submitting twice with the same run id starts one run', async () => {
    const h = await makeHarness();
    try {
      const spec = workflow({ tasks: [{ name: 'once', process: { command: '/bin/sh', args: ['-c', 'echo ran >> "$1"', 'sh', `${h.home}/count`] } }] });
      const first = await h.engine.submit({ spec, baseDir: process.cwd(), runId: 'fixed-run-id' });
      const second = await h.engine.submit({ spec, baseDir: process.cwd(), runId: 'fixed-run-id' });
      assert.equal(first.runId, second.runId);
      await h.engine.wait('fixed-run-id');
      const third = await h.engine.submit({ spec, baseDir: process.cwd(), runId: 'fixed-run-id' });
      assert.equal(third.runId, 'fixed-run-id');
      assert.equal((await h.store.listRuns()).length, 1);
      const { readFileSync } = await import('node:fs');
      assert.equal(readFileSync(`${h.home}/count`, 'utf8'), 'ran\n');
    } finally {
      await h.close();
    }
  });
});

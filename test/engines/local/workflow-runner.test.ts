// The `workflow` runner: a task that runs another workflow as a linked child run, with its inputs
// as the child's params and the child's outputs (params and artifacts) as its own.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { childRunId } from '../../../src/engines/local/runners/workflow.js';
import { makeHarness, readRun, sh, workflow, type Harness } from '../harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-child-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// The child: doubles n, writes a report artifact, and fails when asked to.
writeFileSync(
  join(dir, 'child.yaml'),
  [
    'name: child',
    'params:',
    '  n: { type: integer }',
    '  fail: { type: boolean, default: false }',
    'tasks:',
    '  - name: double',
    '    process: { command: /bin/sh, args: ["-c", "test {{ params.fail }} = false || exit 3; echo $(( {{ params.n }} * 2 )) > $TANDEM_OUTPUTS/doubled; echo report-{{ params.n }} > $TANDEM_OUTPUTS/report.txt"] }',
    '    outputs:',
    '      doubled: { type: integer }',
    '      report: { type: artifact, path: report.txt }',
    '  - name: slow',
    '    dependsOn: [double]',
    '    process: { command: /bin/sh, args: ["-c", "sleep 0.2"] }',
    'outputs:',
    '  doubled: "{{ tasks.double.outputs.doubled }}"',
    '  report: "{{ tasks.double.outputs.report }}"',
    '',
  ].join('\n'),
);

const parent = (extra: Record<string, unknown> = {}) =>
  workflow({
    name: 'parent',
    tasks: [
      {
        name: 'children',
        forEach: [1, 2, 3],
        workflow: { file: 'child.yaml' },
        inputs: { n: '{{ item }}', ...extra },
        outputs: { doubled: { type: 'integer' }, report: { type: 'artifact' } },
      },
      { name: 'sum', ...sh('echo "{{ tasks.children.outputs.doubled }}"'), outputs: { seen: { type: 'json', stdout: true } } },
    ],
  });

void describe('workflow runner (child runs)', () => {
  let h: Harness;

  void it('runs one linked child per item, even with one engine slot, and takes their outputs back', async (t) => {
    // concurrency 1: each parent task waits on a child whose tasks need the only slot.
    h = await makeHarness({ concurrency: 1 });
    t.after(() => h.close());
    const { runId } = await h.engine.submit({ spec: parent(), baseDir: dir });
    const result = await readRun(h, runId);
    assert.equal(result.run.status, 'Succeeded', result.run.message);
    assert.deepEqual(result.output('sum', 'seen'), [2, 4, 6]);
    for (const [index, key] of result.iterations('children').entries()) {
      const childId = childRunId(runId, key, 1);
      const child = await h.store.getRun(childId);
      assert.equal(child?.status, 'Succeeded');
      assert.deepEqual(child?.origin, { kind: 'parent', detail: { runId, task: key, attempt: 1 } });
      assert.match(result.message(key) ?? '', new RegExp(`child run ${childId.replace(/[.[\]]/g, '\\$&')} Succeeded`));
      // The child's artifact is the parent task's artifact: same content, same digest.
      const parentArtifact = result.artifacts.find((a) => a.task === key && a.name === 'report');
      const childArtifact = (await h.store.listArtifacts(childId)).find((a) => a.name === 'report');
      assert.ok(parentArtifact && childArtifact);
      assert.equal(parentArtifact.digest, childArtifact.digest);
      assert.equal(readFileSync(parentArtifact.path, 'utf8').trim(), `report-${index + 1}`);
    }
  });

  void it('fails the task with the child run named when the child fails', async (t) => {
    h = await makeHarness();
    t.after(() => h.close());
    const { runId } = await h.engine.submit({ spec: parent({ fail: true }), baseDir: dir });
    const result = await readRun(h, runId);
    assert.equal(result.run.status, 'Failed');
    assert.match(result.message('children[0]') ?? '', /child run .*children-0\.1 Failed/);
    assert.equal((await h.store.getRun(childRunId(runId, 'children[0]', 1)))?.status, 'Failed');
  });

  void it('a missing child file or a param the child does not take is an Error before anything runs', async (t) => {
    h = await makeHarness();
    t.after(() => h.close());
    const missing = workflow({ name: 'p2', tasks: [{ name: 'c', workflow: { file: 'nope.yaml' } }] });
    const first = await readRun(h, (await h.engine.submit({ spec: missing, baseDir: dir })).runId);
    assert.equal(first.status('c'), 'Error');
    assert.match(first.message('c') ?? '', /nope\.yaml/);
    const unknown = workflow({ name: 'p3', tasks: [{ name: 'c', workflow: { file: 'child.yaml' }, inputs: { n: 1, colour: 'red' } }] });
    const second = await readRun(h, (await h.engine.submit({ spec: unknown, baseDir: dir })).runId);
    assert.equal(second.status('c'), 'Error');
    assert.match(second.message('c') ?? '', /unknown param "colour"/);
  });

  void it('cancelling the parent cancels its running children', async (t) => {
    h = await makeHarness();
    t.after(() => h.close());
    writeFileSync(join(dir, 'sleepy.yaml'), 'name: sleepy\ntasks:\n  - name: nap\n    process: { command: /bin/sh, args: ["-c", "sleep 30"] }\n');
    const spec = workflow({ name: 'p4', tasks: [{ name: 'c', workflow: { file: 'sleepy.yaml' } }] });
    const { runId } = await h.engine.submit({ spec, baseDir: dir });
    const childId = childRunId(runId, 'c', 1);
    const deadline = Date.now() + 60_000;
    while ((await h.store.getRun(childId))?.status !== 'Running' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await h.engine.cancel(runId);
    const result = await readRun(h, runId);
    assert.equal(result.run.status, 'Cancelled');
    assert.equal((await h.engine.wait(childId)).status, 'Cancelled');
  });
});

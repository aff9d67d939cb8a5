// Inputs and outputs on the embedded engine: params from files, stdout and node return values;
// content-addressed artifacts; metrics; logs and their cap; the script and node runners.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeHarness, runToEnd, sh, workflow, type Harness } from '../harness.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'engine');

describe('embedded engine: inputs, outputs, artifacts, logs', () => {
  let h: Harness;
  before(async () => (h = await makeHarness({ logCapBytes: 1000 })));
  after(async () => h.close());

  it('reads typed outputs from files and rejects values of the wrong type', async () => {
    const ok = await runToEnd(
      h,
      workflow({
        tasks: [
          {
            name: 'write',
            ...sh('echo 7 > $TANDEM_OUTPUTS/count; echo true > $TANDEM_OUTPUTS/flag; echo "hello world" > $TANDEM_OUTPUTS/greeting; echo \'{"a":[1,2]}\' > $TANDEM_OUTPUTS/doc'),
            outputs: { count: { type: 'integer' }, flag: { type: 'boolean' }, greeting: {}, doc: { type: 'json' } },
          },
        ],
      }),
    );
    assert.equal(ok.run.status, 'Succeeded');
    assert.equal(ok.output('write', 'count'), 7);
    assert.equal(ok.output('write', 'flag'), true);
    assert.equal(ok.output('write', 'greeting'), 'hello world');
    assert.deepEqual(ok.output('write', 'doc'), { a: [1, 2] });

    const bad = await runToEnd(h, workflow({ tasks: [{ name: 'write', ...sh('echo abc > $TANDEM_OUTPUTS/count'), outputs: { count: { type: 'integer' } } }] }));
    assert.equal(bad.run.status, 'Failed');
    assert.match(bad.executions('write')[0]?.message ?? '', /output "count": expected integer, found "abc"/);
    const missing = await runToEnd(h, workflow({ tasks: [{ name: 'write', ...sh('true'), outputs: { count: { type: 'integer' } } }] }));
    assert.match(missing.executions('write')[0]?.message ?? '', /output "count": .*count was not written/);
  });

  it('picks a field of JSON printed on stdout after log lines', async () => {
    const result = await runToEnd(
      h,
      workflow({ tasks: [{ name: 'stats', ...sh('echo "computing..."; echo \'{"rows": 12, "cols": 3}\''), outputs: { rows: { type: 'integer', stdout: 'rows' } } }] }),
    );
    assert.equal(result.output('stats', 'rows'), 12);
  });

  it('stores file and directory artifacts by content and hands them to downstream tasks', async () => {
    const result = await runToEnd(
      h,
      workflow({
        tasks: [
          {
            name: 'produce',
            ...sh('printf "alpha beta" > $TANDEM_OUTPUTS/doc.txt; mkdir -p $TANDEM_OUTPUTS/set/sub; echo one > $TANDEM_OUTPUTS/set/a; echo two > $TANDEM_OUTPUTS/set/sub/b'),
            outputs: { doc: { type: 'artifact', path: 'doc.txt' }, set: { type: 'Dataset' } },
          },
          { name: 'measure', node: { module: join(fixtures, 'plain.mjs') }, inputs: { doc: '{{ tasks.produce.outputs.doc }}' }, outputs: { bytes: { type: 'integer' } } },
          { name: 'list', ...sh('cat "{{ inputs.set }}/a" "{{ inputs.set }}/sub/b"'), inputs: { set: '{{ tasks.produce.outputs.set }}' }, outputs: { text: { stdout: false, path: '/dev/null' } } },
        ],
      }),
    );
    assert.equal(result.run.status, 'Succeeded', result.run.message);
    const artifacts = await h.store.listArtifacts(result.run.id);
    const doc = artifacts.find((a) => a.name === 'doc')!;
    assert.equal(doc.digest, createHash('sha256').update('alpha beta').digest('hex'));
    assert.equal(doc.size, 10);
    assert.equal(doc.kind, 'file');
    assert.equal(readFileSync(doc.path, 'utf8'), 'alpha beta');
    const set = artifacts.find((a) => a.name === 'set')!;
    assert.equal(set.kind, 'directory');
    assert.equal(set.type, 'Dataset');
    assert.equal(set.size, 8);
    assert.equal(result.output('measure', 'bytes'), 10);
    let listed = '';
    for await (const chunk of h.engine.logs(result.run.id, 'list')) listed += chunk.text;
    assert.equal(listed, 'one\ntwo\n');
  });

  it('runs node tasks in TypeScript with typed inputs, return values and metrics', async () => {
    const result = await runToEnd(
      h,
      workflow({
        params: { n: { type: 'integer', default: 21 } },
        tasks: [
          { name: 'twice', node: { module: join(fixtures, 'tasks.ts'), export: 'double' }, inputs: { n: '{{ params.n }}' }, outputs: { doubled: { type: 'integer' }, kind: {} } },
          { name: 'fit', node: { module: join(fixtures, 'tasks.ts'), export: 'train' }, inputs: { epochs: 3 }, outputs: { loss: { type: 'number' } } },
        ],
      }),
    );
    assert.equal(result.run.status, 'Succeeded', result.run.message);
    assert.equal(result.output('twice', 'doubled'), 42);
    assert.equal(result.output('twice', 'kind'), 'number');
    assert.equal(result.output('fit', 'loss'), 0.125);
    const metrics = await h.store.listMetrics(result.run.id);
    assert.deepEqual(
      metrics.map((m) => [m.name, m.value, m.step]),
      [
        ['loss', 0.5, 1],
        ['loss', 0.25, 2],
        ['loss', 0.125, 3],
      ],
    );
  });

  it('reads metrics a process task appends to $TANDEM_METRICS, and fails the attempt on a malformed line', async () => {
    const result = await runToEnd(
      h,
      workflow({
        failFast: false,
        tasks: [
          { name: 'fit', ...sh('for s in 1 2; do echo "{\\"name\\": \\"acc\\", \\"value\\": 0.$((s + 7)), \\"step\\": $s}" >> "$TANDEM_METRICS"; done') },
          { name: 'garbled', ...sh('echo "accuracy=0.9" >> "$TANDEM_METRICS"') },
        ],
      }),
    );
    const metrics = await h.store.listMetrics(result.run.id);
    assert.deepEqual(
      metrics.filter((m) => m.task === 'fit').map((m) => [m.name, m.value, m.step]),
      [
        ['acc', 0.8, 1],
        ['acc', 0.9, 2],
      ],
    );
    assert.equal(result.status('garbled'), 'Failed');
    assert.match(result.message('garbled') ?? '', /metrics line 1 is not JSON/);
  });

  it('fails a node task whose function throws, or whose export is missing, with the reason in its log', async () => {
    const result = await runToEnd(
      h,
      workflow({
        failFast: false,
        tasks: [
          { name: 'boom', node: { module: join(fixtures, 'tasks.ts'), export: 'explode' } },
          { name: 'absent', node: { module: join(fixtures, 'tasks.ts'), export: 'nope' } },
        ],
      }),
    );
    assert.equal(result.status('boom'), 'Failed');
    let text = '';
    for await (const chunk of h.engine.logs(result.run.id)) text += chunk.text;
    assert.match(text, /the model diverged/);
    assert.match(text, /has no exported function "nope"/);
  });

  it('runs scripts with the interpreter asked for', async () => {
    const result = await runToEnd(
      h,
      workflow({
        tasks: [
          { name: 'js', script: { interpreter: 'node', source: 'console.log(JSON.stringify({ sum: {{ params.a }} + 1 }))' }, outputs: { sum: { type: 'integer', stdout: 'sum' } } },
          { name: 'shell', script: { source: 'echo "$1-$TANDEM_TASK"', args: ['arg'] }, outputs: { v: { stdout: false, path: '/dev/null' } } },
        ],
        params: { a: { type: 'integer', default: 4 } },
      }),
    );
    assert.equal(result.output('js', 'sum'), 5);
    let text = '';
    for await (const chunk of h.engine.logs(result.run.id, 'shell')) text += chunk.text;
    assert.equal(text, 'arg-shell\n');
  });

  it('caps each log stream and says how much was dropped', async () => {
    const result = await runToEnd(h, workflow({ tasks: [{ name: 'chatty', ...sh('head -c 5000 /dev/zero | tr "\\0" x') }] }));
    assert.equal(result.run.status, 'Succeeded');
    const attempt = result.executions('chatty')[0]!;
    const text = readFileSync(join(attempt.logDir!, 'stdout.log'), 'utf8');
    assert.ok(statSync(join(attempt.logDir!, 'stdout.log')).size < 1200);
    assert.match(text, /log capped at 1000 bytes; 4000 more bytes dropped/);
  });

  it('gives tasks their environment and runs them without a shell unless asked', async () => {
    const result = await runToEnd(
      h,
      workflow({
        tasks: [
          { name: 'literal', process: { command: '/bin/echo', args: ['$HOME', '*'] }, outputs: { v: { stdout: false, path: '/dev/null' } } },
          { name: 'shelled', process: { command: 'echo "$GREETING" | tr a-z A-Z', shell: true, env: { GREETING: 'hi {{ run.name }}' } } },
        ],
      }),
    );
    let literal = '';
    for await (const chunk of h.engine.logs(result.run.id, 'literal')) literal += chunk.text;
    assert.equal(literal, '$HOME *\n');
    let shelled = '';
    for await (const chunk of h.engine.logs(result.run.id, 'shelled')) shelled += chunk.text;
    assert.equal(shelled, 'HI TEST\n');
  });
});

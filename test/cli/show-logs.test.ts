// `tandem show` of a forEach run groups the iterations (a summary row and the ones that did not
// succeed; --iterations lists all), and `tandem logs` prints iterations in index order and a header
// for every attempt when a task has several. In process, real runs against a real store.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { defaultServices } from '../../src/cli/runtime.js';
import { captureIo } from '../helpers/cli-io.js';

describe('tandem show and tandem logs: iterations and attempts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-show-logs-'));
  const home = join(dir, 'home');
  let fanRun = '';
  let flakyRun = '';
  const cli = async (...argv: string[]) => {
    const c = captureIo(dir);
    const code = await main(['--home', home, ...argv], { io: c.io, services: defaultServices });
    return { code, out: c.out(), err: c.err() };
  };
  const runId = async (file: string): Promise<string> => {
    const result = await cli('run', file, '--json');
    return (JSON.parse(result.out) as { id: string }).id;
  };

  before(async () => {
    writeFileSync(
      join(dir, 'fan.yaml'),
      [
        'name: fan',
        'failFast: false',
        'tasks:',
        '  - name: parse',
        '    forEach: { count: 12 }',
        '    process: { command: /bin/sh, args: [-c, "echo {{ item }}; [ {{ item }} != 3 ] && [ {{ item }} != 10 ]"] }',
        '    outputs:',
        '      n: { type: integer, stdout: true }',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'flaky.yaml'),
      [
        'name: flaky',
        'tasks:',
        '  - name: once',
        '    process: { command: /bin/echo, args: [just once] }',
        '  - name: twice',
        '    retry: { limit: 1 }',
        '    process: { command: /bin/sh, args: [-c, "echo try $TANDEM_ATTEMPT; [ $TANDEM_ATTEMPT = 2 ]"] }',
        '',
      ].join('\n'),
    );
    fanRun = await runId('fan.yaml');
    flakyRun = await runId('flaky.yaml');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('show groups a forEach: one summary row, the iterations that failed, and no row per success', async () => {
    const show = await cli('show', fanRun);
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /^ {4}parse\[0\.\.11\] +12 iterations +12 +10 Succeeded, 2 Failed$/m);
    const failed = show.out.split('\n').filter((line) => /^ {4}parse\[\d+\] /.test(line));
    assert.deepEqual(failed.map((line) => line.trim().split(/\s+/).slice(0, 2)), [['parse[3]', 'Failed'], ['parse[10]', 'Failed']]);
    assert.doesNotMatch(show.out, /parse\[5\]/);
    // Task outputs: the first iterations' only, and a line for the rest.
    assert.match(show.out, /^ {2}parse\[0\]\.n = 0$/m);
    assert.match(show.out, /^ {2}… and \d+ more iterations of parse: tandem show \S+ --iterations$/m);

    const all = await cli('show', fanRun, '--iterations');
    const rows = all.out.split('\n').filter((line) => /^ {4}parse\[\d+\] /.test(line)).map((line) => line.trim().split(/\s+/)[0]);
    assert.deepEqual(rows, Array.from({ length: 12 }, (_, i) => `parse[${i}]`));
    assert.match(all.out, /^ {2}parse\[11\]\.n = 11$/m);
    assert.doesNotMatch(all.out, /more iterations of parse/);
    const json = JSON.parse((await cli('show', fanRun, '--json')).out) as { tasks: Array<{ task: string }> };
    assert.equal(json.tasks.filter((t) => t.task.startsWith('parse[')).length, 12, '--json keeps every iteration');
  });

  it('logs print a forEach in index order: parse[2] before parse[10]', async () => {
    const logs = await cli('logs', fanRun, 'parse');
    assert.equal(logs.code, 0, logs.err);
    const headers = [...logs.out.matchAll(/^==> (parse\[\d+\]) \(attempt 1\) <==$/gm)].map((m) => m[1]);
    assert.deepEqual(headers, Array.from({ length: 12 }, (_, i) => `parse[${i}]`));
    assert.match(logs.out, /==> parse\[2\] \(attempt 1\) <==\n2\n/);
  });

  it('logs of one task with several attempts put a header over each; a single attempt prints bare', async () => {
    const twice = await cli('logs', flakyRun, 'twice');
    assert.equal(twice.code, 0, twice.err);
    assert.equal(twice.out, '==> twice (attempt 1) <==\ntry 1\n==> twice (attempt 2) <==\ntry 2\n');
    const once = await cli('logs', flakyRun, 'once');
    assert.equal(once.out, 'just once\n');
    const every = await cli('logs', flakyRun);
    assert.deepEqual([...every.out.matchAll(/^==> (.*) <==$/gm)].map((m) => m[1]), ['once (attempt 1)', 'twice (attempt 1)', 'twice (attempt 2)']);
  });
});

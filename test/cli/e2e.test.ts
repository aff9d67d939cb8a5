// The CLI end to end: the built `tandem` binary in real child processes, against a real data dir.
// `npm test` builds dist/ first; run `npm run build` before running this file alone.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tandem.js');

describe('tandem CLI, end to end', () => {
  let dir: string;
  const tandem = (...args: string[]) => spawnSync(process.execPath, [BIN, '--home', join(dir, 'home'), ...args], { cwd: dir, encoding: 'utf8' });

  before(() => {
    assert.ok(existsSync(join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js')), 'run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
    writeFileSync(
      join(dir, 'ok.yaml'),
      ['name: cli-ok', 'params:', '  who: { type: string, default: world }', 'tasks:', '  - name: hello', '    process: { command: /bin/echo, args: ["hello {{ params.who }}"] }', ''].join('\n'),
    );
    writeFileSync(join(dir, 'fail.yaml'), ['name: cli-fail', 'tasks:', '  - name: bad', '    process: { command: /bin/false }', ''].join('\n'));
    writeFileSync(join(dir, 'slow.yaml'), ['name: cli-slow', 'tasks:', '  - name: nap', '    process: { command: /bin/sleep, args: ["30"] }', 'finally:', '  - name: tidy', '    process: { command: /bin/true }', ''].join('\n'));
    writeFileSync(join(dir, 'broken.yaml'), ['name: cli-broken', 'tasks:', '  - name: a', '    process: { comand: /bin/true }', ''].join('\n'));
    writeFileSync(
      join(dir, 'tangled.yaml'),
      ['name: cli-tangled', 'tasks:', '  - name: a', '    dependsOn: [b]', '    process: { command: /bin/true }', '  - name: b', '    dependsOn: [a, nope]', '    process: { command: /bin/true }', ''].join('\n'),
    );
    writeFileSync(join(dir, 'garbage.yaml'), 'name: [unclosed\n  tasks: {\n');
    writeFileSync(
      join(dir, 'resumable.yaml'),
      [
        'name: cli-resumable',
        'tasks:',
        '  - name: first',
        '    process: { command: /bin/sh, args: [-c, "echo once >> first.count"] }',
        '  - name: second',
        '    dependsOn: [first]',
        '    retry: { limit: 1 }',
        '    process: { command: /bin/sh, args: [-c, "echo tick; while [ ! -e release ]; do sleep 0.05; done; echo done"] }',
        '',
      ].join('\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a workflow: exit 0, plain progress lines, and the run is listed with its output in the logs', () => {
    const run = tandem('run', 'ok.yaml', '-p', 'who=tandem');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /hello Succeeded/);
    const runs = JSON.parse(tandem('runs', '--json').stdout) as Array<{ id: string; status: string; workflow: string }>;
    const mine = runs.find((r) => r.workflow === 'cli-ok');
    assert.equal(mine?.status, 'Succeeded');
    const logs = tandem('logs', mine!.id, 'hello');
    assert.equal(logs.status, 0);
    assert.match(logs.stdout, /hello tandem/);
    const show = JSON.parse(tandem('show', mine!.id, '--json').stdout) as { params: Record<string, unknown> };
    assert.deepEqual(show.params, { who: 'tandem' });
  });

  it('exits 1 when the run fails, 2 on a bad param, 3 for an unknown run', () => {
    assert.equal(tandem('run', 'fail.yaml').status, 1);
    const badParam = tandem('run', 'ok.yaml', '-p', 'nobody=1');
    assert.equal(badParam.status, 2);
    assert.match(badParam.stderr, /nobody/);
    assert.equal(tandem('show', 'no-such-run').status, 3);
  });

  it('validates: every problem with file, line:column and path, exit 2, never a stack trace', () => {
    const result = tandem('validate', 'broken.yaml', 'tangled.yaml', 'garbage.yaml', 'ok.yaml');
    assert.equal(result.status, 2);
    const text = result.stdout + result.stderr;
    assert.match(text, /broken\.yaml:4:\d+ \/tasks\/0\/process.*comand/);
    assert.match(text, /tangled\.yaml:7:\d+ \/tasks\/1\/dependsOn\/1.*nope/);
    assert.match(text, /tangled\.yaml.*cycle.*a -> b -> a|tangled\.yaml.*cycle.*b -> a -> b/);
    assert.match(text, /1 valid, 3 invalid/);
    assert.match(text, /garbage\.yaml:\d+:\d+/);
    assert.doesNotMatch(text, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
  });

  it('cancels a run executed by another tandem process; its finally task still runs', async () => {
    const runner = spawn(process.execPath, [BIN, '--home', join(dir, 'home'), 'run', 'slow.yaml'], { cwd: dir });
    let output = '';
    runner.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const runId = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no run started: ${output}`)), 60_000);
      runner.stdout.on('data', () => {
        const match = /run (\S+) Running/.exec(output);
        if (match && /nap Running/.test(output)) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const cancel = tandem('cancel', runId);
    assert.equal(cancel.status, 0, cancel.stderr);
    const code = await new Promise<number | null>((resolve) => runner.on('exit', resolve));
    assert.equal(code, 1, 'a cancelled run exits 1');
    const show = JSON.parse(tandem('show', runId, '--json').stdout) as { status: string; tasks: Array<{ task: string; status: string }> };
    assert.equal(show.status, 'Cancelled');
    assert.match(JSON.stringify(show.tasks), /"tidy"/);
    // A run that already finished is left as it is, and said so with its own exit code (the API's 409).
    const again = tandem('cancel', runId);
    assert.equal(again.status, 5, again.stderr);
    assert.equal(again.stderr.trim(), `error: run ${runId} already finished (Cancelled); nothing to cancel`);
  });

  it('follows the logs of a running run, and resumes it after the process running it is killed', async () => {
    const runner = spawn(process.execPath, [BIN, '--home', join(dir, 'home'), 'run', 'resumable.yaml'], { cwd: dir });
    let output = '';
    runner.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const runId = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`second never ran: ${output}`)), 60_000);
      runner.stdout.on('data', () => {
        const match = /run (\S+) Running/.exec(output);
        if (match && /second Running/.test(output)) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const follower = spawn(process.execPath, [BIN, '--home', join(dir, 'home'), 'logs', runId, 'second', '--follow'], { cwd: dir });
    let followed = '';
    follower.stdout.on('data', (chunk: Buffer) => (followed += chunk.toString()));
    const followerDone = new Promise<number | null>((resolve) => follower.on('exit', resolve));

    // Crash in the middle of `second` (it waits for `release`), once `first` is on record. Its
    // spawner helper outlives the CLI, so the resume adopts it rather than running it again.
    await new Promise((resolve) => setTimeout(resolve, 300));
    runner.kill('SIGKILL');
    await new Promise((resolve) => runner.on('exit', resolve));
    writeFileSync(join(dir, 'release'), '');
    const resume = tandem('resume', runId);
    assert.equal(resume.status, 0, resume.stderr + resume.stdout);
    const show = JSON.parse(tandem('show', runId, '--json').stdout) as { status: string };
    assert.equal(show.status, 'Succeeded');
    assert.equal(readFileSync(join(dir, 'first.count'), 'utf8'), 'once\n', 'the finished task did not run again');
    assert.equal(await followerDone, 0, 'logs --follow ends when the run ends');
    assert.match(followed, /tick/);
    assert.match(followed, /done/, 'it followed the adopted attempt to its end');
    assert.equal(followed.match(/tick/g)?.length, 1, 'the adopted attempt was not run again');
  });
});

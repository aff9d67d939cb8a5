// A task's environment on the embedded engine, with either spawner helper: exactly the minimal
// base, the names in inheritEnv, the runner's env and the TANDEM_* task variables; nothing else
// of the engine's environment (where tandem serve keeps its tokens and secrets), for process,
// script and node tasks alike.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { BASE_ENV, taskEnvironment } from '../../../src/engines/local/runners/task-env.js';
import { perlAvailable, SpawnerPool } from '../../../src/engines/local/spawner/pool.js';
import { makeHarness, runToEnd, workflow, type Harness } from '../harness.js';
import { suiteRequires } from '../../helpers/skip.js';

const SECRET = 'engine-secret-3c9d1e7a';
const INHERITED = 'passed-through-5b2f';
const TASK_VARIABLES = ['TANDEM_ATTEMPT', 'TANDEM_INPUTS', 'TANDEM_METRICS', 'TANDEM_OUTPUTS', 'TANDEM_RUN_ID', 'TANDEM_TASK'];
const PRINT_ENV = 'process.stdout.write(JSON.stringify(process.env))';

const saved = new Map<string, string | undefined>();
function setEnv(name: string, value: string | undefined): void {
  if (!saved.has(name)) saved.set(name, process.env[name]);
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

const dir = mkdtempSync(join(tmpdir(), 'tandem-task-env-'));
const moduleFile = join(dir, 'env.mjs');
writeFileSync(moduleFile, 'export default () => ({ names: Object.keys(process.env).sort().join(","), secret: process.env.SECRET_X_TASK_ENV ?? "absent" });\n');

before(() => {
  // What a server's environment holds besides what tasks need: a secret, tandem settings, a Node option.
  setEnv('SECRET_X_TASK_ENV', SECRET);
  setEnv('TANDEM_CONCURRENCY_UNUSED_BY_TEST', SECRET);
  setEnv('TASK_ENV_INHERITED', INHERITED);
  setEnv('TASK_ENV_NEVER_SET', undefined);
});
after(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The names the task is expected to see: the base ones this process has, plus the given ones. */
function expectedNames(...extra: string[]): string[] {
  return [...BASE_ENV.filter((name) => process.env[name] !== undefined), ...TASK_VARIABLES, ...extra].sort();
}

const kinds: Array<'perl' | 'node'> = perlAvailable() ? ['perl', 'node'] : ['node'];
// Without perl only the Node.js helper is tested here, loudly; under CI=true that is a failure.
suiteRequires('task environment tests of the perl helper', perlAvailable() ? undefined : 'perl is not installed', 'install perl-base (apt-get install perl-base); .ci/run does');

for (const kind of kinds) {
  void describe(`task environment (${kind} spawner)`, () => {
    let h: Harness;
    beforeEach(async () => (h = await makeHarness({ spawner: kind })));
    afterEach(async () => h.close());

    void it('gives a process task the base, its env, exactly the inherited names that are set, and the task variables', async () => {
      const spec = workflow({
        params: { p: { type: 'string', default: 'x' } },
        tasks: [
          {
            name: 'dump',
            process: {
              command: process.execPath,
              args: ['-e', PRINT_ENV],
              env: { DECLARED: 'v-{{ params.p }}', TANDEM_TASK: 'overridden?' },
              inheritEnv: ['TASK_ENV_INHERITED', 'TASK_ENV_NEVER_SET'],
            },
            outputs: { env: { type: 'json', stdout: true } },
          },
          { name: 'bare', process: { command: process.execPath, args: ['-e', PRINT_ENV] }, outputs: { env: { type: 'json', stdout: true } } },
        ],
      });
      const result = await runToEnd(h, spec);
      assert.equal(result.run.status, 'Succeeded', result.run.message);
      const env = result.output('dump', 'env') as Record<string, string>;
      assert.deepEqual(Object.keys(env).sort(), expectedNames('DECLARED', 'TASK_ENV_INHERITED'));
      assert.equal(env.TASK_ENV_INHERITED, INHERITED);
      assert.equal(env.DECLARED, 'v-x');
      assert.equal(env.TANDEM_TASK, 'dump', 'the task variables win over env');
      assert.equal(env.TANDEM_RUN_ID, result.run.id);
      assert.equal(env.PATH, process.env.PATH);
      const bare = result.output('bare', 'env') as Record<string, string>;
      assert.deepEqual(Object.keys(bare).sort(), expectedNames(), 'without inheritEnv nothing is inherited');
      assert.ok(!JSON.stringify([env, bare]).includes(SECRET));
    });

    void it('keeps the engine environment out of script and node tasks and their logs', async () => {
      const spec = workflow({
        tasks: [
          { name: 'printenv', script: { source: 'env; echo "secret=${SECRET_X_TASK_ENV:-absent}"' } },
          { name: 'node', node: { module: moduleFile, inheritEnv: ['TASK_ENV_INHERITED'] }, outputs: { names: {}, secret: {} } },
        ],
      });
      const result = await runToEnd(h, spec);
      assert.equal(result.run.status, 'Succeeded', result.run.message);
      let logs = '';
      for await (const chunk of h.engine.logs(result.run.id)) logs += chunk.text;
      assert.match(logs, /TANDEM_RUN_ID=/, 'the log holds the environment the script printed');
      assert.match(logs, /secret=absent/);
      assert.ok(!logs.includes(SECRET), 'no secret of the engine in the logs');
      assert.equal(result.output('node', 'secret'), 'absent');
      assert.deepEqual(String(result.output('node', 'names')).split(','), expectedNames('TASK_ENV_INHERITED'));
    });
  });
}

for (const kind of kinds) {
  void it(`the ${kind} spawner helper gives a child exactly the environment its request carries`, async () => {
    const pool = new SpawnerPool(1, kind);
    try {
      const attempt = join(dir, `helper-${kind}`);
      const request = { command: process.execPath, args: ['-e', PRINT_ENV], cwd: dir, env: { ONLY: 'this', 'WITH SPACE': 'a\tb' }, dir: attempt, stdoutFile: join(attempt, 'out'), stderrFile: join(attempt, 'err'), logCap: 100_000 };
      const outcome = await pool.spawn(request, () => undefined);
      assert.equal(outcome.exitCode, 0);
      assert.deepEqual(JSON.parse(readFileSync(request.stdoutFile, 'utf8')), { ONLY: 'this', 'WITH SPACE': 'a\tb' }, 'nothing of the helper (the engine) is kept');
    } finally {
      pool.close();
    }
  });
}

for (const kind of kinds) {
  void it(`the ${kind} spawner helper itself holds no secret a task could read from its parent`, async () => {
    const pool = new SpawnerPool(1, kind);
    try {
      const attempt = join(dir, `parent-${kind}`);
      // A task may read /proc/<parent>/environ (same user): the parent is the helper.
      const request = { command: '/bin/sh', args: ['-c', 'tr "\\0" "\\n" < /proc/$PPID/environ'], cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, dir: attempt, stdoutFile: join(attempt, 'out'), stderrFile: join(attempt, 'err'), logCap: 100_000 };
      const outcome = await pool.spawn(request, () => undefined);
      assert.equal(outcome.exitCode, 0);
      const parentEnv = readFileSync(request.stdoutFile, 'utf8').split('\n').filter(Boolean);
      assert.deepEqual(parentEnv.map((line) => line.split('=')[0]).sort(), process.env.PATH !== undefined ? ['PATH'] : []);
      assert.ok(!parentEnv.join('\n').includes(SECRET));
    } finally {
      pool.close();
    }
  });
}

void describe('taskEnvironment', () => {
  void it('layers base < inherited < declared < task variables, and leaves out everything else', () => {
    const source = { PATH: '/bin', HOME: '/h', LC_ALL: 'C', LC_BOGUS: 'no', SECRET: 's', NODE_OPTIONS: '--x', TANDEM_HOME: '/t', A: 'a', B: 'b' };
    const env = taskEnvironment({ declared: { B: 'declared', HOME: '/declared' }, inherit: ['A', 'B', 'MISSING'], task: { TANDEM_TASK: 't', B: 'task' } }, source);
    assert.deepEqual(env, { PATH: '/bin', HOME: '/declared', LC_ALL: 'C', A: 'a', B: 'task', TANDEM_TASK: 't' });
  });
});

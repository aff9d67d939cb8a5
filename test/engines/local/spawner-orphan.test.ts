// A spawner helper whose engine died: it starts nothing the engine had asked for and not yet seen
// started, sees the tasks it did start to their end, records them, and exits. Also: the records
// it writes in each attempt folder (process.started, process.exit), and that a folder holding an
// execution already is refused. Both helpers, since the engine picks whichever the machine runs.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { isSameProcessAlive, readExit, readStarted } from '../../../src/engines/local/attempt-records.js';
import { perlAvailable, SpawnerPool, type SpawnRequest } from '../../../src/engines/local/spawner/pool.js';
import { encodeRequest } from '../../../src/engines/local/spawner/protocol.js';
import { suiteRequires } from '../../helpers/skip.js';

const kinds: Array<'perl' | 'node'> = perlAvailable() ? ['perl', 'node'] : ['node'];
// Without perl only the Node.js helper is tested here, loudly; under CI=true that is a failure.
suiteRequires('spawner-orphan tests of the perl helper', perlAvailable() ? undefined : 'perl is not installed', 'install perl-base (apt-get install perl-base); .ci/run does');

const HELPERS = {
  perl: ['perl', fileURLToPath(new URL('../../../src/engines/local/spawner/helper.pl', import.meta.url))],
  node: [process.execPath, fileURLToPath(new URL('../../../src/engines/local/spawner/helper.js', import.meta.url))],
} as const;

// A stand-in for the engine: starts the helper as the pool does (detached, its own pid as the
// argument), passes each line it reads on to the helper and says `sent` once it is in the pipe,
// and prints the helper's replies.
const FAKE_ENGINE = `
const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');
const helper = spawn(process.env.HELPER_CMD, [process.env.HELPER_SCRIPT, String(process.pid)], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
console.log('helper ' + helper.pid);
createInterface({ input: helper.stdout }).on('line', (line) => console.log('reply ' + line));
createInterface({ input: process.stdin }).on('line', (line) => helper.stdin.write(line + '\\n', () => console.log('sent')));
`;

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

class FakeEngine {
  readonly lines: string[] = [];
  readonly proc: ChildProcess;
  readonly exited: Promise<void>;
  constructor(kind: 'perl' | 'node') {
    const [cmd, script] = HELPERS[kind];
    this.proc = spawn(process.execPath, ['-e', FAKE_ENGINE], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, HELPER_CMD: cmd, HELPER_SCRIPT: script } });
    createInterface({ input: this.proc.stdout! }).on('line', (line) => this.lines.push(line));
    this.exited = new Promise((resolve) => this.proc.once('exit', () => resolve()));
  }
  async helperPid(): Promise<number> {
    await until(() => this.lines.some((l) => l.startsWith('helper ')), 'the fake engine to start its helper');
    return Number(this.lines.find((l) => l.startsWith('helper '))!.split(' ')[1]);
  }
  async send(id: number, request: SpawnRequest): Promise<void> {
    const sent = this.lines.filter((l) => l === 'sent').length;
    this.proc.stdin!.write(encodeRequest(id, request));
    await until(() => this.lines.filter((l) => l === 'sent').length > sent, `request ${id} to be in the helper's pipe`);
  }
  reply(kind: 's' | 'e', id: number): string | undefined {
    return this.lines.find((l) => l.startsWith(`reply ${kind} ${id} `))?.slice('reply '.length);
  }
}

for (const kind of kinds) {
  describe(`spawner helper (${kind}) without its engine`, () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'tandem-orphan-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const request = (name: string, script: string): SpawnRequest => {
      const attempt = join(dir, name);
      return { command: '/bin/sh', args: ['-c', script], cwd: dir, env: {}, dir: attempt, stdoutFile: join(attempt, 'stdout.log'), stderrFile: join(attempt, 'stderr.log'), logCap: 1000 };
    };

    it('starts nothing its dead engine asked for, finishes and records what it had started, then exits', async () => {
      const engine = new FakeEngine(kind);
      const helper = await engine.helperPid();
      // Through the same pipe first: a task runs and is recorded (so the checks below can fail).
      await engine.send(1, request('first', `echo ran > ${join(dir, 'first.marker')}`));
      await until(() => engine.reply('e', 1) !== undefined, 'the first task to end');
      assert.equal(readFileSync(join(dir, 'first.marker'), 'utf8'), 'ran\n');
      // A task that is still running when the engine dies: it ends only when `go` exists.
      await engine.send(2, request('running', `while [ ! -e ${join(dir, 'go')} ]; do sleep 0.02; done; echo late > ${join(dir, 'running.marker')}`));
      await until(() => engine.reply('s', 2) !== undefined, 'the running task to start');

      // The helper is stopped while the engine writes more requests and dies: when it goes on,
      // those requests are in its pipe, and its engine is gone.
      process.kill(helper, 'SIGSTOP');
      const late = [3, 4, 5, 6, 7];
      for (const id of late) await engine.send(id, request(`late${id}`, `echo ran > ${join(dir, `late${id}.marker`)}`));
      engine.proc.kill('SIGKILL');
      await engine.exited;
      process.kill(helper, 'SIGCONT');

      writeFileSync(join(dir, 'go'), '');
      await until(() => !isSameProcessAlive(helper, undefined), 'the orphaned helper to exit once its task ended');
      assert.equal(readFileSync(join(dir, 'running.marker'), 'utf8'), 'late\n', 'the task it had started ran to its end');
      assert.deepEqual(readExit(join(dir, 'running')) && { ...readExit(join(dir, 'running'))!, time: 0 }, { exitCode: 0, signal: 0, truncated: false, time: 0 });
      for (const id of late) {
        assert.equal(existsSync(join(dir, `late${id}.marker`)), false, `request ${id} was not started`);
        assert.equal(readStarted(join(dir, `late${id}`)), undefined, `request ${id} has no process`);
      }
    });

    it('records the process it started and its end, each file whole', async () => {
      const pool = new SpawnerPool(1, kind);
      try {
        const req = request('records', 'exit 3');
        let pid = 0;
        const outcome = await pool.spawn(req, (p) => (pid = p));
        assert.equal(outcome.exitCode, 3);
        const started = readStarted(req.dir);
        assert.ok(started, 'process.started was written');
        assert.equal(started.pid, pid, 'it names the pid the engine was told');
        assert.ok(started.helper > 0 && started.helper !== process.pid, 'and the helper that supervises it');
        if (existsSync('/proc/self/stat')) {
          assert.match(started.start ?? '', /^[0-9]+$/, 'with the start time from /proc');
          assert.equal(isSameProcessAlive(started.helper, started.helperStart), true, 'the helper start time matches the live helper');
          assert.equal(isSameProcessAlive(started.helper, `${Number(started.helperStart) + 1}`), false, 'a different start time is a different process');
        }
        assert.deepEqual({ ...readExit(req.dir)!, time: 0 }, { exitCode: 3, signal: 0, truncated: false, time: 0 });
        assert.deepEqual(
          readdirSync(req.dir).filter((name) => name.endsWith('.tmp')),
          [],
          'no temporary file is left',
        );
      } finally {
        pool.close();
      }
    });

    it('refuses to start a second execution in a folder that has one', async () => {
      const pool = new SpawnerPool(1, kind);
      try {
        const req = request('twice', `echo x >> ${join(dir, 'twice.marker')}`);
        await pool.spawn(req, () => undefined);
        await assert.rejects(pool.spawn(req, () => undefined), /EEXIST/);
        assert.equal(readFileSync(join(dir, 'twice.marker'), 'utf8'), 'x\n', 'it ran once');
      } finally {
        pool.close();
      }
    });
  });
}

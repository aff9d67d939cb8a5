// The spawner helpers' shared contract: helper.pl and helper.js must behave the same, since the
// engine picks whichever the machine can run.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { perlAvailable, SpawnerPool, SpawnFailedError, type SpawnRequest } from '../../../src/engines/local/spawner/pool.js';
import { suiteRequires } from '../../helpers/skip.js';
import { pidAlive } from '../harness.js';

// The Node.js helper runs everywhere; the Perl one needs perl with POSIX and IO::Select (Debian's
// perl-base), which CI has: without them its block is skipped loudly, and fails under CI=true.
const needs = (kind: 'perl' | 'node', suite: string) =>
  kind === 'perl' ? suiteRequires(suite, perlAvailable() ? undefined : 'perl (with POSIX and IO::Select) is not installed', 'install perl-base') : {};

for (const kind of ['perl', 'node'] as const) {
  const suite = `spawner helper: ${kind}`;
  describe(suite, needs(kind, suite), () => {
    let dir: string;
    let pool: SpawnerPool;
    let seq = 0;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'tandem-spawner-'));
      pool = new SpawnerPool(2, kind);
    });
    after(() => {
      pool.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const request = (command: string, args: string[], extra: Partial<SpawnRequest> = {}): SpawnRequest => {
      const attempt = join(dir, `a${seq++}`, 'deeper');
      return { command, args, cwd: dir, env: {}, dir: attempt, stdoutFile: join(attempt, 'stdout.log'), stderrFile: join(attempt, 'stderr.log'), logCap: 1000, ...extra };
    };

    it(`is the ${kind} helper`, () => assert.equal(pool.kind, kind));

    it('reports the exit code, the pid, and separates stdout from stderr; args and env pass through untouched', async () => {
      const req = request('/bin/sh', ['-c', 'printf "out %s %s\\n" "$1" "$GREETING"; echo err >&2; exit 7', 'sh', 'a\tb\\c d'], { env: { GREETING: 'line1\nline2' } });
      let pid = 0;
      const outcome = await pool.spawn(req, (p) => (pid = p));
      assert.deepEqual(outcome, { exitCode: 7, signal: null, truncated: false });
      assert.ok(pid > 0);
      assert.equal(readFileSync(req.stdoutFile, 'utf8'), 'out a\tb\\c d line1\nline2\n');
      assert.equal(readFileSync(req.stderrFile, 'utf8'), 'err\n');
    });

    it('runs in the working directory asked for, and creates no log file for a silent task', async () => {
      const req = request('/bin/sh', ['-c', 'pwd > "$0"', join(dir, `pwd-${kind}`)], { cwd: '/tmp' });
      await pool.spawn(req, () => undefined);
      assert.equal(readFileSync(join(dir, `pwd-${kind}`), 'utf8'), '/tmp\n');
      assert.ok(existsSync(req.dir), 'the attempt directory exists');
      assert.equal(existsSync(req.stdoutFile), false);
    });

    it('caps the log and reports how much it dropped', async () => {
      const req = request('/bin/sh', ['-c', 'head -c 5000 /dev/zero | tr "\\0" y']);
      const outcome = await pool.spawn(req, () => undefined);
      assert.equal(outcome.truncated, true);
      const text = readFileSync(req.stdoutFile, 'utf8');
      assert.equal(text.indexOf('[tandem'), 1001);
      assert.match(text, /log capped at 1000 bytes; 4000 more bytes dropped/);
    });

    it('rejects with the errno name when the command cannot be started', async () => {
      await assert.rejects(pool.spawn(request('/no/such/program', []), () => undefined), (error: unknown) => {
        assert.ok(error instanceof SpawnFailedError);
        assert.match(error.message, /^ENOENT/);
        return true;
      });
    });

    it('puts the task in its own process group and reports the signal that ended it', async () => {
      const req = request('/bin/sh', ['-c', 'sleep 30 & echo $! > child; sleep 30']);
      req.cwd = req.dir.replace(/\/deeper$/, '');
      let pid = 0;
      const done = pool.spawn(req, (p) => (pid = p));
      // Signalled once the shell has written its child's pid (not after a fixed delay, which a
      // loaded machine can outlast before the shell even ran).
      const childFile = join(req.cwd, 'child');
      const deadline = Date.now() + 60_000;
      while (!(pid > 0 && existsSync(childFile) && readFileSync(childFile, 'utf8').endsWith('\n')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(pid > 0 && existsSync(childFile), 'the task never started its background child');
      process.kill(-pid, 'SIGTERM');
      const outcome = await done;
      assert.equal(outcome.signal, 'SIGTERM');
      assert.equal(outcome.exitCode, null);
      const child = Number(readFileSync(childFile, 'utf8'));
      while (pidAlive(child) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(pidAlive(child), false);
    });

    it('runs many tasks at once and matches every reply to its request', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, i) => pool.spawn(request('/bin/sh', ['-c', `exit ${i % 5}`]), () => undefined)),
      );
      assert.deepEqual(
        outcomes.map((o) => o.exitCode),
        Array.from({ length: 40 }, (_, i) => i % 5),
      );
    });
  });
}

// Long commands and arguments, through both helpers. A process task whose command was 70 kB long
// once deadlocked the perl helper for ever, leaving it and its forked child behind: exec failed
// (ENAMETOOLONG) and perl's "Can't exec <command>" warning, longer than a pipe holds (64 KiB),
// blocked the child on the task's stderr pipe, which the helper reads only once exec succeeded.
// The Node.js helper died instead, on spawn throwing. Both must report such a command as one that
// cannot start and keep serving; arguments across the sizes that matter must arrive whole.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { perlAvailable, SpawnerPool, SpawnFailedError, type SpawnRequest } from '../../../src/engines/local/spawner/pool.js';
import { suiteRequires } from '../../helpers/skip.js';

const kinds: Array<'perl' | 'node'> = ['perl', 'node'];

for (const kind of kinds) {
  const suite = `spawner helper ${kind}: long requests`;
  // The Perl helper needs perl: without it the block is skipped loudly, and fails under CI=true.
  const needs = kind === 'perl' ? suiteRequires(suite, perlAvailable() ? undefined : 'perl is not installed', 'install perl-base (apt-get install perl-base); .ci/run does') : {};
  describe(suite, needs, () => {
    let dir: string;
    let pool: SpawnerPool;
    let seq = 0;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'tandem-spawner-long-'));
      pool = new SpawnerPool(2, kind);
    });
    after(() => {
      pool.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const request = (command: string, args: string[], env: Record<string, string> = {}): SpawnRequest => {
      const attempt = join(dir, `a${seq++}`);
      return { command, args, cwd: dir, env, dir: attempt, stdoutFile: join(attempt, 'stdout.log'), stderrFile: join(attempt, 'stderr.log'), logCap: 1 << 20 };
    };

    for (const size of [60_000, 70_000, 200_000, 120_000]) {
      // A deadlock shows as this test's timeout: generous, it is no measure of speed.
      it(`passes a ${size}-character argument through whole`, { timeout: 60_000 }, async () => {
        // 200 kB in one argument is over Linux's MAX_ARG_STRLEN (128 KiB): split it over two.
        const half = 'x'.repeat(size > 128_000 ? size / 2 : size);
        const args = size > 128_000 ? [half, half] : [half];
        const req = request('/bin/sh', ['-c', 'for a in "$@"; do printf %s "$a" | wc -c; done', 'sh', ...args]);
        const outcome = await pool.spawn(req, () => undefined);
        assert.deepEqual(outcome, { exitCode: 0, signal: null, truncated: false });
        const counts = readFileSync(req.stdoutFile, 'utf8').trim().split(/\s+/).map(Number);
        assert.deepEqual(counts, args.map((a) => a.length));
      });
    }

    for (const [what, command, args, errno] of [
      ['a 70 kB command name', 'c'.repeat(70_000), [], /^ENAMETOOLONG/],
      ['a 70 kB command path', `/${'p'.repeat(70_000)}`, [], /^ENAMETOOLONG/],
      ['a 200 kB argument (over Linux\'s 128 KiB per argument)', '/bin/echo', ['a'.repeat(200_000)], /^E2BIG/],
    ] as const) {
      it(`reports ${what} as a command that cannot start, and keeps serving`, { timeout: 60_000 }, async () => {
        await assert.rejects(pool.spawn(request(command, [...args]), () => undefined), (error: unknown) => {
          assert.ok(error instanceof SpawnFailedError, String(error));
          assert.match(error.message, errno);
          assert.equal(error.retryable, false, 'the helper did not die: the same command would fail the same way');
          assert.ok(error.message.length < 1000, 'the message does not quote the command whole');
          return true;
        });
        const after = request('/bin/echo', ['still', 'serving']);
        assert.equal((await pool.spawn(after, () => undefined)).exitCode, 0);
        assert.equal(readFileSync(after.stdoutFile, 'utf8'), 'still serving\n');
      });
    }

    it('keeps serving short requests after a long one, tab and newline escapes included', { timeout: 60_000 }, async () => {
      const long = 'a\tb\\n\n'.repeat(15_000); // 90 kB once escaped: over one pipe's worth
      const first = request('/bin/sh', ['-c', 'printf %s "$LONG" | wc -c; printf %s "$1"', 'sh', 'tail'], { LONG: long });
      const second = request('/bin/echo', ['short']);
      const [a, b] = await Promise.all([pool.spawn(first, () => undefined), pool.spawn(second, () => undefined)]);
      assert.equal(a.exitCode, 0);
      assert.equal(b.exitCode, 0);
      assert.equal(readFileSync(first.stdoutFile, 'utf8'), `${Buffer.byteLength(long)}\ntail`);
      assert.equal(readFileSync(second.stdoutFile, 'utf8'), 'short\n');
    });
  });
}

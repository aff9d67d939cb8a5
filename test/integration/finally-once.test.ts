// A finally task runs once per run whatever happens. Through the built CLI: Ctrl-C cancels the
// run and its finally task starts; a second Ctrl-C leaves at once, with that finally task still
// running. `tandem resume` then adopts the finally task (its helper outlived the CLI): it runs
// once, not zero times (it used to be recorded Interrupted and never run again) and not twice.
// When its helper died too, the finally task is run again even without a retry policy.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { isSameProcessAlive, readStarted } from '../../src/engines/local/attempt-records.js';
import { openStore } from '../../src/store/sqlite/open.js';
import { SAME_PRESS_MS } from '../../src/cli/interrupt.js';
import { sleep, until } from './helpers.js';

const BIN = resolve(import.meta.dirname, '../../bin/tandem.js');

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

function exitOf(proc: ReturnType<typeof spawn>): Promise<number | string> {
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
}

describe('a finally task after a second Ctrl-C', () => {
  const root = mkdtempSync(join(tmpdir(), 'tandem-finally-once-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const helperDies of [false, true]) {
    it(helperDies ? 'runs again after the CLI and its helper died' : 'runs exactly once: resume adopts it', async () => {
      const dir = join(root, helperDies ? 'helper-dies' : 'helper-lives');
      const markers = join(dir, 'markers');
      mkdirSync(markers, { recursive: true });
      const home = join(dir, 'home');
      const go = join(dir, 'go');
      writeFileSync(
        join(dir, 'wf.yaml'),
        [
          'name: finally-once',
          'tasks:',
          '  - name: work',
          `    process: { command: /bin/sh, args: ["-c", "echo $TANDEM_ATTEMPT >> ${markers}/work; exec sleep 60"] }`,
          'finally:',
          '  - name: cleanup',
          `    process: { command: /bin/sh, args: ["-c", "echo $TANDEM_ATTEMPT >> ${markers}/cleanup; while [ ! -e ${go} ]; do sleep 0.02; done; echo $TANDEM_ATTEMPT >> ${markers}/cleanup_done"] }`,
          '',
        ].join('\n'),
      );
      const env = { ...process.env, TANDEM_HOME: home, NO_COLOR: '1' };
      const run = spawn(process.execPath, [BIN, 'run', 'wf.yaml'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      run.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const runExit = exitOf(run);
      await until(() => existsSync(join(markers, 'work')), () => `work to start\n${stderr}`);
      run.kill('SIGINT');
      const firstPressAt = Date.now();
      await until(() => existsSync(join(markers, 'cleanup')), () => `the finally task to start after the first Ctrl-C\n${stderr}`);
      // A SIGINT within SAME_PRESS_MS of the first is the same press (npm delivers one twice):
      // the second Ctrl-C must come later than that to count.
      await sleep(Math.max(0, SAME_PRESS_MS + 100 - (Date.now() - firstPressAt)));
      run.kill('SIGINT');
      assert.equal(await runExit, 130, `the second Ctrl-C leaves at once\n${stderr}`);

      const store = await openStore({ home });
      try {
        const [record] = await store.listRuns({});
        assert.ok(record);
        const started = readStarted(join(home, 'runs', record.id, 'cleanup.1'));
        assert.ok(started, 'the finally task has its process record');
        if (helperDies) process.kill(started.helper, 'SIGKILL');
        assert.deepEqual(lines(join(markers, 'cleanup_done')), [], 'the finally task was still running when the CLI left');

        const resume = spawn(process.execPath, [BIN, 'resume'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
        resume.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const resumeExit = exitOf(resume);
        // With its helper dead, the orphan is killed by the resume before the task runs again;
        // it must not see `go` first (it would finish: at least once, not exactly once).
        if (helperDies) await until(() => !isSameProcessAlive(started.pid, started.start), () => `resume to kill the orphaned finally task\n${stderr}`);
        writeFileSync(go, '');
        assert.equal(await resumeExit, 1, `the resumed run ends Cancelled (exit 1)\n${stderr}`);

        assert.equal((await store.getRun(record.id))?.status, 'Cancelled');
        const cleanup = (await store.listTaskRuns(record.id)).filter((r) => r.task === 'cleanup' && r.attempt > 0);
        if (helperDies) {
          assert.deepEqual(lines(join(markers, 'cleanup')), ['1', '2'], 'cut short with its helper, it ran again');
          assert.deepEqual(cleanup.map((r) => [r.attempt, r.status]), [[1, 'Interrupted'], [2, 'Succeeded']]);
        } else {
          assert.deepEqual(lines(join(markers, 'cleanup')), ['1'], 'it started once');
          assert.deepEqual(cleanup.map((r) => [r.attempt, r.status]), [[1, 'Succeeded']], 'adopted: the attempt that was running finished');
        }
        assert.equal(lines(join(markers, 'cleanup_done')).length, 1, 'it ran to its end once');
        assert.deepEqual(lines(join(markers, 'work')), ['1'], 'the cancelled main task did not run again');
        assert.deepEqual(readdirSync(join(home, 'runs', record.id)).filter((n) => n.startsWith('work.')), ['work.1']);
      } finally {
        await store.close();
      }
    });
  }
});

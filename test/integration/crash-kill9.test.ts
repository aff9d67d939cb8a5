// Repeated kill -9 of the real CLI: a 200-task workflow (fan-outs and chains; each task sleeps
// 20-100 ms) is started with `tandem run`, and the tandem process is killed with SIGKILL at 20
// random moments, each followed by `tandem resume`, until a resume finishes the run. Every task
// appends START and END lines to a ledger outside TANDEM_HOME, with its own fork time (and END
// with the time it ended). Asserted:
// no task ran to its end twice, no task was forked between a kill and the next resume, no process
// of the test is left at the end, and each execution has an attempt number of its own, which the
// store and the attempt folders agree on. Only the engine is killed: its spawner helpers outlive
// it, which is what lets a resume adopt what was running (docs/engine.md, crash safety).
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { readStarted } from '../../src/engines/local/attempt-records.js';
import { openStore } from '../../src/store/sqlite/open.js';
import { sleep, until } from './helpers.js';
import { suiteRequires } from '../helpers/skip.js';

const BIN = resolve(import.meta.dirname, '../../bin/tandem.js');
const KILLS = 20;
/** Clock ticks per second of /proc/<pid>/stat start times (USER_HZ, 100 on Linux). */
const HZ = 100;
/**
 * Both clocks compared here (a task's start time, and /proc/uptime read when the kill was seen)
 * count from boot and are truncated to 10 ms; a task counts as started after a kill only when its
 * start time is more than both resolutions past it.
 */
const MARGIN_S = 2 / HZ;
/** Time left between a kill and the next resume: a helper still starting what a dead engine asked for would do so now. */
const GAP_MS = 100;

const onLinux = existsSync('/proc/self/stat') && existsSync('/proc/uptime');

function uptime(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}

/** 8 segments of 25: a root, a fan-out of 12, a join, a chain of 11; segments run side by side. */
function workflow(script: string): string {
  const lines = ['name: crash-kill9', 'tasks:'];
  let n = 0;
  const task = (name: string, dependsOn: string[]) => {
    const ms = 20 + ((n++ * 37) % 81); // 20..100 ms, spread over the tasks
    lines.push(`  - name: ${name}`);
    if (dependsOn.length > 0) lines.push(`    dependsOn: [${dependsOn.join(', ')}]`);
    lines.push(`    process: { command: /bin/sh, args: [${JSON.stringify(script)}, "0.${String(ms).padStart(3, '0')}"] }`);
  };
  for (let s = 0; s < 8; s++) {
    task(`s${s}_root`, []);
    const fan = Array.from({ length: 12 }, (_, i) => `s${s}_f${i}`);
    for (const name of fan) task(name, [`s${s}_root`]);
    task(`s${s}_join`, fan);
    for (let c = 0; c < 11; c++) task(`s${s}_c${c}`, [c === 0 ? `s${s}_join` : `s${s}_c${c - 1}`]);
  }
  assert.equal(n, 200);
  return `${lines.join('\n')}\n`;
}

interface LedgerLine {
  kind: 'START' | 'END';
  key: string;
  attempt: number;
  /** The task's fork time, in clock ticks since boot. */
  forkTicks: number;
  pid: number;
  /** END lines: /proc/uptime when the task wrote it. */
  endedAt: number;
}

function readLedger(file: string): LedgerLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [kind, key, attempt, forkTicks, pid, endedAt] = line.split(' ');
      return { kind: kind as 'START' | 'END', key: key!, attempt: Number(attempt), forkTicks: Number(forkTicks), pid: Number(pid), endedAt: Number(endedAt ?? 0) };
    });
}

/** Processes whose command line mentions `needle`, other than this one. */
function processesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^[0-9]+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cmdline.includes(needle) && Number(pid) !== process.pid && state !== 'Z') found.push(`${pid}: ${cmdline.trim()}`);
    } catch {
      // gone while we looked
    }
  }
  return found;
}

const SUITE = 'crash safety under repeated kill -9 of the tandem process';
describe(SUITE, suiteRequires(SUITE, onLinux ? undefined : 'no /proc here (Linux) to read fork times from', 'run it on Linux'), () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-kill9-'));
  /** The tandem process of the current round, stopped if the test ends (or times out) while it runs. */
  let current: ChildProcess | undefined;
  after(() => {
    if (current?.exitCode === null && current.signalCode === null) current.kill('SIGKILL');
    // Helpers of a killed process may still be finishing their last task in there.
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  it(`200 tasks, ${KILLS} kills, resume after each: no task completes twice or starts after a kill, nothing is left over`, { timeout: 600_000 }, async () => {
    const home = join(dir, 'home');
    const ledger = join(dir, 'ledger');
    const script = join(dir, 'task.sh');
    // Field 22 of /proc/$$/stat is this shell's start (fork) time; builtins only, so the start
    // line costs no process.
    writeFileSync(
      script,
      [
        'ms=$1',
        'read -r stat < /proc/$$/stat',
        'set -- $stat',
        'shift 21',
        `echo "START $TANDEM_TASK $TANDEM_ATTEMPT $1 $$" >> ${ledger}`,
        'sleep "$ms"',
        'read -r up rest < /proc/uptime',
        `echo "END $TANDEM_TASK $TANDEM_ATTEMPT $1 $$ $up" >> ${ledger}`,
        '',
      ].join('\n'),
    );
    const file = join(dir, 'crash-kill9.yaml');
    writeFileSync(file, workflow(script));
    const env = { ...process.env, TANDEM_HOME: home, TANDEM_CONCURRENCY: '4', NO_COLOR: '1' };

    const kills: Array<{ killedAt: number; nextStart: number }> = [];
    const enginePids: number[] = [];
    let stderr = '';
    let exitCode: number | null = null;
    for (let round = 0; ; round++) {
      const startsBefore = readLedger(ledger).filter((l) => l.kind === 'START').length;
      const spawnedAt = uptime();
      if (kills.length > 0) kills[kills.length - 1]!.nextStart = spawnedAt;
      const args = round === 0 ? ['run', file] : ['resume'];
      const proc = spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
      current = proc;
      enginePids.push(proc.pid!);
      proc.stderr!.setEncoding('utf8');
      proc.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
      let exited = false;
      const done = new Promise<number | null>((resolve) => proc.once('exit', (code) => ((exited = true), resolve(code))));
      if (kills.length < KILLS) {
        // Kill while this process is doing something: once it has started a task of its own,
        // after a random moment more.
        await until(
          () => exited || readLedger(ledger).filter((l) => l.kind === 'START').length > startsBefore,
          () => `round ${round}: the tandem process started no task\n${stderr}`,
          60_000,
          5,
        );
        if (!exited) {
          await sleep(Math.random() * 80);
          proc.kill('SIGKILL');
          await done;
          if (proc.signalCode === 'SIGKILL') {
            kills.push({ killedAt: uptime(), nextStart: Number.POSITIVE_INFINITY });
            await sleep(GAP_MS);
            continue;
          }
        }
      }
      exitCode = await done;
      break;
    }
    assert.equal(exitCode, 0, `the last resume finished the run\n${stderr}`);
    assert.equal(kills.length, KILLS, `the run outlasted ${KILLS} kills`);

    const entries = readLedger(ledger);
    const starts = entries.filter((l) => l.kind === 'START');
    const ends = entries.filter((l) => l.kind === 'END');
    const runningAtAKill = starts.filter((s) => kills.some((k) => s.forkTicks / HZ < k.killedAt && !ends.some((e) => e.key === s.key && e.attempt === s.attempt && e.endedAt < k.killedAt)));
    console.log(`crash-kill9: ${kills.length} kills, ${starts.length} executions of 200 tasks, ${runningAtAKill.length} of them running at a kill (adopted)`);

    const endsPerKey = new Map<string, number>();
    for (const end of ends) endsPerKey.set(end.key, (endsPerKey.get(end.key) ?? 0) + 1);
    const twice = [...endsPerKey].filter(([, n]) => n > 1).map(([key, n]) => `${key} x${n}`);
    assert.deepEqual(twice, [], 'no task ran to its end twice');
    assert.equal(endsPerKey.size, 200, 'every task ran to its end');

    const afterKill = starts.filter((s) => {
      const forkedAt = s.forkTicks / HZ;
      return kills.some((k) => forkedAt > k.killedAt + MARGIN_S && forkedAt < k.nextStart - MARGIN_S);
    });
    assert.deepEqual(afterKill.map((s) => `${s.key}.${s.attempt}`), [], 'no task was forked while no tandem process was alive');

    const attemptsPerKey = new Map<string, number[]>();
    for (const start of starts) attemptsPerKey.set(start.key, [...(attemptsPerKey.get(start.key) ?? []), start.attempt]);
    const shared = [...attemptsPerKey].filter(([, attempts]) => new Set(attempts).size !== attempts.length);
    assert.deepEqual(shared, [], 'no two executions of a task share an attempt number');

    // Nothing of the test outlives it: no task, no spawner helper of any of the tandem processes.
    // A helper's command line ends with the pid of the engine that started it.
    const leftovers = () => [
      ...processesMentioning(script),
      ...processesMentioning('/spawner/helper.').filter((p) => enginePids.some((pid) => p.endsWith(` ${pid}`))),
    ];
    await until(
      () => leftovers().length === 0,
      () => `processes left over: ${leftovers().join('; ')}`,
      15_000,
    );

    const store = await openStore({ home });
    try {
      const runs = await store.listRuns({});
      assert.equal(runs.length, 1);
      const run = runs[0]!;
      assert.equal(run.status, 'Succeeded', run.message);
      const rows = (await store.listTaskRuns(run.id)).filter((r) => r.attempt > 0);
      const runDir = join(home, 'runs', run.id);
      const folders = readdirSync(runDir).filter((name) => statSync(join(runDir, name)).isDirectory());
      const executed = folders.filter((name) => readStarted(join(runDir, name)) !== undefined).sort();
      assert.deepEqual(executed, starts.map((s) => `${s.key}.${s.attempt}`).sort(), 'each execution has its own attempt folder with its process record');
      for (const start of starts) {
        assert.equal(readStarted(join(runDir, `${start.key}.${start.attempt}`))?.pid, start.pid, `${start.key}.${start.attempt}: the folder records the process that ran`);
      }
      const recorded = new Set(rows.map((r) => `${r.task}.${r.attempt}`));
      assert.deepEqual(folders.filter((name) => !recorded.has(name)), [], 'the store records every attempt that has a folder');
      assert.equal(recorded.size, rows.length, 'one row per attempt');
      const succeeded = rows.filter((r) => r.status === 'Succeeded');
      assert.equal(new Set(succeeded.map((r) => r.task)).size, 200);
      assert.equal(succeeded.length, 200, 'one succeeded attempt per task');
      for (const row of succeeded) assert.ok(executed.includes(`${row.task}.${row.attempt}`), `${row.task}.${row.attempt} succeeded and has its process record`);
      for (const row of rows.filter((r) => r.status !== 'Succeeded')) {
        assert.equal(row.status, 'Interrupted', `${row.task}.${row.attempt}`);
        assert.equal(executed.includes(`${row.task}.${row.attempt}`), false, `${row.task}.${row.attempt} is Interrupted only because it never had a process`);
      }
    } finally {
      await store.close();
    }
  });
});

// The floors a process DAG is compared with: the same processes spawned with no engine and no
// store, by the OS's own tools (xargs -P) and by a bare Node.js loop of child_process.spawn.
import { spawn } from 'node:child_process';
import { timeMs } from './harness.js';

export const TRUE_BIN = '/bin/true';

/** Batches of process counts run one after the other; each batch runs `parallel` at a time. */
export interface Batches {
  batches: readonly number[];
  parallel: number;
}

/** Runs a shell script and resolves when it exits; rejects on a non-zero exit. */
function sh(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', script], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`sh -c '${script}' ended with ${signal ?? `exit code ${String(code)}`}`)),
    );
  });
}

/**
 * The OS floor: one /bin/sh that runs, per batch, `seq N | xargs -P<parallel> -n1 /bin/true`.
 * The one shell start-up is inside the timed region (about a millisecond).
 */
export function osFloorMs({ batches, parallel }: Batches): Promise<number> {
  const script = batches.map((n) => `seq ${n} | xargs -P${parallel} -n1 ${TRUE_BIN}`).join(' && ');
  return timeMs(() => sh(script));
}

/** spawn('/bin/true') with default (piped) stdio, resolved once the process has exited and its pipes closed. */
function spawnTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(TRUE_BIN);
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${TRUE_BIN} exited with ${String(code)}`))));
  });
}

/** Runs `count` spawns with at most `parallel` alive at once. */
async function spawnPool(count: number, parallel: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      await spawnTrue();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
}

/** The Node.js floor: a bare loop of child_process.spawn, batch after batch; no engine, no store. */
export function nodeFloorMs({ batches, parallel }: Batches): Promise<number> {
  return timeMs(async () => {
    for (const n of batches) await spawnPool(n, parallel);
  });
}

// A pool of spawner helper processes. Each spawn request goes to the helper with the fewest
// processes in flight; replies settle the request's promise. The perl helper is used where perl
// is installed (it spawns at close to the operating system's own cost), else the Node.js one.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TandemError } from '../../../errors.js';
import { encodeRequest, parseReply, type Reply, type SpawnRequest } from './protocol.js';

export type { SpawnRequest } from './protocol.js';
export type SpawnerKind = 'auto' | 'perl' | 'node';

export interface SpawnOutcome {
  exitCode: number | null;
  signal: string | null;
  truncated: boolean;
}

/**
 * A process the pool could not start, or whose helper died under it. The runner that asked
 * reports it as a task that could not run (RunnerStartError). Only a dead helper is retryable: the
 * next request gets a fresh one, while a command that does not spawn (not found, not executable)
 * and a pool that is closing fail the same way again.
 */
export class SpawnFailedError extends TandemError {
  readonly code = 'SPAWN_FAILED';
  override readonly retryable: boolean;
  constructor(message: string, options: { retryable?: boolean } = {}) {
    super(message);
    this.name = 'SpawnFailedError';
    this.retryable = options.retryable ?? false;
  }
}

interface Pending {
  resolve(outcome: SpawnOutcome): void;
  reject(error: Error): void;
  onStarted(pid: number): void;
}

interface Helper {
  process: ChildProcess;
  inFlight: number;
  pending: Map<number, Pending>;
}

const PERL_HELPER = fileURLToPath(new URL('./helper.pl', import.meta.url));
const NODE_HELPER = fileURLToPath(new URL('./helper.js', import.meta.url));

let perlWorks: boolean | undefined;

/** Whether `perl` with the core modules the helper needs can run here (checked once). */
export function perlAvailable(): boolean {
  perlWorks ??= spawnSync('perl', ['-MPOSIX', '-MIO::Select', '-e', '1'], { stdio: 'ignore' }).status === 0;
  return perlWorks;
}

function resolveSpawnerKind(kind: SpawnerKind): 'perl' | 'node' {
  if (kind === 'node') return 'node';
  if (kind === 'perl' || perlAvailable()) return 'perl';
  return 'node';
}

export class SpawnerPool {
  private readonly helpers: Helper[] = [];
  private nextId = 1;
  private closed = false;
  readonly kind: 'perl' | 'node';

  constructor(
    private readonly size: number,
    kind: SpawnerKind = 'auto',
  ) {
    this.kind = resolveSpawnerKind(kind);
  }

  /** Spawns a command through a helper; resolves when it exits, rejects if it could not start. */
  spawn(request: SpawnRequest, onStarted: (pid: number) => void): Promise<SpawnOutcome> {
    if (this.closed) return Promise.reject(new SpawnFailedError('the engine is shutting down'));
    const helper = this.pickHelper();
    const id = this.nextId++;
    return new Promise<SpawnOutcome>((resolve, reject) => {
      helper.pending.set(id, { resolve, reject, onStarted });
      helper.inFlight += 1;
      if (helper.inFlight === 1) setRef(helper, true);
      helper.process.stdin?.write(encodeRequest(id, request));
    });
  }

  /**
   * Stops the helpers. Processes they started keep running in their own groups; each helper stays
   * until its own have ended, to write their exit records for the next resume, but no longer keeps
   * this process alive.
   */
  close(): void {
    this.closed = true;
    for (const helper of this.helpers) {
      helper.process.stdin?.end();
      setRef(helper, false);
    }
    this.helpers.length = 0;
  }

  private pickHelper(): Helper {
    // Fill the pool lazily: a run of one task never pays for more helpers than it needs.
    const idle = this.helpers.find((h) => h.inFlight === 0);
    if (idle) return idle;
    if (this.helpers.length < this.size) return this.startHelper();
    let best = this.helpers[0]!;
    for (const helper of this.helpers) if (helper.inFlight < best.inFlight) best = helper;
    return best;
  }

  private startHelper(): Helper {
    const [command, script] = this.kind === 'perl' ? ['perl', PERL_HELPER] : [process.execPath, NODE_HELPER];
    // detached: a Ctrl-C in the terminal goes to the CLI (which cancels the run gracefully), not
    // to the helpers that carry the run's tasks. They stop starting tasks when the engine's pipe
    // closes or the engine (our pid, their argument) is no longer their parent, and exit once the
    // tasks they started have ended and been recorded.
    // The helper is a task's parent, and a task can read its parent's /proc/<pid>/environ: it gets
    // only PATH (to find perl), since every request carries the whole environment of its task.
    const env = process.env.PATH !== undefined ? { PATH: process.env.PATH } : {};
    const child = spawn(command, [script, String(process.pid)], { stdio: ['pipe', 'pipe', 'inherit'], detached: true, env });
    const helper: Helper = { process: child, inFlight: 0, pending: new Map() };
    // An idle helper must not keep the engine's process alive; one with work in flight must.
    setRef(helper, false);
    child.stdin?.on('error', () => undefined); // a dead helper is reported through 'exit'
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const reply = parseReply(line);
      if (reply) this.onReply(helper, reply);
    });
    child.on('exit', (code, signal) => this.onHelperExit(helper, code, signal));
    child.on('error', (error) => this.onHelperExit(helper, null, error.message));
    this.helpers.push(helper);
    return helper;
  }

  private onReply(helper: Helper, reply: Reply): void {
    const pending = helper.pending.get(reply.id);
    if (!pending) return;
    if (reply.kind === 'started') {
      pending.onStarted(reply.pid);
      return;
    }
    helper.pending.delete(reply.id);
    helper.inFlight -= 1;
    if (helper.inFlight === 0 || this.closed) setRef(helper, false);
    if (reply.kind === 'failed') pending.reject(new SpawnFailedError(reply.message));
    else pending.resolve({ exitCode: reply.exitCode, signal: reply.signal, truncated: reply.truncated });
  }

  private onHelperExit(helper: Helper, code: number | null, signal: string | null): void {
    const index = this.helpers.indexOf(helper);
    if (index >= 0) this.helpers.splice(index, 1);
    for (const pending of helper.pending.values()) {
      pending.reject(new SpawnFailedError(`spawner helper exited (${signal ?? `code ${code}`}) while the task was running`, { retryable: true }));
    }
    helper.pending.clear();
  }
}

type Refable = { ref?: () => void; unref?: () => void } | null;

function setRef(helper: Helper, keepAlive: boolean): void {
  const handles: Refable[] = [helper.process as unknown as Refable, helper.process.stdin as Refable, helper.process.stdout as Refable];
  for (const handle of handles) {
    if (keepAlive) handle?.ref?.();
    else handle?.unref?.();
  }
}

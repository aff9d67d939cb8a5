// A pool of spawner helper processes (helper.js). Each spawn request goes to the helper with the
// fewest processes in flight; replies come back as JSON lines and settle the request's promise.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface SpawnRequest {
  command: string;
  args: string[];
  cwd: string;
  /** Entries added to the helper's environment (which is the engine's). */
  env: Record<string, string>;
  /** The attempt's directory, created by the helper before spawning (its parent exists). */
  dir: string;
  stdoutFile: string;
  stderrFile: string;
  logCap: number;
}

export interface SpawnOutcome {
  exitCode: number | null;
  signal: string | null;
  truncated: boolean;
}

export class SpawnFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpawnFailedError';
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
  alive: boolean;
}

type Reply = { id: number; started?: number; exit?: number | null; signal?: string | null; truncated?: boolean; error?: string };

const HELPER_PATH = fileURLToPath(new URL('./helper.js', import.meta.url));

export class SpawnerPool {
  private readonly helpers: Helper[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly size: number) {}

  /** Spawns a command through a helper; resolves when it exits, rejects if it could not start. */
  spawn(request: SpawnRequest, onStarted: (pid: number) => void): Promise<SpawnOutcome> {
    if (this.closed) return Promise.reject(new SpawnFailedError('the engine is shutting down'));
    const helper = this.pickHelper();
    const id = this.nextId++;
    return new Promise<SpawnOutcome>((resolve, reject) => {
      helper.pending.set(id, { resolve, reject, onStarted });
      helper.inFlight += 1;
      if (helper.inFlight === 1) setRef(helper, true);
      helper.process.stdin?.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  /** Stops the helpers. Processes they started keep running in their own groups. */
  close(): void {
    this.closed = true;
    for (const helper of this.helpers) {
      helper.alive = false;
      helper.process.stdin?.end();
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
    // detached: a Ctrl-C in the terminal goes to the CLI (which cancels the run gracefully), not
    // to the helpers that carry the run's tasks. They still exit when the engine's pipe closes.
    const child = spawn(process.execPath, [HELPER_PATH], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
    const helper: Helper = { process: child, inFlight: 0, pending: new Map(), alive: true };
    // An idle helper must not keep the engine's process alive; one with work in flight must.
    setRef(helper, false);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => this.onReply(helper, JSON.parse(line) as Reply));
    child.on('exit', (code, signal) => this.onHelperExit(helper, code, signal));
    child.on('error', (error) => this.onHelperExit(helper, null, error.message));
    this.helpers.push(helper);
    return helper;
  }

  private onReply(helper: Helper, reply: Reply): void {
    const pending = helper.pending.get(reply.id);
    if (!pending) return;
    if (reply.started !== undefined) {
      pending.onStarted(reply.started);
      return;
    }
    helper.pending.delete(reply.id);
    helper.inFlight -= 1;
    if (helper.inFlight === 0) setRef(helper, false);
    if (reply.error !== undefined) pending.reject(new SpawnFailedError(reply.error));
    else pending.resolve({ exitCode: reply.exit ?? null, signal: reply.signal ?? null, truncated: reply.truncated ?? false });
  }

  private onHelperExit(helper: Helper, code: number | null, signal: string | null): void {
    const index = this.helpers.indexOf(helper);
    if (index >= 0) this.helpers.splice(index, 1);
    for (const pending of helper.pending.values()) {
      pending.reject(new SpawnFailedError(`spawner helper exited (${signal ?? `code ${code}`}) while the task was running`));
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

// Shared by the integration tests: a control plane in a child process (serve-child.ts) that can
// be stopped with SIGTERM or killed with SIGKILL, a read-only view of its store for polling
// counts while it runs, and a wait-until with a message that says how far things got.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../src/store/sqlite/open.js';

const CHILD = join(import.meta.dirname, 'serve-child.ts');

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every `everyMs` until it holds; fails after `timeoutMs` with `describe()`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  describe: () => string | Promise<string>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms: ${await describe()}`);
    await sleep(everyMs);
  }
}

export interface ServeChild {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then waits for the graceful stop; fails when it does not exit 0 within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL, then waits for the process to be gone. */
  kill(): Promise<void>;
}

/**
 * Starts serve-child.ts on a project file; resolves once it printed its URL (it is ready then).
 * Ready comes after start-up has dispatched the events a killed process left undispatched, one at
 * a time: after the exactly-once test's kill -9, on a loaded machine (stress-ng --cpu 2 beside the
 * suite), that took over 30 s. The deadline only bounds a failure.
 */
export async function startServeChild(projectFile: string, env: Record<string, string> = {}, readyTimeoutMs = 180_000): Promise<ServeChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, projectFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const lines = createInterface({ input: proc.stdout! });
  const stoppedLine = new Promise<void>((resolve) => lines.on('line', (line) => line === 'stopped' && resolve()));
  const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`serve-child did not become ready within ${readyTimeoutMs}ms\n${stderr}`));
    }, readyTimeoutMs);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as { url: string; pid: number });
      } catch {
        reject(new Error(`serve-child printed ${JSON.stringify(line)} instead of its URL\n${stderr}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve-child exited (${code}) before it was ready\n${stderr}`));
    });
  });
  return {
    proc,
    url: ready.url,
    pid: ready.pid,
    exited,
    async stop(timeoutMs = 30_000) {
      proc.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const outcome = await Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
      if (outcome === 'timeout') {
        proc.kill('SIGKILL');
        throw new Error(`serve-child ${ready.pid} did not stop within ${timeoutMs}ms\n${stderr}`);
      }
      if (outcome !== 0) throw new Error(`serve-child ${ready.pid} stopped with ${outcome}\n${stderr}`);
      await stoppedLine;
    },
    async kill() {
      proc.kill('SIGKILL');
      const outcome = await exited;
      if (outcome !== 'SIGKILL') throw new Error(`serve-child ${ready.pid} ended with ${outcome}, not SIGKILL`);
    },
  };
}

/** Counts in a store another process writes, read over a read-only connection (WAL: never blocks it). */
export class StoreCounts {
  private db: Database.Database | undefined;
  constructor(private readonly home: string) {}

  private open(): Database.Database | undefined {
    if (!this.db && existsSync(join(this.home, DB_FILE))) this.db = new Database(join(this.home, DB_FILE), { readonly: true, timeout: 5000 });
    return this.db;
  }

  private count(sql: string): number {
    const db = this.open();
    if (!db) return 0;
    try {
      return db.prepare<[], number>(sql).pluck().get() ?? 0;
    } catch (error) {
      // The tables appear with the first migration; before that there is nothing to count.
      if (/no such table/.test((error as Error).message)) return 0;
      throw error;
    }
  }

  events(): number {
    return this.count('SELECT count(*) FROM events');
  }
  dispatchedEvents(): number {
    return this.count("SELECT count(*) FROM events WHERE status = 'dispatched'");
  }
  runs(): number {
    return this.count('SELECT count(*) FROM runs');
  }
  finishedRuns(): number {
    return this.count("SELECT count(*) FROM runs WHERE status IN ('Succeeded', 'Failed', 'Error', 'Cancelled')");
  }
  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}

/** The lines serve-child wrote to its TANDEM_IT_LOG file. */
export function logLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => line !== '') : [];
}

/** What the control plane's /healthz says about one source: its state and counters. */
export async function sourceHealth(url: string, name: string): Promise<{ state: string; received: number; lastError?: string; detail?: { counters?: Record<string, number>; inFlight?: number } }> {
  const response = await fetch(`${url}/healthz`);
  const body = (await response.json()) as { sources: Array<{ name: string; state: string; received: number; lastError?: string; detail?: { counters?: Record<string, number>; inFlight?: number } }> };
  const found = body.sources.find((s) => s.name === name);
  if (!found) throw new Error(`no source ${name} in /healthz: ${JSON.stringify(body)}`);
  return found;
}

export interface NatsProjectOptions {
  natsUrl: string;
  subject: string;
  stream: string;
  /** Seconds; also the unit the slow-handler injection is measured against. */
  ackWaitSeconds: number;
  maxInFlight?: number;
  concurrency?: number;
  /** Extra lines under the trigger (indented to sit in its mapping). */
  triggerExtra?: string;
}

/**
 * Writes `<dir>/tandem.yaml` and `<dir>/noop.yaml`: a JetStream source (MessagePack) whose every
 * message starts the `noop` workflow — one `/bin/true` task — with `params.n` from the message.
 * The task may be retried, so a run whose task a SIGKILL interrupted still succeeds on resume.
 */
export function writeNatsProject(dir: string, options: NatsProjectOptions): string {
  writeFileSync(
    join(dir, 'noop.yaml'),
    ['name: noop', 'params:', '  n: { type: integer }', 'tasks:', '  - name: done', '    process: { command: /bin/true }', '    retry: { limit: 2 }', ''].join('\n'),
  );
  const file = join(dir, 'tandem.yaml');
  writeFileSync(
    file,
    `home: ./home
engine: { concurrency: ${options.concurrency ?? 8} }
workflows: [noop.yaml]
eventSources:
  - name: queue
    nats:
      url: ${options.natsUrl}
      subject: ${options.subject}
      payload: msgpack
      maxInFlight: ${options.maxInFlight ?? 64}
      stopTimeout: 15s
      jetStream:
        stream: ${options.stream}
        consumer: tandem
        createStream: true
        ackWait: ${options.ackWaitSeconds}s
        backoff: { initial: 200ms, max: 1s }
sensors:
  - name: on-job
    dependencies: [{ name: job, eventSource: queue }]
    triggers:
      - name: run_noop
        workflow: noop
        params: [{ name: n, src: { dependencyName: job, dataKey: n } }]
${options.triggerExtra ?? ''}
server:
  shutdownGracePeriod: 5s
`,
  );
  return file;
}

// The control plane as its own process, for the integration tests that stop it with SIGTERM or
// kill it with SIGKILL. It loads a project file, starts ControlPlane on a free port and prints one
// JSON line `{"url": ..., "pid": ...}` once ready; SIGTERM stops it gracefully, then it prints
// `stopped` and exits 0.
//
// argv: <project file>
// Failure injection, all keyed on the `n` field of an event's data, set through the environment:
//   TANDEM_IT_LOG=<file>         one line per sink call and outcome: `receive <n>`, `result <n> <json>`,
//                                `reject <n>`, `slow-begin <n>`, `slow-end <n>`, `kill <n> <runId>`
//   TANDEM_IT_SLOW=<n>:<ms>      the sink waits <ms> before it hands event <n> to the pipeline
//   TANDEM_IT_FAIL_ONCE=<n>      the sink rejects event <n> the first time this process sees it
//   TANDEM_IT_KILL_AFTER_RUN=<n> SIGKILL this process right after the run for <n> is committed
//                                (engine.submit resolved), before the event is marked dispatched
//   TANDEM_IT_KILL_AFTER_RECEIVE=<n>  SIGKILL right after the pipeline resolved <n>, before the ack
//   TANDEM_IT_HOLD=<n>           the sink never settles <n> once the pipeline resolved it: the event
//                                and its run are stored, the message is never acked (until a kill)
// The hooks wrap prototypes (EventPipeline.receive, LocalEngine.submit) before the control plane
// starts: the code under test is otherwise the one `tandem serve` runs.
import { appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { SubmitRequest } from '../../src/engines/engine.js';
import { LocalEngine } from '../../src/engines/local/engine.js';
import type { IncomingEvent } from '../../src/events/model.js';
import { EventPipeline } from '../../src/events/pipeline.js';
import { loadProject } from '../../src/project/load.js';
import { ControlPlane } from '../../src/server/control-plane.js';
import { createLogger } from '../../src/server/log.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: serve-child.ts <project file>\n');
  process.exit(2);
}

const env = process.env;
const logFile = env.TANDEM_IT_LOG;
const log = (line: string): void => {
  if (logFile) appendFileSync(logFile, `${line}\n`);
};
const wanted = (name: string): number | undefined => (env[name] ? Number(env[name]) : undefined);
const [slowN, slowMs] = (env.TANDEM_IT_SLOW ?? '').split(':').map(Number);
const failOnce = wanted('TANDEM_IT_FAIL_ONCE');
const killAfterRun = wanted('TANDEM_IT_KILL_AFTER_RUN');
const killAfterReceive = wanted('TANDEM_IT_KILL_AFTER_RECEIVE');
const hold = wanted('TANDEM_IT_HOLD');
const failed = new Set<number>();

function numberOf(event: IncomingEvent): number | undefined {
  const data = event.data as { n?: unknown } | null;
  return typeof data === 'object' && data !== null && typeof data.n === 'number' ? data.n : undefined;
}

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL is delivered before this line runs; the throw satisfies the type checker.
  throw new Error('unreachable');
}

const receive = EventPipeline.prototype.receive;
EventPipeline.prototype.receive = async function (this: EventPipeline, event: IncomingEvent) {
  const n = numberOf(event);
  log(`receive ${n ?? event.id}`);
  if (n !== undefined && n === slowN && slowMs !== undefined) {
    log(`slow-begin ${n}`);
    await new Promise((resolve) => setTimeout(resolve, slowMs));
    log(`slow-end ${n}`);
  }
  if (n !== undefined && n === failOnce && !failed.has(n)) {
    failed.add(n);
    log(`reject ${n}`);
    throw new Error(`injected failure before event ${n} is persisted`);
  }
  const result = await receive.call(this, event);
  log(`result ${n ?? event.id} ${JSON.stringify(result)}`);
  if (n !== undefined && n === killAfterReceive) die();
  if (n !== undefined && n === hold) {
    log(`hold ${n}`);
    await new Promise<never>(() => undefined);
  }
  return result;
};

const submit = LocalEngine.prototype.submit;
LocalEngine.prototype.submit = async function (this: LocalEngine, request: SubmitRequest) {
  const submitted = await submit.call(this, request);
  if (killAfterRun !== undefined && request.params?.n === killAfterRun) {
    log(`kill ${killAfterRun} ${submitted.runId}`);
    die();
  }
  return submitted;
};

// Signal handlers go in before the URL is printed: the parent may send SIGTERM the moment it
// reads the line, and a signal with no handler yet would kill the process outright.
const running: { plane?: ControlPlane; stopRequested: boolean } = { stopRequested: false };
const stop = (): void => {
  if (running.stopRequested) return;
  running.stopRequested = true;
  if (!running.plane) return; // start() is still going; it stops right after
  void running.plane.stop().then(
    () => {
      process.stdout.write('stopped\n');
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`[serve-child ${process.pid}] stop failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

const config = await loadConfig({ cwd: dirname(file), env, flags: { config: file } });
const plane = await ControlPlane.start({
  project: await loadProject(file),
  config,
  port: 0,
  logger: createLogger({ write: (line: string) => process.stderr.write(`[serve-child ${process.pid}] ${line}`) }),
});
running.plane = plane;
process.stdout.write(`${JSON.stringify({ url: plane.url, pid: process.pid })}\n`);
if (running.stopRequested) {
  running.stopRequested = false;
  stop();
}

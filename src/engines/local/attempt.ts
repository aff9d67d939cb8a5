// Runs one attempt of one task: resolves its inputs, hands it to its runner under a timeout,
// and turns the result into an outcome (with outputs and metrics when it succeeded).
import { formatDurationMs } from '../../spec/duration.js';
import type { TaskSpec } from '../../spec/schema.js';
import type { OutputValue } from '../model.js';
import type { ArtifactStore } from './artifacts.js';
import { attemptFiles } from './layout.js';
import { buildContext, resolveInputs, type ContextParts } from './context.js';
import { collectOutputs, readMetrics, type MetricLine } from './outputs.js';
import type { FailedStatus } from './retry.js';
import { RunnerStartError, type Runner, type RunnerRegistry, type RunnerResult, type TaskExecution } from './runner.js';
import { attemptFailureStatus } from './task-failure.js';
import { errorMessage } from '../../util/error-message.js';
import { MAX_TIMER_DELAY_MS } from '../../util/timers.js';

export type AttemptOutcome =
  | { status: 'Succeeded'; outputs: Record<string, OutputValue>; metrics: MetricLine[]; exitCode?: number }
  | { status: FailedStatus | 'Cancelled'; message: string; exitCode?: number; signal?: string };

export interface AttemptPlan {
  runId: string;
  key: string;
  attempt: number;
  spec: TaskSpec;
  parts: ContextParts;
  baseDir: string;
  attemptDir: string;
  timeoutMs: number | undefined;
  /** Aborted when the run is cancelled. */
  cancelSignal: AbortSignal;
  onStarted(pid: number): void;
}

export async function runAttempt(plan: AttemptPlan, runners: RunnerRegistry, artifacts: ArtifactStore): Promise<AttemptOutcome> {
  const runner = pickRunner(plan.spec, runners);
  const outputsDir = plan.attemptDir;
  const inputsDir = attemptFiles.inputs(plan.attemptDir);
  const metricsFile = attemptFiles.metrics(plan.attemptDir);
  let inputs: Record<string, unknown>;
  try {
    inputs = await resolveInputs(plan.spec, plan.parts, inputsDir, artifacts);
  } catch (error) {
    return inputsFailed(error);
  }

  // A combined signal only when there is a timeout: AbortSignal.any is not free, and most tasks have none.
  const timeout = plan.timeoutMs !== undefined ? new AbortController() : undefined;
  const signal = timeout ? AbortSignal.any([plan.cancelSignal, timeout.signal]) : plan.cancelSignal;
  // A timeout past what setTimeout holds (about 24.8 days) would fire at once: it is capped there.
  const timer = timeout ? setTimeout(() => timeout.abort(), Math.min(plan.timeoutMs ?? 0, MAX_TIMER_DELAY_MS)) : undefined;
  const env: Record<string, string> = {
    TANDEM_RUN_ID: plan.runId,
    TANDEM_TASK: plan.key,
    TANDEM_ATTEMPT: String(plan.attempt),
    TANDEM_OUTPUTS: outputsDir,
    TANDEM_INPUTS: inputsDir,
    TANDEM_METRICS: metricsFile,
  };
  if ('item' in plan.parts) env.TANDEM_ITEM = JSON.stringify(plan.parts.item);
  const execution: TaskExecution = {
    runId: plan.runId,
    task: plan.key,
    attempt: plan.attempt,
    spec: plan.spec,
    inputs,
    context: buildContext(plan.parts, inputs),
    baseDir: plan.baseDir,
    outputsDir,
    inputsDir,
    logDir: plan.attemptDir,
    env,
    signal,
    onStarted: plan.onStarted,
  };
  let result: RunnerResult;
  try {
    result = await runner.run(execution);
  } catch (error) {
    return runFailed(error);
  } finally {
    if (timer) clearTimeout(timer);
  }
  return outcomeOfResult(plan, result, timeout?.signal.aborted ?? false, artifacts);
}

/**
 * Turns what an attempt's process did into the attempt's outcome, collecting its outputs and
 * metrics from its folder when it succeeded. Shared by attempts run here and attempts a resume
 * adopted (adopt.ts), so both end the same way.
 */
export async function outcomeOfResult(
  plan: Pick<AttemptPlan, 'spec' | 'attemptDir' | 'cancelSignal' | 'timeoutMs'>,
  result: RunnerResult,
  timedOut: boolean,
  artifacts: ArtifactStore,
): Promise<AttemptOutcome> {
  const outputsDir = plan.attemptDir;
  const metricsFile = attemptFiles.metrics(plan.attemptDir);
  try {
    if (plan.cancelSignal.aborted) return { status: 'Cancelled', message: 'cancelled while running', ...exitFields(result) };
    if (timedOut) return { status: 'Failed', message: `timed out after ${formatDurationMs(plan.timeoutMs ?? 0)}`, ...exitFields(result) };
    if (result.exitCode !== 0) {
      const how = result.message ?? (result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`);
      return { status: 'Failed', message: how, ...exitFields(result) };
    }
    const files = { outputsDir, logDir: plan.attemptDir, metricsFile, logTruncated: result.logTruncated ?? false };
    const outputs = await collectOutputs(plan.spec, files, result.returned, artifacts);
    const metrics = await readMetrics(metricsFile);
    return { status: 'Succeeded', outputs, metrics, exitCode: 0, ...(result.message !== undefined ? { message: result.message } : {}) };
  } catch (error) {
    return runFailed(error);
  }
}

/** An attempt whose inputs did not resolve. An unforeseen error is named by the step it broke. */
function inputsFailed(error: unknown): AttemptOutcome {
  const status = attemptFailureStatus(error);
  return { status, message: status === 'Failed' ? errorMessage(error) : `inputs: ${errorMessage(error)}` };
}

/**
 * An attempt that threw while its runner ran or its outputs were collected. A Failed one is the
 * task's fault after a clean exit (its outputs are wrong), hence exit code 0.
 */
function runFailed(error: unknown): AttemptOutcome {
  const status = attemptFailureStatus(error);
  return status === 'Failed' ? { status, message: errorMessage(error), exitCode: 0 } : { status, message: errorMessage(error) };
}

function exitFields(result: { exitCode: number | null; signal?: string }): { exitCode?: number; signal?: string } {
  return {
    ...(result.exitCode !== null ? { exitCode: result.exitCode } : {}),
    ...(result.signal ? { signal: result.signal } : {}),
  };
}

function pickRunner(spec: TaskSpec, runners: RunnerRegistry): Runner {
  const kind = spec.process ? 'process' : spec.script ? 'script' : spec.workflow ? 'workflow' : 'node';
  const runner = runners[kind];
  if (!runner) throw new RunnerStartError(`no runner registered for ${kind} tasks`);
  return runner;
}

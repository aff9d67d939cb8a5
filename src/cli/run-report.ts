// A run as the CLI shows it (`show`, `run --json`, `resume --json`): the run record, each task's
// latest attempt with its history, outputs, artifacts and where things live on disk.
import { dirname } from 'node:path';
import { NotFoundError } from '../errors.js';
import type { RunStatus, TaskStatus } from '../engines/model.js';
import type { RunOrigin, RunRouting } from '../engines/model.js';
import type { RunReader, RunRecord, TaskRunRecord } from '../store/ports/runs.js';
import { parseTaskKey } from './progress/progress-state.js';

interface AttemptReport {
  attempt: number;
  status: TaskStatus;
  message?: string;
  startedAt?: number;
  finishedAt?: number;
  durationMs?: number;
  exitCode?: number;
  signal?: string;
  logDir?: string;
}

export interface TaskReport extends AttemptReport {
  task: string;
  attempts: number;
  history: AttemptReport[];
}

interface ArtifactReport {
  task: string;
  name: string;
  type: string;
  kind: 'file' | 'directory';
  digest: string;
  size: number;
  path: string;
}

export interface RunReport {
  id: string;
  workflow: string;
  version: string;
  status: RunStatus;
  message?: string;
  params: Record<string, unknown>;
  origin: RunOrigin;
  /** The router's decision: lane, rule, reasons, override. */
  routing?: RunRouting;
  sourceFile?: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  durationMs?: number;
  tasks: TaskReport[];
  /** Workflow-level outputs. */
  outputs: Record<string, unknown>;
  /** Every task's outputs: `{ task: { name: value } }` (artifacts as their references). */
  taskOutputs: Record<string, Record<string, unknown>>;
  artifacts: ArtifactReport[];
  paths: { home: string; logs?: string; artifacts?: string };
}

export async function getRunOrThrow(store: RunReader, runId: string): Promise<RunRecord> {
  const run = await store.getRun(runId);
  if (!run) throw new NotFoundError('run', runId);
  return run;
}

export async function buildRunReport(store: RunReader, run: RunRecord, home: string): Promise<RunReport> {
  const [taskRuns, outputs, artifacts] = await Promise.all([
    store.listTaskRuns(run.id),
    store.listOutputs(run.id),
    store.listArtifacts(run.id),
  ]);
  const taskOutputs: Record<string, Record<string, unknown>> = {};
  for (const output of outputs) (taskOutputs[output.task] ??= {})[output.name] = output.value;
  const report: RunReport = {
    id: run.id,
    workflow: run.workflow,
    version: run.version,
    status: run.status,
    params: run.params,
    origin: run.origin,
    createdAt: run.createdAt,
    tasks: orderTasks(taskReports(taskRuns), [...run.spec.tasks, ...(run.spec.finally ?? [])].map((t) => t.name)),
    outputs: run.outputs ?? {},
    taskOutputs,
    artifacts: artifacts.map((a) => ({ task: a.task, name: a.name, type: a.type, kind: a.kind, digest: a.digest, size: a.size, path: a.path })),
    paths: { home },
  };
  if (run.message !== undefined) report.message = run.message;
  if (run.routing !== undefined) report.routing = run.routing;
  if (run.sourceFile !== undefined) report.sourceFile = run.sourceFile;
  if (run.startedAt !== undefined) report.startedAt = run.startedAt;
  if (run.finishedAt !== undefined) report.finishedAt = run.finishedAt;
  if (run.startedAt !== undefined && run.finishedAt !== undefined) report.durationMs = run.finishedAt - run.startedAt;
  const logs = commonDirectory(taskRuns.map((t) => t.logDir).filter((d): d is string => d !== undefined));
  if (logs !== undefined) report.paths.logs = logs;
  const stored = commonDirectory(artifacts.map((a) => dirname(a.path)));
  if (stored !== undefined) report.paths.artifacts = stored;
  return report;
}

/** Groups attempts by task (the store orders them by task, then attempt). */
export function taskReports(taskRuns: readonly TaskRunRecord[]): TaskReport[] {
  const byTask = new Map<string, AttemptReport[]>();
  for (const record of taskRuns) {
    const list = byTask.get(record.task) ?? [];
    list.push(attemptReport(record));
    byTask.set(record.task, list);
  }
  const reports: TaskReport[] = [];
  for (const [task, history] of byTask) {
    history.sort((a, b) => a.attempt - b.attempt);
    const latest = history[history.length - 1];
    if (!latest) continue;
    reports.push({ task, ...latest, attempts: history.length, history });
  }
  return reports;
}

function attemptReport(record: TaskRunRecord): AttemptReport {
  const report: AttemptReport = { attempt: record.attempt, status: record.status };
  if (record.message !== undefined) report.message = record.message;
  if (record.startedAt !== undefined) report.startedAt = record.startedAt;
  if (record.finishedAt !== undefined) report.finishedAt = record.finishedAt;
  if (record.startedAt !== undefined && record.finishedAt !== undefined) report.durationMs = record.finishedAt - record.startedAt;
  if (record.exitCode !== undefined) report.exitCode = record.exitCode;
  if (record.signal !== undefined) report.signal = record.signal;
  if (record.logDir !== undefined) report.logDir = record.logDir;
  return report;
}

/** Declared order (tasks, then finally); a forEach parent before its iterations, by index. */
export function orderTasks(reports: TaskReport[], declared: readonly string[]): TaskReport[] {
  // Each key is ranked once, by a map lookup: a run of thousands of tasks sorts in n log n.
  const positions = new Map<string, number>();
  declared.forEach((name, i) => {
    if (!positions.has(name)) positions.set(name, i);
  });
  const ranked = reports.map((report) => {
    const { name, index } = parseTaskKey(report.task);
    return { report, position: positions.get(name) ?? declared.length, index: index ?? -1 };
  });
  ranked.sort((a, b) => a.position - b.position || a.index - b.index || a.report.task.localeCompare(b.report.task));
  return ranked.map((r) => r.report);
}

/** The deepest directory containing every path, or undefined for none. */
export function commonDirectory(paths: readonly string[]): string | undefined {
  const first = paths[0];
  if (first === undefined) return undefined;
  let parts = first.split(/[\\/]/);
  for (const path of paths.slice(1)) {
    const other = path.split(/[\\/]/);
    let i = 0;
    while (i < parts.length && i < other.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  if (parts.length === 0) return undefined;
  return parts.join('/') || '/';
}

/** A run without its spec, for listings. */
export function runSummary(run: RunRecord): Record<string, unknown> {
  const { spec: _spec, ...rest } = run;
  return rest;
}

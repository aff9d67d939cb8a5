// What one tandem run looks like in MLflow: its tags, its params (run params flattened, plus the
// param inputs its tasks consumed), its metric points, its status. Pure functions over store
// records, so the mapping is tested without a server. Keys and values are made to fit MLflow's
// rules (limits.ts); whatever had to be changed is listed in notes, which the mirror writes into
// the run's description so nothing is altered silently.
import type { RunStatus } from '../../engines/model.js';
import type { MetricRecord, RunRecord, TaskInputRecord } from '../../store/ports/runs.js';
import type { MlflowMetric, MlflowRunStatus, MlflowTag } from './client.js';
import { runLane } from './lane.js';
import type { MlflowLimits } from './limits.js';

/** Tag holding the tandem run id: how a re-export finds the MLflow run it created before. */
export const RUN_ID_TAG = 'tandem.run_id';

export interface Notes {
  lines: string[];
}

/** MLflow keys: alphanumerics, `_ - . / space`, at most `maxKey` characters. */
export function sanitizeKey(key: string, limits: MlflowLimits, notes: Notes, what: string): string {
  // A forEach iteration `train[3]` becomes `train.3`; any other character MLflow refuses becomes `_`.
  let clean = key.replace(/\[(\d+)\]/g, '.$1').replace(/[^A-Za-z0-9_\-./ ]/g, '_');
  if (clean.length > limits.maxKeyLength) clean = clean.slice(0, limits.maxKeyLength);
  if (clean === '') clean = '_';
  if (clean !== key) notes.lines.push(`${what} ${JSON.stringify(key)} is logged as ${JSON.stringify(clean)}`);
  return clean;
}

function fitValue(value: string, max: number, notes: Notes, what: string): string {
  if (value.length <= max) return value;
  notes.lines.push(`${what} was cut to ${max} of its ${value.length} characters (MLflow's limit)`);
  return value.slice(0, max);
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

/** `{a: {b: 1}, c: [1]}` -> `a.b = "1"`, `c = "[1]"`: objects are flattened, lists kept as JSON. */
export function flattenParams(params: Record<string, unknown>, prefix = ''): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(params)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
      out.push(...flattenParams(value as Record<string, unknown>, path));
    } else {
      out.push([path, value]);
    }
  }
  return out;
}

/**
 * Run params, then the param inputs each task consumed (last attempt), as `<task>.<input>`.
 * Duplicated keys keep the first value (a run param wins over a task input).
 */
export function buildParams(run: RunRecord, inputs: readonly TaskInputRecord[], limits: MlflowLimits, notes: Notes): MlflowTag[] {
  const entries = flattenParams(run.params);
  const lastAttempt = new Map<string, number>();
  for (const input of inputs) lastAttempt.set(input.task, Math.max(lastAttempt.get(input.task) ?? 0, input.attempt));
  for (const input of inputs) {
    if (input.kind !== 'param' || input.attempt !== lastAttempt.get(input.task)) continue;
    entries.push([`${input.task}.${input.name}`, input.value]);
  }
  const seen = new Set<string>();
  const params: MlflowTag[] = [];
  for (const [rawKey, value] of entries) {
    const key = sanitizeKey(rawKey, limits, notes, 'param');
    if (seen.has(key)) {
      notes.lines.push(`param ${JSON.stringify(rawKey)} is not logged: another value already has the key ${JSON.stringify(key)}`);
      continue;
    }
    seen.add(key);
    params.push({ key, value: fitValue(stringify(value), limits.maxParamValueLength, notes, `param ${key}`) });
  }
  return params;
}

/** Who started the run, without secrets: `cli`, `api:<idempotency key>`, `event:<ids>`, `parent:<run>`. */
function describeOrigin(run: RunRecord): string {
  const detail = run.origin.detail ?? {};
  switch (run.origin.kind) {
    case 'event': {
      const ids = Array.isArray(detail.eventIds) ? detail.eventIds.map(String).join(',') : '';
      return ids === '' ? 'event' : `event:${ids}`;
    }
    case 'api':
      return typeof detail.idempotencyKey === 'string' ? `api:${detail.idempotencyKey}` : 'api';
    case 'parent':
      return typeof detail.runId === 'string' ? `parent:${detail.runId}` : 'parent';
    case 'schedule':
      return detail.tick === undefined ? 'schedule' : `schedule:${stringify(detail.tick)}`;
    default:
      return run.origin.kind;
  }
}

/** The lane the run belongs to, as the tag shows it. */
function laneOf(run: RunRecord): string {
  return runLane(run);
}

export function experimentName(run: RunRecord, prefix = ''): string {
  return `${prefix}${run.experiment ?? run.spec.experiment ?? run.workflow}`;
}

export function runName(run: RunRecord): string {
  return `${run.workflow}-${run.id}`;
}

export function buildTags(run: RunRecord, limits: MlflowLimits, notes: Notes): MlflowTag[] {
  const tags: [string, string][] = [
    [RUN_ID_TAG, run.id],
    ['tandem.workflow', run.workflow],
    ['tandem.version', run.version],
    ['tandem.lane', laneOf(run)],
    ['tandem.origin', describeOrigin(run)],
    ['tandem.status', run.status],
    ['mlflow.runName', runName(run)],
  ];
  if (run.message !== undefined) tags.push(['tandem.message', run.message]);
  if (run.sourceFile !== undefined) tags.push(['mlflow.source.name', run.sourceFile]);
  return tags.map(([key, value]) => ({ key, value: fitValue(value, limits.maxTagValueLength, notes, `tag ${key}`) }));
}

/**
 * Metric keys for every metric row of the run: the metric's name when one task key reports it,
 * `<task>.<name>` for each reporter when several do (forEach iterations, two evaluation tasks).
 */
export function metricKeys(metrics: readonly MetricRecord[], limits: MlflowLimits, notes: Notes): Map<string, string> {
  const reporters = new Map<string, Set<string>>();
  for (const m of metrics) {
    let set = reporters.get(m.name);
    if (set === undefined) reporters.set(m.name, (set = new Set()));
    set.add(m.task);
  }
  const keys = new Map<string, string>();
  for (const [name, tasks] of reporters) {
    for (const task of tasks) {
      const raw = tasks.size === 1 ? name : `${task}.${name}`;
      keys.set(metricId(task, name), sanitizeKey(raw, limits, notes, 'metric'));
    }
  }
  return keys;
}

export function metricId(task: string, name: string): string {
  return `${task}\u0000${name}`;
}

export function toMlflowMetric(record: MetricRecord, key: string): MlflowMetric {
  const value = record.value;
  let encoded: MlflowMetric['value'];
  if (Number.isNaN(value)) encoded = 'NaN';
  else if (value === Infinity) encoded = 'Infinity';
  else if (value === -Infinity) encoded = '-Infinity';
  else encoded = value;
  return { key, value: encoded, timestamp: record.time, step: record.step ?? 0 };
}

const STATUS: Record<RunStatus, MlflowRunStatus> = {
  Pending: 'SCHEDULED',
  Running: 'RUNNING',
  Succeeded: 'FINISHED',
  Failed: 'FAILED',
  Error: 'FAILED',
  Cancelled: 'KILLED',
  // What a lost run did is unknown; it did not finish.
  Lost: 'FAILED',
};

export function mlflowStatus(status: RunStatus): MlflowRunStatus {
  return STATUS[status];
}

/** The run's description in the MLflow UI (tag mlflow.note.content). */
export function describeRun(run: RunRecord, notes: Notes): string {
  const lines = [`tandem run ${run.id} of workflow ${run.workflow} ${run.version}, started by ${describeOrigin(run)}: ${run.status}.`];
  if (run.message !== undefined) lines.push('', run.message);
  if (notes.lines.length > 0) lines.push('', 'Changed to fit MLflow:', ...[...new Set(notes.lines)].map((line) => `- ${line}`));
  return lines.join('\n');
}

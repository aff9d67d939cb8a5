// The MLflow test double's state and rules (the HTTP side is double.ts). Written from MLflow's
// service.proto (messages Experiment, RunInfo, LogBatch and their rpcs' documented errors), not
// from MLflow's code: it keeps experiments, runs, params, tags, metric histories and uploaded
// artifacts in memory, and refuses what the tracking server refuses, with the same HTTP status
// and error_code: unknown ids (404 RESOURCE_DOES_NOT_EXIST), a taken experiment name (400
// RESOURCE_ALREADY_EXISTS), missing fields, log-batch over its limits, a param whose value changes
// (400 INVALID_PARAMETER_VALUE).
import { randomBytes } from 'node:crypto';

export class DoubleError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

interface StoredMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface StoredRun {
  info: {
    run_id: string;
    run_uuid: string;
    experiment_id: string;
    run_name: string;
    status: string;
    start_time?: number;
    end_time?: number;
    artifact_uri: string;
    lifecycle_stage: 'active' | 'deleted';
  };
  params: Map<string, string>;
  tags: Map<string, string>;
  metrics: StoredMetric[];
}

export interface StoredExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: number;
  tags: { key: string; value: string }[];
}

/** LogBatch's documented limits and current MLflow's value lengths. */
const LIMITS = { metrics: 1000, params: 100, tags: 100, entities: 1000, key: 250, paramValue: 6000, tagValue: 8000 };
const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

type Body = Record<string, unknown>;

export const invalid = (message: string) => new DoubleError(400, 'INVALID_PARAMETER_VALUE', message);
const notFound = (message: string) => new DoubleError(404, 'RESOURCE_DOES_NOT_EXIST', message);

function requireString(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw invalid(`Missing value for required parameter '${field}'.`);
  return value;
}

function list(body: Body, field: string): Body[] {
  const value = body[field];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`'${field}' must be a list`);
  return value as Body[];
}

export class MlflowState {
  readonly experiments = new Map<string, StoredExperiment>();
  readonly runs = new Map<string, StoredRun>();
  readonly artifacts = new Map<string, Buffer>();
  private nextExperiment = 1;

  /** Where new experiments put their artifacts; `mlflow-artifacts:` is the server's proxy. */
  constructor(private readonly artifactRoot = 'mlflow-artifacts:') {
    this.experiments.set('0', { experiment_id: '0', name: 'Default', artifact_location: `${artifactRoot}/0`, lifecycle_stage: 'active', creation_time: 0, tags: [] });
  }

  getExperimentByName(query: URLSearchParams): Body {
    const name = query.get('experiment_name');
    if (name === null || name === '') throw invalid("Missing value for required parameter 'experiment_name'.");
    const found = [...this.experiments.values()].find((e) => e.name === name);
    if (found === undefined) throw notFound(`Could not find experiment with name '${name}'`);
    return { experiment: found };
  }

  createExperiment(body: Body): Body {
    const name = requireString(body, 'name');
    if ([...this.experiments.values()].some((e) => e.name === name)) throw new DoubleError(400, 'RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
    const id = String(this.nextExperiment++);
    const tags = list(body, 'tags').map((t) => ({ key: String(t.key), value: String(t.value) }));
    const location = typeof body.artifact_location === 'string' ? body.artifact_location : `${this.artifactRoot}/${id}`;
    this.experiments.set(id, { experiment_id: id, name, artifact_location: location, lifecycle_stage: 'active', creation_time: Date.now(), tags });
    return { experiment_id: id };
  }

  createRun(body: Body): Body {
    // Without experiment_id MLflow uses the Default experiment.
    const experimentId = typeof body.experiment_id === 'string' ? body.experiment_id : '0';
    const experiment = this.experiments.get(experimentId);
    if (experiment === undefined) throw notFound(`No Experiment with id=${experimentId} exists`);
    const id = randomBytes(16).toString('hex');
    const tags = new Map(list(body, 'tags').map((t) => [String(t.key), String(t.value)] as const));
    const runName = typeof body.run_name === 'string' ? body.run_name : (tags.get('mlflow.runName') ?? `run-${id.slice(0, 6)}`);
    tags.set('mlflow.runName', runName);
    const run: StoredRun = {
      info: {
        run_id: id,
        run_uuid: id,
        experiment_id: experimentId,
        run_name: runName,
        status: 'RUNNING',
        ...(typeof body.start_time === 'number' ? { start_time: body.start_time } : {}),
        artifact_uri: `${experiment.artifact_location}/${id}/artifacts`,
        lifecycle_stage: 'active',
      },
      params: new Map(),
      tags,
      metrics: [],
    };
    this.runs.set(id, run);
    return { run: this.runJson(run) };
  }

  updateRun(body: Body): Body {
    const run = this.activeRun(body.run_id ?? body.run_uuid);
    if (body.status !== undefined) {
      if (typeof body.status !== 'string' || !RUN_STATUSES.includes(body.status)) throw invalid(`Invalid value ${JSON.stringify(body.status)} for parameter 'status'`);
      run.info.status = body.status;
    }
    if (body.end_time !== undefined) run.info.end_time = Number(body.end_time);
    if (typeof body.run_name === 'string') {
      run.info.run_name = body.run_name;
      run.tags.set('mlflow.runName', body.run_name);
    }
    return { run_info: run.info };
  }

  getRun(query: URLSearchParams): Body {
    return { run: this.runJson(this.activeRun(query.get('run_id') ?? query.get('run_uuid') ?? undefined)) };
  }

  searchRuns(body: Body): Body {
    const ids = list(body, 'experiment_ids').map(String);
    const max = body.max_results === undefined ? 1000 : Number(body.max_results);
    if (!Number.isInteger(max) || max < 1 || max > 50_000) throw invalid(`Invalid value ${String(body.max_results)} for parameter 'max_results'`);
    const conditions = parseFilter(typeof body.filter === 'string' ? body.filter : '');
    const matches = [...this.runs.values()]
      .filter((r) => ids.includes(r.info.experiment_id) && r.info.lifecycle_stage === 'active')
      .filter((r) => conditions.every(([key, value]) => r.tags.get(key) === value))
      .sort((a, b) => (b.info.start_time ?? 0) - (a.info.start_time ?? 0) || a.info.run_id.localeCompare(b.info.run_id));
    const offset = typeof body.page_token === 'string' ? Number(body.page_token) : 0;
    const page = matches.slice(offset, offset + max);
    return { runs: page.map((r) => this.runJson(r)), ...(offset + max < matches.length ? { next_page_token: String(offset + max) } : {}) };
  }

  getMetricHistory(query: URLSearchParams): Body {
    const run = this.activeRun(query.get('run_id') ?? query.get('run_uuid') ?? undefined);
    const key = query.get('metric_key');
    if (key === null || key === '') throw invalid("Missing value for required parameter 'metric_key'.");
    const encode = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v);
    return { metrics: run.metrics.filter((m) => m.key === key).map((m) => ({ ...m, value: encode(m.value) })) };
  }

  logBatch(body: Body, bytes: number): Body {
    if (bytes > 1_000_000) throw invalid(`Batched logging API requests must be at most 1 MB in size, got ${bytes}`);
    const run = this.activeRun(body.run_id);
    const metrics = list(body, 'metrics');
    const params = list(body, 'params');
    const tags = list(body, 'tags');
    if (metrics.length > LIMITS.metrics) throw invalid(`A batch logging request can contain at most ${LIMITS.metrics} metrics. Got ${metrics.length} metrics.`);
    if (params.length > LIMITS.params) throw invalid(`A batch logging request can contain at most ${LIMITS.params} params. Got ${params.length} params.`);
    if (tags.length > LIMITS.tags) throw invalid(`A batch logging request can contain at most ${LIMITS.tags} tags. Got ${tags.length} tags.`);
    const total = metrics.length + params.length + tags.length;
    if (total > LIMITS.entities) throw invalid(`A batch logging request can contain at most ${LIMITS.entities} metrics, params and tags in total. Got ${total}.`);
    const parsedMetrics = metrics.map(parseMetric);
    const parsedParams = params.map((p) => keyValue(p, 'param', LIMITS.paramValue));
    const parsedTags = tags.map((t) => keyValue(t, 'tag', LIMITS.tagValue));
    const incoming = new Map<string, string>();
    for (const { key, value } of parsedParams) {
      const before = run.params.get(key) ?? incoming.get(key);
      if (before !== undefined && before !== value) {
        throw invalid(`Changing param values is not allowed. Param with key='${key}' was already logged with value='${before}' for run ID='${run.info.run_id}'. Attempted logging new value '${value}'.`);
      }
      incoming.set(key, value);
    }
    for (const [key, value] of incoming) run.params.set(key, value);
    for (const { key, value } of parsedTags) run.tags.set(key, value);
    run.metrics.push(...parsedMetrics);
    return {};
  }

  setTag(body: Body): Body {
    const run = this.activeRun(body.run_id ?? body.run_uuid);
    const key = requireString(body, 'key');
    if (typeof body.value !== 'string') throw invalid("Missing value for required parameter 'value'.");
    const { value } = keyValue({ key, value: body.value }, 'tag', LIMITS.tagValue);
    run.tags.set(key, value);
    return {};
  }

  uploadArtifact(path: string, content: Buffer): void {
    const segments = path.split('/');
    if (path === '' || segments.some((s) => s === '..' || s === '.') || path.startsWith('/')) throw invalid(`Invalid path: ${path}`);
    this.artifacts.set(path, content);
  }

  /** Runs whose tag `key` has `value`. */
  runsTagged(key: string, value: string): StoredRun[] {
    return [...this.runs.values()].filter((r) => r.tags.get(key) === value);
  }

  private activeRun(id: unknown): StoredRun {
    if (typeof id !== 'string' || id === '') throw invalid("Missing value for required parameter 'run_id'.");
    const run = this.runs.get(id);
    if (run === undefined) throw notFound(`Run '${id}' not found`);
    if (run.info.lifecycle_stage !== 'active') throw invalid(`The run ${id} must be in the 'active' state. Current state is deleted.`);
    return run;
  }

  /** RunData as getRun shows it: the latest value of each metric. */
  private runJson(run: StoredRun): Body {
    const latest = new Map<string, StoredMetric>();
    for (const m of run.metrics) {
      const seen = latest.get(m.key);
      if (seen === undefined || m.timestamp > seen.timestamp || (m.timestamp === seen.timestamp && m.value > seen.value)) latest.set(m.key, m);
    }
    const pairs = (map: Map<string, string>) => [...map].map(([key, value]) => ({ key, value }));
    return { info: run.info, data: { metrics: [...latest.values()], params: pairs(run.params), tags: pairs(run.tags) } };
  }
}

function checkKey(key: unknown, what: string): string {
  if (typeof key !== 'string' || key === '') throw invalid(`Missing value for required parameter '${what}.key'.`);
  if (key.length > LIMITS.key) throw invalid(`${what} key '${key.slice(0, 40)}...' had length ${key.length}, which exceeded length limit of ${LIMITS.key}`);
  if (!/^[A-Za-z0-9_\-./ ]+$/.test(key)) throw invalid(`Invalid ${what} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`);
  return key;
}

function keyValue(entry: Body, what: string, max: number): { key: string; value: string } {
  const key = checkKey(entry.key, what);
  if (typeof entry.value !== 'string') throw invalid(`Missing value for required parameter '${what}.value'.`);
  if (entry.value.length > max) throw invalid(`${what} value for key '${key}' had length ${entry.value.length}, which exceeded length limit of ${max}`);
  return { key, value: entry.value };
}

function parseMetric(entry: Body): StoredMetric {
  const key = checkKey(entry.key, 'metric');
  const raw = entry.value;
  const value = raw === 'NaN' ? NaN : raw === 'Infinity' ? Infinity : raw === '-Infinity' ? -Infinity : raw;
  if (typeof value !== 'number') throw invalid(`Got invalid value ${JSON.stringify(raw)} for metric '${key}'. Please specify value as a valid double.`);
  if (typeof entry.timestamp !== 'number' || !Number.isInteger(entry.timestamp)) throw invalid(`Missing value for required parameter 'metrics.timestamp' of metric '${key}'.`);
  const step = entry.step === undefined ? 0 : entry.step;
  if (typeof step !== 'number' || !Number.isInteger(step)) throw invalid(`Invalid value for 'step' of metric '${key}'`);
  return { key, value, timestamp: entry.timestamp, step };
}

/** `tags."a.b" = 'x' and tags.c = 'y'`: the only filter form the mirror sends; anything else is refused. */
function parseFilter(filter: string): [string, string][] {
  if (filter.trim() === '') return [];
  return filter.split(/\s+and\s+/i).map((clause) => {
    const match = /^\s*tags\.(?:"([^"]+)"|`([^`]+)`|([\w.]+))\s*=\s*'((?:[^'\\]|\\.)*)'\s*$/.exec(clause);
    if (match === null) throw invalid(`Error on parsing filter '${filter}': the double supports only tags.<key> = '<value>' clauses`);
    return [match[1] ?? match[2] ?? match[3] ?? '', (match[4] ?? '').replace(/\\'/g, "'")];
  });
}

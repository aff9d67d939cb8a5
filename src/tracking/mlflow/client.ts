// A typed client for the few MLflow REST rpcs the mirror needs, written from MLflow's
// service.proto and mlflow_artifacts.proto: experiments get-by-name/create, runs
// create/update/search/get, metric history, log-batch, set-tag, and artifact upload through the tracking server's
// artifact proxy (mlflow-artifacts). Every failure is an MlflowError that says whether a retry can
// help; the bearer token is sent in a header and never appears in an error or a log.
import { MlflowError, isRetryableStatus } from './errors.js';

export type MlflowRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface MlflowTag {
  key: string;
  value: string;
}

export interface MlflowMetric {
  key: string;
  /** Non-finite values travel as the strings "NaN", "Infinity", "-Infinity" (proto3 JSON). */
  value: number | 'NaN' | 'Infinity' | '-Infinity';
  timestamp: number;
  step: number;
}

export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  lifecycle_stage?: string;
  artifact_location?: string;
}

export interface MlflowRunInfo {
  run_id: string;
  experiment_id: string;
  run_name?: string;
  status?: MlflowRunStatus;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage?: string;
}

export interface MlflowRun {
  info: MlflowRunInfo;
  data?: { metrics?: MlflowMetric[]; params?: MlflowTag[]; tags?: MlflowTag[] };
}

export interface MlflowClientOptions {
  /** The tracking server's base URL, e.g. http://127.0.0.1:5000 (a path prefix is kept). */
  trackingUri: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

export class MlflowClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: MlflowClientOptions) {
    this.base = options.trackingUri.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The experiment with this name, undefined when there is none. */
  async getExperimentByName(name: string): Promise<MlflowExperiment | undefined> {
    try {
      const answer = await this.call<{ experiment?: MlflowExperiment }>('GET', 'experiments/get-by-name', { experiment_name: name });
      return answer.experiment;
    } catch (error) {
      if (error instanceof MlflowError && error.notFound) return undefined;
      throw error;
    }
  }

  /** Creates the experiment; returns its id. RESOURCE_ALREADY_EXISTS when the name is taken. */
  async createExperiment(name: string, tags: MlflowTag[] = []): Promise<string> {
    const answer = await this.call<{ experiment_id?: string }>('POST', 'experiments/create', { name, tags });
    return required(answer.experiment_id, 'experiments/create', 'experiment_id');
  }

  async createRun(request: { experimentId: string; runName?: string; startTime?: number; tags?: MlflowTag[] }): Promise<MlflowRun> {
    const body: Record<string, unknown> = { experiment_id: request.experimentId, tags: request.tags ?? [] };
    if (request.runName !== undefined) body.run_name = request.runName;
    if (request.startTime !== undefined) body.start_time = request.startTime;
    const answer = await this.call<{ run?: MlflowRun }>('POST', 'runs/create', body);
    return required(answer.run, 'runs/create', 'run');
  }

  async updateRun(request: { runId: string; status?: MlflowRunStatus; endTime?: number; runName?: string }): Promise<MlflowRunInfo | undefined> {
    const body: Record<string, unknown> = { run_id: request.runId };
    if (request.status !== undefined) body.status = request.status;
    if (request.endTime !== undefined) body.end_time = request.endTime;
    if (request.runName !== undefined) body.run_name = request.runName;
    const answer = await this.call<{ run_info?: MlflowRunInfo }>('POST', 'runs/update', body);
    return answer.run_info;
  }

  /** One page of runs matching `filter` in the experiments; active runs only. */
  async searchRuns(request: { experimentIds: string[]; filter: string; maxResults?: number; pageToken?: string }): Promise<{ runs: MlflowRun[]; nextPageToken?: string }> {
    const body: Record<string, unknown> = {
      experiment_ids: request.experimentIds,
      filter: request.filter,
      run_view_type: 'ACTIVE_ONLY',
      max_results: request.maxResults ?? 100,
    };
    if (request.pageToken !== undefined) body.page_token = request.pageToken;
    const answer = await this.call<{ runs?: MlflowRun[]; next_page_token?: string }>('POST', 'runs/search', body);
    const page: { runs: MlflowRun[]; nextPageToken?: string } = { runs: answer.runs ?? [] };
    if (answer.next_page_token) page.nextPageToken = answer.next_page_token;
    return page;
  }

  async getRun(runId: string): Promise<MlflowRun> {
    const answer = await this.call<{ run?: MlflowRun }>('GET', 'runs/get', { run_id: runId });
    return required(answer.run, 'runs/get', 'run');
  }

  /** Every logged point of one metric of a run, following pages when the server pages. */
  async getMetricHistory(runId: string, key: string): Promise<MlflowMetric[]> {
    const points: MlflowMetric[] = [];
    let pageToken: string | undefined;
    do {
      const request: Record<string, unknown> = { run_id: runId, metric_key: key };
      if (pageToken !== undefined) request.page_token = pageToken;
      const answer = await this.call<{ metrics?: MlflowMetric[]; next_page_token?: string }>('GET', 'metrics/get-history', request);
      points.push(...(answer.metrics ?? []));
      pageToken = answer.next_page_token || undefined;
    } while (pageToken !== undefined);
    return points;
  }

  /** Within MLflow's limits per request (see batches.ts); the caller splits. */
  async logBatch(request: { runId: string; metrics?: MlflowMetric[]; params?: MlflowTag[]; tags?: MlflowTag[] }): Promise<void> {
    await this.call('POST', 'runs/log-batch', {
      run_id: request.runId,
      metrics: request.metrics ?? [],
      params: request.params ?? [],
      tags: request.tags ?? [],
    });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'runs/set-tag', { run_id: runId, key, value });
  }

  /**
   * Uploads one file through the artifact proxy to `artifactPath`, a path under the proxy's root
   * (for a run whose artifact_uri is mlflow-artifacts:/1/abc/artifacts, `1/abc/artifacts/model.pkl`).
   */
  async uploadArtifact(artifactPath: string, content: Uint8Array): Promise<void> {
    const encoded = artifactPath.split('/').filter((s) => s !== '').map(encodeURIComponent).join('/');
    await this.send('PUT', `${this.base}/api/2.0/mlflow-artifacts/artifacts/${encoded}`, {
      body: content,
      contentType: 'application/octet-stream',
      what: `upload of artifact ${artifactPath}`,
    });
  }

  private async call<T>(method: 'GET' | 'POST', rpc: string, request: Record<string, unknown>): Promise<T> {
    let url = `${this.base}/api/2.0/mlflow/${rpc}`;
    let body: string | undefined;
    if (method === 'GET') {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(request)) query.set(key, String(value));
      url += `?${query.toString()}`;
    } else {
      body = JSON.stringify(request);
    }
    const text = await this.send(method, url, { ...(body === undefined ? {} : { body, contentType: 'application/json' }), what: rpc });
    if (text.trim() === '') return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new MlflowError(`MLflow ${rpc} answered with something that is not JSON; is ${this.base} an MLflow tracking server?`, {
        retryable: false,
        cause: error,
      });
    }
  }

  private async send(method: string, url: string, request: { body?: string | Uint8Array; contentType?: string; what: string }): Promise<string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.contentType !== undefined) headers['content-type'] = request.contentType;
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new MlflowError(`cannot reach the MLflow tracking server at ${this.base} (${request.what}): ${reasonOf(error)}`, {
        retryable: true,
        cause: error,
      });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new MlflowError(`MLflow ${request.what}: the answer was cut off: ${reasonOf(error)}`, { retryable: true, cause: error });
    }
    if (response.ok) return text;
    throw errorFromResponse(response.status, text, request.what);
  }
}

function errorFromResponse(status: number, text: string, what: string): MlflowError {
  let errorCode: string | undefined;
  let message = text.trim().slice(0, 300);
  try {
    const parsed = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    if (typeof parsed.error_code === 'string') errorCode = parsed.error_code;
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not JSON (a proxy's HTML error page): keep the start of the text.
  }
  const hint =
    status === 401 || status === 403
      ? ' (check the token: mlflow.token in tandem.yaml, default the MLFLOW_TRACKING_TOKEN variable)'
      : '';
  return new MlflowError(`MLflow ${what} failed: HTTP ${status}${errorCode ? ` ${errorCode}` : ''}: ${message || 'no message'}${hint}`, {
    status,
    ...(errorCode === undefined ? {} : { errorCode }),
    retryable: isRetryableStatus(status),
  });
}

function required<T>(value: T | undefined, rpc: string, field: string): T {
  if (value === undefined || value === null) {
    throw new MlflowError(`MLflow ${rpc} answered without ${field}; is this an MLflow tracking server of version 2 or newer?`, { retryable: false });
  }
  return value;
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    if (error.name === 'TimeoutError') return 'timed out';
    if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
    return error.message;
  }
  return String(error);
}

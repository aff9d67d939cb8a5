// A small typed client of the Argo Server REST API (types generated from its swagger file): the
// calls tandem's Argo engine makes, each one request, plus the two streams (workflow watch, logs)
// read by the hand-written SSE reader. Errors are the transport's typed errors (409 on a create is
// AlreadyExistsError: the engine names workflows after run ids, so a repeated create is success).
import type { Client } from 'openapi-fetch';
import { Request } from 'undici';
import { createApiClient, ok } from '../../remote/api-client.js';
import { networkError } from '../../remote/network-errors.js';
import { RemoteTransport, type RemoteEndpoint } from '../../remote/transport.js';
import type { components, paths } from './schema.generated.js';
import { DEFAULT_MAX_LINE_CHARS, readResults, readServerSentEvents } from './stream.js';

type Schemas = components['schemas'];
export type Workflow = Schemas['io.argoproj.workflow.v1alpha1.Workflow'];
export type WorkflowList = Schemas['io.argoproj.workflow.v1alpha1.WorkflowList'];
export type WorkflowTemplate = Schemas['io.argoproj.workflow.v1alpha1.WorkflowTemplate'];
export type WorkflowTemplateList = Schemas['io.argoproj.workflow.v1alpha1.WorkflowTemplateList'];
export type CronWorkflow = Schemas['io.argoproj.workflow.v1alpha1.CronWorkflow'];
export type CronWorkflowList = Schemas['io.argoproj.workflow.v1alpha1.CronWorkflowList'];
export type WorkflowWatchEvent = Schemas['io.argoproj.workflow.v1alpha1.WorkflowWatchEvent'];
export type LogEntry = Schemas['io.argoproj.workflow.v1alpha1.LogEntry'];
export type NodeStatus = Schemas['io.argoproj.workflow.v1alpha1.NodeStatus'];

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  limit?: number;
  continue?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Watch from here (a list's metadata.resourceVersion), so nothing between list and watch is missed. */
  resourceVersion?: string;
  signal?: AbortSignal;
}

export interface PodLogOptions {
  podName: string;
  /** Default `main`: the step's own container, not Argo's wait/init sidecars. */
  container?: string;
  follow?: boolean;
  tailLines?: number;
  signal?: AbortSignal;
}

export interface ArgoClientOptions extends RemoteEndpoint {
  /** Longest SSE line accepted (characters); see stream.ts. */
  maxStreamLineChars?: number;
}

const SERVICE = 'Argo Server';

export class ArgoClient {
  private readonly transport: RemoteTransport;
  private readonly api: Client<paths>;
  private readonly maxLine: number;

  constructor(options: ArgoClientOptions, env: NodeJS.ProcessEnv = process.env) {
    this.transport = new RemoteTransport(SERVICE, options, env);
    this.api = createApiClient<paths>(this.transport);
    this.maxLine = options.maxStreamLineChars ?? DEFAULT_MAX_LINE_CHARS;
  }

  async createWorkflow(namespace: string, workflow: Workflow): Promise<Workflow> {
    const path = `/api/v1/workflows/${namespace}`;
    const result = await this.api.POST('/api/v1/workflows/{namespace}', { params: { path: { namespace } }, body: { namespace, workflow } });
    return ok(result, this.at('POST', path));
  }

  async getWorkflow(namespace: string, name: string): Promise<Workflow> {
    const result = await this.api.GET('/api/v1/workflows/{namespace}/{name}', { params: { path: { namespace, name } } });
    return ok(result, this.at('GET', `/api/v1/workflows/${namespace}/${name}`));
  }

  async listWorkflows(namespace: string, options: ListOptions = {}): Promise<WorkflowList> {
    const result = await this.api.GET('/api/v1/workflows/{namespace}', { params: { path: { namespace }, query: listQuery(options) } });
    return ok(result, this.at('GET', `/api/v1/workflows/${namespace}`));
  }

  async stopWorkflow(namespace: string, name: string, message?: string): Promise<Workflow> {
    const result = await this.api.PUT('/api/v1/workflows/{namespace}/{name}/stop', { params: { path: { namespace, name } }, body: { namespace, name, message } });
    return ok(result, this.at('PUT', `/api/v1/workflows/${namespace}/${name}/stop`));
  }

  async terminateWorkflow(namespace: string, name: string): Promise<Workflow> {
    const result = await this.api.PUT('/api/v1/workflows/{namespace}/{name}/terminate', { params: { path: { namespace, name } }, body: { namespace, name } });
    return ok(result, this.at('PUT', `/api/v1/workflows/${namespace}/${name}/terminate`));
  }

  /** Re-runs the failed nodes of a finished workflow, keeping what succeeded (unless restartSuccessful). */
  async retryWorkflow(namespace: string, name: string, options: { restartSuccessful?: boolean; nodeFieldSelector?: string } = {}): Promise<Workflow> {
    const result = await this.api.PUT('/api/v1/workflows/{namespace}/{name}/retry', { params: { path: { namespace, name } }, body: { namespace, name, ...options } });
    return ok(result, this.at('PUT', `/api/v1/workflows/${namespace}/${name}/retry`));
  }

  /** A new workflow from this one's spec; `memoized` reuses the outputs of nodes that succeeded. */
  async resubmitWorkflow(namespace: string, name: string, options: { memoized?: boolean } = {}): Promise<Workflow> {
    const result = await this.api.PUT('/api/v1/workflows/{namespace}/{name}/resubmit', { params: { path: { namespace, name } }, body: { namespace, name, ...options } });
    return ok(result, this.at('PUT', `/api/v1/workflows/${namespace}/${name}/resubmit`));
  }

  async deleteWorkflow(namespace: string, name: string): Promise<void> {
    await this.api.DELETE('/api/v1/workflows/{namespace}/{name}', { params: { path: { namespace, name } } });
  }

  async createWorkflowTemplate(namespace: string, template: WorkflowTemplate): Promise<WorkflowTemplate> {
    const result = await this.api.POST('/api/v1/workflow-templates/{namespace}', { params: { path: { namespace } }, body: { namespace, template } });
    return ok(result, this.at('POST', `/api/v1/workflow-templates/${namespace}`));
  }

  async listWorkflowTemplates(namespace: string, options: ListOptions = {}): Promise<WorkflowTemplateList> {
    const result = await this.api.GET('/api/v1/workflow-templates/{namespace}', { params: { path: { namespace }, query: listQuery(options) } });
    return ok(result, this.at('GET', `/api/v1/workflow-templates/${namespace}`));
  }

  async deleteWorkflowTemplate(namespace: string, name: string): Promise<void> {
    await this.api.DELETE('/api/v1/workflow-templates/{namespace}/{name}', { params: { path: { namespace, name } } });
  }

  async createCronWorkflow(namespace: string, cronWorkflow: CronWorkflow): Promise<CronWorkflow> {
    const result = await this.api.POST('/api/v1/cron-workflows/{namespace}', { params: { path: { namespace } }, body: { namespace, cronWorkflow } });
    return ok(result, this.at('POST', `/api/v1/cron-workflows/${namespace}`));
  }

  async listCronWorkflows(namespace: string, options: ListOptions = {}): Promise<CronWorkflowList> {
    const result = await this.api.GET('/api/v1/cron-workflows/{namespace}', { params: { path: { namespace }, query: listQuery(options) } });
    return ok(result, this.at('GET', `/api/v1/cron-workflows/${namespace}`));
  }

  async deleteCronWorkflow(namespace: string, name: string): Promise<void> {
    await this.api.DELETE('/api/v1/cron-workflows/{namespace}/{name}', { params: { path: { namespace, name } } });
  }

  /**
   * Workflow changes as they happen (`GET /api/v1/workflow-events/{namespace}`). Ends when the
   * server closes the stream; breaking out of the loop (or aborting `signal`) closes the request.
   */
  watchWorkflows(namespace: string, options: WatchOptions = {}): AsyncIterable<WorkflowWatchEvent> {
    const query = new URLSearchParams();
    if (options.labelSelector !== undefined) query.set('listOptions.labelSelector', options.labelSelector);
    if (options.fieldSelector !== undefined) query.set('listOptions.fieldSelector', options.fieldSelector);
    if (options.resourceVersion !== undefined) query.set('listOptions.resourceVersion', options.resourceVersion);
    return this.stream<WorkflowWatchEvent>(`/api/v1/workflow-events/${encodeURIComponent(namespace)}`, query, options.signal);
  }

  /** Log lines of one pod of a workflow (`GET .../{name}/log?podName=...`), as `{ content, podName }`. */
  podLogs(namespace: string, workflow: string, options: PodLogOptions): AsyncIterable<LogEntry> {
    const query = new URLSearchParams({ podName: options.podName, 'logOptions.container': options.container ?? 'main' });
    if (options.follow === true) query.set('logOptions.follow', 'true');
    if (options.tailLines !== undefined) query.set('logOptions.tailLines', String(options.tailLines));
    return this.stream<LogEntry>(`/api/v1/workflows/${encodeURIComponent(namespace)}/${encodeURIComponent(workflow)}/log`, query, options.signal);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private at(method: string, path: string): { service: string; method: string; path: string } {
    return { service: SERVICE, method, path };
  }

  private async *stream<T>(path: string, query: URLSearchParams, signal: AbortSignal | undefined): AsyncGenerator<T> {
    const closed = new AbortController();
    const request = new Request(`${this.transport.baseUrl}${path}${query.size > 0 ? `?${query.toString()}` : ''}`, {
      headers: { accept: 'text/event-stream' },
      signal: signal === undefined ? closed.signal : AbortSignal.any([signal, closed.signal]),
    });
    try {
      const response = await this.transport.stream(request);
      if (response.body === null) return;
      const described = this.transport.describe(request);
      try {
        yield* readResults<T>(readServerSentEvents(response.body, described, this.maxLine), described, this.transport.redactor);
      } catch (error) {
        if (signal?.aborted === true) throw signal.reason;
        // A connection reset mid-stream surfaces as undici's error: make it the typed, retryable one.
        throw networkError(described, error, this.transport.redactor);
      }
    } finally {
      // The consumer stopped (break, return, throw) or the stream ended: release the connection.
      closed.abort();
    }
  }
}

function listQuery(options: ListOptions): Record<string, string | undefined> {
  return {
    'listOptions.labelSelector': options.labelSelector,
    'listOptions.fieldSelector': options.fieldSelector,
    'listOptions.resourceVersion': options.resourceVersion,
    'listOptions.limit': options.limit === undefined ? undefined : String(options.limit),
    'listOptions.continue': options.continue,
  };
}

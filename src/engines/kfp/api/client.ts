// A typed client of the KFP v2beta1 REST API (types generated from its swagger file): health,
// pipelines and their versions (uploaded as multipart, as the API file says), experiments, runs
// and recurring runs. Errors are the transport's typed errors.
import type { Client } from 'openapi-fetch';
import { FormData } from 'undici';
import { createApiClient, ok } from '../../remote/api-client.js';
import { RemoteTransport, type RemoteEndpoint } from '../../remote/transport.js';
import { kfpFilter, type FilterCondition } from './filter.js';
import type { components, paths } from './schema.generated.js';

type Schemas = components['schemas'];
export type Pipeline = Schemas['v2beta1Pipeline'];
export type PipelineVersion = Schemas['v2beta1PipelineVersion'];
export type Experiment = Schemas['v2beta1Experiment'];
export type Run = Schemas['v2beta1Run'];
export type RecurringRun = Schemas['v2beta1RecurringRun'];
export type RuntimeState = Schemas['v2beta1RuntimeState'];
export type PipelineTaskDetail = Schemas['v2beta1PipelineTaskDetail'];

export interface ListPage {
  pageSize?: number;
  pageToken?: string;
  sortBy?: string;
  /** AND-ed conditions, sent as the JSON-encoded `filter` parameter (see filter.ts). */
  filter?: readonly FilterCondition[];
}

/** A pipeline file to upload: its IR as YAML or JSON text. */
export interface PipelineFile {
  /** The file name the server sees (its extension tells it YAML from JSON). */
  fileName: string;
  content: string | Uint8Array;
}

const SERVICE = 'KFP API';
const BASE = '/apis/v2beta1';

export class KfpClient {
  private readonly transport: RemoteTransport;
  private readonly api: Client<paths>;

  constructor(options: RemoteEndpoint, env: NodeJS.ProcessEnv = process.env) {
    this.transport = new RemoteTransport(SERVICE, options, env);
    this.api = createApiClient<paths>(this.transport);
  }

  async healthz(): Promise<Schemas['v2beta1GetHealthzResponse']> {
    return ok(await this.api.GET('/apis/v2beta1/healthz'), this.at('GET', `${BASE}/healthz`));
  }

  async uploadPipeline(file: PipelineFile, options: { name?: string; displayName?: string; description?: string; namespace?: string } = {}): Promise<Pipeline> {
    const result = await this.api.POST('/apis/v2beta1/pipelines/upload', {
      params: { query: { name: options.name, display_name: options.displayName, description: options.description, namespace: options.namespace } },
      ...multipart(file),
    });
    return ok(result, this.at('POST', `${BASE}/pipelines/upload`));
  }

  async uploadPipelineVersion(pipelineId: string, file: PipelineFile, options: { name?: string; displayName?: string; description?: string } = {}): Promise<PipelineVersion> {
    const result = await this.api.POST('/apis/v2beta1/pipelines/upload_version', {
      params: { query: { pipelineid: pipelineId, name: options.name, display_name: options.displayName, description: options.description } },
      ...multipart(file),
    });
    return ok(result, this.at('POST', `${BASE}/pipelines/upload_version`));
  }

  async getPipelineByName(name: string, namespace?: string): Promise<Pipeline> {
    const result = await this.api.GET('/apis/v2beta1/pipelines/names/{name}', { params: { path: { name }, query: { namespace } } });
    return ok(result, this.at('GET', `${BASE}/pipelines/names/${name}`));
  }

  async listPipelineVersions(pipelineId: string, page: ListPage = {}): Promise<Schemas['v2beta1ListPipelineVersionsResponse']> {
    const result = await this.api.GET('/apis/v2beta1/pipelines/{pipeline_id}/versions', { params: { path: { pipeline_id: pipelineId }, query: pageQuery(page) } });
    return ok(result, this.at('GET', `${BASE}/pipelines/${pipelineId}/versions`));
  }

  async createExperiment(experiment: Experiment): Promise<Experiment> {
    return ok(await this.api.POST('/apis/v2beta1/experiments', { body: experiment }), this.at('POST', `${BASE}/experiments`));
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const result = await this.api.GET('/apis/v2beta1/experiments/{experiment_id}', { params: { path: { experiment_id: experimentId } } });
    return ok(result, this.at('GET', `${BASE}/experiments/${experimentId}`));
  }

  async listExperiments(page: ListPage & { namespace?: string } = {}): Promise<Schemas['v2beta1ListExperimentsResponse']> {
    const result = await this.api.GET('/apis/v2beta1/experiments', { params: { query: { ...pageQuery(page), namespace: page.namespace } } });
    return ok(result, this.at('GET', `${BASE}/experiments`));
  }

  /** Experiments whose display name is exactly `displayName` (KFP does not make names unique). */
  async findExperiments(displayName: string, namespace?: string): Promise<Experiment[]> {
    const list = await this.listExperiments({ filter: [{ key: 'display_name', value: displayName }], namespace });
    return list.experiments ?? [];
  }

  async createRun(run: Run): Promise<Run> {
    return ok(await this.api.POST('/apis/v2beta1/runs', { body: run }), this.at('POST', `${BASE}/runs`));
  }

  async getRun(runId: string): Promise<Run> {
    const result = await this.api.GET('/apis/v2beta1/runs/{run_id}', { params: { path: { run_id: runId } } });
    return ok(result, this.at('GET', `${BASE}/runs/${runId}`));
  }

  async listRuns(page: ListPage & { experimentId?: string; namespace?: string } = {}): Promise<Schemas['v2beta1ListRunsResponse']> {
    const query = { ...pageQuery(page), experiment_id: page.experimentId, namespace: page.namespace };
    return ok(await this.api.GET('/apis/v2beta1/runs', { params: { query } }), this.at('GET', `${BASE}/runs`));
  }

  async terminateRun(runId: string): Promise<void> {
    await this.api.POST('/apis/v2beta1/runs/{run_id}:terminate', { params: { path: { run_id: runId } } });
  }

  /** Re-runs a failed or terminated run from where it stopped (the server reuses what succeeded). */
  async retryRun(runId: string): Promise<void> {
    await this.api.POST('/apis/v2beta1/runs/{run_id}:retry', { params: { path: { run_id: runId } } });
  }

  async deleteRun(runId: string): Promise<void> {
    await this.api.DELETE('/apis/v2beta1/runs/{run_id}', { params: { path: { run_id: runId } } });
  }

  async createRecurringRun(recurringRun: RecurringRun): Promise<RecurringRun> {
    return ok(await this.api.POST('/apis/v2beta1/recurringruns', { body: recurringRun }), this.at('POST', `${BASE}/recurringruns`));
  }

  async getRecurringRun(recurringRunId: string): Promise<RecurringRun> {
    const result = await this.api.GET('/apis/v2beta1/recurringruns/{recurring_run_id}', { params: { path: { recurring_run_id: recurringRunId } } });
    return ok(result, this.at('GET', `${BASE}/recurringruns/${recurringRunId}`));
  }

  async listRecurringRuns(page: ListPage & { experimentId?: string; namespace?: string } = {}): Promise<Schemas['v2beta1ListRecurringRunsResponse']> {
    const query = { ...pageQuery(page), experiment_id: page.experimentId, namespace: page.namespace };
    return ok(await this.api.GET('/apis/v2beta1/recurringruns', { params: { query } }), this.at('GET', `${BASE}/recurringruns`));
  }

  async deleteRecurringRun(recurringRunId: string): Promise<void> {
    await this.api.DELETE('/apis/v2beta1/recurringruns/{recurring_run_id}', { params: { path: { recurring_run_id: recurringRunId } } });
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private at(method: string, path: string): { service: string; method: string; path: string } {
    return { service: SERVICE, method, path };
  }
}

function pageQuery(page: ListPage): { page_size?: number; page_token?: string; sort_by?: string; filter?: string } {
  return { page_size: page.pageSize, page_token: page.pageToken, sort_by: page.sortBy, filter: kfpFilter(page.filter ?? []) };
}

/**
 * The request options of an upload: the file as the `uploadfile` part of a multipart body. The
 * FormData is undici's (the transport's fetch is undici's); its Content-Type with the boundary is
 * set by the request itself, so openapi-fetch's JSON default is unset.
 */
function multipart(file: PipelineFile): { body: { uploadfile: string }; bodySerializer: () => FormData; headers: { 'Content-Type': null } } {
  const form = new FormData();
  const bytes = typeof file.content === 'string' ? new TextEncoder().encode(file.content) : file.content;
  form.append('uploadfile', new Blob([bytes]), file.fileName);
  // `body` only satisfies the generated type (uploadfile is "binary", typed string); the serializer sends the form.
  return { body: { uploadfile: file.fileName }, bodySerializer: () => form, headers: { 'Content-Type': null } };
}

// In-process test double of the Kubeflow Pipelines API server, written for tandem from the official
// API file ../shared/specs/kfp/kfp_api_v2beta1.swagger.json, its answers shaped like the messages
// KFP's own marshaller writes (../shared/fixtures/kfp-api-v2beta1); not upstream code.
//
// Pipelines (multipart upload and upload_version, by id and by name), experiments, runs with task
// details, recurring runs, in memory. The test moves runs on with advance(), makes a run's workflow
// vanish with orphan() (KFP then keeps reporting RUNNING: the engine must find out by itself), and
// arms faults on `faults`. Auth: a bearer token, or a user-id header (`kubeflow-userid` unless
// configured) as a multi-user Kubeflow's gateway sets it; neither configured means no auth.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { SPECS_DIR } from '../helpers/shared.js';
import { ApiDouble, ApiError, GRPC, HttpDouble, type Handler, type Incoming, type Outgoing } from './http-double.js';
import { parseFilter, type Fields } from './kfp-filter.js';
import { MessageShapes } from './kfp-messages.js';
import { advanceRun, newRun, protoTime, retryRun, terminateRun, type RuntimeState, type StoredRun, type TaskProgress } from './kfp-runs.js';
import { parseMultipart } from './multipart.js';
import { SwaggerContract } from './swagger-validator.js';

export const KFP_SWAGGER = join(SPECS_DIR, 'kfp/kfp_api_v2beta1.swagger.json');

export interface KfpApiOptions {
  /** Bearer tokens the server accepts. */
  tokens?: string[];
  /** Multi-user mode: the header carrying the user (default `kubeflow-userid`), an optional prefix, and the users known. */
  userHeader?: { name?: string; prefix?: string; users: string[] };
  /** An HTTPS server (node:https) to serve on instead of plain HTTP. */
  server?: Server;
}

type Values = Record<string, unknown>;

interface StoredPipeline {
  values: Values;
  versions: Values[];
}

const DEFAULT_EXPERIMENT = 'Default';

function page<T>(items: T[], query: URLSearchParams): { items: T[]; next: string } {
  const size = Number(query.get('page_size') ?? '0');
  const from = Number(query.get('page_token') || '0');
  if (!Number.isInteger(from) || from < 0) throw new ApiError(GRPC.INVALID_ARGUMENT, `Invalid input error: invalid page token ${JSON.stringify(query.get('page_token'))}`);
  if (size <= 0) return { items: items.slice(from), next: '' };
  const next = from + size < items.length ? String(from + size) : '';
  return { items: items.slice(from, from + size), next };
}

function sorted(items: Values[], sortBy: string | null): Values[] {
  if (sortBy === null || sortBy === '') return items;
  const m = /^(created_at|display_name|name)( (asc|desc))?$/.exec(sortBy);
  if (m === null) throw new ApiError(GRPC.UNIMPLEMENTED, `the test double cannot sort by ${JSON.stringify(sortBy)}`);
  const key = m[1] ?? '';
  const out = [...items].sort((a, b) => String(a[key] ?? '').localeCompare(String(b[key] ?? '')));
  return m[3] === 'desc' ? out.reverse() : out;
}

function fields(values: Values, keys: readonly string[]): Fields {
  return Object.fromEntries(keys.map((k) => [k, String(values[k] ?? '')]));
}

function body(r: Incoming): Values {
  return (r.body ?? {}) as Values;
}

function required(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new ApiError(GRPC.INVALID_ARGUMENT, `Invalid input error: ${what} is required`);
  return value;
}

export class KfpApiDouble extends ApiDouble {
  readonly http: HttpDouble;
  private readonly shapes = new MessageShapes(KFP_SWAGGER);
  private readonly experiments = new Map<string, Values>();
  private readonly pipelines = new Map<string, StoredPipeline>();
  private readonly runs = new Map<string, StoredRun>();
  private readonly recurring = new Map<string, Values>();

  constructor(private readonly options: KfpApiOptions = {}) {
    super();
    this.http = new HttpDouble(
      {
        contract: SwaggerContract.load(KFP_SWAGGER, { nullable: true, strict: true }),
        handlers: this.handlers(),
        errorBody: (error) => ({ code: error.grpcCode, message: error.message, details: [] }),
        authenticate: (headers, operationId) => this.authenticate(headers, operationId),
        // protojson refuses unknown fields.
        unknownBodyFields: 'refuse',
        bodyReaders: { UploadPipeline: parseMultipart, UploadPipelineVersion: parseMultipart },
      },
      options.server,
    );
  }

  private authenticate(headers: IncomingMessage['headers'], operationId: string): ApiError | undefined {
    const { tokens, userHeader } = this.options;
    if ((tokens === undefined && userHeader === undefined) || operationId === 'HealthzService_GetHealthz') return undefined;
    const auth = headers.authorization;
    if (tokens !== undefined && typeof auth === 'string' && auth.startsWith('Bearer ')) {
      return tokens.includes(auth.slice(7)) ? undefined : new ApiError(GRPC.UNAUTHENTICATED, 'Unauthenticated: the bearer token is not valid');
    }
    if (userHeader !== undefined) {
      const value = headers[(userHeader.name ?? 'kubeflow-userid').toLowerCase()];
      if (typeof value === 'string') {
        const prefix = userHeader.prefix ?? '';
        const user = value.startsWith(prefix) ? value.slice(prefix.length) : undefined;
        return user !== undefined && userHeader.users.includes(user)
          ? undefined
          : new ApiError(GRPC.PERMISSION_DENIED, `PermissionDenied: user ${JSON.stringify(value)} is not allowed`);
      }
    }
    return new ApiError(GRPC.UNAUTHENTICATED, 'Unauthenticated: Request header error: there is no user identity header.');
  }

  // --- what the test drives -------------------------------------------------------------------

  /** Moves a run on: its state, the tasks given (by name), the error of a failed run. */
  advance(runId: string, state: RuntimeState, tasks: TaskProgress[] = [], error?: { code: number; message: string }): void {
    advanceRun(this.run(runId), state, tasks, error);
  }

  /** The Argo workflow behind the run is gone: KFP keeps answering RUNNING and nothing moves it. */
  orphan(runId: string): void {
    const run = this.run(runId);
    advanceRun(run, 'RUNNING');
    run.orphaned = true;
  }

  /** Runs as stored, for assertions (e.g. exactly one run after a retried create). */
  listRuns(): Values[] {
    return [...this.runs.values()].map((r) => this.presentRun(r));
  }

  private run(runId: string): StoredRun {
    const run = this.runs.get(runId);
    if (run === undefined) throw new ApiError(GRPC.NOT_FOUND, `Failed to get run: ResourceNotFoundError: Run ${runId} not found`);
    return run;
  }

  // --- presentation ---------------------------------------------------------------------------

  private presentRun(run: StoredRun): Values {
    const details = [...run.tasks.values()].map((task) => this.shapes.fill('v2beta1PipelineTaskDetail', task));
    const runDetails = details.length === 0 ? undefined : this.shapes.fill('v2beta1RunDetails', { task_details: details });
    return this.shapes.fill('v2beta1Run', { ...run.values, ...(runDetails !== undefined ? { run_details: runDetails } : {}) });
  }

  private defaultExperiment(namespace: string): string {
    const found = [...this.experiments.values()].find((e) => e.display_name === DEFAULT_EXPERIMENT && e.namespace === namespace);
    if (found !== undefined) return String(found.experiment_id);
    return String(this.createExperiment({ display_name: DEFAULT_EXPERIMENT, namespace }).experiment_id);
  }

  private createExperiment(input: Values): Values {
    const name = required(input.display_name, 'experiment display_name');
    const namespace = String(input.namespace ?? '');
    if ([...this.experiments.values()].some((e) => e.display_name === name && e.namespace === namespace)) {
      throw new ApiError(GRPC.ALREADY_EXISTS, `Failed to create a new experiment: AlreadyExistError: experiment with name ${JSON.stringify(name)} already exists in namespace ${JSON.stringify(namespace)}`);
    }
    const experiment = this.shapes.fill('v2beta1Experiment', {
      ...input,
      experiment_id: randomUUID(),
      namespace,
      created_at: protoTime(),
      storage_state: 'AVAILABLE',
    });
    this.experiments.set(String(experiment.experiment_id), experiment);
    return experiment;
  }

  private experiment(id: string): Values {
    const found = this.experiments.get(id);
    if (found === undefined) throw new ApiError(GRPC.NOT_FOUND, `Failed to get experiment: ResourceNotFoundError: Experiment ${id} not found`);
    return found;
  }

  private pipeline(id: string): StoredPipeline {
    const found = this.pipelines.get(id);
    if (found === undefined) throw new ApiError(GRPC.NOT_FOUND, `Failed to get pipeline: ResourceNotFoundError: Pipeline ${id} not found`);
    return found;
  }

  /** The pipeline spec in an uploaded file: its first YAML (or JSON) document, which must name the pipeline. */
  private readSpec(r: Incoming): { spec: Values; filename: string } {
    const parts = r.body as ReturnType<typeof parseMultipart>;
    const file = parts.find((p) => p.name === 'uploadfile');
    if (file === undefined) throw new ApiError(GRPC.INVALID_ARGUMENT, 'Failed to create a pipeline: the uploadfile form field is missing');
    const docs = parseAllDocuments(file.data.toString('utf8'));
    const first = Array.isArray(docs) ? docs[0] : undefined;
    const spec = first?.toJS() as unknown;
    if (typeof spec !== 'object' || spec === null || (first?.errors.length ?? 0) > 0) {
      throw new ApiError(GRPC.INVALID_ARGUMENT, 'Failed to create a pipeline: Invalid input error: the uploaded file is not a pipeline spec');
    }
    const info = (spec as Values).pipelineInfo ?? (spec as Values).pipeline_info;
    if (typeof info !== 'object' || info === null || typeof (info as Values).name !== 'string') {
      throw new ApiError(GRPC.INVALID_ARGUMENT, 'Failed to create a pipeline: Invalid input error: pipeline spec has no pipelineInfo.name');
    }
    return { spec: spec as Values, filename: (file.filename ?? 'pipeline').replace(/\.(ya?ml|json)$/, '') };
  }

  private addVersion(pipeline: StoredPipeline, input: Values): Values {
    const name = String(input.name);
    if (pipeline.versions.some((v) => v.name === name)) {
      throw new ApiError(GRPC.ALREADY_EXISTS, `Failed to create a pipeline version: AlreadyExistError: pipeline version ${JSON.stringify(name)} already exists`);
    }
    const version = this.shapes.fill('v2beta1PipelineVersion', {
      display_name: name,
      ...input,
      pipeline_id: pipeline.values.pipeline_id,
      pipeline_version_id: randomUUID(),
      created_at: protoTime(),
    });
    pipeline.versions.push(version);
    return version;
  }

  private createPipeline(input: Values): StoredPipeline {
    const name = required(input.name ?? input.display_name, 'pipeline name');
    const namespace = String(input.namespace ?? '');
    if ([...this.pipelines.values()].some((p) => p.values.name === name && p.values.namespace === namespace)) {
      throw new ApiError(GRPC.ALREADY_EXISTS, `Failed to create a pipeline: AlreadyExistError: pipeline with name ${JSON.stringify(name)} already exists in namespace ${JSON.stringify(namespace)}`);
    }
    const values = this.shapes.fill('v2beta1Pipeline', { display_name: name, ...input, name, namespace, pipeline_id: randomUUID(), created_at: protoTime() });
    const stored = { values, versions: [] };
    this.pipelines.set(String(values.pipeline_id), stored);
    return stored;
  }

  private versionRef(input: Values): Values {
    const ref = input.pipeline_version_reference as Values | undefined;
    if (ref === undefined || ref === null) {
      if (input.pipeline_spec === undefined || input.pipeline_spec === null) {
        throw new ApiError(GRPC.INVALID_ARGUMENT, 'Invalid input error: a run needs pipeline_version_reference or pipeline_spec');
      }
      return {};
    }
    const pipeline = this.pipeline(required(ref.pipeline_id, 'pipeline_version_reference.pipeline_id'));
    const versionId = typeof ref.pipeline_version_id === 'string' && ref.pipeline_version_id !== '' ? ref.pipeline_version_id : pipeline.versions.at(-1)?.pipeline_version_id;
    if (!pipeline.versions.some((v) => v.pipeline_version_id === versionId)) {
      throw new ApiError(GRPC.NOT_FOUND, `Failed to get pipeline version: ResourceNotFoundError: PipelineVersion ${String(versionId)} not found`);
    }
    return { pipeline_version_reference: { pipeline_id: pipeline.values.pipeline_id, pipeline_version_id: versionId } };
  }

  // --- handlers -------------------------------------------------------------------------------

  private handlers(): Record<string, Handler> {
    const json = (value: unknown): Outgoing => ({ body: value });
    const id = (r: Incoming, name: string): string => r.params[name] ?? '';
    const list = (items: Values[], r: Incoming, keys: readonly string[], extra: (v: Values) => boolean = () => true) => {
      const filter = parseFilter(r.query.get('filter'), keys);
      const namespace = r.query.get('namespace');
      const chosen = sorted(items.filter((v) => extra(v) && (namespace === null || namespace === '' || v.namespace === undefined || v.namespace === namespace) && filter(fields(v, keys))), r.query.get('sort_by'));
      const { items: pageItems, next } = page(chosen, r.query);
      return { pageItems, next, total: chosen.length };
    };
    return {
      HealthzService_GetHealthz: () => json(this.shapes.fill('v2beta1GetHealthzResponse', { multi_user: this.options.userHeader !== undefined, pipeline_store: 'database' })),

      ExperimentService_CreateExperiment: (r) => json(this.createExperiment(body(r))),
      ExperimentService_GetExperiment: (r) => json(this.experiment(id(r, 'experiment_id'))),
      ExperimentService_ListExperiments: (r) => {
        const { pageItems, next, total } = list([...this.experiments.values()], r, ['display_name', 'experiment_id', 'storage_state']);
        return json(this.shapes.fill('v2beta1ListExperimentsResponse', { experiments: pageItems, total_size: total, next_page_token: next }));
      },
      ExperimentService_DeleteExperiment: (r) => {
        this.experiment(id(r, 'experiment_id'));
        this.experiments.delete(id(r, 'experiment_id'));
        return json({});
      },

      UploadPipeline: (r) => {
        const { spec, filename } = this.readSpec(r);
        const name = r.query.get('name') || r.query.get('display_name') || filename;
        const pipeline = this.createPipeline({
          name,
          display_name: r.query.get('display_name') || name,
          description: r.query.get('description') ?? '',
          namespace: r.query.get('namespace') ?? '',
        });
        this.addVersion(pipeline, { name, display_name: r.query.get('display_name') || name, pipeline_spec: spec });
        return json(pipeline.values);
      },
      UploadPipelineVersion: (r) => {
        const { spec, filename } = this.readSpec(r);
        const pipeline = this.pipeline(required(r.query.get('pipelineid'), 'pipelineid'));
        const name = r.query.get('name') || r.query.get('display_name') || filename;
        return json(this.addVersion(pipeline, {
          name,
          display_name: r.query.get('display_name') || name,
          description: r.query.get('description') ?? '',
          pipeline_spec: spec,
        }));
      },
      PipelineService_CreatePipeline: (r) => json(this.createPipeline(body(r)).values),
      PipelineService_GetPipeline: (r) => json(this.pipeline(id(r, 'pipeline_id')).values),
      PipelineService_GetPipelineByName: (r) => {
        const namespace = r.query.get('namespace') ?? '';
        const found = [...this.pipelines.values()].find((p) => p.values.name === id(r, 'name') && p.values.namespace === namespace);
        if (found === undefined) throw new ApiError(GRPC.NOT_FOUND, `Failed to get pipeline by name: ResourceNotFoundError: Pipeline ${id(r, 'name')} not found`);
        return json(found.values);
      },
      PipelineService_ListPipelines: (r) => {
        const { pageItems, next, total } = list([...this.pipelines.values()].map((p) => p.values), r, ['display_name', 'name', 'pipeline_id']);
        return json(this.shapes.fill('v2beta1ListPipelinesResponse', { pipelines: pageItems, total_size: total, next_page_token: next }));
      },
      PipelineService_DeletePipeline: (r) => {
        const pipeline = this.pipeline(id(r, 'pipeline_id'));
        if (pipeline.versions.length > 0 && r.query.get('cascade') !== 'true') {
          throw new ApiError(GRPC.FAILED_PRECONDITION, `Failed to delete pipeline: pipeline ${id(r, 'pipeline_id')} has ${pipeline.versions.length} version(s); delete them first or set cascade`);
        }
        this.pipelines.delete(id(r, 'pipeline_id'));
        return json({});
      },
      PipelineService_ListPipelineVersions: (r) => {
        const { pageItems, next, total } = list(this.pipeline(id(r, 'pipeline_id')).versions, r, ['display_name', 'name', 'pipeline_version_id']);
        return json(this.shapes.fill('v2beta1ListPipelineVersionsResponse', { pipeline_versions: pageItems, total_size: total, next_page_token: next }));
      },
      PipelineService_GetPipelineVersion: (r) => {
        const found = this.pipeline(id(r, 'pipeline_id')).versions.find((v) => v.pipeline_version_id === id(r, 'pipeline_version_id'));
        if (found === undefined) throw new ApiError(GRPC.NOT_FOUND, `Failed to get pipeline version: ResourceNotFoundError: PipelineVersion ${id(r, 'pipeline_version_id')} not found`);
        return json(found);
      },
      PipelineService_DeletePipelineVersion: (r) => {
        const pipeline = this.pipeline(id(r, 'pipeline_id'));
        const before = pipeline.versions.length;
        pipeline.versions = pipeline.versions.filter((v) => v.pipeline_version_id !== id(r, 'pipeline_version_id'));
        if (pipeline.versions.length === before) throw new ApiError(GRPC.NOT_FOUND, `Failed to delete pipeline version: ResourceNotFoundError: PipelineVersion ${id(r, 'pipeline_version_id')} not found`);
        return json({});
      },

      RunService_CreateRun: (r) => {
        const input = body(r);
        required(input.display_name, 'run display_name');
        const ref = this.versionRef(input);
        const experimentId = typeof input.experiment_id === 'string' && input.experiment_id !== '' ? input.experiment_id : this.defaultExperiment('');
        const experiment = this.experiment(experimentId);
        const run = newRun({ ...input, ...ref, experiment_id: experimentId });
        this.runs.set(String(run.values.run_id), run);
        experiment.last_run_created_at = run.values.created_at;
        return json(this.presentRun(run));
      },
      RunService_GetRun: (r) => json(this.presentRun(this.run(id(r, 'run_id')))),
      RunService_ListRuns: (r) => {
        const experimentId = r.query.get('experiment_id');
        const { pageItems, next, total } = list(
          [...this.runs.values()].map((run) => this.presentRun(run)),
          r,
          ['display_name', 'experiment_id', 'run_id', 'state', 'storage_state', 'recurring_run_id'],
          (v) => experimentId === null || experimentId === '' || v.experiment_id === experimentId,
        );
        return json(this.shapes.fill('v2beta1ListRunsResponse', { runs: pageItems, total_size: total, next_page_token: next }));
      },
      RunService_TerminateRun: (r) => {
        terminateRun(this.run(id(r, 'run_id')));
        return json({});
      },
      RunService_RetryRun: (r) => {
        retryRun(this.run(id(r, 'run_id')));
        return json({});
      },
      RunService_DeleteRun: (r) => {
        this.run(id(r, 'run_id'));
        this.runs.delete(id(r, 'run_id'));
        return json({});
      },

      RecurringRunService_CreateRecurringRun: (r) => {
        const input = body(r);
        required(input.display_name, 'recurring run display_name');
        if (input.trigger === undefined || input.trigger === null) throw new ApiError(GRPC.INVALID_ARGUMENT, 'Invalid input error: a recurring run needs a trigger');
        const ref = this.versionRef(input);
        const mode = input.mode === 'DISABLE' ? 'DISABLE' : 'ENABLE';
        const now = protoTime();
        const values = this.shapes.fill('v2beta1RecurringRun', {
          ...input,
          ...ref,
          recurring_run_id: randomUUID(),
          mode,
          status: mode === 'ENABLE' ? 'ENABLED' : 'DISABLED',
          created_at: now,
          updated_at: now,
          experiment_id: typeof input.experiment_id === 'string' && input.experiment_id !== '' ? input.experiment_id : this.defaultExperiment(''),
        });
        this.recurring.set(String(values.recurring_run_id), values);
        return json(values);
      },
      RecurringRunService_GetRecurringRun: (r) => json(this.recurringRun(id(r, 'recurring_run_id'))),
      RecurringRunService_ListRecurringRuns: (r) => {
        const experimentId = r.query.get('experiment_id');
        const { pageItems, next, total } = list([...this.recurring.values()], r, ['display_name', 'experiment_id', 'recurring_run_id'], (v) => experimentId === null || experimentId === '' || v.experiment_id === experimentId);
        return json(this.shapes.fill('v2beta1ListRecurringRunsResponse', { recurringRuns: pageItems, total_size: total, next_page_token: next }));
      },
      RecurringRunService_DeleteRecurringRun: (r) => {
        this.recurringRun(id(r, 'recurring_run_id'));
        this.recurring.delete(id(r, 'recurring_run_id'));
        return json({});
      },
      RecurringRunService_EnableRecurringRun: (r) => this.setMode(id(r, 'recurring_run_id'), 'ENABLE'),
      RecurringRunService_DisableRecurringRun: (r) => this.setMode(id(r, 'recurring_run_id'), 'DISABLE'),
    };
  }

  private recurringRun(recurringId: string): Values {
    const found = this.recurring.get(recurringId);
    if (found === undefined) throw new ApiError(GRPC.NOT_FOUND, `Failed to get recurring run: ResourceNotFoundError: RecurringRun ${recurringId} not found`);
    return found;
  }

  private setMode(recurringId: string, mode: 'ENABLE' | 'DISABLE'): Outgoing {
    const found = this.recurringRun(recurringId);
    found.mode = mode;
    found.status = mode === 'ENABLE' ? 'ENABLED' : 'DISABLED';
    found.updated_at = protoTime();
    return { body: {} };
  }
}

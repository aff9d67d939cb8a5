// In-process test double of Argo Server, written for tandem from the official API file
// ../shared/specs/argo-workflows/swagger.json and the behaviour Argo Server's own e2e test asserts
// (../shared/fixtures/argo-server/argo_server_test.go); not upstream code.
//
// Workflows, WorkflowTemplates and CronWorkflows per namespace in memory; the test plays the
// workflow controller with advance(), setLogs() and removeBehindClient(), and arms faults on
// `faults`. Auth follows the e2e test: no token or an unknown one is 401 (and 401s carry no version
// header), a known token outside its namespaces is 403; `authorization=Bearer …` cookies work too.
// Without `tokens` the double runs like `--auth-mode=server` and ignores credentials.
import type { IncomingMessage, Server } from 'node:http';
import { join } from 'node:path';
import { SPECS_DIR } from '../helpers/shared.js';
import { applyProgress, applyRetry, applyShutdown, isCompleted, present, type Progress, type Workflow } from './argo-progress.js';
import { ObjectStore, Revision, type KubeObject, type StoreEvent } from './argo-store.js';
import { ApiDouble, ApiError, GRPC, HttpDouble, type Handler, type Incoming, type Outgoing, type StreamSink } from './http-double.js';
import { fieldSelector, labelSelector } from './selectors.js';
import { SwaggerContract } from './swagger-validator.js';

export const ARGO_SWAGGER = join(SPECS_DIR, 'argo-workflows/swagger.json');

export interface ArgoServerOptions {
  /** Bearer tokens and the namespaces each may use (`*`: all). Undefined: server auth mode. */
  tokens?: Record<string, string[] | '*'>;
  /** The version header Argo Server puts on authenticated answers. */
  version?: string;
  /** An HTTPS server (node:https) to serve on instead of plain HTTP. */
  server?: Server;
}

interface LogLine {
  podName: string;
  container: string;
  content: string;
}

function bearerTokens(headers: IncomingMessage['headers']): string[] {
  const found: string[] = [];
  const header = headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) found.push(header.slice(7));
  for (const cookie of (headers.cookie ?? '').split(';')) {
    const [key, ...rest] = cookie.trim().split('=');
    const value = decodeURIComponent(rest.join('='));
    if (key === 'authorization' && value.startsWith('Bearer ')) found.push(value.slice(7));
  }
  return found;
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new ApiError(GRPC.INVALID_ARGUMENT, `${what} is required`);
  return value as Record<string, unknown>;
}

export class ArgoServerDouble extends ApiDouble {
  readonly revision = new Revision();
  readonly workflows = new ObjectStore<Workflow>('workflows.argoproj.io', this.revision);
  readonly templates = new ObjectStore<KubeObject>('workflowtemplates.argoproj.io', this.revision);
  readonly cronWorkflows = new ObjectStore<KubeObject>('cronworkflows.argoproj.io', this.revision);
  readonly http: HttpDouble;
  private readonly logs = new Map<string, LogLine[]>();
  private readonly logListeners = new Map<string, Set<(line: LogLine) => void>>();

  constructor(private readonly options: ArgoServerOptions = {}) {
    super();
    const contract = SwaggerContract.load(ARGO_SWAGGER, { nullable: false, strict: true });
    this.http = new HttpDouble(
      {
        contract,
        handlers: this.handlers(),
        // grpc-gateway v1's error body, the shape the file's grpc.gateway.runtime.Error declares.
        errorBody: (error) => ({ code: error.grpcCode, message: error.message, error: error.message }),
        authenticate: (headers, _operationId, params) => this.authenticate(headers, params.namespace),
        // Argo Server decodes with encoding/json: unknown fields are dropped, not refused.
        unknownBodyFields: 'ignore',
        headers: (status): Record<string, string> => (status === 401 ? {} : { 'Grpc-Metadata-Argo-Version': options.version ?? 'v3.7.0-tandem-double' }),
      },
      options.server,
    );
  }

  private authenticate(headers: IncomingMessage['headers'], namespace: string | undefined): ApiError | undefined {
    if (this.options.tokens === undefined) return undefined;
    const known = bearerTokens(headers).filter((token) => this.options.tokens?.[token] !== undefined);
    if (known.length === 0) return new ApiError(GRPC.UNAUTHENTICATED, 'token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/');
    const allowed = known.some((token) => {
      const namespaces = this.options.tokens?.[token];
      return namespaces === '*' || namespace === undefined || (namespaces ?? []).includes(namespace);
    });
    return allowed ? undefined : new ApiError(GRPC.PERMISSION_DENIED, `workflows.argoproj.io is forbidden: User cannot access namespace "${namespace ?? ''}"`);
  }

  // --- what the test drives -------------------------------------------------------------------

  /** Moves a workflow on as the controller would (phase, message, nodes). */
  advance(namespace: string, name: string, progress: Progress): Workflow {
    return this.workflows.update(namespace, name, (wf) => applyProgress(wf, progress));
  }

  /** Deletes a workflow without any client asking (a user's `kubectl delete`, a TTL, a GC). */
  removeBehindClient(namespace: string, name: string): void {
    this.workflows.delete(namespace, name);
  }

  /** The log lines of one pod's container; appended lines reach followers. */
  setLogs(namespace: string, workflow: string, podName: string, lines: string[], container = 'main'): void {
    const key = `${namespace}/${workflow}`;
    const list = this.logs.get(key) ?? [];
    this.logs.set(key, list);
    for (const content of lines) {
      const line = { podName, container, content };
      list.push(line);
      for (const listener of this.logListeners.get(key) ?? []) listener(line);
    }
  }

  // --- handlers -------------------------------------------------------------------------------

  private handlers(): Record<string, Handler> {
    const ns = (r: Incoming): string => r.params.namespace ?? '';
    const name = (r: Incoming): string => r.params.name ?? '';
    const body = (r: Incoming): Record<string, unknown> => (r.body ?? {}) as Record<string, unknown>;
    const json = (value: unknown): Outgoing => ({ body: value });
    const wf = (w: Workflow, hydrate = true): Outgoing => json(present(w, hydrate));
    return {
      WorkflowService_CreateWorkflow: (r) => {
        const request = body(r);
        const workflow = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', ...object(request.workflow, 'workflow') } as Workflow;
        const dryRun = request.serverDryRun === true || ((request.createOptions as { dryRun?: string[] } | undefined)?.dryRun ?? []).includes('All');
        if (dryRun) return json({ ...workflow, metadata: { ...workflow.metadata, namespace: ns(r) } });
        return wf(this.workflows.create(ns(r), { ...workflow, status: {} }));
      },
      WorkflowService_GetWorkflow: (r) => {
        this.refuseFields(r);
        return wf(this.workflows.get(ns(r), name(r)));
      },
      WorkflowService_ListWorkflows: (r) => {
        this.refuseFields(r);
        const items = this.select(this.workflows.list(ns(r)), r).map((w) => present(w, false));
        return json({ metadata: { resourceVersion: this.workflows.resourceVersion }, items });
      },
      WorkflowService_DeleteWorkflow: (r) => {
        this.workflows.delete(ns(r), name(r));
        return json({});
      },
      WorkflowService_StopWorkflow: (r) => this.shutdown(r, 'Stop', body(r).message as string | undefined),
      WorkflowService_TerminateWorkflow: (r) => this.shutdown(r, 'Terminate'),
      WorkflowService_RetryWorkflow: (r) => {
        const current = this.workflows.get(ns(r), name(r));
        const phase = current.status?.phase;
        if (phase !== 'Failed' && phase !== 'Error') {
          throw new ApiError(GRPC.INVALID_ARGUMENT, `Workflow must be Failed/Error to retry`);
        }
        return wf(this.workflows.update(ns(r), name(r), (w) => applyRetry(w, body(r).restartSuccessful === true)));
      },
      WorkflowService_ResubmitWorkflow: (r) => {
        const current = this.workflows.get(ns(r), name(r));
        if (body(r).memoized === true && current.status?.phase !== 'Failed' && current.status?.phase !== 'Error') {
          throw new ApiError(GRPC.INVALID_ARGUMENT, 'workflow must be Failed/Error to resubmit in memoized mode');
        }
        const labels: Record<string, string> = { ...current.metadata.labels, 'workflows.argoproj.io/resubmitted-from-workflow': current.metadata.name ?? '' };
        delete labels['workflows.argoproj.io/phase'];
        delete labels['workflows.argoproj.io/completed'];
        const copy: Workflow = {
          apiVersion: current.apiVersion,
          kind: current.kind,
          metadata: { generateName: `${current.metadata.name ?? ''}-`, labels },
          spec: { ...current.spec },
          status: {},
        };
        delete copy.spec.shutdown;
        return wf(this.workflows.create(ns(r), copy));
      },
      WorkflowService_WatchWorkflows: (r) => this.watch(r),
      WorkflowService_WorkflowLogs: (r) => this.streamLogs(r, r.query.get('podName') ?? undefined),
      WorkflowService_PodLogs: (r) => this.streamLogs(r, r.params.podName),
      WorkflowTemplateService_CreateWorkflowTemplate: (r) =>
        json(this.templates.create(ns(r), { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', ...object(body(r).template, 'template') } as KubeObject)),
      WorkflowTemplateService_GetWorkflowTemplate: (r) => json(this.templates.get(ns(r), name(r))),
      WorkflowTemplateService_ListWorkflowTemplates: (r) =>
        json({ metadata: { resourceVersion: this.templates.resourceVersion }, items: this.select(this.templates.list(ns(r)), r) }),
      WorkflowTemplateService_DeleteWorkflowTemplate: (r) => {
        this.templates.delete(ns(r), name(r));
        return json({});
      },
      CronWorkflowService_CreateCronWorkflow: (r) =>
        json(this.cronWorkflows.create(ns(r), { apiVersion: 'argoproj.io/v1alpha1', kind: 'CronWorkflow', ...object(body(r).cronWorkflow, 'cronWorkflow') } as KubeObject)),
      CronWorkflowService_GetCronWorkflow: (r) => json(this.cronWorkflows.get(ns(r), name(r))),
      CronWorkflowService_ListCronWorkflows: (r) =>
        json({ metadata: { resourceVersion: this.cronWorkflows.resourceVersion }, items: this.select(this.cronWorkflows.list(ns(r)), r) }),
      CronWorkflowService_DeleteCronWorkflow: (r) => {
        this.cronWorkflows.delete(ns(r), name(r));
        return json({});
      },
    };
  }

  /** `fields` trims answers on the real server; the double does not, so it says so rather than ignore it. */
  private refuseFields(r: Incoming): void {
    if (r.query.has('fields')) throw new ApiError(GRPC.UNIMPLEMENTED, 'the test double does not implement the fields parameter');
  }

  private select<T extends KubeObject>(items: T[], r: Incoming): T[] {
    const labels = labelSelector(r.query.get('listOptions.labelSelector'));
    const fields = fieldSelector(r.query.get('listOptions.fieldSelector'));
    return items.filter((item) =>
      labels(item.metadata.labels ?? {}) &&
      fields({ 'metadata.name': item.metadata.name ?? '', 'metadata.namespace': item.metadata.namespace ?? '', 'metadata.uid': item.metadata.uid ?? '' }));
  }

  private shutdown(r: Incoming, strategy: 'Stop' | 'Terminate', message?: string): Outgoing {
    const namespace = r.params.namespace ?? '';
    const name = r.params.name ?? '';
    const current = this.workflows.get(namespace, name);
    if (isCompleted(current.status?.phase)) throw new ApiError(GRPC.INVALID_ARGUMENT, 'cannot shutdown a completed workflow');
    return { body: present(this.workflows.update(namespace, name, (w) => applyShutdown(w, strategy, message)), true) };
  }

  private watch(r: Incoming): Outgoing {
    const namespace = r.params.namespace ?? '';
    const labels = labelSelector(r.query.get('listOptions.labelSelector'));
    const fields = fieldSelector(r.query.get('listOptions.fieldSelector'));
    const matches = (w: Workflow): boolean =>
      w.metadata.namespace === namespace &&
      labels(w.metadata.labels ?? {}) &&
      fields({ 'metadata.name': w.metadata.name ?? '', 'metadata.namespace': namespace, 'metadata.uid': w.metadata.uid ?? '' });
    const pending: Array<StoreEvent<Workflow>> = [];
    let sink: StreamSink | undefined;
    const deliver = (event: StoreEvent<Workflow>): void => {
      if (!matches(event.object)) return;
      if (sink === undefined) pending.push(event);
      else sink.send({ result: { type: event.type, object: present(event.object, false) } });
    };
    // A stale resourceVersion throws 410 Gone here, before the stream starts (the status a client relists on).
    const stop = this.workflows.watch(r.query.get('listOptions.resourceVersion') ?? undefined, deliver);
    return {
      stream: (s) => {
        sink = s;
        for (const event of pending.splice(0)) deliver(event);
        void s.closed.then(stop);
      },
    };
  }

  private streamLogs(r: Incoming, podName: string | undefined): Outgoing {
    const namespace = r.params.namespace ?? '';
    const name = r.params.name ?? '';
    const workflow = this.workflows.get(namespace, name);
    const container = r.query.get('logOptions.container') ?? 'main';
    const grep = r.query.get('grep');
    const wanted = (line: LogLine): boolean =>
      (podName === undefined || podName === '' || line.podName === podName) &&
      line.container === container &&
      (grep === null || new RegExp(grep).test(line.content));
    let lines = (this.logs.get(`${namespace}/${name}`) ?? []).filter(wanted);
    const tail = r.query.get('logOptions.tailLines');
    if (tail !== null) lines = lines.slice(-Number(tail));
    const follow = r.query.get('logOptions.follow') === 'true' && !isCompleted(workflow.status?.phase);
    return {
      stream: (sink) => {
        for (const line of lines) sink.send({ result: { content: line.content, podName: line.podName } });
        if (!follow) {
          sink.end();
          return;
        }
        const key = `${namespace}/${name}`;
        const listeners = this.logListeners.get(key) ?? new Set();
        this.logListeners.set(key, listeners);
        const listener = (line: LogLine): void => {
          if (wanted(line)) sink.send({ result: { content: line.content, podName: line.podName } });
        };
        listeners.add(listener);
        // Following ends when the workflow completes or goes away, as the pods' streams do.
        const stopWatch = this.workflows.watch(String(this.revision.value), (event) => {
          if (event.object.metadata.name === name && (event.type === 'DELETED' || isCompleted(event.object.status?.phase))) sink.end();
        });
        void sink.closed.then(() => {
          listeners.delete(listener);
          stopWatch();
        });
      },
    };
  }
}

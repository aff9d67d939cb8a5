// What the Argo Events compiler is given (the injected lane decision and Argo Workflow compiler,
// cluster names) and what every step of it shares: the resolved options, the project's sources,
// the warnings collected on the way, and one way to refuse a feature (CompileError).
import { CompileError } from '../../errors.js';
import type { EventSourceConfig } from '../../project/load.js';

const TARGET = 'argo-events';
export const API_VERSION = 'argoproj.io/v1alpha1';
const DEFAULT_SECRET_NAME = 'tandem-secrets';
export const DEFAULT_WEBHOOK_PORT = 12000;
/** The ServiceAccount a Sensor with an argoWorkflow trigger runs as (the namespace's default one may not create Workflows). */
export const DEFAULT_SENSOR_SERVICE_ACCOUNT = 'tandem-sensor';

export type Lane = 'argo' | 'kubeflow' | 'hybrid';
export type Manifest = Record<string, unknown>;

/** Owners of the GitHub webhooks a signed webhook source receives (Argo Events' github source needs one of the two). */
export interface GithubOwners {
  organizations?: string[];
  repositories?: Array<{ owner: string; names: string[] }>;
}

export interface ArgoEventsDeps {
  /** The router's lane for a workflow (a trigger's own `lane` wins). */
  laneOf(workflow: string): Lane;
  /** The compiled Argo Workflow manifest of a workflow. */
  argoWorkflow(workflow: string): Record<string, unknown>;
  /** Submit a Workflow that references the WorkflowTemplate named after the workflow, instead of the whole Workflow. */
  useWorkflowTemplates?: boolean;
  /** The KFP API, for kubeflow-lane triggers, and the id KFP gave each workflow's uploaded pipeline (required: KFP has no run-by-name). */
  kfp?: { endpoint: string; pipelineId?(workflow: string): string | undefined };
  namespace?: string;
  eventBusName?: string;
  /** The Kubernetes Secret every tandem secret reference points into; default "tandem-secrets". */
  secretName?: string;
  /** The ServiceAccount Sensors that submit Workflows run as; default tandem-sensor (the project compile writes it with its Role). */
  sensorServiceAccount?: string;
  /** Port of the webhook event sources; default 12000. */
  webhookPort?: number;
  /** Needed to compile a GitHub-signed webhook source (X-Hub-Signature-256) to Argo Events' github source. */
  github?: GithubOwners;
  /** NATS server the dead-letter triggers publish to; default the URL of the project's first NATS source. */
  deadLetterNatsUrl?: string;
}

/** A tandem guarantee the compiled manifests keep only in part; reported, never silent. */
export interface CompileWarning {
  feature: string;
  where: string;
  reason: string;
}

/** Where a compiled HTTP event source listens inside the cluster (the Service the controller creates for it). */
export interface CompiledEndpoint {
  source: string;
  url: string;
}

export interface ArgoEventsOutput {
  eventSources: Manifest[];
  sensors: Manifest[];
  warnings: CompileWarning[];
  endpoints: CompiledEndpoint[];
}

export class CompileContext {
  readonly warnings: CompileWarning[] = [];
  readonly endpoints: CompiledEndpoint[] = [];
  readonly sources: ReadonlyMap<string, EventSourceConfig>;

  constructor(
    readonly deps: ArgoEventsDeps,
    sources: readonly EventSourceConfig[],
  ) {
    this.sources = new Map(sources.map((source) => [source.name, source]));
  }

  get secretName(): string {
    return this.deps.secretName ?? DEFAULT_SECRET_NAME;
  }

  warn(feature: string, where: string, reason: string): void {
    this.warnings.push({ feature, where, reason });
  }

  /** Metadata of a manifest: its name, and the namespace when one is configured. */
  metadata(name: string): Record<string, unknown> {
    return { name, ...(this.deps.namespace !== undefined ? { namespace: this.deps.namespace } : {}) };
  }
}

/** Refuses a feature Argo Events cannot express. */
export function refuse(feature: string, where: string, reason: string): never {
  throw new CompileError(TARGET, feature, where, reason);
}

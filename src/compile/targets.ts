// What `tandem compile` can produce, and the shape of what it produces. The compile orchestrator
// (this folder) sits above the engines' compilers and the event layer's: it takes one workflow or
// a whole project and asks each compiler for its manifests.
//   argo         an Argo Workflow (WorkflowTemplate with `template`)
//   kfp          a KFP PipelineSpec IR
//   hybrid       an Argo Workflow whose ML steps start KFP pipelines, plus those pipelines' IR
//   argo-events  a project's EventSources and Sensors (its triggers create the workflows' Argo manifests)
//   auto         the router's lane picks argo, kfp or hybrid for each workflow
// Each output is a named YAML document; the CLI writes them to files or to stdout.
import type { GithubOwners } from '../events/compile/index.js';
import type { RoutingPolicy } from '../router/index.js';
import type { Lane } from '../spec/schema.js';
import type { ArgoCompileOptions } from '../engines/argo/compile/index.js';
import type { KfpCompileOptions } from '../engines/kfp/compile/index.js';

export const COMPILE_TARGETS = ['argo', 'kfp', 'hybrid', 'argo-events', 'auto'] as const;
export type CompileTarget = (typeof COMPILE_TARGETS)[number];

export interface CompileSettings {
  /** The Argo compiler's options; projectDir comes from the layout (layout.ts), per workflow. */
  argo: ArgoCompileOptions;
  kfp: KfpCompileOptions;
  tandemImage?: string;
  kfpEndpoint?: string;
  /** workflow name → the id KFP gave its uploaded pipeline, for kubeflow-lane triggers. */
  kfpPipelineIds?: Readonly<Record<string, string>>;
  github?: GithubOwners;
  policy: RoutingPolicy;
  /** Where the project's folders are inside the images (--project-dir); default /workspace. */
  containerRoot?: string;
}

export interface CompiledFile {
  /** File name to write, e.g. `ingest.argo.yaml`. */
  name: string;
  /** What it holds, for the listing: `Workflow`, `PipelineSpec`, `EventSource + Sensor`... */
  kind: string;
  /** The workflow (or project) it came from. */
  source: string;
  lane?: Lane;
  yaml: string;
  /** A Kubernetes object file that `kubectl apply` takes (KFP IR is not one: it is uploaded to KFP). */
  applies: boolean;
  /** A KFP pipeline a hybrid step starts from the task image (so the image recipe ships it). */
  startedFromImage?: true;
}

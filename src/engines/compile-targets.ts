// What `tandem compile` produces for one workflow or one project, per target:
//   argo         an Argo Workflow (WorkflowTemplate with `template`)
//   kfp          a KFP PipelineSpec IR
//   hybrid       an Argo Workflow whose ML steps start KFP pipelines, plus those pipelines' IR
//   argo-events  a project's EventSources and Sensors (its triggers create the workflows' Argo manifests)
//   auto         the router's lane picks argo, kfp or hybrid for each workflow
// Each output is a named YAML document; the CLI writes them to files or to stdout.
import { CompileError } from '../errors.js';
import { compileProjectToArgoEvents, type GithubOwners } from '../events/compile/index.js';
import type { Project } from '../project/load.js';
import { route, type RoutingPolicy } from '../router/index.js';
import type { Lane, WorkflowSpec } from '../spec/schema.js';
import { argoManifestYaml, compileToArgo, type ArgoCompileOptions } from './argo/compile/index.js';
import { compileHybrid } from './hybrid/compile.js';
import { manifestYaml } from './manifest-yaml.js';
import { compileToKfp, kfpIrYaml, type KfpCompileOptions } from './kfp/compile/index.js';

export const COMPILE_TARGETS = ['argo', 'kfp', 'hybrid', 'argo-events', 'auto'] as const;
export type CompileTarget = (typeof COMPILE_TARGETS)[number];

export interface CompileSettings {
  argo: ArgoCompileOptions;
  kfp: KfpCompileOptions;
  tandemImage?: string;
  kfpEndpoint?: string;
  github?: GithubOwners;
  policy: RoutingPolicy;
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
}

/** The files for one workflow and target (`auto`: the routed lane's target). */
export async function compileWorkflow(spec: WorkflowSpec, baseDir: string, target: Exclude<CompileTarget, 'argo-events'>, settings: CompileSettings): Promise<CompiledFile[]> {
  const lane = target === 'auto' ? route(spec, settings.policy).lane : undefined;
  const effective = target === 'auto' ? laneTarget(lane!) : target;
  const tag = lane ? { lane } : {};
  if (effective === 'argo') {
    const manifest = compileToArgo(spec, settings.argo);
    return [{ name: `${spec.name}.argo.yaml`, kind: String(manifest.kind), source: spec.name, ...tag, yaml: argoManifestYaml(manifest) }];
  }
  if (effective === 'kfp') {
    return [{ name: `${spec.name}.kfp.yaml`, kind: 'PipelineSpec', source: spec.name, ...tag, yaml: kfpIrYaml(compileToKfp(spec, settings.kfp)) }];
  }
  const hybrid = await compileHybrid(spec, baseDir, { argo: settings.argo, kfp: settings.kfp, ...(settings.tandemImage ? { tandemImage: settings.tandemImage } : {}) });
  return [
    { name: `${spec.name}.argo.yaml`, kind: String(hybrid.workflow.kind), source: spec.name, ...tag, yaml: argoManifestYaml(hybrid.workflow) },
    ...hybrid.pipelines.map((p) => ({ name: `${p.name}.kfp.yaml`, kind: 'PipelineSpec', source: `${spec.name} (${p.startedBy.join(', ')})`, ...tag, yaml: kfpIrYaml(p.ir) })),
  ];
}

/** A project's EventSources and Sensors, in one multi-document file. */
export async function compileProjectEvents(project: Project, settings: CompileSettings): Promise<{ file: CompiledFile; warnings: string[] }> {
  const lanes = new Map<string, Lane>();
  const manifests = new Map<string, Record<string, unknown>>();
  // Only the workflows a trigger starts on the Argo side need a manifest.
  const triggered = new Set(project.sensors.flatMap((sensor) => sensor.triggers.map((trigger) => trigger.workflow)));
  for (const entry of project.catalog.list()) {
    const lane = route(entry.spec, settings.policy).lane;
    lanes.set(entry.spec.name, lane);
    if (lane !== 'kubeflow' && triggered.has(entry.spec.name)) {
      manifests.set(
        entry.spec.name,
        lane === 'hybrid' ? (await compileHybrid(entry.spec, entry.baseDir, { argo: settings.argo, kfp: settings.kfp })).workflow : compileToArgo(entry.spec, settings.argo),
      );
    }
  }
  const out = compileProjectToArgoEvents(project, {
    laneOf: (workflow) => lanes.get(workflow) ?? 'argo',
    argoWorkflow: (workflow) => {
      const manifest = manifests.get(workflow);
      if (!manifest) throw new CompileError('argo-events', 'trigger', `workflow ${workflow}`, 'the workflow is not served by this project');
      return manifest;
    },
    ...(settings.kfpEndpoint ? { kfp: { endpoint: settings.kfpEndpoint } } : {}),
    ...(settings.github ? { github: settings.github } : {}),
    ...(settings.argo.namespace ? { namespace: settings.argo.namespace } : {}),
  });
  const documents = [...out.eventSources, ...out.sensors].map((manifest) => manifestYaml(manifest));
  const base = project.file.replace(/^.*\//, '').replace(/\.(ya?ml|json)$/, '');
  return {
    file: { name: `${base}.argo-events.yaml`, kind: `${out.eventSources.length} EventSource + ${out.sensors.length} Sensor`, source: project.file, yaml: documents.join('---\n') },
    warnings: out.warnings.map((w) => `${w.where}: ${w.feature}: ${w.reason}`),
  };
}

function laneTarget(lane: Lane): 'argo' | 'kfp' | 'hybrid' {
  return lane === 'kubeflow' ? 'kfp' : lane;
}

// A project's event sources and sensors to Argo Events manifests, in one multi-document file.
// Each source and each sensor compiles on its own: what Argo Events cannot express is reported
// (a CompileError naming the feature) and the rest is still written, and a sensor that depends on
// a source that did not compile is reported as such. A sensor's Argo-side trigger embeds the
// Workflow it creates (or, when the project's workflows are WorkflowTemplates, a Workflow that
// references one), so the workflows those triggers start are compiled here too, on their lane.
import { CompileError } from '../errors.js';
import { CompileContext, compileEventSource, compileSensor } from '../events/compile/index.js';
import type { Project } from '../project/load.js';
import { route } from '../router/index.js';
import type { Lane } from '../spec/schema.js';
import { compileToArgo } from '../engines/argo/compile/index.js';
import { manifestYaml } from '../engines/manifest-yaml.js';
import { containerDir, type ProjectLayout } from './layout.js';
import type { CompiledFile, CompileSettings } from './targets.js';
import { compileHybridIn } from './workflow.js';

export interface ProjectEvents {
  /** Absent when neither a source nor a sensor compiled. */
  file?: CompiledFile;
  /** Whether a compiled Sensor submits Argo Workflows (and so runs as the sensor ServiceAccount). */
  submitsWorkflows: boolean;
  warnings: string[];
  /** Where each HTTP source listens in the cluster. */
  notes: string[];
  failures: CompileError[];
}

export async function compileProjectEvents(project: Project, settings: CompileSettings, layout: ProjectLayout): Promise<ProjectEvents> {
  const lanes = new Map<string, Lane>();
  const manifests = new Map<string, Record<string, unknown>>();
  // Only the workflows a trigger starts on the Argo side need a manifest.
  const triggered = new Set(project.sensors.flatMap((sensor) => sensor.triggers.map((trigger) => trigger.workflow)));
  for (const entry of project.catalog.list()) {
    const lane = route(entry.spec, settings.policy).lane;
    lanes.set(entry.spec.name, lane);
    if (lane === 'kubeflow' || !triggered.has(entry.spec.name)) continue;
    try {
      const argo = { ...settings.argo, projectDir: containerDir(layout, entry.baseDir) };
      manifests.set(entry.spec.name, lane === 'hybrid' ? (await compileHybridIn(entry.spec, entry.baseDir, settings, layout)).workflow : compileToArgo(entry.spec, argo));
    } catch (error) {
      // The workflow's own file reports why; its triggers say they have nothing to start.
      if (!(error instanceof CompileError)) throw error;
    }
  }
  const ids = settings.kfpPipelineIds ?? {};
  const ctx = new CompileContext(
    {
      laneOf: (workflow) => lanes.get(workflow) ?? 'argo',
      argoWorkflow: (workflow) => {
        const manifest = manifests.get(workflow);
        if (!manifest) throw new CompileError('argo-events', 'trigger', `workflow ${workflow}`, 'the workflow has no Argo manifest (it is not served by this project, or it did not compile)');
        return manifest;
      },
      useWorkflowTemplates: settings.argo.kind === 'WorkflowTemplate',
      ...(settings.kfpEndpoint ? { kfp: { endpoint: settings.kfpEndpoint, pipelineId: (workflow: string) => ids[workflow] } } : {}),
      ...(settings.github ? { github: settings.github } : {}),
      ...(settings.argo.namespace ? { namespace: settings.argo.namespace } : {}),
    },
    project.eventSources,
  );
  const failures: CompileError[] = [];
  const attempt = (compile: () => Record<string, unknown>): Record<string, unknown>[] => {
    try {
      return [compile()];
    } catch (error) {
      if (!(error instanceof CompileError)) throw error;
      failures.push(error);
      return [];
    }
  };
  const refusedSources = new Set<string>();
  const eventSources = project.eventSources.flatMap((source) => {
    const out = attempt(() => compileEventSource(ctx, source));
    if (out.length === 0) refusedSources.add(source.name);
    return out;
  });
  const sensors = project.sensors.flatMap((sensor) => {
    const missing = sensor.dependencies.find((dep) => refusedSources.has(dep.eventSource));
    if (missing !== undefined) {
      failures.push(new CompileError('argo-events', 'event source', `sensor ${sensor.name}, dependency ${missing.name}`, `its event source ${missing.eventSource} did not compile (see above)`));
      return [];
    }
    return attempt(() => compileSensor(ctx, sensor));
  });
  const documents = [...eventSources, ...sensors].map((manifest) => manifestYaml(manifest));
  const base = project.file.replace(/^.*\//, '').replace(/\.(ya?ml|json)$/, '');
  const file: CompiledFile | undefined =
    documents.length === 0
      ? undefined
      : { name: `${base}.argo-events.yaml`, kind: `${eventSources.length} EventSource + ${sensors.length} Sensor`, source: project.file, yaml: documents.join('---\n'), applies: true };
  const submitsWorkflows = sensors.some((sensor) => (sensor.spec as { template?: unknown }).template !== undefined);
  return {
    ...(file ? { file } : {}),
    submitsWorkflows,
    warnings: ctx.warnings.map((w) => `${w.where}: ${w.feature}: ${w.reason}`),
    notes: ctx.endpoints.map((e) => `event source ${e.source} listens at ${e.url} (Service ${e.source}-eventsource-svc, created by the Argo Events controller)`),
    failures,
  };
}

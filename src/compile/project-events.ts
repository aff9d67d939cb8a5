// A project's event sources and sensors to Argo Events manifests, in one multi-document file.
// A sensor's Argo-side trigger embeds the Workflow it creates, so the workflows those triggers
// start are compiled here too (on the lane the router gives each).
import { CompileError } from '../errors.js';
import { compileProjectToArgoEvents } from '../events/compile/index.js';
import type { Project } from '../project/load.js';
import { route } from '../router/index.js';
import type { Lane } from '../spec/schema.js';
import { compileToArgo } from '../engines/argo/compile/index.js';
import { compileHybrid } from '../engines/hybrid/compile.js';
import { manifestYaml } from '../engines/manifest-yaml.js';
import type { CompiledFile, CompileSettings } from './targets.js';

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

// One workflow to the manifests of one target (`auto`: the target of the lane the router picks).
import { route } from '../router/index.js';
import type { Lane, WorkflowSpec } from '../spec/schema.js';
import { argoManifestYaml, compileToArgo } from '../engines/argo/compile/index.js';
import { compileHybrid } from '../engines/hybrid/compile.js';
import { compileToKfp, kfpIrYaml } from '../engines/kfp/compile/index.js';
import type { CompiledFile, CompileSettings, CompileTarget } from './targets.js';

export async function compileWorkflow(spec: WorkflowSpec, baseDir: string, target: Exclude<CompileTarget, 'argo-events'>, settings: CompileSettings): Promise<CompiledFile[]> {
  const lane = target === 'auto' ? route(spec, settings.policy).lane : undefined;
  const effective = lane !== undefined ? laneTarget(lane) : target;
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

/** The cluster target of a lane: KFP runs the kubeflow lane, Argo the argo lane, both the hybrid one. */
function laneTarget(lane: Lane): 'argo' | 'kfp' | 'hybrid' {
  return lane === 'kubeflow' ? 'kfp' : lane;
}

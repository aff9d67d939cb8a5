// One workflow to the manifests of one target (`auto`: the target of the lane the router picks).
// Its folder's place in the images comes from the project's layout (layout.ts).
import { route } from '../router/index.js';
import type { Lane, WorkflowSpec } from '../spec/schema.js';
import { argoManifestYaml, argoSupportingObjects, compileToArgo } from '../engines/argo/compile/index.js';
import { compileHybrid, type HybridOutput } from '../engines/hybrid/compile.js';
import { compileToKfp, kfpIrYaml } from '../engines/kfp/compile/index.js';
import { containerDir, type ProjectLayout } from './layout.js';
import type { CompiledFile, CompileSettings, CompileTarget } from './targets.js';

export async function compileWorkflow(
  spec: WorkflowSpec,
  baseDir: string,
  target: Exclude<CompileTarget, 'argo-events'>,
  settings: CompileSettings,
  layout: ProjectLayout,
): Promise<CompiledFile[]> {
  const lane = target === 'auto' ? route(spec, settings.policy).lane : undefined;
  const effective = lane !== undefined ? laneTarget(lane) : target;
  const tag = lane ? { lane } : {};
  const projectDir = containerDir(layout, baseDir);
  if (effective === 'argo') {
    const manifest = compileToArgo(spec, { ...settings.argo, projectDir });
    return [{ name: `${spec.name}.argo.yaml`, ...argoFile(manifest, spec, settings), source: spec.name, ...tag, applies: true }];
  }
  if (effective === 'kfp') {
    const ir = compileToKfp(spec, { ...settings.kfp, projectDir });
    return [{ name: `${spec.name}.kfp.yaml`, kind: 'PipelineSpec', source: spec.name, ...tag, yaml: kfpIrYaml(ir), applies: false }];
  }
  const hybrid = await compileHybridIn(spec, baseDir, settings, layout);
  return [
    { name: `${spec.name}.argo.yaml`, ...argoFile(hybrid.workflow, spec, settings), source: spec.name, ...tag, applies: true },
    ...hybrid.pipelines.map((p) => ({ name: `${p.name}.kfp.yaml`, kind: 'PipelineSpec', source: `${spec.name} (${p.startedBy.join(', ')})`, ...tag, yaml: kfpIrYaml(p.ir), applies: false, startedFromImage: true as const })),
  ];
}

/**
 * The Argo manifest, then the objects it needs (its semaphores' ConfigMaps), one YAML document
 * each; the kind says how many of those there are.
 */
function argoFile(manifest: Record<string, unknown>, spec: WorkflowSpec, settings: CompileSettings): { kind: string; yaml: string } {
  const supporting = argoSupportingObjects(spec, settings.argo);
  return {
    kind: supporting.length > 0 ? `${String(manifest.kind)} + ${supporting.length} ConfigMap` : String(manifest.kind),
    yaml: [manifest, ...supporting].map(argoManifestYaml).join('---\n'),
  };
}

/** The hybrid compiler with every folder (the workflow's, its children's) placed by the layout. */
export function compileHybridIn(spec: WorkflowSpec, baseDir: string, settings: CompileSettings, layout: ProjectLayout): Promise<HybridOutput> {
  return compileHybrid(spec, baseDir, {
    argo: { ...settings.argo, projectDir: containerDir(layout, baseDir) },
    kfp: settings.kfp,
    pipelinesDir: layout.pipelinesDir,
    projectDirOf: (folder) => containerDir(layout, folder),
    ...(settings.tandemImage ? { tandemImage: settings.tandemImage } : {}),
  });
}

/** The cluster target of a lane: KFP runs the kubeflow lane, Argo the argo lane, both the hybrid one. */
function laneTarget(lane: Lane): 'argo' | 'kfp' | 'hybrid' {
  return lane === 'kubeflow' ? 'kfp' : lane;
}

// The KFP compiler's public API: compile a tandem workflow to PipelineSpec IR, render it as the
// YAML file KFP uploads, and validate IR strictly against the PipelineSpec proto.
import { manifestYaml } from '../../manifest-yaml.js';
import { kfpPlatformSpec } from './platform.js';

export { compileToKfp } from './pipeline.js';
export type { KfpCompileOptions } from './context.js';
export { kfpPlatformSpec } from './platform.js';
export { loadKfpIrValidator, type KfpIrValidator } from '../ir-validator.js';

/**
 * The IR as the YAML file KFP's UI and API accept: the PipelineSpec, then its Kubernetes
 * PlatformSpec when it has one (as the KFP SDK writes a pipeline using kfp-kubernetes), keys sorted.
 */
export function kfpIrYaml(ir: Record<string, unknown>): string {
  const platform = kfpPlatformSpec(ir);
  const head = `# PIPELINE DEFINITION\n# Name: ${String((ir.pipelineInfo as { name?: unknown } | undefined)?.name ?? '')}\n${manifestYaml(ir, { sortKeys: true })}`;
  return platform ? `${head}---\n${manifestYaml(platform, { sortKeys: true })}` : head;
}

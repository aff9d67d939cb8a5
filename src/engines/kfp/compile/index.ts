// The KFP compiler's public API: compile a tandem workflow to PipelineSpec IR, render it as the
// YAML file KFP uploads, and validate IR strictly against the PipelineSpec proto.
import { manifestYaml } from '../../manifest-yaml.js';

export { compileToKfp } from './pipeline.js';
export type { KfpCompileOptions } from './context.js';
export { loadKfpIrValidator, type KfpIrValidator } from '../ir-validator.js';

/** The IR as the YAML file KFP's UI and API accept (one document, keys sorted as the KFP SDK writes them). */
export function kfpIrYaml(ir: Record<string, unknown>): string {
  return `# PIPELINE DEFINITION\n# Name: ${String((ir.pipelineInfo as { name?: unknown } | undefined)?.name ?? '')}\n${manifestYaml(ir, { sortKeys: true })}`;
}

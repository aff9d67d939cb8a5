// The KFP compiler's public API: compile a tandem workflow to PipelineSpec IR, render it as the
// YAML file KFP uploads, and validate IR strictly against the PipelineSpec proto.
import type { WorkflowSpec } from '../../../spec/schema.js';
import { manifestYaml } from '../../manifest-yaml.js';
import { compileToKfp } from './pipeline.js';
import type { KfpCompileOptions } from './context.js';

export { compileToKfp, KFP_SCHEMA_VERSION, EXIT_HANDLER } from './pipeline.js';
export type { KfpCompileOptions } from './context.js';
export { DEFAULT_NODE_IMAGE, DEFAULT_PROJECT_DIR } from './container.js';
export { loadKfpIrValidator, type IrProblem, type KfpIrValidator } from '../ir-validator.js';

/** The IR as the YAML file KFP's UI and API accept (one document, keys sorted as the KFP SDK writes them). */
export function kfpIrYaml(ir: Record<string, unknown>): string {
  return `# PIPELINE DEFINITION\n# Name: ${String((ir.pipelineInfo as { name?: unknown } | undefined)?.name ?? '')}\n${manifestYaml(ir, { sortKeys: true })}`;
}

/** compileToKfp, then kfpIrYaml. */
export function compileToKfpYaml(spec: WorkflowSpec, options?: KfpCompileOptions): string {
  return kfpIrYaml(compileToKfp(spec, options));
}

// The TypeScript authoring API: `import { workflow, task, param, output } from 'tandem/sdk'`.
export { workflow, params, type ParamSet, type WorkflowOptions } from './workflow.js';
export {
  task,
  isTaskHandle,
  type TaskHandle,
  type TaskOutputs,
  type TaskOptions,
  type ProcessTaskOptions,
  type ScriptTaskOptions,
  type NodeTaskOptions,
  type OutputDecls,
} from './task.js';
export { param, output, input, type OutputOptions, type ParamOptions, type TypedOutput, type TypedParam } from './decls.js';
export { ref, cel, Ref, OutputRef, ParamRef, type AnyRef } from './refs.js';
export type { Value } from './plain.js';
export type { TaskContext, TaskFunction } from './context.js';
export type { WorkflowSpec, TaskSpec } from '../spec/schema.js';

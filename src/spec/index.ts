// The public API of the workflow model: loading, validation, params, graph and types.
export { loadWorkflowFile, loadWorkflowText, formatOf, type LoadedWorkflow, type TextFormat, type WorkflowFormat } from './load.js';
export { validateWorkflow, workflowIssues, type ValidateOptions } from './validate.js';
export { resolveParams, parseParamAssignments, type ResolveParamsOptions } from './params.js';
export { type PositionLookup, type Position } from './positions.js';
export { renderWorkflowSchema } from './json-schema.js';
export { isInputDecl } from './input-types.js';
export { outputType, isArtifactType, matchesParamType, typesCompatible, type ValueType } from './value-types.js';
export { buildGraph, taskReferences, taskUpstreams, tasksByName, type TaskGraph } from './graph.js';
export * from './schema.js';

// The public API of the workflow model: loading, validation, params, graph and types.
export { loadWorkflowFile, loadWorkflowText } from './load.js';
export { validateWorkflow, workflowIssues } from './validate.js';
export { resolveParams, parseParamAssignments } from './params.js';
export { renderWorkflowSchema } from './json-schema.js';
export * from './schema.js';

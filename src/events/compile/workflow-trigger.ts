// The action of a trigger whose workflow runs on the argo or hybrid lane: an Argo Events
// `argoWorkflow` trigger that submits the compiled Argo Workflow (deps.argoWorkflow), or, with
// useWorkflowTemplates, a small Workflow that references the WorkflowTemplate named after the
// workflow. Params are written into `spec.arguments.parameters.<index>.value`, the index being
// the param's place in that Workflow's arguments; a param the workflow does not declare is refused.
// A Workflow with a fixed `metadata.name` is given `generateName` instead: each firing submits one.
import type { SensorSpec, Trigger } from '../sensors/schema.js';
import { API_VERSION, refuse, type CompileContext } from './context.js';
import type { CompiledDependencies } from './dependencies.js';
import { compileParamSource } from './param-sources.js';

interface WorkflowParameter {
  name: string;
  value?: unknown;
}

export function argoWorkflowAction(ctx: CompileContext, sensor: SensorSpec, trigger: Trigger, deps: CompiledDependencies): Record<string, unknown> {
  const where = `sensor ${sensor.name}, trigger ${trigger.name}`;
  const compiled = structuredClone(ctx.deps.argoWorkflow(trigger.workflow));
  const spec = asRecord(compiled.spec);
  const declared = parametersOf(spec);
  const resource = ctx.deps.useWorkflowTemplates === true ? templateReference(ctx, trigger.workflow, declared) : submittable(compiled);
  const parameters = (trigger.params ?? []).map((param) => {
    const index = declared.findIndex((p) => p.name === param.name);
    if (index < 0) {
      const names = declared.map((p) => p.name).join(', ') || 'none';
      refuse('param', `${where}, param ${param.name}`, `the compiled Argo Workflow of ${trigger.workflow} has no parameter "${param.name}" (it has: ${names})`);
    }
    return { src: compileParamSource(ctx, sensor, trigger, param, deps, { rawData: false }), dest: `spec.arguments.parameters.${index}.value` };
  });
  return {
    operation: 'submit',
    source: { resource },
    ...(parameters.length > 0 ? { parameters } : {}),
  };
}

function parametersOf(spec: Record<string, unknown>): WorkflowParameter[] {
  const list = asRecord(spec.arguments).parameters;
  if (!Array.isArray(list)) return [];
  return list.filter((p): p is WorkflowParameter => typeof p === 'object' && p !== null && typeof (p as { name?: unknown }).name === 'string');
}

function templateReference(ctx: CompileContext, workflow: string, declared: readonly WorkflowParameter[]): Record<string, unknown> {
  const parameters = declared.map((p) => ({ name: p.name, ...(p.value !== undefined ? { value: p.value } : {}) }));
  return {
    apiVersion: API_VERSION,
    kind: 'Workflow',
    metadata: { generateName: `${workflow}-`, ...(ctx.deps.namespace !== undefined ? { namespace: ctx.deps.namespace } : {}) },
    spec: { workflowTemplateRef: { name: workflow }, ...(parameters.length > 0 ? { arguments: { parameters } } : {}) },
  };
}

function submittable(workflow: Record<string, unknown>): Record<string, unknown> {
  const metadata = asRecord(workflow.metadata);
  if (typeof metadata.name === 'string' && metadata.generateName === undefined) {
    const { name, ...rest } = metadata;
    workflow.metadata = { generateName: `${name}-`, ...rest };
  }
  return workflow;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

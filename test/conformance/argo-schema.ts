// A validator for Argo Workflows manifests built from the official JSON Schema in the shared
// specs folder (read at run time, never copied). The schema's top level is a oneOf that cannot
// tell a Workflow from a WorkflowTemplate (same shape), so each manifest is checked against the
// definition its `kind` names. IntOrString is declared as string only; Kubernetes also accepts
// integers (`limit: 3`), so it is patched to accept both.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { SPECS_DIR } from '../helpers/shared.js';

export const ARGO_KINDS = ['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow', 'WorkflowEventBinding'] as const;
const PREFIX = 'io.argoproj.workflow.v1alpha1.';

interface ArgoValidation {
  valid: boolean;
  errors: string[];
}

export type ArgoValidator = (manifest: unknown) => ArgoValidation;

export function loadArgoValidator(): ArgoValidator {
  const schema = JSON.parse(readFileSync(join(SPECS_DIR, 'argo-workflows', 'schema.json'), 'utf8')) as {
    definitions: Record<string, unknown>;
    oneOf?: unknown;
  };
  schema.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = { anyOf: [{ type: 'string' }, { type: 'integer' }] };
  delete schema.oneOf;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(schema, 'argo');
  const validators = new Map<string, ValidateFunction>();
  for (const kind of ARGO_KINDS) validators.set(kind, ajv.getSchema(`argo#/definitions/${PREFIX}${kind}`)!);
  return (manifest) => {
    const kind = (manifest as { kind?: unknown } | null)?.kind;
    const validate = typeof kind === 'string' ? validators.get(kind) : undefined;
    if (!validate) return { valid: false, errors: [`kind ${JSON.stringify(kind)} is not an Argo Workflows kind`] };
    const valid = validate(manifest);
    return { valid, errors: valid ? [] : (validate.errors ?? []).map(formatError) };
  };
}

function formatError(error: ErrorObject): string {
  return `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`;
}

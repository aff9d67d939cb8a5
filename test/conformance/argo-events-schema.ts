// A validator for Argo Events manifests (EventSource, Sensor) built from the official JSON Schema
// in the shared specs folder, read at run time and never copied. As ../shared/specs/README.md
// advises, every `required` list is dropped (the schema marks as required fields the controller
// treats as optional, and real manifests omit them); types and structure are kept. The schema says
// `$schema: http://json-schema.org/schema#` ("the latest draft" of its day): it uses nothing past
// draft-07, Ajv's default. With `closed`, Argo Events' own objects also get
// `additionalProperties: false`, so a misspelled field is an error rather than ignored (Kubernetes
// objects inside stay open). The public corpus needs the open form: some of its examples carry
// fields older Argo Events versions had (a template's `policy`, an EventSource's `type`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SPECS_DIR } from '../helpers/shared.js';

const ARGO_EVENTS_KINDS = ['EventSource', 'Sensor'] as const;
const PREFIX = 'io.argoproj.events.v1alpha1.';

interface Validation {
  valid: boolean;
  errors: string[];
}

export type ArgoEventsValidator = (manifest: unknown) => Validation;

/** Removes every `required` list, at any depth. */
function relaxRequired(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relaxRequired);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'required' && Array.isArray(value)) continue;
    // `properties` maps names to schemas: a property literally named "required" is kept.
    out[key] = key === 'properties' ? mapValues(value, relaxRequired) : relaxRequired(value);
  }
  return out;
}

function mapValues(value: unknown, fn: (inner: unknown) => unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fn(v)]));
}

function loadArgoEventsSchema(options: { closed?: boolean } = {}): { definitions: Record<string, Record<string, unknown>> } {
  const raw = JSON.parse(readFileSync(join(SPECS_DIR, 'argo-events', 'schema.json'), 'utf8')) as Record<string, unknown>;
  const schema = relaxRequired(raw) as { definitions: Record<string, Record<string, unknown>>; [key: string]: unknown };
  delete schema.$schema;
  delete schema.$id;
  delete schema.oneOf;
  for (const [name, definition] of Object.entries(schema.definitions)) {
    if (options.closed === true && name.startsWith(PREFIX) && definition.properties !== undefined && definition.additionalProperties === undefined) {
      definition.additionalProperties = false;
    }
  }
  return schema;
}

export function loadArgoEventsValidator(options: { closed?: boolean } = {}): ArgoEventsValidator {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(loadArgoEventsSchema(options), 'argo-events');
  const validators = new Map<string, ValidateFunction>();
  for (const kind of ARGO_EVENTS_KINDS) validators.set(kind, ajv.getSchema(`argo-events#/definitions/${PREFIX}${kind}`)!);
  return (manifest) => {
    const kind = (manifest as { kind?: unknown } | null)?.kind;
    const validate = typeof kind === 'string' ? validators.get(kind) : undefined;
    if (!validate) return { valid: false, errors: [`kind ${JSON.stringify(kind)} is not EventSource or Sensor`] };
    const valid = validate(manifest);
    return { valid, errors: valid ? [] : (validate.errors ?? []).map(formatError) };
  };
}

function formatError(error: ErrorObject): string {
  const extra = error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
  return `${error.instancePath || '/'} ${error.message ?? 'is invalid'}${extra}`;
}

// How tandem's value types are written in KFP IR: parameter types (ParameterType enum names),
// artifact types (system.* schema titles) and the shapes of input/output definitions. Shared by
// every part of the KFP compiler so a type is spelt the same way wherever it appears.
import { CompileError } from '../../../errors.js';
import type { ArtifactType, ParamDecl, ParamType } from '../../../spec/schema.js';

export type IrParameterType = 'STRING' | 'NUMBER_INTEGER' | 'NUMBER_DOUBLE' | 'BOOLEAN' | 'LIST' | 'STRUCT' | 'TASK_FINAL_STATUS';

/** A component input or output: a parameter of a type, or an artifact (maybe a list of them). */
export type IrValueDef =
  | { kind: 'parameter'; type: IrParameterType }
  | { kind: 'artifact'; schemaTitle: string; list: boolean };

const SCHEMA_TITLES: Record<ArtifactType, string> = {
  artifact: 'system.Artifact',
  Dataset: 'system.Dataset',
  Model: 'system.Model',
  Metrics: 'system.Metrics',
  ClassificationMetrics: 'system.ClassificationMetrics',
  HTML: 'system.HTML',
  Markdown: 'system.Markdown',
};

/** The schema version KFP's SDK writes for every system.* artifact type. */
const ARTIFACT_SCHEMA_VERSION = '0.0.1';

export function artifactDef(type: ArtifactType, list = false): IrValueDef {
  return { kind: 'artifact', schemaTitle: SCHEMA_TITLES[type], list };
}

/**
 * The IR type of a scalar tandem type. `json` has no single KFP type: STRUCT for objects, LIST for
 * lists; `jsonHint` picks one (from a default value, or from how the value is used).
 */
export function parameterType(type: ParamType, jsonHint: 'LIST' | 'STRUCT' = 'STRUCT'): IrParameterType {
  switch (type) {
    case 'string':
      return 'STRING';
    case 'integer':
      return 'NUMBER_INTEGER';
    case 'number':
      return 'NUMBER_DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'json':
      return jsonHint;
  }
}

/** A workflow param's IR type; a json param needs a list or object default to pick LIST or STRUCT. */
export function paramParameterType(workflow: string, name: string, decl: ParamDecl): IrParameterType {
  if (decl.type !== 'json') return parameterType(decl.type);
  if (Array.isArray(decl.default)) return 'LIST';
  if (decl.default !== null && typeof decl.default === 'object') return 'STRUCT';
  throw new CompileError(
    'kfp',
    'json param without a list or object default',
    `workflow ${workflow}, param ${name}`,
    'KFP types every pipeline parameter as LIST or STRUCT (or a scalar type); give the param a list or object default, or a scalar type',
  );
}

/** The IR type of a literal value. */
export function literalType(value: unknown): IrParameterType {
  if (typeof value === 'string') return 'STRING';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'number') return Number.isInteger(value) ? 'NUMBER_INTEGER' : 'NUMBER_DOUBLE';
  if (Array.isArray(value)) return 'LIST';
  return 'STRUCT';
}

/** The type of one item of a literal list: common to every item, else STRING (items travel as JSON text). */
export function itemType(items: readonly unknown[]): IrParameterType {
  const types = new Set(items.map(literalType));
  if (types.size === 1) return [...types][0] ?? 'STRING';
  if (types.size === 2 && types.has('NUMBER_INTEGER') && types.has('NUMBER_DOUBLE')) return 'NUMBER_DOUBLE';
  return 'STRING';
}

/** A definition as it appears in inputDefinitions / outputDefinitions. */
export function definitionJson(def: IrValueDef, extra: Record<string, unknown> = {}): Record<string, unknown> {
  if (def.kind === 'parameter') return { ...extra, parameterType: def.type };
  return {
    artifactType: { schemaTitle: def.schemaTitle, schemaVersion: ARTIFACT_SCHEMA_VERSION },
    ...(def.list ? { isArtifactList: true } : {}),
    ...extra,
  };
}

/** The collected form of an output surfaced through a loop: a list of the per-item values. */
export function collected(def: IrValueDef): IrValueDef {
  return def.kind === 'parameter' ? { kind: 'parameter', type: 'LIST' } : { ...def, list: true };
}

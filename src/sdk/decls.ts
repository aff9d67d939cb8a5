// Declarations of params, outputs and typed inputs, each keeping its type as a literal so task
// handles can type their output references.
import type { ArtifactType, InputDecl, OutputDecl, ParamDecl, ParamType } from '../spec/schema.js';
import type { ValueType } from '../spec/value-types.js';
import type { Value } from './plain.js';

interface ParamValueTypes {
  string: string;
  number: number;
  integer: number;
  boolean: boolean;
  json: unknown;
}

export interface ParamOptions<V> {
  default?: V;
  enum?: readonly V[];
  description?: string;
}

export type TypedParam<T extends ParamType> = ParamDecl & { type: T };

function paramOf<T extends ParamType>(type: T) {
  return (options: ParamOptions<ParamValueTypes[T]> = {}): TypedParam<T> =>
    ({ type, ...options, ...(options.enum ? { enum: [...options.enum] } : {}) }) as TypedParam<T>;
}

/** Workflow param declarations: `param.integer({ default: 3 })`. */
export const param = {
  string: paramOf('string'),
  number: paramOf('number'),
  integer: paramOf('integer'),
  boolean: paramOf('boolean'),
  json: paramOf('json'),
} as const;

export interface OutputOptions {
  /** File to read, relative to $TANDEM_OUTPUTS. */
  path?: string;
  /** Read JSON printed on stdout; a string is a dot path into it. */
  stdout?: boolean | string;
  description?: string;
}

export type TypedOutput<T extends ValueType> = OutputDecl & { type: T };

function outputOf<T extends ValueType>(type: T) {
  return (options: OutputOptions = {}): TypedOutput<T> => ({ type, ...options });
}

/** Task output declarations: `output.integer({ stdout: 'rows' })`, `output.dataset({ path: 'train.csv' })`. */
export const output = {
  string: outputOf('string'),
  number: outputOf('number'),
  integer: outputOf('integer'),
  boolean: outputOf('boolean'),
  json: outputOf('json'),
  artifact: outputOf('artifact'),
  dataset: outputOf('Dataset'),
  model: outputOf('Model'),
  metrics: outputOf('Metrics'),
  classificationMetrics: outputOf('ClassificationMetrics'),
  html: outputOf('HTML'),
  markdown: outputOf('Markdown'),
} as const;

/** An input with an explicit type (and, for artifacts, where to place the file). */
export function input(value: Value, options: { type?: ParamType | ArtifactType; path?: string } = {}): InputDecl & { value: Value } {
  return { value, ...options };
}

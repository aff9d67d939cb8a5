// What one setting of tandem.yaml declares beside its shape: the environment variable and flag
// that can override it, its default, and the words docs and error messages use. The table of
// every setting is in settings.ts; the document's schema, the docs table and the loader all read it.
import type { Static, TSchema } from '@sinclair/typebox';

/** What a value is read against. */
export interface SettingContext {
  /** Where a relative path resolves: the tandem.yaml's folder for its values, else the working directory. */
  baseDir: string;
}

/** Why a value was refused, when more than "expected <setting.expected>, found <the value>" is to be said. */
export class Rejection {
  constructor(readonly detail: { message?: string; expected?: string; found?: string }) {}
}

interface FlagDecl<K extends string = string> {
  /** The flag as messages name it: `--concurrency`. */
  name: string;
  /** Its field in ConfigFlags, when loadConfig applies it over the file and the environment. */
  key?: K;
  /** How the docs show it, with its command (`run --concurrency N`); absent when no command offers it. */
  usage?: string;
}

export interface DefaultDecl<V> {
  /** How the docs show the default; a constant value shows as itself. */
  doc?: string;
  /** The value; a function when it depends on the machine or the working directory. */
  value?: V | ((context: SettingContext) => V);
}

interface SettingBase<S extends TSchema> {
  /** What tandem.yaml may hold here. With the description (and a constant default) it is the published schema. */
  type: S;
  /** One or two sentences for editors and for the docs table. */
  description: string;
  /** Pages under docs/ that say more. */
  see?: readonly string[];
}

/**
 * A setting that an environment variable or a flag can also give: every layer's value goes
 * through the same `parse`, so a bad value gets the same words wherever it was written.
 */
export interface LayeredSetting<S extends TSchema = TSchema, V = unknown, F extends string = string> extends SettingBase<S> {
  readonly kind: 'layered';
  env?: string;
  flag?: FlagDecl<F>;
  default: DefaultDecl<V>;
  /** Words for "expected ..." when parse refuses a value without saying more. */
  expected: string;
  /** The value as the program uses it; undefined (or a Rejection) when the raw value is not one. */
  parse(raw: unknown, context: SettingContext): V | Rejection | undefined;
}

/** A setting only tandem.yaml gives; the schema alone checks it (its section's own checks may add more). */
export interface FileSetting<S extends TSchema = TSchema> extends SettingBase<S> {
  readonly kind: 'file';
  /** A flag of one command that overrides it (the command applies it). */
  flag?: FlagDecl<never>;
  default?: DefaultDecl<Static<S>>;
}

export type Setting = LayeredSetting | FileSetting;

export function layered<S extends TSchema, V, const F extends string = never>(decl: Omit<LayeredSetting<S, V, F>, 'kind'>): LayeredSetting<S, V, F> {
  return { kind: 'layered', ...decl };
}

export function fileSetting<S extends TSchema>(decl: Omit<FileSetting<S>, 'kind'>): FileSetting<S> {
  return { kind: 'file', ...decl };
}

/** A default's value for a context; undefined when the setting has none. */
export function defaultValue<V>(decl: DefaultDecl<V> | undefined, context: SettingContext): V | undefined {
  const value = decl?.value;
  return typeof value === 'function' ? (value as (context: SettingContext) => V)(context) : value;
}

// Gathers a task's key ingredients (see key.ts) from its spec and the context it would run in,
// without running anything and without reading artifact content: an input artifact is known by
// the digest recorded when it was stored. What cannot be resolved now (a template that fails, a
// missing node module) makes the task uncacheable for this attempt: it runs, and is not stored.
import { isAbsolute, resolve } from 'node:path';
import { TandemError } from '../../../errors.js';
import { referencesInValue, type Reference } from '../../../expr/references.js';
import { parseTemplate, renderValue } from '../../../expr/template.js';
import type { OutputDecl, TaskSpec } from '../../../spec/schema.js';
import { isArtifactType } from '../../../spec/value-types.js';
import type { ArtifactRef } from '../../model.js';
import { asInputDecl, buildContext, type ContextParts, type UpstreamView } from '../context.js';
import type { FileDigests } from './file-digests.js';
import type { KeyIngredients } from './key.js';
import type { CachePolicy } from './policy.js';
import { errorMessage } from '../../../util/error-message.js';

/** The task cannot be keyed this time; it runs uncached. The message says why. */
export class UncacheableError extends TandemError {
  readonly code = 'UNCACHEABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UncacheableError';
  }
}

export interface KeyContext {
  /** The workflow file's folder: relative paths resolve against it. */
  baseDir: string;
  /** defaults.image of the workflow. */
  defaultImage: string | undefined;
  files: FileDigests;
}

const OUTPUT_REFERENCE = /^tasks\.([A-Za-z_][A-Za-z0-9_]*)\.outputs\.([A-Za-z_][A-Za-z0-9_]*)$/;
const runnerRefs = new WeakMap<TaskSpec, Reference[]>();

export async function keyIngredients(task: TaskSpec, parts: ContextParts, policy: CachePolicy, ctx: KeyContext): Promise<KeyIngredients> {
  const context = buildContext(parts);
  const inputs = resolveKeyInputs(task, parts, context);
  const { runner, files } = await runnerIngredients(task, context, ctx);
  const ingredients: KeyIngredients = {
    runner,
    files,
    inputs,
    references: referencedValues(task, parts),
    outputs: outputDeclarations(task.outputs),
    extra: attempt('cache.key', () => policy.extraKey.map((value) => renderValue(value, { ...context, inputs: plainInputs(inputs) }))),
  };
  const image = task.image ?? ctx.defaultImage;
  if (image !== undefined) ingredients.image = image;
  if ('item' in parts) ingredients.item = { value: parts.item };
  if (policy.version !== undefined) ingredients.version = policy.version;
  return ingredients;
}

function attempt<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new UncacheableError(`${what}: ${errorMessage(error)}`, { cause: error });
  }
}

/** Inputs as the key sees them: rendered params, artifacts by digest, with any declared type or path. */
function resolveKeyInputs(task: TaskSpec, parts: ContextParts, context: Record<string, unknown>): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(task.inputs ?? {})) {
    const decl = asInputDecl(raw);
    const artifact = artifactInput(decl.value, parts);
    let value: unknown;
    if (artifact !== undefined) value = { artifact: summarize(artifact) };
    else if (isArtifactType(decl.type)) throw new UncacheableError(`input "${name}" is declared an artifact but references none`);
    else value = attempt(`input "${name}"`, () => renderValue(decl.value, context));
    inputs[name] = { value, type: decl.type, path: decl.path };
  }
  return inputs;
}

function plainInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(inputs)) plain[name] = (entry as { value: unknown }).value;
  return plain;
}

function artifactInput(value: unknown, parts: ContextParts): ArtifactRef | ArtifactRef[] | undefined {
  if (typeof value !== 'string') return undefined;
  const template = attempt('input', () => parseTemplate(value));
  const only = template.length === 1 ? template[0] : undefined;
  if (only?.kind !== 'expr') return undefined;
  const match = OUTPUT_REFERENCE.exec(only.source);
  return match ? parts.tasks[match[1]!]?.artifacts[match[2]!] : undefined;
}

/** An artifact in a key: its content digest (and whether it is a file or a directory), nothing else. */
function summarize(ref: ArtifactRef | ArtifactRef[]): unknown {
  return Array.isArray(ref) ? ref.map((r) => ({ digest: r.digest, kind: r.kind })) : { digest: ref.digest, kind: ref.kind };
}

async function runnerIngredients(
  task: TaskSpec,
  context: Record<string, unknown>,
  ctx: KeyContext,
): Promise<{ runner: Record<string, unknown>; files: Record<string, string> }> {
  const files: Record<string, string> = {};
  if (task.node) {
    const spec = task.node;
    const cwd = workdir(spec.cwd, ctx.baseDir);
    const moduleText = attempt('node module', () => String(renderValue(spec.module, context)));
    const modulePath = isAbsolute(moduleText) ? moduleText : resolve(ctx.baseDir, moduleText);
    const digest = await ctx.files.digest(modulePath);
    if (digest === undefined) throw new UncacheableError(`node module ${modulePath} does not exist`);
    // By content only: the same module copied elsewhere (another project, another workflow) keys the same.
    files['<module>'] = digest;
    return { runner: { kind: 'node', export: spec.export ?? 'default', env: spec.env ?? {}, ...inherited(spec.inheritEnv), cwd }, files };
  }
  if (task.script) {
    const spec = task.script;
    const cwd = workdir(spec.cwd, ctx.baseDir);
    const interpreter = spec.interpreter ?? 'sh';
    await addNamedFiles([interpreter.trim().split(/\s+/)[0] ?? '', ...(spec.args ?? [])], cwd, ctx.files, files);
    return { runner: { kind: 'script', interpreter, source: spec.source, args: spec.args ?? [], env: spec.env ?? {}, ...inherited(spec.inheritEnv), cwd }, files };
  }
  if (task.process) {
    const spec = task.process;
    const cwd = workdir(spec.cwd, ctx.baseDir);
    const shell = spec.shell === true;
    await addNamedFiles(shell ? (spec.args ?? []) : [spec.command, ...(spec.args ?? [])], cwd, ctx.files, files);
    return { runner: { kind: 'process', command: spec.command, args: spec.args ?? [], shell, env: spec.env ?? {}, ...inherited(spec.inheritEnv), cwd }, files };
  }
  throw new UncacheableError('only process, script and node tasks are cached');
}

/**
 * The variables a task takes from the engine's environment, with their values now (null: unset):
 * a task that reads one may produce another result when it changes. Only a hash of them reaches
 * the store. Absent when the task inherits nothing, so that keys of tasks without inheritEnv stay
 * as they were.
 */
function inherited(names: readonly string[] | undefined): { inheritEnv?: Record<string, string | null> } {
  if (names === undefined || names.length === 0) return {};
  return { inheritEnv: Object.fromEntries(names.map((name) => [name, process.env[name] ?? null])) };
}

function workdir(cwd: string | undefined, baseDir: string): string {
  if (cwd === undefined) return baseDir;
  return isAbsolute(cwd) ? cwd : resolve(baseDir, cwd);
}

/** Words of a command line that name an existing file: identified by content in the key. */
async function addNamedFiles(words: readonly string[], cwd: string, digests: FileDigests, files: Record<string, string>): Promise<void> {
  for (const word of words) {
    if (word === '' || word.startsWith('-') || word.includes('{{') || word.includes('\n') || word.length > 1024) continue;
    const digest = await digests.digest(isAbsolute(word) ? word : resolve(cwd, word));
    if (digest !== undefined) files[word] = digest;
  }
}

/** The values the runner's templates reference, by reference (`params.n`, `tasks.prep.outputs.rows`). */
function referencedValues(task: TaskSpec, parts: ContextParts): Record<string, unknown> {
  let refs = runnerRefs.get(task);
  if (refs === undefined) {
    refs = referencesInValue([task.process, task.script, task.node].filter((runner) => runner !== undefined));
    runnerRefs.set(task, refs);
  }
  const values: Record<string, unknown> = {};
  for (const ref of refs) {
    const value = referenceValue(ref, parts);
    if (value !== SKIP) values[[ref.root, ...ref.path].join('.')] = value;
  }
  return values;
}

const SKIP = Symbol('not part of the key');

function referenceValue(ref: Reference, parts: ContextParts): unknown {
  const [first, second, third] = ref.path;
  switch (ref.root) {
    case 'params':
      return first === undefined ? parts.params : (parts.params[first] ?? null);
    case 'tasks': {
      const view = first === undefined ? undefined : parts.tasks[first];
      if (view === undefined) return null;
      if (second === 'status') return view.status;
      if (second === 'outputs' && third !== undefined) {
        const artifact = view.artifacts[third];
        return artifact !== undefined ? summarize(artifact) : (view.outputs[third] ?? null);
      }
      return { status: view.status, outputs: outputsOf(view) };
    }
    case 'task':
      // The name and index change what the task runs; the attempt number does not decide a success.
      if (first === 'index') return parts.task.index ?? null;
      if (first === 'name') return parts.task.name;
      return first === undefined ? { name: parts.task.name, index: parts.task.index } : SKIP;
    default:
      // item and inputs are keyed on their own; run fields are left out on purpose (docs/caching.md).
      return SKIP;
  }
}

function outputsOf(view: UpstreamView): Record<string, unknown> {
  const outputs: Record<string, unknown> = { ...view.outputs };
  for (const [name, artifact] of Object.entries(view.artifacts)) outputs[name] = summarize(artifact);
  return outputs;
}

function outputDeclarations(outputs: Record<string, OutputDecl> | undefined): Record<string, unknown> {
  const declared: Record<string, unknown> = {};
  for (const [name, decl] of Object.entries(outputs ?? {})) {
    const { description: _description, ...rest } = decl;
    declared[name] = rest;
  }
  return declared;
}

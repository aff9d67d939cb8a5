// The template context a task sees, and how its inputs are resolved against it. A task's context
// holds only the upstream tasks it references, so building it costs the same in a 10-task and a
// 10,000-task workflow.
import { join } from 'node:path';
import { parseTemplate, renderValue } from '../../expr/template.js';
import type { InputDecl, ParamType, TaskSpec } from '../../spec/schema.js';
import { isArtifactType } from '../../spec/value-types.js';
import type { ArtifactRef } from '../model.js';
import type { ArtifactStore } from './artifacts.js';
import { checkType } from './outputs.js';
import { TaskFailureError } from './task-failure.js';
import { errorMessage } from '../../util/error-message.js';

const OUTPUT_REFERENCE = /^tasks\.([A-Za-z_][A-Za-z0-9_]*)\.outputs\.([A-Za-z_][A-Za-z0-9_]*)$/;
const INPUT_DECL_KEYS: ReadonlySet<string> = new Set(['value', 'type', 'path']);

/** What a task's context says about an upstream task. */
export interface UpstreamView {
  status: string;
  /** Param values; artifacts appear as the path of their stored content. */
  outputs: Record<string, unknown>;
  /** Artifact outputs by name (a list for a forEach task). */
  artifacts: Record<string, ArtifactRef | ArtifactRef[]>;
}

export interface ContextParts {
  params: Record<string, unknown>;
  run: Record<string, unknown>;
  tasks: Record<string, UpstreamView>;
  item?: unknown;
  task: { name: string; attempt: number; index?: number };
}

export function buildContext(parts: ContextParts, inputs?: Record<string, unknown>): Record<string, unknown> {
  const tasks: Record<string, unknown> = {};
  for (const [name, view] of Object.entries(parts.tasks)) tasks[name] = { status: view.status, outputs: view.outputs };
  const context: Record<string, unknown> = { params: parts.params, run: parts.run, tasks, task: parts.task };
  if ('item' in parts) context.item = parts.item;
  if (inputs) context.inputs = inputs;
  return context;
}

/** An input given as `{ value, type?, path? }` rather than as a bare value. */
export function asInputDecl(raw: unknown): InputDecl {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'value' in raw) {
    if (Object.keys(raw).every((key) => INPUT_DECL_KEYS.has(key))) return raw as InputDecl;
  }
  return { value: raw };
}

/** An input that does not resolve (wrong type, not an artifact): the task's own fault. */
export class InputError extends TaskFailureError {
  readonly code = 'TASK_INPUT';
  readonly status = 'Failed';
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * Resolves a task's inputs: params are rendered; artifacts are copied from the store into the
 * attempt's inputs directory (or the declared path) and the input's value is that path.
 */
export async function resolveInputs(
  task: TaskSpec,
  parts: ContextParts,
  inputsDir: string,
  artifacts: ArtifactStore,
): Promise<Record<string, unknown>> {
  const resolved: Record<string, unknown> = {};
  if (!task.inputs) return resolved;
  const context = buildContext(parts);
  for (const [name, raw] of Object.entries(task.inputs)) {
    const decl = asInputDecl(raw);
    const refs = artifactReference(decl, parts);
    if (refs) {
      const destination = decl.path ?? join(inputsDir, name);
      if (Array.isArray(refs)) {
        for (const [index, ref] of refs.entries()) await artifacts.materialize(ref, join(destination, String(index)));
      } else {
        await artifacts.materialize(refs, destination);
      }
      resolved[name] = destination;
      continue;
    }
    if (isArtifactType(decl.type)) {
      throw new InputError(`input "${name}": expected a reference to an artifact output, such as {{ tasks.NAME.outputs.OUTPUT }}`);
    }
    const value = renderValue(decl.value, context);
    try {
      resolved[name] = decl.type ? checkType(value, decl.type as ParamType, name) : value;
    } catch (error) {
      throw new InputError(`input ${errorMessage(error).replace(/^output /, '')}`);
    }
  }
  return resolved;
}

function artifactReference(decl: InputDecl, parts: ContextParts): ArtifactRef | ArtifactRef[] | undefined {
  if (typeof decl.value !== 'string') return undefined;
  const template = parseTemplate(decl.value);
  const only = template.length === 1 ? template[0] : undefined;
  if (only?.kind !== 'expr') return undefined;
  const match = OUTPUT_REFERENCE.exec(only.source);
  if (!match) return undefined;
  return parts.tasks[match[1]!]?.artifacts[match[2]!];
}

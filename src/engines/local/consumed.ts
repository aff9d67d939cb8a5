// What one task run consumed, for lineage and comparison: each named input's resolved param value,
// each artifact it was handed (by digest, with the producing task output), and artifacts its
// runner fields reference directly (`{{ tasks.T.outputs.O }}` in args: the path of the stored
// content) without declaring an input. Computed from the same context the attempt ran with.
import { parseTemplate, renderValue } from '../../expr/template.js';
import type { TaskSpec } from '../../spec/schema.js';
import type { TaskInputRecord } from '../../store/ports/runs.js';
import type { ArtifactRef } from '../model.js';
import { asInputDecl, buildContext, type ContextParts } from './context.js';

const OUTPUT_REFERENCE = /^tasks\.([A-Za-z_][A-Za-z0-9_]*)\.outputs\.([A-Za-z_][A-Za-z0-9_]*)$/;
const ANY_OUTPUT_REFERENCE = /tasks\.([A-Za-z_][A-Za-z0-9_]*)\.outputs\.([A-Za-z_][A-Za-z0-9_]*)/g;

/** Output references anywhere but `inputs`, per spec object (a spec is frozen for a run). */
const fieldReferences = new WeakMap<TaskSpec, Array<[task: string, output: string]>>();

type Base = Pick<TaskInputRecord, 'runId' | 'task' | 'attempt'>;

export function consumedInputs(base: Base, spec: TaskSpec, parts: ContextParts): TaskInputRecord[] {
  const records: TaskInputRecord[] = [];
  const seen = new Set<string>();
  let context: Record<string, unknown> | undefined;
  for (const [name, raw] of Object.entries(spec.inputs ?? {})) {
    const decl = asInputDecl(raw);
    const source = wholeReference(decl.value);
    const refs = source ? parts.tasks[source.task]?.artifacts[source.output] : undefined;
    if (source && refs) {
      seen.add(`${source.task}.${source.output}`);
      records.push(...artifactRecords(base, name, refs, source));
      continue;
    }
    try {
      context ??= buildContext(parts);
      records.push({ ...base, name, kind: 'param', value: renderValue(decl.value, context) ?? null });
    } catch {
      // The attempt rendered this input before it ran; a failure here only loses the record.
    }
  }
  for (const [task, output] of referencesOutsideInputs(spec)) {
    const key = `${task}.${output}`;
    const refs = parts.tasks[task]?.artifacts[output];
    if (seen.has(key) || refs === undefined) continue;
    seen.add(key);
    records.push(...artifactRecords(base, key, refs, { task, output }));
  }
  return records;
}

function artifactRecords(base: Base, name: string, refs: ArtifactRef | ArtifactRef[], source: { task: string; output: string }): TaskInputRecord[] {
  if (!Array.isArray(refs)) return [{ ...base, name, kind: 'artifact', artifact: refs, source }];
  return refs.map((artifact, index) => ({ ...base, name, kind: 'artifact', artifact, index, source }));
}

function wholeReference(value: unknown): { task: string; output: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const template = parseTemplate(value);
  const only = template.length === 1 ? template[0] : undefined;
  if (only?.kind !== 'expr') return undefined;
  const match = OUTPUT_REFERENCE.exec(only.source.trim());
  return match ? { task: match[1]!, output: match[2]! } : undefined;
}

function referencesOutsideInputs(spec: TaskSpec): Array<[string, string]> {
  let found = fieldReferences.get(spec);
  if (found === undefined) {
    const { inputs: _inputs, ...rest } = spec;
    const text = JSON.stringify(rest);
    found = [...text.matchAll(ANY_OUTPUT_REFERENCE)].map((m): [string, string] => [m[1]!, m[2]!]);
    fieldReferences.set(spec, found);
  }
  return found;
}

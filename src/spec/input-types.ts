// Type agreement between a producer's output and a consumer's input: an input declared with a
// type and fed by `{{ tasks.p.outputs.o }}` must accept what p declares for o; artifacts go only
// into artifact inputs; a literal value must fit the declared type.
import type { SpecIssue } from '../errors.js';
import { ExpressionError } from '../errors.js';
import { referencesInExpression } from '../expr/references.js';
import { hasTemplate, parseTemplate } from '../expr/template.js';
import { pointer } from './positions.js';
import type { InputDecl, TaskSpec } from './schema.js';
import type { IndexedTask, TaskIndex } from './task-index.js';
import { describeValue, isArtifactType, matchesParamType, outputType, typesCompatible, type ValueType } from './value-types.js';

const DECL_KEYS = new Set(['value', 'type', 'path']);

/** Whether an input value is the explicit `{ value, type?, path? }` form. */
export function isInputDecl(value: unknown): value is InputDecl {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('value' in value)) return false;
  return Object.keys(value).every((key) => DECL_KEYS.has(key));
}

interface OutputSource {
  task: TaskSpec;
  output: string;
  /** The value's type as the consumer sees it: a forEach producer gives a list. */
  type: ValueType;
  list: boolean;
}

/** The output a value refers to when the whole value is one `{{ tasks.p.outputs.o }}`. */
function singleOutputSource(value: unknown, index: TaskIndex): OutputSource | undefined {
  if (typeof value !== 'string' || !hasTemplate(value)) return undefined;
  try {
    const parts = parseTemplate(value);
    const part = parts[0];
    if (parts.length !== 1 || part?.kind !== 'expr') return undefined;
    const refs = referencesInExpression(part.source);
    const ref = refs[0];
    if (refs.length !== 1 || ref?.root !== 'tasks' || ref.path.length !== 3 || ref.path[1] !== 'outputs') return undefined;
    const [taskName, , outputName] = ref.path as [string, string, string];
    if (part.source.replace(/\s+/g, '') !== `tasks.${taskName}.outputs.${outputName}`) return undefined;
    const producer = index.byName.get(taskName)?.task;
    const decl = producer?.outputs?.[outputName];
    if (!producer || !decl) return undefined;
    const type = outputType(producer, decl);
    const list = producer.forEach !== undefined;
    return { task: producer, output: outputName, type: list && !isArtifactType(type) ? 'json' : type, list };
  } catch (error) {
    if (error instanceof ExpressionError) return undefined; // reported by the reference check
    throw error;
  }
}

export function checkInputTypes(entry: IndexedTask, index: TaskIndex, issues: SpecIssue[]): void {
  for (const [name, raw] of Object.entries(entry.task.inputs ?? {})) {
    const at = `${entry.path}${pointer('inputs', name)}`;
    const decl = isInputDecl(raw) ? raw : undefined;
    const value = decl ? decl.value : raw;
    const source = singleOutputSource(value, index);
    const declared = decl?.type;
    if (declared !== undefined && source !== undefined && !typesCompatible(source.type, declared)) {
      const produced = source.list ? `a list (task "${source.task.name}" has forEach)` : source.type;
      const kinds = isArtifactType(source.type) !== isArtifactType(declared);
      issues.push({
        path: `${at}/type`,
        message: kinds
          ? `input "${name}" is ${isArtifactType(declared) ? 'an artifact' : 'a parameter'} but tasks.${source.task.name}.outputs.${source.output} is ${isArtifactType(source.type) ? 'an artifact' : 'a parameter'}`
          : `input "${name}" is declared ${declared} but tasks.${source.task.name}.outputs.${source.output} is ${produced}`,
        expected: declared,
        found: produced,
      });
    }
    if (declared !== undefined && !isArtifactType(declared) && source === undefined && !containsTemplate(value) && !matchesParamType(value, declared)) {
      issues.push({ path: `${at}/value`, message: `value of input "${name}" does not match its type`, expected: declared, found: describeValue(value) });
    }
    const effective = declared ?? source?.type;
    if (decl?.path !== undefined && !isArtifactType(effective)) {
      issues.push({ path: `${at}/path`, message: `input "${name}" is not an artifact, so it has no path`, expected: 'path only on artifact inputs', found: effective ?? 'an untyped value' });
    }
  }
}

function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return hasTemplate(value);
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsTemplate);
  return false;
}

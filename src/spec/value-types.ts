// What the declared types of params, inputs and outputs mean for values, shared by validation
// (param defaults, producer/consumer compatibility) and param resolution.
import { ARTIFACT_TYPES, type ArtifactType, type OutputDecl, type ParamType, type TaskSpec } from './schema.js';

export type ValueType = ParamType | ArtifactType;

const artifactTypes: ReadonlySet<string> = new Set(ARTIFACT_TYPES);

export function isArtifactType(type: string | undefined): type is ArtifactType {
  return type !== undefined && artifactTypes.has(type);
}

/** Whether a JSON value fits a param type (`json` takes anything). */
export function matchesParamType(value: unknown, type: ParamType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'json':
      return true;
  }
}

/** A short description of a value for "found ..." in messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return `${Number.isInteger(value) ? 'integer' : 'number'} ${value}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** An output's type with the defaults applied: json for stdout and node outputs, string for files. */
export function outputType(task: TaskSpec, output: OutputDecl): ValueType {
  if (output.type !== undefined) return output.type;
  if (task.node || (output.stdout !== undefined && output.stdout !== false)) return 'json';
  return 'string';
}

/** Whether a value of type `from` may be passed where `to` is declared. */
export function typesCompatible(from: ValueType, to: ValueType): boolean {
  if (from === to) return true;
  const fromArtifact = isArtifactType(from);
  if (fromArtifact !== isArtifactType(to)) return false;
  if (fromArtifact) return from === 'artifact' || to === 'artifact';
  return to === 'json' || (from === 'integer' && to === 'number');
}

/** The closest candidate to a misspelt name, if one is close enough to suggest. */
function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  let checked = 0;
  for (const candidate of candidates) {
    if (++checked > 5000) break;
    if (Math.abs(candidate.length - name.length) > bestDistance) continue;
    // Ties go to a candidate with the same first letter: "cnt" means "count" more than "end".
    const sameStart = candidate[0]?.toLowerCase() === name[0]?.toLowerCase() ? 0.5 : 0;
    const d = distance(name.toLowerCase(), candidate.toLowerCase()) - sameStart;
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** " (did you mean "x"?)" or "". */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const best = suggest(name, candidates);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/** "a, b or c" */
export function listWords(words: readonly string[], conjunction = 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}

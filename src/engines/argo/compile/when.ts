// A task's `when` as an Argo govaluate condition. References become Argo tags; a string value is
// wrapped in single quotes (Argo substitutes the text before govaluate parses it), numbers and
// booleans stay bare. A value that itself contains a quote or backslash therefore breaks the
// condition at run time: an Argo limitation, noted in the docs.
import { celToGovaluate, ExpressionTranslationError, quoteGovaluateString, type ReferenceUse } from '../../../expr/govaluate.js';
import type { TaskSpec } from '../../../spec/schema.js';
import type { CompileContext } from './context.js';
import { resolveDagReference } from './references.js';

export function argoWhen(ctx: CompileContext, task: TaskSpec, when: string): string {
  const map = (path: readonly string[], use: ReferenceUse): string => {
    const resolved = resolveDagReference(ctx, task, 'when', path);
    if (resolved.kind === 'literal') return quoteGovaluateString(resolved.text);
    if (resolved.kind === 'artifact' || resolved.kind === 'artifact-list') return ctx.fail('when', task.name, 'when', `${path.join('.')} is an artifact and cannot be compared`);
    const type = resolved.type;
    if (type === 'string' || (type !== 'number' && type !== 'integer' && type !== 'boolean' && use.comparedWith === 'string')) return `'${resolved.tag}'`;
    if (type === 'number' || type === 'integer' || type === 'boolean') return resolved.tag;
    if (type === undefined && (use.comparedWith === 'number' || use.comparedWith === 'boolean')) return resolved.tag;
    return ctx.fail('when', task.name, 'when', `${path.join('.')} is ${type ?? 'of unknown type'}; a govaluate condition can compare strings, numbers and booleans only`);
  };
  try {
    return celToGovaluate(when, map);
  } catch (error) {
    if (error instanceof ExpressionTranslationError) ctx.fail('when', task.name, 'when', error.message);
    throw error;
  }
}

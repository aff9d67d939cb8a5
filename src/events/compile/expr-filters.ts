// A dependency's CEL expression filters as Argo Events `filters.exprs`: the condition translated to
// govaluate (src/expr/govaluate.ts), each data reference bound to a field ({ name, path }) that
// Argo Events fills from the event before evaluating. References may be `data.x`, `event.data.x`,
// a name the filter's own `fields` declare, and `event.subject` of a NATS event (Argo Events keeps
// the subject beside the body). Two Argo Events rules shape the output: an expression with no
// field is skipped (passes), so one is refused; a field whose path is missing fails the filter,
// which is what makes `has(data.x)` expressible, as the field alone over the constant `true`.
import { ExpressionTranslationError, celToGovaluate } from '../../expr/govaluate.js';
import type { ExprFilter } from '../sensors/schema.js';
import { refuse } from './context.js';
import { gjsonPath, underPrefix } from './paths.js';
import type { SourceShape } from './source-shape.js';

export interface ArgoExprFilter {
  expr: string;
  fields: Array<{ name: string; path: string }>;
}

const HAS_DATA = /^\s*has\(\s*(?:event\.)?data\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\)\s*$/;

export function compileExprFilter(filter: ExprFilter, shape: SourceShape, where: string): ArgoExprFilter {
  const fields = new FieldNames();
  const dataPath = (keys: readonly string[]): string => {
    if ('unreadable' in shape.data) refuse('expression filter', where, `the event data cannot be read in Argo Events: ${shape.data.unreadable}`);
    return gjsonPath([shape.data.prefix, ...keys]);
  };
  const presence = HAS_DATA.exec(filter.expr);
  if (presence) {
    fields.bind(dataPath(presence[1]!.split('.')), presence[1]!);
    return { expr: 'true', fields: fields.list() };
  }
  const declared = new Map((filter.fields ?? []).map((field) => [field.name, field.path]));
  const mapReference = (path: readonly string[]): string => {
    const [root, ...rest] = path;
    const own = root !== undefined ? declared.get(root) : undefined;
    if (own !== undefined) {
      if ('unreadable' in shape.data) dataPath([]);
      const prefix = underPrefix((shape.data as { prefix: string }).prefix, own);
      return fields.bind(rest.length > 0 ? `${prefix}.${gjsonPath(rest)}` : prefix, [root!, ...rest].join('_'));
    }
    if (root === 'data' && rest.length > 0) return fields.bind(dataPath(rest), path.join('_'));
    if (root === 'event' && rest[0] === 'data' && rest.length > 1) return fields.bind(dataPath(rest.slice(1)), rest.join('_'));
    if (root === 'event' && rest.length === 1 && rest[0] === 'subject' && shape.kind === 'nats') return fields.bind('subject', 'subject');
    return refuse(
      'expression filter reference',
      where,
      `${path.join('.')}: Argo Events expression fields reach the event data only (data.<path>, event.data.<path>, declared fields${shape.kind === 'nats' ? ', event.subject' : ''})`,
    );
  };
  let expr: string;
  try {
    expr = celToGovaluate(filter.expr, mapReference);
  } catch (error) {
    if (error instanceof ExpressionTranslationError) refuse('expression filter', where, error.message);
    throw error;
  }
  if (fields.size === 0) {
    refuse('expression filter without data', where, `${JSON.stringify(filter.expr)} reads no event data; Argo Events skips (passes) an expression with no fields`);
  }
  return { expr, fields: fields.list() };
}

/** Field names for paths: readable, govaluate identifiers, one per path, unique. */
class FieldNames {
  private readonly byPath = new Map<string, string>();
  private readonly taken = new Set<string>();

  get size(): number {
    return this.byPath.size;
  }

  bind(path: string, hint: string): string {
    const known = this.byPath.get(path);
    if (known !== undefined) return known;
    let base = hint.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z]/.test(base)) base = `f_${base}`;
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    this.byPath.set(path, name);
    return name;
  }

  list(): Array<{ name: string; path: string }> {
    return [...this.byPath.entries()].map(([path, name]) => ({ name, path }));
  }
}

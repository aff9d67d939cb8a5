// Translates a tandem CEL condition into the govaluate syntax that Argo's `when` and Argo Events'
// expression filters evaluate. Only a common subset has the same meaning in both languages:
// comparisons, &&, ||, !, parentheses, string/number/bool literals, references and `x in [..]`
// over a literal list. Everything else is refused with ExpressionTranslationError naming the
// construct and its offset, so a condition is never translated into something that means
// something else.
//
// The CEL library parses the expression (invalid CEL is reported with CEL's own message, as an
// ExpressionError); the subset is read from its AST (see cel-ast.ts), and the AST's offsets point
// at a refused construct. The subset is a tree of its own (ConditionNode), which the Argo compiler
// also prints as expr-lang for `{{= }}` tags.
//
// Quoting: a reference's text comes verbatim from `mapReference`; the caller knows the value's
// type and must quote string values itself (for Argo: `'{{workflow.parameters.x}}'`). The second
// argument tells the mapper what literal type the reference is compared with, if any, for
// references whose type the caller cannot know. String literals are emitted single-quoted, with
// `\` before `\`, `'` and `"` (govaluate ends a string at either quote character).
// `x in [a, b]` becomes `(x == a || x == b)`, and `x in []` becomes `false`: plain equality is
// understood by every govaluate version Argo ships, unlike `IN (..)`.
import { TandemError } from '../errors.js';
import { compileCel, type CelNode } from './cel.js';
import { CEL_MACROS, celOperatorOffset, viewCel, type CelBinaryOp } from './cel-ast.js';

/** A CEL construct outside the translatable subset. */
export class ExpressionTranslationError extends TandemError {
  readonly code = 'EXPRESSION_TRANSLATION';
  override readonly exitCode = 2;
  constructor(
    readonly expression: string,
    /** The unsupported construct, e.g. `function call size()`. */
    readonly construct: string,
    readonly offset: number,
  ) {
    super(
      `cannot translate ${JSON.stringify(expression)} to a govaluate condition: ${construct} (at offset ${offset}) is not supported; ` +
        'expected comparisons (== != < <= > >=), &&, ||, !, parentheses, string/number/bool literals, references and "in" over a literal list',
    );
    this.name = 'ExpressionTranslationError';
  }
}

type Literal = string | number | boolean;
type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** The translatable subset, as a tree. `at`: the offset of a literal (of the list, for `in`). */
export type ConditionNode =
  | { kind: 'literal'; value: Literal; at: number }
  | { kind: 'reference'; path: string[] }
  | { kind: 'not'; operand: ConditionNode }
  | { kind: 'logical'; op: '&&' | '||'; left: ConditionNode; right: ConditionNode }
  | { kind: 'compare'; op: ComparisonOp; left: ConditionNode; right: ConditionNode }
  | { kind: 'in'; needle: ConditionNode; list: Literal[]; at: number };

/** What the reference is compared with: the type of the literal on the other side, if any. */
export interface ReferenceUse {
  comparedWith?: 'string' | 'number' | 'boolean';
}

export type ReferenceMapper = (path: readonly string[], use: ReferenceUse) => string;

/** Translates a CEL condition into govaluate; see the file header for quoting. */
export function celToGovaluate(expression: string, mapReference: ReferenceMapper): string {
  return printGovaluate(parseCondition(expression), mapReference, expression);
}

/** A CEL expression of the translatable subset as a tree; throws for anything outside it. */
export function parseCondition(expression: string): ConditionNode {
  return new SubsetReader(expression).read(compileCel(expression).ast);
}

/** A govaluate string literal. */
export function quoteGovaluateString(text: string): string {
  return `'${text.replace(/[\\'"]/g, (c) => `\\${c}`)}'`;
}

// ---- reading the subset from the CEL AST ---------------------------------------------------

const COMPARISONS: ReadonlySet<CelBinaryOp> = new Set<CelBinaryOp>(['==', '!=', '<', '<=', '>', '>=']);

/**
 * Walks the AST in source order, so that of several refused constructs the first one written is
 * the one named: an operand is read before the operator that combines it is judged.
 */
class SubsetReader {
  constructor(private readonly source: string) {}

  read(node: CelNode): ConditionNode {
    const view = viewCel(node);
    switch (view.kind) {
      case 'literal':
        return { kind: 'literal', value: this.literal(node, view.value), at: node.start };
      case 'identifier':
        return { kind: 'reference', path: [view.name] };
      case 'select': {
        if (view.optional) return this.refuse('optional field selection ".?"', node.pos);
        const target = this.read(view.target);
        // References are dotted paths as Argo tags and Argo Events fields name them; a
        // parenthesised prefix, `(a.b).c`, selects from a value CEL computes first.
        const written = this.source.slice(node.start, node.end);
        if (target.kind !== 'reference' || written.includes(')')) return this.refuse('field selection on a computed value', node.pos);
        return { kind: 'reference', path: [...target.path, view.field] };
      }
      case 'index':
        this.read(view.target);
        return this.refuse('index access [..]', celOperatorOffset(this.source, node));
      case 'not':
        return { kind: 'not', operand: this.read(view.operand) };
      case 'negate': {
        const operand = this.read(view.operand);
        if (operand.kind !== 'literal' || typeof operand.value !== 'number') return this.refuse('arithmetic negation of a non-literal', node.start);
        return { kind: 'literal', value: -operand.value, at: node.start };
      }
      case 'binary':
        return this.binary(node, view.op, view.left, view.right);
      case 'conditional':
        this.read(view.condition);
        return this.refuse('the conditional (ternary) operator ?:', celOperatorOffset(this.source, node));
      case 'list':
        return this.refuse('a list literal outside "in"', node.start);
      case 'map':
        return this.refuse('a map or message literal', node.start);
      case 'call': {
        if (view.target) this.read(view.target);
        const kind = CEL_MACROS.has(view.name) ? 'macro' : view.target ? 'method call' : 'function call';
        return this.refuse(`${kind} ${view.name}()`, celOperatorOffset(this.source, node));
      }
      case 'other':
        return this.refuse(`operator ${view.op}`, node.start);
    }
  }

  private binary(node: CelNode, op: CelBinaryOp, left: CelNode, right: CelNode): ConditionNode {
    const first = this.read(left);
    if (op === '&&' || op === '||') return { kind: 'logical', op, left: first, right: this.read(right) };
    if (COMPARISONS.has(op)) return { kind: 'compare', op: op as ComparisonOp, left: first, right: this.read(right) };
    if (op === 'in') return { kind: 'in', needle: first, list: this.literalList(left, right), at: right.start };
    return this.refuse(`arithmetic operator "${op}"`, celOperatorOffset(this.source, node));
  }

  /** The right side of `in`: a list of literals, written as one (not in parentheses). */
  private literalList(needle: CelNode, list: CelNode): Literal[] {
    const view = viewCel(list);
    const between = this.source.slice(needle.end, list.start);
    const keyword = /in\s*/.exec(between);
    if (view.kind !== 'list' || !keyword || keyword.index + keyword[0].length !== between.length) {
      // Points just after `in`: at the parenthesis of `in ([..])`, else where the right side starts.
      const at = keyword ? needle.end + keyword.index + keyword[0].length : list.start;
      return this.refuse('"in" over something other than a literal list', at);
    }
    return view.items.map((item) => {
      const node = this.read(item);
      return node.kind === 'literal' ? node.value : this.refuse('a non-literal element in an "in" list', list.start);
    });
  }

  /** A literal's value; integers (int and uint) become numbers, as govaluate reads every number as a float. */
  private literal(node: CelNode, value: unknown): Literal {
    if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    if (value === null) return this.refuse('null literal', node.start);
    if (value instanceof Uint8Array) return this.refuse('bytes literal', node.start);
    // A uint literal (`3u`) is an object of the library's that holds a bigint.
    const primitive: unknown = typeof value === 'object' ? value.valueOf() : undefined;
    if (typeof primitive === 'bigint') return Number(primitive);
    return this.refuse(`literal ${String(value)}`, node.start);
  }

  private refuse(construct: string, at: number): never {
    throw new ExpressionTranslationError(this.source, construct, at);
  }
}

// ---- printing ------------------------------------------------------------------------------

const PRECEDENCE = { '||': 1, '&&': 2, compare: 3 } as const;

function precedence(node: ConditionNode): number {
  if (node.kind === 'logical') return PRECEDENCE[node.op];
  if (node.kind === 'compare') return PRECEDENCE.compare;
  return 4;
}

function printGovaluate(node: ConditionNode, map: ReferenceMapper, source: string, use: ReferenceUse = {}): string {
  switch (node.kind) {
    case 'literal':
      return printLiteral(node.value, source, node.at);
    case 'reference':
      return map(node.path, use);
    case 'not': {
      // Always parenthesised: no reliance on how tightly `!` binds in govaluate.
      return `!(${printGovaluate(node.operand, map, source)})`;
    }
    case 'logical':
    case 'compare': {
      const leftUse = node.kind === 'compare' ? useOf(node.right) : {};
      const rightUse = node.kind === 'compare' ? useOf(node.left) : {};
      const left = wrap(node, node.left, printGovaluate(node.left, map, source, leftUse));
      const right = wrap(node, node.right, printGovaluate(node.right, map, source, rightUse));
      return `${left} ${node.op} ${right}`;
    }
    case 'in': {
      if (node.list.length === 0) return 'false';
      const first = node.list[0]!;
      const needle = printGovaluate(node.needle, map, source, { comparedWith: literalType(first) });
      const wrapped = node.needle.kind === 'reference' || node.needle.kind === 'literal' ? needle : `(${needle})`;
      return `(${node.list.map((item) => `${wrapped} == ${printLiteral(item, source, node.at)}`).join(' || ')})`;
    }
  }
}

function wrap(parent: ConditionNode, child: ConditionNode, text: string): string {
  const parentPrecedence = precedence(parent);
  const childPrecedence = precedence(child);
  const needs = child.kind === 'not' || childPrecedence < parentPrecedence || (childPrecedence === parentPrecedence && parent.kind === 'compare');
  return needs ? `(${text})` : text;
}

function useOf(other: ConditionNode): ReferenceUse {
  return other.kind === 'literal' ? { comparedWith: literalType(other.value) } : {};
}

function literalType(value: Literal): 'string' | 'number' | 'boolean' {
  return typeof value as 'string' | 'number' | 'boolean';
}

function printLiteral(value: Literal, source: string, at: number): string {
  if (typeof value === 'string') {
    if (value.includes('{{')) throw new ExpressionTranslationError(source, 'a string literal containing "{{" (Argo would substitute it)', at);
    return quoteGovaluateString(value);
  }
  if (typeof value === 'number') {
    const text = String(value);
    if (!Number.isFinite(value) || /e/i.test(text)) throw new ExpressionTranslationError(source, `number ${text} (govaluate reads plain decimals only)`, at);
    return text;
  }
  return value ? 'true' : 'false';
}

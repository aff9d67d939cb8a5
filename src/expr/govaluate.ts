// Translates a tandem CEL condition into the govaluate syntax that Argo's `when` and Argo Events'
// expression filters evaluate. Only a common subset has the same meaning in both languages:
// comparisons, &&, ||, !, parentheses, string/number/bool literals, references and `x in [..]`
// over a literal list. Everything else is refused with ExpressionTranslationError naming the
// construct, so a condition is never translated into something that means something else.
//
// The parser is hand-written (rather than reusing the CEL library's AST) so that the subset, the
// precedence and the offsets in messages are ours to control. The CEL library still checks the
// expression first, so invalid CEL is reported with CEL's own message (ExpressionError).
//
// Quoting: a reference's text comes verbatim from `mapReference`; the caller knows the value's
// type and must quote string values itself (for Argo: `'{{workflow.parameters.x}}'`). The second
// argument tells the mapper what literal type the reference is compared with, if any, for
// references whose type the caller cannot know. String literals are emitted single-quoted, with
// `\` before `\`, `'` and `"` (govaluate ends a string at either quote character).
// `x in [a, b]` becomes `(x == a || x == b)`, and `x in []` becomes `false`: plain equality is
// understood by every govaluate version Argo ships, unlike `IN (..)`.
import { TandemError } from '../errors.js';
import { compileCel } from './cel.js';

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

export type Literal = string | number | boolean;
export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** The translatable subset, as a tree. */
export type ConditionNode =
  | { kind: 'literal'; value: Literal }
  | { kind: 'reference'; path: string[] }
  | { kind: 'not'; operand: ConditionNode }
  | { kind: 'logical'; op: '&&' | '||'; left: ConditionNode; right: ConditionNode }
  | { kind: 'compare'; op: ComparisonOp; left: ConditionNode; right: ConditionNode }
  | { kind: 'in'; needle: ConditionNode; list: Literal[] };

/** What the reference is compared with: the type of the literal on the other side, if any. */
export interface ReferenceUse {
  comparedWith?: 'string' | 'number' | 'boolean';
}

export type ReferenceMapper = (path: readonly string[], use: ReferenceUse) => string;

/** Translates a CEL condition into govaluate; see the file header for quoting. */
export function celToGovaluate(expression: string, mapReference: ReferenceMapper): string {
  return printGovaluate(parseCondition(expression), mapReference, expression);
}

/** Parses a CEL expression of the translatable subset (after checking it is valid CEL at all). */
export function parseCondition(expression: string): ConditionNode {
  compileCel(expression);
  return new Parser(expression).parseAll();
}

/** A govaluate string literal. */
export function quoteGovaluateString(text: string): string {
  return `'${text.replace(/[\\'"]/g, (c) => `\\${c}`)}'`;
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
      return printLiteral(node.value, source);
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
      return `(${node.list.map((item) => `${wrapped} == ${printLiteral(item, source)}`).join(' || ')})`;
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

function printLiteral(value: Literal, source: string): string {
  if (typeof value === 'string') {
    if (value.includes('{{')) throw new ExpressionTranslationError(source, 'a string literal containing "{{" (Argo would substitute it)', 0);
    return quoteGovaluateString(value);
  }
  if (typeof value === 'number') {
    const text = String(value);
    if (!Number.isFinite(value) || /e/i.test(text)) throw new ExpressionTranslationError(source, `number ${text} (govaluate reads plain decimals only)`, 0);
    return text;
  }
  return value ? 'true' : 'false';
}

// ---- tokenizing ----------------------------------------------------------------------------

type Token =
  | { kind: 'ident'; text: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'bytes'; at: number }
  | { kind: 'punct'; text: string; at: number }
  | { kind: 'end'; at: number };

const PUNCTUATION = ['&&', '||', '==', '!=', '<=', '>=', '.?', '<', '>', '!', '(', ')', '[', ']', '{', '}', ',', '.', '?', ':', '+', '-', '*', '/', '%'];
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '`': '`', '?': '?' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    const quotePrefix = /^([rRbB]{0,2})(['"])/.exec(source.slice(i, i + 3));
    if (quotePrefix && (quotePrefix[1] === '' || /^[A-Za-z]+$/.test(quotePrefix[1]!))) {
      const prefix = quotePrefix[1]!.toLowerCase();
      i += prefix.length;
      const { value, end } = readString(source, i, prefix.includes('r'));
      i = end;
      tokens.push(prefix.includes('b') ? { kind: 'bytes', at } : { kind: 'string', value, at });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))![0];
      tokens.push({ kind: 'ident', text: match, at });
      i += match.length;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^(0[xX][0-9a-fA-F]+|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)[uU]?/.exec(source.slice(i))![0];
      const digits = match.replace(/[uU]$/, '');
      tokens.push({ kind: 'number', value: Number(digits), at });
      i += match.length;
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (!punct) throw new ExpressionTranslationError(source, `character ${JSON.stringify(c)}`, at);
    tokens.push({ kind: 'punct', text: punct, at });
    i += punct.length;
  }
  tokens.push({ kind: 'end', at: source.length });
  return tokens;
}

function readString(source: string, start: number, raw: boolean): { value: string; end: number } {
  const quote = source.startsWith(source[start]!.repeat(3), start) ? source[start]!.repeat(3) : source[start]!;
  let i = start + quote.length;
  let value = '';
  while (i < source.length && !source.startsWith(quote, i)) {
    const c = source[i]!;
    if (c === '\\' && !raw) {
      const next = source[i + 1] ?? '';
      const escaped = ESCAPES[next];
      if (escaped !== undefined) {
        value += escaped;
        i += 2;
        continue;
      }
      const hex = /^(?:[xX]([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-3][0-7]{2}))/.exec(source.slice(i + 1));
      if (!hex) throw new ExpressionTranslationError(source, `escape sequence \\${next}`, i);
      const code = hex[1] ?? hex[2] ?? hex[3];
      value += String.fromCodePoint(code !== undefined ? parseInt(code, 16) : parseInt(hex[4]!, 8));
      i += 1 + hex[0].length;
      continue;
    }
    value += c;
    i++;
  }
  return { value, end: i + quote.length };
}

// ---- parsing -------------------------------------------------------------------------------

const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter', 'has']);
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parseAll(): ConditionNode {
    const node = this.parseTernary();
    const next = this.peek();
    if (next.kind !== 'end') this.reject(describeToken(next), next.at);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  private take(): Token {
    return this.tokens[this.index++]!;
  }

  private reject(construct: string, at: number): never {
    throw new ExpressionTranslationError(this.source, construct, at);
  }

  private expect(text: string): void {
    if (!this.isPunct(text)) this.reject(`${describeToken(this.peek())} where "${text}" was expected`, this.peek().at);
    this.take();
  }

  private parseTernary(): ConditionNode {
    const node = this.parseOr();
    if (this.isPunct('?')) this.reject('the conditional (ternary) operator ?:', this.peek().at);
    return node;
  }

  private parseOr(): ConditionNode {
    let node = this.parseAnd();
    while (this.isPunct('||')) {
      this.take();
      node = { kind: 'logical', op: '||', left: node, right: this.parseAnd() };
    }
    return node;
  }

  private parseAnd(): ConditionNode {
    let node = this.parseRelation();
    while (this.isPunct('&&')) {
      this.take();
      node = { kind: 'logical', op: '&&', left: node, right: this.parseRelation() };
    }
    return node;
  }

  private parseRelation(): ConditionNode {
    let node = this.parseArithmetic();
    for (;;) {
      const token = this.peek();
      if (token.kind === 'punct' && COMPARISONS.has(token.text)) {
        this.take();
        node = { kind: 'compare', op: token.text as ComparisonOp, left: node, right: this.parseArithmetic() };
      } else if (token.kind === 'ident' && token.text === 'in') {
        this.take();
        node = { kind: 'in', needle: node, list: this.parseLiteralList() };
      } else {
        return node;
      }
    }
  }

  private parseLiteralList(): Literal[] {
    const open = this.peek();
    if (!(open.kind === 'punct' && open.text === '[')) this.reject('"in" over something other than a literal list', open.at);
    this.take();
    const items: Literal[] = [];
    while (!this.isPunct(']')) {
      const item = this.parseUnary();
      if (item.kind !== 'literal') this.reject('a non-literal element in an "in" list', open.at);
      items.push(item.value);
      if (!this.isPunct(',')) break;
      this.take();
    }
    this.expect(']');
    return items;
  }

  private parseArithmetic(): ConditionNode {
    const node = this.parseUnary();
    const token = this.peek();
    if (token.kind === 'punct' && ['+', '-', '*', '/', '%'].includes(token.text)) this.reject(`arithmetic operator "${token.text}"`, token.at);
    return node;
  }

  private parseUnary(): ConditionNode {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === '!') {
      this.take();
      return { kind: 'not', operand: this.parseUnary() };
    }
    if (token.kind === 'punct' && token.text === '-') {
      this.take();
      const operand = this.parseUnary();
      if (operand.kind !== 'literal' || typeof operand.value !== 'number') this.reject('arithmetic negation of a non-literal', token.at);
      return { kind: 'literal', value: -operand.value };
    }
    return this.parseMember();
  }

  private parseMember(): ConditionNode {
    const token = this.take();
    let node: ConditionNode;
    if (token.kind === 'ident') {
      if (this.isPunct('(')) this.reject(MACROS.has(token.text) ? `macro ${token.text}()` : `function call ${token.text}()`, token.at);
      if (token.text === 'true' || token.text === 'false') node = { kind: 'literal', value: token.text === 'true' };
      else if (token.text === 'null') this.reject('null literal', token.at);
      else node = { kind: 'reference', path: [token.text] };
    } else if (token.kind === 'number') {
      node = { kind: 'literal', value: token.value };
    } else if (token.kind === 'string') {
      node = { kind: 'literal', value: token.value };
    } else if (token.kind === 'bytes') {
      this.reject('bytes literal', token.at);
    } else if (token.kind === 'punct' && token.text === '(') {
      node = this.parseTernary();
      this.expect(')');
      return this.parseSuffixes(node, false);
    } else if (token.kind === 'punct' && token.text === '[') {
      this.reject('a list literal outside "in"', token.at);
    } else if (token.kind === 'punct' && token.text === '{') {
      this.reject('a map or message literal', token.at);
    } else {
      this.reject(describeToken(token), token.at);
    }
    return this.parseSuffixes(node, node.kind === 'reference');
  }

  private parseSuffixes(node: ConditionNode, selectable: boolean): ConditionNode {
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'punct') return node;
      if (token.text === '.?') this.reject('optional field selection ".?"', token.at);
      if (token.text === '[') this.reject('index access [..]', token.at);
      if (token.text !== '.') return node;
      this.take();
      const field = this.take();
      if (field.kind !== 'ident') this.reject(`${describeToken(field)} after "."`, field.at);
      if (this.isPunct('(')) this.reject(MACROS.has(field.text) ? `macro ${field.text}()` : `method call ${field.text}()`, field.at);
      if (!selectable || node.kind !== 'reference') this.reject('field selection on a computed value', field.at);
      node = { kind: 'reference', path: [...node.path, field.text] };
    }
  }
}

function describeToken(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'punct':
      return `"${token.text}"`;
    case 'ident':
      return `identifier ${token.text}`;
    case 'number':
      return `number ${token.value}`;
    case 'string':
      return `string ${JSON.stringify(token.value)}`;
    case 'bytes':
      return 'bytes literal';
  }
}

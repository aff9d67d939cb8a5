// Sensor conditions: dependency names joined by && and ||, with parentheses — exactly what Argo
// Events accepts as a trigger's `conditions`. && binds tighter than ||. Anything else (!, ==,
// literals, a single & or |) is rejected with the column where it appears. This is not CEL: a
// condition here is a dependency expression, parsed by parseDependencyExpression (CEL conditions
// are parsed by src/expr/).
import { TandemError } from '../../errors.js';

export type DependencyExpression =
  | { kind: 'dep'; name: string; /** 0-based offset in the source. */ offset: number }
  | { kind: 'and' | 'or'; left: DependencyExpression; right: DependencyExpression };

export class ConditionError extends TandemError {
  readonly code = 'SENSOR_CONDITION';
  override readonly exitCode = 2;
  /**
   * @param offset 0-based offset of the problem in the condition, when there is one place to point at
   * @param reason what is wrong, without the condition itself
   */
  constructor(
    readonly condition: string,
    readonly reason: string,
    readonly offset?: number,
  ) {
    super(`in condition ${JSON.stringify(condition)}: ${reason}`);
    this.name = 'ConditionError';
  }
}

type Token = { kind: 'name'; text: string; offset: number } | { kind: '&&' | '||' | '(' | ')'; offset: number } | { kind: 'end'; offset: number };

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

function at(offset: number): string {
  return `column ${offset + 1}`;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    const pair = source.slice(i, i + 2);
    if (pair === '&&' || pair === '||') {
      tokens.push({ kind: pair, offset: i });
      i += 2;
      continue;
    }
    if (char === '(' || char === ')') {
      tokens.push({ kind: char, offset: i });
      i++;
      continue;
    }
    if (NAME_START.test(char)) {
      const start = i;
      while (i < source.length && NAME_PART.test(source[i]!)) i++;
      tokens.push({ kind: 'name', text: source.slice(start, i), offset: start });
      continue;
    }
    throw new ConditionError(source, unexpectedCharacter(source, i), i);
  }
  tokens.push({ kind: 'end', offset: source.length });
  return tokens;
}

function unexpectedCharacter(source: string, i: number): string {
  const char = source[i]!;
  const where = at(i);
  if (char === '!') return `negation ("!") at ${where} is not supported: a condition joins dependency names with && and || only`;
  if (char === '&') return `single "&" at ${where}: use "&&"`;
  if (char === '|') return `single "|" at ${where}: use "||"`;
  if (char === '-' && i > 0 && NAME_PART.test(source[i - 1] ?? '')) {
    return `"-" at ${where}: dependency names are letters, digits and _ (a CEL identifier)`;
  }
  return `unexpected ${JSON.stringify(char)} at ${where}: a condition holds dependency names, &&, || and parentheses only`;
}

function describeToken(token: Token): string {
  if (token.kind === 'end') return 'the end of the condition';
  if (token.kind === 'name') return `${JSON.stringify(token.text)} at ${at(token.offset)}`;
  return `"${token.kind}" at ${at(token.offset)}`;
}

/** Parses a sensor's dependency expression; throws ConditionError naming the column of the first problem. */
export function parseDependencyExpression(source: string): DependencyExpression {
  if (typeof source !== 'string' || source.trim() === '') throw new ConditionError(String(source), 'the condition is empty', 0);
  const tokens = tokenize(source);
  let index = 0;
  const peek = (): Token => tokens[index] ?? { kind: 'end', offset: source.length };
  const next = (): Token => tokens[index++] ?? { kind: 'end', offset: source.length };

  const parseOr = (): DependencyExpression => {
    let left = parseAnd();
    while (peek().kind === '||') {
      next();
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): DependencyExpression => {
    let left = parsePrimary();
    while (peek().kind === '&&') {
      next();
      left = { kind: 'and', left, right: parsePrimary() };
    }
    return left;
  };
  const parsePrimary = (): DependencyExpression => {
    const token = next();
    if (token.kind === 'name') {
      if (peek().kind === 'name') {
        const after = peek() as Extract<Token, { kind: 'name' }>;
        throw new ConditionError(source, `expected && or || before ${describeToken(after)}`, after.offset);
      }
      return { kind: 'dep', name: token.text, offset: token.offset };
    }
    if (token.kind === '(') {
      const inner = parseOr();
      const close = next();
      if (close.kind !== ')') {
        throw new ConditionError(source, `expected ")" to close "(" at ${at(token.offset)}, found ${describeToken(close)}`, close.offset);
      }
      return inner;
    }
    throw new ConditionError(source, `expected a dependency name or "(", found ${describeToken(token)}`, token.offset);
  };

  const tree = parseOr();
  const rest = peek();
  if (rest.kind !== 'end') {
    const reason = rest.kind === ')' ? `unmatched ")" at ${at(rest.offset)}` : `expected && or || before ${describeToken(rest)}`;
    throw new ConditionError(source, reason, rest.offset);
  }
  return tree;
}

/** Every dependency reference in a condition, in order of appearance (repeats included). */
export function conditionReferences(node: DependencyExpression): Array<{ name: string; offset: number }> {
  if (node.kind === 'dep') return [{ name: node.name, offset: node.offset }];
  return [...conditionReferences(node.left), ...conditionReferences(node.right)];
}

/** The distinct dependency names a condition mentions. */
export function conditionDependencies(node: DependencyExpression): string[] {
  return [...new Set(conditionReferences(node).map((r) => r.name))];
}

/** Whether the condition holds when exactly the given dependencies are satisfied. */
export function conditionHolds(node: DependencyExpression, satisfied: ReadonlySet<string>): boolean {
  switch (node.kind) {
    case 'dep':
      return satisfied.has(node.name);
    case 'and':
      return conditionHolds(node.left, satisfied) && conditionHolds(node.right, satisfied);
    case 'or':
      return conditionHolds(node.left, satisfied) || conditionHolds(node.right, satisfied);
  }
}

/** The condition a sensor without one gets: every dependency, ANDed. */
export function defaultCondition(dependencies: readonly string[]): string {
  return dependencies.join(' && ');
}

export interface CompiledCondition {
  readonly source: string;
  readonly tree: DependencyExpression;
  /** The dependencies the condition mentions: the ones a firing uses and consumes. */
  readonly dependencies: readonly string[];
  holds(satisfied: ReadonlySet<string>): boolean;
}

/**
 * Parses a sensor's condition (or builds the default) and checks every name against the declared
 * dependencies. Throws ConditionError; an unknown name is reported with its column.
 */
export function compileCondition(condition: string | undefined, dependencies: readonly string[]): CompiledCondition {
  const source = condition ?? defaultCondition(dependencies);
  const tree = parseDependencyExpression(source);
  const known = new Set(dependencies);
  const unknown = conditionReferences(tree).filter((r) => !known.has(r.name));
  const first = unknown[0];
  if (first) {
    const names = [...new Set(unknown.map((u) => JSON.stringify(u.name)))].join(', ');
    throw new ConditionError(source, `unknown dependenc${unknown.length === 1 ? 'y' : 'ies'} ${names} (first at ${at(first.offset)}); declared: ${dependencies.join(', ')}`, first.offset);
  }
  return { source, tree, dependencies: conditionDependencies(tree), holds: (satisfied) => conditionHolds(tree, satisfied) };
}

// A routing policy is data: an ordered list of rules `{ name, when, lane, reason? }`, where `when`
// is a CEL condition over `workflow` (the spec), `features` (see features.ts) and `evidence`, and
// the first rule that matches gives the lane. Rules are compiled once, when the policy is built;
// a rule that cannot compile is reported with what is wrong, before any workflow is routed.
import { compileCel, type CompiledExpression } from '../expr/cel.js';
import { referencesInExpression } from '../expr/references.js';
import { parseTemplate, type TemplatePart } from '../expr/template.js';
import { ExpressionError, TandemError } from '../errors.js';
import { LANES } from '../spec/schema.js';
import { DEFAULT_RULES } from './default-policy.js';
import { FEATURE_NAMES } from './features.js';
import type { RoutingConfig, RoutingRule, RuleSource } from './types.js';
import { errorMessage } from '../util/error-message.js';

export type { RoutingConfig, RoutingRule, RuleSource } from './types.js';

export interface PolicyRule extends RoutingRule {
  source: RuleSource;
  condition: CompiledExpression;
}

export interface RoutingPolicy {
  rules: readonly PolicyRule[];
}

/** The variables a rule may use. */
const RULE_VARIABLES = ['workflow', 'features', 'evidence'] as const;

/** A rule that cannot be used: names the rule and the part of it that is wrong. */
export class RoutingRuleError extends TandemError {
  readonly code = 'ROUTING_RULE';
  override readonly exitCode = 2;
  constructor(
    readonly rule: string,
    readonly field: 'name' | 'when' | 'lane' | 'reason',
    readonly expected: string,
    readonly found: string,
  ) {
    super(`routing rule "${rule}" ${field}: expected ${expected}, found ${found}`);
    this.name = 'RoutingRuleError';
  }
}

/** Routing failed at run time: a rule's condition did not evaluate to true or false, or no rule matched. */
export class RouteError extends TandemError {
  readonly code = 'ROUTE';
  override readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'RouteError';
  }
}

const WHEN_EXPECTED = `a CEL condition over ${RULE_VARIABLES.join(', ')} (features: ${FEATURE_NAMES.join(', ')})`;
const REASON_EXPECTED = `{{ }} templates over ${RULE_VARIABLES.join(', ')}`;

/** Compiles and checks one rule; throws RoutingRuleError naming the field at fault. */
export function compileRule(rule: RoutingRule, source: RuleSource): PolicyRule {
  if (!(LANES as readonly string[]).includes(rule.lane)) {
    throw new RoutingRuleError(rule.name, 'lane', `one of ${LANES.join(', ')}`, JSON.stringify(rule.lane));
  }
  const condition = compileChecked(rule.name, 'when', rule.when);
  if (rule.reason !== undefined) {
    let parts: TemplatePart[];
    try {
      parts = parseTemplate(rule.reason);
    } catch (error) {
      throw new RoutingRuleError(rule.name, 'reason', 'text with well-formed {{ }} templates', reasonOf(error));
    }
    for (const part of parts) if (part.kind === 'expr') compileChecked(rule.name, 'reason', part.source);
  }
  return { ...rule, source, condition };
}

function compileChecked(rule: string, field: 'when' | 'reason', source: string): CompiledExpression {
  const expected = field === 'when' ? WHEN_EXPECTED : REASON_EXPECTED;
  let compiled: CompiledExpression;
  try {
    compiled = compileCel(source);
  } catch (error) {
    throw new RoutingRuleError(rule, field, expected, `${JSON.stringify(source)} (${reasonOf(error)})`);
  }
  for (const ref of referencesInExpression(source)) {
    if (!(RULE_VARIABLES as readonly string[]).includes(ref.root)) {
      throw new RoutingRuleError(rule, field, expected, `unknown variable "${ref.root}" in ${JSON.stringify(source)}`);
    }
    const feature = ref.path[0];
    if ((ref.root === 'features' || ref.root === 'evidence') && feature !== undefined && !(FEATURE_NAMES as readonly string[]).includes(feature)) {
      throw new RoutingRuleError(rule, field, expected, `unknown feature "${ref.root}.${feature}" in ${JSON.stringify(source)}`);
    }
  }
  return compiled;
}

/**
 * The effective policy: configured rules first, then the built-in ones (unless replaceDefaults).
 * Throws RoutingRuleError for a bad rule, a duplicate name, or a replacing policy without a
 * catch-all last rule (`when: "true"`), so that every workflow always gets a lane.
 */
export function buildPolicy(routing: RoutingConfig = { rules: [], replaceDefaults: false }): RoutingPolicy {
  const rules = routing.rules.map((rule) => compileRule(rule, 'config'));
  if (!routing.replaceDefaults) rules.push(...DEFAULT_RULES.map((rule) => compileRule(rule, 'default')));
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.name)) {
      const builtIn = DEFAULT_RULES.some((d) => d.name === rule.name) && !routing.replaceDefaults;
      throw new RoutingRuleError(rule.name, 'name', builtIn ? 'a name not used by a built-in rule' : 'a name used by one rule only', `"${rule.name}" twice`);
    }
    seen.add(rule.name);
  }
  const last = rules[rules.length - 1];
  if (last === undefined || !isCatchAll(last)) {
    throw new RoutingRuleError(
      last?.name ?? '(none)',
      'when',
      'a last rule with when: "true" when routing.replaceDefaults is true, so every workflow gets a lane',
      last === undefined ? 'no rules' : JSON.stringify(last.when),
    );
  }
  return { rules };
}

/** A rule whose condition is the literal `true`. */
export function isCatchAll(rule: PolicyRule): boolean {
  return rule.condition.ast.op === 'value' && rule.condition.ast.args === true;
}

function reasonOf(error: unknown): string {
  if (error instanceof ExpressionError) {
    const prefix = `in expression ${JSON.stringify(error.expression)}: `;
    return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  }
  return errorMessage(error);
}

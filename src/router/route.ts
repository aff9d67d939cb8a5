// The lane decision: `route(spec, policy, override?)` computes the workflow's features, evaluates
// the policy's rules in order and returns the first match with its reasons. Pure and synchronous:
// no config, store or clock, so a run can call it and keep the decision beside the run.
import { ExpressionError } from '../errors.js';
import { preparedContext } from '../expr/cel.js';
import type { Lane, WorkflowSpec } from '../spec/schema.js';
import { explainMatch } from './explain.js';
import { computeFeatures, featureValues, type FeatureName, type WorkflowFeatures } from './features.js';
import { RouteError, buildPolicy, type PolicyRule, type RoutingPolicy, type RuleSource } from './policy.js';

/** Who chose a lane instead of the policy: `--lane` on the command line, or an API request. */
export type OverrideOrigin = 'cli' | 'api';

export interface RouteOverride {
  lane: Lane;
  by: OverrideOrigin;
}

export interface RouteDecision {
  workflow: string;
  lane: Lane;
  /** The policy rule that matched (also when the lane was overridden). */
  rule: string;
  ruleSource: RuleSource;
  /** Sentences: the rule's reason, then what the deciding features were and which tasks gave them. */
  reasons: string[];
  /** The features that decided the match, in the order the rule names them. */
  deciding: FeatureName[];
  features: WorkflowFeatures;
  /** Present when the lane was forced: the lane the policy chose, and by whom. */
  overridden?: { from: Lane; by: OverrideOrigin };
}

let builtIn: RoutingPolicy | undefined;

/** The built-in policy alone (no configured rules), compiled once. */
export function defaultPolicy(): RoutingPolicy {
  builtIn ??= buildPolicy();
  return builtIn;
}

/** What rules see: the spec as `workflow`, the feature values as `features`, and their `evidence`. */
export function ruleContext(spec: WorkflowSpec, features: WorkflowFeatures): Record<string, unknown> {
  return { workflow: spec, features: featureValues(features), evidence: features.evidence };
}

/**
 * Routes one validated workflow. Throws RouteError when a rule's condition fails to evaluate or
 * is not a boolean, and when no rule matches (only possible with a policy built by hand).
 */
export function route(spec: WorkflowSpec, policy: RoutingPolicy = defaultPolicy(), override?: RouteOverride): RouteDecision {
  const features = computeFeatures(spec);
  // Converted to CEL values once: every rule, and the explanation, evaluate against it.
  const context = preparedContext(ruleContext(spec, features));
  const index = policy.rules.findIndex((rule) => matches(rule, spec, context));
  const matched = policy.rules[index];
  if (matched === undefined) {
    throw new RouteError(`no routing rule matched workflow "${spec.name}"; end the policy with a catch-all rule (when: "true")`);
  }
  const { reasons, deciding } = explainMatch(matched, policy.rules.slice(0, index), features, context);
  const decision: RouteDecision = {
    workflow: spec.name,
    lane: matched.lane,
    rule: matched.name,
    ruleSource: matched.source,
    reasons,
    deciding,
    features,
  };
  if (override === undefined) return decision;
  const by = override.by === 'cli' ? 'by --lane on the command line' : 'by the API request';
  return {
    ...decision,
    lane: override.lane,
    reasons: [`The lane ${override.lane} was chosen ${by}; the policy chooses ${matched.lane} (rule ${matched.name}).`, ...reasons],
    overridden: { from: matched.lane, by: override.by },
  };
}

function matches(rule: PolicyRule, spec: WorkflowSpec, context: Record<string, unknown>): boolean {
  let result: unknown;
  try {
    result = rule.condition.evaluate(context);
  } catch (error) {
    const reason = error instanceof ExpressionError ? error.message : String(error);
    throw new RouteError(`routing rule "${rule.name}" (${origin(rule)}) failed on workflow "${spec.name}": ${reason}${hint(reason)}`);
  }
  if (typeof result !== 'boolean') {
    throw new RouteError(`routing rule "${rule.name}" (${origin(rule)}) must give true or false, gave ${JSON.stringify(result)} on workflow "${spec.name}"`);
  }
  return result;
}

function origin(rule: PolicyRule): string {
  return rule.source === 'config' ? 'from routing.rules' : 'built in';
}

/** A missing optional field is the usual cause; CEL's has() is the cure. */
function hint(reason: string): string {
  return /No such key/.test(reason) ? ' (test optional fields with has(), e.g. has(workflow.type) && workflow.type == "dag", or use features.declaredType)' : '';
}

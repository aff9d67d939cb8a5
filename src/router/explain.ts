// Why a rule matched (or did not): walks the rule's CEL condition and keeps the features that
// decided its value. Under `a && b` both sides decide a match; under `a || b` only the sides that
// were true do; a non-match is decided by the first false side of `&&` and by both sides of `||`;
// `!` flips what is being explained. So "caching and (metrics or artifacts)" names caching and the
// artifacts, not the metrics it did not need.
import { serialize, type ASTNode } from '@marcbachmann/cel-js';
import { compileCel, type CelNode } from '../expr/cel.js';
import { referencesInExpression } from '../expr/references.js';
import { renderText } from '../expr/template.js';
import { FEATURE_NAMES, type FeatureName, type WorkflowFeatures } from './features.js';
import type { PolicyRule } from './policy.js';
import { featureSentence } from './sentences.js';

const KNOWN: ReadonlySet<string> = new Set(FEATURE_NAMES);

/** The features that made `rule` evaluate to `outcome`, in the order the condition mentions them. */
export function decidingFeatures(rule: PolicyRule, context: Record<string, unknown>, outcome: boolean): FeatureName[] {
  const found = new Set<FeatureName>();
  visit(rule.condition.ast, context, outcome, found);
  return [...found];
}

function visit(node: CelNode, context: Record<string, unknown>, outcome: boolean, found: Set<FeatureName>): void {
  const args = node.args;
  if ((node.op === '&&' || node.op === '||') && Array.isArray(args)) {
    const sides = args as CelNode[];
    if ((node.op === '&&') === outcome) {
      // `&&` true and `||` false: every side decided it.
      for (const side of sides) visit(side, context, outcome, found);
    } else if (outcome) {
      // `||` true: each side that was true.
      for (const side of sides) if (evaluate(side, context) === true) visit(side, context, outcome, found);
    } else {
      // `&&` false: the first false side is enough, as evaluation would stop there.
      const first = sides.find((side) => evaluate(side, context) === false);
      if (first !== undefined) visit(first, context, outcome, found);
      else for (const side of sides) visit(side, context, outcome, found);
    }
    return;
  }
  if (node.op === '!_' && isNode(args)) {
    visit(args, context, !outcome, found);
    return;
  }
  for (const ref of referencesInExpression(sourceOf(node))) {
    const name = ref.path[0];
    if ((ref.root === 'features' || ref.root === 'evidence') && name !== undefined && KNOWN.has(name)) found.add(name as FeatureName);
  }
}

function evaluate(node: CelNode, context: Record<string, unknown>): unknown {
  try {
    return compileCel(sourceOf(node)).evaluate(context);
  } catch {
    return undefined;
  }
}

function sourceOf(node: CelNode): string {
  return serialize(node as unknown as ASTNode);
}

function isNode(value: unknown): value is CelNode {
  return value !== null && typeof value === 'object' && 'op' in value;
}

export interface Explanation {
  reasons: string[];
  deciding: FeatureName[];
}

/**
 * The reasons for a match: the rule's own sentence, then one sentence per deciding feature. A rule
 * whose condition names no feature (the catch-all) is explained by what kept the earlier rules
 * from matching.
 */
export function explainMatch(
  matched: PolicyRule,
  earlier: readonly PolicyRule[],
  features: WorkflowFeatures,
  context: Record<string, unknown>,
): Explanation {
  let deciding = decidingFeatures(matched, context, true);
  if (deciding.length === 0) {
    const missed = new Set<FeatureName>();
    for (const rule of earlier) for (const name of decidingFeatures(rule, context, false)) missed.add(name);
    deciding = [...missed];
  }
  const reasons: string[] = [];
  if (matched.reason !== undefined) {
    try {
      reasons.push(renderText(matched.reason, context));
    } catch {
      reasons.push(matched.reason);
    }
  } else {
    reasons.push(`Rule ${matched.name} matched: ${matched.when}.`);
  }
  for (const name of deciding) reasons.push(featureSentence(name, features));
  return { reasons, deciding };
}

// The router's public API: compute a workflow's features, build a policy (configured rules before
// the built-in ones), route a workflow to a lane with reasons, and find the engine for a lane.
export {
  computeFeatures,
  featureValues,
  FEATURE_NAMES,
  ML_ARTIFACT_TYPES,
  type FeatureEvidence,
  type FeatureName,
  type FeatureValues,
  type MlArtifactType,
  type TaskLane,
  type WorkflowFeatures,
} from './features.js';
export {
  buildPolicy,
  compileRule,
  isCatchAll,
  RouteError,
  RoutingRuleError,
  RULE_VARIABLES,
  type PolicyRule,
  type RoutingPolicy,
} from './policy.js';
export { DEFAULT_RULES, DEEP_CHAIN_THRESHOLD } from './default-policy.js';
export { route, defaultPolicy, ruleContext, type OverrideOrigin, type RouteDecision, type RouteOverride } from './route.js';
export { decidingFeatures, explainMatch, type Explanation } from './explain.js';
export { featureSentence } from './sentences.js';
export { runRouter, runRouterFromConfig, type LaneOverride, type RunRouter } from './run-routing.js';
export { DEFAULT_LANES, laneEngines, resolveEngine, type LaneStep } from './engines.js';
export type { EngineName, LanesConfig, RoutingConfig, RoutingRule, RuleSource } from './types.js';

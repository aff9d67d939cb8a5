// The router's public API: compute a workflow's features, build a policy (configured rules before
// the built-in ones), route a workflow to a lane with reasons, and find the engine for a lane.
export {
  computeFeatures,
  featureValues,
  FEATURE_NAMES,
  type FeatureName,
  type WorkflowFeatures,
} from './features.js';
export {
  buildPolicy,
  compileRule,
  RouteError,
  RoutingRuleError,
  type RoutingPolicy,
} from './policy.js';
export { DEFAULT_RULES, DEEP_CHAIN_THRESHOLD } from './default-policy.js';
export { route, defaultPolicy, ruleContext, type RouteDecision } from './route.js';
export { decidingFeatures } from './explain.js';
export { runRouter } from './run-routing.js';
export { DEFAULT_LANES, laneEngines, resolveEngine } from './engines.js';
export type { EngineName, RoutingRule } from './types.js';

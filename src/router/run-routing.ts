// The decision a run keeps: the router's lane, rule and reasons, an override when a lane was
// forced, and the engines the lanes are bound to. Built once from the configuration and handed
// to the engines registry (engines/registry.ts), which routes every new run (from the CLI, the
// API, a trigger or a parent run alike) before it chooses the engine that records and runs it.
import type { RunRouting } from '../engines/model.js';
import type { Lane, WorkflowSpec } from '../spec/schema.js';
import { DEFAULT_LANES, laneEngines } from './engines.js';
import { buildPolicy, type RoutingPolicy } from './policy.js';
import { route, type OverrideOrigin } from './route.js';
import type { LanesConfig, RoutingConfig } from './types.js';

export type LaneOverride = { lane: Lane; by: OverrideOrigin };

/** Routes a spec as a run records it; throws RouteError when a configured rule fails to evaluate. */
export type RunRouter = (spec: WorkflowSpec, override?: LaneOverride) => RunRouting;

export function runRouter(policy: RoutingPolicy = buildPolicy(), lanes: LanesConfig = DEFAULT_LANES): RunRouter {
  // A served workflow's spec is one object for all its runs (specs are never changed once
  // loaded), so its decision is worked out once: a trigger firing thousands of times a second
  // must not evaluate the policy for each run.
  const decided = new WeakMap<WorkflowSpec, Map<string, RunRouting>>();
  return (spec, override) => {
    const key = override ? `${override.lane}/${override.by}` : '';
    let forSpec = decided.get(spec);
    const known = forSpec?.get(key);
    if (known) return known;
    const decision = route(spec, policy, override);
    const routing: RunRouting = {
      lane: decision.lane,
      rule: decision.rule,
      reasons: decision.reasons,
      ...(decision.overridden ? { overridden: decision.overridden } : {}),
      engines: laneEngines(decision.lane, { lanes }),
    };
    if (!forSpec) decided.set(spec, (forSpec = new Map()));
    forSpec.set(key, routing);
    return routing;
  };
}

/** The router tandem.yaml describes (`routing`, `lanes`). */
export function runRouterFromConfig(config: { routing: RoutingConfig; lanes: LanesConfig }): RunRouter {
  return runRouter(buildPolicy(config.routing), config.lanes);
}

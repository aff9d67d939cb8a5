// The shapes of routing rules and of the `routing` section of tandem.yaml, kept apart from the
// code that compiles them so that the built-in policy, the policy builder and the configuration
// loader can all name them without importing each other.
import type { RoutingRuleDecl } from '../config/shapes.js';
import type { TandemConfig } from '../config/types.js';

/**
 * One rule as written in tandem.yaml or in the built-in policy: a name, a CEL condition (`when`)
 * over `workflow` (the spec), `features` and `evidence`, a lane, and a sentence for the
 * explanation (`reason`, which may hold `{{ }}` templates over the same variables).
 */
export type RoutingRule = RoutingRuleDecl;

/** The `routing` section of tandem.yaml: its rules, and whether they replace the built-in ones. */
export type RoutingConfig = TandemConfig['routing'];

/** Where a rule of the effective policy comes from. */
export type RuleSource = 'config' | 'default';

/** What can execute work: the embedded engine, the Argo Server, or the KFP API. */
export type EngineName = 'local' | 'argo' | 'kfp';

/** The `lanes` section of tandem.yaml: which engine executes each lane (default local). */
export type LanesConfig = TandemConfig['lanes'];

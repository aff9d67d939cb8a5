// The shapes of routing rules and of the `routing` section of tandem.yaml, kept apart from the
// code that compiles them so that the built-in policy, the policy builder and the configuration
// loader can all name them without importing each other.
import type { Lane } from '../spec/schema.js';

/** One rule as written in tandem.yaml or in the built-in policy. */
export interface RoutingRule {
  name: string;
  /** A CEL condition over `workflow` (the spec), `features` and `evidence`. */
  when: string;
  lane: Lane;
  /** A sentence for the explanation; may hold `{{ }}` templates over the same variables. */
  reason?: string;
}

/** The `routing` section of tandem.yaml. */
export interface RoutingConfig {
  rules: RoutingRule[];
  /** true: the configured rules are the whole policy; false (default): they come before the built-in rules. */
  replaceDefaults: boolean;
}

/** Where a rule of the effective policy comes from. */
export type RuleSource = 'config' | 'default';

/** What can execute work: the embedded engine, the Argo Server, or the KFP API. */
export type EngineName = 'local' | 'argo' | 'kfp';

/** The `lanes` section of tandem.yaml: which engine executes each lane (default local). */
export interface LanesConfig {
  kubeflow: { engine: 'local' | 'kfp' };
  argo: { engine: 'local' | 'argo' };
}

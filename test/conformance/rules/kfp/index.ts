// Semantic conformance of KFP IR: the rules KFP's backend applies when it compiles IR to Argo and
// runs it (argocompiler/, driver/resolve.go, driver/k8s.go, launcher_v2.go), which a proto check
// cannot state. Run on every IR tandem compiles and on the upstream corpus; each rule lives in its
// own file and returns problems with JSON-pointer paths.
import { join } from 'node:path';
import { conditionProblems } from './conditions.js';
import { exitHookProblems } from './exit-hooks.js';
import { record, type Json, type Problem } from './ir.js';
import { iteratorProblems } from './iterators.js';
import { placeholderProblems } from './placeholders.js';
import { loadPlatformChecker, type PlatformChecker } from './platform.js';
import { referenceProblems } from './references.js';
import { retryProblems } from './retry.js';

export type { Problem } from './ir.js';

const RULES: ReadonlyArray<(doc: Json) => Problem[]> = [placeholderProblems, referenceProblems, iteratorProblems, exitHookProblems, conditionProblems, retryProblems];

export interface KfpRules {
  /** Problems with one IR file: its PipelineSpec, then optionally its platform spec. */
  check(documents: readonly unknown[]): Problem[];
}

/** The rules, with the platform spec decoded by the descriptor set in `specsDir`/kfp. */
export function loadKfpRules(specsDir: string): KfpRules {
  const platform: PlatformChecker = loadPlatformChecker(join(specsDir, 'kfp', 'kubernetes_platform.binpb'));
  return {
    check(documents) {
      const [first, ...rest] = documents;
      const pipeline = record(first);
      const problems = RULES.flatMap((rule) => rule(pipeline));
      rest.forEach((doc, i) => problems.push(...platform.problems(pipeline, record(doc), `#${i + 2}`)));
      return problems;
    },
  };
}

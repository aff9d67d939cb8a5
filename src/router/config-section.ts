// The checks of tandem.yaml's `routing` section that its schema cannot make. Every rule is
// compiled here, at load time, so a typo in a CEL condition is reported once with the file,
// line:column, the JSON path (`/routing/rules/2/when`) and what was expected — not when the first
// run starts. Rules of the wrong shape are left to the schema's problems. The composition roots
// pass routingIssues to the configuration loader (config/ sits below the router).
import type { TandemFile } from '../config/file.js';
import type { SpecIssue } from '../errors.js';
import { DEFAULT_RULES } from './default-policy.js';
import { RoutingRuleError, compileRule, isCatchAll } from './policy.js';
import type { RoutingConfig } from './types.js';

/** One issue per mistake in the rules of the file's routing section. */
export function routingIssues(file: TandemFile): SpecIssue[] {
  const routing: RoutingConfig = { rules: [], replaceDefaults: false };
  const issues: SpecIssue[] = [];
  const report = (path: string, expected: string, found: string) => issues.push(file.place({ path, message: '', expected, found }));
  routing.replaceDefaults = file.value('routing.replaceDefaults') ?? false;
  const names = new Map<string, number>();
  for (const { index, value: rule } of file.items('routing.rules')) {
    const at = `/routing/rules/${index}`;
    try {
      compileRule(rule, 'config');
    } catch (error) {
      if (!(error instanceof RoutingRuleError)) throw error;
      report(`${at}/${error.field}`, error.expected, error.found);
      continue;
    }
    const first = names.get(rule.name);
    if (first !== undefined) {
      report(`${at}/name`, 'a name used by one rule only', `"${rule.name}" again (first at /routing/rules/${first})`);
      continue;
    }
    if (!routing.replaceDefaults && DEFAULT_RULES.some((d) => d.name === rule.name)) {
      report(`${at}/name`, 'a name not used by a built-in rule (see tandem route --print-policy)', `"${rule.name}"`);
      continue;
    }
    names.set(rule.name, index);
    routing.rules.push(rule);
  }
  // With replaceDefaults, the configured rules must end with a catch-all so every workflow gets a
  // lane (unless the rules are not a list at all: the schema's problem says so).
  const rules = file.raw('routing.rules');
  const last = routing.rules[routing.rules.length - 1];
  if (routing.replaceDefaults && (rules === undefined || rules === null || Array.isArray(rules)) && (last === undefined || !isCatchAll(compileRule(last, 'config')))) {
    const found = last === undefined ? 'no rules' : `last rule "${last.name}" with when ${JSON.stringify(last.when)}`;
    report('/routing/rules', 'a last rule with when: "true" when replaceDefaults is true, so every workflow gets a lane', found);
  }
  return issues;
}

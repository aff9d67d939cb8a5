// Reads the `routing` and `lanes` sections of tandem.yaml for config.ts. Every rule is compiled
// here, at load time, so a typo in a CEL condition is reported once with the file, line:column,
// the JSON path (`/routing/rules/2/when`) and what was expected — not when the first run starts.
import { LANES } from '../spec/schema.js';
import { DEFAULT_RULES } from './default-policy.js';
import { RoutingRuleError, WHEN_EXPECTED, compileRule, isCatchAll } from './policy.js';
import type { RoutingConfig, RoutingRule } from './types.js';
import { isRecord } from '../util/is-record.js';

/** Gives `file:line:col` (or the file) for a path of keys in the document. */
export type Locate = (path: string[]) => string;

const ROUTING_KEYS = ['rules', 'replaceDefaults'];
const RULE_KEYS = ['name', 'when', 'lane', 'reason'];
export const LANE_ENGINES = { kubeflow: ['local', 'kfp'], argo: ['local', 'argo'] } as const;

export function emptyRouting(): RoutingConfig {
  return { rules: [], replaceDefaults: false };
}

/** Parses `routing:`; pushes one problem per mistake and returns what was usable. */
export function parseRoutingSection(raw: unknown, where: Locate, problems: string[]): RoutingConfig {
  const routing = emptyRouting();
  if (raw === undefined || raw === null) return routing;
  const report = (path: string[], message: string) => problems.push(`${where(['routing', ...path])} ${pointer(['routing', ...path])}: ${message}`);
  if (!isRecord(raw)) {
    report([], `expected a mapping (${ROUTING_KEYS.join(', ')}), found ${describe(raw)}`);
    return routing;
  }
  for (const key of Object.keys(raw)) if (!ROUTING_KEYS.includes(key)) report([key], `unknown setting (expected one of ${ROUTING_KEYS.join(', ')})`);
  if (raw.replaceDefaults !== undefined) {
    if (typeof raw.replaceDefaults === 'boolean') routing.replaceDefaults = raw.replaceDefaults;
    else report(['replaceDefaults'], `expected true or false, found ${describe(raw.replaceDefaults)}`);
  }
  if (raw.rules === undefined || raw.rules === null) return checkPolicy(routing, report);
  if (!Array.isArray(raw.rules)) {
    report(['rules'], `expected a list of rules ({ name, when, lane, reason? }), found ${describe(raw.rules)}`);
    return routing;
  }
  const names = new Map<string, number>();
  raw.rules.forEach((entry: unknown, index) => {
    const at = (field?: string) => ['rules', String(index), ...(field !== undefined ? [field] : [])];
    const rule = readRule(entry, (field, message) => report(at(field), message));
    if (rule === undefined) return;
    try {
      compileRule(rule, 'config');
    } catch (error) {
      if (!(error instanceof RoutingRuleError)) throw error;
      report(at(error.field), `expected ${error.expected}, found ${error.found}`);
      return;
    }
    const first = names.get(rule.name);
    if (first !== undefined) {
      report(at('name'), `expected a name used by one rule only, found "${rule.name}" again (first at /routing/rules/${first})`);
      return;
    }
    if (!routing.replaceDefaults && DEFAULT_RULES.some((d) => d.name === rule.name)) {
      report(at('name'), `expected a name not used by a built-in rule (see tandem route --print-policy), found "${rule.name}"`);
      return;
    }
    names.set(rule.name, index);
    routing.rules.push(rule);
  });
  return checkPolicy(routing, report);
}

/** With replaceDefaults, the configured rules must end with a catch-all so every workflow gets a lane. */
function checkPolicy(routing: RoutingConfig, report: (path: string[], message: string) => void): RoutingConfig {
  if (!routing.replaceDefaults) return routing;
  const last = routing.rules[routing.rules.length - 1];
  if (last === undefined || !isCatchAll(compileRule(last, 'config'))) {
    const found = last === undefined ? 'no rules' : `last rule "${last.name}" with when ${JSON.stringify(last.when)}`;
    report(['rules'], `expected a last rule with when: "true" when replaceDefaults is true, so every workflow gets a lane; found ${found}`);
  }
  return routing;
}

function readRule(entry: unknown, report: (field: string | undefined, message: string) => void): RoutingRule | undefined {
  if (!isRecord(entry)) {
    report(undefined, `expected a rule ({ name, when, lane, reason? }), found ${describe(entry)}`);
    return undefined;
  }
  let ok = true;
  const fail = (field: string | undefined, message: string) => {
    ok = false;
    report(field, message);
  };
  for (const key of Object.keys(entry)) if (!RULE_KEYS.includes(key)) fail(key, `unknown field (expected one of ${RULE_KEYS.join(', ')})`);
  const { name, when, lane, reason } = entry;
  if (typeof name !== 'string' || name.trim() === '') fail('name', `expected a non-empty name, found ${describe(name)}`);
  if (typeof when !== 'string' || when.trim() === '') fail('when', `expected ${WHEN_EXPECTED}, found ${describe(when)}`);
  if (typeof lane !== 'string' || !(LANES as readonly string[]).includes(lane)) fail('lane', `expected one of ${LANES.join(', ')}, found ${describe(lane)}`);
  if (reason !== undefined && typeof reason !== 'string') fail('reason', `expected a sentence (text), found ${describe(reason)}`);
  if (!ok) return undefined;
  return { name, when, lane, ...(reason !== undefined ? { reason } : {}) } as RoutingRule;
}

/** Reads `lanes:` into dotted keys (`lanes.kubeflow.engine`) for config.ts to layer with TANDEM_* variables. */
export function readLanesSection(raw: unknown, where: Locate, problems: string[]): Map<LaneEngineKey, { value: unknown; where: string }> {
  const values = new Map<LaneEngineKey, { value: unknown; where: string }>();
  if (raw === undefined || raw === null) return values;
  const lanes = Object.keys(LANE_ENGINES);
  if (!isRecord(raw)) {
    problems.push(`${where(['lanes'])} lanes: expected a mapping (${lanes.join(', ')}), found ${describe(raw)}`);
    return values;
  }
  for (const [lane, section] of Object.entries(raw)) {
    if (lane !== 'kubeflow' && lane !== 'argo') {
      problems.push(`${where(['lanes', lane])} lanes.${lane}: unknown lane (expected one of ${lanes.join(', ')}; hybrid uses both)`);
      continue;
    }
    if (!isRecord(section)) {
      problems.push(`${where(['lanes', lane])} lanes.${lane}: expected a mapping (engine), found ${describe(section)}`);
      continue;
    }
    for (const key of Object.keys(section)) {
      if (key !== 'engine') problems.push(`${where(['lanes', lane, key])} lanes.${lane}.${key}: unknown setting (expected engine)`);
    }
    if (section.engine !== undefined) values.set(`lanes.${lane}.engine`, { value: section.engine, where: where(['lanes', lane, 'engine']) });
  }
  return values;
}

export type LaneEngineKey = 'lanes.kubeflow.engine' | 'lanes.argo.engine';

function pointer(path: string[]): string {
  return `/${path.join('/')}`;
}


function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return JSON.stringify(value) ?? String(value);
}

// tandem route FILE...: which lane (kubeflow, argo, hybrid) each workflow goes to, and with
// --explain why: the rule that matched, its reasons and the features that decided it. With
// --print-policy: the effective rules in the order they are tried (configured, then built-in).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { TandemConfig } from '../../config/types.js';
import { SpecLoadError, SpecValidationError, UsageError, formatIssue, type SpecIssue } from '../../errors.js';
import { buildPolicy, laneEngines, route } from '../../router/index.js';
import type { EngineName, FeatureName, RouteDecision, RoutingPolicy, WorkflowFeatures } from '../../router/index.js';
import { loadWorkflowFile } from '../../spec/index.js';
import { LANES, type Lane } from '../../spec/schema.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { paletteFor, type Palette } from '../format/color.js';
import { formatTable } from '../format/table.js';
import { writeJson, writeLine } from '../io.js';

interface RouteOptions {
  explain?: boolean;
  json?: boolean;
  lane?: Lane;
  printPolicy?: boolean;
}

type LaneEngines = { orchestration: EngineName; ml: EngineName };

type Verdict =
  | { file: string; decision: RouteDecision; engines: LaneEngines }
  | { file: string; error: string; issues: SpecIssue[] };

export function registerRoute(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('route')
    .description('show which lane (kubeflow, argo or hybrid) each workflow is routed to, and why')
    .argument('[files...]', 'workflow definitions (YAML, JSON, or TS/JS modules)')
    .option('--explain', 'print the matching rule, its reasons and the features that decided it')
    .option('--json', 'print the decisions (or, with --print-policy, the rules) as JSON')
    .addOption(new Option('--lane <lane>', `force a lane (${LANES.join(', ')}); recorded as an override`).argParser(laneOption))
    .option('--print-policy', 'print the effective routing rules in the order they are tried')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem route examples/*/workflow.yaml
  $ tandem route examples/ml-training/workflow.yaml --explain
  $ tandem route workflows/train.yaml --json
  $ tandem route workflows/train.yaml --lane argo --explain
  $ tandem route --print-policy
  $ tandem route --print-policy --json

Rules from routing.rules in tandem.yaml are tried before the built-in ones; the first
that matches gives the lane. See docs/router.md.
Exit status: 0 when every file was routed, 2 for an invalid file, rule or option.`,
    )
    .action(async (files: string[], options: RouteOptions, command: Command) => {
      setExit(await routeCommand(ctx, files, options, await ctx.config(command)));
    });
}

function laneOption(value: string): Lane {
  const lane = LANES.find((l) => l === value.trim().toLowerCase());
  if (lane === undefined) throw new InvalidArgumentError(`expected one of ${LANES.join(', ')}`);
  return lane;
}

async function routeCommand(ctx: CliContext, files: string[], options: RouteOptions, config: TandemConfig): Promise<number> {
  const policy = buildPolicy(config.routing);
  if (options.printPolicy) {
    if (files.length > 0) throw new UsageError('route takes workflow files or --print-policy, not both');
    printPolicy(ctx, policy, config, options.json === true);
    return EXIT.ok;
  }
  if (files.length === 0) throw new UsageError('route needs at least one workflow file (or --print-policy); see tandem route --help');
  const verdicts: Verdict[] = [];
  for (const file of files) verdicts.push(await routeFile(file, ctx.io.cwd, policy, config, options.lane));
  if (options.json) {
    writeJson(ctx.io.stdout, verdicts.map(jsonVerdict));
  } else {
    printVerdicts(ctx, verdicts, options.explain === true);
  }
  return verdicts.some((v) => 'error' in v) ? EXIT.usage : EXIT.ok;
}

async function routeFile(file: string, cwd: string, policy: RoutingPolicy, config: TandemConfig, lane?: Lane): Promise<Verdict> {
  const path = resolve(cwd, file);
  try {
    const { spec } = await loadWorkflowFile(path);
    const decision = route(spec, policy, lane !== undefined ? { lane, by: 'cli' } : undefined);
    return { file, decision, engines: laneEngines(decision.lane, config) };
  } catch (error) {
    // Issues name the file as the user wrote it.
    if (error instanceof SpecValidationError) {
      return { file, error: `${file}: ${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}`, issues: error.issues.map((i) => (i.file === path ? { ...i, file } : i)) };
    }
    if (error instanceof SpecLoadError) return { file, error: error.message.split(path).join(file), issues: [] };
    throw error;
  }
}

function jsonVerdict(verdict: Verdict): Record<string, unknown> {
  if ('error' in verdict) return { file: verdict.file, valid: false, error: verdict.error, issues: verdict.issues };
  const { decision } = verdict;
  return {
    file: verdict.file,
    workflow: decision.workflow,
    lane: decision.lane,
    rule: decision.rule,
    ruleSource: decision.ruleSource,
    reasons: decision.reasons,
    deciding: decision.deciding,
    ...(decision.overridden ? { overridden: decision.overridden } : {}),
    engines: verdict.engines,
    features: decision.features,
  };
}

function printVerdicts(ctx: CliContext, verdicts: Verdict[], explain: boolean): void {
  const p = paletteFor(ctx.io.stdout, ctx.io.env);
  const routed = verdicts.filter((v): v is Extract<Verdict, { decision: RouteDecision }> => 'decision' in v);
  if (explain) {
    routed.forEach((verdict, i) => {
      if (i > 0) writeLine(ctx.io.stdout);
      printExplanation(ctx, p, verdict);
    });
  } else if (routed.length > 0) {
    const rows = routed.map(({ file, decision }) => [decision.workflow, p.bold(laneText(decision)), decision.rule, file]);
    writeLine(ctx.io.stdout, formatTable([{ header: 'WORKFLOW' }, { header: 'LANE' }, { header: 'RULE' }, { header: 'FILE' }], rows));
  }
  for (const verdict of verdicts) {
    if (!('error' in verdict)) continue;
    writeLine(ctx.io.stderr, `${p.red('✗')} ${verdict.error}`);
    for (const issue of verdict.issues) writeLine(ctx.io.stderr, `  ${formatIssue(issue)}`);
  }
}

function laneText(decision: RouteDecision): string {
  return decision.overridden ? `${decision.lane} (--lane; policy: ${decision.overridden.from})` : decision.lane;
}

function printExplanation(ctx: CliContext, p: Palette, verdict: Extract<Verdict, { decision: RouteDecision }>): void {
  const { decision, engines } = verdict;
  const out = ctx.io.stdout;
  writeLine(out, `${p.bold(decision.workflow)} → ${p.bold(laneText(decision))}  ${p.dim(`(${verdict.file})`)}`);
  writeLine(out, `  rule      ${decision.rule} ${p.dim(decision.ruleSource === 'config' ? '(routing.rules in tandem.yaml)' : '(built in)')}`);
  writeLine(out, `  engine    ${engineText(decision.lane, engines)}`);
  writeLine(out, '  reasons');
  for (const reason of decision.reasons) writeLine(out, `    - ${reason}`);
  if (decision.deciding.length === 0) return;
  writeLine(out, '  features');
  const width = Math.max(...decision.deciding.map((name) => name.length));
  for (const name of decision.deciding) {
    const evidence = decision.features.evidence[name];
    const where = evidence.length > 0 ? `  ${p.dim(evidence.join(', '))}` : '';
    writeLine(out, `    ${name.padEnd(width)}  ${featureValue(decision.features, name)}${where}`);
  }
}

function engineText(lane: Lane, engines: LaneEngines): string {
  if (lane !== 'hybrid') return engines.orchestration;
  return `${engines.orchestration} orchestrates (lanes.argo.engine), ML steps on ${engines.ml} (lanes.kubeflow.engine)`;
}

function featureValue(features: WorkflowFeatures, name: FeatureName): string {
  const value: unknown = features[name];
  if (value === null) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  return String(value);
}

function printPolicy(ctx: CliContext, policy: RoutingPolicy, config: TandemConfig, json: boolean): void {
  const rules = policy.rules.map((rule, i) => ({
    position: i + 1,
    name: rule.name,
    lane: rule.lane,
    source: rule.source,
    when: rule.when,
    ...(rule.reason !== undefined ? { reason: rule.reason } : {}),
  }));
  if (json) {
    writeJson(ctx.io.stdout, rules);
    return;
  }
  const p = paletteFor(ctx.io.stdout, ctx.io.env);
  const configured = rules.filter((r) => r.source === 'config').length;
  const builtIn = rules.length - configured;
  const from = config.file !== undefined ? ` from ${config.file}` : '';
  writeLine(
    ctx.io.stdout,
    p.dim(`${configured} configured rule${configured === 1 ? '' : 's'}${from}, then ${builtIn} built-in rule${builtIn === 1 ? '' : 's'}${config.routing.replaceDefaults ? ' (replaceDefaults: true)' : ''}; the first match wins`),
  );
  for (const rule of rules) {
    writeLine(ctx.io.stdout, `${rule.position}. ${p.bold(rule.name)} → ${rule.lane} ${p.dim(rule.source === 'config' ? '(configured)' : '(built in)')}`);
    writeLine(ctx.io.stdout, `   when    ${rule.when}`);
    if (rule.reason !== undefined) writeLine(ctx.io.stdout, `   reason  ${rule.reason}`);
  }
}

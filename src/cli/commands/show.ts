// tandem show RUN: everything about one run.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { Palette } from '../format/color.js';
import { paintStatus, paletteFor } from '../format/color.js';
import { formatBytes, formatDuration, formatTimestamp } from '../format/duration.js';
import { formatTable } from '../format/table.js';
import { fewIterations, taskRows } from '../format/task-rows.js';
import { writeJson, writeLine } from '../io.js';
import type { RunReport } from '../run-report.js';
import { buildRunReport, getRunOrThrow } from '../run-report.js';
import { withStore } from '../runtime.js';
import { formatValue } from '../summary.js';
import { formerOwner, isOrphaned, orphanHint } from '../orphans.js';
import { describeOrigin } from './runs.js';
import { runTracking, type RunTracking } from '../../tracking/run-tracking.js';
import { formatTracking } from '../../tracking/run-tracking-format.js';

interface ShowOptions {
  json?: boolean;
  iterations?: boolean;
}

/** A run in flight whose process is gone: who owned it. */
interface Orphan {
  owner: string;
}

export function registerShow(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('show')
    .description('show a run: params, tasks, outputs, artifacts and where its logs are')
    .argument('<run>', 'run id')
    .option('--json', 'print the run as JSON (every task and iteration)')
    .option('--iterations', "list every forEach iteration, not a summary and the ones that did not succeed")
    .addHelpText(
      'after',
      `
Examples:
  $ tandem show 01J2Z8N4T6Q9
  $ tandem show 01J2Z8N4T6Q9 --iterations
  $ tandem show 01J2Z8N4T6Q9 --json | jq .tasks

A run whose tandem process died shows as orphaned, with the command that finishes it.`,
    )
    .action(async (runId: string, options: ShowOptions, command: Command) => {
      const config = await ctx.config(command);
      const [report, tracking, orphan] = await withStore(ctx.services, config, async (store) => {
        const run = await getRunOrThrow(store, runId);
        const orphaned: Orphan | undefined = isOrphaned(run) ? { owner: formerOwner(run) } : undefined;
        const [built, tracked] = await Promise.all([buildRunReport(store, run, config.home), runTracking(store, run.id)]);
        return [built, tracked, orphaned] as const;
      });
      if (options.json) writeJson(ctx.io.stdout, { ...report, ...tracking, orphaned: orphan !== undefined });
      else {
        const lines = formatShow(report, paletteFor(ctx.io.stdout, ctx.io.env), { ...(tracking ? { tracking } : {}), ...(orphan ? { orphan } : {}), allIterations: options.iterations === true });
        for (const line of lines) writeLine(ctx.io.stdout, line);
      }
      setExit(EXIT.ok);
    });
}

interface ShowExtras {
  tracking?: RunTracking;
  orphan?: Orphan;
  allIterations: boolean;
}

function formatShow(report: RunReport, p: Palette, { tracking, orphan, allIterations }: ShowExtras): string[] {
  const lines: string[] = [];
  const field = (name: string, value: string): void => {
    lines.push(`${p.bold(name.padEnd(10))} ${value}`);
  };
  field('run', report.id);
  field('workflow', `${report.workflow}${report.version ? ` ${p.dim(`version ${report.version}`)}` : ''}`);
  if (tracking?.experiment) field('experiment', tracking.experiment);
  field('status', `${paintStatus(p, report.status)}${report.message ? `: ${report.message}` : ''}`);
  if (orphan) field('orphaned', `${p.red(`${orphan.owner}, which ran it, is gone`)}: ${orphanHint(report.id)}`);
  if (report.sourceFile) field('source', report.sourceFile);
  field('origin', describeOrigin(report.origin));
  if (report.routing) {
    const { lane, rule, overridden, engines } = report.routing;
    const forced = overridden ? ` (forced by ${overridden.by}; the policy chose ${overridden.from})` : ` (rule ${rule})`;
    field('lane', `${lane}${forced} ${p.dim(`engine: ${engines.orchestration}${engines.ml !== engines.orchestration ? `, ML steps: ${engines.ml}` : ''}`)}`);
  }
  field('created', formatTimestamp(report.createdAt));
  if (report.startedAt !== undefined) field('started', formatTimestamp(report.startedAt));
  if (report.finishedAt !== undefined) field('finished', formatTimestamp(report.finishedAt));
  if (report.durationMs !== undefined) field('duration', formatDuration(report.durationMs));

  const params = Object.entries(report.params);
  if (params.length > 0) {
    lines.push('', p.bold('params'));
    for (const [name, value] of params) lines.push(`  ${name} = ${formatValue(value)}`);
  }
  lines.push('', p.bold('tasks'));
  if (report.tasks.length === 0) lines.push('  (none started)');
  else {
    const rows = taskRows(report.tasks, p, { allIterations, moreHint: `tandem show ${report.id} --iterations` });
    const columns = [
      { header: 'TASK' },
      { header: 'STATUS' },
      { header: 'ATTEMPTS', align: 'right' as const },
      { header: 'DURATION', align: 'right' as const },
      { header: 'EXIT', align: 'right' as const },
      { header: 'MESSAGE' },
    ];
    lines.push(...indent(formatTable(columns, rows)));
  }
  const outputs = Object.entries(report.outputs);
  if (outputs.length > 0) {
    lines.push('', p.bold('outputs'));
    for (const [name, value] of outputs) lines.push(`  ${name} = ${formatValue(value)}`);
  }
  const more = (hidden: Map<string, number>): string[] =>
    [...hidden].map(([task, n]) => p.dim(`  … and ${n} more iteration${n === 1 ? '' : 's'} of ${task}: tandem show ${report.id} --iterations`));
  const outputsByTask = fewIterations(Object.entries(report.taskOutputs), ([task]) => task, allIterations);
  const taskOutputs = outputsByTask.shown.flatMap(([task, values]) => Object.entries(values).map(([name, value]) => `  ${task}.${name} = ${formatValue(value)}`));
  if (taskOutputs.length > 0) lines.push('', p.bold('task outputs'), ...taskOutputs, ...more(outputsByTask.hidden));
  if (report.artifacts.length > 0) {
    lines.push('', p.bold('artifacts'));
    const artifacts = fewIterations(report.artifacts, (a) => a.task, allIterations);
    const rows = artifacts.shown.map((a) => [
      `${a.task}.${a.name}`,
      a.type,
      a.kind,
      formatBytes(a.size),
      a.digest.slice(0, 12),
      a.path,
    ]);
    const columns = [{ header: 'ARTIFACT' }, { header: 'TYPE' }, { header: 'KIND' }, { header: 'SIZE', align: 'right' as const }, { header: 'SHA256' }, { header: 'PATH' }];
    lines.push(...indent(formatTable(columns, rows)), ...more(artifacts.hidden));
  }
  if (tracking) lines.push(...formatTracking(tracking, (text) => p.bold(text)));
  lines.push('', `${p.bold('data'.padEnd(10))} ${report.paths.home}`);
  if (report.paths.logs) lines.push(`${p.bold('logs'.padEnd(10))} ${report.paths.logs}   ${p.dim(`tandem logs ${report.id} [TASK]`)}`);
  return lines;
}

function indent(block: string): string[] {
  return block.split('\n').map((l) => `  ${l}`);
}

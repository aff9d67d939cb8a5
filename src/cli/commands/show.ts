// tandem show RUN: everything about one run.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { Palette } from '../format/color.js';
import { paintStatus, paletteFor } from '../format/color.js';
import { formatBytes, formatDuration, formatTimestamp } from '../format/duration.js';
import { formatTable } from '../format/table.js';
import { writeJson, writeLine } from '../io.js';
import type { RunReport } from '../run-report.js';
import { buildRunReport, getRunOrThrow } from '../run-report.js';
import { withStore } from '../runtime.js';
import { formatValue } from '../summary.js';

interface ShowOptions {
  json?: boolean;
}

export function registerShow(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('show')
    .description('show a run: params, tasks, outputs, artifacts and where its logs are')
    .argument('<run>', 'run id')
    .option('--json', 'print the run as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem show 01J2Z8N4T6Q9
  $ tandem show 01J2Z8N4T6Q9 --json | jq .tasks`,
    )
    .action(async (runId: string, options: ShowOptions, command: Command) => {
      const config = await ctx.config(command);
      const report = await withStore(ctx.services, config, async (store) =>
        buildRunReport(store, await getRunOrThrow(store, runId), config.home),
      );
      if (options.json) writeJson(ctx.io.stdout, report);
      else for (const line of formatShow(report, paletteFor(ctx.io.stdout, ctx.io.env))) writeLine(ctx.io.stdout, line);
      setExit(EXIT.ok);
    });
}

export function formatShow(report: RunReport, p: Palette): string[] {
  const lines: string[] = [];
  const field = (name: string, value: string): void => {
    lines.push(`${p.bold(name.padEnd(9))} ${value}`);
  };
  field('run', report.id);
  field('workflow', `${report.workflow}${report.version ? ` ${p.dim(`version ${report.version}`)}` : ''}`);
  field('status', `${paintStatus(p, report.status)}${report.message ? `: ${report.message}` : ''}`);
  if (report.sourceFile) field('source', report.sourceFile);
  field('origin', report.origin.kind);
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
    const rows = report.tasks.map((t) => [
      t.task,
      paintStatus(p, t.status),
      String(t.attempts),
      t.durationMs !== undefined ? formatDuration(t.durationMs) : '-',
      t.exitCode !== undefined ? String(t.exitCode) : (t.signal ?? '-'),
      (t.message ?? '').split('\n')[0] ?? '',
    ]);
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
  const taskOutputs = Object.entries(report.taskOutputs).flatMap(([task, values]) =>
    Object.entries(values).map(([name, value]) => `  ${task}.${name} = ${formatValue(value)}`),
  );
  if (taskOutputs.length > 0) lines.push('', p.bold('task outputs'), ...taskOutputs);
  if (report.artifacts.length > 0) {
    lines.push('', p.bold('artifacts'));
    const rows = report.artifacts.map((a) => [
      `${a.task}.${a.name}`,
      a.type,
      a.kind,
      formatBytes(a.size),
      a.digest.slice(0, 12),
      a.path,
    ]);
    const columns = [{ header: 'ARTIFACT' }, { header: 'TYPE' }, { header: 'KIND' }, { header: 'SIZE', align: 'right' as const }, { header: 'SHA256' }, { header: 'PATH' }];
    lines.push(...indent(formatTable(columns, rows)));
  }
  lines.push('', `${p.bold('data'.padEnd(9))} ${report.paths.home}`);
  if (report.paths.logs) lines.push(`${p.bold('logs'.padEnd(9))} ${report.paths.logs}   ${p.dim(`tandem logs ${report.id} [TASK]`)}`);
  return lines;
}

function indent(block: string): string[] {
  return block.split('\n').map((l) => `  ${l}`);
}

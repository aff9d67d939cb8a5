// tandem runs: list recent runs, newest first.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { RunOrigin, RunStatus } from '../../engines/model.js';
import { LANES, type Lane } from '../../spec/schema.js';
import type { RunFilter } from '../../store/ports/runs.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { paintStatus, paletteFor } from '../format/color.js';
import { formatSpan, formatTimestamp } from '../format/duration.js';
import { formatTable } from '../format/table.js';
import { writeJson, writeLine } from '../io.js';
import { isOrphaned, orphanHint } from '../orphans.js';
import { runSummary } from '../run-report.js';
import { withStore } from '../runtime.js';
import { collectStatus, positiveInt } from './options.js';

interface RunsOptions {
  status?: RunStatus[];
  workflow?: string;
  experiment?: string;
  lane?: Lane;
  limit: number;
  json?: boolean;
}

const DEFAULT_RUNS_LIMIT = 20;

export function registerRuns(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('runs')
    .description('list runs, newest first')
    .addOption(new Option('--status <status>', 'only runs with this status (repeatable)').argParser(collectStatus))
    .option('--workflow <name>', 'only runs of this workflow')
    .option('--experiment <name>', 'only runs of this experiment')
    .addOption(new Option('--lane <lane>', 'only runs the router sent to this lane').choices(LANES))
    .addOption(new Option('--limit <n>', 'at most this many runs').argParser(positiveInt('--limit')).default(DEFAULT_RUNS_LIMIT))
    .option('--json', 'print the runs as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem runs
  $ tandem runs --status Failed --status Error --limit 5
  $ tandem runs --workflow ingest --json
  $ tandem runs --experiment churn`,
    )
    .action(async (options: RunsOptions, command: Command) => {
      const config = await ctx.config(command);
      const filter: RunFilter = { limit: options.limit };
      if (options.status && options.status.length > 0) filter.status = options.status;
      if (options.workflow !== undefined) filter.workflow = options.workflow;
      if (options.experiment !== undefined) filter.experiment = options.experiment;
      if (options.lane !== undefined) filter.lane = options.lane;
      const runs = await withStore(ctx.services, config, (store) => store.listRuns(filter));
      const orphaned = new Set(runs.filter(isOrphaned).map((run) => run.id));
      if (options.json) {
        writeJson(ctx.io.stdout, runs.map((run) => ({ ...runSummary(run), orphaned: orphaned.has(run.id) })));
      } else if (runs.length === 0) {
        writeLine(ctx.io.stdout, 'no runs');
      } else {
        const p = paletteFor(ctx.io.stdout, ctx.io.env);
        const rows = runs.map((run) => [
          run.id,
          run.workflow,
          orphaned.has(run.id) ? `${paintStatus(p, run.status)} ${p.red('(orphaned)')}` : paintStatus(p, run.status),
          run.routing ? `${run.routing.lane}${run.routing.overridden ? '*' : ''}` : '-',
          formatTimestamp(run.createdAt),
          // An orphan's duration would grow for ever: nothing runs it.
          run.status === 'Pending' || orphaned.has(run.id) ? '-' : formatSpan(run.startedAt, run.finishedAt),
          describeOrigin(run.origin),
        ]);
        const columns = [
          { header: 'RUN' },
          { header: 'WORKFLOW' },
          { header: 'STATUS' },
          { header: 'LANE' },
          { header: 'CREATED' },
          { header: 'DURATION', align: 'right' as const },
          { header: 'STARTED BY' },
        ];
        writeLine(ctx.io.stdout, formatTable(columns, rows));
        if (orphaned.size > 0) {
          const one = orphaned.size === 1 ? [...orphaned][0] : undefined;
          writeLine(ctx.io.stdout, `${orphaned.size} orphaned (the process running ${one !== undefined ? 'it' : 'them'} is gone): ${orphanHint(one)}`);
        }
      }
      setExit(EXIT.ok);
    });
}

/** Who started a run: the CLI, the API, or the event(s) and sensor that fired. */
export function describeOrigin(origin: RunOrigin): string {
  const detail = origin.detail ?? {};
  if (origin.kind === 'event') {
    const events = Array.isArray(detail.eventIds) ? (detail.eventIds as string[]).join(',') : '?';
    return `event ${events} (sensor ${String(detail.sensor ?? '?')})`;
  }
  if (origin.kind === 'api' && typeof detail.idempotencyKey === 'string') return `api (key ${detail.idempotencyKey})`;
  if (origin.kind === 'parent') return `parent ${String(detail.runId ?? '?')} (task ${String(detail.task ?? '?')})`;
  return origin.kind;
}

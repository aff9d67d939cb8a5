// tandem mlflow: mirror runs into MLflow on demand (export), and show where each mirrored run
// stands (status). Both read the `mlflow` section of tandem.yaml (or TANDEM_MLFLOW_TRACKING_URI);
// the token comes from the environment or a file, never a flag. See docs/mlflow.md.
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { SETTINGS } from '../../config/settings.js';
import { parseDuration } from '../../config/values.js';
import { isTerminalRunStatus } from '../../engines/model.js';
import { NotFoundError, UsageError } from '../../errors.js';
import type { MlflowExportRecord, MlflowExportStatus } from '../../store/ports/mlflow-exports.js';
import type { RunReader, RunRecord } from '../../store/ports/runs.js';
import { createMlflowMirror } from '../../tracking/mlflow/from-config.js';
import { isMlLaneRun } from '../../tracking/mlflow/lane.js';
import type { MlflowExportResult } from '../../tracking/mlflow/mirror.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatTimestamp } from '../format/duration.js';
import { formatTable } from '../format/table.js';
import { writeJson, writeLine } from '../io.js';
import { withStore } from '../runtime.js';
import { positiveInt } from './options.js';

type SetExit = (code: number) => void;

const MLFLOW_URI_ENV = SETTINGS['mlflow.trackingUri'].env;

const STATUSES: readonly MlflowExportStatus[] = ['pending', 'exported', 'failed'];

export function registerMlflow(program: Command, ctx: CliContext, setExit: SetExit): void {
  const mlflow = program
    .command('mlflow')
    .description('mirror runs into MLflow (export) and show the state of each mirrored run (status)')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem mlflow export 01J2Z8N4T6Q9ABCDEF
  $ tandem mlflow export --since 24h
  $ tandem mlflow status --status pending --json

Configure the server in tandem.yaml (mlflow.trackingUri) or ${MLFLOW_URI_ENV}; see docs/mlflow.md.`,
    )
    .action(() => {
      mlflow.outputHelp({ error: true });
      setExit(EXIT.usage);
    });
  registerExport(mlflow, ctx, setExit);
  registerStatus(mlflow, ctx, setExit);
}

interface ExportOptions {
  since?: number;
  all?: boolean;
  json?: boolean;
}

function registerExport(parent: Command, ctx: CliContext, setExit: SetExit): void {
  parent
    .command('export')
    .description('export runs to MLflow now: the runs named, or the finished ML-lane runs created since a time')
    .argument('[run...]', 'run ids')
    .addOption(new Option('--since <when>', 'runs created since: a duration back from now (24h, 90m) or an ISO time').argParser(parseSince))
    .option('--all', 'with --since: every finished run, not only the ML lane')
    .option('--json', 'print the export state of each run as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem mlflow export 01J2Z8N4T6Q9ABCDEF 01J2Z8P0000000000
  $ tandem mlflow export --since 24h
  $ tandem mlflow export --since 2024-05-01T00:00:00Z --all --json

Re-exporting a run updates the MLflow run made before (found by its tandem.run_id tag).
Exit status 1 when an export did not complete (MLflow unreachable: it stays pending and is retried
by tandem serve; or refused: failed, with the reason).`,
    )
    .action(async (runIds: string[], options: ExportOptions, command: Command) => {
      if (runIds.length > 0 && options.since !== undefined) throw new UsageError('name runs or give --since, not both');
      if (runIds.length === 0 && options.since === undefined) throw new UsageError('name the runs to export, or give --since 24h (see tandem mlflow export --help)');
      if (options.all && options.since === undefined) throw new UsageError('--all goes with --since');
      const config = await ctx.config(command);
      if (config.mlflow === undefined) {
        throw new UsageError(`MLflow is not configured: set mlflow.trackingUri in tandem.yaml or ${MLFLOW_URI_ENV}`);
      }
      const mlflowConfig = config.mlflow;
      const results = await withStore(ctx.services, config, async (store) => {
        for (const id of runIds) if ((await store.getRun(id)) === undefined) throw new NotFoundError('run', id);
        const ids = runIds.length > 0 ? runIds : await runsSince(store, options.since ?? 0, options.all === true);
        const mirror = createMlflowMirror(mlflowConfig, store, {}, ctx.io.env);
        const done: MlflowExportResult[] = [];
        for (const id of ids) done.push(await mirror.exportRun(id));
        return done;
      });
      if (options.json) {
        writeJson(ctx.io.stdout, results.map(resultJson));
      } else if (results.length === 0) {
        writeLine(ctx.io.stdout, 'no runs to export');
      } else {
        writeLine(ctx.io.stdout, exportTable(results.map((r) => r.record)));
      }
      for (const result of results) {
        if (result.error !== undefined) writeLine(ctx.io.stderr, `${result.runId}: ${result.error.message}`);
      }
      setExit(results.some((r) => r.error !== undefined) ? EXIT.runFailed : EXIT.ok);
    });
}

interface StatusOptions {
  status?: MlflowExportStatus[];
  limit: number;
  json?: boolean;
}

function registerStatus(parent: Command, ctx: CliContext, setExit: SetExit): void {
  parent
    .command('status')
    .description('list mirrored runs and where their export stands, newest first')
    .addOption(new Option('--status <status>', 'only exports in this state: pending, exported or failed (repeatable)').argParser(collectExportStatus))
    .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInt('--limit')).default(20))
    .option('--json', 'print the export states as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem mlflow status
  $ tandem mlflow status --status failed --json`,
    )
    .action(async (options: StatusOptions, command: Command) => {
      const config = await ctx.config(command);
      const records = await withStore(ctx.services, config, (store) =>
        store.listMlflowExports({ limit: options.limit, ...(options.status ? { status: options.status } : {}) }),
      );
      if (options.json) writeJson(ctx.io.stdout, records);
      else if (records.length === 0) writeLine(ctx.io.stdout, 'no runs mirrored to MLflow yet');
      else writeLine(ctx.io.stdout, exportTable(records));
      setExit(EXIT.ok);
    });
}

/** Finished runs created at or after `since`, oldest first; only the ML lane unless `all`. */
async function runsSince(store: RunReader, since: number, all: boolean): Promise<string[]> {
  const found: RunRecord[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await store.listRuns({ limit: 200, ...(before === undefined ? {} : { before }) });
    const recent = page.filter((run) => run.createdAt >= since);
    found.push(...recent);
    const last = page.at(-1);
    if (page.length < 200 || recent.length < page.length || last === undefined) break;
    before = last.id;
  }
  return found
    .filter((run) => isTerminalRunStatus(run.status) && (all || isMlLaneRun(run)))
    .reverse()
    .map((run) => run.id);
}

function exportTable(records: readonly MlflowExportRecord[]): string {
  const rows = records.map((r) => [
    r.runId,
    r.status,
    r.mlflowRunId ?? '-',
    String(r.attempts),
    r.status === 'pending' && r.nextAttemptAt !== undefined ? formatTimestamp(r.nextAttemptAt) : '-',
    r.lastError === undefined ? '' : firstLine(r.lastError),
  ]);
  const columns = [{ header: 'RUN' }, { header: 'EXPORT' }, { header: 'MLFLOW RUN' }, { header: 'ATTEMPTS', align: 'right' as const }, { header: 'NEXT TRY' }, { header: 'LAST ERROR' }];
  return formatTable(columns, rows);
}

function resultJson(result: MlflowExportResult): Record<string, unknown> {
  return {
    ...result.record,
    ...(result.summary ? { created: result.summary.created, params: result.summary.params, artifactsUploaded: result.summary.artifactsUploaded } : {}),
    ...(result.error ? { error: result.error.message } : {}),
  };
}

function parseSince(value: string): number {
  const duration = parseDuration(value);
  if (duration !== undefined && /[a-z]$/i.test(value.trim())) return Date.now() - duration;
  const time = Date.parse(value);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
    throw new InvalidArgumentError(`expected a duration back from now (24h, 90m, 7d) or an ISO time (2024-05-01T00:00:00Z), got ${JSON.stringify(value)}`);
  }
  return time;
}

function collectExportStatus(value: string, previous: MlflowExportStatus[] | undefined): MlflowExportStatus[] {
  const found = STATUSES.find((s) => s === value.trim().toLowerCase());
  if (found === undefined) throw new InvalidArgumentError(`expected one of ${STATUSES.join(', ')}`);
  return [...(previous ?? []), found];
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

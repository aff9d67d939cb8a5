// tandem run FILE: load and validate a workflow, start it on the local engine, follow it to the end.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { loadWorkflowFile, parseParamAssignments, resolveParams } from '../../spec/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { paletteFor } from '../format/color.js';
import { handleInterrupts } from '../interrupt.js';
import { writeJson, writeLine } from '../io.js';
import { RunFollower } from '../progress/follow.js';
import { buildRunReport } from '../run-report.js';
import { withRuntime } from '../runtime.js';
import { formatRunSummary } from '../summary.js';
import { collect, positiveInt } from './options.js';
import { checkExperimentName } from '../../tracking/experiments.js';
import { LANES, type Lane } from '../../spec/schema.js';
import type { RunRecord } from '../../store/ports/runs.js';
import type { MlflowConfig } from '../../config/types.js';
import type { MlflowMirrorStore } from '../../tracking/mlflow/mirror.js';

interface RunOptions {
  param?: string[];
  json?: boolean;
  concurrency?: number;
  experiment?: string;
  /** False with --no-cache. */
  cache?: boolean;
  lane?: Lane;
}

export function registerRun(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('run a workflow on this machine and follow it until it ends')
    .argument('<file>', 'workflow definition (YAML, JSON, or a TS/JS module)')
    .option('-p, --param <name=value>', 'set a workflow param (repeatable)', collect)
    .option('--json', 'print no progress; print the finished run as JSON')
    .addOption(new Option('--concurrency <n>', 'tasks running at once on this machine').argParser(positiveInt('--concurrency')))
    .option('--experiment <name>', "the experiment the run belongs to (default: the workflow's experiment:, else its name)")
    .option('--no-cache', 'reuse no cached task results (every task runs; successful results still refresh the cache)')
    .addOption(new Option('--lane <lane>', `record this lane (${LANES.join(', ')}) instead of the router's choice, as an override`).choices(LANES))
    .addHelpText(
      'after',
      `
Examples:
  $ tandem run workflows/ingest.yaml
  $ tandem run train.yaml -p epochs=5 -p lr=0.01 --concurrency 4
  $ tandem run train.yaml --json > run.json
  $ tandem run train.yaml -p lr=0.1 --experiment lr-sweep
  $ tandem run train.yaml --no-cache
  $ tandem run pipeline.yaml --lane hybrid

Exit status is 0 when the run succeeds and 1 when it fails or is cancelled.
Ctrl-C cancels the run (finally tasks still run); a second Ctrl-C leaves at once.`,
    )
    .action(async (file: string, options: RunOptions, command: Command) => {
      setExit(await runCommand(ctx, command, file, options));
    });
}

async function runCommand(ctx: CliContext, command: Command, file: string, options: RunOptions): Promise<number> {
  const { io } = ctx;
  const extra = options.concurrency !== undefined ? { concurrency: options.concurrency } : {};
  const config = await ctx.config(command, extra);
  const loaded = await loadWorkflowFile(resolve(io.cwd, file));
  const params = resolveParams(loaded.spec, parseParamAssignments(options.param ?? []), { fromStrings: true });
  const experiment = options.experiment !== undefined ? checkExperimentName(options.experiment) : undefined;
  return withRuntime(ctx.services, config, async ({ store, engines }) => {
    const { runId } = await engines.submit({
      spec: loaded.spec,
      params,
      baseDir: loaded.baseDir,
      sourceFile: loaded.file,
      origin: { kind: 'cli' },
      ...(experiment !== undefined ? { experiment } : {}),
      ...(options.cache === false ? { noCache: true } : {}),
      ...(options.lane !== undefined ? { laneOverride: { lane: options.lane, by: 'cli' as const } } : {}),
    });
    const palette = paletteFor(io.stdout, io.env);
    const follower = options.json
      ? undefined
      : new RunFollower({
          runId,
          workflow: loaded.spec.name,
          tasks: [...loaded.spec.tasks, ...(loaded.spec.finally ?? [])],
          out: io.stdout,
          palette,
          live: io.stdout.isTTY === true,
        });
    const stopListening = handleInterrupts(io, {
      cancel: () => engines.cancel(runId),
      note: (text) => (follower ? follower.note(text) : writeLine(io.stderr, text)),
      beforeExit: () => {
        follower?.abandon();
        writeLine(io.stderr, `\nleft run ${runId} in flight; \`tandem cancel ${runId}\` stops it, \`tandem resume ${runId}\` finishes it`);
      },
    });
    try {
      await follower?.follow(engines);
      const run = await engines.wait(runId);
      if (config.mlflow) await mirrorToMlflow(config.mlflow, store, run, (text) => writeLine(io.stderr, text));
      const report = await buildRunReport(store, run, config.home);
      if (options.json) writeJson(io.stdout, report);
      else {
        if (io.stdout.isTTY === true) writeLine(io.stdout);
        for (const line of formatRunSummary(report, palette)) writeLine(io.stdout, line);
      }
      return run.status === 'Succeeded' ? EXIT.ok : EXIT.runFailed;
    } finally {
      stopListening();
    }
  });
}

/**
 * Mirrors an ML-lane run into MLflow once it ended. MLflow being down never changes the run's
 * outcome or the exit code: the export stays pending, and `tandem serve` or `tandem mlflow
 * export` retries it.
 */
async function mirrorToMlflow(config: MlflowConfig, store: MlflowMirrorStore, run: RunRecord, warn: (text: string) => void): Promise<void> {
  // Loaded only when MLflow is configured: every other run starts without the client.
  const [{ isMlLaneRun }, { createMlflowMirror }] = await Promise.all([import('../../tracking/mlflow/lane.js'), import('../../tracking/mlflow/from-config.js')]);
  if (!isMlLaneRun(run)) return;
  const result = await createMlflowMirror(config, store).exportRun(run.id);
  if (result.error) warn(`MLflow export of ${run.id} is pending (${result.error.message}); tandem mlflow export ${run.id} retries it`);
}

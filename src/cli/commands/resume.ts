// tandem resume [RUN]: take over runs left in flight by a process that died, and finish them.
import type { Command } from 'commander';
import { isTerminalRunStatus } from '../../engines/model.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { paletteFor } from '../format/color.js';
import { handleInterrupts } from '../interrupt.js';
import { writeJson, writeLine } from '../io.js';
import { PlainRenderer } from '../progress/plain.js';
import { initialProgress, ProgressTracker } from '../progress/progress-state.js';
import type { RunReport } from '../run-report.js';
import { buildRunReport, getRunOrThrow } from '../run-report.js';
import { withRuntime } from '../runtime.js';
import { formatRunSummary } from '../summary.js';

interface ResumeOptions {
  json?: boolean;
}

export function registerResume(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('resume')
    .description('finish runs whose tandem process died (all of them, or one)')
    .argument('[run]', 'only this run')
    .option('--json', 'print no progress; print the finished runs as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem resume
  $ tandem resume 01J2Z8N4T6Q9 --json

Exit status is 0 when every resumed run succeeds (or there was nothing to resume), 1 otherwise.`,
    )
    .action(async (runId: string | undefined, options: ResumeOptions, command: Command) => {
      setExit(await resumeCommand(ctx, command, runId, options));
    });
}

async function resumeCommand(ctx: CliContext, command: Command, runId: string | undefined, options: ResumeOptions): Promise<number> {
  const { io } = ctx;
  const config = await ctx.config(command);
  const p = paletteFor(io.stdout, io.env);
  return withRuntime(ctx.services, config, async ({ store, engines }) => {
    if (runId !== undefined) {
      const run = await getRunOrThrow(store, runId);
      if (isTerminalRunStatus(run.status)) {
        if (options.json) writeJson(io.stdout, [await buildRunReport(store, run, config.home)]);
        else writeLine(io.stdout, `run ${runId} already ended ${run.status}; nothing to resume`);
        return EXIT.ok;
      }
    }
    const ids = await engines.resume(runId);
    if (ids.length === 0) {
      if (options.json) writeJson(io.stdout, []);
      else writeLine(io.stdout, runId ? `run ${runId} is owned by a live process; nothing to resume` : 'nothing to resume');
      return EXIT.ok;
    }
    if (!options.json) writeLine(io.stdout, `resuming ${ids.length} run${ids.length === 1 ? '' : 's'}: ${ids.join(', ')}`);
    /** Each run's progress lines, printed before a forced exit (they are gathered briefly). */
    const renderers: PlainRenderer[] = [];
    const stopListening = handleInterrupts(io, {
      cancel: async () => {
        await Promise.all(ids.map((id) => engines.cancel(id)));
      },
      note: (text) => writeLine(io.stderr, text),
      beforeExit: () => {
        for (const renderer of renderers) renderer.flush();
        writeLine(io.stderr, `left ${ids.join(', ')} in flight; \`tandem resume\` picks them up again`);
      },
    });
    try {
      const reports: RunReport[] = await Promise.all(
        ids.map(async (id) => {
          if (!options.json) {
            const renderer = new PlainRenderer(io.stdout, p, ids.length > 1 ? `${id} ` : '');
            renderers.push(renderer);
            const tracker = new ProgressTracker(initialProgress({ runId: id, workflow: id, createdAt: Date.now() }));
            try {
              for await (const event of engines.watch(id)) renderer.update(tracker.apply(event), event);
            } finally {
              renderer.stop();
            }
          }
          return buildRunReport(store, await engines.wait(id), config.home);
        }),
      );
      if (options.json) writeJson(io.stdout, reports);
      else for (const report of reports) for (const line of formatRunSummary(report, p)) writeLine(io.stdout, line);
      return reports.every((r) => r.status === 'Succeeded') ? EXIT.ok : EXIT.runFailed;
    } finally {
      stopListening();
    }
  });
}

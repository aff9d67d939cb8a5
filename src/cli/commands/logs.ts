// tandem logs RUN [TASK]: print a run's task logs (stdout to stdout, stderr to stderr).
import type { Command } from 'commander';
import type { LogChunk } from '../../engines/engine.js';
import { NotFoundError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { paletteFor } from '../format/color.js';
import { getRunOrThrow } from '../run-report.js';
import { withRuntime } from '../runtime.js';

interface LogsOptions {
  follow?: boolean;
}

export function registerLogs(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('logs')
    .description("print a run's logs: one task's, or every task's with a header per task")
    .argument('<run>', 'run id')
    .argument('[task]', 'task key (parse[3]), or a forEach task name for all its iterations')
    .option('-f, --follow', 'keep printing new output until the run ends')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem logs 01J2Z8N4T6Q9
  $ tandem logs 01J2Z8N4T6Q9 'parse[3]'
  $ tandem logs 01J2Z8N4T6Q9 train --follow`,
    )
    .action(async (runId: string, task: string | undefined, options: LogsOptions, command: Command) => {
      const config = await ctx.config(command);
      const { io } = ctx;
      const p = paletteFor(io.stdout, io.env);
      await withRuntime(ctx.services, config, async ({ store, engines }) => {
        await getRunOrThrow(store, runId);
        const recorded = (await store.listTaskRuns(runId)).filter((r) => task === undefined || r.task === task || r.task.startsWith(`${task}[`));
        if (task !== undefined && !options.follow && recorded.length === 0) throw new NotFoundError('task', task);
        // One attempt of the one task asked for needs no header; anything more (another attempt,
        // iterations, every task, or output still to come) gets one per attempt, so the reader can
        // tell where each attempt's output begins.
        const headers = options.follow === true || recorded.length !== 1 || recorded[0]?.task !== task;
        let current = '';
        let atLineStart = true;
        for await (const chunk of engines.logs(runId, task, { follow: options.follow === true })) {
          const source = `${chunk.task}#${chunk.attempt}`;
          if (source !== current && headers) {
            if (!atLineStart) io.stdout.write('\n');
            io.stdout.write(`${p.dim(header(chunk))}\n`);
            atLineStart = true;
          }
          current = source;
          (chunk.stream === 'stderr' ? io.stderr : io.stdout).write(chunk.text);
          if (chunk.text.length > 0) atLineStart = chunk.text.endsWith('\n');
        }
      });
      setExit(EXIT.ok);
    });
}

function header(chunk: LogChunk): string {
  return `==> ${chunk.task} (attempt ${chunk.attempt}) <==`;
}

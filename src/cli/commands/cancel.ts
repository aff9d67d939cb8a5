// tandem cancel RUN: stop a run, wherever it is running on this machine.
import type { Command } from 'commander';
import { isTerminalRunStatus } from '../../engines/model.js';
import { ConflictError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { writeLine } from '../io.js';
import { getRunOrThrow } from '../run-report.js';
import { withRuntime } from '../runtime.js';

export function registerCancel(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('cancel')
    .description('cancel a run: running tasks are stopped, finally tasks run, the run ends Cancelled')
    .argument('<run>', 'run id')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem cancel 01J2Z8N4T6Q9

A run that already finished is left as it is: the command says so and exits 5.

Works for a run started by another tandem process: the request is recorded and that process
stops the run; a run whose process has died is finalised here.`,
    )
    .action(async (runId: string, _options: unknown, command: Command) => {
      const config = await ctx.config(command);
      await withRuntime(ctx.services, config, async ({ store, engines }) => {
        const run = await getRunOrThrow(store, runId);
        // The same answer as the API's 409: exit 5 (conflict), so a script can tell it from a cancel.
        if (isTerminalRunStatus(run.status)) throw new ConflictError(`run ${runId} already finished (${run.status}); nothing to cancel`);
        await engines.cancel(runId);
        let after = await store.getRun(runId);
        if (after && !isTerminalRunStatus(after.status) && after.ownerPid === process.pid) {
          // Its process had died: this engine took the run over to cancel it; see it to the end.
          writeLine(ctx.io.stdout, `run ${runId} had no live process; cancelling it here (finally tasks run)`);
          after = await engines.wait(runId);
        }
        if (after && isTerminalRunStatus(after.status)) writeLine(ctx.io.stdout, `run ${runId} ${after.status}`);
        else writeLine(ctx.io.stdout, `cancellation of run ${runId} requested; \`tandem show ${runId}\` shows when it ends`);
      });
      setExit(EXIT.ok);
    });
}

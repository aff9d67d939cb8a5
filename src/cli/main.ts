// The tandem command line: `main(argv)` parses, runs one command and returns its exit code
// (see docs/cli.md). Errors never escape as stack traces; see errors.ts.
import { Command, CommanderError } from 'commander';
import { registerCache } from './commands/cache.js';
import { registerCancel } from './commands/cancel.js';
import { registerCompare } from './commands/compare.js';
import { registerCompile } from './commands/compile.js';
import { registerEvents } from './commands/events.js';
import { registerLineage } from './commands/lineage.js';
import { registerLogs } from './commands/logs.js';
import { registerMlflow } from './commands/mlflow.js';
import { registerResume } from './commands/resume.js';
import { registerRun } from './commands/run.js';
import { registerRoute } from './commands/route.js';
import { registerRuns } from './commands/runs.js';
import { registerSensors } from './commands/sensors.js';
import { registerServe } from './commands/serve.js';
import { registerShow } from './commands/show.js';
import { registerValidate } from './commands/validate.js';
import { createContext } from './context.js';
import { reportError } from './errors.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import { processIo } from './io.js';
import type { Services } from './runtime.js';
import { defaultServices } from './runtime.js';
import { VERSION } from '../version.js';

export interface MainOptions {
  io?: CliIo;
  services?: Services;
}

export function buildProgram(io: CliIo, services: Services, setExit: (code: number) => void): Command {
  const ctx = createContext(io, services);
  // Subcommands inherit exitOverride, output and help settings: they are set before any is added.
  const program = new Command('tandem')
    .description('tandem: run workflows on this machine, serve their triggers, and compile them for Argo Workflows, Kubeflow Pipelines and Argo Events')
    .version(VERSION, '-V, --version')
    .option('--home <dir>', 'data directory: store, logs, artifacts (default ./.tandem, or TANDEM_HOME)')
    .option('--config <file>', 'configuration file (default ./tandem.yaml, or TANDEM_CONFIG)')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ tandem validate workflows/*.yaml
  $ tandem run workflows/ingest.yaml -p source=./docs
  $ tandem runs --status Failed
  $ tandem show <run-id>

Exit status: 0 ok, 1 run failed or cancelled, 2 usage or invalid definition, 3 not found,
4 store or internal error. See docs/cli.md.`,
    );
  registerRun(program, ctx, setExit);
  registerValidate(program, ctx, setExit);
  registerRoute(program, ctx, setExit);
  registerCompile(program, ctx, setExit);
  registerRuns(program, ctx, setExit);
  registerShow(program, ctx, setExit);
  registerLogs(program, ctx, setExit);
  registerCancel(program, ctx, setExit);
  registerResume(program, ctx, setExit);
  registerServe(program, ctx, setExit);
  registerEvents(program, ctx, setExit);
  registerSensors(program, ctx, setExit);
  registerMlflow(program, ctx, setExit);
  registerLineage(program, ctx, setExit);
  registerCompare(program, ctx, setExit);
  registerCache(program, ctx, setExit);
  return program;
}

export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo();
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, options.services ?? defaultServices, (code) => {
    exitCode = code;
  });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExitCode(error);
    return reportError(error, io);
  }
}

/** Help and version exit 0; every parse error (unknown flag, missing argument, bad value) is usage. */
function commanderExitCode(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
    return EXIT.ok;
  }
  if (error.exitCode === 0) return EXIT.ok;
  return EXIT.usage;
}

// The tandem command line: `main(argv)` parses, runs one command and returns its exit code
// (see docs/cli.md). Errors never escape as stack traces; see errors.ts.
//
// Start-up loads only what the command needs: the program lists every command (command-table.ts),
// but only the one named on the command line is loaded and registered in full. `tandem --version`
// and `tandem --help` load no command module at all.
import { Command, CommanderError, Help } from 'commander';
import { COMMANDS } from './command-table.js';
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

/** The global options that take a value: the word after them is that value, not a command name. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--home', '--config']);

/**
 * The command `argv` names: its first word that is not a global option or an option's value
 * (`tandem help X` names X). Undefined when it names none (help, version, no arguments).
 */
export function commandNamed(argv: readonly string[]): string | undefined {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i] as string;
    if (arg === '--') break;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) words.push(arg);
    // Options of the program (--help, --version, --home=DIR) are left to commander.
    if (words[0] !== undefined && words[0] !== 'help') break;
  }
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * The program with every command listed. Commands in `load` (every command with 'all') are
 * loaded and registered in full; the others stand in with their name and summary, enough for
 * the program's help and for commander to suggest a name for a mistyped one.
 */
export async function buildProgram(io: CliIo, services: Services, setExit: (code: number) => void, load: ReadonlySet<string> | 'all'): Promise<Command> {
  const ctx = createContext(io, services);
  const standInTerms = new Map<Command, string>();
  // Subcommands inherit exitOverride, output and help settings: they are set before any is added.
  const program = new Command('tandem')
    .description('tandem: run workflows on this machine, serve their triggers, and compile them for Argo Workflows, Kubeflow Pipelines and Argo Events')
    .version(VERSION, '-V, --version')
    .option('--home <dir>', 'data directory: store, logs, artifacts (default ./.tandem, or TANDEM_HOME)')
    .option('--config <file>', 'configuration file (default ./tandem.yaml, or TANDEM_CONFIG)')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({
      showGlobalOptions: true,
      // A stand-in has no options or arguments of its own: the program's help lists it with the term
      // its module's registration would give.
      subcommandTerm(this: Help, command: Command): string {
        return standInTerms.get(command) ?? Help.prototype.subcommandTerm.call(this, command);
      },
    })
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
4 store or internal error, 5 conflict (cancel of a finished run), 6 cannot listen on the
address (serve). See docs/cli.md.`,
    );
  for (const entry of COMMANDS) {
    if (load === 'all' || load.has(entry.name)) {
      (await entry.load())(program, ctx, setExit);
      continue;
    }
    const standIn = program
      .command(entry.name)
      .description(entry.summary)
      .action(() => {
        throw new Error(`command ${entry.name} was not loaded`);
      });
    standInTerms.set(standIn, entry.term);
  }
  return program;
}

export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo();
  let exitCode: number = EXIT.ok;
  const named = commandNamed(argv);
  try {
    const program = await buildProgram(io, options.services ?? defaultServices, (code) => (exitCode = code), new Set(named === undefined ? [] : [named]));
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
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

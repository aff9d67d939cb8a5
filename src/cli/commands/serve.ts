// tandem serve: the long-running control plane for a project file (tandem.yaml).
import type { Command } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SHUTDOWN_GRACE_PERIOD } from '../../config/settings.js';
import { SpecValidationError, UsageError, formatIssue, type SpecIssue } from '../../errors.js';
import { ControlPlane } from '../../server/control-plane.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { onPresses } from '../interrupt.js';
import { writeLine } from '../io.js';
import { printServeBanner } from './serve-banner.js';
import { createLogger, LOG_LEVELS } from '../../server/log.js';

interface ServeOptions {
  port?: string;
  host?: string;
}

export function registerServe(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description('run the control plane: HTTP API, event sources and sensors of the project file')
    .option('--port <port>', `listen on this port (default: server.port in tandem.yaml, else ${DEFAULT_PORT}; 0 for any)`)
    .option('--host <host>', `listen on this address (default: server.host, else ${DEFAULT_HOST})`)
    .addHelpText(
      'after',
      `
Examples:
  $ tandem serve
  $ tandem --config examples/tandem.yaml serve --port 9090

The project file is --config FILE, TANDEM_CONFIG, or ./tandem.yaml. SIGTERM or Ctrl-C stops taking
events, lets running tasks finish (server.shutdownGracePeriod, default ${DEFAULT_SHUTDOWN_GRACE_PERIOD}) and exits 0; a second
one leaves at once (exit 130). Runs left in flight by a previous process are resumed at start-up;
runs whose process dies while it serves (a killed \`tandem run\`) are adopted within seconds.
Exit 6: the address is in use or not allowed.`,
    )
    .action(async (options: ServeOptions, command: Command) => {
      setExit(await serveCommand(ctx, command, options));
    });
}

async function serveCommand(ctx: CliContext, command: Command, options: ServeOptions): Promise<number> {
  const { io } = ctx;
  const { port, level, issues } = serveSettings(options, io.env);
  const { config, project } = await loadWithOwnProblems(ctx, command, issues);
  const plane = await ControlPlane.start({
    project,
    config,
    ...(port !== undefined ? { port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    logger: createLogger(io.stderr, level),
  });
  printServeBanner(io.stdout, plane, project);
  // Ctrl-C or SIGTERM stops gracefully; another one while stopping (not a copy of the first, see
  // interrupt.ts) leaves at once, and the runs still in flight are resumed by the next start.
  let unsubscribe = (): void => undefined;
  await new Promise<void>((done) => {
    const first = () => {
      writeLine(io.stdout, 'stopping: no new events; running tasks get the grace period to finish (Ctrl-C again leaves now)');
      done();
    };
    const again = () => {
      writeLine(io.stdout, 'leaving now: runs still in flight are resumed by the next start');
      io.exit(EXIT.interrupted);
    };
    unsubscribe = onPresses(
      (handler) => {
        const offInterrupt = io.onInterrupt(handler);
        process.on('SIGTERM', handler);
        return () => {
          offInterrupt();
          process.off('SIGTERM', handler);
        };
      },
      first,
      again,
    );
  });
  try {
    await plane.stop();
  } finally {
    unsubscribe();
    // Presses stay harmless until the process is gone: on a busy machine npm's forwarded copy of
    // the press can come after the stop, and with no listener left SIGINT's default action would
    // kill the process, which npm then reports as its own death by SIGINT instead of our 0.
    io.onInterrupt(() => undefined);
  }
  writeLine(io.stdout, 'stopped');
  return EXIT.ok;
}

/**
 * The project, with the problems of serve's own flag and variable in the same report as the
 * project's when both have some; alone, such a problem is a usage error.
 */
async function loadWithOwnProblems(ctx: CliContext, command: Command, own: SpecIssue[]): Promise<Awaited<ReturnType<CliContext['project']>>> {
  let loaded: Awaited<ReturnType<CliContext['project']>>;
  try {
    loaded = await ctx.project(command);
  } catch (error) {
    if (error instanceof SpecValidationError && own.length > 0) throw new SpecValidationError([...error.issues, ...own]);
    throw error;
  }
  if (own.length > 0) throw new UsageError(own.map(formatIssue).join('\n'));
  return loaded;
}

/** --port and TANDEM_LOG_LEVEL, which only serve reads: a bad value becomes an issue, and its default stands in. */
function serveSettings(options: ServeOptions, env: NodeJS.ProcessEnv): { port?: number; level: string; issues: SpecIssue[] } {
  const issues: SpecIssue[] = [];
  const bad = (origin: string, expected: string, found: string) => issues.push({ origin, path: '', message: '', expected, found: JSON.stringify(found) });
  let port: number | undefined;
  if (options.port !== undefined) {
    const n = Number(options.port);
    if (Number.isInteger(n) && n >= 0 && n <= 65535) port = n;
    else bad('--port', 'a port number 0-65535', options.port);
  }
  let level = 'info';
  const named = env.TANDEM_LOG_LEVEL;
  if (named !== undefined && named !== '') {
    if ((LOG_LEVELS as readonly string[]).includes(named)) level = named;
    else bad('TANDEM_LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}`, named);
  }
  return { ...(port !== undefined ? { port } : {}), level, issues };
}

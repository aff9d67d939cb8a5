// tandem serve: the long-running control plane for a project file (tandem.yaml).
import type { Command } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SHUTDOWN_GRACE_PERIOD } from '../../config/settings.js';
import { UsageError } from '../../errors.js';
import { ControlPlane } from '../../server/control-plane.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
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
events, lets running tasks finish (server.shutdownGracePeriod, default ${DEFAULT_SHUTDOWN_GRACE_PERIOD}) and exits 0.
Runs left in flight by a previous process are resumed at start-up.`,
    )
    .action(async (options: ServeOptions, command: Command) => {
      setExit(await serveCommand(ctx, command, options));
    });
}

async function serveCommand(ctx: CliContext, command: Command, options: ServeOptions): Promise<number> {
  const { io } = ctx;
  const { config, project } = await ctx.project(command);
  const port = options.port !== undefined ? parsePort(options.port) : undefined;
  const plane = await ControlPlane.start({
    project,
    config,
    ...(port !== undefined ? { port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    logger: createLogger(io.stderr, logLevel(io.env.TANDEM_LOG_LEVEL)),
  });
  printServeBanner(io.stdout, plane, project);
  await new Promise<void>((done) => {
    const stop = () => {
      unsubscribe();
      process.off('SIGTERM', stop);
      writeLine(io.stdout, 'stopping: no new events; running tasks get the grace period to finish');
      done();
    };
    const unsubscribe = io.onInterrupt(stop);
    process.once('SIGTERM', stop);
  });
  await plane.stop();
  writeLine(io.stdout, 'stopped');
  return EXIT.ok;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected a port number 0-65535, found ${JSON.stringify(text)}`);
  return port;
}

function logLevel(value: string | undefined): string {
  if (value === undefined || value === '') return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new UsageError(`TANDEM_LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, found ${JSON.stringify(value)}`);
  return value;
}

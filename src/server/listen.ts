// Opening the HTTP port of `tandem serve`. The address being taken (another `tandem serve`, or any
// other program) or not allowed is the most common start-up problem, and the user's to solve: it
// is a ListenError naming host:port and what to do, with its own exit code, never "unexpected".
import type { FastifyInstance } from 'fastify';
import { TandemError } from '../errors.js';
import { LISTEN_BACKLOG } from './app.js';

/** Exit code of a command that could not listen (docs/cli.md; EXIT.cannotListen in src/cli/exit-codes.ts). */
const CANNOT_LISTEN_EXIT = 6;

class ListenError extends TandemError {
  readonly code = 'LISTEN';
  override readonly exitCode = CANNOT_LISTEN_EXIT;
  constructor(
    readonly host: string,
    readonly port: number,
    /** The system's error code: EADDRINUSE, EACCES, EADDRNOTAVAIL... */
    readonly reason: string,
    /** True when the address may become free (it is in use now). */
    override readonly retryable: boolean,
  ) {
    super(`cannot listen on ${host}:${port}: ${explain(reason, port)}`);
    this.name = 'ListenError';
  }
}

function explain(reason: string, port: number): string {
  switch (reason) {
    case 'EADDRINUSE':
      return 'the address is already in use (another tandem serve, or another program); stop it, or choose another port with --port or server.port';
    case 'EACCES':
      return `not allowed to listen there (ports below 1024 need privileges; port ${port} was asked for); choose another port with --port or server.port`;
    case 'EADDRNOTAVAIL':
      return 'no network interface of this machine has that address; choose another with --host or server.host';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve; choose another with --host or server.host';
    default:
      return `${reason}; choose another address with --host/--port or server.host/server.port`;
  }
}

/** Listens on host:port and returns the URL; a refused address is a ListenError. */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    return await app.listen({ host, port, backlog: LISTEN_BACKLOG });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) throw new ListenError(host, port, code, code === 'EADDRINUSE');
    throw error;
  }
}

// How a command's error becomes a message and an exit code: one line for errors a user can act
// on (never a stack trace); one line and a hint to set TANDEM_DEBUG=1 for anything unexpected.
import { StoreError, TandemError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import { writeLine } from './io.js';
import { errorMessage } from '../util/error-message.js';

function exitCodeFor(error: unknown): number {
  if (error instanceof StoreError) return EXIT.internal;
  if (error instanceof TandemError) return error.exitCode;
  return EXIT.internal;
}

export function reportError(error: unknown, io: CliIo): number {
  const debug = isDebug(io.env);
  if (error instanceof TandemError) {
    writeLine(io.stderr, `error: ${error.message}`);
    if (debug && error.stack) writeLine(io.stderr, error.stack);
    return exitCodeFor(error);
  }
  const message = errorMessage(error);
  writeLine(io.stderr, `error: ${firstLine(message) || 'unexpected failure'}`);
  if (debug) {
    writeLine(io.stderr, error instanceof Error && error.stack ? error.stack : String(error));
  } else {
    writeLine(io.stderr, 'hint: this is unexpected; set TANDEM_DEBUG=1 to print the stack trace');
  }
  return EXIT.internal;
}

function isDebug(env: NodeJS.ProcessEnv): boolean {
  const value = env.TANDEM_DEBUG;
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

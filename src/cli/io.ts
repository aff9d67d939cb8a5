// The process surface the CLI touches, gathered so tests can run commands in-process.
import type { OutputStream } from './progress/renderer.js';

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Subscribes to Ctrl-C; returns the unsubscribe function. */
  onInterrupt(handler: () => void): () => void;
  /** Leaves immediately (a second Ctrl-C). */
  exit(code: number): never;
}

let pipeGuarded = false;

/**
 * `tandem runs | head` closes the pipe early: the next write fails with EPIPE. That is the reader
 * being done, not an error, so the process leaves quietly instead of dying with a stack trace.
 */
function guardClosedPipes(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      process.stderr.write(`tandem: cannot write output: ${error.message}\n`);
      process.exit(4);
    });
  }
}

export function processIo(): CliIo {
  guardClosedPipes();
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
    exit(code) {
      process.exit(code);
    },
  };
}

export function writeLine(stream: OutputStream, text = ''): void {
  stream.write(`${text}\n`);
}

export function writeJson(stream: OutputStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

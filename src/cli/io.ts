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

export function processIo(): CliIo {
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

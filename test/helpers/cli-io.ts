// An in-process CliIo for running `main()` in tests: stdout and stderr captured as text, a given
// environment and working directory, no signal handling, and exit() that throws instead of leaving.
import type { CliIo } from '../../src/cli/io.js';

export interface CapturedIo {
  io: CliIo;
  out(): string;
  err(): string;
}

export function captureIo(cwd: string, env: NodeJS.ProcessEnv = {}): CapturedIo {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env,
    cwd,
    onInterrupt: () => () => undefined,
    exit: (code: number) => {
      throw new Error(`exit ${code}`);
    },
  };
  return { io, out: () => out, err: () => err };
}

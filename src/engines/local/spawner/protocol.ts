// The line protocol between the engine and its spawner helpers (helper.pl, helper.js).
// Requests are TAB-separated fields, each escaped (\\, \t, \n):
//   id dir stdoutFile stderrFile logCap cwd envCount [key value]... command [arg]...
// Replies are space-separated:
//   s id pid | e id exitCode signalNumber truncated | x id errno message
// A helper is started with the engine's pid as its argument and starts a request only while that
// engine is its parent. Besides replying it writes process.started (before `s`) and process.exit
// (before `e`) into the request's `dir`, each renamed into place whole (attempt-records.ts reads
// them), and refuses (`x`, EEXIST) a `dir` that already has process.started. Once the engine is
// gone it answers nothing, starts nothing, and exits after recording the tasks it had started.
import { constants } from 'node:os';

export interface SpawnRequest {
  command: string;
  args: string[];
  cwd: string;
  /**
   * The child's complete environment: it replaces the helper's (which is the engine's, secrets
   * included), so a task sees exactly these variables.
   */
  env: Record<string, string>;
  /** The attempt's directory, created by the helper before spawning. */
  dir: string;
  stdoutFile: string;
  stderrFile: string;
  logCap: number;
}

export type Reply =
  | { kind: 'started'; id: number; pid: number }
  | { kind: 'exited'; id: number; exitCode: number | null; signal: string | null; truncated: boolean }
  | { kind: 'failed'; id: number; message: string };

function escapeField(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

export function encodeRequest(id: number, request: SpawnRequest): string {
  const env = Object.entries(request.env).flat();
  const fields = [String(id), request.dir, request.stdoutFile, request.stderrFile, String(request.logCap), request.cwd];
  fields.push(String(env.length / 2), ...env, request.command, ...request.args);
  return `${fields.map(escapeField).join('\t')}\n`;
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));
const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, number]) => [number, name]));

export function parseReply(line: string): Reply | undefined {
  const [kind, idText, first, second, third] = line.split(' ');
  const id = Number(idText);
  if (kind === 's') return { kind: 'started', id, pid: Number(first) };
  if (kind === 'e') {
    const code = Number(first);
    const signal = Number(second);
    return { kind: 'exited', id, exitCode: code < 0 ? null : code, signal: signal ? (SIGNAL_NAMES.get(signal) ?? `signal ${signal}`) : null, truncated: third === '1' };
  }
  if (kind === 'x') {
    const errno = Number(first);
    const message = line.split(' ').slice(3).join(' ');
    const name = ERRNO_NAMES.get(errno);
    return { kind: 'failed', id, message: name ? `${name}: ${message}` : message };
  }
  return undefined;
}

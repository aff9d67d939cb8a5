// The records a spawner helper writes into an attempt's folder (see the header of helper.pl):
// process.started right after the fork, process.exit once the process has ended and its logs are
// closed. Each is renamed into place whole, so a record is either absent or complete. They are
// what a resume reads to learn what the store had not been told before the engine died.
import { readFileSync, statSync } from 'node:fs';
import { attemptFiles } from './layout.js';

/** Who runs an attempt's process: its pid and start time, and the helper's. */
interface StartedRecord {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22); undefined where there is no /proc. */
  start: string | undefined;
  helper: number;
  helperStart: string | undefined;
  /** When the record was written (the file's modification time), in ms since the epoch. */
  time: number;
}

export interface ExitRecord {
  /** null when a signal ended the process. */
  exitCode: number | null;
  signal: number;
  truncated: boolean;
  time: number;
}

function fieldsOf(file: string): { fields: Map<string, string>; time: number } | undefined {
  let text: string;
  let time: number;
  try {
    text = readFileSync(file, 'utf8');
    time = statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  const fields = new Map<string, string>();
  for (const pair of text.trim().split(/\s+/)) {
    const eq = pair.indexOf('=');
    if (eq > 0) fields.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return { fields, time };
}

function integer(fields: Map<string, string>, name: string): number | undefined {
  const text = fields.get(name);
  return text !== undefined && /^-?[0-9]+$/.test(text) ? Number(text) : undefined;
}

function startTime(text: string | undefined): string | undefined {
  return text === undefined || text === '-' ? undefined : text;
}

export function readStarted(dir: string): StartedRecord | undefined {
  const read = fieldsOf(attemptFiles.started(dir));
  if (!read) return undefined;
  const pid = integer(read.fields, 'pid');
  const helper = integer(read.fields, 'helper');
  if (pid === undefined || pid <= 0 || helper === undefined || helper <= 0) return undefined;
  return { pid, start: startTime(read.fields.get('start')), helper, helperStart: startTime(read.fields.get('helperStart')), time: read.time };
}

export function readExit(dir: string): ExitRecord | undefined {
  const read = fieldsOf(attemptFiles.exit(dir));
  if (!read) return undefined;
  const code = integer(read.fields, 'exit');
  const signal = integer(read.fields, 'signal');
  if (code === undefined || signal === undefined) return undefined;
  return { exitCode: code < 0 ? null : code, signal, truncated: read.fields.get('truncated') === '1', time: read.time };
}

/**
 * Whether the process `pid` that started at `start` is still running: not gone, not a zombie
 * waiting to be reaped, and not a later process that was given the same pid. Without a start
 * time (no /proc), a pid that answers counts as alive.
 */
export function isSameProcessAlive(pid: number, start: string | undefined): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    if (start !== undefined) return false; // /proc works here (the start time came from it): the process is gone
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return false;
  return start === undefined || fields[19] === start;
}

// The control plane's log: pino, one JSON object per line (what log shippers expect), or, when
// the output is a terminal, one readable line per entry. Lines about an event or a run carry its
// correlation fields — `eventId` / `eventIds`, `sensor`, `trigger`, `runId` — so one grep joins an
// event, the trigger it fired and the run it started (what Argo Events cannot tie together).
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LogDestination {
  write(text: string): unknown;
  isTTY?: boolean;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A logger writing to `destination` (JSON lines, or readable lines on a terminal). */
export function createLogger(destination: LogDestination, level = 'info'): Logger {
  const sink = destination.isTTY ? { write: (line: string) => destination.write(readable(line)) } : destination;
  return pino({ level, base: null, timestamp: pino.stdTimeFunctions.isoTime }, sink as { write(text: string): void });
}

/** A logger that drops everything (library use and tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** `2026-11-26T18:40:12.345Z INFO trigger fired sensor=a runId=b` from one JSON line. */
function readable(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, err, ...fields } = entry;
  const parts = [String(time ?? ''), LEVEL_NAMES[Number(level)] ?? String(level), String(msg ?? '')];
  for (const [key, value] of Object.entries(fields)) parts.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const error = err as { message?: string } | undefined;
  if (error?.message) parts.push(`error=${JSON.stringify(error.message)}`);
  return `${parts.join(' ')}\n`;
}

// Durations in the spec: a number is seconds; a string is a sum of parts like "1h30m" or "250ms".
import type { Duration } from './schema.js';
import { backoffDelay } from '../util/backoff.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)/g;

/** Milliseconds in a duration; throws RangeError for text that is not a duration. */
export function durationMs(duration: Duration): number {
  if (typeof duration === 'number') return duration * 1000;
  let total = 0;
  let consumed = 0;
  for (const match of duration.matchAll(PART)) {
    if (match.index !== consumed) break;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000);
    consumed += match[0].length;
  }
  if (consumed !== duration.length || consumed === 0) {
    throw new RangeError(`"${duration}" is not a duration (expected e.g. 30s, 5m, 1h30m, 250ms)`);
  }
  return total;
}

/** Short human form: 250ms, 1.5s, 2m03s, 1h02m. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) {
    const seconds = ms / 1000;
    return Number.isInteger(seconds) ? `${seconds}s` : `${seconds.toFixed(ms < 10_000 ? 2 : 1)}s`;
  }
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours}h${String(minutes).padStart(2, '0')}m` : `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** A delay growing by `factor` per retry, capped: retry n (1-based) waits duration * factor^(n-1). */
export interface Backoff {
  duration: Duration;
  factor?: number;
  maxDuration?: Duration;
}

export function backoffDelayMs(backoff: Backoff, n: number): number {
  const maxMs = backoff.maxDuration === undefined ? undefined : durationMs(backoff.maxDuration);
  return backoffDelay({ initialMs: durationMs(backoff.duration), factor: backoff.factor ?? 1, ...(maxMs !== undefined ? { maxMs } : {}) }, n - 1);
}

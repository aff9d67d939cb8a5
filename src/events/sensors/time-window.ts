// Time-of-day windows (Argo Events' TimeFilter): start is inclusive, stop exclusive, both HH:MM:SS
// on the wall clock of a time zone (UTC by default). A stop earlier than the start means the next
// day, so 22:00:00-02:00:00 spans midnight.
import { TIME_OF_DAY_PATTERN } from './schema.js';

const TIME = new RegExp(TIME_OF_DAY_PATTERN);
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Seconds since midnight of "HH:MM:SS"; undefined when the text is not a time of day. */
export function parseTimeOfDay(text: string): number | undefined {
  if (typeof text !== 'string' || !TIME.test(text)) return undefined;
  const [h, m, s] = text.split(':').map(Number);
  return h! * 3600 + m! * 60 + s!;
}

/** Whether a time zone name is known to this runtime's Intl data. */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(zone, format);
  }
  return format;
}

/** Seconds since midnight of an instant on the wall clock of a time zone. Throws RangeError for an unknown zone. */
export function secondsOfDay(instant: Date, zone = 'UTC'): number {
  let h = 0;
  let m = 0;
  let s = 0;
  for (const part of formatter(zone).formatToParts(instant)) {
    if (part.type === 'hour') h = Number(part.value) % 24;
    else if (part.type === 'minute') m = Number(part.value);
    else if (part.type === 'second') s = Number(part.value);
  }
  return h * 3600 + m * 60 + s;
}

/**
 * Whether a time of day falls in [start, stop), wrapping past midnight when stop < start. Equal
 * start and stop pass everything, as in Argo Events (validation rejects such a window).
 */
export function inWindow(seconds: number, start: number, stop: number): boolean {
  if (start < stop) return seconds >= start && seconds < stop;
  return seconds >= start || seconds < stop;
}

export function formatSeconds(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

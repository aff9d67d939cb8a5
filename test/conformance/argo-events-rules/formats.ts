// The value formats the Argo Events controller parses when it validates or runs an object: Go
// durations (time.ParseDuration), robfig/cron's five-field schedules (the parser calendar sources
// and conditionsReset use: minute, hour, day of month, month, day of week, no descriptors), IANA
// zones (time.LoadLocation) and the time filter's HH:MM:SS. Written from those parsers' rules.

const GO_DURATION = /^[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))*$|^[-+]?0$/;

export function isGoDuration(text: string): boolean {
  return GO_DURATION.test(text);
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELDS: Array<{ min: number; max: number; names?: string[]; nameBase?: number }> = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { min: 0, max: 6, names: DAYS, nameBase: 0 },
];

/** Why robfig/cron's five-field parser refuses a schedule, or undefined when it accepts it. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: ${JSON.stringify(expression)}`;
  for (const [i, field] of fields.entries()) {
    const bounds = FIELDS[i]!;
    for (const part of field.split(',')) {
      const problem = partProblem(part, bounds, i);
      if (problem !== undefined) return `field ${i + 1} of ${JSON.stringify(expression)}: ${problem}`;
    }
  }
  return undefined;
}

function partProblem(part: string, bounds: (typeof FIELDS)[number], index: number): string | undefined {
  const [range, step, extra] = part.split('/');
  if (extra !== undefined) return `too many slashes in ${part}`;
  if (step !== undefined && !/^\d+$/.test(step)) return `bad step ${step}`;
  if (range === '*' || (range === '?' && (index === 2 || index === 4))) return undefined;
  const ends = (range ?? '').split('-');
  if (ends.length > 2) return `too many hyphens in ${part}`;
  const values = ends.map((end) => value(end, bounds));
  if (values.some((v) => v === undefined)) return `${part} is not a number or name in ${bounds.min}-${bounds.max}`;
  if (values.length === 2 && values[0]! > values[1]!) return `beginning of range after end: ${part}`;
  return undefined;
}

function value(text: string, bounds: (typeof FIELDS)[number]): number | undefined {
  const named = bounds.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + (bounds.nameBase ?? 0);
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= bounds.min && n <= bounds.max ? n : undefined;
}

/** time.LoadLocation: "" is UTC, "Local" the machine's zone, anything else an IANA name. */
export function isZone(zone: string | undefined): boolean {
  if (zone === undefined || zone === '' || zone === 'UTC' || zone === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The time filter's clock times, Go layout 15:04:05. */
export function isClockTime(text: unknown): boolean {
  const match = typeof text === 'string' ? /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(text) : null;
  return match !== null && Number(match[1]) < 24 && Number(match[2]) < 60 && Number(match[3]) < 60;
}

// A tandem `cron` event source as an Argo Events calendar EventSource: one calendar event per
// schedule (a calendar event holds one). Argo Events parses schedules with robfig/cron's 5-field
// parser without descriptors, so `@daily` and friends are rewritten to their 5 fields, a 6-field
// expression compiles only when its seconds field is 0, and croner-only syntax (L, W, #) is refused.
// Catch-up: Argo Events fires every tick missed since the last persisted one, bounded by
// `persistence.catchup.maxDuration` back from now. For a periodic schedule, a window of one period
// holds exactly the last missed tick (`last`), and `limit` periods the latest `limit` ones (`all`).
// concurrencyPolicy has no Argo Events field (the calendar source cannot see runs): only Allow compiles.
import { Cron } from 'croner';
import { CATCH_UP_DEFAULT_LIMIT, type CronSourceConfig } from '../sources/cron/schema.js';
import { refuse, type CompileContext, type Manifest } from './context.js';
import { eventSourceManifest } from './manifest.js';
import { shapeOf } from './source-shape.js';

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** The schedule as robfig/cron's standard 5-field parser reads it. */
export function standardSchedule(expression: string, where: string): string {
  const trimmed = expression.trim();
  const nickname = NICKNAMES[trimmed.toLowerCase()];
  if (nickname !== undefined) return nickname;
  const fields = trimmed.split(/\s+/);
  if (/[LW#]/i.test(fields.slice(fields.length === 6 ? 3 : 2).join(' '))) {
    refuse('schedule', where, `${JSON.stringify(expression)} uses L, W or # (croner syntax); Argo Events' cron parser has none of them`);
  }
  if (fields.length === 6) {
    if (fields[0] !== '0') refuse('schedule', where, `${JSON.stringify(expression)} has a seconds field; Argo Events' calendar schedules have minute precision (5 fields)`);
    return fields.slice(1).join(' ');
  }
  return fields.join(' ');
}

export function compileCronSource(ctx: CompileContext, name: string, config: CronSourceConfig): Manifest {
  const where = `event source ${name}`;
  const policy = config.concurrencyPolicy ?? 'Allow';
  if (policy !== 'Allow') {
    refuse(
      'concurrencyPolicy',
      where,
      `${policy} needs to know whether the previous run is still going; an Argo Events calendar source cannot, and an Argo Workflow has no such field (an Argo CronWorkflow does: compile the schedule as a CronWorkflow instead)`,
    );
  }
  if (config.jitter !== undefined) refuse('jitter', where, 'an Argo Events calendar event fires on the tick; it has no random delay');
  const catchUp = config.catchUp?.policy ?? 'none';
  const shape = shapeOf({ name, kind: 'cron', config });
  const calendar: Record<string, unknown> = {};
  for (const { eventName, schedule } of shape.events) {
    const entryWhere = `${where}, schedule ${JSON.stringify(schedule)}`;
    const entry: Record<string, unknown> = { schedule: standardSchedule(schedule!, entryWhere) };
    if (config.timezone !== undefined) entry.timezone = config.timezone;
    if (catchUp !== 'none') {
      const ticks = catchUp === 'last' ? 1 : (config.catchUp?.limit ?? CATCH_UP_DEFAULT_LIMIT);
      const period = schedulePeriodMs(ctx, schedule!, config.timezone, entryWhere);
      entry.persistence = {
        catchup: { enabled: true, maxDuration: goDuration(period * ticks) },
        configMap: { name: `${name}-calendar-catchup`, createIfNotExist: true },
      };
    }
    calendar[eventName] = entry;
  }
  return eventSourceManifest(ctx, name, { calendar });
}

/** A fixed start, so the analysis (and so the output) does not depend on when it runs. */
const ANALYSIS_START = new Date('2025-01-01T00:00:00Z');
const MAX_TICKS = 20_000;
const SPAN_MS = 400 * 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The interval between ticks of a periodic schedule. Daylight-saving shifts (gaps one hour off the
 * usual one, in a zone) are tolerated with a warning; any other irregularity is refused, since a
 * time-bounded catch-up window would then fire a different number of ticks than tandem.
 */
function schedulePeriodMs(ctx: CompileContext, expression: string, timezone: string | undefined, where: string): number {
  const cron = new Cron(expression, { paused: true, ...zoneOptions(timezone) });
  const counts = new Map<number, number>();
  let previous = cron.nextRun(ANALYSIS_START);
  for (let i = 0; previous !== null && i < MAX_TICKS; i++) {
    const next = cron.nextRun(previous);
    if (next === null) break;
    const gap = next.getTime() - previous.getTime();
    counts.set(gap, (counts.get(gap) ?? 0) + 1);
    if (next.getTime() - ANALYSIS_START.getTime() > SPAN_MS) break;
    previous = next;
  }
  cron.stop();
  const [usual] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [];
  if (usual === undefined) refuse('catchUp', where, 'the schedule has fewer than two upcoming ticks, so no catch-up window can be derived');
  const odd = [...counts.keys()].filter((gap) => gap !== usual);
  if (odd.some((gap) => Math.abs(gap - usual) > HOUR_MS)) {
    refuse('catchUp', where, 'Argo Events bounds catch-up by a duration (maxDuration); the schedule is not periodic, so no duration holds exactly the ticks tandem would fire');
  }
  if (odd.length > 0) {
    ctx.warn('catchUp', where, `the catch-up window is one usual interval (${goDuration(usual)}) per tick; on daylight-saving days the interval is an hour longer or shorter`);
  }
  return usual;
}

/** Zones that are UTC under another name: no offset, no daylight saving. */
const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Universal', 'Etc/Universal', 'Zulu', 'Etc/Zulu']);

/**
 * croner's options for a zone. For UTC, `utcOffset: 0` gives the same ticks as `timezone: 'UTC'`
 * without croner's conversion through Intl on every nextRun(), which is about 50 times slower: on a
 * loaded machine, analysing a 15-minute schedule in UTC took 209 s that way, 1.6 s this way.
 */
function zoneOptions(timezone: string | undefined): { timezone?: string; utcOffset?: number } {
  if (timezone === undefined) return {};
  return UTC_ZONES.has(timezone) ? { utcOffset: 0 } : { timezone };
}

/** A duration as Go's time.ParseDuration reads it. */
export function goDuration(ms: number): string {
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

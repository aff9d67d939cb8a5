// The key that stops a trigger from starting the same run twice (a redelivered event, two
// replicas): a CEL expression over `events` (dependency name → event) whose result is
// stringified, or by default the sorted `sourceName/id` of the events that fired it. The key is
// remembered for dedupTtl (default 24h).
import { compileCel } from '../../expr/cel.js';
import { stringify } from '../../expr/template.js';
import { durationMs } from '../../spec/duration.js';
import type { IncomingEvent } from '../model.js';
import { eventView, type EventView } from './context.js';
import type { Trigger } from './schema.js';

const DEFAULT_DEDUP_TTL = '24h';

/** The dedup key of a firing. Throws ExpressionError when the trigger's expression fails. */
export function dedupKey(trigger: Pick<Trigger, 'dedupKey'>, events: Record<string, IncomingEvent>): string {
  if (trigger.dedupKey === undefined) return defaultDedupKey(events);
  const views: Record<string, EventView> = {};
  for (const [name, event] of Object.entries(events)) views[name] = eventView(event);
  return stringify(compileCel(trigger.dedupKey).evaluate({ events: views }));
}

/** `sourceName/id` of each event, sorted and joined with ",". */
function defaultDedupKey(events: Record<string, IncomingEvent>): string {
  return Object.values(events)
    .map((event) => `${event.sourceName}/${event.id}`)
    .sort()
    .join(',');
}

/** How long a dedup key is remembered, in milliseconds. */
export function ttlMs(trigger: Pick<Trigger, 'dedupTtl'>): number {
  return durationMs(trigger.dedupTtl ?? DEFAULT_DEDUP_TTL);
}

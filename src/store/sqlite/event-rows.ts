// Row shapes of the trigger layer's tables and their mapping to the port's records. As in rows.ts,
// NULL columns become absent keys, so records round-trip under deepStrictEqual.
import type { StoredEvent } from '../../events/model.js';
import type { DeadLetterRecord } from '../ports/dead-letters.js';

export interface EventRow {
  event_id: string;
  source_name: string;
  source_id: string;
  source: string;
  type: string;
  subject: string | null;
  time: string;
  content_type: string;
  data: string | null;
  extensions: string | null;
  received_at: number;
  status: string;
  error: string | null;
}

export interface DeadLetterRow {
  id: number;
  sensor: string;
  trigger_name: string;
  event_ids: string;
  error: string;
  attempts: number;
  time: number;
  params: string | null;
}

export function storedEventFromRow(row: EventRow): StoredEvent {
  const event: StoredEvent = {
    eventId: row.event_id,
    sourceName: row.source_name,
    id: row.source_id,
    source: row.source,
    type: row.type,
    time: row.time,
    datacontenttype: row.content_type,
    // `data` is a required key of the model, so an event recorded without data keeps the key.
    data: row.data === null ? undefined : (JSON.parse(row.data) as unknown),
    receivedAt: row.received_at,
    status: row.status as StoredEvent['status'],
  };
  if (row.subject !== null) event.subject = row.subject;
  if (row.extensions !== null) event.extensions = JSON.parse(row.extensions) as Record<string, string>;
  if (row.error !== null) event.error = row.error;
  return event;
}

export function deadLetterFromRow(row: DeadLetterRow): DeadLetterRecord {
  const letter: DeadLetterRecord = {
    id: row.id,
    sensor: row.sensor,
    trigger: row.trigger_name,
    eventIds: JSON.parse(row.event_ids) as string[],
    error: row.error,
    attempts: row.attempts,
    time: row.time,
  };
  if (row.params !== null) letter.params = JSON.parse(row.params) as Record<string, unknown>;
  return letter;
}

// An event without its payload: what listings (API, CLI, live stream) show of it.
import type { StoredEvent } from './model.js';

export function eventSummary(event: StoredEvent) {
  return {
    eventId: event.eventId,
    sourceName: event.sourceName,
    id: event.id,
    source: event.source,
    type: event.type,
    ...(event.subject !== undefined ? { subject: event.subject } : {}),
    time: event.time,
    receivedAt: event.receivedAt,
    status: event.status,
    ...(event.error !== undefined ? { error: event.error } : {}),
    datacontenttype: event.datacontenttype,
  };
}

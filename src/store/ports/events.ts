// The events role: every event a source handed over, persisted before any sensor sees it, with
// where its dispatch stands. The event pipeline writes it; `tandem events` and the API read it.
import type { IncomingEvent, StoredEvent } from '../../events/model.js';

export interface EventFilter {
  /** Only events from this event source (the configured `sourceName`, not the CloudEvents `source`). */
  source?: string;
  /** Only events of this CloudEvents `type`. */
  type?: string;
  status?: StoredEvent['status'];
  limit?: number;
  /** Events received before this event id's (paging, newest first); an unknown id is NotFoundError. */
  before?: string;
}

export interface RecordEventResult {
  /** The stored event's id: the one passed in, or the first record's for a duplicate. */
  eventId: string;
  /** True when (sourceName, id) was already recorded; nothing was changed. */
  duplicate: boolean;
}

export interface EventStore {
  /**
   * Persists an event (status `received`) under `eventId`, unless (sourceName, id) is already
   * recorded: then returns the first record's eventId with `duplicate: true` and changes nothing.
   * `data` is stored as JSON text. An `eventId` already used by another event is a StoreError.
   */
  recordEvent(event: IncomingEvent, eventId: string, receivedAt: number): Promise<RecordEventResult>;
  getEvent(eventId: string): Promise<StoredEvent | undefined>;
  /** Newest first (receivedAt, then eventId, descending). */
  listEvents(filter?: EventFilter): Promise<StoredEvent[]>;
  /** Sets the status and the error (cleared when not given); NotFoundError for an unknown event. */
  setEventStatus(eventId: string, status: StoredEvent['status'], error?: string): Promise<void>;
}

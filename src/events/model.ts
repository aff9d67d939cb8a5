// Events as tandem keeps them: CloudEvents-shaped records (id, source, type, subject, time,
// datacontenttype, data), persisted before anything acts on them.

/**
 * The source name of the events the HTTP API records (one per `POST /workflows/{name}/runs`):
 * reserved, never an EventSource, never offered to sensors (see src/events/api-runs.ts).
 */
export const API_SOURCE_NAME = 'api';

/** What a source hands the event pipeline: a CloudEvent plus where it came from. */
export interface IncomingEvent {
  /** Name of the event source (as configured) that received it. */
  sourceName: string;
  /**
   * The event's identity at its source, used to drop duplicates: a JetStream stream sequence, a
   * webhook delivery id, a CloudEvent id, a cron tick time, an Idempotency-Key.
   */
  id: string;
  /** CloudEvents `source`, e.g. `nats://DOCS/docs.uploaded`, `/events/github`, `cron/nightly`. */
  source: string;
  /** CloudEvents `type`, e.g. `dev.tandem.nats.message`, `com.github.push`. */
  type: string;
  subject?: string;
  /** ISO 8601 time the event happened (or was received, when the producer says nothing). */
  time: string;
  /** Content type of `data`: application/json, application/msgpack, application/octet-stream... */
  datacontenttype: string;
  /** Decoded payload: JSON (also what MessagePack decodes to), or a base64 string for raw bytes. */
  data: unknown;
  /** Extra attributes worth keeping (NATS headers, HTTP headers that matter). */
  extensions?: Record<string, string>;
}

/** An event once persisted: tandem's own id and when it arrived. */
export interface StoredEvent extends IncomingEvent {
  /** tandem's event id (sortable), distinct from the source's `id`. */
  eventId: string;
  receivedAt: number;
  status: 'received' | 'dispatched' | 'failed';
  /** Why dispatching failed, when it did. */
  error?: string;
}

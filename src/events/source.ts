// The EventSource port: every kind of source (nats, webhook, cron, api) turns what it receives
// into IncomingEvents and hands them to a sink. One contract suite (test/events/source-contract.ts)
// runs against each adapter.
import type { IncomingEvent } from './model.js';

export interface DispatchResult {
  /** tandem's id for the event (the existing one when it was a duplicate). */
  eventId: string;
  duplicate: boolean;
  /** Runs the event started (or had started, for a duplicate). */
  runIds: string[];
}

export interface EventSink {
  /**
   * Persists the event and fires the sensors it satisfies; resolves once the event and every run
   * it triggers are persisted. A source acknowledges its transport (a JetStream ack, an HTTP 2xx)
   * only after this resolves, and lets it be redelivered when it rejects.
   */
  receive(event: IncomingEvent): Promise<DispatchResult>;
}

export type SourceState = 'starting' | 'connected' | 'reconnecting' | 'disconnected' | 'stopped' | 'failed';

export interface SourceHealth {
  name: string;
  kind: string;
  state: SourceState;
  /** What the source is attached to (server URL, route, schedule), for /healthz detail. */
  detail?: Record<string, unknown>;
  lastError?: string;
  /** Events handed to the sink since start. */
  received: number;
}

export interface EventSource {
  readonly name: string;
  readonly kind: 'nats' | 'webhook' | 'cron' | 'api';
  start(sink: EventSink): Promise<void>;
  /** Stops taking events; in-flight deliveries finish (or are left for redelivery). */
  stop(): Promise<void>;
  health(): SourceHealth;
}

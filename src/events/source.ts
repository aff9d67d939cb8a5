// The EventSource port: every kind of source (nats, webhook, cron) turns what it receives into
// IncomingEvents and hands them to a sink. One contract suite, test/events/source-contract.ts, pins
// what this file promises; each adapter runs it with a fixture for its transport, from
// test/events/{nats,webhook,cron}/contract.test.ts.
//
// The HTTP API is not an EventSource: a `POST /workflows/{name}/runs` call is recorded as an event
// of the reserved source name `api` (src/events/api-runs.ts) and starts the workflow it names
// directly. It has no transport to start or stop, and its events are not offered to sensors.
import type { FastifyPluginAsync } from 'fastify';
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

type EventSourceKind = 'nats' | 'webhook' | 'cron';

/**
 * The one thing a source that serves HTTP may do with the server: add an encapsulated plugin, so
 * its body parser, hooks and error handler apply to its own routes and touch no other. A Fastify
 * instance is one; the source never sees the server's other routes, hooks or listener.
 */
export interface HttpRouteHost {
  register(plugin: FastifyPluginAsync): unknown;
}

export interface EventSource {
  readonly name: string;
  readonly kind: EventSourceKind;
  /**
   * Starts taking events and handing them to `sink`; resolves once the source is `connected` (a
   * delivery made after that reaches the sink). Rejects, with `health()` saying `failed` and why,
   * when the transport cannot be reached; the caller may call it again later. Calling it again
   * while started (or starting) does nothing. A source may be started again after `stop()`.
   * start() and stop() take effect in the order they are called: one waits for the other.
   */
  start(sink: EventSink): Promise<void>;
  /**
   * Stops taking events; in-flight deliveries finish (or are left for redelivery) before it
   * resolves. Nothing reaches the sink once it has resolved. Calling it twice, or before
   * `start()`, or after a failed start, does nothing but leave the state `stopped` (`lastError`
   * still says what went wrong).
   */
  stop(): Promise<void>;
  /**
   * `starting` until the first start() has connected (a source not started yet is about to be);
   * then `connected`, `reconnecting` / `disconnected` while the transport is lost, `failed` when it
   * cannot be reached, `stopped` after stop().
   */
  health(): SourceHealth;
  /**
   * Present on sources that receive over HTTP: mounts their routes on the server's listener. The
   * control plane calls it for every source that has it, once, before the server listens.
   */
  mountRoutes?(host: HttpRouteHost): void;
}

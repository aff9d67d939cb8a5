// What the two intake modes (core subscription, JetStream consumer) share with the source that
// runs them: the connection, the sink, the counters, the in-flight bound.
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventSink } from '../../source.js';
import type { InFlight } from './inflight.js';
import type { NatsSourceConfig } from './schema.js';

export interface NatsCounters {
  /** Events handed to the sink. */
  received: number;
  /** Deliveries settled as done: JetStream acks the server confirmed; in core mode, events the sink accepted. */
  acked: number;
  /** JetStream deliveries given back for redelivery after the sink rejected them (or the source stopped). */
  naked: number;
  /** Messages dropped for good because their payload never decodes (JetStream: term). */
  terminated: number;
  /** JetStream deliveries that were not the first for their message. */
  redelivered: number;
  /** JetStream deliveries of a message already in the pipeline here: settled with it, not handed over twice. */
  duplicates: number;
  /** Of the duplicates, those sent again because the server's ack timer ran out (keep-alive came too late). */
  expired: number;
  /** Core mode: events the sink rejected (core NATS cannot redeliver); JetStream: acks not confirmed. */
  failed: number;
  /** Times the connection came back after a loss. */
  reconnects: number;
}

export function zeroCounters(): NatsCounters {
  return { received: 0, acked: 0, naked: 0, terminated: 0, redelivered: 0, duplicates: 0, expired: 0, failed: 0, reconnects: 0 };
}

export interface IntakeContext {
  name: string;
  config: NatsSourceConfig;
  nc: NatsConnection;
  sink: EventSink;
  counters: NatsCounters;
  inflight: InFlight;
  isStopping(): boolean;
  /** Records the latest problem for health(); never throws. */
  problem(message: string): void;
}

export interface Intake {
  /** Settles when the intake loop has ended (after close, or on a fatal error, which it rejects with). */
  readonly done: Promise<void>;
  /** Stops taking messages from the server. */
  close(): Promise<void>;
  /** What health() shows about this intake. */
  detail(): Record<string, unknown>;
}

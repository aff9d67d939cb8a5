// The `nats` event source: a core subscription or a durable JetStream pull consumer.
export { NatsEventSource, type NatsSourceDeps } from './source.js';
export { NatsSourceConfig, NatsJetStreamConfig, NatsAuthConfig, NatsTlsConfig, NatsReconnectConfig, DEFAULT_MAX_IN_FLIGHT } from './schema.js';
export { parseNatsSourceConfig, connectionOptions, NatsSourceError } from './options.js';
export { publishEvents, type PublishEventsOptions, type PublishResult } from './publish.js';
export type { NatsCounters } from './intake.js';

// Configuration of a `nats` event source: where to connect, what to listen to (a core subject,
// optionally in a queue group, or a durable JetStream pull consumer), how to decode payloads and
// how to authenticate. Secrets are SecretRefs, never inline.
import { Type, type Static } from '@sinclair/typebox';
import { SecretRef } from '../../../secrets.js';
import { Duration } from '../../../spec/schema.js';
import { PAYLOAD_MODES } from '../../payload.js';

const Strict = { additionalProperties: false } as const;

export const NatsJetStreamConfig = Type.Object(
  {
    stream: Type.String({ minLength: 1, pattern: '^[^.*>\\s/\\\\]+$', description: 'Stream name.' }),
    consumer: Type.String({ minLength: 1, pattern: '^[^.*>\\s/\\\\]+$', description: 'Durable consumer name; created, or updated to this configuration.' }),
    filterSubject: Type.Optional(Type.String({ minLength: 1, description: 'Consumer filter subject (default: the source subject).' })),
    ackWait: Type.Optional(Duration),
    maxDeliver: Type.Optional(Type.Integer({ minimum: -1, description: 'Deliveries before JetStream gives up on a message; -1 is unlimited.' })),
    deliverPolicy: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('new')], { description: 'Where a new consumer starts (fixed once created).' })),
    createStream: Type.Optional(Type.Boolean({ description: 'Create the stream (over the subject) when it does not exist.' })),
    backoff: Type.Optional(
      Type.Object(
        { initial: Type.Optional(Duration), max: Type.Optional(Duration) },
        { ...Strict, description: 'Redelivery delay after the pipeline rejects an event: initial * 2^(delivery-1), capped at max (default 1s, 1m).' },
      ),
    ),
  },
  Strict,
);
export type NatsJetStreamConfig = Static<typeof NatsJetStreamConfig>;

const NatsTlsConfig = Type.Object(
  {
    ca: Type.Optional(Type.String({ minLength: 1, description: 'Path of a CA bundle (PEM).' })),
    cert: Type.Optional(Type.String({ minLength: 1, description: 'Path of the client certificate (PEM).' })),
    key: Type.Optional(SecretRef),
    handshakeFirst: Type.Optional(Type.Boolean()),
  },
  Strict,
);
type NatsTlsConfig = Static<typeof NatsTlsConfig>;

export const NatsAuthConfig = Type.Object(
  {
    token: Type.Optional(SecretRef),
    user: Type.Optional(Type.String({ minLength: 1 })),
    password: Type.Optional(SecretRef),
    nkeySeed: Type.Optional(SecretRef),
    credsFile: Type.Optional(Type.String({ minLength: 1, description: 'Path of a .creds file (user JWT and NKey seed).' })),
    tls: Type.Optional(NatsTlsConfig),
  },
  Strict,
);
export type NatsAuthConfig = Static<typeof NatsAuthConfig>;

export const NatsReconnectConfig = Type.Object(
  {
    maxAttempts: Type.Optional(Type.Integer({ minimum: -1, description: 'Reconnect attempts per server; -1 (default) is forever.' })),
    waitMs: Type.Optional(Type.Integer({ minimum: 0, description: 'First delay between attempts (default 250); doubles up to maxWaitMs.' })),
    maxWaitMs: Type.Optional(Type.Integer({ minimum: 0, description: 'Longest delay between attempts (default 10000).' })),
  },
  Strict,
);
export type NatsReconnectConfig = Static<typeof NatsReconnectConfig>;

const NatsUrl = Type.String({ minLength: 1, description: 'nats://host:port, tls://host:port, or host:port.' });

export const NatsSourceConfig = Type.Object(
  {
    url: Type.Optional(NatsUrl),
    urls: Type.Optional(Type.Array(NatsUrl, { minItems: 1 })),
    subject: Type.String({ minLength: 1 }),
    queue: Type.Optional(Type.String({ minLength: 1, description: 'Queue group (core mode): members share the messages.' })),
    jetStream: Type.Optional(NatsJetStreamConfig),
    payload: Type.Optional(Type.Union(PAYLOAD_MODES.map((m) => Type.Literal(m)), { default: 'auto' })),
    auth: Type.Optional(NatsAuthConfig),
    reconnect: Type.Optional(NatsReconnectConfig),
    maxInFlight: Type.Optional(Type.Integer({ minimum: 1, description: 'Events handed to the pipeline and not yet settled (default 256).' })),
    connectTimeout: Type.Optional(Duration),
    stopTimeout: Type.Optional(Duration),
  },
  { ...Strict, description: 'A NATS event source: a core subscription, or a durable JetStream pull consumer when `jetStream` is set.' },
);
export type NatsSourceConfig = Static<typeof NatsSourceConfig>;

export const DEFAULT_MAX_IN_FLIGHT = 256;

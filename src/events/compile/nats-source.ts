// A tandem `nats` event source as an Argo Events NATS EventSource. Argo Events' NATS source is a
// core subscription (optionally in a queue group) on one URL string; it has no JetStream consumer,
// so a JetStream source is refused rather than silently turned from at-least-once into at-most-once.
// Payloads: JSON (`auto`, `json`) → jsonBody true, so filters and params reach into `body`;
// `msgpack` and `raw` → jsonBody false (Argo passes the bytes on as base64 text), and a sensor that
// reads their data is refused where it reads it (see source-shape.ts).
import type { NatsSourceConfig } from '../sources/nats/schema.js';
import { refuse, type CompileContext, type Manifest } from './context.js';
import { fileSelector, secretKeyName, secretSelector } from './secrets.js';
import { eventSourceManifest } from './manifest.js';

export function compileNatsSource(ctx: CompileContext, name: string, config: NatsSourceConfig): Manifest {
  const where = `event source ${name}`;
  if (config.jetStream !== undefined) {
    refuse(
      'jetStream',
      where,
      "Argo Events' NATS event source is a core subscription: it has no durable JetStream consumer (stream, consumer, ackWait, maxDeliver, deliverPolicy, createStream, backoff), so at-least-once delivery and replay would be lost; use a core subject or the Argo Events EventBus",
    );
  }
  const url = config.url ?? (config.urls ?? []).join(',');
  const payload = config.payload ?? 'auto';
  const event: Record<string, unknown> = { url, subject: config.subject, jsonBody: payload === 'auto' || payload === 'json' };
  if (config.queue !== undefined) event.queue = config.queue;
  const auth = natsAuth(ctx, name, config);
  if (auth !== undefined) event.auth = auth;
  const tls = natsTls(ctx, where, config);
  if (tls !== undefined) event.tls = tls;
  if (config.reconnect !== undefined || config.maxInFlight !== undefined || config.connectTimeout !== undefined || config.stopTimeout !== undefined) {
    ctx.warn('connection tuning', where, 'reconnect, maxInFlight, connectTimeout and stopTimeout tune the tandem process only; the Argo Events source uses its own defaults');
  }
  return eventSourceManifest(ctx, name, { nats: { [name]: event } });
}

function natsAuth(ctx: CompileContext, name: string, config: NatsSourceConfig): Record<string, unknown> | undefined {
  const where = `event source ${name}`;
  const auth = config.auth;
  if (auth === undefined) return undefined;
  const ways = [auth.token, auth.password ?? auth.user, auth.nkeySeed, auth.credsFile].filter((way) => way !== undefined).length;
  if (ways > 1) refuse('auth', where, 'Argo Events takes one way to authenticate to NATS (token, user/password, nkey or credential); this source gives several');
  const secret = ctx.secretName;
  if (auth.token !== undefined) return { token: secretSelector(secret, auth.token) };
  if (auth.password !== undefined || auth.user !== undefined) {
    if (auth.user === undefined || auth.password === undefined) refuse('auth', where, 'user/password authentication needs both a user and a password');
    // Argo Events reads the user name from a Secret too: the operator stores it under this key.
    return { basic: { username: { name: secret, key: secretKeyName(`${name}-nats-user`) }, password: secretSelector(secret, auth.password) } };
  }
  if (auth.nkeySeed !== undefined) return { nkey: secretSelector(secret, auth.nkeySeed) };
  if (auth.credsFile !== undefined) return { credential: fileSelector(secret, auth.credsFile) };
  return undefined;
}

function natsTls(ctx: CompileContext, where: string, config: NatsSourceConfig): Record<string, unknown> | undefined {
  const tls = config.auth?.tls;
  if (tls === undefined) return undefined;
  if (tls.handshakeFirst === true) refuse('auth.tls.handshakeFirst', where, 'the Argo Events NATS client has no TLS-handshake-first option');
  const out: Record<string, unknown> = {};
  if (tls.ca !== undefined) out.caCertSecret = fileSelector(ctx.secretName, tls.ca);
  if (tls.cert !== undefined) out.clientCertSecret = fileSelector(ctx.secretName, tls.cert);
  if (tls.key !== undefined) out.clientKeySecret = secretSelector(ctx.secretName, tls.key);
  if (Object.keys(out).length === 0) out.enabled = true;
  return out;
}

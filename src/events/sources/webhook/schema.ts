// Configuration of a webhook event source: one POST route on the server's HTTP listener, with
// optional HMAC signature and/or bearer token checks. Types and JSON Schema from one declaration.
import { Type, type Static } from '@sinclair/typebox';
import { SecretRef } from '../../../secrets.js';
import { Duration } from '../../../spec/schema.js';

export const WEBHOOK_DEFAULTS = {
  signatureHeader: 'X-Signature-256',
  tolerance: '5m',
  maxBodyBytes: 1024 * 1024,
} as const;

const WebhookHmacConfig = Type.Object(
  {
    secret: SecretRef,
    header: Type.Optional(Type.String({ minLength: 1, description: `Header carrying the signature; default ${WEBHOOK_DEFAULTS.signatureHeader}.` })),
    prefix: Type.Optional(Type.String({ description: 'Text before the signature in the header, e.g. "sha256=" (GitHub).' })),
    timestampHeader: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Header carrying the signing time (Unix seconds). When set, the signed text is `${timestamp}.${body}` and stale or future timestamps are refused.',
      }),
    ),
    /** How far the timestamp may be from now, either way; default 5m. */
    tolerance: Type.Optional(Duration),
  },
  { additionalProperties: false, description: 'HMAC-SHA256 over the raw request body, hex or base64.' },
);

export const WebhookSourceConfig = Type.Object(
  {
    path: Type.Optional(Type.String({ pattern: '^/', description: 'Route path; default /events/{sourceName}.' })),
    hmac: Type.Optional(WebhookHmacConfig),
    bearer: Type.Optional(
      Type.Object({ token: SecretRef }, { additionalProperties: false, description: 'Requires `Authorization: Bearer <token>`.' }),
    ),
    maxBodyBytes: Type.Optional(Type.Integer({ minimum: 1, description: 'Largest body accepted (413 above it); default 1 MiB.' })),
    idHeader: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Header with the delivery id, e.g. X-GitHub-Delivery. Default: the CloudEvents ce-id header, else a digest of the body.',
      }),
    ),
    eventTypeHeader: Type.Optional(Type.String({ minLength: 1, description: 'Header whose value becomes the event type, e.g. X-GitHub-Event.' })),
    payload: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('msgpack'), Type.Literal('raw')], {
        description: 'How to decode the body; auto (default) goes by Content-Type.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type WebhookSourceConfig = Static<typeof WebhookSourceConfig>;
type WebhookHmacConfig = Static<typeof WebhookHmacConfig>;

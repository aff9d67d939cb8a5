// From an authenticated HTTP delivery to an IncomingEvent: identity, type, payload. Pure: headers
// and bytes in, an event out (or a PayloadError / DeliveryError for a request that can never be
// accepted, answered 400).
import { createHash } from 'node:crypto';
import { TandemError } from '../../../errors.js';
import type { IncomingEvent } from '../../model.js';
import { decodePayload, mediaType, type PayloadMode } from '../../payload.js';
import { isRecord } from '../../../util/is-record.js';

export type Headers = Record<string, string | string[] | undefined>;

/** A delivery that is well authenticated but malformed (an id header that is too long...). */
export class DeliveryError extends TandemError {
  readonly code = 'WEBHOOK_DELIVERY';
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export const WEBHOOK_EVENT_TYPE = 'dev.tandem.webhook';
const MAX_ID_LENGTH = 512;
const STRUCTURED_TYPE = 'application/cloudevents+json';
/** Binary-mode CloudEvents attributes that become event fields rather than extensions. */
const CE_CORE = new Set(['id', 'type', 'source', 'subject', 'time', 'specversion', 'datacontenttype', 'dataschema']);

export interface DeliveryOptions {
  sourceName: string;
  /** The route path, used as the CloudEvents source when the sender gives none. */
  path: string;
  idHeader?: string;
  eventTypeHeader?: string;
  payload?: PayloadMode;
  /** Receive time (epoch ms), the event time when the sender gives none. */
  now: number;
}

/** One header's value: the first when repeated, undefined when absent or empty. */
export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

/** The id used when the sender gives none: the same body is the same event. */
export function bodyDigest(body: Uint8Array): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

function checkedId(id: string): string {
  if (id.length > MAX_ID_LENGTH) throw new DeliveryError(`delivery id is longer than ${MAX_ID_LENGTH} characters`);
  return id;
}

/** CloudEvents extension names are lower-case letters and digits. */
function extensionName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}


const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The sender's time when it is a time at all, else the receive time. */
function eventTime(value: string | undefined, now: number): string {
  const at = value === undefined ? Number.NaN : Date.parse(value);
  return new Date(Number.isNaN(at) ? now : at).toISOString();
}

/**
 * Builds the event. Identity: the configured id header, else the CloudEvents id (`ce-id` header, or
 * `id` of a structured `application/cloudevents+json` body), else the SHA-256 of the body. Type: the
 * CloudEvents type, else the configured event type header's value, else `dev.tandem.webhook`.
 */
export function buildEvent(headers: Headers, body: Uint8Array, options: DeliveryOptions): IncomingEvent {
  const contentType = header(headers, 'content-type');
  const extensions: Record<string, string> = {};
  const typeHeader = options.eventTypeHeader !== undefined ? header(headers, options.eventTypeHeader) : undefined;
  if (typeHeader !== undefined) extensions.webhookevent = typeHeader;
  const configuredId = options.idHeader !== undefined ? header(headers, options.idHeader) : undefined;

  const decoded = decodePayload(body, {
    source: options.sourceName,
    ...(options.payload !== undefined ? { mode: options.payload } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
  });

  // Structured mode: the body is the whole CloudEvent.
  if (contentType !== undefined && mediaType(contentType) === STRUCTURED_TYPE && isRecord(decoded.data) && str(decoded.data.id)) {
    const envelope = decoded.data;
    for (const [key, value] of Object.entries(envelope)) {
      if (!CE_CORE.has(key) && key !== 'data' && key !== 'data_base64' && typeof value === 'string') extensions[extensionName(key)] = value;
    }
    const subject = str(envelope.subject);
    return {
      sourceName: options.sourceName,
      id: checkedId(configuredId ?? str(envelope.id) ?? bodyDigest(body)),
      source: str(envelope.source) ?? options.path,
      type: str(envelope.type) ?? typeHeader ?? WEBHOOK_EVENT_TYPE,
      ...(subject !== undefined ? { subject } : {}),
      time: eventTime(str(envelope.time), options.now),
      datacontenttype: str(envelope.datacontenttype) ?? (envelope.data_base64 !== undefined ? 'application/octet-stream' : 'application/json'),
      data: envelope.data_base64 ?? envelope.data ?? null,
      ...(Object.keys(extensions).length > 0 ? { extensions } : {}),
    };
  }

  // Binary mode (ce-* headers) or a plain webhook.
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('ce-') || CE_CORE.has(name.slice(3))) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) extensions[extensionName(name.slice(3))] = first;
  }
  const subject = header(headers, 'ce-subject');
  return {
    sourceName: options.sourceName,
    id: checkedId(configuredId ?? header(headers, 'ce-id') ?? bodyDigest(body)),
    source: header(headers, 'ce-source') ?? options.path,
    type: header(headers, 'ce-type') ?? typeHeader ?? WEBHOOK_EVENT_TYPE,
    ...(subject !== undefined ? { subject } : {}),
    time: eventTime(header(headers, 'ce-time'), options.now),
    datacontenttype: decoded.datacontenttype,
    data: decoded.data,
    ...(Object.keys(extensions).length > 0 ? { extensions } : {}),
  };
}

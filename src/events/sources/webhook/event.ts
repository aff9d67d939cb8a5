// From an authenticated HTTP delivery to an IncomingEvent: identity, type, payload. Pure: headers
// and bytes in, an event out (or a PayloadError / DeliveryError / CloudEventError for a request
// that can never be accepted, answered 400). A request that declares itself a CloudEvent is read
// by the CloudEvents HTTP binding (cloudevent.ts); any other is a plain delivery, whose `ce-*`
// headers, if it has some without `ce-specversion`, are still taken as hints, as they always were.
import { createHash } from 'node:crypto';
import { TandemError } from '../../../errors.js';
import type { IncomingEvent } from '../../model.js';
import { decodePayload, OCTET_TYPE, type PayloadMode } from '../../payload.js';
import { cloudEventMode, readCloudEvent, type CloudEventRead } from './cloudevent.js';
import { header, type Headers } from './headers.js';

/** A delivery that is well authenticated but malformed (an id header that is too long...). */
export class DeliveryError extends TandemError {
  readonly code = 'WEBHOOK_DELIVERY';
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryError';
  }
}

const WEBHOOK_EVENT_TYPE = 'dev.tandem.webhook';
const MAX_ID_LENGTH = 512;
/** `ce-*` headers of a plain delivery that become event fields rather than extensions. */
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

/** The id used when the sender gives none: the same body is the same event. */
function bodyDigest(body: Uint8Array): string {
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

/** The sender's time when it is a time at all, else the receive time. */
function eventTime(value: string | undefined, now: number): string {
  const at = value === undefined ? Number.NaN : Date.parse(value);
  return new Date(Number.isNaN(at) ? now : at).toISOString();
}

/**
 * Builds the event. Identity: the configured id header, else the CloudEvents id (the `id` of a
 * CloudEvent, or a plain delivery's `ce-id` header), else the SHA-256 of the body. Type: the
 * CloudEvents type, else the configured event type header's value, else `dev.tandem.webhook`.
 */
export function buildEvent(headers: Headers, body: Uint8Array, options: DeliveryOptions): IncomingEvent {
  const extensions: Record<string, string> = {};
  const typeHeader = options.eventTypeHeader !== undefined ? header(headers, options.eventTypeHeader) : undefined;
  if (typeHeader !== undefined) extensions.webhookevent = typeHeader;
  const configuredId = options.idHeader !== undefined ? header(headers, options.idHeader) : undefined;

  const mode = cloudEventMode(headers);
  if (mode !== undefined) {
    const read = readCloudEvent(mode, headers, body, options.sourceName);
    return fromCloudEvent(read, { ...options, extensions, ...(configuredId !== undefined ? { configuredId } : {}) });
  }

  const contentType = header(headers, 'content-type');
  const decoded = decodePayload(body, {
    source: options.sourceName,
    ...(options.payload !== undefined ? { mode: options.payload } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
  });
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

/**
 * A CloudEvent's attributes become the event's; its extensions (and `dataschema`, which the event
 * model has no field for) become extensions. Data in bytes (a binary-mode body, a structured
 * `data_base64`) is decoded by its `datacontenttype` and the source's `payload` setting; a
 * structured `data` member is taken as it is. No data is `null`.
 */
function fromCloudEvent(
  read: CloudEventRead,
  options: DeliveryOptions & { extensions: Record<string, string>; configuredId?: string },
): IncomingEvent {
  const extensions = { ...read.extensions, ...(read.dataschema !== undefined ? { dataschema: read.dataschema } : {}), ...options.extensions };
  let payload: { datacontenttype: string; data: unknown };
  if (read.data === undefined || ('bytes' in read.data && read.data.bytes.length === 0)) {
    payload = { datacontenttype: read.datacontenttype ?? 'application/json', data: null };
  } else if ('bytes' in read.data) {
    // Bytes in structured mode without a declared type are opaque (data_base64 says so); in binary
    // mode an absent Content-Type is guessed as for a plain delivery.
    const declared = read.datacontenttype ?? (read.mode === 'structured' ? OCTET_TYPE : undefined);
    payload = decodePayload(read.data.bytes, {
      source: options.sourceName,
      ...(options.payload !== undefined ? { mode: options.payload } : {}),
      ...(declared !== undefined ? { contentType: declared } : {}),
    });
  } else {
    payload = { datacontenttype: read.datacontenttype ?? 'application/json', data: read.data.value };
  }
  return {
    sourceName: options.sourceName,
    id: checkedId(options.configuredId ?? read.id),
    source: read.source,
    type: read.type,
    ...(read.subject !== undefined ? { subject: read.subject } : {}),
    time: read.time ?? new Date(options.now).toISOString(),
    datacontenttype: payload.datacontenttype,
    data: payload.data,
    ...(Object.keys(extensions).length > 0 ? { extensions } : {}),
  };
}

// One NATS message → one IncomingEvent. CloudEvents binary mode is honoured: `ce-type`, `ce-time`,
// `ce-id` headers, and `Content-Type` (or `ce-datacontenttype`) for the payload; every other
// header is kept as an extension, its name lower-cased.
import { randomUUID } from 'node:crypto';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { IncomingEvent } from '../../model.js';
import { decodePayload, type PayloadMode } from '../../payload.js';

export const DEFAULT_EVENT_TYPE = 'dev.tandem.nats.message';

export interface MessageLike {
  subject: string;
  data: Uint8Array;
  headers?: MsgHdrs | undefined;
}

export interface EventContext {
  sourceName: string;
  /** CloudEvents source, e.g. `nats://127.0.0.1:4222/orders.created` or `nats://ORDERS/orders.created`. */
  source: string;
  mode: PayloadMode;
  /** An id fixed by the transport (JetStream: `<stream>:<sequence>`); otherwise taken from headers or generated. */
  id?: string;
  /** When no `ce-time` header says otherwise (JetStream: the time the stream stored it). */
  time?: Date;
  /** Extensions the transport adds (stream, sequence). */
  extensions?: Record<string, string>;
}

/** Headers, names lower-cased, repeated values joined with ", ". */
function headerEntries(headers: MsgHdrs | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!headers) return out;
  for (const [name, values] of headers) {
    const key = name.toLowerCase();
    const previous = out.get(key);
    const value = values.join(', ');
    out.set(key, previous === undefined ? value : `${previous}, ${value}`);
  }
  return out;
}

const MAPPED = new Set(['content-type', 'ce-type', 'ce-time', 'ce-specversion', 'ce-datacontenttype']);

function isoTime(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Builds the event; throws PayloadError when the payload does not decode as declared. */
export function toIncomingEvent(msg: MessageLike, context: EventContext): IncomingEvent {
  const headers = headerEntries(msg.headers);
  const contentType = headers.get('content-type') || headers.get('ce-datacontenttype') || undefined;
  const payload = decodePayload(msg.data, { source: context.sourceName, mode: context.mode, contentType });
  const consumed = new Set(MAPPED);
  let id = context.id;
  if (id === undefined) {
    for (const header of ['nats-msg-id', 'ce-id']) {
      const value = headers.get(header);
      if (value) {
        id = value;
        consumed.add(header);
        break;
      }
    }
  }
  const timeHeader = isoTime(headers.get('ce-time'));
  if (timeHeader === undefined) consumed.delete('ce-time'); // a malformed ce-time is kept as it came
  const extensions: Record<string, string> = Object.fromEntries(
    [...headers].filter(([name]) => !consumed.has(name)).concat(Object.entries(context.extensions ?? {})),
  );
  const event: IncomingEvent = {
    sourceName: context.sourceName,
    id: id ?? randomUUID(),
    source: context.source,
    type: headers.get('ce-type') || DEFAULT_EVENT_TYPE,
    subject: msg.subject,
    time: timeHeader ?? (context.time ?? new Date()).toISOString(),
    datacontenttype: payload.datacontenttype,
    data: payload.data,
  };
  if (Object.keys(extensions).length > 0) event.extensions = extensions;
  return event;
}

// Event payloads on the wire: bytes in, `{ datacontenttype, data }` out, and back again for
// publishers. A source declares what it expects (`payload: json | msgpack | raw`) or lets the
// content type decide (`auto`). A payload that does not decode as declared is a PayloadError:
// it will never decode, so the source drops it (JetStream: term) and counts it.
import { decode, encode, ExtData } from '@msgpack/msgpack';
import { TandemError } from '../errors.js';
import { errorMessage } from '../util/error-message.js';
import { findTooDeep } from '../util/json-depth.js';

export const PAYLOAD_MODES = ['auto', 'json', 'msgpack', 'raw'] as const;
export type PayloadMode = (typeof PAYLOAD_MODES)[number];
export type PayloadFormat = 'json' | 'msgpack' | 'raw';

const JSON_TYPE = 'application/json';
const MSGPACK_TYPE = 'application/msgpack';
export const OCTET_TYPE = 'application/octet-stream';

export interface DecodedPayload {
  datacontenttype: string;
  /** JSON (also what MessagePack decodes to), a string for text/*, or base64 for raw bytes. */
  data: unknown;
}

export interface DecodeOptions {
  /** Event source name, for the error message. */
  source: string;
  mode?: PayloadMode;
  /** Declared content type (a Content-Type header, CloudEvents `datacontenttype`), if any. */
  contentType?: string;
}

/** A payload that does not decode as declared. Never retryable: the same bytes fail the same way. */
export class PayloadError extends TandemError {
  readonly code = 'PAYLOAD';
  constructor(
    readonly source: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`event source ${JSON.stringify(source)}: payload is not ${expected} (${found})`);
    this.name = 'PayloadError';
  }
}

type Kind = 'json' | 'msgpack' | 'text' | 'raw';

/** The media type without parameters, lower-cased: `Application/JSON; charset=utf-8` → `application/json`. */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function kindOf(type: string): Kind | undefined {
  if (type === JSON_TYPE || type.endsWith('+json') || type === 'text/json') return 'json';
  if (type === MSGPACK_TYPE || type === 'application/x-msgpack' || type.endsWith('+msgpack')) return 'msgpack';
  if (type.startsWith('text/')) return 'text';
  if (type === OCTET_TYPE) return 'raw';
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function describeError(error: unknown): string {
  const text = errorMessage(error);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function decodeText(bytes: Uint8Array, source: string, expected: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new PayloadError(source, expected, 'bytes that are not UTF-8');
  }
}

function decodeJson(bytes: Uint8Array, source: string): unknown {
  if (bytes.length === 0) throw new PayloadError(source, 'JSON', 'an empty payload');
  const text = decodeText(bytes, source, 'JSON');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new PayloadError(source, 'JSON', describeError(error));
  }
  return shallowEnough(value, source, 'JSON');
}

/**
 * Refuses a value nested deeper than MAX_JSON_DEPTH: sensors, filters and templates walk payloads
 * recursively, and such a payload would fail there on every delivery (a webhook answered 503, a
 * NATS message redelivered forever). Refused here it is a PayloadError, never retried.
 */
function shallowEnough(value: unknown, source: string, expected: string): unknown {
  const deep = findTooDeep(value);
  if (deep) throw new PayloadError(source, expected, `nested deeper than ${deep.limit} levels of objects and arrays, at ${deep.at}`);
  return value;
}

/** MessagePack values that JSON has no word for: bin → base64, timestamp → ISO text; other extensions are refused. */
function toJsonValue(value: unknown, source: string): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return Number(value);
    return value;
  }
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new PayloadError(source, 'MessagePack', 'an invalid timestamp');
    return value.toISOString();
  }
  if (value instanceof ExtData) throw new PayloadError(source, 'MessagePack', `unsupported extension type ${value.type}`);
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item, source));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, key, { value: toJsonValue(item, source), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function decodeMsgpack(bytes: Uint8Array, source: string): unknown {
  if (bytes.length === 0) throw new PayloadError(source, 'MessagePack', 'an empty payload');
  let value: unknown;
  try {
    value = decode(bytes);
  } catch (error) {
    throw new PayloadError(source, 'MessagePack', describeError(error));
  }
  shallowEnough(value, source, 'MessagePack');
  try {
    return toJsonValue(value, source);
  } catch (error) {
    if (error instanceof PayloadError) throw error;
    throw new PayloadError(source, 'MessagePack', describeError(error)); // e.g. nesting too deep
  }
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Decodes a payload. `json`/`msgpack` insist on their format whatever the content type says;
 * `raw` never decodes; `auto` follows the declared content type and, when there is none, takes
 * JSON when the bytes parse as JSON and raw bytes otherwise (MessagePack is never guessed: almost
 * any byte string is valid MessagePack).
 * @throws PayloadError, and nothing else, when the bytes are not what was declared.
 */
export function decodePayload(bytes: Uint8Array, options: DecodeOptions): DecodedPayload {
  const { source, mode = 'auto' } = options;
  const declared = options.contentType ? mediaType(options.contentType) : undefined;
  switch (mode) {
    case 'json':
      return { datacontenttype: JSON_TYPE, data: decodeJson(bytes, source) };
    case 'msgpack':
      return { datacontenttype: MSGPACK_TYPE, data: decodeMsgpack(bytes, source) };
    case 'raw':
      return { datacontenttype: OCTET_TYPE, data: base64(bytes) };
    case 'auto':
      break;
  }
  const kind = declared ? kindOf(declared) : undefined;
  switch (kind) {
    case 'json':
      return { datacontenttype: JSON_TYPE, data: decodeJson(bytes, source) };
    case 'msgpack':
      return { datacontenttype: MSGPACK_TYPE, data: decodeMsgpack(bytes, source) };
    case 'text':
      return { datacontenttype: declared ?? 'text/plain', data: decodeText(bytes, source, `text (${declared})`) };
    case 'raw':
      return { datacontenttype: OCTET_TYPE, data: base64(bytes) };
    case undefined:
      break;
  }
  if (declared === undefined && bytes.length > 0) {
    let value: unknown;
    try {
      value = JSON.parse(utf8.decode(bytes)) as unknown;
    } catch {
      value = undefined; // not JSON: raw bytes
    }
    if (value !== undefined) return { datacontenttype: JSON_TYPE, data: shallowEnough(value, source, 'JSON') };
  }
  // An unknown declared type (image/png, application/pdf...) keeps its name; the bytes travel as base64.
  return { datacontenttype: declared ?? OCTET_TYPE, data: base64(bytes) };
}

export interface EncodedPayload {
  bytes: Uint8Array;
  contentType: string;
}

/** Encodes a value for publishing: JSON text, MessagePack, or bytes as they are (`raw` takes a Uint8Array or a string). */
export function encodePayload(value: unknown, format: PayloadFormat): EncodedPayload {
  switch (format) {
    case 'json': {
      const text = JSON.stringify(value);
      if (text === undefined) throw new TypeError('encodePayload: value has no JSON form');
      return { bytes: new TextEncoder().encode(text), contentType: JSON_TYPE };
    }
    case 'msgpack':
      return { bytes: encode(value, { ignoreUndefined: true }), contentType: MSGPACK_TYPE };
    case 'raw':
      if (value instanceof Uint8Array) return { bytes: value, contentType: OCTET_TYPE };
      if (typeof value === 'string') return { bytes: new TextEncoder().encode(value), contentType: OCTET_TYPE };
      throw new TypeError('encodePayload: raw takes a Uint8Array or a string');
  }
}

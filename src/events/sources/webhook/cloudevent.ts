// The CloudEvents HTTP protocol binding (spec 1.0) for the webhook source, read with the
// `cloudevents` package: binary mode (attributes in `ce-*` headers, the data in the body) and
// structured mode (the whole event as an `application/cloudevents+json` body). A request is a
// CloudEvent when it says so — a `ce-specversion` header, or a content type of the
// `application/cloudevents` family — as a Knative receiver decides; there is nothing to configure.
//
// The package maps headers and members to attributes and validates them against the spec's
// schema, but it fills in what is missing (a random id, the current time) and takes a malformed
// time for now. Those are checked here first, on what the sender sent, so a malformed event is
// refused naming the attribute at fault (a CloudEventError, answered 400) instead of being
// accepted under an identity it never had. The data is left to the caller, decoded like any
// payload (src/events/payload.ts); the HMAC was checked over the raw bytes before any of this.
import { CloudEvent, HTTP, ValidationError, type CloudEventV1 } from 'cloudevents';
import { TandemError } from '../../../errors.js';
import { decodePayload, mediaType } from '../../payload.js';
import { errorMessage } from '../../../util/error-message.js';
import { isRecord } from '../../../util/is-record.js';
import { header, type Headers } from './headers.js';

export type CloudEventMode = 'binary' | 'structured';

/** A request that declares itself a CloudEvent but is not a valid one. Never retryable. */
export class CloudEventError extends TandemError {
  readonly code = 'CLOUDEVENT';
  constructor(
    readonly mode: CloudEventMode,
    readonly problem: string,
  ) {
    super(`not a valid CloudEvent (${mode} mode): ${problem}`);
    this.name = 'CloudEventError';
  }
}

/** What a CloudEvent says, its data still undecoded. */
export interface CloudEventRead {
  mode: CloudEventMode;
  id: string;
  source: string;
  type: string;
  subject?: string;
  /** ISO 8601; absent when the sender gave no time. */
  time?: string;
  datacontenttype?: string;
  dataschema?: string;
  extensions: Record<string, string>;
  /** Binary mode: the body. Structured mode: `data_base64` decoded, or the `data` member, or none. */
  data: { bytes: Uint8Array } | { value: unknown } | undefined;
}

const SPEC_VERSION = '1.0';
const FAMILY = 'application/cloudevents';
const STRUCTURED_TYPE = 'application/cloudevents+json';
const BATCH_TYPE = 'application/cloudevents-batch+json';
const REQUIRED = ['id', 'source', 'type', 'specversion'] as const;
/** Properties of the package's CloudEvent object that are not extensions. */
const ATTRIBUTES = new Set(['id', 'time', 'type', 'source', 'specversion', 'datacontenttype', 'subject', 'datacontentencoding', 'dataschema', 'data_base64', 'schemaurl', 'data']);
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The binding mode a request declares; undefined for a plain webhook delivery. */
export function cloudEventMode(headers: Headers): CloudEventMode | undefined {
  const contentType = header(headers, 'content-type');
  if (contentType !== undefined && mediaType(contentType).startsWith(FAMILY)) return 'structured';
  return header(headers, 'ce-specversion') !== undefined ? 'binary' : undefined;
}

/**
 * Reads and validates a CloudEvent.
 * @throws CloudEventError naming what is wrong; PayloadError for a structured body that is not JSON.
 */
export function readCloudEvent(mode: CloudEventMode, headers: Headers, body: Uint8Array, sourceName: string): CloudEventRead {
  return mode === 'binary' ? readBinary(headers, body) : readStructured(headers, body, sourceName);
}

/** How each mode names an attribute to the sender: the header it came in, or the JSON member. */
type Label = (attribute: string) => string;
const binaryLabel: Label = (attribute) => (attribute === 'datacontenttype' ? 'Content-Type' : `ce-${attribute}`);
const structuredLabel: Label = (attribute) => `"${attribute}"`;

function readBinary(headers: Headers, body: Uint8Array): CloudEventRead {
  const sent = (attribute: string): unknown => header(headers, attribute === 'datacontenttype' ? 'content-type' : `ce-${attribute}`);
  precheck('binary', binaryLabel, sent);
  // A repeated header is one comma-separated value (RFC 9110), as every other header is read.
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (name.startsWith('ce-') && !ATTRIBUTE_NAME.test(name.slice(3))) {
      throw new CloudEventError('binary', `header ${name}: attribute names are lower-case letters and digits`);
    }
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  // The body stays out of the package: tandem decodes the data itself (content type, the source's
  // payload setting), as for a plain delivery.
  const event = toEvent('binary', { headers: flat, body: undefined });
  return { mode: 'binary', ...attributesOf('binary', binaryLabel, event, sent('time') !== undefined), data: { bytes: body } };
}

function readStructured(headers: Headers, body: Uint8Array, sourceName: string): CloudEventRead {
  const type = mediaType(header(headers, 'content-type') ?? '');
  if (type === BATCH_TYPE) throw new CloudEventError('structured', `batched mode (${BATCH_TYPE}) is not accepted; send one event per request`);
  if (type !== STRUCTURED_TYPE) throw new CloudEventError('structured', `event format ${type} is not supported; send ${STRUCTURED_TYPE}`);
  const envelope = decodePayload(body, { source: sourceName, mode: 'json' }).data;
  if (!isRecord(envelope)) throw new CloudEventError('structured', 'the body is not a JSON object');
  precheck('structured', structuredLabel, (attribute) => envelope[attribute]);
  const { data, data_base64: base64, ...attributes } = envelope;
  let read: CloudEventRead['data'];
  if (base64 !== undefined) {
    if (data !== undefined) throw new CloudEventError('structured', '"data" and "data_base64" are both present');
    if (typeof base64 !== 'string' || !BASE64.test(base64)) throw new CloudEventError('structured', '"data_base64" is not base64 text');
    read = { bytes: Buffer.from(base64, 'base64') };
  } else if (data !== undefined) {
    read = { value: data };
  }
  // The data stays out of the package too: it would turn data_base64 into a typed array.
  const event = toEvent('structured', { headers: { 'content-type': STRUCTURED_TYPE }, body: attributes });
  return { mode: 'structured', ...attributesOf('structured', structuredLabel, event, envelope.time !== undefined), data: read };
}

/** What the package would fill in or pass over silently, checked on what the sender sent. */
function precheck(mode: CloudEventMode, label: Label, sent: (attribute: string) => unknown): void {
  for (const attribute of REQUIRED) {
    const value = sent(attribute);
    if (value === undefined || value === null) throw new CloudEventError(mode, `${label(attribute)} is missing`);
    if (typeof value !== 'string') throw new CloudEventError(mode, `${label(attribute)} is not a string`);
    if (value === '') throw new CloudEventError(mode, `${label(attribute)} is empty`);
  }
  const version = sent('specversion');
  if (version !== SPEC_VERSION) throw new CloudEventError(mode, `${label('specversion')} is ${JSON.stringify(version)}; only ${SPEC_VERSION} is accepted`);
  const time = sent('time');
  if (time !== undefined && (typeof time !== 'string' || !RFC3339.test(time) || Number.isNaN(Date.parse(time)))) {
    throw new CloudEventError(mode, `${label('time')} is not an RFC 3339 timestamp: ${JSON.stringify(time)}`);
  }
}

function toEvent(mode: CloudEventMode, message: { headers: Record<string, string>; body: unknown }): CloudEvent<unknown> {
  let event: CloudEventV1<unknown> | CloudEventV1<unknown>[];
  try {
    event = HTTP.toEvent(message);
  } catch (error) {
    throw new CloudEventError(mode, errorMessage(error));
  }
  if (!(event instanceof CloudEvent)) throw new CloudEventError(mode, 'a batch where one event was expected');
  return event;
}

/** Validates the package's event against the spec's schema and takes its attributes. */
function attributesOf(mode: CloudEventMode, label: Label, event: CloudEvent<unknown>, timeSent: boolean): Omit<CloudEventRead, 'mode' | 'data'> {
  // Extensions first: the package's own message for a bad name does not say where it came from.
  const extensions: Record<string, string> = {};
  for (const [name, value] of Object.entries(event)) {
    if (ATTRIBUTES.has(name) || value === undefined) continue;
    if (!ATTRIBUTE_NAME.test(name)) throw new CloudEventError(mode, `${label(name)}: attribute names are lower-case letters and digits`);
    // The CloudEvents type system has no objects or arrays; integers and booleans keep their text.
    if (typeof value === 'string') extensions[name] = value;
    else if (typeof value === 'boolean' || Number.isInteger(value)) extensions[name] = String(value);
    else throw new CloudEventError(mode, `${label(name)} is not a string, an integer or a boolean`);
  }
  try {
    event.validate();
  } catch (error) {
    throw new CloudEventError(mode, error instanceof ValidationError ? describeValidation(error, label) : errorMessage(error));
  }
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const subject = text(event.subject);
  const datacontenttype = text(event.datacontenttype);
  const dataschema = text(event.dataschema);
  return {
    id: event.id,
    source: event.source,
    type: event.type,
    ...(subject !== undefined ? { subject } : {}),
    // The package stamps an event without a time with the current one; that is not the sender's.
    ...(timeSent && event.time !== undefined ? { time: new Date(event.time).toISOString() } : {}),
    ...(datacontenttype !== undefined ? { datacontenttype } : {}),
    ...(dataschema !== undefined ? { dataschema } : {}),
    extensions,
  };
}

/** The schema's complaints, each naming the attribute as the sender wrote it (header or member). */
function describeValidation(error: ValidationError, label: Label): string {
  const problems = (error.errors ?? []).map((item: unknown) => {
    if (!isRecord(item)) return String(item);
    const params = isRecord(item.params) ? item.params : {};
    if (typeof params.missingProperty === 'string') return `${label(params.missingProperty)} is missing`;
    const attribute = typeof item.instancePath === 'string' ? item.instancePath.replace(/^\//, '') : '';
    return `${attribute === '' ? 'the event' : label(attribute)} ${typeof item.message === 'string' ? item.message : 'is invalid'}`;
  });
  return problems.length > 0 ? problems.join('; ') : (error.message.split('\n')[0] ?? error.message);
}

// The view of an event that expressions and templates see: a plain JSON object without undefined
// fields (CEL has no undefined), with `data` null when the event carries none.
import type { IncomingEvent } from '../model.js';
import { errorMessage } from '../../util/error-message.js';

export interface EventView {
  sourceName: string;
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype: string;
  data: unknown;
  extensions?: Record<string, string>;
}

export function eventView(event: IncomingEvent): EventView {
  const view: EventView = {
    sourceName: event.sourceName,
    id: event.id,
    source: event.source,
    type: event.type,
    time: event.time,
    datacontenttype: event.datacontenttype,
    data: event.data === undefined ? null : event.data,
  };
  if (event.subject !== undefined) view.subject = event.subject;
  if (event.extensions !== undefined) view.extensions = event.extensions;
  return view;
}

/**
 * CloudEvent attributes as Argo Events' `contextKey` addresses them: id, source, specversion,
 * type, subject, time, datacontenttype, plus tandem's sourceName and the extensions.
 */
export function cloudEventContext(event: IncomingEvent): Record<string, unknown> {
  const context: Record<string, unknown> = {
    specversion: '1.0',
    id: event.id,
    source: event.source,
    type: event.type,
    time: event.time,
    datacontenttype: event.datacontenttype,
    sourceName: event.sourceName,
  };
  if (event.subject !== undefined) context.subject = event.subject;
  if (event.extensions !== undefined) {
    context.extensions = event.extensions;
    for (const [key, value] of Object.entries(event.extensions)) if (!(key in context)) context[key] = value;
  }
  return context;
}

/** A short error text: the first line of an Error's message. */
export function errorText(error: unknown): string {
  const message = errorMessage(error);
  return message.split('\n')[0] ?? message;
}

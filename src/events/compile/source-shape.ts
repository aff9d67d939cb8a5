// What a sensor compiled for Argo Events needs to know about the event source a dependency names:
// the EventSource and event names it was compiled to, and where tandem's `data` is inside the Argo
// Events event (or why it cannot be read there). One tandem source is one EventSource holding one
// event named after the source — except a cron source with several schedules, which holds one
// calendar event per schedule (`<source>-<index>`), since a calendar event has one schedule.
import type { EventSourceConfig } from '../../project/load.js';

export interface SourceShape {
  name: string;
  kind: EventSourceConfig['kind'];
  events: Array<{ eventName: string; schedule?: string }>;
  /** The gjson prefix of tandem's data in the Argo event, or why the data cannot be read. */
  data: { prefix: string } | { unreadable: string };
}

export function shapeOf(source: EventSourceConfig): SourceShape {
  switch (source.kind) {
    case 'nats': {
      const payload = source.config.payload ?? 'auto';
      const data =
        payload === 'msgpack' || payload === 'raw'
          ? { unreadable: `the source's payload is ${payload}: Argo Events cannot decode it and passes the bytes on as base64 text (jsonBody false)` }
          : { prefix: 'body' };
      return { name: source.name, kind: 'nats', events: [{ eventName: source.name }], data };
    }
    case 'webhook':
      return { name: source.name, kind: 'webhook', events: [{ eventName: source.name }], data: { prefix: 'body' } };
    case 'cron': {
      const schedules = source.config.schedules;
      const events = schedules.map((schedule, index) => ({ eventName: schedules.length === 1 ? source.name : `${source.name}-${index}`, schedule }));
      return {
        name: source.name,
        kind: 'cron',
        events,
        data: { unreadable: "a calendar tick carries only eventTime (Go's time text), not tandem's schedule, scheduledTime, firedTime and catchUp" },
      };
    }
  }
}


// Shared builders for sensor tests.
import type { IncomingEvent } from '../../../src/events/model.js';
import type { Dependency, SensorSpec } from '../../../src/events/sensors/schema.js';

let counter = 0;

export function event(overrides: Partial<IncomingEvent> = {}): IncomingEvent {
  counter++;
  return {
    sourceName: 'webhook',
    id: `e${counter}`,
    source: '/events/webhook',
    type: 'dev.tandem.webhook',
    time: '2024-05-01T12:00:00Z',
    datacontenttype: 'application/json',
    data: {},
    ...overrides,
  };
}

export function dep(overrides: Partial<Dependency> = {}): Dependency {
  return { name: 'a', eventSource: 'webhook', ...overrides };
}

export function sensor(overrides: Partial<SensorSpec> = {}): SensorSpec {
  return {
    name: 'demo',
    dependencies: [dep({ name: 'a' }), dep({ name: 'b', eventSource: 'nats' })],
    triggers: [{ name: 'run', workflow: 'ingest' }],
    ...overrides,
  };
}

export const NOON = new Date('2024-05-01T12:00:00Z');

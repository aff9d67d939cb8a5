// The Argo Events controller's semantic rules for the objects tandem compiles (and for the public
// corpus the rules are checked on): what its validators refuse, and what deploys but cannot work.
import { eventSourceProblems } from './event-source.js';
import { sensorProblems } from './sensor.js';

/** Every rule an EventSource or Sensor breaks; [] for one the controller would accept and run. */
export function argoEventsProblems(manifest: Record<string, unknown>): string[] {
  if (manifest.kind === 'EventSource') return eventSourceProblems(manifest);
  if (manifest.kind === 'Sensor') return sensorProblems(manifest);
  return [`kind ${String(manifest.kind)} is not EventSource or Sensor`];
}

// What the HTTP routes need from the rest of tandem.
import type { Engines } from '../engines/registry.js';
import type { RunStarter } from '../events/api-runs.js';
import type { SensorDescription } from '../events/sensor-runner.js';
import type { SensorSpec } from '../events/sensors/schema.js';
import type { DispatchResult } from '../events/source.js';
import type { WorkflowCatalog } from '../project/catalog.js';
import type { DeadLetterStore } from '../store/ports/dead-letters.js';
import type { EventStore } from '../store/ports/events.js';
import type { RunReader } from '../store/ports/runs.js';
import type { TrackingStore } from '../store/ports/tracking.js';
import type { TriggerClaimStore } from '../store/ports/trigger-claims.js';

/** What the events and sensors routes use of the event pipeline (EventPipeline implements it). */
interface EventPipelineApi {
  /** Offers a stored event to the sensors again as a new delivery; NotFoundError for an unknown id. */
  replay(eventId: string): Promise<DispatchResult>;
  sensorStates(): SensorDescription[];
  /** The sensors it runs: what they trigger decides which namespaces sensors, dead letters and source events belong to. */
  sensorSpecs(): readonly SensorSpec[];
}

/**
 * What the routes and the live stream read from the store: runs, events and the runs they led to,
 * dead letters, tracking queries. They write nothing there themselves: runs start through `runs`
 * (the event pipeline) and the engine.
 */
type ApiStore = RunReader & EventStore & TriggerClaimStore & DeadLetterStore & TrackingStore;

export interface ApiContext {
  store: ApiStore;
  /** The engines registry: cancel and logs reach the engine that executes the run. */
  engine: Pick<Engines, 'cancel' | 'logs'>;
  catalog: WorkflowCatalog;
  runs: RunStarter;
  /** The event pipeline, when the server runs one: without it /sensors is empty and replay answers 503. */
  pipeline?: EventPipelineApi;
}

// Compiles a tandem project's event sources and sensors to Argo Events manifests (EventSource,
// Sensor; argoproj.io/v1alpha1). The lane decision and the Argo Workflow compiler are injected, so
// this module depends on neither. Output is deterministic: manifests in project order, keys in a
// fixed order. Whatever Argo Events cannot express is refused with a CompileError naming the
// feature and where it is used; what compiles with a weaker guarantee is listed in `warnings`.
import type { Project } from '../../project/load.js';
import { CompileContext, type ArgoEventsDeps, type ArgoEventsOutput } from './context.js';
import { compileEventSource } from './event-source.js';
import { compileSensor } from './sensor.js';

export type { ArgoEventsDeps, ArgoEventsOutput, GithubOwners, Lane } from './context.js';
export { compileEventSource } from './event-source.js';
export { compileSensor } from './sensor.js';
export { CompileContext, DEFAULT_SENSOR_SERVICE_ACCOUNT } from './context.js';

/** The EventSource and Sensor manifests of a project; throws CompileError at the first inexpressible feature. */
export function compileProjectToArgoEvents(project: Pick<Project, 'eventSources' | 'sensors'>, deps: ArgoEventsDeps): ArgoEventsOutput {
  const ctx = new CompileContext(deps, project.eventSources);
  const eventSources = project.eventSources.map((source) => compileEventSource(ctx, source));
  const sensors = project.sensors.map((sensor) => compileSensor(ctx, sensor));
  return { eventSources, sensors, warnings: ctx.warnings, endpoints: ctx.endpoints };
}

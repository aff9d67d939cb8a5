// One tandem sensor as an Argo Events Sensor: its dependencies (with filters), and its triggers,
// each carrying the sensor's condition and resets. A Sensor whose triggers submit Argo Workflows
// runs as a ServiceAccount that may create them (spec.template.serviceAccountName): as the
// namespace's default one, every submission would be refused by the Kubernetes API.
import type { SensorSpec } from '../sensors/schema.js';
import { compileConditions } from './conditions.js';
import { DEFAULT_SENSOR_SERVICE_ACCOUNT, type CompileContext, type Manifest } from './context.js';
import { compileDependencies } from './dependencies.js';
import { sensorManifest } from './manifest.js';
import { compileTrigger } from './triggers.js';

export function compileSensor(ctx: CompileContext, sensor: SensorSpec): Manifest {
  const deps = compileDependencies(ctx, sensor);
  const conditions = compileConditions(sensor, deps.names);
  const triggers = sensor.triggers.map((trigger) => compileTrigger(ctx, sensor, trigger, deps, conditions));
  const submits = triggers.some((trigger) => (trigger.template as Record<string, unknown>).argoWorkflow !== undefined);
  const template = submits ? { template: { serviceAccountName: ctx.deps.sensorServiceAccount ?? DEFAULT_SENSOR_SERVICE_ACCOUNT } } : {};
  return sensorManifest(ctx, sensor.name, { ...template, dependencies: deps.dependencies, triggers });
}

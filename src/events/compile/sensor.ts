// One tandem sensor as an Argo Events Sensor: its dependencies (with filters), and its triggers,
// each carrying the sensor's condition and resets.
import type { SensorSpec } from '../sensors/schema.js';
import { compileConditions } from './conditions.js';
import type { CompileContext, Manifest } from './context.js';
import { compileDependencies } from './dependencies.js';
import { sensorManifest } from './manifest.js';
import { compileTrigger } from './triggers.js';

export function compileSensor(ctx: CompileContext, sensor: SensorSpec): Manifest {
  const deps = compileDependencies(ctx, sensor);
  const conditions = compileConditions(sensor, deps.names);
  const triggers = sensor.triggers.map((trigger) => compileTrigger(ctx, sensor, trigger, deps, conditions));
  return sensorManifest(ctx, sensor.name, { dependencies: deps.dependencies, triggers });
}

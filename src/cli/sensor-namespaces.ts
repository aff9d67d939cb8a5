// Which namespace a sensor's work belongs to: sensors and dead letters have none of their own,
// but each trigger starts a workflow, and the project serves every workflow in a namespace. A
// `--namespace` filter of `tandem sensors` and `tandem events dead-letters` goes by that.
import type { Project } from '../project/load.js';

export interface SensorNamespaces {
  /** The namespace of the workflow a trigger starts; undefined for a sensor or trigger the project no longer has. */
  ofTrigger(sensor: string, trigger: string): string | undefined;
  /** The namespaces a sensor's triggers start workflows in. */
  ofSensor(sensor: string): string[];
}

export function sensorNamespaces(project: Pick<Project, 'sensors' | 'catalog'>): SensorNamespaces {
  const byTrigger = new Map<string, Map<string, string>>();
  for (const sensor of project.sensors) {
    byTrigger.set(sensor.name, new Map(sensor.triggers.map((trigger) => [trigger.name, project.catalog.namespaceOf(trigger.workflow)])));
  }
  return {
    ofTrigger: (sensor, trigger) => byTrigger.get(sensor)?.get(trigger),
    ofSensor: (sensor) => [...new Set(byTrigger.get(sensor)?.values() ?? [])].sort(),
  };
}

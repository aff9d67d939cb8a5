// Which namespaces the API's resources belong to, beyond runs and workflows (a run is its
// workflow's). Sensors have no namespace of their own: a sensor belongs to the namespaces of the
// workflows its triggers start, a dead letter to its trigger's, and an event from a source
// (NATS, webhook, cron) to the namespaces of the sensors that listen to that source — what a
// source delivers is input to those sensors, and a token of another namespace has no business
// reading it. An event the API recorded belongs to the workflow it started.
import { API_SOURCE_NAME, type StoredEvent } from '../events/model.js';
import type { SensorSpec } from '../events/sensors/schema.js';
import type { WorkflowCatalog } from '../project/catalog.js';
import { allows, type Principal } from './auth.js';

export class NamespaceRules {
  constructor(
    readonly catalog: WorkflowCatalog,
    /** The sensors the server runs (read at each call: a server without a pipeline has none). */
    private readonly sensors: () => readonly SensorSpec[],
  ) {}

  /** The namespace a run of this workflow belongs to. */
  ofWorkflow(workflow: string): string {
    return this.catalog.namespaceOf(workflow);
  }

  /** The namespaces a sensor's triggers start runs in; undefined for a sensor this server does not run. */
  ofSensor(name: string): string[] | undefined {
    const spec = this.sensors().find((sensor) => sensor.name === name);
    return spec === undefined ? undefined : unique(spec.triggers.map((trigger) => this.ofWorkflow(trigger.workflow)));
  }

  /** The namespace of one trigger's runs; undefined when the sensor or trigger is no longer served. */
  ofTrigger(sensor: string, trigger: string): string | undefined {
    const workflow = this.sensors()
      .find((spec) => spec.name === sensor)
      ?.triggers.find((t) => t.name === trigger)?.workflow;
    return workflow === undefined ? undefined : this.ofWorkflow(workflow);
  }

  /**
   * The namespaces an event belongs to: its workflow's for an `api` event; for a source event those
   * of every sensor depending on its source; undefined (no namespace: any token) when no sensor
   * listens to its source.
   */
  ofEvent(event: Pick<StoredEvent, 'sourceName' | 'data'>): string[] | undefined {
    const workflow = apiEventWorkflow(event);
    if (workflow !== undefined) return [this.ofWorkflow(workflow)];
    const listening = this.sensors().filter((spec) => spec.dependencies.some((dep) => dep.eventSource === event.sourceName));
    if (listening.length === 0) return undefined;
    return unique(listening.flatMap((spec) => spec.triggers.map((trigger) => this.ofWorkflow(trigger.workflow))));
  }

  /** Whether a principal may read an event: one of its namespaces is enough (it is input to each). */
  mayReadEvent(principal: Principal, event: Pick<StoredEvent, 'sourceName' | 'data'>): boolean {
    const namespaces = this.ofEvent(event);
    return namespaces === undefined || principal.allNamespaces || namespaces.some((namespace) => allows(principal, namespace));
  }

  /** Whether a principal may see a sensor: it must be allowed in every namespace the sensor starts runs in. */
  maySeeSensor(principal: Principal, name: string): boolean {
    if (principal.allNamespaces) return true;
    const namespaces = this.ofSensor(name);
    return namespaces !== undefined && namespaces.every((namespace) => allows(principal, namespace));
  }

  /** Whether a principal may see a dead letter; one of a trigger no longer served is shown to `*` tokens only. */
  maySeeDeadLetter(principal: Principal, letter: { sensor: string; trigger: string }): boolean {
    if (principal.allNamespaces) return true;
    const namespace = this.ofTrigger(letter.sensor, letter.trigger);
    return namespace !== undefined && allows(principal, namespace);
  }
}

/** The workflow an `api` event started, undefined for any other event. */
export function apiEventWorkflow(event: Pick<StoredEvent, 'sourceName' | 'data'>): string | undefined {
  if (event.sourceName !== API_SOURCE_NAME) return undefined;
  const workflow = (event.data as { workflow?: unknown } | null | undefined)?.workflow;
  return typeof workflow === 'string' ? workflow : undefined;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

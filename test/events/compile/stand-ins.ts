// Stand-ins for the Argo Events compiler's injected dependencies (the router's lane and the Argo
// Workflow compiler), and small builders for projects, so each test states only what it is about.
import assert from 'node:assert/strict';
import { compileProjectToArgoEvents, type ArgoEventsDeps, type ArgoEventsOutput, type Lane } from '../../../src/events/compile/index.js';
import { argoEventsProblems } from '../../conformance/argo-events-rules/index.js';
import type { EventSourceConfig, Project } from '../../../src/project/load.js';
import type { SensorSpec } from '../../../src/events/sensors/schema.js';

/** A compiled Argo Workflow as the real compiler would shape it: generateName, arguments in declaration order. */
function standInWorkflow(workflow: string, params: readonly string[]): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${workflow}-` },
    spec: {
      entrypoint: 'main',
      arguments: { parameters: params.map((name) => ({ name })) },
      templates: [{ name: 'main', container: { image: 'busybox', command: ['true'] } }],
    },
  };
}

export function standInDeps(options: Partial<ArgoEventsDeps> & { lanes?: Record<string, Lane>; params?: Record<string, string[]> } = {}): ArgoEventsDeps {
  const { lanes = {}, params = {}, ...rest } = options;
  return {
    laneOf: (workflow) => lanes[workflow] ?? 'argo',
    argoWorkflow: (workflow) => standInWorkflow(workflow, params[workflow] ?? ['file', 'size', 'threshold']),
    ...rest,
  };
}

export function project(eventSources: EventSourceConfig[], sensors: SensorSpec[]): Pick<Project, 'eventSources' | 'sensors'> {
  return { eventSources, sensors };
}

export const natsSource = (config: Partial<Extract<EventSourceConfig, { kind: 'nats' }>['config']> = {}, name = 'uploads'): EventSourceConfig => ({
  name,
  kind: 'nats',
  config: { url: 'nats://nats:4222', subject: 'docs.>', ...config },
});

export const webhookSource = (config: Extract<EventSourceConfig, { kind: 'webhook' }>['config'] = {}, name = 'hook'): EventSourceConfig => ({ name, kind: 'webhook', config });

export const cronSource = (config: Partial<Extract<EventSourceConfig, { kind: 'cron' }>['config']> = {}, name = 'nightly'): EventSourceConfig => ({
  name,
  kind: 'cron',
  config: { schedules: ['0 2 * * *'], ...config },
});

/** A sensor with one dependency on `source` and one trigger of workflow `ingest`. */
export function sensorOn(source: string, extra: { dependency?: Partial<SensorSpec['dependencies'][number]>; trigger?: Partial<SensorSpec['triggers'][number]>; sensor?: Partial<SensorSpec> } = {}): SensorSpec {
  return {
    name: 'on-event',
    dependencies: [{ name: 'a', eventSource: source, ...extra.dependency }],
    triggers: [{ name: 'run', workflow: 'ingest', ...extra.trigger }],
    ...extra.sensor,
  };
}

/** The compiler's output, each manifest first checked against the Argo Events controller's rules. */
export function compileChecked(input: Pick<Project, 'eventSources' | 'sensors'>, deps: ArgoEventsDeps): ArgoEventsOutput {
  const out = compileProjectToArgoEvents(input, deps);
  for (const manifest of [...out.eventSources, ...out.sensors]) {
    assert.deepEqual(argoEventsProblems(manifest), [], `${String(manifest.kind)} ${JSON.stringify(manifest.metadata)} against the controller's rules`);
  }
  return out;
}

// Unit tests of the trigger half of the Argo Events compiler: argoWorkflow triggers (whole
// Workflow or WorkflowTemplate reference) with params by index, KFP runs over http, the policies
// (rateLimit, retry, dead letter) and every refusal (dedup, CEL params, unknown params...).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompileError } from '../../../src/errors.js';
import { compileProjectToArgoEvents, type ArgoEventsDeps } from '../../../src/events/compile/index.js';
import { retryStrategy } from '../../../src/events/compile/triggers.js';
import type { SensorSpec } from '../../../src/events/sensors/schema.js';
import { renderSubset } from './go-template-subset.js';
import { compileChecked, cronSource, natsSource, project, sensorOn, standInDeps, webhookSource } from './stand-ins.js';

type Trigger = Record<string, unknown> & { template: Record<string, Record<string, unknown>> };

function triggerOf(sensor: SensorSpec, deps: ArgoEventsDeps = standInDeps(), sources = [webhookSource(), natsSource(), cronSource({ schedules: ['0 1 * * *', '0 2 * * *'] })]): { trigger: Trigger; warnings: string[] } {
  const out = compileChecked(project(sources, [sensor]), deps);
  return { trigger: (out.sensors[0] as { spec: { triggers: Trigger[] } }).spec.triggers[0]!, warnings: out.warnings.map((w) => w.feature) };
}

function refusal(sensor: SensorSpec, deps: ArgoEventsDeps = standInDeps()): CompileError {
  try {
    triggerOf(sensor, deps);
  } catch (error) {
    if (error instanceof CompileError) return error;
    throw error;
  }
  return assert.fail('expected a CompileError');
}

const params = [
  { name: 'threshold', src: { dependencyName: 'a', dataKey: 'limits.threshold', value: 0.5 } },
  { name: 'file', src: { dataTemplate: '{{ data.file }}' } },
  { name: 'size', src: { value: 'big' } },
];

void describe('argoWorkflow trigger (argo and hybrid lanes)', () => {
  void it('submits the compiled Workflow, writing each param at its index', () => {
    const { trigger } = triggerOf(sensorOn('hook', { trigger: { params } }));
    const action = trigger.template.argoWorkflow!;
    assert.equal(action.operation, 'submit');
    assert.equal(((action.source as { resource: { metadata: { generateName: string } } }).resource.metadata.generateName), 'ingest-');
    assert.deepEqual(action.parameters, [
      { src: { dependencyName: 'a', dataKey: 'body.limits.threshold', value: '0.5' }, dest: 'spec.arguments.parameters.2.value' },
      { src: { dependencyName: 'a', dataKey: 'body.file' }, dest: 'spec.arguments.parameters.0.value' },
      { src: { dependencyName: 'a', value: 'big' }, dest: 'spec.arguments.parameters.1.value' },
    ]);
  });

  void it('references the WorkflowTemplate when asked, and uses the hybrid lane the same way', () => {
    const deps = standInDeps({ useWorkflowTemplates: true, lanes: { ingest: 'hybrid' }, namespace: 'ml' });
    const { trigger } = triggerOf(sensorOn('hook', { trigger: { params: [params[0]!] } }), deps);
    const resource = (trigger.template.argoWorkflow!.source as { resource: Record<string, unknown> }).resource;
    assert.deepEqual(resource, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { generateName: 'ingest-', namespace: 'ml' },
      spec: { workflowTemplateRef: { name: 'ingest' }, arguments: { parameters: [{ name: 'file' }, { name: 'size' }, { name: 'threshold' }] } },
    });
  });

  void it('gives a Workflow with a fixed name a generateName', () => {
    const deps = standInDeps({ argoWorkflow: () => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'fixed', labels: { a: 'b' } }, spec: {} }) });
    const { trigger } = triggerOf(sensorOn('hook'), deps);
    assert.deepEqual((trigger.template.argoWorkflow!.source as { resource: { metadata: unknown } }).resource.metadata, { generateName: 'fixed-', labels: { a: 'b' } });
  });

  void it('maps context attributes Argo Events keeps, with warnings where its values differ', () => {
    const contextParams = [
      { name: 'file', src: { dataKey: 'context.sourceName' } },
      { name: 'size', src: { dataKey: 'context.subject' } },
      { name: 'threshold', src: { dataKey: 'context.id' } },
    ];
    const { trigger, warnings } = triggerOf(sensorOn('uploads', { trigger: { params: contextParams } }));
    assert.deepEqual((trigger.template.argoWorkflow!.parameters as Array<{ src: unknown }>).map((p) => p.src), [
      { dependencyName: 'a', contextKey: 'source' },
      { dependencyName: 'a', dataKey: 'subject' },
      { dependencyName: 'a', contextKey: 'id' },
    ]);
    assert.deepEqual(warnings, ['param context.id']);
  });

  void it('refuses params the workflow lacks, CEL params, templates, ambiguous and expanded dependencies', () => {
    assert.equal(refusal(sensorOn('hook', { trigger: { params: [{ name: 'nope', src: { value: 1 } }] } })).feature, 'param');
    assert.equal(refusal(sensorOn('hook', { trigger: { params: [{ name: 'file', src: { expr: 'data.a + 1' } }] } })).feature, 'param expr');
    assert.equal(refusal(sensorOn('hook', { trigger: { params: [{ name: 'file', src: { dataTemplate: 'x-{{ data.a }}' } }] } })).feature, 'param dataTemplate');
    assert.equal(refusal(sensorOn('hook', { trigger: { params: [{ name: 'file', src: { dataKey: 'context.type' } }] } })).feature, 'param context.type');
    const two: SensorSpec = { ...sensorOn('hook', { trigger: { params: [{ name: 'file', src: { dataKey: 'x' } }] } }), dependencies: [{ name: 'a', eventSource: 'hook' }, { name: 'b', eventSource: 'uploads' }] };
    assert.equal(refusal(two).feature, 'param dependencyName');
    assert.equal(refusal(sensorOn('nightly', { trigger: { params: [{ name: 'file', src: { dataKey: 'x' } }] } })).feature, 'param dependencyName');
  });
});

void describe('KFP run trigger (kubeflow lane)', () => {
  const kfp = (pipelineId?: string) => standInDeps({ lanes: { ingest: 'kubeflow' }, kfp: { endpoint: 'http://kfp:8888/', pipelineId: () => pipelineId } });

  void it('posts a v2beta1 Run naming the pipeline by the id given, with values read from the event kept typed', () => {
    const read = { name: 'threshold', src: { dependencyName: 'a', dataKey: 'limits.threshold' } };
    const { trigger, warnings } = triggerOf(sensorOn('hook', { trigger: { params: [read, params[2]!] } }), kfp('p-123'));
    assert.deepEqual(trigger.template.http, {
      url: 'http://kfp:8888/apis/v2beta1/runs',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      payload: [
        { src: { dependencyName: 'a', value: 'ingest' }, dest: 'display_name' },
        { src: { dependencyName: 'a', value: 'p-123' }, dest: 'pipeline_version_reference.pipeline_id' },
        { src: { dependencyName: 'a', dataKey: 'body.limits.threshold', useRawData: true }, dest: 'runtime_config.parameters.threshold' },
        { src: { dependencyName: 'a', value: 'big' }, dest: 'runtime_config.parameters.size' },
      ],
    });
    assert.deepEqual(warnings, []);
  });

  void it('writes typed defaults with their types: the whole body from one template', () => {
    const typed = [params[0]!, { name: 'limit', src: { value: 400 } }, { name: 'label', src: { dataKey: 'label' } }];
    const { trigger, warnings } = triggerOf(sensorOn('hook', { trigger: { params: typed } }), kfp('p-123'));
    const payload = trigger.template.http!.payload as Array<{ src: { dependencyName: string; dataTemplate: string }; dest: string }>;
    assert.equal(payload.length, 1);
    assert.equal(payload[0]!.dest, '', 'an empty dest makes the value the entire payload');
    assert.equal(payload[0]!.src.dependencyName, 'a');
    assert.deepEqual(warnings, []);
    const render = (data: Record<string, unknown>) => JSON.parse(renderSubset(payload[0]!.src.dataTemplate, { body: data })) as unknown;
    // Before, the default reached KFP as the text "0.5"; now a number whichever way it is given.
    assert.deepEqual(render({ label: 'x' }), {
      display_name: 'ingest',
      pipeline_version_reference: { pipeline_id: 'p-123' },
      runtime_config: { parameters: { threshold: 0.5, limit: 400, label: 'x' } },
    });
    assert.deepEqual((render({ label: 'y', limits: { threshold: 0.9 } }) as { runtime_config: unknown }).runtime_config, { parameters: { threshold: 0.9, limit: 400, label: 'y' } });
    // A param without a default still fails the trigger when the event lacks it, as Argo Events' own lookup does.
    assert.throws(() => render({}), /label: body\.label is not in the event/);
  });

  void it('refuses typed defaults that one template cannot write: two events, list indexes', () => {
    const two: SensorSpec = {
      ...sensorOn('hook', { trigger: { params: [params[0]!, { name: 'file', src: { dependencyName: 'b', dataKey: 'file' } }] } }),
      dependencies: [{ name: 'a', eventSource: 'hook' }, { name: 'b', eventSource: 'uploads' }],
    };
    assert.equal(refusal(two, kfp('p')).feature, 'param value');
    assert.equal(refusal(sensorOn('hook', { trigger: { params: [{ name: 'x', src: { dataKey: 'items.0', value: 1 } }] } }), kfp('p')).feature, 'param value');
  });

  void it('needs the KFP endpoint, and the pipeline id rather than the workflow name in its place', () => {
    assert.equal(refusal(sensorOn('hook', { trigger: { lane: 'kubeflow' } })).feature, 'kubeflow lane');
    const missing = refusal(sensorOn('hook', { trigger: { lane: 'kubeflow' } }), standInDeps({ kfp: { endpoint: 'http://kfp' } }));
    assert.equal(missing.feature, 'kubeflow pipeline id');
    assert.match(missing.message, /--kfp-pipeline ingest=<id>/);
  });
});

void describe('trigger policies', () => {
  void it('map rateLimit and retry (attempts = retries + 1, no jitter)', () => {
    const { trigger } = triggerOf(sensorOn('hook', { trigger: { rateLimit: { requestsPerUnit: 10, unit: 'Minute' }, retry: { steps: 3, duration: '1s', factor: 2, maxDuration: '30s' } } }));
    assert.deepEqual(trigger.rateLimit, { unit: 'Minute', requestsPerUnit: 10 });
    assert.deepEqual(trigger.retryStrategy, { steps: 4, duration: '1s', factor: 2, jitter: 0 });
    assert.deepEqual(retryStrategy({ steps: 0, duration: 90 }, 'here'), { steps: 1, duration: '90s', jitter: 0 });
  });

  void it('refuse a retry cap that would bind, a dedup key and a non-default TTL', () => {
    assert.equal(refusal(sensorOn('hook', { trigger: { retry: { steps: 5, duration: '1s', factor: 2, maxDuration: '5s' } } })).feature, 'retry.maxDuration');
    assert.equal(refusal(sensorOn('hook', { trigger: { dedupKey: 'events.a.data.id' } })).feature, 'dedupKey');
    assert.equal(refusal(sensorOn('hook', { trigger: { dedupTtl: '1h' } })).feature, 'dedupTtl');
    assert.doesNotThrow(() => triggerOf(sensorOn('hook', { trigger: { dedupTtl: '24h' } })));
    assert.equal(refusal(sensorOn('hook', { trigger: { lane: 'elsewhere' } })).feature, 'lane');
  });

  void it('publish dead letters to NATS through an at-least-once dlqTrigger', () => {
    const { trigger } = triggerOf(sensorOn('hook', { trigger: { deadLetter: { subject: 'tandem.dlq' } } }));
    assert.equal(trigger.atLeastOnce, true);
    assert.deepEqual(trigger.dlqTrigger, {
      template: {
        name: 'run-dead-letter',
        nats: {
          url: 'nats://nats:4222',
          subject: 'tandem.dlq',
          payload: [
            { src: { dependencyName: 'a', value: 'on-event' }, dest: 'sensor' },
            { src: { dependencyName: 'a', value: 'run' }, dest: 'trigger' },
            { src: { dependencyName: 'a', contextKey: 'id', value: '' }, dest: 'eventIds.a' },
          ],
        },
      },
      // The controller refuses a dlqTrigger that is not at-least-once itself.
      atLeastOnce: true,
    });
    const noNats = compileProjectToArgoEvents.bind(undefined, project([webhookSource()], [sensorOn('hook', { trigger: { deadLetter: { subject: 'x' } } })]), standInDeps());
    assert.throws(noNats, (error: unknown) => error instanceof CompileError && error.feature === 'deadLetter');
  });
});

// Unit tests of the sensor half of the Argo Events compiler: dependencies and their filters
// (data, expressions, time, subject and type patterns) and conditions, and every refusal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompileError } from '../../../src/errors.js';
import { compileProjectToArgoEvents } from '../../../src/events/compile/index.js';
import { subjectPatternRegex, underPrefix } from '../../../src/events/compile/paths.js';
import type { SensorSpec } from '../../../src/events/sensors/schema.js';
import type { EventSourceConfig } from '../../../src/project/load.js';
import { compileChecked, cronSource, natsSource, project, sensorOn, standInDeps, webhookSource } from './stand-ins.js';

type Spec = { dependencies: Array<Record<string, unknown>>; triggers: Array<{ template: Record<string, unknown> }> };

function compileSensor(sources: EventSourceConfig[], sensor: SensorSpec): Spec {
  return (compileChecked(project(sources, [sensor]), standInDeps()).sensors[0] as { spec: Spec }).spec;
}

function refusal(sources: EventSourceConfig[], sensor: SensorSpec): CompileError {
  try {
    compileProjectToArgoEvents(project(sources, [sensor]), standInDeps());
  } catch (error) {
    if (error instanceof CompileError) return error;
    throw error;
  }
  return assert.fail('expected a CompileError');
}

void describe('dependencies', () => {
  void it('name the EventSource and event of the source', () => {
    const spec = compileSensor([webhookSource()], sensorOn('hook'));
    assert.deepEqual(spec.dependencies, [{ name: 'a', eventSourceName: 'hook', eventName: 'hook' }]);
  });

  void it('refuse a source that is not in the project (the HTTP API)', () => {
    assert.equal(refusal([], sensorOn('api')).feature, 'event source');
  });

  void it('turn a NATS subject pattern into an anchored data filter on the subject', () => {
    const spec = compileSensor([natsSource()], sensorOn('uploads', { dependency: { subject: 'docs.*.pdf' } }));
    assert.deepEqual((spec.dependencies[0]!.filters as Record<string, unknown>).data, [{ path: 'subject', type: 'string', value: ['^docs\\.[^.]+\\.pdf$'] }]);
    assert.equal(subjectPatternRegex('a.>'), '^a\\..+$');
    assert.ok(new RegExp(subjectPatternRegex('a.*.c')).test('a.b.c'));
    assert.ok(!new RegExp(subjectPatternRegex('a.*.c')).test('a.b.x.c'));
  });

  void it('refuse a subject filter that an "or" would make optional', () => {
    const dependency = { subject: 'docs.x', filters: { data: [{ path: 'n', type: 'number' as const, value: ['1'] }], dataLogicalOperator: 'or' as const } };
    assert.equal(refusal([natsSource()], sensorOn('uploads', { dependency })).feature, 'subject');
  });

  void it('pick cron schedules by subject, and expand a multi-schedule source into an || of dependencies', () => {
    const source = cronSource({ schedules: ['0 2 * * *', '0 14 * * *'] });
    const one = compileSensor([source], sensorOn('nightly', { dependency: { subject: '0 14 * * *' } }));
    assert.deepEqual(one.dependencies.map((d) => [d.name, d.eventName]), [['a_1', 'nightly-1']]);
    const both = compileSensor([source, webhookSource()], { ...sensorOn('nightly'), dependencies: [{ name: 'a', eventSource: 'nightly' }, { name: 'b', eventSource: 'hook' }] });
    assert.deepEqual(both.dependencies.map((d) => d.name), ['a_0', 'a_1', 'b']);
    assert.equal(both.triggers[0]!.template.conditions, '(a_0 || a_1) && b');
  });

  void it('check event types at compile time for cron and refuse them elsewhere', () => {
    assert.doesNotThrow(() => compileSensor([cronSource()], sensorOn('nightly', { dependency: { eventType: 'dev.tandem.>' } })));
    assert.equal(refusal([cronSource()], sensorOn('nightly', { dependency: { eventType: 'com.other' } })).feature, 'eventType');
    assert.equal(refusal([natsSource()], sensorOn('uploads', { dependency: { eventType: 'com.x' } })).feature, 'eventType');
    assert.equal(refusal([webhookSource()], sensorOn('hook', { dependency: { subject: 'x' } })).feature, 'subject');
  });
});

void describe('filters', () => {
  void it('move data paths under the body, escaping gjson characters, and keep operators and the time window', () => {
    const filters = {
      data: [{ path: 'labels.app\\.kubernetes\\.io/name', type: 'string' as const, value: ['^web$'] }, { path: 'items.0.size', type: 'number' as const, comparator: '>' as const, value: ['0'] }],
      dataLogicalOperator: 'or' as const,
      time: { start: '22:00:00', stop: '02:00:00', timezone: 'Europe/Paris' },
    };
    const spec = compileSensor([webhookSource()], sensorOn('hook', { dependency: { filters, filtersLogicalOperator: 'or' } }));
    assert.deepEqual(spec.dependencies[0], {
      name: 'a',
      eventSourceName: 'hook',
      eventName: 'hook',
      filters: {
        data: [
          { path: 'body.labels.app\\.kubernetes\\.io/name', type: 'string', value: ['^web$'] },
          { path: 'body.items.0.size', type: 'number', value: ['0'], comparator: '>' },
        ],
        dataLogicalOperator: 'or',
        time: { start: '22:00:00', stop: '02:00:00', timezone: 'Europe/Paris' },
      },
      filtersLogicalOperator: 'or',
    });
    assert.equal(underPrefix('body', 'a*b.c'), 'body.a\\*b.c');
  });

  void it('split "!=" over several values into ANDed filters, and refuse it under "or"', () => {
    const data = [{ path: 'kind', type: 'string' as const, comparator: '!=' as const, value: ['^a$', '^b$'] }];
    const spec = compileSensor([webhookSource()], sensorOn('hook', { dependency: { filters: { data } } }));
    assert.deepEqual((spec.dependencies[0]!.filters as { data: unknown[] }).data.length, 2);
    assert.equal(refusal([webhookSource()], sensorOn('hook', { dependency: { filters: { data, dataLogicalOperator: 'or' } } })).feature, 'data filter "!=" with several values');
  });

  void it('refuse data filter templates and data that Argo Events cannot decode', () => {
    const templated = [{ path: 'x', type: 'string' as const, value: ['a'], template: '{{ value }}' }];
    assert.equal(refusal([webhookSource()], sensorOn('hook', { dependency: { filters: { data: templated } } })).feature, 'data filter template');
    const plain = [{ path: 'x', type: 'string' as const, value: ['a'] }];
    assert.equal(refusal([natsSource({ payload: 'msgpack' })], sensorOn('uploads', { dependency: { filters: { data: plain } } })).feature, 'data filter');
    assert.equal(refusal([cronSource()], sensorOn('nightly', { dependency: { filters: { data: plain } } })).feature, 'data filter');
  });

  void it('translate CEL expressions to govaluate with one field per data reference', () => {
    const exprs = [{ expr: 'data.size < 5000 && event.data.kind == "pdf" && event.subject != "x"' }, { expr: 'e == false', fields: [{ name: 'e', path: 'd.e' }] }];
    const spec = compileSensor([natsSource()], sensorOn('uploads', { dependency: { filters: { exprs, exprLogicalOperator: 'or' } } }));
    assert.deepEqual(spec.dependencies[0]!.filters, {
      exprs: [
        { expr: "data_size < 5000 && data_kind == 'pdf' && subject != 'x'", fields: [{ name: 'data_size', path: 'body.size' }, { name: 'data_kind', path: 'body.kind' }, { name: 'subject', path: 'subject' }] },
        { expr: 'e == false', fields: [{ name: 'e', path: 'body.d.e' }] },
      ],
      exprLogicalOperator: 'or',
    });
  });

  void it('compile has(data.x) to a field over the constant true', () => {
    const spec = compileSensor([webhookSource()], sensorOn('hook', { dependency: { filters: { exprs: [{ expr: 'has(data.folder.name)' }] } } }));
    assert.deepEqual((spec.dependencies[0]!.filters as { exprs: unknown }).exprs, [{ expr: 'true', fields: [{ name: 'folder_name', path: 'body.folder.name' }] }]);
  });

  void it('refuse expressions outside the govaluate subset, without data, or over other event attributes', () => {
    const on = (expr: string) => refusal([webhookSource()], sensorOn('hook', { dependency: { filters: { exprs: [{ expr }] } } }));
    assert.match(on('size(data.items) > 2').message, /function call size/);
    assert.equal(on('1 == 1').feature, 'expression filter without data');
    assert.equal(on('event.source == "x"').feature, 'expression filter reference');
  });
});

void describe('conditions', () => {
  void it('go on every trigger with the resets, and are left out when they are the default', () => {
    const deps = [{ name: 'a', eventSource: 'hook' }, { name: 'b', eventSource: 'hook' }, { name: 'c', eventSource: 'hook' }];
    const triggers = [{ name: 'one', workflow: 'ingest' }, { name: 'two', workflow: 'ingest' }];
    const spec = compileSensor([webhookSource()], { name: 's', dependencies: deps, triggers, conditions: 'a && (b || c)', conditionsReset: [{ byTime: { cron: '0 0 * * *', timezone: 'UTC' } }] });
    for (const trigger of spec.triggers) {
      assert.equal(trigger.template.conditions, 'a && (b || c)');
      assert.deepEqual(trigger.template.conditionsReset, [{ byTime: { cron: '0 0 * * *', timezone: 'UTC' } }]);
    }
    const plain = compileSensor([webhookSource()], { name: 's', dependencies: deps, triggers });
    assert.equal(plain.triggers[0]!.template.conditions, undefined);
  });
});

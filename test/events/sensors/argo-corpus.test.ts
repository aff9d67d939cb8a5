// Conformance with Argo Events: every dependency, filter and condition in the public sensor
// corpus (../shared/corpus/argo-events/sensors) converts into a tandem sensor that validates, and
// the corpus' documented filter outcomes hold. Filters tandem does not support (script, transform,
// context source/datacontenttype) are dropped and listed in docs/sensors.md.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { matchesDependency } from '../../../src/events/sensors/filters.js';
import type { Dependency, SensorSpec } from '../../../src/events/sensors/schema.js';
import { sensorIssues } from '../../../src/events/sensors/validate.js';
import { CORPUS_DIR, suiteRequiresShared } from '../../helpers/shared.js';

const corpus = join(CORPUS_DIR, 'argo-events', 'sensors');

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ident = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');
const k8s = (name: string) => name.toLowerCase().replace(/[^a-z0-9-]/g, '-');

function convertDependency(dep: Any): Dependency {
  const out: Dependency = { name: ident(String(dep.name)), eventSource: String(dep.eventSourceName) };
  const filters = (dep.filters ?? {}) as Any;
  if (filters.context?.type) out.eventType = String(filters.context.type);
  if (filters.context?.subject) out.subject = String(filters.context.subject);
  const kept: Any = {};
  for (const key of ['data', 'dataLogicalOperator', 'exprs', 'exprLogicalOperator', 'time']) if (filters[key] !== undefined) kept[key] = filters[key];
  if (Array.isArray(kept.exprs)) kept.exprs = kept.exprs.map((e: Any) => ({ expr: e.expr, fields: (e.fields ?? []).map((f: Any) => ({ name: ident(f.name), path: f.path })) }));
  if (Object.keys(kept).length > 0) out.filters = kept;
  if (dep.filtersLogicalOperator) out.filtersLogicalOperator = dep.filtersLogicalOperator;
  return out;
}

function convert(manifest: Any): SensorSpec {
  const template = (manifest.spec.triggers?.[0]?.template ?? {}) as Any;
  const sensor: SensorSpec = {
    name: k8s(manifest.metadata.name),
    dependencies: (manifest.spec.dependencies as Any[]).map(convertDependency),
    triggers: [{ name: ident(template.name ?? 'trigger'), workflow: 'wf' }],
  };
  if (typeof template.conditions === 'string') sensor.conditions = template.conditions.replace(/[A-Za-z0-9_-]+/g, ident);
  if (Array.isArray(template.conditionsReset)) sensor.conditionsReset = template.conditionsReset;
  return sensor;
}

function manifests(): Array<{ file: string; manifest: Any }> {
  return readdirSync(corpus)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((file) => {
      const manifest = parse(readFileSync(join(corpus, file), 'utf8')) as Any;
      return manifest?.kind === 'Sensor' && Array.isArray(manifest.spec?.dependencies) ? [{ file, manifest }] : [];
    });
}

const SUITE = 'the Argo Events sensor corpus';
describe(SUITE, suiteRequiresShared(SUITE, corpus), () => {
  it('converts into tandem sensors that validate', () => {
    const all = manifests();
    assert.ok(all.length > 30, `expected the corpus to hold sensors, found ${all.length}`);
    for (const { file, manifest } of all) assert.deepEqual(sensorIssues(convert(manifest), { file }), [], file);
  });

  const withFilters = (file: string) => convert(parse(readFileSync(join(corpus, file), 'utf8')) as Any).dependencies[0]!;
  const event = (data: unknown, time = '2024-05-01T12:00:00Z') => ({ sourceName: 'webhook', id: '1', source: 'webhook', type: 'webhook', time, datacontenttype: 'application/json', data });

  it('passes the payloads the corpus documents as passing', () => {
    const payload = { a: 'b', c: 10, d: { e: false } };
    assert.deepEqual(matchesDependency(withFilters('filter-with-multiple-filters.yaml'), event(payload), new Date()), { ok: true });
    const orPayload = { a: 'x', 'a-longer-name': 10, nested: { path: { 'can-get': { longer: false } } } };
    assert.deepEqual(matchesDependency(withFilters('filter-with-multiple-expr-filters-in-or.yaml'), event(orPayload), new Date()), { ok: true });
  });

  it('applies the corpus time windows, including the one across midnight', () => {
    const sensor = convert(parse(readFileSync(join(corpus, 'time-filter-webhook.yaml'), 'utf8')) as Any);
    const [first, second] = sensor.dependencies;
    assert.equal(matchesDependency(first!, event({}, '2024-05-01T22:30:00Z'), new Date()).ok, true);
    assert.equal(matchesDependency(second!, event({}, '2024-05-02T00:10:00Z'), new Date()).ok, true);
    assert.equal(matchesDependency(second!, event({}, '2024-05-02T00:30:00Z'), new Date()).ok, false);
  });
});

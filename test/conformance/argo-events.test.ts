// Conformance of the Argo Events compiler with the official schema (../shared/specs/argo-events,
// `required` relaxed as the specs README advises): the validator accepts the public corpus and
// refuses broken manifests; the example project compiles as far as Argo Events can express it —
// what it cannot is asserted as a CompileError — and every manifest produced validates, also
// against the closed form of the schema (no unknown fields). A snapshot pins the output.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { CompileError } from '../../src/errors.js';
import { CompileContext, compileEventSource, compileProjectToArgoEvents, compileSensor } from '../../src/events/compile/index.js';
import { loadProject, type EventSourceConfig, type Project } from '../../src/project/load.js';
import { CORPUS_DIR, requireShared } from '../helpers/shared.js';
import { matchSnapshot } from '../helpers/snapshot.js';
import { standInDeps } from '../events/compile/stand-ins.js';
import { loadArgoEventsValidator, type ArgoEventsValidator } from './argo-events-schema.js';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/tandem.yaml');
const SNAPSHOT = join(ROOT, 'test/events/compile/__snapshots__/example-project.argo-events.json');

let open: ArgoEventsValidator | undefined;
let closed: ArgoEventsValidator | undefined;
const validators = () => {
  open ??= loadArgoEventsValidator();
  closed ??= loadArgoEventsValidator({ closed: true });
  return { open, closed };
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

function assertValid(manifest: Record<string, unknown>): void {
  const { open: loose, closed: strict } = validators();
  const name = `${String(manifest.kind)} ${String((manifest.metadata as { name?: string }).name)}`;
  assert.deepEqual(loose(manifest).errors, [], `${name} against the schema`);
  assert.deepEqual(strict(manifest).errors, [], `${name} against the closed schema`);
}

/** The example's workflows with the params they declare, as the Argo compiler would list them. */
const exampleDeps = () =>
  standInDeps({
    params: { 'document-ingestion': ['docs', 'chunkSize'], 'conditional-dag': ['threshold'] },
    github: { organizations: ['example-org'] },
  });

/** The example with what Argo Events cannot express taken out: JetStream and MessagePack, and Forbid. */
function expressibleExample(project: Project): Project {
  const eventSources = project.eventSources.map((source): EventSourceConfig => {
    if (source.kind === 'nats') {
      const { jetStream: _jetStream, ...config } = source.config;
      return { ...source, config: { ...config, payload: 'json' } };
    }
    if (source.kind === 'cron') return { ...source, config: { ...source.config, concurrencyPolicy: 'Allow' } };
    return source;
  });
  return { ...project, eventSources };
}

void describe('Argo Events schema validator', () => {
  void it('accepts every EventSource and Sensor of the public corpus', (t) => {
    if (!requireShared(t)) return;
    const dir = join(CORPUS_DIR, 'argo-events');
    const skipped = new Map<string, number>();
    let checked = 0;
    for (const file of filesUnder(dir).filter((f) => /\.ya?ml$/.test(f))) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const manifest = doc.toJS() as Record<string, unknown> | null;
        if (manifest === null) continue;
        const kind = String(manifest.kind);
        if (kind !== 'EventSource' && kind !== 'Sensor') {
          skipped.set(kind, (skipped.get(kind) ?? 0) + 1);
          continue;
        }
        checked++;
        assert.deepEqual(validators().open(manifest).errors, [], relative(dir, file));
      }
    }
    // Other kinds in the corpus (RBAC objects, a Service, a Pod) are not Argo Events objects.
    console.log(`argo-events corpus: ${checked} manifests validated; skipped ${[...skipped].map(([k, n]) => `${n} ${k}`).join(', ')}`);
    assert.ok(checked >= 80, `expected the corpus' ~88 EventSources and Sensors, checked ${checked}`);
  });

  void it('refuses manifests with the wrong types or shapes', (t) => {
    if (!requireShared(t)) return;
    const { open: validate } = validators();
    const broken: Array<[string, Record<string, unknown>]> = [
      ['webhook port as a number', { apiVersion: 'argoproj.io/v1alpha1', kind: 'EventSource', metadata: { name: 'x' }, spec: { webhook: { x: { endpoint: '/x', port: 12000, method: 'POST' } } } }],
      ['dependencies as an object', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Sensor', metadata: { name: 'x' }, spec: { dependencies: { a: 1 }, triggers: [] } }],
      ['data filter value as a string', { kind: 'Sensor', metadata: { name: 'x' }, spec: { dependencies: [{ name: 'a', eventSourceName: 's', eventName: 'e', filters: { data: [{ path: 'p', type: 'string', value: 'v' }] } }] } }],
      ['retry steps as text', { kind: 'Sensor', metadata: { name: 'x' }, spec: { triggers: [{ retryStrategy: { steps: 'three' } }] } }],
      ['a kind that is neither', { kind: 'Workflow', metadata: { name: 'x' }, spec: {} }],
    ];
    for (const [what, manifest] of broken) assert.equal(validate(manifest).valid, false, what);
    const misspelled = { kind: 'Sensor', metadata: { name: 'x' }, spec: { dependencies: [{ name: 'a', eventSourceName: 's', eventName: 'e', filter: {} }] } };
    assert.equal(validate(misspelled).valid, true, 'the open schema ignores unknown fields');
    assert.match(validators().closed(misspelled).errors.join('\n'), /additional properties \(filter\)/);
  });
});

void describe('the example project compiled to Argo Events', () => {
  void it('refuses the JetStream NATS source as a whole', async () => {
    const project = await loadProject(EXAMPLE);
    assert.throws(
      () => compileProjectToArgoEvents(project, exampleDeps()),
      (error: unknown) => error instanceof CompileError && error.feature === 'jetStream' && error.where === 'event source uploads',
    );
  });

  void it('compiles each part Argo Events can express, and refuses the others by name', async (t) => {
    if (!requireShared(t)) return;
    const project = await loadProject(EXAMPLE);
    const ctx = new CompileContext(exampleDeps(), project.eventSources);
    const refused: Record<string, string> = {};
    const produced: Array<Record<string, unknown>> = [];
    const attempt = (label: string, compile: () => Record<string, unknown>) => {
      try {
        produced.push(compile());
      } catch (error) {
        if (!(error instanceof CompileError)) throw error;
        refused[label] = error.feature;
      }
    };
    for (const source of project.eventSources) attempt(`source ${source.name}`, () => compileEventSource(ctx, source));
    for (const sensor of project.sensors) attempt(`sensor ${sensor.name}`, () => compileSensor(ctx, sensor));
    assert.deepEqual(refused, {
      'source uploads': 'jetStream',
      'source nightly': 'concurrencyPolicy',
      'sensor ingest-on-upload': 'expression filter',
    });
    assert.equal(produced.length, 3);
    for (const manifest of produced) assertValid(manifest);
  });

  void it('compiles the expressible form of the example to valid manifests (snapshot)', async (t) => {
    if (!requireShared(t)) return;
    const project = expressibleExample(await loadProject(EXAMPLE));
    const output = compileProjectToArgoEvents(project, exampleDeps());
    assert.equal(output.eventSources.length, 3);
    assert.equal(output.sensors.length, 3);
    for (const manifest of [...output.eventSources, ...output.sensors]) assertValid(manifest);
    assert.deepEqual(compileProjectToArgoEvents(project, exampleDeps()), output, 'the output is deterministic');
    matchSnapshot(SNAPSHOT, `${JSON.stringify(output, null, 2)}\n`);
  });
});

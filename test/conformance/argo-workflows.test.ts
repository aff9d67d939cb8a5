// Conformance of the Argo compiler with the official Argo Workflows schema: the validator accepts
// the public corpus (so it is not too strict) and rejects broken manifests (so it can fail);
// every example compiles to Workflow, WorkflowTemplate and CronWorkflow that validate (and pass
// the controller's rules, see argo-workflows-rules.test.ts), or is
// refused with a CompileError naming the feature; and snapshots pin the compiled YAML.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { CompileError } from '../../src/errors.js';
import { argoManifestYaml, argoSupportingObjects, compileToArgo, type ArgoCompileOptions } from '../../src/engines/argo/compile/index.js';
import { loadWorkflowFile } from '../../src/spec/index.js';
import { CORPUS_DIR, requireShared, yamlFiles } from '../helpers/shared.js';
import { matchSnapshot } from '../helpers/snapshot.js';
import { ARGO_KINDS, loadArgoValidator, type ArgoValidator } from './argo-schema.js';
import { checkArgoManifests } from './rules/argo-workflows/index.js';

const ROOT = join(import.meta.dirname, '../..');
const SNAPSHOTS = join(ROOT, 'test/engines/argo/__snapshots__');
const EXAMPLES = readdirSync(join(ROOT, 'examples'))
  .filter((name) => statSync(join(ROOT, 'examples', name)).isDirectory())
  .filter((name) => readdirSync(join(ROOT, 'examples', name)).includes('workflow.yaml'))
  .sort();
/** Examples Argo cannot express, and the feature each CompileError must name. */
const REFUSED: Record<string, string> = {
  'ml-training': 'cache',
  hybrid: 'workflow runner',
};
const KINDS: Array<[string, ArgoCompileOptions]> = [
  ['Workflow', {}],
  ['WorkflowTemplate', { kind: 'WorkflowTemplate' }],
  ['CronWorkflow', { schedule: { schedules: ['0 2 * * *'], timezone: 'Europe/Paris', concurrencyPolicy: 'Forbid' } }],
];

function assertValid(validate: ArgoValidator, manifest: unknown, label: string): void {
  const result = validate(manifest);
  assert.ok(result.valid, `${label} does not validate:\n${result.errors.slice(0, 10).join('\n')}`);
}

let validate: ArgoValidator;

void describe('Argo Workflows schema: the validator', () => {
  before(() => {
    validate = loadArgoValidator();
  });

  void it('accepts every Argo manifest of the public corpus (other kinds, e.g. ConfigMap, are skipped by kind)', (t) => {
    if (!requireShared(t)) return;
    let checked = 0;
    const skipped = new Set<string>();
    for (const file of yamlFiles(join(CORPUS_DIR, 'argo-workflows'))) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const manifest = doc.toJS() as { kind?: string } | null;
        if (manifest === null) continue;
        if (!ARGO_KINDS.includes(manifest.kind as (typeof ARGO_KINDS)[number])) {
          skipped.add(String(manifest.kind));
          continue;
        }
        assertValid(validate, manifest, `${basename(file)} (${manifest.kind})`);
        checked++;
      }
    }
    assert.ok(checked >= 100, `expected the corpus to hold at least 100 Argo manifests, found ${checked}`);
    t.diagnostic(`validated ${checked} manifests; skipped kinds: ${[...skipped].sort().join(', ') || 'none'}`);
  });

  const base = () => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'x-' },
    spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine', command: ['true'] } }] },
  });
  const broken: Array<[string, (m: ReturnType<typeof base>) => unknown]> = [
    ['a container without image', (m) => ({ ...m, spec: { ...m.spec, templates: [{ name: 'main', container: { command: ['true'] } }] } })],
    ['templates as an object', (m) => ({ ...m, spec: { ...m.spec, templates: { main: {} } } })],
    ['a DAG task without name', (m) => ({ ...m, spec: { ...m.spec, templates: [{ name: 'main', dag: { tasks: [{ template: 'a' }] } }] } })],
    ['parallelism as text', (m) => ({ ...m, spec: { ...m.spec, parallelism: 'two' } })],
    ['a missing spec', (m) => ({ ...m, spec: undefined })],
    ['a CronWorkflow without schedules', (m) => ({ ...m, kind: 'CronWorkflow', spec: { workflowSpec: m.spec } })],
    ['an unknown kind', (m) => ({ ...m, kind: 'Pod' })],
  ];
  for (const [label, breakIt] of broken) {
    void it(`rejects ${label}`, (t) => {
      if (!requireShared(t)) return;
      assertValid(validate, base(), 'the unbroken manifest');
      assert.equal(validate(JSON.parse(JSON.stringify(breakIt(base())))).valid, false);
    });
  }
});

void describe('Argo compiler: examples', () => {
  for (const example of EXAMPLES) {
    for (const [kind, options] of KINDS) {
      void it(`${example} → ${kind}`, async (t) => {
        if (!requireShared(t)) return;
        const { spec } = await loadWorkflowFile(join(ROOT, 'examples', example, 'workflow.yaml'));
        const refused = REFUSED[example];
        if (refused !== undefined) {
          assert.throws(() => compileToArgo(spec, options), (error: unknown) => error instanceof CompileError && error.feature === refused);
          return;
        }
        const manifest = compileToArgo(spec, options);
        assert.equal(manifest.kind, kind);
        assertValid(validate ?? loadArgoValidator(), manifest, `${example} as ${kind}`);
        // The controller's own rules too (rules/argo-workflows), with the ConfigMaps written beside it.
        assert.deepEqual(checkArgoManifests([manifest, ...argoSupportingObjects(spec, options)]), [], `${example} as ${kind}`);
        if (kind === 'Workflow') matchSnapshot(join(SNAPSHOTS, `${example}.yaml`), argoManifestYaml(manifest));
      });
    }
  }

  void it('compiles the same spec to the same YAML every time', async () => {
    const { spec } = await loadWorkflowFile(join(ROOT, 'examples', 'conditional-dag', 'workflow.yaml'));
    assert.equal(argoManifestYaml(compileToArgo(structuredClone(spec))), argoManifestYaml(compileToArgo(spec)));
  });
});

// Argo Workflows' own rules (test/conformance/rules/argo-workflows, modelled on the controller's
// validate.go and its run-time resolution), checked three ways: the upstream examples pass them
// (so the checks are not stricter than Argo), each rule rejects the mistake it is about (so the
// checks can fail), and every manifest tandem compiles for Argo passes them: each example as a
// Workflow, WorkflowTemplate and CronWorkflow, both example projects, and one case per row of
// docs/compile.md's feature table.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { foldersOf, projectLayout } from '../../src/compile/layout.js';
import { layoutOf } from '../../src/compile/project.js';
import { compileProjectEvents } from '../../src/compile/project-events.js';
import { compileWorkflow } from '../../src/compile/workflow.js';
import type { CompileSettings } from '../../src/compile/targets.js';
import { argoSupportingObjects, compileToArgo, type ArgoCompileOptions } from '../../src/engines/argo/compile/index.js';
import { CompileError } from '../../src/errors.js';
import { loadProject } from '../../src/project/load.js';
import { buildPolicy } from '../../src/router/index.js';
import { loadWorkflowFile, validateWorkflow } from '../../src/spec/index.js';
import { CORPUS_DIR, requireShared, yamlFiles } from '../helpers/shared.js';
import { ARGO_FEATURE_ROWS } from './argo-feature-cases.js';
import { loadArgoValidator } from './argo-schema.js';
import { checkArgoManifests } from './rules/argo-workflows/index.js';

const ROOT = join(import.meta.dirname, '../..');
const SETTINGS: CompileSettings = { argo: {}, kfp: { defaultImage: 'alpine:3.20' }, policy: buildPolicy() };

/** Upstream examples the API server itself refuses (no metadata.name): the checks must say so. */
const UPSTREAM_BROKEN: Record<string, RegExp> = {
  'fun-with-gifs.yaml': /metadata: needs name or generateName/,
  'k8s-jobs.yaml': /metadata: needs name or generateName/,
};

function documents(text: string): unknown[] {
  return parseAllDocuments(text).map((doc) => doc.toJS() as unknown);
}

void describe('Argo rules: the upstream examples', () => {
  void it('accepts every example Argo accepts, and names what is wrong with the two it does not', (t) => {
    if (!requireShared(t)) return;
    let checked = 0;
    const unreadable: string[] = [];
    for (const file of yamlFiles(join(CORPUS_DIR, 'argo-workflows'))) {
      const parsed = parseAllDocuments(readFileSync(file, 'utf8'));
      // Multi-line flow scalars that Go's YAML reads and this YAML library refuses: not checkable here.
      if (parsed.some((doc) => doc.errors.length > 0)) {
        unreadable.push(basename(file));
        continue;
      }
      const problems = checkArgoManifests(parsed.map((doc) => doc.toJS() as unknown), { configMaps: 'user-provided' });
      const broken = UPSTREAM_BROKEN[basename(file)];
      if (broken) assert.ok(problems.some((problem) => broken.test(problem)), `${basename(file)}: expected ${String(broken)}, found ${problems.join('; ')}`);
      else assert.deepEqual(problems, [], basename(file));
      checked++;
    }
    assert.ok(checked >= 100, `expected at least 100 readable files, found ${checked}`);
    assert.ok(unreadable.length <= 10, `too many unreadable files: ${unreadable.join(', ')}`);
    t.diagnostic(`checked ${checked} files; unreadable by the yaml library: ${unreadable.join(', ') || 'none'}`);
  });
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function base(): Json {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'x-' },
    spec: {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'p', value: '1' }] },
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              { name: 'a', template: 'leaf', arguments: { parameters: [{ name: 'm', value: '{{workflow.parameters.p}}' }] } },
              { name: 'b', template: 'leaf', depends: 'a', arguments: { parameters: [{ name: 'm', value: '{{tasks.a.outputs.parameters.o}}' }] } },
            ],
          },
        },
        {
          name: 'leaf',
          inputs: { parameters: [{ name: 'm' }] },
          outputs: { parameters: [{ name: 'o', valueFrom: { path: '/tmp/o' } }] },
          container: { image: 'alpine', command: ['echo', '{{inputs.parameters.m}}'] },
        },
      ],
    },
  };
}

const main = (m: Json): Json => m.spec.templates[0];
const leaf = (m: Json): Json => m.spec.templates[1];

/** Each rule, the mistake it is about, and the message it must give (the Argo problems first). */
const BROKEN: Array<[string, (m: Json) => void, RegExp]> = [
  ['a DAG task name with _', (m) => { main(m).dag.tasks[0].name = 'check_data'; main(m).dag.tasks[1].depends = 'check_data'; }, /tasks\[check_data\]\.name: DAG task name "check_data" must be letters, digits and '-'/],
  ['depends reading check_data as two names', (m) => { main(m).dag.tasks[1].depends = 'check_data'; }, /depends: "check_data" is not a task name: '_' is not allowed/],
  ['a memoize key with /', (m) => { leaf(m).memoize = { key: 'wf/a/{{inputs.parameters.m}}', cache: { configMap: { name: 'c' } } }; }, /memoize\.key: .*cannot be a ConfigMap cache key/],
  ['a semaphore whose ConfigMap is not emitted', (m) => { leaf(m).synchronization = { semaphores: [{ configMapKeyRef: { name: 'tandem-semaphores', key: 'gpu' } }] }; }, /ConfigMap tandem-semaphores is not emitted/],
  ['a CronWorkflow name over 52 characters', (m) => { m.kind = 'CronWorkflow'; m.metadata = { name: 'n'.repeat(53) }; m.spec = { schedules: ['0 * * * *'], workflowSpec: m.spec }; }, /metadata\.name: a CronWorkflow name may be at most 52 characters/],
  ['a metadata name that is not DNS-1123', (m) => { m.metadata = { name: 'Bad_Name' }; }, /metadata\.name: "Bad_Name" is not a DNS-1123 subdomain/],
  ['depends on a task that does not exist', (m) => { main(m).dag.tasks[1].depends = 'a && ghost'; }, /depends: task "ghost" is not defined/],
  ['a dependency cycle', (m) => { main(m).dag.tasks[0].depends = 'b'; main(m).dag.tasks[0].arguments.parameters[0].value = 'x'; }, /dependency cycle: a -> b -> a|dependency cycle: b -> a -> b/],
  ['a task name starting with a digit under depends', (m) => { main(m).dag.tasks[0].name = '1a'; main(m).dag.tasks[1].depends = '1a'; }, /cannot begin with a digit/],
  ['an undeclared input parameter', (m) => { leaf(m).container.command = ['echo', '{{inputs.parameters.nope}}']; }, /\{\{inputs\.parameters\.nope\}\} cannot be resolved here/],
  ['an output of a task that is not upstream', (m) => { delete main(m).dag.tasks[1].depends; }, /\{\{tasks\.a\.outputs\.parameters\.o\}\} cannot be resolved here/],
  ['an output the producer does not declare', (m) => { main(m).dag.tasks[1].arguments.parameters[0].value = '{{tasks.a.outputs.parameters.missing}}'; }, /tasks\.a\.outputs\.parameters\.missing\}\} cannot be resolved/],
  ['an artifact the producer does not declare', (m) => { main(m).dag.tasks[1].arguments.artifacts = [{ name: 'f', from: '{{tasks.a.outputs.artifacts.f}}' }]; }, /tasks\.a\.outputs\.artifacts\.f\}\} cannot be resolved/],
  ['item outside a loop', (m) => { main(m).dag.tasks[0].arguments.parameters[0].value = '{{item}}'; }, /\{\{item\}\} cannot be resolved here/],
  ['a DAG reference inside a container', (m) => { leaf(m).container.command = ['echo', '{{tasks.a.outputs.result}}']; }, /\{\{tasks\.a\.outputs\.result\}\} cannot be resolved here/],
  ['workflow.failures without an exit handler', (m) => { leaf(m).container.command = ['echo', '{{workflow.failures}}']; }, /\{\{workflow\.failures\}\} cannot be resolved/],
  ['an undeclared workflow parameter', (m) => { leaf(m).container.command = ['echo', '{{workflow.parameters.q}}']; }, /\{\{workflow\.parameters\.q\}\} cannot be resolved/],
  ['an expression reading a task that is not upstream', (m) => { main(m).dag.tasks[0].arguments.parameters[0].value = "{{=tasks['b'].outputs.result}}"; }, /reads tasks\.b, which is not upstream/],
  ['withItems and withParam together', (m) => { main(m).dag.tasks[0].withItems = [1]; main(m).dag.tasks[0].withParam = '[1]'; }, /only one of withItems, withParam, withSequence can be given/],
  ['withParam that is neither a tag nor a JSON list', (m) => { main(m).dag.tasks[0].withParam = 'a,b'; }, /withParam: "a,b" is neither a tag nor a JSON list/],
  ['withSequence with count and end', (m) => { main(m).dag.tasks[0].withSequence = { count: '2', end: '3' }; }, /withSequence: only one of count or end/],
  ['an exit handler that does not exist', (m) => { m.spec.onExit = 'cleanup'; }, /spec\.onExit: exit handler template "cleanup" is not defined/],
  ['an entrypoint that does not exist', (m) => { m.spec.entrypoint = 'nope'; }, /spec\.entrypoint: template "nope" is not defined/],
  ['a task calling a template that does not exist', (m) => { main(m).dag.tasks[0].template = 'nope'; }, /tasks\[a\]\.template: template "nope" is not defined/],
  ['an input parameter not supplied', (m) => { delete main(m).dag.tasks[0].arguments; }, /input parameter m of template leaf is not supplied/],
  ['an unknown retry policy', (m) => { leaf(m).retryStrategy = { limit: 2, retryPolicy: 'Sometimes' }; }, /retryStrategy\.retryPolicy: "Sometimes" is not one of/],
  ['a retry limit that is not an integer', (m) => { leaf(m).retryStrategy = { limit: 'two' }; }, /retryStrategy\.limit: must be a non-negative integer/],
  ['a backoff duration that is not a duration', (m) => { leaf(m).retryStrategy = { limit: 1, backoff: { duration: '1d' } }; }, /backoff\.duration: "1d" is not a duration/],
  ['activeDeadlineSeconds on a DAG', (m) => { main(m).activeDeadlineSeconds = 10; }, /templates\[main\]\.activeDeadlineSeconds: is only valid for leaf templates/],
  ['activeDeadlineSeconds of zero', (m) => { leaf(m).activeDeadlineSeconds = 0; }, /activeDeadlineSeconds: must be a positive integer/],
  ['activeDeadlineSeconds as text', (m) => { leaf(m).activeDeadlineSeconds = 'soon'; }, /activeDeadlineSeconds: must be a positive integer or an Argo variable/],
  ['parallelism on a container', (m) => { leaf(m).parallelism = 2; }, /templates\[leaf\]\.parallelism: is only valid for steps and dag templates/],
  ['a container output parameter without a path', (m) => { leaf(m).outputs.parameters[0].valueFrom = { parameter: '{{inputs.parameters.m}}' }; }, /a container template reads output parameters from a path/],
  ['an output parameter with no source', (m) => { leaf(m).outputs.parameters[0] = { name: 'o' }; }, /outputs\.parameters\[o\]: needs valueFrom or value/],
  ["a loop's artifact read with from", (m) => {
    main(m).dag.tasks[0].withItems = [1, 2];
    leaf(m).outputs.artifacts = [{ name: 'f', path: '/tmp/f' }];
    main(m).dag.tasks[1].arguments = { parameters: [{ name: 'm', value: 'x' }], artifacts: [{ name: 'f', from: '{{tasks.a.outputs.artifacts.f}}' }] };
  }, /names an artifact of a loop, which Argo does not aggregate/],
  ['an input artifact given no source', (m) => { leaf(m).inputs.artifacts = [{ name: 'f', path: '/tmp/f' }]; }, /input artifact f of template leaf is given no from, location or key/],
  ['a key-only artifact without a repository', (m) => { leaf(m).outputs.artifacts = [{ name: 'f', path: '/tmp/f', s3: { key: 'k' } }]; }, /a key-only artifact needs an artifact repository/],
  ['a parameter name with a space', (m) => { leaf(m).inputs.parameters[0].name = 'a b'; }, /name "a b" must be letters, digits, '_' or '-'/],
  ['two templates with one name', (m) => { m.spec.templates.push({ ...leaf(m) }); }, /template name "leaf" is not unique/],
  ['a label value that is not one', (m) => { m.metadata.labels = { 'tandem.dev/workflow': 'a b' }; }, /metadata\.labels\.tandem\.dev\/workflow: "a b" is not a label value/],
  ['a cron schedule with six fields', (m) => { m.kind = 'CronWorkflow'; m.metadata = { name: 'c' }; m.spec = { schedules: ['0 0 * * * *'], workflowSpec: m.spec }; }, /spec\.schedules\[0\]: .* is not a five-field cron expression/],
];

void describe('Argo rules: each rule rejects its mistake', () => {
  void it('accepts the unbroken manifest', () => {
    assert.deepEqual(checkArgoManifests([base()], { defaultArtifactRepository: false }), []);
  });
  for (const [label, breakIt, message] of BROKEN) {
    void it(`rejects ${label}`, () => {
      const manifest = base();
      breakIt(manifest);
      const problems = checkArgoManifests([manifest], { defaultArtifactRepository: false });
      assert.ok(problems.some((problem) => message.test(problem)), `expected ${String(message)} among:\n${problems.join('\n')}`);
    });
  }
  void it('accepts a semaphore whose ConfigMap and key are emitted beside the workflow', () => {
    const manifest = base();
    leaf(manifest).synchronization = { semaphores: [{ configMapKeyRef: { name: 'sem', key: 'limit' } }] };
    assert.deepEqual(checkArgoManifests([manifest, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sem' }, data: { limit: '2' } }]), []);
    assert.match(checkArgoManifests([manifest, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sem' }, data: { other: '2' } }]).join('\n'), /ConfigMap sem has no key limit/);
  });
});

/** What `tandem compile` writes for one workflow file, as documents. */
async function compiledDocuments(spec: Parameters<typeof compileWorkflow>[0], baseDir: string, settings: CompileSettings = SETTINGS): Promise<unknown[]> {
  const files = await compileWorkflow(spec, baseDir, 'auto', settings, projectLayout(foldersOf(spec, baseDir)));
  return files.filter((file) => file.name.endsWith('.argo.yaml')).flatMap((file) => documents(file.yaml));
}

function assertPasses(docs: unknown[], label: string): void {
  assert.ok(docs.length > 0, `${label}: nothing compiled for Argo`);
  assert.deepEqual(checkArgoManifests(docs), [], label);
}

const EXAMPLES = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && readdirSync(join(ROOT, 'examples', entry.name)).includes('workflow.yaml'))
  .map((entry) => entry.name)
  .sort();
const KINDS: Array<[string, ArgoCompileOptions]> = [
  ['Workflow', {}],
  ['WorkflowTemplate', { kind: 'WorkflowTemplate' }],
  ['CronWorkflow', { schedule: { schedules: ['0 2 * * *'] } }],
];

void describe('Argo rules: what tandem compiles', () => {
  for (const example of EXAMPLES) {
    void it(`${example}: every kind passes the rules`, async () => {
      const { spec, baseDir } = await loadWorkflowFile(join(ROOT, 'examples', example, 'workflow.yaml'));
      for (const [kind, options] of KINDS) {
        const settings = { ...SETTINGS, argo: options };
        try {
          const docs = spec.tasks.some((task) => task.workflow) ? await compiledDocuments(spec, baseDir, settings) : [compileToArgo(spec, options), ...argoSupportingObjects(spec, options)];
          assertPasses(docs, `${example} as ${kind}`);
        } catch (error) {
          // What Argo cannot express is refused by name (the examples table in docs/compile.md says which).
          if (!(error instanceof CompileError)) throw error;
          assert.equal(example, 'ml-training', `${example} as ${kind}: ${error.message}`);
        }
      }
    });
  }

  for (const project of ['examples/tandem.yaml', 'examples/cluster/tandem.yaml']) {
    void it(`${project}: every workflow routed to Argo passes the rules`, async () => {
      const loaded = await loadProject(join(ROOT, project), { cwd: ROOT, env: {} });
      let argo = 0;
      for (const entry of loaded.catalog.list()) {
        const docs = await compiledDocuments(entry.spec, entry.baseDir);
        if (docs.length === 0) continue;
        argo++;
        assertPasses(docs, `${project}: ${entry.spec.name}`);
      }
      assert.ok(argo > 0, `${project} routes no workflow to Argo`);
    });
  }

  void it('examples/cluster/tandem.yaml: the Workflows its sensors create pass the rules', async () => {
    const project = await loadProject(join(ROOT, 'examples/cluster/tandem.yaml'), { cwd: ROOT, env: {} });
    const { file } = await compileProjectEvents(project, { ...SETTINGS, kfpEndpoint: 'http://ml-pipeline.kubeflow:8888', github: { organizations: ['acme'] } }, layoutOf(project, undefined));
    assert.ok(file !== undefined, 'the project compiles event sources and sensors');
    const embedded: unknown[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value !== null && typeof value === 'object') {
        const record = value as Json;
        if (record.apiVersion === 'argoproj.io/v1alpha1' && record.kind === 'Workflow') embedded.push(record);
        else Object.values(record).forEach(collect);
      }
    };
    collect(documents(file.yaml));
    assert.ok(embedded.length > 0, 'no sensor creates a Workflow');
    for (const workflow of embedded) assert.deepEqual(checkArgoManifests([workflow]), []);
  });

  for (const [row, cases] of Object.entries(ARGO_FEATURE_ROWS)) {
    for (const feature of cases) {
      void it(`docs/compile.md row "${row}": ${feature.label}`, (t) => {
        const spec = validateWorkflow(feature.doc, { file: `${feature.label}.yaml` });
        if (feature.refused !== undefined) {
          assert.throws(() => compileToArgo(spec, feature.options), (error: unknown) => error instanceof CompileError && error.feature === feature.refused);
          return;
        }
        const manifest = compileToArgo(spec, feature.options);
        assertPasses([manifest, ...argoSupportingObjects(spec, feature.options)], feature.label);
        if (!requireShared(t)) return;
        assert.deepEqual(loadArgoValidator()(manifest).errors, [], `${feature.label}: schema`);
      });
    }
  }

  void it('has a case for every row of the Argo column of docs/compile.md', () => {
    const text = readFileSync(join(ROOT, 'docs/compile.md'), 'utf8');
    const table = text.slice(text.indexOf('## What each feature becomes'), text.indexOf('## Event sources'));
    const rows = table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| tandem') && !line.startsWith('| ---')).map((line) => line.split(' | ')[0]!.slice(2).trim());
    assert.deepEqual(rows.filter((row) => !(row in ARGO_FEATURE_ROWS)), [], 'rows without a case');
    assert.deepEqual(Object.keys(ARGO_FEATURE_ROWS).filter((row) => !rows.includes(row)), [], 'cases without a row');
  });
});

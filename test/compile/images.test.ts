// Which image each compiled task names. Process and script tasks used to default to alpine,
// where the examples' `node -e` commands have no Node.js; they now default to a Node image, as
// node tasks do; a node task's own image wins on KFP as it does on Argo; and the `images`
// section of tandem.yaml (declared once in src/config/settings.ts) reaches the manifests through
// `tandem compile`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { compileToArgo } from '../../src/engines/argo/compile/index.js';
import { compileToKfp } from '../../src/engines/kfp/compile/index.js';
import type { WorkflowSpec } from '../../src/spec/schema.js';

const ROOT = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'images-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const spec = {
  name: 'imgs',
  tasks: [
    { name: 'say', process: { command: 'node', args: ['-e', 'console.log(1)'] } },
    { name: 'own', image: 'registry.example/own:1', node: { module: 'task.js' } },
    { name: 'mod', node: { module: 'task.js' } },
  ],
} as unknown as WorkflowSpec;

function argoImages(manifest: Record<string, unknown>): Record<string, string> {
  const templates = (manifest.spec as { templates: Array<{ name: string; container?: { image: string }; script?: { image: string } }> }).templates;
  return Object.fromEntries(templates.flatMap((t) => ((t.container ?? t.script) ? [[t.name, (t.container ?? t.script)!.image]] : [])));
}

function kfpImages(ir: Record<string, unknown>): string[] {
  const executors = ((ir.deploymentSpec ?? (ir as { pipelineSpec?: { deploymentSpec?: unknown } }).pipelineSpec?.deploymentSpec) as { executors: Record<string, { container: { image: string } }> }).executors;
  return Object.values(executors).map((e) => e.container.image).sort();
}

void describe('task images', () => {
  void it('process tasks default to a Node image on Argo, not alpine', () => {
    assert.deepEqual(argoImages(compileToArgo(spec)), { say: 'node:20-slim', own: 'registry.example/own:1', mod: 'node:20-slim' });
  });

  void it("a node task's own image wins on KFP, as on Argo", () => {
    assert.deepEqual(kfpImages(compileToKfp(spec, { defaultImage: 'node:20-slim' })), ['node:20-slim', 'node:20-slim', 'registry.example/own:1']);
  });

  void it("tandem compile names the images of tandem.yaml's images section, and the task image with --image-recipe", () => {
    const config = join(scratch, 'tandem.yaml');
    writeFileSync(config, 'images:\n  default: registry.example/base:2\n  node: registry.example/node:2\n  tasks: registry.example/tasks:3\n');
    const compile = (...extra: string[]) => {
      const result = spawnSync(process.execPath, [join(ROOT, 'bin/tandem.js'), '--config', config, 'compile', 'examples/hybrid/workflow.yaml', '--target', 'hybrid', ...extra], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, TANDEM_HOME: join(scratch, 'home') },
      });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout;
    };
    const plain = compile();
    assert.match(plain, /image: registry\.example\/node:2/, 'node tasks');
    assert.match(plain, /image: registry\.example\/base:2/, 'process tasks');
    assert.doesNotMatch(plain, /alpine/);
    compile('--image-recipe', join(scratch, 'recipe'), '-o', join(scratch, 'out'));
    const workflow = readFileSync(join(scratch, 'out', 'hybrid-retraining.argo.yaml'), 'utf8');
    assert.deepEqual([...new Set([...workflow.matchAll(/image: (\S+)/g)].map((m) => m[1]))], ['registry.example/tasks:3']);
    assert.ok(existsSync(join(scratch, 'recipe', 'pipelines', 'ml-training.kfp.yaml')), 'the recipe ships the pipeline the hybrid step starts');
  });
});

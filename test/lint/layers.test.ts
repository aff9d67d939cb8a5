// The layers are enforced, not remembered: the repository's own lint configuration (eslint.config.js
// with eslint.layers.js) rejects an import against them, and accepts the same import where the
// layers allow it. Each case lints a few lines of source as if they were a file at that path.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = join(import.meta.dirname, '..', '..');
// The probe files do not exist, so the type-aware parsing the project's config asks for cannot see
// them: for them only, parse without types and leave out the rules that need types. Every other
// setting, the layer zones and the import resolver included, is the project's own.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: {
    files: ['**/layer-probe.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off', '@typescript-eslint/await-thenable': 'off' },
  },
});

/** The messages of the layer rule for `source` linted as the file at `path` (relative to the root). */
async function layerProblems(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(ROOT, path) });
  const messages = result?.messages ?? [];
  const fatal = messages.find((m) => m.fatal === true);
  if (fatal) throw new Error(`lint could not parse the probe: ${fatal.message}`);
  return messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message);
}

const CASES: { path: string; imports: string; rejected: boolean; why: string }[] = [
  { path: 'src/events/layer-probe.ts', imports: '../engines/local/engine.js', rejected: true, why: 'events/ holds the registry, never the local engine' },
  { path: 'src/cli/layer-probe.ts', imports: '../engines/local/engine.js', rejected: false, why: 'cli/ is a composition root' },
  { path: 'src/spec/layer-probe.ts', imports: '../router/route.js', rejected: true, why: 'spec/ imports nothing above it' },
  { path: 'src/store/ports/layer-probe.ts', imports: '../../engines/registry.js', rejected: true, why: 'store/ imports model types only' },
  { path: 'src/store/ports/layer-probe.ts', imports: '../../engines/model.js', rejected: false, why: 'engines/model.ts is the run model' },
  { path: 'src/engines/local/layer-probe.ts', imports: '../../events/pipeline.js', rejected: true, why: 'engines/ never import events/' },
  { path: 'src/engines/layer-probe.ts', imports: '../server/app.js', rejected: true, why: 'engines/ never import the server' },
  { path: 'src/tracking/layer-probe.ts', imports: '../store/sqlite/open.js', rejected: true, why: 'only composition roots open the SQLite adapter' },
  { path: 'src/server/layer-probe.ts', imports: '../cli/main.js', rejected: true, why: 'the server never imports the CLI' },
  { path: 'src/events/layer-probe.ts', imports: '../compile/targets.js', rejected: true, why: 'compile/ sits above events/' },
  { path: 'src/config/layer-probe.ts', imports: '../router/route.js', rejected: true, why: 'config/ sits below the router' },
  { path: 'src/config/layer-probe.ts', imports: '../events/pipeline.js', rejected: true, why: 'config/ takes only declarations from events/' },
  { path: 'src/config/layer-probe.ts', imports: '../events/sources/nats/schema.js', rejected: false, why: 'a source declaration is part of tandem.yaml' },
  { path: 'src/events/sensors/layer-probe.ts', imports: '../sources/cron/source.js', rejected: true, why: 'sensors see sources through the port' },
  { path: 'src/server/layer-probe.ts', imports: '../events/sources/cron/source.js', rejected: false, why: 'the server is a composition root' },
];

void describe('lint: the layers of docs/architecture.md', () => {
  for (const { path, imports, rejected, why } of CASES) {
    void it(`${rejected ? 'rejects' : 'allows'} ${imports} in ${path} (${why})`, async () => {
      const problems = await layerProblems(path, `import * as probe from '${imports}';\nexport const used = probe;\n`);
      if (rejected) assert.equal(problems.length, 1, `expected the import to be rejected; lint said ${JSON.stringify(problems)}`);
      else assert.deepEqual(problems, []);
    });
  }
});

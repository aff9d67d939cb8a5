#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js) into dist/bundle/, one file per command plus
// the chunks they share, which bin/tandem.js loads.
//
// Why: Node.js 20 loads each ES module file on its own (resolve, stat, read, compile), so a command
// that touches a few hundred small modules spends most of its start-up there: `tandem runs` loaded
// 335 of them (247 of TypeBox alone) and took 3.4x the time of `node -e 0`. Bundled, the same
// command loads a few dozen files. Code splitting keeps each command lazy (command-table.ts).
//
// Left outside the bundle, loaded from node_modules as before: the native addon (better-sqlite3),
// packages that find files of their own at run time (pino's transports, fastify's plugins, tsx's
// loader), and everything a child process or worker loads by path (the spawner helpers, the node
// shim, the checkpoint worker), which stays in dist/src/.
//
// Usage: node scripts/bundle.js   (after tsc has written dist/src)
import { readFile } from 'node:fs/promises';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'dist', 'bundle');
const COMPILED = join(ROOT, 'dist', 'src');

const EXTERNAL = ['better-sqlite3', 'pino', 'pino-*', 'thread-stream', 'fastify', '@fastify/*', 'tsx', 'tsx/*'];

/**
 * `new URL('./helper.pl', import.meta.url)` must keep naming the file beside its module in
 * dist/src, not a file beside the chunk it was bundled into: each module's import.meta.url
 * becomes its own compiled file's address, relative to the chunk (all chunks lie in OUT_DIR).
 * @type {import('esbuild').Plugin}
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromChunk = relative(OUT_DIR, path).split('\\').join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromChunk)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

rmSync(OUT_DIR, { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: { tandem: join(COMPILED, 'cli', 'main.js') },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  absWorkingDir: ROOT,
  target: 'node20',
  // The packages' ES module builds, where they have one: esbuild can leave out what is not used.
  mainFields: ['module', 'main'],
  external: EXTERNAL,
  plugins: [keepModuleUrls],
  // Bundled CommonJS packages call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __tandemRequire } from 'node:module'; const require = __tandemRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
});

// Which compiled modules each output file holds (paths relative to dist/src): the record of what a
// command loads, which test/cli/lazy-commands.test.ts reads to check that commands stay lazy.
/** @type {Record<string, string[]>} */
const modulesOf = {};
for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
  if (!output.endsWith('.js')) continue;
  modulesOf[relative(OUT_DIR, join(ROOT, output))] = Object.keys(inputs)
    .map((input) => relative(COMPILED, join(ROOT, input)))
    .filter((input) => !input.startsWith('..'));
}
writeFileSync(join(OUT_DIR, 'modules.json'), `${JSON.stringify(modulesOf)}\n`);

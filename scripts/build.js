#!/usr/bin/env node
// Builds dist/: the TypeScript compiler (incremental: it recompiles only what changed since its
// last build, remembered in dist/.tsbuildinfo), then the assets the compiled code needs, then the
// bundle bin/tandem.js loads (scripts/bundle.js).
//
// With --if-changed (npm start, npm run ingest, npm test) it first compares the build's inputs
// (every file under src/, the tsconfig files, package.json and package-lock.json, these scripts)
// with those of the last build, by content, and does nothing when they are the same: starting
// tandem again costs a few milliseconds instead of a compile.
//
// Usage: node scripts/build.js [--if-changed]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const INPUT_DIRS = ['src'];
const INPUT_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json', 'scripts/build.js', 'scripts/copy-assets.js', 'scripts/bundle.js'];
/** The digest of the inputs the last successful build compiled. */
const STAMP = join(ROOT, 'dist', '.build-inputs');
/** tsc's incremental state (tsBuildInfoFile in tsconfig.build.json). */
const TS_BUILD_INFO = join(ROOT, 'dist', '.tsbuildinfo');
/** What tsc writes for the CLI: without it tsc's incremental state is stale (see below). */
const ENTRY = join(ROOT, 'dist', 'src', 'cli', 'main.js');
/** What `bin/tandem.js` loads: without it there is no build, whatever the stamp says. */
const BUNDLE_ENTRY = join(ROOT, 'dist', 'bundle', 'tandem.js');

/** @param {string} dir @returns {string[]} */
function filesUnder(dir) {
  /** @type {string[]} */
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

/** One digest over every input's path and content: a renamed, added or deleted file changes it too. */
function inputsDigest() {
  const files = [...INPUT_DIRS.flatMap((dir) => filesUnder(join(ROOT, dir))), ...INPUT_FILES.map((file) => join(ROOT, file)).filter((file) => existsSync(file))];
  const hash = createHash('sha256');
  for (const file of files.map((f) => relative(ROOT, f)).sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(ROOT, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function readStamp() {
  try {
    return readFileSync(STAMP, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** @param {string} label @param {string[]} args */
function run(label, args) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${label} failed${result.signal ? ` (${result.signal})` : ''}`);
    process.exit(result.status ?? 1);
  }
}

const ifChanged = process.argv.includes('--if-changed');
// Taken before compiling: a file edited during the build makes the next --if-changed build again.
const digest = inputsDigest();
if (ifChanged && existsSync(ENTRY) && existsSync(BUNDLE_ENTRY) && readStamp() === digest) process.exit(0);
if (ifChanged) console.error('building tandem (the sources changed since the last build)...');

// tsc's incremental state remembers what it emitted, not whether it is still there: with the
// entry gone (dist/ partly removed), it starts from scratch.
if (!existsSync(ENTRY)) rmSync(TS_BUILD_INFO, { force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
run('tsc', [tsc, '-p', join(ROOT, 'tsconfig.build.json')]);
run('copying assets', [join(ROOT, 'scripts', 'copy-assets.js')]);
run('bundling the CLI', [join(ROOT, 'scripts', 'bundle.js')]);
mkdirSync(dirname(STAMP), { recursive: true });
writeFileSync(STAMP, `${digest}\n`);

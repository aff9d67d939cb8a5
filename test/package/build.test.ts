// scripts/build.js --if-changed (what npm start, npm run ingest and npm test run first): it compiles
// only when an input changed since the last build, by content, and otherwise does nothing. Run on
// a small project of its own (the script, a tsconfig, two sources) with the real TypeScript.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');

interface Result {
  code: number | null;
  stderr: string;
}

function build(dir: string, ...flags: string[]): Promise<Result> {
  return new Promise((done) => {
    execFile(process.execPath, [join(dir, 'scripts', 'build.js'), ...flags], { cwd: dir }, (error, _stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr });
    });
  });
}

void describe('scripts/build.js', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-build-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'scripts'));
  mkdirSync(join(dir, 'src', 'cli'), { recursive: true });
  for (const script of ['build.js', 'copy-assets.js', 'bundle.js']) copyFileSync(join(ROOT, 'scripts', script), join(dir, 'scripts', script));
  copyFileSync(join(ROOT, 'tsconfig.build.json'), join(dir, 'tsconfig.build.json'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [], outDir: 'dist', rootDir: '.' } }),
  );
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'build-test', type: 'module' }));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const main = join(dir, 'src', 'cli', 'main.ts');
  const output = join(dir, 'dist', 'src', 'cli', 'main.js');
  writeFileSync(main, 'export const answer: number = 41;\n');

  void it('builds the first time, then not again until an input changes', async () => {
    const first = await build(dir, '--if-changed');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^building tandem/);
    assert.match(readFileSync(output, 'utf8'), /answer = 41/);
    assert.ok(existsSync(join(dir, 'dist', '.tsbuildinfo')), 'tsc builds incrementally');
    const bundled = join(dir, 'dist', 'bundle', 'tandem.js');
    assert.match(readFileSync(bundled, 'utf8'), /answer = 41/, 'the bundle bin/tandem.js loads is made from the compiled code');

    const built = statSync(output).mtimeMs;
    const again = await build(dir, '--if-changed');
    assert.deepEqual(again, { code: 0, stderr: '' });
    assert.equal(statSync(output).mtimeMs, built, 'nothing was compiled');

    writeFileSync(main, 'export const answer: number = 42;\n');
    const edited = await build(dir, '--if-changed');
    assert.equal(edited.code, 0, edited.stderr);
    assert.match(edited.stderr, /^building tandem/);
    assert.match(readFileSync(output, 'utf8'), /answer = 42/);

    writeFileSync(join(dir, 'src', 'extra.ts'), 'export const extra = 1;\n');
    assert.match((await build(dir, '--if-changed')).stderr, /^building tandem/, 'a new file is a change');
    assert.ok(existsSync(join(dir, 'dist', 'src', 'extra.js')));
    assert.equal((await build(dir, '--if-changed')).stderr, '');

    rmSync(output);
    assert.match((await build(dir, '--if-changed')).stderr, /^building tandem/, 'a missing build is rebuilt, whatever the stamp says');
    assert.ok(existsSync(output));

    rmSync(join(dir, 'dist', 'bundle'), { recursive: true });
    assert.match((await build(dir, '--if-changed')).stderr, /^building tandem/, 'a missing bundle is rebuilt too');
    assert.ok(existsSync(join(dir, 'dist', 'bundle', 'tandem.js')));
  });

  void it('fails with the compiler, and keeps building until the sources compile', async () => {
    writeFileSync(main, 'export const answer: number = "not a number";\n');
    const broken = await build(dir, '--if-changed');
    assert.notEqual(broken.code, 0);
    assert.match(broken.stderr, /build: tsc failed/);
    const still = await build(dir, '--if-changed');
    assert.notEqual(still.code, 0, 'a failed build leaves no stamp');
    writeFileSync(main, 'export const answer: number = 43;\n');
    assert.equal((await build(dir, '--if-changed')).code, 0);
    assert.equal((await build(dir, '--if-changed')).stderr, '');
  });
});

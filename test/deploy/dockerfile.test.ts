// tandem's own image (Dockerfile, .dockerignore) and the smoke script, tested without a container
// engine: the stages start from node:20-slim and the last runs as a non-root user; every source a
// COPY takes from the build context exists and is not ignored, and what it takes from the build
// stage is what that stage builds; a folder laid out as the runtime stage (its COPY lines, the
// `tandem` link its RUN makes) runs the entrypoint's command and its default `serve`. The smoke
// script is checked with bash -n and shellcheck.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { VERSION } from '../../src/version.js';
import { readDockerfile } from '../helpers/dockerfile.js';
import { requireHere } from '../helpers/skip.js';

const ROOT = resolve(import.meta.dirname, '../..');
const stages = readDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const [build, runtime] = stages;
const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
const scratch = mkdtempSync(join(tmpdir(), 'image-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Whether .dockerignore keeps a path (relative to the context) out of the build: its patterns here are plain paths. */
function isIgnored(path: string): boolean {
  const clean = path.replace(/\/+$/, '');
  return ignored.some((pattern) => clean === pattern || clean.startsWith(`${pattern}/`));
}

void describe("tandem's image", () => {
  void it('is two stages on node:20-slim, the last run as a non-root user with tandem serve by default', () => {
    assert.equal(stages.length, 2);
    assert.deepEqual(stages.map((s) => s.image), ['node:20-slim', 'node:20-slim']);
    assert.equal(build!.name, 'build');
    assert.ok(runtime!.user !== undefined && runtime!.user !== 'root' && runtime!.user !== '0', `USER ${String(runtime!.user)}`);
    assert.deepEqual(runtime!.entrypoint, ['tini', '--', 'tandem']);
    assert.deepEqual(runtime!.cmd, ['serve']);
  });

  void it('copies from the context only sources that exist and .dockerignore lets through, and from the build stage what it builds', () => {
    for (const stage of stages) {
      for (const copy of stage.copies.filter((c) => c.from === undefined)) {
        for (const source of copy.sources) {
          assert.ok(existsSync(join(ROOT, source)), `${source} exists`);
          assert.ok(!isIgnored(source), `${source} is not in .dockerignore`);
        }
      }
    }
    // The build stage copies every input scripts/build.js reads, so `node scripts/build.js` there builds what it builds here.
    const copied = build!.copies.flatMap((c) => c.sources.map((s) => s.replace(/\/$/, '')));
    const buildScript = readFileSync(join(ROOT, 'scripts/build.js'), 'utf8');
    const inputs = [...(/const INPUT_FILES = \[([^\]]*)\]/.exec(buildScript)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]!);
    assert.ok(inputs.includes('package.json'), 'the inputs scripts/build.js lists');
    for (const input of [...inputs, 'src']) assert.ok(copied.some((c) => input === c || input.startsWith(`${c}/`)), `the build stage copies ${input}`);
    assert.ok(build!.runs.some((r) => r.includes('npm ci')) && build!.runs.some((r) => r.includes('node scripts/build.js') && r.includes('npm prune --omit=dev')));
    const fromBuild = runtime!.copies.filter((c) => c.from === 'build').flatMap((c) => c.sources);
    assert.deepEqual(fromBuild.sort(), ['/src/dist/', '/src/node_modules/', '/src/package.json']);
    assert.ok(existsSync(join(ROOT, 'dist/src/cli/main.js')), 'the build output the image takes (npm run build first)');
  });

  void it('runs its entrypoint from a folder laid out as the runtime stage', () => {
    const fs = join(scratch, 'root');
    const at = (path: string) => join(fs, path);
    const workdirOf = (dest: string) => (dest.startsWith('/') ? dest : join('/opt/tandem', dest));
    for (const copy of runtime!.copies) {
      for (const source of copy.sources) {
        const from = copy.from === 'build' ? join(ROOT, source.replace(/^\/src\//, '')) : join(ROOT, source);
        const dest = at(workdirOf(copy.dest));
        mkdirSync(dirname(dest), { recursive: true });
        // node_modules: this machine's install stands in for the pruned one (a link: it is large).
        if (source.includes('node_modules')) symlinkSync(from, dest.replace(/\/$/, ''));
        else cpSync(from, source.endsWith('/') ? dest : join(dest, source.endsWith('package.json') && dest.endsWith('/') ? 'package.json' : ''), { recursive: true });
      }
    }
    const link = runtime!.runs.map((r) => /ln -s (\S+) (\S+)/.exec(r)).find((m) => m !== null);
    assert.ok(link, 'the RUN that puts tandem on PATH');
    assert.equal(link[2], '/usr/local/bin/tandem');
    const entry = at(link[1]!);
    assert.ok(existsSync(entry), `${link[1]} is in the image`);
    const tandem = (...args: string[]) => spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', TANDEM_HOME: join(scratch, 'home') } });
    const version = tandem('--version');
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout.trim(), VERSION);
    const serve = tandem(...(runtime!.cmd ?? []), '--help');
    assert.equal(serve.status, 0, serve.stderr);
    assert.match(serve.stdout, /serve/);
  });
});

void describe('deploy/smoke.sh', () => {
  const script = join(ROOT, 'deploy/smoke.sh');

  void it('is valid bash', () => {
    const result = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });

  void it('passes shellcheck', (t) => {
    const found = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
    if (!requireHere(t, found.error !== undefined || found.status !== 0 ? 'shellcheck is not installed' : undefined, 'apt-get install shellcheck')) return;
    const result = spawnSync('shellcheck', ['--shell=bash', script], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout);
  });

  void it('applies an overlay, compiles and applies the example project, and reports each run', () => {
    const text = readFileSync(script, 'utf8');
    assert.match(text, /kubectl apply -k "\$OVERLAY"/);
    assert.match(text, /tandem compile examples\/cluster\/tandem\.yaml --target auto/);
    assert.match(text, /kubectl apply -k "\$BUILD"/);
    assert.match(text, /\/api\/v1\/workflows\/conditional-dag\/runs/);
    assert.match(text, /workflowTemplateRef:/);
    assert.ok(existsSync(join(ROOT, 'deploy/overlays/local-lanes/kustomization.yaml')), 'its default overlay exists');
  });
});

// Skips stay honest: a test stands down for something missing only through test/helpers/skip.ts,
// which fails it under CI=true. This scans every file under test/ for the other ways to skip —
// t.skip(), it.skip/describe.skip, a { skip } or { todo } option, a warning followed by an early
// return or a test left unregistered, a test reading CI=true itself — and shows the helper does
// what it says.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { MissingRequirementError, requireHere, suiteRequires } from '../helpers/skip.js';

const TEST_DIR = join(import.meta.dirname, '..');
const HELPER = join('helpers', 'skip.ts');
// This file names the patterns it looks for.
const SELF = join('lint', 'skips.test.ts');

const PATTERNS: Array<{ what: string; pattern: RegExp }> = [
  { what: 'a .skip() call (t.skip, it.skip, describe.skip)', pattern: /\.skip\s*\(/ },
  { what: 'a skip option', pattern: /\bskip\s*:/ },
  { what: 'a todo (t.todo, it.todo, a todo option)', pattern: /\.todo\s*\(|\btodo\s*:/ },
  // "perl is not installed here, only the Node.js helper is tested": a warning is how a quiet
  // skip (a test left unregistered) announces itself, so none is written but the helper's.
  { what: 'a warning (a test standing down says so through the helper)', pattern: /console\.warn\(/ },
  // A banner announces itself ("!!! SKIPPED: no server"); an upstream state named SKIPPED (KFP's
  // RuntimeState) is data, not a banner.
  { what: 'a SKIPPED/SKIPPING banner', pattern: /!!!\s*SKIPP|SKIPP(ED|ING)\s*[:!(]/ },
  { what: 'a test deciding by CI=true itself', pattern: /process\.env\.CI\b|process\.env\[['"]CI['"]\]/ },
];

/** Every `.ts` file under `dir`, relative to test/. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return files(path);
    return entry.endsWith('.ts') ? [relative(TEST_DIR, path)] : [];
  });
}

/** `file:line: what` for every line of `source` that skips other than through the helper. */
function offences(file: string, source: string): string[] {
  return source.split('\n').flatMap((line, index) =>
    PATTERNS.filter(({ pattern }) => pattern.test(line)).map(({ what }) => `test/${file}:${index + 1}: ${what}: ${line.trim()}`),
  );
}

describe('skips go through test/helpers/skip.ts', () => {
  it('no test file skips any other way', () => {
    const scanned = files(TEST_DIR).filter((file) => file !== HELPER && file !== SELF);
    assert.ok(scanned.length > 100, `expected to scan the test tree, found ${scanned.length} files`);
    const found = scanned.flatMap((file) => offences(file, readFileSync(join(TEST_DIR, file), 'utf8')));
    assert.deepEqual(found, [], 'skip through requireHere(t, ...) or suiteRequires(...) from test/helpers/skip.ts');
  });

  it('recognises each way to skip', () => {
    const samples = [
      "if (!found) { t.skip('no perl'); return; }",
      "describe.skip('auth', () => {});",
      "describe('auth', { skip: !binary }, () => {});",
      "it('later', { todo: true }, () => {});",
      "if (!present) console.warn(`the corpus is missing at ${dir}`);",
      "console.log('!!! SKIPPED: no server');",
      "if (process.env.CI === 'true') throw new Error('needed');",
    ];
    for (const sample of samples) assert.equal(offences('probe.ts', sample).length, 1, sample);
    assert.deepEqual(offences('probe.ts', "assert.equal(status, 'Skipped'); // a skipped task never runs"), []);
    assert.deepEqual(offences('probe.ts', "{ task_id: 't2', state: 'SKIPPED' },"), []);
    assert.equal(offences('probe.ts', "log('SKIPPING (no nats)');").length, 1);
  });
});

describe('the skip helper', () => {
  /** Runs `body` with CI set as given, restoring what was there. */
  function withCi<T>(value: string | undefined, body: () => T): T {
    const before = process.env.CI;
    if (value === undefined) delete process.env.CI;
    else process.env.CI = value;
    try {
      return body();
    } finally {
      if (before === undefined) delete process.env.CI;
      else process.env.CI = before;
    }
  }

  it('lets a test go on when nothing is missing', (t) => {
    assert.equal(withCi('true', () => requireHere(t, undefined, 'unused')), true);
    assert.deepEqual(withCi('true', () => suiteRequires('suite', undefined, 'unused')), {});
  });

  it('fails under CI=true, naming what is missing and how to provide it', (t) => {
    assert.throws(
      () => withCi('true', () => requireHere(t, 'no frobnicator binary here (expected: the skip helper checking itself)', 'install frobnicator')),
      (error: unknown) => error instanceof MissingRequirementError && /no frobnicator binary here \(expected: the skip helper checking itself\); CI=true requires it \(install frobnicator\)/.test(error.message),
    );
    assert.throws(() => withCi('true', () => suiteRequires('the frob suite', 'no frobnicator', 'install it')), /the frob suite: no frobnicator; CI=true requires it/);
  });

  it('skips elsewhere, saying why', () => {
    // A stand-in context that records the skip, so this check adds no skipped test to the run.
    const skipped: string[] = [];
    const context = { name: 'a test needing a missing tool', skip: (message?: string) => skipped.push(message ?? '') } as unknown as TestContext;
    const went = withCi(undefined, () => requireHere(context, 'no frobnicator binary here (expected: the skip helper checking itself)', 'install frobnicator'));
    assert.equal(went, false);
    assert.deepEqual(skipped, ['no frobnicator binary here (expected: the skip helper checking itself)']);
    assert.deepEqual(withCi('false', () => suiteRequires('the frob suite', 'no frobnicator (expected: the skip helper checking itself)', 'install it')), { skip: 'no frobnicator (expected: the skip helper checking itself)' });
  });
});

#!/usr/bin/env node
// Runs every test file under test/ with Node's own test runner, loading TypeScript through tsx.
// Usage: node scripts/run-tests.js [substring...]   (only files whose path contains a substring)
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

/** @param {string} dir @returns {string[]} */
function findTests(dir) {
  /** @type {string[]} */
  const found = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (entry.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const filters = process.argv.slice(2);
const files = findTests('test')
  .map((file) => relative('.', file))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(2);
}
// Node applies --test-timeout to each test file as a whole, not only to each test in it: a file
// that runs longer is cancelled ("test timed out"), although every test in it passed. With the
// machine loaded (other builds beside it, stress-ng --cpu 2) files took over 2 minutes:
// test/cli/e2e.test.ts 145 s, test/examples/ml-training.test.ts 127 s, the webhook load test's
// file was cancelled at 120 s. Ten minutes leaves room over that and still ends a run that hangs;
// every wait inside a test has a deadline of its own that says what it waited for.
const FILE_TIMEOUT_MS = 10 * 60_000;
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', `--test-timeout=${FILE_TIMEOUT_MS}`, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);

// The shared folder (`../shared` beside the repository: official specs and public corpora) for
// conformance tests. A test that needs it calls requireShared(t) first: where the folder is absent
// (a user's fresh clone) it skips with a message, except under CI=true, where absence is a failure.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';

/** `../shared` next to the repository, or TANDEM_SHARED_DIR. */
const SHARED_DIR = process.env.TANDEM_SHARED_DIR ?? resolve(import.meta.dirname, '../../../shared');
export const SPECS_DIR = join(SHARED_DIR, 'specs');
export const CORPUS_DIR = join(SHARED_DIR, 'corpus');

/** Whether the test can go on: fails it under CI=true when the folder is missing, skips it otherwise. */
export function requireShared(t: TestContext): boolean {
  if (existsSync(SPECS_DIR) && existsSync(CORPUS_DIR)) return true;
  const message = `the shared specs and corpus are not at ${SHARED_DIR} (set TANDEM_SHARED_DIR)`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true requires them`);
  console.warn(`\n!!! SKIPPED: ${t.name}: ${message}.\n`);
  t.skip(message);
  return false;
}

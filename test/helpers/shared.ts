// The shared folder (`../shared` beside the repository: official specs and public corpora) for
// conformance tests. A test that needs it calls requireShared(t) first: where the folder is absent
// (a user's fresh clone) it skips with a message, except under CI=true, where absence is a failure
// (test/helpers/skip.ts).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { requireHere, suiteRequires } from './skip.js';

/** `../shared` next to the repository, or TANDEM_SHARED_DIR. */
const SHARED_DIR = process.env.TANDEM_SHARED_DIR ?? resolve(import.meta.dirname, '../../../shared');
export const SPECS_DIR = join(SHARED_DIR, 'specs');
export const CORPUS_DIR = join(SHARED_DIR, 'corpus');
export const FIXTURES_DIR = join(SHARED_DIR, 'fixtures');

const HINT = 'put the shared specs and corpus beside the repository, or set TANDEM_SHARED_DIR';

/** Undefined when `path` (a file or folder of the shared folder) is there; otherwise what is missing. */
function absent(path: string): string | undefined {
  return existsSync(path) ? undefined : `${path} is missing`;
}

/** Whether the test can go on: fails it under CI=true when the folder is missing, skips it otherwise. */
export function requireShared(t: TestContext): boolean {
  return requireHere(t, absent(SPECS_DIR) ?? absent(CORPUS_DIR), HINT);
}

/** describe() options for a block that needs `path` inside the shared folder (see suiteRequires). */
export function suiteRequiresShared(suite: string, path: string): { skip?: string } {
  return suiteRequires(suite, absent(path), HINT);
}

/** The YAML files under `dir` (a corpus folder), at any depth, sorted by path. */
export function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(entry) ? [path] : [];
    })
    .sort();
}

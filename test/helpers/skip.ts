// The one way a test stands down because something it needs is not on this machine (a service, a
// tool, the shared corpus): it skips loudly, naming what is missing and how to provide it, except
// under CI=true, where .ci/run provides all of it and anything missing is a failure. Every other
// file goes through here: test/lint/skips.test.ts rejects a skip written any other way, so a
// missing service can never turn a CI run green by skipping quietly.
import type { TestContext } from 'node:test';

/** Read on every call, so a test can check both behaviours by setting it. */
function underCi(): boolean {
  return process.env.CI === 'true';
}

/** A missing requirement under CI=true: the message says what is missing and how to provide it. */
export class MissingRequirementError extends Error {
  constructor(where: string, missing: string, hint: string) {
    super(`${where}: ${missing}; CI=true requires it (${hint})`);
    this.name = 'MissingRequirementError';
  }
}

function warn(where: string, missing: string, hint: string): void {
  console.warn(`\n!!! SKIPPED: ${where}: ${missing}. ${hint}\n`);
}

/**
 * For one test: true when `missing` is undefined (nothing is missing). Otherwise throws a
 * MissingRequirementError under CI=true, or skips the test loudly and returns false, so the caller
 * writes `if (!requireHere(t, ...)) return;`.
 */
export function requireHere(t: TestContext, missing: string | undefined, hint: string): boolean {
  if (missing === undefined) return true;
  if (underCi()) throw new MissingRequirementError(t.name, missing, hint);
  warn(t.name, missing, hint);
  t.skip(missing);
  return false;
}

/**
 * For a whole describe block, decided when the file loads: `describe(name, suiteRequires(name,
 * missing, hint), ...)`. Nothing missing: no options. Missing under CI=true: throws, which fails the
 * file with the message; otherwise the block is skipped, loudly.
 */
export function suiteRequires(suite: string, missing: string | undefined, hint: string): { skip?: string } {
  if (missing === undefined) return {};
  if (underCi()) throw new MissingRequirementError(suite, missing, hint);
  warn(suite, missing, hint);
  return { skip: missing };
}

// How a role contract suite gets the instance it checks. Each suite takes a factory for its role
// (or the intersection of roles it needs, named in its header), so any adapter — SQLite today,
// Postgres later, or a role written on its own — runs the suites of the roles it has.
import assert from 'node:assert/strict';
import { afterEach, beforeEach } from 'node:test';

interface RoleHandle<S> {
  store: S;
  /** Closes the instance and removes whatever it left behind (files, schemas). */
  close(): Promise<void>;
}

export type RoleFactory<S> = () => Promise<RoleHandle<S>>;

/**
 * Registers, in the calling describe, a fresh instance for every test (so tests never see each
 * other's rows), and returns how a test gets it.
 */
export function freshPerTest<S>(make: RoleFactory<S>): () => S {
  let handle: RoleHandle<S> | undefined;
  beforeEach(async () => {
    handle = await make();
  });
  afterEach(async () => {
    const done = handle;
    handle = undefined;
    await done?.close();
  });
  return () => {
    if (handle === undefined) throw new Error('the store is only there while a test runs');
    return handle.store;
  };
}

/**
 * Reads a newest-first listing page by page (`limit`, then `before` the last id of each page),
 * checking no page is longer than asked, and returns every id in the order seen.
 */
export async function idsPageByPage<T>(list: (page: { limit: number; before?: string }) => Promise<T[]>, idOf: (item: T) => string, limit = 2): Promise<string[]> {
  const seen: string[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await list(before === undefined ? { limit } : { limit, before });
    if (page.length === 0) return seen;
    assert.ok(page.length <= limit, `a page of ${page.length} items, asked for ${limit}`);
    seen.push(...page.map(idOf));
    before = idOf(page[page.length - 1]!);
  }
}

// How a role contract suite gets the instance it checks. Each suite takes a factory for its role
// (or the intersection of roles it needs, named in its header), so any adapter — SQLite today,
// Postgres later, or a role written on its own — runs the suites of the roles it has.
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
